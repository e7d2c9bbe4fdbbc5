//! CloudWatch Logs: the log groups for CloudTrail (2.4) and flow logs (2.9).
//!
//! Prior / result: `{name, arn, retention_days}` / null.

use serde_json::{Value, json};

use super::ctx::{Ctx, Done, Fail, with_created};
use crate::aws::{AwsError, Classify};
use crate::snapshot::ErrorKind;

async fn find(cx: &Ctx<'_>, name: &str) -> Result<Option<Value>, AwsError> {
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

pub(super) async fn create_log_group(
    cx: &Ctx<'_>,
    name: &str,
    retention_days: i32,
) -> Result<Done, Fail> {
    let existing = find(cx, name)
        .await
        .map_err(|e| Fail::reading("log group", e))?;
    if let Some(g) = existing {
        cx.before(g.clone())?;
        let retention = g["retention_days"]
            .as_i64()
            .map_or("never expires".to_string(), |d| format!("{d} days"));
        return Ok(Done::new(
            format!("log group {name} already exists (retention: {retention}); left unchanged"),
            with_created(g, false),
        ));
    }
    cx.before(Value::Null)?;
    let logs = cx.aws.logs(cx.region());
    let created = match logs
        .create_log_group()
        .log_group_name(name)
        .send()
        .await
        .aws()
    {
        Ok(_) => true,
        Err(e) if e.code == "ResourceAlreadyExistsException" => false,
        Err(e) => return Err(e.into()),
    };
    let made = json!({"name": name, "created": created});
    if created {
        cx.progress(made.clone());
        logs.put_retention_policy()
            .log_group_name(name)
            .retention_in_days(retention_days)
            .send()
            .await
            .aws()
            .map_err(|e| Fail::from(e).with(made.clone()))?;
    }
    let now = find(cx, name)
        .await
        .map_err(|e| Fail::from(e).with(made.clone()))?;
    let Some(now) = now else {
        return Err(Fail::mismatch(
            format!("log group {name} cannot be found"),
            made,
        ));
    };
    let result = with_created(now.clone(), created);
    if created && now["retention_days"].as_i64() != Some(i64::from(retention_days)) {
        return Err(Fail::mismatch(
            format!(
                "log group {name} retention reads back as {}",
                now["retention_days"]
            ),
            result,
        ));
    }
    Ok(Done::new(
        if created {
            format!("created log group {name} (retention {retention_days} days)")
        } else {
            format!("log group {name} already exists; left unchanged")
        },
        result,
    ))
}

pub(super) async fn delete_log_group(cx: &Ctx<'_>, name: &str) -> Result<Done, Fail> {
    let existing = find(cx, name)
        .await
        .map_err(|e| Fail::reading("log group", e))?;
    let Some(g) = existing else {
        cx.before(Value::Null)?;
        return Ok(Done::new(
            format!("log group {name} is already gone"),
            json!({"deleted": false}),
        ));
    };
    cx.before(g)?;
    match cx
        .aws
        .logs(cx.region())
        .delete_log_group()
        .log_group_name(name)
        .send()
        .await
        .aws()
    {
        Ok(_) => {}
        Err(e) if e.kind == ErrorKind::NotFound => {}
        Err(e) => return Err(e.into()),
    }
    match find(cx, name).await? {
        None => Ok(Done::new(
            format!("deleted log group {name}"),
            json!({"deleted": true}),
        )),
        Some(g) => Err(Fail::mismatch(format!("log group {name} still exists"), g)),
    }
}
