//! The API for what the pages show beyond the registry itself: deadlines with their states
//! (`/api/v1/deadlines`), a cooperation's annual report with its fact sheets
//! (`/api/v1/cooperations/{id}/reports/{year}`), and, for staff with an API token, the register
//! of complaints and access requests within the account's scope (`/api/v1/cases`) and the
//! disputes of settlements (`/api/v1/cooperations/{id}/disputes`).

use std::sync::Arc;

use axum::Json;
use axum::extract::{Path, State};
use axum::http::{HeaderMap, header};
use axum::response::{IntoResponse, Response};
use samvirke_core::Date;
use samvirke_core::cases::{CaseDue, StepRecord};
use samvirke_core::deadlines::{Deadline, Filter};
use samvirke_core::model::{Language, SettlementLine};
use samvirke_core::report::{FactSheet, ReportTemplate};
use samvirke_store::register::{Case, LogEvent};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

use super::{Problem, Query, not_empty};
use crate::{AppState, WebError, date_field, municipality_field, today};

/// The longest span one deadline request may cover, in days (three years): the list is computed
/// per request, so its cost is bounded by the span, not by the registry's age.
pub(crate) const DEADLINE_SPAN_DAYS_MAX: u32 = 3 * 366;

/// How far back the deadline list starts by default, in days (a yearly cycle), and how many days
/// it covers by default (the past cycle and the coming one).
const DEADLINE_DEFAULT_BACK: i32 = 366;
const DEADLINE_DEFAULT_DAYS: u32 = 2 * 366;

/// The years a deadline list may start in (the calendar the deadlines are counted on).
const DEADLINE_YEARS: std::ops::RangeInclusive<i32> = 1900..=2199;

/// Query of `GET /api/v1/deadlines`.
#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub(crate) struct DeadlinesQuery {
    /// Only this cooperation's, e.g. `dragoer-taarnby`.
    #[param(pattern = "^[a-z0-9]+(-[a-z0-9]+)*$")]
    cooperation: Option<String>,
    /// Only those this municipality must meet, e.g. `DK-0155`.
    #[param(pattern = "^(DK|SE|NO)-[0-9]{1,4}$")]
    municipality: Option<String>,
    /// The first day, `YYYY-MM-DD`, in the years 1900–2199 (default a year before today).
    #[param(format = Date, pattern = "^(19|20|21)[0-9]{2}-[0-9]{2}-[0-9]{2}$")]
    from: Option<String>,
    /// How many days from `from` the list covers, `from` included (default 732: the past yearly
    /// cycle and the coming one; at most 1098, three years).
    #[param(minimum = 1, maximum = 1098)]
    days: Option<u32>,
}

/// Deadlines from `from` to `to`, each with its state on `today`.
#[derive(Serialize, ToSchema)]
pub(crate) struct DeadlineList {
    /// The first day asked about.
    from: Date,
    /// The last day asked about (`from` and `days` − 1 days).
    to: Date,
    /// The day the states are for (`overdue` is counted from it).
    today: Date,
    /// The deadlines, earliest first.
    items: Vec<Deadline>,
}

/// Every dated obligation from `from` to `to` (the agreements' own, the statutory ones of each
/// cooperation's country and form, and notice periods), with its recorded state or `overdue`:
/// the list the cooperation and municipality pages and the calendar feeds show.
#[utoipa::path(get, path = "/api/v1/deadlines", tag = "registry", params(DeadlinesQuery),
    responses(
        (status = 200, description = "The deadlines", body = DeadlineList, headers(("ETag" = String, description = "The version"))),
        (status = 304, description = "Not modified since the ETag sent in If-None-Match"),
        (status = 400, description = "A field is malformed or out of range; `field` names it", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such cooperation or municipality", body = Problem, content_type = "application/problem+json"),
    ))]
pub(crate) async fn deadlines(
    State(state): State<Arc<AppState>>,
    Query(query): Query<DeadlinesQuery>,
) -> Result<Response, WebError> {
    for (field, value) in [
        ("cooperation", &query.cooperation),
        ("municipality", &query.municipality),
        ("from", &query.from),
    ] {
        not_empty(field, value.as_deref())?;
    }
    let snapshot = state.snapshot()?;
    let on = today();
    let from = match &query.from {
        Some(text) => date_field("from", text)?,
        None => Date::from_days_since_epoch(on.days_since_epoch() - DEADLINE_DEFAULT_BACK),
    };
    if !DEADLINE_YEARS.contains(&from.ymd().0) {
        return Err(WebError::BadRequest {
            field: "from",
            detail: format!(
                "from: {from} is outside the years {}–{}",
                DEADLINE_YEARS.start(),
                DEADLINE_YEARS.end()
            ),
        });
    }
    let days = query.days.unwrap_or(DEADLINE_DEFAULT_DAYS);
    if !(1..=DEADLINE_SPAN_DAYS_MAX).contains(&days) {
        return Err(WebError::BadRequest {
            field: "days",
            detail: format!(
                "days: {days} is outside 1–{DEADLINE_SPAN_DAYS_MAX}; ask for three years at a time"
            ),
        });
    }
    let to = Date::from_days_since_epoch(from.days_since_epoch() + days as i32 - 1);
    let cooperation = match &query.cooperation {
        Some(text) => Some(
            crate::cooperation_in(&snapshot, text)?
                .cooperation
                .id
                .clone(),
        ),
        None => None,
    };
    let municipality = match &query.municipality {
        Some(text) => Some(municipality_field(text)?),
        None => None,
    };
    let filter = Filter {
        municipality,
        cooperation,
    };
    let items = snapshot
        .registry
        .deadlines(&filter, from, to, on)
        .map_err(|e| WebError::BadRequest {
            field: "from",
            detail: format!("from: {e}"),
        })?;
    Ok((
        [(header::ACCESS_CONTROL_ALLOW_ORIGIN, "*")],
        Json(DeadlineList {
            from,
            to,
            today: on,
            items,
        }),
    )
        .into_response())
}

/// A sub-agreement's part of an annual report.
#[derive(Serialize, ToSchema)]
pub(crate) struct ReportPart {
    /// The sub-agreement's number.
    sub_agreement: u32,
    /// Its title.
    title: String,
    /// Who performs its services (they write the fact sheet), by party id.
    performers: Vec<String>,
    /// For whom (they review it), by municipality id.
    delegating: Vec<String>,
    /// The fact sheet, once one has been started; its `state` says where it stands.
    sheet: Option<FactSheet>,
    /// The settlement lines of this sub-agreement for the year, if a settlement was run.
    settlement: Vec<SettlementLine>,
}

/// A cooperation's annual report on one year: what the report page and its PDF show.
#[derive(Serialize, ToSchema)]
pub(crate) struct ReportBody {
    /// The cooperation's id.
    cooperation: String,
    /// Its name.
    name: String,
    /// The year reported on.
    year: i32,
    /// The language the report is written in (`da`, `sv`, `nb` or `en`).
    #[schema(value_type = String)]
    language: Language,
    /// The template in force at the end of the year.
    template: ReportTemplate,
    /// One part per sub-agreement in force at some time in the year, by number.
    parts: Vec<ReportPart>,
    /// The PDF of the same report.
    pdf: String,
}

/// A cooperation's annual report: each sub-agreement in force in the year with its performers,
/// its reviewers, its fact sheet and its settlement lines.
#[utoipa::path(get, path = "/api/v1/cooperations/{id}/reports/{year}", tag = "registry",
    params(
        ("id" = String, Path, description = "The cooperation's id", example = "dragoer-taarnby"),
        ("year" = i32, Path, description = "The year, 1990–2100", example = 2026, minimum = 1990, maximum = 2100),
    ),
    responses(
        (status = 200, description = "The report", body = ReportBody, headers(("ETag" = String, description = "The version"))),
        (status = 304, description = "Not modified since the ETag sent in If-None-Match"),
        (status = 404, description = "No such cooperation, or a year outside 1990–2100", body = Problem, content_type = "application/problem+json"),
    ))]
pub(crate) async fn report(
    State(state): State<Arc<AppState>>,
    headers: HeaderMap,
    Path((id, year)): Path<(String, String)>,
) -> Result<Response, WebError> {
    let snapshot = state.snapshot()?;
    let doc = crate::cooperation_in(&snapshot, &id)?;
    let year = crate::report_year(&year).ok_or_else(|| {
        WebError::NotFound(format!(
            "year: \"{year}\" is not a year Samvirke reports on; give one from 1990 to 2100"
        ))
    })?;
    let mut report = snapshot
        .registry
        .annual_report(&doc.cooperation.id, year)
        .ok_or_else(|| WebError::NotFound(format!("no report of \"{id}\" on {year}")))?;
    if !shows_settlements(&state, &headers, doc).await? {
        report = report.without_settlement();
    }
    let parts = report
        .parts
        .iter()
        .map(|part| ReportPart {
            sub_agreement: part.sub_agreement.number,
            title: part.sub_agreement.title.clone(),
            performers: part.performers.iter().map(ToString::to_string).collect(),
            delegating: part.delegating.iter().map(ToString::to_string).collect(),
            sheet: part.sheet.cloned(),
            settlement: part.settlement.iter().map(|l| (*l).clone()).collect(),
        })
        .collect();
    let body = ReportBody {
        cooperation: doc.cooperation.id.to_string(),
        name: doc.cooperation.name.clone(),
        year,
        language: doc.cooperation.language,
        template: report.template.clone(),
        parts,
        pdf: format!("/cooperations/{}/report/{year}.pdf", doc.cooperation.id),
    };
    Ok(([(header::ACCESS_CONTROL_ALLOW_ORIGIN, "*")], Json(body)).into_response())
}

/// A cooperation's mapping of candidate areas.
#[derive(Serialize, ToSchema)]
pub(crate) struct MappingBody {
    /// The cooperation's id.
    cooperation: String,
    /// Its name.
    name: String,
    /// The areas as the agreement file holds them: deliveries, assessments, status moves.
    areas: Vec<samvirke_core::model::CandidateArea>,
    /// The criteria, the ranking and its robustness.
    mapping: samvirke_core::mapping::Report,
}

/// A cooperation's mapping of candidate areas: the criteria with their weights, the ranking with
/// each participant's view, how robust the top three is, and the areas themselves.
#[utoipa::path(get, path = "/api/v1/cooperations/{id}/mapping", tag = "registry",
    params(("id" = String, Path, description = "The cooperation's id", example = "marker-ostfold-kartlegging")),
    responses(
        (status = 200, description = "The mapping", body = MappingBody, headers(("ETag" = String, description = "The version"))),
        (status = 304, description = "Not modified since the ETag sent in If-None-Match"),
        (status = 404, description = "No such cooperation, or one without candidate areas", body = Problem, content_type = "application/problem+json"),
    ))]
pub(crate) async fn mapping(
    State(state): State<Arc<AppState>>,
    Path(id): Path<String>,
) -> Result<Response, WebError> {
    let snapshot = state.snapshot()?;
    let doc = crate::cooperation_in(&snapshot, &id)?;
    if doc.candidate_areas.is_empty() {
        return Err(WebError::NotFound(format!(
            "cooperation \"{id}\" records no candidate areas, so it has no mapping"
        )));
    }
    let body = MappingBody {
        cooperation: doc.cooperation.id.to_string(),
        name: doc.cooperation.name.clone(),
        areas: doc.candidate_areas.clone(),
        mapping: samvirke_core::mapping::report(doc),
    };
    Ok(([(header::ACCESS_CONTROL_ALLOW_ORIGIN, "*")], Json(body)).into_response())
}

/// When a municipality must next evaluate a cooperation.
#[derive(Serialize, ToSchema)]
pub(crate) struct EvaluationDue {
    /// The municipality.
    party: String,
    /// Its name.
    name: String,
    /// The day of its last evaluation, if any.
    #[serde(skip_serializing_if = "Option::is_none")]
    last: Option<samvirke_core::Date>,
    /// The day its next evaluation is due (24 months after the last, or after the start).
    next: samvirke_core::Date,
}

/// What an evaluation of a cooperation rests on, and the evaluations made.
#[derive(Serialize, ToSchema)]
pub(crate) struct EvaluationBody {
    /// The cooperation's id.
    cooperation: String,
    /// Its name.
    name: String,
    /// Per sub-agreement the key figures, the yearly cost and its trend; every evaluation.
    summary: samvirke_core::report::EvaluationSummary,
    /// When each municipality must next evaluate it.
    due: Vec<EvaluationDue>,
}

/// A cooperation's evaluation basis: per sub-agreement the key figures of its fact sheets, the
/// yearly cost from the recorded settlement runs, the cost per case and the trend; the parties'
/// evaluations; when each municipality must next evaluate (the same as `samvirke evaluate`).
#[utoipa::path(get, path = "/api/v1/cooperations/{id}/evaluation", tag = "registry",
    params(("id" = String, Path, description = "The cooperation's id", example = "dragoer-taarnby")),
    responses(
        (status = 200, description = "The evaluation basis", body = EvaluationBody, headers(("ETag" = String, description = "The version"))),
        (status = 304, description = "Not modified since the ETag sent in If-None-Match"),
        (status = 404, description = "No such cooperation", body = Problem, content_type = "application/problem+json"),
    ))]
pub(crate) async fn evaluation(
    State(state): State<Arc<AppState>>,
    headers: HeaderMap,
    Path(id): Path<String>,
) -> Result<Response, WebError> {
    let snapshot = state.snapshot()?;
    let doc = crate::cooperation_in(&snapshot, &id)?;
    let mut summary = snapshot
        .registry
        .evaluation_summary(&doc.cooperation.id)
        .ok_or_else(|| WebError::NotFound(format!("there is no cooperation \"{id}\"")))?;
    if !shows_settlements(&state, &headers, doc).await? {
        summary = summary.without_costs();
    }
    let due = crate::public::evaluation::next_due(doc)
        .into_iter()
        .map(|(p, next)| EvaluationDue {
            party: p.to_string(),
            name: doc.party_name(p),
            last: doc
                .evaluations
                .iter()
                .filter(|e| &e.party == p)
                .map(|e| e.on)
                .max(),
            next,
        })
        .collect();
    let body = EvaluationBody {
        cooperation: doc.cooperation.id.to_string(),
        name: doc.cooperation.name.clone(),
        summary,
        due,
    };
    Ok(([(header::ACCESS_CONTROL_ALLOW_ORIGIN, "*")], Json(body)).into_response())
}

/// Whether the caller may see `doc`'s settlements (a cooperation with `settlements = "members"`:
/// the API token of its parties' staff or its secretariat).
async fn shows_settlements(
    state: &Arc<AppState>,
    headers: &HeaderMap,
    doc: &samvirke_core::model::CooperationDoc,
) -> Result<bool, WebError> {
    let reader = crate::public::settlement::reader(state, headers, std::iter::once(doc)).await?;
    Ok(crate::public::settlement::shows(doc, reader.as_ref()))
}

/// Not found, with the fix, unless the caller may see `doc`'s settlements.
async fn require_settlements(
    state: &Arc<AppState>,
    headers: &HeaderMap,
    doc: &samvirke_core::model::CooperationDoc,
) -> Result<(), WebError> {
    if shows_settlements(state, headers, doc).await? {
        return Ok(());
    }
    Err(WebError::NotFound(format!(
        "\"{}\" shows its settlements to the staff of its members only; send `Authorization: Bearer TOKEN` with an API token of such an account",
        doc.cooperation.id
    )))
}

/// A cooperation's settlement of a year: per payment agreement and payer the key, the shares, the
/// aconto instalments, the savings credit, the actual share and the true-up, and how each amount
/// came about (the same as `samvirke settle --format json`).
#[utoipa::path(get, path = "/api/v1/cooperations/{id}/settlements/{year}", tag = "registry",
    params(
        ("id" = String, Path, description = "The cooperation's id", example = "dragoer-taarnby"),
        ("year" = i32, Path, description = "The year", example = 2025),
    ),
    responses(
        (status = 200, description = "The statement", body = samvirke_settle::statement::Statement, headers(("ETag" = String, description = "The version"))),
        (status = 304, description = "Not modified since the ETag sent in If-None-Match"),
        (status = 404, description = "No such cooperation, or no cost basis for the year", body = Problem, content_type = "application/problem+json"),
    ))]
pub(crate) async fn settlement(
    State(state): State<Arc<AppState>>,
    headers: HeaderMap,
    Path((id, year)): Path<(String, String)>,
) -> Result<Response, WebError> {
    let year = crate::report_year(&year).ok_or_else(|| {
        WebError::NotFound(format!(
            "\"{year}\" is not a year Samvirke settles (1990–2100)"
        ))
    })?;
    let snapshot = state.snapshot()?;
    let doc = crate::cooperation_in(&snapshot, &id)?;
    require_settlements(&state, &headers, doc).await?;
    let (statement, _) = crate::public::settlement::worked_out(&snapshot.registry, doc, year)?;
    Ok((
        [(header::ACCESS_CONTROL_ALLOW_ORIGIN, "*")],
        Json(statement),
    )
        .into_response())
}

/// An e-invoice or credit note as issued (the UBL document itself is at `url`).
#[derive(Serialize, ToSchema)]
pub(crate) struct InvoiceBody {
    /// Its number, unique per seller.
    number: String,
    /// `invoice` or `credit_note`.
    kind: &'static str,
    /// The seller (the payee), by id.
    seller: String,
    /// The buyer (a payer), by id.
    buyer: String,
    /// The payment agreement's sub-agreement.
    sub_agreement: u32,
    /// What it is for.
    item: samvirke_core::model::InvoiceItem,
    /// What it adds to the item before VAT, in minor units (negative for a credit note).
    net_minor: i64,
    /// The amount payable or credited, VAT included, in minor units.
    payable_minor: u64,
    /// Currency.
    currency: String,
    /// Issue day.
    issued: Date,
    /// Due day (invoices).
    due: Option<Date>,
    /// The journal event of the settlement run it rests on.
    run_event: u64,
    /// The invoices a credit note corrects.
    corrects: Vec<String>,
    /// The UBL 2.1 document (Peppol BIS Billing 3.0), byte for byte as issued.
    url: String,
}

/// The e-invoices and credit notes issued under a cooperation for a year (`samvirke invoice`).
#[utoipa::path(get, path = "/api/v1/cooperations/{id}/invoices/{year}", tag = "registry",
    params(
        ("id" = String, Path, description = "The cooperation's id", example = "dragoer-taarnby"),
        ("year" = i32, Path, description = "The settled year", example = 2025),
    ),
    responses(
        (status = 200, description = "The documents issued, by number", body = Vec<InvoiceBody>),
        (status = 404, description = "No such cooperation, or not a year", body = Problem, content_type = "application/problem+json"),
    ))]
pub(crate) async fn invoices(
    State(state): State<Arc<AppState>>,
    headers: HeaderMap,
    Path((id, year)): Path<(String, String)>,
) -> Result<Response, WebError> {
    let year = crate::report_year(&year).ok_or_else(|| {
        WebError::NotFound(format!(
            "\"{year}\" is not a year Samvirke settles (1990–2100)"
        ))
    })?;
    let snapshot = state.snapshot()?;
    let doc = crate::cooperation_in(&snapshot, &id)?;
    require_settlements(&state, &headers, doc).await?;
    let coop = &doc.cooperation.id;
    let body: Vec<InvoiceBody> = snapshot
        .registry
        .invoices(coop, year)
        .into_iter()
        .map(|i| InvoiceBody {
            number: i.number.clone(),
            kind: if i.credit_note {
                "credit_note"
            } else {
                "invoice"
            },
            seller: i.seller.clone(),
            buyer: i.buyer.clone(),
            sub_agreement: i.sub_agreement,
            item: i.item,
            net_minor: i.net_minor,
            payable_minor: i.payable_minor,
            currency: i.currency.clone(),
            issued: i.issued,
            due: i.due,
            run_event: i.run_event,
            corrects: i.corrects.clone(),
            url: format!(
                "/cooperations/{coop}/settlement/{year}/invoices/{}.xml",
                i.number
            ),
        })
        .collect();
    Ok(([(header::ACCESS_CONTROL_ALLOW_ORIGIN, "*")], Json(body)).into_response())
}

/// A dispute as the API gives it: the dispute itself, whether the run it disputes has since been
/// replaced, and the page where it is read and answered.
#[derive(Serialize, ToSchema)]
pub(crate) struct DisputeBody {
    /// The dispute.
    #[serde(flatten)]
    dispute: samvirke_core::model::Dispute,
    /// The cooperation's id.
    cooperation: String,
    /// Whether a newer settlement run has replaced the one disputed while the dispute is open.
    run_replaced: bool,
    /// What the current run has the member pay for the disputed line or year, in minor units.
    current_minor: Option<i64>,
    /// The page where it is read and answered.
    url: String,
}

impl DisputeBody {
    fn of(
        registry: &samvirke_core::Registry,
        doc: &samvirke_core::model::CooperationDoc,
        d: &samvirke_core::model::Dispute,
    ) -> DisputeBody {
        let coop = &doc.cooperation.id;
        let current = registry
            .record_of(&format!("{coop}/settlement/{}", d.year))
            .map(|r| r.event);
        DisputeBody {
            dispute: d.clone(),
            cooperation: coop.to_string(),
            run_replaced: d.is_open() && current.is_some_and(|e| e != d.run_event),
            current_minor: registry.settlement_run(coop, d.year).and_then(|r| {
                samvirke_settle::dispute::amount_in_run(r, &d.payer, d.sub_agreement)
            }),
            url: format!("/staff/cooperations/{coop}/disputes/{}", d.number),
        }
    }
}

/// The disputes of a cooperation's settlements that the token's account may see (those of its
/// own municipality as payer or payee, or all of a cooperation in its scope), by number.
#[utoipa::path(get, path = "/api/v1/cooperations/{id}/disputes", tag = "staff",
    params(("id" = String, Path, description = "The cooperation's id", example = "dragoer-taarnby")),
    security(("token" = [])),
    responses(
        (status = 200, description = "The disputes, by number", body = Vec<DisputeBody>, headers(("ETag" = String, description = "The version"))),
        (status = 304, description = "Not modified since the ETag sent in If-None-Match"),
        (status = 401, description = "No valid API token", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such cooperation", body = Problem, content_type = "application/problem+json"),
    ))]
pub(crate) async fn disputes(
    State(state): State<Arc<AppState>>,
    headers: header::HeaderMap,
    Path(id): Path<String>,
) -> Result<Response, WebError> {
    let staff = reader(&state, &headers).await?;
    let snapshot = state.snapshot()?;
    let doc = crate::cooperation_in(&snapshot, &id)?;
    let body: Vec<DisputeBody> = snapshot
        .registry
        .disputes(&doc.cooperation.id)
        .into_iter()
        .filter(|d| crate::staff::disputes::may_see(&staff, doc, d))
        .map(|d| DisputeBody::of(&snapshot.registry, doc, d))
        .collect();
    Ok(Json(body).into_response())
}

/// One dispute, if the token's account may see it (404 otherwise, so that an outsider learns
/// nothing of whether it exists).
#[utoipa::path(get, path = "/api/v1/cooperations/{id}/disputes/{number}", tag = "staff",
    params(
        ("id" = String, Path, description = "The cooperation's id", example = "dragoer-taarnby"),
        ("number" = u32, Path, description = "The dispute's number", example = 1),
    ),
    security(("token" = [])),
    responses(
        (status = 200, description = "The dispute", body = DisputeBody, headers(("ETag" = String, description = "The version"))),
        (status = 304, description = "Not modified since the ETag sent in If-None-Match"),
        (status = 401, description = "No valid API token", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such cooperation or dispute, or not one the account may see", body = Problem, content_type = "application/problem+json"),
    ))]
pub(crate) async fn dispute(
    State(state): State<Arc<AppState>>,
    headers: header::HeaderMap,
    Path((id, number)): Path<(String, String)>,
) -> Result<Response, WebError> {
    let staff = reader(&state, &headers).await?;
    let snapshot = state.snapshot()?;
    let doc = crate::cooperation_in(&snapshot, &id)?;
    let found = number.parse::<u32>().ok().and_then(|n| {
        snapshot
            .registry
            .disputes(&doc.cooperation.id)
            .into_iter()
            .find(|d| d.number == n)
    });
    match found {
        Some(d) if crate::staff::disputes::may_see(&staff, doc, d) => {
            Ok(Json(DisputeBody::of(&snapshot.registry, doc, d)).into_response())
        }
        _ => Err(WebError::NotFound(format!(
            "no dispute {number} of {} that this account may see",
            doc.cooperation.id
        ))),
    }
}

/// The body that handles a case.
#[derive(Serialize, ToSchema)]
pub(crate) struct Handler {
    /// Its id (a municipality id or an organisation's).
    id: String,
    /// Its name.
    name: String,
}

/// A line of a case's log.
#[derive(Serialize, ToSchema)]
pub(crate) struct CaseLogLine {
    /// When.
    #[schema(value_type = String, format = DateTime)]
    at: samvirke_core::Timestamp,
    /// Who (the account).
    actor: String,
    /// What happened: `event` says which (`registered`, `extended`, `closed`, `deleted`, or
    /// `text` for a line kept as English words), with its parts.
    #[schema(value_type = Object)]
    event: LogEvent,
    /// The same in English.
    what: String,
}

/// A case in the register.
#[derive(Serialize, ToSchema)]
pub(crate) struct CaseBody {
    /// Its number.
    id: i64,
    /// The handling authority's own case reference (never an identity number).
    reference: String,
    /// `complaint`, `document_access` or `gdpr_access`.
    kind: String,
    /// The service, by id.
    service: String,
    /// The date of the decision (for an access request, the date the service is asked about).
    decided_on: Date,
    /// The day it came in; the clocks run from here.
    received_on: Date,
    /// The citizen's municipality.
    citizen_municipality: String,
    /// Who handles it.
    handled_by: Handler,
    /// The municipalities whose staff see it.
    visible_to: Vec<String>,
    /// Why it goes there, in one English line.
    routing: String,
    /// The same step by step, with each step's parts (empty for a case registered before the
    /// register kept steps).
    routing_steps: Vec<StepRecord>,
    /// When the extension the law allows was taken.
    extended_on: Option<Date>,
    /// When it was closed.
    closed_on: Option<Date>,
    /// Whether it is open and its first due date has passed.
    overdue: bool,
    /// Its due dates, earliest first, with the clock, the law and whether it is binding.
    dues: Vec<CaseDue>,
    /// Its log, oldest first (filled in `GET /api/v1/cases/{id}`; empty in the list).
    log: Vec<CaseLogLine>,
}

impl CaseBody {
    fn of(case: &Case, log: Vec<CaseLogLine>) -> CaseBody {
        let c = &case.case;
        let steps = match &c.routing {
            samvirke_core::cases::RoutingRecord::Steps(steps) => steps.clone(),
            samvirke_core::cases::RoutingRecord::Text(_) => Vec::new(),
        };
        CaseBody {
            id: case.id,
            reference: c.reference.as_str().to_string(),
            kind: c.kind.as_str().to_string(),
            service: c.service.clone(),
            decided_on: c.decided_on,
            received_on: c.received_on,
            citizen_municipality: c.citizen_municipality.to_string(),
            handled_by: Handler {
                id: c.handled_by.0.clone(),
                name: c.handled_by.1.clone(),
            },
            visible_to: c.visible_to.iter().map(ToString::to_string).collect(),
            routing: c.routing.summary(),
            routing_steps: steps,
            extended_on: case.extended_on,
            closed_on: case.closed_on,
            overdue: case.is_overdue(today()),
            dues: case.dues(Language::En),
            log,
        }
    }
}

/// The signed-in caller of a staff read: an API token (or a browser session).
async fn reader(
    state: &Arc<AppState>,
    headers: &header::HeaderMap,
) -> Result<crate::auth::Staff, WebError> {
    crate::staff::staff_of(state, headers)
        .await?
        .ok_or_else(|| {
            WebError::Unauthorized(
            "the register is for staff: send `Authorization: Bearer TOKEN` (create one on /staff)"
                .to_string(),
        )
        })
}

/// The cases the token's account may see: those visible to a municipality in its scope, open
/// before closed, overdue first, then by their first due date. An account without a municipality
/// in its scope sees none.
#[utoipa::path(get, path = "/api/v1/cases", tag = "staff", params(super::Page),
    security(("token" = [])),
    responses(
        (status = 200, description = "The cases", body = inline(super::Paged<CaseBody>), headers(("ETag" = String, description = "The version"))),
        (status = 304, description = "Not modified since the ETag sent in If-None-Match"),
        (status = 400, description = "limit or offset out of range", body = Problem, content_type = "application/problem+json"),
        (status = 401, description = "No valid API token", body = Problem, content_type = "application/problem+json"),
    ))]
pub(crate) async fn cases(
    State(state): State<Arc<AppState>>,
    headers: header::HeaderMap,
    Query(page): Query<super::Page>,
) -> Result<Response, WebError> {
    let staff = reader(&state, &headers).await?;
    let all = crate::register::visible_cases(&state, &staff).await?;
    let items: Vec<CaseBody> = all.iter().map(|c| CaseBody::of(c, Vec::new())).collect();
    Ok(Json(super::paged(items, &page)?).into_response())
}

/// One case with its due dates and log, if the token's account may see it (404 otherwise, so
/// that an outsider learns nothing of whether it exists).
#[utoipa::path(get, path = "/api/v1/cases/{id}", tag = "staff",
    params(("id" = i64, Path, description = "The case's number", example = 1)),
    security(("token" = [])),
    responses(
        (status = 200, description = "The case", body = CaseBody, headers(("ETag" = String, description = "The version"))),
        (status = 304, description = "Not modified since the ETag sent in If-None-Match"),
        (status = 401, description = "No valid API token", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such case, or not one the account may see", body = Problem, content_type = "application/problem+json"),
    ))]
pub(crate) async fn case(
    State(state): State<Arc<AppState>>,
    headers: header::HeaderMap,
    Path(id): Path<String>,
) -> Result<Response, WebError> {
    let staff = reader(&state, &headers).await?;
    let not_found = || WebError::NotFound(format!("no case {id} that this account may see"));
    let number: i64 = id.parse().map_err(|_| not_found())?;
    let found = state
        .with_store(move |store| {
            let case = store.case(number)?;
            let log = match &case {
                Some(_) => store.register_log(Some(number))?,
                None => Vec::new(),
            };
            Ok((case, log))
        })
        .await?;
    let (Some(case), log) = found else {
        return Err(not_found());
    };
    if !staff.may_see_case(&case) {
        return Err(not_found());
    }
    let log = log
        .into_iter()
        .map(|l| CaseLogLine {
            at: l.at,
            actor: l.actor,
            event: l.event,
            what: l.what,
        })
        .collect();
    Ok(Json(CaseBody::of(&case, log)).into_response())
}

/// A scenario as the list of a cooperation's scenarios shows it.
#[derive(Serialize, ToSchema)]
pub(crate) struct ScenarioItem {
    /// Its id within the cooperation.
    id: String,
    /// Its name.
    name: String,
    /// The day it was prepared.
    prepared: Date,
    /// The registry it starts from (as known at the end of this day), if not now.
    #[serde(skip_serializing_if = "Option::is_none")]
    known_on: Option<Date>,
    /// When and by which decision it was adopted.
    #[serde(skip_serializing_if = "Option::is_none")]
    adopted: Option<samvirke_core::model::ScenarioAdoption>,
    /// Whether the public may read it.
    published: bool,
}

/// Whether the request carries the API token of a staff member who may edit `doc` (who then
/// sees its unpublished scenarios too).
async fn staff_editor(
    state: &Arc<AppState>,
    headers: &axum::http::HeaderMap,
    doc: &samvirke_core::model::CooperationDoc,
) -> Result<bool, WebError> {
    if crate::auth::bearer(headers).is_none() {
        return Ok(false);
    }
    match crate::staff::staff_of(state, headers).await? {
        Some(staff) if staff.can_edit(doc) => Ok(true),
        Some(_) => Ok(false),
        None => Err(WebError::Unauthorized(
            "the API token is not known or was revoked; create one with `samvirke user token`"
                .to_string(),
        )),
    }
}

/// A cooperation's scenarios: the published ones, or with an API token of its editors all of them.
#[utoipa::path(get, path = "/api/v1/cooperations/{id}/scenarios", tag = "registry",
    params(("id" = String, Path, description = "The cooperation's id", example = "dragoer-taarnby")),
    responses(
        (status = 200, description = "The scenarios", body = Vec<ScenarioItem>),
        (status = 404, description = "No such cooperation", body = Problem, content_type = "application/problem+json"),
    ))]
pub(crate) async fn scenarios(
    State(state): State<Arc<AppState>>,
    headers: axum::http::HeaderMap,
    Path(id): Path<String>,
) -> Result<Response, WebError> {
    let snapshot = state.snapshot()?;
    let doc = crate::cooperation_in(&snapshot, &id)?;
    let staff = staff_editor(&state, &headers, doc).await?;
    let body: Vec<ScenarioItem> = doc
        .scenarios
        .iter()
        .filter(|s| staff || s.published)
        .map(|s| ScenarioItem {
            id: s.id.clone(),
            name: s.name.clone(),
            prepared: s.prepared,
            known_on: s.known_on,
            adopted: s.adopted.clone(),
            published: s.published,
        })
        .collect();
    Ok(([(header::ACCESS_CONTROL_ALLOW_ORIGIN, "*")], Json(body)).into_response())
}

/// A scenario worked out: every change with its earliest lawful date, the decisions and votes it
/// needs, whose responsible body changes (and where complaints and access requests go), every
/// payer's money before and after per year in minor units, and the staff figures. The same as
/// `samvirke scenario show --json`.
#[utoipa::path(get, path = "/api/v1/cooperations/{id}/scenarios/{scenario}", tag = "registry",
    params(
        ("id" = String, Path, description = "The cooperation's id", example = "dragoer-taarnby"),
        ("scenario" = String, Path, description = "The scenario's id", example = "hjemtagelse-2021"),
    ),
    responses(
        (status = 200, description = "The scenario worked out", body = samvirke_settle::scenario::Report),
        (status = 404, description = "No such cooperation, or no such published scenario", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "The scenario cannot be worked out on the registry as it stands (e.g. the day it starts from predates the cooperation's record): every problem at its field", body = Problem, content_type = "application/problem+json"),
    ))]
pub(crate) async fn scenario(
    State(state): State<Arc<AppState>>,
    headers: axum::http::HeaderMap,
    Path((id, sid)): Path<(String, String)>,
) -> Result<Response, WebError> {
    let snapshot = state.snapshot()?;
    let doc = crate::cooperation_in(&snapshot, &id)?;
    let staff = staff_editor(&state, &headers, doc).await?;
    let Some(found) = crate::scenarios::find(doc, &sid, staff) else {
        return Err(WebError::NotFound(format!(
            "cooperation \"{id}\" has no published scenario \"{sid}\"; GET /api/v1/cooperations/{id}/scenarios lists them"
        )));
    };
    match crate::scenarios::work_out(&state, &snapshot, doc, found).await? {
        Ok(rep) => Ok((
            [(header::ACCESS_CONTROL_ALLOW_ORIGIN, "*")],
            Json(rep.as_ref().clone()),
        )
            .into_response()),
        Err(problems) => Err(WebError::Conflict(format!(
            "scenario \"{sid}\" cannot be worked out on the registry as it stands: {}",
            problems
                .iter()
                .map(|p| format!("scenario.{}: {}", p.field, p.message))
                .collect::<Vec<_>>()
                .join("; ")
        ))),
    }
}

/// A joint project with each participant's share of every year.
#[derive(Serialize, ToSchema)]
pub(crate) struct ProjectBody {
    /// The project as the agreement file holds it.
    project: samvirke_core::model::Project,
    /// Each year with a budget, settled: every participant's share, summing to the budget.
    years: Vec<samvirke_settle::project::ProjectYear>,
}

/// A cooperation's joint projects, each participant's share of every year's budget worked out by
/// the settlement engine (the same as `samvirke projects --json`).
#[utoipa::path(get, path = "/api/v1/cooperations/{id}/projects", tag = "registry",
    params(("id" = String, Path, description = "The cooperation's id", example = "koebenhavn-syd")),
    responses(
        (status = 200, description = "The projects", body = Vec<ProjectBody>),
        (status = 404, description = "No such cooperation", body = Problem, content_type = "application/problem+json"),
    ))]
pub(crate) async fn projects(
    State(state): State<Arc<AppState>>,
    Path(id): Path<String>,
) -> Result<Response, WebError> {
    let snapshot = state.snapshot()?;
    let doc = crate::cooperation_in(&snapshot, &id)?;
    let mut body = Vec::new();
    for p in &doc.projects {
        let years = samvirke_settle::project::settle(doc, p).map_err(|e| {
            WebError::Conflict(format!("project \"{}\" cannot be settled: {}", p.id, e.0))
        })?;
        body.push(ProjectBody {
            project: p.clone(),
            years,
        });
    }
    Ok(([(header::ACCESS_CONTROL_ALLOW_ORIGIN, "*")], Json(body)).into_response())
}
