//! Base models: merging, missing bases, cycles, invalid bases.

use ave_model::Code;

use crate::common::{MapLoader, doc_example};

const CHILD: &str = r#"
[model]
id = "kind"
name = "Gemeentemodel"
gemeente = "Kindgemeente"
version = "1"
valid_from = 2026-01-01
extends = "basis"

[[functions]]
id = "mijn-regisseur"
name = "Regisseur Kindgemeente"
kind = "gemeente"

# Only the procesregie of phase 2 changes; the rest of the phase stays the base's.
[[phases]]
id = "2"
[phases.regie.procesregie]
holders = ["mijn-regisseur"]

[rules.casusregie_continuity]
enabled = false
note = "Lokaal anders gekozen."
"#;

fn loader() -> MapLoader {
    MapLoader(vec![("basis", doc_example())])
}

#[test]
fn an_extending_model_overrides_only_what_it_gives() {
    let report = ave_model::check("kind.toml", CHILD.as_bytes(), &loader());
    assert!(report.is_valid(), "{:#?}", report.diagnostics);
    let m = report.model.expect("model");
    assert_eq!(m.model.id.as_str(), "kind");
    assert_eq!(m.model.gemeente.as_deref(), Some("Kindgemeente"));
    // The extending model's own metadata; the base's region is not inherited.
    assert_eq!(m.model.regio, None);
    let p2 = m
        .phases
        .iter()
        .find(|p| p.id.as_str() == "2")
        .expect("phase 2");
    assert_eq!(p2.title, "Er zijn zorgen en er is hulp nodig");
    let pr = p2.regie.procesregie.as_ref().expect("procesregie");
    assert_eq!(pr.holders.len(), 1);
    assert_eq!(pr.holders[0].as_str(), "mijn-regisseur");
    // The role was replaced whole: the base's `when_needed` is gone.
    assert!(!pr.when_needed);
    // Other roles of the phase are the base's.
    assert!(p2.regie.behandelregie.is_some());
    assert_eq!(
        m.rules.presence(ave_model::RuleName::CasusregieContinuity),
        Some(false)
    );
    assert_eq!(
        m.rules.presence(ave_model::RuleName::SingleProcesregisseur),
        Some(true)
    );
    assert_eq!(m.functions.len(), 11);
}

#[test]
fn a_missing_base_is_reported_at_the_extends_line() {
    let report = ave_model::check("kind.toml", CHILD.as_bytes(), &MapLoader(vec![]));
    assert!(!report.is_valid());
    let d = &report.diagnostics[0];
    assert_eq!(d.code, Code::BaseNotFound);
    let loc = d.location.as_ref().expect("location");
    assert_eq!((loc.file.as_str(), loc.line), ("kind.toml", 8));
}

#[test]
fn a_cycle_of_bases_is_an_error() {
    let a = "[model]\nid=\"a\"\nname=\"a\"\nregio=\"r\"\nversion=\"1\"\nvalid_from=2026-01-01\nextends=\"b\"\n";
    let b = "[model]\nid=\"b\"\nname=\"b\"\nregio=\"r\"\nversion=\"1\"\nvalid_from=2026-01-01\nextends=\"a\"\n";
    let loader = MapLoader(vec![("a", a.to_owned()), ("b", b.to_owned())]);
    let report = ave_model::check("a", a.as_bytes(), &loader);
    assert!(!report.is_valid());
    assert!(
        report.diagnostics.iter().any(|d| d.code == Code::BaseCycle),
        "{:#?}",
        report.diagnostics
    );
}

#[test]
fn a_base_that_extends_itself_is_a_cycle() {
    let a = "[model]\nid=\"a\"\nname=\"a\"\nregio=\"r\"\nversion=\"1\"\nvalid_from=2026-01-01\nextends=\"a\"\n";
    let loader = MapLoader(vec![("a", a.to_owned())]);
    let report = ave_model::check("a", a.as_bytes(), &loader);
    assert!(report.diagnostics.iter().any(|d| d.code == Code::BaseCycle));
}

#[test]
fn an_invalid_base_is_reported_with_its_own_errors() {
    let broken = doc_example().replacen(
        "deciders = [\"burgemeester\"]",
        "deciders = [\"niemand\"]",
        1,
    );
    let loader = MapLoader(vec![("basis", broken)]);
    let report = ave_model::check("kind.toml", CHILD.as_bytes(), &loader);
    assert!(!report.is_valid());
    assert_eq!(report.diagnostics[0].code, Code::BaseInvalid);
    assert!(
        report
            .diagnostics
            .iter()
            .any(|d| d.code == Code::UnknownFunction)
    );
}

#[test]
fn errors_in_the_merged_model_point_into_the_extending_file() {
    let child = CHILD.replace("holders = [\"mijn-regisseur\"]", "holders = [\"onbekend\"]");
    let report = ave_model::check("kind.toml", child.as_bytes(), &loader());
    let d = report
        .diagnostics
        .iter()
        .find(|d| d.code == Code::UnknownFunction)
        .expect("E101");
    let loc = d.location.as_ref().expect("location");
    assert_eq!(loc.file, "kind.toml");
    assert_eq!(loc.line, 19);
}

#[test]
fn a_typo_in_an_extending_model_is_an_error() {
    let child = CHILD.replace(
        "[rules.casusregie_continuity]",
        "[rules.casusregie_continuiteit]",
    );
    let report = ave_model::check("kind.toml", child.as_bytes(), &loader());
    assert!(!report.is_valid());
    assert_eq!(
        report.diagnostics[0].code,
        Code::UnknownKey,
        "{:#?}",
        report.diagnostics
    );
}

#[test]
fn a_gemeente_can_fill_in_who_decides_where_the_base_left_it_open() {
    let base = doc_example().replacen(
        "criteria = [\"stabiel\"]\ndeciders = [\"consulent\"]",
        "criteria = [\"stabiel\"]\ndeciders_open = \"regionaal niet vastgelegd\"",
        1,
    );
    let child = "[model]\nid = \"kind\"\nname = \"k\"\ngemeente = \"K\"\nversion = \"1\"\n\
                 valid_from = 2026-01-01\nextends = \"basis\"\n\n[[transitions]]\nid = \"2-naar-1\"\n\
                 deciders = [\"teamleider\"]\n";
    let loader = MapLoader(vec![("basis", base)]);
    let report = ave_model::check("kind.toml", child.as_bytes(), &loader);
    assert!(report.is_valid(), "{:#?}", report.diagnostics);
    let m = report.model.expect("model");
    let t = m
        .transitions
        .iter()
        .find(|t| t.id.as_str() == "2-naar-1")
        .expect("t");
    assert_eq!(t.deciders_open, None);
    assert_eq!(t.deciders[0].as_str(), "teamleider");
}
