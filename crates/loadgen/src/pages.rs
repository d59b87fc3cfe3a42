//! The web pages as scenarios: one scenario per page ([`PAGES`]), so that each page gets its
//! own throughput and p50/p95/p99 (the target is per page: server time p95 under 50 ms on
//! the 100,000-case database), and its body sizes (the target: a page weighs under 200 KB
//! without images).
//!
//! A client asks for a page as a browser does: `GET` with the person's session cookie (pages
//! reject API tokens), `Accept: text/html` and `Accept-Encoding: gzip`. An answer counts
//! when it is `200` with `Content-Type: text/html`; anything else is an error under its
//! status code (`404` for a page that does not exist (yet), `303` when the session was not
//! accepted and the server sent the browser to the login form) or `geen html`.
//!
//! The people and cases are those of the `read` scenario ([`Fixture`]): a random case of
//! the benchmark database with a person involved in it (a role or a participant), so the
//! person may see it (need-to-know) and every case page is a real one, not a 404. The list
//! pages are asked for as such a person too; the filtered list uses the `list` scenario's
//! gemeente/phase filters with their reader. "Mijn casussen" lists the cases where one holds
//! a role, so it is asked for by a person who holds roles in open cases, chosen in
//! proportion to how many.
//!
//! After a page's measurement, [`weigh`] asks for one sample of it and for every file it
//! loads from `/assets/…` (the stylesheet; images apart), so the report can give the whole
//! weight of the page: its HTML plus what it loads.
//!
//! To add a page: one line in [`PAGES`] with a function that gives a path and a person.

use std::io::Read as _;

use serde::Serialize;

use crate::db::Fixture;
use crate::http::{Answer, Target, TransportError};
use crate::scenario::encode;

/// The scenario name that stands for every page of [`PAGES`] that is on by default.
pub const GROUP: &str = "pages";

/// The page-weight target: bytes without images (200 KB, counted as 200,000 bytes).
pub const WEIGHT_LIMIT: u64 = 200_000;

/// The server-time target of a page: p95 in milliseconds.
pub const P95_LIMIT_MS: f64 = 50.0;

/// The attention kinds the case list filters on (the server's `ATTENTION_KINDS`).
pub const ATTENTION_KINDS: &[&str] = &[
    "evaluation-overdue",
    "stagnation",
    "procesregie-review-overdue",
    "decision-pending",
    "role-unfilled",
    "role-mismatch",
    "handover-open",
    "disagreement-open",
    "inform-required",
    "escalation-check",
    "rule-no-longer-met",
    "deviation-unseen",
    "open-in-model",
];

/// The case page's timeline filters (the server's `TIMELINE_KINDS`).
pub const TIMELINE_KINDS: &[&str] = &[
    "signalen",
    "regie",
    "fase",
    "overleg",
    "plan",
    "afwijkingen",
    "huishouden",
];

/// A page to measure.
#[derive(Debug)]
pub struct Page {
    /// The scenario's name (`page-case`).
    pub scenario: &'static str,
    /// The step its requests are counted under: the route as people read it.
    pub step: &'static str,
    /// Whether [`GROUP`] includes it (off for pages whose route has not landed yet; they
    /// can still be asked for by name, and then count their 404s as errors).
    pub default: bool,
    /// The path to ask for and the person who asks, chosen at random.
    pub path: fn(&Fixture, &mut fastrand::Rng) -> (String, String),
}

/// A random case with a person involved in it.
fn case<'f>(f: &'f Fixture, rng: &mut fastrand::Rng) -> (&'f str, &'f str) {
    let (id, reader) = &f.cases[rng.usize(..f.cases.len())];
    (id, reader)
}

/// `path` asked for by a person involved in a random case.
fn as_reader(f: &Fixture, rng: &mut fastrand::Rng, path: &str) -> (String, String) {
    (path.to_owned(), case(f, rng).1.to_owned())
}

/// A person who holds a role in open cases, chosen in proportion to how many (as `read`
/// weighs people by their cases); a case's reader when nobody holds one.
fn holder(f: &Fixture, rng: &mut fastrand::Rng) -> String {
    let total: u64 = f.holders.iter().map(|(_, n)| n).sum();
    if total == 0 {
        return case(f, rng).1.to_owned();
    }
    let mut at = rng.u64(..total);
    for (person, n) in &f.holders {
        if at < *n {
            return person.clone();
        }
        at -= n;
    }
    case(f, rng).1.to_owned()
}

/// A person who governs a phase (sees a summary of all its cases); a case's reader when the
/// database has none of them.
fn governor(f: &Fixture, rng: &mut fastrand::Rng) -> String {
    if f.governors.is_empty() {
        return case(f, rng).1.to_owned();
    }
    f.governors[rng.usize(..f.governors.len())].clone()
}

fn pick<'a>(rng: &mut fastrand::Rng, from: &[&'a str]) -> &'a str {
    from[rng.usize(..from.len())]
}

/// Every page, in the order a run takes them.
pub const PAGES: &[Page] = &[
    Page {
        scenario: "page-mine",
        step: "/ (mijn casussen)",
        default: true,
        path: |f, rng| ("/".to_owned(), holder(f, rng)),
    },
    Page {
        scenario: "page-list",
        step: "/casussen",
        default: true,
        path: |f, rng| as_reader(f, rng, "/casussen"),
    },
    Page {
        scenario: "page-list-filtered",
        step: "/casussen?gemeente&fase",
        default: true,
        path: |f, rng| {
            let l = &f.filters[rng.usize(..f.filters.len())];
            (
                format!(
                    "/casussen?gemeente={}&fase={}",
                    encode(&l.gemeente),
                    encode(&l.phase)
                ),
                l.reader.clone(),
            )
        },
    },
    Page {
        scenario: "page-list-attention",
        step: "/casussen?aandacht",
        default: true,
        path: |f, rng| {
            let kind = pick(rng, ATTENTION_KINDS);
            as_reader(f, rng, &format!("/casussen?aandacht={kind}"))
        },
    },
    Page {
        scenario: "page-list-all-page2",
        step: "/casussen?status=alle&pagina=2",
        default: true,
        path: |f, rng| as_reader(f, rng, "/casussen?status=alle&pagina=2"),
    },
    Page {
        scenario: "page-list-governor",
        step: "/casussen (bestuur/leiding)",
        default: true,
        path: |f, rng| ("/casussen".to_owned(), governor(f, rng)),
    },
    Page {
        scenario: "page-list-governor-attention",
        step: "/casussen?aandacht (bestuur/leiding)",
        default: true,
        path: |f, rng| {
            let kind = pick(rng, ATTENTION_KINDS);
            (format!("/casussen?aandacht={kind}"), governor(f, rng))
        },
    },
    Page {
        scenario: "page-case",
        step: "/casussen/{id}",
        default: true,
        path: |f, rng| {
            let (id, reader) = case(f, rng);
            (format!("/casussen/{id}"), reader.to_owned())
        },
    },
    Page {
        scenario: "page-case-timeline",
        step: "/casussen/{id}?soort",
        default: true,
        path: |f, rng| {
            let (id, reader) = case(f, rng);
            let kind = pick(rng, TIMELINE_KINDS);
            (format!("/casussen/{id}?soort={kind}"), reader.to_owned())
        },
    },
    Page {
        scenario: "page-accessibility",
        step: "/toegankelijkheid",
        default: true,
        path: |f, rng| as_reader(f, rng, "/toegankelijkheid"),
    },
    // The model pages, the dashboard (as the region's administrator, who may see it), the
    // inbox and the klantreis form.
    Page {
        scenario: "page-models",
        step: "/modellen",
        default: true,
        path: |f, rng| as_reader(f, rng, "/modellen"),
    },
    Page {
        scenario: "page-model",
        step: "/modellen/{id}",
        default: true,
        path: |f, rng| {
            let model = if f.models.is_empty() {
                "onbekend".to_owned()
            } else {
                f.models[rng.usize(..f.models.len())].clone()
            };
            as_reader(f, rng, &format!("/modellen/{}", encode(&model)))
        },
    },
    Page {
        scenario: "page-model-compare",
        step: "/modellen/vergelijk",
        default: true,
        path: |f, rng| {
            let (a, b) = match f.models.len() {
                0 => ("onbekend".to_owned(), "onbekend".to_owned()),
                n => (
                    f.models[rng.usize(..n)].clone(),
                    f.models[rng.usize(..n)].clone(),
                ),
            };
            as_reader(
                f,
                rng,
                &format!(
                    "/modellen/vergelijk?links={}&rechts={}",
                    encode(&a),
                    encode(&b)
                ),
            )
        },
    },
    Page {
        scenario: "page-breakglass-review",
        step: "/noodtoegang (functionaris gegevensbescherming)",
        default: true,
        path: |_, _| ("/noodtoegang".to_owned(), "regio-fg-1".to_owned()),
    },
    Page {
        scenario: "page-dashboard",
        step: "/dashboard",
        default: true,
        path: |_, _| ("/dashboard".to_owned(), "regio-beheerder-1".to_owned()),
    },
    Page {
        scenario: "page-inbox",
        step: "/meldingen",
        default: true,
        path: |f, rng| as_reader(f, rng, "/meldingen"),
    },
    Page {
        scenario: "page-journey",
        step: "/klantreis",
        default: true,
        path: |f, rng| as_reader(f, rng, "/klantreis"),
    },
    Page {
        scenario: "page-signal-form",
        step: "/casussen/{id}/signaal",
        default: false,
        path: |f, rng| {
            let (id, reader) = case(f, rng);
            (format!("/casussen/{id}/signaal"), reader.to_owned())
        },
    },
];

/// The page scenario called `name`.
pub fn page(name: &str) -> Option<&'static Page> {
    PAGES.iter().find(|p| p.scenario == name)
}

/// Whether `name` is a page scenario or [`GROUP`].
pub fn is_page(name: &str) -> bool {
    name == GROUP || page(name).is_some()
}

/// The page scenarios `names` ask for, in [`PAGES`] order ([`GROUP`] stands for every
/// default one).
pub fn chosen(names: &[String]) -> Vec<&'static Page> {
    let group = names.iter().any(|n| n == GROUP);
    PAGES
        .iter()
        .filter(|p| (group && p.default) || names.iter().any(|n| n == p.scenario))
        .collect()
}

/// The outcome of a page answer: `200` with HTML, else its status (or `geen html`).
pub fn outcome(answer: &Result<Answer, TransportError>) -> Result<(), String> {
    match answer {
        Ok(a) if a.status.as_u16() != 200 => Err(a.status.as_u16().to_string()),
        Ok(a) if a.content_type.as_deref().is_some_and(is_html) => Ok(()),
        Ok(_) => Err("geen html".to_owned()),
        Err(_) => Err("verbinding".to_owned()),
    }
}

fn is_html(content_type: &str) -> bool {
    content_type
        .split(';')
        .next()
        .is_some_and(|t| t.trim().eq_ignore_ascii_case("text/html"))
}

/// The body of an answer as read: decompressed when it came as gzip. `None` when it does
/// not decompress.
pub fn plain_body(answer: &Answer) -> Option<Vec<u8>> {
    let gzip = answer
        .content_encoding
        .as_deref()
        .is_some_and(|e| e.trim().eq_ignore_ascii_case("gzip"));
    if !gzip {
        return Some(answer.body.to_vec());
    }
    let mut out = Vec::with_capacity(answer.body.len() * 4);
    flate2::read::GzDecoder::new(&answer.body[..])
        .read_to_end(&mut out)
        .ok()?;
    Some(out)
}

/// An attribute value as a browser reads it: character references decoded (the templates
/// escape `/` as `&#x2f;`).
pub fn unescape(value: &str) -> String {
    let mut out = String::with_capacity(value.len());
    let mut rest = value;
    while let Some(i) = rest.find('&') {
        out.push_str(&rest[..i]);
        rest = &rest[i..];
        let Some(end) = rest.find(';').filter(|e| *e <= 10) else {
            out.push('&');
            rest = &rest[1..];
            continue;
        };
        let name = &rest[1..end];
        let decoded = match name {
            "amp" => Some('&'),
            "quot" => Some('"'),
            "apos" => Some('\''),
            "lt" => Some('<'),
            "gt" => Some('>'),
            _ => name
                .strip_prefix("#x")
                .or_else(|| name.strip_prefix("#X"))
                .and_then(|h| u32::from_str_radix(h, 16).ok())
                .or_else(|| name.strip_prefix('#').and_then(|d| d.parse().ok()))
                .and_then(char::from_u32),
        };
        match decoded {
            Some(c) => {
                out.push(c);
                rest = &rest[end + 1..];
            }
            None => {
                out.push('&');
                rest = &rest[1..];
            }
        }
    }
    out.push_str(rest);
    out
}

/// The files under `/assets/` an HTML page loads (`href="/assets/…"`, `src="/assets/…"`,
/// character references decoded), each once, in order.
pub fn assets_of(html: &str) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    for attr in ["href=\"", "src=\""] {
        let mut rest = html;
        while let Some(i) = rest.find(attr) {
            rest = &rest[i + attr.len()..];
            let value = unescape(rest.split('"').next().unwrap_or_default());
            if value.starts_with("/assets/") && !out.contains(&value) {
                out.push(value);
            }
        }
    }
    out
}

/// A file a page loads, as fetched once.
#[derive(Debug, Clone, Serialize)]
pub struct Asset {
    /// Its path (`/assets/ave-….css`).
    pub path: String,
    /// Its `Content-Type`.
    pub content_type: String,
    /// Its size uncompressed, bytes.
    pub bytes: u64,
    /// Its size over the wire when asked with `Accept-Encoding: gzip`, bytes.
    pub wire_bytes: u64,
}

/// What one sample of a page loads besides its HTML (images left out).
#[derive(Debug, Clone, Serialize)]
pub struct Weight {
    /// The path of the sample (ids are pseudonymous; no personal data).
    pub sample: String,
    /// The sample's HTML, uncompressed, bytes.
    pub html_bytes: u64,
    /// The sample's HTML over the wire (gzip), bytes.
    pub html_wire_bytes: u64,
    /// The files it loads from `/assets/`, images left out.
    pub assets: Vec<Asset>,
    /// Images it loads from `/assets/` (not counted).
    pub images_left_out: usize,
    /// What went wrong while weighing, if anything.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub problem: Option<String>,
}

impl Weight {
    /// The assets' bytes, uncompressed.
    pub fn assets_bytes(&self) -> u64 {
        self.assets.iter().map(|a| a.bytes).sum()
    }

    /// The assets' bytes over the wire.
    pub fn assets_wire_bytes(&self) -> u64 {
        self.assets.iter().map(|a| a.wire_bytes).sum()
    }
}

/// Asks for one sample of `page` and for every file it loads from `/assets/`, with gzip
/// (the wire size) and without (the plain size).
pub async fn weigh(target: &Target, page: &Page, fixture: &Fixture) -> Weight {
    let mut rng = fastrand::Rng::with_seed(0x5EED);
    let (path, person) = (page.path)(fixture, &mut rng);
    let mut weight = Weight {
        sample: path.clone(),
        html_bytes: 0,
        html_wire_bytes: 0,
        assets: Vec::new(),
        images_left_out: 0,
        problem: None,
    };
    let answer = target.page(&path, &person, true).await;
    if let Err(kind) = outcome(&answer) {
        weight.problem = Some(format!("de pagina gaf {kind}"));
        return weight;
    }
    let Some(answer) = answer.ok() else {
        return weight;
    };
    let Some(html) = plain_body(&answer) else {
        weight.problem = Some("de pagina is geen geldige gzip".to_owned());
        return weight;
    };
    weight.html_wire_bytes = answer.body.len() as u64;
    weight.html_bytes = html.len() as u64;
    for asset in assets_of(&String::from_utf8_lossy(&html)) {
        let zipped = target.page(&asset, &person, true).await;
        let plain = target.page(&asset, &person, false).await;
        match (zipped, plain) {
            (Ok(z), Ok(p)) if z.status.as_u16() == 200 && p.status.as_u16() == 200 => {
                let content_type = p.content_type.clone().unwrap_or_default();
                if content_type.starts_with("image/") {
                    weight.images_left_out += 1;
                    continue;
                }
                weight.assets.push(Asset {
                    path: asset,
                    content_type,
                    bytes: p.body.len() as u64,
                    wire_bytes: z.body.len() as u64,
                });
            }
            (z, _) => {
                let status = z.map_or_else(|_| "verbinding".to_owned(), |a| a.status.to_string());
                weight.problem = Some(format!("{asset} gaf {status}"));
            }
        }
    }
    weight
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finds_the_assets_of_a_page() {
        let html = r#"<link rel="stylesheet" href="/assets/ave-1.css"><a href="/">x</a>
            <script src="/assets/a.js"></script><img src="/assets/a.js"><a href="/assets/ave-1.css">"#;
        assert_eq!(assets_of(html), vec!["/assets/ave-1.css", "/assets/a.js"]);
        let escaped = r#"<link rel="stylesheet" href="&#x2f;assets&#x2f;ave-2.css">"#;
        assert_eq!(assets_of(escaped), vec!["/assets/ave-2.css"]);
    }

    #[test]
    fn unescapes_character_references() {
        assert_eq!(unescape("&#x2f;a&amp;b&#47;&lt;"), "/a&b/<");
        assert_eq!(unescape("a & b &bogus; &"), "a & b &bogus; &");
    }

    #[test]
    fn the_group_is_the_default_pages_and_names_add_others() {
        let group = chosen(&["pages".to_owned()]);
        assert!(group.iter().all(|p| p.default));
        assert!(group.iter().any(|p| p.scenario == "page-case"));
        let more = chosen(&["pages".to_owned(), "page-signal-form".to_owned()]);
        assert_eq!(more.len(), group.len() + 1);
        assert!(is_page("page-mine") && is_page("pages") && !is_page("read"));
        let names: std::collections::HashSet<_> = PAGES.iter().map(|p| p.scenario).collect();
        assert_eq!(names.len(), PAGES.len(), "page scenario names are unique");
    }

    #[test]
    fn html_is_html() {
        assert!(is_html("text/html; charset=utf-8"));
        assert!(is_html("Text/HTML"));
        assert!(!is_html("application/json"));
    }
}
