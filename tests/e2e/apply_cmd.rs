//! `remediate apply` / `undo` through the emulator: convergence, prompts in a
//! real pseudo-terminal, saved-plan checks, failures and undo.

use std::time::Duration;

use remediate::collect::{self, CollectOptions};
use remediate::execute::{Phase, read_journal};
use remediate::snapshot::Snapshot;

use crate::common::{self, Moto, fixtures};
use crate::{TWO, plan_json, rt};

use common::seed_non_compliant as seed;

pub(crate) fn read_all(moto: &Moto) -> Snapshot {
    rt().block_on(async {
        let aws = common::product_aws(&moto.url, 5).await;
        let opts = CollectOptions {
            regions: Some(vec!["us-east-1".into(), "eu-west-1".into()]),
            ..Default::default()
        };
        let mut s = collect::collect(&aws, &opts, &|_| {}).await.unwrap();
        s.collected_at = 0;
        s
    })
}

/// (exit code, stdout, stderr)
pub(crate) fn run(moto: &Moto, args: &[&str]) -> (i32, String, String) {
    let out = common::remediate_cmd(moto).args(args).output().unwrap();
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&out.stdout).into(),
        String::from_utf8_lossy(&out.stderr).into(),
    )
}

/// The line of counts that ends the summary of `apply` or `undo`
/// ("Apply complete: 30 applied.", "Undo complete: 30 reverted.").
fn counts_line<'a>(stderr: &'a str, verb: &str) -> &'a str {
    stderr
        .lines()
        .find(|l| {
            l.starts_with(&format!("{verb} "))
                && (l.contains(" applied") || l.contains(" reverted"))
        })
        .unwrap_or_else(|| panic!("no {verb} summary in:\n{stderr}"))
}

/// How each action of the run journaled in `name` ended, from its typed
/// entries: (applied, failed with their AWS code, skipped) action ids.
#[allow(clippy::type_complexity)]
fn journaled(moto: &Moto, name: &str) -> (Vec<String>, Vec<(String, String)>, Vec<String>) {
    let (mut applied, mut failed, mut skipped) = (vec![], vec![], vec![]);
    for e in read_journal(moto.dir().join(name)).unwrap() {
        match e.phase {
            Phase::After { .. } => applied.push(e.action_id),
            Phase::Failed { code, .. } => failed.push((e.action_id, code)),
            Phase::Skipped { .. } => skipped.push(e.action_id),
            Phase::Before { .. } | Phase::Progress { .. } => {}
        }
    }
    (applied, failed, skipped)
}

/// Operations listed after "API calls:" in `--stats` output on stderr.
fn ops_in_stats(stderr: &str) -> Vec<String> {
    stderr
        .lines()
        .skip_while(|l| !l.starts_with("API calls:"))
        .skip(1)
        .take_while(|l| l.starts_with("  "))
        .flat_map(|l| {
            l.split_whitespace()
                .skip(2)
                .collect::<Vec<_>>()
                .join(" ")
                .split(", ")
                .map(|x| x.split(' ').next().unwrap_or("").to_string())
                .collect::<Vec<_>>()
        })
        .collect()
}

#[test]
fn apply_yes_converges_then_plan_is_empty_and_a_second_apply_writes_nothing() {
    let moto = Moto::start();
    seed(&moto);
    let (code, _, err) = run(
        &moto,
        &["apply", "--yes", "--regions", TWO, "--journal", "j.jsonl"],
    );
    assert_eq!(code, 0, "{err}");
    let (applied, failed, skipped) = journaled(&moto, "j.jsonl");
    assert!(!applied.is_empty() && failed.is_empty() && skipped.is_empty());
    assert_eq!(
        counts_line(&err, "Apply"),
        format!("Apply complete: {} applied.", applied.len())
    );
    // every control passes or is pending where the emulator cannot show a pass
    let (code, plan, err) = plan_json(&moto, &["--regions", TWO]);
    assert_eq!(code, 0, "{err}");
    for f in plan["findings"].as_array().unwrap() {
        let ok = f["status"] == "pass"
            || f["status"] == "skipped"
            || (f["status"] == "pending" && (f["control"] == "2.4" || f["control"] == "2.5"));
        assert!(ok, "{f}");
    }
    let (code, _, err) = run(&moto, &["apply", "--yes", "--regions", TWO, "--stats"]);
    assert_eq!(code, 0, "{err}");
    assert!(err.contains("Nothing to apply."), "{err}");
    let ops = ops_in_stats(&err);
    assert!(!ops.is_empty(), "{err}");
    for op in ops {
        assert!(
            remediate::aws::is_read_operation(&op),
            "second apply made a write call: {op}\n{err}"
        );
    }
}

/// Without `--journal` the journal goes to `.remediate/` (which ignores
/// itself for git), not into the root of the user's working directory.
#[test]
fn the_default_journal_goes_under_a_state_directory_that_git_ignores() {
    let moto = Moto::start();
    seed(&moto);
    let before: Vec<_> = std::fs::read_dir(moto.dir())
        .unwrap()
        .map(|e| e.unwrap().file_name())
        .collect();
    let (code, _, err) = run(
        &moto,
        &[
            "apply",
            "--yes",
            "--regions",
            "us-east-1",
            "--control",
            "2.8",
        ],
    );
    assert_eq!(code, 0, "{err}");
    let state = moto.dir().join(".remediate");
    assert_eq!(
        std::fs::read_to_string(state.join(".gitignore"))
            .unwrap()
            .lines()
            .last(),
        Some("*")
    );
    let journals: Vec<String> = std::fs::read_dir(&state)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().to_string())
        .filter(|n| n.starts_with("journal-") && n.ends_with(".jsonl"))
        .collect();
    assert_eq!(journals.len(), 1, "{journals:?}");
    assert!(
        err.contains(&format!(".remediate/{}", journals[0])),
        "the path is printed: {err}"
    );
    let (applied, failed, _) = journaled(&moto, &format!(".remediate/{}", journals[0]));
    assert!(!applied.is_empty() && failed.is_empty());
    let after: Vec<_> = std::fs::read_dir(moto.dir())
        .unwrap()
        .map(|e| e.unwrap().file_name())
        .collect();
    let new: Vec<_> = after.iter().filter(|n| !before.contains(n)).collect();
    assert_eq!(new, [&std::ffi::OsString::from(".remediate")]);
}

#[test]
fn apply_without_a_terminal_and_without_yes_refuses_and_changes_nothing() {
    let moto = Moto::start();
    seed(&moto);
    let before = read_all(&moto);
    let (code, _, err) = run(&moto, &["apply", "--regions", TWO]);
    assert_eq!(code, 1);
    assert!(
        err.contains("refusing to apply") && err.contains("--yes"),
        "{err}"
    );
    assert_eq!(before, read_all(&moto));
}

fn pty(moto: &Moto, args: &[&str]) -> expectrl::session::OsSession {
    let mut cmd = common::remediate_process(moto);
    cmd.env("TERM", "xterm").args(args);
    let mut s = expectrl::session::Session::spawn(cmd).unwrap();
    s.set_expect_timeout(Some(Duration::from_secs(60)));
    s
}

fn exit_code(s: &mut expectrl::session::OsSession) -> i32 {
    use expectrl::Expect;
    let _ = s.expect(expectrl::Eof);
    match s.get_process().wait().unwrap() {
        expectrl::process::unix::WaitStatus::Exited(_, c) => c,
        other => panic!("{other:?}"),
    }
}

#[test]
fn prompt_answered_no_changes_nothing() {
    use expectrl::Expect;
    let moto = Moto::start();
    seed(&moto);
    let before = read_all(&moto);
    let mut s = pty(&moto, &["apply", "--regions", TWO]);
    s.expect("Enter a value").unwrap();
    s.send_line("no").unwrap();
    s.expect("Apply cancelled; nothing was changed.").unwrap();
    assert_eq!(exit_code(&mut s), 1);
    assert_eq!(before, read_all(&moto));
}

#[test]
fn prompt_answered_yes_applies() {
    use expectrl::Expect;
    let moto = Moto::start();
    seed(&moto);
    let mut s = pty(&moto, &["apply", "--regions", TWO, "--control", "2.8"]);
    s.expect("Enter a value").unwrap();
    s.send_line("yes").unwrap();
    s.expect("Apply complete: 2 applied.").unwrap();
    assert_eq!(exit_code(&mut s), 0);
    let (code, _, _) = plan_json(&moto, &["--regions", TWO, "--control", "2.8"]);
    assert_eq!(code, 0);
}

#[test]
fn ctrl_c_at_the_prompt_restores_the_terminal_and_changes_nothing() {
    use expectrl::Expect;
    let moto = Moto::start();
    seed(&moto);
    let before = read_all(&moto);
    let mut s = pty(&moto, &["apply", "--regions", TWO]);
    s.expect("Enter a value").unwrap();
    s.send(expectrl::ControlCode::EndOfText).unwrap();
    s.expect("nothing was changed").unwrap();
    assert_eq!(exit_code(&mut s), 130);
    assert_eq!(before, read_all(&moto));
}

#[test]
fn step_mode_skipping_an_action_skips_its_dependents() {
    use expectrl::Expect;
    let moto = Moto::start();
    seed(&moto);
    let before = read_all(&moto);
    // 2.6 in us-east-1: create the log bucket, then PAB, policy and logging depend on it
    let mut s = pty(
        &moto,
        &[
            "apply",
            "--step",
            "--regions",
            "us-east-1",
            "--control",
            "2.6",
        ],
    );
    s.expect("Apply create_bucket:us-east-1:remediate-access-logs")
        .unwrap();
    s.send("\x1b[B").unwrap(); // down to "skip"
    s.send("\r").unwrap();
    s.expect("Skipping put_public_access_block:us-east-1:remediate-access-logs")
        .unwrap();
    s.expect("Skipping put_bucket_logging:us-east-1:nc-trail")
        .unwrap();
    s.expect("nothing was changed").unwrap();
    assert_eq!(exit_code(&mut s), 1);
    assert_eq!(before, read_all(&moto));
}

/// Issue 10: yes, skip, quit. The summary counts on one line and lists each
/// action that was not started once.
#[test]
fn step_mode_quitting_lists_each_action_not_started_once() {
    use expectrl::Expect;
    let moto = Moto::start();
    seed(&moto);
    let scope = ["--regions", TWO, "--control", "2.2,2.8"];
    let (_, plan, _) = plan_json(&moto, &scope);
    let actions = plan["actions"].as_array().unwrap().clone();
    let id = |i: usize| actions[i]["id"].as_str().unwrap().to_string();
    assert!(actions.len() >= 3, "{plan:#}");
    assert!(
        actions
            .iter()
            .all(|a| a["depends_on"].as_array().unwrap().is_empty()),
        "the test wants independent actions: {plan:#}"
    );
    let mut s = pty(
        &moto,
        &[&["apply", "--step", "--journal", "j.jsonl"], &scope[..]].concat(),
    );
    s.expect(format!("Apply {}?", id(0)).as_str()).unwrap();
    s.send("\r").unwrap(); // yes
    s.expect(format!("Apply {}?", id(1)).as_str()).unwrap();
    s.send("\x1b[B").unwrap(); // skip
    s.send("\r").unwrap();
    s.expect(format!("Apply {}?", id(2)).as_str()).unwrap();
    s.send("\x1b[B\x1b[B").unwrap(); // quit
    s.send("\r").unwrap();
    let n = actions.len() - 2;
    let m = s
        .expect(
            format!("Apply stopped at your request: 1 applied, 1 skipped, {n} not started.")
                .as_str(),
        )
        .unwrap();
    let shown = String::from_utf8_lossy(m.before()).to_string();
    assert_eq!(exit_code(&mut s), 0);
    let (applied, failed, skipped) = journaled(&moto, "j.jsonl");
    assert_eq!(applied, [id(0)]);
    assert!(failed.is_empty());
    assert_eq!(skipped.len(), n + 1);
    // each not-started action: one short line, no id
    let lines: Vec<&str> = shown.lines().map(str::trim_end).collect();
    assert!(
        lines.contains(&format!("Not started ({n}):").as_str()),
        "{shown}"
    );
    for a in &actions[2..] {
        let (op, target, region) = (
            a["op"]["op"].as_str().unwrap(),
            a["target"].as_str().unwrap(),
            a["region"].as_str().unwrap(),
        );
        let line = if target.contains(region) {
            format!("  {op} {target}")
        } else {
            format!("  {op} {target} ({region})")
        };
        assert_eq!(
            lines.iter().filter(|l| **l == line).count(),
            1,
            "{line}\n{shown}"
        );
    }
    // the ids never offered are not repeated either
    for a in &actions[3..] {
        let id = a["id"].as_str().unwrap();
        assert!(!shown.contains(id), "{id}\n{shown}");
    }
}

#[test]
fn stale_edited_or_foreign_plans_are_refused_and_nothing_is_written() {
    let moto = Moto::start();
    let seeded = seed(&moto);
    let (code, _, err) = run(&moto, &["plan", "--regions", TWO, "--out", "plan.json"]);
    assert_eq!(code, 2, "{err}");
    let path = moto.dir().join("plan.json");
    let original = std::fs::read_to_string(&path).unwrap();

    // byte-edited
    std::fs::write(
        &path,
        original.replacen("remediate-access-logs", "remediate-access-logz", 1),
    )
    .unwrap();
    let before = read_all(&moto);
    let (code, _, err) = run(&moto, &["apply", "--yes", "plan.json"]);
    assert_eq!(code, 1);
    assert!(err.contains("changed after it was made"), "{err}");
    // truncated
    std::fs::write(&path, &original[..original.len() / 3]).unwrap();
    let (code, _, err) = run(&moto, &["apply", "--yes", "plan.json"]);
    assert_eq!(code, 1);
    assert!(err.contains("not a plan"), "{err}");
    assert_eq!(before, read_all(&moto));

    // for another account (credentials of an assumed role in 111111111111)
    std::fs::write(&path, &original).unwrap();
    let creds = rt().block_on(async {
        let cfg = common::sdk_config(&moto.url).await;
        let c = aws_sdk_sts::Client::new(&cfg)
            .assume_role()
            .role_arn("arn:aws:iam::111111111111:role/auditor")
            .role_session_name("remediate-test")
            .send()
            .await
            .unwrap();
        c.credentials.unwrap()
    });
    let out = common::remediate_cmd(&moto)
        .env("AWS_ACCESS_KEY_ID", creds.access_key_id())
        .env("AWS_SECRET_ACCESS_KEY", creds.secret_access_key())
        .env("AWS_SESSION_TOKEN", creds.session_token())
        .args(["apply", "--yes", "plan.json"])
        .output()
        .unwrap();
    let err = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(1), "{err}");
    assert!(err.contains("was made for account 123456789012 (aws), the credentials are for account 111111111111 (aws)"), "{err}");
    assert_eq!(before, read_all(&moto));

    // stale: someone changes a bucket policy the plan relies on
    let west = seeded.region("eu-west-1").trail.bucket.clone();
    rt().block_on(async {
        let cfg = common::sdk_config(&moto.url).await;
        fixtures::add_deny_insecure_transport(&cfg, "eu-west-1", &west)
            .await
            .unwrap();
    });
    let before = read_all(&moto);
    let (code, _, err) = run(&moto, &["apply", "--yes", "plan.json"]);
    assert_eq!(code, 1);
    assert!(
        err.contains("stale") && err.contains(&format!("buckets/{west}/policy")),
        "{err}"
    );
    assert_eq!(before, read_all(&moto));

    // a fresh plan of the current account applies
    let (code, _, err) = run(&moto, &["plan", "--regions", TWO, "--out", "plan2.json"]);
    assert_eq!(code, 2, "{err}");
    let (code, _, err) = run(&moto, &["apply", "--yes", "plan2.json"]);
    assert_eq!(code, 0, "{err}");
}

#[test]
fn a_failed_action_skips_only_its_dependents_exits_nonzero_and_a_rerun_converges() {
    let moto = Moto::start();
    seed(&moto);
    // another account owns the access-log bucket name the plan wants
    let taken = "remediate-access-logs-123456789012-us-east-1";
    rt().block_on(async {
        let cfg = common::sdk_config(&moto.url).await;
        other_account_s3(&cfg)
            .create_bucket()
            .bucket(taken)
            .send()
            .await
            .unwrap();
    });
    let (code, _, err) = run(
        &moto,
        &["apply", "--yes", "--regions", TWO, "--journal", "j.jsonl"],
    );
    assert_eq!(code, 1, "{err}");
    let (applied, failed, skipped) = journaled(&moto, "j.jsonl");
    assert_eq!(
        failed,
        [(
            format!("create_bucket:us-east-1:{taken}"),
            "BucketAlreadyExists".to_string()
        )],
        "{err}"
    );
    assert_eq!(skipped.len(), 3, "{err}");
    for s in &skipped {
        assert!(
            s.contains(taken) || s.starts_with("put_bucket_logging:us-east-1:nc-trail"),
            "{s}"
        );
    }
    // The summary names the failure once, with its code and message, and
    // what it kept from running under it.
    let summary: Vec<&str> = err
        .lines()
        .skip_while(|l| *l != "Failed:")
        .take_while(|l| !l.starts_with("Apply complete"))
        .collect();
    assert!(
        summary[1].starts_with(&format!("  create_bucket {taken}: BucketAlreadyExists: ")),
        "{err}"
    );
    assert_eq!(summary[2..].len(), 4, "{err}");
    assert_eq!(summary[2], "    dependents skipped (3):", "{err}");
    assert_eq!(
        counts_line(&err, "Apply"),
        format!(
            "Apply complete: {} applied, 1 failed, 3 skipped.",
            applied.len()
        )
    );
    // everything independent was applied: eu-west-1 logging passes
    let (_, plan, _) = plan_json(&moto, &["--regions", TWO, "--control", "2.6"]);
    let west = plan["findings"]
        .as_array()
        .unwrap()
        .iter()
        .find(|f| f["region"] == "eu-west-1")
        .unwrap();
    assert_eq!(west["status"], "pass");

    // the cause goes away; a rerun plans only what is missing and converges
    rt().block_on(async {
        let cfg = common::sdk_config(&moto.url).await;
        other_account_s3(&cfg)
            .delete_bucket()
            .bucket(taken)
            .send()
            .await
            .unwrap();
    });
    let (code, plan, _) = plan_json(&moto, &["--regions", TWO]);
    assert_eq!(code, 2);
    assert!(
        plan["actions"].as_array().unwrap().len() <= 4,
        "{:#}",
        plan["actions"]
    );
    let (code, _, err) = run(&moto, &["apply", "--yes", "--regions", TWO]);
    assert_eq!(code, 0, "{err}");
    assert_eq!(plan_json(&moto, &["--regions", TWO]).0, 0);
}

use common::other_account_s3;

#[test]
fn undo_restores_every_changed_setting_and_keeps_what_existed_before() {
    let moto = Moto::start();
    seed(&moto);
    let before = read_all(&moto);
    let (code, _, err) = run(
        &moto,
        &["apply", "--yes", "--regions", TWO, "--journal", "j.jsonl"],
    );
    assert_eq!(code, 0, "{err}");
    let (code, out, err) = run(&moto, &["undo", "--yes", "j.jsonl"]);
    // The access-log buckets apply made hold the access logs S3 wrote
    // since: kept, and named, so undo exits 1. Nothing else is left.
    assert_eq!(code, 1, "{out}\n{err}");
    let (undone, failed, skipped) = journaled(&moto, "j.undo.jsonl");
    assert!(failed.is_empty() && skipped.is_empty(), "{err}");
    let kept: Vec<&str> = err
        .lines()
        .skip_while(|l| !l.starts_with("Kept, holds data"))
        .skip(1)
        .take_while(|l| l.starts_with("  "))
        .collect();
    assert!(
        !kept.is_empty()
            && kept
                .iter()
                .all(|l| l.contains("delete_bucket remediate-access-logs-")
                    && l.contains("not empty")),
        "{err}"
    );
    assert!(!err.contains("Changed since apply"), "{err}");
    assert_eq!(
        counts_line(&err, "Undo"),
        format!(
            "Undo complete: {} reverted, {} kept.",
            undone.len() - kept.len(),
            kept.len()
        )
    );
    assert!(!err.contains("Apply complete"), "{err}");
    let after = read_all(&moto);
    for (name, b) in &before.buckets {
        let a = after
            .buckets
            .get(name)
            .unwrap_or_else(|| panic!("pre-existing bucket {name} is gone"));
        assert_eq!(a.policy, b.policy, "policy of {name}");
        assert_eq!(a.acl, b.acl, "ACL of {name}");
        assert_eq!(a.logging, b.logging, "logging of {name}");
        assert_eq!(
            a.public_access_block, b.public_access_block,
            "PAB of {name}"
        );
    }
    for (arn, t) in &before.trails {
        let a = after
            .trails
            .get(arn)
            .unwrap_or_else(|| panic!("pre-existing trail {arn} is gone"));
        assert_eq!(
            remediate::plan::builder::trail_settings(a),
            remediate::plan::builder::trail_settings(t),
            "{arn}"
        );
        assert_eq!(a.is_logging, t.is_logging, "{arn}");
    }
    for (arn, k) in &before.keys {
        let a = after
            .keys
            .get(arn)
            .unwrap_or_else(|| panic!("pre-existing key {arn} is gone"));
        assert_eq!(a.rotation_enabled, k.rotation_enabled, "{arn}");
        assert_eq!(a.state, k.state, "{arn}");
    }
    for (region, c) in &before.config {
        let a = &after.config[region];
        let strip = |c: &remediate::snapshot::RegionConfig| serde_json::to_value(c).unwrap();
        assert_eq!(strip(a)["channels"], strip(c)["channels"], "{region}");
        assert_eq!(a.recorders.len(), c.recorders.len(), "{region}");
        for (ra, rb) in a.recorders.iter().zip(&c.recorders) {
            assert_eq!(
                (ra.all_supported, ra.recording, &ra.name),
                (rb.all_supported, rb.recording, &rb.name),
                "{region}"
            );
        }
    }
    assert_eq!(after.vpcs, before.vpcs);
    assert!(
        after.flow_logs.is_empty(),
        "flow logs made by apply are removed"
    );
    // the key the run created is scheduled for deletion, not kept enabled
    for (arn, k) in after
        .keys
        .iter()
        .filter(|(arn, _)| !before.keys.contains_key(*arn))
    {
        assert_eq!(k.state, "PendingDeletion", "{arn}");
    }
}

/// Issue 9 item 1, the reported case: the trail bucket's only statement is a
/// public Allow, which is also what lets CloudTrail write. Removing it must
/// not leave `"Statement": []` (S3 refuses it; on the strict emulator the
/// apply fails) nor a policy CloudTrail cannot deliver through.
#[test]
fn removing_the_only_public_statement_leaves_a_policy_cloudtrail_delivers_through() {
    let moto = Moto::start();
    let bucket = "open-trail-bucket";
    rt().block_on(async {
        let cfg = common::sdk_config(&moto.url).await;
        let c = common::Clients::new(&cfg, "us-east-1");
        c.s3.create_bucket().bucket(bucket).send().await.unwrap();
        // What a user must do on AWS before a bucket policy can be public.
        c.s3.delete_public_access_block()
            .bucket(bucket)
            .send()
            .await
            .unwrap();
        let public = serde_json::json!({"Version": "2012-10-17", "Statement": [
            {"Sid": "Everyone", "Effect": "Allow", "Principal": "*", "Action": "s3:*",
             "Resource": [format!("arn:aws:s3:::{bucket}"), format!("arn:aws:s3:::{bucket}/*")]}]});
        c.s3.put_bucket_policy()
            .bucket(bucket)
            .policy(public.to_string())
            .send()
            .await
            .unwrap();
        c.cloudtrail
            .create_trail()
            .name("open")
            .s3_bucket_name(bucket)
            .send()
            .await
            .unwrap();
    });
    let (code, _, err) = run(
        &moto,
        &[
            "apply",
            "--yes",
            "--regions",
            "us-east-1",
            "--control",
            "2.3",
        ],
    );
    assert_eq!(code, 0, "{err}");
    let doc = rt().block_on(async {
        let cfg = common::sdk_config(&moto.url).await;
        let c = common::Clients::new(&cfg, "us-east-1");
        let text =
            c.s3.get_bucket_policy()
                .bucket(bucket)
                .send()
                .await
                .unwrap()
                .policy
                .unwrap();
        serde_json::from_str::<serde_json::Value>(&text).unwrap()
    });
    use remediate::policy::{self, Caller};
    assert!(!policy::statements(&doc).is_empty(), "{doc}");
    assert!(
        !policy::statements(&doc).iter().any(policy::is_public_allow),
        "{doc}"
    );
    let ct = Caller::Service("cloudtrail.amazonaws.com");
    assert!(policy::allows(
        &doc,
        ct,
        &["s3:GetBucketAcl"],
        &format!("arn:aws:s3:::{bucket}")
    ));
    assert!(policy::allows(
        &doc,
        ct,
        &["s3:PutObject"],
        &format!(
            "arn:aws:s3:::{bucket}/AWSLogs/{}/CloudTrail/x",
            common::ACCOUNT
        )
    ));
    let (code, _, err) = plan_json(&moto, &["--regions", "us-east-1", "--control", "2.3"]);
    assert_eq!(code, 0, "{err}");
}

/// Issue 17, the reported case, through the binary: after apply a person
/// adds a statement to the trail bucket's policy; undo keeps it, reverts
/// apply's change and exits 0. Then, after a second apply, a person writes
/// a statement under the Sid apply removed: undo leaves it (it does not put
/// the old public one back over it), names it in its summary under
/// "changed since apply" and exits 1.
#[test]
fn undo_keeps_what_was_added_to_the_trail_bucket_policy_since_apply_and_exits_1_when_it_leaves_something()
 {
    let moto = Moto::start();
    let bucket = "open-trail-bucket";
    let public = serde_json::json!({"Sid": "Everyone", "Effect": "Allow", "Principal": "*",
        "Action": "s3:GetObject", "Resource": format!("arn:aws:s3:::{bucket}/*")});
    let later = serde_json::json!({"Sid": "AddedLater", "Effect": "Allow",
        "Principal": {"AWS": format!("arn:aws:iam::{}:root", common::ACCOUNT)},
        "Action": "s3:ListBucket", "Resource": format!("arn:aws:s3:::{bucket}")});
    let policy_now = || {
        rt().block_on(async {
            let cfg = common::sdk_config(&moto.url).await;
            let c = common::Clients::new(&cfg, "us-east-1");
            let text =
                c.s3.get_bucket_policy()
                    .bucket(bucket)
                    .send()
                    .await
                    .unwrap()
                    .policy
                    .unwrap();
            serde_json::from_str::<serde_json::Value>(&text).unwrap()
        })
    };
    let put = |doc: &serde_json::Value| {
        rt().block_on(async {
            let cfg = common::sdk_config(&moto.url).await;
            let c = common::Clients::new(&cfg, "us-east-1");
            c.s3.put_bucket_policy()
                .bucket(bucket)
                .policy(doc.to_string())
                .send()
                .await
                .unwrap();
        })
    };
    rt().block_on(async {
        let cfg = common::sdk_config(&moto.url).await;
        let c = common::Clients::new(&cfg, "us-east-1");
        c.s3.create_bucket().bucket(bucket).send().await.unwrap();
        c.s3.delete_public_access_block()
            .bucket(bucket)
            .send()
            .await
            .unwrap();
        let trail_write = serde_json::json!([
            {"Sid": "AWSCloudTrailAclCheck", "Effect": "Allow",
             "Principal": {"Service": "cloudtrail.amazonaws.com"}, "Action": "s3:GetBucketAcl",
             "Resource": format!("arn:aws:s3:::{bucket}")},
            {"Sid": "AWSCloudTrailWrite", "Effect": "Allow",
             "Principal": {"Service": "cloudtrail.amazonaws.com"}, "Action": "s3:PutObject",
             "Resource": format!("arn:aws:s3:::{bucket}/AWSLogs/{}/*", common::ACCOUNT),
             "Condition": {"StringEquals": {"s3:x-amz-acl": "bucket-owner-full-control"}}}]);
        let mut st = trail_write.as_array().unwrap().clone();
        st.push(public.clone());
        let doc = serde_json::json!({"Version": "2012-10-17", "Statement": st});
        c.s3.put_bucket_policy()
            .bucket(bucket)
            .policy(doc.to_string())
            .send()
            .await
            .unwrap();
        c.cloudtrail
            .create_trail()
            .name("open")
            .s3_bucket_name(bucket)
            .send()
            .await
            .unwrap();
    });
    let before = policy_now();
    let apply = |journal: &str| {
        let (code, _, err) = run(
            &moto,
            &[
                "apply",
                "--yes",
                "--regions",
                "us-east-1",
                "--control",
                "2.3",
                "--journal",
                journal,
            ],
        );
        assert_eq!(code, 0, "{err}");
    };

    apply("j1.jsonl");
    let mut doc = policy_now();
    assert_ne!(doc, before, "apply changed the policy");
    doc["Statement"].as_array_mut().unwrap().push(later.clone());
    put(&doc);
    let (code, out, err) = run(&moto, &["undo", "--yes", "j1.jsonl"]);
    assert_eq!(code, 0, "everything apply did was reverted:\n{out}\n{err}");
    let mut want = before["Statement"].as_array().unwrap().clone();
    want.push(later.clone());
    let now = policy_now();
    assert!(
        remediate::policy::equivalent(
            &now,
            &serde_json::json!({"Version": "2012-10-17", "Statement": want})
        ),
        "apply's change reverted, the statement added since kept: {now:#}"
    );
    assert!(err.contains("Reverted ("), "{err}");

    // Apply again (it removes the public statement again); then a person
    // writes a statement under the Sid apply removed, for one account only.
    apply("j2.jsonl");
    let mut doc = policy_now();
    assert!(
        !remediate::policy::statements(&doc).contains(&public),
        "{doc:#}"
    );
    let edited = "Everyone".to_string();
    let theirs = serde_json::json!({"Sid": edited, "Effect": "Allow",
        "Principal": {"AWS": format!("arn:aws:iam::{}:root", common::ACCOUNT)},
        "Action": "s3:GetObject", "Resource": format!("arn:aws:s3:::{bucket}/*")});
    doc["Statement"]
        .as_array_mut()
        .unwrap()
        .push(theirs.clone());
    put(&doc);
    let (code, out, err) = run(&moto, &["undo", "--yes", "j2.jsonl"]);
    eprintln!("undo's summary, a statement changed since apply:\n{err}");
    assert_eq!(code, 1, "something was left:\n{out}\n{err}");
    assert!(
        err.contains("Changed since apply, left as it is (1):"),
        "{err}"
    );
    assert!(err.contains(&format!("Sid {edited}")), "{err}");
    assert!(err.contains("changed since apply"), "{err}");
    let now = policy_now();
    assert!(
        remediate::policy::statements(&now).contains(&theirs)
            && !remediate::policy::statements(&now).contains(&public),
        "the person's statement stays as they wrote it: {now:#}"
    );
    assert!(
        remediate::policy::statements(&now).contains(&later),
        "{now:#}"
    );
}
