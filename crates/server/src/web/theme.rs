//! A gemeente's look: its name, colours and logo over the product's own theme. Themes come
//! from the configuration (`[[thema]]`, see `docs/operations.md`); a page takes the theme of
//! the gemeente the person works for (their first function with that gemeente), else the
//! installation's default theme (one without a gemeente), else none. Each theme becomes a
//! small stylesheet that overrides the design tokens, served like the main stylesheet under
//! a content-hashed name. A colour that white text cannot be read on (contrast under 4.5:1,
//! WCAG 1.4.3) is refused when the server starts.

use sha2::{Digest, Sha256};

use crate::auth::Actor;

/// The largest logo accepted (pages must stay light).
pub const LOGO_LIMIT: usize = 100 * 1024;

/// A logo file.
#[derive(Debug, Clone)]
pub struct Logo {
    /// The file's bytes.
    pub bytes: Vec<u8>,
    /// `image/svg+xml` or `image/png`.
    pub content_type: &'static str,
}

/// A theme as configured.
#[derive(Debug, Clone)]
pub struct Theme {
    /// The gemeente it is for; `None` for the installation's default.
    pub gemeente: Option<String>,
    /// The name shown in the header (e.g. "Gemeente Heidestad").
    pub name: String,
    /// The main colour (`#rrggbb`), behind white text.
    pub colour: String,
    /// The darker colour of the menu (`#rrggbb`), behind white text.
    pub colour_dark: String,
    /// The logo, if any.
    pub logo: Option<Logo>,
}

/// A theme ready to serve.
#[derive(Debug, Clone)]
pub struct Built {
    /// The theme.
    pub theme: Theme,
    /// Its stylesheet.
    pub css: String,
    /// The stylesheet's path (`/assets/thema-<hash>.css`).
    pub css_path: String,
    /// The logo's path, if there is a logo.
    pub logo_path: Option<String>,
}

/// The configured themes.
#[derive(Debug, Clone, Default)]
pub struct Themes {
    built: Vec<Built>,
}

fn channel(hex: &str) -> Option<f64> {
    let v = u8::from_str_radix(hex, 16).ok()?;
    let c = f64::from(v) / 255.0;
    Some(if c <= 0.039_28 {
        c / 12.92
    } else {
        ((c + 0.055) / 1.055).powf(2.4)
    })
}

/// The relative luminance of `#rrggbb` (WCAG 2.1), or `None` when it is not such a colour.
pub fn luminance(colour: &str) -> Option<f64> {
    let hex = colour.strip_prefix('#')?;
    if hex.len() != 6 || !hex.is_ascii() {
        return None;
    }
    let (r, g, b) = (
        channel(&hex[0..2])?,
        channel(&hex[2..4])?,
        channel(&hex[4..6])?,
    );
    Some(0.2126 * r + 0.7152 * g + 0.0722 * b)
}

/// The contrast ratio of white text on `colour`.
pub fn contrast_with_white(colour: &str) -> Option<f64> {
    luminance(colour).map(|l| 1.05 / (l + 0.05))
}

fn hash12(bytes: &[u8]) -> String {
    hex::encode(Sha256::digest(bytes))[..12].to_owned()
}

impl Theme {
    /// Checks the theme: colours written `#rrggbb` with white text readable on them (4.5:1),
    /// a name, a logo that is SVG or PNG and not too large. The error is Dutch.
    pub fn check(&self) -> Result<(), String> {
        let whose = self.gemeente.as_deref().map_or_else(
            || "het standaardthema".to_owned(),
            |g| format!("het thema van {g}"),
        );
        if self.name.trim().is_empty() {
            return Err(format!("{whose}: de naam ontbreekt"));
        }
        for (key, colour) in [("kleur", &self.colour), ("kleur_donker", &self.colour_dark)] {
            let Some(ratio) = contrast_with_white(colour) else {
                return Err(format!(
                    "{whose}: {key} {colour:?} is geen kleur als #1d4f7c (# en zes hexadecimale cijfers)"
                ));
            };
            if ratio < 4.5 {
                return Err(format!(
                    "{whose}: witte tekst op {key} {colour} is slecht leesbaar (contrast {ratio:.1}:1, minimaal 4,5:1 volgens WCAG 1.4.3); kies een donkerdere kleur"
                ));
            }
        }
        if let Some(logo) = &self.logo
            && logo.bytes.len() > LOGO_LIMIT
        {
            return Err(format!(
                "{whose}: het logo is {} kB; ten hoogste {} kB",
                logo.bytes.len() / 1024,
                LOGO_LIMIT / 1024
            ));
        }
        Ok(())
    }
}

impl Themes {
    /// The themes, checked; at most one per gemeente and one default.
    pub fn new(themes: Vec<Theme>) -> Result<Themes, String> {
        let mut built: Vec<Built> = Vec::new();
        for theme in themes {
            theme.check()?;
            if built.iter().any(|b| b.theme.gemeente == theme.gemeente) {
                return Err(match &theme.gemeente {
                    Some(g) => format!("er staan twee thema's voor {g} in de configuratie"),
                    None => "er staan twee standaardthema's (zonder gemeente) in de configuratie"
                        .to_owned(),
                });
            }
            let css = format!(
                ".ave-theme{{--ave-color-primary:{};--ave-color-primary-dark:{}}}\n",
                theme.colour, theme.colour_dark
            );
            let css_path = format!("/assets/thema-{}.css", hash12(css.as_bytes()));
            let logo_path = theme.logo.as_ref().map(|l| {
                let ext = if l.content_type == "image/png" {
                    "png"
                } else {
                    "svg"
                };
                format!("/assets/logo-{}.{ext}", hash12(&l.bytes))
            });
            built.push(Built {
                theme,
                css,
                css_path,
                logo_path,
            });
        }
        Ok(Themes { built })
    }

    /// The theme for `actor`: the first gemeente among their functions that has one, else
    /// the default.
    pub fn for_actor(&self, actor: Option<&Actor>) -> Option<&Built> {
        let own = actor.and_then(|a| {
            a.memberships.iter().find_map(|m| {
                let g = m.gemeente.as_deref()?;
                self.built
                    .iter()
                    .find(|b| b.theme.gemeente.as_deref() == Some(g))
            })
        });
        own.or_else(|| self.built.iter().find(|b| b.theme.gemeente.is_none()))
    }

    /// The file served under `/assets/{name}`, if it is a theme's: (content type, bytes).
    pub fn asset(&self, name: &str) -> Option<(&'static str, Vec<u8>)> {
        let path = format!("/assets/{name}");
        self.built.iter().find_map(|b| {
            if b.css_path == path {
                Some(("text/css; charset=utf-8", b.css.clone().into_bytes()))
            } else if b.logo_path.as_deref() == Some(path.as_str()) {
                b.theme
                    .logo
                    .as_ref()
                    .map(|l| (l.content_type, l.bytes.clone()))
            } else {
                None
            }
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn theme(gemeente: Option<&str>, colour: &str) -> Theme {
        Theme {
            gemeente: gemeente.map(str::to_owned),
            name: "Gemeente Proef".to_owned(),
            colour: colour.to_owned(),
            colour_dark: "#123552".to_owned(),
            logo: None,
        }
    }

    #[test]
    fn contrast_follows_wcag() {
        let black = contrast_with_white("#000000").unwrap();
        assert!((black - 21.0).abs() < 0.01);
        let white = contrast_with_white("#ffffff").unwrap();
        assert!((white - 1.0).abs() < 0.01);
        assert!(contrast_with_white("#1d4f7c").unwrap() > 4.5);
        assert_eq!(contrast_with_white("1d4f7c"), None);
        assert_eq!(contrast_with_white("#1d4f7"), None);
        assert_eq!(contrast_with_white("#gggggg"), None);
    }

    #[test]
    fn white_text_is_readable_on_the_product_colours() {
        let css = crate::web::assets::STYLESHEET;
        for token in [
            "--ave-color-primary",
            "--ave-color-primary-dark",
            "--ave-color-phase-groen",
            "--ave-color-phase-oranje",
            "--ave-color-phase-rood",
            "--ave-color-phase-donkerrood",
        ] {
            let at = css.find(&format!("{token}:")).expect(token) + token.len() + 1;
            let colour = &css[at..at + 7];
            let ratio = contrast_with_white(colour).expect(colour);
            assert!(ratio >= 4.5, "{token} {colour}: {ratio:.2}");
        }
    }

    #[test]
    fn an_unreadable_or_malformed_colour_is_refused_in_dutch() {
        let e = Themes::new(vec![theme(None, "#f2c200")]).unwrap_err();
        assert!(e.contains("slecht leesbaar"), "{e}");
        let e = Themes::new(vec![theme(Some("Heidestad"), "blauw")]).unwrap_err();
        assert!(e.contains("Heidestad") && e.contains("geen kleur"), "{e}");
        let e = Themes::new(vec![theme(None, "#1d4f7c"), theme(None, "#1d4f7c")]).unwrap_err();
        assert!(e.contains("twee"), "{e}");
    }

    #[test]
    fn a_person_gets_their_gemeentes_theme_else_the_default() {
        let themes = Themes::new(vec![
            theme(None, "#1d4f7c"),
            theme(Some("Heidestad"), "#0b6b2e"),
        ])
        .unwrap();
        let mut actor = Actor::bare("p", crate::auth::Via::Header);
        assert_eq!(
            themes.for_actor(Some(&actor)).unwrap().theme.colour,
            "#1d4f7c"
        );
        actor.memberships.push(ave_store::identity::Membership {
            organisation: "o".to_owned(),
            gemeente: Some("Heidestad".to_owned()),
            function: "f".to_owned(),
        });
        let built = themes.for_actor(Some(&actor)).unwrap();
        assert_eq!(built.theme.colour, "#0b6b2e");
        let name = built.css_path.trim_start_matches("/assets/");
        let (kind, css) = themes.asset(name).unwrap();
        assert!(kind.starts_with("text/css"));
        assert!(String::from_utf8(css).unwrap().contains("#0b6b2e"));
        assert!(themes.asset("thema-000000000000.css").is_none());
    }
}
