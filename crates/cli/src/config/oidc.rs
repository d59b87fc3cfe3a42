//! The `[[oidc]]` entries of the configuration file: the identity providers people log in
//! with (OpenID Connect) and API clients get bearer tokens from. Each entry is checked when
//! the configuration is read, so that a mistake stops `ave` before it opens anything. The
//! client secret may come from the file or, better, from the environment:
//! `AVE_OIDC_<NAAM>_CLIENT_SECRET` (the name in capitals, `-` as `_`), which wins. It is
//! never shown: `Debug` and `ave config show` write `***`.

use std::fmt;

use anyhow::{Result, anyhow, bail};
use ave_server::auth::jwt::{ClaimNames, ProviderConfig};
use serde::Deserialize;

use super::{ConfigFile, Env, Source};

/// One `[[oidc]]` table as written.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct OidcValues {
    naam: toml::Spanned<String>,
    issuer: String,
    client_id: String,
    client_secret: Option<String>,
    redirect_url: Option<String>,
    audience: Option<String>,
    scope: Option<String>,
    claim_persoon: Option<String>,
    claim_organisatie: Option<String>,
    claim_functies: Option<String>,
    #[serde(default)]
    organisaties: Vec<String>,
    gemeente: Option<String>,
}

/// An identity provider as configured.
#[derive(Clone)]
pub struct OidcProvider {
    /// What the server needs (the secret inside is never shown).
    pub config: ProviderConfig,
    /// The configuration file it is in.
    pub file: std::path::PathBuf,
    /// Where the client secret came from, if there is one.
    pub secret_from: Option<SecretFrom>,
    /// The environment variable for the secret.
    pub secret_var: String,
    /// The keys that took their default (not in the file).
    pub defaulted: Vec<&'static str>,
}

impl fmt::Debug for OidcProvider {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        // ProviderConfig's Debug hides the secret.
        f.debug_struct("OidcProvider")
            .field("config", &self.config)
            .field("file", &self.file)
            .finish_non_exhaustive()
    }
}

/// Where a client secret came from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SecretFrom {
    /// The configuration file.
    File,
    /// The environment variable [`secret_var`].
    Env,
}

/// The environment variable that holds a provider's client secret.
pub fn secret_var(name: &str) -> String {
    format!(
        "AVE_OIDC_{}_CLIENT_SECRET",
        name.to_ascii_uppercase().replace('-', "_")
    )
}

/// The providers in the file, checked, with their secrets from the environment where set.
pub(super) fn resolve(file: Option<&ConfigFile>, env: &Env<'_>) -> Result<Vec<OidcProvider>> {
    let Some(f) = file else {
        return Ok(Vec::new());
    };
    let mut out: Vec<OidcProvider> = Vec::new();
    for v in f.values.oidc.iter().flatten() {
        let name = v.naam.get_ref().clone();
        let place = f.place(v.naam.span());
        if out.iter().any(|p| p.config.name == name) {
            bail!("{place}: identiteitsprovider {name:?} staat er twee keer in");
        }
        let var = secret_var(&name);
        let (secret, secret_from) = match env(&var).filter(|s| !s.is_empty()) {
            Some(s) => (
                s.into_string().map_err(|_| {
                    anyhow!("de omgevingsvariabele {var} is geen geldige UTF-8-tekst")
                })?,
                Some(SecretFrom::Env),
            ),
            None => match v.client_secret.clone().filter(|s| !s.is_empty()) {
                Some(s) => (s, Some(SecretFrom::File)),
                None => (String::new(), None),
            },
        };
        let defaults = ClaimNames::default();
        let defaulted = [
            ("scope", v.scope.is_none()),
            ("claim_persoon", v.claim_persoon.is_none()),
            ("claim_organisatie", v.claim_organisatie.is_none()),
            ("claim_functies", v.claim_functies.is_none()),
        ]
        .into_iter()
        .filter_map(|(k, d)| d.then_some(k))
        .collect();
        let config = ProviderConfig {
            name,
            issuer: v.issuer.clone(),
            client_id: v.client_id.clone(),
            client_secret: secret,
            redirect_url: v.redirect_url.clone().filter(|s| !s.is_empty()),
            audience: v.audience.clone().filter(|s| !s.is_empty()),
            scope: v.scope.clone().unwrap_or_else(|| "openid".to_owned()),
            claims: ClaimNames {
                person: v.claim_persoon.clone().unwrap_or(defaults.person),
                organisation: v.claim_organisatie.clone().unwrap_or(defaults.organisation),
                functions: v.claim_functies.clone().unwrap_or(defaults.functions),
            },
            organisations: v.organisaties.clone(),
            gemeente: v.gemeente.clone().filter(|g| !g.is_empty()),
        };
        config.check().map_err(|e| {
            let hint = if config.redirect_url.is_some() && config.client_secret.is_empty() {
                format!(" (in het bestand of in {var})")
            } else {
                String::new()
            };
            anyhow!("{place}: {e}{hint}")
        })?;
        out.push(OidcProvider {
            config,
            file: f.path.clone(),
            secret_from,
            secret_var: var,
            defaulted,
        });
    }
    Ok(out)
}

/// The providers as TOML for `ave config show`, each value with where it came from; the
/// secret as `***`.
pub(super) fn to_toml(providers: &[OidcProvider], out: &mut String) {
    let quoted = |s: &str| toml::Value::String(s.to_owned()).to_string();
    for p in providers {
        let c = &p.config;
        let file = Source::File(p.file.clone());
        let line = |out: &mut String, key: &str, value: &str, source: &dyn fmt::Display| {
            let source = if p.defaulted.contains(&key) {
                &Source::Default
            } else {
                source
            };
            out.push_str(&format!("{key} = {}  # {source}\n", quoted(value)));
        };
        out.push_str("\n[[oidc]]\n");
        line(out, "naam", &c.name, &file);
        line(out, "issuer", &c.issuer, &file);
        line(out, "client_id", &c.client_id, &file);
        match p.secret_from {
            Some(SecretFrom::Env) => line(out, "client_secret", "***", &EnvName(&p.secret_var)),
            Some(SecretFrom::File) => line(out, "client_secret", "***", &file),
            None => {}
        }
        if let Some(url) = &c.redirect_url {
            line(out, "redirect_url", url, &file);
        }
        if let Some(audience) = &c.audience {
            line(out, "audience", audience, &file);
        }
        line(out, "scope", &c.scope, &file);
        line(out, "claim_persoon", &c.claims.person, &file);
        line(out, "claim_organisatie", &c.claims.organisation, &file);
        line(out, "claim_functies", &c.claims.functions, &file);
        let list = toml::Value::Array(
            c.organisations
                .iter()
                .map(|o| toml::Value::String(o.clone()))
                .collect(),
        );
        out.push_str(&format!("organisaties = {list}  # {file}\n"));
        if let Some(gemeente) = &c.gemeente {
            line(out, "gemeente", gemeente, &file);
        }
    }
}

/// "omgeving NAME" for a variable whose name is made at run time.
struct EnvName<'a>(&'a str);

impl fmt::Display for EnvName<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "omgeving {}", self.0)
    }
}
