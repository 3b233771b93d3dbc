//! Who this server is to a passkey: the WebAuthn relying party, from the
//! deployment's public address. A relying-party ID must be a host name, so
//! with an IP address (the default `http://127.0.0.1:8080`) passkeys are
//! unavailable and say why; `localhost` works over plain http (browsers
//! treat it as secure), anything else needs https. Passkeys are bound to
//! the host: changing it later leaves every passkey unusable.

use std::fmt;

use url::{Host, Url};
use webauthn_rs::{Webauthn, WebauthnBuilder};

/// The relying party, or why there is none.
pub enum RelyingParty {
    Available(Box<Webauthn>),
    Unavailable(String),
}

impl fmt::Debug for RelyingParty {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            RelyingParty::Available(_) => f.write_str("RelyingParty::Available"),
            RelyingParty::Unavailable(why) => write!(f, "RelyingParty::Unavailable({why:?})"),
        }
    }
}

/// The name passkey prompts show.
pub const RP_NAME: &str = "Between";

impl RelyingParty {
    /// From the address people open the site at (`--public-url`).
    pub fn from_public_url(public_url: Option<&str>) -> RelyingParty {
        let unavailable = |why: String| RelyingParty::Unavailable(why);
        let Some(address) = public_url.map(str::trim).filter(|a| !a.is_empty()) else {
            return unavailable(
                "Passkeys need the address people open Between at (--public-url), with a host name.".into(),
            );
        };
        let url = match Url::parse(address) {
            Ok(url) => url,
            Err(_) => {
                return unavailable(format!(
                    "Passkeys are unavailable: \"{address}\" is not a web address."
                ))
            }
        };
        let host = match url.host() {
            Some(Host::Domain(host)) => host.to_string(),
            Some(Host::Ipv4(_) | Host::Ipv6(_)) => {
                return unavailable(format!(
                    "Passkeys are unavailable here: this server is reached at an IP address ({address}), and a passkey needs a host name. The operator can set --public-url to a name such as https://between.example.org."
                ))
            }
            None => {
                return unavailable(format!(
                    "Passkeys are unavailable: \"{address}\" has no host."
                ))
            }
        };
        if url.scheme() != "https" && host != "localhost" {
            return unavailable(format!(
                "Passkeys are unavailable here: browsers offer them only over https (or on localhost), and this server is at {address}."
            ));
        }
        let origin = match Url::parse(&url.origin().ascii_serialization()) {
            Ok(origin) => origin,
            Err(_) => return unavailable(format!("\"{address}\" has no origin.")),
        };
        match WebauthnBuilder::new(&host, &origin)
            .map(|b| b.rp_name(RP_NAME))
            .and_then(|b| b.build())
        {
            Ok(webauthn) => RelyingParty::Available(Box::new(webauthn)),
            Err(err) => unavailable(format!("Passkeys are unavailable: {err}.")),
        }
    }

    pub fn webauthn(&self) -> Result<&Webauthn, &str> {
        match self {
            RelyingParty::Available(w) => Ok(w),
            RelyingParty::Unavailable(why) => Err(why),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_host_name_is_needed_and_https_but_on_localhost() {
        for ok in [
            "https://between.example.org",
            "https://between.example.org/",
            "http://localhost:8080",
        ] {
            assert!(
                RelyingParty::from_public_url(Some(ok)).webauthn().is_ok(),
                "{ok}"
            );
        }
        for (bad, says) in [
            ("http://127.0.0.1:8080", "IP address"),
            ("http://[::1]:8080", "IP address"),
            ("http://between.example.org", "https"),
            ("not a url", "not a web address"),
        ] {
            let why = RelyingParty::from_public_url(Some(bad))
                .webauthn()
                .err()
                .map(str::to_string)
                .unwrap_or_default();
            assert!(why.contains(says), "{bad}: {why}");
        }
        assert!(RelyingParty::from_public_url(None).webauthn().is_err());
    }
}
