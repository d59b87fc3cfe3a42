//! The types of a local AVE model, exactly as its TOML file holds them.
//!
//! Every struct refuses unknown keys: a misspelt key must never silently drop a rule.
//! The checks that need the whole model (references, reachability, completeness) live in
//! [`crate::validate`]; a [`crate::ValidModel`] is a model that passed them.

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use crate::date::Date;
use crate::ids::{
    AgreementId, CriterionId, FactId, FunctionId, MeetingKindId, ModelId, PhaseId, PrincipleId,
    TransitionId, TriggerId,
};

fn is_false(b: &bool) -> bool {
    !*b
}

/// A complete local AVE model: what a gemeente or regio has agreed on paper, made executable.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Model {
    /// Who made this model, which version it is and since when it applies.
    pub model: Metadata,
    /// Leading principles (leidende principes) the model rests on.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub principles: Vec<Principle>,
    /// Functions (roles in organisations), declared once and referred to by id everywhere else.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub functions: Vec<Function>,
    /// Groups of functions ("samenwerkingspartners"), usable wherever a function is: the
    /// group stands for each of its members.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub function_groups: Vec<FunctionGroup>,
    /// Kinds of meeting the model names (MDO, Samenwerkoverleg, COM, triage, driehoek, …).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub meeting_kinds: Vec<MeetingKind>,
    /// Facts about a household that conditions may use (minors present, media attention, …).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub facts: Vec<Fact>,
    /// Criteria for op- and afschalen, referred to by transitions.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub criteria: Vec<Criterion>,
    /// The phases, each with its regie table.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub phases: Vec<Phase>,
    /// The allowed op- and afschalingen, between phases and within one.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub transitions: Vec<Transition>,
    /// Situations that oblige informing people or checking escalation.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub triggers: Vec<Trigger>,
    /// Kinds of formal decision (huisverbod, …) and who may take each.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub decision_kinds: Vec<DecisionKind>,
    /// The leading rules, each a named switch with its parameters.
    #[serde(default, skip_serializing_if = "Rules::is_empty")]
    pub rules: Rules,
}

/// Metadata of a model.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Metadata {
    /// Short stable id, e.g. `noord-limburg`.
    pub id: ModelId,
    /// Human name of the model.
    pub name: String,
    /// The gemeente this model is for, if it is a municipal model.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub gemeente: Option<String>,
    /// The region this model is for or belongs to.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub regio: Option<String>,
    /// Version of the model, as the gemeente numbers it (e.g. `2024.1`).
    pub version: String,
    /// The date from which this version applies.
    pub valid_from: Date,
    /// The time zone whose calendar days the model's norms count in (an IANA name). Absent:
    /// `Europe/Amsterdam`. An evaluation "within 90 days" ends at local midnight, not UTC's.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub time_zone: Option<String>,
    /// The document this model encodes (title, file, section).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub source: Option<String>,
    /// A base model this one extends: a preset name or a path relative to this file.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub extends: Option<String>,
    /// A few lines on what this model is.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
    /// Who in the gemeente maintains this model and settles what it leaves open.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub owner: Option<String>,
    /// A reading of the source (lezing): the quote that supports it and why it is read so.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub lezing: Option<Reading>,
    /// A choice the product made where the source is silent, and why (productkeuze).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub productkeuze: Option<String>,
    /// A choice the gemeente made in its local model, and why (lokale keuze).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub lokaal: Option<String>,
}

/// A leading principle (leidend principe).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Principle {
    /// Id of the principle.
    pub id: PrincipleId,
    /// The principle as the source words it.
    pub text: String,
    /// Where the source says it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub source: Option<String>,
    /// A reading of the source (lezing): the quote that supports it and why it is read so.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub lezing: Option<Reading>,
    /// A choice the product made where the source is silent, and why (productkeuze).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub productkeuze: Option<String>,
    /// A choice the gemeente made in its local model, and why (lokale keuze).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub lokaal: Option<String>,
}

/// A function: a role held by people of one kind of organisation, e.g. "procesregisseur ZVH".
/// Models assign roles to functions, never to persons.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Function {
    /// Id used everywhere else in the model.
    pub id: FunctionId,
    /// Name as the local model writes it.
    pub name: String,
    /// The organisation (or kind of organisation) the function belongs to.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub organisation: Option<String>,
    /// What kind of organisation it is.
    pub kind: OrganisationKind,
    /// Anything the source adds about this function.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub note: Option<String>,
    /// A reading of the source (lezing): the quote that supports it and why it is read so.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub lezing: Option<Reading>,
    /// A choice the product made where the source is silent, and why (productkeuze).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub productkeuze: Option<String>,
    /// A choice the gemeente made in its local model, and why (lokale keuze).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub lokaal: Option<String>,
}

/// Kinds of organisation a function may belong to.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "kebab-case")]
pub enum OrganisationKind {
    /// The resident or a representative they chose.
    Inwoner,
    /// Society, neighbours, the maatschappelijk middenveld.
    Netwerk,
    /// The gemeente's civil service.
    Gemeente,
    /// Administrators: wethouder, college, burgemeester.
    Bestuur,
    /// Wijkteam, sociaal team, gebiedsteam.
    SociaalTeam,
    /// Care and welfare providers, GGZ, GGD.
    Zorg,
    /// The Zorg- en Veiligheidshuis.
    Zvh,
    /// Veilig Thuis.
    VeiligThuis,
    /// Police.
    Politie,
    /// The justice chain: OM, reclassering, Raad voor de Kinderbescherming, gecertificeerde instellingen.
    Justitie,
    /// Housing corporations.
    Wonen,
    /// Schools, leerplicht.
    Onderwijs,
    /// A body that decides together (MDO, driehoek) rather than one organisation.
    Overleg,
    /// Anything else.
    Overig,
}

/// A kind of meeting the model names.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct MeetingKind {
    /// Id, e.g. `com`.
    pub id: MeetingKindId,
    /// Name, e.g. "Casus Overleg op Maat (COM)".
    pub name: String,
    /// What the meeting is for.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
    /// Where the source describes it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub source: Option<String>,
    /// A reading of the source (lezing): the quote that supports it and why it is read so.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub lezing: Option<Reading>,
    /// A choice the product made where the source is silent, and why (productkeuze).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub productkeuze: Option<String>,
    /// A choice the gemeente made in its local model, and why (lokale keuze).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub lokaal: Option<String>,
}

/// A fact about a household that a condition may test.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Fact {
    /// Id, e.g. `media-aandacht`.
    pub id: FactId,
    /// What the fact means.
    pub text: String,
    /// Set when the engine derives the fact from the case instead of a person recording it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub derived: Option<DerivedFact>,
    /// A reading of the source (lezing): the quote that supports it and why it is read so.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub lezing: Option<Reading>,
    /// A choice the product made where the source is silent, and why (productkeuze).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub productkeuze: Option<String>,
    /// A choice the gemeente made in its local model, and why (lokale keuze).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub lokaal: Option<String>,
}

/// Facts the engine knows how to derive from a case.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "kebab-case")]
pub enum DerivedFact {
    /// At least one member of the household is a minor.
    MinderjarigenInHuishouden,
}

/// A criterion for op- or afschalen.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Criterion {
    /// Id used in transitions and conditions.
    pub id: CriterionId,
    /// The criterion as the source words it.
    pub text: String,
    /// A heading that groups criteria (e.g. "veiligheid", "samenwerking").
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub group: Option<String>,
    /// Where the source gives it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub source: Option<String>,
    /// A reading of the source (lezing): the quote that supports it and why it is read so.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub lezing: Option<Reading>,
    /// A choice the product made where the source is silent, and why (productkeuze).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub productkeuze: Option<String>,
    /// A choice the gemeente made in its local model, and why (lokale keuze).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub lokaal: Option<String>,
}

/// A phase (fase) of the model.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Phase {
    /// Id as the local model numbers it: `1`, `2A`, `0`.
    pub id: PhaseId,
    /// Position from low (least escalated) to high. Unique within the model.
    pub order: u32,
    /// Title, e.g. "Er zijn zorgen en er is hulp nodig".
    pub title: String,
    /// One line under the title (the poster's subtitle).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub summary: Option<String>,
    /// Colour on the poster.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub colour: Option<Colour>,
    /// Domain label on the poster.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub domain: Option<DomainLabel>,
    /// The starting situation (uitgangssituatie).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub situation: Option<String>,
    /// Expected share of households in this phase, in percent (80, 15, 5, 0.5).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub share_percent: Option<f64>,
    /// A case may start directly in this phase.
    #[serde(default, skip_serializing_if = "is_false")]
    pub entry: bool,
    /// Who may open a case directly in this phase (empty: any professional involved).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub entry_by: Vec<FunctionId>,
    /// Only when these facts hold may a case start here (facts given at opening), e.g. "als
    /// client daar al in behandeling is".
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub entry_when: Option<Condition>,
    /// Who holds which role in this phase.
    #[serde(default)]
    pub regie: RegieTable,
    /// Time norms for cases in this phase.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub norms: Option<TimeNorms>,
    /// Local agreements, routes and protocols (werkafspraken) that apply in this phase.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub werkafspraken: Vec<Agreement>,
    /// People and organisations to involve, grouped (zorgketen, justitieketen, driehoek, …).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub organisations: Vec<OrganisationGroup>,
    /// Possible actions in this phase (Bijlage 1 of the Noord-Limburg guide).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub actions: Vec<String>,
    /// Legal basis and controller for personal data in this phase.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub grondslag: Option<LegalBasis>,
    /// Where the source describes this phase.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub source: Option<String>,
    /// Anything else the source says.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub note: Option<String>,
    /// A reading of the source (lezing): the quote that supports it and why it is read so.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub lezing: Option<Reading>,
    /// A choice the product made where the source is silent, and why (productkeuze).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub productkeuze: Option<String>,
    /// A choice the gemeente made in its local model, and why (lokale keuze).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub lokaal: Option<String>,
}

/// Poster colours.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "kebab-case")]
pub enum Colour {
    /// Groen.
    Groen,
    /// Geel.
    Geel,
    /// Oranje.
    Oranje,
    /// Rood.
    Rood,
    /// Donkerrood.
    Donkerrood,
}

impl Colour {
    /// The Dutch word.
    pub fn label(self) -> &'static str {
        match self {
            Colour::Groen => "groen",
            Colour::Geel => "geel",
            Colour::Oranje => "oranje",
            Colour::Rood => "rood",
            Colour::Donkerrood => "donkerrood",
        }
    }
}

/// Domain label of a phase.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "kebab-case")]
pub enum DomainLabel {
    /// Zelfregie.
    Zelfregie,
    /// Zorg.
    Zorg,
    /// Zorg & veiligheid.
    ZorgEnVeiligheid,
    /// Veiligheid.
    Veiligheid,
}

impl DomainLabel {
    /// The label as the posters write it.
    pub fn label(self) -> &'static str {
        match self {
            DomainLabel::Zelfregie => "zelfregie",
            DomainLabel::Zorg => "zorg",
            DomainLabel::ZorgEnVeiligheid => "zorg & veiligheid",
            DomainLabel::Veiligheid => "veiligheid",
        }
    }
}

/// The regie table of one phase. Every role must be filled in: with functions, with
/// `nvt = true`, or with `open = "why"` where the source leaves it to local choice.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct RegieTable {
    /// Casusregie.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub casusregie: Option<RoleSpec>,
    /// Procesregie.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub procesregie: Option<RoleSpec>,
    /// Behandelregie, where the source gives it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub behandelregie: Option<RoleSpec>,
    /// Operationeel verantwoordelijk.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub operationeel: Option<RoleSpec>,
    /// Bestuurlijk verantwoordelijk.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub bestuurlijk: Option<RoleSpec>,
    /// In overleg met: functions consulted in this phase.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub in_overleg_met: Vec<FunctionId>,
}

/// The roles of a regie table.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize, JsonSchema,
)]
#[serde(rename_all = "kebab-case")]
pub enum RoleKind {
    /// Casusregie.
    Casusregie,
    /// Procesregie.
    Procesregie,
    /// Behandelregie.
    Behandelregie,
    /// Operationeel verantwoordelijk.
    Operationeel,
    /// Bestuurlijk verantwoordelijk.
    Bestuurlijk,
}

impl RoleKind {
    /// All roles, in poster order.
    pub const ALL: [RoleKind; 5] = [
        RoleKind::Casusregie,
        RoleKind::Procesregie,
        RoleKind::Behandelregie,
        RoleKind::Operationeel,
        RoleKind::Bestuurlijk,
    ];

    /// The key in the TOML file.
    pub fn key(self) -> &'static str {
        match self {
            RoleKind::Casusregie => "casusregie",
            RoleKind::Procesregie => "procesregie",
            RoleKind::Behandelregie => "behandelregie",
            RoleKind::Operationeel => "operationeel",
            RoleKind::Bestuurlijk => "bestuurlijk",
        }
    }

    /// The label as a poster writes it.
    pub fn label(self) -> &'static str {
        match self {
            RoleKind::Casusregie => "Casusregie",
            RoleKind::Procesregie => "Procesregie",
            RoleKind::Behandelregie => "Behandelregie",
            RoleKind::Operationeel => "Operationeel verantwoordelijk",
            RoleKind::Bestuurlijk => "Bestuurlijk verantwoordelijk",
        }
    }
}

impl RegieTable {
    /// The spec of one role, if the table gives it.
    pub fn role(&self, kind: RoleKind) -> Option<&RoleSpec> {
        match kind {
            RoleKind::Casusregie => self.casusregie.as_ref(),
            RoleKind::Procesregie => self.procesregie.as_ref(),
            RoleKind::Behandelregie => self.behandelregie.as_ref(),
            RoleKind::Operationeel => self.operationeel.as_ref(),
            RoleKind::Bestuurlijk => self.bestuurlijk.as_ref(),
        }
    }
}

/// Who holds one role in one phase.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct RoleSpec {
    /// Functions that may hold the role (any one of them).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub holders: Vec<FunctionId>,
    /// The role does not apply in this phase (*n.v.t.*).
    #[serde(default, skip_serializing_if = "is_false")]
    pub nvt: bool,
    /// The source leaves this role to local choice; says why. Shown as a gap, never invented.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub open: Option<String>,
    /// The meeting in which the holder is appointed (e.g. the COM decides casusregie), with
    /// how strong that is.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub appointed_in: Option<MeetingRequirement>,
    /// Who appoints the holder: functions, or the holder of a role in the case (AVE 4:
    /// "aangewezen vanuit procesregie").
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub appointed_by: Vec<Actor>,
    /// Only needed when (e.g. procesregie "toegevoegd wanneer het moet").
    #[serde(default, skip_serializing_if = "is_false")]
    pub when_needed: bool,
    /// What the source adds.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub note: Option<String>,
    /// A reading of the source (lezing): the quote that supports it and why it is read so.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub lezing: Option<Reading>,
    /// A choice the product made where the source is silent, and why (productkeuze).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub productkeuze: Option<String>,
    /// A choice the gemeente made in its local model, and why (lokale keuze).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub lokaal: Option<String>,
}

/// Time norms of a phase, in days.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct TimeNorms {
    /// Evaluate (and consider op- or afschalen) at least every so many days.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub evaluation_days: Option<u32>,
    /// No progress for this many days counts as stagnation.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub stagnation_days: Option<u32>,
    /// Procesregie is reviewed at the latest this many days after it starts.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub procesregie_review_days: Option<u32>,
    /// A transition request waits at most this many days for a decision.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub decision_days: Option<u32>,
    /// Where the numbers come from.
    pub basis: NormBasis,
    /// A reading of the source (lezing): the quote that supports it and why it is read so.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub lezing: Option<Reading>,
    /// A choice the product made where the source is silent, and why (productkeuze).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub productkeuze: Option<String>,
    /// A choice the gemeente made in its local model, and why (lokale keuze).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub lokaal: Option<String>,
}

/// Where a time norm comes from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "kebab-case")]
pub enum NormBasis {
    /// The source document gives the number.
    Bron,
    /// The sources give no number; this is the product's default, to be set locally.
    Productstandaard,
    /// The gemeente set it locally.
    Lokaal,
}

/// A local agreement, route or protocol (werkafspraak).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Agreement {
    /// Id, unique in the model.
    pub id: AgreementId,
    /// Title, e.g. "Meldcode huiselijk geweld en kindermishandeling".
    pub title: String,
    /// What it arranges.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub note: Option<String>,
    /// Where to find it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub url: Option<String>,
    /// A reading of the source (lezing): the quote that supports it and why it is read so.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub lezing: Option<Reading>,
    /// A choice the product made where the source is silent, and why (productkeuze).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub productkeuze: Option<String>,
    /// A choice the gemeente made in its local model, and why (lokale keuze).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub lokaal: Option<String>,
}

/// A group of organisations to involve in a phase.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct OrganisationGroup {
    /// The group (zorgketen, justitieketen, driehoek, …).
    pub group: String,
    /// Its members.
    pub members: Vec<String>,
}

/// Legal basis for processing personal data in a phase.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct LegalBasis {
    /// The law or basis (Wams, WGS, Jeugdwet, …).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub basis: Option<String>,
    /// Who is controller (verwerkingsverantwoordelijke).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub verwerkingsverantwoordelijke: Option<String>,
    /// The source names no basis or controller; says so (the gemeente settles it).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub open: Option<String>,
    /// Where the source gives it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub source: Option<String>,
    /// What the source adds (e.g. continuity when moving between bases).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub note: Option<String>,
    /// A reading of the source (lezing): the quote that supports it and why it is read so.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub lezing: Option<Reading>,
    /// A choice the product made where the source is silent, and why (productkeuze).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub productkeuze: Option<String>,
    /// A choice the gemeente made in its local model, and why (lokale keuze).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub lokaal: Option<String>,
}

/// An allowed op- or afschaling.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Transition {
    /// Id, e.g. `2-naar-3`.
    pub id: TransitionId,
    /// Phase the case is in.
    pub from: PhaseId,
    /// Phase the case goes to (the same phase for a transition within a phase).
    pub to: PhaseId,
    /// Op (escalate) or af (de-escalate).
    pub direction: Direction,
    /// For a transition within a phase: what changes.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub effect: Option<WithinEffect>,
    /// Short title.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub title: Option<String>,
    /// Criteria that may justify the transition.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub criteria: Vec<CriterionId>,
    /// How the criteria combine. Absent: any one of `criteria`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub condition: Option<Condition>,
    /// Who may propose (raise) the transition: functions, groups, or role holders in the
    /// case. Empty: anyone involved.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub proposers: Vec<Actor>,
    /// The source does not say who proposes; says so. Anyone involved may, and it is shown
    /// as an open point.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub proposers_open: Option<String>,
    /// Who may decide it: functions, groups, or role holders in the case.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub deciders: Vec<Actor>,
    /// The source does not say who decides; says so. No one can decide until it is filled in.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub deciders_open: Option<String>,
    /// The meeting in which it is decided, if the source names one, with how strong that is.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub decided_in: Option<MeetingRequirement>,
    /// Whom to consult before deciding, each with how strong and when it applies.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub consult: Vec<Consult>,
    /// What must be true before it may be decided.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub preconditions: Vec<Precondition>,
    /// The handover duties that follow the transition (one table or a list).
    #[serde(
        default,
        skip_serializing_if = "Vec::is_empty",
        deserialize_with = "one_or_many"
    )]
    #[schemars(with = "OneOrMany<Handover>")]
    pub handover: Vec<Handover>,
    /// Werkafspraken that apply to this transition.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub werkafspraken: Vec<AgreementId>,
    /// Where the source describes it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub source: Option<String>,
    /// Anything else the source says.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub note: Option<String>,
    /// A reading of the source (lezing): the quote that supports it and why it is read so.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub lezing: Option<Reading>,
    /// A choice the product made where the source is silent, and why (productkeuze).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub productkeuze: Option<String>,
    /// A choice the gemeente made in its local model, and why (lokale keuze).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub lokaal: Option<String>,
}

impl Transition {
    /// The condition under which the transition may be taken: the one the model states, or —
    /// when it states none — any one of its criteria. The one place that reads "no condition".
    pub fn effective_condition(&self) -> std::borrow::Cow<'_, Condition> {
        match &self.condition {
            Some(c) => std::borrow::Cow::Borrowed(c),
            None => std::borrow::Cow::Owned(Condition::Any(
                self.criteria
                    .iter()
                    .cloned()
                    .map(Condition::Criterion)
                    .collect(),
            )),
        }
    }
}

/// Direction of a transition.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "kebab-case")]
pub enum Direction {
    /// Opschalen.
    Op,
    /// Afschalen.
    Af,
}

impl Direction {
    /// The Dutch verb.
    pub fn label(self) -> &'static str {
        match self {
            Direction::Op => "opschalen",
            Direction::Af => "afschalen",
        }
    }
}

/// What a transition within a phase changes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "kebab-case")]
pub enum WithinEffect {
    /// A procesregisseur is added.
    ProcesregieToevoegen,
    /// The procesregisseur leaves; casusregie stays.
    ProcesregieBeeindigen,
    /// Specialised expertise is brought in.
    ExpertiseToevoegen,
    /// Support goes back to the level of the (wijk)team.
    ExpertiseAfbouwen,
    /// The matter goes to the management (opschalingsoverleg).
    ManagementOpschalen,
}

impl WithinEffect {
    /// Dutch description.
    pub fn label(self) -> &'static str {
        match self {
            WithinEffect::ProcesregieToevoegen => "procesregie toevoegen",
            WithinEffect::ProcesregieBeeindigen => "procesregie beëindigen",
            WithinEffect::ExpertiseToevoegen => "expertise toevoegen",
            WithinEffect::ExpertiseAfbouwen => "terug naar het niveau van het team",
            WithinEffect::ManagementOpschalen => "opschalen naar het management",
        }
    }
}

/// A condition over criteria and facts.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case", deny_unknown_fields)]
pub enum Condition {
    /// The criterion holds.
    Criterion(CriterionId),
    /// The fact holds.
    Fact(FactId),
    /// At least one part holds.
    Any(Vec<Condition>),
    /// Every part holds.
    All(Vec<Condition>),
    /// At least `n` parts hold.
    AtLeast(AtLeast),
    /// The part does not hold.
    Not(Box<Condition>),
    /// A role is held in the case (by one of the listed functions, if any).
    Held(Held),
}

/// Parameters of [`Condition::Held`].
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Held {
    /// The role.
    pub role: RoleKind,
    /// The functions (or groups) that count; empty: anyone holding the role.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub by: Vec<FunctionId>,
}

/// Parameters of [`Condition::AtLeast`].
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct AtLeast {
    /// How many must hold.
    pub n: u32,
    /// The parts.
    pub of: Vec<Condition>,
}

/// Something that must be true before a transition may be decided.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(tag = "kind", rename_all = "kebab-case", deny_unknown_fields)]
pub enum Precondition {
    /// An integrated plan (aanpak) for the given phase exists in the case.
    Plan {
        /// The phase the plan is for.
        phase: PhaseId,
        /// The source's words.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        text: Option<String>,
        /// Only when this condition holds does the precondition apply.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        when: Option<Condition>,
        /// How strong the precondition is.
        #[serde(default, skip_serializing_if = "Strength::is_moet")]
        strength: Strength,
        /// Who must see a deviation from it (for `bij-voorkeur`).
        #[serde(default, skip_serializing_if = "Vec::is_empty")]
        seen_by: Vec<FunctionId>,
        /// A reading of the source, with its quote.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        lezing: Option<Reading>,
    },
    /// A meeting of the given kind has been held (or the case registered for it).
    Meeting {
        /// The kind of meeting.
        meeting: MeetingKindId,
        /// The source's words.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        text: Option<String>,
        /// Only when this condition holds does the precondition apply.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        when: Option<Condition>,
        /// How strong the precondition is.
        #[serde(default, skip_serializing_if = "Strength::is_moet")]
        strength: Strength,
        /// Who must see a deviation from it (for `bij-voorkeur`).
        #[serde(default, skip_serializing_if = "Vec::is_empty")]
        seen_by: Vec<FunctionId>,
        /// A reading of the source, with its quote.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        lezing: Option<Reading>,
    },
    /// The given function has been consulted and that is recorded.
    Consulted {
        /// Who must be consulted.
        function: FunctionId,
        /// The source's words.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        text: Option<String>,
        /// Only when this condition holds does the precondition apply.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        when: Option<Condition>,
        /// How strong the precondition is.
        #[serde(default, skip_serializing_if = "Strength::is_moet")]
        strength: Strength,
        /// Who must see a deviation from it (for `bij-voorkeur`).
        #[serde(default, skip_serializing_if = "Vec::is_empty")]
        seen_by: Vec<FunctionId>,
        /// A reading of the source, with its quote.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        lezing: Option<Reading>,
    },
    /// A role is held in the case (optionally by given functions), e.g. procesregie is held
    /// before the management is escalated to.
    RoleHeld {
        /// The role.
        role: RoleKind,
        /// The functions (or groups) that count; empty: anyone.
        #[serde(default, skip_serializing_if = "Vec::is_empty")]
        by: Vec<FunctionId>,
        /// The source's words.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        text: Option<String>,
        /// Only when this condition holds does the precondition apply.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        when: Option<Condition>,
        /// How strong the precondition is.
        #[serde(default, skip_serializing_if = "Strength::is_moet")]
        strength: Strength,
        /// Who must see a deviation from it (for `bij-voorkeur`).
        #[serde(default, skip_serializing_if = "Vec::is_empty")]
        seen_by: Vec<FunctionId>,
        /// A reading of the source, with its quote.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        lezing: Option<Reading>,
    },
}

/// A handover duty: who hands over what when the transition happens.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Handover {
    /// The role whose current holder must hand over.
    pub role: RoleKind,
    /// What the source asks.
    pub text: String,
    /// Only when this condition holds (e.g. casusregie was held by a ZVH partner).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub when: Option<Condition>,
    /// Who takes over, where the source says.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub to: Vec<FunctionId>,
    /// Where the source gives it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub source: Option<String>,
    /// A reading of the source (lezing): the quote that supports it and why it is read so.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub lezing: Option<Reading>,
    /// A choice the product made where the source is silent, and why (productkeuze).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub productkeuze: Option<String>,
    /// A choice the gemeente made in its local model, and why (lokale keuze).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub lokaal: Option<String>,
}

/// A situation that obliges informing people, or prompts an escalation check.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Trigger {
    /// Id.
    pub id: TriggerId,
    /// Phases in which it applies (empty: all).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub phases: Vec<PhaseId>,
    /// What it obliges.
    pub kind: TriggerKind,
    /// The situation as the source words it.
    pub text: String,
    /// Roles of the current phase whose holders must be informed.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub inform_roles: Vec<RoleKind>,
    /// Further functions to inform.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub inform: Vec<FunctionId>,
    /// Where the source gives it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub source: Option<String>,
    /// A reading of the source (lezing): the quote that supports it and why it is read so.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub lezing: Option<Reading>,
    /// A choice the product made where the source is silent, and why (productkeuze).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub productkeuze: Option<String>,
    /// A choice the gemeente made in its local model, and why (lokale keuze).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub lokaal: Option<String>,
}

/// What a trigger obliges.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "kebab-case")]
pub enum TriggerKind {
    /// Inform managers and administrators.
    Informeren,
    /// Check whether op- or afschalen is needed.
    Opschalingscheck,
}

/// Declares the rules once: the [`Rules`] struct as the TOML file holds it, the typed
/// [`RuleName`] with its TOML key, and the accessor from one to the other. Adding a rule here
/// is the only place a rule is listed.
macro_rules! rules {
    (
        struct: { $(#[$sdoc:meta])* }
        $( $(#[$doc:meta])* $field:ident : $ty:ty => $variant:ident, )*
    ) => {
        $(#[$sdoc])*
        #[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
        #[serde(deny_unknown_fields)]
        pub struct Rules {
            $(
                $(#[$doc])*
                #[serde(default, skip_serializing_if = "Option::is_none")]
                pub $field: Option<$ty>,
            )*
        }

        /// The name of a rule: typed, so that a misspelt rule does not compile.
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
        pub enum RuleName {
            $( $(#[$doc])* $variant, )*
        }

        impl RuleName {
            /// Every rule, in the order the file format lists them.
            pub const ALL: &'static [RuleName] = &[$(RuleName::$variant),*];

            /// The key under `[rules]` in the TOML file.
            pub fn key(self) -> &'static str {
                match self { $(RuleName::$variant => stringify!($field),)* }
            }

            /// The rule with this key, if there is one.
            pub fn parse(key: &str) -> Option<RuleName> {
                match key { $(stringify!($field) => Some(RuleName::$variant),)* _ => None }
            }
        }

        impl Rules {
            fn common(&self, name: RuleName) -> Option<&dyn RuleCommon> {
                match name {
                    $(RuleName::$variant => self.$field.as_ref().map(|r| r as &dyn RuleCommon),)*
                }
            }
        }
    };
}

rules! {
    struct: {
        /// The leading rules, each a switch with parameters. A rule that is absent is off; `ave
        /// model check` warns about it so that leaving one out is a choice, not an accident.
    }
    /// From a given phase on, a case has exactly one named casusregisseur.
    casusregie_required: CasusregieRequiredRule => CasusregieRequired,
    /// At most one procesregisseur at a time.
    single_procesregisseur: SwitchRule => SingleProcesregisseur,
    /// Casusregisseur and procesregisseur are different people, except for listed functions.
    separate_regisseurs: SeparateRegisseursRule => SeparateRegisseurs,
    /// With minors in the household, the casusregisseur holds one of the listed functions.
    minors_casusregisseur: MinorsRule => MinorsCasusregisseur,
    /// A transition needs its criteria recorded, a person holding a deciding function,
    /// its preconditions met, and a decision that says who, under which authority and why.
    transition_authority: SwitchRule => TransitionAuthority,
    /// Procesregie is temporary: it carries a review date.
    procesregie_review: SwitchRule => ProcesregieReview,
    /// Every phase has an evaluation date; overdue evaluation and stagnation are flagged.
    evaluation_required: SwitchRule => EvaluationRequired,
    /// On disagreement about op- or afschalen, the arbiter decides.
    disagreement_arbiter: ArbiterRule => DisagreementArbiter,
    /// Criteria that alone never justify escalating to the listed phases.
    insufficient_alone: InsufficientAloneRule => InsufficientAlone,
    /// Continuity of casusregie: a change of casusregisseur needs a reason and a handover.
    casusregie_continuity: SwitchRule => CasusregieContinuity,
}

/// A rule without parameters.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct SwitchRule {
    /// Whether the rule is enforced.
    pub enabled: bool,
    /// How strong the rule is: `moet` (refused), `bij-voorkeur` (allowed with a recorded
    /// motivation that stays on the attention list until seen) or `kan` (never enforced).
    #[serde(default, skip_serializing_if = "Strength::is_moet")]
    pub strength: Strength,
    /// Who must see a deviation (for `bij-voorkeur`); empty: whoever the phase makes
    /// operationeel verantwoordelijk.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub seen_by: Vec<FunctionId>,
    /// Where the source gives it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub source: Option<String>,
    /// Why the model sets it this way.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub note: Option<String>,
    /// A reading of the source (lezing): the quote that supports it and why it is read so.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub lezing: Option<Reading>,
    /// A choice the product made where the source is silent, and why (productkeuze).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub productkeuze: Option<String>,
    /// A choice the gemeente made in its local model, and why (lokale keuze).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub lokaal: Option<String>,
}

/// Parameters of the "one named casusregisseur" rule.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct CasusregieRequiredRule {
    /// Whether the rule is enforced.
    pub enabled: bool,
    /// How strong the rule is: `moet` (refused), `bij-voorkeur` (allowed with a recorded
    /// motivation that stays on the attention list until seen) or `kan` (never enforced).
    #[serde(default, skip_serializing_if = "Strength::is_moet")]
    pub strength: Strength,
    /// Who must see a deviation (for `bij-voorkeur`); empty: whoever the phase makes
    /// operationeel verantwoordelijk.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub seen_by: Vec<FunctionId>,
    /// The lowest phase from which a casusregisseur is required (needed when enabled).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub from_phase: Option<PhaseId>,
    /// Where the source gives it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub source: Option<String>,
    /// Why the model sets it this way.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub note: Option<String>,
    /// A reading of the source (lezing): the quote that supports it and why it is read so.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub lezing: Option<Reading>,
    /// A choice the product made where the source is silent, and why (productkeuze).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub productkeuze: Option<String>,
    /// A choice the gemeente made in its local model, and why (lokale keuze).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub lokaal: Option<String>,
}

/// Parameters of the separation of casus- and procesregie.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct SeparateRegisseursRule {
    /// Whether the rule is enforced.
    pub enabled: bool,
    /// How strong the rule is: `moet` (refused), `bij-voorkeur` (allowed with a recorded
    /// motivation that stays on the attention list until seen) or `kan` (never enforced).
    #[serde(default, skip_serializing_if = "Strength::is_moet")]
    pub strength: Strength,
    /// Who must see a deviation (for `bij-voorkeur`); empty: whoever the phase makes
    /// operationeel verantwoordelijk.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub seen_by: Vec<FunctionId>,
    /// Functions whose holder may hold both roles (e.g. Casemanager Jeugd in youth cases).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub exception_functions: Vec<FunctionId>,
    /// The exception only applies when the household has minors (youth cases).
    #[serde(default, skip_serializing_if = "is_false")]
    pub exception_only_with_minors: bool,
    /// Where the source gives it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub source: Option<String>,
    /// Why the model sets it this way.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub note: Option<String>,
    /// A reading of the source (lezing): the quote that supports it and why it is read so.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub lezing: Option<Reading>,
    /// A choice the product made where the source is silent, and why (productkeuze).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub productkeuze: Option<String>,
    /// A choice the gemeente made in its local model, and why (lokale keuze).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub lokaal: Option<String>,
}

/// Parameters of the minors rule.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct MinorsRule {
    /// Whether the rule is enforced.
    pub enabled: bool,
    /// How strong the rule is: `moet` (refused), `bij-voorkeur` (allowed with a recorded
    /// motivation that stays on the attention list until seen) or `kan` (never enforced).
    #[serde(default, skip_serializing_if = "Strength::is_moet")]
    pub strength: Strength,
    /// Who must see a deviation (for `bij-voorkeur`); empty: whoever the phase makes
    /// operationeel verantwoordelijk.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub seen_by: Vec<FunctionId>,
    /// Functions one of which the casusregisseur must hold when minors are involved.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub functions: Vec<FunctionId>,
    /// Where the source gives it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub source: Option<String>,
    /// Why the model sets it this way.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub note: Option<String>,
    /// A reading of the source (lezing): the quote that supports it and why it is read so.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub lezing: Option<Reading>,
    /// A choice the product made where the source is silent, and why (productkeuze).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub productkeuze: Option<String>,
    /// A choice the gemeente made in its local model, and why (lokale keuze).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub lokaal: Option<String>,
}

/// Parameters of the disagreement rule.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct ArbiterRule {
    /// Whether the rule is enforced.
    pub enabled: bool,
    /// How strong the rule is: `moet` (refused), `bij-voorkeur` (allowed with a recorded
    /// motivation that stays on the attention list until seen) or `kan` (never enforced).
    #[serde(default, skip_serializing_if = "Strength::is_moet")]
    pub strength: Strength,
    /// Who must see a deviation (for `bij-voorkeur`); empty: whoever the phase makes
    /// operationeel verantwoordelijk.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub seen_by: Vec<FunctionId>,
    /// Who decides when the parties disagree (needed when enabled): a function, or the
    /// holder of a role in the case ("de procesregisseur neemt besluiten").
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub arbiter: Option<Actor>,
    /// The parties whose disagreement goes to the arbiter (empty: anyone involved).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub parties: Vec<Actor>,
    /// Where the source gives it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub source: Option<String>,
    /// Why the model sets it this way.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub note: Option<String>,
    /// A reading of the source (lezing): the quote that supports it and why it is read so.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub lezing: Option<Reading>,
    /// A choice the product made where the source is silent, and why (productkeuze).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub productkeuze: Option<String>,
    /// A choice the gemeente made in its local model, and why (lokale keuze).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub lokaal: Option<String>,
}

/// Parameters of the "not sufficient alone" rule.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct InsufficientAloneRule {
    /// Whether the rule is enforced.
    pub enabled: bool,
    /// How strong the rule is: `moet` (refused), `bij-voorkeur` (allowed with a recorded
    /// motivation that stays on the attention list until seen) or `kan` (never enforced).
    #[serde(default, skip_serializing_if = "Strength::is_moet")]
    pub strength: Strength,
    /// Who must see a deviation (for `bij-voorkeur`); empty: whoever the phase makes
    /// operationeel verantwoordelijk.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub seen_by: Vec<FunctionId>,
    /// Criteria that never suffice on their own.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub criteria: Vec<CriterionId>,
    /// Phases escalation to which they do not justify alone.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub to_phases: Vec<PhaseId>,
    /// Where the source gives it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub source: Option<String>,
    /// Why the model sets it this way.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub note: Option<String>,
    /// A reading of the source (lezing): the quote that supports it and why it is read so.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub lezing: Option<Reading>,
    /// A choice the product made where the source is silent, and why (productkeuze).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub productkeuze: Option<String>,
    /// A choice the gemeente made in its local model, and why (lokale keuze).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub lokaal: Option<String>,
}

impl Rules {
    /// Whether the rule is present and enabled.
    pub fn is_enabled(&self, name: RuleName) -> bool {
        self.presence(name) == Some(true)
    }

    /// `None` if the rule is absent, else whether it is enabled.
    pub fn presence(&self, name: RuleName) -> Option<bool> {
        self.common(name).map(|r| r.common().0)
    }

    /// The source citation of the rule, if any.
    pub fn source_of(&self, name: RuleName) -> Option<&str> {
        self.common(name).and_then(|r| r.common().1)
    }

    /// The note of the rule (why the model sets it this way), if any.
    pub fn note_of(&self, name: RuleName) -> Option<&str> {
        self.common(name).and_then(|r| r.common().2)
    }

    /// How strong the rule is, if it is present and on (`None` when off or absent).
    pub fn strength_of(&self, name: RuleName) -> Option<Strength> {
        self.common(name)
            .filter(|r| r.common().0)
            .map(|r| r.strength().0)
    }

    /// Who must see a deviation from the rule (empty: the model's default).
    pub fn seen_by(&self, name: RuleName) -> &[FunctionId] {
        self.common(name).map_or(&[], |r| r.strength().1)
    }
}

/// What every rule has: whether it is on, its source and its note.
trait RuleCommon {
    fn common(&self) -> (bool, Option<&str>, Option<&str>);
    fn strength(&self) -> (Strength, &[FunctionId]);
}

macro_rules! rule_common {
    ($($t:ty),*) => {$(
        impl RuleCommon for $t {
            fn common(&self) -> (bool, Option<&str>, Option<&str>) {
                (self.enabled, self.source.as_deref(), self.note.as_deref())
            }
            fn strength(&self) -> (Strength, &[FunctionId]) {
                (self.strength, &self.seen_by)
            }
        }
    )*};
}

rule_common!(
    SwitchRule,
    CasusregieRequiredRule,
    SeparateRegisseursRule,
    MinorsRule,
    ArbiterRule,
    InsufficientAloneRule
);

impl std::fmt::Display for RuleName {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.key())
    }
}

impl Serialize for RuleName {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(self.key())
    }
}

impl Rules {
    /// No rule is configured.
    pub fn is_empty(&self) -> bool {
        self == &Rules::default()
    }
}

/// How strong a rule, consultation or meeting requirement is. The sources rarely speak in
/// absolutes ("in principe", "in de meest gewenste situatie", "kan"); a model says per item
/// which one its source means.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "kebab-case")]
pub enum Strength {
    /// The software refuses what breaks it.
    #[default]
    Moet,
    /// Allowed only with a recorded motivation (afwijking met motivering), which stays
    /// visible until someone with the right function has seen it.
    BijVoorkeur,
    /// A possibility: recorded when it happens, never required.
    Kan,
}

impl Strength {
    /// Whether this is the default, `moet` (for serialisation).
    pub fn is_moet(&self) -> bool {
        *self == Strength::Moet
    }

    /// The word the model file uses.
    pub fn key(self) -> &'static str {
        match self {
            Strength::Moet => "moet",
            Strength::BijVoorkeur => "bij-voorkeur",
            Strength::Kan => "kan",
        }
    }
}

/// A reading (lezing) of the source: where the text supports an item without saying it in
/// so many words. Shown as a reading on the poster, in `show` and in `diff`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Reading {
    /// The words of the source the reading rests on.
    pub quote: String,
    /// Why the source is read this way.
    pub why: String,
}

/// Who may do something: a function (or a function group) of the model, or whoever holds a
/// role in this case. In the file: `"burgemeester"` or `{ role = "procesregie" }`.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, JsonSchema)]
#[serde(untagged)]
pub enum Actor {
    /// Anyone holding this function (or a function of this group).
    Function(FunctionId),
    /// Whoever holds this role in the case.
    Role {
        /// The role.
        role: RoleKind,
    },
}

impl Actor {
    /// The function, if this actor is one.
    pub fn function(&self) -> Option<&FunctionId> {
        match self {
            Actor::Function(f) => Some(f),
            Actor::Role { .. } => None,
        }
    }
}

impl From<FunctionId> for Actor {
    fn from(f: FunctionId) -> Self {
        Actor::Function(f)
    }
}

impl<'de> Deserialize<'de> for Actor {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl<'de> serde::de::Visitor<'de> for V {
            type Value = Actor;
            fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str("een functie-id of { role = \"…\" }")
            }
            fn visit_str<E: serde::de::Error>(self, v: &str) -> Result<Actor, E> {
                FunctionId::parse(v).map(Actor::Function).map_err(E::custom)
            }
            fn visit_map<A: serde::de::MapAccess<'de>>(
                self,
                mut map: A,
            ) -> Result<Actor, A::Error> {
                let mut role = None;
                while let Some(key) = map.next_key::<String>()? {
                    match key.as_str() {
                        "role" => role = Some(map.next_value::<RoleKind>()?),
                        other => {
                            return Err(serde::de::Error::unknown_field(other, &["role"]));
                        }
                    }
                }
                role.map(|role| Actor::Role { role })
                    .ok_or_else(|| serde::de::Error::missing_field("role"))
            }
        }
        d.deserialize_any(V)
    }
}

/// A group of functions the source names as one ("alle samenwerkingspartners").
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct FunctionGroup {
    /// Id, in the same namespace as functions.
    pub id: FunctionId,
    /// Name as the source writes it.
    pub name: String,
    /// Its functions (not groups).
    pub members: Vec<FunctionId>,
    /// Where the source names the group.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub source: Option<String>,
    /// What the source adds.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub note: Option<String>,
    /// A reading of the source (lezing): the quote that supports it and why it is read so.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub lezing: Option<Reading>,
    /// A choice the product made where the source is silent, and why (productkeuze).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub productkeuze: Option<String>,
    /// A choice the gemeente made in its local model, and why (lokale keuze).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub lokaal: Option<String>,
}

/// Whom to consult before a transition is decided. In the file a plain function id, or a
/// table: `{ function = "team-oov", strength = "moet", when = { fact = "veiligheidszaak" } }`
/// (or `role = "procesregie"` instead of `function`).
#[derive(Debug, Clone, PartialEq, Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Consult {
    /// The function or group to consult.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub function: Option<FunctionId>,
    /// Or: the holder of this role in the case.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub role: Option<RoleKind>,
    /// `moet`: no decision without it; `bij-voorkeur`: a decision without it needs a
    /// motivation; `kan`: advice, recorded when it happened.
    #[serde(default, skip_serializing_if = "Strength::is_moet")]
    pub strength: Strength,
    /// Only when this condition holds (e.g. "bij veiligheidszaken").
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub when: Option<Condition>,
    /// Who must see a decision taken without it (for `bij-voorkeur`).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub seen_by: Vec<FunctionId>,
    /// Where the source asks it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub source: Option<String>,
    /// A reading of the source (lezing): the quote that supports it and why it is read so.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub lezing: Option<Reading>,
    /// A choice the product made where the source is silent, and why (productkeuze).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub productkeuze: Option<String>,
    /// A choice the gemeente made in its local model, and why (lokale keuze).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub lokaal: Option<String>,
}

impl Consult {
    /// Who is consulted (`None` when the entry names neither or both — a validation error).
    pub fn who(&self) -> Option<Actor> {
        match (&self.function, self.role) {
            (Some(f), None) => Some(Actor::Function(f.clone())),
            (None, Some(role)) => Some(Actor::Role { role }),
            _ => None,
        }
    }

    /// A plain consultation of a function: `moet`, always.
    pub fn of(function: FunctionId) -> Consult {
        Consult {
            function: Some(function),
            role: None,
            strength: Strength::Moet,
            when: None,
            seen_by: Vec::new(),
            source: None,
            lezing: None,
            productkeuze: None,
            lokaal: None,
        }
    }
}

/// The table form of [`Consult`], as the file may write it.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct ConsultTable {
    #[serde(default)]
    function: Option<FunctionId>,
    #[serde(default)]
    role: Option<RoleKind>,
    #[serde(default)]
    strength: Strength,
    #[serde(default)]
    when: Option<Condition>,
    #[serde(default)]
    seen_by: Vec<FunctionId>,
    #[serde(default)]
    source: Option<String>,
    #[serde(default)]
    lezing: Option<Reading>,
    #[serde(default)]
    productkeuze: Option<String>,
    #[serde(default)]
    lokaal: Option<String>,
}

impl<'de> Deserialize<'de> for Consult {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl<'de> serde::de::Visitor<'de> for V {
            type Value = Consult;
            fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str("een functie-id of een tabel { function = \"…\", strength = \"…\" }")
            }
            fn visit_str<E: serde::de::Error>(self, v: &str) -> Result<Consult, E> {
                FunctionId::parse(v).map(Consult::of).map_err(E::custom)
            }
            fn visit_map<A: serde::de::MapAccess<'de>>(self, map: A) -> Result<Consult, A::Error> {
                let t =
                    ConsultTable::deserialize(serde::de::value::MapAccessDeserializer::new(map))?;
                Ok(Consult {
                    function: t.function,
                    role: t.role,
                    strength: t.strength,
                    when: t.when,
                    seen_by: t.seen_by,
                    source: t.source,
                    lezing: t.lezing,
                    productkeuze: t.productkeuze,
                    lokaal: t.lokaal,
                })
            }
        }
        d.deserialize_any(V)
    }
}

/// A meeting in which something is decided, with how strong that is. In the file a meeting
/// id, or `{ meeting = "mdo", strength = "kan" }`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct MeetingRequirement {
    /// The kind of meeting.
    pub meeting: MeetingKindId,
    /// `moet`: only in that meeting; `bij-voorkeur`: elsewhere with a motivation; `kan`: it
    /// may be decided there.
    #[serde(default, skip_serializing_if = "Strength::is_moet")]
    pub strength: Strength,
    /// Who must see a decision taken outside it (for `bij-voorkeur`).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub seen_by: Vec<FunctionId>,
    /// Where the source says so.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub source: Option<String>,
    /// A reading of the source, with its quote.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub lezing: Option<Reading>,
}

impl MeetingRequirement {
    /// A meeting that must be held: `moet`.
    pub fn of(meeting: MeetingKindId) -> Self {
        MeetingRequirement {
            meeting,
            strength: Strength::Moet,
            seen_by: Vec::new(),
            source: None,
            lezing: None,
        }
    }
}

/// The table form of [`MeetingRequirement`].
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct MeetingTable {
    meeting: MeetingKindId,
    #[serde(default)]
    strength: Strength,
    #[serde(default)]
    seen_by: Vec<FunctionId>,
    #[serde(default)]
    source: Option<String>,
    #[serde(default)]
    lezing: Option<Reading>,
}

impl<'de> Deserialize<'de> for MeetingRequirement {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl<'de> serde::de::Visitor<'de> for V {
            type Value = MeetingRequirement;
            fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str("een overleg-id of een tabel { meeting = \"…\", strength = \"…\" }")
            }
            fn visit_str<E: serde::de::Error>(self, v: &str) -> Result<MeetingRequirement, E> {
                MeetingKindId::parse(v)
                    .map(MeetingRequirement::of)
                    .map_err(E::custom)
            }
            fn visit_map<A: serde::de::MapAccess<'de>>(
                self,
                map: A,
            ) -> Result<MeetingRequirement, A::Error> {
                let t =
                    MeetingTable::deserialize(serde::de::value::MapAccessDeserializer::new(map))?;
                Ok(MeetingRequirement {
                    meeting: t.meeting,
                    strength: t.strength,
                    seen_by: t.seen_by,
                    source: t.source,
                    lezing: t.lezing,
                })
            }
        }
        d.deserialize_any(V)
    }
}

/// A kind of formal decision (huisverbod, gedwongen opname, …) and who may take it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct DecisionKind {
    /// Id.
    pub id: crate::ids::DecisionKindId,
    /// Name, e.g. "Tijdelijk huisverbod".
    pub name: String,
    /// Who may take it.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub deciders: Vec<Actor>,
    /// The source does not say who; says so. No one can take it until it is filled in.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub deciders_open: Option<String>,
    /// Phases in which it can be taken (empty: all).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub phases: Vec<PhaseId>,
    /// Where the source gives it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub source: Option<String>,
    /// What the source adds.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub note: Option<String>,
    /// A reading of the source (lezing): the quote that supports it and why it is read so.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub lezing: Option<Reading>,
    /// A choice the product made where the source is silent, and why (productkeuze).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub productkeuze: Option<String>,
    /// A choice the gemeente made in its local model, and why (lokale keuze).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub lokaal: Option<String>,
}

/// One item or a list of them, as the file may write it (for the schema).
#[derive(JsonSchema)]
#[serde(untagged)]
#[expect(dead_code, reason = "only its schema is used")]
enum OneOrMany<T> {
    One(T),
    Many(Vec<T>),
}

/// Reads one table or a list of tables.
fn one_or_many<'de, D, T>(d: D) -> Result<Vec<T>, D::Error>
where
    D: serde::Deserializer<'de>,
    T: Deserialize<'de>,
{
    struct V<T>(std::marker::PhantomData<T>);
    impl<'de, T: Deserialize<'de>> serde::de::Visitor<'de> for V<T> {
        type Value = Vec<T>;
        fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
            f.write_str("een tabel of een lijst van tabellen")
        }
        fn visit_seq<A: serde::de::SeqAccess<'de>>(self, seq: A) -> Result<Vec<T>, A::Error> {
            Vec::<T>::deserialize(serde::de::value::SeqAccessDeserializer::new(seq))
        }
        fn visit_map<A: serde::de::MapAccess<'de>>(self, map: A) -> Result<Vec<T>, A::Error> {
            T::deserialize(serde::de::value::MapAccessDeserializer::new(map)).map(|one| vec![one])
        }
    }
    d.deserialize_any(V(std::marker::PhantomData))
}
