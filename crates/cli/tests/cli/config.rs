//! The configuration of `ave serve`: a file only when named, flag > environment > file >
//! default, mistakes in Dutch with the key, the file and the line or the variable, `ave config
//! show` without passwords, and log lines on standard error (JSON when asked) that hold no
//! password.

use std::io::{BufRead, Read};
use std::path::Path;
use std::process::{Output, Stdio};
use std::time::Duration;

use crate::{assert_dutch, ave_command, ave_env, root, stderr, stdout, temp_dir};

/// Runs `ave` in `dir` with `env` (and none of the developer's own `AVE_*` settings).
fn ave_with(dir: &Path, args: &[&str], env: &[(&str, &str)]) -> Output {
    ave_env(dir, args, env, Duration::from_secs(20))
}

/// `ave config show` output as TOML, and the comment (where it came from) of each key.
fn shown(o: &Output) -> (toml::Table, Vec<(String, String)>) {
    assert_eq!(o.status.code(), Some(0), "{}", stderr(o));
    let text = stdout(o);
    let table: toml::Table = toml::from_str(&text).expect("config show writes TOML");
    let sources = text
        .lines()
        .filter(|l| !l.starts_with('#') && l.contains(" = "))
        .map(|l| {
            let (key, rest) = l.split_once(" = ").expect("key");
            let source = rest.rsplit_once("  # ").expect("a source comment").1;
            (key.to_owned(), source.to_owned())
        })
        .collect();
    (table, sources)
}

fn source_of<'a>(sources: &'a [(String, String)], key: &str) -> &'a str {
    sources
        .iter()
        .find(|(k, _)| k == key)
        .map(|(_, s)| s.as_str())
        .unwrap_or_else(|| panic!("no {key} in {sources:?}"))
}

const FULL: &str = r#"# every key
database = "sqlite://uit-bestand/ave.sqlite"
listen = "127.0.0.1:7001"
data_dir = "data-uit-bestand"

[log]
format = "json"
level = "warn"
"#;

#[test]
fn a_flag_beats_the_environment_which_beats_the_file_which_beats_the_default() {
    let dir = temp_dir("config-precedence");
    let file = dir.join("ave.toml");
    std::fs::write(&file, FULL).expect("write");
    let file = file.to_str().expect("path");

    // The file alone.
    let (t, s) = shown(&ave_with(&dir, &["config", "show", "--config", file], &[]));
    assert_eq!(
        t["database"].as_str(),
        Some("sqlite://uit-bestand/ave.sqlite")
    );
    assert_eq!(t["listen"].as_str(), Some("127.0.0.1:7001"));
    assert_eq!(t["log"]["format"].as_str(), Some("json"));
    assert_eq!(t["log"]["level"].as_str(), Some("warn"));
    for key in ["database", "listen", "data_dir", "format", "level"] {
        assert_eq!(source_of(&s, key), format!("bestand {file}"), "{key}");
    }

    // The environment beats the file; AVE_CONFIG names the file as --config does.
    let env = [
        ("AVE_CONFIG", file),
        ("AVE_DATABASE", "sqlite://uit-omgeving/ave.sqlite"),
        ("AVE_LISTEN", "127.0.0.1:7002"),
        ("AVE_LOG_FORMAT", "tekst"),
        ("AVE_LOG", "info,ave_server=debug"),
        ("AVE_DATA_DIR", "data-uit-omgeving"),
    ];
    let (t, s) = shown(&ave_with(&dir, &["config", "show"], &env));
    assert_eq!(
        t["database"].as_str(),
        Some("sqlite://uit-omgeving/ave.sqlite")
    );
    assert_eq!(t["listen"].as_str(), Some("127.0.0.1:7002"));
    assert_eq!(t["data_dir"].as_str(), Some("data-uit-omgeving"));
    assert_eq!(t["log"]["format"].as_str(), Some("tekst"));
    assert_eq!(t["log"]["level"].as_str(), Some("info,ave_server=debug"));
    assert_eq!(source_of(&s, "listen"), "omgeving AVE_LISTEN");
    assert_eq!(source_of(&s, "level"), "omgeving AVE_LOG");

    // A flag beats both.
    let (t, s) = shown(&ave_with(
        &dir,
        &[
            "config",
            "show",
            "--database",
            "sqlite://uit-vlag/ave.sqlite",
            "--listen",
            "127.0.0.1:7003",
            "--log-format",
            "json",
        ],
        &env,
    ));
    assert_eq!(t["database"].as_str(), Some("sqlite://uit-vlag/ave.sqlite"));
    assert_eq!(t["listen"].as_str(), Some("127.0.0.1:7003"));
    assert_eq!(t["log"]["format"].as_str(), Some("json"));
    assert_eq!(source_of(&s, "database"), "vlag --database");
    assert_eq!(source_of(&s, "listen"), "vlag --listen");
    assert_eq!(source_of(&s, "format"), "vlag --log-format");
    assert_eq!(source_of(&s, "data_dir"), "omgeving AVE_DATA_DIR");

    // What config show writes is itself a valid configuration file.
    let again = dir.join("weer.toml");
    std::fs::write(&again, stdout(&ave_with(&dir, &["config", "show"], &env))).expect("write");
    let (t2, _) = shown(&ave_with(
        &dir,
        &["config", "show", "--config", again.to_str().expect("path")],
        &[],
    ));
    assert_eq!(t2["listen"].as_str(), Some("127.0.0.1:7002"));
}

#[test]
fn without_config_or_ave_config_no_file_is_read_not_even_in_the_working_directory() {
    let dir = temp_dir("config-none");
    for name in ["ave.toml", "config.toml", "ave.example.toml"] {
        std::fs::write(dir.join(name), FULL).expect("write");
    }
    let o = ave_with(&dir, &["config", "show"], &[]);
    let (t, s) = shown(&o);
    assert!(
        stdout(&o).contains("# Configuratiebestand: geen"),
        "{}",
        stdout(&o)
    );
    assert_eq!(t["listen"].as_str(), Some("127.0.0.1:8080"));
    assert_eq!(t["database"].as_str(), Some("sqlite://ave-data/ave.sqlite"));
    for key in ["database", "listen", "data_dir", "format", "level"] {
        assert_eq!(source_of(&s, key), "standaard", "{key}");
    }
    // Showing creates nothing.
    assert!(!dir.join("ave-data").exists());
    // The data directory places the default database.
    let (t, _) = shown(&ave_with(
        &dir,
        &["config", "show"],
        &[("AVE_DATA_DIR", "/srv/ave")],
    ));
    assert_eq!(t["database"].as_str(), Some("sqlite:///srv/ave/ave.sqlite"));
}

#[test]
fn an_unknown_key_is_a_dutch_error_naming_the_key_the_file_and_the_line() {
    let dir = temp_dir("config-unknown");
    let file = dir.join("ave.toml");
    std::fs::write(
        &file,
        "listen = \"127.0.0.1:7001\"\n\n[log]\nformaat = \"json\"\n",
    )
    .expect("write");
    let file = file.to_str().expect("path");
    for (args, env) in [
        (vec!["config", "show", "--config", file], vec![]),
        (vec!["config", "show"], vec![("AVE_CONFIG", file)]),
        (
            vec!["serve", "--config", file, "--listen", "127.0.0.1:0"],
            vec![],
        ),
        (vec!["db", "migrate", "--config", file], vec![]),
    ] {
        let o = ave_with(&dir, &args, &env);
        assert_eq!(o.status.code(), Some(2), "{args:?}");
        let err = stderr(&o);
        assert!(
            err.contains(&format!(
                "configuratiebestand {file}:4:1: onbekende sleutel `formaat`"
            )),
            "{args:?}: {err}"
        );
        assert!(err.contains("Bedoelt u `format`?"), "{err}");
        assert_dutch(&err);
    }
    // Nothing was started or created.
    assert!(!dir.join("ave-data").exists());

    // At the top level too.
    std::fs::write(dir.join("b.toml"), "datbase = \"sqlite://x\"\n").expect("write");
    let o = ave_with(&dir, &["config", "show", "--config", "b.toml"], &[]);
    assert_eq!(o.status.code(), Some(2));
    assert!(
        stderr(&o).contains("b.toml:1:1: onbekende sleutel `datbase`. Bedoelt u `database`?"),
        "{}",
        stderr(&o)
    );
}

#[test]
fn a_bad_value_names_the_file_and_line_or_the_variable_in_dutch() {
    let dir = temp_dir("config-bad");
    for (text, want) in [
        (
            "listen = \"nee\"\n",
            "f.toml:1:10: `listen` = 'nee': geen geldig adres",
        ),
        (
            "\n[log]\nformat = \"xml\"\n",
            "f.toml:3:10: onbekende waarde `xml`. Toegestaan: `tekst`, `json`.",
        ),
        (
            "[log]\nlevel = \"inf\"\n",
            "f.toml:2:9: `level`: 'inf' is geen geldig logniveau",
        ),
        ("listen = 8080\n", "f.toml:1:10: verkeerd soort waarde"),
        ("listen = \n", "f.toml:1:10: geen geldige TOML"),
        ("database = \"\"\n", "f.toml:1:12: `database` is leeg"),
    ] {
        std::fs::write(dir.join("f.toml"), text).expect("write");
        let o = ave_with(&dir, &["config", "show", "--config", "f.toml"], &[]);
        assert_eq!(o.status.code(), Some(2), "{text}");
        let err = stderr(&o);
        assert!(err.contains(want), "{text}: {err}");
        assert_dutch(&err);
    }
    for (var, value) in [
        ("AVE_LISTEN", "nee"),
        ("AVE_LOG_FORMAT", "xml"),
        ("AVE_LOG", "inf"),
        ("AVE_LOG", "ave_server=veel"),
    ] {
        let o = ave_with(&dir, &["serve"], &[(var, value)]);
        assert_eq!(o.status.code(), Some(2), "{var}");
        let err = stderr(&o);
        assert!(
            err.contains(&format!("de omgevingsvariabele {var} is ongeldig")),
            "{var}: {err}"
        );
        assert_dutch(&err);
    }
    let o = ave_with(
        &dir,
        &["config", "show", "--config", "bestaat-niet.toml"],
        &[],
    );
    assert_eq!(o.status.code(), Some(2));
    assert!(
        stderr(&o).contains("configuratiebestand bestaat-niet.toml: bestaat niet"),
        "{}",
        stderr(&o)
    );
}

#[test]
fn config_show_never_shows_a_database_password() {
    let dir = temp_dir("config-redact");
    std::fs::write(
        dir.join("f.toml"),
        "database = \"postgres://ave:geheim-uit-bestand@db.example/ave\"\n",
    )
    .expect("write");
    for (args, env) in [
        (vec!["config", "show", "--config", "f.toml"], vec![]),
        (
            vec!["config", "show"],
            vec![(
                "AVE_DATABASE",
                "postgres://ave:geheim-uit-omgeving@db.example/ave",
            )],
        ),
        (
            vec![
                "config",
                "show",
                "--database",
                "postgres://db.example/ave?user=ave&password=geheim-uit-vlag",
            ],
            vec![],
        ),
    ] {
        let o = ave_with(&dir, &args, &env);
        let out = stdout(&o);
        let (t, _) = shown(&o);
        assert!(!out.contains("geheim"), "{out}");
        let db = t["database"].as_str().expect("database");
        assert!(
            db == "postgres://ave:***@db.example/ave"
                || db == "postgres://db.example/ave?user=ave&password=***",
            "{db}"
        );
    }
}

#[test]
fn the_example_file_in_the_docs_is_valid_and_sets_every_key() {
    let example = root().join("docs/ave.example.toml");
    let (_, s) = shown(&ave_with(
        &root(),
        &[
            "config",
            "show",
            "--config",
            example.to_str().expect("path"),
        ],
        &[],
    ));
    for (key, source) in &s {
        assert!(source.starts_with("bestand "), "{key}: {source}");
    }
    assert_eq!(s.len(), 30, "{s:?}");
}

/// A running `ave serve`: its address, and its standard error once it stopped.
struct Served {
    child: std::process::Child,
    addr: String,
    stdout: Vec<String>,
    lines: std::io::Lines<std::io::BufReader<std::process::ChildStdout>>,
    stderr: std::thread::JoinHandle<String>,
}

impl Served {
    fn start(dir: &Path, args: &[&str], env: &[(&str, &str)]) -> Served {
        let mut child = ave_command(dir, args, env)
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .expect("ave starts");
        let mut err = child.stderr.take().expect("stderr");
        let stderr = std::thread::spawn(move || {
            let mut text = String::new();
            let _ = err.read_to_string(&mut text);
            text
        });
        let mut lines = std::io::BufReader::new(child.stdout.take().expect("stdout")).lines();
        let mut stdout = Vec::new();
        let addr = loop {
            let Some(Ok(line)) = lines.next() else {
                let _ = child.kill();
                panic!("ave serve stopped before it listened: {stdout:?}");
            };
            stdout.push(line.clone());
            if let Some(rest) = line.split("luistert op http://").nth(1) {
                break rest.split('/').next().expect("address").to_owned();
            }
        };
        Served {
            child,
            addr,
            stdout,
            lines,
            stderr,
        }
    }

    /// Stops the server with SIGTERM; gives its standard output and standard error.
    fn stop(mut self) -> (String, String) {
        let status = std::process::Command::new("kill")
            .args(["-TERM", &self.child.id().to_string()])
            .status()
            .expect("kill");
        assert!(status.success());
        let exit = self.child.wait().expect("exits");
        assert_eq!(exit.code(), Some(0));
        self.stdout.extend(self.lines.map_while(Result::ok));
        (self.stdout.join("\n"), self.stderr.join().expect("stderr"))
    }
}

/// Every line of standard error as JSON.
fn json_lines(err: &str) -> Vec<serde_json::Value> {
    err.lines()
        .map(|l| {
            serde_json::from_str(l).unwrap_or_else(|e| panic!("not a JSON line ({e}): {l}\n{err}"))
        })
        .collect()
}

fn with_message<'a>(lines: &'a [serde_json::Value], message: &str) -> &'a serde_json::Value {
    lines
        .iter()
        .find(|l| l["message"] == message)
        .unwrap_or_else(|| panic!("no line {message:?} in {lines:?}"))
}

#[test]
fn serve_reads_its_file_and_writes_json_log_lines_on_standard_error() {
    let dir = temp_dir("config-serve-json");
    let db = dir.join("elders/ave.sqlite");
    std::fs::create_dir_all(db.parent().expect("parent")).expect("dir");
    let url = format!("sqlite://{}", db.display());
    std::fs::write(
        dir.join("ave.toml"),
        format!(
            "database = {:?}\nlisten = \"127.0.0.1:0\"\n\n[log]\nformat = \"json\"\nlevel = \"debug\"\n",
            url
        ),
    )
    .expect("write");
    let served = Served::start(&dir, &["serve", "--config", "ave.toml"], &[]);
    let live = crate::database::get(&served.addr, "/health/live");
    assert!(live.starts_with("HTTP/1.1 200"), "{live}");
    let addr = served.addr.clone();
    let (out, err) = served.stop();
    assert!(out.contains("gestopt"), "{out}");

    let lines = json_lines(&err);
    let started = with_message(&lines, "AVE-regie gestart");
    assert_eq!(started["level"], "INFO");
    assert_eq!(started["adres"], addr.as_str());
    assert_eq!(started["database"], url.as_str());
    assert_eq!(started["logformaat"], "json");
    assert_eq!(started["configuratiebestand"], "ave.toml");
    assert!(started["timestamp"].is_string());
    with_message(&lines, "gestopt");
    assert!(db.exists(), "the configured database is used");
    assert!(
        !dir.join("ave-data/ave.sqlite").exists(),
        "no default database"
    );
    // The data directory holds only the two keys — the processing log's and the one that
    // signs the audit log's checkpoints — made once, for the owner only.
    for name in ["processing.key", "audit.key"] {
        let key = dir.join("ave-data").join(name);
        let text = std::fs::read_to_string(&key).expect("the key was made");
        assert_eq!(text.trim().len(), 64, "{name}");
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            let mode = std::fs::metadata(&key).expect("key").permissions().mode();
            assert_eq!(mode & 0o777, 0o600, "{name}: {mode:o}");
        }
        assert!(
            !err.contains(text.trim()),
            "the key never reaches a log line"
        );
    }
}

#[test]
fn serve_writes_readable_text_logs_by_default_and_info_hides_debug() {
    let dir = temp_dir("config-serve-text");
    let served = Served::start(&dir, &["serve", "--listen", "127.0.0.1:0"], &[]);
    let (_, err) = served.stop();
    let started = err
        .lines()
        .find(|l| l.contains("AVE-regie gestart"))
        .unwrap_or_else(|| panic!("{err}"));
    assert!(started.contains("INFO"), "{started}");
    assert!(started.contains("adres=127.0.0.1:"), "{started}");
    assert!(err.lines().any(|l| l.contains("gestopt")), "{err}");
    assert!(!err.contains("DEBUG"), "{err}");
    assert!(
        err.lines()
            .all(|l| serde_json::from_str::<serde_json::Value>(l).is_err())
    );
}

#[test]
fn a_database_password_never_reaches_standard_error_even_at_trace_level() {
    // A server that is not there: the error names the database without its password, and
    // whatever the libraries log on the way holds no password either.
    let dir = temp_dir("config-serve-unreachable");
    let o = ave_with(
        &dir,
        &["serve", "--listen", "127.0.0.1:0"],
        &[
            (
                "AVE_DATABASE",
                "postgres://ave:geheim-wachtwoord@127.0.0.1:1/ave?sslpassword=ook-geheim",
            ),
            ("AVE_LOG", "trace"),
            ("AVE_LOG_FORMAT", "json"),
        ],
    );
    assert_eq!(o.status.code(), Some(2));
    let err = stderr(&o);
    assert!(!err.contains("geheim"), "{err}");
    assert!(
        err.contains("postgres://ave:***@127.0.0.1:1/ave?sslpassword=***"),
        "{err}"
    );
    assert_dutch(&err);
}

#[test]
fn serve_on_postgresql_logs_its_database_without_the_password() {
    let admin = match std::env::var("AVE_TEST_POSTGRES") {
        Ok(url) if !url.is_empty() => url,
        _ if std::env::var("AVE_REQUIRE_POSTGRES").as_deref() == Ok("1") => {
            panic!("AVE_REQUIRE_POSTGRES=1 but AVE_TEST_POSTGRES names no server")
        }
        // Without a server this runs in CI (which requires one), not here.
        _ => return,
    };
    let (server, _) = admin.rsplit_once('/').expect("a URL");
    let (_, userinfo) = server.split_once("://").expect("a URL");
    let (user, password) = userinfo
        .split_once('@')
        .and_then(|(u, _)| u.split_once(':'))
        .expect("AVE_TEST_POSTGRES has a user and password");
    let name = format!("ave_cli_test_{}", std::process::id());
    let admin_exec = |sql: String| {
        let rt = crate::runtime();
        rt.block_on(async {
            let store = ave_store::Store::open(&admin)
                .await
                .expect("server answers");
            store.raw_exec(&sql).await.expect("admin sql");
            store.close().await;
        });
    };
    admin_exec(format!("DROP DATABASE IF EXISTS {name}"));
    admin_exec(format!("CREATE DATABASE {name}"));
    let url = format!("{server}/{name}");

    let dir = temp_dir("config-serve-postgres");
    let served = Served::start(
        &dir,
        &["serve", "--listen", "127.0.0.1:0", "--log-format", "json"],
        &[("AVE_DATABASE", &url), ("AVE_LOG", "debug")],
    );
    let live = crate::database::get(&served.addr, "/health/ready");
    assert!(live.starts_with("HTTP/1.1 200"), "{live}");
    let (out, err) = served.stop();
    admin_exec(format!("DROP DATABASE IF EXISTS {name}"));

    let lines = json_lines(&err);
    let started = with_message(&lines, "AVE-regie gestart");
    let shown = started["database"].as_str().expect("database");
    assert!(
        shown.starts_with(&format!("postgres://{user}:***@")),
        "{shown}"
    );
    let secret = format!("{user}:{password}@");
    assert!(!err.contains(&secret), "{err}");
    assert!(!out.contains(&secret), "{out}");
}

#[test]
fn the_processing_key_is_never_shown_and_tls_needs_both_files() {
    let dir = temp_dir("config-key");
    let key = "a1".repeat(32);
    let o = ave_with(
        dir.as_path(),
        &["config", "show", "--achter-proxy", "10.0.0.5"],
        &[("AVE_PROCESSING_KEY", &key)],
    );
    let (table, s) = shown(&o);
    assert!(!stdout(&o).contains(&key), "{}", stdout(&o));
    assert_eq!(table["processing_key"].as_str(), Some("***"));
    assert_eq!(
        source_of(&s, "processing_key"),
        "omgeving AVE_PROCESSING_KEY"
    );
    assert_eq!(table["trusted_proxy"].as_str(), Some("10.0.0.5"));
    assert_eq!(source_of(&s, "trusted_proxy"), "vlag --achter-proxy");
    assert_eq!(table["audit_checkpoint_every"].as_str(), Some("10m"));
    assert_eq!(source_of(&s, "audit_checkpoint_every"), "standaard");

    // The audit log's signing key: never shown either; the interval as written.
    let signing = "c3".repeat(32);
    let o = ave_with(
        dir.as_path(),
        &["config", "show"],
        &[
            ("AVE_AUDIT_KEY", &signing),
            ("AVE_AUDIT_CHECKPOINT_EVERY", "90s"),
        ],
    );
    let (table, s) = shown(&o);
    assert!(!stdout(&o).contains(&signing), "{}", stdout(&o));
    assert_eq!(table["audit_key"].as_str(), Some("***"));
    assert_eq!(source_of(&s, "audit_key"), "omgeving AVE_AUDIT_KEY");
    assert_eq!(table["audit_checkpoint_every"].as_str(), Some("90s"));
    for (var, value, says) in [
        (
            "AVE_AUDIT_KEY",
            "te-kort-en-geheim",
            "64 hexadecimale tekens",
        ),
        ("AVE_AUDIT_CHECKPOINT_EVERY", "tien", "geen tijdsduur"),
        ("AVE_AUDIT_CHECKPOINT_EVERY", "0s", "van 1s tot 24h"),
    ] {
        let o = ave_with(dir.as_path(), &["config", "show"], &[(var, value)]);
        assert_eq!(o.status.code(), Some(2), "{var}={value}");
        let err = stderr(&o);
        assert!(
            err.contains(&format!("{var} is ongeldig")) && err.contains(says),
            "{err}"
        );
        assert!(!err.contains("te-kort-en-geheim"), "{err}");
        assert_dutch(&err);
    }

    let o = ave_with(
        dir.as_path(),
        &["config", "show"],
        &[("AVE_PROCESSING_KEY", "te-kort-en-geheim")],
    );
    assert_eq!(o.status.code(), Some(2));
    assert!(
        stderr(&o).contains("AVE_PROCESSING_KEY is ongeldig"),
        "{}",
        stderr(&o)
    );
    assert!(!stderr(&o).contains("te-kort-en-geheim"), "{}", stderr(&o));

    let o = ave_with(
        dir.as_path(),
        &["config", "show", "--tls-cert", "cert.pem"],
        &[],
    );
    assert_eq!(o.status.code(), Some(2));
    assert!(
        stderr(&o).contains("certificaat én sleutel"),
        "{}",
        stderr(&o)
    );
    assert_dutch(&stderr(&o));
}

#[test]
fn logboek_toon_reads_the_key_made_in_the_data_dir_and_refuses_without_one() {
    let dir = temp_dir("logboek-toon");
    let o = ave_with(dir.as_path(), &["logboek", "toon"], &[]);
    assert_eq!(o.status.code(), Some(2));
    assert!(
        stderr(&o).contains("geen sleutel voor het verwerkingslogboek"),
        "{}",
        stderr(&o)
    );
    std::fs::create_dir_all(dir.as_path().join("ave-data")).expect("data dir");
    std::fs::write(
        dir.as_path().join("ave-data/processing.key"),
        "b2".repeat(32),
    )
    .expect("key");
    let o = ave_with(dir.as_path(), &["logboek", "toon"], &[]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    assert!(stdout(&o).contains("0 verwerkingen"), "{}", stdout(&o));
    let o = ave_with(dir.as_path(), &["logboek", "toon", "--trace", "xyz"], &[]);
    assert_eq!(o.status.code(), Some(2));
}

const OIDC: &str = r#"
[[oidc]]
naam = "gemeente-oss"
issuer = "https://login.oss.example/realms/ave"
client_id = "ave-regie"
client_secret = "geheim-uit-bestand"
redirect_url = "https://ave.oss.example/aanmelden/sso/gemeente-oss/terug"
audience = "urn:ave:api"
organisaties = ["gemeente-oss"]
"#;

#[test]
fn identity_providers_are_shown_without_their_secret_which_the_environment_may_give() {
    let dir = temp_dir("config-oidc");
    let file = dir.join("ave.toml");
    std::fs::write(&file, OIDC).expect("write");
    let file = file.to_str().expect("path");

    let o = ave_with(&dir, &["config", "show", "--config", file], &[]);
    let (t, s) = shown(&o);
    assert!(!stdout(&o).contains("geheim-uit-bestand"), "{}", stdout(&o));
    let p = &t["oidc"].as_array().expect("[[oidc]]")[0];
    assert_eq!(p["naam"].as_str(), Some("gemeente-oss"));
    assert_eq!(p["client_secret"].as_str(), Some("***"));
    assert_eq!(p["claim_persoon"].as_str(), Some("ave_persoon"));
    assert_eq!(source_of(&s, "claim_persoon"), "standaard");
    assert_eq!(source_of(&s, "audience"), format!("bestand {file}"));
    assert_eq!(
        p["organisaties"],
        toml::Value::Array(vec!["gemeente-oss".into()])
    );

    let o = ave_with(
        &dir,
        &["config", "show", "--config", file],
        &[("AVE_OIDC_GEMEENTE_OSS_CLIENT_SECRET", "geheim-uit-omgeving")],
    );
    let (_, s) = shown(&o);
    assert!(!stdout(&o).contains("geheim-uit-omgeving"));
    assert_eq!(
        source_of(&s, "client_secret"),
        "omgeving AVE_OIDC_GEMEENTE_OSS_CLIENT_SECRET"
    );
}

#[test]
fn an_identity_provider_that_cannot_work_is_refused_with_its_line() {
    let dir = temp_dir("config-oidc-bad");
    for (text, want) in [
        (
            OIDC.replace("https://login", "http://login"),
            "de issuer moet een https-adres zijn",
        ),
        (
            OIDC.replace("client_secret = \"geheim-uit-bestand\"\n", ""),
            "vraagt een client_secret",
        ),
        (
            OIDC.replace("/gemeente-oss/terug", "/andere/terug"),
            "eindigt op /aanmelden/sso/gemeente-oss/terug",
        ),
        (format!("{OIDC}{OIDC}"), "staat er twee keer in"),
        (
            OIDC.replace("organisaties = [\"gemeente-oss\"]\n", ""),
            "noem in organisaties voor welke organisaties",
        ),
        (OIDC.replace("audience", "publiek"), "publiek"),
    ] {
        let file = dir.join("ave.toml");
        std::fs::write(&file, &text).expect("write");
        let o = ave_with(
            &dir,
            &["config", "show", "--config", file.to_str().expect("path")],
            &[],
        );
        assert_eq!(o.status.code(), Some(2), "{text}");
        let err = stderr(&o);
        assert!(err.contains(want), "{want:?} in {err}");
        assert!(err.contains("ave.toml:"), "names the file and line: {err}");
        assert_dutch(&err);
    }
}
