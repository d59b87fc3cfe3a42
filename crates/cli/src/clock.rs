//! The wall clock: the command line is an edge where time enters (the core takes it as a
//! parameter), and this is the one place in `ave` that reads it.

/// Now.
#[allow(clippy::disallowed_methods)]
pub fn now() -> chrono::DateTime<chrono::Utc> {
    chrono::Utc::now()
}

/// Today's date where the command runs.
#[allow(clippy::disallowed_methods)]
pub fn today() -> ave_model::Date {
    ave_model::Date::from(chrono::Local::now().date_naive())
}
