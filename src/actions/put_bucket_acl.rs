//! `put_bucket_acl`: Rewrite the ACL with exactly these grants (the public ones removed).

use serde::{Deserialize, Serialize};

use super::{Change, Kind};
use crate::snapshot::{Grant};

/// Rewrite the ACL with exactly these grants (the public ones removed).
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, schemars::JsonSchema)]
#[schemars(inline)]
pub struct PutBucketAcl {
    pub bucket: String,
    pub owner_id: String,
    pub owner_display_name: Option<String>,
    pub grants: Vec<Grant>,
}

impl Kind for PutBucketAcl {
    const NAME: &'static str = "put_bucket_acl";
    const RANK: u8 = 3;
    const CHANGE: Change = Change::Update;
    const CALLS: &'static [&'static str] = &[
        "s3:GetBucketAcl",
        "s3:PutBucketAcl",
    ];
}
