//! The cryptographic primitives Between uses, wrapped so the rest of the code
//! cannot misuse them: XChaCha20-Poly1305 with random nonces for sealing,
//! HKDF-SHA256 to separate keys by purpose (argon2id for passwords and
//! recovery codes lives in `kdf`). No hand-written cryptography.

use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine;
use chacha20poly1305::aead::{Aead, KeyInit, Payload};
use chacha20poly1305::{XChaCha20Poly1305, XNonce};
use hkdf::Hkdf;
use rand::rngs::OsRng;
use rand::RngCore;
use sha2::Sha256;
use thiserror::Error;
use zeroize::{Zeroize, Zeroizing};

/// Version tag in front of every sealed blob, so the format can evolve.
const SEAL_V1: u8 = 1;
const NONCE_LEN: usize = 24;

#[derive(Debug, Error, PartialEq, Eq)]
pub enum CryptoError {
    #[error("the data could not be decrypted with this key")]
    Open,
    #[error("the key derivation failed: {0}")]
    Kdf(String),
}

/// A 256-bit symmetric key, wiped from memory when dropped.
#[derive(Clone, PartialEq, Eq)]
pub struct Key(Zeroizing<[u8; 32]>);

/// Its bytes are wiped when it is dropped (by the `Zeroizing` inside).
impl zeroize::ZeroizeOnDrop for Key {}

impl std::fmt::Debug for Key {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Key(…)")
    }
}

impl Key {
    pub fn random() -> Key {
        let mut bytes = [0u8; 32];
        OsRng.fill_bytes(&mut bytes);
        let key = Key(Zeroizing::new(bytes));
        bytes.zeroize();
        key
    }

    /// Copies the key straight into its zeroized home (no stray copy on
    /// the stack).
    pub fn from_slice(bytes: &[u8]) -> Result<Key, CryptoError> {
        if bytes.len() != 32 {
            return Err(CryptoError::Open);
        }
        let mut key = Key(Zeroizing::new([0u8; 32]));
        key.0.copy_from_slice(bytes);
        Ok(key)
    }

    pub fn as_bytes(&self) -> &[u8; 32] {
        &self.0
    }
}

/// Encrypts and authenticates `plaintext`, binding it to `aad` (the record
/// it belongs to) so ciphertext cannot be moved between records or users.
pub fn seal(key: &Key, aad: &[u8], plaintext: &[u8]) -> Vec<u8> {
    let cipher = XChaCha20Poly1305::new(key.as_bytes().into());
    let mut nonce = [0u8; NONCE_LEN];
    OsRng.fill_bytes(&mut nonce);
    let ciphertext = cipher
        .encrypt(
            XNonce::from_slice(&nonce),
            Payload {
                msg: plaintext,
                aad,
            },
        )
        .unwrap_or_default(); // only fails for inputs beyond 256 GiB
    let mut out = Vec::with_capacity(1 + NONCE_LEN + ciphertext.len());
    out.push(SEAL_V1);
    out.extend_from_slice(&nonce);
    out.extend_from_slice(&ciphertext);
    out
}

/// Decrypts what `seal` produced with the same key and `aad`.
pub fn open(key: &Key, aad: &[u8], sealed: &[u8]) -> Result<Zeroizing<Vec<u8>>, CryptoError> {
    if sealed.len() < 1 + NONCE_LEN + 16 || sealed[0] != SEAL_V1 {
        return Err(CryptoError::Open);
    }
    let cipher = XChaCha20Poly1305::new(key.as_bytes().into());
    let nonce = XNonce::from_slice(&sealed[1..1 + NONCE_LEN]);
    cipher
        .decrypt(
            nonce,
            Payload {
                msg: &sealed[1 + NONCE_LEN..],
                aad,
            },
        )
        .map(Zeroizing::new)
        .map_err(|_| CryptoError::Open)
}

/// Derives an independent key for one `purpose` from a high-entropy secret.
pub fn derive(secret: &[u8], purpose: &str) -> Key {
    let hk = Hkdf::<Sha256>::new(None, secret);
    let mut okm = [0u8; 32];
    let info = format!("between/v1/{purpose}");
    // 32 bytes is far below HKDF-SHA256's 8160-byte limit.
    let _ = hk.expand(info.as_bytes(), &mut okm);
    let key = Key(Zeroizing::new(okm));
    okm.zeroize();
    key
}

/// A stable id for something imported, keyed so that nobody without `key`
/// can tell what it was made from (HMAC-SHA256, as HKDF-Expand of a key
/// derived for this purpose), and different for every account. The bytes
/// are shaped as a UUID version 8.
pub fn keyed_id(key: &Key, source: &str) -> uuid::Uuid {
    let purpose = derive(key.as_bytes(), "import-id");
    let mut bytes = [0u8; 16];
    if let Ok(hk) = Hkdf::<Sha256>::from_prk(purpose.as_bytes()) {
        let _ = hk.expand(source.as_bytes(), &mut bytes);
    }
    bytes[6] = (bytes[6] & 0x0f) | 0x80;
    bytes[8] = (bytes[8] & 0x3f) | 0x80;
    uuid::Uuid::from_bytes(bytes)
}

pub fn random_bytes<const N: usize>() -> [u8; N] {
    let mut bytes = [0u8; N];
    OsRng.fill_bytes(&mut bytes);
    bytes
}

/// A new X25519 key pair for receiving keys from others (a therapist's kind
/// keys, sealed by a client): (secret, public).
pub fn new_identity() -> (Key, [u8; 32]) {
    let secret = crypto_box::SecretKey::generate(&mut crypto_box::aead::OsRng);
    let public = secret.public_key().to_bytes();
    let bytes = Zeroizing::new(secret.to_bytes());
    (Key(bytes), public) // `secret` wipes itself when dropped
}

/// The public half of an X25519 secret made by [`new_identity`].
pub fn public_of(secret: &Key) -> [u8; 32] {
    crypto_box::SecretKey::from_bytes(*secret.as_bytes())
        .public_key()
        .to_bytes()
}

/// A key both sides of a pair of X25519 key pairs can compute and nobody
/// else can: the Diffie-Hellman secret of `secret` and `their_public`,
/// through HKDF for `purpose`. `None` for a public key that is not a
/// point of the curve's large subgroup (the shared secret would be zero).
pub fn agree(secret: &Key, their_public: &[u8], purpose: &str) -> Option<Key> {
    let public: [u8; 32] = their_public.try_into().ok()?;
    let mut shared =
        curve25519_dalek::montgomery::MontgomeryPoint(public).mul_clamped(*secret.as_bytes());
    let zero = shared.0.iter().all(|b| *b == 0);
    let key = derive(&shared.0, purpose);
    shared.0.zeroize();
    (!zero).then_some(key)
}

/// Seals `plaintext` so that only the holder of the secret key of `public`
/// opens it (a libsodium sealed box).
pub fn seal_to(public: &[u8], plaintext: &[u8]) -> Result<Vec<u8>, CryptoError> {
    let bytes: [u8; 32] = public.try_into().map_err(|_| CryptoError::Open)?;
    crypto_box::PublicKey::from_bytes(bytes)
        .seal(&mut crypto_box::aead::OsRng, plaintext)
        .map_err(|_| CryptoError::Open)
}

/// Opens what [`seal_to`] sealed for this secret key.
pub fn open_sealed(secret: &Key, sealed: &[u8]) -> Result<Zeroizing<Vec<u8>>, CryptoError> {
    crypto_box::SecretKey::from_bytes(*secret.as_bytes())
        .unseal(sealed)
        .map(Zeroizing::new)
        .map_err(|_| CryptoError::Open)
}

/// Whether two byte strings are equal, in time independent of where they
/// differ (for MACs and tokens).
pub fn same_bytes(a: &[u8], b: &[u8]) -> bool {
    a.len() == b.len() && a.iter().zip(b).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
}

/// A new high-entropy secret for a session, device login or token, as text.
pub fn new_secret() -> String {
    URL_SAFE_NO_PAD.encode(random_bytes::<32>())
}

/// A recovery code people can write down: 25 characters of Crockford base32
/// (125 bits) in groups of five.
pub fn new_recovery_code() -> String {
    const ALPHABET: &[u8] = b"0123456789ABCDEFGHJKMNPQRSTVWXYZ";
    let bytes = random_bytes::<25>();
    let chars: Vec<char> = bytes
        .iter()
        .map(|b| ALPHABET[(*b & 31) as usize] as char)
        .collect();
    chars
        .chunks(5)
        .map(|c| c.iter().collect::<String>())
        .collect::<Vec<_>>()
        .join("-")
}

/// Recovery codes are compared without dashes, spaces or case, and with
/// the letters people confuse with digits mapped as Crockford does.
pub fn normalise_recovery_code(code: &str) -> String {
    code.chars()
        .filter(|c| c.is_ascii_alphanumeric())
        .map(|c| match c.to_ascii_uppercase() {
            'O' => '0',
            'I' | 'L' => '1',
            other => other,
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn both_sides_of_a_pair_agree_on_one_key_and_a_third_cannot() {
        let (a, a_public) = new_identity();
        let (b, b_public) = new_identity();
        let (c, _) = new_identity();
        let ab = agree(&a, &b_public, "link|1").unwrap();
        assert_eq!(ab, agree(&b, &a_public, "link|1").unwrap());
        assert_ne!(ab, agree(&c, &a_public, "link|1").unwrap());
        assert_ne!(ab, agree(&a, &b_public, "link|2").unwrap());
        // A low-order point would give everyone the same "secret".
        assert!(agree(&a, &[0u8; 32], "link|1").is_none());
        let mut one = [0u8; 32];
        one[0] = 1;
        assert!(agree(&a, &one, "link|1").is_none());
        assert!(agree(&a, &[1, 2, 3], "link|1").is_none());
    }

    #[test]
    fn a_sealed_box_opens_only_with_the_recipients_secret() {
        let (secret, public) = new_identity();
        let (other, _) = new_identity();
        let sealed = seal_to(&public, b"kind key").unwrap();
        assert_eq!(&open_sealed(&secret, &sealed).unwrap()[..], b"kind key");
        assert_eq!(open_sealed(&other, &sealed), Err(CryptoError::Open));
        assert!(seal_to(&[1, 2, 3], b"x").is_err());
    }

    #[test]
    fn sealed_data_opens_only_with_its_key_and_aad() {
        let key = Key::random();
        let sealed = seal(&key, b"entry:1", b"dear diary");
        assert_eq!(
            open(&key, b"entry:1", &sealed).unwrap().as_slice(),
            b"dear diary"
        );
        assert_eq!(
            open(&Key::random(), b"entry:1", &sealed),
            Err(CryptoError::Open)
        );
        assert_eq!(open(&key, b"entry:2", &sealed), Err(CryptoError::Open));
        let mut tampered = sealed.clone();
        let last = tampered.len() - 1;
        tampered[last] ^= 1;
        assert_eq!(open(&key, b"entry:1", &tampered), Err(CryptoError::Open));
    }

    #[test]
    fn sealing_twice_gives_different_ciphertext() {
        let key = Key::random();
        assert_ne!(seal(&key, b"", b"same"), seal(&key, b"", b"same"));
    }

    #[test]
    fn derived_keys_differ_by_purpose_and_are_stable() {
        let secret = random_bytes::<32>();
        assert_ne!(derive(&secret, "lookup"), derive(&secret, "wrap"));
        assert_eq!(derive(&secret, "wrap"), derive(&secret, "wrap"));
    }

    #[test]
    fn recovery_codes_are_grouped_and_forgiving_to_type() {
        let code = new_recovery_code();
        assert_eq!(code.len(), 29);
        assert_eq!(code.matches('-').count(), 4);
        let typed = code.to_lowercase().replace('-', " ");
        assert_eq!(
            normalise_recovery_code(&typed),
            normalise_recovery_code(&code)
        );
    }
}
