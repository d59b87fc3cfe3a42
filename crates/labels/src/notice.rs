//! Meldingen in words (issue 12): what a person's inbox says about a trigger that fired, a
//! transition they may decide, a handover. A melding holds ids only; the words are made
//! here, from the model, when the inbox is shown — never stored, never mailed.

use ave_model::{Direction, PhaseId, RoleKind, TransitionId, TriggerId, ValidModel};

use crate::{Lang, phase, role_lower};

/// A trigger fired in `fired_in` and asks to inform the reader.
pub fn trigger_notice(
    model: &ValidModel,
    trigger: &TriggerId,
    fired_in: &PhaseId,
    lang: Lang,
) -> String {
    let text = model
        .trigger(trigger)
        .map_or(trigger.as_str(), |t| t.text.as_str());
    match lang {
        Lang::Nl => format!(
            "Trigger in {}: {text}. U wordt hierover geïnformeerd.",
            phase(fired_in)
        ),
        Lang::En => format!(
            "Trigger in {}: {text}. You are informed of it.",
            phase(fired_in)
        ),
    }
}

/// A transition was proposed that the reader may decide.
pub fn transition_notice(model: &ValidModel, transition: &TransitionId, lang: Lang) -> String {
    let t = model.transition(transition);
    let what = match (t.map(|t| t.direction), lang) {
        (Some(Direction::Op), Lang::Nl) => "opschalen",
        (Some(Direction::Af), Lang::Nl) => "afschalen",
        (None, Lang::Nl) => "op- of afschalen",
        (Some(Direction::Op), Lang::En) => "escalate",
        (Some(Direction::Af), Lang::En) => "de-escalate",
        (None, Lang::En) => "escalate or de-escalate",
    };
    let name = t
        .and_then(|t| t.title.clone())
        .unwrap_or_else(|| transition.to_string());
    match lang {
        Lang::Nl => format!("Verzoek om te {what} ({name}): u kunt hierover besluiten."),
        Lang::En => format!("Request to {what} ({name}): you may decide on it."),
    }
}

/// A handover of `role` follows a transition (or a change of casusregisseur).
pub fn handover_notice(
    model: &ValidModel,
    role: RoleKind,
    transition: Option<&TransitionId>,
    lang: Lang,
) -> String {
    let after = transition.map(|t| {
        model
            .transition(t)
            .and_then(|t| t.title.clone())
            .unwrap_or_else(|| t.to_string())
    });
    let r = role_lower(role, lang);
    match (after, lang) {
        (Some(t), Lang::Nl) => format!("Overdracht van {r} na {t}: u bent hierbij betrokken."),
        (None, Lang::Nl) => {
            format!(
                "Overdracht van {r} na een wisseling van casusregisseur: u bent hierbij betrokken."
            )
        }
        (Some(t), Lang::En) => format!("Handover of {r} after {t}: you are involved."),
        (None, Lang::En) => {
            format!("Handover of {r} after a change of case director: you are involved.")
        }
    }
}
