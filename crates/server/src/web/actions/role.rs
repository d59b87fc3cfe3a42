//! Assign or release a role (`/casussen/{id}/rol`): casusregie, procesregie, … to a
//! participant, or a participant gives one up. The engine checks the model's regie table
//! and rules; a rule the model holds *bij voorkeur* asks for a motivation.

use ave_engine::RejectionCode as C;
use ave_engine::command::{AssignRole, Command, EndRole};
use ave_engine::ids::PersonId;
use ave_labels::Lang;
use ave_model::{Date, RoleKind};

use super::{Action, Cx, Field, Input, Invalid, MAX_TEXT, Section, Sheet};
use crate::web::words::word;

/// Assigning or releasing a role.
#[derive(Debug, Default)]
pub struct Role;

impl Action for Role {
    fn key(&self) -> &'static str {
        "rol"
    }

    fn title(&self, lang: Lang) -> String {
        word("actie_rol", lang)
    }

    fn sheet(&self, cx: &Cx, input: &Input) -> Result<Sheet, crate::problem::Problem> {
        let lang = cx.lang;
        let model = cx.model();
        let held: Vec<String> = cx
            .case()
            .current_holdings()
            .map(|h| {
                let name = cx
                    .case()
                    .participant(&h.person)
                    .map_or_else(|| h.person.to_string(), |p| p.name.clone());
                format!(
                    "{}: {name} ({})",
                    ave_labels::role(h.role, lang),
                    model.function_name(&h.function)
                )
            })
            .collect();
        let regie: Vec<String> = ave_engine::views::regie_table(model, cx.case(), cx.today)
            .iter()
            .map(|r| {
                format!(
                    "{}: {}",
                    ave_labels::role(r.role, lang),
                    ave_labels::prescribed(model, &r.prescribed, lang)
                )
            })
            .collect();
        let mut people = vec![(String::new(), word("kies", lang), String::new())];
        people.extend(cx.participants());
        let mut roles = vec![(String::new(), word("kies", lang), String::new())];
        roles.extend(RoleKind::ALL.iter().map(|r| {
            (
                r.key().to_owned(),
                ave_labels::role(*r, lang).to_owned(),
                String::new(),
            )
        }));
        let mut sections = vec![Section {
            heading: word("volgens_model_fase", lang),
            items: regie,
        }];
        if !held.is_empty() {
            sections.push(Section {
                heading: word("huidige_rollen", lang),
                items: held,
            });
        }
        Ok(Sheet {
            intro: vec![word("intro_rol", lang)],
            sections,
            fields: vec![
                Field::choice(
                    "handeling",
                    "radios",
                    word("veld_handeling", lang),
                    vec![
                        (
                            "toewijzen".to_owned(),
                            word("rol_toewijzen", lang),
                            String::new(),
                        ),
                        (
                            "beeindigen".to_owned(),
                            word("rol_beeindigen", lang),
                            String::new(),
                        ),
                    ],
                    input,
                )
                .required(),
                Field::choice("rol", "select", word("rol", lang), roles, input).required(),
                Field::choice(
                    "persoon",
                    "select",
                    word("veld_persoon", lang),
                    people,
                    input,
                )
                .required(),
                Field::date("herzieningsdatum", word("veld_herziening", lang), input)
                    .hint(word("uitleg_herziening", lang)),
                Field::textarea("reden", word("veld_reden", lang), input)
                    .hint(word("uitleg_reden_rol", lang)),
                Field::textarea("motivering", word("motivering", lang), input)
                    .hint(word("uitleg_motivering", lang)),
            ],
            submit: word("knop_opslaan", lang),
            ..Sheet::default()
        })
    }

    fn commands(&self, cx: &Cx, input: &Input) -> Result<Vec<Command>, Invalid> {
        let lang = cx.lang;
        let mut invalid = Invalid::default();
        let release = match input.get("handeling") {
            "toewijzen" => false,
            "beeindigen" => true,
            "" => {
                invalid.add("handeling", word("fout_kies", lang));
                false
            }
            _ => {
                invalid.add("handeling", word("fout_onbekende_keuze", lang));
                false
            }
        };
        let role = match input.get("rol") {
            "" => {
                invalid.add("rol", word("fout_kies", lang));
                None
            }
            r => {
                let found = RoleKind::ALL.into_iter().find(|k| k.key() == r);
                if found.is_none() {
                    invalid.add("rol", word("fout_onbekende_keuze", lang));
                }
                found
            }
        };
        let person = match input.get("persoon") {
            "" => {
                invalid.add("persoon", word("fout_kies", lang));
                None
            }
            p => {
                let found = PersonId::parse(p)
                    .ok()
                    .filter(|p| cx.case().participant(p).is_some());
                if found.is_none() {
                    invalid.add("persoon", word("fout_onbekende_keuze", lang));
                }
                found
            }
        };
        let review = match input.get("herzieningsdatum") {
            "" => None,
            d => {
                let parsed = Date::parse(d).ok();
                if parsed.is_none() {
                    invalid.add("herzieningsdatum", word("fout_datum", lang));
                }
                parsed
            }
        };
        let reason = if release {
            invalid.text(input, "reden", MAX_TEXT, lang)
        } else {
            invalid.optional(input, "reden", MAX_TEXT, lang)
        };
        let motivation = invalid.optional(input, "motivering", MAX_TEXT, lang);
        let (Some(role), Some(person), true) = (role, person, invalid.is_empty()) else {
            return Err(invalid);
        };
        let some = |s: String| (!s.is_empty()).then_some(s);
        Ok(vec![if release {
            Command::EndRole(EndRole {
                role,
                person,
                reason,
            })
        } else {
            Command::AssignRole(AssignRole {
                role,
                person,
                review,
                reason: some(reason),
                motivation: some(motivation),
            })
        }])
    }

    fn field_of(&self, code: C) -> Option<&'static str> {
        match code {
            C::MotivationRequired => Some("motivering"),
            C::RuleCasusregieContinuity => Some("reden"),
            C::RuleProcesregieReview | C::BeyondNorm => Some("herzieningsdatum"),
            C::RoleNotApplicable => Some("rol"),
            C::NotRoleHolder | C::AlreadyRoleHolder | C::FunctionNotPrescribed => Some("persoon"),
            _ => None,
        }
    }
}
