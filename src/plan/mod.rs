//! Actions, ordering, fingerprints and the plan file.
pub mod action;
pub mod builder;
pub mod file;
pub mod limits;
pub mod simulate;
pub use action::*;

use crate::finding::Finding;
use crate::settings::FileSettings;
use serde::{Deserialize, Serialize};

/// Version of the plan file format; a plan of another version is refused.
pub const FORMAT_VERSION: u32 = 1;

/// A whole plan: what was seen, and the ordered actions that fix it.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, schemars::JsonSchema)]
pub struct Plan {
    pub format_version: u32,
    pub tool_version: String,
    pub account_id: String,
    pub partition: String,
    pub home_region: String,
    pub regions: Vec<String>,
    pub controls: Vec<String>,
    pub settings: FileSettings,
    pub findings: Vec<Finding>,
    /// In execution order: every action comes after all of its `depends_on`.
    pub actions: Vec<Action>,
}

/// Detect and plan: a pure function of the snapshot, the settings and the
/// selected controls (empty = all).
pub fn make(
    snap: &crate::snapshot::Snapshot,
    settings: &FileSettings,
    selection: &[String],
) -> Plan {
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
        controls: selected.iter().map(|c| c.id.to_string()).collect(),
        settings: settings.clone(),
        findings,
        actions,
    }
}
