//! `delete_role`: Delete these inline policies, then the role. Fails (and keeps the
//! role) when anything else is attached to it.

use serde::{Deserialize, Serialize};

use super::{Change, Kind};

/// Delete these inline policies, then the role. Fails (and keeps the
/// role) when anything else is attached to it.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, schemars::JsonSchema)]
#[schemars(inline)]
pub struct DeleteRole {
    pub name: String,
    pub inline_policies: Vec<String>,
}

impl Kind for DeleteRole {
    const NAME: &'static str = "delete_role";
    const RANK: u8 = 34;
    const CHANGE: Change = Change::Delete;
    const CALLS: &'static [&'static str] = &[
        "iam:GetRole",
        "iam:ListRolePolicies",
        "iam:GetRolePolicy",
        "iam:DeleteRolePolicy",
        "iam:DeleteRole",
    ];
}
