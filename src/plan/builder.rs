//! Collects the actions the controls ask for into one ordered plan.
//!
//! Controls never build the final list themselves: they hand drafts to the
//! [`Planner`], which plans a shared prerequisite once (same id → one action,
//! with the findings of every control that needed it), folds every change to
//! one trail into one `UpdateTrail`, and every edit of one bucket or key
//! policy into one merged document whose `before` is the policy as observed.

use serde_json::{Value, json};
use sha2::{Digest, Sha256};
use std::collections::{BTreeMap, BTreeSet};

use super::action::{Action, Observed, Op, Safety};
use crate::actions::{CreateKey, DeleteBucketPolicy, PutBucketPolicy, PutKeyPolicy, UpdateTrail};
use crate::policy;
use crate::settings::FileSettings;
use crate::snapshot::{Snapshot, Trail};

pub struct Draft {
    pub op: Op,
    pub region: String,
    pub target: String,
    pub before: Value,
    pub after: Value,
    pub reason: String,
    pub safety: Safety,
    pub depends_on: Vec<String>,
    /// Snapshot paths (see [`observe`]) this action relies on.
    pub observes: Vec<String>,
}

pub fn action_id(op: &Op, region: &str, target: &str) -> String {
    format!("{}:{}:{}", op.name(), region, target)
}

/// Settings of a trail that `UpdateTrail` can change, as shown in diffs.
pub fn trail_settings(t: &Trail) -> Value {
    json!({
        "IsMultiRegionTrail": t.is_multi_region,
        "IncludeGlobalServiceEvents": t.include_global_service_events,
        "LogFileValidationEnabled": t.log_file_validation,
        "KmsKeyId": t.kms_key_id,
        "CloudWatchLogsLogGroupArn": t.cloudwatch_log_group_arn,
        "CloudWatchLogsRoleArn": t.cloudwatch_role_arn,
    })
}

struct PolicyEdit {
    region: String,
    before: Option<Value>,
    doc: Value,
    reasons: Vec<String>,
    safety: Safety,
    depends_on: Vec<String>,
    fixes: Vec<String>,
    controls: Vec<String>,
}

pub struct Planner<'a> {
    pub snap: &'a Snapshot,
    pub settings: &'a FileSettings,
    actions: BTreeMap<String, Action>,
    /// Failing findings this plan leaves alone, by finding id, with why.
    unfixed: BTreeMap<String, String>,
    bucket_policies: BTreeMap<String, PolicyEdit>,
    key_policies: BTreeMap<String, PolicyEdit>,
}

impl<'a> Planner<'a> {
    pub fn new(snap: &'a Snapshot, settings: &'a FileSettings) -> Self {
        Planner {
            snap,
            settings,
            actions: BTreeMap::new(),
            unfixed: BTreeMap::new(),
            bucket_policies: BTreeMap::new(),
            key_policies: BTreeMap::new(),
        }
    }

    pub fn has(&self, id: &str) -> bool {
        self.actions.contains_key(id)
    }

    /// The op already planned under `id`, to extend rather than replace it.
    pub fn pending_op(&self, id: &str) -> Option<&Op> {
        self.actions.get(id).map(|a| &a.op)
    }

    /// Whether any planned action changes `target` (an ARN).
    pub fn touches(&self, target: &str) -> bool {
        self.actions.values().any(|a| a.target == target)
    }

    /// The trail this plan creates, if any: name, region, ARN.
    pub fn created_trail(&self) -> Option<(String, String, String)> {
        self.actions.values().find_map(|a| match &a.op {
            Op::CreateTrail(t) => Some((t.name.clone(), a.region.clone(), a.target.clone())),
            _ => None,
        })
    }

    pub fn created_key_policy(&self, id: &str) -> Option<Value> {
        match self.pending_op(id)? {
            Op::CreateKey(CreateKey { policy, .. }) => Some(policy.clone()),
            _ => None,
        }
    }

    /// Add an action, or fold it into the one with the same id.
    pub fn add(&mut self, control: &str, fixes: &[String], d: Draft) -> String {
        let id = action_id(&d.op, &d.region, &d.target);
        let observed: Vec<Observed> = d
            .observes
            .iter()
            .map(|p| Observed {
                path: p.clone(),
                sha256: observe(self.snap, p),
            })
            .collect();
        let entry = self.actions.entry(id.clone()).or_insert_with(|| Action {
            id: id.clone(),
            region: d.region.clone(),
            target: d.target.clone(),
            // A "create" op on something that exists (a role gaining a
            // statement) is shown, and counted, as a change.
            change: match d.op.change() {
                super::action::Change::Create if !d.before.is_null() => {
                    super::action::Change::Update
                }
                c => c,
            },
            op: d.op.clone(),
            before: d.before.clone(),
            after: d.after.clone(),
            fixes: vec![],
            controls: vec![],
            reason: d.reason.clone(),
            safety: d.safety,
            depends_on: vec![],
            observed: vec![],
            guard: Default::default(),
        });
        if entry.op != d.op {
            // Same target, more to change: only UpdateTrail patches combine.
            if let (
                Op::UpdateTrail(UpdateTrail {
                    is_multi_region: a1,
                    include_global_service_events: a2,
                    log_file_validation: a3,
                    kms_key_id: a4,
                    cloudwatch_log_group_arn: a5,
                    cloudwatch_role_arn: a6,
                    is_organization: a7,
                    ..
                }),
                Op::UpdateTrail(UpdateTrail {
                    is_multi_region: b1,
                    include_global_service_events: b2,
                    log_file_validation: b3,
                    kms_key_id: b4,
                    cloudwatch_log_group_arn: b5,
                    cloudwatch_role_arn: b6,
                    is_organization: b7,
                    ..
                }),
            ) = (&mut entry.op, &d.op)
            {
                *a1 = a1.or(*b1);
                *a2 = a2.or(*b2);
                *a3 = a3.or(*b3);
                *a7 = a7.or(*b7);
                if a4.is_none() {
                    *a4 = b4.clone();
                }
                if a5.is_none() {
                    *a5 = b5.clone();
                    *a6 = b6.clone();
                }
                if let (Some(after), Some(add)) = (entry.after.as_object_mut(), d.after.as_object())
                {
                    for (k, v) in add {
                        if entry.before.get(k) != Some(v) {
                            after.insert(k.clone(), v.clone());
                        }
                    }
                }
                if !entry.reason.contains(&d.reason) {
                    entry.reason = format!("{}; {}", entry.reason, d.reason);
                }
            } else {
                // Any other op on the same target: the caller passed the
                // superset (e.g. a role policy with one more region).
                entry.op = d.op.clone();
                entry.after = d.after.clone();
                if !entry.reason.contains(&d.reason) {
                    entry.reason = format!("{}; {}", entry.reason, d.reason);
                }
            }
        }
        entry.safety = entry.safety.max(d.safety);
        merge_into(&mut entry.fixes, fixes.iter().cloned());
        merge_into(&mut entry.controls, [control.to_string()]);
        merge_into(
            &mut entry.depends_on,
            d.depends_on.into_iter().filter(|x| *x != id),
        );
        merge_into(&mut entry.observed, observed);
        id
    }

    /// Edit a bucket policy; all edits of one bucket end up in one merged
    /// `PutBucketPolicy`. Returns that action's id (to depend on).
    #[allow(clippy::too_many_arguments)]
    pub fn edit_bucket_policy(
        &mut self,
        control: &str,
        fixes: &[String],
        bucket: &str,
        region: &str,
        reason: &str,
        safety: Safety,
        depends_on: Vec<String>,
        edit: impl FnOnce(&Value) -> Value,
    ) -> String {
        let before = self.snap.buckets.get(bucket).and_then(|b| b.policy.clone());
        let e = self
            .bucket_policies
            .entry(bucket.to_string())
            .or_insert_with(|| new_edit(region, before));
        e.doc = edit(&e.doc);
        record_edit(e, control, fixes, reason, safety, depends_on);
        action_id(
            &Op::PutBucketPolicy(PutBucketPolicy {
                bucket: bucket.into(),
                policy: Value::Null,
            }),
            region,
            bucket,
        )
    }

    /// Merge statements into a key policy (`key` = ARN of an existing key).
    pub fn edit_key_policy(
        &mut self,
        control: &str,
        fixes: &[String],
        key_arn: &str,
        region: &str,
        reason: &str,
        statements: &[Value],
    ) -> String {
        let before = self.snap.keys.get(key_arn).and_then(|k| k.policy.clone());
        let e = self
            .key_policies
            .entry(key_arn.to_string())
            .or_insert_with(|| new_edit(region, before));
        e.doc = policy::merge(Some(&e.doc), statements);
        record_edit(e, control, fixes, reason, Safety::NeedsReview, vec![]);
        action_id(
            &Op::PutKeyPolicy(PutKeyPolicy {
                key_id: key_arn.into(),
                policy: Value::Null,
            }),
            region,
            key_arn,
        )
    }

    /// Record that a failing finding gets no action, and why: the reason
    /// is shown with the finding, so a reviewer never reads silence as a fix.
    pub fn cannot_fix(&mut self, finding_id: &str, why: impl Into<String>) {
        self.unfixed.insert(finding_id.to_string(), why.into());
    }

    /// The findings left alone (see [`Planner::cannot_fix`]).
    pub fn unfixed(&self) -> &BTreeMap<String, String> {
        &self.unfixed
    }

    /// Turn the policy edits into actions (skipping edits that change
    /// nothing) and order everything.
    pub fn finish(mut self) -> Vec<Action> {
        for (bucket, e) in std::mem::take(&mut self.bucket_policies) {
            if Some(&e.doc) == e.before.as_ref() {
                continue;
            }
            if policy::statements(&e.doc).is_empty() {
                // S3 refuses a policy without statements (MalformedPolicy):
                // when nothing is left, the policy is deleted instead, and
                // what waited for the put waits for the delete.
                self.delete_bucket_policy(bucket, e);
                continue;
            }
            let op = Op::PutBucketPolicy(PutBucketPolicy {
                bucket: bucket.clone(),
                policy: e.doc.clone(),
            });
            self.add_edit(op, &bucket, format!("buckets/{bucket}/policy"), e);
        }
        for (key, e) in std::mem::take(&mut self.key_policies) {
            if Some(&e.doc) == e.before.as_ref() {
                continue;
            }
            let op = Op::PutKeyPolicy(PutKeyPolicy {
                key_id: key.clone(),
                policy: e.doc.clone(),
            });
            self.add_edit(op, &key, format!("keys/{key}#policy"), e);
        }
        order(self.actions.into_values().collect())
    }

    fn delete_bucket_policy(&mut self, bucket: String, mut e: PolicyEdit) {
        let put_id = action_id(
            &Op::PutBucketPolicy(PutBucketPolicy {
                bucket: bucket.clone(),
                policy: Value::Null,
            }),
            &e.region,
            &bucket,
        );
        let op = Op::DeleteBucketPolicy(DeleteBucketPolicy {
            bucket: bucket.clone(),
        });
        let delete_id = action_id(&op, &e.region, &bucket);
        e.reasons.push(
            "no statement is left and S3 refuses an empty policy: delete the policy (undo puts it back)"
                .into(),
        );
        e.doc = Value::Null;
        self.add_edit(op, &bucket, format!("buckets/{bucket}/policy"), e);
        for a in self.actions.values_mut() {
            for d in a.depends_on.iter_mut().filter(|d| **d == put_id) {
                *d = delete_id.clone();
            }
        }
    }

    fn add_edit(&mut self, op: Op, target: &str, observes: String, e: PolicyEdit) {
        let mut first = true;
        for c in &e.controls {
            let d = Draft {
                op: op.clone(),
                region: e.region.clone(),
                target: target.to_string(),
                before: e.before.clone().unwrap_or(Value::Null),
                after: e.doc.clone(),
                reason: e.reasons.join("; "),
                safety: e.safety,
                depends_on: if first { e.depends_on.clone() } else { vec![] },
                observes: vec![observes.clone()],
            };
            first = false;
            self.add(c, &e.fixes, d);
        }
    }
}

fn new_edit(region: &str, before: Option<Value>) -> PolicyEdit {
    PolicyEdit {
        region: region.to_string(),
        doc: before.clone().unwrap_or_else(policy::empty),
        before,
        reasons: vec![],
        safety: Safety::NeedsReview,
        depends_on: vec![],
        fixes: vec![],
        controls: vec![],
    }
}

fn record_edit(
    e: &mut PolicyEdit,
    control: &str,
    fixes: &[String],
    reason: &str,
    safety: Safety,
    depends_on: Vec<String>,
) {
    if !e.reasons.iter().any(|r| r == reason) {
        e.reasons.push(reason.to_string());
    }
    e.safety = e.safety.max(safety);
    merge_into(&mut e.depends_on, depends_on);
    merge_into(&mut e.fixes, fixes.iter().cloned());
    merge_into(&mut e.controls, [control.to_string()]);
}

fn merge_into<T: Ord + Clone>(v: &mut Vec<T>, add: impl IntoIterator<Item = T>) {
    let mut set: BTreeSet<T> = v.drain(..).collect();
    set.extend(add);
    v.extend(set);
}

/// Topological order (every action after its dependencies) with a
/// deterministic tie-break: prerequisites' rank, then region, then id.
pub fn order(actions: Vec<Action>) -> Vec<Action> {
    let ids: BTreeSet<String> = actions.iter().map(|a| a.id.clone()).collect();
    let mut by_id: BTreeMap<String, Action> = BTreeMap::new();
    let mut waiting: BTreeMap<String, usize> = BTreeMap::new();
    let mut dependents: BTreeMap<String, Vec<String>> = BTreeMap::new();
    for mut a in actions {
        // A dependency on something not in the plan is already satisfied.
        a.depends_on.retain(|d| ids.contains(d));
        waiting.insert(a.id.clone(), a.depends_on.len());
        for d in &a.depends_on {
            dependents.entry(d.clone()).or_default().push(a.id.clone());
        }
        by_id.insert(a.id.clone(), a);
    }
    let key = |a: &Action| (a.op.rank(), a.region.clone(), a.id.clone());
    let mut ready: BTreeSet<(u8, String, String)> = by_id
        .values()
        .filter(|a| waiting[&a.id] == 0)
        .map(key)
        .collect();
    let mut out = Vec::with_capacity(by_id.len());
    while let Some(k) = ready.pop_first() {
        let a = by_id.remove(&k.2).expect("ready action exists");
        for d in dependents.get(&a.id).cloned().unwrap_or_default() {
            let n = waiting.get_mut(&d).expect("dependent exists");
            *n -= 1;
            if *n == 0 {
                ready.insert(key(&by_id[&d]));
            }
        }
        out.push(a);
    }
    // A cycle would be a planner bug; keep the actions rather than lose them.
    out.extend(by_id.into_values());
    out
}

/// SHA-256 of the canonical JSON at `path` in the snapshot. Paths are
/// `kind/key[/field]`, e.g. `buckets/my-bucket/policy`, `trails/<arn>`,
/// `keys/<arn>#rotation_enabled`, `trails/<arn>#is_logging`, `config/<region>`, `roles/<name>`,
/// `log_groups/<region>/<name>`, `aliases/<region>/<alias>`,
/// `vpc_flow_logs/<region>/<vpc>`, `web/load_balancers/<arn>` (and `api_stages`,
/// `api_accounts/<region>`, `distributions`).
pub fn observe(snap: &Snapshot, path: &str) -> String {
    let v = observed_value(snap, path);
    hex::encode(Sha256::digest(policy::canonical(&v).as_bytes()))
}

pub fn observed_value(snap: &Snapshot, path: &str) -> Value {
    let (kind, rest) = path.split_once('/').unwrap_or((path, ""));
    let to = |v: Option<Value>| v.unwrap_or(Value::Null);
    let field = |obj: Value, f: Option<&str>| match f {
        Some(f) => obj.get(f).cloned().unwrap_or(Value::Null),
        None => obj,
    };
    match kind {
        "buckets" => {
            let (name, f) = split_field(rest);
            let b = to(snap
                .buckets
                .get(name)
                .map(|b| serde_json::to_value(b).unwrap()));
            let exists = snap.owned_buckets.iter().any(|n| n == name);
            if f.is_none() && !exists {
                return Value::Null;
            }
            field(b, f)
        }
        // ARNs hold a '/', so their field (if any) follows a '#'.
        "trails" => {
            let (arn, f) = rest
                .split_once('#')
                .map(|(a, f)| (a, Some(f)))
                .unwrap_or((rest, None));
            field(
                to(snap
                    .trails
                    .get(arn)
                    .map(|t| serde_json::to_value(t).unwrap())),
                f,
            )
        }
        "keys" => {
            let (arn, f) = rest
                .split_once('#')
                .map(|(a, f)| (a, Some(f)))
                .unwrap_or((rest, None));
            field(
                to(snap.keys.get(arn).map(|k| serde_json::to_value(k).unwrap())),
                f,
            )
        }
        "config" => to(snap
            .config
            .get(rest)
            .map(|c| serde_json::to_value(c).unwrap())),
        "roles" => to(snap
            .roles
            .get(rest)
            .map(|r| serde_json::to_value(r).unwrap())),
        "log_groups" => {
            let (region, name) = rest.split_once('/').unwrap_or((rest, ""));
            to(snap
                .log_groups
                .get(region)
                .and_then(|m| m.get(name))
                .map(|g| serde_json::to_value(g).unwrap()))
        }
        "aliases" => {
            let (region, alias) = rest.split_once('/').unwrap_or((rest, ""));
            to(snap
                .aliases
                .get(region)
                .and_then(|m| m.get(alias))
                .map(|k| json!(k)))
        }
        "vpc_flow_logs" => {
            let (region, vpc) = rest.split_once('/').unwrap_or((rest, ""));
            let logs: Vec<Value> = snap
                .flow_logs
                .values()
                .filter(|f| f.region == region && f.resource_id == vpc)
                .map(|f| serde_json::to_value(f).unwrap())
                .collect();
            Value::Array(logs)
        }
        "cloudtrail_trusted_access" => json!(snap.cloudtrail_trusted_access),
        // `web/<collection>/<key>`: keys are ARNs (they hold '/').
        "web" => {
            let (coll, key) = rest.split_once('/').unwrap_or((rest, ""));
            let Some(w) = &snap.web else {
                return Value::Null;
            };
            let v = |x: Option<Value>| x.unwrap_or(Value::Null);
            match coll {
                "load_balancers" => v(w.load_balancers.get(key).map(|x| json!(x))),
                "api_stages" => v(w.api_stages.get(key).map(|x| json!(x))),
                "api_accounts" => v(w.api_accounts.get(key).map(|x| json!(x))),
                "distributions" => json!({
                    "distribution": w.distributions.get(key),
                    "deliveries": w.access_log_deliveries(key),
                }),
                _ => Value::Null,
            }
        }
        _ => Value::Null,
    }
}

/// `name/field` → (name, Some(field)) when the last segment is a known field.
fn split_field(rest: &str) -> (&str, Option<&str>) {
    const FIELDS: &[&str] = &["policy", "acl", "logging", "public_access_block", "region"];
    match rest.rsplit_once('/') {
        Some((name, f)) if FIELDS.contains(&f) => (name, Some(f)),
        _ => (rest, None),
    }
}
