//! Op- and afschalen through the pages: propose a transition (`/casussen/{id}/verzoek`) and
//! decide a request (`/casussen/{id}/verzoeken/{verzoek}/besluit`).
//!
//! The proposal form first lets the person choose among the transitions the model allows
//! from the current phase (and that they may propose); for the chosen one it shows the
//! model's criteria as a checklist, its condition with what holds, what it asks first and
//! its status, and who decides. The criteria ticked are recorded as assessed (with the
//! evidence) and the proposal rests on them — as one step.
//!
//! The decision form is only for those the model lets decide. What the model asks *bij
//! voorkeur* and the case does not have yet is shown before the decision, with the request
//! for a motivation.

use ave_engine::RejectionCode as C;
use ave_engine::command::{AssessCriterion, Command, Decide, Propose};
use ave_engine::condition::{criteria_of, criterion_holds, evaluate};
use ave_engine::event::{Participant, Requirement};
use ave_engine::ids::{PersonId, RequestId};
use ave_engine::policy::{self, Consulted};
use ave_engine::{Case, RejectionCode};
use ave_labels::Lang;
use ave_model::{CriterionId, Direction, Strength, Transition, TransitionId, ValidModel};
use axum::extract::{Path, Query, State};
use axum::response::Response;

use super::{Action, Cx, Field, Input, Invalid, MAX_LINE, MAX_TEXT, Section, Sheet};
use crate::AppState;
use crate::problem::Problem;
use crate::web::render::PageError;
use crate::web::session::{Posted, Viewer};
use crate::web::words::word;

/// The transitions from the case's phase that would change something and that `me` may
/// propose.
pub fn proposable<'a>(
    model: &'a ValidModel,
    case: &'a Case,
    me: &'a Participant,
) -> impl Iterator<Item = &'a Transition> {
    model
        .transitions_from(case.phase())
        .filter(move |t| policy::effect_applies(model, case, t).is_ok())
        .filter(move |t| policy::may_propose(model, case, t, me))
}

/// A transition in words: its title, else what it does.
pub fn label(model: &ValidModel, t: &Transition, lang: Lang) -> String {
    let _ = model;
    let direction = match t.direction {
        Direction::Op => word("opschalen", lang),
        Direction::Af => word("afschalen", lang),
    };
    let what = match (&t.title, t.effect) {
        // A model's title says it all (it usually names the direction itself).
        (Some(title), _) => return title.clone(),
        (None, Some(effect)) => format!("{} ({})", effect.label(), ave_labels::phase(&t.from)),
        (None, None) => format!(
            "{} → {}",
            ave_labels::phase(&t.from),
            ave_labels::phase(&t.to)
        ),
    };
    format!("{direction}: {what}")
}

fn criterion_text(model: &ValidModel, c: &CriterionId) -> String {
    model
        .criterion(c)
        .map_or_else(|| c.to_string(), |c| c.text.clone())
}

/// The preconditions of `t`, each with whether the case meets it.
fn preconditions(cx: &Cx, t: &Transition, missing: &[policy::Missing]) -> Vec<String> {
    let lang = cx.lang;
    t.preconditions
        .iter()
        .enumerate()
        .map(|(i, p)| {
            let open = missing.iter().any(|m| {
                matches!(&m.requirement, Requirement::Precondition { transition, index }
                    if transition == &t.id && *index as usize == i)
            });
            format!(
                "[{}] {} — {}",
                if open { "✗" } else { "✓" },
                ave_model::render::precondition_text(cx.model(), p),
                if open {
                    word("nog_niet_voldaan", lang)
                } else {
                    word("voldaan", lang)
                }
            )
        })
        .collect()
}

/// Proposing an op- or afschaling.
pub struct Proposal;

impl Proposal {
    fn chosen<'a>(&self, cx: &'a Cx, input: &Input) -> Option<&'a Transition> {
        let id = TransitionId::parse(input.get("overgang")).ok()?;
        proposable(cx.model(), cx.case(), &cx.me).find(|t| t.id == id)
    }
}

impl Action for Proposal {
    fn key(&self) -> &'static str {
        "verzoek"
    }

    fn title(&self, lang: Lang) -> String {
        word("actie_verzoek", lang)
    }

    fn sheet(&self, cx: &Cx, input: &Input) -> Result<Sheet, Problem> {
        let lang = cx.lang;
        let model = cx.model();
        let case = cx.case();
        let mut options = vec![(String::new(), word("kies", lang), String::new())];
        options.extend(
            proposable(model, case, &cx.me)
                .map(|t| (t.id.to_string(), label(model, t, lang), String::new())),
        );
        let mut sheet = Sheet {
            intro: vec![word("intro_verzoek", lang)],
            chooser: Some(Field::choice(
                "overgang",
                "select",
                word("veld_overgang", lang),
                options,
                input,
            )),
            submit: word("knop_verzoek", lang),
            ..Sheet::default()
        };
        if let Some((open, _)) = case.open_request() {
            sheet
                .intro
                .push(format!("{} ({open})", word("verzoek_wacht", lang)));
            sheet.chooser = None;
            return Ok(sheet);
        }
        let Some(t) = self.chosen(cx, input) else {
            return Ok(sheet);
        };
        let evaluation = evaluate(model, case, t, cx.today);
        let missing = policy::missing(model, case, t, None, Consulted::default(), cx.today);
        sheet.facts = vec![
            (word("overgang", lang), label(model, t, lang)),
            (
                word("voorwaarde", lang),
                ave_labels::condition(model, &evaluation.status, lang),
            ),
            (
                word("wie_besluit", lang),
                ave_labels::deciders(model, &policy::deciders(model, case, t), lang),
            ),
        ];
        if !t.proposers.is_empty() {
            sheet.facts.push((
                word("wie_stelt_voor", lang),
                ave_labels::actors(model, &t.proposers, lang),
            ));
        }
        if let Some(source) = &t.source {
            sheet.facts.push((word("bron", lang), source.clone()));
        }
        let pre = preconditions(cx, t, &missing);
        if !pre.is_empty() {
            sheet.sections.push(Section {
                heading: word("voorwaarden_vooraf", lang),
                items: pre,
            });
        }
        if !missing.is_empty() {
            sheet.sections.push(Section {
                heading: word("nog_nodig", lang),
                items: missing
                    .iter()
                    .map(|m| ave_labels::missing(model, m, lang))
                    .collect(),
            });
        }
        sheet.hidden = vec![("overgang".to_owned(), t.id.to_string())];
        let criteria = criteria_of(t)
            .into_iter()
            .map(|c| {
                let hint = if criterion_holds(case, c) {
                    word("al_vastgesteld", lang)
                } else {
                    String::new()
                };
                (c.to_string(), criterion_text(model, c), hint)
            })
            .collect();
        sheet.fields = vec![
            Field::choice(
                "criteria",
                "checkboxes",
                word("veld_criteria", lang),
                criteria,
                input,
            )
            .required()
            .hint(word("uitleg_criteria", lang)),
            Field::textarea("onderbouwing", word("veld_onderbouwing", lang), input)
                .required()
                .hint(word("uitleg_onderbouwing", lang)),
        ];
        Ok(sheet)
    }

    fn commands(&self, cx: &Cx, input: &Input) -> Result<Vec<Command>, Invalid> {
        let lang = cx.lang;
        let mut invalid = Invalid::default();
        let Some(t) = self.chosen(cx, input) else {
            invalid.add("overgang", word("fout_kies", lang));
            return Err(invalid);
        };
        let own = criteria_of(t);
        let mut criteria = Vec::new();
        for c in input.all("criteria") {
            match own.iter().find(|o| o.as_str() == c) {
                Some(id) if !criteria.contains(*id) => criteria.push((*id).clone()),
                Some(_) => {}
                None => invalid.add("criteria", word("fout_onbekende_keuze", lang)),
            }
        }
        if criteria.is_empty() {
            invalid.add("criteria", word("fout_kies_criterium", lang));
        }
        let evidence = invalid.text(input, "onderbouwing", MAX_TEXT, lang);
        let request = RequestId::parse(crate::api::commands::fresh_id("verzoek"));
        let (true, Ok(request)) = (invalid.is_empty(), request) else {
            return Err(invalid);
        };
        // What is ticked is established now (unless it already is in this phase), and the
        // proposal rests on it.
        let mut commands: Vec<Command> = criteria
            .iter()
            .filter(|c| !criterion_holds(cx.case(), c))
            .map(|c| {
                Command::AssessCriterion(AssessCriterion {
                    criterion: c.clone(),
                    holds: true,
                    evidence: evidence.clone(),
                })
            })
            .collect();
        commands.push(Command::Propose(Propose {
            request,
            transition: t.id.clone(),
            criteria,
            evidence,
        }));
        Ok(commands)
    }

    fn field_of(&self, code: RejectionCode) -> Option<&'static str> {
        match code {
            C::UnknownCriterion | C::CriterionNotOfTransition => Some("criteria"),
            C::EmptyText => Some("onderbouwing"),
            _ => None,
        }
    }
}

/// Deciding a request.
pub struct Decision {
    /// The request.
    pub request: String,
}

impl Decision {
    /// The open request and its transition, for a person the model lets decide it.
    fn request<'a>(
        &self,
        cx: &'a Cx,
    ) -> Result<(&'a ave_engine::case::Request, &'a Transition), Problem> {
        let found = RequestId::parse(self.request.as_str())
            .ok()
            .and_then(|id| cx.case().open_request().filter(|(open, _)| **open == id))
            .map(|(_, r)| r);
        let Some(req) = found else {
            return Err(Problem::not_found("dit verzoek"));
        };
        let Some(t) = cx.model().transition(&req.transition) else {
            return Err(Problem::not_found("dit verzoek"));
        };
        if !policy::deciders(cx.model(), cx.case(), t).admit(cx.model(), cx.case(), &cx.me) {
            return Err(Problem::forbidden(
                "het model laat u over dit verzoek niet besluiten",
            ));
        }
        Ok((req, t))
    }
}

impl Action for Decision {
    fn key(&self) -> &'static str {
        "besluit"
    }

    fn title(&self, lang: Lang) -> String {
        word("actie_besluit", lang)
    }

    fn allowed(&self, cx: &Cx) -> Result<(), Problem> {
        self.request(cx).map(|_| ())
    }

    fn sheet(&self, cx: &Cx, input: &Input) -> Result<Sheet, Problem> {
        let lang = cx.lang;
        let model = cx.model();
        let case = cx.case();
        let (req, t) = self.request(cx)?;
        let evaluation = evaluate(model, case, t, cx.today);
        let named: Vec<PersonId> = input
            .all("geraadpleegd")
            .into_iter()
            .filter_map(|p| PersonId::parse(p).ok())
            .collect();
        let missing = policy::missing(
            model,
            case,
            t,
            Some(req.proposed_seq),
            Consulted {
                decider: Some(&cx.me),
                named: &named,
            },
            cx.today,
        );
        let proposer = case
            .participant(&req.proposed_by)
            .map_or_else(|| req.proposed_by.to_string(), |p| p.name.clone());
        let mut facts = vec![
            (word("overgang", lang), label(model, t, lang)),
            (
                word("voorgesteld_door", lang),
                format!(
                    "{proposer} ({})",
                    crate::web::present::moment(&req.proposed_at)
                ),
            ),
            (
                word("criteria", lang),
                req.criteria
                    .iter()
                    .map(|c| criterion_text(model, c))
                    .collect::<Vec<_>>()
                    .join("; "),
            ),
            (word("veld_onderbouwing", lang), req.evidence.clone()),
            (
                word("voorwaarde", lang),
                ave_labels::condition(model, &evaluation.status, lang),
            ),
            (
                word("wie_besluit", lang),
                ave_labels::deciders(model, &policy::deciders(model, case, t), lang),
            ),
        ];
        if let Some(source) = &t.source {
            facts.push((word("bron", lang), source.clone()));
        }
        let mut sections = Vec::new();
        let pre = preconditions(cx, t, &missing);
        if !pre.is_empty() {
            sections.push(Section {
                heading: word("voorwaarden_vooraf", lang),
                items: pre,
            });
        }
        if !missing.is_empty() {
            sections.push(Section {
                heading: word("nog_nodig", lang),
                items: missing
                    .iter()
                    .map(|m| ave_labels::missing(model, m, lang))
                    .collect(),
            });
        }
        // What the model asks only bij voorkeur: approving without it is a deviation,
        // recorded with the motivation asked for here.
        let preferred: Vec<String> = missing
            .iter()
            .filter(|m| m.strength == Strength::BijVoorkeur)
            .map(|m| {
                let mut s = ave_labels::missing(model, m, lang);
                if let Some(source) = &t.source {
                    s.push_str(&format!(" — {}: {source}", word("bron", lang)));
                }
                s
            })
            .collect();
        let mut consulted: Vec<(String, String, String)> = cx.participants();
        consulted.retain(|(p, _, _)| p != cx.me.person.as_str());
        let mut motivation = Field::textarea("motivering", word("motivering", lang), input)
            .hint(word("uitleg_motivering", lang));
        if !preferred.is_empty() {
            motivation = motivation.hint(word("uitleg_motivering_nodig", lang));
        }
        let mut fields = vec![
            Field::choice(
                "besluit",
                "radios",
                word("veld_besluit", lang),
                vec![
                    (
                        "goedkeuren".to_owned(),
                        word("goedkeuren", lang),
                        String::new(),
                    ),
                    ("afwijzen".to_owned(), word("afwijzen", lang), String::new()),
                ],
                input,
            )
            .required(),
            Field::textarea("reden", word("veld_reden_besluit", lang), input).required(),
            Field::text("bevoegdheid", word("veld_bevoegdheid", lang), input)
                .hint(word("uitleg_bevoegdheid", lang)),
        ];
        if !consulted.is_empty() {
            fields.push(
                Field::choice(
                    "geraadpleegd",
                    "checkboxes",
                    word("veld_geraadpleegd", lang),
                    consulted,
                    input,
                )
                .hint(word("uitleg_geraadpleegd", lang)),
            );
        }
        fields.push(motivation);
        Ok(Sheet {
            facts,
            sections,
            preferred,
            fields,
            submit: word("knop_besluit", lang),
            ..Sheet::default()
        })
    }

    fn commands(&self, cx: &Cx, input: &Input) -> Result<Vec<Command>, Invalid> {
        let lang = cx.lang;
        let mut invalid = Invalid::default();
        let approve = match input.get("besluit") {
            "goedkeuren" => true,
            "afwijzen" => false,
            "" => {
                invalid.add("besluit", word("fout_kies", lang));
                false
            }
            _ => {
                invalid.add("besluit", word("fout_onbekende_keuze", lang));
                false
            }
        };
        let reason = invalid.text(input, "reden", MAX_TEXT, lang);
        let authority = invalid.optional(input, "bevoegdheid", MAX_LINE, lang);
        let mut consulted = Vec::new();
        for p in input.all("geraadpleegd") {
            match PersonId::parse(p) {
                Ok(id) if cx.case().participant(&id).is_some() => consulted.push(id),
                _ => invalid.add("geraadpleegd", word("fout_onbekende_keuze", lang)),
            }
        }
        let motivation = invalid.optional(input, "motivering", MAX_TEXT, lang);
        let (true, Ok(request)) = (invalid.is_empty(), RequestId::parse(self.request.as_str()))
        else {
            return Err(invalid);
        };
        let some = |s: String| (!s.is_empty()).then_some(s);
        Ok(vec![Command::Decide(Decide {
            request,
            approve,
            reason,
            authority: some(authority),
            consulted,
            motivation: some(motivation),
        })])
    }

    fn field_of(&self, code: RejectionCode) -> Option<&'static str> {
        match code {
            C::MotivationRequired => Some("motivering"),
            C::UnknownPerson => Some("geraadpleegd"),
            C::EmptyText => Some("reden"),
            _ => None,
        }
    }
}

/// `GET /casussen/{id}/verzoek?overgang=…`.
pub async fn propose_form(
    State(state): State<AppState>,
    viewer: Viewer,
    Path(id): Path<String>,
    Query(q): Query<Vec<(String, String)>>,
) -> Result<Response, PageError> {
    super::show(&state, &viewer, &id, &Proposal, q).await
}

/// `POST /casussen/{id}/verzoek`.
pub async fn propose_post(
    State(state): State<AppState>,
    Path(id): Path<String>,
    posted: Posted,
) -> Result<Response, PageError> {
    super::submit(&state, &posted, &id, &Proposal).await
}

/// `GET /casussen/{id}/verzoeken/{verzoek}/besluit`.
pub async fn decide_form(
    State(state): State<AppState>,
    viewer: Viewer,
    Path((id, request)): Path<(String, String)>,
) -> Result<Response, PageError> {
    super::show(&state, &viewer, &id, &Decision { request }, Vec::new()).await
}

/// `POST /casussen/{id}/verzoeken/{verzoek}/besluit`.
pub async fn decide_post(
    State(state): State<AppState>,
    Path((id, request)): Path<(String, String)>,
    posted: Posted,
) -> Result<Response, PageError> {
    super::submit(&state, &posted, &id, &Decision { request }).await
}
