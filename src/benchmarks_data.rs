//! The Logging section of every CIS AWS Foundations Benchmark version this
//! tool may check, as data: for each version the control id, the check that
//! does it (stable key, independent of the numbering), the title as the
//! benchmark words it, the profile level, Automated/Scored (true) or
//! Manual/Not Scored (false), and the AWS Security Hub control that checks
//! the same thing.
//!
//! [`VERSIONS`] holds each version's rows; they are computed at compile
//! time from [`CHECKS`], one line per check saying what changed between
//! versions (title wording, level, which versions have it, from when it is
//! Manual), numbered by position in each version's Logging section.
//!
//! Not wired into `lib.rs`: a table to paste into the control registry.
//! `tests/pure/benchmarks_data.rs` compiles it and checks it (all rows of
//! 1.4.0 to 7.0.0 were compared with Prowler's transcriptions).
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

/// Titles that changed: as worded in 1.2.0; 1.4.0 to 3.0.0; 4.0.1 on.
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
/// S3 object-level logging, write then read.
#[rustfmt::skip]
const DATA_EVENT_TITLES: [[&str; 3]; 2] = [
    ["", "Ensure that Object-level logging for write events is enabled for S3 bucket", "Ensure that object-level logging for write events is enabled for S3 buckets"],
    ["", "Ensure that Object-level logging for read events is enabled for S3 bucket", "Ensure that object-level logging for read events is enabled for S3 buckets"],
];

/// The versions, oldest first: `(key, version)`. Indexes below refer to it.
const VERSION_NAMES: [(&str, &str); 9] = [
    ("cis-1.2", "1.2.0"),
    ("cis-1.4", "1.4.0"),
    ("cis-1.5", "1.5.0"),
    ("cis-2.0", "2.0.0"),
    ("cis-3.0", "3.0.0"),
    // CIS published 4.0.0 and then 4.0.1; the titles here are 4.0.1's.
    ("cis-4.0", "4.0.1"),
    ("cis-5.0", "5.0.0"),
    ("cis-6.0", "6.0.0"),
    ("cis-7.0", "7.0.0"),
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
struct Check {
    key: &'static str,
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

#[rustfmt::skip]
const CHECKS: [Check; 11] = [
    Check { key: "cloudtrail_all_regions", titles: ["Ensure CloudTrail is enabled in all regions"; 3], levels: [1, 1], versions: ALL, manual_from: V5_0, security_hub: Some("CloudTrail.1") },
    Check { key: "log_file_validation", titles: ["Ensure CloudTrail log file validation is enabled"; 3], levels: [2, 2], versions: ALL, manual_from: NEVER, security_hub: Some("CloudTrail.4") },
    Check { key: "trail_bucket_private", titles: ["Ensure the S3 bucket used to store CloudTrail logs is not publicly accessible"; 3], levels: [1, 1], versions: TO_2_0, manual_from: NEVER, security_hub: Some("CloudTrail.6") },
    Check { key: "cloudwatch_logs", titles: ["Ensure CloudTrail trails are integrated with CloudWatch Logs"; 3], levels: [1, 1], versions: TO_2_0, manual_from: NEVER, security_hub: Some("CloudTrail.5") },
    Check { key: "config_all_regions", titles: ["Ensure AWS Config is enabled in all regions"; 3], levels: [1, 2], versions: ALL, manual_from: NEVER, security_hub: Some("Config.1") },
    Check { key: "bucket_access_logging", titles: ACCESS_LOG_TITLES, levels: [1, 1], versions: ALL, manual_from: V5_0, security_hub: Some("CloudTrail.7") },
    Check { key: "kms_encryption", titles: ["Ensure CloudTrail logs are encrypted at rest using KMS CMKs"; 3], levels: [2, 2], versions: ALL, manual_from: NEVER, security_hub: Some("CloudTrail.2") },
    Check { key: "key_rotation", titles: ROTATION_TITLES, levels: [2, 2], versions: ALL, manual_from: NEVER, security_hub: Some("KMS.4") },
    Check { key: "vpc_flow_logs", titles: ["Ensure VPC flow logging is enabled in all VPCs"; 3], levels: [2, 2], versions: ALL, manual_from: NEVER, security_hub: Some("EC2.6") },
    Check { key: "s3_object_write_events", titles: DATA_EVENT_TITLES[0], levels: [2, 2], versions: FROM_1_4, manual_from: NEVER, security_hub: Some("S3.22") },
    Check { key: "s3_object_read_events", titles: DATA_EVENT_TITLES[1], levels: [2, 2], versions: FROM_1_4, manual_from: NEVER, security_hub: Some("S3.23") },
];

/// 7.0.0's 4.10, Manual, with no single Security Hub control.
const WEB: Check = Check {
    key: "web_frontend_access_logging",
    titles: [
        "",
        "",
        "Ensure all AWS-managed web front-end services have access logging enabled",
    ],
    levels: [1, 1],
    versions: (V7_0, V7_0),
    manual_from: V7_0,
    security_hub: None,
};

const EMPTY: Row = ("", "", "", 0, false, None);

/// The rows of version `v`, in order; `N` is how many it has.
const fn rows<const N: usize>(v: usize) -> [Row; N] {
    let mut out = [EMPTY; N];
    let mut n = 0;
    let mut i = 0;
    while i <= CHECKS.len() {
        let c = if i < CHECKS.len() { &CHECKS[i] } else { &WEB };
        if c.versions.0 <= v && v <= c.versions.1 {
            out[n] = (
                IDS[section(v)][n],
                c.key,
                c.titles[era(v)],
                c.levels[if v == V1_2 { 0 } else { 1 }],
                v < c.manual_from,
                c.security_hub,
            );
            n += 1;
        }
        i += 1;
    }
    assert!(n == N, "N is the version's count of controls");
    out
}

const R1_2: [Row; 9] = rows(0);
const R1_4: [Row; 11] = rows(1);
const R1_5: [Row; 11] = rows(2);
const R2_0: [Row; 11] = rows(3);
const R3_0: [Row; 9] = rows(4);
const R4_0: [Row; 9] = rows(5);
const R5_0: [Row; 9] = rows(6);
const R6_0: [Row; 9] = rows(7);
const R7_0: [Row; 10] = rows(8);

const fn version(v: usize, rows: &'static [Row]) -> BenchmarkVersion {
    BenchmarkVersion {
        key: VERSION_NAMES[v].0,
        name: NAME,
        version: VERSION_NAMES[v].1,
        section: SECTIONS[section(v)],
        rows,
    }
}

/// Oldest first. Each version's rows, as `(id, check_key, title, level,
/// automated, security_hub)`:
///
/// - 1.2.0 §2: 2.1–2.9, all Scored; Config (2.5) Level 1.
/// - 1.4.0, 1.5.0, 2.0.0 §3: 3.1–3.11, all Automated; Config Level 2;
///   3.10 / 3.11 S3 object-level write / read events.
/// - 3.0.0 §3: 3.1–3.9; the public-bucket and CloudWatch Logs controls gone.
/// - 4.0.1 §3: as 3.0.0, reworded.
/// - 5.0.0 §3: as 4.0.1, but 3.1 and 3.4 Manual.
/// - 6.0.0 §4: 5.0.0 renumbered 4.1–4.9.
/// - 7.0.0 §4: 6.0.0 plus 4.10 (web front-end access logging, Manual).
pub const VERSIONS: [BenchmarkVersion; 9] = [
    version(0, &R1_2),
    version(1, &R1_4),
    version(2, &R1_5),
    version(3, &R2_0),
    version(4, &R3_0),
    version(5, &R4_0),
    version(6, &R5_0),
    version(7, &R6_0),
    version(8, &R7_0),
];
