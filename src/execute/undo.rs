//! Undo: from a journal, the actions that put back what a run changed.
//!
//! For every action that reached the write (`before` was journaled) and
//! then finished, failed after writing, or was cut off, the reversal is:
//!
//! - a changed setting goes back to its `prior` (policy, ACL, Public Access
//!   Block, logging, key policy, rotation, trail settings and selectors,
//!   logging on/off, recorder, channel, recording on/off); a policy / PAB /
//!   logging that did not exist before is removed;
//! - something this run created (`prior: null` and not "already existed") is
//!   removed: trail, log group, role, service-linked role, flow logs,
//!   recorder, channel; a created key has its alias deleted and is scheduled
//!   for deletion in 30 days; a created bucket is deleted only when empty;
//! - changes to a trail, key or bucket this run created are not reverted one
//!   by one: removing the resource reverts them (a kept non-empty bucket
//!   stays as configured);
//! - nothing that existed before the run is ever deleted.
//!
//! The actions come in reverse journal order; an action's reversal waits for
//! the reversals of everything that depended on it, and a region's Config
//! reversals run one after another (stop recording, then the channel, then
//! the recorder).

use std::collections::{BTreeMap, HashMap, HashSet};

use serde_json::Value;

use crate::actions::journal::{JournalEntry, Phase};
use crate::actions::{
    CreateBucket, CreateKey, CreateLogGroup, CreateRole, CreateServiceLinkedRole, CreateTrail,
    DeleteBucket, DeleteBucketPolicy, DeleteConfigurationRecorder, DeleteDeliveryChannel,
    DeleteFlowLogs, DeleteLogGroup, DeletePublicAccessBlock, DeleteRole, DeleteServiceLinkedRole,
    DeleteTrail, DisableBucketLogging, DisableKeyRotation, EnableKeyRotation,
    PutAdvancedEventSelectors, PutBucketAcl, PutBucketLogging, PutBucketPolicy,
    PutConfigurationRecorder, PutDeliveryChannel, PutEventSelectors, PutKeyPolicy,
    PutPublicAccessBlock, RestoreConfigurationRecorder, ScheduleKeyDeletion,
    StartConfigurationRecorder, StartLogging, StopConfigurationRecorder, StopLogging, UpdateTrail,
};
use crate::actions::{TrailState, trail_name};
use crate::plan::{Action, Op, Safety};
use crate::snapshot::{Acl, BucketLogging, PublicAccessBlock};

/// Days a created key waits before KMS deletes it (the maximum).
pub const KEY_PENDING_DAYS: i32 = 30;

enum End<'a> {
    /// Finished: the value read back.
    Applied(&'a Value),
    /// Failed after writing something: what was written.
    Wrote(&'a Value),
    /// Failed before writing anything.
    Clean,
    /// No end entry: the process stopped mid-action. The last progress, if any.
    Interrupted(Option<&'a Value>),
}

struct Record<'a> {
    entry: &'a JournalEntry,
    prior: &'a Value,
    end: End<'a>,
}

impl<'a> Record<'a> {
    fn result(&self) -> Option<&'a Value> {
        match self.end {
            End::Applied(v) | End::Wrote(v) => Some(v),
            End::Interrupted(p) => p,
            End::Clean => None,
        }
    }
    fn interrupted(&self) -> bool {
        matches!(self.end, End::Interrupted(_))
    }
    /// This run made the thing (it did not exist right before the write).
    fn created(&self) -> bool {
        self.prior.is_null()
            && self
                .result()
                .and_then(|r| r.get("created"))
                .and_then(Value::as_bool)
                .unwrap_or(true)
    }
    fn region(&self) -> &str {
        &self.entry.region
    }
}

fn records(entries: &[JournalEntry]) -> Vec<Record<'_>> {
    let mut sorted: Vec<&JournalEntry> = entries.iter().collect();
    sorted.sort_by_key(|e| e.seq);
    let mut out: Vec<Record> = vec![];
    let mut open: HashMap<&str, usize> = HashMap::new();
    let mut progress: HashMap<usize, &Value> = HashMap::new();
    for e in sorted {
        match &e.phase {
            Phase::Before { prior } => {
                open.insert(e.action_id.as_str(), out.len());
                out.push(Record {
                    entry: e,
                    prior,
                    end: End::Interrupted(None),
                });
            }
            Phase::Progress { result } => {
                if let Some(&i) = open.get(e.action_id.as_str()) {
                    progress.insert(i, result);
                    out[i].end = End::Interrupted(Some(result));
                }
            }
            Phase::After { result } => {
                if let Some(i) = open.remove(e.action_id.as_str()) {
                    out[i].end = End::Applied(result);
                }
            }
            Phase::Failed { result, .. } => {
                if let Some(i) = open.remove(e.action_id.as_str()) {
                    out[i].end = if !result.is_null() {
                        End::Wrote(result)
                    } else if let Some(p) = progress.get(&i) {
                        End::Wrote(p)
                    } else {
                        End::Clean
                    };
                }
            }
            Phase::Skipped { .. } => {}
        }
    }
    out
}

fn alias_key(region: &str, key_ref: &str) -> String {
    let k = key_ref
        .rsplit_once(":alias/")
        .map_or(key_ref.to_string(), |(_, a)| format!("alias/{a}"));
    format!("key:{region}:{k}")
}

/// Resources a record created: bucket, key (alias, id, ARN) or trail.
fn created_resources(r: &Record) -> Vec<String> {
    if !r.created() || matches!(r.end, End::Clean) {
        return vec![];
    }
    let region = r.region();
    match &r.entry.op {
        Op::CreateBucket(CreateBucket { bucket }) => vec![format!("bucket:{bucket}")],
        Op::CreateKey(CreateKey { alias, .. }) => {
            let alias = if alias.starts_with("alias/") {
                alias.clone()
            } else {
                format!("alias/{alias}")
            };
            let mut v = vec![alias_key(region, &alias)];
            for k in ["key_id", "arn"] {
                if let Some(id) = r.result().and_then(|x| x.get(k)).and_then(Value::as_str) {
                    v.push(format!("key:{region}:{id}"));
                }
            }
            v
        }
        Op::CreateTrail(CreateTrail { name, .. }) => vec![format!("trail:{region}:{name}")],
        Op::CreateFlowLogs(_)
        | Op::CreateLogGroup(_)
        | Op::CreateRole(_)
        | Op::CreateServiceLinkedRole(_)
        | Op::DeleteBucket(_)
        | Op::DeleteBucketPolicy(_)
        | Op::DeleteConfigurationRecorder(_)
        | Op::DeleteDeliveryChannel(_)
        | Op::DeleteFlowLogs(_)
        | Op::DeleteLogGroup(_)
        | Op::DeletePublicAccessBlock(_)
        | Op::DeleteRole(_)
        | Op::DeleteServiceLinkedRole(_)
        | Op::DeleteTrail(_)
        | Op::DisableBucketLogging(_)
        | Op::DisableKeyRotation(_)
        | Op::EnableKeyRotation(_)
        | Op::PutAdvancedEventSelectors(_)
        | Op::PutBucketAcl(_)
        | Op::PutBucketLogging(_)
        | Op::PutBucketPolicy(_)
        | Op::PutConfigurationRecorder(_)
        | Op::PutDeliveryChannel(_)
        | Op::PutEventSelectors(_)
        | Op::PutKeyPolicy(_)
        | Op::PutPublicAccessBlock(_)
        | Op::RestoreConfigurationRecorder(_)
        | Op::ScheduleKeyDeletion(_)
        | Op::StartConfigurationRecorder(_)
        | Op::StartLogging(_)
        | Op::StopConfigurationRecorder(_)
        | Op::StopLogging(_)
        | Op::UpdateTrail(_) => vec![],
    }
}

/// The bucket / key / trail an update touches.
fn touched_resource(op: &Op, region: &str) -> Option<String> {
    match op {
        Op::PutPublicAccessBlock(PutPublicAccessBlock { bucket, .. })
        | Op::PutBucketAcl(PutBucketAcl { bucket, .. })
        | Op::PutBucketPolicy(PutBucketPolicy { bucket, .. })
        | Op::PutBucketLogging(PutBucketLogging { bucket, .. })
        // 2.3 deletes a policy left with no statement: a forward update too.
        | Op::DeleteBucketPolicy(DeleteBucketPolicy { bucket }) => Some(format!("bucket:{bucket}")),
        Op::PutKeyPolicy(PutKeyPolicy { key_id, .. }) | Op::EnableKeyRotation(EnableKeyRotation { key_id }) => {
            Some(alias_key(region, key_id))
        }
        Op::UpdateTrail(UpdateTrail { name, .. }) => Some(format!("trail:{region}:{}", trail_name(name))),
        Op::PutEventSelectors(PutEventSelectors { trail, .. }) | Op::StartLogging(StartLogging { trail }) => {
            Some(format!("trail:{region}:{}", trail_name(trail)))
        }
        Op::CreateBucket(_)
        | Op::CreateFlowLogs(_)
        | Op::CreateKey(_)
        | Op::CreateLogGroup(_)
        | Op::CreateRole(_)
        | Op::CreateServiceLinkedRole(_)
        | Op::CreateTrail(_)
        | Op::DeleteBucket(_)
        | Op::DeleteConfigurationRecorder(_)
        | Op::DeleteDeliveryChannel(_)
        | Op::DeleteFlowLogs(_)
        | Op::DeleteLogGroup(_)
        | Op::DeletePublicAccessBlock(_)
        | Op::DeleteRole(_)
        | Op::DeleteServiceLinkedRole(_)
        | Op::DeleteTrail(_)
        | Op::DisableBucketLogging(_)
        | Op::DisableKeyRotation(_)
        | Op::PutAdvancedEventSelectors(_)
        | Op::PutConfigurationRecorder(_)
        | Op::PutDeliveryChannel(_)
        | Op::RestoreConfigurationRecorder(_)
        | Op::ScheduleKeyDeletion(_)
        | Op::StartConfigurationRecorder(_)
        | Op::StopConfigurationRecorder(_)
        | Op::StopLogging(_) => None,
    }
}

/// A reversal: the op, why, and what it changes from / to.
struct Rev {
    op: Op,
    why: String,
    after: Value,
}

fn restore(op: Op, why: impl Into<String>, prior: &Value) -> Option<Rev> {
    Some(Rev {
        op,
        why: why.into(),
        after: prior.clone(),
    })
}

fn remove(op: Op, why: impl Into<String>) -> Option<Rev> {
    Some(Rev {
        op,
        why: why.into(),
        after: Value::Null,
    })
}

fn s(v: &Value, k: &str) -> Option<String> {
    v.get(k)
        .and_then(Value::as_str)
        .filter(|x| !x.is_empty())
        .map(str::to_string)
}

fn reverse(r: &Record) -> Option<Rev> {
    let prior = r.prior;
    let result = r.result();
    let created = r.created();
    match &r.entry.op {
        Op::CreateBucket(CreateBucket { bucket }) => created.then(|| {
            remove(
                Op::DeleteBucket(DeleteBucket { bucket: bucket.clone() }),
                format!("delete bucket {bucket}, which this run created (kept if it holds objects)"),
            )
        })?,
        Op::PutPublicAccessBlock(PutPublicAccessBlock { bucket, .. }) | Op::DeletePublicAccessBlock(DeletePublicAccessBlock { bucket }) => {
            if prior.is_null() {
                matches!(r.entry.op, Op::PutPublicAccessBlock(_)).then(|| {
                    remove(
                        Op::DeletePublicAccessBlock(DeletePublicAccessBlock { bucket: bucket.clone() }),
                        format!("remove the Public Access Block of {bucket}: it had none before"),
                    )
                })?
            } else {
                let config: PublicAccessBlock = serde_json::from_value(prior.clone()).ok()?;
                restore(
                    Op::PutPublicAccessBlock(PutPublicAccessBlock { bucket: bucket.clone(), config }),
                    format!("put back the Public Access Block {bucket} had before"),
                    prior,
                )
            }
        }
        Op::PutBucketAcl(PutBucketAcl { bucket, .. }) => {
            let acl: Acl = serde_json::from_value(prior.clone()).ok()?;
            restore(
                Op::PutBucketAcl(PutBucketAcl {
                    bucket: bucket.clone(),
                    owner_id: acl.owner_id,
                    owner_display_name: acl.owner_display_name,
                    grants: acl.grants,
                }),
                format!("put back the ACL {bucket} had before (its public grants included)"),
                prior,
            )
        }
        Op::PutBucketPolicy(PutBucketPolicy { bucket, .. }) | Op::DeleteBucketPolicy(DeleteBucketPolicy { bucket }) => {
            if prior.is_null() {
                matches!(r.entry.op, Op::PutBucketPolicy(_)).then(|| {
                    remove(
                        Op::DeleteBucketPolicy(DeleteBucketPolicy { bucket: bucket.clone() }),
                        format!("delete the bucket policy of {bucket}: it had none before"),
                    )
                })?
            } else {
                restore(
                    Op::PutBucketPolicy(PutBucketPolicy { bucket: bucket.clone(), policy: prior.clone() }),
                    format!("put back the bucket policy {bucket} had before"),
                    prior,
                )
            }
        }
        Op::PutBucketLogging(PutBucketLogging { bucket, .. }) | Op::DisableBucketLogging(DisableBucketLogging { bucket }) => {
            if prior.is_null() {
                matches!(r.entry.op, Op::PutBucketLogging(_)).then(|| {
                    remove(
                        Op::DisableBucketLogging(DisableBucketLogging { bucket: bucket.clone() }),
                        format!("turn access logging of {bucket} off: it was off before"),
                    )
                })?
            } else {
                let l: BucketLogging = serde_json::from_value(prior.clone()).ok()?;
                restore(
                    Op::PutBucketLogging(PutBucketLogging {
                        bucket: bucket.clone(),
                        target_bucket: l.target_bucket,
                        target_prefix: l.target_prefix,
                    }),
                    format!("put back the access logging {bucket} had before"),
                    prior,
                )
            }
        }
        Op::CreateKey(CreateKey { alias, .. }) => created.then(|| {
            let key_id = result.and_then(|v| s(v, "key_id"));
            remove(
                Op::ScheduleKeyDeletion(ScheduleKeyDeletion {
                    alias: alias.clone(),
                    key_id: key_id.clone(),
                    pending_days: KEY_PENDING_DAYS,
                }),
                format!(
                    "delete {alias} and schedule key {} (made by this run) for deletion in {KEY_PENDING_DAYS} days",
                    key_id.as_deref().unwrap_or("it points at")
                ),
            )
        })?,
        Op::PutKeyPolicy(PutKeyPolicy { key_id, .. }) => (!prior.is_null()).then(|| {
            restore(
                Op::PutKeyPolicy(PutKeyPolicy { key_id: key_id.clone(), policy: prior.clone() }),
                format!("put back the key policy {key_id} had before"),
                prior,
            )
        })?,
        Op::EnableKeyRotation(EnableKeyRotation { key_id }) | Op::DisableKeyRotation(DisableKeyRotation { key_id }) => {
            let was = prior.get("rotation_enabled").and_then(Value::as_bool)?;
            let key_id = s(prior, "key_id").unwrap_or_else(|| key_id.clone());
            let enabling = matches!(r.entry.op, Op::EnableKeyRotation(_));
            if was == enabling {
                return None;
            }
            restore(
                if was {
                    Op::EnableKeyRotation(EnableKeyRotation { key_id: key_id.clone() })
                } else {
                    Op::DisableKeyRotation(DisableKeyRotation { key_id: key_id.clone() })
                },
                format!("turn rotation of key {key_id} back {}", if was { "on" } else { "off" }),
                prior,
            )
        }
        Op::CreateLogGroup(CreateLogGroup { name, .. }) => created.then(|| {
            remove(
                Op::DeleteLogGroup(DeleteLogGroup { name: name.clone() }),
                format!("delete log group {name}, which this run created"),
            )
        })?,
        Op::CreateRole(CreateRole { name, policy_name, .. }) => created.then(|| {
            remove(
                Op::DeleteRole(DeleteRole { name: name.clone(), inline_policies: vec![policy_name.clone()] }),
                format!("delete role {name} (and its inline policy {policy_name}), which this run created"),
            )
        })?,
        Op::CreateServiceLinkedRole(CreateServiceLinkedRole { service }) => {
            let role_name = result.and_then(|v| s(v, "role_name"))?;
            created.then(|| {
                remove(
                    Op::DeleteServiceLinkedRole(DeleteServiceLinkedRole { role_name: role_name.clone() }),
                    format!("delete the service-linked role {role_name} for {service}, which this run created"),
                )
            })?
        }
        Op::CreateTrail(CreateTrail { name, .. }) => created.then(|| {
            remove(
                Op::DeleteTrail(DeleteTrail { name: name.clone() }),
                format!("delete trail {name}, which this run created"),
            )
        })?,
        Op::UpdateTrail(UpdateTrail {
            name,
            is_multi_region,
            include_global_service_events,
            log_file_validation,
            kms_key_id,
            cloudwatch_log_group_arn,
            cloudwatch_role_arn,
        }) => {
            let t: TrailState = serde_json::from_value(prior.clone()).ok()?;
            let cw = cloudwatch_log_group_arn.is_some() || cloudwatch_role_arn.is_some();
            let op = Op::UpdateTrail(UpdateTrail {
                name: name.clone(),
                is_multi_region: is_multi_region.map(|_| t.is_multi_region),
                include_global_service_events: include_global_service_events
                    .map(|_| t.include_global_service_events),
                log_file_validation: log_file_validation.map(|_| t.log_file_validation),
                // "" unsets a string setting.
                kms_key_id: kms_key_id.as_ref().map(|_| t.kms_key_id.clone().unwrap_or_default()),
                cloudwatch_log_group_arn: cw.then(|| t.cloudwatch_log_group_arn.clone().unwrap_or_default()),
                cloudwatch_role_arn: cw.then(|| t.cloudwatch_role_arn.clone().unwrap_or_default()),
            });
            restore(op, format!("put back the settings trail {name} had before"), prior)
        }
        Op::PutEventSelectors(PutEventSelectors { trail, .. }) | Op::PutAdvancedEventSelectors(PutAdvancedEventSelectors { trail, .. }) => {
            let t: TrailState = serde_json::from_value(prior.clone()).ok()?;
            let non_empty = |v: &Value| v.as_array().is_some_and(|a| !a.is_empty());
            if non_empty(&t.advanced_event_selectors) {
                restore(
                    Op::PutAdvancedEventSelectors(PutAdvancedEventSelectors { trail: trail.clone(), selectors: t.advanced_event_selectors }),
                    format!("put back the advanced event selectors trail {trail} had before"),
                    prior,
                )
            } else if non_empty(&t.event_selectors) {
                restore(
                    Op::PutEventSelectors(PutEventSelectors { trail: trail.clone(), selectors: t.event_selectors }),
                    format!("put back the event selectors trail {trail} had before"),
                    prior,
                )
            } else {
                // A trail cannot be set to "no selectors"; nothing to put back.
                None
            }
        }
        Op::StartLogging(StartLogging { trail }) | Op::StopLogging(StopLogging { trail }) => {
            let was = prior.get("is_logging").and_then(Value::as_bool)?;
            let starting = matches!(r.entry.op, Op::StartLogging(_));
            if was == starting {
                return None;
            }
            restore(
                if was {
                    Op::StartLogging(StartLogging { trail: trail.clone() })
                } else {
                    Op::StopLogging(StopLogging { trail: trail.clone() })
                },
                format!("{} logging on trail {trail} again, as before", if was { "start" } else { "stop" }),
                prior,
            )
        }
        Op::PutConfigurationRecorder(PutConfigurationRecorder { name, .. }) | Op::RestoreConfigurationRecorder(RestoreConfigurationRecorder { name, .. }) => {
            if prior.is_null() {
                created.then(|| {
                    remove(
                        Op::DeleteConfigurationRecorder(DeleteConfigurationRecorder { name: name.clone() }),
                        format!("delete configuration recorder {name}, which this run created"),
                    )
                })?
            } else {
                restore(
                    Op::RestoreConfigurationRecorder(RestoreConfigurationRecorder {
                        name: name.clone(),
                        role_arn: s(prior, "role_arn").unwrap_or_default(),
                        recording_group: prior.get("recording_group").cloned().unwrap_or(Value::Null),
                        recording_mode: prior.get("recording_mode").cloned(),
                    }),
                    format!("put back configuration recorder {name} as it was"),
                    prior,
                )
            }
        }
        Op::PutDeliveryChannel(PutDeliveryChannel { name, .. }) => {
            if prior.is_null() {
                created.then(|| {
                    remove(
                        Op::DeleteDeliveryChannel(DeleteDeliveryChannel { name: name.clone() }),
                        format!("delete delivery channel {name}, which this run created"),
                    )
                })?
            } else {
                restore(
                    Op::PutDeliveryChannel(PutDeliveryChannel {
                        name: name.clone(),
                        bucket: s(prior, "s3_bucket").unwrap_or_default(),
                        prefix: s(prior, "s3_prefix"),
                    }),
                    format!("put back delivery channel {name} as it was"),
                    prior,
                )
            }
        }
        Op::StartConfigurationRecorder(StartConfigurationRecorder { name }) | Op::StopConfigurationRecorder(StopConfigurationRecorder { name }) => {
            let was = prior.get("recording").and_then(Value::as_bool)?;
            let starting = matches!(r.entry.op, Op::StartConfigurationRecorder(_));
            if was == starting {
                return None;
            }
            restore(
                if was {
                    Op::StartConfigurationRecorder(StartConfigurationRecorder { name: name.clone() })
                } else {
                    Op::StopConfigurationRecorder(StopConfigurationRecorder { name: name.clone() })
                },
                format!("{} recorder {name} again, as before", if was { "start" } else { "stop" }),
                prior,
            )
        }
        Op::CreateFlowLogs(_) => {
            let ids: Vec<String> = result
                .and_then(|v| v.get("created"))
                .and_then(Value::as_array)
                .map(|a| a.iter().filter_map(|x| x.as_str().map(str::to_string)).collect())
                .unwrap_or_default();
            (!ids.is_empty()).then(|| {
                remove(
                    Op::DeleteFlowLogs(DeleteFlowLogs { flow_log_ids: ids.clone() }),
                    format!("delete flow log(s) {}, which this run created", ids.join(", ")),
                )
            })?
        }
        // Deletions cannot be undone by recreating: nothing to plan.
        Op::DeleteTrail(_)
        | Op::DeleteLogGroup(_)
        | Op::DeleteRole(_)
        | Op::DeleteServiceLinkedRole(_)
        | Op::DeleteConfigurationRecorder(_)
        | Op::DeleteDeliveryChannel(_)
        | Op::DeleteFlowLogs(_)
        | Op::DeleteBucket(_)
        | Op::ScheduleKeyDeletion(_) => None,
    }
}

/// Strips the executor's bookkeeping (`created`) from a read-back value.
fn shown(v: Option<&Value>) -> Value {
    match v {
        Some(Value::Object(m)) => {
            let mut m = m.clone();
            m.remove("created");
            Value::Object(m)
        }
        Some(v) => v.clone(),
        None => Value::Null,
    }
}

/// Reversal actions for a run's journal, in reverse journal order.
pub fn plan_undo(entries: &[JournalEntry]) -> Vec<Action> {
    let recs = records(entries);
    let created: HashSet<String> = recs.iter().flat_map(created_resources).collect();

    // (record index, action) in journal order; reversed below.
    let mut planned: Vec<(usize, Action)> = vec![];
    let mut ids: HashMap<String, usize> = HashMap::new();
    for (i, r) in recs.iter().enumerate() {
        if matches!(r.end, End::Clean) {
            continue;
        }
        // Changes to a resource this run made go away with the resource.
        if touched_resource(&r.entry.op, r.region()).is_some_and(|k| created.contains(&k)) {
            continue;
        }
        let Some(rev) = reverse(r) else { continue };
        let now = shown(r.result());
        // Nothing changed (the value already was what was asked for).
        if !r.interrupted() && !now.is_null() && rev.after == now {
            continue;
        }
        let base = format!("undo:{}", r.entry.action_id);
        let n = ids.entry(base.clone()).or_insert(0);
        *n += 1;
        let id = if *n == 1 { base } else { format!("{base}#{n}") };
        let mut reason = format!("undo {}: {}", r.entry.action_id, rev.why);
        if r.interrupted() {
            reason.push_str(
                " (the run stopped during this action, so its state is unknown: undoing it anyway)",
            );
        }
        planned.push((
            i,
            Action {
                id,
                region: r.entry.region.clone(),
                target: r.entry.target.clone(),
                change: rev.op.change(),
                op: rev.op,
                before: now,
                after: rev.after,
                fixes: vec![],
                controls: r.entry.controls.clone(),
                reason,
                safety: Safety::NeedsReview,
                depends_on: vec![],
                observed: vec![],
            },
        ));
    }
    planned.reverse();

    // Original action id -> the ids of its reversals.
    let mut undo_of: BTreeMap<&str, Vec<String>> = BTreeMap::new();
    for (i, a) in &planned {
        undo_of
            .entry(recs[*i].entry.action_id.as_str())
            .or_default()
            .push(a.id.clone());
    }
    let mut deps: Vec<Vec<String>> = vec![vec![]; planned.len()];
    let pos: HashMap<String, usize> = planned
        .iter()
        .enumerate()
        .map(|(p, (_, a))| (a.id.clone(), p))
        .collect();
    let mut last_config: HashMap<String, String> = HashMap::new();
    for (p, (i, a)) in planned.iter().enumerate() {
        // If B depended on A, A's reversal waits for B's.
        for d in &recs[*i].entry.depends_on {
            for target in undo_of.get(d.as_str()).into_iter().flatten() {
                if let Some(&q) = pos.get(target)
                    && q > p
                    && !deps[q].contains(&a.id)
                {
                    deps[q].push(a.id.clone());
                }
            }
        }
        // A region's Config reversals run in order.
        if is_config(&a.op)
            && let Some(prev) = last_config.insert(a.region.clone(), a.id.clone())
            && !deps[p].contains(&prev)
        {
            deps[p].push(prev);
        }
    }
    planned
        .into_iter()
        .zip(deps)
        .map(|((_, mut a), d)| {
            a.depends_on = d;
            a
        })
        .collect()
}

fn is_config(op: &Op) -> bool {
    matches!(
        op,
        Op::PutConfigurationRecorder(_)
            | Op::RestoreConfigurationRecorder(_)
            | Op::PutDeliveryChannel(_)
            | Op::StartConfigurationRecorder(_)
            | Op::StopConfigurationRecorder(_)
            | Op::DeleteDeliveryChannel(_)
            | Op::DeleteConfigurationRecorder(_)
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn entry(seq: u64, id: &str, op: Op, phase: Phase, deps: &[&str]) -> JournalEntry {
        JournalEntry {
            seq,
            time: String::new(),
            action_id: id.into(),
            region: "us-east-1".into(),
            target: String::new(),
            op,
            phase,
            depends_on: deps.iter().map(|d| d.to_string()).collect(),
            controls: vec![],
        }
    }

    #[test]
    fn reversals_come_in_reverse_order_and_wait_for_their_dependents() {
        let lg = Op::CreateLogGroup(CreateLogGroup {
            name: "g".into(),
            retention_days: 365,
        });
        let tr = Op::CreateTrail(CreateTrail {
            name: "t".into(),
            bucket: "b".into(),
            prefix: None,
            kms_key_id: None,
            cloudwatch_log_group_arn: None,
            cloudwatch_role_arn: None,
        });
        let sl = Op::StartLogging(StartLogging { trail: "t".into() });
        let entries = vec![
            entry(
                1,
                "lg",
                lg.clone(),
                Phase::Before { prior: Value::Null },
                &[],
            ),
            entry(
                2,
                "lg",
                lg,
                Phase::After {
                    result: json!({"name": "g", "created": true}),
                },
                &[],
            ),
            entry(
                3,
                "tr",
                tr.clone(),
                Phase::Before { prior: Value::Null },
                &["lg"],
            ),
            entry(
                4,
                "tr",
                tr,
                Phase::After {
                    result: json!({"created": true}),
                },
                &[],
            ),
            entry(
                5,
                "sl",
                sl.clone(),
                Phase::Before {
                    prior: json!({"is_logging": false}),
                },
                &["tr"],
            ),
            entry(
                6,
                "sl",
                sl,
                Phase::After {
                    result: json!({"is_logging": true}),
                },
                &[],
            ),
        ];
        let undo = plan_undo(&entries);
        // Logging on a trail this run made is not stopped separately.
        let ids: Vec<&str> = undo.iter().map(|a| a.id.as_str()).collect();
        assert_eq!(ids, ["undo:tr", "undo:lg"]);
        assert_eq!(undo[1].depends_on, ["undo:tr"]);
        assert!(matches!(undo[0].op, Op::DeleteTrail(_)));
    }

    #[test]
    fn things_that_already_existed_are_never_deleted() {
        let lg = Op::CreateLogGroup(CreateLogGroup {
            name: "g".into(),
            retention_days: 365,
        });
        let entries = vec![
            entry(
                1,
                "lg",
                lg.clone(),
                Phase::Before {
                    prior: json!({"name": "g"}),
                },
                &[],
            ),
            entry(
                2,
                "lg",
                lg.clone(),
                Phase::After {
                    result: json!({"name": "g", "created": false}),
                },
                &[],
            ),
            // Raced: absent when read, "already exists" when made.
            entry(
                3,
                "lg2",
                lg.clone(),
                Phase::Before { prior: Value::Null },
                &[],
            ),
            entry(
                4,
                "lg2",
                lg,
                Phase::After {
                    result: json!({"name": "g", "created": false}),
                },
                &[],
            ),
        ];
        assert!(plan_undo(&entries).is_empty());
    }

    #[test]
    fn a_write_cut_off_mid_way_is_undone_and_a_failed_read_is_not() {
        let p = Op::PutBucketPolicy(PutBucketPolicy {
            bucket: "b".into(),
            policy: json!({"Statement": []}),
        });
        let entries = vec![
            entry(
                1,
                "p",
                p.clone(),
                Phase::Before {
                    prior: json!({"Version": "1"}),
                },
                &[],
            ),
            entry(
                2,
                "q",
                p,
                Phase::Failed {
                    code: "AccessDenied".into(),
                    message: String::new(),
                    result: Value::Null,
                },
                &[],
            ),
        ];
        let undo = plan_undo(&entries);
        assert_eq!(undo.len(), 1);
        assert!(undo[0].reason.contains("stopped during this action"));
        assert_eq!(
            undo[0].op,
            Op::PutBucketPolicy(PutBucketPolicy {
                bucket: "b".into(),
                policy: json!({"Version": "1"})
            })
        );
    }
}
