//! Password key derivation: argon2id parameters, kept beside every
//! credential a password or recovery code opens, so they can be raised and
//! each credential upgraded at its next use. A sign-in costs exactly one
//! derivation, and the derivation is the only way to check a password (its
//! output opens the wrapped root key or it does not), so a stolen database
//! offers one target for guessing at this cost. Derivation is CPU- and
//! memory-heavy: callers run it off the async threads.

use std::fmt;

use argon2::{Algorithm, Argon2, Params, Version};
use zeroize::Zeroize;

use crate::crypto::{CryptoError, Key};

/// argon2id cost parameters.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct KdfParams {
    /// Memory in KiB.
    pub m_kib: u32,
    /// Passes over the memory.
    pub t: u32,
    /// Lanes.
    pub p: u32,
}

impl KdfParams {
    /// Today's default: 64 MiB, 3 passes, 1 lane (see ARCHITECTURE.md and
    /// SECURITY.md for the figures and the reasoning).
    pub const PRODUCTION: KdfParams = KdfParams {
        m_kib: 64 * 1024,
        t: 3,
        p: 1,
    };

    /// What credentials made before parameters were recorded used (the
    /// argon2 crate's defaults of the time: 19 MiB, 2 passes, 1 lane).
    pub const LEGACY: KdfParams = KdfParams {
        m_kib: 19 * 1024,
        t: 2,
        p: 1,
    };

    /// Cheap parameters so test suites stay fast. Never for real accounts.
    pub const TESTING: KdfParams = KdfParams {
        m_kib: 64,
        t: 1,
        p: 1,
    };

    /// The parameters of a stored credential (`None`: [`KdfParams::LEGACY`]).
    pub fn of_stored(stored: Option<&str>) -> Result<KdfParams, CryptoError> {
        match stored {
            None => Ok(KdfParams::LEGACY),
            Some(text) => text.parse(),
        }
    }

    fn argon2(&self) -> Result<Argon2<'static>, CryptoError> {
        let params = Params::new(self.m_kib, self.t, self.p, Some(32))
            .map_err(|e| CryptoError::Kdf(e.to_string()))?;
        Ok(Argon2::new(Algorithm::Argon2id, Version::V0x13, params))
    }

    /// Derives a key-wrapping key from a password or recovery code. Blocks
    /// for as long as the parameters say: call it off the async threads.
    pub fn derive(&self, secret: &[u8], salt: &[u8]) -> Result<Key, CryptoError> {
        let mut out = [0u8; 32];
        self.argon2()?
            .hash_password_into(secret, salt, &mut out)
            .map_err(|e| CryptoError::Kdf(e.to_string()))?;
        let key = Key::from_slice(&out);
        out.zeroize();
        key
    }
}

impl fmt::Display for KdfParams {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "argon2id;m={};t={};p={}", self.m_kib, self.t, self.p)
    }
}

impl std::str::FromStr for KdfParams {
    type Err = CryptoError;

    /// Reads `argon2id;m=65536;t=3;p=1` (also with `,` between the parts,
    /// and without the `argon2id` prefix, as operators write it).
    fn from_str(s: &str) -> Result<KdfParams, CryptoError> {
        let bad = || {
            CryptoError::Kdf(format!(
                "\"{s}\" is not argon2id parameters such as m=65536,t=3,p=1"
            ))
        };
        let (mut m, mut t, mut p) = (None, None, None);
        for part in s.split([';', ',']).map(str::trim).filter(|x| !x.is_empty()) {
            if part == "argon2id" {
                continue;
            }
            let (k, v) = part.split_once('=').ok_or_else(bad)?;
            let v: u32 = v.trim().parse().map_err(|_| bad())?;
            match k.trim() {
                "m" => m = Some(v),
                "t" => t = Some(v),
                "p" => p = Some(v),
                _ => return Err(bad()),
            }
        }
        let params = KdfParams {
            m_kib: m.ok_or_else(bad)?,
            t: t.ok_or_else(bad)?,
            p: p.ok_or_else(bad)?,
        };
        params.argon2()?;
        Ok(params)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parameters_read_back_what_they_write() {
        for params in [KdfParams::PRODUCTION, KdfParams::LEGACY, KdfParams::TESTING] {
            assert_eq!(params.to_string().parse::<KdfParams>().unwrap(), params);
        }
        assert_eq!(
            "m=65536, t=3, p=1".parse::<KdfParams>().unwrap(),
            KdfParams::PRODUCTION
        );
        assert_eq!(KdfParams::of_stored(None).unwrap(), KdfParams::LEGACY);
    }

    #[test]
    fn impossible_parameters_are_refused() {
        for bad in [
            "",
            "m=1,t=1,p=1",
            "m=65536,t=0,p=1",
            "m=x,t=3,p=1",
            "q=1,m=8,t=1,p=1",
        ] {
            assert!(bad.parse::<KdfParams>().is_err(), "{bad}");
        }
    }

    #[test]
    fn the_production_default_is_at_least_64_mib_and_three_passes() {
        let p = KdfParams::PRODUCTION;
        assert!(p.m_kib >= 64 * 1024 && p.t >= 3, "{p}");
    }

    #[test]
    fn legacy_parameters_derive_what_the_argon2_default_derived() {
        let salt = [7u8; 16];
        let mut expected = [0u8; 32];
        Argon2::default()
            .hash_password_into(b"pw", &salt, &mut expected)
            .unwrap();
        let key = KdfParams::LEGACY.derive(b"pw", &salt).unwrap();
        assert_eq!(key.as_bytes(), &expected);
    }

    #[test]
    fn different_parameters_derive_different_keys() {
        let salt = [1u8; 16];
        let a = KdfParams::TESTING.derive(b"pw", &salt).unwrap();
        let b = KdfParams {
            t: 2,
            ..KdfParams::TESTING
        }
        .derive(b"pw", &salt)
        .unwrap();
        assert_ne!(a, b);
    }
}
