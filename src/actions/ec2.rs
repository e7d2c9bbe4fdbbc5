//! VPC flow logs (2.9): one per VPC that has no ACTIVE flow log yet, never
//! a second one; and deletion of the flow logs a run made.
//!
//! Prior: `{"active": {vpc: [flow log ids]}}` (the ACTIVE flow logs of the
//! op's VPCs). Result: `{"created": [ids], "active": {vpc: [ids]}}`.

use std::collections::BTreeMap;

use aws_sdk_ec2::types::Filter;

use super::ctx::Ctx;
use crate::aws::{AwsError, Classify};

/// Flow logs matching `filter` = `values`: (id, resource, status).
pub(super) async fn flow_logs(
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

pub(super) async fn active_by_vpc(
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
