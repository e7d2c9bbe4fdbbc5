//! Findings as OCSF Compliance Finding events (class 2003, schema 1.8.0):
//! a JSON array, one event per finding, for `--format ocsf`.
//!
//! Pure and deterministic: the time comes in with the [`Context`]. The
//! control's identity (title, level, Security Hub id) comes from the
//! benchmark the plan was made for ([`control_info`]).
//! The field mapping is documented in docs/ocsf.md.

use serde_json::{Value, json};

use crate::controls::{self, Benchmark};
use crate::finding::{Finding, Status};
use crate::plan::Plan;

/// The OCSF schema version the events follow.
pub const OCSF_VERSION: &str = "1.8.0";
pub const CLASS_UID: u32 = 2003;
pub const CATEGORY_UID: u32 = 2;
/// Activity 1 (Create): every run reports its findings afresh.
pub const ACTIVITY_ID: u32 = 1;
pub const TYPE_UID: u32 = CLASS_UID * 100 + ACTIVITY_ID;
pub const PRODUCT: &str = "remediate";

/// What an event says about the control a finding is reported under.
#[derive(Debug, Clone, PartialEq)]
pub struct ControlInfo {
    pub title: String,
    pub level: u8,
    pub automated: bool,
    pub security_hub: Option<String>,
}

/// The control's identity, from the benchmark's registry entry.
pub fn control_info(bench: &Benchmark, id: &str) -> Option<ControlInfo> {
    bench.get(id).map(|c| ControlInfo {
        title: c.title.to_string(),
        level: c.level,
        automated: c.automated,
        security_hub: c.security_hub.map(str::to_string),
    })
}

/// Everything an event needs besides the finding.
pub struct Context<'a> {
    pub account_id: &'a str,
    /// `aws`, `aws-cn`, `aws-us-gov`.
    pub partition: &'a str,
    /// Event time, milliseconds since the Unix epoch.
    pub time_ms: i64,
    /// e.g. "CIS Amazon Web Services Foundations Benchmark".
    pub benchmark_name: &'a str,
    /// e.g. "1.2.0".
    pub benchmark_version: &'a str,
    /// The tool's version, for `metadata.product.version`.
    pub tool_version: &'a str,
    /// Whose control ids the findings carry.
    pub benchmark: &'static Benchmark,
}

impl<'a> Context<'a> {
    /// The context of a plan: its account, partition and tool version, and
    /// the benchmark it was made for.
    pub fn for_plan(plan: &'a Plan, time_ms: i64) -> Self {
        let benchmark = controls::of(&plan.settings);
        Context {
            account_id: &plan.account_id,
            partition: &plan.partition,
            time_ms,
            benchmark_name: benchmark.name,
            benchmark_version: benchmark.version,
            tool_version: &plan.tool_version,
            benchmark,
        }
    }

    fn standard(&self) -> String {
        format!("{} v{}", self.benchmark_name, self.benchmark_version)
    }
}

/// `compliance.status_id` and `compliance.status` of a tool status.
/// Pending, manual and error did not yield a result for want of
/// information (Warning); skipped is out of scope (Other, "Skipped").
pub fn compliance_status(s: Status) -> (u8, &'static str) {
    match s {
        Status::Pass => (1, "Pass"),
        Status::Fail => (3, "Fail"),
        Status::Pending | Status::Manual | Status::Error => (2, "Warning"),
        Status::Skipped => (99, "Skipped"),
    }
}

/// The finding's lifecycle (`status_id`, `status`): a pass is Resolved, a
/// skip (out of scope or exempted) Suppressed, the rest New.
fn finding_status(s: Status) -> (u8, &'static str) {
    match s {
        Status::Pass => (4, "Resolved"),
        Status::Skipped => (3, "Suppressed"),
        Status::Fail | Status::Pending | Status::Manual | Status::Error => (1, "New"),
    }
}

/// CIS rates no severity: a failure is Medium, everything else Informational.
fn severity(s: Status) -> (u8, &'static str) {
    match s {
        Status::Fail => (3, "Medium"),
        Status::Pass | Status::Pending | Status::Skipped | Status::Manual | Status::Error => {
            (1, "Informational")
        }
    }
}

/// The CloudFormation / AWS Config type of a resource, from its ARN.
pub fn resource_type(arn: &str) -> &'static str {
    let mut parts = arn.splitn(6, ':');
    let (Some("arn"), _, Some(service), _, _, Some(rest)) = (
        parts.next(),
        parts.next(),
        parts.next(),
        parts.next(),
        parts.next(),
        parts.next(),
    ) else {
        return "Other";
    };
    let kind = rest.split(['/', ':']).next().unwrap_or("");
    match (service, kind) {
        ("cloudtrail", "trail") => "AWS::CloudTrail::Trail",
        ("s3", _) => "AWS::S3::Bucket",
        ("kms", "key") => "AWS::KMS::Key",
        ("ec2", "vpc") => "AWS::EC2::VPC",
        ("config", "configuration-recorder") => "AWS::Config::ConfigurationRecorder",
        ("logs", "log-group") => "AWS::Logs::LogGroup",
        ("iam", "role") => "AWS::IAM::Role",
        ("elasticloadbalancing", "loadbalancer") => "AWS::ElasticLoadBalancingV2::LoadBalancer",
        ("cloudfront", "distribution") => "AWS::CloudFront::Distribution",
        // `::/restapis/<id>/stages/<name>` (REST), `::/apis/…` (HTTP, WebSocket).
        ("apigateway", "") if rest.starts_with("/restapis/") => "AWS::ApiGateway::Stage",
        ("apigateway", "") if rest.starts_with("/apis/") => "AWS::ApiGatewayV2::Stage",
        _ => "Other",
    }
}

/// One Compliance Finding event.
pub fn event(f: &Finding, ctx: &Context) -> Value {
    let info = control_info(ctx.benchmark, &f.control);
    let title = info
        .as_ref()
        .map_or_else(|| f.control.clone(), |i| i.title.clone());
    let standard = ctx.standard();
    let (cstatus_id, cstatus) = compliance_status(f.status);
    let (status_id, status) = finding_status(f.status);
    let (severity_id, severity) = severity(f.status);
    let region = (f.region != "*").then_some(f.region.as_str());
    let mut resource = json!({
        "uid": f.resource,
        "type": resource_type(&f.resource),
        "cloud_partition": ctx.partition,
    });
    let mut cloud = json!({
        "provider": "AWS",
        "cloud_partition": ctx.partition,
        "account": {"uid": ctx.account_id, "type_id": 10, "type": "AWS Account"},
    });
    if let Some(r) = region {
        resource["region"] = json!(r);
        cloud["region"] = json!(r);
    }
    json!({
        "activity_id": ACTIVITY_ID,
        "activity_name": "Create",
        "category_uid": CATEGORY_UID,
        "category_name": "Findings",
        "class_uid": CLASS_UID,
        "class_name": "Compliance Finding",
        "type_uid": TYPE_UID,
        "type_name": "Compliance Finding: Create",
        "severity_id": severity_id,
        "severity": severity,
        "status_id": status_id,
        "status": status,
        "time": ctx.time_ms,
        "message": format!("{} {}: {}", f.control, title, f.reason),
        "metadata": {
            "version": OCSF_VERSION,
            "profiles": ["cloud"],
            "product": {
                "name": PRODUCT,
                "vendor_name": PRODUCT,
                "version": ctx.tool_version,
            },
        },
        "cloud": cloud,
        "compliance": {
            "control": f.control,
            "desc": title,
            "standards": [standard],
            "requirements": [format!("{standard}/{}", f.control)],
            "status_id": cstatus_id,
            "status": cstatus,
            "status_code": f.status.as_str(),
            "status_details": [f.reason],
        },
        "finding_info": {
            "uid": format!("{}/{}/{}", PRODUCT, ctx.benchmark_version, f.id()),
            "title": format!("{} {}", f.control, title),
            "desc": f.reason,
            "types": ["Software and Configuration Checks/Industry and Regulatory Standards"],
        },
        "resources": [resource],
        "unmapped": {
            "remediate": {
                "status": f.status.as_str(),
                "reason": f.reason,
                "region": f.region,
                "finding_id": f.id(),
                "level": info.as_ref().map(|i| i.level),
                "automated": info.as_ref().map(|i| i.automated),
                // Per resource where Security Hub splits the control (4.10).
                "security_hub_control_id": ctx
                    .benchmark
                    .get(&f.control)
                    .and_then(|c| c.security_hub_for(&f.resource)),
            },
        },
    })
}

/// Every finding as an event, in the findings' order.
pub fn events(findings: &[Finding], ctx: &Context) -> Vec<Value> {
    findings.iter().map(|f| event(f, ctx)).collect()
}

/// The events as a pretty JSON array, newline-terminated.
pub fn render(findings: &[Finding], ctx: &Context) -> String {
    let mut s = serde_json::to_string_pretty(&events(findings, ctx)).expect("json");
    s.push('\n');
    s
}
