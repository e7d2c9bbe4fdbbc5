//! `schedule_key_deletion`: Delete `alias` (only when it still points at the key) and schedule the
//! key's deletion after `pending_days` (7..=30). `key_id` is the key the
//! run created; without it the alias's current target is used.

use serde::{Deserialize, Serialize};

use super::{Change, Kind};

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
    const CALLS: &'static [&'static str] = &[
        "kms:DescribeKey",
        "kms:ListAliases",
        "kms:DeleteAlias",
        "kms:ScheduleKeyDeletion",
    ];
}
