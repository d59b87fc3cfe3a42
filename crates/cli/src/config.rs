//! The configuration of `ave serve`, in layers: a command-line flag beats the environment
//! (`AVE_*`), which beats the configuration file, which beats the default. A file is read
//! only when one is named (`--config` or `AVE_CONFIG`): a server should never pick up a
//! stray file from whatever directory it was started in. Every value remembers where it came
//! from, so that `ave config show` can say so. The database URL is its own type whose
//! `Debug` and `Display` hide the password, so that it cannot reach a message or a log line
//! whole by accident; only opening the store sees it.
//!
//! `ave db` and `ave audit` resolve the database through the same layers, so that they work
//! on the database the server uses.

mod audit;
mod keys;
mod oidc;
mod smtp;
mod theme;

pub use oidc::OidcProvider;
pub use smtp::Smtp;

use std::ffi::OsString;
use std::fmt;
use std::net::{IpAddr, SocketAddr};
use std::ops::Range;
use std::path::{Path, PathBuf};

use anyhow::{Context, Result, anyhow, bail};
use ave_store::processing::SubjectKey;
use clap::{Args, ValueEnum};
use serde::Deserialize;

/// The address the server listens on when nothing else is said.
pub const DEFAULT_LISTEN: &str = "127.0.0.1:8080";
/// The data directory when nothing else is said (relative to the working directory).
pub const DEFAULT_DATA_DIR: &str = "ave-data";
/// The log level when nothing else is said.
pub const DEFAULT_LEVEL: &str = "info";

/// The flags of `ave serve` and `ave config show` that the configuration layers cover.
#[derive(Debug, Default, Args)]
pub struct ConfigArgs {
    /// Het configuratiebestand (TOML; standaard AVE_CONFIG, anders geen).
    #[arg(long, value_name = "BESTAND")]
    config: Option<PathBuf>,
    /// De database: sqlite://pad of postgres://… (standaard AVE_DATABASE, dan `database` uit
    /// het configuratiebestand, anders ave.sqlite in de datamap).
    #[arg(long, value_name = "URL")]
    database: Option<String>,
    /// Het adres om op te luisteren (standaard AVE_LISTEN, dan `listen` uit het
    /// configuratiebestand, anders 127.0.0.1:8080).
    #[arg(long, value_name = "ADRES")]
    listen: Option<SocketAddr>,
    /// De vorm van de logregels op standaardfout: tekst of json (standaard AVE_LOG_FORMAT, dan
    /// het configuratiebestand, anders tekst).
    #[arg(long, value_name = "FORMAAT", value_enum, hide_possible_values = true)]
    log_format: Option<LogFormat>,
    /// Het TLS-certificaat (PEM, de keten met het eigen certificaat eerst; standaard
    /// AVE_TLS_CERT, dan `tls_cert` uit het configuratiebestand). Samen met --tls-key.
    #[arg(long, value_name = "BESTAND")]
    tls_cert: Option<PathBuf>,
    /// De privésleutel bij het TLS-certificaat (PEM; standaard AVE_TLS_KEY, dan `tls_key`).
    #[arg(long, value_name = "BESTAND")]
    tls_key: Option<PathBuf>,
    /// Het IP-adres van de reverse proxy die HTTPS afhandelt (standaard AVE_TRUSTED_PROXY,
    /// dan `trusted_proxy`): alleen van dat adres gelden X-Forwarded-For en -Proto.
    #[arg(long = "achter-proxy", value_name = "ADRES")]
    trusted_proxy: Option<IpAddr>,
}

/// The flags of `ave db` and `ave audit`: only where the database is.
#[derive(Debug, Default, Args)]
pub struct DatabaseArgs {
    /// Het configuratiebestand (TOML; standaard AVE_CONFIG, anders geen); alleen `database`,
    /// `data_dir` en de sleutels tellen hier.
    #[arg(long, value_name = "BESTAND")]
    config: Option<PathBuf>,
    /// De database: sqlite://pad of postgres://… (standaard AVE_DATABASE, dan `database` uit
    /// het configuratiebestand, anders ave-data/ave.sqlite).
    #[arg(long, value_name = "URL")]
    database: Option<String>,
}

/// How log lines are written.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum LogFormat {
    /// Leesbare regels voor een mens.
    Tekst,
    /// Eén JSON-object per regel, voor een logverzamelaar.
    Json,
}

impl LogFormat {
    /// The name in a file, the environment and on the command line.
    pub fn as_str(self) -> &'static str {
        match self {
            LogFormat::Tekst => "tekst",
            LogFormat::Json => "json",
        }
    }
}

/// Where a value came from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Source {
    /// A command-line flag.
    Flag(&'static str),
    /// An environment variable.
    Env(&'static str),
    /// The configuration file.
    File(PathBuf),
    /// The built-in default.
    Default,
}

impl fmt::Display for Source {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Source::Flag(flag) => write!(f, "vlag {flag}"),
            Source::Env(var) => write!(f, "omgeving {var}"),
            Source::File(path) => write!(f, "bestand {}", path.display()),
            Source::Default => f.write_str("standaard"),
        }
    }
}

/// A value and where it came from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Setting<T> {
    /// The value.
    pub value: T,
    /// Where it came from.
    pub source: Source,
}

/// A database URL. It shows itself (`Debug`, `Display`) without its password; only
/// [`DatabaseUrl::expose`] gives the whole URL, for opening the store.
#[derive(Clone, PartialEq, Eq)]
pub struct DatabaseUrl(String);

impl DatabaseUrl {
    /// The whole URL, password included: only for opening the store.
    pub fn expose(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for DatabaseUrl {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&redacted(&self.0))
    }
}

impl fmt::Debug for DatabaseUrl {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "DatabaseUrl({:?})", redacted(&self.0))
    }
}

/// The URL without its password, for messages and logs: the password of the user part
/// (`postgres://ave:geheim@db/ave` → `postgres://ave:***@db/ave`) and the value of every
/// query parameter whose name contains `password` (`?password=…`, `&sslpassword=…`).
/// Where the URL is odd (an `@` in the password), more is hidden rather than less.
pub fn redacted(url: &str) -> String {
    let (head, rest) = match url.find("://") {
        Some(scheme) => url.split_at(scheme + 3),
        None => ("", url),
    };
    let (authority, tail) = match rest.rfind('@') {
        Some(at) => {
            let userinfo = &rest[..at];
            let shown = match userinfo.split_once(':') {
                Some((user, _)) => format!("{user}:***@"),
                None => format!("{userinfo}@"),
            };
            (shown, &rest[at + 1..])
        }
        None => (String::new(), rest),
    };
    let tail = match tail.split_once('?') {
        Some((path, query)) => {
            let params: Vec<String> = query
                .split('&')
                .map(|param| match param.split_once('=') {
                    Some((name, _)) if name.to_ascii_lowercase().contains("password") => {
                        format!("{name}=***")
                    }
                    _ => param.to_owned(),
                })
                .collect();
            format!("{path}?{}", params.join("&"))
        }
        None => tail.to_owned(),
    };
    format!("{head}{authority}{tail}")
}

/// The effective configuration of `ave serve`.
#[derive(Debug, Clone)]
pub struct Config {
    /// The configuration file that was read, if any.
    pub file: Option<PathBuf>,
    /// Where the store is.
    pub database: Setting<DatabaseUrl>,
    /// The data directory (where the default SQLite file lives).
    pub data_dir: Setting<PathBuf>,
    /// The address to listen on.
    pub listen: Setting<SocketAddr>,
    /// How log lines are written.
    pub log_format: Setting<LogFormat>,
    /// Which log lines are written: an `EnvFilter` directive, checked.
    pub log_level: Setting<String>,
    /// The TLS certificate chain (PEM), with [`Config::tls_key`].
    pub tls_cert: Option<Setting<PathBuf>>,
    /// The TLS private key (PEM), with [`Config::tls_cert`].
    pub tls_key: Option<Setting<PathBuf>>,
    /// The reverse proxy in front, by address.
    pub trusted_proxy: Option<Setting<IpAddr>>,
    /// The key of the processing log; [`KEY_FILE`] in the data directory when not given.
    pub processing_key: Option<Setting<SubjectKey>>,
    /// The key that signs the audit log's checkpoints; [`audit::KEY_FILE`] in the data
    /// directory when not given.
    pub audit_key: Option<Setting<ave_store::audit::SigningKey>>,
    /// How long between two checkpoints the server signs.
    pub audit_checkpoint_every: Setting<std::time::Duration>,
    /// The identity providers (`[[oidc]]` in the file).
    pub oidc: Vec<OidcProvider>,
    /// The gemeenten's looks on the pages (`[[thema]]` in the file), checked.
    pub themes: Vec<ave_server::web::theme::Theme>,
    /// The SMTP server for e-mail about meldingen (`[smtp]` in the file), if any.
    pub smtp: Option<Smtp>,
}

/// The file in the data directory that holds the processing log's key when the
/// configuration gives none.
pub const KEY_FILE: &str = "processing.key";

impl Config {
    /// The configuration from the flags, the process environment and the file they name.
    /// `default_file` is the SQLite file in the data directory when no database is given.
    pub fn load(args: &ConfigArgs, default_file: &str) -> Result<Config> {
        resolve(args, default_file, &|name| std::env::var_os(name))
    }

    /// Creates the data directory when the database is the default file in it (as before
    /// the configuration file existed: `ave serve` in an empty directory just works).
    pub fn prepare(&self) -> Result<()> {
        create_data_dir(&self.database, &self.data_dir)
    }

    /// The TLS files, when both are given.
    pub fn tls(&self) -> Option<ave_server::TlsFiles> {
        Some(ave_server::TlsFiles {
            cert: self.tls_cert.as_ref()?.value.clone(),
            key: self.tls_key.as_ref()?.value.clone(),
        })
    }

    /// The processing log's key: the configured one, else the one in [`KEY_FILE`] in the
    /// data directory — made there (readable by the owner only) when it does not exist yet.
    pub fn processing_key(&self) -> Result<SubjectKey> {
        if let Some(key) = &self.processing_key {
            return Ok(key.value.clone());
        }
        keys::PROCESSING.load(&self.data_dir.value.join(KEY_FILE), true)
    }

    /// The audit log's signing key: the configured one, else the one in [`audit::KEY_FILE`]
    /// in the data directory — made there (readable by the owner only) when it does not exist
    /// yet.
    pub fn audit_key(&self) -> Result<ave_store::audit::SigningKey> {
        if let Some(key) = &self.audit_key {
            return Ok(key.value.clone());
        }
        keys::AUDIT.load(&self.data_dir.value.join(audit::KEY_FILE), true)
    }

    /// The configuration as TOML, each value with where it came from as a comment and the
    /// database password hidden. The text is itself a valid configuration file.
    pub fn to_toml(&self) -> String {
        let quoted = |s: &str| toml::Value::String(s.to_owned()).to_string();
        let line =
            |key: &str, value: String, source: &Source| format!("{key} = {value}  # {source}\n");
        let mut out = String::from("# De configuratie van ave serve zoals die nu zou gelden.\n");
        match &self.file {
            Some(path) => out.push_str(&format!("# Configuratiebestand: {}\n", path.display())),
            None => out.push_str("# Configuratiebestand: geen\n"),
        }
        out.push('\n');
        out.push_str(&line(
            "database",
            quoted(&self.database.value.to_string()),
            &self.database.source,
        ));
        out.push_str(&line(
            "listen",
            quoted(&self.listen.value.to_string()),
            &self.listen.source,
        ));
        out.push_str(&line(
            "data_dir",
            quoted(&self.data_dir.value.display().to_string()),
            &self.data_dir.source,
        ));
        out.push_str(&self.transport_toml());
        out.push_str(&audit::to_toml(self));
        out.push_str("\n[log]\n");
        out.push_str(&line(
            "format",
            quoted(self.log_format.value.as_str()),
            &self.log_format.source,
        ));
        out.push_str(&line(
            "level",
            quoted(&self.log_level.value),
            &self.log_level.source,
        ));
        oidc::to_toml(&self.oidc, &mut out);
        if let Some(file) = &self.file {
            theme::to_toml(&self.themes, file, &mut out);
        }
        smtp::to_toml(self.smtp.as_ref(), &mut out);
        out
    }

    /// The TLS, proxy and key lines of [`Config::to_toml`]; an unset value as a comment.
    fn transport_toml(&self) -> String {
        let quoted = |s: &str| toml::Value::String(s.to_owned()).to_string();
        let mut out = String::new();
        let mut line = |key: &str, value: Option<(String, &Source)>| match value {
            Some((value, source)) => out.push_str(&format!("{key} = {value}  # {source}\n")),
            None => out.push_str(&format!("# {key}: niet gezet\n")),
        };
        line(
            "tls_cert",
            self.tls_cert
                .as_ref()
                .map(|s| (quoted(&s.value.display().to_string()), &s.source)),
        );
        line(
            "tls_key",
            self.tls_key
                .as_ref()
                .map(|s| (quoted(&s.value.display().to_string()), &s.source)),
        );
        line(
            "trusted_proxy",
            self.trusted_proxy
                .as_ref()
                .map(|s| (quoted(&s.value.to_string()), &s.source)),
        );
        // The key itself is never shown.
        match &self.processing_key {
            Some(s) => out.push_str(&format!("processing_key = \"***\"  # {}\n", s.source)),
            None => out.push_str(&format!(
                "# processing_key: niet gezet; ave serve gebruikt {} (aangemaakt als het ontbreekt)\n",
                self.data_dir.value.join(KEY_FILE).display()
            )),
        }
        out
    }
}

impl DatabaseArgs {
    /// The database from the flag, the process environment and the file they name, with
    /// `ave.sqlite` in the data directory as the default (created if need be).
    pub fn url(&self) -> Result<DatabaseUrl> {
        let env = |name: &str| std::env::var_os(name);
        let file = ConfigFile::named(self.config.as_deref(), &env)?;
        let data_dir = data_dir(file.as_ref(), &env)?;
        let database = database(
            self.database.as_deref(),
            file.as_ref(),
            &env,
            &data_dir,
            "ave.sqlite",
        )?;
        create_data_dir(&database, &data_dir)?;
        Ok(database.value)
    }
}

impl DatabaseArgs {
    /// The processing log's key as `ave serve` finds it; never made here.
    pub fn processing_key(&self) -> Result<SubjectKey> {
        let env = |name: &str| std::env::var_os(name);
        let file = ConfigFile::named(self.config.as_deref(), &env)?;
        if let Some(key) = processing_key(file.as_ref(), &env)? {
            return Ok(key.value);
        }
        let data_dir = data_dir(file.as_ref(), &env)?;
        keys::PROCESSING.load(&data_dir.value.join(KEY_FILE), false)
    }

    /// The audit log's signing key as `ave serve` finds it; none when it is not configured
    /// and its file does not exist (never made here).
    pub fn audit_key(&self) -> Result<Option<ave_store::audit::SigningKey>> {
        let env = |name: &str| std::env::var_os(name);
        let file = ConfigFile::named(self.config.as_deref(), &env)?;
        if let Some(key) = audit::key(file.as_ref(), &env)? {
            return Ok(Some(key.value));
        }
        let data_dir = data_dir(file.as_ref(), &env)?;
        keys::AUDIT.read(&data_dir.value.join(audit::KEY_FILE))
    }

    /// Where the audit log's key file is, for messages.
    pub fn audit_key_file(&self) -> Result<PathBuf> {
        let env = |name: &str| std::env::var_os(name);
        let file = ConfigFile::named(self.config.as_deref(), &env)?;
        Ok(data_dir(file.as_ref(), &env)?.value.join(audit::KEY_FILE))
    }
}

/// Creates the data directory when the database is the default file in it.
fn create_data_dir(database: &Setting<DatabaseUrl>, data_dir: &Setting<PathBuf>) -> Result<()> {
    if database.source == Source::Default {
        let dir = &data_dir.value;
        std::fs::create_dir_all(dir)
            .with_context(|| format!("de datamap {} is niet aan te maken", dir.display()))?;
    }
    Ok(())
}

/// A lookup in the environment (the process's, or a test's map).
type Env<'a> = dyn Fn(&str) -> Option<OsString> + 'a;

/// Resolves every value through the layers.
fn resolve(args: &ConfigArgs, default_file: &str, env: &Env<'_>) -> Result<Config> {
    let file = ConfigFile::named(args.config.as_deref(), env)?;
    let data_dir = data_dir(file.as_ref(), env)?;
    let database = database(
        args.database.as_deref(),
        file.as_ref(),
        env,
        &data_dir,
        default_file,
    )?;

    let listen = if let Some(addr) = args.listen {
        Setting {
            value: addr,
            source: Source::Flag("--listen"),
        }
    } else if let Some(text) = env_text(env, "AVE_LISTEN")? {
        Setting {
            value: parse_listen(&text).with_context(|| {
                format!("de omgevingsvariabele AVE_LISTEN is ongeldig: '{text}'")
            })?,
            source: Source::Env("AVE_LISTEN"),
        }
    } else if let Some((f, listen)) = file
        .as_ref()
        .and_then(|f| Some((f, f.values.listen.as_ref()?)))
    {
        Setting {
            value: parse_listen(listen.get_ref()).map_err(|e| {
                anyhow!(
                    "{}: `listen` = '{}': {e}",
                    f.place(listen.span()),
                    listen.get_ref()
                )
            })?,
            source: Source::File(f.path.clone()),
        }
    } else {
        Setting {
            value: parse_listen(DEFAULT_LISTEN)?,
            source: Source::Default,
        }
    };

    let log_format = if let Some(format) = args.log_format {
        Setting {
            value: format,
            source: Source::Flag("--log-format"),
        }
    } else if let Some(text) = env_text(env, "AVE_LOG_FORMAT")? {
        let value = LogFormat::from_str(&text, true).map_err(|_| {
            anyhow!(
                "de omgevingsvariabele AVE_LOG_FORMAT is ongeldig: '{text}'; mogelijk: tekst, json"
            )
        })?;
        Setting {
            value,
            source: Source::Env("AVE_LOG_FORMAT"),
        }
    } else if let Some((f, format)) = file
        .as_ref()
        .and_then(|f| Some((f, f.values.log.as_ref()?.format?)))
    {
        Setting {
            value: format,
            source: Source::File(f.path.clone()),
        }
    } else {
        Setting {
            value: LogFormat::Tekst,
            source: Source::Default,
        }
    };

    let log_level = if let Some(text) = env_text(env, "AVE_LOG")? {
        check_level(&text)
            .map_err(|e| anyhow!("de omgevingsvariabele AVE_LOG is ongeldig: {e}"))?;
        Setting {
            value: text,
            source: Source::Env("AVE_LOG"),
        }
    } else if let Some((f, level)) = file
        .as_ref()
        .and_then(|f| Some((f, f.values.log.as_ref()?.level.as_ref()?)))
    {
        check_level(level.get_ref())
            .map_err(|e| anyhow!("{}: `level`: {e}", f.place(level.span())))?;
        Setting {
            value: level.get_ref().clone(),
            source: Source::File(f.path.clone()),
        }
    } else {
        Setting {
            value: DEFAULT_LEVEL.to_owned(),
            source: Source::Default,
        }
    };

    let path = |text: &str| -> Result<PathBuf, String> {
        if text.trim().is_empty() {
            Err("het pad is leeg".to_owned())
        } else {
            Ok(PathBuf::from(text))
        }
    };
    let tls_cert = layered(
        args.tls_cert.clone().map(|p| (p, "--tls-cert")),
        env,
        "AVE_TLS_CERT",
        file.as_ref(),
        |v| v.tls_cert.as_ref(),
        "tls_cert",
        path,
    )?;
    let tls_key = layered(
        args.tls_key.clone().map(|p| (p, "--tls-key")),
        env,
        "AVE_TLS_KEY",
        file.as_ref(),
        |v| v.tls_key.as_ref(),
        "tls_key",
        path,
    )?;
    if tls_cert.is_some() != tls_key.is_some() {
        bail!(
            "voor TLS zijn certificaat én sleutel nodig: geef tls_cert en tls_key allebei (of --tls-cert en --tls-key, of AVE_TLS_CERT en AVE_TLS_KEY)"
        );
    }
    let trusted_proxy = layered(
        args.trusted_proxy.map(|a| (a, "--achter-proxy")),
        env,
        "AVE_TRUSTED_PROXY",
        file.as_ref(),
        |v| v.trusted_proxy.as_ref(),
        "trusted_proxy",
        |text| {
            text.trim().parse::<IpAddr>().map_err(|_| {
                "geen geldig IP-adres; schrijf het adres van de proxy, bijvoorbeeld 10.0.0.5"
                    .to_owned()
            })
        },
    )?;
    let processing_key = processing_key(file.as_ref(), env)?;
    let audit_key = audit::key(file.as_ref(), env)?;
    let audit_checkpoint_every = audit::every(file.as_ref(), env)?;
    let oidc = oidc::resolve(file.as_ref(), env)?;
    let themes = theme::resolve(file.as_ref())?;
    let smtp = smtp::resolve(file.as_ref(), env)?;

    Ok(Config {
        oidc,
        themes,
        smtp,
        file: file.map(|f| f.path),
        database,
        data_dir,
        listen,
        log_format,
        log_level,
        tls_cert,
        tls_key,
        trusted_proxy,
        processing_key,
        audit_key,
        audit_checkpoint_every,
    })
}

/// One optional value through the layers: flag > environment variable > file key.
fn layered<T>(
    flag: Option<(T, &'static str)>,
    env: &Env<'_>,
    var: &'static str,
    file: Option<&ConfigFile>,
    pick: impl Fn(&FileValues) -> Option<&toml::Spanned<String>>,
    key: &str,
    parse: impl Fn(&str) -> Result<T, String>,
) -> Result<Option<Setting<T>>> {
    if let Some((value, name)) = flag {
        return Ok(Some(Setting {
            value,
            source: Source::Flag(name),
        }));
    }
    if let Some(text) = env_text(env, var)? {
        let value =
            parse(&text).map_err(|e| anyhow!("de omgevingsvariabele {var} is ongeldig: {e}"))?;
        return Ok(Some(Setting {
            value,
            source: Source::Env(var),
        }));
    }
    if let Some(f) = file
        && let Some(text) = pick(&f.values)
    {
        let value =
            parse(text.get_ref()).map_err(|e| anyhow!("{}: `{key}`: {e}", f.place(text.span())))?;
        return Ok(Some(Setting {
            value,
            source: Source::File(f.path.clone()),
        }));
    }
    Ok(None)
}

/// The processing log's key from `AVE_PROCESSING_KEY` or the file (no flag: a secret on the
/// command line is visible to every user of the machine).
fn processing_key(file: Option<&ConfigFile>, env: &Env<'_>) -> Result<Option<Setting<SubjectKey>>> {
    // The key's own text never reaches a message.
    layered(
        None,
        env,
        "AVE_PROCESSING_KEY",
        file,
        |v| v.processing_key.as_ref(),
        "processing_key",
        |text| {
            SubjectKey::from_hex(text)
                .map_err(|_| "de sleutel moet 64 hexadecimale tekens zijn (32 bytes)".to_owned())
        },
    )
}

/// The data directory: `AVE_DATA_DIR` > file > `ave-data`.
fn data_dir(file: Option<&ConfigFile>, env: &Env<'_>) -> Result<Setting<PathBuf>> {
    if let Some(dir) = env("AVE_DATA_DIR").filter(|v| !v.is_empty()) {
        return Ok(Setting {
            value: PathBuf::from(dir),
            source: Source::Env("AVE_DATA_DIR"),
        });
    }
    if let Some(f) = file
        && let Some(dir) = &f.values.data_dir
    {
        if dir.get_ref().is_empty() {
            bail!("{}: `data_dir` is leeg", f.place(dir.span()));
        }
        return Ok(Setting {
            value: PathBuf::from(dir.get_ref()),
            source: Source::File(f.path.clone()),
        });
    }
    Ok(Setting {
        value: PathBuf::from(DEFAULT_DATA_DIR),
        source: Source::Default,
    })
}

/// The database: flag > `AVE_DATABASE` > file > `default_file` in the data directory.
fn database(
    flag: Option<&str>,
    file: Option<&ConfigFile>,
    env: &Env<'_>,
    data_dir: &Setting<PathBuf>,
    default_file: &str,
) -> Result<Setting<DatabaseUrl>> {
    if let Some(url) = flag {
        return Ok(Setting {
            value: DatabaseUrl(url.to_owned()),
            source: Source::Flag("--database"),
        });
    }
    if let Some(url) = env_text(env, "AVE_DATABASE")? {
        return Ok(Setting {
            value: DatabaseUrl(url),
            source: Source::Env("AVE_DATABASE"),
        });
    }
    if let Some(f) = file
        && let Some(url) = &f.values.database
    {
        if url.get_ref().is_empty() {
            bail!("{}: `database` is leeg", f.place(url.span()));
        }
        return Ok(Setting {
            value: DatabaseUrl(url.get_ref().clone()),
            source: Source::File(f.path.clone()),
        });
    }
    Ok(Setting {
        value: DatabaseUrl(format!(
            "sqlite://{}",
            data_dir.value.join(default_file).display()
        )),
        source: Source::Default,
    })
}

/// An environment variable as text; unset and empty are the same (a variable set to
/// nothing in a unit file means "not set").
fn env_text(env: &Env<'_>, name: &'static str) -> Result<Option<String>> {
    match env(name) {
        None => Ok(None),
        Some(v) if v.is_empty() => Ok(None),
        Some(v) => v
            .into_string()
            .map(Some)
            .map_err(|_| anyhow!("de omgevingsvariabele {name} is geen geldige UTF-8-tekst")),
    }
}

fn parse_listen(text: &str) -> Result<SocketAddr> {
    text.trim().parse().map_err(|_| {
        anyhow!("geen geldig adres; schrijf IP-adres:poort, bijvoorbeeld {DEFAULT_LISTEN}")
    })
}

/// The levels a directive may name.
const LEVELS: &[&str] = &["off", "error", "warn", "info", "debug", "trace"];

/// Checks a log directive (`info`, `ave_server=debug,info`). Stricter than `EnvFilter`: a
/// directive without `=` must be a level, because `EnvFilter` takes an unknown word for the
/// name of a module, and a typo (`inf`) would then silently switch off every log line.
fn check_level(text: &str) -> Result<(), String> {
    let example = "schrijf een niveau (off, error, warn, info, debug, trace), eventueel per onderdeel: info,ave_server=debug";
    if text.trim().is_empty() {
        return Err(format!("het logniveau is leeg; {example}"));
    }
    for directive in text.split(',').map(str::trim).filter(|d| !d.is_empty()) {
        let (target, level) = match directive.rsplit_once('=') {
            Some((target, level)) => (Some(target), level),
            None => (None, directive),
        };
        if target.is_some_and(|t| t.trim().is_empty())
            || !LEVELS.contains(&level.trim().to_ascii_lowercase().as_str())
        {
            return Err(format!("'{directive}' is geen geldig logniveau; {example}"));
        }
    }
    tracing_subscriber::EnvFilter::try_new(text)
        .map(|_| ())
        .map_err(|_| format!("'{text}' is geen geldig logniveau; {example}"))
}

/// The configuration file as written: every key optional, an unknown key an error.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct FileValues {
    database: Option<toml::Spanned<String>>,
    listen: Option<toml::Spanned<String>>,
    data_dir: Option<toml::Spanned<String>>,
    tls_cert: Option<toml::Spanned<String>>,
    tls_key: Option<toml::Spanned<String>>,
    trusted_proxy: Option<toml::Spanned<String>>,
    processing_key: Option<toml::Spanned<String>>,
    audit_key: Option<toml::Spanned<String>>,
    audit_checkpoint_every: Option<toml::Spanned<String>>,
    log: Option<LogValues>,
    oidc: Option<Vec<oidc::OidcValues>>,
    thema: Option<Vec<theme::ThemeValues>>,
    smtp: Option<smtp::SmtpValues>,
}

/// The `[log]` table.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct LogValues {
    format: Option<LogFormat>,
    level: Option<toml::Spanned<String>>,
}

/// A configuration file that was read, with its text for placing a bad value.
#[derive(Debug)]
struct ConfigFile {
    path: PathBuf,
    text: String,
    values: FileValues,
}

impl ConfigFile {
    /// The file `--config` or `AVE_CONFIG` names, read; none when neither names one.
    fn named(flag: Option<&Path>, env: &Env<'_>) -> Result<Option<ConfigFile>> {
        let path = match flag {
            Some(path) => path.to_owned(),
            None => match env("AVE_CONFIG").filter(|v| !v.is_empty()) {
                Some(path) => PathBuf::from(path),
                None => return Ok(None),
            },
        };
        ConfigFile::read(&path).map(Some)
    }

    fn read(path: &Path) -> Result<ConfigFile> {
        let shown = path.display();
        let bytes = crate::read::read_limited(path)
            .map_err(|e| anyhow!("configuratiebestand {shown}: {}", e.message))?;
        if bytes.len() > crate::read::LIMIT {
            bail!("configuratiebestand {shown}: is groter dan 1 MiB");
        }
        let text = String::from_utf8(bytes)
            .map_err(|_| anyhow!("configuratiebestand {shown}: is geen UTF-8-tekst"))?;
        let file = shown.to_string();
        let table = toml::de::DeTable::parse(&text).map_err(|e| {
            let at = ave_model::Location::at(&file, &text, e.span().map_or(0, |s| s.start));
            anyhow!(
                "configuratiebestand {at}: geen geldige TOML: {}",
                ave_model::wording::toml_syntax(e.message())
            )
        })?;
        let values = FileValues::deserialize(toml::de::Deserializer::from(table)).map_err(|e| {
            let at = ave_model::Location::at(&file, &text, e.span().map_or(0, |s| s.start));
            anyhow!(
                "configuratiebestand {at}: {}",
                ave_model::wording::serde_message(e.message()).message
            )
        })?;
        Ok(ConfigFile {
            path: path.to_owned(),
            text,
            values,
        })
    }

    /// "configuratiebestand FILE:LINE:COLUMN" of a byte range in the file.
    fn place(&self, span: Range<usize>) -> String {
        let at = ave_model::Location::at(&self.path.display().to_string(), &self.text, span.start);
        format!("configuratiebestand {at}")
    }
}

#[cfg(test)]
mod tests {
    use std::collections::HashMap;

    use super::*;

    #[test]
    fn passwords_are_never_shown() {
        for (url, shown) in [
            (
                "postgres://ave:geheim@db.example:5432/ave",
                "postgres://ave:***@db.example:5432/ave",
            ),
            (
                "sqlite://ave-data/ave.sqlite",
                "sqlite://ave-data/ave.sqlite",
            ),
            ("postgres://ave@db/ave", "postgres://ave@db/ave"),
            (
                "postgres://db/ave?user=ave&password=geheim&sslmode=require",
                "postgres://db/ave?user=ave&password=***&sslmode=require",
            ),
            (
                "postgres://ave:geheim@db/ave?sslpassword=ook-geheim",
                "postgres://ave:***@db/ave?sslpassword=***",
            ),
            ("postgres://ave:ge@heim@db/ave", "postgres://ave:***@db/ave"),
            (
                "postgres://db/ave?PASSWORD=geheim",
                "postgres://db/ave?PASSWORD=***",
            ),
        ] {
            assert_eq!(redacted(url), shown, "{url}");
        }
    }

    #[test]
    fn a_database_url_hides_its_password_when_shown_or_debugged() {
        let url = DatabaseUrl("postgres://ave:geheim@db/ave".into());
        assert!(!format!("{url}").contains("geheim"));
        assert!(!format!("{url:?}").contains("geheim"));
        assert!(!format!("{:?}", Some(&url)).contains("geheim"));
        assert_eq!(url.expose(), "postgres://ave:geheim@db/ave");
    }

    fn env(vars: &[(&str, &str)]) -> impl Fn(&str) -> Option<OsString> {
        let map: HashMap<String, OsString> = vars
            .iter()
            .map(|(k, v)| ((*k).to_owned(), OsString::from(v)))
            .collect();
        move |name| map.get(name).cloned()
    }

    #[test]
    fn without_anything_the_defaults_hold_and_no_file_is_read() {
        let c = resolve(&ConfigArgs::default(), "ave.sqlite", &env(&[])).unwrap();
        assert_eq!(c.file, None);
        assert_eq!(c.database.value.expose(), "sqlite://ave-data/ave.sqlite");
        assert_eq!(c.database.source, Source::Default);
        assert_eq!(c.listen.value.to_string(), DEFAULT_LISTEN);
        assert_eq!(c.log_format.value, LogFormat::Tekst);
        assert_eq!(c.log_level.value, "info");
    }

    #[test]
    fn the_data_dir_from_the_environment_places_the_default_database() {
        let c = resolve(
            &ConfigArgs::default(),
            "demo.sqlite",
            &env(&[("AVE_DATA_DIR", "/srv/ave"), ("AVE_DATABASE", "")]),
        )
        .unwrap();
        assert_eq!(c.database.value.expose(), "sqlite:///srv/ave/demo.sqlite");
        assert_eq!(c.data_dir.source, Source::Env("AVE_DATA_DIR"));
    }

    #[test]
    fn a_bad_environment_value_names_the_variable() {
        for (var, value, want) in [
            ("AVE_LISTEN", "geen-adres", "AVE_LISTEN is ongeldig"),
            ("AVE_LOG_FORMAT", "xml", "AVE_LOG_FORMAT is ongeldig"),
            ("AVE_LOG", "inf", "AVE_LOG is ongeldig"),
            ("AVE_LOG", "ave_server=lots", "AVE_LOG is ongeldig"),
        ] {
            let e =
                resolve(&ConfigArgs::default(), "ave.sqlite", &env(&[(var, value)])).unwrap_err();
            assert!(format!("{e:#}").contains(want), "{var}={value}: {e:#}");
        }
    }

    #[test]
    fn log_directives_with_levels_are_accepted() {
        for ok in [
            "info",
            "WARN",
            "info,ave_server=debug",
            "ave_store=trace",
            "off",
        ] {
            assert_eq!(check_level(ok), Ok(()), "{ok}");
        }
        for bad in ["", "inf", "=info", "ave_server=", "info,,verbose"] {
            assert!(check_level(bad).is_err(), "{bad}");
        }
    }
}
