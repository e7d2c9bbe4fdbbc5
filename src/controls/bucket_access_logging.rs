//! S3 bucket access logging is enabled on the CloudTrail bucket.
//!
//! Passes: the bucket of every trail has server access logging
//!         (GetBucketLogging returns LoggingEnabled).
//! Skips:  buckets of another account (manual: cannot be judged or fixed here).
//! Fix:    one access-log bucket per region (same region and account, private,
//!         no Object Lock / Requester Pays / KMS), whose merged policy lets
//!         logging.s3.amazonaws.com write under `s3-access-logs/` for the
//!         source buckets (aws:SourceArn + aws:SourceAccount), then
//!         PutBucketLogging on the trail bucket. Never logs a bucket to itself.
//! Safety: safe for the trail bucket; the new log bucket needs review.

use super::shared::{
    bucket_arn, bucket_out_of_reach, bucket_region, ensure_access_logging, trail_buckets,
};
use super::{Check, Control};
use crate::finding::{Finding, Status};
use crate::plan::builder::Planner;
use crate::settings::FileSettings;
use crate::snapshot::Snapshot;

pub const CHECK: Check = Check {
    key: "bucket-access-logging",
    fix: "access logging to a log bucket",
    detect,
    plan,
    resource_security_hub: None,
};

fn detect(snap: &Snapshot, _s: &FileSettings, c: &Control) -> Vec<Finding> {
    let id = c.id;
    trail_buckets(snap)
        .into_iter()
        .map(|(name, trails)| {
            let region = bucket_region(snap, &name, &trails[0].home_region);
            if let Some(f) = bucket_out_of_reach(snap, id, &name, &region) {
                return f;
            }
            let arn = bucket_arn(snap, &name);
            match &snap.buckets[&name].logging {
                Some(l) => Finding::new(
                    id,
                    &region,
                    arn,
                    Status::Pass,
                    format!("logs to {}/{}", l.target_bucket, l.target_prefix),
                ),
                None => Finding::new(
                    id,
                    &region,
                    arn,
                    Status::Fail,
                    "server access logging is off (no LoggingEnabled)",
                ),
            }
        })
        .collect()
}

fn plan(p: &mut Planner, id: &str, findings: &[Finding]) {
    for f in findings {
        let name = f
            .resource
            .rsplit(":::")
            .next()
            .unwrap_or_default()
            .to_string();
        if let Err(why) = ensure_access_logging(p, id, &[f.id()], &name, &f.region) {
            p.cannot_fix(&f.id(), why);
        }
    }
}
