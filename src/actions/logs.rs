//! CloudWatch Logs: the log groups for CloudTrail (2.4) and flow logs (2.9).
//!
//! Prior / result: `{name, arn, retention_days}` / null.

use serde_json::{Value, json};

use super::ctx::Ctx;
use crate::aws::{AwsError, Classify};

pub(super) async fn find(cx: &Ctx<'_>, name: &str) -> Result<Option<Value>, AwsError> {
    let logs = cx.aws.logs(cx.region());
    let mut token: Option<String> = None;
    loop {
        let out = logs
            .describe_log_groups()
            .log_group_name_prefix(name)
            .set_next_token(token.clone())
            .send()
            .await
            .aws()?;
        if let Some(g) = out
            .log_groups()
            .iter()
            .find(|g| g.log_group_name() == Some(name))
        {
            return Ok(Some(json!({
                "name": name,
                "arn": g.arn(),
                "retention_days": g.retention_in_days(),
            })));
        }
        match out.next_token() {
            Some(t) if !t.is_empty() => token = Some(t.to_string()),
            _ => return Ok(None),
        }
    }
}
