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

/// How the words are written: the language, and whether they are for a page.
///
/// The command line and the klantreis report (the default, from a [`Lang`]) name things by
/// their ids — a scenario's author chose them — and write dates as ISO 8601. A page
/// ([`Style::page`]) leaves out the ids the service makes up (a request's, a signal's, a
/// meeting's), names a transition by its title in the model, and writes dates as the pages
/// do: dd-mm-jjjj.
///
/// ```
/// use ave_labels::{Lang, Style};
/// let d = ave_model::Date::parse("2026-10-11").unwrap();
/// assert_eq!(Style::from(Lang::Nl).day(&d), "2026-10-11");
/// assert_eq!(Style::page(Lang::Nl).day(&d), "11-10-2026");
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub struct Style {
    /// The language.
    pub lang: Lang,
    /// For a page: no made-up ids, transitions by title, dates dd-mm-jjjj.
    pub page: bool,
}

impl Style {
    /// The words of the pages in `lang`.
    pub fn page(lang: Lang) -> Style {
        Style { lang, page: true }
    }

    /// A date: dd-mm-jjjj on a page, ISO 8601 otherwise.
    pub fn day(self, d: &ave_model::Date) -> String {
        if self.page {
            d.naive().format("%d-%m-%Y").to_string()
        } else {
            d.to_string()
        }
    }

    /// A transition as a page names it: its title in the model, else what it does ("van
    /// fase 3 naar 4", or its effect within a phase); elsewhere its id.
    pub fn transition(self, model: &ValidModel, id: &ave_model::TransitionId) -> String {
        if !self.page {
            return id.to_string();
        }
        let lang = self.lang;
        match model.transition(id) {
            Some(t) => match (&t.title, t.effect) {
                (Some(title), _) => title.clone(),
                (None, Some(e)) => event::effect(e, lang).to_owned(),
                (None, None) => format!(
                    "{} {} {} {}",
                    lang.pick("van fase", "from phase"),
                    t.from,
                    lang.pick("naar", "to"),
                    t.to
                ),
            },
            None => id.to_string(),
        }
    }
}

impl From<Lang> for Style {
    fn from(lang: Lang) -> Style {
        Style { lang, page: false }
    }
}

/// What a rule of the model enforces, in one sentence (the model's `[rules]` key is its
/// name for policy staff; this is what it means).
///
/// ```
/// use ave_labels::{Lang, rule};
/// use ave_model::types::RuleName;
/// assert_eq!(
///     rule(RuleName::SingleProcesregisseur, Lang::Nl),
///     "Er is hoogstens één procesregisseur tegelijk."
/// );
/// ```
pub fn rule(name: ave_model::types::RuleName, lang: Lang) -> &'static str {
    use ave_model::types::RuleName as R;
    match name {
        R::CasusregieRequired => lang.pick(
            "Vanaf een bepaalde fase heeft de casus precies één casusregisseur met naam.",
            "From a given phase on, the case has exactly one named casusregisseur.",
        ),
        R::SingleProcesregisseur => lang.pick(
            "Er is hoogstens één procesregisseur tegelijk.",
            "At most one procesregisseur at a time.",
        ),
        R::SeparateRegisseurs => lang.pick(
            "Casusregisseur en procesregisseur zijn verschillende mensen, behalve bij de genoemde functies.",
            "Casusregisseur and procesregisseur are different people, except for the listed functions.",
        ),
        R::MinorsCasusregisseur => lang.pick(
            "Met minderjarigen in het huishouden heeft de casusregisseur een van de genoemde functies.",
            "With minors in the household, the casusregisseur holds one of the listed functions.",
        ),
        R::TransitionAuthority => lang.pick(
            "Op- of afschalen vraagt vastgelegde criteria, een beslisser met een beslissende functie, vervulde voorwaarden vooraf en een besluit met wie, op welk gezag en waarom.",
            "A transition needs recorded criteria, a decider holding a deciding function, its preconditions met, and a decision saying who, under which authority and why.",
        ),
        R::ProcesregieReview => lang.pick(
            "Procesregie is tijdelijk: er hoort een herzieningsdatum bij.",
            "Procesregie is temporary: it carries a review date.",
        ),
        R::EvaluationRequired => lang.pick(
            "Elke fase heeft een evaluatiedatum; een te late evaluatie en stilstand worden gemeld.",
            "Every phase has an evaluation date; overdue evaluation and stagnation are flagged.",
        ),
        R::DisagreementArbiter => lang.pick(
            "Bij een meningsverschil over op- of afschalen besluit de aangewezen beslisser.",
            "On disagreement about op- or afschalen, the arbiter decides.",
        ),
        R::InsufficientAlone => lang.pick(
            "Deze criteria alleen zijn nooit genoeg om naar de genoemde fasen op te schalen.",
            "These criteria alone never justify escalating to the listed phases.",
        ),
        R::CasusregieContinuity => lang.pick(
            "Een wisseling van casusregisseur vraagt een reden en een overdracht.",
            "A change of casusregisseur needs a reason and a handover.",
        ),
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
