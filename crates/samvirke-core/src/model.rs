//! The domain model: cooperations, parties, agreements, services, delegations, take-backs,
//! decisions, staff transfers and candidate areas. Plain data with serde, no I/O.
//!
//! A whole cooperation is a [`CooperationDoc`] (what one agreement file holds). For the journal it is
//! split into [`Fact`]s, each with a stable [`Fact::key`], so that an edit records exactly the facts
//! that changed.

use std::collections::BTreeMap;
use std::fmt;

use serde::{Deserialize, Serialize};

use crate::ids::{CooperationId, Country, MunicipalityId, OrganisationId, PartyId, ServiceId};
use crate::partial_date::PartialDate;
use crate::time::{Date, Interval};

macro_rules! slug_enum {
    ($(#[$doc:meta])* $name:ident { $($(#[$vdoc:meta])* $variant:ident = $text:literal),+ $(,)? }) => {
        $(#[$doc])*
        #[derive(Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Debug, Serialize, Deserialize)]
        pub enum $name {
            $($(#[$vdoc])* #[serde(rename = $text)] $variant),+
        }

        impl $name {
            /// Every value, in declaration order.
            pub const ALL: &'static [$name] = &[$($name::$variant),+];

            /// The value as written in files and JSON.
            pub fn as_str(self) -> &'static str {
                match self { $($name::$variant => $text),+ }
            }

            /// Reads the written form; `None` when it is not one of [`Self::ALL`].
            pub fn parse(text: &str) -> Option<$name> {
                match text { $($text => Some($name::$variant),)+ _ => None }
            }

            /// The allowed written forms, for error messages.
            pub fn choices() -> String {
                [$($text),+].join(", ")
            }
        }

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str(self.as_str())
            }
        }

        // The written forms, as the schema of the API document (a derive would not see them).
        #[cfg(feature = "openapi")]
        impl utoipa::PartialSchema for $name {
            fn schema() -> utoipa::openapi::RefOr<utoipa::openapi::schema::Schema> {
                utoipa::openapi::RefOr::T(utoipa::openapi::schema::Schema::Object(
                    utoipa::openapi::schema::ObjectBuilder::new()
                        .schema_type(utoipa::openapi::schema::Type::String)
                        .enum_values(Some([$($text),+]))
                        .build(),
                ))
            }
        }

        #[cfg(feature = "openapi")]
        impl utoipa::ToSchema for $name {}
    };
}

slug_enum!(
    /// Legal form of a cooperation, per country (DESIGN.md, "Legal forms by country").
    LegalForm {
        /// DK: § 60 fællesskab (kommunestyrelsesloven § 60).
        DkParagraph60 = "dk-paragraf-60-faellesskab",
        /// DK: forpligtende kommunalt samarbejde (the 2007 reform's binding cooperation).
        DkBinding = "dk-forpligtende-samarbejde",
        /// DK: agreement-based cooperation without a joint body.
        DkAgreement = "dk-aftalebaseret-samarbejde",
        /// SE: kommunalförbund.
        SeFederation = "se-kommunalforbund",
        /// SE: gemensam nämnd.
        SeJointCommittee = "se-gemensam-namnd",
        /// SE: avtalssamverkan (KL 9 kap. 37 §).
        SeAgreement = "se-avtalssamverkan",
        /// SE: IKE, schools at cost price.
        SeIke = "se-ike",
        /// NO: interkommunalt politisk råd (kommuneloven kap. 18).
        NoIpr = "no-ipr",
        /// NO: kommunalt oppgavefellesskap (kommuneloven kap. 19).
        NoKo = "no-kommunalt-oppgavefellesskap",
        /// NO: vertskommune (kommuneloven §§ 20-2, 20-3).
        NoHost = "no-vertskommune",
        /// NO: interkommunalt selskap (IKS-loven).
        NoIks = "no-iks",
        /// NO: aksjeselskap.
        NoAs = "no-as",
        /// NO: samvirkeforetak.
        NoCooperative = "no-samvirkeforetak",
        /// NO: forening.
        NoAssociation = "no-forening",
        /// Any country: not chosen yet (only while the cooperation is being explored).
        Undecided = "undecided",
    }
);

impl LegalForm {
    /// The country whose law the form belongs to; `None` for [`LegalForm::Undecided`].
    pub fn country(self) -> Option<Country> {
        match self.as_str().get(..3) {
            Some("dk-") => Some(Country::Dk),
            Some("se-") => Some(Country::Se),
            Some("no-") => Some(Country::No),
            _ => None,
        }
    }
}

slug_enum!(
    /// Where a cooperation stands.
    CooperationStatus {
        /// Being explored; nothing agreed yet.
        Exploring = "exploring",
        /// Agreed, not yet in force.
        Agreed = "agreed",
        /// In force.
        InForce = "in_force",
        /// Ended; the history stays.
        Ended = "ended",
    }
);

slug_enum!(
    /// Who may see a cooperation's settlements: statements, explanations, usage, runs and
    /// e-invoices (`settlements` in `[cooperation]`).
    SettlementAccess {
        /// Everyone (the default: payments between public bodies are public records).
        Public = "public",
        /// The signed-in staff of its parties and its secretariat.
        Members = "members",
    }
);

// `slug_enum!` fixes the derives, so the default is written out.
#[allow(clippy::derivable_impls)]
impl Default for SettlementAccess {
    fn default() -> SettlementAccess {
        SettlementAccess::Public
    }
}

impl SettlementAccess {
    /// Whether it is the default (left out of the agreement file and the JSON).
    pub fn is_public(&self) -> bool {
        *self == SettlementAccess::Public
    }
}

slug_enum!(
    /// The language of a cooperation's documents.
    Language {
        /// Danish
        Da = "da",
        /// Swedish
        Sv = "sv",
        /// Norwegian Bokmål
        Nb = "nb",
        /// English
        En = "en",
    }
);

impl Language {
    /// The language a country's laws and public bodies write in.
    pub fn of_country(country: crate::Country) -> Language {
        match country {
            crate::Country::Dk => Language::Da,
            crate::Country::Se => Language::Sv,
            crate::Country::No => Language::Nb,
        }
    }
}

slug_enum!(
    /// A party's role in a cooperation beyond what its delegations show.
    PartyRole {
        /// Performs services for others (entreprenør, värdkommun, vertskommune).
        Performer = "performer",
        /// Delegates services to another party.
        Delegating = "delegating",
        /// A member of a joint body or a joint initiative.
        Member = "member",
        /// Signed a letter of intent or agreement without being a member.
        Signatory = "signatory",
        /// Chairs the cooperation.
        Chair = "chair",
        /// Joint body that performs on behalf of the members.
        JointBody = "joint_body",
    }
);

slug_enum!(
    /// How the notice period of a term is anchored.
    NoticeAnchor {
        /// Notice runs to the end of the current term.
        EndOfTerm = "end_of_term",
        /// Notice runs to the end of a calendar year.
        EndOfYear = "end_of_year",
        /// Notice runs to the end of a month.
        EndOfMonth = "end_of_month",
        /// Notice runs from any day.
        AnyDay = "any_day",
    }
);

slug_enum!(
    /// Kind of decision.
    DecisionKind {
        /// A council (kommunalbestyrelse, kommunfullmäktige, kommunestyre) adopted something.
        CouncilAdoption = "council_adoption",
        /// An executive committee (kommunstyrelse, formannskap) decided.
        BoardDecision = "board_decision",
        /// A letter of intent was signed.
        LetterOfIntent = "letter_of_intent",
        /// A referendum, with its counts.
        Referendum = "referendum",
    }
);

slug_enum!(
    /// Where a candidate area for cooperation stands.
    CandidateStatus {
        /// Named as a possibility.
        Identified = "identified",
        /// Studied.
        Assessed = "assessed",
        /// Chosen as a priority.
        Prioritised = "prioritised",
        /// Decided.
        Decided = "decided",
        /// In operation.
        Established = "established",
        /// Given up.
        Dropped = "dropped",
    }
);

slug_enum!(
    /// What a mapping criterion weighs: a gain of cooperating or its feasibility.
    CriterionGroup {
        /// A gain (the Marker page's five).
        Gain = "gain",
        /// Feasibility (the Council of Europe IMC toolkit's criteria).
        Feasibility = "feasibility",
    }
);

slug_enum!(
    /// A party's answer in an evaluation: yes, partly or no.
    Verdict {
        /// Yes.
        Yes = "yes",
        /// Partly.
        Partly = "partly",
        /// No.
        No = "no",
    }
);

slug_enum!(
    /// How a participant delivers a candidate area today.
    DeliveryKind {
        /// By itself.
        Own = "own",
        /// Through an agreement: a cooperation in the registry or one outside it.
        Agreement = "agreement",
    }
);

slug_enum!(
    /// What kind of work a candidate area is (the Marker page's three kinds).
    CandidateKind {
        /// Development tasks (e.g. smart communities).
        Development = "development",
        /// Operations (e.g. PPT).
        Operations = "operations",
        /// Staff functions (e.g. legal questions).
        Staff = "staff",
    }
);

slug_enum!(
    /// Where a resident goes for a service: the place of contact, which need not be the performer
    /// (Dragør–Tårnby's main agreement 2.3: a Dragør resident may receive the service in Dragør
    /// although Tårnby performs it).
    ContactPlace {
        /// The resident's own municipality (bopælskommunen).
        Residence = "residence",
        /// The performing party.
        Performer = "performer",
    }
);

/// Names of a service in the four languages; at least one is set.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Names {
    /// Danish
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub da: Option<String>,
    /// Swedish
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub sv: Option<String>,
    /// Norwegian Bokmål
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub nb: Option<String>,
    /// English
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub en: Option<String>,
}

impl Names {
    /// The name in `language`, else the first one set (da, sv, nb, en), with the language it is
    /// written in (so that a page can mark a name that is not in its own language).
    pub fn get_in(&self, language: Language) -> (&str, Language) {
        let chosen = [
            (language, self.of(language)),
            (Language::Da, self.da.as_deref()),
            (Language::Sv, self.sv.as_deref()),
            (Language::Nb, self.nb.as_deref()),
            (Language::En, self.en.as_deref()),
        ]
        .into_iter()
        .find_map(|(l, name)| name.map(|n| (n, l)));
        chosen.unwrap_or(("", language))
    }

    fn of(&self, language: Language) -> Option<&str> {
        match language {
            Language::Da => self.da.as_deref(),
            Language::Sv => self.sv.as_deref(),
            Language::Nb => self.nb.as_deref(),
            Language::En => self.en.as_deref(),
        }
    }

    /// Sets the name in `language`.
    pub fn set(&mut self, language: Language, text: String) {
        match language {
            Language::Da => self.da = Some(text),
            Language::Sv => self.sv = Some(text),
            Language::Nb => self.nb = Some(text),
            Language::En => self.en = Some(text),
        }
    }

    /// The name in `language`, else the first one set (da, sv, nb, en).
    pub fn get(&self, language: Language) -> &str {
        let preferred = match language {
            Language::Da => &self.da,
            Language::Sv => &self.sv,
            Language::Nb => &self.nb,
            Language::En => &self.en,
        };
        preferred
            .as_deref()
            .or(self.da.as_deref())
            .or(self.sv.as_deref())
            .or(self.nb.as_deref())
            .or(self.en.as_deref())
            .unwrap_or_default()
    }
}

/// An organisation that is not a municipality.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Organisation {
    /// Slug id.
    pub id: OrganisationId,
    /// Name as the organisation writes it.
    pub name: String,
    /// Country.
    pub country: Country,
    /// Official organisation number, e.g. SE `212000-2122`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub org_number: Option<String>,
    /// What kind of body it is, in words.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub kind: Option<String>,
    /// A note: what the source says and does not say, or an assumption made in recording it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub note: Option<String>,
}

/// A party to a cooperation.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Party {
    /// The municipality or organisation.
    pub id: PartyId,
    /// Roles beyond what its delegations show.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub roles: Vec<PartyRole>,
    /// When it joined, if not from the start.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub joined: Option<Date>,
    /// When it left (first day no longer a party).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub left: Option<Date>,
    /// Official organisation number of the party, e.g. Arboga kommun's SE `212000-2122`
    /// (checked by its country's rule on import).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub org_number: Option<String>,
    /// How the party sends and receives e-invoices, and where it is paid.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub invoicing: Option<Invoicing>,
    /// A note: what the source says and does not say, or an assumption made in recording it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub note: Option<String>,
}

/// A party's e-invoicing details (`[party.invoicing]`): its Peppol endpoint, VAT number, postal
/// address, the reference its invoices must carry, and the account it is paid to.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Invoicing {
    /// Peppol endpoint `SCHEME:ID` (`0088:5798000416604`); without it, the organisation number
    /// under its country's scheme.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub endpoint: Option<String>,
    /// VAT number (`DK29189846`, `SE212000212201`, `NO964947082MVA`), when VAT-registered.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub vat_number: Option<String>,
    /// Street and number.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub street: Option<String>,
    /// Postal code.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub postal_code: Option<String>,
    /// City.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub city: Option<String>,
    /// The reference the party's incoming invoices must carry (buyer reference); without it, the
    /// cooperation's id.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reference: Option<String>,
    /// Where the party is paid.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub account: Option<Account>,
}

/// Where a party is paid.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case", tag = "kind")]
pub enum Account {
    /// An IBAN, with the bank's BIC if given.
    Iban {
        /// The IBAN, compact.
        iban: String,
        /// The BIC.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        bic: Option<String>,
    },
    /// A domestic account: Danish registration number and account number, or a Norwegian or
    /// Swedish account number.
    Domestic {
        /// Danish registration number (4 digits) or Swedish clearing number.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        registration: Option<String>,
        /// The account number.
        account: String,
    },
    /// A Swedish bankgiro number.
    Bankgiro {
        /// Its digits.
        number: String,
    },
    /// A Swedish plusgiro number.
    Plusgiro {
        /// Its digits.
        number: String,
    },
}

/// The term model, kept as separate fields.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct TermModel {
    /// Start of the first term.
    pub start: Date,
    /// Length of the first term in months.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub initial_term_months: Option<u32>,
    /// Length of each renewal in months.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub renewal_term_months: Option<u32>,
    /// Whether the agreement renews itself unless notice is given.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub tacit_renewal: Option<bool>,
    /// Notice period in months.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub notice_period_months: Option<u32>,
    /// What the notice period runs to.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub notice_anchor: Option<NoticeAnchor>,
}

/// The cooperation itself: its header.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Cooperation {
    /// Slug id.
    pub id: CooperationId,
    /// Name in the cooperation's language.
    pub name: String,
    /// Country whose law governs it.
    pub country: Country,
    /// Legal form.
    pub legal_form: LegalForm,
    /// Status.
    pub status: CooperationStatus,
    /// Language of its documents.
    pub language: Language,
    /// What it is for.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub purpose: Option<String>,
    /// When it was in force, if known.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub valid: Option<Interval>,
    /// The parties.
    pub parties: Vec<Party>,
    /// Organisations that are parties or bodies.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub organisations: Vec<Organisation>,
    /// The term model of the main agreement.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub term: Option<TermModel>,
    /// Where the facts come from.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub sources: Vec<String>,
    /// Who may see its settlements.
    #[serde(default, skip_serializing_if = "SettlementAccess::is_public")]
    pub settlements: SettlementAccess,
    /// A note: what the source says and does not say, or an assumption made in recording it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub note: Option<String>,
}

/// A service (task) and its legal basis.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Service {
    /// Stable slug.
    pub id: ServiceId,
    /// Names per language.
    pub names: Names,
    /// Legal basis references such as `DK:SEL §86`.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub legal_basis: Vec<String>,
    /// KOSTRA function (NO) or another public code.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub public_code: Option<String>,
    /// A note: what the source says and does not say, or an assumption made in recording it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub note: Option<String>,
}

/// An adoption of an agreement version by one party.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Adoption {
    /// Who adopted.
    pub party: PartyId,
    /// When.
    pub date: Date,
}

/// One numbered version of the main agreement.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct MainAgreementVersion {
    /// Version number, 1 for the first.
    pub number: u32,
    /// Title.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub title: Option<String>,
    /// First day in force; when not stated, the latest adoption date counts.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub effective: Option<Date>,
    /// Adoption per party.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub adopted: Vec<Adoption>,
    /// What changed in this version.
    pub summary: String,
    /// A note: what the source says and does not say, or an assumption made in recording it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub note: Option<String>,
}

impl MainAgreementVersion {
    /// The day the version counts from: `effective`, else the latest adoption.
    pub fn counts_from(&self) -> Option<Date> {
        self.effective
            .or_else(|| self.adopted.iter().map(|a| a.date).max())
    }
}

/// A revision of a sub-agreement.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Revision {
    /// First day the revised text applies.
    pub effective: Date,
    /// What changed.
    pub summary: String,
}

/// A numbered sub-agreement.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct SubAgreement {
    /// The number the parties use (gaps allowed).
    pub number: u32,
    /// Title.
    pub title: String,
    /// Services it covers.
    pub services: Vec<ServiceId>,
    /// When it applies.
    pub valid: Interval,
    /// Revisions, oldest first.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub revisions: Vec<Revision>,
    /// Only the number is known, not the content: shown as such, never used to answer who
    /// performs.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub placeholder: bool,
    /// Notes, e.g. where the source is ambiguous.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub note: Option<String>,
}

/// Who performs a service for whom in a period, where the resident goes, and who handles
/// complaints, requests for access to documents and data-subject access requests.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(from = "DelegationRecord")]
pub struct Delegation {
    /// The service.
    pub service: ServiceId,
    /// Who performs it.
    pub performer: PartyId,
    /// For whose residents (may include the performer itself).
    #[serde(rename = "for")]
    pub for_municipalities: Vec<MunicipalityId>,
    /// When.
    pub valid: Interval,
    /// The sub-agreement it rests on.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub sub_agreement: Option<u32>,
    /// The clause, in the agreement's words.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub clause: Option<String>,
    /// Where the resident goes, when the agreement says (otherwise the performer).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub contact: Option<ContactPlace>,
    /// The body that handles complaints, when the agreement names one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub complaints_to: Option<PartyId>,
    /// The body that handles requests for access to documents (aktindsigt, allmänna handlingar,
    /// innsyn), when the agreement names one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub documents_access_to: Option<PartyId>,
    /// The body that handles data-subject access requests (GDPR article 15), when the agreement
    /// names one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub data_access_to: Option<PartyId>,
    /// A note: what the source says and does not say.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub note: Option<String>,
}

/// A delegation as JSON and the journal hold it, the earlier `access_requests_to` included: it
/// named one body for both kinds of access request, and is read as naming it for each.
#[derive(Deserialize)]
struct DelegationRecord {
    service: ServiceId,
    performer: PartyId,
    #[serde(rename = "for")]
    for_municipalities: Vec<MunicipalityId>,
    valid: Interval,
    #[serde(default)]
    sub_agreement: Option<u32>,
    #[serde(default)]
    clause: Option<String>,
    #[serde(default)]
    contact: Option<ContactPlace>,
    #[serde(default)]
    complaints_to: Option<PartyId>,
    #[serde(default)]
    documents_access_to: Option<PartyId>,
    #[serde(default)]
    data_access_to: Option<PartyId>,
    #[serde(default)]
    access_requests_to: Option<PartyId>,
    #[serde(default)]
    note: Option<String>,
}

impl From<DelegationRecord> for Delegation {
    fn from(r: DelegationRecord) -> Delegation {
        Delegation {
            service: r.service,
            performer: r.performer,
            for_municipalities: r.for_municipalities,
            valid: r.valid,
            sub_agreement: r.sub_agreement,
            clause: r.clause,
            contact: r.contact,
            complaints_to: r.complaints_to,
            documents_access_to: r
                .documents_access_to
                .or_else(|| r.access_requests_to.clone()),
            data_access_to: r.data_access_to.or(r.access_requests_to),
            note: r.note,
        }
    }
}

/// How residents reach a unit of a party (a municipality's office or an organisation): the
/// channels the source gives, for some of the cooperation's services or all of them.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Contact {
    /// Unique within the cooperation (a slug).
    pub id: String,
    /// Whose unit it is.
    pub party: PartyId,
    /// The unit, as it names itself ("Borgmestersekretariatet").
    pub unit: String,
    /// The services it is the contact for (empty: every service of the cooperation).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub services: Vec<ServiceId>,
    /// Postal address.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub address: Option<String>,
    /// Where to go in person.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub visiting_address: Option<String>,
    /// Telephone, as the source writes it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub phone: Option<String>,
    /// E-mail address (not for sensitive personal data).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub email: Option<String>,
    /// Web page.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub web: Option<String>,
    /// Secure digital mail (Digital Post, säker digital post, Digipost/eDialog): to whom, or
    /// the address of the form.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub digital_mail: Option<String>,
    /// Opening hours, as the source writes them.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub opening_hours: Option<String>,
    /// When these channels apply (absent: as long as the cooperation).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub valid: Option<Interval>,
    /// Where the channels are published.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub source: Option<String>,
    /// A note: what the source says and does not say.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub note: Option<String>,
}

impl Contact {
    /// Whether it is the contact for `service` on `on`.
    pub fn serves(&self, service: &ServiceId, on: Date) -> bool {
        (self.services.is_empty() || self.services.contains(service))
            && self.valid.is_none_or(|v| v.contains(on))
    }
}

impl Delegation {
    /// The stable part of the journal key: service, start and performer.
    pub fn key_suffix(&self) -> String {
        format!("{}/{}/{}", self.service, self.valid.from(), self.performer)
    }
}

/// A take-back (hjemtagelse): a municipality takes services back from a performer.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct TakeBack {
    /// Who takes the services back.
    pub by: MunicipalityId,
    /// From whom.
    pub from: PartyId,
    /// First day the municipality performs them itself.
    pub effective: Date,
    /// The services.
    pub services: Vec<ServiceId>,
    /// Sub-agreements that end.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub sub_agreements_ended: Vec<u32>,
    /// Sub-agreements revised to match.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub sub_agreements_revised: Vec<u32>,
    /// What happened, in words.
    pub summary: String,
    /// A note: what the source says and does not say, or an assumption made in recording it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub note: Option<String>,
}

/// Counts of a referendum; validated so that `valid = yes + no` and `cast ≥ valid`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ReferendumCounts {
    /// The question put to the voters.
    pub question: String,
    /// Yes votes.
    pub yes: u64,
    /// No votes.
    pub no: u64,
    /// Votes cast.
    pub cast: u64,
    /// Valid votes.
    pub valid: u64,
    /// Blank and invalid votes (`cast − valid`), when stated.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub blank_invalid: Option<u64>,
    /// The electorate, when stated.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub electorate: Option<u64>,
    /// Turnout in hundredths of a percent (65.8 % is 6580), when stated.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub turnout_basis_points: Option<u32>,
}

impl ReferendumCounts {
    /// Every inconsistency in the counts, in words.
    pub fn problems(&self) -> Vec<String> {
        let mut out = Vec::new();
        if self.yes + self.no != self.valid {
            out.push(format!(
                "yes ({}) + no ({}) = {}, but valid = {}; valid votes must be yes + no",
                self.yes,
                self.no,
                self.yes + self.no,
                self.valid
            ));
        }
        if self.cast < self.valid {
            out.push(format!(
                "cast ({}) is less than valid ({}); votes cast include all valid votes",
                self.cast, self.valid
            ));
        }
        if let Some(blank) = self.blank_invalid
            && self.cast >= self.valid
            && blank != self.cast - self.valid
        {
            out.push(format!(
                "blank_invalid ({blank}) should be cast − valid = {}",
                self.cast - self.valid
            ));
        }
        if let Some(electorate) = self.electorate
            && electorate < self.cast
        {
            out.push(format!(
                "electorate ({electorate}) is less than votes cast ({})",
                self.cast
            ));
        }
        if self.turnout_basis_points.is_some_and(|t| t > 10_000) {
            out.push("turnout is above 100 %".to_string());
        }
        if self.electorate.is_none() && self.turnout_basis_points.is_none() {
            out.push("give the electorate or the turnout (turnout_percent)".to_string());
        }
        out
    }
}

/// A decision: an adoption, a letter of intent, a referendum.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Decision {
    /// Slug id within the cooperation.
    pub id: String,
    /// Kind.
    pub kind: DecisionKind,
    /// When, as precisely as the source says (a day, a month, a year, …), if known.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub date: Option<PartialDate>,
    /// The deciding body (a municipality or organisation), if one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub body: Option<PartyId>,
    /// What was decided.
    pub subject: String,
    /// Referendum counts (kind = referendum only).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub referendum: Option<ReferendumCounts>,
    /// Notes, e.g. what the source leaves open.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub note: Option<String>,
}

slug_enum!(
    /// What kind of event, other than a decision, a source reports.
    EventKind {
        /// A seminar or workshop (Marker's seminar at Inspiria).
        Seminar = "seminar",
        /// A joint meeting of boards, committees or managers (Västra Mälardalen's first joint
        /// KSau meeting).
        Meeting = "meeting",
        /// A letter (to a minister, to the other parties).
        Letter = "letter",
        /// A government inquiry or other public investigation.
        Inquiry = "inquiry",
        /// A review of the cooperation (Dragør–Tårnby's serviceeftersyn in autumn 2019).
        Review = "review",
        /// A step the parties plan ("Utover i 2018 vil vi …").
        Plan = "plan",
        /// Anything else the source dates.
        Other = "other",
    }
);

/// An event that is not a decision: a seminar, a joint meeting, a letter, an inquiry, a review.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Occurrence {
    /// Slug id within the cooperation.
    pub id: String,
    /// Kind.
    pub kind: EventKind,
    /// When, as precisely as the source says, if it says.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub date: Option<PartialDate>,
    /// What happened, in the source's words.
    pub subject: String,
    /// The parties that took part.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub participants: Vec<PartyId>,
    /// Where the source says it happened.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub place: Option<String>,
    /// Where it is reported.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub source: Option<String>,
    /// A note: what the source says and does not say.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub note: Option<String>,
}

slug_enum!(
    /// What kind of document an agreement rests on.
    DocumentKind {
        /// The main agreement itself (hovedaftale).
        MainAgreement = "main_agreement",
        /// A sub-agreement's text (delaftale).
        SubAgreement = "sub_agreement",
        /// A payment agreement's text (betalingsaftale).
        PaymentAgreement = "payment_agreement",
        /// General delegation guidelines (Dragør–Tårnby's "Generelle retningslinjer for
        /// delegation").
        DelegationGuidelines = "delegation_guidelines",
        /// How complaints and access requests are handled ("Forretningsgang for
        /// klagebehandling").
        ComplaintProcedure = "complaint_procedure",
        /// Payment principles (betalingsprincipper).
        PaymentPrinciples = "payment_principles",
        /// A summary memo of changes (sammenfattende notat).
        SummaryMemo = "summary_memo",
        /// A letter of intent (avsiktsförklaring).
        LetterOfIntent = "letter_of_intent",
        /// A plan for the cooperation.
        Plan = "plan",
        /// Any other document.
        Other = "other",
    }
);

/// A document an agreement rests on: its title, kind, date, what it frames, and where a copy is.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct AgreementDocument {
    /// Slug id within the cooperation.
    pub id: String,
    /// Kind.
    pub kind: DocumentKind,
    /// Title as the source writes it.
    pub title: String,
    /// Its date, as precisely as the source says, if it says.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub date: Option<PartialDate>,
    /// The main-agreement version it frames, if one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub main_agreement: Option<u32>,
    /// The sub-agreements it frames.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub sub_agreements: Vec<u32>,
    /// The clauses it frames or elaborates, by number (`"3.2"`).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub clauses: Vec<String>,
    /// Where it is published (`https://…`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub url: Option<String>,
    /// A copy kept with the agreement file, by path.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub file: Option<String>,
    /// The SHA-256 of that copy, 64 hexadecimal digits.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub sha256: Option<String>,
    /// Where it is reported.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub source: Option<String>,
    /// A note: what the source says and does not say.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub note: Option<String>,
}

slug_enum!(
    /// What a clause of an agreement is about.
    ClauseSubject {
        /// Why the parties cooperate.
        Purpose = "purpose",
        /// How the work is organised (delegation, contractor model).
        Model = "model",
        /// What the resident meets (one point of entry, where to go).
        Citizen = "citizen",
        /// The service level ("Tårnby's level unless agreed otherwise").
        ServiceLevel = "service_level",
        /// Who pays what.
        Payment = "payment",
        /// The cost principle.
        CostPrinciple = "cost_principle",
        /// How savings from efficiency are shared.
        SavingsSharing = "savings_sharing",
        /// Information between the parties.
        Information = "information",
        /// Reporting and the yearly wheel.
        Reporting = "reporting",
        /// Access to data and systems.
        DataAccess = "data_access",
        /// Term, renewal and notice.
        Term = "term",
        /// Anything else.
        Other = "other",
    }
);

/// A numbered clause of an agreement with its subject, so that an answer or a bill can cite it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Clause {
    /// Its number as the agreement writes it (`"3.4"`).
    pub number: String,
    /// The main-agreement version it belongs to, if the file records versions.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub main_agreement: Option<u32>,
    /// What it is about.
    pub subject: ClauseSubject,
    /// Its text.
    pub text: String,
    /// The services it is limited to; empty: every task of the agreement.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub services: Vec<ServiceId>,
    /// A note: what the source says and does not say.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub note: Option<String>,
}

impl Clause {
    /// The stable part of the journal key: version (if any) and number.
    pub fn key_suffix(&self) -> String {
        match self.main_agreement {
            Some(v) => format!("v{v}/{}", self.number),
            None => self.number.clone(),
        }
    }

    /// Whether the clause covers `service` (a clause without services covers every task).
    pub fn covers(&self, service: &ServiceId) -> bool {
        self.services.is_empty() || self.services.contains(service)
    }
}

impl ClauseSubject {
    /// What a citizen's answer cites: how the tasks are solved, the citizen, the service level
    /// and access to data.
    pub const ANSWER: &'static [ClauseSubject] = &[
        ClauseSubject::Model,
        ClauseSubject::Citizen,
        ClauseSubject::ServiceLevel,
        ClauseSubject::DataAccess,
    ];
    /// What a settlement cites: payment, the cost principle and the sharing of savings.
    pub const SETTLEMENT: &'static [ClauseSubject] = &[
        ClauseSubject::Payment,
        ClauseSubject::CostPrinciple,
        ClauseSubject::SavingsSharing,
    ];
}

/// A person in a role: the chair of a cooperation, a party's mayor.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct RoleHolder {
    /// Slug id within the cooperation.
    pub id: String,
    /// The person's name; left out of what anyone may read when `public` is false (see
    /// [`RoleHolder::for_public`]).
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub person: String,
    /// The role, in the cooperation's language ("formand for samarbejdet", "borgmester").
    pub role: String,
    /// The party whose role it is (Greve's mayor); none: a role in the cooperation itself.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub party: Option<PartyId>,
    /// Held from, as precisely as the source says.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub from: Option<PartialDate>,
    /// Held until (last known), as precisely as the source says.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub to: Option<PartialDate>,
    /// Whether the name may be shown to the public (an elected office the source names), or
    /// only to staff.
    pub public: bool,
    /// Where it is reported.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub source: Option<String>,
    /// A note: what the source says and does not say.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub note: Option<String>,
}

impl RoleHolder {
    /// The role as anyone may read it: without the person's name unless the name is public.
    pub fn for_public(&self) -> std::borrow::Cow<'_, RoleHolder> {
        if self.public {
            return std::borrow::Cow::Borrowed(self);
        }
        std::borrow::Cow::Owned(RoleHolder {
            person: String::new(),
            ..self.clone()
        })
    }
}

/// A figure the source gives for the cooperation as a whole, or a count without the names
/// (Västra Mälardalen's 14 prioritised areas, six of them named).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Figure {
    /// Slug id within the cooperation.
    pub id: String,
    /// What is counted, in the source's words ("borgere i de fire kommuner tilsammen").
    pub subject: String,
    /// The number.
    pub value: u64,
    /// Whether the source gives it as approximate ("omkring 150.000").
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub approximate: bool,
    /// The candidate areas among those counted that the source names.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub named: Vec<String>,
    /// When it held, as precisely as the source says.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub date: Option<PartialDate>,
    /// Where it is reported.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub source: Option<String>,
    /// A note: what the source says and does not say.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub note: Option<String>,
}

/// Staff moved between parties.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct StaffTransfer {
    /// From.
    pub from: PartyId,
    /// To.
    pub to: PartyId,
    /// About how many people.
    pub approx_count: u32,
    /// When, if known.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub date: Option<Date>,
    /// Notes.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub note: Option<String>,
}

impl StaffTransfer {
    /// The stable part of the journal key.
    pub fn key_suffix(&self) -> String {
        format!("{}/{}", self.from, self.to)
    }
}

/// An area where cooperation is being explored, or that exists already.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct CandidateArea {
    /// Slug id within the cooperation.
    pub id: String,
    /// The area, in the source's words.
    pub area: String,
    /// Kind of work, if known.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub kind: Option<CandidateKind>,
    /// Who takes part (empty: all parties).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub participants: Vec<PartyId>,
    /// Expected gains, in words.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub expected_gains: Vec<String>,
    /// Status.
    pub status: CandidateStatus,
    /// Notes.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub note: Option<String>,
    /// How each participant delivers the area today.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub deliveries: Vec<Delivery>,
    /// Each participant's scores on the mapping's criteria.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub assessments: Vec<Assessment>,
    /// The dated, reasoned moves through the statuses, oldest first.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub transitions: Vec<Transition>,
}

/// How one participant delivers a candidate area today.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Delivery {
    /// The participant.
    pub party: PartyId,
    /// By itself or through an agreement.
    pub how: DeliveryKind,
    /// Staff-years, in hundredths (150 is 1.5).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub staff_years_hundredths: Option<u64>,
    /// The yearly cost in minor units of `currency`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub yearly_cost_minor: Option<u64>,
    /// DKK, SEK or NOK.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub currency: Option<String>,
    /// The volume (cases, pupils, …) in `unit`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub volume: Option<u64>,
    /// What the volume counts, in the source's words.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub unit: Option<String>,
    /// The cooperation in the registry it is delivered through.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub cooperation: Option<CooperationId>,
    /// An agreement outside the registry, in words.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub outside: Option<String>,
    /// Notes.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub note: Option<String>,
}

/// One participant's scores of a candidate area, 0–4 per criterion, each with a justification.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Assessment {
    /// The participant.
    pub party: PartyId,
    /// The score per criterion id.
    pub scores: BTreeMap<String, u8>,
    /// The justification per criterion id (where one is given).
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub justifications: BTreeMap<String, String>,
    /// A justification for the scores that have none of their own.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub justification: Option<String>,
    /// The day of the assessment.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub on: Option<Date>,
    /// Whether the scores are made up to show how the mapping works (not the participant's).
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub illustrative: bool,
}

impl Assessment {
    /// The justification of the score for `criterion`: its own, else the general one.
    pub fn justification_of(&self, criterion: &str) -> Option<&str> {
        self.justifications
            .get(criterion)
            .map(String::as_str)
            .or(self.justification.as_deref())
    }
}

/// A move of a candidate area to a new status, on a day, for a reason.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Transition {
    /// The new status.
    pub to: CandidateStatus,
    /// The day.
    pub on: Date,
    /// Why.
    pub reason: String,
}

impl CandidateArea {
    /// Whether the area is, or was, prioritised: its status is prioritised or decided, or a move
    /// took it to prioritised (an area that existed before the mapping is not counted).
    pub fn was_prioritised(&self) -> bool {
        matches!(
            self.status,
            CandidateStatus::Prioritised | CandidateStatus::Decided
        ) || self
            .transitions
            .iter()
            .any(|t| t.to == CandidateStatus::Prioritised)
    }
}

impl CandidateStatus {
    /// Whether an area may move from `self` to `next`: one step along identified → assessed →
    /// prioritised → decided → established, or to dropped from any status before established.
    pub fn may_move_to(self, next: CandidateStatus) -> bool {
        use CandidateStatus::*;
        matches!(
            (self, next),
            (Identified, Assessed)
                | (Assessed, Prioritised)
                | (Prioritised, Decided)
                | (Decided, Established)
                | (Identified | Assessed | Prioritised | Decided, Dropped)
        )
    }
}

/// How many months may pass between two evaluations of an agreement by a party (the Council of
/// Europe IMC toolkit, step 14: at least every two years).
pub const EVALUATION_MONTHS: i32 = 24;

/// A party's evaluation of the cooperation, or of one of its sub-agreements: does it deliver on
/// its purpose, and does it give value for money, with the reasons and the evidence cited.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Evaluation {
    /// The evaluating party.
    pub party: PartyId,
    /// The day of the evaluation.
    pub on: Date,
    /// The sub-agreement evaluated; `None`: the whole cooperation.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub sub_agreement: Option<u32>,
    /// Does it deliver on its purpose?
    pub delivers: Verdict,
    /// Does it give value for money?
    pub value_for_money: Verdict,
    /// Why, in words.
    pub reasons: String,
    /// What the evaluation rests on (fact sheets, settlements, reports), in words or links.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub evidence: Vec<String>,
    /// A note: what the source says and does not say, or an assumption made in recording it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub note: Option<String>,
}

slug_enum!(
    /// Where a joint project stands.
    ProjectStatus {
        /// Agreed, not started.
        Planned = "planned",
        /// Under way.
        Running = "running",
        /// Finished as planned.
        Completed = "completed",
        /// Stopped before its end.
        Stopped = "stopped",
    }
);

/// A joint project whose costs the participants share (København Syd's STU, tobacco prevention,
/// …): who takes part, who runs it, how long, the budget per year and the cost key; each
/// participant's share of a year is settled by the settlement engine (`samvirke-settle`).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Project {
    /// Slug id within the cooperation.
    pub id: String,
    /// Its name, in the cooperation's language.
    pub name: String,
    /// The candidate area it comes from.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub area: Option<String>,
    /// The parties that take part and share the cost.
    pub participants: Vec<PartyId>,
    /// The party that runs it and receives the payments.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub lead: Option<PartyId>,
    /// When it runs, if known.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub valid: Option<Interval>,
    /// Where it stands.
    pub status: ProjectStatus,
    /// The currency of its budget.
    pub currency: String,
    /// How the cost is split; `None`: equal shares.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub key: Option<AllocationKey>,
    /// The budget (and, once closed, the actual cost) per year.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub years: Vec<PaymentYear>,
    /// Its results, per year, as its fact sheet records them.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub results: Vec<ProjectResult>,
    /// Notes.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub note: Option<String>,
}

/// A joint project's results in one year.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ProjectResult {
    /// The year.
    pub year: i32,
    /// What it achieved, in words.
    pub text: String,
}

/// A mapping of candidate areas: the criteria the areas are scored on, with their weights, and
/// how many areas were prioritised (when only some are named).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, Default)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Mapping {
    /// The criteria; empty: the defaults (`mapping::DEFAULT_CRITERIA`, weight 1 each).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub criteria: Vec<Criterion>,
    /// How many areas were prioritised in all.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub prioritised_count: Option<u32>,
    /// Notes.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub note: Option<String>,
}

/// A criterion of a mapping.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Criterion {
    /// Slug id; a default criterion's id gives it its translated name.
    pub id: String,
    /// A gain or feasibility.
    pub group: CriterionGroup,
    /// Its weight, 0–100.
    pub weight: u32,
    /// Its name (required for a criterion that is not a default one).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub names: Option<Names>,
}

slug_enum!(
    /// How the councils of a cooperation decide a change of the agreement.
    VotingRule {
        /// Every party must agree.
        Unanimity = "unanimity",
        /// More than half.
        SimpleMajority = "simple_majority",
        /// At least the threshold (`threshold_percent`).
        QualifiedMajority = "qualified_majority",
    }
);

slug_enum!(
    /// What a majority is counted in.
    VoteBasis {
        /// One vote per party.
        Members = "members",
        /// The parties' residents.
        Population = "population",
    }
);

/// How the parties decide a change of the agreement (`[voting]`): the rule, what it counts, the
/// threshold of a qualified majority and, when counted by population, the residents of each party.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Voting {
    /// The rule.
    pub rule: VotingRule,
    /// What the rule counts.
    pub by: VoteBasis,
    /// The share a qualified majority needs, in whole percent (e.g. 67).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub threshold_percent: Option<u32>,
    /// Residents per party (required when counted by population).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub population: Vec<KeyShare>,
    /// The date the residents were counted.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub population_date: Option<Date>,
    /// Where the numbers come from.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub population_source: Option<String>,
    /// The clause that sets the rule, in the agreement's words.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub clause: Option<String>,
}

/// A named set of proposed changes on top of the registry, kept apart from the recorded truth
/// (`[[scenario]]`). Worked out by `scenario::evaluate`; adopting it writes the changes as facts.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Scenario {
    /// Slug id within the cooperation.
    pub id: String,
    /// Its name, in the cooperation's language.
    pub name: String,
    /// The day it was prepared; notice is taken to be given on this day.
    pub prepared: Date,
    /// The registry it starts from: as known at the end of this day (none: as known now).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub known_on: Option<Date>,
    /// What it is about, in words.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
    /// The proposed changes, applied in order.
    pub changes: Vec<ScenarioChange>,
    /// Staff who would move, as the planners estimate them.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub staff: Vec<StaffFigure>,
    /// When and by which decision it was adopted.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub adopted: Option<ScenarioAdoption>,
    /// Whether the public may read it (its page, decision paper and JSON); staff always can.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub published: bool,
    /// A note: what the source says and does not say, or an assumption made in recording it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub note: Option<String>,
}

/// One proposed change.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum ScenarioChange {
    /// A member takes services back from their performer.
    TakeBack {
        /// Who takes them back.
        member: MunicipalityId,
        /// The services.
        services: Vec<ServiceId>,
        /// The first day it performs them itself.
        from: Date,
    },
    /// A member leaves the cooperation.
    Leave {
        /// Who leaves.
        member: MunicipalityId,
        /// The first day it is no longer a party.
        from: Date,
        /// Who performs, from that day, what the leaving member performed for others.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        successor: Option<PartyId>,
    },
    /// A new member joins.
    Join {
        /// Who joins.
        member: MunicipalityId,
        /// The first day it is a party.
        from: Date,
        /// The services it delegates (empty: every service delegated on that day).
        #[serde(default, skip_serializing_if = "Vec::is_empty")]
        services: Vec<ServiceId>,
        /// Its parts in a fixed key.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        parts: Option<u64>,
        /// Its residents in a population key.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        population: Option<u64>,
    },
    /// A candidate area becomes a cooperation of its own.
    NewCooperation {
        /// The candidate area (its id in this cooperation).
        area: String,
        /// The new cooperation's id.
        id: CooperationId,
        /// Its name.
        name: String,
        /// Its legal form.
        legal_form: LegalForm,
        /// Who performs the service.
        performer: MunicipalityId,
        /// Who takes part (empty: the area's participants).
        #[serde(default, skip_serializing_if = "Vec::is_empty")]
        members: Vec<MunicipalityId>,
        /// The first day.
        from: Date,
        /// The currency of its payment agreement.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        currency: Option<String>,
        /// How its cost is split.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        key: Option<AllocationKey>,
        /// Its budget per year.
        #[serde(default, skip_serializing_if = "Vec::is_empty")]
        years: Vec<PaymentYear>,
    },
}

impl ScenarioChange {
    /// The change's kind as written in the file.
    pub fn kind(&self) -> &'static str {
        match self {
            ScenarioChange::TakeBack { .. } => "take_back",
            ScenarioChange::Leave { .. } => "leave",
            ScenarioChange::Join { .. } => "join",
            ScenarioChange::NewCooperation { .. } => "new_cooperation",
        }
    }

    /// The first day the change applies.
    pub fn from(&self) -> Date {
        match self {
            ScenarioChange::TakeBack { from, .. }
            | ScenarioChange::Leave { from, .. }
            | ScenarioChange::Join { from, .. }
            | ScenarioChange::NewCooperation { from, .. } => *from,
        }
    }
}

/// Staff who would move between parties, as a figure the planners enter.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct StaffFigure {
    /// From.
    pub from: PartyId,
    /// To.
    pub to: PartyId,
    /// How many people.
    pub count: u32,
    /// Notes.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub note: Option<String>,
}

/// The adoption of a scenario.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ScenarioAdoption {
    /// The day of the decision.
    pub on: Date,
    /// The decision (its id among the cooperation's decisions).
    pub decision: String,
}

/// A duty the agreement puts on a party on a yearly wheel: a report, an order, a payment overview.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Obligation {
    /// Slug id within the cooperation.
    pub id: String,
    /// What is to be done, in the languages given.
    pub title: Names,
    /// Who must do it (one or more parties).
    pub owners: Vec<PartyId>,
    /// In what capacity, in the agreement's words (e.g. "entreprenør").
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub role: Option<String>,
    /// The sub-agreement it belongs to, if one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub sub_agreement: Option<u32>,
    /// When it falls due each year.
    pub due: crate::due::DueRule,
    /// A due date on a non-working day moves this way.
    #[serde(default)]
    pub shift: crate::calendar::Shift,
    /// The years it applies (from the first day).
    pub valid: Interval,
    /// The clause that sets it, in the agreement's words.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub clause: Option<String>,
    /// A note: what the source says and does not say, or an assumption made in recording it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub note: Option<String>,
}

/// A payer's share in a key: parts (any whole numbers; `{ A = 1, B = 3 }` is 25 % / 75 %).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct KeyShare {
    /// The payer.
    pub party: PartyId,
    /// Its parts.
    pub parts: u64,
}

slug_enum!(
    /// How often aconto instalments fall due.
    AcontoFrequency {
        /// Twelve instalments.
        Monthly = "monthly",
        /// Four instalments.
        Quarterly = "quarterly",
    }
);

/// How a cost is split between the payers.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum AllocationKey {
    /// Fixed parts per payer (one payer with any part pays everything).
    Fixed {
        /// Parts per payer.
        shares: Vec<KeyShare>,
    },
    /// Population on a reference date, with the source of the numbers.
    Population {
        /// The date the numbers describe.
        reference_date: Date,
        /// Where the numbers come from.
        source: String,
        /// Residents per payer.
        population: Vec<KeyShare>,
    },
    /// Units of activity per payer, counted by measurement date within the year.
    Usage {
        /// What a unit is (e.g. "cases", "hours").
        unit: String,
    },
    /// A fixed part split by `shares`, the rest by usage.
    Hybrid {
        /// Percentage of the cost split by the fixed shares, in basis points (4000 = 40 %).
        fixed_basis_points: u32,
        /// Parts per payer for the fixed part.
        shares: Vec<KeyShare>,
        /// What a usage unit is.
        unit: String,
    },
}

/// A saving made by the performer, shared with the payers from its effective date
/// (Dragør–Tårnby § 3.4).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Saving {
    /// First day the saving applies.
    pub effective: Date,
    /// The saving over a whole year, in minor units.
    pub annual_minor: u64,
    /// The payers' share of the saving, in basis points (5000 = 50 %).
    pub share_basis_points: u32,
    /// What the saving is.
    pub note: String,
}

/// One year of a payment agreement: the cost basis and savings.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct PaymentYear {
    /// The calendar year.
    pub year: i32,
    /// Budgeted annual cost, in minor units (the aconto basis).
    pub budget_minor: u64,
    /// Actual annual cost once the year is closed, in minor units.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub actual_minor: Option<u64>,
    /// Savings shared with the payers.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub savings: Vec<Saving>,
}

/// A payment agreement (betalingsaftale): who pays whom for a sub-agreement, in which currency, on
/// which principle, with the allocation key, the aconto schedule and a cost basis per year.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct PaymentAgreement {
    /// The sub-agreement it belongs to.
    pub sub_agreement: u32,
    /// When it applies.
    pub valid: Interval,
    /// Who pays.
    pub payers: Vec<PartyId>,
    /// Who is paid.
    pub payee: PartyId,
    /// `DKK`, `SEK` or `NOK`.
    pub currency: String,
    /// The payment principle, in the agreement's words.
    pub principle: String,
    /// How the cost is split (required before the agreement can be settled).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub key: Option<AllocationKey>,
    /// How often aconto instalments fall due.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub aconto: Option<AcontoFrequency>,
    /// Day of the month instalments fall due (1–28).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub aconto_due_day: Option<u32>,
    /// Cost basis per year.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub years: Vec<PaymentYear>,
    /// The least a payer pays of a year's cost, in minor units.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub floors: Vec<MoneyShare>,
    /// The most a payer pays of a year's cost, in minor units.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub caps: Vec<MoneyShare>,
    /// How VAT applies to the payments (required before an e-invoice is made).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub vat: Option<VatTreatment>,
    /// Days after its issue day a year-end true-up invoice falls due (30 when not given).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub payment_days: Option<u32>,
    /// Days the payee has to answer a dispute (30 when not given).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub dispute_days: Option<u32>,
    /// A note: what the source says and does not say, or an assumption made in recording it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub note: Option<String>,
}

/// How VAT applies to a payment agreement's payments.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case", tag = "kind")]
pub enum VatTreatment {
    /// Outside the scope of VAT (cost sharing between public bodies): category O.
    OutsideScope,
    /// Standard-rated at `percent` (category S): VAT is added to each share.
    Standard {
        /// The rate in whole percent (25, 12, 6 in Sweden; 25, 15, 12 in Norway; 25 in Denmark).
        percent: u32,
    },
}

impl PaymentAgreement {
    /// Days after its issue day a true-up invoice falls due.
    pub fn payment_days(&self) -> u32 {
        self.payment_days.unwrap_or(30)
    }

    /// Days the payee has to answer a dispute.
    pub fn dispute_days(&self) -> u32 {
        self.dispute_days.unwrap_or(30)
    }
}

/// An amount per party (a floor or a cap).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct MoneyShare {
    /// The party.
    pub party: PartyId,
    /// Minor units.
    pub minor: u64,
}

slug_enum!(
    /// What has been done about one dated deadline, as recorded. `overdue` is not recorded: it is
    /// what a planned or started deadline becomes once its day has passed.
    ObligationState {
        /// Nothing done yet (the default for every deadline).
        Planned = "planned",
        /// Work has started.
        InProgress = "in_progress",
        /// Done.
        Done = "done",
        /// Not to be done this time (e.g. the parties agreed to skip it), with the reason in the note.
        Waived = "waived",
    }
);

/// The recorded state of one occurrence of an obligation (recorded by `samvirke deadlines mark`,
/// not part of the agreement file); each change is a new journal event, so the history stays.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ObligationStatus {
    /// The obligation, as deadlines name it: `agreement:ID` or `statute:ID`.
    pub obligation: String,
    /// The due date of the occurrence.
    pub due: Date,
    /// Its state.
    pub state: ObligationState,
    /// What was done, or why it was waived.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub note: Option<String>,
}

/// A settlement run as recorded in the journal: what went in and what came out, so the run can be
/// reproduced and a later run compared with it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct SettlementRecord {
    /// The year settled.
    pub year: i32,
    /// The payment-agreement facts used, by key, with the event that recorded each.
    pub inputs: Vec<RecordedInput>,
    /// Usage totals per sub-agreement and payer (from the activity file given to the run).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub usage: Vec<UsageTotal>,
    /// The results.
    pub lines: Vec<SettlementLine>,
}

/// A fact used by a run.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct RecordedInput {
    /// The fact's key.
    pub key: String,
    /// The event that recorded the version used.
    pub event: u64,
}

/// Units of one payer under one sub-agreement in the year.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct UsageTotal {
    /// The sub-agreement.
    pub sub_agreement: u32,
    /// The payer.
    pub party: String,
    /// Activity rows.
    pub rows: u64,
    /// Units in hundredths.
    pub hundredths: u64,
    /// The same per month of the year, the months with rows only (empty in runs recorded before
    /// months were kept).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub months: Vec<MonthUsage>,
}

/// One month's usage of a payer under a sub-agreement.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct MonthUsage {
    /// The month, 1–12.
    pub month: u8,
    /// Activity rows dated in it.
    pub rows: u64,
    /// Their units in hundredths.
    pub hundredths: u64,
}

/// One payer's result under one payment agreement.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct SettlementLine {
    /// The sub-agreement.
    pub sub_agreement: u32,
    /// The payer.
    pub payer: String,
    /// Share of the budget (paid aconto).
    pub budget_minor: u64,
    /// Share of the actual cost.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub actual_minor: Option<u64>,
    /// Share of the savings.
    pub savings_minor: u64,
    /// Year-end true-up (positive owed, negative refunded).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub true_up_minor: Option<i64>,
}

/// A whole cooperation as one agreement file holds it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct CooperationDoc {
    /// The header.
    pub cooperation: Cooperation,
    /// Services defined here.
    #[serde(default)]
    pub services: Vec<Service>,
    /// Main agreement versions.
    #[serde(default)]
    pub main_agreement: Vec<MainAgreementVersion>,
    /// Sub-agreements.
    #[serde(default)]
    pub sub_agreements: Vec<SubAgreement>,
    /// Delegations.
    #[serde(default)]
    pub delegations: Vec<Delegation>,
    /// Take-backs.
    #[serde(default)]
    pub take_backs: Vec<TakeBack>,
    /// Decisions.
    #[serde(default)]
    pub decisions: Vec<Decision>,
    /// Staff transfers.
    #[serde(default)]
    pub staff_transfers: Vec<StaffTransfer>,
    /// How residents reach the parties' units.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub contacts: Vec<Contact>,
    /// Events that are not decisions.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub events: Vec<Occurrence>,
    /// Documents the agreement rests on.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub documents: Vec<AgreementDocument>,
    /// Numbered clauses of the agreement.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub clauses: Vec<Clause>,
    /// People in roles.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub roles: Vec<RoleHolder>,
    /// Figures and counts of the cooperation as a whole.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub figures: Vec<Figure>,
    /// Candidate areas.
    #[serde(default)]
    pub candidate_areas: Vec<CandidateArea>,
    /// Obligations on the yearly wheel.
    #[serde(default)]
    pub obligations: Vec<Obligation>,
    /// Payment agreements.
    #[serde(default)]
    pub payment_agreements: Vec<PaymentAgreement>,
    /// The mapping of the candidate areas, if the cooperation keeps one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub mapping: Option<Mapping>,
    /// The parties' evaluations of the agreement, oldest first.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub evaluations: Vec<Evaluation>,
    /// How the parties decide a change of the agreement.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub voting: Option<Voting>,
    /// Scenarios of proposed changes.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub scenarios: Vec<Scenario>,
    /// Joint projects with shared costs.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub projects: Vec<Project>,
}

/// One fact in the journal: a part of a cooperation that changes on its own.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Fact {
    /// The cooperation header.
    Cooperation(Cooperation),
    /// A service definition.
    Service {
        /// Owning cooperation.
        cooperation: CooperationId,
        /// The service.
        service: Service,
    },
    /// A main agreement version.
    MainAgreementVersion {
        /// Owning cooperation.
        cooperation: CooperationId,
        /// The version.
        version: MainAgreementVersion,
    },
    /// A sub-agreement.
    SubAgreement {
        /// Owning cooperation.
        cooperation: CooperationId,
        /// The sub-agreement.
        sub_agreement: SubAgreement,
    },
    /// A delegation.
    Delegation {
        /// Owning cooperation.
        cooperation: CooperationId,
        /// The delegation.
        delegation: Delegation,
    },
    /// A take-back.
    TakeBack {
        /// Owning cooperation.
        cooperation: CooperationId,
        /// The take-back.
        take_back: TakeBack,
    },
    /// A decision.
    Decision {
        /// Owning cooperation.
        cooperation: CooperationId,
        /// The decision.
        decision: Decision,
    },
    /// An event that is not a decision.
    Event {
        /// Owning cooperation.
        cooperation: CooperationId,
        /// The event.
        event: Occurrence,
    },
    /// A document the agreement rests on.
    Document {
        /// Owning cooperation.
        cooperation: CooperationId,
        /// The document.
        document: AgreementDocument,
    },
    /// A numbered clause of the agreement.
    Clause {
        /// Owning cooperation.
        cooperation: CooperationId,
        /// The clause.
        clause: Clause,
    },
    /// A person in a role.
    Role {
        /// Owning cooperation.
        cooperation: CooperationId,
        /// The role and its holder.
        role: RoleHolder,
    },
    /// A figure of the cooperation as a whole.
    Figure {
        /// Owning cooperation.
        cooperation: CooperationId,
        /// The figure.
        figure: Figure,
    },
    /// How residents reach a unit of a party.
    Contact {
        /// Owning cooperation.
        cooperation: CooperationId,
        /// The contact.
        contact: Contact,
    },
    /// A staff transfer.
    StaffTransfer {
        /// Owning cooperation.
        cooperation: CooperationId,
        /// The transfer.
        staff_transfer: StaffTransfer,
    },
    /// A candidate area.
    CandidateArea {
        /// Owning cooperation.
        cooperation: CooperationId,
        /// The area.
        candidate_area: CandidateArea,
    },
    /// A joint project.
    Project {
        /// Owning cooperation.
        cooperation: CooperationId,
        /// The project.
        project: Project,
    },
    /// A party's evaluation of the agreement.
    Evaluation {
        /// Owning cooperation.
        cooperation: CooperationId,
        /// The evaluation.
        evaluation: Evaluation,
    },
    /// The mapping's criteria and counts.
    Mapping {
        /// Owning cooperation.
        cooperation: CooperationId,
        /// The mapping.
        mapping: Mapping,
    },
    /// How the parties decide.
    Voting {
        /// Owning cooperation.
        cooperation: CooperationId,
        /// The rule.
        voting: Voting,
    },
    /// A scenario of proposed changes (never read by the resolver).
    Scenario {
        /// Owning cooperation.
        cooperation: CooperationId,
        /// The scenario.
        scenario: Scenario,
    },
    /// An obligation on the yearly wheel.
    Obligation {
        /// Owning cooperation.
        cooperation: CooperationId,
        /// The obligation.
        obligation: Obligation,
    },
    /// A payment agreement.
    PaymentAgreement {
        /// Owning cooperation.
        cooperation: CooperationId,
        /// The payment agreement.
        payment_agreement: PaymentAgreement,
    },
    /// The state of one deadline (recorded by `samvirke deadlines mark`, not part of the agreement
    /// file).
    ObligationStatus {
        /// Owning cooperation.
        cooperation: CooperationId,
        /// The state.
        status: ObligationStatus,
    },
    /// A version of the annual report's template (not part of the agreement file).
    ReportTemplate {
        /// Owning cooperation.
        cooperation: CooperationId,
        /// The template.
        template: crate::report::ReportTemplate,
    },
    /// A fact sheet of the annual report (not part of the agreement file).
    FactSheet {
        /// Owning cooperation.
        cooperation: CooperationId,
        /// The sheet.
        sheet: crate::report::FactSheet,
    },
    /// A settlement run (recorded by `samvirke settle`, not part of the agreement file).
    SettlementRun {
        /// Owning cooperation.
        cooperation: CooperationId,
        /// The run.
        run: SettlementRecord,
    },
    /// An e-invoice or credit note as issued (recorded by `samvirke invoice`, never changed).
    Invoice {
        /// Owning cooperation.
        cooperation: CooperationId,
        /// The document.
        invoice: IssuedInvoice,
    },
    /// A paying member's objection to its settlement of a year, and the answer (each step a new
    /// version of the same fact).
    Dispute {
        /// Owning cooperation.
        cooperation: CooperationId,
        /// The dispute.
        dispute: Dispute,
    },
}

/// A paying member's objection to a settled year: a line (one payment agreement) or the whole
/// statement, with a reason and the amount it believes is right; answered by the payee.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Dispute {
    /// The number, from 1 per cooperation.
    pub number: u32,
    /// The settled year.
    pub year: i32,
    /// The member that disputes (a payer, as the statement writes it).
    pub payer: String,
    /// Who must answer (the payee of the disputed line).
    pub payee: String,
    /// The disputed line's sub-agreement; none for the whole statement.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub sub_agreement: Option<u32>,
    /// Why, in the disputing member's words.
    pub reason: String,
    /// What the member believes it should pay for the line or the year, in minor units.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub proposed_minor: Option<i64>,
    /// What the disputed run has it pay for the line or the year, in minor units.
    pub disputed_minor: i64,
    /// Currency of the amounts.
    pub currency: String,
    /// The journal event of the settlement run disputed.
    pub run_event: u64,
    /// The day it was opened.
    pub opened: Date,
    /// The last day to answer (the payment agreement's dispute days, on a working day).
    pub respond_by: Date,
    /// What the deadline is called in reminders, in the cooperation's language.
    pub title: String,
    /// The answer, once given.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub answer: Option<DisputeAnswer>,
}

/// The payee's answer to a dispute.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct DisputeAnswer {
    /// Accepted (the settlement was rerun) or rejected.
    pub accepted: bool,
    /// Why (required when rejected).
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub reason: String,
    /// The day it was answered.
    pub on: Date,
    /// Accepted: what the new run has the member pay for the line or the year, in minor units.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub corrected_minor: Option<i64>,
}

impl Dispute {
    /// Whether it waits for an answer.
    pub fn is_open(&self) -> bool {
        self.answer.is_none()
    }
}

/// What an invoice is for: one aconto instalment of a payer's year, or its year-end true-up.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case", tag = "kind")]
pub enum InvoiceItem {
    /// Aconto instalment `number` (from 1).
    Instalment {
        /// Which instalment, from 1.
        number: u32,
    },
    /// The year-end true-up (actual share less savings credit less aconto).
    TrueUp,
}

/// An e-invoice or credit note as issued: its number, what it is for, its amounts and the UBL
/// document itself, so that it can be written again byte for byte.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct IssuedInvoice {
    /// The number, unique per seller (`DK-0185-000001`).
    pub number: String,
    /// The seller (the payment agreement's payee).
    pub seller: String,
    /// The buyer (a payer).
    pub buyer: String,
    /// The year settled.
    pub year: i32,
    /// The payment agreement's sub-agreement.
    pub sub_agreement: u32,
    /// The first day of the payment agreement.
    pub agreement_from: Date,
    /// What it is for.
    pub item: InvoiceItem,
    /// A credit note (else an invoice).
    pub credit_note: bool,
    /// What it adds to the item, before VAT, in minor units: positive for an invoice, negative
    /// for a credit note.
    pub net_minor: i64,
    /// The amount payable (an invoice) or credited (a credit note), VAT included.
    pub payable_minor: u64,
    /// Currency.
    pub currency: String,
    /// The day it was issued.
    pub issued: Date,
    /// When it falls due (invoices).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub due: Option<Date>,
    /// The journal event of the settlement run it rests on.
    pub run_event: u64,
    /// The invoices a credit note corrects.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub corrects: Vec<String>,
    /// The UBL 2.1 document, as issued.
    pub xml: String,
}

impl Fact {
    /// Whether anyone may read the fact at all: not a scenario its editors have not published.
    pub fn is_published(&self) -> bool {
        !matches!(self, Fact::Scenario { scenario, .. } if !scenario.published)
    }

    /// The fact as anyone may read it: a role without its person's name unless it is public; a
    /// scenario not published with its id and dates only (what it proposes stays with its
    /// editors until they publish it).
    pub fn for_public(&self) -> std::borrow::Cow<'_, Fact> {
        match self {
            Fact::Role { cooperation, role } if !role.public => {
                std::borrow::Cow::Owned(Fact::Role {
                    cooperation: cooperation.clone(),
                    role: role.for_public().into_owned(),
                })
            }
            Fact::Scenario {
                cooperation,
                scenario,
            } if !scenario.published => std::borrow::Cow::Owned(Fact::Scenario {
                cooperation: cooperation.clone(),
                scenario: Scenario {
                    id: scenario.id.clone(),
                    name: String::new(),
                    prepared: scenario.prepared,
                    known_on: scenario.known_on,
                    description: None,
                    changes: Vec::new(),
                    staff: Vec::new(),
                    adopted: scenario.adopted.clone(),
                    published: false,
                    note: None,
                },
            }),
            _ => std::borrow::Cow::Borrowed(self),
        }
    }

    /// The cooperation the fact belongs to.
    pub fn cooperation(&self) -> &CooperationId {
        match self {
            Fact::Cooperation(c) => &c.id,
            Fact::Service { cooperation, .. }
            | Fact::MainAgreementVersion { cooperation, .. }
            | Fact::SubAgreement { cooperation, .. }
            | Fact::Delegation { cooperation, .. }
            | Fact::TakeBack { cooperation, .. }
            | Fact::Decision { cooperation, .. }
            | Fact::StaffTransfer { cooperation, .. }
            | Fact::Contact { cooperation, .. }
            | Fact::Event { cooperation, .. }
            | Fact::Document { cooperation, .. }
            | Fact::Clause { cooperation, .. }
            | Fact::Role { cooperation, .. }
            | Fact::Figure { cooperation, .. }
            | Fact::CandidateArea { cooperation, .. }
            | Fact::Mapping { cooperation, .. }
            | Fact::Evaluation { cooperation, .. }
            | Fact::Project { cooperation, .. }
            | Fact::Voting { cooperation, .. }
            | Fact::Scenario { cooperation, .. }
            | Fact::Obligation { cooperation, .. }
            | Fact::PaymentAgreement { cooperation, .. }
            | Fact::ObligationStatus { cooperation, .. }
            | Fact::ReportTemplate { cooperation, .. }
            | Fact::FactSheet { cooperation, .. }
            | Fact::SettlementRun { cooperation, .. }
            | Fact::Invoice { cooperation, .. }
            | Fact::Dispute { cooperation, .. } => cooperation,
        }
    }

    /// Whether the fact is written in agreement files (a settlement run is recorded by `settle`,
    /// so an import never touches it).
    pub fn in_agreement_file(&self) -> bool {
        !matches!(
            self,
            Fact::SettlementRun { .. }
                | Fact::Invoice { .. }
                | Fact::Dispute { .. }
                | Fact::ObligationStatus { .. }
                | Fact::ReportTemplate { .. }
                | Fact::FactSheet { .. }
        )
    }

    /// Whether only the staff concerned may see the fact (a dispute): never in public history.
    pub fn is_private(&self) -> bool {
        matches!(self, Fact::Dispute { .. })
    }

    /// Whether `key` (as [`Fact::key`] makes it) is that of a private fact: `COOP/dispute/N`.
    pub fn is_private_key(key: &str) -> bool {
        key.split('/').nth(1) == Some("dispute")
    }

    /// Whether `key` is that of a settlement run or an issued e-invoice (`COOP/settlement/YEAR`,
    /// `COOP/invoice/NUMBER`): kept out of the public history of a cooperation whose settlements
    /// only its members see.
    pub fn is_settlement_key(key: &str) -> bool {
        matches!(key.split('/').nth(1), Some("settlement" | "invoice"))
    }

    /// The stable key: two facts with the same key are two versions of the same thing.
    pub fn key(&self) -> String {
        let coop = self.cooperation();
        match self {
            Fact::Cooperation(_) => format!("{coop}"),
            Fact::Service { service, .. } => format!("{coop}/service/{}", service.id),
            Fact::MainAgreementVersion { version, .. } => format!("{coop}/main/{}", version.number),
            Fact::SubAgreement { sub_agreement, .. } => {
                format!("{coop}/sub/{}", sub_agreement.number)
            }
            Fact::Delegation { delegation, .. } => {
                format!("{coop}/delegation/{}", delegation.key_suffix())
            }
            Fact::TakeBack { take_back, .. } => {
                format!("{coop}/take-back/{}/{}", take_back.by, take_back.effective)
            }
            Fact::Decision { decision, .. } => format!("{coop}/decision/{}", decision.id),
            Fact::StaffTransfer { staff_transfer, .. } => {
                format!("{coop}/staff-transfer/{}", staff_transfer.key_suffix())
            }
            Fact::Contact { contact, .. } => format!("{coop}/contact/{}", contact.id),
            Fact::Event { event, .. } => format!("{coop}/event/{}", event.id),
            Fact::Document { document, .. } => format!("{coop}/document/{}", document.id),
            Fact::Clause { clause, .. } => format!("{coop}/clause/{}", clause.key_suffix()),
            Fact::Role { role, .. } => format!("{coop}/role/{}", role.id),
            Fact::Figure { figure, .. } => format!("{coop}/figure/{}", figure.id),
            Fact::CandidateArea { candidate_area, .. } => {
                format!("{coop}/candidate-area/{}", candidate_area.id)
            }
            Fact::Mapping { .. } => format!("{coop}/mapping"),
            Fact::Voting { .. } => format!("{coop}/voting"),
            Fact::Scenario { scenario, .. } => format!("{coop}/scenario/{}", scenario.id),
            Fact::Project { project, .. } => format!("{coop}/project/{}", project.id),
            Fact::Evaluation { evaluation: e, .. } => format!(
                "{coop}/evaluation/{}/{}/{}",
                e.party,
                e.sub_agreement
                    .map_or_else(|| "all".to_string(), |n| n.to_string()),
                e.on
            ),
            Fact::Obligation { obligation, .. } => format!("{coop}/obligation/{}", obligation.id),
            Fact::PaymentAgreement {
                payment_agreement: p,
                ..
            } => format!("{coop}/payment/{}/{}", p.sub_agreement, p.valid.from()),
            Fact::SettlementRun { run, .. } => format!("{coop}/settlement/{}", run.year),
            Fact::Invoice { invoice, .. } => format!("{coop}/invoice/{}", invoice.number),
            Fact::Dispute { dispute, .. } => format!("{coop}/dispute/{}", dispute.number),
            Fact::ReportTemplate { template, .. } => {
                format!("{coop}/report-template/{}", template.version)
            }
            Fact::FactSheet { sheet, .. } => {
                format!("{coop}/fact-sheet/{}/{}", sheet.year, sheet.sub_agreement)
            }
            Fact::ObligationStatus { status, .. } => {
                format!(
                    "{coop}/obligation-status/{}/{}",
                    status.obligation, status.due
                )
            }
        }
    }
}

impl CooperationDoc {
    /// The document as anyone may read it: the names of people in roles that are not public and
    /// the scenarios not published left out (staff, and a write's `If-Match`, see the whole
    /// document).
    pub fn for_public(&self) -> std::borrow::Cow<'_, CooperationDoc> {
        if self.roles.iter().all(|r| r.public) && self.scenarios.iter().all(|s| s.published) {
            return std::borrow::Cow::Borrowed(self);
        }
        let mut doc = self.clone();
        for role in &mut doc.roles {
            if let std::borrow::Cow::Owned(public) = role.for_public() {
                *role = public;
            }
        }
        // A scenario its editors have not published is theirs until they do.
        doc.scenarios.retain(|s| s.published);
        std::borrow::Cow::Owned(doc)
    }

    /// The main-agreement version in force on `on`: the latest that counts from that day or
    /// before (the latest-numbered of those counting from the same day).
    pub fn main_agreement_on(&self, on: Date) -> Option<&MainAgreementVersion> {
        self.main_agreement
            .iter()
            .filter(|v| v.counts_from().is_some_and(|f| f <= on))
            .max_by_key(|v| (v.counts_from(), v.number))
    }

    /// The clauses in force on `on` about one of `subjects` that cover one of `services`, in the
    /// order of their numbers: those of the main-agreement version in force, and those the file
    /// ties to no version.
    pub fn clauses_on(
        &self,
        on: Date,
        services: &[&ServiceId],
        subjects: &[ClauseSubject],
    ) -> Vec<&Clause> {
        let version = self.main_agreement_on(on).map(|v| v.number);
        let mut out: Vec<&Clause> = self
            .clauses
            .iter()
            .filter(|c| c.main_agreement.is_none() || c.main_agreement == version)
            .filter(|c| subjects.contains(&c.subject))
            .filter(|c| services.iter().any(|s| c.covers(s)))
            .collect();
        out.sort_by_cached_key(|c| clause_order(&c.number));
        out
    }

    /// A cooperation with its header only: no services, agreements or delegations yet.
    pub fn new(cooperation: Cooperation) -> CooperationDoc {
        CooperationDoc {
            cooperation,
            services: Vec::new(),
            main_agreement: Vec::new(),
            sub_agreements: Vec::new(),
            delegations: Vec::new(),
            take_backs: Vec::new(),
            decisions: Vec::new(),
            staff_transfers: Vec::new(),
            contacts: Vec::new(),
            events: Vec::new(),
            documents: Vec::new(),
            clauses: Vec::new(),
            roles: Vec::new(),
            figures: Vec::new(),
            candidate_areas: Vec::new(),
            obligations: Vec::new(),
            payment_agreements: Vec::new(),
            mapping: None,
            evaluations: Vec::new(),
            voting: None,
            scenarios: Vec::new(),
            projects: Vec::new(),
        }
    }

    /// Splits the document into journal facts, header first.
    pub fn to_facts(&self) -> Vec<Fact> {
        let coop = self.cooperation.id.clone();
        let mut out = vec![Fact::Cooperation(self.cooperation.clone())];
        out.extend(self.services.iter().map(|s| Fact::Service {
            cooperation: coop.clone(),
            service: s.clone(),
        }));
        out.extend(
            self.main_agreement
                .iter()
                .map(|v| Fact::MainAgreementVersion {
                    cooperation: coop.clone(),
                    version: v.clone(),
                }),
        );
        out.extend(self.sub_agreements.iter().map(|s| Fact::SubAgreement {
            cooperation: coop.clone(),
            sub_agreement: s.clone(),
        }));
        out.extend(self.delegations.iter().map(|d| Fact::Delegation {
            cooperation: coop.clone(),
            delegation: d.clone(),
        }));
        out.extend(self.take_backs.iter().map(|t| Fact::TakeBack {
            cooperation: coop.clone(),
            take_back: t.clone(),
        }));
        out.extend(self.decisions.iter().map(|d| Fact::Decision {
            cooperation: coop.clone(),
            decision: d.clone(),
        }));
        out.extend(self.staff_transfers.iter().map(|s| Fact::StaffTransfer {
            cooperation: coop.clone(),
            staff_transfer: s.clone(),
        }));
        out.extend(self.contacts.iter().map(|c| Fact::Contact {
            cooperation: coop.clone(),
            contact: c.clone(),
        }));
        out.extend(self.events.iter().map(|e| Fact::Event {
            cooperation: coop.clone(),
            event: e.clone(),
        }));
        out.extend(self.documents.iter().map(|d| Fact::Document {
            cooperation: coop.clone(),
            document: d.clone(),
        }));
        out.extend(self.clauses.iter().map(|c| Fact::Clause {
            cooperation: coop.clone(),
            clause: c.clone(),
        }));
        out.extend(self.roles.iter().map(|r| Fact::Role {
            cooperation: coop.clone(),
            role: r.clone(),
        }));
        out.extend(self.figures.iter().map(|f| Fact::Figure {
            cooperation: coop.clone(),
            figure: f.clone(),
        }));
        out.extend(self.obligations.iter().map(|o| Fact::Obligation {
            cooperation: coop.clone(),
            obligation: o.clone(),
        }));
        out.extend(self.candidate_areas.iter().map(|c| Fact::CandidateArea {
            cooperation: coop.clone(),
            candidate_area: c.clone(),
        }));
        out.extend(self.evaluations.iter().map(|e| Fact::Evaluation {
            cooperation: coop.clone(),
            evaluation: e.clone(),
        }));
        out.extend(self.mapping.iter().map(|m| Fact::Mapping {
            cooperation: coop.clone(),
            mapping: m.clone(),
        }));
        out.extend(self.voting.iter().map(|v| Fact::Voting {
            cooperation: coop.clone(),
            voting: v.clone(),
        }));
        out.extend(self.scenarios.iter().map(|s| Fact::Scenario {
            cooperation: coop.clone(),
            scenario: s.clone(),
        }));
        out.extend(self.projects.iter().map(|x| Fact::Project {
            cooperation: coop.clone(),
            project: x.clone(),
        }));
        out.extend(
            self.payment_agreements
                .iter()
                .map(|p| Fact::PaymentAgreement {
                    cooperation: coop.clone(),
                    payment_agreement: p.clone(),
                }),
        );
        out
    }

    /// Reassembles a document from the facts of one cooperation, in a canonical order (the order
    /// export writes). Returns `None` when the header fact is missing.
    pub fn from_facts<'f>(facts: impl IntoIterator<Item = &'f Fact>) -> Option<CooperationDoc> {
        let facts: Vec<&Fact> = facts.into_iter().collect();
        let header = facts.iter().find_map(|f| match f {
            Fact::Cooperation(c) => Some(c.clone()),
            _ => None,
        })?;
        let mut doc = CooperationDoc::new(header);
        for fact in facts {
            match fact {
                Fact::Cooperation(_) => {}
                Fact::Service { service, .. } => doc.services.push(service.clone()),
                Fact::MainAgreementVersion { version, .. } => {
                    doc.main_agreement.push(version.clone())
                }
                Fact::SubAgreement { sub_agreement, .. } => {
                    doc.sub_agreements.push(sub_agreement.clone())
                }
                Fact::Delegation { delegation, .. } => doc.delegations.push(delegation.clone()),
                Fact::TakeBack { take_back, .. } => doc.take_backs.push(take_back.clone()),
                Fact::Decision { decision, .. } => doc.decisions.push(decision.clone()),
                Fact::StaffTransfer { staff_transfer, .. } => {
                    doc.staff_transfers.push(staff_transfer.clone())
                }
                Fact::Contact { contact, .. } => doc.contacts.push(contact.clone()),
                Fact::Event { event, .. } => doc.events.push(event.clone()),
                Fact::Document { document, .. } => doc.documents.push(document.clone()),
                Fact::Clause { clause, .. } => doc.clauses.push(clause.clone()),
                Fact::Role { role, .. } => doc.roles.push(role.clone()),
                Fact::Figure { figure, .. } => doc.figures.push(figure.clone()),
                Fact::Obligation { obligation, .. } => doc.obligations.push(obligation.clone()),
                Fact::CandidateArea { candidate_area, .. } => {
                    doc.candidate_areas.push(candidate_area.clone())
                }
                Fact::Mapping { mapping, .. } => doc.mapping = Some(mapping.clone()),
                Fact::Evaluation { evaluation, .. } => doc.evaluations.push(evaluation.clone()),
                Fact::Voting { voting, .. } => doc.voting = Some(voting.clone()),
                Fact::Scenario { scenario, .. } => doc.scenarios.push(scenario.clone()),
                Fact::Project { project, .. } => doc.projects.push(project.clone()),
                Fact::PaymentAgreement {
                    payment_agreement, ..
                } => doc.payment_agreements.push(payment_agreement.clone()),
                Fact::SettlementRun { .. }
                | Fact::Invoice { .. }
                | Fact::Dispute { .. }
                | Fact::ObligationStatus { .. }
                | Fact::ReportTemplate { .. }
                | Fact::FactSheet { .. } => {}
            }
        }
        doc.canonicalise();
        Some(doc)
    }

    /// Sorts every list into the canonical order (by key), so that two documents with the same facts
    /// compare equal whatever order the file had.
    pub fn canonicalise(&mut self) {
        self.services.sort_by(|a, b| a.id.cmp(&b.id));
        self.main_agreement.sort_by_key(|v| v.number);
        self.sub_agreements.sort_by_key(|s| s.number);
        self.delegations
            .sort_by_key(|d| (d.service.clone(), d.valid.from(), d.performer.clone()));
        self.take_backs.sort_by_key(|t| (t.effective, t.by));
        self.decisions.sort_by(|a, b| a.id.cmp(&b.id));
        self.staff_transfers.sort_by_key(StaffTransfer::key_suffix);
        self.contacts.sort_by(|a, b| a.id.cmp(&b.id));
        self.events.sort_by(|a, b| a.id.cmp(&b.id));
        self.documents.sort_by(|a, b| a.id.cmp(&b.id));
        self.clauses.sort_by(|a, b| {
            (a.main_agreement, clause_order(&a.number))
                .cmp(&(b.main_agreement, clause_order(&b.number)))
        });
        self.roles.sort_by(|a, b| a.id.cmp(&b.id));
        self.figures.sort_by(|a, b| a.id.cmp(&b.id));
        self.candidate_areas.sort_by(|a, b| a.id.cmp(&b.id));
        self.obligations.sort_by(|a, b| a.id.cmp(&b.id));
        self.evaluations
            .sort_by_key(|e| (e.on, e.party.clone(), e.sub_agreement));
        self.payment_agreements
            .sort_by_key(|p| (p.sub_agreement, p.valid.from()));
        self.scenarios.sort_by(|a, b| a.id.cmp(&b.id));
        self.projects.sort_by(|a, b| a.id.cmp(&b.id));
    }

    /// The organisation with this id, if the document defines it.
    pub fn organisation(&self, id: &OrganisationId) -> Option<&Organisation> {
        self.cooperation.organisations.iter().find(|o| &o.id == id)
    }

    /// A party's name: the municipality's from the register, the organisation's from the
    /// document (its id when the document does not define it).
    pub fn party_name(&self, party: &PartyId) -> String {
        match party {
            PartyId::Municipality(m) => crate::MunicipalityRegister::embedded()
                .name(*m)
                .unwrap_or_default()
                .to_string(),
            PartyId::Organisation(o) => self
                .organisation(o)
                .map_or_else(|| o.to_string(), |org| org.name.clone()),
        }
    }
}

/// A clause number as numbers, so that 3.10 sorts after 3.9 (parts that are not numbers sort
/// after those that are, by text).
pub fn clause_order(number: &str) -> Vec<(u64, String)> {
    number
        .split('.')
        .map(|part| match part.parse::<u64>() {
            Ok(n) => (n, String::new()),
            Err(_) => (u64::MAX, part.to_string()),
        })
        .collect()
}
