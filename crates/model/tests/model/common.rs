//! Helpers shared by the test modules.

use std::borrow::Cow;

use ave_model::*;
use proptest::prelude::*;

/// The TOML blocks of `docs/model-format.md`, in order.
pub fn doc_blocks() -> Vec<String> {
    let doc = include_str!("../../../../docs/model-format.md");
    doc.split("```toml\n")
        .skip(1)
        .map(|rest| rest[..rest.find("```").expect("the toml block ends")].to_owned())
        .collect()
}

/// The complete annotated example from `docs/model-format.md` (its last TOML block).
pub fn doc_example() -> String {
    let doc = include_str!("../../../../docs/model-format.md");
    let section = doc
        .find("## A complete annotated example")
        .expect("the doc has the example");
    let start =
        section + doc[section..].find("```toml\n").expect("a toml block") + "```toml\n".len();
    let len = doc[start..].find("```").expect("the toml block ends");
    doc[start..start + len].to_owned()
}

/// Loader over a fixed set of named texts, each a file the user can open; names that are
/// presets resolve to the built-in presets.
pub struct MapLoader(pub Vec<(&'static str, String)>);

impl BaseLoader for MapLoader {
    fn load(&self, reference: &str, from: &str) -> Result<Base, BaseError> {
        if let Some((n, t)) = self.0.iter().find(|(n, _)| *n == reference) {
            return Ok(Base {
                name: (*n).to_owned(),
                key: (*n).to_owned(),
                bytes: Cow::Owned(t.as_bytes().to_vec()),
                kind: BaseKind::File,
            });
        }
        if ave_model::presets::preset(reference).is_some() {
            return ave_model::presets::PresetLoader.load(reference, from);
        }
        Err(BaseError::new(
            Code::BaseNotFound,
            format!("basismodel {reference:?} niet gevonden"),
        ))
    }
}

/// Checks a text with no bases available.
pub fn check_text(text: &str) -> Report {
    ave_model::check("model.toml", text.as_bytes(), &ave_model::NoBases)
}

fn id<T: TryFrom<String>>(s: String) -> T
where
    T::Error: std::fmt::Debug,
{
    T::try_from(s).expect("generated ids are valid")
}

fn text() -> impl Strategy<Value = String> {
    prop_oneof![
        "[a-zA-Z ]{1,20}",
        "\\PC{1,30}",
        Just("Regel één\nregel \"twee\"\t'drie' \\ vier".to_owned()),
    ]
}

fn opt_text() -> impl Strategy<Value = Option<String>> {
    proptest::option::of(text())
}

fn role(functions: usize) -> impl Strategy<Value = RoleSpec> {
    let holders = proptest::collection::vec(0..functions, 1..3);
    prop_oneof![
        (holders, any::<bool>(), opt_text()).prop_map(|(h, when_needed, note)| RoleSpec {
            holders: h.into_iter().map(|i| id(format!("f{i}"))).collect(),
            when_needed,
            note,
            ..RoleSpec::default()
        }),
        Just(RoleSpec {
            nvt: true,
            ..RoleSpec::default()
        }),
        text().prop_map(|r| RoleSpec {
            open: Some(r),
            ..RoleSpec::default()
        }),
    ]
}

fn condition(criteria: usize) -> impl Strategy<Value = Condition> {
    let leaf = (0..criteria).prop_map(|i| Condition::Criterion(id(format!("c{i}"))));
    leaf.prop_recursive(3, 12, 3, |inner| {
        prop_oneof![
            proptest::collection::vec(inner.clone(), 1..3).prop_map(Condition::Any),
            proptest::collection::vec(inner.clone(), 1..3).prop_map(Condition::All),
            proptest::collection::vec(inner.clone(), 1..3)
                .prop_map(|of| Condition::AtLeast(AtLeast { n: 1, of })),
            inner.prop_map(|c| Condition::Not(Box::new(c))),
        ]
    })
}

fn strength() -> impl Strategy<Value = Strength> {
    prop_oneof![
        Just(Strength::Moet),
        Just(Strength::BijVoorkeur),
        Just(Strength::Kan)
    ]
}

fn norms() -> impl Strategy<Value = Option<TimeNorms>> {
    proptest::option::of(
        (
            proptest::option::of(1u32..400),
            proptest::option::of(1u32..400),
            prop_oneof![
                Just(NormBasis::Bron),
                Just(NormBasis::Productstandaard),
                Just(NormBasis::Lokaal)
            ],
        )
            .prop_map(|(evaluation_days, stagnation_days, basis)| TimeNorms {
                evaluation_days,
                stagnation_days,
                procesregie_review_days: None,
                decision_days: Some(7),
                basis,
                lezing: None,
                productkeuze: None,
                lokaal: None,
            }),
    )
}

prop_compose! {
    fn phase(index: usize, functions: usize)(
        title in text(),
        situation in opt_text(),
        share in proptest::option::of(0u32..1000),
        colour in proptest::option::of(prop_oneof![Just(Colour::Groen), Just(Colour::Rood), Just(Colour::Donkerrood)]),
        casus in role(functions),
        proces in role(functions),
        behandel in proptest::option::of(role(functions)),
        oper in role(functions),
        best in role(functions),
        norms in norms(),
        actions in proptest::collection::vec(text(), 0..3),
        agreement in opt_text(),
        grondslag in proptest::option::of(prop_oneof![
            text().prop_map(|why| LegalBasis { basis: None, verwerkingsverantwoordelijke: None, open: Some(why), source: None, note: None, lezing: None, productkeuze: None, lokaal: None }),
            (text(), text()).prop_map(|(b, v)| LegalBasis { basis: Some(b), verwerkingsverantwoordelijke: Some(v), open: None, source: None, note: None, lezing: None, productkeuze: Some("p".to_owned()), lokaal: None }),
        ]),
        reading in proptest::option::of((text(), text()).prop_map(|(quote, why)| Reading { quote, why })),
    ) -> Phase {
        Phase {
            id: id(format!("{}{}", index + 1, if index % 2 == 1 { "A" } else { "" })),
            order: index as u32 + 1,
            title,
            summary: None,
            colour,
            domain: Some(DomainLabel::Zorg),
            situation,
            share_percent: share.map(|s| f64::from(s) / 10.0),
            entry: index == 0,
            entry_by: vec![],
            entry_when: None,
            regie: RegieTable {
                casusregie: Some(casus),
                procesregie: Some(proces),
                behandelregie: behandel,
                operationeel: Some(oper),
                bestuurlijk: Some(best),
                in_overleg_met: vec![id("f0".to_owned())],
            },
            norms,
            werkafspraken: agreement.into_iter().map(|title| Agreement {
                id: id(format!("w{index}")),
                title,
                note: None,
                url: Some("https://example.org/a?b=c".to_owned()),
                lezing: None,
                productkeuze: None,
                lokaal: None,
            }).collect(),
            organisations: vec![],
            actions,
            grondslag,
            source: None,
            note: None,
            lezing: reading,
            productkeuze: None,
            lokaal: None,
        }
    }
}

/// Valid models of 2–4 phases with functions, criteria, transitions both ways, conditions,
/// norms and rules, for property tests.
pub fn model() -> impl Strategy<Value = Model> {
    (2usize..5, 1usize..4, 1usize..5).prop_flat_map(|(n_phases, n_functions, n_criteria)| {
        let phases: Vec<_> = (0..n_phases).map(|i| phase(i, n_functions)).collect();
        let conditions =
            proptest::collection::vec(proptest::option::of(condition(n_criteria)), n_phases * 2);
        let strengths = proptest::collection::vec(strength(), n_phases * 2 + 1);
        let shapes = proptest::collection::vec(0u8..4, n_phases * 2);
        (phases, conditions, text(), any::<bool>(), strengths, shapes).prop_map(
            move |(phases, conditions, name, rules_on, strengths, shapes)| {
                let functions = (0..n_functions)
                    .map(|i| Function {
                        id: id(format!("f{i}")),
                        name: format!("Functie {i}"),
                        organisation: None,
                        kind: OrganisationKind::Gemeente,
                        note: None,
                        lezing: None,
                        productkeuze: None,
                        lokaal: None,
                    })
                    .collect();
                let function_groups = vec![FunctionGroup {
                    id: id("alle".to_owned()),
                    name: "Alle functies".to_owned(),
                    members: (0..n_functions).map(|i| id(format!("f{i}"))).collect(),
                    source: None,
                    note: None,
                    lezing: None,
                    productkeuze: None,
                    lokaal: None,
                }];
                let criteria = (0..n_criteria)
                    .map(|i| Criterion {
                        id: id(format!("c{i}")),
                        text: format!("Criterium {i}"),
                        group: None,
                        source: None,
                        lezing: None,
                        productkeuze: None,
                        lokaal: None,
                    })
                    .collect();
                let mut strengths = strengths.into_iter();
                let mut shapes = shapes.into_iter();
                let mut transitions = Vec::new();
                let mut conditions = conditions.into_iter();
                for w in phases.windows(2) {
                    for (from, to, direction) in [
                        (&w[0].id, &w[1].id, Direction::Op),
                        (&w[1].id, &w[0].id, Direction::Af),
                    ] {
                        let shape = shapes.next().unwrap_or(0);
                        let strength = strengths.next().unwrap_or_default();
                        let deciders = match shape {
                            1 => vec![Actor::Role {
                                role: RoleKind::Casusregie,
                            }],
                            2 => vec![Actor::Function(id("alle".to_owned()))],
                            _ => vec![Actor::Function(id("f0".to_owned()))],
                        };
                        let consult = match shape {
                            0 => vec![],
                            1 => vec![Consult::of(id("f0".to_owned()))],
                            _ => vec![Consult {
                                strength,
                                when: Some(Condition::Criterion(id("c0".to_owned()))),
                                source: Some("bron".to_owned()),
                                ..Consult::of(id("alle".to_owned()))
                            }],
                        };
                        transitions.push(Transition {
                            id: id(format!("{from}-{to}")),
                            from: from.clone(),
                            to: to.clone(),
                            direction,
                            effect: None,
                            title: None,
                            criteria: (0..n_criteria).map(|i| id(format!("c{i}"))).collect(),
                            condition: conditions.next().flatten(),
                            proposers: if shape == 3 {
                                vec![Actor::Function(id("f0".to_owned()))]
                            } else {
                                vec![]
                            },
                            proposers_open: (shape == 2).then(|| "bron zwijgt".to_owned()),
                            deciders,
                            deciders_open: None,
                            decided_in: None,
                            consult,
                            preconditions: vec![Precondition::Plan {
                                phase: to.clone(),
                                text: None,
                                when: None,
                                strength,
                                seen_by: vec![],
                                lezing: None,
                            }],
                            handover: vec![],
                            werkafspraken: vec![],
                            source: None,
                            note: None,
                            lezing: (shape == 1).then(|| Reading {
                                quote: "citaat".to_owned(),
                                why: "waarom".to_owned(),
                            }),
                            productkeuze: None,
                            lokaal: None,
                        });
                    }
                }
                let switch = SwitchRule {
                    enabled: rules_on,
                    strength: Strength::Moet,
                    seen_by: vec![],
                    source: None,
                    note: None,
                    lezing: None,
                    productkeuze: None,
                    lokaal: None,
                };
                let graded = SwitchRule {
                    strength: strengths.next().unwrap_or_default(),
                    ..switch.clone()
                };
                Model {
                    model: Metadata {
                        id: id("m".to_owned()),
                        name: format!("Model {name}"),
                        gemeente: Some("G".to_owned()),
                        regio: None,
                        version: "1".to_owned(),
                        valid_from: Date::from_ymd(2025, 2, 28).expect("date"),
                        time_zone: None,
                        source: None,
                        extends: None,
                        description: None,
                        owner: None,
                        lezing: None,
                        productkeuze: None,
                        lokaal: None,
                    },
                    principles: vec![],
                    functions,
                    function_groups,
                    meeting_kinds: vec![],
                    facts: vec![],
                    criteria,
                    phases,
                    transitions,
                    triggers: vec![],
                    decision_kinds: vec![],
                    rules: Rules {
                        single_procesregisseur: Some(graded),
                        transition_authority: Some(switch),
                        ..Rules::default()
                    },
                }
            },
        )
    })
}
