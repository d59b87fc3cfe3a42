//! The two factors of a local account and the rules around them: passwords hashed with
//! argon2id (OWASP's parameters: 19 MiB, 2 passes, 1 lane) and checked in constant time,
//! TOTP codes (RFC 6238: SHA-1, 6 digits, 30-second steps, one step of clock drift either
//! way), the minimum password rules, and the delay that slows every failed attempt.
//!
//! Pure apart from the operating system's randomness: the time is a parameter.

use std::sync::OnceLock;
use std::time::Duration;

use argon2::password_hash::{PasswordHash, PasswordHasher, PasswordVerifier, SaltString};
use argon2::{Algorithm, Argon2, Params, Version};
use subtle::ConstantTimeEq;

/// Shortest password accepted.
pub const MIN_PASSWORD_CHARS: usize = 12;
/// Longest password accepted (a limit, so nobody sends a novel).
pub const MAX_PASSWORD_CHARS: usize = 256;
/// Seconds per TOTP step.
pub const TOTP_STEP_SECONDS: u64 = 30;
/// Digits of a TOTP code.
pub const TOTP_DIGITS: usize = 6;
/// Who issues the codes, as the authenticator app shows it.
pub const TOTP_ISSUER: &str = "AVE-regie";
/// Consecutive failures after which an account is locked.
pub const LOCK_AFTER: u32 = 5;
/// How long a lock lasts.
pub const LOCK_FOR: Duration = Duration::from_secs(15 * 60);
/// The delay after the first failure; each further failure doubles it, up to
/// [`MAX_DELAY_FACTOR`] times this.
pub const DELAY_UNIT: Duration = Duration::from_millis(250);
/// The longest delay, as a multiple of the unit (250 ms × 16 = 4 s).
pub const MAX_DELAY_FACTOR: u32 = 16;

/// Why a secret could not be made or checked (never says anything about the secret).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum CredentialError {
    /// The operating system gave no randomness.
    #[error("geen toevalsbron beschikbaar")]
    NoRandomness,
    /// Hashing failed (should not happen with valid parameters).
    #[error("het wachtwoord is niet te versleutelen")]
    Hash,
    /// A stored TOTP secret is not valid base32 or too short.
    #[error("het opgeslagen TOTP-geheim is onbruikbaar")]
    BadSecret,
}

/// The argon2id hasher with OWASP's recommended parameters (m = 19 MiB, t = 2, p = 1).
fn hasher() -> Argon2<'static> {
    let params = Params::new(19 * 1024, 2, 1, None).unwrap_or_default();
    Argon2::new(Algorithm::Argon2id, Version::V0x13, params)
}

/// Hashes `password` with argon2id and a fresh random salt: a PHC string
/// (`$argon2id$v=19$m=19456,t=2,p=1$…`). Slow on purpose (tens of milliseconds): call it
/// off the async threads.
pub fn hash_password(password: &str) -> Result<String, CredentialError> {
    let mut salt = [0u8; 16];
    getrandom::fill(&mut salt).map_err(|_| CredentialError::NoRandomness)?;
    let salt = SaltString::encode_b64(&salt).map_err(|_| CredentialError::Hash)?;
    hasher()
        .hash_password(password.as_bytes(), &salt)
        .map(|h| h.to_string())
        .map_err(|_| CredentialError::Hash)
}

/// Whether `password` matches the stored `hash` (the comparison is constant time). A hash
/// that does not parse matches nothing. Slow on purpose, like [`hash_password`].
pub fn verify_password(hash: &str, password: &str) -> bool {
    match PasswordHash::new(hash) {
        Ok(parsed) => hasher()
            .verify_password(password.as_bytes(), &parsed)
            .is_ok(),
        Err(_) => false,
    }
}

/// Verifies `password` against a hash no password matches, taking as long as a real check:
/// for a login name that does not exist, so the answer's timing does not tell which names
/// do.
pub fn dummy_verify(password: &str) {
    static DUMMY: OnceLock<String> = OnceLock::new();
    let hash = DUMMY.get_or_init(|| {
        // A fixed salt is fine: this hash protects nothing.
        SaltString::encode_b64(b"ave-regie-dummy!")
            .ok()
            .and_then(|salt| {
                hasher()
                    .hash_password(b"geen wachtwoord van iemand", &salt)
                    .ok()
                    .map(|h| h.to_string())
            })
            .unwrap_or_default()
    });
    let _ = verify_password(hash, password);
}

/// What is wrong with `password` for an account named `login`, in Dutch; `None` when it
/// meets the minimum rules.
pub fn password_problem(password: &str, login: &str) -> Option<&'static str> {
    let chars = password.chars().count();
    let login = login.trim().to_lowercase();
    if chars < MIN_PASSWORD_CHARS {
        Some("het wachtwoord moet minstens 12 tekens lang zijn")
    } else if chars > MAX_PASSWORD_CHARS {
        Some("het wachtwoord mag hoogstens 256 tekens lang zijn")
    } else if !login.is_empty() && password.to_lowercase().contains(&login) {
        Some("het wachtwoord mag de gebruikersnaam niet bevatten")
    } else if password.chars().all(|c| password.starts_with(c)) {
        Some("het wachtwoord mag niet uit één herhaald teken bestaan")
    } else {
        None
    }
}

/// What is wrong with a login name, in Dutch; `None` when it is fine: 3 to 64 characters,
/// lowercase letters, digits, `.`, `-`, `_` and `@` (it is stored lowercased).
pub fn login_problem(login: &str) -> Option<&'static str> {
    let login = login.trim().to_lowercase();
    let n = login.chars().count();
    if !(3..=64).contains(&n) {
        Some("de gebruikersnaam moet 3 tot 64 tekens lang zijn")
    } else if !login
        .chars()
        .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || ".-_@".contains(c))
    {
        Some("de gebruikersnaam mag alleen letters, cijfers en . - _ @ bevatten")
    } else {
        None
    }
}

/// A fresh TOTP secret: 20 random bytes (160 bits, as RFC 4226 advises), base32 without
/// padding — what an authenticator app is given.
pub fn new_totp_secret() -> Result<String, CredentialError> {
    let mut bytes = [0u8; 20];
    getrandom::fill(&mut bytes).map_err(|_| CredentialError::NoRandomness)?;
    match totp_rs::Secret::Raw(bytes.to_vec()).to_encoded() {
        totp_rs::Secret::Encoded(s) => Ok(s.trim_end_matches('=').to_owned()),
        totp_rs::Secret::Raw(_) => Err(CredentialError::BadSecret),
    }
}

fn totp(secret: &str) -> Result<totp_rs::TOTP, CredentialError> {
    let bytes = totp_rs::Secret::Encoded(secret.trim().to_uppercase())
        .to_bytes()
        .map_err(|_| CredentialError::BadSecret)?;
    totp_rs::TOTP::new(
        totp_rs::Algorithm::SHA1,
        TOTP_DIGITS,
        1,
        TOTP_STEP_SECONDS,
        bytes,
    )
    .map_err(|_| CredentialError::BadSecret)
}

/// The TOTP step of an instant (seconds since 1970 divided by 30).
pub fn totp_step(now: chrono::DateTime<chrono::Utc>) -> u64 {
    u64::try_from(now.timestamp()).unwrap_or(0) / TOTP_STEP_SECONDS
}

/// The code of `secret` at `now` (for the demo and tests; a person reads it from their app).
pub fn totp_code(
    secret: &str,
    now: chrono::DateTime<chrono::Utc>,
) -> Result<String, CredentialError> {
    Ok(totp(secret)?.generate(totp_step(now) * TOTP_STEP_SECONDS))
}

/// The step whose code `code` is, if it is the code of `secret` at `now` or one step before
/// or after (clock drift). Whether that step was used before is the caller's question (the
/// store records the last step accepted). Every candidate is compared in constant time.
pub fn totp_matching_step(
    secret: &str,
    code: &str,
    now: chrono::DateTime<chrono::Utc>,
) -> Result<Option<u64>, CredentialError> {
    let totp = totp(secret)?;
    let code = code.trim();
    let now = totp_step(now);
    let mut found = None;
    for step in [now.saturating_sub(1), now, now + 1] {
        let expected = totp.generate(step * TOTP_STEP_SECONDS);
        if bool::from(expected.as_bytes().ct_eq(code.as_bytes())) {
            found = Some(step);
        }
    }
    Ok(found)
}

/// The `otpauth://` URI an authenticator app reads (usually as a QR code).
pub fn totp_uri(secret: &str, login: &str) -> String {
    let label: String = login
        .chars()
        .map(|c| match c {
            '@' => "%40".to_owned(),
            c if c.is_ascii_alphanumeric() || ".-_".contains(c) => c.to_string(),
            c => format!("%{:02X}", u32::from(c) & 0xff),
        })
        .collect();
    format!(
        "otpauth://totp/{TOTP_ISSUER}:{label}?secret={secret}&issuer={TOTP_ISSUER}&algorithm=SHA1&digits={TOTP_DIGITS}&period={TOTP_STEP_SECONDS}"
    )
}

/// How long to wait before answering a failed attempt when there have been `failures`
/// consecutive failures (this one included): `unit × 2^(failures − 1)`, at most
/// `unit × 16`; none before the first failure. With the standard unit (250 ms): 250 ms,
/// 500 ms, 1 s, 2 s, then 4 s.
pub fn failure_delay(unit: Duration, failures: u32) -> Duration {
    if failures == 0 {
        return Duration::ZERO;
    }
    let factor = 1u32
        .checked_shl(failures - 1)
        .unwrap_or(u32::MAX)
        .min(MAX_DELAY_FACTOR);
    unit.saturating_mul(factor)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(seconds: i64) -> chrono::DateTime<chrono::Utc> {
        chrono::DateTime::from_timestamp(seconds, 0).expect("time")
    }

    #[test]
    fn a_password_hash_is_argon2id_with_owasp_parameters_and_a_random_salt() {
        let a = hash_password("correct paard batterij").expect("hash");
        let b = hash_password("correct paard batterij").expect("hash");
        assert!(a.starts_with("$argon2id$v=19$m=19456,t=2,p=1$"), "{a}");
        assert_ne!(a, b, "a fresh salt each time");
        assert!(verify_password(&a, "correct paard batterij"));
        assert!(!verify_password(&a, "correct paard batterij!"));
        assert!(!verify_password("geen hash", "correct paard batterij"));
        dummy_verify("wat dan ook");
    }

    #[test]
    fn weak_passwords_are_refused_in_dutch() {
        assert_eq!(
            password_problem("kort", "a.jansen"),
            Some("het wachtwoord moet minstens 12 tekens lang zijn")
        );
        assert!(password_problem("xxA.Jansen2026!!", "a.jansen").is_some());
        assert!(password_problem("aaaaaaaaaaaaaaa", "a.jansen").is_some());
        assert!(password_problem(&"ab".repeat(200), "a.jansen").is_some());
        assert_eq!(password_problem("paard-batterij-nietje", "a.jansen"), None);
        assert_eq!(login_problem("A.Jansen@heidestad"), None);
        assert!(login_problem("ab").is_some());
        assert!(login_problem("a jansen").is_some());
    }

    #[test]
    fn rfc_6238_test_vectors_with_six_digits() {
        // RFC 6238 appendix B, SHA-1 secret "12345678901234567890", truncated to 6 digits.
        let secret = match totp_rs::Secret::Raw(b"12345678901234567890".to_vec()).to_encoded() {
            totp_rs::Secret::Encoded(s) => s,
            totp_rs::Secret::Raw(_) => unreachable!("encoded"),
        };
        for (t, code) in [
            (59, "287082"),
            (1_111_111_109, "081804"),
            (1_234_567_890, "005924"),
            (2_000_000_000, "279037"),
        ] {
            assert_eq!(totp_code(&secret, at(t)).expect("code"), code, "{t}");
        }
    }

    #[test]
    fn a_code_is_accepted_one_step_early_or_late_and_not_two() {
        let secret = new_totp_secret().expect("secret");
        assert_eq!(secret.len(), 32);
        let now = at(1_800_000_000);
        let step = totp_step(now);
        for (offset, accepted) in [
            (-60, false),
            (-30, true),
            (0, true),
            (30, true),
            (60, false),
        ] {
            let code = totp_code(&secret, at(1_800_000_000 + offset)).expect("code");
            let found = totp_matching_step(&secret, &code, now).expect("checked");
            if accepted {
                assert_eq!(
                    found,
                    Some(step.wrapping_add_signed(offset / 30)),
                    "{offset}"
                );
            } else {
                assert_eq!(found, None, "{offset}");
            }
        }
        assert_eq!(totp_matching_step(&secret, "", now), Ok(None));
        assert_eq!(
            totp_matching_step("!!", "123456", now),
            Err(CredentialError::BadSecret)
        );
    }

    #[test]
    fn the_otpauth_uri_names_the_issuer_the_account_and_the_parameters() {
        assert_eq!(
            totp_uri("JBSWY3DPEHPK3PXP", "a.jansen@heidestad"),
            "otpauth://totp/AVE-regie:a.jansen%40heidestad?secret=JBSWY3DPEHPK3PXP&issuer=AVE-regie&algorithm=SHA1&digits=6&period=30"
        );
    }

    #[test]
    fn every_failure_doubles_the_delay_up_to_four_seconds() {
        let ms = |n| failure_delay(DELAY_UNIT, n).as_millis();
        assert_eq!(
            (0..=8).map(ms).collect::<Vec<_>>(),
            [0, 250, 500, 1000, 2000, 4000, 4000, 4000, 4000]
        );
        assert_eq!(ms(u32::MAX), 4000);
    }
}
