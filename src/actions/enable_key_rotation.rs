//! `enable_key_rotation`.

use serde::{Deserialize, Serialize};

use super::{Change, Kind};

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, schemars::JsonSchema)]
#[schemars(inline)]
pub struct EnableKeyRotation {
    pub key_id: String,
}

impl Kind for EnableKeyRotation {
    const NAME: &'static str = "enable_key_rotation";
    const RANK: u8 = 9;
    const CHANGE: Change = Change::Update;
    const CALLS: &'static [&'static str] = &[
        "kms:DescribeKey",
        "kms:ListAliases",
        "kms:GetKeyRotationStatus",
        "kms:EnableKeyRotation",
    ];
}
