//! The klantreis report as text.

use std::fmt::Write;

use super::{GapKind, Outcome, Report};

/// A date, with the time only when it is not midnight.
fn when(at: chrono::DateTime<chrono::Utc>) -> String {
    if at.time() == chrono::NaiveTime::MIN {
        at.format("%Y-%m-%d").to_string()
    } else {
        at.format("%Y-%m-%d %H:%M").to_string()
    }
}

fn gap_heading(kind: GapKind) -> &'static str {
    match kind {
        GapKind::UnknownFunction => "functie onbekend in het model",
        GapKind::RoleNobodyCanFill => "rol die niemand kan vervullen",
        GapKind::RoleOpenInModel => "rol die het model openlaat",
        GapKind::TransitionNobodyMayDecide => "overgang waarover niemand mag besluiten",
        GapKind::MissingWerkafspraak => "werkafspraak ontbreekt",
        GapKind::PastNorm => "termijn overschreden",
    }
}

impl Report {
    /// The report as readable text.
    pub fn text(&self) -> String {
        let mut s = String::new();
        let _ = writeln!(s, "Klantreis: {}", self.title);
        let _ = writeln!(s, "Model: {} (versie {})", self.model, self.model_version);
        let _ = writeln!(s, "\nStappen");
        for step in &self.steps {
            let mark = match (&step.expected, step.met) {
                (None, _) => "",
                (Some(_), true) => "  ✓ zoals verwacht",
                (Some(_), false) => "  ✗ NIET ZOALS VERWACHT",
            };
            let verdict = match &step.outcome {
                Outcome::Allowed { .. } => "toegestaan".to_owned(),
                Outcome::Rejected { code, .. } => format!("geweigerd [{code}]"),
            };
            let _ = writeln!(
                s,
                "{:>3}. {} {} — {}: {verdict}{mark}",
                step.n,
                when(step.at),
                step.by,
                step.command
            );
            if let Some(note) = &step.note {
                let _ = writeln!(s, "       ({note})");
            }
            match &step.outcome {
                Outcome::Allowed { events } => {
                    for e in events {
                        let _ = writeln!(s, "       → {e}");
                    }
                }
                Outcome::Rejected {
                    message,
                    rule,
                    source,
                    ..
                } => {
                    let _ = writeln!(s, "       ✗ {message}");
                    if let Some(rule) = rule {
                        let _ = writeln!(s, "         regel: {rule}");
                    }
                    if let Some(source) = source {
                        let _ = writeln!(s, "         bron: {source}");
                    }
                }
            }
            if let (Some(expected), false) = (&step.expected, step.met) {
                let _ = writeln!(s, "       verwacht: {expected}");
            }
        }
        let _ = writeln!(s, "\nTijdlijn");
        for t in &self.timeline {
            let _ = writeln!(s, "  {} #{:<3} {}", t.at.format("%Y-%m-%d"), t.seq, t.text);
        }
        let _ = writeln!(s, "\nHiaten");
        if self.gaps.is_empty() {
            let _ = writeln!(s, "  geen");
        }
        for g in &self.gaps {
            let phase = g
                .phase
                .as_deref()
                .map(|p| format!("fase {p}: "))
                .unwrap_or_default();
            let _ = writeln!(s, "  - {} — {phase}{}", gap_heading(g.kind), g.message);
        }
        for (kind, met) in &self.expected_gaps {
            let mark = if *met {
                "✓ zoals verwacht"
            } else {
                "✗ NIET GEVONDEN"
            };
            let _ = writeln!(s, "  verwacht hiaat: {} — {mark}", gap_heading(*kind));
        }
        let _ = writeln!(s, "\nEindstand");
        match (&self.end.phase, &self.end.closed) {
            (Some(p), Some(reason)) => {
                let _ = writeln!(s, "  casus gesloten in fase {p}: {reason}");
            }
            (Some(p), None) => {
                let _ = writeln!(s, "  fase {p}");
            }
            _ => {
                let _ = writeln!(s, "  geen casus geopend");
            }
        }
        if self.end.closed.is_none() {
            for row in &self.end.regie {
                let holders: Vec<String> = row
                    .holders
                    .iter()
                    .map(|h| format!("{} ({})", h.name, h.function))
                    .collect();
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
                        .map(|f| {
                            serde_json::to_value(f).map_or_else(
                                |_| String::new(),
                                |v| match v {
                                    serde_json::Value::String(s) => s,
                                    serde_json::Value::Object(o) => {
                                        o.keys().cloned().collect::<Vec<_>>().join(",")
                                    }
                                    other => other.to_string(),
                                },
                            )
                        })
                        .collect();
                    format!("  [{}]", f.join(", "))
                };
                let _ = writeln!(s, "  {:<30} {who}{flags}", row.role.label());
                let _ = writeln!(s, "  {:<30} model: {}", "", row.prescribed);
            }
            for a in &self.end.attention {
                let _ = writeln!(s, "  aandacht: {}", a.message);
            }
            for p in &self.end.proposals {
                let _ = writeln!(s, "  voorstel: {} — {}", p.title, p.explanation);
            }
        }
        let _ = writeln!(
            s,
            "\nVerwachtingen: {} van {} uitgekomen",
            self.expectations - self.unmet.min(self.expectations),
            self.expectations
        );
        s
    }
}
