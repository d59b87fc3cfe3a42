//! Register a signal (`/casussen/{id}/signaal`): who reported it, what kind, what was
//! reported, and which of the model's triggers it matches (those of the current phase).

use ave_engine::command::{Command, RecordSignal};
use ave_engine::ids::SignalId;
use ave_labels::Lang;
use ave_model::TriggerId;

use super::{Action, Cx, Field, Input, Invalid, MAX_LINE, MAX_TEXT, Sheet};
use crate::web::words::word;

/// The kinds of signal the form offers: (value, word key). A product decision: the model
/// does not list kinds of signal, and a short fixed list keeps the signals countable.
pub const CATEGORIES: &[(&str, &str)] = &[
    ("zorg", "categorie_zorg"),
    ("veiligheid", "categorie_veiligheid"),
    ("openbare-orde", "categorie_openbare_orde"),
    ("wonen", "categorie_wonen"),
    ("school", "categorie_school"),
    ("financien", "categorie_financien"),
    ("gezondheid", "categorie_gezondheid"),
    ("anders", "categorie_anders"),
];

/// Registering a signal.
#[derive(Debug, Default)]
pub struct Signal;

impl Action for Signal {
    fn key(&self) -> &'static str {
        "signaal"
    }

    fn title(&self, lang: Lang) -> String {
        word("actie_signaal", lang)
    }

    fn sheet(&self, cx: &Cx, input: &Input) -> Result<Sheet, crate::problem::Problem> {
        let lang = cx.lang;
        let mut categories = vec![(String::new(), word("kies", lang), String::new())];
        categories.extend(
            CATEGORIES
                .iter()
                .map(|(v, k)| ((*v).to_owned(), word(k, lang), String::new())),
        );
        let mut fields = vec![
            Field::text("bron", word("veld_bron", lang), input)
                .required()
                .hint(word("uitleg_bron", lang)),
            Field::choice(
                "categorie",
                "select",
                word("veld_categorie", lang),
                categories,
                input,
            )
            .required(),
            Field::textarea("tekst", word("veld_signaal_tekst", lang), input)
                .required()
                .hint(word("uitleg_signaal_tekst", lang)),
        ];
        let triggers = triggers(cx);
        if !triggers.is_empty() {
            fields.push(
                Field::choice(
                    "triggers",
                    "checkboxes",
                    word("veld_triggers", lang),
                    triggers,
                    input,
                )
                .hint(word("uitleg_triggers", lang)),
            );
        }
        Ok(Sheet {
            intro: vec![word("intro_signaal", lang)],
            fields,
            submit: word("knop_signaal", lang),
            ..Sheet::default()
        })
    }

    fn commands(&self, cx: &Cx, input: &Input) -> Result<Vec<Command>, Invalid> {
        let lang = cx.lang;
        let mut invalid = Invalid::default();
        let source = invalid.text(input, "bron", MAX_LINE, lang);
        let category = input.get("categorie").to_owned();
        if category.is_empty() {
            invalid.add("categorie", word("fout_kies", lang));
        } else if !CATEGORIES.iter().any(|(v, _)| *v == category) {
            invalid.add("categorie", word("fout_onbekende_keuze", lang));
        }
        let text = invalid.text(input, "tekst", MAX_TEXT, lang);
        let offered = triggers(cx);
        let mut chosen = Vec::new();
        for t in input.all("triggers") {
            match TriggerId::parse(t) {
                Ok(id) if offered.iter().any(|(v, _, _)| v == t) => chosen.push(id),
                _ => invalid.add("triggers", word("fout_onbekende_keuze", lang)),
            }
        }
        let signal = SignalId::parse(crate::api::commands::fresh_id("signaal"));
        match (invalid.is_empty(), signal) {
            (true, Ok(signal)) => Ok(vec![Command::RecordSignal(RecordSignal {
                signal,
                source,
                category,
                text,
                triggers: chosen,
            })]),
            _ => Err(invalid),
        }
    }

    fn field_of(&self, code: ave_engine::RejectionCode) -> Option<&'static str> {
        match code {
            ave_engine::RejectionCode::UnknownTrigger => Some("triggers"),
            _ => None,
        }
    }
}

/// The model's triggers that apply in the case's phase, as choices.
fn triggers(cx: &Cx) -> Vec<(String, String, String)> {
    let phase = cx.case().phase();
    cx.model()
        .model()
        .triggers
        .iter()
        .filter(|t| t.phases.is_empty() || t.phases.contains(phase))
        .map(|t| (t.id.to_string(), t.text.clone(), String::new()))
        .collect()
}
