//! `disable_key_rotation`.

use serde::{Deserialize, Serialize};

use super::{Change, Kind};

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, schemars::JsonSchema)]
#[schemars(inline)]
pub struct DisableKeyRotation {
    pub key_id: String,
}

impl Kind for DisableKeyRotation {
    const NAME: &'static str = "disable_key_rotation";
    const RANK: u8 = 28;
    const CHANGE: Change = Change::Update;
    const CALLS: &'static [&'static str] = &[
        "kms:DescribeKey",
        "kms:ListAliases",
        "kms:GetKeyRotationStatus",
        "kms:DisableKeyRotation",
    ];
}
