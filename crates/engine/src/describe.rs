//! One Dutch line per event, for timelines ("de film") and reports.

use ave_model::ValidModel;

use crate::command::{EndState, GoalStatus};
use crate::event::{Event, Recorded};

fn end_state(e: EndState) -> &'static str {
    match e {
        EndState::Afgesloten => "afgesloten",
        EndState::Waakvlam => "waakvlam",
        EndState::Verhuisd => "verhuisd",
        EndState::Anders => "anders",
    }
}

/// What an event means, in one line.
pub fn describe(model: &ValidModel, r: &Recorded) -> String {
    let f = |id: &ave_model::FunctionId| model.function_name(id.as_str()).to_owned();
    match &r.event {
        Event::CaseOpened {
            case,
            phase,
            model: m,
            model_version,
            household,
            participants,
            ..
        } => format!(
            "casus {case} geopend in fase {phase} onder model {m} {model_version} ({} gezinsleden, {} betrokkenen)",
            household.len(),
            participants.len()
        ),
        Event::ParticipantAdded { participant } => format!(
            "{} ({}, {}) is betrokken",
            participant.person,
            f(&participant.function),
            participant.organisation
        ),
        Event::ParticipantRemoved { person, reason } => {
            format!("{person} niet meer betrokken: {reason}")
        }
        Event::MemberAdded { member } => format!(
            "gezinslid {} ({}{}) toegevoegd",
            member.member,
            member.role,
            if member.minor { ", minderjarig" } else { "" }
        ),
        Event::MemberRemoved { member, reason } => {
            format!("gezinslid {member} verwijderd: {reason}")
        }
        Event::RoleAssigned {
            role,
            person,
            function,
            review,
            replaces,
            ..
        } => {
            let mut s = format!(
                "{person} ({}) neemt {}",
                f(function),
                role.label().to_lowercase()
            );
            if let Some(old) = replaces {
                s.push_str(&format!(" over van {old}"));
            }
            if let Some(review) = review {
                s.push_str(&format!(", herzien uiterlijk {review}"));
            }
            s
        }
        Event::RoleReviewed {
            role,
            person,
            review,
            ..
        } => format!(
            "{} van {person} herzien; opnieuw uiterlijk {review}",
            role.label().to_lowercase()
        ),
        Event::RoleEnded {
            role,
            person,
            reason,
        } => {
            format!(
                "{person} stopt met {}: {reason}",
                role.label().to_lowercase()
            )
        }
        Event::SignalRecorded {
            signal,
            source,
            category,
            ..
        } => format!("signaal {signal} van {source} ({category})"),
        Event::TriggerFired { trigger, .. } => {
            let text = model
                .trigger(trigger.as_str())
                .map_or(trigger.as_str(), |t| t.text.as_str());
            format!("trigger: {text}")
        }
        Event::CriterionAssessed {
            criterion, holds, ..
        } => {
            let text = model
                .criterion(criterion.as_str())
                .map_or(criterion.as_str(), |c| c.text.as_str());
            format!(
                "criterium {}: {text}",
                if *holds {
                    "vastgesteld"
                } else {
                    "niet (meer) aan de orde"
                }
            )
        }
        Event::FactRecorded { fact, holds, .. } => {
            let text = model
                .fact(fact.as_str())
                .map_or(fact.as_str(), |c| c.text.as_str());
            format!(
                "feit {}: {text}",
                if *holds {
                    "vastgesteld"
                } else {
                    "niet aan de orde"
                }
            )
        }
        Event::PlanSet { phase, summary } => format!("plan voor fase {phase}: {summary}"),
        Event::GoalAdded {
            goal, leefgebied, ..
        } => format!("doel {goal} ({leefgebied}) in het plan"),
        Event::GoalUpdated { goal, status, .. } => format!(
            "doel {goal} {}",
            match status {
                GoalStatus::Lopend => "loopt",
                GoalStatus::Behaald => "behaald",
                GoalStatus::Gestopt => "gestopt",
            }
        ),
        Event::ActionAdded {
            action,
            werkafspraak,
            werkafspraak_known,
            ..
        } => match werkafspraak {
            Some(w) if !werkafspraak_known => {
                format!("afspraak {action} volgens werkafspraak {w} (niet in het lokale model)")
            }
            Some(w) => format!("afspraak {action} volgens werkafspraak {w}"),
            None => format!("afspraak {action} in het plan"),
        },
        Event::ActionCompleted { action, .. } => format!("actie {action} afgerond"),
        Event::MeetingHeld {
            meeting,
            kind,
            attendees,
            ..
        } => {
            let name = model
                .meeting_kind(kind.as_str())
                .map_or(kind.as_str(), |k| k.name.as_str());
            format!("{name} ({meeting}) met {} deelnemers", attendees.len())
        }
        Event::Evaluated {
            next_evaluation, ..
        } => match next_evaluation {
            Some(d) => format!("geëvalueerd; volgende evaluatie {d}"),
            None => "geëvalueerd".to_owned(),
        },
        Event::TransitionProposed {
            request,
            transition,
            from,
            to,
            ..
        } => {
            if from == to {
                format!("verzoek {request}: {transition} binnen fase {from}")
            } else {
                format!("verzoek {request}: van fase {from} naar {to} ({transition})")
            }
        }
        Event::TransitionDecided {
            request,
            approved,
            function,
            unconsulted,
            ..
        } => {
            let verdict = if *approved {
                "goedgekeurd"
            } else {
                "afgewezen"
            };
            let mut s = format!("verzoek {request} {verdict} door {}", f(function));
            if !unconsulted.is_empty() {
                let names: Vec<String> = unconsulted.iter().map(f).collect();
                s.push_str(&format!(" (zonder overleg met {})", names.join(", ")));
            }
            s
        }
        Event::TransitionWithdrawn { request, .. } => format!("verzoek {request} ingetrokken"),
        Event::PhaseChanged { from, to, .. } => format!("fase {from} → fase {to}"),
        Event::EffectApplied { effect, .. } => format!("binnen de fase: {}", effect.label()),
        Event::HandoverCreated {
            task, role, holder, ..
        } => format!(
            "overdracht {task} ({}){}",
            role.label().to_lowercase(),
            holder
                .as_ref()
                .map(|h| format!(" door {h}"))
                .unwrap_or_default()
        ),
        Event::HandoverCompleted { task, .. } => format!("overdracht {task} gedaan"),
        Event::DisagreementRaised {
            disagreement,
            request,
            ..
        } => {
            format!("meningsverschil {disagreement} over verzoek {request}")
        }
        Event::DisagreementSettled {
            disagreement,
            approved,
            ..
        } => format!(
            "meningsverschil {disagreement} beslecht: {}",
            if *approved {
                "goedgekeurd"
            } else {
                "afgewezen"
            }
        ),
        Event::FormalDecisionRecorded {
            decision,
            subject,
            function,
            ..
        } => format!("formeel besluit {decision} van {}: {subject}", f(function)),
        Event::CaseClosed {
            end_state: e,
            reason,
        } => {
            format!("casus gesloten ({}): {reason}", end_state(*e))
        }
    }
}
