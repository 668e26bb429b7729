//! Every message id the code asks for exists in Danish, Swedish, Norwegian and English. The ids
//! are found in the code itself (every `.rs` file of every crate, walked at test time, not a
//! list of files), and the ids the code builds from a value (`status-{…}`) from the values'
//! enumerations.

use std::path::{Path, PathBuf};

use samvirke_core::model::{
    CandidateStatus, CooperationStatus, DecisionKind, Language, LegalForm, ObligationState,
    PartyRole,
};
use samvirke_store::accounts::Role;

fn sources(dir: &Path, out: &mut Vec<PathBuf>) {
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            sources(&path, out);
        } else if path.extension().is_some_and(|e| e == "rs") {
            out.push(path);
        }
    }
}

#[test]
fn every_message_the_code_asks_for_exists_in_every_language() {
    let crates = Path::new(env!("CARGO_MANIFEST_DIR")).join("..");
    let mut files = Vec::new();
    for krate in std::fs::read_dir(&crates).unwrap() {
        let src = krate.unwrap().path().join("src");
        if src.is_dir() {
            sources(&src, &mut files);
        }
    }
    // A message id as the first argument of the translation calls, as the label of a field or a
    // labelled problem, or as a section of an about page.
    let calls = regex::Regex::new(
        r#"\b(?:tr|tra|trm|t|ta|i18n::t|i18n::message|i18n::pieces)\(\s*(?:[a-z_.()]+,\s*)?"([a-z][a-z0-9-]*)""#,
    )
    .unwrap();
    let labels =
        regex::Regex::new(r#"\b(?:field|labelled)\(\s*[^,()]+,\s*"([a-z][a-z0-9-]*)""#).unwrap();
    let sections = regex::Regex::new(r#"\(\s*"([a-z]+-[a-z0-9-]+-h)",\s*&\["#).unwrap();
    let mut asked = Vec::new();
    for file in &files {
        let text = std::fs::read_to_string(file).unwrap();
        for re in [&calls, &labels, &sections] {
            for c in re.captures_iter(&text) {
                asked.push((c[1].to_string(), file.display().to_string()));
            }
        }
    }
    assert!(asked.len() > 300, "{} ids found", asked.len());
    // The ids built from a value.
    let mut built: Vec<String> = Vec::new();
    built.extend(
        CooperationStatus::ALL
            .iter()
            .map(|s| format!("status-{}", s.as_str())),
    );
    built.extend(
        PartyRole::ALL
            .iter()
            .map(|r| format!("role-{}", r.as_str())),
    );
    built.extend(
        CandidateStatus::ALL
            .iter()
            .map(|s| format!("area-status-{}", s.as_str())),
    );
    built.extend(
        DecisionKind::ALL
            .iter()
            .map(|d| format!("decision-{}", d.as_str())),
    );
    built.extend(
        LegalForm::ALL
            .iter()
            .map(|f| format!("form-{}", f.as_str())),
    );
    built.extend(
        ObligationState::ALL
            .iter()
            .map(|s| format!("deadline-{}", s.as_str())),
    );
    built.push("deadline-overdue".to_string());
    built.extend(
        Language::ALL
            .iter()
            .map(|l| format!("language-{}", l.as_str())),
    );
    built.extend(
        samvirke_core::cases::CaseKind::ALL
            .iter()
            .map(|k| format!("kind-{}", k.as_str())),
    );
    for role in [Role::Admin, Role::Editor, Role::Viewer] {
        built.push(format!("role-account-{}", role.as_str()));
    }
    for state in ["not_started", "draft", "submitted", "approved", "returned"] {
        built.push(format!("sheet-{state}"));
    }
    for state in ["draft", "submitted", "approved", "returned"] {
        built.push(format!("sheet-saved-{state}"));
    }
    for country in ["dk", "se", "no"] {
        built.push(format!("country-{country}"));
    }
    let missing: Vec<String> = asked
        .iter()
        .map(|(id, file)| (id.clone(), file.clone()))
        .chain(
            built
                .into_iter()
                .map(|id| (id, "built from a value".to_string())),
        )
        .filter(|(id, _)| !samvirke_i18n::exists(id))
        .map(|(id, file)| format!("{id} ({file})"))
        .collect();
    assert!(
        missing.is_empty(),
        "no message in every language: {missing:#?}"
    );
}
