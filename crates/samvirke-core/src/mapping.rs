//! Mapping of candidate areas: how each participant delivers an area today, its scores on the
//! mapping's weighted criteria, the ranking with each participant's view beside the mean, and how
//! robust the top three is (which weight change of how much would reorder it).
//!
//! Scores are whole numbers 0–[`SCORE_MAX`], weights whole numbers 0–[`WEIGHT_MAX`]; every mean is
//! an exact fraction, so two areas tie only when they are equal, and a tie is broken by the area's
//! id. A participant's view of an area is the weighted mean of the criteria it scored; the area's
//! score is the mean of its participants' views.

use std::cmp::Ordering;

use serde::Serialize;

use crate::ids::PartyId;
use crate::model::{CandidateArea, Criterion, CriterionGroup, Mapping};

/// The highest score.
pub const SCORE_MAX: u8 = 4;
/// The highest weight (and the end of the robustness search).
pub const WEIGHT_MAX: u32 = 100;
/// How many areas the robustness figure protects.
pub const TOP: usize = 3;

/// The default criteria of a mapping: the five gains the Marker page names, then the feasibility
/// criteria of the Council of Europe IMC toolkit, each with weight 1. Their names are in the
/// translation files (`criterion-{id}`).
pub const DEFAULT_CRITERIA: [(&str, CriterionGroup); 9] = [
    ("vulnerability", CriterionGroup::Gain),
    ("competence", CriterionGroup::Gain),
    ("peaks", CriterionGroup::Gain),
    ("scale", CriterionGroup::Gain),
    ("room", CriterionGroup::Gain),
    ("rationale", CriterionGroup::Feasibility),
    ("need", CriterionGroup::Feasibility),
    ("saving", CriterionGroup::Feasibility),
    ("feasibility", CriterionGroup::Feasibility),
];

/// The criteria a mapping uses: its own, or the defaults when it names none.
pub fn criteria(mapping: Option<&Mapping>) -> Vec<Criterion> {
    match mapping {
        Some(m) if !m.criteria.is_empty() => m.criteria.clone(),
        _ => DEFAULT_CRITERIA
            .iter()
            .map(|(id, group)| Criterion {
                id: (*id).to_string(),
                group: *group,
                weight: 1,
                names: None,
            })
            .collect(),
    }
}

/// An exact non-negative fraction.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Fraction {
    /// Numerator.
    pub num: i128,
    /// Denominator (above 0).
    pub den: i128,
}

fn gcd(a: i128, b: i128) -> i128 {
    if b == 0 {
        a.abs().max(1)
    } else {
        gcd(b, a % b)
    }
}

impl Fraction {
    fn new(num: i128, den: i128) -> Fraction {
        let g = gcd(num, den);
        Fraction {
            num: num / g,
            den: den / g,
        }
    }

    fn add(self, other: Fraction) -> Fraction {
        Fraction::new(
            self.num * other.den + other.num * self.den,
            self.den * other.den,
        )
    }

    /// Hundredths, rounded half up (for display: 2.67 is 267).
    pub fn hundredths(self) -> i64 {
        ((self.num * 200 + self.den) / (2 * self.den)) as i64
    }
}

impl Ord for Fraction {
    fn cmp(&self, other: &Fraction) -> Ordering {
        (self.num * other.den).cmp(&(other.num * self.den))
    }
}

impl PartialOrd for Fraction {
    fn partial_cmp(&self, other: &Fraction) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}

// A fraction is written as a JSON number.
#[cfg(feature = "openapi")]
impl utoipa::PartialSchema for Fraction {
    fn schema() -> utoipa::openapi::RefOr<utoipa::openapi::schema::Schema> {
        utoipa::openapi::RefOr::T(utoipa::openapi::schema::Schema::Object(
            utoipa::openapi::schema::ObjectBuilder::new()
                .schema_type(utoipa::openapi::schema::Type::Number)
                .description(Some("An exact fraction, written as a number"))
                .build(),
        ))
    }
}

#[cfg(feature = "openapi")]
impl utoipa::ToSchema for Fraction {}

impl Serialize for Fraction {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_f64(self.num as f64 / self.den as f64)
    }
}

/// One participant's view of an area.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct View {
    /// The participant.
    pub party: PartyId,
    /// The weighted mean of the criteria it scored.
    pub score: Fraction,
    /// How many criteria it scored.
    pub criteria_scored: usize,
}

/// An area in the ranking.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Ranked {
    /// The area's id.
    pub area: String,
    /// 1 for the first.
    pub rank: usize,
    /// The mean of the participants' views.
    pub score: Fraction,
    /// Each participant's view, in the order of the file.
    pub views: Vec<View>,
    /// Whether any score in it is marked illustrative.
    pub illustrative: bool,
}

/// The ranking: areas with at least one score, best first; the others by id.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Ranking {
    /// Ranked areas.
    pub ranked: Vec<Ranked>,
    /// Areas nobody has scored yet.
    pub unscored: Vec<String>,
}

/// The weight of `criterion`, `weights` being the criteria as used.
fn weight_of(weights: &[Criterion], criterion: &str) -> Option<u32> {
    weights.iter().find(|c| c.id == criterion).map(|c| c.weight)
}

/// The ranking of `areas` under `weights`.
pub fn rank(areas: &[CandidateArea], weights: &[Criterion]) -> Ranking {
    let mut ranked = Vec::new();
    let mut unscored = Vec::new();
    for area in areas {
        let mut views = Vec::new();
        let mut parties: Vec<&PartyId> = Vec::new();
        for a in &area.assessments {
            if !parties.contains(&&a.party) {
                parties.push(&a.party);
            }
        }
        for party in parties {
            let (mut num, mut den, mut n) = (0i128, 0i128, 0usize);
            for a in area.assessments.iter().filter(|a| &a.party == party) {
                for (criterion, score) in &a.scores {
                    let Some(w) = weight_of(weights, criterion) else {
                        continue;
                    };
                    if w == 0 {
                        continue;
                    }
                    num += i128::from(w) * i128::from(*score);
                    den += i128::from(w);
                    n += 1;
                }
            }
            if den > 0 {
                views.push(View {
                    party: party.clone(),
                    score: Fraction::new(num, den),
                    criteria_scored: n,
                });
            }
        }
        if views.is_empty() {
            unscored.push(area.id.clone());
            continue;
        }
        let sum = views
            .iter()
            .fold(Fraction { num: 0, den: 1 }, |acc, v| acc.add(v.score));
        let score = Fraction::new(sum.num, sum.den * views.len() as i128);
        ranked.push(Ranked {
            area: area.id.clone(),
            rank: 0,
            score,
            views,
            illustrative: area.assessments.iter().any(|a| a.illustrative),
        });
    }
    ranked.sort_by(|a, b| b.score.cmp(&a.score).then_with(|| a.area.cmp(&b.area)));
    for (i, r) in ranked.iter_mut().enumerate() {
        r.rank = i + 1;
    }
    unscored.sort();
    Ranking { ranked, unscored }
}

/// The nearest weight of one criterion that reorders the top three.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct WeightChange {
    /// The criterion.
    pub criterion: String,
    /// Its weight now.
    pub from: u32,
    /// The nearest weight (up or down) at which the top three is no longer the same.
    pub to: u32,
    /// The top three at that weight.
    pub top: Vec<String>,
}

/// How robust the top of the ranking is.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Robustness {
    /// The top three (fewer when fewer areas are ranked).
    pub top: Vec<String>,
    /// Per criterion, the nearest weight that reorders it, if any in 0–[`WEIGHT_MAX`] does.
    pub changes: Vec<WeightChange>,
    /// The smallest change of all (ties: the criterion first in the mapping).
    pub smallest: Option<WeightChange>,
}

fn top_of(ranking: &Ranking) -> Vec<String> {
    ranking
        .ranked
        .iter()
        .take(TOP)
        .map(|r| r.area.clone())
        .collect()
}

/// Tries every other weight 0–[`WEIGHT_MAX`] of each criterion, the others unchanged (a weight
/// that would make every weight 0 is skipped), and reports the nearest that changes the top three
/// or its order. Cost: criteria × 101 rankings.
pub fn robustness(areas: &[CandidateArea], weights: &[Criterion]) -> Robustness {
    let top = top_of(&rank(areas, weights));
    let mut changes = Vec::new();
    if top.len() >= 2 {
        for (i, c) in weights.iter().enumerate() {
            let mut candidates: Vec<u32> = (0..=WEIGHT_MAX).filter(|w| *w != c.weight).collect();
            candidates.sort_by_key(|w| (w.abs_diff(c.weight), *w));
            for w in candidates {
                let mut trial = weights.to_vec();
                trial[i].weight = w;
                if trial.iter().all(|t| t.weight == 0) {
                    continue;
                }
                let other = top_of(&rank(areas, &trial));
                if other != top {
                    changes.push(WeightChange {
                        criterion: c.id.clone(),
                        from: c.weight,
                        to: w,
                        top: other,
                    });
                    break;
                }
            }
        }
    }
    let smallest = changes
        .iter()
        .min_by_key(|c| c.from.abs_diff(c.to))
        .cloned();
    Robustness {
        top,
        changes,
        smallest,
    }
}

/// Everything the mapping pages, the CLI and the API show of a cooperation's mapping.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Report {
    /// The criteria as used (the defaults when the file names none), with their weights.
    pub criteria: Vec<Criterion>,
    /// Whether the criteria are the defaults.
    pub default_criteria: bool,
    /// The ranking.
    pub ranking: Ranking,
    /// How robust its top three is.
    pub robustness: Robustness,
    /// How many areas were prioritised in all, when the file says.
    pub prioritised_count: Option<u32>,
    /// How many of the areas in the file are or were prioritised.
    pub prioritised_named: usize,
    /// Whether any score is illustrative.
    pub illustrative: bool,
}

/// The mapping report of `doc`.
pub fn report(doc: &crate::model::CooperationDoc) -> Report {
    let criteria = criteria(doc.mapping.as_ref());
    let ranking = rank(&doc.candidate_areas, &criteria);
    let robustness = robustness(&doc.candidate_areas, &criteria);
    Report {
        default_criteria: doc.mapping.as_ref().is_none_or(|m| m.criteria.is_empty()),
        criteria,
        illustrative: ranking.ranked.iter().any(|r| r.illustrative),
        ranking,
        robustness,
        prioritised_count: doc.mapping.as_ref().and_then(|m| m.prioritised_count),
        prioritised_named: doc
            .candidate_areas
            .iter()
            .filter(|a| a.was_prioritised())
            .count(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{Assessment, CandidateStatus};

    fn party(id: &str) -> PartyId {
        PartyId::parse(id).unwrap()
    }

    fn assessment(who: &str, scores: &[(&str, u8)]) -> Assessment {
        Assessment {
            party: party(who),
            scores: scores.iter().map(|(c, s)| ((*c).to_string(), *s)).collect(),
            justifications: Default::default(),
            justification: Some("hand-checked".to_string()),
            on: None,
            illustrative: false,
        }
    }

    fn area(id: &str, assessments: Vec<Assessment>) -> CandidateArea {
        CandidateArea {
            id: id.to_string(),
            area: id.to_string(),
            kind: None,
            participants: Vec::new(),
            expected_gains: Vec::new(),
            status: CandidateStatus::Assessed,
            note: None,
            deliveries: Vec::new(),
            assessments,
            transitions: Vec::new(),
        }
    }

    fn criterion(id: &str, weight: u32) -> Criterion {
        Criterion {
            id: id.to_string(),
            group: CriterionGroup::Gain,
            weight,
            names: None,
        }
    }

    /// Weights a = 2, b = 1, c = 1; two participants, P (DK-0155) and Q (DK-0185).
    fn example() -> (Vec<CandidateArea>, Vec<Criterion>) {
        let (p, q) = ("DK-0155", "DK-0185");
        let areas = vec![
            area(
                "x",
                vec![
                    assessment(p, &[("a", 4), ("b", 2), ("c", 0)]),
                    assessment(q, &[("a", 3), ("b", 3), ("c", 3)]),
                ],
            ),
            area(
                "y",
                vec![
                    assessment(p, &[("a", 2), ("b", 4), ("c", 4)]),
                    assessment(q, &[("a", 2), ("b", 2), ("c", 2)]),
                ],
            ),
            area(
                "z",
                vec![
                    assessment(p, &[("a", 1), ("b", 4), ("c", 4)]),
                    assessment(q, &[("a", 1), ("b", 3), ("c", 3)]),
                ],
            ),
            area("unscored", Vec::new()),
        ];
        let weights = vec![criterion("a", 2), criterion("b", 1), criterion("c", 1)];
        (areas, weights)
    }

    #[test]
    fn the_ranking_is_the_mean_of_the_weighted_views() {
        let (areas, weights) = example();
        let ranking = rank(&areas, &weights);
        // x: P (8 + 2 + 0) / 4 = 2.5, Q 3 → 2.75; y: P 12/4 = 3, Q 2 → 2.5; z: P 10/4 = 2.5,
        // Q 8/4 = 2 → 2.25.
        let got: Vec<(&str, i64)> = ranking
            .ranked
            .iter()
            .map(|r| (r.area.as_str(), r.score.hundredths()))
            .collect();
        assert_eq!(got, [("x", 275), ("y", 250), ("z", 225)]);
        assert_eq!(
            ranking.ranked[0].views[0].score,
            Fraction { num: 5, den: 2 }
        );
        assert_eq!(
            ranking.ranked[0].views[1].score,
            Fraction { num: 3, den: 1 }
        );
        assert_eq!(ranking.unscored, ["unscored"]);
        assert_eq!(
            ranking.ranked.iter().map(|r| r.rank).collect::<Vec<_>>(),
            [1, 2, 3]
        );
    }

    #[test]
    fn robustness_names_the_nearest_weight_that_reorders_the_top_three() {
        let (areas, weights) = example();
        let r = robustness(&areas, &weights);
        assert_eq!(r.top, ["x", "y", "z"]);
        // a from 2 to 1: x 2.5, y 8/3, z 8/3 (a tie, broken by id) → y, z, x.
        let a = r.changes.iter().find(|c| c.criterion == "a").unwrap();
        assert_eq!((a.from, a.to), (2, 1));
        assert_eq!(a.top, ["y", "z", "x"]);
        // b at 3: x, y and z all 8/3 (a three-way tie, by id: no change); at 4: x (16/7 + 3) / 2
        // = 37/14, y (24/7 + 2) / 2 = 38/14, z (22/7 + 17/7) / 2 = 39/14 → z, y, x.
        let b = r.changes.iter().find(|c| c.criterion == "b").unwrap();
        assert_eq!((b.from, b.to), (1, 4));
        assert_eq!(b.top, ["z", "y", "x"]);
        assert_eq!(r.smallest.as_ref().unwrap().criterion, "a");
    }

    #[test]
    fn a_zero_weight_leaves_a_criterion_out_and_all_zero_is_never_tried() {
        let (areas, _) = example();
        let only_a = vec![criterion("a", 1), criterion("b", 0), criterion("c", 0)];
        let ranking = rank(&areas, &only_a);
        // On a alone: x (4 + 3) / 2 = 3.5, y 2, z 1.
        let got: Vec<i64> = ranking
            .ranked
            .iter()
            .map(|r| r.score.hundredths())
            .collect();
        assert_eq!(got, [350, 200, 100]);
        let r = robustness(&areas, &only_a);
        // a cannot go to 0: every weight would be 0, which ranks nothing.
        assert!(r.changes.iter().all(|c| !(c.criterion == "a" && c.to == 0)));
    }

    #[test]
    fn the_defaults_are_the_five_gains_and_the_four_feasibility_criteria() {
        let all = criteria(None);
        assert_eq!(all.len(), 9);
        assert_eq!(
            all.iter()
                .filter(|c| c.group == CriterionGroup::Gain)
                .count(),
            5
        );
        assert!(all.iter().all(|c| c.weight == 1));
    }
}
