//! What `apply` and `undo` print about their results, over hand-built
//! executor reports: the exact text, colour off.

use std::collections::BTreeMap;

use remediate::actions::Left;
use remediate::execute::{ActionResult, ExecReport, Outcome};
use remediate::plan::{Action, Op};
use remediate::render::{self, End, Held, Style, Verb};
use serde_json::{Value, json};

const PLAIN: Style = Style { color: false };

/// An action as a plan file holds it; its id is `<op name>:<region>:<target>`.
fn action(op: Value, region: &str, target: &str, deps: &[&str]) -> Action {
    let name = serde_json::from_value::<Op>(op.clone()).unwrap().name();
    serde_json::from_value(json!({
        "id": format!("{name}:{region}:{target}"),
        "region": region,
        "target": target,
        "change": "update",
        "op": op,
        "before": null,
        "after": null,
        "fixes": [],
        "controls": [],
        "reason": "",
        "safety": "safe",
        "depends_on": deps,
        "observed": [],
    }))
    .unwrap()
}

fn rotation(n: usize) -> Action {
    let key = format!("arn:aws:kms:us-east-1:123456789012:key/k{n:02}");
    action(
        json!({"op": "set_key_rotation", "key_id": key, "enabled": true}),
        "us-east-1",
        &key,
        &[],
    )
}

fn create_bucket(name: &str) -> Action {
    action(
        json!({"op": "create_bucket", "bucket": name}),
        "us-east-1",
        name,
        &[],
    )
}

fn bucket_logging(bucket: &str, to: &Action) -> Action {
    action(
        json!({"op": "set_bucket_logging", "bucket": bucket, "logging": {"target_bucket": to.target, "target_prefix": ""}}),
        "us-east-1",
        bucket,
        &[to.id.as_str()],
    )
}

/// A log bucket, the access logging that needs it, and an unrelated key
/// rotation.
fn logging_after_its_bucket_and_a_key() -> (Action, Action, Action) {
    let bucket = create_bucket("logs");
    let logging = bucket_logging("ct-east", &bucket);
    (bucket, logging, rotation(1))
}

fn start_logging(trail: &str, after: &Action) -> Action {
    action(
        json!({"op": "set_logging", "trail": trail, "logging": true}),
        "us-east-1",
        trail,
        &[after.id.as_str()],
    )
}

fn applied(a: &Action) -> ActionResult {
    ActionResult {
        id: a.id.clone(),
        outcome: Outcome::Applied {
            detail: "done".into(),
        },
    }
}

fn skipped(a: &Action, reason: &str) -> ActionResult {
    ActionResult {
        id: a.id.clone(),
        outcome: Outcome::Skipped {
            reason: reason.into(),
        },
    }
}

fn report(results: Vec<ActionResult>) -> ExecReport {
    ExecReport {
        results,
        interrupted: false,
    }
}

const APPLY_HINT: &str = "Some actions did not apply. Fix the cause and run `remediate apply` again: it plans only what is still missing.\n";

/// The summary of `n` key rotations that all applied.
fn all_applied(verb: Verb, n: usize) -> String {
    let actions: Vec<Action> = (1..=n).map(rotation).collect();
    let r = report(actions.iter().map(applied).collect());
    render::summary(verb, &actions, &r, &BTreeMap::new(), PLAIN)
}

#[test]
fn every_action_applied_is_one_line() {
    assert_eq!(
        all_applied(Verb::Apply, 3),
        "\nApply complete: 3 applied.\n"
    );
}

#[test]
fn a_failure_is_listed_once_with_its_code_and_message_and_its_dependents_under_it() {
    let bucket = create_bucket("logs");
    let logging = bucket_logging("ct-east", &bucket);
    let trail = "arn:aws:cloudtrail:us-east-1:123456789012:trail/t";
    let start = start_logging(trail, &logging);
    let key = rotation(1);
    let actions = vec![bucket.clone(), key.clone(), logging.clone(), start.clone()];
    let r = report(vec![
        ActionResult {
            id: bucket.id.clone(),
            outcome: Outcome::Failed {
                code: "BucketAlreadyExists".into(),
                message: "The requested bucket name is not available.".into(),
            },
        },
        applied(&key),
        skipped(&logging, &format!("depends on {} which failed", bucket.id)),
        skipped(
            &start,
            &format!("depends on {} which was skipped", logging.id),
        ),
    ]);
    assert_eq!(
        render::ends(&actions, &r, &BTreeMap::new()),
        [
            End::Failed {
                code: "BucketAlreadyExists",
                message: "The requested bucket name is not available."
            },
            End::Applied,
            End::Dependent { root: 0 },
            End::Dependent { root: 0 },
        ]
    );
    let text = render::summary(Verb::Apply, &actions, &r, &BTreeMap::new(), PLAIN);
    assert_eq!(
        text,
        format!(
            "
Failed:
  create_bucket logs (us-east-1): BucketAlreadyExists: The requested bucket name is not available.
    dependents skipped (2):
      put_bucket_logging ct-east (us-east-1)
      start_logging {trail}
Apply complete: 1 applied, 1 failed, 2 skipped.
{APPLY_HINT}"
        )
    );
}

/// The case of issue 10: yes, skip, quit at the `--step` prompt of a
/// 30-action plan.
#[test]
fn quitting_at_the_step_prompt_lists_each_action_not_started_once() {
    let actions: Vec<Action> = (1..=30).map(rotation).collect();
    let mut held = BTreeMap::new();
    held.insert(actions[1].id.clone(), Held::Skipped);
    for a in &actions[2..] {
        held.insert(a.id.clone(), Held::Quit);
    }
    let mut results = vec![applied(&actions[0])];
    for a in &actions[1..] {
        results.push(skipped(
            a,
            &format!("skipped by the user: {}", held[&a.id].reason()),
        ));
    }
    let r = report(results);
    let ends = render::ends(&actions, &r, &held);
    assert_eq!(ends[..2], [End::Applied, End::SkippedAtPrompt]);
    assert!(
        ends[2..]
            .iter()
            .all(|e| *e == End::NotStarted { why: None })
    );

    let not_started: String = (3..=30)
        .map(|n| format!("  enable_key_rotation arn:aws:kms:us-east-1:123456789012:key/k{n:02}\n"))
        .collect();
    assert_eq!(
        render::summary(Verb::Apply, &actions, &r, &held, PLAIN),
        format!(
            "
Skipped at the prompt:
  enable_key_rotation arn:aws:kms:us-east-1:123456789012:key/k02
Not started (28):
{not_started}Apply stopped at your request: 1 applied, 1 skipped, 28 not started.
"
        )
    );
}

#[test]
fn an_action_skipped_at_the_prompt_carries_the_ones_not_asked_because_of_it() {
    let (bucket, logging, key) = logging_after_its_bucket_and_a_key();
    let actions = vec![bucket.clone(), key.clone(), logging.clone()];
    let mut held = BTreeMap::new();
    held.insert(bucket.id.clone(), Held::Skipped);
    held.insert(logging.id.clone(), Held::Dependent(bucket.id.clone()));
    let by_user =
        |a: &Action| skipped(a, &format!("skipped by the user: {}", held[&a.id].reason()));
    let r = report(vec![by_user(&bucket), applied(&key), by_user(&logging)]);
    assert_eq!(
        render::summary(Verb::Apply, &actions, &r, &held, PLAIN),
        "
Skipped at the prompt:
  create_bucket logs (us-east-1)
    dependents skipped (1):
      put_bucket_logging ct-east (us-east-1)
Apply complete: 1 applied, 2 skipped.
"
    );
}

#[test]
fn ctrl_c_during_the_run_lists_what_never_started_with_the_reason_once() {
    let (bucket, logging, key) = logging_after_its_bucket_and_a_key();
    let actions = vec![key.clone(), bucket.clone(), logging.clone()];
    let r = ExecReport {
        results: vec![
            applied(&key),
            skipped(&bucket, "not started: the run was cancelled"),
            skipped(
                &logging,
                &format!("depends on {} which was skipped", bucket.id),
            ),
        ],
        interrupted: true,
    };
    assert_eq!(
        render::summary(Verb::Apply, &actions, &r, &BTreeMap::new(), PLAIN),
        format!(
            "
Not started, the run was cancelled (2):
  create_bucket logs (us-east-1)
  put_bucket_logging ct-east (us-east-1)
Apply interrupted: 1 applied, 2 not started.
{APPLY_HINT}"
        )
    );
}

#[test]
fn undo_says_undo() {
    assert_eq!(
        all_applied(Verb::Undo, 2),
        "
Reverted (2):
  enable_key_rotation arn:aws:kms:us-east-1:123456789012:key/k01
  enable_key_rotation arn:aws:kms:us-east-1:123456789012:key/k02
Undo complete: 2 reverted.
"
    );
    let actions: Vec<Action> = (1..=2).map(rotation).collect();
    let r = report(vec![
        applied(&actions[0]),
        ActionResult {
            id: actions[1].id.clone(),
            outcome: Outcome::Failed {
                code: "AccessDeniedException".into(),
                message: "not allowed".into(),
            },
        },
    ]);
    assert_eq!(
        render::summary(Verb::Undo, &actions, &r, &BTreeMap::new(), PLAIN),
        "
Reverted (1):
  enable_key_rotation arn:aws:kms:us-east-1:123456789012:key/k01
Failed:
  enable_key_rotation arn:aws:kms:us-east-1:123456789012:key/k02: AccessDeniedException: not allowed
Undo complete: 1 reverted, 1 failed.
Some actions did not apply. Fix the cause and run `remediate undo` on the same journal again: what is already undone is left as it is.
"
    );
}

#[test]
fn undo_names_what_it_reverted_kept_and_left_because_it_changed_since_apply() {
    let bucket = create_bucket("logs");
    let logging = bucket_logging("ct-east", &bucket);
    let key = rotation(1);
    let trail = "arn:aws:cloudtrail:us-east-1:123456789012:trail/t";
    let start = start_logging(trail, &key);
    let actions = vec![logging.clone(), bucket.clone(), key.clone(), start.clone()];
    let r = report(vec![
        applied(&logging),
        ActionResult {
            id: bucket.id.clone(),
            outcome: Outcome::Left {
                why: Left::HoldsData,
                detail: "kept bucket logs: it is not empty".into(),
            },
        },
        ActionResult {
            id: key.id.clone(),
            outcome: Outcome::Left {
                why: Left::ChangedSinceApply,
                detail: "left k01 as it is: changed since apply".into(),
            },
        },
        skipped(
            &start,
            &format!("depends on {} which was left as it is", key.id),
        ),
    ]);
    assert!(!r.ok(), "anything left: exit 1");
    assert_eq!(
        render::summary(Verb::Undo, &actions, &r, &BTreeMap::new(), PLAIN),
        "
Reverted (1):
  put_bucket_logging ct-east (us-east-1)
Kept, holds data (1):
  create_bucket logs (us-east-1): kept bucket logs: it is not empty
Changed since apply, left as it is (1):
  enable_key_rotation arn:aws:kms:us-east-1:123456789012:key/k01: left k01 as it is: changed since apply
    dependents skipped (1):
      start_logging arn:aws:cloudtrail:us-east-1:123456789012:trail/t
Undo complete: 1 reverted, 1 kept, 1 changed since apply, 1 skipped.
Undo left what is named above as it is, so nothing made or changed since apply is lost: look at each, and change or delete it by hand once it is no longer needed.
"
    );
    assert!(report(vec![applied(&logging)]).ok(), "all reverted: exit 0");
}

#[test]
fn progress_shows_what_ran_and_nothing_for_what_did_not() {
    let bucket = create_bucket("logs");
    let done = Outcome::Applied {
        detail: "created bucket logs".into(),
    };
    let cases = [
        (
            done.clone(),
            Some("  ✓ create_bucket logs (us-east-1): created bucket logs\n"),
        ),
        (
            Outcome::Failed {
                code: "BucketAlreadyExists".into(),
                message: "taken".into(),
            },
            Some("  ✗ create_bucket logs (us-east-1) failed: BucketAlreadyExists\n"),
        ),
        (
            Outcome::Skipped {
                reason: "skipped by the user: skipped at the prompt".into(),
            },
            None,
        ),
    ];
    for (outcome, line) in cases {
        assert_eq!(render::progress(&bucket, &outcome, PLAIN).as_deref(), line);
    }
    // colour only when asked for
    let coloured = render::progress(&bucket, &done, Style { color: true }).unwrap();
    assert!(coloured.contains('\x1b'), "{coloured:?}");
}
