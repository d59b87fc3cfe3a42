//! Properties: random command sequences never produce a state that breaks an enabled rule,
//! never panic, and replaying the events (also through JSON) gives the same state.

use ave_engine::command::{ActionKind, Command, EndState, Envelope};
use ave_engine::ids::*;
use ave_engine::{Case, Recorded, rules};
use ave_model::{
    CriterionId, Date, MeetingKindId, PhaseId, RoleKind, TransitionId, TriggerId, ValidModel,
};
use proptest::prelude::*;

use crate::common::*;

fn models() -> Vec<ValidModel> {
    vec![
        model(),
        // Roles overlap, so the separation rule and its youth exception are exercised.
        model_with(&[(
            "procesregie = { holders = [\"procesregisseur\"], appointed_in",
            "procesregie = { holders = [\"procesregisseur\", \"consulent\", \"jeugdconsulent\"], appointed_in",
        )]),
    ]
}

const ROLES: [RoleKind; 5] = RoleKind::ALL;
const PHASES: [&str; 4] = ["1", "2", "3", "4"];
const MEETINGS: [&str; 3] = ["mdo", "com", "koffie"];
const TRIGGERS: [&str; 2] = ["media", "onbekend"];

fn person(i: usize) -> PersonId {
    pid(PEOPLE[i % PEOPLE.len()].0)
}

fn id<T: TryFrom<String>>(prefix: &str, i: usize) -> T
where
    T::Error: std::fmt::Debug,
{
    T::try_from(format!("{prefix}{i}")).expect("id")
}

fn day_of(i: u32) -> Date {
    Date::from(day(i).date_naive())
}

/// A command drawn from a small universe so that ids collide and rules get tested.
fn command(model: &ValidModel) -> BoxedStrategy<Command> {
    let criteria: Vec<CriterionId> = model
        .model()
        .criteria
        .iter()
        .map(|c| c.id.clone())
        .collect();
    let transitions: Vec<TransitionId> = model
        .model()
        .transitions
        .iter()
        .map(|t| t.id.clone())
        .collect();
    let n_crit = criteria.len();
    let n_trans = transitions.len();
    let crit = criteria.clone();
    prop_oneof![
        4 => (0..5usize, 0..20usize, proptest::option::of(0u32..400), any::<bool>()).prop_map(|(r, p, review, why)| Command::AssignRole {
            role: ROLES[r], person: person(p), review: review.map(day_of), reason: why.then(|| "overdracht".to_owned()),
        }),
        2 => (0..5usize, 0..20usize).prop_map(|(r, p)| Command::EndRole { role: ROLES[r], person: person(p), reason: "klaar".into() }),
        2 => (0..4usize, any::<bool>()).prop_map(|(m, minor)| Command::AddMember { member: id("m", m), role: "lid".into(), minor, born: None }),
        1 => (0..4usize).prop_map(|m| Command::RemoveMember { member: id("m", m), reason: "weg".into() }),
        4 => (0..n_crit, any::<bool>()).prop_map(move |(c, holds)| Command::AssessCriterion { criterion: crit[c].clone(), holds, evidence: "e".into() }),
        4 => (0..6usize, 0..n_trans, proptest::collection::vec(0..n_crit, 0..3)).prop_map(move |(r, t, cs)| Command::Propose {
            request: id("r", r), transition: transitions[t].clone(),
            criteria: cs.into_iter().map(|c| criteria[c].clone()).collect(), evidence: "e".into(),
        }),
        4 => (0..6usize, any::<bool>(), proptest::collection::vec(0..20usize, 0..3)).prop_map(|(r, approve, c)| Command::Decide {
            request: id("r", r), approve, reason: "r".into(), authority: None, consulted: c.into_iter().map(person).collect(),
        }),
        1 => (0..3usize, 0..6usize).prop_map(|(d, r)| Command::RaiseDisagreement { disagreement: id("d", d), request: id("r", r), positions: "p".into() }),
        1 => (0..3usize, any::<bool>()).prop_map(|(d, approve)| Command::Settle { disagreement: id("d", d), approve, reason: "r".into() }),
        2 => (0..4usize).prop_map(|p| Command::SetPlan { phase: PhaseId::parse(PHASES[p]).expect("id"), summary: "plan".into() }),
        2 => (0..5usize, 0..3usize, proptest::collection::vec(0..20usize, 0..3)).prop_map(|(m, k, a)| Command::HoldMeeting {
            meeting: id("o", m), kind: MeetingKindId::parse(MEETINGS[k]).expect("id"), attendees: a.into_iter().map(person).collect(), decisions: vec![],
        }),
        1 => proptest::option::of(0u32..400).prop_map(|n| Command::Evaluate { summary: "s".into(), next: n.map(day_of) }),
        1 => (0..60u64).prop_map(|n| Command::CompleteHandover { task: id("overdracht-", n as usize), how: "n".into() }),
        1 => (0..5usize, 0..2usize).prop_map(|(s, t)| Command::RecordSignal {
            signal: id("s", s), source: "bron".into(), category: "c".into(), text: "t".into(),
            triggers: vec![TriggerId::parse(TRIGGERS[t]).expect("id")],
        }),
        1 => (0..5usize).prop_map(|a| Command::AddAction { action: id("a", a), kind: ActionKind::Actie, text: "t".into(), owner: None, due: None, werkafspraak: None }),
        1 => (0..5usize).prop_map(|a| Command::CompleteAction { action: id("a", a), result: "n".into() }),
        1 => (0..20usize).prop_map(|p| Command::RemoveParticipant { person: person(p), reason: "weg".into() }),
        1 => (0..2usize).prop_map(|e| Command::Close { reason: "klaar".into(), end_state: [EndState::Waakvlam, EndState::Verhuisd][e] }),
    ]
    .boxed()
}

fn run(
    model: &ValidModel,
    phase: usize,
    minors: Vec<bool>,
    steps: &[(usize, u32, Command)],
) -> Result<(), TestCaseError> {
    let entries = ["1", "2", "4"];
    let household = minors
        .iter()
        .enumerate()
        .map(|(i, m)| member(&format!("m{i}"), *m))
        .collect();
    let mut case: Option<Case> = None;
    let mut history: Vec<Recorded> = Vec::new();
    let open = Envelope {
        at: day(0),
        by: pid("consulent-1"),
        command: Command::Open {
            case: CaseId::parse("c1").expect("id"),
            phase: PhaseId::parse(entries[phase % 3]).expect("id"),
            reason: "r".into(),
            household,
            participants: PEOPLE.iter().map(|(p, _)| participant(p)).collect(),
        },
    };
    history.extend(
        ave_engine::execute(model, &mut case, &open)
            .map_err(|r| TestCaseError::fail(r.to_string()))?,
    );
    let mut clock = 0;
    for (by, days, command) in steps {
        clock += days;
        let env = Envelope {
            at: day(clock),
            by: person(*by),
            command: command.clone(),
        };
        let before = case.clone();
        match ave_engine::execute(model, &mut case, &env) {
            Ok(recorded) => history.extend(recorded),
            Err(_) => prop_assert_eq!(&before, &case, "a refused command changed the case"),
        }
        let c = case.as_ref().expect("open");
        let broken = rules::violations(model, c);
        prop_assert!(broken.is_empty(), "after {}: {:?}", command.name(), broken);
        prop_assert!(c.holders(RoleKind::Casusregie).count() <= 1);
    }
    let replayed = Case::replay(&history).map_err(|e| TestCaseError::fail(e.to_string()))?;
    prop_assert_eq!(Some(&replayed), case.as_ref());
    let json = serde_json::to_string(&history).expect("json");
    let back: Vec<Recorded> = serde_json::from_str(&json).expect("parses");
    prop_assert_eq!(&back, &history);
    prop_assert_eq!(Case::replay(&back).ok(), Some(replayed));
    Ok(())
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(192))]

    #[test]
    fn random_command_sequences_keep_every_enabled_rule_and_replay_to_the_same_state(
        which in 0usize..2,
        phase in 0usize..3,
        minors in proptest::collection::vec(any::<bool>(), 0..3),
        steps in (0usize..2).prop_flat_map(|m| {
            let model = &models()[m];
            proptest::collection::vec((0usize..20, 0u32..20, command(model)), 1..80)
        }),
    ) {
        let models = models();
        run(&models[which], phase, minors, &steps)?;
    }
}
