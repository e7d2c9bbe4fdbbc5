//! `delete_trail`: delete a trail (undo of create_trail); final.

use serde::{Deserialize, Serialize};

use super::TrailState;
use super::cloudtrail::*;
use super::ctx::{Ctx, Done, Fail};
use super::{Change, Kind, Past, Reversal};
use crate::aws::Classify;
use serde_json::{Value, json};

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, schemars::JsonSchema)]
#[schemars(inline)]
pub struct DeleteTrail {
    pub name: String,
}

impl Kind for DeleteTrail {
    const NAME: &'static str = "delete_trail";
    const RANK: u8 = 26;
    const CHANGE: Change = Change::Delete;
    const IN_APPLY: bool = false;
    const IN_UNDO: bool = true;
    const SHARED_CALLS: &'static [&'static str] = READ_TRAIL;
    const CALLS: &'static [&'static str] = &["cloudtrail:DeleteTrail"];
    type Prior = TrailState;

    fn reverse(&self, _past: &Past<'_, Self::Prior>) -> Option<Reversal> {
        // A deletion cannot be undone by recreating: nothing to plan.
        None
    }
}

impl DeleteTrail {
    /// Reads the live value, journals it, writes, reads back.
    pub(crate) async fn run(&self, cx: &Ctx<'_>) -> Result<Done, Fail> {
        let DeleteTrail { name } = self;
        delete_trail(cx, name).await
    }
}

async fn delete_trail(cx: &Ctx<'_>, name: &str) -> Result<Done, Fail> {
    let prior = read_trail(cx, name)
        .await
        .map_err(|e| Fail::reading("trail", e))?;
    let Some(prior) = prior else {
        cx.before(Value::Null)?;
        return Ok(Done::new(
            format!("trail {name} is already gone"),
            json!({"deleted": false}),
        ));
    };
    check_home(cx, &prior)?;
    let key = name.to_string();
    cx.before(state_json(&prior))?;
    match cx
        .aws
        .cloudtrail(cx.region())
        .delete_trail()
        .name(&key)
        .send()
        .await
        .aws()
    {
        Ok(_) => {}
        Err(e) if is_not_found(&e) => {}
        Err(e) => return Err(e.into()),
    }
    match read_trail(cx, name).await? {
        None => Ok(Done::new(
            format!("deleted trail {name}"),
            json!({"deleted": true}),
        )),
        Some(s) => Err(Fail::mismatch(
            format!("trail {name} still exists"),
            state_json(&s),
        )),
    }
}
