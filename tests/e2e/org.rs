//! An AWS Organization on the emulator (Organizations CreateAccount and
//! sts:AssumeRole give real member accounts; the strict layer refuses a
//! role that does not exist): a management account and members, each
//! non-compliant, planned (and fixed) in one run.

use std::collections::BTreeSet;

use serde_json::Value;

use crate::common::{self, ACCOUNT, Moto, fixtures};
use crate::rt;

pub struct Org {
    /// Member accounts that can be reached, then the one whose role is gone.
    pub members: Vec<String>,
    pub roleless: String,
}

/// A management account and three members, each seeded non-compliant in
/// us-east-1; the third member's OrganizationAccountAccessRole is deleted.
pub fn organization(moto: &Moto) -> Org {
    rt().block_on(async {
        let cfg = moto.sdk_config().await;
        let org = aws_sdk_organizations::Client::new(&cfg);
        org.create_organization()
            .feature_set(aws_sdk_organizations::types::OrganizationFeatureSet::All)
            .send()
            .await
            .unwrap();
        let base = common::product_aws(&moto.url, 5).await;
        let reach = remediate::org::Reach {
            role: remediate::org::DEFAULT_ROLE.into(),
            external_id: None,
        };
        fixtures::non_compliant(&cfg, &["us-east-1"]).await.unwrap();
        let mut ids = vec![];
        for name in ["member-a", "member-b", "member-c"] {
            let made = org
                .create_account()
                .email(format!("{name}@example.com"))
                .account_name(name)
                .send()
                .await
                .unwrap();
            let id = made
                .create_account_status()
                .and_then(|s| s.account_id())
                .unwrap()
                .to_string();
            let member = remediate::org::reach(&base, ACCOUNT, &id, &reach)
                .await
                .unwrap();
            fixtures::non_compliant(&member.config, &["us-east-1"])
                .await
                .unwrap();
            ids.push((id, member));
        }
        let (roleless, member) = ids.pop().unwrap();
        let iam = aws_sdk_iam::Client::new(&member.config);
        iam.delete_role()
            .role_name(remediate::org::DEFAULT_ROLE)
            .send()
            .await
            .unwrap();
        Org {
            members: ids.into_iter().map(|(id, _)| id).collect(),
            roleless,
        }
    })
}

/// (exit code, stdout JSON, stderr) of `remediate plan --format json ARGS`.
fn plan(moto: &Moto, args: &[&str]) -> (i32, Value, String) {
    crate::plan_json(moto, &[&["--regions", "us-east-1"], args].concat())
}

fn account_ids(report: &Value) -> BTreeSet<String> {
    report["accounts"]
        .as_array()
        .unwrap()
        .iter()
        .map(|a| a["account_id"].as_str().unwrap().to_string())
        .collect()
}

fn verdicts(report: &Value) -> Vec<(String, String)> {
    report["accounts"]
        .as_array()
        .unwrap()
        .iter()
        .map(|a| {
            (
                a["account_id"].as_str().unwrap().to_string(),
                a["verdict"].as_str().unwrap().to_string(),
            )
        })
        .collect()
}

#[test]
fn plan_org_names_every_account_an_unreachable_one_is_an_error_row_and_shards_cover_it() {
    let moto = Moto::start();
    let org = organization(&moto);
    let (code, report, err) = plan(&moto, &["--org"]);
    assert_eq!(code, 2, "{err}");
    assert_eq!(report["kind"], "organization");
    let mut want: BTreeSet<String> = org.members.iter().cloned().collect();
    want.insert(ACCOUNT.into());
    want.insert(org.roleless.clone());
    assert_eq!(account_ids(&report), want);
    for (id, verdict) in verdicts(&report) {
        let expected = if id == org.roleless { "error" } else { "drift" };
        assert_eq!(verdict, expected, "{id}");
    }
    let row = report["accounts"]
        .as_array()
        .unwrap()
        .iter()
        .find(|a| a["account_id"] == org.roleless.as_str())
        .unwrap();
    assert!(
        row["error"].as_str().unwrap().contains("AccessDenied"),
        "{row}"
    );
    assert!(err.contains("accounts 4/4"), "progress: {err}");
    // each member's plan is its own account's
    for a in report["accounts"].as_array().unwrap() {
        if a["verdict"] == "drift" {
            assert_eq!(a["plan"]["account_id"], a["account_id"]);
            assert!(!a["plan"]["actions"].as_array().unwrap().is_empty());
        }
    }
    // two shards: disjoint, and together every account
    let (_, one, _) = plan(&moto, &["--org", "--shard", "1/2"]);
    let (_, two, _) = plan(&moto, &["--org", "--shard", "2/2"]);
    let (a, b) = (account_ids(&one), account_ids(&two));
    assert!(a.is_disjoint(&b), "{a:?} {b:?}");
    assert_eq!(a.union(&b).cloned().collect::<BTreeSet<_>>(), want);
    assert_eq!(one["shard"], "1/2");
    // the shards' outputs merge into one organization report
    let (f1, f2) = (
        moto.dir().join("shard-1.json"),
        moto.dir().join("shard-2.json"),
    );
    std::fs::write(&f1, one.to_string()).unwrap();
    std::fs::write(&f2, two.to_string()).unwrap();
    let out = common::remediate_cmd(&moto)
        .args(["report", "merge", "--format", "json"])
        .arg(&f1)
        .arg(&f2)
        .output()
        .unwrap();
    assert_eq!(
        out.status.code(),
        Some(2),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let merged: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(account_ids(&merged), want);
    assert_eq!(verdicts(&merged), verdicts(&report));
    // a shard given twice overlaps itself: refused with one line
    let out = common::remediate_cmd(&moto)
        .args(["report", "merge"])
        .arg(&f1)
        .arg(&f1)
        .output()
        .unwrap();
    let err = String::from_utf8_lossy(&out.stderr);
    if !account_ids(&one).is_empty() {
        assert_eq!(out.status.code(), Some(1), "{err}");
        assert!(err.contains("shards overlap"), "{err}");
    }
    // --exclude-accounts and --accounts narrow the run
    let (code, only, err) = plan(&moto, &["--accounts", &org.members[0]]);
    assert_eq!(code, 2, "{err}");
    assert_eq!(account_ids(&only), BTreeSet::from([org.members[0].clone()]));
    let (code, rest, err) = plan(&moto, &["--org", "--exclude-accounts", &org.roleless]);
    assert_eq!(code, 2, "{err}");
    assert!(!account_ids(&rest).contains(&org.roleless));
}

fn run(moto: &Moto, args: &[&str]) -> (i32, String) {
    let out = common::remediate_cmd(moto)
        .args(args)
        .args(["--regions", "us-east-1"])
        .output()
        .unwrap();
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&out.stderr).into(),
    )
}

/// `apply --org --yes` fixes every reachable account and reports the one
/// whose role is gone; the organization then plans clean; `undo DIR` puts
/// every account back as it was (so it drifts again).
#[test]
fn apply_org_fixes_every_reachable_account_and_undo_reverts_the_organization() {
    let moto = Moto::start();
    let org = organization(&moto);
    let (code, err) = run(
        &moto,
        &["apply", "--org", "--yes", "--journal", "org.jsonl"],
    );
    assert_eq!(code, 1, "the roleless account is an error: {err}");
    assert!(
        err.contains(&format!("error: account {} is not applied", org.roleless)),
        "{err}"
    );
    for id in org.members.iter().chain([&ACCOUNT.to_string()]) {
        assert!(
            err.contains(&format!("account {id}: Apply complete")),
            "{id}: {err}"
        );
        // The management account runs first and alone; the members side by
        // side, each progress line tagged with its account.
        let tagged = err.contains(&format!("[{id}] Applying"));
        assert_eq!(tagged, *id != ACCOUNT, "{id}: {err}");
        assert!(moto.dir().join("org").join(format!("{id}.jsonl")).exists());
    }
    let clean = ["--org", "--exclude-accounts", &org.roleless];
    let (code, report, err) = plan(&moto, &clean);
    assert_eq!(code, 0, "{err}\n{}", report["summary"]);
    let (code, err) = run(&moto, &["undo", "org", "--yes"]);
    only_the_access_logs_are_kept(code, &err);
    let (code, report, _) = plan(&moto, &clean);
    assert_eq!(code, 2, "undone: {}", report["summary"]);
}

/// A saved organization plan: the account that changed since is refused
/// (stale), the others are applied.
#[test]
fn a_stale_account_of_a_saved_organization_plan_is_refused_alone() {
    let moto = Moto::start();
    let org = organization(&moto);
    let scope = ["--org", "--exclude-accounts", org.roleless.as_str()];
    let (code, err) = run(
        &moto,
        &[&["plan", "--out", "org-plan.json"], &scope[..]].concat(),
    );
    assert_eq!(code, 2, "{err}");
    // one member changes what its plan relies on: its trail starts logging
    let stale = org.members[0].clone();
    rt().block_on(async {
        let base = common::product_aws(&moto.url, 5).await;
        let reach = remediate::org::Reach {
            role: remediate::org::DEFAULT_ROLE.into(),
            external_id: None,
        };
        let m = remediate::org::reach(&base, ACCOUNT, &stale, &reach)
            .await
            .unwrap();
        aws_sdk_cloudtrail::Client::new(&m.config)
            .start_logging()
            .name("nc-trail-us-east-1")
            .send()
            .await
            .unwrap();
    });
    // `show` renders a saved organization plan; an edited one is refused
    let out = common::remediate_cmd(&moto)
        .args(["show", "org-plan.json", "--format", "json"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0));
    let shown: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(shown["kind"], "organization");
    let saved = std::fs::read_to_string(moto.dir().join("org-plan.json")).unwrap();
    std::fs::write(
        moto.dir().join("edited.json"),
        saved.replacen("\"reason\": \"", "\"reason\": \"x", 1),
    )
    .unwrap();
    let (code, err) = run(&moto, &["apply", "edited.json", "--yes"]);
    assert_eq!(code, 1);
    assert!(err.contains("integrity check failed"), "{err}");
    let (code, err) = run(&moto, &["apply", "org-plan.json", "--yes"]);
    assert_eq!(code, 1, "{err}");
    assert!(
        err.contains(&format!("account {stale}: not applied:")) && err.contains("stale"),
        "{err}"
    );
    let (code, report, _) = plan(&moto, &["--accounts", &org.members[1]]);
    assert_eq!(
        code, 0,
        "the fresh member was applied: {}",
        report["summary"]
    );
    let (code, _, _) = plan(&moto, &["--accounts", &stale]);
    assert_eq!(code, 2, "the stale member was left alone");
}

fn findings_of<'a>(report: &'a Value, account: &str, control: &str) -> Vec<&'a Value> {
    report["accounts"]
        .as_array()
        .unwrap()
        .iter()
        .find(|a| a["account_id"] == account)
        .map(|a| {
            a["plan"]["findings"]
                .as_array()
                .unwrap()
                .iter()
                .filter(|f| f["control"] == control)
                .collect()
        })
        .unwrap_or_default()
}

/// `--org-trail`: the management account gets one organization trail;
/// the members get no trail of their own for "CloudTrail in all regions"
/// (their plans say the organization trail covers them); after the apply
/// every account passes, and a member's own view (no organization flags)
/// sees the organization trail pass for it.
#[test]
fn an_organization_trail_run_covers_every_member_with_one_trail() {
    let moto = Moto::start();
    let org = organization(&moto);
    let scope = [
        "--org",
        "--org-trail",
        "--exclude-accounts",
        org.roleless.as_str(),
    ];
    let (code, report, err) = plan(&moto, &scope);
    assert_eq!(code, 2, "{err}");
    for a in report["accounts"].as_array().unwrap() {
        let trails: Vec<&Value> = a["plan"]["actions"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|x| x["op"]["op"] == "create_trail")
            .collect();
        if a["account_id"] == ACCOUNT {
            assert_eq!(trails.len(), 1, "{}", a["plan"]["actions"]);
            assert_eq!(trails[0]["op"]["is_organization"], true);
        } else {
            assert!(trails.is_empty(), "{trails:?}");
            let id = a["account_id"].as_str().unwrap();
            let f = findings_of(&report, id, "2.1");
            assert!(
                f[0]["reason"].as_str().unwrap().contains(&format!(
                    "organization trail of the management account {ACCOUNT} covers this account"
                )),
                "{f:?}"
            );
        }
    }
    assert!(
        !trusted_access(&moto),
        "seeded without CloudTrail's trusted access"
    );
    let (code, err) = run(
        &moto,
        &[&["apply", "--yes", "--journal", "ot.jsonl"], &scope[..]].concat(),
    );
    assert_eq!(code, 0, "{err}");
    // AWS refuses an organization trail without it (the strict layer too).
    assert!(err.contains("enable_trusted_access"), "{err}");
    assert!(trusted_access(&moto));
    let (code, report, err) = plan(&moto, &scope);
    assert_eq!(code, 0, "{err}\n{}", report["summary"]);
    // a member's own view: the organization trail passes "all regions" for it
    let (code, member, err) = plan(&moto, &["--accounts", &org.members[0]]);
    assert_eq!(code, 0, "{err}\n{}", member["summary"]);
    let f = findings_of(&member, &org.members[0], "2.1");
    assert_eq!(f[0]["status"], "pass", "{f:?}");
    assert!(
        f[0]["reason"]
            .as_str()
            .unwrap()
            .contains(&format!("organization trail of account {ACCOUNT}")),
        "{f:?}"
    );
    // Undo removes the organization trail, then turns trusted access back off.
    let (code, err) = run(&moto, &["undo", "ot", "--yes"]);
    only_the_access_logs_are_kept(code, &err);
    assert!(!trusted_access(&moto), "{err}");
}

/// Undo reverted everything but the access-log buckets apply made, which
/// hold the access logs S3 wrote since (kept, named): it exits 1.
fn only_the_access_logs_are_kept(code: i32, err: &str) {
    assert_eq!(code, 1, "{err}");
    let kept: Vec<&str> = err
        .lines()
        .filter(|l| l.contains(": kept bucket "))
        .collect();
    assert!(!kept.is_empty(), "{err}");
    assert!(
        kept.iter()
            .all(|l| l.contains("remediate-access-logs-") && l.contains("not empty")),
        "{err}"
    );
    for not in ["Changed since apply", "Failed:", "Not started"] {
        assert!(!err.contains(not), "{err}");
    }
}

/// Whether CloudTrail has trusted access in the management account's organization.
fn trusted_access(moto: &Moto) -> bool {
    tokio::runtime::Runtime::new().unwrap().block_on(async {
        let cfg = common::sdk_config(&moto.url).await;
        aws_sdk_organizations::Client::new(&cfg)
            .list_aws_service_access_for_organization()
            .send()
            .await
            .unwrap()
            .enabled_service_principals()
            .iter()
            .any(|s| s.service_principal() == Some("cloudtrail.amazonaws.com"))
    })
}

/// The trail an earlier per-account run made in the management account
/// becomes the organization trail: no second trail, and undo makes it a
/// per-account trail again.
#[test]
fn the_trail_an_earlier_run_made_becomes_the_organization_trail() {
    let moto = Moto::start();
    let org = organization(&moto);
    let trails = || {
        rt().block_on(async {
            let cfg = moto.sdk_config().await;
            let ct = aws_sdk_cloudtrail::Client::new(&cfg);
            ct.describe_trails()
                .send()
                .await
                .unwrap()
                .trail_list()
                .iter()
                .filter(|t| t.trail_arn().unwrap_or_default().contains(ACCOUNT))
                .map(|t| {
                    (
                        t.name().unwrap_or_default().to_string(),
                        t.is_organization_trail().unwrap_or(false),
                    )
                })
                .collect::<Vec<_>>()
        })
    };
    // The management account had no trail; a plain run made remediate-trail.
    rt().block_on(async {
        let cfg = moto.sdk_config().await;
        aws_sdk_cloudtrail::Client::new(&cfg)
            .delete_trail()
            .name("nc-trail-us-east-1")
            .send()
            .await
            .unwrap();
    });
    let (code, err) = run(&moto, &["apply", "--yes", "--regions", "us-east-1"]);
    assert_eq!(code, 0, "{err}");
    assert_eq!(trails(), vec![("remediate-trail".to_string(), false)]);

    let scope = [
        "--org",
        "--org-trail",
        "--exclude-accounts",
        org.roleless.as_str(),
    ];
    let (code, report, err) = plan(&moto, &scope);
    assert_eq!(code, 2, "{err}");
    let mgmt = report["accounts"]
        .as_array()
        .unwrap()
        .iter()
        .find(|a| a["account_id"] == ACCOUNT)
        .unwrap();
    let ops: Vec<&Value> = mgmt["plan"]["actions"]
        .as_array()
        .unwrap()
        .iter()
        .map(|a| &a["op"])
        .collect();
    assert!(!ops.iter().any(|o| o["op"] == "create_trail"), "{ops:?}");
    assert!(
        ops.iter()
            .any(|o| o["op"] == "update_trail" && o["is_organization"] == true),
        "{ops:?}"
    );
    let (code, err) = run(
        &moto,
        &[&["apply", "--yes", "--journal", "conv.jsonl"], &scope[..]].concat(),
    );
    assert_eq!(code, 0, "{err}");
    assert_eq!(trails(), vec![("remediate-trail".to_string(), true)]);
    let (code, report, err) = plan(&moto, &scope);
    assert_eq!(code, 0, "{err}\n{}", report["summary"]);

    let (code, err) = run(&moto, &["undo", "conv", "--yes"]);
    only_the_access_logs_are_kept(code, &err);
    assert_eq!(trails(), vec![("remediate-trail".to_string(), false)]);
    assert!(!trusted_access(&moto));
}
