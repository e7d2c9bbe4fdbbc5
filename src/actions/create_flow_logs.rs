//! `create_flow_logs`: make flow logs for VPCs; undone by deleting the ones
//! made.

use crate::cost::PriceKey;
use serde::{Deserialize, Serialize};

use super::DeleteFlowLogs;
use super::ctx::{Ctx, Done, Fail};
use super::ec2::*;
use super::{Change, Implicit, Kind, Past, Reversal};
use crate::snapshot::{FlowLog, Snapshot};
use aws_sdk_ec2::types::{FlowLogsResourceType, LogDestinationType, TrafficType};
use serde_json::Value;
use serde_json::json;
use std::collections::BTreeSet;

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, schemars::JsonSchema)]
#[schemars(inline)]
pub struct CreateFlowLogs {
    pub vpc_ids: Vec<String>,
    pub traffic_type: String,
    /// `cloud-watch-logs` or `s3`.
    pub destination_type: String,
    /// Log group name or bucket ARN.
    pub destination: String,
    pub role_arn: Option<String>,
}

impl Kind for CreateFlowLogs {
    const NAME: &'static str = "create_flow_logs";
    const RANK: u8 = 18;
    const CHANGE: Change = Change::Create;
    const IN_APPLY: bool = true;
    const IN_UNDO: bool = false;
    const CALLS: &'static [&'static str] = &["ec2:DescribeFlowLogs", "ec2:CreateFlowLogs"];
    const IMPLICIT: &'static [Implicit] = &[
        Implicit {
            call: "ec2:CreateFlowLogs",
            when: "flow logs to S3 (flow_logs.destination = \"s3\"): the log delivery is created for the caller",
            actions: &["logs:CreateLogDelivery"],
            doc: "https://docs.aws.amazon.com/vpc/latest/userguide/flow-logs-s3.html (IAM permissions for IAM principals that publish flow logs to Amazon S3); https://docs.aws.amazon.com/AmazonCloudWatch/latest/logs/AWS-logs-infrastructure-S3.html",
        },
        Implicit {
            call: "ec2:CreateFlowLogs",
            when: "flow logs to CloudWatch Logs: the delivery role is passed to vpc-flow-logs.amazonaws.com",
            actions: &["iam:PassRole"],
            doc: "https://docs.aws.amazon.com/vpc/latest/userguide/flow-logs-iam-role.html (IAM role for publishing flow logs to CloudWatch Logs: iam:PassRole)",
        },
    ];
    type Prior = Value;

    const PASSED_TO: Option<&'static str> = Some("vpc-flow-logs.amazonaws.com");

    fn passed_role(&self) -> Option<&str> {
        self.role_arn.as_deref()
    }

    fn prices(&self) -> Vec<PriceKey> {
        if self.destination_type == "s3" {
            vec![PriceKey::VendedLogsToS3, PriceKey::S3Storage]
        } else {
            vec![PriceKey::VendedLogsToLogs, PriceKey::LogsStorage]
        }
    }

    fn reverse(&self, past: &Past<'_, Self::Prior>) -> Option<Reversal> {
        let ids: Vec<String> = past
            .result
            .and_then(|v| v.get("created"))
            .and_then(Value::as_array)
            .map(|a| {
                a.iter()
                    .filter_map(|x| x.as_str().map(str::to_string))
                    .collect()
            })
            .unwrap_or_default();
        if ids.is_empty() {
            return None;
        }
        Reversal::remove(
            DeleteFlowLogs {
                flow_log_ids: ids.clone(),
            },
            format!(
                "delete flow log(s) {}, which this run created",
                ids.join(", ")
            ),
        )
    }

    fn simulate(&self, s: &mut Snapshot, region: &str, _target: &str) {
        let CreateFlowLogs {
            vpc_ids,
            traffic_type,
            destination_type,
            destination,
            ..
        } = self;
        for v in vpc_ids {
            let id = format!("fl-sim-{v}");
            s.flow_logs.insert(
                id.clone(),
                FlowLog {
                    region: region.to_string(),
                    flow_log_id: id,
                    resource_id: v.clone(),
                    status: "ACTIVE".into(),
                    traffic_type: traffic_type.clone(),
                    destination_type: destination_type.clone(),
                    destination: Some(destination.clone()),
                },
            );
        }
    }
}

impl CreateFlowLogs {
    /// Reads the live value, journals it, writes, reads back.
    pub(crate) async fn run(&self, cx: &Ctx<'_>) -> Result<Done, Fail> {
        let CreateFlowLogs {
            vpc_ids,
            traffic_type,
            destination_type,
            destination,
            role_arn,
        } = self;
        {
            create_flow_logs(
                cx,
                vpc_ids,
                traffic_type,
                destination_type,
                destination,
                role_arn.as_deref(),
            )
            .await
        }
    }
}

async fn create_flow_logs(
    cx: &Ctx<'_>,
    vpc_ids: &[String],
    traffic_type: &str,
    destination_type: &str,
    destination: &str,
    role_arn: Option<&str>,
) -> Result<Done, Fail> {
    let vpcs: Vec<String> = vpc_ids
        .iter()
        .cloned()
        .collect::<BTreeSet<_>>()
        .into_iter()
        .collect();
    if vpcs.is_empty() {
        return Err(Fail::invalid("no VPC ids given"));
    }
    match destination_type {
        "cloud-watch-logs" if role_arn.is_none() => {
            return Err(Fail::invalid("flow logs to CloudWatch Logs need a role"));
        }
        "cloud-watch-logs" | "s3" => {}
        other => {
            return Err(Fail::invalid(format!(
                "unknown flow log destination type {other}"
            )));
        }
    }
    let prior = active_by_vpc(cx, &vpcs)
        .await
        .map_err(|e| Fail::reading("flow logs", e))?;
    let missing: Vec<String> = vpcs
        .iter()
        .filter(|v| !prior.contains_key(*v))
        .cloned()
        .collect();
    cx.before(json!({"active": prior}))?;
    if missing.is_empty() {
        return Ok(Done::new(
            format!("all {} VPC(s) already have an active flow log", vpcs.len()),
            json!({"created": [], "active": prior}),
        ));
    }
    let ec2 = cx.aws.ec2(cx.region());
    // A fresh token per call: the SDK's own retries of this request cannot
    // make a second flow log.
    let token = format!(
        "remediate-{}",
        time::OffsetDateTime::now_utc().unix_timestamp_nanos()
    );
    let out = cx
        .retry("CreateFlowLogs", || {
            let mut req = ec2
                .create_flow_logs()
                .client_token(&token)
                .resource_type(FlowLogsResourceType::Vpc)
                .set_resource_ids(Some(missing.clone()))
                .traffic_type(TrafficType::from(traffic_type));
            req = if destination_type == "s3" {
                req.log_destination_type(LogDestinationType::S3)
                    .log_destination(destination)
            } else {
                req.log_destination_type(LogDestinationType::CloudWatchLogs)
                    .log_group_name(destination)
                    .set_deliver_logs_permission_arn(role_arn.map(str::to_string))
            };
            req.send()
        })
        .await;
    // A lost answer retried by the SDK meets the flow log its first attempt
    // made: "already exists" is success, confirmed by the read back below.
    let out = match out {
        Ok(out) => out,
        Err(e) if e.code == "FlowLogAlreadyExists" => {
            aws_sdk_ec2::operation::create_flow_logs::CreateFlowLogsOutput::builder().build()
        }
        Err(e) => return Err(e.into()),
    };
    let created: Vec<String> = out.flow_log_ids().to_vec();
    if !created.is_empty() {
        cx.progress(json!({"created": created}));
    }
    let now = active_by_vpc(cx, &vpcs)
        .await
        .map_err(|e| Fail::from(e).with(json!({"created": created})))?;
    // An item that failed only because its VPC already has an active flow
    // log (made by a retried request) is not a failure.
    let failures: Vec<String> = out
        .unsuccessful()
        .iter()
        .filter(|u| !u.resource_id().is_some_and(|v| now.contains_key(v)))
        .map(|u| {
            let e = u.error();
            format!(
                "{}: {} {}",
                u.resource_id().unwrap_or("?"),
                e.and_then(|e| e.code()).unwrap_or("?"),
                e.and_then(|e| e.message()).unwrap_or("")
            )
        })
        .collect();
    let result = json!({"created": created, "active": now});
    if !failures.is_empty() {
        let code = out
            .unsuccessful()
            .first()
            .and_then(|u| u.error())
            .and_then(|e| e.code())
            .unwrap_or("Unsuccessful")
            .to_string();
        return Err(Fail::new(
            code,
            format!("flow log not created for {}", failures.join("; ")),
        )
        .with(result));
    }
    let uncovered: Vec<&String> = vpcs.iter().filter(|v| !now.contains_key(*v)).collect();
    if !uncovered.is_empty() {
        return Err(Fail::mismatch(
            format!(
                "no ACTIVE flow log after creating one for {}",
                uncovered
                    .iter()
                    .map(|s| s.as_str())
                    .collect::<Vec<_>>()
                    .join(", ")
            ),
            result,
        ));
    }
    let kept = vpcs.len() - missing.len();
    Ok(Done::new(
        format!(
            "created {} flow log(s) ({traffic_type} to {destination_type} {destination}){}",
            created.len(),
            if kept > 0 {
                format!("; {kept} VPC(s) already had one")
            } else {
                String::new()
            }
        ),
        result,
    ))
}
