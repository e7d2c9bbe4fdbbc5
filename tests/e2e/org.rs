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
    organization_with(
        moto,
        aws_sdk_organizations::types::OrganizationFeatureSet::All,
    )
}

/// [`organization`] with the given feature set.
pub fn organization_with(
    moto: &Moto,
    features: aws_sdk_organizations::types::OrganizationFeatureSet,
) -> Org {
    rt().block_on(async {
        let cfg = moto.sdk_config().await;
        let org = aws_sdk_organizations::Client::new(&cfg);
        org.create_organization()
            .feature_set(features)
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
/// becomes the organization trail: no second trail; the S3 data-event
/// selectors of a later benchmark go on it in the same run, so one run
/// converges; undo makes it a per-account trail again.
#[test]
fn the_trail_an_earlier_run_made_becomes_the_organization_trail_with_its_data_events_in_one_run() {
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

    // cis-1.4 adds the S3 data-event controls (3.10, 3.11), which the
    // cis-1.2 run above did not record.
    let scope = [
        "--org",
        "--org-trail",
        "--benchmark",
        "cis-1.4",
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
    assert!(
        ops.iter().any(|o| o["op"] == "put_event_selectors"
            && o["trail"] == "remediate-trail"
            && o.to_string().contains("AWS::S3::Object")),
        "the data events go on the converted trail in this run: {ops:?}"
    );
    for control in ["3.10", "3.11"] {
        let f = findings_of(&report, ACCOUNT, control);
        let reason = f[0]["reason"].as_str().unwrap();
        assert!(!reason.contains("not fixed automatically"), "{reason}");
    }
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

/// Members of a fresh organization (no fixtures seeded): their ids.
fn bare_organization(moto: &Moto, names: &[&str]) -> Vec<String> {
    rt().block_on(async {
        let cfg = moto.sdk_config().await;
        let org = aws_sdk_organizations::Client::new(&cfg);
        org.create_organization()
            .feature_set(aws_sdk_organizations::types::OrganizationFeatureSet::All)
            .send()
            .await
            .unwrap();
        let mut ids = vec![];
        for name in names {
            let made = org
                .create_account()
                .email(format!("{name}@example.com"))
                .account_name(*name)
                .send()
                .await
                .unwrap();
            ids.push(
                made.create_account_status()
                    .and_then(|s| s.account_id())
                    .unwrap()
                    .to_string(),
            );
        }
        ids
    })
}

/// AWS retired an account's `Status` on 2026-09-09 and answers `State`
/// (the strict emulator too): `--org` and `--ou` keep the ACTIVE accounts
/// by their `State`, and leave a closed (SUSPENDED) one out.
#[test]
fn plan_org_keeps_the_accounts_whose_state_is_active_now_that_aws_sends_no_status() {
    let moto = Moto::start();
    let ids = bare_organization(&moto, &["member-a", "member-b"]);
    let (open, closed) = (ids[0].clone(), ids[1].clone());
    let root = rt().block_on(async {
        let cfg = moto.sdk_config().await;
        let org = aws_sdk_organizations::Client::new(&cfg);
        org.close_account()
            .account_id(&closed)
            .send()
            .await
            .unwrap();
        // What the emulator answers, as AWS does now: State, no Status.
        let listed = org.list_accounts().send().await.unwrap();
        for a in listed.accounts() {
            assert!(a.status().is_none(), "{a:?}");
            assert!(a.state().is_some(), "{a:?}");
        }
        let one = org
            .describe_account()
            .account_id(&open)
            .send()
            .await
            .unwrap();
        let one = one.account().unwrap();
        assert_eq!(
            (one.state(), one.status()),
            (
                Some(&aws_sdk_organizations::types::AccountState::Active),
                None
            )
        );
        org.list_roots().send().await.unwrap().roots()[0]
            .id()
            .unwrap()
            .to_string()
    });
    let want = BTreeSet::from([ACCOUNT.to_string(), open.clone()]);
    let (code, report, err) = plan(&moto, &["--org"]);
    assert_eq!(account_ids(&report), want, "{err}");
    assert_eq!(code, 2, "the accounts drift: {err}");
    // ListAccountsForParent, below the root.
    let (_, report, err) = plan(&moto, &["--ou", &root]);
    assert_eq!(account_ids(&report), want, "{err}");
}

/// A run whose selection holds no account before `--shard` checks nothing:
/// it fails with one line and writes nothing. A shard that holds none of a
/// non-empty selection still writes its empty report.
#[test]
fn a_run_that_selects_no_account_fails_with_one_line_and_writes_nothing() {
    let moto = Moto::start();
    let ids = bare_organization(&moto, &["member-a"]);
    let all = format!("{ACCOUNT},{}", ids[0]);
    let out = common::remediate_cmd(&moto)
        .args(["plan", "--org", "--regions", "us-east-1"])
        .args(["--exclude-accounts", &all, "--out", "none.json"])
        .output()
        .unwrap();
    let err = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(1), "{err}");
    assert_eq!(err.lines().count(), 1, "{err}");
    assert!(err.starts_with("error: no account selected"), "{err}");
    assert!(out.stdout.is_empty());
    assert!(!moto.dir().join("none.json").exists());
    // An empty shard of the two accounts: an empty report, exit 0, saved.
    let empty = (1..=50)
        .map(|k| remediate::org::Shard {
            index: k,
            count: 50,
        })
        .find(|s| {
            [ACCOUNT, ids[0].as_str()]
                .iter()
                .all(|a| !remediate::org::in_shard(a, *s))
        })
        .unwrap()
        .to_string();
    let out = common::remediate_cmd(&moto)
        .args([
            "plan",
            "--org",
            "--regions",
            "us-east-1",
            "--format",
            "json",
        ])
        .args(["--shard", &empty, "--out", "shard.json"])
        .output()
        .unwrap();
    let err = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(0), "{err}");
    let report: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert!(account_ids(&report).is_empty(), "{report}");
    assert_eq!(report["shard"], empty.as_str());
    assert!(moto.dir().join("shard.json").exists());
}

/// An organization with consolidated billing only: AWS refuses trusted
/// access and an organization trail (so does the strict emulator); an
/// `--org-trail` run plans neither, says why, and fixes every account with
/// its own trail, in one run.
#[test]
fn without_all_features_an_org_trail_run_makes_trails_per_account_and_says_why() {
    use aws_sdk_organizations::types::OrganizationFeatureSet;
    let moto = Moto::start();
    let org = organization_with(&moto, OrganizationFeatureSet::ConsolidatedBilling);
    // The strict emulator refuses what AWS refuses in this mode.
    rt().block_on(async {
        let cfg = moto.sdk_config().await;
        let e = aws_sdk_organizations::Client::new(&cfg)
            .enable_aws_service_access()
            .service_principal("cloudtrail.amazonaws.com")
            .send()
            .await
            .unwrap_err();
        assert!(
            format!("{:?}", e.into_service_error()).contains("ConstraintViolation"),
            "trusted access"
        );
        let ct = aws_sdk_cloudtrail::Client::new(&cfg);
        let trail = ct
            .describe_trails()
            .send()
            .await
            .unwrap()
            .trail_list()
            .iter()
            .find(|t| t.trail_arn().unwrap_or_default().contains(ACCOUNT))
            .cloned()
            .unwrap();
        let e = ct
            .update_trail()
            .name(trail.name().unwrap())
            .is_organization_trail(true)
            .send()
            .await
            .unwrap_err();
        assert!(
            format!("{:?}", e.into_service_error())
                .contains("OrganizationNotInAllFeaturesModeException"),
            "organization trail"
        );
    });
    let scope = [
        "--org",
        "--org-trail",
        "--exclude-accounts",
        org.roleless.as_str(),
    ];
    let (code, report, err) = plan(&moto, &scope);
    assert_eq!(code, 2, "{err}");
    for a in report["accounts"].as_array().unwrap() {
        let id = a["account_id"].as_str().unwrap();
        let ops: Vec<&Value> = a["plan"]["actions"]
            .as_array()
            .unwrap()
            .iter()
            .map(|x| &x["op"])
            .collect();
        assert!(
            !ops.iter()
                .any(|o| o["op"] == "enable_trusted_access" || o["is_organization"] == true),
            "{id}: {ops:?}"
        );
        // Each account's own trail is repaired for "all regions".
        assert!(
            ops.iter().any(|o| o["op"] == "set_logging"),
            "{id}: {ops:?}"
        );
        let f = findings_of(&report, id, "2.1");
        let reason = f[0]["reason"].as_str().unwrap();
        assert!(
            reason.contains("the organization needs all features"),
            "{id}: {reason}"
        );
        assert!(!reason.contains("covers this account"), "{id}: {reason}");
    }
    let (code, err) = run(
        &moto,
        &[&["apply", "--yes", "--journal", "cb.jsonl"], &scope[..]].concat(),
    );
    assert_eq!(code, 0, "{err}");
    let (code, report, err) = plan(&moto, &scope);
    assert_eq!(code, 0, "{err}\n{}", report["summary"]);
}

/// `permissions --org` without credentials: the member role's ARN is in
/// the home region's partition.
#[test]
fn the_organization_caller_policy_names_the_role_in_the_home_regions_partition() {
    let resource = |args: &[&str], region_env: Option<&str>| {
        let mut cmd = assert_cmd::Command::new(env!("CARGO_BIN_EXE_remediate"));
        cmd.args(["permissions", "--for", "plan", "--org", "--role", "R"])
            .args(args)
            .env_remove("AWS_REGION")
            .env_remove("AWS_DEFAULT_REGION")
            .env("AWS_CONFIG_FILE", "/nonexistent")
            .env("AWS_SHARED_CREDENTIALS_FILE", "/nonexistent");
        if let Some(r) = region_env {
            cmd.env("AWS_REGION", r);
        }
        let out = cmd.output().unwrap();
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
        let v: Value = serde_json::from_slice(&out.stdout).unwrap();
        v["Statement"]
            .as_array()
            .unwrap()
            .iter()
            .find(|s| s["Action"] == "sts:AssumeRole")
            .unwrap()["Resource"]
            .as_str()
            .unwrap()
            .to_string()
    };
    assert_eq!(
        resource(&["--region", "cn-north-1"], None),
        "arn:aws-cn:iam::*:role/R"
    );
    assert_eq!(
        resource(&[], Some("us-gov-west-1")),
        "arn:aws-us-gov:iam::*:role/R"
    );
    assert_eq!(resource(&[], None), "arn:aws:iam::*:role/R");
}
