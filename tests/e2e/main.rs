//! Against the moto emulator: the `remediate` binary as a user runs it
//! (apply_cmd, detect, plan_cmd, safety, permissions_cmd, live_check), the
//! collector and executor through the library (collect_smoke, execute_ops),
//! fault injection (faults), the strict layer (strict_emulator) and the
//! harness itself (harness_smoke). One fresh server per test, so tests run
//! in parallel; one binary, so the harness compiles once.

#[path = "../common/mod.rs"]
mod common;

mod apply_cmd;
mod benchmarks;
mod collect_smoke;
mod detect;
mod execute_ops;
mod faults;
mod harness_smoke;
mod live_check;
mod org;
mod permissions_cmd;
mod plan_cmd;
mod plan_integrity;
mod safety;
mod strict_emulator;
mod validators;
mod web;

use serde_json::Value;

/// Run `remediate plan --format json` with `args`; returns (exit code, JSON, stderr).
pub fn plan_json(moto: &common::Moto, args: &[&str]) -> (i32, Value, String) {
    let out = common::remediate_cmd(moto)
        .args(["plan", "--format", "json"])
        .args(args)
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr).to_string();
    let json: Value = serde_json::from_slice(&out.stdout)
        .unwrap_or_else(|e| panic!("stdout is not JSON ({e}); stderr: {stderr}"));
    (out.status.code().unwrap_or(-1), json, stderr)
}

/// Findings of one control.
pub fn findings<'a>(plan: &'a Value, control: &str) -> Vec<&'a Value> {
    plan["findings"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|f| f["control"] == control)
        .collect()
}

pub fn rt() -> tokio::runtime::Runtime {
    tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .unwrap()
}

pub const TWO: &str = "us-east-1,eu-west-1";
