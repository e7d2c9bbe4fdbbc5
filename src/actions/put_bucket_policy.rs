//! `put_bucket_policy`: Put the merged policy (the `after` document).

use serde::{Deserialize, Serialize};
use serde_json::Value;

use super::{Change, Kind};

/// Put the merged policy (the `after` document).
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, schemars::JsonSchema)]
#[schemars(inline)]
pub struct PutBucketPolicy {
    pub bucket: String,
    pub policy: Value,
}

impl Kind for PutBucketPolicy {
    const NAME: &'static str = "put_bucket_policy";
    const RANK: u8 = 4;
    const CHANGE: Change = Change::Update;
    const CALLS: &'static [&'static str] = &[
        "s3:GetBucketPolicy",
        "s3:PutBucketPolicy",
    ];
}
