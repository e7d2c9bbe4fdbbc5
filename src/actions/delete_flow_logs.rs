//! `delete_flow_logs`: delete flow logs (undo of create_flow_logs); final.

use serde::{Deserialize, Serialize};

use super::ctx::{Ctx, Done, Fail};
use super::ec2::*;
use super::{Change, Implicit, Kind, Past, Reversal};
use crate::aws::Classify;
use serde_json::{Value, json};

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, schemars::JsonSchema)]
#[schemars(inline)]
pub struct DeleteFlowLogs {
    pub flow_log_ids: Vec<String>,
}

impl Kind for DeleteFlowLogs {
    const NAME: &'static str = "delete_flow_logs";
    const RANK: u8 = 19;
    const CHANGE: Change = Change::Delete;
    const IN_APPLY: bool = false;
    const IN_UNDO: bool = true;
    const CALLS: &'static [&'static str] = &["ec2:DescribeFlowLogs", "ec2:DeleteFlowLogs"];
    const IMPLICIT: &'static [Implicit] = &[Implicit {
        call: "ec2:DeleteFlowLogs",
        when: "deleting a flow log to S3 deletes its log delivery",
        actions: &["logs:DeleteLogDelivery"],
        doc: "https://docs.aws.amazon.com/vpc/latest/userguide/flow-logs-s3.html (IAM permissions for IAM principals that publish flow logs to Amazon S3)",
    }];
    type Prior = Value;

    fn reverse(&self, _past: &Past<'_, Self::Prior>) -> Option<Reversal> {
        // A deletion cannot be undone by recreating: nothing to plan.
        None
    }
}

impl DeleteFlowLogs {
    /// Reads the live value, journals it, writes, reads back.
    pub(crate) async fn run(&self, cx: &Ctx<'_>) -> Result<Done, Fail> {
        let DeleteFlowLogs { flow_log_ids } = self;
        delete_flow_logs(cx, flow_log_ids).await
    }
}

async fn delete_flow_logs(cx: &Ctx<'_>, ids: &[String]) -> Result<Done, Fail> {
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
