//! Why a command was refused: a stable code, a Dutch message that names the rule, and the
//! model's source for that rule where the model cites one. A refused command changes nothing.

use std::fmt;

use ave_model::RuleName;
use serde::Serialize;

use crate::condition::ConditionStatus;

macro_rules! rejection_codes {
    ($( $(#[$doc:meta])* $variant:ident = $code:literal; )*) => {
        /// Stable rejection codes. Never rename or reuse: clients and scenarios refer to them.
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
        pub enum RejectionCode {
            $( $(#[$doc])* $variant, )*
        }

        impl RejectionCode {
            /// All codes.
            pub const ALL: &'static [RejectionCode] = &[$(RejectionCode::$variant),*];

            /// The code as written in scenarios and API responses.
            pub fn as_str(self) -> &'static str {
                match self { $(RejectionCode::$variant => $code,)* }
            }

            /// Parses a code.
            pub fn parse(s: &str) -> Option<Self> {
                match s { $($code => Some(RejectionCode::$variant),)* _ => None }
            }
        }
    };
}

rejection_codes! {
    /// There is no case yet (the first command must open it).
    NoCase = "no-case";
    /// The case is already open.
    CaseExists = "case-exists";
    /// The case is closed.
    CaseClosed = "case-closed";
    /// The case runs under another model or model version.
    ModelMismatch = "model-mismatch";
    /// The command's time lies before the last event of the case.
    DateOutOfOrder = "date-out-of-order";
    /// An id that is already used in this case.
    DuplicateId = "duplicate-id";
    /// A required text is empty.
    EmptyText = "empty-text";
    /// The person giving the command is not a participant.
    NotParticipant = "not-participant";
    /// A person referred to is not a participant.
    UnknownPerson = "unknown-person";
    /// A household member referred to does not exist.
    UnknownMember = "unknown-member";
    /// A phase the model does not have.
    UnknownPhase = "unknown-phase";
    /// A function the model does not declare.
    UnknownFunction = "unknown-function";
    /// A criterion the model does not declare.
    UnknownCriterion = "unknown-criterion";
    /// A fact the model does not declare.
    UnknownFact = "unknown-fact";
    /// The fact is derived from the case and cannot be recorded by hand.
    DerivedFact = "derived-fact";
    /// A transition the model does not have.
    UnknownTransition = "unknown-transition";
    /// A trigger the model does not declare.
    UnknownTrigger = "unknown-trigger";
    /// A meeting kind the model does not name.
    UnknownMeetingKind = "unknown-meeting-kind";
    /// A goal, action, request, disagreement or task that does not exist.
    UnknownItem = "unknown-item";
    /// The phase is not an entry phase, or the person may not open a case there.
    NotEntryPhase = "not-entry-phase";
    /// The role does not apply in the current phase (n.v.t.).
    RoleNotApplicable = "role-not-applicable";
    /// The person's function is not one the model prescribes for this role in this phase.
    FunctionNotPrescribed = "function-not-prescribed";
    /// The person does not hold the role.
    NotRoleHolder = "not-role-holder";
    /// The person already holds the role.
    AlreadyRoleHolder = "already-role-holder";
    /// The person still holds a role and cannot leave.
    HoldsRole = "holds-role";
    /// Rule: exactly one named casusregisseur from the model's phase on.
    RuleCasusregieRequired = "rule-casusregie-required";
    /// Rule: at most one procesregisseur.
    RuleSingleProcesregisseur = "rule-single-procesregisseur";
    /// Rule: casus- and procesregisseur are different people.
    RuleSeparateRegisseurs = "rule-separate-regisseurs";
    /// Rule: with minors, the casusregisseur holds the youth function.
    RuleMinorsCasusregisseur = "rule-minors-casusregisseur";
    /// Rule: procesregie needs a review date.
    RuleProcesregieReview = "rule-procesregie-review";
    /// Rule: a change of casusregisseur needs a reason.
    RuleCasusregieContinuity = "rule-casusregie-continuity";
    /// The transition does not leave the case's current phase.
    WrongPhase = "wrong-phase";
    /// The person may not propose this transition.
    NotProposer = "not-proposer";
    /// The person may not decide this transition.
    NotDecider = "not-decider";
    /// The model leaves open who decides; no one can until it is filled in locally.
    DeciderOpen = "decider-open";
    /// The transition's condition does not hold on the recorded criteria.
    ConditionNotMet = "condition-not-met";
    /// Rule: these criteria alone do not justify this escalation.
    RuleInsufficientAlone = "rule-insufficient-alone";
    /// A precondition of the transition is not met.
    PreconditionNotMet = "precondition-not-met";
    /// A criterion cited is not one of the transition's.
    CriterionNotOfTransition = "criterion-not-of-transition";
    /// The request is not open (already decided or withdrawn).
    RequestNotOpen = "request-not-open";
    /// Another request is already open for the case.
    RequestPending = "request-pending";
    /// A disagreement is open: only the arbiter decides.
    DisagreementOpen = "disagreement-open";
    /// The arbiter already ruled on this transition in this phase: only the arbiter decides.
    ArbiterRuled = "arbiter-ruled";
    /// The model has no arbiter for disagreements.
    NoArbiter = "no-arbiter";
    /// The person is not the arbiter.
    NotArbiter = "not-arbiter";
    /// The person may not raise a disagreement (not a party the model names).
    NotParty = "not-party";
    /// The item is already done (goal closed, action completed, task completed).
    AlreadyDone = "already-done";
    /// Only the phase's bestuurlijk verantwoordelijke records formal decisions.
    NotAdministrator = "not-administrator";
    /// The model says who appoints the holder of this role, and this person does not.
    NotAppointer = "not-appointer";
    /// The case cannot be closed in this phase or state.
    CannotClose = "cannot-close";
    /// The request's transition applies no effect or changes nothing now.
    NothingToChange = "nothing-to-change";
    /// A date further ahead than the phase's norm allows (evaluation, procesregie review).
    BeyondNorm = "beyond-norm";
    /// The step deviates from a `bij voorkeur` requirement and gives no motivation.
    MotivationRequired = "motivation-required";
    /// The person is not one who must see this deviation.
    NotReviewer = "not-reviewer";
    /// A kind of formal decision the model does not declare.
    UnknownDecisionKind = "unknown-decision-kind";
    /// A defect in the engine, reported instead of a panic; the case is unchanged.
    Internal = "internal";
}

impl fmt::Display for RejectionCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl Serialize for RejectionCode {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(self.as_str())
    }
}

/// A refused command.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, thiserror::Error)]
#[error("{code}: {message}")]
pub struct Rejection {
    /// Stable code.
    pub code: RejectionCode,
    /// What is wrong and what to do, in Dutch.
    pub message: String,
    /// The model rule that refused it (`rules.<name>`), if a rule did.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub rule: Option<RuleName>,
    /// The model's source for that rule or transition, where it cites one.
    #[serde(rename = "source", skip_serializing_if = "Option::is_none")]
    pub citation: Option<String>,
    /// For a condition that is not met: every part of it, marked.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub condition: Option<ConditionStatus>,
}

impl Rejection {
    /// A rejection without a rule.
    pub fn new(code: RejectionCode, message: impl Into<String>) -> Self {
        Rejection {
            code,
            message: message.into(),
            rule: None,
            citation: None,
            condition: None,
        }
    }

    /// Names the rule, and cites its source unless a more specific one is cited already.
    pub fn by_rule(mut self, rule: RuleName, source: Option<&str>) -> Self {
        self.rule = Some(rule);
        if self.citation.is_none() {
            self.citation = source.map(str::to_owned);
        }
        self
    }

    /// [`Rejection::by_rule`] with the rule and its source as one pair.
    pub fn under(self, (rule, source): (RuleName, Option<&str>)) -> Self {
        self.by_rule(rule, source)
    }

    /// Adds the marked condition.
    pub fn with_condition(mut self, status: ConditionStatus) -> Self {
        self.condition = Some(status);
        self
    }

    /// Cites a specific source (the transition's or the phase's), which takes precedence over
    /// the general source of the rule.
    pub fn citing(mut self, source: Option<&str>) -> Self {
        if source.is_some() {
            self.citation = source.map(str::to_owned);
        }
        self
    }
}
