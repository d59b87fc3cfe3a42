//! Identifiers inside a case. They are chosen by the caller (the server generates them, a
//! klantreis names them), so that a command can be retried and a duplicate is refused.
//! Person and member ids are pseudonymous: never a BSN or a name.

use std::fmt;

use serde::{Deserialize, Serialize};

pub use ave_model::ids::IdError;

macro_rules! case_id {
    ($(#[$doc:meta])* $name:ident) => {
        $(#[$doc])*
        #[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
        #[serde(try_from = "String", into = "String")]
        pub struct $name(String);

        impl $name {
            /// Parses an identifier (1–64 letters, digits, `-`, `_`, `.`).
            pub fn parse(s: impl Into<String>) -> Result<Self, IdError> {
                let s = s.into();
                ave_model::ids::check_id(&s)?;
                Ok(Self(s))
            }

            /// The identifier.
            pub fn as_str(&self) -> &str {
                &self.0
            }
        }

        impl TryFrom<String> for $name {
            type Error = IdError;
            fn try_from(s: String) -> Result<Self, IdError> {
                Self::parse(s)
            }
        }

        impl From<$name> for String {
            fn from(id: $name) -> String {
                id.0
            }
        }

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str(&self.0)
            }
        }
    };
}

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
