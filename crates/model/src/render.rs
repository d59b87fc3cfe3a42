//! Rendering a model for people: a terminal summary (`text`) and the phase poster
//! (`markdown`), modelled on Bijlage 1 of the Noord-Limburg guide and Bijlage 3 of the Oss
//! handbook: per phase the regie table, the criteria up and down, and who decides.

use std::fmt::Write;

use crate::types::{
    Actor, Condition, Consult, MeetingRequirement, Model, Phase, Precondition, Reading, RoleKind,
    RoleSpec, Strength, Transition,
};
use crate::valid::ValidModel;

/// How a phase is named in running text: "AVE 2A".
pub fn phase_label(id: &str) -> String {
    format!("AVE {id}")
}

/// A role as one line: function names, "n.v.t." or "open".
pub fn role_line(model: &ValidModel, spec: Option<&RoleSpec>) -> String {
    let Some(spec) = spec else {
        return "—".to_owned();
    };
    if spec.nvt {
        return "n.v.t.".to_owned();
    }
    if let Some(reason) = &spec.open {
        return format!("open ({reason})");
    }
    let mut s = names(model, spec.holders.iter().map(|h| h.as_str()));
    if spec.when_needed {
        s.push_str(" (wanneer nodig)");
    }
    if let Some(r) = &spec.appointed_in {
        let _ = write!(
            s,
            "; {} {}",
            strength_verb(r.strength, "bepaald in"),
            meeting_name(model, r)
        );
    }
    if !spec.appointed_by.is_empty() {
        let _ = write!(
            s,
            "; aangewezen door: {}",
            actors(model, &spec.appointed_by)
        );
    }
    s
}

/// "moet bepaald in" / "bij voorkeur bepaald in" / "kan bepaald in".
fn strength_verb(strength: Strength, what: &str) -> String {
    match strength {
        Strength::Moet => what.to_owned(),
        Strength::BijVoorkeur => format!("bij voorkeur {what}"),
        Strength::Kan => format!("kan {what}"),
    }
}

fn meeting_name<'a>(model: &'a ValidModel, r: &'a MeetingRequirement) -> &'a str {
    model
        .meeting_kind_str(r.meeting.as_str())
        .map_or(r.meeting.as_str(), |k| k.name.as_str())
}

/// Who an actor is: a function's (or group's) name, or the holder of a role in the case.
pub fn actor(model: &ValidModel, a: &Actor) -> String {
    match a {
        Actor::Function(f) => model.function_name_str(f.as_str()).to_owned(),
        Actor::Role { role } => format!("de {} van de casus", role_holder(*role)),
    }
}

/// The person who holds a role: "casusregisseur", "procesregisseur", …
pub fn role_holder(role: RoleKind) -> &'static str {
    match role {
        RoleKind::Casusregie => "casusregisseur",
        RoleKind::Procesregie => "procesregisseur",
        RoleKind::Behandelregie => "behandelregisseur",
        RoleKind::Operationeel => "operationeel verantwoordelijke",
        RoleKind::Bestuurlijk => "bestuurlijk verantwoordelijke",
    }
}

/// Actors joined with "; ".
pub fn actors(model: &ValidModel, list: &[Actor]) -> String {
    if list.is_empty() {
        return "—".to_owned();
    }
    list.iter()
        .map(|a| actor(model, a))
        .collect::<Vec<_>>()
        .join("; ")
}

/// How an item is marked: a reading of the source, a product choice or a local choice.
pub fn marks(
    lezing: Option<&Reading>,
    productkeuze: Option<&str>,
    lokaal: Option<&str>,
) -> Vec<String> {
    let mut out = Vec::new();
    if let Some(r) = lezing {
        out.push(format!(
            "lezing: {} — «{}»",
            one_line(&r.why),
            one_line(&r.quote)
        ));
    }
    if let Some(p) = productkeuze {
        out.push(format!("productkeuze: {}", one_line(p)));
    }
    if let Some(l) = lokaal {
        out.push(format!("lokale keuze: {}", one_line(l)));
    }
    out
}

/// A consultation in words: who, how strong, when.
pub fn consult_line(model: &ValidModel, c: &Consult) -> String {
    let who = c.who().map_or_else(|| "—".to_owned(), |a| actor(model, &a));
    let mut s = match c.strength {
        Strength::Moet => format!("{who} (verplicht)"),
        Strength::BijVoorkeur => format!("{who} (bij voorkeur)"),
        Strength::Kan => format!("{who} (kan, advies)"),
    };
    if let Some(when) = &c.when {
        let _ = write!(s, " — alleen als {}", condition_inline(model, when));
    }
    for m in marks(
        c.lezing.as_ref(),
        c.productkeuze.as_deref(),
        c.lokaal.as_deref(),
    ) {
        let _ = write!(s, " [{m}]");
    }
    s
}

/// A condition on one line.
pub fn condition_inline(model: &ValidModel, c: &Condition) -> String {
    let list = |parts: &[Condition], sep: &str| {
        parts
            .iter()
            .map(|p| condition_inline(model, p))
            .collect::<Vec<_>>()
            .join(sep)
    };
    match c {
        Condition::Criterion(id) => criterion_text(model, id.as_str()),
        Condition::Fact(id) => model
            .fact_str(id.as_str())
            .map_or_else(|| id.to_string(), |f| f.text.clone()),
        Condition::Any(parts) => format!("({})", list(parts, " of ")),
        Condition::All(parts) => format!("({})", list(parts, " en ")),
        Condition::AtLeast(a) => format!("ten minste {} van ({})", a.n, list(&a.of, "; ")),
        Condition::Not(inner) => format!("niet {}", condition_inline(model, inner)),
        Condition::Held(h) => held_text(model, h),
    }
}

fn held_text(model: &ValidModel, h: &crate::types::Held) -> String {
    if h.by.is_empty() {
        format!("er is een {}", role_holder(h.role))
    } else {
        format!(
            "de {} is {}",
            role_holder(h.role),
            names(model, h.by.iter().map(|f| f.as_str()))
        )
    }
}

/// Function names joined with "; ".
pub fn names<'a>(model: &ValidModel, ids: impl Iterator<Item = &'a str>) -> String {
    let v: Vec<&str> = ids.map(|id| model.function_name_str(id)).collect();
    if v.is_empty() {
        "—".to_owned()
    } else {
        v.join("; ")
    }
}

fn where_to(model: &ValidModel, t: &Transition) -> String {
    match t.effect {
        Some(effect) => format!(
            "binnen {}: {}",
            phase_label(t.from.as_str()),
            effect.label()
        ),
        None => {
            let to = model
                .phase_str(t.to.as_str())
                .map_or("", |p| p.title.as_str());
            format!("naar {} ({to})", phase_label(t.to.as_str()))
        }
    }
}

/// A condition as nested lines, each prefixed by `indent`.
pub fn condition_lines(model: &ValidModel, t: &Transition) -> Vec<(usize, String)> {
    let mut out = Vec::new();
    cond(model, &t.effective_condition(), 0, &mut out);
    out
}

fn criterion_text(model: &ValidModel, id: &str) -> String {
    model
        .criterion_str(id)
        .map_or_else(|| id.to_owned(), |c| c.text.clone())
}

fn cond(model: &ValidModel, c: &Condition, depth: usize, out: &mut Vec<(usize, String)>) {
    match c {
        Condition::Criterion(id) => out.push((depth, criterion_text(model, id.as_str()))),
        Condition::Fact(id) => {
            let text = model
                .fact_str(id.as_str())
                .map_or(id.as_str(), |f| f.text.as_str());
            out.push((depth, format!("feit: {text}")));
        }
        Condition::Any(parts) => {
            out.push((depth, "ten minste één van:".to_owned()));
            for p in parts {
                cond(model, p, depth + 1, out);
            }
        }
        Condition::All(parts) => {
            out.push((depth, "alle:".to_owned()));
            for p in parts {
                cond(model, p, depth + 1, out);
            }
        }
        Condition::AtLeast(a) => {
            out.push((depth, format!("ten minste {} van:", a.n)));
            for p in &a.of {
                cond(model, p, depth + 1, out);
            }
        }
        Condition::Not(inner) => {
            out.push((depth, "niet:".to_owned()));
            cond(model, inner, depth + 1, out);
        }
        Condition::Held(h) => out.push((depth, held_text(model, h))),
    }
}

/// A precondition in words, with its strength, condition and reading.
pub fn precondition_text(model: &ValidModel, p: &Precondition) -> String {
    let (base, text, when, strength, lezing) = match p {
        Precondition::Plan {
            phase,
            text,
            when,
            strength,
            lezing,
            ..
        } => (
            format!(
                "er is een plan (aanpak) voor {}",
                phase_label(phase.as_str())
            ),
            text,
            when,
            strength,
            lezing,
        ),
        Precondition::Meeting {
            meeting,
            text,
            when,
            strength,
            lezing,
            ..
        } => {
            let name = model
                .meeting_kind_str(meeting.as_str())
                .map_or(meeting.as_str(), |k| k.name.as_str());
            (
                format!("er is een {name} gehouden"),
                text,
                when,
                strength,
                lezing,
            )
        }
        Precondition::Consulted {
            function,
            text,
            when,
            strength,
            lezing,
            ..
        } => (
            format!(
                "{} is geraadpleegd",
                model.function_name_str(function.as_str())
            ),
            text,
            when,
            strength,
            lezing,
        ),
        Precondition::RoleHeld {
            role,
            by,
            text,
            when,
            strength,
            lezing,
            ..
        } => (
            held_text(
                model,
                &crate::types::Held {
                    role: *role,
                    by: by.clone(),
                },
            ),
            text,
            when,
            strength,
            lezing,
        ),
    };
    let mut s = text.clone().unwrap_or(base);
    match strength {
        Strength::Moet => {}
        Strength::BijVoorkeur => s.push_str(" (bij voorkeur)"),
        Strength::Kan => s.push_str(" (kan)"),
    }
    if let Some(when) = when {
        let _ = write!(s, " — alleen als {}", condition_inline(model, when));
    }
    for m in marks(lezing.as_ref(), None, None) {
        let _ = write!(s, " [{m}]");
    }
    s
}

fn place(model: &Model) -> String {
    match (&model.model.gemeente, &model.model.regio) {
        (Some(g), Some(r)) => format!("gemeente {g} (regio {r})"),
        (Some(g), None) => format!("gemeente {g}"),
        (None, Some(r)) => format!("regio {r}"),
        (None, None) => "—".to_owned(),
    }
}

/// A terminal summary of a model.
pub fn text(model: &ValidModel) -> String {
    let m = model.model();
    let mut s = String::new();
    let md = &m.model;
    let _ = writeln!(s, "{} — {}", md.name, place(m));
    let _ = writeln!(s, "versie {}, geldig vanaf {}", md.version, md.valid_from);
    if let Some(src) = &md.source {
        let _ = writeln!(s, "bron: {src}");
    }
    if let Some(base) = &md.extends {
        let _ = writeln!(s, "breidt uit: {base}");
    }
    for phase in model.phases_in_order() {
        let _ = writeln!(s);
        let mut head = format!("{} {}", phase_label(phase.id.as_str()), phase.title);
        let tags: Vec<String> = [
            phase.colour.map(|c| c.label().to_owned()),
            phase.domain.map(|d| d.label().to_owned()),
            phase.share_percent.map(|p| format!("{p}%")),
            phase.entry.then(|| "beginfase".to_owned()),
        ]
        .into_iter()
        .flatten()
        .collect();
        if !tags.is_empty() {
            let _ = write!(head, " [{}]", tags.join(", "));
        }
        let _ = writeln!(s, "{head}");
        for kind in RoleKind::ALL {
            let spec = phase.regie.role(kind);
            if kind == RoleKind::Behandelregie && spec.is_none() {
                continue;
            }
            let _ = writeln!(s, "  {:<30} {}", kind.label(), role_line(model, spec));
        }
        if !phase.regie.in_overleg_met.is_empty() {
            let _ = writeln!(
                s,
                "  {:<30} {}",
                "In overleg met",
                names(model, phase.regie.in_overleg_met.iter().map(|f| f.as_str()))
            );
        }
        if let Some(n) = &phase.norms {
            let mut parts = Vec::new();
            if let Some(d) = n.evaluation_days {
                parts.push(format!("evaluatie elke {d} dagen"));
            }
            if let Some(d) = n.stagnation_days {
                parts.push(format!("stagnatie na {d} dagen"));
            }
            if let Some(d) = n.procesregie_review_days {
                parts.push(format!("procesregie herzien na {d} dagen"));
            }
            if let Some(d) = n.decision_days {
                parts.push(format!("besluit binnen {d} dagen"));
            }
            let basis = match n.basis {
                crate::types::NormBasis::Bron => "bron",
                crate::types::NormBasis::Productstandaard => "productstandaard",
                crate::types::NormBasis::Lokaal => "lokaal",
            };
            let _ = writeln!(s, "  {:<30} {} ({basis})", "Termijnen", parts.join(", "));
        }
        for t in model.transitions_from_str(phase.id.as_str()) {
            let _ = writeln!(
                s,
                "  {} {}: besluit {}",
                t.direction.label(),
                where_to(model, t),
                decider_line(model, t)
            );
        }
    }
    let _ = writeln!(s);
    let _ = writeln!(s, "Regels:");
    for &name in crate::types::RuleName::ALL {
        let state = match m.rules.presence(name) {
            Some(true) => "aan",
            Some(false) => "uit",
            None => "niet ingesteld (uit)",
        };
        let _ = writeln!(s, "  {:<24} {state}", name.key());
    }
    s
}

fn decider_line(model: &ValidModel, t: &Transition) -> String {
    match &t.deciders_open {
        Some(reason) => format!("open ({reason})"),
        None => actors(model, &t.deciders),
    }
}

/// The phase poster in Markdown.
pub fn markdown(model: &ValidModel) -> String {
    let m = model.model();
    let md = &m.model;
    let mut s = String::new();
    let _ = writeln!(s, "# {}\n", md.name);
    let _ = writeln!(
        s,
        "{} · versie {} · geldig vanaf {}",
        place(m),
        md.version,
        md.valid_from
    );
    if let Some(src) = &md.source {
        let _ = writeln!(s, "\nBron: {src}");
    }
    if let Some(base) = &md.extends {
        let _ = writeln!(s, "\nBreidt uit: `{base}`");
    }
    if let Some(description) = &md.description {
        let _ = writeln!(s, "\n{}", one_line(description));
    }
    if !m.principles.is_empty() {
        let _ = writeln!(s, "\n## Leidende principes\n");
        for (i, p) in m.principles.iter().enumerate() {
            let _ = writeln!(s, "{}. {}", i + 1, one_line(&p.text));
        }
    }
    for phase in model.phases_in_order() {
        poster_phase(model, phase, &mut s);
    }
    if !m.triggers.is_empty() {
        let _ = writeln!(s, "\n## Triggers\n");
        for t in &m.triggers {
            let phases: Vec<String> = t.phases.iter().map(|p| phase_label(p.as_str())).collect();
            let scope = if phases.is_empty() {
                "alle fasen".to_owned()
            } else {
                phases.join(", ")
            };
            let kind = match t.kind {
                crate::types::TriggerKind::Informeren => "informeren",
                crate::types::TriggerKind::Opschalingscheck => "opschalingscheck",
            };
            let mut who: Vec<String> = t
                .inform_roles
                .iter()
                .map(|r| r.label().to_lowercase())
                .collect();
            who.extend(
                t.inform
                    .iter()
                    .map(|f| model.function_name_str(f.as_str()).to_owned()),
            );
            let inform = if who.is_empty() {
                String::new()
            } else {
                format!(" → informeer: {}", who.join(", "))
            };
            let _ = writeln!(s, "- **{scope}** ({kind}): {}{inform}", one_line(&t.text));
        }
    }
    let _ = writeln!(s, "\n## Regels\n");
    let _ = writeln!(s, "| regel | stand | bron | toelichting |");
    let _ = writeln!(s, "|---|---|---|---|");
    for &name in crate::types::RuleName::ALL {
        let state = match m.rules.presence(name) {
            Some(true) => "aan",
            Some(false) => "uit",
            None => "niet ingesteld",
        };
        let _ = writeln!(
            s,
            "| `{name}` | {state} | {} | {} |",
            cell(m.rules.source_of(name).unwrap_or("—")),
            cell(m.rules.note_of(name).unwrap_or(""))
        );
    }
    s
}

fn one_line(s: &str) -> String {
    s.split_whitespace().collect::<Vec<_>>().join(" ")
}

fn cell(s: &str) -> String {
    one_line(s).replace('|', "\\|")
}

fn poster_phase(model: &ValidModel, phase: &Phase, s: &mut String) {
    let _ = writeln!(
        s,
        "\n## {}: {}\n",
        phase_label(phase.id.as_str()),
        phase.title
    );
    let tags: Vec<String> = [
        phase.colour.map(|c| c.label().to_owned()),
        phase.domain.map(|d| d.label().to_owned()),
        phase
            .share_percent
            .map(|p| format!("verwacht aandeel ca. {p}%")),
        phase
            .entry
            .then(|| "een casus kan hier beginnen".to_owned()),
    ]
    .into_iter()
    .flatten()
    .collect();
    if !tags.is_empty() {
        let _ = writeln!(s, "*{}*\n", tags.join(" · "));
    }
    if let Some(summary) = &phase.summary {
        let _ = writeln!(s, "**{}**\n", one_line(summary));
    }
    if let Some(situation) = &phase.situation {
        let _ = writeln!(s, "Uitgangssituatie: {}\n", one_line(situation));
    }
    if let Some(note) = &phase.note {
        let _ = writeln!(s, "Toelichting: {}\n", one_line(note));
    }
    let _ = writeln!(s, "| rol | wie | toelichting |");
    let _ = writeln!(s, "|---|---|---|");
    for kind in RoleKind::ALL {
        let spec = phase.regie.role(kind);
        if kind == RoleKind::Behandelregie && spec.is_none() {
            continue;
        }
        let note = spec.and_then(|r| r.note.as_deref()).unwrap_or("");
        let _ = writeln!(
            s,
            "| {} | {} | {} |",
            kind.label(),
            cell(&role_line(model, spec)),
            cell(note)
        );
    }
    if !phase.regie.in_overleg_met.is_empty() {
        let _ = writeln!(
            s,
            "| In overleg met | {} | |",
            cell(&names(
                model,
                phase.regie.in_overleg_met.iter().map(|f| f.as_str())
            ))
        );
    }
    for (heading, dir, within) in [
        ("Opschalen", crate::types::Direction::Op, false),
        (
            "Opschalen binnen de fase",
            crate::types::Direction::Op,
            true,
        ),
        (
            "Afschalen binnen de fase",
            crate::types::Direction::Af,
            true,
        ),
        ("Afschalen", crate::types::Direction::Af, false),
    ] {
        let ts: Vec<&Transition> = model
            .transitions_from_str(phase.id.as_str())
            .filter(|t| t.direction == dir && (t.from == t.to) == within)
            .collect();
        if ts.is_empty() {
            continue;
        }
        let _ = writeln!(s, "\n### {heading}\n");
        for t in ts {
            poster_transition(model, t, s);
        }
    }
    if !phase.actions.is_empty() {
        let _ = writeln!(s, "\n### Mogelijke acties\n");
        for a in &phase.actions {
            let _ = writeln!(s, "- {}", one_line(a));
        }
    }
    if !phase.werkafspraken.is_empty() {
        let _ = writeln!(s, "\n### Werkafspraken, routes en richtlijnen\n");
        for a in &phase.werkafspraken {
            let extra = a
                .note
                .as_deref()
                .map(|n| format!(" — {}", one_line(n)))
                .unwrap_or_default();
            let _ = writeln!(s, "- {}{extra}", one_line(&a.title));
        }
    }
    if !phase.organisations.is_empty() {
        let _ = writeln!(s, "\n### In te zetten mensen en organisaties\n");
        for g in &phase.organisations {
            let _ = writeln!(s, "- **{}**: {}", g.group, g.members.join(", "));
        }
    }
    if let Some(g) = &phase.grondslag {
        let main = match (&g.basis, &g.verwerkingsverantwoordelijke, &g.open) {
            (_, _, Some(reason)) => format!("open — {}", one_line(reason)),
            (b, v, None) => format!(
                "{} · verwerkingsverantwoordelijke: {}",
                b.as_deref().unwrap_or("—"),
                v.as_deref().unwrap_or("—")
            ),
        };
        let mut extra: Vec<String> = g.note.iter().map(|n| one_line(n)).collect();
        extra.extend(marks(
            g.lezing.as_ref(),
            g.productkeuze.as_deref(),
            g.lokaal.as_deref(),
        ));
        let extra = if extra.is_empty() {
            String::new()
        } else {
            format!(" ({})", extra.join("; "))
        };
        let _ = writeln!(s, "\nGrondslag: {main}{extra}");
    }
    if let Some(n) = &phase.norms {
        let (basis, parts) = norm_terms(n);
        let _ = writeln!(s, "\nTermijnen ({basis}): {}.", parts.join(", "));
    }
}

/// A phase's time norms as the poster words them: on what basis they stand, and each term
/// ("evalueren elke 42 dagen", …) in the order of the model.
pub fn norm_terms(n: &crate::types::TimeNorms) -> (&'static str, Vec<String>) {
    let basis = match n.basis {
        crate::types::NormBasis::Bron => "volgens de bron",
        crate::types::NormBasis::Productstandaard => "productstandaard, lokaal vast te stellen",
        crate::types::NormBasis::Lokaal => "lokaal vastgesteld",
    };
    let mut parts = Vec::new();
    if let Some(d) = n.evaluation_days {
        parts.push(format!("evalueren elke {d} dagen"));
    }
    if let Some(d) = n.stagnation_days {
        parts.push(format!("stagnatie na {d} dagen zonder voortgang"));
    }
    if let Some(d) = n.procesregie_review_days {
        parts.push(format!("procesregie herzien na {d} dagen"));
    }
    if let Some(d) = n.decision_days {
        parts.push(format!("besluit binnen {d} dagen"));
    }
    (basis, parts)
}

fn poster_transition(model: &ValidModel, t: &Transition, s: &mut String) {
    match (&t.title, t.effect) {
        (Some(title), Some(_)) => {
            let _ = writeln!(s, "**{}**\n", one_line(title));
        }
        (Some(title), None) => {
            let to = model
                .phase_str(t.to.as_str())
                .map_or("", |p| p.title.as_str());
            let _ = writeln!(s, "**{}** → {to}\n", one_line(title));
        }
        (None, _) => {
            let _ = writeln!(s, "**{}**\n", where_to(model, t));
        }
    }
    for (depth, line) in condition_lines(model, t) {
        let _ = writeln!(s, "{}- {}", "  ".repeat(depth), one_line(&line));
    }
    let _ = writeln!(s);
    if let Some(reason) = &t.proposers_open {
        let _ = writeln!(s, "- Voorstel door: open ({})", one_line(reason));
    } else if !t.proposers.is_empty() {
        let _ = writeln!(s, "- Voorstel door: {}", actors(model, &t.proposers));
    }
    let mut decide = format!("- **Besluit door: {}**", decider_line(model, t));
    if let Some(r) = &t.decided_in {
        let name = meeting_name(model, r);
        let _ = match r.strength {
            Strength::Moet => write!(decide, " in {name}"),
            Strength::BijVoorkeur => write!(decide, " bij voorkeur in {name}"),
            Strength::Kan => write!(decide, " (kan in {name})"),
        };
        for m in marks(r.lezing.as_ref(), None, None) {
            let _ = write!(decide, " [{m}]");
        }
    }
    let _ = writeln!(s, "{decide}");
    for c in &t.consult {
        let _ = writeln!(s, "- In overleg met: {}", consult_line(model, c));
    }
    for p in &t.preconditions {
        let _ = writeln!(s, "- Eerst: {}", one_line(&precondition_text(model, p)));
    }
    for h in &t.handover {
        let mut line = format!(
            "- Overdracht ({}): {}",
            h.role.label().to_lowercase(),
            one_line(&h.text)
        );
        if !h.to.is_empty() {
            let _ = write!(line, " → {}", names(model, h.to.iter().map(|f| f.as_str())));
        }
        if let Some(when) = &h.when {
            let _ = write!(line, " — alleen als {}", condition_inline(model, when));
        }
        let _ = writeln!(s, "{line}");
    }
    for m in marks(
        t.lezing.as_ref(),
        t.productkeuze.as_deref(),
        t.lokaal.as_deref(),
    ) {
        let _ = writeln!(s, "- *{m}*");
    }
    for a in &t.werkafspraken {
        if let Some((_, agreement)) = model.agreement_str(a.as_str()) {
            let _ = writeln!(s, "- Werkafspraak: {}", one_line(&agreement.title));
        }
    }
    if let Some(note) = &t.note {
        let _ = writeln!(s, "- Toelichting: {}", one_line(note));
    }
    if let Some(src) = &t.source {
        let _ = writeln!(s, "- Bron: {}", one_line(src));
    }
    let _ = writeln!(s);
}
