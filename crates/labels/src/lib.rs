//! Words at the edges. The model and the engine hand out data — ids, enums, numbers, dates —
//! and this crate puts them into words for people: the command line, the API's messages and
//! the web pages, in Dutch (the default) or English.
//!
//! What comes from the model itself (a criterion's text, a function's name, a phase's title)
//! is the gemeente's own wording and stays as the model writes it, in either language.
//!
//! ```
//! use ave_labels::{Lang, role};
//! assert_eq!(role(ave_model::RoleKind::Casusregie, Lang::Nl), "Casusregie");
//! assert_eq!(role(ave_model::RoleKind::Bestuurlijk, Lang::En), "Administrative responsibility");
//! ```
#![forbid(unsafe_code)]

mod event;
mod klantreis;
mod notice;
mod view;

use ave_model::{FunctionId, RoleKind, ValidModel};

pub use event::describe;
pub use klantreis::report_text;
pub use notice::{handover_notice, transition_notice, trigger_notice};
pub use view::{
    attention, condition, deciders, gap, informees, missing, prescribed, proposal, regie_flag,
    rejection_title, requirement_text,
};

/// The language of the words.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub enum Lang {
    /// Dutch, the default.
    #[default]
    Nl,
    /// English.
    En,
}

impl Lang {
    /// The one of two texts for this language.
    pub(crate) fn pick<'a>(self, nl: &'a str, en: &'a str) -> &'a str {
        match self {
            Lang::Nl => nl,
            Lang::En => en,
        }
    }

    /// The language for a BCP 47 tag such as `nl`, `nl-NL` or `en-GB`; Dutch for anything else.
    pub fn from_tag(tag: &str) -> Lang {
        if tag.trim().to_ascii_lowercase().starts_with("en") {
            Lang::En
        } else {
            Lang::Nl
        }
    }
}

/// The name of a role.
pub fn role(role: RoleKind, lang: Lang) -> &'static str {
    match (role, lang) {
        (RoleKind::Casusregie, Lang::Nl) => "Casusregie",
        (RoleKind::Casusregie, Lang::En) => "Case direction (casusregie)",
        (RoleKind::Procesregie, Lang::Nl) => "Procesregie",
        (RoleKind::Procesregie, Lang::En) => "Process direction (procesregie)",
        (RoleKind::Behandelregie, Lang::Nl) => "Behandelregie",
        (RoleKind::Behandelregie, Lang::En) => "Treatment direction (behandelregie)",
        (RoleKind::Operationeel, Lang::Nl) => "Operationeel verantwoordelijk",
        (RoleKind::Operationeel, Lang::En) => "Operational responsibility",
        (RoleKind::Bestuurlijk, Lang::Nl) => "Bestuurlijk verantwoordelijk",
        (RoleKind::Bestuurlijk, Lang::En) => "Administrative responsibility",
    }
}

/// A role in running text: "casusregie", "operationele verantwoordelijkheid".
pub fn role_lower(r: RoleKind, lang: Lang) -> String {
    match (r, lang) {
        (RoleKind::Operationeel, Lang::Nl) => "operationele verantwoordelijkheid".to_owned(),
        (RoleKind::Bestuurlijk, Lang::Nl) => "bestuurlijke verantwoordelijkheid".to_owned(),
        (RoleKind::Operationeel, Lang::En) => "operational responsibility".to_owned(),
        (RoleKind::Bestuurlijk, Lang::En) => "administrative responsibility".to_owned(),
        (r, Lang::Nl) => r.key().to_owned(),
        (r, Lang::En) => role(r, Lang::En).to_lowercase(),
    }
}

/// A phase in running text: "AVE 2A".
pub fn phase(id: &ave_model::PhaseId) -> String {
    format!("AVE {id}")
}

/// Function names joined: "a", "a of b", "a, b of c" (or "or").
pub fn functions(model: &ValidModel, ids: &[FunctionId], lang: Lang) -> String {
    let v: Vec<&str> = ids.iter().map(|f| model.function_name(f)).collect();
    join(&v, lang.pick("of", "or"), lang.pick("niemand", "nobody"))
}

/// Who an actor is: a function's (or group's) name, or the holder of a role in the case.
pub fn actor(model: &ValidModel, a: &ave_model::Actor, lang: Lang) -> String {
    match (a, lang) {
        (ave_model::Actor::Function(f), _) => model.function_name(f).to_owned(),
        (ave_model::Actor::Role { role }, Lang::Nl) => {
            format!("de {} van de casus", ave_model::render::role_holder(*role))
        }
        (ave_model::Actor::Role { role }, Lang::En) => {
            format!("the case's {}", ave_model::render::role_holder(*role))
        }
    }
}

/// Actors joined: "a", "a of b", "a, b of c" (or "or").
pub fn actors(model: &ValidModel, list: &[ave_model::Actor], lang: Lang) -> String {
    let v: Vec<String> = list.iter().map(|a| actor(model, a, lang)).collect();
    let refs: Vec<&str> = v.iter().map(String::as_str).collect();
    join(&refs, lang.pick("of", "or"), lang.pick("niemand", "nobody"))
}

/// Items joined with commas and a last word: "a, b of c".
pub(crate) fn join(items: &[&str], last: &str, none: &str) -> String {
    match items {
        [] => none.to_owned(),
        [one] => (*one).to_owned(),
        [init @ .., end] => format!("{} {last} {end}", init.join(", ")),
    }
}

/// A number of things, singular or plural: "1 fout", "2 fouten".
pub fn count(n: usize, one: &str, many: &str) -> String {
    if n == 1 {
        format!("1 {one}")
    } else {
        format!("{n} {many}")
    }
}
