//! The scenarios: what one client does in one step of its loop, and what counts as success.
//!
//! - `hello`: `GET /` of the hello-world endpoint (the HTTP ceiling).
//! - `commit`: one row inserted and committed on the database (the durable-commit ceiling).
//! - `read`: `GET /api/v1/casussen/{id}` of a random existing case.
//! - `list`: `GET /api/v1/casussen?gemeente=…&fase=…&paginaGrootte=100` of a random
//!   gemeente and phase with at least a full page of cases.
//! - `transition`: each client opens a case of its own over the API (not counted) and then
//!   gives, one by one over `POST …/opdrachten` with `If-Match`, the commands the demo's
//!   engine-made history gives after opening — roles, signals, plan, evaluations, criteria,
//!   a proposal to op- or afschalen and its decision — each a durable command; then the next
//!   case. Every command is counted under its name and under `opdracht` (all of them).
//! - `workflow`: create a case, add a signal, add a role, read the case, list a page — the
//!   sequence other case systems are measured on.
//! - `page-…`: one web page, `GET` with a session cookie as a browser asks for it
//!   ([`crate::pages`]); its body sizes are recorded too.
//!
//! The cases `transition` and `workflow` open are each worked by a team of the seeded
//! database chosen at random, as the seeded cases are ([`crate::teams`]), so that no
//! professional's caseload grows with the length of the run.
//!
//! With more than one target, client `i` talks to target `i mod n`.

use std::sync::Arc;
use std::time::Instant;

use ave_demo::Script;
use ave_engine::command::Command;
use serde_json::{Value, json};

use crate::clock;
use crate::db::{CommitCeiling, Fixture, ListFilter};
use crate::http::{Answer, Target, TransportError};
use crate::runner::Recorder;
use crate::teams::Teams;

/// The page size of the list scenarios.
pub const PAGE: u64 = 100;

/// A client's own state across its steps.
#[derive(Debug)]
pub struct ClientState {
    client: usize,
    rng: fastrand::Rng,
    n: u64,
    /// The case this client is writing to.
    case: Option<Writing>,
}

/// A case a client of the transition scenario is giving commands to.
#[derive(Debug)]
struct Writing {
    id: String,
    /// Its version (`ETag`), for `If-Match`.
    etag: String,
    /// The next step of `script`.
    next: usize,
    /// The script (the team) it follows.
    script: Arc<Script>,
}

impl ClientState {
    /// The state of client number `client` (which also seeds its random choices).
    pub fn new(client: usize) -> ClientState {
        ClientState {
            client,
            rng: fastrand::Rng::with_seed(0xA0E_10AD ^ client as u64),
            n: 0,
            case: None,
        }
    }
}

/// A scenario with what it needs.
#[derive(Debug)]
pub enum Scenario {
    /// The hello-world ceiling.
    Hello {
        /// The hello-world endpoint.
        target: Target,
    },
    /// The durable-commit ceiling.
    Commit {
        /// The database.
        ceiling: CommitCeiling,
    },
    /// Read a random existing case.
    Read {
        /// The services.
        targets: Vec<Target>,
        /// Every case id.
        cases: Arc<Vec<(String, String)>>,
    },
    /// A filtered list page.
    List {
        /// The services.
        targets: Vec<Target>,
        /// Filters with a full page.
        filters: Vec<ListFilter>,
    },
    /// Durable commands on cases of the client's own.
    Transition {
        /// The services.
        targets: Vec<Target>,
        /// The scripts per gemeente and team; a client works cases of one gemeente, each
        /// case with a team of its own.
        teams: Teams,
    },
    /// Create, signal, role, read, list.
    Workflow {
        /// The services.
        targets: Vec<Target>,
        /// The scripts per gemeente and team (a script's opening and first role are used).
        teams: Teams,
    },
    /// A web page.
    Page {
        /// The services (with the run's session cookies).
        targets: Vec<Target>,
        /// Which page.
        page: &'static crate::pages::Page,
        /// The cases and filters to choose from.
        fixture: Arc<Fixture>,
        /// Ask with `Accept-Encoding: gzip`, as a browser does.
        gzip: bool,
    },
}

/// The outcome of an answer: `Ok` when its status is `expected`, else the status code.
fn expect(answer: &Result<Answer, TransportError>, expected: u16) -> Result<(), String> {
    match answer {
        Ok(a) if a.status.as_u16() == expected => Ok(()),
        Ok(a) => Err(a.status.as_u16().to_string()),
        Err(_) => Err("verbinding".to_owned()),
    }
}

/// Percent-encodes a query value (everything but unreserved characters).
pub fn encode(value: &str) -> String {
    let mut out = String::with_capacity(value.len());
    for b in value.bytes() {
        if b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'.' | b'~') {
            out.push(char::from(b));
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

fn list_path(gemeente: &str, phase: &str) -> String {
    format!(
        "/api/v1/casussen?gemeente={}&fase={}&paginaGrootte={PAGE}",
        encode(gemeente),
        encode(phase)
    )
}

/// The body of `POST /api/v1/casussen` that opens a case as `script` does.
pub fn create_body(script: &Script) -> Value {
    let o = &script.open;
    json!({
        "model": script.model_id,
        "gemeente": script.gemeente,
        "fase": o.phase.as_str(),
        "reden": o.reason,
        "huishouden": o.household.iter().map(|m| json!({
            "lid": m.member.as_str(),
            "rol": m.role,
            "minderjarig": m.minor,
        })).collect::<Vec<_>>(),
        "deelnemers": o.participants.iter().map(|p| json!({
            "persoon": p.person.as_str(),
            "naam": p.name,
            "functie": p.function.as_str(),
            "organisatie": p.organisation,
        })).collect::<Vec<_>>(),
    })
}

/// The id of a created case, from its body (or the last segment of `Location`).
fn created_id(answer: &Answer) -> Option<String> {
    serde_json::from_slice::<Value>(&answer.body)
        .ok()
        .and_then(|v| v.get("id").and_then(Value::as_str).map(str::to_owned))
        .or_else(|| {
            answer
                .location
                .as_deref()
                .and_then(|l| l.rsplit('/').next())
                .map(str::to_owned)
        })
}

/// The name a command's latency is counted under.
pub fn command_name(c: &Command) -> &'static str {
    c.name()
}

impl Scenario {
    /// The scenario's name.
    pub fn name(&self) -> &'static str {
        match self {
            Scenario::Hello { .. } => "hello",
            Scenario::Commit { .. } => "commit",
            Scenario::Read { .. } => "read",
            Scenario::List { .. } => "list",
            Scenario::Transition { .. } => "transition",
            Scenario::Workflow { .. } => "workflow",
            Scenario::Page { page, .. } => page.scenario,
        }
    }

    fn target<'t>(targets: &'t [Target], state: &ClientState) -> &'t Target {
        &targets[state.client % targets.len()]
    }

    /// One step of one client.
    pub async fn step(&self, state: &mut ClientState, rec: &mut Recorder) {
        match self {
            Scenario::Hello { target } => {
                let t0 = clock();
                let answer = target.get("/", None).await;
                rec.record("hello", t0, expect(&answer, 200));
            }
            Scenario::Commit { ceiling } => {
                state.n += 1;
                let t0 = clock();
                let result = ceiling.commit_one(state.client, state.n).await;
                rec.record("commit", t0, result.map_err(|_| "database".to_owned()));
            }
            Scenario::Read { targets, cases } => {
                let (id, reader) = &cases[state.rng.usize(..cases.len())];
                let path = format!("/api/v1/casussen/{id}");
                let t0 = clock();
                let answer = Self::target(targets, state)
                    .get(&path, Some(reader.as_str()))
                    .await;
                rec.record("read", t0, expect(&answer, 200));
            }
            Scenario::List { targets, filters } => {
                let f = &filters[state.rng.usize(..filters.len())];
                let path = list_path(&f.gemeente, &f.phase);
                let t0 = clock();
                let answer = Self::target(targets, state)
                    .get(&path, Some(f.reader.as_str()))
                    .await;
                rec.record("list", t0, expect(&answer, 200));
            }
            Scenario::Transition { targets, teams } => {
                let target = Self::target(targets, state);
                transition_step(target, teams, state, rec).await;
            }
            Scenario::Workflow { targets, teams } => {
                let target = Self::target(targets, state);
                let gemeente = state.rng.usize(..teams.gemeenten());
                let script = teams.pick(gemeente, &mut state.rng);
                workflow(target, script, rec).await;
            }
            Scenario::Page {
                targets,
                page,
                fixture,
                gzip,
            } => {
                let (path, person) = (page.path)(fixture, &mut state.rng);
                let t0 = clock();
                let answer = Self::target(targets, state)
                    .page(&path, &person, *gzip)
                    .await;
                let outcome = crate::pages::outcome(&answer);
                let ok = outcome.is_ok();
                rec.record(page.step, t0, outcome);
                // Sizes after the latency is taken: decompressing is the client's work.
                if let (true, Ok(a)) = (ok, &answer) {
                    match crate::pages::plain_body(a) {
                        Some(plain) => {
                            rec.record_size(page.step, t0, a.body.len() as u64, plain.len() as u64)
                        }
                        None => rec.record(page.step, t0, Err("gzip onleesbaar".to_owned())),
                    }
                }
            }
        }
    }
}

/// Opens a case as `script` does; returns its id and `ETag`.
async fn create(
    target: &Target,
    script: &Script,
    rec: &mut Recorder,
    step: &'static str,
) -> Option<(String, String)> {
    let t0 = clock();
    let answer = target
        .post_json(
            "/api/v1/casussen",
            Some(script.opener.as_str()),
            None,
            &create_body(script),
        )
        .await;
    let outcome = expect(&answer, 201);
    let ok = outcome.is_ok();
    rec.record(step, t0, outcome);
    let answer = answer.ok().filter(|_| ok)?;
    let id = created_id(&answer)?;
    Some((id, answer.etag.unwrap_or_default()))
}

async fn transition_step(
    target: &Target,
    teams: &Teams,
    state: &mut ClientState,
    rec: &mut Recorder,
) {
    let case = match state.case.take() {
        Some(c) if c.next < c.script.steps.len() => c,
        _ => {
            let script = Arc::clone(teams.pick(state.client, &mut state.rng));
            match create(target, &script, rec, "aanmaken (voorbereiding)").await {
                Some((id, etag)) => Writing {
                    id,
                    etag,
                    next: 0,
                    script,
                },
                None => return,
            }
        }
    };
    let (by, command) = &case.script.steps[case.next];
    let body = match serde_json::to_value(command) {
        Ok(v) => v,
        Err(_) => return,
    };
    let path = format!("/api/v1/casussen/{}/opdrachten", case.id);
    let if_match = (!case.etag.is_empty()).then_some(case.etag.as_str());
    let t0 = clock();
    let answer = target
        .post_json(&path, Some(by.as_str()), if_match, &body)
        .await;
    let outcome = expect(&answer, 200);
    rec.record(command_name(command), t0, outcome.clone());
    rec.record("opdracht", t0, outcome.clone());
    match (outcome, answer) {
        (Ok(()), Ok(a)) => {
            state.case = Some(Writing {
                etag: a.etag.unwrap_or_default(),
                next: case.next + 1,
                ..case
            });
        }
        // A refused command leaves the case behind; the next step opens a new one.
        _ => state.case = None,
    }
}

async fn workflow(target: &Target, script: &Script, rec: &mut Recorder) {
    let started: Instant = clock();
    let Some((id, _)) = create(target, script, rec, "aanmaken").await else {
        return;
    };
    let opener = script.opener.as_str();
    let t0 = clock();
    let answer = target
        .post_json(
            &format!("/api/v1/casussen/{id}/signalen"),
            Some(opener),
            None,
            &json!({
                "bron": "wijkagent",
                "categorie": "overlast",
                "tekst": "Melding van de wijkagent over overlast",
            }),
        )
        .await;
    let outcome = expect(&answer, 201);
    let failed = outcome.is_err();
    rec.record("signaal", t0, outcome);
    if failed {
        return;
    }
    let role = script.steps.iter().find_map(|(by, c)| match c {
        Command::AssignRole(a) => Some((by, a)),
        _ => None,
    });
    if let Some((by, a)) = role {
        let t0 = clock();
        let answer = target
            .post_json(
                &format!("/api/v1/casussen/{id}/rollen"),
                Some(by.as_str()),
                None,
                &json!({ "rol": a.role, "persoon": a.person.as_str() }),
            )
            .await;
        let outcome = expect(&answer, 200);
        let failed = outcome.is_err();
        rec.record("rol", t0, outcome);
        if failed {
            return;
        }
    }
    let t0 = clock();
    let answer = target
        .get(
            &format!("/api/v1/casussen/{id}"),
            Some(script.opener.as_str()),
        )
        .await;
    let outcome = expect(&answer, 200);
    let phase = answer
        .ok()
        .and_then(|a| serde_json::from_slice::<Value>(&a.body).ok())
        .and_then(|v| v.get("fase").and_then(Value::as_str).map(str::to_owned))
        .unwrap_or_else(|| script.open.phase.as_str().to_owned());
    let failed = outcome.is_err();
    rec.record("lezen", t0, outcome);
    if failed {
        return;
    }
    let t0 = clock();
    let answer = target
        .get(
            &list_path(&script.gemeente, &phase),
            Some(script.opener.as_str()),
        )
        .await;
    let outcome = expect(&answer, 200);
    let whole = outcome.clone();
    rec.record("lijst", t0, outcome);
    rec.record("workflow (5 verzoeken)", started, whole);
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn encodes_query_values() {
        assert_eq!(encode("2A"), "2A");
        assert_eq!(encode("Den Bosch & Co"), "Den%20Bosch%20%26%20Co");
    }
}
