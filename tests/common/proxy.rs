//! A fault-injecting HTTP/1.1 proxy for tests: it sits between the SDK and
//! moto on 127.0.0.1 and, with a given probability per request, answers in
//! place of moto with a throttle (in the protocol's own form), an HTTP 500 or
//! 503, or drops the connection without answering. It can also add latency.
//!
//! Point the product at [`Proxy::url`] (e.g. `AWS_ENDPOINT_URL`); the proxy
//! forwards to the upstream moto URL, one upstream connection per request
//! (`Connection: close` towards moto), and keeps the client's connection
//! alive. Requests to moto's own `/moto-api/` paths are never faulted.
//!
//! Faults:
//! - [`FaultKind::Throttle`]: JSON protocols (CloudTrail, Config, KMS, Logs)
//!   HTTP 400 `ThrottlingException`; S3 HTTP 503 `SlowDown`; EC2 HTTP 503
//!   `RequestLimitExceeded`; IAM/STS HTTP 400 `Throttling`. Not forwarded.
//! - [`FaultKind::Http500`] / [`FaultKind::Http503`]: a bare 5xx with an
//!   `InternalError` / `ServiceUnavailable` body. Not forwarded.
//! - [`FaultKind::Drop`]: the request IS forwarded to moto (it takes effect),
//!   then the client connection is closed without an answer: the lost
//!   response that makes non-idempotent retries dangerous.
//!
//! The fault decisions come from a seeded xorshift generator: the same seed
//! gives the same sequence of decisions (which request gets which decision
//! still depends on the order concurrent requests arrive in).
//!
//! tokio + std only; the proxy runs on its own runtime and stops on drop.
#![allow(dead_code)]

use std::collections::BTreeMap;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};

/// What the proxy may do instead of forwarding a request.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum FaultKind {
    /// The service's own throttling error (see the module docs).
    Throttle,
    /// HTTP 500 InternalError.
    Http500,
    /// HTTP 503 ServiceUnavailable.
    Http503,
    /// Forward, then close the connection without answering.
    Drop,
}

impl FaultKind {
    pub const ALL: [FaultKind; 4] = [
        FaultKind::Throttle,
        FaultKind::Http500,
        FaultKind::Http503,
        FaultKind::Drop,
    ];
}

#[derive(Clone, Debug)]
pub struct ProxyConfig {
    /// Probability (0..=1) that a request gets a fault.
    pub fault_rate: f64,
    /// Sleep before forwarding each request (faulted or not).
    pub latency: Duration,
    /// Seed of the fault decisions.
    pub seed: u64,
    /// Kinds to choose from (uniformly); empty = no faults.
    pub kinds: Vec<FaultKind>,
}

impl Default for ProxyConfig {
    fn default() -> Self {
        ProxyConfig {
            fault_rate: 0.0,
            latency: Duration::ZERO,
            seed: 1,
            kinds: Vec::new(),
        }
    }
}

impl ProxyConfig {
    /// `rate` faults of every kind in `kinds`, no latency.
    pub fn faults(rate: f64, seed: u64, kinds: &[FaultKind]) -> Self {
        ProxyConfig {
            fault_rate: rate,
            seed,
            kinds: kinds.to_vec(),
            ..Default::default()
        }
    }

    /// No faults, `latency` per request.
    pub fn latency(latency: Duration) -> Self {
        ProxyConfig {
            latency,
            ..Default::default()
        }
    }
}

/// Live counters of a running proxy.
#[derive(Debug, Default)]
pub struct Counters {
    /// Requests received (moto-api ones included).
    pub requests: AtomicU64,
    /// Requests that reached moto (Drop faults included).
    pub forwarded: AtomicU64,
    pub throttle: AtomicU64,
    pub http500: AtomicU64,
    pub http503: AtomicU64,
    pub drop: AtomicU64,
    /// Upstream errors (moto unreachable or a malformed answer): answered 502.
    pub upstream_errors: AtomicU64,
    /// Faults per service (from the request's credential scope).
    by_service: Mutex<BTreeMap<String, u64>>,
}

/// A copy of the counters at one moment.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Counts {
    pub requests: u64,
    pub forwarded: u64,
    pub throttle: u64,
    pub http500: u64,
    pub http503: u64,
    pub drop: u64,
    pub upstream_errors: u64,
    pub faults_by_service: BTreeMap<String, u64>,
}

impl Counts {
    pub fn faults(&self) -> u64 {
        self.throttle + self.http500 + self.http503 + self.drop
    }
}

impl std::fmt::Display for Counts {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "{} requests, {} faults (throttle {}, 500 {}, 503 {}, drop {}), by service {:?}",
            self.requests,
            self.faults(),
            self.throttle,
            self.http500,
            self.http503,
            self.drop,
            self.faults_by_service
        )?;
        if self.upstream_errors > 0 {
            write!(f, ", {} upstream errors", self.upstream_errors)?;
        }
        Ok(())
    }
}

impl Counters {
    pub fn snapshot(&self) -> Counts {
        let l = |a: &AtomicU64| a.load(Ordering::SeqCst);
        Counts {
            requests: l(&self.requests),
            forwarded: l(&self.forwarded),
            throttle: l(&self.throttle),
            http500: l(&self.http500),
            http503: l(&self.http503),
            drop: l(&self.drop),
            upstream_errors: l(&self.upstream_errors),
            faults_by_service: self.by_service.lock().unwrap().clone(),
        }
    }

    fn fault(&self, kind: FaultKind, service: &str) {
        let c = match kind {
            FaultKind::Throttle => &self.throttle,
            FaultKind::Http500 => &self.http500,
            FaultKind::Http503 => &self.http503,
            FaultKind::Drop => &self.drop,
        };
        c.fetch_add(1, Ordering::SeqCst);
        *self
            .by_service
            .lock()
            .unwrap()
            .entry(service.to_owned())
            .or_default() += 1;
    }
}

/// A running proxy on 127.0.0.1; stops when dropped.
pub struct Proxy {
    /// `http://127.0.0.1:PORT`
    pub url: String,
    pub port: u16,
    pub counters: Arc<Counters>,
    runtime: Option<tokio::runtime::Runtime>,
}

impl Proxy {
    /// Starts a proxy forwarding to `upstream` (`http://127.0.0.1:PORT`).
    pub fn start(upstream: &str, cfg: ProxyConfig) -> Proxy {
        assert!(
            (0.0..=1.0).contains(&cfg.fault_rate),
            "fault_rate must be in 0..=1"
        );
        let upstream = upstream
            .strip_prefix("http://")
            .unwrap_or_else(|| panic!("upstream must be http://host:port, not {upstream}"))
            .trim_end_matches('/')
            .to_owned();
        let runtime = tokio::runtime::Builder::new_multi_thread()
            .worker_threads(2)
            .thread_name("fault-proxy")
            .enable_all()
            .build()
            .expect("build the proxy runtime");
        let std_listener =
            std::net::TcpListener::bind("127.0.0.1:0").expect("bind the proxy on 127.0.0.1:0");
        std_listener.set_nonblocking(true).unwrap();
        let port = std_listener.local_addr().unwrap().port();
        let counters = Arc::new(Counters::default());
        let shared = Arc::new(Shared {
            upstream,
            rng: Mutex::new(XorShift::new(cfg.seed)),
            cfg,
            counters: counters.clone(),
        });
        runtime.spawn(async move {
            let listener = TcpListener::from_std(std_listener).expect("proxy listener");
            loop {
                let Ok((stream, _)) = listener.accept().await else {
                    continue;
                };
                let _ = stream.set_nodelay(true);
                let shared = shared.clone();
                tokio::spawn(async move {
                    let _ = serve(stream, shared).await;
                });
            }
        });
        Proxy {
            url: format!("http://127.0.0.1:{port}"),
            port,
            counters,
            runtime: Some(runtime),
        }
    }

    pub fn counts(&self) -> Counts {
        self.counters.snapshot()
    }
}

impl Drop for Proxy {
    fn drop(&mut self) {
        // Never blocks, so a Proxy may be dropped inside async code too.
        if let Some(rt) = self.runtime.take() {
            rt.shutdown_background();
        }
    }
}

struct Shared {
    upstream: String,
    cfg: ProxyConfig,
    rng: Mutex<XorShift>,
    counters: Arc<Counters>,
}

impl Shared {
    fn decide(&self) -> Option<FaultKind> {
        if self.cfg.kinds.is_empty() || self.cfg.fault_rate <= 0.0 {
            return None;
        }
        let mut rng = self.rng.lock().unwrap();
        if rng.next_f64() < self.cfg.fault_rate {
            let i = (rng.next_u64() % self.cfg.kinds.len() as u64) as usize;
            Some(self.cfg.kinds[i])
        } else {
            None
        }
    }
}

/// xorshift64* — small, deterministic, good enough for fault decisions.
struct XorShift(u64);

impl XorShift {
    fn new(seed: u64) -> Self {
        // splitmix the seed so 0 and small seeds are fine.
        let mut z = seed.wrapping_add(0x9E37_79B9_7F4A_7C15);
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^= z >> 31;
        XorShift(if z == 0 { 0x2545_F491_4F6C_DD1D } else { z })
    }
    fn next_u64(&mut self) -> u64 {
        let mut x = self.0;
        x ^= x >> 12;
        x ^= x << 25;
        x ^= x >> 27;
        self.0 = x;
        x.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }
    fn next_f64(&mut self) -> f64 {
        (self.next_u64() >> 11) as f64 / (1u64 << 53) as f64
    }
}

// ---------------------------------------------------------------------------
// HTTP/1.1
// ---------------------------------------------------------------------------

const MAX_HEAD: usize = 64 * 1024;
const UPSTREAM_TIMEOUT: Duration = Duration::from_secs(120);

struct Request {
    method: String,
    target: String,
    headers: Vec<(String, String)>,
    body: Vec<u8>,
    /// The client asked to close after this exchange.
    close: bool,
}

impl Request {
    fn header(&self, name: &str) -> Option<&str> {
        header(&self.headers, name)
    }
}

fn header<'a>(headers: &'a [(String, String)], name: &str) -> Option<&'a str> {
    headers
        .iter()
        .find(|(k, _)| k.eq_ignore_ascii_case(name))
        .map(|(_, v)| v.as_str())
}

/// A buffered connection: bytes read but not yet consumed stay in `buf`.
struct Conn {
    stream: TcpStream,
    buf: Vec<u8>,
}

impl Conn {
    /// Reads more bytes; false at EOF.
    async fn fill(&mut self) -> std::io::Result<bool> {
        let mut chunk = [0u8; 16 * 1024];
        let n = self.stream.read(&mut chunk).await?;
        self.buf.extend_from_slice(&chunk[..n]);
        Ok(n > 0)
    }

    /// The head (up to and without the blank line); None at a clean EOF.
    async fn read_head(&mut self) -> std::io::Result<Option<String>> {
        loop {
            if let Some(i) = find(&self.buf, b"\r\n\r\n") {
                let head = String::from_utf8_lossy(&self.buf[..i]).into_owned();
                self.buf.drain(..i + 4);
                return Ok(Some(head));
            }
            if self.buf.len() > MAX_HEAD {
                return Err(std::io::Error::other("request head too large"));
            }
            if !self.fill().await? {
                return if self.buf.is_empty() {
                    Ok(None)
                } else {
                    Err(std::io::ErrorKind::UnexpectedEof.into())
                };
            }
        }
    }

    async fn read_exact(&mut self, n: usize) -> std::io::Result<Vec<u8>> {
        while self.buf.len() < n {
            if !self.fill().await? {
                return Err(std::io::ErrorKind::UnexpectedEof.into());
            }
        }
        Ok(self.buf.drain(..n).collect())
    }

    async fn read_line(&mut self) -> std::io::Result<String> {
        loop {
            if let Some(i) = find(&self.buf, b"\r\n") {
                let line = String::from_utf8_lossy(&self.buf[..i]).into_owned();
                self.buf.drain(..i + 2);
                return Ok(line);
            }
            if !self.fill().await? {
                return Err(std::io::ErrorKind::UnexpectedEof.into());
            }
        }
    }

    async fn read_chunked(&mut self) -> std::io::Result<Vec<u8>> {
        let mut body = Vec::new();
        loop {
            let line = self.read_line().await?;
            let size = line.split(';').next().unwrap_or("").trim();
            let size = usize::from_str_radix(size, 16)
                .map_err(|_| std::io::Error::other(format!("bad chunk size {line:?}")))?;
            if size == 0 {
                // trailers, up to the blank line
                while !self.read_line().await?.is_empty() {}
                return Ok(body);
            }
            body.extend(self.read_exact(size).await?);
            self.read_exact(2).await?;
        }
    }

    async fn read_request(&mut self) -> std::io::Result<Option<Request>> {
        let Some(head) = self.read_head().await? else {
            return Ok(None);
        };
        let mut lines = head.split("\r\n");
        let start = lines.next().unwrap_or_default();
        let mut parts = start.splitn(3, ' ');
        let (method, target, version) = (
            parts.next().unwrap_or_default().to_owned(),
            parts.next().unwrap_or_default().to_owned(),
            parts.next().unwrap_or_default().to_owned(),
        );
        let headers = parse_headers(lines);
        let connection = header(&headers, "connection")
            .unwrap_or_default()
            .to_ascii_lowercase();
        let close = connection.contains("close")
            || (version == "HTTP/1.0" && !connection.contains("keep-alive"));
        if header(&headers, "expect").is_some_and(|e| e.eq_ignore_ascii_case("100-continue")) {
            self.stream
                .write_all(b"HTTP/1.1 100 Continue\r\n\r\n")
                .await?;
        }
        let chunked = header(&headers, "transfer-encoding")
            .is_some_and(|te| te.to_ascii_lowercase().contains("chunked"));
        let body = if chunked {
            self.read_chunked().await?
        } else {
            let len = header(&headers, "content-length")
                .map(|v| v.trim().parse::<usize>())
                .transpose()
                .map_err(|_| std::io::Error::other("bad content-length"))?
                .unwrap_or(0);
            self.read_exact(len).await?
        };
        Ok(Some(Request {
            method,
            target,
            headers,
            body,
            close,
        }))
    }
}

fn parse_headers<'a>(lines: impl Iterator<Item = &'a str>) -> Vec<(String, String)> {
    lines
        .filter_map(|l| l.split_once(':'))
        .map(|(k, v)| (k.trim().to_owned(), v.trim().to_owned()))
        .collect()
}

fn find(hay: &[u8], needle: &[u8]) -> Option<usize> {
    hay.windows(needle.len()).position(|w| w == needle)
}

/// Hop-by-hop headers and the framing headers the proxy rewrites.
fn is_framing(name: &str) -> bool {
    [
        "connection",
        "keep-alive",
        "proxy-connection",
        "transfer-encoding",
        "content-length",
        "expect",
        "te",
        "upgrade",
    ]
    .iter()
    .any(|h| name.eq_ignore_ascii_case(h))
}

struct Response {
    /// e.g. `200 OK`
    status_line: String,
    status: u16,
    headers: Vec<(String, String)>,
    body: Vec<u8>,
}

/// Serves one client connection: requests in sequence (keep-alive).
async fn serve(stream: TcpStream, shared: Arc<Shared>) -> std::io::Result<()> {
    let mut conn = Conn {
        stream,
        buf: Vec::new(),
    };
    while let Some(req) = conn.read_request().await? {
        let c = &shared.counters;
        c.requests.fetch_add(1, Ordering::SeqCst);
        if !shared.cfg.latency.is_zero() {
            tokio::time::sleep(shared.cfg.latency).await;
        }
        let internal = req.target.starts_with("/moto-api");
        let fault = if internal { None } else { shared.decide() };
        let resp = match fault {
            Some(kind @ (FaultKind::Throttle | FaultKind::Http500 | FaultKind::Http503)) => {
                let service = service_of(&req);
                c.fault(kind, &service);
                fault_response(kind, &req, &service)
            }
            Some(FaultKind::Drop) => {
                c.fault(FaultKind::Drop, &service_of(&req));
                // The request takes effect; its answer is lost.
                let _ = forward(&shared.upstream, &req).await;
                c.forwarded.fetch_add(1, Ordering::SeqCst);
                let _ = conn.stream.shutdown().await;
                return Ok(());
            }
            None => match forward(&shared.upstream, &req).await {
                Ok(r) => {
                    c.forwarded.fetch_add(1, Ordering::SeqCst);
                    r
                }
                Err(e) => {
                    c.upstream_errors.fetch_add(1, Ordering::SeqCst);
                    Response {
                        status_line: "502 Bad Gateway".into(),
                        status: 502,
                        headers: vec![("Content-Type".into(), "text/plain".into())],
                        body: format!("fault proxy: upstream error: {e}").into_bytes(),
                    }
                }
            },
        };
        write_response(&mut conn.stream, &req, &resp).await?;
        if req.close {
            let _ = conn.stream.shutdown().await;
            return Ok(());
        }
    }
    Ok(())
}

async fn write_response(
    stream: &mut TcpStream,
    req: &Request,
    resp: &Response,
) -> std::io::Result<()> {
    let mut out = format!("HTTP/1.1 {}\r\n", resp.status_line);
    for (k, v) in &resp.headers {
        if !is_framing(k) {
            out.push_str(&format!("{k}: {v}\r\n"));
        }
    }
    let head_request = req.method.eq_ignore_ascii_case("HEAD");
    let no_body = head_request || resp.status == 204 || resp.status == 304 || resp.status < 200;
    if head_request {
        // A HEAD answer announces the length of the body it would have had.
        if let Some(len) = header(&resp.headers, "content-length") {
            out.push_str(&format!("Content-Length: {len}\r\n"));
        }
    } else if !no_body {
        out.push_str(&format!("Content-Length: {}\r\n", resp.body.len()));
    }
    if req.close {
        out.push_str("Connection: close\r\n");
    }
    out.push_str("\r\n");
    let mut bytes = out.into_bytes();
    if !no_body {
        bytes.extend_from_slice(&resp.body);
    }
    stream.write_all(&bytes).await?;
    stream.flush().await
}

/// One request to moto on a fresh connection, read to EOF.
async fn forward(upstream: &str, req: &Request) -> std::io::Result<Response> {
    tokio::time::timeout(UPSTREAM_TIMEOUT, async {
        let mut up = TcpStream::connect(upstream).await?;
        let _ = up.set_nodelay(true);
        let mut out = format!("{} {} HTTP/1.1\r\n", req.method, req.target);
        for (k, v) in &req.headers {
            if !is_framing(k) {
                out.push_str(&format!("{k}: {v}\r\n"));
            }
        }
        if req.header("content-length").is_some()
            || req.header("transfer-encoding").is_some()
            || !req.body.is_empty()
        {
            out.push_str(&format!("Content-Length: {}\r\n", req.body.len()));
        }
        out.push_str("Connection: close\r\n\r\n");
        let mut bytes = out.into_bytes();
        bytes.extend_from_slice(&req.body);
        up.write_all(&bytes).await?;
        up.flush().await?;
        // Read the answer up to its end as framed (Content-Length, or the
        // last chunk): the emulator closes the connection only ~10 ms later.
        let head_request = req.method.eq_ignore_ascii_case("HEAD");
        let mut raw = Vec::new();
        let mut buf = [0u8; 16 * 1024];
        loop {
            if answer_complete(&raw, head_request) {
                break;
            }
            let n = up.read(&mut buf).await?;
            if n == 0 {
                break;
            }
            raw.extend_from_slice(&buf[..n]);
        }
        parse_response(&raw, head_request)
    })
    .await
    .map_err(|_| std::io::Error::other("upstream timed out"))?
}

/// True when `raw` holds a whole HTTP response (head and framed body).
fn answer_complete(raw: &[u8], head_request: bool) -> bool {
    let Some(i) = find(raw, b"\r\n\r\n") else {
        return false;
    };
    let head = String::from_utf8_lossy(&raw[..i]).to_ascii_lowercase();
    let body = &raw[i + 4..];
    if head_request || head.starts_with("http/1.1 204") || head.starts_with("http/1.1 304") {
        return true;
    }
    if head.contains("transfer-encoding: chunked") {
        return body.ends_with(b"0\r\n\r\n");
    }
    match head
        .lines()
        .find_map(|l| l.strip_prefix("content-length:"))
        .and_then(|v| v.trim().parse::<usize>().ok())
    {
        Some(len) => body.len() >= len,
        None => false,
    }
}

fn parse_response(raw: &[u8], head_request: bool) -> std::io::Result<Response> {
    let i = find(raw, b"\r\n\r\n")
        .ok_or_else(|| std::io::Error::other("upstream answer has no complete head"))?;
    let head = String::from_utf8_lossy(&raw[..i]).into_owned();
    let rest = &raw[i + 4..];
    let mut lines = head.split("\r\n");
    let start = lines.next().unwrap_or_default();
    let status_line = start
        .split_once(' ')
        .map(|(_, s)| s.to_owned())
        .ok_or_else(|| std::io::Error::other(format!("bad status line {start:?}")))?;
    let status = status_line
        .get(..3)
        .and_then(|s| s.parse().ok())
        .ok_or_else(|| std::io::Error::other(format!("bad status line {start:?}")))?;
    let headers = parse_headers(lines);
    let body = if head_request {
        Vec::new()
    } else if header(&headers, "transfer-encoding")
        .is_some_and(|te| te.to_ascii_lowercase().contains("chunked"))
    {
        dechunk(rest)?
    } else if let Some(len) = header(&headers, "content-length").and_then(|v| v.parse().ok()) {
        if rest.len() < len {
            return Err(std::io::Error::other(
                "upstream answer shorter than its length",
            ));
        }
        rest[..len].to_vec()
    } else {
        rest.to_vec()
    };
    Ok(Response {
        status_line,
        status,
        headers,
        body,
    })
}

fn dechunk(mut data: &[u8]) -> std::io::Result<Vec<u8>> {
    let bad = || std::io::Error::other("bad chunked body from upstream");
    let mut body = Vec::new();
    loop {
        let i = find(data, b"\r\n").ok_or_else(bad)?;
        let line = String::from_utf8_lossy(&data[..i]);
        let size = usize::from_str_radix(line.split(';').next().unwrap_or("").trim(), 16)
            .map_err(|_| bad())?;
        data = &data[i + 2..];
        if size == 0 {
            return Ok(body);
        }
        if data.len() < size + 2 {
            return Err(bad());
        }
        body.extend_from_slice(&data[..size]);
        data = &data[size + 2..];
    }
}

// ---------------------------------------------------------------------------
// Which service, and its throttling error
// ---------------------------------------------------------------------------

/// The signing name of the request's service: from the SigV4 credential
/// scope (`Credential=AKID/date/region/SERVICE/aws4_request`), else guessed
/// from the protocol (X-Amz-Target, `Action=` + `Version=` form bodies, S3
/// headers). One of `cloudtrail`, `config`, `kms`, `logs`, `s3`, `ec2`,
/// `iam`, `sts`, ..., or `unknown`.
pub fn service_of_parts(headers: &[(String, String)], body: &[u8]) -> String {
    if let Some(auth) = header(headers, "authorization")
        && let Some(cred) = auth.split("Credential=").nth(1)
    {
        let scope: Vec<&str> = cred
            .split([',', ' '])
            .next()
            .unwrap_or("")
            .split('/')
            .collect();
        if scope.len() >= 5 && scope[scope.len() - 1] == "aws4_request" {
            return scope[scope.len() - 2].to_ascii_lowercase();
        }
    }
    if let Some(target) = header(headers, "x-amz-target") {
        let t = target.to_ascii_lowercase();
        return if t.starts_with("cloudtrail") || t.contains("cloudtrail_") {
            "cloudtrail"
        } else if t.starts_with("starlingdoveservice") {
            "config"
        } else if t.starts_with("trentservice") {
            "kms"
        } else if t.starts_with("logs_") {
            "logs"
        } else {
            "json"
        }
        .to_owned();
    }
    let form = String::from_utf8_lossy(body);
    if form.contains("Action=") {
        return if form.contains("Version=2016-11-15") {
            "ec2"
        } else if form.contains("Version=2011-06-15") {
            "sts"
        } else {
            "iam"
        }
        .to_owned();
    }
    if header(headers, "x-amz-content-sha256").is_some() {
        return "s3".to_owned();
    }
    "unknown".to_owned()
}

fn service_of(req: &Request) -> String {
    service_of_parts(&req.headers, &req.body)
}

fn xml(status_line: &str, body: String) -> Response {
    Response {
        status_line: status_line.to_owned(),
        status: status_line[..3].parse().unwrap(),
        headers: vec![("Content-Type".into(), "text/xml".into())],
        body: body.into_bytes(),
    }
}

fn json_protocol(req: &Request, service: &str) -> bool {
    req.header("x-amz-target").is_some()
        || matches!(service, "cloudtrail" | "config" | "kms" | "logs" | "json")
}

fn fault_response(kind: FaultKind, req: &Request, service: &str) -> Response {
    let json = json_protocol(req, service);
    match kind {
        FaultKind::Throttle if json => Response {
            status_line: "400 Bad Request".into(),
            status: 400,
            headers: vec![
                ("Content-Type".into(), "application/x-amz-json-1.1".into()),
                ("x-amzn-RequestId".into(), "fault-proxy".into()),
            ],
            body: br#"{"__type":"ThrottlingException","message":"Rate exceeded"}"#.to_vec(),
        },
        FaultKind::Throttle => match service {
            "ec2" => xml(
                "503 Service Unavailable",
                "<Response><Errors><Error><Code>RequestLimitExceeded</Code>\
                 <Message>Request limit exceeded.</Message></Error></Errors>\
                 <RequestID>x</RequestID></Response>"
                    .into(),
            ),
            "iam" | "sts" => xml(
                "400 Bad Request",
                "<ErrorResponse><Error><Type>Sender</Type><Code>Throttling</Code>\
                 <Message>Rate exceeded</Message></Error><RequestId>x</RequestId>\
                 </ErrorResponse>"
                    .into(),
            ),
            // S3 and anything unrecognised
            _ => xml(
                "503 Slow Down",
                "<Error><Code>SlowDown</Code><Message>Please reduce your request rate.\
                 </Message></Error>"
                    .into(),
            ),
        },
        FaultKind::Http500 | FaultKind::Http503 => {
            let (status_line, code, message) = if kind == FaultKind::Http500 {
                (
                    "500 Internal Server Error",
                    "InternalError",
                    "We encountered an internal error. Please try again.",
                )
            } else {
                (
                    "503 Service Unavailable",
                    "ServiceUnavailable",
                    "Service is unavailable. Please try again.",
                )
            };
            if json {
                Response {
                    status_line: status_line.into(),
                    status: status_line[..3].parse().unwrap(),
                    headers: vec![("Content-Type".into(), "application/x-amz-json-1.1".into())],
                    body: format!(r#"{{"__type":"{code}","message":"{message}"}}"#).into_bytes(),
                }
            } else {
                let body = match service {
                    "ec2" => format!(
                        "<Response><Errors><Error><Code>{code}</Code><Message>{message}</Message>\
                         </Error></Errors><RequestID>x</RequestID></Response>"
                    ),
                    "iam" | "sts" => format!(
                        "<ErrorResponse><Error><Type>Receiver</Type><Code>{code}</Code>\
                         <Message>{message}</Message></Error><RequestId>x</RequestId>\
                         </ErrorResponse>"
                    ),
                    _ => format!("<Error><Code>{code}</Code><Message>{message}</Message></Error>"),
                };
                xml(status_line, body)
            }
        }
        FaultKind::Drop => unreachable!("Drop has no response"),
    }
}
