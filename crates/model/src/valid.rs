//! A model that passed validation, with indexes for the lookups the engine makes on every
//! command. Only [`ValidModel::new`] builds one, so holding one proves the model is sound.

use std::collections::HashMap;

use crate::diagnostic::Diagnostic;
use crate::ids::{
    AgreementId, CriterionId, FactId, FunctionId, MeetingKindId, PhaseId, TransitionId, TriggerId,
};
use crate::types::{
    Agreement, Criterion, DecisionKind, Fact, Function, FunctionGroup, MeetingKind, Model, Phase,
    Transition, Trigger,
};
use crate::validate::validate;

/// A validated model.
#[derive(Debug, Clone)]
pub struct ValidModel {
    model: Model,
    warnings: Vec<Diagnostic>,
    phases: HashMap<String, usize>,
    functions: HashMap<String, usize>,
    criteria: HashMap<String, usize>,
    facts: HashMap<String, usize>,
    transitions: HashMap<String, usize>,
    triggers: HashMap<String, usize>,
    meetings: HashMap<String, usize>,
    agreements: HashMap<String, (usize, usize)>,
    groups: HashMap<String, usize>,
    decision_kinds: HashMap<String, usize>,
    zone: chrono_tz::Tz,
}

fn index<T>(items: &[T], id: impl Fn(&T) -> &str) -> HashMap<String, usize> {
    items
        .iter()
        .enumerate()
        .map(|(i, x)| (id(x).to_owned(), i))
        .collect()
}

impl ValidModel {
    /// Validates `model`; errors if it has any error diagnostics.
    pub fn new(model: Model) -> Result<Self, Vec<Diagnostic>> {
        let diagnostics = validate(&model);
        Self::with_diagnostics(model, diagnostics)
    }

    /// Builds the indexes of a model whose validation already ran (its diagnostics given).
    pub(crate) fn with_diagnostics(
        model: Model,
        diagnostics: Vec<Diagnostic>,
    ) -> Result<Self, Vec<Diagnostic>> {
        if diagnostics.iter().any(Diagnostic::is_error) {
            return Err(diagnostics);
        }
        let mut agreements = HashMap::new();
        for (pi, p) in model.phases.iter().enumerate() {
            for (ai, a) in p.werkafspraken.iter().enumerate() {
                agreements.insert(a.id.as_str().to_owned(), (pi, ai));
            }
        }
        Ok(ValidModel {
            phases: index(&model.phases, |p| p.id.as_str()),
            functions: index(&model.functions, |f| f.id.as_str()),
            criteria: index(&model.criteria, |c| c.id.as_str()),
            facts: index(&model.facts, |f| f.id.as_str()),
            transitions: index(&model.transitions, |t| t.id.as_str()),
            triggers: index(&model.triggers, |t| t.id.as_str()),
            meetings: index(&model.meeting_kinds, |k| k.id.as_str()),
            agreements,
            groups: index(&model.function_groups, |g| g.id.as_str()),
            decision_kinds: index(&model.decision_kinds, |k| k.id.as_str()),
            zone: model
                .model
                .time_zone
                .as_deref()
                .and_then(crate::time::parse_zone)
                .unwrap_or(crate::time::DEFAULT_ZONE),
            warnings: diagnostics,
            model,
        })
    }

    /// The time zone whose calendar days the model's norms count in.
    pub fn time_zone(&self) -> chrono_tz::Tz {
        self.zone
    }

    /// The model.
    pub fn model(&self) -> &Model {
        &self.model
    }

    /// The warnings validation found.
    pub fn warnings(&self) -> &[Diagnostic] {
        &self.warnings
    }

    /// A phase by id.
    pub fn phase(&self, id: &PhaseId) -> Option<&Phase> {
        self.phases.get(id.as_str()).map(|&i| &self.model.phases[i])
    }

    /// A function by id.
    pub fn function(&self, id: &FunctionId) -> Option<&Function> {
        self.functions
            .get(id.as_str())
            .map(|&i| &self.model.functions[i])
    }

    /// A criterion by id.
    pub fn criterion(&self, id: &CriterionId) -> Option<&Criterion> {
        self.criteria
            .get(id.as_str())
            .map(|&i| &self.model.criteria[i])
    }

    /// A fact by id.
    pub fn fact(&self, id: &FactId) -> Option<&Fact> {
        self.facts.get(id.as_str()).map(|&i| &self.model.facts[i])
    }

    /// A transition by id.
    pub fn transition(&self, id: &TransitionId) -> Option<&Transition> {
        self.transitions
            .get(id.as_str())
            .map(|&i| &self.model.transitions[i])
    }

    /// A trigger by id.
    pub fn trigger(&self, id: &TriggerId) -> Option<&Trigger> {
        self.triggers
            .get(id.as_str())
            .map(|&i| &self.model.triggers[i])
    }

    /// A meeting kind by id.
    pub fn meeting_kind(&self, id: &MeetingKindId) -> Option<&MeetingKind> {
        self.meetings
            .get(id.as_str())
            .map(|&i| &self.model.meeting_kinds[i])
    }

    /// A werkafspraak by id, with the phase that lists it.
    pub fn agreement(&self, id: &AgreementId) -> Option<(&Phase, &Agreement)> {
        self.agreements.get(id.as_str()).map(|&(p, a)| {
            let phase = &self.model.phases[p];
            (phase, &phase.werkafspraken[a])
        })
    }

    /// Transitions that leave `phase` (including those within it).
    pub fn transitions_from<'a>(
        &'a self,
        phase: &'a PhaseId,
    ) -> impl Iterator<Item = &'a Transition> {
        self.model
            .transitions
            .iter()
            .filter(move |t| &t.from == phase)
    }

    /// The phases in order, lowest first.
    pub fn phases_in_order(&self) -> Vec<&Phase> {
        let mut v: Vec<&Phase> = self.model.phases.iter().collect();
        v.sort_by_key(|p| p.order);
        v
    }

    /// A function group by id.
    pub fn group(&self, id: &FunctionId) -> Option<&FunctionGroup> {
        self.groups
            .get(id.as_str())
            .map(|&i| &self.model.function_groups[i])
    }

    /// A kind of formal decision by id.
    pub fn decision_kind(&self, id: &crate::ids::DecisionKindId) -> Option<&DecisionKind> {
        self.decision_kinds
            .get(id.as_str())
            .map(|&i| &self.model.decision_kinds[i])
    }

    /// Whether `function` is in `list`, itself or as a member of a group in it.
    pub fn includes(&self, list: &[FunctionId], function: &FunctionId) -> bool {
        list.iter()
            .any(|f| f == function || self.group(f).is_some_and(|g| g.members.contains(function)))
    }

    /// The functions a list stands for, groups expanded (in order, without repeats).
    pub fn expand(&self, list: &[FunctionId]) -> Vec<FunctionId> {
        let mut out: Vec<FunctionId> = Vec::new();
        for f in list {
            let members: &[FunctionId] = match self.group(f) {
                Some(g) => &g.members,
                None => std::slice::from_ref(f),
            };
            for m in members {
                if !out.contains(m) {
                    out.push(m.clone());
                }
            }
        }
        out
    }

    /// The name of a function, or its id if unknown.
    pub fn function_name<'a>(&'a self, id: &'a FunctionId) -> &'a str {
        match self.function(id) {
            Some(f) => f.name.as_str(),
            None => self.group(id).map_or(id.as_str(), |g| g.name.as_str()),
        }
    }

    /// Lookups by the text of an id, for rendering inside this crate where ids arrive as text.
    pub(crate) fn phase_str(&self, id: &str) -> Option<&Phase> {
        self.phases.get(id).map(|&i| &self.model.phases[i])
    }

    pub(crate) fn criterion_str(&self, id: &str) -> Option<&Criterion> {
        self.criteria.get(id).map(|&i| &self.model.criteria[i])
    }

    pub(crate) fn fact_str(&self, id: &str) -> Option<&Fact> {
        self.facts.get(id).map(|&i| &self.model.facts[i])
    }

    pub(crate) fn meeting_kind_str(&self, id: &str) -> Option<&MeetingKind> {
        self.meetings.get(id).map(|&i| &self.model.meeting_kinds[i])
    }

    pub(crate) fn agreement_str(&self, id: &str) -> Option<(&Phase, &Agreement)> {
        self.agreements.get(id).map(|&(p, a)| {
            let phase = &self.model.phases[p];
            (phase, &phase.werkafspraken[a])
        })
    }

    pub(crate) fn function_name_str<'a>(&'a self, id: &'a str) -> &'a str {
        match self.functions.get(id) {
            Some(&i) => self.model.functions[i].name.as_str(),
            None => self
                .groups
                .get(id)
                .map_or(id, |&i| self.model.function_groups[i].name.as_str()),
        }
    }

    pub(crate) fn transitions_from_str<'a>(
        &'a self,
        phase: &'a str,
    ) -> impl Iterator<Item = &'a Transition> {
        self.model
            .transitions
            .iter()
            .filter(move |t| t.from.as_str() == phase)
    }
}
