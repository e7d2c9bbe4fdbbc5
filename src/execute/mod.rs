//! Runs a plan's actions against AWS, reads every write back, journals it.
//!
//! `execute` never decides what to do: it does what each [`Action`]'s
//! [`Op`](crate::plan::Op) says, in dependency order, and records it.
//!
//! - Order: an action starts only once every `depends_on` has been applied;
//!   when one failed or was skipped, the action is skipped and says why.
//!   Independent actions run concurrently, at most `concurrency` at a time.
//!   Results come back in plan order.
//! - Idempotent: every op is get-or-create ("already exists" is success) or
//!   a put of the whole desired value, so a rerun converges and never makes
//!   a second trail, key or flow log.
//! - Journal: before each write the current value is read live and appended
//!   (`phase: before`, `prior: null` = did not exist); after the write the
//!   value is read back, verified and appended (`after`), or the failure is
//!   (`failed`). Each line is flushed and synced: the process may be killed
//!   at any time. [`undo::plan_undo`] turns a journal into reversal actions.
//! - IAM is eventually consistent: errors that mean "the role or policy you
//!   just made is not visible yet" are retried with exponential backoff.

pub mod undo;

pub use crate::actions::ctx::ExecOptions;
pub use crate::actions::journal::{self, JournalEntry, Phase, read_journal};
pub use undo::plan_undo;

use std::collections::HashMap;
use std::sync::atomic::Ordering;

use futures::StreamExt;
use futures::stream::FuturesUnordered;
use serde::{Deserialize, Serialize};

use crate::actions::Left;
use crate::actions::ctx;
use crate::actions::journal::Journal;
use crate::aws::Aws;
use crate::plan::Action;

/// What happened to one action.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "outcome", rename_all = "snake_case")]
pub enum Outcome {
    Applied {
        detail: String,
    },
    Failed {
        code: String,
        message: String,
    },
    Skipped {
        reason: String,
    },
    /// Undo only: left as it is (wholly, or the part `detail` names),
    /// because it changed since apply or holds data.
    Left {
        why: Left,
        detail: String,
    },
}

impl Outcome {
    pub fn is_applied(&self) -> bool {
        matches!(self, Outcome::Applied { .. })
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ActionResult {
    pub id: String,
    #[serde(flatten)]
    pub outcome: Outcome,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct ExecReport {
    /// One per action, in plan order.
    pub results: Vec<ActionResult>,
    /// Cancelled (Ctrl-C) before every action could start.
    pub interrupted: bool,
}

impl ExecReport {
    pub fn applied(&self) -> usize {
        self.count(|o| matches!(o, Outcome::Applied { .. }))
    }
    pub fn failed(&self) -> usize {
        self.count(|o| matches!(o, Outcome::Failed { .. }))
    }
    pub fn skipped(&self) -> usize {
        self.count(|o| matches!(o, Outcome::Skipped { .. }))
    }
    /// Undo: actions that left something as it is.
    pub fn left(&self) -> usize {
        self.count(|o| matches!(o, Outcome::Left { .. }))
    }
    /// Nothing failed, nothing was left by undo, and the run was not cut short.
    pub fn ok(&self) -> bool {
        self.failed() == 0 && self.left() == 0 && !self.interrupted
    }
    fn count(&self, f: impl Fn(&Outcome) -> bool) -> usize {
        self.results.iter().filter(|r| f(&r.outcome)).count()
    }
}

/// Progress, for the caller's display.
#[derive(Debug, Clone, Copy)]
pub enum ExecEvent<'a> {
    Started(&'a Action),
    Finished(&'a Action, &'a Outcome),
}

/// Runs `actions` (in plan order: every action after its `depends_on`).
///
/// Errors only when the journal cannot be opened or the action ids are not
/// unique; everything else is an [`Outcome`] in the report.
pub async fn execute(
    aws: &Aws,
    actions: &[Action],
    opts: &ExecOptions,
    on_event: &(dyn Fn(ExecEvent) + Send + Sync),
) -> anyhow::Result<ExecReport> {
    let mut index: HashMap<&str, usize> = HashMap::new();
    for (i, a) in actions.iter().enumerate() {
        if index.insert(a.id.as_str(), i).is_some() {
            anyhow::bail!("the plan has two actions with the id {}", a.id);
        }
    }
    let journal = Journal::open(&opts.journal_path)?;
    let limit = opts.concurrency.max(1);
    let n = actions.len();
    let mut outcomes: Vec<Option<Outcome>> = vec![None; n];
    // Per finished action: it, or something it depends on, wrote in this
    // run what IAM propagates (a role, a policy: see `Op::propagates`),
    // which its dependents may wait for.
    let mut wrote = vec![false; n];
    let mut started = vec![false; n];
    let mut interrupted = false;
    let mut running = FuturesUnordered::new();
    let order = critical_path_first(actions, &index);

    loop {
        // Start (or settle) everything that can be, longest chain of
        // dependents first: a ready action that others wait on does not queue
        // behind hundreds of independent ones (key rotations, say).
        let mut settled_any = true;
        while settled_any {
            settled_any = false;
            for &i in &order {
                if started[i] {
                    continue;
                }
                let a = &actions[i];
                let skip = if let Some(why) = opts.skip.get(&a.id) {
                    format!("skipped by the user: {why}")
                } else {
                    match blocking_dependency(a, &index, &outcomes) {
                        Dep::Waiting => continue,
                        Dep::Bad(reason) => reason,
                        Dep::Ready if journal.broken() => {
                            "not started: the journal could not be written".to_string()
                        }
                        Dep::Ready if opts.cancel.load(Ordering::SeqCst) => {
                            interrupted = true;
                            "not started: the run was cancelled".to_string()
                        }
                        Dep::Ready if running.len() >= limit => continue,
                        Dep::Ready => {
                            started[i] = true;
                            on_event(ExecEvent::Started(a));
                            let journal = &journal;
                            let fresh = a
                                .depends_on
                                .iter()
                                .filter_map(|d| index.get(d.as_str()))
                                .any(|&j| wrote[j]);
                            running.push(async move {
                                (i, run_action(aws, opts, journal, a, fresh).await)
                            });
                            continue;
                        }
                    }
                };
                started[i] = true;
                settled_any = true;
                tracing::info!(action = %a.id, reason = %skip, "skipped");
                let _ = journal.append(
                    a,
                    Phase::Skipped {
                        reason: skip.clone(),
                    },
                );
                outcomes[i] = Some(Outcome::Skipped { reason: skip });
                on_event(ExecEvent::Finished(a, outcomes[i].as_ref().unwrap()));
            }
        }
        let Some((i, (outcome, changed))) = running.next().await else {
            break;
        };
        wrote[i] = (changed && actions[i].op.propagates())
            || actions[i]
                .depends_on
                .iter()
                .filter_map(|d| index.get(d.as_str()))
                .any(|&j| wrote[j]);
        outcomes[i] = Some(outcome);
        on_event(ExecEvent::Finished(
            &actions[i],
            outcomes[i].as_ref().unwrap(),
        ));
    }

    // Anything left waits on a dependency that can never finish (a cycle).
    for i in 0..n {
        if outcomes[i].is_none() {
            let a = &actions[i];
            let reason = format!(
                "not started: its dependencies ({}) never finished (a dependency cycle?)",
                a.depends_on.join(", ")
            );
            let _ = journal.append(
                a,
                Phase::Skipped {
                    reason: reason.clone(),
                },
            );
            outcomes[i] = Some(Outcome::Skipped { reason });
            on_event(ExecEvent::Finished(a, outcomes[i].as_ref().unwrap()));
        }
    }

    Ok(ExecReport {
        results: actions
            .iter()
            .zip(outcomes)
            .map(|(a, o)| ActionResult {
                id: a.id.clone(),
                outcome: o.expect("every action settled"),
            })
            .collect(),
        interrupted,
    })
}

/// Indices of `actions` (which are in dependency order) sorted by the
/// length of the longest chain of actions waiting on each, longest first,
/// then by plan order.
fn critical_path_first(actions: &[Action], index: &HashMap<&str, usize>) -> Vec<usize> {
    let n = actions.len();
    let mut height = vec![1usize; n];
    for i in (0..n).rev() {
        for d in &actions[i].depends_on {
            if let Some(&j) = index.get(d.as_str()) {
                height[j] = height[j].max(height[i] + 1);
            }
        }
    }
    let mut order: Vec<usize> = (0..n).collect();
    order.sort_by_key(|&i| (std::cmp::Reverse(height[i]), i));
    order
}

enum Dep {
    Ready,
    Waiting,
    Bad(String),
}

fn blocking_dependency(a: &Action, index: &HashMap<&str, usize>, done: &[Option<Outcome>]) -> Dep {
    let mut waiting = false;
    for d in &a.depends_on {
        match index.get(d.as_str()) {
            None => return Dep::Bad(format!("depends on {d} which is not in the plan")),
            Some(&j) => match &done[j] {
                None => waiting = true,
                Some(Outcome::Applied { .. }) => {}
                Some(Outcome::Failed { .. }) => {
                    return Dep::Bad(format!("depends on {d} which failed"));
                }
                Some(Outcome::Skipped { .. }) => {
                    return Dep::Bad(format!("depends on {d} which was skipped"));
                }
                // What it relies on is still there: leave this one too.
                Some(Outcome::Left { .. }) => {
                    return Dep::Bad(format!("depends on {d} which was left as it is"));
                }
            },
        }
    }
    if waiting { Dep::Waiting } else { Dep::Ready }
}

/// Runs one action: the op journals `before` itself (after its live read,
/// right before its first write); here the `after` / `failed` entry is added.
/// `fresh`: something it depends on was written in this run. Also says
/// whether the action may have written (a failure may have, half-way).
async fn run_action(
    aws: &Aws,
    opts: &ExecOptions,
    journal: &Journal,
    a: &Action,
    fresh: bool,
) -> (Outcome, bool) {
    let cx = ctx::Ctx::new(aws, opts, journal, a).with_fresh(fresh);
    tracing::info!(action = %a.id, op = a.op.name(), "start");
    let outcome = a.op.run(&cx).await;
    let changed = !matches!(&outcome, Ok(d) if d.unchanged);
    let outcome = match outcome {
        Ok(done) => match journal.append(
            a,
            Phase::After {
                result: done.result,
            },
        ) {
            Ok(()) => {
                tracing::info!(action = %a.id, detail = %done.detail, "applied");
                match done.left {
                    Some(why) => Outcome::Left {
                        why,
                        detail: done.detail,
                    },
                    None => Outcome::Applied {
                        detail: done.detail,
                    },
                }
            }
            Err(e) => Outcome::Failed {
                code: "JournalError".into(),
                message: format!(
                    "applied ({}), but the journal entry could not be written: {e}",
                    done.detail
                ),
            },
        },
        // Undo's guard refused before anything was written.
        Err(ctx::Fail {
            left: Some(why),
            message,
            ..
        }) => {
            tracing::info!(action = %a.id, %message, "left as it is");
            let _ = journal.append(
                a,
                Phase::Skipped {
                    reason: message.clone(),
                },
            );
            Outcome::Left {
                why,
                detail: message,
            }
        }
        Err(fail) => {
            let message = journal::scrub(&fail.message);
            tracing::warn!(action = %a.id, code = %fail.code, %message, "failed");
            let _ = journal.append(
                a,
                Phase::Failed {
                    code: fail.code.clone(),
                    message: message.clone(),
                    result: fail.result,
                },
            );
            Outcome::Failed {
                code: fail.code,
                message,
            }
        }
    };
    (outcome, changed)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::plan::{Change, Op, Safety};

    fn act(id: &str, deps: &[&str]) -> Action {
        Action {
            id: id.into(),
            region: "us-east-1".into(),
            target: id.into(),
            change: Change::Update,
            op: Op::SetLogging(crate::actions::SetLogging {
                trail: id.into(),
                logging: true,
            }),
            before: serde_json::Value::Null,
            after: serde_json::Value::Null,
            fixes: vec![],
            controls: vec![],
            reason: String::new(),
            safety: Safety::Safe,
            depends_on: deps.iter().map(|d| d.to_string()).collect(),
            observed: vec![],
            guard: Default::default(),
        }
    }

    #[test]
    fn the_head_of_the_longest_chain_starts_before_independent_actions() {
        // plan order: many independent rotations first, then a 3-step chain
        let actions = vec![
            act("r1", &[]),
            act("r2", &[]),
            act("a", &[]),
            act("b", &["a"]),
            act("c", &["b"]),
        ];
        let index: HashMap<&str, usize> = actions
            .iter()
            .enumerate()
            .map(|(i, a)| (a.id.as_str(), i))
            .collect();
        let order: Vec<&str> = critical_path_first(&actions, &index)
            .into_iter()
            .map(|i| actions[i].id.as_str())
            .collect();
        assert_eq!(order, ["a", "b", "r1", "r2", "c"]);
    }
}
