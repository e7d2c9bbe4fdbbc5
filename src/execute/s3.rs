//! S3: buckets, their ACL, policy, Public Access Block and access logging.
//!
//! Priors: bucket `{"exists":true}` / null; ACL `{owner_id, owner_display_name,
//! grants}`; policy document / null; PAB `{block_public_acls, …}` / null;
//! logging `{target_bucket, target_prefix}` / null. Results have the same
//! shape (creates and deletes add `created` / `deleted`).

use aws_sdk_s3::types::{
    AccessControlPolicy, BucketLocationConstraint, BucketLoggingStatus, CreateBucketConfiguration,
    Grantee, LoggingEnabled, Owner, Permission, PublicAccessBlockConfiguration, Type,
};
use serde_json::{Value, json};

use super::ctx::{Ctx, Done, Fail};
use crate::aws::{AwsError, Classify};
use crate::snapshot::{Acl, BucketLogging, ErrorKind, Grant, PublicAccessBlock};

enum Presence {
    Absent,
    Owned,
}

/// Whether this account owns the bucket, from ListBuckets alone: no
/// HeadBucket, whose answer for another account's bucket (403, or 200 on
/// some endpoints) cannot tell "taken" from "denied". A name the account
/// does not own is then created, and `BucketAlreadyExists` says it is taken.
async fn presence(cx: &Ctx<'_>, bucket: &str) -> Result<Presence, AwsError> {
    match owned(cx, bucket).await? {
        Some(region) if !region.is_empty() && region != cx.region() => Err(AwsError {
            kind: ErrorKind::Other,
            code: "BucketInAnotherRegion".into(),
            message: format!("bucket {bucket} exists in {region}, not in {}", cx.region()),
        }),
        Some(_) => Ok(Presence::Owned),
        None => Ok(Presence::Absent),
    }
}

/// The region of `bucket` when ListBuckets (the caller's own buckets) lists
/// it (empty when the endpoint does not say), `None` when it does not.
async fn owned(cx: &Ctx<'_>, bucket: &str) -> Result<Option<String>, AwsError> {
    let s3 = cx.aws.s3(cx.region());
    let mut token: Option<String> = None;
    loop {
        let out = s3
            .list_buckets()
            .prefix(bucket)
            .set_continuation_token(token.clone())
            .send()
            .await
            .aws()?;
        if let Some(b) = out.buckets().iter().find(|b| b.name() == Some(bucket)) {
            return Ok(Some(b.bucket_region().unwrap_or_default().to_string()));
        }
        match out.continuation_token() {
            Some(t) if !t.is_empty() => token = Some(t.to_string()),
            _ => return Ok(None),
        }
    }
}

pub(super) async fn create_bucket(cx: &Ctx<'_>, bucket: &str) -> Result<Done, Fail> {
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

/// Deletes the bucket only when it is empty; a bucket with objects is kept.
pub(super) async fn delete_bucket(cx: &Ctx<'_>, bucket: &str) -> Result<Done, Fail> {
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
        Ok(Done::new(
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

// ---------------------------------------------------------------------------
// Public Access Block
// ---------------------------------------------------------------------------

async fn get_pab(cx: &Ctx<'_>, bucket: &str) -> Result<Option<PublicAccessBlock>, AwsError> {
    match cx
        .aws
        .s3(cx.region())
        .get_public_access_block()
        .bucket(bucket)
        .set_expected_bucket_owner(cx.bucket_owner())
        .send()
        .await
        .aws()
    {
        Ok(out) => Ok(out
            .public_access_block_configuration()
            .map(|c| PublicAccessBlock {
                block_public_acls: c.block_public_acls().unwrap_or(false),
                ignore_public_acls: c.ignore_public_acls().unwrap_or(false),
                block_public_policy: c.block_public_policy().unwrap_or(false),
                restrict_public_buckets: c.restrict_public_buckets().unwrap_or(false),
            })),
        Err(e) if e.code == "NoSuchPublicAccessBlockConfiguration" => Ok(None),
        Err(e) => Err(e),
    }
}

pub(super) async fn put_public_access_block(
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

pub(super) async fn delete_public_access_block(cx: &Ctx<'_>, bucket: &str) -> Result<Done, Fail> {
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

// ---------------------------------------------------------------------------
// ACL
// ---------------------------------------------------------------------------

async fn get_acl(cx: &Ctx<'_>, bucket: &str) -> Result<Acl, AwsError> {
    let out = cx
        .aws
        .s3(cx.region())
        .get_bucket_acl()
        .bucket(bucket)
        .set_expected_bucket_owner(cx.bucket_owner())
        .send()
        .await
        .aws()?;
    let owner = out.owner();
    Ok(Acl {
        owner_id: owner.and_then(|o| o.id()).unwrap_or_default().to_string(),
        owner_display_name: owner.and_then(|o| o.display_name()).map(str::to_string),
        grants: out
            .grants()
            .iter()
            .filter_map(|g| {
                let who = g.grantee()?;
                Some(Grant {
                    grantee_type: who.r#type().as_str().to_string(),
                    id: who.id().map(str::to_string),
                    uri: who.uri().map(str::to_string),
                    email: who.email_address().map(str::to_string),
                    display_name: who.display_name().map(str::to_string),
                    permission: g
                        .permission()
                        .map(|p| p.as_str())
                        .unwrap_or_default()
                        .to_string(),
                })
            })
            .collect(),
    })
}

/// A grant without its display name (S3 fills those in itself).
type GrantKey = (
    String,
    Option<String>,
    Option<String>,
    Option<String>,
    String,
);

/// Grants compared as a set, without display names.
fn grant_set(grants: &[Grant]) -> Vec<GrantKey> {
    let mut v: Vec<GrantKey> = grants
        .iter()
        .map(|g| {
            (
                g.grantee_type.clone(),
                g.id.clone(),
                g.uri.clone(),
                g.email.clone(),
                g.permission.clone(),
            )
        })
        .collect();
    v.sort();
    v.dedup();
    v
}

pub(super) async fn put_bucket_acl(
    cx: &Ctx<'_>,
    bucket: &str,
    owner_id: &str,
    owner_display_name: Option<&str>,
    grants: &[Grant],
) -> Result<Done, Fail> {
    let mut policy = AccessControlPolicy::builder().owner(
        Owner::builder()
            .id(owner_id)
            .set_display_name(owner_display_name.map(str::to_string))
            .build(),
    );
    for g in grants {
        let grantee = Grantee::builder()
            .r#type(Type::from(g.grantee_type.as_str()))
            .set_id(g.id.clone())
            .set_uri(g.uri.clone())
            .set_email_address(g.email.clone())
            .set_display_name(g.display_name.clone())
            .build()
            .map_err(|e| Fail::invalid(format!("bad grant {g:?}: {e}")))?;
        policy = policy.grants(
            aws_sdk_s3::types::Grant::builder()
                .grantee(grantee)
                .permission(Permission::from(g.permission.as_str()))
                .build(),
        );
    }
    let prior = get_acl(cx, bucket)
        .await
        .map_err(|e| Fail::reading("bucket ACL", e))?;
    cx.before(serde_json::to_value(&prior).unwrap_or_default())?;
    cx.aws
        .s3(cx.region())
        .put_bucket_acl()
        .bucket(bucket)
        .set_expected_bucket_owner(cx.bucket_owner())
        .access_control_policy(policy.build())
        .send()
        .await
        .aws()?;
    let now = get_acl(cx, bucket).await?;
    let result = serde_json::to_value(&now).unwrap_or_default();
    if now.owner_id != owner_id || grant_set(&now.grants) != grant_set(grants) {
        return Err(Fail::mismatch(
            format!("the ACL of {bucket} reads back as {result}"),
            result,
        ));
    }
    Ok(Done::new(
        format!("rewrote the ACL of {bucket} with {} grant(s)", grants.len()),
        result,
    ))
}

// ---------------------------------------------------------------------------
// Policy
// ---------------------------------------------------------------------------

async fn get_policy(cx: &Ctx<'_>, bucket: &str) -> Result<Option<Value>, AwsError> {
    match cx
        .aws
        .s3(cx.region())
        .get_bucket_policy()
        .bucket(bucket)
        .set_expected_bucket_owner(cx.bucket_owner())
        .send()
        .await
        .aws()
    {
        Ok(out) => match out.policy() {
            None | Some("") => Ok(None),
            Some(text) => crate::policy::parse(text).map(Some).map_err(|m| AwsError {
                kind: ErrorKind::Other,
                code: "UnreadablePolicy".into(),
                message: format!("the policy of {bucket} is not JSON: {m}"),
            }),
        },
        Err(e) if e.code == "NoSuchBucketPolicy" => Ok(None),
        Err(e) => Err(e),
    }
}

pub(super) async fn put_bucket_policy(
    cx: &Ctx<'_>,
    bucket: &str,
    policy: &Value,
) -> Result<Done, Fail> {
    let text = serde_json::to_string(policy).map_err(|e| Fail::invalid(e.to_string()))?;
    let prior = get_policy(cx, bucket)
        .await
        .map_err(|e| Fail::reading("bucket policy", e))?;
    cx.before(prior.unwrap_or(Value::Null))?;
    let s3 = cx.aws.s3(cx.region());
    cx.retry("PutBucketPolicy", || {
        s3.put_bucket_policy()
            .bucket(bucket)
            .set_expected_bucket_owner(cx.bucket_owner())
            .policy(text.clone())
            .send()
    })
    .await?;
    let now = get_policy(cx, bucket).await?;
    let result = now.clone().unwrap_or(Value::Null);
    if !now.is_some_and(|p| crate::policy::equivalent(&p, policy)) {
        return Err(Fail::mismatch(
            format!("the policy of {bucket} reads back differently from what was put"),
            result,
        ));
    }
    Ok(Done::new(
        format!("put the bucket policy of {bucket}"),
        result,
    ))
}

pub(super) async fn delete_bucket_policy(cx: &Ctx<'_>, bucket: &str) -> Result<Done, Fail> {
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

// ---------------------------------------------------------------------------
// Access logging
// ---------------------------------------------------------------------------

async fn get_logging(cx: &Ctx<'_>, bucket: &str) -> Result<Option<BucketLogging>, AwsError> {
    let out = cx
        .aws
        .s3(cx.region())
        .get_bucket_logging()
        .bucket(bucket)
        .set_expected_bucket_owner(cx.bucket_owner())
        .send()
        .await
        .aws()?;
    Ok(out.logging_enabled().map(|l| BucketLogging {
        target_bucket: l.target_bucket().to_string(),
        target_prefix: l.target_prefix().to_string(),
    }))
}

/// `target` None turns access logging off.
pub(super) async fn put_bucket_logging(
    cx: &Ctx<'_>,
    bucket: &str,
    target: Option<(&String, &String)>,
) -> Result<Done, Fail> {
    let status = match target {
        Some((tb, tp)) => BucketLoggingStatus::builder()
            .logging_enabled(
                LoggingEnabled::builder()
                    .target_bucket(tb.as_str())
                    .target_prefix(tp.as_str())
                    .build()
                    .map_err(|e| Fail::invalid(e.to_string()))?,
            )
            .build(),
        None => BucketLoggingStatus::builder().build(),
    };
    let prior = get_logging(cx, bucket)
        .await
        .map_err(|e| Fail::reading("bucket logging", e))?;
    cx.before(serde_json::to_value(&prior).unwrap_or_default())?;
    cx.aws
        .s3(cx.region())
        .put_bucket_logging()
        .bucket(bucket)
        .set_expected_bucket_owner(cx.bucket_owner())
        .bucket_logging_status(status)
        .send()
        .await
        .aws()?;
    let now = get_logging(cx, bucket).await?;
    let result = serde_json::to_value(&now).unwrap_or_default();
    let want = target.map(|(tb, tp)| BucketLogging {
        target_bucket: tb.clone(),
        target_prefix: tp.clone(),
    });
    if now != want {
        return Err(Fail::mismatch(
            format!("the access logging of {bucket} reads back as {result}"),
            result,
        ));
    }
    Ok(Done::new(
        match &want {
            Some(w) => format!(
                "{bucket} now logs access to s3://{}/{}",
                w.target_bucket, w.target_prefix
            ),
            None => format!("turned access logging of {bucket} off"),
        },
        result,
    ))
}
