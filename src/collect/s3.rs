//! S3 (global): ListBuckets once, then the buckets of interest, each read
//! with a client in the bucket's own region.

use std::collections::{BTreeMap, BTreeSet};

use aws_sdk_s3::operation::get_bucket_acl::GetBucketAclOutput;
use aws_sdk_s3::operation::get_bucket_logging::GetBucketLoggingOutput;
use aws_sdk_s3::operation::get_public_access_block::GetPublicAccessBlockOutput;
use aws_sdk_s3::types as s3t;

use super::Cx;
use crate::snapshot::{Acl, Bucket, BucketLogging, Grant, PublicAccessBlock, Service};

/// What ListBuckets said.
pub(super) struct Listing {
    /// Sorted bucket names.
    pub names: Vec<String>,
    /// `BucketRegion` when the listing carries it (fallback for GetBucketLocation).
    pub regions: BTreeMap<String, String>,
}

/// Region whose S3 endpoint answers account-wide calls (ListBuckets,
/// GetBucketLocation) for any bucket of the partition.
fn global_region(cx: &Cx<'_>) -> String {
    match cx.partition.as_str() {
        "aws" => "us-east-1".into(),
        "aws-cn" => "cn-north-1".into(),
        "aws-us-gov" => "us-gov-west-1".into(),
        _ => cx.aws.home_region(),
    }
}

/// `None` when ListBuckets failed (recorded with region `*`).
pub(super) async fn list_buckets(cx: &Cx<'_>) -> Option<Listing> {
    let client = cx.aws.s3(&global_region(cx));
    let mut names = Vec::new();
    let mut regions = BTreeMap::new();
    let mut token: Option<String> = None;
    loop {
        let out = cx
            .read(
                "*",
                Service::S3,
                "ListBuckets",
                None,
                client
                    .list_buckets()
                    .max_buckets(10000)
                    .set_continuation_token(token.clone())
                    .send(),
            )
            .await?;
        for b in out.buckets() {
            if let Some(name) = b.name() {
                names.push(name.to_string());
                if let Some(r) = b.bucket_region().filter(|r| !r.is_empty()) {
                    regions.insert(name.to_string(), r.to_string());
                }
            }
        }
        match out.continuation_token().filter(|t| !t.is_empty()) {
            Some(t) if Some(t) != token.as_deref() => token = Some(t.to_string()),
            _ => break,
        }
    }
    names.sort();
    names.dedup();
    Some(Listing { names, regions })
}

/// Read every bucket in `wanted`: owned ones fully, others as `owned: false`.
pub(super) async fn read_buckets(
    cx: &Cx<'_>,
    wanted: &BTreeSet<String>,
    listing: Option<&Listing>,
) -> BTreeMap<String, Bucket> {
    let Some(listing) = listing else {
        // Ownership unknown: the ListBuckets failure (region `*`) marks S3 unreadable.
        return BTreeMap::new();
    };
    let global = global_region(cx);
    let reads = wanted.iter().map(|name| {
        let global = &global;
        async move {
            if listing.names.binary_search(name).is_err() {
                return Bucket {
                    name: name.clone(),
                    owned: false,
                    region: foreign_region(cx, global, name).await,
                    ..Default::default()
                };
            }
            read_bucket(cx, global, name, listing.regions.get(name)).await
        }
    });
    futures::future::join_all(reads)
        .await
        .into_iter()
        .map(|b| (b.name.clone(), b))
        .collect()
}

/// The region of a bucket this account does not own (another account's
/// trail bucket): HeadBucket answers with `x-amz-bucket-region` even when it
/// refuses access (403), so the bucket's real region is known without any
/// permission on it. `None` when the bucket does not answer at all.
/// <https://docs.aws.amazon.com/AmazonS3/latest/API/API_HeadBucket.html>
async fn foreign_region(cx: &Cx<'_>, global: &str, name: &str) -> Option<String> {
    let _permit = cx.permit().await;
    match cx.aws.s3(global).head_bucket().bucket(name).send().await {
        Ok(out) => out.bucket_region().map(str::to_string),
        Err(e) => e
            .raw_response()
            .and_then(|r| r.headers().get("x-amz-bucket-region"))
            .map(str::to_string),
    }
    .filter(|r| !r.is_empty())
}

/// `LocationConstraint` to region: empty → us-east-1, `EU` → eu-west-1.
pub fn location_to_region(constraint: Option<&str>) -> String {
    match constraint.unwrap_or("") {
        "" => "us-east-1".into(),
        "EU" => "eu-west-1".into(),
        r => r.into(),
    }
}

async fn read_bucket(
    cx: &Cx<'_>,
    global: &str,
    name: &str,
    listed_region: Option<&String>,
) -> Bucket {
    let mut b = Bucket {
        name: name.to_string(),
        owned: true,
        ..Default::default()
    };
    let resource = format!("bucket {name}");
    let region = match cx
        .call(cx.aws.s3(global).get_bucket_location().bucket(name).send())
        .await
    {
        Ok(out) => location_to_region(out.location_constraint().map(|c| c.as_str())),
        Err(e) => match listed_region {
            Some(r) => r.clone(),
            None => {
                cx.record("*", Service::S3, "GetBucketLocation", Some(&resource), &e);
                return b;
            }
        },
    };
    b.region = Some(region.clone());
    let client = cx.aws.s3(&region);
    let r = region.as_str();
    let res = Some(resource.as_str());
    let (acl, policy, logging, pab, lock, payment, encryption) = tokio::join!(
        cx.call(client.get_bucket_acl().bucket(name).send()),
        cx.call(client.get_bucket_policy().bucket(name).send()),
        cx.call(client.get_bucket_logging().bucket(name).send()),
        cx.call(client.get_public_access_block().bucket(name).send()),
        cx.call(client.get_object_lock_configuration().bucket(name).send()),
        cx.call(client.get_bucket_request_payment().bucket(name).send()),
        cx.call(client.get_bucket_encryption().bucket(name).send()),
    );
    match acl {
        Ok(out) => b.acl = Some(acl_of(&out)),
        Err(e) => cx.record(r, Service::S3, "GetBucketAcl", res, &e),
    }
    match policy {
        Ok(out) => {
            if let Some(text) = out.policy().filter(|p| !p.trim().is_empty()) {
                match serde_json::from_str(text) {
                    Ok(v) => b.policy = Some(v),
                    Err(e) => cx.record_other(
                        r,
                        Service::S3,
                        "GetBucketPolicy",
                        format!("{resource}: policy is not JSON: {e}"),
                    ),
                }
            }
        }
        Err(e) if e.is("NoSuchBucketPolicy") => {}
        Err(e) => cx.record(r, Service::S3, "GetBucketPolicy", res, &e),
    }
    match logging {
        Ok(out) => b.logging = logging_of(&out),
        Err(e) => cx.record(r, Service::S3, "GetBucketLogging", res, &e),
    }
    match pab {
        Ok(out) => b.public_access_block = pab_of(&out),
        Err(e) if e.is("NoSuchPublicAccessBlockConfiguration") => {}
        Err(e) => cx.record(r, Service::S3, "GetPublicAccessBlock", res, &e),
    }
    match lock {
        Ok(out) => {
            b.object_lock = out
                .object_lock_configuration()
                .and_then(|c| c.object_lock_enabled())
                .is_some_and(|s| *s == s3t::ObjectLockEnabled::Enabled)
        }
        Err(e) if e.is("ObjectLockConfigurationNotFoundError") => {}
        Err(e) => cx.record(r, Service::S3, "GetObjectLockConfiguration", res, &e),
    }
    match payment {
        Ok(out) => b.requester_pays = out.payer() == Some(&s3t::Payer::Requester),
        // A success status whose body is not a RequestPaymentConfiguration:
        // the endpoint does not implement the call (moto answers it as
        // ListObjects). Requester Pays then cannot be on; not a read error.
        Err(e) if e.code == "HTTP200" => {
            tracing::debug!(
                bucket = name,
                "GetBucketRequestPayment not understood by the endpoint; assuming BucketOwner pays"
            );
        }
        Err(e) => cx.record(r, Service::S3, "GetBucketRequestPayment", res, &e),
    }
    match encryption {
        Ok(out) => {
            b.encryption = out
                .server_side_encryption_configuration()
                .and_then(|c| {
                    c.rules()
                        .iter()
                        .find_map(|rule| rule.apply_server_side_encryption_by_default())
                })
                .map(|d| d.sse_algorithm().as_str().to_string())
        }
        Err(e) if e.is("ServerSideEncryptionConfigurationNotFoundError") => {}
        Err(e) => cx.record(r, Service::S3, "GetBucketEncryption", res, &e),
    }
    b
}

/// A GetBucketAcl answer as snapshot data (grants sorted). The executor
/// reads ACLs with it too.
pub fn acl_of(out: &GetBucketAclOutput) -> Acl {
    let mut grants: Vec<Grant> = out.grants().iter().filter_map(grant).collect();
    grants.sort();
    Acl {
        owner_id: out
            .owner()
            .and_then(|o| o.id())
            .unwrap_or_default()
            .to_string(),
        owner_display_name: out
            .owner()
            .and_then(|o| o.display_name())
            .map(str::to_string),
        grants,
    }
}

/// A GetBucketLogging answer as snapshot data (`None`: logging is off).
pub fn logging_of(out: &GetBucketLoggingOutput) -> Option<BucketLogging> {
    out.logging_enabled().map(|l| BucketLogging {
        target_bucket: l.target_bucket().to_string(),
        target_prefix: l.target_prefix().to_string(),
    })
}

/// A GetPublicAccessBlock answer as snapshot data.
pub fn pab_of(out: &GetPublicAccessBlockOutput) -> Option<PublicAccessBlock> {
    out.public_access_block_configuration()
        .map(|c| PublicAccessBlock {
            block_public_acls: c.block_public_acls().unwrap_or(false),
            ignore_public_acls: c.ignore_public_acls().unwrap_or(false),
            block_public_policy: c.block_public_policy().unwrap_or(false),
            restrict_public_buckets: c.restrict_public_buckets().unwrap_or(false),
        })
}

fn grant(g: &s3t::Grant) -> Option<Grant> {
    let grantee = g.grantee()?;
    Some(Grant {
        grantee_type: grantee.r#type().as_str().to_string(),
        id: grantee.id().map(str::to_string),
        uri: grantee.uri().map(str::to_string),
        email: grantee.email_address().map(str::to_string),
        display_name: grantee.display_name().map(str::to_string),
        permission: g
            .permission()
            .map(|p| p.as_str().to_string())
            .unwrap_or_default(),
    })
}
