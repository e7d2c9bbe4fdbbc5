//! Facts about AWS regions that the checks and the settings both need.
//! A leaf: it depends on nothing in the crate.

/// Regions where AWS Config became available after February 2022: they
/// cannot record the global IAM resource types (users, groups, roles,
/// customer managed policies), whatever `includeGlobalResourceTypes` says.
/// <https://docs.aws.amazon.com/config/latest/developerguide/select-resources.html#select-resources-all>
pub const NO_IAM_GLOBAL_TYPES: &[&str] = &[
    "ap-east-2",
    "ap-south-2",
    "ap-southeast-4",
    "ap-southeast-5",
    "ap-southeast-6",
    "ap-southeast-7",
    "ca-west-1",
    "eu-central-2",
    "eu-south-2",
    "il-central-1",
    "me-central-1",
    "mx-central-1",
];

/// True when a recorder in `region` can record the global IAM types.
pub fn can_record_global(region: &str) -> bool {
    !NO_IAM_GLOBAL_TYPES.contains(&region)
}

/// The partition a region belongs to (`aws`, `aws-cn`, `aws-us-gov`).
pub fn partition_of(region: &str) -> &'static str {
    if region.starts_with("cn-") {
        "aws-cn"
    } else if region.starts_with("us-gov-") {
        "aws-us-gov"
    } else {
        "aws"
    }
}

/// The region CloudFront's control plane (and its log deliveries) answers in.
/// Whether the partition has CloudFront: AWS GovCloud (US) does not.
/// <https://docs.aws.amazon.com/govcloud-us/latest/UserGuide/using-services.html>
pub fn has_cloudfront(partition: &str) -> bool {
    partition != "aws-us-gov"
}

pub fn cloudfront_region(partition: &str) -> &'static str {
    match partition {
        "aws-cn" => "cn-northwest-1",
        _ => "us-east-1",
    }
}
