//! Test harness: one moto server (the local AWS emulator) per test.
//!
//! Every integration test declares `mod common;` and starts its own
//! [`Moto`]: a fresh emulator on a free loopback port, so tests share no
//! state and run in parallel under nextest. The server is killed when the
//! `Moto` value is dropped.
//!
//! The emulator is strict by default: `tests/strict/strict_moto.py` starts
//! moto with its backends patched to refuse what AWS refuses (policy sizes
//! and contents, CloudTrail's bucket/key/role checks, Config's delivery
//! check, S3 logging targets, ACLs on buckets that disable them, flow-log
//! role trust; docs/safety.md, "The strict emulator"). [`Moto::start_lenient`]
//! starts plain moto, for the rare test that needs a state AWS would refuse
//! to create.
//!
//! moto differs from AWS in places (see /work/shared/REFERENCE.md); tests
//! must not encode those quirks as truths.
#![allow(dead_code)]

pub mod fixtures;
pub mod proxy;

use std::io::{Read, Write};
use std::net::{TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

#[allow(unused_imports)]
pub use fixtures::{Clients, sdk_config};

/// The account moto answers for when no other account is asked for.
pub const ACCOUNT: &str = "123456789012";

/// How long a server may take to answer its first request.
const START_TIMEOUT: Duration = Duration::from_secs(30);
const POLL: Duration = Duration::from_millis(50);
/// Attempts at finding a port and starting a server on it.
const START_ATTEMPTS: usize = 5;

/// Which emulator [`Moto`] runs.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Emulator {
    /// moto with AWS's validations (the default).
    Strict,
    /// Plain moto.
    Lenient,
}

/// A running emulator on 127.0.0.1, killed on drop.
pub struct Moto {
    /// `http://127.0.0.1:PORT`
    pub url: String,
    pub port: u16,
    child: Child,
    log: PathBuf,
    /// Holds the log file (and is a harmless HOME for the product binary).
    dir: tempfile::TempDir,
    /// Time from spawn to the first answered request.
    pub startup: Duration,
    pub emulator: Emulator,
}

impl Moto {
    /// Starts a fresh strict server and waits until it answers.
    ///
    /// Panics (with the server's log tail) when it cannot start.
    pub fn start() -> Moto {
        Moto::start_with(Emulator::Strict)
    }

    /// Starts plain moto, without the strict layer: only for a state that
    /// AWS would refuse to create (say why at the call site).
    pub fn start_lenient() -> Moto {
        Moto::start_with(Emulator::Lenient)
    }

    pub fn start_with(emulator: Emulator) -> Moto {
        let python = moto_python();
        let dir = tempfile::Builder::new()
            .prefix("remediate-moto-")
            .tempdir()
            .expect("create a temporary directory for the moto log");
        let mut last_error = String::new();
        for attempt in 1..=START_ATTEMPTS {
            let port = free_port();
            let log = dir.path().join(format!("moto-{attempt}.log"));
            match spawn_and_wait(&python, emulator, port, &log, dir.path()) {
                Ok((child, startup)) => {
                    return Moto {
                        url: format!("http://127.0.0.1:{port}"),
                        port,
                        child,
                        log,
                        dir,
                        startup,
                        emulator,
                    };
                }
                // Another process took the port between our probe and the
                // server's bind: try another port.
                Err(StartError::Exited(tail)) if tail.contains("Address already in use") => {
                    last_error = tail;
                }
                Err(StartError::Exited(tail)) => panic!(
                    "the emulator ({} {}) exited during startup on port {port}; log tail:\n{tail}\n\
                     (a stale interpreter? remove {} or set REMEDIATE_MOTO_PYTHON)",
                    python.display(),
                    STRICT_MODULE,
                    python_cache().display()
                ),
                Err(StartError::Timeout(tail)) => panic!(
                    "the emulator ({} {}) did not answer on 127.0.0.1:{port} within {:?}; log tail:\n{tail}",
                    python.display(),
                    STRICT_MODULE,
                    START_TIMEOUT
                ),
            }
        }
        panic!(
            "the emulator could not bind a free port in {START_ATTEMPTS} attempts; last log tail:\n{last_error}"
        )
    }

    /// An SDK config (static test credentials, us-east-1) aimed at this server.
    pub async fn sdk_config(&self) -> aws_config::SdkConfig {
        sdk_config(&self.url).await
    }

    /// The last `lines` lines of the server's log (requests and tracebacks).
    pub fn log_tail(&self, lines: usize) -> String {
        tail(&self.log, lines)
    }

    /// A scratch directory that lives as long as the server.
    pub fn dir(&self) -> &Path {
        self.dir.path()
    }
}

impl Drop for Moto {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// The strict emulator's entry point, relative to the crate root.
pub const STRICT_MODULE: &str = "tests/strict/strict_moto.py";

/// The Python that runs the emulator: `REMEDIATE_MOTO_PYTHON`, else the
/// answer of `scripts/ensure-moto` (the one place that decides, installing
/// moto into `.venv` if needed), cached in the target directory because
/// each test is its own process and the script takes about a second.
pub fn moto_python() -> PathBuf {
    if let Some(p) = std::env::var_os("REMEDIATE_MOTO_PYTHON") {
        return PathBuf::from(p);
    }
    let cache = python_cache();
    if let Ok(cached) = std::fs::read_to_string(&cache) {
        let path = PathBuf::from(cached.trim());
        if path.is_file() {
            return path;
        }
    }
    let script = Path::new(env!("CARGO_MANIFEST_DIR")).join("scripts/ensure-moto");
    let out = Command::new(&script)
        .stdin(Stdio::null())
        .stderr(Stdio::inherit())
        .output()
        .unwrap_or_else(|e| panic!("run {}: {e}", script.display()));
    let answer = String::from_utf8_lossy(&out.stdout).trim().to_owned();
    assert!(
        out.status.success() && !answer.is_empty(),
        "{} found no Python with moto ({}); see its message above",
        script.display(),
        out.status
    );
    // Write then rename: parallel tests may race here.
    let tmp = cache.with_extension(format!("{}", std::process::id()));
    if std::fs::write(&tmp, &answer).is_ok() {
        let _ = std::fs::rename(&tmp, &cache);
    }
    PathBuf::from(answer)
}

fn python_cache() -> PathBuf {
    Path::new(env!("CARGO_TARGET_TMPDIR")).join("moto-python")
}

/// A port that was free a moment ago (the OS picks it; we release it).
fn free_port() -> u16 {
    let listener = TcpListener::bind("127.0.0.1:0").expect("bind 127.0.0.1:0");
    listener.local_addr().expect("local address").port()
}

enum StartError {
    Exited(String),
    Timeout(String),
}

fn spawn_and_wait(
    python: &Path,
    emulator: Emulator,
    port: u16,
    log: &Path,
    dir: &Path,
) -> Result<(Child, Duration), StartError> {
    let out = std::fs::File::create(log).expect("create the moto log file");
    let err = out.try_clone().expect("clone the moto log file handle");
    let started = Instant::now();
    let module = Path::new(env!("CARGO_MANIFEST_DIR")).join(STRICT_MODULE);
    let mut cmd = Command::new(python);
    cmd.arg(&module);
    if emulator == Emulator::Lenient {
        cmd.arg("--lenient");
    }
    let mut child = cmd
        .args(["-H", "127.0.0.1", "-p", &port.to_string()])
        .env("MOTO_EC2_LOAD_DEFAULT_AMIS", "false")
        .env("MOTO_IAM_LOAD_MANAGED_POLICIES", "true")
        .current_dir(dir)
        .stdin(Stdio::null())
        .stdout(out)
        .stderr(err)
        .spawn()
        .unwrap_or_else(|e| panic!("spawn {} {}: {e}", python.display(), module.display()));
    loop {
        if let Ok(Some(_status)) = child.try_wait() {
            return Err(StartError::Exited(tail(log, 20)));
        }
        if http_status(port, "GET", "/moto-api/", "").is_ok() {
            return Ok((child, started.elapsed()));
        }
        if started.elapsed() > START_TIMEOUT {
            let _ = child.kill();
            let _ = child.wait();
            return Err(StartError::Timeout(tail(log, 20)));
        }
        std::thread::sleep(POLL);
    }
}

fn tail(path: &Path, lines: usize) -> String {
    let text = std::fs::read_to_string(path).unwrap_or_default();
    let all: Vec<&str> = text.lines().collect();
    all[all.len().saturating_sub(lines)..].join("\n")
}

/// One raw HTTP/1.1 request to the server on `port`; returns the status code.
fn http_status(port: u16, method: &str, path: &str, body: &str) -> std::io::Result<u16> {
    let mut stream = TcpStream::connect(("127.0.0.1", port))?;
    stream.set_read_timeout(Some(Duration::from_secs(60)))?;
    write!(
        stream,
        "{method} {path} HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\nContent-Type: text/plain\r\n\
         Content-Length: {}\r\nConnection: close\r\n\r\n{body}",
        body.len()
    )?;
    let mut response = String::new();
    stream.read_to_string(&mut response)?;
    response
        .strip_prefix("HTTP/1.")
        .and_then(|rest| rest.get(2..5))
        .and_then(|code| code.parse().ok())
        .ok_or_else(|| std::io::Error::other(format!("not an HTTP response: {response:.80}")))
}

fn moto_api(moto: &Moto, path: &str, body: &str) {
    match http_status(moto.port, "POST", path, body) {
        Ok(200) => {}
        Ok(code) => panic!(
            "POST {path} answered HTTP {code}; moto log tail:\n{}",
            moto.log_tail(20)
        ),
        Err(e) => panic!("POST {path}: {e}; moto log tail:\n{}", moto.log_tail(20)),
    }
}

/// Clears every resource in the server (`POST /moto-api/reset`).
///
/// About 10 ms on an empty server but 0.8 s after seeding two regions, while
/// a new server starts in about 0.4 s: prefer a fresh [`Moto`] per test.
pub fn reset(moto: &Moto) {
    moto_api(moto, "/moto-api/reset", "");
}

/// Turns on IAM enforcement (`POST /moto-api/reset-auth` with body `0`):
/// from then on every request is checked against its caller's IAM policies.
/// Create the user, its access key and its policy first.
pub fn enforce_iam(moto: &Moto) {
    moto_api(moto, "/moto-api/reset-auth", "0");
}

/// The `remediate` binary as a plain process (for a pseudo-terminal or a
/// signal), with a clean environment aimed at `moto`: static test
/// credentials, us-east-1, no profile or config files, no instance
/// metadata, no colour, run in the server's temporary directory.
pub fn remediate_process(moto: &Moto) -> std::process::Command {
    let mut cmd = std::process::Command::new(env!("CARGO_BIN_EXE_remediate"));
    cmd.env_clear()
        .env("PATH", std::env::var_os("PATH").unwrap_or_default())
        .env("HOME", moto.dir())
        .env("AWS_ACCESS_KEY_ID", "testing")
        .env("AWS_SECRET_ACCESS_KEY", "testing")
        .env("AWS_REGION", "us-east-1")
        .env("AWS_ENDPOINT_URL", &moto.url)
        .env("AWS_CONFIG_FILE", moto.dir().join("no-such-aws-config"))
        .env(
            "AWS_SHARED_CREDENTIALS_FILE",
            moto.dir().join("no-such-aws-credentials"),
        )
        .env("AWS_EC2_METADATA_DISABLED", "true")
        .env("NO_COLOR", "1")
        .current_dir(moto.dir());
    cmd
}

/// [`remediate_process`] for assert_cmd, with a 120 s timeout.
pub fn remediate_cmd(moto: &Moto) -> assert_cmd::Command {
    let mut cmd = assert_cmd::Command::from_std(remediate_process(moto));
    cmd.timeout(Duration::from_secs(120));
    cmd
}

/// Seed the non-compliant account in us-east-1 and eu-west-1.
pub fn seed_non_compliant(moto: &Moto) -> fixtures::NonCompliant {
    tokio::runtime::Runtime::new().unwrap().block_on(async {
        let cfg = sdk_config(&moto.url).await;
        fixtures::non_compliant(&cfg, &["us-east-1", "eu-west-1"])
            .await
            .unwrap()
    })
}

/// An S3 client that acts as another account (111122223333): moto isolates
/// accounts by the `x-moto-account-id` header.
pub fn other_account_s3(cfg: &aws_config::SdkConfig) -> aws_sdk_s3::Client {
    aws_sdk_s3::Client::from_conf(
        aws_sdk_s3::config::Builder::from(cfg)
            .force_path_style(true)
            .interceptor(OtherAccount)
            .build(),
    )
}

#[derive(Debug)]
pub struct OtherAccount;

impl aws_smithy_runtime_api::client::interceptors::Intercept for OtherAccount {
    fn name(&self) -> &'static str {
        "OtherAccount"
    }
    fn modify_before_signing(
        &self,
        ctx: &mut aws_smithy_runtime_api::client::interceptors::context::BeforeTransmitInterceptorContextMut<'_>,
        _rc: &aws_smithy_runtime_api::client::runtime_components::RuntimeComponents,
        _cfg: &mut aws_smithy_types::config_bag::ConfigBag,
    ) -> Result<(), aws_smithy_runtime_api::box_error::BoxError> {
        ctx.request_mut()
            .headers_mut()
            .insert("x-moto-account-id", "111122223333");
        Ok(())
    }
}

/// The product's AWS access aimed at `url` with the test credentials, built
/// from [`sdk_config`] rather than the process environment, and with at
/// most `max_attempts` attempts per call.
pub async fn product_aws(url: &str, max_attempts: u32) -> remediate::aws::Aws {
    let cfg = sdk_config(url)
        .await
        .into_builder()
        .retry_config(aws_config::retry::RetryConfig::standard().with_max_attempts(max_attempts))
        .build();
    remediate::aws::Aws::from_config(cfg, Some(url.to_string()))
}
