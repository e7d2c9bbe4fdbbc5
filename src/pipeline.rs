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
