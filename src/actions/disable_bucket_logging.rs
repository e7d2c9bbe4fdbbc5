//! `disable_bucket_logging`.

use serde::{Deserialize, Serialize};

use super::ctx::{Ctx, Done, Fail};
use super::s3;
use super::{Change, Kind};

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, schemars::JsonSchema)]
#[schemars(inline)]
pub struct DisableBucketLogging {
    pub bucket: String,
}

impl Kind for DisableBucketLogging {
    const NAME: &'static str = "disable_bucket_logging";
    const RANK: u8 = 30;
    const CHANGE: Change = Change::Update;
    const CALLS: &'static [&'static str] = &[
        "s3:GetBucketLogging",
        "s3:PutBucketLogging",
    ];
}

impl DisableBucketLogging {
    /// Reads the live value, journals it, writes, reads back.
    pub(crate) async fn run(&self, cx: &Ctx<'_>) -> Result<Done, Fail> {
        let DisableBucketLogging { bucket } = self;
        {
            s3::put_bucket_logging(cx, bucket, None).await
        }
    }
}
