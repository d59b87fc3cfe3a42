//! One line per event, for timelines ("de film") and reports.

use ave_engine::Recorded;
use ave_engine::event::{EndState, Event, GoalStatus, HandoverCause, Role, RoleEndCause};
use ave_model::{RoleKind, ValidModel, WithinEffect};

use crate::{Lang, Style, role_lower};

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
///
/// `style` is a [`Lang`] for the command line and the klantreis report (ids and ISO dates),
/// or [`Style::page`] for a page (transitions by their title, no made-up ids, dd-mm-jjjj).
pub fn describe(
    model: &ValidModel,
    style: impl Into<Style>,
    r: &Recorded,
    who: &dyn Fn(&ave_engine::ids::PersonId) -> String,
) -> String {
    let style: Style = style.into();
    let lang = style.lang;
    let page = style.page;
    let f = |id: &ave_model::FunctionId| model.function_name(id).to_owned();
    let nl = lang == Lang::Nl;
    let day = |d: &ave_model::Date| style.day(d);
    let transition = |t: &ave_model::TransitionId| style.transition(model, t);
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
                    ", {} {}",
                    lang.pick("herzien uiterlijk", "review by"),
                    day(review)
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
            let review = day(review);
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
                RoleEndCause::Transition { transition: t, .. } => {
                    format!(
                        "{} {}",
                        lang.pick("bij overgang", "by transition"),
                        transition(t)
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
        } if page => format!(
            "{} {} {source} ({category})",
            lang.pick("signaal", "signal"),
            lang.pick("van", "from")
        ),
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
            let meeting = if page {
                String::new()
            } else {
                format!(" ({meeting})")
            };
            format!(
                "{name}{meeting} {} {} {}",
                lang.pick("met", "with"),
                attendees.len(),
                lang.pick("deelnemers", "attendees")
            )
        }
        Event::Evaluated {
            next_evaluation, ..
        } => match next_evaluation {
            Some(d) => format!(
                "{}; {} {}",
                lang.pick("geëvalueerd", "evaluated"),
                lang.pick("volgende evaluatie", "next evaluation"),
                day(d)
            ),
            None => lang.pick("geëvalueerd", "evaluated").to_owned(),
        },
        Event::TransitionProposed {
            transition: t,
            from,
            to,
            ..
        } if page => {
            let place = match (from == to, nl) {
                (true, true) => format!("binnen fase {from}"),
                (true, false) => format!("within phase {from}"),
                (false, true) => format!("van fase {from} naar {to}"),
                (false, false) => format!("from phase {from} to {to}"),
            };
            let request = lang.pick("verzoek", "request");
            // The title (or the effect within a phase) says what; without one, where to.
            let named = model.transition(t).is_some_and(|m| m.title.is_some())
                || (from == to && model.transition(t).is_some_and(|m| m.effect.is_some()));
            if named {
                format!("{request}: {} ({place})", transition(t))
            } else {
                format!("{request}: {place}")
            }
        }
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
            reason,
            ..
        } => {
            let verdict = match (approved, lang) {
                (true, Lang::Nl) => "goedgekeurd",
                (false, Lang::Nl) => "afgewezen",
                (true, Lang::En) => "approved",
                (false, Lang::En) => "rejected",
            };
            let request = if page {
                String::new()
            } else {
                format!(" {request}")
            };
            let mut s = format!(
                "{}{request} {verdict} {} {}",
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
            // The reason given, on a page (the klantreis report keeps to one line per event).
            if page && !reason.trim().is_empty() {
                s.push_str(&format!(": {}", reason.trim()));
            }
            s
        }
        Event::TransitionWithdrawn { reason, .. } if page => format!(
            "{} {}: {reason}",
            lang.pick("verzoek", "request"),
            lang.pick("ingetrokken", "withdrawn")
        ),
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
                HandoverCause::Transition { transition: t } => {
                    format!(
                        ", {} {}",
                        lang.pick("na overgang", "after transition"),
                        transition(t)
                    )
                }
                HandoverCause::CasusregieChange => lang
                    .pick(
                        ", wisseling van casusregisseur",
                        ", change of casusregisseur",
                    )
                    .to_owned(),
            };
            let task = if page {
                String::new()
            } else {
                format!(" {task}")
            };
            format!(
                "{}{task} ({}){by}{why}",
                lang.pick("overdracht", "handover"),
                stored_role(*role, lang)
            )
        }
        Event::HandoverCompleted { .. } if page => format!(
            "{} {}",
            lang.pick("overdracht", "handover"),
            lang.pick("gedaan", "done")
        ),
        Event::HandoverCompleted { task, .. } => format!(
            "{} {task} {}",
            lang.pick("overdracht", "handover"),
            lang.pick("gedaan", "done")
        ),
        Event::DisagreementRaised { .. } if page => lang
            .pick(
                "meningsverschil over het verzoek",
                "disagreement about the request",
            )
            .to_owned(),
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
            let disagreement = if page {
                String::new()
            } else {
                format!(" {disagreement}")
            };
            format!(
                "{}{disagreement} {}: {verdict}",
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

#[cfg(test)]
mod tests {
    use super::*;
    use ave_engine::klantreis::{self, Scenario};

    /// The timeline of the first Oss scenario, every event in the pages' words and in the
    /// command line's.
    fn lines() -> (Vec<String>, Vec<String>) {
        let model = ave_model::presets::load("oss").expect("preset");
        let scenario = Scenario::parse(
            "01-op-en-afschalen.toml",
            include_bytes!("../../../examples/klantreis/oss/01-op-en-afschalen.toml"),
        )
        .expect("scenario");
        let report = klantreis::run(&model, &scenario);
        let id = |p: &ave_engine::ids::PersonId| p.to_string();
        let page = report
            .timeline
            .iter()
            .map(|r| describe(&model, Style::page(Lang::Nl), r, &id))
            .collect();
        let cli = report
            .timeline
            .iter()
            .map(|r| describe(&model, Lang::Nl, r, &id))
            .collect();
        (page, cli)
    }

    #[test]
    fn a_page_names_a_transition_by_its_title_and_no_request_id() {
        let (page, cli) = lines();
        let proposed = page
            .iter()
            .find(|l| l.starts_with("verzoek: "))
            .expect("a proposal");
        assert_eq!(
            proposed,
            "verzoek: Opschalen naar AVE 2: de hulpvraag naar het Sociaal Team (van fase 1 naar 2)"
        );
        assert!(page.iter().all(|l| !l.contains("v1")), "{page:#?}");
        assert!(page.iter().all(|l| !l.contains("1-naar-2")), "{page:#?}");
        // The command line keeps the scenario's ids.
        assert!(cli.contains(&"verzoek v1: van fase 1 naar 2 (1-naar-2)".to_owned()));
    }

    #[test]
    fn a_page_shows_the_reason_of_a_decision() {
        let (page, _) = lines();
        assert!(
            page.contains(
                &"verzoek goedgekeurd door Medewerker van het Sociaal Team: Het Sociaal Team pakt de meervoudige hulpvraag op (routekaart tot ondersteuning)"
                    .to_owned()
            ),
            "{page:#?}"
        );
    }

    #[test]
    fn a_page_writes_dates_as_the_pages_do() {
        let (page, cli) = lines();
        let iso = |l: &&String| {
            l.split(|c: char| !(c.is_ascii_digit() || c == '-'))
                .any(|w| w.len() == 10 && w.as_bytes()[4] == b'-' && w.as_bytes()[7] == b'-')
        };
        assert!(cli.iter().any(|l| iso(&l)), "the scenario has dates");
        assert!(!page.iter().any(|l| iso(&l)), "{page:#?}");
        assert!(
            page.iter().any(|l| l.contains("-2025")),
            "dd-mm-jjjj: {page:#?}"
        );
    }
}
