//! Who is involved: participants and household members.

use super::*;

impl<'a> Cx<'a> {
    /// Handles the household commands.
    pub(super) fn household(&self) -> Result<Vec<Event>> {
        let case = self.case;
        match &self.env.command {
            Command::AddParticipant {
                person,
                name,
                function,
                organisation,
            } => {
                if case.participants.contains_key(person) {
                    return Err(duplicate("betrokkene", person));
                }
                if self.m.function(function.as_str()).is_none() {
                    return Err(Rejection::new(
                        C::UnknownFunction,
                        format!("het model kent functie {function} niet"),
                    ));
                }
                non_empty("de naam", name)?;
                Ok(vec![Event::ParticipantAdded {
                    participant: Participant {
                        person: person.clone(),
                        name: name.clone(),
                        function: function.clone(),
                        organisation: organisation.clone(),
                    },
                }])
            }
            Command::RemoveParticipant { person, reason } => {
                self.person(person)?;
                non_empty("de reden", reason)?;
                if let Some(h) = case
                    .roles
                    .iter()
                    .find(|h| &h.person == person && h.until.is_none())
                {
                    return Err(Rejection::new(
                        C::HoldsRole,
                        format!(
                            "{person} heeft nog {}; draag die eerst over",
                            h.role.label().to_lowercase()
                        ),
                    ));
                }
                if case
                    .tasks
                    .values()
                    .any(|t| t.done.is_none() && t.holder.as_ref() == Some(person))
                {
                    return Err(Rejection::new(
                        C::HoldsRole,
                        format!("{person} heeft nog een overdracht openstaan; rond die eerst af"),
                    ));
                }
                if case
                    .goals
                    .values()
                    .any(|g| &g.owner == person && g.status == GoalStatus::Lopend)
                {
                    return Err(Rejection::new(
                        C::HoldsRole,
                        format!("{person} is nog eigenaar van een lopend doel in het plan"),
                    ));
                }
                Ok(vec![Event::ParticipantRemoved {
                    person: person.clone(),
                    reason: reason.clone(),
                }])
            }
            Command::AddMember {
                member,
                role,
                minor,
                born,
            } => {
                if case.members.contains_key(member) {
                    return Err(duplicate("gezinslid", member));
                }
                non_empty("de rol in het huishouden", role)?;
                let new = Member {
                    member: member.clone(),
                    role: role.clone(),
                    minor: *minor,
                    born: *born,
                };
                let minors = case.has_minors(self.today) || is_minor(&new, self.today);
                rules::check_roles(self.m, &self.current_holdings(), minors)?;
                Ok(vec![Event::MemberAdded { member: new }])
            }
            Command::RemoveMember { member, reason } => {
                if !case.members.contains_key(member) {
                    return Err(Rejection::new(
                        C::UnknownMember,
                        format!("gezinslid {member} bestaat niet in deze casus"),
                    ));
                }
                non_empty("de reden", reason)?;
                let minors = case
                    .members
                    .values()
                    .any(|m| &m.member != member && is_minor(m, self.today));
                rules::check_roles(self.m, &self.current_holdings(), minors)?;
                Ok(vec![Event::MemberRemoved {
                    member: member.clone(),
                    reason: reason.clone(),
                }])
            }
            other => Err(misrouted(other)),
        }
    }
}
