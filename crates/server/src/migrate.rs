//! Moving open cases to a new version of their model: an explicit action (`ave model
//! migrate`), one `model_changed` event per case, each decided against the new version. A
//! case that does not fit stays where it is, with the engine's reason; nothing else changes.

use ave_engine::command::{ChangeModel, Command, Envelope};
use ave_engine::ids::PersonId;
use ave_engine::{Case, execute};
use ave_model::ValidModel;
use ave_store::{Append, CaseFilter, CaseRow, Store, StoreError};
use chrono::{DateTime, Utc};

/// What a move did (or, as a trial, would do).
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct Moved {
    /// Cases moved (or movable, in a trial).
    pub moved: Vec<String>,
    /// Cases that stay, with the engine's code and reason.
    pub refused: Vec<(String, String, String)>,
    /// Open cases of this model already under the version.
    pub already: usize,
}

/// Moves every open case of `model`'s id to `model`'s version, as `by`, for `reason`, at
/// `at`. With `trial` nothing is written.
pub async fn move_open_cases(
    store: &Store,
    model: &ValidModel,
    by: &PersonId,
    reason: &str,
    at: DateTime<Utc>,
    trial: bool,
) -> Result<Moved, StoreError> {
    let md = &model.model().model;
    let today = ave_model::time::local_date(chrono_tz::Europe::Amsterdam, at).to_string();
    let filter = CaseFilter {
        closed: Some(false),
        ..CaseFilter::default()
    };
    // First every candidate, then the moves: moving changes the list's order.
    let mut candidates = Vec::new();
    let mut out = Moved::default();
    let mut offset = 0;
    loop {
        let page = store.list(&filter, &today, offset, 500).await?;
        let n = page.items.len() as u64;
        for row in page.items {
            if row.model_id != md.id.as_str() {
                continue;
            }
            if row.model_version == md.version {
                out.already += 1;
            } else {
                candidates.push(row);
            }
        }
        offset += n;
        if n == 0 || offset >= page.total {
            break;
        }
    }
    let mut batch = Vec::new();
    for row in candidates {
        let events = store.events(&row.id, 0).await?;
        let case = match Case::replay(&events) {
            Ok(c) => c,
            Err(e) => {
                out.refused
                    .push((row.id.to_string(), "internal".to_owned(), e.to_string()));
                continue;
            }
        };
        let version = case.seq();
        let mut slot = Some(case);
        let env = Envelope {
            at: at.max(row.last_at),
            by: by.clone(),
            command: Command::ChangeModel(ChangeModel {
                version: md.version.clone(),
                reason: reason.to_owned(),
            }),
        };
        match execute(model, &mut slot, &env) {
            Err(r) => out
                .refused
                .push((row.id.to_string(), r.code.as_str().to_owned(), r.message)),
            Ok(recorded) => {
                let Some(case) = slot else { continue };
                out.moved.push(row.id.to_string());
                batch.push(Append {
                    case: row.id.clone(),
                    expected: version,
                    events: recorded,
                    row: CaseRow::of(model, &case, row.gemeente.as_deref()),
                    provenance: Vec::new(),
                    notify: Vec::new(),
                    // Who moved the case, from the command line, in the security audit log.
                    audit: Some(ave_store::audit::AuditEntry {
                        at: env.at,
                        actor: by.to_string(),
                        origin: "cli".to_owned(),
                        action: "schrijven".into(),
                        object: crate::audit::case_object(&row.id),
                        result: format!("ok: naar modelversie {}", md.version).into(),
                    }),
                });
            }
        }
    }
    if trial {
        return Ok(out);
    }
    // Each case lands whole or not at all; one that changed meanwhile is reported.
    let mut written = Vec::new();
    for chunk in batch.chunks(100) {
        for (append, result) in chunk.iter().zip(store.append_batch(chunk).await) {
            match result {
                Ok(_) => written.push(append.case.to_string()),
                Err(StoreError::Conflict { .. }) => out.refused.push((
                    append.case.to_string(),
                    "conflict".to_owned(),
                    "de casus is intussen gewijzigd; voer de overzetting opnieuw uit".to_owned(),
                )),
                Err(e) => return Err(e),
            }
        }
    }
    out.moved = written;
    // Their audit entries into the log now (a running server's log writer would too).
    store
        .log_append(std::sync::Arc::new(
            ave_store::log_write::LogBatch::default(),
        ))
        .await?;
    Ok(out)
}
