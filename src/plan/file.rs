//! The saved plan file (`plan --out FILE`, `apply FILE`, `show FILE`).
//!
//! A plan file is the plan plus who made it and when, sealed with a SHA-256
//! of its canonical content, so a truncated, corrupted or hand-edited file is
//! refused before anything is read from it. The seal is an integrity check:
//! anyone can recompute it. What stops an edit made on purpose is that
//! `apply FILE` plans the account afresh and refuses a file whose actions
//! differ (`plan::integrity`), and, for a reviewer's approval to travel with
//! the file, an optional [`Signature`] by a KMS key over the same digest
//! (`plan --sign-with`, `apply --verify-with`; `crate::signing`).

use serde::{Deserialize, Serialize};
use serde_json::Value;
use sha2::{Digest, Sha256};
use std::path::Path;

use super::builder::observe;
use super::{FORMAT_VERSION, Plan};
use crate::policy::canonical;
use crate::snapshot::Snapshot;

#[derive(Debug, Serialize, Deserialize, schemars::JsonSchema)]
pub struct PlanFile {
    pub format_version: u32,
    pub created_at: String,
    /// Present when the plan was saved with `--sign-with`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub signature: Option<Signature>,
    pub plan: Plan,
    /// SHA-256 of the canonical JSON of `{created_at, format_version, plan}`.
    pub sha256: String,
}

#[derive(Debug, thiserror::Error, PartialEq)]
pub enum PlanFileError {
    #[error("cannot read plan file {0}: {1}")]
    Unreadable(String, String),
    #[error("plan file {0} is not a plan (corrupted or truncated?): {1}")]
    Corrupt(String, String),
    #[error(
        "plan file {0} has format version {1}; this remediate reads version {FORMAT_VERSION}: make the plan again"
    )]
    Version(String, u64),
    #[error(
        "plan file {0} was changed after it was made (integrity check failed): make the plan again"
    )]
    Tampered(String),
    #[error("{0} was made for account {1} ({2}), the credentials are for account {3} ({4})")]
    OtherAccount(String, String, String, String, String),
    #[error("plan file {0} is stale: {1} changed since it was made; run `remediate plan` again")]
    Stale(String, String),
}

/// A signature over a plan file's digest (its seal, as bytes), in the
/// file's header. Who signed is proved by the signature alone: `key_arn`
/// and `algorithm` say what the signer claims, and a verifier checks them
/// against the key *it* was told to trust, never against these.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, schemars::JsonSchema)]
pub struct Signature {
    /// The KMS key that signed, as KMS named it in its Sign answer.
    pub key_arn: String,
    /// `RSASSA_PSS_SHA_256` or `ECDSA_SHA_256`.
    pub algorithm: String,
    /// Base64 of the signature of the 32-byte digest (KMS `MessageType`
    /// `DIGEST`): RSASSA-PSS with a 32-byte salt, or DER-encoded ECDSA.
    pub value: String,
}

/// SHA-256 of the canonical JSON of `{created_at, format_version, plan}`:
/// what the seal spells in hex and a signature signs.
pub fn digest(created_at: &str, plan: &Plan) -> [u8; 32] {
    let v = serde_json::json!({"created_at": created_at, "format_version": FORMAT_VERSION, "plan": plan});
    Sha256::digest(canonical(&v).as_bytes()).into()
}

fn seal(created_at: &str, plan: &Plan) -> String {
    hex::encode(digest(created_at, plan))
}

pub fn write(
    path: &Path,
    plan: &Plan,
    created_at: String,
    signature: Option<Signature>,
) -> anyhow::Result<()> {
    write_text(path, &to_text(plan, created_at, signature))
}

/// Write then rename, so a crash never leaves half a plan behind.
pub fn write_text(path: &Path, text: &str) -> anyhow::Result<()> {
    let tmp = path.with_extension("tmp");
    std::fs::write(&tmp, text)
        .and_then(|_| std::fs::rename(&tmp, path))
        .map_err(|e| anyhow::anyhow!("cannot write plan file {}: {e}", path.display()))
}

pub fn read(path: &Path) -> Result<PlanFile, PlanFileError> {
    let name = path.display().to_string();
    let text = std::fs::read_to_string(path)
        .map_err(|e| PlanFileError::Unreadable(name.clone(), e.to_string()))?;
    parse(&name, &text)
}

pub fn parse(name: &str, text: &str) -> Result<PlanFile, PlanFileError> {
    let v: Value = serde_json::from_str(text)
        .map_err(|e| PlanFileError::Corrupt(name.into(), e.to_string()))?;
    match v.get("format_version").and_then(Value::as_u64) {
        Some(n) if n == FORMAT_VERSION as u64 => {}
        Some(n) => return Err(PlanFileError::Version(name.into(), n)),
        None => {
            return Err(PlanFileError::Corrupt(
                name.into(),
                "no format_version".into(),
            ));
        }
    }
    let file: PlanFile = serde_json::from_value(v)
        .map_err(|e| PlanFileError::Corrupt(name.into(), e.to_string()))?;
    if seal(&file.created_at, &file.plan) != file.sha256 {
        return Err(PlanFileError::Tampered(name.into()));
    }
    Ok(file)
}

/// Refuse a plan made for another account or partition.
pub fn check_account(
    name: &str,
    plan: &Plan,
    account: &str,
    partition: &str,
) -> Result<(), PlanFileError> {
    if plan.account_id != account || plan.partition != partition {
        return Err(PlanFileError::OtherAccount(
            name.into(),
            plan.account_id.clone(),
            plan.partition.clone(),
            account.into(),
            partition.into(),
        ));
    }
    Ok(())
}

/// Observed attributes that differ now, as their paths (empty: not stale).
pub fn changed(plan: &Plan, now: &Snapshot) -> Vec<String> {
    let mut out: Vec<String> = plan
        .actions
        .iter()
        .flat_map(|a| &a.observed)
        .filter(|o| observe(now, &o.path) != o.sha256)
        .map(|o| o.path.clone())
        .collect();
    out.sort();
    out.dedup();
    out
}

/// JSON Schema of the plan file (`plans/plan.schema.json`).
pub fn schema() -> Value {
    serde_json::to_value(schemars::schema_for!(PlanFile)).expect("schema serializes")
}

/// The plan file's text, as `write` saves it.
pub fn to_text(plan: &Plan, created_at: String, signature: Option<Signature>) -> String {
    let file = PlanFile {
        format_version: FORMAT_VERSION,
        sha256: seal(&created_at, plan),
        created_at,
        signature,
        plan: plan.clone(),
    };
    let mut text = serde_json::to_string_pretty(&file).expect("plan serializes");
    text.push('\n');
    text
}
