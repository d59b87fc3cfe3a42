//! Record a meeting (`/casussen/{id}/overleg`): its kind from the model (MDO, COM, …), who
//! attended, and what was decided (one decision a line).

use ave_engine::RejectionCode as C;
use ave_engine::command::{Command, HoldMeeting};
use ave_engine::ids::{MeetingId, PersonId};
use ave_labels::Lang;
use ave_model::MeetingKindId;

use super::{Action, Cx, Field, Input, Invalid, MAX_LINE, MAX_TEXT, Sheet};
use crate::web::words::word;

/// Recording a meeting.
#[derive(Debug, Default)]
pub struct Meeting;

impl Action for Meeting {
    fn key(&self) -> &'static str {
        "overleg"
    }

    fn title(&self, lang: Lang) -> String {
        word("actie_overleg", lang)
    }

    fn sheet(&self, cx: &Cx, input: &Input) -> Result<Sheet, crate::problem::Problem> {
        let lang = cx.lang;
        let mut kinds = vec![(String::new(), word("kies", lang), String::new())];
        kinds.extend(
            cx.model()
                .model()
                .meeting_kinds
                .iter()
                .map(|k| (k.id.to_string(), k.name.clone(), String::new())),
        );
        Ok(Sheet {
            intro: vec![word("intro_overleg", lang)],
            fields: vec![
                Field::choice(
                    "soort",
                    "select",
                    word("veld_soort_overleg", lang),
                    kinds,
                    input,
                )
                .required(),
                Field::choice(
                    "aanwezig",
                    "checkboxes",
                    word("veld_aanwezig", lang),
                    cx.participants(),
                    input,
                )
                .required(),
                Field::textarea("besluiten", word("besluiten", lang), input)
                    .hint(word("uitleg_besluiten", lang)),
            ],
            submit: word("knop_opslaan", lang),
            ..Sheet::default()
        })
    }

    fn commands(&self, cx: &Cx, input: &Input) -> Result<Vec<Command>, Invalid> {
        let lang = cx.lang;
        let mut invalid = Invalid::default();
        let kind = match input.get("soort") {
            "" => {
                invalid.add("soort", word("fout_kies", lang));
                None
            }
            k => {
                let found = MeetingKindId::parse(k)
                    .ok()
                    .filter(|k| cx.model().meeting_kind(k).is_some());
                if found.is_none() {
                    invalid.add("soort", word("fout_onbekende_keuze", lang));
                }
                found
            }
        };
        let mut attendees = Vec::new();
        for p in input.all("aanwezig") {
            match PersonId::parse(p) {
                Ok(id) if cx.case().participant(&id).is_some() => {
                    if !attendees.contains(&id) {
                        attendees.push(id);
                    }
                }
                _ => invalid.add("aanwezig", word("fout_onbekende_keuze", lang)),
            }
        }
        if attendees.is_empty() {
            invalid.add("aanwezig", word("fout_kies_aanwezige", lang));
        }
        let text = invalid.optional(input, "besluiten", MAX_TEXT, lang);
        let decisions: Vec<String> = text
            .lines()
            .map(str::trim)
            .filter(|l| !l.is_empty())
            .map(str::to_owned)
            .collect();
        if decisions.iter().any(|d| d.chars().count() > MAX_LINE * 5) {
            invalid.add("besluiten", word("fout_te_lang", lang));
        }
        let meeting = MeetingId::parse(crate::api::commands::fresh_id("overleg"));
        let (Some(kind), true, Ok(meeting)) = (kind, invalid.is_empty(), meeting) else {
            return Err(invalid);
        };
        Ok(vec![Command::HoldMeeting(HoldMeeting {
            meeting,
            kind,
            attendees,
            decisions,
        })])
    }

    fn field_of(&self, code: C) -> Option<&'static str> {
        match code {
            C::UnknownMeetingKind => Some("soort"),
            C::UnknownPerson => Some("aanwezig"),
            _ => None,
        }
    }
}
