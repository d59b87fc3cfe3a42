//! The hash chains. Each event's hash covers the previous event of its case and the event's
//! outline (case, position, type, time, author) and the hash of its content; the global hash
//! covers the previous global hash, the global position and the event's hash. Hashing the
//! content's hash rather than the content lets the content be erased without breaking a
//! chain.

use sha2::{Digest, Sha256};

/// A SHA-256 hash.
pub(crate) type Hash = [u8; 32];

/// The start of every chain.
pub(crate) const ZERO: Hash = [0; 32];

/// SHA-256 of bytes.
pub(crate) fn sha256(bytes: &[u8]) -> Hash {
    Sha256::digest(bytes).into()
}

/// What an event's hash covers besides the previous hash.
pub(crate) struct Outline<'a> {
    pub case: &'a str,
    pub seq: u64,
    pub event_type: &'a str,
    pub at: &'a str,
    pub by: &'a str,
    pub content_hash: &'a [u8],
}

/// The hash of an event in its case's chain.
pub(crate) fn event_hash(prev: &[u8], o: &Outline<'_>) -> Hash {
    let mut h = Sha256::new();
    h.update(b"ave-regie/event/v1");
    h.update(prev);
    for part in [o.case, o.event_type, o.at, o.by] {
        h.update((part.len() as u64).to_be_bytes());
        h.update(part.as_bytes());
    }
    h.update(o.seq.to_be_bytes());
    h.update(o.content_hash);
    h.finalize().into()
}

/// The hash of an event in the global chain.
pub(crate) fn global_hash(prev: &[u8], global_seq: u64, event_hash: &[u8]) -> Hash {
    let mut h = Sha256::new();
    h.update(b"ave-regie/global/v1");
    h.update(prev);
    h.update(global_seq.to_be_bytes());
    h.update(event_hash);
    h.finalize().into()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_part_of_the_outline_changes_the_hash() {
        let base = Outline {
            case: "c",
            seq: 1,
            event_type: "case_opened",
            at: "2025-01-01T00:00:00Z",
            by: "p",
            content_hash: &[1; 32],
        };
        let h = event_hash(&ZERO, &base);
        let variants = [
            Outline { case: "d", ..base },
            Outline { seq: 2, ..base },
            Outline {
                event_type: "x",
                ..base
            },
            Outline {
                at: "2025-01-01T00:00:01Z",
                ..base
            },
            Outline { by: "q", ..base },
            Outline {
                content_hash: &[2; 32],
                ..base
            },
        ];
        for v in variants {
            assert_ne!(event_hash(&ZERO, &v), h);
        }
        assert_ne!(event_hash(&[9; 32], &base), h);
        // Length prefixes keep "ab"+"c" apart from "a"+"bc".
        let a = Outline {
            case: "ab",
            event_type: "c",
            ..base
        };
        let b = Outline {
            case: "a",
            event_type: "bc",
            ..base
        };
        assert_ne!(event_hash(&ZERO, &a), event_hash(&ZERO, &b));
    }
}
