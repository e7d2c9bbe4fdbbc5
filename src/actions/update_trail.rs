//! `update_trail`: Only the `Some` fields are changed.

use serde::{Deserialize, Serialize};

use super::{Change, Implicit, Kind};

/// Only the `Some` fields are changed.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, schemars::JsonSchema)]
#[schemars(inline)]
pub struct UpdateTrail {
    pub name: String,
    pub is_multi_region: Option<bool>,
    pub include_global_service_events: Option<bool>,
    pub log_file_validation: Option<bool>,
    pub kms_key_id: Option<String>,
    pub cloudwatch_log_group_arn: Option<String>,
    pub cloudwatch_role_arn: Option<String>,
}

impl Kind for UpdateTrail {
    const NAME: &'static str = "update_trail";
    const RANK: u8 = 12;
    const CHANGE: Change = Change::Update;
    const CALLS: &'static [&'static str] = &[
        "cloudtrail:GetTrail",
        "cloudtrail:GetTrailStatus",
        "cloudtrail:GetEventSelectors",
        "kms:DescribeKey",
        "cloudtrail:UpdateTrail",
    ];
    const IMPLICIT: &'static [Implicit] = &[
        Implicit {
            call: "cloudtrail:UpdateTrail",
            when: "setting the trail's CloudWatch Logs role passes it to cloudtrail.amazonaws.com",
            actions: &["iam:PassRole"],
            doc: "https://docs.aws.amazon.com/awscloudtrail/latest/userguide/send-cloudtrail-events-to-cloudwatch-logs.html; https://docs.aws.amazon.com/awscloudtrail/latest/userguide/security_iam_id-based-policy-examples.html",
        },
        Implicit {
            call: "cloudtrail:UpdateTrail",
            when: "SSE-KMS on a trail whose bucket uses an S3 Bucket Key: the caller needs kms:Decrypt on the key",
            actions: &["kms:Decrypt"],
            doc: "https://docs.aws.amazon.com/awscloudtrail/latest/userguide/create-kms-key-policy-for-cloudtrail.html",
        },
    ];
}
