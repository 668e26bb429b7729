//! Checks that need the whole document (or several): references, numbering, overlaps, consistency.

use std::collections::{BTreeMap, BTreeSet};

use crate::diagnostic::{Arg, Diagnostic, Said, SourceMap};
use crate::ids::{CooperationId, MunicipalityId, PartyId, ServiceId};
use crate::model::*;
use crate::municipalities::MunicipalityRegister;
use crate::said;

use super::read::{Origins, Spans};

pub(crate) struct Checker<'a> {
    pub(crate) doc: &'a CooperationDoc,
    pub(crate) origins: &'a Origins,
    pub(crate) spans: &'a Spans,
    pub(crate) map: &'a SourceMap,
    pub(crate) errors: Vec<Diagnostic>,
}

impl Checker<'_> {
    /// A problem at `path`: `said` for pages in the reader's language, `message` in English.
    fn error(&mut self, path: &str, said: Said, message: String) {
        let span = self.spans.of(path);
        let diagnostic = self.map.said(&span, path, said, message);
        self.errors.push(diagnostic);
    }

    fn is_party(&self, id: &PartyId) -> bool {
        self.doc.cooperation.parties.iter().any(|p| &p.id == id)
    }

    fn party_list(&self) -> String {
        self.doc
            .cooperation
            .parties
            .iter()
            .map(|p| p.id.to_string())
            .collect::<Vec<_>>()
            .join(", ")
    }

    /// An organisation that is referred to must be defined in `[[organisation]]`.
    fn check_known_body(&mut self, path: &str, id: &PartyId) {
        if let PartyId::Organisation(o) = id
            && self.doc.organisation(o).is_none()
        {
            self.error(path, said!("diag-organisation-undefined", id = o.as_str()), format!("organisation \"{o}\" is not defined; add an [[organisation]] with id = \"{o}\", name and country"));
        }
    }

    fn check_party(&mut self, path: &str, id: &PartyId, (term, what): role::Role) {
        self.check_known_body(path, id);
        if !self.is_party(id) {
            let list = self.party_list();
            self.error(path, said!("diag-not-a-party", party = id, role = Arg::Term(term.to_string())), format!("{id} is the {what} but not a party to the cooperation; add a [[party]] with id = \"{id}\" (parties now: {list})"));
        }
    }

    fn check_service(&mut self, path: &str, id: &ServiceId) {
        if self.doc.services.iter().any(|s| &s.id == id) {
            return;
        }
        let closest = self
            .doc
            .services
            .iter()
            .map(|s| s.id.as_str())
            .min_by_key(|s| strsim::levenshtein(s, id.as_str()));
        let hint = match closest {
            Some(c) if strsim::levenshtein(c, id.as_str()) <= 4 => {
                format!("did you mean \"{c}\"? ")
            }
            _ => String::new(),
        };
        self.error(
            path,
            said!("diag-unknown-service", service = id.as_str()),
            format!(
                "unknown service \"{id}\"; {hint}define it with a [[service]] table in this file"
            ),
        );
    }

    pub(crate) fn run(mut self) -> Vec<Diagnostic> {
        self.check_header();
        self.check_parties();
        self.check_services();
        self.check_main_agreement();
        self.check_sub_agreements();
        self.check_delegations();
        self.check_take_backs();
        self.check_others();
        self.check_scenarios();
        self.check_projects();
        self.errors
    }

    fn check_header(&mut self) {
        let c = &self.doc.cooperation;
        if let Some(form_country) = c.legal_form.country() {
            if form_country != c.country {
                self.error("cooperation.legal_form", said!("diag-legal-form-country", form = Arg::Term(format!("form-{}", c.legal_form.as_str())), country = Arg::Term(format!("country-{}", c.country.to_string().to_lowercase()))), format!("\"{}\" is a legal form of {form_country}, but the cooperation's country is {}; pick one of the {} forms: {}", c.legal_form, c.country, c.country, LegalForm::ALL.iter().filter(|f| f.country() == Some(c.country)).map(|f| f.as_str()).collect::<Vec<_>>().join(", ")));
            }
        } else if c.status != CooperationStatus::Exploring {
            self.error("cooperation.legal_form", said!("diag-undecided-not-exploring", status = Arg::Term(format!("status-{}", c.status.as_str()))), format!("\"undecided\" is only allowed while status = \"exploring\" (status is \"{}\"); name the legal form", c.status));
        }
        if c.parties.is_empty() {
            self.error(
                "cooperation",
                said!("diag-no-parties"),
                "the cooperation has no parties; add a [[party]] table for each".to_string(),
            );
        }
        let mut seen = BTreeSet::new();
        for org in &c.organisations {
            if !seen.insert(org.id.clone()) {
                self.error(
                    "organisation",
                    said!("diag-organisation-twice", id = org.id.as_str()),
                    format!("organisation \"{}\" is defined twice; keep one", org.id),
                );
            }
        }
    }

    fn check_parties(&mut self) {
        let doc = self.doc;
        let mut seen = BTreeSet::new();
        for (i, party) in doc.cooperation.parties.iter().enumerate() {
            let path = format!("party[{}].id", self.origins.party[i]);
            if !seen.insert(party.id.clone()) {
                self.error(
                    &path,
                    said!("diag-party-twice", party = &party.id),
                    format!(
                        "{} is listed as a party twice; keep one [[party]] for it",
                        party.id
                    ),
                );
            }
            self.check_known_body(&path, &party.id);
            let performs = doc.delegations.iter().any(|d| d.performer == party.id);
            let delegates = doc.delegations.iter().any(|d| {
                party
                    .id
                    .municipality()
                    .is_some_and(|m| d.for_municipalities.contains(&m))
            });
            if party.roles.is_empty() && !performs && !delegates {
                self.error(&path, said!("diag-party-no-role", party = &party.id), format!("party {} has no role: it performs no service, delegates none and has no `roles`; add e.g. roles = [\"member\"] or a [[delegation]] that names it", party.id));
            }
            if let (Some(joined), Some(left)) = (party.joined, party.left)
                && !(joined < left)
            {
                self.error(
                    &format!("party[{}].left", self.origins.party[i]),
                    said!("diag-left-not-after-joined", left = left, joined = joined),
                    format!("left ({left}) is not after joined ({joined})"),
                );
            }
        }
    }

    fn check_services(&mut self) {
        let mut seen = BTreeSet::new();
        for (i, service) in self.doc.services.iter().enumerate() {
            if !seen.insert(service.id.clone()) {
                let path = format!("service[{}].id", self.origins.service[i]);
                self.error(
                    &path,
                    said!("diag-service-twice", service = &service.id),
                    format!(
                        "service \"{}\" is defined twice; keep one [[service]] table for it",
                        service.id
                    ),
                );
            }
        }
    }

    fn check_main_agreement(&mut self) {
        let doc = self.doc;
        let mut seen = BTreeSet::new();
        for (i, version) in doc.main_agreement.iter().enumerate() {
            let base = format!("main_agreement[{}]", self.origins.main_agreement[i]);
            if !seen.insert(version.number) {
                self.error(
                    &format!("{base}.version"),
                    said!("diag-main-version-twice", number = version.number),
                    format!(
                        "main agreement version {} appears twice; number each version once",
                        version.number
                    ),
                );
            }
            if version.counts_from().is_none() {
                self.error(&base, said!("diag-version-undated"), "the version has neither `effective` nor any `adopted` date; give at least one so it can be placed in time".to_string());
            }
            for (j, adoption) in version.adopted.iter().enumerate() {
                self.check_party(
                    &format!("{base}.adopted[{j}].party"),
                    &adoption.party,
                    role::ADOPTING,
                );
            }
        }
    }

    fn check_sub_agreements(&mut self) {
        let doc = self.doc;
        let mut seen = BTreeSet::new();
        for (i, sub) in doc.sub_agreements.iter().enumerate() {
            let base = format!("sub_agreement[{}]", self.origins.sub_agreement[i]);
            if !seen.insert(sub.number) {
                self.error(
                    &format!("{base}.number"),
                    said!("diag-sub-twice", number = sub.number),
                    format!(
                        "sub-agreement {} appears twice; each number is used once (gaps are fine)",
                        sub.number
                    ),
                );
            }
            if sub.placeholder && !sub.services.is_empty() {
                self.error(&format!("{base}.services"), said!("diag-sub-placeholder-services", number = sub.number), format!("sub-agreement {} is a placeholder (only its number is known) but lists services; remove `placeholder = true` or the services", sub.number));
            } else if sub.services.is_empty() && !sub.placeholder {
                self.error(&format!("{base}.services"), said!("diag-sub-no-service", number = sub.number), format!("sub-agreement {} covers no service; list them, e.g. services = [\"genoptraening-sel86\"], or write `placeholder = true` if only its number is known", sub.number));
            }
            for (j, service) in sub.services.iter().enumerate() {
                self.check_service(&format!("{base}.services[{j}]"), service);
            }
            for (j, revision) in sub.revisions.iter().enumerate() {
                if !sub.valid.contains(revision.effective)
                    && sub.valid.to() != Some(revision.effective)
                {
                    self.error(&format!("{base}.revision[{j}].effective"), said!("diag-revision-outside", effective = revision.effective, number = sub.number, valid = sub.valid), format!("the revision takes effect {} but sub-agreement {} applies {}; move the date inside", revision.effective, sub.number, sub.valid));
                }
            }
        }
    }

    fn check_delegations(&mut self) {
        let doc = self.doc;
        for (i, d) in doc.delegations.iter().enumerate() {
            let base = format!("delegation[{}]", self.origins.delegation[i]);
            self.check_service(&format!("{base}.service"), &d.service);
            self.check_party(&format!("{base}.performer"), &d.performer, role::PERFORMER);
            if d.for_municipalities.is_empty() {
                self.error(&format!("{base}.for"), said!("diag-delegation-for-empty"), "names no municipality; list whose residents it serves, e.g. for = [\"DK-0155\"]".to_string());
            }
            for (j, m) in d.for_municipalities.iter().enumerate() {
                self.check_party(
                    &format!("{base}.for[{j}]"),
                    &PartyId::Municipality(*m),
                    role::DELEGATING,
                );
            }
            for (key, body) in [
                ("complaints_to", &d.complaints_to),
                ("documents_access_to", &d.documents_access_to),
                ("data_access_to", &d.data_access_to),
            ] {
                if let Some(body) = body {
                    self.check_known_body(&format!("{base}.{key}"), body);
                }
            }
            if let Some(number) = d.sub_agreement {
                match doc.sub_agreements.iter().find(|s| s.number == number) {
                    None => self.error(&format!("{base}.sub_agreement"), said!("diag-sub-missing", number = number), format!("sub-agreement {number} does not exist in this file; add a [[sub_agreement]] with number = {number} or fix the number")),
                    Some(sub) if sub.placeholder => self.error(&format!("{base}.sub_agreement"), said!("diag-sub-placeholder-used", number = number), format!("sub-agreement {number} is a placeholder (only its number is known), so no delegation can rest on it; record its content first or point to another sub-agreement")),
                    Some(sub) => {
                        if !sub.services.contains(&d.service) {
                            self.error(&format!("{base}.service"), said!("diag-service-not-in-sub", service = &d.service, number = number, services = Arg::Services(sub.services.clone())), format!("\"{}\" is not among the services of sub-agreement {number} ({}); add it there or point to the right sub-agreement", d.service, sub.services.iter().map(ServiceId::as_str).collect::<Vec<_>>().join(", ")));
                        }
                        if sub.valid.intersection(&d.valid) != Some(d.valid) {
                            self.error(&format!("{base}.from"), said!("diag-delegation-outside-sub", valid = d.valid, number = number, sub_valid = sub.valid), format!("the delegation applies {} but sub-agreement {number} only {}; keep the delegation inside its sub-agreement", d.valid, sub.valid));
                        }
                    }
                }
            }
        }
    }

    fn check_take_backs(&mut self) {
        let doc = self.doc;
        for (i, t) in doc.take_backs.iter().enumerate() {
            let base = format!("take_back[{}]", self.origins.take_back[i]);
            self.check_party(
                &format!("{base}.by"),
                &PartyId::Municipality(t.by),
                role::TAKING_BACK,
            );
            self.check_party(&format!("{base}.from"), &t.from, role::HANDING_BACK);
            if t.services.is_empty() {
                self.error(
                    &format!("{base}.services"),
                    said!("diag-take-back-no-service"),
                    "lists no service; name the services taken back".to_string(),
                );
            }
            for (j, service) in t.services.iter().enumerate() {
                let path = format!("{base}.services[{j}]");
                self.check_service(&path, service);
                let ends_here = doc.delegations.iter().any(|d| {
                    &d.service == service
                        && d.performer == t.from
                        && d.for_municipalities.contains(&t.by)
                        && d.valid.to() == Some(t.effective)
                });
                if !ends_here {
                    self.error(&path, said!("diag-take-back-no-ending", service = service, from = &t.from, by = &PartyId::Municipality(t.by), date = t.effective), format!("no delegation of \"{service}\" from {} for {} ends on {}; set `to = {}` on that [[delegation]] (the take-back's effective date is the first day {} performs it itself)", t.from, t.by, t.effective, t.effective, t.by));
                }
            }
            for (j, number) in t.sub_agreements_ended.iter().enumerate() {
                let path = format!("{base}.sub_agreements_ended[{j}]");
                match doc.sub_agreements.iter().find(|s| s.number == *number) {
                    None => self.error(&path, said!("diag-sub-missing", number = *number), format!("sub-agreement {number} does not exist in this file")),
                    Some(sub) if sub.valid.to() != Some(t.effective) => self.error(&path, match sub.valid.to() { Some(end) => said!("diag-sub-end-mismatch", number = *number, end = end.pred(), date = t.effective), None => said!("diag-sub-open-end", number = *number, date = t.effective) }, format!("sub-agreement {number} ends {} but the take-back says it ends {}; set `to = {}` on it", sub.valid.to().map_or("never".to_string(), |d| d.to_string()), t.effective, t.effective)),
                    Some(_) => {}
                }
            }
            for (j, number) in t.sub_agreements_revised.iter().enumerate() {
                let path = format!("{base}.sub_agreements_revised[{j}]");
                match doc.sub_agreements.iter().find(|s| s.number == *number) {
                    None => self.error(&path, said!("diag-sub-missing", number = *number), format!("sub-agreement {number} does not exist in this file")),
                    Some(sub) if !sub.revisions.iter().any(|r| r.effective == t.effective) => self.error(&path, said!("diag-sub-no-revision", number = *number, date = t.effective), format!("sub-agreement {number} has no [[sub_agreement.revision]] effective {}; add one that says what changed", t.effective)),
                    Some(_) => {}
                }
            }
        }
    }

    /// A participant of `area`: one of its `participants`, or any party when it names none.
    fn takes_part(&self, area: &CandidateArea, party: &PartyId) -> bool {
        if area.participants.is_empty() {
            self.is_party(party)
        } else {
            area.participants.contains(party)
        }
    }

    /// An area's deliveries, assessments and transitions against the mapping.
    fn check_area_mapping(&mut self, base: &str, area: &CandidateArea, criteria: &[Criterion]) {
        let ids: Vec<&str> = criteria.iter().map(|c| c.id.as_str()).collect();
        for (j, d) in area.deliveries.iter().enumerate() {
            let path = format!("{base}.delivery[{j}]");
            if !self.takes_part(area, &d.party) {
                self.error(&format!("{path}.party"), said!("diag-not-participant", party = &d.party), format!("{} does not take part in this area; add it to participants or remove the delivery", d.party));
            }
            match d.how {
                DeliveryKind::Agreement if d.cooperation.is_none() && d.outside.is_none() => {
                    self.error(&format!("{path}.how"), said!("diag-delivery-agreement-unnamed"), "an agreement delivery names no agreement; give `cooperation` (one in the registry) or `outside` (in words)".to_string());
                }
                DeliveryKind::Own if d.cooperation.is_some() || d.outside.is_some() => {
                    self.error(&format!("{path}.how"), said!("diag-delivery-own-agreement"), "how = \"own\" but an agreement is named; use how = \"agreement\" or remove `cooperation`/`outside`".to_string());
                }
                _ => {}
            }
            if d.yearly_cost_minor.is_some() && d.currency.is_none() {
                self.error(
                    &format!("{path}.yearly_cost"),
                    said!("diag-cost-no-currency"),
                    "a yearly cost needs its currency; add currency = \"DKK\", \"SEK\" or \"NOK\""
                        .to_string(),
                );
            }
            if d.volume.is_some() != d.unit.is_some() {
                self.error(
                    &format!("{path}.volume"),
                    said!("diag-volume-unit"),
                    "give a volume together with its unit, e.g. volume = 120 and unit = \"cases\""
                        .to_string(),
                );
            }
        }
        let mut assessed = BTreeSet::new();
        for (j, a) in area.assessments.iter().enumerate() {
            let path = format!("{base}.assessment[{j}]");
            if !self.takes_part(area, &a.party) {
                self.error(&format!("{path}.party"), said!("diag-not-participant", party = &a.party), format!("{} does not take part in this area; add it to participants or remove the assessment", a.party));
            }
            if !assessed.insert(a.party.clone()) {
                self.error(
                    &format!("{path}.party"),
                    said!("diag-assessed-twice", party = &a.party),
                    format!(
                        "{} has assessed this area twice; keep one assessment per participant",
                        a.party
                    ),
                );
            }
            if a.scores.is_empty() {
                self.error(
                    &format!("{path}.scores"),
                    said!("diag-no-scores"),
                    "the assessment has no score; give at least one, e.g. scores = { need = 3 }"
                        .to_string(),
                );
            }
            for criterion in a.scores.keys() {
                let field = format!("{path}.scores.{criterion}");
                if !ids.contains(&criterion.as_str()) {
                    self.error(&field, said!("diag-unknown-criterion", criterion = criterion.as_str()), format!("\"{criterion}\" is not a criterion of the mapping; the criteria are: {}", ids.join(", ")));
                } else if a
                    .justification_of(criterion)
                    .is_none_or(|j| j.trim().is_empty())
                {
                    self.error(&field, said!("diag-score-unjustified", criterion = Arg::Term(format!("criterion-{criterion}"))), format!("the score for \"{criterion}\" has no justification; add it to `justifications` or give one `justification`"));
                }
            }
            for criterion in a.justifications.keys() {
                if !a.scores.contains_key(criterion) {
                    self.error(&format!("{path}.justifications.{criterion}"), said!("diag-justification-unscored", criterion = criterion.as_str()), format!("a justification for \"{criterion}\", which has no score; add the score or remove the justification"));
                }
            }
        }
        let mut at = CandidateStatus::Identified;
        let mut last_day = None;
        for (j, t) in area.transitions.iter().enumerate() {
            let path = format!("{base}.transition[{j}]");
            if !at.may_move_to(t.to) {
                self.error(&format!("{path}.to"), said!("diag-transition-not-allowed", from = Arg::Term(format!("area-status-{}", at.as_str())), to = Arg::Term(format!("area-status-{}", t.to.as_str()))), format!("an area cannot move from {at} to {}; the order is identified → assessed → prioritised → decided → established, or dropped before established", t.to));
            }
            if let Some(before) = last_day
                && t.on < before
            {
                self.error(&format!("{path}.on"), said!("diag-transition-before", on = t.on, before = before), format!("the move on {} is before the one above it ({before}); list the moves oldest first", t.on));
            }
            if t.reason.trim().is_empty() {
                self.error(
                    &format!("{path}.reason"),
                    said!("diag-transition-no-reason"),
                    "say why the area moved (the reason is kept)".to_string(),
                );
            }
            at = t.to;
            last_day = Some(t.on);
        }
        if !area.transitions.is_empty() && area.status != at {
            self.error(&format!("{base}.status"), said!("diag-status-not-last-move", status = Arg::Term(format!("area-status-{}", area.status.as_str())), last = Arg::Term(format!("area-status-{}", at.as_str()))), format!("status is \"{}\" but the last move is to \"{at}\"; set status = \"{at}\" or add the move", area.status));
        }
    }

    /// The mapping's criteria: unique ids, names for those that are not default ones, some weight,
    /// and a prioritised count no smaller than the areas in the file that are or were prioritised.
    fn check_mapping(&mut self) {
        let Some(mapping) = &self.doc.mapping else {
            return;
        };
        let mut seen = BTreeSet::new();
        for (i, c) in mapping.criteria.iter().enumerate() {
            let path = format!("mapping.criterion[{i}]");
            if !seen.insert(c.id.clone()) {
                self.error(
                    &format!("{path}.id"),
                    said!("diag-criterion-twice", id = c.id.as_str()),
                    format!("criterion \"{}\" is defined twice; keep one", c.id),
                );
            }
            let default = crate::mapping::DEFAULT_CRITERIA
                .iter()
                .any(|(id, _)| *id == c.id);
            if !default && c.names.is_none() {
                self.error(&format!("{path}.id"), said!("diag-criterion-unnamed", id = c.id.as_str()), format!("\"{}\" is not one of the default criteria ({}); give it a name, e.g. name = {{ da = \"…\", en = \"…\" }}", c.id, crate::mapping::DEFAULT_CRITERIA.iter().map(|(id, _)| *id).collect::<Vec<_>>().join(", ")));
            }
        }
        if !mapping.criteria.is_empty() && mapping.criteria.iter().all(|c| c.weight == 0) {
            self.error("mapping.criterion", said!("diag-weights-all-zero"), "every weight is 0, so no area could be ranked; give at least one criterion a weight above 0".to_string());
        }
        if let Some(count) = mapping.prioritised_count {
            let named = self
                .doc
                .candidate_areas
                .iter()
                .filter(|a| a.was_prioritised())
                .count();
            if (count as usize) < named {
                self.error("mapping.prioritised_count", said!("diag-prioritised-count", count = count, named = named as u32), format!("prioritised_count is {count}, but {named} areas in the file are or were prioritised; raise the count"));
            }
        }
    }

    /// `[voting]` and `[[scenario]]`: the residents of every voter when counted by population,
    /// scenario ids once, adoptions naming a recorded decision. Whether a scenario's changes apply
    /// depends on the registry it starts from: `ParsedFile::scenario_problems`.
    fn check_scenarios(&mut self) {
        let doc = self.doc;
        if let Some(v) = &doc.voting {
            for s in &v.population {
                self.check_party("voting.population", &s.party, role::VOTER);
            }
            if v.by == VoteBasis::Population {
                for p in &doc.cooperation.parties {
                    if !v.population.iter().any(|s| s.party == p.id) {
                        self.error("voting.population", said!("diag-voting-population-missing", party = &p.id), format!("the vote is counted by population, but [voting] gives no residents for {}; add \"{}\" = … to population", p.id, p.id));
                    }
                }
            }
        }
        let mut seen = BTreeSet::new();
        for (i, sc) in doc.scenarios.iter().enumerate() {
            let base = format!("scenario[{}]", self.origins.scenario[i]);
            if !seen.insert(sc.id.clone()) {
                self.error(
                    &format!("{base}.id"),
                    said!("diag-scenario-twice", id = sc.id.as_str()),
                    format!("scenario id \"{}\" is used twice; ids must differ", sc.id),
                );
            }
            for (j, f) in sc.staff.iter().enumerate() {
                self.check_known_body(&format!("{base}.staff[{j}].from"), &f.from);
                self.check_known_body(&format!("{base}.staff[{j}].to"), &f.to);
            }
            if let Some(a) = &sc.adopted
                && !doc.decisions.iter().any(|d| d.id == a.decision)
            {
                {
                    self.error(&format!("{base}.adopted.decision"), said!("diag-scenario-decision-missing", id = a.decision.as_str()), format!("the decision \"{}\" is not among this cooperation's decisions; add a [[decision]] with that id", a.decision));
                }
            }
        }
    }

    /// An allocation key's shares against its payers (a payment agreement's payers, a project's
    /// participants): every payer a share, only payers, not all zero.
    fn check_key_shares(&mut self, base: &str, key: Option<&AllocationKey>, payers: &[PartyId]) {
        let shares = match key {
            Some(AllocationKey::Fixed { shares } | AllocationKey::Hybrid { shares, .. }) => {
                Some(("shares", shares))
            }
            Some(AllocationKey::Population { population, .. }) => Some(("population", population)),
            Some(AllocationKey::Usage { .. }) | None => None,
        };
        // Numbers still to be read from a CSV file are checked when they are filled in.
        let shares = shares.filter(|(_, list)| {
            !list.is_empty() || !matches!(key, Some(AllocationKey::Population { .. }))
        });
        let Some((field, shares)) = shares else {
            return;
        };
        let path = format!("{base}.key.{field}");
        for share in shares {
            if !payers.contains(&share.party) {
                self.error(&path, said!("diag-share-not-payer", party = &share.party), format!("{} has a share in the key but is not among the payers ({}); add it to payers or remove the share", share.party, payers.iter().map(ToString::to_string).collect::<Vec<_>>().join(", ")));
            }
        }
        for payer in payers {
            if !shares.iter().any(|s| &s.party == payer) {
                self.error(&path, said!("diag-payer-no-share", party = payer), format!("payer {payer} has no share in the key; give it one (0 if it pays nothing of this part)"));
            }
        }
        if shares.iter().all(|s| s.parts == 0) {
            self.error(&path, said!("diag-shares-all-zero"), "every share is 0, so no cost could be split; give at least one payer a share above 0".to_string());
        }
    }

    /// Joint projects: ids once, participants and lead parties, the area a candidate area, a key
    /// that can split a cost (not by usage: a project has no usage rows), each year once and within
    /// the project's period.
    fn check_projects(&mut self) {
        let doc = self.doc;
        let mut seen = BTreeSet::new();
        for (i, x) in doc.projects.iter().enumerate() {
            let base = format!("project[{}]", self.origins.project[i]);
            if !seen.insert(x.id.clone()) {
                self.error(
                    &format!("{base}.id"),
                    said!("diag-project-twice", id = x.id.as_str()),
                    format!("project id \"{}\" is used twice; ids must differ", x.id),
                );
            }
            for (j, p) in x.participants.iter().enumerate() {
                self.check_party(&format!("{base}.participants[{j}]"), p, role::PARTICIPANT);
            }
            if let Some(lead) = &x.lead
                && !x.participants.contains(lead)
            {
                self.error(&format!("{base}.lead"), said!("diag-project-lead", party = lead), format!("{lead} runs the project but is not among its participants; add it to participants or choose a participant"));
            }
            if let Some(area) = &x.area
                && !doc.candidate_areas.iter().any(|a| &a.id == area)
            {
                self.error(&format!("{base}.area"), said!("diag-scenario-no-area", area = area.as_str()), format!("\"{area}\" is not a candidate area of this cooperation; choose one of its areas"));
            }
            if matches!(
                x.key,
                Some(AllocationKey::Usage { .. } | AllocationKey::Hybrid { .. })
            ) {
                self.error(&format!("{base}.key.kind"), said!("diag-project-key-usage"), "a project's cost is split by equal shares (no key), population or fixed shares; it has no usage to split by".to_string());
            }
            self.check_key_shares(&base, x.key.as_ref(), &x.participants);
            let mut years = BTreeSet::new();
            for (j, y) in x.years.iter().enumerate() {
                let path = format!("{base}.year[{j}].year");
                if !years.insert(y.year) {
                    self.error(
                        &path,
                        said!("diag-year-twice", year = y.year),
                        format!("year {} appears twice; give each year once", y.year),
                    );
                }
                if let Some(valid) = &x.valid
                    && !valid.overlaps(&year_interval(y.year))
                {
                    self.error(
                        &path,
                        said!("diag-project-outside-year", valid = *valid, year = y.year),
                        format!("the project runs {valid} and so not in {}", y.year),
                    );
                }
            }
        }
    }

    fn check_documents(&mut self) {
        let doc = self.doc;
        let mut seen = BTreeSet::new();
        for (i, d) in doc.documents.iter().enumerate() {
            let base = format!("document[{}]", self.origins.document[i]);
            if !seen.insert(d.id.clone()) {
                self.error(
                    &format!("{base}.id"),
                    said!("diag-document-twice", id = d.id.as_str()),
                    format!("document id \"{}\" is used twice; ids must differ", d.id),
                );
            }
            if let Some(v) = d.main_agreement {
                self.check_main_version(&format!("{base}.main_agreement"), v);
            }
            for (j, n) in d.sub_agreements.iter().enumerate() {
                self.check_sub_number(&format!("{base}.sub_agreements[{j}]"), *n);
            }
            for (j, number) in d.clauses.iter().enumerate() {
                if !doc.clauses.iter().any(|c| &c.number == number) {
                    self.error(
                        &format!("{base}.clauses[{j}]"),
                        said!("diag-clause-missing", number = number.as_str()),
                        format!("clause {number} is not recorded; add a [[clause]] with number = \"{number}\" or fix the number"),
                    );
                }
            }
            if d.sha256.is_some() && d.file.is_none() {
                self.error(
                    &format!("{base}.sha256"),
                    said!("diag-document-digest-without-file"),
                    "a SHA-256 is the digest of a copy; add `file = \"…\"` naming the copy, or remove `sha256`".to_string(),
                );
            }
        }
    }

    /// A reference to sub-agreement `number`, which must be in the file.
    fn check_sub_number(&mut self, path: &str, number: u32) {
        if !self.doc.sub_agreements.iter().any(|s| s.number == number) {
            self.error(
                path,
                said!("diag-sub-missing", number = number),
                format!("sub-agreement {number} does not exist in this file"),
            );
        }
    }

    fn check_main_version(&mut self, path: &str, version: u32) {
        if !self.doc.main_agreement.iter().any(|m| m.number == version) {
            self.error(
                path,
                said!("diag-main-version-missing", version = version),
                format!("main agreement version {version} is not recorded; add a [[main_agreement]] with version = {version} or fix the number"),
            );
        }
    }

    fn check_clauses(&mut self) {
        let doc = self.doc;
        let mut seen = BTreeSet::new();
        for (i, c) in doc.clauses.iter().enumerate() {
            let base = format!("clause[{}]", self.origins.clause[i]);
            if !seen.insert((c.main_agreement, c.number.clone())) {
                self.error(
                    &format!("{base}.number"),
                    said!("diag-clause-twice", number = c.number.as_str()),
                    format!("clause {} appears twice in the same agreement version; each number is used once", c.number),
                );
            }
            if let Some(v) = c.main_agreement {
                self.check_main_version(&format!("{base}.main_agreement"), v);
            }
            for (j, service) in c.services.iter().enumerate() {
                self.check_service(&format!("{base}.services[{j}]"), service);
            }
        }
    }

    fn check_roles(&mut self) {
        let doc = self.doc;
        let mut seen = BTreeSet::new();
        for (i, r) in doc.roles.iter().enumerate() {
            let base = format!("role[{}]", self.origins.role[i]);
            if !seen.insert(r.id.clone()) {
                self.error(
                    &format!("{base}.id"),
                    said!("diag-role-twice", id = r.id.as_str()),
                    format!("role id \"{}\" is used twice; ids must differ", r.id),
                );
            }
            if r.person.trim().is_empty() {
                self.error(
                    &format!("{base}.person"),
                    said!("diag-role-person-missing", id = r.id.as_str()),
                    format!(
                        "role \"{}\" has no person; write the name in `person` (a document read without signing in leaves out names that are not public: read it with your API token before sending it back)",
                        r.id
                    ),
                );
            }
            if let Some(p) = &r.party {
                self.check_party(&format!("{base}.party"), p, role::ROLE_OF);
            }
            if let (Some(from), Some(to)) = (r.from, r.to)
                && let (Some((from_first, _)), Some((_, to_last))) = (from.bounds(), to.bounds())
                && to_last < from_first
            {
                self.error(
                    &format!("{base}.to"),
                    said!(
                        "diag-role-ends-before",
                        from = from.to_string(),
                        to = to.to_string()
                    ),
                    format!(
                        "the role ends ({to}) before it begins ({from}); swap or fix the dates"
                    ),
                );
            }
        }
    }

    fn check_figures(&mut self) {
        let doc = self.doc;
        let mut seen = BTreeSet::new();
        for (i, f) in doc.figures.iter().enumerate() {
            let base = format!("figure[{}]", self.origins.figure[i]);
            if !seen.insert(f.id.clone()) {
                self.error(
                    &format!("{base}.id"),
                    said!("diag-figure-twice", id = f.id.as_str()),
                    format!("figure id \"{}\" is used twice; ids must differ", f.id),
                );
            }
            for (j, area) in f.named.iter().enumerate() {
                if !doc.candidate_areas.iter().any(|a| &a.id == area) {
                    self.error(
                        &format!("{base}.named[{j}]"),
                        said!("diag-figure-named-missing", id = area.as_str()),
                        format!("\"{area}\" is not a candidate area of this file; name the id of a [[candidate_area]]"),
                    );
                }
            }
            if f.named.len() as u64 > f.value {
                self.error(
                    &format!("{base}.named"),
                    said!(
                        "diag-figure-named-too-many",
                        named = f.named.len() as u64,
                        value = f.value
                    ),
                    format!(
                        "{} are named but the figure is {}; the named are among those counted",
                        f.named.len(),
                        f.value
                    ),
                );
            }
        }
    }

    fn check_others(&mut self) {
        let doc = self.doc;
        let mut seen = BTreeSet::new();
        for (i, d) in doc.decisions.iter().enumerate() {
            let base = format!("decision[{}]", self.origins.decision[i]);
            if !seen.insert(d.id.clone()) {
                self.error(
                    &format!("{base}.id"),
                    said!("diag-decision-twice", id = d.id.as_str()),
                    format!("decision id \"{}\" is used twice; ids must differ", d.id),
                );
            }
            if let Some(body) = &d.body {
                self.check_known_body(&format!("{base}.body"), body);
            }
        }
        for (i, s) in doc.staff_transfers.iter().enumerate() {
            let base = format!("staff_transfer[{}]", self.origins.staff_transfer[i]);
            self.check_party(&format!("{base}.from"), &s.from, role::SENDING);
            self.check_party(&format!("{base}.to"), &s.to, role::RECEIVING);
        }
        let mut seen = BTreeSet::new();
        for (i, e) in doc.events.iter().enumerate() {
            let base = format!("event[{}]", self.origins.event[i]);
            if !seen.insert(e.id.clone()) {
                self.error(
                    &format!("{base}.id"),
                    said!("diag-event-twice", id = e.id.as_str()),
                    format!("event id \"{}\" is used twice; ids must differ", e.id),
                );
            }
            for (j, p) in e.participants.iter().enumerate() {
                self.check_party(&format!("{base}.participants[{j}]"), p, role::PARTICIPANT);
            }
        }
        self.check_documents();
        self.check_clauses();
        self.check_roles();
        self.check_figures();
        let mut seen = BTreeSet::new();
        for (i, c) in doc.contacts.iter().enumerate() {
            let base = format!("contact[{}]", self.origins.contact[i]);
            if !seen.insert(c.id.clone()) {
                self.error(
                    &format!("{base}.id"),
                    said!("diag-contact-twice", id = c.id.as_str()),
                    format!("contact id \"{}\" is used twice; ids must differ", c.id),
                );
            }
            self.check_party(&format!("{base}.party"), &c.party, role::CONTACT);
            let channels = [
                ("phone", &c.phone),
                ("email", &c.email),
                ("web", &c.web),
                ("digital_mail", &c.digital_mail),
                ("address", &c.address),
                ("visiting_address", &c.visiting_address),
                ("opening_hours", &c.opening_hours),
            ];
            for (key, value) in channels {
                if value.as_ref().is_some_and(|v| v.trim().is_empty()) {
                    self.error(
                        &format!("{base}.{key}"),
                        said!("diag-contact-channel-empty", field = key),
                        format!("`{key}` is empty; leave it out or write how to reach the unit"),
                    );
                }
            }
            if channels[..6].iter().all(|(_, v)| v.is_none()) {
                self.error(
                    &format!("{base}.unit"),
                    said!("diag-contact-unreachable", unit = c.unit.as_str()),
                    format!("the contact \"{}\" gives no way to reach the unit; write at least one of `phone`, `email`, `web`, `digital_mail`, `address` or `visiting_address`", c.unit),
                );
            }
            for (j, service) in c.services.iter().enumerate() {
                self.check_service(&format!("{base}.services[{j}]"), service);
            }
        }
        let criteria = crate::mapping::criteria(doc.mapping.as_ref());
        let mut seen = BTreeSet::new();
        for (i, c) in doc.candidate_areas.iter().enumerate() {
            let base = format!("candidate_area[{}]", self.origins.candidate_area[i]);
            if !seen.insert(c.id.clone()) {
                self.error(
                    &format!("{base}.id"),
                    said!("diag-candidate-twice", id = c.id.as_str()),
                    format!(
                        "candidate area id \"{}\" is used twice; ids must differ",
                        c.id
                    ),
                );
            }
            for (j, p) in c.participants.iter().enumerate() {
                self.check_party(&format!("{base}.participants[{j}]"), p, role::PARTICIPANT);
            }
            self.check_area_mapping(&base, c, &criteria);
        }
        self.check_mapping();
        let mut seen = BTreeSet::new();
        for (i, e) in doc.evaluations.iter().enumerate() {
            let base = format!("evaluation[{}]", self.origins.evaluation[i]);
            self.check_party(&format!("{base}.party"), &e.party, role::EVALUATING);
            if let Some(n) = e.sub_agreement {
                self.check_sub_number(&format!("{base}.sub_agreement"), n);
            }
            if e.reasons.trim().is_empty() {
                self.error(
                    &format!("{base}.reasons"),
                    said!("diag-evaluation-no-reasons"),
                    "say why: the reasons are what the councils read".to_string(),
                );
            }
            if !seen.insert((e.party.clone(), e.sub_agreement, e.on)) {
                self.error(
                    &format!("{base}.on"),
                    said!("diag-evaluation-twice", party = &e.party, on = e.on),
                    format!(
                        "{} has evaluated the same agreement twice on {}; keep one",
                        e.party, e.on
                    ),
                );
            }
        }
        let mut seen = BTreeSet::new();
        for (i, ob) in doc.obligations.iter().enumerate() {
            let base = format!("obligation[{}]", self.origins.obligation[i]);
            if !seen.insert(ob.id.clone()) {
                self.error(
                    &format!("{base}.id"),
                    said!("diag-obligation-twice", id = ob.id.as_str()),
                    format!("obligation id \"{}\" is used twice; ids must differ", ob.id),
                );
            }
            if ob.owners.is_empty() {
                self.error(
                    &format!("{base}.owners"),
                    said!("diag-obligation-no-owner"),
                    "names no one; give the parties that must do it, e.g. owners = [\"DK-0185\"]"
                        .to_string(),
                );
            }
            for (j, owner) in ob.owners.iter().enumerate() {
                self.check_party(&format!("{base}.owners[{j}]"), owner, role::OWNER);
            }
            if let Some(n) = ob.sub_agreement {
                self.check_sub_number(&format!("{base}.sub_agreement"), n);
            }
        }
        for (i, p) in doc.payment_agreements.iter().enumerate() {
            let base = format!("payment_agreement[{}]", self.origins.payment_agreement[i]);
            if !doc
                .sub_agreements
                .iter()
                .any(|s| s.number == p.sub_agreement)
            {
                let numbers: Vec<String> = doc
                    .sub_agreements
                    .iter()
                    .map(|s| s.number.to_string())
                    .collect();
                self.error(&format!("{base}.sub_agreement"), said!("diag-sub-missing", number = p.sub_agreement), format!("sub-agreement {} does not exist; a payment agreement belongs to one of the sub-agreements in this file ({})", p.sub_agreement, if numbers.is_empty() { "none".to_string() } else { numbers.join(", ") }));
            }
            for (j, payer) in p.payers.iter().enumerate() {
                self.check_party(&format!("{base}.payers[{j}]"), payer, role::PAYER);
            }
            self.check_party(&format!("{base}.payee"), &p.payee, role::PAYEE);
            self.check_key_shares(&base, p.key.as_ref(), &p.payers);
            if let Some(AllocationKey::Hybrid {
                fixed_basis_points, ..
            }) = &p.key
                && *fixed_basis_points > 10_000
            {
                self.error(
                    &format!("{base}.key.fixed_percent"),
                    said!("diag-fixed-above-100"),
                    "the fixed part is above 100 %".to_string(),
                );
            }
            for (field, list) in [("floor", &p.floors), ("cap", &p.caps)] {
                for bound in list {
                    if !p.payers.contains(&bound.party) {
                        self.error(&format!("{base}.{field}"), said!(if field == "floor" { "diag-floor-not-payer" } else { "diag-cap-not-payer" }, party = &bound.party), format!("{} has a {field} but is not among the payers; add it to payers or remove the {field}", bound.party));
                    }
                }
            }
            for floor in &p.floors {
                if let Some(cap) = p.caps.iter().find(|c| c.party == floor.party)
                    && floor.minor > cap.minor
                {
                    self.error(
                        &format!("{base}.floor"),
                        said!("diag-floor-above-cap", party = &floor.party),
                        format!(
                            "{}'s floor is above its cap; a floor must not exceed the cap",
                            floor.party
                        ),
                    );
                }
            }
            let mut seen_years = BTreeSet::new();
            for (j, year) in p.years.iter().enumerate() {
                let path = format!("{base}.year[{j}].year");
                if !seen_years.insert(year.year) {
                    self.error(
                        &path,
                        said!("diag-year-twice", year = year.year),
                        format!("year {} appears twice; give each year once", year.year),
                    );
                }
                if !p.valid.overlaps(&year_interval(year.year)) {
                    self.error(
                        &path,
                        said!(
                            "diag-payment-outside-year",
                            valid = p.valid,
                            year = year.year
                        ),
                        format!(
                            "the payment agreement applies {} and so not in {}",
                            p.valid, year.year
                        ),
                    );
                }
                if p.key.is_none() {
                    self.error(
                        &format!("{base}.year[{j}]"),
                        said!("diag-year-needs-key"),
                        "a year with a cost needs an allocation key; add [payment_agreement.key]"
                            .to_string(),
                    );
                }
                for (k, saving) in year.savings.iter().enumerate() {
                    if saving.share_basis_points > 10_000 {
                        self.error(
                            &format!("{base}.year[{j}].saving[{k}].share_percent"),
                            said!("diag-saving-above-100"),
                            "the payers' share of a saving cannot be above 100 %".to_string(),
                        );
                    }
                }
            }
        }
    }
}

/// What a party is named as where it must be a party: the translation key and the English.
mod role {
    pub(super) type Role = (&'static str, &'static str);
    pub(super) const ADOPTING: Role = ("diag-role-adopting", "adopting party");
    pub(super) const PERFORMER: Role = ("diag-role-performer", "performer");
    pub(super) const DELEGATING: Role = ("diag-role-delegating", "delegating municipality");
    pub(super) const TAKING_BACK: Role = ("diag-role-taking-back", "municipality taking back");
    pub(super) const HANDING_BACK: Role = ("diag-role-handing-back", "municipality handing back");
    pub(super) const SENDING: Role = ("diag-role-sending", "sending party");
    pub(super) const RECEIVING: Role = ("diag-role-receiving", "receiving party");
    pub(super) const PARTICIPANT: Role = ("diag-role-participant", "participant");
    pub(super) const OWNER: Role = ("diag-role-owner", "owner");
    pub(super) const PAYER: Role = ("diag-role-payer", "payer");
    pub(super) const PAYEE: Role = ("diag-role-payee", "payee");
    pub(super) const EVALUATING: Role = ("diag-role-evaluating", "evaluating party");
    pub(super) const VOTER: Role = ("diag-role-voter", "voter");
    pub(super) const CONTACT: Role = ("diag-role-contact", "party whose unit residents contact");
    pub(super) const ROLE_OF: Role = ("diag-role-role-of", "party whose role it is");
}

/// `[1 January, 1 January of the next year)`.
pub fn year_interval(year: i32) -> crate::time::Interval {
    let start = crate::time::Date::from_ymd(year, 1, 1)
        .unwrap_or(crate::time::Date::from_days_since_epoch(0));
    let end = crate::time::Date::from_ymd(year + 1, 1, 1).ok();
    crate::time::Interval::new(start, end).unwrap_or(crate::time::Interval::starting(start))
}

/// Where a delegation was written: a place in a file being checked, or a cooperation already stored.
#[derive(Clone, Debug)]
pub enum DelegationSource {
    /// In a file; the diagnostic points at the delegation.
    File(Diagnostic),
    /// Already in the registry.
    Stored(String),
}

/// One delegation with its cooperation and where it came from, for the cross-cooperation check.
pub struct PlacedDelegation<'a> {
    /// The cooperation.
    pub cooperation: &'a str,
    /// The delegation.
    pub delegation: &'a Delegation,
    /// Where it was written.
    pub source: DelegationSource,
}

/// Two performers for one municipality, service and day.
#[derive(Clone, Debug)]
pub struct PerformerConflict {
    /// Where and what.
    pub diagnostic: Diagnostic,
    /// Whether the two delegations are in different cooperations.
    pub across_cooperations: bool,
}

/// Finds two performers for the same municipality, service and day, across all delegations given.
/// Municipalities are compared through their renumbering lineage (`NO-0119` and `NO-3122` are one).
/// Each conflict is reported once, at a delegation that comes from a file when there is one.
pub fn check_performers(delegations: &[PlacedDelegation<'_>]) -> Vec<PerformerConflict> {
    let register = MunicipalityRegister::embedded();
    let mut groups: BTreeMap<(&ServiceId, MunicipalityId), Vec<usize>> = BTreeMap::new();
    for (idx, placed) in delegations.iter().enumerate() {
        for m in &placed.delegation.for_municipalities {
            let lineage_root = register.lineage_root(*m);
            groups
                .entry((&placed.delegation.service, lineage_root))
                .or_default()
                .push(idx);
        }
    }
    let mut out = Vec::new();
    let mut reported = BTreeSet::new();
    for ((service, municipality), members) in groups {
        for (a_pos, &a) in members.iter().enumerate() {
            for &b in &members[a_pos + 1..] {
                let (da, db) = (&delegations[a], &delegations[b]);
                let Some(shared) = da.delegation.valid.intersection(&db.delegation.valid) else {
                    continue;
                };
                let (here, there) = match (&da.source, &db.source) {
                    (_, DelegationSource::File(_)) => (db, da),
                    _ => (da, db),
                };
                let DelegationSource::File(place) = &here.source else {
                    continue;
                };
                if !reported.insert((a.min(b), a.max(b), municipality)) {
                    continue;
                }
                let other = match &there.source {
                    DelegationSource::File(p) => format!("{}:{}:{}", p.file, p.line, p.column),
                    DelegationSource::Stored(c) => format!("cooperation \"{c}\" in the database"),
                };
                let mut diagnostic = place.clone();
                let municipality_party = PartyId::Municipality(municipality);
                diagnostic.said = Some(if here.cooperation == there.cooperation {
                    said!(
                        "diag-two-performers",
                        municipality = &municipality_party,
                        service = service,
                        period = shared,
                        here = &here.delegation.performer,
                        there = &there.delegation.performer,
                    )
                } else {
                    said!(
                        "diag-two-performers-elsewhere",
                        municipality = &municipality_party,
                        service = service,
                        period = shared,
                        here = &here.delegation.performer,
                        there = &there.delegation.performer,
                        cooperation = CooperationId::parse(there.cooperation).map_or_else(
                            |_| Arg::Text(there.cooperation.to_string()),
                            Arg::Cooperation
                        ),
                    )
                });
                diagnostic.message = format!(
                    "two performers for {municipality}, service \"{service}\", {shared}: {} here (cooperation \"{}\") and {} at {other} (cooperation \"{}\"); end one delegation before the other starts",
                    here.delegation.performer,
                    here.cooperation,
                    there.delegation.performer,
                    there.cooperation
                );
                out.push(PerformerConflict {
                    diagnostic,
                    across_cooperations: here.cooperation != there.cooperation,
                });
            }
        }
    }
    out
}
