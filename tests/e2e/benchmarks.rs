//! Every benchmark version on the seeded non-compliant account: `plan
//! --benchmark X` fails exactly that version's Logging ids (the account
//! breaks every one of them: no trail passes, no data events are recorded),
//! `apply --benchmark X --yes` converges and a second plan exits 0.

use std::collections::BTreeSet;

use crate::common::{self, Moto};
use crate::plan_json;

fn converges(key: &str) {
    let bench = remediate::controls::benchmark(key).unwrap();
    let moto = Moto::start();
    common::seed_non_compliant(&moto);
    let scope = ["--regions", "us-east-1", "--benchmark", key];
    let (code, plan, err) = plan_json(&moto, &scope);
    assert_eq!(code, 2, "{key}: {err}");
    assert_eq!(plan["benchmark"], key);
    assert_eq!(plan["benchmark_version"], bench.version);
    let failing: BTreeSet<&str> = plan["findings"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|f| f["status"] == "fail")
        .map(|f| f["control"].as_str().unwrap())
        .collect();
    // 7.0's 4.10 included: the seeded web front ends have no access logs.
    let ids: BTreeSet<&str> = bench.controls.iter().map(|c| c.id).collect();
    assert_eq!(failing, ids, "{key}: failing ids");
    // Security Hub ids ride along with every finding.
    for f in plan["findings"].as_array().unwrap() {
        let c = bench.get(f["control"].as_str().unwrap()).unwrap();
        let resource = f["resource"].as_str().unwrap();
        assert_eq!(
            f["security_hub"].as_str(),
            c.security_hub_for(resource),
            "{f}"
        );
    }
    let out = common::remediate_cmd(&moto)
        .args(["apply", "--yes", "--journal", "j.jsonl"])
        .args(scope)
        .output()
        .unwrap();
    let err = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(0), "{key}: apply: {err}");
    let (code, plan, err) = plan_json(&moto, &scope);
    assert_eq!(
        code, 0,
        "{key}: plan after apply: {err}\n{}",
        plan["findings"]
    );
}

#[test]
fn cis_1_2() {
    converges("cis-1.2");
}
#[test]
fn cis_1_4() {
    converges("cis-1.4");
}
#[test]
fn cis_1_5() {
    converges("cis-1.5");
}
#[test]
fn cis_2_0() {
    converges("cis-2.0");
}
#[test]
fn cis_3_0() {
    converges("cis-3.0");
}
#[test]
fn cis_4_0() {
    converges("cis-4.0");
}
#[test]
fn cis_5_0() {
    converges("cis-5.0");
}
#[test]
fn cis_6_0() {
    converges("cis-6.0");
}
#[test]
fn cis_7_0() {
    converges("cis-7.0");
}

/// Ids of another version are refused with one line naming the benchmark.
#[test]
fn a_control_id_of_another_version_is_refused() {
    let moto = Moto::start();
    let out = common::remediate_cmd(&moto)
        .args(["plan", "--benchmark", "cis-3.0", "--control", "3.10"])
        .output()
        .unwrap();
    let err = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(1));
    assert!(err.contains("unknown control \"3.10\" in cis-3.0"), "{err}");
    assert_eq!(err.trim().lines().count(), 1, "{err}");
    let out = common::remediate_cmd(&moto)
        .args(["plan", "--benchmark", "cis-9.9"])
        .output()
        .unwrap();
    let err = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(1));
    assert!(err.contains("unknown benchmark \"cis-9.9\""), "{err}");
}
