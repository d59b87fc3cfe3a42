//! The rules of domain.md §5 that concern who holds which role. They are checked on the
//! role holdings a command would leave behind, so a command that would break one is refused;
//! [`violations`] checks a whole case (the property tests use it).

use ave_model::{FunctionId, RoleKind, ValidModel};

use crate::case::Case;
use crate::ids::PersonId;
use crate::rejection::{Rejection, RejectionCode as C};

/// One current holding of a role.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Holding {
    /// The role.
    pub role: RoleKind,
    /// Who.
    pub person: PersonId,
    /// Under which function.
    pub function: FunctionId,
}

/// The role holdings of a case right now.
pub fn holdings(case: &Case) -> Vec<Holding> {
    case.roles
        .iter()
        .filter(|h| h.until.is_none())
        .map(|h| Holding {
            role: h.role,
            person: h.person.clone(),
            function: h.function.clone(),
        })
        .collect()
}

/// Whether, in `phase`, the case must have a named casusregisseur.
pub fn casusregie_required_here(model: &ValidModel, phase: &ave_model::PhaseId) -> bool {
    let Some(rule) = &model.model().rules.casusregie_required else {
        return false;
    };
    let (Some(from), Some(here)) = (
        rule.from_phase
            .as_ref()
            .and_then(|p| model.phase(p.as_str())),
        model.phase(phase.as_str()),
    ) else {
        return false;
    };
    rule.enabled && here.order >= from.order
}

/// Checks the role rules on a set of holdings.
pub fn check_roles(
    model: &ValidModel,
    holdings: &[Holding],
    minors: bool,
) -> Result<(), Rejection> {
    let rules = &model.model().rules;
    let source = |name: &str| rules.source_of(name);
    let of = |role: RoleKind| holdings.iter().filter(move |h| h.role == role);
    if of(RoleKind::Casusregie).count() > 1 {
        return Err(Rejection::new(
            C::RuleCasusregieRequired,
            "een casus heeft één casusregisseur: één huishouden, één plan, één regisseur",
        )
        .by_rule("casusregie_required", source("casusregie_required")));
    }
    if rules.is_enabled("single_procesregisseur") && of(RoleKind::Procesregie).count() > 1 {
        return Err(Rejection::new(
            C::RuleSingleProcesregisseur,
            "een casus heeft hoogstens één procesregisseur: beëindig eerst de huidige procesregie",
        )
        .by_rule("single_procesregisseur", source("single_procesregisseur")));
    }
    if let Some(rule) = &rules.separate_regisseurs
        && rule.enabled
    {
        for c in of(RoleKind::Casusregie) {
            let both = of(RoleKind::Procesregie).any(|p| p.person == c.person);
            let excepted = rule.exception_functions.contains(&c.function)
                && (!rule.exception_only_with_minors || minors);
            if both && !excepted {
                let exception = if rule.exception_functions.is_empty() {
                    String::new()
                } else {
                    let names: Vec<&str> = rule
                        .exception_functions
                        .iter()
                        .map(|f| model.function_name(f.as_str()))
                        .collect();
                    format!(
                        " (uitzondering: {}{})",
                        names.join(", "),
                        if rule.exception_only_with_minors {
                            " bij jeugdcasuïstiek"
                        } else {
                            ""
                        }
                    )
                };
                return Err(Rejection::new(
                    C::RuleSeparateRegisseurs,
                    format!(
                        "casusregisseur en procesregisseur zijn verschillende personen{exception}; {} zou beide zijn",
                        c.person
                    ),
                )
                .by_rule("separate_regisseurs", source("separate_regisseurs")));
            }
        }
    }
    if minors
        && let Some(rule) = &rules.minors_casusregisseur
        && rule.enabled
    {
        for c in of(RoleKind::Casusregie) {
            if !rule.functions.contains(&c.function) {
                let names: Vec<&str> = rule
                    .functions
                    .iter()
                    .map(|f| model.function_name(f.as_str()))
                    .collect();
                return Err(Rejection::new(
                    C::RuleMinorsCasusregisseur,
                    format!(
                        "bij minderjarigen in het huishouden is de {} casusregisseur; {} is {}",
                        names.join(" of "),
                        c.person,
                        model.function_name(c.function.as_str())
                    ),
                )
                .by_rule("minors_casusregisseur", source("minors_casusregisseur")));
            }
        }
    }
    Ok(())
}

/// Every enabled role rule the case breaks right now (empty for any case the engine built).
pub fn violations(model: &ValidModel, case: &Case) -> Vec<String> {
    let day = ave_model::Date::from(case.last_at.date_naive());
    let holdings = holdings(case);
    let mut out = Vec::new();
    if let Err(r) = check_roles(model, &holdings, case.has_minors(day)) {
        out.push(r.to_string());
    }
    if model.model().rules.is_enabled("procesregie_review") {
        for h in holdings.iter().filter(|h| h.role == RoleKind::Procesregie) {
            let review = case
                .holding(RoleKind::Procesregie, &h.person)
                .and_then(|x| x.review);
            if review.is_none() {
                out.push(format!(
                    "procesregie van {} heeft geen herzieningsdatum",
                    h.person
                ));
            }
        }
    }
    for h in &holdings {
        if !case.participants.contains_key(&h.person) {
            out.push(format!("{} heeft een rol maar is niet betrokken", h.person));
        }
    }
    out
}
