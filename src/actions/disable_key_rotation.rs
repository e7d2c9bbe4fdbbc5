//! `disable_key_rotation`: turn off a key's rotation (undo); undone by turning
//! it back on.

use serde::{Deserialize, Serialize};

use super::Rotation;
use super::ctx::{Ctx, Done, Fail};
use super::kms;
use super::{Change, Kind, Past, Reversal};

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, schemars::JsonSchema)]
#[schemars(inline)]
pub struct DisableKeyRotation {
    pub key_id: String,
}

impl Kind for DisableKeyRotation {
    const NAME: &'static str = "disable_key_rotation";
    const RANK: u8 = 28;
    const CHANGE: Change = Change::Update;
    const IN_APPLY: bool = false;
    const IN_UNDO: bool = true;
    const SHARED_CALLS: &'static [&'static str] = kms::RESOLVE_KEY;
    const CALLS: &'static [&'static str] = &["kms:GetKeyRotationStatus", "kms:DisableKeyRotation"];
    type Prior = Rotation;

    fn reverse(&self, past: &Past<'_, Self::Prior>) -> Option<Reversal> {
        kms::rotation_back(&self.key_id, false, past)
    }
}

impl DisableKeyRotation {
    /// Reads the live value, journals it, writes, reads back.
    pub(crate) async fn run(&self, cx: &Ctx<'_>) -> Result<Done, Fail> {
        let DisableKeyRotation { key_id } = self;
        kms::set_rotation(cx, key_id, false).await
    }
}
