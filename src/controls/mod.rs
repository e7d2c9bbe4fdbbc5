//! The nine controls, one file each, listed in [`REGISTRY`].
//!
//! Every control file has the same header (Passes / Skips / Fix / Safety)
//! and the same two functions: `detect` (snapshot → findings) and `plan`
//! (its failing findings → actions handed to the [`Planner`]).

use crate::finding::{Finding, Status};
use crate::plan::Action;
use crate::plan::builder::Planner;
use crate::settings::FileSettings;
use crate::snapshot::Snapshot;

pub mod c2_1_cloudtrail_all_regions;
pub mod c2_2_log_file_validation;
pub mod c2_3_trail_bucket_private;
pub mod c2_4_cloudwatch_logs;
pub mod c2_5_config_all_regions;
pub mod c2_6_bucket_access_logging;
pub mod c2_7_kms_encryption;
pub mod c2_8_key_rotation;
pub mod c2_9_vpc_flow_logs;
pub mod shared;

pub struct Control {
    pub id: &'static str,
    pub title: &'static str,
    pub detect: fn(&Snapshot, &FileSettings) -> Vec<Finding>,
    pub plan: fn(&mut Planner, &[Finding]),
}

/// All nine, in benchmark order. Planning runs in this order too: 2.1 may
/// create a trail that the later controls then find already compliant.
pub static REGISTRY: [Control; 9] = [
    c2_1_cloudtrail_all_regions::CONTROL,
    c2_2_log_file_validation::CONTROL,
    c2_3_trail_bucket_private::CONTROL,
    c2_4_cloudwatch_logs::CONTROL,
    c2_5_config_all_regions::CONTROL,
    c2_6_bucket_access_logging::CONTROL,
    c2_7_kms_encryption::CONTROL,
    c2_8_key_rotation::CONTROL,
    c2_9_vpc_flow_logs::CONTROL,
];

pub const IDS: [&str; 9] = [
    "2.1", "2.2", "2.3", "2.4", "2.5", "2.6", "2.7", "2.8", "2.9",
];

pub fn is_known(id: &str) -> bool {
    IDS.contains(&id)
}

pub fn get(id: &str) -> Option<&'static Control> {
    REGISTRY.iter().find(|c| c.id == id)
}

/// Controls to run: the selection (or all) minus the settings' skip list.
pub fn selected(selection: &[String], settings: &FileSettings) -> Vec<&'static Control> {
    REGISTRY
        .iter()
        .filter(|c| selection.is_empty() || selection.iter().any(|s| s == c.id))
        .filter(|c| !settings.skip_controls.iter().any(|s| s == c.id))
        .collect()
}

/// Findings of the given controls, exemptions applied, in a stable order.
pub fn detect(snap: &Snapshot, settings: &FileSettings, controls: &[&Control]) -> Vec<Finding> {
    let mut out = vec![];
    for c in controls {
        for mut f in (c.detect)(snap, settings) {
            if f.status == Status::Fail
                && let Some(e) = settings.is_exempt(&f.control, &f.resource)
            {
                f.status = Status::Skipped;
                f.reason = format!("exempted in settings: {} (was: {})", e.reason, f.reason);
            }
            if let Some(owner) = foreign_trail(snap, &f) {
                if f.status == Status::Fail {
                    f.status = Status::Manual;
                    f.reason = format!(
                        "{} (organization trail of account {owner}: fix it in the management account)",
                        f.reason
                    );
                } else if f.status == Status::Pass {
                    f.reason = format!("{} (organization trail of account {owner})", f.reason);
                }
            }
            out.push(f);
        }
    }
    out.sort_by(|a, b| {
        (control_order(&a.control), &a.region, &a.resource).cmp(&(
            control_order(&b.control),
            &b.region,
            &b.resource,
        ))
    });
    out
}

/// The owner of the trail a finding is about, when another account owns it.
fn foreign_trail<'a>(snap: &'a Snapshot, f: &Finding) -> Option<&'a str> {
    snap.trails
        .get(&f.resource)
        .map(|t| t.owner_account())
        .filter(|owner| *owner != snap.account_id)
}

fn control_order(id: &str) -> usize {
    IDS.iter().position(|c| *c == id).unwrap_or(usize::MAX)
}

/// The ordered actions that fix every failing finding. A failing finding
/// the plan cannot fix gets the reason appended to its own.
pub fn plan(
    snap: &Snapshot,
    settings: &FileSettings,
    controls: &[&Control],
    findings: &mut [Finding],
) -> Vec<Action> {
    let mut p = Planner::new(snap, settings);
    for c in controls {
        let failing: Vec<Finding> = findings
            .iter()
            .filter(|f| f.control == c.id && f.status == Status::Fail)
            .cloned()
            .collect();
        if !failing.is_empty() {
            (c.plan)(&mut p, &failing);
        }
    }
    for f in findings.iter_mut() {
        if let Some(why) = p.unfixed().get(&f.id()) {
            f.reason = format!("{}; not fixed automatically: {why}", f.reason);
        }
    }
    p.finish()
}

/// True when nothing needs fixing (pending counts as nothing to fix).
pub fn is_clean(findings: &[Finding]) -> bool {
    !findings.iter().any(|f| f.status == Status::Fail)
}
