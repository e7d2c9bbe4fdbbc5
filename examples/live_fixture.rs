//! The seeder behind `scripts/live-check`: a small, tagged, non-compliant
//! fixture in one region of a real (sandbox) account, and its teardown.
//!
//! ```text
//! live_fixture whoami   [--region R]               # "<account> <caller ARN>"
//! live_fixture create   --region R --run-id rlc-XXXXXXXX
//! live_fixture teardown --region R --run-id rlc-XXXXXXXX
//! live_fixture list     --region R --run-id rlc-XXXXXXXX
//! ```
//!
//! Credentials, profile and endpoint come from the SDK's standard chain
//! (`AWS_PROFILE`, `AWS_ENDPOINT_URL`, …), the same chain `remediate` uses,
//! so `whoami` names the account the tool would change. With
//! `AWS_ENDPOINT_URL` set (the emulator in the tests), S3 uses path-style.
//!
//! This is a seeder: it uses the AWS SDK directly and nothing from the
//! product, so a bug in the product's fixes cannot hide in it.
//!
//! What belongs to a run (and is all `teardown` ever deletes): a resource
//! whose name starts with `<run-id>-` or `<run-id>/` (buckets, trails, log
//! groups, IAM roles, Config recorders and channels, KMS aliases), a resource
//! tagged `remediate-live-check=<run-id>` (keys, VPCs), a KMS key the product
//! tagged `remediate:alias=alias/<run-id>-…`, and a flow log on one of the
//! run's VPCs or delivering to one of the run's log groups or buckets. The
//! run id must look like `rlc-` and 8 lowercase hex digits, so no prefix can
//! match anything else.

use std::collections::BTreeSet;
use std::process::ExitCode;
use std::time::Duration;

use anyhow::{Context as _, Result, bail};
use aws_config::{BehaviorVersion, Region, SdkConfig};
use aws_sdk_s3::error::ProvideErrorMetadata;
use aws_smithy_types::error::display::DisplayErrorContext;
use clap::{Parser, Subcommand};
use serde_json::json;

/// The tag every taggable fixture resource carries; the value is the run id.
const TAG: &str = "remediate-live-check";
/// The tag `remediate` puts on a key it creates (value: the alias).
const PRODUCT_KEY_TAG: &str = "remediate:alias";
/// KMS's shortest pending-deletion window.
const KEY_PENDING_DAYS: i32 = 7;

#[derive(Parser)]
#[command(about = "Create or remove the tagged live-check fixture (scripts/live-check)")]
struct Args {
    #[command(subcommand)]
    command: Cmd,
}

#[derive(Subcommand)]
enum Cmd {
    /// Print "<account id> <caller ARN>" (sts GetCallerIdentity).
    Whoami {
        #[arg(long)]
        region: Option<String>,
    },
    /// Make the non-compliant fixture; prints what it made and `stat` lines.
    Create {
        #[arg(long)]
        region: String,
        #[arg(long)]
        run_id: String,
    },
    /// Delete every resource of the run (see the module doc); exits 1 if any is left.
    Teardown {
        #[arg(long)]
        region: String,
        #[arg(long)]
        run_id: String,
    },
    /// Print `stat` lines for the cost estimate: what AWS Config discovered
    /// and what the run's log groups hold (run it before `remediate undo`).
    Census {
        #[arg(long)]
        region: String,
        #[arg(long)]
        run_id: String,
    },
    /// Print the run's resources that exist (keys pending deletion included).
    List {
        #[arg(long)]
        region: String,
        #[arg(long)]
        run_id: String,
    },
}

#[tokio::main]
async fn main() -> ExitCode {
    match run(Args::parse()).await {
        Ok(code) => code,
        Err(e) => {
            eprintln!("live_fixture: error: {e:#}");
            ExitCode::FAILURE
        }
    }
}

async fn run(args: Args) -> Result<ExitCode> {
    match args.command {
        Cmd::Whoami { region } => {
            let cfg = sdk_config(region.as_deref().unwrap_or("us-east-1")).await;
            let id = aws_sdk_sts::Client::new(&cfg)
                .get_caller_identity()
                .send()
                .await
                .map_err(|e| {
                    anyhow::anyhow!("sts GetCallerIdentity: {}", DisplayErrorContext(&e))
                })?;
            println!(
                "{} {}",
                id.account().unwrap_or_default(),
                id.arn().unwrap_or_default()
            );
            Ok(ExitCode::SUCCESS)
        }
        Cmd::Create { region, run_id } => {
            check_run_id(&run_id)?;
            let c = Clients::new(&region).await;
            create(&c, &run_id).await?;
            Ok(ExitCode::SUCCESS)
        }
        Cmd::Teardown { region, run_id } => {
            check_run_id(&run_id)?;
            let c = Clients::new(&region).await;
            let failures = teardown(&c, &run_id).await;
            // Listings can lag deletes by seconds on AWS: look again before
            // calling anything left.
            let mut left = Vec::new();
            for attempt in 0..4 {
                if attempt > 0 {
                    tokio::time::sleep(Duration::from_secs(5)).await;
                }
                left = list(&c, &run_id).await?;
                left.retain(|l| !l.contains("PendingDeletion"));
                if left.is_empty() {
                    break;
                }
            }
            for l in &left {
                println!("left {l}");
            }
            for f in &failures {
                eprintln!("live_fixture: teardown: {f}");
            }
            if failures.is_empty() && left.is_empty() {
                println!(
                    "teardown: nothing of {run_id} is left (keys wait out their {KEY_PENDING_DAYS}-day deletion window)"
                );
                Ok(ExitCode::SUCCESS)
            } else {
                eprintln!(
                    "live_fixture: teardown of {run_id} incomplete: {} failure(s), {} resource(s) left",
                    failures.len(),
                    left.len()
                );
                Ok(ExitCode::FAILURE)
            }
        }
        Cmd::Census { region, run_id } => {
            check_run_id(&run_id)?;
            let c = Clients::new(&region).await;
            config_census(&c, &run_id).await?;
            let bytes: i64 = run_log_groups(&c, &run_id)
                .await?
                .iter()
                .map(|(_, b)| b)
                .sum();
            println!("stat log_bytes={bytes}");
            Ok(ExitCode::SUCCESS)
        }
        Cmd::List { region, run_id } => {
            check_run_id(&run_id)?;
            let c = Clients::new(&region).await;
            for l in list(&c, &run_id).await? {
                println!("{l}");
            }
            Ok(ExitCode::SUCCESS)
        }
    }
}

/// `rlc-` and 8 lowercase hex digits: never a prefix of an unrelated name.
fn check_run_id(id: &str) -> Result<()> {
    let ok = id.len() == 12
        && id.starts_with("rlc-")
        && id[4..]
            .bytes()
            .all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b));
    if !ok {
        bail!("run id {id:?} must be rlc- followed by 8 lowercase hex digits");
    }
    Ok(())
}

/// A name that belongs to the run: `<run-id>-…` or `<run-id>/…`.
fn is_runs(name: &str, run_id: &str) -> bool {
    name.strip_prefix(run_id)
        .is_some_and(|rest| rest.starts_with('-') || rest.starts_with('/'))
}

async fn sdk_config(region: &str) -> SdkConfig {
    // AWS_PROFILE and AWS_ENDPOINT_URL are read by the loader itself.
    aws_config::defaults(BehaviorVersion::latest())
        .region(Region::new(region.to_owned()))
        .load()
        .await
}

fn err<E: std::error::Error + 'static>(
    what: &str,
    e: aws_sdk_s3::error::SdkError<E>,
) -> anyhow::Error {
    anyhow::anyhow!("{what}: {}", DisplayErrorContext(&e))
}

/// Error codes that say the resource is already gone: a delete that meets
/// one has nothing left to do (undo or an earlier teardown got there first,
/// and listings lag behind deletes).
const GONE: &[&str] = &[
    "NoSuchEntity",
    "NoSuchBucket",
    "NotFoundException",
    "ResourceNotFoundException",
    "TrailNotFoundException",
    "NoSuchConfigurationRecorderException",
    "NoSuchDeliveryChannelException",
    "InvalidVpcID.NotFound",
    "InvalidFlowLogId.NotFound",
];

fn gone<E: ProvideErrorMetadata>(e: &aws_sdk_s3::error::SdkError<E>) -> bool {
    code(e).is_some_and(|c| GONE.contains(&c))
}

fn code<E: ProvideErrorMetadata>(e: &aws_sdk_s3::error::SdkError<E>) -> Option<&str> {
    e.as_service_error().and_then(|s| s.code())
}

struct Clients {
    region: String,
    account: String,
    partition: String,
    s3: aws_sdk_s3::Client,
    cfg: SdkConfig,
    path_style: bool,
    cloudtrail: aws_sdk_cloudtrail::Client,
    kms: aws_sdk_kms::Client,
    ec2: aws_sdk_ec2::Client,
    iam: aws_sdk_iam::Client,
    logs: aws_sdk_cloudwatchlogs::Client,
    config: aws_sdk_config::Client,
}

impl Clients {
    async fn new(region: &str) -> Clients {
        let cfg = sdk_config(region).await;
        let path_style = std::env::var("AWS_ENDPOINT_URL").is_ok_and(|u| !u.is_empty());
        let (account, partition) = match aws_sdk_sts::Client::new(&cfg)
            .get_caller_identity()
            .send()
            .await
        {
            Ok(id) => (
                id.account().unwrap_or_default().to_string(),
                id.arn()
                    .and_then(|a| a.split(':').nth(1))
                    .unwrap_or("aws")
                    .to_string(),
            ),
            Err(e) => {
                eprintln!(
                    "live_fixture: sts GetCallerIdentity: {}",
                    DisplayErrorContext(&e)
                );
                (String::new(), "aws".into())
            }
        };
        Clients {
            region: region.to_owned(),
            account,
            partition,
            s3: s3_client(&cfg, region, path_style),
            cloudtrail: aws_sdk_cloudtrail::Client::new(&cfg),
            kms: aws_sdk_kms::Client::new(&cfg),
            ec2: aws_sdk_ec2::Client::new(&cfg),
            iam: aws_sdk_iam::Client::new(&cfg),
            logs: aws_sdk_cloudwatchlogs::Client::new(&cfg),
            config: aws_sdk_config::Client::new(&cfg),
            cfg,
            path_style,
        }
    }

    fn s3_in(&self, region: &str) -> aws_sdk_s3::Client {
        s3_client(&self.cfg, region, self.path_style)
    }
}

fn s3_client(cfg: &SdkConfig, region: &str, path_style: bool) -> aws_sdk_s3::Client {
    aws_sdk_s3::Client::from_conf(
        aws_sdk_s3::config::Builder::from(cfg)
            .region(Region::new(region.to_owned()))
            .force_path_style(path_style)
            .build(),
    )
}

// ---------------------------------------------------------------------------
// create
// ---------------------------------------------------------------------------

/// The fixture: a private bucket with a CloudTrail bucket policy and a
/// single-region trail into it that is not logging and has no log file
/// validation, KMS key or CloudWatch Logs (2.1, 2.2, 2.4, 2.6, 2.7 fail); a
/// customer key without rotation (2.8); a VPC without flow logs (2.9). 2.5
/// fails unless the region already records with AWS Config.
async fn create(c: &Clients, run_id: &str) -> Result<()> {
    if c.account.is_empty() {
        bail!("could not tell the account (sts GetCallerIdentity failed)");
    }
    // For the cost estimate: a trail that already delivers management events
    // makes the fixture's trail a second (billed) copy.
    let other_trails = c
        .cloudtrail
        .describe_trails()
        .include_shadow_trails(true)
        .send()
        .await
        .map_err(|e| err("cloudtrail DescribeTrails", e))?
        .trail_list()
        .iter()
        .filter(|t| !t.name().is_some_and(|n| is_runs(n, run_id)))
        .count();
    println!("stat other_trails={other_trails}");

    let region = c.region.as_str();
    let bucket = format!("{run_id}-trail-{}-{region}", c.account);
    let trail = format!("{run_id}-trail");
    let trail_arn = format!(
        "arn:{}:cloudtrail:{region}:{}:trail/{trail}",
        c.partition, c.account
    );

    // Bucket (private, tagged) with the CloudTrail bucket policy.
    let mut req = c.s3.create_bucket().bucket(&bucket);
    if region != "us-east-1" {
        req = req.create_bucket_configuration(
            aws_sdk_s3::types::CreateBucketConfiguration::builder()
                .location_constraint(aws_sdk_s3::types::BucketLocationConstraint::from(region))
                .build(),
        );
    }
    req.send().await.map_err(|e| err("s3 CreateBucket", e))?;
    println!("created bucket {bucket}");
    c.s3.put_bucket_tagging()
        .bucket(&bucket)
        .tagging(
            aws_sdk_s3::types::Tagging::builder()
                .tag_set(
                    aws_sdk_s3::types::Tag::builder()
                        .key(TAG)
                        .value(run_id)
                        .build()?,
                )
                .build()?,
        )
        .send()
        .await
        .map_err(|e| err("s3 PutBucketTagging", e))?;
    let policy = json!({
        "Version": "2012-10-17",
        "Statement": [
            {
                "Sid": "AWSCloudTrailAclCheck20150319",
                "Effect": "Allow",
                "Principal": {"Service": "cloudtrail.amazonaws.com"},
                "Action": "s3:GetBucketAcl",
                "Resource": format!("arn:{}:s3:::{bucket}", c.partition),
                "Condition": {"StringEquals": {"aws:SourceArn": trail_arn}}
            },
            {
                "Sid": "AWSCloudTrailWrite20150319",
                "Effect": "Allow",
                "Principal": {"Service": "cloudtrail.amazonaws.com"},
                "Action": "s3:PutObject",
                "Resource": format!("arn:{}:s3:::{bucket}/AWSLogs/{}/*", c.partition, c.account),
                "Condition": {"StringEquals": {
                    "s3:x-amz-acl": "bucket-owner-full-control",
                    "aws:SourceArn": trail_arn
                }}
            }
        ]
    });
    c.s3.put_bucket_policy()
        .bucket(&bucket)
        .policy(policy.to_string())
        .send()
        .await
        .map_err(|e| err("s3 PutBucketPolicy", e))?;

    // Trail: single-region, not logging, no validation / KMS / CloudWatch Logs.
    c.cloudtrail
        .create_trail()
        .name(&trail)
        .s3_bucket_name(&bucket)
        .is_multi_region_trail(false)
        .enable_log_file_validation(false)
        .tags_list(
            aws_sdk_cloudtrail::types::Tag::builder()
                .key(TAG)
                .value(run_id)
                .build()?,
        )
        .send()
        .await
        .map_err(|e| err("cloudtrail CreateTrail", e))?;
    println!("created trail {trail} (not logging)");

    // A customer key without rotation.
    let key = c
        .kms
        .create_key()
        .description(format!("remediate live-check fixture {run_id}"))
        .tags(
            aws_sdk_kms::types::Tag::builder()
                .tag_key(TAG)
                .tag_value(run_id)
                .build()?,
        )
        .send()
        .await
        .map_err(|e| err("kms CreateKey", e))?;
    let key_id = key
        .key_metadata()
        .map(|m| m.key_id().to_string())
        .context("CreateKey returned no key id")?;
    c.kms
        .create_alias()
        .alias_name(format!("alias/{run_id}-fixture"))
        .target_key_id(&key_id)
        .send()
        .await
        .map_err(|e| err("kms CreateAlias", e))?;
    println!("created key {key_id} (alias/{run_id}-fixture, rotation off)");

    // A VPC without flow logs (no subnets, no gateways: free).
    let vpc = c
        .ec2
        .create_vpc()
        .cidr_block("10.213.0.0/28")
        .tag_specifications(
            aws_sdk_ec2::types::TagSpecification::builder()
                .resource_type(aws_sdk_ec2::types::ResourceType::Vpc)
                .tags(
                    aws_sdk_ec2::types::Tag::builder()
                        .key(TAG)
                        .value(run_id)
                        .build(),
                )
                .tags(
                    aws_sdk_ec2::types::Tag::builder()
                        .key("Name")
                        .value(format!("{run_id}-vpc"))
                        .build(),
                )
                .build(),
        )
        .send()
        .await
        .map_err(|e| err("ec2 CreateVpc", e))?;
    let vpc_id = vpc
        .vpc()
        .and_then(|v| v.vpc_id())
        .context("CreateVpc returned no VPC id")?;
    println!("created vpc {vpc_id} (no flow logs)");
    Ok(())
}

// ---------------------------------------------------------------------------
// list
// ---------------------------------------------------------------------------

/// The run's resources that exist, one line each ("kind name [state]").
async fn list(c: &Clients, run_id: &str) -> Result<Vec<String>> {
    let mut out = Vec::new();
    for t in run_trails(c, run_id).await? {
        out.push(format!("trail {t}"));
    }
    for r in run_recorders(c, run_id).await? {
        out.push(format!("config-recorder {r}"));
    }
    for d in run_channels(c, run_id).await? {
        out.push(format!("config-channel {d}"));
    }
    let vpcs = run_vpcs(c, run_id).await?;
    let groups = run_log_groups(c, run_id).await?;
    for f in run_flow_logs(c, run_id, &vpcs, &groups).await? {
        out.push(format!("flow-log {f}"));
    }
    for v in &vpcs {
        out.push(format!("vpc {v}"));
    }
    for g in &groups {
        out.push(format!("log-group {}", g.0));
    }
    for r in run_roles(c, run_id).await? {
        out.push(format!("role {r}"));
    }
    for b in run_buckets(c, run_id).await? {
        out.push(format!("bucket {b}"));
    }
    for a in run_aliases(c, run_id).await? {
        out.push(format!("alias {}", a.0));
    }
    for k in run_keys(c, run_id).await? {
        let when = k
            .deletion
            .map(|d| format!(" deletion {d}"))
            .unwrap_or_default();
        out.push(format!("key {} {}{when}", k.id, k.state));
    }
    Ok(out)
}

async fn run_trails(c: &Clients, run_id: &str) -> Result<Vec<String>> {
    let out = c
        .cloudtrail
        .describe_trails()
        .include_shadow_trails(false)
        .send()
        .await
        .map_err(|e| err("cloudtrail DescribeTrails", e))?;
    Ok(out
        .trail_list()
        .iter()
        .filter_map(|t| t.name())
        .filter(|n| is_runs(n, run_id))
        .map(str::to_string)
        .collect())
}

async fn run_recorders(c: &Clients, run_id: &str) -> Result<Vec<String>> {
    let out = c
        .config
        .describe_configuration_recorders()
        .send()
        .await
        .map_err(|e| err("config DescribeConfigurationRecorders", e))?;
    Ok(out
        .configuration_recorders()
        .iter()
        .filter_map(|r| r.name())
        .filter(|n| is_runs(n, run_id))
        .map(str::to_string)
        .collect())
}

async fn run_channels(c: &Clients, run_id: &str) -> Result<Vec<String>> {
    let out = c
        .config
        .describe_delivery_channels()
        .send()
        .await
        .map_err(|e| err("config DescribeDeliveryChannels", e))?;
    Ok(out
        .delivery_channels()
        .iter()
        .filter_map(|d| d.name())
        .filter(|n| is_runs(n, run_id))
        .map(str::to_string)
        .collect())
}

async fn run_vpcs(c: &Clients, run_id: &str) -> Result<Vec<String>> {
    let out = c
        .ec2
        .describe_vpcs()
        .filters(
            aws_sdk_ec2::types::Filter::builder()
                .name(format!("tag:{TAG}"))
                .values(run_id)
                .build(),
        )
        .send()
        .await
        .map_err(|e| err("ec2 DescribeVpcs", e))?;
    // Filtered again here: the tag must really carry this run id.
    Ok(out
        .vpcs()
        .iter()
        .filter(|v| {
            v.tags()
                .iter()
                .any(|t| t.key() == Some(TAG) && t.value() == Some(run_id))
        })
        .filter_map(|v| v.vpc_id().map(str::to_string))
        .collect())
}

/// (name, stored bytes)
async fn run_log_groups(c: &Clients, run_id: &str) -> Result<Vec<(String, i64)>> {
    let mut out = Vec::new();
    let mut pages = c
        .logs
        .describe_log_groups()
        .log_group_name_prefix(run_id)
        .into_paginator()
        .send();
    while let Some(page) = pages.next().await {
        let page = page.map_err(|e| err("logs DescribeLogGroups", e))?;
        for g in page.log_groups() {
            if let Some(n) = g.log_group_name().filter(|n| is_runs(n, run_id)) {
                out.push((n.to_string(), g.stored_bytes().unwrap_or(0)));
            }
        }
    }
    Ok(out)
}

async fn run_flow_logs(
    c: &Clients,
    run_id: &str,
    vpcs: &[String],
    groups: &[(String, i64)],
) -> Result<Vec<String>> {
    let mut out = Vec::new();
    let mut pages = c.ec2.describe_flow_logs().into_paginator().send();
    while let Some(page) = pages.next().await {
        let page = page.map_err(|e| err("ec2 DescribeFlowLogs", e))?;
        for f in page.flow_logs() {
            let on_our_vpc = f.resource_id().is_some_and(|r| vpcs.iter().any(|v| v == r));
            let to_our_group = f
                .log_group_name()
                .is_some_and(|g| is_runs(g, run_id) || groups.iter().any(|(n, _)| n == g));
            let to_our_bucket = f
                .log_destination()
                .and_then(|d| d.split(":::").nth(1))
                .is_some_and(|b| is_runs(b, run_id));
            if (on_our_vpc || to_our_group || to_our_bucket)
                && let Some(id) = f.flow_log_id()
            {
                out.push(id.to_string());
            }
        }
    }
    Ok(out)
}

async fn run_roles(c: &Clients, run_id: &str) -> Result<Vec<String>> {
    let mut out = Vec::new();
    let mut pages = c.iam.list_roles().into_paginator().send();
    while let Some(page) = pages.next().await {
        let page = page.map_err(|e| err("iam ListRoles", e))?;
        for r in page.roles() {
            if is_runs(r.role_name(), run_id) {
                out.push(r.role_name().to_string());
            }
        }
    }
    Ok(out)
}

async fn run_buckets(c: &Clients, run_id: &str) -> Result<Vec<String>> {
    let mut out = Vec::new();
    let mut token: Option<String> = None;
    loop {
        let page =
            c.s3.list_buckets()
                .set_continuation_token(token.take())
                .send()
                .await
                .map_err(|e| err("s3 ListBuckets", e))?;
        for b in page.buckets() {
            if let Some(n) = b.name().filter(|n| is_runs(n, run_id)) {
                out.push(n.to_string());
            }
        }
        match page.continuation_token() {
            Some(t) if !t.is_empty() => token = Some(t.to_string()),
            _ => break,
        }
    }
    Ok(out)
}

/// (alias name, target key id)
async fn run_aliases(c: &Clients, run_id: &str) -> Result<Vec<(String, Option<String>)>> {
    let mut out = Vec::new();
    let mut pages = c.kms.list_aliases().into_paginator().send();
    while let Some(page) = pages.next().await {
        let page = page.map_err(|e| err("kms ListAliases", e))?;
        for a in page.aliases() {
            if let Some(n) = a
                .alias_name()
                .filter(|n| n.strip_prefix("alias/").is_some_and(|r| is_runs(r, run_id)))
            {
                out.push((n.to_string(), a.target_key_id().map(str::to_string)));
            }
        }
    }
    Ok(out)
}

struct RunKey {
    id: String,
    state: String,
    deletion: Option<String>,
    /// Seconds until KMS deletes it, when pending deletion.
    deletion_in: Option<i64>,
}

/// Customer keys tagged with the run id, or made by `remediate` for one of the
/// run's aliases (tag `remediate:alias`), or behind one of the run's aliases.
async fn run_keys(c: &Clients, run_id: &str) -> Result<Vec<RunKey>> {
    let aliased: BTreeSet<String> = run_aliases(c, run_id)
        .await?
        .into_iter()
        .filter_map(|(_, k)| k)
        .collect();
    let mut out = Vec::new();
    let mut pages = c.kms.list_keys().into_paginator().send();
    while let Some(page) = pages.next().await {
        let page = page.map_err(|e| err("kms ListKeys", e))?;
        for k in page.keys() {
            let Some(id) = k.key_id() else { continue };
            // A key this caller may not read is not one the run made (the
            // run's keys have the default policy): skip it, say so.
            let meta = match c.kms.describe_key().key_id(id).send().await {
                Ok(m) => m,
                Err(e) => {
                    eprintln!(
                        "live_fixture: skipping key {id}: {}",
                        err("kms DescribeKey", e)
                    );
                    continue;
                }
            };
            let Some(meta) = meta.key_metadata() else {
                continue;
            };
            if meta.key_manager() != Some(&aws_sdk_kms::types::KeyManagerType::Customer) {
                continue;
            }
            let mut ours = aliased.contains(id);
            if !ours {
                let tags = match c.kms.list_resource_tags().key_id(id).send().await {
                    Ok(t) => t,
                    Err(e) => {
                        eprintln!(
                            "live_fixture: skipping key {id}: {}",
                            err("kms ListResourceTags", e)
                        );
                        continue;
                    }
                };
                ours = tags.tags().iter().any(|t| {
                    (t.tag_key() == TAG && t.tag_value() == run_id)
                        || (t.tag_key() == PRODUCT_KEY_TAG
                            && t.tag_value()
                                .strip_prefix("alias/")
                                .is_some_and(|r| is_runs(r, run_id)))
                });
            }
            if ours {
                let deletion = meta.deletion_date();
                out.push(RunKey {
                    id: id.to_string(),
                    state: meta
                        .key_state()
                        .map(|s| s.as_str().to_string())
                        .unwrap_or_default(),
                    deletion: deletion.map(|d| d.to_string()),
                    deletion_in: deletion.map(|d| {
                        d.secs()
                            - std::time::SystemTime::now()
                                .duration_since(std::time::UNIX_EPOCH)
                                .map(|n| n.as_secs() as i64)
                                .unwrap_or(0)
                    }),
                });
            }
        }
    }
    Ok(out)
}

// ---------------------------------------------------------------------------
// teardown
// ---------------------------------------------------------------------------

/// Deletes the run's resources, writers first (trails, recorders, flow logs)
/// so nothing writes into a bucket while it is emptied. Goes on after a
/// failure and returns every failure; prints `stat` lines for the cost
/// estimate.
async fn teardown(c: &Clients, run_id: &str) -> Vec<String> {
    let mut failures = Vec::new();
    macro_rules! attempt {
        ($what:expr, $fut:expr) => {
            match $fut.await {
                Ok(v) => Some(v),
                Err(e) => {
                    failures.push(format!("{}: {:#}", $what, e));
                    None
                }
            }
        };
    }

    // Trails.
    for t in attempt!("list trails", run_trails(c, run_id)).unwrap_or_default() {
        match c.cloudtrail.delete_trail().name(&t).send().await {
            Ok(_) => println!("deleted trail {t}"),
            Err(e) if gone(&e) => {}
            Err(e) => failures.push(format!(
                "{}",
                err(&format!("cloudtrail DeleteTrail {t}"), e)
            )),
        }
    }

    // AWS Config: count what it recorded (cost), stop, delete channel and recorder.
    let recorders = attempt!("list recorders", run_recorders(c, run_id)).unwrap_or_default();
    let _ = config_census(c, run_id).await;
    for r in &recorders {
        if let Err(e) = c
            .config
            .stop_configuration_recorder()
            .configuration_recorder_name(r)
            .send()
            .await
            && !gone(&e)
        {
            failures.push(format!(
                "{}",
                err(&format!("config StopConfigurationRecorder {r}"), e)
            ));
        }
    }
    for d in attempt!("list delivery channels", run_channels(c, run_id)).unwrap_or_default() {
        match c
            .config
            .delete_delivery_channel()
            .delivery_channel_name(&d)
            .send()
            .await
        {
            Ok(_) => println!("deleted delivery channel {d}"),
            Err(e) if gone(&e) => {}
            Err(e) => failures.push(format!(
                "{}",
                err(&format!("config DeleteDeliveryChannel {d}"), e)
            )),
        }
    }
    for r in &recorders {
        match c
            .config
            .delete_configuration_recorder()
            .configuration_recorder_name(r)
            .send()
            .await
        {
            Ok(_) => println!("deleted configuration recorder {r}"),
            Err(e) if gone(&e) => {}
            Err(e) => failures.push(format!(
                "{}",
                err(&format!("config DeleteConfigurationRecorder {r}"), e)
            )),
        }
    }

    // Flow logs, then VPCs.
    let vpcs = attempt!("list VPCs", run_vpcs(c, run_id)).unwrap_or_default();
    let groups = attempt!("list log groups", run_log_groups(c, run_id)).unwrap_or_default();
    let flow_logs =
        attempt!("list flow logs", run_flow_logs(c, run_id, &vpcs, &groups)).unwrap_or_default();
    if !flow_logs.is_empty() {
        match c
            .ec2
            .delete_flow_logs()
            .set_flow_log_ids(Some(flow_logs.clone()))
            .send()
            .await
        {
            Ok(o) if o.unsuccessful().is_empty() => {
                println!("deleted flow logs {}", flow_logs.join(" "))
            }
            Ok(o) => failures.push(format!("ec2 DeleteFlowLogs: {:?}", o.unsuccessful())),
            Err(e) if gone(&e) => {}
            Err(e) => failures.push(format!("{}", err("ec2 DeleteFlowLogs", e))),
        }
    }
    for v in &vpcs {
        match c.ec2.delete_vpc().vpc_id(v).send().await {
            Ok(_) => println!("deleted vpc {v}"),
            Err(e) if gone(&e) => {}
            Err(e) => failures.push(format!("{}", err(&format!("ec2 DeleteVpc {v}"), e))),
        }
    }

    // Log groups.
    let log_bytes: i64 = groups.iter().map(|(_, b)| b).sum();
    println!("stat log_bytes={log_bytes}");
    for (g, _) in &groups {
        match c.logs.delete_log_group().log_group_name(g).send().await {
            Ok(_) => println!("deleted log group {g}"),
            Err(e) if gone(&e) => {}
            Err(e) => failures.push(format!("{}", err(&format!("logs DeleteLogGroup {g}"), e))),
        }
    }

    // IAM roles (their inline and attached policies first).
    for r in attempt!("list roles", run_roles(c, run_id)).unwrap_or_default() {
        if let Err(e) = delete_role(c, &r).await {
            failures.push(format!("role {r}: {e:#}"));
        } else {
            println!("deleted role {r}");
        }
    }

    // Buckets: empty (every version), then delete. A bucket that receives a
    // late access-log object is emptied again.
    let (mut objects, mut bytes) = (0u64, 0i64);
    let buckets = attempt!("list buckets", run_buckets(c, run_id)).unwrap_or_default();
    let mut pending: Vec<String> = buckets;
    for round in 1..=4 {
        let mut again = Vec::new();
        for b in pending {
            match delete_bucket(c, &b).await {
                Ok((n, sz)) => {
                    objects += n;
                    bytes += sz;
                    println!("deleted bucket {b} ({n} objects)");
                }
                Err(e) if round < 4 => {
                    eprintln!("live_fixture: bucket {b}: {e:#}; trying again");
                    again.push(b);
                }
                Err(e) => failures.push(format!("bucket {b}: {e:#}")),
            }
        }
        if again.is_empty() {
            break;
        }
        pending = again;
        tokio::time::sleep(Duration::from_secs(2 * round)).await;
    }
    println!("stat s3_objects={objects} s3_bytes={bytes}");

    // KMS: the run's aliases go; the run's keys wait the shortest window.
    let keys = attempt!("list keys", run_keys(c, run_id)).unwrap_or_default();
    for (a, _) in attempt!("list aliases", run_aliases(c, run_id)).unwrap_or_default() {
        match c.kms.delete_alias().alias_name(&a).send().await {
            Ok(_) => println!("deleted alias {a}"),
            Err(e) if gone(&e) => {}
            Err(e) => failures.push(format!("{}", err(&format!("kms DeleteAlias {a}"), e))),
        }
    }
    println!("stat keys={}", keys.len());
    let window = i64::from(KEY_PENDING_DAYS) * 86_400;
    for k in &keys {
        if k.state == "PendingDeletion" && k.deletion_in.is_some_and(|s| s <= window + 3_600) {
            println!(
                "key {} already pending deletion ({})",
                k.id,
                k.deletion.as_deref().unwrap_or("?")
            );
            continue;
        }
        if k.state == "PendingDeletion" {
            // Scheduled with a longer window (undo uses 30 days): shorten it.
            if let Err(e) = c.kms.cancel_key_deletion().key_id(&k.id).send().await
                && !gone(&e)
            {
                failures.push(format!(
                    "{}",
                    err(&format!("kms CancelKeyDeletion {}", k.id), e)
                ));
                continue;
            }
        }
        match c
            .kms
            .schedule_key_deletion()
            .key_id(&k.id)
            .pending_window_in_days(KEY_PENDING_DAYS)
            .send()
            .await
        {
            Ok(o) => println!(
                "scheduled key {} for deletion in {KEY_PENDING_DAYS} days ({})",
                k.id,
                o.deletion_date().map(|d| d.to_string()).unwrap_or_default()
            ),
            Err(e) if gone(&e) => {}
            Err(e) => failures.push(format!(
                "{}",
                err(&format!("kms ScheduleKeyDeletion {}", k.id), e)
            )),
        }
    }
    failures
}

/// How many resources AWS Config discovered, when the run's recorder records
/// (each is at least one configuration item): a `stat` line, or a note.
async fn config_census(c: &Clients, run_id: &str) -> Result<()> {
    if run_recorders(c, run_id).await?.is_empty() {
        return Ok(());
    }
    match c.config.get_discovered_resource_counts().send().await {
        Ok(o) => println!("stat config_resources={}", o.total_discovered_resources()),
        Err(e) => eprintln!(
            "live_fixture: config GetDiscoveredResourceCounts (for the cost estimate only): {}",
            DisplayErrorContext(&e)
        ),
    }
    Ok(())
}

async fn delete_role(c: &Clients, role: &str) -> Result<()> {
    // A role that is gone meanwhile (undo, listings that lag) is done.
    macro_rules! call {
        ($what:expr, $req:expr) => {
            match $req.send().await {
                Ok(v) => v,
                Err(e) if gone(&e) => return Ok(()),
                Err(e) => return Err(err($what, e)),
            }
        };
    }
    let inline = call!(
        "iam ListRolePolicies",
        c.iam.list_role_policies().role_name(role)
    );
    for p in inline.policy_names() {
        let req = c.iam.delete_role_policy().role_name(role).policy_name(p);
        call!("iam DeleteRolePolicy", req);
    }
    let attached = call!(
        "iam ListAttachedRolePolicies",
        c.iam.list_attached_role_policies().role_name(role)
    );
    for p in attached.attached_policies() {
        if let Some(arn) = p.policy_arn() {
            let req = c.iam.detach_role_policy().role_name(role).policy_arn(arn);
            call!("iam DetachRolePolicy", req);
        }
    }
    call!("iam DeleteRole", c.iam.delete_role().role_name(role));
    Ok(())
}

/// Empties a bucket (every object version and delete marker) and deletes it.
/// Returns the objects removed and their bytes.
async fn delete_bucket(c: &Clients, bucket: &str) -> Result<(u64, i64)> {
    let region = match c.s3.get_bucket_location().bucket(bucket).send().await {
        Ok(o) => match o.location_constraint().map(|l| l.as_str()) {
            None | Some("") => "us-east-1".to_string(),
            Some("EU") => "eu-west-1".to_string(),
            Some(r) => r.to_string(),
        },
        Err(e) if code(&e) == Some("NoSuchBucket") => return Ok((0, 0)),
        Err(e) => return Err(err("s3 GetBucketLocation", e)),
    };
    let s3 = c.s3_in(&region);
    let (mut n, mut bytes) = (0u64, 0i64);
    let (mut key_marker, mut version_marker): (Option<String>, Option<String>) = (None, None);
    loop {
        let page = s3
            .list_object_versions()
            .bucket(bucket)
            .set_key_marker(key_marker.take())
            .set_version_id_marker(version_marker.take())
            .send()
            .await
            .map_err(|e| err("s3 ListObjectVersions", e))?;
        let mut ids = Vec::new();
        for v in page.versions() {
            bytes += v.size().unwrap_or(0);
            ids.push((v.key().unwrap_or_default(), v.version_id()));
        }
        for m in page.delete_markers() {
            ids.push((m.key().unwrap_or_default(), m.version_id()));
        }
        if !ids.is_empty() {
            let objects = ids
                .iter()
                .map(|(k, v)| {
                    aws_sdk_s3::types::ObjectIdentifier::builder()
                        .key(*k)
                        .set_version_id(v.map(str::to_string))
                        .build()
                })
                .collect::<Result<Vec<_>, _>>()?;
            n += page.versions().len() as u64;
            let out = s3
                .delete_objects()
                .bucket(bucket)
                .delete(
                    aws_sdk_s3::types::Delete::builder()
                        .set_objects(Some(objects))
                        .quiet(true)
                        .build()?,
                )
                .send()
                .await
                .map_err(|e| err("s3 DeleteObjects", e))?;
            if let Some(e) = out.errors().first() {
                bail!(
                    "s3 DeleteObjects: {} errors, first {:?} {:?}",
                    out.errors().len(),
                    e.key(),
                    e.message()
                );
            }
        }
        if page.is_truncated() == Some(true) {
            key_marker = page.next_key_marker().map(str::to_string);
            version_marker = page.next_version_id_marker().map(str::to_string);
        } else {
            break;
        }
    }
    match s3.delete_bucket().bucket(bucket).send().await {
        Ok(_) => Ok((n, bytes)),
        Err(e) if code(&e) == Some("NoSuchBucket") => Ok((n, bytes)),
        Err(e) => Err(err("s3 DeleteBucket", e)),
    }
}
