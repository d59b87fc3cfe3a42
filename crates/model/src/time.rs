//! The calendar a model counts its days in. Norms are in days ("evaluate within 90 days"),
//! and a day is a local calendar day of the gemeente: in the Netherlands 00:30 on 2 March is
//! still 1 March in UTC, so counting in UTC would move deadlines by a day for part of the
//! night (two hours in summer, one in winter).

use chrono::{DateTime, NaiveDate, Utc};
use chrono_tz::Tz;

use crate::date::Date;

/// The time zone a model without `time_zone` uses.
pub const DEFAULT_ZONE: Tz = chrono_tz::Europe::Amsterdam;

/// The zone with this IANA name, if it exists.
pub fn parse_zone(name: &str) -> Option<Tz> {
    name.parse::<Tz>().ok()
}

/// The local calendar date of an instant in a zone.
pub fn local_date(zone: Tz, at: DateTime<Utc>) -> Date {
    Date::from(at.with_timezone(&zone).date_naive())
}

/// The local calendar date of an instant, as a chrono date.
pub fn local_naive(zone: Tz, at: DateTime<Utc>) -> NaiveDate {
    at.with_timezone(&zone).date_naive()
}
