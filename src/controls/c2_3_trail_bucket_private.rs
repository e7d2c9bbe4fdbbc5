//! CIS 2.3 — the S3 bucket CloudTrail logs to is not publicly accessible.
//!
//! Passes: the bucket of every trail has no ACL grant to AllUsers or
//!         AuthenticatedUsers and no bucket-policy statement with
//!         Effect=Allow and Principal `*` / `{"AWS":"*"}`. `Deny *` statements
//!         (deny non-TLS) are protective and pass. A Public Access Block
//!         alone hides but does not remove a grant: a literal audit still
//!         fails, so it does here.
//! Skips:  buckets of another account (manual).
//! Fix:    rewrite the ACL without the public grants, remove the public
//!         `Allow` statements (every other statement kept), then put a Public
//!         Access Block with all four settings on.
//! Safety: needs review — whoever read the logs anonymously loses access.

use serde_json::Value;

use super::Control;
use super::shared::{
    bucket_arn, bucket_out_of_reach, bucket_region, ensure_public_access_block, trail_buckets,
};
use crate::finding::{Finding, Status};
use crate::plan::builder::{Draft, Planner};
use crate::plan::{Op, Safety};
use crate::policy;
use crate::settings::FileSettings;
use crate::snapshot::Snapshot;

pub const CONTROL: Control = Control {
    id: "2.3",
    title: "The CloudTrail S3 bucket is not publicly accessible",
    detect,
    plan,
};

fn detect(snap: &Snapshot, _s: &FileSettings) -> Vec<Finding> {
    trail_buckets(snap)
        .into_iter()
        .map(|(name, trails)| {
            let region = bucket_region(snap, &name, &trails[0].home_region);
            if let Some(f) = bucket_out_of_reach(snap, "2.3", &name, &region) {
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
            for s in b
                .policy
                .iter()
                .flat_map(policy::statements)
                .filter(policy::is_public_allow)
            {
                let sid = s.get("Sid").and_then(Value::as_str).unwrap_or("(no Sid)");
                why.push(format!("policy statement {sid} allows Principal *"));
            }
            let arn = bucket_arn(snap, &name);
            if why.is_empty() {
                Finding::new(
                    "2.3",
                    &region,
                    arn,
                    Status::Pass,
                    "no public ACL grant or Allow * statement",
                )
            } else {
                Finding::new("2.3", &region, arn, Status::Fail, why.join(", "))
            }
        })
        .collect()
}

fn plan(p: &mut Planner, findings: &[Finding]) {
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
                "2.3",
                &fixes,
                Draft {
                    op: Op::PutBucketAcl {
                        bucket: name.clone(),
                        owner_id: acl.owner_id.clone(),
                        owner_display_name: acl.owner_display_name.clone(),
                        grants: kept.clone(),
                    },
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
        if b.policy
            .as_ref()
            .is_some_and(|d| policy::statements(d).iter().any(policy::is_public_allow))
        {
            deps.push(p.edit_bucket_policy(
                "2.3",
                &fixes,
                &name,
                &f.region,
                "remove the Allow statements with Principal * (every other statement kept)",
                Safety::NeedsReview,
                vec![],
                |doc| policy::remove_public_allows(doc).0,
            ));
        }
        let pab_set = b.public_access_block.as_ref().is_some_and(|x| x.is_all());
        if !pab_set {
            ensure_public_access_block(
                p,
                "2.3",
                &fixes,
                &name,
                &f.region,
                deps,
                "keeps the trail bucket from being made public again",
            );
        }
    }
}
