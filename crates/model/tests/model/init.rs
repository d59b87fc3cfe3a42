//! `init` writes models that validate, for every preset, as copy and as extension.

use ave_model::init::{InitOptions, init_from};
use ave_model::presets::{PRESETS, PresetLoader};
use ave_model::{Date, ModelId};

fn options(extends: bool) -> InitOptions {
    InitOptions {
        id: ModelId::parse("mijn-gemeente").expect("id"),
        gemeente: "Mijn \"Gemeente\"".to_owned(),
        regio: None,
        valid_from: Date::from_ymd(2027, 1, 1).expect("date"),
        extends,
    }
}

#[test]
fn a_copied_preset_is_valid_and_keeps_its_comments() {
    for p in PRESETS {
        let text = init_from(p, &options(false)).expect("init");
        let report = ave_model::check("nieuw.toml", text.as_bytes(), &PresetLoader);
        assert!(report.is_valid(), "{}: {:#?}", p.name, report.diagnostics);
        let m = report.model.expect("model");
        assert_eq!(m.model.id.as_str(), "mijn-gemeente");
        assert_eq!(m.model.gemeente.as_deref(), Some("Mijn \"Gemeente\""));
        assert_eq!(m.model.version, "0.1-concept");
        assert!(text.contains("# "), "comments kept");
        assert!(
            m.model
                .source
                .as_deref()
                .unwrap_or_default()
                .contains(p.name)
        );
    }
}

#[test]
fn an_extending_model_is_valid_and_lists_what_is_open() {
    for p in PRESETS {
        let text = init_from(p, &options(true)).expect("init");
        let report = ave_model::check("nieuw.toml", text.as_bytes(), &PresetLoader);
        assert!(
            report.is_valid(),
            "{}: {text}\n{:#?}",
            p.name,
            report.diagnostics
        );
        assert!(text.contains(&format!("extends = \"{}\"", p.name)));
        let preset = ave_model::presets::load(p.name).expect("valid");
        let open_in_preset = preset
            .warnings()
            .iter()
            .any(|d| matches!(d.code.as_str(), "W203" | "W204"));
        assert_eq!(text.contains("Te doen"), open_in_preset, "{}", p.name);
    }
}

#[test]
fn filling_in_the_suggested_example_closes_those_gaps() {
    let preset = ave_model::presets::preset("regio-groningen").expect("preset");
    let text = init_from(preset, &options(true)).expect("init");
    // Uncomment the example that `init` writes under "Bijvoorbeeld".
    let (head, example) = text.split_once("# Bijvoorbeeld:\n").expect("example");
    let filled: String = example
        .lines()
        .map(|l| l.strip_prefix("# ").unwrap_or(l.trim_start_matches('#')))
        .collect::<Vec<_>>()
        .join("\n");
    let text = format!("{head}\n{filled}\n");
    let report = ave_model::check("nieuw.toml", text.as_bytes(), &PresetLoader);
    assert!(report.is_valid(), "{text}\n{:#?}", report.diagnostics);
    let open: Vec<&str> = report
        .diagnostics
        .iter()
        .filter_map(|d| d.path.as_deref())
        .collect();
    assert!(
        !open.contains(&"transitions[1-naar-2].deciders_open"),
        "{open:?}"
    );
    assert!(!open.contains(&"phases[1].regie.operationeel"), "{open:?}");
    assert!(open.contains(&"phases[1].regie.bestuurlijk"), "{open:?}");
}

#[test]
fn a_name_with_a_newline_still_gives_valid_toml() {
    for extends in [true, false] {
        let mut opts = options(extends);
        opts.gemeente = "Mijn\n[model]\nGemeente".to_owned();
        opts.regio = Some("Regio\r\nX".to_owned());
        let p = &PRESETS[1];
        let text = init_from(p, &opts).expect("init");
        let report = ave_model::check("mijn.toml", text.as_bytes(), &PresetLoader);
        assert!(report.is_valid(), "{:#?}\n{text}", report.diagnostics);
        let m = report.model.expect("model");
        assert_eq!(m.model.gemeente.as_deref(), Some("Mijn\n[model]\nGemeente"));
    }
}
