//! Rotation is enabled for customer-created keys.
//!
//! Passes: every customer-managed, Enabled, SYMMETRIC_DEFAULT key with
//!         AWS-made material (Origin=AWS_KMS) has yearly rotation on.
//! Skips:  AWS-managed, asymmetric and HMAC, imported-material, custom key
//!         store, disabled and pending-deletion keys, and multi-Region
//!         replicas (rotation is set on the primary) — each with the reason.
//!         (v1.4 on says "symmetric" keys; v1.2 predates the other kinds,
//!         and KMS cannot rotate them: out of scope in every version, as
//!         in Security Hub's KMS.4.)
//! Fix:    EnableKeyRotation on each failing key, then read it back.
//! Safety: safe — no access changes, no data moved; old material still decrypts.

use serde_json::json;

use super::{Check, Control};
use crate::actions::SetKeyRotation;
use crate::finding::{Finding, Status};
use crate::plan::builder::{Draft, Planner};
use crate::plan::{Op, Safety};
use crate::settings::FileSettings;
use crate::snapshot::{Key, Service, Snapshot};

pub const CHECK: Check = Check {
    key: "key-rotation",
    fix: "EnableKeyRotation",
    detect,
    plan,
    resource_security_hub: None,
};

/// Why a key is out of scope, or `None` when it is in scope.
pub fn out_of_scope(k: &Key) -> Option<String> {
    if k.manager != "CUSTOMER" {
        return Some(format!("{} managed key", k.manager));
    }
    if k.state != "Enabled" {
        return Some(format!("key state {}", k.state));
    }
    if k.spec != "SYMMETRIC_DEFAULT" {
        return Some(format!(
            "{} key (rotation applies to symmetric keys)",
            k.spec
        ));
    }
    if k.origin != "AWS_KMS" {
        return Some(format!("key material origin {}", k.origin));
    }
    if k.custom_key_store_id.is_some() {
        return Some("key in a custom key store".into());
    }
    if k.multi_region_role.as_deref() == Some("REPLICA") {
        return Some("multi-Region replica (rotation is set on the primary)".into());
    }
    None
}

fn detect(snap: &Snapshot, _s: &FileSettings, c: &Control) -> Vec<Finding> {
    let id = c.id;
    let mut out: Vec<Finding> = snap
        .keys
        .values()
        .map(|k| {
            let f = |status, why: String| Finding::new(id, &k.region, &k.arn, status, why);
            if let Some(why) = out_of_scope(k) {
                return f(Status::Skipped, why);
            }
            match k.rotation_enabled {
                Some(true) => f(Status::Pass, "KeyRotationEnabled=true".into()),
                Some(false) => f(Status::Fail, "KeyRotationEnabled=false".into()),
                None => f(Status::Error, "rotation status could not be read".into()),
            }
        })
        .collect();
    for r in &snap.regions {
        if let Some(e) = snap.read_failed(r, Service::Kms) {
            out.push(Finding::new(
                id,
                r,
                snap.arn("kms", r, "key/*"),
                Status::Error,
                format!("cannot read KMS: {} {}", e.operation, e.message),
            ));
        }
    }
    out
}

fn plan(p: &mut Planner, id: &str, findings: &[Finding]) {
    for f in findings {
        let Some(k) = p.snap.keys.get(&f.resource) else {
            continue;
        };
        p.add(
            id,
            &[f.id()],
            Draft {
                op: Op::SetKeyRotation(SetKeyRotation {
                    key_id: k.key_id.clone(),
                    enabled: true,
                }),
                region: k.region.clone(),
                target: k.arn.clone(),
                before: json!({"KeyRotationEnabled": false}),
                after: json!({"KeyRotationEnabled": true}),
                reason: "turn on yearly rotation".into(),
                safety: Safety::Safe,
                depends_on: vec![],
                observes: vec![format!("keys/{}#rotation_enabled", k.arn)],
            },
        );
    }
}
