//! `delete_log_group`: delete a log group (undo of create_log_group) that
//! holds no log events; one that does is kept; final.

use serde::{Deserialize, Serialize};

use super::ctx::{Ctx, Done, Fail};
use super::logs::*;
use super::{Change, Kind, Left, Past, Reversal};
use crate::aws::Classify;
use crate::snapshot::ErrorKind;
use serde_json::{Value, json};

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, schemars::JsonSchema)]
#[schemars(inline)]
pub struct DeleteLogGroup {
    pub name: String,
}

impl Kind for DeleteLogGroup {
    const NAME: &'static str = "delete_log_group";
    const RANK: u8 = 27;
    const CHANGE: Change = Change::Delete;
    const IN_APPLY: bool = false;
    const IN_UNDO: bool = true;
    const CALLS: &'static [&'static str] = &[
        "logs:DescribeLogGroups",
        "logs:FilterLogEvents",
        "logs:DeleteLogGroup",
    ];
    type Prior = Value;

    fn reverse(&self, _past: &Past<'_, Self::Prior>) -> Option<Reversal> {
        // A deletion cannot be undone by recreating: nothing to plan.
        None
    }
}

impl DeleteLogGroup {
    /// Reads the live value, journals it, writes, reads back.
    pub(crate) async fn run(&self, cx: &Ctx<'_>) -> Result<Done, Fail> {
        let DeleteLogGroup { name } = self;
        delete_log_group(cx, name).await
    }
}

async fn delete_log_group(cx: &Ctx<'_>, name: &str) -> Result<Done, Fail> {
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
    // Events stored in it may be all a user has of what happened since
    // apply: the group stays.
    if holds_events(cx, name)
        .await
        .map_err(|e| Fail::reading("log group's events", e))?
    {
        return Ok(Done::left(
            Left::HoldsData,
            format!(
                "kept log group {name}: it holds log events; delete it by hand when they are no longer needed"
            ),
            json!({"deleted": false, "kept": "holds log events"}),
        ));
    }
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
