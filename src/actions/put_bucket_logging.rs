//! `put_bucket_logging`: turn on a bucket's server access logging; undone by
//! turning it back (off).

use crate::cost::PriceKey;
use serde::{Deserialize, Serialize};

use super::DisableBucketLogging;
use super::ctx::{Ctx, Done, Fail};
use super::s3;
use super::{Change, Kind, Past, Reversal, bucket_resource};
use crate::snapshot::{BucketLogging, Snapshot};

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
    const IN_APPLY: bool = true;
    const IN_UNDO: bool = true;
    const CALLS: &'static [&'static str] = &["s3:GetBucketLogging", "s3:PutBucketLogging"];
    type Prior = BucketLogging;

    fn prices(&self) -> Vec<PriceKey> {
        vec![PriceKey::S3AccessLogDelivery, PriceKey::S3Storage]
    }

    fn reverse(&self, past: &Past<'_, Self::Prior>) -> Option<Reversal> {
        let bucket = &self.bucket;
        if past.prior.is_none() {
            return Reversal::remove(
                DisableBucketLogging {
                    bucket: bucket.clone(),
                },
                format!("turn access logging of {bucket} off: it was off before"),
            );
        }
        s3::logging_back(bucket, past)
    }

    fn touches(&self, _region: &str) -> Option<String> {
        Some(bucket_resource(&self.bucket))
    }

    fn simulate(&self, s: &mut Snapshot, _region: &str, _target: &str) {
        let PutBucketLogging {
            bucket,
            target_bucket,
            target_prefix,
        } = self;
        if let Some(b) = s.buckets.get_mut(bucket) {
            b.logging = Some(BucketLogging {
                target_bucket: target_bucket.clone(),
                target_prefix: target_prefix.clone(),
            });
        }
    }
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
