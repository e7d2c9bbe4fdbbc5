//! `stop_configuration_recorder`.

use serde::{Deserialize, Serialize};

use super::{Change, Kind};

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, schemars::JsonSchema)]
#[schemars(inline)]
pub struct StopConfigurationRecorder {
    pub name: String,
}

impl Kind for StopConfigurationRecorder {
    const NAME: &'static str = "stop_configuration_recorder";
    const RANK: u8 = 20;
    const CHANGE: Change = Change::Update;
    const CALLS: &'static [&'static str] = &[
        "config:DescribeConfigurationRecorders",
        "config:DescribeConfigurationRecorderStatus",
        "config:StopConfigurationRecorder",
    ];
}
