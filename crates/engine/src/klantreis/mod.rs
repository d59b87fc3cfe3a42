//! The klantreis (domain.md §6): walk a fictitious case through a local model to find its
//! gaps — roles nobody in the chain can fill, transitions nobody present may decide,
//! werkafspraken that are referred to but missing, phases where the case stayed past its
//! norm — and check that each step is allowed or refused as the scenario expects.

pub mod report;
pub mod scenario;

use std::collections::BTreeMap;

use ave_model::{Date, RoleKind, ValidModel};
use chrono::{DateTime, Utc};
use serde::Serialize;

use crate::case::Case;
use crate::decide::execute;
use crate::describe::describe;
use crate::event::Event;
use crate::views::{self, AttentionKind};
pub use scenario::{Expect, Scenario, ScenarioError, Step};

/// The outcome of one step.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "outcome", rename_all = "kebab-case")]
pub enum Outcome {
    /// The engine allowed it; these events followed.
    Allowed {
        /// One line per event.
        events: Vec<String>,
    },
    /// The engine refused it.
    Rejected {
        /// Code.
        code: String,
        /// Message.
        message: String,
        /// Rule.
        #[serde(skip_serializing_if = "Option::is_none")]
        rule: Option<String>,
        /// The model's source.
        #[serde(skip_serializing_if = "Option::is_none")]
        source: Option<String>,
    },
}

/// One step in the report.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct StepReport {
    /// 1-based number.
    pub n: usize,
    /// When.
    pub at: DateTime<Utc>,
    /// Who (name and function).
    pub by: String,
    /// The command's name.
    pub command: String,
    /// What happened.
    #[serde(flatten)]
    pub outcome: Outcome,
    /// What the scenario expected.
    pub expected: Option<String>,
    /// Whether the expectation was met (true when there is none).
    pub met: bool,
    /// The scenario's note.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub note: Option<String>,
}

/// One line of the timeline.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct TimelineEntry {
    /// Position in the case's history.
    pub seq: u64,
    /// When.
    pub at: DateTime<Utc>,
    /// Who.
    pub by: String,
    /// What happened.
    pub text: String,
}

/// Kinds of gap.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, serde::Deserialize,
)]
#[serde(rename_all = "kebab-case")]
pub enum GapKind {
    /// A person's function does not exist in the model.
    UnknownFunction,
    /// A role the model prescribes that no person in the scenario can fill.
    RoleNobodyCanFill,
    /// A role the model leaves open.
    RoleOpenInModel,
    /// A transition no present function may decide.
    TransitionNobodyMayDecide,
    /// A werkafspraak referred to but missing from the model.
    MissingWerkafspraak,
    /// The case stayed in a phase past its norm.
    PastNorm,
}

/// A gap the journey exposed.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Serialize)]
pub struct Gap {
    /// Kind.
    pub kind: GapKind,
    /// The phase it concerns.
    pub phase: Option<String>,
    /// What is missing, in Dutch.
    pub message: String,
}

/// Where the case ended.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct EndState {
    /// Phase.
    pub phase: Option<String>,
    /// Closed (and how).
    pub closed: Option<String>,
    /// The regie table at the end.
    pub regie: Vec<views::RegieRow>,
    /// The attention list at the end.
    pub attention: Vec<views::Attention>,
    /// What the engine proposes at the end.
    pub proposals: Vec<views::Proposal>,
}

/// The report of a klantreis.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Report {
    /// Scenario title.
    pub title: String,
    /// Model id.
    pub model: String,
    /// Model version.
    pub model_version: String,
    /// Steps.
    pub steps: Vec<StepReport>,
    /// The case's history.
    pub timeline: Vec<TimelineEntry>,
    /// Gaps.
    pub gaps: Vec<Gap>,
    /// Where the case ended.
    pub end: EndState,
    /// The gap kinds the scenario expects, each with whether the journey showed it.
    pub expected_gaps: Vec<(GapKind, bool)>,
    /// Number of expectations stated (steps and gaps).
    pub expectations: usize,
    /// Number of expectations not met.
    pub unmet: usize,
}

impl Report {
    /// True when every expectation was met.
    pub fn passed(&self) -> bool {
        self.unmet == 0
    }
}

/// Runs a scenario under a model.
pub fn run(model: &ValidModel, scenario: &Scenario) -> Report {
    let mut case: Option<Case> = None;
    let mut steps = Vec::new();
    let mut timeline = Vec::new();
    let mut missing_agreements = Vec::new();
    // The worst overrun seen per (kind, phase stay), for the "past its norm" gaps.
    let mut overruns: BTreeMap<(AttentionKind, usize), (String, i64, String)> = BTreeMap::new();
    let person_label = |id: &crate::ids::PersonId| {
        scenario.people.iter().find(|p| &p.id == id).map_or_else(
            || id.to_string(),
            |p| format!("{} ({})", p.name, model.function_name(p.function.as_str())),
        )
    };
    for (i, step) in scenario.steps.iter().enumerate() {
        if let Some(c) = &case {
            observe(model, c, step.at, &mut overruns);
        }
        let env = crate::command::Envelope {
            at: step.at,
            by: step.by.clone(),
            command: step.command.clone(),
        };
        let outcome = match execute(model, &mut case, &env) {
            Ok(recorded) => {
                let mut events = Vec::new();
                for r in &recorded {
                    let text = describe(model, r);
                    if let Event::ActionAdded {
                        werkafspraak: Some(w),
                        werkafspraak_known: false,
                        ..
                    } = &r.event
                    {
                        missing_agreements.push((w.to_string(), i + 1));
                    }
                    events.push(text.clone());
                    timeline.push(TimelineEntry {
                        seq: r.seq,
                        at: r.at,
                        by: person_label(&r.by),
                        text,
                    });
                }
                Outcome::Allowed { events }
            }
            Err(rej) => Outcome::Rejected {
                code: rej.code.as_str().to_owned(),
                message: rej.message.clone(),
                rule: rej.rule.map(str::to_owned),
                source: rej.citation.clone(),
            },
        };
        let met = match (&step.expect, &outcome) {
            (None, _) => true,
            (Some(Expect::Allowed), Outcome::Allowed { .. }) => true,
            (Some(Expect::Rejected(None)), Outcome::Rejected { .. }) => true,
            (Some(Expect::Rejected(Some(code))), Outcome::Rejected { code: got, .. }) => {
                code.as_str() == got
            }
            _ => false,
        };
        steps.push(StepReport {
            n: i + 1,
            at: step.at,
            by: person_label(&step.by),
            command: step.command.name().to_owned(),
            outcome,
            expected: step.expect.map(|e| e.to_string()),
            met,
            note: step.note.clone(),
        });
    }
    let end_at = scenario.end.or_else(|| scenario.steps.last().map(|s| s.at));
    if let (Some(c), Some(at)) = (&case, end_at) {
        observe(model, c, at, &mut overruns);
    }
    let gaps = gaps(
        model,
        scenario,
        case.as_ref(),
        &missing_agreements,
        overruns,
    );
    let end = match (&case, end_at) {
        (Some(c), Some(at)) => {
            let today = Date::from(at.date_naive());
            EndState {
                phase: Some(c.phase.to_string()),
                closed: c.closed.as_ref().map(|cl| cl.reason.clone()),
                regie: views::regie_table(model, c, today),
                attention: views::attention(model, c, at),
                proposals: views::proposals(model, c, today),
            }
        }
        _ => EndState {
            phase: None,
            closed: None,
            regie: Vec::new(),
            attention: Vec::new(),
            proposals: Vec::new(),
        },
    };
    let expected_gaps: Vec<(GapKind, bool)> = scenario
        .expect_gaps
        .iter()
        .map(|k| (*k, gaps.iter().any(|g| g.kind == *k)))
        .collect();
    let expectations =
        scenario.steps.iter().filter(|s| s.expect.is_some()).count() + expected_gaps.len();
    let unmet = steps.iter().filter(|s| !s.met).count()
        + expected_gaps.iter().filter(|(_, met)| !met).count();
    Report {
        title: scenario.title.clone(),
        model: model.model().model.id.to_string(),
        model_version: model.model().model.version.clone(),
        steps,
        timeline,
        gaps,
        end,
        expected_gaps,
        expectations,
        unmet,
    }
}

/// Residents and their network are always part of the journey, whoever the scenario names.
fn resident(model: &ValidModel, f: &ave_model::FunctionId) -> bool {
    model.function(f.as_str()).is_some_and(|f| {
        matches!(
            f.kind,
            ave_model::OrganisationKind::Inwoner | ave_model::OrganisationKind::Netwerk
        )
    })
}

/// Records overdue norms visible at `at`.
fn observe(
    model: &ValidModel,
    case: &Case,
    at: DateTime<Utc>,
    overruns: &mut BTreeMap<(AttentionKind, usize), (String, i64, String)>,
) {
    let stay = case.phases.len();
    for a in views::attention(model, case, at) {
        if !matches!(
            a.kind,
            AttentionKind::EvaluationOverdue
                | AttentionKind::Stagnation
                | AttentionKind::DecisionPending
                | AttentionKind::ProcesregieReviewOverdue
        ) {
            continue;
        }
        let days = a.days.unwrap_or(0);
        let entry = overruns
            .entry((a.kind, stay))
            .or_insert_with(|| (case.phase.to_string(), days, a.message.clone()));
        if days >= entry.1 {
            *entry = (case.phase.to_string(), days, a.message.clone());
        }
    }
}

fn gaps(
    model: &ValidModel,
    scenario: &Scenario,
    case: Option<&Case>,
    missing_agreements: &[(String, usize)],
    overruns: BTreeMap<(AttentionKind, usize), (String, i64, String)>,
) -> Vec<Gap> {
    let mut out = Vec::new();
    let functions: Vec<&ave_model::FunctionId> =
        scenario.people.iter().map(|p| &p.function).collect();
    for p in &scenario.people {
        if model.function(p.function.as_str()).is_none() {
            out.push(Gap {
                kind: GapKind::UnknownFunction,
                phase: None,
                message: format!(
                    "{} heeft functie {}, die het model niet kent",
                    p.name, p.function
                ),
            });
        }
    }
    // Phases the journey visited, in order of first visit.
    let mut visited: Vec<String> = Vec::new();
    if let Some(c) = case {
        for stay in &c.phases {
            if !visited.contains(&stay.phase.to_string()) {
                visited.push(stay.phase.to_string());
            }
        }
    }
    for phase_id in &visited {
        let Some(phase) = model.phase(phase_id) else {
            continue;
        };
        for role in RoleKind::ALL {
            let Some(spec) = phase.regie.role(role) else {
                continue;
            };
            if let Some(reason) = &spec.open {
                out.push(Gap {
                    kind: GapKind::RoleOpenInModel,
                    phase: Some(phase_id.clone()),
                    message: format!("{}: het model laat dit open ({reason})", role.label()),
                });
            } else if !spec.holders.is_empty()
                && !spec
                    .holders
                    .iter()
                    .any(|h| functions.contains(&h) || resident(model, h))
            {
                out.push(Gap {
                    kind: GapKind::RoleNobodyCanFill,
                    phase: Some(phase_id.clone()),
                    message: format!(
                        "{} ligt bij {}{}, maar niemand in de klantreis heeft die functie",
                        role.label(),
                        ave_model::render::names(model, spec.holders.iter().map(|h| h.as_str())),
                        if spec.when_needed {
                            " (wanneer nodig)"
                        } else {
                            ""
                        }
                    ),
                });
            }
        }
        for t in model.transitions_from(phase_id) {
            if let Some(reason) = &t.deciders_open {
                out.push(Gap {
                    kind: GapKind::TransitionNobodyMayDecide,
                    phase: Some(phase_id.clone()),
                    message: format!(
                        "overgang {}: het model legt niet vast wie besluit ({reason})",
                        t.id
                    ),
                });
            } else if !t.deciders.iter().any(|d| functions.contains(&d)) {
                out.push(Gap {
                    kind: GapKind::TransitionNobodyMayDecide,
                    phase: Some(phase_id.clone()),
                    message: format!(
                        "overgang {}: besluit door {}, maar niemand in de klantreis heeft die functie",
                        t.id,
                        ave_model::render::names(model, t.deciders.iter().map(|h| h.as_str()))
                    ),
                });
            }
        }
    }
    for (w, step) in missing_agreements {
        out.push(Gap {
            kind: GapKind::MissingWerkafspraak,
            phase: None,
            message: format!("stap {step} volgt werkafspraak {w}, die het lokale model niet kent"),
        });
    }
    for ((_, _), (phase, _, message)) in overruns {
        out.push(Gap {
            kind: GapKind::PastNorm,
            phase: Some(phase),
            message,
        });
    }
    out
}
