//! Informing people (issue 12): which meldingen a command causes, and a person's inbox.
//!
//! When a command's events fire a trigger that asks to inform people, propose a transition,
//! or create a handover, the people concerned get a melding — written by the group-commit
//! writer in the same transaction as the events ([`ave_store::Append::notify`]), so a
//! command that does not commit leaves none. Whom to inform is not decided here: the engine
//! says it ([`ave_engine::views::fired_triggers`] gives a trigger's [`Informee`]s,
//! [`ave_engine::policy::deciders`] who may decide a transition, the model's handover duty
//! who takes over); this module only finds the people behind a function in the directory —
//! those holding it for the case's gemeente, or for the whole region (a membership without
//! gemeente); for a case without gemeente only the region-wide ones.
//!
//! The acting person never gets a melding about their own command: they know. Everyone
//! else gets one melding per subject, however many ways the model names them.
//!
//! A melding holds ids and keys only ([`Subject`]); its words are made when the inbox is
//! read ([`text`], through `ave-labels`), in Dutch or English. The pages call
//! [`unread_count`], [`list`] and [`mark_read`].

use std::collections::BTreeSet;

use ave_engine::Case;
use ave_engine::Recorded;
use ave_engine::event::{Event, HandoverCause, Role};
use ave_engine::policy::{self, Deciders};
use ave_engine::views::{self, Informee};
use ave_labels::Lang;
use ave_model::{
    Actor as ModelActor, FunctionId, PhaseId, RoleKind, TransitionId, TriggerId, ValidModel,
};
use ave_store::notifications::{NewNotification, Notification};
use ave_store::{Page, StoreError};
use serde::{Deserialize, Serialize};

use crate::AppState;
use crate::auth::Actor;
use crate::problem::Problem;

/// What a melding is about: ids and keys only, never household data. Stored as the
/// melding's data (JSON); its tag is the melding's kind.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "soort", rename_all = "kebab-case")]
pub enum Subject {
    /// A trigger fired that asks to inform the person.
    Trigger {
        /// The model's trigger.
        trigger: TriggerId,
        /// The phase it fired in.
        fase: PhaseId,
    },
    /// A transition was proposed that the person may decide.
    Overgang {
        /// The model's transition.
        overgang: TransitionId,
    },
    /// A handover: the person hands over, or holds a function that takes over.
    Overdracht {
        /// The role handed over.
        rol: Role,
        /// The transition it follows (none: a change of casusregisseur).
        #[serde(default, skip_serializing_if = "Option::is_none")]
        overgang: Option<TransitionId>,
    },
}

impl Subject {
    /// The melding's kind: `trigger`, `overgang` or `overdracht`.
    pub fn kind(&self) -> &'static str {
        match self {
            Subject::Trigger { .. } => "trigger",
            Subject::Overgang { .. } => "overgang",
            Subject::Overdracht { .. } => "overdracht",
        }
    }
}

/// Whom a subject reaches, before the directory is asked: people by id, and functions.
#[derive(Debug, Default)]
struct Reach {
    people: BTreeSet<String>,
    functions: Vec<FunctionId>,
}

impl Reach {
    fn function(&mut self, model: &ValidModel, f: &FunctionId) {
        for f in model.expand(std::slice::from_ref(f)) {
            if !self.functions.contains(&f) {
                self.functions.push(f);
            }
        }
    }

    fn role(&mut self, case: &Case, role: RoleKind) {
        self.people
            .extend(case.holders(role).map(|h| h.person.to_string()));
    }
}

/// Whom the events of one command ask to inform, by subject (the engine's answer, not yet
/// resolved to people). `case` is the case after the command.
fn reach(model: &ValidModel, case: &Case, events: &[Recorded]) -> Vec<(Subject, Reach)> {
    let mut out: Vec<(Subject, Reach)> = Vec::new();
    let fired = || views::fired_triggers(model, case);
    let mut fired_cache: Option<Vec<views::TriggerView>> = None;
    for r in events {
        match &r.event {
            Event::TriggerFired { trigger, phase, .. } => {
                let all = fired_cache.get_or_insert_with(fired);
                let Some(view) = all.iter().find(|v| v.seq == r.seq) else {
                    continue;
                };
                let mut reach = Reach::default();
                for i in &view.inform {
                    match i {
                        Informee::Holders { people, .. } => {
                            reach.people.extend(people.iter().map(ToString::to_string));
                        }
                        Informee::Prescribed { functions, .. } => {
                            for f in functions {
                                reach.function(model, f);
                            }
                        }
                        Informee::Function { function } => reach.function(model, function),
                    }
                }
                out.push((
                    Subject::Trigger {
                        trigger: trigger.clone(),
                        fase: phase.clone(),
                    },
                    reach,
                ));
            }
            Event::TransitionProposed { transition, .. } => {
                let Some(t) = model.transition(transition) else {
                    continue;
                };
                let mut reach = Reach::default();
                // "Anyone involved" names nobody in particular: no melding.
                if let Deciders::Actors { actors } = policy::deciders(model, case, t) {
                    for a in &actors {
                        match a {
                            ModelActor::Function(f) => reach.function(model, f),
                            ModelActor::Role { role } => reach.role(case, *role),
                        }
                    }
                }
                out.push((
                    Subject::Overgang {
                        overgang: transition.clone(),
                    },
                    reach,
                ));
            }
            Event::HandoverCreated {
                role,
                holder,
                cause,
                ..
            } => {
                let mut reach = Reach::default();
                reach.people.extend(holder.iter().map(ToString::to_string));
                let transition = match cause {
                    HandoverCause::Transition { transition } => Some(transition.clone()),
                    HandoverCause::CasusregieChange => None,
                };
                let kind = RoleKind::from(*role);
                if let Some(t) = transition.as_ref().and_then(|t| model.transition(t)) {
                    for h in t.handover.iter().filter(|h| h.role == kind) {
                        for f in &h.to {
                            reach.function(model, f);
                        }
                    }
                }
                out.push((
                    Subject::Overdracht {
                        rol: *role,
                        overgang: transition,
                    },
                    reach,
                ));
            }
            _ => {}
        }
    }
    out
}

/// The meldingen a command causes: the events it produced (`events`, with `case` as it is
/// after them) in a case of `gemeente`, acted by `actor`. Ask the directory once per
/// subject that names functions.
pub async fn for_command(
    state: &AppState,
    model: &ValidModel,
    case: &Case,
    gemeente: Option<&str>,
    events: &[Recorded],
    actor: &str,
) -> Result<Vec<NewNotification>, Problem> {
    let Some(at) = events.last().map(|r| r.at) else {
        return Ok(Vec::new());
    };
    let mut out: Vec<NewNotification> = Vec::new();
    let mut seen: BTreeSet<(String, String)> = BTreeSet::new();
    for (subject, reach) in reach(model, case, events) {
        let mut people = reach.people;
        // A named function reaches those who hold it in this case; only a function nobody
        // in the case holds reaches everyone with it in the case's gemeente (a region has
        // hundreds of wijkteam professionals: not all of them need this case's melding).
        let mut uninvolved: Vec<String> = Vec::new();
        for f in &reach.functions {
            let involved: Vec<String> = case
                .participants()
                .filter(|p| &p.function == f)
                .map(|p| p.person.to_string())
                .collect();
            if involved.is_empty() {
                uninvolved.push(f.to_string());
            } else {
                people.extend(involved);
            }
        }
        if !uninvolved.is_empty() {
            people.extend(
                state
                    .store
                    .persons_with_functions(&uninvolved, gemeente)
                    .await?,
            );
        }
        let data = serde_json::to_string(&subject)
            .map_err(|_| Problem::internal("een melding is niet vast te leggen"))?;
        for person in people {
            if person == actor || !seen.insert((person.clone(), data.clone())) {
                continue;
            }
            out.push(NewNotification {
                id: format!("melding-{}", uuid::Uuid::new_v4().simple()),
                person,
                kind: subject.kind().to_owned(),
                data: data.clone(),
                created_at: at,
                mail: state.mail,
            });
        }
    }
    Ok(out)
}

/// A melding in words, in `lang`, from its data and the model of its case (`None` when the
/// model cannot be found: a plain sentence).
pub fn text(model: Option<&ValidModel>, n: &Notification, lang: Lang) -> String {
    let subject = serde_json::from_str::<Subject>(&n.data).ok();
    match (model, subject) {
        (Some(m), Some(Subject::Trigger { trigger, fase })) => {
            ave_labels::trigger_notice(m, &trigger, &fase, lang)
        }
        (Some(m), Some(Subject::Overgang { overgang })) => {
            ave_labels::transition_notice(m, &overgang, lang)
        }
        (Some(m), Some(Subject::Overdracht { rol, overgang })) => {
            ave_labels::handover_notice(m, RoleKind::from(rol), overgang.as_ref(), lang)
        }
        _ => match lang {
            Lang::Nl => "Er is een nieuwe melding over deze casus.".to_owned(),
            Lang::En => "There is a new notification about this case.".to_owned(),
        },
    }
}

/// A melding with its words.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Shown {
    /// The melding as stored.
    pub melding: Notification,
    /// What it says, in the language asked for.
    pub text: String,
}

/// How many meldingen of `person` are unread: one indexed count, cheap enough for every
/// page's header.
pub async fn unread_count(state: &AppState, person: &str) -> Result<u64, StoreError> {
    state.store.unread_count(person).await
}

/// A page of `person`'s meldingen, newest first, each in words (`lang`). Reading the inbox
/// is not reading a case: it shows ids and the model's words, no case content.
pub async fn list(
    state: &AppState,
    person: &str,
    lang: Lang,
    offset: u64,
    limit: u64,
) -> Result<Page<Shown>, Problem> {
    let page = state.store.notifications(person, offset, limit).await?;
    let mut models: Vec<(String, Option<std::sync::Arc<ValidModel>>)> = Vec::new();
    let mut items = Vec::with_capacity(page.items.len());
    for n in page.items {
        let known = models
            .iter()
            .find(|(c, _)| *c == n.case_id)
            .map(|(_, m)| m.clone());
        let model = match known {
            Some(m) => m,
            None => {
                let m = model_of(state, &n.case_id).await;
                models.push((n.case_id.clone(), m.clone()));
                m
            }
        };
        items.push(Shown {
            text: text(model.as_deref(), &n, lang),
            melding: n,
        });
    }
    Ok(Page {
        items,
        total: page.total,
        capped: page.capped,
    })
}

/// The model a case runs under, if it can be found.
async fn model_of(state: &AppState, case: &str) -> Option<std::sync::Arc<ValidModel>> {
    let id = ave_engine::ids::CaseId::parse(case).ok()?;
    let row = state.store.case_row(&id).await.ok()??;
    state
        .models
        .get(&state.store, &row.model_id, &row.model_version)
        .await
        .ok()
}

/// Marks a melding of `actor` read, with its audit entry in the same transaction (the API
/// and the pages alike). False when there is no such melding of theirs (someone else's is not
/// found either); then nothing is written.
pub async fn mark_read(state: &AppState, actor: &Actor, id: &str) -> Result<bool, StoreError> {
    let entry = crate::audit::entry(actor, "schrijven", format!("melding/{id}"), "ok: gelezen");
    let marked = state
        .store
        .mark_read(&actor.person, id, crate::now(), &entry)
        .await?;
    if marked {
        state.logs.nudge();
    }
    Ok(marked)
}

/// One melding of `person` in words, if it is theirs.
pub async fn one(
    state: &AppState,
    person: &str,
    id: &str,
    lang: Lang,
) -> Result<Option<Shown>, Problem> {
    let Some(n) = state.store.notification(person, id).await? else {
        return Ok(None);
    };
    let model = model_of(state, &n.case_id).await;
    Ok(Some(Shown {
        text: text(model.as_deref(), &n, lang),
        melding: n,
    }))
}
