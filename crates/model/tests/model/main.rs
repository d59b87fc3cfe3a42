//! Integration tests of the model crate, one module per feature.

mod broken;
mod common;
mod diff;
mod doc_example;
mod extends;
mod init;
mod presets;
mod robustness;
mod roundtrip;
mod schema;
mod snapshots;
