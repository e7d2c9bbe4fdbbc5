//! One planned change, as plain data.
//!
//! Everything the executor needs is in [`Op`]; everything a reviewer needs is
//! in `before` / `after` / `reason` / `safety`. Nothing is recomputed later:
//! rendering, fingerprinting, ordering, saving and applying read this value.

use serde::{Deserialize, Serialize};
use serde_json::Value;

use super::{Change, Guard, Op};

#[derive(
    Debug, Clone, Copy, Serialize, Deserialize, PartialEq, Eq, PartialOrd, Ord, schemars::JsonSchema,
)]
#[serde(rename_all = "snake_case")]
pub enum Safety {
    /// No access changes, nothing moved or exposed (e.g. turn on rotation).
    Safe,
    /// Changes access, creates billed resources or rewrites a policy: read the diff.
    NeedsReview,
}

/// An attribute of the account the action relies on, as observed at plan
/// time. `apply FILE` reads the account again and refuses when any differs.
#[derive(
    Debug, Clone, Serialize, Deserialize, PartialEq, Eq, PartialOrd, Ord, schemars::JsonSchema,
)]
pub struct Observed {
    /// Human path, e.g. `bucket/my-logs/policy`.
    pub path: String,
    /// SHA-256 (hex) of the canonical JSON of the value.
    pub sha256: String,
}

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, schemars::JsonSchema)]
pub struct Action {
    /// Stable id: `<op>:<region>:<target>`.
    pub id: String,
    pub region: String,
    /// ARN or name of what is changed.
    pub target: String,
    pub change: Change,
    pub op: Op,
    /// The document or settings before (`null` when created).
    pub before: Value,
    /// The document or settings after.
    pub after: Value,
    /// Ids of the findings this action fixes (directly or as a prerequisite).
    pub fixes: Vec<String>,
    /// Controls it serves.
    pub controls: Vec<String>,
    /// One sentence: why.
    pub reason: String,
    pub safety: Safety,
    /// Ids of actions that must succeed first.
    pub depends_on: Vec<String>,
    pub observed: Vec<Observed>,
    /// Undo only: what the reversal checks against the live value before
    /// it writes (what apply wrote). Plans never hold one.
    #[serde(default, skip_serializing_if = "Guard::is_none")]
    #[schemars(skip)]
    pub guard: Guard,
}
