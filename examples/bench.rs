//! Performance benchmark of `remediate` against local emulators (moto).
//!
//! ```text
//! scripts/bench                      # builds, then runs this
//! cargo run --example bench -- --remediate target/release/remediate \
//!     [--seed-bin target/debug/examples/seed_large] [--only small|large] \
//!     [--latency-ms 50] [--concurrency 16] [--sweep 16,64] [--runs 1]
//! ```
//!
//! Starts its own plain moto servers (`tests/strict/strict_moto.py
//! --lenient`) on free 127.0.0.1 ports (two per account: A for the plans and
//! a direct apply, B for an apply through the latency proxy), seeds them
//! with `seed_large` (`--small` and the large default), and runs the
//! `remediate` binary as a subprocess with static test
//! credentials aimed at the emulator. For each run it measures wall time,
//! the API calls per service (`--stats`), the peak resident memory of the
//! remediate process (`/usr/bin/time -f %M`, else VmHWM polled from
//! /proc/<pid>/status), the CPU time of remediate and of the emulator.
//!
//! The latency runs go through `tests/common/proxy.rs`, which sleeps a fixed
//! time before forwarding every request. For them the critical-path lower
//! bound is printed: max(D x L, N x L / C), D the longest chain of dependent
//! calls of a scan (from the collector's structure and the pagination seen
//! in the call counts), N the calls made, L the latency, C the concurrency.
//! docs/performance.md explains the derivation.

#[path = "../tests/common/proxy.rs"]
mod proxy;

use std::collections::BTreeMap;
use std::io::{BufRead, BufReader, Read, Write};
use std::net::{TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, Instant};

use anyhow::{Context as _, Result, bail};
use clap::Parser;
use serde_json::Value;

use proxy::{Proxy, ProxyConfig};

#[derive(Parser)]
#[command(about = "Benchmark remediate plan/apply against local moto servers")]
struct Args {
    /// The remediate binary to measure.
    #[arg(long, default_value = "target/release/remediate")]
    remediate: PathBuf,
    /// The seed_large example binary (default: next to this one).
    #[arg(long)]
    seed_bin: Option<PathBuf>,
    /// Only this account: small or large.
    #[arg(long)]
    only: Option<String>,
    /// Latency the proxy adds to every request, in ms.
    #[arg(long, default_value_t = 50)]
    latency_ms: u64,
    /// `--concurrency` given to remediate.
    #[arg(long, default_value_t = 16)]
    concurrency: usize,
    /// Extra concurrencies for the latency plan of the large account (none: `--sweep 16`).
    #[arg(long, value_delimiter = ',', default_value = "4,64")]
    sweep: Vec<usize>,
    /// Runs of each plan (the fastest is reported; all are listed).
    #[arg(long, default_value_t = 1)]
    runs: usize,
    /// Skip the applies (plans only; one emulator per account).
    #[arg(long)]
    no_apply: bool,
    /// Keep the work directory (emulator logs, plan JSON, journals).
    #[arg(long)]
    keep: bool,
    /// Measure peak memory by polling VmHWM even when /usr/bin/time exists.
    #[arg(long)]
    poll_memory: bool,
    /// Diagnosis: only start a latency proxy in front of this emulator URL,
    /// print its URL and serve until killed.
    #[arg(long)]
    proxy_only: Option<String>,
}

fn main() -> std::process::ExitCode {
    match run(Args::parse()) {
        Ok(()) => std::process::ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("bench: error: {e:#}");
            std::process::ExitCode::FAILURE
        }
    }
}

// ---------------------------------------------------------------------------
// Emulator
// ---------------------------------------------------------------------------

/// The Python that runs the emulator (`REMEDIATE_MOTO_PYTHON`, which
/// scripts/bench sets from scripts/ensure-moto; else that script's answer).
fn moto_python() -> Result<PathBuf> {
    if let Some(p) = std::env::var_os("REMEDIATE_MOTO_PYTHON") {
        return Ok(PathBuf::from(p));
    }
    let script = Path::new(env!("CARGO_MANIFEST_DIR")).join("scripts/ensure-moto");
    let out = Command::new(&script)
        .stdin(Stdio::null())
        .stderr(Stdio::inherit())
        .output()
        .with_context(|| format!("run {}", script.display()))?;
    let answer = String::from_utf8_lossy(&out.stdout).trim().to_owned();
    if !out.status.success() || answer.is_empty() {
        bail!("{} found no Python with moto", script.display());
    }
    Ok(PathBuf::from(answer))
}

/// Plain moto (tests/strict/strict_moto.py --lenient) on 127.0.0.1, killed
/// on drop. The benchmark measures remediate against the same emulator as
/// the figures in docs/performance.md; the strict layer's checks run only on
/// the few policy writes and would not change them.
struct Moto {
    url: String,
    pid: u32,
    child: Child,
}

impl Moto {
    fn start(python: &Path, log: &Path) -> Result<Moto> {
        let module = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/strict/strict_moto.py");
        for _ in 0..5 {
            let port = TcpListener::bind("127.0.0.1:0")?.local_addr()?.port();
            let out = std::fs::File::create(log)?;
            let mut child = Command::new(python)
                .arg(&module)
                .arg("--lenient")
                .args(["-H", "127.0.0.1", "-p", &port.to_string()])
                .env("MOTO_EC2_LOAD_DEFAULT_AMIS", "false")
                .env("MOTO_IAM_LOAD_MANAGED_POLICIES", "true")
                .stdin(Stdio::null())
                .stdout(out.try_clone()?)
                .stderr(out)
                .spawn()
                .with_context(|| format!("spawn {} {}", python.display(), module.display()))?;
            let started = Instant::now();
            loop {
                if child.try_wait()?.is_some() {
                    break; // port taken? try another
                }
                if http_ok(port) {
                    let pid = child.id();
                    return Ok(Moto {
                        url: format!("http://127.0.0.1:{port}"),
                        pid,
                        child,
                    });
                }
                if started.elapsed() > Duration::from_secs(60) {
                    let _ = child.kill();
                    let _ = child.wait();
                    bail!(
                        "the emulator did not answer within 60 s (log {})",
                        log.display()
                    );
                }
                std::thread::sleep(Duration::from_millis(50));
            }
        }
        bail!("the emulator could not start (log {})", log.display())
    }

    /// CPU seconds (user + system) the emulator has used so far.
    fn cpu(&self) -> f64 {
        proc_cpu(self.pid).unwrap_or(0.0)
    }
}

impl Drop for Moto {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// One STS GetCallerIdentity on `stream` (HTTP/1.1); returns the seconds
/// until the whole answer (by Content-Length) and, with `close`, until EOF.
fn sts_call(stream: &mut TcpStream, host: &str, close: bool) -> Result<(f64, Option<f64>)> {
    let body = "Action=GetCallerIdentity&Version=2011-06-15";
    let req = format!(
        "POST / HTTP/1.1\r\nHost: {host}\r\nContent-Type: application/x-www-form-urlencoded\r\n\
         Authorization: AWS4-HMAC-SHA256 Credential=testing/20250101/us-east-1/sts/aws4_request, \
         SignedHeaders=host, Signature=0\r\nContent-Length: {}\r\nConnection: {}\r\n\r\n{body}",
        body.len(),
        if close { "close" } else { "keep-alive" }
    );
    let t = Instant::now();
    stream.write_all(req.as_bytes())?;
    let mut buf = Vec::new();
    let mut chunk = [0u8; 8192];
    let whole = loop {
        let n = stream.read(&mut chunk)?;
        if n == 0 {
            bail!("connection closed before a whole answer");
        }
        buf.extend_from_slice(&chunk[..n]);
        if let Some(i) = buf.windows(4).position(|w| w == b"\r\n\r\n") {
            let head = String::from_utf8_lossy(&buf[..i]).to_ascii_lowercase();
            let len: usize = head
                .lines()
                .find_map(|l| l.strip_prefix("content-length:"))
                .and_then(|v| v.trim().parse().ok())
                .unwrap_or(0);
            if buf.len() >= i + 4 + len {
                break t.elapsed().as_secs_f64();
            }
        }
    };
    let eof = if close {
        while stream.read(&mut chunk)? > 0 {}
        Some(t.elapsed().as_secs_f64())
    } else {
        None
    };
    Ok((whole, eof))
}

fn median(mut v: Vec<f64>) -> f64 {
    v.sort_by(f64::total_cmp);
    v.get(v.len() / 2).copied().unwrap_or(f64::NAN)
}

/// Per-request time of the test harness, sequential, no load:
/// (moto answer, moto close, through the proxy) in seconds.
fn calibrate(moto_url: &str, proxy_url: &str) -> Result<(f64, f64, f64)> {
    let addr = |u: &str| u.trim_start_matches("http://").to_owned();
    let (m, p) = (addr(moto_url), addr(proxy_url));
    let (mut answer, mut close, mut proxied) = (vec![], vec![], vec![]);
    for _ in 0..25 {
        // moto closes each connection itself; the proxy opens one per request.
        let mut s = TcpStream::connect(&m)?;
        s.set_nodelay(true)?;
        let (a, c) = sts_call(&mut s, &m, true)?;
        answer.push(a);
        close.push(c.unwrap_or(f64::NAN));
    }
    let mut s = TcpStream::connect(&p)?;
    s.set_nodelay(true)?;
    sts_call(&mut s, &p, false)?;
    for _ in 0..25 {
        proxied.push(sts_call(&mut s, &p, false)?.0);
    }
    Ok((median(answer), median(close), median(proxied)))
}

fn http_ok(port: u16) -> bool {
    let Ok(mut s) = TcpStream::connect(("127.0.0.1", port)) else {
        return false;
    };
    let _ = s.set_read_timeout(Some(Duration::from_secs(5)));
    if write!(
        s,
        "GET /moto-api/ HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n"
    )
    .is_err()
    {
        return false;
    }
    let mut buf = [0u8; 16];
    matches!(s.read(&mut buf), Ok(n) if n >= 12 && &buf[9..12] == b"200")
}

fn clk_tck() -> f64 {
    Command::new("getconf")
        .arg("CLK_TCK")
        .output()
        .ok()
        .and_then(|o| String::from_utf8(o.stdout).ok())
        .and_then(|s| s.trim().parse().ok())
        .unwrap_or(100.0)
}

/// utime + stime of a process, in seconds (threads included).
fn proc_cpu(pid: u32) -> Option<f64> {
    let stat = std::fs::read_to_string(format!("/proc/{pid}/stat")).ok()?;
    let rest = &stat[stat.rfind(')')? + 2..];
    let f: Vec<&str> = rest.split(' ').collect();
    // fields 14 and 15 of stat; `rest` starts at field 3
    let ticks: f64 = f.get(11)?.parse::<f64>().ok()? + f.get(12)?.parse::<f64>().ok()?;
    Some(ticks / clk_tck())
}

// ---------------------------------------------------------------------------
// Seeding
// ---------------------------------------------------------------------------

fn seed(seed_bin: &Path, url: &str, small: bool) -> Result<Value> {
    let mut cmd = Command::new(seed_bin);
    cmd.args(["--endpoint-url", url, "--json"]);
    if small {
        cmd.arg("--small");
    }
    let out = cmd
        .stderr(Stdio::inherit())
        .output()
        .with_context(|| format!("run {}", seed_bin.display()))?;
    if !out.status.success() {
        bail!("seeding {url} failed ({})", out.status);
    }
    let text = String::from_utf8_lossy(&out.stdout);
    let line = text.lines().last().context("seed printed nothing")?;
    serde_json::from_str(line).with_context(|| format!("seed output is not JSON: {line}"))
}

// ---------------------------------------------------------------------------
// Running remediate
// ---------------------------------------------------------------------------

type Calls = BTreeMap<String, BTreeMap<String, u64>>;

#[derive(Debug, Default, Clone)]
struct Measured {
    label: String,
    wall: f64,
    code: i32,
    user: f64,
    sys: f64,
    peak_kb: u64,
    moto_cpu: f64,
    calls: Calls,
    /// plan: actions in the plan; apply: actions applied.
    actions: usize,
    failed: usize,
    /// apply: seconds from start to "Applying" and to "Apply complete".
    exec_start: Option<f64>,
    exec_end: Option<f64>,
    /// Requests the proxy saw (latency runs).
    proxy_requests: Option<u64>,
    /// Latency runs: seconds from spawn to the first and the last request
    /// the proxy received (5 ms sampling).
    first_request: Option<f64>,
    last_request: Option<f64>,
    /// plan: regions scanned.
    regions: u64,
    /// plan: findings per control, (all, not skipped).
    findings: BTreeMap<String, (u64, u64)>,
    /// apply: per operation, from the journal: (op, actions, first "before",
    /// last "before", last "after", mean after - before), seconds from the
    /// first journal entry.
    timeline: Vec<(String, usize, f64, f64, f64, f64)>,
}

impl Measured {
    fn total(&self) -> u64 {
        self.calls.values().flat_map(|m| m.values()).sum()
    }
    fn writes(&self) -> u64 {
        self.calls
            .values()
            .flat_map(|m| m.iter())
            .filter(|(op, _)| !is_read(op))
            .map(|(_, n)| n)
            .sum()
    }
    fn op(&self, service: &str, op: &str) -> u64 {
        self.calls
            .get(service)
            .and_then(|m| m.get(op))
            .copied()
            .unwrap_or(0)
    }
}

fn is_read(op: &str) -> bool {
    ["Get", "List", "Describe", "Head", "Lookup"]
        .iter()
        .any(|p| op.starts_with(p))
}

struct Runner {
    remediate: PathBuf,
    work: PathBuf,
    has_time: bool,
    n: usize,
}

impl Runner {
    fn run(
        &mut self,
        label: &str,
        url: &str,
        moto: &Moto,
        args: &[String],
        counters: Option<Arc<proxy::Counters>>,
    ) -> Result<Measured> {
        self.n += 1;
        let dir = self.work.join(format!("run-{:02}", self.n));
        std::fs::create_dir_all(&dir)?;
        let stdout_path = dir.join("stdout");
        let time_path = dir.join("time");
        let mut cmd = if self.has_time {
            let mut c = Command::new("/usr/bin/time");
            c.arg("-o").arg(&time_path).args(["-f", "%e %U %S %M"]);
            c.arg(&self.remediate);
            c
        } else {
            Command::new(&self.remediate)
        };
        cmd.args(args)
            .env_clear()
            .env("PATH", std::env::var_os("PATH").unwrap_or_default())
            .env("HOME", &dir)
            .env("AWS_ACCESS_KEY_ID", "testing")
            .env("AWS_SECRET_ACCESS_KEY", "testing")
            .env("AWS_REGION", "us-east-1")
            .env("AWS_ENDPOINT_URL", url)
            .env("AWS_EC2_METADATA_DISABLED", "true")
            .env("AWS_CONFIG_FILE", dir.join("no-aws-config"))
            .env(
                "AWS_SHARED_CREDENTIALS_FILE",
                dir.join("no-aws-credentials"),
            )
            .env("NO_COLOR", "1")
            .current_dir(&dir)
            .stdin(Stdio::null())
            .stdout(std::fs::File::create(&stdout_path)?)
            .stderr(Stdio::piped());
        let moto_before = moto.cpu();
        let started = Instant::now();
        let mut child = cmd.spawn().context("spawn remediate")?;
        // Through the proxy: sample its request counter to see when the
        // first and the last request arrived (startup and tail of the run).
        let stop = Arc::new(AtomicBool::new(false));
        let sampler = counters.map(|c| {
            let stop = stop.clone();
            std::thread::spawn(move || {
                let base = c.snapshot().requests;
                let (mut first, mut last, mut seen) = (None, None, base);
                while !stop.load(Ordering::SeqCst) {
                    let n = c.snapshot().requests;
                    let t = started.elapsed().as_secs_f64();
                    if n > base && first.is_none() {
                        first = Some(t);
                    }
                    if n > seen {
                        seen = n;
                        last = Some(t);
                    }
                    std::thread::sleep(Duration::from_millis(5));
                }
                (first, last, seen - base)
            })
        });
        // Without /usr/bin/time: poll the child's high-water mark and CPU.
        let poller = (!self.has_time).then(|| {
            let pid = child.id();
            std::thread::spawn(move || poll_proc(pid))
        });
        let stderr = child.stderr.take().expect("piped");
        let mut lines: Vec<(f64, String)> = Vec::new();
        for line in BufReader::new(stderr).lines() {
            let Ok(line) = line else { break };
            lines.push((started.elapsed().as_secs_f64(), line));
        }
        let status = child.wait()?;
        let wall = started.elapsed().as_secs_f64();
        stop.store(true, Ordering::SeqCst);
        let sampled = sampler.and_then(|h| h.join().ok());
        let moto_cpu = moto.cpu() - moto_before;
        let mut m = Measured {
            label: label.to_owned(),
            wall,
            code: status.code().unwrap_or(-1),
            moto_cpu,
            first_request: sampled.and_then(|s| s.0),
            last_request: sampled.and_then(|s| s.1),
            proxy_requests: sampled.map(|s| s.2),
            ..Default::default()
        };
        if let Some(p) = poller {
            let (peak, cpu) = p.join().unwrap_or((0, (0.0, 0.0)));
            m.peak_kb = peak;
            (m.user, m.sys) = cpu;
        } else {
            let t = std::fs::read_to_string(&time_path).unwrap_or_default();
            // With a non-zero exit GNU time writes "Command exited ..." first.
            let last = t.lines().last().unwrap_or_default();
            let f: Vec<&str> = last.split_whitespace().collect();
            if f.len() == 4 {
                m.user = f[1].parse().unwrap_or(0.0);
                m.sys = f[2].parse().unwrap_or(0.0);
                m.peak_kb = f[3].parse().unwrap_or(0);
            }
        }
        let stderr_text: String = lines.iter().map(|(_, l)| format!("{l}\n")).collect();
        std::fs::write(dir.join("stderr"), &stderr_text)?;
        let stdout = std::fs::read_to_string(&stdout_path).unwrap_or_default();
        if args.first().map(String::as_str) == Some("plan") {
            let v: Value = serde_json::from_str(&stdout).with_context(|| {
                format!(
                    "{label}: plan output is not JSON (exit {}); stderr:\n{}",
                    m.code,
                    tail(&stderr_text, 15)
                )
            })?;
            m.calls = serde_json::from_value(v["api_calls"].clone()).unwrap_or_default();
            m.actions = v["actions"].as_array().map(Vec::len).unwrap_or(0);
            m.regions = v["regions"].as_array().map(|a| a.len() as u64).unwrap_or(0);
            for f in v["findings"].as_array().into_iter().flatten() {
                let e = m
                    .findings
                    .entry(f["control"].as_str().unwrap_or("?").to_owned())
                    .or_default();
                e.0 += 1;
                if f["status"].as_str() != Some("skipped") {
                    e.1 += 1;
                }
            }
        } else {
            m.calls = parse_stats_text(&stderr_text);
            m.timeline = journal_timeline(&dir);
            for (t, l) in &lines {
                if l.starts_with("Applying ") {
                    m.exec_start = Some(*t);
                    m.actions = l
                        .split_whitespace()
                        .nth(1)
                        .and_then(|n| n.parse().ok())
                        .unwrap_or(0);
                }
                if let Some(rest) = l.strip_prefix("Apply complete: ") {
                    m.exec_end = Some(*t);
                    // "a applied, f failed, s skipped." (a zero count is left out)
                    m.failed = rest
                        .trim_end_matches('.')
                        .split(", ")
                        .find_map(|part| part.strip_suffix(" failed")?.parse().ok())
                        .unwrap_or(0);
                }
            }
        }
        if m.calls.is_empty() || !(m.code == 0 || m.code == 2) {
            eprintln!(
                "bench: {label}: exit {}; stderr tail:\n{}",
                m.code,
                tail(&stderr_text, 15)
            );
        }
        Ok(m)
    }
}

fn tail(text: &str, n: usize) -> String {
    let l: Vec<&str> = text.lines().collect();
    l[l.len().saturating_sub(n)..].join("\n")
}

/// (VmHWM kB, (user s, sys s)) of `pid`, polled until it exits.
fn poll_proc(pid: u32) -> (u64, (f64, f64)) {
    let mut peak = 0;
    let mut cpu = (0.0, 0.0);
    let tck = clk_tck();
    while let Ok(status) = std::fs::read_to_string(format!("/proc/{pid}/status")) {
        let Some(hwm) = status.lines().find(|l| l.starts_with("VmHWM:")) else {
            break; // a zombie: exited
        };
        if let Some(kb) = hwm.split_whitespace().nth(1).and_then(|x| x.parse().ok()) {
            peak = peak.max(kb);
        }
        if let Ok(stat) = std::fs::read_to_string(format!("/proc/{pid}/stat"))
            && let Some(i) = stat.rfind(')')
        {
            let f: Vec<&str> = stat[i + 2..].split(' ').collect();
            if let (Some(u), Some(s)) = (f.get(11), f.get(12)) {
                cpu = (
                    u.parse::<f64>().unwrap_or(0.0) / tck,
                    s.parse::<f64>().unwrap_or(0.0) / tck,
                );
            }
        }
        std::thread::sleep(Duration::from_millis(5));
    }
    (peak, cpu)
}

/// Per operation: when its actions journaled `before` (right before the
/// first write) and `after` (written and read back).
fn journal_timeline(dir: &Path) -> Vec<(String, usize, f64, f64, f64, f64)> {
    let Some(path) = std::fs::read_dir(dir).ok().and_then(|it| {
        it.filter_map(|e| e.ok().map(|e| e.path()))
            .find(|p| p.extension().is_some_and(|x| x == "jsonl"))
    }) else {
        return vec![];
    };
    let text = std::fs::read_to_string(path).unwrap_or_default();
    let fmt = time::format_description::well_known::Rfc3339;
    // action id -> (op, before, after)
    let mut acts: BTreeMap<String, (String, Option<f64>, Option<f64>)> = BTreeMap::new();
    let mut t0 = f64::INFINITY;
    for line in text.lines() {
        let Ok(v) = serde_json::from_str::<Value>(line) else {
            continue;
        };
        let Some(t) = v["time"]
            .as_str()
            .and_then(|t| time::OffsetDateTime::parse(t, &fmt).ok())
            .map(|t| t.unix_timestamp_nanos() as f64 / 1e9)
        else {
            continue;
        };
        t0 = t0.min(t);
        let e = acts
            .entry(v["action_id"].as_str().unwrap_or_default().to_owned())
            .or_insert_with(|| (v["op"]["op"].as_str().unwrap_or("?").to_owned(), None, None));
        match v["phase"].as_str() {
            Some("before") => e.1 = Some(t),
            Some("after") | Some("failed") => e.2 = Some(t),
            _ => {}
        }
    }
    let mut by_op: BTreeMap<String, Vec<(f64, f64)>> = BTreeMap::new();
    for (op, b, a) in acts.into_values() {
        if let (Some(b), Some(a)) = (b, a) {
            by_op.entry(op).or_default().push((b - t0, a - t0));
        }
    }
    let mut out: Vec<_> = by_op
        .into_iter()
        .map(|(op, v)| {
            let n = v.len();
            let fb = v.iter().map(|x| x.0).fold(f64::INFINITY, f64::min);
            let lb = v.iter().map(|x| x.0).fold(0.0, f64::max);
            let la = v.iter().map(|x| x.1).fold(0.0, f64::max);
            let mean = v.iter().map(|x| x.1 - x.0).sum::<f64>() / n as f64;
            (op, n, fb, lb, la, mean)
        })
        .collect();
    out.sort_by(|a, b| a.2.total_cmp(&b.2));
    out
}

/// The `--stats` text on stderr:
/// `API calls: N in all` then `  service   n  Op c, Op c`.
fn parse_stats_text(text: &str) -> Calls {
    let mut calls = Calls::new();
    let mut inside = false;
    for line in text.lines() {
        if line.starts_with("API calls:") {
            inside = true;
            calls.clear(); // the last block wins
            continue;
        }
        if !inside {
            continue;
        }
        if !line.starts_with("  ") {
            inside = false;
            continue;
        }
        let mut parts = line.split_whitespace();
        let (Some(service), Some(_n)) = (parts.next(), parts.next()) else {
            continue;
        };
        let detail: Vec<&str> = parts.collect();
        let detail = detail.join(" ");
        let ops = calls.entry(service.to_owned()).or_default();
        for item in detail.split(", ") {
            if let Some((op, c)) = item.rsplit_once(' ')
                && let Ok(c) = c.parse()
            {
                ops.insert(op.to_owned(), c);
            }
        }
    }
    calls
}

// ---------------------------------------------------------------------------
// The critical path of a scan
// ---------------------------------------------------------------------------

/// The longest chain of dependent calls of one scan, from the collector's
/// structure (src/collect) and the pagination visible in the call counts.
/// Returns (length, explanation).
struct Chain {
    /// Longest chain of dependent calls of the whole scan.
    d: u64,
    /// Longest chain inside phase 1 and inside phase 2.
    phase1: u64,
    phase2: u64,
    /// Calls of phase 2 (bucket reads, key policies).
    n2: u64,
    why: String,
}

impl Chain {
    /// The bound of the issue: max(D x L, N x L / C).
    fn bound(&self, n: u64, l: f64, c: usize) -> f64 {
        (self.d as f64 * l).max(n as f64 * l / c as f64)
    }
    /// The same, stage by stage, with the collector's barriers kept: the two
    /// identity/region calls, then phase 1, then phase 2 (which waits for
    /// every phase-1 read).
    fn staged(&self, n: u64, l: f64, c: usize) -> f64 {
        let c = c as f64;
        let n1 = n.saturating_sub(2 + self.n2) as f64;
        2.0 * l
            + (self.phase1 as f64 * l).max(n1 * l / c)
            + (self.phase2 as f64 * l).max(self.n2 as f64 * l / c)
    }
}

fn chain(m: &Measured, regions: u64) -> Chain {
    let r = regions.max(1);
    let pages = |service: &str, op: &str, per: u64| m.op(service, op).div_ceil(per.max(1));
    let has = |service: &str, op: &str| u64::from(m.op(service, op) > 0);
    // Phase 1, per region (every service concurrently).
    let kms = pages("kms", "ListKeys", r)
        + has("kms", "DescribeKey")
        + has("kms", "GetKeyRotationStatus");
    let aliases = pages("kms", "ListAliases", r);
    let trails = pages("cloudtrail", "DescribeTrails", r)
        + u64::from(
            m.op("cloudtrail", "GetTrailStatus") + m.op("cloudtrail", "GetEventSelectors") > 0,
        );
    let config = 1;
    let ec2 = pages("ec2", "DescribeVpcs", r).max(pages("ec2", "DescribeFlowLogs", r));
    let logs = pages("logs", "DescribeLogGroups", 2 * r);
    // Global reads beside phase 1.
    let s3_list = m.op("s3", "ListBuckets");
    let roles = m.op("iam", "ListRoles");
    let iam_role =
        has("iam", "GetRole") + has("iam", "ListRolePolicies") + has("iam", "GetRolePolicy");
    let phase1 = [
        kms, aliases, trails, config, ec2, logs, s3_list, roles, iam_role,
    ]
    .into_iter()
    .max()
    .unwrap_or(1);
    // Phase 2, after every phase-1 read.
    let buckets = if m.op("s3", "GetBucketLocation") > 0 {
        2
    } else {
        0
    };
    let phase2 = buckets.max(has("kms", "GetKeyPolicy"));
    let d = 2 + phase1 + phase2;
    let why = format!(
        "GetCallerIdentity -> DescribeRegions (2) + phase 1 max(kms ListKeys x{} -> DescribeKey -> GetKeyRotationStatus = {kms}, \
         ListAliases {aliases}, DescribeTrails -> GetTrailStatus|GetEventSelectors = {trails}, config {config}, ec2 {ec2}, logs {logs}, \
         ListBuckets {s3_list}, ListRoles {roles}, GetRole -> ListRolePolicies -> GetRolePolicy = {iam_role}) = {phase1} \
         + phase 2 max(GetBucketLocation -> 7 bucket reads = {buckets}, GetKeyPolicy {}) = {phase2}",
        pages("kms", "ListKeys", r),
        has("kms", "GetKeyPolicy"),
    );
    let n2 = m.calls.get("s3").map(|ops| {
        ops.iter()
            .filter(|(op, _)| op.as_str() != "ListBuckets")
            .map(|(_, n)| n)
            .sum::<u64>()
    });
    Chain {
        d,
        phase1,
        phase2,
        n2: n2.unwrap_or(0) + m.op("kms", "GetKeyPolicy"),
        why,
    }
}

// ---------------------------------------------------------------------------
// Main
// ---------------------------------------------------------------------------

struct Account {
    name: &'static str,
    seed: Value,
    plans: Vec<Measured>,
    /// (label, measured) of plan runs through the latency proxy, with C.
    latency_plans: Vec<(usize, Vec<Measured>)>,
    apply: Option<Measured>,
    after_apply: Option<Measured>,
    apply_latency: Option<Measured>,
    after_apply_latency: Option<Measured>,
    /// (moto answer s, moto close s, proxied s) per request, sequential.
    calibration: Option<(f64, f64, f64)>,
}

impl Account {
    /// Regions the scan covers (every enabled region, not only the seeded ones).
    fn regions(&self) -> u64 {
        self.best_plan().regions.max(1)
    }
    fn seeded_regions(&self) -> u64 {
        self.seed["regions"]
            .as_array()
            .map(|a| a.len() as u64)
            .unwrap_or(0)
    }
    fn n(&self, k: &str) -> u64 {
        self.seed[k].as_u64().unwrap_or(0)
    }
    /// Findings of `control` in the plan: (all, not skipped).
    fn found(&self, control: &str) -> (u64, u64) {
        self.best_plan()
            .findings
            .get(control)
            .copied()
            .unwrap_or((0, 0))
    }
    /// VPCs the scan saw (moto's default VPCs in unseeded regions included).
    fn vpcs(&self) -> u64 {
        self.found("2.9").0
    }
    /// Customer keys the scan saw (2.8 judges or skips each).
    fn keys(&self) -> u64 {
        self.found("2.8").0
    }
    fn keys_in_scope(&self) -> u64 {
        self.found("2.8").1
    }
    fn trails(&self) -> u64 {
        self.found("2.2").0
    }
    fn trail_buckets(&self) -> u64 {
        self.found("2.3").0
    }
    /// Resources the scan reads: VPCs, keys, trails, trail buckets.
    fn resources(&self) -> u64 {
        self.vpcs() + self.keys() + self.trails() + self.trail_buckets()
    }
    fn best_plan(&self) -> &Measured {
        self.plans
            .iter()
            .min_by(|a, b| a.wall.total_cmp(&b.wall))
            .expect("at least one plan run")
    }
}

fn best(v: &[Measured]) -> &Measured {
    v.iter()
        .min_by(|a, b| a.wall.total_cmp(&b.wall))
        .expect("at least one run")
}

fn run(args: Args) -> Result<()> {
    if let Some(upstream) = &args.proxy_only {
        let px = Proxy::start(
            upstream,
            ProxyConfig {
                fault_rate: 0.0,
                latency: Duration::from_millis(args.latency_ms),
                seed: 1,
                kinds: vec![],
            },
        );
        println!("{}", px.url);
        loop {
            std::thread::sleep(Duration::from_secs(3600));
        }
    }
    let total = Instant::now();
    let moto_python = moto_python()?;
    let seed_bin = match &args.seed_bin {
        Some(p) => p.clone(),
        None => std::env::current_exe()?
            .parent()
            .context("no parent dir")?
            .join("seed_large"),
    };
    if !seed_bin.is_file() {
        bail!(
            "{} not found: cargo build --example seed_large",
            seed_bin.display()
        );
    }
    if !args.remediate.is_file() {
        bail!("{} not found", args.remediate.display());
    }
    let work = tempfile::Builder::new()
        .prefix("remediate-bench-")
        .tempdir()?;
    let work_path = if args.keep {
        work.keep()
    } else {
        work.path().to_path_buf()
    };
    let has_time = !args.poll_memory && Path::new("/usr/bin/time").is_file();
    let mut runner = Runner {
        remediate: std::fs::canonicalize(&args.remediate)?,
        work: work_path.clone(),
        has_time,
        n: 0,
    };
    let latency = Duration::from_millis(args.latency_ms);
    let c = args.concurrency.max(1);
    let kinds: Vec<&'static str> = match args.only.as_deref() {
        Some("small") => vec!["small"],
        Some("large") => vec!["large"],
        Some(o) => bail!("--only {o}: use small or large"),
        None => vec!["small", "large"],
    };

    eprintln!(
        "bench: remediate = {}; peak memory via {}; work dir {}",
        runner.remediate.display(),
        if has_time {
            "/usr/bin/time -f %M"
        } else {
            "VmHWM polling"
        },
        work_path.display()
    );

    // Start and seed every emulator first (concurrently), then measure.
    struct Server {
        kind: &'static str,
        role: &'static str,
        moto: Moto,
    }
    let mut servers = Vec::new();
    for kind in &kinds {
        for role in if args.no_apply {
            vec!["A"]
        } else {
            vec!["A", "B"]
        } {
            let log = work_path.join(format!("moto-{kind}-{role}.log"));
            servers.push(Server {
                kind,
                role,
                moto: Moto::start(&moto_python, &log)?,
            });
        }
    }
    let seeded = Instant::now();
    let seeds: Vec<Result<(Value, f64)>> = std::thread::scope(|s| {
        let handles: Vec<_> = servers
            .iter()
            .map(|srv| {
                let seed_bin = &seed_bin;
                s.spawn(move || {
                    let t = Instant::now();
                    let v = seed(seed_bin, &srv.moto.url, srv.kind == "small")?;
                    Ok((v, t.elapsed().as_secs_f64()))
                })
            })
            .collect();
        handles
            .into_iter()
            .map(|h| h.join().expect("seed thread"))
            .collect()
    });
    let mut seed_of: BTreeMap<&str, Value> = BTreeMap::new();
    for (srv, r) in servers.iter().zip(seeds) {
        let (v, secs) = r.with_context(|| format!("seed {} {}", srv.kind, srv.role))?;
        eprintln!(
            "bench: seeded {} ({}) at {} in {secs:.1} s",
            srv.kind, srv.role, srv.moto.url
        );
        seed_of.insert(srv.kind, v);
    }
    eprintln!(
        "bench: seeding took {:.1} s (all emulators concurrently)",
        seeded.elapsed().as_secs_f64()
    );

    let mut accounts: Vec<Account> = Vec::new();
    for kind in &kinds {
        let a_srv = servers
            .iter()
            .find(|s| s.kind == *kind && s.role == "A")
            .expect("A");
        let b_srv = servers.iter().find(|s| s.kind == *kind && s.role == "B");
        let mut acct = Account {
            name: kind,
            seed: seed_of[kind].clone(),
            plans: vec![],
            latency_plans: vec![],
            apply: None,
            after_apply: None,
            apply_latency: None,
            after_apply_latency: None,
            calibration: None,
        };
        let plan_args = |cc: usize| -> Vec<String> {
            [
                "plan",
                "--format",
                "json",
                "--stats",
                "--concurrency",
                &cc.to_string(),
            ]
            .map(String::from)
            .to_vec()
        };
        let apply_args: Vec<String> =
            ["apply", "--yes", "--stats", "--concurrency", &c.to_string()]
                .map(String::from)
                .to_vec();
        let a = &a_srv.moto;
        for i in 0..args.runs.max(1) {
            let m = runner.run(&format!("{kind} plan #{i}"), &a.url, a, &plan_args(c), None)?;
            eprintln!("bench: {kind} plan: {:.2} s, {} calls", m.wall, m.total());
            acct.plans.push(m);
        }
        let mut concurrencies = vec![c];
        if *kind == "large" || kinds.len() == 1 {
            concurrencies.extend(args.sweep.iter().copied().filter(|x| *x != c));
        }
        for cc in concurrencies {
            let mut runs = Vec::new();
            for i in 0..args.runs.max(1) {
                let px = Proxy::start(
                    &a.url,
                    ProxyConfig {
                        fault_rate: 0.0,
                        latency,
                        seed: 1,
                        kinds: vec![],
                    },
                );
                let m = runner.run(
                    &format!("{kind} plan @{}ms C={cc} #{i}", args.latency_ms),
                    &px.url,
                    a,
                    &plan_args(cc),
                    Some(px.counters.clone()),
                )?;
                eprintln!(
                    "bench: {kind} plan @{}ms C={cc}: {:.2} s, {} calls",
                    args.latency_ms,
                    m.wall,
                    m.total()
                );
                runs.push(m);
            }
            acct.latency_plans.push((cc, runs));
        }
        {
            let px = Proxy::start(
                &a.url,
                ProxyConfig {
                    fault_rate: 0.0,
                    latency,
                    seed: 1,
                    kinds: vec![],
                },
            );
            match calibrate(&a.url, &px.url) {
                Ok(c) => {
                    eprintln!(
                        "bench: per request: moto answers in {:.1} ms, closes at {:.1} ms; through the proxy {:.1} ms",
                        c.0 * 1e3,
                        c.1 * 1e3,
                        c.2 * 1e3
                    );
                    acct.calibration = Some(c);
                }
                Err(e) => eprintln!("bench: calibration failed: {e:#}"),
            }
        }
        if !args.no_apply {
            let m = runner.run(&format!("{kind} apply"), &a.url, a, &apply_args, None)?;
            eprintln!(
                "bench: {kind} apply: {:.2} s, {} actions, {} calls",
                m.wall,
                m.actions,
                m.total()
            );
            acct.apply = Some(m);
            acct.after_apply = Some(runner.run(
                &format!("{kind} plan after apply"),
                &a.url,
                a,
                &plan_args(c),
                None,
            )?);
            if let Some(b) = b_srv {
                let b = &b.moto;
                let px = Proxy::start(
                    &b.url,
                    ProxyConfig {
                        fault_rate: 0.0,
                        latency,
                        seed: 1,
                        kinds: vec![],
                    },
                );
                let m = runner.run(
                    &format!("{kind} apply @{}ms", args.latency_ms),
                    &px.url,
                    b,
                    &apply_args,
                    Some(px.counters.clone()),
                )?;
                drop(px);
                eprintln!(
                    "bench: {kind} apply @{}ms: {:.2} s, {} actions, {} calls",
                    args.latency_ms,
                    m.wall,
                    m.actions,
                    m.total()
                );
                acct.apply_latency = Some(m);
                acct.after_apply_latency = Some(runner.run(
                    &format!("{kind} plan after apply @{}ms", args.latency_ms),
                    &b.url,
                    b,
                    &plan_args(c),
                    None,
                )?);
            }
        }
        accounts.push(acct);
    }
    drop(servers);

    report(&accounts, &args, latency);
    eprintln!("bench: done in {:.1} s", total.elapsed().as_secs_f64());
    Ok(())
}

// ---------------------------------------------------------------------------
// Report
// ---------------------------------------------------------------------------

fn mb(kb: u64) -> String {
    format!("{:.1}", kb as f64 / 1024.0)
}

fn report(accounts: &[Account], args: &Args, latency: Duration) {
    let l = latency.as_secs_f64();
    let lms = args.latency_ms;
    println!();
    println!("## Accounts");
    println!();
    println!(
        "| account | regions scanned (seeded) | VPCs (seeded with flow logs) | customer keys (in scope of 2.8) | trails | trail buckets | resources |"
    );
    println!("|---|---:|---:|---:|---:|---:|---:|");
    for a in accounts {
        println!(
            "| {} | {} ({}) | {} ({}) | {} ({}) | {} | {} | {} |",
            a.name,
            a.regions(),
            a.seeded_regions(),
            a.vpcs(),
            a.n("vpcs_with_flow_logs"),
            a.keys(),
            a.keys_in_scope(),
            a.trails(),
            a.trail_buckets(),
            a.resources(),
        );
    }
    println!();
    println!(
        "(the scan covers every enabled region; moto makes a default VPC in each, so unseeded regions still hold one VPC)"
    );

    println!();
    println!("## Runs");
    println!();
    println!(
        "| account | run | wall s | exit | API calls | writes | calls/region | calls/resource | actions | peak RSS MB | remediate CPU s | emulator CPU s | proxy requests |"
    );
    println!("|---|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|");
    for a in accounts {
        let row = |m: &Measured, what: &str| {
            println!(
                "| {} | {} | {:.2} | {} | {} | {} | {:.1} | {:.2} | {}{} | {} | {:.2} | {:.2} | {} |",
                a.name,
                what,
                m.wall,
                m.code,
                m.total(),
                m.writes(),
                m.total() as f64 / a.regions().max(1) as f64,
                m.total() as f64 / a.resources().max(1) as f64,
                m.actions,
                if m.failed > 0 {
                    format!(" ({} failed)", m.failed)
                } else {
                    String::new()
                },
                mb(m.peak_kb),
                m.user + m.sys,
                m.moto_cpu,
                m.proxy_requests
                    .map(|n| n.to_string())
                    .unwrap_or_else(|| "-".into()),
            );
        };
        let plans = &a.plans;
        row(a.best_plan(), &format!("plan (best of {})", plans.len()));
        for (cc, runs) in &a.latency_plans {
            row(
                best(runs),
                &format!("plan @{lms}ms C={cc} (best of {})", runs.len()),
            );
        }
        if let Some(m) = &a.apply {
            row(m, "apply --yes");
        }
        if let Some(m) = &a.after_apply {
            row(m, "plan after apply");
        }
        if let Some(m) = &a.apply_latency {
            row(m, &format!("apply --yes @{lms}ms"));
        }
        if let Some(m) = &a.after_apply_latency {
            row(m, &format!("plan after apply @{lms}ms"));
        }
    }
    let all_runs: Vec<String> = accounts
        .iter()
        .flat_map(|a| {
            a.plans
                .iter()
                .chain(a.latency_plans.iter().flat_map(|(_, r)| r.iter()))
                .map(|m| format!("{} {:.2}s", m.label, m.wall))
        })
        .collect();
    if args.runs > 1 {
        println!();
        println!("All plan runs: {}", all_runs.join("; "));
    }

    println!();
    println!("## API calls per service (plan, no latency)");
    println!();
    let mut services: Vec<String> = accounts
        .iter()
        .flat_map(|a| a.best_plan().calls.keys().cloned())
        .collect();
    services.sort();
    services.dedup();
    print!("| service |");
    for a in accounts {
        print!(" {} plan | {} apply |", a.name, a.name);
    }
    println!();
    print!("|---|");
    for _ in accounts {
        print!("---:|---:|");
    }
    println!();
    let mut all_services = services.clone();
    for a in accounts {
        if let Some(m) = &a.apply {
            all_services.extend(m.calls.keys().cloned());
        }
    }
    all_services.sort();
    all_services.dedup();
    for s in &all_services {
        print!("| {s} |");
        for a in accounts {
            let p: u64 = a
                .best_plan()
                .calls
                .get(s)
                .map(|m| m.values().sum())
                .unwrap_or(0);
            let ap: u64 = a
                .apply
                .as_ref()
                .and_then(|m| m.calls.get(s))
                .map(|m| m.values().sum())
                .unwrap_or(0);
            print!(" {p} | {ap} |");
        }
        println!();
    }
    for a in accounts {
        println!();
        println!("{} plan, per operation:", a.name);
        for (s, ops) in &a.best_plan().calls {
            let d: Vec<String> = ops.iter().map(|(o, n)| format!("{o} {n}")).collect();
            println!("  {s:<11} {}", d.join(", "));
        }
    }

    println!();
    println!("## Calls grow with regions + resources");
    println!();
    println!(
        "Model of a scan (src/collect): 6 global (GetCallerIdentity, DescribeRegions, ListBuckets, ListRoles, 2 GetRole) \
         + 10 per region (DescribeTrails, 3 Config, ListKeys, ListAliases, DescribeVpcs, DescribeFlowLogs, 2 DescribeLogGroups; \
         one page each here) + 1 DescribeKey per key + 1 GetKeyRotationStatus per in-scope key + 2 per trail (status, selectors) \
         + 8 per trail bucket + 1 GetKeyPolicy per trail key. VPCs and flow logs cost nothing per resource (one paginated list per region)."
    );
    println!();
    println!(
        "| account | regions | resources | model | measured | calls/region | calls/resource |"
    );
    println!("|---|---:|---:|---:|---:|---:|---:|");
    for a in accounts {
        let m = a.best_plan();
        let model = 6
            + 10 * a.regions()
            + a.keys()
            + a.keys_in_scope()
            + 2 * a.trails()
            + 8 * a.trail_buckets()
            + a.n("keys_trail");
        println!(
            "| {} | {} | {} | {} | {} | {:.1} | {:.2} |",
            a.name,
            a.regions(),
            a.resources(),
            model,
            m.total(),
            m.total() as f64 / a.regions().max(1) as f64,
            m.total() as f64 / a.resources().max(1) as f64
        );
    }

    println!();
    println!("## Critical-path bound of plan @{lms}ms");
    println!();
    println!(
        "| account | C | N calls | D chain | D x L s | N x L / C s | bound s | measured s | measured / bound | emulator floor s |"
    );
    println!("|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|");
    let mut whys = Vec::new();
    let mut detail = Vec::new();
    for a in accounts {
        for (cc, runs) in &a.latency_plans {
            let m = best(runs);
            let n = m.total();
            let ch = chain(m, a.regions());
            let d = ch.d;
            let depth = d as f64 * l;
            let width = n as f64 * l / *cc as f64;
            let bound = ch.bound(n, l, *cc);
            println!(
                "| {} | {cc} | {n} | {d} | {depth:.2} | {width:.2} | {bound:.2} | {:.2} | {:.2} | {:.2} |",
                a.name,
                m.wall,
                m.wall / bound,
                a.best_plan().wall,
            );
            let first = m.first_request.unwrap_or(f64::NAN);
            let last = m.last_request.unwrap_or(f64::NAN);
            // The last request's answer arrives about L later.
            let span = last + l - first;
            let l_eff = a.calibration.map(|c| c.2).unwrap_or(f64::NAN);
            let bound_eff = ch.bound(n, l_eff, *cc);
            let staged_eff = ch.staged(n, l_eff, *cc);
            detail.push(format!(
                "| {} | {cc} | {first:.2} | {span:.2} | {:.2} | {:.1} | {bound_eff:.2} | {:.2} | {staged_eff:.2} | {:.2} |",
                a.name,
                m.wall - last - l,
                l_eff * 1e3,
                m.wall / bound_eff,
                m.wall / staged_eff,
            ));
            if *cc == args.concurrency {
                whys.push(format!(
                    "{}: D = {d}: {}; phase 2 makes N2 = {} calls, phase 1 N1 = {}",
                    a.name,
                    ch.why,
                    ch.n2,
                    n.saturating_sub(2 + ch.n2)
                ));
            }
        }
    }
    println!();
    println!(
        "(emulator floor = the same plan without added latency: what moto + remediate need with L = 0)"
    );
    println!();
    println!("Where the time goes:");
    println!();
    println!(
        "| account | C | to 1st request s | requests span s | after last request s | L eff ms | bound with L eff s | measured / bound with L eff | staged bound with L eff s | measured / staged |"
    );
    println!("|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|");
    for row in detail {
        println!("{row}");
    }
    println!();
    println!(
        "(to 1st request = process start and config until the first request reaches the proxy; requests span = first request \
         to the answer of the last one; after last request = plan building, rendering, exit; L eff = what one request \
         through the proxy really takes, measured sequentially: L + the proxy's own cost + moto's service time; \
         staged bound = the bound stage by stage with the collector's barriers: 2 L (identity, regions) \
         + max(D1 L, N1 L / C) (phase 1) + max(D2 L, N2 L / C) (phase 2, after every phase-1 read))"
    );
    for a in accounts {
        if let Some((answer, close, proxied)) = a.calibration {
            println!();
            println!(
                "{}: one request, sequential: moto answers in {:.1} ms and closes the connection at {:.1} ms; \
                 through the proxy (L = {} ms) it takes {:.1} ms, i.e. {:.1} ms more than L",
                a.name,
                answer * 1e3,
                close * 1e3,
                args.latency_ms,
                proxied * 1e3,
                proxied * 1e3 - args.latency_ms as f64
            );
        }
    }
    for w in whys {
        println!();
        println!("{w}");
    }

    println!();
    println!("## Apply: overlap of independent actions");
    println!();
    println!(
        "| account | run | actions | wall s | execute phase s | scan + verify s | API calls | write calls | execute calls (est.) | sum of action latencies s (writes x L) | (execute calls x L) | execute / sum |"
    );
    println!("|---|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|");
    for a in accounts {
        for (m, after, lat) in [
            (&a.apply, &a.after_apply, false),
            (&a.apply_latency, &a.after_apply_latency, true),
        ] {
            let Some(m) = m else { continue };
            let exec = match (m.exec_start, m.exec_end) {
                (Some(s), Some(e)) => e - s,
                _ => f64::NAN,
            };
            // apply = scan + execute + verify scan; the scans read what a
            // plan before (and after) the apply reads.
            let scans = a.best_plan().total() + after.as_ref().map(|x| x.total()).unwrap_or(0);
            let exec_calls = m.total().saturating_sub(scans);
            if lat {
                let by_writes = m.writes() as f64 * l;
                let by_calls = exec_calls as f64 * l;
                println!(
                    "| {} | apply @{lms}ms | {} | {:.2} | {:.2} | {:.2} | {} | {} | {} | {:.1} | {:.1} | {:.3} |",
                    a.name,
                    m.actions,
                    m.wall,
                    exec,
                    m.wall - exec,
                    m.total(),
                    m.writes(),
                    exec_calls,
                    by_writes,
                    by_calls,
                    exec / by_calls.max(1e-9),
                );
            } else {
                println!(
                    "| {} | apply | {} | {:.2} | {:.2} | {:.2} | {} | {} | {} | - | - | - |",
                    a.name,
                    m.actions,
                    m.wall,
                    exec,
                    m.wall - exec,
                    m.total(),
                    m.writes(),
                    exec_calls,
                );
            }
        }
    }
    for a in accounts {
        let Some(m) = a.apply_latency.as_ref().or(a.apply.as_ref()) else {
            continue;
        };
        if m.timeline.is_empty() || a.name != "large" && accounts.len() > 1 {
            continue;
        }
        println!();
        println!(
            "{}: timeline of the execute phase from the journal (s from the first entry; `before` is journaled right \
             before an action's first write, `after` once written and read back):",
            m.label
        );
        println!();
        println!(
            "| operation | actions | first before | last before | last after | mean after - before |"
        );
        println!("|---|---:|---:|---:|---:|---:|");
        for (op, n, fb, lb, la, mean) in &m.timeline {
            println!("| {op} | {n} | {fb:.2} | {lb:.2} | {la:.2} | {mean:.3} |");
        }
    }
    for a in accounts {
        if let Some(m) = &a.after_apply {
            println!();
            println!(
                "{}: plan after apply: exit {}, {} action(s) left",
                a.name, m.code, m.actions
            );
        }
    }
}
