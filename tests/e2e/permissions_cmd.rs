//! `remediate permissions`: every call `apply` and `undo` make against the
//! emulator is in the policy printed for that command (what AWS checks
//! implicitly is covered by tests/pure/permissions.rs: no call shows it).

use remediate::permissions::{For, actions, iam_action};

use crate::TWO;
use crate::common::{self, Moto};

/// (service, operation) of every call listed after "API calls:" on stderr
/// (`  service   count  Op n, Op n`).
fn calls(stderr: &str) -> Vec<(String, String)> {
    let mut out = vec![];
    for line in stderr
        .lines()
        .skip_while(|l| !l.starts_with("API calls:"))
        .skip(1)
        .take_while(|l| l.starts_with("  "))
    {
        let (head, detail) = line.trim_start().rsplit_once("  ").unwrap_or_default();
        let service = head
            .trim_end()
            .rsplit_once(' ')
            .map_or(head, |x| x.0)
            .trim();
        for call in detail.split(", ") {
            let op = call.split(' ').next().unwrap_or_default();
            out.push((service.to_string(), op.to_string()));
        }
    }
    out
}

pub(crate) fn assert_allowed(stderr: &str, for_: For) {
    let made = calls(stderr);
    assert!(made.len() > 5, "no API call statistics: {stderr}");
    let allowed = actions(for_);
    for (service, op) in made {
        let action = iam_action(&service, &op);
        assert!(
            allowed.contains(&action.as_str()),
            "{action} ({service} {op}) is called but not in `permissions --for {for_:?}`"
        );
    }
}

#[test]
fn every_call_apply_and_undo_make_is_in_the_policy_printed_for_them() {
    let moto = Moto::start();
    common::seed_non_compliant(&moto);
    let run = |args: &[&str]| {
        let out = common::remediate_cmd(&moto).args(args).output().unwrap();
        let err = String::from_utf8_lossy(&out.stderr).to_string();
        // Undo exits 1 when it keeps something (here the access-log
        // buckets, which hold the logs S3 wrote since apply).
        let kept = err.contains("Kept, holds data") && !err.contains("Failed:");
        let ok = out.status.code() == Some(0) || (kept && out.status.code() == Some(1));
        assert!(ok, "{args:?}: {:?} {err}", out.status.code());
        (String::from_utf8_lossy(&out.stdout).to_string(), err)
    };
    let (_, err) = run(&[
        "apply",
        "--yes",
        "--regions",
        TWO,
        "--journal",
        "j.jsonl",
        "--stats",
    ]);
    assert_allowed(&err, For::Apply);
    let (_, err) = run(&["undo", "--yes", "j.jsonl", "--stats"]);
    assert!(err.contains("Undo complete: "), "{err}");
    assert_allowed(&err, For::Undo);

    let (policy, _) = run(&["permissions", "--for", "undo"]);
    let doc: serde_json::Value = serde_json::from_str(&policy).unwrap();
    let printed: Vec<&str> = doc["Statement"]
        .as_array()
        .unwrap()
        .iter()
        .flat_map(|s| s["Action"].as_array().unwrap())
        .map(|a| a.as_str().unwrap())
        .collect();
    for a in [
        "iam:DeleteServiceLinkedRole",
        "iam:GetServiceLinkedRoleDeletionStatus",
        "logs:DeleteLogDelivery",
    ] {
        assert!(printed.contains(&a), "{a}: {policy}");
    }
}

/// An organization run's caller also lists the accounts and assumes the
/// member role: `permissions --org` says so (the member role itself needs
/// only the plain policy, which the StackSet template carries).
#[test]
fn the_organization_caller_policy_adds_the_listing_and_the_assume_role() {
    let out = assert_cmd::Command::new(env!("CARGO_BIN_EXE_remediate"))
        .args([
            "permissions",
            "--for",
            "plan",
            "--org",
            "--role",
            "RemediatePlan",
        ])
        .output()
        .unwrap();
    assert!(out.status.success());
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let statements = v["Statement"].as_array().unwrap();
    let actions: Vec<String> = statements
        .iter()
        .flat_map(|s| match &s["Action"] {
            serde_json::Value::String(a) => vec![a.clone()],
            serde_json::Value::Array(a) => {
                a.iter().map(|x| x.as_str().unwrap().to_string()).collect()
            }
            _ => vec![],
        })
        .collect();
    for a in remediate::org::CALLER_ACTIONS
        .iter()
        .chain(&["sts:AssumeRole"])
    {
        assert!(actions.iter().any(|x| x == a), "{a}");
    }
    assert!(
        statements
            .iter()
            .any(|s| s["Resource"] == "arn:aws:iam::*:role/RemediatePlan")
    );
}
