//! The server's VAPID key pair (RFC 8292): a P-256 key that signs a short
//! JWT on every push request, so push services know the sender; browsers
//! bind each subscription to its public half. Kept like the server key:
//! `BETWEEN_VAPID_PRIVATE_KEY`, else `vapid.key` in the config directory
//! (`serve` on SQLite makes one); several instances share one, and the
//! store records its fingerprint so an instance with another key sends no
//! push rather than breaking every subscription.

use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine;
use jiff::Timestamp;
use p256::ecdsa::signature::Signer;
use p256::ecdsa::{Signature, SigningKey};
use sha2::Digest;

/// The store's record of which VAPID key push subscriptions were made for.
pub const META_KEY: &str = "reminder_vapid_key";

/// The key file's name in the config directory.
pub const FILE_NAME: &str = "vapid.key";

/// The environment variable that may hold the private key.
pub const ENV: &str = "BETWEEN_VAPID_PRIVATE_KEY";

pub struct Vapid {
    key: SigningKey,
    public: String,
    fingerprint: String,
    contact: String,
}

impl std::fmt::Debug for Vapid {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "Vapid({})", self.fingerprint)
    }
}

impl Vapid {
    pub fn generate(contact: &str) -> Vapid {
        Vapid::from_key(SigningKey::random(&mut rand::rngs::OsRng), contact)
    }

    fn from_key(key: SigningKey, contact: &str) -> Vapid {
        let point = key.verifying_key().to_encoded_point(false);
        let public = URL_SAFE_NO_PAD.encode(point.as_bytes());
        let digest = sha2::Sha256::digest(point.as_bytes());
        let fingerprint = digest[..8].iter().map(|b| format!("{b:02x}")).collect();
        Vapid {
            key,
            public,
            fingerprint,
            contact: contact.to_string(),
        }
    }

    /// Reads the private key: 32 bytes in URL-safe base64, as
    /// [`Vapid::encoded`] writes it (the form web-push tools print).
    pub fn parse(text: &str, contact: &str) -> Result<Vapid, String> {
        let bytes = URL_SAFE_NO_PAD
            .decode(text.trim().trim_end_matches('='))
            .map_err(|_| "the VAPID key is not URL-safe base64".to_string())?;
        let key = SigningKey::from_slice(&bytes)
            .map_err(|_| "the VAPID key is not a P-256 private key (32 bytes)".to_string())?;
        Ok(Vapid::from_key(key, contact))
    }

    pub fn encoded(&self) -> String {
        URL_SAFE_NO_PAD.encode(self.key.to_bytes())
    }

    /// The public key as browsers take it (`applicationServerKey`): the
    /// uncompressed point, URL-safe base64.
    pub fn public_key(&self) -> &str {
        &self.public
    }

    pub fn fingerprint(&self) -> &str {
        &self.fingerprint
    }

    /// The `Authorization` header for a push to `endpoint`: `vapid t=JWT,
    /// k=PUBLIC KEY`, the JWT for the endpoint's origin, valid 12 hours.
    pub fn authorization(&self, endpoint: &url::Url, now: Timestamp) -> String {
        let audience = endpoint.origin().ascii_serialization();
        let header = URL_SAFE_NO_PAD.encode(br#"{"typ":"JWT","alg":"ES256"}"#);
        let claims = serde_json::json!({
            "aud": audience,
            "exp": now.as_second() + 12 * 3600,
            "sub": self.contact,
        });
        let claims = URL_SAFE_NO_PAD.encode(claims.to_string());
        let signing_input = format!("{header}.{claims}");
        let signature: Signature = self.key.sign(signing_input.as_bytes());
        let token = format!(
            "{signing_input}.{}",
            URL_SAFE_NO_PAD.encode(signature.to_bytes())
        );
        format!("vapid t={token}, k={}", self.public)
    }
}
