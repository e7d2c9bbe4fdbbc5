//! `delete_service_linked_role`.

use serde::{Deserialize, Serialize};

use super::{Change, Kind};

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, schemars::JsonSchema)]
#[schemars(inline)]
pub struct DeleteServiceLinkedRole {
    pub role_name: String,
}

impl Kind for DeleteServiceLinkedRole {
    const NAME: &'static str = "delete_service_linked_role";
    const RANK: u8 = 35;
    const CHANGE: Change = Change::Delete;
    const CALLS: &'static [&'static str] = &[
        "iam:GetRole",
        "iam:ListRolePolicies",
        "iam:DeleteServiceLinkedRole",
        "iam:GetServiceLinkedRoleDeletionStatus",
    ];
}
