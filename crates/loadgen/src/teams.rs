//! The write scenarios' cases spread over the seeded teams, as the seeded cases are.
//!
//! A benchmark database seeded with a caseload (`ave-load seed --caseload 100`) has every
//! function of a gemeente held by a team of people per about a hundred households (`…-1`,
//! `…-2`, …), and each household is worked by one team. The demo's script of a household
//! names team 1. Had every case a run opens been worked by that one team, its thirty-odd
//! people would each have been involved in tens of thousands of cases after a few minutes:
//! their lists, read in the workflow scenario, would have grown with the run's length (a
//! list p50 of 47 ms after 20 s per scenario, of 1.5 s after 240 s) and said nothing about
//! a professional's list. So each case a scenario opens is worked by a team chosen at
//! random ([`Teams::pick`]): the same script, with team 1's people replaced by those of
//! team *k* wherever they occur — the opener, the participants, who gives each command and
//! whom it names.

use std::collections::HashMap;
use std::sync::Arc;

use ave_demo::Script;
use ave_engine::ids::PersonId;
use serde::Serialize;
use serde::de::DeserializeOwned;
use serde_json::Value;

use crate::LoadError;
use crate::tokens::Tokens;

/// Per gemeente, its script once for every team the database has (team 1 first).
#[derive(Debug, Clone)]
pub struct Teams(Vec<Vec<Arc<Script>>>);

impl Teams {
    /// The scripts of `scripts` (one per gemeente, naming team 1) for every team whose
    /// people all have a token in `tokens` (so exist in the database's directory).
    pub fn new(scripts: Vec<Script>, tokens: &Tokens) -> Result<Teams, LoadError> {
        let mut out = Vec::with_capacity(scripts.len());
        for script in scripts {
            let people = people(&script);
            let mut teams = vec![Arc::new(script)];
            for team in 2.. {
                let Some(names) = renamed(&people, team, tokens) else {
                    break;
                };
                teams.push(Arc::new(with_people(&teams[0], &names)?));
            }
            out.push(teams);
        }
        Ok(Teams(out))
    }

    /// How many gemeenten have scripts.
    pub fn gemeenten(&self) -> usize {
        self.0.len()
    }

    /// The script of gemeente `gemeente` (modulo the number of gemeenten) for a team chosen
    /// by `rng`.
    pub fn pick(&self, gemeente: usize, rng: &mut fastrand::Rng) -> &Arc<Script> {
        let teams = &self.0[gemeente % self.0.len()];
        &teams[rng.usize(..teams.len())]
    }
}

/// Everyone the script names as a person: the opener, the first participants, and who gives
/// each command (the people a command names are among them).
fn people(script: &Script) -> Vec<String> {
    let mut out: Vec<String> = std::iter::once(script.opener.as_str())
        .chain(script.open.participants.iter().map(|p| p.person.as_str()))
        .chain(script.steps.iter().map(|(by, _)| by.as_str()))
        .map(str::to_owned)
        .collect();
    out.sort_unstable();
    out.dedup();
    out
}

/// Team `team`'s person for each of `people` (`x-1` → `x-team`), or `None` when one of them
/// has no token (the team does not exist in the database) or is not named as a team 1
/// person (`…-1`): then the script keeps its one team.
fn renamed(people: &[String], team: usize, tokens: &Tokens) -> Option<HashMap<String, String>> {
    people
        .iter()
        .map(|p| {
            let base = p.strip_suffix("-1")?;
            let other = format!("{base}-{team}");
            tokens.contains_key(&other).then(|| (p.clone(), other))
        })
        .collect()
}

/// `script` with every person of `names` replaced.
fn with_people(script: &Script, names: &HashMap<String, String>) -> Result<Script, LoadError> {
    let person = |p: &PersonId| -> Result<PersonId, LoadError> {
        match names.get(p.as_str()) {
            Some(other) => PersonId::parse(other).map_err(|_| failed(other)),
            None => Ok(p.clone()),
        }
    };
    Ok(Script {
        gemeente: script.gemeente.clone(),
        model_id: script.model_id.clone(),
        opener: person(&script.opener)?,
        open: replaced(&script.open, names)?,
        steps: script
            .steps
            .iter()
            .map(|(by, command)| Ok((person(by)?, replaced(command, names)?)))
            .collect::<Result<_, LoadError>>()?,
    })
}

/// `value` with every string that is a person of `names` replaced, through its JSON form:
/// a command names people in fields of its own kind (a role's holder, a meeting's
/// attendees, …), and this finds them all without knowing each kind.
fn replaced<T: Serialize + DeserializeOwned>(
    value: &T,
    names: &HashMap<String, String>,
) -> Result<T, LoadError> {
    let mut json = serde_json::to_value(value).map_err(|e| failed(e.to_string()))?;
    replace(&mut json, names);
    serde_json::from_value(json).map_err(|e| failed(e.to_string()))
}

fn replace(value: &mut Value, names: &HashMap<String, String>) {
    match value {
        Value::String(s) => {
            if let Some(other) = names.get(s.as_str()) {
                s.clone_from(other);
            }
        }
        Value::Array(items) => items.iter_mut().for_each(|v| replace(v, names)),
        Value::Object(fields) => fields.values_mut().for_each(|v| replace(v, names)),
        Value::Null | Value::Bool(_) | Value::Number(_) => {}
    }
}

fn failed(reason: impl std::fmt::Display) -> LoadError {
    LoadError::Setup {
        scenario: "teams",
        reason: format!("script niet voor een ander team te maken: {reason}"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn script() -> Script {
        ave_demo::script(0, 2, crate::wall_clock())
            .expect("demo")
            .expect("a script")
    }

    fn tokens_for(script: &Script, teams: usize) -> Tokens {
        let mut tokens = Tokens::new();
        for p in people(script) {
            let base = p.strip_suffix("-1").expect("team 1");
            for team in 1..=teams {
                tokens.insert(format!("{base}-{team}"), format!("token-{team}"));
            }
        }
        tokens
    }

    fn sizes(teams: &Teams) -> Vec<usize> {
        teams.0.iter().map(Vec::len).collect()
    }

    #[test]
    fn every_team_in_the_directory_gets_the_script_with_its_own_people_everywhere() {
        let one = script();
        let teams = Teams::new(vec![one.clone()], &tokens_for(&one, 3)).expect("teams");
        assert_eq!(sizes(&teams), vec![3]);
        let third = &teams.0[0][2];
        assert!(third.opener.as_str().ends_with("-3"), "{}", third.opener);
        assert_eq!(third.steps.len(), one.steps.len());
        let json =
            |s: &Script| serde_json::to_string(&(&s.opener, &s.open, &s.steps)).expect("json");
        let (before, after) = (json(&one), json(third.as_ref()));
        for p in people(&one) {
            let team3 = format!("\"{}-3\"", p.strip_suffix("-1").expect("team 1"));
            assert!(
                before.contains(&format!("\"{p}\"")),
                "{p} not in the script"
            );
            assert!(!after.contains(&format!("\"{p}\"")), "{p} still named");
            assert!(after.contains(&team3), "{team3} not named");
        }
        // Only people change: the same commands, in the same order, of the same kinds.
        for ((_, a), (_, b)) in one.steps.iter().zip(&third.steps) {
            assert_eq!(a.name(), b.name());
        }
        assert_eq!(teams.0[0][0].opener, one.opener);
    }

    #[test]
    fn without_a_seeded_team_the_script_stays_as_it_is() {
        let one = script();
        let mut tokens = tokens_for(&one, 1);
        // Team 2 incomplete: one of its people is missing.
        for p in people(&one).iter().skip(1) {
            let base = p.strip_suffix("-1").expect("team 1");
            tokens.insert(format!("{base}-2"), "t".to_owned());
        }
        let teams = Teams::new(vec![one.clone()], &tokens).expect("teams");
        assert_eq!(sizes(&teams), vec![1]);
        let mut rng = fastrand::Rng::with_seed(1);
        assert_eq!(teams.pick(0, &mut rng).opener, one.opener);
    }
}
