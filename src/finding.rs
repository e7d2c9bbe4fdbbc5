//! What detection says about one resource for one control.

use serde::{Deserialize, Serialize};

#[derive(
    Debug,
    Clone,
    Copy,
    Serialize,
    Deserialize,
    PartialEq,
    Eq,
    PartialOrd,
    Ord,
    Hash,
    schemars::JsonSchema,
)]
#[serde(rename_all = "lowercase")]
pub enum Status {
    Pass,
    Fail,
    /// Fixed, but the evidence (a delivery, a recorder run) has not arrived yet.
    Pending,
    /// Out of scope, with the reason (e.g. an AWS-managed key).
    Skipped,
    /// Cannot be judged or fixed from this account (e.g. another account's bucket).
    Manual,
    /// The data could not be read.
    Error,
}

impl Status {
    pub fn as_str(self) -> &'static str {
        match self {
            Status::Pass => "pass",
            Status::Fail => "fail",
            Status::Pending => "pending",
            Status::Skipped => "skipped",
            Status::Manual => "manual",
            Status::Error => "error",
        }
    }
}

#[derive(
    Debug, Clone, Serialize, Deserialize, PartialEq, Eq, PartialOrd, Ord, schemars::JsonSchema,
)]
pub struct Finding {
    /// `2.1` .. `2.9`.
    pub control: String,
    /// Region the resource is judged in (its home region), or `*` for account-wide.
    pub region: String,
    /// ARN (or id) of the resource judged.
    pub resource: String,
    pub status: Status,
    /// Names the failing attribute, e.g. `LogFileValidationEnabled=false`.
    pub reason: String,
}

impl Finding {
    /// Stable id, referenced by the actions that fix it.
    pub fn id(&self) -> String {
        format!("{}:{}:{}", self.control, self.region, self.resource)
    }

    pub fn new(
        control: &str,
        region: &str,
        resource: impl Into<String>,
        status: Status,
        reason: impl Into<String>,
    ) -> Self {
        Finding {
            control: control.to_string(),
            region: region.to_string(),
            resource: resource.into(),
            status,
            reason: reason.into(),
        }
    }
}
