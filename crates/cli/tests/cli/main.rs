//! The `ave` binary as a user runs it: exit codes, formats, files, and every text in Dutch.
//! One test binary, a module per feature.

mod accounts;
mod allocator;
mod audit;
mod browser;
mod check;
mod config;
mod crash;
mod database;
mod directory;
mod help;
mod init;
mod klantreis;
mod model;
mod reading;
mod versions;

use std::io::Read;
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};
use std::time::{Duration, Instant};

/// A runtime on the current thread, for a test that works on a store directly.
pub fn runtime() -> tokio::runtime::Runtime {
    tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("runtime")
}

/// The repository root, where the examples are.
pub fn root() -> PathBuf {
    PathBuf::from(concat!(env!("CARGO_MANIFEST_DIR"), "/../.."))
}

/// The environment variables `ave` reads its configuration from; removed from every
/// command a test runs, so that a developer's own settings never change a test.
pub const CONFIG_VARS: &[&str] = &[
    "AVE_CONFIG",
    "AVE_DATABASE",
    "AVE_DATA_DIR",
    "AVE_LISTEN",
    "AVE_LOG",
    "AVE_LOG_FORMAT",
    "AVE_PROCESSING_KEY",
    "AVE_AUDIT_KEY",
    "AVE_AUDIT_CHECKPOINT_EVERY",
];

/// The `ave` binary with none of [`CONFIG_VARS`] and `env` set, run in `dir`.
pub fn ave_command(dir: &Path, args: &[&str], env: &[(&str, &str)]) -> Command {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_ave"));
    cmd.args(args).current_dir(dir);
    for var in CONFIG_VARS {
        cmd.env_remove(var);
    }
    cmd.envs(env.iter().copied());
    cmd
}

/// Runs `ave` in `dir`, and fails the test if it takes longer than `limit` (it is then
/// killed): no input may make a command hang.
pub fn ave_in(dir: &Path, args: &[&str], limit: Duration) -> Output {
    ave_env(dir, args, &[], limit)
}

/// [`ave_in`] with environment variables set.
pub fn ave_env(dir: &Path, args: &[&str], env: &[(&str, &str)], limit: Duration) -> Output {
    let mut child = ave_command(dir, args, env)
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("ave starts");
    // Read both pipes while waiting, so a long output never blocks the child.
    let reader = |pipe: Option<Box<dyn Read + Send>>| {
        std::thread::spawn(move || {
            let mut bytes = Vec::new();
            if let Some(mut pipe) = pipe {
                let _ = pipe.read_to_end(&mut bytes);
            }
            bytes
        })
    };
    let out = reader(
        child
            .stdout
            .take()
            .map(|p| Box::new(p) as Box<dyn Read + Send>),
    );
    let err = reader(
        child
            .stderr
            .take()
            .map(|p| Box::new(p) as Box<dyn Read + Send>),
    );
    #[expect(
        clippy::disallowed_methods,
        reason = "a test harness measures how long the program runs"
    )]
    let start = Instant::now();
    let status = loop {
        if let Some(status) = child.try_wait().expect("wait") {
            break status;
        }
        if start.elapsed() > limit {
            let _ = child.kill();
            let _ = child.wait();
            panic!("ave {args:?} ran longer than {limit:?}");
        }
        std::thread::sleep(Duration::from_millis(10));
    };
    Output {
        status,
        stdout: out.join().expect("stdout"),
        stderr: err.join().expect("stderr"),
    }
}

/// Runs `ave` in the repository root (a generous limit: tests run unoptimised).
pub fn ave(args: &[&str]) -> Output {
    ave_in(&root(), args, Duration::from_secs(20))
}

/// What the command wrote to standard output.
pub fn stdout(o: &Output) -> String {
    String::from_utf8_lossy(&o.stdout).into_owned()
}

/// What the command wrote to standard error.
pub fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

/// A fresh directory for one test.
pub fn temp_dir(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("ave-cli-test-{}-{name}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).expect("temp dir");
    dir
}

/// Words of clap and the standard library that must never reach a user.
pub const ENGLISH: &[&str] = &[
    "Usage",
    "Options",
    "Commands",
    "Arguments",
    "Print help",
    "Print version",
    "Possible values",
    "[default",
    "[OPTIONS]",
    "error:",
    "tip:",
    "For more information",
    "unexpected argument",
    "invalid value",
    "os error",
    "No such file",
    "File exists",
    "expected",
    "missing field",
    "unknown variant",
    "unknown field",
];

/// Asserts that a text has none of [`ENGLISH`].
pub fn assert_dutch(text: &str) {
    for word in ENGLISH {
        assert!(!text.contains(word), "{word:?} in:\n{text}");
    }
}

/// A small model extending the Oss preset, lines 1–7.
pub const ON_OSS: &str = "[model]\nid = \"test\"\nname = \"AVE-model Test\"\ngemeente = \"Test\"\nversion = \"0.1\"\nvalid_from = 2026-01-01\nextends = \"oss\"\n";
