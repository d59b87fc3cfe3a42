//! `ave`: the one binary of AVE-regie.
#![forbid(unsafe_code)]

mod klantreis_cmd;
mod loader;
mod model_cmd;

use std::process::ExitCode;

use clap::{Parser, Subcommand, ValueEnum};

/// AVE-regie: het lokale AVE-model uitvoerbaar maken.
#[derive(Debug, Parser)]
#[command(name = "ave", version, about, long_about = None)]
pub struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Lokale AVE-modellen: bekijken, controleren, vergelijken, aanmaken.
    #[command(subcommand)]
    Model(model_cmd::ModelCommand),
    /// Loop een fictieve casus door een lokaal model en toon de hiaten.
    Klantreis(klantreis_cmd::KlantreisArgs),
}

/// Output formats shared by the subcommands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum Format {
    /// Readable text.
    Text,
    /// JSON, for scripts.
    Json,
    /// Markdown (the phase poster, or a comparison table).
    Markdown,
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    let result = match cli.command {
        Command::Model(cmd) => model_cmd::run(cmd),
        Command::Klantreis(args) => klantreis_cmd::run(args),
    };
    match result {
        Ok(code) => code,
        // A reader that stops early (`ave model show … | head`) is not an error.
        Err(e)
            if e.downcast_ref::<std::io::Error>()
                .is_some_and(|io| io.kind() == std::io::ErrorKind::BrokenPipe) =>
        {
            ExitCode::SUCCESS
        }
        Err(e) => {
            eprintln!("fout: {e:#}");
            ExitCode::from(2)
        }
    }
}

#[cfg(test)]
mod tests {
    use clap::CommandFactory;

    #[test]
    fn command_line_definition_is_consistent() {
        super::Cli::command().debug_assert();
    }
}
