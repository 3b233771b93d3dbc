//! One guarded HTTP POST to an address a person gave. The host is
//! resolved here and every address it resolves to is checked
//! (`between_app::reminders::targets::refused`: no loopback, private,
//! link-local or other special range, unless loopback is allowed for
//! tests); the connection goes to a checked address, so a name cannot
//! resolve differently between the check and the request. https only
//! (plain http to loopback when allowed), no redirects followed, short
//! timeouts and at most [`MAX_RESPONSE`] bytes of an answer read.

use std::net::{IpAddr, SocketAddr};
use std::sync::Arc;
use std::time::Duration;

use between_app::reminders::targets::refused;
use http_body_util::{BodyExt, Full, Limited};
use hyper::body::Bytes;
use hyper_util::rt::TokioIo;
use tokio::net::TcpStream;

/// Bytes of a response read, at most.
pub const MAX_RESPONSE: usize = 64 * 1024;

/// Resolving and connecting, at most.
const CONNECT_TIMEOUT: Duration = Duration::from_secs(5);

/// The whole request, at most.
const REQUEST_TIMEOUT: Duration = Duration::from_secs(10);

/// Why a request did not get an answer.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Failure {
    /// The address may not be reached (policy): nothing was sent.
    Refused(String),
    /// Nothing was sent (no such host, connection refused, TLS failed):
    /// trying again later is safe.
    Unreachable(String),
    /// The request may have arrived (a timeout after sending).
    Uncertain(String),
}

/// An answer: its status and the first [`MAX_RESPONSE`] bytes.
#[derive(Debug, Clone)]
pub struct Answer {
    pub status: u16,
    #[allow(dead_code)]
    pub body: Bytes,
}

#[derive(Clone)]
pub struct Outbound {
    allow_loopback: bool,
    tls: tokio_rustls::TlsConnector,
}

impl std::fmt::Debug for Outbound {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "Outbound(allow_loopback: {})", self.allow_loopback)
    }
}

impl Outbound {
    /// Certificates are checked against the Mozilla roots built in.
    /// TLS comes from *ring*: rustls now steers towards aws-lc-rs for
    /// post-quantum key exchange, which would add a C/CMake build of its own
    /// for what carries neutral reminder texts (and push payloads are
    /// end-to-end encrypted anyway).
    pub fn new(allow_loopback: bool) -> Result<Outbound, String> {
        let roots = rustls::RootCertStore {
            roots: webpki_roots::TLS_SERVER_ROOTS.to_vec(),
        };
        #[allow(deprecated)]
        let provider = rustls::crypto::ring::default_provider();
        let config = rustls::ClientConfig::builder_with_provider(Arc::new(provider))
            .with_safe_default_protocol_versions()
            .map_err(|e| format!("TLS could not be set up: {e}"))?
            .with_root_certificates(roots)
            .with_no_client_auth();
        Ok(Outbound {
            allow_loopback,
            tls: tokio_rustls::TlsConnector::from(Arc::new(config)),
        })
    }

    /// POSTs `body` to `url` with `headers`.
    pub async fn post(
        &self,
        url: &str,
        headers: &[(&str, String)],
        body: Vec<u8>,
    ) -> Result<Answer, Failure> {
        let url = url::Url::parse(url).map_err(|e| Failure::Refused(format!("not a URL: {e}")))?;
        let https = match url.scheme() {
            "https" => true,
            "http" if self.allow_loopback => false,
            _ => return Err(Failure::Refused("only https is allowed".into())),
        };
        let host = url
            .host_str()
            .ok_or_else(|| Failure::Refused("the URL has no host".into()))?
            .trim_start_matches('[')
            .trim_end_matches(']')
            .to_string();
        let port = url
            .port_or_known_default()
            .ok_or_else(|| Failure::Refused("the URL has no port".into()))?;
        let addresses = self.resolve(&host, port).await?;
        if !https && !addresses.iter().all(|a| a.ip().is_loopback()) {
            return Err(Failure::Refused("plain http goes to loopback only".into()));
        }
        let stream = connect(&addresses).await?;
        let mut path = url.path().to_string();
        if let Some(q) = url.query() {
            path.push('?');
            path.push_str(q);
        }
        let authority = match url.port() {
            Some(p) => format!("{}:{p}", url.host_str().unwrap_or(&host)),
            None => url.host_str().unwrap_or(&host).to_string(),
        };
        let mut request = hyper::Request::post(path)
            .header("host", authority)
            .header("user-agent", "Between-reminders")
            .header("content-length", body.len().to_string());
        for (name, value) in headers {
            request = request.header(*name, value);
        }
        let request = request
            .body(Full::new(Bytes::from(body)))
            .map_err(|e| Failure::Refused(format!("a bad request: {e}")))?;
        let exchange = async {
            if https {
                let name = rustls::pki_types::ServerName::try_from(host.clone())
                    .map_err(|_| Failure::Refused(format!("{host} is not a server name")))?;
                let tls = tokio::time::timeout(CONNECT_TIMEOUT, self.tls.connect(name, stream))
                    .await
                    .map_err(|_| Failure::Unreachable("the TLS handshake timed out".into()))?
                    .map_err(|e| Failure::Unreachable(format!("TLS failed: {e}")))?;
                send(TokioIo::new(tls), request).await
            } else {
                send(TokioIo::new(stream), request).await
            }
        };
        tokio::time::timeout(REQUEST_TIMEOUT, exchange)
            .await
            .map_err(|_| Failure::Uncertain("no answer in time".into()))?
    }

    async fn resolve(&self, host: &str, port: u16) -> Result<Vec<SocketAddr>, Failure> {
        let addresses: Vec<SocketAddr> = match host.parse::<IpAddr>() {
            Ok(ip) => vec![SocketAddr::new(ip, port)],
            Err(_) => tokio::time::timeout(CONNECT_TIMEOUT, tokio::net::lookup_host((host, port)))
                .await
                .map_err(|_| Failure::Unreachable(format!("resolving {host} timed out")))?
                .map_err(|e| Failure::Unreachable(format!("{host} could not be resolved: {e}")))?
                .collect(),
        };
        if addresses.is_empty() {
            return Err(Failure::Unreachable(format!("{host} has no address")));
        }
        // Every address must be allowed: a name that also resolves to a
        // private address is refused, whichever would be tried first.
        for a in &addresses {
            if let Some(why) = refused(a.ip(), self.allow_loopback) {
                return Err(Failure::Refused(format!("{host} resolves to {why}")));
            }
        }
        Ok(addresses)
    }
}

async fn connect(addresses: &[SocketAddr]) -> Result<TcpStream, Failure> {
    let mut last = String::from("no address");
    for a in addresses {
        match tokio::time::timeout(CONNECT_TIMEOUT, TcpStream::connect(a)).await {
            Ok(Ok(stream)) => return Ok(stream),
            Ok(Err(e)) => last = e.to_string(),
            Err(_) => last = "connecting timed out".into(),
        }
    }
    Err(Failure::Unreachable(format!("could not connect: {last}")))
}

async fn send<S>(io: TokioIo<S>, request: hyper::Request<Full<Bytes>>) -> Result<Answer, Failure>
where
    S: tokio::io::AsyncRead + tokio::io::AsyncWrite + Send + Unpin + 'static,
{
    let (mut sender, connection) = hyper::client::conn::http1::handshake(io)
        .await
        .map_err(|e| Failure::Unreachable(format!("HTTP handshake failed: {e}")))?;
    let driver = tokio::spawn(connection);
    let response = sender.send_request(request).await;
    let result = match response {
        Ok(response) => {
            let status = response.status().as_u16();
            // Read what fits; a longer answer is cut, not an error.
            let body = Limited::new(response.into_body(), MAX_RESPONSE)
                .collect()
                .await
                .map(|b| b.to_bytes())
                .unwrap_or_default();
            Ok(Answer { status, body })
        }
        // Sent or not is unknown once the request started going out.
        Err(e) if e.is_canceled() || e.is_closed() => {
            Err(Failure::Uncertain(format!("the connection closed: {e}")))
        }
        Err(e) => Err(Failure::Uncertain(format!("the request failed: {e}"))),
    };
    driver.abort();
    result
}
