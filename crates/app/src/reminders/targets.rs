//! Where reminders may be sent. Webhook URLs and push endpoints come from
//! people, so each is checked twice: when it is added (a clear error) and
//! at every send, after resolving its host (the answer that counts). Only
//! https to public addresses; loopback only when the deployment allows it
//! for tests (`--allow-loopback-targets`), and then plain http too.

use std::net::IpAddr;

use crate::error::AppError;

/// Longest URL accepted.
pub const MAX_URL: usize = 2048;

/// Why an address may not be reached, or `None` when it may.
pub fn refused(ip: IpAddr, allow_loopback: bool) -> Option<&'static str> {
    let ip = match ip {
        IpAddr::V6(v6) => match v6.to_ipv4_mapped() {
            Some(v4) => IpAddr::V4(v4),
            None => IpAddr::V6(v6),
        },
        other => other,
    };
    if ip.is_loopback() {
        return (!allow_loopback).then_some("a loopback address");
    }
    match ip {
        IpAddr::V4(v4) => {
            let o = v4.octets();
            if v4.is_private() {
                Some("a private address")
            } else if v4.is_link_local() {
                Some("a link-local address")
            } else if v4.is_unspecified() || o[0] == 0 {
                Some("an unspecified address")
            } else if v4.is_broadcast() || v4.is_multicast() || o[0] >= 240 {
                Some("a broadcast, multicast or reserved address")
            } else if o[0] == 100 && (o[1] & 0xc0) == 64 {
                Some("a shared (carrier-grade NAT) address")
            } else if o[0] == 192 && o[1] == 0 && (o[2] == 0 || o[2] == 2) {
                Some("a special-purpose address")
            } else if (o[0] == 198 && (o[1] & 0xfe) == 18)
                || (o[0] == 198 && o[1] == 51 && o[2] == 100)
                || (o[0] == 203 && o[1] == 0 && o[2] == 113)
            {
                Some("a benchmarking or documentation address")
            } else {
                None
            }
        }
        IpAddr::V6(v6) => {
            let s = v6.segments();
            if v6.is_unspecified() {
                Some("an unspecified address")
            } else if v6.is_multicast() {
                Some("a multicast address")
            } else if (s[0] & 0xfe00) == 0xfc00 {
                Some("a private (unique local) address")
            } else if (s[0] & 0xffc0) == 0xfe80 || (s[0] & 0xffc0) == 0xfec0 {
                Some("a link-local address")
            } else if s[0] == 0x2001 && s[1] == 0x0db8 {
                Some("a documentation address")
            } else if s[0] == 0x64 && s[1] == 0xff9b {
                Some("a translated (NAT64) address")
            } else if s[0] == 0x2002 || (s[0] == 0x2001 && s[1] == 0) {
                Some("a tunnelled (6to4 or Teredo) address")
            } else if s[..6] == [0, 0, 0, 0, 0, 0] {
                Some("an IPv4-compatible address")
            } else {
                None
            }
        }
    }
}

/// A URL a reminder may be sent to, checked as far as it can be before
/// resolving: https (http only to loopback when allowed), a host, no
/// credentials, not too long, not a refused address literal.
pub fn check_url(field: &str, text: &str, allow_loopback: bool) -> Result<url::Url, AppError> {
    let text = text.trim();
    if text.len() > MAX_URL {
        return Err(AppError::invalid(
            field,
            format!("The address is longer than {MAX_URL} characters."),
        ));
    }
    let url = url::Url::parse(text)
        .map_err(|e| AppError::invalid(field, format!("\"{text}\" is not a web address: {e}.")))?;
    let host = url
        .host()
        .ok_or_else(|| AppError::invalid(field, "The address has no host."))?;
    if !url.username().is_empty() || url.password().is_some() {
        return Err(AppError::invalid(
            field,
            "The address may not carry a user name or password.",
        ));
    }
    let literal: Option<IpAddr> = match host {
        url::Host::Ipv4(v4) => Some(IpAddr::V4(v4)),
        url::Host::Ipv6(v6) => Some(IpAddr::V6(v6)),
        url::Host::Domain(d) if d.eq_ignore_ascii_case("localhost") => {
            Some(IpAddr::V4(std::net::Ipv4Addr::LOCALHOST))
        }
        url::Host::Domain(_) => None,
    };
    let loopback = literal.is_some_and(|ip| ip.is_loopback());
    match url.scheme() {
        "https" => {}
        "http" if allow_loopback && loopback => {}
        _ => {
            return Err(AppError::invalid(
                field,
                "Only https addresses are allowed.",
            ))
        }
    }
    if let Some(ip) = literal {
        if let Some(why) = refused(ip, allow_loopback) {
            return Err(AppError::invalid(
                field,
                format!("The address is {why}, which reminders are never sent to."),
            ));
        }
    }
    Ok(url)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn special_ranges_are_refused_and_public_ones_allowed() {
        for bad in [
            "127.0.0.1",
            "10.1.2.3",
            "172.16.0.1",
            "192.168.1.1",
            "169.254.169.254",
            "0.0.0.0",
            "100.64.0.1",
            "224.0.0.1",
            "255.255.255.255",
            "::1",
            "fc00::1",
            "fe80::1",
            "::ffff:127.0.0.1",
            "::ffff:10.0.0.1",
            "2001:db8::1",
            "64:ff9b::a00:1",
            "::",
        ] {
            let ip: IpAddr = bad.parse().unwrap();
            assert!(refused(ip, false).is_some(), "{bad} must be refused");
        }
        for good in ["1.1.1.1", "93.184.216.34", "2606:4700::1111"] {
            assert_eq!(refused(good.parse().unwrap(), false), None, "{good}");
        }
        assert_eq!(refused("127.0.0.1".parse().unwrap(), true), None);
        assert!(
            refused("10.0.0.1".parse().unwrap(), true).is_some(),
            "only loopback is let through"
        );
    }

    #[test]
    fn urls_must_be_https_public_and_plain() {
        assert!(check_url("url", "https://ntfy.sh/my-topic-x1", false).is_ok());
        for (bad, says) in [
            ("http://ntfy.sh/topic", "Only https"),
            ("https://127.0.0.1/x", "loopback"),
            ("https://localhost/x", "loopback"),
            ("https://[::1]/x", "loopback"),
            ("https://169.254.169.254/latest", "link-local"),
            ("https://user:pw@example.com/", "user name"),
            ("ftp://example.com/", "Only https"),
            ("not a url", "not a web address"),
        ] {
            let e = check_url("url", bad, false).unwrap_err().to_string();
            assert!(e.contains(says), "{bad}: {e}");
        }
        assert!(check_url("url", "http://127.0.0.1:9/hook", true).is_ok());
        assert!(check_url("url", "http://example.com/hook", true).is_err());
    }
}
