//! What `apply` and `undo` print about their results: a line per action as
//! it finishes, and the summary once the run is over.
//!
//! The summary lists each failed action once (with the AWS code and
//! message), each action skipped at the `--step` prompt once, the actions
//! skipped because of either grouped under it, and the actions that never
//! started once each; it ends with the counts on one line:
//!
//! ```text
//! Skipped at the prompt:
//!   put_bucket_acl ct-east (us-east-1)
//! Not started (28):
//!   put_bucket_policy ct-west (eu-west-1)
//!   …
//! Apply stopped at your request: 1 applied, 1 skipped, 28 not started.
//! ```

use std::collections::{BTreeMap, HashMap};
use std::fmt::Write;

use super::Style;
use crate::actions::Left;
use crate::execute::{ActionResult, ExecReport, Outcome};
use crate::plan::Action;

/// The command that ran the actions: the word its summary starts with.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Verb {
    Apply,
    Undo,
}

impl Verb {
    pub fn word(self) -> &'static str {
        match self {
            Verb::Apply => "Apply",
            Verb::Undo => "Undo",
        }
    }
}

/// Why the user held an action back at the `--step` prompt, before
/// anything ran.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Held {
    /// Answered "skip".
    Skipped,
    /// Not asked: it depends on this action, which was held back.
    Dependent(String),
    /// Not asked: the user quit at an earlier prompt.
    Quit,
}

impl Held {
    /// In words, for the executor (which journals it as the skip reason).
    pub fn reason(&self) -> String {
        match self {
            Held::Skipped => "skipped at the prompt".into(),
            Held::Dependent(d) => format!("depends on {d}, which was skipped"),
            Held::Quit => "not applied: quit at the prompt".into(),
        }
    }
}

/// How one action ended, as the summary tells it. Indices are into
/// `ExecReport::results`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum End<'a> {
    Applied,
    Failed {
        code: &'a str,
        message: &'a str,
    },
    /// The user answered "skip" at the prompt.
    SkippedAtPrompt,
    /// Skipped because an action it depends on (perhaps through others)
    /// did not apply: `root`, which failed or was skipped at the prompt.
    Dependent {
        root: usize,
    },
    /// Never started: after the user quit at the prompt (`why` is `None`),
    /// or for the executor's reason (the run was cancelled, the journal
    /// could not be written, …), and anything waiting on such an action.
    NotStarted {
        why: Option<&'a str>,
    },
    /// Undo left it as it is: it changed since apply, or holds data.
    Left {
        why: Left,
        detail: &'a str,
    },
}

impl End<'_> {
    fn is_skipped(&self) -> bool {
        matches!(self, End::SkippedAtPrompt | End::Dependent { .. })
    }
}

/// How each result in `report` ended, in the report's order.
pub fn ends<'a>(
    actions: &[Action],
    report: &'a ExecReport,
    held: &BTreeMap<String, Held>,
) -> Vec<End<'a>> {
    let results = &report.results;
    let index: HashMap<&str, usize> = results
        .iter()
        .enumerate()
        .map(|(i, r)| (r.id.as_str(), i))
        .collect();
    let by_id: HashMap<&str, &Action> = actions.iter().map(|a| (a.id.as_str(), a)).collect();
    // The first dependency of result `i` that did not apply.
    let blocker = |i: usize| -> Option<usize> {
        by_id
            .get(results[i].id.as_str())?
            .depends_on
            .iter()
            .filter_map(|d| index.get(d.as_str()).copied())
            .find(|&j| !results[j].outcome.is_applied())
    };
    let direct = |i: usize| -> Option<End<'a>> {
        let r: &'a ActionResult = &results[i];
        match &r.outcome {
            Outcome::Applied { .. } => Some(End::Applied),
            Outcome::Failed { code, message } => Some(End::Failed { code, message }),
            Outcome::Left { why, detail } => Some(End::Left { why: *why, detail }),
            Outcome::Skipped { reason } => match held.get(&r.id) {
                Some(Held::Skipped) => Some(End::SkippedAtPrompt),
                Some(Held::Quit) => Some(End::NotStarted { why: None }),
                _ if blocker(i).is_some() => None,
                _ => Some(End::NotStarted { why: Some(reason) }),
            },
        }
    };
    (0..results.len())
        .map(|i| {
            if let Some(end) = direct(i) {
                return end;
            }
            // Follow the chain of dependencies that did not apply to the
            // action that started it (a cycle, which a plan never has, ends
            // as "not started" with the executor's reason).
            let mut at = i;
            for _ in 0..results.len() {
                let Some(next) = blocker(at) else { break };
                at = next;
                match direct(at) {
                    None => continue,
                    Some(End::NotStarted { why }) => return End::NotStarted { why },
                    Some(_) => return End::Dependent { root: at },
                }
            }
            let why = match &results[i].outcome {
                Outcome::Skipped { reason } => Some(reason.as_str()),
                _ => None,
            };
            End::NotStarted { why }
        })
        .collect()
}

/// An action in a few words: its op and target, and its region unless the
/// target names it already.
pub fn short(a: &Action) -> String {
    if a.target.contains(&a.region) {
        format!("{} {}", a.op.name(), a.target)
    } else {
        format!("{} {} ({})", a.op.name(), a.target, a.region)
    }
}

/// The line printed when an action finishes; `None` for one that never ran
/// (the summary lists those).
pub fn progress(a: &Action, outcome: &Outcome, st: Style) -> Option<String> {
    match outcome {
        Outcome::Applied { detail } => Some(format!(
            "  {} {}: {}\n",
            st.green("✓"),
            short(a),
            st.dim(detail)
        )),
        Outcome::Failed { code, .. } => {
            Some(format!("  {} {} failed: {code}\n", st.red("✗"), short(a)))
        }
        Outcome::Skipped { .. } => None,
        Outcome::Left { why, .. } => Some(format!(
            "  {} {}: {}\n",
            st.yellow("!"),
            short(a),
            left_words(*why)
        )),
    }
}

/// How the summary heads what undo left, for this reason.
fn left_words(why: Left) -> &'static str {
    match why {
        Left::ChangedSinceApply => "changed since apply, left as it is",
        Left::HoldsData => "kept: holds data",
    }
}

/// The summary of a run: failed actions (code and message), actions
/// skipped at the prompt, each with the actions skipped because of it, the
/// actions never started, then one line of counts.
pub fn summary(
    verb: Verb,
    actions: &[Action],
    report: &ExecReport,
    held: &BTreeMap<String, Held>,
    st: Style,
) -> String {
    let ends = ends(actions, report, held);
    let by_id: HashMap<&str, &Action> = actions.iter().map(|a| (a.id.as_str(), a)).collect();
    let name = |i: usize| {
        let id = report.results[i].id.as_str();
        by_id
            .get(id)
            .map(|a| short(a))
            .unwrap_or_else(|| id.to_string())
    };
    let dependents = |root: usize| -> Vec<usize> {
        (0..ends.len())
            .filter(|&i| ends[i] == End::Dependent { root })
            .collect()
    };
    let mut out = String::from("\n");
    let with_dependents = |out: &mut String, root: usize| {
        let deps = dependents(root);
        if !deps.is_empty() {
            let _ = writeln!(out, "    dependents skipped ({}):", deps.len());
            for d in deps {
                let _ = writeln!(out, "      {}", name(d));
            }
        }
    };

    if verb == Verb::Undo {
        let reverted: Vec<usize> = (0..ends.len())
            .filter(|&i| ends[i] == End::Applied)
            .collect();
        if !reverted.is_empty() {
            let _ = writeln!(
                out,
                "{}",
                st.green(&format!("Reverted ({}):", reverted.len()))
            );
            for &i in &reverted {
                let _ = writeln!(out, "  {}", name(i));
            }
        }
        for (why, heading) in [
            (Left::HoldsData, "Kept, holds data"),
            (
                Left::ChangedSinceApply,
                "Changed since apply, left as it is",
            ),
        ] {
            let these: Vec<usize> = (0..ends.len())
                .filter(|&i| matches!(ends[i], End::Left { why: w, .. } if w == why))
                .collect();
            if these.is_empty() {
                continue;
            }
            let _ = writeln!(
                out,
                "{}",
                st.yellow(&format!("{heading} ({}):", these.len()))
            );
            for &i in &these {
                if let End::Left { detail, .. } = ends[i] {
                    let _ = writeln!(out, "  {}: {detail}", name(i));
                }
                with_dependents(&mut out, i);
            }
        }
    }
    let failed: Vec<usize> = (0..ends.len())
        .filter(|&i| matches!(ends[i], End::Failed { .. }))
        .collect();
    if !failed.is_empty() {
        let _ = writeln!(out, "{}", st.red("Failed:"));
        for &i in &failed {
            if let End::Failed { code, message } = ends[i] {
                let _ = writeln!(out, "  {}: {code}: {message}", name(i));
            }
            with_dependents(&mut out, i);
        }
    }
    let at_prompt: Vec<usize> = (0..ends.len())
        .filter(|&i| ends[i] == End::SkippedAtPrompt)
        .collect();
    if !at_prompt.is_empty() {
        let _ = writeln!(out, "{}", st.yellow("Skipped at the prompt:"));
        for &i in &at_prompt {
            let _ = writeln!(out, "  {}", name(i));
            with_dependents(&mut out, i);
        }
    }
    // Not started, grouped by why, in the order each reason first appears.
    let mut groups: Vec<(Option<&str>, Vec<usize>)> = vec![];
    for (i, e) in ends.iter().enumerate() {
        if let End::NotStarted { why } = e {
            match groups.iter_mut().find(|(w, _)| w == why) {
                Some((_, v)) => v.push(i),
                None => groups.push((*why, vec![i])),
            }
        }
    }
    for (why, members) in &groups {
        let heading = match why {
            None => format!("Not started ({}):", members.len()),
            Some(w) => format!(
                "Not started, {} ({}):",
                w.strip_prefix("not started: ").unwrap_or(w),
                members.len()
            ),
        };
        let _ = writeln!(out, "{}", st.yellow(&heading));
        for &i in members {
            let _ = writeln!(out, "  {}", name(i));
        }
    }

    let count = |f: fn(&End) -> bool| ends.iter().filter(|e| f(e)).count();
    let applied = count(|e| *e == End::Applied);
    let done_word = match verb {
        Verb::Apply => "applied",
        Verb::Undo => "reverted",
    };
    let mut parts = vec![format!("{applied} {done_word}")];
    for (n, what) in [
        (
            count(|e| {
                matches!(
                    e,
                    End::Left {
                        why: Left::HoldsData,
                        ..
                    }
                )
            }),
            "kept",
        ),
        (
            count(|e| {
                matches!(
                    e,
                    End::Left {
                        why: Left::ChangedSinceApply,
                        ..
                    }
                )
            }),
            "changed since apply",
        ),
        (count(|e| matches!(e, End::Failed { .. })), "failed"),
        (count(|e| e.is_skipped()), "skipped"),
        (
            count(|e| matches!(e, End::NotStarted { .. })),
            "not started",
        ),
    ] {
        if n > 0 {
            parts.push(format!("{n} {what}"));
        }
    }
    let state = if report.interrupted {
        "interrupted"
    } else if ends.contains(&End::NotStarted { why: None }) {
        "stopped at your request"
    } else {
        "complete"
    };
    let _ = writeln!(
        out,
        "{} {}.",
        st.bold(&format!("{} {state}:", verb.word())),
        parts.join(", ")
    );
    if report.left() > 0 {
        let _ = writeln!(
            out,
            "Undo left what is named above as it is, so nothing made or changed since apply is lost: look at each, and change or delete it by hand once it is no longer needed."
        );
    }
    if report.failed() > 0 || report.interrupted {
        let _ = writeln!(
            out,
            "{}",
            match verb {
                Verb::Apply =>
                    "Some actions did not apply. Fix the cause and run `remediate apply` again: it plans only what is still missing.",
                Verb::Undo =>
                    "Some actions did not apply. Fix the cause and run `remediate undo` on the same journal again: what is already undone is left as it is.",
            }
        );
    }
    out
}
