//! `ave account …`: the accounts of people in the directory — local accounts (login name,
//! password and TOTP secret: `maak`, `wachtwoord`, `ontgrendel`, and `code` for the demo)
//! and personal API tokens for programs that call the API on someone's behalf.
//!
//! A password is read from standard input (`--wachtwoord-stdin`) or asked without echo on
//! a terminal; never from an argument, where other users and the shell history would see it.

use std::process::ExitCode;

use std::io::IsTerminal;

use anyhow::{Result, anyhow, bail};
use ave_server::auth::credentials;
use ave_store::Store;
use ave_store::accounts::Account;
use ave_store::identity::{ApiToken, token_hash};
use clap::{Args, Subcommand};

use crate::clock::now;
use crate::config::DatabaseArgs;
use crate::db_cmd::{open, runtime};
use crate::operator;

/// `ave account …`
#[derive(Debug, Subcommand)]
pub enum AccountCommand {
    /// Maak een persoonlijk API-token voor iemand uit de personenlijst; het token wordt één
    /// keer getoond (alleen een hash wordt bewaard).
    Token(TokenArgs),
    /// Trek iemands persoonlijke API-tokens met een bepaalde naam in (de naam van ave account
    /// token --naam); een draaiende server weigert ze binnen een halve seconde.
    Intrekken(IntrekkenArgs),
    /// Maak een lokaal account (gebruikersnaam, wachtwoord en tweede factor) voor iemand uit
    /// de personenlijst; toont het TOTP-geheim en een otpauth://-adres voor de
    /// authenticator-app.
    #[command(
        after_help = "Het wachtwoord komt van standaardinvoer (--wachtwoord-stdin) of wordt zonder echo gevraagd; minstens 12 tekens, zonder de gebruikersnaam. Elk lokaal account heeft een tweede factor (TOTP, 6 cijfers, 30 seconden)."
    )]
    Maak(MaakArgs),
    /// Hef de blokkade van een account op (na te veel mislukte pogingen) en vergeet de
    /// mislukte pogingen.
    Ontgrendel(LoginArgs),
    /// Geef een account een nieuw wachtwoord; alle sessies van die persoon eindigen.
    Wachtwoord(WachtwoordArgs),
    /// Toon de huidige TOTP-code van het opgeslagen geheim van een account. Alleen voor de
    /// demo en tests: wie het geheim en de database heeft, heeft de tweede factor.
    #[command(
        after_help = "Bedoeld voor de demo (ave serve --demo) en tests. Een echte gebruiker leest de code uit de authenticator-app."
    )]
    Code(LoginArgs),
}

/// `ave account maak`
#[derive(Debug, Args)]
pub struct MaakArgs {
    /// Voor wie (pseudoniem uit de personenlijst).
    #[arg(long = "persoon", value_name = "PERSOON")]
    person: String,
    /// De gebruikersnaam (3 tot 64 tekens: letters, cijfers, . - _ @; hoofdletters maken
    /// niet uit).
    #[arg(long = "gebruikersnaam", value_name = "NAAM")]
    login: String,
    /// Lees het wachtwoord van standaardinvoer (de eerste regel).
    #[arg(long = "wachtwoord-stdin")]
    password_stdin: bool,
    #[command(flatten)]
    db: DatabaseArgs,
}

/// An account named by its login name.
#[derive(Debug, Args)]
pub struct LoginArgs {
    /// De gebruikersnaam.
    #[arg(long = "gebruikersnaam", value_name = "NAAM")]
    login: String,
    #[command(flatten)]
    db: DatabaseArgs,
}

/// `ave account wachtwoord`
#[derive(Debug, Args)]
pub struct WachtwoordArgs {
    /// De gebruikersnaam.
    #[arg(long = "gebruikersnaam", value_name = "NAAM")]
    login: String,
    /// Lees het wachtwoord van standaardinvoer (de eerste regel).
    #[arg(long = "wachtwoord-stdin")]
    password_stdin: bool,
    #[command(flatten)]
    db: DatabaseArgs,
}

/// `ave account token`
#[derive(Debug, Args)]
pub struct TokenArgs {
    /// Voor wie (pseudoniem uit de personenlijst).
    #[arg(long = "persoon", value_name = "PERSOON")]
    person: String,
    /// Een naam voor het token (om het later in te trekken).
    #[arg(long = "naam", value_name = "NAAM", default_value = "api")]
    name: String,
    /// Na hoeveel dagen het vervalt (standaard 90).
    #[arg(long = "dagen", value_name = "DAGEN", default_value_t = 90)]
    days: u32,
    #[command(flatten)]
    db: DatabaseArgs,
}

/// `ave account intrekken`
#[derive(Debug, Args)]
pub struct IntrekkenArgs {
    /// Van wie (pseudoniem uit de personenlijst).
    #[arg(long = "persoon", value_name = "PERSOON")]
    person: String,
    /// De naam die het token bij het maken kreeg.
    #[arg(long = "naam", value_name = "NAAM")]
    name: String,
    #[command(flatten)]
    db: DatabaseArgs,
}

/// Runs `ave account …`.
pub fn run(cmd: AccountCommand, verbose: bool) -> Result<ExitCode> {
    match cmd {
        AccountCommand::Token(args) => token(args, verbose),
        AccountCommand::Intrekken(args) => revoke(args, verbose),
        AccountCommand::Maak(args) => make(args, verbose),
        AccountCommand::Ontgrendel(args) => unlock(args, verbose),
        AccountCommand::Wachtwoord(args) => password(args, verbose),
        AccountCommand::Code(args) => code(args, verbose),
    }
}

/// The password: the first line of standard input, or asked twice without echo on a
/// terminal.
fn read_password(from_stdin: bool) -> Result<String> {
    if from_stdin {
        let mut line = String::new();
        std::io::stdin()
            .read_line(&mut line)
            .map_err(|_| anyhow!("het wachtwoord is niet van standaardinvoer te lezen"))?;
        return Ok(line.trim_end_matches(['\n', '\r']).to_owned());
    }
    if !std::io::stdin().is_terminal() {
        bail!(
            "geef het wachtwoord op standaardinvoer met --wachtwoord-stdin (er is geen terminal om het te vragen)"
        );
    }
    let first = rpassword::prompt_password("Wachtwoord: ")
        .map_err(|_| anyhow!("het wachtwoord is niet te lezen"))?;
    let second = rpassword::prompt_password("Nog een keer: ")
        .map_err(|_| anyhow!("het wachtwoord is niet te lezen"))?;
    if first != second {
        bail!("de twee wachtwoorden verschillen; er is niets gewijzigd");
    }
    Ok(first)
}

/// A password that meets the rules, hashed; or why not (Dutch).
fn checked_hash(password: &str, login: &str) -> Result<String> {
    if let Some(problem) = credentials::password_problem(password, login) {
        bail!("{problem}; er is niets gewijzigd");
    }
    credentials::hash_password(password).map_err(|e| anyhow!("{e}; er is niets gewijzigd"))
}

/// Makes a local account for `person` named `login` with `password_hash` and a fresh TOTP
/// secret; the secret. Refused (nothing written) when the person is not in the directory or
/// inactive, has an account, or the name is taken.
pub(crate) async fn create_account(
    store: &Store,
    person: &str,
    login: &str,
    password_hash: String,
) -> Result<String> {
    if let Some(problem) = credentials::login_problem(login) {
        bail!("{problem}");
    }
    let Some(found) = store.person(person).await? else {
        bail!("{person} staat niet in de personenlijst");
    };
    if !found.active {
        bail!("{person} is niet actief in de personenlijst");
    }
    let secret = credentials::new_totp_secret()?;
    store
        .create_account(
            &Account {
                person: person.to_owned(),
                login: login.to_owned(),
                password_hash,
                totp_secret: secret.clone(),
                totp_last_step: None,
                failed_count: 0,
                locked_until: None,
                created_at: now(),
            },
            Some(&operator::entry(
                "account-maken",
                format!("account/{person}"),
            )),
        )
        .await?;
    operator::settle(store).await;
    Ok(secret)
}

fn make(args: MaakArgs, verbose: bool) -> Result<ExitCode> {
    if let Some(problem) = credentials::login_problem(&args.login) {
        bail!("{problem}; er is niets gewijzigd");
    }
    let password = read_password(args.password_stdin)?;
    let hash = checked_hash(&password, &args.login)?;
    let login = ave_store::accounts::normalise_login(&args.login);
    runtime()?.block_on(async {
        let (store, _) = open(&args.db, verbose).await?;
        let result = create_account(&store, &args.person, &login, hash).await;
        store.close().await;
        let secret = result.map_err(|e| anyhow!("er is geen account gemaakt: {e}"))?;
        println!("account {login} gemaakt voor {}", args.person);
        println!("TOTP-geheim: {secret}");
        println!("{}", credentials::totp_uri(&secret, &login));
        eprintln!(
            "Zet het geheim in de authenticator-app (of maak van het otpauth://-adres een QR-code); het wordt niet opnieuw getoond. Aanmelden: gebruikersnaam, wachtwoord en de code van zes cijfers uit de app."
        );
        Ok(ExitCode::SUCCESS)
    })
}

/// Runs `f` on the account named `login`; an unknown name is an error.
fn with_account<T>(
    db: &DatabaseArgs,
    verbose: bool,
    login: &str,
    f: impl AsyncFnOnce(&Store, Account) -> Result<T>,
) -> Result<T> {
    runtime()?.block_on(async {
        let (store, _) = open(db, verbose).await?;
        let result = match store.account_by_login(login).await {
            Ok(Some(account)) => f(&store, account).await,
            Ok(None) => Err(anyhow!("er is geen account met deze gebruikersnaam")),
            Err(e) => Err(e.into()),
        };
        store.close().await;
        result
    })
}

fn unlock(args: LoginArgs, verbose: bool) -> Result<ExitCode> {
    with_account(&args.db, verbose, &args.login, async |store, account| {
        let entry = operator::entry(
            "account-ontgrendelen",
            format!("account/{}", account.person),
        );
        if !store.unlock_account(&account.login, Some(&entry)).await? {
            bail!("er is geen account met deze gebruikersnaam");
        }
        operator::settle(store).await;
        println!(
            "account {} ontgrendeld; de mislukte pogingen zijn vergeten",
            account.login
        );
        Ok(ExitCode::SUCCESS)
    })
}

fn password(args: WachtwoordArgs, verbose: bool) -> Result<ExitCode> {
    let password = read_password(args.password_stdin)?;
    let hash = checked_hash(&password, &args.login)?;
    with_account(&args.db, verbose, &args.login, async |store, account| {
        let entry = operator::entry("wachtwoord-wijzigen", format!("account/{}", account.person));
        let Some(ended) = store
            .set_password_hash(&account.login, &hash, Some(&entry))
            .await?
        else {
            bail!("er is geen account met deze gebruikersnaam");
        };
        operator::settle(store).await;
        println!(
            "nieuw wachtwoord voor {}; {ended} sessie(s) beëindigd",
            account.login
        );
        Ok(ExitCode::SUCCESS)
    })
}

fn revoke(args: IntrekkenArgs, verbose: bool) -> Result<ExitCode> {
    runtime()?.block_on(async {
        let (store, _) = open(&args.db, verbose).await?;
        let entry = operator::entry("token-intrekken", format!("account/{}", args.person));
        let result = store
            .revoke_api_token(&args.person, &args.name, Some(&entry))
            .await;
        if matches!(result, Ok(n) if n > 0) {
            operator::settle(&store).await;
        }
        store.close().await;
        match result.map_err(|e| anyhow!("niets ingetrokken: {e}"))? {
            0 => bail!(
                "{} heeft geen API-token met de naam {:?}; er is niets ingetrokken",
                args.person,
                args.name
            ),
            n => {
                println!(
                    "{n} API-token(s) {:?} van {} ingetrokken",
                    args.name, args.person
                );
                Ok(ExitCode::SUCCESS)
            }
        }
    })
}

fn code(args: LoginArgs, verbose: bool) -> Result<ExitCode> {
    with_account(&args.db, verbose, &args.login, async |_, account| {
        let code = credentials::totp_code(&account.totp_secret, now())?;
        println!("{code}");
        Ok(ExitCode::SUCCESS)
    })
}

fn token(args: TokenArgs, verbose: bool) -> Result<ExitCode> {
    if args.days == 0 || args.days > 366 {
        bail!(
            "--dagen moet tussen 1 en 366 liggen (een token dat nooit vervalt wordt niet gemaakt)"
        );
    }
    runtime()?.block_on(async {
        let (store, _) = open(&args.db, verbose).await?;
        let result = async {
            let Some(person) = store.person(&args.person).await? else {
                return Ok(None);
            };
            if !person.active {
                return Ok(None);
            }
            let token = ave_server::auth::new_api_token()
                .map_err(|p| ave_store::StoreError::Invalid(p.detail))?;
            let at = now();
            let entry = operator::entry("token-maken", format!("account/{}", person.id));
            store
                .create_api_token(
                    &token_hash(&token),
                    &ApiToken {
                        person: person.id,
                        name: args.name.clone(),
                        created_at: at,
                        expires_at: Some(at + chrono::Duration::days(i64::from(args.days))),
                    },
                    Some(&entry),
                )
                .await?;
            operator::settle(&store).await;
            Ok::<_, ave_store::StoreError>(Some(token))
        }
        .await;
        store.close().await;
        match result {
            Ok(Some(token)) => {
                println!("{token}");
                eprintln!(
                    "API-token {:?} voor {} ({} dagen geldig); bewaar het nu, het wordt niet opnieuw getoond. Gebruik: Authorization: Bearer <token>",
                    args.name, args.person, args.days
                );
                Ok(ExitCode::SUCCESS)
            }
            Ok(None) => bail!(
                "{} staat niet (actief) in de personenlijst; er is geen token gemaakt",
                args.person
            ),
            Err(e) => bail!("er is geen token gemaakt: {e}"),
        }
    })
}

/// The password of every demo account (`ave serve --demo`): fictitious people, fictitious
/// data; never for a real database.
pub const DEMO_PASSWORD: &str = "demo-wachtwoord-ave";

/// Gives the demo's regisseurs a local account — in each gemeente every person whose
/// function may hold casusregie or procesregie in some phase of its model — named by their
/// pseudonym, with [`DEMO_PASSWORD`] and a fresh TOTP secret; prints how to log in. A person
/// who has an account keeps it (so a second start changes nothing).
pub(crate) async fn demo_accounts(store: &Store, database: &str) -> Result<()> {
    let models = ave_demo::models().map_err(|e| anyhow!("de demo is niet te laden: {e}"))?;
    let region = ave_demo::region().map_err(|e| anyhow!("de demo is niet te laden: {e}"))?;
    let mut hash = None;
    let mut lines = Vec::new();
    for gemeente in &region.gemeenten {
        let Some(model) = models.iter().find(|m| m.gemeente == gemeente.name) else {
            continue;
        };
        let model = &model.model;
        let holders: Vec<ave_model::FunctionId> = model
            .model()
            .phases
            .iter()
            .flat_map(|p| [p.regie.casusregie.as_ref(), p.regie.procesregie.as_ref()])
            .flatten()
            .flat_map(|spec| spec.holders.iter().cloned())
            .collect();
        for person in &gemeente.people {
            let Ok(function) = ave_model::FunctionId::parse(&person.function) else {
                continue;
            };
            if !model.includes(&holders, &function) {
                continue;
            }
            let secret = match store.account_of_person(&person.id).await? {
                Some(account) => account.totp_secret,
                None if store.person(&person.id).await?.is_some() => {
                    let hash = match &hash {
                        Some(h) => String::clone(h),
                        None => {
                            let h = credentials::hash_password(DEMO_PASSWORD)?;
                            hash = Some(h.clone());
                            h
                        }
                    };
                    create_account(store, &person.id, &person.id, hash).await?
                }
                None => continue,
            };
            lines.push(format!(
                "  {:<44} {:<12} TOTP-geheim {secret}",
                person.id, gemeente.name
            ));
        }
    }
    for (id, _, admin) in ave_demo::DEMO_STAFF {
        let secret = match store.account_of_person(id).await? {
            Some(account) => account.totp_secret,
            None if store.person(id).await?.is_some() => {
                let h = credentials::hash_password(DEMO_PASSWORD)?;
                create_account(store, id, id, h).await?
            }
            None => continue,
        };
        let role = if *admin { "beheerder" } else { "FG" };
        lines.push(format!("  {id:<44} {role:<12} TOTP-geheim {secret}"));
    }
    if lines.is_empty() {
        return Ok(());
    }
    println!("demo-accounts (aanmelden op /aanmelden; wachtwoord voor allemaal: {DEMO_PASSWORD}):");
    for line in lines {
        println!("{line}");
    }
    println!(
        "de code van zes cijfers: zet het TOTP-geheim in een authenticator-app, of vraag hem op met\n  ave account code --gebruikersnaam NAAM --database {database}"
    );
    Ok(())
}
