//! VPC flow logging is enabled in all VPCs.
//!
//! Passes: every VPC has at least one flow log with FlowLogStatus=ACTIVE.
//! Skips:  VPCs shared into the account (OwnerId differs) — the owner fixes them.
//! Fix:    one CreateFlowLogs per region for all its failing VPCs (traffic
//!         type from settings, REJECT by default). To CloudWatch Logs: a log
//!         group per region with retention and one role per account trusting
//!         vpc-flow-logs.amazonaws.com (aws:SourceAccount, aws:SourceArn)
//!         allowed the four logs actions on those groups. To S3: a bucket
//!         per region whose merged policy lets delivery.logs.amazonaws.com
//!         write (AWS would otherwise REPLACE the policy itself).
//!         A flow log that is not ACTIVE is left in place.
//! Safety: needs review — creates a role and billed log storage.

use serde_json::{Value, json};
use std::collections::BTreeMap;

use super::shared::{
    bucket_arn, ensure_delivery_bucket, ensure_log_group, ensure_role, log_group_arn, role_arn,
};
use super::{Check, Control};
use crate::actions::CreateFlowLogs;
use crate::finding::{Finding, Status};
use crate::plan::builder::{Draft, Planner};
use crate::plan::{Op, Safety};
use crate::settings::{FileSettings, FlowLogDestination, fill};
use crate::snapshot::{Service, Snapshot};

pub const CHECK: Check = Check {
    key: "vpc-flow-logs",
    fix: "flow logs (REJECT) to CloudWatch Logs or S3",
    detect,
    plan,
    resource_security_hub: None,
};

fn vpc_arn(snap: &Snapshot, region: &str, vpc: &str) -> String {
    snap.arn("ec2", region, &format!("vpc/{vpc}"))
}

fn detect(snap: &Snapshot, _s: &FileSettings, c: &Control) -> Vec<Finding> {
    let id = c.id;
    let mut out = vec![];
    for r in &snap.regions {
        if let Some(e) = snap.read_failed(r, Service::Ec2) {
            out.push(Finding::new(
                id,
                r,
                snap.arn("ec2", r, "vpc/*"),
                Status::Error,
                format!("cannot read EC2: {} {}", e.operation, e.message),
            ));
        }
    }
    for v in snap.vpcs.values() {
        let f = |status, why: String| {
            Finding::new(
                id,
                &v.region,
                vpc_arn(snap, &v.region, &v.vpc_id),
                status,
                why,
            )
        };
        if v.owner_id != snap.account_id {
            out.push(f(
                Status::Skipped,
                format!(
                    "shared from account {}: its owner manages flow logs",
                    v.owner_id
                ),
            ));
            continue;
        }
        let logs: Vec<_> = snap
            .flow_logs
            .values()
            .filter(|l| l.region == v.region && l.resource_id == v.vpc_id)
            .collect();
        out.push(if logs.iter().any(|l| l.status == "ACTIVE") {
            f(Status::Pass, "flow log ACTIVE".into())
        } else if let Some(l) = logs.first() {
            f(
                Status::Fail,
                format!("flow log {} is {} (not ACTIVE)", l.flow_log_id, l.status),
            )
        } else {
            f(Status::Fail, "no flow log".into())
        });
    }
    out
}

fn plan(p: &mut Planner, id: &str, findings: &[Finding]) {
    let snap = p.snap;
    let mut by_region: BTreeMap<String, Vec<(String, String)>> = BTreeMap::new();
    for f in findings {
        let vpc = f
            .resource
            .rsplit('/')
            .next()
            .unwrap_or_default()
            .to_string();
        by_region
            .entry(f.region.clone())
            .or_default()
            .push((vpc, f.id()));
    }
    let traffic = p.settings.flow_logs.traffic_type.clone();
    let dest = p.settings.flow_logs.destination;
    let role_name = fill(
        &p.settings.names.flow_log_role,
        &snap.account_id,
        &snap.home_region,
    );
    for (region, vpcs) in by_region {
        let fixes: Vec<String> = vpcs.iter().map(|(_, id)| id.clone()).collect();
        let ids: Vec<String> = vpcs.iter().map(|(v, _)| v.clone()).collect();
        let (dtype, destination, role, deps) = match dest {
            FlowLogDestination::CloudWatchLogs => {
                let group = fill(&p.settings.names.flow_log_group, &snap.account_id, &region);
                let mut deps =
                    ensure_log_group(p, id, &fixes, &region, &group, "receives VPC flow logs");
                {
                    // Any region of this account: the trust does not change as regions are added.
                    let trust = json!({"Version": "2012-10-17", "Statement": [{
                        "Effect": "Allow",
                        "Principal": {"Service": "vpc-flow-logs.amazonaws.com"},
                        "Action": "sts:AssumeRole",
                        "Condition": {
                            "StringEquals": {"aws:SourceAccount": snap.account_id},
                            "ArnLike": {"aws:SourceArn": snap.arn("ec2", "*", "vpc-flow-log/*")}
                        }
                    }]});
                    // One statement for every region (the group name and the
                    // region wildcarded), so the inline policy stays the same
                    // size however many regions there are: IAM caps a role's
                    // inline policies at 10,240 characters.
                    let any_group = fill(&p.settings.names.flow_log_group, &snap.account_id, "*");
                    let any_arn = log_group_arn(snap, "*", &any_group);
                    // The writes on the tool's groups only; the two reads on
                    // "*": IAM's table for CloudWatch Logs gives
                    // DescribeLogGroups no resource type (a statement naming a
                    // group never matches it), and AWS's own flow-log role
                    // (https://docs.aws.amazon.com/vpc/latest/userguide/flow-logs-iam-role.html)
                    // puts both on "*". They read names and settings, no events.
                    let describe = json!({
                        "Sid": "FlowLogsDescribe",
                        "Effect": "Allow",
                        "Action": ["logs:DescribeLogGroups", "logs:DescribeLogStreams"],
                        "Resource": "*"
                    });
                    let policy = json!({"Version": "2012-10-17", "Statement": [{
                        "Sid": "FlowLogsAllRegions",
                        "Effect": "Allow",
                        "Action": ["logs:CreateLogStream", "logs:PutLogEvents"],
                        "Resource": [any_arn.clone(), any_arn.trim_end_matches(":*").to_string()]
                    }, describe.clone()]});
                    // A role that already covers this region (made by an
                    // older version with a statement per region) is kept as is.
                    let here = log_group_arn(snap, &region, &group);
                    let need = json!({"Statement": [{"Effect": "Allow", "Action": policy["Statement"][0]["Action"].clone(),
                                                     "Resource": [here.clone(), here.trim_end_matches(":*").to_string()]},
                                                    describe]});
                    let covered = snap
                        .roles
                        .get(&role_name)
                        .and_then(|r| r.inline_policies.get("vpc-flow-logs-to-cloudwatch-logs"))
                        .is_some_and(|have| crate::policy::grants_all(have, &need));
                    if !covered {
                        deps.extend(ensure_role(
                            p,
                            id,
                            &fixes,
                            &role_name,
                            trust,
                            "vpc-flow-logs-to-cloudwatch-logs",
                            policy,
                            "a role VPC Flow Logs assumes to write to CloudWatch Logs",
                        ));
                    }
                }
                (
                    "cloud-watch-logs".to_string(),
                    group,
                    Some(role_arn(snap, &role_name)),
                    deps,
                )
            }
            FlowLogDestination::S3 => {
                let bucket = fill(&p.settings.names.flow_log_bucket, &snap.account_id, &region);
                let stmts = flow_log_bucket_statements(snap, &bucket, &region);
                let deps = ensure_delivery_bucket(
                    p,
                    id,
                    &fixes,
                    &bucket,
                    &region,
                    "receives VPC flow logs",
                    "lets log delivery write flow logs (merged first: AWS would replace the policy)",
                    &stmts,
                );
                ("s3".to_string(), bucket_arn(snap, &bucket), None, deps)
            }
        };
        let observes = ids
            .iter()
            .map(|v| format!("vpc_flow_logs/{region}/{v}"))
            .collect();
        p.add(id, &fixes, Draft {
            op: Op::CreateFlowLogs(CreateFlowLogs { vpc_ids: ids.clone(), traffic_type: traffic.clone(), destination_type: dtype.clone(), destination: destination.clone(), role_arn: role.clone() }),
            region: region.clone(),
            target: snap.arn("ec2", &region, "vpc-flow-log/*"),
            before: Value::Null,
            after: json!({"ResourceIds": ids, "TrafficType": traffic, "LogDestinationType": dtype, "LogDestination": destination, "DeliverLogsPermissionArn": role}),
            reason: format!("log {} traffic of {} VPC(s)", traffic, vpcs.len()),
            safety: Safety::NeedsReview,
            depends_on: deps,
            observes,
        });
    }
}

/// REFERENCE 2.9 (S3): what delivery.logs.amazonaws.com needs on the bucket.
pub fn flow_log_bucket_statements(snap: &Snapshot, bucket: &str, region: &str) -> Vec<Value> {
    let arn = bucket_arn(snap, bucket);
    let source = snap.arn("logs", region, "*");
    vec![
        json!({"Sid": "AWSLogDeliveryWrite", "Effect": "Allow", "Principal": {"Service": "delivery.logs.amazonaws.com"},
               "Action": "s3:PutObject", "Resource": format!("{arn}/AWSLogs/{}/*", snap.account_id),
               "Condition": {"StringEquals": {"s3:x-amz-acl": "bucket-owner-full-control", "aws:SourceAccount": snap.account_id},
                             "ArnLike": {"aws:SourceArn": source}}}),
        json!({"Sid": "AWSLogDeliveryAclCheck", "Effect": "Allow", "Principal": {"Service": "delivery.logs.amazonaws.com"},
               "Action": ["s3:GetBucketAcl", "s3:ListBucket"], "Resource": arn,
               "Condition": {"StringEquals": {"aws:SourceAccount": snap.account_id}, "ArnLike": {"aws:SourceArn": source}}}),
    ]
}
