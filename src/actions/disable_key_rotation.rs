//! `disable_key_rotation`.

use serde::{Deserialize, Serialize};

use super::EnableKeyRotation;
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
    const CALLS: &'static [&'static str] = &[
        "kms:DescribeKey",
        "kms:ListAliases",
        "kms:GetKeyRotationStatus",
        "kms:DisableKeyRotation",
    ];
    type Prior = Rotation;

    fn reverse(&self, past: &Past<'_, Self::Prior>) -> Option<Reversal> {
        let was = past.prior.as_ref()?;
        let key_id = Some(was.key_id.clone())
            .filter(|k| !k.is_empty())
            .unwrap_or_else(|| self.key_id.clone());
        if !was.rotation_enabled {
            return None;
        }
        Reversal::restore(
            EnableKeyRotation {
                key_id: key_id.clone(),
            },
            format!("turn rotation of key {key_id} back on"),
            past,
        )
    }
}

impl DisableKeyRotation {
    /// Reads the live value, journals it, writes, reads back.
    pub(crate) async fn run(&self, cx: &Ctx<'_>) -> Result<Done, Fail> {
        let DisableKeyRotation { key_id } = self;
        kms::set_rotation(cx, key_id, false).await
    }
}
