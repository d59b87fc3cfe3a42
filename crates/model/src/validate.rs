//! Semantic validation: everything a TOML schema cannot say. References resolve, ids are
//! unique, every regie table is complete, every transition can be decided, every phase is
//! reachable and has a way down, and rules have sound parameters.

use std::collections::{HashMap, HashSet, VecDeque};

use crate::diagnostic::{Code, Diagnostic};
use crate::ids::{CriterionId, FunctionId};
use crate::parse::ModelPath;
use crate::suggest::Suggester;
use crate::types::{
    Actor, Condition, Consult, MeetingRequirement, Model, OrganisationKind, Precondition, RoleKind,
    RoleSpec, RuleName, Strength,
};

/// The deepest condition accepted.
pub const MAX_CONDITION_DEPTH: usize = 16;

/// A finding with the path it belongs to.
#[derive(Debug, Clone)]
pub struct Finding {
    /// The diagnostic (its `path` is set from `at`).
    pub diagnostic: Diagnostic,
    /// Where in the model.
    pub at: ModelPath,
}

/// Validates a model and returns its diagnostics (errors first, then warnings, each in
/// model order).
pub fn validate(model: &Model) -> Vec<Diagnostic> {
    findings(model).into_iter().map(|f| f.diagnostic).collect()
}

/// Validates a model and returns findings with their paths.
pub fn findings(model: &Model) -> Vec<Finding> {
    let mut v = Validator::new(model);
    v.run();
    let mut out = v.out;
    out.sort_by_key(|f| f.diagnostic.severity);
    out
}

struct Validator<'m> {
    m: &'m Model,
    out: Vec<Finding>,
    functions: HashSet<&'m str>,
    /// Function groups (referable wherever a function is).
    groups: HashSet<&'m str>,
    /// The kind of each function, for the evaluation-norm check (one lookup per holder).
    kinds: HashMap<&'m str, OrganisationKind>,
    phases: HashMap<&'m str, u32>,
    criteria: HashSet<&'m str>,
    facts: HashSet<&'m str>,
    meetings: HashSet<&'m str>,
    agreements: HashSet<&'m str>,
    used_functions: HashSet<&'m str>,
    used_criteria: HashSet<&'m str>,
    used_facts: HashSet<&'m str>,
    /// "Bedoelt u …?" for unknown references, within a fixed budget of comparisons.
    suggest: Suggester,
}

fn root() -> ModelPath {
    ModelPath::root()
}

impl<'m> Validator<'m> {
    fn new(m: &'m Model) -> Self {
        Validator {
            m,
            out: Vec::new(),
            functions: m.functions.iter().map(|f| f.id.as_str()).collect(),
            groups: m.function_groups.iter().map(|g| g.id.as_str()).collect(),
            kinds: m
                .functions
                .iter()
                .map(|f| (f.id.as_str(), f.kind))
                .collect(),
            phases: m.phases.iter().map(|p| (p.id.as_str(), p.order)).collect(),
            criteria: m.criteria.iter().map(|c| c.id.as_str()).collect(),
            facts: m.facts.iter().map(|f| f.id.as_str()).collect(),
            meetings: m.meeting_kinds.iter().map(|k| k.id.as_str()).collect(),
            agreements: m
                .phases
                .iter()
                .flat_map(|p| p.werkafspraken.iter().map(|a| a.id.as_str()))
                .collect(),
            used_functions: HashSet::new(),
            used_criteria: HashSet::new(),
            used_facts: HashSet::new(),
            suggest: Suggester::default(),
        }
    }

    fn push(&mut self, code: Code, at: ModelPath, message: impl Into<String>) {
        let diagnostic = Diagnostic::new(code, message).at_path(at.to_string());
        self.out.push(Finding { diagnostic, at });
    }

    fn run(&mut self) {
        self.metadata();
        self.duplicates();
        self.groups();
        self.phases();
        self.transitions();
        self.graph();
        self.triggers();
        self.decision_kinds();
        self.rules();
        self.unused();
    }

    fn metadata(&mut self) {
        let md = &self.m.model;
        if md.gemeente.is_none() && md.regio.is_none() {
            self.push(
                Code::BadMetadata,
                root().key("model"),
                "geef `gemeente` of `regio` (of beide): voor wie geldt dit model?",
            );
        }
        if md.version.trim().is_empty() {
            self.push(
                Code::BadMetadata,
                root().key("model").key("version"),
                "`version` mag niet leeg zijn",
            );
        }
        if md.name.trim().is_empty() {
            self.push(
                Code::BadMetadata,
                root().key("model").key("name"),
                "`name` mag niet leeg zijn",
            );
        }
        if let Some(tz) = &md.time_zone
            && crate::time::parse_zone(tz).is_none()
        {
            self.push(
                Code::BadMetadata,
                root().key("model").key("time_zone"),
                format!("onbekende tijdzone {tz:?}; geef een IANA-naam zoals \"Europe/Amsterdam\""),
            );
        }
    }

    fn duplicates(&mut self) {
        let m = self.m;
        let lists: Vec<(&'static str, Vec<&str>)> = vec![
            (
                "principles",
                m.principles.iter().map(|x| x.id.as_str()).collect(),
            ),
            (
                "functions",
                m.functions.iter().map(|x| x.id.as_str()).collect(),
            ),
            (
                "function_groups",
                m.function_groups.iter().map(|x| x.id.as_str()).collect(),
            ),
            (
                "decision_kinds",
                m.decision_kinds.iter().map(|x| x.id.as_str()).collect(),
            ),
            (
                "meeting_kinds",
                m.meeting_kinds.iter().map(|x| x.id.as_str()).collect(),
            ),
            ("facts", m.facts.iter().map(|x| x.id.as_str()).collect()),
            (
                "criteria",
                m.criteria.iter().map(|x| x.id.as_str()).collect(),
            ),
            ("phases", m.phases.iter().map(|x| x.id.as_str()).collect()),
            (
                "transitions",
                m.transitions.iter().map(|x| x.id.as_str()).collect(),
            ),
            (
                "triggers",
                m.triggers.iter().map(|x| x.id.as_str()).collect(),
            ),
        ];
        for (key, ids) in lists {
            let mut seen = HashSet::new();
            for (i, id) in ids.iter().enumerate() {
                if !seen.insert(*id) {
                    self.push(
                        Code::DuplicateId,
                        root().key(key).index(i),
                        format!("id {id:?} komt meer dan eens voor in `{key}`"),
                    );
                }
            }
        }
        for (i, g) in m.function_groups.iter().enumerate() {
            if self.functions.contains(g.id.as_str()) {
                self.push(
                    Code::DuplicateId,
                    root().key("function_groups").id(i, g.id.as_str()).key("id"),
                    format!(
                        "groep {:?} heeft hetzelfde id als een functie; functies en groepen delen hun ids",
                        g.id.as_str()
                    ),
                );
            }
        }
        let mut seen = HashSet::new();
        for (pi, p) in m.phases.iter().enumerate() {
            for (ai, a) in p.werkafspraken.iter().enumerate() {
                if !seen.insert(a.id.as_str()) {
                    self.push(
                        Code::DuplicateId,
                        root()
                            .key("phases")
                            .id(pi, p.id.as_str())
                            .key("werkafspraken")
                            .index(ai),
                        format!(
                            "werkafspraak-id {:?} komt meer dan eens voor in het model",
                            a.id.as_str()
                        ),
                    );
                }
            }
        }
        let mut orders = HashMap::new();
        for (i, p) in m.phases.iter().enumerate() {
            if let Some(other) = orders.insert(p.order, p.id.as_str()) {
                self.push(
                    Code::DuplicateOrder,
                    root().key("phases").id(i, p.id.as_str()).key("order"),
                    format!(
                        "fase {} heeft dezelfde `order` ({}) als fase {other}",
                        p.id, p.order
                    ),
                );
            }
        }
    }

    /// A reference to a function or a function group.
    fn function_ref(&mut self, id: &'m FunctionId, at: ModelPath) {
        self.used_functions.insert(id.as_str());
        if let Some(g) = self.m.function_groups.iter().find(|g| g.id == *id) {
            for member in &g.members {
                self.used_functions.insert(member.as_str());
            }
            return;
        }
        if !self.functions.contains(id.as_str()) {
            let hint = self.suggest.hint(
                id.as_str(),
                self.functions.iter().chain(self.groups.iter()).copied(),
            );
            self.push(
                Code::UnknownFunction,
                at,
                format!(
                    "onbekende functie {:?}: declareer haar onder [[functions]].{hint}",
                    id.as_str()
                ),
            );
        }
    }

    fn function_refs(&mut self, ids: &'m [FunctionId], at: &ModelPath) {
        for (i, id) in ids.iter().enumerate() {
            self.function_ref(id, at.index(i));
        }
    }

    /// References to functions, groups or roles.
    fn actor_refs(&mut self, actors: &'m [Actor], at: &ModelPath) {
        for (i, a) in actors.iter().enumerate() {
            if let Actor::Function(f) = a {
                self.function_ref(f, at.index(i));
            }
        }
    }

    fn meeting_requirement(&mut self, r: &'m MeetingRequirement, at: ModelPath) {
        self.meeting_ref(r.meeting.as_str(), at.key("meeting"));
        self.function_refs(&r.seen_by, &at.key("seen_by"));
    }

    fn consult(&mut self, c: &'m Consult, at: ModelPath) {
        match (&c.function, c.role) {
            (Some(f), None) => self.function_ref(f, at.key("function")),
            (None, Some(_)) => {}
            _ => self.push(
                Code::BadRequirement,
                at.clone(),
                "geef bij een raadpleging precies één van `function` en `role`",
            ),
        }
        if let Some(when) = &c.when {
            self.condition(when, at.key("when"), 1);
        }
        self.function_refs(&c.seen_by, &at.key("seen_by"));
    }

    fn groups(&mut self) {
        let m = self.m;
        for (i, g) in m.function_groups.iter().enumerate() {
            let at = root().key("function_groups").id(i, g.id.as_str());
            if g.members.is_empty() {
                self.push(
                    Code::BadGroup,
                    at.key("members"),
                    format!("groep {} heeft geen leden", g.id),
                );
            }
            for (k, member) in g.members.iter().enumerate() {
                if self.groups.contains(member.as_str()) {
                    self.push(
                        Code::BadGroup,
                        at.key("members").index(k),
                        format!(
                            "groep {} bevat groep {member}; een groep bestaat uit functies",
                            g.id
                        ),
                    );
                } else if !self.functions.contains(member.as_str()) {
                    let hint = self
                        .suggest
                        .hint(member.as_str(), self.functions.iter().copied());
                    self.push(
                        Code::UnknownFunction,
                        at.key("members").index(k),
                        format!(
                            "onbekende functie {:?}: declareer haar onder [[functions]].{hint}",
                            member.as_str()
                        ),
                    );
                }
            }
        }
    }

    fn decision_kinds(&mut self) {
        let m = self.m;
        for (i, k) in m.decision_kinds.iter().enumerate() {
            let at = root().key("decision_kinds").id(i, k.id.as_str());
            match (k.deciders.is_empty(), &k.deciders_open) {
                (true, None) => self.push(
                    Code::BadDecisionKind,
                    at.clone(),
                    format!(
                        "niemand mag besluit {} nemen: geef `deciders` (of `deciders_open = \"…\"`)",
                        k.id
                    ),
                ),
                (false, Some(_)) => self.push(
                    Code::BadDecisionKind,
                    at.key("deciders_open"),
                    format!("besluit {} geeft zowel `deciders` als `deciders_open`", k.id),
                ),
                (true, Some(reason)) => self.push(
                    Code::OpenDecider,
                    at.key("deciders_open"),
                    format!("wie besluit {} neemt, is open gelaten: {reason}", k.id),
                ),
                (false, None) => {}
            }
            self.actor_refs(&k.deciders, &at.key("deciders"));
            for (j, p) in k.phases.iter().enumerate() {
                self.phase_ref(p.as_str(), at.key("phases").index(j));
            }
        }
    }

    fn phase_ref(&mut self, id: &str, at: ModelPath) -> Option<u32> {
        let order = self.phases.get(id).copied();
        if order.is_none() {
            let hint = self.suggest.hint(id, self.phases.keys().copied());
            self.push(
                Code::UnknownPhase,
                at,
                format!("onbekende fase {id:?}.{hint}"),
            );
        }
        order
    }

    fn meeting_ref(&mut self, id: &str, at: ModelPath) {
        if !self.meetings.contains(id) {
            let hint = self.suggest.hint(id, self.meetings.iter().copied());
            self.push(
                Code::UnknownMeetingKind,
                at,
                format!(
                    "onbekend soort overleg {id:?}: declareer het onder [[meeting_kinds]].{hint}"
                ),
            );
        }
    }

    fn criterion_ref(&mut self, id: &'m CriterionId, at: ModelPath) {
        self.used_criteria.insert(id.as_str());
        if !self.criteria.contains(id.as_str()) {
            let hint = self
                .suggest
                .hint(id.as_str(), self.criteria.iter().copied());
            self.push(
                Code::UnknownCriterion,
                at,
                format!(
                    "onbekend criterium {:?}: declareer het onder [[criteria]].{hint}",
                    id.as_str()
                ),
            );
        }
    }

    fn phases(&mut self) {
        let m = self.m;
        if m.phases.is_empty() {
            self.push(
                Code::NoPhases,
                root(),
                "het model heeft geen fasen ([[phases]])",
            );
            return;
        }
        if !m.phases.iter().any(|p| p.entry) {
            self.push(
                Code::NoEntry,
                root().key("phases"),
                "geen fase heeft `entry = true`: in welke fase begint een casus?",
            );
        }
        for (pi, p) in m.phases.iter().enumerate() {
            let at = root().key("phases").id(pi, p.id.as_str());
            if let Some(share) = p.share_percent
                && !(0.0..=100.0).contains(&share)
            {
                self.push(
                    Code::OutOfRange,
                    at.key("share_percent"),
                    format!("aandeel {share} ligt niet tussen 0 en 100 procent"),
                );
            }
            self.function_refs(&p.entry_by, &at.key("entry_by"));
            if let Some(when) = &p.entry_when {
                if !p.entry {
                    self.push(
                        Code::BadCondition,
                        at.key("entry_when"),
                        format!(
                            "fase {} heeft `entry_when` maar is geen beginfase (`entry = true`)",
                            p.id
                        ),
                    );
                }
                if !only_facts(when) {
                    self.push(
                        Code::BadCondition,
                        at.key("entry_when"),
                        "bij het openen van een casus tellen alleen feiten (`fact`); criteria en rollen zijn er dan nog niet",
                    );
                }
                self.condition(when, at.key("entry_when"), 1);
            }
            if let Some(g) = &p.grondslag {
                match (&g.basis, &g.verwerkingsverantwoordelijke, &g.open) {
                    (Some(_), Some(_), None) => {}
                    (None, None, Some(reason)) => self.push(
                        Code::OpenGrondslag,
                        at.key("grondslag").key("open"),
                        format!(
                            "grondslag en verwerkingsverantwoordelijke van fase {} zijn open gelaten: {}; de gemeente legt ze vast",
                            p.id,
                            reason.trim_end_matches('.')
                        ),
                    ),
                    _ => self.push(
                        Code::BadGrondslag,
                        at.key("grondslag"),
                        "geef `basis` én `verwerkingsverantwoordelijke`, of alleen `open = \"…\"`",
                    ),
                }
            }
            let regie = at.key("regie");
            for kind in RoleKind::ALL {
                match p.regie.role(kind) {
                    None if kind == RoleKind::Behandelregie => {}
                    None => self.push(
                        Code::IncompleteRegie,
                        regie.clone(),
                        format!(
                            "de regietabel van fase {} mist `{}`: geef `holders`, `nvt = true` of `open = \"…\"`",
                            p.id,
                            kind.key()
                        ),
                    ),
                    Some(spec) => self.role(spec, kind, p.id.as_str(), regie.key(kind.key())),
                }
            }
            self.function_refs(&p.regie.in_overleg_met, &regie.key("in_overleg_met"));
            if self.needs_evaluation(p)
                && p.norms.as_ref().and_then(|n| n.evaluation_days).is_none()
            {
                self.push(
                    Code::NoEvaluationNorm,
                    at.key("norms"),
                    format!(
                        "fase {} heeft geen evaluatietermijn (`norms.evaluation_days`); achterstallige evaluatie wordt dan niet gesignaleerd",
                        p.id
                    ),
                );
            }
            if let Some(n) = &p.norms {
                for (key, value) in [
                    ("evaluation_days", n.evaluation_days),
                    ("stagnation_days", n.stagnation_days),
                    ("procesregie_review_days", n.procesregie_review_days),
                    ("decision_days", n.decision_days),
                ] {
                    if let Some(days) = value
                        && !(1..=3650).contains(&days)
                    {
                        self.push(
                            Code::OutOfRange,
                            at.key("norms").key(key),
                            format!("{days} dagen ligt niet tussen 1 en 3650"),
                        );
                    }
                }
            }
        }
    }

    /// A phase needs an evaluation norm when professionals hold casusregie there; not where
    /// residents (also) hold it themselves (zelfregie).
    fn needs_evaluation(&self, p: &crate::types::Phase) -> bool {
        match &p.regie.casusregie {
            Some(spec) if spec.nvt => false,
            Some(spec) if spec.open.is_some() => true,
            Some(spec) => !spec.holders.iter().any(|h| {
                matches!(
                    self.kinds.get(h.as_str()),
                    Some(OrganisationKind::Inwoner | OrganisationKind::Netwerk)
                )
            }),
            None => true,
        }
    }

    fn role(&mut self, spec: &'m RoleSpec, kind: RoleKind, phase: &str, at: ModelPath) {
        let modes = [!spec.holders.is_empty(), spec.nvt, spec.open.is_some()]
            .iter()
            .filter(|b| **b)
            .count();
        if modes != 1 {
            let what = if modes == 0 {
                "is leeg"
            } else {
                "geeft meer dan één van `holders`, `nvt` en `open`"
            };
            self.push(
                Code::ContradictoryRole,
                at.clone(),
                format!(
                    "{} in fase {phase} {what}: geef precies één van `holders = [...]`, `nvt = true` of `open = \"…\"`",
                    kind.label()
                ),
            );
        }
        if let Some(reason) = &spec.open {
            self.push(
                Code::OpenRole,
                at.clone(),
                format!(
                    "{} in fase {phase} is open gelaten: {reason}; vul dit lokaal in",
                    kind.label()
                ),
            );
        }
        self.function_refs(&spec.holders, &at.key("holders"));
        self.actor_refs(&spec.appointed_by, &at.key("appointed_by"));
        if let Some(r) = &spec.appointed_in {
            self.meeting_requirement(r, at.key("appointed_in"));
        }
    }

    fn transitions(&mut self) {
        let m = self.m;
        for (ti, t) in m.transitions.iter().enumerate() {
            let at = root().key("transitions").id(ti, t.id.as_str());
            let from = self.phase_ref(t.from.as_str(), at.key("from"));
            let to = self.phase_ref(t.to.as_str(), at.key("to"));
            if let (Some(from), Some(to)) = (from, to) {
                use crate::types::Direction::{Af, Op};
                let problem = match (from.cmp(&to), t.direction, t.effect) {
                    (std::cmp::Ordering::Equal, _, None) => Some(
                        "een overgang binnen een fase moet `effect` geven (bijv. \"procesregie-toevoegen\")",
                    ),
                    (std::cmp::Ordering::Less, Af, _) => {
                        Some("de doelfase ligt hoger: dit is opschalen, geen afschalen")
                    }
                    (std::cmp::Ordering::Greater, Op, _) => {
                        Some("de doelfase ligt lager: dit is afschalen, geen opschalen")
                    }
                    (o, _, Some(_)) if o != std::cmp::Ordering::Equal => {
                        Some("`effect` hoort alleen bij een overgang binnen een fase")
                    }
                    _ => None,
                };
                if let Some(problem) = problem {
                    self.push(
                        Code::BadTransition,
                        at.clone(),
                        format!("overgang {}: {problem}", t.id),
                    );
                }
            }
            if t.criteria.is_empty() && t.condition.is_none() {
                self.push(
                    Code::NoCriteria,
                    at.clone(),
                    format!(
                        "overgang {} heeft geen criteria: wanneer mag deze plaatsvinden?",
                        t.id
                    ),
                );
            }
            for (i, c) in t.criteria.iter().enumerate() {
                self.criterion_ref(c, at.key("criteria").index(i));
            }
            if let Some(cond) = &t.condition {
                self.condition(cond, at.key("condition"), 1);
            }
            match (t.deciders.is_empty(), &t.deciders_open) {
                (true, None) => self.push(
                    Code::NoDecider,
                    at.clone(),
                    format!(
                        "niemand mag overgang {} besluiten: geef `deciders` (of `deciders_open = \"…\"` als de bron het openlaat)",
                        t.id
                    ),
                ),
                (true, Some(reason)) => self.push(
                    Code::OpenDecider,
                    at.key("deciders_open"),
                    format!(
                        "wie overgang {} besluit, is open gelaten: {reason}; tot dit lokaal is ingevuld kan niemand besluiten",
                        t.id
                    ),
                ),
                (false, Some(_)) => self.push(
                    Code::BadTransition,
                    at.key("deciders_open"),
                    format!(
                        "overgang {} geeft zowel `deciders` als `deciders_open`",
                        t.id
                    ),
                ),
                (false, None) => {}
            }
            self.actor_refs(&t.deciders, &at.key("deciders"));
            self.actor_refs(&t.proposers, &at.key("proposers"));
            match (t.proposers.is_empty(), &t.proposers_open) {
                (false, Some(_)) => self.push(
                    Code::BadTransition,
                    at.key("proposers_open"),
                    format!(
                        "overgang {} geeft zowel `proposers` als `proposers_open`",
                        t.id
                    ),
                ),
                (true, Some(reason)) => self.push(
                    Code::OpenProposer,
                    at.key("proposers_open"),
                    format!(
                        "wie overgang {} voorstelt, is open gelaten: {}; tot dit lokaal is ingevuld mag iedere betrokkene voorstellen",
                        t.id,
                        reason.trim_end_matches('.')
                    ),
                ),
                _ => {}
            }
            for (i, c) in t.consult.iter().enumerate() {
                self.consult(c, at.key("consult").index(i));
            }
            if let Some(r) = &t.decided_in {
                self.meeting_requirement(r, at.key("decided_in"));
            }
            for (i, pre) in t.preconditions.iter().enumerate() {
                let pat = at.key("preconditions").index(i);
                let (when, seen_by) = match pre {
                    Precondition::Plan {
                        phase,
                        when,
                        seen_by,
                        ..
                    } => {
                        self.phase_ref(phase.as_str(), pat.key("phase"));
                        (when, seen_by)
                    }
                    Precondition::Meeting {
                        meeting,
                        when,
                        seen_by,
                        ..
                    } => {
                        self.meeting_ref(meeting.as_str(), pat.key("meeting"));
                        (when, seen_by)
                    }
                    Precondition::Consulted {
                        function,
                        when,
                        seen_by,
                        ..
                    } => {
                        self.function_ref(function, pat.key("function"));
                        (when, seen_by)
                    }
                    Precondition::RoleHeld {
                        by, when, seen_by, ..
                    } => {
                        self.function_refs(by, &pat.key("by"));
                        (when, seen_by)
                    }
                };
                if let Some(when) = when {
                    self.condition(when, pat.key("when"), 1);
                }
                self.function_refs(seen_by, &pat.key("seen_by"));
            }
            for (i, h) in t.handover.iter().enumerate() {
                let hat = at.key("handover").index(i);
                if let Some(when) = &h.when {
                    self.condition(when, hat.key("when"), 1);
                }
                self.function_refs(&h.to, &hat.key("to"));
            }
            for (i, a) in t.werkafspraken.iter().enumerate() {
                if !self.agreements.contains(a.as_str()) {
                    let hint = self
                        .suggest
                        .hint(a.as_str(), self.agreements.iter().copied());
                    self.push(
                        Code::UnknownAgreement,
                        at.key("werkafspraken").index(i),
                        format!("onbekende werkafspraak {:?}.{hint}", a.as_str()),
                    );
                }
            }
        }
    }

    fn condition(&mut self, c: &'m Condition, at: ModelPath, depth: usize) {
        if depth > MAX_CONDITION_DEPTH {
            self.push(
                Code::BadCondition,
                at,
                format!("voorwaarde is dieper genest dan {MAX_CONDITION_DEPTH} niveaus"),
            );
            return;
        }
        match c {
            Condition::Criterion(id) => self.criterion_ref(id, at.key("criterion")),
            Condition::Fact(id) => {
                self.used_facts.insert(id.as_str());
                if !self.facts.contains(id.as_str()) {
                    let hint = self.suggest.hint(id.as_str(), self.facts.iter().copied());
                    self.push(
                        Code::UnknownFact,
                        at.key("fact"),
                        format!(
                            "onbekend feit {:?}: declareer het onder [[facts]].{hint}",
                            id.as_str()
                        ),
                    );
                }
            }
            Condition::Any(parts) | Condition::All(parts) => {
                let key = if matches!(c, Condition::Any(_)) {
                    "any"
                } else {
                    "all"
                };
                if parts.is_empty() {
                    self.push(Code::BadCondition, at.key(key), format!("`{key}` is leeg"));
                }
                for (i, p) in parts.iter().enumerate() {
                    self.condition(p, at.key(key).index(i), depth + 1);
                }
            }
            Condition::AtLeast(a) => {
                if a.n == 0 || a.n as usize > a.of.len() {
                    self.push(
                        Code::BadCondition,
                        at.key("at_least").key("n"),
                        format!(
                            "`at_least.n` is {} maar er zijn {} onderdelen: nooit of altijd waar",
                            a.n,
                            a.of.len()
                        ),
                    );
                }
                for (i, p) in a.of.iter().enumerate() {
                    self.condition(p, at.key("at_least").key("of").index(i), depth + 1);
                }
            }
            Condition::Not(inner) => self.condition(inner, at.key("not"), depth + 1),
            Condition::Held(h) => self.function_refs(&h.by, &at.key("held").key("by")),
        }
    }

    fn graph(&mut self) {
        let m = self.m;
        if m.phases.is_empty() {
            return;
        }
        let known = |id: &str| self.phases.contains_key(id);
        let edges: Vec<(&str, &str, bool)> = m
            .transitions
            .iter()
            .filter(|t| t.from != t.to && known(t.from.as_str()) && known(t.to.as_str()))
            .map(|t| {
                (
                    t.from.as_str(),
                    t.to.as_str(),
                    t.direction == crate::types::Direction::Af,
                )
            })
            .collect();
        let entries: Vec<&str> = m
            .phases
            .iter()
            .filter(|p| p.entry)
            .map(|p| p.id.as_str())
            .collect();
        if !entries.is_empty() {
            let all: Vec<(&str, &str)> = edges.iter().map(|&(a, b, _)| (a, b)).collect();
            let reached = reach(&entries, &all);
            for (i, p) in m.phases.iter().enumerate() {
                if !reached.contains(p.id.as_str()) {
                    self.push(
                        Code::Unreachable,
                        root().key("phases").id(i, p.id.as_str()),
                        format!(
                            "fase {} is niet te bereiken vanuit een beginfase ({})",
                            p.id,
                            entries.join(", ")
                        ),
                    );
                }
            }
        }
        let Some(lowest) = m.phases.iter().min_by_key(|p| p.order) else {
            return;
        };
        // Walk the afschalingen backwards from the lowest phase.
        let down: Vec<(&str, &str)> = edges
            .iter()
            .filter(|e| e.2)
            .map(|&(a, b, _)| (b, a))
            .collect();
        let can_descend = reach(&[lowest.id.as_str()], &down);
        for (i, p) in m.phases.iter().enumerate() {
            if !can_descend.contains(p.id.as_str()) {
                self.push(
                    Code::NoWayDown,
                    root().key("phases").id(i, p.id.as_str()),
                    format!(
                        "vanuit fase {} is er geen weg terug (afschalen) naar fase {}",
                        p.id, lowest.id
                    ),
                );
            }
        }
    }

    fn triggers(&mut self) {
        let m = self.m;
        for (ti, t) in m.triggers.iter().enumerate() {
            let at = root().key("triggers").id(ti, t.id.as_str());
            for (i, p) in t.phases.iter().enumerate() {
                self.phase_ref(p.as_str(), at.key("phases").index(i));
            }
            self.function_refs(&t.inform, &at.key("inform"));
        }
    }

    fn rules(&mut self) {
        let r = &self.m.rules;
        let at = root().key("rules");
        for &name in RuleName::ALL {
            if r.presence(name).is_none() {
                self.push(
                    Code::RuleAbsent,
                    at.key(name.key()),
                    format!("regel `{name}` staat niet in het model en geldt dus niet; zet `enabled = false` als dat de bedoeling is"),
                );
            }
            let graded = matches!(
                name,
                RuleName::SingleProcesregisseur
                    | RuleName::SeparateRegisseurs
                    | RuleName::MinorsCasusregisseur
                    | RuleName::InsufficientAlone
            );
            let strength = r.strength_of(name).unwrap_or_default();
            if !graded && strength != Strength::Moet {
                self.push(
                    Code::BadRule,
                    at.key(name.key()).key("strength"),
                    format!(
                        "regel `{name}` kent alleen `moet`; `bij-voorkeur` en `kan` gelden voor single_procesregisseur, separate_regisseurs, minors_casusregisseur en insufficient_alone"
                    ),
                );
            }
            self.function_refs(r.seen_by(name), &at.key(name.key()).key("seen_by"));
        }
        if let Some(rule) = &r.casusregie_required {
            let rat = at.key("casusregie_required").key("from_phase");
            match &rule.from_phase {
                Some(p) => {
                    self.phase_ref(p.as_str(), rat);
                }
                None if rule.enabled => self.push(
                    Code::BadRule,
                    rat,
                    "`casusregie_required` staat aan maar noemt geen `from_phase`",
                ),
                None => {}
            }
        }
        if let Some(rule) = &r.separate_regisseurs {
            self.function_refs(
                &rule.exception_functions,
                &at.key("separate_regisseurs").key("exception_functions"),
            );
        }
        if let Some(rule) = &r.minors_casusregisseur {
            let rat = at.key("minors_casusregisseur");
            if rule.enabled && rule.functions.is_empty() {
                self.push(
                    Code::BadRule,
                    rat.key("functions"),
                    "de minderjarigenregel staat aan maar noemt geen functie voor de casusregisseur",
                );
            }
            self.function_refs(&rule.functions, &rat.key("functions"));
        }
        if let Some(rule) = &r.disagreement_arbiter {
            let rat = at.key("disagreement_arbiter");
            match &rule.arbiter {
                Some(Actor::Function(f)) => self.function_ref(f, rat.key("arbiter")),
                Some(Actor::Role { .. }) => {}
                None if rule.enabled => self.push(
                    Code::BadRule,
                    rat.key("arbiter"),
                    "`disagreement_arbiter` staat aan maar noemt geen `arbiter`",
                ),
                None => {}
            }
            self.actor_refs(&rule.parties, &rat.key("parties"));
        }
        if let Some(rule) = &r.insufficient_alone {
            let rat = at.key("insufficient_alone");
            if rule.enabled && (rule.criteria.is_empty() || rule.to_phases.is_empty()) {
                self.push(
                    Code::BadRule,
                    rat.clone(),
                    "`insufficient_alone` staat aan maar noemt geen criteria of geen fasen",
                );
            }
            for (i, c) in rule.criteria.iter().enumerate() {
                self.criterion_ref(c, rat.key("criteria").index(i));
            }
            for (i, p) in rule.to_phases.iter().enumerate() {
                self.phase_ref(p.as_str(), rat.key("to_phases").index(i));
            }
        }
    }

    fn unused(&mut self) {
        let m = self.m;
        for (i, c) in m.criteria.iter().enumerate() {
            if !self.used_criteria.contains(c.id.as_str()) {
                self.push(
                    Code::UnusedCriterion,
                    root().key("criteria").id(i, c.id.as_str()),
                    format!("criterium {} wordt door geen overgang gebruikt", c.id),
                );
            }
        }
        for (i, f) in m.facts.iter().enumerate() {
            if !self.used_facts.contains(f.id.as_str()) {
                self.push(
                    Code::UnusedFact,
                    root().key("facts").id(i, f.id.as_str()),
                    format!("feit {} wordt in geen voorwaarde gebruikt", f.id),
                );
            }
        }
        for (i, f) in m.functions.iter().enumerate() {
            if !self.used_functions.contains(f.id.as_str()) {
                self.push(
                    Code::UnusedFunction,
                    root().key("functions").id(i, f.id.as_str()),
                    format!("functie {} ({}) heeft nergens een rol", f.id, f.name),
                );
            }
        }
    }
}

/// Phases reachable from `starts` over `edges` (from, to), each edge followed once.
/// Whether a condition refers only to facts (what is known when a case is opened).
fn only_facts(c: &Condition) -> bool {
    match c {
        Condition::Fact(_) => true,
        Condition::Criterion(_) | Condition::Held(_) => false,
        Condition::Any(parts) | Condition::All(parts) => parts.iter().all(only_facts),
        Condition::AtLeast(a) => a.of.iter().all(only_facts),
        Condition::Not(inner) => only_facts(inner),
    }
}

fn reach<'a>(starts: &[&'a str], edges: &[(&'a str, &'a str)]) -> HashSet<&'a str> {
    let mut next: HashMap<&str, Vec<&str>> = HashMap::new();
    for &(a, b) in edges {
        next.entry(a).or_default().push(b);
    }
    let mut seen: HashSet<&str> = starts.iter().copied().collect();
    let mut queue: VecDeque<&str> = starts.iter().copied().collect();
    while let Some(p) = queue.pop_front() {
        for &b in next.get(p).map(Vec::as_slice).unwrap_or_default() {
            if seen.insert(b) {
                queue.push_back(b);
            }
        }
    }
    seen
}
