//! Need-to-know, as the store keeps it: who is involved in a case and how, derived from the
//! case's state whenever it is written ([`involvement`]), and break-glass grants.
//!
//! Kinds of involvement:
//! - [`ROLE`] (`rol`): holds a regie role now;
//! - [`PARTICIPANT`] (`deelnemer`): a participant of the case now (added by the
//!   procesregisseur, named at opening, invited to a meeting);
//! - [`CONTRIBUTOR`] (`bijdrager`): was involved and is no longer — sees only what their
//!   organisation contributed. A participant whose function belongs to the Zorg- en
//!   Veiligheidshuis (kind `zvh` in the model) is a contributor while the case is in a phase
//!   where no regie role falls to a ZVH function: after afschaling out of a ZVH phase the ZVH
//!   partners keep access only to what they contributed (issue 11; a product reading of
//!   "toegang eindigt als de betrokkenheid eindigt").

use std::collections::BTreeMap;

use ave_engine::Case;
use ave_engine::ids::CaseId;
use ave_model::{OrganisationKind, RoleKind, ValidModel};
use chrono::{DateTime, Utc};
use serde::Serialize;

use crate::audit::AuditEntry;
use crate::db::{Db, parse_time, time};
use crate::{Result, Store};

/// Holds a regie role now.
pub const ROLE: &str = "rol";
/// A participant now.
pub const PARTICIPANT: &str = "deelnemer";
/// Was involved; sees only what their organisation contributed.
pub const CONTRIBUTOR: &str = "bijdrager";

/// Who is involved in a case and how, as its row keeps it: `person=kind` pairs,
/// comma-separated, sorted by person. Kept as that text and read in place: a case row is
/// read on every request, and taking some thirty pairs apart into strings of their own cost
/// a read about 60 allocations (7 % of a read's time in a profile of 4 December).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Involved(String);

impl Involved {
    /// From (person, kind) pairs, in the order given (sorted by person, as the store makes
    /// them).
    pub fn from_pairs<'a>(pairs: impl IntoIterator<Item = (&'a str, &'a str)>) -> Involved {
        let pairs = pairs.into_iter();
        // Room for pairs of a usual length at once, rather than growing pair by pair.
        let mut text = String::with_capacity(pairs.size_hint().0 * 40);
        for (person, kind) in pairs {
            if !text.is_empty() {
                text.push(',');
            }
            text.push_str(person);
            text.push('=');
            text.push_str(kind);
        }
        Involved(text)
    }

    /// As the row's `access` column holds it.
    pub(crate) fn from_text(text: String) -> Involved {
        Involved(text)
    }

    /// The text the row's `access` column holds.
    pub fn as_text(&self) -> &str {
        &self.0
    }

    /// The (person, kind) pairs, in order.
    pub fn iter(&self) -> impl Iterator<Item = (&str, &str)> {
        self.0.split(',').filter_map(|pair| pair.split_once('='))
    }

    /// How `person` is involved ([`ROLE`], [`PARTICIPANT`], [`CONTRIBUTOR`]), if at all.
    pub fn kind_of(&self, person: &str) -> Option<&str> {
        // Found in the text (a list shows this for every row): `person=` at the start of a
        // pair, its kind up to the next pair.
        let text = self.0.as_str();
        text.match_indices(person).find_map(|(at, _)| {
            let starts = at == 0 || text.as_bytes()[at - 1] == b',';
            let rest = text[at + person.len()..].strip_prefix('=')?;
            starts.then(|| rest.split(',').next().unwrap_or_default())
        })
    }
}

impl Serialize for Involved {
    /// As a list of (person, kind) pairs.
    fn serialize<S: serde::Serializer>(
        &self,
        serializer: S,
    ) -> std::result::Result<S::Ok, S::Error> {
        serializer.collect_seq(self.iter())
    }
}

/// Who is involved in `case` (under `model`) and how, sorted by person.
pub fn involvement(model: &ValidModel, case: &Case) -> Involved {
    let mut by: BTreeMap<String, &'static str> = BTreeMap::new();
    let zvh_phase = model.phase(case.phase()).is_some_and(|p| {
        RoleKind::ALL.iter().any(|k| {
            p.regie.role(*k).is_some_and(|spec| {
                spec.holders.iter().any(|f| {
                    model
                        .function(f)
                        .is_some_and(|f| f.kind == OrganisationKind::Zvh)
                })
            })
        })
    });
    for h in case.holdings() {
        by.entry(h.person.as_str().to_owned())
            .or_insert(CONTRIBUTOR);
    }
    for (_, m) in case.meetings() {
        for p in &m.attendees {
            by.entry(p.as_str().to_owned()).or_insert(CONTRIBUTOR);
        }
    }
    for p in case.participants() {
        let zvh = model
            .function(&p.function)
            .is_some_and(|f| f.kind == OrganisationKind::Zvh);
        let kind = if zvh && !zvh_phase {
            CONTRIBUTOR
        } else {
            PARTICIPANT
        };
        by.insert(p.person.as_str().to_owned(), kind);
    }
    for h in case.current_holdings() {
        by.insert(h.person.as_str().to_owned(), ROLE);
    }
    Involved::from_pairs(by.iter().map(|(person, kind)| (person.as_str(), *kind)))
}

/// `new` involvement, with everyone of `old` who is no longer in it kept as a
/// [`CONTRIBUTOR`]: once involved, a person keeps sight of what their organisation
/// contributed. `None` when nothing is to be added.
pub(crate) fn keep_contributors(old: &Involved, new: &Involved) -> Option<Involved> {
    // Every command of a case asks this for each of some thirty people: the new ones in a
    // set, rather than a search of the text for each (12 % of the PostgreSQL writer's time
    // in a profile of 5 December).
    let now: std::collections::HashSet<&str> = new.iter().map(|(p, _)| p).collect();
    let gone: Vec<(&str, &str)> = old
        .iter()
        .filter(|(p, _)| !now.contains(p))
        .map(|(p, _)| (p, CONTRIBUTOR))
        .collect();
    if gone.is_empty() {
        return None;
    }
    let mut all: Vec<(&str, &str)> = new.iter().chain(gone).collect();
    all.sort_unstable();
    Some(Involved::from_pairs(all))
}

/// A break-glass grant: access to one case without involvement, with a reason, for a
/// limited time, to be reviewed.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct BreakGlass {
    /// Its id.
    pub id: String,
    /// The case.
    pub case: String,
    /// Who.
    pub person: String,
    /// For which organisation.
    pub organisation: Option<String>,
    /// Why (the person's words).
    pub reason: String,
    /// When granted.
    pub granted_at: DateTime<Utc>,
    /// Until when.
    pub expires_at: DateTime<Utc>,
    /// When reviewed, if it was.
    pub reviewed_at: Option<DateTime<Utc>>,
    /// By whom.
    pub reviewed_by: Option<String>,
    /// The reviewer's note.
    pub review_note: Option<String>,
}

type GrantRow = (
    String,
    String,
    String,
    Option<String>,
    String,
    String,
    String,
    Option<String>,
    Option<String>,
    Option<String>,
);

fn grant_of(r: GrantRow) -> Result<BreakGlass> {
    Ok(BreakGlass {
        id: r.0,
        case: r.1,
        person: r.2,
        organisation: r.3,
        reason: r.4,
        granted_at: parse_time(&r.5)?,
        expires_at: parse_time(&r.6)?,
        reviewed_at: r.7.as_deref().map(parse_time).transpose()?,
        reviewed_by: r.8,
        review_note: r.9,
    })
}

const GRANT_COLUMNS: &str = "id, case_id, person, organisation, reason, granted_at, expires_at, reviewed_at, reviewed_by, review_note";

impl Store {
    /// Records a break-glass grant, with its audit entry in the same transaction.
    pub async fn grant_break_glass(&self, g: &BreakGlass, audit: &AuditEntry) -> Result<()> {
        on!(&self.db, |p| {
            let mut tx = p.begin().await?;
            sqlx::query(
                "INSERT INTO break_glass (id, case_id, person, organisation, reason, granted_at, expires_at) VALUES ($1, $2, $3, $4, $5, $6, $7)",
            )
            .bind(&g.id)
            .bind(&g.case)
            .bind(&g.person)
            .bind(&g.organisation)
            .bind(&g.reason)
            .bind(time(&g.granted_at))
            .bind(time(&g.expires_at))
            .execute(&mut *tx)
            .await?;
            into_outbox!(tx, audit);
            tx.commit().await?;
        });
        Ok(())
    }

    /// The grant `person` holds on `case` at `now`, if any.
    pub async fn break_glass(
        &self,
        case: &CaseId,
        person: &str,
        now: DateTime<Utc>,
    ) -> Result<Option<BreakGlass>> {
        let row: Option<GrantRow> = on!(&self.db, |p| {
            sqlx::query_as(sqlx::AssertSqlSafe(format!(
                "SELECT {GRANT_COLUMNS} FROM break_glass WHERE case_id = $1 AND person = $2 AND expires_at > $3 ORDER BY expires_at DESC LIMIT 1"
            )))
            .bind(case.as_str())
            .bind(person)
            .bind(time(&now))
            .fetch_optional(p)
            .await?
        });
        row.map(grant_of).transpose()
    }

    /// Every grant, newest first; only the unreviewed ones when `open`.
    pub async fn break_glass_grants(&self, open: bool) -> Result<Vec<BreakGlass>> {
        let filter = if open {
            "WHERE reviewed_at IS NULL"
        } else {
            ""
        };
        let rows: Vec<GrantRow> = on!(&self.db, |p| {
            sqlx::query_as(sqlx::AssertSqlSafe(format!(
                "SELECT {GRANT_COLUMNS} FROM break_glass {filter} ORDER BY granted_at DESC LIMIT 1000"
            )))
            .fetch_all(p)
            .await?
        });
        rows.into_iter().map(grant_of).collect()
    }

    /// Marks a grant reviewed, with the review's audit entry in the same transaction.
    /// Whether it existed and was not reviewed yet (if not, nothing is written).
    pub async fn review_break_glass(
        &self,
        id: &str,
        by: &str,
        note: &str,
        at: DateTime<Utc>,
        audit: &AuditEntry,
    ) -> Result<bool> {
        let n = on!(&self.db, |p| {
            let mut tx = p.begin().await?;
            let n = sqlx::query(
                "UPDATE break_glass SET reviewed_at = $1, reviewed_by = $2, review_note = $3 WHERE id = $4 AND reviewed_at IS NULL",
            )
            .bind(time(&at))
            .bind(by)
            .bind(note)
            .bind(id)
            .execute(&mut *tx)
            .await?
            .rows_affected();
            if n > 0 {
                into_outbox!(tx, audit);
                tx.commit().await?;
            }
            n
        });
        Ok(n > 0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn involvement_is_read_in_place_as_it_was_written() {
        let involved =
            Involved::from_pairs([("p-a", ROLE), ("p-b", PARTICIPANT), ("p-c", CONTRIBUTOR)]);
        assert_eq!(involved.as_text(), "p-a=rol,p-b=deelnemer,p-c=bijdrager");
        assert_eq!(involved.kind_of("p-b"), Some(PARTICIPANT));
        assert_eq!(involved.kind_of("p-c"), Some(CONTRIBUTOR));
        assert_eq!(
            involved.kind_of("p"),
            None,
            "a prefix of a person is not that person"
        );
        assert_eq!(involved.kind_of("p-a"), Some(ROLE));
        assert_eq!(involved.kind_of("a"), None, "nor is an end of one");
        assert_eq!(involved.kind_of("rol"), None, "nor a kind");
        assert_eq!(involved.kind_of(""), None);
        let read = Involved::from_text(involved.as_text().to_owned());
        assert_eq!(read, involved);
        assert_eq!(read.iter().count(), 3);
        assert_eq!(
            serde_json::to_value(&read).expect("json"),
            serde_json::json!([["p-a", "rol"], ["p-b", "deelnemer"], ["p-c", "bijdrager"]])
        );
        let none = Involved::from_text(String::new());
        assert_eq!(none.iter().count(), 0);
        assert_eq!(none.kind_of(""), None);
    }

    #[test]
    fn whoever_leaves_stays_a_contributor() {
        let old = Involved::from_pairs([("p-a", ROLE), ("p-b", PARTICIPANT)]);
        let new = Involved::from_pairs([("p-b", ROLE)]);
        let kept = keep_contributors(&old, &new).expect("p-a left");
        assert_eq!(kept.as_text(), "p-a=bijdrager,p-b=rol");
        assert_eq!(keep_contributors(&new, &old), None, "nobody left");
        // One person's id the start of another's: the one who left is still found.
        let old = Involved::from_pairs([("p-a", ROLE), ("p-ab", ROLE)]);
        let new = Involved::from_pairs([("p-ab", ROLE)]);
        let kept = keep_contributors(&old, &new).expect("p-a left");
        assert_eq!(kept.as_text(), "p-a=bijdrager,p-ab=rol");
        let empty = Involved::from_text(String::new());
        let kept = keep_contributors(&new, &empty).expect("everyone left");
        assert_eq!(kept.as_text(), "p-ab=bijdrager");
    }
}
