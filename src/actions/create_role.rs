//! `create_role`.

use serde::{Deserialize, Serialize};
use serde_json::Value;

use super::{Change, Kind};

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, schemars::JsonSchema)]
#[schemars(inline)]
pub struct CreateRole {
    pub name: String,
    pub trust_policy: Value,
    pub policy_name: String,
    pub policy: Value,
}

impl Kind for CreateRole {
    const NAME: &'static str = "create_role";
    const RANK: u8 = 1;
    const CHANGE: Change = Change::Create;
    const CALLS: &'static [&'static str] = &[
        "iam:GetRole",
        "iam:ListRolePolicies",
        "iam:GetRolePolicy",
        "iam:CreateRole",
        "iam:PutRolePolicy",
    ];
}
