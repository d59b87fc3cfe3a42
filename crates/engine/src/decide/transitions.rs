//! Op- and afschalen: proposals, decisions with their authority, criteria and preconditions,
//! and disagreements settled by the arbiter. Whether a step still changes something, who may
//! propose or decide and what is still missing come from [`crate::policy`], the same answers
//! the proposals view gives.

use ave_model::{ArbiterRule, CriterionId, RoleKind, Strength, Transition, WithinEffect};

use super::*;
use crate::case::Request;
use crate::condition::{Evaluation, criteria_of, evaluate};
use crate::event::{HandoverCause, RoleEndCause};
use crate::ids::RequestId;
use crate::policy::{self, Consulted, Deciders, Need, NothingToChange};

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
        if !policy::may_propose(self.m, case, t, self.actor) {
            return Err(Rejection::new(
                C::NotProposer,
                format!(
                    "{} stelt overgang {} voor; {} is {}",
                    actor_names(self.m, &t.proposers),
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
        let who = Consulted {
            decider: Some(self.actor),
            named: &c.consulted,
        };
        let evaluation = evaluate(self.m, self.case, t, self.today);
        let deviations = if c.approve {
            self.check_approval(t, req, &evaluation, who, c.motivation.as_deref())?
        } else {
            Vec::new()
        };
        let mandate = c
            .authority
            .as_ref()
            .filter(|a| !a.trim().is_empty())
            .cloned();
        let mut events = self.decision(
            &c.request,
            t,
            Decision {
                approve: c.approve,
                reason: &c.reason,
                mandate,
                consulted: &c.consulted,
                who,
                holding: evaluation.holding,
                arbiter: false,
            },
        )?;
        events.extend(deviations);
        Ok(events)
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
        if !rule.parties.is_empty() && !policy::admits(self.m, self.case, &rule.parties, self.actor)
        {
            return Err(Rejection::new(
                C::NotParty,
                format!(
                    "een meningsverschil over op- of afschalen wordt voorgelegd door {}",
                    actor_names(self.m, &rule.parties)
                ),
            )
            .under(self.rule(RuleName::DisagreementArbiter)));
        }
        // The arbiter is a role in the case that nobody holds: the disagreement would hold
        // the request (and the case) still. (An arbiter by function may join the case later.)
        if let Some(arbiter @ ave_model::Actor::Role { role }) = &rule.arbiter
            && self.case.holders(*role).next().is_none()
        {
            return Err(Rejection::new(
                C::NoArbiter,
                format!(
                    "niemand kan dit meningsverschil beslechten: {} beslist en die rol heeft nu niemand in de casus",
                    actor_names(self.m, std::slice::from_ref(arbiter))
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
        let is_arbiter = rule.arbiter.as_ref().is_some_and(|a| {
            policy::admits(self.m, self.case, std::slice::from_ref(a), self.actor)
        });
        if !is_arbiter {
            return Err(Rejection::new(
                C::NotArbiter,
                format!(
                    "bij een meningsverschil beslist {}",
                    rule.arbiter.as_ref().map_or_else(
                        || "niemand".to_owned(),
                        |a| ave_model::render::actor(self.m, a)
                    )
                ),
            )
            .under(self.rule(RuleName::DisagreementArbiter)));
        }
        non_empty("de reden", &c.reason)?;
        let (req, t) = self.open_request_here(&d.request)?;
        // The arbiter decides in place of the deciders; the condition and preconditions of
        // the transition still hold them to the model.
        let who = Consulted {
            decider: Some(self.actor),
            named: &[],
        };
        let evaluation = evaluate(self.m, self.case, t, self.today);
        let deviations = if c.approve {
            self.check_approval(t, req, &evaluation, who, c.motivation.as_deref())?
        } else {
            Vec::new()
        };
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
                who,
                holding: evaluation.holding,
                arbiter: true,
            },
        )?);
        events.extend(deviations);
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
        policy::effect_applies(self.m, self.case, t).map_err(|why| {
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
            d if d.admit(self.m, self.case, self.actor) => Ok(()),
            _ => Err(Rejection::new(
                C::NotDecider,
                format!(
                    "overgang {} wordt besloten door {}; {} is {}",
                    t.id,
                    actor_names(self.m, &t.deciders),
                    self.env.by,
                    self.function_name(&self.actor.function)
                ),
            )
            .under(self.rule(RuleName::TransitionAuthority))
            .citing(t.source.as_deref())),
        }
    }

    /// What an approval needs beyond who decides: the step still changes something, the
    /// condition holds on what this phase established, and nothing the model asks first is
    /// missing — refused for what it asks `moet`, recorded as a deviation (with the
    /// motivation it then requires) for what it asks `bij voorkeur`. Returns the deviation
    /// events.
    fn check_approval(
        &self,
        t: &Transition,
        req: &Request,
        evaluation: &Evaluation,
        who: Consulted<'_>,
        motivation: Option<&str>,
    ) -> Result<Vec<Event>> {
        self.effect_applies(t)?;
        if !policy::authority_on(self.m) {
            return Ok(Vec::new());
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
        let missing = policy::missing(
            self.m,
            self.case,
            t,
            Some(req.proposed_seq),
            who,
            self.today,
        );
        let mut preferred = Vec::new();
        for m in missing {
            let text = self.missing_text(&m.need, &evaluation.holding, t);
            match m.strength {
                Strength::Moet if m.need == Need::InsufficientAlone => {
                    return Err(Rejection::new(C::RuleInsufficientAlone, text)
                        .under(self.rule(RuleName::InsufficientAlone)));
                }
                Strength::Moet => {
                    return Err(Rejection::new(
                        C::PreconditionNotMet,
                        format!("overgang {} vraagt: {text}", t.id),
                    )
                    .under(self.rule(RuleName::TransitionAuthority))
                    .citing(t.source.as_deref()));
                }
                Strength::BijVoorkeur => preferred.push((m.requirement, m.seen_by, text)),
                Strength::Kan => {}
            }
        }
        self.deviations(preferred, motivation)
    }

    fn missing_text(&self, need: &Need, holding: &[CriterionId], t: &Transition) -> String {
        match need {
            Need::Plan { text: Some(x), .. }
            | Need::Meeting { text: Some(x), .. }
            | Need::Consulted { text: Some(x), .. }
            | Need::RoleHeld { text: Some(x), .. } => x.clone(),
            Need::Plan { phase, .. } => format!("eerst een plan (aanpak) voor fase {phase}"),
            Need::Meeting { meeting, .. } => format!("eerst een {}", self.meeting_name(meeting)),
            Need::Consulted { actor, .. } => format!(
                "eerst overleg met {}",
                ave_model::render::actor(self.m, actor)
            ),
            Need::RoleHeld { role, by, .. } => {
                if by.is_empty() {
                    format!(
                        "eerst een {} in de casus",
                        ave_model::render::role_holder(*role)
                    )
                } else {
                    format!(
                        "eerst {} als {} in de casus",
                        names(self.m, by),
                        ave_model::render::role_holder(*role)
                    )
                }
            }
            Need::DecidedIn { meeting } => format!(
                "besluiten in een {}; leg dat overleg (na het verzoek) eerst vast",
                self.meeting_name(meeting)
            ),
            Need::InsufficientAlone => format!(
                "{} is op zichzelf geen reden om op te schalen naar fase {}",
                self.criteria_texts(holding),
                t.to
            ),
        }
    }

    fn criteria_texts(&self, ids: &[CriterionId]) -> String {
        ids.iter()
            .map(|c| self.m.criterion(c).map_or(c.as_str(), |c| c.text.as_str()))
            .collect::<Vec<_>>()
            .join("; ")
    }

    /// The events of a decision on a request: the decision, then what an approval changes
    /// (the phase, or the effect within it), then the handover duty.
    fn decision(&self, request: &RequestId, t: &Transition, d: Decision<'_>) -> Result<Vec<Event>> {
        let case = self.case;
        // What the model asks to consult (and applies now) that the decision did not: only
        // `bij voorkeur` ones can get here unconsulted (with a motivation).
        let unconsulted: Vec<FunctionId> = if d.approve {
            t.consult
                .iter()
                .filter(|c| c.strength != Strength::Kan)
                .filter(|c| {
                    c.when
                        .as_ref()
                        .is_none_or(|w| crate::condition::holds(self.m, case, w, self.today))
                })
                .filter_map(|c| c.function.clone())
                .filter(|f| {
                    !policy::consulted(self.m, case, &ave_model::Actor::Function(f.clone()), d.who)
                })
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
                events.extend(self.governance_handover(request, t, to));
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
        // Each handover duty falls on whoever holds the role now (and applies only when its
        // condition holds); with nobody holding it there is nothing to hand over.
        let mut taken: Vec<TaskId> = Vec::new();
        for (i, h) in t.handover.iter().enumerate() {
            if h.when
                .as_ref()
                .is_some_and(|w| !crate::condition::holds(self.m, case, w, self.today))
            {
                continue;
            }
            let Some(holder) = case.holders(h.role).next() else {
                continue;
            };
            let wanted = if i == 0 {
                format!("overdracht-{request}")
            } else {
                format!("overdracht-{request}-{}", h.role.key())
            };
            let mut task = self.task_id(&wanted)?;
            if taken.contains(&task) {
                task = self.task_id(&format!("{wanted}-{i}"))?;
            }
            taken.push(task.clone());
            events.push(Event::HandoverCreated {
                task,
                role: h.role.into(),
                holder: Some(holder.person.clone()),
                text: h.text.clone(),
                cause: HandoverCause::Transition {
                    transition: t.id.clone(),
                },
            });
            // Procesregie handed over into a phase where it exists only when needed: the
            // handover itself is the need, so the next procesregisseur can take it over.
            if h.role == RoleKind::Procesregie
                && t.effect.is_none()
                && self
                    .m
                    .phase(&t.to)
                    .and_then(|p| p.regie.procesregie.as_ref())
                    .is_some_and(|s| s.when_needed && !s.holders.is_empty())
                && let Some(pos) = events
                    .iter()
                    .position(|e| matches!(e, Event::PhaseChanged { .. }))
            {
                events.insert(
                    pos + 1,
                    Event::EffectApplied {
                        transition: t.id.clone(),
                        effect: WithinEffect::ProcesregieToevoegen.into(),
                    },
                );
            }
        }
        Ok(events)
    }

    /// Governance passes with the phase: operational and administrative responsibility held
    /// under a function the new phase does not prescribe (or where it does not apply) ends
    /// with the transition, visibly, so responsibilities do not pile up.
    fn governance_handover(
        &self,
        request: &RequestId,
        t: &Transition,
        to: &ave_model::Phase,
    ) -> Vec<Event> {
        let mut out = Vec::new();
        for role in [RoleKind::Operationeel, RoleKind::Bestuurlijk] {
            let Some(spec) = to.regie.role(role) else {
                continue;
            };
            if spec.open.is_some() {
                continue;
            }
            for h in self.case.holders(role) {
                let prescribed = !spec.nvt && self.m.includes(&spec.holders, &h.function);
                if !prescribed {
                    out.push(Event::RoleEnded {
                        role: role.into(),
                        person: h.person.clone(),
                        cause: RoleEndCause::Transition {
                            transition: t.id.clone(),
                            request: request.clone(),
                        },
                    });
                }
            }
        }
        out
    }
}

/// What a decision on a request says.
struct Decision<'d> {
    approve: bool,
    reason: &'d str,
    mandate: Option<String>,
    consulted: &'d [PersonId],
    who: Consulted<'d>,
    holding: Vec<CriterionId>,
    arbiter: bool,
}
