//! Need-to-know lists answered from the kept rows (PostgreSQL).
//!
//! Most people may see few cases: a casusregisseur is involved in tens, a partner in a
//! hundred or so, a manager governs a phase of a few hundred. Their list as a query joins
//! what they may see to the cases, filters, sorts and counts — on the benchmark database
//! about 0.7 ms of the database's time for an involved person's list (a third of it
//! planning: each person's list is planned anew), and four queries for someone who governs
//! a phase. With the case rows kept in memory ([`crate::row_cache`]) the database is asked
//! only for the ids the person may see — one walk of the index on `case_access` by person
//! with their active break-glass grants, and for each phase they govern that the list can
//! show, one walk of the index of governed phases — and the filters, the order, the page and
//! the total are taken in memory. The total is exact, or, as the query counts it when
//! governed phases are in the list, capped at [`crate::COUNT_CAP`].
//!
//! Need-to-know stays the database's: who may see which case is read fresh from it on every
//! list, so an involvement that ended is out of the next list at once. The rows' own fields
//! (phase, gemeente, due days, flags) are as fresh as every kept row: a change is forgotten
//! as soon as it is announced.
//!
//! [`page`] answers `None`, and the query answers the list ([`crate::listing`]), while the
//! cache is not listening; for a role holder's list; when a phase governed in every gemeente
//! can be in the list; when the person may see more cases than the list's start limit; or
//! when a row was not kept and could not be kept at once (a change overtook its read).

use std::collections::HashSet;

use crate::listing::{relevant, rows_by_ids, visible_ids};
use crate::row_cache::{Facts, RowCache};
use crate::{CaseFilter, CaseRow, Page, Result};

/// The page of `filter`'s list from the kept rows, with its total — or `None` when the query
/// must answer it (see the module's documentation). `most`: up to how many cases (involved
/// in and governed) a list takes from memory ([`crate::listing::SET_LIMIT`]).
pub(crate) async fn page(
    pool: &sqlx::PgPool,
    cache: &RowCache,
    filter: &CaseFilter,
    today: &str,
    (offset, limit, most): (u64, u64, u64),
) -> Result<Option<Page<CaseRow>>> {
    let Some(v) = &filter.visible else {
        return Ok(None);
    };
    let streams = relevant(v, filter);
    // A phase governed in every gemeente has no index to take its ids from.
    if filter.holder.is_some() || streams.iter().any(|(gemeente, _, _)| gemeente.is_none()) {
        return Ok(None);
    }
    let Some(ticket) = cache.ticket() else {
        return Ok(None);
    };
    let Some((involved, governed)) = visible_ids(pool, v, &streams, most + 1).await? else {
        return Ok(None);
    };
    let mut ids: Vec<&str> = [&involved, &governed]
        .into_iter()
        .flat_map(|joined| joined.split(','))
        .filter(|id| !id.is_empty())
        .collect();
    if !streams.is_empty() {
        ids.sort_unstable();
        ids.dedup();
    }
    if ids.len() as u64 > most {
        return Ok(None);
    }
    let unkept = cache.unkept(&ids);
    if !unkept.is_empty() {
        let rows = rows_by_ids(pool, &unkept).await?;
        if !cache.put_all(ticket, &rows) {
            return Ok(None);
        }
        // A case whose row is gone (an involvement left behind) is no part of the list, as
        // the query's join leaves it out.
        if rows.len() < unkept.len() {
            let found: HashSet<&str> = rows.iter().map(|r| r.id.as_str()).collect();
            let gone: HashSet<&str> = unkept
                .into_iter()
                .filter(|id| !found.contains(id))
                .collect();
            ids.retain(|id| !gone.contains(id));
        }
    }
    let to = |n: u64| usize::try_from(n).unwrap_or(usize::MAX);
    let within: Option<HashSet<&str>> = filter
        .within
        .as_ref()
        .map(|w| w.iter().map(String::as_str).collect());
    let Some((items, total)) = cache.select(
        &ids,
        |id, facts| passes(filter, today, facts) && within.as_ref().is_none_or(|w| w.contains(id)),
        to(offset),
        to(limit.min(1000)),
    ) else {
        return Ok(None);
    };
    // With governed phases the query counts no further than the cap; so does this.
    let total = total as u64;
    let capped = !streams.is_empty() && total > crate::COUNT_CAP;
    Ok(Some(Page {
        items,
        total: if capped { crate::COUNT_CAP } else { total },
        capped,
    }))
}

/// Whether a kept row passes `filter`'s conditions on gemeente, phase, open or closed and the
/// attention kind on `today` — what the query's conditions (`listing::filters`) say, read
/// from memory. (The ids a list is limited to are checked apart, in a set; a role holder's
/// list is not answered here.)
fn passes(filter: &CaseFilter, today: &str, row: &Facts<'_>) -> bool {
    if let Some(g) = &filter.gemeente
        && row.gemeente() != Some(g.as_str())
    {
        return false;
    }
    if filter.phase.as_ref().is_some_and(|p| row.phase() != p) {
        return false;
    }
    if filter.closed.is_some_and(|closed| row.closed() != closed) {
        return false;
    }
    if let Some(kind) = &filter.attention {
        let has = match crate::row::due_column(kind) {
            Some(column) => !row.closed() && row.due(column).is_some_and(|day| day < today),
            None => row.has_flag(kind),
        };
        if !has {
            return false;
        }
    }
    true
}
