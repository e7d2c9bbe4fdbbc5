//! S3: buckets, their ACL, policy, Public Access Block and access logging.
//!
//! Priors: bucket `{"exists":true}` / null; ACL `{owner_id, owner_display_name,
//! grants}`; policy document / null; PAB `{block_public_acls, …}` / null;
//! logging `{target_bucket, target_prefix}` / null. Results have the same
//! shape (creates and deletes add `created` / `deleted`).

use aws_sdk_s3::types::{BucketLoggingStatus, LoggingEnabled};
use serde_json::Value;

use super::ctx::{Ctx, Done, Fail};
use super::{Past, PutBucketPolicy, PutPublicAccessBlock, Reversal, SetBucketLogging};
use crate::aws::{AwsError, Classify};
use crate::collect::{acl_of, logging_of, pab_of};
use crate::snapshot::{Acl, BucketLogging, ErrorKind, Grant, PublicAccessBlock};

pub(super) enum Presence {
    Absent,
    Owned,
}

/// Whether this account owns the bucket, from ListBuckets alone: no
/// HeadBucket, whose answer for another account's bucket (403, or 200 on
/// some endpoints) cannot tell "taken" from "denied". A name the account
/// does not own is then created, and `BucketAlreadyExists` says it is taken.
pub(super) async fn presence(cx: &Ctx<'_>, bucket: &str) -> Result<Presence, AwsError> {
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
pub(super) async fn owned(cx: &Ctx<'_>, bucket: &str) -> Result<Option<String>, AwsError> {
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

// ---------------------------------------------------------------------------
// Public Access Block
// ---------------------------------------------------------------------------

pub(super) async fn get_pab(
    cx: &Ctx<'_>,
    bucket: &str,
) -> Result<Option<PublicAccessBlock>, AwsError> {
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
        Ok(out) => Ok(pab_of(&out)),
        Err(e) if e.code == "NoSuchPublicAccessBlockConfiguration" => Ok(None),
        Err(e) => Err(e),
    }
}

// ---------------------------------------------------------------------------
// ACL
// ---------------------------------------------------------------------------

pub(super) async fn get_acl(cx: &Ctx<'_>, bucket: &str) -> Result<Acl, AwsError> {
    let out = cx
        .aws
        .s3(cx.region())
        .get_bucket_acl()
        .bucket(bucket)
        .set_expected_bucket_owner(cx.bucket_owner())
        .send()
        .await
        .aws()?;
    Ok(acl_of(&out))
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
pub(super) fn grant_set(grants: &[Grant]) -> Vec<GrantKey> {
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

// ---------------------------------------------------------------------------
// Policy
// ---------------------------------------------------------------------------

pub(super) async fn get_policy(cx: &Ctx<'_>, bucket: &str) -> Result<Option<Value>, AwsError> {
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

// ---------------------------------------------------------------------------
// Access logging
// ---------------------------------------------------------------------------

pub(super) async fn get_logging(
    cx: &Ctx<'_>,
    bucket: &str,
) -> Result<Option<BucketLogging>, AwsError> {
    let out = cx
        .aws
        .s3(cx.region())
        .get_bucket_logging()
        .bucket(bucket)
        .set_expected_bucket_owner(cx.bucket_owner())
        .send()
        .await
        .aws()?;
    Ok(logging_of(&out))
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
/// Undo back to the Public Access Block a bucket had (none: nothing).
pub(super) fn pab_back(bucket: &str, past: &Past<'_, PublicAccessBlock>) -> Option<Reversal> {
    let config = past.prior.clone()?;
    Reversal::restore(
        PutPublicAccessBlock {
            bucket: bucket.to_string(),
            config,
        },
        format!("put back the Public Access Block {bucket} had before"),
        past,
    )
}

/// Undo back to the bucket policy a bucket had (none: nothing): only the
/// statements `planned` (what the undone op set out to write) changed.
pub(super) fn policy_back(
    bucket: &str,
    past: &Past<'_, Value>,
    planned: &Value,
) -> Option<Reversal> {
    let policy = past.prior.clone()?;
    Reversal::policy(
        PutBucketPolicy {
            bucket: bucket.to_string(),
            policy,
        },
        format!("put back the bucket policy {bucket} had before (apply's statements only)"),
        past,
        planned,
    )
}

/// Writes a bucket's policy: `planned` (null: delete it), or for undo the
/// live policy with apply's statements reverted ([`Ctx::policy_to_write`]).
/// Reads the live value, journals it, writes, reads back.
pub(super) async fn write_policy(
    cx: &Ctx<'_>,
    bucket: &str,
    planned: &Value,
) -> Result<Done, Fail> {
    let prior = get_policy(cx, bucket)
        .await
        .map_err(|e| Fail::reading("bucket policy", e))?;
    let w = cx.policy_to_write(prior.as_ref(), planned);
    let text = w
        .doc
        .as_ref()
        .map(serde_json::to_string)
        .transpose()
        .map_err(|e| Fail::invalid(e.to_string()))?;
    cx.before(prior.clone().unwrap_or(Value::Null))?;
    let s3 = cx.aws.s3(cx.region());
    let same = match (&prior, &w.doc) {
        (Some(a), Some(b)) => crate::policy::equivalent(a, b),
        (None, None) => true,
        _ => false,
    };
    // Undo writes nothing when there is nothing to revert; apply always puts.
    let same = same && (!cx.action.guard.is_none() || w.doc.is_none());
    match &text {
        _ if same => {}
        Some(text) => {
            cx.retry("PutBucketPolicy", || {
                s3.put_bucket_policy()
                    .bucket(bucket)
                    .set_expected_bucket_owner(cx.bucket_owner())
                    .policy(text.clone())
                    .send()
            })
            .await?;
        }
        None => {
            s3.delete_bucket_policy()
                .bucket(bucket)
                .set_expected_bucket_owner(cx.bucket_owner())
                .send()
                .await
                .aws()?;
        }
    }
    let now = get_policy(cx, bucket).await?;
    let result = now.clone().unwrap_or(Value::Null);
    let matches = match (&now, &w.doc) {
        (Some(a), Some(b)) => crate::policy::equivalent(a, b),
        (None, None) => true,
        _ => false,
    };
    if !matches {
        return Err(Fail::mismatch(
            format!("the policy of {bucket} reads back differently from what was put"),
            result,
        ));
    }
    let detail = match (&w.doc, same, prior.is_some()) {
        (None, true, false) => format!("{bucket} already has no bucket policy"),
        (None, _, _) => format!("deleted the bucket policy of {bucket}"),
        (Some(_), true, _) => format!("nothing to revert in the bucket policy of {bucket}"),
        (Some(_), false, _) => format!("put the bucket policy of {bucket}"),
    };
    Ok(w.done(detail, result))
}

/// Undo back to the access logging a bucket had (none: nothing).
pub(super) fn logging_back(bucket: &str, past: &Past<'_, BucketLogging>) -> Option<Reversal> {
    let l = past.prior.clone()?;
    Reversal::restore(
        SetBucketLogging {
            bucket: bucket.to_string(),
            logging: Some(l),
        },
        format!("put back the access logging {bucket} had before"),
        past,
    )
}
