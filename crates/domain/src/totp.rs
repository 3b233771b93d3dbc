//! Time-based one-time codes (RFC 6238) for a second factor, as any
//! authenticator app makes them: HMAC-SHA-1, six digits, 30-second steps,
//! one step of clock drift either way (the maintained `totp-rs` crate does
//! the arithmetic). A code is accepted only for a step later than the last
//! one used, so a code seen once — typed, overheard, replayed — is refused
//! a second time. Pure: the time is passed in.

use thiserror::Error;
use totp_rs::{Algorithm, TOTP};

/// Seconds a code lasts.
pub const STEP: u64 = 30;
/// Digits in a code.
pub const DIGITS: usize = 6;
/// Steps of clock drift accepted either way.
pub const SKEW: u8 = 1;
/// Bytes of a new secret (160 bits, RFC 4226's recommendation).
pub const SECRET_BYTES: usize = 20;

#[derive(Debug, Error, Clone, PartialEq, Eq)]
pub enum TotpError {
    #[error("A code is {DIGITS} digits, like 123456.")]
    Malformed,
    #[error("That code is not right, or has expired: try the one your app shows now.")]
    Wrong,
    #[error("That code was used already: wait for the next one.")]
    Replayed,
    #[error("The secret is too short (at least 16 bytes).")]
    WeakSecret,
}

/// One person's code generator.
#[derive(Clone)]
pub struct Totp {
    inner: TOTP,
}

impl std::fmt::Debug for Totp {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Totp(…)")
    }
}

impl Totp {
    /// From a secret of at least 128 bits.
    pub fn from_secret(secret: Vec<u8>) -> Result<Totp, TotpError> {
        Self::with_digits(secret, DIGITS)
    }

    fn with_digits(secret: Vec<u8>, digits: usize) -> Result<Totp, TotpError> {
        TOTP::new(Algorithm::SHA1, digits, SKEW, STEP, secret)
            .map(|inner| Totp { inner })
            .map_err(|_| TotpError::WeakSecret)
    }

    /// From the secret as people type it (base32, any case, spaces and
    /// padding ignored).
    pub fn from_base32(text: &str) -> Result<Totp, TotpError> {
        let cleaned: String = text
            .chars()
            .filter(|c| !c.is_whitespace() && *c != '=' && *c != '-')
            .map(|c| c.to_ascii_uppercase())
            .collect();
        let bytes = base32::decode(base32::Alphabet::Rfc4648 { padding: false }, &cleaned)
            .ok_or(TotpError::WeakSecret)?;
        Self::from_secret(bytes)
    }

    /// The raw secret, to be sealed for storage.
    pub fn secret_bytes(&self) -> &[u8] {
        &self.inner.secret
    }

    /// The secret as people type it into an app (base32, no padding).
    pub fn secret_base32(&self) -> String {
        self.inner.get_secret_base32()
    }

    /// The `otpauth://` address an app reads from a QR code.
    pub fn otpauth_uri(&self, issuer: &str, account: &str) -> String {
        format!(
            "otpauth://totp/{}:{}?secret={}&issuer={}&algorithm=SHA1&digits={DIGITS}&period={STEP}",
            encode(issuer),
            encode(account),
            self.secret_base32(),
            encode(issuer)
        )
    }

    /// The code of the step that holds `unix` (seconds).
    pub fn code_at(&self, unix: u64) -> String {
        self.inner.generate(unix)
    }

    /// The step (`unix / STEP`) of the code, when `code` is right at `unix`
    /// within one step either way and later than `last_used`.
    pub fn verify(&self, code: &str, unix: u64, last_used: Option<u64>) -> Result<u64, TotpError> {
        let code: String = code.chars().filter(|c| !c.is_whitespace()).collect();
        if code.len() != self.inner.digits || !code.bytes().all(|b| b.is_ascii_digit()) {
            return Err(TotpError::Malformed);
        }
        let now = unix / STEP;
        let mut replayed = false;
        for step in now.saturating_sub(u64::from(SKEW))..=now + u64::from(SKEW) {
            let expected = self.inner.generate(step * STEP);
            if !same(expected.as_bytes(), code.as_bytes()) {
                continue;
            }
            if last_used.is_some_and(|used| step <= used) {
                replayed = true;
                continue;
            }
            return Ok(step);
        }
        Err(if replayed {
            TotpError::Replayed
        } else {
            TotpError::Wrong
        })
    }
}

/// Constant-time comparison of equal-length codes.
fn same(a: &[u8], b: &[u8]) -> bool {
    a.len() == b.len() && a.iter().zip(b).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
}

/// Percent-encodes all but RFC 3986's unreserved characters.
fn encode(s: &str) -> String {
    s.bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'.' | b'_' | b'~' => {
                (b as char).to_string()
            }
            _ => format!("%{b:02X}"),
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    /// RFC 6238 appendix B, SHA-1: the secret and (time, eight digits).
    const RFC_SECRET: &[u8] = b"12345678901234567890";
    const RFC_VECTORS: [(u64, &str); 6] = [
        (59, "94287082"),
        (1_111_111_109, "07081804"),
        (1_111_111_111, "14050471"),
        (1_234_567_890, "89005924"),
        (2_000_000_000, "69279037"),
        (20_000_000_000, "65353130"),
    ];

    #[test]
    fn codes_are_those_of_rfc_6238() {
        let eight = Totp::with_digits(RFC_SECRET.to_vec(), 8).unwrap();
        let six = Totp::from_secret(RFC_SECRET.to_vec()).unwrap();
        for (t, code) in RFC_VECTORS {
            assert_eq!(eight.code_at(t), code, "at {t}");
            assert_eq!(six.code_at(t), code[2..], "six digits at {t}");
        }
    }

    #[test]
    fn a_code_is_taken_once_and_a_step_of_drift_either_way() {
        let totp = Totp::from_secret(RFC_SECRET.to_vec()).unwrap();
        let t = 1_111_111_111;
        let code = totp.code_at(t);
        let step = totp.verify(&code, t, None).unwrap();
        assert_eq!(step, t / STEP);
        assert_eq!(totp.verify(&code, t, Some(step)), Err(TotpError::Replayed));
        // The app's clock 30 s behind or ahead still works…
        assert!(totp.verify(&totp.code_at(t - STEP), t, None).is_ok());
        assert!(totp.verify(&totp.code_at(t + STEP), t, None).is_ok());
        // …two steps off does not.
        assert_eq!(
            totp.verify(&totp.code_at(t - 2 * STEP), t, None),
            Err(TotpError::Wrong)
        );
        // An older code after a newer one was used is a replay too.
        let newer = totp.verify(&totp.code_at(t + STEP), t, None).unwrap();
        assert_eq!(
            totp.verify(&totp.code_at(t), t, Some(newer)),
            Err(TotpError::Replayed)
        );
    }

    #[test]
    fn malformed_codes_and_weak_secrets_are_named() {
        let totp = Totp::from_secret(RFC_SECRET.to_vec()).unwrap();
        for bad in ["", "12345", "1234567", "12a456"] {
            assert_eq!(
                totp.verify(bad, 59, None),
                Err(TotpError::Malformed),
                "{bad}"
            );
        }
        assert!(
            totp.verify(" 287 082 ", 59, None).is_ok(),
            "spaces are ignored"
        );
        assert_eq!(
            Totp::from_secret(vec![1; 10]).err(),
            Some(TotpError::WeakSecret)
        );
    }

    #[test]
    fn the_otpauth_address_carries_the_secret_and_escapes_names() {
        let totp = Totp::from_secret(RFC_SECRET.to_vec()).unwrap();
        assert_eq!(totp.secret_base32(), "GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ");
        assert_eq!(
            totp.otpauth_uri("Between", "ada lovelace"),
            "otpauth://totp/Between:ada%20lovelace?secret=GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ&issuer=Between&algorithm=SHA1&digits=6&period=30"
        );
    }

    #[test]
    fn a_typed_secret_reads_back_in_any_case_and_spacing() {
        let totp = Totp::from_base32("gezd gnbv gy3t qojq gezd gnbv gy3t qojq").unwrap();
        assert_eq!(totp.secret_bytes(), RFC_SECRET);
        assert_eq!(
            Totp::from_base32("GEZDGNBV").err(),
            Some(TotpError::WeakSecret)
        );
        assert_eq!(
            Totp::from_base32("not base32!").err(),
            Some(TotpError::WeakSecret)
        );
    }

    proptest! {
        #[test]
        fn any_code_verifies_at_its_time_and_never_twice(
            secret in proptest::collection::vec(any::<u8>(), SECRET_BYTES),
            t in 60u64..4_000_000_000,
        ) {
            let totp = Totp::from_secret(secret).unwrap();
            let code = totp.code_at(t);
            let step = totp.verify(&code, t, None).unwrap();
            prop_assert_eq!(step, t / STEP);
            prop_assert_eq!(totp.verify(&code, t, Some(step)), Err(TotpError::Replayed));
        }
    }
}
