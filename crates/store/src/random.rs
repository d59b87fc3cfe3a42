//! Random bytes for what is made per request — trace and span ids of the processing log, the
//! nonce of every sealed data subject — without a system call each time.
//!
//! Each thread keeps a ChaCha20 generator (a cryptographically secure one) seeded from the
//! operating system's source, and seeds it afresh after [`RESEED_AFTER`] bytes. Keys, salts
//! and tokens are not made here: those come from the operating system directly.

use std::cell::RefCell;

use chacha20::ChaCha20Rng;
use rand_core::{Rng, SeedableRng};

/// How many bytes a thread's generator gives before it is seeded again.
pub const RESEED_AFTER: usize = 1 << 20;

/// A thread's generator and how many bytes it has given since its seed.
struct Generator {
    rng: ChaCha20Rng,
    given: usize,
}

thread_local! {
    static GENERATOR: RefCell<Option<Generator>> = const { RefCell::new(None) };
}

/// Fills `out` with random bytes; an error only when the operating system has no
/// randomness to seed from.
pub fn fill(out: &mut [u8]) -> Result<(), getrandom::Error> {
    GENERATOR.with(|cell| {
        let mut slot = cell.borrow_mut();
        let fresh = match &*slot {
            Some(g) => g.given >= RESEED_AFTER,
            None => true,
        };
        if fresh {
            let mut seed = [0u8; 32];
            getrandom::fill(&mut seed)?;
            *slot = Some(Generator {
                rng: ChaCha20Rng::from_seed(seed),
                given: 0,
            });
        }
        if let Some(g) = slot.as_mut() {
            g.rng.fill_bytes(out);
            g.given += out.len();
        }
        Ok(())
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bytes_differ_from_call_to_call_and_from_thread_to_thread() {
        let mut a = [0u8; 16];
        let mut b = [0u8; 16];
        fill(&mut a).expect("random");
        fill(&mut b).expect("random");
        assert_ne!(a, b);
        assert_ne!(a, [0u8; 16]);
        let other = std::thread::spawn(|| {
            let mut c = [0u8; 16];
            fill(&mut c).expect("random");
            c
        })
        .join()
        .expect("thread");
        assert_ne!(other, a);
        assert_ne!(other, b);
    }

    #[test]
    fn the_generator_is_seeded_again_after_its_quota() {
        let mut big = vec![0u8; RESEED_AFTER];
        fill(&mut big).expect("random");
        assert_eq!(given(), Some(RESEED_AFTER));
        let mut next = [0u8; 8];
        fill(&mut next).expect("random");
        assert_eq!(given(), Some(8), "a fresh seed counts from zero");
    }

    fn given() -> Option<usize> {
        GENERATOR.with(|c| c.borrow().as_ref().map(|g| g.given))
    }
}
