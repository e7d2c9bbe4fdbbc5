//! `delete_configuration_recorder`: delete a recorder (undo); final.

use serde::{Deserialize, Serialize};

use super::config::*;
use super::ctx::{Ctx, Done, Fail};
use super::{Change, Kind, Past, Reversal};
use crate::aws::Classify;
use serde_json::{Value, json};

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, schemars::JsonSchema)]
#[schemars(inline)]
pub struct DeleteConfigurationRecorder {
    pub name: String,
}

impl Kind for DeleteConfigurationRecorder {
    const NAME: &'static str = "delete_configuration_recorder";
    const RANK: u8 = 23;
    const CHANGE: Change = Change::Delete;
    const IN_APPLY: bool = false;
    const IN_UNDO: bool = true;
    const SHARED_CALLS: &'static [&'static str] = READ_RECORDER;
    const CALLS: &'static [&'static str] = &["config:DeleteConfigurationRecorder"];
    const SERIAL_UNDO: bool = true;
    type Prior = Value;

    fn reverse(&self, _past: &Past<'_, Self::Prior>) -> Option<Reversal> {
        // A deletion cannot be undone by recreating: nothing to plan.
        None
    }
}

impl DeleteConfigurationRecorder {
    /// Reads the live value, journals it, writes, reads back.
    pub(crate) async fn run(&self, cx: &Ctx<'_>) -> Result<Done, Fail> {
        let DeleteConfigurationRecorder { name } = self;
        delete_recorder(cx, name).await
    }
}

async fn delete_recorder(cx: &Ctx<'_>, name: &str) -> Result<Done, Fail> {
    let prior = read_recorder(cx, name)
        .await
        .map_err(|e| Fail::reading("configuration recorder", e))?;
    let Some(prior) = prior else {
        cx.before(Value::Null)?;
        return Ok(Done::new(
            format!("recorder {name} is already gone"),
            json!({"deleted": false}),
        ));
    };
    cx.before(prior)?;
    match cx
        .aws
        .configservice(cx.region())
        .delete_configuration_recorder()
        .configuration_recorder_name(name)
        .send()
        .await
        .aws()
    {
        Ok(_) => {}
        Err(e) if e.code == "NoSuchConfigurationRecorderException" => {}
        Err(e) => return Err(e.into()),
    }
    match read_recorder(cx, name).await? {
        None => Ok(Done::new(
            format!("deleted recorder {name}"),
            json!({"deleted": true}),
        )),
        Some(r) => Err(Fail::mismatch(format!("recorder {name} still exists"), r)),
    }
}
