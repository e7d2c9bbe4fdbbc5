//! `delete_bucket_policy`: delete a bucket policy (2.3, when no statement is
//! left; undo); undone by putting it back.

use serde::{Deserialize, Serialize};

use super::ctx::{Ctx, Done, Fail};
use super::s3::*;
use super::{Change, Kind, Past, Reversal, bucket_resource};
use crate::snapshot::Snapshot;
use serde_json::Value;

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, schemars::JsonSchema)]
#[schemars(inline)]
pub struct DeleteBucketPolicy {
    pub bucket: String,
}

impl Kind for DeleteBucketPolicy {
    const NAME: &'static str = "delete_bucket_policy";
    const RANK: u8 = 32;
    const CHANGE: Change = Change::Delete;
    // 2.3: when removing the public statements leaves none, the policy is deleted.
    const IN_APPLY: bool = true;
    const IN_UNDO: bool = true;
    const CALLS: &'static [&'static str] = &["s3:GetBucketPolicy", "s3:DeleteBucketPolicy"];
    type Prior = Value;

    fn reverse(&self, past: &Past<'_, Self::Prior>) -> Option<Reversal> {
        // Apply deleted it: every statement it had is apply's to put back.
        policy_back(&self.bucket, past, &Value::Null)
    }

    fn touches(&self, _region: &str) -> Option<String> {
        // 2.3 deletes a policy left with no statement: a forward update too.
        Some(bucket_resource(&self.bucket))
    }

    fn simulate(&self, s: &mut Snapshot, _region: &str, _target: &str) {
        if let Some(b) = s.buckets.get_mut(&self.bucket) {
            b.policy = None;
        }
    }
}

impl DeleteBucketPolicy {
    /// Reads the live value, journals it, writes, reads back.
    pub(crate) async fn run(&self, cx: &Ctx<'_>) -> Result<Done, Fail> {
        let DeleteBucketPolicy { bucket } = self;
        write_policy(cx, bucket, &Value::Null).await
    }
}
