//! The rules of domain.md §5 that concern who holds which role. They are checked on the
//! role holdings a command would leave behind, so a command that would break one is refused;
//! the attention list checks the holdings as they are, for rules broken by time alone (a
//! minor coming of age).

use ave_model::{FunctionId, PhaseId, RoleKind, RuleName, Strength, ValidModel};

use crate::case::Case;
use crate::ids::PersonId;
use crate::rejection::{Rejection, RejectionCode as C};

/// One holding of a role, as the rules see it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Holding {
    /// The role.
    pub role: RoleKind,
    /// Who.
    pub person: PersonId,
    /// Under which function.
    pub function: FunctionId,
}

/// A set of role holdings: the case's now, or what a command would leave.
#[derive(Debug, Clone, Default)]
pub(crate) struct Holdings(Vec<Holding>);

impl Holdings {
    /// The case's current holdings.
    pub(crate) fn of(case: &Case) -> Holdings {
        Holdings(
            case.current_holdings()
                .map(|h| Holding {
                    role: h.role,
                    person: h.person.clone(),
                    function: h.function.clone(),
                })
                .collect(),
        )
    }

    /// Without one person's holding of a role.
    pub(crate) fn without(mut self, role: RoleKind, person: &PersonId) -> Holdings {
        self.0.retain(|h| !(h.role == role && &h.person == person));
        self
    }

    /// With one more holding.
    pub(crate) fn with(mut self, role: RoleKind, person: &PersonId, function: &FunctionId) -> Self {
        self.0.push(Holding {
            role,
            person: person.clone(),
            function: function.clone(),
        });
        self
    }

    fn of_role(&self, role: RoleKind) -> impl Iterator<Item = &Holding> {
        self.0.iter().filter(move |h| h.role == role)
    }
}

/// Whether, in `phase`, the case must have a named casusregisseur.
pub(crate) fn casusregie_required_here(model: &ValidModel, phase: &PhaseId) -> bool {
    let Some(rule) = &model.model().rules.casusregie_required else {
        return false;
    };
    let (Some(from), Some(here)) = (
        rule.from_phase.as_ref().and_then(|p| model.phase(p)),
        model.phase(phase),
    ) else {
        return false;
    };
    rule.enabled && here.order >= from.order
}

/// A role rule the holdings would break where the model holds it only `bij voorkeur`: the
/// step is allowed with a motivation.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct RuleDeviation {
    /// The rule.
    pub rule: RuleName,
    /// What it says, in Dutch.
    pub message: String,
}

/// The outcome of one rule on the holdings: refused, allowed with a motivation, or fine.
fn judge(
    model: &ValidModel,
    rule: RuleName,
    code: C,
    message: String,
    deviations: &mut Vec<RuleDeviation>,
) -> Result<(), Rejection> {
    let rules = &model.model().rules;
    match rules.strength_of(rule) {
        Some(Strength::Moet) => {
            Err(Rejection::new(code, message).by_rule(rule, rules.source_of(rule)))
        }
        Some(Strength::BijVoorkeur) => {
            deviations.push(RuleDeviation { rule, message });
            Ok(())
        }
        Some(Strength::Kan) | None => Ok(()),
    }
}

/// Checks the role rules on a set of holdings: a `moet` rule broken refuses; a
/// `bij voorkeur` rule broken is returned, for a motivation.
pub(crate) fn check_roles(
    model: &ValidModel,
    holdings: &Holdings,
    minors: bool,
) -> Result<Vec<RuleDeviation>, Rejection> {
    let rules = &model.model().rules;
    let mut deviations = Vec::new();
    if holdings.of_role(RoleKind::Casusregie).count() > 1 {
        // One casusregisseur is what casusregie is; never a matter of preference.
        return Err(Rejection::new(
            C::RuleCasusregieRequired,
            "een casus heeft één casusregisseur: één huishouden, één plan, één regisseur",
        )
        .by_rule(
            RuleName::CasusregieRequired,
            rules.source_of(RuleName::CasusregieRequired),
        ));
    }
    if holdings.of_role(RoleKind::Procesregie).count() > 1 {
        judge(
            model,
            RuleName::SingleProcesregisseur,
            C::RuleSingleProcesregisseur,
            "een casus heeft hoogstens één procesregisseur: beëindig eerst de huidige procesregie"
                .to_owned(),
            &mut deviations,
        )?;
    }
    if let Some(rule) = &rules.separate_regisseurs
        && rule.enabled
    {
        for c in holdings.of_role(RoleKind::Casusregie) {
            let both = holdings
                .of_role(RoleKind::Procesregie)
                .any(|p| p.person == c.person);
            let excepted = model.includes(&rule.exception_functions, &c.function)
                && (!rule.exception_only_with_minors || minors);
            if both && !excepted {
                let exception = if rule.exception_functions.is_empty() {
                    String::new()
                } else {
                    let names: Vec<&str> = rule
                        .exception_functions
                        .iter()
                        .map(|f| model.function_name(f))
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
                judge(
                    model,
                    RuleName::SeparateRegisseurs,
                    C::RuleSeparateRegisseurs,
                    format!(
                        "casusregisseur en procesregisseur zijn verschillende personen{exception}; {} zou beide zijn",
                        c.person
                    ),
                    &mut deviations,
                )?;
            }
        }
    }
    if minors
        && let Some(rule) = &rules.minors_casusregisseur
        && rule.enabled
    {
        for c in holdings.of_role(RoleKind::Casusregie) {
            if !model.includes(&rule.functions, &c.function) {
                let names: Vec<&str> = rule
                    .functions
                    .iter()
                    .map(|f| model.function_name(f))
                    .collect();
                judge(
                    model,
                    RuleName::MinorsCasusregisseur,
                    C::RuleMinorsCasusregisseur,
                    format!(
                        "bij minderjarigen in het huishouden is de {} casusregisseur; {} is {}",
                        names.join(" of "),
                        c.person,
                        model.function_name(&c.function)
                    ),
                    &mut deviations,
                )?;
            }
        }
    }
    Ok(deviations)
}
