//! A calendar date as models write it: `valid_from = 2025-01-01` (a TOML date) or
//! `valid_from = "2025-01-01"` (a string). Both read the same; it is always written back
//! as an ISO 8601 string so that JSON and TOML agree.

use std::fmt;

use chrono::NaiveDate;
use schemars::JsonSchema;
use serde::de::{self, MapAccess, Visitor};
use serde::{Deserialize, Deserializer, Serialize, Serializer};

/// A calendar date (no time, no zone).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, JsonSchema)]
#[schemars(with = "DateSchema")]
pub struct Date(NaiveDate);

#[derive(JsonSchema)]
#[schemars(transparent)]
struct DateSchema(
    #[schemars(extend("format" = "date"))]
    #[expect(dead_code, reason = "only its schema is used")]
    String,
);

impl Date {
    /// Builds a date from its parts; `None` if the date does not exist.
    pub fn from_ymd(year: i32, month: u32, day: u32) -> Option<Self> {
        NaiveDate::from_ymd_opt(year, month, day).map(Self)
    }

    /// Parses `YYYY-MM-DD`.
    pub fn parse(s: &str) -> Result<Self, String> {
        NaiveDate::parse_from_str(s, "%Y-%m-%d")
            .map(Self)
            .map_err(|_| format!("geen geldige datum (verwacht JJJJ-MM-DD): {s:?}"))
    }

    /// The chrono date inside.
    pub fn naive(self) -> NaiveDate {
        self.0
    }
}

impl From<NaiveDate> for Date {
    fn from(d: NaiveDate) -> Self {
        Self(d)
    }
}

impl fmt::Display for Date {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        // chrono's own ISO 8601 form (`2026-12-04`), as `%Y-%m-%d` gives it but without
        // parsing a format string on every call (a date is written on every read of a case).
        fmt::Display::fmt(&self.0, f)
    }
}

impl Serialize for Date {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_str(self)
    }
}

impl<'de> Deserialize<'de> for Date {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        deserializer.deserialize_any(DateVisitor)
    }
}

struct DateVisitor;

impl<'de> Visitor<'de> for DateVisitor {
    type Value = Date;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a date such as 2025-01-01")
    }

    fn visit_str<E: de::Error>(self, s: &str) -> Result<Date, E> {
        Date::parse(s).map_err(E::custom)
    }

    // TOML hands its native dates over as a one-entry map holding the text.
    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Date, A::Error> {
        let Some((_key, text)) = map.next_entry::<String, String>()? else {
            return Err(de::Error::custom("a date such as 2025-01-01"));
        };
        Date::parse(&text).map_err(|_| {
            de::Error::custom(format!(
                "alleen een datum (JJJJ-MM-DD) is toegestaan, geen tijd: {text}"
            ))
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[derive(Deserialize)]
    struct Holder {
        d: Date,
    }

    #[test]
    fn reads_toml_dates_and_strings_alike() {
        let a: Holder = toml::from_str("d = 2025-01-31").expect("bare date");
        let b: Holder = toml::from_str("d = \"2025-01-31\"").expect("string date");
        assert_eq!(a.d, b.d);
        assert_eq!(a.d.to_string(), "2025-01-31");
    }

    #[test]
    fn writes_year_month_and_day_zero_padded() {
        for (y, m, d, text) in [(2026, 3, 9, "2026-03-09"), (987, 12, 31, "0987-12-31")] {
            let date = Date::from(NaiveDate::from_ymd_opt(y, m, d).expect("a date"));
            assert_eq!(date.to_string(), text);
        }
    }

    #[test]
    fn rejects_times_and_impossible_dates() {
        assert!(toml::from_str::<Holder>("d = 2025-01-31T10:00:00").is_err());
        assert!(toml::from_str::<Holder>("d = \"2025-02-30\"").is_err());
    }
}
