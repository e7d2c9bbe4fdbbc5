//! `create_log_group`: make a CloudWatch Logs group with a retention; undone by
//! deleting it.

use crate::cost::PriceKey;
use serde::{Deserialize, Serialize};

use super::DeleteLogGroup;
use super::ctx::{Ctx, Done, Fail, with_created};
use super::logs::*;
use super::{Change, Kind, Past, Reversal};
use crate::aws::Classify;
use crate::snapshot::{LogGroup, Snapshot};
use serde_json::{Value, json};

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, schemars::JsonSchema)]
#[schemars(inline)]
pub struct CreateLogGroup {
    pub name: String,
    pub retention_days: i32,
}

impl Kind for CreateLogGroup {
    const NAME: &'static str = "create_log_group";
    const RANK: u8 = 10;
    const CHANGE: Change = Change::Create;
    const IN_APPLY: bool = true;
    const IN_UNDO: bool = false;
    const CALLS: &'static [&'static str] = &[
        "logs:DescribeLogGroups",
        "logs:CreateLogGroup",
        "logs:PutRetentionPolicy",
    ];
    type Prior = Value;

    fn prices(&self) -> Vec<PriceKey> {
        vec![PriceKey::LogsStorage]
    }

    fn reverse(&self, past: &Past<'_, Self::Prior>) -> Option<Reversal> {
        let name = &self.name;
        Reversal::remove_created(
            past,
            DeleteLogGroup { name: name.clone() },
            format!("delete log group {name}, which this run created"),
        )
    }

    fn simulate(&self, s: &mut Snapshot, region: &str, _target: &str) {
        let CreateLogGroup {
            name,
            retention_days,
        } = self;
        let arn = s.arn("logs", region, &format!("log-group:{name}"));
        s.log_groups.entry(region.to_string()).or_default().insert(
            name.clone(),
            LogGroup {
                name: name.clone(),
                arn,
                retention_days: Some(*retention_days),
            },
        );
    }
}

impl CreateLogGroup {
    /// Reads the live value, journals it, writes, reads back.
    pub(crate) async fn run(&self, cx: &Ctx<'_>) -> Result<Done, Fail> {
        let CreateLogGroup {
            name,
            retention_days,
        } = self;
        create_log_group(cx, name, *retention_days).await
    }
}

async fn create_log_group(cx: &Ctx<'_>, name: &str, retention_days: i32) -> Result<Done, Fail> {
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
