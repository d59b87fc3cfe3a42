//! Need-to-know: who may do what with a case. **The whole policy is in this module**: the
//! kinds of involvement ([`Involvement`]), what each gives ([`Access`]), and the decision per
//! operation ([`decide`]); handlers only ask. `docs/authorization.md` shows the same table, and
//! a test checks that it matches [`decide`] for every operation × involvement × kind of
//! person.
//!
//! A person sees a case only when involved in it: holding a regie role or named as a
//! participant (full access), having been involved (only what their organisation contributed),
//! holding the operational or administrative function of the case's current phase (a summary),
//! or holding a break-glass grant (read only, for a limited time, reviewed afterwards).
//! Administrators manage models, organisations and accounts and see no case. A case one may
//! not see answers 404, as if it did not exist — and the attempt is logged.

use std::sync::Arc;

use ave_engine::ids::CaseId;
use ave_model::{RoleKind, ValidModel};
use ave_store::CaseRow;
use ave_store::access::{PARTICIPANT, ROLE};
use ave_store::identity::Membership;

use crate::AppState;
use crate::auth::Actor;
use crate::problem::Problem;

/// How a person is involved in one case.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Involvement {
    /// Holds a regie role in the case now.
    Role,
    /// A participant of the case now.
    Participant,
    /// Was involved; their organisation contributed to the case.
    Contributor,
    /// Holds the operational or administrative function of the case's current phase.
    Governs,
    /// Holds an active break-glass grant on the case.
    BreakGlass,
    /// Not involved.
    None,
}

impl Involvement {
    /// Every kind, for the exhaustive tests and the documentation.
    pub const ALL: [Involvement; 6] = [
        Involvement::Role,
        Involvement::Participant,
        Involvement::Contributor,
        Involvement::Governs,
        Involvement::BreakGlass,
        Involvement::None,
    ];

    /// Its Dutch name.
    pub fn name(self) -> &'static str {
        match self {
            Involvement::Role => "regierol",
            Involvement::Participant => "deelnemer",
            Involvement::Contributor => "bijdrager",
            Involvement::Governs => "operationeel/bestuurlijk verantwoordelijk",
            Involvement::BreakGlass => "noodtoegang",
            Involvement::None => "niet betrokken",
        }
    }
}

/// What a person sees of a case.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Access {
    /// Everything.
    Full,
    /// Everything, read only, under a break-glass grant.
    Emergency,
    /// The case in outline, and only the events their organisation contributed.
    Contributed,
    /// The case in outline (phase, attention, who holds which role), not its history.
    Summary,
    /// Nothing: the case does not exist for them.
    Hidden,
}

impl Access {
    /// How the API names it (`toegang` on a case).
    pub fn key(self) -> &'static str {
        match self {
            Access::Full => "volledig",
            Access::Emergency => "noodtoegang",
            Access::Contributed => "eigen-bijdragen",
            Access::Summary => "samenvatting",
            Access::Hidden => "geen",
        }
    }
}

/// What a person is, apart from their involvement in a case.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Standing {
    /// A professional: holds at least one function for an organisation.
    Professional,
    /// An administrator (manages models, organisations, accounts).
    Admin,
    /// The privacy officer (answers access requests, reviews break-glass).
    Privacy,
    /// Logged in, but holds no function.
    NoFunction,
}

impl Standing {
    /// Every kind, for the exhaustive tests.
    pub const ALL: [Standing; 4] = [
        Standing::Professional,
        Standing::Admin,
        Standing::Privacy,
        Standing::NoFunction,
    ];

    /// The standing of `actor`. An administrator is an administrator first: even holding a
    /// function, an administrator's account sees no case.
    pub fn of(actor: &Actor) -> Standing {
        if actor.admin {
            Standing::Admin
        } else if actor.privacy {
            Standing::Privacy
        } else if actor.memberships.is_empty() {
            Standing::NoFunction
        } else {
            Standing::Professional
        }
    }

    /// Whether someone of this standing sees any case at all (as the one in a regie role
    /// would); the pages say so instead of answering 403.
    pub fn sees_cases(self) -> bool {
        matches!(
            decide(self, Involvement::Role, Operation::ReadCase),
            Decision::Allow(_)
        )
    }

    /// Its Dutch name.
    pub fn name(self) -> &'static str {
        match self {
            Standing::Professional => "professional",
            Standing::Admin => "beheerder",
            Standing::Privacy => "functionaris gegevensbescherming",
            Standing::NoFunction => "zonder functie",
        }
    }
}

/// What a person tries to do.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Operation {
    /// Read one case (`GET /casussen/{id}`) or find it in a list.
    ReadCase,
    /// Read a case's timeline.
    ReadTimeline,
    /// Give a command on a case (signal, role, request, decision, model change, …).
    Command,
    /// Open a new case.
    OpenCase,
    /// Ask for break-glass access to a case.
    BreakGlass,
    /// See who read or changed a case's data (a data subject's access request).
    SubjectAccess,
    /// Review break-glass grants.
    ReviewBreakGlass,
    /// Read models, gemeenten, counts; run a klantreis (no personal data).
    ReadShared,
    /// Manage organisations, people and models.
    Administer,
    /// Fetch the audit log's signed checkpoints, for an outside witness (no personal data).
    ReadCheckpoints,
}

impl Operation {
    /// Every operation, for the exhaustive tests.
    pub const ALL: [Operation; 10] = [
        Operation::ReadCase,
        Operation::ReadTimeline,
        Operation::Command,
        Operation::OpenCase,
        Operation::BreakGlass,
        Operation::SubjectAccess,
        Operation::ReviewBreakGlass,
        Operation::ReadShared,
        Operation::Administer,
        Operation::ReadCheckpoints,
    ];

    /// Its Dutch name.
    pub fn name(self) -> &'static str {
        match self {
            Operation::ReadCase => "casus inzien",
            Operation::ReadTimeline => "tijdlijn inzien",
            Operation::Command => "opdracht geven",
            Operation::OpenCase => "casus openen",
            Operation::BreakGlass => "noodtoegang vragen",
            Operation::SubjectAccess => "inzageverzoek beantwoorden",
            Operation::ReviewBreakGlass => "noodtoegang beoordelen",
            Operation::ReadShared => "modellen, tellingen, klantreis",
            Operation::Administer => "beheer",
            Operation::ReadCheckpoints => "controlepunten ophalen",
        }
    }

    /// Whether the operation concerns one case (its involvement matters).
    pub fn on_case(self) -> bool {
        matches!(
            self,
            Operation::ReadCase
                | Operation::ReadTimeline
                | Operation::Command
                | Operation::BreakGlass
                | Operation::SubjectAccess
        )
    }
}

/// The answer.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Decision {
    /// Allowed, with this view of the case.
    Allow(Access),
    /// 404: the case does not exist for this person.
    NotFound,
    /// 403: the person knows the case (or the operation is not about one) but may not do this.
    Forbidden,
}

/// What a person of `standing`, involved as `involvement`, may do with `op`.
/// The one place where the policy is written.
pub fn decide(standing: Standing, involvement: Involvement, op: Operation) -> Decision {
    use Decision::{Allow, Forbidden, NotFound};
    use Involvement as I;
    // What a person sees of the case: administrators, privacy officers and people without a
    // function see none.
    let view = match (standing, involvement) {
        (Standing::Professional, I::Role | I::Participant) => Access::Full,
        (Standing::Professional, I::BreakGlass) => Access::Emergency,
        (Standing::Professional, I::Contributor) => Access::Contributed,
        (Standing::Professional, I::Governs) => Access::Summary,
        _ => Access::Hidden,
    };
    match op {
        Operation::ReadCase => match view {
            Access::Hidden => NotFound,
            v => Allow(v),
        },
        Operation::ReadTimeline => match view {
            Access::Hidden => NotFound,
            Access::Summary => Forbidden,
            v => Allow(v),
        },
        Operation::Command => match view {
            Access::Full => Allow(Access::Full),
            Access::Hidden => NotFound,
            _ => Forbidden,
        },
        Operation::BreakGlass => match (standing, view) {
            (Standing::Professional, Access::Hidden | Access::Summary | Access::Contributed) => {
                Allow(Access::Emergency)
            }
            // Already involved: no grant needed.
            (Standing::Professional, _) => Forbidden,
            _ => NotFound,
        },
        Operation::SubjectAccess => match standing {
            Standing::Privacy => Allow(Access::Summary),
            _ => match view {
                Access::Hidden => NotFound,
                _ => Forbidden,
            },
        },
        Operation::ReviewBreakGlass => match standing {
            Standing::Privacy => Allow(Access::Summary),
            _ => Forbidden,
        },
        Operation::OpenCase => match standing {
            Standing::Professional => Allow(Access::Full),
            _ => Forbidden,
        },
        Operation::ReadShared => Allow(Access::Summary),
        Operation::Administer => match standing {
            Standing::Admin => Allow(Access::Summary),
            _ => Forbidden,
        },
        // The witness: the administrator who hands them on, or the privacy officer.
        Operation::ReadCheckpoints => match standing {
            Standing::Admin | Standing::Privacy => Allow(Access::Summary),
            _ => Forbidden,
        },
    }
}

/// How `actor` is involved in the case of `row` (the row carries who is involved; the
/// model says who governs its phase; a break-glass grant is looked up last). A grant comes
/// before governing the phase or having contributed: those see part of the case, and a
/// grant is how they see the rest.
pub async fn involvement(
    state: &AppState,
    actor: &Actor,
    row: &CaseRow,
) -> Result<Involvement, Problem> {
    let on_row = on_row(actor, row);
    if let Some(i @ (Involvement::Role | Involvement::Participant)) = on_row {
        return Ok(i);
    }
    let mut partly = on_row;
    if !actor.memberships.is_empty() {
        let model = state
            .models
            .get(&state.store, &row.model_id, &row.model_version)
            .await?;
        if governs(
            &model,
            &actor.memberships,
            row.gemeente.as_deref(),
            &row.phase,
        ) {
            partly = Some(Involvement::Governs);
        }
    }
    let granted = break_glass(state, actor, &row.id).await?;
    Ok(if granted {
        Involvement::BreakGlass
    } else {
        partly.unwrap_or(Involvement::None)
    })
}

/// Whether `actor` holds a break-glass grant on case `id` now.
async fn break_glass(state: &AppState, actor: &Actor, id: &CaseId) -> Result<bool, Problem> {
    Ok(state
        .store
        .break_glass(id, &actor.person, crate::now())
        .await?
        .is_some())
}

/// How the case row names `actor` (one scan of its involvement): role holder, participant or
/// contributor; `None` when it does not.
pub fn on_row(actor: &Actor, row: &CaseRow) -> Option<Involvement> {
    Some(match row.access.kind_of(&actor.person)? {
        ROLE => Involvement::Role,
        PARTICIPANT => Involvement::Participant,
        _ => Involvement::Contributor,
    })
}

/// Whether one of `memberships`, for `gemeente` (or the whole region), is the operational or
/// administrative responsibility of `phase` in `model`.
pub fn governs(
    model: &ValidModel,
    memberships: &[Membership],
    gemeente: Option<&str>,
    phase: &str,
) -> bool {
    let Some(phase) = model
        .phases_in_order()
        .into_iter()
        .find(|p| p.id.as_str() == phase)
    else {
        return false;
    };
    let functions: Vec<&str> = [RoleKind::Operationeel, RoleKind::Bestuurlijk]
        .iter()
        .filter_map(|k| phase.regie.role(*k))
        .flat_map(|spec| spec.holders.iter().map(|f| f.as_str()))
        .collect();
    memberships.iter().any(|m| {
        functions.contains(&m.function.as_str())
            && (m.gemeente.is_none() || m.gemeente.as_deref() == gemeente)
    })
}

/// The (gemeente, model, phase) triples `actor` governs, over every stored model: what a
/// list adds to the cases the person is involved in.
pub async fn governed(
    state: &AppState,
    actor: &Actor,
) -> Result<Vec<(Option<String>, String, String)>, Problem> {
    if actor.memberships.is_empty() || actor.admin || actor.privacy {
        return Ok(Vec::new());
    }
    let models: Vec<Arc<ValidModel>> = state.models.all(&state.store).await?;
    let mut out = Vec::new();
    for model in &models {
        let id = model.model().model.id.as_str();
        for phase in model.phases_in_order() {
            for m in &actor.memberships {
                let one = std::slice::from_ref(m);
                if governs(model, one, m.gemeente.as_deref(), phase.id.as_str()) {
                    let triple = (
                        m.gemeente.clone(),
                        id.to_owned(),
                        phase.id.as_str().to_owned(),
                    );
                    if !out.contains(&triple) {
                        out.push(triple);
                    }
                }
            }
        }
    }
    Ok(out)
}

/// Decides `op` on case `id` for `actor`: the case row and the view allowed, or the problem
/// to answer (404 as if the case did not exist; 403 when the person may know it exists).
/// A refusal is written to the security audit log.
pub async fn case_for(
    state: &AppState,
    actor: &Actor,
    id: &CaseId,
    op: Operation,
) -> Result<(CaseRow, Access), Problem> {
    // Reading may take the row kept in memory; anything else acts on the row as stored.
    let row = match op {
        Operation::ReadCase => state.store.case_row_kept(id).await?,
        _ => state.store.case_row(id).await?,
    };
    let standing = Standing::of(actor);
    let (decision, row) = match row {
        Some(row) => {
            let involvement = involvement(state, actor, &row).await?;
            (decide(standing, involvement, op), Some(row))
        }
        None => {
            // The same lookup as for a case one may not see, so that the time of the answer
            // does not tell a hidden case from one that does not exist.
            break_glass(state, actor, id).await?;
            (Decision::NotFound, None)
        }
    };
    match (decision, row) {
        (Decision::Allow(view), Some(row)) => Ok((row, view)),
        (Decision::Forbidden, _) => {
            crate::audit::refused(state, actor, op, id);
            Err(Problem::forbidden(format!(
                "u mag bij deze casus niet: {}",
                op.name()
            )))
        }
        _ => {
            crate::audit::refused(state, actor, op, id);
            Err(Problem::not_found("deze casus"))
        }
    }
}

/// Decides an operation that is not about one case; 403 when refused (logged).
pub fn check(state: &AppState, actor: &Actor, op: Operation) -> Result<(), Problem> {
    match decide(Standing::of(actor), Involvement::None, op) {
        Decision::Allow(_) => Ok(()),
        _ => {
            crate::audit::refused_general(state, actor, op);
            Err(Problem::forbidden(format!(
                "dit is niet voor u ({}): {}",
                Standing::of(actor).name(),
                op.name()
            )))
        }
    }
}

/// The policy as a Markdown table (operations × who), as `docs/authorization.md` shows it.
/// For people who are not professionals the involvement makes no difference (tested).
pub fn table() -> String {
    let professional: Vec<Involvement> = Involvement::ALL.to_vec();
    let others = [Standing::Admin, Standing::Privacy, Standing::NoFunction];
    let mut out = String::from("| Handeling |");
    for i in &professional {
        out.push_str(&format!(" professional: {} |", i.name()));
    }
    for s in &others {
        out.push_str(&format!(" {} |", s.name()));
    }
    out.push_str("\n|---|");
    for _ in 0..professional.len() + others.len() {
        out.push_str("---|");
    }
    out.push('\n');
    for op in Operation::ALL {
        out.push_str(&format!("| {} |", op.name()));
        let cells = professional
            .iter()
            .map(|i| decide(Standing::Professional, *i, op))
            .chain(others.iter().map(|s| decide(*s, Involvement::None, op)));
        for d in cells {
            let cell = match d {
                Decision::Allow(Access::Full) => "ja".to_owned(),
                Decision::Allow(Access::Summary) if op != Operation::ReadCase => "ja".to_owned(),
                Decision::Allow(a) => format!("ja ({})", a.key()),
                Decision::NotFound => "404".to_owned(),
                Decision::Forbidden => "403".to_owned(),
            };
            out.push_str(&format!(" {cell} |"));
        }
        out.push('\n');
    }
    out
}

/// Which gemeenten' dashboards a person may see.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum DashboardScope {
    /// Every gemeente, and the view over all of them together (administrators).
    All,
    /// Only these gemeenten, by name (none: no dashboard at all).
    Gemeenten(Vec<String>),
}

impl DashboardScope {
    /// Whether there is any dashboard to see.
    pub fn any(&self) -> bool {
        match self {
            DashboardScope::All => true,
            DashboardScope::Gemeenten(g) => !g.is_empty(),
        }
    }

    /// Whether the dashboard of `gemeente` may be seen.
    pub fn allows(&self, gemeente: &str) -> bool {
        match self {
            DashboardScope::All => true,
            DashboardScope::Gemeenten(g) => g.iter().any(|x| x == gemeente),
        }
    }
}

/// Whether `function` has a governance or policy role in `model` — the functions the
/// dashboard is for (domain: "policy and regional coordinators", managers, wethouders,
/// burgemeesters, OOV advisers): a function that is operationally or administratively
/// responsible in some phase; a function of the administration (`bestuur`); or a function of
/// the gemeente's own organisation (`gemeente`: OOV advisers, strategic advisers, policy
/// staff, team leaders) that never leads a household's help itself — that holds casusregie or
/// behandelregie in no phase (a jeugdconsulent who is casusregisseur does case work, not
/// policy). Casusregisseurs, care providers and other partners have no such role.
pub fn steers(model: &ValidModel, function: &ave_model::FunctionId) -> bool {
    use ave_model::types::OrganisationKind;
    let Some(f) = model.function(function) else {
        return false;
    };
    let holds = |kinds: &[RoleKind]| {
        model.model().phases.iter().any(|p| {
            kinds
                .iter()
                .filter_map(|k| p.regie.role(*k))
                .any(|spec| model.includes(&spec.holders, function))
        })
    };
    match f.kind {
        OrganisationKind::Bestuur => true,
        _ if holds(&[RoleKind::Operationeel, RoleKind::Bestuurlijk]) => true,
        OrganisationKind::Gemeente => !holds(&[RoleKind::Casusregie, RoleKind::Behandelregie]),
        _ => false,
    }
}

/// The gemeenten whose policy dashboard `actor` may see (aggregated counts, never a case):
/// an administrator every gemeente and all together (they keep the models and must see how
/// they work out); a professional the gemeenten whose own model — the model their cases run
/// under — gives one of the person's functions for that gemeente (or for the whole region) a
/// governance or policy role ([`steers`]), and only those: a function that governs in another
/// gemeente's model gives nothing here. The privacy officer and accounts without a function
/// see none. `docs/authorization.md` explains the choice.
pub async fn dashboard_scope(state: &AppState, actor: &Actor) -> Result<DashboardScope, Problem> {
    match Standing::of(actor) {
        Standing::Admin => return Ok(DashboardScope::All),
        Standing::Privacy | Standing::NoFunction => {
            return Ok(DashboardScope::Gemeenten(Vec::new()));
        }
        Standing::Professional => {}
    }
    let mut out: Vec<String> = Vec::new();
    for (gemeente, id, version) in state.dashboard.places(&state.store).await? {
        if out.contains(&gemeente) {
            continue;
        }
        let functions: Vec<ave_model::FunctionId> = actor
            .memberships
            .iter()
            .filter(|m| m.gemeente.as_deref().is_none_or(|g| g == gemeente))
            .filter_map(|m| ave_model::FunctionId::parse(m.function.clone()).ok())
            .collect();
        if functions.is_empty() {
            continue;
        }
        let model = state.models.get(&state.store, &id, &version).await?;
        if functions.iter().any(|f| steers(&model, f)) {
            out.push(gemeente);
        }
    }
    Ok(DashboardScope::Gemeenten(out))
}

/// Whether `actor` may see a policy dashboard at all (for the menu): see [`dashboard_scope`].
pub async fn sees_dashboard(state: &AppState, actor: &Actor) -> Result<bool, Problem> {
    Ok(dashboard_scope(state, actor).await?.any())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_a_professionals_involvement_matters() {
        for s in [Standing::Admin, Standing::Privacy, Standing::NoFunction] {
            for op in Operation::ALL {
                let first = decide(s, Involvement::None, op);
                for i in Involvement::ALL {
                    assert_eq!(decide(s, i, op), first, "{s:?} {i:?} {op:?}");
                }
            }
        }
    }

    #[test]
    fn nobody_but_an_involved_professional_sees_or_changes_a_case() {
        for s in Standing::ALL {
            for i in Involvement::ALL {
                let read = decide(s, i, Operation::ReadCase);
                let command = decide(s, i, Operation::Command);
                let involved = s == Standing::Professional && i != Involvement::None;
                assert_eq!(matches!(read, Decision::Allow(_)), involved, "{s:?} {i:?}");
                assert_eq!(
                    matches!(command, Decision::Allow(_)),
                    s == Standing::Professional
                        && matches!(i, Involvement::Role | Involvement::Participant),
                    "{s:?} {i:?}"
                );
                if !involved {
                    // As if the case did not exist.
                    assert_eq!(read, Decision::NotFound, "{s:?} {i:?}");
                }
            }
        }
    }

    #[test]
    fn the_documentation_shows_this_policy() {
        let doc = include_str!("../../../docs/authorization.md");
        assert!(
            doc.contains(&table()),
            "docs/authorization.md must contain the table of access::table():\n{}",
            table()
        );
    }
}
