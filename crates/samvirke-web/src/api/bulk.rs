//! `/api/v1/bulk/{file}`: the whole registry as open data, gzip-compressed, for today or as known
//! at any moment (`?as_known_on=`): `registry.json.gz` (what `GET /api/v1/export` gives),
//! `cooperations.csv.gz`, `parties.csv.gz`, `delegations.csv.gz` and `memberships.csv.gz` (the
//! membership matrix, one row per municipality and cooperation), each under the licence
//! [`DATA_LICENCE`]; and `/api/v1/bulk/dcat.jsonld`, the DCAT-AP description of the dataset and
//! its distributions.
//!
//! A file is made from the registry in memory (the snapshot, or the registry as known then from
//! the cache of past registries) and kept compressed for the journal head it reflects, at most
//! [`BULK_CACHE_MAX`] of them, so repeated downloads compress nothing again. Names that are not
//! public are left out, as on every public read.

use std::fmt::Write as _;
use std::io::Write as _;
use std::sync::Arc;

use axum::body::Body;
use axum::extract::{Path, State};
use axum::http::header;
use axum::response::{IntoResponse, Response};
use samvirke_core::model::CooperationDoc;
use samvirke_core::{PartyId, Registry, Timestamp};
use serde::Deserialize;
use utoipa::IntoParams;

use super::{Problem, Query, not_empty};
use crate::{AppState, Snapshot, WebError};

/// The licence of the data, as a URI (DCAT-AP `dct:license`).
pub(crate) const DATA_LICENCE: &str = "https://creativecommons.org/licenses/by/4.0/";
/// Its name, for the files' readers.
pub(crate) const DATA_LICENCE_NAME: &str =
    "Creative Commons Attribution 4.0 International (CC BY 4.0)";

/// The compressed files kept, by journal head and file name (every file of the present and of
/// one past moment).
pub(crate) const BULK_CACHE_MAX: usize = 10;
/// How many files are made at once at most (each takes a core while it is compressed).
pub(crate) const BULK_CONCURRENT_MAX: usize = 1;

/// The files, with their media type and what each holds.
pub(crate) const FILES: &[(&str, &str, &str)] = &[
    (
        "registry.json.gz",
        "application/json",
        "Every cooperation as its agreement file holds it (as GET /api/v1/export)",
    ),
    (
        "cooperations.csv.gz",
        "text/csv",
        "One row per cooperation: id, name, country, legal form, status, language, validity, purpose",
    ),
    (
        "parties.csv.gz",
        "text/csv",
        "One row per party of a cooperation: the party, its name, roles, joining and leaving",
    ),
    (
        "delegations.csv.gz",
        "text/csv",
        "One row per delegation: which party performs which service for whose residents, from when to when, under which sub-agreement",
    ),
    (
        "memberships.csv.gz",
        "text/csv",
        "The membership matrix, one row per municipality and cooperation it is party to",
    ),
];

/// Query of the bulk files.
#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub(crate) struct BulkQuery {
    /// The registry as known at this moment (RFC 3339, e.g. `2021-08-31T12:00:00Z`; default now).
    #[param(format = DateTime, pattern = "^[1-9][0-9]{3}-")]
    as_known_on: Option<String>,
}

/// One file of the registry as open data, gzip-compressed.
#[utoipa::path(get, path = "/api/v1/bulk/{file}", tag = "registry",
    params(("file" = String, Path, description = "registry.json.gz, cooperations.csv.gz, parties.csv.gz, delegations.csv.gz or memberships.csv.gz", example = "delegations.csv.gz"), BulkQuery),
    responses(
        (status = 200, description = "The file, gzip-compressed", content_type = "application/gzip", headers(("ETag" = String, description = "The version"))),
        (status = 304, description = "Not modified since the ETag sent in If-None-Match"),
        (status = 400, description = "as_known_on is not a moment", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such file; the detail lists them", body = Problem, content_type = "application/problem+json"),
    ))]
pub(crate) async fn file(
    State(state): State<Arc<AppState>>,
    Path(name): Path<String>,
    Query(query): Query<BulkQuery>,
) -> Result<Response, WebError> {
    let Some(&(name, _, _)) = FILES.iter().find(|(n, _, _)| *n == name) else {
        return Err(WebError::NotFound(format!(
            "no file \"{name}\"; the files are {}, and dcat.jsonld describes them",
            FILES
                .iter()
                .map(|(n, _, _)| *n)
                .collect::<Vec<_>>()
                .join(", ")
        )));
    };
    let snapshot = registry_of(&state, query.as_known_on.as_deref()).await?;
    let key = (snapshot.head, name);
    let bytes = state
        .bulk
        .get_or_work(key, move || {
            Ok(axum::body::Bytes::from(gzip(&contents(
                name,
                &snapshot.registry,
            )?)?))
        })
        .await?;
    Ok((
        [
            (header::CONTENT_TYPE, "application/gzip".to_string()),
            (
                header::CONTENT_DISPOSITION,
                format!("attachment; filename=\"samvirke-{name}\""),
            ),
            (header::ACCESS_CONTROL_ALLOW_ORIGIN, "*".to_string()),
            (header::LINK, format!("<{DATA_LICENCE}>; rel=\"license\"")),
        ],
        Body::from(bytes),
    )
        .into_response())
}

/// The registry now, or as known at `as_known_on`.
async fn registry_of(
    state: &Arc<AppState>,
    as_known_on: Option<&str>,
) -> Result<Arc<Snapshot>, WebError> {
    not_empty("as_known_on", as_known_on)?;
    match as_known_on {
        None => state.snapshot(),
        Some(text) => {
            let at = Timestamp::parse(text.trim()).map_err(|e| WebError::BadRequest {
                field: "as_known_on",
                detail: format!("as_known_on: {e}"),
            })?;
            state.registry_as_known_on(at).await
        }
    }
}

/// The documents as anyone may read them.
fn public_docs(registry: &Registry) -> Vec<std::borrow::Cow<'_, CooperationDoc>> {
    registry
        .cooperations()
        .iter()
        .map(CooperationDoc::for_public)
        .collect()
}

/// A CSV field: quoted when it holds a comma, a quote or a line break.
fn cell(text: &str) -> String {
    if text.contains([',', '"', '\n', '\r']) {
        format!("\"{}\"", text.replace('"', "\"\""))
    } else {
        text.to_string()
    }
}

fn row(out: &mut String, cells: &[&str]) {
    let line: Vec<String> = cells.iter().map(|c| cell(c)).collect();
    let _ = writeln!(out, "{}", line.join(","));
}

/// The uncompressed contents of file `name`.
fn contents(name: &str, registry: &Registry) -> Result<Vec<u8>, WebError> {
    let docs = public_docs(registry);
    let mut out = String::new();
    match name {
        "registry.json.gz" => {
            return serde_json::to_vec(&docs).map_err(|e| WebError::Internal(e.to_string()));
        }
        "cooperations.csv.gz" => {
            row(
                &mut out,
                &[
                    "id",
                    "name",
                    "country",
                    "legal_form",
                    "status",
                    "language",
                    "from",
                    "to",
                    "parties",
                    "purpose",
                ],
            );
            for d in &docs {
                let c = &d.cooperation;
                let (from, to) = c.valid.map_or((String::new(), String::new()), |v| {
                    (
                        v.from().to_string(),
                        v.to().map(|t| t.to_string()).unwrap_or_default(),
                    )
                });
                row(
                    &mut out,
                    &[
                        c.id.as_str(),
                        &c.name,
                        c.country.code(),
                        c.legal_form.as_str(),
                        c.status.as_str(),
                        c.language.as_str(),
                        &from,
                        &to,
                        &c.parties.len().to_string(),
                        c.purpose.as_deref().unwrap_or(""),
                    ],
                );
            }
        }
        "parties.csv.gz" => {
            row(
                &mut out,
                &[
                    "cooperation",
                    "party",
                    "name",
                    "roles",
                    "joined",
                    "left",
                    "org_number",
                ],
            );
            for d in &docs {
                for p in &d.cooperation.parties {
                    let roles: Vec<&str> = p.roles.iter().map(|r| r.as_str()).collect();
                    row(
                        &mut out,
                        &[
                            d.cooperation.id.as_str(),
                            &p.id.to_string(),
                            &d.party_name(&p.id),
                            &roles.join(";"),
                            &p.joined.map(|j| j.to_string()).unwrap_or_default(),
                            &p.left.map(|l| l.to_string()).unwrap_or_default(),
                            p.org_number.as_deref().unwrap_or(""),
                        ],
                    );
                }
            }
        }
        "delegations.csv.gz" => {
            row(
                &mut out,
                &[
                    "cooperation",
                    "service",
                    "service_name",
                    "performer",
                    "performer_name",
                    "for",
                    "from",
                    "to",
                    "last_day",
                    "sub_agreement",
                ],
            );
            for d in &docs {
                for g in &d.delegations {
                    let service_name = d
                        .services
                        .iter()
                        .find(|s| s.id == g.service)
                        .map(|s| s.names.get_in(d.cooperation.language).0.to_string())
                        .unwrap_or_default();
                    let for_list: Vec<String> = g
                        .for_municipalities
                        .iter()
                        .map(ToString::to_string)
                        .collect();
                    row(
                        &mut out,
                        &[
                            d.cooperation.id.as_str(),
                            g.service.as_str(),
                            &service_name,
                            &g.performer.to_string(),
                            &d.party_name(&g.performer),
                            &for_list.join(";"),
                            &g.valid.from().to_string(),
                            &g.valid.to().map(|t| t.to_string()).unwrap_or_default(),
                            &g.valid
                                .last_day()
                                .map(|t| t.to_string())
                                .unwrap_or_default(),
                            &g.sub_agreement.map(|n| n.to_string()).unwrap_or_default(),
                        ],
                    );
                }
            }
        }
        "memberships.csv.gz" => {
            row(
                &mut out,
                &[
                    "municipality",
                    "municipality_name",
                    "cooperation",
                    "cooperation_name",
                ],
            );
            for d in &docs {
                for p in &d.cooperation.parties {
                    if let PartyId::Municipality(m) = &p.id {
                        row(
                            &mut out,
                            &[
                                &m.to_string(),
                                &d.party_name(&p.id),
                                d.cooperation.id.as_str(),
                                &d.cooperation.name,
                            ],
                        );
                    }
                }
            }
        }
        other => return Err(WebError::NotFound(format!("no file \"{other}\""))),
    }
    Ok(out.into_bytes())
}

fn gzip(bytes: &[u8]) -> Result<Vec<u8>, WebError> {
    let mut encoder = flate2::write::GzEncoder::new(
        Vec::with_capacity(bytes.len() / 4),
        flate2::Compression::default(),
    );
    encoder
        .write_all(bytes)
        .and_then(|()| encoder.finish())
        .map_err(|e| WebError::Internal(format!("compressing: {e}")))
}

/// The DCAT-AP description of the dataset: its titles in four languages, publisher, licence,
/// when it last changed, the change feed, and each file as a distribution.
#[utoipa::path(get, path = "/api/v1/bulk/dcat.jsonld", tag = "registry",
    responses(
        (status = 200, description = "The dataset described in DCAT-AP (JSON-LD)", content_type = "application/ld+json"),
    ))]
pub(crate) async fn dcat(State(state): State<Arc<AppState>>) -> Result<Response, WebError> {
    let snapshot = state.snapshot()?;
    // Addresses are relative to this document (JSON-LD resolves them against where it was read).
    let publisher = state
        .site
        .owner
        .clone()
        .unwrap_or_else(|| "Samvirke".to_string());
    let modified = state
        .with_reader(|store| Ok(store.last_recorded_at()?))
        .await?;
    let distributions: Vec<serde_json::Value> = FILES
        .iter()
        .map(|(name, media, what)| {
            serde_json::json!({
                "@type": "dcat:Distribution",
                "dct:title": name,
                "dct:description": what,
                "dcat:accessURL": { "@id": format!("/api/v1/bulk/{name}") },
                "dcat:downloadURL": { "@id": format!("/api/v1/bulk/{name}") },
                "dcat:mediaType": { "@id": format!("https://www.iana.org/assignments/media-types/{media}") },
                "dcat:compressFormat": { "@id": "https://www.iana.org/assignments/media-types/application/gzip" },
                "dct:license": { "@id": DATA_LICENCE },
            })
        })
        .collect();
    let body = serde_json::json!({
        "@context": {
            "dcat": "http://www.w3.org/ns/dcat#",
            "dct": "http://purl.org/dc/terms/",
            "foaf": "http://xmlns.com/foaf/0.1/",
            "xsd": "http://www.w3.org/2001/XMLSchema#",
            "rdfs": "http://www.w3.org/2000/01/rdf-schema#",
        },
        "@id": "/api/v1/bulk/dcat.jsonld",
        "@type": "dcat:Dataset",
        "dct:title": [
            { "@language": "da", "@value": "Samarbejder mellem kommuner" },
            { "@language": "sv", "@value": "Samverkan mellan kommuner" },
            { "@language": "nb", "@value": "Interkommunale samarbeid" },
            { "@language": "en", "@value": "Inter-municipal cooperation" },
        ],
        "dct:description": [
            { "@language": "da", "@value": "Hvilken kommune udfører hvilke opgaver for hvis borgere, under hvilken aftale, og siden hvornår: samarbejderne, deres parter, delegationer og medlemskaber." },
            { "@language": "sv", "@value": "Vilken kommun utför vilka uppgifter för vilkas invånare, enligt vilket avtal och sedan när: samverkan, parter, delegeringar och medlemskap." },
            { "@language": "nb", "@value": "Hvilken kommune utfører hvilke oppgaver for hvis innbyggere, under hvilken avtale og siden når: samarbeidene, partene, delegeringene og medlemskapene." },
            { "@language": "en", "@value": "Which municipality performs which tasks for whose residents, under which agreement, and since when: the cooperations, their parties, delegations and memberships." },
        ],
        "dct:publisher": { "@type": "foaf:Agent", "foaf:name": publisher },
        "dct:license": { "@id": DATA_LICENCE },
        "dct:rights": DATA_LICENCE_NAME,
        "dct:modified": { "@type": "xsd:dateTime", "@value": modified.map(|m| m.to_string()) },
        "dct:spatial": [
            { "@id": "http://publications.europa.eu/resource/authority/country/DNK" },
            { "@id": "http://publications.europa.eu/resource/authority/country/SWE" },
            { "@id": "http://publications.europa.eu/resource/authority/country/NOR" },
        ],
        "dcat:theme": { "@id": "http://publications.europa.eu/resource/authority/data-theme/GOVE" },
        "dct:accrualPeriodicity": { "@id": "http://publications.europa.eu/resource/authority/frequency/CONT" },
        "dcat:keyword": ["inter-municipal cooperation", "kommunesamarbejde", "samverkan", "interkommunalt samarbeid"],
        "dct:identifier": format!("samvirke-registry-{}", snapshot.head),
        "dcat:distribution": distributions,
        "dcat:landingPage": { "@id": "/open-data" },
        "rdfs:seeAlso": { "@id": "/api/v1/changes" },
    });
    Ok((
        [
            (header::CONTENT_TYPE, "application/ld+json"),
            (header::ACCESS_CONTROL_ALLOW_ORIGIN, "*"),
        ],
        serde_json::to_vec(&body).map_err(|e| WebError::Internal(e.to_string()))?,
    )
        .into_response())
}
