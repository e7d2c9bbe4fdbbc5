//! `create_key`: Create a symmetric key with this policy and give it `alias`.

use serde::{Deserialize, Serialize};
use serde_json::Value;

use super::{Change, Implicit, Kind};

/// Create a symmetric key with this policy and give it `alias`.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, schemars::JsonSchema)]
#[schemars(inline)]
pub struct CreateKey {
    pub alias: String,
    pub description: String,
    pub policy: Value,
}

impl Kind for CreateKey {
    const NAME: &'static str = "create_key";
    const RANK: u8 = 7;
    const CHANGE: Change = Change::Create;
    const CALLS: &'static [&'static str] = &[
        "kms:ListAliases",
        "kms:ListKeys",
        "kms:ListResourceTags",
        "kms:DescribeKey",
        "kms:GetKeyPolicy",
        "kms:CreateKey",
        "kms:CreateAlias",
    ];
    const IMPLICIT: &'static [Implicit] = &[
        Implicit {
            call: "kms:CreateKey",
            when: "the key is created with a tag (the tool finds its keys by it)",
            actions: &["kms:TagResource"],
            doc: "https://docs.aws.amazon.com/kms/latest/APIReference/API_CreateKey.html (Tags: \"you must have kms:TagResource permission in an IAM policy\")",
        },
    ];
}
