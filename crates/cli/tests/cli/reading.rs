//! Safe reading: only regular files, never more than the size limit, `extends` and a
//! scenario's `model` confined to the directory of the file that names them, no echo of a
//! foreign file. Every case must end quickly (the helper kills a command after the limit).

use std::time::Duration;

use crate::{ON_OSS, assert_dutch, ave_in, stderr, stdout, temp_dir};

const QUICK: Duration = Duration::from_secs(10);

fn check_extends(dir: &std::path::Path, reference: &str) -> String {
    let text = ON_OSS.replace("extends = \"oss\"", &format!("extends = {reference:?}"));
    std::fs::write(dir.join("m.toml"), text).expect("write");
    let o = ave_in(dir, &["model", "check", "m.toml"], QUICK);
    assert_eq!(o.status.code(), Some(1), "{reference}: {}", stdout(&o));
    let out = stdout(&o);
    assert_dutch(&out);
    out
}

#[cfg(unix)]
fn fifo(path: &std::path::Path) {
    let status = std::process::Command::new("mkfifo")
        .arg(path)
        .status()
        .expect("mkfifo");
    assert!(status.success());
}

#[cfg(unix)]
#[test]
fn special_files_named_on_the_command_line_are_refused_at_once() {
    let dir = temp_dir("special");
    fifo(&dir.join("pijp.toml"));
    std::fs::create_dir(dir.join("map.toml")).expect("dir");
    let o = ave_in(
        &dir,
        &["model", "check", "pijp.toml", "/dev/zero", "map.toml"],
        QUICK,
    );
    assert_eq!(o.status.code(), Some(2));
    let out = stdout(&o);
    assert!(
        out.contains("pijp.toml is een FIFO (named pipe), geen gewoon bestand"),
        "{out}"
    );
    assert!(
        out.contains("/dev/zero is een apparaatbestand, geen gewoon bestand"),
        "{out}"
    );
    assert!(
        out.contains("map.toml is een map, geen gewoon bestand"),
        "{out}"
    );
    for args in [
        &["model", "show", "pijp.toml"][..],
        &["model", "diff", "/dev/zero", "oss"][..],
        &["klantreis", "pijp.toml"][..],
        &["klantreis", "/dev/zero"][..],
        &["klantreis", "map.toml"][..],
    ] {
        let o = ave_in(&dir, args, QUICK);
        assert_eq!(o.status.code(), Some(2), "{args:?}");
        assert!(
            stderr(&o).contains("geen gewoon bestand"),
            "{args:?}: {}",
            stderr(&o)
        );
        assert_dutch(&stderr(&o));
    }
    let _ = std::fs::remove_dir_all(&dir);
}

#[cfg(unix)]
#[test]
fn extends_may_not_name_a_special_file() {
    let dir = temp_dir("extends-fifo");
    fifo(&dir.join("pijp.toml"));
    let out = check_extends(&dir, "pijp.toml");
    assert!(out.contains("fout[E007] m.toml:7:11"), "{out}");
    assert!(out.contains("basismodel pijp.toml is een FIFO"), "{out}");
    std::fs::create_dir(dir.join("map.toml")).expect("dir");
    let out = check_extends(&dir, "map.toml");
    assert!(out.contains("basismodel map.toml is een map"), "{out}");
}

#[test]
fn extends_may_not_leave_the_directory_of_the_model() {
    let dir = temp_dir("extends-escape");
    for reference in [
        "/dev/zero",
        "/etc/shadow",
        "/proc/self/environ",
        "/etc/passwd",
    ] {
        let out = check_extends(&dir, reference);
        assert!(out.contains("fout[E153] m.toml:7:11"), "{reference}: {out}");
        assert!(out.contains("is een absoluut pad"), "{out}");
    }
    for reference in [
        "../../../etc/passwd",
        "sub/../../buiten.toml",
        "../buiten.toml",
    ] {
        let out = check_extends(&dir, reference);
        assert!(out.contains("fout[E153]"), "{reference}: {out}");
        assert!(out.contains("buiten de map van dit model"), "{out}");
    }
}

#[cfg(unix)]
#[test]
fn a_symbolic_link_out_of_the_directory_is_refused_and_never_echoed() {
    let dir = temp_dir("extends-link");
    let outside = temp_dir("extends-link-outside");
    std::fs::write(
        outside.join("geheim.toml"),
        "GEHEIM = \"wachtwoord-123\"\n[model\n",
    )
    .expect("write");
    std::os::unix::fs::symlink(outside.join("geheim.toml"), dir.join("link.toml"))
        .expect("symlink");
    let out = check_extends(&dir, "link.toml");
    assert!(out.contains("fout[E153]"), "{out}");
    assert!(out.contains("symbolische koppeling"), "{out}");
    assert!(!out.contains("wachtwoord"), "{out}");
}

#[test]
fn a_base_inside_the_directory_is_read_and_its_content_never_echoed_in_syntax_errors() {
    let dir = temp_dir("extends-inside");
    std::fs::create_dir(dir.join("basis")).expect("dir");
    std::fs::write(dir.join("basis/regio.toml"), "GEHEIM=wachtwoord-123 ???\n").expect("write");
    let out = check_extends(&dir, "basis/regio.toml");
    assert!(out.contains("fout[E152] m.toml:7:11"), "{out}");
    assert!(out.contains("fout[E001] basis/regio.toml:1:"), "{out}");
    assert!(!out.contains("wachtwoord"), "{out}");
    let o = ave_in(&dir, &["-v", "model", "check", "m.toml"], QUICK);
    assert!(!stdout(&o).contains("wachtwoord"), "{}", stdout(&o));
}

#[test]
fn a_huge_file_is_refused_after_reading_no_more_than_the_limit() {
    let dir = temp_dir("huge");
    std::fs::write(dir.join("groot.toml"), vec![b'#'; 8 * 1024 * 1024]).expect("write");
    let o = ave_in(&dir, &["model", "check", "groot.toml"], QUICK);
    assert_eq!(o.status.code(), Some(1));
    assert!(
        stdout(&o).contains("fout[E003] groot.toml:1:1: het bestand is groter dan 1048576 bytes"),
        "{}",
        stdout(&o)
    );
    let out = check_extends(&dir, "groot.toml");
    assert!(out.contains("fout[E003]"), "{out}");
}

#[test]
fn a_missing_file_is_a_clear_error_with_exit_2() {
    let dir = temp_dir("missing");
    let o = ave_in(&dir, &["model", "check", "bestaat-niet.toml"], QUICK);
    assert_eq!(o.status.code(), Some(2));
    assert!(
        stdout(&o).contains("bestaat-niet.toml bestaat niet"),
        "{}",
        stdout(&o)
    );
    let o = ave_in(&dir, &["-v", "model", "check", "bestaat-niet.toml"], QUICK);
    assert!(
        stdout(&o).contains("technisch: No such file or directory"),
        "{}",
        stdout(&o)
    );
    let o = ave_in(&dir, &["model", "show", "os"], QUICK);
    assert_eq!(o.status.code(), Some(2));
    assert!(
        stderr(&o).contains("\"os\" is geen bestand en geen preset. Bedoelt u `oss`?"),
        "{}",
        stderr(&o)
    );
}

#[test]
fn a_scenario_names_its_model_only_inside_its_own_directory() {
    let dir = temp_dir("scenario-model");
    let scenario = std::fs::read_to_string(
        crate::root().join("examples/klantreis/oss/01-op-en-afschalen.toml"),
    )
    .expect("scenario");
    for (reference, want) in [
        ("/etc/passwd", "absoluut pad"),
        ("../oss.toml", "buiten de map"),
    ] {
        std::fs::write(
            dir.join("s.toml"),
            scenario.replace("model = \"oss\"", &format!("model = {reference:?}")),
        )
        .expect("write");
        let o = ave_in(&dir, &["klantreis", "s.toml"], QUICK);
        assert_eq!(o.status.code(), Some(2), "{reference}");
        assert!(stderr(&o).contains(want), "{reference}: {}", stderr(&o));
    }
}
