//! `restore_configuration_recorder`: put a recorder back exactly as it was
//! (undo); undone the same way.

use crate::cost::PriceKey;
use serde::{Deserialize, Serialize};
use serde_json::Value;

use super::config;
use super::config::RecorderState;
use super::ctx::{Ctx, Done, Fail};
use super::{Change, Kind, Past, Reversal};

/// Put a recorder back exactly as it was (`recording_group` as
/// DescribeConfigurationRecorders shows it: `allSupported`,
/// `includeGlobalResourceTypes`, `resourceTypes`).
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, schemars::JsonSchema)]
#[schemars(inline)]
pub struct RestoreConfigurationRecorder {
    pub name: String,
    pub role_arn: String,
    pub recording_group: Value,
    /// `{recordingFrequency, recordingModeOverrides}` as it was; absent
    /// in journals of older versions (the current mode is then kept).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub recording_mode: Option<Value>,
}

impl Kind for RestoreConfigurationRecorder {
    const NAME: &'static str = "restore_configuration_recorder";
    const RANK: u8 = 22;
    const CHANGE: Change = Change::Update;
    const IN_APPLY: bool = false;
    const IN_UNDO: bool = true;
    const SHARED_CALLS: &'static [&'static str] = config::READ_RECORDER;
    const CALLS: &'static [&'static str] = &["config:PutConfigurationRecorder"];
    const SERIAL_UNDO: bool = true;
    type Prior = RecorderState;

    fn prices(&self) -> Vec<PriceKey> {
        vec![PriceKey::ConfigItemContinuous]
    }

    fn reverse(&self, past: &Past<'_, Self::Prior>) -> Option<Reversal> {
        config::recorder_back(&self.name, past)
    }
}

impl RestoreConfigurationRecorder {
    /// Reads the live value, journals it, writes, reads back.
    pub(crate) async fn run(&self, cx: &Ctx<'_>) -> Result<Done, Fail> {
        let RestoreConfigurationRecorder {
            name,
            role_arn,
            recording_group,
            recording_mode,
        } = self;
        config::put_recorder(cx, name, role_arn, recording_group, recording_mode.as_ref()).await
    }
}
