//! `put_delivery_channel`.

use serde::{Deserialize, Serialize};

use super::{Change, Kind};

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, schemars::JsonSchema)]
#[schemars(inline)]
pub struct PutDeliveryChannel {
    pub name: String,
    pub bucket: String,
    pub prefix: Option<String>,
}

impl Kind for PutDeliveryChannel {
    const NAME: &'static str = "put_delivery_channel";
    const RANK: u8 = 16;
    const CHANGE: Change = Change::Update;
    const CALLS: &'static [&'static str] = &[
        "config:DescribeDeliveryChannels",
        "config:PutDeliveryChannel",
    ];
}
