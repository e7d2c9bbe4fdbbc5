//! `create_bucket`: make a bucket (get-or-create); undone by deleting it when
//! empty.

use crate::cost::PriceKey;
use serde::{Deserialize, Serialize};

use super::DeleteBucket;
use super::ctx::{Ctx, Done, Fail};
use super::s3::*;
use super::{Change, Kind, Past, Reversal, bucket_resource};
use crate::aws::Classify;
use crate::snapshot::{Acl, Bucket, Snapshot};
use aws_sdk_s3::types::{BucketLocationConstraint, CreateBucketConfiguration};
use serde_json::{Value, json};

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, schemars::JsonSchema)]
#[schemars(inline)]
pub struct CreateBucket {
    pub bucket: String,
}

impl Kind for CreateBucket {
    const NAME: &'static str = "create_bucket";
    const RANK: u8 = 2;
    const CHANGE: Change = Change::Create;
    const IN_APPLY: bool = true;
    const IN_UNDO: bool = false;
    const CALLS: &'static [&'static str] = &["s3:ListAllMyBuckets", "s3:CreateBucket"];
    type Prior = Value;

    fn prices(&self) -> Vec<PriceKey> {
        vec![PriceKey::S3Storage]
    }

    fn reverse(&self, past: &Past<'_, Self::Prior>) -> Option<Reversal> {
        let bucket = &self.bucket;
        Reversal::remove_created(
            past,
            DeleteBucket {
                bucket: bucket.clone(),
            },
            format!("delete bucket {bucket}, which this run created (kept if it holds objects)"),
        )
    }

    fn creates(&self, _region: &str, _result: Option<&Value>) -> Vec<String> {
        vec![bucket_resource(&self.bucket)]
    }

    fn simulate(&self, s: &mut Snapshot, region: &str, _target: &str) {
        let CreateBucket { bucket } = self;
        if !s.owned_buckets.contains(bucket) {
            s.owned_buckets.push(bucket.clone());
            s.owned_buckets.sort();
        }
        s.buckets.entry(bucket.clone()).or_insert_with(|| Bucket {
            name: bucket.clone(),
            region: Some(region.to_string()),
            owned: true,
            acl: Some(Acl {
                owner_id: "owner".into(),
                ..Default::default()
            }),
            ..Default::default()
        });
    }
}

impl CreateBucket {
    /// Reads the live value, journals it, writes, reads back.
    pub(crate) async fn run(&self, cx: &Ctx<'_>) -> Result<Done, Fail> {
        let CreateBucket { bucket } = self;
        create_bucket(cx, bucket).await
    }
}

async fn create_bucket(cx: &Ctx<'_>, bucket: &str) -> Result<Done, Fail> {
    let region = cx.region();
    match presence(cx, bucket).await {
        Ok(Presence::Owned) => {
            cx.before(json!({"exists": true}))?;
            return Ok(Done::new(
                format!("bucket {bucket} already exists; left unchanged"),
                json!({"bucket": bucket, "region": region, "created": false}),
            ));
        }
        Ok(Presence::Absent) => {}
        Err(e) if e.code == "BucketAlreadyExists" || e.code == "BucketInAnotherRegion" => {
            return Err(e.into());
        }
        Err(e) => return Err(Fail::reading("bucket", e)),
    }
    cx.before(Value::Null)?;
    let mut req = cx.aws.s3(region).create_bucket().bucket(bucket);
    // us-east-1 takes no LocationConstraint (AWS rejects "us-east-1").
    if region != "us-east-1" {
        req = req.create_bucket_configuration(
            CreateBucketConfiguration::builder()
                .location_constraint(BucketLocationConstraint::from(region))
                .build(),
        );
    }
    let created = match req.send().await.aws() {
        Ok(_) => true,
        Err(e) if e.code == "BucketAlreadyOwnedByYou" => false,
        Err(e) if e.code == "BucketAlreadyExists" => {
            return Err(Fail::new(
                "BucketAlreadyExists",
                format!(
                    "the bucket name {bucket} is taken by another account (bucket names are \
                     global): choose another name"
                ),
            ));
        }
        Err(e) => return Err(e.into()),
    };
    let result = json!({"bucket": bucket, "region": region, "created": created});
    match presence(cx, bucket).await {
        Ok(Presence::Owned) => Ok(Done::new(
            if created {
                format!("created bucket {bucket} in {region}")
            } else {
                format!("bucket {bucket} already exists; left unchanged")
            },
            result,
        )),
        Ok(Presence::Absent) => Err(Fail::mismatch(
            format!("bucket {bucket} was created but cannot be found"),
            result,
        )),
        Err(e) => Err(Fail::from(e).with(result)),
    }
}
