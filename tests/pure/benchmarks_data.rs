//! `src/benchmarks_data.rs` (not yet wired into the library) compiles, is
//! consistent, and agrees with the registry on v1.2.0.

#[path = "../../src/benchmarks_data.rs"]
#[allow(dead_code)]
mod data;

use data::VERSIONS;
use std::collections::BTreeSet;

#[test]
fn every_version_has_unique_ids_and_check_keys_in_its_logging_section() {
    for v in &VERSIONS {
        let prefix = v.section.split(' ').next().unwrap();
        let ids: BTreeSet<_> = v.rows.iter().map(|r| r.0).collect();
        let keys: BTreeSet<_> = v.rows.iter().map(|r| r.1).collect();
        assert_eq!(ids.len(), v.rows.len(), "{}: duplicate id", v.key);
        assert_eq!(keys.len(), v.rows.len(), "{}: duplicate check", v.key);
        for (i, r) in v.rows.iter().enumerate() {
            assert_eq!(
                r.0,
                format!("{prefix}.{}", i + 1),
                "{}: ids in order",
                v.key
            );
            assert!(
                r.2.starts_with("Ensure "),
                "{} {}: title as worded",
                v.key,
                r.0
            );
            assert!(r.3 == 1 || r.3 == 2, "{} {}: level", v.key, r.0);
        }
        assert_eq!(v.name, data::NAME);
        assert!(v.key.starts_with("cis-") && v.version.starts_with(&v.key[4..]));
    }
}

#[test]
fn the_v1_2_rows_match_the_registry() {
    let v = &VERSIONS[0];
    assert_eq!(v.version, remediate::controls::CIS_1_2.version);
    assert_eq!(v.rows.len(), remediate::controls::REGISTRY.len());
    for (r, c) in v.rows.iter().zip(remediate::controls::REGISTRY.iter()) {
        // The table spells check keys with `_`, the check files with `-`.
        assert_eq!(r.1.replace('_', "-"), c.check.key);
        assert_eq!(
            (r.0, r.3, r.4, r.5),
            (c.id, c.level, c.automated, c.security_hub)
        );
    }
}

#[test]
fn a_check_keeps_its_security_hub_control_across_versions() {
    let mut seen = std::collections::BTreeMap::new();
    for v in &VERSIONS {
        for r in v.rows {
            let prev = seen.insert(r.1, r.5);
            assert!(prev.is_none() || prev == Some(r.5), "{} {}", v.key, r.0);
        }
    }
    assert_eq!(seen.len(), 12);
}

/// Facts read from the sources (docs/benchmarks.md), one per change
/// between versions.
#[test]
fn the_changes_between_versions_are_where_the_sources_put_them() {
    let row = |v: &str, id: &str| {
        let b = VERSIONS.iter().find(|b| b.version == v).unwrap();
        *b.rows.iter().find(|r| r.0 == id).unwrap()
    };
    let count = |v: &str| VERSIONS.iter().find(|b| b.version == v).unwrap().rows.len();
    assert_eq!(
        [
            ("1.2.0", 9),
            ("1.4.0", 11),
            ("2.0.0", 11),
            ("3.0.0", 9),
            ("5.0.0", 9),
            ("7.0.0", 10)
        ]
        .map(|(v, _)| count(v)),
        [9, 11, 11, 9, 9, 10]
    );
    assert_eq!(row("1.2.0", "2.5").3, 1, "Config is Level 1 in 1.2.0");
    assert_eq!(row("1.4.0", "3.5").3, 2, "and Level 2 from 1.4.0");
    assert_eq!(row("1.4.0", "3.10").1, "s3_object_write_events");
    assert_eq!(row("3.0.0", "3.3").1, "config_all_regions");
    assert_eq!(row("3.0.0", "3.9").5, Some("S3.23"));
    assert!(
        row("4.0.1", "3.1").4 && !row("5.0.0", "3.1").4,
        "3.1 Manual from 5.0.0"
    );
    assert!(!row("5.0.0", "3.4").4 && row("5.0.0", "3.2").4);
    assert_eq!(row("6.0.0", "4.7").1, "vpc_flow_logs");
    assert_eq!(row("7.0.0", "4.10").1, "web_frontend_access_logging");
    assert_eq!(row("7.0.0", "4.10").5, None);
    assert_eq!(
        row("1.4.0", "3.8").2,
        "Ensure rotation for customer created symmetric CMKs is enabled"
    );
    assert_eq!(
        row("4.0.1", "3.4").2,
        "Ensure that server access logging is enabled on the CloudTrail S3 bucket"
    );
}
