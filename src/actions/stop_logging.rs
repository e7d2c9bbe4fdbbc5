//! `stop_logging`.

use serde::{Deserialize, Serialize};

use super::{Change, Kind};

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, schemars::JsonSchema)]
#[schemars(inline)]
pub struct StopLogging {
    pub trail: String,
}

impl Kind for StopLogging {
    const NAME: &'static str = "stop_logging";
    const RANK: u8 = 24;
    const CHANGE: Change = Change::Update;
    const CALLS: &'static [&'static str] = &[
        "cloudtrail:GetTrail",
        "cloudtrail:GetTrailStatus",
        "cloudtrail:GetEventSelectors",
        "cloudtrail:StopLogging",
    ];
}
