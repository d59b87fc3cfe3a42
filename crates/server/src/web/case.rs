//! The case page (`/casussen/{id}`): the phase, what needs attention, the regie table (the
//! model's prescription next to the actual holders, mismatches flagged), the household
//! (minimal data), signals, plan, meetings, and the timeline — "de film" — with a filter.
//!
//! What is shown follows the access policy ([`crate::access`]): someone who governs the
//! phase sees a summary (no household, signals, plan or timeline); a contributor sees only
//! their own organisation's events; a case one may not see answers 404 and is logged.

use std::collections::{HashMap, HashSet};

use ave_engine::ids::PersonId;
use ave_labels::Lang;
use axum::extract::{Path, Query, State};
use axum::response::Response;
use minijinja::context;
use serde::Serialize;

use super::home::{role_words, short_id};
use super::present::{self, PhaseBadge};
use super::render::{ForPage, PageError, page};
use super::session::Viewer;
use super::words::word;
use crate::AppState;
use crate::access::{self, Access, Operation};
use crate::problem::Problem;

/// The timeline's filter: (key, Dutch, English, event types).
pub const TIMELINE_KINDS: &[(&str, &str, &str, &[&str])] = &[
    (
        "signalen",
        "Signalen en feiten",
        "Signals and facts",
        &[
            "signal_recorded",
            "trigger_fired",
            "fact_recorded",
            "criterion_assessed",
        ],
    ),
    (
        "regie",
        "Rollen en betrokkenen",
        "Roles and participants",
        &[
            "role_assigned",
            "role_reviewed",
            "role_ended",
            "participant_added",
            "participant_removed",
        ],
    ),
    (
        "fase",
        "Fasen en besluiten",
        "Phases and decisions",
        &[
            "case_opened",
            "transition_proposed",
            "transition_decided",
            "transition_withdrawn",
            "phase_changed",
            "effect_applied",
            "handover_created",
            "handover_completed",
            "model_changed",
            "case_closed",
        ],
    ),
    (
        "overleg",
        "Overleg en evaluatie",
        "Meetings and evaluation",
        &[
            "meeting_held",
            "evaluated",
            "formal_decision_recorded",
            "disagreement_raised",
            "disagreement_settled",
        ],
    ),
    (
        "plan",
        "Plan, doelen en acties",
        "Plan, goals and actions",
        &[
            "plan_set",
            "goal_added",
            "goal_updated",
            "action_added",
            "action_completed",
        ],
    ),
    (
        "afwijkingen",
        "Afwijkingen",
        "Deviations",
        &["deviation_recorded", "deviation_seen"],
    ),
    (
        "huishouden",
        "Huishouden",
        "Household",
        &["member_added", "member_removed"],
    ),
];

#[derive(Debug, Serialize)]
struct RegieLine {
    role: String,
    prescribed: String,
    holders: Vec<String>,
    flags: Vec<String>,
}

#[derive(Debug, Serialize)]
struct Entry {
    seq: u64,
    at: String,
    iso: String,
    text: String,
    by: String,
    organisation: String,
    grondslag: String,
    erased: bool,
}

#[derive(Debug, Serialize)]
struct Item {
    at: String,
    title: String,
    text: String,
    extra: Vec<String>,
}

#[derive(Debug, Serialize)]
struct Choice {
    value: String,
    label: String,
}

/// The case page of case `id` for `viewer`, its timeline narrowed to `soort`.
pub async fn page_of(
    state: &AppState,
    viewer: &Viewer,
    id: &str,
    soort: Option<&str>,
    done: Option<&str>,
) -> Result<Response, Problem> {
    let lang = viewer.lang;
    let id = crate::api::cases::case_id(id).map_err(|_| Problem::not_found("deze casus"))?;
    let (row, access) = access::case_for(state, &viewer.actor, &id, Operation::ReadCase).await?;
    crate::audit::read(state, &viewer.actor, &id)?;
    let live = state.live.read(&state.store, &state.models, &row).await?;
    let model = live.model.clone();
    let case = &live.case;
    #[allow(clippy::disallowed_methods)] // the page shows the case as of now
    let now = chrono::Utc::now();

    // Everyone this page may name, by their work name from the directory.
    let mut people: HashSet<String> = HashSet::new();
    people.extend(case.current_holdings().map(|h| h.person.to_string()));
    people.extend(case.participants().map(|p| p.person.to_string()));
    people.extend(case.deviations().map(|(_, d)| d.by.to_string()));
    let full = matches!(access, Access::Full | Access::Emergency);
    // The timeline, in one read of the case's events (none for a summary).
    let outline = if matches!(access, Access::Summary) {
        Vec::new()
    } else {
        state.store.outline_with_content(&id).await?
    };
    people.extend(outline.iter().map(|(o, _)| o.by.clone()));
    for (_, m) in case.meetings() {
        people.extend(m.attendees.iter().map(|p| p.to_string()));
    }
    let names = present::names(state, people).await?;
    let organisations = present::organisation_names(state).await?;
    let who = |p: &PersonId| {
        names
            .get(p.as_str())
            .cloned()
            .unwrap_or_else(|| p.to_string())
    };

    let attention: Vec<String> = ave_engine::views::attention(&model, case, now)
        .iter()
        .map(|a| ave_labels::attention(&model, a, ave_labels::Style::page(lang), &who))
        .collect();
    let today = ave_engine::views::local_day(&model, now);
    let regie: Vec<RegieLine> = ave_engine::views::regie_table(&model, case, today)
        .iter()
        .map(|r| RegieLine {
            role: ave_labels::role(r.role, lang).to_owned(),
            prescribed: ave_labels::prescribed(&model, &r.prescribed, lang),
            holders: r
                .holders
                .iter()
                .map(|h| {
                    format!(
                        "{} ({}, {} {})",
                        who(&h.person),
                        model.function_name(&h.function),
                        word("sinds", lang),
                        present::moment(&h.since)
                    )
                })
                .collect(),
            flags: r
                .flags
                .iter()
                .map(|f| ave_labels::regie_flag(f, ave_labels::Style::page(lang), &who))
                .collect(),
        })
        .collect();

    // The details: only for those who may see them.
    let (members, signals, plan, goals, actions, meetings) = if full {
        details(&model, case, lang, &who)
    } else {
        Default::default()
    };

    // The timeline, newest first; a contributor sees their own organisation's entries.
    let own: Vec<&str> = viewer
        .actor
        .memberships
        .iter()
        .map(|m| m.organisation.as_str())
        .collect();
    let wanted: Option<&[&str]> = soort.and_then(|s| {
        TIMELINE_KINDS
            .iter()
            .find(|(k, ..)| *k == s)
            .map(|(_, _, _, types)| *types)
    });
    let mut timeline: Vec<Entry> = outline
        .iter()
        .filter(|(o, _)| {
            access != Access::Contributed
                || o.organisation
                    .as_deref()
                    .is_some_and(|org| own.contains(&org))
        })
        .filter(|(o, _)| wanted.is_none_or(|types| types.contains(&o.event_type.as_str())))
        .map(|(o, recorded)| Entry {
            seq: o.seq,
            at: present::moment(&o.at),
            iso: o.at.to_rfc3339_opts(chrono::SecondsFormat::Secs, true),
            text: match recorded {
                Some(r) => ave_labels::describe(&model, ave_labels::Style::page(lang), r, &who),
                None => event_words(&o.event_type, lang),
            },
            by: names.get(&o.by).cloned().unwrap_or_else(|| o.by.clone()),
            organisation: o
                .organisation
                .as_ref()
                .map(|id| organisations.get(id).cloned().unwrap_or_else(|| id.clone()))
                .unwrap_or_default(),
            grondslag: o.grondslag.clone().unwrap_or_default(),
            erased: !o.has_content,
        })
        .collect();
    timeline.reverse();
    let timeline_kinds: Vec<Choice> = TIMELINE_KINDS
        .iter()
        .map(|(k, nl, en, _)| Choice {
            value: (*k).to_owned(),
            label: (if lang == Lang::En { en } else { nl }).to_string(),
        })
        .collect();

    let phase: PhaseBadge = present::phase(&model, &row.phase);
    let my_roles: Vec<String> = row
        .roles
        .iter()
        .filter(|(_, p)| *p == viewer.actor.person)
        .map(|(r, _)| role_words(r, lang))
        .collect();
    let acties = super::actions::panel(state, viewer, &live, &row, access, done, &names).await?;
    let short = short_id(id.as_str());
    let title = format!("{} {short}", word("casus", lang));
    page(
        viewer,
        "casus.html",
        &title,
        context! {
            // The browser tab and a screen reader's first words say what was just done.
            title_prefix => super::actions::done_words(done, lang),
            case_id => id.to_string(),
            short => short,
            phase => phase,
            gemeente => row.gemeente.clone().unwrap_or_default(),
            model_name => model.model().model.name.clone(),
            model_version => row.model_version.clone(),
            opened => present::moment(&row.opened_at),
            last_at => present::moment(&row.last_at),
            closed => row.closed,
            erased => row.erased_at.is_some(),
            next_evaluation => row.next_evaluation.as_deref().map(present::day).unwrap_or_default(),
            access => access.key(),
            full => full,
            my_roles => my_roles.join(", "),
            attention => attention,
            regie => regie,
            members => members,
            signals => signals,
            plan => plan,
            goals => goals,
            actions => actions,
            meetings => meetings,
            timeline => timeline,
            timeline_kinds => timeline_kinds,
            soort => soort.unwrap_or(""),
            show_timeline => !matches!(access, Access::Summary),
            acties => acties,
        },
    )
}

type Details = (
    Vec<Item>,
    Vec<Item>,
    Option<Item>,
    Vec<Item>,
    Vec<Item>,
    Vec<Item>,
);

/// The household, signals, plan, goals, actions and meetings of a case.
fn details(
    model: &ave_model::ValidModel,
    case: &ave_engine::Case,
    lang: Lang,
    who: &dyn Fn(&PersonId) -> String,
) -> Details {
    let members = case
        .members()
        .map(|m| Item {
            at: String::new(),
            title: m.role.clone(),
            text: if m.minor {
                word("minderjarig", lang)
            } else {
                String::new()
            },
            extra: Vec::new(),
        })
        .collect();
    let mut signals: Vec<Item> = case
        .signals()
        .map(|(_, s)| Item {
            at: present::moment(&s.at),
            title: format!("{} · {}", s.category, s.source),
            text: s.text.clone(),
            extra: Vec::new(),
        })
        .collect();
    signals.reverse();
    let plan = case.plans().last().map(|p| Item {
        at: present::moment(&p.at),
        title: ave_model::render::phase_label(p.phase.as_str()),
        text: p.summary.clone(),
        extra: Vec::new(),
    });
    let goals = case
        .goals()
        .map(|(_, g)| Item {
            at: present::day(&g.due.to_string()),
            title: g.leefgebied.clone(),
            text: g.text.clone(),
            extra: vec![who(&g.owner), format!("{:?}", g.status).to_lowercase()],
        })
        .collect();
    let actions = case
        .actions()
        .map(|(_, a)| Item {
            at: String::new(),
            title: format!("{:?}", a.kind).to_lowercase(),
            text: a.text.clone(),
            extra: a.owner.iter().map(who).collect(),
        })
        .collect();
    let mut meetings: Vec<Item> = case
        .meetings()
        .map(|(_, m)| Item {
            at: present::moment(&m.at),
            title: model
                .meeting_kind(&m.kind)
                .map_or_else(|| m.kind.to_string(), |k| k.name.clone()),
            text: m.decisions.join(" · "),
            extra: m.attendees.iter().map(who).collect(),
        })
        .collect();
    meetings.reverse();
    (members, signals, plan, goals, actions, meetings)
}

/// An event type in words, for an entry whose content was erased or is not shown.
fn event_words(event_type: &str, lang: Lang) -> String {
    let kind = TIMELINE_KINDS
        .iter()
        .find(|(_, _, _, types)| types.contains(&event_type))
        .map_or("", |(_, nl, en, _)| if lang == Lang::En { en } else { nl });
    format!("{kind}: {}", event_type.replace('_', " "))
}

/// `GET /casussen/{id}?soort=…&gedaan=…` (`gedaan`: the action just taken, see
/// [`super::actions`]).
pub async fn show(
    State(state): State<AppState>,
    viewer: Viewer,
    Path(id): Path<String>,
    Query(q): Query<HashMap<String, String>>,
) -> Result<Response, PageError> {
    let soort = q
        .get("soort")
        .map(String::as_str)
        .filter(|s| TIMELINE_KINDS.iter().any(|(k, ..)| k == s));
    let done = q.get("gedaan").map(String::as_str);
    page_of(&state, &viewer, &id, soort, done)
        .await
        .page(viewer.lang)
}
