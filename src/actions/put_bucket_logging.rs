//! `put_bucket_logging`.

use serde::{Deserialize, Serialize};

use super::{Change, Kind};

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, schemars::JsonSchema)]
#[schemars(inline)]
pub struct PutBucketLogging {
    pub bucket: String,
    pub target_bucket: String,
    pub target_prefix: String,
}

impl Kind for PutBucketLogging {
    const NAME: &'static str = "put_bucket_logging";
    const RANK: u8 = 6;
    const CHANGE: Change = Change::Update;
    const CALLS: &'static [&'static str] = &[
        "s3:GetBucketLogging",
        "s3:PutBucketLogging",
    ];
}
