//! `enable_key_rotation` / `disable_key_rotation`: turn a key's yearly
//! rotation on (a plan) or off (undo); undone by turning it back if it was
//! the other way.

use crate::cost::PriceKey;
use serde::{Deserialize, Serialize};

use super::Rotation;
use super::ctx::{Ctx, Done, Fail};
use super::kms;
use super::{Change, Kind, Past, Reversal, Way, billed_when, key_resource};
use crate::snapshot::Snapshot;

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, schemars::JsonSchema)]
#[schemars(inline)]
pub struct SetKeyRotation {
    pub key_id: String,
    pub enabled: bool,
}

impl Kind for SetKeyRotation {
    const NAME: &'static str = "enable_key_rotation";
    const RANK: u8 = 9;
    const CHANGE: Change = Change::Update;
    const IN_APPLY: bool = true;
    const IN_UNDO: bool = true;
    const SHARED_CALLS: &'static [&'static str] = kms::RESOLVE_KEY;
    const CALLS: &'static [&'static str] = &["kms:GetKeyRotationStatus", "kms:EnableKeyRotation"];
    const SECOND: Option<Way> = Some(Way {
        name: "disable_key_rotation",
        rank: 28,
        in_apply: false,
        in_undo: true,
        calls: &["kms:GetKeyRotationStatus", "kms:DisableKeyRotation"],
    });
    type Prior = Rotation;

    fn second(&self) -> bool {
        !self.enabled
    }

    fn prices(&self) -> Vec<PriceKey> {
        billed_when(self.enabled, &[PriceKey::KmsRotation])
    }

    fn reverse(&self, past: &Past<'_, Self::Prior>) -> Option<Reversal> {
        kms::rotation_back(&self.key_id, self.enabled, past)
    }

    fn touches(&self, region: &str) -> Option<String> {
        Some(key_resource(region, &self.key_id))
    }

    fn simulate(&self, s: &mut Snapshot, region: &str, _target: &str) {
        let SetKeyRotation { key_id, enabled } = self;
        let alias = key_id.rsplit(':').next().unwrap_or_default();
        let via_alias = s.aliases.get(region).and_then(|m| m.get(alias)).cloned();
        let key_id = via_alias.as_ref().unwrap_or(key_id);
        if let Some(k) = s
            .keys
            .values_mut()
            .find(|k| &k.arn == key_id || &k.key_id == key_id)
        {
            k.rotation_enabled = Some(*enabled);
        }
    }
}

impl SetKeyRotation {
    /// Reads the live value, journals it, writes, reads back.
    pub(crate) async fn run(&self, cx: &Ctx<'_>) -> Result<Done, Fail> {
        let SetKeyRotation { key_id, enabled } = self;
        kms::set_rotation(cx, key_id, *enabled).await
    }
}
