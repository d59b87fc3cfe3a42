//! Op- and afschalen: proposals, decisions with their authority, criteria and preconditions, and disagreements settled by the arbiter.

use super::*;

impl<'a> Cx<'a> {
    /// Handles the transitions commands.
    pub(super) fn transitions(&self) -> Result<Vec<Event>> {
        let case = self.case;
        match &self.env.command {
            Command::Propose {
                request,
                transition,
                criteria,
                evidence,
            } => self.propose(request, transition, criteria, evidence),
            Command::Decide {
                request,
                approve,
                reason,
                authority,
                consulted,
            } => self.decide_request(
                request,
                *approve,
                reason,
                authority.as_deref(),
                consulted,
                false,
            ),
            Command::Withdraw { request, reason } => {
                let req = self.open_request(request)?;
                non_empty("de reden", reason)?;
                if case
                    .disagreements
                    .values()
                    .any(|d| &d.request == request && d.settled.is_none())
                {
                    return Err(Rejection::new(
                        C::DisagreementOpen,
                        format!(
                            "over verzoek {request} ligt een meningsverschil voor: de aangewezen beslisser beslist, intrekken kan niet"
                        ),
                    ));
                }
                if req.proposed_by != self.env.by {
                    return Err(Rejection::new(
                        C::NotProposer,
                        "alleen wie het verzoek deed kan het intrekken",
                    ));
                }
                Ok(vec![Event::TransitionWithdrawn {
                    request: request.clone(),
                    reason: reason.clone(),
                }])
            }
            Command::RaiseDisagreement {
                disagreement,
                request,
                positions,
            } => {
                if case.disagreements.contains_key(disagreement) {
                    return Err(duplicate("meningsverschil", disagreement));
                }
                self.open_request(request)?;
                non_empty("de standpunten", positions)?;
                let rule = self.arbiter_rule()?;
                if !rule.parties.is_empty() && !rule.parties.contains(&self.actor.function) {
                    return Err(Rejection::new(
                        C::NotParty,
                        format!(
                            "een meningsverschil over op- of afschalen wordt voorgelegd door {}",
                            names(self.m, &rule.parties)
                        ),
                    )
                    .under(self.rule("disagreement_arbiter")));
                }
                if case
                    .disagreements
                    .values()
                    .any(|d| &d.request == request && d.settled.is_none())
                {
                    return Err(Rejection::new(
                        C::DisagreementOpen,
                        format!("over verzoek {request} ligt al een meningsverschil voor"),
                    ));
                }
                Ok(vec![Event::DisagreementRaised {
                    disagreement: disagreement.clone(),
                    request: request.clone(),
                    positions: positions.clone(),
                }])
            }
            Command::Settle {
                disagreement,
                approve,
                reason,
            } => {
                let Some(d) = case.disagreements.get(disagreement) else {
                    return Err(Rejection::new(
                        C::UnknownItem,
                        format!("meningsverschil {disagreement} bestaat niet"),
                    ));
                };
                if d.settled.is_some() {
                    return Err(Rejection::new(
                        C::AlreadyDone,
                        format!("meningsverschil {disagreement} is al beslecht"),
                    ));
                }
                let rule = self.arbiter_rule()?;
                if rule.arbiter.as_ref() != Some(&self.actor.function) {
                    return Err(Rejection::new(
                        C::NotArbiter,
                        format!(
                            "bij een meningsverschil beslist {}",
                            rule.arbiter
                                .as_ref()
                                .map_or("niemand", |a| self.m.function_name(a.as_str()))
                        ),
                    )
                    .under(self.rule("disagreement_arbiter")));
                }
                let mut events = vec![Event::DisagreementSettled {
                    disagreement: disagreement.clone(),
                    approved: *approve,
                    reason: reason.clone(),
                }];
                events.extend(self.decide_request(
                    &d.request,
                    *approve,
                    reason,
                    None,
                    &[],
                    true,
                )?);
                Ok(events)
            }
            other => Err(misrouted(other)),
        }
    }

    fn arbiter_rule(&self) -> Result<&'a ave_model::ArbiterRule> {
        match &self.m.model().rules.disagreement_arbiter {
            Some(rule) if rule.enabled && rule.arbiter.is_some() => Ok(rule),
            _ => Err(Rejection::new(
                C::NoArbiter,
                "het model wijst niemand aan die beslist bij een meningsverschil over op- of afschalen",
            )),
        }
    }

    fn open_request(&self, id: &RequestId) -> Result<&'a crate::case::Request> {
        let Some(req) = self.case.requests.get(id) else {
            return Err(Rejection::new(
                C::UnknownItem,
                format!("verzoek {id} bestaat niet"),
            ));
        };
        if req.status != RequestStatus::Open {
            return Err(Rejection::new(
                C::RequestNotOpen,
                format!("verzoek {id} is niet meer open"),
            ));
        }
        Ok(req)
    }

    fn transition(&self, id: &str) -> Result<&'a Transition> {
        self.m.transition(id).ok_or_else(|| {
            Rejection::new(
                C::UnknownTransition,
                format!("het model kent overgang {id} niet"),
            )
        })
    }

    fn check_effect_applies(&self, t: &Transition) -> Result<()> {
        let has_proces = self.case.holders(RoleKind::Procesregie).next().is_some();
        match t.effect {
            Some(WithinEffect::ProcesregieBeeindigen)
                if !has_proces && !self.case.procesregie_added =>
            {
                Err(Rejection::new(
                    C::NothingToChange,
                    "er is geen procesregie om te beëindigen",
                ))
            }
            Some(WithinEffect::ProcesregieToevoegen) if has_proces => Err(Rejection::new(
                C::NothingToChange,
                "er is al een procesregisseur",
            )),
            _ => Ok(()),
        }
    }

    fn propose(
        &self,
        request: &RequestId,
        transition: &ave_model::TransitionId,
        criteria: &[ave_model::CriterionId],
        evidence: &str,
    ) -> Result<Vec<Event>> {
        let case = self.case;
        if case.requests.contains_key(request) {
            return Err(duplicate("verzoek", request));
        }
        let t = self.transition(transition.as_str())?;
        if t.from != case.phase {
            return Err(Rejection::new(
                C::WrongPhase,
                format!(
                    "overgang {transition} vertrekt uit fase {}, de casus staat in fase {}",
                    t.from, case.phase
                ),
            ));
        }
        if let Some((open, _)) = case.open_request() {
            return Err(Rejection::new(
                C::RequestPending,
                format!("verzoek {open} wacht nog op een besluit"),
            ));
        }
        self.check_effect_applies(t)?;
        if self.m.model().rules.is_enabled("transition_authority")
            && !t.proposers.is_empty()
            && !t.proposers.contains(&self.actor.function)
            && !t.deciders.contains(&self.actor.function)
        {
            return Err(Rejection::new(
                C::NotProposer,
                format!(
                    "{} stelt overgang {transition} voor; {} is {}",
                    names(self.m, &t.proposers),
                    self.env.by,
                    self.m.function_name(self.actor.function.as_str())
                ),
            )
            .under(self.rule("transition_authority"))
            .citing(t.source.as_deref()));
        }
        let own = crate::condition::criteria_of(t);
        for c in criteria {
            if self.m.criterion(c.as_str()).is_none() {
                return Err(Rejection::new(
                    C::UnknownCriterion,
                    format!("het model kent criterium {c} niet"),
                ));
            }
            if !own.contains(&c) {
                return Err(Rejection::new(
                    C::CriterionNotOfTransition,
                    format!("criterium {c} hoort niet bij overgang {transition}"),
                )
                .citing(t.source.as_deref()));
            }
        }
        non_empty("de onderbouwing", evidence)?;
        Ok(vec![Event::TransitionProposed {
            request: request.clone(),
            transition: transition.clone(),
            from: t.from.clone(),
            to: t.to.clone(),
            criteria: criteria.to_vec(),
            evidence: evidence.to_owned(),
        }])
    }

    fn decide_request(
        &self,
        request: &RequestId,
        approve: bool,
        reason: &str,
        authority: Option<&str>,
        consulted: &[PersonId],
        by_arbiter: bool,
    ) -> Result<Vec<Event>> {
        let case = self.case;
        let req = self.open_request(request)?;
        let t = self.transition(req.transition.as_str())?;
        if t.from != case.phase {
            return Err(Rejection::new(
                C::WrongPhase,
                format!("de casus staat niet meer in fase {}", t.from),
            ));
        }
        non_empty("de reden", reason)?;
        for p in consulted {
            self.person(p)?;
        }
        let rules = &self.m.model().rules;
        let arbiter_on = rules
            .disagreement_arbiter
            .as_ref()
            .is_some_and(|r| r.enabled);
        if !by_arbiter
            && arbiter_on
            && case
                .disagreements
                .values()
                .any(|d| &d.request == request && d.settled.is_none())
        {
            return Err(Rejection::new(
                C::DisagreementOpen,
                "over dit verzoek ligt een meningsverschil voor: de aangewezen beslisser beslist",
            )
            .under(self.rule("disagreement_arbiter")));
        }
        let authority_rule = rules.is_enabled("transition_authority");
        if authority_rule && !by_arbiter {
            if let Some(open) = &t.deciders_open {
                return Err(Rejection::new(
                    C::DeciderOpen,
                    format!(
                        "het model legt niet vast wie overgang {} besluit ({open}); vul dit lokaal in",
                        t.id
                    ),
                )
                .under(self.rule("transition_authority"))
                .citing(t.source.as_deref()));
            }
            if !t.deciders.contains(&self.actor.function) {
                return Err(Rejection::new(
                    C::NotDecider,
                    format!(
                        "overgang {} wordt besloten door {}; {} is {}",
                        t.id,
                        names(self.m, &t.deciders),
                        self.env.by,
                        self.m.function_name(self.actor.function.as_str())
                    ),
                )
                .under(self.rule("transition_authority"))
                .citing(t.source.as_deref()));
            }
        }
        if !by_arbiter && arbiter_on {
            let entry = case.phase_entry();
            let ruled = case.disagreements.values().any(|d| {
                d.settled.as_ref().is_some_and(|s| s.seq > entry)
                    && case
                        .requests
                        .get(&d.request)
                        .is_some_and(|r| r.transition == t.id)
            });
            if ruled {
                return Err(Rejection::new(
                    C::ArbiterRuled,
                    format!(
                        "over overgang {} heeft de beslisser bij meningsverschil in deze fase al beslist; leg een nieuw meningsverschil voor",
                        t.id
                    ),
                )
                .under(self.rule("disagreement_arbiter")));
            }
        }
        let evaluation = evaluate(self.m, case, t, self.today);
        if approve && authority_rule {
            self.check_effect_applies(t)?;
            if !evaluation.met {
                return Err(Rejection::new(
                    C::ConditionNotMet,
                    format!(
                        "de voorwaarde van overgang {} is niet vervuld met wat in deze fase is vastgesteld — {}",
                        t.id,
                        crate::views::condition_status(self.m, case, t, self.today)
                    ),
                )
                .under(self.rule("transition_authority"))
                .citing(t.source.as_deref()));
            }
            if blocked_by_insufficient_alone(self.m, t, &evaluation.holding) {
                return Err(Rejection::new(
                    C::RuleInsufficientAlone,
                    format!(
                        "{} is op zichzelf geen reden om op te schalen naar fase {}",
                        evaluation
                            .holding
                            .iter()
                            .map(|c| self
                                .m
                                .criterion(c.as_str())
                                .map_or(c.as_str(), |c| c.text.as_str()))
                            .collect::<Vec<_>>()
                            .join("; "),
                        t.to
                    ),
                )
                .under(self.rule("insufficient_alone")));
            }
            for pre in &t.preconditions {
                self.precondition(t, pre, consulted)?;
            }
            // Decided *in* the meeting: it took place after the request was made.
            if let Some(meeting) = &t.decided_in
                && !case
                    .meetings
                    .values()
                    .any(|m| &m.kind == meeting && m.seq > req.proposed_seq)
            {
                return Err(Rejection::new(
                    C::PreconditionNotMet,
                    format!(
                        "overgang {} wordt besloten in een {}; leg dat overleg (na het verzoek) eerst vast",
                        t.id,
                        self.meeting_name(meeting.as_str())
                    ),
                )
                .under(self.rule("transition_authority"))
                .citing(t.source.as_deref()));
            }
        }
        let consulted_functions = self.consulted_functions(consulted);
        let unconsulted: Vec<FunctionId> = if approve {
            t.consult
                .iter()
                .filter(|f| !consulted_functions.contains(f))
                .cloned()
                .collect()
        } else {
            Vec::new()
        };
        let md = &self.m.model().model;
        let mut authority_text = format!(
            "{} volgens {} versie {}, overgang {}",
            self.m.function_name(self.actor.function.as_str()),
            md.name,
            md.version,
            t.id
        );
        if by_arbiter {
            authority_text.push_str(" (beslisser bij meningsverschil)");
        }
        if let Some(a) = authority.filter(|a| !a.trim().is_empty()) {
            authority_text.push_str("; ");
            authority_text.push_str(a);
        }
        let mut events = vec![Event::TransitionDecided {
            request: request.clone(),
            approved: approve,
            function: self.actor.function.clone(),
            authority: authority_text,
            reason: reason.to_owned(),
            consulted: consulted.to_vec(),
            criteria_holding: evaluation.holding,
            arbiter: by_arbiter,
            unconsulted,
        }];
        if !approve {
            return Ok(events);
        }
        match t.effect {
            None => {
                let Some(to) = self.m.phase(t.to.as_str()) else {
                    return Err(Rejection::new(
                        C::UnknownPhase,
                        format!("het model kent fase {} niet", t.to),
                    ));
                };
                events.push(Event::PhaseChanged {
                    from: t.from.clone(),
                    to: t.to.clone(),
                    transition: t.id.clone(),
                    request: request.clone(),
                    next_evaluation: evaluation_date(self.m, to, self.env.at),
                });
            }
            Some(effect) => {
                events.push(Event::EffectApplied {
                    transition: t.id.clone(),
                    effect,
                });
                if effect == WithinEffect::ProcesregieBeeindigen {
                    for h in case.holders(RoleKind::Procesregie) {
                        events.push(Event::RoleEnded {
                            role: RoleKind::Procesregie,
                            person: h.person.clone(),
                            reason: format!("procesregie beëindigd bij overgang {}", t.id),
                        });
                    }
                }
            }
        }
        // The handover duty falls on whoever holds the role now; with nobody holding it there
        // is nothing to hand over.
        if let Some(h) = &t.handover
            && let Some(holder) = case.holders(h.role).next()
        {
            events.push(Event::HandoverCreated {
                task: self.task_id(&format!("overdracht-{request}"))?,
                role: h.role,
                holder: Some(holder.person.clone()),
                text: h.text.clone(),
                transition: t.id.clone(),
            });
        }
        Ok(events)
    }

    /// The functions consulted for a decision: named in it, or present at a meeting held
    /// since the case entered its current phase.
    fn consulted_functions(&self, consulted: &[PersonId]) -> Vec<&'a FunctionId> {
        let case = self.case;
        let entry = case.phase_entry();
        consulted
            .iter()
            .chain(
                case.meetings
                    .values()
                    .filter(|m| m.seq > entry)
                    .flat_map(|m| m.attendees.iter()),
            )
            .filter_map(|p| case.participants.get(p).map(|p| &p.function))
            .collect()
    }

    fn precondition(
        &self,
        t: &Transition,
        pre: &Precondition,
        consulted: &[PersonId],
    ) -> Result<()> {
        let case = self.case;
        let entry = case.phase_entry();
        let (ok, what) = match pre {
            Precondition::Plan { phase, text } => (
                case.plans
                    .iter()
                    .any(|p| &p.phase == phase && p.seq > entry),
                text.clone()
                    .unwrap_or_else(|| format!("eerst een plan (aanpak) voor fase {phase}")),
            ),
            Precondition::Meeting { meeting, text } => (
                case.meetings
                    .values()
                    .any(|m| &m.kind == meeting && m.seq > entry),
                text.clone().unwrap_or_else(|| {
                    let name = self
                        .m
                        .meeting_kind(meeting.as_str())
                        .map_or(meeting.as_str(), |k| k.name.as_str());
                    format!("eerst een {name}")
                }),
            ),
            Precondition::Consulted { function, text } => (
                self.consulted_functions(consulted).contains(&function),
                text.clone().unwrap_or_else(|| {
                    format!(
                        "eerst overleg met {}",
                        self.m.function_name(function.as_str())
                    )
                }),
            ),
        };
        if ok {
            return Ok(());
        }
        Err(Rejection::new(
            C::PreconditionNotMet,
            format!("overgang {} vraagt: {what}", t.id),
        )
        .under(self.rule("transition_authority"))
        .citing(t.source.as_deref()))
    }
}
