//! `put_bucket_logging`.

use serde::{Deserialize, Serialize};

use super::ctx::{Ctx, Done, Fail};
use super::s3;
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

impl PutBucketLogging {
    /// Reads the live value, journals it, writes, reads back.
    pub(crate) async fn run(&self, cx: &Ctx<'_>) -> Result<Done, Fail> {
        let PutBucketLogging {
            bucket,
            target_bucket,
            target_prefix,
        } = self;
        s3::put_bucket_logging(cx, bucket, Some((target_bucket, target_prefix))).await
    }
}
