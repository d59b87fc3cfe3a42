//! The pages in a real browser: `node tests/browser/run.mjs` starts this `ave` as
//! `ave serve --demo`, drives Debian's chromium through playwright-core (the journeys, a
//! keyboard-only login, a crawler with axe-core on every page) and exits 0 when everything
//! passed. See tests/browser/README.md.
//!
//! Without Node.js, chromium or `npm ci` in `tests/browser` this test says so and passes;
//! with `AVE_REQUIRE_BROWSER=1` (as in `.ci/run`) it fails instead.

use std::path::PathBuf;
use std::process::{Command, Stdio};

use crate::{CONFIG_VARS, root};

fn browser_dir() -> PathBuf {
    root().join("tests/browser")
}

fn chromium() -> PathBuf {
    std::env::var_os("AVE_CHROMIUM")
        .map_or_else(|| PathBuf::from("/usr/bin/chromium"), PathBuf::from)
}

/// Whether the browser test can run here; if not, a skip (or, under
/// `AVE_REQUIRE_BROWSER=1`, a failure) with the reason.
fn browser_available() -> bool {
    let node = Command::new("node")
        .arg("--version")
        .output()
        .is_ok_and(|o| o.status.success());
    let modules = browser_dir().join("node_modules");
    let reason = if !node {
        "node (Node.js) is niet gevonden".to_owned()
    } else if !modules.join("playwright-core").is_dir() || !modules.join("axe-core").is_dir() {
        "tests/browser heeft geen node_modules: draai daar `npm ci`".to_owned()
    } else if !chromium().is_file() {
        format!(
            "chromium is niet gevonden op {} (apt-get install chromium, of zet AVE_CHROMIUM)",
            chromium().display()
        )
    } else {
        return true;
    };
    if std::env::var("AVE_REQUIRE_BROWSER").is_ok_and(|v| v == "1") {
        panic!("AVE_REQUIRE_BROWSER=1, maar {reason}");
    }
    eprintln!("browsertest overgeslagen: {reason}");
    false
}

#[test]
fn the_pages_in_a_real_browser() {
    if !browser_available() {
        return;
    }
    let mut cmd = Command::new("node");
    cmd.arg("run.mjs")
        .current_dir(browser_dir())
        .env("AVE_BIN", env!("CARGO_BIN_EXE_ave"))
        .env("AVE_CHROMIUM", chromium())
        .stdin(Stdio::null());
    for var in CONFIG_VARS {
        cmd.env_remove(var);
    }
    let output = cmd.output().expect("node starts");
    let out = String::from_utf8_lossy(&output.stdout);
    let err = String::from_utf8_lossy(&output.stderr);
    println!("{out}");
    eprintln!("{err}");
    assert!(
        output.status.success(),
        "de browsertest faalde ({}); de uitvoer staat hierboven, de schermafdrukken in target/browser-artefacts",
        output.status
    );
}
