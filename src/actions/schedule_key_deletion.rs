//! `schedule_key_deletion`: delete an alias and schedule its key's deletion
//! (undo of create_key); final.

use serde::{Deserialize, Serialize};

use super::ctx::{Ctx, Done, Fail};
use super::kms::*;
use super::{Change, Kind, Past, Reversal};
use crate::aws::Classify;
use crate::snapshot::ErrorKind;
use aws_sdk_kms::types::KeyState;
use serde_json::{Value, json};

/// Delete `alias` (only when it still points at the key) and schedule the
/// key's deletion after `pending_days` (7..=30). `key_id` is the key the
/// run created; without it the alias's current target is used.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, schemars::JsonSchema)]
#[schemars(inline)]
pub struct ScheduleKeyDeletion {
    pub alias: String,
    pub key_id: Option<String>,
    pub pending_days: i32,
}

impl Kind for ScheduleKeyDeletion {
    const NAME: &'static str = "schedule_key_deletion";
    const RANK: u8 = 29;
    const CHANGE: Change = Change::Delete;
    const IN_APPLY: bool = false;
    const IN_UNDO: bool = true;
    const SHARED_CALLS: &'static [&'static str] = RESOLVE_KEY;
    const CALLS: &'static [&'static str] = &["kms:DeleteAlias", "kms:ScheduleKeyDeletion"];
    type Prior = Value;

    fn reverse(&self, _past: &Past<'_, Self::Prior>) -> Option<Reversal> {
        // A deletion cannot be undone by recreating: nothing to plan.
        None
    }
}

impl ScheduleKeyDeletion {
    /// Reads the live value, journals it, writes, reads back.
    pub(crate) async fn run(&self, cx: &Ctx<'_>) -> Result<Done, Fail> {
        let ScheduleKeyDeletion {
            alias,
            key_id,
            pending_days,
        } = self;
        schedule_key_deletion(cx, alias, key_id.as_deref(), *pending_days).await
    }
}

/// Deletes `alias` when it points at the key, and schedules the key's deletion.
async fn schedule_key_deletion(
    cx: &Ctx<'_>,
    alias: &str,
    key_id: Option<&str>,
    pending_days: i32,
) -> Result<Done, Fail> {
    if !(7..=30).contains(&pending_days) {
        return Err(Fail::invalid(format!(
            "pending_days must be 7..=30, not {pending_days}"
        )));
    }
    let alias = alias_name(alias);
    let target = alias_target(cx, &alias)
        .await
        .map_err(|e| Fail::reading("key aliases", e))?;
    let Some(key_ref) = key_id.map(str::to_string).or_else(|| target.clone()) else {
        cx.before(Value::Null)?;
        return Ok(Done::new(
            format!("{alias} and its key are already gone"),
            json!({"deleted": false}),
        ));
    };
    let Some(key) = describe(cx, &key_ref)
        .await
        .map_err(|e| Fail::reading("key", e))?
    else {
        cx.before(Value::Null)?;
        return Ok(Done::new(
            format!("key {key_ref} is already gone"),
            json!({"deleted": false}),
        ));
    };
    cx.before(
        json!({"key_id": key.key_id, "arn": key.arn, "state": key.state, "alias_target": target}),
    )?;
    let kms = cx.aws.kms(cx.region());
    let alias_is_ours = target.as_deref() == Some(key.key_id.as_str());
    if alias_is_ours {
        match kms.delete_alias().alias_name(&alias).send().await.aws() {
            Ok(_) => {}
            Err(e) if e.kind == ErrorKind::NotFound => {}
            Err(e) => return Err(e.into()),
        }
    }
    let already = key.state == KeyState::PendingDeletion.as_str();
    if !already {
        kms.schedule_key_deletion()
            .key_id(&key.key_id)
            .pending_window_in_days(pending_days)
            .send()
            .await
            .aws()?;
    }
    let now = describe(cx, &key.key_id).await?;
    let now_alias = alias_target(cx, &alias).await?;
    let state = now.as_ref().map(|k| k.state.clone()).unwrap_or_default();
    let result = json!({"key_id": key.key_id, "state": state, "alias_deleted": alias_is_ours,
                        "deleted": true, "pending_days": pending_days});
    if now.is_some() && state != KeyState::PendingDeletion.as_str() {
        return Err(Fail::mismatch(
            format!("key {} is {state}", key.key_id),
            result,
        ));
    }
    if alias_is_ours && now_alias.is_some() {
        return Err(Fail::mismatch(format!("{alias} still exists"), result));
    }
    let mut detail = if already {
        format!("key {} was already pending deletion", key.key_id)
    } else {
        format!(
            "key {} scheduled for deletion in {pending_days} days",
            key.key_id
        )
    };
    if alias_is_ours {
        detail.push_str(&format!("; deleted {alias}"));
    } else if target.is_some() {
        detail.push_str(&format!("; kept {alias}: it now points at another key"));
    }
    Ok(Done::new(detail, result))
}
