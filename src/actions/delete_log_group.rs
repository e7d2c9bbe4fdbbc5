//! `delete_log_group`.

use serde::{Deserialize, Serialize};

use super::{Change, Kind};

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, schemars::JsonSchema)]
#[schemars(inline)]
pub struct DeleteLogGroup {
    pub name: String,
}

impl Kind for DeleteLogGroup {
    const NAME: &'static str = "delete_log_group";
    const RANK: u8 = 27;
    const CHANGE: Change = Change::Delete;
    const CALLS: &'static [&'static str] = &[
        "logs:DescribeLogGroups",
        "logs:DeleteLogGroup",
    ];
}
