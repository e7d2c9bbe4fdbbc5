//! `create_trail`.

use serde::{Deserialize, Serialize};

use super::{Change, Implicit, Kind};

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, schemars::JsonSchema)]
#[schemars(inline)]
pub struct CreateTrail {
    pub name: String,
    pub bucket: String,
    pub prefix: Option<String>,
    pub kms_key_id: Option<String>,
    pub cloudwatch_log_group_arn: Option<String>,
    pub cloudwatch_role_arn: Option<String>,
}

impl Kind for CreateTrail {
    const NAME: &'static str = "create_trail";
    const RANK: u8 = 11;
    const CHANGE: Change = Change::Create;
    const CALLS: &'static [&'static str] = &[
        "cloudtrail:GetTrail",
        "cloudtrail:GetTrailStatus",
        "cloudtrail:GetEventSelectors",
        "kms:DescribeKey",
        "cloudtrail:CreateTrail",
    ];
    const IMPLICIT: &'static [Implicit] = &[
        Implicit {
            call: "cloudtrail:CreateTrail",
            when: "a trail with CloudWatch Logs: its role is passed to cloudtrail.amazonaws.com",
            actions: &["iam:PassRole"],
            doc: "https://docs.aws.amazon.com/awscloudtrail/latest/userguide/send-cloudtrail-events-to-cloudwatch-logs.html; https://docs.aws.amazon.com/awscloudtrail/latest/userguide/security_iam_id-based-policy-examples.html",
        },
        Implicit {
            call: "cloudtrail:CreateTrail",
            when: "SSE-KMS on a trail whose bucket uses an S3 Bucket Key: the caller needs kms:Decrypt on the key",
            actions: &["kms:Decrypt"],
            doc: "https://docs.aws.amazon.com/awscloudtrail/latest/userguide/create-kms-key-policy-for-cloudtrail.html (\"kms:Decrypt permissions are required to create or update a trail with SSE-KMS encryption enabled\" on an existing bucket with an S3 Bucket Key)",
        },
    ];
}
