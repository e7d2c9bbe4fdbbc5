//! Seed a running AWS emulator (moto) with a LARGE non-compliant account, for
//! the performance benchmark (`examples/bench.rs`, `scripts/bench`):
//!
//! ```text
//! cargo run --example seed_large -- --endpoint-url http://127.0.0.1:5000 [--small] [--json]
//! ```
//!
//! Large (default): every enabled region of the `aws` partition the emulator
//! lists (moto 5.2: 20 regions), and in each region
//! - 50 VPCs (moto's default VPC + 49 more), half of them (25) with an ACTIVE
//!   flow log to CloudWatch Logs, the other half without (2.9 fails);
//! - 100 symmetric customer keys, half with rotation on (2.8 fails for the
//!   other 50), plus 3 asymmetric (RSA_2048 SIGN_VERIFY) and 2 disabled keys
//!   (both out of scope for 2.8: listed as skipped);
//! - no AWS Config recorder (2.5 fails);
//!
//! and 10 trails spread over the regions with mixed settings (multi-region,
//! logging, validation, selectors, KMS, CloudWatch Logs, public / private
//! buckets), so that every trail control fails for some trail.
//!
//! `--small`: the 2-region non-compliant account of the tests
//! (`fixtures::non_compliant` on us-east-1 and eu-west-1).
//!
//! Regions are seeded concurrently, and the calls inside a region too, with
//! at most `--concurrency` requests in flight. Prints what it made and how
//! long it took; `--json` prints the same as one JSON object on stdout.

#[path = "../tests/common/fixtures.rs"]
mod fixtures;

use std::sync::Arc;
use std::time::Instant;

use anyhow::{Context as _, Result, bail};
use aws_config::SdkConfig;
use aws_sdk_cloudtrail::types::{EventSelector, ReadWriteType};
use aws_sdk_ec2::types::{FlowLogsResourceType, LogDestinationType, TrafficType};
use aws_sdk_kms::types::{KeySpec, KeyUsageType};
use aws_smithy_types::error::display::DisplayErrorContext;
use clap::Parser;
use futures::{StreamExt, TryStreamExt};
use serde_json::json;
use tokio::sync::Semaphore;

use fixtures::Clients;

#[derive(Parser, Clone)]
#[command(about = "Seed a local AWS emulator with a large account drifting from CIS 2.1-2.9")]
struct Args {
    /// The emulator, e.g. http://127.0.0.1:5000 (loopback only).
    #[arg(long)]
    endpoint_url: String,
    /// The small 2-region non-compliant account instead (us-east-1, eu-west-1).
    #[arg(long)]
    small: bool,
    /// Regions (comma separated). Default: every enabled region of the `aws`
    /// partition the emulator lists.
    #[arg(long, value_delimiter = ',')]
    regions: Vec<String>,
    /// VPCs per region (the default VPC included); half get a flow log.
    #[arg(long, default_value_t = 50)]
    vpcs: usize,
    /// Symmetric customer keys per region; half get rotation.
    #[arg(long, default_value_t = 100)]
    keys: usize,
    /// Asymmetric (out of scope) keys per region.
    #[arg(long, default_value_t = 3)]
    asymmetric_keys: usize,
    /// Disabled (out of scope) keys per region.
    #[arg(long, default_value_t = 2)]
    disabled_keys: usize,
    /// Trails, spread over the regions.
    #[arg(long, default_value_t = 10)]
    trails: usize,
    /// Requests in flight at most while seeding.
    #[arg(long, default_value_t = 24)]
    concurrency: usize,
    /// Print what was made as one JSON object on stdout.
    #[arg(long)]
    json: bool,
}

#[tokio::main]
async fn main() -> std::process::ExitCode {
    match run(Args::parse()).await {
        Ok(()) => std::process::ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("error: {e:#}");
            std::process::ExitCode::FAILURE
        }
    }
}

fn check_loopback(url: &str) -> Result<()> {
    let host = url
        .split("://")
        .nth(1)
        .and_then(|rest| rest.split(['/', ':']).next())
        .unwrap_or_default();
    if !matches!(host, "127.0.0.1" | "localhost" | "[::1]") {
        bail!("--endpoint-url {url} is not on the loopback interface; seed only a local emulator");
    }
    Ok(())
}

async fn run(args: Args) -> Result<()> {
    check_loopback(&args.endpoint_url)?;
    let started = Instant::now();
    let cfg = fixtures::sdk_config(&args.endpoint_url).await;
    let summary = if args.small {
        small(&cfg).await?
    } else {
        large(&cfg, &args).await?
    };
    let secs = started.elapsed().as_secs_f64();
    if args.json {
        let mut v = summary.clone();
        v["seconds"] = json!((secs * 100.0).round() / 100.0);
        println!("{v}");
    } else {
        print_summary(&summary);
        println!("seeded in {secs:.1} s");
    }
    Ok(())
}

/// The 2-region account of the tests: every control fails in both regions.
async fn small(cfg: &SdkConfig) -> Result<serde_json::Value> {
    let regions = ["us-east-1", "eu-west-1"];
    let made = fixtures::non_compliant(cfg, &regions).await?;
    let trails: Vec<_> = made
        .regions
        .iter()
        .map(|r| {
            json!({
                "name": r.trail.name, "home": r.region, "bucket": r.trail.bucket,
                "multi_region": false, "logging": false, "validation": false,
                "selectors": false, "kms": false, "cloudwatch": false,
                "exposure": format!("{:?}", r.exposure),
            })
        })
        .collect();
    Ok(json!({
        "account": made.account,
        "kind": "small",
        "regions": regions,
        // Per region: the default VPC + nc-extra, no flow logs; one key, no rotation.
        "vpcs": 2 * regions.len(),
        "vpcs_with_flow_logs": 0,
        "keys_symmetric": regions.len(),
        "keys_rotated": 0,
        "keys_asymmetric": 0,
        "keys_disabled": 0,
        "trails": trails,
        "buckets": made.regions.iter().map(|r| 1 + usize::from(r.config_bucket.is_some())).sum::<usize>(),
        "recorders": made.regions.iter().filter(|r| r.recorder.is_some()).count(),
    }))
}

/// Every enabled region of the `aws` partition (what `remediate` scans).
async fn enabled_aws_regions(cfg: &SdkConfig) -> Result<Vec<String>> {
    let c = Clients::new(cfg, "us-east-1");
    let out = c
        .ec2
        .describe_regions()
        .send()
        .await
        .map_err(|e| anyhow::anyhow!("DescribeRegions: {}", DisplayErrorContext(&e)))?;
    let mut regions: Vec<String> = out
        .regions()
        .iter()
        .filter(|r| r.opt_in_status() != Some("not-opted-in"))
        .filter_map(|r| r.region_name())
        .filter(|n| fixtures::partition_of(n) == "aws")
        .map(str::to_owned)
        .collect();
    regions.sort();
    Ok(regions)
}

/// A permit-holding wrapper: at most `concurrency` requests in flight.
#[derive(Clone)]
struct Limit(Arc<Semaphore>);

impl Limit {
    async fn run<T, F: std::future::Future<Output = T>>(&self, f: F) -> T {
        let _p = self.0.acquire().await.expect("never closed");
        f.await
    }
}

fn sdk<T, E: std::error::Error + 'static>(
    r: std::result::Result<T, E>,
    what: impl FnOnce() -> String,
) -> Result<T> {
    r.map_err(|e| anyhow::anyhow!("{}: {}", what(), DisplayErrorContext(&e)))
}

/// What one region got.
#[derive(Default, Debug)]
struct RegionMade {
    vpcs: usize,
    vpcs_with_flow_logs: usize,
    keys_symmetric: usize,
    keys_rotated: usize,
    keys_asymmetric: usize,
    keys_disabled: usize,
}

/// Settings of trail `i` (deterministic, mixed).
struct TrailSpec {
    name: String,
    home: String,
    multi_region: bool,
    logging: bool,
    validation: bool,
    selectors: bool,
    kms: bool,
    cloudwatch: bool,
    /// "PublicAcl" | "PublicPolicy" | "Private"
    exposure: &'static str,
}

fn trail_spec(i: usize, regions: &[String]) -> TrailSpec {
    // Homes spread over the regions (every other region first).
    let home = regions[(i * 2 + (i * 2) / regions.len()) % regions.len()].clone();
    TrailSpec {
        name: format!("perf-trail-{i:02}"),
        home,
        multi_region: i.is_multiple_of(3),
        logging: i % 2 == 1,
        validation: i % 4 >= 2,
        // Never on the multi-region logging ones (3, 9): 2.1 fails and the
        // fix repairs an existing trail.
        selectors: i.is_multiple_of(5),
        kms: i % 5 == 4,
        cloudwatch: i % 5 == 2,
        exposure: match i % 3 {
            1 => "PublicAcl",
            2 => "PublicPolicy",
            _ => "Private",
        },
    }
}

async fn large(cfg: &SdkConfig, args: &Args) -> Result<serde_json::Value> {
    let account = fixtures::account_id(cfg).await?;
    let regions = if args.regions.is_empty() {
        enabled_aws_regions(cfg).await?
    } else {
        args.regions.clone()
    };
    if regions.is_empty() {
        bail!("no region to seed");
    }
    let limit = Limit(Arc::new(Semaphore::new(args.concurrency.max(1))));
    let home = "us-east-1";
    let p = fixtures::partition_of(home);
    let hc = Clients::new(cfg, home);

    // One flow-log role for all regions (moto does not check it, AWS would).
    let fl_role_arn = fixtures::ensure_role(
        &hc,
        "perf-vpc-flow-logs-role",
        &fixtures::trust_policy("vpc-flow-logs.amazonaws.com", None),
    )
    .await?;
    let ct_role_arn = fixtures::ensure_role(
        &hc,
        "perf-cloudtrail-logs-role",
        &fixtures::trust_policy("cloudtrail.amazonaws.com", None),
    )
    .await?;

    let region_futs = regions.iter().map(|region| {
        let limit = limit.clone();
        let fl_role_arn = fl_role_arn.clone();
        async move { seed_region(cfg, region, args, &limit, &fl_role_arn).await }
    });
    let trail_specs: Vec<TrailSpec> = (0..args.trails).map(|i| trail_spec(i, &regions)).collect();
    let trail_futs = trail_specs.iter().map(|t| {
        let limit = limit.clone();
        let account = account.clone();
        let ct_role_arn = ct_role_arn.clone();
        async move { seed_trail(cfg, t, &account, p, &limit, &ct_role_arn).await }
    });
    let (made, buckets) = tokio::try_join!(
        futures::future::try_join_all(region_futs),
        futures::future::try_join_all(trail_futs),
    )?;

    let sum = |f: fn(&RegionMade) -> usize| made.iter().map(f).sum::<usize>();
    let trails: Vec<_> = trail_specs
        .iter()
        .zip(&buckets)
        .map(|(t, b)| {
            json!({
                "name": t.name, "home": t.home, "bucket": b,
                "multi_region": t.multi_region, "logging": t.logging,
                "validation": t.validation, "selectors": t.selectors,
                "kms": t.kms, "cloudwatch": t.cloudwatch, "exposure": t.exposure,
            })
        })
        .collect();
    Ok(json!({
        "account": account,
        "kind": "large",
        "regions": regions,
        "vpcs": sum(|m| m.vpcs),
        "vpcs_with_flow_logs": sum(|m| m.vpcs_with_flow_logs),
        "keys_symmetric": sum(|m| m.keys_symmetric),
        "keys_rotated": sum(|m| m.keys_rotated),
        "keys_asymmetric": sum(|m| m.keys_asymmetric),
        "keys_disabled": sum(|m| m.keys_disabled),
        // trail keys (one per KMS trail) are symmetric with rotation on, counted apart
        "keys_trail": trail_specs.iter().filter(|t| t.kms).count(),
        "trails": trails,
        "buckets": buckets.len(),
        "recorders": 0,
    }))
}

async fn seed_region(
    cfg: &SdkConfig,
    region: &str,
    args: &Args,
    limit: &Limit,
    fl_role_arn: &str,
) -> Result<RegionMade> {
    let c = Clients::new(cfg, region);
    let mut made = RegionMade::default();

    // --- VPCs: the default one (made by moto on first EC2 use) + the rest.
    let vpcs = async {
        let mut ids = limit
            .run(fixtures::vpc_ids(cfg, region))
            .await
            .with_context(|| format!("list VPCs in {region}"))?;
        let missing = args.vpcs.saturating_sub(ids.len());
        let created: Vec<String> = futures::stream::iter(0..missing)
            .map(|i| {
                let c = &c;
                async move {
                    let cidr = format!("10.{}.0.0/16", i % 250);
                    let out = limit.run(c.ec2.create_vpc().cidr_block(&cidr).send()).await;
                    let out = sdk(out, || format!("create VPC {cidr} in {region}"))?;
                    out.vpc()
                        .and_then(|v| v.vpc_id())
                        .map(str::to_owned)
                        .context("CreateVpc returned no id")
                }
            })
            .buffer_unordered(args.concurrency.max(1))
            .try_collect()
            .await?;
        ids.extend(created);
        ids.sort();
        // Half of them (every other one, by id) get a flow log.
        let with: Vec<String> = ids.iter().step_by(2).cloned().collect();
        let group = "perf-vpc-flow-logs";
        limit.run(fixtures::ensure_log_group(&c, group)).await?;
        for chunk in with.chunks(25) {
            let out = limit
                .run(
                    c.ec2
                        .create_flow_logs()
                        .resource_type(FlowLogsResourceType::Vpc)
                        .set_resource_ids(Some(chunk.to_vec()))
                        .traffic_type(TrafficType::Reject)
                        .log_destination_type(LogDestinationType::CloudWatchLogs)
                        .log_group_name(group)
                        .deliver_logs_permission_arn(fl_role_arn)
                        .send(),
                )
                .await;
            let out = sdk(out, || format!("create flow logs in {region}"))?;
            if let Some(bad) = out.unsuccessful().first() {
                bail!("create flow logs in {region}: {bad:?}");
            }
        }
        Ok::<_, anyhow::Error>((ids.len(), with.len()))
    };

    // --- Keys: symmetric (half rotated), asymmetric, disabled.
    let keys = async {
        let n = args.keys + args.asymmetric_keys + args.disabled_keys;
        let kinds: Vec<(usize, &str)> = (0..n)
            .map(|i| {
                let kind = if i < args.keys {
                    if i % 2 == 0 { "rotated" } else { "plain" }
                } else if i < args.keys + args.asymmetric_keys {
                    "asymmetric"
                } else {
                    "disabled"
                };
                (i, kind)
            })
            .collect();
        futures::stream::iter(kinds)
            .map(|(i, kind)| {
                let c = &c;
                async move {
                    let mut req = c
                        .kms
                        .create_key()
                        .description(format!("perf-key-{i:03} {kind}"));
                    if kind == "asymmetric" {
                        req = req
                            .key_spec(KeySpec::Rsa2048)
                            .key_usage(KeyUsageType::SignVerify);
                    }
                    let out = sdk(limit.run(req.send()).await, || {
                        format!("create key {i} in {region}")
                    })?;
                    let id = out
                        .key_metadata()
                        .context("CreateKey returned no metadata")?
                        .key_id()
                        .to_owned();
                    match kind {
                        "rotated" => {
                            let r = limit
                                .run(c.kms.enable_key_rotation().key_id(&id).send())
                                .await;
                            sdk(r, || format!("enable rotation of {id} in {region}"))?;
                        }
                        "disabled" => {
                            let r = limit.run(c.kms.disable_key().key_id(&id).send()).await;
                            sdk(r, || format!("disable key {id} in {region}"))?;
                        }
                        _ => {}
                    }
                    Ok::<_, anyhow::Error>(kind)
                }
            })
            .buffer_unordered(args.concurrency.max(1))
            .try_collect::<Vec<&str>>()
            .await
    };

    let ((vpcs, with_fl), kinds) = tokio::try_join!(vpcs, keys)?;
    made.vpcs = vpcs;
    made.vpcs_with_flow_logs = with_fl;
    for k in kinds {
        match k {
            "rotated" => {
                made.keys_symmetric += 1;
                made.keys_rotated += 1;
            }
            "plain" => made.keys_symmetric += 1,
            "asymmetric" => made.keys_asymmetric += 1,
            _ => made.keys_disabled += 1,
        }
    }
    Ok(made)
}

/// One trail, its bucket (with the CloudTrail statements) and its settings.
async fn seed_trail(
    cfg: &SdkConfig,
    t: &TrailSpec,
    account: &str,
    p: &str,
    limit: &Limit,
    ct_role_arn: &str,
) -> Result<String> {
    let region = t.home.as_str();
    let c = Clients::new(cfg, region);
    let bucket = fixtures::bucket_name(&t.name, account, region)?;
    let arn = fixtures::trail_arn(region, account, &t.name);
    limit
        .run(fixtures::create_bucket(cfg, region, &bucket))
        .await?;
    limit
        .run(fixtures::put_cloudtrail_bucket_policy(
            cfg,
            region,
            &bucket,
            account,
            std::slice::from_ref(&arn),
        ))
        .await?;
    match t.exposure {
        "PublicAcl" => {
            limit
                .run(fixtures::make_acl_public(cfg, region, &bucket))
                .await?
        }
        "PublicPolicy" => {
            limit
                .run(fixtures::add_public_policy_statement(cfg, region, &bucket))
                .await?
        }
        _ => {
            limit
                .run(fixtures::block_public_access(cfg, region, &bucket))
                .await?
        }
    }
    let mut req = c
        .cloudtrail
        .create_trail()
        .name(&t.name)
        .s3_bucket_name(&bucket)
        .is_multi_region_trail(t.multi_region)
        .include_global_service_events(t.multi_region)
        .enable_log_file_validation(t.validation);
    if t.kms {
        let key = limit
            .run(
                c.kms
                    .create_key()
                    .description(format!("{} logs", t.name))
                    .send(),
            )
            .await;
        let key = sdk(key, || format!("create the key of {}", t.name))?;
        let key_arn = key
            .key_metadata()
            .and_then(|m| m.arn())
            .context("CreateKey returned no ARN")?
            .to_owned();
        let key_id = key
            .key_metadata()
            .map(|m| m.key_id().to_owned())
            .unwrap_or_default();
        let r = limit
            .run(c.kms.enable_key_rotation().key_id(&key_id).send())
            .await;
        sdk(r, || format!("rotate the key of {}", t.name))?;
        req = req.kms_key_id(key_arn);
    }
    if t.cloudwatch {
        let group = format!("perf/{}", t.name);
        limit.run(fixtures::ensure_log_group(&c, &group)).await?;
        req = req
            .cloud_watch_logs_log_group_arn(format!(
                "arn:{p}:logs:{region}:{account}:log-group:{group}:*"
            ))
            .cloud_watch_logs_role_arn(ct_role_arn);
    }
    let r = limit.run(req.send()).await;
    sdk(r, || format!("create trail {} in {region}", t.name))?;
    if t.selectors {
        let r = limit
            .run(
                c.cloudtrail
                    .put_event_selectors()
                    .trail_name(&t.name)
                    .event_selectors(
                        EventSelector::builder()
                            .read_write_type(ReadWriteType::All)
                            .include_management_events(true)
                            .build(),
                    )
                    .send(),
            )
            .await;
        sdk(r, || format!("put selectors on {}", t.name))?;
    }
    if t.logging {
        limit.run(fixtures::start_logging(&c, &t.name)).await?;
    }
    Ok(bucket)
}

fn print_summary(v: &serde_json::Value) {
    let n = |k: &str| v[k].as_u64().unwrap_or(0);
    let regions: Vec<&str> = v["regions"]
        .as_array()
        .map(|a| a.iter().filter_map(|r| r.as_str()).collect())
        .unwrap_or_default();
    println!(
        "seeded a {} non-compliant account {} in {} region(s): {}",
        v["kind"].as_str().unwrap_or("?"),
        v["account"].as_str().unwrap_or("?"),
        regions.len(),
        regions.join(",")
    );
    println!(
        "  VPCs: {} ({} with a flow log, {} without)",
        n("vpcs"),
        n("vpcs_with_flow_logs"),
        n("vpcs") - n("vpcs_with_flow_logs")
    );
    println!(
        "  customer keys: {} symmetric ({} rotated, {} not), {} asymmetric, {} disabled{}",
        n("keys_symmetric"),
        n("keys_rotated"),
        n("keys_symmetric") - n("keys_rotated"),
        n("keys_asymmetric"),
        n("keys_disabled"),
        if n("keys_trail") > 0 {
            format!(", {} trail keys (rotated)", n("keys_trail"))
        } else {
            String::new()
        }
    );
    println!("  AWS Config recorders: {}", n("recorders"));
    let trails = v["trails"].as_array().cloned().unwrap_or_default();
    println!("  trails: {}", trails.len());
    for t in &trails {
        let flag = |k: &str, s: &str| {
            if t[k].as_bool().unwrap_or(false) {
                s.to_owned()
            } else {
                format!("no-{s}")
            }
        };
        println!(
            "    {} (home {}) {} {} {} {} {} {} -> {} ({})",
            t["name"].as_str().unwrap_or("?"),
            t["home"].as_str().unwrap_or("?"),
            flag("multi_region", "multi-region"),
            flag("logging", "logging"),
            flag("validation", "validation"),
            flag("selectors", "selectors"),
            flag("kms", "kms"),
            flag("cloudwatch", "cloudwatch"),
            t["bucket"].as_str().unwrap_or("?"),
            t["exposure"].as_str().unwrap_or("?"),
        );
    }
}
