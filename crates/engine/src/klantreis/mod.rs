//! The klantreis (domain.md §6): walk a fictitious case through a local model to find its
//! gaps — roles nobody in the chain can fill, transitions nobody present may decide,
//! werkafspraken that are referred to but missing, phases where the case stayed past its
//! norm — and check that each step is allowed or refused as the scenario expects.
//!
//! The [`Report`] is data; `ave-labels` writes it as text.

mod check;
mod scenario;

use std::collections::BTreeMap;

use ave_model::{FunctionId, PhaseId, RoleKind, TransitionId, ValidModel};
use chrono::{DateTime, Utc};
use serde::Serialize;

use crate::case::{Case, Closure};
use crate::command::Envelope;
use crate::decide::execute;
use crate::event::{Event, Recorded};
use crate::ids::PersonId;
use crate::rejection::Rejection;
use crate::views::{self, Attention, AttentionKind};
pub use check::{CheckResult, flag_key};
pub use scenario::{Expect, Person, Scenario, ScenarioError, Step, Then};

/// The outcome of one step.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(tag = "outcome", rename_all = "kebab-case")]
pub enum Outcome {
    /// A step that only checks.
    Checked,
    /// The engine allowed it; these events followed.
    Allowed {
        /// The events, as stored.
        events: Vec<Recorded>,
    },
    /// The engine refused it.
    Rejected {
        /// Why.
        rejection: Rejection,
    },
}

/// One step in the report.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct StepReport {
    /// 1-based number.
    pub n: usize,
    /// When.
    pub at: DateTime<Utc>,
    /// Who (none for a step that only checks).
    pub by: Option<PersonId>,
    /// The command's name (none for a step that only checks).
    pub command: Option<&'static str>,
    /// What happened.
    #[serde(flatten)]
    pub outcome: Outcome,
    /// What the scenario expected.
    pub expected: Option<Expect>,
    /// What the step's `then` checked, and how each came out.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub checks: Vec<CheckResult>,
    /// Whether the expectation and every check were met (true when there are none).
    pub met: bool,
    /// The scenario's note.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub note: Option<String>,
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
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "kind", rename_all = "kebab-case")]
pub enum Gap {
    /// A person's function does not exist in the model.
    UnknownFunction {
        /// Who.
        person: PersonId,
        /// The function the scenario gives.
        function: FunctionId,
    },
    /// A role the model prescribes that no person in the scenario can fill.
    RoleNobodyCanFill {
        /// The phase.
        phase: PhaseId,
        /// The role.
        role: RoleKind,
        /// The functions the model prescribes.
        functions: Vec<FunctionId>,
        /// Only when needed.
        when_needed: bool,
    },
    /// A role the model leaves open.
    RoleOpenInModel {
        /// The phase.
        phase: PhaseId,
        /// The role.
        role: RoleKind,
        /// The model's reason.
        reason: String,
    },
    /// The model does not say who decides a transition.
    DecidersOpen {
        /// The phase it leaves.
        phase: PhaseId,
        /// The transition.
        transition: TransitionId,
        /// The model's reason.
        reason: String,
    },
    /// Nobody in the journey holds a function that may decide a transition.
    NoDeciderPresent {
        /// The phase it leaves.
        phase: PhaseId,
        /// The transition.
        transition: TransitionId,
        /// Who may decide.
        deciders: Vec<ave_model::Actor>,
    },
    /// A step followed a werkafspraak the model does not know.
    MissingWerkafspraak {
        /// The werkafspraak.
        werkafspraak: ave_model::AgreementId,
        /// The step.
        step: usize,
    },
    /// The case stayed past a norm in a phase (the worst overrun seen there).
    PastNorm {
        /// The phase.
        phase: PhaseId,
        /// What was overdue.
        attention: Attention,
    },
}

impl Gap {
    /// The kind of gap.
    pub fn kind(&self) -> GapKind {
        match self {
            Gap::UnknownFunction { .. } => GapKind::UnknownFunction,
            Gap::RoleNobodyCanFill { .. } => GapKind::RoleNobodyCanFill,
            Gap::RoleOpenInModel { .. } => GapKind::RoleOpenInModel,
            Gap::DecidersOpen { .. } | Gap::NoDeciderPresent { .. } => {
                GapKind::TransitionNobodyMayDecide
            }
            Gap::MissingWerkafspraak { .. } => GapKind::MissingWerkafspraak,
            Gap::PastNorm { .. } => GapKind::PastNorm,
        }
    }
}

/// Where the case ended.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct End {
    /// When the end state is taken.
    pub at: DateTime<Utc>,
    /// Phase.
    pub phase: PhaseId,
    /// How it closed, if it did.
    pub closed: Option<Closure>,
    /// The regie table at the end.
    pub regie: Vec<views::RegieRow>,
    /// The attention list at the end.
    pub attention: Vec<Attention>,
    /// What the engine proposes at the end.
    pub proposals: Vec<views::Proposal>,
}

/// The report of a klantreis.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Report {
    /// Scenario title.
    pub title: String,
    /// Model id.
    pub model: ave_model::ModelId,
    /// Model version.
    pub model_version: String,
    /// The people of the journey.
    pub people: Vec<Person>,
    /// Steps.
    pub steps: Vec<StepReport>,
    /// The case's history.
    pub timeline: Vec<Recorded>,
    /// Gaps.
    pub gaps: Vec<Gap>,
    /// Where the case ended (none when it never opened).
    pub end: Option<End>,
    /// Each phase the case visited, with its legal basis and controller in the model.
    pub grondslagen: Vec<(PhaseId, Option<ave_model::LegalBasis>)>,
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

    /// A person of the journey.
    pub fn person(&self, id: &PersonId) -> Option<&Person> {
        self.people.iter().find(|p| &p.id == id)
    }
}

/// The worst overrun seen per (kind, phase stay), for the "past its norm" gaps.
type Overruns = BTreeMap<(AttentionKind, usize), (PhaseId, Attention)>;

/// Runs a scenario under a model.
pub fn run(model: &ValidModel, scenario: &Scenario) -> Report {
    let mut case: Option<Case> = None;
    let mut steps = Vec::with_capacity(scenario.steps.len());
    let mut timeline = Vec::new();
    let mut missing_agreements = Vec::new();
    let mut overruns = Overruns::new();
    for (i, step) in scenario.steps.iter().enumerate() {
        if let Some(c) = &case {
            observe(model, c, step.at, &mut overruns);
        }
        let (Some(by), Some(command)) = (&step.by, &step.command) else {
            let checks = step
                .then
                .as_ref()
                .map(|t| check::check(model, case.as_ref(), step.at, t))
                .unwrap_or_default();
            steps.push(StepReport {
                n: i + 1,
                at: step.at,
                by: None,
                command: None,
                outcome: Outcome::Checked,
                expected: None,
                met: checks.iter().all(|c| c.met),
                checks,
                note: step.note.clone(),
            });
            continue;
        };
        let env = Envelope {
            at: step.at,
            by: by.clone(),
            command: command.clone(),
        };
        let outcome = match execute(model, &mut case, &env) {
            Ok(recorded) => {
                for r in &recorded {
                    if let Event::ActionAdded {
                        werkafspraak: Some(w),
                        werkafspraak_known: false,
                        ..
                    } = &r.event
                    {
                        missing_agreements.push((w.clone(), i + 1));
                    }
                }
                timeline.extend(recorded.iter().cloned());
                Outcome::Allowed { events: recorded }
            }
            Err(rejection) => Outcome::Rejected { rejection },
        };
        let met = match (&step.expect, &outcome) {
            (None, _) => true,
            (Some(Expect::Allowed), Outcome::Allowed { .. }) => true,
            (Some(Expect::Rejected(None)), Outcome::Rejected { .. }) => true,
            (Some(Expect::Rejected(Some(code))), Outcome::Rejected { rejection }) => {
                *code == rejection.code
            }
            _ => false,
        };
        let checks = step
            .then
            .as_ref()
            .map(|t| check::check(model, case.as_ref(), step.at, t))
            .unwrap_or_default();
        steps.push(StepReport {
            n: i + 1,
            at: step.at,
            by: Some(by.clone()),
            command: Some(command.name()),
            outcome,
            expected: step.expect,
            met: met && checks.iter().all(|c| c.met),
            checks,
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
            let today = views::local_day(model, at);
            Some(End {
                at,
                phase: c.phase().clone(),
                closed: c.closed().cloned(),
                regie: views::regie_table(model, c, today),
                attention: views::attention(model, c, at),
                proposals: views::proposals(model, c, today),
            })
        }
        _ => None,
    };
    let expected_gaps: Vec<(GapKind, bool)> = scenario
        .expect_gaps
        .iter()
        .map(|k| (*k, gaps.iter().any(|g| g.kind() == *k)))
        .collect();
    let grondslagen = case.as_ref().map_or_else(Vec::new, |c| {
        let mut seen: Vec<PhaseId> = Vec::new();
        for stay in c.stays() {
            if !seen.contains(&stay.phase) {
                seen.push(stay.phase.clone());
            }
        }
        seen.into_iter()
            .map(|p| {
                let g = model.phase(&p).and_then(|ph| ph.grondslag.clone());
                (p, g)
            })
            .collect()
    });
    let expectations = scenario
        .steps
        .iter()
        .map(|s| usize::from(s.expect.is_some()) + s.then.as_ref().map_or(0, |_| 1))
        .sum::<usize>()
        + expected_gaps.len();
    let unmet = steps.iter().filter(|s| !s.met).count()
        + expected_gaps.iter().filter(|(_, met)| !met).count();
    Report {
        title: scenario.title.clone(),
        model: model.model().model.id.clone(),
        model_version: model.model().model.version.clone(),
        people: scenario.people.clone(),
        steps,
        timeline,
        gaps,
        end,
        grondslagen,
        expected_gaps,
        expectations,
        unmet,
    }
}

/// Residents and their network are always part of the journey, whoever the scenario names.
fn resident(model: &ValidModel, f: &FunctionId) -> bool {
    model.function(f).is_some_and(|f| {
        matches!(
            f.kind,
            ave_model::OrganisationKind::Inwoner | ave_model::OrganisationKind::Netwerk
        )
    })
}

/// Records overdue norms visible at `at`.
fn observe(model: &ValidModel, case: &Case, at: DateTime<Utc>, overruns: &mut Overruns) {
    let stay = case.stays().len();
    for a in views::attention(model, case, at) {
        if !matches!(
            a.kind(),
            AttentionKind::EvaluationOverdue
                | AttentionKind::Stagnation
                | AttentionKind::DecisionPending
                | AttentionKind::ProcesregieReviewOverdue
        ) {
            continue;
        }
        let days = a.overdue_days().unwrap_or(0);
        let entry = overruns
            .entry((a.kind(), stay))
            .or_insert_with(|| (case.phase().clone(), a.clone()));
        if days >= entry.1.overdue_days().unwrap_or(0) {
            *entry = (case.phase().clone(), a);
        }
    }
}

fn gaps(
    model: &ValidModel,
    scenario: &Scenario,
    case: Option<&Case>,
    missing_agreements: &[(ave_model::AgreementId, usize)],
    overruns: Overruns,
) -> Vec<Gap> {
    let mut out = Vec::new();
    let functions: Vec<&FunctionId> = scenario.people.iter().map(|p| &p.function).collect();
    for p in &scenario.people {
        if model.function(&p.function).is_none() {
            out.push(Gap::UnknownFunction {
                person: p.id.clone(),
                function: p.function.clone(),
            });
        }
    }
    // Phases the journey visited, in order of first visit.
    let mut visited: Vec<&PhaseId> = Vec::new();
    if let Some(c) = case {
        for stay in c.stays() {
            if !visited.contains(&&stay.phase) {
                visited.push(&stay.phase);
            }
        }
    }
    for phase_id in visited {
        let Some(phase) = model.phase(phase_id) else {
            continue;
        };
        for role in RoleKind::ALL {
            let Some(spec) = phase.regie.role(role) else {
                continue;
            };
            if let Some(reason) = &spec.open {
                out.push(Gap::RoleOpenInModel {
                    phase: phase_id.clone(),
                    role,
                    reason: reason.clone(),
                });
            } else if !spec.holders.is_empty()
                && !model
                    .expand(&spec.holders)
                    .iter()
                    .any(|h| functions.contains(&h) || resident(model, h))
            {
                out.push(Gap::RoleNobodyCanFill {
                    phase: phase_id.clone(),
                    role,
                    functions: spec.holders.clone(),
                    when_needed: spec.when_needed,
                });
            }
        }
        for t in model.transitions_from(phase_id) {
            if let Some(reason) = &t.deciders_open {
                out.push(Gap::DecidersOpen {
                    phase: phase_id.clone(),
                    transition: t.id.clone(),
                    reason: reason.clone(),
                });
            } else if !t.deciders.iter().any(|d| match d {
                ave_model::Actor::Function(f) => functions
                    .iter()
                    .any(|g| model.includes(std::slice::from_ref(f), g)),
                // A role is held by someone in the journey, or becomes so.
                ave_model::Actor::Role { .. } => true,
            }) {
                out.push(Gap::NoDeciderPresent {
                    phase: phase_id.clone(),
                    transition: t.id.clone(),
                    deciders: t.deciders.clone(),
                });
            }
        }
    }
    for (w, step) in missing_agreements {
        out.push(Gap::MissingWerkafspraak {
            werkafspraak: w.clone(),
            step: *step,
        });
    }
    for (_, (phase, attention)) in overruns {
        out.push(Gap::PastNorm { phase, attention });
    }
    out
}
