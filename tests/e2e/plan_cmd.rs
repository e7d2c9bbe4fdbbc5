//! `remediate plan` through the emulator: it never writes, it is
//! deterministic, it scans every region, and bad input changes nothing.

use remediate::collect::{self, CollectOptions};
use remediate::snapshot::Snapshot;

use crate::common::{self, Moto};
use crate::{TWO, plan_json, rt};

async fn read_all(moto: &Moto) -> Snapshot {
    let aws = common::product_aws(&moto.url, 5).await;
    let opts = CollectOptions {
        regions: Some(vec!["us-east-1".into(), "eu-west-1".into()]),
        ..Default::default()
    };
    collect::collect(&aws, &opts, &|_| {}).await.unwrap()
}

use common::seed_non_compliant;

#[test]
fn plan_writes_nothing_and_makes_only_read_calls() {
    let moto = Moto::start();
    seed_non_compliant(&moto);
    let before = rt().block_on(read_all(&moto));
    let (code, plan, _) = plan_json(&moto, &["--regions", TWO, "--stats"]);
    assert_eq!(code, 2);
    for (service, ops) in plan["api_calls"].as_object().unwrap() {
        for op in ops.as_object().unwrap().keys() {
            assert!(
                remediate::aws::is_read_operation(op),
                "plan made a write call {service}:{op}"
            );
        }
    }
    let after = rt().block_on(read_all(&moto));
    assert_eq!(before, after, "the account changed during plan");
}

#[test]
fn two_plans_of_the_same_account_are_byte_identical_in_every_format() {
    let moto = Moto::start();
    seed_non_compliant(&moto);
    for format in ["text", "json", "markdown"] {
        let run = || {
            common::remediate_cmd(&moto)
                .args(["plan", "--regions", TWO, "--format", format])
                .output()
                .unwrap()
                .stdout
        };
        let a = run();
        assert!(!a.is_empty());
        assert_eq!(a, run(), "{format} output differs between runs");
    }
}

#[test]
fn scanning_every_emulator_region_works_and_calls_grow_with_regions() {
    let moto = Moto::start();
    let calls = |regions: Option<&str>| {
        let mut args = vec!["--stats"];
        if let Some(r) = regions {
            args.extend(["--regions", r]);
        }
        let (_, plan, stderr) = plan_json(&moto, &args);
        assert!(!stderr.contains("warning:"), "{stderr}");
        let total: u64 = plan["api_calls"]
            .as_object()
            .unwrap()
            .values()
            .flat_map(|o| o.as_object().unwrap().values())
            .map(|v| v.as_u64().unwrap())
            .sum();
        (total, plan["regions"].as_array().unwrap().len() as u64)
    };
    // warm up: moto makes each region's default VPC on first EC2 use
    calls(None);
    let (all, n) = calls(None);
    assert!(n >= 16, "only {n} regions scanned");
    let (one, _) = calls(Some("us-east-1"));
    let (two, _) = calls(Some("us-east-1,eu-west-1"));
    let per_region = two - one;
    // regions + resources, never regions x resources: every extra region costs the same
    assert_eq!(
        all - one,
        per_region * (n - 1),
        "all={all} one={one} two={two} n={n}"
    );
    eprintln!("calls: 1 region {one}, 2 regions {two}, {n} regions {all}");
}

#[test]
fn saved_plan_matches_the_schema_and_can_be_shown_in_every_format() {
    let moto = Moto::start();
    seed_non_compliant(&moto);
    let out = common::remediate_cmd(&moto)
        .args(["plan", "--regions", TWO, "--out", "plan.json"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    let path = moto.dir().join("plan.json");
    // the real plan file matches the published schema
    let doc: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(&path).unwrap()).unwrap();
    let v = jsonschema::validator_for(&remediate::plan::file::schema()).unwrap();
    let errors: Vec<String> = v
        .iter_errors(&doc)
        .map(|e| format!("{e} at {}", e.instance_path()))
        .take(5)
        .collect();
    assert!(errors.is_empty(), "{errors:#?}");
    for format in ["text", "json", "markdown"] {
        let shown = common::remediate_cmd(&moto)
            .args(["show", path.to_str().unwrap(), "--format", format])
            .output()
            .unwrap();
        assert!(
            shown.status.success(),
            "{}",
            String::from_utf8_lossy(&shown.stderr)
        );
        assert!(String::from_utf8_lossy(&shown.stdout).contains("put_bucket_policy"));
    }
}

#[test]
fn bad_input_is_one_line_exit_1_and_changes_nothing() {
    let moto = Moto::start();
    std::fs::write(
        moto.dir().join("bad.toml"),
        "log_retention_days = 365\nretention_day = 3\n",
    )
    .unwrap();
    std::fs::write(moto.dir().join("broken.toml"), "log_retention_days = [\n").unwrap();
    std::fs::write(moto.dir().join("v9.json"), "{\"format_version\": 9}").unwrap();
    let cases: &[(&[&str], &str)] = &[
        (&["plan", "--control", "2.10"], "unknown control \"2.10\""),
        (
            &["plan", "--config", "bad.toml"],
            "line 2: unknown field `retention_day`",
        ),
        (&["plan", "--config", "broken.toml"], "bad.toml"),
        (
            &["plan", "--config", "missing.toml"],
            "cannot read config missing.toml",
        ),
        (
            &["plan", "--regions", "mars-north-1"],
            "unknown or disabled region \"mars-north-1\"",
        ),
        (
            &["apply", "--yes", "nothing.json"],
            "cannot read plan file nothing.json",
        ),
        (
            &["apply", "--yes", "v9.json"],
            "has format version 9; this remediate reads version 2",
        ),
        (
            &[
                "plan",
                "--endpoint-url",
                "http://127.0.0.1:1",
                "--max-attempts",
                "1",
            ],
            "cannot reach the AWS endpoint",
        ),
    ];
    for (args, want) in cases {
        let out = common::remediate_cmd(&moto).args(*args).output().unwrap();
        let err = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(1), "{args:?}: {err}");
        let want = if *want == "bad.toml" {
            "broken.toml: line"
        } else {
            want
        };
        assert!(err.contains(want), "{args:?}: {err}");
        assert_eq!(
            err.trim_end()
                .lines()
                .filter(|l| l.starts_with("error:"))
                .count(),
            1,
            "{args:?}: {err}"
        );
        assert!(
            out.stdout.is_empty()
                || !String::from_utf8_lossy(&out.stdout).contains("Apply complete")
        );
    }
    // Usage errors and senseless values: refused before any AWS call (the
    // emulator sees no request), one line, exit 1 (never 2, "drift found"),
    // and no stray file.
    let requests = |m: &Moto| {
        m.log_tail(usize::MAX)
            .lines()
            .filter(|l| l.contains(" HTTP/1.1\""))
            .count()
    };
    let seen = requests(&moto);
    assert!(
        seen > 0,
        "the emulator's log lists the requests it answered"
    );
    let files = || {
        let mut v: Vec<String> = std::fs::read_dir(moto.dir())
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().to_string())
            .filter(|n| !n.starts_with("moto-"))
            .collect();
        v.sort();
        v
    };
    let before = files();
    for (args, want) in USAGE_CASES {
        let out = common::remediate_cmd(&moto).args(*args).output().unwrap();
        assert_usage_error(&out, args, want);
    }
    assert_eq!(requests(&moto), seen, "a usage error made an AWS call");
    assert_eq!(files(), before, "a refused command left a file behind");

    // no credentials anywhere in the chain
    let out = common::remediate_cmd(&moto)
        .env_remove("AWS_ACCESS_KEY_ID")
        .env_remove("AWS_SECRET_ACCESS_KEY")
        .args(["plan"])
        .output()
        .unwrap();
    let err = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(1), "{err}");
    assert!(
        err.starts_with("error: ") && err.contains("no usable AWS credentials"),
        "{err}"
    );
    assert_eq!(err.trim_end().lines().count(), 1, "{err}");
}

#[test]
fn shell_completions_are_generated() {
    for shell in ["bash", "zsh", "fish"] {
        let out = assert_cmd::Command::new(env!("CARGO_BIN_EXE_remediate"))
            .args(["completions", shell])
            .output()
            .unwrap();
        assert!(out.status.success());
        let text = String::from_utf8_lossy(&out.stdout);
        assert!(
            text.contains("remediate") && text.contains("apply"),
            "{shell}"
        );
    }
}

/// Exit 1, nothing on stdout, one line on stderr: `error: …want…`.
fn assert_usage_error(out: &std::process::Output, args: &[&str], want: &str) {
    let err = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(1), "{args:?}: {err}");
    assert!(
        err.starts_with("error: ") && err.contains(want),
        "{args:?}: {err}"
    );
    assert_eq!(err.trim_end().lines().count(), 1, "{args:?}: {err}");
    assert!(out.stdout.is_empty(), "{args:?}");
}

/// Usage errors and values that make no sense, with what the one line says.
const USAGE_CASES: &[(&[&str], &str)] = &[
    (&[], "no command given: use one of plan, apply, show, undo"),
    (&["plan", "--bogus"], "unexpected argument '--bogus' found"),
    (&["plan", "--regionz", "x"], "a similar argument exists"),
    (&["plan", "--format"], "a value is required for '--format"),
    (&["plan", "--format", "yaml"], "invalid value 'yaml'"),
    (
        &["plan", "--concurrency", "0"],
        "'--concurrency <CONCURRENCY>': must be at least 1",
    ),
    (&["plan", "--concurrency", "many"], "not a whole number"),
    (
        &["apply", "--yes", "--max-attempts", "0"],
        "must be between 1 and 20",
    ),
    (
        &["plan", "--max-attempts", "21"],
        "must be between 1 and 20",
    ),
    (
        &["apply", "--iam-propagation-seconds", "4000"],
        "must be between 0 and 3600",
    ),
    (
        &["apply", "--yes", "--step"],
        "'--yes' cannot be used with '--step'",
    ),
    (
        &["permissions"],
        "required arguments were not provided: --for",
    ),
    (
        &["permissions", "--for", "all"],
        "[possible values: plan, apply, undo]",
    ),
    (&["undo"], "required arguments were not provided: <JOURNAL>"),
    (&["completions", "tcsh"], "invalid value 'tcsh'"),
    (
        &["plan", "--out", "no-such-dir/plan.json"],
        "cannot write the plan to no-such-dir/plan.json: no directory no-such-dir",
    ),
    (
        &["plan", "--out", "."],
        "cannot write the plan to .: it is a directory",
    ),
    (
        &["apply", "--yes", "--journal", "no-such-dir/j.jsonl"],
        "cannot write the journal to no-such-dir/j.jsonl",
    ),
    (
        &["plan", "--region", ""],
        "no region: set --region or AWS_REGION",
    ),
    (
        &["plan", "--regions", "us-east-1,,eu-west-1"],
        "empty region name",
    ),
];

/// The same without any emulator: the endpoint is closed, so a command that
/// made an AWS call would fail with "cannot reach the AWS endpoint" instead.
#[test]
fn usage_errors_exit_1_with_one_line_before_any_aws_call() {
    let dir = tempfile::tempdir().unwrap();
    let cmd = |args: &[&str], region: &str| {
        assert_cmd::Command::new(env!("CARGO_BIN_EXE_remediate"))
            .env_clear()
            .env("PATH", std::env::var_os("PATH").unwrap_or_default())
            .env("HOME", dir.path())
            .env("AWS_ACCESS_KEY_ID", "testing")
            .env("AWS_SECRET_ACCESS_KEY", "testing")
            .env("AWS_REGION", region)
            .env("AWS_ENDPOINT_URL", "http://127.0.0.1:1")
            .env("AWS_CONFIG_FILE", dir.path().join("none"))
            .env("AWS_SHARED_CREDENTIALS_FILE", dir.path().join("none"))
            .env("AWS_EC2_METADATA_DISABLED", "true")
            .env("NO_COLOR", "1")
            .current_dir(dir.path())
            .args(args)
            .timeout(std::time::Duration::from_secs(60))
            .output()
            .unwrap()
    };
    let mut cases: Vec<(&[&str], &str, &str)> = USAGE_CASES
        .iter()
        .map(|(a, w)| (*a, *w, "us-east-1"))
        .collect();
    // An empty AWS_REGION is named, not passed to the SDK as a region.
    cases.push((&["plan"], "no region: set --region or AWS_REGION", ""));
    cases.push((
        &["apply", "--yes"],
        "no region: set --region or AWS_REGION",
        " ",
    ));
    for (args, want, region) in cases {
        let out = cmd(args, region);
        assert_usage_error(&out, args, want);
        let err = String::from_utf8_lossy(&out.stderr);
        assert!(
            !err.contains("cannot reach"),
            "{args:?} made an AWS call: {err}"
        );
    }
    assert_eq!(
        std::fs::read_dir(dir.path()).unwrap().count(),
        0,
        "a refused command left a file behind"
    );
    // the control: a valid command does try the (closed) endpoint
    let out = cmd(&["plan", "--max-attempts", "1"], "us-east-1");
    assert!(String::from_utf8_lossy(&out.stderr).contains("cannot reach the AWS endpoint"));
    // --help and --version are not errors: stdout, exit 0
    for args in [
        &["--help"][..],
        &["--version"],
        &["plan", "--help"],
        &["help", "apply"],
    ] {
        let out = cmd(args, "us-east-1");
        assert_eq!(out.status.code(), Some(0), "{args:?}");
        assert!(!out.stdout.is_empty() && out.stderr.is_empty(), "{args:?}");
    }
}

/// `undo` of a journal written before journals had a format line (or of
/// another format) says so in one line, exits non-zero and changes nothing:
/// no AWS call (the endpoint is closed), no undo journal.
#[test]
fn undo_of_a_journal_of_another_format_is_refused_in_one_line_and_changes_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let entry = r#"{"seq":1,"time":"x","action_id":"create_bucket:us-east-1:b","region":"us-east-1","op":{"op":"create_bucket","bucket":"b"},"phase":"before","prior":null}"#;
    for (text, says) in [
        (format!("{entry}\n"), "has no journal format line"),
        (
            format!("{{\"journal\":\"remediate\",\"format\":1}}\n{entry}\n"),
            "is journal format 1 and this remediate reads format 3",
        ),
        (
            format!("{{\"journal\":\"remediate\",\"format\":2}}\n{entry}\n"),
            "is journal format 2 and this remediate reads format 3",
        ),
    ] {
        std::fs::write(dir.path().join("old.jsonl"), text).unwrap();
        let out = assert_cmd::Command::new(env!("CARGO_BIN_EXE_remediate"))
            .env_clear()
            .env("PATH", std::env::var_os("PATH").unwrap_or_default())
            .env("HOME", dir.path())
            .env("AWS_ACCESS_KEY_ID", "testing")
            .env("AWS_SECRET_ACCESS_KEY", "testing")
            .env("AWS_REGION", "us-east-1")
            .env("AWS_ENDPOINT_URL", "http://127.0.0.1:1")
            .env("AWS_CONFIG_FILE", dir.path().join("none"))
            .env("AWS_SHARED_CREDENTIALS_FILE", dir.path().join("none"))
            .env("AWS_EC2_METADATA_DISABLED", "true")
            .env("NO_COLOR", "1")
            .current_dir(dir.path())
            .args(["undo", "--yes", "old.jsonl"])
            .timeout(std::time::Duration::from_secs(60))
            .output()
            .unwrap();
        let err = String::from_utf8_lossy(&out.stderr);
        assert_ne!(out.status.code(), Some(0), "{err}");
        assert_eq!(err.trim().lines().count(), 1, "{err}");
        assert!(err.contains(says), "{err}");
        assert!(!dir.path().join("old.undo.jsonl").exists(), "{err}");
    }
}
