//! `enable_key_rotation`.

use serde::{Deserialize, Serialize};

use super::ctx::{Ctx, Done, Fail};
use super::kms;
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

impl EnableKeyRotation {
    /// Reads the live value, journals it, writes, reads back.
    pub(crate) async fn run(&self, cx: &Ctx<'_>) -> Result<Done, Fail> {
        let EnableKeyRotation { key_id } = self;
        {
            kms::set_rotation(cx, key_id, true).await
        }
    }
}
