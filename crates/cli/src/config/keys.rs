//! Keys kept in a file of their own in the data directory when the configuration gives none:
//! made by `ave serve` at its first start (readable by the owner only), read at every start
//! after and by the commands that need them. Two such keys: the processing log's (it encrypts
//! data subject ids) and the audit log's (it signs checkpoints).

use std::path::Path;

use anyhow::{Result, anyhow};
use ave_store::audit::SigningKey;
use ave_store::processing::SubjectKey;

/// One kind of key in a file: how to read, make and name it.
pub struct KeyFile<K> {
    /// What the key is for, after "de sleutel voor".
    pub what: &'static str,
    /// Where the configuration can give it instead, for the message when the file is missing.
    pub setting: &'static str,
    parse: fn(&str) -> Option<K>,
    generate: fn() -> Option<K>,
    hex: fn(&K) -> String,
}

/// The processing log's key (`processing.key`).
pub const PROCESSING: KeyFile<SubjectKey> = KeyFile {
    what: "het verwerkingslogboek",
    setting: "processing_key (of AVE_PROCESSING_KEY)",
    parse: |text| SubjectKey::from_hex(text).ok(),
    generate: || SubjectKey::generate().ok(),
    hex: SubjectKey::expose_hex,
};

/// The key that signs the audit log's checkpoints (`audit.key`).
pub const AUDIT: KeyFile<SigningKey> = KeyFile {
    what: "de controlepunten van het beveiligingslogboek",
    setting: "audit_key (of AVE_AUDIT_KEY)",
    parse: ave_store::audit::signing_key_from_hex,
    generate: || ave_store::audit::new_signing_key().ok(),
    hex: ave_store::audit::signing_key_hex,
};

impl<K> KeyFile<K> {
    /// The key in `text` (64 hexadecimal characters).
    pub fn parse(&self, text: &str) -> Option<K> {
        (self.parse)(text)
    }

    /// The key in `path`; when it does not exist and `create` is set, a new random key
    /// written there, readable by the owner only.
    pub fn load(&self, path: &Path, create: bool) -> Result<K> {
        match self.read(path)? {
            Some(key) => Ok(key),
            None if create => self.create(path),
            None => Err(anyhow!(
                "geen sleutel voor {}: {} bestaat niet en {} is niet gezet",
                self.what,
                path.display(),
                self.setting
            )),
        }
    }

    /// The key in `path`, or none when the file does not exist.
    pub fn read(&self, path: &Path) -> Result<Option<K>> {
        let shown = path.display();
        match std::fs::read_to_string(path) {
            Ok(text) => self
                .parse(&text)
                .map(Some)
                .ok_or_else(|| anyhow!("de sleutel in {shown} is geen 64 hexadecimale tekens")),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(None),
            Err(e) => Err(anyhow!(
                "de sleutel {shown} is niet te lezen: {}",
                crate::read::io_message(&e)
            )),
        }
    }

    fn create(&self, path: &Path) -> Result<K> {
        let shown = path.display();
        let key =
            (self.generate)().ok_or_else(|| anyhow!("geen toevalsbron om een sleutel te maken"))?;
        if let Some(parent) = path.parent().filter(|p| !p.as_os_str().is_empty()) {
            std::fs::create_dir_all(parent).map_err(|e| {
                anyhow!(
                    "de map {} is niet aan te maken: {}",
                    parent.display(),
                    crate::read::io_message(&e)
                )
            })?;
        }
        let mut options = std::fs::OpenOptions::new();
        options.write(true).create_new(true);
        #[cfg(unix)]
        std::os::unix::fs::OpenOptionsExt::mode(&mut options, 0o600);
        // Messages carry the operating system's words as text: an `io::Error` in the chain
        // would read as an output error at the top.
        let mut out = options.open(path).map_err(|e| {
            anyhow!(
                "de sleutel {shown} is niet aan te maken: {}",
                crate::read::io_message(&e)
            )
        })?;
        std::io::Write::write_all(&mut out, format!("{}\n", (self.hex)(&key)).as_bytes())
            .and_then(|()| out.sync_all())
            .map_err(|e| {
                anyhow!(
                    "de sleutel {shown} is niet te schrijven: {}",
                    crate::read::io_message(&e)
                )
            })?;
        tracing::info!(bestand = %shown, "nieuwe sleutel voor {} aangemaakt", self.what);
        Ok(key)
    }
}
