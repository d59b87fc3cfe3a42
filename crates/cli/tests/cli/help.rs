//! Help, usage and clap's errors are Dutch; each `--format` offers only what the command
//! can produce.

use crate::{assert_dutch, ave, stderr, stdout};

const COMMANDS: &[&[&str]] = &[
    &[],
    &["model"],
    &["model", "list"],
    &["model", "show"],
    &["model", "check"],
    &["model", "diff"],
    &["model", "init"],
    &["model", "schema"],
    &["klantreis"],
    &["serve"],
    &["config"],
    &["config", "show"],
    &["db", "migrate"],
    &["db", "backup"],
    &["audit", "verify"],
    &["logboek", "toon"],
];

#[test]
fn every_help_page_is_dutch() {
    for command in COMMANDS {
        let mut args = command.to_vec();
        args.push("--help");
        let o = ave(&args);
        assert_eq!(o.status.code(), Some(0), "{args:?}");
        let out = stdout(&o);
        assert!(out.contains("Gebruik: ave"), "{args:?}:\n{out}");
        assert!(out.contains("Toon deze hulp"), "{out}");
        assert_dutch(&out);
        // The short form too.
        let mut args = command.to_vec();
        args.push("-h");
        assert_dutch(&stdout(&ave(&args)));
    }
}

#[test]
fn the_exit_codes_of_check_are_in_its_help() {
    let out = stdout(&ave(&["model", "check", "--help"]));
    assert!(out.contains("Afsluitcode: 0"), "{out}");
    assert!(out.contains("1 als een model fouten heeft"), "{out}");
    assert!(out.contains("2 als een bestand niet te lezen is"), "{out}");
}

#[test]
fn without_a_command_the_help_is_shown_with_exit_2() {
    let o = ave(&[]);
    assert_eq!(o.status.code(), Some(2));
    assert!(stderr(&o).contains("Opdrachten:"), "{}", stderr(&o));
    assert_dutch(&stderr(&o));
}

#[test]
fn the_version_is_shown() {
    let o = ave(&["--version"]);
    assert_eq!(o.status.code(), Some(0));
    assert!(stdout(&o).starts_with("ave "), "{}", stdout(&o));
}

#[test]
fn clap_errors_are_worded_in_dutch_with_a_suggestion() {
    for (args, want) in [
        (
            &["model", "check", "--formt", "json", "oss"][..],
            "onverwacht argument '--formt'. Bedoelt u '--format'?",
        ),
        (&["model", "chek"][..], "onbekende opdracht 'chek'"),
        (&["model", "check"][..], "verplicht argument ontbreekt"),
        (
            &["model", "show", "oss", "--format", "jsn"][..],
            "ongeldige waarde 'jsn' voor --format <FORMAAT>",
        ),
    ] {
        let o = ave(args);
        assert_eq!(o.status.code(), Some(2), "{args:?}");
        let err = stderr(&o);
        assert!(err.starts_with("fout: "), "{err}");
        assert!(err.contains(want), "{args:?}:\n{err}");
        assert!(
            err.contains("Meer informatie: ave") || err.contains("mogelijk:"),
            "{err}"
        );
        assert_dutch(&err);
    }
}

#[test]
fn each_format_option_lists_only_what_the_command_can_produce() {
    for args in [
        &["model", "list", "--format", "markdown"][..],
        &["model", "check", "oss", "--format", "markdown"][..],
        &[
            "klantreis",
            "examples/klantreis/oss/01-op-en-afschalen.toml",
            "--format",
            "markdown",
        ][..],
    ] {
        let o = ave(args);
        assert_eq!(o.status.code(), Some(2), "{args:?}: {}", stdout(&o));
        assert!(
            stderr(&o).contains("mogelijk: text, json\n"),
            "{args:?}: {}",
            stderr(&o)
        );
    }
    for args in [
        &["model", "show", "oss", "--format", "markdown"][..],
        &["model", "diff", "oss", "oss", "--format", "markdown"][..],
    ] {
        assert_eq!(ave(args).status.code(), Some(0), "{args:?}");
    }
}
