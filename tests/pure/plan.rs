use remediate::actions::{
    CreateBucket, CreateKey, CreateRole, CreateTrail, PutBucketPolicy, PutEventSelectors,
    PutKeyPolicy,
};
use remediate::controls;
use remediate::finding::Status;
use remediate::plan::simulate::simulate;
use remediate::plan::{self, Action, Op, Plan};
use remediate::policy;
use remediate::render::{self, Format, Style};
use remediate::settings::{FileSettings, FlowLogDestination};
use remediate::snapshot::Snapshot;
use serde_json::{Value, json};
use std::collections::BTreeSet;

use crate::fixtures::*;

fn make(s: &Snapshot) -> Plan {
    remediate::pipeline::make(s, &FileSettings::default(), &[])
}

fn assert_converges(s: &Snapshot, settings: &FileSettings) {
    let p = remediate::pipeline::make(s, settings, &[]);
    let after = simulate(s, &p.actions);
    let left: Vec<_> = controls::detect(&after, settings, &controls::selected(&[], settings))
        .into_iter()
        .filter(|f| f.status == Status::Fail)
        .collect();
    assert!(left.is_empty(), "still failing after the plan: {left:#?}");
    // and planning again on the result plans nothing
    assert!(
        remediate::pipeline::make(&after, settings, &[])
            .actions
            .is_empty()
    );
}

fn assert_valid_order(actions: &[Action]) {
    let mut seen = BTreeSet::new();
    for a in actions {
        for d in &a.depends_on {
            assert!(seen.contains(d), "{} runs before its dependency {d}", a.id);
        }
        assert!(seen.insert(a.id.clone()), "duplicate action {}", a.id);
    }
}

#[test]
fn plan_for_the_non_compliant_account_converges() {
    assert_converges(&non_compliant(), &FileSettings::default());
}

#[test]
fn plan_for_an_account_without_any_trail_converges_with_one_new_trail() {
    let s = base();
    let p = make(&s);
    let creates: Vec<_> = p
        .actions
        .iter()
        .filter(|a| matches!(a.op, Op::CreateTrail(_)))
        .collect();
    assert_eq!(creates.len(), 1);
    assert_converges(&s, &FileSettings::default());
}

#[test]
fn plan_with_s3_flow_logs_converges_and_merges_the_delivery_policy() {
    let mut settings = FileSettings::default();
    settings.flow_logs.destination = FlowLogDestination::S3;
    assert_converges(&non_compliant(), &settings);
}

#[test]
fn plan_with_advanced_selectors_keeps_data_selectors() {
    use remediate::snapshot::{AdvancedEventSelector, FieldSelector};
    let mut s = non_compliant();
    let t = s
        .trails
        .get_mut(&trail_arn("us-east-1", "east-trail"))
        .unwrap();
    t.advanced_event_selectors = vec![AdvancedEventSelector {
        name: Some("s3 data".into()),
        field_selectors: vec![
            FieldSelector {
                field: "eventCategory".into(),
                equals: vec!["Data".into()],
                ..Default::default()
            },
            FieldSelector {
                field: "resources.type".into(),
                equals: vec!["AWS::S3::Object".into()],
                ..Default::default()
            },
        ],
    }];
    let p = make(&s);
    let sel = p
        .actions
        .iter()
        .find_map(|a| match &a.op {
            Op::PutEventSelectors(PutEventSelectors { selectors, .. }) => Some(selectors.clone()),
            _ => None,
        })
        .unwrap();
    let adv = sel["AdvancedEventSelectors"].as_array().unwrap();
    assert_eq!(adv.len(), 2, "{sel:#}");
    assert!(adv.iter().any(|a| a["name"] == "s3 data"));
    assert_converges(&s, &FileSettings::default());
}

#[test]
fn compliant_account_gives_an_empty_plan_that_says_so() {
    let p = make(&compliant());
    assert!(p.actions.is_empty());
    let text = render::render(&p, Format::Text, Style { color: false });
    assert!(text.contains("No changes."), "{text}");
}

#[test]
fn actions_are_in_dependency_order_and_each_planned_once() {
    let p = make(&non_compliant());
    assert_valid_order(&p.actions);
    // one access-log bucket per region, one flow-log role per account
    let roles: Vec<_> = p
        .actions
        .iter()
        .filter(
            |a| matches!(&a.op, Op::CreateRole(CreateRole { name, .. }) if name == "remediate-vpc-flow-logs"),
        )
        .collect();
    assert_eq!(roles.len(), 1);
    let east_logs: Vec<_> = p.actions.iter().filter(|a| matches!(&a.op, Op::CreateBucket(CreateBucket { bucket }) if bucket.starts_with("remediate-access-logs"))).collect();
    assert_eq!(east_logs.len(), 2, "one access-log bucket in each region");
    // one UpdateTrail per trail, whatever the number of controls it serves
    let updates: Vec<_> = p
        .actions
        .iter()
        .filter(|a| matches!(a.op, Op::UpdateTrail(_)))
        .collect();
    assert_eq!(updates.len(), 2);
    let east = updates
        .iter()
        .find(|a| a.target.contains("east-trail"))
        .unwrap();
    for c in ["2.1", "2.2", "2.4", "2.7"] {
        assert!(
            east.controls.iter().any(|x| x == c),
            "{c} missing in {:?}",
            east.controls
        );
    }
}

#[test]
fn plan_covers_all_nine_controls() {
    let p = make(&non_compliant());
    let served: BTreeSet<&str> = p
        .actions
        .iter()
        .flat_map(|a| a.controls.iter().map(String::as_str))
        .collect();
    for id in controls::DEFAULT.ids() {
        assert!(served.contains(id), "no action for {id}");
    }
}

#[test]
fn the_same_account_gives_the_same_plan_byte_for_byte() {
    let a = render::render(
        &make(&non_compliant()),
        Format::Json,
        Style { color: false },
    );
    let b = render::render(
        &make(&non_compliant()),
        Format::Json,
        Style { color: false },
    );
    assert_eq!(a, b);
}

#[test]
fn existing_bucket_policy_statements_are_kept_and_only_public_allow_removed() {
    let p = make(&non_compliant());
    let put = p
        .actions
        .iter()
        .find(|a| matches!(&a.op, Op::PutBucketPolicy(PutBucketPolicy { bucket, .. }) if bucket == "ct-west"))
        .unwrap();
    let sids: Vec<String> = policy::statements(&put.after)
        .iter()
        .filter_map(|s| s["Sid"].as_str().map(String::from))
        .collect();
    assert!(sids.contains(&"DenyInsecure".to_string()), "{sids:?}");
    assert!(!sids.contains(&"PublicRead".to_string()), "{sids:?}");
    assert_eq!(put.before["Statement"].as_array().unwrap().len(), 2);
}

#[test]
fn a_plan_never_contains_an_allow_for_everyone() {
    let mut settings = FileSettings::default();
    for dest in [FlowLogDestination::CloudWatchLogs, FlowLogDestination::S3] {
        settings.flow_logs.destination = dest;
        for s in [non_compliant(), base()] {
            let p = remediate::pipeline::make(&s, &settings, &[]);
            for a in &p.actions {
                for doc in documents(&a.op) {
                    for st in policy::statements(&doc) {
                        assert!(!policy::is_public_allow(&st), "{}: {st}", a.id);
                        // The CloudTrail → CloudWatch Logs role's trust is the
                        // form AWS documents, which has no source condition
                        // (issue 9, item 10); every other service statement
                        // carries one.
                        if st["Action"] == "sts:AssumeRole"
                            && st["Principal"]["Service"] == "cloudtrail.amazonaws.com"
                        {
                            assert_eq!(
                                st,
                                serde_json::json!({"Effect": "Allow", "Principal": {"Service": "cloudtrail.amazonaws.com"}, "Action": "sts:AssumeRole"}),
                                "{}: the CloudTrail role trust is not AWS's documented form",
                                a.id
                            );
                            continue;
                        }
                        if st["Principal"].get("Service").is_some() {
                            let cond = st
                                .get("Condition")
                                .map(|c| c.to_string())
                                .unwrap_or_default();
                            assert!(
                                cond.contains("aws:Source"),
                                "{}: service statement without source condition: {st}",
                                a.id
                            );
                        }
                    }
                }
            }
        }
    }
}

/// Every policy document an op writes.
fn documents(op: &Op) -> Vec<Value> {
    match op {
        Op::PutBucketPolicy(PutBucketPolicy { policy, .. })
        | Op::PutKeyPolicy(PutKeyPolicy { policy, .. })
        | Op::CreateKey(CreateKey { policy, .. }) => vec![policy.clone()],
        Op::CreateRole(CreateRole {
            trust_policy,
            policy,
            ..
        }) => vec![trust_policy.clone(), policy.clone()],
        _ => vec![],
    }
}

fn statement(doc: &Value, sid: &str) -> Value {
    policy::statements(doc)
        .into_iter()
        .find(|s| s["Sid"] == sid)
        .unwrap_or_else(|| panic!("no {sid} in {doc:#}"))
}

#[test]
fn documents_match_the_reference_field_by_field() {
    let mut s = base();
    add_vpc(&mut s, vpc("us-east-1", "vpc-1"));
    let p = make(&s);
    let trail = "arn:aws:cloudtrail:us-east-1:111122223333:trail/remediate-trail";
    let bucket = "remediate-cloudtrail-111122223333-us-east-1";
    let find = |pred: &dyn Fn(&Op) -> bool| p.actions.iter().find(|a| pred(&a.op)).unwrap().clone();

    let bp = find(
        &|op| matches!(op, Op::PutBucketPolicy(PutBucketPolicy { bucket: b, .. }) if b == bucket),
    );
    let acl = statement(&bp.after, "AWSCloudTrailAclCheck20150319");
    assert_eq!(
        acl["Principal"],
        json!({"Service": "cloudtrail.amazonaws.com"})
    );
    assert_eq!(acl["Action"], "s3:GetBucketAcl");
    assert_eq!(acl["Resource"], format!("arn:aws:s3:::{bucket}"));
    assert_eq!(acl["Condition"]["StringEquals"]["aws:SourceArn"], trail);
    let w = statement(&bp.after, "AWSCloudTrailWrite20150319");
    assert_eq!(w["Action"], "s3:PutObject");
    assert_eq!(
        w["Resource"],
        format!("arn:aws:s3:::{bucket}/AWSLogs/111122223333/*")
    );
    assert_eq!(
        w["Condition"]["StringEquals"]["s3:x-amz-acl"],
        "bucket-owner-full-control"
    );
    assert_eq!(w["Condition"]["StringEquals"]["aws:SourceArn"], trail);

    let key = find(&|op| matches!(op, Op::CreateKey(_)));
    let Op::CreateKey(CreateKey { policy: kp, .. }) = &key.op else {
        unreachable!()
    };
    let enc = statement(kp, "AllowCloudTrailEncryptLogs");
    assert_eq!(enc["Action"], "kms:GenerateDataKey*");
    assert_eq!(
        enc["Condition"]["StringLike"]["kms:EncryptionContext:aws:cloudtrail:arn"],
        "arn:aws:cloudtrail:*:111122223333:trail/*"
    );
    assert_eq!(enc["Condition"]["StringEquals"]["aws:SourceArn"], trail);
    assert_eq!(
        statement(kp, "AllowCloudTrailDescribeKey")["Action"],
        "kms:DescribeKey"
    );
    assert_eq!(
        statement(kp, "EnableIamUserPermissions")["Principal"]["AWS"],
        "arn:aws:iam::111122223333:root"
    );

    let role = find(
        &|op| matches!(op, Op::CreateRole(CreateRole { name, .. }) if name == "remediate-cloudtrail-to-logs"),
    );
    let Op::CreateRole(CreateRole {
        trust_policy,
        policy: rp,
        ..
    }) = &role.op
    else {
        unreachable!()
    };
    // AWS's documented trust for this role: CloudTrail, no condition.
    let t = &policy::statements(trust_policy)[0];
    assert_eq!(
        t,
        &json!({"Effect": "Allow", "Principal": {"Service": "cloudtrail.amazonaws.com"}, "Action": "sts:AssumeRole"})
    );
    let r = &policy::statements(rp)[0];
    assert_eq!(
        r["Action"],
        json!(["logs:CreateLogStream", "logs:PutLogEvents"])
    );
    assert_eq!(
        r["Resource"],
        "arn:aws:logs:us-east-1:111122223333:log-group:remediate/cloudtrail:log-stream:111122223333_CloudTrail_us-east-1*"
    );
    let ct = find(&|op| matches!(op, Op::CreateTrail(_)));
    let Op::CreateTrail(CreateTrail {
        cloudwatch_log_group_arn,
        cloudwatch_role_arn,
        ..
    }) = &ct.op
    else {
        unreachable!()
    };
    assert!(
        cloudwatch_log_group_arn
            .as_deref()
            .unwrap()
            .ends_with("log-group:remediate/cloudtrail:*")
    );
    assert_eq!(
        cloudwatch_role_arn.as_deref().unwrap(),
        "arn:aws:iam::111122223333:role/remediate-cloudtrail-to-logs"
    );

    let logb = find(
        &|op| matches!(op, Op::PutBucketPolicy(PutBucketPolicy { bucket: b, .. }) if b.starts_with("remediate-access-logs")),
    );
    let l = statement(
        &logb.after,
        "S3ServerAccessLogsremediatecloudtrail111122223333useast1",
    );
    assert_eq!(
        l["Resource"],
        format!(
            "arn:aws:s3:::remediate-access-logs-111122223333-us-east-1/s3-access-logs/{bucket}/*"
        )
    );
    assert_eq!(l["Principal"]["Service"], "logging.s3.amazonaws.com");
    assert_eq!(l["Action"], "s3:PutObject");
    assert_eq!(
        l["Condition"]["ArnLike"]["aws:SourceArn"],
        format!("arn:aws:s3:::{bucket}")
    );
    assert_eq!(
        l["Condition"]["StringEquals"]["aws:SourceAccount"],
        "111122223333"
    );

    let cb = find(
        &|op| matches!(op, Op::PutBucketPolicy(PutBucketPolicy { bucket: b, .. }) if b.starts_with("remediate-config")),
    );
    assert_eq!(
        statement(&cb.after, "AWSConfigBucketPermissionsCheck")["Action"],
        "s3:GetBucketAcl"
    );
    assert_eq!(
        statement(&cb.after, "AWSConfigBucketExistenceCheck")["Action"],
        "s3:ListBucket"
    );
    let d = statement(&cb.after, "AWSConfigBucketDelivery");
    assert_eq!(
        d["Resource"],
        "arn:aws:s3:::remediate-config-111122223333-us-east-1/AWSLogs/111122223333/Config/*"
    );
    assert_eq!(
        d["Condition"]["StringEquals"]["s3:x-amz-acl"],
        "bucket-owner-full-control"
    );
    assert_eq!(
        d["Condition"]["StringEquals"]["aws:SourceAccount"],
        "111122223333"
    );

    let fr = find(
        &|op| matches!(op, Op::CreateRole(CreateRole { name, .. }) if name == "remediate-vpc-flow-logs"),
    );
    let Op::CreateRole(CreateRole {
        trust_policy,
        policy: fp,
        ..
    }) = &fr.op
    else {
        unreachable!()
    };
    let t = &policy::statements(trust_policy)[0];
    assert_eq!(t["Principal"]["Service"], "vpc-flow-logs.amazonaws.com");
    assert_eq!(
        t["Condition"]["StringEquals"]["aws:SourceAccount"],
        "111122223333"
    );
    assert_eq!(
        t["Condition"]["ArnLike"]["aws:SourceArn"],
        "arn:aws:ec2:*:111122223333:vpc-flow-log/*"
    );
    // The writes on the tool's groups only; the two reads on "*", as in
    // AWS's own flow-log role (DescribeLogGroups has no resource type:
    // parliament's RESOURCE_MISMATCH when it names a group).
    let w = statement(fp, "FlowLogsAllRegions");
    assert_eq!(
        w["Action"],
        json!(["logs:CreateLogStream", "logs:PutLogEvents"])
    );
    assert_eq!(
        w["Resource"],
        json!([
            "arn:aws:logs:*:111122223333:log-group:remediate/vpc-flow-logs:*",
            "arn:aws:logs:*:111122223333:log-group:remediate/vpc-flow-logs"
        ])
    );
    let d = statement(fp, "FlowLogsDescribe");
    assert_eq!(
        d["Action"],
        json!(["logs:DescribeLogGroups", "logs:DescribeLogStreams"])
    );
    assert_eq!(d["Resource"], "*");
    assert_eq!(policy::statements(fp).len(), 2, "{fp:#}");
}

#[test]
fn existing_key_behind_the_alias_is_reused_and_its_policy_merged() {
    let mut s = non_compliant();
    let mut k = key("us-east-1", "tool-key");
    k.rotation_enabled = Some(true);
    k.policy = Some(json!({"Version": "2012-10-17", "Statement": [
        {"Sid": "Admins", "Effect": "Allow", "Principal": {"AWS": "arn:aws:iam::111122223333:role/admin"}, "Action": "kms:*", "Resource": "*"}]}));
    add_key(&mut s, k);
    s.aliases
        .entry("us-east-1".into())
        .or_default()
        .insert("alias/remediate-cloudtrail".into(), "tool-key".into());
    let p = make(&s);
    assert!(
        !p.actions
            .iter()
            .any(|a| matches!(&a.op, Op::CreateKey(_) if a.region == "us-east-1"))
    );
    let put = p
        .actions
        .iter()
        .find(|a| matches!(&a.op, Op::PutKeyPolicy(_)))
        .unwrap();
    let sids: Vec<_> = policy::statements(&put.after)
        .iter()
        .map(|s| s["Sid"].clone())
        .collect();
    assert!(sids.contains(&json!("Admins")));
    assert!(sids.contains(&json!("AllowCloudTrailEncryptLogs")));
}

#[test]
fn a_saved_fingerprint_notices_a_changed_bucket_policy() {
    let s = non_compliant();
    let p = make(&s);
    assert!(plan::file::changed(&p, &s).is_empty());
    let mut later = s.clone();
    later.buckets.get_mut("ct-west").unwrap().policy = Some(json!({"Statement": []}));
    assert_eq!(
        plan::file::changed(&p, &later),
        vec!["buckets/ct-west/policy".to_string()]
    );
}

fn snapshot_name(s: &str) -> String {
    s.replace('.', "_")
}

#[test]
fn rendered_plans_of_the_whole_account() {
    let p = make(&non_compliant());
    let plain = Style { color: false };
    insta::assert_snapshot!("account_text", render::render(&p, Format::Text, plain));
    insta::assert_snapshot!(
        "account_markdown",
        render::render(&p, Format::Markdown, plain)
    );
    insta::assert_snapshot!("account_json", render::render(&p, Format::Json, plain));
}

#[test]
fn rendered_plan_per_control() {
    let s = non_compliant();
    for id in controls::DEFAULT.ids() {
        let p = remediate::pipeline::make(&s, &FileSettings::default(), &[id.to_string()]);
        insta::assert_snapshot!(
            format!("control_{}_text", snapshot_name(id)),
            render::render(&p, Format::Text, Style { color: false })
        );
    }
}

#[test]
fn an_existing_tool_role_gains_the_all_regions_statement_and_keeps_its_own() {
    // An older version wrote one statement per region and covered us-east-1
    // only; now eu-west-1 VPCs need flow logs too.
    let mut s = non_compliant();
    let first = remediate::pipeline::make(&s, &FileSettings::default(), &["2.9".into()]);
    let role_op = first
        .actions
        .iter()
        .find(|a| matches!(&a.op, Op::CreateRole(CreateRole { name, .. }) if name == "remediate-vpc-flow-logs"))
        .unwrap();
    let Op::CreateRole(CreateRole {
        trust_policy,
        policy_name,
        ..
    }) = role_op.op.clone()
    else {
        unreachable!()
    };
    let east = json!({"Sid": "FlowLogsuseast1", "Effect": "Allow",
        "Action": ["logs:CreateLogStream", "logs:PutLogEvents", "logs:DescribeLogGroups", "logs:DescribeLogStreams"],
        "Resource": ["arn:aws:logs:us-east-1:111122223333:log-group:remediate/vpc-flow-logs:*",
                     "arn:aws:logs:us-east-1:111122223333:log-group:remediate/vpc-flow-logs"]});
    let east_only = json!({"Version": "2012-10-17", "Statement": [east, {"Sid": "Theirs", "Effect": "Allow", "Action": "logs:GetLogEvents", "Resource": "*"}]});
    s.roles.insert(
        "remediate-vpc-flow-logs".into(),
        remediate::snapshot::Role {
            name: "remediate-vpc-flow-logs".into(),
            arn: role_op.target.clone(),
            trust_policy: Some(trust_policy),
            inline_policies: [(policy_name.clone(), east_only)].into(),
        },
    );
    let p = remediate::pipeline::make(&s, &FileSettings::default(), &["2.9".into()]);
    let a = p
        .actions
        .iter()
        .find(|a| matches!(&a.op, Op::CreateRole(_)))
        .expect("the role's policy is extended");
    assert_eq!(a.change, remediate::plan::Change::Update);
    let Op::CreateRole(CreateRole { policy, .. }) = &a.op else {
        unreachable!()
    };
    for sid in [
        "FlowLogsuseast1",
        "FlowLogsAllRegions",
        "FlowLogsDescribe",
        "Theirs",
    ] {
        statement(policy, sid);
    }
    // and once it has everything, nothing is planned for it
    s.roles
        .get_mut("remediate-vpc-flow-logs")
        .unwrap()
        .inline_policies
        .insert(policy_name, policy.clone());
    let p = remediate::pipeline::make(&s, &FileSettings::default(), &["2.9".into()]);
    assert!(
        !p.actions.iter().any(|a| matches!(&a.op, Op::CreateRole(_))),
        "{:#?}",
        p.actions
    );
}

#[test]
fn the_flow_log_role_policy_is_one_statement_whatever_the_region_count() {
    // Issue 9 item 2: one statement per region passed IAM's 10,240-character
    // limit at about 33 regions.
    let mut s = base();
    let regions: Vec<String> = (0..40).map(|i| format!("xx-test-{i}")).collect();
    s.regions = regions.clone();
    for r in &regions {
        add_vpc(&mut s, vpc(r, &format!("vpc-{r}")));
    }
    let p = remediate::pipeline::make(&s, &FileSettings::default(), &["2.9".into()]);
    let role = p
        .actions
        .iter()
        .find(|a| matches!(&a.op, Op::CreateRole(CreateRole { name, .. }) if name == "remediate-vpc-flow-logs"))
        .expect("a flow-log role");
    let Op::CreateRole(CreateRole { policy, .. }) = &role.op else {
        unreachable!()
    };
    // The writes on every region's group, the reads on "*": two, whatever
    // the region count.
    assert_eq!(policy::statements(policy).len(), 2, "{policy:#}");
    assert!(policy::iam_size(policy) < 1_000);
    remediate::plan::limits::check(&p.actions, &s).expect("within AWS's limits");
}

#[test]
fn a_failure_without_a_safe_fix_is_not_called_compliant() {
    // a trail whose CloudWatch delivery stopped a day ago: reported, not overwritten
    let mut s = compliant();
    s.trails
        .values_mut()
        .next()
        .unwrap()
        .latest_cloudwatch_delivery = Some(NOW - 30 * 3600);
    let p = make(&s);
    assert!(p.actions.is_empty());
    let text = render::render(&p, Format::Text, Style { color: false });
    assert!(text.contains("1 resource(s) above still fail"), "{text}");
    assert!(!controls::is_clean(&p.findings), "plan must exit 2");
}
