//! Signed checkpoints of the security audit log, made by the server itself: one every
//! [`CheckpointSigning::every`] while it serves, and one more when it stops, after the last
//! entries are written. Each signs the log's head with the installation's ed25519 key; an
//! outside witness collects them (`ave audit controlepunten`) and `ave audit verify
//! --getuige` holds the log against its copy, so that a log rewritten or cut short by someone
//! who can write the database — and delete its checkpoints — is still found.
//!
//! A checkpoint is only made when entries were added since the last one; two servers on one
//! database that sign the same head add one checkpoint. The server's log line carries the
//! whole checkpoint (position, hash, time, key id, signature — no personal data), so that a
//! log collector kept by others holds a copy as well.

use std::time::Duration;

use ave_store::Store;
use ave_store::audit::SigningKey;

/// The key and the interval of the server's checkpoints.
#[derive(Clone)]
pub struct CheckpointSigning {
    /// The installation's signing key.
    pub key: SigningKey,
    /// How long between two checkpoints.
    pub every: Duration,
}

impl std::fmt::Debug for CheckpointSigning {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("CheckpointSigning")
            .field(
                "key_id",
                &ave_store::audit::key_id(&self.key.verifying_key()),
            )
            .field("every", &self.every)
            .finish()
    }
}

/// Signs the head every `signing.every`, from one interval after the start.
pub(crate) fn start(store: Store, signing: CheckpointSigning) -> tokio::task::JoinHandle<()> {
    tokio::spawn(async move {
        let mut ticks = tokio::time::interval(signing.every);
        ticks.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
        // The first tick is at once; the log has nothing new then.
        ticks.tick().await;
        loop {
            ticks.tick().await;
            sign(&store, &signing.key).await;
        }
    })
}

/// Signs the log's head now, and says so in the server's log (positions and key id only).
pub(crate) async fn sign(store: &Store, key: &SigningKey) {
    match store.audit_checkpoint(key, crate::now()).await {
        // The whole checkpoint, so that a log collector run by others can be a witness too.
        Ok(Some(c)) => tracing::info!(
            regel = c.seq,
            hash = %c.hash,
            tijdstip = %c.at.to_rfc3339_opts(chrono::SecondsFormat::Micros, true),
            sleutel = %c.key_id,
            handtekening = %c.signature,
            "controlepunt van het beveiligingslogboek getekend"
        ),
        Ok(None) => {
            tracing::debug!("beveiligingslogboek: niets nieuws sinds het laatste controlepunt")
        }
        Err(e) => tracing::error!("beveiligingslogboek: het controlepunt is niet te tekenen: {e}"),
    }
}
