use remediate::controls;
use remediate::finding::{Finding, Status};
use remediate::settings::FileSettings;
use remediate::snapshot::*;
use serde_json::json;

use crate::fixtures::*;

fn run(s: &Snapshot, control: &str) -> Vec<Finding> {
    let settings = FileSettings::default();
    let c = controls::selected(&[control.to_string()], &settings);
    controls::detect(s, &settings, &c)
}

fn only(s: &Snapshot, control: &str) -> Finding {
    let f = run(s, control);
    assert_eq!(f.len(), 1, "{f:#?}");
    f.into_iter().next().unwrap()
}

fn status_of(s: &Snapshot, control: &str, resource_suffix: &str) -> (Status, String) {
    let f = run(s, control)
        .into_iter()
        .find(|f| f.resource.ends_with(resource_suffix))
        .unwrap_or_else(|| panic!("no finding for {resource_suffix}"));
    (f.status, f.reason)
}

#[test]
fn every_control_fails_on_the_non_compliant_account() {
    let s = non_compliant();
    for id in controls::DEFAULT.ids() {
        let f = run(&s, id);
        assert!(
            f.iter().any(|f| f.status == Status::Fail),
            "{id} should fail: {f:#?}"
        );
    }
}

#[test]
fn nothing_fails_on_the_compliant_account() {
    let s = compliant();
    let settings = FileSettings::default();
    let all = controls::detect(&s, &settings, &controls::selected(&[], &settings));
    let bad: Vec<_> = all.iter().filter(|f| f.status != Status::Pass).collect();
    assert!(bad.is_empty(), "{bad:#?}");
    assert!(controls::is_clean(&all));
}

#[test]
fn c2_1_names_the_missing_attributes_of_the_best_candidate() {
    let f = only(&non_compliant(), "2.1");
    assert_eq!(f.status, Status::Fail);
    assert!(
        f.reason.contains("IsMultiRegionTrail=false"),
        "{}",
        f.reason
    );
    assert!(f.reason.contains("IsLogging=false"), "{}", f.reason);
    assert!(f.reason.contains("no event selectors"), "{}", f.reason);
}

#[test]
fn c2_1_advanced_management_selector_passes_but_read_only_or_excluded_sources_fail() {
    let mut s = compliant();
    let t = s.trails.values_mut().next().unwrap();
    t.event_selectors.clear();
    t.advanced_event_selectors = vec![AdvancedEventSelector {
        name: Some("mgmt".into()),
        field_selectors: vec![FieldSelector {
            field: "eventCategory".into(),
            equals: vec!["Management".into()],
            ..Default::default()
        }],
    }];
    assert_eq!(only(&s, "2.1").status, Status::Pass);

    let t = s.trails.values_mut().next().unwrap();
    t.advanced_event_selectors[0]
        .field_selectors
        .push(FieldSelector {
            field: "readOnly".into(),
            equals: vec!["true".into()],
            ..Default::default()
        });
    assert_eq!(only(&s, "2.1").status, Status::Fail);

    let mut s = compliant();
    let t = s.trails.values_mut().next().unwrap();
    t.event_selectors[0].exclude_management_event_sources = vec!["kms.amazonaws.com".into()];
    let f = only(&s, "2.1");
    assert_eq!(f.status, Status::Fail);
    assert!(
        f.reason.contains("ExcludeManagementEventSources"),
        "{}",
        f.reason
    );
}

#[test]
fn c2_1_a_trail_that_is_not_logging_fails() {
    let mut s = compliant();
    s.trails.values_mut().next().unwrap().is_logging = Some(false);
    let f = only(&s, "2.1");
    assert_eq!(f.status, Status::Fail);
    assert!(f.reason.contains("IsLogging=false"));
}

#[test]
fn c2_1_write_only_management_events_fail() {
    let mut s = compliant();
    s.trails.values_mut().next().unwrap().event_selectors[0].read_write_type = "WriteOnly".into();
    assert!(only(&s, "2.1").reason.contains("ReadWriteType=WriteOnly"));
}

#[test]
fn c2_1_no_trail_at_all_fails_account_wide() {
    let s = base();
    let f = only(&s, "2.1");
    assert_eq!(f.status, Status::Fail);
    assert!(f.reason.contains("no trail"));
}

#[test]
fn c2_2_judges_each_trail_once_in_its_home_region() {
    let s = non_compliant();
    let f = run(&s, "2.2");
    assert_eq!(f.len(), 2);
    for x in &f {
        assert_eq!(x.status, Status::Fail);
        assert!(x.resource.contains(&format!(":{}:", x.region)), "{x:?}");
        assert_eq!(x.reason, "LogFileValidationEnabled=false");
    }
}

#[test]
fn organization_trail_of_another_account_is_manual() {
    let mut s = compliant();
    let mut t = trail("us-east-1", "org", "org-bucket");
    t.arn = "arn:aws:cloudtrail:us-east-1:999988887777:trail/org".into();
    t.is_organization = true;
    s.trails.insert(t.arn.clone(), t);
    let (st, _) = status_of(&s, "2.2", "trail/org");
    assert_eq!(st, Status::Manual);
    // and its bucket (not ours) is manual for 2.3 / 2.6
    assert_eq!(status_of(&s, "2.3", "org-bucket").0, Status::Manual);
    assert_eq!(status_of(&s, "2.6", "org-bucket").0, Status::Manual);
}

#[test]
fn c2_3_public_acl_fails_and_public_allow_policy_fails_but_deny_star_passes() {
    let s = non_compliant();
    let (st, why) = status_of(&s, "2.3", "ct-east");
    assert_eq!(st, Status::Fail);
    assert!(why.contains("ACL grants READ to AllUsers"), "{why}");
    let (st, why) = status_of(&s, "2.3", "ct-west");
    assert_eq!(st, Status::Fail);
    assert!(why.contains("PublicRead allows Principal *"), "{why}");
    assert!(!why.contains("DenyInsecure"), "{why}");

    let mut s = compliant();
    s.buckets.get_mut("ct-main").unwrap().policy = Some(json!({"Statement": [
        {"Sid": "DenyInsecure", "Effect": "Deny", "Principal": "*", "Action": "s3:*", "Resource": "*"}]}));
    assert_eq!(only(&s, "2.3").status, Status::Pass);
}

#[test]
fn c2_3_public_access_block_alone_does_not_pass_a_public_grant() {
    let mut s = non_compliant();
    s.buckets.get_mut("ct-east").unwrap().public_access_block = Some(PublicAccessBlock::all());
    assert_eq!(status_of(&s, "2.3", "ct-east").0, Status::Fail);
}

#[test]
fn c2_3_authenticated_users_grant_fails() {
    let mut s = compliant();
    s.buckets
        .get_mut("ct-main")
        .unwrap()
        .acl
        .as_mut()
        .unwrap()
        .grants
        .push(Grant {
            grantee_type: "Group".into(),
            uri: Some(AUTHENTICATED_USERS.into()),
            permission: "WRITE".into(),
            ..Default::default()
        });
    assert!(
        only(&s, "2.3")
            .reason
            .contains("WRITE to AuthenticatedUsers")
    );
}

#[test]
fn c2_4_set_without_delivery_is_pending_and_old_delivery_fails() {
    let mut s = compliant();
    s.trails
        .values_mut()
        .next()
        .unwrap()
        .latest_cloudwatch_delivery = None;
    assert_eq!(only(&s, "2.4").status, Status::Pending);
    s.trails
        .values_mut()
        .next()
        .unwrap()
        .latest_cloudwatch_delivery = Some(NOW - 25 * 3600);
    let f = only(&s, "2.4");
    assert_eq!(f.status, Status::Fail);
    assert!(f.reason.contains("25 h ago"), "{}", f.reason);
    assert_eq!(
        run(&non_compliant(), "2.4")[0].reason,
        "CloudWatchLogsLogGroupArn not set"
    );
}

#[test]
fn c2_5_fails_without_recorder_and_is_pending_until_first_success() {
    let s = non_compliant();
    let f = run(&s, "2.5");
    assert_eq!(f.len(), 2);
    assert!(f.iter().all(|f| f.status == Status::Fail));
    let home = f.iter().find(|f| f.region == "us-east-1").unwrap();
    assert!(
        home.reason.contains("global resource types"),
        "{}",
        home.reason
    );

    let mut s = compliant();
    s.config.get_mut("eu-west-1").unwrap().recorders[0].last_status = Some("PENDING".into());
    let (st, _) = status_of(&s, "2.5", "eu-west-1:111122223333:configuration-recorder");
    assert_eq!(st, Status::Pending);
}

#[test]
fn c2_5_service_linked_recorder_does_not_count_and_all_supported_false_fails() {
    let mut s = compliant();
    let c = s.config.get_mut("eu-west-1").unwrap();
    c.recorders[0].service_linked = true;
    c.recorders[0].name = "AWSConfigurationRecorderForX".into();
    assert!(
        status_of(&s, "2.5", "eu-west-1:111122223333:configuration-recorder")
            .1
            .contains("no customer configuration recorder")
    );
    let mut s = compliant();
    s.config.get_mut("eu-west-1").unwrap().recorders[0].all_supported = false;
    assert!(
        status_of(&s, "2.5", "eu-west-1:111122223333:configuration-recorder")
            .1
            .contains("allSupported=false")
    );
}

#[test]
fn c2_5_global_resource_types_are_needed_in_one_region_only() {
    let mut s = compliant();
    s.config.get_mut("us-east-1").unwrap().recorders[0].include_global_resource_types = false;
    let f = run(&s, "2.5");
    let home = f.iter().find(|f| f.region == "us-east-1").unwrap();
    assert_eq!(home.status, Status::Fail);
    assert!(home.reason.contains("includeGlobalResourceTypes"));
    assert_eq!(
        f.iter().find(|f| f.region == "eu-west-1").unwrap().status,
        Status::Pass
    );
}

#[test]
fn c2_6_bucket_without_logging_fails() {
    let s = non_compliant();
    for f in run(&s, "2.6") {
        assert_eq!(f.status, Status::Fail);
        assert!(f.reason.contains("LoggingEnabled"));
    }
}

#[test]
fn c2_7_trail_without_kms_fails() {
    let f = run(&non_compliant(), "2.7");
    assert!(
        f.iter()
            .all(|f| f.status == Status::Fail && f.reason.contains("KmsKeyId not set"))
    );
}

#[test]
fn c2_8_skips_out_of_scope_keys_with_the_reason() {
    let mut s = compliant();
    let cases = [
        ("aws-managed", "AWS managed key"),
        ("asym", "RSA_2048 key"),
        ("disabled", "key state Disabled"),
        ("pending", "key state PendingDeletion"),
        ("imported", "origin EXTERNAL"),
        ("hsm", "custom key store"),
        ("replica", "multi-Region replica"),
    ];
    for (id, _) in cases {
        let mut k = key("us-east-1", id);
        match id {
            "aws-managed" => k.manager = "AWS".into(),
            "asym" => k.spec = "RSA_2048".into(),
            "disabled" => k.state = "Disabled".into(),
            "pending" => k.state = "PendingDeletion".into(),
            "imported" => k.origin = "EXTERNAL".into(),
            "hsm" => k.custom_key_store_id = Some("cks-1".into()),
            "replica" => k.multi_region_role = Some("REPLICA".into()),
            _ => {}
        }
        add_key(&mut s, k);
    }
    for (id, why) in cases {
        let (st, reason) = status_of(&s, "2.8", &format!("key/{id}"));
        assert_eq!(st, Status::Skipped, "{id}");
        assert!(reason.contains(why), "{id}: {reason}");
    }
    assert_eq!(
        status_of(&non_compliant(), "2.8", "key/k-east").1,
        "KeyRotationEnabled=false"
    );
}

#[test]
fn c2_9_shared_vpc_is_skipped_and_inactive_flow_log_fails() {
    let mut s = compliant();
    let mut v = vpc("us-east-1", "vpc-shared");
    v.owner_id = "999988887777".into();
    add_vpc(&mut s, v);
    add_vpc(&mut s, vpc("us-east-1", "vpc-broken"));
    let f = flow_log("us-east-1", "vpc-broken", "FAILED");
    s.flow_logs.insert(f.flow_log_id.clone(), f);
    assert_eq!(status_of(&s, "2.9", "vpc/vpc-shared").0, Status::Skipped);
    let (st, why) = status_of(&s, "2.9", "vpc/vpc-broken");
    assert_eq!(st, Status::Fail);
    assert!(why.contains("FAILED"), "{why}");
}

#[test]
fn a_region_whose_reads_failed_is_reported_as_error_not_pass() {
    let mut s = compliant();
    s.read_errors.push(ReadError {
        region: "eu-west-1".into(),
        service: Service::Ec2,
        operation: "DescribeVpcs".into(),
        kind: ErrorKind::Denied,
        message: "denied".into(),
    });
    s.read_errors.push(ReadError {
        region: "eu-west-1".into(),
        service: Service::Config,
        operation: "DescribeConfigurationRecorders".into(),
        kind: ErrorKind::Denied,
        message: "denied".into(),
    });
    assert!(
        run(&s, "2.9")
            .iter()
            .any(|f| f.status == Status::Error && f.region == "eu-west-1")
    );
    assert_eq!(
        status_of(&s, "2.5", "eu-west-1:111122223333:configuration-recorder").0,
        Status::Error
    );
    // the other region is still judged
    assert_eq!(
        status_of(&s, "2.5", "us-east-1:111122223333:configuration-recorder").0,
        Status::Pass
    );
}

#[test]
fn an_exemption_turns_a_failure_into_skipped_with_its_reason() {
    let s = non_compliant();
    let mut settings = FileSettings::default();
    settings.exemptions.push(remediate::settings::Exemption {
        control: "2.9".into(),
        resource: "vpc-west".into(),
        statement: None,
        reason: "sandbox VPC, deleted weekly".into(),
    });
    let f = controls::detect(
        &s,
        &settings,
        &controls::selected(&["2.9".into()], &settings),
    );
    let west = f.iter().find(|f| f.resource.ends_with("vpc-west")).unwrap();
    assert_eq!(west.status, Status::Skipped);
    assert!(west.reason.contains("sandbox VPC"));
}
