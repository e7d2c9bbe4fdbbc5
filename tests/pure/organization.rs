//! Issue 17 (organizations): what AWS Organizations answers today, an
//! organization without all features, one run that converges, the
//! partition of the organization caller's policy.

use aws_sdk_organizations::types::{Account as OrgAccount, AccountState, AccountStatus};
use remediate::finding::Status;
use remediate::org::{self, Account, Selection, Shard};
use remediate::plan::{Op, simulate::simulate};
use remediate::settings::{FileSettings, OrgTrail};
use remediate::snapshot::*;

use crate::fixtures::*;

#[test]
fn an_account_is_active_by_its_state_and_by_its_status_only_where_state_is_absent() {
    let account = |state: Option<AccountState>, status: Option<AccountStatus>| {
        OrgAccount::builder()
            .id("222233334444")
            .set_state(state)
            .set_status(status)
            .build()
    };
    // AWS today: State only (Status retired on 2026-09-09).
    assert!(org::is_active(&account(Some(AccountState::Active), None)));
    for s in [
        AccountState::Suspended,
        AccountState::PendingClosure,
        AccountState::Closed,
        AccountState::PendingActivation,
    ] {
        assert!(!org::is_active(&account(Some(s.clone()), None)), "{s:?}");
        // State decides where both are given.
        assert!(
            !org::is_active(&account(Some(s.clone()), Some(AccountStatus::Active))),
            "{s:?}"
        );
    }
    // Status only where State is absent.
    assert!(org::is_active(&account(None, Some(AccountStatus::Active))));
    assert!(!org::is_active(&account(
        None,
        Some(AccountStatus::Suspended)
    )));
    assert!(!org::is_active(&account(None, None)));
}

fn accounts(ids: &[&str]) -> Vec<Account> {
    ids.iter()
        .map(|i| Account {
            id: i.to_string(),
            name: String::new(),
        })
        .collect()
}

#[test]
fn a_selection_with_no_account_before_the_shard_is_refused_but_an_empty_shard_is_not() {
    let all = Selection {
        org: true,
        ..Default::default()
    };
    let why = org::nothing_selected(Some(&[]), &all).expect("refused");
    assert!(why.contains("lists no ACTIVE account"), "{why}");
    let listed = accounts(&["111111111111", "222222222222"]);
    let excluded = Selection {
        exclude: vec!["111111111111".into(), "222222222222".into()],
        ..all.clone()
    };
    let why = org::nothing_selected(Some(&listed), &excluded).expect("refused");
    assert!(why.contains("leave none of the organization's 2"), "{why}");
    // A shard that holds none of a non-empty selection is an empty report.
    let empty = (1..=50)
        .map(|k| Shard {
            index: k,
            count: 50,
        })
        .find(|s| listed.iter().all(|a| !org::in_shard(&a.id, *s)))
        .unwrap();
    let sharded = Selection {
        shard: Some(empty),
        ..all
    };
    assert!(org::select(Some(listed.clone()), &sharded).is_empty());
    assert_eq!(org::nothing_selected(Some(&listed), &sharded), None);
}

/// The management account of an organization-trail run with no trail of
/// its own, in an organization of the given feature set.
fn management(features: &str) -> (Snapshot, FileSettings) {
    let mut s = compliant();
    s.trails.clear();
    s.organization_id = Some("o-abc123".into());
    s.management_account = Some(ACCOUNT.into());
    s.organization_feature_set = Some(features.into());
    let mut settings = FileSettings::default();
    settings.org.trail = OrgTrail::Organization;
    (s, settings)
}

#[test]
fn without_all_features_an_organization_trail_run_plans_trails_per_account_and_says_why() {
    let (s, mut settings) = management("CONSOLIDATED_BILLING");
    settings.benchmark = Some("cis-1.4".into());
    let ids: Vec<String> = ["3.1", "3.10", "3.11"].map(String::from).to_vec();
    let p = remediate::pipeline::make(&s, &settings, &ids);
    let ops: Vec<&Op> = p.actions.iter().map(|a| &a.op).collect();
    assert!(
        !p.actions
            .iter()
            .any(|a| a.op.name() == "enable_trusted_access"),
        "no trusted access: {ops:#?}"
    );
    let create = p
        .actions
        .iter()
        .find(|a| matches!(&a.op, Op::CreateTrail(_)))
        .expect("a trail for this account");
    assert!(
        matches!(&create.op, Op::CreateTrail(t) if !t.is_organization),
        "{:?}",
        create.op
    );
    assert!(
        create
            .reason
            .contains("the organization needs all features"),
        "{}",
        create.reason
    );
    for id in &ids {
        let f = p.findings.iter().find(|f| f.control == *id).unwrap();
        assert!(
            f.reason.contains("the organization needs all features"),
            "{id}: {}",
            f.reason
        );
    }
    // The per-account plan converges.
    let after = simulate(&s, &p.actions);
    let again = remediate::pipeline::make(&after, &settings, &ids);
    assert!(again.actions.is_empty(), "{:#?}", again.actions);

    // A member plans its own trail instead of relying on one that cannot be.
    let mut member = s.clone();
    member.management_account = Some("999988887777".into());
    let p = remediate::pipeline::make(&member, &settings, &ids);
    assert!(
        p.actions.iter().any(|a| matches!(a.op, Op::CreateTrail(_))),
        "{:#?}",
        p.findings
    );
    assert!(
        !p.findings
            .iter()
            .any(|f| f.reason.contains("covers this account")),
        "{:#?}",
        p.findings
    );

    // With all features: the organization trail, as before.
    let (s, settings) = management("ALL");
    let p = remediate::pipeline::make(&s, &settings, &["2.1".into()]);
    assert!(
        p.actions
            .iter()
            .any(|a| matches!(&a.op, Op::CreateTrail(t) if t.is_organization))
    );
    assert!(!p.findings[0].reason.contains("needs all features"));
}

#[test]
fn converting_the_tools_own_trail_plans_its_s3_data_events_in_the_same_run() {
    // An earlier per-account run (cis-1.2, no data events) made
    // `remediate-trail`; a cis-1.4 organization-trail run converts it and
    // must put the data-event selectors on it in the same plan.
    let (mut s, mut settings) = management("ALL");
    s.cloudtrail_trusted_access = Some(true);
    settings.benchmark = Some("cis-1.4".into());
    let mut t = trail("us-east-1", "remediate-trail", "ct-main");
    t.is_multi_region = true;
    t.include_global_service_events = true;
    t.is_logging = Some(true);
    t.log_file_validation = true;
    t.event_selectors = good_selectors();
    let arn = t.arn.clone();
    s.trails.insert(arn.clone(), t);
    let ids: Vec<String> = ["3.1", "3.10", "3.11"].map(String::from).to_vec();
    let p = remediate::pipeline::make(&s, &settings, &ids);
    assert!(
        p.actions
            .iter()
            .any(|a| matches!(&a.op, Op::UpdateTrail(u) if u.is_organization == Some(true))),
        "converted"
    );
    let selectors = p
        .actions
        .iter()
        .find(|a| a.target == arn && matches!(a.op, Op::PutEventSelectors(_)))
        .unwrap_or_else(|| panic!("no data selectors: {:#?}", p.findings));
    assert!(
        selectors.after.to_string().contains("AWS::S3::Object"),
        "{}",
        selectors.after
    );
    for id in ["3.10", "3.11"] {
        let f = p.findings.iter().find(|f| f.control == id).unwrap();
        assert!(
            !f.reason.contains("not fixed automatically"),
            "{id}: {}",
            f.reason
        );
    }
    // One run converges: the second plan is empty and everything passes.
    let after = simulate(&s, &p.actions);
    let again = remediate::pipeline::make(&after, &settings, &ids);
    assert!(again.actions.is_empty(), "{:#?}", again.actions);
    for f in &again.findings {
        assert_eq!(f.status, Status::Pass, "{}: {}", f.control, f.reason);
    }
}

#[test]
fn the_organization_callers_assume_role_is_in_the_runs_partition() {
    let base = remediate::permissions::policy_json(remediate::permissions::For::Plan);
    for (partition, want) in [
        ("aws", "arn:aws:iam::*:role/R"),
        ("aws-cn", "arn:aws-cn:iam::*:role/R"),
        ("aws-us-gov", "arn:aws-us-gov:iam::*:role/R"),
    ] {
        let v: serde_json::Value =
            serde_json::from_str(&org::caller_policy(&base, "R", partition)).unwrap();
        let resources: Vec<&serde_json::Value> = v["Statement"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|s| s["Action"] == "sts:AssumeRole")
            .map(|s| &s["Resource"])
            .collect();
        assert_eq!(resources, [want], "{partition}");
    }
}
