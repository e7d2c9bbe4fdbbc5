//! `put_public_access_block`: set a bucket's Public Access Block; undone by
//! putting back (or removing) the old one.

use serde::{Deserialize, Serialize};

use super::DeletePublicAccessBlock;
use super::ctx::{Ctx, Done, Fail};
use super::s3::*;
use super::{Change, Kind, Past, Reversal, bucket_resource};
use crate::aws::Classify;
use crate::snapshot::{PublicAccessBlock, Snapshot};
use aws_sdk_s3::types::PublicAccessBlockConfiguration;

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, schemars::JsonSchema)]
#[schemars(inline)]
pub struct PutPublicAccessBlock {
    pub bucket: String,
    pub config: PublicAccessBlock,
}

impl Kind for PutPublicAccessBlock {
    const NAME: &'static str = "put_public_access_block";
    const RANK: u8 = 5;
    const CHANGE: Change = Change::Update;
    const IN_APPLY: bool = true;
    const IN_UNDO: bool = true;
    const CALLS: &'static [&'static str] = &[
        "s3:GetBucketPublicAccessBlock",
        "s3:PutBucketPublicAccessBlock",
    ];
    type Prior = PublicAccessBlock;

    fn reverse(&self, past: &Past<'_, Self::Prior>) -> Option<Reversal> {
        let bucket = &self.bucket;
        if past.prior.is_none() {
            return Reversal::remove(
                DeletePublicAccessBlock {
                    bucket: bucket.clone(),
                },
                format!("remove the Public Access Block of {bucket}: it had none before"),
            );
        }
        pab_back(bucket, past)
    }

    fn touches(&self, _region: &str) -> Option<String> {
        Some(bucket_resource(&self.bucket))
    }

    fn simulate(&self, s: &mut Snapshot, _region: &str, _target: &str) {
        let PutPublicAccessBlock { bucket, config } = self;
        if let Some(b) = s.buckets.get_mut(bucket) {
            b.public_access_block = Some(config.clone());
        }
    }
}

impl PutPublicAccessBlock {
    /// Reads the live value, journals it, writes, reads back.
    pub(crate) async fn run(&self, cx: &Ctx<'_>) -> Result<Done, Fail> {
        let PutPublicAccessBlock { bucket, config } = self;
        put_public_access_block(cx, bucket, config).await
    }
}

async fn put_public_access_block(
    cx: &Ctx<'_>,
    bucket: &str,
    config: &PublicAccessBlock,
) -> Result<Done, Fail> {
    let prior = get_pab(cx, bucket)
        .await
        .map_err(|e| Fail::reading("Public Access Block", e))?;
    cx.before(serde_json::to_value(&prior).unwrap_or_default())?;
    cx.aws
        .s3(cx.region())
        .put_public_access_block()
        .bucket(bucket)
        .set_expected_bucket_owner(cx.bucket_owner())
        .public_access_block_configuration(
            PublicAccessBlockConfiguration::builder()
                .block_public_acls(config.block_public_acls)
                .ignore_public_acls(config.ignore_public_acls)
                .block_public_policy(config.block_public_policy)
                .restrict_public_buckets(config.restrict_public_buckets)
                .build(),
        )
        .send()
        .await
        .aws()?;
    let now = get_pab(cx, bucket).await?;
    let result = serde_json::to_value(&now).unwrap_or_default();
    if now.as_ref() != Some(config) {
        return Err(Fail::mismatch(
            format!("the Public Access Block of {bucket} reads back as {result}"),
            result,
        ));
    }
    Ok(Done::new(
        format!("put the Public Access Block on {bucket}"),
        result,
    ))
}
