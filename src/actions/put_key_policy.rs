//! `put_key_policy`: put a merged key policy; undone by putting back the old
//! one.

use serde::{Deserialize, Serialize};

use super::ctx::{Ctx, Done, Fail};
use super::kms::*;
use super::{Change, Kind, Past, Reversal, key_resource};
use crate::snapshot::Snapshot;
use serde_json::Value;

/// Put the merged key policy (`default`).
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, schemars::JsonSchema)]
#[schemars(inline)]
pub struct PutKeyPolicy {
    pub key_id: String,
    pub policy: Value,
}

impl Kind for PutKeyPolicy {
    const NAME: &'static str = "put_key_policy";
    const RANK: u8 = 8;
    const CHANGE: Change = Change::Update;
    const IN_APPLY: bool = true;
    const IN_UNDO: bool = true;
    const SHARED_CALLS: &'static [&'static str] = RESOLVE_KEY;
    const PROPAGATES: bool = true;
    const CALLS: &'static [&'static str] = &["kms:GetKeyPolicy", "kms:PutKeyPolicy"];
    type Prior = Value;

    fn reverse(&self, past: &Past<'_, Self::Prior>) -> Option<Reversal> {
        let key_id = &self.key_id;
        let policy = past.prior.clone()?;
        Reversal::policy(
            PutKeyPolicy {
                key_id: key_id.clone(),
                policy,
            },
            format!("put back the key policy {key_id} had before (apply's statements only)"),
            past,
            &self.policy,
        )
    }

    fn touches(&self, region: &str) -> Option<String> {
        Some(key_resource(region, &self.key_id))
    }

    fn simulate(&self, s: &mut Snapshot, _region: &str, _target: &str) {
        let PutKeyPolicy { key_id, policy } = self;
        if let Some(k) = s
            .keys
            .values_mut()
            .find(|k| &k.arn == key_id || &k.key_id == key_id)
        {
            k.policy = Some(policy.clone());
        }
    }
}

impl PutKeyPolicy {
    /// Reads the live value, journals it, writes, reads back.
    pub(crate) async fn run(&self, cx: &Ctx<'_>) -> Result<Done, Fail> {
        let PutKeyPolicy { key_id, policy } = self;
        put_key_policy(cx, key_id, policy).await
    }
}

async fn put_key_policy(cx: &Ctx<'_>, key_ref: &str, planned: &Value) -> Result<Done, Fail> {
    let key = resolve(cx, key_ref).await?;
    let prior = get_policy(cx, &key.key_id)
        .await
        .map_err(|e| Fail::reading("key policy", e))?;
    // A key always has a policy: when undo would leave none, the planned
    // document (the one before apply) is put back whole.
    let w = cx.policy_to_write(Some(&prior), planned);
    let policy = w.doc.clone().unwrap_or_else(|| planned.clone());
    let text = serde_json::to_string(&policy).map_err(|e| Fail::invalid(e.to_string()))?;
    cx.before(&prior)?;
    // Undo writes nothing when there is nothing to revert; apply always puts.
    let same = !cx.action.guard.is_none() && crate::policy::equivalent(&prior, &policy);
    if !same {
        let kms = cx.aws.kms(cx.region());
        cx.retry("PutKeyPolicy", || {
            kms.put_key_policy()
                .key_id(&key.key_id)
                .policy_name("default")
                .policy(text.clone())
                .send()
        })
        .await?;
    }
    let now = get_policy(cx, &key.key_id).await?;
    if !crate::policy::equivalent(&now, &policy) {
        return Err(Fail::mismatch(
            format!(
                "the policy of key {} reads back differently from what was put",
                key.key_id
            ),
            now,
        ));
    }
    let detail = if same {
        format!("nothing to revert in the key policy of {}", key.key_id)
    } else {
        format!("put the key policy of {}", key.key_id)
    };
    Ok(w.done(detail, now))
}
