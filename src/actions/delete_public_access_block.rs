//! `delete_public_access_block`: remove a bucket's Public Access Block (undo);
//! undone by putting it back.

use serde::{Deserialize, Serialize};

use super::ctx::{Ctx, Done, Fail};
use super::s3::*;
use super::{Change, Kind, Past, Reversal};
use crate::aws::Classify;
use crate::snapshot::PublicAccessBlock;
use serde_json::Value;

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, schemars::JsonSchema)]
#[schemars(inline)]
pub struct DeletePublicAccessBlock {
    pub bucket: String,
}

impl Kind for DeletePublicAccessBlock {
    const NAME: &'static str = "delete_public_access_block";
    const RANK: u8 = 31;
    const CHANGE: Change = Change::Delete;
    const IN_APPLY: bool = false;
    const IN_UNDO: bool = true;
    // DeletePublicAccessBlock is authorized by s3:PutBucketPublicAccessBlock.
    const CALLS: &'static [&'static str] = &[
        "s3:GetBucketPublicAccessBlock",
        "s3:PutBucketPublicAccessBlock",
    ];
    type Prior = PublicAccessBlock;

    fn reverse(&self, past: &Past<'_, Self::Prior>) -> Option<Reversal> {
        pab_back(&self.bucket, past)
    }
}

impl DeletePublicAccessBlock {
    /// Reads the live value, journals it, writes, reads back.
    pub(crate) async fn run(&self, cx: &Ctx<'_>) -> Result<Done, Fail> {
        let DeletePublicAccessBlock { bucket } = self;
        delete_public_access_block(cx, bucket).await
    }
}

async fn delete_public_access_block(cx: &Ctx<'_>, bucket: &str) -> Result<Done, Fail> {
    let prior = get_pab(cx, bucket)
        .await
        .map_err(|e| Fail::reading("Public Access Block", e))?;
    cx.before(serde_json::to_value(&prior).unwrap_or_default())?;
    if prior.is_some() {
        cx.aws
            .s3(cx.region())
            .delete_public_access_block()
            .bucket(bucket)
            .set_expected_bucket_owner(cx.bucket_owner())
            .send()
            .await
            .aws()?;
    }
    match get_pab(cx, bucket).await? {
        None => Ok(Done::new(
            format!("removed the Public Access Block of {bucket}"),
            Value::Null,
        )),
        Some(p) => {
            let v = serde_json::to_value(p).unwrap_or_default();
            Err(Fail::mismatch(
                format!("{bucket} still has a Public Access Block"),
                v,
            ))
        }
    }
}
