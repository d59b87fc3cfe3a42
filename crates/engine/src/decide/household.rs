//! Who is involved: opening a case, participants and household members.

use std::collections::HashSet;

use super::*;
use crate::case::is_minor;
use crate::event::Member;
use crate::rules::{self, Holdings};

/// Opens a case in an entry phase of the model.
pub(super) fn open(model: &ValidModel, env: &Envelope, c: &cmd::Open) -> Result<Vec<Event>> {
    let Some(phase) = model.phase(&c.phase) else {
        return Err(Rejection::new(
            C::UnknownPhase,
            format!("het model kent fase {} niet", c.phase),
        ));
    };
    if !phase.entry {
        let entries: Vec<&str> = model
            .model()
            .phases
            .iter()
            .filter(|p| p.entry)
            .map(|p| p.id.as_str())
            .collect();
        return Err(Rejection::new(
            C::NotEntryPhase,
            format!(
                "een casus kan niet in fase {} beginnen; beginfasen: {}",
                c.phase,
                entries.join(", ")
            ),
        )
        .citing(phase.source.as_deref()));
    }
    non_empty("de reden", &c.reason)?;
    let mut seen = HashSet::new();
    for p in &c.participants {
        if !seen.insert(&p.person) {
            return Err(duplicate("betrokkene", &p.person));
        }
        if model.function(&p.function).is_none() {
            return Err(Rejection::new(
                C::UnknownFunction,
                format!(
                    "het model kent functie {} niet (betrokkene {})",
                    p.function, p.person
                ),
            ));
        }
        non_empty("de naam van een betrokkene", &p.name)?;
    }
    let mut seen = HashSet::new();
    for m in &c.household {
        if !seen.insert(&m.member) {
            return Err(duplicate("gezinslid", &m.member));
        }
        non_empty("de rol in het huishouden", &m.role)?;
    }
    let Some(actor) = c.participants.iter().find(|p| p.person == env.by) else {
        return Err(Rejection::new(
            C::NotParticipant,
            format!(
                "wie de casus opent ({}) moet bij de betrokkenen staan",
                env.by
            ),
        ));
    };
    if !phase.entry_by.is_empty() && !phase.entry_by.contains(&actor.function) {
        return Err(Rejection::new(
            C::NotEntryPhase,
            format!(
                "alleen {} mag een casus in fase {} openen",
                names(model, &phase.entry_by),
                c.phase
            ),
        )
        .citing(phase.source.as_deref()));
    }
    let mut facts = Vec::new();
    for f in &c.facts {
        let Some(fact) = model.fact(&f.fact) else {
            return Err(Rejection::new(
                C::UnknownFact,
                format!("het model kent feit {} niet", f.fact),
            ));
        };
        if fact.derived.is_some() {
            return Err(Rejection::new(
                C::DerivedFact,
                format!(
                    "feit {} wordt afgeleid uit het huishouden; leg de gezinsleden vast",
                    f.fact
                ),
            ));
        }
        non_empty("de onderbouwing van een feit", &f.evidence)?;
        if facts.iter().any(|(id, _)| id == &&f.fact) {
            return Err(duplicate("feit", &f.fact));
        }
        facts.push((&f.fact, &f.evidence));
    }
    let day = local_day(model, env.at);
    if let Some(when) = &phase.entry_when {
        let minors = c
            .household
            .iter()
            .map(Member::from)
            .any(|m| is_minor(&m, day));
        if !entry_holds(model, when, &facts, minors) {
            return Err(Rejection::new(
                C::NotEntryPhase,
                format!(
                    "een casus begint alleen in fase {} als {}; leg dat vast bij het openen (`facts`)",
                    c.phase,
                    entry_words(model, when)
                ),
            )
            .citing(phase.source.as_deref()));
        }
    }
    let md = &model.model().model;
    let mut events = vec![Event::CaseOpened {
        case: c.case.clone(),
        model: md.id.clone(),
        model_version: md.version.clone(),
        phase: c.phase.clone(),
        reason: c.reason.clone(),
        household: c.household.iter().map(Member::from).collect(),
        participants: c.participants.iter().map(Participant::from).collect(),
        next_evaluation: evaluation_date(model, phase, day),
    }];
    events.extend(
        facts
            .into_iter()
            .map(|(fact, evidence)| Event::FactRecorded {
                fact: fact.clone(),
                holds: true,
                evidence: evidence.clone(),
            }),
    );
    Ok(events)
}

/// Whether an entry condition (facts only; validation sees to that) holds on the facts given
/// at opening.
fn entry_holds(
    model: &ValidModel,
    c: &ave_model::Condition,
    facts: &[(&ave_model::FactId, &String)],
    minors: bool,
) -> bool {
    use ave_model::Condition as K;
    match c {
        K::Fact(id) => match model.fact(id).and_then(|f| f.derived) {
            Some(ave_model::DerivedFact::MinderjarigenInHuishouden) => minors,
            None => facts.iter().any(|(f, _)| *f == id),
        },
        K::Any(parts) => parts.iter().any(|p| entry_holds(model, p, facts, minors)),
        K::All(parts) => parts.iter().all(|p| entry_holds(model, p, facts, minors)),
        K::AtLeast(a) => {
            a.of.iter()
                .filter(|p| entry_holds(model, p, facts, minors))
                .count()
                >= a.n as usize
        }
        K::Not(inner) => !entry_holds(model, inner, facts, minors),
        K::Criterion(_) | K::Held(_) => false,
    }
}

/// The facts an entry condition names, for the message.
fn entry_words(model: &ValidModel, c: &ave_model::Condition) -> String {
    use ave_model::Condition as K;
    match c {
        K::Fact(id) => model
            .fact(id)
            .map_or_else(|| id.to_string(), |f| format!("«{}»", f.text)),
        K::Any(parts) => parts
            .iter()
            .map(|p| entry_words(model, p))
            .collect::<Vec<_>>()
            .join(" of "),
        K::All(parts) => parts
            .iter()
            .map(|p| entry_words(model, p))
            .collect::<Vec<_>>()
            .join(" en "),
        K::AtLeast(a) => format!(
            "ten minste {} van: {}",
            a.n,
            a.of.iter()
                .map(|p| entry_words(model, p))
                .collect::<Vec<_>>()
                .join("; ")
        ),
        K::Not(inner) => format!("niet {}", entry_words(model, inner)),
        K::Criterion(id) => id.to_string(),
        K::Held(h) => h.role.key().to_owned(),
    }
}

impl Cx<'_> {
    pub(super) fn add_participant(&self, c: &cmd::AddParticipant) -> Result<Vec<Event>> {
        if self.case.participant(&c.person).is_some() {
            return Err(duplicate("betrokkene", &c.person));
        }
        if self.m.function(&c.function).is_none() {
            return Err(Rejection::new(
                C::UnknownFunction,
                format!("het model kent functie {} niet", c.function),
            ));
        }
        non_empty("de naam", &c.name)?;
        Ok(vec![Event::ParticipantAdded {
            participant: Participant {
                person: c.person.clone(),
                name: c.name.clone(),
                function: c.function.clone(),
                organisation: c.organisation.clone(),
            },
        }])
    }

    pub(super) fn remove_participant(&self, c: &cmd::RemoveParticipant) -> Result<Vec<Event>> {
        let case = self.case;
        self.person(&c.person)?;
        non_empty("de reden", &c.reason)?;
        if let Some(h) = case.current_holdings().find(|h| h.person == c.person) {
            return Err(Rejection::new(
                C::HoldsRole,
                format!(
                    "{} heeft nog {}; draag die eerst over",
                    c.person,
                    h.role.label().to_lowercase()
                ),
            ));
        }
        if case.open_tasks_of(&c.person) > 0 {
            return Err(Rejection::new(
                C::HoldsRole,
                format!(
                    "{} heeft nog een overdracht openstaan; rond die eerst af",
                    c.person
                ),
            ));
        }
        if case.running_goals_of(&c.person) > 0 {
            return Err(Rejection::new(
                C::HoldsRole,
                format!(
                    "{} is nog eigenaar van een lopend doel in het plan",
                    c.person
                ),
            ));
        }
        Ok(vec![Event::ParticipantRemoved {
            person: c.person.clone(),
            reason: c.reason.clone(),
        }])
    }

    pub(super) fn add_member(&self, c: &cmd::AddMember) -> Result<Vec<Event>> {
        if self.case.member(&c.member).is_some() {
            return Err(duplicate("gezinslid", &c.member));
        }
        non_empty("de rol in het huishouden", &c.role)?;
        let new = Member {
            member: c.member.clone(),
            role: c.role.clone(),
            minor: c.minor,
            born: c.born,
        };
        let minors = self.case.has_minors(self.today) || is_minor(&new, self.today);
        let found = rules::check_roles(self.m, &Holdings::of(self.case), minors)?;
        let mut events = vec![Event::MemberAdded { member: new }];
        events.extend(self.rule_deviations(found, c.motivation.as_deref())?);
        Ok(events)
    }

    pub(super) fn remove_member(&self, c: &cmd::RemoveMember) -> Result<Vec<Event>> {
        if self.case.member(&c.member).is_none() {
            return Err(Rejection::new(
                C::UnknownMember,
                format!("gezinslid {} bestaat niet in deze casus", c.member),
            ));
        }
        non_empty("de reden", &c.reason)?;
        let minors = self
            .case
            .members()
            .any(|m| m.member != c.member && is_minor(m, self.today));
        let found = rules::check_roles(self.m, &Holdings::of(self.case), minors)?;
        let mut events = vec![Event::MemberRemoved {
            member: c.member.clone(),
            reason: c.reason.clone(),
        }];
        events.extend(self.rule_deviations(found, c.motivation.as_deref())?);
        Ok(events)
    }
}
