//! `create_bucket`.

use serde::{Deserialize, Serialize};

use super::{Change, Kind};

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, schemars::JsonSchema)]
#[schemars(inline)]
pub struct CreateBucket {
    pub bucket: String,
}

impl Kind for CreateBucket {
    const NAME: &'static str = "create_bucket";
    const RANK: u8 = 2;
    const CHANGE: Change = Change::Create;
    const CALLS: &'static [&'static str] = &[
        "s3:ListAllMyBuckets",
        "s3:CreateBucket",
    ];
}
