//! Integration tests of the engine, one module per feature.

mod commands;
mod common;
mod events;
mod klantreis;
mod properties;
mod rules;
mod views;
