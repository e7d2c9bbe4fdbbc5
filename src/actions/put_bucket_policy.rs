//! `put_bucket_policy`: put a merged bucket policy; undone by putting back (or
//! deleting) the old one.

use serde::{Deserialize, Serialize};

use super::DeleteBucketPolicy;
use super::ctx::{Ctx, Done, Fail};
use super::s3::*;
use super::{Change, Kind, Past, Reversal, bucket_resource};
use crate::snapshot::Snapshot;
use serde_json::Value;

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
    const IN_APPLY: bool = true;
    const IN_UNDO: bool = true;
    const PROPAGATES: bool = true;
    const CALLS: &'static [&'static str] = &["s3:GetBucketPolicy", "s3:PutBucketPolicy"];
    type Prior = Value;

    fn reverse(&self, past: &Past<'_, Self::Prior>) -> Option<Reversal> {
        let bucket = &self.bucket;
        if past.prior.is_none() {
            // Statements added to it since apply stay (then it is not deleted).
            return Reversal::policy(
                DeleteBucketPolicy {
                    bucket: bucket.clone(),
                },
                format!(
                    "delete the bucket policy of {bucket}: it had none before (apply's statements only)"
                ),
                past,
                &self.policy,
            );
        }
        policy_back(bucket, past, &self.policy)
    }

    fn touches(&self, _region: &str) -> Option<String> {
        Some(bucket_resource(&self.bucket))
    }

    fn simulate(&self, s: &mut Snapshot, _region: &str, _target: &str) {
        let PutBucketPolicy { bucket, policy } = self;
        if let Some(b) = s.buckets.get_mut(bucket) {
            b.policy = Some(policy.clone());
        }
    }
}

impl PutBucketPolicy {
    /// Reads the live value, journals it, writes, reads back.
    pub(crate) async fn run(&self, cx: &Ctx<'_>) -> Result<Done, Fail> {
        let PutBucketPolicy { bucket, policy } = self;
        write_policy(cx, bucket, policy).await
    }
}
