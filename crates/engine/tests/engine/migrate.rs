//! Moving an open case to a new version of its model: an explicit command, decided against
//! the new version, recorded as `model_changed` in the case's history.

use ave_engine::Case;
use ave_engine::command::{ChangeModel, Command};

use crate::common::*;

fn change(version: &str, reason: &str) -> Command {
    Command::ChangeModel(ChangeModel {
        version: version.to_owned(),
        reason: reason.to_owned(),
    })
}

/// The documented example as version 2026.1.
fn next_version() -> ave_model::ValidModel {
    model_with(&[("version = \"2025.1\"", "version = \"2026.1\"")])
}

/// A case that moves from 2025.1 to 2026.1 and goes on under it (a stored sample).
pub fn migration_history() -> Vec<ave_engine::Recorded> {
    let mut w = World::opened(model(), "2", vec![]);
    w.ok("consulent-1", assess("stabiel", true));
    w.model = next_version();
    w.ok(
        "beheerder-1",
        change("2026.1", "Het college stelde versie 2026.1 vast"),
    );
    w.ok("consulent-1", assess("stabiel", true));
    w.events
}

#[test]
fn an_open_case_moves_to_a_new_version_and_goes_on_under_it() {
    let events = migration_history();
    let changed = events
        .iter()
        .find(|r| r.event.name() == "model_changed")
        .expect("recorded");
    // Administrative: the one who moves it need not take part in the case; it is logged.
    assert_eq!(changed.by.as_str(), "beheerder-1");
    let case = Case::replay(&events).expect("replays");
    assert_eq!(case.model_version(), "2026.1");
}

#[test]
fn after_the_move_the_old_version_no_longer_decides() {
    let mut w = World::opened(model(), "2", vec![]);
    w.model = next_version();
    w.ok("beheerder-1", change("2026.1", "nieuwe versie"));
    w.model = model();
    w.refused("consulent-1", assess("stabiel", true), "model-mismatch");
}

#[test]
fn a_move_that_does_not_fit_is_refused_and_changes_nothing() {
    // The same version: nothing to change.
    let mut w = World::opened(model(), "2", vec![]);
    w.refused("beheerder-1", change("2025.1", "x"), "nothing-to-change");
    // The command names another version than the model given.
    w.model = next_version();
    w.refused("beheerder-1", change("2027.1", "x"), "model-mismatch");
    // Without a reason.
    w.refused("beheerder-1", change("2026.1", " "), "empty-text");
    // Another model altogether.
    w.model = model_with(&[("id = \"voorbeeld\"", "id = \"ander-model\"")]);
    w.refused("beheerder-1", change("2025.1", "x"), "model-mismatch");
    // A request still open under the old version.
    let mut w = World::opened(model(), "2", vec![]);
    w.ok("consulent-1", assess("stabiel", true));
    w.ok("consulent-1", propose("v1", "2-naar-1", &["stabiel"]));
    w.model = next_version();
    w.refused("beheerder-1", change("2026.1", "x"), "request-pending");
    assert_eq!(w.case().model_version(), "2025.1");
}
