//! The shipped klantreis scenarios: each meets its expectations, its report is pinned by a
//! snapshot, and every preset has at least five.

use std::path::{Path, PathBuf};

use ave_engine::klantreis::{self, Scenario};
use ave_model::ValidModel;

/// Every scenario under `examples/klantreis/<preset>/` and the journeys under the local
/// example models, `examples/modellen/<name>/` (every TOML file there but `model.toml`), sorted.
pub fn all_scenarios() -> Vec<PathBuf> {
    let examples = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../examples");
    let mut out = Vec::new();
    for root in ["klantreis", "modellen"] {
        let Ok(dirs) = std::fs::read_dir(examples.join(root)) else {
            continue;
        };
        for dir in dirs {
            let dir = dir.expect("entry").path();
            if dir.is_dir() {
                for f in std::fs::read_dir(&dir).expect("dir") {
                    let f = f.expect("entry").path();
                    if f.extension().is_some_and(|e| e == "toml")
                        && f.file_name().is_some_and(|n| n != "model.toml")
                    {
                        out.push(f);
                    }
                }
            }
        }
    }
    out.sort();
    out
}

/// Reads a scenario and the model it names: a preset, or a model file next to it (which may
/// extend a preset).
pub fn run_scenario(path: &Path) -> (ValidModel, Scenario) {
    let bytes = std::fs::read(path).expect("readable");
    let scenario =
        Scenario::parse(&path.display().to_string(), &bytes).unwrap_or_else(|e| panic!("{e}"));
    let name = scenario.model.clone().expect("names a model");
    let model = if name.ends_with(".toml") {
        let file = path.parent().expect("dir").join(&name);
        let text = std::fs::read(&file).expect("the scenario's model");
        ave_model::check(
            &file.display().to_string(),
            &text,
            &ave_model::presets::PresetLoader,
        )
        .into_valid()
        .unwrap_or_else(|d| panic!("{}: {d:?}", file.display()))
    } else {
        ave_model::presets::load(&name).expect("preset")
    };
    (model, scenario)
}

#[test]
fn every_shipped_scenario_meets_its_expectations() {
    let mut failures = Vec::new();
    for path in all_scenarios() {
        let (model, scenario) = run_scenario(&path);
        let report = klantreis::run(&model, &scenario);
        assert!(
            report.expectations > 0,
            "{} states no expectations",
            path.display()
        );
        if !report.passed() {
            failures.push(format!(
                "{}:\n{}",
                path.display(),
                ave_labels::report_text(&model, &report, ave_labels::Lang::Nl)
            ));
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n\n"));
}

#[test]
fn every_preset_has_at_least_five_scenarios() {
    let scenarios = all_scenarios();
    for p in ave_model::presets::PRESETS {
        let n = scenarios
            .iter()
            .filter(|s| {
                s.parent()
                    .and_then(|d| d.file_name())
                    .is_some_and(|d| d == p.name)
            })
            .count();
        assert!(n >= 5, "{} has {n} scenarios", p.name);
    }
}

#[test]
fn every_preset_has_a_local_example_model_with_full_journeys() {
    let examples = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../examples/modellen");
    let scenarios = all_scenarios();
    for p in ave_model::presets::PRESETS {
        let dir = examples.join(format!("{}-voorbeeld", p.name));
        let text = std::fs::read(dir.join("model.toml"))
            .unwrap_or_else(|e| panic!("{}: {e}", dir.display()));
        let report = ave_model::check("model.toml", &text, &ave_model::presets::PresetLoader);
        assert!(report.is_valid(), "{}: {:#?}", p.name, report.diagnostics);
        // It fills every open point of the preset.
        let open: Vec<String> = report
            .diagnostics
            .iter()
            .filter(|d| matches!(d.code.as_str(), "W203" | "W204" | "W208" | "W209"))
            .map(ToString::to_string)
            .collect();
        assert!(open.is_empty(), "{} leaves open: {open:#?}", p.name);
        let journeys = scenarios.iter().filter(|s| s.starts_with(&dir)).count();
        assert!(journeys >= 3, "{} has {journeys} journeys", p.name);
    }
}

#[test]
fn every_shipped_scenario_asserts_the_state_not_only_outcomes() {
    for path in all_scenarios() {
        let (model, scenario) = run_scenario(&path);
        let thens: Vec<&klantreis::Then> = scenario
            .steps
            .iter()
            .filter_map(|s| s.then.as_ref())
            .collect();
        let name = path.display();
        assert!(
            thens.iter().any(|t| t.phase.is_some()),
            "{name}: no phase checked"
        );
        assert!(
            thens.iter().any(|t| !t.regie.is_empty()),
            "{name}: no regie checked"
        );
        assert!(
            thens
                .iter()
                .any(|t| !t.attention.is_empty() || !t.no_attention.is_empty()),
            "{name}: no attention checked"
        );
        let has_basis = model.model().phases.iter().any(|p| p.grondslag.is_some());
        if has_basis {
            assert!(
                thens
                    .iter()
                    .any(|t| t.grondslag.is_some() || t.verwerkingsverantwoordelijke.is_some()),
                "{name}: the model gives a legal basis, the scenario checks none"
            );
        }
    }
}

#[test]
fn reports_of_the_shipped_scenarios() {
    for path in all_scenarios() {
        let (model, scenario) = run_scenario(&path);
        let report = klantreis::run(&model, &scenario);
        let dir = path
            .parent()
            .and_then(|d| d.file_name())
            .and_then(|d| d.to_str())
            .unwrap_or("");
        let file = path.file_stem().and_then(|f| f.to_str()).unwrap_or("");
        insta::assert_snapshot!(
            format!("klantreis_{dir}_{file}"),
            ave_labels::report_text(&model, &report, ave_labels::Lang::Nl)
        );
    }
}

#[test]
fn the_shipped_scenarios_cover_the_journeys_the_issue_names() {
    let mut codes = std::collections::BTreeSet::new();
    let mut events = std::collections::BTreeSet::new();
    for path in all_scenarios() {
        let (model, scenario) = run_scenario(&path);
        let report = klantreis::run(&model, &scenario);
        for step in &report.steps {
            match &step.outcome {
                klantreis::Outcome::Rejected { rejection } => {
                    codes.insert(rejection.code.as_str());
                }
                klantreis::Outcome::Allowed { events: e } => events.extend(e.iter().map(|r| {
                    ave_labels::describe(&model, ave_labels::Lang::Nl, r, &|p| p.to_string())
                })),
                klantreis::Outcome::Checked => {}
            }
        }
    }
    for code in [
        "not-decider",
        "rule-minors-casusregisseur",
        "rule-single-procesregisseur",
        "precondition-not-met",
        "disagreement-open",
        "not-arbiter",
    ] {
        assert!(codes.contains(code), "no scenario shows {code}");
    }
    let all = events.into_iter().collect::<Vec<_>>().join("\n");
    for needle in [
        "fase 4 → fase 3",
        "geopend in fase 4",
        "binnen de fase: procesregie toevoegen",
        "meningsverschil",
        "fase 2 → fase 3",
        "fase 3 → fase 2",
    ] {
        assert!(all.contains(needle), "no scenario shows {needle:?}");
    }
}

#[test]
fn a_scenario_with_a_typo_is_refused_with_its_line() {
    let text = "[scenario]\ntitle = \"t\"\nmodel = \"oss\"\n\n[[people]]\nid = \"a\"\nname = \"A\"\nfunction = \"x\"\norganisation = \"o\"\n\n[[steps]]\nat = 2025-01-01\nby = \"a\"\ndo = \"open\"\nphase = \"1\"\nreason = \"r\"\nphaze = \"2\"\n";
    let e = Scenario::parse("s.toml", text.as_bytes()).expect_err("typo");
    assert_eq!(e.line, Some(11));
    assert!(e.message.contains("phaze"), "{e}");
}

#[test]
fn a_scenario_with_an_unknown_rejection_code_or_person_is_refused() {
    let base = "[scenario]\ntitle = \"t\"\n\n[[people]]\nid = \"a\"\nname = \"A\"\nfunction = \"x\"\norganisation = \"o\"\n\n[[steps]]\nat = 2025-01-01\n";
    let e = Scenario::parse(
        "s.toml",
        format!("{base}by = \"b\"\ndo = \"open\"\nphase = \"1\"\nreason = \"r\"\n").as_bytes(),
    )
    .expect_err("unknown person");
    assert!(e.message.contains("b staat niet"), "{e}");
    let e = Scenario::parse(
        "s.toml",
        format!("{base}by = \"a\"\ndo = \"open\"\nphase = \"1\"\nreason = \"r\"\nexpect_code = \"nee\"\n").as_bytes(),
    )
    .expect_err("bad code");
    assert!(e.message.contains("weigeringscode"), "{e}");
    let e = Scenario::parse("s.toml", b"\xff\xfe").expect_err("not utf-8");
    assert!(e.message.contains("UTF-8"), "{e}");
}

#[test]
fn a_scenario_runs_under_another_model_and_shows_what_that_model_lacks() {
    let path = all_scenarios()
        .into_iter()
        .find(|p| p.ends_with("noord-limburg/01-op-en-afschalen.toml"))
        .expect("scenario");
    let (_, scenario) = run_scenario(&path);
    let oss = ave_model::presets::load("oss").expect("oss");
    let report = klantreis::run(&oss, &scenario);
    assert!(
        report
            .gaps
            .iter()
            .any(|g| g.kind() == klantreis::GapKind::UnknownFunction),
        "{}",
        ave_labels::report_text(&oss, &report, ave_labels::Lang::Nl)
    );
}
