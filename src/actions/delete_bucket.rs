//! `delete_bucket`: Only an empty bucket is deleted; one that holds objects is kept.

use serde::{Deserialize, Serialize};

use super::{Change, Kind};

/// Only an empty bucket is deleted; one that holds objects is kept.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, schemars::JsonSchema)]
#[schemars(inline)]
pub struct DeleteBucket {
    pub bucket: String,
}

impl Kind for DeleteBucket {
    const NAME: &'static str = "delete_bucket";
    const RANK: u8 = 33;
    const CHANGE: Change = Change::Delete;
    const CALLS: &'static [&'static str] = &[
        "s3:ListAllMyBuckets",
        "s3:ListBucket",
        "s3:DeleteBucket",
    ];
}
