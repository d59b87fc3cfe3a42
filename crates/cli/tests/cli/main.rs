//! The `ave` binary as a user runs it: exit codes, formats, files.

use std::path::PathBuf;
use std::process::{Command, Output};

fn ave(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_ave"))
        .args(args)
        .current_dir(concat!(env!("CARGO_MANIFEST_DIR"), "/../.."))
        .output()
        .expect("ave runs")
}

fn stdout(o: &Output) -> String {
    String::from_utf8_lossy(&o.stdout).into_owned()
}

fn temp_dir(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("ave-cli-test-{}-{name}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).expect("temp dir");
    dir
}

#[test]
fn model_list_shows_the_five_presets() {
    let o = ave(&["model", "list"]);
    assert!(o.status.success());
    let out = stdout(&o);
    for p in [
        "noord-limburg",
        "oss",
        "westerkwartier",
        "regio-groningen",
        "ave-wams-wgs",
    ] {
        assert!(out.contains(p), "{out}");
    }
    let o = ave(&["model", "list", "--format", "json"]);
    let json: serde_json::Value = serde_json::from_slice(&o.stdout).expect("json");
    assert_eq!(json.as_array().map(Vec::len), Some(5));
    assert!(
        json.as_array()
            .expect("list")
            .iter()
            .all(|p| p["valid"] == true)
    );
}

#[test]
fn check_exits_0_on_valid_models_and_1_on_errors() {
    let dir = temp_dir("check");
    let bad = dir.join("kapot.toml");
    std::fs::write(&bad, "[model]\nid = \"x\"\nnaam = \"typo\"\n").expect("write");
    let o = ave(&["model", "check", "oss", "westerkwartier"]);
    assert_eq!(o.status.code(), Some(0), "{}", stdout(&o));
    let o = ave(&["model", "check", "oss", bad.to_str().expect("path")]);
    assert_eq!(o.status.code(), Some(1));
    let out = stdout(&o);
    assert!(
        out.contains("fout[E005]") && out.contains("kapot.toml:3:1"),
        "{out}"
    );
    let o = ave(&[
        "model",
        "check",
        "--format",
        "json",
        bad.to_str().expect("path"),
    ]);
    let json: serde_json::Value = serde_json::from_slice(&o.stdout).expect("json");
    assert_eq!(json[0]["valid"], false);
    assert_eq!(json[0]["diagnostics"][0]["code"], "E005");
    assert_eq!(json[0]["diagnostics"][0]["location"]["line"], 3);
}

#[test]
fn a_missing_file_is_a_clear_error_with_exit_2() {
    let o = ave(&["model", "check", "bestaat-niet.toml"]);
    assert_eq!(o.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&o.stderr).contains("geen bestand en geen preset"));
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
fn diff_compares_two_models() {
    let o = ave(&["model", "diff", "noord-limburg", "oss", "--format", "json"]);
    assert!(o.status.success());
    let json: serde_json::Value = serde_json::from_slice(&o.stdout).expect("json");
    assert_eq!(json["a"], "noord-limburg");
    assert!(json["phases"].as_array().is_some_and(|p| p.len() == 4));
}

#[test]
fn init_writes_a_model_that_checks_and_never_overwrites() {
    let dir = temp_dir("init");
    let file = dir.join("mijn.toml");
    let path = file.to_str().expect("path");
    let o = ave(&[
        "model",
        "init",
        "--from",
        "regio-groningen",
        "--gemeente",
        "Het Hogeland",
        "--extends",
        "-o",
        path,
    ]);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let text = std::fs::read_to_string(&file).expect("written");
    assert!(
        text.contains("id = \"het-hogeland\"") && text.contains("extends = \"regio-groningen\""),
        "{text}"
    );
    let o = ave(&["model", "check", path]);
    assert_eq!(o.status.code(), Some(0), "{}", stdout(&o));
    let o = ave(&[
        "model",
        "init",
        "--from",
        "oss",
        "--gemeente",
        "X",
        "-o",
        path,
    ]);
    assert_eq!(o.status.code(), Some(2));
    assert_eq!(std::fs::read_to_string(&file).expect("unchanged"), text);
}

#[test]
fn schema_prints_the_checked_in_schema() {
    let o = ave(&["model", "schema"]);
    let checked_in = std::fs::read_to_string(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../../schema/ave-model.schema.json"
    ))
    .expect("schema");
    assert_eq!(stdout(&o), checked_in);
}

#[test]
fn klantreis_exits_0_when_every_expectation_is_met_and_1_otherwise() {
    let scenario = "examples/klantreis/noord-limburg/01-op-en-afschalen.toml";
    let o = ave(&["klantreis", scenario]);
    assert_eq!(o.status.code(), Some(0), "{}", stdout(&o));
    assert!(stdout(&o).contains("Hiaten"));
    // Under another model the same journey breaks: its functions do not exist there.
    let o = ave(&["klantreis", scenario, "--model", "oss", "--format", "json"]);
    assert_eq!(o.status.code(), Some(1));
    let json: serde_json::Value = serde_json::from_slice(&o.stdout).expect("json");
    assert!(json["unmet"].as_u64().is_some_and(|n| n > 0));
}
