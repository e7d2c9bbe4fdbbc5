//! The executor against the emulator: every op applies, reads back and
//! converges on a rerun (no second trail, key or flow log); dependents of a
//! failure are skipped; the journal holds each prior value; undo puts back
//! what was changed and removes only what the run made.
//!
//! Actions are built by hand here (the planner has its own tests); the
//! emulator's state is asserted with plain SDK reads.

use crate::common;

use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use crate::common::fixtures;
use crate::common::{ACCOUNT, Clients, Moto};
use aws_config::SdkConfig;
use aws_sdk_s3::primitives::ByteStream;
use remediate::actions::Left;
use remediate::actions::{
    CreateBucket, CreateFlowLogs, CreateKey, CreateLogGroup, CreateRole, CreateServiceLinkedRole,
    CreateTrail, PutBucketAcl, PutBucketPolicy, PutConfigurationRecorder, PutDeliveryChannel,
    PutEventSelectors, PutKeyPolicy, PutPublicAccessBlock, SetBucketLogging, SetKeyRotation,
    SetLogging, SetRecording, UpdateTrail,
};
use remediate::aws::Aws;
use remediate::execute::{
    ExecEvent, ExecOptions, ExecReport, Outcome, Phase, execute, plan_undo, read_journal,
};
use remediate::plan::{Action, Op, Safety};
use remediate::snapshot::{BucketLogging, Grant, PublicAccessBlock};
use serde_json::{Value, json};

const US: &str = "us-east-1";
const EU: &str = "eu-west-1";

// ---------------------------------------------------------------------------
// Harness
// ---------------------------------------------------------------------------

struct Env {
    moto: Moto,
    aws: Aws,
    cfg: SdkConfig,
}

impl Env {
    async fn start() -> Env {
        let moto = Moto::start();
        let aws = common::product_aws(&moto.url, 2).await;
        let cfg = moto.sdk_config().await;
        Env { moto, aws, cfg }
    }

    fn c(&self, region: &str) -> Clients {
        Clients::new(&self.cfg, region)
    }

    fn opts(&self, journal: &str) -> ExecOptions {
        ExecOptions {
            concurrency: 4,
            journal_path: self.moto.dir().join(journal),
            account_id: ACCOUNT.into(),
            partition: "aws".into(),
            retry_base_delay: Duration::from_millis(10),
            ..Default::default()
        }
    }

    async fn run(&self, actions: &[Action], opts: &ExecOptions) -> ExecReport {
        execute(&self.aws, actions, opts, &|_| {})
            .await
            .expect("execute runs")
    }

    /// Runs and asserts every action was applied.
    async fn apply(&self, actions: &[Action], journal: &str) -> ExecReport {
        let report = self.run(actions, &self.opts(journal)).await;
        assert_all_applied(&report);
        report
    }

    fn calls(&self, service: &str, op: &str) -> u64 {
        self.aws
            .calls
            .snapshot()
            .get(service)
            .and_then(|m| m.get(op))
            .copied()
            .unwrap_or(0)
    }
}

fn act(id: &str, region: &str, op: Op, deps: &[&str]) -> Action {
    Action {
        id: id.into(),
        region: region.into(),
        target: id.into(),
        change: op.change(),
        op,
        before: Value::Null,
        after: Value::Null,
        fixes: vec![],
        controls: vec![],
        reason: "test".into(),
        safety: Safety::NeedsReview,
        depends_on: deps.iter().map(|d| d.to_string()).collect(),
        observed: vec![],
        guard: Default::default(),
    }
}

fn assert_all_applied(report: &ExecReport) {
    let bad: Vec<_> = report
        .results
        .iter()
        .filter(|r| !r.outcome.is_applied())
        .collect();
    assert!(bad.is_empty(), "not applied: {bad:#?}");
    assert!(report.ok());
}

/// Every undo action was applied except the kept bucket with objects.
fn assert_all_but_full_reverted(report: &ExecReport) {
    let bad: Vec<_> = report
        .results
        .iter()
        .filter(|r| r.id != "undo:full" && !r.outcome.is_applied())
        .collect();
    assert!(bad.is_empty(), "not reverted: {bad:#?}");
}

fn detail<'a>(report: &'a ExecReport, id: &str) -> &'a str {
    match &report.results.iter().find(|r| r.id == id).unwrap().outcome {
        Outcome::Applied { detail } => detail,
        other => panic!("{id}: {other:?}"),
    }
}

fn outcome<'a>(report: &'a ExecReport, id: &str) -> &'a Outcome {
    &report.results.iter().find(|r| r.id == id).unwrap().outcome
}

fn arn_role(name: &str) -> String {
    format!("arn:aws:iam::{ACCOUNT}:role/{name}")
}

fn log_group_arn(region: &str, name: &str) -> String {
    format!("arn:aws:logs:{region}:{ACCOUNT}:log-group:{name}:*")
}

/// CloudTrail's statements for `trails` (name, key prefix) writing to
/// `bucket`: AWS checks them at CreateTrail.
fn trail_bucket_policy(bucket: &str, trails: &[(&str, Option<&str>)]) -> Value {
    let sources: Vec<String> = trails
        .iter()
        .map(|(t, _)| format!("arn:aws:cloudtrail:{US}:{ACCOUNT}:trail/{t}"))
        .collect();
    let objects: Vec<String> = trails
        .iter()
        .map(|(_, prefix)| {
            let under = prefix.map(|x| format!("{x}/")).unwrap_or_default();
            format!("arn:aws:s3:::{bucket}/{under}AWSLogs/{ACCOUNT}/*")
        })
        .collect();
    json!({"Version": "2012-10-17", "Statement": [
        {"Sid": "AWSCloudTrailAclCheck20150319", "Effect": "Allow",
         "Principal": {"Service": "cloudtrail.amazonaws.com"}, "Action": "s3:GetBucketAcl",
         "Resource": format!("arn:aws:s3:::{bucket}"),
         "Condition": {"StringEquals": {"aws:SourceArn": sources}}},
        {"Sid": "AWSCloudTrailWrite20150319", "Effect": "Allow",
         "Principal": {"Service": "cloudtrail.amazonaws.com"}, "Action": "s3:PutObject",
         "Resource": objects,
         "Condition": {"StringEquals": {"aws:SourceArn": sources,
                                        "s3:x-amz-acl": "bucket-owner-full-control"}}}
    ]})
}

/// Puts `policy` on `bucket` directly (a state found, not an action).
async fn put_policy(c: &Clients, bucket: &str, policy: &Value) {
    c.s3.put_bucket_policy()
        .bucket(bucket)
        .policy(policy.to_string())
        .send()
        .await
        .unwrap_or_else(|e| panic!("put the policy of {bucket}: {e:?}"));
}

fn access_log_policy(target: &str, source: &str) -> Value {
    json!({"Version": "2012-10-17", "Statement": [
        {"Sid": format!("S3ServerAccessLogs-{source}"), "Effect": "Allow",
         "Principal": {"Service": "logging.s3.amazonaws.com"}, "Action": "s3:PutObject",
         "Resource": format!("arn:aws:s3:::{target}/{source}/*"),
         "Condition": {"ArnLike": {"aws:SourceArn": format!("arn:aws:s3:::{source}")},
                       "StringEquals": {"aws:SourceAccount": ACCOUNT}}}
    ]})
}

fn role_policy(actions: &[&str]) -> Value {
    json!({"Version": "2012-10-17", "Statement": [
        {"Effect": "Allow", "Action": actions, "Resource": "*"}
    ]})
}

async fn bucket_policy(c: &Clients, bucket: &str) -> Option<Value> {
    match c.s3.get_bucket_policy().bucket(bucket).send().await {
        Ok(out) => Some(serde_json::from_str(out.policy().unwrap()).unwrap()),
        Err(_) => None,
    }
}

async fn bucket_exists(c: &Clients, bucket: &str) -> bool {
    c.s3.head_bucket().bucket(bucket).send().await.is_ok()
}

async fn log_group_exists(c: &Clients, name: &str) -> bool {
    c.logs
        .describe_log_groups()
        .log_group_name_prefix(name)
        .send()
        .await
        .unwrap()
        .log_groups()
        .iter()
        .any(|g| g.log_group_name() == Some(name))
}

async fn flow_logs_of(c: &Clients, vpc: &str) -> Vec<String> {
    c.ec2
        .describe_flow_logs()
        .filter(
            aws_sdk_ec2::types::Filter::builder()
                .name("resource-id")
                .values(vpc)
                .build(),
        )
        .send()
        .await
        .unwrap()
        .flow_logs()
        .iter()
        .filter_map(|f| f.flow_log_id().map(str::to_string))
        .collect()
}

// ---------------------------------------------------------------------------
// Ops apply, read back and converge
// ---------------------------------------------------------------------------

#[tokio::test]
async fn s3_ops_apply_read_back_and_converge_on_rerun() {
    let env = Env::start().await;
    let c = env.c(US);
    let src = "trail-src-bucket";
    fixtures::create_bucket(&env.cfg, US, src).await.unwrap();
    fixtures::make_acl_public(&env.cfg, US, src).await.unwrap();
    let acl = c.s3.get_bucket_acl().bucket(src).send().await.unwrap();
    let owner_id = acl.owner().unwrap().id().unwrap().to_string();
    let private: Vec<Grant> = vec![Grant {
        grantee_type: "CanonicalUser".into(),
        id: Some(owner_id.clone()),
        permission: "FULL_CONTROL".into(),
        ..Default::default()
    }];
    let logs_bucket = "remediate-access-logs";
    let eu_bucket = "remediate-logs-eu";
    let src_policy = trail_bucket_policy(src, &[("main", None)]);
    let actions = vec![
        act(
            "eu",
            EU,
            Op::CreateBucket(CreateBucket {
                bucket: eu_bucket.into(),
            }),
            &[],
        ),
        act(
            "logs",
            US,
            Op::CreateBucket(CreateBucket {
                bucket: logs_bucket.into(),
            }),
            &[],
        ),
        act(
            "logs-policy",
            US,
            Op::PutBucketPolicy(PutBucketPolicy {
                bucket: logs_bucket.into(),
                policy: access_log_policy(logs_bucket, src),
            }),
            &["logs"],
        ),
        act(
            "acl",
            US,
            Op::PutBucketAcl(PutBucketAcl {
                bucket: src.into(),
                owner_id: owner_id.clone(),
                owner_display_name: None,
                grants: private.clone(),
            }),
            &[],
        ),
        act(
            "policy",
            US,
            Op::PutBucketPolicy(PutBucketPolicy {
                bucket: src.into(),
                policy: src_policy.clone(),
            }),
            &[],
        ),
        act(
            "pab",
            US,
            Op::PutPublicAccessBlock(PutPublicAccessBlock {
                bucket: src.into(),
                config: PublicAccessBlock::all(),
            }),
            &["acl", "policy"],
        ),
        act(
            "logging",
            US,
            Op::SetBucketLogging(SetBucketLogging {
                bucket: src.into(),
                logging: Some(BucketLogging {
                    target_bucket: logs_bucket.into(),
                    target_prefix: format!("{src}/"),
                }),
            }),
            &["logs-policy"],
        ),
    ];
    let first = env.apply(&actions, "j1.jsonl").await;
    assert!(
        detail(&first, "eu").starts_with("created bucket"),
        "{first:?}"
    );
    let second = env.apply(&actions, "j2.jsonl").await;
    assert!(
        detail(&second, "eu").contains("already exists"),
        "{second:?}"
    );
    assert!(detail(&second, "logs").contains("already exists"));
    assert_eq!(
        env.calls("s3", "CreateBucket"),
        2,
        "a rerun makes no bucket"
    );

    // A bucket outside us-east-1 got its LocationConstraint; us-east-1 none.
    let loc = env
        .c(EU)
        .s3
        .get_bucket_location()
        .bucket(eu_bucket)
        .send()
        .await
        .unwrap();
    assert_eq!(loc.location_constraint().map(|l| l.as_str()), Some(EU));
    let loc =
        c.s3.get_bucket_location()
            .bucket(logs_bucket)
            .send()
            .await
            .unwrap();
    assert!(
        loc.location_constraint()
            .is_none_or(|l| l.as_str().is_empty())
    );

    let acl = c.s3.get_bucket_acl().bucket(src).send().await.unwrap();
    assert!(
        acl.grants()
            .iter()
            .all(|g| g.grantee().and_then(|g| g.uri()).is_none()),
        "public grants are gone: {acl:?}"
    );
    assert_eq!(acl.grants().len(), 1);
    assert_eq!(bucket_policy(&c, src).await.unwrap(), src_policy);
    let pab =
        c.s3.get_public_access_block()
            .bucket(src)
            .send()
            .await
            .unwrap();
    let pab = pab.public_access_block_configuration().unwrap();
    assert_eq!(pab.block_public_acls(), Some(true));
    assert_eq!(pab.restrict_public_buckets(), Some(true));
    let logging = c.s3.get_bucket_logging().bucket(src).send().await.unwrap();
    let enabled = logging.logging_enabled().unwrap();
    assert_eq!(enabled.target_bucket(), logs_bucket);
    assert_eq!(enabled.target_prefix(), format!("{src}/"));
}

#[tokio::test]
async fn bucket_name_taken_by_another_account_fails_with_a_clear_message() {
    let env = Env::start().await;
    // moto isolates accounts by a request header.
    let other = aws_sdk_s3::Client::from_conf(
        aws_sdk_s3::config::Builder::from(&env.cfg)
            .force_path_style(true)
            .interceptor(OtherAccount)
            .build(),
    );
    other
        .create_bucket()
        .bucket("taken-name")
        .send()
        .await
        .unwrap();
    let actions = [act(
        "b",
        US,
        Op::CreateBucket(CreateBucket {
            bucket: "taken-name".into(),
        }),
        &[],
    )];
    let report = env.run(&actions, &env.opts("j.jsonl")).await;
    match outcome(&report, "b") {
        Outcome::Failed { code, message } => {
            assert_eq!(code, "BucketAlreadyExists");
            assert!(
                message.contains("taken-name") && message.contains("another"),
                "{message}"
            );
        }
        other => panic!("{other:?}"),
    }
    assert!(!report.ok());
}

use crate::common::OtherAccount;

#[tokio::test]
async fn kms_key_is_created_once_found_again_by_alias_and_rotated() {
    let env = Env::start().await;
    let c = env.c(US);
    let seeded = fixtures::symmetric_key(&env.cfg, US, "someone's key", false)
        .await
        .unwrap();
    let alias = "alias/remediate-cloudtrail";
    let policy = json!({"Version": "2012-10-17", "Statement": [
        {"Sid": "Enable IAM User Permissions", "Effect": "Allow",
         "Principal": {"AWS": format!("arn:aws:iam::{ACCOUNT}:root")}, "Action": "kms:*", "Resource": "*"}]});
    let mut widened = policy.clone();
    widened["Statement"].as_array_mut().unwrap().push(json!(
        {"Sid": "AllowCloudTrailEncrypt", "Effect": "Allow",
         "Principal": {"Service": "cloudtrail.amazonaws.com"}, "Action": "kms:GenerateDataKey*", "Resource": "*"}));
    let actions = vec![
        act(
            "key",
            US,
            Op::CreateKey(CreateKey {
                alias: alias.into(),
                description: "CloudTrail logs".into(),
                policy: policy.clone(),
            }),
            &[],
        ),
        act(
            "key-policy",
            US,
            Op::PutKeyPolicy(PutKeyPolicy {
                key_id: alias.into(),
                policy: widened.clone(),
            }),
            &["key"],
        ),
        act(
            "key-rotation",
            US,
            Op::SetKeyRotation(SetKeyRotation {
                key_id: alias.into(),
                enabled: true,
            }),
            &["key"],
        ),
        act(
            "seeded-rotation",
            US,
            Op::SetKeyRotation(SetKeyRotation {
                key_id: seeded.key_id.clone(),
                enabled: true,
            }),
            &[],
        ),
    ];
    env.apply(&actions, "j1.jsonl").await;
    let second = env.apply(&actions, "j2.jsonl").await;
    assert!(
        detail(&second, "key").contains("already exists"),
        "{second:?}"
    );
    assert_eq!(
        env.calls("kms", "CreateKey"),
        1,
        "a rerun makes no second key"
    );

    let keys = c.kms.list_keys().send().await.unwrap();
    assert_eq!(keys.keys().len(), 2, "the seeded key and ours");
    let aliases = c.kms.list_aliases().send().await.unwrap();
    let ours = aliases
        .aliases()
        .iter()
        .find(|a| a.alias_name() == Some(alias))
        .and_then(|a| a.target_key_id())
        .unwrap()
        .to_string();
    let meta = c.kms.describe_key().key_id(&ours).send().await.unwrap();
    assert_eq!(
        meta.key_metadata().unwrap().key_spec().unwrap().as_str(),
        "SYMMETRIC_DEFAULT"
    );
    let got = c
        .kms
        .get_key_policy()
        .key_id(&ours)
        .policy_name("default")
        .send()
        .await
        .unwrap();
    assert_eq!(
        serde_json::from_str::<Value>(got.policy().unwrap()).unwrap(),
        widened
    );
    for key in [&ours, &seeded.key_id] {
        let rot = c
            .kms
            .get_key_rotation_status()
            .key_id(key)
            .send()
            .await
            .unwrap();
        assert!(rot.key_rotation_enabled(), "rotation of {key}");
    }
}

#[tokio::test]
async fn trail_ops_create_or_repair_in_the_home_region_and_converge() {
    let env = Env::start().await;
    let c = env.c(US);
    let bucket = "trail-bucket";
    fixtures::create_bucket(&env.cfg, US, bucket).await.unwrap();
    let both = [("legacy", None), ("remediate", Some("ct"))];
    put_policy(&c, bucket, &trail_bucket_policy(bucket, &both)).await;
    // An existing single-region trail without validation, not logging.
    c.cloudtrail
        .create_trail()
        .name("legacy")
        .s3_bucket_name(bucket)
        .send()
        .await
        .unwrap();
    let key = fixtures::symmetric_key(&env.cfg, US, "trail key", true)
        .await
        .unwrap();
    fixtures::let_cloudtrail_encrypt(&env.cfg, US, &key.key_id, ACCOUNT)
        .await
        .unwrap();
    let group = "remediate-cloudtrail";
    let role = "remediate-cloudtrail-to-logs";
    let selectors = json!([{"ReadWriteType": "All", "IncludeManagementEvents": true,
        "ExcludeManagementEventSources": [],
        "DataResources": [{"Type": "AWS::S3::Object", "Values": [format!("arn:aws:s3:::{bucket}/")]}]}]);
    let actions = vec![
        act(
            "lg",
            US,
            Op::CreateLogGroup(CreateLogGroup {
                name: group.into(),
                retention_days: 365,
            }),
            &[],
        ),
        act(
            "role",
            US,
            Op::CreateRole(CreateRole {
                name: role.into(),
                trust_policy: fixtures::trust_policy("cloudtrail.amazonaws.com", None),
                policy_name: "cloudtrail-to-logs".into(),
                policy: role_policy(&["logs:CreateLogStream", "logs:PutLogEvents"]),
            }),
            &[],
        ),
        act(
            "trail",
            US,
            Op::CreateTrail(CreateTrail {
                name: "remediate".into(),
                bucket: bucket.into(),
                prefix: Some("ct".into()),
                kms_key_id: Some(key.arn.clone()),
                cloudwatch_log_group_arn: Some(log_group_arn(US, group)),
                cloudwatch_role_arn: Some(arn_role(role)),
                is_organization: false,
            }),
            &["lg", "role"],
        ),
        act(
            "selectors",
            US,
            Op::PutEventSelectors(PutEventSelectors {
                trail: "remediate".into(),
                selectors: selectors.clone(),
            }),
            &["trail"],
        ),
        act(
            "start",
            US,
            Op::SetLogging(SetLogging {
                trail: "remediate".into(),
                logging: true,
            }),
            &["trail"],
        ),
        act(
            "repair",
            US,
            Op::UpdateTrail(UpdateTrail {
                is_organization: None,
                name: "legacy".into(),
                is_multi_region: Some(true),
                include_global_service_events: None,
                log_file_validation: Some(true),
                kms_key_id: Some(key.key_id.clone()),
                cloudwatch_log_group_arn: None,
                cloudwatch_role_arn: None,
            }),
            &[],
        ),
        act(
            "legacy-start",
            US,
            Op::SetLogging(SetLogging {
                trail: "legacy".into(),
                logging: true,
            }),
            &["repair"],
        ),
    ];
    env.apply(&actions, "j1.jsonl").await;
    let second = env.apply(&actions, "j2.jsonl").await;
    assert!(
        detail(&second, "trail").contains("already exists"),
        "{second:?}"
    );
    assert!(detail(&second, "lg").contains("already exists"));
    assert!(detail(&second, "role").contains("left unchanged"));
    assert_eq!(
        env.calls("cloudtrail", "CreateTrail"),
        1,
        "a rerun makes no second trail"
    );
    assert_eq!(env.calls("iam", "CreateRole"), 1);

    let trails = c.cloudtrail.describe_trails().send().await.unwrap();
    assert_eq!(trails.trail_list().len(), 2);
    let t = c
        .cloudtrail
        .get_trail()
        .name("remediate")
        .send()
        .await
        .unwrap();
    let t = t.trail().unwrap();
    assert_eq!(t.is_multi_region_trail(), Some(true));
    assert_eq!(t.include_global_service_events(), Some(true));
    assert_eq!(t.log_file_validation_enabled(), Some(true));
    assert_eq!(t.s3_key_prefix(), Some("ct"));
    assert_eq!(
        t.cloud_watch_logs_log_group_arn(),
        Some(log_group_arn(US, group).as_str())
    );
    assert_eq!(t.cloud_watch_logs_role_arn(), Some(arn_role(role).as_str()));
    assert!(t.kms_key_id().is_some_and(|k| k.ends_with(&key.key_id)));
    let sel = c
        .cloudtrail
        .get_event_selectors()
        .trail_name("remediate")
        .send()
        .await
        .unwrap();
    let s = &sel.event_selectors()[0];
    assert_eq!(s.read_write_type().unwrap().as_str(), "All");
    assert_eq!(s.include_management_events(), Some(true));
    assert_eq!(
        s.data_resources()[0].values(),
        [format!("arn:aws:s3:::{bucket}/")]
    );
    for name in ["remediate", "legacy"] {
        let st = c
            .cloudtrail
            .get_trail_status()
            .name(name)
            .send()
            .await
            .unwrap();
        assert_eq!(st.is_logging(), Some(true), "{name} logs");
    }
    let legacy = c
        .cloudtrail
        .get_trail()
        .name("legacy")
        .send()
        .await
        .unwrap();
    let legacy = legacy.trail().unwrap();
    assert_eq!(legacy.is_multi_region_trail(), Some(true));
    assert_eq!(legacy.log_file_validation_enabled(), Some(true));
    assert_eq!(
        legacy.s3_bucket_name(),
        Some(bucket),
        "settings not asked for are kept"
    );

    let groups = c
        .logs
        .describe_log_groups()
        .log_group_name_prefix(group)
        .send()
        .await
        .unwrap();
    assert_eq!(groups.log_groups()[0].retention_in_days(), Some(365));
    let inline = c
        .iam
        .get_role_policy()
        .role_name(role)
        .policy_name("cloudtrail-to-logs")
        .send()
        .await;
    assert!(inline.is_ok(), "the role has its inline policy");
}

#[tokio::test]
async fn config_ops_record_all_resources_deliver_and_converge() {
    let env = Env::start().await;
    let c = env.c(US);
    let bucket = "config-bucket";
    let slr = format!(
        "arn:aws:iam::{ACCOUNT}:role/aws-service-role/config.amazonaws.com/AWSServiceRoleForConfig"
    );
    let actions = vec![
        act(
            "slr",
            US,
            Op::CreateServiceLinkedRole(CreateServiceLinkedRole {
                service: "config.amazonaws.com".into(),
            }),
            &[],
        ),
        act(
            "bucket",
            US,
            Op::CreateBucket(CreateBucket {
                bucket: bucket.into(),
            }),
            &[],
        ),
        act(
            "bucket-policy",
            US,
            Op::PutBucketPolicy(PutBucketPolicy {
                bucket: bucket.into(),
                policy: json!({"Version": "2012-10-17",
                    "Statement": fixtures::config_bucket_statements(bucket, ACCOUNT, "aws", Some("config"))}),
            }),
            &["bucket"],
        ),
        act(
            "recorder",
            US,
            Op::PutConfigurationRecorder(PutConfigurationRecorder::all_supported(
                "default".into(),
                slr.clone(),
                true,
            )),
            &["slr"],
        ),
        act(
            "channel",
            US,
            Op::PutDeliveryChannel(PutDeliveryChannel {
                name: "default".into(),
                bucket: bucket.into(),
                prefix: Some("config".into()),
            }),
            &["recorder", "bucket-policy"],
        ),
        act(
            "start",
            US,
            Op::SetRecording(SetRecording {
                name: "default".into(),
                recording: true,
            }),
            &["channel"],
        ),
    ];
    env.apply(&actions, "j1.jsonl").await;
    let second = env.apply(&actions, "j2.jsonl").await;
    assert!(
        detail(&second, "slr").contains("already exists"),
        "{second:?}"
    );
    assert_eq!(env.calls("iam", "CreateServiceLinkedRole"), 1);

    let rec = c
        .config
        .describe_configuration_recorders()
        .send()
        .await
        .unwrap();
    assert_eq!(rec.configuration_recorders().len(), 1);
    let r = &rec.configuration_recorders()[0];
    assert_eq!(r.role_arn(), Some(slr.as_str()));
    let g = r.recording_group().unwrap();
    assert!(g.all_supported() && g.include_global_resource_types());
    let st = c
        .config
        .describe_configuration_recorder_status()
        .send()
        .await
        .unwrap();
    assert!(st.configuration_recorders_status()[0].recording());
    let ch = c.config.describe_delivery_channels().send().await.unwrap();
    assert_eq!(ch.delivery_channels().len(), 1);
    assert_eq!(ch.delivery_channels()[0].s3_bucket_name(), Some(bucket));
    assert_eq!(ch.delivery_channels()[0].s3_key_prefix(), Some("config"));
}

#[tokio::test]
async fn flow_logs_are_made_once_per_vpc_and_never_twice() {
    let env = Env::start().await;
    let c = env.c(US);
    let covered = fixtures::default_vpc(&env.cfg, US).await.unwrap();
    let existing = fixtures::flow_log_failing_delivery(&env.cfg, US, &covered)
        .await
        .unwrap();
    let bare = fixtures::vpc_without_flow_log(&env.cfg, US, "10.20.0.0/16", "bare")
        .await
        .unwrap();
    let eu_vpc = fixtures::default_vpc(&env.cfg, EU).await.unwrap();
    let group = "remediate-flow-logs";
    let actions = vec![
        act(
            "lg",
            US,
            Op::CreateLogGroup(CreateLogGroup {
                name: group.into(),
                retention_days: 365,
            }),
            &[],
        ),
        act(
            "role",
            US,
            Op::CreateRole(CreateRole {
                name: "remediate-flow-logs".into(),
                trust_policy: fixtures::trust_policy("vpc-flow-logs.amazonaws.com", None),
                policy_name: "flow-logs".into(),
                policy: role_policy(&["logs:CreateLogStream", "logs:PutLogEvents"]),
            }),
            &[],
        ),
        act(
            "fl",
            US,
            Op::CreateFlowLogs(CreateFlowLogs {
                vpc_ids: vec![covered.clone(), bare.clone()],
                traffic_type: "REJECT".into(),
                destination_type: "cloud-watch-logs".into(),
                destination: group.into(),
                role_arn: Some(arn_role("remediate-flow-logs")),
            }),
            &["lg", "role"],
        ),
        act(
            "eu-bucket",
            EU,
            Op::CreateBucket(CreateBucket {
                bucket: "flow-logs-eu".into(),
            }),
            &[],
        ),
        act(
            "fl-eu",
            EU,
            Op::CreateFlowLogs(CreateFlowLogs {
                vpc_ids: vec![eu_vpc.clone()],
                traffic_type: "ALL".into(),
                destination_type: "s3".into(),
                destination: "arn:aws:s3:::flow-logs-eu".into(),
                role_arn: None,
            }),
            &["eu-bucket"],
        ),
    ];
    let first = env.apply(&actions, "j1.jsonl").await;
    assert!(
        detail(&first, "fl").contains("created 1 flow log"),
        "{first:?}"
    );
    let second = env.apply(&actions, "j2.jsonl").await;
    assert!(
        detail(&second, "fl").contains("already have an active flow log"),
        "{second:?}"
    );
    assert!(detail(&second, "fl-eu").contains("already have an active flow log"));

    assert_eq!(
        flow_logs_of(&c, &covered).await,
        [existing],
        "the covered VPC got no second flow log"
    );
    assert_eq!(flow_logs_of(&c, &bare).await.len(), 1);
    let eu = env.c(EU);
    assert_eq!(flow_logs_of(&eu, &eu_vpc).await.len(), 1);
    let fl = c
        .ec2
        .describe_flow_logs()
        .filter(
            aws_sdk_ec2::types::Filter::builder()
                .name("resource-id")
                .values(&bare)
                .build(),
        )
        .send()
        .await
        .unwrap();
    let fl = &fl.flow_logs()[0];
    assert_eq!(fl.traffic_type().unwrap().as_str(), "REJECT");
    assert_eq!(fl.log_group_name(), Some(group));
    assert_eq!(
        fl.deliver_logs_permission_arn(),
        Some(arn_role("remediate-flow-logs").as_str())
    );
}

// ---------------------------------------------------------------------------
// Ordering, skipping, concurrency
// ---------------------------------------------------------------------------

#[tokio::test]
async fn a_failed_action_skips_its_dependents_and_independent_ones_still_run() {
    let env = Env::start().await;
    let actions = vec![
        act(
            "trail",
            US,
            Op::CreateTrail(CreateTrail {
                name: "orphan".into(),
                bucket: "no-such-bucket".into(),
                prefix: None,
                kms_key_id: None,
                cloudwatch_log_group_arn: None,
                cloudwatch_role_arn: None,
                is_organization: false,
            }),
            &[],
        ),
        act(
            "start",
            US,
            Op::SetLogging(SetLogging {
                trail: "orphan".into(),
                logging: true,
            }),
            &["trail"],
        ),
        act(
            "selectors",
            US,
            Op::PutEventSelectors(PutEventSelectors {
                trail: "orphan".into(),
                selectors: json!([{"ReadWriteType": "All"}]),
            }),
            &["start"],
        ),
        act(
            "lg",
            US,
            Op::CreateLogGroup(CreateLogGroup {
                name: "independent".into(),
                retention_days: 30,
            }),
            &[],
        ),
        act(
            "user-skip",
            US,
            Op::CreateLogGroup(CreateLogGroup {
                name: "skipped".into(),
                retention_days: 30,
            }),
            &[],
        ),
        act(
            "after-user-skip",
            US,
            Op::CreateLogGroup(CreateLogGroup {
                name: "after".into(),
                retention_days: 30,
            }),
            &["user-skip"],
        ),
    ];
    let mut opts = env.opts("j.jsonl");
    opts.skip.insert("user-skip".into(), "not now".into());
    let events = Mutex::new(vec![]);
    let report = execute(&env.aws, &actions, &opts, &|e| {
        events.lock().unwrap().push(match e {
            ExecEvent::Started(a) => format!("start {}", a.id),
            ExecEvent::Finished(a, _) => format!("end {}", a.id),
        })
    })
    .await
    .unwrap();

    let ids: Vec<&str> = report.results.iter().map(|r| r.id.as_str()).collect();
    assert_eq!(
        ids,
        [
            "trail",
            "start",
            "selectors",
            "lg",
            "user-skip",
            "after-user-skip"
        ],
        "plan order"
    );
    assert!(
        matches!(outcome(&report, "trail"), Outcome::Failed { .. }),
        "{report:?}"
    );
    assert_eq!(
        outcome(&report, "start"),
        &Outcome::Skipped {
            reason: "depends on trail which failed".into()
        }
    );
    assert_eq!(
        outcome(&report, "selectors"),
        &Outcome::Skipped {
            reason: "depends on start which was skipped".into()
        }
    );
    assert!(outcome(&report, "lg").is_applied());
    assert_eq!(
        outcome(&report, "user-skip"),
        &Outcome::Skipped {
            reason: "skipped by the user: not now".into()
        }
    );
    assert!(matches!(
        outcome(&report, "after-user-skip"),
        Outcome::Skipped { .. }
    ));
    assert_eq!(
        (report.applied(), report.failed(), report.skipped()),
        (1, 1, 4)
    );
    assert!(!report.ok());
    let events = events.into_inner().unwrap();
    assert_eq!(events.iter().filter(|e| e.starts_with("end")).count(), 6);
    assert_eq!(events.iter().filter(|e| e.starts_with("start")).count(), 2);
    assert!(!log_group_exists(&env.c(US), "skipped").await);

    // The journal says why: a failed entry for the trail, skipped ones after.
    let journal = read_journal(&opts.journal_path).unwrap();
    let trail: Vec<&Phase> = journal
        .iter()
        .filter(|e| e.action_id == "trail")
        .map(|e| &e.phase)
        .collect();
    assert!(
        matches!(trail[..], [Phase::Before { .. }, Phase::Failed { .. }]),
        "{trail:?}"
    );
    assert!(
        journal
            .iter()
            .any(|e| e.action_id == "start" && matches!(e.phase, Phase::Skipped { .. }))
    );

    // Cancelled before the start: nothing runs, the report says so.
    let opts = ExecOptions {
        cancel: Arc::new(AtomicBool::new(true)),
        ..env.opts("cancelled.jsonl")
    };
    let report = env.run(&actions[3..4], &opts).await;
    assert!(report.interrupted && !report.ok());
    assert!(
        matches!(&report.results[0].outcome, Outcome::Skipped { reason } if reason.contains("cancelled"))
    );
}

#[tokio::test]
async fn independent_actions_run_concurrently_up_to_the_limit() {
    let env = Env::start().await;
    let actions: Vec<Action> = (0..6)
        .map(|i| {
            act(
                &format!("lg{i}"),
                US,
                Op::CreateLogGroup(CreateLogGroup {
                    name: format!("group-{i}"),
                    retention_days: 7,
                }),
                &[],
            )
        })
        .collect();
    let in_flight = AtomicUsize::new(0);
    let peak = AtomicUsize::new(0);
    let opts = ExecOptions {
        concurrency: 2,
        ..env.opts("j.jsonl")
    };
    let report = execute(&env.aws, &actions, &opts, &|e| match e {
        ExecEvent::Started(_) => {
            let n = in_flight.fetch_add(1, Ordering::SeqCst) + 1;
            peak.fetch_max(n, Ordering::SeqCst);
        }
        ExecEvent::Finished(..) => {
            in_flight.fetch_sub(1, Ordering::SeqCst);
        }
    })
    .await
    .unwrap();
    assert_all_applied(&report);
    assert_eq!(peak.load(Ordering::SeqCst), 2);
    let ids: Vec<String> = report.results.iter().map(|r| r.id.clone()).collect();
    assert_eq!(ids, (0..6).map(|i| format!("lg{i}")).collect::<Vec<_>>());
}

// ---------------------------------------------------------------------------
// Journal and undo
// ---------------------------------------------------------------------------

#[tokio::test]
async fn journal_records_the_live_prior_value_and_the_read_back() {
    let env = Env::start().await;
    let c = env.c(US);
    let bucket = "journaled";
    fixtures::create_bucket(&env.cfg, US, bucket).await.unwrap();
    let p0 = json!({"Version": "2012-10-17", "Statement": [{"Sid": "DenyInsecure", "Effect": "Deny",
        "Principal": "*", "Action": "s3:*", "Resource": format!("arn:aws:s3:::{bucket}/*"),
        "Condition": {"Bool": {"aws:SecureTransport": "false"}}}]});
    put_policy(&c, bucket, &p0).await;
    let p1 = trail_bucket_policy(bucket, &[("main", None)]);
    let actions = [
        act(
            "policy",
            US,
            Op::PutBucketPolicy(PutBucketPolicy {
                bucket: bucket.into(),
                policy: p1.clone(),
            }),
            &[],
        ),
        act(
            "lg",
            US,
            Op::CreateLogGroup(CreateLogGroup {
                name: "new".into(),
                retention_days: 400,
            }),
            &["policy"],
        ),
    ];
    let opts = env.opts("journal.jsonl");
    env.apply(&actions, "journal.jsonl").await;
    let entries = read_journal(&opts.journal_path).unwrap();
    let seqs: Vec<u64> = entries.iter().map(|e| e.seq).collect();
    assert_eq!(seqs, (1..=seqs.len() as u64).collect::<Vec<_>>());
    let policy: Vec<&Phase> = entries
        .iter()
        .filter(|e| e.action_id == "policy")
        .map(|e| &e.phase)
        .collect();
    assert_eq!(policy[0], &Phase::Before { prior: p0 });
    assert_eq!(policy[1], &Phase::After { result: p1 });
    let lg: Vec<&Phase> = entries
        .iter()
        .filter(|e| e.action_id == "lg")
        .map(|e| &e.phase)
        .collect();
    assert_eq!(
        lg[0],
        &Phase::Before { prior: Value::Null },
        "null = did not exist"
    );
    assert!(
        matches!(lg.last().unwrap(), Phase::After { result } if result["created"] == true && result["retention_days"] == 400)
    );
    let first = &entries[0];
    assert_eq!(
        (first.region.as_str(), first.op.name()),
        (US, "put_bucket_policy")
    );
    let text = std::fs::read_to_string(&opts.journal_path).unwrap();
    assert!(!text.contains("testing"), "no credentials in the journal");
    assert!(
        text.lines()
            .all(|l| serde_json::from_str::<Value>(l).is_ok()),
        "one JSON value a line"
    );
}

#[tokio::test]
async fn undo_restores_what_was_changed_and_removes_only_what_the_run_created() {
    let env = Env::start().await;
    let c = env.c(US);
    // What was there before the run.
    let old = "existing-bucket";
    fixtures::create_bucket(&env.cfg, US, old).await.unwrap();
    // A bucket without Block Public Access (made before April 2023, or
    // turned off since), so that undo has one to remove.
    fixtures::open_to_public(&env.cfg, US, old).await.unwrap();
    let p0 = json!({"Version": "2012-10-17", "Statement": [{"Sid": "Keep", "Effect": "Allow",
        "Principal": {"AWS": format!("arn:aws:iam::{ACCOUNT}:root")}, "Action": "s3:GetObject",
        "Resource": format!("arn:aws:s3:::{old}/*")}]});
    put_policy(&c, old, &p0).await;
    fixtures::ensure_log_group(&c, "existing-group")
        .await
        .unwrap();
    let key = fixtures::symmetric_key(&env.cfg, US, "existing key", false)
        .await
        .unwrap();
    let vpc = fixtures::default_vpc(&env.cfg, US).await.unwrap();

    let new_bucket = "new-trail-bucket";
    let full_bucket = "new-bucket-with-objects";
    let alias = "alias/remediate-new";
    let actions = vec![
        act(
            "policy",
            US,
            Op::PutBucketPolicy(PutBucketPolicy {
                bucket: old.into(),
                policy: trail_bucket_policy(old, &[("t", None)]),
            }),
            &[],
        ),
        act(
            "pab",
            US,
            Op::PutPublicAccessBlock(PutPublicAccessBlock {
                bucket: old.into(),
                config: PublicAccessBlock::all(),
            }),
            &["policy"],
        ),
        act(
            "old-group",
            US,
            Op::CreateLogGroup(CreateLogGroup {
                name: "existing-group".into(),
                retention_days: 365,
            }),
            &[],
        ),
        act(
            "new-group",
            US,
            Op::CreateLogGroup(CreateLogGroup {
                name: "new-group".into(),
                retention_days: 365,
            }),
            &[],
        ),
        act(
            "role",
            US,
            Op::CreateRole(CreateRole {
                name: "new-role".into(),
                trust_policy: fixtures::trust_policy("vpc-flow-logs.amazonaws.com", None),
                policy_name: "p".into(),
                policy: role_policy(&["logs:PutLogEvents"]),
            }),
            &[],
        ),
        act(
            "flow",
            US,
            Op::CreateFlowLogs(CreateFlowLogs {
                vpc_ids: vec![vpc.clone()],
                traffic_type: "REJECT".into(),
                destination_type: "cloud-watch-logs".into(),
                destination: "new-group".into(),
                role_arn: Some(arn_role("new-role")),
            }),
            &["new-group", "role"],
        ),
        act(
            "key",
            US,
            Op::CreateKey(CreateKey {
                alias: alias.into(),
                description: "new".into(),
                policy: fixtures::cloudtrail_key_policy(
                    ACCOUNT,
                    "aws",
                    &[format!("arn:aws:cloudtrail:{US}:{ACCOUNT}:trail/new-trail")],
                ),
            }),
            &[],
        ),
        act(
            "rotation",
            US,
            Op::SetKeyRotation(SetKeyRotation {
                key_id: key.key_id.clone(),
                enabled: true,
            }),
            &[],
        ),
        act(
            "new-rotation",
            US,
            Op::SetKeyRotation(SetKeyRotation {
                key_id: alias.into(),
                enabled: true,
            }),
            &["key"],
        ),
        act(
            "bucket",
            US,
            Op::CreateBucket(CreateBucket {
                bucket: new_bucket.into(),
            }),
            &[],
        ),
        act(
            "bucket-policy",
            US,
            Op::PutBucketPolicy(PutBucketPolicy {
                bucket: new_bucket.into(),
                policy: trail_bucket_policy(new_bucket, &[("new-trail", None)]),
            }),
            &["bucket"],
        ),
        act(
            "trail",
            US,
            Op::CreateTrail(CreateTrail {
                name: "new-trail".into(),
                bucket: new_bucket.into(),
                prefix: None,
                kms_key_id: Some(alias.into()),
                cloudwatch_log_group_arn: None,
                cloudwatch_role_arn: None,
                is_organization: false,
            }),
            &["bucket-policy", "key"],
        ),
        act(
            "start",
            US,
            Op::SetLogging(SetLogging {
                trail: "new-trail".into(),
                logging: true,
            }),
            &["trail"],
        ),
        act(
            "full",
            US,
            Op::CreateBucket(CreateBucket {
                bucket: full_bucket.into(),
            }),
            &[],
        ),
    ];
    env.apply(&actions, "run.jsonl").await;
    c.s3.put_object()
        .bucket(full_bucket)
        .key("log.txt")
        .body(ByteStream::from_static(b"x"))
        .send()
        .await
        .unwrap();
    let created_key = c
        .kms
        .list_aliases()
        .send()
        .await
        .unwrap()
        .aliases()
        .iter()
        .find(|a| a.alias_name() == Some(alias))
        .and_then(|a| a.target_key_id())
        .unwrap()
        .to_string();

    let journal = read_journal(env.opts("run.jsonl").journal_path).unwrap();
    let undo = plan_undo(&journal);
    let ops: Vec<(&str, &str)> = undo.iter().map(|a| (a.id.as_str(), a.op.name())).collect();
    // Reverse journal order; nothing that existed is deleted; changes to the
    // new trail / key / bucket go away with them.
    assert!(
        !ops.iter().any(|(id, _)| *id == "undo:old-group"),
        "{ops:?}"
    );
    assert!(
        !ops.iter().any(|(id, _)| *id == "undo:start"
            || *id == "undo:new-rotation"
            || *id == "undo:bucket-policy"),
        "{ops:?}"
    );
    let pos = |id: &str| {
        ops.iter()
            .position(|(i, _)| *i == id)
            .unwrap_or_else(|| panic!("{id} in {ops:?}"))
    };
    assert!(pos("undo:trail") < pos("undo:bucket") && pos("undo:trail") < pos("undo:key"));
    assert!(pos("undo:flow") < pos("undo:new-group") && pos("undo:flow") < pos("undo:role"));
    let del_group = &undo[pos("undo:new-group")];
    assert!(
        del_group.depends_on.contains(&"undo:flow".to_string()),
        "{del_group:?}"
    );
    let restore = &undo[pos("undo:policy")];
    assert_eq!(restore.after, p0, "shows the policy it puts back");
    assert_eq!(
        restore.before,
        trail_bucket_policy(old, &[("t", None)]),
        "and the one it replaces"
    );

    let report = env.run(&undo, &env.opts("undo.jsonl")).await;
    assert!(
        matches!(outcome(&report, "undo:full"), Outcome::Left { why: Left::HoldsData, detail } if detail.contains("kept")),
        "{report:?}"
    );
    assert_all_but_full_reverted(&report);
    assert!(!report.ok(), "something was left: not ok");

    assert_eq!(
        bucket_policy(&c, old).await.unwrap(),
        p0,
        "policy restored JSON-equal"
    );
    assert!(
        c.s3.get_public_access_block()
            .bucket(old)
            .send()
            .await
            .is_err(),
        "PAB removed"
    );
    assert!(
        log_group_exists(&c, "existing-group").await,
        "existed before: kept"
    );
    assert!(!log_group_exists(&c, "new-group").await);
    assert!(c.iam.get_role().role_name("new-role").send().await.is_err());
    assert!(flow_logs_of(&c, &vpc).await.is_empty());
    assert!(
        c.cloudtrail
            .get_trail()
            .name("new-trail")
            .send()
            .await
            .is_err()
    );
    assert!(
        !bucket_exists(&c, new_bucket).await,
        "empty created bucket deleted"
    );
    assert!(
        bucket_exists(&c, full_bucket).await,
        "created bucket with objects kept"
    );
    assert!(bucket_exists(&c, old).await);
    let meta = c
        .kms
        .describe_key()
        .key_id(&created_key)
        .send()
        .await
        .unwrap();
    assert_eq!(
        meta.key_metadata().unwrap().key_state().unwrap().as_str(),
        "PendingDeletion"
    );
    let aliases = c.kms.list_aliases().send().await.unwrap();
    assert!(
        !aliases
            .aliases()
            .iter()
            .any(|a| a.alias_name() == Some(alias))
    );
    let rot = c
        .kms
        .get_key_rotation_status()
        .key_id(&key.key_id)
        .send()
        .await
        .unwrap();
    assert!(
        !rot.key_rotation_enabled(),
        "existing key's rotation back off"
    );
    let meta = c
        .kms
        .describe_key()
        .key_id(&key.key_id)
        .send()
        .await
        .unwrap();
    assert_eq!(
        meta.key_metadata().unwrap().key_state().unwrap().as_str(),
        "Enabled"
    );

    // Undo is itself journaled and idempotent: a second pass changes nothing.
    let again = env.run(&undo, &env.opts("undo2.jsonl")).await;
    assert_all_but_full_reverted(&again);
    assert!(
        detail(&again, "undo:trail").contains("already gone"),
        "{again:?}"
    );
    assert_eq!(bucket_policy(&c, old).await.unwrap(), p0);
}

#[tokio::test]
async fn undo_puts_a_repaired_trail_config_acl_and_logging_back_as_they_were() {
    let env = Env::start().await;
    let c = env.c(US);
    // Before: a public bucket without access logging, a single-region trail
    // with read-only selectors, not logging; a recorder of S3 buckets only.
    let src = "public-src";
    let tgt = "access-log-target";
    fixtures::create_bucket(&env.cfg, US, src).await.unwrap();
    fixtures::make_acl_public(&env.cfg, US, src).await.unwrap();
    fixtures::create_bucket(&env.cfg, US, tgt).await.unwrap();
    put_policy(&c, tgt, &access_log_policy(tgt, src)).await;
    let acl0 = c.s3.get_bucket_acl().bucket(src).send().await.unwrap();
    let owner_id = acl0.owner().unwrap().id().unwrap().to_string();
    put_policy(&c, src, &trail_bucket_policy(src, &[("legacy", None)])).await;
    c.cloudtrail
        .create_trail()
        .name("legacy")
        .s3_bucket_name(src)
        .send()
        .await
        .unwrap();
    c.cloudtrail
        .put_event_selectors()
        .trail_name("legacy")
        .event_selectors(
            aws_sdk_cloudtrail::types::EventSelector::builder()
                .read_write_type(aws_sdk_cloudtrail::types::ReadWriteType::ReadOnly)
                .include_management_events(true)
                .build(),
        )
        .send()
        .await
        .unwrap();
    let key = fixtures::symmetric_key(&env.cfg, US, "trail key", true)
        .await
        .unwrap();
    fixtures::let_cloudtrail_encrypt(&env.cfg, US, &key.key_id, ACCOUNT)
        .await
        .unwrap();
    // What the repair delivers to, and the Config bucket's policy.
    fixtures::ensure_log_group(&c, "ct").await.unwrap();
    fixtures::cloudtrail_to_logs_role(&c, "ct-role", "ct")
        .await
        .unwrap();
    fixtures::put_config_bucket_policy(&env.cfg, US, tgt, ACCOUNT, Some("config"))
        .await
        .unwrap();
    let old_role = arn_role("old-config-role");
    c.config
        .put_configuration_recorder()
        .configuration_recorder(
            aws_sdk_config::types::ConfigurationRecorder::builder()
                .name("default")
                .role_arn(&old_role)
                .recording_group(
                    aws_sdk_config::types::RecordingGroup::builder()
                        .all_supported(false)
                        .include_global_resource_types(false)
                        .resource_types(aws_sdk_config::types::ResourceType::Bucket)
                        .build(),
                )
                .build(),
        )
        .send()
        .await
        .unwrap();

    let slr = format!(
        "arn:aws:iam::{ACCOUNT}:role/aws-service-role/config.amazonaws.com/AWSServiceRoleForConfig"
    );
    let actions = vec![
        act(
            "acl",
            US,
            Op::PutBucketAcl(PutBucketAcl {
                bucket: src.into(),
                owner_id: owner_id.clone(),
                owner_display_name: None,
                grants: vec![Grant {
                    grantee_type: "CanonicalUser".into(),
                    id: Some(owner_id.clone()),
                    permission: "FULL_CONTROL".into(),
                    ..Default::default()
                }],
            }),
            &[],
        ),
        act(
            "logging",
            US,
            Op::SetBucketLogging(SetBucketLogging {
                bucket: src.into(),
                logging: Some(BucketLogging {
                    target_bucket: tgt.into(),
                    target_prefix: format!("{src}/"),
                }),
            }),
            &[],
        ),
        act(
            "repair",
            US,
            Op::UpdateTrail(UpdateTrail {
                is_organization: None,
                name: "legacy".into(),
                is_multi_region: Some(true),
                include_global_service_events: None,
                log_file_validation: Some(true),
                kms_key_id: Some(key.arn.clone()),
                cloudwatch_log_group_arn: Some(log_group_arn(US, "ct")),
                cloudwatch_role_arn: Some(arn_role("ct-role")),
            }),
            &[],
        ),
        act(
            "selectors",
            US,
            Op::PutEventSelectors(PutEventSelectors {
                trail: "legacy".into(),
                selectors: json!([{"ReadWriteType": "All", "IncludeManagementEvents": true}]),
            }),
            &["repair"],
        ),
        act(
            "start",
            US,
            Op::SetLogging(SetLogging {
                trail: "legacy".into(),
                logging: true,
            }),
            &["selectors"],
        ),
        act(
            "slr",
            US,
            Op::CreateServiceLinkedRole(CreateServiceLinkedRole {
                service: "config.amazonaws.com".into(),
            }),
            &[],
        ),
        act(
            "recorder",
            US,
            Op::PutConfigurationRecorder(PutConfigurationRecorder::all_supported(
                "default".into(),
                slr,
                true,
            )),
            &["slr"],
        ),
        act(
            "channel",
            US,
            Op::PutDeliveryChannel(PutDeliveryChannel {
                name: "default".into(),
                bucket: tgt.into(),
                prefix: Some("config".into()),
            }),
            &["recorder"],
        ),
        act(
            "rec-start",
            US,
            Op::SetRecording(SetRecording {
                name: "default".into(),
                recording: true,
            }),
            &["channel"],
        ),
    ];
    env.apply(&actions, "run.jsonl").await;

    let undo = plan_undo(&read_journal(env.opts("run.jsonl").journal_path).unwrap());
    let ids: Vec<&str> = undo.iter().map(|a| a.id.as_str()).collect();
    assert_eq!(ids.len(), 9, "{ids:?}");
    // Reverse journal order (the run was concurrent, so per chain).
    let pos = |id: &str| {
        ids.iter()
            .position(|i| *i == id)
            .unwrap_or_else(|| panic!("{id}"))
    };
    for chain in [
        [
            "undo:rec-start",
            "undo:channel",
            "undo:recorder",
            "undo:slr",
        ]
        .as_slice(),
        &["undo:start", "undo:selectors", "undo:repair"],
    ] {
        assert!(
            chain.windows(2).all(|w| pos(w[0]) < pos(w[1])),
            "{chain:?} in {ids:?}"
        );
    }
    let by_id = |id: &str| undo.iter().find(|a| a.id == id).unwrap();
    assert_eq!(
        by_id("undo:channel").depends_on,
        ["undo:rec-start"],
        "stop recording first"
    );
    assert!(
        by_id("undo:slr")
            .depends_on
            .contains(&"undo:recorder".to_string())
    );
    let undo_opts = env.opts("undo.jsonl");
    let report = env.run(&undo, &undo_opts).await;
    assert_all_applied(&report);

    let acl = c.s3.get_bucket_acl().bucket(src).send().await.unwrap();
    assert!(
        acl.grants().iter().any(|g| g
            .grantee()
            .and_then(|g| g.uri())
            .is_some_and(|u| u.ends_with("AllUsers"))),
        "the ACL is exactly as before, public grant included"
    );
    assert_eq!(acl.grants().len(), acl0.grants().len());
    let logging = c.s3.get_bucket_logging().bucket(src).send().await.unwrap();
    assert!(logging.logging_enabled().is_none());

    let t = c
        .cloudtrail
        .get_trail()
        .name("legacy")
        .send()
        .await
        .unwrap();
    let t = t.trail().unwrap();
    assert_eq!(t.is_multi_region_trail(), Some(false));
    assert_eq!(t.log_file_validation_enabled(), Some(false));
    assert!(t.kms_key_id().is_none_or(str::is_empty), "{t:?}");
    assert!(t.cloud_watch_logs_log_group_arn().is_none_or(str::is_empty));
    assert!(t.cloud_watch_logs_role_arn().is_none_or(str::is_empty));
    let sel = c
        .cloudtrail
        .get_event_selectors()
        .trail_name("legacy")
        .send()
        .await
        .unwrap();
    assert_eq!(
        sel.event_selectors()[0].read_write_type().unwrap().as_str(),
        "ReadOnly"
    );
    let st = c
        .cloudtrail
        .get_trail_status()
        .name("legacy")
        .send()
        .await
        .unwrap();
    assert_eq!(st.is_logging(), Some(false));

    let rec = c
        .config
        .describe_configuration_recorders()
        .send()
        .await
        .unwrap();
    let r = &rec.configuration_recorders()[0];
    assert_eq!(r.role_arn(), Some(old_role.as_str()));
    let g = r.recording_group().unwrap();
    assert!(!g.all_supported() && !g.include_global_resource_types());
    assert_eq!(
        g.resource_types()
            .iter()
            .map(|t| t.as_str())
            .collect::<Vec<_>>(),
        ["AWS::S3::Bucket"]
    );
    let st = c
        .config
        .describe_configuration_recorder_status()
        .send()
        .await
        .unwrap();
    assert!(!st.configuration_recorders_status()[0].recording());
    let ch = c.config.describe_delivery_channels().send().await.unwrap();
    assert!(
        ch.delivery_channels().is_empty(),
        "the channel this run made is gone"
    );
    let roles = c
        .iam
        .list_roles()
        .path_prefix("/aws-service-role/config.amazonaws.com/")
        .send()
        .await
        .unwrap();
    assert!(
        roles.roles().is_empty(),
        "the service-linked role this run made is gone"
    );
}

/// A role whose first run stopped between CreateRole and PutRolePolicy (or
/// one made for fewer regions) gets the missing statements merged into its
/// inline policy; its trust policy and its other statements stay.
#[tokio::test]
async fn an_existing_role_gets_missing_statements_merged_never_replaced() {
    let env = Env::start().await;
    let c = env.c(US);
    let trust = fixtures::trust_policy("vpc-flow-logs.amazonaws.com", None);
    fixtures::ensure_role(&c, "flow-role", &trust)
        .await
        .unwrap();
    let theirs = json!({"Version": "2012-10-17", "Statement": [
        {"Sid": "Theirs", "Effect": "Allow", "Action": "logs:GetLogEvents", "Resource": "*"}]});
    fixtures::put_role_policy(&c, "flow-role", "flow", &theirs)
        .await
        .unwrap();
    let ours = json!({"Version": "2012-10-17", "Statement": [
        {"Sid": "FlowLogsuseast1", "Effect": "Allow", "Action": ["logs:CreateLogStream", "logs:PutLogEvents"], "Resource": "*"}]});
    let other_trust = json!({"Version": "2012-10-17", "Statement": [
        {"Effect": "Allow", "Principal": {"Service": "ec2.amazonaws.com"}, "Action": "sts:AssumeRole"}]});
    let actions = [act(
        "role",
        US,
        Op::CreateRole(CreateRole {
            name: "flow-role".into(),
            trust_policy: other_trust,
            policy_name: "flow".into(),
            policy: ours,
        }),
        &[],
    )];
    let report = env.apply(&actions, "j.jsonl").await;
    assert!(detail(&report, "role").contains("merged"), "{report:?}");
    let doc = c
        .iam
        .get_role_policy()
        .role_name("flow-role")
        .policy_name("flow")
        .send()
        .await
        .unwrap();
    let doc: Value =
        serde_json::from_str(&urlencoding::decode(doc.policy_document()).unwrap()).unwrap();
    let sids: Vec<&str> = doc["Statement"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|s| s["Sid"].as_str())
        .collect();
    assert_eq!(sids, ["Theirs", "FlowLogsuseast1"]);
    let role = c
        .iam
        .get_role()
        .role_name("flow-role")
        .send()
        .await
        .unwrap();
    let now_trust =
        urlencoding::decode(role.role().unwrap().assume_role_policy_document().unwrap())
            .unwrap()
            .to_string();
    assert!(
        now_trust.contains("vpc-flow-logs.amazonaws.com"),
        "the existing trust policy was replaced: {now_trust}"
    );
    // a second run changes nothing
    let again = env.apply(&actions, "j2.jsonl").await;
    assert!(
        detail(&again, "role").contains("left unchanged"),
        "{again:?}"
    );
}

// ---------------------------------------------------------------------------
// Undo against the live state: what happened since apply is never lost.
// ---------------------------------------------------------------------------

/// A statement a person adds to a bucket policy (a state found).
fn person_statement(bucket: &str, sid: &str) -> Value {
    json!({"Sid": sid, "Effect": "Allow",
        "Principal": {"AWS": format!("arn:aws:iam::{ACCOUNT}:root")},
        "Action": "s3:GetObject", "Resource": format!("arn:aws:s3:::{bucket}/*")})
}

/// The bucket's live policy with `stmt` appended, as a person would.
async fn add_statement(c: &Clients, bucket: &str, stmt: Value) {
    let mut p = bucket_policy(c, bucket).await.unwrap();
    p["Statement"].as_array_mut().unwrap().push(stmt);
    put_policy(c, bucket, &p).await;
}

/// Runs the undo of the run journaled in `journal`.
async fn undo_of(env: &Env, journal: &str, undo_journal: &str) -> ExecReport {
    let undo = plan_undo(&read_journal(env.opts(journal).journal_path).unwrap());
    env.run(&undo, &env.opts(undo_journal)).await
}

#[tokio::test]
async fn undo_keeps_a_statement_added_to_the_bucket_policy_since_apply_and_removes_only_apply_s() {
    let env = Env::start().await;
    let c = env.c(US);
    // Three trail buckets: one whose policy gets a statement after apply,
    // one where a statement apply wrote is edited after apply, and one that
    // had no policy before apply (apply made it) and gets a statement after.
    let (added, edited, fresh) = ("ct-added", "ct-edited", "ct-fresh");
    let keep = person_statement(added, "Keep");
    for b in [added, edited, fresh] {
        fixtures::create_bucket(&env.cfg, US, b).await.unwrap();
    }
    let p0 = json!({"Version": "2012-10-17", "Statement": [keep.clone()]});
    put_policy(&c, added, &p0).await;
    let e0 = json!({"Version": "2012-10-17", "Statement": [person_statement(edited, "Keep")]});
    put_policy(&c, edited, &e0).await;
    let merged = |b: &str, prior: Option<&Value>| {
        remediate::policy::merge(
            prior,
            &remediate::policy::statements(&trail_bucket_policy(b, &[("t", None)])),
        )
    };
    let actions = vec![
        act(
            "added",
            US,
            Op::PutBucketPolicy(PutBucketPolicy {
                bucket: added.into(),
                policy: merged(added, Some(&p0)),
            }),
            &[],
        ),
        act(
            "edited",
            US,
            Op::PutBucketPolicy(PutBucketPolicy {
                bucket: edited.into(),
                policy: merged(edited, Some(&e0)),
            }),
            &[],
        ),
        act(
            "fresh",
            US,
            Op::PutBucketPolicy(PutBucketPolicy {
                bucket: fresh.into(),
                policy: merged(fresh, None),
            }),
            &[],
        ),
    ];
    env.apply(&actions, "run.jsonl").await;

    // Since apply: a statement added to two of them; one of apply's own
    // statements edited (its Resource narrowed) in the third.
    add_statement(&c, added, person_statement(added, "AddedLater")).await;
    add_statement(&c, fresh, person_statement(fresh, "AddedLater")).await;
    let mut p = bucket_policy(&c, edited).await.unwrap();
    for s in p["Statement"].as_array_mut().unwrap() {
        if s["Sid"] == "AWSCloudTrailWrite20150319" {
            s["Resource"] = json!(format!("arn:aws:s3:::{edited}/only-here/*"));
        }
    }
    put_policy(&c, edited, &p).await;
    let edited_write = p["Statement"]
        .as_array()
        .unwrap()
        .iter()
        .find(|s| s["Sid"] == "AWSCloudTrailWrite20150319")
        .unwrap()
        .clone();

    let report = undo_of(&env, "run.jsonl", "undo.jsonl").await;

    // The reported case: the statement added since apply stays, apply's go.
    assert!(outcome(&report, "undo:added").is_applied(), "{report:#?}");
    assert!(
        detail(&report, "undo:added").contains("Sid AddedLater"),
        "{report:#?}"
    );
    let now = bucket_policy(&c, added).await.unwrap();
    assert!(
        remediate::policy::equivalent(
            &now,
            &json!({"Version": "2012-10-17", "Statement": [keep, person_statement(added, "AddedLater")]})
        ),
        "{now:#}"
    );
    // A policy apply made, with a statement added since, is not deleted:
    // only apply's statements leave it.
    let now = bucket_policy(&c, fresh).await.expect("policy kept");
    assert_eq!(
        remediate::policy::statements(&now),
        [person_statement(fresh, "AddedLater")],
        "{now:#}"
    );
    // Apply's statement edited since is left as it is, and said so; the
    // one apply wrote and nobody touched is removed.
    match outcome(&report, "undo:edited") {
        Outcome::Left {
            why: Left::ChangedSinceApply,
            detail,
        } => assert!(
            detail.contains("Sid AWSCloudTrailWrite20150319"),
            "{detail}"
        ),
        other => panic!("{other:?}"),
    }
    let now = bucket_policy(&c, edited).await.unwrap();
    assert_eq!(
        remediate::policy::statements(&now),
        [person_statement(edited, "Keep"), edited_write],
        "{now:#}"
    );
    assert!(!report.ok(), "something was left: undo is not ok");

    // Undo again: nothing more to revert, the edited statement still left.
    let again = undo_of(&env, "run.jsonl", "undo2.jsonl").await;
    assert!(outcome(&again, "undo:added").is_applied(), "{again:#?}");
    assert!(outcome(&again, "undo:fresh").is_applied(), "{again:#?}");
    assert!(matches!(
        outcome(&again, "undo:edited"),
        Outcome::Left { .. }
    ));
}

#[tokio::test]
async fn undo_leaves_a_trail_setting_changed_since_apply_names_it_and_reverts_the_rest() {
    let env = Env::start().await;
    let c = env.c(US);
    let bucket = "legacy-trail-bucket";
    fixtures::create_bucket(&env.cfg, US, bucket).await.unwrap();
    put_policy(
        &c,
        bucket,
        &trail_bucket_policy(bucket, &[("legacy", None)]),
    )
    .await;
    c.cloudtrail
        .create_trail()
        .name("legacy")
        .s3_bucket_name(bucket)
        .send()
        .await
        .unwrap();
    let mut keys = vec![];
    for what in ["apply's key", "a person's key"] {
        let k = fixtures::symmetric_key(&env.cfg, US, what, true)
            .await
            .unwrap();
        fixtures::let_cloudtrail_encrypt(&env.cfg, US, &k.key_id, ACCOUNT)
            .await
            .unwrap();
        keys.push(k);
    }
    let actions = vec![act(
        "repair",
        US,
        Op::UpdateTrail(UpdateTrail {
            is_organization: None,
            name: "legacy".into(),
            is_multi_region: None,
            include_global_service_events: None,
            log_file_validation: Some(true),
            kms_key_id: Some(keys[0].arn.clone()),
            cloudwatch_log_group_arn: None,
            cloudwatch_role_arn: None,
        }),
        &[],
    )];
    env.apply(&actions, "run.jsonl").await;
    // Since apply: someone moved the trail to another key.
    c.cloudtrail
        .update_trail()
        .name("legacy")
        .kms_key_id(&keys[1].arn)
        .send()
        .await
        .unwrap();

    let report = undo_of(&env, "run.jsonl", "undo.jsonl").await;
    match outcome(&report, "undo:repair") {
        Outcome::Left {
            why: Left::ChangedSinceApply,
            detail,
        } => assert!(detail.contains("left kms key id as it is"), "{detail}"),
        other => panic!("{other:?}"),
    }
    assert!(!report.ok());
    let t = c
        .cloudtrail
        .get_trail()
        .name("legacy")
        .send()
        .await
        .unwrap();
    let t = t.trail().unwrap();
    assert_eq!(
        t.kms_key_id(),
        Some(keys[1].arn.as_str()),
        "the key set since apply stays"
    );
    assert_eq!(
        t.log_file_validation_enabled(),
        Some(false),
        "the setting nobody touched since is put back"
    );
}

#[tokio::test]
async fn undo_keeps_a_log_group_it_created_once_it_holds_events() {
    let env = Env::start().await;
    let c = env.c(US);
    let actions: Vec<Action> = ["with-events", "empty"]
        .into_iter()
        .map(|name| {
            act(
                name,
                US,
                Op::CreateLogGroup(CreateLogGroup {
                    name: name.into(),
                    retention_days: 365,
                }),
                &[],
            )
        })
        .collect();
    env.apply(&actions, "run.jsonl").await;
    // Since apply: CloudTrail (say) delivered events to one of them.
    c.logs
        .create_log_stream()
        .log_group_name("with-events")
        .log_stream_name(format!("{ACCOUNT}_CloudTrail_{US}"))
        .send()
        .await
        .unwrap();
    let now = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_millis() as i64;
    c.logs
        .put_log_events()
        .log_group_name("with-events")
        .log_stream_name(format!("{ACCOUNT}_CloudTrail_{US}"))
        .log_events(
            aws_sdk_cloudwatchlogs::types::InputLogEvent::builder()
                .timestamp(now)
                .message("{\"eventName\":\"ConsoleLogin\"}")
                .build()
                .unwrap(),
        )
        .send()
        .await
        .unwrap();

    let report = undo_of(&env, "run.jsonl", "undo.jsonl").await;
    match outcome(&report, "undo:with-events") {
        Outcome::Left {
            why: Left::HoldsData,
            detail,
        } => assert!(detail.contains("holds log events"), "{detail}"),
        other => panic!("{other:?}"),
    }
    assert!(log_group_exists(&c, "with-events").await, "kept");
    assert!(outcome(&report, "undo:empty").is_applied(), "{report:#?}");
    assert!(!log_group_exists(&c, "empty").await, "deleted");
    assert!(!report.ok());
}

#[tokio::test]
async fn undo_keeps_a_role_it_created_once_a_policy_was_added_to_it_since_apply() {
    let env = Env::start().await;
    let c = env.c(US);
    let role = |name: &str| {
        act(
            name,
            US,
            Op::CreateRole(CreateRole {
                name: name.into(),
                trust_policy: fixtures::trust_policy("vpc-flow-logs.amazonaws.com", None),
                policy_name: "p".into(),
                policy: role_policy(&["logs:PutLogEvents"]),
            }),
            &[],
        )
    };
    env.apply(&[role("extended"), role("untouched")], "run.jsonl")
        .await;
    // Since apply: someone gave one of them a second inline policy.
    c.iam
        .put_role_policy()
        .role_name("extended")
        .policy_name("added-later")
        .policy_document(role_policy(&["s3:GetObject"]).to_string())
        .send()
        .await
        .unwrap();

    let report = undo_of(&env, "run.jsonl", "undo.jsonl").await;
    assert!(
        matches!(
            outcome(&report, "undo:extended"),
            Outcome::Left {
                why: Left::ChangedSinceApply,
                ..
            }
        ),
        "{report:#?}"
    );
    let kept = c
        .iam
        .list_role_policies()
        .role_name("extended")
        .send()
        .await
        .unwrap();
    let mut names = kept.policy_names().to_vec();
    names.sort();
    assert_eq!(names, ["added-later", "p"], "nothing deleted");
    assert!(
        outcome(&report, "undo:untouched").is_applied(),
        "{report:#?}"
    );
    assert!(
        c.iam
            .get_role()
            .role_name("untouched")
            .send()
            .await
            .is_err()
    );
}

/// Undo of statements merged into an existing role's inline policy: only
/// apply's statements come out again; the user's own, and one added since
/// apply, stay; the role and its trust are never touched.
#[tokio::test]
async fn undo_takes_out_of_an_existing_role_only_the_statements_apply_merged() {
    let env = Env::start().await;
    let c = env.c(US);
    let trust = fixtures::trust_policy("vpc-flow-logs.amazonaws.com", None);
    fixtures::ensure_role(&c, "flow-role", &trust)
        .await
        .unwrap();
    let theirs = json!({"Version": "2012-10-17", "Statement": [
        {"Sid": "Theirs", "Effect": "Allow", "Action": "logs:GetLogEvents", "Resource": "*"}]});
    fixtures::put_role_policy(&c, "flow-role", "flow", &theirs)
        .await
        .unwrap();
    let ours = json!({"Version": "2012-10-17", "Statement": [
        {"Sid": "FlowLogsuseast1", "Effect": "Allow", "Action": ["logs:CreateLogStream", "logs:PutLogEvents"], "Resource": "*"}]});
    let actions = [act(
        "role",
        US,
        Op::CreateRole(CreateRole {
            name: "flow-role".into(),
            trust_policy: trust.clone(),
            policy_name: "flow".into(),
            policy: ours,
        }),
        &[],
    )];
    let report = env.apply(&actions, "run.jsonl").await;
    assert!(detail(&report, "role").contains("merged"), "{report:?}");
    // Someone adds a statement of their own after apply.
    let sids = || async {
        let doc = c
            .iam
            .get_role_policy()
            .role_name("flow-role")
            .policy_name("flow")
            .send()
            .await
            .unwrap();
        let doc: Value =
            serde_json::from_str(&urlencoding::decode(doc.policy_document()).unwrap()).unwrap();
        doc["Statement"]
            .as_array()
            .unwrap()
            .iter()
            .filter_map(|s| s["Sid"].as_str().map(str::to_string))
            .collect::<Vec<String>>()
    };
    let mut later = theirs.clone();
    later["Statement"].as_array_mut().unwrap().extend([
        json!({"Sid": "FlowLogsuseast1", "Effect": "Allow", "Action": ["logs:CreateLogStream", "logs:PutLogEvents"], "Resource": "*"}),
        json!({"Sid": "Later", "Effect": "Allow", "Action": "logs:FilterLogEvents", "Resource": "*"}),
    ]);
    fixtures::put_role_policy(&c, "flow-role", "flow", &later)
        .await
        .unwrap();
    assert_eq!(sids().await, ["Theirs", "FlowLogsuseast1", "Later"]);
    let undo = plan_undo(&read_journal(env.opts("run.jsonl").journal_path).unwrap());
    assert_eq!(
        undo.iter().map(|a| a.op.name()).collect::<Vec<_>>(),
        ["put_role_policy"],
        "the role existed: it is never deleted"
    );
    let report = env.run(&undo, &env.opts("undo.jsonl")).await;
    assert!(report.ok(), "{report:?}");
    assert_eq!(sids().await, ["Theirs", "Later"]);
    assert!(c.iam.get_role().role_name("flow-role").send().await.is_ok());
    // Again: nothing of apply's is left, nothing is written.
    let again = env.run(&undo, &env.opts("undo2.jsonl")).await;
    assert!(again.ok(), "{again:?}");
    assert_eq!(sids().await, ["Theirs", "Later"]);
}
