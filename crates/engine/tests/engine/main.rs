//! Integration tests of the engine, one module per feature.

mod commands;
mod common;
mod core;
mod events;
mod klantreis;
mod migrate;
mod properties;
mod rules;
mod strength;
mod views;
