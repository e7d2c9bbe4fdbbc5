//! The controls: one check per file, and the benchmarks of [`registry`],
//! which map each control id of a benchmark version (with its title, level,
//! automated/manual status and Security Hub id) to the check that does it,
//! so a check is written once whatever its number.
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
pub mod registry;
pub mod s3_object_logging;
pub mod shared;
pub mod trail_bucket_private;
pub mod vpc_flow_logs;
pub mod web_access_logging;

/// A version of a benchmark: its controls, in its order, each mapped to the
/// check that does it. Planning runs in this order too: the CloudTrail
/// check may create a trail that the later controls then find compliant.
#[derive(Debug)]
pub struct Benchmark {
    /// The name used on the command line and in settings: `cis-1.2`.
    pub key: &'static str,
    pub name: &'static str,
    /// As the benchmark document states it: `1.2.0`.
    pub version: &'static str,
    /// `(major, minor)`, for the checks whose audit text changed.
    pub edition: (u8, u8),
    /// The Logging section's number and name in this version.
    pub section: &'static str,
    pub controls: &'static [Control],
}

/// A check, written once: what it detects and how it plans a fix, for
/// whichever control a benchmark maps to it.
pub struct Check {
    /// Stable name of the check, independent of any benchmark numbering.
    pub key: &'static str,
    /// The fix in a few words, for the benchmark table.
    pub fix: &'static str,
    pub detect: fn(&Snapshot, &FileSettings, &Control) -> Vec<Finding>,
    pub plan: fn(&mut Planner, &str, &[Finding]),
    /// A check whose resources each have their own Security Hub control
    /// (none covers the whole check): the one for a resource, by ARN.
    pub resource_security_hub: Option<fn(&str) -> Option<&'static str>>,
}

impl std::fmt::Debug for Check {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.key)
    }
}

/// A control as a benchmark version states it, mapped to the check that
/// does it. The identity is data; the check files hold no control ids.
#[derive(Debug)]
pub struct Control {
    /// The benchmark's `(major, minor)`: a check follows its audit text.
    pub edition: (u8, u8),
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
        (self.check.detect)(snap, settings, self)
    }

    /// True from this benchmark version on (`since((1, 4))`).
    pub fn since(&self, edition: (u8, u8)) -> bool {
        self.edition >= edition
    }

    /// The Security Hub control that checks `resource` as this control
    /// does: the control's own, or, for a check whose parts Security Hub
    /// splits (4.10), the one of the resource's kind.
    pub fn security_hub_for(&self, resource: &str) -> Option<&'static str> {
        match self.check.resource_security_hub {
            Some(of) => of(resource),
            None => self.security_hub,
        }
    }
}

pub use registry::{BENCHMARKS, DEFAULT};
/// What a run with these settings reads
/// ([`crate::collect::CollectOptions::for_settings`]),
/// and the web front ends when a selected control needs them.
pub fn collect_options(
    regions: Option<Vec<String>>,
    concurrency: usize,
    s: &FileSettings,
) -> crate::collect::CollectOptions {
    crate::collect::CollectOptions {
        web: of(s)
            .selected(&[], s)
            .iter()
            .any(|c| c.check.key == web_access_logging::CHECK.key),
        ..crate::collect::CollectOptions::for_settings(regions, concurrency, s)
    }
}

/// The benchmark a key names (`cis-3.0`); the error lists the known ones.
pub fn benchmark(key: &str) -> Result<&'static Benchmark, String> {
    BENCHMARKS
        .iter()
        .copied()
        .find(|b| b.key == key)
        .ok_or_else(|| {
            format!(
                "unknown benchmark {key:?}: use one of {}",
                BENCHMARKS
                    .iter()
                    .map(|b| b.key)
                    .collect::<Vec<_>>()
                    .join(", ")
            )
        })
}

/// The benchmark of a run: the command line's, else the settings file's,
/// else [`DEFAULT`]; then the control ids the settings name are checked
/// against it (the settings themselves know no control).
pub fn resolve(
    cli: Option<&str>,
    settings: &FileSettings,
    text: &str,
) -> Result<&'static Benchmark, String> {
    let b = match cli.or(settings.benchmark.as_deref()) {
        Some(k) => benchmark(k)?,
        None => DEFAULT,
    };
    settings.check_controls(text, |id| b.is_known(id), &b.ids().join(", "))?;
    Ok(b)
}

/// Parse `remediate.toml` and check the control ids it names against the
/// benchmark it selects (or the default).
pub fn parse_settings(text: &str) -> Result<FileSettings, String> {
    let s = FileSettings::parse(text)?;
    resolve(None, &s, text)?;
    Ok(s)
}

/// Read and parse a settings file, with the benchmark the command line
/// selects (which wins over the file's); the error names the file.
pub fn load_settings(
    path: &std::path::Path,
    cli: Option<&str>,
) -> anyhow::Result<(FileSettings, &'static Benchmark)> {
    let text = std::fs::read_to_string(path)
        .map_err(|e| anyhow::anyhow!("cannot read config {}: {e}", path.display()))?;
    let named = |e: String| anyhow::anyhow!("{}: {e}", path.display());
    let s = FileSettings::parse(&text).map_err(named)?;
    let b = resolve(cli, &s, &text).map_err(named)?;
    Ok((s, b))
}

impl Benchmark {
    /// `CIS Amazon Web Services Foundations Benchmark v3.0.0`.
    pub fn title(&self) -> String {
        format!("{} v{}", self.name, self.version)
    }

    /// The control ids, in benchmark order.
    pub fn ids(&self) -> Vec<&'static str> {
        self.controls.iter().map(|c| c.id).collect()
    }

    pub fn is_known(&self, id: &str) -> bool {
        self.get(id).is_some()
    }

    pub fn get(&self, id: &str) -> Option<&'static Control> {
        self.controls.iter().find(|c| c.id == id)
    }

    /// The control that runs a check in this version, if any.
    pub fn by_check(&self, key: &str) -> Option<&'static Control> {
        self.controls.iter().find(|c| c.check.key == key)
    }

    /// Controls to run: the selection (or all) minus the settings' skip list.
    pub fn selected(&self, selection: &[String], settings: &FileSettings) -> Vec<&'static Control> {
        self.controls
            .iter()
            .filter(|c| selection.is_empty() || selection.iter().any(|s| s == c.id))
            .filter(|c| !settings.skip_controls.iter().any(|s| s == c.id))
            .collect()
    }

    fn order(&self, id: &str) -> usize {
        self.controls
            .iter()
            .position(|c| c.id == id)
            .unwrap_or(usize::MAX)
    }
}

/// The benchmark the settings select (`Run` writes the command line's
/// choice into them, so a saved plan carries it); [`DEFAULT`] when none.
/// An unknown key never gets here: [`resolve`] refuses it first.
pub fn of(settings: &FileSettings) -> &'static Benchmark {
    settings
        .benchmark
        .as_deref()
        .and_then(|k| benchmark(k).ok())
        .unwrap_or(DEFAULT)
}

/// Controls to run, of the settings' benchmark: the selection (or all)
/// minus the settings' skip list.
pub fn selected(selection: &[String], settings: &FileSettings) -> Vec<&'static Control> {
    of(settings).selected(selection, settings)
}

/// Findings of the given controls, exemptions applied, in a stable order.
pub fn detect(snap: &Snapshot, settings: &FileSettings, controls: &[&Control]) -> Vec<Finding> {
    let bench = of(settings);
    let mut out = vec![];
    for c in controls {
        for mut f in c.detect(snap, settings) {
            if f.status == Status::Fail
                && let Some(e) = settings.is_exempt(&f.control, &f.resource)
            {
                f.status = Status::Skipped;
                f.reason = format!("exempted in settings: {} (was: {})", e.reason, f.reason);
            }
            if ORGANIZATION_TRAIL_CHECKS.contains(&c.check.key)
                && let Some(why) = cloudtrail_all_regions::needs_all_features(snap, settings)
            {
                f.reason = format!("{} (--org-trail: {why})", f.reason);
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
        (bench.order(&a.control), &a.region, &a.resource).cmp(&(
            bench.order(&b.control),
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
        if failing.is_empty() {
            continue;
        }
        if let Some(m) = covered_by_organization_trail(snap, settings, c.check) {
            for f in &failing {
                p.cannot_fix(
                    &f.id(),
                    format!("the organization trail of the management account {m} covers this account: apply its part of the plan first"),
                );
            }
            continue;
        }
        (c.check.plan)(&mut p, c.id, &failing);
    }
    for f in findings.iter_mut() {
        if let Some(why) = p.unfixed().get(&f.id()) {
            f.reason = format!("{}; not fixed automatically: {why}", f.reason);
        }
    }
    p.finish()
}

/// The checks one organization trail passes in every member account.
const ORGANIZATION_TRAIL_CHECKS: [&str; 3] = [
    "cloudtrail-all-regions",
    "s3-object-write-events",
    "s3-object-read-events",
];

/// In an organization-trail run, a member account's trail checks are left
/// to the management account's organization trail: its management account.
fn covered_by_organization_trail<'a>(
    snap: &'a Snapshot,
    settings: &FileSettings,
    check: &Check,
) -> Option<&'a str> {
    let m = snap.management_account.as_deref()?;
    (cloudtrail_all_regions::wants_organization_trail(snap, settings)
        && m != snap.account_id
        && ORGANIZATION_TRAIL_CHECKS.contains(&check.key))
    .then_some(m)
}

/// True when nothing needs fixing (pending counts as nothing to fix).
pub fn is_clean(findings: &[Finding]) -> bool {
    !findings.iter().any(|f| f.status == Status::Fail)
}

/// The control × benchmark version table of README.md and
/// docs/controls.md: each check's id in every version (`A`utomated or
/// `M`anual, profile level), its Security Hub control and its fix.
pub fn benchmark_table() -> String {
    let mut checks: Vec<&'static Check> = vec![];
    for b in BENCHMARKS {
        for c in b.controls {
            if !checks.iter().any(|k| k.key == c.check.key) {
                checks.push(c.check);
            }
        }
    }
    let mut out = String::from("| check |");
    for b in BENCHMARKS {
        out.push_str(&format!(" {} |", b.key));
    }
    out.push_str(" Security Hub | fix |\n|---|");
    out.push_str(&"---|".repeat(BENCHMARKS.len() + 2));
    out.push('\n');
    for k in checks {
        out.push_str(&format!("| `{}` |", k.key));
        let mut hub = None;
        for b in BENCHMARKS {
            match b.by_check(k.key) {
                Some(c) => {
                    hub = hub.or(c.security_hub);
                    let a = if c.automated { "A" } else { "M" };
                    out.push_str(&format!(" {} {a} L{} |", c.id, c.level));
                }
                None => out.push_str(" — |"),
            }
        }
        out.push_str(&format!(" {} | {} |\n", hub.unwrap_or("—"), k.fix));
    }
    out
}
