//! `put_key_policy`: Put the merged key policy (`default`).

use serde::{Deserialize, Serialize};
use serde_json::Value;

use super::{Change, Kind};

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
    const CALLS: &'static [&'static str] = &[
        "kms:DescribeKey",
        "kms:ListAliases",
        "kms:GetKeyPolicy",
        "kms:PutKeyPolicy",
    ];
}
