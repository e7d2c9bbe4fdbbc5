//! `scripts/live-check` and its fixture (`examples/live_fixture.rs`) against
//! the emulator: the refusals (nothing is created), the fixture's teardown
//! (everything of the run goes, nothing else does), a failing step, and one
//! whole run (plan 2 → apply → plan 0 → undo → plan 2 → teardown).
//!
//! The script runs with the environment the harness gives the product
//! ([`common::remediate_process`]: static test credentials, AWS_ENDPOINT_URL
//! at the emulator, no profile files), with the binaries passed in
//! (REMEDIATE_BIN, LIVE_FIXTURE_BIN) so it builds nothing; [`fixture_bin`]
//! builds the example with cargo first.
//!
//! What the emulator cannot show (a real account's eventual consistency,
//! deliveries, billing) is in docs/live-check.md.

use crate::common;

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};
use std::sync::OnceLock;
use std::time::SystemTime;

use crate::common::{ACCOUNT, Moto, fixtures};
use aws_config::{Region, SdkConfig};

const REGION: &str = "us-east-1";
/// The run the fixture tests create and tear down.
const RUN: &str = "rlc-1234abcd";
/// Another run's resources, which the teardown of [`RUN`] must not touch.
const OTHER_RUN: &str = "rlc-00000000";
const TAG: &str = "remediate-live-check";

fn root() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

/// The `live_fixture` example: `LIVE_FIXTURE_BIN` when set, else built with
/// cargo (once per test process; a no-op when it is fresh) into the target
/// directory of this test's `remediate`. Integration tests get no path to an
/// example, and `--all-targets` builds examples only as test harnesses.
///
/// The build runs without the variables cargo and the test runner set for
/// this test (`CARGO_PKG_NAME`, `CARGO_MANIFEST_DIR`, …): build scripts that
/// track them (ring's does) would run again, rebuilding the AWS SDK crates
/// here and once more in the next test build.
fn fixture_bin() -> &'static Path {
    static BIN: OnceLock<PathBuf> = OnceLock::new();
    BIN.get_or_init(|| {
        if let Some(p) = std::env::var_os("LIVE_FIXTURE_BIN") {
            return PathBuf::from(p);
        }
        let remediate = Path::new(env!("CARGO_BIN_EXE_remediate"));
        // <target dir>/<profile>/remediate
        let target = remediate
            .parent()
            .and_then(Path::parent)
            .expect("the remediate binary lives in <target>/<profile>/");
        let cargo = std::env::var_os("CARGO").unwrap_or_else(|| "cargo".into());
        let mut cmd = Command::new(cargo);
        cmd.args(["build", "--quiet", "--example", "live_fixture"])
            .args(["--message-format", "json-render-diagnostics"])
            .arg("--target-dir")
            .arg(target)
            .current_dir(root());
        for (key, _) in std::env::vars_os() {
            let k = key.to_string_lossy();
            let set_for_this_test = [
                "CARGO_PKG_",
                "CARGO_MANIFEST_",
                "CARGO_BIN_",
                "CARGO_CFG_",
                "NEXTEST",
            ]
            .iter()
            .any(|p| k.starts_with(p))
                || [
                    "CARGO_CRATE_NAME",
                    "CARGO_PRIMARY_PACKAGE",
                    "CARGO_TARGET_TMPDIR",
                ]
                .contains(&&*k);
            if set_for_this_test {
                cmd.env_remove(&key);
            }
        }
        let out = cmd
            .output()
            .expect("run cargo build --example live_fixture");
        assert!(
            out.status.success(),
            "cargo build --example live_fixture failed:\n{}",
            text(&out.stderr)
        );
        text(&out.stdout)
            .lines()
            .filter_map(|l| serde_json::from_str::<serde_json::Value>(l).ok())
            .find(|v| v["reason"] == "compiler-artifact" && v["target"]["name"] == "live_fixture")
            .and_then(|v| v["executable"].as_str().map(PathBuf::from))
            .expect("cargo names the live_fixture executable")
    })
}

/// `cmd` with exactly the environment the harness gives the product.
fn harness_env(moto: &Moto, mut cmd: Command) -> Command {
    let base = common::remediate_process(moto);
    cmd.env_clear();
    for (k, v) in base.get_envs() {
        if let Some(v) = v {
            cmd.env(k, v);
        }
    }
    cmd.env("TMPDIR", moto.dir()).current_dir(moto.dir());
    cmd
}

/// `scripts/live-check ARGS`, binaries prebuilt, REMEDIATE_LIVE_ACCOUNT as given.
fn live_check(moto: &Moto, account: Option<&str>, args: &[&str]) -> Command {
    let mut cmd = Command::new("bash");
    cmd.arg(root().join("scripts/live-check")).args(args);
    let mut cmd = harness_env(moto, cmd);
    cmd.env("REMEDIATE_BIN", env!("CARGO_BIN_EXE_remediate"))
        .env("LIVE_FIXTURE_BIN", fixture_bin());
    if let Some(a) = account {
        cmd.env("REMEDIATE_LIVE_ACCOUNT", a);
    }
    cmd
}

fn fixture(moto: &Moto, args: &[&str]) -> Output {
    let mut cmd = Command::new(fixture_bin());
    cmd.args(args);
    harness_env(moto, cmd)
        .output()
        .expect("run the live_fixture binary")
}

fn run(mut cmd: Command) -> Output {
    cmd.output().expect("run scripts/live-check")
}

fn text(b: &[u8]) -> String {
    String::from_utf8_lossy(b).into_owned()
}

fn show(out: &Output) -> String {
    format!(
        "exit {:?}\n--- stdout\n{}\n--- stderr\n{}",
        out.status.code(),
        text(&out.stdout),
        text(&out.stderr)
    )
}

/// The run id the script announced ("live-check: run id: rlc-…").
fn run_id_of(out: &Output) -> String {
    text(&out.stdout)
        .lines()
        .find_map(|l| l.strip_prefix("live-check: run id: "))
        .unwrap_or_else(|| panic!("no run id in the output:\n{}", show(out)))
        .trim()
        .to_string()
}

// ---------------------------------------------------------------------------
// Reading the emulator with the SDK directly
// ---------------------------------------------------------------------------

struct Aws {
    cfg: SdkConfig,
    s3: aws_sdk_s3::Client,
    cloudtrail: aws_sdk_cloudtrail::Client,
    kms: aws_sdk_kms::Client,
    ec2: aws_sdk_ec2::Client,
    iam: aws_sdk_iam::Client,
    logs: aws_sdk_cloudwatchlogs::Client,
    config: aws_sdk_config::Client,
}

async fn aws(moto: &Moto) -> Aws {
    let cfg: SdkConfig = moto.sdk_config().await;
    let r = Region::new(REGION);
    Aws {
        s3: aws_sdk_s3::Client::from_conf(
            aws_sdk_s3::config::Builder::from(&cfg)
                .region(r.clone())
                .force_path_style(true)
                .build(),
        ),
        cloudtrail: aws_sdk_cloudtrail::Client::new(&cfg),
        kms: aws_sdk_kms::Client::new(&cfg),
        ec2: aws_sdk_ec2::Client::new(&cfg),
        iam: aws_sdk_iam::Client::new(&cfg),
        logs: aws_sdk_cloudwatchlogs::Client::new(&cfg),
        config: aws_sdk_config::Client::new(&cfg),
        cfg,
    }
}

/// Everything in the emulated region a run could have made or touched.
#[derive(Debug, PartialEq, Default)]
struct State {
    buckets: BTreeSet<String>,
    trails: BTreeSet<String>,
    /// key id → state
    keys: BTreeSet<(String, String)>,
    aliases: BTreeSet<String>,
    /// VPC id with its `remediate-live-check` tag
    vpcs: BTreeSet<(String, Option<String>)>,
    flow_logs: BTreeSet<String>,
    log_groups: BTreeSet<String>,
    roles: BTreeSet<String>,
    recorders: BTreeSet<String>,
    channels: BTreeSet<String>,
}

impl State {
    /// Everything that carries `run_id` (keys aside: they wait out a deletion window).
    fn of_run(&self, run_id: &str) -> Vec<String> {
        let named = [
            &self.buckets,
            &self.trails,
            &self.aliases,
            &self.flow_logs,
            &self.log_groups,
            &self.roles,
            &self.recorders,
            &self.channels,
        ];
        let mut out: Vec<String> = named
            .iter()
            .flat_map(|set| set.iter())
            // The run id followed by - or /: not `rlc-1234abcde-…` for `rlc-1234abcd`.
            .filter(|n| {
                n.match_indices(run_id)
                    .any(|(i, _)| matches!(n.as_bytes().get(i + run_id.len()), Some(b'-' | b'/')))
            })
            .cloned()
            .collect();
        out.extend(
            self.vpcs
                .iter()
                .filter(|(_, t)| t.as_deref() == Some(run_id))
                .map(|(v, _)| format!("vpc {v}")),
        );
        out
    }

    /// Whether nothing at all is in the region but its default VPC.
    fn is_pristine(&self) -> bool {
        self.buckets.is_empty()
            && self.trails.is_empty()
            && self.keys.is_empty()
            && self.aliases.is_empty()
            && self.vpcs.iter().all(|(_, t)| t.is_none())
            && self.vpcs.len() <= 1
            && self.flow_logs.is_empty()
            && self.log_groups.is_empty()
            && self.roles.is_empty()
            && self.recorders.is_empty()
            && self.channels.is_empty()
    }
}

async fn describe_key(a: &Aws, id: &str) -> aws_sdk_kms::types::KeyMetadata {
    let out = a.kms.describe_key().key_id(id).send().await;
    out.expect("DescribeKey")
        .key_metadata
        .expect("key metadata")
}

/// The names `name` gives the items of a listing.
fn names<T>(items: &[T], name: impl Fn(&T) -> Option<&str>) -> BTreeSet<String> {
    items
        .iter()
        .filter_map(|i| name(i).map(str::to_string))
        .collect()
}

async fn state(moto: &Moto) -> State {
    let a = aws(moto).await;
    let buckets = a.s3.list_buckets().send().await.expect("ListBuckets");
    let trails = a
        .cloudtrail
        .describe_trails()
        .send()
        .await
        .expect("DescribeTrails");
    let keys = a.kms.list_keys().send().await.expect("ListKeys");
    let aliases = a.kms.list_aliases().send().await.expect("ListAliases");
    let vpcs = a.ec2.describe_vpcs().send().await.expect("DescribeVpcs");
    let flow_logs = a
        .ec2
        .describe_flow_logs()
        .send()
        .await
        .expect("DescribeFlowLogs");
    let groups = a
        .logs
        .describe_log_groups()
        .send()
        .await
        .expect("DescribeLogGroups");
    let roles = a.iam.list_roles().send().await.expect("ListRoles");
    let recorders = a
        .config
        .describe_configuration_recorders()
        .send()
        .await
        .expect("recorders");
    let channels = a
        .config
        .describe_delivery_channels()
        .send()
        .await
        .expect("channels");
    let mut s = State {
        buckets: names(buckets.buckets(), |b| b.name()),
        trails: names(trails.trail_list(), |t| t.name()),
        aliases: names(aliases.aliases(), |al| {
            al.alias_name().filter(|n| !n.starts_with("alias/aws/"))
        }),
        log_groups: names(groups.log_groups(), |g| g.log_group_name()),
        roles: names(roles.roles(), |r| Some(r.role_name())),
        recorders: names(recorders.configuration_recorders(), |r| r.name()),
        channels: names(channels.delivery_channels(), |d| d.name()),
        ..State::default()
    };
    for k in keys.keys() {
        let id = k.key_id().unwrap_or_default();
        let meta = describe_key(&a, id).await;
        let st = meta.key_state();
        s.keys.insert((
            id.to_string(),
            st.map(|s| s.as_str().to_string()).unwrap_or_default(),
        ));
    }
    for v in vpcs.vpcs() {
        let tag = v.tags().iter().find(|t| t.key() == Some(TAG));
        s.vpcs.insert((
            v.vpc_id().unwrap_or_default().to_string(),
            tag.and_then(|t| t.value().map(str::to_string)),
        ));
    }
    for f in flow_logs.flow_logs() {
        s.flow_logs.insert(format!(
            "{} {} -> {}",
            f.flow_log_id().unwrap_or_default(),
            f.resource_id().unwrap_or_default(),
            f.log_group_name().unwrap_or_default()
        ));
    }
    s
}

/// The run's keys: (id, deletion date in seconds from now) of every key
/// tagged with the run, made for one of its aliases, or not in `before`.
async fn keys_outside(moto: &Moto, before: &State, after: &State) -> Vec<(String, String, i64)> {
    let a = aws(moto).await;
    let known: BTreeSet<&String> = before.keys.iter().map(|(id, _)| id).collect();
    let now = SystemTime::now()
        .duration_since(SystemTime::UNIX_EPOCH)
        .unwrap()
        .as_secs() as i64;
    let mut out = Vec::new();
    for (id, st) in &after.keys {
        if known.contains(id) {
            continue;
        }
        let meta = describe_key(&a, id).await;
        let when = meta
            .deletion_date()
            .map(|d| d.secs() - now)
            .unwrap_or(i64::MAX);
        out.push((id.clone(), st.clone(), when));
    }
    out
}

// ---------------------------------------------------------------------------
// Seeding (the SDK directly)
// ---------------------------------------------------------------------------

async fn bucket(a: &Aws, name: &str) {
    a.s3.create_bucket()
        .bucket(name)
        .send()
        .await
        .unwrap_or_else(|e| panic!("CreateBucket {name}: {e:?}"));
}

/// A trail into a new bucket whose policy lets CloudTrail write (the
/// emulator checks it, as AWS does).
async fn trail(a: &Aws, name: &str, bucket_name: &str) {
    bucket(a, bucket_name).await;
    let trail_arn = format!("arn:aws:cloudtrail:{REGION}:{ACCOUNT}:trail/{name}");
    fixtures::put_cloudtrail_bucket_policy(&a.cfg, REGION, bucket_name, ACCOUNT, &[trail_arn])
        .await
        .expect("put the CloudTrail bucket policy");
    a.cloudtrail
        .create_trail()
        .name(name)
        .s3_bucket_name(bucket_name)
        .send()
        .await
        .unwrap_or_else(|e| panic!("CreateTrail {name}: {e:?}"));
}

/// A customer key with `tags`, rotation on (so 2.8 leaves it alone), and an
/// alias when given.
async fn key(a: &Aws, tags: &[(&str, &str)], alias: Option<&str>) -> String {
    let mut req = a.kms.create_key().description("live-check test key");
    for (k, v) in tags {
        req = req.tags(
            aws_sdk_kms::types::Tag::builder()
                .tag_key(*k)
                .tag_value(*v)
                .build()
                .unwrap(),
        );
    }
    let id = req
        .send()
        .await
        .expect("CreateKey")
        .key_metadata()
        .unwrap()
        .key_id()
        .to_string();
    a.kms
        .enable_key_rotation()
        .key_id(&id)
        .send()
        .await
        .expect("EnableKeyRotation");
    if let Some(alias) = alias {
        a.kms
            .create_alias()
            .alias_name(alias)
            .target_key_id(&id)
            .send()
            .await
            .expect("CreateAlias");
    }
    id
}

async fn log_group(a: &Aws, name: &str) {
    a.logs
        .create_log_group()
        .log_group_name(name)
        .send()
        .await
        .unwrap_or_else(|e| panic!("CreateLogGroup {name}: {e:?}"));
}

async fn role(a: &Aws, name: &str, service: &str) -> String {
    let trust = serde_json::json!({
        "Version": "2012-10-17",
        "Statement": [{"Effect": "Allow", "Principal": {"Service": service}, "Action": "sts:AssumeRole"}]
    });
    let arn = a
        .iam
        .create_role()
        .role_name(name)
        .assume_role_policy_document(trust.to_string())
        .send()
        .await
        .unwrap_or_else(|e| panic!("CreateRole {name}: {e:?}"))
        .role()
        .unwrap()
        .arn()
        .to_string();
    let policy = serde_json::json!({
        "Version": "2012-10-17",
        "Statement": [{"Effect": "Allow", "Action": "logs:PutLogEvents", "Resource": "*"}]
    });
    a.iam
        .put_role_policy()
        .role_name(name)
        .policy_name("inline")
        .policy_document(policy.to_string())
        .send()
        .await
        .expect("PutRolePolicy");
    arn
}

/// Resources of no run, another run's fixture and leftovers, and a bucket
/// whose name only starts like [`RUN`]: the teardown of [`RUN`] must leave
/// every one of them.
async fn seed_bystanders(moto: &Moto, a: &Aws) {
    bucket(a, "unrelated-bucket").await;
    bucket(a, &format!("{RUN}e-not-this-run")).await;
    trail(a, "unrelated-trail", "unrelated-trail-bucket").await;
    key(a, &[], Some("alias/unrelated")).await;
    log_group(a, "remediate/cloudtrail").await;
    role(a, "remediate-vpc-flow-logs", "vpc-flow-logs.amazonaws.com").await;
    let out = fixture(moto, &["create", "--region", REGION, "--run-id", OTHER_RUN]);
    assert!(out.status.success(), "{}", show(&out));
    log_group(a, &format!("{OTHER_RUN}/cloudtrail")).await;
    role(
        a,
        &format!("{OTHER_RUN}-vpc-flow-logs"),
        "vpc-flow-logs.amazonaws.com",
    )
    .await;
    let other = format!("alias/{OTHER_RUN}-cloudtrail");
    key(a, &[("remediate:alias", &other)], None).await;
}

/// What `remediate apply` makes under the script's names and `undo` may
/// leave (or leaves when it fails): a non-empty access-log bucket, a log
/// group, roles, a key scheduled for deletion in 30 days, a flow log on the
/// default VPC, a started recorder with its channel and bucket.
async fn seed_what_apply_leaves(a: &Aws, run_id: &str) {
    let logs_bucket = format!("{run_id}-al-{ACCOUNT}-{REGION}");
    bucket(a, &logs_bucket).await;
    for i in 0..3 {
        a.s3.put_object()
            .bucket(&logs_bucket)
            .key(format!("access/{i}.log"))
            .body(aws_sdk_s3::primitives::ByteStream::from_static(
                b"a log line",
            ))
            .send()
            .await
            .expect("PutObject");
    }
    log_group(a, &format!("{run_id}/cloudtrail")).await;
    role(
        a,
        &format!("{run_id}-cloudtrail-to-logs"),
        "cloudtrail.amazonaws.com",
    )
    .await;
    let product_key = key(
        a,
        &[("remediate:alias", &format!("alias/{run_id}-cloudtrail"))],
        None,
    )
    .await;
    a.kms
        .schedule_key_deletion()
        .key_id(&product_key)
        .pending_window_in_days(30)
        .send()
        .await
        .expect("ScheduleKeyDeletion");
    let group = format!("{run_id}/vpc-flow-logs");
    log_group(a, &group).await;
    let role_arn = role(
        a,
        &format!("{run_id}-vpc-flow-logs"),
        "vpc-flow-logs.amazonaws.com",
    )
    .await;
    let default_vpc = a
        .ec2
        .describe_vpcs()
        .filters(
            aws_sdk_ec2::types::Filter::builder()
                .name("is-default")
                .values("true")
                .build(),
        )
        .send()
        .await
        .expect("DescribeVpcs")
        .vpcs()
        .first()
        .and_then(|v| v.vpc_id().map(str::to_string))
        .expect("a default VPC");
    a.ec2
        .create_flow_logs()
        .resource_ids(default_vpc)
        .resource_type(aws_sdk_ec2::types::FlowLogsResourceType::Vpc)
        .traffic_type(aws_sdk_ec2::types::TrafficType::Reject)
        .log_group_name(&group)
        .deliver_logs_permission_arn(role_arn)
        .send()
        .await
        .expect("CreateFlowLogs");
    // The Config bucket, with the policy AWS Config needs to deliver.
    let config_bucket = format!("{run_id}-cfg-{ACCOUNT}-{REGION}");
    bucket(a, &config_bucket).await;
    fixtures::put_config_bucket_policy(&a.cfg, REGION, &config_bucket, ACCOUNT, None)
        .await
        .expect("put the Config bucket policy");
    let recorder = format!("{run_id}-recorder");
    a.config
        .put_configuration_recorder()
        .configuration_recorder(
            aws_sdk_config::types::ConfigurationRecorder::builder()
                .name(&recorder)
                .role_arn(format!(
                    "arn:aws:iam::{ACCOUNT}:role/aws-service-role/config.amazonaws.com/AWSServiceRoleForConfig"
                ))
                .recording_group(
                    aws_sdk_config::types::RecordingGroup::builder()
                        .all_supported(true)
                        .include_global_resource_types(true)
                        .build(),
                )
                .build(),
        )
        .send()
        .await
        .expect("PutConfigurationRecorder");
    a.config
        .put_delivery_channel()
        .delivery_channel(
            aws_sdk_config::types::DeliveryChannel::builder()
                .name(format!("{run_id}-channel"))
                .s3_bucket_name(&config_bucket)
                .build(),
        )
        .send()
        .await
        .expect("PutDeliveryChannel");
    a.config
        .start_configuration_recorder()
        .configuration_recorder_name(&recorder)
        .send()
        .await
        .expect("StartConfigurationRecorder");
}

/// Nothing of `run_id` is left but its keys, and those wait at most 7 days
/// (and an hour of slack) for deletion; everything in `before` is as it was.
async fn assert_only_run_removed(moto: &Moto, before: &State, run_id: &str, keys_made: usize) {
    let after = state(moto).await;
    assert_eq!(
        after.of_run(run_id),
        Vec::<String>::new(),
        "left of {run_id}"
    );
    let run_keys = keys_outside(moto, before, &after).await;
    assert_eq!(run_keys.len(), keys_made, "the run's keys: {run_keys:?}");
    for (id, st, when) in &run_keys {
        assert_eq!(st, "PendingDeletion", "key {id}");
        assert!(
            *when <= 7 * 86_400 + 3_600,
            "key {id} is deleted in {when} s, not within 7 days"
        );
    }
    let kept = State {
        keys: after
            .keys
            .iter()
            .filter(|(id, _)| before.keys.iter().any(|(b, _)| b == id))
            .cloned()
            .collect(),
        ..after
    };
    assert_eq!(&kept, before, "a resource that is not the run's changed");
}

// ---------------------------------------------------------------------------
// Refusals: one line, exit 1, nothing created
// ---------------------------------------------------------------------------

fn assert_refused(out: &Output, needles: &[&str]) {
    assert_eq!(out.status.code(), Some(1), "{}", show(out));
    let err = text(&out.stderr);
    let lines: Vec<&str> = err.lines().collect();
    assert_eq!(lines.len(), 1, "one line on stderr:\n{}", show(out));
    assert!(
        lines[0].starts_with("live-check: refusing: "),
        "{}",
        show(out)
    );
    for n in needles {
        assert!(lines[0].contains(n), "{n:?} in the refusal:\n{}", show(out));
    }
    assert!(!text(&out.stdout).contains("run id"), "{}", show(out));
}

#[tokio::test]
async fn refuses_without_a_named_sandbox_account() {
    let moto = Moto::start();
    let out = run(live_check(&moto, None, &[]));
    assert_refused(&out, &["REMEDIATE_LIVE_ACCOUNT is not set"]);
    let out = run(live_check(&moto, Some(""), &[]));
    assert_refused(&out, &["REMEDIATE_LIVE_ACCOUNT is not set"]);
    let out = run(live_check(&moto, Some("12345"), &[]));
    assert_refused(&out, &["12345", "not a 12-digit account id"]);
    assert!(state(&moto).await.is_pristine(), "{:?}", state(&moto).await);
}

#[tokio::test]
async fn refuses_credentials_of_another_account_and_creates_nothing() {
    let moto = Moto::start();
    let out = run(live_check(
        &moto,
        Some("111122223333"),
        &["--region", REGION],
    ));
    // Both ids, on one line.
    assert_refused(&out, &[ACCOUNT, "111122223333"]);
    // --dry-run checks the account too.
    let out = run(live_check(&moto, Some("111122223333"), &["--dry-run"]));
    assert_refused(&out, &[ACCOUNT, "111122223333"]);
    let s = state(&moto).await;
    assert!(s.is_pristine(), "the emulator is not as it was: {s:?}");
}

#[tokio::test]
async fn refuses_an_endpoint_that_is_not_a_local_emulator_or_a_bad_region() {
    let moto = Moto::start();
    // 192.0.2.1 is TEST-NET-1: never routed, and refused before any call.
    let mut cmd = live_check(&moto, Some(ACCOUNT), &[]);
    cmd.env("AWS_ENDPOINT_URL", "http://192.0.2.1:9");
    assert_refused(
        &run(cmd),
        &["AWS_ENDPOINT_URL=http://192.0.2.1:9", "not a loopback"],
    );

    let mut cmd = live_check(&moto, Some(ACCOUNT), &[]);
    cmd.env("AWS_ENDPOINT_URL_S3", "http://192.0.2.1:9");
    assert_refused(&run(cmd), &["AWS_ENDPOINT_URL_S3 is set"]);

    let out = run(live_check(&moto, Some(ACCOUNT), &["--region", "Mars-1"]));
    assert_refused(&out, &["Mars-1", "not an AWS region"]);
    assert!(state(&moto).await.is_pristine());
}

#[tokio::test]
async fn dry_run_names_the_run_and_changes_nothing() {
    let moto = Moto::start();
    let out = run(live_check(&moto, Some(ACCOUNT), &["--dry-run"]));
    assert_eq!(out.status.code(), Some(0), "{}", show(&out));
    let id = run_id_of(&out);
    let stdout = text(&out.stdout);
    assert!(stdout.contains("dry run: nothing is created"), "{stdout}");
    assert!(
        stdout.contains(&format!("{id}-trail-{ACCOUNT}-{REGION}")),
        "{stdout}"
    );
    assert!(state(&moto).await.is_pristine());
}

// ---------------------------------------------------------------------------
// The fixture
// ---------------------------------------------------------------------------

#[tokio::test]
async fn teardown_removes_the_run_and_nothing_else() {
    let moto = Moto::start();
    let a = aws(&moto).await;
    seed_bystanders(&moto, &a).await;
    let before = state(&moto).await;

    // A malformed run id could prefix other names: refused, nothing deleted.
    for bad in [
        "rlc",
        "rlc-",
        "rlc-1234abc",
        "rlc-1234ABCD",
        "unrelated",
        "",
    ] {
        let out = fixture(&moto, &["teardown", "--region", REGION, "--run-id", bad]);
        assert_eq!(out.status.code(), Some(1), "run id {bad:?}: {}", show(&out));
        assert!(text(&out.stderr).contains("must be rlc- followed by 8 lowercase hex digits"));
    }
    assert_eq!(state(&moto).await, before);

    let out = fixture(&moto, &["create", "--region", REGION, "--run-id", RUN]);
    assert!(out.status.success(), "{}", show(&out));
    let made = state(&moto).await;
    let fixture_bucket = format!("{RUN}-trail-{ACCOUNT}-{REGION}");
    assert!(made.buckets.contains(&fixture_bucket), "{made:?}");
    assert!(made.trails.contains(&format!("{RUN}-trail")), "{made:?}");
    assert!(
        made.aliases.contains(&format!("alias/{RUN}-fixture")),
        "{made:?}"
    );
    assert_eq!(
        made.vpcs
            .iter()
            .filter(|(_, t)| t.as_deref() == Some(RUN))
            .count(),
        1
    );
    assert_eq!(made.keys.len(), before.keys.len() + 1);
    // Tagged where taggable.
    let tags =
        a.s3.get_bucket_tagging()
            .bucket(&fixture_bucket)
            .send()
            .await
            .expect("GetBucketTagging");
    assert!(
        tags.tag_set()
            .iter()
            .any(|t| t.key() == TAG && t.value() == RUN)
    );

    seed_what_apply_leaves(&a, RUN).await;
    let listed = fixture(&moto, &["list", "--region", REGION, "--run-id", RUN]);
    assert!(listed.status.success(), "{}", show(&listed));
    let listed = text(&listed.stdout);
    for kind in [
        "trail ",
        "config-recorder ",
        "config-channel ",
        "flow-log ",
        "vpc ",
        "log-group ",
        "role ",
        "bucket ",
        "alias ",
        "key ",
    ] {
        assert!(
            listed.lines().any(|l| l.starts_with(kind)),
            "{kind} in list:\n{listed}"
        );
    }

    let out = fixture(&moto, &["teardown", "--region", REGION, "--run-id", RUN]);
    assert!(out.status.success(), "{}", show(&out));
    assert!(
        text(&out.stdout).contains(&format!("nothing of {RUN} is left")),
        "{}",
        show(&out)
    );
    // The fixture's key and the one "apply" made (shortened from 30 days to 7).
    assert_only_run_removed(&moto, &before, RUN, 2).await;

    // Again: nothing to do, and still nothing else touched.
    let out = fixture(&moto, &["teardown", "--region", REGION, "--run-id", RUN]);
    assert!(out.status.success(), "{}", show(&out));
    assert_only_run_removed(&moto, &before, RUN, 2).await;
}

// ---------------------------------------------------------------------------
// The whole script
// ---------------------------------------------------------------------------

fn assert_step(stdout: &str, step: &str, code: i32) {
    let want = format!("live-check: step {step}: exit {code} (expected)");
    assert!(stdout.contains(&want), "{want:?} in:\n{stdout}");
}

#[tokio::test]
async fn a_whole_run_passes_on_the_emulator_and_leaves_nothing() {
    let moto = Moto::start();
    let a = aws(&moto).await;
    // Bystanders that pass every control (a bucket no trail uses, a key that
    // rotates), so neither apply nor undo has a reason to touch them.
    bucket(&a, "unrelated-bucket").await;
    key(&a, &[], Some("alias/unrelated")).await;
    let before = state(&moto).await;

    let started = std::time::Instant::now();
    let out = run(live_check(&moto, Some(ACCOUNT), &["--region", REGION]));
    eprintln!("live-check took {:?}", started.elapsed());
    assert_eq!(out.status.code(), Some(0), "{}", show(&out));
    let stdout = text(&out.stdout);
    let id = run_id_of(&out);
    assert_step(&stdout, "create", 0);
    assert_step(&stdout, "plan-before", 2);
    assert_step(&stdout, "apply", 0);
    assert_step(&stdout, "plan-after", 0);
    // Undo keeps the access-log bucket the emulator filled with logs (it
    // holds data) and says so with exit 1; the teardown removes it.
    assert_step(&stdout, "undo", 1);
    assert!(
        stdout.contains("live-check: step undo: kept what holds data"),
        "{}",
        show(&out)
    );
    assert_step(&stdout, "plan-undone", 2);
    assert_step(&stdout, "teardown", 0);
    assert!(stdout.contains("Approximate cost of this run"), "{stdout}");
    assert!(stdout.contains("total (approximate)"), "{stdout}");
    assert!(
        stdout.contains(&format!("live-check: PASSED: run {id}")),
        "{stdout}"
    );
    // The fixture's key and the trail key apply made.
    assert_only_run_removed(&moto, &before, &id, 2).await;
}

/// A `remediate` that fails `apply` and runs the real one otherwise.
fn failing_apply(moto: &Moto) -> PathBuf {
    let path = moto.dir().join("remediate-failing-apply");
    std::fs::write(
        &path,
        format!(
            "#!/bin/sh\nfor a in \"$@\"; do [ \"$a\" = apply ] && {{ echo 'simulated apply failure' >&2; exit 1; }}; done\nexec '{}' \"$@\"\n",
            env!("CARGO_BIN_EXE_remediate")
        ),
    )
    .unwrap();
    use std::os::unix::fs::PermissionsExt;
    std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o755)).unwrap();
    path
}

#[tokio::test]
async fn a_failing_step_is_named_and_the_fixture_still_goes() {
    let moto = Moto::start();
    let before = state(&moto).await;
    let mut cmd = live_check(&moto, Some(ACCOUNT), &[]);
    cmd.env("REMEDIATE_BIN", failing_apply(&moto));
    let out = run(cmd);
    assert_eq!(out.status.code(), Some(1), "{}", show(&out));
    let stderr = text(&out.stderr);
    assert!(
        stderr.contains("FAILED at step apply (exit 1, expected 0)"),
        "{}",
        show(&out)
    );
    let stdout = text(&out.stdout);
    assert_step(&stdout, "teardown", 0);
    assert!(stdout.contains("total (approximate)"), "{stdout}");
    let id = run_id_of(&out);
    assert_only_run_removed(&moto, &before, &id, 1).await;
}

#[tokio::test]
async fn keep_leaves_the_fixture_after_a_failure_and_says_how_to_remove_it() {
    let moto = Moto::start();
    let before = state(&moto).await;
    let mut cmd = live_check(&moto, Some(ACCOUNT), &["--keep"]);
    cmd.env("REMEDIATE_BIN", failing_apply(&moto));
    let out = run(cmd);
    assert_eq!(out.status.code(), Some(1), "{}", show(&out));
    let id = run_id_of(&out);
    let stderr = text(&out.stderr);
    assert!(stderr.contains("--keep: the fixture"), "{}", show(&out));
    assert!(
        stderr.contains(&format!("teardown --region {REGION} --run-id {id}")),
        "{}",
        show(&out)
    );
    let kept = state(&moto).await;
    assert!(kept.trails.contains(&format!("{id}-trail")), "{kept:?}");

    // The command it prints removes it.
    let out = fixture(&moto, &["teardown", "--region", REGION, "--run-id", &id]);
    assert!(out.status.success(), "{}", show(&out));
    assert_only_run_removed(&moto, &before, &id, 1).await;
}

#[tokio::test]
async fn ctrl_c_during_a_step_still_tears_the_fixture_down() {
    use std::os::unix::process::CommandExt;
    let moto = Moto::start();
    let before = state(&moto).await;
    // A `remediate` whose apply hangs until interrupted.
    let started = moto.dir().join("apply-started");
    let slow = moto.dir().join("remediate-slow-apply");
    std::fs::write(
        &slow,
        format!(
            "#!/bin/sh\nfor a in \"$@\"; do [ \"$a\" = apply ] && {{ touch '{}'; exec sleep 60; }}; done\nexec '{}' \"$@\"\n",
            started.display(),
            env!("CARGO_BIN_EXE_remediate")
        ),
    )
    .unwrap();
    use std::os::unix::fs::PermissionsExt;
    std::fs::set_permissions(&slow, std::fs::Permissions::from_mode(0o755)).unwrap();

    let mut cmd = live_check(&moto, Some(ACCOUNT), &[]);
    cmd.env("REMEDIATE_BIN", &slow)
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        // Its own process group, as a terminal's Ctrl-C would signal.
        .process_group(0);
    let child = cmd.spawn().expect("start scripts/live-check");
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(60);
    while !started.exists() {
        assert!(std::time::Instant::now() < deadline, "apply never started");
        std::thread::sleep(std::time::Duration::from_millis(100));
    }
    let group = format!("-{}", child.id());
    let kill = Command::new("kill").args(["-INT", "--", &group]).status();
    assert!(kill.expect("run kill").success());
    let out = child
        .wait_with_output()
        .expect("wait for scripts/live-check");
    assert_eq!(out.status.code(), Some(130), "{}", show(&out));
    assert!(
        text(&out.stderr).contains("FAILED at step interrupted"),
        "{}",
        show(&out)
    );
    assert_step(&text(&out.stdout), "teardown", 0);
    let id = run_id_of(&out);
    assert_only_run_removed(&moto, &before, &id, 1).await;
}
