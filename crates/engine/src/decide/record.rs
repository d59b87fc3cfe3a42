//! What is recorded in a case: signals, criteria, facts, the plan, meetings, evaluations,
//! formal decisions, handovers and closing.

use ave_model::OrganisationKind;

use super::*;
use crate::command::EndState;
use crate::event::{ActionKind, EndState as StoredEnd, GoalStatus};

impl<'a> Cx<'a> {
    pub(super) fn record_signal(&self, c: &cmd::RecordSignal) -> Result<Vec<Event>> {
        if self.case.signal(&c.signal).is_some() {
            return Err(duplicate("signaal", &c.signal));
        }
        non_empty("de bron", &c.source)?;
        non_empty("de tekst", &c.text)?;
        let mut events = vec![Event::SignalRecorded {
            signal: c.signal.clone(),
            source: c.source.clone(),
            category: c.category.clone(),
            text: c.text.clone(),
            triggers: c.triggers.clone(),
        }];
        for t in &c.triggers {
            let Some(trigger) = self.m.trigger(t) else {
                return Err(Rejection::new(
                    C::UnknownTrigger,
                    format!("het model kent trigger {t} niet"),
                ));
            };
            if trigger.phases.is_empty() || trigger.phases.contains(self.case.phase()) {
                events.push(Event::TriggerFired {
                    trigger: t.clone(),
                    signal: Some(c.signal.clone()),
                    phase: self.case.phase().clone(),
                });
            }
        }
        Ok(events)
    }

    pub(super) fn assess_criterion(&self, c: &cmd::AssessCriterion) -> Result<Vec<Event>> {
        if self.m.criterion(&c.criterion).is_none() {
            return Err(Rejection::new(
                C::UnknownCriterion,
                format!("het model kent criterium {} niet", c.criterion),
            ));
        }
        non_empty("de onderbouwing", &c.evidence)?;
        Ok(vec![Event::CriterionAssessed {
            criterion: c.criterion.clone(),
            holds: c.holds,
            evidence: c.evidence.clone(),
        }])
    }

    pub(super) fn record_fact(&self, c: &cmd::RecordFact) -> Result<Vec<Event>> {
        let Some(f) = self.m.fact(&c.fact) else {
            return Err(Rejection::new(
                C::UnknownFact,
                format!("het model kent feit {} niet", c.fact),
            ));
        };
        if f.derived.is_some() {
            return Err(Rejection::new(
                C::DerivedFact,
                format!(
                    "feit {} wordt afgeleid uit het huishouden; leg de gezinsleden vast",
                    c.fact
                ),
            ));
        }
        non_empty("de onderbouwing", &c.evidence)?;
        Ok(vec![Event::FactRecorded {
            fact: c.fact.clone(),
            holds: c.holds,
            evidence: c.evidence.clone(),
        }])
    }

    pub(super) fn set_plan(&self, c: &cmd::SetPlan) -> Result<Vec<Event>> {
        if self.m.phase(&c.phase).is_none() {
            return Err(Rejection::new(
                C::UnknownPhase,
                format!("het model kent fase {} niet", c.phase),
            ));
        }
        non_empty("de samenvatting van het plan", &c.summary)?;
        Ok(vec![Event::PlanSet {
            phase: c.phase.clone(),
            summary: c.summary.clone(),
        }])
    }

    pub(super) fn add_goal(&self, c: &cmd::AddGoal) -> Result<Vec<Event>> {
        if self.case.goal(&c.goal).is_some() {
            return Err(duplicate("doel", &c.goal));
        }
        non_empty("het leefgebied", &c.leefgebied)?;
        non_empty("het doel", &c.text)?;
        self.person(&c.owner)?;
        Ok(vec![Event::GoalAdded {
            goal: c.goal.clone(),
            leefgebied: c.leefgebied.clone(),
            text: c.text.clone(),
            owner: c.owner.clone(),
            due: c.due,
        }])
    }

    pub(super) fn update_goal(&self, c: &cmd::UpdateGoal) -> Result<Vec<Event>> {
        let Some(g) = self.case.goal(&c.goal) else {
            return Err(Rejection::new(
                C::UnknownItem,
                format!("doel {} bestaat niet", c.goal),
            ));
        };
        if g.status != GoalStatus::Lopend {
            return Err(Rejection::new(
                C::AlreadyDone,
                format!("doel {} is al afgerond", c.goal),
            ));
        }
        let status = GoalStatus::from(c.status);
        if status == GoalStatus::Lopend {
            return Err(Rejection::new(
                C::NothingToChange,
                format!("doel {} loopt al; geef behaald of gestopt", c.goal),
            ));
        }
        non_empty("de toelichting", &c.explanation)?;
        Ok(vec![Event::GoalUpdated {
            goal: c.goal.clone(),
            status,
            note: c.explanation.clone(),
        }])
    }

    pub(super) fn add_action(&self, c: &cmd::AddAction) -> Result<Vec<Event>> {
        if self.case.action(&c.action).is_some() {
            return Err(duplicate("afspraak of actie", &c.action));
        }
        non_empty("de tekst", &c.text)?;
        if let Some(owner) = &c.owner {
            self.person(owner)?;
        }
        let known = c
            .werkafspraak
            .as_ref()
            .is_none_or(|w| self.m.agreement(w).is_some());
        Ok(vec![Event::ActionAdded {
            action: c.action.clone(),
            kind: ActionKind::from(c.kind),
            text: c.text.clone(),
            owner: c.owner.clone(),
            due: c.due,
            werkafspraak: c.werkafspraak.clone(),
            werkafspraak_known: known,
        }])
    }

    pub(super) fn complete_action(&self, c: &cmd::CompleteAction) -> Result<Vec<Event>> {
        let Some(a) = self.case.action(&c.action) else {
            return Err(Rejection::new(
                C::UnknownItem,
                format!("actie {} bestaat niet", c.action),
            ));
        };
        if a.done.is_some() {
            return Err(Rejection::new(
                C::AlreadyDone,
                format!("actie {} is al afgerond", c.action),
            ));
        }
        non_empty("de toelichting", &c.result)?;
        Ok(vec![Event::ActionCompleted {
            action: c.action.clone(),
            note: c.result.clone(),
        }])
    }

    pub(super) fn hold_meeting(&self, c: &cmd::HoldMeeting) -> Result<Vec<Event>> {
        if self.case.meeting(&c.meeting).is_some() {
            return Err(duplicate("overleg", &c.meeting));
        }
        if self.m.meeting_kind(&c.kind).is_none() {
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
                    "het model kent overleg {} niet; wel: {}",
                    c.kind,
                    if known.is_empty() {
                        "geen".to_owned()
                    } else {
                        known.join(", ")
                    }
                ),
            ));
        }
        if c.attendees.is_empty() {
            return Err(Rejection::new(C::EmptyText, "een overleg heeft deelnemers"));
        }
        let mut seen = std::collections::HashSet::new();
        for a in &c.attendees {
            self.person(a)?;
            if !seen.insert(a) {
                return Err(duplicate("deelnemer", a));
            }
        }
        Ok(vec![Event::MeetingHeld {
            meeting: c.meeting.clone(),
            kind: c.kind.clone(),
            attendees: c.attendees.clone(),
            decisions: c.decisions.clone(),
        }])
    }

    pub(super) fn evaluate(&self, c: &cmd::Evaluate) -> Result<Vec<Event>> {
        non_empty("de samenvatting", &c.summary)?;
        if let Some(next) = c.next
            && next <= self.today
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
        if let (Some(next), Some(days)) = (c.next, norm)
            && self.on(RuleName::EvaluationRequired)
            && next > add_days(self.today, days)
        {
            return Err(Rejection::new(
                C::BeyondNorm,
                format!(
                    "evalueer in fase {} ten minste elke {days} dagen: uiterlijk {}",
                    self.case.phase(),
                    add_days(self.today, days)
                ),
            )
            .under(self.rule(RuleName::EvaluationRequired)));
        }
        let next = c
            .next
            .or_else(|| evaluation_date(self.m, self.phase, self.today));
        Ok(vec![Event::Evaluated {
            summary: c.summary.clone(),
            next_evaluation: next,
        }])
    }

    pub(super) fn formal_decision(&self, c: &cmd::FormalDecision) -> Result<Vec<Event>> {
        if self.case.decision(&c.decision).is_some() {
            return Err(duplicate("besluit", &c.decision));
        }
        non_empty("het onderwerp", &c.subject)?;
        non_empty("het besluit", &c.text)?;
        match &c.kind {
            Some(kind) => self.decision_of_kind(kind)?,
            None => self.decision_by_administrator()?,
        }
        Ok(vec![Event::FormalDecisionRecorded {
            decision: c.decision.clone(),
            subject: c.subject.clone(),
            text: c.text.clone(),
            grondslag: c.grondslag.clone(),
            function: self.actor.function.clone(),
            kind: c.kind.clone(),
        }])
    }

    /// A decision of a kind the model declares: taken by whom the kind names, in the phases
    /// it names.
    fn decision_of_kind(&self, id: &ave_model::DecisionKindId) -> Result<()> {
        let Some(kind) = self.m.decision_kind(id) else {
            let known: Vec<&str> = self
                .m
                .model()
                .decision_kinds
                .iter()
                .map(|k| k.id.as_str())
                .collect();
            return Err(Rejection::new(
                C::UnknownDecisionKind,
                format!(
                    "het model kent besluit {id} niet; wel: {}",
                    if known.is_empty() {
                        "geen".to_owned()
                    } else {
                        known.join(", ")
                    }
                ),
            ));
        };
        if !kind.phases.is_empty() && !kind.phases.contains(self.case.phase()) {
            return Err(Rejection::new(
                C::WrongPhase,
                format!(
                    "{} wordt genomen in fase {}; de casus staat in fase {}",
                    kind.name,
                    kind.phases
                        .iter()
                        .map(|p| p.as_str())
                        .collect::<Vec<_>>()
                        .join(", "),
                    self.case.phase()
                ),
            )
            .citing(kind.source.as_deref()));
        }
        if let Some(reason) = &kind.deciders_open {
            return Err(Rejection::new(
                C::DeciderOpen,
                format!(
                    "het model legt niet vast wie {} neemt ({reason}); vul dit lokaal in",
                    kind.name
                ),
            )
            .citing(kind.source.as_deref()));
        }
        if !crate::policy::admits(self.m, self.case, &kind.deciders, self.actor) {
            return Err(Rejection::new(
                C::NotAdministrator,
                format!(
                    "{} wordt genomen door {}; {} is {}",
                    kind.name,
                    actor_names(self.m, &kind.deciders),
                    self.env.by,
                    self.function_name(&self.actor.function)
                ),
            )
            .citing(kind.source.as_deref()));
        }
        Ok(())
    }

    /// A formal decision without a kind: by a bestuurder who is bestuurlijk verantwoordelijk
    /// in the current phase, or in a more escalated one (the burgemeester's powers do not
    /// wait for AVE 4); in AVE 4 that leaves the burgemeester, without delegation.
    fn decision_by_administrator(&self) -> Result<()> {
        let kind = self.m.function(&self.actor.function).map(|f| f.kind);
        if kind != Some(OrganisationKind::Bestuur) {
            return Err(Rejection::new(
                C::NotAdministrator,
                "een formeel besluit wordt genomen door een bestuurder (burgemeester, wethouder, college)",
            ));
        }
        let here = self.phase.order;
        let allowed: Vec<FunctionId> = self
            .m
            .model()
            .phases
            .iter()
            .filter(|p| p.order >= here)
            .filter_map(|p| p.regie.bestuurlijk.as_ref())
            .flat_map(|r| self.m.expand(&r.holders))
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
                    self.case.phase(),
                    names(self.m, &current),
                    self.env.by,
                    self.function_name(&self.actor.function)
                ),
            )
            .citing(self.phase.source.as_deref()));
        }
        Ok(())
    }

    pub(super) fn acknowledge_deviation(
        &self,
        c: &cmd::AcknowledgeDeviation,
    ) -> Result<Vec<Event>> {
        let Some(d) = self.case.deviation(&c.deviation) else {
            return Err(Rejection::new(
                C::UnknownItem,
                format!("afwijking {} bestaat niet", c.deviation),
            ));
        };
        if d.seen.is_some() {
            return Err(Rejection::new(
                C::AlreadyDone,
                format!("afwijking {} is al gezien", c.deviation),
            ));
        }
        if !d.seen_by.is_empty() && !self.m.includes(&d.seen_by, &self.actor.function) {
            return Err(Rejection::new(
                C::NotReviewer,
                format!(
                    "afwijking {} wordt gezien door {}; {} is {}",
                    c.deviation,
                    names(self.m, &d.seen_by),
                    self.env.by,
                    self.function_name(&self.actor.function)
                ),
            ));
        }
        if d.by == self.env.by {
            return Err(Rejection::new(
                C::NotReviewer,
                "wie afwijkt, ziet de eigen afwijking niet zelf af; een ander met die functie doet dat",
            ));
        }
        non_empty("de reactie", &c.response)?;
        Ok(vec![Event::DeviationSeen {
            deviation: c.deviation.clone(),
            response: c.response.clone(),
        }])
    }

    pub(super) fn complete_handover(&self, c: &cmd::CompleteHandover) -> Result<Vec<Event>> {
        let Some(t) = self.case.task(&c.task) else {
            return Err(Rejection::new(
                C::UnknownItem,
                format!("overdracht {} bestaat niet", c.task),
            ));
        };
        if t.done.is_some() {
            return Err(Rejection::new(
                C::AlreadyDone,
                format!("overdracht {} is al gedaan", c.task),
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
        non_empty("de toelichting", &c.how)?;
        Ok(vec![Event::HandoverCompleted {
            task: c.task.clone(),
            note: c.how.clone(),
        }])
    }

    pub(super) fn close(&self, c: &cmd::Close) -> Result<Vec<Event>> {
        let case = self.case;
        non_empty("de reden", &c.reason)?;
        if let Some((id, _)) = case.open_request() {
            return Err(Rejection::new(
                C::CannotClose,
                format!("handel eerst verzoek {id} af"),
            ));
        }
        if let Some((id, _)) = case.open_tasks().next() {
            return Err(Rejection::new(
                C::CannotClose,
                format!("rond eerst overdracht {id} af"),
            ));
        }
        let lowest = self.m.phases_in_order().first().map(|p| p.id.clone());
        let in_lowest = lowest.as_ref() == Some(case.phase());
        if !in_lowest && matches!(c.end_state, EndState::Afgesloten | EndState::Waakvlam) {
            return Err(Rejection::new(
                C::CannotClose,
                format!(
                    "een casus in fase {} wordt eerst afgeschaald; sluiten als afgesloten of waakvlam kan in fase {}",
                    case.phase(),
                    lowest.map_or_else(String::new, |p| p.to_string())
                ),
            ));
        }
        Ok(vec![Event::CaseClosed {
            reason: c.reason.clone(),
            end_state: StoredEnd::from(c.end_state),
        }])
    }
}
