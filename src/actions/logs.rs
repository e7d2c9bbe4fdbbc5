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

/// Whether the group holds log events (a user may need them): its stored
/// bytes, or, since AWS updates those with a delay, a first event found by
/// FilterLogEvents (a few pages at most: each page may come back empty
/// with a token while CloudWatch Logs is still searching).
pub(super) async fn holds_events(cx: &Ctx<'_>, name: &str) -> Result<bool, AwsError> {
    let logs = cx.aws.logs(cx.region());
    let out = logs
        .describe_log_groups()
        .log_group_name_prefix(name)
        .send()
        .await
        .aws()?;
    if out
        .log_groups()
        .iter()
        .any(|g| g.log_group_name() == Some(name) && g.stored_bytes().unwrap_or(0) > 0)
    {
        return Ok(true);
    }
    let mut token: Option<String> = None;
    for _ in 0..5 {
        let out = logs
            .filter_log_events()
            .log_group_name(name)
            .limit(1)
            .set_next_token(token.clone())
            .send()
            .await
            .aws()?;
        if !out.events().is_empty() {
            return Ok(true);
        }
        match out.next_token() {
            Some(t) if !t.is_empty() && Some(t) != token.as_deref() => token = Some(t.to_string()),
            _ => return Ok(false),
        }
    }
    // Still searching after five pages: say "holds events" rather than lose them.
    Ok(true)
}
