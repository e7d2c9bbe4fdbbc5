//! The IAM permissions the tool needs, for `plan` (reads) and `apply`
//! (reads + writes). Kept next to [`iam_action`], which maps every SDK call
//! the call counter records to its IAM action: a test runs plan and apply
//! against the emulator and fails if any call made is missing here, so the
//! printed policy and the code cannot drift apart.

use serde_json::json;

/// IAM actions `remediate plan` needs (every read the collector makes).
pub const PLAN: &[&str] = &[
    "sts:GetCallerIdentity",
    // Only when the account owns an organization trail (its log streams
    // are named after the organization).
    "organizations:DescribeOrganization",
    "ec2:DescribeRegions",
    "ec2:DescribeVpcs",
    "ec2:DescribeFlowLogs",
    "cloudtrail:DescribeTrails",
    "cloudtrail:GetTrail",
    "cloudtrail:GetTrailStatus",
    "cloudtrail:GetEventSelectors",
    "config:DescribeConfigurationRecorders",
    "config:DescribeConfigurationRecorderStatus",
    "config:DescribeDeliveryChannels",
    "kms:ListKeys",
    "kms:ListAliases",
    "kms:DescribeKey",
    "kms:GetKeyRotationStatus",
    "kms:GetKeyPolicy",
    "logs:DescribeLogGroups",
    "iam:GetRole",
    "iam:ListRoles",
    "iam:ListRolePolicies",
    "iam:GetRolePolicy",
    "s3:ListAllMyBuckets",
    // HeadBucket (existence checks); the emulator also authorizes several
    // bucket-configuration reads with it. Read-only: lists object names.
    "s3:ListBucket",
    "s3:GetBucketLocation",
    "s3:GetBucketAcl",
    "s3:GetBucketPolicy",
    "s3:GetBucketLogging",
    "s3:GetBucketPublicAccessBlock",
    "s3:GetBucketObjectLockConfiguration",
    "s3:GetBucketRequestPayment",
    "s3:GetEncryptionConfiguration",
];

/// IAM actions `remediate apply` needs on top of [`PLAN`].
pub const APPLY: &[&str] = &[
    "s3:CreateBucket",
    "s3:PutBucketAcl",
    "s3:PutBucketPolicy",
    "s3:PutBucketPublicAccessBlock",
    "s3:PutBucketLogging",
    "kms:CreateKey",
    "kms:CreateAlias",
    "kms:TagResource",
    "kms:ListResourceTags",
    "kms:PutKeyPolicy",
    "kms:EnableKeyRotation",
    "logs:CreateLogGroup",
    "logs:PutRetentionPolicy",
    "iam:CreateRole",
    "iam:PutRolePolicy",
    "iam:PassRole",
    "iam:CreateServiceLinkedRole",
    "cloudtrail:CreateTrail",
    "cloudtrail:UpdateTrail",
    "cloudtrail:PutEventSelectors",
    "cloudtrail:StartLogging",
    "config:PutConfigurationRecorder",
    "config:PutDeliveryChannel",
    "config:StartConfigurationRecorder",
    "ec2:CreateFlowLogs",
    // undo
    "s3:DeleteBucketPolicy",
    "s3:DeleteBucket",
    "kms:DisableKeyRotation",
    "kms:ScheduleKeyDeletion",
    "kms:DeleteAlias",
    "logs:DeleteLogGroup",
    "iam:DeleteRole",
    "iam:DeleteRolePolicy",
    "cloudtrail:DeleteTrail",
    "cloudtrail:StopLogging",
    "config:DeleteConfigurationRecorder",
    "config:DeleteDeliveryChannel",
    "config:StopConfigurationRecorder",
    "ec2:DeleteFlowLogs",
];

/// The IAM action that authorizes an SDK operation, as the call counter
/// names it (`service` lower-case, `Operation`).
pub fn iam_action(service: &str, operation: &str) -> String {
    let prefix = match service {
        "cloudwatchlogs" | "cloudwatch logs" | "logs" => "logs",
        "config service" | "configservice" | "config" => "config",
        other => other,
    };
    let op = match (prefix, operation) {
        ("s3", "ListBuckets") => "ListAllMyBuckets",
        ("s3", "HeadBucket") => "ListBucket",
        ("s3", "GetPublicAccessBlock") => "GetBucketPublicAccessBlock",
        ("s3", "PutPublicAccessBlock") => "PutBucketPublicAccessBlock",
        ("s3", "DeletePublicAccessBlock") => "PutBucketPublicAccessBlock",
        ("s3", "GetObjectLockConfiguration") => "GetBucketObjectLockConfiguration",
        ("s3", "GetBucketEncryption") => "GetEncryptionConfiguration",
        (_, op) => op,
    };
    format!("{prefix}:{op}")
}

pub fn actions(apply: bool) -> Vec<&'static str> {
    let mut v: Vec<&str> = PLAN.to_vec();
    if apply {
        v.extend_from_slice(APPLY);
    }
    v.sort();
    v.dedup();
    v
}

pub fn policy_json(apply: bool) -> String {
    let doc = json!({
        "Version": "2012-10-17",
        "Statement": [{
            "Sid": if apply { "RemediateApply" } else { "RemediatePlanReadOnly" },
            "Effect": "Allow",
            "Action": actions(apply),
            "Resource": "*"
        }]
    });
    let mut s = serde_json::to_string_pretty(&doc).unwrap();
    s.push('\n');
    s
}
