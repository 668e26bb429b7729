//! The resolver: "who is responsible for service S for residents of municipality M on date D?",
//! with the proof chain from cooperation to delegation.

use serde::Serialize;

use crate::ids::{MunicipalityId, PartyId, ServiceId};
use crate::model::{Clause, ClauseSubject, Contact, ContactPlace, CooperationDoc, Delegation};
use crate::municipalities::MunicipalityRegister;
use crate::registry::{RecordInfo, Registry, ResolveError};
use crate::time::{Date, Interval, Timestamp};

/// An id with its name.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Named {
    /// Id (`DK-0185` or an organisation slug).
    pub id: String,
    /// Name.
    pub name: String,
}

/// A body that handles complaints or access requests.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Body {
    /// Id.
    pub id: String,
    /// Name.
    pub name: String,
    /// Whether the agreement names this body (`false`: it is the performer, by default).
    pub stated_in_agreement: bool,
}

/// Where the resident goes for the service, and how to reach it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct WhereToGo {
    /// The party's id.
    pub id: String,
    /// Its name.
    pub name: String,
    /// `residence`: the resident's own municipality; `performer`: the performing party.
    pub place: ContactPlace,
    /// Whether the agreement says so (`false`: the performer, by default).
    pub stated_in_agreement: bool,
    /// The units to contact, with their channels, as the cooperation records them (empty when it
    /// records none).
    pub contacts: Vec<Contact>,
}

impl WhereToGo {
    /// Why the resident goes there, as a word the pages and the command line name their sentence
    /// by (`answer-contact-{reason}`): `residence` (the agreement sends them to their own
    /// municipality), `own` (their municipality performs the service itself), `performer` (the
    /// agreement names the performer) or `default` (it names no other place).
    pub fn reason(&self) -> &'static str {
        match (self.place, self.stated_in_agreement) {
            (ContactPlace::Residence, true) => "residence",
            (ContactPlace::Residence, false) => "own",
            (ContactPlace::Performer, true) => "performer",
            (ContactPlace::Performer, false) => "default",
        }
    }
}

/// A validity interval as JSON: `from`, `to` (exclusive, as stored) and `last_day` (inclusive).
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Validity {
    /// First day.
    pub from: Date,
    /// First day no longer valid (`null` if open).
    pub to: Option<Date>,
    /// Last valid day, for people.
    pub last_day: Option<Date>,
}

impl From<Interval> for Validity {
    fn from(i: Interval) -> Validity {
        Validity {
            from: i.from(),
            to: i.to(),
            last_day: i.last_day(),
        }
    }
}

/// One step of the proof chain.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct BasisStep {
    /// `cooperation`, `main_agreement`, `sub_agreement`, `delegation`, `take_back` or `own_performer`.
    pub step: &'static str,
    /// The thing's id or number, when it has one.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub id: Option<String>,
    /// What the step says, in words.
    pub text: String,
    /// When it is valid in the world.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub valid: Option<Validity>,
    /// When the system learned it.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub recorded: Option<RecordInfo>,
    /// The parts of `text`, for saying it in another language (`text` is English): the message is
    /// `basis-{step}`, with a `variant` when the step has one.
    #[serde(skip)]
    pub args: Vec<(&'static str, String)>,
}

/// The answer to a `who` question.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Answer {
    /// The municipality asked about, as in force on the date.
    pub municipality: Named,
    /// Notes on how the id asked for was resolved (renumbering, merger).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub municipality_notes: Vec<String>,
    /// The service.
    pub service: Named,
    /// Its legal basis.
    pub legal_basis: Vec<String>,
    /// The date asked about.
    pub on: Date,
    /// The record time the answer reflects (`null`: everything recorded).
    pub as_known_on: Option<Timestamp>,
    /// Who performs the service.
    pub responsible: Named,
    /// Where the resident goes, and how to reach it.
    pub contact: WhereToGo,
    /// Where complaints go.
    pub complaints_to: Body,
    /// Where requests for access to documents go (aktindsigt, allmänna handlingar, innsyn).
    pub documents_access_to: Body,
    /// Where data-subject access requests go (GDPR article 15).
    pub data_access_to: Body,
    /// Deprecated: the same as `documents_access_to`, for clients written before the two kinds of
    /// access request were told apart.
    pub access_requests_to: Body,
    /// The proof chain, from cooperation to delegation.
    pub basis: Vec<BasisStep>,
    /// The clauses of the agreement in force that bear on the answer (how the tasks are solved,
    /// the citizen, the service level, access to data) and cover the service, in number order;
    /// empty when the cooperation records none, or the municipality performs the service itself.
    pub clauses: Vec<Clause>,
}

fn party_name(doc: Option<&CooperationDoc>, party: &PartyId, on: Date) -> String {
    match party {
        PartyId::Municipality(m) => municipality_name(*m, on),
        PartyId::Organisation(o) => doc
            .and_then(|d| d.organisation(o))
            .map_or_else(|| o.to_string(), |org| org.name.clone()),
    }
}

fn municipality_name(m: MunicipalityId, on: Date) -> String {
    let register = MunicipalityRegister::embedded();
    register
        .resolve(m, on)
        .map(|r| r.version.name.clone())
        .ok()
        .or_else(|| register.name(m).map(str::to_string))
        .unwrap_or_else(|| m.to_string())
}

/// The party's id as in force on `on`: a municipality written with a later (or earlier) code is
/// named by the code it had that day, when the renumbering makes that unambiguous.
fn id_on(party: &PartyId, on: Date) -> String {
    match party {
        PartyId::Municipality(m) => MunicipalityRegister::embedded()
            .resolve(*m, on)
            .map_or_else(|_| m.to_string(), |r| r.id().to_string()),
        PartyId::Organisation(o) => o.to_string(),
    }
}

fn named(doc: Option<&CooperationDoc>, party: &PartyId, on: Date) -> Named {
    Named {
        id: id_on(party, on),
        name: party_name(doc, party, on),
    }
}

fn body(
    doc: Option<&CooperationDoc>,
    stated: Option<&PartyId>,
    performer: &PartyId,
    on: Date,
) -> Body {
    let party = stated.unwrap_or(performer);
    Body {
        id: id_on(party, on),
        name: party_name(doc, party, on),
        stated_in_agreement: stated.is_some(),
    }
}

/// Whether `a` and `b` are the same party on `on` (a municipality by the code it had that day).
fn same_party(a: &PartyId, b: &PartyId, on: Date) -> bool {
    a == b || id_on(a, on) == id_on(b, on)
}

/// The contacts of `party` for `service` on `on` in `docs`, each once.
fn contacts_in<'d>(
    docs: impl IntoIterator<Item = &'d CooperationDoc>,
    party: &PartyId,
    service: &ServiceId,
    on: Date,
) -> Vec<Contact> {
    let mut out: Vec<Contact> = Vec::new();
    for doc in docs {
        for c in &doc.contacts {
            if same_party(&c.party, party, on) && c.serves(service, on) && !out.contains(c) {
                out.push(c.clone());
            }
        }
    }
    out
}

/// Where a resident of `m` goes under delegation `d` of `doc`.
fn where_to_go(
    doc: &CooperationDoc,
    d: &Delegation,
    m: MunicipalityId,
    service: &ServiceId,
    on: Date,
) -> WhereToGo {
    let place = d.contact.unwrap_or(ContactPlace::Performer);
    let party = match place {
        ContactPlace::Residence => PartyId::Municipality(m),
        ContactPlace::Performer => d.performer.clone(),
    };
    WhereToGo {
        id: id_on(&party, on),
        name: party_name(Some(doc), &party, on),
        place,
        stated_in_agreement: d.contact.is_some(),
        contacts: contacts_in([doc], &party, service, on),
    }
}

impl Registry {
    /// Answers who performs `service` for residents of `municipality` on `on`. `as_known_on` is only
    /// echoed in the answer: the caller built this registry from the facts known at that time.
    pub fn who(
        &self,
        municipality: MunicipalityId,
        service: &str,
        on: Date,
        as_known_on: Option<Timestamp>,
    ) -> Result<Answer, ResolveError> {
        let register = MunicipalityRegister::embedded();
        let resolved = register.resolve(municipality, on)?;
        let m = resolved.id();
        let Some(service_idx) = self.service_index_str(service) else {
            return Err(ResolveError::UnknownService {
                input: service.to_string(),
                suggestions: self
                    .suggest_services(service)
                    .iter()
                    .map(ToString::to_string)
                    .collect(),
            });
        };
        let service_id = self.service_ids()[service_idx as usize].clone();
        let definition = self.service(&service_id);
        let self_party = PartyId::Municipality(m);
        let mut answer = Answer {
            municipality: Named {
                id: m.to_string(),
                name: resolved.version.name.clone(),
            },
            municipality_notes: resolved.notes(),
            service: Named {
                id: service_id.to_string(),
                name: self
                    .service_name(&service_id)
                    .unwrap_or_default()
                    .to_string(),
            },
            legal_basis: definition
                .map(|s| s.legal_basis.clone())
                .unwrap_or_default(),
            on,
            as_known_on,
            responsible: named(None, &self_party, on),
            contact: WhereToGo {
                id: id_on(&self_party, on),
                name: party_name(None, &self_party, on),
                place: ContactPlace::Residence,
                stated_in_agreement: false,
                contacts: Vec::new(),
            },
            complaints_to: body(None, None, &self_party, on),
            documents_access_to: body(None, None, &self_party, on),
            data_access_to: body(None, None, &self_party, on),
            access_requests_to: body(None, None, &self_party, on),
            basis: Vec::new(),
            clauses: Vec::new(),
        };
        match self.performer_index(m, service_idx, on) {
            Some((first, true)) => {
                let others: Vec<String> = self
                    .delegations_for(m, service_idx)
                    .into_iter()
                    .filter(|r| self.delegation(*r).1.valid.contains(on))
                    .map(|r| {
                        let (doc, d) = self.delegation(r);
                        format!("{} (cooperation \"{}\")", d.performer, doc.cooperation.id)
                    })
                    .collect();
                let (doc, d) = self.delegation(first);
                return Err(ResolveError::Conflict {
                    municipality: m,
                    service: service_id,
                    on,
                    first: format!("{} (cooperation \"{}\")", d.performer, doc.cooperation.id),
                    second: others.into_iter().nth(1).unwrap_or_default(),
                });
            }
            Some((r, false)) => {
                let (doc, d) = self.delegation(r);
                answer.service.name =
                    definition_in(doc, &service_id).unwrap_or(answer.service.name);
                answer.responsible = named(Some(doc), &d.performer, on);
                answer.contact = where_to_go(doc, d, m, &service_id, on);
                answer.complaints_to = body(Some(doc), d.complaints_to.as_ref(), &d.performer, on);
                answer.documents_access_to =
                    body(Some(doc), d.documents_access_to.as_ref(), &d.performer, on);
                answer.data_access_to =
                    body(Some(doc), d.data_access_to.as_ref(), &d.performer, on);
                answer.access_requests_to = answer.documents_access_to.clone();
                answer.basis = self.proof_chain(doc, d, on);
                answer.clauses = doc
                    .clauses_on(on, &[&service_id], ClauseSubject::ANSWER)
                    .into_iter()
                    .cloned()
                    .collect();
            }
            None => {
                // Its own units, as the cooperations it has had this service in record them.
                let docs = self
                    .delegations_for(m, service_idx)
                    .into_iter()
                    .map(|r| self.delegation(r).0);
                answer.contact.contacts = contacts_in(docs, &self_party, &service_id, on);
                answer.basis = self.own_performer_chain(m, &service_id, service_idx, on);
            }
        }
        Ok(answer)
    }

    fn step_record(&self, key: String) -> Option<RecordInfo> {
        self.record_of(&key)
    }

    fn proof_chain(&self, doc: &CooperationDoc, d: &Delegation, on: Date) -> Vec<BasisStep> {
        let c = &doc.cooperation;
        let mut steps = vec![BasisStep {
            step: "cooperation",
            id: Some(c.id.to_string()),
            text: format!("{} ({}, {})", c.name, c.legal_form, c.status),
            valid: c.valid.map(Validity::from),
            recorded: self.step_record(c.id.to_string()),
            args: vec![
                ("name", c.name.clone()),
                ("form", c.legal_form.as_str().to_string()),
                ("status", c.status.as_str().to_string()),
            ],
        }];
        let version = doc.main_agreement_on(on);
        if let Some(v) = version {
            let from = v.counts_from().unwrap_or(on);
            let how = if v.effective.is_some() {
                "in force"
            } else {
                "effective date not stated; counted from its adoption"
            };
            let next = doc
                .main_agreement
                .iter()
                .filter_map(|n| n.counts_from())
                .filter(|f| *f > from)
                .min();
            steps.push(BasisStep {
                step: "main_agreement",
                id: Some(v.number.to_string()),
                text: format!(
                    "main agreement version {}{}: {} ({how})",
                    v.number,
                    v.title
                        .as_ref()
                        .map(|t| format!(" \"{t}\""))
                        .unwrap_or_default(),
                    v.summary
                ),
                valid: Interval::new(from, next).ok().map(Validity::from),
                recorded: self.step_record(format!("{}/main/{}", c.id, v.number)),
                args: vec![
                    ("number", v.number.to_string()),
                    ("title", v.title.clone().unwrap_or_default()),
                    ("summary", v.summary.clone()),
                    (
                        "variant",
                        if v.effective.is_some() {
                            "in-force"
                        } else {
                            "adopted"
                        }
                        .to_string(),
                    ),
                ],
            });
        }
        if let Some(number) = d.sub_agreement
            && let Some(sub) = doc.sub_agreements.iter().find(|s| s.number == number)
        {
            let revision = sub
                .revisions
                .iter()
                .filter(|r| r.effective <= on)
                .max_by_key(|r| r.effective);
            let revised = revision
                .map(|r| format!("; revised {}: {}", r.effective, r.summary))
                .unwrap_or_default();
            steps.push(BasisStep {
                step: "sub_agreement",
                id: Some(number.to_string()),
                text: format!("sub-agreement {number} \"{}\"{revised}", sub.title),
                valid: Some(sub.valid.into()),
                recorded: self.step_record(format!("{}/sub/{number}", c.id)),
                args: match revision {
                    Some(r) => vec![
                        ("number", number.to_string()),
                        ("title", sub.title.clone()),
                        ("revised", r.effective.to_string()),
                        ("summary", r.summary.clone()),
                        ("variant", "revised".to_string()),
                    ],
                    None => vec![("number", number.to_string()), ("title", sub.title.clone())],
                },
            });
        }
        let for_list: Vec<String> = d
            .for_municipalities
            .iter()
            .map(|m| format!("{m} {}", municipality_name(*m, on)))
            .collect();
        let clause = d
            .clause
            .as_ref()
            .map(|c| format!(" under {c}"))
            .unwrap_or_default();
        steps.push(BasisStep {
            step: "delegation",
            id: Some(d.key_suffix()),
            text: format!(
                "{} {} performs \"{}\" for {}{clause}",
                d.performer,
                party_name(Some(doc), &d.performer, on),
                d.service,
                for_list.join(", ")
            ),
            valid: Some(d.valid.into()),
            recorded: self.step_record(format!("{}/delegation/{}", c.id, d.key_suffix())),
            args: {
                let mut args = vec![
                    ("performer", party_name(Some(doc), &d.performer, on)),
                    ("service", d.service.to_string()),
                    (
                        "for",
                        d.for_municipalities
                            .iter()
                            .map(|m| municipality_name(*m, on))
                            .collect::<Vec<_>>()
                            .join(", "),
                    ),
                ];
                if let Some(clause) = &d.clause {
                    args.push(("clause", clause.clone()));
                    args.push(("variant", "clause".to_string()));
                }
                args
            },
        });
        steps
    }

    fn own_performer_chain(
        &self,
        m: MunicipalityId,
        service: &ServiceId,
        service_idx: u32,
        on: Date,
    ) -> Vec<BasisStep> {
        let mut steps = Vec::new();
        let history = self.delegations_for(m, service_idx);
        let ended_before = history
            .iter()
            .map(|r| self.delegation(*r))
            .filter(|(_, d)| d.valid.to().is_some_and(|to| to <= on))
            .max_by_key(|(_, d)| d.valid.to());
        if let Some((doc, d)) = ended_before {
            let take_back = doc.take_backs.iter().find(|t| {
                t.by == m && t.services.contains(service) && Some(t.effective) == d.valid.to()
            });
            match take_back {
                Some(t) => steps.push(BasisStep {
                    step: "take_back",
                    id: Some(format!("{}/{}", t.by, t.effective)),
                    text: format!("{} took \"{service}\" back from {} {} from {} (cooperation \"{}\"): {}", m, t.from, party_name(Some(doc), &t.from, on), t.effective, doc.cooperation.id, t.summary),
                    valid: Some(Interval::starting(t.effective).into()),
                    recorded: self.step_record(format!("{}/take-back/{}/{}", doc.cooperation.id, t.by, t.effective)),
                    args: vec![
                        ("by", municipality_name(m, on)),
                        ("service", service.to_string()),
                        ("from", party_name(Some(doc), &t.from, on)),
                        ("date", t.effective.to_string()),
                        ("summary", t.summary.clone()),
                    ],
                }),
                None => steps.push(BasisStep {
                    step: "delegation",
                    id: Some(d.key_suffix()),
                    text: format!("the delegation of \"{service}\" to {} under cooperation \"{}\" ended; its last day was {}", d.performer, doc.cooperation.id, d.valid.last_day().map_or(String::new(), |d| d.to_string())),
                    valid: Some(d.valid.into()),
                    recorded: self.step_record(format!("{}/delegation/{}", doc.cooperation.id, d.key_suffix())),
                    args: vec![
                        ("service", service.to_string()),
                        ("performer", party_name(Some(doc), &d.performer, on)),
                        ("last", d.valid.last_day().map_or(String::new(), |d| d.to_string())),
                        ("variant", "ended".to_string()),
                    ],
                }),
            }
        }
        let starts_later = history
            .iter()
            .map(|r| self.delegation(*r))
            .filter(|(_, d)| d.valid.from() > on)
            .min_by_key(|(_, d)| d.valid.from());
        let later = starts_later
            .map(|(doc, d)| {
                format!(
                    "; from {} it is delegated to {} under cooperation \"{}\"",
                    d.valid.from(),
                    d.performer,
                    doc.cooperation.id
                )
            })
            .unwrap_or_default();
        let mut args = vec![
            ("service", service.to_string()),
            ("municipality", municipality_name(m, on)),
            ("date", on.to_string()),
        ];
        if let Some((_, d)) = starts_later {
            args.push(("later", d.valid.from().to_string()));
            args.push(("performer", party_name(None, &d.performer, on)));
            args.push(("variant", "later".to_string()));
        }
        steps.push(BasisStep {
            step: "own_performer",
            id: None,
            text: format!("no cooperation covers \"{service}\" for {m} on {on}; the municipality performs it itself{later}"),
            valid: None,
            recorded: None,
            args,
        });
        steps
    }
}

fn definition_in(doc: &CooperationDoc, service: &ServiceId) -> Option<String> {
    doc.services
        .iter()
        .find(|s| &s.id == service)
        .map(|s| s.names.get(doc.cooperation.language).to_string())
}
