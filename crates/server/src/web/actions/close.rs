//! Close the case (`/casussen/{id}/sluiten`): why, and how it ends (afgesloten, waakvlam,
//! verhuisd, anders). The engine decides whether the case may close in its phase.

use ave_engine::RejectionCode as C;
use ave_engine::command::{Close as CloseCommand, Command, EndState};
use ave_labels::Lang;

use super::{Action, Cx, Field, Input, Invalid, MAX_TEXT, Sheet};
use crate::web::words::word;

/// How a case can end: (value, state, word key).
const ENDS: &[(&str, EndState, &str)] = &[
    ("afgesloten", EndState::Afgesloten, "eind_afgesloten"),
    ("waakvlam", EndState::Waakvlam, "eind_waakvlam"),
    ("verhuisd", EndState::Verhuisd, "eind_verhuisd"),
    ("anders", EndState::Anders, "eind_anders"),
];

/// Closing the case.
#[derive(Debug, Default)]
pub struct Close;

impl Action for Close {
    fn key(&self) -> &'static str {
        "sluiten"
    }

    fn title(&self, lang: Lang) -> String {
        word("actie_sluiten", lang)
    }

    fn sheet(&self, cx: &Cx, input: &Input) -> Result<Sheet, crate::problem::Problem> {
        let lang = cx.lang;
        Ok(Sheet {
            intro: vec![word("intro_sluiten", lang)],
            fields: vec![
                Field::choice(
                    "eindsituatie",
                    "radios",
                    word("veld_eindsituatie", lang),
                    ENDS.iter()
                        .map(|(v, _, k)| ((*v).to_owned(), word(k, lang), String::new()))
                        .collect(),
                    input,
                )
                .required(),
                Field::textarea("reden", word("veld_reden", lang), input).required(),
            ],
            submit: word("knop_sluiten", lang),
            ..Sheet::default()
        })
    }

    fn commands(&self, cx: &Cx, input: &Input) -> Result<Vec<Command>, Invalid> {
        let lang = cx.lang;
        let mut invalid = Invalid::default();
        let end = match input.get("eindsituatie") {
            "" => {
                invalid.add("eindsituatie", word("fout_kies", lang));
                None
            }
            v => {
                let found = ENDS.iter().find(|(k, _, _)| *k == v).map(|(_, e, _)| *e);
                if found.is_none() {
                    invalid.add("eindsituatie", word("fout_onbekende_keuze", lang));
                }
                found
            }
        };
        let reason = invalid.text(input, "reden", MAX_TEXT, lang);
        let (Some(end_state), true) = (end, invalid.is_empty()) else {
            return Err(invalid);
        };
        Ok(vec![Command::Close(CloseCommand { reason, end_state })])
    }

    fn field_of(&self, code: C) -> Option<&'static str> {
        match code {
            C::EmptyText => Some("reden"),
            _ => None,
        }
    }
}
