//! The command line in Dutch. clap writes its own texts in English ("Usage:", "Options:",
//! "Print help", "error: unexpected argument …"); `ave` is for Dutch policy staff and
//! professionals, so this module rebuilds clap's command with Dutch headings, usage lines
//! and help flags, and words every clap error anew. clap's own text is never shown.

use std::process::ExitCode;

use clap::error::{ContextKind, ContextValue, ErrorKind};
use clap::{Arg, ArgAction, Command, CommandFactory};

/// The layout of every help page.
const TEMPLATE: &str = "{about-with-newline}\nGebruik: {usage}\n\n{all-args}{after-help}";

/// The `ave` command with every text in Dutch.
pub fn command() -> Command {
    let mut cmd = localise(crate::Cli::command(), true);
    cmd.build();
    with_usage(&mut cmd);
    cmd
}

/// Dutch headings and help flags, recursively; before `build`, so clap adds no English
/// flags of its own.
fn localise(cmd: Command, root: bool) -> Command {
    let mut cmd = cmd
        .help_template(TEMPLATE)
        .subcommand_help_heading("Opdrachten")
        .subcommand_value_name("OPDRACHT")
        .disable_help_subcommand(true)
        .disable_help_flag(true)
        .disable_version_flag(true)
        .arg(
            Arg::new("help")
                .short('h')
                .long("help")
                .action(ArgAction::Help)
                .help("Toon deze hulp"),
        );
    if root {
        cmd = cmd.arg(
            Arg::new("version")
                .short('V')
                .long("version")
                .action(ArgAction::Version)
                .help("Toon de versie"),
        );
    }
    cmd.mut_args(|a| {
        let heading = if a.is_positional() {
            "Argumenten"
        } else {
            "Opties"
        };
        a.help_heading(heading)
    })
    .mut_subcommands(|sub| localise(sub, false))
}

/// Usage lines with `[OPTIES]` instead of `[OPTIONS]`, recursively; after `build`, when
/// clap knows each subcommand's full name (`ave model check`).
fn with_usage(cmd: &mut Command) {
    let usage = cmd.render_usage().to_string();
    let usage = usage
        .trim_start_matches("Usage:")
        .trim()
        .replace("[OPTIONS]", "[OPTIES]");
    *cmd = std::mem::take(cmd).override_usage(usage);
    for sub in cmd.get_subcommands_mut() {
        with_usage(sub);
    }
}

fn context(e: &clap::Error, kind: ContextKind) -> Option<String> {
    match e.get(kind)? {
        ContextValue::String(s) => Some(s.clone()),
        ContextValue::Strings(v) => Some(v.join(", ")),
        ContextValue::StyledStr(s) => Some(s.to_string()),
        ContextValue::StyledStrs(v) => Some(
            v.iter()
                .map(ToString::to_string)
                .collect::<Vec<_>>()
                .join(", "),
        ),
        ContextValue::Number(n) => Some(n.to_string()),
        ContextValue::Bool(b) => Some(b.to_string()),
        _ => None,
    }
}

/// A clap error in Dutch: what is wrong, a suggestion if clap has one, the usage line and
/// where to find more.
pub fn message(e: &clap::Error) -> String {
    let arg = context(e, ContextKind::InvalidArg).unwrap_or_default();
    let value = context(e, ContextKind::InvalidValue).unwrap_or_default();
    let mut s = match e.kind() {
        ErrorKind::InvalidValue => {
            let valid = context(e, ContextKind::ValidValue)
                .map(|v| format!("; mogelijk: {v}"))
                .unwrap_or_default();
            if value.is_empty() {
                format!("{arg} verwacht een waarde{valid}")
            } else {
                format!("ongeldige waarde '{value}' voor {arg}{valid}")
            }
        }
        ErrorKind::UnknownArgument => format!("onverwacht argument '{arg}'"),
        ErrorKind::InvalidSubcommand => {
            let sub = context(e, ContextKind::InvalidSubcommand).unwrap_or_default();
            format!("onbekende opdracht '{sub}'")
        }
        ErrorKind::NoEquals => format!("{arg} verwacht een waarde na '='"),
        ErrorKind::ValueValidation => format!("ongeldige waarde '{value}' voor {arg}"),
        ErrorKind::TooManyValues | ErrorKind::TooFewValues | ErrorKind::WrongNumberOfValues => {
            format!("verkeerd aantal waarden voor {arg}")
        }
        ErrorKind::ArgumentConflict => {
            let prior = context(e, ContextKind::PriorArg).unwrap_or_default();
            format!("{arg} gaat niet samen met {prior}")
        }
        ErrorKind::MissingRequiredArgument => {
            format!("verplicht argument ontbreekt: {arg}")
        }
        ErrorKind::MissingSubcommand | ErrorKind::DisplayHelpOnMissingArgumentOrSubcommand => {
            "geef een opdracht".to_owned()
        }
        ErrorKind::InvalidUtf8 => "een argument is geen geldige UTF-8-tekst".to_owned(),
        _ => "de opdracht is niet goed gegeven".to_owned(),
    };
    let suggested = [
        ContextKind::SuggestedArg,
        ContextKind::SuggestedSubcommand,
        ContextKind::SuggestedValue,
    ]
    .into_iter()
    .find_map(|kind| match e.get(kind)? {
        ContextValue::String(s) => Some(vec![s.clone()]),
        ContextValue::Strings(v) => Some(v.clone()),
        ContextValue::StyledStr(s) => Some(vec![s.to_string()]),
        _ => None,
    });
    if let Some(suggested) = suggested.filter(|v| !v.is_empty()) {
        let quoted: Vec<String> = suggested.iter().map(|s| format!("'{s}'")).collect();
        s.push_str(&format!(". Bedoelt u {}?", quoted.join(" of ")));
    }
    let mut out = format!("fout: {s}\n");
    if let Some(usage) = context(e, ContextKind::Usage) {
        let usage = usage.trim().trim_start_matches("Usage:").trim();
        out.push_str(&format!("\nGebruik: {usage}\n"));
        let command: String = usage
            .split_whitespace()
            .take_while(|w| !w.starts_with('[') && !w.starts_with('<'))
            .collect::<Vec<_>>()
            .join(" ");
        out.push_str(&format!("\nMeer informatie: {command} --help\n"));
    }
    out
}

/// Shows help or version (exit 0), or the Dutch error (exit 2).
pub fn exit(e: &clap::Error) -> ExitCode {
    match e.kind() {
        // Help and version are our own Dutch texts; clap prints them where they belong
        // (help asked for on stdout, help for a missing command on stderr).
        ErrorKind::DisplayHelp | ErrorKind::DisplayVersion => {
            let _ = e.print();
            ExitCode::SUCCESS
        }
        ErrorKind::DisplayHelpOnMissingArgumentOrSubcommand => {
            let _ = e.print();
            ExitCode::from(2)
        }
        _ => {
            eprint!("{}", message(e));
            ExitCode::from(2)
        }
    }
}
