//! What is recorded in a case: signals, criteria, facts, the plan, meetings, evaluations, formal decisions, handovers and closing.

use super::*;

impl<'a> Cx<'a> {
    /// Handles the record commands.
    pub(super) fn record(&self) -> Result<Vec<Event>> {
        let case = self.case;
        match &self.env.command {
            Command::RecordSignal {
                signal,
                source,
                category,
                text,
                triggers,
            } => {
                if case.signals.contains_key(signal) {
                    return Err(duplicate("signaal", signal));
                }
                non_empty("de bron", source)?;
                non_empty("de tekst", text)?;
                let mut events = vec![Event::SignalRecorded {
                    signal: signal.clone(),
                    source: source.clone(),
                    category: category.clone(),
                    text: text.clone(),
                    triggers: triggers.clone(),
                }];
                for t in triggers {
                    let Some(trigger) = self.m.trigger(t.as_str()) else {
                        return Err(Rejection::new(
                            C::UnknownTrigger,
                            format!("het model kent trigger {t} niet"),
                        ));
                    };
                    if trigger.phases.is_empty() || trigger.phases.contains(&case.phase) {
                        events.push(Event::TriggerFired {
                            trigger: t.clone(),
                            signal: Some(signal.clone()),
                            phase: case.phase.clone(),
                        });
                    }
                }
                Ok(events)
            }
            Command::AssessCriterion {
                criterion,
                holds,
                evidence,
            } => {
                if self.m.criterion(criterion.as_str()).is_none() {
                    return Err(Rejection::new(
                        C::UnknownCriterion,
                        format!("het model kent criterium {criterion} niet"),
                    ));
                }
                non_empty("de onderbouwing", evidence)?;
                Ok(vec![Event::CriterionAssessed {
                    criterion: criterion.clone(),
                    holds: *holds,
                    evidence: evidence.clone(),
                }])
            }
            Command::RecordFact {
                fact,
                holds,
                evidence,
            } => {
                let Some(f) = self.m.fact(fact.as_str()) else {
                    return Err(Rejection::new(
                        C::UnknownFact,
                        format!("het model kent feit {fact} niet"),
                    ));
                };
                if f.derived.is_some() {
                    return Err(Rejection::new(
                        C::DerivedFact,
                        format!(
                            "feit {fact} wordt afgeleid uit het huishouden; leg de gezinsleden vast"
                        ),
                    ));
                }
                non_empty("de onderbouwing", evidence)?;
                Ok(vec![Event::FactRecorded {
                    fact: fact.clone(),
                    holds: *holds,
                    evidence: evidence.clone(),
                }])
            }
            Command::SetPlan { phase, summary } => {
                if self.m.phase(phase.as_str()).is_none() {
                    return Err(Rejection::new(
                        C::UnknownPhase,
                        format!("het model kent fase {phase} niet"),
                    ));
                }
                non_empty("de samenvatting van het plan", summary)?;
                Ok(vec![Event::PlanSet {
                    phase: phase.clone(),
                    summary: summary.clone(),
                }])
            }
            Command::AddGoal {
                goal,
                leefgebied,
                text,
                owner,
                due,
            } => {
                if case.goals.contains_key(goal) {
                    return Err(duplicate("doel", goal));
                }
                non_empty("het leefgebied", leefgebied)?;
                non_empty("het doel", text)?;
                self.person(owner)?;
                Ok(vec![Event::GoalAdded {
                    goal: goal.clone(),
                    leefgebied: leefgebied.clone(),
                    text: text.clone(),
                    owner: owner.clone(),
                    due: *due,
                }])
            }
            Command::UpdateGoal {
                goal,
                status,
                explanation: note,
            } => {
                let Some(g) = case.goals.get(goal) else {
                    return Err(Rejection::new(
                        C::UnknownItem,
                        format!("doel {goal} bestaat niet"),
                    ));
                };
                if g.status != GoalStatus::Lopend {
                    return Err(Rejection::new(
                        C::AlreadyDone,
                        format!("doel {goal} is al afgerond"),
                    ));
                }
                if *status == GoalStatus::Lopend {
                    return Err(Rejection::new(
                        C::NothingToChange,
                        format!("doel {goal} loopt al; geef behaald of gestopt"),
                    ));
                }
                non_empty("de toelichting", note)?;
                Ok(vec![Event::GoalUpdated {
                    goal: goal.clone(),
                    status: *status,
                    note: note.clone(),
                }])
            }
            Command::AddAction {
                action,
                kind,
                text,
                owner,
                due,
                werkafspraak,
            } => {
                if case.actions.contains_key(action) {
                    return Err(duplicate("afspraak of actie", action));
                }
                non_empty("de tekst", text)?;
                if let Some(owner) = owner {
                    self.person(owner)?;
                }
                let known = werkafspraak
                    .as_ref()
                    .is_none_or(|w| self.m.agreement(w.as_str()).is_some());
                Ok(vec![Event::ActionAdded {
                    action: action.clone(),
                    kind: *kind,
                    text: text.clone(),
                    owner: owner.clone(),
                    due: *due,
                    werkafspraak: werkafspraak.clone(),
                    werkafspraak_known: known,
                }])
            }
            Command::CompleteAction {
                action,
                result: note,
            } => {
                let Some(a) = case.actions.get(action) else {
                    return Err(Rejection::new(
                        C::UnknownItem,
                        format!("actie {action} bestaat niet"),
                    ));
                };
                if a.done.is_some() {
                    return Err(Rejection::new(
                        C::AlreadyDone,
                        format!("actie {action} is al afgerond"),
                    ));
                }
                non_empty("de toelichting", note)?;
                Ok(vec![Event::ActionCompleted {
                    action: action.clone(),
                    note: note.clone(),
                }])
            }
            Command::HoldMeeting {
                meeting,
                kind,
                attendees,
                decisions,
            } => {
                if case.meetings.contains_key(meeting) {
                    return Err(duplicate("overleg", meeting));
                }
                if self.m.meeting_kind(kind.as_str()).is_none() {
                    let known: Vec<&str> = self
                        .m
                        .model()
                        .meeting_kinds
                        .iter()
                        .map(|k| k.id.as_str())
                        .collect();
                    return Err(Rejection::new(
                        C::UnknownMeetingKind,
                        format!(
                            "het model kent overleg {kind} niet; wel: {}",
                            if known.is_empty() {
                                "geen".to_owned()
                            } else {
                                known.join(", ")
                            }
                        ),
                    ));
                }
                if attendees.is_empty() {
                    return Err(Rejection::new(C::EmptyText, "een overleg heeft deelnemers"));
                }
                for a in attendees {
                    self.person(a)?;
                }
                Ok(vec![Event::MeetingHeld {
                    meeting: meeting.clone(),
                    kind: kind.clone(),
                    attendees: attendees.clone(),
                    decisions: decisions.clone(),
                }])
            }
            Command::Evaluate { summary, next } => {
                non_empty("de samenvatting", summary)?;
                if let Some(next) = next
                    && *next <= self.today
                {
                    return Err(Rejection::new(
                        C::DateOutOfOrder,
                        format!(
                            "de volgende evaluatie ({next}) moet na vandaag ({}) liggen",
                            self.today
                        ),
                    ));
                }
                let norm = self.phase.norms.as_ref().and_then(|n| n.evaluation_days);
                if let (Some(next), Some(days)) = (next, norm)
                    && self.m.model().rules.is_enabled("evaluation_required")
                    && *next > add_days(self.today, days)
                {
                    return Err(Rejection::new(
                        C::BeyondNorm,
                        format!(
                            "evalueer in fase {} ten minste elke {days} dagen: uiterlijk {}",
                            case.phase,
                            add_days(self.today, days)
                        ),
                    )
                    .under(self.rule("evaluation_required")));
                }
                let next = next.or_else(|| evaluation_date(self.m, self.phase, self.env.at));
                Ok(vec![Event::Evaluated {
                    summary: summary.clone(),
                    next_evaluation: next,
                }])
            }
            Command::FormalDecision {
                decision,
                subject,
                text,
                grondslag,
            } => {
                if case.decisions.contains_key(decision) {
                    return Err(duplicate("besluit", decision));
                }
                non_empty("het onderwerp", subject)?;
                non_empty("het besluit", text)?;
                let kind = self
                    .m
                    .function(self.actor.function.as_str())
                    .map(|f| f.kind);
                if kind != Some(OrganisationKind::Bestuur) {
                    return Err(Rejection::new(
                        C::NotAdministrator,
                        "een formeel besluit wordt genomen door een bestuurder (burgemeester, wethouder, college)",
                    ));
                }
                // Only a bestuurder who is bestuurlijk verantwoordelijk in the current phase, or in
                // a more escalated one (the burgemeester's powers do not wait for AVE 4), decides
                // formally; in AVE 4 that leaves the burgemeester, without delegation.
                let here = self.phase.order;
                let allowed: Vec<FunctionId> = self
                    .m
                    .model()
                    .phases
                    .iter()
                    .filter(|p| p.order >= here)
                    .filter_map(|p| p.regie.bestuurlijk.as_ref())
                    .flat_map(|r| r.holders.iter().cloned())
                    .collect();
                if !allowed.is_empty() && !allowed.contains(&self.actor.function) {
                    let current = self
                        .phase
                        .regie
                        .bestuurlijk
                        .as_ref()
                        .map_or_else(Vec::new, |r| r.holders.clone());
                    return Err(Rejection::new(
                        C::NotAdministrator,
                        format!(
                            "in fase {} is {} bestuurlijk verantwoordelijk; {} is {}",
                            case.phase,
                            names(self.m, &current),
                            self.env.by,
                            self.m.function_name(self.actor.function.as_str())
                        ),
                    )
                    .citing(self.phase.source.as_deref()));
                }
                Ok(vec![Event::FormalDecisionRecorded {
                    decision: decision.clone(),
                    subject: subject.clone(),
                    text: text.clone(),
                    grondslag: grondslag.clone(),
                    function: self.actor.function.clone(),
                }])
            }
            Command::CompleteHandover { task, how: note } => {
                let Some(t) = case.tasks.get(task) else {
                    return Err(Rejection::new(
                        C::UnknownItem,
                        format!("overdracht {task} bestaat niet"),
                    ));
                };
                if t.done.is_some() {
                    return Err(Rejection::new(
                        C::AlreadyDone,
                        format!("overdracht {task} is al gedaan"),
                    ));
                }
                if let Some(holder) = &t.holder
                    && holder != &self.env.by
                {
                    return Err(Rejection::new(
                        C::NotRoleHolder,
                        format!("de overdracht is een taak van {holder}"),
                    ));
                }
                non_empty("de toelichting", note)?;
                Ok(vec![Event::HandoverCompleted {
                    task: task.clone(),
                    note: note.clone(),
                }])
            }
            Command::Close { reason, end_state } => {
                non_empty("de reden", reason)?;
                if let Some((id, _)) = case.open_request() {
                    return Err(Rejection::new(
                        C::CannotClose,
                        format!("handel eerst verzoek {id} af"),
                    ));
                }
                if let Some((id, _)) = case.tasks.iter().find(|(_, t)| t.done.is_none()) {
                    return Err(Rejection::new(
                        C::CannotClose,
                        format!("rond eerst overdracht {id} af"),
                    ));
                }
                let lowest = self.m.phases_in_order().first().map(|p| p.id.clone());
                let in_lowest = lowest.as_ref() == Some(&case.phase);
                if !in_lowest && matches!(end_state, EndState::Afgesloten | EndState::Waakvlam) {
                    return Err(Rejection::new(
                        C::CannotClose,
                        format!(
                            "een casus in fase {} wordt eerst afgeschaald; sluiten als afgesloten of waakvlam kan in fase {}",
                            case.phase,
                            lowest.map_or_else(String::new, |p| p.to_string())
                        ),
                    ));
                }
                Ok(vec![Event::CaseClosed {
                    reason: reason.clone(),
                    end_state: *end_state,
                }])
            }
            other => Err(misrouted(other)),
        }
    }
}
