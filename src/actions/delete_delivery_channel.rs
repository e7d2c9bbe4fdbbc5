//! `delete_delivery_channel`: delete a delivery channel (undo); final.

use serde::{Deserialize, Serialize};

use super::config::*;
use super::ctx::{Ctx, Done, Fail};
use super::{Change, Kind, Past, Reversal};
use crate::aws::Classify;
use serde_json::{Value, json};

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, schemars::JsonSchema)]
#[schemars(inline)]
pub struct DeleteDeliveryChannel {
    pub name: String,
}

impl Kind for DeleteDeliveryChannel {
    const NAME: &'static str = "delete_delivery_channel";
    const RANK: u8 = 21;
    const CHANGE: Change = Change::Delete;
    const IN_APPLY: bool = false;
    const IN_UNDO: bool = true;
    const CALLS: &'static [&'static str] = &[
        "config:DescribeDeliveryChannels",
        "config:DeleteDeliveryChannel",
    ];
    const SERIAL_UNDO: bool = true;
    type Prior = Value;

    fn reverse(&self, _past: &Past<'_, Self::Prior>) -> Option<Reversal> {
        // A deletion cannot be undone by recreating: nothing to plan.
        None
    }
}

impl DeleteDeliveryChannel {
    /// Reads the live value, journals it, writes, reads back.
    pub(crate) async fn run(&self, cx: &Ctx<'_>) -> Result<Done, Fail> {
        let DeleteDeliveryChannel { name } = self;
        delete_delivery_channel(cx, name).await
    }
}

async fn delete_delivery_channel(cx: &Ctx<'_>, name: &str) -> Result<Done, Fail> {
    let prior = read_channel(cx, name)
        .await
        .map_err(|e| Fail::reading("delivery channel", e))?;
    let Some((prior, _)) = prior else {
        cx.before(Value::Null)?;
        return Ok(Done::new(
            format!("delivery channel {name} is already gone"),
            json!({"deleted": false}),
        ));
    };
    cx.before(prior)?;
    match cx
        .aws
        .configservice(cx.region())
        .delete_delivery_channel()
        .delivery_channel_name(name)
        .send()
        .await
        .aws()
    {
        Ok(_) => {}
        Err(e) if e.code == "NoSuchDeliveryChannelException" => {}
        Err(e) => return Err(e.into()),
    }
    match read_channel(cx, name).await? {
        None => Ok(Done::new(
            format!("deleted delivery channel {name}"),
            json!({"deleted": true}),
        )),
        Some((c, _)) => Err(Fail::mismatch(
            format!("delivery channel {name} still exists"),
            c,
        )),
    }
}
