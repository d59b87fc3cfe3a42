//! The annotated example in docs/model-format.md is valid and uses the whole format.

use crate::common::{check_text, doc_example};

#[test]
fn the_documented_example_is_valid_without_warnings_except_open_roles() {
    let report = check_text(&doc_example());
    assert!(report.is_valid(), "{:#?}", report.diagnostics);
    let codes: Vec<&str> = report.diagnostics.iter().map(|d| d.code.as_str()).collect();
    // The example shows `open = "…"` once on purpose.
    assert_eq!(codes, vec!["W203"], "{:#?}", report.diagnostics);
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
