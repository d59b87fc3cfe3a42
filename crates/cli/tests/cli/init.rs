//! `ave model init`: a model that checks, never an overwritten file, names that make ids.

use crate::{assert_dutch, ave, stderr, stdout, temp_dir};

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
    assert!(o.status.success(), "{}", stderr(&o));
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
    assert!(
        stderr(&o).contains("bestaat al; ave overschrijft nooit een bestand"),
        "{}",
        stderr(&o)
    );
    assert_dutch(&stderr(&o));
    assert_eq!(std::fs::read_to_string(&file).expect("unchanged"), text);
}

#[test]
fn accents_are_folded_into_the_id() {
    for extends in [true, false] {
        let mut args = vec![
            "model",
            "init",
            "--from",
            "oss",
            "--gemeente",
            "Súdwest-Fryslân",
        ];
        if extends {
            args.push("--extends");
        }
        let o = ave(&args);
        assert!(o.status.success(), "{}", stderr(&o));
        assert!(
            stdout(&o).contains("id = \"sudwest-fryslan\""),
            "{}",
            stdout(&o)
        );
    }
}

#[test]
fn a_gemeente_name_of_more_than_one_line_is_refused() {
    let dir = temp_dir("init-newline");
    let file = dir.join("m.toml");
    let o = ave(&[
        "model",
        "init",
        "--from",
        "oss",
        "--gemeente",
        "Oss\n[model]",
        "--extends",
        "-o",
        file.to_str().expect("path"),
    ]);
    assert_eq!(o.status.code(), Some(2));
    assert!(
        stderr(&o).contains("--gemeente moet één regel tekst zijn"),
        "{}",
        stderr(&o)
    );
    assert!(!file.exists());
}

#[test]
fn a_name_without_letters_asks_for_an_id_and_does_not_blame_one() {
    let o = ave(&["model", "init", "--from", "oss", "--gemeente", "!!!"]);
    assert_eq!(o.status.code(), Some(2));
    let err = stderr(&o);
    assert!(
        err.contains("uit de gemeentenaam \"!!!\" is geen id te maken"),
        "{err}"
    );
    assert!(!err.starts_with("fout: --id"), "{err}");
    let o = ave(&[
        "model",
        "init",
        "--from",
        "oss",
        "--gemeente",
        "!!!",
        "--id",
        "uitroep",
    ]);
    assert!(o.status.success(), "{}", stderr(&o));
}
