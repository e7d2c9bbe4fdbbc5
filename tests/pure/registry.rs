//! The benchmark registry (src/controls/registry.rs) is consistent, and
//! each change between versions is where the sources put it
//! (docs/benchmarks.md).

use remediate::controls::{BENCHMARKS, Benchmark, Control};
use std::collections::BTreeSet;

/// `(id, check key with `_`, title, level, automated, Security Hub id)`.
type Row = (
    &'static str,
    String,
    &'static str,
    u8,
    bool,
    Option<&'static str>,
);

fn rows(b: &Benchmark) -> Vec<Row> {
    b.controls
        .iter()
        .map(|c: &Control| {
            (
                c.id,
                c.check.key.replace('-', "_"),
                c.title,
                c.level,
                c.automated,
                c.security_hub,
            )
        })
        .collect()
}

#[test]
fn every_version_has_unique_ids_and_check_keys_in_its_logging_section() {
    for v in BENCHMARKS {
        let prefix = v.section.split(' ').next().unwrap();
        let v_rows = rows(v);
        let ids: BTreeSet<_> = v_rows.iter().map(|r| r.0).collect();
        let keys: BTreeSet<_> = v_rows.iter().map(|r| r.1.clone()).collect();
        assert_eq!(ids.len(), v_rows.len(), "{}: duplicate id", v.key);
        assert_eq!(keys.len(), v_rows.len(), "{}: duplicate check", v.key);
        for (i, r) in v_rows.iter().enumerate() {
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
        assert_eq!(v.name, "CIS Amazon Web Services Foundations Benchmark");
        assert!(v.key.starts_with("cis-") && v.version.starts_with(&v.key[4..]));
    }
}

#[test]
fn a_check_keeps_its_security_hub_control_across_versions() {
    let mut seen = std::collections::BTreeMap::new();
    for v in BENCHMARKS {
        for r in rows(v) {
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
        let b = BENCHMARKS.iter().find(|b| b.version == v).unwrap();
        rows(b).into_iter().find(|r| r.0 == id).unwrap()
    };
    let count = |v: &str| {
        BENCHMARKS
            .iter()
            .find(|b| b.version == v)
            .unwrap()
            .controls
            .len()
    };
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
