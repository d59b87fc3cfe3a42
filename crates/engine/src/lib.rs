//! The case engine: cases (one household each) that run under one version of a local AVE
//! model and obey its rules.
//!
//! Every change is a [`Command`] given by a person at a time the caller passes in; [`decide`]
//! checks it against the model and the enabled rules and returns [`Event`]s or a
//! [`Rejection`]. The state ([`Case`]) is built only by applying events, so replaying a
//! case's history gives the same state. Pure: no IO, no clock.
#![forbid(unsafe_code)]

pub mod case;
pub mod command;
pub mod condition;
pub mod decide;
pub mod describe;
pub mod event;
pub mod ids;
pub mod klantreis;
pub mod rejection;
pub mod rules;
pub mod views;

pub use case::Case;
pub use command::{Command, Envelope, Member, Participant};
pub use decide::{decide, execute};
pub use event::{Event, Recorded};
pub use rejection::{Rejection, RejectionCode};
