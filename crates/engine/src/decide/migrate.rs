//! Moving a case to another version of its model: an explicit, administrative action,
//! decided against the new version. It is refused when the case would not fit: its phase,
//! the functions of its participants, an open request or handover the new version may not
//! know.

use super::*;
use crate::command::ChangeModel;

/// Checks `c` against `m`, the version the case would move to.
pub(super) fn change_model(
    m: &ValidModel,
    case: &Case,
    env: &Envelope,
    c: &ChangeModel,
) -> Result<Vec<Event>> {
    if let Some(closed) = case.closed() {
        return Err(Rejection::new(
            C::CaseClosed,
            format!(
                "de casus is gesloten op {}; een gesloten casus blijft onder zijn model",
                local_day(m, closed.at)
            ),
        ));
    }
    let md = &m.model().model;
    if case.model() != &md.id {
        return Err(Rejection::new(
            C::ModelMismatch,
            format!(
                "de casus loopt onder model {}; alleen de versie kan wisselen, niet het model ({})",
                case.model(),
                md.id
            ),
        ));
    }
    if c.version != md.version {
        return Err(Rejection::new(
            C::ModelMismatch,
            format!(
                "de opdracht noemt versie {}, maar het gegeven model is versie {}",
                c.version, md.version
            ),
        ));
    }
    if case.model_version() == md.version {
        return Err(Rejection::new(
            C::NothingToChange,
            format!("de casus loopt al onder versie {}", md.version),
        ));
    }
    non_empty("de reden", &c.reason)?;
    in_time_order(case, env)?;
    if m.phase(case.phase()).is_none() {
        return Err(Rejection::new(
            C::UnknownPhase,
            format!(
                "de casus staat in fase {}, die versie {} niet kent",
                case.phase(),
                md.version
            ),
        ));
    }
    let missing: Vec<String> = case
        .participants()
        .filter(|p| m.function(&p.function).is_none())
        .map(|p| format!("{} ({})", p.person, p.function))
        .collect();
    if !missing.is_empty() {
        return Err(Rejection::new(
            C::UnknownFunction,
            format!(
                "versie {} kent de functie van deze deelnemers niet: {}",
                md.version,
                missing.join(", ")
            ),
        ));
    }
    if let Some((id, _)) = case.open_request() {
        return Err(Rejection::new(
            C::RequestPending,
            format!("handel eerst verzoek {id} af; het kan in de nieuwe versie anders liggen"),
        ));
    }
    if let Some((id, _)) = case.open_tasks().next() {
        return Err(Rejection::new(
            C::RequestPending,
            format!("rond eerst overdracht {id} af"),
        ));
    }
    Ok(vec![Event::ModelChanged {
        from: case.model_version().to_owned(),
        to: md.version.clone(),
        reason: c.reason.clone(),
    }])
}
