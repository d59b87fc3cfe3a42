//! `ave model list`, `show`, `diff` and `schema`.

use crate::{ave, stdout};

#[test]
fn model_list_shows_the_five_presets_in_aligned_columns() {
    let o = ave(&["model", "list"]);
    assert!(o.status.success());
    let out = stdout(&o);
    let lines: Vec<&str> = out.lines().collect();
    assert_eq!(lines.len(), 6, "{out}");
    for p in [
        "noord-limburg",
        "oss",
        "westerkwartier",
        "regio-groningen",
        "ave-wams-wgs",
    ] {
        assert!(lines.iter().any(|l| l.starts_with(p)), "{out}");
    }
    // Every row has its "geldig" column where the header has it.
    let column =
        |l: &str| l.char_indices().count() - l[l.find("geldig").unwrap_or(0)..].chars().count();
    let at = lines[0]
        .find("geldig")
        .map(|_| column(lines[0]))
        .expect("header");
    for l in &lines[1..] {
        let chars: Vec<char> = l.chars().collect();
        assert_eq!(chars.get(at), Some(&'j'), "misaligned: {l}\n{out}");
    }
    assert!(!out.contains("regio Regio"), "{out}");
    let o = ave(&["model", "list", "--format", "json"]);
    let json: serde_json::Value = serde_json::from_slice(&o.stdout).expect("json");
    let presets = json.as_array().expect("list");
    assert_eq!(presets.len(), 5);
    assert!(presets.iter().all(|p| p["valid"] == true));
    assert_eq!(
        presets[0]["document"],
        "Handreiking AVE model Noord-Limburg"
    );
}

#[test]
fn show_prints_the_poster_and_the_model() {
    let o = ave(&["model", "show", "westerkwartier", "--format", "markdown"]);
    assert!(o.status.success());
    let out = stdout(&o);
    assert!(
        out.contains("## AVE 2B") && out.contains("| Casusregie |"),
        "{out}"
    );
    let o = ave(&["model", "show", "oss", "--format", "json"]);
    let json: serde_json::Value = serde_json::from_slice(&o.stdout).expect("json");
    assert_eq!(json["model"]["id"], "oss");
}

#[test]
fn diff_compares_two_models_side_by_side_and_per_field() {
    let o = ave(&["model", "diff", "noord-limburg", "oss", "--format", "json"]);
    assert!(o.status.success());
    let json: serde_json::Value = serde_json::from_slice(&o.stdout).expect("json");
    assert_eq!(json["a"], "noord-limburg");
    assert!(json["phases"].as_array().is_some_and(|p| p.len() == 4));
    assert!(json["changes"].as_array().is_some_and(|c| c.len() > 100));
    let o = ave(&["model", "diff", "oss", "oss"]);
    assert!(stdout(&o).contains("(0 verschillen)"), "{}", stdout(&o));
}

#[test]
fn schema_prints_the_checked_in_schema() {
    let o = ave(&["model", "schema"]);
    let checked_in = std::fs::read_to_string(crate::root().join("schema/ave-model.schema.json"))
        .expect("schema");
    assert_eq!(stdout(&o), checked_in);
}
