//! VPC flow logs (2.9): one per VPC that has no ACTIVE flow log yet, never
//! a second one; and deletion of the flow logs a run made.
//!
//! Prior: `{"active": {vpc: [flow log ids]}}` (the ACTIVE flow logs of the
//! op's VPCs). Result: `{"created": [ids], "active": {vpc: [ids]}}`.

use std::collections::{BTreeMap, BTreeSet};

use aws_sdk_ec2::types::{Filter, FlowLogsResourceType, LogDestinationType, TrafficType};
use serde_json::{Value, json};

use super::ctx::{Ctx, Done, Fail};
use crate::aws::{AwsError, Classify};

/// Flow logs matching `filter` = `values`: (id, resource, status).
async fn flow_logs(
    cx: &Ctx<'_>,
    filter: &str,
    values: &[String],
) -> Result<Vec<(String, String, String)>, AwsError> {
    let ec2 = cx.aws.ec2(cx.region());
    let mut out = vec![];
    let mut token: Option<String> = None;
    loop {
        let page = ec2
            .describe_flow_logs()
            .filter(
                Filter::builder()
                    .name(filter)
                    .set_values(Some(values.to_vec()))
                    .build(),
            )
            .set_next_token(token.clone())
            .send()
            .await
            .aws()?;
        for f in page.flow_logs() {
            out.push((
                f.flow_log_id().unwrap_or_default().to_string(),
                f.resource_id().unwrap_or_default().to_string(),
                f.flow_log_status().unwrap_or_default().to_string(),
            ));
        }
        match page.next_token() {
            Some(t) if !t.is_empty() => token = Some(t.to_string()),
            _ => return Ok(out),
        }
    }
}

async fn active_by_vpc(
    cx: &Ctx<'_>,
    vpcs: &[String],
) -> Result<BTreeMap<String, Vec<String>>, AwsError> {
    let mut map: BTreeMap<String, Vec<String>> = BTreeMap::new();
    for (id, vpc, status) in flow_logs(cx, "resource-id", vpcs).await? {
        if status == "ACTIVE" {
            map.entry(vpc).or_default().push(id);
        }
    }
    Ok(map)
}

pub(super) async fn create_flow_logs(
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

pub(super) async fn delete_flow_logs(cx: &Ctx<'_>, ids: &[String]) -> Result<Done, Fail> {
    if ids.is_empty() {
        return Err(Fail::invalid("no flow log ids given"));
    }
    let existing: Vec<(String, String, String)> = flow_logs(cx, "flow-log-id", ids)
        .await
        .map_err(|e| Fail::reading("flow logs", e))?
        .into_iter()
        .filter(|(id, _, _)| ids.contains(id))
        .collect();
    let prior: Value = existing
        .iter()
        .map(|(id, vpc, status)| json!({"flow_log_id": id, "resource_id": vpc, "status": status}))
        .collect();
    cx.before(if existing.is_empty() {
        Value::Null
    } else {
        prior
    })?;
    if existing.is_empty() {
        return Ok(Done::new(
            "the flow logs are already gone",
            json!({"deleted": []}),
        ));
    }
    let to_delete: Vec<String> = existing.iter().map(|(id, _, _)| id.clone()).collect();
    let out = cx
        .aws
        .ec2(cx.region())
        .delete_flow_logs()
        .set_flow_log_ids(Some(to_delete.clone()))
        .send()
        .await
        .aws()?;
    let failures: Vec<String> = out
        .unsuccessful()
        .iter()
        .filter(|u| {
            !u.error()
                .and_then(|e| e.code())
                .is_some_and(|c| c.contains("NotFound"))
        })
        .map(|u| {
            format!(
                "{}: {}",
                u.resource_id().unwrap_or("?"),
                u.error().and_then(|e| e.message()).unwrap_or("?")
            )
        })
        .collect();
    if !failures.is_empty() {
        return Err(Fail::new(
            "Unsuccessful",
            format!("not deleted: {}", failures.join("; ")),
        ));
    }
    let left: Vec<String> = flow_logs(cx, "flow-log-id", &to_delete)
        .await?
        .into_iter()
        .map(|(id, _, _)| id)
        .filter(|id| to_delete.contains(id))
        .collect();
    if !left.is_empty() {
        return Err(Fail::mismatch(
            format!("flow logs still exist: {}", left.join(", ")),
            json!({"left": left}),
        ));
    }
    Ok(Done::new(
        format!("deleted flow log(s) {}", to_delete.join(", ")),
        json!({"deleted": to_delete}),
    ))
}
