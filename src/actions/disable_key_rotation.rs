//! `disable_key_rotation`.

use serde::{Deserialize, Serialize};

use super::ctx::{Ctx, Done, Fail};
use super::kms;
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

impl DisableKeyRotation {
    /// Reads the live value, journals it, writes, reads back.
    pub(crate) async fn run(&self, cx: &Ctx<'_>) -> Result<Done, Fail> {
        let DisableKeyRotation { key_id } = self;
        {
            kms::set_rotation(cx, key_id, false).await
        }
    }
}
