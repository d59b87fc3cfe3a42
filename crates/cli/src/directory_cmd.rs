//! `ave organisatie …` and `ave persoon …`: the directory of who works here, for the first
//! administrator and for scripts (afterwards administrators also use the API).

use std::process::ExitCode;

use anyhow::{Result, bail};
use ave_store::identity::{Membership, Organisation, Person, PersonWrite};
use clap::{Args, Subcommand};

use crate::config::DatabaseArgs;
use crate::db_cmd::{open, runtime};
use crate::operator;

/// `ave organisatie …`
#[derive(Debug, Subcommand)]
pub enum OrganisationCommand {
    /// Leg een organisatie vast (of wijzig haar naam).
    Maak(OrganisationArgs),
    /// Toon de organisaties.
    Lijst(ListArgs),
}

/// `ave persoon …`
#[derive(Debug, Subcommand)]
pub enum PersonCommand {
    /// Leg een persoon vast met zijn functies (vervangt wat er stond).
    Maak(PersonArgs),
    /// Toon de personen met hun functies.
    Lijst(ListArgs),
}

/// `ave organisatie maak`
#[derive(Debug, Args)]
pub struct OrganisationArgs {
    /// De id: kleine letters, cijfers en streepjes (bijvoorbeeld gemeente-oss).
    #[arg(long, value_name = "ID")]
    id: String,
    /// De naam.
    #[arg(long = "naam", value_name = "NAAM")]
    name: String,
    #[command(flatten)]
    db: DatabaseArgs,
}

/// `ave persoon maak`
#[derive(Debug, Args)]
pub struct PersonArgs {
    /// De id (pseudoniem): kleine letters, cijfers en streepjes.
    #[arg(long, value_name = "ID")]
    id: String,
    /// De werknaam.
    #[arg(long = "naam", value_name = "NAAM")]
    name: String,
    /// Een functie: ORGANISATIE:FUNCTIE of ORGANISATIE:FUNCTIE@GEMEENTE (herhaalbaar).
    #[arg(long = "functie", value_name = "ORG:FUNCTIE[@GEMEENTE]")]
    functions: Vec<String>,
    /// Beheerder: beheert modellen, organisaties en accounts en ziet geen casussen.
    #[arg(long = "beheerder")]
    admin: bool,
    /// Functionaris gegevensbescherming: beantwoordt inzageverzoeken, beoordeelt noodtoegang.
    #[arg(long = "fg")]
    privacy: bool,
    /// Kan niet (meer) aanmelden.
    #[arg(long = "inactief")]
    inactive: bool,
    /// Het e-mailadres voor berichten over nieuwe meldingen (alleen een link, geen inhoud).
    #[arg(long = "email", value_name = "ADRES")]
    email: Option<String>,
    #[command(flatten)]
    db: DatabaseArgs,
}

/// `… lijst`
#[derive(Debug, Args)]
pub struct ListArgs {
    #[command(flatten)]
    db: DatabaseArgs,
}

/// Checks an id and a name before anything is opened.
fn check(id: &str, name: &str) -> Result<()> {
    let valid = (1..=64).contains(&id.len())
        && id
            .bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-');
    if !valid {
        bail!("--id {id:?}: kleine letters, cijfers en streepjes, 1 tot 64 tekens");
    }
    if name.trim().is_empty() {
        bail!("--naam mag niet leeg zijn");
    }
    Ok(())
}

/// A membership from `ORG:FUNCTIE[@GEMEENTE]`.
fn membership(text: &str) -> Result<Membership> {
    let (org, rest) = text
        .split_once(':')
        .filter(|(o, f)| !o.is_empty() && !f.is_empty())
        .ok_or_else(|| {
            anyhow::anyhow!(
                "--functie {text:?}: schrijf ORGANISATIE:FUNCTIE of ORGANISATIE:FUNCTIE@GEMEENTE"
            )
        })?;
    let (function, gemeente) = match rest.split_once('@') {
        Some((f, g)) if !g.is_empty() => (f, Some(g.to_owned())),
        Some(_) => bail!("--functie {text:?}: na @ hoort de naam van de gemeente"),
        None => (rest, None),
    };
    Ok(Membership {
        organisation: org.to_owned(),
        gemeente,
        function: function.to_owned(),
    })
}

/// Runs `ave organisatie …`.
pub fn run_organisation(cmd: OrganisationCommand, verbose: bool) -> Result<ExitCode> {
    match cmd {
        OrganisationCommand::Maak(args) => {
            check(&args.id, &args.name)?;
            runtime()?.block_on(async {
                let (store, _) = open(&args.db, verbose).await?;
                let entry = operator::entry("beheer", format!("organisatie/{}", args.id));
                let result = store
                    .put_organisation(
                        &Organisation {
                            id: args.id.clone(),
                            name: args.name.trim().to_owned(),
                        },
                        Some(&entry),
                    )
                    .await;
                if result.is_ok() {
                    operator::settle(&store).await;
                }
                store.close().await;
                result.map_err(|e| anyhow::anyhow!("niet vastgelegd: {e}"))?;
                println!("organisatie {} vastgelegd", args.id);
                Ok(ExitCode::SUCCESS)
            })
        }
        OrganisationCommand::Lijst(args) => runtime()?.block_on(async {
            let (store, _) = open(&args.db, verbose).await?;
            let result = store.organisations().await;
            store.close().await;
            for o in result.map_err(|e| anyhow::anyhow!("niet te lezen: {e}"))? {
                println!("{}\t{}", o.id, o.name);
            }
            Ok(ExitCode::SUCCESS)
        }),
    }
}

/// Runs `ave persoon …`.
pub fn run_person(cmd: PersonCommand, verbose: bool) -> Result<ExitCode> {
    match cmd {
        PersonCommand::Maak(args) => {
            check(&args.id, &args.name)?;
            // Checked before anything is written.
            let email = args
                .email
                .as_deref()
                .map(ave_store::notifications::Email::parse)
                .transpose()
                .map_err(|e| anyhow::anyhow!("--email: {e}"))?;
            let memberships = args
                .functions
                .iter()
                .map(|f| membership(f))
                .collect::<Result<Vec<_>>>()?;
            let person = Person {
                id: args.id.clone(),
                name: args.name.trim().to_owned(),
                admin: args.admin,
                privacy: args.privacy,
                active: !args.inactive,
                memberships,
            };
            runtime()?.block_on(async {
                let (store, _) = open(&args.db, verbose).await?;
                // The person, the address, the end of their sessions (what they may do
                // changed) and the audit entry: one transaction.
                let entry = operator::entry("beheer", format!("persoon/{}", person.id));
                let with = PersonWrite {
                    email: email.as_ref().map(Some),
                    audit: Some(&entry),
                };
                let result = store.put_person(&person, with).await;
                if result.is_ok() {
                    operator::settle(&store).await;
                }
                store.close().await;
                result.map_err(|e| anyhow::anyhow!("niet vastgelegd: {e}"))?;
                println!(
                    "persoon {} vastgelegd met {} functie(s){}{}",
                    person.id,
                    person.memberships.len(),
                    if person.admin { ", beheerder" } else { "" },
                    if person.privacy {
                        ", functionaris gegevensbescherming"
                    } else {
                        ""
                    }
                );
                Ok(ExitCode::SUCCESS)
            })
        }
        PersonCommand::Lijst(args) => runtime()?.block_on(async {
            let (store, _) = open(&args.db, verbose).await?;
            let result = store.persons().await;
            store.close().await;
            for p in result.map_err(|e| anyhow::anyhow!("niet te lezen: {e}"))? {
                let functions: Vec<String> = p
                    .memberships
                    .iter()
                    .map(|m| match &m.gemeente {
                        Some(g) => format!("{}:{}@{g}", m.organisation, m.function),
                        None => format!("{}:{}", m.organisation, m.function),
                    })
                    .collect();
                let mut marks = Vec::new();
                if p.admin {
                    marks.push("beheerder");
                }
                if p.privacy {
                    marks.push("fg");
                }
                if !p.active {
                    marks.push("inactief");
                }
                println!(
                    "{}\t{}\t{}\t{}",
                    p.id,
                    p.name,
                    functions.join(" "),
                    marks.join(",")
                );
            }
            Ok(ExitCode::SUCCESS)
        }),
    }
}
