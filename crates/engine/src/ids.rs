//! Identifiers inside a case. They are chosen by the caller (the server generates them, a
//! klantreis names them), so that a command can be retried and a duplicate is refused.
//! Person and member ids are pseudonymous: never a BSN or a name.

pub use ave_model::ids::IdError;

use ave_model::string_id as case_id;

case_id!(
    /// A case (one household or system).
    CaseId
);
case_id!(
    /// A professional or administrator involved in a case (pseudonymous).
    PersonId
);
case_id!(
    /// A member of the household (pseudonymous).
    MemberId
);
case_id!(
    /// A signal about the household.
    SignalId
);
case_id!(
    /// A goal in the integrated plan.
    GoalId
);
case_id!(
    /// An agreement or action in the integrated plan.
    ActionId
);
case_id!(
    /// A meeting.
    MeetingId
);
case_id!(
    /// A transition request (a proposal to op- or afschalen).
    RequestId
);
case_id!(
    /// A disagreement about op- or afschalen.
    DisagreementId
);
case_id!(
    /// A formal decision (e.g. the burgemeester's).
    DecisionId
);
case_id!(
    /// A handover task created by a transition.
    TaskId
);
case_id!(
    /// A deviation from a `bij voorkeur` requirement, recorded with its motivation.
    DeviationId
);
