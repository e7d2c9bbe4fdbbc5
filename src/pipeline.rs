//! The pure middle of every command: snapshot → findings → plan.
//!
//! Kept apart from `plan/` (the plan as data, its file, its ordering) and
//! `controls/` (the checks), so that neither depends on the other's caller:
//! `controls` uses the `plan` builder, and this module uses both.

use crate::plan::{FORMAT_VERSION, Plan};
use crate::settings::FileSettings;
use crate::snapshot::Snapshot;

/// Detect and plan: a pure function of the snapshot, the settings and the
/// selected controls (empty = all).
pub fn make(snap: &Snapshot, settings: &FileSettings, selection: &[String]) -> Plan {
    let selected = crate::controls::selected(selection, settings);
    let mut findings = crate::controls::detect(snap, settings, &selected);
    let actions = crate::controls::plan(snap, settings, &selected, &mut findings);
    Plan {
        format_version: FORMAT_VERSION,
        tool_version: env!("CARGO_PKG_VERSION").to_string(),
        account_id: snap.account_id.clone(),
        partition: snap.partition.clone(),
        home_region: snap.home_region.clone(),
        regions: snap.regions.clone(),
        benchmark: crate::controls::of(settings).key.to_string(),
        controls: selected.iter().map(|c| c.id.to_string()).collect(),
        settings: settings.clone(),
        findings,
        actions,
    }
}

/// Everything a saved plan must pass against the account as read now,
/// before anything is written: made for this account, nothing it relies on
/// changed (the more precise message, first), exactly the actions
/// remediate plans now for this account with the plan's own settings,
/// controls and regions (so an edit whose seal was recomputed is refused),
/// no document opening access to a stranger, within AWS's document limits.
///
/// Who counts as a stranger is judged by `trust`, the run's own settings,
/// never the file's: `--settings-from-plan` cannot name a new grantee.
pub fn check_saved(
    name: &str,
    plan: &Plan,
    snap: &Snapshot,
    trust: &FileSettings,
) -> anyhow::Result<()> {
    use crate::plan::{file, integrity, limits};
    file::check_account(name, plan, &snap.account_id, &snap.partition)?;
    let changed = file::changed(plan, snap);
    if !changed.is_empty() {
        return Err(file::PlanFileError::Stale(name.into(), changed.join(", ")).into());
    }
    let fresh = make(snap, &plan.settings, &plan.controls);
    if let Some(d) = integrity::first_difference(&plan.actions, &fresh.actions) {
        anyhow::bail!("plan file {name}: {d}; refused (make the plan again)");
    }
    let trusted = integrity::Trusted::new(&snap.account_id, trust);
    integrity::check_documents(&plan.actions, &trusted)
        .map_err(|e| anyhow::anyhow!("plan file {name}: {e}"))?;
    limits::check(&plan.actions, snap)?;
    Ok(())
}
