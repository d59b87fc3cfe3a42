//! Every preset validates, and the warnings left are the deliberate "source is silent" ones.

use ave_model::presets::{self, PRESETS};

#[test]
fn every_preset_is_valid() {
    for p in PRESETS {
        let report = ave_model::check(&p.file_name(), p.text.as_bytes(), &presets::PresetLoader);
        assert!(
            report.is_valid(),
            "{} has errors:\n{}",
            p.name,
            report
                .diagnostics
                .iter()
                .map(ToString::to_string)
                .collect::<Vec<_>>()
                .join("\n")
        );
    }
}

#[test]
fn presets_only_warn_where_the_source_is_silent() {
    for p in PRESETS {
        let report = ave_model::check(&p.file_name(), p.text.as_bytes(), &presets::PresetLoader);
        for d in &report.diagnostics {
            // Open roles, deciders, proposers and legal bases (the source names none), and
            // functions the source names without giving them a role in a regie table.
            assert!(
                matches!(d.code.as_str(), "W203" | "W204" | "W205" | "W208" | "W209"),
                "{}: unexpected {d}",
                p.name
            );
        }
    }
}

#[test]
fn every_preset_configures_every_rule_and_cites_its_document() {
    for p in PRESETS {
        let model = presets::load(p.name).expect("valid");
        let m = model.model();
        for &name in ave_model::RuleName::ALL {
            assert!(
                m.rules.presence(name).is_some(),
                "{}: rule {name} absent",
                p.name
            );
        }
        let source = m.model.source.as_deref().unwrap_or_default();
        assert!(
            source.contains(p.document),
            "{}: source {source:?} does not cite {}",
            p.name,
            p.document
        );
        assert_eq!(m.model.id.as_str(), p.name);
    }
}

#[test]
fn time_norms_in_presets_are_marked_as_product_defaults() {
    for p in PRESETS {
        let model = presets::load(p.name).expect("valid");
        for phase in &model.model().phases {
            if let Some(n) = &phase.norms {
                assert_eq!(
                    n.basis,
                    ave_model::NormBasis::Productstandaard,
                    "{} phase {}",
                    p.name,
                    phase.id
                );
            }
        }
    }
}

#[test]
fn unknown_preset_names_are_reported_with_the_known_ones() {
    let err = presets::load("nergens").expect_err("unknown");
    assert!(
        err[0].message.contains("noord-limburg"),
        "{}",
        err[0].message
    );
}
