//! Organization benchmark (docs/performance.md, "An organization"): an AWS
//! Organization of up to 100 member accounts × 4 regions on the emulator,
//! planned with `remediate plan --accounts …` for 10, 50 and 100 accounts.
//! Prints a markdown table on stdout (progress on stderr): wall time, API
//! calls per account, peak resident memory of the remediate process and the
//! size of the report, to show that memory follows the report, not the
//! number of accounts' snapshots.
//!
//!   scripts/bench-org                       # 10, 50, 100 accounts
//!   scripts/bench-org --counts 5,20         # other sizes
//!
//! Run through scripts/bench-org (it builds the binary and passes
//! REMEDIATE_BIN and REMEDIATE_MOTO_PYTHON).

use std::net::TcpListener;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use anyhow::{Context, Result, bail};
use aws_config::{BehaviorVersion, Region, SdkConfig};

const REGIONS: [&str; 4] = ["us-east-1", "eu-west-1", "ap-southeast-2", "us-west-2"];

struct Moto(Child, String);

impl Drop for Moto {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

fn start_moto(python: &Path, log: &Path) -> Result<Moto> {
    let module = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/strict/strict_moto.py");
    let port = TcpListener::bind("127.0.0.1:0")?.local_addr()?.port();
    let out = std::fs::File::create(log)?;
    let child = Command::new(python)
        .arg(&module)
        .args(["-H", "127.0.0.1", "-p", &port.to_string()])
        .env("MOTO_EC2_LOAD_DEFAULT_AMIS", "false")
        .stdin(Stdio::null())
        .stdout(out.try_clone()?)
        .stderr(out)
        .spawn()
        .context("spawn the emulator")?;
    let moto = Moto(child, format!("http://127.0.0.1:{port}"));
    let started = Instant::now();
    while std::net::TcpStream::connect(("127.0.0.1", port)).is_err() {
        if started.elapsed() > Duration::from_secs(60) {
            bail!("the emulator did not start (log {})", log.display());
        }
        std::thread::sleep(Duration::from_millis(50));
    }
    Ok(moto)
}

async fn config(url: &str) -> SdkConfig {
    aws_config::defaults(BehaviorVersion::latest())
        .region(Region::new("us-east-1"))
        .endpoint_url(url)
        .credentials_provider(aws_credential_types::Credentials::new(
            "testing", "testing", None, None, "bench",
        ))
        .load()
        .await
}

/// In every region: a bucket with a single-region trail that is not logging,
/// and a customer key without rotation (what the scan reads and fails).
async fn seed_account(cfg: &SdkConfig, account: &str) -> Result<()> {
    for r in REGIONS {
        let region = Region::new(r);
        let s3 = aws_sdk_s3::Client::from_conf(
            aws_sdk_s3::config::Builder::from(cfg)
                .region(region.clone())
                .force_path_style(true)
                .build(),
        );
        let bucket = format!("trail-{account}-{r}");
        let mut create = s3.create_bucket().bucket(&bucket);
        if r != "us-east-1" {
            create = create.create_bucket_configuration(
                aws_sdk_s3::types::CreateBucketConfiguration::builder()
                    .location_constraint(aws_sdk_s3::types::BucketLocationConstraint::from(r))
                    .build(),
            );
        }
        create.send().await?;
        let policy = serde_json::json!({"Version": "2012-10-17", "Statement": [
            {"Effect": "Allow", "Principal": {"Service": "cloudtrail.amazonaws.com"}, "Action": "s3:GetBucketAcl", "Resource": format!("arn:aws:s3:::{bucket}")},
            {"Effect": "Allow", "Principal": {"Service": "cloudtrail.amazonaws.com"}, "Action": "s3:PutObject", "Resource": format!("arn:aws:s3:::{bucket}/AWSLogs/{account}/*"), "Condition": {"StringEquals": {"s3:x-amz-acl": "bucket-owner-full-control"}}}
        ]});
        s3.put_bucket_policy()
            .bucket(&bucket)
            .policy(policy.to_string())
            .send()
            .await?;
        let ct = aws_sdk_cloudtrail::Client::from_conf(
            aws_sdk_cloudtrail::config::Builder::from(cfg)
                .region(region.clone())
                .build(),
        );
        ct.create_trail()
            .name(format!("trail-{r}"))
            .s3_bucket_name(&bucket)
            .send()
            .await?;
        let kms = aws_sdk_kms::Client::from_conf(
            aws_sdk_kms::config::Builder::from(cfg)
                .region(region)
                .build(),
        );
        kms.create_key().description("bench").send().await?;
    }
    Ok(())
}

/// The organization: the management account and `members` accounts, each
/// seeded. Returns the member account ids.
async fn organization(url: &str, members: usize) -> Result<Vec<String>> {
    let cfg = config(url).await;
    let org = aws_sdk_organizations::Client::new(&cfg);
    org.create_organization()
        .feature_set(aws_sdk_organizations::types::OrganizationFeatureSet::All)
        .send()
        .await?;
    let base = remediate::aws::Aws::from_config(cfg.clone(), Some(url.to_string()));
    let reach = remediate::org::Reach {
        role: remediate::org::DEFAULT_ROLE.into(),
        external_id: None,
    };
    let mut ids = vec![];
    for i in 0..members {
        let made = org
            .create_account()
            .email(format!("m{i}@example.com"))
            .account_name(format!("member-{i:03}"))
            .send()
            .await?;
        let id = made
            .create_account_status()
            .and_then(|s| s.account_id())
            .context("no account id")?
            .to_string();
        let member = remediate::org::reach(&base, "123456789012", &id, &reach).await?;
        seed_account(&member.config, &id).await?;
        ids.push(id);
        if (i + 1) % 10 == 0 {
            eprintln!("bench-org: seeded {} member accounts", i + 1);
        }
    }
    Ok(ids)
}

struct Run {
    accounts: usize,
    wall: f64,
    peak_kb: u64,
    report_bytes: usize,
    calls_per_account: f64,
    code: i32,
}

fn plan(bin: &Path, url: &str, ids: &[String], dir: &Path) -> Result<Run> {
    let out_path = dir.join(format!("plan-{}.json", ids.len()));
    let started = Instant::now();
    let mut child = Command::new(bin)
        .args(["plan", "--format", "json", "--account-concurrency", "8"])
        .arg("--regions")
        .arg(REGIONS.join(","))
        .arg("--accounts")
        .arg(ids.join(","))
        .env_clear()
        .env("PATH", std::env::var_os("PATH").unwrap_or_default())
        .env("HOME", dir)
        .env("AWS_ACCESS_KEY_ID", "testing")
        .env("AWS_SECRET_ACCESS_KEY", "testing")
        .env("AWS_REGION", "us-east-1")
        .env("AWS_ENDPOINT_URL", url)
        .env("AWS_EC2_METADATA_DISABLED", "true")
        .env("AWS_CONFIG_FILE", dir.join("none"))
        .env("AWS_SHARED_CREDENTIALS_FILE", dir.join("none"))
        .stdin(Stdio::null())
        .stdout(std::fs::File::create(&out_path)?)
        .stderr(Stdio::null())
        .spawn()
        .context("spawn remediate")?;
    let pid = child.id();
    let mut peak = 0u64;
    loop {
        if let Ok(status) = std::fs::read_to_string(format!("/proc/{pid}/status"))
            && let Some(kb) = status
                .lines()
                .find(|l| l.starts_with("VmHWM:"))
                .and_then(|l| l.split_whitespace().nth(1))
                .and_then(|x| x.parse::<u64>().ok())
        {
            peak = peak.max(kb);
        }
        if let Some(status) = child.try_wait()? {
            let text = std::fs::read_to_string(&out_path)?;
            let v: serde_json::Value = serde_json::from_str(&text).context("the report is JSON")?;
            let calls: u64 = v["accounts"]
                .as_array()
                .into_iter()
                .flatten()
                .map(|a| a["api_calls"].as_u64().unwrap_or(0))
                .sum();
            return Ok(Run {
                accounts: ids.len(),
                wall: started.elapsed().as_secs_f64(),
                peak_kb: peak,
                report_bytes: text.len(),
                calls_per_account: calls as f64 / ids.len().max(1) as f64,
                code: status.code().unwrap_or(-1),
            });
        }
        std::thread::sleep(Duration::from_millis(5));
    }
}

fn main() -> Result<()> {
    let args: Vec<String> = std::env::args().collect();
    let counts: Vec<usize> = match args.iter().position(|a| a == "--counts") {
        Some(i) => args
            .get(i + 1)
            .context("--counts N,N")?
            .split(',')
            .map(|n| n.parse().context("--counts takes numbers"))
            .collect::<Result<_>>()?,
        None => vec![10, 50, 100],
    };
    let bin = PathBuf::from(std::env::var_os("REMEDIATE_BIN").context("REMEDIATE_BIN")?);
    let python =
        PathBuf::from(std::env::var_os("REMEDIATE_MOTO_PYTHON").context("REMEDIATE_MOTO_PYTHON")?);
    let dir = std::env::temp_dir().join(format!("remediate-bench-org-{}", std::process::id()));
    std::fs::create_dir_all(&dir)?;
    let moto = start_moto(&python, &dir.join("moto.log"))?;
    let max = counts.iter().copied().max().unwrap_or(0);
    let rt = tokio::runtime::Runtime::new()?;
    let seeding = Instant::now();
    let ids = rt.block_on(organization(&moto.1, max))?;
    eprintln!(
        "bench-org: organization of {max} members seeded in {:.0} s",
        seeding.elapsed().as_secs_f64()
    );
    println!(
        "| accounts | regions | wall (s) | API calls per account | peak memory (MiB) | report (KiB) | exit |"
    );
    println!("|---:|---:|---:|---:|---:|---:|---:|");
    for n in counts {
        let r = plan(&bin, &moto.1, &ids[..n.min(ids.len())], &dir)?;
        println!(
            "| {} | {} | {:.1} | {:.0} | {:.1} | {:.0} | {} |",
            r.accounts,
            REGIONS.len(),
            r.wall,
            r.calls_per_account,
            r.peak_kb as f64 / 1024.0,
            r.report_bytes as f64 / 1024.0,
            r.code
        );
    }
    let _ = std::fs::remove_dir_all(&dir);
    Ok(())
}
