//! Fault injection: the `remediate` binary through a proxy that throttles,
//! fails (500/503) and drops requests on their way to the emulator. Retried
//! faults must not change what the tool sees (plan) nor what it makes
//! (apply converges, nothing is created twice).
//!
//! Each test prints its timings and the proxy's fault counts (`--nocapture`);
//! `FAULTS_VERBOSE=1` also prints the whole output of failed apply runs.

use crate::common;

use std::collections::{BTreeMap, BTreeSet};
use std::time::{Duration, Instant};

use aws_sdk_s3::error::ProvideErrorMetadata;
use serde_json::Value;

use crate::common::proxy::{FaultKind, Proxy, ProxyConfig};
use crate::common::{Clients, Moto, fixtures};

const REGIONS: [&str; 2] = ["us-east-1", "eu-west-1"];
const TWO: &str = "us-east-1,eu-west-1";

fn rt() -> tokio::runtime::Runtime {
    tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .unwrap()
}

fn seed_non_compliant(moto: &Moto) {
    rt().block_on(async {
        let cfg = common::sdk_config(&moto.url).await;
        fixtures::non_compliant(&cfg, &REGIONS).await.unwrap();
    });
}

struct Run {
    code: i32,
    stdout: String,
    stderr: String,
    took: Duration,
}

/// `remediate <args>` with its endpoint at `endpoint` (moto or a proxy).
fn run(moto: &Moto, endpoint: &str, args: &[&str]) -> Run {
    let started = Instant::now();
    let out = common::remediate_cmd(moto)
        .env("AWS_ENDPOINT_URL", endpoint)
        .args(args)
        .output()
        .unwrap();
    Run {
        code: out.status.code().unwrap_or(-1),
        stdout: String::from_utf8_lossy(&out.stdout).into_owned(),
        stderr: String::from_utf8_lossy(&out.stderr).into_owned(),
        took: started.elapsed(),
    }
}

/// `remediate plan --format json --regions us-east-1,eu-west-1 <extra>`.
fn plan(moto: &Moto, endpoint: &str, extra: &[&str]) -> (Run, Value) {
    let mut args = vec!["plan", "--format", "json", "--regions", TWO];
    args.extend_from_slice(extra);
    let r = run(moto, endpoint, &args);
    let json: Value = serde_json::from_str(&r.stdout).unwrap_or_else(|e| {
        panic!(
            "plan stdout is not JSON ({e}); exit {}; stderr:\n{}",
            r.code, r.stderr
        )
    });
    (r, json)
}

/// The plan's `actions` and `findings` are the same in both.
fn assert_same_plan(direct: &Value, other: &Value, what: &str) {
    for key in ["findings", "actions"] {
        assert!(
            direct[key].is_array(),
            "direct plan has no {key} array: {direct}"
        );
        let a = serde_json::to_string_pretty(&direct[key]).unwrap();
        let b = serde_json::to_string_pretty(&other[key]).unwrap();
        if a != b {
            let diff = similar::TextDiff::from_lines(&a, &b)
                .unified_diff()
                .context_radius(3)
                .header("direct", what)
                .to_string();
            panic!("{key} differ between the direct plan and {what}:\n{diff}");
        }
    }
}

/// Seeds, plans directly, then plans through a proxy with `cfg` and `extra`
/// arguments; asserts the plans are equal. Returns the proxy's counts.
fn plan_through_proxy(cfg: ProxyConfig, extra: &[&str], what: &str) -> common::proxy::Counts {
    let moto = Moto::start();
    seed_non_compliant(&moto);
    let (direct, direct_plan) = plan(&moto, &moto.url, &[]);
    assert_eq!(direct.code, 2, "direct plan: {}", direct.stderr);
    let proxy = Proxy::start(&moto.url, cfg);
    let (via, via_plan) = plan(&moto, &proxy.url, extra);
    let counts = proxy.counts();
    eprintln!(
        "{what}: direct plan {:?}, through the proxy {:?}; proxy: {counts}",
        direct.took, via.took
    );
    assert_eq!(
        via.code, 2,
        "plan through the proxy ({what}; {counts}):\n{}",
        via.stderr
    );
    assert!(
        !via.stderr.contains("warning:"),
        "plan through the proxy warned ({what}; {counts}):\n{}",
        via.stderr
    );
    assert_same_plan(&direct_plan, &via_plan, what);
    assert_eq!(counts.upstream_errors, 0, "{counts}");
    counts
}

#[test]
fn plan_with_20_percent_faults_gives_the_same_plan_as_without() {
    let counts = plan_through_proxy(
        ProxyConfig::faults(0.2, 20, &FaultKind::ALL),
        &["--max-attempts", "10"],
        "20% faults of every kind",
    );
    assert!(counts.faults() > 0, "no fault was injected: {counts}");
    for (kind, n) in [
        ("throttle", counts.throttle),
        ("500", counts.http500),
        ("503", counts.http503),
        ("drop", counts.drop),
    ] {
        assert!(n > 0, "no {kind} fault was injected: {counts}");
    }
}

#[test]
fn adaptive_retry_mode_through_faults_gives_the_same_plan() {
    let counts = plan_through_proxy(
        ProxyConfig::faults(0.2, 5, &FaultKind::ALL),
        &["--retry-mode", "adaptive", "--max-attempts", "10"],
        "20% faults, adaptive retries",
    );
    assert!(counts.throttle > 0, "no throttle was injected: {counts}");
}

#[test]
fn fixed_50ms_latency_without_faults_gives_the_same_plan() {
    let counts = plan_through_proxy(
        ProxyConfig::latency(Duration::from_millis(50)),
        &[],
        "50 ms latency",
    );
    assert_eq!(counts.faults(), 0);
    assert!(counts.requests > 0);
}

// ---------------------------------------------------------------------------
// apply
// ---------------------------------------------------------------------------

/// Everything the duplicate checks look at, read with the SDK.
#[derive(Debug, Default)]
struct Account {
    /// Trail ARN -> name (each trail once, shadow copies folded).
    trails: BTreeMap<String, String>,
    /// region -> customer recorder names
    recorders: BTreeMap<String, Vec<String>>,
    /// region -> delivery channel names
    channels: BTreeMap<String, Vec<String>>,
    /// region -> VPC id -> flow log ids
    flow_logs: BTreeMap<String, BTreeMap<String, Vec<String>>>,
    /// region -> VPC ids
    vpcs: BTreeMap<String, Vec<String>>,
    /// region -> key ids
    keys: BTreeMap<String, BTreeSet<String>>,
    /// region -> alias name -> target key id
    aliases: BTreeMap<String, BTreeMap<String, String>>,
    /// bucket -> policy document
    bucket_policies: BTreeMap<String, Value>,
    /// role -> inline policy name -> document
    role_policies: BTreeMap<String, BTreeMap<String, Value>>,
    /// "region key-id" -> key policy (keys behind remediate's alias)
    key_policies: BTreeMap<String, Value>,
}

fn parse_policy(doc: &str) -> Value {
    serde_json::from_str(doc)
        .or_else(|_| serde_json::from_str(&urlencoding::decode(doc).unwrap()))
        .unwrap_or_else(|e| panic!("policy is not JSON ({e}): {doc}"))
}

async fn read_account(moto: &Moto) -> Account {
    let cfg = common::sdk_config(&moto.url).await;
    let mut acc = Account::default();
    for region in REGIONS {
        let c = Clients::new(&cfg, region);
        let trails = c.cloudtrail.describe_trails().send().await.unwrap();
        for t in trails.trail_list() {
            acc.trails.insert(
                t.trail_arn().unwrap_or_default().to_owned(),
                t.name().unwrap_or_default().to_owned(),
            );
        }
        let recs = c
            .config
            .describe_configuration_recorders()
            .send()
            .await
            .unwrap();
        acc.recorders.insert(
            region.to_owned(),
            recs.configuration_recorders()
                .iter()
                .filter_map(|r| r.name())
                .filter(|n| !n.starts_with("AWSConfigurationRecorderFor"))
                .map(str::to_owned)
                .collect(),
        );
        let chans = c.config.describe_delivery_channels().send().await.unwrap();
        acc.channels.insert(
            region.to_owned(),
            chans
                .delivery_channels()
                .iter()
                .filter_map(|d| d.name().map(str::to_owned))
                .collect(),
        );
        let vpcs = fixtures::vpc_ids(&cfg, region).await.unwrap();
        let fls = c.ec2.describe_flow_logs().send().await.unwrap();
        let mut by_vpc: BTreeMap<String, Vec<String>> = BTreeMap::new();
        for f in fls.flow_logs() {
            by_vpc
                .entry(f.resource_id().unwrap_or_default().to_owned())
                .or_default()
                .push(f.flow_log_id().unwrap_or_default().to_owned());
        }
        acc.flow_logs.insert(region.to_owned(), by_vpc);
        acc.vpcs.insert(region.to_owned(), vpcs);
        let keys = c.kms.list_keys().limit(1000).send().await.unwrap();
        acc.keys.insert(
            region.to_owned(),
            keys.keys()
                .iter()
                .filter_map(|k| k.key_id().map(str::to_owned))
                .collect(),
        );
        let aliases = c.kms.list_aliases().limit(100).send().await.unwrap();
        let mut names = BTreeMap::new();
        for a in aliases.aliases() {
            if let (Some(n), Some(k)) = (a.alias_name(), a.target_key_id()) {
                names.insert(n.to_owned(), k.to_owned());
            }
        }
        if let Some(key) = names.get("alias/remediate-cloudtrail") {
            let p = c
                .kms
                .get_key_policy()
                .key_id(key)
                .policy_name("default")
                .send()
                .await
                .unwrap();
            acc.key_policies.insert(
                format!("{region} {key}"),
                parse_policy(p.policy().unwrap_or("{}")),
            );
        }
        acc.aliases.insert(region.to_owned(), names);
    }
    let c = Clients::new(&cfg, "us-east-1");
    let buckets = c.s3.list_buckets().send().await.unwrap();
    for b in buckets.buckets() {
        let name = b.name().unwrap_or_default();
        let region =
            c.s3.get_bucket_location()
                .bucket(name)
                .send()
                .await
                .unwrap()
                .location_constraint()
                .map(|l| l.as_str().to_owned())
                .filter(|l| !l.is_empty())
                .unwrap_or_else(|| "us-east-1".to_owned());
        let rc = Clients::new(&cfg, &region);
        match rc.s3.get_bucket_policy().bucket(name).send().await {
            Ok(p) => {
                acc.bucket_policies
                    .insert(name.to_owned(), parse_policy(p.policy().unwrap_or("{}")));
            }
            Err(e) if e.code() == Some("NoSuchBucketPolicy") => {}
            Err(e) => panic!("get policy of bucket {name}: {e:?}"),
        }
    }
    let roles = c.iam.list_roles().max_items(1000).send().await.unwrap();
    for role in roles.roles() {
        let name = role.role_name();
        let names = c
            .iam
            .list_role_policies()
            .role_name(name)
            .send()
            .await
            .unwrap();
        let mut docs = BTreeMap::new();
        for p in names.policy_names() {
            let doc = c
                .iam
                .get_role_policy()
                .role_name(name)
                .policy_name(p)
                .send()
                .await
                .unwrap();
            docs.insert(p.clone(), parse_policy(doc.policy_document()));
        }
        acc.role_policies.insert(name.to_owned(), docs);
    }
    acc
}

/// Sids appear once, and no statement appears twice.
fn duplicate_statements(policy: &Value) -> Vec<String> {
    let statements = match &policy["Statement"] {
        Value::Array(a) => a.clone(),
        Value::Null => Vec::new(),
        one => vec![one.clone()],
    };
    let mut problems = Vec::new();
    let mut sids = BTreeSet::new();
    let mut seen = BTreeSet::new();
    for s in &statements {
        if let Some(sid) = s["Sid"].as_str().filter(|s| !s.is_empty())
            && !sids.insert(sid.to_owned())
        {
            problems.push(format!("Sid {sid} twice"));
        }
        if !seen.insert(s.to_string()) {
            problems.push(format!("statement twice: {s}"));
        }
    }
    problems
}

/// What exists twice (nothing should); `before` is the seeded account.
fn duplicates(before: &Account, after: &Account) -> Vec<String> {
    let mut problems = Vec::new();
    let new_trails: Vec<_> = after
        .trails
        .iter()
        .filter(|(arn, _)| !before.trails.contains_key(*arn))
        .collect();
    if new_trails.len() > 1 {
        problems.push(format!("{} new trails: {new_trails:?}", new_trails.len()));
    }
    for (arn, name) in &new_trails {
        if *name != "remediate-trail" {
            problems.push(format!("unexpected new trail {arn}"));
        }
    }
    for region in REGIONS {
        let recs = &after.recorders[region];
        if recs.len() != 1 {
            problems.push(format!("{region}: customer recorders {recs:?}"));
        }
        let chans = &after.channels[region];
        if chans.len() != 1 {
            problems.push(format!("{region}: delivery channels {chans:?}"));
        }
        for vpc in &after.vpcs[region] {
            let logs = after.flow_logs[region]
                .get(vpc)
                .cloned()
                .unwrap_or_default();
            if logs.len() != 1 {
                problems.push(format!("{region}: VPC {vpc} has flow logs {logs:?}"));
            }
        }
        // Every key the tool made is the one behind its alias: a retried
        // CreateKey whose answer was lost would leave an orphan key.
        let new_keys: BTreeSet<_> = after.keys[region]
            .difference(&before.keys[region])
            .cloned()
            .collect();
        let aliased: BTreeSet<_> = after.aliases[region]
            .iter()
            .filter(|(n, _)| n.as_str() == "alias/remediate-cloudtrail")
            .map(|(_, k)| k.clone())
            .collect();
        if new_keys != aliased {
            problems.push(format!(
                "{region}: new keys {new_keys:?} but alias/remediate-cloudtrail -> {aliased:?}"
            ));
        }
    }
    for (bucket, policy) in &after.bucket_policies {
        for p in duplicate_statements(policy) {
            problems.push(format!("bucket {bucket} policy: {p}"));
        }
    }
    for (role, docs) in &after.role_policies {
        for (name, doc) in docs {
            for p in duplicate_statements(doc) {
                problems.push(format!("role {role} policy {name}: {p}"));
            }
        }
    }
    for (key, policy) in &after.key_policies {
        for p in duplicate_statements(policy) {
            problems.push(format!("key {key} policy: {p}"));
        }
    }
    problems
}

/// The failure lines of a run (for the log).
fn error_lines(r: &Run) -> String {
    r.stderr
        .lines()
        .chain(r.stdout.lines())
        .filter(|l| {
            let t = l.trim_start();
            t.starts_with("error:")
                || t.starts_with("WARN")
                || t.starts_with("Apply complete")
                || (t.starts_with('✗') && t.contains(" failed: "))
        })
        .collect::<Vec<_>>()
        .join("\n")
}

/// Seeds, applies through a proxy with `cfg` (rerunning apply until it
/// exits 0, at most `max_runs` runs), then checks convergence and duplicates.
fn apply_through_proxy(cfg: ProxyConfig, what: &str, max_runs: usize) -> common::proxy::Counts {
    let moto = Moto::start();
    seed_non_compliant(&moto);
    let before = rt().block_on(read_account(&moto));
    let proxy = Proxy::start(&moto.url, cfg);
    let mut runs = Vec::new();
    for attempt in 1..=max_runs {
        let r = run(
            &moto,
            &proxy.url,
            &["apply", "--yes", "--max-attempts", "10", "--regions", TWO],
        );
        eprintln!(
            "{what}: apply run {attempt}: exit {} in {:?}; proxy so far: {}",
            r.code,
            r.took,
            proxy.counts()
        );
        if r.code != 0 {
            eprintln!("{what}: apply run {attempt} errors:\n{}", error_lines(&r));
            if std::env::var_os("FAULTS_VERBOSE").is_some() {
                eprintln!("--- stdout\n{}\n--- stderr\n{}", r.stdout, r.stderr);
            }
        }
        let done = r.code == 0;
        runs.push(r);
        if done {
            break;
        }
    }
    let counts = proxy.counts();
    drop(proxy);
    assert_eq!(counts.upstream_errors, 0, "{counts}");
    let last = runs.last().unwrap();
    assert_eq!(
        last.code,
        0,
        "apply did not succeed in {} runs ({what}; {counts}); last stderr:\n{}\nstdout:\n{}",
        runs.len(),
        last.stderr,
        last.stdout
    );
    let (check, json) = plan(&moto, &moto.url, &[]);
    let after = rt().block_on(read_account(&moto));
    let mut problems = duplicates(&before, &after);
    if check.code != 0 {
        let ids: Vec<&str> = json["actions"]
            .as_array()
            .map(|a| a.iter().filter_map(|x| x["id"].as_str()).collect())
            .unwrap_or_default();
        problems.push(format!(
            "a plan after apply exits {} with actions {ids:?}; stderr: {}",
            check.code,
            check.stderr.trim()
        ));
    }
    assert!(
        problems.is_empty(),
        "after apply ({what}; {counts}):\n  {}",
        problems.join("\n  ")
    );
    counts
}

#[test]
fn apply_with_20_percent_faults_converges_without_duplicates() {
    let counts = apply_through_proxy(
        ProxyConfig::faults(
            0.2,
            42,
            &[FaultKind::Throttle, FaultKind::Http500, FaultKind::Http503],
        ),
        "20% throttles/500/503",
        1,
    );
    assert!(counts.faults() > 0, "no fault was injected: {counts}");
}

/// Drop = the request reaches moto and its answer is lost; the SDK retries
/// it. Reads and put-style writes are safe; creates are made so: CreateKey
/// is sent once and found again by its tag, and the "already exists" a
/// retried CreateAlias / CreateServiceLinkedRole / CreateFlowLogs meets is
/// read back as success, so one run must converge. Which request loses its
/// answer depends on timing, so two scenarios are run.
#[test]
fn apply_with_dropped_answers_converges_without_duplicates() {
    for seed in [9, 26] {
        let counts = apply_through_proxy(
            ProxyConfig::faults(0.2, seed, &FaultKind::ALL),
            &format!("20% faults with dropped answers, seed {seed}"),
            1,
        );
        assert!(counts.drop > 0, "no answer was dropped: {counts}");
    }
}
