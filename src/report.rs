//! An organization run as data: one part per account (its plan, or the error
//! that kept it from being read), the saved form of it, and the merge of
//! several shards' outputs into one report.
//!
//! Each account's part is a whole single-account [`Plan`]: its findings, its
//! actions and the observed attributes that make it stale, so `apply` checks
//! and refuses one account's part without touching the others.

use serde::{Deserialize, Serialize};
use serde_json::Value;
use sha2::{Digest, Sha256};
use std::collections::BTreeMap;
use std::path::Path;

use crate::finding::Status;
use crate::plan::Plan;
use crate::policy::canonical;

/// Version of the organization plan format (JSON output and saved file).
pub const ORG_FORMAT_VERSION: u32 = 1;

/// What `kind` says in an organization plan or report.
pub const KIND: &str = "organization";

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct AccountPart {
    pub account_id: String,
    #[serde(default)]
    pub name: String,
    /// The account's plan; `None` when the account could not be reached
    /// or read (then `error` says why).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub plan: Option<Plan>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub error: Option<String>,
    /// API calls made for this account.
    #[serde(default)]
    pub api_calls: u64,
}

impl AccountPart {
    /// The part without its plan (its identity, error and call count).
    pub fn clone_without_plan(&self) -> AccountPart {
        AccountPart {
            account_id: self.account_id.clone(),
            name: self.name.clone(),
            plan: None,
            error: self.error.clone(),
            api_calls: self.api_calls,
        }
    }

    /// `drift`, `error`, `clean` (or `unproven`: parts unreadable, nothing drifts).
    pub fn verdict(&self) -> &'static str {
        match &self.plan {
            None => "error",
            Some(p) if p.findings.iter().any(|f| f.status == Status::Fail) => "drift",
            Some(p) if p.findings.iter().any(|f| f.status == Status::Error) => "unproven",
            Some(_) => "clean",
        }
    }
}

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct OrgPlan {
    pub kind: String,
    pub format_version: u32,
    pub tool_version: String,
    /// The account the run was made from.
    pub caller_account: String,
    pub benchmark: String,
    /// `K/N` when this is one shard of the selected accounts.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub shard: Option<String>,
    /// Sorted by account id.
    pub accounts: Vec<AccountPart>,
}

impl OrgPlan {
    /// 2 if any account drifts; else 1 if any account errored or could not
    /// be read in full; else 0 — the single-account meanings, over the run.
    pub fn exit_code(&self) -> i32 {
        let v: Vec<&str> = self.accounts.iter().map(AccountPart::verdict).collect();
        if v.contains(&"drift") {
            2
        } else if v.contains(&"error") || v.contains(&"unproven") {
            1
        } else {
            0
        }
    }

    /// The merge of several runs' outputs (shards): every account once,
    /// sorted; the same benchmark throughout. A later duplicate of an
    /// account is refused: two shards should never hold the same account.
    pub fn merge(parts: Vec<(String, OrgPlan)>) -> Result<OrgPlan, String> {
        let mut accounts: BTreeMap<String, (String, AccountPart)> = BTreeMap::new();
        let mut first: Option<OrgPlan> = None;
        for (name, p) in parts {
            let head = first.get_or_insert_with(|| OrgPlan {
                accounts: vec![],
                shard: None,
                ..p.clone()
            });
            if p.benchmark != head.benchmark {
                return Err(format!(
                    "{name} was made for {}, the others for {}: merge reports of one benchmark",
                    p.benchmark, head.benchmark
                ));
            }
            for a in p.accounts {
                if let Some((other, _)) = accounts.get(&a.account_id) {
                    return Err(format!(
                        "account {} is in both {other} and {name}: shards overlap",
                        a.account_id
                    ));
                }
                accounts.insert(a.account_id.clone(), (name.clone(), a));
            }
        }
        let mut out = first.ok_or("nothing to merge")?;
        out.accounts = accounts.into_values().map(|(_, a)| a).collect();
        Ok(out)
    }
}

/// Read a report written by `plan --format json` (an organization's, or one
/// account's: that becomes a one-account report). The error names the file.
pub fn read_report(path: &Path) -> Result<OrgPlan, String> {
    let name = path.display().to_string();
    let text = std::fs::read_to_string(path).map_err(|e| format!("cannot read {name}: {e}"))?;
    let v: Value = serde_json::from_str(&text)
        .map_err(|e| format!("{name} is not a JSON report of remediate plan: {e}"))?;
    if v.get("kind").and_then(Value::as_str) == Some(KIND) {
        match v.get("format_version").and_then(Value::as_u64) {
            Some(n) if n == u64::from(ORG_FORMAT_VERSION) => {}
            other => {
                return Err(format!(
                    "{name} has organization format version {other:?}; this remediate reads {ORG_FORMAT_VERSION}"
                ));
            }
        }
        return serde_json::from_value(v).map_err(|e| format!("{name}: {e}"));
    }
    let plan: Plan = serde_json::from_value(v)
        .map_err(|e| format!("{name} is not a JSON report of remediate plan: {e}"))?;
    Ok(OrgPlan {
        kind: KIND.into(),
        format_version: ORG_FORMAT_VERSION,
        tool_version: plan.tool_version.clone(),
        caller_account: plan.account_id.clone(),
        benchmark: plan.benchmark.clone(),
        shard: None,
        accounts: vec![AccountPart {
            account_id: plan.account_id.clone(),
            name: String::new(),
            plan: Some(plan),
            error: None,
            api_calls: 0,
        }],
    })
}

/// The saved organization plan: sealed as a whole (integrity), each
/// account's part checked on its own when applied (staleness).
#[derive(Debug, Serialize, Deserialize)]
pub struct OrgPlanFile {
    pub kind: String,
    pub format_version: u32,
    pub created_at: String,
    /// Present when the plan was saved with `--sign-with`: one signature
    /// over the whole file (every account's part).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub signature: Option<crate::plan::file::Signature>,
    pub plan: OrgPlan,
    pub sha256: String,
}

/// SHA-256 of the canonical JSON of the file's content: what the seal
/// spells in hex and a signature signs.
pub fn digest(created_at: &str, plan: &OrgPlan) -> [u8; 32] {
    let v = serde_json::json!({"created_at": created_at, "format_version": ORG_FORMAT_VERSION, "kind": KIND, "plan": plan});
    Sha256::digest(canonical(&v).as_bytes()).into()
}

fn seal(created_at: &str, plan: &OrgPlan) -> String {
    hex::encode(digest(created_at, plan))
}

pub fn write_file(
    path: &Path,
    plan: &OrgPlan,
    created_at: String,
    signature: Option<crate::plan::file::Signature>,
) -> anyhow::Result<()> {
    let file = OrgPlanFile {
        kind: KIND.into(),
        format_version: ORG_FORMAT_VERSION,
        sha256: seal(&created_at, plan),
        created_at,
        signature,
        plan: plan.clone(),
    };
    let mut text = serde_json::to_string_pretty(&file)?;
    text.push('\n');
    crate::plan::file::write_text(path, &text)
}

/// Whether a saved plan file is an organization's (read without judging it).
pub fn is_org_file(text: &str) -> bool {
    serde_json::from_str::<Value>(text)
        .ok()
        .and_then(|v| v.get("kind").and_then(Value::as_str).map(|k| k == KIND))
        .unwrap_or(false)
}

pub fn parse_file(name: &str, text: &str) -> Result<OrgPlanFile, String> {
    let v: Value = serde_json::from_str(text)
        .map_err(|e| format!("plan file {name} is not a plan (corrupted or truncated?): {e}"))?;
    match v.get("format_version").and_then(Value::as_u64) {
        Some(n) if n == u64::from(ORG_FORMAT_VERSION) => {}
        Some(n) => {
            return Err(format!(
                "plan file {name} has organization format version {n}; this remediate reads version {ORG_FORMAT_VERSION}: make the plan again"
            ));
        }
        None => return Err(format!("plan file {name} is not a plan: no format_version")),
    }
    let file: OrgPlanFile = serde_json::from_value(v)
        .map_err(|e| format!("plan file {name} is not a plan (corrupted or truncated?): {e}"))?;
    if seal(&file.created_at, &file.plan) != file.sha256 {
        return Err(format!(
            "plan file {name} was changed after it was made (integrity check failed): make the plan again"
        ));
    }
    Ok(file)
}
