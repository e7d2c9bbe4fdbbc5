//! The Logging section of every CIS AWS Foundations Benchmark version this
//! tool may check, as data: for each version the control id, the check that
//! does it (stable key, independent of the numbering), the title as the
//! benchmark words it, the profile level, Automated/Scored (true) or
//! Manual/Not Scored (false), and the AWS Security Hub control that checks
//! the same thing.
//!
//! Not wired into `lib.rs`: a table to paste into the control registry.
//! `tests/pure/benchmarks_data.rs` compiles it and checks it.
//! Sources and the per-version differences in audit text: docs/benchmarks.md.
//!
//! Security Hub ids are the security control that performs the same check.
//! AWS lists them as *requirements* of its CIS standards for 1.2.0, 1.4.0,
//! 3.0.0 and 5.0.0 only; for the other versions the id names the equivalent
//! check, not a Security Hub standard.

/// `(id, check_key, title, level, automated, security_hub)`.
pub type Row = (
    &'static str,
    &'static str,
    &'static str,
    u8,
    bool,
    Option<&'static str>,
);

/// One version of the benchmark and its Logging section.
pub struct BenchmarkVersion {
    /// The name for the command line and settings: `cis-3.0`.
    pub key: &'static str,
    pub name: &'static str,
    pub version: &'static str,
    /// The section that holds the Logging controls, e.g. `3 Logging`.
    pub section: &'static str,
    pub rows: &'static [Row],
}

pub const NAME: &str = "CIS Amazon Web Services Foundations Benchmark";

/// Check keys of checks the tool has (or is getting) today.
pub const CLOUDTRAIL_ALL_REGIONS: &str = "cloudtrail_all_regions";
pub const LOG_FILE_VALIDATION: &str = "log_file_validation";
pub const TRAIL_BUCKET_PRIVATE: &str = "trail_bucket_private";
pub const CLOUDWATCH_LOGS: &str = "cloudwatch_logs";
pub const CONFIG_ALL_REGIONS: &str = "config_all_regions";
pub const BUCKET_ACCESS_LOGGING: &str = "bucket_access_logging";
pub const KMS_ENCRYPTION: &str = "kms_encryption";
pub const KEY_ROTATION: &str = "key_rotation";
pub const VPC_FLOW_LOGS: &str = "vpc_flow_logs";
pub const S3_OBJECT_WRITE_EVENTS: &str = "s3_object_write_events";
pub const S3_OBJECT_READ_EVENTS: &str = "s3_object_read_events";
/// New in 7.0.0 (4.10): CloudFront, ELB and API Gateway access logging.
/// No single Security Hub control: CloudFront.5, ELB.5, APIGateway.1 and
/// APIGateway.9 each cover one service.
pub const WEB_FRONTEND_ACCESS_LOGGING: &str = "web_frontend_access_logging";

const T_TRAIL: &str = "Ensure CloudTrail is enabled in all regions";
const T_VALIDATION: &str = "Ensure CloudTrail log file validation is enabled";
const T_PUBLIC: &str =
    "Ensure the S3 bucket used to store CloudTrail logs is not publicly accessible";
const T_CWL: &str = "Ensure CloudTrail trails are integrated with CloudWatch Logs";
const T_CONFIG: &str = "Ensure AWS Config is enabled in all regions";
const T_ACCESS_LOG: &str = "Ensure S3 bucket access logging is enabled on the CloudTrail S3 bucket";
const T_ACCESS_LOG_4: &str =
    "Ensure that server access logging is enabled on the CloudTrail S3 bucket";
const T_KMS: &str = "Ensure CloudTrail logs are encrypted at rest using KMS CMKs";
const T_ROTATION_12: &str = "Ensure rotation for customer created CMKs is enabled";
const T_ROTATION_14: &str = "Ensure rotation for customer created symmetric CMKs is enabled";
const T_ROTATION_4: &str = "Ensure rotation for customer-created symmetric CMKs is enabled";
const T_FLOW: &str = "Ensure VPC flow logging is enabled in all VPCs";
const T_WRITE_14: &str =
    "Ensure that Object-level logging for write events is enabled for S3 bucket";
const T_READ_14: &str = "Ensure that Object-level logging for read events is enabled for S3 bucket";
const T_WRITE_4: &str =
    "Ensure that object-level logging for write events is enabled for S3 buckets";
const T_READ_4: &str = "Ensure that object-level logging for read events is enabled for S3 buckets";
const T_WEB: &str = "Ensure all AWS-managed web front-end services have access logging enabled";

const CT1: Option<&str> = Some("CloudTrail.1");
const CT2: Option<&str> = Some("CloudTrail.2");
const CT4: Option<&str> = Some("CloudTrail.4");
const CT5: Option<&str> = Some("CloudTrail.5");
const CT6: Option<&str> = Some("CloudTrail.6");
const CT7: Option<&str> = Some("CloudTrail.7");
const CONFIG1: Option<&str> = Some("Config.1");
const KMS4: Option<&str> = Some("KMS.4");
const EC2_6: Option<&str> = Some("EC2.6");
const S3_22: Option<&str> = Some("S3.22");
const S3_23: Option<&str> = Some("S3.23");

/// v1.2.0, section 2: every control Scored.
#[rustfmt::skip]
const V1_2: [Row; 9] = [
    ("2.1", CLOUDTRAIL_ALL_REGIONS, T_TRAIL, 1, true, CT1),
    ("2.2", LOG_FILE_VALIDATION, T_VALIDATION, 2, true, CT4),
    ("2.3", TRAIL_BUCKET_PRIVATE, T_PUBLIC, 1, true, CT6),
    ("2.4", CLOUDWATCH_LOGS, T_CWL, 1, true, CT5),
    ("2.5", CONFIG_ALL_REGIONS, T_CONFIG, 1, true, CONFIG1),
    ("2.6", BUCKET_ACCESS_LOGGING, T_ACCESS_LOG, 1, true, CT7),
    ("2.7", KMS_ENCRYPTION, T_KMS, 2, true, CT2),
    ("2.8", KEY_ROTATION, T_ROTATION_12, 2, true, KMS4),
    ("2.9", VPC_FLOW_LOGS, T_FLOW, 2, true, EC2_6),
];

/// v1.4.0, v1.5.0 and v2.0.0, section 3: the same eleven controls, all
/// Automated. Security Hub's CIS v1.4.0 standard has no requirement for
/// 3.10 / 3.11; S3.22 / S3.23 are the equivalent checks.
#[rustfmt::skip]
const V1_4: [Row; 11] = [
    ("3.1", CLOUDTRAIL_ALL_REGIONS, T_TRAIL, 1, true, CT1),
    ("3.2", LOG_FILE_VALIDATION, T_VALIDATION, 2, true, CT4),
    ("3.3", TRAIL_BUCKET_PRIVATE, T_PUBLIC, 1, true, CT6),
    ("3.4", CLOUDWATCH_LOGS, T_CWL, 1, true, CT5),
    ("3.5", CONFIG_ALL_REGIONS, T_CONFIG, 2, true, CONFIG1),
    ("3.6", BUCKET_ACCESS_LOGGING, T_ACCESS_LOG, 1, true, CT7),
    ("3.7", KMS_ENCRYPTION, T_KMS, 2, true, CT2),
    ("3.8", KEY_ROTATION, T_ROTATION_14, 2, true, KMS4),
    ("3.9", VPC_FLOW_LOGS, T_FLOW, 2, true, EC2_6),
    ("3.10", S3_OBJECT_WRITE_EVENTS, T_WRITE_14, 2, true, S3_22),
    ("3.11", S3_OBJECT_READ_EVENTS, T_READ_14, 2, true, S3_23),
];

/// v3.0.0, section 3: the public-bucket and CloudWatch Logs controls are gone.
#[rustfmt::skip]
const V3_0: [Row; 9] = [
    ("3.1", CLOUDTRAIL_ALL_REGIONS, T_TRAIL, 1, true, CT1),
    ("3.2", LOG_FILE_VALIDATION, T_VALIDATION, 2, true, CT4),
    ("3.3", CONFIG_ALL_REGIONS, T_CONFIG, 2, true, CONFIG1),
    ("3.4", BUCKET_ACCESS_LOGGING, T_ACCESS_LOG, 1, true, CT7),
    ("3.5", KMS_ENCRYPTION, T_KMS, 2, true, CT2),
    ("3.6", KEY_ROTATION, T_ROTATION_14, 2, true, KMS4),
    ("3.7", VPC_FLOW_LOGS, T_FLOW, 2, true, EC2_6),
    ("3.8", S3_OBJECT_WRITE_EVENTS, T_WRITE_14, 2, true, S3_22),
    ("3.9", S3_OBJECT_READ_EVENTS, T_READ_14, 2, true, S3_23),
];

/// v4.0.1, section 3: v3.0.0's controls, reworded.
#[rustfmt::skip]
const V4_0: [Row; 9] = [
    ("3.1", CLOUDTRAIL_ALL_REGIONS, T_TRAIL, 1, true, CT1),
    ("3.2", LOG_FILE_VALIDATION, T_VALIDATION, 2, true, CT4),
    ("3.3", CONFIG_ALL_REGIONS, T_CONFIG, 2, true, CONFIG1),
    ("3.4", BUCKET_ACCESS_LOGGING, T_ACCESS_LOG_4, 1, true, CT7),
    ("3.5", KMS_ENCRYPTION, T_KMS, 2, true, CT2),
    ("3.6", KEY_ROTATION, T_ROTATION_4, 2, true, KMS4),
    ("3.7", VPC_FLOW_LOGS, T_FLOW, 2, true, EC2_6),
    ("3.8", S3_OBJECT_WRITE_EVENTS, T_WRITE_4, 2, true, S3_22),
    ("3.9", S3_OBJECT_READ_EVENTS, T_READ_4, 2, true, S3_23),
];

/// v5.0.0, section 3: as v4.0.1, but 3.1 and 3.4 are Manual.
#[rustfmt::skip]
const V5_0: [Row; 9] = [
    ("3.1", CLOUDTRAIL_ALL_REGIONS, T_TRAIL, 1, false, CT1),
    ("3.2", LOG_FILE_VALIDATION, T_VALIDATION, 2, true, CT4),
    ("3.3", CONFIG_ALL_REGIONS, T_CONFIG, 2, true, CONFIG1),
    ("3.4", BUCKET_ACCESS_LOGGING, T_ACCESS_LOG_4, 1, false, CT7),
    ("3.5", KMS_ENCRYPTION, T_KMS, 2, true, CT2),
    ("3.6", KEY_ROTATION, T_ROTATION_4, 2, true, KMS4),
    ("3.7", VPC_FLOW_LOGS, T_FLOW, 2, true, EC2_6),
    ("3.8", S3_OBJECT_WRITE_EVENTS, T_WRITE_4, 2, true, S3_22),
    ("3.9", S3_OBJECT_READ_EVENTS, T_READ_4, 2, true, S3_23),
];

/// v6.0.0, section 4: v5.0.0 renumbered (Logging moved from 3 to 4).
#[rustfmt::skip]
const V6_0: [Row; 9] = [
    ("4.1", CLOUDTRAIL_ALL_REGIONS, T_TRAIL, 1, false, CT1),
    ("4.2", LOG_FILE_VALIDATION, T_VALIDATION, 2, true, CT4),
    ("4.3", CONFIG_ALL_REGIONS, T_CONFIG, 2, true, CONFIG1),
    ("4.4", BUCKET_ACCESS_LOGGING, T_ACCESS_LOG_4, 1, false, CT7),
    ("4.5", KMS_ENCRYPTION, T_KMS, 2, true, CT2),
    ("4.6", KEY_ROTATION, T_ROTATION_4, 2, true, KMS4),
    ("4.7", VPC_FLOW_LOGS, T_FLOW, 2, true, EC2_6),
    ("4.8", S3_OBJECT_WRITE_EVENTS, T_WRITE_4, 2, true, S3_22),
    ("4.9", S3_OBJECT_READ_EVENTS, T_READ_4, 2, true, S3_23),
];

/// v7.0.0, section 4: v6.0.0 plus 4.10 (web front-end access logging, Manual).
#[rustfmt::skip]
const V7_0: [Row; 10] = [
    ("4.1", CLOUDTRAIL_ALL_REGIONS, T_TRAIL, 1, false, CT1),
    ("4.2", LOG_FILE_VALIDATION, T_VALIDATION, 2, true, CT4),
    ("4.3", CONFIG_ALL_REGIONS, T_CONFIG, 2, true, CONFIG1),
    ("4.4", BUCKET_ACCESS_LOGGING, T_ACCESS_LOG_4, 1, false, CT7),
    ("4.5", KMS_ENCRYPTION, T_KMS, 2, true, CT2),
    ("4.6", KEY_ROTATION, T_ROTATION_4, 2, true, KMS4),
    ("4.7", VPC_FLOW_LOGS, T_FLOW, 2, true, EC2_6),
    ("4.8", S3_OBJECT_WRITE_EVENTS, T_WRITE_4, 2, true, S3_22),
    ("4.9", S3_OBJECT_READ_EVENTS, T_READ_4, 2, true, S3_23),
    ("4.10", WEB_FRONTEND_ACCESS_LOGGING, T_WEB, 1, false, None),
];

const fn version(
    key: &'static str,
    version: &'static str,
    section: &'static str,
    rows: &'static [Row],
) -> BenchmarkVersion {
    BenchmarkVersion {
        key,
        name: NAME,
        version,
        section,
        rows,
    }
}

/// Oldest first.
pub const VERSIONS: [BenchmarkVersion; 9] = [
    version("cis-1.2", "1.2.0", "2 Logging", &V1_2),
    version("cis-1.4", "1.4.0", "3 Logging", &V1_4),
    version("cis-1.5", "1.5.0", "3 Logging", &V1_4),
    version("cis-2.0", "2.0.0", "3 Logging", &V1_4),
    version("cis-3.0", "3.0.0", "3 Logging", &V3_0),
    // CIS published 4.0.0 and then 4.0.1; the titles above are 4.0.1's.
    version("cis-4.0", "4.0.1", "3 Logging", &V4_0),
    version("cis-5.0", "5.0.0", "3 Logging", &V5_0),
    version("cis-6.0", "6.0.0", "4 Logging", &V6_0),
    version("cis-7.0", "7.0.0", "4 Logging", &V7_0),
];
