//! `delete_trail`.

use serde::{Deserialize, Serialize};

use super::{Change, Kind};

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, schemars::JsonSchema)]
#[schemars(inline)]
pub struct DeleteTrail {
    pub name: String,
}

impl Kind for DeleteTrail {
    const NAME: &'static str = "delete_trail";
    const RANK: u8 = 26;
    const CHANGE: Change = Change::Delete;
    const CALLS: &'static [&'static str] = &[
        "cloudtrail:GetTrail",
        "cloudtrail:GetTrailStatus",
        "cloudtrail:GetEventSelectors",
        "cloudtrail:DeleteTrail",
    ];
}
