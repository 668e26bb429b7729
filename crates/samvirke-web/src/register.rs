//! The register of complaints and access requests as the staff pages and the API read it: the
//! cases an account may see, in the order a caseworker works through them.

use std::sync::Arc;

use samvirke_core::model::Language;
use samvirke_store::register::Case;

use crate::auth::Staff;
use crate::{AppState, WebError, today};

/// The cases this account may see (those visible to a municipality in its scope), open before
/// closed, overdue first, then by their first due date and number.
pub(crate) async fn visible_cases(
    state: &Arc<AppState>,
    staff: &Staff,
) -> Result<Vec<Case>, WebError> {
    let scopes = staff.municipalities();
    let mut all = state
        .with_store(move |store| {
            let mut out: Vec<Case> = Vec::new();
            for m in scopes {
                for case in store.cases(Some(m))? {
                    if !out.iter().any(|c| c.id == case.id) {
                        out.push(case);
                    }
                }
            }
            Ok(out)
        })
        .await?;
    let on = today();
    all.sort_by_key(|c| {
        (
            c.closed_on.is_some(),
            !c.is_overdue(on),
            c.dues(Language::En).first().map(|d| d.due),
            c.id,
        )
    });
    Ok(all)
}
