//! `create_service_linked_role`.

use serde::{Deserialize, Serialize};

use super::{Change, Kind};

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, schemars::JsonSchema)]
#[schemars(inline)]
pub struct CreateServiceLinkedRole {
    pub service: String,
}

impl Kind for CreateServiceLinkedRole {
    const NAME: &'static str = "create_service_linked_role";
    const RANK: u8 = 0;
    const CHANGE: Change = Change::Create;
    const CALLS: &'static [&'static str] = &[
        "iam:ListRoles",
        "iam:CreateServiceLinkedRole",
    ];
}
