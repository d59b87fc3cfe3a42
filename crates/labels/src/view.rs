//! The engine's views in words: attention items, regie rows, proposals, conditions, gaps.

use ave_engine::RejectionCode;
use ave_engine::condition::ConditionStatus;
use ave_engine::ids::PersonId;
use ave_engine::klantreis::Gap;
use ave_engine::policy::{Deciders, Missing, Need};
use ave_engine::views::{Attention, Informee, Prescribed, Proposal, RegieFlag};
use ave_model::ValidModel;

use crate::{Lang, Style, functions, phase, role, role_lower};

/// Names a person for a text (an id, or a name with function).
pub type Who<'a> = &'a dyn Fn(&PersonId) -> String;

/// What the model prescribes for a role, in one line.
pub fn prescribed(model: &ValidModel, p: &Prescribed, lang: Lang) -> String {
    match p {
        Prescribed::Unspecified => "—".to_owned(),
        Prescribed::NotApplicable => lang.pick("n.v.t.", "not applicable").to_owned(),
        Prescribed::Open { reason } => format!("open ({reason})"),
        Prescribed::Functions {
            functions: f,
            when_needed,
            appointed_in,
            appointed_by,
        } => {
            let names = |f: &[ave_model::FunctionId]| {
                let v: Vec<&str> = f.iter().map(|f| model.function_name(f)).collect();
                if v.is_empty() {
                    "—".to_owned()
                } else {
                    v.join("; ")
                }
            };
            let mut s = names(f);
            if *when_needed {
                s.push_str(lang.pick(" (wanneer nodig)", " (when needed)"));
            }
            if let Some(r) = appointed_in {
                let name = model
                    .meeting_kind(&r.meeting)
                    .map_or(r.meeting.as_str(), |k| k.name.as_str());
                let how = match r.strength {
                    ave_model::Strength::Moet => lang.pick("bepaald in:", "decided in:"),
                    ave_model::Strength::BijVoorkeur => {
                        lang.pick("bij voorkeur bepaald in:", "preferably decided in:")
                    }
                    ave_model::Strength::Kan => lang.pick("kan bepaald in:", "may be decided in:"),
                };
                s.push_str(&format!("; {how} {name}"));
            }
            if !appointed_by.is_empty() {
                s.push_str(&format!(
                    "; {} {}",
                    lang.pick("aangewezen door:", "appointed by:"),
                    crate::actors(model, appointed_by, lang)
                ));
            }
            s
        }
    }
}

/// A flag on a row of the regie table, in a few words (`style`: a [`Lang`], or
/// [`Style::page`] for the pages' dates and no made-up ids).
pub fn regie_flag(flag: &RegieFlag, style: impl Into<Style>, who: Who<'_>) -> String {
    let style: Style = style.into();
    let lang = style.lang;
    match flag {
        RegieFlag::Missing => lang.pick("ontbreekt", "missing").to_owned(),
        RegieFlag::FunctionMismatch { person } => format!(
            "{}: {}",
            who(person),
            lang.pick(
                "andere functie dan het model",
                "function differs from the model"
            )
        ),
        RegieFlag::NotApplicable { person } => format!(
            "{}: {}",
            who(person),
            lang.pick(
                "rol n.v.t. in deze fase",
                "role does not apply in this phase"
            )
        ),
        RegieFlag::OpenInModel => lang
            .pick("open in het model", "open in the model")
            .to_owned(),
        RegieFlag::Deviation { deviation, seen } => format!(
            "{}{}{}",
            lang.pick("afwijking", "deviation"),
            if style.page {
                String::new()
            } else {
                format!(" {deviation}")
            },
            if *seen {
                lang.pick(" (gezien)", " (seen)")
            } else {
                lang.pick(" (nog niet gezien)", " (not yet seen)")
            }
        ),
        RegieFlag::ReviewOverdue { person, review } => format!(
            "{}: {} {}",
            who(person),
            lang.pick("herziening te laat, was", "review overdue since"),
            style.day(review)
        ),
    }
}

/// Whom a trigger asks to inform, in one phrase.
pub fn informees(model: &ValidModel, inform: &[Informee], lang: Lang, who: Who<'_>) -> String {
    let parts: Vec<String> = inform
        .iter()
        .map(|i| match i {
            Informee::Holders { role: r, people } => {
                let names: Vec<String> = people.iter().map(who).collect();
                format!("{} ({})", role_lower(*r, lang), names.join(", "))
            }
            Informee::Prescribed {
                role: r,
                functions: f,
            } => {
                let v: Vec<&str> = f.iter().map(|f| model.function_name(f)).collect();
                let named = if v.is_empty() {
                    "—".to_owned()
                } else {
                    v.join("; ")
                };
                format!("{} ({named})", role_lower(*r, lang))
            }
            Informee::Function { function } => model.function_name(function).to_owned(),
        })
        .collect();
    parts.join("; ")
}

/// One item of the attention list as a sentence (`style`: a [`Lang`], or [`Style::page`]
/// for the pages' dates, transitions by title and no made-up ids).
pub fn attention(
    model: &ValidModel,
    a: &Attention,
    style: impl Into<Style>,
    who: Who<'_>,
) -> String {
    let style: Style = style.into();
    let lang = style.lang;
    let nl = lang == Lang::Nl;
    match a {
        Attention::EvaluationOverdue { due, .. } => {
            format!(
                "{} {}",
                lang.pick("evaluatie was gepland op", "evaluation was due on"),
                style.day(due)
            )
        }
        Attention::Stagnation { since, idle, norm } => {
            let since = style.day(since);
            if nl {
                format!("geen voortgang sinds {since} ({idle} dagen; norm {norm} dagen)")
            } else {
                format!("no progress since {since} ({idle} days; norm {norm} days)")
            }
        }
        Attention::ProcesregieReviewOverdue { person, review, .. } => {
            let review = style.day(review);
            if nl {
                format!(
                    "procesregie van {} had herzien moeten worden op {review}",
                    who(person)
                )
            } else {
                format!(
                    "procesregie of {} should have been reviewed on {review}",
                    who(person)
                )
            }
        }
        Attention::DecisionPending {
            request,
            transition,
            waiting,
            norm,
        } if style.page => {
            let title = style.transition(model, transition);
            if nl {
                format!("verzoek ({title}) wacht {waiting} dagen op een besluit (norm {norm})")
            } else {
                format!("request ({title}) has waited {waiting} days for a decision (norm {norm})")
            }
        }
        Attention::DecisionPending {
            request,
            transition,
            waiting,
            norm,
        } => {
            if nl {
                format!(
                    "verzoek {request} ({transition}) wacht {waiting} dagen op een besluit (norm {norm})"
                )
            } else {
                format!(
                    "request {request} ({transition}) has waited {waiting} days for a decision (norm {norm})"
                )
            }
        }
        Attention::RoleUnfilled {
            role: r,
            prescribed: p,
        } => {
            let p = prescribed(model, p, lang);
            if nl {
                format!("{} is niet ingevuld (model: {p})", role(*r, lang))
            } else {
                format!("{} is not filled (model: {p})", role(*r, lang))
            }
        }
        Attention::RoleMismatch {
            role: r,
            person,
            prescribed: p,
        } => {
            let p = prescribed(model, p, lang);
            if nl {
                format!(
                    "{} ligt bij {}, maar het model schrijft in deze fase voor: {p}",
                    role(*r, lang),
                    who(person)
                )
            } else {
                format!(
                    "{} is held by {}, but in this phase the model prescribes: {p}",
                    role(*r, lang),
                    who(person)
                )
            }
        }
        Attention::HandoverOpen {
            task,
            role: r,
            holder,
            ..
        } => {
            let by = holder
                .as_ref()
                .map(|h| format!(" {} {}", lang.pick("bij", "with"), who(h)))
                .unwrap_or_default();
            let task = if style.page {
                String::new()
            } else {
                format!(" {task}")
            };
            if nl {
                format!("overdracht{task} ({}) staat open{by}", role_lower(*r, lang))
            } else {
                format!("handover{task} ({}) is open{by}", role_lower(*r, lang))
            }
        }
        Attention::DisagreementOpen { .. } if style.page => lang
            .pick(
                "meningsverschil over het verzoek wacht op de beslisser",
                "disagreement about the request awaits the arbiter",
            )
            .to_owned(),
        Attention::DisagreementOpen {
            disagreement,
            request,
            ..
        } => {
            if nl {
                format!(
                    "meningsverschil {disagreement} over verzoek {request} wacht op de beslisser"
                )
            } else {
                format!("disagreement {disagreement} about request {request} awaits the arbiter")
            }
        }
        Attention::InformRequired { trigger, inform } => {
            let text = trigger_text(model, trigger);
            format!(
                "{text}; {} {}",
                lang.pick("informeer", "inform"),
                informees(model, inform, lang, who)
            )
        }
        Attention::EscalationCheck { trigger, inform } => {
            let text = trigger_text(model, trigger);
            let mut s = format!(
                "{text}: {}",
                lang.pick(
                    "beoordeel of op- of afschalen nodig is",
                    "assess whether to escalate or de-escalate"
                )
            );
            if !inform.is_empty() {
                s.push_str(&format!(
                    "; {} {}",
                    lang.pick("informeer", "inform"),
                    informees(model, inform, lang, who)
                ));
            }
            s
        }
        Attention::DeviationUnseen {
            deviation,
            requirement,
            seen_by,
            ..
        } => {
            let who = if seen_by.is_empty() {
                lang.pick("een betrokkene", "someone involved").to_owned()
            } else {
                functions(model, seen_by, lang)
            };
            let deviation = if style.page {
                String::new()
            } else {
                format!(" {deviation}")
            };
            format!(
                "{}{deviation} ({}) {} {who}",
                lang.pick("afwijking", "deviation"),
                requirement_text(model, requirement, lang),
                lang.pick("wacht op inzage door", "waits to be seen by")
            )
        }
        Attention::OpenInModel { point, owner } => {
            let what = open_point(model, point, lang);
            match owner {
                Some(o) => format!(
                    "{what}; {} {o}",
                    lang.pick("te regelen door", "to be settled by")
                ),
                None => format!(
                    "{what}; {}",
                    lang.pick(
                        "te regelen door de gemeente",
                        "to be settled by the gemeente"
                    )
                ),
            }
        }
        Attention::RuleNoLongerMet { rule, code } => {
            let rule = rule.map_or_else(|| "-".to_owned(), |r| r.key().to_owned());
            format!(
                "{} ({} {rule}; {})",
                lang.pick(
                    "de rolverdeling voldoet niet meer aan een regel",
                    "the roles no longer meet a rule"
                ),
                lang.pick("regel", "rule"),
                rejection_title(*code, lang)
            )
        }
    }
}

fn trigger_text(model: &ValidModel, id: &ave_model::TriggerId) -> String {
    model
        .trigger(id)
        .map_or_else(|| id.to_string(), |t| t.text.clone())
}

/// A requirement deviated from, in words.
pub fn requirement_text(
    model: &ValidModel,
    r: &ave_engine::event::Requirement,
    lang: Lang,
) -> String {
    use ave_engine::event::Requirement as R;
    let meeting = |k: &ave_model::MeetingKindId| {
        model
            .meeting_kind(k)
            .map_or_else(|| k.to_string(), |k| k.name.clone())
    };
    match r {
        R::Rule { rule } => format!("{} {rule}", lang.pick("regel", "rule")),
        R::Consult {
            transition,
            function,
            role,
        } => {
            let who = match (function, role) {
                (Some(f), _) => model.function_name(f).to_owned(),
                (None, Some(r)) => ave_model::render::role_holder((*r).into()).to_owned(),
                (None, None) => "—".to_owned(),
            };
            format!(
                "{} {who} {} {transition}",
                lang.pick("overleg met", "consulting"),
                lang.pick("bij overgang", "for transition")
            )
        }
        R::Precondition { transition, index } => {
            let text = model
                .transition(transition)
                .and_then(|t| t.preconditions.get(*index as usize))
                .map(|p| ave_model::render::precondition_text(model, p))
                .unwrap_or_else(|| format!("#{index}"));
            format!(
                "{text} ({} {transition})",
                lang.pick("overgang", "transition")
            )
        }
        R::DecidedIn {
            transition,
            meeting: k,
        } => format!(
            "{} {} ({} {transition})",
            lang.pick("besluit in een", "decision in a"),
            meeting(k),
            lang.pick("overgang", "transition")
        ),
        R::AppointedIn { role, meeting: k } => format!(
            "{} {} {}",
            crate::role((*role).into(), lang),
            lang.pick("bepaald in een", "decided in a"),
            meeting(k)
        ),
    }
}

/// Something the model leaves open, in words.
pub fn open_point(model: &ValidModel, p: &ave_engine::views::OpenPoint, lang: Lang) -> String {
    use ave_engine::views::OpenPoint as P;
    let _ = model;
    match p {
        P::Role { role: r, reason } => format!(
            "{}: {} ({reason})",
            crate::role(*r, lang),
            lang.pick("open in het model", "open in the model")
        ),
        P::Deciders { transition, reason } => format!(
            "{} {transition}: {} ({reason})",
            lang.pick("overgang", "transition"),
            lang.pick(
                "wie besluit, is open in het model",
                "who decides is open in the model"
            )
        ),
        P::Proposers { transition, reason } => format!(
            "{} {transition}: {} ({reason})",
            lang.pick("overgang", "transition"),
            lang.pick(
                "wie voorstelt, is open in het model",
                "who proposes is open in the model"
            )
        ),
        P::Grondslag { reason } => format!(
            "{} ({reason})",
            lang.pick(
                "grondslag en verwerkingsverantwoordelijke zijn open in het model",
                "legal basis and controller are open in the model"
            )
        ),
    }
}

/// Who may decide, in words.
pub fn deciders(model: &ValidModel, d: &Deciders, lang: Lang) -> String {
    match d {
        Deciders::Anyone => lang.pick("iedere betrokkene", "anyone involved").to_owned(),
        Deciders::Actors { actors } => crate::actors(model, actors, lang),
        Deciders::Open { .. } => lang
            .pick("niet vastgelegd in het model", "not set in the model")
            .to_owned(),
        Deciders::Arbiter { arbiter, .. } => format!(
            "{} ({})",
            crate::actor(model, arbiter, lang),
            lang.pick(
                "beslisser bij meningsverschil, na een nieuw meningsverschil",
                "arbiter, on a new disagreement"
            )
        ),
    }
}

/// Something the model still asks before a decision, in words (with its strength).
pub fn missing(model: &ValidModel, m: &Missing, lang: Lang) -> String {
    let meeting = |k: &ave_model::MeetingKindId| {
        model
            .meeting_kind(k)
            .map_or_else(|| k.to_string(), |k| k.name.clone())
    };
    let what = match &m.need {
        Need::Plan { text: Some(t), .. }
        | Need::Meeting { text: Some(t), .. }
        | Need::Consulted { text: Some(t), .. }
        | Need::RoleHeld { text: Some(t), .. } => t.clone(),
        Need::Plan { phase: p, .. } => format!(
            "{} {}",
            lang.pick("eerst een plan (aanpak) voor", "first a plan (aanpak) for"),
            phase(p)
        ),
        Need::Meeting { meeting: k, .. } => {
            format!("{} {}", lang.pick("eerst een", "first a"), meeting(k))
        }
        Need::Consulted { actor, .. } => format!(
            "{} {}",
            lang.pick("eerst overleg met", "first consult"),
            crate::actor(model, actor, lang)
        ),
        Need::RoleHeld { role, by, .. } => {
            let holder = ave_model::render::role_holder(*role);
            if by.is_empty() {
                format!("{} {holder}", lang.pick("eerst een", "first a"))
            } else {
                format!(
                    "{} {holder}: {}",
                    lang.pick("eerst een", "first a"),
                    functions(model, by, lang)
                )
            }
        }
        Need::DecidedIn { meeting: k } => format!(
            "{} {}",
            lang.pick("besluit in een", "decided in a"),
            meeting(k)
        ),
        Need::InsufficientAlone => lang
            .pick(
                "deze criteria zijn op zichzelf geen reden voor deze opschaling",
                "these criteria alone are no reason for this escalation",
            )
            .to_owned(),
    };
    match m.strength {
        ave_model::Strength::BijVoorkeur => format!(
            "{what} ({})",
            lang.pick(
                "bij voorkeur: anders met motivering",
                "preferably: otherwise with a motivation"
            )
        ),
        _ => what,
    }
}

/// A condition with each part marked ✓ or ✗.
pub fn condition(model: &ValidModel, c: &ConditionStatus, lang: Lang) -> String {
    let list = |parts: &[ConditionStatus]| {
        parts
            .iter()
            .map(|p| condition(model, p, lang))
            .collect::<Vec<_>>()
            .join("; ")
    };
    let mark = |holds: bool| if holds { "✓" } else { "✗" };
    match c {
        ConditionStatus::Criterion { id, holds } => {
            let text = model.criterion(id).map_or(id.as_str(), |c| c.text.as_str());
            format!("[{}] {text}", mark(*holds))
        }
        ConditionStatus::Fact { id, holds } => {
            let text = model.fact(id).map_or(id.as_str(), |f| f.text.as_str());
            format!("[{}] {}: {text}", mark(*holds), lang.pick("feit", "fact"))
        }
        ConditionStatus::Any { parts } => {
            format!("{} ({})", lang.pick("één van", "one of"), list(parts))
        }
        ConditionStatus::All { parts } => {
            format!("{} ({})", lang.pick("alle van", "all of"), list(parts))
        }
        ConditionStatus::AtLeast { n, parts } => format!(
            "{} {n} {} ({})",
            lang.pick("ten minste", "at least"),
            lang.pick("van", "of"),
            list(parts)
        ),
        ConditionStatus::Held { role: r, by, holds } => {
            let holder = ave_model::render::role_holder(*r);
            if by.is_empty() {
                format!(
                    "[{}] {} {holder}",
                    mark(*holds),
                    lang.pick("er is een", "there is a")
                )
            } else {
                format!(
                    "[{}] {holder}: {}",
                    mark(*holds),
                    functions(model, by, lang)
                )
            }
        }
        ConditionStatus::Not { part } => {
            format!(
                "{} ({})",
                lang.pick("niet", "not"),
                condition(model, part, lang)
            )
        }
    }
}

/// A proposal in one line: where to, on which criteria, who decides, what is still needed.
pub fn proposal(model: &ValidModel, p: &Proposal, lang: Lang) -> String {
    let Some(t) = model.transition(&p.transition) else {
        return p.transition.to_string();
    };
    let title = t.title.clone().unwrap_or_else(|| match t.effect {
        Some(e) => crate::event::effect(e, lang).to_owned(),
        None => format!("{} {}", lang.pick("naar", "to"), phase(&t.to)),
    });
    let holding: Vec<&str> = p
        .holding
        .iter()
        .map(|c| model.criterion(c).map_or(c.as_str(), |c| c.text.as_str()))
        .collect();
    let mut s = format!(
        "{title} — {} {}; {}: {}",
        lang.pick("vastgesteld:", "established:"),
        holding.join("; "),
        lang.pick("besluit door", "decided by"),
        deciders(model, &p.deciders, lang)
    );
    if !p.missing.is_empty() {
        let m: Vec<String> = p.missing.iter().map(|m| missing(model, m, lang)).collect();
        s.push_str(&format!(
            "; {} {}",
            lang.pick("nog nodig:", "still needed:"),
            m.join("; ")
        ));
    }
    s
}

/// A gap of a klantreis in one line.
pub fn gap(model: &ValidModel, g: &Gap, lang: Lang, who: Who<'_>) -> String {
    let nl = lang == Lang::Nl;
    let names = |f: &[ave_model::FunctionId]| {
        let v: Vec<&str> = f.iter().map(|f| model.function_name(f)).collect();
        v.join("; ")
    };
    match g {
        Gap::UnknownFunction { person, function } => {
            if nl {
                format!(
                    "{} heeft functie {function}, die het model niet kent",
                    who(person)
                )
            } else {
                format!(
                    "{} has function {function}, which the model does not know",
                    who(person)
                )
            }
        }
        Gap::RoleNobodyCanFill {
            phase: p,
            role: r,
            functions: f,
            when_needed,
        } => {
            let when = if *when_needed {
                lang.pick(" (wanneer nodig)", " (when needed)")
            } else {
                ""
            };
            if nl {
                format!(
                    "fase {p}: {} ligt bij {}{when}, maar niemand in de klantreis heeft die functie",
                    role(*r, lang),
                    names(f)
                )
            } else {
                format!(
                    "phase {p}: {} lies with {}{when}, but nobody in the journey has that function",
                    role(*r, lang),
                    names(f)
                )
            }
        }
        Gap::RoleOpenInModel {
            phase: p,
            role: r,
            reason,
        } => {
            if nl {
                format!(
                    "fase {p}: {}: het model laat dit open ({reason})",
                    role(*r, lang)
                )
            } else {
                format!(
                    "phase {p}: {}: the model leaves this open ({reason})",
                    role(*r, lang)
                )
            }
        }
        Gap::DecidersOpen {
            phase: p,
            transition,
            reason,
        } => {
            if nl {
                format!(
                    "fase {p}: overgang {transition}: het model legt niet vast wie besluit ({reason})"
                )
            } else {
                format!(
                    "phase {p}: transition {transition}: the model does not say who decides ({reason})"
                )
            }
        }
        Gap::NoDeciderPresent {
            phase: p,
            transition,
            deciders: d,
        } => {
            if nl {
                format!(
                    "fase {p}: overgang {transition}: besluit door {}, maar niemand in de klantreis heeft die functie",
                    crate::actors(model, d, lang)
                )
            } else {
                format!(
                    "phase {p}: transition {transition}: decided by {}, but nobody in the journey has that function",
                    crate::actors(model, d, lang)
                )
            }
        }
        Gap::MissingWerkafspraak { werkafspraak, step } => {
            if nl {
                format!(
                    "stap {step} volgt werkafspraak {werkafspraak}, die het lokale model niet kent"
                )
            } else {
                format!(
                    "step {step} follows werkafspraak {werkafspraak}, which the local model does not know"
                )
            }
        }
        Gap::PastNorm {
            phase: p,
            attention: a,
        } => format!(
            "{} {p}: {}",
            lang.pick("fase", "phase"),
            attention(model, a, lang, who)
        ),
    }
}

/// A short title for a rejection code, for clients that show the code's meaning next to the
/// engine's own explanation.
pub fn rejection_title(code: RejectionCode, lang: Lang) -> &'static str {
    use RejectionCode as C;
    match code {
        C::NoCase => lang.pick("er is nog geen casus", "there is no case yet"),
        C::CaseExists => lang.pick("de casus bestaat al", "the case already exists"),
        C::CaseClosed => lang.pick("de casus is gesloten", "the case is closed"),
        C::ModelMismatch => lang.pick("ander model", "another model"),
        C::DateOutOfOrder => lang.pick("datum buiten volgorde", "date out of order"),
        C::DuplicateId => lang.pick("id bestaat al", "id already exists"),
        C::EmptyText => lang.pick("tekst ontbreekt", "text missing"),
        C::NotParticipant => lang.pick("niet betrokken", "not involved"),
        C::UnknownPerson => lang.pick("onbekende persoon", "unknown person"),
        C::UnknownMember => lang.pick("onbekend gezinslid", "unknown household member"),
        C::UnknownPhase => lang.pick("onbekende fase", "unknown phase"),
        C::UnknownFunction => lang.pick("onbekende functie", "unknown function"),
        C::UnknownCriterion => lang.pick("onbekend criterium", "unknown criterion"),
        C::UnknownFact => lang.pick("onbekend feit", "unknown fact"),
        C::DerivedFact => lang.pick("afgeleid feit", "derived fact"),
        C::UnknownTransition => lang.pick("onbekende overgang", "unknown transition"),
        C::UnknownTrigger => lang.pick("onbekende trigger", "unknown trigger"),
        C::UnknownMeetingKind => lang.pick("onbekend soort overleg", "unknown meeting kind"),
        C::UnknownItem => lang.pick("bestaat niet", "does not exist"),
        C::NotEntryPhase => lang.pick("geen beginfase", "not an entry phase"),
        C::RoleNotApplicable => lang.pick("rol n.v.t.", "role does not apply"),
        C::FunctionNotPrescribed => {
            lang.pick("functie niet voorgeschreven", "function not prescribed")
        }
        C::NotRoleHolder => lang.pick("geen rolhouder", "not the role holder"),
        C::AlreadyRoleHolder => lang.pick("heeft de rol al", "already holds the role"),
        C::HoldsRole => lang.pick("heeft nog een rol of taak", "still holds a role or task"),
        C::RuleCasusregieRequired => lang.pick("één casusregisseur", "one casusregisseur"),
        C::RuleSingleProcesregisseur => lang.pick("één procesregisseur", "one procesregisseur"),
        C::RuleSeparateRegisseurs => lang.pick("regisseurs gescheiden", "directors kept apart"),
        C::RuleMinorsCasusregisseur => lang.pick("minderjarigen-regel", "minors rule"),
        C::RuleProcesregieReview => {
            lang.pick("procesregie is tijdelijk", "procesregie is temporary")
        }
        C::RuleCasusregieContinuity => {
            lang.pick("continuïteit in casusregie", "continuity of casusregie")
        }
        C::WrongPhase => lang.pick("andere fase", "another phase"),
        C::NotProposer => lang.pick("mag niet voorstellen", "may not propose"),
        C::NotDecider => lang.pick("mag niet besluiten", "may not decide"),
        C::DeciderOpen => lang.pick("beslisser niet vastgelegd", "decider not set"),
        C::ConditionNotMet => lang.pick("voorwaarde niet vervuld", "condition not met"),
        C::RuleInsufficientAlone => lang.pick("op zichzelf onvoldoende", "insufficient alone"),
        C::PreconditionNotMet => lang.pick("eerst iets anders", "something must come first"),
        C::CriterionNotOfTransition => lang.pick(
            "criterium hoort er niet bij",
            "criterion not of this transition",
        ),
        C::RequestNotOpen => lang.pick("verzoek al afgehandeld", "request already handled"),
        C::RequestPending => lang.pick("er wacht al een verzoek", "a request is pending"),
        C::DisagreementOpen => lang.pick("meningsverschil open", "disagreement open"),
        C::ArbiterRuled => lang.pick("beslisser heeft beslist", "the arbiter ruled"),
        C::NoArbiter => lang.pick("geen beslisser bij meningsverschil", "no arbiter"),
        C::NotArbiter => lang.pick("niet de beslisser", "not the arbiter"),
        C::NotParty => lang.pick("geen partij", "not a party"),
        C::AlreadyDone => lang.pick("al gedaan", "already done"),
        C::NotAdministrator => lang.pick(
            "geen bevoegde bestuurder",
            "not the competent administrator",
        ),
        C::NotAppointer => lang.pick("mag niet aanwijzen", "may not appoint"),
        C::CannotClose => lang.pick("kan niet sluiten", "cannot close"),
        C::NothingToChange => lang.pick("er verandert niets", "nothing would change"),
        C::BeyondNorm => lang.pick("verder dan de norm", "beyond the norm"),
        C::MotivationRequired => lang.pick("motivering nodig", "motivation required"),
        C::NotReviewer => lang.pick(
            "ziet deze afwijking niet af",
            "does not review this deviation",
        ),
        C::UnknownDecisionKind => lang.pick("onbekend soort besluit", "unknown kind of decision"),
        C::Internal => lang.pick("interne fout", "internal error"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_attention_item_on_a_page_writes_its_date_dd_mm_jjjj() {
        let model = ave_model::presets::load("oss").expect("preset");
        let a = Attention::EvaluationOverdue {
            due: ave_model::Date::parse("2026-04-08").expect("date"),
            days: 3,
        };
        let who = |p: &PersonId| p.to_string();
        assert_eq!(
            attention(&model, &a, Style::page(Lang::Nl), &who),
            "evaluatie was gepland op 08-04-2026"
        );
        assert_eq!(
            attention(&model, &a, Lang::Nl, &who),
            "evaluatie was gepland op 2026-04-08"
        );
    }
}
