//! Every benchmark version this tool speaks: each control's id, title,
//! profile level, automated/manual status and Security Hub id, mapped to the
//! check that does it. Data only; sources and the differences between
//! versions are in docs/benchmarks.md.

use super::{Benchmark, Check, Control};
use super::{
    bucket_access_logging as access_logging, cloudtrail_all_regions as all_regions,
    cloudwatch_logs, config_all_regions as config, key_rotation, kms_encryption,
    log_file_validation as validation, s3_object_logging as object_logging,
    trail_bucket_private as private_bucket, vpc_flow_logs as flow_logs,
};

/// The benchmark of a run that names none.
pub const DEFAULT: &Benchmark = &CIS_1_2;

/// In release order.
pub static BENCHMARKS: [&Benchmark; 9] = [
    &CIS_1_2, &CIS_1_4, &CIS_1_5, &CIS_2_0, &CIS_3_0, &CIS_4_0, &CIS_5_0, &CIS_6_0, &CIS_7_0,
];

const NAME: &str = "CIS Amazon Web Services Foundations Benchmark";

#[allow(clippy::too_many_arguments)]
const fn c(
    edition: (u8, u8),
    id: &'static str,
    title: &'static str,
    level: u8,
    automated: bool,
    security_hub: &'static str,
    check: &'static Check,
) -> Control {
    Control {
        edition,
        id,
        title,
        level,
        automated,
        security_hub: Some(security_hub),
        check,
    }
}

const A: bool = true;

// CIS v1.2.0 (2018), section 2; every Logging control is Scored.
const V12: (u8, u8) = (1, 2);
#[rustfmt::skip]
pub static CIS_1_2: Benchmark = Benchmark {
    key: "cis-1.2", name: NAME, version: "1.2.0", edition: V12, section: "2 Logging",
    controls: &[
        c(V12, "2.1", "Ensure CloudTrail is enabled in all regions", 1, A, "CloudTrail.1", &all_regions::CHECK),
        c(V12, "2.2", "Ensure CloudTrail log file validation is enabled", 2, A, "CloudTrail.4", &validation::CHECK),
        c(V12, "2.3", "Ensure the S3 bucket used to store CloudTrail logs is not publicly accessible", 1, A, "CloudTrail.6", &private_bucket::CHECK),
        c(V12, "2.4", "Ensure CloudTrail trails are integrated with CloudWatch Logs", 1, A, "CloudTrail.5", &cloudwatch_logs::CHECK),
        c(V12, "2.5", "Ensure AWS Config is enabled in all regions", 1, A, "Config.1", &config::CHECK),
        c(V12, "2.6", "Ensure S3 bucket access logging is enabled on the CloudTrail S3 bucket", 1, A, "CloudTrail.7", &access_logging::CHECK),
        c(V12, "2.7", "Ensure CloudTrail logs are encrypted at rest using KMS CMKs", 2, A, "CloudTrail.2", &kms_encryption::CHECK),
        c(V12, "2.8", "Ensure rotation for customer created CMKs is enabled", 2, A, "KMS.4", &key_rotation::CHECK),
        c(V12, "2.9", "Ensure VPC flow logging is enabled in all VPCs", 2, A, "EC2.6", &flow_logs::CHECK),
    ],
};

/// v1.4.0 to v2.0.0: section 3, the nine of 1.2 renumbered plus S3
/// object-level logging of write and of read events.
macro_rules! section_3_of_eleven {
    ($name:ident, $key:literal, $version:literal, $e:expr) => {
        #[rustfmt::skip]
        pub static $name: Benchmark = Benchmark {
            key: $key, name: NAME, version: $version, edition: $e, section: "3 Logging",
            controls: &[
                c($e, "3.1", "Ensure CloudTrail is enabled in all regions", 1, A, "CloudTrail.1", &all_regions::CHECK),
                c($e, "3.2", "Ensure CloudTrail log file validation is enabled", 2, A, "CloudTrail.4", &validation::CHECK),
                c($e, "3.3", "Ensure the S3 bucket used to store CloudTrail logs is not publicly accessible", 1, A, "CloudTrail.6", &private_bucket::CHECK),
                c($e, "3.4", "Ensure CloudTrail trails are integrated with CloudWatch Logs", 1, A, "CloudTrail.5", &cloudwatch_logs::CHECK),
                c($e, "3.5", "Ensure AWS Config is enabled in all regions", 2, A, "Config.1", &config::CHECK),
                c($e, "3.6", "Ensure S3 bucket access logging is enabled on the CloudTrail S3 bucket", 1, A, "CloudTrail.7", &access_logging::CHECK),
                c($e, "3.7", "Ensure CloudTrail logs are encrypted at rest using KMS CMKs", 2, A, "CloudTrail.2", &kms_encryption::CHECK),
                c($e, "3.8", "Ensure rotation for customer created symmetric CMKs is enabled", 2, A, "KMS.4", &key_rotation::CHECK),
                c($e, "3.9", "Ensure VPC flow logging is enabled in all VPCs", 2, A, "EC2.6", &flow_logs::CHECK),
                c($e, "3.10", "Ensure that Object-level logging for write events is enabled for S3 bucket", 2, A, "S3.22", &object_logging::WRITE),
                c($e, "3.11", "Ensure that Object-level logging for read events is enabled for S3 bucket", 2, A, "S3.23", &object_logging::READ),
            ],
        };
    };
}
section_3_of_eleven!(CIS_1_4, "cis-1.4", "1.4.0", (1, 4));
section_3_of_eleven!(CIS_1_5, "cis-1.5", "1.5.0", (1, 5));
section_3_of_eleven!(CIS_2_0, "cis-2.0", "2.0.0", (2, 0));

/// v3.0.0 on: the public-bucket and CloudWatch Logs controls are gone, the
/// other nine keep their order (section 3 to 5.0, section 4 from 6.0).
macro_rules! nine {
    ($name:ident, $key:literal, $version:literal, $e:expr, $s:literal, $section:literal) => {
        #[rustfmt::skip]
        pub static $name: Benchmark = Benchmark {
            key: $key, name: NAME, version: $version, edition: $e, section: $section,
            controls: &[
                c($e, concat!($s, ".1"), "Ensure CloudTrail is enabled in all regions", 1, A, "CloudTrail.1", &all_regions::CHECK),
                c($e, concat!($s, ".2"), "Ensure CloudTrail log file validation is enabled", 2, A, "CloudTrail.4", &validation::CHECK),
                c($e, concat!($s, ".3"), "Ensure AWS Config is enabled in all regions", 2, A, "Config.1", &config::CHECK),
                c($e, concat!($s, ".4"), "Ensure that server access logging is enabled on the CloudTrail S3 bucket", 1, A, "CloudTrail.7", &access_logging::CHECK),
                c($e, concat!($s, ".5"), "Ensure CloudTrail logs are encrypted at rest using KMS CMKs", 2, A, "CloudTrail.2", &kms_encryption::CHECK),
                c($e, concat!($s, ".6"), "Ensure rotation for customer-created symmetric CMKs is enabled", 2, A, "KMS.4", &key_rotation::CHECK),
                c($e, concat!($s, ".7"), "Ensure VPC flow logging is enabled in all VPCs", 2, A, "EC2.6", &flow_logs::CHECK),
                c($e, concat!($s, ".8"), "Ensure that object-level logging for write events is enabled for S3 buckets", 2, A, "S3.22", &object_logging::WRITE),
                c($e, concat!($s, ".9"), "Ensure that object-level logging for read events is enabled for S3 buckets", 2, A, "S3.23", &object_logging::READ),
            ],
        };
    };
}
nine!(CIS_3_0, "cis-3.0", "3.0.0", (3, 0), "3", "3 Logging");
nine!(CIS_4_0, "cis-4.0", "4.0.1", (4, 0), "3", "3 Logging");
nine!(CIS_5_0, "cis-5.0", "5.0.0", (5, 0), "3", "3 Logging");
nine!(CIS_6_0, "cis-6.0", "6.0.0", (6, 0), "4", "4 Logging");
nine!(CIS_7_0, "cis-7.0", "7.0.0", (7, 0), "4", "4 Logging");
