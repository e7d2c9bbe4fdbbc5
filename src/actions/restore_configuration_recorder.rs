//! `restore_configuration_recorder`: Put a recorder back exactly as it was (`recording_group` as
//! DescribeConfigurationRecorders shows it: `allSupported`,
//! `includeGlobalResourceTypes`, `resourceTypes`).

use serde::{Deserialize, Serialize};
use serde_json::Value;

use super::ctx::{Ctx, Done, Fail};
use super::config;
use super::{Change, Kind};

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
    const CALLS: &'static [&'static str] = &[
        "config:DescribeConfigurationRecorders",
        "config:DescribeConfigurationRecorderStatus",
        "config:PutConfigurationRecorder",
    ];
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
        {
            config::put_recorder(cx, name, role_arn, recording_group, recording_mode.as_ref()).await
        }
    }
}
