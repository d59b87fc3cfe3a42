//! The `[smtp]` table of the configuration file: the SMTP server that e-mails announcing
//! meldingen go through (issue 12). Without it no e-mail is sent; meldingen are still in the
//! inbox on the site. The password comes from the environment, `AVE_SMTP_PASSWORD` (or,
//! worse, `password` in the file); it is never shown: `Debug` and `ave config show` write
//! `***`. Checked when the configuration is read, so a mistake stops `ave` at once.

use anyhow::{Result, anyhow, bail};
use ave_server::mail::{MailConfig, MailTls};
use serde::Deserialize;

use super::{ConfigFile, Env, Source, env_text};

/// The environment variable with the SMTP password.
pub const PASSWORD_VAR: &str = "AVE_SMTP_PASSWORD";

/// The `[smtp]` table as written.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct SmtpValues {
    host: toml::Spanned<String>,
    port: Option<u16>,
    from: String,
    tls: Option<String>,
    username: Option<String>,
    password: Option<String>,
    base_url: String,
}

/// The SMTP settings as configured, with where the password came from.
#[derive(Debug, Clone)]
pub struct Smtp {
    /// What the server needs (its `Debug` hides the password).
    pub config: MailConfig,
    /// The configuration file.
    pub file: std::path::PathBuf,
    /// Where the password came from, if there is one.
    pub password_from: Option<Source>,
}

/// The `[smtp]` table, checked, with the password from the environment where set.
pub(super) fn resolve(file: Option<&ConfigFile>, env: &Env<'_>) -> Result<Option<Smtp>> {
    let Some(f) = file else {
        return Ok(None);
    };
    let Some(v) = &f.values.smtp else {
        return Ok(None);
    };
    let place = f.place(v.host.span());
    let tls = match v.tls.as_deref() {
        None => MailTls::StartTls,
        Some(t) => MailTls::parse(t).ok_or_else(|| {
            anyhow!("{place}: smtp.tls {t:?} is onbekend; kies none, starttls of tls")
        })?,
    };
    let port = v.port.unwrap_or(match tls {
        MailTls::None => 25,
        MailTls::StartTls => 587,
        MailTls::Tls => 465,
    });
    let (password, password_from) = match env_text(env, PASSWORD_VAR)? {
        Some(p) => (Some(p), Some(Source::Env(PASSWORD_VAR))),
        None => match v.password.clone().filter(|p| !p.is_empty()) {
            Some(p) => (Some(p), Some(Source::File(f.path.clone()))),
            None => (None, None),
        },
    };
    let config = MailConfig {
        host: v.host.get_ref().trim().to_owned(),
        port,
        from: v.from.clone(),
        tls,
        username: v.username.clone().filter(|u| !u.is_empty()),
        password,
        base_url: v.base_url.trim().to_owned(),
    };
    if let Err(e) = config.check() {
        bail!("{place}: {e}");
    }
    Ok(Some(Smtp {
        config,
        file: f.path.clone(),
        password_from,
    }))
}

/// The table as TOML for `ave config show`; the password as `***`.
pub(super) fn to_toml(smtp: Option<&Smtp>, out: &mut String) {
    let Some(s) = smtp else {
        out.push_str("\n# [smtp]: niet gezet; meldingen gaan niet per e-mail\n");
        return;
    };
    let quoted = |v: &str| toml::Value::String(v.to_owned()).to_string();
    let file = Source::File(s.file.clone());
    let c = &s.config;
    out.push_str("\n[smtp]\n");
    out.push_str(&format!("host = {}  # {file}\n", quoted(&c.host)));
    out.push_str(&format!("port = {}  # {file}\n", c.port));
    out.push_str(&format!("from = {}  # {file}\n", quoted(&c.from)));
    out.push_str(&format!("tls = {}  # {file}\n", quoted(c.tls.as_str())));
    if let Some(u) = &c.username {
        out.push_str(&format!("username = {}  # {file}\n", quoted(u)));
    }
    match &s.password_from {
        Some(source) => out.push_str(&format!("password = \"***\"  # {source}\n")),
        None => out.push_str(&format!("# password: niet gezet ({PASSWORD_VAR})\n")),
    }
    out.push_str(&format!("base_url = {}  # {file}\n", quoted(&c.base_url)));
}

#[cfg(test)]
mod tests {
    use std::ffi::OsString;

    use super::*;

    fn file(text: &str) -> (tempfile::TempDir, ConfigFile) {
        let dir = tempfile::tempdir().expect("dir");
        let path = dir.path().join("ave.toml");
        std::fs::write(&path, text).expect("write");
        let f = ConfigFile::read(&path).expect("read");
        (dir, f)
    }

    const TABLE: &str = "[smtp]\nhost = \"smtp.gemeente.example\"\nfrom = \"AVE-regie <noreply@gemeente.example>\"\nusername = \"ave\"\nbase_url = \"https://ave.gemeente.example\"\n";

    #[test]
    fn the_password_comes_from_the_environment_and_is_never_shown() {
        let (_dir, f) = file(TABLE);
        let env = |name: &str| (name == PASSWORD_VAR).then(|| OsString::from("geheim-smtp"));
        let smtp = resolve(Some(&f), &env).expect("ok").expect("set");
        assert_eq!(smtp.config.password.as_deref(), Some("geheim-smtp"));
        assert_eq!(smtp.config.port, 587);
        assert_eq!(smtp.config.tls, MailTls::StartTls);
        let mut out = String::new();
        to_toml(Some(&smtp), &mut out);
        assert!(!out.contains("geheim"), "{out}");
        assert!(
            out.contains("password = \"***\"  # omgeving AVE_SMTP_PASSWORD"),
            "{out}"
        );
        assert!(!format!("{smtp:?}").contains("geheim"));
    }

    #[test]
    fn a_login_without_password_or_a_bad_mode_is_refused_with_its_place() {
        let (_dir, f) = file(TABLE);
        let none = |_: &str| None;
        let e = resolve(Some(&f), &none)
            .expect_err("no password")
            .to_string();
        assert!(e.contains("AVE_SMTP_PASSWORD"), "{e}");
        let (_dir, f) = file(&TABLE.replace("username = \"ave\"\n", "tls = \"ssl\"\n"));
        let e = resolve(Some(&f), &none).expect_err("bad tls").to_string();
        assert!(e.contains("ave.toml:2"), "{e}");
        assert!(e.contains("starttls"), "{e}");
    }
}
