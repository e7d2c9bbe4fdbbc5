//! `create_log_group`.

use serde::{Deserialize, Serialize};

use super::{Change, Kind};

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, schemars::JsonSchema)]
#[schemars(inline)]
pub struct CreateLogGroup {
    pub name: String,
    pub retention_days: i32,
}

impl Kind for CreateLogGroup {
    const NAME: &'static str = "create_log_group";
    const RANK: u8 = 10;
    const CHANGE: Change = Change::Create;
    const CALLS: &'static [&'static str] = &[
        "logs:DescribeLogGroups",
        "logs:CreateLogGroup",
        "logs:PutRetentionPolicy",
    ];
}
