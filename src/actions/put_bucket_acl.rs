//! `put_bucket_acl`: rewrite a bucket's ACL without its public grants; undone
//! by putting back the old ACL.

use serde::{Deserialize, Serialize};

use super::ctx::{Ctx, Done, Fail};
use super::s3::*;
use super::{Change, Kind, Past, Reversal, bucket_resource};
use crate::aws::Classify;
use crate::snapshot::{Acl, Grant, Snapshot};
use aws_sdk_s3::types::{AccessControlPolicy, Grantee, Owner, Permission, Type};

/// Rewrite the ACL with exactly these grants (the public ones removed).
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, schemars::JsonSchema)]
#[schemars(inline)]
pub struct PutBucketAcl {
    pub bucket: String,
    pub owner_id: String,
    pub owner_display_name: Option<String>,
    pub grants: Vec<Grant>,
}

impl Kind for PutBucketAcl {
    const NAME: &'static str = "put_bucket_acl";
    const RANK: u8 = 3;
    const CHANGE: Change = Change::Update;
    const IN_APPLY: bool = true;
    const IN_UNDO: bool = true;
    const CALLS: &'static [&'static str] = &["s3:GetBucketAcl", "s3:PutBucketAcl"];
    type Prior = Acl;

    fn reverse(&self, past: &Past<'_, Self::Prior>) -> Option<Reversal> {
        let bucket = &self.bucket;
        let acl = past.prior.clone()?;
        Reversal::restore(
            PutBucketAcl {
                bucket: bucket.clone(),
                owner_id: acl.owner_id,
                owner_display_name: acl.owner_display_name,
                grants: acl.grants,
            },
            format!("put back the ACL {bucket} had before (its public grants included)"),
            past,
        )
    }

    fn touches(&self, _region: &str) -> Option<String> {
        Some(bucket_resource(&self.bucket))
    }

    fn simulate(&self, s: &mut Snapshot, _region: &str, _target: &str) {
        let PutBucketAcl { bucket, grants, .. } = self;
        if let Some(acl) = s.buckets.get_mut(bucket).and_then(|b| b.acl.as_mut()) {
            acl.grants = grants.clone();
        }
    }
}

impl PutBucketAcl {
    /// Reads the live value, journals it, writes, reads back.
    pub(crate) async fn run(&self, cx: &Ctx<'_>) -> Result<Done, Fail> {
        let PutBucketAcl {
            bucket,
            owner_id,
            owner_display_name,
            grants,
        } = self;
        put_bucket_acl(cx, bucket, owner_id, owner_display_name.as_deref(), grants).await
    }
}

async fn put_bucket_acl(
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
