//! Reading a file that a user or a model names, safely: only a regular file, and never more
//! than the model size limit plus one byte. A FIFO would block forever and `/dev/zero`
//! never ends, so special files are refused by their type before they are opened, and the
//! opened handle is checked again (it is what is read). The size limit is applied while
//! reading, not after, so a huge file costs at most a megabyte.

use std::fs::File;
use std::io::{self, Read};
use std::path::Path;

/// The most bytes read from one file: the model limit plus one, so that the model parser
/// can tell the file is too large.
pub const LIMIT: usize = ave_model::parse::MAX_BYTES;

/// Why a file could not be read, in Dutch, with the operating system's own words as detail.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ReadError {
    /// What is wrong, without the path (the caller names the file).
    pub message: String,
    /// The operating system's text, for `--verbose`.
    pub detail: Option<String>,
}

impl ReadError {
    fn io(e: &io::Error) -> Self {
        ReadError {
            message: io_message(e),
            detail: Some(e.to_string()),
        }
    }
}

/// An operating-system error in Dutch.
pub fn io_message(e: &io::Error) -> String {
    use io::ErrorKind::*;
    match e.kind() {
        NotFound => "bestaat niet".to_owned(),
        PermissionDenied => "geen toestemming om het te lezen of te schrijven".to_owned(),
        AlreadyExists => "bestaat al; ave overschrijft nooit een bestand".to_owned(),
        IsADirectory => "is een map, geen bestand".to_owned(),
        NotADirectory => "een deel van het pad is geen map".to_owned(),
        InvalidFilename => "is geen geldige bestandsnaam".to_owned(),
        StorageFull => "de schijf is vol".to_owned(),
        ReadOnlyFilesystem => "staat op een schijf waarop niet geschreven mag worden".to_owned(),
        WouldBlock => "is niet meteen leesbaar (een speciaal bestand)".to_owned(),
        _ => "is niet te lezen of te schrijven".to_owned(),
    }
}

/// Refuses anything that is not a regular file, naming what it is.
fn regular(meta: &std::fs::Metadata) -> Result<(), ReadError> {
    let kind = meta.file_type();
    if kind.is_file() {
        return Ok(());
    }
    let what = if kind.is_dir() {
        "een map"
    } else {
        special_kind(&kind)
    };
    Err(ReadError {
        message: format!("is {what}, geen gewoon bestand; ave leest alleen gewone bestanden"),
        detail: None,
    })
}

#[cfg(unix)]
fn special_kind(kind: &std::fs::FileType) -> &'static str {
    use std::os::unix::fs::FileTypeExt;
    if kind.is_fifo() {
        "een FIFO (named pipe)"
    } else if kind.is_socket() {
        "een socket"
    } else if kind.is_char_device() || kind.is_block_device() {
        "een apparaatbestand"
    } else {
        "een speciaal bestand"
    }
}

#[cfg(not(unix))]
fn special_kind(_kind: &std::fs::FileType) -> &'static str {
    "een speciaal bestand"
}

/// Opens without blocking: should a FIFO take the place of the file after the type check,
/// opening it still returns at once (and the check on the handle refuses it).
#[cfg(unix)]
fn open(path: &Path) -> io::Result<File> {
    use std::os::unix::fs::OpenOptionsExt;
    std::fs::OpenOptions::new()
        .read(true)
        .custom_flags(libc::O_NONBLOCK)
        .open(path)
}

#[cfg(not(unix))]
fn open(path: &Path) -> io::Result<File> {
    File::open(path)
}

/// Reads at most [`LIMIT`] + 1 bytes of a regular file.
pub fn read_limited(path: &Path) -> Result<Vec<u8>, ReadError> {
    let meta = std::fs::metadata(path).map_err(|e| ReadError::io(&e))?;
    regular(&meta)?;
    let file = open(path).map_err(|e| ReadError::io(&e))?;
    let meta = file.metadata().map_err(|e| ReadError::io(&e))?;
    regular(&meta)?;
    let capacity = usize::try_from(meta.len()).unwrap_or(LIMIT).min(LIMIT + 1);
    let mut bytes = Vec::with_capacity(capacity);
    file.take(LIMIT as u64 + 1)
        .read_to_end(&mut bytes)
        .map_err(|e| ReadError::io(&e))?;
    Ok(bytes)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_large_file_is_read_only_up_to_the_limit() {
        let dir = std::env::temp_dir().join(format!("ave-read-{}", std::process::id()));
        std::fs::create_dir_all(&dir).expect("dir");
        let path = dir.join("groot.toml");
        std::fs::write(&path, vec![b'#'; LIMIT + 10_000]).expect("write");
        let bytes = read_limited(&path).expect("read");
        assert_eq!(bytes.len(), LIMIT + 1);
        let _ = std::fs::remove_dir_all(&dir);
    }

    #[cfg(unix)]
    #[test]
    fn devices_and_directories_are_refused_by_their_type() {
        let e = read_limited(Path::new("/dev/zero")).expect_err("device");
        assert!(e.message.contains("apparaatbestand"), "{e:?}");
        let e = read_limited(Path::new("/")).expect_err("directory");
        assert!(e.message.contains("een map"), "{e:?}");
        let e = read_limited(Path::new("/bestaat/niet.toml")).expect_err("missing");
        assert_eq!(e.message, "bestaat niet");
        assert!(e.detail.is_some_and(|d| d.contains("os error")));
    }
}
