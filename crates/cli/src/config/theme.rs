//! The `[[thema]]` entries of the configuration file: a gemeente's name, colours and logo on
//! the web pages (an entry without `gemeente` is the installation's default). Checked when
//! the configuration is read — a colour white text is unreadable on, a missing or too large
//! logo, two themes for one gemeente — so a mistake stops `ave` before it serves anything.
//!
//! ```toml
//! [[thema]]
//! gemeente = "Heidestad"          # weglaten: het standaardthema
//! naam = "Gemeente Heidestad"
//! kleur = "#0b5c36"               # achter witte tekst: contrast minstens 4,5:1
//! kleur_donker = "#073d24"        # het menu; standaard gelijk aan kleur
//! logo = "heidestad.svg"          # SVG of PNG, naast het configuratiebestand, ≤ 100 kB
//! ```

use anyhow::{Result, anyhow};
use ave_server::web::theme::{Logo, Theme, Themes};
use serde::Deserialize;

use super::ConfigFile;

/// One `[[thema]]` table as written.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct ThemeValues {
    gemeente: Option<String>,
    naam: toml::Spanned<String>,
    kleur: String,
    kleur_donker: Option<String>,
    logo: Option<String>,
}

/// The themes in the file, checked, with their logos read.
pub(super) fn resolve(file: Option<&ConfigFile>) -> Result<Vec<Theme>> {
    let Some(f) = file else {
        return Ok(Vec::new());
    };
    let mut out = Vec::new();
    for v in f.values.thema.iter().flatten() {
        let place = f.place(v.naam.span());
        let logo = match &v.logo {
            None => None,
            Some(name) => {
                let path = f
                    .path
                    .parent()
                    .map_or_else(|| name.into(), |dir| dir.join(name));
                let content_type = match path.extension().and_then(|e| e.to_str()) {
                    Some(e) if e.eq_ignore_ascii_case("svg") => "image/svg+xml",
                    Some(e) if e.eq_ignore_ascii_case("png") => "image/png",
                    _ => {
                        return Err(anyhow!(
                            "{place}: het logo {name:?} moet een SVG- of PNG-bestand zijn (.svg of .png)"
                        ));
                    }
                };
                let bytes = std::fs::read(&path).map_err(|e| {
                    anyhow!(
                        "{place}: het logo {} is niet te lezen: {}",
                        path.display(),
                        crate::read::io_message(&e)
                    )
                })?;
                Some(Logo {
                    bytes,
                    content_type,
                })
            }
        };
        let theme = Theme {
            gemeente: v.gemeente.clone().filter(|g| !g.trim().is_empty()),
            name: v.naam.get_ref().clone(),
            colour: v.kleur.trim().to_owned(),
            colour_dark: v
                .kleur_donker
                .clone()
                .unwrap_or_else(|| v.kleur.clone())
                .trim()
                .to_owned(),
            logo,
        };
        theme.check().map_err(|e| anyhow!("{place}: {e}"))?;
        out.push(theme);
    }
    Themes::new(out.clone()).map_err(|e| anyhow!("{}: {e}", f.path.display()))?;
    Ok(out)
}

/// The themes as `ave config show` writes them.
pub(super) fn to_toml(themes: &[Theme], file: &std::path::Path, out: &mut String) {
    let quoted = |s: &str| toml::Value::String(s.to_owned()).to_string();
    for t in themes {
        out.push_str("\n[[thema]]\n");
        if let Some(g) = &t.gemeente {
            out.push_str(&format!("gemeente = {}\n", quoted(g)));
        }
        out.push_str(&format!("naam = {}\n", quoted(&t.name)));
        out.push_str(&format!("kleur = {}\n", quoted(&t.colour)));
        out.push_str(&format!("kleur_donker = {}\n", quoted(&t.colour_dark)));
        if let Some(l) = &t.logo {
            out.push_str(&format!(
                "# logo: {} ({} bytes, uit {})\n",
                l.content_type,
                l.bytes.len(),
                file.display()
            ));
        }
    }
}
