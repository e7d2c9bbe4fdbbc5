//! Seeders: put an emulated AWS account (moto 5.2.1) into a known state with
//! the real Rust AWS SDK, and say what they made.
//!
//! Used by the integration tests (`common::fixtures`) and by
//! `examples/seed.rs` (included by path), so this file depends on nothing
//! but the crate's own dependencies.
//!
//! - [`non_compliant`]: every CIS 2.1–2.9 control fails in every region given.
//! - [`compliant`]: every control passes (2.4 and 2.5 stay "pending" on moto,
//!   which never reports a CloudWatch delivery nor a recorder `SUCCESS`).
//! - Small edge-case seeders, each composable with the others.
//!
//! Not expressible in moto 5.2.1, so not seeded (pure-function tests cover
//! them):
//! - a VPC shared into the account: moto reports every VPC with the owner of
//!   the account that made it, and another account's VPCs are invisible;
//! - a flow log whose `FlowLogStatus` is not `ACTIVE`: moto always says
//!   `ACTIVE` (a missing log group only gives `DeliverLogsStatus=FAILED`,
//!   see [`flow_log_failing_delivery`]);
//! - an AWS-managed key: `DescribeKey` of `alias/aws/s3` makes a key with
//!   `KeyManager=CUSTOMER`, i.e. a customer key, not a lookalike;
//! - a region whose calls are denied: needs IAM enforcement
//!   (`common::enforce_iam` + a user whose policy denies one region); to do.
#![allow(dead_code)]

use anyhow::{Context as _, Result, anyhow, bail};
use aws_config::{BehaviorVersion, Region, SdkConfig};
use aws_smithy_types::error::display::DisplayErrorContext;
use serde_json::{Value, json};

use aws_sdk_cloudtrail::types::{
    AdvancedEventSelector, AdvancedFieldSelector, EventSelector, ReadWriteType,
};
use aws_sdk_config::types::{ConfigurationRecorder, DeliveryChannel, RecordingGroup};
use aws_sdk_ec2::types::{
    Filter, FlowLogsResourceType, LogDestinationType, ResourceType, Tag, TagSpecification,
    TrafficType,
};
use aws_sdk_kms::types::{KeyManagerType, KeySpec, KeyState, KeyUsageType};
use aws_sdk_s3::error::ProvideErrorMetadata;
use aws_sdk_s3::types::{
    BucketCannedAcl, BucketLocationConstraint, BucketLoggingStatus, CreateBucketConfiguration,
    LoggingEnabled, ObjectOwnership, OwnershipControls, OwnershipControlsRule,
    PublicAccessBlockConfiguration,
};

/// Retention (days) of the log groups the seeders make.
pub const LOG_RETENTION_DAYS: i32 = 365;

// ---------------------------------------------------------------------------
// SDK configuration and clients
// ---------------------------------------------------------------------------

/// SDK config for the emulator at `url`: static credentials testing/testing,
/// region us-east-1, every service at `url`.
pub async fn sdk_config(url: &str) -> SdkConfig {
    aws_config::defaults(BehaviorVersion::latest())
        .region(Region::new("us-east-1"))
        .credentials_provider(aws_sdk_sts::config::Credentials::new(
            "testing",
            "testing",
            None,
            None,
            "remediate-tests",
        ))
        .endpoint_url(url)
        .load()
        .await
}

/// One client per service, all in `region` (S3 path-style, as moto needs).
#[derive(Clone, Debug)]
pub struct Clients {
    pub region: String,
    pub cloudtrail: aws_sdk_cloudtrail::Client,
    pub s3: aws_sdk_s3::Client,
    pub config: aws_sdk_config::Client,
    pub kms: aws_sdk_kms::Client,
    pub ec2: aws_sdk_ec2::Client,
    pub iam: aws_sdk_iam::Client,
    pub logs: aws_sdk_cloudwatchlogs::Client,
    pub sts: aws_sdk_sts::Client,
}

impl Clients {
    pub fn new(cfg: &SdkConfig, region: &str) -> Clients {
        let r = Region::new(region.to_owned());
        Clients {
            region: region.to_owned(),
            cloudtrail: aws_sdk_cloudtrail::Client::from_conf(
                aws_sdk_cloudtrail::config::Builder::from(cfg)
                    .region(r.clone())
                    .build(),
            ),
            s3: aws_sdk_s3::Client::from_conf(
                aws_sdk_s3::config::Builder::from(cfg)
                    .region(r.clone())
                    .force_path_style(true)
                    .build(),
            ),
            config: aws_sdk_config::Client::from_conf(
                aws_sdk_config::config::Builder::from(cfg)
                    .region(r.clone())
                    .build(),
            ),
            kms: aws_sdk_kms::Client::from_conf(
                aws_sdk_kms::config::Builder::from(cfg)
                    .region(r.clone())
                    .build(),
            ),
            ec2: aws_sdk_ec2::Client::from_conf(
                aws_sdk_ec2::config::Builder::from(cfg)
                    .region(r.clone())
                    .build(),
            ),
            iam: aws_sdk_iam::Client::from_conf(
                aws_sdk_iam::config::Builder::from(cfg)
                    .region(r.clone())
                    .build(),
            ),
            logs: aws_sdk_cloudwatchlogs::Client::from_conf(
                aws_sdk_cloudwatchlogs::config::Builder::from(cfg)
                    .region(r.clone())
                    .build(),
            ),
            sts: aws_sdk_sts::Client::from_conf(
                aws_sdk_sts::config::Builder::from(cfg).region(r).build(),
            ),
        }
    }
}

// ---------------------------------------------------------------------------
// What the seeders return
// ---------------------------------------------------------------------------

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SeededTrail {
    pub name: String,
    pub arn: String,
    pub home_region: String,
    pub bucket: String,
    pub multi_region: bool,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SeededKey {
    pub region: String,
    pub key_id: String,
    pub arn: String,
}

/// How a non-compliant trail bucket is public (2.3).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Exposure {
    /// ACL grant READ to `.../global/AllUsers` (canned `public-read`).
    PublicAcl,
    /// Policy statement `PublicRead`: Allow, Principal `*`, `s3:GetObject`.
    PublicPolicy,
}

/// Why a non-compliant trail is not logging (2.1).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum NotLogging {
    NeverStarted,
    Stopped,
}

/// What [`non_compliant`] made in one region.
#[derive(Clone, Debug)]
pub struct NonCompliantRegion {
    pub region: String,
    /// Single-region, no selectors, validation off, no CloudWatch Logs, no KMS.
    pub trail: SeededTrail,
    pub not_logging: NotLogging,
    pub exposure: Exposure,
    /// `None`: no recorder at all. `Some(name)`: a recorder with
    /// `allSupported=false` (only `AWS::EC2::VPC`), never started.
    pub recorder: Option<String>,
    /// Present beside the recorder (so a fix can reuse it).
    pub delivery_channel: Option<String>,
    /// Bucket of that delivery channel.
    pub config_bucket: Option<String>,
    /// Customer, symmetric, enabled, rotation off.
    pub key: SeededKey,
    pub default_vpc_id: String,
    /// 10.20.0.0/16, tagged `Name=nc-extra`, no flow log.
    pub extra_vpc_id: String,
}

#[derive(Clone, Debug)]
pub struct NonCompliant {
    pub account: String,
    pub regions: Vec<NonCompliantRegion>,
    /// Web front ends without access logs, in `regions[0]` (CIS 7.0 4.10).
    pub web: SeededWeb,
}

impl NonCompliant {
    pub fn region(&self, region: &str) -> &NonCompliantRegion {
        self.regions
            .iter()
            .find(|r| r.region == region)
            .unwrap_or_else(|| panic!("non_compliant seeded no region {region}"))
    }
}

/// What [`compliant`] made in one region.
#[derive(Clone, Debug)]
pub struct CompliantRegion {
    pub region: String,
    /// Every VPC in the region (the default one included).
    pub vpc_ids: Vec<String>,
    /// One ACTIVE flow log per VPC, to `flow_log_group`.
    pub flow_log_ids: Vec<String>,
    pub flow_log_group: String,
    /// A customer data key with rotation on.
    pub data_key: SeededKey,
    pub recorder: String,
    pub delivery_channel: String,
    /// `includeGlobalResourceTypes` (home region only).
    pub include_global: bool,
}

#[derive(Clone, Debug)]
pub struct Compliant {
    pub account: String,
    pub home_region: String,
    /// Multi-region, logging, validation on, KMS, CloudWatch Logs, selectors
    /// All + management.
    pub trail: SeededTrail,
    /// Server access logs of the trail bucket go here (prefix `<trail bucket>/`).
    pub access_log_bucket: String,
    pub trail_key: SeededKey,
    pub cloudtrail_log_group: String,
    pub cloudtrail_log_group_arn: String,
    pub cloudtrail_role_arn: String,
    pub config_bucket: String,
    pub config_role_arn: String,
    pub flow_log_role_arn: String,
    pub regions: Vec<CompliantRegion>,
}

impl Compliant {
    pub fn region(&self, region: &str) -> &CompliantRegion {
        self.regions
            .iter()
            .find(|r| r.region == region)
            .unwrap_or_else(|| panic!("compliant seeded no region {region}"))
    }
}

// ---------------------------------------------------------------------------
// Whole-account seeders
// ---------------------------------------------------------------------------

/// Every control fails in every region of `regions` (give at least two).
///
/// Region `i` (even/odd index alternate):
/// - trail `nc-trail-<region>` (single-region, no selectors, validation off,
///   no CloudWatch Logs, no KMS) to bucket `nc-trail-<account>-<region>`
///   (CloudTrail write statements, no access logging); even: never started,
///   bucket ACL `public-read`; odd: started then stopped, bucket policy
///   statement `PublicRead` (Allow `*` `s3:GetObject`);
/// - Config: even: nothing; odd: recorder `default` with `allSupported=false`
///   and role `nc-config-role`, delivery channel `default` to bucket
///   `nc-config-<account>-<region>`, never started;
/// - a customer key (`nc-key-<region>`, symmetric) with rotation off;
/// - the default VPC and VPC 10.20.0.0/16 `nc-extra`, without flow logs;
/// - in the first region only: [`web_frontends`] (an ALB, an NLB, a REST
///   and an HTTP API stage, a CloudFront distribution), no access logs.
pub async fn non_compliant(cfg: &SdkConfig, regions: &[&str]) -> Result<NonCompliant> {
    let account = account_id(cfg).await?;
    let mut out = Vec::new();
    let mut config_role_arn: Option<String> = None;
    for (i, region) in regions.iter().copied().enumerate() {
        let c = Clients::new(cfg, region);
        let even = i % 2 == 0;

        let name = format!("nc-trail-{region}");
        let bucket = bucket_name("nc-trail", &account, region)?;
        let trail_arn = trail_arn(region, &account, &name);
        create_bucket(cfg, region, &bucket).await?;
        put_cloudtrail_bucket_policy(
            cfg,
            region,
            &bucket,
            &account,
            std::slice::from_ref(&trail_arn),
        )
        .await?;
        let exposure = if even {
            make_acl_public(cfg, region, &bucket).await?;
            Exposure::PublicAcl
        } else {
            add_public_policy_statement(cfg, region, &bucket).await?;
            Exposure::PublicPolicy
        };
        let made = c
            .cloudtrail
            .create_trail()
            .name(&name)
            .s3_bucket_name(&bucket)
            .is_multi_region_trail(false)
            .include_global_service_events(false)
            .enable_log_file_validation(false)
            .send()
            .await
            .ctx(format!("create trail {name} in {region}"))?;
        let not_logging = if even {
            NotLogging::NeverStarted
        } else {
            start_logging(&c, &name).await?;
            c.cloudtrail
                .stop_logging()
                .name(&name)
                .send()
                .await
                .ctx(format!("stop logging {name}"))?;
            NotLogging::Stopped
        };

        let (recorder, delivery_channel, config_bucket) = if even {
            (None, None, None)
        } else {
            let role_arn = match &config_role_arn {
                Some(arn) => arn.clone(),
                None => {
                    let arn = ensure_role(
                        &c,
                        "nc-config-role",
                        &trust_policy("config.amazonaws.com", None),
                    )
                    .await?;
                    config_role_arn = Some(arn.clone());
                    arn
                }
            };
            c.config
                .put_configuration_recorder()
                .configuration_recorder(
                    ConfigurationRecorder::builder()
                        .name("default")
                        .role_arn(role_arn)
                        .recording_group(
                            RecordingGroup::builder()
                                .all_supported(false)
                                .include_global_resource_types(false)
                                .resource_types(aws_sdk_config::types::ResourceType::Vpc)
                                .build(),
                        )
                        .build(),
                )
                .send()
                .await
                .ctx(format!("put a partial configuration recorder in {region}"))?;
            let cb = bucket_name("nc-config", &account, region)?;
            create_bucket(cfg, region, &cb).await?;
            put_config_bucket_policy(cfg, region, &cb, &account, None).await?;
            c.config
                .put_delivery_channel()
                .delivery_channel(
                    DeliveryChannel::builder()
                        .name("default")
                        .s3_bucket_name(&cb)
                        .build(),
                )
                .send()
                .await
                .ctx(format!("put delivery channel in {region}"))?;
            (
                Some("default".to_owned()),
                Some("default".to_owned()),
                Some(cb),
            )
        };

        let key = symmetric_key(cfg, region, &format!("nc-key-{region}"), false).await?;
        let default_vpc_id = default_vpc(cfg, region).await?;
        let extra_vpc_id = vpc_without_flow_log(cfg, region, "10.20.0.0/16", "nc-extra").await?;

        out.push(NonCompliantRegion {
            region: region.to_owned(),
            trail: SeededTrail {
                name,
                arn: made.trail_arn().map(str::to_owned).unwrap_or(trail_arn),
                home_region: region.to_owned(),
                bucket,
                multi_region: false,
            },
            not_logging,
            exposure,
            recorder,
            delivery_channel,
            config_bucket,
            key,
            default_vpc_id,
            extra_vpc_id,
        });
    }
    let web = web_frontends(cfg, regions[0], "nc").await?;
    Ok(NonCompliant {
        account,
        regions: out,
        web,
    })
}

/// Every control passes; `regions[0]` is the home region.
///
/// - trail `c-trail` (home region, multi-region, global events, logging,
///   validation on, selectors All + management) to bucket
///   `c-trail-<account>-<home>` (CloudTrail statements, Public Access Block,
///   server access logging to `c-access-logs-<account>-<home>` under prefix
///   `<trail bucket>/`), encrypted with key `alias/c-cloudtrail` (policy lets
///   cloudtrail GenerateDataKey*/DescribeKey, rotation on), delivering to log
///   group `c-cloudtrail` through role `c-cloudtrail-logs-role`;
/// - Config in every region: recorder `default` (allSupported; global types in
///   the home region only) with the service-linked role, delivery channel
///   `default` to `c-config-<account>-<home>`, started;
/// - KMS in every region: key `alias/c-data` with rotation on, and rotation on
///   for every other enabled symmetric customer key found;
/// - EC2 in every region: a REJECT flow log to log group `c-vpc-flow-logs`
///   (role `c-vpc-flow-logs-role`) on every VPC.
pub async fn compliant(cfg: &SdkConfig, regions: &[&str]) -> Result<Compliant> {
    let home = *regions
        .first()
        .context("compliant: give at least one region")?;
    let account = account_id(cfg).await?;
    let p = partition_of(home);
    let hc = Clients::new(cfg, home);

    // Trail, its bucket and that bucket's access logs.
    let name = "c-trail";
    let arn = trail_arn(home, &account, name);
    let bucket = bucket_name("c-trail", &account, home)?;
    let log_bucket = bucket_name("c-access-logs", &account, home)?;
    create_bucket(cfg, home, &bucket).await?;
    put_cloudtrail_bucket_policy(cfg, home, &bucket, &account, std::slice::from_ref(&arn)).await?;
    block_public_access(cfg, home, &bucket).await?;
    create_bucket(cfg, home, &log_bucket).await?;
    enable_access_logging(cfg, home, &bucket, &log_bucket, &account).await?;

    let key_policy = cloudtrail_key_policy(&account, p, std::slice::from_ref(&arn));
    let made = hc
        .kms
        .create_key()
        .description("c-cloudtrail: CloudTrail log encryption")
        .policy(key_policy.to_string())
        .send()
        .await
        .ctx("create the CloudTrail key")?;
    let meta = made
        .key_metadata()
        .context("CreateKey returned no metadata")?;
    let trail_key = SeededKey {
        region: home.to_owned(),
        key_id: meta.key_id().to_owned(),
        arn: meta.arn().context("CreateKey returned no ARN")?.to_owned(),
    };
    hc.kms
        .create_alias()
        .alias_name("alias/c-cloudtrail")
        .target_key_id(&trail_key.key_id)
        .send()
        .await
        .ctx("alias the CloudTrail key")?;
    enable_rotation(&hc, &trail_key.key_id).await?;

    // CloudWatch Logs for the trail.
    let log_group = "c-cloudtrail";
    ensure_log_group(&hc, log_group).await?;
    let log_group_arn = format!("arn:{p}:logs:{home}:{account}:log-group:{log_group}:*");
    let ct_role_arn = cloudtrail_to_logs_role(&hc, "c-cloudtrail-logs-role", log_group).await?;

    let created = hc
        .cloudtrail
        .create_trail()
        .name(name)
        .s3_bucket_name(&bucket)
        .is_multi_region_trail(true)
        .include_global_service_events(true)
        .enable_log_file_validation(true)
        .kms_key_id(&trail_key.arn)
        .cloud_watch_logs_log_group_arn(&log_group_arn)
        .cloud_watch_logs_role_arn(&ct_role_arn)
        .send()
        .await
        .ctx("create trail c-trail")?;
    put_management_selectors(&hc, name).await?;
    start_logging(&hc, name).await?;
    let trail = SeededTrail {
        name: name.to_owned(),
        arn: created.trail_arn().map(str::to_owned).unwrap_or(arn),
        home_region: home.to_owned(),
        bucket: bucket.clone(),
        multi_region: true,
    };

    // AWS Config: one delivery bucket in the home region for all regions.
    let config_bucket = bucket_name("c-config", &account, home)?;
    create_bucket(cfg, home, &config_bucket).await?;
    put_config_bucket_policy(cfg, home, &config_bucket, &account, None).await?;
    block_public_access(cfg, home, &config_bucket).await?;
    let config_role_arn = ensure_service_linked_role(&hc, "config.amazonaws.com").await?;

    // VPC flow logs: one role for all regions.
    let fl_role = "c-vpc-flow-logs-role";
    let fl_role_arn = ensure_role(
        &hc,
        fl_role,
        &trust_policy(
            "vpc-flow-logs.amazonaws.com",
            Some(json!({
                "StringEquals": {"aws:SourceAccount": account},
                "ArnLike": {"aws:SourceArn": format!("arn:{p}:ec2:*:{account}:vpc-flow-log/*")}
            })),
        ),
    )
    .await?;
    put_role_policy(
        &hc,
        fl_role,
        "flow-logs-to-logs",
        &json!({
            "Version": "2012-10-17",
            "Statement": [{
                "Effect": "Allow",
                "Action": [
                    "logs:CreateLogStream",
                    "logs:PutLogEvents",
                    "logs:DescribeLogGroups",
                    "logs:DescribeLogStreams"
                ],
                "Resource": "*"
            }]
        }),
    )
    .await?;

    let mut out = Vec::new();
    for region in regions.iter().copied() {
        let c = Clients::new(cfg, region);
        let include_global = region == home;
        c.config
            .put_configuration_recorder()
            .configuration_recorder(
                ConfigurationRecorder::builder()
                    .name("default")
                    .role_arn(&config_role_arn)
                    .recording_group(
                        RecordingGroup::builder()
                            .all_supported(true)
                            .include_global_resource_types(include_global)
                            .build(),
                    )
                    .build(),
            )
            .send()
            .await
            .ctx(format!("put configuration recorder in {region}"))?;
        c.config
            .put_delivery_channel()
            .delivery_channel(
                DeliveryChannel::builder()
                    .name("default")
                    .s3_bucket_name(&config_bucket)
                    .build(),
            )
            .send()
            .await
            .ctx(format!("put delivery channel in {region}"))?;
        c.config
            .start_configuration_recorder()
            .configuration_recorder_name("default")
            .send()
            .await
            .ctx(format!("start configuration recorder in {region}"))?;

        let data_key = symmetric_key(cfg, region, "c-data", true).await?;
        rotate_all_customer_keys(&c).await?;

        let flow_log_group = "c-vpc-flow-logs";
        ensure_log_group(&c, flow_log_group).await?;
        let vpc_ids = vpc_ids(cfg, region).await?;
        let mut flow_log_ids = Vec::new();
        for vpc in &vpc_ids {
            let made = c
                .ec2
                .create_flow_logs()
                .resource_type(FlowLogsResourceType::Vpc)
                .resource_ids(vpc)
                .traffic_type(TrafficType::Reject)
                .log_destination_type(LogDestinationType::CloudWatchLogs)
                .log_group_name(flow_log_group)
                .deliver_logs_permission_arn(&fl_role_arn)
                .send()
                .await
                .ctx(format!("create flow log for {vpc} in {region}"))?;
            if let Some(bad) = made.unsuccessful().first() {
                bail!("create flow log for {vpc} in {region}: {bad:?}");
            }
            flow_log_ids.extend(made.flow_log_ids().iter().cloned());
        }

        out.push(CompliantRegion {
            region: region.to_owned(),
            vpc_ids,
            flow_log_ids,
            flow_log_group: flow_log_group.to_owned(),
            data_key,
            recorder: "default".to_owned(),
            delivery_channel: "default".to_owned(),
            include_global,
        });
    }

    Ok(Compliant {
        account,
        home_region: home.to_owned(),
        trail,
        access_log_bucket: log_bucket,
        trail_key,
        cloudtrail_log_group: log_group.to_owned(),
        cloudtrail_log_group_arn: log_group_arn,
        cloudtrail_role_arn: ct_role_arn,
        config_bucket,
        config_role_arn,
        flow_log_role_arn: fl_role_arn,
        regions: out,
    })
}

// ---------------------------------------------------------------------------
// Edge cases: trails
// ---------------------------------------------------------------------------

/// A bucket `<name>-<account>-<home>` with the CloudTrail statements for trail
/// `name`, and a multi-region trail `name` on it, created in `home`:
/// global events on, logging, validation on, selectors All + management. No
/// KMS, no CloudWatch Logs, no access logging. Every other region lists it
/// as a shadow copy (`HomeRegion` = `home`).
pub async fn multi_region_trail(cfg: &SdkConfig, home: &str, name: &str) -> Result<SeededTrail> {
    let trail = bare_multi_region_trail(cfg, home, name).await?;
    let c = Clients::new(cfg, home);
    put_management_selectors(&c, name).await?;
    start_logging(&c, name).await?;
    Ok(trail)
}

/// Like [`multi_region_trail`], but with only an advanced event selector
/// `Management events` (`eventCategory = Management`, no `readOnly` field):
/// counts for 2.1.
pub async fn advanced_selectors_trail(
    cfg: &SdkConfig,
    home: &str,
    name: &str,
) -> Result<SeededTrail> {
    let trail = bare_multi_region_trail(cfg, home, name).await?;
    let c = Clients::new(cfg, home);
    let selector = AdvancedEventSelector::builder()
        .name("Management events")
        .field_selectors(
            AdvancedFieldSelector::builder()
                .field("eventCategory")
                .equals("Management")
                .build()
                .context("advanced field selector")?,
        )
        .build()
        .context("advanced event selector")?;
    c.cloudtrail
        .put_event_selectors()
        .trail_name(name)
        .advanced_event_selectors(selector)
        .send()
        .await
        .ctx(format!("put advanced event selectors on {name}"))?;
    start_logging(&c, name).await?;
    Ok(trail)
}

/// Like [`multi_region_trail`], but its selector (All + management) has
/// `ExcludeManagementEventSources = [kms.amazonaws.com, rdsdata.amazonaws.com]`:
/// fails 2.1.
pub async fn excluded_sources_trail(
    cfg: &SdkConfig,
    home: &str,
    name: &str,
) -> Result<SeededTrail> {
    let trail = bare_multi_region_trail(cfg, home, name).await?;
    let c = Clients::new(cfg, home);
    c.cloudtrail
        .put_event_selectors()
        .trail_name(name)
        .event_selectors(
            EventSelector::builder()
                .read_write_type(ReadWriteType::All)
                .include_management_events(true)
                .exclude_management_event_sources("kms.amazonaws.com")
                .exclude_management_event_sources("rdsdata.amazonaws.com")
                .build(),
        )
        .send()
        .await
        .ctx(format!("put event selectors on {name}"))?;
    start_logging(&c, name).await?;
    Ok(trail)
}

/// Like [`multi_region_trail`], but logging was started and then stopped
/// (`IsLogging=false`): fails 2.1.
pub async fn stopped_trail(cfg: &SdkConfig, home: &str, name: &str) -> Result<SeededTrail> {
    let trail = multi_region_trail(cfg, home, name).await?;
    let c = Clients::new(cfg, home);
    c.cloudtrail
        .stop_logging()
        .name(name)
        .send()
        .await
        .ctx(format!("stop logging {name}"))?;
    Ok(trail)
}

/// A multi-region trail with validation on, no selectors, not logging.
async fn bare_multi_region_trail(cfg: &SdkConfig, home: &str, name: &str) -> Result<SeededTrail> {
    let account = account_id(cfg).await?;
    let c = Clients::new(cfg, home);
    let bucket = bucket_name(name, &account, home)?;
    let arn = trail_arn(home, &account, name);
    create_bucket(cfg, home, &bucket).await?;
    put_cloudtrail_bucket_policy(cfg, home, &bucket, &account, std::slice::from_ref(&arn)).await?;
    let made = c
        .cloudtrail
        .create_trail()
        .name(name)
        .s3_bucket_name(&bucket)
        .is_multi_region_trail(true)
        .include_global_service_events(true)
        .enable_log_file_validation(true)
        .send()
        .await
        .ctx(format!("create trail {name} in {home}"))?;
    Ok(SeededTrail {
        name: name.to_owned(),
        arn: made.trail_arn().map(str::to_owned).unwrap_or(arn),
        home_region: home.to_owned(),
        bucket,
        multi_region: true,
    })
}

/// Selectors All + management events (moto gives new trails none).
pub async fn put_management_selectors(c: &Clients, trail: &str) -> Result<()> {
    c.cloudtrail
        .put_event_selectors()
        .trail_name(trail)
        .event_selectors(
            EventSelector::builder()
                .read_write_type(ReadWriteType::All)
                .include_management_events(true)
                .build(),
        )
        .send()
        .await
        .ctx(format!("put event selectors on {trail}"))?;
    Ok(())
}

/// StartLogging by name (moto finds trails to start by name only).
pub async fn start_logging(c: &Clients, trail: &str) -> Result<()> {
    c.cloudtrail
        .start_logging()
        .name(trail)
        .send()
        .await
        .ctx(format!("start logging {trail} in {}", c.region))?;
    Ok(())
}

// ---------------------------------------------------------------------------
// Edge cases: buckets
// ---------------------------------------------------------------------------

/// Creates `bucket` in `region` (no LocationConstraint in us-east-1);
/// already owning it is success.
pub async fn create_bucket(cfg: &SdkConfig, region: &str, bucket: &str) -> Result<()> {
    let c = Clients::new(cfg, region);
    let mut req = c.s3.create_bucket().bucket(bucket);
    if region != "us-east-1" {
        req = req.create_bucket_configuration(
            CreateBucketConfiguration::builder()
                .location_constraint(BucketLocationConstraint::from(region))
                .build(),
        );
    }
    match req.send().await {
        Ok(_) => Ok(()),
        Err(e) if e.code() == Some("BucketAlreadyOwnedByYou") => Ok(()),
        Err(e) => Err(anyhow!(
            "create bucket {bucket} in {region}: {}",
            DisplayErrorContext(&e)
        )),
    }
}

/// Canned ACL `public-read`: a READ grant to `.../global/AllUsers` (2.3
/// fails). New buckets have ACLs disabled and Block Public Access on (AWS
/// since April 2023, and the strict emulator), so first, as a user would:
/// Block Public Access off and ACLs enabled (ownership `ObjectWriter`).
pub async fn make_acl_public(cfg: &SdkConfig, region: &str, bucket: &str) -> Result<()> {
    let s3 = open_to_public(cfg, region, bucket).await?;
    let ownership = OwnershipControls::builder()
        .rules(
            OwnershipControlsRule::builder()
                .object_ownership(ObjectOwnership::ObjectWriter)
                .build()
                .context("ownership rule")?,
        )
        .build()
        .context("ownership controls")?;
    s3.put_bucket_ownership_controls()
        .bucket(bucket)
        .ownership_controls(ownership)
        .send()
        .await
        .ctx(format!("enable ACLs on {bucket}"))?;
    s3.put_bucket_acl()
        .bucket(bucket)
        .acl(BucketCannedAcl::PublicRead)
        .send()
        .await
        .ctx(format!("make the ACL of {bucket} public-read"))?;
    Ok(())
}

/// Turns the bucket's Block Public Access off (DeletePublicAccessBlock), as
/// a user must before making a bucket public; returns the S3 client.
pub async fn open_to_public(
    cfg: &SdkConfig,
    region: &str,
    bucket: &str,
) -> Result<aws_sdk_s3::Client> {
    let s3 = Clients::new(cfg, region).s3;
    s3.delete_public_access_block()
        .bucket(bucket)
        .send()
        .await
        .ctx(format!("turn Block Public Access off on {bucket}"))?;
    Ok(s3)
}

/// Adds statement `PublicRead` (Allow, Principal `*`, `s3:GetObject` on every
/// object) to the bucket policy, keeping the others (2.3 fails). Turns Block
/// Public Access off first, as a user must.
pub async fn add_public_policy_statement(
    cfg: &SdkConfig,
    region: &str,
    bucket: &str,
) -> Result<()> {
    open_to_public(cfg, region, bucket).await?;
    add_bucket_policy_statements(
        cfg,
        region,
        bucket,
        vec![json!({
            "Sid": "PublicRead",
            "Effect": "Allow",
            "Principal": "*",
            "Action": "s3:GetObject",
            "Resource": format!("arn:{}:s3:::{bucket}/*", partition_of(region))
        })],
    )
    .await
}

/// Adds the harmless statement `DenyInsecureTransport` (Deny, Principal `*`,
/// `s3:*` when `aws:SecureTransport` is false), keeping the others: 2.3
/// still passes.
pub async fn add_deny_insecure_transport(
    cfg: &SdkConfig,
    region: &str,
    bucket: &str,
) -> Result<()> {
    let p = partition_of(region);
    add_bucket_policy_statements(
        cfg,
        region,
        bucket,
        vec![json!({
            "Sid": "DenyInsecureTransport",
            "Effect": "Deny",
            "Principal": "*",
            "Action": "s3:*",
            "Resource": [format!("arn:{p}:s3:::{bucket}"), format!("arn:{p}:s3:::{bucket}/*")],
            "Condition": {"Bool": {"aws:SecureTransport": "false"}}
        })],
    )
    .await
}

/// Merges `statements` into the bucket policy (replacing same-Sid ones).
pub async fn add_bucket_policy_statements(
    cfg: &SdkConfig,
    region: &str,
    bucket: &str,
    statements: Vec<Value>,
) -> Result<()> {
    let c = Clients::new(cfg, region);
    let mut policy = match c.s3.get_bucket_policy().bucket(bucket).send().await {
        Ok(out) => match out.policy() {
            Some(text) if !text.trim().is_empty() => serde_json::from_str(text)
                .with_context(|| format!("policy of {bucket} is not JSON"))?,
            _ => json!({"Version": "2012-10-17", "Statement": []}),
        },
        Err(e) if e.code() == Some("NoSuchBucketPolicy") => {
            json!({"Version": "2012-10-17", "Statement": []})
        }
        Err(e) => bail!("get policy of {bucket}: {}", DisplayErrorContext(&e)),
    };
    let existing = match policy.get_mut("Statement") {
        Some(Value::Array(list)) => list,
        Some(single) => {
            *single = Value::Array(vec![single.take()]);
            single.as_array_mut().expect("just made an array")
        }
        None => bail!("policy of {bucket} has no Statement"),
    };
    for stmt in statements {
        let sid = stmt.get("Sid").cloned();
        if sid.is_some() {
            existing.retain(|s| s.get("Sid") != sid.as_ref());
        }
        existing.push(stmt);
    }
    c.s3.put_bucket_policy()
        .bucket(bucket)
        .policy(policy.to_string())
        .send()
        .await
        .ctx(format!("put policy of {bucket}"))?;
    Ok(())
}

/// The statements CloudTrail needs to write to `bucket` for `trail_arns`.
pub async fn put_cloudtrail_bucket_policy(
    cfg: &SdkConfig,
    region: &str,
    bucket: &str,
    account: &str,
    trail_arns: &[String],
) -> Result<()> {
    let p = partition_of(region);
    add_bucket_policy_statements(
        cfg,
        region,
        bucket,
        vec![
            json!({
                "Sid": "AWSCloudTrailAclCheck20150319",
                "Effect": "Allow",
                "Principal": {"Service": "cloudtrail.amazonaws.com"},
                "Action": "s3:GetBucketAcl",
                "Resource": format!("arn:{p}:s3:::{bucket}"),
                "Condition": {"StringEquals": {"aws:SourceArn": trail_arns}}
            }),
            json!({
                "Sid": "AWSCloudTrailWrite20150319",
                "Effect": "Allow",
                "Principal": {"Service": "cloudtrail.amazonaws.com"},
                "Action": "s3:PutObject",
                "Resource": format!("arn:{p}:s3:::{bucket}/AWSLogs/{account}/*"),
                "Condition": {"StringEquals": {
                    "s3:x-amz-acl": "bucket-owner-full-control",
                    "aws:SourceArn": trail_arns
                }}
            }),
        ],
    )
    .await
}

/// The statements AWS Config needs to deliver to `bucket` under `prefix`
/// (https://docs.aws.amazon.com/config/latest/developerguide/s3-bucket-policy.html).
pub fn config_bucket_statements(
    bucket: &str,
    account: &str,
    p: &str,
    prefix: Option<&str>,
) -> Vec<Value> {
    let source = json!({"StringEquals": {"aws:SourceAccount": account}});
    let under = prefix.map(|x| format!("{x}/")).unwrap_or_default();
    let bucket_arn = format!("arn:{p}:s3:::{bucket}");
    let allow = |sid: &str, action: &str, resource: &str, condition: &Value| {
        json!({"Sid": sid, "Effect": "Allow", "Principal": {"Service": "config.amazonaws.com"},
               "Action": action, "Resource": resource, "Condition": condition})
    };
    vec![
        allow(
            "AWSConfigBucketPermissionsCheck",
            "s3:GetBucketAcl",
            &bucket_arn,
            &source,
        ),
        allow(
            "AWSConfigBucketExistenceCheck",
            "s3:ListBucket",
            &bucket_arn,
            &source,
        ),
        allow(
            "AWSConfigBucketDelivery",
            "s3:PutObject",
            &format!("{bucket_arn}/{under}AWSLogs/{account}/Config/*"),
            &json!({"StringEquals": {
                "s3:x-amz-acl": "bucket-owner-full-control",
                "aws:SourceAccount": account
            }}),
        ),
    ]
}

/// Merges [`config_bucket_statements`] into the policy of `bucket`: AWS
/// checks them at PutDeliveryChannel.
pub async fn put_config_bucket_policy(
    cfg: &SdkConfig,
    region: &str,
    bucket: &str,
    account: &str,
    prefix: Option<&str>,
) -> Result<()> {
    let statements = config_bucket_statements(bucket, account, partition_of(region), prefix);
    add_bucket_policy_statements(cfg, region, bucket, statements).await
}

/// Public Access Block with all four settings on.
pub async fn block_public_access(cfg: &SdkConfig, region: &str, bucket: &str) -> Result<()> {
    Clients::new(cfg, region)
        .s3
        .put_public_access_block()
        .bucket(bucket)
        .public_access_block_configuration(
            PublicAccessBlockConfiguration::builder()
                .block_public_acls(true)
                .ignore_public_acls(true)
                .block_public_policy(true)
                .restrict_public_buckets(true)
                .build(),
        )
        .send()
        .await
        .ctx(format!("block public access to {bucket}"))?;
    Ok(())
}

/// Server access logging of `source` into `target` (same region), prefix
/// `<source>/`, allowed by a `logging.s3.amazonaws.com` policy statement on
/// `target` (no ACL grants).
pub async fn enable_access_logging(
    cfg: &SdkConfig,
    region: &str,
    source: &str,
    target: &str,
    account: &str,
) -> Result<()> {
    let p = partition_of(region);
    let prefix = format!("{source}/");
    add_bucket_policy_statements(
        cfg,
        region,
        target,
        vec![json!({
            "Sid": format!("S3ServerAccessLogs-{source}"),
            "Effect": "Allow",
            "Principal": {"Service": "logging.s3.amazonaws.com"},
            "Action": ["s3:PutObject"],
            "Resource": format!("arn:{p}:s3:::{target}/{prefix}*"),
            "Condition": {
                "ArnLike": {"aws:SourceArn": format!("arn:{p}:s3:::{source}")},
                "StringEquals": {"aws:SourceAccount": account}
            }
        })],
    )
    .await?;
    Clients::new(cfg, region)
        .s3
        .put_bucket_logging()
        .bucket(source)
        .bucket_logging_status(
            BucketLoggingStatus::builder()
                .logging_enabled(
                    LoggingEnabled::builder()
                        .target_bucket(target)
                        .target_prefix(&prefix)
                        .build()
                        .context("logging config")?,
                )
                .build(),
        )
        .send()
        .await
        .ctx(format!("log access to {source} into {target}"))?;
    Ok(())
}

// ---------------------------------------------------------------------------
// Edge cases: keys
// ---------------------------------------------------------------------------

/// A key policy: the account administers the key; CloudTrail may encrypt
/// the logs of `trail_arns` (`aws:SourceArn`; any trail of the account when
/// empty) and describe the key, as
/// https://docs.aws.amazon.com/awscloudtrail/latest/userguide/create-kms-key-policy-for-cloudtrail.html
/// shows. AWS checks it at CreateTrail/UpdateTrail.
pub fn cloudtrail_key_policy(account: &str, p: &str, trail_arns: &[String]) -> Value {
    let cloudtrail = json!({"Service": "cloudtrail.amazonaws.com"});
    let mut encrypt = json!({
        "Sid": "CloudTrailEncryptsLogs",
        "Principal": cloudtrail,
        "Effect": "Allow",
        "Action": ["kms:GenerateDataKey*"],
        "Resource": "*",
        "Condition": {
            "StringLike": {
                "kms:EncryptionContext:aws:cloudtrail:arn":
                    format!("arn:{p}:cloudtrail:*:{account}:trail/*")
            }
        }
    });
    if !trail_arns.is_empty() {
        encrypt["Condition"]["StringEquals"] = json!({"aws:SourceArn": trail_arns});
    }
    json!({
        "Version": "2012-10-17",
        "Id": "cloudtrail-key",
        "Statement": [
            {
                "Sid": "Enable IAM User Permissions",
                "Effect": "Allow",
                "Principal": {"AWS": format!("arn:{p}:iam::{account}:root")},
                "Action": "kms:*",
                "Resource": "*"
            },
            encrypt,
            {
                "Sid": "CloudTrailDescribesKey",
                "Principal": cloudtrail,
                "Effect": "Allow",
                "Action": ["kms:DescribeKey"],
                "Resource": "*"
            }
        ]
    })
}

/// Replaces the policy of `key_id` with [`cloudtrail_key_policy`] for any
/// trail of the account.
pub async fn let_cloudtrail_encrypt(
    cfg: &SdkConfig,
    region: &str,
    key_id: &str,
    account: &str,
) -> Result<()> {
    let policy = cloudtrail_key_policy(account, partition_of(region), &[]);
    Clients::new(cfg, region)
        .kms
        .put_key_policy()
        .key_id(key_id)
        .policy_name("default")
        .policy(policy.to_string())
        .send()
        .await
        .ctx(format!("put the CloudTrail key policy on {key_id}"))?;
    Ok(())
}

/// A customer SYMMETRIC_DEFAULT key described `description`, rotation as asked.
pub async fn symmetric_key(
    cfg: &SdkConfig,
    region: &str,
    description: &str,
    rotation: bool,
) -> Result<SeededKey> {
    let c = Clients::new(cfg, region);
    let key = create_key(&c, description, None).await?;
    if rotation {
        enable_rotation(&c, &key.key_id).await?;
    }
    Ok(key)
}

/// An RSA_2048 SIGN_VERIFY key (out of scope for 2.8; moto would even accept
/// rotation on it, AWS would not).
pub async fn asymmetric_key(cfg: &SdkConfig, region: &str) -> Result<SeededKey> {
    let c = Clients::new(cfg, region);
    create_key(
        &c,
        "edge: asymmetric",
        Some((KeySpec::Rsa2048, KeyUsageType::SignVerify)),
    )
    .await
}

/// A symmetric customer key, rotation off, then disabled (out of scope for 2.8).
pub async fn disabled_key(cfg: &SdkConfig, region: &str) -> Result<SeededKey> {
    let c = Clients::new(cfg, region);
    let key = create_key(&c, "edge: disabled", None).await?;
    c.kms
        .disable_key()
        .key_id(&key.key_id)
        .send()
        .await
        .ctx(format!("disable key {}", key.key_id))?;
    Ok(key)
}

/// A symmetric customer key, rotation off, scheduled for deletion in 7 days
/// (`KeyState=PendingDeletion`, out of scope for 2.8).
pub async fn pending_deletion_key(cfg: &SdkConfig, region: &str) -> Result<SeededKey> {
    let c = Clients::new(cfg, region);
    let key = create_key(&c, "edge: pending deletion", None).await?;
    c.kms
        .schedule_key_deletion()
        .key_id(&key.key_id)
        .pending_window_in_days(7)
        .send()
        .await
        .ctx(format!("schedule deletion of key {}", key.key_id))?;
    Ok(key)
}

async fn create_key(
    c: &Clients,
    description: &str,
    asymmetric: Option<(KeySpec, KeyUsageType)>,
) -> Result<SeededKey> {
    let mut req = c.kms.create_key().description(description);
    if let Some((spec, usage)) = asymmetric {
        req = req.key_spec(spec).key_usage(usage);
    }
    let out = req
        .send()
        .await
        .ctx(format!("create key {description:?} in {}", c.region))?;
    let meta = out
        .key_metadata()
        .context("CreateKey returned no metadata")?;
    Ok(SeededKey {
        region: c.region.clone(),
        key_id: meta.key_id().to_owned(),
        arn: meta.arn().context("CreateKey returned no ARN")?.to_owned(),
    })
}

async fn enable_rotation(c: &Clients, key_id: &str) -> Result<()> {
    c.kms
        .enable_key_rotation()
        .key_id(key_id)
        .send()
        .await
        .ctx(format!("enable rotation of key {key_id} in {}", c.region))?;
    Ok(())
}

/// Rotation on for every enabled, symmetric, AWS_KMS-material customer key.
async fn rotate_all_customer_keys(c: &Clients) -> Result<()> {
    let keys = c
        .kms
        .list_keys()
        .limit(1000)
        .send()
        .await
        .ctx(format!("list keys in {}", c.region))?;
    for k in keys.keys() {
        let Some(id) = k.key_id() else { continue };
        let d = c
            .kms
            .describe_key()
            .key_id(id)
            .send()
            .await
            .ctx(format!("describe key {id}"))?;
        let Some(m) = d.key_metadata() else { continue };
        if m.key_manager() == Some(&KeyManagerType::Customer)
            && m.key_state() == Some(&KeyState::Enabled)
            && m.key_spec() == Some(&KeySpec::SymmetricDefault)
        {
            enable_rotation(c, id).await?;
        }
    }
    Ok(())
}

// ---------------------------------------------------------------------------
// Edge cases: VPCs and flow logs
// ---------------------------------------------------------------------------

/// A VPC with `cidr`, tagged `Name=<name>`, without flow logs.
pub async fn vpc_without_flow_log(
    cfg: &SdkConfig,
    region: &str,
    cidr: &str,
    name: &str,
) -> Result<String> {
    let c = Clients::new(cfg, region);
    let out = c
        .ec2
        .create_vpc()
        .cidr_block(cidr)
        .tag_specifications(
            TagSpecification::builder()
                .resource_type(ResourceType::Vpc)
                .tags(Tag::builder().key("Name").value(name).build())
                .build(),
        )
        .send()
        .await
        .ctx(format!("create VPC {cidr} in {region}"))?;
    out.vpc()
        .and_then(|v| v.vpc_id())
        .map(str::to_owned)
        .context("CreateVpc returned no id")
}

/// A flow log on `vpc_id` to a log group that does not exist, delivered by
/// role `edge-flow-logs-no-permissions` (trusts VPC Flow Logs, as AWS
/// requires, but has no permission to create the group): moto (like AWS)
/// keeps `FlowLogStatus=ACTIVE` but reports `DeliverLogsStatus=FAILED`.
/// moto cannot make a flow log whose status is not ACTIVE.
pub async fn flow_log_failing_delivery(
    cfg: &SdkConfig,
    region: &str,
    vpc_id: &str,
) -> Result<String> {
    let c = Clients::new(cfg, region);
    let role_arn = ensure_role(
        &c,
        "edge-flow-logs-no-permissions",
        &trust_policy("vpc-flow-logs.amazonaws.com", None),
    )
    .await?;
    let out = c
        .ec2
        .create_flow_logs()
        .resource_type(FlowLogsResourceType::Vpc)
        .resource_ids(vpc_id)
        .traffic_type(TrafficType::Reject)
        .log_destination_type(LogDestinationType::CloudWatchLogs)
        .log_group_name("edge-no-such-log-group")
        .deliver_logs_permission_arn(role_arn)
        .send()
        .await
        .ctx(format!("create flow log for {vpc_id}"))?;
    out.flow_log_ids()
        .first()
        .cloned()
        .context("CreateFlowLogs made no flow log")
}

/// The id of the region's default VPC (moto makes one per region on first use).
pub async fn default_vpc(cfg: &SdkConfig, region: &str) -> Result<String> {
    let c = Clients::new(cfg, region);
    let out = c
        .ec2
        .describe_vpcs()
        .filters(Filter::builder().name("is-default").values("true").build())
        .send()
        .await
        .ctx(format!("describe default VPC in {region}"))?;
    out.vpcs()
        .first()
        .and_then(|v| v.vpc_id())
        .map(str::to_owned)
        .with_context(|| format!("no default VPC in {region}"))
}

/// Every VPC id in `region`.
pub async fn vpc_ids(cfg: &SdkConfig, region: &str) -> Result<Vec<String>> {
    let c = Clients::new(cfg, region);
    let out = c
        .ec2
        .describe_vpcs()
        .send()
        .await
        .ctx(format!("describe VPCs in {region}"))?;
    Ok(out
        .vpcs()
        .iter()
        .filter_map(|v| v.vpc_id().map(str::to_owned))
        .collect())
}

// ---------------------------------------------------------------------------
// IAM and logs
// ---------------------------------------------------------------------------

/// A trust policy for `service`, with an optional Condition.
pub fn trust_policy(service: &str, condition: Option<Value>) -> Value {
    let mut stmt = json!({
        "Effect": "Allow",
        "Principal": {"Service": service},
        "Action": "sts:AssumeRole"
    });
    if let Some(cond) = condition {
        stmt["Condition"] = cond;
    }
    json!({"Version": "2012-10-17", "Statement": [stmt]})
}

/// Get-or-create role `name` with `trust`; returns its ARN.
pub async fn ensure_role(c: &Clients, name: &str, trust: &Value) -> Result<String> {
    match c
        .iam
        .create_role()
        .role_name(name)
        .assume_role_policy_document(trust.to_string())
        .send()
        .await
    {
        Ok(out) => Ok(out
            .role()
            .context("CreateRole returned no role")?
            .arn()
            .to_owned()),
        Err(e) if e.code() == Some("EntityAlreadyExists") => {
            let out = c
                .iam
                .get_role()
                .role_name(name)
                .send()
                .await
                .ctx(format!("get role {name}"))?;
            Ok(out
                .role()
                .context("GetRole returned no role")?
                .arn()
                .to_owned())
        }
        Err(e) => bail!("create role {name}: {}", DisplayErrorContext(&e)),
    }
}

/// Get-or-create the service-linked role of `service`; returns its ARN
/// (moto names Config's `AWSServiceRoleForconfig`).
pub async fn ensure_service_linked_role(c: &Clients, service: &str) -> Result<String> {
    match c
        .iam
        .create_service_linked_role()
        .aws_service_name(service)
        .send()
        .await
    {
        Ok(out) => Ok(out.role().context("no role")?.arn().to_owned()),
        Err(e) if e.code() == Some("EntityAlreadyExists") || e.code() == Some("InvalidInput") => {
            let roles = c
                .iam
                .list_roles()
                .path_prefix(format!("/aws-service-role/{service}/"))
                .send()
                .await
                .ctx("list service-linked roles")?;
            roles
                .roles()
                .first()
                .map(|r| r.arn().to_owned())
                .with_context(|| format!("no service-linked role for {service}"))
        }
        Err(e) => bail!(
            "create service-linked role for {service}: {}",
            DisplayErrorContext(&e)
        ),
    }
}

pub async fn put_role_policy(c: &Clients, role: &str, name: &str, doc: &Value) -> Result<()> {
    c.iam
        .put_role_policy()
        .role_name(role)
        .policy_name(name)
        .policy_document(doc.to_string())
        .send()
        .await
        .ctx(format!("put policy {name} on role {role}"))?;
    Ok(())
}

/// Get-or-create role `name` that CloudTrail assumes to deliver to
/// `log_group` (in the client's region), with its inline policy
/// `cloudtrail-to-logs` (logs:CreateLogStream and logs:PutLogEvents on the
/// account's CloudTrail streams), as
/// https://docs.aws.amazon.com/awscloudtrail/latest/userguide/cloudtrail-required-policy-for-cloudwatch-logs.html
/// shows; returns its ARN. AWS checks both at CreateTrail/UpdateTrail.
pub async fn cloudtrail_to_logs_role(c: &Clients, name: &str, log_group: &str) -> Result<String> {
    let account = account_id_of(c).await?;
    let (p, region) = (partition_of(&c.region), &c.region);
    let arn = ensure_role(c, name, &trust_policy("cloudtrail.amazonaws.com", None)).await?;
    let streams = format!(
        "arn:{p}:logs:{region}:{account}:log-group:{log_group}:log-stream:{account}_CloudTrail_{region}*"
    );
    put_role_policy(
        c,
        name,
        "cloudtrail-to-logs",
        &json!({
            "Version": "2012-10-17",
            "Statement": [{
                "Sid": "AWSCloudTrailCreateLogStreamAndPutLogEvents",
                "Effect": "Allow",
                "Action": ["logs:CreateLogStream", "logs:PutLogEvents"],
                "Resource": streams
            }]
        }),
    )
    .await?;
    Ok(arn)
}

/// Get-or-create log group `name` in the client's region, retention set.
pub async fn ensure_log_group(c: &Clients, name: &str) -> Result<()> {
    match c.logs.create_log_group().log_group_name(name).send().await {
        Ok(_) => {}
        Err(e) if e.code() == Some("ResourceAlreadyExistsException") => {}
        Err(e) => bail!(
            "create log group {name} in {}: {}",
            c.region,
            DisplayErrorContext(&e)
        ),
    }
    c.logs
        .put_retention_policy()
        .log_group_name(name)
        .retention_in_days(LOG_RETENTION_DAYS)
        .send()
        .await
        .ctx(format!("set retention of log group {name}"))?;
    Ok(())
}

// ---------------------------------------------------------------------------
// Small helpers
// ---------------------------------------------------------------------------

/// The caller's account (moto: 123456789012).
pub async fn account_id(cfg: &SdkConfig) -> Result<String> {
    account_id_of(&Clients::new(cfg, "us-east-1")).await
}

/// The account of `c`'s credentials.
pub async fn account_id_of(c: &Clients) -> Result<String> {
    let out = c
        .sts
        .get_caller_identity()
        .send()
        .await
        .ctx("sts GetCallerIdentity")?;
    out.account()
        .map(str::to_owned)
        .context("GetCallerIdentity returned no account")
}

pub fn partition_of(region: &str) -> &'static str {
    if region.starts_with("cn-") {
        "aws-cn"
    } else if region.starts_with("us-gov-") {
        "aws-us-gov"
    } else {
        "aws"
    }
}

pub fn trail_arn(home: &str, account: &str, name: &str) -> String {
    format!(
        "arn:{}:cloudtrail:{home}:{account}:trail/{name}",
        partition_of(home)
    )
}

/// `<prefix>-<account>-<region>`, checked against the S3 length limit.
pub fn bucket_name(prefix: &str, account: &str, region: &str) -> Result<String> {
    let name = format!("{prefix}-{account}-{region}").to_ascii_lowercase();
    if name.len() > 63 {
        bail!("bucket name {name} is longer than 63 characters");
    }
    Ok(name)
}

/// `.ctx(what)`: an SDK error as one line with its whole cause chain.
trait Ctx<T> {
    fn ctx(self, what: impl std::fmt::Display) -> Result<T>;
}

impl<T, E: std::error::Error + 'static> Ctx<T> for std::result::Result<T, E> {
    fn ctx(self, what: impl std::fmt::Display) -> Result<T> {
        self.map_err(|e| anyhow!("{what}: {}", DisplayErrorContext(&e)))
    }
}

// ---------------------------------------------------------------------------
// Web front ends (CIS 7.0 4.10)
// ---------------------------------------------------------------------------

/// What [`web_frontends`] made, none of it with access logs.
#[derive(Clone, Debug)]
pub struct SeededWeb {
    pub region: String,
    pub alb_arn: String,
    pub nlb_arn: String,
    /// REST API with stage `prod`.
    pub rest_api_id: String,
    /// HTTP API with stage `live`.
    pub http_api_id: String,
    pub distribution_id: String,
    pub distribution_arn: String,
}

/// An Application and a Network Load Balancer in the default VPC of
/// `region`, a REST API (stage `prod`) and an HTTP API (stage `live`)
/// there, and a CloudFront distribution: no access logs anywhere.
pub async fn web_frontends(cfg: &SdkConfig, region: &str, tag: &str) -> Result<SeededWeb> {
    let vpc = default_vpc(cfg, region).await?;
    let ec2 = aws_sdk_ec2::Client::new(&region_cfg(cfg, region));
    let subnets: Vec<String> = ec2
        .describe_subnets()
        .filters(Filter::builder().name("vpc-id").values(&vpc).build())
        .send()
        .await
        .ctx(format!("describe subnets in {region}"))?
        .subnets()
        .iter()
        .filter_map(|s| s.subnet_id().map(str::to_owned))
        .take(2)
        .collect();
    let elb = aws_sdk_elasticloadbalancingv2::Client::new(&region_cfg(cfg, region));
    let lb = |name: String, t: aws_sdk_elasticloadbalancingv2::types::LoadBalancerTypeEnum| {
        elb.create_load_balancer()
            .name(name)
            .r#type(t)
            .set_subnets(Some(subnets.clone()))
            .send()
    };
    use aws_sdk_elasticloadbalancingv2::types::LoadBalancerTypeEnum as T;
    let alb = lb(format!("{tag}-alb"), T::Application)
        .await
        .ctx(format!("create an ALB in {region}"))?;
    let nlb = lb(format!("{tag}-nlb"), T::Network)
        .await
        .ctx(format!("create an NLB in {region}"))?;
    let arn_of = |o: &aws_sdk_elasticloadbalancingv2::operation::create_load_balancer::CreateLoadBalancerOutput| {
        o.load_balancers()
            .first()
            .and_then(|l| l.load_balancer_arn())
            .map(str::to_owned)
            .context("no load balancer ARN")
    };
    let (alb_arn, nlb_arn) = (arn_of(&alb)?, arn_of(&nlb)?);
    // AWS writes an NLB's access logs for its TLS listeners only.
    listener(cfg, region, &vpc, &nlb_arn, &format!("{tag}-nlb"), true).await?;

    let api = aws_sdk_apigateway::Client::new(&region_cfg(cfg, region));
    let rest = api
        .create_rest_api()
        .name(format!("{tag}-rest"))
        .send()
        .await
        .ctx("create a REST API")?;
    let rest_api_id = rest.id().context("no REST API id")?.to_owned();
    let root = api
        .get_resources()
        .rest_api_id(&rest_api_id)
        .send()
        .await
        .ctx("get REST API resources")?
        .items()
        .iter()
        .find(|r| r.path() == Some("/"))
        .and_then(|r| r.id())
        .map(str::to_owned)
        .context("no root resource")?;
    api.put_method()
        .rest_api_id(&rest_api_id)
        .resource_id(&root)
        .http_method("GET")
        .authorization_type("NONE")
        .send()
        .await
        .ctx("put method")?;
    api.put_integration()
        .rest_api_id(&rest_api_id)
        .resource_id(&root)
        .http_method("GET")
        .r#type(aws_sdk_apigateway::types::IntegrationType::Mock)
        .send()
        .await
        .ctx("put integration")?;
    api.create_deployment()
        .rest_api_id(&rest_api_id)
        .stage_name("prod")
        .send()
        .await
        .ctx("deploy stage prod")?;

    let v2 = aws_sdk_apigatewayv2::Client::new(&region_cfg(cfg, region));
    let http = v2
        .create_api()
        .name(format!("{tag}-http"))
        .protocol_type(aws_sdk_apigatewayv2::types::ProtocolType::Http)
        .send()
        .await
        .ctx("create an HTTP API")?;
    let http_api_id = http.api_id().context("no HTTP API id")?.to_owned();
    v2.create_stage()
        .api_id(&http_api_id)
        .stage_name("live")
        .send()
        .await
        .ctx("create stage live")?;

    let (distribution_id, distribution_arn) = distribution(cfg, tag).await?;
    Ok(SeededWeb {
        region: region.to_owned(),
        alb_arn,
        nlb_arn,
        rest_api_id,
        http_api_id,
        distribution_id,
        distribution_arn,
    })
}

/// A listener on `lb_arn` (port 443, forwarding to a new TCP target group
/// in `vpc`): TLS with an IAM server certificate, or plain TCP.
pub async fn listener(
    cfg: &SdkConfig,
    region: &str,
    vpc: &str,
    lb_arn: &str,
    tag: &str,
    tls: bool,
) -> Result<()> {
    use aws_sdk_elasticloadbalancingv2::types::{
        Action, ActionTypeEnum, Certificate, ProtocolEnum,
    };
    let elb = aws_sdk_elasticloadbalancingv2::Client::new(&region_cfg(cfg, region));
    let tg = elb
        .create_target_group()
        .name(format!("{tag}-tg"))
        .protocol(ProtocolEnum::Tcp)
        .port(443)
        .vpc_id(vpc)
        .send()
        .await
        .ctx("create a target group")?;
    let tg_arn = tg
        .target_groups()
        .first()
        .and_then(|t| t.target_group_arn())
        .context("no target group ARN")?
        .to_owned();
    let mut req = elb
        .create_listener()
        .load_balancer_arn(lb_arn)
        .port(443)
        .default_actions(
            Action::builder()
                .r#type(ActionTypeEnum::Forward)
                .target_group_arn(&tg_arn)
                .build(),
        );
    if tls {
        let iam = aws_sdk_iam::Client::new(&region_cfg(cfg, region));
        let cert = iam
            .upload_server_certificate()
            .server_certificate_name(format!("{tag}-cert"))
            .certificate_body("-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----")
            .private_key("-----BEGIN RSA PRIVATE KEY-----\nMIIB\n-----END RSA PRIVATE KEY-----")
            .send()
            .await
            .ctx("upload a server certificate")?;
        let arn = cert
            .server_certificate_metadata()
            .map(|m| m.arn().to_owned())
            .context("no certificate ARN")?;
        req = req
            .protocol(ProtocolEnum::Tls)
            .certificates(Certificate::builder().certificate_arn(arn).build());
    } else {
        req = req.protocol(ProtocolEnum::Tcp);
    }
    req.send().await.ctx("create a listener")?;
    Ok(())
}

/// A Network Load Balancer with one TCP listener (no TLS), in the default
/// VPC of `region`: its ARN.
pub async fn tcp_only_nlb(cfg: &SdkConfig, region: &str, name: &str) -> Result<String> {
    let vpc = default_vpc(cfg, region).await?;
    let ec2 = aws_sdk_ec2::Client::new(&region_cfg(cfg, region));
    let subnets: Vec<String> = ec2
        .describe_subnets()
        .filters(Filter::builder().name("vpc-id").values(&vpc).build())
        .send()
        .await
        .ctx(format!("describe subnets in {region}"))?
        .subnets()
        .iter()
        .filter_map(|s| s.subnet_id().map(str::to_owned))
        .take(2)
        .collect();
    let elb = aws_sdk_elasticloadbalancingv2::Client::new(&region_cfg(cfg, region));
    let made = elb
        .create_load_balancer()
        .name(name)
        .r#type(aws_sdk_elasticloadbalancingv2::types::LoadBalancerTypeEnum::Network)
        .set_subnets(Some(subnets))
        .send()
        .await
        .ctx("create an NLB")?;
    let arn = made
        .load_balancers()
        .first()
        .and_then(|l| l.load_balancer_arn())
        .context("no load balancer ARN")?
        .to_owned();
    listener(cfg, region, &vpc, &arn, name, false).await?;
    Ok(arn)
}

/// A Classic Load Balancer (HTTP on port 80) in `region`'s first zone.
pub async fn classic_load_balancer(cfg: &SdkConfig, region: &str, name: &str) -> Result<()> {
    let elb = aws_sdk_elasticloadbalancing::Client::new(&region_cfg(cfg, region));
    elb.create_load_balancer()
        .load_balancer_name(name)
        .availability_zones(format!("{region}a"))
        .listeners(
            aws_sdk_elasticloadbalancing::types::Listener::builder()
                .protocol("HTTP")
                .load_balancer_port(80)
                .instance_port(80)
                .build()
                .context("a listener")?,
        )
        .send()
        .await
        .ctx("create a Classic Load Balancer")?;
    Ok(())
}

/// A CloudFront distribution (one S3 origin), without logging: (id, ARN).
pub async fn distribution(cfg: &SdkConfig, tag: &str) -> Result<(String, String)> {
    use aws_sdk_cloudfront::types::{
        DefaultCacheBehavior, DistributionConfig, Origin, Origins, S3OriginConfig,
        ViewerProtocolPolicy,
    };
    let cf = aws_sdk_cloudfront::Client::new(&region_cfg(cfg, "us-east-1"));
    let origin = Origin::builder()
        .id("origin")
        .domain_name(format!("{tag}-site.s3.amazonaws.com"))
        .s3_origin_config(S3OriginConfig::builder().origin_access_identity("").build())
        .build()?;
    let config = DistributionConfig::builder()
        .caller_reference(format!("{tag}-{}", std::process::id()))
        .comment(format!("{tag} site"))
        .enabled(true)
        .origins(Origins::builder().quantity(1).items(origin).build()?)
        .default_cache_behavior(
            DefaultCacheBehavior::builder()
                .target_origin_id("origin")
                .viewer_protocol_policy(ViewerProtocolPolicy::RedirectToHttps)
                .cache_policy_id("658327ea-f89d-4fab-a63d-7e88639e58f6")
                .build()?,
        )
        .build()?;
    let out = cf
        .create_distribution()
        .distribution_config(config)
        .send()
        .await
        .ctx("create a CloudFront distribution")?;
    let d = out.distribution().context("no distribution")?;
    Ok((d.id().to_owned(), d.arn().to_owned()))
}

fn region_cfg(cfg: &SdkConfig, region: &str) -> SdkConfig {
    cfg.to_builder()
        .region(Region::new(region.to_owned()))
        .build()
}
