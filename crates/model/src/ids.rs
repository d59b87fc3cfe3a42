//! Identifiers used inside a model: short, stable, human-written keys such as `2A`,
//! `procesregisseur-zvh` or `2-naar-3`. They are parsed once at the edge and are valid
//! from then on.

use schemars::JsonSchema;

/// The longest identifier accepted. Identifiers are keys, not prose.
pub const MAX_ID_LEN: usize = 64;

/// Why a string is not a valid identifier.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum IdError {
    /// The string is empty.
    #[error("een id mag niet leeg zijn")]
    Empty,
    /// The string is longer than [`MAX_ID_LEN`].
    #[error("een id is hoogstens {MAX_ID_LEN} tekens lang (deze heeft er {0})")]
    TooLong(usize),
    /// The string holds a character outside letters, digits, `-`, `_` and `.`.
    #[error(
        "een id bestaat uit letters, cijfers, '-', '_' en '.', en begint met een letter of cijfer: {0:?}"
    )]
    BadCharacter(String),
    /// Nine digits that pass the BSN check (elfproef): ids are pseudonyms, never a BSN.
    #[error("een id mag geen burgerservicenummer zijn: gebruik een pseudoniem")]
    LooksLikeBsn,
}

/// Checks the common shape of every identifier.
pub fn check_id(s: &str) -> Result<(), IdError> {
    let mut chars = s.chars();
    let Some(first) = chars.next() else {
        return Err(IdError::Empty);
    };
    let len = s.chars().count();
    if len > MAX_ID_LEN {
        return Err(IdError::TooLong(len));
    }
    let ok_rest = |c: char| c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.');
    if !first.is_ascii_alphanumeric() || !chars.all(ok_rest) {
        return Err(IdError::BadCharacter(s.to_owned()));
    }
    if looks_like_bsn(s) {
        return Err(IdError::LooksLikeBsn);
    }
    Ok(())
}

/// Whether `s` is nine digits that pass the BSN's check (the elfproef: 9·d1 + 8·d2 + … +
/// 2·d8 − d9 is a multiple of 11, and not all zeros). Such an id would put a citizen's
/// number in the events, the URLs and the logs.
pub fn looks_like_bsn(s: &str) -> bool {
    let digits: Vec<i64> = s.bytes().map(|b| i64::from(b) - i64::from(b'0')).collect();
    if digits.len() != 9 || digits.iter().any(|d| !(0..=9).contains(d)) {
        return false;
    }
    if digits.iter().all(|d| *d == 0) {
        return false;
    }
    let sum: i64 = digits[..8]
        .iter()
        .zip((2..=9).rev())
        .map(|(d, w)| d * w)
        .sum::<i64>()
        - digits[8];
    sum % 11 == 0
}

/// Defines a string identifier newtype: parsed once with [`check_id`], serialised as a plain
/// string. Attributes given before the name (doc comments, extra derives) are passed on. Used
/// here for the model's ids and by the engine for the ids inside a case.
#[macro_export]
macro_rules! string_id {
    ($(#[$attr:meta])* $name:ident) => {
        $(#[$attr])*
        #[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, ::serde::Serialize, ::serde::Deserialize)]
        #[serde(try_from = "String", into = "String")]
        pub struct $name(::std::sync::Arc<str>);

        impl $name {
            /// Parses an identifier (1–64 letters, digits, `-`, `_`, `.`).
            pub fn parse(s: impl Into<String>) -> Result<Self, $crate::ids::IdError> {
                let s: String = s.into();
                $crate::ids::check_id(&s)?;
                Ok(Self(::std::sync::Arc::from(s)))
            }

            /// The identifier as written.
            pub fn as_str(&self) -> &str {
                &self.0
            }
        }

        impl TryFrom<String> for $name {
            type Error = $crate::ids::IdError;
            fn try_from(s: String) -> Result<Self, $crate::ids::IdError> {
                Self::parse(s)
            }
        }

        impl From<$name> for String {
            fn from(id: $name) -> String {
                id.0.to_string()
            }
        }

        impl ::std::fmt::Display for $name {
            fn fmt(&self, f: &mut ::std::fmt::Formatter<'_>) -> ::std::fmt::Result {
                f.write_str(&self.0)
            }
        }

        impl AsRef<str> for $name {
            fn as_ref(&self) -> &str {
                &self.0
            }
        }

        impl ::std::borrow::Borrow<str> for $name {
            fn borrow(&self) -> &str {
                &self.0
            }
        }
    };
}

/// A model identifier: a [`string_id!`] with a JSON Schema.
macro_rules! id_type {
    ($(#[$doc:meta])* $name:ident) => {
        string_id!(
            $(#[$doc])*
            #[derive(JsonSchema)]
            #[schemars(with = "IdSchema")]
            $name
        );
    };
}

/// JSON Schema of every identifier type.
#[derive(JsonSchema)]
#[schemars(transparent)]
struct IdSchema(
    #[schemars(
        length(min = 1, max = 64),
        regex(pattern = r"^[A-Za-z0-9][A-Za-z0-9._-]*$")
    )]
    #[expect(dead_code, reason = "only its schema is used")]
    String,
);

id_type!(
    /// Identifies a model (`noord-limburg`, `oss`, a gemeente's own id).
    ModelId
);
id_type!(
    /// Identifies a function: a role in an organisation, such as `procesregisseur-zvh`.
    FunctionId
);
id_type!(
    /// Identifies a phase: free-form, as the local model numbers it (`1`, `2A`, `0`).
    PhaseId
);
id_type!(
    /// Identifies a criterion for op- or afschalen.
    CriterionId
);
id_type!(
    /// Identifies a transition between phases or within one.
    TransitionId
);
id_type!(
    /// Identifies a fact about a household, such as `minderjarigen` or `media-aandacht`.
    FactId
);
id_type!(
    /// Identifies a trigger: a situation that obliges informing people or checking escalation.
    TriggerId
);
id_type!(
    /// Identifies a werkafspraak (local agreement, route or protocol).
    AgreementId
);
id_type!(
    /// Identifies a kind of meeting (MDO, COM, triage, …).
    MeetingKindId
);
id_type!(
    /// Identifies a leading principle of a model.
    PrincipleId
);
id_type!(
    /// Identifies a kind of formal decision (huisverbod, …).
    DecisionKindId
);

#[cfg(test)]
mod tests {

    #[test]
    fn an_id_that_is_a_bsn_is_refused_and_other_numbers_are_not() {
        // 111222333 and 123456782 pass the elfproef; 123456789 does not.
        for bsn in ["111222333", "123456782"] {
            assert!(looks_like_bsn(bsn), "{bsn}");
            assert_eq!(check_id(bsn), Err(IdError::LooksLikeBsn));
        }
        for fine in [
            "123456789",
            "12345678",
            "1234567820",
            "000000000",
            "lid-123456782",
            "2A",
        ] {
            assert!(check_id(fine).is_ok(), "{fine}");
        }
    }

    use super::*;

    #[test]
    fn accepts_phase_ids_as_local_models_write_them() {
        for s in ["1", "2A", "0", "ave-4", "2.b", "procesregisseur_zvh"] {
            assert!(PhaseId::parse(s).is_ok(), "{s}");
        }
    }

    #[test]
    fn rejects_empty_long_and_odd_ids() {
        assert_eq!(PhaseId::parse(""), Err(IdError::Empty));
        assert!(matches!(
            PhaseId::parse("x".repeat(65)),
            Err(IdError::TooLong(65))
        ));
        for s in ["-a", "a b", "é", "a/b", "a\u{0}"] {
            assert!(
                matches!(PhaseId::parse(s), Err(IdError::BadCharacter(_))),
                "{s}"
            );
        }
    }
}
