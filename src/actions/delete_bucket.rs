//! `delete_bucket`: delete a bucket this run made, only when empty (undo);
//! final.

use serde::{Deserialize, Serialize};

use super::ctx::{Ctx, Done, Fail};
use super::s3::*;
use super::{Change, Kind, Left, Past, Reversal};
use crate::aws::Classify;
use crate::snapshot::ErrorKind;
use serde_json::{Value, json};

/// Only an empty bucket is deleted; one that holds objects is kept.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, schemars::JsonSchema)]
#[schemars(inline)]
pub struct DeleteBucket {
    pub bucket: String,
}

impl Kind for DeleteBucket {
    const NAME: &'static str = "delete_bucket";
    const RANK: u8 = 33;
    const CHANGE: Change = Change::Delete;
    const IN_APPLY: bool = false;
    const IN_UNDO: bool = true;
    const CALLS: &'static [&'static str] =
        &["s3:ListAllMyBuckets", "s3:ListBucket", "s3:DeleteBucket"];
    type Prior = Value;

    fn reverse(&self, _past: &Past<'_, Self::Prior>) -> Option<Reversal> {
        // A deletion cannot be undone by recreating: nothing to plan.
        None
    }
}

impl DeleteBucket {
    /// Reads the live value, journals it, writes, reads back.
    pub(crate) async fn run(&self, cx: &Ctx<'_>) -> Result<Done, Fail> {
        let DeleteBucket { bucket } = self;
        delete_bucket(cx, bucket).await
    }
}

/// Deletes the bucket only when it is empty; a bucket with objects is kept.
async fn delete_bucket(cx: &Ctx<'_>, bucket: &str) -> Result<Done, Fail> {
    let s3 = cx.aws.s3(cx.region());
    match presence(cx, bucket)
        .await
        .map_err(|e| Fail::reading("bucket", e))?
    {
        Presence::Absent => {
            cx.before(Value::Null)?;
            return Ok(Done::new(
                format!("bucket {bucket} is already gone"),
                json!({"deleted": false}),
            ));
        }
        Presence::Owned => {}
    }
    let listing = s3
        .list_objects_v2()
        .bucket(bucket)
        .max_keys(1)
        .set_expected_bucket_owner(cx.bucket_owner())
        .send()
        .await
        .aws()
        .map_err(|e| Fail::reading("bucket contents", e))?;
    let empty = listing.contents().is_empty() && listing.key_count().unwrap_or(0) == 0;
    cx.before(json!({"exists": true, "empty": empty}))?;
    let kept = |why: &str| {
        Ok(Done::left(
            Left::HoldsData,
            format!(
                "kept bucket {bucket}: {why}; delete it by hand when its logs are no longer needed"
            ),
            json!({"deleted": false, "kept": why}),
        ))
    };
    if !empty {
        return kept("it is not empty");
    }
    match s3
        .delete_bucket()
        .bucket(bucket)
        .set_expected_bucket_owner(cx.bucket_owner())
        .send()
        .await
        .aws()
    {
        Ok(_) => {}
        Err(e) if e.code == "BucketNotEmpty" => return kept("it is not empty (object versions)"),
        Err(e) if e.kind == ErrorKind::NotFound => {}
        Err(e) => return Err(e.into()),
    }
    match presence(cx, bucket).await {
        Ok(Presence::Absent) => Ok(Done::new(
            format!("deleted empty bucket {bucket}"),
            json!({"deleted": true}),
        )),
        Ok(Presence::Owned) => Err(Fail::mismatch(
            format!("bucket {bucket} still exists after DeleteBucket"),
            json!({"exists": true}),
        )),
        Err(e) => Err(e.into()),
    }
}
