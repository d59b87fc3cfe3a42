//! `ave model check`: every file checked and reported, in text and JSON alike, with the
//! documented exit codes, the right plurals, and library text only under `--verbose`.

use crate::{ON_OSS, assert_dutch, ave, ave_in, stdout, temp_dir};

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
    assert!(out.contains("Bedoelt u `name`?"), "{out}");
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
fn every_file_is_checked_even_after_an_unreadable_one() {
    let dir = temp_dir("many");
    std::fs::write(dir.join("goed.toml"), ON_OSS).expect("write");
    std::fs::write(
        dir.join("fout.toml"),
        ON_OSS.replace("2026-01-01", "\"1-1-2025\""),
    )
    .expect("write");
    let args = [
        "model",
        "check",
        "goed.toml",
        "weg.toml",
        "fout.toml",
        "oss",
    ];
    let o = ave_in(&dir, &args, std::time::Duration::from_secs(20));
    assert_eq!(o.status.code(), Some(2), "unreadable wins");
    let out = stdout(&o);
    assert!(out.contains("goed.toml: geldig"), "{out}");
    assert!(
        out.contains("weg.toml: ONLEESBAAR (1 fout, 0 waarschuwingen)"),
        "{out}"
    );
    assert!(out.contains("fout[E007]: weg.toml bestaat niet"), "{out}");
    assert!(out.contains("fout.toml: ONGELDIG (1 fout,"), "{out}");
    assert!(out.contains("fout.toml:6:14"), "{out}");
    assert!(out.contains("preset:oss: geldig"), "{out}");
    assert_dutch(&out);
    let mut json_args = args.to_vec();
    json_args.push("--format");
    json_args.push("json");
    let o = ave_in(&dir, &json_args, std::time::Duration::from_secs(20));
    assert_eq!(o.status.code(), Some(2));
    let json: serde_json::Value = serde_json::from_slice(&o.stdout).expect("json on stdout");
    let files = json.as_array().expect("one entry per file");
    assert_eq!(files.len(), 4);
    assert_eq!(files[1]["file"], "weg.toml");
    assert_eq!(files[1]["readable"], false);
    assert_eq!(files[1]["diagnostics"][0]["code"], "E007");
    assert_eq!(files[2]["valid"], false);
    assert_eq!(files[3]["valid"], true);
}

#[test]
fn counts_use_singular_and_plural() {
    // The preset's own warnings (its open points), counted from the JSON report.
    let json: serde_json::Value = serde_json::from_str(&stdout(&ave(&[
        "model", "check", "--format", "json", "oss",
    ])))
    .expect("json");
    let warnings = json[0]["diagnostics"]
        .as_array()
        .expect("diagnostics")
        .len();
    assert!(warnings >= 2, "{warnings}");
    let o = ave(&["model", "check", "oss"]);
    assert!(
        stdout(&o).contains(&format!("(0 fouten, {warnings} waarschuwingen)")),
        "{}",
        stdout(&o)
    );
    let dir = temp_dir("plural");
    let file = dir.join("m.toml");
    let text = ON_OSS
        .replace("[model]\n", "[model]\nid2 = 1\n")
        .replace("version = \"0.1\"", "version = 1");
    std::fs::write(&file, &text).expect("write");
    let out = stdout(&ave(&["model", "check", file.to_str().expect("path")]));
    assert!(out.contains("(1 fout, 0 waarschuwingen)"), "{out}");
    let file2 = dir.join("w.toml");
    std::fs::write(
        &file2,
        format!("{ON_OSS}\n[[functions]]\nid = \"x\"\nname = \"X\"\nkind = \"gemeente\"\n"),
    )
    .expect("write");
    let out = stdout(&ave(&["model", "check", file2.to_str().expect("path")]));
    let expected = format!("(0 fouten, {} waarschuwingen)", warnings + 1);
    assert!(out.contains(&expected), "{out}");
}

#[test]
fn library_text_is_shown_only_with_verbose() {
    let dir = temp_dir("verbose");
    let file = dir.join("m.toml");
    std::fs::write(&file, ON_OSS.replace("version = \"0.1\"", "version = 1")).expect("write");
    let path = file.to_str().expect("path");
    let out = stdout(&ave(&["model", "check", path]));
    assert!(
        out.contains("verkeerd soort waarde: het gehele getal 1, verwacht een tekst"),
        "{out}"
    );
    assert_dutch(&out);
    let out = stdout(&ave(&["model", "check", "--verbose", path]));
    assert!(
        out.contains("technisch: invalid type: integer `1`, expected a string"),
        "{out}"
    );
    let o = ave(&["model", "check", "--format", "json", path]);
    let json: serde_json::Value = serde_json::from_slice(&o.stdout).expect("json");
    assert!(json[0]["diagnostics"][0].get("detail").is_none());
    let o = ave(&["-v", "model", "check", "--format", "json", path]);
    let json: serde_json::Value = serde_json::from_slice(&o.stdout).expect("json");
    assert!(
        json[0]["diagnostics"][0]["detail"]
            .as_str()
            .is_some_and(|d| d.contains("invalid type"))
    );
}

#[test]
fn findings_in_a_preset_name_the_preset_and_never_a_line_in_it() {
    let dir = temp_dir("preset-warnings");
    let file = dir.join("m.toml");
    std::fs::write(&file, ON_OSS).expect("write");
    let out = stdout(&ave(&["model", "check", file.to_str().expect("path")]));
    assert!(
        out.contains("waarschuwing[W204] in basismodel oss (transitions[4-naar-2].deciders_open)"),
        "{out}"
    );
    assert!(!out.contains("preset:oss:"), "{out}");
}
