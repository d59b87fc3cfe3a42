//! Small pieces of output shared by the commands: counts with the right singular or plural,
//! and diagnostics with or without the library text behind them.

use std::io::Write;

use ave_model::Diagnostic;

/// "1 fout", "2 fouten", "0 fouten".
pub fn count(n: usize, one: &str, many: &str) -> String {
    format!("{n} {}", if n == 1 { one } else { many })
}

/// Writes one diagnostic, indented, with its library text underneath under `--verbose`.
pub fn diagnostic(out: &mut impl Write, d: &Diagnostic, verbose: bool) -> std::io::Result<()> {
    writeln!(out, "  {d}")?;
    if verbose && let Some(detail) = &d.detail {
        writeln!(out, "    technisch: {detail}")?;
    }
    Ok(())
}

/// Diagnostics as scripts get them: the library text only under `--verbose`.
pub fn for_json(diagnostics: &[Diagnostic], verbose: bool) -> Vec<Diagnostic> {
    diagnostics
        .iter()
        .map(|d| {
            let mut d = d.clone();
            if !verbose {
                d.detail = None;
            }
            d
        })
        .collect()
}

#[cfg(test)]
mod tests {
    #[test]
    fn one_is_singular_and_everything_else_plural() {
        assert_eq!(super::count(0, "fout", "fouten"), "0 fouten");
        assert_eq!(super::count(1, "fout", "fouten"), "1 fout");
        assert_eq!(
            super::count(2, "waarschuwing", "waarschuwingen"),
            "2 waarschuwingen"
        );
    }
}
