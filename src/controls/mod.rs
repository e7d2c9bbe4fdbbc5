//! The controls: one check per file, and [`REGISTRY`], which maps each
//! control id of a benchmark (with its title, level and Security Hub id) to
//! the check that does it, so a check is written once whatever its number.
//!
//! Every check file has the same header (Passes / Skips / Fix / Safety)
//! and the same two functions: `detect` (snapshot → findings, under the
//! control id it is given) and `plan` (its failing findings → actions
//! handed to the [`Planner`]).

use crate::finding::{Finding, Status};
use crate::plan::Action;
use crate::plan::builder::Planner;
use crate::settings::FileSettings;
use crate::snapshot::Snapshot;

pub mod bucket_access_logging;
pub mod cloudtrail_all_regions;
pub mod cloudwatch_logs;
pub mod config_all_regions;
pub mod key_rotation;
pub mod kms_encryption;
pub mod log_file_validation;
pub mod shared;
pub mod trail_bucket_private;
pub mod vpc_flow_logs;

/// A version of a benchmark whose controls this tool checks.
#[derive(Debug, PartialEq, Eq)]
pub struct Benchmark {
    /// The name used on the command line and in settings: `cis-1.2`.
    pub key: &'static str,
    pub name: &'static str,
    pub version: &'static str,
}

pub const CIS_1_2: Benchmark = Benchmark {
    key: "cis-1.2",
    name: "CIS Amazon Web Services Foundations Benchmark",
    version: "1.2.0",
};

/// A check, written once: what it detects and how it plans a fix, for
/// whichever control id a benchmark gives it (passed as `id`).
pub struct Check {
    /// Stable name of the check, independent of any benchmark numbering.
    pub key: &'static str,
    pub detect: fn(&Snapshot, &FileSettings, &str) -> Vec<Finding>,
    pub plan: fn(&mut Planner, &str, &[Finding]),
}

/// A control as a benchmark version states it, mapped to the check that
/// does it. The identity is data; the check files hold no control ids.
pub struct Control {
    pub benchmark: &'static Benchmark,
    pub id: &'static str,
    pub title: &'static str,
    /// CIS profile level (1 or 2).
    pub level: u8,
    /// Scored / Automated (true) or Not Scored / Manual (false).
    pub automated: bool,
    /// The AWS Security Hub control that checks the same thing.
    pub security_hub: Option<&'static str>,
    pub check: &'static Check,
}

impl Control {
    pub fn detect(&self, snap: &Snapshot, settings: &FileSettings) -> Vec<Finding> {
        (self.check.detect)(snap, settings, self.id)
    }
}

/// CIS AWS Foundations v1.2, section 2 (Logging), in benchmark order.
/// Planning runs in this order too: 2.1 may create a trail that the later
/// controls then find already compliant. Levels: the benchmark's text;
/// Security Hub ids: its "CIS AWS Foundations Benchmark v1.2.0" standard.
#[rustfmt::skip]
pub static REGISTRY: [Control; 9] = [
    control("2.1", "CloudTrail is enabled in all regions", 1, "CloudTrail.1", &cloudtrail_all_regions::CHECK),
    control("2.2", "CloudTrail log file validation is enabled", 2, "CloudTrail.4", &log_file_validation::CHECK),
    control("2.3", "The CloudTrail S3 bucket is not publicly accessible", 1, "CloudTrail.6", &trail_bucket_private::CHECK),
    control("2.4", "CloudTrail trails are integrated with CloudWatch Logs", 1, "CloudTrail.5", &cloudwatch_logs::CHECK),
    control("2.5", "AWS Config is enabled in all regions", 1, "Config.1", &config_all_regions::CHECK),
    control("2.6", "S3 bucket access logging is enabled on the CloudTrail bucket", 1, "CloudTrail.7", &bucket_access_logging::CHECK),
    control("2.7", "CloudTrail logs are encrypted at rest using KMS CMKs", 2, "CloudTrail.2", &kms_encryption::CHECK),
    control("2.8", "Rotation is enabled for customer-created KMS keys", 2, "KMS.4", &key_rotation::CHECK),
    control("2.9", "VPC flow logging is enabled in all VPCs", 2, "EC2.6", &vpc_flow_logs::CHECK),
];

const fn control(
    id: &'static str,
    title: &'static str,
    level: u8,
    security_hub: &'static str,
    check: &'static Check,
) -> Control {
    Control {
        benchmark: &CIS_1_2,
        id,
        title,
        level,
        automated: true,
        security_hub: Some(security_hub),
        check,
    }
}

/// The control ids of the registry, in benchmark order.
pub fn ids() -> Vec<&'static str> {
    REGISTRY.iter().map(|c| c.id).collect()
}

pub fn is_known(id: &str) -> bool {
    REGISTRY.iter().any(|c| c.id == id)
}

/// Parse `remediate.toml` and check the control ids it names against the
/// registry (the settings themselves know no control).
pub fn parse_settings(text: &str) -> Result<FileSettings, String> {
    let s = FileSettings::parse(text)?;
    s.check_controls(text, is_known, &ids().join(", "))?;
    Ok(s)
}

/// [`parse_settings`] of a file; the error names the file.
pub fn load_settings(path: &std::path::Path) -> anyhow::Result<FileSettings> {
    let text = std::fs::read_to_string(path)
        .map_err(|e| anyhow::anyhow!("cannot read config {}: {e}", path.display()))?;
    parse_settings(&text).map_err(|e| anyhow::anyhow!("{}: {e}", path.display()))
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
        for mut f in c.detect(snap, settings) {
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
    REGISTRY
        .iter()
        .position(|c| c.id == id)
        .unwrap_or(usize::MAX)
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
            (c.check.plan)(&mut p, c.id, &failing);
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
