//! A table of broken models: each mutation of the documented example gives its expected
//! error code, at the expected line, and nothing panics.

use crate::common::{check_text, doc_example};

/// One broken model: how to break the example, and what `check` must say.
struct Case {
    name: &'static str,
    /// Text to find (must occur exactly once) and its replacement.
    find: &'static str,
    replace: &'static str,
    code: &'static str,
    /// The reported line must be the line holding this text in the broken model.
    line_of: Option<&'static str>,
    /// The reported path must be this.
    path: Option<&'static str>,
}

const fn case(
    name: &'static str,
    find: &'static str,
    replace: &'static str,
    code: &'static str,
    line_of: Option<&'static str>,
    path: Option<&'static str>,
) -> Case {
    Case {
        name,
        find,
        replace,
        code,
        line_of,
        path,
    }
}

const CASES: &[Case] = &[
    case(
        "typo in a key",
        "share_percent = 80.0",
        "share_precent = 80.0",
        "E005",
        Some("share_precent"),
        None,
    ),
    case(
        "unknown enum value",
        "kind = \"inwoner\"",
        "kind = \"burger\"",
        "E005",
        Some("kind = \"burger\""),
        None,
    ),
    case(
        "wrong type",
        "order = 1\n",
        "order = \"een\"\n",
        "E006",
        Some("order = \"een\""),
        None,
    ),
    case(
        "id with a space",
        "id = \"1-naar-2\"",
        "id = \"1 naar 2\"",
        "E006",
        Some("1 naar 2"),
        None,
    ),
    case(
        "impossible date string",
        "valid_from = 2025-01-01",
        "valid_from = \"2025-02-30\"",
        "E006",
        Some("valid_from"),
        None,
    ),
    case(
        "unterminated string",
        "title = \"Het gewone leven\"",
        "title = \"Het gewone leven",
        "E001",
        Some("title = \"Het gewone leven"),
        None,
    ),
    case(
        "unknown function",
        "criteria = [\"onder-controle\"]\ndeciders = [\"burgemeester\"]",
        "criteria = [\"onder-controle\"]\ndeciders = [\"burgemeestr\"]",
        "E101",
        Some("burgemeestr"),
        Some("transitions[4-naar-3].deciders[0]"),
    ),
    case(
        "unknown phase",
        "from = \"3\"\nto = \"4\"",
        "from = \"3\"\nto = \"5\"",
        "E102",
        Some("to = \"5\""),
        Some("transitions[3-naar-4].to"),
    ),
    case(
        "unknown criterion",
        "criteria = [\"hulpvraag\"]",
        "criteria = [\"hulpvraaag\"]",
        "E103",
        Some("hulpvraaag"),
        Some("transitions[1-naar-2].criteria[0]"),
    ),
    case(
        "unknown fact",
        "{ fact = \"media-aandacht\" }",
        "{ fact = \"media\" }",
        "E104",
        None,
        Some("transitions[3-naar-4].condition.at_least.of[1].fact"),
    ),
    case(
        "unknown meeting kind",
        "decided_in = { meeting = \"mdo\"",
        "decided_in = { meeting = \"mdx\"",
        "E105",
        Some("mdx"),
        Some("transitions[2-procesregie-erbij].decided_in.meeting"),
    ),
    case(
        "unknown werkafspraak",
        "werkafspraken = [\"meldcode\"]",
        "werkafspraken = [\"meldkode\"]",
        "E106",
        Some("meldkode"),
        Some("transitions[2-naar-3].werkafspraken[0]"),
    ),
    case(
        "duplicate criterion id",
        "id = \"onder-controle\"",
        "id = \"stabiel\"",
        "E110",
        None,
        Some("criteria[5]"),
    ),
    case(
        "duplicate phase order",
        "id = \"4\"\norder = 4",
        "id = \"4\"\norder = 3",
        "E111",
        Some("order = 3\ntitle = \"Er is of dreigt"),
        Some("phases[4].order"),
    ),
    case(
        "incomplete regie table",
        "operationeel = { holders = [\"adviseur-oov\"] }\n",
        "",
        "E120",
        None,
        Some("phases[4].regie"),
    ),
    case(
        "role both n.v.t. and held",
        "procesregie = { nvt = true }",
        "procesregie = { nvt = true, holders = [\"procesregisseur\"] }",
        "E121",
        Some("procesregie = { nvt = true, holders"),
        Some("phases[1].regie.procesregie"),
    ),
    case(
        "empty role",
        "bestuurlijk = { holders = [\"burgemeester\"], note = \"Geen delegatie.\" }",
        "bestuurlijk = { note = \"Geen delegatie.\" }",
        "E121",
        Some("bestuurlijk = { note"),
        Some("phases[4].regie.bestuurlijk"),
    ),
    case(
        "nobody may decide",
        "proposers = [\"sociaal-domein\"]\ndeciders = [\"consulent\"]",
        "proposers = [\"sociaal-domein\"]",
        "E130",
        Some("[[transitions]]\nid = \"2-naar-1\""),
        Some("transitions[2-naar-1]"),
    ),
    case(
        "direction against the order",
        "to = \"1\"\ndirection = \"af\"",
        "to = \"1\"\ndirection = \"op\"",
        "E131",
        Some("[[transitions]]\nid = \"2-naar-1\""),
        Some("transitions[2-naar-1]"),
    ),
    case(
        "within a phase without effect",
        "effect = \"procesregie-toevoegen\"\n",
        "",
        "E131",
        Some("[[transitions]]\nid = \"2-procesregie-erbij\""),
        None,
    ),
    case(
        "no criteria",
        "direction = \"af\"\ncriteria = [\"onder-controle\"]\n",
        "direction = \"af\"\n",
        "E132",
        Some("[[transitions]]\nid = \"4-naar-3\""),
        Some("transitions[4-naar-3]"),
    ),
    case(
        "impossible at_least",
        "n = 1, of",
        "n = 3, of",
        "E133",
        None,
        Some("transitions[3-naar-4].condition.at_least.n"),
    ),
    case(
        "empty any",
        "{ any = [ { criterion = \"stagnatie\" }, { fact = \"minderjarigen\" } ] }",
        "{ any = [] }",
        "E133",
        None,
        Some("transitions[2-naar-3].condition.all[1].any"),
    ),
    case(
        "enabled rule without parameter",
        "arbiter = \"teamleider\"\n",
        "",
        "E160",
        None,
        Some("rules.disagreement_arbiter.arbiter"),
    ),
    case(
        "no gemeente and no regio",
        "gemeente = \"Voorbeeld\"\nregio = \"Voorbeeldregio\"\n",
        "",
        "E161",
        Some("[model]"),
        Some("model"),
    ),
    case(
        "share above 100",
        "share_percent = 15.0",
        "share_percent = 150.0",
        "E170",
        Some("share_percent = 150.0"),
        Some("phases[2].share_percent"),
    ),
    case(
        "norm of zero days",
        "evaluation_days = 7",
        "evaluation_days = 0",
        "E170",
        Some("evaluation_days = 0"),
        Some("phases[4].norms.evaluation_days"),
    ),
    case(
        "a group with a group among its members",
        "members = [\"consulent\", \"jeugdconsulent\", \"procesregisseur\"]",
        "members = [\"consulent\", \"sociaal-domein\"]",
        "E112",
        Some("members = [\"consulent\", \"sociaal-domein\"]"),
        Some("function_groups[sociaal-domein].members[1]"),
    ),
    case(
        "a group member that is no function",
        "members = [\"consulent\", \"jeugdconsulent\", \"procesregisseur\"]",
        "members = [\"consulent\", \"jeugdconsulnet\"]",
        "E101",
        Some("members = [\"consulent\", \"jeugdconsulnet\"]"),
        Some("function_groups[sociaal-domein].members[1]"),
    ),
    case(
        "a group with the id of a function",
        "id = \"sociaal-domein\"",
        "id = \"consulent\"",
        "E110",
        Some("id = \"consulent\"\nname = \"Professionals"),
        Some("function_groups[consulent].id"),
    ),
    case(
        "a legal basis both open and given",
        "open = \"De bron noemt geen grondslag voor AVE 4.\"",
        "open = \"De bron noemt geen grondslag voor AVE 4.\"\nbasis = \"WGS\"",
        "E122",
        Some("[phases.grondslag]\nopen"),
        Some("phases[4].grondslag"),
    ),
    case(
        "a consultation naming both a function and a role",
        "{ function = \"jeugdconsulent\", strength = \"kan\"",
        "{ function = \"jeugdconsulent\", role = \"casusregie\", strength = \"kan\"",
        "E134",
        Some("{ function = \"jeugdconsulent\", role"),
        Some("transitions[2-naar-3].consult[1]"),
    ),
    case(
        "a decision kind nobody may take",
        "deciders = [\"burgemeester\"]\nsource = \"Wet tijdelijk huisverbod\"",
        "source = \"Wet tijdelijk huisverbod\"",
        "E135",
        Some("[[decision_kinds]]"),
        Some("decision_kinds[huisverbod]"),
    ),
    case(
        "a strength on a rule that only knows moet",
        "[rules.transition_authority]\nenabled = true",
        "[rules.transition_authority]\nenabled = true\nstrength = \"bij-voorkeur\"",
        "E160",
        Some("strength = \"bij-voorkeur\"\n\n[rules.procesregie_review]"),
        Some("rules.transition_authority.strength"),
    ),
    case(
        "an entry condition on a criterion",
        "share_percent = 0.5\nentry = true",
        "share_percent = 0.5\nentry = true\nentry_when = { criterion = \"onrust\" }",
        "E133",
        Some("entry_when"),
        Some("phases[4].entry_when"),
    ),
    case(
        "proposers both given and open",
        "proposers_open = \"Fictief: de bron zegt niet wie afschalen voorstelt.\"",
        "proposers_open = \"Fictief: de bron zegt niet wie afschalen voorstelt.\"\nproposers = [\"consulent\"]",
        "E131",
        Some("proposers_open"),
        Some("transitions[3-naar-2].proposers_open"),
    ),
];

fn line_of(text: &str, needle: &str) -> usize {
    let at = text
        .find(needle)
        .unwrap_or_else(|| panic!("{needle:?} not in text"));
    text[..at].matches('\n').count() + 1
}

#[test]
fn each_broken_model_gives_its_code_and_position() {
    let example = doc_example();
    let mut failures = Vec::new();
    for c in CASES {
        assert_eq!(
            example.matches(c.find).count(),
            1,
            "{}: find text must be unique",
            c.name
        );
        let broken = example.replacen(c.find, c.replace, 1);
        let report = check_text(&broken);
        assert!(!report.is_valid(), "{}: still valid", c.name);
        let Some(d) = report
            .diagnostics
            .iter()
            .find(|d| d.code.as_str() == c.code)
        else {
            failures.push(format!(
                "{}: expected {}, got {:?}",
                c.name,
                c.code,
                report
                    .diagnostics
                    .iter()
                    .map(ToString::to_string)
                    .collect::<Vec<_>>()
            ));
            continue;
        };
        let loc = d
            .location
            .as_ref()
            .unwrap_or_else(|| panic!("{}: no location", c.name));
        assert_eq!(loc.file, "model.toml");
        if let Some(needle) = c.line_of {
            let want = line_of(&broken, needle);
            if loc.line != want {
                failures.push(format!("{}: {d} — expected line {want}", c.name));
            }
        }
        if let Some(path) = c.path
            && d.path.as_deref() != Some(path)
        {
            failures.push(format!("{}: {d} — expected path {path}", c.name));
        }
    }
    assert!(failures.is_empty(), "\n{}", failures.join("\n"));
}

#[test]
fn unreachable_phase_is_reported_at_that_phase() {
    // Without 3-naar-4 and without direct entry, AVE 4 cannot be reached.
    let example = doc_example();
    let start = example
        .find("[[transitions]]\nid = \"3-naar-4\"")
        .expect("block");
    let end = start
        + example[start..]
            .find("[[transitions]]\nid = \"4-naar-3\"")
            .expect("next");
    let mut broken = format!("{}{}", &example[..start], &example[end..]);
    broken = broken.replacen(
        "share_percent = 0.5\nentry = true",
        "share_percent = 0.5",
        1,
    );
    let report = check_text(&broken);
    let d = report
        .diagnostics
        .iter()
        .find(|d| d.code.as_str() == "E140")
        .expect("E140");
    assert_eq!(d.path.as_deref(), Some("phases[4]"));
    assert_eq!(
        d.location.as_ref().map(|l| l.line),
        Some(line_of(&broken, "[[phases]]\nid = \"4\"\norder = 4"))
    );
}

#[test]
fn a_model_without_entry_phase_is_refused() {
    let broken = doc_example().replace("entry = true\n", "");
    let report = check_text(&broken);
    assert!(report.diagnostics.iter().any(|d| d.code.as_str() == "E142"));
}

#[test]
fn phase_without_way_down_is_reported() {
    let example = doc_example();
    let start = example
        .find("[[transitions]]\nid = \"4-naar-3\"")
        .expect("block");
    let end = start + example[start..].find("[[triggers]]").expect("next");
    let broken = format!("{}{}", &example[..start], &example[end..]);
    let report = check_text(&broken);
    let d = report
        .diagnostics
        .iter()
        .find(|d| d.code.as_str() == "E141")
        .expect("E141");
    assert_eq!(d.path.as_deref(), Some("phases[4]"));
}

#[test]
fn warnings_do_not_make_a_model_invalid() {
    let example = doc_example();
    let broken = example.replacen("[rules.casusregie_continuity]\nenabled = true\n", "", 1);
    let report = check_text(&broken);
    assert!(report.is_valid());
    assert!(report.diagnostics.iter().any(|d| d.code.as_str() == "W206"));
    let broken = example.replacen(
        "[[criteria]]\nid = \"stabiel\"",
        "[[criteria]]\nid = \"ongebruikt\"\ntext = \"x\"\n\n[[criteria]]\nid = \"stabiel\"",
        1,
    );
    let report = check_text(&broken);
    assert!(report.is_valid());
    assert!(report.diagnostics.iter().any(|d| d.code.as_str() == "W201"));
}

#[test]
fn every_error_code_is_documented() {
    let doc = include_str!("../../../../docs/model-format.md");
    for code in ave_model::Code::ALL {
        let s = code.as_str();
        let documented = doc.contains(&format!("| {s} |"))
            || (s.starts_with("E10") && doc.contains("E101–E106"));
        assert!(
            documented,
            "{s} ({}) is not in docs/model-format.md",
            code.slug()
        );
    }
}

#[test]
fn a_misspelt_reference_suggests_the_declared_id() {
    let broken = doc_example().replacen(
        "criteria = [\"onder-controle\"]\ndeciders = [\"burgemeester\"]",
        "criteria = [\"onder-controle\"]\ndeciders = [\"burgemeestr\"]",
        1,
    );
    let report = check_text(&broken);
    let d = report
        .diagnostics
        .iter()
        .find(|d| d.code.as_str() == "E101")
        .expect("E101");
    assert!(d.message.ends_with("Bedoelt u `burgemeester`?"), "{d}");
    let broken = doc_example().replacen("from = \"3\"\nto = \"4\"", "from = \"3\"\nto = \"4x\"", 1);
    let report = check_text(&broken);
    let d = report
        .diagnostics
        .iter()
        .find(|d| d.code.as_str() == "E102")
        .expect("E102");
    assert!(d.message.contains("Bedoelt u `4`?"), "{d}");
}
