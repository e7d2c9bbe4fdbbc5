//! `delete_bucket_policy`.

use serde::{Deserialize, Serialize};

use super::{Change, Kind};

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, schemars::JsonSchema)]
#[schemars(inline)]
pub struct DeleteBucketPolicy {
    pub bucket: String,
}

impl Kind for DeleteBucketPolicy {
    const NAME: &'static str = "delete_bucket_policy";
    const RANK: u8 = 32;
    const CHANGE: Change = Change::Delete;
    const CALLS: &'static [&'static str] = &[
        "s3:GetBucketPolicy",
        "s3:DeleteBucketPolicy",
    ];
}
