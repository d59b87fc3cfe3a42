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
    assert_eq!(
        t.deciders[0],
        ave_model::Actor::Function(ave_model::FunctionId::parse("teamleider").expect("id"))
    );
}

// ---------------------------------------------------------------------------------------
// An extending file is checked as if it were a whole model, and every finding points at
// the line the user wrote; what comes from a preset is named, never given a line.
// ---------------------------------------------------------------------------------------

/// The metadata of a small gemeente model on top of the Oss preset: lines 1–7.
const OSS_HEADER: &str = "[model]\nid = \"test\"\nname = \"AVE-model Test\"\ngemeente = \"Test\"\nversion = \"0.1\"\nvalid_from = 2026-01-01\nextends = \"oss\"\n";

fn check_on_oss(body: &str) -> ave_model::Report {
    let text = format!("{OSS_HEADER}{body}");
    ave_model::check("test.toml", text.as_bytes(), &MapLoader(vec![]))
}

/// The first error, after asserting that no finding points into the preset.
fn first_error(report: &ave_model::Report) -> &ave_model::Diagnostic {
    for d in &report.diagnostics {
        if let Some(loc) = &d.location {
            assert_eq!(loc.file, "test.toml", "{d}");
        }
    }
    report
        .diagnostics
        .iter()
        .find(|d| d.is_error())
        .unwrap_or_else(|| panic!("no error in {:#?}", report.diagnostics))
}

fn line_col(d: &ave_model::Diagnostic) -> (usize, usize) {
    let loc = d
        .location
        .as_ref()
        .unwrap_or_else(|| panic!("no location: {d}"));
    (loc.line, loc.column)
}

#[test]
fn a_bad_date_in_an_extending_file_points_at_its_line() {
    let text = OSS_HEADER.replace("valid_from = 2026-01-01", "valid_from = \"1-1-2025\"");
    let report = ave_model::check("test.toml", text.as_bytes(), &MapLoader(vec![]));
    let d = first_error(&report);
    assert_eq!(d.code, Code::Shape);
    assert_eq!(line_col(d), (6, 14), "{d}");
    assert!(d.message.contains("geen geldige datum"), "{d}");
}

#[test]
fn a_misspelt_key_in_an_extending_file_points_at_its_line_and_suggests_the_key() {
    let report = check_on_oss("\n[[functions]]\nid = \"x\"\nnaam = \"X\"\nkind = \"gemeente\"\n");
    let d = first_error(&report);
    assert_eq!(d.code, Code::UnknownKey);
    assert_eq!(line_col(d), (11, 1), "{d}");
    assert!(d.message.contains("Bedoelt u `name`?"), "{d}");
}

#[test]
fn a_wrong_kind_in_an_extending_file_points_at_its_line() {
    let report = check_on_oss("\n[[functions]]\nid = \"x\"\nname = \"X\"\nkind = \"burger\"\n");
    let d = first_error(&report);
    assert_eq!(d.code, Code::UnknownKey);
    assert_eq!(line_col(d), (12, 8), "{d}");
    assert!(!d.message.contains("variant"), "{d}");
}

#[test]
fn an_id_with_a_space_in_an_extending_file_points_at_its_line() {
    let report =
        check_on_oss("\n[[functions]]\nid = \"mijn functie\"\nname = \"X\"\nkind = \"gemeente\"\n");
    let d = first_error(&report);
    assert_eq!(d.code, Code::Shape);
    assert_eq!(line_col(d), (10, 6), "{d}");
}

#[test]
fn a_missing_direction_in_an_extending_file_points_at_its_transition() {
    let body = "\n[[transitions]]\nid = \"nieuw\"\nfrom = \"1\"\nto = \"2\"\ncriteria = [\"hulp-nodig\"]\ndeciders = [\"professional\"]\n";
    let report = check_on_oss(body);
    let d = first_error(&report);
    assert_eq!(d.code, Code::Shape);
    assert!(d.message.contains("`direction` ontbreekt"), "{d}");
    assert_eq!(line_col(d).0, 9, "{d}");
}

#[test]
fn holders_given_as_text_in_an_extending_file_point_at_their_line() {
    let body =
        "\n[[phases]]\nid = \"2\"\n[phases.regie.procesregie]\nholders = \"procesregisseur-oss\"\n";
    let report = check_on_oss(body);
    let d = first_error(&report);
    assert_eq!(d.code, Code::Shape);
    assert_eq!(line_col(d), (12, 11), "{d}");
}

#[test]
fn warnings_from_the_preset_name_the_preset_instead_of_a_line() {
    let report = check_on_oss("");
    assert!(report.is_valid(), "{:#?}", report.diagnostics);
    assert!(!report.diagnostics.is_empty());
    for d in &report.diagnostics {
        assert_eq!(d.location, None, "{d}");
        assert_eq!(d.base.as_deref(), Some("oss"), "{d}");
        assert!(d.to_string().contains("in basismodel oss"), "{d}");
    }
}

#[test]
fn a_duplicate_phase_id_in_an_extending_file_is_an_error_at_the_second() {
    let body = "\n[[phases]]\nid = \"1\"\ntitle = \"A\"\n\n[[phases]]\nid = \"1\"\ntitle = \"B\"\n";
    let report = check_on_oss(body);
    let d = first_error(&report);
    assert_eq!(d.code, Code::DuplicateId, "{:#?}", report.diagnostics);
    assert_eq!(line_col(d).0, 13, "{d}");
}

#[test]
fn a_duplicate_function_in_an_extending_file_is_an_error() {
    for body in [
        // twice a new one
        "\n[[functions]]\nid = \"x\"\nname = \"X\"\nkind = \"gemeente\"\n\n[[functions]]\nid = \"x\"\nname = \"Y\"\nkind = \"gemeente\"\n",
        // twice one of the preset's
        "\n[[functions]]\nid = \"wijkagent\"\nname = \"X\"\n\n[[functions]]\nid = \"wijkagent\"\nname = \"Y\"\n",
    ] {
        let report = check_on_oss(body);
        let d = first_error(&report);
        assert_eq!(d.code, Code::DuplicateId, "{body}");
        let second = OSS_HEADER.lines().count()
            + body
                .rfind("[[functions]]")
                .map_or(0, |at| body[..at].matches('\n').count())
            + 1;
        assert_eq!(line_col(d).0, second, "{d}");
    }
}

#[test]
fn deciders_and_deciders_open_in_one_extending_file_is_the_full_models_error() {
    let body = "\n[[transitions]]\nid = \"4-naar-2\"\ndeciders = [\"adviseur-oov\"]\ndeciders_open = \"nog niet\"\n";
    let report = check_on_oss(body);
    let d = first_error(&report);
    assert_eq!(d.code, Code::BadTransition, "{:#?}", report.diagnostics);
    assert_eq!(line_col(d), (12, 1), "{d}");
}

#[test]
fn norms_merge_per_key() {
    let body = "\n[[phases]]\nid = \"2\"\n[phases.norms]\nevaluation_days = 30\n";
    let report = check_on_oss(body);
    assert!(report.is_valid(), "{:#?}", report.diagnostics);
    let m = report.model.expect("model");
    let p2 = m.phases.iter().find(|p| p.id.as_str() == "2").expect("2");
    let norms = p2.norms.as_ref().expect("norms");
    assert_eq!(norms.evaluation_days, Some(30));
    assert_eq!(norms.stagnation_days, Some(60), "kept from the preset");
    assert_eq!(norms.decision_days, Some(14), "kept from the preset");
    assert_eq!(norms.basis, ave_model::NormBasis::Productstandaard);
}

#[test]
fn rule_parameters_merge_per_key() {
    let body = "\n[rules.casusregie_required]\nenabled = false\n";
    let report = check_on_oss(body);
    assert!(report.is_valid(), "{:#?}", report.diagnostics);
    let m = report.model.expect("model");
    let rule = m.rules.casusregie_required.expect("rule");
    assert!(!rule.enabled);
    assert!(rule.from_phase.is_some(), "the preset's parameter stays");
}

#[test]
fn an_absent_rule_is_located_in_the_users_file() {
    // A full model without the rule: at its `[rules]`.
    let text = doc_example().replacen("[rules.casusregie_continuity]\nenabled = true\n", "", 1);
    let report = ave_model::check("model.toml", text.as_bytes(), &ave_model::NoBases);
    let d = report
        .diagnostics
        .iter()
        .find(|d| d.code == Code::RuleAbsent)
        .expect("W206");
    assert_eq!(d.path.as_deref(), Some("rules.casusregie_continuity"));
    let loc = d.location.as_ref().expect("location");
    assert_eq!(loc.file, "model.toml");
    // A model with no rules at all: at its `[model]` table.
    let start = text.find("[rules.").expect("rules");
    let text = &text[..start];
    let report = ave_model::check("model.toml", text.as_bytes(), &ave_model::NoBases);
    let d = report
        .diagnostics
        .iter()
        .find(|d| d.code == Code::RuleAbsent)
        .expect("W206");
    assert_eq!(d.location.as_ref().map(|l| l.line), Some(3), "{d}");
}

#[test]
fn each_base_is_loaded_once() {
    use std::cell::Cell;
    struct Counting<'a>(MapLoader, &'a Cell<usize>);
    impl ave_model::BaseLoader for Counting<'_> {
        fn load(
            &self,
            reference: &str,
            from: &str,
        ) -> Result<ave_model::Base, ave_model::BaseError> {
            self.1.set(self.1.get() + 1);
            self.0.load(reference, from)
        }
    }
    let calls = Cell::new(0);
    let middle = CHILD.replace("id = \"kind\"", "id = \"midden\"");
    let top = "[model]\nid = \"top\"\nname = \"t\"\ngemeente = \"T\"\nversion = \"1\"\nvalid_from = 2026-01-01\nextends = \"midden\"\n";
    let loader = Counting(
        MapLoader(vec![("basis", doc_example()), ("midden", middle)]),
        &calls,
    );
    let report = ave_model::check("top.toml", top.as_bytes(), &loader);
    assert!(report.is_valid(), "{:#?}", report.diagnostics);
    assert_eq!(calls.get(), 2);
}

// ---------------------------------------------------------------------------------------
// Property: a mistake placed in an extending file gives the same code, line and column as
// the same mistake in a full model.
// ---------------------------------------------------------------------------------------

mod same_as_full {
    use proptest::prelude::*;

    use crate::common::{MapLoader, doc_example};

    /// New items, each with a way to break it: (snippet, [(find, replace)]). Every
    /// replacement yields exactly one mistake.
    const ITEMS: &[(&str, &[(&str, &str)])] = &[
        (
            "[[functions]]\nid = \"nieuw\"\nname = \"Nieuwe functie\"\nkind = \"gemeente\"\n",
            &[
                ("name =", "nmae ="),
                ("\"gemeente\"", "\"burger\""),
                ("\"nieuw\"", "\"nieuw x\""),
                ("\"Nieuwe functie\"", "5"),
                ("kind = \"gemeente\"\n", ""),
            ],
        ),
        (
            "[[criteria]]\nid = \"nieuw-criterium\"\ntext = \"Iets nieuws\"\n",
            &[
                ("text =", "txet ="),
                ("\"Iets nieuws\"", "[1]"),
                ("\"nieuw-criterium\"", "\"nieuw criterium\""),
                ("text = \"Iets nieuws\"\n", ""),
            ],
        ),
        (
            "[[transitions]]\nid = \"extra-1-2\"\nfrom = \"1\"\nto = \"2\"\ndirection = \"op\"\ncriteria = [\"hulpvraag\"]\ndeciders = [\"consulent\"]\n",
            &[
                ("[\"consulent\"]", "[\"consulnet\"]"),
                ("to = \"2\"", "to = \"9\""),
                ("[\"hulpvraag\"]", "[\"hulpvraaag\"]"),
                ("\"op\"", "\"omhoog\""),
                ("direction = \"op\"\n", ""),
                ("[\"consulent\"]", "\"consulent\""),
                (
                    "deciders = [\"consulent\"]",
                    "deciders = [\"consulent\"]\ndeciders_open = \"x\"",
                ),
            ],
        ),
        (
            "[[phases]]\nid = \"5\"\norder = 5\ntitle = \"Nieuwe fase\"\n[phases.regie]\ncasusregie = { holders = [\"consulent\"] }\nprocesregie = { nvt = true }\noperationeel = { holders = [\"teamleider\"] }\nbestuurlijk = { holders = [\"burgemeester\"] }\n",
            &[
                ("order = 5", "order = \"vijf\""),
                ("order = 5", "order = 4"),
                (
                    "{ nvt = true }",
                    "{ nvt = true, holders = [\"consulent\"] }",
                ),
                ("[\"teamleider\"]", "[\"teamleidr\"]"),
                ("title =", "titel ="),
            ],
        ),
    ];

    /// Mistakes in the `[model]` table, which both files share line for line.
    const METADATA: &[(&str, &str)] = &[
        ("valid_from = 2025-01-01", "valid_from = \"1-1-2025\""),
        ("valid_from = 2025-01-01", "valid_from = 2025-02-30"),
        ("version = \"2025.1\"", "version = 2025"),
        ("gemeente = \"Voorbeeld\"", "gemeent = \"Voorbeeld\""),
        ("id = \"voorbeeld\"", "id = \"voor beeld\""),
    ];

    /// The errors of a report as (code, line, column), all in `file`.
    fn errors(report: &ave_model::Report, file: &str) -> Vec<(String, usize, usize)> {
        let mut v: Vec<_> = report
            .diagnostics
            .iter()
            .filter(|d| d.is_error())
            .map(|d| {
                let loc = d
                    .location
                    .as_ref()
                    .unwrap_or_else(|| panic!("no location: {d}"));
                assert_eq!(loc.file, file, "{d}");
                (d.code.to_string(), loc.line, loc.column)
            })
            .collect();
        v.sort();
        v
    }

    /// The full model and the extending file, with `snippet` on the same line in both.
    fn pair(metadata: Option<(&str, &str)>, snippet: &str, padding: usize) -> (String, String) {
        let mut full = doc_example();
        let end_of_model = full.find("\n\n[[principles]]").expect("metadata") + 1;
        let mut header = format!("{}extends = \"basis\"\n", &full[..end_of_model]);
        if let Some((find, replace)) = metadata {
            full = full.replacen(find, replace, 1);
            header = header.replacen(find, replace, 1);
        }
        let full_lines = full.matches('\n').count();
        let header_lines = header.matches('\n').count();
        let pad = |n: usize| "# opvulling\n".repeat(n);
        let full = format!("{full}{}{snippet}", pad(padding));
        let extending = format!(
            "{header}{}{snippet}",
            pad(full_lines - header_lines + padding)
        );
        (full, extending)
    }

    /// The errors must be the same. Only for a duplicate item may the full model report
    /// more: it keeps the second item, which then also collides on its order and has no
    /// transitions, while the extending file reports the duplicate and drops it.
    fn compare(full: &str, extending: &str, duplicate: bool) -> Result<(), TestCaseError> {
        let a = ave_model::check("mijn.toml", full.as_bytes(), &ave_model::NoBases);
        let loader = MapLoader(vec![("basis", doc_example())]);
        let b = ave_model::check("mijn.toml", extending.as_bytes(), &loader);
        let (ea, eb) = (errors(&a, "mijn.toml"), errors(&b, "mijn.toml"));
        prop_assert!(!ea.is_empty(), "the mistake is no mistake:\n{}", full);
        if duplicate {
            let dup = |e: &Vec<(String, usize, usize)>| e.iter().find(|x| x.0 == "E110").cloned();
            prop_assert!(dup(&ea).is_some());
            prop_assert_eq!(dup(&ea), dup(&eb));
            prop_assert!(
                eb.iter().all(|e| ea.contains(e)),
                "{:?} not within {:?}",
                eb,
                ea
            );
        } else {
            prop_assert_eq!(
                ea,
                eb,
                "\nfull: {:#?}\nextending: {:#?}",
                a.diagnostics,
                b.diagnostics
            );
        }
        Ok(())
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(96))]

        #[test]
        fn a_mistake_in_a_new_item_is_reported_alike(
            item in 0..ITEMS.len(),
            mistake in 0usize..16,
            padding in 0usize..6,
            twice in any::<bool>(),
        ) {
            let (snippet, mistakes) = ITEMS[item];
            let (find, replace) = mistakes[mistake % mistakes.len()];
            let broken = snippet.replacen(find, replace, 1);
            prop_assert_ne!(&broken, snippet);
            // Either the broken item, or a sound item given twice (a duplicate id).
            let snippet = if twice { format!("{snippet}\n{snippet}") } else { broken };
            let (full, extending) = pair(None, &format!("\n{snippet}"), padding);
            compare(&full, &extending, twice)?;
        }

        #[test]
        fn a_mistake_in_the_metadata_is_reported_alike(which in 0..METADATA.len(), padding in 0usize..3) {
            let (full, extending) = pair(Some(METADATA[which]), "", padding);
            compare(&full, &extending, false)?;
        }
    }
}

#[test]
fn a_gemeente_can_fill_in_an_open_legal_basis_and_open_proposers() {
    let child = "[model]\nid = \"kind\"\nname = \"k\"\ngemeente = \"K\"\nversion = \"1\"\n\
                 valid_from = 2026-01-01\nextends = \"basis\"\n\n[[phases]]\nid = \"4\"\n\n\
                 [phases.grondslag]\nbasis = \"Wams\"\nverwerkingsverantwoordelijke = \"college van B&W\"\n\n\
                 [[transitions]]\nid = \"3-naar-2\"\nproposers = [\"teamleider\"]\n";
    let loader = MapLoader(vec![("basis", doc_example())]);
    let report = ave_model::check("kind.toml", child.as_bytes(), &loader);
    assert!(report.is_valid(), "{:#?}", report.diagnostics);
    assert!(
        !report
            .diagnostics
            .iter()
            .any(|d| d.code == Code::OpenGrondslag || d.code == Code::OpenProposer),
        "{:#?}",
        report.diagnostics
    );
    let m = report.model.expect("model");
    let four = m.phases.iter().find(|p| p.id.as_str() == "4").expect("4");
    let g = four.grondslag.as_ref().expect("grondslag");
    assert_eq!(g.open, None);
    assert_eq!(g.basis.as_deref(), Some("Wams"));
    let t = m
        .transitions
        .iter()
        .find(|t| t.id.as_str() == "3-naar-2")
        .expect("t");
    assert_eq!(t.proposers_open, None);

    // And the other way round: a local model may leave open what its base filled in.
    let reopen = "[model]\nid = \"kind\"\nname = \"k\"\ngemeente = \"K\"\nversion = \"1\"\n\
                  valid_from = 2026-01-01\nextends = \"basis\"\n\n[[phases]]\nid = \"3\"\n\n\
                  [phases.grondslag]\nopen = \"nog te bepalen\"\n";
    let report = ave_model::check("kind.toml", reopen.as_bytes(), &loader);
    assert!(report.is_valid(), "{:#?}", report.diagnostics);
}

#[test]
fn groups_and_decision_kinds_merge_by_id_under_extends() {
    let child = "[model]\nid = \"kind\"\nname = \"k\"\ngemeente = \"K\"\nversion = \"1\"\n\
                 valid_from = 2026-01-01\nextends = \"basis\"\n\n\
                 [[decision_kinds]]\nid = \"last-onder-dwangsom\"\nname = \"Last onder dwangsom\"\ndeciders = [\"burgemeester\"]\n\n\
                 [[decision_kinds]]\nid = \"huisverbod\"\nnote = \"Lokaal: ook in AVE 3.\"\n\n\
                 [[function_groups]]\nid = \"lokaal\"\nname = \"Lokaal\"\nmembers = [\"consulent\"]\n";
    let loader = MapLoader(vec![("basis", doc_example())]);
    let report = ave_model::check("kind.toml", child.as_bytes(), &loader);
    assert!(report.is_valid(), "{:#?}", report.diagnostics);
    let m = report.model.expect("model");
    let kinds: Vec<&str> = m.decision_kinds.iter().map(|k| k.id.as_str()).collect();
    assert_eq!(kinds, ["huisverbod", "last-onder-dwangsom"]);
    let huisverbod = &m.decision_kinds[0];
    assert_eq!(
        huisverbod.name, "Tijdelijk huisverbod",
        "the base's keys stay"
    );
    assert_eq!(huisverbod.note.as_deref(), Some("Lokaal: ook in AVE 3."));
    let groups: Vec<&str> = m.function_groups.iter().map(|g| g.id.as_str()).collect();
    assert!(
        groups.contains(&"lokaal") && groups.len() >= 2,
        "{groups:?}"
    );
}
