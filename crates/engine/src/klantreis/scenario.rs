//! The scenario file of a klantreis: people, a household and dated steps, each a command by
//! a person with an optional expectation. See `docs/klantreis.md`.

use std::fmt;

use ave_model::FunctionId;
use chrono::{DateTime, NaiveDate, NaiveTime, Utc};
use serde::Deserialize;
use toml::{Table, Value};

use crate::command::{Command, Member};
use crate::ids::{CaseId, PersonId};
use crate::rejection::RejectionCode;

/// A scenario that could not be read.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ScenarioError {
    /// File name.
    pub file: String,
    /// Line, where known.
    pub line: Option<usize>,
    /// What is wrong.
    pub message: String,
}

impl fmt::Display for ScenarioError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.line {
            Some(line) => write!(f, "{}:{line}: {}", self.file, self.message),
            None => write!(f, "{}: {}", self.file, self.message),
        }
    }
}

impl std::error::Error for ScenarioError {}

impl ScenarioError {
    /// The error as [`fmt::Display`] shows it, with the TOML parser's or serde's English put
    /// into Dutch ([`ave_model::wording::reword`]) — for the pages and the API, which show no
    /// library text.
    pub fn in_dutch(&self) -> String {
        let message = ave_model::wording::reword(&self.message)
            .map(|(dutch, _)| dutch)
            .unwrap_or_else(|| self.message.clone());
        match self.line {
            Some(line) => format!("{}:{line}: {message}", self.file),
            None => format!("{}: {message}", self.file),
        }
    }
}

/// A person in the scenario.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize, serde::Serialize)]
#[serde(deny_unknown_fields)]
pub struct Person {
    /// Pseudonymous id used in the steps.
    pub id: PersonId,
    /// Display name.
    pub name: String,
    /// Function, from the model.
    pub function: FunctionId,
    /// Organisation.
    pub organisation: String,
}

/// What a step is expected to do.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[serde(tag = "expect", content = "code", rename_all = "kebab-case")]
pub enum Expect {
    /// The engine allows it.
    Allowed,
    /// The engine rejects it (with this code, if given).
    Rejected(Option<RejectionCode>),
}

/// One step.
#[derive(Debug, Clone, PartialEq)]
pub struct Step {
    /// When.
    pub at: DateTime<Utc>,
    /// Who (absent for a step that only checks).
    pub by: Option<PersonId>,
    /// The command (absent for a step that only checks).
    pub command: Option<Command>,
    /// The expectation, if the scenario states one.
    pub expect: Option<Expect>,
    /// What must be true after the step.
    pub then: Option<Then>,
    /// A note for the reader.
    pub note: Option<String>,
    /// Line in the file.
    pub line: Option<usize>,
}

/// What must be true after a step (or at a step that only checks). Every key is optional;
/// what is given must hold. See `docs/klantreis.md`.
#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize, serde::Serialize)]
#[serde(deny_unknown_fields)]
pub struct Then {
    /// The case is in this phase.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub phase: Option<ave_model::PhaseId>,
    /// The case is closed (true) or open (false).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub closed: Option<bool>,
    /// Exactly these people hold each named role (`[]`: nobody).
    #[serde(default, skip_serializing_if = "std::collections::BTreeMap::is_empty")]
    pub regie: std::collections::BTreeMap<ave_model::RoleKind, Vec<PersonId>>,
    /// These flags are on each named row of the regie table (`[]`: none).
    #[serde(default, skip_serializing_if = "std::collections::BTreeMap::is_empty")]
    pub flags: std::collections::BTreeMap<ave_model::RoleKind, Vec<String>>,
    /// These kinds are on the attention list.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub attention: Vec<crate::views::AttentionKind>,
    /// These kinds are not on the attention list.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub no_attention: Vec<crate::views::AttentionKind>,
    /// These triggers fired in the case.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub triggers: Vec<ave_model::TriggerId>,
    /// Whom each named trigger informs: person ids (role holders) or function ids.
    #[serde(default, skip_serializing_if = "std::collections::BTreeMap::is_empty")]
    pub inform: std::collections::BTreeMap<ave_model::TriggerId, Vec<String>>,
    /// These handover tasks are open.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub tasks_open: Vec<crate::ids::TaskId>,
    /// These handover tasks are done.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub tasks_done: Vec<crate::ids::TaskId>,
    /// The legal basis of the current phase (`open` when the model leaves it open).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub grondslag: Option<String>,
    /// The controller of the current phase.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub verwerkingsverantwoordelijke: Option<String>,
    /// This many deviations (with motivation) were recorded in the case.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub deviations: Option<usize>,
    /// This many of them wait to be seen.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub deviations_unseen: Option<usize>,
    /// The engine proposes these transitions.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub proposals: Vec<ave_model::TransitionId>,
}

/// A klantreis scenario.
#[derive(Debug, Clone, PartialEq)]
pub struct Scenario {
    /// Title.
    pub title: String,
    /// The model it is written for (preset name or path), if it names one.
    pub model: Option<String>,
    /// Description.
    pub description: Option<String>,
    /// The case id to use.
    pub case: CaseId,
    /// Until when to look for overdue norms (default: the last step).
    pub end: Option<DateTime<Utc>>,
    /// Gap kinds the journey must expose.
    pub expect_gaps: Vec<super::GapKind>,
    /// People.
    pub people: Vec<Person>,
    /// Household.
    pub household: Vec<Member>,
    /// Steps.
    pub steps: Vec<Step>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Head {
    title: String,
    #[serde(default)]
    model: Option<String>,
    #[serde(default)]
    description: Option<String>,
    #[serde(default)]
    case: Option<CaseId>,
    #[serde(default)]
    end: Option<Value>,
    #[serde(default)]
    expect_gaps: Vec<super::GapKind>,
}

/// Reads a time: a TOML date (midnight UTC), a date-time with offset, or a local date-time
/// (taken as UTC); also the same as strings.
fn time(v: &Value) -> Result<DateTime<Utc>, String> {
    let text = match v {
        Value::Datetime(d) => d.to_string(),
        Value::String(s) => s.clone(),
        other => {
            return Err(format!(
                "verwacht een datum of tijdstip, niet {}",
                other.type_str()
            ));
        }
    };
    if let Ok(d) = NaiveDate::parse_from_str(&text, "%Y-%m-%d") {
        return Ok(d.and_time(NaiveTime::MIN).and_utc());
    }
    if let Ok(t) = DateTime::parse_from_rfc3339(&text) {
        return Ok(t.with_timezone(&Utc));
    }
    for fmt in [
        "%Y-%m-%dT%H:%M:%S",
        "%Y-%m-%dT%H:%M",
        "%Y-%m-%d %H:%M:%S",
        "%Y-%m-%d %H:%M",
    ] {
        if let Ok(t) = chrono::NaiveDateTime::parse_from_str(&text, fmt) {
            return Ok(t.and_utc());
        }
    }
    Err(format!("geen geldige datum of tijd: {text}"))
}

impl Scenario {
    /// Parses a scenario file.
    pub fn parse(file: &str, bytes: &[u8]) -> Result<Scenario, ScenarioError> {
        let err = |line: Option<usize>, message: String| ScenarioError {
            file: file.to_owned(),
            line,
            message,
        };
        // The same input limits as models: size, UTF-8, nesting, then TOML.
        let text = ave_model::parse::decode(file, bytes)
            .map_err(|d| err(d.location.map(|l| l.line), d.message))?;
        let doc: Table = toml::from_str(text).map_err(|e| {
            let line = e
                .span()
                .map(|s| text[..s.start.min(text.len())].matches('\n').count() + 1);
            err(line, format!("geen geldige TOML: {}", e.message().trim()))
        })?;
        // The n-th line that starts (after indentation) with `needle`, outside comments.
        let line_of = |needle: &str, nth: usize| -> Option<usize> {
            text.lines()
                .enumerate()
                .filter(|(_, l)| l.trim_start().starts_with(needle))
                .nth(nth)
                .map(|(i, _)| i + 1)
        };
        // The line of every `[[steps]]` header, found once (a scan per step would make long
        // scenarios quadratic).
        let step_lines: Vec<usize> = text
            .lines()
            .enumerate()
            .filter(|(_, l)| l.trim_start().starts_with("[[steps]]"))
            .map(|(i, _)| i + 1)
            .collect();
        let mut doc = doc;
        let known = ["scenario", "people", "household", "steps"];
        if let Some(k) = doc.keys().find(|k| !known.contains(&k.as_str())) {
            return Err(err(
                None,
                format!("onbekende sleutel `{k}`; toegestaan: {}", known.join(", ")),
            ));
        }
        let head: Head = doc
            .remove("scenario")
            .ok_or_else(|| err(None, "[scenario] ontbreekt".to_owned()))?
            .try_into()
            .map_err(|e: toml::de::Error| {
                err(
                    line_of("[scenario]", 0),
                    format!("[scenario]: {}", e.message()),
                )
            })?;
        let people: Vec<Person> = match doc.remove("people") {
            Some(v) => v.try_into().map_err(|e: toml::de::Error| {
                err(
                    line_of("[[people]]", 0),
                    format!("[[people]]: {}", e.message()),
                )
            })?,
            None => Vec::new(),
        };
        let household: Vec<Member> = match doc.remove("household") {
            Some(v) => v.try_into().map_err(|e: toml::de::Error| {
                err(
                    line_of("[[household]]", 0),
                    format!("[[household]]: {}", e.message()),
                )
            })?,
            None => Vec::new(),
        };
        let mut seen = std::collections::HashSet::new();
        for p in &people {
            if !seen.insert(&p.id) {
                return Err(err(
                    None,
                    format!("persoon {} staat twee keer in [[people]]", p.id),
                ));
            }
        }
        let case = match head.case {
            Some(c) => c,
            None => CaseId::parse("klantreis").map_err(|e| err(None, e.to_string()))?,
        };
        let end = head.end.as_ref().map(time).transpose().map_err(|m| {
            err(
                line_of("end ", 0).or_else(|| line_of("end=", 0)),
                format!("[scenario] end: {m}"),
            )
        })?;
        let raw_steps = match doc.remove("steps") {
            Some(Value::Array(items)) => items,
            Some(_) => {
                return Err(err(
                    None,
                    "`steps` moet een lijst [[steps]] zijn".to_owned(),
                ));
            }
            None => Vec::new(),
        };
        let mut steps = Vec::new();
        for (i, item) in raw_steps.into_iter().enumerate() {
            let line = step_lines.get(i).copied();
            let n = i + 1;
            let Value::Table(mut t) = item else {
                return Err(err(line, format!("stap {n} is geen tabel")));
            };
            let at = t.remove("at").ok_or_else(|| {
                err(
                    line,
                    format!("stap {n}: `at` (datum of tijdstip) ontbreekt"),
                )
            })?;
            let at = time(&at).map_err(|m| err(line, format!("stap {n}: at: {m}")))?;
            let then =
                match t.remove("then") {
                    Some(v) => Some(Then::deserialize(v).map_err(|e| {
                        err(line, format!("stap {n}: then: {}", e.message().trim()))
                    })?),
                    None => None,
                };
            let checks_only = !t.contains_key("do") && then.is_some();
            let by = match t.remove("by") {
                Some(Value::String(s)) => {
                    Some(PersonId::parse(s).map_err(|e| err(line, format!("stap {n}: by: {e}")))?)
                }
                Some(_) => {
                    return Err(err(
                        line,
                        format!("stap {n}: `by` is een id uit [[people]]"),
                    ));
                }
                None if checks_only => None,
                None => return Err(err(line, format!("stap {n}: `by` (wie) ontbreekt"))),
            };
            if let Some(by) = &by
                && !people.iter().any(|p| &p.id == by)
            {
                return Err(err(
                    line,
                    format!("stap {n}: {by} staat niet in [[people]]"),
                ));
            }
            let note = match t.remove("note") {
                Some(Value::String(s)) => Some(s),
                Some(_) => return Err(err(line, format!("stap {n}: `note` is tekst"))),
                None => None,
            };
            let code = match t.remove("expect_code") {
                Some(Value::String(s)) => Some(RejectionCode::parse(&s).ok_or_else(|| {
                    err(line, format!("stap {n}: onbekende weigeringscode {s:?}"))
                })?),
                Some(_) => return Err(err(line, format!("stap {n}: `expect_code` is tekst"))),
                None => None,
            };
            let expect = match (t.remove("expect"), code) {
                (Some(Value::String(s)), code) if s == "rejected" => Some(Expect::Rejected(code)),
                (Some(Value::String(s)), None) if s == "allowed" => Some(Expect::Allowed),
                (Some(Value::String(s)), Some(_)) if s == "allowed" => {
                    return Err(err(
                        line,
                        format!("stap {n}: `expect_code` hoort bij expect = \"rejected\""),
                    ));
                }
                (Some(other), _) => {
                    return Err(err(
                        line,
                        format!("stap {n}: expect is \"allowed\" of \"rejected\", niet {other}"),
                    ));
                }
                (None, Some(code)) => Some(Expect::Rejected(Some(code))),
                (None, None) => None,
            };
            let command = match &by {
                Some(by) if !checks_only => {
                    expand(&mut t, by, &case, &people, &household)
                        .map_err(|m| err(line, format!("stap {n}: {m}")))?;
                    Some(
                        Command::deserialize(Value::Table(t))
                            .map_err(|e| err(line, format!("stap {n}: {}", e.message().trim())))?,
                    )
                }
                _ => {
                    if let Some(k) = t.keys().next() {
                        return Err(err(
                            line,
                            format!("stap {n}: een controlestap (zonder `do`) heeft geen `{k}`"),
                        ));
                    }
                    if expect.is_some() {
                        return Err(err(
                            line,
                            format!("stap {n}: een controlestap (zonder `do`) heeft geen `expect`"),
                        ));
                    }
                    None
                }
            };
            steps.push(Step {
                at,
                by,
                command,
                expect,
                then,
                note,
                line,
            });
        }
        Ok(Scenario {
            title: head.title,
            model: head.model,
            description: head.description,
            case,
            end,
            expect_gaps: head.expect_gaps,
            people,
            household,
            steps,
        })
    }
}

/// Fills in what a scenario may leave out: for `open` the case id, the household and the
/// participants (ids of people, default the one opening); for `add-participant` the person's
/// name, function and organisation.
fn expand(
    t: &mut Table,
    by: &PersonId,
    case: &CaseId,
    people: &[Person],
    household: &[Member],
) -> Result<(), String> {
    let person_table = |id: &str| -> Result<Table, String> {
        let p = people
            .iter()
            .find(|p| p.id.as_str() == id)
            .ok_or_else(|| format!("{id} staat niet in [[people]]"))?;
        let mut pt = Table::new();
        pt.insert("person".into(), Value::String(p.id.to_string()));
        pt.insert("name".into(), Value::String(p.name.clone()));
        pt.insert("function".into(), Value::String(p.function.to_string()));
        pt.insert("organisation".into(), Value::String(p.organisation.clone()));
        Ok(pt)
    };
    match t.get("do").and_then(Value::as_str) {
        Some("open") => {
            t.entry("case")
                .or_insert_with(|| Value::String(case.to_string()));
            if !t.contains_key("household") {
                let members = Value::try_from(household).map_err(|e| e.to_string())?;
                t.insert("household".into(), members);
            }
            let ids: Vec<String> = match t.remove("participants") {
                Some(Value::Array(items)) => items
                    .into_iter()
                    .map(|v| match v {
                        Value::String(s) => Ok(s),
                        _ => Err("participants is een lijst van ids uit [[people]]".to_owned()),
                    })
                    .collect::<Result<_, _>>()?,
                Some(_) => {
                    return Err("participants is een lijst van ids uit [[people]]".to_owned());
                }
                None => vec![by.to_string()],
            };
            let tables = ids
                .iter()
                .map(|id| person_table(id).map(Value::Table))
                .collect::<Result<Vec<_>, _>>()?;
            t.insert("participants".into(), Value::Array(tables));
        }
        Some("add-participant") if !t.contains_key("function") => {
            let id = t
                .get("person")
                .and_then(Value::as_str)
                .ok_or("add-participant noemt een `person` uit [[people]]")?
                .to_owned();
            for (k, v) in person_table(&id)? {
                t.insert(k, v);
            }
        }
        Some(_) => {}
        None => return Err("`do` (welk commando) ontbreekt".to_owned()),
    }
    Ok(())
}
