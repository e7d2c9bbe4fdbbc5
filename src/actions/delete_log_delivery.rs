//! `delete_log_delivery`: undo of `create_log_delivery`: delete the
//! delivery, and the source and destination when the run made them.

use serde::{Deserialize, Serialize};
use serde_json::{Value, json};

use super::ctx::{Ctx, Done, Fail};
use super::{Change, Kind, Past, Reversal};
use crate::aws::Classify;

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, schemars::JsonSchema)]
#[schemars(inline)]
pub struct DeleteLogDelivery {
    pub delivery_id: String,
    /// Deleted too (made by the run being undone).
    pub source_name: Option<String>,
    /// Deleted too when no other delivery uses it.
    pub destination_name: Option<String>,
}

impl Kind for DeleteLogDelivery {
    const NAME: &'static str = "delete_log_delivery";
    const RANK: u8 = 20;
    const CHANGE: Change = Change::Delete;
    const IN_APPLY: bool = false;
    const IN_UNDO: bool = true;
    const CALLS: &'static [&'static str] = &[
        "logs:DeleteDelivery",
        "logs:DeleteDeliverySource",
        "logs:DeleteDeliveryDestination",
    ];
    type Prior = Value;

    fn reverse(&self, _past: &Past<'_, Self::Prior>) -> Option<Reversal> {
        None
    }
}

impl DeleteLogDelivery {
    pub(crate) async fn run(&self, cx: &Ctx<'_>) -> Result<Done, Fail> {
        let logs = cx.aws.logs(cx.region());
        cx.before(json!({"delivery_id": self.delivery_id}))?;
        let gone = |code: &str| code == "ResourceNotFoundException";
        if let Err(e) = Box::pin(logs.delete_delivery().id(&self.delivery_id).send())
            .await
            .aws()
            && !gone(&e.code)
        {
            return Err(e.into());
        }
        let mut detail = vec![format!("deleted delivery {}", self.delivery_id)];
        if let Some(n) = &self.source_name {
            match Box::pin(logs.delete_delivery_source().name(n).send())
                .await
                .aws()
            {
                Ok(_) => detail.push(format!("source {n}")),
                Err(e) if gone(&e.code) => {}
                Err(e) => return Err(Fail::from(e).with(json!({"deleted": self.delivery_id}))),
            }
        }
        if let Some(n) = &self.destination_name {
            match Box::pin(logs.delete_delivery_destination().name(n).send())
                .await
                .aws()
            {
                Ok(_) => detail.push(format!("destination {n}")),
                Err(e) if gone(&e.code) => {}
                // Another delivery still uses it: it stays.
                Err(e) if e.code == "ConflictException" => {
                    detail.push(format!("destination {n} kept: still in use"))
                }
                Err(e) => return Err(Fail::from(e).with(json!({"deleted": self.delivery_id}))),
            }
        }
        Ok(Done::new(
            detail.join(", "),
            json!({"deleted": self.delivery_id}),
        ))
    }
}
