//! One line per event, for timelines ("de film") and reports.

use ave_engine::Recorded;
use ave_engine::event::{EndState, Event, GoalStatus, HandoverCause, Role, RoleEndCause};
use ave_model::{RoleKind, ValidModel, WithinEffect};

use crate::{Lang, role_lower};

fn end_state(e: EndState, lang: Lang) -> &'static str {
    match e {
        EndState::Afgesloten => lang.pick("afgesloten", "closed"),
        EndState::Waakvlam => lang.pick("waakvlam", "light monitoring (waakvlam)"),
        EndState::Verhuisd => lang.pick("verhuisd", "moved away"),
        EndState::Anders => lang.pick("anders", "other"),
    }
}

fn stored_role(r: Role, lang: Lang) -> String {
    role_lower(RoleKind::from(r), lang)
}

/// A within-phase effect in words.
pub(crate) fn effect(e: WithinEffect, lang: Lang) -> &'static str {
    match e {
        WithinEffect::ProcesregieToevoegen => lang.pick("procesregie toevoegen", "add procesregie"),
        WithinEffect::ProcesregieBeeindigen => {
            lang.pick("procesregie beëindigen", "end procesregie")
        }
        WithinEffect::ExpertiseToevoegen => lang.pick("expertise toevoegen", "add expertise"),
        WithinEffect::ExpertiseAfbouwen => lang.pick(
            "terug naar het niveau van het team",
            "back to the level of the team",
        ),
        WithinEffect::ManagementOpschalen => {
            lang.pick("opschalen naar het management", "escalate to management")
        }
    }
}

/// What an event means, in one line. `who` names a person (an id, or a name with function).
pub fn describe(
    model: &ValidModel,
    lang: Lang,
    r: &Recorded,
    who: &dyn Fn(&ave_engine::ids::PersonId) -> String,
) -> String {
    let f = |id: &ave_model::FunctionId| model.function_name(id).to_owned();
    let nl = lang == Lang::Nl;
    match &r.event {
        Event::CaseOpened {
            case,
            phase,
            model: m,
            model_version,
            household,
            participants,
            ..
        } => {
            if nl {
                format!(
                    "casus {case} geopend in fase {phase} onder model {m} {model_version} ({} gezinsleden, {} betrokkenen)",
                    household.len(),
                    participants.len()
                )
            } else {
                format!(
                    "case {case} opened in phase {phase} under model {m} {model_version} ({} household members, {} professionals)",
                    household.len(),
                    participants.len()
                )
            }
        }
        Event::ParticipantAdded { participant } => format!(
            "{} ({}, {}) {}",
            who(&participant.person),
            f(&participant.function),
            participant.organisation,
            lang.pick("is betrokken", "joins")
        ),
        Event::ParticipantRemoved { person, reason } => format!(
            "{} {}: {reason}",
            who(person),
            lang.pick("niet meer betrokken", "no longer involved")
        ),
        Event::MemberAdded { member } => {
            let minor = if member.minor {
                lang.pick(", minderjarig", ", minor")
            } else {
                ""
            };
            if nl {
                format!(
                    "gezinslid {} ({}{minor}) toegevoegd",
                    member.member, member.role
                )
            } else {
                format!(
                    "household member {} ({}{minor}) added",
                    member.member, member.role
                )
            }
        }
        Event::MemberRemoved { member, reason } => format!(
            "{} {member} {}: {reason}",
            lang.pick("gezinslid", "household member"),
            lang.pick("verwijderd", "removed")
        ),
        Event::RoleAssigned {
            role,
            person,
            function,
            review,
            replaces,
            ..
        } => {
            let mut s = format!(
                "{} ({}) {} {}",
                who(person),
                f(function),
                lang.pick("neemt", "takes"),
                stored_role(*role, lang)
            );
            if let Some(old) = replaces {
                s.push_str(&format!(
                    " {} {}",
                    lang.pick("over van", "over from"),
                    who(old)
                ));
            }
            if let Some(review) = review {
                s.push_str(&format!(
                    ", {} {review}",
                    lang.pick("herzien uiterlijk", "review by")
                ));
            }
            s
        }
        Event::RoleReviewed {
            role,
            person,
            review,
            ..
        } => {
            if nl {
                format!(
                    "{} van {} herzien; opnieuw uiterlijk {review}",
                    stored_role(*role, lang),
                    who(person)
                )
            } else {
                format!(
                    "{} of {} reviewed; next review by {review}",
                    stored_role(*role, lang),
                    who(person)
                )
            }
        }
        Event::RoleEnded {
            role,
            person,
            cause,
        } => {
            let why = match cause {
                RoleEndCause::Person { reason } => reason.clone(),
                RoleEndCause::Transition { transition, .. } => {
                    format!(
                        "{} {transition}",
                        lang.pick("bij overgang", "by transition")
                    )
                }
            };
            format!(
                "{} {} {}: {why}",
                who(person),
                lang.pick("stopt met", "ends"),
                stored_role(*role, lang)
            )
        }
        Event::SignalRecorded {
            signal,
            source,
            category,
            ..
        } => format!(
            "{} {signal} {} {source} ({category})",
            lang.pick("signaal", "signal"),
            lang.pick("van", "from")
        ),
        Event::TriggerFired { trigger, .. } => {
            let text = model
                .trigger(trigger)
                .map_or(trigger.as_str(), |t| t.text.as_str());
            format!("trigger: {text}")
        }
        Event::CriterionAssessed {
            criterion, holds, ..
        } => {
            let text = model
                .criterion(criterion)
                .map_or(criterion.as_str(), |c| c.text.as_str());
            let verdict = match (holds, lang) {
                (true, Lang::Nl) => "vastgesteld",
                (false, Lang::Nl) => "niet (meer) aan de orde",
                (true, Lang::En) => "established",
                (false, Lang::En) => "does not (or no longer) apply",
            };
            format!("{} {verdict}: {text}", lang.pick("criterium", "criterion"))
        }
        Event::FactRecorded { fact, holds, .. } => {
            let text = model.fact(fact).map_or(fact.as_str(), |c| c.text.as_str());
            let verdict = match (holds, lang) {
                (true, Lang::Nl) => "vastgesteld",
                (false, Lang::Nl) => "niet aan de orde",
                (true, Lang::En) => "established",
                (false, Lang::En) => "does not apply",
            };
            format!("{} {verdict}: {text}", lang.pick("feit", "fact"))
        }
        Event::PlanSet { phase, summary } => format!(
            "{} {phase}: {summary}",
            lang.pick("plan voor fase", "plan for phase")
        ),
        Event::GoalAdded {
            goal, leefgebied, ..
        } => format!(
            "{} {goal} ({leefgebied}) {}",
            lang.pick("doel", "goal"),
            lang.pick("in het plan", "in the plan")
        ),
        Event::GoalUpdated { goal, status, .. } => format!(
            "{} {goal} {}",
            lang.pick("doel", "goal"),
            match status {
                GoalStatus::Lopend => lang.pick("loopt", "running"),
                GoalStatus::Behaald => lang.pick("behaald", "achieved"),
                GoalStatus::Gestopt => lang.pick("gestopt", "stopped"),
            }
        ),
        Event::ActionAdded {
            action,
            werkafspraak,
            werkafspraak_known,
            ..
        } => match (werkafspraak, nl) {
            (Some(w), true) if !werkafspraak_known => {
                format!("afspraak {action} volgens werkafspraak {w} (niet in het lokale model)")
            }
            (Some(w), false) if !werkafspraak_known => {
                format!("agreement {action} under werkafspraak {w} (not in the local model)")
            }
            (Some(w), true) => format!("afspraak {action} volgens werkafspraak {w}"),
            (Some(w), false) => format!("agreement {action} under werkafspraak {w}"),
            (None, true) => format!("afspraak {action} in het plan"),
            (None, false) => format!("agreement {action} in the plan"),
        },
        Event::ActionCompleted { action, .. } => format!(
            "{} {action} {}",
            lang.pick("actie", "action"),
            lang.pick("afgerond", "completed")
        ),
        Event::MeetingHeld {
            meeting,
            kind,
            attendees,
            ..
        } => {
            let name = model
                .meeting_kind(kind)
                .map_or(kind.as_str(), |k| k.name.as_str());
            format!(
                "{name} ({meeting}) {} {} {}",
                lang.pick("met", "with"),
                attendees.len(),
                lang.pick("deelnemers", "attendees")
            )
        }
        Event::Evaluated {
            next_evaluation, ..
        } => match next_evaluation {
            Some(d) => format!(
                "{}; {} {d}",
                lang.pick("geëvalueerd", "evaluated"),
                lang.pick("volgende evaluatie", "next evaluation")
            ),
            None => lang.pick("geëvalueerd", "evaluated").to_owned(),
        },
        Event::TransitionProposed {
            request,
            transition,
            from,
            to,
            ..
        } => match (from == to, nl) {
            (true, true) => format!("verzoek {request}: {transition} binnen fase {from}"),
            (true, false) => format!("request {request}: {transition} within phase {from}"),
            (false, true) => format!("verzoek {request}: van fase {from} naar {to} ({transition})"),
            (false, false) => {
                format!("request {request}: from phase {from} to {to} ({transition})")
            }
        },
        Event::TransitionDecided {
            request,
            approved,
            function,
            unconsulted,
            arbiter,
            ..
        } => {
            let verdict = match (approved, lang) {
                (true, Lang::Nl) => "goedgekeurd",
                (false, Lang::Nl) => "afgewezen",
                (true, Lang::En) => "approved",
                (false, Lang::En) => "rejected",
            };
            let mut s = format!(
                "{} {request} {verdict} {} {}",
                lang.pick("verzoek", "request"),
                lang.pick("door", "by"),
                f(function)
            );
            if *arbiter {
                s.push_str(lang.pick(
                    " (beslisser bij meningsverschil)",
                    " (arbiter in a disagreement)",
                ));
            }
            if !unconsulted.is_empty() {
                let names: Vec<String> = unconsulted.iter().map(f).collect();
                s.push_str(&format!(
                    " ({} {})",
                    lang.pick("zonder overleg met", "without consulting"),
                    names.join(", ")
                ));
            }
            s
        }
        Event::TransitionWithdrawn { request, .. } => format!(
            "{} {request} {}",
            lang.pick("verzoek", "request"),
            lang.pick("ingetrokken", "withdrawn")
        ),
        Event::PhaseChanged { from, to, .. } => {
            format!("{0} {from} → {0} {to}", lang.pick("fase", "phase"))
        }
        Event::EffectApplied { effect: e, .. } => format!(
            "{}: {}",
            lang.pick("binnen de fase", "within the phase"),
            effect(WithinEffect::from(*e), lang)
        ),
        Event::HandoverCreated {
            task,
            role,
            holder,
            cause,
            ..
        } => {
            let by = holder
                .as_ref()
                .map(|h| format!(" {} {}", lang.pick("door", "by"), who(h)))
                .unwrap_or_default();
            let why = match cause {
                HandoverCause::Transition { transition } => {
                    format!(
                        ", {} {transition}",
                        lang.pick("na overgang", "after transition")
                    )
                }
                HandoverCause::CasusregieChange => lang
                    .pick(
                        ", wisseling van casusregisseur",
                        ", change of casusregisseur",
                    )
                    .to_owned(),
            };
            format!(
                "{} {task} ({}){by}{why}",
                lang.pick("overdracht", "handover"),
                stored_role(*role, lang)
            )
        }
        Event::HandoverCompleted { task, .. } => format!(
            "{} {task} {}",
            lang.pick("overdracht", "handover"),
            lang.pick("gedaan", "done")
        ),
        Event::DisagreementRaised {
            disagreement,
            request,
            ..
        } => format!(
            "{} {disagreement} {} {request}",
            lang.pick("meningsverschil", "disagreement"),
            lang.pick("over verzoek", "about request")
        ),
        Event::DisagreementSettled {
            disagreement,
            approved,
            ..
        } => {
            let verdict = match (approved, lang) {
                (true, Lang::Nl) => "goedgekeurd",
                (false, Lang::Nl) => "afgewezen",
                (true, Lang::En) => "approved",
                (false, Lang::En) => "rejected",
            };
            format!(
                "{} {disagreement} {}: {verdict}",
                lang.pick("meningsverschil", "disagreement"),
                lang.pick("beslecht", "settled")
            )
        }
        Event::FormalDecisionRecorded {
            decision,
            subject,
            function,
            kind,
            ..
        } => {
            let kind = kind
                .as_ref()
                .and_then(|k| model.decision_kind(k))
                .map(|k| format!(" ({})", k.name))
                .unwrap_or_default();
            format!(
                "{} {decision}{kind} {} {}: {subject}",
                lang.pick("formeel besluit", "formal decision"),
                lang.pick("van", "by"),
                f(function)
            )
        }
        Event::DeviationRecorded {
            deviation,
            requirement,
            motivation,
            ..
        } => format!(
            "{} {deviation}: {} — {}: {motivation}",
            lang.pick("afwijking", "deviation"),
            crate::view::requirement_text(model, requirement, lang),
            lang.pick("motivering", "motivation")
        ),
        Event::DeviationSeen { deviation, .. } => format!(
            "{} {deviation} {}",
            lang.pick("afwijking", "deviation"),
            lang.pick("gezien", "seen")
        ),
        Event::CaseClosed {
            end_state: e,
            reason,
        } => format!(
            "{} ({}): {reason}",
            lang.pick("casus gesloten", "case closed"),
            end_state(*e, lang)
        ),
        Event::ModelChanged { from, to, reason } => format!(
            "{} {from} → {to}: {reason}",
            lang.pick(
                "naar een andere modelversie",
                "moved to another model version"
            ),
        ),
    }
}
