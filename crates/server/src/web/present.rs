//! Small pieces several pages show the same way: a phase badge, attention flags, dates and
//! times in Dutch local time, the names of people.

use std::collections::HashMap;

use ave_labels::Lang;
use ave_model::ValidModel;
use chrono::{DateTime, Utc};
use serde::Serialize;

use crate::AppState;
use crate::problem::Problem;

/// A phase as a badge: "AVE 2", its title and its poster colour.
#[derive(Debug, Clone, Serialize)]
pub struct PhaseBadge {
    /// The phase id.
    pub id: String,
    /// "AVE 2".
    pub label: String,
    /// The model's title of the phase.
    pub title: String,
    /// The poster colour (`groen`, `oranje`, …) or empty.
    pub colour: String,
}

/// The badge of phase `id` in `model` (an unknown phase shows its id, uncoloured).
pub fn phase(model: &ValidModel, id: &str) -> PhaseBadge {
    let found = ave_model::PhaseId::parse(id)
        .ok()
        .and_then(|p| model.phase(&p).cloned());
    PhaseBadge {
        id: id.to_owned(),
        label: ave_model::render::phase_label(id),
        title: found.as_ref().map(|p| p.title.clone()).unwrap_or_default(),
        colour: found
            .and_then(|p| p.colour)
            .map(|c| c.label().to_owned())
            .unwrap_or_default(),
    }
}

/// One attention flag on a case.
#[derive(Debug, Clone, Serialize)]
pub struct Flag {
    /// The attention kind (`evaluation-overdue`, …).
    pub kind: String,
    /// Its words.
    pub label: String,
    /// Shown as urgent.
    pub serious: bool,
}

/// The words of an attention kind as the list filter names it.
pub fn attention_label(kind: &str, lang: Lang) -> &'static str {
    let (nl, en) = match kind {
        "evaluation-overdue" => ("Evaluatie te laat", "Evaluation overdue"),
        "stagnation" => ("Stagnatie", "Stagnation"),
        "procesregie-review-overdue" => {
            ("Toets procesregie te laat", "Process-regie review overdue")
        }
        "decision-pending" => ("Besluit nodig", "Decision pending"),
        "role-unfilled" => ("Rol niet belegd", "Role not filled"),
        "role-mismatch" => ("Rol wijkt af van model", "Role differs from model"),
        "handover-open" => ("Overdracht open", "Handover open"),
        "disagreement-open" => ("Meningsverschil open", "Disagreement open"),
        "inform-required" => ("Informeren vereist", "Must inform"),
        "escalation-check" => ("Opschalen overwegen", "Consider escalation"),
        "rule-no-longer-met" => ("Voorwaarde niet meer vervuld", "Condition no longer met"),
        "deviation-unseen" => ("Afwijking niet gezien", "Deviation not seen"),
        "open-in-model" => ("Open punt in model", "Open point in model"),
        _ => ("Aandacht", "Attention"),
    };
    match lang {
        Lang::Nl => nl,
        Lang::En => en,
    }
}

/// The flags of attention kinds.
pub fn flags(kinds: &[String], lang: Lang) -> Vec<Flag> {
    kinds
        .iter()
        .map(|k| Flag {
            kind: k.clone(),
            label: attention_label(k, lang).to_owned(),
            serious: matches!(
                k.as_str(),
                "evaluation-overdue" | "stagnation" | "decision-pending" | "role-unfilled"
            ),
        })
        .collect()
}

/// A moment in Dutch local time: `01-12-2026 14:05`.
pub fn moment(at: &DateTime<Utc>) -> String {
    at.with_timezone(&chrono_tz::Europe::Amsterdam)
        .format("%d-%m-%Y %H:%M")
        .to_string()
}

/// A day written `YYYY-MM-DD` as `DD-MM-YYYY` (anything else unchanged).
pub fn day(iso: &str) -> String {
    match iso.split('-').collect::<Vec<_>>()[..] {
        [y, m, d] if y.len() == 4 => format!("{d}-{m}-{y}"),
        _ => iso.to_owned(),
    }
}

/// The names of the organisations in the directory, by id.
pub async fn organisation_names(state: &AppState) -> Result<HashMap<String, String>, Problem> {
    Ok(state
        .store
        .organisations()
        .await?
        .into_iter()
        .map(|o| (o.id, o.name))
        .collect())
}

/// The work names of people by their pseudonymous ids, from the directory; an id not
/// found stays as it is.
pub async fn names(
    state: &AppState,
    ids: impl IntoIterator<Item = String>,
) -> Result<HashMap<String, String>, Problem> {
    let mut wanted: Vec<String> = ids.into_iter().collect();
    wanted.sort_unstable();
    wanted.dedup();
    let mut out = state.store.work_names(&wanted).await?;
    for id in wanted {
        out.entry(id.clone()).or_insert(id);
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn days_are_written_the_dutch_way() {
        assert_eq!(day("2026-12-01"), "01-12-2026");
        assert_eq!(day("morgen"), "morgen");
        let at = DateTime::parse_from_rfc3339("2026-07-01T10:00:00Z")
            .unwrap()
            .with_timezone(&Utc);
        assert_eq!(moment(&at), "01-07-2026 12:00");
    }

    #[test]
    fn every_attention_kind_has_words() {
        for kind in crate::api::cases::ATTENTION_KINDS {
            assert_ne!(attention_label(kind, Lang::Nl), "Aandacht", "{kind}");
            assert_ne!(attention_label(kind, Lang::En), "Attention", "{kind}");
        }
    }
}
