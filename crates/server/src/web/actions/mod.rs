//! The case page's actions: register a signal, assign or release a role, propose op- or
//! afschalen, decide a request, record a meeting, close the case. Each is a page of its own
//! with one form (`GET` shows it, `POST` to the same path sends it), and works without
//! JavaScript.
//!
//! Every action runs the way the API's commands run (`api::commands::run_commands`):
//! the access policy first, the engine decides, the events are committed with the version
//! the form was shown with. So a form never writes half: bad input is answered with the form
//! again (422, each error next to its field, what was typed kept), a stale form with the
//! message that the case changed meanwhile, and an engine refusal with the model's rule and
//! source — and in each case nothing is written. Where the model holds a rule only *bij
//! voorkeur*, the engine asks for a motivation; the form shows the rule and asks for it, and
//! the motivated deviation is recorded with the step.

pub mod close;
pub mod meeting;
pub mod role;
pub mod signal;
pub mod transition;

use std::collections::{HashMap, HashSet};

use ave_engine::Case;
use ave_engine::command::Command;
use ave_engine::event::Participant;
use ave_engine::ids::{CaseId, PersonId};
use ave_engine::{RejectionCode, policy};
use ave_labels::Lang;
use ave_model::{Date, ValidModel};
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::Response;
use minijinja::{Value, context};
use serde::Serialize;

use super::present;
use super::render::{ForPage, PageError, page_with_status};
use super::session::{Posted, Viewer, see_other};
use super::words::word;
use crate::AppState;
use crate::access::{self, Access, Decision, Operation, Standing};
use crate::live::Live;
use crate::problem::Problem;

/// The longest text a form field takes (characters); longer is refused next to the field.
pub const MAX_TEXT: usize = 4000;
/// The longest one-line value (a source, an authority).
pub const MAX_LINE: usize = 200;

/// One choice of a select, a group of checkboxes or radio buttons.
#[derive(Debug, Clone, Serialize)]
pub struct Opt {
    /// The value sent.
    pub value: String,
    /// Its words.
    pub label: String,
    /// A line under it (may be empty).
    pub hint: String,
    /// Chosen now.
    pub checked: bool,
}

/// One field of a form, as the template draws it.
#[derive(Debug, Clone, Serialize)]
pub struct Field {
    /// The name it is sent under (also its id, `veld-…`).
    pub name: String,
    /// `text`, `date`, `textarea`, `select`, `checkboxes` or `radios`.
    pub kind: &'static str,
    /// The label.
    pub label: String,
    /// The description under the label (may be empty).
    pub hint: String,
    /// The choices (select, checkboxes, radios).
    pub options: Vec<Opt>,
    /// The value typed (text, date, textarea; the chosen value of a select).
    pub value: String,
    /// Whether it must be filled in.
    pub required: bool,
    /// What is wrong with it (empty: nothing).
    pub error: String,
    /// The longest value accepted (0: no limit shown).
    pub maxlength: usize,
}

impl Field {
    fn new(name: &str, kind: &'static str, label: String, input: &Input) -> Field {
        Field {
            name: name.to_owned(),
            kind,
            label,
            hint: String::new(),
            options: Vec::new(),
            value: input.raw(name).to_owned(),
            required: false,
            error: String::new(),
            maxlength: 0,
        }
    }

    /// A one-line text field.
    pub fn text(name: &str, label: String, input: &Input) -> Field {
        Field {
            maxlength: MAX_LINE,
            ..Field::new(name, "text", label, input)
        }
    }

    /// A date field (`JJJJ-MM-DD`).
    pub fn date(name: &str, label: String, input: &Input) -> Field {
        Field::new(name, "date", label, input)
    }

    /// A text area.
    pub fn textarea(name: &str, label: String, input: &Input) -> Field {
        Field {
            maxlength: MAX_TEXT,
            ..Field::new(name, "textarea", label, input)
        }
    }

    /// A choice of one (`select`) or several (`checkboxes`) or one of few (`radios`) from
    /// `options` (value, label, hint); what the input chose is checked.
    pub fn choice(
        name: &str,
        kind: &'static str,
        label: String,
        options: Vec<(String, String, String)>,
        input: &Input,
    ) -> Field {
        let chosen: HashSet<&str> = input.all(name).into_iter().collect();
        let mut f = Field::new(name, kind, label, input);
        f.options = options
            .into_iter()
            .map(|(value, label, hint)| Opt {
                checked: chosen.contains(value.as_str()),
                value,
                label,
                hint,
            })
            .collect();
        f
    }

    /// Marks the field as required.
    pub fn required(mut self) -> Field {
        self.required = true;
        self
    }

    /// Adds a description.
    pub fn hint(mut self, hint: String) -> Field {
        self.hint = hint;
        self
    }
}

/// What a form sent (empty for a fresh form).
#[derive(Debug, Default)]
pub struct Input {
    pairs: Vec<(String, String)>,
}

impl Input {
    /// The fields of a posted form.
    pub fn of(posted: &Posted) -> Input {
        Input {
            pairs: posted.pairs.clone(),
        }
    }

    /// The value of `name` as typed (the last one when repeated; empty when absent).
    pub fn raw(&self, name: &str) -> &str {
        self.pairs
            .iter()
            .rev()
            .find(|(k, _)| k == name)
            .map_or("", |(_, v)| v.as_str())
    }

    /// The trimmed value of `name`.
    pub fn get(&self, name: &str) -> &str {
        self.raw(name).trim()
    }

    /// Every value of a repeated field (checkboxes).
    pub fn all(&self, name: &str) -> Vec<&str> {
        self.pairs
            .iter()
            .filter(|(k, _)| k == name)
            .map(|(_, v)| v.as_str())
            .collect()
    }
}

/// The errors of a form: (field, message), in the order of the fields.
#[derive(Debug, Default)]
pub struct Invalid(pub Vec<(String, String)>);

impl Invalid {
    /// Notes that `field` is wrong.
    pub fn add(&mut self, field: &str, message: String) {
        if !self.0.iter().any(|(f, _)| f == field) {
            self.0.push((field.to_owned(), message));
        }
    }

    /// Checks a required text: present, and not longer than `max` characters.
    pub fn text(&mut self, input: &Input, field: &str, max: usize, lang: Lang) -> String {
        let v = input.get(field);
        if v.is_empty() {
            self.add(field, word("fout_leeg", lang));
        } else {
            self.optional(input, field, max, lang);
        }
        v.to_owned()
    }

    /// Checks an optional text: not longer than `max` characters.
    pub fn optional(&mut self, input: &Input, field: &str, max: usize, lang: Lang) -> String {
        let v = input.get(field);
        let n = v.chars().count();
        if n > max {
            self.add(field, format!("{} ({n}/{max})", word("fout_te_lang", lang)));
        }
        v.to_owned()
    }

    /// Whether nothing is wrong.
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }
}

/// What a case action needs: the case as it is, the model, who acts.
pub struct Cx {
    /// The case.
    pub id: CaseId,
    /// The case, its gemeente and model.
    pub live: Live,
    /// The acting person as the case knows them.
    pub me: Participant,
    /// Today (the model's local day).
    pub today: Date,
    /// The page's language.
    pub lang: Lang,
}

impl Cx {
    /// The case `id` for an action by `viewer`: refused as the access policy says (404 for a
    /// case one does not know, 403 for one one may only read), and for someone who is not a
    /// participant of it (the engine would refuse every command).
    pub async fn load(state: &AppState, viewer: &Viewer, id: &str) -> Result<Cx, Problem> {
        let id = crate::api::cases::case_id(id).map_err(|_| Problem::not_found("deze casus"))?;
        let (row, _) = access::case_for(state, &viewer.actor, &id, Operation::Command).await?;
        let live = state.live.read(&state.store, &state.models, &row).await?;
        let me = PersonId::parse(&viewer.actor.person)
            .ok()
            .and_then(|p| live.case.participant(&p).cloned())
            .ok_or_else(|| Problem::forbidden("u bent geen deelnemer van deze casus"))?;
        if live.case.closed().is_some() {
            return Err(Problem::forbidden("deze casus is gesloten"));
        }
        #[allow(clippy::disallowed_methods)] // the form works on the case as of now
        let now = chrono::Utc::now();
        let today = ave_engine::views::local_day(&live.model, now);
        Ok(Cx {
            id,
            live,
            me,
            today,
            lang: viewer.lang,
        })
    }

    /// The model.
    pub fn model(&self) -> &ValidModel {
        &self.live.model
    }

    /// The case.
    pub fn case(&self) -> &Case {
        &self.live.case
    }

    /// The participants as choices (value: their id; label: name, function, organisation).
    pub fn participants(&self) -> Vec<(String, String, String)> {
        self.case()
            .participants()
            .map(|p| {
                let function = self.model().function_name(&p.function);
                (
                    p.person.to_string(),
                    format!(
                        "{} ({function}, {})",
                        bare_name(&p.name, function),
                        p.organisation
                    ),
                    String::new(),
                )
            })
            .collect()
    }

    /// `text` (an engine refusal) with every participant's id replaced by their name.
    pub fn with_names(&self, text: &str) -> String {
        let mut people: Vec<(String, &str)> = self
            .case()
            .participants()
            .map(|p| (p.person.to_string(), p.name.as_str()))
            .collect();
        // The longest first, so that `x-10` is not read as `x-1` followed by `0`.
        people.sort_by_key(|p| std::cmp::Reverse(p.0.len()));
        let mut out = text.to_owned();
        for (id, name) in people {
            out = replace_word(&out, &id, name);
        }
        out
    }
}

/// A name without a trailing "(function)" the directory may already give it, so that a
/// label adding the function says it once.
fn bare_name<'a>(name: &'a str, function: &str) -> &'a str {
    name.strip_suffix(&format!(" ({function})"))
        .map(str::trim_end)
        .unwrap_or(name)
}

/// `text` with `word` replaced by `by` wherever it stands as a whole id (not inside a longer
/// one: the neighbours are no letter, digit, `-` or `_`).
fn replace_word(text: &str, word: &str, by: &str) -> String {
    let part = |c: Option<char>| c.is_some_and(|c| c.is_alphanumeric() || c == '-' || c == '_');
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(at) = rest.find(word) {
        let before = if at > 0 {
            rest[..at].chars().last()
        } else {
            out.chars().last()
        };
        let after = rest[at + word.len()..].chars().next();
        out.push_str(&rest[..at]);
        if part(before) || part(after) {
            out.push_str(word);
        } else {
            out.push_str(by);
        }
        rest = &rest[at + word.len()..];
    }
    out.push_str(rest);
    out
}

/// The parts of an action page above and around the form.
#[derive(Debug, Default, Serialize)]
pub struct Sheet {
    /// Paragraphs under the title.
    pub intro: Vec<String>,
    /// Key facts: (label, value).
    pub facts: Vec<(String, String)>,
    /// Lists with a heading: what the model requires, the preconditions, …
    pub sections: Vec<Section>,
    /// A first step that chooses (a GET form), e.g. the transition.
    pub chooser: Option<Field>,
    /// The rules the step deviates from that the model holds *bij voorkeur*.
    pub preferred: Vec<String>,
    /// Hidden fields the form carries besides the CSRF token and the version.
    pub hidden: Vec<(String, String)>,
    /// The fields (none: no form yet, e.g. until a transition is chosen).
    pub fields: Vec<Field>,
    /// The submit button's words.
    pub submit: String,
}

/// A list with a heading on an action page.
#[derive(Debug, Default, Serialize)]
pub struct Section {
    /// The heading.
    pub heading: String,
    /// The items.
    pub items: Vec<String>,
}

/// A message shown as a sentence on a page: its first letter a capital (the API's texts,
/// which the pages share, start in lower case, as parts of a longer detail).
fn sentence(message: &str) -> String {
    let mut chars = message.chars();
    match chars.next() {
        Some(first) => first.to_uppercase().chain(chars).collect(),
        None => String::new(),
    }
}

/// What stands before an error in the summary: the field's label and a colon — no colon
/// after a label that ends in a question mark or a colon of its own ("Wat is er gemeld?").
fn lead(label: &str) -> String {
    let label = label.trim();
    if label.is_empty() {
        String::new()
    } else if label.ends_with(['?', ':', '.', '!']) {
        format!("{label} ")
    } else {
        format!("{label}: ")
    }
}

/// An engine refusal, in words, as the form shows it.
#[derive(Debug, Serialize)]
struct Refusal {
    title: String,
    detail: String,
    rule: String,
    source: String,
}

/// One action: its page and the commands its form asks for.
pub trait Action: Sync {
    /// Its key: the path's last part and the `gedaan=` value of the case page afterwards.
    fn key(&self) -> &'static str;
    /// The page's title.
    fn title(&self, lang: Lang) -> String;
    /// The page (with the fields filled in from `input`).
    fn sheet(&self, cx: &Cx, input: &Input) -> Result<Sheet, Problem>;
    /// The commands the input asks for, or what is wrong with it.
    fn commands(&self, cx: &Cx, input: &Input) -> Result<Vec<Command>, Invalid>;
    /// The field an engine refusal with `code` is about, if one is (shown next to it).
    fn field_of(&self, code: RejectionCode) -> Option<&'static str> {
        let _ = code;
        None
    }
    /// Whether `cx` may take this action at all (beyond the access policy, which
    /// [`Cx::load`] applies): e.g. only those the model lets decide see the decision form.
    fn allowed(&self, cx: &Cx) -> Result<(), Problem> {
        let _ = cx;
        Ok(())
    }
}

/// What to say above the form after a POST that wrote nothing.
enum Outcome {
    Fresh,
    Invalid(Invalid),
    Stale,
    Refused(Problem),
}

fn draw(
    viewer: &Viewer,
    cx: &Cx,
    action: &dyn Action,
    input: &Input,
    outcome: Outcome,
) -> Result<Response, Problem> {
    let lang = cx.lang;
    let mut sheet = action.sheet(cx, input)?;
    let (status, mut errors, refusal, stale) = match outcome {
        Outcome::Fresh => (StatusCode::OK, Vec::new(), None, false),
        Outcome::Invalid(i) => (StatusCode::UNPROCESSABLE_ENTITY, i.0, None, false),
        Outcome::Stale => (StatusCode::CONFLICT, Vec::new(), None, true),
        Outcome::Refused(mut p) => {
            // The engine names people by their id; the page by their name.
            p.detail = cx.with_names(&p.detail);
            let code = RejectionCode::parse(p.code);
            let (rule, source) = p
                .cited
                .as_deref()
                .map(|c| (c.rule.clone(), c.source.clone()))
                .unwrap_or_default();
            let rule = rule.unwrap_or_default();
            let source = source.unwrap_or_default();
            match code.and_then(|c| action.field_of(c)) {
                // A refusal about one field (a motivation the model asks for) is shown
                // next to that field, with the rule explained above the form.
                Some(field) => {
                    if code == Some(RejectionCode::MotivationRequired) {
                        sheet.preferred.push(p.detail.clone());
                        if !rule.is_empty() {
                            sheet
                                .preferred
                                .push(format!("{}: {rule}", word("regel", lang)));
                        }
                        if !source.is_empty() {
                            sheet
                                .preferred
                                .push(format!("{}: {source}", word("bron", lang)));
                        }
                    }
                    // Other refusals about a field name their rule next to it.
                    let mut message = p.detail.clone();
                    if code != Some(RejectionCode::MotivationRequired) && !rule.is_empty() {
                        message.push_str(&format!(" ({}: {rule})", word("regel", lang)));
                    }
                    (
                        StatusCode::UNPROCESSABLE_ENTITY,
                        vec![(field.to_owned(), message)],
                        None,
                        false,
                    )
                }
                None => (
                    StatusCode::UNPROCESSABLE_ENTITY,
                    Vec::new(),
                    Some(Refusal {
                        title: code.map_or_else(
                            || p.title.to_owned(),
                            |c| ave_labels::rejection_title(c, lang).to_owned(),
                        ),
                        detail: sentence(&p.detail),
                        rule,
                        source,
                    }),
                    false,
                ),
            }
        }
    };
    // Each error next to its field; an error for a field the page does not show stays in
    // the summary only.
    let mut summary = Vec::new();
    for (name, message) in errors.drain(..) {
        let message = sentence(&message);
        let label = match sheet.fields.iter_mut().find(|f| f.name == name) {
            Some(f) => {
                f.error = message.clone();
                f.label.clone()
            }
            None => String::new(),
        };
        summary.push(context! { field => name, lead => lead(&label), message => message });
    }
    let title = action.title(lang);
    page_with_status(
        viewer,
        status,
        "actie.html",
        &title,
        context! {
            case_id => cx.id.to_string(),
            short => super::home::short_id(cx.id.as_str()),
            phase => present::phase(cx.model(), cx.case().phase().as_str()),
            version => cx.case().seq(),
            sheet => Value::from_serialize(&sheet),
            summary => summary,
            refusal => refusal,
            stale => stale,
        },
    )
}

/// `GET /casussen/{id}/…` of an action with one form (signal, role, meeting, close): the
/// form, fresh.
pub async fn form<A: Action + Default + Send + 'static>(
    State(state): State<AppState>,
    viewer: Viewer,
    Path(id): Path<String>,
) -> Result<Response, PageError> {
    show(&state, &viewer, &id, &A::default(), Vec::new()).await
}

/// `POST /casussen/{id}/…` of an action with one form: see [`submit`].
pub async fn post<A: Action + Default + Send + 'static>(
    State(state): State<AppState>,
    Path(id): Path<String>,
    posted: Posted,
) -> Result<Response, PageError> {
    submit(&state, &posted, &id, &A::default()).await
}

/// `GET` of an action: the form, fresh (with `query` as input, for a chooser).
pub async fn show(
    state: &AppState,
    viewer: &Viewer,
    id: &str,
    action: &dyn Action,
    query: Vec<(String, String)>,
) -> Result<Response, PageError> {
    let cx = Cx::load(state, viewer, id).await.page(viewer.lang)?;
    action.allowed(&cx).page(viewer.lang)?;
    let input = Input { pairs: query };
    draw(viewer, &cx, action, &input, Outcome::Fresh).page(viewer.lang)
}

/// `POST` of an action: checked, run, and back to the case page — or the form again with
/// what is wrong, having written nothing.
pub async fn submit(
    state: &AppState,
    posted: &Posted,
    id: &str,
    action: &dyn Action,
) -> Result<Response, PageError> {
    let viewer = &posted.viewer;
    let lang = viewer.lang;
    let cx = Cx::load(state, viewer, id).await.page(lang)?;
    action.allowed(&cx).page(lang)?;
    let input = Input::of(posted);
    // The version the form was shown with; a form without one is treated as stale.
    let Ok(expected) = input.get("versie").parse::<u64>() else {
        return draw(viewer, &cx, action, &input, Outcome::Stale).page(lang);
    };
    let commands = match action.commands(&cx, &input) {
        Ok(c) => c,
        Err(invalid) => {
            return draw(viewer, &cx, action, &input, Outcome::Invalid(invalid)).page(lang);
        }
    };
    match crate::api::commands::run_commands(state, &cx.id, &viewer.actor, Some(expected), commands)
        .await
    {
        Ok(_) => Ok(see_other(&format!(
            "/casussen/{}?gedaan={}#gedaan",
            cx.id,
            action.key()
        ))),
        Err(p)
            if matches!(
                p.status,
                StatusCode::PRECONDITION_FAILED | StatusCode::CONFLICT
            ) =>
        {
            // Shown again on the case as it is now, with what was typed.
            let cx = Cx::load(state, viewer, id).await.page(lang)?;
            draw(viewer, &cx, action, &input, Outcome::Stale).page(lang)
        }
        Err(p)
            if p.status == StatusCode::UNPROCESSABLE_ENTITY
                && RejectionCode::parse(p.code).is_some() =>
        {
            draw(viewer, &cx, action, &input, Outcome::Refused(p)).page(lang)
        }
        Err(p) => Err(PageError { problem: p, lang }),
    }
}

/// The keys of the actions, for the case page's success message.
pub const DONE: &[&str] = &["signaal", "rol", "verzoek", "besluit", "overleg", "sluiten"];

/// The confirmation of the action `done` (a `gedaan=` value), if it is one.
pub fn done_words(done: Option<&str>, lang: Lang) -> Option<String> {
    done.filter(|d| DONE.contains(d))
        .map(|d| word(&format!("gedaan_{d}"), lang))
}

/// One link of the case page's actions: the path under the case, and its words.
#[derive(Debug, Serialize)]
struct Link {
    key: &'static str,
    label: String,
}

/// A deviation on the case page.
#[derive(Debug, Serialize)]
struct Deviation {
    at: String,
    what: String,
    motivation: String,
    by: String,
    seen: String,
}

/// The case page's actions part: the success message after an action, the actions the
/// viewer may take, a request waiting for their decision, and the deviations.
pub async fn panel(
    state: &AppState,
    viewer: &Viewer,
    live: &Live,
    row: &ave_store::CaseRow,
    view: Access,
    done: Option<&str>,
    names: &HashMap<String, String>,
) -> Result<Value, Problem> {
    let lang = viewer.lang;
    let case = &live.case;
    let model = &live.model;
    let involvement = access::involvement(state, &viewer.actor, row).await?;
    let may_act = matches!(
        access::decide(Standing::of(&viewer.actor), involvement, Operation::Command),
        Decision::Allow(_)
    ) && case.closed().is_none();
    let me = PersonId::parse(&viewer.actor.person)
        .ok()
        .and_then(|p| case.participant(&p).cloned());
    let mut links = Vec::new();
    let mut waiting = Vec::new();
    if let (true, Some(me)) = (may_act, me.as_ref()) {
        links.push(Link {
            key: "signaal",
            label: word("actie_signaal", lang),
        });
        links.push(Link {
            key: "rol",
            label: word("actie_rol", lang),
        });
        if case.open_request().is_none() && transition::proposable(model, case, me).next().is_some()
        {
            links.push(Link {
                key: "verzoek",
                label: word("actie_verzoek", lang),
            });
        }
        links.push(Link {
            key: "overleg",
            label: word("actie_overleg", lang),
        });
        links.push(Link {
            key: "sluiten",
            label: word("actie_sluiten", lang),
        });
        if let Some((rid, req)) = case.open_request()
            && let Some(t) = model.transition(&req.transition)
        {
            let may_decide = policy::deciders(model, case, t).admit(model, case, me);
            waiting.push(context! {
                text => format!(
                    "{}: {}",
                    word("verzoek_wacht", lang),
                    transition::label(model, t, lang)
                ),
                request => may_decide.then(|| rid.to_string()),
            });
        }
    }
    let full = matches!(view, Access::Full | Access::Emergency);
    let who = |p: &PersonId| {
        names
            .get(p.as_str())
            .cloned()
            .unwrap_or_else(|| p.to_string())
    };
    let deviations: Vec<Deviation> = if matches!(view, Access::Hidden) {
        Vec::new()
    } else {
        let mut v: Vec<Deviation> = case
            .deviations()
            .map(|(_, d)| Deviation {
                at: present::moment(&d.at),
                what: ave_labels::requirement_text(model, &d.requirement, lang),
                // The motivation is case content: only for those who see the details.
                motivation: if full {
                    d.motivation.clone()
                } else {
                    String::new()
                },
                by: who(&d.by),
                seen: d.seen.as_ref().map_or_else(
                    || word("afwijking_ongezien", lang),
                    |(p, at, _)| {
                        format!(
                            "{} {} ({})",
                            word("gezien_door", lang),
                            who(p),
                            present::moment(at)
                        )
                    },
                ),
            })
            .collect();
        v.reverse();
        v
    };
    let done = done_words(done, lang);
    Ok(context! {
        done => done,
        links => links,
        waiting => waiting,
        deviations => deviations,
    })
}

#[cfg(test)]
mod tests {

    #[test]
    fn a_message_on_a_page_starts_with_a_capital_and_a_question_takes_no_colon() {
        assert_eq!(sentence("geef een reden"), "Geef een reden");
        assert_eq!(sentence("één ETag"), "Één ETag");
        assert_eq!(sentence(""), "");
        assert_eq!(lead("Wat is er gemeld?"), "Wat is er gemeld? ");
        assert_eq!(lead("Reden"), "Reden: ");
        assert_eq!(lead(""), "");
    }

    use super::*;

    #[test]
    fn an_id_is_replaced_only_where_it_stands_whole() {
        assert_eq!(
            replace_word("oss-b-1 is Burgemeester; oss-b-10 niet", "oss-b-1", "Daan"),
            "Daan is Burgemeester; oss-b-10 niet"
        );
        assert_eq!(replace_word("(x-1)", "x-1", "Eva"), "(Eva)");
    }

    #[test]
    fn a_name_that_carries_its_function_is_not_given_it_twice() {
        assert_eq!(
            bare_name(
                "Daan (Medewerker van het Sociaal Team)",
                "Medewerker van het Sociaal Team"
            ),
            "Daan"
        );
        assert_eq!(bare_name("C. Consulent", "Consulent"), "C. Consulent");
    }
}
