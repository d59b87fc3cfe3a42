//! The annotated example in docs/model-format.md is valid and uses the whole format.

use crate::common::{check_text, doc_example};

#[test]
fn the_documented_example_is_valid_without_warnings_except_open_roles() {
    let report = check_text(&doc_example());
    assert!(report.is_valid(), "{:#?}", report.diagnostics);
    let codes: Vec<&str> = report.diagnostics.iter().map(|d| d.code.as_str()).collect();
    // The example shows an open role, an open legal basis and open proposers on purpose.
    assert_eq!(
        codes,
        vec!["W203", "W209", "W208"],
        "{:#?}",
        report.diagnostics
    );
}

#[test]
fn the_documented_example_uses_every_rule_and_every_precondition_kind() {
    let model = check_text(&doc_example()).model.expect("parses");
    for &name in ave_model::RuleName::ALL {
        assert_eq!(model.rules.presence(name), Some(true), "{name}");
    }
    let kinds: Vec<String> = model
        .transitions
        .iter()
        .flat_map(|t| t.preconditions.iter())
        .map(|p| serde_json::to_value(p).expect("json")["kind"].to_string())
        .collect();
    for kind in ["plan", "meeting", "consulted"] {
        assert!(
            kinds.iter().any(|k| k.contains(kind)),
            "{kind} in {kinds:?}"
        );
    }
}

#[test]
fn the_documented_extending_example_checks_and_merges_as_described() {
    let blocks = crate::common::doc_blocks();
    let example = blocks
        .iter()
        .find(|b| b.contains("extends = \"oss\""))
        .expect("the extending example");
    let report = ave_model::check(
        "mijn.toml",
        example.as_bytes(),
        &ave_model::presets::PresetLoader,
    );
    assert!(report.is_valid(), "{:#?}", report.diagnostics);
    let m = report.model.expect("model");
    let p2 = m.phases.iter().find(|p| p.id.as_str() == "2").expect("2");
    let norms = p2.norms.as_ref().expect("norms");
    assert_eq!(norms.evaluation_days, Some(30));
    assert!(norms.stagnation_days.is_some(), "the other norms stay");
    let t = m
        .transitions
        .iter()
        .find(|t| t.id.as_str() == "4-naar-2")
        .expect("t");
    assert_eq!(t.deciders_open, None);
    let rule = m.rules.casusregie_required.expect("rule");
    assert!(!rule.enabled && rule.from_phase.is_some());
}

#[test]
fn the_documented_duplicate_is_the_error_the_doc_names() {
    let blocks = crate::common::doc_blocks();
    let mistake = blocks
        .iter()
        .find(|b| b.contains("fout[E110]"))
        .expect("the mistake example");
    let text = format!(
        "[model]\nid = \"m\"\nname = \"m\"\ngemeente = \"G\"\nversion = \"1\"\nvalid_from = 2026-01-01\nextends = \"oss\"\n{mistake}"
    );
    let report = ave_model::check("m.toml", text.as_bytes(), &ave_model::presets::PresetLoader);
    assert_eq!(
        report.diagnostics[0].code,
        ave_model::Code::DuplicateId,
        "{:#?}",
        report.diagnostics
    );
    assert_eq!(
        report.diagnostics[0].location.as_ref().map(|l| l.line),
        Some(12)
    );
    assert!(
        report.diagnostics[0]
            .message
            .starts_with("id \"1\" komt meer dan eens voor in `phases`")
    );
}
