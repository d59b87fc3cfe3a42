//! Test support: a fresh database per test on each backend, and households whose histories
//! the engine produces (so every stored history obeys the model).

use std::future::Future;
use std::sync::Arc;
use std::sync::atomic::{AtomicU32, Ordering};

use ave_engine::command::{Command, Envelope, Participant};
use ave_engine::ids::{CaseId, PersonId};
use ave_engine::{Case, Recorded, execute};
use ave_model::ValidModel;
use ave_store::{Append, CaseRow, GroupCommit, ModelRecord, Store};
use chrono::{DateTime, TimeZone, Utc};

/// The person who opens every case and may hold casusregie (a consulent).
pub const CASUSREGISSEUR: &str = "consulent-1";

/// The complete annotated example from `docs/model-format.md`.
pub fn model_text() -> String {
    let doc = include_str!("../../../../docs/model-format.md");
    let section = doc
        .find("## A complete annotated example")
        .expect("the example section");
    let start = section + doc[section..].find("```toml\n").expect("toml block") + "```toml\n".len();
    let len = doc[start..].find("```").expect("block end");
    doc[start..start + len].to_owned()
}

/// The example model.
pub fn model() -> ValidModel {
    ave_model::check(
        "voorbeeld.toml",
        model_text().as_bytes(),
        &ave_model::NoBases,
    )
    .into_valid()
    .expect("the example is valid")
}

/// Day `n` of 2026 at 09:00 UTC.
pub fn at(n: u32) -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 1, 1, 9, 0, 0)
        .single()
        .expect("date")
        + chrono::Days::new(u64::from(n))
}

fn participant(person: &str, function: &str) -> Participant {
    Participant {
        person: PersonId::parse(person).expect("id"),
        name: person.to_owned(),
        function: ave_model::FunctionId::parse(function).expect("function"),
        organisation: "Gemeente".to_owned(),
    }
}

fn command(value: serde_json::Value) -> Command {
    serde_json::from_value(value).expect("a valid command")
}

/// A case opened in phase 2 of the example, with its events and state.
pub fn opened_case(model: &ValidModel, id: &CaseId) -> (Case, Vec<Recorded>) {
    let open = command(serde_json::json!({
        "do": "open",
        "case": id.as_str(),
        "phase": "2",
        "reason": "zorgen over het gezin",
        "household": [{"member": "lid-1", "role": "ouder"}],
        "participants": [
            participant(CASUSREGISSEUR, "consulent"),
            participant("teamleider-1", "teamleider"),
        ],
    }));
    let mut case = None;
    let env = Envelope {
        at: at(1),
        by: PersonId::parse(CASUSREGISSEUR).expect("id"),
        command: open,
    };
    let events = execute(model, &mut case, &env).expect("the case opens");
    (case.expect("open"), events)
}

/// One database of one backend, fresh for one test.
pub struct TestDb {
    pub store: Store,
    pub writer: GroupCommit,
    pub model: ValidModel,
    /// Where the SQLite file lives (kept alive for the test).
    pub dir: tempfile::TempDir,
    /// The database's URL, to open it again.
    pub url: String,
    postgres: Option<(String, String)>,
}

static NEXT: AtomicU32 = AtomicU32::new(0);

impl TestDb {
    async fn ready(
        store: Store,
        dir: tempfile::TempDir,
        url: String,
        postgres: Option<(String, String)>,
    ) -> TestDb {
        store.migrate().await.expect("migrate");
        let text = model_text();
        let model = model();
        store
            .put_model(&ModelRecord {
                id: model.model().model.id.as_str().to_owned(),
                version: model.model().model.version.clone(),
                sha256: hex::encode(sha2::Digest::finalize(sha2::Digest::chain_update(
                    <sha2::Sha256 as sha2::Digest>::new(),
                    text.as_bytes(),
                ))),
                text,
                stored_at: at(0),
            })
            .await
            .expect("model stored");
        let writer = GroupCommit::start(store.clone());
        TestDb {
            store,
            writer,
            model,
            dir,
            url,
            postgres,
        }
    }

    /// A fresh SQLite file.
    pub async fn sqlite() -> TestDb {
        let dir = tempfile::tempdir().expect("tempdir");
        let url = format!("sqlite://{}", dir.path().join("ave.sqlite").display());
        let store = Store::open(&url).await.expect("open sqlite");
        TestDb::ready(store, dir, url, None).await
    }

    /// A fresh database on the PostgreSQL server at `admin` (a URL to its `postgres` db).
    pub async fn postgres(admin: &str) -> TestDb {
        let name = format!(
            "ave_test_{}_{}",
            std::process::id(),
            NEXT.fetch_add(1, Ordering::Relaxed)
        );
        admin_exec(admin, &format!("DROP DATABASE IF EXISTS {name}")).await;
        admin_exec(admin, &format!("CREATE DATABASE {name}")).await;
        let url = match admin.rsplit_once('/') {
            Some((server, _)) => format!("{server}/{name}"),
            None => panic!("AVE_TEST_POSTGRES is no URL: {admin}"),
        };
        let store = Store::open(&url).await.expect("open postgres");
        let dir = tempfile::tempdir().expect("tempdir");
        TestDb::ready(store, dir, url, Some((admin.to_owned(), name))).await
    }

    /// Runs raw SQL on the database (to play the attacker who edits it).
    pub async fn exec(&self, sql: &str) {
        self.store.raw_exec(sql).await.expect("raw sql");
    }

    async fn drop_postgres(self) {
        if let Some((admin, name)) = self.postgres {
            self.store.close().await;
            admin_exec(&admin, &format!("DROP DATABASE IF EXISTS {name}")).await;
        }
    }
}

async fn admin_exec(admin: &str, sql: &str) {
    let store = Store::open(admin)
        .await
        .expect("the PostgreSQL server answers");
    store.raw_exec(sql).await.expect("admin sql");
    store.close().await;
}

/// Asserts that every chain of `store` verifies.
pub async fn assert_verifies(store: &Store) {
    let report = store.verify().await.expect("verify");
    assert!(report.first_problem.is_none(), "{:?}", report.first_problem);
}

/// The versions the appends of a batch stored their cases at, in order; fails on any that
/// was refused.
pub fn stored_versions(results: &[Result<ave_store::Appended, ave_store::StoreError>]) -> Vec<u64> {
    results
        .iter()
        .map(|r| r.as_ref().expect("stored").version)
        .collect()
}

/// Checks that each household's case is stored at the version given, with as many events.
pub async fn assert_at(store: &Store, cases: &[(&Household, u64)]) {
    for (h, version) in cases {
        assert_eq!(
            store.version(&h.id).await.expect("v"),
            Some(*version),
            "{}",
            h.id
        );
        let events = store.events(&h.id, 0).await.expect("events");
        assert_eq!(events.len() as u64, *version, "{}", h.id);
    }
}

/// The ids of the cases in which `person` holds a role, as the store lists them.
pub async fn held_by(store: &Store, person: &str) -> Vec<String> {
    let filter = ave_store::CaseFilter {
        holder: Some(person.to_owned()),
        ..ave_store::CaseFilter::default()
    };
    let page = store
        .list(&filter, "2026-01-01", 0, 10)
        .await
        .expect("list");
    page.items.iter().map(|r| r.id.to_string()).collect()
}

/// Runs `test` on a fresh SQLite database and, when configured, on a fresh PostgreSQL one.
pub async fn on_every_backend<F, Fut>(test: F)
where
    F: Fn(Arc<TestDb>) -> Fut,
    Fut: Future<Output = ()>,
{
    test(Arc::new(TestDb::sqlite().await)).await;
    match std::env::var("AVE_TEST_POSTGRES") {
        Ok(url) if !url.is_empty() => {
            let db = Arc::new(TestDb::postgres(&url).await);
            test(Arc::clone(&db)).await;
            if let Ok(db) = Arc::try_unwrap(db) {
                db.drop_postgres().await;
            }
        }
        _ if std::env::var("AVE_REQUIRE_POSTGRES").as_deref() == Ok("1") => {
            panic!("AVE_REQUIRE_POSTGRES=1 but AVE_TEST_POSTGRES names no server")
        }
        _ => {}
    }
}

/// A household's case, kept in memory next to the store, written through the store.
pub struct Household {
    pub id: CaseId,
    pub gemeente: String,
    pub case: Option<Case>,
    pub events: Vec<Recorded>,
    model: ValidModel,
    clock: u32,
    signals: u32,
}

impl Household {
    /// Opens a case and stores it.
    pub async fn open(db: &TestDb, id: &str, gemeente: &str) -> Household {
        let (h, append) = Household::planned(db, id, gemeente);
        db.writer.append(append).await.expect("stored");
        h
    }

    pub fn case(&self) -> &Case {
        self.case.as_ref().expect("open")
    }

    /// Runs a command on a copy of the case and returns the append it would store, as if
    /// decided on version `expected` (events numbered after it).
    fn append_for(&self, cmd: Command, expected: u64) -> (Append, Option<Case>) {
        let mut case = self.case.clone();
        let env = Envelope {
            at: at(self.clock + 1),
            by: PersonId::parse(CASUSREGISSEUR).expect("id"),
            command: cmd,
        };
        let mut events = execute(&self.model, &mut case, &env).expect("command allowed");
        let shift = self.case().seq() - expected;
        for e in &mut events {
            e.seq -= shift;
        }
        let row = CaseRow::of(
            &self.model,
            case.as_ref().expect("open"),
            Some(&self.gemeente),
        );
        (
            Append {
                case: self.id.clone(),
                expected,
                events,
                row,
                provenance: Vec::new(),
                notify: Vec::new(),
                audit: None,
            },
            case,
        )
    }

    fn signal_command(&self, n: u32) -> Command {
        command(serde_json::json!({
            "do": "record-signal",
            "signal": format!("signaal-{n}"),
            "source": "wijkagent",
            "category": "zorg",
            "text": format!("melding {n} over het gezin"),
        }))
    }

    /// A household whose case is opened in memory, with the append that would store the
    /// opening (not stored).
    pub fn planned(db: &TestDb, id: &str, gemeente: &str) -> (Household, Append) {
        let id = CaseId::parse(id).expect("id");
        let (case, events) = opened_case(&db.model, &id);
        let h = Household {
            id,
            gemeente: gemeente.to_owned(),
            case: Some(case),
            events: events.clone(),
            model: db.model.clone(),
            clock: 1,
            signals: 0,
        };
        let row = CaseRow::of(&h.model, h.case(), Some(gemeente));
        let append = Append {
            case: h.id.clone(),
            expected: 0,
            events,
            row,
            provenance: Vec::new(),
            notify: Vec::new(),
            audit: None,
        };
        (h, append)
    }

    /// The append of a command (in its JSON form) by the opener, decided on the case as it
    /// is (not stored).
    pub fn next_append(&self, value: serde_json::Value) -> Append {
        self.append_for(command(value), self.case().seq()).0
    }

    /// The append of the next signal, decided on version `expected` (not stored).
    pub fn next_signal_append(&self, expected: u64) -> Append {
        self.append_for(self.signal_command(self.signals + 1), expected)
            .0
    }

    async fn store(&mut self, db: &TestDb, cmd: Command) {
        let (append, case) = self.append_for(cmd, self.case().seq());
        self.events.extend(append.events.iter().cloned());
        db.writer.append(append).await.expect("stored");
        self.case = case;
        self.clock += 1;
    }

    /// Records `n` signals, one command each.
    pub async fn signal(&mut self, db: &TestDb, n: u32) {
        for _ in 0..n {
            self.signals += 1;
            let cmd = self.signal_command(self.signals);
            self.store(db, cmd).await;
        }
    }

    /// Runs any command (in its JSON form) as the opener.
    pub async fn run(&mut self, db: &TestDb, value: serde_json::Value) {
        self.store(db, command(value)).await;
    }

    /// The opener takes casusregie.
    pub async fn assign_casusregie(&mut self, db: &TestDb) {
        let cmd = command(serde_json::json!({
            "do": "assign-role",
            "role": "casusregie",
            "person": CASUSREGISSEUR,
        }));
        self.store(db, cmd).await;
    }
}
