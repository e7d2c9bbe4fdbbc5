//! Issue 9 (fidelity): what real AWS refuses or breaks, and the lenient
//! emulator lets through, caught on hand-built snapshots.

use remediate::actions::{
    CreateBucket, CreateRole, PutBucketPolicy, PutConfigurationRecorder, PutDeliveryChannel,
    PutEventSelectors,
};
use remediate::controls;
use remediate::finding::Status;
use remediate::plan::{self, Op, limits, simulate::simulate};
use remediate::policy::{self, Caller};
use remediate::settings::{Exemption, FileSettings};
use remediate::snapshot::*;
use serde_json::{Value, json};

use crate::fixtures::*;

fn make(s: &Snapshot, only: &[&str]) -> plan::Plan {
    let sel: Vec<String> = only.iter().map(|c| c.to_string()).collect();
    remediate::pipeline::make(s, &FileSettings::default(), &sel)
}

fn finding<'p>(p: &'p plan::Plan, control: &str) -> &'p remediate::finding::Finding {
    p.findings
        .iter()
        .find(|f| f.control == control)
        .unwrap_or_else(|| panic!("no {control} finding in {:#?}", p.findings))
}

/// A trail bucket whose only statement is a public Allow that is also what
/// lets CloudTrail write (issue 9's reproduction).
fn only_public_statement() -> Snapshot {
    let mut s = base();
    let t = trail("us-east-1", "main", "ct-open");
    s.trails.insert(t.arn.clone(), t);
    let mut b = bucket("ct-open", "us-east-1");
    b.policy = Some(json!({"Version": "2012-10-17", "Statement": [
        {"Sid": "Everyone", "Effect": "Allow", "Principal": "*", "Action": "s3:*",
         "Resource": ["arn:aws:s3:::ct-open", "arn:aws:s3:::ct-open/*"]}
    ]}));
    add_bucket(&mut s, b);
    s
}

#[test]
fn removing_the_only_public_statement_keeps_cloudtrail_delivering_and_never_writes_an_empty_policy()
{
    let s = only_public_statement();
    let p = make(&s, &["2.3"]);
    let put = p
        .actions
        .iter()
        .find(|a| matches!(&a.op, Op::PutBucketPolicy(PutBucketPolicy { bucket, .. }) if bucket == "ct-open"))
        .expect("a merged policy for the trail bucket");
    let Op::PutBucketPolicy(PutBucketPolicy { policy: doc, .. }) = &put.op else {
        unreachable!()
    };
    assert!(
        !policy::statements(doc).is_empty(),
        "S3 refuses an empty Statement"
    );
    assert!(!policy::statements(doc).iter().any(policy::is_public_allow));
    let ct = Caller::Service("cloudtrail.amazonaws.com");
    assert!(policy::allows(
        doc,
        ct,
        &["s3:GetBucketAcl"],
        "arn:aws:s3:::ct-open"
    ));
    assert!(policy::allows(
        doc,
        ct,
        &["s3:PutObject"],
        &format!("arn:aws:s3:::ct-open/AWSLogs/{ACCOUNT}/CloudTrail/x.json.gz")
    ));
    assert!(
        put.reason.contains("Everyone: Allow s3:* on"),
        "{}",
        put.reason
    );
    assert!(
        put.reason.contains("CloudTrail (trail main)"),
        "{}",
        put.reason
    );
    // and it converges: applied in memory, 2.3 passes and the re-plan is empty
    let after = simulate(&s, &p.actions);
    assert!(make(&after, &["2.3"]).actions.is_empty());
}

#[test]
fn a_policy_left_without_statements_is_deleted_and_dependents_wait_for_the_delete() {
    let s = only_public_statement();
    let settings = FileSettings::default();
    let mut p = remediate::plan::builder::Planner::new(&s, &settings);
    let fixes = ["2.3:us-east-1:arn:aws:s3:::ct-open".to_string()];
    let edit = p.edit_bucket_policy(
        "2.3",
        &fixes,
        "ct-open",
        "us-east-1",
        "remove everything",
        remediate::plan::Safety::NeedsReview,
        vec![],
        |doc| policy::remove_statements(doc, |_| true),
    );
    remediate::controls::shared::ensure_public_access_block(
        &mut p,
        "2.3",
        &fixes,
        "ct-open",
        "us-east-1",
        vec![edit],
        "test",
    );
    let actions = p.finish();
    let del = actions
        .iter()
        .find(|a| matches!(a.op, Op::DeleteBucketPolicy(_)))
        .expect("the empty policy becomes a DeleteBucketPolicy");
    assert!(
        !actions
            .iter()
            .any(|a| matches!(a.op, Op::PutBucketPolicy(_)))
    );
    assert_eq!(del.change, plan::Change::Delete);
    assert!(
        del.reason.contains("S3 refuses an empty policy"),
        "{}",
        del.reason
    );
    let pab = actions
        .iter()
        .find(|a| matches!(a.op, Op::PutPublicAccessBlock(_)))
        .unwrap();
    assert_eq!(pab.depends_on, vec![del.id.clone()]);
    let order: Vec<&str> = actions.iter().map(|a| a.id.as_str()).collect();
    assert!(
        order.iter().position(|i| *i == del.id) < order.iter().position(|i| *i == pab.id),
        "{order:?}"
    );
}

fn org_conditioned() -> Snapshot {
    let mut s = base();
    let mut t = trail("us-east-1", "main", "ct-org");
    t.s3_prefix = Some("logs".into());
    s.trails.insert(t.arn.clone(), t.clone());
    let mut b = bucket("ct-org", "us-east-1");
    let mut stmts = vec![
        json!({"Sid": "OrgRead", "Effect": "Allow", "Principal": "*", "Action": "s3:GetObject",
        "Resource": "arn:aws:s3:::ct-org/*", "Condition": {"StringEquals": {"aws:PrincipalOrgID": "o-abc123"}}}),
    ];
    stmts.extend(remediate::controls::shared::cloudtrail_bucket_statements(
        &s,
        "ct-org",
        Some("logs"),
        &t.arn,
    ));
    b.policy = Some(json!({"Version": "2012-10-17", "Statement": stmts}));
    add_bucket(&mut s, b);
    s
}

#[test]
fn a_public_statement_narrowed_by_a_condition_fails_and_the_plan_names_the_access_it_cuts() {
    let s = org_conditioned();
    let p = make(&s, &["2.3"]);
    let f = finding(&p, "2.3");
    assert_eq!(f.status, Status::Fail);
    assert!(
        f.reason.contains("narrowed only by aws:PrincipalOrgID"),
        "{}",
        f.reason
    );
    let put = p
        .actions
        .iter()
        .find(|a| matches!(a.op, Op::PutBucketPolicy(_)))
        .unwrap();
    assert!(
        put.reason
            .contains("OrgRead: Allow s3:GetObject on arn:aws:s3:::ct-org/* to anyone matching aws:PrincipalOrgID"),
        "{}",
        put.reason
    );
    // CloudTrail already has its statements: nothing is added for it.
    assert!(
        !put.reason.contains("so delivery never stops"),
        "{}",
        put.reason
    );
}

#[test]
fn an_exempted_conditioned_statement_is_kept_and_the_bucket_is_skipped_with_the_reason() {
    let s = org_conditioned();
    let mut settings = FileSettings::default();
    settings.exemptions.push(Exemption {
        control: "2.3".into(),
        resource: "ct-org".into(),
        statement: Some("OrgRead".into()),
        reason: "the organization reads its own logs".into(),
    });
    let p = remediate::pipeline::make(&s, &settings, &["2.3".into()]);
    let f = finding(&p, "2.3");
    assert_eq!(f.status, Status::Skipped, "{}", f.reason);
    assert!(f.reason.contains("the organization reads its own logs"));
    assert!(
        !p.actions
            .iter()
            .any(|a| matches!(a.op, Op::PutBucketPolicy(_)))
    );
}

#[test]
fn an_exemption_cannot_keep_an_unconditioned_public_statement() {
    let mut s = only_public_statement();
    s.buckets
        .get_mut("ct-open")
        .unwrap()
        .policy
        .as_mut()
        .unwrap()["Statement"][0]["Sid"] = json!("Everyone");
    let mut settings = FileSettings::default();
    settings.exemptions.push(Exemption {
        control: "2.3".into(),
        resource: "ct-open".into(),
        statement: Some("Everyone".into()),
        reason: "please".into(),
    });
    let p = remediate::pipeline::make(&s, &settings, &["2.3".into()]);
    assert_eq!(finding(&p, "2.3").status, Status::Fail);
}

#[test]
fn config_log_delivery_and_flow_logs_keep_their_access_when_public_statements_go() {
    let mut s = only_public_statement();
    s.config.insert(
        "us-east-1".into(),
        RegionConfig {
            channels: vec![DeliveryChannel {
                name: "default".into(),
                s3_bucket: Some("ct-open".into()),
                ..Default::default()
            }],
            ..Default::default()
        },
    );
    let mut src = bucket("app-data", "us-east-1");
    src.logging = Some(BucketLogging {
        target_bucket: "ct-open".into(),
        target_prefix: "access/".into(),
    });
    add_bucket(&mut s, src);
    let mut fl = flow_log("us-east-1", "vpc-1", "ACTIVE");
    fl.destination_type = "s3".into();
    fl.destination = Some("arn:aws:s3:::ct-open".into());
    s.flow_logs.insert(fl.flow_log_id.clone(), fl);
    let p = make(&s, &["2.3"]);
    let Op::PutBucketPolicy(PutBucketPolicy { policy: doc, .. }) = &p
        .actions
        .iter()
        .find(|a| matches!(a.op, Op::PutBucketPolicy(_)))
        .unwrap()
        .op
    else {
        unreachable!()
    };
    let can =
        |svc, action: &str, res: &str| policy::allows(doc, Caller::Service(svc), &[action], res);
    assert!(can(
        "config.amazonaws.com",
        "s3:PutObject",
        &format!("arn:aws:s3:::ct-open/AWSLogs/{ACCOUNT}/Config/x")
    ));
    assert!(can(
        "logging.s3.amazonaws.com",
        "s3:PutObject",
        "arn:aws:s3:::ct-open/access/x"
    ));
    assert!(can(
        "delivery.logs.amazonaws.com",
        "s3:PutObject",
        &format!("arn:aws:s3:::ct-open/AWSLogs/{ACCOUNT}/x")
    ));
}

#[test]
fn a_plan_whose_bucket_policy_would_pass_20_kb_is_refused_with_one_line() {
    let mut s = only_public_statement();
    let big: Vec<Value> = (0..200)
        .map(|i| json!({"Sid": format!("Reader{i}"), "Effect": "Allow",
            "Principal": {"AWS": format!("arn:aws:iam::{ACCOUNT}:role/reader-with-a-long-name-{i}")},
            "Action": "s3:GetObject", "Resource": "arn:aws:s3:::ct-open/*"}))
        .collect();
    s.buckets
        .get_mut("ct-open")
        .unwrap()
        .policy
        .as_mut()
        .unwrap()["Statement"]
        .as_array_mut()
        .unwrap()
        .extend(big);
    let p = make(&s, &["2.3"]);
    let err = limits::check(&p.actions, &s).unwrap_err().to_string();
    assert!(err.contains("bucket policy of ct-open"), "{err}");
    assert!(err.contains("20480"), "{err}");
    assert!(!err.contains('\n'));
}

#[test]
fn a_role_whose_inline_policies_would_pass_10240_characters_is_refused() {
    let mut s = non_compliant();
    let filler = json!({"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "s3:GetObject",
        "Resource": (0..400).map(|i| format!("arn:aws:s3:::bucket-number-{i}/*")).collect::<Vec<_>>()}]});
    s.roles.insert(
        "remediate-vpc-flow-logs".into(),
        Role {
            name: "remediate-vpc-flow-logs".into(),
            arn: format!("arn:aws:iam::{ACCOUNT}:role/remediate-vpc-flow-logs"),
            trust_policy: Some(json!({"Version": "2012-10-17", "Statement": []})),
            inline_policies: [("theirs".to_string(), filler)].into(),
        },
    );
    let p = make(&s, &["2.9"]);
    let err = limits::check(&p.actions, &s).unwrap_err();
    assert!(
        err.what
            .contains("inline policies of role remediate-vpc-flow-logs"),
        "{err}"
    );
    assert_eq!(err.limit, 10_240);
}

#[test]
fn an_added_management_selector_is_named_as_scanners_expect_and_records_read_and_write() {
    let mut s = base();
    let mut t = trail("us-east-1", "main", "ct");
    t.is_multi_region = true;
    t.is_logging = Some(true);
    t.advanced_event_selectors = vec![AdvancedEventSelector {
        name: Some("S3 data".into()),
        field_selectors: vec![FieldSelector {
            field: "eventCategory".into(),
            equals: vec!["Data".into()],
            ..Default::default()
        }],
    }];
    s.trails.insert(t.arn.clone(), t);
    let p = make(&s, &["2.1"]);
    let Op::PutEventSelectors(PutEventSelectors { selectors, .. }) = &p.actions[0].op else {
        panic!("{:#?}", p.actions)
    };
    let mgmt = &selectors["AdvancedEventSelectors"][0];
    assert_eq!(mgmt["name"], "Management events selector");
    assert!(!mgmt.to_string().contains("readOnly"), "{mgmt}");
    assert_eq!(selectors["AdvancedEventSelectors"][1]["name"], "S3 data");
}

/// An organization trail of the management account (999988887777), as a
/// member account sees it.
fn member_view(validation: bool) -> Snapshot {
    let mut s = base();
    let arn = "arn:aws:cloudtrail:us-east-1:999988887777:trail/org-trail".to_string();
    let t = Trail {
        name: "org-trail".into(),
        arn: arn.clone(),
        home_region: "us-east-1".into(),
        is_multi_region: true,
        is_organization: true,
        is_logging: Some(true),
        log_file_validation: validation,
        s3_bucket: Some("org-logs".into()),
        event_selectors: good_selectors(),
        ..Default::default()
    };
    s.trails.insert(arn, t);
    s.buckets.insert(
        "org-logs".into(),
        Bucket {
            name: "org-logs".into(),
            region: Some("us-east-1".into()),
            ..Default::default()
        },
    );
    s
}

#[test]
fn a_member_account_passes_2_1_through_the_organization_trail() {
    let p = make(&member_view(true), &["2.1", "2.2"]);
    let f = finding(&p, "2.1");
    assert_eq!(f.status, Status::Pass, "{}", f.reason);
    assert!(
        f.reason
            .contains("organization trail of account 999988887777")
    );
    assert_eq!(finding(&p, "2.2").status, Status::Pass);
    assert!(p.actions.is_empty());
}

#[test]
fn a_failing_organization_trail_is_manual_in_a_member_account_and_never_planned() {
    let p = make(&member_view(false), &["2.2", "2.7"]);
    for c in ["2.2", "2.7"] {
        let f = finding(&p, c);
        assert_eq!(f.status, Status::Manual, "{c}: {}", f.reason);
        assert!(
            f.reason.contains("fix it in the management account"),
            "{}",
            f.reason
        );
    }
    assert!(p.actions.is_empty(), "{:#?}", p.actions);
}

#[test]
fn an_organization_trail_gets_a_log_role_that_allows_the_organization_streams() {
    let mut s = base();
    s.organization_id = Some("o-abc123".into());
    let mut t = trail("us-east-1", "org", "ct");
    t.is_organization = true;
    t.is_multi_region = true;
    s.trails.insert(t.arn.clone(), t);
    add_bucket(&mut s, bucket("ct", "us-east-1"));
    let p = make(&s, &["2.4"]);
    let Op::CreateRole(CreateRole { policy: doc, .. }) = &p
        .actions
        .iter()
        .find(|a| matches!(a.op, Op::CreateRole(_)))
        .unwrap()
        .op
    else {
        unreachable!()
    };
    let res = policy::statements(doc)[0]["Resource"].to_string();
    assert!(res.contains("log-stream:o-abc123_*"), "{res}");
    assert!(
        res.contains(&format!("log-stream:{ACCOUNT}_CloudTrail_us-east-1*")),
        "{res}"
    );
}

#[test]
fn a_trail_that_cannot_deliver_fails_2_1_and_gets_the_missing_bucket_statements() {
    let mut s = compliant();
    let t = s.trails.values_mut().next().unwrap();
    t.latest_delivery_error = Some("AccessDenied".into());
    let p = make(&s, &["2.1"]);
    let f = finding(&p, "2.1");
    assert_eq!(f.status, Status::Fail);
    assert!(
        f.reason.contains("LatestDeliveryError=AccessDenied"),
        "{}",
        f.reason
    );
    let put = p
        .actions
        .iter()
        .find(|a| matches!(&a.op, Op::PutBucketPolicy(PutBucketPolicy { bucket, .. }) if bucket == "ct-main"))
        .expect("the CloudTrail statements the bucket lacks");
    assert!(
        put.reason
            .contains("CloudTrail cannot deliver (AccessDenied)")
    );
}

#[test]
fn a_delivery_error_with_nothing_to_add_is_reported_not_planned() {
    let mut s = compliant();
    let arn = s.trails.keys().next().unwrap().clone();
    let stmts =
        remediate::controls::shared::cloudtrail_bucket_statements(&s, "ct-main", None, &arn);
    s.buckets.get_mut("ct-main").unwrap().policy =
        Some(json!({"Version": "2012-10-17", "Statement": stmts}));
    s.trails.get_mut(&arn).unwrap().latest_delivery_error = Some("NoSuchBucket".into());
    let p = make(&s, &["2.1"]);
    assert!(p.actions.is_empty(), "{:#?}", p.actions);
    let f = finding(&p, "2.1");
    assert_eq!(f.status, Status::Fail);
    assert!(f.reason.contains("not fixed automatically"), "{}", f.reason);
}

#[test]
fn a_cloudwatch_logs_delivery_error_fails_2_4_with_the_error() {
    let mut s = compliant();
    let t = s.trails.values_mut().next().unwrap();
    t.latest_cloudwatch_delivery_error = Some("AccessDeniedException".into());
    let p = make(&s, &["2.4"]);
    let f = finding(&p, "2.4");
    assert_eq!(f.status, Status::Fail);
    assert!(
        f.reason
            .contains("LatestCloudWatchLogsDeliveryError=AccessDeniedException")
    );
    assert!(f.reason.contains("not fixed automatically"), "{}", f.reason);
}

#[test]
fn a_disabled_or_pending_deletion_key_behind_the_alias_is_reported_not_used() {
    for state in ["Disabled", "PendingDeletion"] {
        let mut s = non_compliant();
        let mut k = key("us-east-1", "k-tool");
        k.state = state.into();
        add_key(&mut s, k);
        s.aliases.insert(
            "us-east-1".into(),
            [(
                "alias/remediate-cloudtrail".to_string(),
                "k-tool".to_string(),
            )]
            .into(),
        );
        let p = make(&s, &["2.7"]);
        let east = p
            .findings
            .iter()
            .find(|f| f.control == "2.7" && f.region == "us-east-1")
            .unwrap();
        assert!(
            east.reason.contains(&format!("which is {state}")),
            "{}",
            east.reason
        );
        assert!(
            !p.actions.iter().any(|a| a.region == "us-east-1"),
            "{state}: {:#?}",
            p.actions
        );
        // the other region is still fixed
        assert!(p.actions.iter().any(|a| a.region == "eu-west-1"));
    }
}

#[test]
fn global_types_default_to_us_east_1_and_a_region_that_cannot_record_them_is_refused() {
    let mut s = base();
    s.home_region = "eu-west-1".into();
    assert_eq!(
        controls::config_all_regions::global_region(&s, &FileSettings::default()),
        "us-east-1"
    );
    s.regions = vec!["ap-south-2".into(), "eu-west-1".into()];
    s.home_region = "ap-south-2".into();
    assert_eq!(
        controls::config_all_regions::global_region(&s, &FileSettings::default()),
        "eu-west-1"
    );
    let err = FileSettings::parse("global_resources_region = \"ap-south-2\"\n").unwrap_err();
    assert!(
        err.contains("cannot record IAM global resource types"),
        "{err}"
    );
    assert!(err.starts_with("line 1"), "{err}");
}

#[test]
fn a_recorder_fix_keeps_the_recording_mode_and_shows_the_exclusions_it_drops() {
    let mut s = compliant();
    let r = &mut s.config.get_mut("eu-west-1").unwrap().recorders[0];
    r.all_supported = false;
    r.recording_strategy = Some("EXCLUSION_BY_RESOURCE_TYPES".into());
    r.exclusion_resource_types = vec!["AWS::EC2::NetworkInterface".into()];
    r.recording_frequency = Some("DAILY".into());
    let p = make(&s, &["2.5"]);
    let a = p
        .actions
        .iter()
        .find(|a| matches!(a.op, Op::PutConfigurationRecorder(_)))
        .unwrap();
    assert_eq!(a.before["recordingMode"]["recordingFrequency"], "DAILY");
    assert_eq!(a.after["recordingMode"]["recordingFrequency"], "DAILY");
    assert_eq!(
        a.before["recordingGroup"]["exclusionByResourceTypes"],
        json!(["AWS::EC2::NetworkInterface"])
    );
    assert!(
        a.after["recordingGroup"]
            .get("exclusionByResourceTypes")
            .is_none()
    );
    let Op::PutConfigurationRecorder(PutConfigurationRecorder { role_arn, .. }) = &a.op else {
        unreachable!()
    };
    assert_eq!(
        role_arn, "arn:aws:iam::111122223333:role/config",
        "the role is kept"
    );
}

#[test]
fn in_aws_cn_the_cn_north_1_delivery_channel_gets_a_bucket_in_cn_north_1() {
    let mut s = base();
    s.partition = "aws-cn".into();
    s.home_region = "cn-northwest-1".into();
    s.regions = vec!["cn-north-1".into(), "cn-northwest-1".into()];
    let p = make(&s, &["2.5"]);
    let channel = |region: &str| {
        p.actions
            .iter()
            .find_map(|a| match &a.op {
                Op::PutDeliveryChannel(PutDeliveryChannel { bucket, .. }) if a.region == region => {
                    Some(bucket.clone())
                }
                _ => None,
            })
            .unwrap()
    };
    let north = channel("cn-north-1");
    let created = p
        .actions
        .iter()
        .find(|a| matches!(&a.op, Op::CreateBucket(CreateBucket { bucket }) if *bucket == north))
        .unwrap();
    assert_eq!(created.region, "cn-north-1");
    assert_ne!(north, channel("cn-northwest-1"));
}

#[test]
fn verification_names_a_delivery_error_that_appeared_after_apply() {
    let s = non_compliant();
    let p = make(&s, &["2.2"]);
    assert!(!p.actions.is_empty());
    let mut after = simulate(&s, &p.actions);
    assert!(remediate::render::new_delivery_errors(&p, &after).is_empty());
    let arn = trail_arn("us-east-1", "east-trail");
    after.trails.get_mut(&arn).unwrap().latest_delivery_error = Some("AccessDenied".into());
    let lines = remediate::render::new_delivery_errors(&p, &after);
    assert_eq!(lines.len(), 1, "{lines:?}");
    assert!(lines[0].contains("east-trail now reports LatestDeliveryError=AccessDenied"));
}

/// The management account's part of an organization-trail run, already
/// compliant on its own (a passing per-account trail).
fn compliant_management(trusted: Option<bool>) -> (Snapshot, FileSettings) {
    let mut s = compliant();
    s.organization_id = Some("o-abc123".into());
    s.management_account = Some(ACCOUNT.into());
    s.cloudtrail_trusted_access = trusted;
    let mut settings = FileSettings::default();
    settings.org.trail = remediate::settings::OrgTrail::Organization;
    (s, settings)
}

#[test]
fn an_organization_trail_run_fails_2_1_in_a_management_account_that_passes_only_on_its_own() {
    // Its members' parts rely on the organization trail and plan none of
    // their own: a passing per-account trail would leave them uncovered.
    let (s, settings) = compliant_management(Some(true));
    let p = remediate::pipeline::make(&s, &settings, &["2.1".into()]);
    let f = finding(&p, "2.1");
    assert_eq!(f.status, Status::Fail, "{}", f.reason);
    assert!(f.reason.contains("no organization trail"), "{}", f.reason);
    let made: Vec<&Op> = p.actions.iter().map(|a| &a.op).collect();
    assert!(
        made.iter()
            .any(|o| matches!(o, Op::CreateTrail(t) if t.is_organization)),
        "{made:#?}"
    );
    // Trusted access already on: nothing to enable.
    assert!(
        !p.actions
            .iter()
            .any(|a| a.op.name() == "enable_trusted_access")
    );
    // And the plan converges: the organization trail passes.
    let after = simulate(&s, &p.actions);
    let again = remediate::pipeline::make(&after, &settings, &["2.1".into()]);
    assert_eq!(finding(&again, "2.1").status, Status::Pass);
    // Outside an organization-trail run the same account passes.
    let alone = remediate::pipeline::make(&s, &FileSettings::default(), &["2.1".into()]);
    assert_eq!(finding(&alone, "2.1").status, Status::Pass);
}

#[test]
fn an_organization_trail_waits_for_cloudtrail_trusted_access_unless_it_is_on() {
    // AWS refuses an organization trail without CloudTrail's trusted access
    // in Organizations (CloudTrailAccessNotEnabledException); unknown counts
    // as off (enabling is idempotent, the run reads it first).
    for trusted in [Some(false), None] {
        let (s, settings) = compliant_management(trusted);
        let p = remediate::pipeline::make(&s, &settings, &["2.1".into()]);
        let enable = p
            .actions
            .iter()
            .find(|a| a.op.name() == "enable_trusted_access")
            .unwrap_or_else(|| panic!("{trusted:?}: no enable_trusted_access"));
        assert!(
            enable.target.ends_with(":organization/o-abc123"),
            "{}",
            enable.target
        );
        let create = p
            .actions
            .iter()
            .find(|a| matches!(&a.op, Op::CreateTrail(t) if t.is_organization))
            .unwrap();
        assert!(
            create.depends_on.contains(&enable.id),
            "{:?}",
            create.depends_on
        );
        let order: Vec<&str> = p.actions.iter().map(|a| a.id.as_str()).collect();
        let at = |id: &str| order.iter().position(|x| *x == id).unwrap();
        assert!(at(&enable.id) < at(&create.id));
    }
}

#[test]
fn the_trail_this_tool_made_becomes_the_organization_trail_instead_of_a_second_one() {
    // An earlier per-account run made `remediate-trail` with the tool's own
    // log group and role; an organization-trail run converts it.
    let (mut s, settings) = compliant_management(Some(false));
    s.trails.clear();
    let mut t = trail("us-east-1", "remediate-trail", "ct-main");
    t.is_multi_region = true;
    t.is_logging = Some(true);
    t.log_file_validation = true;
    t.event_selectors = good_selectors();
    t.cloudwatch_log_group_arn = Some(format!(
        "arn:aws:logs:us-east-1:{ACCOUNT}:log-group:remediate/cloudtrail:*"
    ));
    t.cloudwatch_role_arn = Some(format!(
        "arn:aws:iam::{ACCOUNT}:role/remediate-cloudtrail-to-logs"
    ));
    let arn = t.arn.clone();
    s.trails.insert(arn.clone(), t);
    let p = remediate::pipeline::make(&s, &settings, &["2.1".into()]);
    assert!(
        !p.actions.iter().any(|a| matches!(a.op, Op::CreateTrail(_))),
        "no second trail: {:#?}",
        p.actions.iter().map(|a| &a.id).collect::<Vec<_>>()
    );
    let update = p
        .actions
        .iter()
        .find(|a| {
            a.target == arn
                && matches!(&a.op, Op::UpdateTrail(u) if u.is_organization == Some(true))
        })
        .expect("the trail is made the organization trail");
    let enable = p
        .actions
        .iter()
        .find(|a| a.op.name() == "enable_trusted_access")
        .unwrap();
    assert!(
        update.depends_on.contains(&enable.id),
        "{:?}",
        update.depends_on
    );
    // Its bucket admits the organization's log paths, its role the
    // organization's streams, before the conversion.
    let policy = p
        .actions
        .iter()
        .find(|a| a.op.name() == "put_bucket_policy" && a.target == "ct-main")
        .unwrap();
    assert!(
        policy.after.to_string().contains("AWSLogs/o-abc123/"),
        "{}",
        policy.after
    );
    assert!(update.depends_on.contains(&policy.id));
    let role = p
        .actions
        .iter()
        .find(|a| matches!(a.op, Op::CreateRole(_)))
        .unwrap();
    assert!(
        role.after.to_string().contains("o-abc123_*"),
        "{}",
        role.after
    );
    // Converges: the same trail passes as the organization trail.
    let after = simulate(&s, &p.actions);
    let again = remediate::pipeline::make(&after, &settings, &["2.1".into()]);
    let f = finding(&again, "2.1");
    assert_eq!(
        (f.status, f.resource.as_str()),
        (Status::Pass, arn.as_str()),
        "{}",
        f.reason
    );
    // A trail the user made is never repurposed: a new trail instead.
    let (user, settings) = compliant_management(Some(true));
    let p = remediate::pipeline::make(&user, &settings, &["2.1".into()]);
    assert!(
        !p.actions
            .iter()
            .any(|a| matches!(&a.op, Op::UpdateTrail(u) if u.is_organization.is_some()))
    );
}

/// An action putting `selectors` on trail `main`, as a plan holds it.
fn selectors_action(selectors: Value) -> remediate::plan::Action {
    serde_json::from_value(json!({
        "id": "put_advanced_event_selectors:us-east-1:main", "region": "us-east-1",
        "target": "main", "change": "update",
        "op": {"op": "put_event_selectors", "trail": "main", "selectors": selectors},
        "before": null, "after": null, "fixes": [], "controls": [], "reason": "",
        "safety": "safe", "depends_on": [], "observed": []
    }))
    .unwrap()
}

/// CloudTrail refuses a trail's selectors past 500 values across its
/// advanced selectors, or 250 data resources across its basic ones: the
/// plan is refused when it is made, not half-way through apply.
#[test]
fn event_selectors_past_cloudtrails_limits_are_refused_at_plan_time() {
    let s = base();
    let advanced = |n: usize| {
        json!({"AdvancedEventSelectors": [
            {"Name": "Management events", "FieldSelectors": [
                {"Field": "eventCategory", "Equals": ["Management"]}]},
            {"Name": "S3 writes", "FieldSelectors": [
                {"Field": "eventCategory", "Equals": ["Data"]},
                {"Field": "resources.type", "Equals": ["AWS::S3::Object"]},
                {"Field": "resources.ARN", "StartsWith":
                    (0..n).map(|i| format!("arn:aws:s3:::b{i}/")).collect::<Vec<_>>()}]}]})
    };
    // 3 + 497 = 500 values: accepted; one more is not.
    limits::check(&[selectors_action(advanced(497))], &s).expect("500 values are accepted");
    let err = limits::check(&[selectors_action(advanced(498))], &s).unwrap_err();
    assert_eq!(
        (err.size, err.limit, err.unit),
        (501, 500, "values"),
        "{err}"
    );
    assert!(
        err.what.contains("advanced event selectors of trail main"),
        "{err}"
    );
    let basic = |n: usize| {
        json!({"EventSelectors": [
            {"ReadWriteType": "All", "IncludeManagementEvents": true, "DataResources": [
                {"Type": "AWS::S3::Object",
                 "Values": (0..n).map(|i| format!("arn:aws:s3:::b{i}/")).collect::<Vec<_>>()}]}]})
    };
    limits::check(&[selectors_action(basic(250))], &s).expect("250 data resources are accepted");
    let err = limits::check(&[selectors_action(basic(251))], &s).unwrap_err();
    assert_eq!((err.size, err.limit), (251, 250), "{err}");
    assert!(!err.to_string().contains('\n'));
}
