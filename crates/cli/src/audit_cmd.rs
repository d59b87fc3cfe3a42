//! `ave audit …`: checking the chains of events and the security audit log, and the audit
//! log's signed checkpoints — signing one now, handing them to an outside witness, showing
//! the public key, and holding the log against the witness's copy.
//!
//! The witness's copy is a file of checkpoints, one JSON object per line, as `ave audit
//! controlepunten` writes them; whoever keeps it (another organisation, a write-once store)
//! adds the new ones now and then with `--na` and the last position it has.

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use anyhow::{Result, anyhow, bail};
use ave_store::audit::{
    AuditReport, Checkpoint, VerifyingKey, key_id, verifying_key_from_hex, verifying_key_hex,
};
use clap::{Args, Subcommand};

use crate::clock::now;
use crate::config::DatabaseArgs;
use crate::db_cmd::{failed, open, runtime};
use crate::output::count;

/// `ave audit …`
#[derive(Debug, Subcommand)]
pub enum AuditCommand {
    /// Controleer elke keten van gebeurtenissen en het beveiligingslogboek, en noem de eerste
    /// plek die niet klopt.
    #[command(
        after_help = "Handtekeningen van controlepunten worden gecontroleerd met de sleutel van deze installatie (audit_key, AVE_AUDIT_KEY of audit.key in de datamap) en met elke --sleutel. Met --getuige ook tegen de controlepunten die een getuige bewaart: zo valt ook een logboek op dat herschreven of ingekort is samen met zijn controlepunten.\nAfsluitcode: 0 als elke keten klopt, 1 als er een niet klopt, 2 als de database, de sleutel of het bestand van de getuige niet te gebruiken is."
    )]
    Verify(VerifyArgs),
    /// Onderteken nu het hoofd van het beveiligingslogboek (ave serve doet dat zelf om de
    /// audit_checkpoint_every en bij het stoppen).
    #[command(
        after_help = "Afsluitcode: 0 als er een controlepunt is gezet of er niets nieuws was, 2 als de database of de sleutel niet te gebruiken is."
    )]
    Controlepunt(DatabaseArgs),
    /// Schrijf de ondertekende controlepunten voor een getuige buiten dit systeem: één
    /// JSON-object per regel, oudste eerst.
    #[command(
        after_help = "Voorbeeld voor de getuige: ave audit controlepunten --na 1200 >> getuige.jsonl\nAfsluitcode: 0 als de controlepunten geschreven zijn, 2 als de database niet te lezen is."
    )]
    Controlepunten {
        /// Alleen de controlepunten na deze regel van het logboek (de laatste die de getuige
        /// al heeft).
        #[arg(long, value_name = "REGEL", default_value_t = 0)]
        na: u64,
        #[command(flatten)]
        db: DatabaseArgs,
    },
    /// Toon de publieke sleutel waarmee de controlepunten te controleren zijn (voor de getuige
    /// en voor `ave audit verify --sleutel` elders); nooit de geheime sleutel.
    #[command(after_help = "Afsluitcode: 0 als de sleutel getoond is, 2 als er geen sleutel is.")]
    Sleutel(DatabaseArgs),
}

/// `ave audit verify` arguments.
#[derive(Debug, Args)]
pub struct VerifyArgs {
    #[command(flatten)]
    db: DatabaseArgs,
    /// De controlepunten die een getuige bewaart (zoals `ave audit controlepunten` ze
    /// schrijft): het logboek moet er nog mee kloppen.
    #[arg(long, value_name = "BESTAND")]
    getuige: Option<PathBuf>,
    /// Een publieke sleutel (64 hexadecimale tekens, zoals `ave audit sleutel` die toont)
    /// waarmee controlepunten getekend mogen zijn, bijvoorbeeld een eerdere sleutel; mag
    /// vaker.
    #[arg(long, value_name = "SLEUTEL")]
    sleutel: Vec<String>,
}

/// Runs `ave audit …`.
pub fn run(cmd: AuditCommand, verbose: bool) -> Result<ExitCode> {
    match cmd {
        AuditCommand::Verify(args) => verify(&args, verbose),
        AuditCommand::Controlepunt(db) => sign(&db, verbose),
        AuditCommand::Controlepunten { na, db } => export(&db, na, verbose),
        AuditCommand::Sleutel(db) => show_key(&db),
    }
}

/// `ave audit verify`.
fn verify(args: &VerifyArgs, verbose: bool) -> Result<ExitCode> {
    let mut keys = Vec::new();
    if let Some(key) = args.db.audit_key()? {
        keys.push(key.verifying_key());
    }
    for text in &args.sleutel {
        let key = verifying_key_from_hex(text).ok_or_else(|| {
            anyhow!("--sleutel '{text}' is geen publieke sleutel: 64 hexadecimale tekens, zoals ave audit sleutel die toont")
        })?;
        keys.push(key);
    }
    let witness = match &args.getuige {
        Some(path) => Some(read_witness(path, verbose)?),
        None => None,
    };
    runtime()?.block_on(async {
        let (store, shown) = open(&args.db, verbose).await?;
        let report = store.verify().await;
        let audit = store
            .verify_audit_witnessed(&keys, witness.as_deref().unwrap_or_default())
            .await;
        store.close().await;
        let report = report.map_err(|e| failed(format!("controle van {shown}"), &e, verbose))?;
        let audit = audit.map_err(|e| failed(format!("controle van {shown}"), &e, verbose))?;
        let n = |x: u64| usize::try_from(x).unwrap_or(usize::MAX);
        println!(
            "{} in {} gecontroleerd ({} met gewiste inhoud)",
            count(n(report.events), "gebeurtenis", "gebeurtenissen"),
            count(n(report.cases), "casus", "casussen"),
            report.erased
        );
        println!(
            "beveiligingslogboek: {} en {} gecontroleerd",
            count(n(audit.entries), "regel", "regels"),
            count(n(audit.checkpoints), "controlepunt", "controlepunten")
        );
        print_signatures(&keys, &audit);
        if let Some(w) = &witness {
            println!(
                "getuige: {} van {} vergeleken",
                count(n(audit.witnessed), "controlepunt", "controlepunten"),
                w.len()
            );
        }
        let mut ok = true;
        match report.first_problem {
            None => {}
            Some(p) if p.case.is_empty() => {
                println!("NIET IN ORDE: {}", p.reason);
                ok = false;
            }
            Some(p) => {
                println!(
                    "NIET IN ORDE bij globale positie {}, casus {}, gebeurtenis {}: {}",
                    p.global_seq, p.case, p.seq, p.reason
                );
                ok = false;
            }
        }
        if let Some(p) = audit.first_problem {
            println!(
                "NIET IN ORDE in het beveiligingslogboek bij regel {}: {}",
                p.seq, p.reason
            );
            ok = false;
        }
        if ok {
            println!("elke keten klopt");
            Ok(ExitCode::SUCCESS)
        } else {
            Ok(ExitCode::from(1))
        }
    })
}

/// Which keys the signatures were checked with — or that they were not.
fn print_signatures(keys: &[VerifyingKey], audit: &AuditReport) {
    if audit.checkpoints + audit.witnessed == 0 {
        return;
    }
    if keys.is_empty() {
        println!(
            "handtekeningen niet gecontroleerd: geen sleutel (zet audit_key of AVE_AUDIT_KEY, of geef --sleutel)"
        );
        return;
    }
    let ids: Vec<String> = keys.iter().map(key_id).collect();
    println!(
        "handtekeningen gecontroleerd met {} {}",
        if ids.len() == 1 {
            "sleutel"
        } else {
            "sleutels"
        },
        ids.join(", ")
    );
}

/// The witness's checkpoints: one JSON object per line; empty lines are skipped.
fn read_witness(path: &Path, verbose: bool) -> Result<Vec<Checkpoint>> {
    let shown = path.display();
    let text = std::fs::read_to_string(path).map_err(|e| {
        anyhow!(
            "het bestand van de getuige {shown} is niet te lezen: {}",
            crate::read::io_message(&e)
        )
    })?;
    let mut checkpoints = Vec::new();
    for (i, line) in text.lines().enumerate() {
        if line.trim().is_empty() {
            continue;
        }
        let c: Checkpoint = serde_json::from_str(line).map_err(|e| {
            let detail = if verbose {
                format!("\n  technisch: {e}")
            } else {
                String::new()
            };
            anyhow!(
                "{shown}, regel {}: geen controlepunt zoals ave audit controlepunten het schrijft{detail}",
                i + 1
            )
        })?;
        checkpoints.push(c);
    }
    if checkpoints.is_empty() {
        bail!("{shown} bevat geen controlepunten; schrijf ze met ave audit controlepunten");
    }
    Ok(checkpoints)
}

/// `ave audit controlepunt`.
fn sign(db: &DatabaseArgs, verbose: bool) -> Result<ExitCode> {
    let key = db.audit_key()?.ok_or_else(|| {
        anyhow!(
            "geen sleutel om te ondertekenen: {} bestaat niet en audit_key (of AVE_AUDIT_KEY) is niet gezet; ave serve maakt het bestand bij de eerste start",
            db.audit_key_file()
                .map_or_else(|_| "audit.key".to_owned(), |p| p.display().to_string())
        )
    })?;
    runtime()?.block_on(async {
        let (store, shown) = open(db, verbose).await?;
        let signed = store.audit_checkpoint(&key, now()).await;
        store.close().await;
        match signed.map_err(|e| failed(format!("controlepunt in {shown}"), &e, verbose))? {
            Some(c) => println!(
                "controlepunt gezet bij regel {} (sleutel {})",
                c.seq, c.key_id
            ),
            None => {
                println!("niets nieuws sinds het laatste controlepunt; geen controlepunt gezet")
            }
        }
        Ok(ExitCode::SUCCESS)
    })
}

/// `ave audit controlepunten`.
fn export(db: &DatabaseArgs, after: u64, verbose: bool) -> Result<ExitCode> {
    runtime()?.block_on(async {
        let (store, shown) = open(db, verbose).await?;
        let found = store.audit_checkpoints_after(after, u64::MAX).await;
        store.close().await;
        let found =
            found.map_err(|e| failed(format!("controlepunten van {shown}"), &e, verbose))?;
        let mut out = std::io::stdout().lock();
        for c in &found {
            serde_json::to_writer(&mut out, c)?;
            out.write_all(b"\n")?;
        }
        out.flush()?;
        Ok(ExitCode::SUCCESS)
    })
}

/// `ave audit sleutel`.
fn show_key(db: &DatabaseArgs) -> Result<ExitCode> {
    let Some(key) = db.audit_key()? else {
        bail!(
            "geen sleutel: {} bestaat niet en audit_key (of AVE_AUDIT_KEY) is niet gezet; ave serve maakt het bestand bij de eerste start",
            db.audit_key_file()?.display()
        );
    };
    let public = key.verifying_key();
    println!("sleutel-id: {}", key_id(&public));
    println!("publieke sleutel: {}", verifying_key_hex(&public));
    Ok(ExitCode::SUCCESS)
}
