//! `delete_bucket_policy`: delete a bucket policy (2.3, when no statement is
//! left; undo); undone by putting it back.

use serde::{Deserialize, Serialize};

use super::ctx::{Ctx, Done, Fail};
use super::s3::*;
use super::{Change, Kind, Past, Reversal, bucket_resource};
use crate::aws::Classify;
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
        policy_back(&self.bucket, past)
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
        delete_bucket_policy(cx, bucket).await
    }
}

async fn delete_bucket_policy(cx: &Ctx<'_>, bucket: &str) -> Result<Done, Fail> {
    let prior = get_policy(cx, bucket)
        .await
        .map_err(|e| Fail::reading("bucket policy", e))?;
    let had = prior.is_some();
    cx.before(prior.unwrap_or(Value::Null))?;
    if had {
        cx.aws
            .s3(cx.region())
            .delete_bucket_policy()
            .bucket(bucket)
            .set_expected_bucket_owner(cx.bucket_owner())
            .send()
            .await
            .aws()?;
    }
    match get_policy(cx, bucket).await? {
        None => Ok(Done::new(
            if had {
                format!("deleted the bucket policy of {bucket}")
            } else {
                format!("{bucket} already has no bucket policy")
            },
            Value::Null,
        )),
        Some(p) => Err(Fail::mismatch(format!("{bucket} still has a policy"), p)),
    }
}
