//! Who holds which role: assigning, reviewing and ending roles under the model and the role rules.

use super::*;

/// The name handover tasks of a change of casusregisseur carry as their "transition".
const CASUSREGIE_CHANGE: &str = "casusregie-wissel";

impl<'a> Cx<'a> {
    /// Handles the roles commands.
    pub(super) fn roles(&self) -> Result<Vec<Event>> {
        let case = self.case;
        match &self.env.command {
            Command::AssignRole {
                role,
                person,
                review,
                reason,
            } => self.assign_role(*role, person, *review, reason.as_deref()),
            Command::ReviewRole {
                role,
                person,
                review,
                reason,
            } => {
                if *role != RoleKind::Procesregie {
                    return Err(Rejection::new(
                        C::NothingToChange,
                        "alleen procesregie heeft een herzieningsdatum",
                    ));
                }
                if case.holding(*role, person).is_none() {
                    return Err(Rejection::new(
                        C::NotRoleHolder,
                        format!("{person} heeft geen {}", role.label().to_lowercase()),
                    ));
                }
                self.may_change_holding(*role, person, false)?;
                non_empty("de reden", reason)?;
                self.check_review(*review)?;
                Ok(vec![Event::RoleReviewed {
                    role: *role,
                    person: person.clone(),
                    review: *review,
                    reason: reason.clone(),
                }])
            }
            Command::EndRole {
                role,
                person,
                reason,
            } => self.end_role(*role, person, reason),
            other => Err(misrouted(other)),
        }
    }

    fn assign_role(
        &self,
        role: RoleKind,
        person: &PersonId,
        review: Option<Date>,
        reason: Option<&str>,
    ) -> Result<Vec<Event>> {
        let case = self.case;
        let p = self.person(person)?;
        let spec = self.phase.regie.role(role);
        if let Some(spec) = spec {
            if spec.nvt {
                return Err(Rejection::new(
                    C::RoleNotApplicable,
                    format!(
                        "{} is in fase {} niet van toepassing",
                        role.label(),
                        case.phase
                    ),
                )
                .citing(self.phase.source.as_deref()));
            }
            if !spec.holders.is_empty() && !spec.holders.contains(&p.function) {
                return Err(Rejection::new(
                    C::FunctionNotPrescribed,
                    format!(
                        "{} ligt in fase {} bij {}; {person} is {}",
                        role.label(),
                        case.phase,
                        names(self.m, &spec.holders),
                        self.m.function_name(p.function.as_str())
                    ),
                )
                .citing(self.phase.source.as_deref()));
            }
            // Where the model adds procesregie by a transition within the phase, it comes only
            // through that transition (its criteria and who decides), never by assignment alone.
            if role == RoleKind::Procesregie
                && spec.when_needed
                && !case.procesregie_added
                && let Some(t) = self
                    .m
                    .transitions_from(case.phase.as_str())
                    .find(|t| t.effect == Some(WithinEffect::ProcesregieToevoegen))
            {
                return Err(Rejection::new(
                    C::PreconditionNotMet,
                    format!(
                        "procesregie wordt in fase {} toegevoegd via overgang {} (voorstel en besluit); die is nog niet genomen",
                        case.phase, t.id
                    ),
                )
                .citing(t.source.as_deref()));
            }
            if !spec.appointed_by.is_empty() && !spec.appointed_by.contains(&self.actor.function) {
                return Err(Rejection::new(
                    C::NotAppointer,
                    format!(
                        "{} wordt in fase {} aangewezen door {}; {} is {}",
                        role.label(),
                        case.phase,
                        names(self.m, &spec.appointed_by),
                        self.env.by,
                        self.m.function_name(self.actor.function.as_str())
                    ),
                )
                .citing(self.phase.source.as_deref()));
            }
            if let Some(meeting) = &spec.appointed_in
                && !self.meeting_since_phase_entry(meeting.as_str())
            {
                return Err(Rejection::new(
                    C::PreconditionNotMet,
                    format!(
                        "{} wordt in fase {} bepaald in een {}; leg dat overleg eerst vast",
                        role.label(),
                        case.phase,
                        self.meeting_name(meeting.as_str())
                    ),
                )
                .citing(self.phase.source.as_deref()));
            }
        }
        if case.holding(role, person).is_some() {
            return Err(Rejection::new(
                C::AlreadyRoleHolder,
                format!("{person} heeft al {}", role.label().to_lowercase()),
            ));
        }
        let rules = &self.m.model().rules;
        let mut holdings = self.current_holdings();
        let mut replaces = None;
        let mut events = Vec::new();
        if role == RoleKind::Casusregie
            && let Some(old) = case.holders(RoleKind::Casusregie).next()
        {
            // There is one casusregisseur: this assignment hands casusregie over.
            replaces = Some(old.person.clone());
            holdings.retain(|h| !(h.role == RoleKind::Casusregie && h.person == old.person));
            if rules.is_enabled("casusregie_continuity") {
                if reason.is_none_or(|r| r.trim().is_empty()) {
                    return Err(Rejection::new(
                        C::RuleCasusregieContinuity,
                        "een wisseling van casusregisseur vraagt een reden (continuïteit in casusregie)",
                    )
                    .under(self.rule("casusregie_continuity")));
                }
                events.push(Event::HandoverCreated {
                    task: self.task_id(&format!(
                        "overdracht-casusregie-{}",
                        case.tasks
                            .values()
                            .filter(|t| t.transition.as_str() == CASUSREGIE_CHANGE)
                            .count()
                            + 1
                    ))?,
                    role,
                    holder: Some(old.person.clone()),
                    text: format!(
                        "Draag de casusregie zorgvuldig over aan {person} (continuïteit in casusregie)."
                    ),
                    transition: ave_model::TransitionId::parse(CASUSREGIE_CHANGE)
                        .map_err(|e| Rejection::new(C::Internal, format!("interne fout: {e}")))?,
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
                    .find(|h| !spec.holders.contains(&h.function))
            {
                replaces = Some(old.person.clone());
                holdings.retain(|h| !(h.role == RoleKind::Procesregie && h.person == old.person));
            }
        }
        let mut review = review;
        if role == RoleKind::Procesregie && rules.is_enabled("procesregie_review") {
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
                    .under(self.rule("procesregie_review")));
                }
                Some(day) => self.check_review(day)?,
            }
        }
        holdings.push(Holding {
            role,
            person: person.clone(),
            function: p.function.clone(),
        });
        rules::check_roles(self.m, &holdings, case.has_minors(self.today))?;
        events.insert(
            0,
            Event::RoleAssigned {
                role,
                person: person.clone(),
                function: p.function.clone(),
                review,
                reason: reason.map(str::to_owned),
                replaces,
            },
        );
        Ok(events)
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
            && (spec.nvt || (!spec.holders.is_empty() && !spec.holders.contains(&h.function)))
        {
            return Ok(());
        }
        let appointers = spec.map_or(&[][..], |s| s.appointed_by.as_slice());
        if appointers.contains(&self.actor.function) {
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
                    names(self.m, appointers),
                    role.label().to_lowercase()
                )
            },
        ))
    }

    /// A review date lies after today and, where the phase has a norm, no further than it.
    fn check_review(&self, review: Date) -> Result<()> {
        let rule = self.rule("procesregie_review");
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
                        self.case.phase
                    ),
                )
                .under(rule));
            }
        }
        Ok(())
    }

    fn end_role(&self, role: RoleKind, person: &PersonId, reason: &str) -> Result<Vec<Event>> {
        let case = self.case;
        let Some(holding) = case.holding(role, person) else {
            return Err(Rejection::new(
                C::NotRoleHolder,
                format!("{person} heeft geen {}", role.label().to_lowercase()),
            ));
        };
        self.may_change_holding(role, person, true)?;
        non_empty("de reden", reason)?;
        // Procesregie this phase added by its transition also ends by its transition.
        if role == RoleKind::Procesregie
            && case.procesregie_added
            && self
                .phase
                .regie
                .procesregie
                .as_ref()
                .is_some_and(|s| s.holders.contains(&holding.function))
            && let Some(t) = self
                .m
                .transitions_from(case.phase.as_str())
                .find(|t| t.effect == Some(WithinEffect::ProcesregieBeeindigen))
        {
            return Err(Rejection::new(
                C::PreconditionNotMet,
                format!(
                    "procesregie eindigt in fase {} via overgang {} (voorstel en besluit)",
                    case.phase, t.id
                ),
            )
            .citing(t.source.as_deref()));
        }
        if role == RoleKind::Casusregie && rules::casusregie_required_here(self.m, &case.phase) {
            return Err(Rejection::new(
                C::RuleCasusregieRequired,
                format!(
                    "in fase {} heeft de casus altijd één benoemde casusregisseur: wijs een opvolger aan (assign-role) in plaats van de rol te beëindigen",
                    case.phase
                ),
            )
            .under(self.rule("casusregie_required")));
        }
        Ok(vec![Event::RoleEnded {
            role,
            person: person.clone(),
            reason: reason.to_owned(),
        }])
    }
}
