//! `delete_delivery_channel`.

use serde::{Deserialize, Serialize};

use super::{Change, Kind};

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, schemars::JsonSchema)]
#[schemars(inline)]
pub struct DeleteDeliveryChannel {
    pub name: String,
}

impl Kind for DeleteDeliveryChannel {
    const NAME: &'static str = "delete_delivery_channel";
    const RANK: u8 = 21;
    const CHANGE: Change = Change::Delete;
    const CALLS: &'static [&'static str] = &[
        "config:DescribeDeliveryChannels",
        "config:DeleteDeliveryChannel",
    ];
}
