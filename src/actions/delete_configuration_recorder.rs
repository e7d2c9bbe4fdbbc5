//! `delete_configuration_recorder`.

use serde::{Deserialize, Serialize};

use super::{Change, Kind};

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, schemars::JsonSchema)]
#[schemars(inline)]
pub struct DeleteConfigurationRecorder {
    pub name: String,
}

impl Kind for DeleteConfigurationRecorder {
    const NAME: &'static str = "delete_configuration_recorder";
    const RANK: u8 = 23;
    const CHANGE: Change = Change::Delete;
    const CALLS: &'static [&'static str] = &[
        "config:DescribeConfigurationRecorders",
        "config:DescribeConfigurationRecorderStatus",
        "config:DeleteConfigurationRecorder",
    ];
}
