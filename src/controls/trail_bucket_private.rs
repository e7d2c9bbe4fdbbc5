//! The S3 bucket CloudTrail logs to is not publicly accessible.
//!
//! Passes: the bucket of every trail has no ACL grant to AllUsers or
//!         AuthenticatedUsers and no bucket-policy statement with
//!         Effect=Allow and Principal `*` / `{"AWS":"*"}`. `Deny *` statements
//!         (deny non-TLS) are protective and pass. A Public Access Block
//!         alone hides but does not remove a grant: a literal audit still
//!         fails, so it does here.
//! Skips:  buckets of another account (manual).
//!         A `Principal *` statement narrowed by a condition
//!         (`aws:PrincipalOrgID`, `aws:SourceVpce`, `aws:SourceIp`, …) still
//!         fails as written; an exemption naming its Sid keeps it.
//! Fix:    rewrite the ACL without the public grants, remove the public
//!         `Allow` statements (every other statement kept), then put a Public
//!         Access Block with all four settings on. When a removed statement
//!         is what let a service deliver (CloudTrail, Config, S3 log
//!         delivery, VPC flow logs), the documented service statements go
//!         into the same document, so delivery never stops; when nothing is
//!         left, the policy is deleted (S3 refuses an empty one).
//! Safety: needs review — whoever read the logs anonymously loses access;
//!         the plan names what each removed statement granted.

use serde_json::Value;

use super::config_all_regions::config_bucket_statements;
use super::shared::{
    access_log_statement, admits_cloudtrail, bucket_arn, bucket_out_of_reach, bucket_region,
    cloudtrail_bucket_statements, ensure_public_access_block, trail_buckets,
};
use super::vpc_flow_logs::flow_log_bucket_statements;
use super::{Check, Control};
use crate::actions::PutBucketAcl;
use crate::finding::{Finding, Status};
use crate::plan::builder::{Draft, Planner};
use crate::plan::{Op, Safety};
use crate::policy::{self, Caller};
use crate::settings::{Exemption, FileSettings};
use crate::snapshot::Snapshot;

pub const CHECK: Check = Check {
    key: "trail-bucket-private",
    fix: "remove public ACL grants and `Principal *` allows (delivery kept), Public Access Block",
    detect,
    plan,
    resource_security_hub: None,
};

fn detect(snap: &Snapshot, settings: &FileSettings, c: &Control) -> Vec<Finding> {
    let id = c.id;
    trail_buckets(snap)
        .into_iter()
        .map(|(name, trails)| {
            let region = bucket_region(snap, &name, &trails[0].home_region);
            if let Some(f) = bucket_out_of_reach(snap, id, &name, &region) {
                return f;
            }
            let b = &snap.buckets[&name];
            let mut why = vec![];
            for g in b
                .acl
                .iter()
                .flat_map(|a| &a.grants)
                .filter(|g| g.is_public())
            {
                let who = g
                    .uri
                    .as_deref()
                    .unwrap_or("")
                    .rsplit('/')
                    .next()
                    .unwrap_or("");
                why.push(format!("ACL grants {} to {who}", g.permission));
            }
            let arn = bucket_arn(snap, &name);
            let mut exempted = vec![];
            for s in b
                .policy
                .iter()
                .flat_map(policy::statements)
                .filter(policy::is_public_allow)
            {
                let sid = s.get("Sid").and_then(Value::as_str).unwrap_or("(no Sid)");
                let keys = policy::condition_keys(&s);
                if keys.is_empty() {
                    why.push(format!("policy statement {sid} allows Principal *"));
                } else if let Some(e) = exempt(settings, id, &arn, &s) {
                    exempted.push(format!("{sid} ({})", e.reason));
                } else {
                    why.push(format!(
                        "policy statement {sid} allows Principal * (narrowed only by {})",
                        keys.join(", ")
                    ));
                }
            }
            if why.is_empty() && !exempted.is_empty() {
                return Finding::new(
                    id,
                    &region,
                    arn,
                    Status::Skipped,
                    format!("exempted in settings: statement {}", exempted.join(", ")),
                );
            }
            if why.is_empty() {
                Finding::new(
                    id,
                    &region,
                    arn,
                    Status::Pass,
                    "no public ACL grant or Allow * statement",
                )
            } else {
                Finding::new(id, &region, arn, Status::Fail, why.join(", "))
            }
        })
        .collect()
}

fn plan(p: &mut Planner, id: &str, findings: &[Finding]) {
    for f in findings {
        let name = f
            .resource
            .rsplit(":::")
            .next()
            .unwrap_or_default()
            .to_string();
        let Some(b) = p.snap.buckets.get(&name).cloned() else {
            continue;
        };
        let fixes = [f.id()];
        let mut deps = vec![];
        if let Some(acl) = b
            .acl
            .as_ref()
            .filter(|a| a.grants.iter().any(|g| g.is_public()))
        {
            let kept: Vec<_> = acl
                .grants
                .iter()
                .filter(|g| !g.is_public())
                .cloned()
                .collect();
            deps.push(p.add(
                id,
                &fixes,
                Draft {
                    op: Op::PutBucketAcl(PutBucketAcl {
                        bucket: name.clone(),
                        owner_id: acl.owner_id.clone(),
                        owner_display_name: acl.owner_display_name.clone(),
                        grants: kept.clone(),
                    }),
                    region: f.region.clone(),
                    target: name.clone(),
                    before: serde_json::to_value(&acl.grants).unwrap(),
                    after: serde_json::to_value(&kept).unwrap(),
                    reason: "remove the public ACL grants (every other grant kept)".into(),
                    safety: Safety::NeedsReview,
                    depends_on: vec![],
                    observes: vec![format!("buckets/{name}/acl")],
                },
            ));
        }
        if let Some(doc) = &b.policy {
            let arn = bucket_arn(p.snap, &name);
            let settings = p.settings;
            let removable =
                |s: &Value| policy::is_public_allow(s) && exempt(settings, id, &arn, s).is_none();
            let removed: Vec<Value> = policy::statements(doc)
                .into_iter()
                .filter(removable)
                .collect();
            if !removed.is_empty() {
                let kept = policy::remove_statements(doc, removable);
                let (delivery, who) = delivery_statements(p.snap, &name, &kept);
                let mut reason = format!(
                    "remove the Allow statements with Principal * (every other statement kept); access this cuts: {}",
                    removed
                        .iter()
                        .map(policy::describe)
                        .collect::<Vec<_>>()
                        .join("; ")
                );
                if !who.is_empty() {
                    reason.push_str(&format!(
                        "; add the documented statements for {} so delivery never stops",
                        who.join(", ")
                    ));
                }
                deps.push(p.edit_bucket_policy(
                    id,
                    &fixes,
                    &name,
                    &f.region,
                    &reason,
                    Safety::NeedsReview,
                    vec![],
                    move |doc| {
                        policy::merge(Some(&policy::remove_statements(doc, removable)), &delivery)
                    },
                ));
            }
        }
        let pab_set = b.public_access_block.as_ref().is_some_and(|x| x.is_all());
        if !pab_set {
            ensure_public_access_block(
                p,
                id,
                &fixes,
                &name,
                &f.region,
                deps,
                "keeps the trail bucket from being made public again",
            );
        }
    }
}

/// The settings' exemption of a conditioned public statement, if any. A
/// statement with no condition cannot be exempted: it is public as written.
fn exempt<'a>(
    settings: &'a FileSettings,
    id: &str,
    bucket_arn: &str,
    s: &Value,
) -> Option<&'a Exemption> {
    let sid = s.get("Sid").and_then(Value::as_str)?;
    if policy::condition_keys(s).is_empty() {
        return None;
    }
    settings.exempt_statement(id, bucket_arn, sid)
}

/// The documented statements of every service that delivers to `bucket`
/// and that `doc` (the policy once public statements are gone) no longer
/// lets deliver, with the names of those deliveries for the reviewer.
fn delivery_statements(snap: &Snapshot, bucket: &str, doc: &Value) -> (Vec<Value>, Vec<String>) {
    let arn = bucket_arn(snap, bucket);
    let objects = |path: &str| format!("{arn}/{path}");
    let lacks = |svc: &str, action: &str, resource: &str| {
        !policy::allows(doc, Caller::Service(svc), &[action], resource)
    };
    let (mut stmts, mut who) = (vec![], vec![]);
    for t in snap
        .trails
        .values()
        .filter(|t| t.s3_bucket.as_deref() == Some(bucket) && t.owner_account() == snap.account_id)
    {
        if !admits_cloudtrail(snap, doc, bucket, t) {
            let prefix = t.s3_prefix.as_deref().filter(|x| !x.is_empty());
            stmts.extend(cloudtrail_bucket_statements(snap, bucket, prefix, &t.arn));
            who.push(format!("CloudTrail (trail {})", t.name));
        }
    }
    for (region, c) in &snap.config {
        for ch in c
            .channels
            .iter()
            .filter(|ch| ch.s3_bucket.as_deref() == Some(bucket))
        {
            let svc = "config.amazonaws.com";
            let logs = objects(&format!("AWSLogs/{}/Config/x", snap.account_id));
            if lacks(svc, "s3:GetBucketAcl", &arn) || lacks(svc, "s3:PutObject", &logs) {
                stmts.extend(config_bucket_statements(snap, bucket));
                who.push(format!("AWS Config (channel {} in {region})", ch.name));
            }
        }
    }
    for (source, b) in &snap.buckets {
        if let Some(l) = b.logging.as_ref().filter(|l| l.target_bucket == bucket)
            && lacks(
                "logging.s3.amazonaws.com",
                "s3:PutObject",
                &objects(&format!("{}x", l.target_prefix)),
            )
        {
            stmts.push(access_log_statement(snap, source, bucket, &l.target_prefix));
            who.push(format!("S3 server access logs of {source}"));
        }
    }
    let flow_regions: std::collections::BTreeSet<&str> = snap
        .flow_logs
        .values()
        .filter(|fl| {
            fl.destination_type == "s3"
                && fl.destination.as_deref().is_some_and(|d| {
                    d.trim_end_matches('/') == arn || d.starts_with(&format!("{arn}/"))
                })
        })
        .map(|fl| fl.region.as_str())
        .collect();
    for region in flow_regions {
        let logs = objects(&format!("AWSLogs/{}/x", snap.account_id));
        if lacks("delivery.logs.amazonaws.com", "s3:PutObject", &logs) {
            stmts.extend(flow_log_bucket_statements(snap, bucket, region));
            who.push(format!("VPC flow logs in {region}"));
        }
    }
    (stmts, who)
}
