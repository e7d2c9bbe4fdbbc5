//! `put_bucket_logging` / `disable_bucket_logging`: turn a bucket's server
//! access logging on (a plan, or undo putting back the old target) or off
//! (undo); undone by putting back what it was.

use crate::cost::PriceKey;
use serde::{Deserialize, Serialize};

use super::ctx::{Ctx, Done, Fail};
use super::s3;
use super::{Change, Kind, Past, Reversal, Way, billed_when, bucket_resource};
use crate::snapshot::{BucketLogging, Snapshot};

/// `logging`: where the access logs go; `None`: logging off.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, schemars::JsonSchema)]
#[schemars(inline)]
pub struct SetBucketLogging {
    pub bucket: String,
    pub logging: Option<BucketLogging>,
}

const CALLS: &[&str] = &["s3:GetBucketLogging", "s3:PutBucketLogging"];

impl Kind for SetBucketLogging {
    const NAME: &'static str = "put_bucket_logging";
    const RANK: u8 = 6;
    const CHANGE: Change = Change::Update;
    const IN_APPLY: bool = true;
    const IN_UNDO: bool = true;
    const CALLS: &'static [&'static str] = CALLS;
    const SECOND: Option<Way> = Some(Way {
        name: "disable_bucket_logging",
        rank: 30,
        in_apply: false,
        in_undo: true,
        calls: CALLS,
    });
    type Prior = BucketLogging;

    fn second(&self) -> bool {
        self.logging.is_none()
    }

    fn prices(&self) -> Vec<PriceKey> {
        let keys = [PriceKey::S3AccessLogDelivery, PriceKey::S3Storage];
        billed_when(self.logging.is_some(), &keys)
    }

    fn reverse(&self, past: &Past<'_, Self::Prior>) -> Option<Reversal> {
        let bucket = &self.bucket;
        if past.prior.is_none() && self.logging.is_some() {
            return Reversal::remove(
                SetBucketLogging {
                    bucket: bucket.clone(),
                    logging: None,
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
        let SetBucketLogging { bucket, logging } = self;
        if let Some(b) = s.buckets.get_mut(bucket) {
            b.logging = logging.clone();
        }
    }
}

impl SetBucketLogging {
    /// Reads the live value, journals it, writes, reads back.
    pub(crate) async fn run(&self, cx: &Ctx<'_>) -> Result<Done, Fail> {
        let SetBucketLogging { bucket, logging } = self;
        let target = logging
            .as_ref()
            .map(|l| (&l.target_bucket, &l.target_prefix));
        s3::put_bucket_logging(cx, bucket, target).await
    }
}
