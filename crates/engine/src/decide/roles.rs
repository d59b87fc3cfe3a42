//! Who holds which role: assigning, reviewing and ending roles under the model and the role
//! rules.

use ave_model::{RoleKind, WithinEffect};

use super::*;
use crate::event::{HandoverCause, RoleEndCause};
use crate::rules::{self, Holdings};

impl<'a> Cx<'a> {
    pub(super) fn assign_role(&self, c: &cmd::AssignRole) -> Result<Vec<Event>> {
        let case = self.case;
        let (role, person) = (c.role, &c.person);
        let p = self.person(person)?;
        let spec = self.phase.regie.role(role);
        if let Some(spec) = spec {
            if spec.nvt {
                return Err(Rejection::new(
                    C::RoleNotApplicable,
                    format!(
                        "{} is in fase {} niet van toepassing",
                        role.label(),
                        case.phase()
                    ),
                )
                .citing(self.phase.source.as_deref()));
            }
            if !spec.holders.is_empty() && !self.m.includes(&spec.holders, &p.function) {
                return Err(Rejection::new(
                    C::FunctionNotPrescribed,
                    format!(
                        "{} ligt in fase {} bij {}; {person} is {}",
                        role.label(),
                        case.phase(),
                        names(self.m, &spec.holders),
                        self.function_name(&p.function)
                    ),
                )
                .citing(self.phase.source.as_deref()));
            }
            // Where the model adds procesregie by a transition within the phase, it comes only
            // through that transition (its criteria and who decides), never by assignment alone.
            if role == RoleKind::Procesregie
                && spec.when_needed
                && !case.procesregie_added()
                && let Some(t) = self
                    .m
                    .transitions_from(case.phase())
                    .find(|t| t.effect == Some(WithinEffect::ProcesregieToevoegen))
            {
                return Err(Rejection::new(
                    C::PreconditionNotMet,
                    format!(
                        "procesregie wordt in fase {} toegevoegd via overgang {} (voorstel en besluit); die is nog niet genomen",
                        case.phase(),
                        t.id
                    ),
                )
                .citing(t.source.as_deref()));
            }
            if !spec.appointed_by.is_empty()
                && !crate::policy::admits(self.m, case, &spec.appointed_by, self.actor)
            {
                return Err(Rejection::new(
                    C::NotAppointer,
                    format!(
                        "{} wordt in fase {} aangewezen door {}; {} is {}",
                        role.label(),
                        case.phase(),
                        actor_names(self.m, &spec.appointed_by),
                        self.env.by,
                        self.function_name(&self.actor.function)
                    ),
                )
                .citing(self.phase.source.as_deref()));
            }
        }
        let mut pending = Vec::new();
        if let Some(r) = spec.and_then(|s| s.appointed_in.as_ref())
            && !case.meeting_after(&r.meeting, case.phase_entry())
        {
            let message = format!(
                "{} wordt in fase {} bepaald in een {}",
                role.label(),
                case.phase(),
                self.meeting_name(&r.meeting)
            );
            match r.strength {
                ave_model::Strength::Moet => {
                    return Err(Rejection::new(
                        C::PreconditionNotMet,
                        format!("{message}; leg dat overleg eerst vast"),
                    )
                    .citing(r.source.as_deref().or(self.phase.source.as_deref())));
                }
                ave_model::Strength::BijVoorkeur => pending.push((
                    crate::event::Requirement::AppointedIn {
                        role: role.into(),
                        meeting: r.meeting.clone(),
                    },
                    r.seen_by.clone(),
                    message,
                )),
                ave_model::Strength::Kan => {}
            }
        }
        if case.holding(role, person).is_some() {
            return Err(Rejection::new(
                C::AlreadyRoleHolder,
                format!("{person} heeft al {}", role.label().to_lowercase()),
            ));
        }
        let mut holdings = Holdings::of(case);
        let mut replaces = None;
        let mut events = Vec::new();
        if role == RoleKind::Casusregie
            && let Some(old) = case.holders(RoleKind::Casusregie).next()
        {
            // There is one casusregisseur: this assignment hands casusregie over.
            replaces = Some(old.person.clone());
            holdings = holdings.without(role, &old.person);
            if self.on(RuleName::CasusregieContinuity) {
                if c.reason.as_deref().is_none_or(|r| r.trim().is_empty()) {
                    return Err(Rejection::new(
                        C::RuleCasusregieContinuity,
                        "een wisseling van casusregisseur vraagt een reden (continuïteit in casusregie)",
                    )
                    .under(self.rule(RuleName::CasusregieContinuity)));
                }
                events.push(Event::HandoverCreated {
                    task: self.task_id(&format!(
                        "overdracht-casusregie-{}",
                        case.casusregie_changes() + 1
                    ))?,
                    role: role.into(),
                    holder: Some(old.person.clone()),
                    text: format!(
                        "Draag de casusregie zorgvuldig over aan {person} (continuïteit in casusregie)."
                    ),
                    cause: HandoverCause::CasusregieChange,
                });
            }
        }
        if role == RoleKind::Procesregie {
            // A procesregisseur from an earlier phase whose function this phase does not
            // prescribe is replaced, not doubled: procesregie passes to the new holder.
            if let Some(spec) = spec
                && !spec.holders.is_empty()
                && let Some(old) = case
                    .holders(RoleKind::Procesregie)
                    .find(|h| !self.m.includes(&spec.holders, &h.function))
            {
                replaces = Some(old.person.clone());
                holdings = holdings.without(role, &old.person);
            }
        }
        let mut review = c.review;
        if role == RoleKind::Procesregie && self.on(RuleName::ProcesregieReview) {
            let days = self
                .phase
                .norms
                .as_ref()
                .and_then(|n| n.procesregie_review_days);
            review = review.or_else(|| days.map(|d| add_days(self.today, d)));
            match review {
                None => {
                    return Err(Rejection::new(
                        C::RuleProcesregieReview,
                        "procesregie is tijdelijk: geef een herzieningsdatum (`review`); het model geeft voor deze fase geen termijn",
                    )
                    .under(self.rule(RuleName::ProcesregieReview)));
                }
                Some(day) => self.check_review(day)?,
            }
        }
        let holdings = holdings.with(role, person, &p.function);
        let found = rules::check_roles(self.m, &holdings, case.has_minors(self.today))?;
        let mut deviations = self.rule_deviations(found, c.motivation.as_deref())?;
        if !pending.is_empty() {
            let more = self.deviations(pending, c.motivation.as_deref())?;
            let base = case.deviation_count() + deviations.len();
            // Number them after the rule deviations.
            for (i, mut e) in more.into_iter().enumerate() {
                if let Event::DeviationRecorded { deviation, .. } = &mut e {
                    *deviation = DeviationId::parse(format!("afwijking-{}", base + i + 1))
                        .map_err(|e| Rejection::new(C::Internal, format!("interne fout: {e}")))?;
                }
                deviations.push(e);
            }
        }
        events.extend(deviations);
        events.insert(
            0,
            Event::RoleAssigned {
                role: role.into(),
                person: person.clone(),
                function: p.function.clone(),
                review,
                reason: c.reason.clone(),
                replaces,
            },
        );
        Ok(events)
    }

    pub(super) fn review_role(&self, c: &cmd::ReviewRole) -> Result<Vec<Event>> {
        if c.role != RoleKind::Procesregie {
            return Err(Rejection::new(
                C::NothingToChange,
                "alleen procesregie heeft een herzieningsdatum",
            ));
        }
        if self.case.holding(c.role, &c.person).is_none() {
            return Err(Rejection::new(
                C::NotRoleHolder,
                format!("{} heeft geen {}", c.person, c.role.label().to_lowercase()),
            ));
        }
        self.may_change_holding(c.role, &c.person, false)?;
        non_empty("de reden", &c.reason)?;
        self.check_review(c.review)?;
        Ok(vec![Event::RoleReviewed {
            role: c.role.into(),
            person: c.person.clone(),
            review: c.review,
            reason: c.reason.clone(),
        }])
    }

    pub(super) fn end_role(&self, c: &cmd::EndRole) -> Result<Vec<Event>> {
        let case = self.case;
        let (role, person) = (c.role, &c.person);
        let Some(holding) = case.holding(role, person) else {
            return Err(Rejection::new(
                C::NotRoleHolder,
                format!("{person} heeft geen {}", role.label().to_lowercase()),
            ));
        };
        self.may_change_holding(role, person, true)?;
        non_empty("de reden", &c.reason)?;
        // Procesregie this phase added by its transition also ends by its transition.
        if role == RoleKind::Procesregie
            && case.procesregie_added()
            && self
                .phase
                .regie
                .procesregie
                .as_ref()
                .is_some_and(|s| self.m.includes(&s.holders, &holding.function))
            && let Some(t) = self
                .m
                .transitions_from(case.phase())
                .find(|t| t.effect == Some(WithinEffect::ProcesregieBeeindigen))
        {
            return Err(Rejection::new(
                C::PreconditionNotMet,
                format!(
                    "procesregie eindigt in fase {} via overgang {} (voorstel en besluit)",
                    case.phase(),
                    t.id
                ),
            )
            .citing(t.source.as_deref()));
        }
        if role == RoleKind::Casusregie && rules::casusregie_required_here(self.m, case.phase()) {
            return Err(Rejection::new(
                C::RuleCasusregieRequired,
                format!(
                    "in fase {} heeft de casus altijd één benoemde casusregisseur: wijs een opvolger aan (assign-role) in plaats van de rol te beëindigen",
                    case.phase()
                ),
            )
            .under(self.rule(RuleName::CasusregieRequired)));
        }
        Ok(vec![Event::RoleEnded {
            role: role.into(),
            person: person.clone(),
            cause: RoleEndCause::Person {
                reason: c.reason.clone(),
            },
        }])
    }

    /// Only the holder, or a function the model says appoints the holder, changes a holding.
    /// A holding the current phase no longer prescribes (left from an earlier phase, or n.v.t.
    /// here) may be ended by anyone involved: that tidies the regie table, it decides nothing.
    fn may_change_holding(&self, role: RoleKind, person: &PersonId, ending: bool) -> Result<()> {
        if &self.env.by == person {
            return Ok(());
        }
        let spec = self.phase.regie.role(role);
        if ending
            && let (Some(spec), Some(h)) = (spec, self.case.holding(role, person))
            && (spec.nvt
                || (!spec.holders.is_empty() && !self.m.includes(&spec.holders, &h.function)))
        {
            return Ok(());
        }
        let appointers = spec.map_or(&[][..], |s| s.appointed_by.as_slice());
        if crate::policy::admits(self.m, self.case, appointers, self.actor) {
            return Ok(());
        }
        Err(Rejection::new(
            C::NotAppointer,
            if appointers.is_empty() {
                format!(
                    "alleen {person} zelf kan deze {} wijzigen",
                    role.label().to_lowercase()
                )
            } else {
                format!(
                    "alleen {person} zelf of {} kan deze {} wijzigen",
                    actor_names(self.m, appointers),
                    role.label().to_lowercase()
                )
            },
        ))
    }

    /// A review date lies after today and, where the phase has a norm, no further than it.
    fn check_review(&self, review: Date) -> Result<()> {
        let rule = self.rule(RuleName::ProcesregieReview);
        if review <= self.today {
            return Err(Rejection::new(
                C::RuleProcesregieReview,
                format!(
                    "de herzieningsdatum ({review}) moet na vandaag ({}) liggen",
                    self.today
                ),
            )
            .under(rule));
        }
        if let Some(days) = self
            .phase
            .norms
            .as_ref()
            .and_then(|n| n.procesregie_review_days)
        {
            let latest = add_days(self.today, days);
            if review > latest {
                return Err(Rejection::new(
                    C::BeyondNorm,
                    format!(
                        "procesregie is tijdelijk: herzien uiterlijk {latest} ({days} dagen, norm van fase {}); {review} is later",
                        self.case.phase()
                    ),
                )
                .under(rule));
            }
        }
        Ok(())
    }
}
