//! CIS 2.7 — CloudTrail logs are encrypted at rest using KMS CMKs.
//!
//! Passes: every trail has KmsKeyId set.
//! Skips:  organization trails of another account (manual).
//! Fix:    the tool's key (alias from settings) in the trail bucket's region:
//!         reused when the alias exists, its policy merged with the
//!         CloudTrail statements (GenerateDataKey* conditioned on the trail's
//!         encryption context and aws:SourceArn, DescribeKey); else a new
//!         symmetric key with rotation on. Then UpdateTrail KmsKeyId.
//! Safety: needs review — whoever reads the logs now also needs kms:Decrypt.

use serde_json::json;

use super::Control;
use super::shared::{bucket_region, ensure_trail_key, trail_out_of_reach};
use crate::finding::{Finding, Status};
use crate::plan::builder::{Draft, Planner, trail_settings};
use crate::plan::{Op, Safety};
use crate::settings::FileSettings;
use crate::snapshot::Snapshot;

pub const CONTROL: Control = Control {
    id: "2.7",
    title: "CloudTrail logs are encrypted at rest using KMS CMKs",
    detect,
    plan,
};

fn detect(snap: &Snapshot, _s: &FileSettings) -> Vec<Finding> {
    snap.trails
        .values()
        .map(|t| {
            trail_out_of_reach(snap, "2.7", t).unwrap_or_else(|| match &t.kms_key_id {
                Some(k) => Finding::new(
                    "2.7",
                    &t.home_region,
                    &t.arn,
                    Status::Pass,
                    format!("KmsKeyId={k}"),
                ),
                None => Finding::new(
                    "2.7",
                    &t.home_region,
                    &t.arn,
                    Status::Fail,
                    "KmsKeyId not set (logs use SSE-S3 only)",
                ),
            })
        })
        .collect()
}

fn plan(p: &mut Planner, findings: &[Finding]) {
    for f in findings {
        let Some(t) = p.snap.trails.get(&f.resource).cloned() else {
            continue;
        };
        let fixes = [f.id()];
        let region = t
            .s3_bucket
            .as_deref()
            .map(|b| bucket_region(p.snap, b, &t.home_region))
            .unwrap_or_else(|| t.home_region.clone());
        let (key, deps) = ensure_trail_key(p, "2.7", &fixes, &region, &t.arn);
        let mut after = trail_settings(&t);
        after["KmsKeyId"] = json!(key);
        p.add(
            "2.7",
            &fixes,
            Draft {
                op: Op::UpdateTrail {
                    name: t.name.clone(),
                    is_multi_region: None,
                    include_global_service_events: None,
                    log_file_validation: None,
                    kms_key_id: Some(key),
                    cloudwatch_log_group_arn: None,
                    cloudwatch_role_arn: None,
                },
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
