//! `--format ocsf`: each finding becomes one OCSF Compliance Finding event
//! (class 2003) that carries every attribute the class requires, and the
//! finding can be read back from it whole.

use remediate::finding::{Finding, Status};
use remediate::plan::Plan;
use remediate::render::{self, Format, Style, ocsf};
use remediate::settings::FileSettings;
use serde_json::Value;

use super::fixtures;

const T: i64 = 1_764_806_400_000; // 2025-12-04T00:00:00Z

fn plan_of(s: &remediate::snapshot::Snapshot) -> Plan {
    remediate::pipeline::make(s, &FileSettings::default(), &[])
}

/// The non-compliant account's plan, plus one finding of every status
/// (an account-wide one among them).
fn plan_with_every_status() -> Plan {
    let mut p = plan_of(&fixtures::non_compliant());
    let arn = |s: &str| format!("arn:aws:kms:eu-west-1:{}:key/{s}", p.account_id);
    let extra = [
        Finding::new(
            "2.8",
            "eu-west-1",
            arn("k-pass"),
            Status::Pass,
            "rotation on",
        ),
        Finding::new(
            "2.8",
            "eu-west-1",
            arn("k-pend"),
            Status::Pending,
            "just enabled",
        ),
        Finding::new(
            "2.8",
            "eu-west-1",
            arn("k-skip"),
            Status::Skipped,
            "AWS-managed key",
        ),
        Finding::new(
            "2.6",
            "us-east-1",
            "arn:aws:s3:::other",
            Status::Manual,
            "bucket in 999999999999",
        ),
        Finding::new(
            "2.5",
            "*",
            "arn:aws:config:*:123:configuration-recorder",
            Status::Error,
            "cannot read Config",
        ),
    ];
    p.findings.extend(extra);
    p
}

fn events(p: &Plan) -> Vec<Value> {
    let text = render::render_at(p, Format::Ocsf, Style { color: false }, T);
    serde_json::from_str::<Vec<Value>>(&text).expect("a JSON array")
}

/// The finding an event describes, read from the OCSF attributes.
fn read_back(e: &Value) -> Finding {
    let c = &e["compliance"];
    let r = &e["resources"][0];
    Finding {
        control: c["control"].as_str().unwrap().to_string(),
        region: r["region"].as_str().unwrap_or("*").to_string(),
        resource: r["uid"].as_str().unwrap().to_string(),
        status: serde_json::from_value(c["status_code"].clone()).unwrap(),
        reason: c["status_details"][0].as_str().unwrap().to_string(),
    }
}

#[test]
fn every_finding_round_trips_through_its_ocsf_event() {
    for p in [plan_with_every_status(), plan_of(&fixtures::compliant())] {
        let ev = events(&p);
        assert_eq!(ev.len(), p.findings.len());
        for (e, f) in ev.iter().zip(&p.findings) {
            assert_eq!(&read_back(e), f);
            assert_eq!(e["cloud"]["account"]["uid"], p.account_id);
            assert_eq!(e["unmapped"]["remediate"]["status"], f.status.as_str());
            assert_eq!(e["unmapped"]["remediate"]["finding_id"], f.id());
            if f.region != "*" {
                assert_eq!(e["cloud"]["region"], f.region.as_str());
            }
        }
    }
}

#[test]
fn each_status_maps_onto_the_compliance_status_enum() {
    let want = [
        (Status::Pass, 1, "Pass"),
        (Status::Fail, 3, "Fail"),
        (Status::Pending, 2, "Warning"),
        (Status::Manual, 2, "Warning"),
        (Status::Error, 2, "Warning"),
        (Status::Skipped, 99, "Skipped"),
    ];
    let p = plan_with_every_status();
    let ev = events(&p);
    for (s, id, caption) in want {
        assert_eq!(ocsf::compliance_status(s), (id, caption));
        let e = ev
            .iter()
            .find(|e| e["compliance"]["status_code"] == s.as_str())
            .unwrap_or_else(|| panic!("no {s:?} event"));
        assert_eq!(e["compliance"]["status_id"], id);
        assert_eq!(e["compliance"]["status"], caption);
    }
}

/// The attributes OCSF 1.8.0 marks required for Compliance Finding (its
/// own, Finding's and the base event's) and for the objects it uses, with
/// their enums and the class arithmetic.
#[test]
fn events_carry_every_attribute_the_compliance_finding_class_requires() {
    let ev = events(&plan_with_every_status());
    assert!(!ev.is_empty());
    for e in &ev {
        for k in [
            "activity_id",
            "category_uid",
            "class_uid",
            "type_uid",
            "severity_id",
            "time",
            "metadata",
            "finding_info",
            "compliance",
            "cloud",
        ] {
            assert!(!e[k].is_null(), "missing {k} in {e}");
        }
        assert_eq!(e["class_uid"], 2003);
        assert_eq!(e["category_uid"], 2);
        assert_eq!(e["activity_id"], 1);
        assert_eq!(e["type_uid"], 200301);
        assert!([0, 1, 2, 3, 4, 5, 6, 99].contains(&e["severity_id"].as_i64().unwrap()));
        assert!([0, 1, 2, 3, 4, 5, 6, 99].contains(&e["status_id"].as_i64().unwrap()));
        assert!([0, 1, 2, 3, 99].contains(&e["compliance"]["status_id"].as_i64().unwrap()));
        assert_eq!(e["time"], T);
        assert_eq!(e["metadata"]["version"], ocsf::OCSF_VERSION);
        assert_eq!(e["metadata"]["product"]["name"], "remediate");
        assert!(e["metadata"]["product"]["version"].is_string());
        assert!(!e["finding_info"]["uid"].as_str().unwrap().is_empty());
        assert_eq!(e["cloud"]["provider"], "AWS");
        assert_eq!(e["cloud"]["account"]["type_id"], 10);
        assert!(e["compliance"]["standards"][0].is_string());
        for r in e["resources"].as_array().unwrap() {
            assert!(!r["uid"].as_str().unwrap().is_empty());
        }
    }
    let uids: std::collections::BTreeSet<_> = ev
        .iter()
        .map(|e| e["finding_info"]["uid"].to_string())
        .collect();
    assert_eq!(uids.len(), ev.len(), "finding_info.uid is unique");
}

#[test]
fn the_title_standard_and_security_hub_id_come_from_the_registry() {
    let p = plan_of(&fixtures::non_compliant());
    let ev = events(&p);
    let e = ev
        .iter()
        .find(|e| e["compliance"]["control"] == "2.1")
        .unwrap();
    let c = remediate::controls::DEFAULT.get("2.1").unwrap();
    assert_eq!(e["compliance"]["desc"], c.title);
    assert_eq!(
        e["compliance"]["standards"][0],
        "CIS Amazon Web Services Foundations Benchmark v1.2.0"
    );
    assert_eq!(
        e["compliance"]["requirements"][0],
        "CIS Amazon Web Services Foundations Benchmark v1.2.0/2.1"
    );
    assert_eq!(
        e["unmapped"]["remediate"]["security_hub_control_id"],
        "CloudTrail.1"
    );
    assert_eq!(e["resources"][0]["type"], "AWS::CloudTrail::Trail");
}

#[test]
fn the_same_plan_at_the_same_time_gives_the_same_bytes() {
    let p = plan_of(&fixtures::non_compliant());
    let a = render::render_at(&p, Format::Ocsf, Style { color: false }, T);
    let b = render::render_at(&p, Format::Ocsf, Style { color: false }, T);
    assert_eq!(a, b);
    assert!(a.ends_with("]\n"));
}

#[test]
fn resource_types_are_read_from_the_arn() {
    for (arn, t) in [
        (
            "arn:aws:cloudtrail:us-east-1:111122223333:trail/t",
            "AWS::CloudTrail::Trail",
        ),
        ("arn:aws-cn:s3:::b", "AWS::S3::Bucket"),
        ("arn:aws:kms:eu-west-1:111122223333:key/k", "AWS::KMS::Key"),
        (
            "arn:aws:ec2:eu-west-1:111122223333:vpc/vpc-1",
            "AWS::EC2::VPC",
        ),
        (
            "arn:aws:config:eu-west-1:111122223333:configuration-recorder",
            "AWS::Config::ConfigurationRecorder",
        ),
        (
            "arn:aws:elasticloadbalancing:us-east-1:111122223333:loadbalancer/app/a/0123",
            "AWS::ElasticLoadBalancingV2::LoadBalancer",
        ),
        (
            "arn:aws:cloudfront::111122223333:distribution/E1",
            "AWS::CloudFront::Distribution",
        ),
        (
            "arn:aws:apigateway:us-east-1::/restapis/a1/stages/prod",
            "AWS::ApiGateway::Stage",
        ),
        (
            "arn:aws:apigateway:us-east-1::/apis/a2/stages/$default",
            "AWS::ApiGatewayV2::Stage",
        ),
        ("vpc-1", "Other"),
    ] {
        assert_eq!(ocsf::resource_type(arn), t, "{arn}");
    }
}
