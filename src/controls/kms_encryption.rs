//! CloudTrail logs are encrypted at rest using KMS CMKs.
//!
//! Passes: every trail has KmsKeyId set.
//! Skips:  an organization trail of another account (seen from a member
//!         account) is judged as it reads here; when it fails, it is
//!         `manual`: it is fixed in the management account, never from here.
//! Fix:    the tool's key (alias from settings) in the trail bucket's region:
//!         reused when the alias exists, its policy merged with the
//!         CloudTrail statements (GenerateDataKey* conditioned on the trail's
//!         encryption context and aws:SourceArn, DescribeKey); else a new
//!         symmetric key with rotation on. Then UpdateTrail KmsKeyId. A key
//!         behind the alias that is not Enabled (disabled, pending deletion)
//!         is reported, never used.
//! Safety: needs review — whoever reads the logs now also needs kms:Decrypt.

use serde_json::json;

use super::shared::{bucket_region, ensure_trail_key, trail_out_of_reach};
use super::{Check, Control};
use crate::actions::UpdateTrail;
use crate::finding::{Finding, Status};
use crate::plan::builder::{Draft, Planner, trail_settings};
use crate::plan::{Op, Safety};
use crate::settings::FileSettings;
use crate::snapshot::Snapshot;

pub const CHECK: Check = Check {
    key: "kms-encryption",
    fix: "reuse or create a KMS key with the CloudTrail statements; UpdateTrail",
    detect,
    plan,
    resource_security_hub: None,
};

fn detect(snap: &Snapshot, _s: &FileSettings, c: &Control) -> Vec<Finding> {
    let id = c.id;
    snap.trails
        .values()
        .map(|t| {
            trail_out_of_reach(snap, id, t).unwrap_or_else(|| match &t.kms_key_id {
                Some(k) => Finding::new(
                    id,
                    &t.home_region,
                    &t.arn,
                    Status::Pass,
                    format!("KmsKeyId={k}"),
                ),
                None => Finding::new(
                    id,
                    &t.home_region,
                    &t.arn,
                    Status::Fail,
                    "KmsKeyId not set (logs use SSE-S3 only)",
                ),
            })
        })
        .collect()
}

fn plan(p: &mut Planner, id: &str, findings: &[Finding]) {
    for f in findings {
        let Some(t) = p.snap.trails.get(&f.resource).cloned() else {
            continue;
        };
        let fixes = [f.id()];
        // The key must be in the bucket's region: never guess it.
        if let Some(b) = t.s3_bucket.as_deref()
            && p.snap.buckets.get(b).is_none_or(|x| x.region.is_none())
        {
            p.cannot_fix(
                &f.id(),
                format!(
                    "the region of trail bucket {b} could not be read, and the key must be in it"
                ),
            );
            continue;
        }
        let region = t
            .s3_bucket
            .as_deref()
            .map(|b| bucket_region(p.snap, b, &t.home_region))
            .unwrap_or_else(|| t.home_region.clone());
        let (key, deps) = match ensure_trail_key(p, id, &fixes, &region, &t.arn) {
            Ok(k) => k,
            Err(why) => {
                p.cannot_fix(&f.id(), why);
                continue;
            }
        };
        let mut after = trail_settings(&t);
        after["KmsKeyId"] = json!(key);
        p.add(
            id,
            &fixes,
            Draft {
                op: Op::UpdateTrail(UpdateTrail {
                    is_organization: None,
                    name: t.name.clone(),
                    is_multi_region: None,
                    include_global_service_events: None,
                    log_file_validation: None,
                    kms_key_id: Some(key),
                    cloudwatch_log_group_arn: None,
                    cloudwatch_role_arn: None,
                }),
                region: t.home_region.clone(),
                target: t.arn.clone(),
                before: trail_settings(&t),
                after,
                reason:
                    "encrypt the trail's logs with a customer key (log readers need kms:Decrypt)"
                        .into(),
                safety: Safety::NeedsReview,
                depends_on: deps,
                observes: vec![format!("trails/{}", t.arn)],
            },
        );
    }
}
