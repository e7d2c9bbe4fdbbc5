//! The collector against moto: a seeded account read back into a snapshot,
//! the number of calls it takes, and a scan of every region moto offers.
//!
//! Each test starts its own strict emulator on a free loopback port (killed on
//! drop), seeds it with the Rust SDK (a separate `Aws`, so the collector's call
//! counter only sees the collector), then runs `collect`.

use std::net::{TcpListener, TcpStream};
use std::sync::Mutex;
use std::time::Instant;

use crate::common;
use aws_sdk_cloudtrail::types::{EventSelector, ReadWriteType};
use aws_sdk_config::types::{ConfigurationRecorder, DeliveryChannel, RecordingGroup};
use aws_sdk_ec2::types::{FlowLogsResourceType, LogDestinationType, TrafficType};
use aws_sdk_kms::types::{KeySpec, KeyUsageType};
use aws_sdk_s3::types::{BucketLocationConstraint, CreateBucketConfiguration};

use crate::common::{Moto, fixtures};
use remediate::aws::Aws;
use remediate::collect::{CollectError, CollectOptions, collect};
use remediate::snapshot::Snapshot;
use serde_json::json;

const ACCOUNT: &str = "123456789012";

async fn aws_for(moto: &Moto) -> Aws {
    common::product_aws(&moto.url, 2).await
}

fn opts(regions: Option<&[&str]>) -> CollectOptions {
    CollectOptions {
        regions: regions.map(|r| r.iter().map(|s| s.to_string()).collect()),
        ..Default::default()
    }
}

async fn run(aws: &Aws, o: &CollectOptions) -> (Snapshot, Vec<String>) {
    let done = Mutex::new(Vec::new());
    let cb = |r: &str| done.lock().unwrap().push(r.to_string());
    let fut = collect(aws, o, &cb);
    fn assert_send<T: Send>(_: &T) {}
    assert_send(&fut);
    // The CLI awaits this on a normal thread stack: keep the future small.
    let size = std::mem::size_of_val(&fut);
    assert!(size < 32 * 1024, "collect future is {size} bytes");
    let snap = fut.await.expect("collect");
    let mut done = done.into_inner().unwrap();
    done.sort();
    (snap, done)
}

// ---------------------------------------------------------------------------
// Seeding (writes, through a separate Aws)
// ---------------------------------------------------------------------------

struct Seeded {
    key_rotating: String,
    key_plain: String,
    key_asym: String,
    key_disabled: String,
    vpc: String,
}

const B_TRAIL: &str = "ct-bucket-use1";
const B_EU: &str = "ct-bucket-euw1";
const B_GONE: &str = "ct-bucket-gone";
const B_LOGS: &str = "remediate-access-logs-123456789012-us-east-1";
const B_UNRELATED: &str = "unrelated-bucket";

async fn bucket(s: &Aws, region: &str, name: &str) {
    let mut req = s.s3(region).create_bucket().bucket(name);
    if region != "us-east-1" {
        req = req.create_bucket_configuration(
            CreateBucketConfiguration::builder()
                .location_constraint(BucketLocationConstraint::from(region))
                .build(),
        );
    }
    req.send().await.expect("create bucket");
}

async fn key(s: &Aws, region: &str, spec: Option<KeySpec>) -> String {
    let mut req = s.kms(region).create_key().description("collect smoke");
    if let Some(spec) = spec {
        req = req.key_spec(spec).key_usage(KeyUsageType::SignVerify);
    }
    let out = req.send().await.expect("create key");
    out.key_metadata().unwrap().key_id().to_string()
}

/// The statements CloudTrail needs on `bucket` for trail `name` homed in
/// `region`: AWS checks them at CreateTrail.
async fn let_cloudtrail_write(moto: &Moto, region: &str, bucket: &str, name: &str) {
    let arn = fixtures::trail_arn(region, ACCOUNT, name);
    let cfg = moto.sdk_config().await;
    fixtures::put_cloudtrail_bucket_policy(&cfg, region, bucket, ACCOUNT, &[arn])
        .await
        .expect("CloudTrail bucket policy");
}

async fn seed(moto: &Moto, s: &Aws) -> Seeded {
    let sdk = moto.sdk_config().await;
    // Buckets.
    for b in [B_TRAIL, B_LOGS, B_UNRELATED, B_GONE] {
        bucket(s, "us-east-1", b).await;
    }
    bucket(s, "eu-west-1", B_EU).await;
    let s3 = s.s3("us-east-1");
    fixtures::make_acl_public(&sdk, "us-east-1", B_TRAIL)
        .await
        .expect("public acl");
    let policy = json!({"Version": "2012-10-17", "Statement": [
        {"Sid": "Public", "Effect": "Allow", "Principal": "*", "Action": "s3:GetObject",
         "Resource": format!("arn:aws:s3:::{B_TRAIL}/*")},
        {"Sid": "DenyInsecure", "Effect": "Deny", "Principal": {"AWS": "*"}, "Action": "s3:*",
         "Resource": format!("arn:aws:s3:::{B_TRAIL}/*"),
         "Condition": {"Bool": {"aws:SecureTransport": "false"}}}]});
    s3.put_bucket_policy()
        .bucket(B_TRAIL)
        .policy(policy.to_string())
        .send()
        .await
        .expect("bucket policy");
    fixtures::enable_access_logging(&sdk, "us-east-1", B_TRAIL, B_LOGS, ACCOUNT)
        .await
        .expect("bucket logging");
    fixtures::put_config_bucket_policy(&sdk, "us-east-1", B_LOGS, ACCOUNT, None)
        .await
        .expect("Config bucket policy");
    let_cloudtrail_write(moto, "us-east-1", B_TRAIL, "multi").await;
    let_cloudtrail_write(moto, "eu-west-1", B_EU, "single-eu").await;
    let_cloudtrail_write(moto, "eu-west-1", B_GONE, "gone").await;

    // Keys (us-east-1): rotating, plain (behind the tool's alias), asymmetric, disabled.
    let kms = s.kms("us-east-1");
    let key_rotating = key(s, "us-east-1", None).await;
    kms.enable_key_rotation()
        .key_id(&key_rotating)
        .send()
        .await
        .expect("rotation");
    let key_plain = key(s, "us-east-1", None).await;
    let key_asym = key(s, "us-east-1", Some(KeySpec::Rsa2048)).await;
    let key_disabled = key(s, "us-east-1", None).await;
    kms.disable_key()
        .key_id(&key_disabled)
        .send()
        .await
        .expect("disable");
    fixtures::let_cloudtrail_encrypt(&sdk, "us-east-1", &key_rotating, ACCOUNT)
        .await
        .expect("trail key policy");
    for (alias, target) in [
        ("alias/trail-key", &key_rotating),
        ("alias/remediate-cloudtrail", &key_plain),
    ] {
        kms.create_alias()
            .alias_name(alias)
            .target_key_id(target)
            .send()
            .await
            .expect("alias");
    }

    // Trails: multi-region (us-east-1, logging, selectors), single-region in
    // eu-west-1, and one whose bucket is then deleted (not owned any more).
    let ct = s.cloudtrail("us-east-1");
    ct.create_trail()
        .name("multi")
        .s3_bucket_name(B_TRAIL)
        .is_multi_region_trail(true)
        .include_global_service_events(true)
        .enable_log_file_validation(true)
        .kms_key_id("alias/trail-key")
        .send()
        .await
        .expect("multi trail");
    ct.start_logging()
        .name("multi")
        .send()
        .await
        .expect("start");
    ct.put_event_selectors()
        .trail_name("multi")
        .event_selectors(
            EventSelector::builder()
                .read_write_type(ReadWriteType::All)
                .include_management_events(true)
                .build(),
        )
        .send()
        .await
        .expect("selectors");
    let ct_eu = s.cloudtrail("eu-west-1");
    ct_eu
        .create_trail()
        .name("single-eu")
        .s3_bucket_name(B_EU)
        .send()
        .await
        .expect("eu trail");
    // A trail bucket without a policy: removed after the trail was made.
    s3.delete_bucket_policy()
        .bucket(B_EU)
        .send()
        .await
        .expect("delete the policy of the EU trail bucket");
    ct_eu
        .create_trail()
        .name("gone")
        .s3_bucket_name(B_GONE)
        .send()
        .await
        .expect("gone trail");
    s3.delete_bucket()
        .bucket(B_GONE)
        .send()
        .await
        .expect("delete bucket");

    // IAM: the tool's CloudTrail role with an inline policy; Config's SLR.
    let iam = s.iam("us-east-1");
    let trust = json!({"Version": "2012-10-17", "Statement": [{"Effect": "Allow",
        "Principal": {"Service": "cloudtrail.amazonaws.com"}, "Action": "sts:AssumeRole"}]});
    let role_arn = iam
        .create_role()
        .role_name("remediate-cloudtrail-to-logs")
        .assume_role_policy_document(trust.to_string())
        .send()
        .await
        .expect("role")
        .role()
        .unwrap()
        .arn()
        .to_string();
    let inline = json!({"Version": "2012-10-17", "Statement": [{"Effect": "Allow",
        "Action": ["logs:CreateLogStream", "logs:PutLogEvents"], "Resource": "*"}]});
    iam.put_role_policy()
        .role_name("remediate-cloudtrail-to-logs")
        .policy_name("to-logs")
        .policy_document(inline.to_string())
        .send()
        .await
        .expect("inline policy");
    iam.create_service_linked_role()
        .aws_service_name("config.amazonaws.com")
        .send()
        .await
        .expect("config SLR");

    // Config in us-east-1: recorder, channel, started.
    let cfg = s.configservice("us-east-1");
    cfg.put_configuration_recorder()
        .configuration_recorder(
            ConfigurationRecorder::builder()
                .name("default")
                .role_arn(&role_arn)
                .recording_group(
                    RecordingGroup::builder()
                        .all_supported(true)
                        .include_global_resource_types(true)
                        .build(),
                )
                .build(),
        )
        .send()
        .await
        .expect("recorder");
    cfg.put_delivery_channel()
        .delivery_channel(
            DeliveryChannel::builder()
                .name("default")
                .s3_bucket_name(B_LOGS)
                .build(),
        )
        .send()
        .await
        .expect("channel");
    cfg.start_configuration_recorder()
        .configuration_recorder_name("default")
        .send()
        .await
        .expect("start recorder");

    // Logs: the tool's group and a lookalike that must not be picked up.
    let logs = s.logs("us-east-1");
    for g in [
        "remediate/cloudtrail",
        "remediate/cloudtrail-other",
        "remediate/vpc-flow-logs",
    ] {
        logs.create_log_group()
            .log_group_name(g)
            .send()
            .await
            .expect("log group");
    }
    logs.put_retention_policy()
        .log_group_name("remediate/cloudtrail")
        .retention_in_days(365)
        .send()
        .await
        .expect("retention");

    // EC2: a VPC with a flow log to CloudWatch Logs, through a role VPC Flow
    // Logs may assume (named so the collector does not read it).
    let flow_logs_role = fixtures::ensure_role(
        &fixtures::Clients::new(&sdk, "us-east-1"),
        "seed-flow-logs",
        &fixtures::trust_policy("vpc-flow-logs.amazonaws.com", None),
    )
    .await
    .expect("flow logs role");
    let ec2 = s.ec2("us-east-1");
    let vpc = ec2
        .create_vpc()
        .cidr_block("10.20.0.0/16")
        .send()
        .await
        .expect("vpc")
        .vpc()
        .unwrap()
        .vpc_id()
        .unwrap()
        .to_string();
    ec2.create_flow_logs()
        .resource_type(FlowLogsResourceType::Vpc)
        .resource_ids(&vpc)
        .traffic_type(TrafficType::Reject)
        .log_destination_type(LogDestinationType::CloudWatchLogs)
        .log_group_name("remediate/vpc-flow-logs")
        .deliver_logs_permission_arn(&flow_logs_role)
        .send()
        .await
        .expect("flow log");

    Seeded {
        key_rotating,
        key_plain,
        key_asym,
        key_disabled,
        vpc,
    }
}

fn key_by_id<'a>(snap: &'a Snapshot, id: &str) -> &'a remediate::snapshot::Key {
    snap.keys
        .values()
        .find(|k| k.key_id == id)
        .unwrap_or_else(|| panic!("key {id} not collected"))
}

fn count(
    calls: &std::collections::BTreeMap<String, std::collections::BTreeMap<String, u64>>,
    op: &str,
) -> u64 {
    calls.values().filter_map(|m| m.get(op)).sum()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn collects_a_seeded_account_in_two_regions() {
    let moto = Moto::start();
    let seeder = aws_for(&moto).await;
    let seeded = seed(&moto, &seeder).await;

    let aws = aws_for(&moto).await;
    let regions = ["us-east-1", "eu-west-1"];
    let t0 = Instant::now();
    let (snap, done) = run(&aws, &opts(Some(&regions))).await;
    let took = t0.elapsed();
    eprintln!(
        "2 regions: {} calls in {took:?}: {:?}",
        aws.calls.total(),
        aws.calls.snapshot()
    );

    assert_eq!(snap.read_errors, vec![], "no read errors");
    assert_eq!(snap.account_id, ACCOUNT);
    assert_eq!(snap.partition, "aws");
    assert_eq!(snap.home_region, "us-east-1");
    assert_eq!(snap.regions, vec!["eu-west-1", "us-east-1"]);
    assert_eq!(
        done,
        vec!["eu-west-1", "us-east-1"],
        "on_region_done once per region"
    );

    // Trails: the multi-region one once, in its home region, with status.
    let arn =
        |region: &str, name: &str| format!("arn:aws:cloudtrail:{region}:{ACCOUNT}:trail/{name}");
    assert_eq!(
        snap.trails.keys().cloned().collect::<Vec<_>>(),
        vec![
            arn("eu-west-1", "gone"),
            arn("eu-west-1", "single-eu"),
            arn("us-east-1", "multi")
        ]
    );
    let multi = &snap.trails[&arn("us-east-1", "multi")];
    assert_eq!(multi.home_region, "us-east-1");
    assert!(multi.is_multi_region);
    assert!(multi.log_file_validation);
    assert_eq!(multi.is_logging, Some(true));
    assert_eq!(multi.s3_bucket.as_deref(), Some(B_TRAIL));
    assert_eq!(multi.kms_key_id.as_deref(), Some("alias/trail-key"));
    assert_eq!(multi.event_selectors.len(), 1);
    assert_eq!(multi.event_selectors[0].read_write_type, "All");
    assert!(multi.event_selectors[0].include_management_events);
    let eu = &snap.trails[&arn("eu-west-1", "single-eu")];
    assert_eq!(eu.home_region, "eu-west-1");
    assert!(!eu.is_multi_region);
    assert_eq!(eu.is_logging, Some(false));

    // Buckets: trail buckets and the tool's own; not the unrelated one.
    assert_eq!(
        snap.buckets.keys().cloned().collect::<Vec<_>>(),
        vec![B_EU, B_GONE, B_TRAIL, B_LOGS]
    );
    assert!(snap.owned_buckets.contains(&B_UNRELATED.to_string()));
    assert!(!snap.owned_buckets.contains(&B_GONE.to_string()));
    let b = &snap.buckets[B_TRAIL];
    assert!(b.owned);
    assert_eq!(b.region.as_deref(), Some("us-east-1"));
    let acl = b.acl.as_ref().expect("acl read");
    assert!(!acl.owner_id.is_empty());
    assert!(
        acl.grants
            .iter()
            .any(|g| g.is_public() && g.grantee_type == "Group" && g.permission == "READ"),
        "{acl:?}"
    );
    assert!(
        acl.grants
            .iter()
            .any(|g| g.grantee_type == "CanonicalUser" && g.permission == "FULL_CONTROL")
    );
    let policy = b.policy.as_ref().expect("policy read");
    assert_eq!(policy["Statement"][0]["Sid"], "Public");
    assert_eq!(
        b.logging.as_ref().map(|l| l.target_bucket.as_str()),
        Some(B_LOGS)
    );
    assert_eq!(b.public_access_block, None);
    assert!(!b.object_lock && !b.requester_pays);
    assert_eq!(snap.buckets[B_EU].region.as_deref(), Some("eu-west-1"));
    assert!(snap.buckets[B_EU].acl.is_some());
    assert!(snap.buckets[B_EU].policy.is_none());
    assert!(snap.buckets[B_EU].logging.is_none());
    let gone = &snap.buckets[B_GONE];
    assert!(!gone.owned && gone.region.is_none() && gone.acl.is_none());

    // Keys: rotation read only for in-scope keys; policies only for editable ones.
    let k = key_by_id(&snap, &seeded.key_rotating);
    assert_eq!(
        (k.manager.as_str(), k.state.as_str(), k.spec.as_str()),
        ("CUSTOMER", "Enabled", "SYMMETRIC_DEFAULT")
    );
    assert_eq!(k.rotation_enabled, Some(true));
    assert!(k.policy.is_some(), "trail key policy read (via alias)");
    let k = key_by_id(&snap, &seeded.key_plain);
    assert_eq!(k.rotation_enabled, Some(false));
    assert!(k.policy.is_some(), "tool alias key policy read");
    let k = key_by_id(&snap, &seeded.key_asym);
    assert_eq!(k.spec, "RSA_2048");
    assert_eq!(k.rotation_enabled, None);
    assert!(k.policy.is_none());
    let k = key_by_id(&snap, &seeded.key_disabled);
    assert_eq!(k.state, "Disabled");
    assert_eq!(k.rotation_enabled, None);
    assert_eq!(
        snap.aliases["us-east-1"]["alias/trail-key"],
        seeded.key_rotating
    );
    assert_eq!(
        snap.aliases["us-east-1"]["alias/remediate-cloudtrail"],
        seeded.key_plain
    );
    // (moto lists the alias/aws/* aliases with targets; AWS lists them
    // without a target until the managed key exists.)
    assert!(
        snap.aliases["eu-west-1"]
            .keys()
            .all(|a| a.starts_with("alias/aws/")),
        "{:?}",
        snap.aliases["eu-west-1"]
    );

    // Config.
    let c = &snap.config["us-east-1"];
    assert_eq!(c.recorders.len(), 1);
    let r = &c.recorders[0];
    assert_eq!(r.name, "default");
    assert!(r.all_supported && r.include_global_resource_types && r.recording && !r.service_linked);
    assert!(r.last_status.is_some());
    assert_eq!(c.channels.len(), 1);
    assert_eq!(c.channels[0].s3_bucket.as_deref(), Some(B_LOGS));
    assert!(snap.config["eu-west-1"].recorders.is_empty());

    // EC2: default VPCs in both regions plus ours, with its flow log.
    assert_eq!(snap.vpcs.len(), 3, "{:?}", snap.vpcs);
    assert!(snap.vpcs.values().all(|v| v.owner_id == ACCOUNT));
    assert_eq!(snap.vpcs.values().filter(|v| v.is_default).count(), 2);
    assert!(!snap.vpcs[&seeded.vpc].is_default);
    assert_eq!(snap.flow_logs.len(), 1);
    let f = snap.flow_logs.values().next().unwrap();
    assert_eq!(f.resource_id, seeded.vpc);
    assert_eq!(f.status, "ACTIVE");
    assert_eq!(f.traffic_type, "REJECT");
    assert_eq!(f.destination_type, "cloud-watch-logs");
    assert!(
        f.destination
            .as_deref()
            .is_some_and(|d| d.contains("remediate/vpc-flow-logs"))
    );

    // Logs: exact names only.
    let groups = &snap.log_groups["us-east-1"];
    assert_eq!(
        groups.keys().cloned().collect::<Vec<_>>(),
        vec!["remediate/cloudtrail", "remediate/vpc-flow-logs"]
    );
    assert_eq!(groups["remediate/cloudtrail"].retention_days, Some(365));
    assert!(
        groups["remediate/cloudtrail"]
            .arn
            .contains(":log-group:remediate/cloudtrail")
    );
    assert!(snap.log_groups["eu-west-1"].is_empty());

    // IAM.
    let role = &snap.roles["remediate-cloudtrail-to-logs"];
    assert_eq!(
        role.inline_policies["to-logs"]["Statement"][0]["Effect"],
        "Allow"
    );
    assert_eq!(
        role.trust_policy.as_ref().unwrap()["Statement"][0]["Principal"]["Service"],
        "cloudtrail.amazonaws.com"
    );
    let slr = &snap.roles["AWSServiceRoleForConfig"];
    assert!(slr.name.eq_ignore_ascii_case("AWSServiceRoleForConfig"));
    assert!(slr.arn.contains("/aws-service-role/config.amazonaws.com/"));
    assert!(!snap.roles.contains_key("remediate-vpc-flow-logs"));

    // Calls: regions + resources, each read once.
    let calls = aws.calls.snapshot();
    let n_regions = 2u64;
    for op in [
        "DescribeTrails",
        "DescribeConfigurationRecorders",
        "DescribeConfigurationRecorderStatus",
        "DescribeDeliveryChannels",
        "ListKeys",
        "ListAliases",
        "DescribeVpcs",
        "DescribeFlowLogs",
    ] {
        assert_eq!(count(&calls, op), n_regions, "{op}");
    }
    assert_eq!(count(&calls, "DescribeLogGroups"), 2 * n_regions);
    assert_eq!(count(&calls, "GetTrailStatus"), 3, "once per trail");
    assert_eq!(count(&calls, "GetEventSelectors"), 3);
    assert_eq!(count(&calls, "DescribeKey"), snap.keys.len() as u64);
    assert_eq!(
        count(&calls, "GetKeyRotationStatus"),
        2,
        "in-scope keys only"
    );
    assert_eq!(count(&calls, "GetKeyPolicy"), 2);
    let owned_read = snap.buckets.values().filter(|b| b.owned).count() as u64;
    for op in [
        "GetBucketLocation",
        "GetBucketAcl",
        "GetBucketPolicy",
        "GetBucketLogging",
        "GetPublicAccessBlock",
        "GetObjectLockConfiguration",
        "GetBucketRequestPayment",
        "GetBucketEncryption",
    ] {
        assert_eq!(count(&calls, op), owned_read, "{op}");
    }
    for op in [
        "GetCallerIdentity",
        "DescribeRegions",
        "ListBuckets",
        "ListRoles",
        "ListRolePolicies",
        "GetRolePolicy",
    ] {
        assert_eq!(count(&calls, op), 1, "{op}");
    }
    assert_eq!(count(&calls, "GetRole"), 2);
    let foreign = snap.buckets.values().filter(|b| !b.owned).count() as u64;
    assert_eq!(count(&calls, "HeadBucket"), foreign);
    let expected = 2 // identity, regions
        + n_regions * (1 + 3 + 2 + 2 + 2) // trails, config, kms lists, ec2, logs
        + 3 * 2 // trail status + selectors
        + snap.keys.len() as u64 + 2 + 2 // describe, rotation, policies
        + 1 + 8 * owned_read + foreign // s3 (HeadBucket: a bucket of another account's region)
        + 2 + 1 + 1 + 1; // iam
    assert_eq!(aws.calls.total(), expected);
    assert_eq!(aws.calls.writes(), 0, "reads only");

    // Deterministic: a second collection gives the same snapshot.
    let aws2 = aws_for(&moto).await;
    let (again, _) = run(&aws2, &opts(Some(&regions))).await;
    assert_eq!(
        serde_json::to_string(&again).unwrap(),
        serde_json::to_string(&snap).unwrap()
    );
    assert_eq!(aws2.calls.total(), expected);

    // One call at a time: the same snapshot.
    let aws_seq = aws_for(&moto).await;
    let (seq, _) = run(
        &aws_seq,
        &CollectOptions {
            concurrency: 1,
            ..opts(Some(&regions))
        },
    )
    .await;
    assert_eq!(seq, snap);

    // One region: the multi-region trail is still judged from its home region,
    // and eu-west-1's trails are not seen.
    let aws1 = aws_for(&moto).await;
    let (one, done) = run(&aws1, &opts(Some(&["us-east-1"]))).await;
    assert_eq!(done, vec!["us-east-1"]);
    assert_eq!(one.trails.len(), 1);
    assert!(one.read_errors.is_empty(), "{:?}", one.read_errors);
    assert!(aws1.calls.total() < expected);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn shadow_trail_of_an_unscanned_home_is_read_from_its_home() {
    let moto = Moto::start();
    let seeder = aws_for(&moto).await;
    bucket(&seeder, "us-east-1", B_TRAIL).await;
    let_cloudtrail_write(&moto, "us-east-1", B_TRAIL, "multi").await;
    seeder
        .cloudtrail("us-east-1")
        .create_trail()
        .name("multi")
        .s3_bucket_name(B_TRAIL)
        .is_multi_region_trail(true)
        .send()
        .await
        .expect("trail");
    seeder
        .cloudtrail("us-east-1")
        .start_logging()
        .name("multi")
        .send()
        .await
        .expect("start");

    let aws = aws_for(&moto).await;
    let (snap, _) = run(&aws, &opts(Some(&["eu-west-1"]))).await;
    assert!(snap.read_errors.is_empty(), "{:?}", snap.read_errors);
    let arn = format!("arn:aws:cloudtrail:us-east-1:{ACCOUNT}:trail/multi");
    let t = snap.trails.get(&arn).expect("shadow trail recorded");
    assert_eq!(t.home_region, "us-east-1");
    assert_eq!(t.is_logging, Some(true), "status read from the home region");
    assert_eq!(count(&aws.calls.snapshot(), "GetTrailStatus"), 1);
    // The global-resources region (home, us-east-1) has its Config read too.
    assert!(snap.config.contains_key("us-east-1"));
    assert!(snap.buckets.contains_key(B_TRAIL));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn unknown_or_foreign_partition_regions_are_refused() {
    let moto = Moto::start();
    let aws = aws_for(&moto).await;
    for bad in ["cn-north-1", "us-gov-west-1", "xx-nowhere-1"] {
        let err = collect(&aws, &opts(Some(&[bad])), &|_: &str| {})
            .await
            .expect_err(bad);
        match &err {
            CollectError::UnknownRegion(r, enabled) => {
                assert_eq!(r, bad);
                assert!(enabled.contains("us-east-1") && !enabled.contains("cn-"));
            }
            other => panic!("{bad}: {other}"),
        }
    }
    let enabled = remediate::collect::enabled_regions(&aws, "aws")
        .await
        .unwrap();
    assert!(
        enabled
            .iter()
            .all(|r| !r.starts_with("cn-") && !r.starts_with("us-gov-"))
    );
    let cn = remediate::collect::enabled_regions(&aws, "aws-cn")
        .await
        .unwrap();
    assert!(cn.iter().all(|r| r.starts_with("cn-")), "{cn:?}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn unreachable_endpoint_is_an_identity_error() {
    let port = TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let aws = common::product_aws(&format!("http://127.0.0.1:{port}"), 1).await;
    let err = collect(&aws, &opts(None), &|_: &str| {})
        .await
        .expect_err("no server");
    eprintln!("{err}");
    assert!(matches!(err, CollectError::Identity(_)), "{err}");
    assert!(!err.to_string().contains('\n'), "one line");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_moto_region_scans_without_errors() {
    let moto = Moto::start();
    let aws = aws_for(&moto).await;
    let t0 = Instant::now();
    let (snap, done) = run(&aws, &opts(None)).await;
    let took = t0.elapsed();
    eprintln!(
        "all regions: {} regions, {} calls in {took:?}",
        snap.regions.len(),
        aws.calls.total()
    );
    assert!(snap.read_errors.is_empty(), "{:?}", snap.read_errors);
    assert_eq!(done.len(), snap.regions.len());
    assert!(snap.regions.len() > 10);
    assert!(
        snap.regions
            .iter()
            .all(|r| !r.starts_with("cn-") && !r.starts_with("us-gov-"))
    );
    // Every region has its default VPC and its Config entry.
    assert_eq!(snap.vpcs.len(), snap.regions.len());
    assert_eq!(snap.config.len(), snap.regions.len());
    // Per region: 1 trails + 3 config + 2 kms + 2 ec2 + 2 logs; plus 2 + 1 + 3 global.
    let n = snap.regions.len() as u64;
    assert_eq!(aws.calls.total(), 2 + 10 * n + 1 + 3);
}

/// One raw HTTP POST to the moto server; returns the status line.
fn moto_post(moto: &Moto, path: &str, body: &str) -> String {
    use std::io::{Read, Write};
    let port: u16 = moto.url.rsplit(':').next().unwrap().parse().unwrap();
    let mut s = TcpStream::connect(("127.0.0.1", port)).expect("connect");
    write!(
        s,
        "POST {path} HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: text/plain\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}",
        body.len()
    )
    .unwrap();
    let mut out = String::new();
    let _ = s.read_to_string(&mut out);
    out.lines().next().unwrap_or_default().to_string()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn denied_calls_become_read_errors_and_the_rest_is_read() {
    let moto = Moto::start();
    let seeder = aws_for(&moto).await;
    bucket(&seeder, "us-east-1", B_TRAIL).await;
    let_cloudtrail_write(&moto, "us-east-1", B_TRAIL, "multi").await;
    seeder
        .cloudtrail("us-east-1")
        .create_trail()
        .name("multi")
        .s3_bucket_name(B_TRAIL)
        .is_multi_region_trail(true)
        .send()
        .await
        .expect("trail");
    key(&seeder, "eu-west-1", None).await;
    // An auditor allowed everything but KMS and bucket policies.
    let iam = seeder.iam("us-east-1");
    iam.create_user()
        .user_name("auditor")
        .send()
        .await
        .expect("user");
    let policy = json!({"Version": "2012-10-17", "Statement": [
        {"Effect": "Allow", "Action": "*", "Resource": "*"},
        {"Effect": "Deny", "Action": ["kms:*", "s3:GetBucketPolicy"], "Resource": "*"}]});
    iam.put_user_policy()
        .user_name("auditor")
        .policy_name("audit")
        .policy_document(policy.to_string())
        .send()
        .await
        .expect("user policy");
    let key = iam
        .create_access_key()
        .user_name("auditor")
        .send()
        .await
        .expect("access key");
    let key = key.access_key().unwrap();
    let status = moto_post(&moto, "/moto-api/reset-auth", "0");
    assert!(status.contains("200"), "{status}");

    let config = aws_config::defaults(aws_config::BehaviorVersion::latest())
        .region(aws_config::Region::new("us-east-1"))
        .endpoint_url(&moto.url)
        .credentials_provider(aws_sdk_sts::config::Credentials::new(
            key.access_key_id(),
            key.secret_access_key(),
            None,
            None,
            "auditor",
        ))
        .retry_config(aws_config::retry::RetryConfig::standard().with_max_attempts(1))
        .load()
        .await;
    let aws = Aws {
        config,
        endpoint_url: Some(moto.url.clone()),
        calls: Default::default(),
    };
    let (snap, done) = run(&aws, &opts(Some(&["eu-west-1", "us-east-1"]))).await;
    eprintln!("{:#?}", snap.read_errors);
    assert_eq!(done.len(), 2);
    use remediate::snapshot::{ErrorKind, Service};
    for region in ["eu-west-1", "us-east-1"] {
        let e = snap.read_failed(region, Service::Kms).expect("kms denied");
        assert_eq!(e.kind, ErrorKind::Denied, "{e:?}");
        assert!(snap.read_failed(region, Service::Cloudtrail).is_none());
        assert!(snap.read_failed(region, Service::Ec2).is_none());
        assert!(snap.config.contains_key(region));
    }
    assert!(snap.keys.is_empty());
    let e = snap
        .read_errors
        .iter()
        .find(|e| e.operation == "GetBucketPolicy")
        .expect("bucket policy denied");
    assert_eq!(
        (e.kind, e.region.as_str()),
        (ErrorKind::Denied, "us-east-1")
    );
    assert!(e.message.contains(B_TRAIL), "{}", e.message);
    let b = &snap.buckets[B_TRAIL];
    assert!(b.acl.is_some(), "the other bucket reads went on");
    assert_eq!(snap.trails.len(), 1);
    assert_eq!(snap.vpcs.len(), 2);
    let mut sorted = snap.read_errors.clone();
    sorted.sort_by(|a, b| {
        (&a.region, a.service, &a.operation).cmp(&(&b.region, b.service, &b.operation))
    });
    assert_eq!(sorted, snap.read_errors, "sorted");
}
