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
//! Undo works against the live state: each reversal carries what apply
//! wrote as a [`Guard`](crate::actions::Guard) (see docs/safety.md, "Undo
//! rules"). A setting is restored only while it still reads as apply left
//! it; a policy loses only apply's own statements; a created resource that
//! holds data is kept. What is left ends as a typed outcome (changed since
//! apply, kept: holds data), never silently overwritten.
//!
//! The actions come in reverse journal order; an action's reversal waits for
//! the reversals of everything that depended on it, and a region's Config
//! reversals run one after another (stop recording, then the channel, then
//! the recorder).

use std::collections::{BTreeMap, HashMap, HashSet};

use serde_json::Value;

use crate::actions::journal::{JournalEntry, Phase};
use crate::plan::{Action, Safety};

/// Days a created key waits before KMS deletes it (the maximum).
pub use crate::actions::KEY_PENDING_DAYS;

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

/// Resources a record created: bucket, key (alias, id, ARN) or trail.
fn created_resources(r: &Record) -> Vec<String> {
    if !r.created() || matches!(r.end, End::Clean) {
        return vec![];
    }
    r.entry.op.creates(r.region(), r.result())
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
        if r.entry
            .op
            .touches(r.region())
            .is_some_and(|k| created.contains(&k))
        {
            continue;
        }
        let Some(rev) = r.entry.op.reverse(r.prior, r.result(), r.created()) else {
            continue;
        };
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
                guard: rev.guard,
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
        if a.op.serial_undo()
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::actions::*;
    use crate::plan::Op;
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
            is_organization: false,
        });
        let sl = Op::SetLogging(SetLogging {
            trail: "t".into(),
            logging: true,
        });
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

    #[test]
    fn each_reversal_carries_what_apply_wrote_for_undo_to_compare_with_the_live_value() {
        let wrote = json!({"Statement": [{"Sid": "Ours"}]});
        let p = Op::PutBucketPolicy(PutBucketPolicy {
            bucket: "b".into(),
            policy: wrote.clone(),
        });
        let sl = Op::SetKeyRotation(SetKeyRotation {
            key_id: "k".into(),
            enabled: true,
        });
        let entries = vec![
            entry(
                1,
                "p",
                p.clone(),
                Phase::Before {
                    prior: json!({"Statement": [{"Sid": "Theirs"}]}),
                },
                &[],
            ),
            entry(
                2,
                "p",
                p,
                Phase::After {
                    result: wrote.clone(),
                },
                &[],
            ),
            entry(
                3,
                "sl",
                sl.clone(),
                Phase::Before {
                    prior: json!({"key_id": "k", "rotation_enabled": false}),
                },
                &[],
            ),
            entry(
                4,
                "sl",
                sl,
                Phase::After {
                    result: json!({"key_id": "k", "rotation_enabled": true}),
                },
                &[],
            ),
        ];
        let undo = plan_undo(&entries);
        let guard = |id: &str| &undo.iter().find(|a| a.id == id).unwrap().guard;
        assert_eq!(
            guard("undo:p"),
            &Guard::Statements {
                prior: json!({"Statement": [{"Sid": "Theirs"}]}),
                wrote,
            }
        );
        let g = guard("undo:sl");
        assert_eq!(
            g,
            &Guard::Unchanged {
                wrote: json!({"key_id": "k", "rotation_enabled": true}),
                prior: json!({"key_id": "k", "rotation_enabled": false}),
                fields: vec!["/rotation_enabled".into()],
            }
        );
        // Still on: restore. Off already (as before): nothing is lost either.
        assert!(
            g.changed_fields(&json!({"key_id": "k2", "rotation_enabled": true}))
                .is_empty()
        );
        assert!(
            g.changed_fields(&json!({"rotation_enabled": false}))
                .is_empty()
        );
        // A field apply wrote that now reads neither way: changed since apply.
        let trail = Guard::Unchanged {
            wrote: json!({"kms_key_id": "a"}),
            prior: json!({"kms_key_id": null}),
            fields: vec!["/kms_key_id".into()],
        };
        assert_eq!(
            trail.changed_fields(&json!({"kms_key_id": "b"})),
            ["/kms_key_id"]
        );
        // A plan's action carries none, and its JSON has no guard field.
        let plan_json = serde_json::to_value(&undo[0]).unwrap();
        assert!(plan_json.get("guard").is_some());
        let mut plain = undo[0].clone();
        plain.guard = Guard::None;
        assert!(serde_json::to_value(&plain).unwrap().get("guard").is_none());
    }
}
