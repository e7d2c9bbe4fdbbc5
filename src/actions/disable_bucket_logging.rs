//! `disable_bucket_logging`: turn off a bucket's access logging (undo); undone
//! by turning it back on.

use serde::{Deserialize, Serialize};

use super::ctx::{Ctx, Done, Fail};
use super::s3;
use super::{Change, Kind, Past, Reversal};
use crate::snapshot::BucketLogging;

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, schemars::JsonSchema)]
#[schemars(inline)]
pub struct DisableBucketLogging {
    pub bucket: String,
}

impl Kind for DisableBucketLogging {
    const NAME: &'static str = "disable_bucket_logging";
    const RANK: u8 = 30;
    const CHANGE: Change = Change::Update;
    const IN_APPLY: bool = false;
    const IN_UNDO: bool = true;
    const CALLS: &'static [&'static str] = &["s3:GetBucketLogging", "s3:PutBucketLogging"];
    type Prior = BucketLogging;

    fn reverse(&self, past: &Past<'_, Self::Prior>) -> Option<Reversal> {
        s3::logging_back(&self.bucket, past)
    }
}

impl DisableBucketLogging {
    /// Reads the live value, journals it, writes, reads back.
    pub(crate) async fn run(&self, cx: &Ctx<'_>) -> Result<Done, Fail> {
        let DisableBucketLogging { bucket } = self;
        s3::put_bucket_logging(cx, bucket, None).await
    }
}
