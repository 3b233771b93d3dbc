//! A local HTTP receiver for what the server sends out (webhooks, push):
//! it records each request and answers with the statuses it is given, in
//! order (then 200). Listens on 127.0.0.1 only.

use std::sync::{Arc, Mutex};

use tokio::io::{AsyncReadExt, AsyncWriteExt};

#[derive(Debug, Clone)]
pub struct Received {
    pub path: String,
    pub headers: Vec<(String, String)>,
    pub body: Vec<u8>,
}

impl Received {
    #[allow(dead_code)]
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(n, _)| n.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }
}

/// A status to answer with and extra headers.
type Answer = (u16, Vec<(String, String)>);

#[derive(Clone, Default)]
pub struct Receiver {
    pub received: Arc<Mutex<Vec<Received>>>,
    /// Statuses to answer with, first first; 200 once they run out.
    pub answers: Arc<Mutex<Vec<Answer>>>,
}

impl Receiver {
    /// Starts receiving; returns the receiver and its `http://127.0.0.1:PORT`.
    pub async fn start() -> (Receiver, String) {
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let base = format!("http://{}", listener.local_addr().unwrap());
        let receiver = Receiver::default();
        let r = receiver.clone();
        tokio::spawn(async move {
            while let Ok((mut stream, _)) = listener.accept().await {
                let r = r.clone();
                tokio::spawn(async move {
                    let mut buf = Vec::new();
                    let mut chunk = [0u8; 4096];
                    let (head_end, length) = loop {
                        let n = stream.read(&mut chunk).await.unwrap_or(0);
                        if n == 0 {
                            return;
                        }
                        buf.extend_from_slice(&chunk[..n]);
                        if let Some(end) = buf.windows(4).position(|w| w == b"\r\n\r\n") {
                            let head = String::from_utf8_lossy(&buf[..end]).to_string();
                            let length = head
                                .lines()
                                .find_map(|l| {
                                    let (n, v) = l.split_once(':')?;
                                    n.eq_ignore_ascii_case("content-length")
                                        .then(|| v.trim().parse::<usize>().ok())?
                                })
                                .unwrap_or(0);
                            break (end + 4, length);
                        }
                    };
                    while buf.len() < head_end + length {
                        let n = stream.read(&mut chunk).await.unwrap_or(0);
                        if n == 0 {
                            break;
                        }
                        buf.extend_from_slice(&chunk[..n]);
                    }
                    let head = String::from_utf8_lossy(&buf[..head_end]).to_string();
                    let mut lines = head.lines();
                    let path = lines
                        .next()
                        .and_then(|l| l.split(' ').nth(1))
                        .unwrap_or("")
                        .to_string();
                    let headers = lines
                        .filter_map(|l| l.split_once(':'))
                        .map(|(n, v)| (n.trim().to_string(), v.trim().to_string()))
                        .collect();
                    r.received.lock().unwrap().push(Received {
                        path,
                        headers,
                        body: buf[head_end..].to_vec(),
                    });
                    let (status, extra) = {
                        let mut answers = r.answers.lock().unwrap();
                        if answers.is_empty() {
                            (200, Vec::new())
                        } else {
                            answers.remove(0)
                        }
                    };
                    let mut reply = format!(
                        "HTTP/1.1 {status} X\r\ncontent-length: 2\r\nconnection: close\r\n"
                    );
                    for (n, v) in extra {
                        reply.push_str(&format!("{n}: {v}\r\n"));
                    }
                    reply.push_str("\r\nok");
                    let _ = stream.write_all(reply.as_bytes()).await;
                });
            }
        });
        (receiver, base)
    }

    #[allow(dead_code)]
    pub fn count(&self) -> usize {
        self.received.lock().unwrap().len()
    }

    #[allow(dead_code)]
    pub fn answer(&self, status: u16, headers: &[(&str, &str)]) {
        self.answers.lock().unwrap().push((
            status,
            headers
                .iter()
                .map(|(n, v)| (n.to_string(), v.to_string()))
                .collect(),
        ));
    }
}
