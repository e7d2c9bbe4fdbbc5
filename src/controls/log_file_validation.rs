//! CloudTrail log file validation is enabled.
//!
//! Passes: every trail has LogFileValidationEnabled=true, judged once in its
//!         home region (shadow copies of multi-region trails are folded).
//! Skips:  an organization trail of another account (seen from a member
//!         account) is judged as it reads here; when it fails, it is
//!         `manual`: it is fixed in the management account, never from here.
//! Fix:    UpdateTrail EnableLogFileValidation=true in the trail's home region.
//! Safety: safe — adds digest files next to the logs, changes no access.

use serde_json::json;

use super::shared::trail_out_of_reach;
use super::{Check, Control};
use crate::actions::UpdateTrail;
use crate::finding::{Finding, Status};
use crate::plan::builder::{Draft, Planner, trail_settings};
use crate::plan::{Op, Safety};
use crate::settings::FileSettings;
use crate::snapshot::Snapshot;

pub const CHECK: Check = Check {
    key: "log-file-validation",
    fix: "UpdateTrail: log file validation on",
    detect,
    plan,
    resource_security_hub: None,
};

fn detect(snap: &Snapshot, _s: &FileSettings, c: &Control) -> Vec<Finding> {
    let id = c.id;
    snap.trails
        .values()
        .map(|t| {
            trail_out_of_reach(snap, id, t).unwrap_or_else(|| {
                if t.log_file_validation {
                    Finding::new(
                        id,
                        &t.home_region,
                        &t.arn,
                        Status::Pass,
                        "LogFileValidationEnabled=true",
                    )
                } else {
                    Finding::new(
                        id,
                        &t.home_region,
                        &t.arn,
                        Status::Fail,
                        "LogFileValidationEnabled=false",
                    )
                }
            })
        })
        .collect()
}

fn plan(p: &mut Planner, id: &str, findings: &[Finding]) {
    for f in findings {
        let Some(t) = p.snap.trails.get(&f.resource).cloned() else {
            continue;
        };
        let mut after = trail_settings(&t);
        after["LogFileValidationEnabled"] = json!(true);
        p.add(
            id,
            &[f.id()],
            Draft {
                op: Op::UpdateTrail(UpdateTrail {
                    is_organization: None,
                    name: t.name.clone(),
                    is_multi_region: None,
                    include_global_service_events: None,
                    log_file_validation: Some(true),
                    kms_key_id: None,
                    cloudwatch_log_group_arn: None,
                    cloudwatch_role_arn: None,
                }),
                region: t.home_region.clone(),
                target: t.arn.clone(),
                before: trail_settings(&t),
                after,
                reason: "turn on log file validation".into(),
                safety: Safety::Safe,
                depends_on: vec![],
                observes: vec![format!("trails/{}", t.arn)],
            },
        );
    }
}
