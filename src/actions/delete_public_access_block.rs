//! `delete_public_access_block`.

use serde::{Deserialize, Serialize};

use super::{Change, Kind};

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, schemars::JsonSchema)]
#[schemars(inline)]
pub struct DeletePublicAccessBlock {
    pub bucket: String,
}

impl Kind for DeletePublicAccessBlock {
    const NAME: &'static str = "delete_public_access_block";
    const RANK: u8 = 31;
    const CHANGE: Change = Change::Delete;
    // DeletePublicAccessBlock is authorized by s3:PutBucketPublicAccessBlock.
    const CALLS: &'static [&'static str] = &[
        "s3:GetBucketPublicAccessBlock",
        "s3:PutBucketPublicAccessBlock",
    ];
}
