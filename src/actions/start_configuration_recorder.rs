//! `start_configuration_recorder`.

use serde::{Deserialize, Serialize};

use super::{Change, Kind};

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, schemars::JsonSchema)]
#[schemars(inline)]
pub struct StartConfigurationRecorder {
    pub name: String,
}

impl Kind for StartConfigurationRecorder {
    const NAME: &'static str = "start_configuration_recorder";
    const RANK: u8 = 17;
    const CHANGE: Change = Change::Update;
    const CALLS: &'static [&'static str] = &[
        "config:DescribeConfigurationRecorders",
        "config:DescribeConfigurationRecorderStatus",
        "config:StartConfigurationRecorder",
    ];
}
