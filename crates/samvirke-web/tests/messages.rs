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
    // The agreement checks' message keys (`said!("diag-…"`, the roles' keys).
    let checks = regex::Regex::new(r#""(diag-[a-z0-9-]+)""#).unwrap();
    let mut asked = Vec::new();
    for file in &files {
        let text = std::fs::read_to_string(file).unwrap();
        for re in [&calls, &labels, &sections, &checks] {
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
    for n in 0..=samvirke_core::mapping::SCORE_MAX {
        built.push(format!("score-{n}"));
    }
    for (id, group) in samvirke_core::mapping::DEFAULT_CRITERIA {
        built.push(format!("criterion-{id}"));
        built.push(format!("criterion-group-{}", group.as_str()));
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

/// The arguments of a `said!(…)` call: its keys and the names it gives values to.
fn said_calls(text: &str) -> Vec<(Vec<String>, Vec<String>)> {
    let key = regex::Regex::new(r#""(diag-[a-z0-9-]+)""#).unwrap();
    let mut out = Vec::new();
    for (start, _) in text.match_indices("said!(") {
        let body = &text[start + "said!(".len()..];
        let (mut depth, mut end) = (0i32, body.len());
        for (i, c) in body.char_indices() {
            match c {
                '(' | '{' | '[' => depth += 1,
                ')' | '}' | ']' if depth == 0 => {
                    end = i;
                    break;
                }
                ')' | '}' | ']' => depth -= 1,
                _ => {}
            }
        }
        let body = &body[..end];
        // Split at the commas outside brackets.
        let mut pieces = vec![String::new()];
        let mut depth = 0i32;
        for c in body.chars() {
            match c {
                '(' | '{' | '[' => depth += 1,
                ')' | '}' | ']' => depth -= 1,
                ',' if depth == 0 => {
                    pieces.push(String::new());
                    continue;
                }
                _ => {}
            }
            pieces.last_mut().unwrap().push(c);
        }
        let keys: Vec<String> = key
            .captures_iter(&pieces[0])
            .map(|c| c[1].to_string())
            .collect();
        let names: Vec<String> = pieces[1..]
            .iter()
            .filter_map(|p| p.split_once('=').map(|(n, _)| n.trim().to_string()))
            .filter(|n| !n.is_empty())
            .collect();
        if !keys.is_empty() {
            out.push((keys, names));
        }
    }
    out
}

#[test]
fn every_agreement_problem_gets_the_arguments_its_messages_use() {
    let core = Path::new(env!("CARGO_MANIFEST_DIR")).join("../samvirke-core/src");
    let mut files = Vec::new();
    sources(&core, &mut files);
    let mut checked = 0;
    for file in &files {
        let text = std::fs::read_to_string(file).unwrap();
        for (keys, names) in said_calls(&text) {
            for key in &keys {
                for lang in samvirke_i18n::Lang::ALL {
                    let args: Vec<(&str, &str)> = names.iter().map(|n| (n.as_str(), "7")).collect();
                    let said = samvirke_i18n::message(lang, key, &args);
                    assert!(
                        !said.contains('{') && said != *key,
                        "{key} in {} uses an argument that the said! call in {} does not give ({names:?}): {said}",
                        lang.code(),
                        file.display()
                    );
                }
                checked += 1;
            }
        }
    }
    assert!(checked > 40, "{checked} said! calls found");
}
