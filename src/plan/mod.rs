//! Actions, ordering, fingerprints and the plan file.
pub mod action;
pub mod builder;
pub mod file;
pub mod integrity;
pub mod limits;
pub mod simulate;
pub use action::*;

use crate::finding::Finding;
use crate::settings::FileSettings;
use serde::{Deserialize, Serialize};

/// Version of the plan file format; a plan of another version is refused.
/// 2: an action with two directions is one op (`set_key_rotation`, …).
pub const FORMAT_VERSION: u32 = 2;

/// A whole plan: what was seen, and the ordered actions that fix it.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, schemars::JsonSchema)]
pub struct Plan {
    pub format_version: u32,
    pub tool_version: String,
    pub account_id: String,
    pub partition: String,
    pub home_region: String,
    pub regions: Vec<String>,
    /// The benchmark version whose control ids the plan uses (`cis-1.2`).
    pub benchmark: String,
    pub controls: Vec<String>,
    pub settings: FileSettings,
    pub findings: Vec<Finding>,
    /// In execution order: every action comes after all of its `depends_on`.
    pub actions: Vec<Action>,
}
