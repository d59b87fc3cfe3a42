//! The case engine: cases (one household each) that run under one version of a local AVE
//! model and obey its rules.
//!
//! Every change is a [`Command`] given by a person at a time the caller passes in; [`decide`]
//! checks it against the model and the enabled rules and returns [`Event`]s or a
//! [`Rejection`]; [`execute`] also applies them, all or none. The state ([`Case`]) is built
//! only by applying events, so replaying a case's history ([`Case::replay`]) gives the same
//! state. The [`views`] derive what people need to see — the regie table, the attention
//! list, fired triggers and proposals — as data; words are added at the edges.
//!
//! Pure: no IO, no clock. Days are local calendar days in the model's time zone.
//!
//! ```
//! use ave_engine::{Case, views};
//! let model = ave_model::presets::load("oss").unwrap();
//! let history: Vec<ave_engine::Recorded> = Vec::new();
//! // A stored history replays into the case; an empty one is refused, not replayed quietly.
//! assert!(Case::replay(&history).is_err());
//! # let _ = (model, views::proposals);
//! ```
#![forbid(unsafe_code)]

pub mod case;
pub mod command;
pub mod condition;
mod decide;
pub mod event;
pub mod ids;
pub mod klantreis;
pub mod policy;
pub mod rejection;
mod rules;
pub mod views;

pub use case::{Case, ReplayError};
pub use command::{Command, Envelope};
pub use decide::{decide, execute};
pub use event::{Event, Recorded};
pub use rejection::{Rejection, RejectionCode};
