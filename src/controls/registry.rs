//! Every benchmark version this tool speaks: each control's id, title (as
//! the version words it), profile level, Automated/Scored or Manual status
//! and Security Hub id, mapped to the check that does it. Data only, built
//! at compile time from one line per check that says what changed between
//! versions; sources and the changes in audit text are in
//! docs/benchmarks.md (Prowler's transcriptions of 1.4.0–7.0.0, Steampipe's
//! of 1.2.0, AWS's Security Hub pages).
//!
//! Security Hub ids name the security control that performs the same
//! check. AWS lists them as requirements of its CIS standards for 1.2.0,
//! 1.4.0, 3.0.0 and 5.0.0 only; for the other versions the id names the
//! equivalent check, not a Security Hub standard.

use super::{Benchmark, Check, Control};
use super::{
    bucket_access_logging as access_logging, cloudtrail_all_regions as all_regions,
    cloudwatch_logs, config_all_regions as config, key_rotation, kms_encryption,
    log_file_validation as validation, s3_object_logging as object_logging,
    trail_bucket_private as private_bucket, vpc_flow_logs as flow_logs, web_access_logging,
};

const NAME: &str = "CIS Amazon Web Services Foundations Benchmark";

/// The versions, oldest first: `(key, version, (major, minor))`.
const VERSIONS: [(&str, &str, (u8, u8)); 9] = [
    ("cis-1.2", "1.2.0", (1, 2)),
    ("cis-1.4", "1.4.0", (1, 4)),
    ("cis-1.5", "1.5.0", (1, 5)),
    ("cis-2.0", "2.0.0", (2, 0)),
    ("cis-3.0", "3.0.0", (3, 0)),
    // CIS published 4.0.0 and then 4.0.1; the titles here are 4.0.1's.
    ("cis-4.0", "4.0.1", (4, 0)),
    ("cis-5.0", "5.0.0", (5, 0)),
    ("cis-6.0", "6.0.0", (6, 0)),
    ("cis-7.0", "7.0.0", (7, 0)),
];
const V1_2: usize = 0;
const V1_4: usize = 1;
const V3_0: usize = 4;
const V4_0: usize = 5;
const V5_0: usize = 6;
const V6_0: usize = 7;
const V7_0: usize = 8;
const NEVER: usize = usize::MAX;

/// The wording era of a version: 1.2.0; 1.4.0 to 3.0.0; 4.0.1 on.
const fn era(v: usize) -> usize {
    if v == V1_2 {
        0
    } else if v < V4_0 {
        1
    } else {
        2
    }
}

/// Ids by position in the Logging section: §2 (1.2.0), §3, §4 (6.0.0 on).
#[rustfmt::skip]
const IDS: [[&str; 11]; 3] = [
    ["2.1", "2.2", "2.3", "2.4", "2.5", "2.6", "2.7", "2.8", "2.9", "", ""],
    ["3.1", "3.2", "3.3", "3.4", "3.5", "3.6", "3.7", "3.8", "3.9", "3.10", "3.11"],
    ["4.1", "4.2", "4.3", "4.4", "4.5", "4.6", "4.7", "4.8", "4.9", "4.10", ""],
];
const SECTIONS: [&str; 3] = ["2 Logging", "3 Logging", "4 Logging"];

const fn section(v: usize) -> usize {
    if v == V1_2 {
        0
    } else if v < V6_0 {
        1
    } else {
        2
    }
}

/// A check as the versions state it. Every version lists its checks in
/// this order, numbered by position.
struct Line {
    check: &'static Check,
    /// Title in each wording era (see [`era`]).
    titles: [&'static str; 3],
    /// Level in 1.2.0, and from 1.4.0 on.
    levels: [u8; 2],
    /// First and last version (indexes) that have it.
    versions: (usize, usize),
    /// The first version that marks it Manual.
    manual_from: usize,
    security_hub: Option<&'static str>,
}

const ALL: (usize, usize) = (V1_2, V7_0);
const TO_2_0: (usize, usize) = (V1_2, V3_0 - 1);
const FROM_1_4: (usize, usize) = (V1_4, V7_0);

const ACCESS_LOG_TITLES: [&str; 3] = [
    "Ensure S3 bucket access logging is enabled on the CloudTrail S3 bucket",
    "Ensure S3 bucket access logging is enabled on the CloudTrail S3 bucket",
    "Ensure that server access logging is enabled on the CloudTrail S3 bucket",
];
const ROTATION_TITLES: [&str; 3] = [
    "Ensure rotation for customer created CMKs is enabled",
    "Ensure rotation for customer created symmetric CMKs is enabled",
    "Ensure rotation for customer-created symmetric CMKs is enabled",
];
#[rustfmt::skip]
const DATA_EVENT_TITLES: [[&str; 3]; 2] = [
    ["", "Ensure that Object-level logging for write events is enabled for S3 bucket", "Ensure that object-level logging for write events is enabled for S3 buckets"],
    ["", "Ensure that Object-level logging for read events is enabled for S3 bucket", "Ensure that object-level logging for read events is enabled for S3 buckets"],
];

#[rustfmt::skip]
const LINES: [Line; 12] = [
    Line { check: &all_regions::CHECK, titles: ["Ensure CloudTrail is enabled in all regions"; 3], levels: [1, 1], versions: ALL, manual_from: V5_0, security_hub: Some("CloudTrail.1") },
    Line { check: &validation::CHECK, titles: ["Ensure CloudTrail log file validation is enabled"; 3], levels: [2, 2], versions: ALL, manual_from: NEVER, security_hub: Some("CloudTrail.4") },
    Line { check: &private_bucket::CHECK, titles: ["Ensure the S3 bucket used to store CloudTrail logs is not publicly accessible"; 3], levels: [1, 1], versions: TO_2_0, manual_from: NEVER, security_hub: Some("CloudTrail.6") },
    Line { check: &cloudwatch_logs::CHECK, titles: ["Ensure CloudTrail trails are integrated with CloudWatch Logs"; 3], levels: [1, 1], versions: TO_2_0, manual_from: NEVER, security_hub: Some("CloudTrail.5") },
    Line { check: &config::CHECK, titles: ["Ensure AWS Config is enabled in all regions"; 3], levels: [1, 2], versions: ALL, manual_from: NEVER, security_hub: Some("Config.1") },
    Line { check: &access_logging::CHECK, titles: ACCESS_LOG_TITLES, levels: [1, 1], versions: ALL, manual_from: V5_0, security_hub: Some("CloudTrail.7") },
    Line { check: &kms_encryption::CHECK, titles: ["Ensure CloudTrail logs are encrypted at rest using KMS CMKs"; 3], levels: [2, 2], versions: ALL, manual_from: NEVER, security_hub: Some("CloudTrail.2") },
    Line { check: &key_rotation::CHECK, titles: ROTATION_TITLES, levels: [2, 2], versions: ALL, manual_from: NEVER, security_hub: Some("KMS.4") },
    Line { check: &flow_logs::CHECK, titles: ["Ensure VPC flow logging is enabled in all VPCs"; 3], levels: [2, 2], versions: ALL, manual_from: NEVER, security_hub: Some("EC2.6") },
    Line { check: &object_logging::WRITE, titles: DATA_EVENT_TITLES[0], levels: [2, 2], versions: FROM_1_4, manual_from: NEVER, security_hub: Some("S3.22") },
    Line { check: &object_logging::READ, titles: DATA_EVENT_TITLES[1], levels: [2, 2], versions: FROM_1_4, manual_from: NEVER, security_hub: Some("S3.23") },
    // 7.0.0's 4.10, Manual; no single Security Hub control (CloudFront.5,
    // ELB.5 and APIGateway.9 each cover a part; see `web_access_logging::security_hub_of`).
    Line { check: &web_access_logging::CHECK, titles: ["", "", "Ensure all AWS-managed web front-end services have access logging enabled"], levels: [1, 1], versions: (V7_0, V7_0), manual_from: V7_0, security_hub: None },
];

const EMPTY: Control = Control {
    edition: (0, 0),
    id: "",
    title: "",
    level: 0,
    automated: false,
    security_hub: None,
    check: &all_regions::CHECK,
};

/// The controls of version `v`, in order; `N` is how many it has.
const fn rows<const N: usize>(v: usize) -> [Control; N] {
    let mut out = [EMPTY; N];
    let mut n = 0;
    let mut i = 0;
    while i < LINES.len() {
        let c = &LINES[i];
        if c.versions.0 <= v && v <= c.versions.1 {
            out[n] = Control {
                edition: VERSIONS[v].2,
                id: IDS[section(v)][n],
                title: c.titles[era(v)],
                level: c.levels[if v == V1_2 { 0 } else { 1 }],
                automated: v < c.manual_from,
                security_hub: c.security_hub,
                check: c.check,
            };
            n += 1;
        }
        i += 1;
    }
    assert!(n == N, "N is the version's count of controls");
    out
}

const fn version(v: usize, controls: &'static [Control]) -> Benchmark {
    Benchmark {
        key: VERSIONS[v].0,
        name: NAME,
        version: VERSIONS[v].1,
        edition: VERSIONS[v].2,
        section: SECTIONS[section(v)],
        controls,
    }
}

const R1_2: [Control; 9] = rows(0);
const R1_4: [Control; 11] = rows(1);
const R1_5: [Control; 11] = rows(2);
const R2_0: [Control; 11] = rows(3);
const R3_0: [Control; 9] = rows(4);
const R4_0: [Control; 9] = rows(5);
const R5_0: [Control; 9] = rows(6);
const R6_0: [Control; 9] = rows(7);
const R7_0: [Control; 10] = rows(8);

pub static CIS_1_2: Benchmark = version(0, &R1_2);
pub static CIS_1_4: Benchmark = version(1, &R1_4);
pub static CIS_1_5: Benchmark = version(2, &R1_5);
pub static CIS_2_0: Benchmark = version(3, &R2_0);
pub static CIS_3_0: Benchmark = version(4, &R3_0);
pub static CIS_4_0: Benchmark = version(5, &R4_0);
pub static CIS_5_0: Benchmark = version(6, &R5_0);
pub static CIS_6_0: Benchmark = version(7, &R6_0);
pub static CIS_7_0: Benchmark = version(8, &R7_0);

/// The benchmark of a run that names none.
pub const DEFAULT: &Benchmark = &CIS_1_2;

/// In release order.
pub static BENCHMARKS: [&Benchmark; 9] = [
    &CIS_1_2, &CIS_1_4, &CIS_1_5, &CIS_2_0, &CIS_3_0, &CIS_4_0, &CIS_5_0, &CIS_6_0, &CIS_7_0,
];
