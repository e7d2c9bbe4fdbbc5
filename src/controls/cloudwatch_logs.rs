//! CloudTrail trails are integrated with CloudWatch Logs.
//!
//! Passes: every trail has CloudWatchLogsLogGroupArn set and its last
//!         CloudWatch Logs delivery is within 24 hours of the scan.
//! Pending: the log group is set but no delivery has been reported yet (right
//!         after a fix): neither pass nor fail.
//! Fails:  no log group, a LatestCloudWatchLogsDeliveryError, or the last
//!         delivery is older than 24 hours (the role or group is broken:
//!         reported, no automatic fix).
//! Skips:  an organization trail of another account (seen from a member
//!         account) is judged as it reads here; when it fails, it is
//!         `manual`: it is fixed in the management account, never from here.
//! Fix:    a log group with retention, a role trusting cloudtrail.amazonaws.com
//!         (AWS's documented trust, no condition) allowed CreateLogStream and
//!         PutLogEvents on the trail's streams (and `o-<orgid>_*` for an
//!         organization trail), then UpdateTrail with the group ARN (`:*`)
//!         and the role ARN together.
//! Safety: needs review — creates a role and a billed log group.

use serde_json::json;

use super::shared::{ensure_cloudtrail_logs, trail_out_of_reach};
use super::{Check, Control};
use crate::actions::UpdateTrail;
use crate::finding::{Finding, Status};
use crate::plan::builder::{Draft, Planner, trail_settings};
use crate::plan::{Op, Safety};
use crate::settings::FileSettings;
use crate::snapshot::Snapshot;

pub const CHECK: Check = Check {
    key: "cloudwatch-logs",
    fix: "log group, role and UpdateTrail to CloudWatch Logs",
    detect,
    plan,
    resource_security_hub: None,
};

const DAY: i64 = 24 * 3600;

fn detect(snap: &Snapshot, _s: &FileSettings, c: &Control) -> Vec<Finding> {
    let id = c.id;
    snap.trails
        .values()
        .map(|t| {
            if let Some(f) = trail_out_of_reach(snap, id, t) {
                return f;
            }
            let f = |status, why: String| Finding::new(id, &t.home_region, &t.arn, status, why);
            if let (Some(_), Some(e)) = (&t.cloudwatch_log_group_arn, &t.latest_cloudwatch_delivery_error) {
                return f(Status::Fail, format!("LatestCloudWatchLogsDeliveryError={e}: events are not reaching the log group (check the role's trust and policy and the log group)"));
            }
            match (&t.cloudwatch_log_group_arn, t.latest_cloudwatch_delivery) {
                (None, _) => f(Status::Fail, "CloudWatchLogsLogGroupArn not set".into()),
                (Some(_), None) => f(Status::Pending, "log group set; no delivery reported yet (expect one within minutes of the next API activity)".into()),
                (Some(_), Some(at)) if snap.collected_at - at <= DAY => f(Status::Pass, "delivered to CloudWatch Logs within 24 h".into()),
                (Some(_), Some(at)) => f(Status::Fail, format!("last CloudWatch Logs delivery {} h ago (check the role and log group)", (snap.collected_at - at) / 3600)),
            }
        })
        .collect()
}

fn plan(p: &mut Planner, id: &str, findings: &[Finding]) {
    for f in findings {
        let Some(t) = p.snap.trails.get(&f.resource).cloned() else {
            continue;
        };
        // A set but silent integration is not something to overwrite blindly.
        if t.cloudwatch_log_group_arn.is_some() {
            p.cannot_fix(
                &f.id(),
                "the trail already names a log group and role; repair them by hand rather than have them replaced",
            );
            continue;
        }
        let fixes = [f.id()];
        let (group, role, deps) =
            ensure_cloudtrail_logs(p, id, &fixes, &t.home_region, t.is_organization);
        let mut after = trail_settings(&t);
        after["CloudWatchLogsLogGroupArn"] = json!(group);
        after["CloudWatchLogsRoleArn"] = json!(role);
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
                    kms_key_id: None,
                    cloudwatch_log_group_arn: Some(group),
                    cloudwatch_role_arn: Some(role),
                }),
                region: t.home_region.clone(),
                target: t.arn.clone(),
                before: trail_settings(&t),
                after,
                reason: "send the trail's events to CloudWatch Logs".into(),
                safety: Safety::NeedsReview,
                depends_on: deps,
                observes: vec![format!("trails/{}", t.arn)],
            },
        );
    }
}
