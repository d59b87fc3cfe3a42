//! Op- and afschalen: proposals, decisions with their authority, criteria and preconditions,
//! and disagreements settled by the arbiter. Whether a step still changes something, who may
//! propose or decide and what is still missing come from [`crate::policy`], the same answers
//! the proposals view gives.

use ave_model::{ArbiterRule, CriterionId, RoleKind, Transition, WithinEffect};

use super::*;
use crate::case::Request;
use crate::condition::{Evaluation, blocked_by_insufficient_alone, criteria_of, evaluate};
use crate::event::{HandoverCause, RoleEndCause};
use crate::ids::RequestId;
use crate::policy::{self, Deciders, Missing, NothingToChange};

impl<'a> Cx<'a> {
    pub(super) fn propose(&self, c: &cmd::Propose) -> Result<Vec<Event>> {
        let case = self.case;
        if case.request(&c.request).is_some() {
            return Err(duplicate("verzoek", &c.request));
        }
        let t = self.transition(&c.transition)?;
        if &t.from != case.phase() {
            return Err(Rejection::new(
                C::WrongPhase,
                format!(
                    "overgang {} vertrekt uit fase {}, de casus staat in fase {}",
                    t.id,
                    t.from,
                    case.phase()
                ),
            ));
        }
        if let Some((open, _)) = case.open_request() {
            return Err(Rejection::new(
                C::RequestPending,
                format!("verzoek {open} wacht nog op een besluit"),
            ));
        }
        self.effect_applies(t)?;
        if !policy::may_propose(self.m, t, &self.actor.function) {
            return Err(Rejection::new(
                C::NotProposer,
                format!(
                    "{} stelt overgang {} voor; {} is {}",
                    names(self.m, &t.proposers),
                    t.id,
                    self.env.by,
                    self.function_name(&self.actor.function)
                ),
            )
            .under(self.rule(RuleName::TransitionAuthority))
            .citing(t.source.as_deref()));
        }
        let own = criteria_of(t);
        for criterion in &c.criteria {
            if self.m.criterion(criterion).is_none() {
                return Err(Rejection::new(
                    C::UnknownCriterion,
                    format!("het model kent criterium {criterion} niet"),
                ));
            }
            if !own.contains(&criterion) {
                return Err(Rejection::new(
                    C::CriterionNotOfTransition,
                    format!("criterium {criterion} hoort niet bij overgang {}", t.id),
                )
                .citing(t.source.as_deref()));
            }
        }
        non_empty("de onderbouwing", &c.evidence)?;
        Ok(vec![Event::TransitionProposed {
            request: c.request.clone(),
            transition: t.id.clone(),
            from: t.from.clone(),
            to: t.to.clone(),
            criteria: c.criteria.clone(),
            evidence: c.evidence.clone(),
        }])
    }

    pub(super) fn decide(&self, c: &cmd::Decide) -> Result<Vec<Event>> {
        let (req, t) = self.open_request_here(&c.request)?;
        non_empty("de reden", &c.reason)?;
        for p in &c.consulted {
            self.person(p)?;
        }
        if self.arbiter().is_some() && self.case.open_disagreement_on(&c.request).is_some() {
            return Err(Rejection::new(
                C::DisagreementOpen,
                "over dit verzoek ligt een meningsverschil voor: de aangewezen beslisser beslist",
            )
            .under(self.rule(RuleName::DisagreementArbiter)));
        }
        self.check_decider(t)?;
        let consulted = self.functions_of(&c.consulted);
        let evaluation = evaluate(self.m, self.case, t, self.today);
        if c.approve {
            self.check_approval(t, req, &evaluation, &consulted)?;
        }
        let mandate = c
            .authority
            .as_ref()
            .filter(|a| !a.trim().is_empty())
            .cloned();
        self.decision(
            &c.request,
            t,
            Decision {
                approve: c.approve,
                reason: &c.reason,
                mandate,
                consulted: &c.consulted,
                consulted_functions: &consulted,
                holding: evaluation.holding,
                arbiter: false,
            },
        )
    }

    pub(super) fn withdraw(&self, c: &cmd::Withdraw) -> Result<Vec<Event>> {
        let req = self.open_request(&c.request)?;
        non_empty("de reden", &c.reason)?;
        if self.case.open_disagreement_on(&c.request).is_some() {
            return Err(Rejection::new(
                C::DisagreementOpen,
                format!(
                    "over verzoek {} ligt een meningsverschil voor: de aangewezen beslisser beslist, intrekken kan niet",
                    c.request
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
            request: c.request.clone(),
            reason: c.reason.clone(),
        }])
    }

    pub(super) fn raise_disagreement(&self, c: &cmd::RaiseDisagreement) -> Result<Vec<Event>> {
        if self.case.disagreement(&c.disagreement).is_some() {
            return Err(duplicate("meningsverschil", &c.disagreement));
        }
        self.open_request(&c.request)?;
        non_empty("de standpunten", &c.positions)?;
        let rule = self.arbiter_rule()?;
        if !rule.parties.is_empty() && !rule.parties.contains(&self.actor.function) {
            return Err(Rejection::new(
                C::NotParty,
                format!(
                    "een meningsverschil over op- of afschalen wordt voorgelegd door {}",
                    names(self.m, &rule.parties)
                ),
            )
            .under(self.rule(RuleName::DisagreementArbiter)));
        }
        if self.case.open_disagreement_on(&c.request).is_some() {
            return Err(Rejection::new(
                C::DisagreementOpen,
                format!(
                    "over verzoek {} ligt al een meningsverschil voor",
                    c.request
                ),
            ));
        }
        Ok(vec![Event::DisagreementRaised {
            disagreement: c.disagreement.clone(),
            request: c.request.clone(),
            positions: c.positions.clone(),
        }])
    }

    pub(super) fn settle(&self, c: &cmd::Settle) -> Result<Vec<Event>> {
        let Some(d) = self.case.disagreement(&c.disagreement) else {
            return Err(Rejection::new(
                C::UnknownItem,
                format!("meningsverschil {} bestaat niet", c.disagreement),
            ));
        };
        if d.settled.is_some() {
            return Err(Rejection::new(
                C::AlreadyDone,
                format!("meningsverschil {} is al beslecht", c.disagreement),
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
                        .map_or("niemand", |a| self.function_name(a))
                ),
            )
            .under(self.rule(RuleName::DisagreementArbiter)));
        }
        non_empty("de reden", &c.reason)?;
        let (req, t) = self.open_request_here(&d.request)?;
        // The arbiter decides in place of the deciders; the condition and preconditions of
        // the transition still hold them to the model.
        let evaluation = evaluate(self.m, self.case, t, self.today);
        if c.approve {
            self.check_approval(t, req, &evaluation, &[])?;
        }
        let mut events = vec![Event::DisagreementSettled {
            disagreement: c.disagreement.clone(),
            approved: c.approve,
            reason: c.reason.clone(),
        }];
        events.extend(self.decision(
            &d.request,
            t,
            Decision {
                approve: c.approve,
                reason: &c.reason,
                mandate: None,
                consulted: &[],
                consulted_functions: &[],
                holding: evaluation.holding,
                arbiter: true,
            },
        )?);
        Ok(events)
    }

    /// The model's arbiter rule, if it is on.
    fn arbiter(&self) -> Option<&'a ArbiterRule> {
        self.m
            .model()
            .rules
            .disagreement_arbiter
            .as_ref()
            .filter(|r| r.enabled)
    }

    fn arbiter_rule(&self) -> Result<&'a ArbiterRule> {
        self.arbiter().ok_or_else(|| {
            Rejection::new(
                C::NoArbiter,
                "het model wijst geen beslisser bij meningsverschil aan (rules.disagreement_arbiter)",
            )
        })
    }

    fn open_request(&self, id: &RequestId) -> Result<&'a Request> {
        let Some(req) = self.case.request(id) else {
            return Err(Rejection::new(
                C::UnknownItem,
                format!("verzoek {id} bestaat niet"),
            ));
        };
        if req.status != crate::case::RequestStatus::Open {
            return Err(Rejection::new(
                C::RequestNotOpen,
                format!("verzoek {id} is al afgehandeld"),
            ));
        }
        Ok(req)
    }

    /// An open request whose transition leaves the case's current phase, with its transition.
    fn open_request_here(&self, id: &RequestId) -> Result<(&'a Request, &'a Transition)> {
        let req = self.open_request(id)?;
        let t = self.transition(&req.transition)?;
        if &t.from != self.case.phase() {
            return Err(Rejection::new(
                C::WrongPhase,
                format!("de casus staat niet meer in fase {}", t.from),
            ));
        }
        Ok((req, t))
    }

    fn transition(&self, id: &ave_model::TransitionId) -> Result<&'a Transition> {
        self.m.transition(id).ok_or_else(|| {
            Rejection::new(
                C::UnknownTransition,
                format!("het model kent overgang {id} niet"),
            )
        })
    }

    fn effect_applies(&self, t: &Transition) -> Result<()> {
        policy::effect_applies(self.case, t).map_err(|why| {
            Rejection::new(
                C::NothingToChange,
                match why {
                    NothingToChange::ProcesregieAlready => {
                        "er is al een procesregisseur (of procesregie is al toegevoegd en wacht op haar houder)"
                            .to_owned()
                    }
                    NothingToChange::NoProcesregie => {
                        "er is geen procesregie om te beëindigen".to_owned()
                    }
                    NothingToChange::AlreadyApplied => format!(
                        "overgang {} is in deze fase al genomen; er verandert niets",
                        t.id
                    ),
                },
            )
        })
    }

    fn check_decider(&self, t: &Transition) -> Result<()> {
        match policy::deciders(self.m, self.case, t) {
            Deciders::Arbiter { .. } => Err(Rejection::new(
                C::ArbiterRuled,
                format!(
                    "over overgang {} heeft de beslisser bij meningsverschil in deze fase al beslist; leg een nieuw meningsverschil voor",
                    t.id
                ),
            )
            .under(self.rule(RuleName::DisagreementArbiter))),
            Deciders::Open { reason } => Err(Rejection::new(
                C::DeciderOpen,
                format!(
                    "het model legt niet vast wie overgang {} besluit ({reason}); vul dit lokaal in",
                    t.id
                ),
            )
            .under(self.rule(RuleName::TransitionAuthority))
            .citing(t.source.as_deref())),
            d if d.admit(&self.actor.function) => Ok(()),
            _ => Err(Rejection::new(
                C::NotDecider,
                format!(
                    "overgang {} wordt besloten door {}; {} is {}",
                    t.id,
                    names(self.m, &t.deciders),
                    self.env.by,
                    self.function_name(&self.actor.function)
                ),
            )
            .under(self.rule(RuleName::TransitionAuthority))
            .citing(t.source.as_deref())),
        }
    }

    /// What an approval needs beyond who decides: the step still changes something, the
    /// condition holds on what this phase established, the criteria are not insufficient
    /// alone, and nothing the model asks first is missing.
    fn check_approval(
        &self,
        t: &Transition,
        req: &Request,
        evaluation: &Evaluation,
        consulted: &[&FunctionId],
    ) -> Result<()> {
        self.effect_applies(t)?;
        if !policy::authority_on(self.m) {
            return Ok(());
        }
        if !evaluation.met {
            return Err(Rejection::new(
                C::ConditionNotMet,
                format!(
                    "de voorwaarde van overgang {} is niet vervuld met wat in deze fase is vastgesteld",
                    t.id
                ),
            )
            .with_condition(evaluation.status.clone())
            .under(self.rule(RuleName::TransitionAuthority))
            .citing(t.source.as_deref()));
        }
        if blocked_by_insufficient_alone(self.m, t, &evaluation.holding) {
            return Err(Rejection::new(
                C::RuleInsufficientAlone,
                format!(
                    "{} is op zichzelf geen reden om op te schalen naar fase {}",
                    self.criteria_texts(&evaluation.holding),
                    t.to
                ),
            )
            .under(self.rule(RuleName::InsufficientAlone)));
        }
        if let Some(first) = policy::missing(t, self.case, Some(req.proposed_seq), consulted)
            .into_iter()
            .next()
        {
            return Err(Rejection::new(
                C::PreconditionNotMet,
                format!("overgang {} vraagt: {}", t.id, self.missing_text(&first)),
            )
            .under(self.rule(RuleName::TransitionAuthority))
            .citing(t.source.as_deref()));
        }
        Ok(())
    }

    fn criteria_texts(&self, ids: &[CriterionId]) -> String {
        ids.iter()
            .map(|c| self.m.criterion(c).map_or(c.as_str(), |c| c.text.as_str()))
            .collect::<Vec<_>>()
            .join("; ")
    }

    fn missing_text(&self, m: &Missing) -> String {
        match m {
            Missing::Plan { text: Some(t), .. }
            | Missing::Meeting { text: Some(t), .. }
            | Missing::Consulted { text: Some(t), .. } => t.clone(),
            Missing::Plan { phase, .. } => format!("eerst een plan (aanpak) voor fase {phase}"),
            Missing::Meeting { meeting, .. } => format!("eerst een {}", self.meeting_name(meeting)),
            Missing::Consulted { function, .. } => {
                format!("eerst overleg met {}", self.function_name(function))
            }
            Missing::DecidedIn { meeting } => format!(
                "besluiten in een {}; leg dat overleg (na het verzoek) eerst vast",
                self.meeting_name(meeting)
            ),
        }
    }

    /// The functions of the people a decider names as consulted.
    fn functions_of(&self, people: &[PersonId]) -> Vec<&'a FunctionId> {
        people
            .iter()
            .filter_map(|p| self.case.participant(p).map(|p| &p.function))
            .collect()
    }

    /// The events of a decision on a request: the decision, then what an approval changes
    /// (the phase, or the effect within it), then the handover duty.
    fn decision(
        &self,
        request: &RequestId,
        t: &Transition,
        d: Decision<'_, 'a>,
    ) -> Result<Vec<Event>> {
        let case = self.case;
        let unconsulted: Vec<FunctionId> = if d.approve {
            t.consult
                .iter()
                .filter(|f| !policy::consulted_here(case, f, d.consulted_functions))
                .cloned()
                .collect()
        } else {
            Vec::new()
        };
        let mut events = vec![Event::TransitionDecided {
            request: request.clone(),
            approved: d.approve,
            function: self.actor.function.clone(),
            mandate: d.mandate,
            reason: d.reason.to_owned(),
            consulted: d.consulted.to_vec(),
            criteria_holding: d.holding,
            arbiter: d.arbiter,
            unconsulted,
        }];
        if !d.approve {
            return Ok(events);
        }
        match t.effect {
            None => {
                let Some(to) = self.m.phase(&t.to) else {
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
                    next_evaluation: evaluation_date(self.m, to, self.today),
                });
            }
            Some(effect) => {
                events.push(Event::EffectApplied {
                    transition: t.id.clone(),
                    effect: effect.into(),
                });
                if effect == WithinEffect::ProcesregieBeeindigen {
                    for h in case.holders(RoleKind::Procesregie) {
                        events.push(Event::RoleEnded {
                            role: RoleKind::Procesregie.into(),
                            person: h.person.clone(),
                            cause: RoleEndCause::Transition {
                                transition: t.id.clone(),
                                request: request.clone(),
                            },
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
                role: h.role.into(),
                holder: Some(holder.person.clone()),
                text: h.text.clone(),
                cause: HandoverCause::Transition {
                    transition: t.id.clone(),
                },
            });
        }
        Ok(events)
    }
}

/// What a decision on a request says.
struct Decision<'d, 'a> {
    approve: bool,
    reason: &'d str,
    mandate: Option<String>,
    consulted: &'d [PersonId],
    consulted_functions: &'d [&'a FunctionId],
    holding: Vec<CriterionId>,
    arbiter: bool,
}
