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
            "has format version 9; this remediate reads version 1",
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
