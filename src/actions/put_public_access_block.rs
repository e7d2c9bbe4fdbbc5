//! `put_public_access_block`.

use serde::{Deserialize, Serialize};

use super::{Change, Kind};
use crate::snapshot::{PublicAccessBlock};

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, schemars::JsonSchema)]
#[schemars(inline)]
pub struct PutPublicAccessBlock {
    pub bucket: String,
    pub config: PublicAccessBlock,
}

impl Kind for PutPublicAccessBlock {
    const NAME: &'static str = "put_public_access_block";
    const RANK: u8 = 5;
    const CHANGE: Change = Change::Update;
    const CALLS: &'static [&'static str] = &[
        "s3:GetBucketPublicAccessBlock",
        "s3:PutBucketPublicAccessBlock",
    ];
}
