//! The klantreis report as text.

use std::fmt::Write;

use ave_engine::ids::PersonId;
use ave_engine::klantreis::{Expect, GapKind, Outcome, Report};
use ave_model::ValidModel;

use crate::view::{attention, condition, gap, prescribed, proposal, regie_flag};
use crate::{Lang, describe, role};

/// A date, with the time only when it is not midnight.
fn when(at: chrono::DateTime<chrono::Utc>) -> String {
    if at.time() == chrono::NaiveTime::MIN {
        at.format("%Y-%m-%d").to_string()
    } else {
        at.format("%Y-%m-%d %H:%M").to_string()
    }
}

fn gap_heading(kind: GapKind, lang: Lang) -> &'static str {
    match kind {
        GapKind::UnknownFunction => lang.pick(
            "functie onbekend in het model",
            "function unknown in the model",
        ),
        GapKind::RoleNobodyCanFill => {
            lang.pick("rol die niemand kan vervullen", "role nobody can fill")
        }
        GapKind::RoleOpenInModel => {
            lang.pick("rol die het model openlaat", "role the model leaves open")
        }
        GapKind::TransitionNobodyMayDecide => lang.pick(
            "overgang waarover niemand mag besluiten",
            "transition nobody may decide",
        ),
        GapKind::MissingWerkafspraak => lang.pick("werkafspraak ontbreekt", "werkafspraak missing"),
        GapKind::PastNorm => lang.pick("termijn overschreden", "norm exceeded"),
    }
}

fn expect(e: Expect, lang: Lang) -> String {
    match e {
        Expect::Allowed => lang.pick("toegestaan", "allowed").to_owned(),
        Expect::Rejected(None) => lang.pick("geweigerd", "refused").to_owned(),
        Expect::Rejected(Some(code)) => format!("{} [{code}]", lang.pick("geweigerd", "refused")),
    }
}

/// The report as readable text.
pub fn report_text(model: &ValidModel, report: &Report, lang: Lang) -> String {
    let id = |p: &PersonId| p.to_string();
    let person = |p: &PersonId| {
        report.person(p).map_or_else(
            || p.to_string(),
            |p| format!("{} ({})", p.name, model.function_name(&p.function)),
        )
    };
    let name = |p: &PersonId| {
        report
            .person(p)
            .map_or_else(|| p.to_string(), |p| p.name.clone())
    };
    let mut s = String::new();
    let _ = writeln!(
        s,
        "{}: {}",
        lang.pick("Klantreis", "Customer journey"),
        report.title
    );
    let _ = writeln!(
        s,
        "Model: {} ({} {})",
        report.model,
        lang.pick("versie", "version"),
        report.model_version
    );
    let _ = writeln!(s, "\n{}", lang.pick("Stappen", "Steps"));
    for step in &report.steps {
        let mark = match (&step.expected, step.met) {
            (None, _) => "",
            (Some(_), true) => lang.pick("  ✓ zoals verwacht", "  ✓ as expected"),
            (Some(_), false) => lang.pick("  ✗ NIET ZOALS VERWACHT", "  ✗ NOT AS EXPECTED"),
        };
        let mark = match (step.expected.is_some() || !step.checks.is_empty(), step.met) {
            (false, _) => mark,
            (true, true) => lang.pick("  ✓ zoals verwacht", "  ✓ as expected"),
            (true, false) => lang.pick("  ✗ NIET ZOALS VERWACHT", "  ✗ NOT AS EXPECTED"),
        };
        match (&step.outcome, &step.by, step.command) {
            (Outcome::Checked, _, _) | (_, None, _) | (_, _, None) => {
                let _ = writeln!(
                    s,
                    "{:>3}. {} {}{mark}",
                    step.n,
                    when(step.at),
                    lang.pick("controle", "check")
                );
            }
            (outcome, Some(by), Some(command)) => {
                let verdict = match outcome {
                    Outcome::Rejected { rejection } => {
                        format!("{} [{}]", lang.pick("geweigerd", "refused"), rejection.code)
                    }
                    _ => lang.pick("toegestaan", "allowed").to_owned(),
                };
                let _ = writeln!(
                    s,
                    "{:>3}. {} {} — {command}: {verdict}{mark}",
                    step.n,
                    when(step.at),
                    person(by),
                );
            }
        }
        if let Some(note) = &step.note {
            let _ = writeln!(s, "       ({note})");
        }
        match &step.outcome {
            Outcome::Checked => {}
            Outcome::Allowed { events } => {
                for e in events {
                    let _ = writeln!(s, "       → {}", describe(model, lang, e, &id));
                }
            }
            Outcome::Rejected { rejection } => {
                let _ = writeln!(s, "       ✗ {}", rejection.message);
                if let Some(c) = &rejection.condition {
                    let _ = writeln!(
                        s,
                        "         {}: {}",
                        lang.pick("voorwaarde", "condition"),
                        condition(model, c, lang)
                    );
                }
                if let Some(rule) = rejection.rule {
                    let _ = writeln!(s, "         {}: {rule}", lang.pick("regel", "rule"));
                }
                if let Some(source) = &rejection.citation {
                    let _ = writeln!(s, "         {}: {source}", lang.pick("bron", "source"));
                }
            }
        }
        for c in &step.checks {
            let mark = if c.met { "✓" } else { "✗" };
            if c.met {
                let _ = writeln!(s, "       {mark} {}: {}", c.check, c.found);
            } else {
                let _ = writeln!(
                    s,
                    "       {mark} {}: {} {}, {} {}",
                    c.check,
                    lang.pick("verwacht", "expected"),
                    c.expected,
                    lang.pick("gevonden", "found"),
                    c.found
                );
            }
        }
        if let (Some(expected), false) = (step.expected, step.met) {
            let _ = writeln!(
                s,
                "       {}: {}",
                lang.pick("verwacht", "expected"),
                expect(expected, lang)
            );
        }
    }
    let _ = writeln!(s, "\n{}", lang.pick("Tijdlijn", "Timeline"));
    for r in &report.timeline {
        let _ = writeln!(
            s,
            "  {} #{:<3} {}",
            r.at.format("%Y-%m-%d"),
            r.seq,
            describe(model, lang, r, &id)
        );
    }
    let _ = writeln!(s, "\n{}", lang.pick("Hiaten", "Gaps"));
    if report.gaps.is_empty() {
        let _ = writeln!(s, "  {}", lang.pick("geen", "none"));
    }
    for g in &report.gaps {
        let _ = writeln!(
            s,
            "  - {} — {}",
            gap_heading(g.kind(), lang),
            gap(model, g, lang, &name)
        );
    }
    for (kind, met) in &report.expected_gaps {
        let mark = if *met {
            lang.pick("✓ zoals verwacht", "✓ as expected")
        } else {
            lang.pick("✗ NIET GEVONDEN", "✗ NOT FOUND")
        };
        let _ = writeln!(
            s,
            "  {}: {} — {mark}",
            lang.pick("verwacht hiaat", "expected gap"),
            gap_heading(*kind, lang)
        );
    }
    if !report.grondslagen.is_empty() {
        let _ = writeln!(
            s,
            "\n{}",
            lang.pick("Grondslag per fase", "Legal basis per phase")
        );
        for (p, g) in &report.grondslagen {
            let text = match g {
                None => lang
                    .pick("niet vastgelegd in het model", "not set in the model")
                    .to_owned(),
                Some(g) if g.open.is_some() => format!(
                    "{} ({})",
                    lang.pick("open in het model", "open in the model"),
                    g.open.as_deref().unwrap_or_default()
                ),
                Some(g) => format!(
                    "{} · {}: {}",
                    g.basis.as_deref().unwrap_or("—"),
                    lang.pick("verwerkingsverantwoordelijke", "controller"),
                    g.verwerkingsverantwoordelijke.as_deref().unwrap_or("—")
                ),
            };
            let _ = writeln!(s, "  {} {p}: {text}", lang.pick("fase", "phase"));
        }
    }
    let _ = writeln!(s, "\n{}", lang.pick("Eindstand", "End state"));
    match &report.end {
        Some(end) => {
            match &end.closed {
                Some(c) => {
                    let _ = writeln!(
                        s,
                        "  {} {}: {}",
                        lang.pick("casus gesloten in fase", "case closed in phase"),
                        end.phase,
                        c.reason
                    );
                }
                None => {
                    let _ = writeln!(s, "  {} {}", lang.pick("fase", "phase"), end.phase);
                }
            }
            if end.closed.is_none() {
                for row in &end.regie {
                    let holders: Vec<String> =
                        row.holders.iter().map(|h| person(&h.person)).collect();
                    let who = if holders.is_empty() {
                        "—".to_owned()
                    } else {
                        holders.join(", ")
                    };
                    let flags = if row.flags.is_empty() {
                        String::new()
                    } else {
                        let f: Vec<String> = row
                            .flags
                            .iter()
                            .map(|f| regie_flag(f, lang, &name))
                            .collect();
                        format!("  [{}]", f.join(", "))
                    };
                    let _ = writeln!(s, "  {:<30} {who}{flags}", role(row.role, lang));
                    let _ = writeln!(
                        s,
                        "  {:<30} model: {}",
                        "",
                        prescribed(model, &row.prescribed, lang)
                    );
                }
                for a in &end.attention {
                    let _ = writeln!(
                        s,
                        "  {}: {}",
                        lang.pick("aandacht", "attention"),
                        attention(model, a, lang, &name)
                    );
                }
                for p in &end.proposals {
                    let _ = writeln!(
                        s,
                        "  {}: {}",
                        lang.pick("voorstel", "proposal"),
                        proposal(model, p, lang)
                    );
                }
            }
        }
        None => {
            let _ = writeln!(s, "  {}", lang.pick("geen casus geopend", "no case opened"));
        }
    }
    let _ = writeln!(
        s,
        "\n{}: {} {} {} {}",
        lang.pick("Verwachtingen", "Expectations"),
        report.expectations - report.unmet.min(report.expectations),
        lang.pick("van", "of"),
        report.expectations,
        lang.pick("uitgekomen", "met")
    );
    s
}
