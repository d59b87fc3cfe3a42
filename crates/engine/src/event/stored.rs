//! The value types events are made of. They belong to the stored format, not to the commands
//! or the model format: their serialised names are frozen, and a change to them is a change
//! of schema version (see `docs/events.md`). Conversions from the command and model types
//! live here, so the one place that maps input onto what is stored is visible.

use ave_model::{Date, FunctionId, RoleKind, TransitionId, WithinEffect};
use serde::{Deserialize, Serialize};

use crate::command;
use crate::ids::{MemberId, PersonId, RequestId};

/// A professional or administrator involved in the case, as stored.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Participant {
    /// Pseudonymous id.
    pub person: PersonId,
    /// Display name (a professional's work name; never a resident's).
    pub name: String,
    /// The function the person holds, from the model.
    pub function: FunctionId,
    /// The organisation the person works for.
    pub organisation: String,
}

/// A member of the household, as stored.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Member {
    /// Pseudonymous id (never a BSN or name).
    pub member: MemberId,
    /// Role in the household: ouder, kind, partner, …
    pub role: String,
    /// Whether the member was recorded as a minor.
    #[serde(default)]
    pub minor: bool,
    /// Date of birth, if known.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub born: Option<Date>,
}

/// A role of the regie table, as stored.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Role {
    /// Casusregie.
    Casusregie,
    /// Procesregie.
    Procesregie,
    /// Behandelregie.
    Behandelregie,
    /// Operationeel verantwoordelijk.
    Operationeel,
    /// Bestuurlijk verantwoordelijk.
    Bestuurlijk,
}

/// What a transition within a phase changed, as stored.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Effect {
    /// A procesregisseur is added.
    ProcesregieToevoegen,
    /// The procesregisseur leaves; casusregie stays.
    ProcesregieBeeindigen,
    /// Specialised expertise is brought in.
    ExpertiseToevoegen,
    /// Support goes back to the level of the (wijk)team.
    ExpertiseAfbouwen,
    /// The matter goes to the management (opschalingsoverleg).
    ManagementOpschalen,
}

/// Status of a goal in the plan, as stored.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum GoalStatus {
    /// Being worked on.
    Lopend,
    /// Achieved.
    Behaald,
    /// Stopped without being achieved.
    Gestopt,
}

/// An agreement or an action in the plan, as stored.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum ActionKind {
    /// An agreement between the parties.
    Afspraak,
    /// An action someone will carry out.
    Actie,
}

/// How a case ended, as stored.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum EndState {
    /// No further support needed.
    Afgesloten,
    /// Light, long-term monitoring (waakvlam).
    Waakvlam,
    /// The household moved to another gemeente.
    Verhuisd,
    /// Another reason (given in the reason).
    Anders,
}

/// A requirement of the model that a step deviated from (`bij voorkeur`), as stored.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "kebab-case", deny_unknown_fields)]
pub enum Requirement {
    /// A rule of the model (`rules.<name>`).
    Rule {
        /// The rule's key.
        rule: String,
    },
    /// A consultation of a transition.
    Consult {
        /// The transition.
        transition: TransitionId,
        /// The function to consult.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        function: Option<FunctionId>,
        /// Or the role whose holder to consult.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        role: Option<Role>,
    },
    /// A precondition of a transition (its position in the model's list).
    Precondition {
        /// The transition.
        transition: TransitionId,
        /// Its position, from 0.
        index: u32,
    },
    /// The meeting a transition is decided in.
    DecidedIn {
        /// The transition.
        transition: TransitionId,
        /// The meeting kind.
        meeting: ave_model::MeetingKindId,
    },
    /// The meeting a role holder is appointed in.
    AppointedIn {
        /// The role.
        role: Role,
        /// The meeting kind.
        meeting: ave_model::MeetingKindId,
    },
}

/// What gave rise to a handover duty.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "kebab-case", deny_unknown_fields)]
pub enum HandoverCause {
    /// A transition of the model whose handover duty applies.
    Transition {
        /// The transition.
        transition: TransitionId,
    },
    /// The casusregisseur changed (continuity of casusregie).
    CasusregieChange,
}

/// Why a role holding ended.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "kebab-case", deny_unknown_fields)]
pub enum RoleEndCause {
    /// A person ended it, for this reason.
    Person {
        /// The reason given.
        reason: String,
    },
    /// A transition ended it (procesregie ends with its transition; a phase change hands
    /// governance over).
    Transition {
        /// The transition.
        transition: TransitionId,
        /// The request it was decided on.
        request: RequestId,
    },
}

impl From<RoleKind> for Role {
    fn from(r: RoleKind) -> Self {
        match r {
            RoleKind::Casusregie => Role::Casusregie,
            RoleKind::Procesregie => Role::Procesregie,
            RoleKind::Behandelregie => Role::Behandelregie,
            RoleKind::Operationeel => Role::Operationeel,
            RoleKind::Bestuurlijk => Role::Bestuurlijk,
        }
    }
}

impl From<Role> for RoleKind {
    fn from(r: Role) -> Self {
        match r {
            Role::Casusregie => RoleKind::Casusregie,
            Role::Procesregie => RoleKind::Procesregie,
            Role::Behandelregie => RoleKind::Behandelregie,
            Role::Operationeel => RoleKind::Operationeel,
            Role::Bestuurlijk => RoleKind::Bestuurlijk,
        }
    }
}

impl From<WithinEffect> for Effect {
    fn from(e: WithinEffect) -> Self {
        match e {
            WithinEffect::ProcesregieToevoegen => Effect::ProcesregieToevoegen,
            WithinEffect::ProcesregieBeeindigen => Effect::ProcesregieBeeindigen,
            WithinEffect::ExpertiseToevoegen => Effect::ExpertiseToevoegen,
            WithinEffect::ExpertiseAfbouwen => Effect::ExpertiseAfbouwen,
            WithinEffect::ManagementOpschalen => Effect::ManagementOpschalen,
        }
    }
}

impl From<Effect> for WithinEffect {
    fn from(e: Effect) -> Self {
        match e {
            Effect::ProcesregieToevoegen => WithinEffect::ProcesregieToevoegen,
            Effect::ProcesregieBeeindigen => WithinEffect::ProcesregieBeeindigen,
            Effect::ExpertiseToevoegen => WithinEffect::ExpertiseToevoegen,
            Effect::ExpertiseAfbouwen => WithinEffect::ExpertiseAfbouwen,
            Effect::ManagementOpschalen => WithinEffect::ManagementOpschalen,
        }
    }
}

impl From<&command::Participant> for Participant {
    fn from(p: &command::Participant) -> Self {
        Participant {
            person: p.person.clone(),
            name: p.name.clone(),
            function: p.function.clone(),
            organisation: p.organisation.clone(),
        }
    }
}

impl From<&command::Member> for Member {
    fn from(m: &command::Member) -> Self {
        Member {
            member: m.member.clone(),
            role: m.role.clone(),
            minor: m.minor,
            born: m.born,
        }
    }
}

impl From<command::GoalStatus> for GoalStatus {
    fn from(s: command::GoalStatus) -> Self {
        match s {
            command::GoalStatus::Lopend => GoalStatus::Lopend,
            command::GoalStatus::Behaald => GoalStatus::Behaald,
            command::GoalStatus::Gestopt => GoalStatus::Gestopt,
        }
    }
}

impl From<command::ActionKind> for ActionKind {
    fn from(k: command::ActionKind) -> Self {
        match k {
            command::ActionKind::Afspraak => ActionKind::Afspraak,
            command::ActionKind::Actie => ActionKind::Actie,
        }
    }
}

impl From<command::EndState> for EndState {
    fn from(e: command::EndState) -> Self {
        match e {
            command::EndState::Afgesloten => EndState::Afgesloten,
            command::EndState::Waakvlam => EndState::Waakvlam,
            command::EndState::Verhuisd => EndState::Verhuisd,
            command::EndState::Anders => EndState::Anders,
        }
    }
}
