//! What every op shares: the context it runs in, its result types, the
//! eventual-consistency retry and JSON helpers. A leaf: the per-service
//! files use it, and it calls none of them (the dispatch is in `ops.rs`).

use std::collections::BTreeMap;
use std::future::Future;
use std::path::PathBuf;
use std::sync::Arc;
use std::sync::atomic::AtomicBool;
use std::time::Duration;

use aws_sdk_s3::error::ProvideErrorMetadata;
use aws_smithy_runtime_api::client::orchestrator::HttpResponse;
use aws_smithy_runtime_api::client::result::SdkError;
use serde_json::Value;

use super::journal::{Journal, Phase};
use super::{Action, Guard, Left, Op};
use crate::aws::{Aws, AwsError, classify};

/// How to run a list of actions.
#[derive(Debug, Clone)]
pub struct ExecOptions {
    /// Independent actions run concurrently, at most this many at a time (min 1).
    pub concurrency: usize,
    /// JSON-lines journal; appended to, one flushed line per entry.
    pub journal_path: PathBuf,
    /// Action id -> why the user skipped it.
    pub skip: BTreeMap<String, String>,
    /// Set on Ctrl-C: no new action starts; in-flight ones finish.
    pub cancel: Arc<AtomicBool>,
    pub account_id: String,
    pub partition: String,
    /// First wait when retrying an IAM eventual-consistency error; doubles
    /// each time up to 20 x this (10 s with the default 0.5 s).
    pub retry_base_delay: Duration,
    /// How long such an error is retried in all before the op fails
    /// (`[aws] iam_propagation_seconds`, `--iam-propagation-seconds`).
    pub iam_propagation: Duration,
}

impl Default for ExecOptions {
    fn default() -> Self {
        ExecOptions {
            concurrency: 4,
            journal_path: PathBuf::from("remediate-journal.jsonl"),
            skip: BTreeMap::new(),
            cancel: Arc::new(AtomicBool::new(false)),
            account_id: String::new(),
            partition: "aws".into(),
            retry_base_delay: Duration::from_millis(500),
            iam_propagation: Duration::from_secs(
                crate::settings::AwsSettings::default().iam_propagation_seconds,
            ),
        }
    }
}

/// A finished op: a one-line detail for the user and the value read back;
/// `left`: undo wrote what it safely could and left the rest, for that reason.
pub(crate) struct Done {
    pub detail: String,
    pub result: Value,
    pub left: Option<Left>,
    /// The op found what it wanted in place and wrote nothing: what depends
    /// on it meets nothing new (no IAM propagation to wait out).
    pub unchanged: bool,
}

impl Done {
    pub fn new(detail: impl Into<String>, result: Value) -> Done {
        Done {
            detail: detail.into(),
            result,
            left: None,
            unchanged: false,
        }
    }

    /// Undo left something as it is (nothing or part of it written).
    pub fn left(why: Left, detail: impl Into<String>, result: Value) -> Done {
        Done {
            left: Some(why),
            ..Done::new(detail, result)
        }
    }

    /// Found in place: nothing written.
    pub fn unchanged(detail: impl Into<String>, result: Value) -> Done {
        Done {
            unchanged: true,
            ..Done::new(detail, result)
        }
    }
}

/// A failed op; `result` is what was written anyway (null when nothing).
/// `left`: not a failure, undo refused to write for that reason (see
/// [`Ctx::before`]).
#[derive(Debug)]
pub(crate) struct Fail {
    pub code: String,
    pub message: String,
    pub result: Value,
    pub left: Option<Left>,
}

impl Fail {
    pub fn new(code: impl Into<String>, message: impl Into<String>) -> Fail {
        Fail {
            code: code.into(),
            message: message.into(),
            result: Value::Null,
            left: None,
        }
    }
    /// The read-back value differs from what was written.
    pub fn mismatch(message: impl Into<String>, result: Value) -> Fail {
        Fail::new("ReadBackMismatch", message).with(result)
    }
    /// The op's fields cannot be sent as they are (nothing was written).
    pub fn invalid(message: impl Into<String>) -> Fail {
        Fail::new("InvalidOp", message)
    }
    /// Reading the current value failed, so nothing is written.
    pub fn reading(what: &str, e: AwsError) -> Fail {
        Fail::new(
            e.code,
            format!(
                "cannot read the current {what} before writing (nothing changed): {}",
                e.message
            ),
        )
    }
    pub fn with(mut self, result: Value) -> Fail {
        self.result = result;
        self
    }
}

impl From<AwsError> for Fail {
    fn from(e: AwsError) -> Fail {
        Fail::new(e.code, e.message)
    }
}

/// What one running op can see.
pub(crate) struct Ctx<'a> {
    pub aws: &'a Aws,
    pub opts: &'a ExecOptions,
    pub journal: &'a Journal,
    pub action: &'a Action,
    /// Something this action depends on (directly or not) was made or
    /// changed by this run: a refusal that IAM's propagation explains is
    /// waited out. Otherwise nothing new is propagating, and a refusal is
    /// final.
    pub fresh: bool,
}

impl<'a> Ctx<'a> {
    pub fn new(
        aws: &'a Aws,
        opts: &'a ExecOptions,
        journal: &'a Journal,
        action: &'a Action,
    ) -> Self {
        Ctx {
            aws,
            opts,
            journal,
            action,
            fresh: true,
        }
    }

    /// See [`Ctx::fresh`].
    pub fn with_fresh(mut self, fresh: bool) -> Self {
        self.fresh = fresh;
        self
    }

    pub fn region(&self) -> &str {
        &self.action.region
    }

    /// The account every bucket we touch must belong to (`ExpectedBucketOwner`).
    pub fn bucket_owner(&self) -> Option<String> {
        Some(self.opts.account_id.clone()).filter(|a| !a.is_empty())
    }

    /// Journals the live value read right before the first write. Must be
    /// called before any write; nothing may be written when it fails.
    /// `prior` is the kind's `Prior` (or `Value::Null`: did not exist).
    ///
    /// An undo action's [`Guard::Unchanged`] is checked here, for every
    /// kind: when the live value is no longer what apply wrote, nothing is
    /// written and the action ends "changed since apply".
    pub fn before(&self, prior: impl serde::Serialize) -> Result<(), Fail> {
        self.before_except(prior, &[])
    }

    /// [`Ctx::before`] for an undo op that left the fields `left` out of
    /// its write (they changed since apply): only the others must still
    /// read as apply wrote them.
    pub fn before_except(&self, prior: impl serde::Serialize, left: &[String]) -> Result<(), Fail> {
        let prior = serde_json::to_value(prior).map_err(|e| {
            Fail::new(
                "JournalError",
                format!("cannot journal the prior value, nothing changed: {e}"),
            )
        })?;
        let mut changed = self.action.guard.changed_fields(&prior);
        changed.retain(|f| !left.contains(f));
        if !changed.is_empty() {
            let what = if changed == [String::new()] {
                String::new()
            } else {
                format!(" ({})", field_names(&changed))
            };
            return Err(Fail {
                left: Some(Left::ChangedSinceApply),
                ..Fail::new(
                    "ChangedSinceApply",
                    format!(
                        "left {}{what} as it is: changed since apply",
                        self.action.target
                    ),
                )
            });
        }
        self.journal
            .append(self.action, Phase::Before { prior })
            .map_err(|e| {
                Fail::new(
                    "JournalError",
                    format!("cannot write the journal, nothing changed: {e}"),
                )
            })
    }

    /// The policy document an op writes, given the live one: what the op
    /// says, or for an undo action with [`Guard::Statements`] the live
    /// document with only apply's own statements reverted.
    pub fn policy_to_write(&self, live: Option<&Value>, planned: &Value) -> PolicyWrite {
        match &self.action.guard {
            Guard::Statements { prior, wrote } => {
                let prior = Some(prior).filter(|p| !p.is_null());
                let r = crate::policy::revert(prior, wrote, live);
                let mut note = vec![];
                if !r.reverted.is_empty() {
                    note.push(format!("reverted: {}", r.reverted.join(", ")));
                }
                if !r.added_since.is_empty() {
                    note.push(format!(
                        "kept, added since apply: {}",
                        r.added_since.join(", ")
                    ));
                }
                if !r.changed.is_empty() {
                    note.push(format!(
                        "left, changed since apply: {}",
                        r.changed.join(", ")
                    ));
                }
                PolicyWrite {
                    doc: r.doc,
                    note: note.join("; "),
                    left: (!r.changed.is_empty()).then_some(Left::ChangedSinceApply),
                }
            }
            _ => PolicyWrite {
                doc: Some(planned.clone()).filter(|p| !p.is_null()),
                note: String::new(),
                left: None,
            },
        }
    }

    /// Journals what a multi-step op has made so far (best effort).
    pub fn progress(&self, result: Value) {
        let _ = self.journal.append(self.action, Phase::Progress { result });
    }

    /// Sends a request, retrying the errors that mean "what you just made in
    /// IAM (a role, a policy) is not visible to this service yet" — only
    /// when this run made or changed something the action depends on
    /// ([`Ctx::fresh`]); else such an error fails at once, with AWS's code
    /// and message (a role that exists and was not touched will not become
    /// usable by waiting). Waits
    /// `retry_base_delay`, doubling up to 20 x that, for `iam_propagation` in
    /// all (the last wait is cut to end exactly there, then one last try),
    /// and says on stderr what it waits for.
    pub async fn retry<T, E, F, Fut>(&self, what: &str, mut send: F) -> Result<T, AwsError>
    where
        F: FnMut() -> Fut,
        Fut: Future<Output = Result<T, SdkError<E, HttpResponse>>>,
        E: ProvideErrorMetadata + std::error::Error + 'static,
    {
        let base = self.opts.retry_base_delay;
        let budget = self.opts.iam_propagation;
        let mut delay = base;
        let mut waited = Duration::ZERO;
        loop {
            match send().await {
                Ok(v) => return Ok(v),
                Err(err) => {
                    let e = classify(&err);
                    let left = budget.saturating_sub(waited);
                    if !self.fresh || !eventually_consistent(&e) || left.is_zero() {
                        return Err(e);
                    }
                    let wait = delay.min(left);
                    tracing::info!(
                        target: "remediate::progress",
                        action = %self.action.id,
                        "{}", propagation_message(&self.action.op, what, &e.code, waited, budget)
                    );
                    tokio::time::sleep(wait).await;
                    waited += wait;
                    delay = (delay * 2).min(base * 20);
                }
            }
        }
    }
}

/// Guarded fields for a person: `/log_file_validation` → `log file validation`.
pub(crate) fn field_names(fields: &[String]) -> String {
    fields
        .iter()
        .map(|f| f.trim_start_matches('/').replace('_', " "))
        .collect::<Vec<_>>()
        .join(", ")
}

/// The policy an op writes ([`Ctx::policy_to_write`]).
pub(crate) struct PolicyWrite {
    /// `None`: no statement is left (delete the policy).
    pub doc: Option<Value>,
    /// For the user: what undo reverted, kept and left.
    pub note: String,
    pub left: Option<Left>,
}

impl PolicyWrite {
    /// The op's detail with the note, ended as `left` says.
    pub fn done(&self, detail: String, result: Value) -> Done {
        let detail = if self.note.is_empty() {
            detail
        } else {
            format!("{detail} ({})", self.note)
        };
        match self.left {
            Some(why) => Done::left(why, detail, result),
            None => Done::new(detail, result),
        }
    }
}

/// The progress line shown while waiting out IAM's eventual consistency,
/// e.g. `waiting for IAM to propagate role r (12 s of 120 s): UpdateTrail says InvalidRoleException`.
pub(crate) fn propagation_message(
    op: &Op,
    call: &str,
    code: &str,
    waited: Duration,
    budget: Duration,
) -> String {
    let role = op
        .passed_role()
        .filter(|r| !r.is_empty())
        .map(|r| r.rsplit('/').next().unwrap_or(r));
    let subject = match (code, role) {
        ("InsufficientS3BucketPolicyException", _) => "the bucket policy".to_string(),
        ("InsufficientEncryptionPolicyException", _) => "the key policy".to_string(),
        ("InsufficientDeliveryPolicyException", _) => "the delivery bucket policy".to_string(),
        (c, _) if c.starts_with("MalformedPolicy") => "the principals of the policy".to_string(),
        (_, Some(r)) => format!("role {r}"),
        _ => "the role".to_string(),
    };
    format!(
        "waiting for IAM to propagate {subject} ({} s of {} s): {call} says {code}",
        waited.as_secs(),
        budget.as_secs()
    )
}

/// Errors that IAM's eventual consistency causes right after a role or a
/// policy was made, and that go away by themselves.
pub(crate) fn eventually_consistent(e: &AwsError) -> bool {
    let msg = e.message.to_ascii_lowercase();
    match e.code.as_str() {
        "InvalidCloudWatchLogsRoleArnException"
        | "InsufficientS3BucketPolicyException"
        | "InsufficientEncryptionPolicyException"
        | "InsufficientDeliveryPolicyException"
        | "InvalidRoleException" => true,
        "InvalidParameterValueException" | "InvalidParameterValue" | "InvalidParameter" => {
            msg.contains("role")
        }
        "MalformedPolicyDocumentException" | "MalformedPolicy" => msg.contains("principal"),
        // API Gateway cannot assume a role made seconds ago yet, or the
        // account's role is not visible to UpdateStage yet.
        "BadRequestException" => msg.contains("role"),
        // Elastic Load Balancing tests its access to the log bucket: a bucket
        // policy written seconds ago may not be in effect yet.
        "InvalidConfigurationRequest" => msg.contains("access denied for bucket"),
        _ => false,
    }
}

// ---------------------------------------------------------------------------
// JSON helpers
// ---------------------------------------------------------------------------

/// `Some("")` and `None` both mean "not set".
pub(crate) fn unset_empty(v: Option<&str>) -> Option<String> {
    v.filter(|s| !s.is_empty()).map(str::to_string)
}

/// Adds `"created": created` to an object result.
pub(crate) fn with_created(mut v: Value, created: bool) -> Value {
    match &mut v {
        Value::Object(m) => {
            m.insert("created".into(), Value::Bool(created));
            v
        }
        Value::Null => serde_json::json!({ "created": created }),
        _ => serde_json::json!({ "value": v, "created": created }),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::snapshot::ErrorKind;
    use serde_json::json;

    fn err(code: &str, message: &str) -> AwsError {
        AwsError {
            kind: ErrorKind::Other,
            code: code.into(),
            message: message.into(),
        }
    }

    #[test]
    fn iam_propagation_errors_are_retried_and_others_are_not() {
        assert!(eventually_consistent(&err(
            "InvalidCloudWatchLogsRoleArnException",
            "x"
        )));
        assert!(eventually_consistent(&err(
            "InsufficientS3BucketPolicyException",
            "x"
        )));
        assert!(eventually_consistent(&err(
            "InvalidParameterValue",
            "Unable to assume given IAM role"
        )));
        assert!(!eventually_consistent(&err(
            "InvalidParameterValue",
            "bad traffic type"
        )));
        assert!(!eventually_consistent(&err("AccessDenied", "role")));
        assert!(eventually_consistent(&err(
            "MalformedPolicyDocumentException",
            "Policy contains a statement with one or more invalid principals."
        )));
    }

    fn sdk_err(
        code: &str,
    ) -> SdkError<aws_sdk_cloudtrail::operation::create_trail::CreateTrailError, HttpResponse> {
        let meta = aws_smithy_types::error::ErrorMetadata::builder()
            .code(code)
            .message("the role cannot be assumed yet")
            .build();
        SdkError::service_error(
            aws_sdk_cloudtrail::operation::create_trail::CreateTrailError::generic(meta),
            HttpResponse::new(
                aws_smithy_runtime_api::http::StatusCode::try_from(400u16).unwrap(),
                aws_smithy_types::body::SdkBody::empty(),
            ),
        )
    }

    /// What a [`Ctx`] borrows, for an op `op` (JSON), with these delays.
    struct Fixture {
        aws: Aws,
        opts: ExecOptions,
        journal: Journal,
        action: Action,
    }

    impl Fixture {
        fn new(name: &str, op: Value, base: Duration, budget: Duration) -> Fixture {
            let dir =
                std::env::temp_dir().join(format!("remediate-retry-{name}-{}", std::process::id()));
            let opts = ExecOptions {
                journal_path: dir.join("j.jsonl"),
                retry_base_delay: base,
                iam_propagation: budget,
                ..Default::default()
            };
            let journal = Journal::open(&opts.journal_path).unwrap();
            let action: Action = serde_json::from_value(json!({
                "id": "a", "region": "us-east-1", "target": "t", "change": "create",
                "op": op, "before": null, "after": null,
                "fixes": [], "controls": [], "reason": "", "safety": "safe",
                "depends_on": [], "observed": []
            }))
            .unwrap();
            let aws = Aws {
                config: aws_config::SdkConfig::builder().build(),
                endpoint_url: None,
                calls: Default::default(),
            };
            Fixture {
                aws,
                opts,
                journal,
                action,
            }
        }

        fn cx(&self) -> Ctx<'_> {
            Ctx::new(&self.aws, &self.opts, &self.journal, &self.action)
        }
    }

    impl Drop for Fixture {
        fn drop(&mut self) {
            if let Some(dir) = self.opts.journal_path.parent() {
                let _ = std::fs::remove_dir_all(dir);
            }
        }
    }

    #[tokio::test]
    async fn retry_waits_out_iam_propagation_and_gives_up_on_other_errors() {
        use std::sync::atomic::{AtomicUsize, Ordering};
        let f = Fixture::new(
            "basic",
            json!({"op": "set_logging", "trail": "t", "logging": true}),
            Duration::from_millis(1),
            Duration::from_millis(60),
        );
        let cx = f.cx();

        let calls = AtomicUsize::new(0);
        let got = cx
            .retry("CreateTrail", || {
                let n = calls.fetch_add(1, Ordering::SeqCst);
                async move {
                    if n < 2 {
                        Err(sdk_err("InvalidCloudWatchLogsRoleArnException"))
                    } else {
                        Ok(n)
                    }
                }
            })
            .await;
        assert_eq!(got.unwrap(), 2, "succeeds once the role is visible");

        calls.store(0, Ordering::SeqCst);
        let got = cx
            .retry("CreateTrail", || {
                calls.fetch_add(1, Ordering::SeqCst);
                async { Err::<(), _>(sdk_err("TrailAlreadyExistsException")) }
            })
            .await;
        assert_eq!(got.unwrap_err().code, "TrailAlreadyExistsException");
        assert_eq!(
            calls.load(Ordering::SeqCst),
            1,
            "other errors are not retried"
        );

        calls.store(0, Ordering::SeqCst);
        let got = cx
            .retry("CreateTrail", || {
                calls.fetch_add(1, Ordering::SeqCst);
                async { Err::<(), _>(sdk_err("InsufficientS3BucketPolicyException")) }
            })
            .await;
        assert!(got.is_err());
        let n = calls.load(Ordering::SeqCst);
        assert!(
            (5..=10).contains(&n),
            "gives up within the budget after {n} calls"
        );
    }

    /// Every call of `send` fails with `code` until `ok_after` calls; returns
    /// the (paused-clock) times of the calls and the result.
    async fn timed_retry(f: &Fixture, code: &str, ok_after: usize) -> (Vec<Duration>, bool) {
        let start = tokio::time::Instant::now();
        let times = std::sync::Mutex::new(vec![]);
        let got = f
            .cx()
            .retry("UpdateTrail", || {
                let mut t = times.lock().unwrap();
                t.push(start.elapsed());
                let n = t.len();
                let code = code.to_string();
                async move {
                    if n > ok_after {
                        Ok(())
                    } else {
                        Err(sdk_err(&code))
                    }
                }
            })
            .await;
        (times.into_inner().unwrap(), got.is_ok())
    }

    fn role_op() -> Value {
        json!({"op": "update_trail", "name": "t",
            "cloudwatch_log_group_arn": "arn:aws:logs:us-east-1:1:log-group:g:*",
            "cloudwatch_role_arn": "arn:aws:iam::1:role/remediate-cloudtrail-to-logs"})
    }

    #[tokio::test(start_paused = true)]
    async fn the_iam_wait_doubles_up_to_a_cap_and_ends_exactly_at_the_budget() {
        let f = Fixture::new(
            "budget",
            role_op(),
            Duration::from_millis(500),
            Duration::from_secs(120),
        );
        let (times, ok) =
            timed_retry(&f, "InvalidCloudWatchLogsRoleArnException", usize::MAX).await;
        assert!(!ok);
        let gaps: Vec<f64> = times
            .windows(2)
            .map(|w| (w[1] - w[0]).as_secs_f64())
            .collect();
        assert_eq!(gaps[..6], [0.5, 1.0, 2.0, 4.0, 8.0, 10.0], "{gaps:?}");
        assert!(
            gaps.iter().all(|g| *g <= 10.0),
            "capped at 20 x the base: {gaps:?}"
        );
        assert_eq!(
            *times.last().unwrap(),
            Duration::from_secs(120),
            "one last try when the budget is spent: {gaps:?}"
        );
        assert_eq!(times.len(), 17, "{gaps:?}");

        // A role that shows up after 3.5 s is used at once.
        let (times, ok) = timed_retry(&f, "InvalidCloudWatchLogsRoleArnException", 4).await;
        assert!(ok);
        assert_eq!(
            *times.last().unwrap(),
            Duration::from_millis(7500),
            "{times:?}"
        );
    }

    /// Nothing this action depends on was made or changed by this run: a
    /// refusal that reads like propagation (API Gateway's "role" message,
    /// CloudTrail's role code) is final, with AWS's code and message, not
    /// retried for the whole budget.
    #[tokio::test(start_paused = true)]
    async fn a_refusal_with_no_fresh_role_fails_at_once_with_aws_code_and_message() {
        use std::sync::atomic::{AtomicUsize, Ordering};
        let f = Fixture::new(
            "stale",
            role_op(),
            Duration::from_millis(500),
            Duration::from_secs(120),
        );
        for code in [
            "BadRequestException",
            "InvalidCloudWatchLogsRoleArnException",
        ] {
            let cx = f.cx().with_fresh(false);
            let calls = AtomicUsize::new(0);
            let start = tokio::time::Instant::now();
            let got = cx
                .retry("UpdateStage", || {
                    calls.fetch_add(1, Ordering::SeqCst);
                    let code = code.to_string();
                    async move { Err::<(), _>(sdk_err(&code)) }
                })
                .await;
            let e = got.unwrap_err();
            assert_eq!(e.code, code);
            assert_eq!(e.message, "the role cannot be assumed yet");
            assert_eq!(calls.load(Ordering::SeqCst), 1, "{code}: not retried");
            assert_eq!(start.elapsed(), Duration::ZERO, "{code}: no wait");
        }
        // The same refusal right after this run made the role is waited out.
        let calls = AtomicUsize::new(0);
        let got = f
            .cx()
            .with_fresh(true)
            .retry("UpdateStage", || {
                let n = calls.fetch_add(1, Ordering::SeqCst);
                async move {
                    if n < 2 {
                        Err(sdk_err("BadRequestException"))
                    } else {
                        Ok(())
                    }
                }
            })
            .await;
        assert!(got.is_ok());
        assert_eq!(calls.load(Ordering::SeqCst), 3);
    }

    #[tokio::test(start_paused = true)]
    async fn the_iam_wait_follows_its_setting_and_zero_means_no_wait() {
        for (secs, last) in [(30, 30), (0, 0)] {
            let f = Fixture::new(
                &format!("setting{secs}"),
                role_op(),
                Duration::from_millis(500),
                Duration::from_secs(secs),
            );
            let (times, ok) =
                timed_retry(&f, "InvalidCloudWatchLogsRoleArnException", usize::MAX).await;
            assert!(!ok);
            assert_eq!(
                *times.last().unwrap(),
                Duration::from_secs(last),
                "{times:?}"
            );
        }
    }

    /// A `tracing` writer into a shared buffer.
    #[derive(Clone, Default)]
    struct Captured(std::sync::Arc<std::sync::Mutex<Vec<u8>>>);

    impl std::io::Write for Captured {
        fn write(&mut self, b: &[u8]) -> std::io::Result<usize> {
            self.0.lock().unwrap().extend_from_slice(b);
            Ok(b.len())
        }
        fn flush(&mut self) -> std::io::Result<()> {
            Ok(())
        }
    }

    #[tokio::test(start_paused = true)]
    async fn the_iam_wait_says_what_it_waits_for_and_for_how_long() {
        let out = Captured::default();
        let w = out.clone();
        let subscriber = tracing_subscriber::fmt()
            .with_writer(move || w.clone())
            .with_ansi(false)
            .finish();
        let _guard = tracing::subscriber::set_default(subscriber);
        let f = Fixture::new(
            "progress",
            role_op(),
            Duration::from_millis(500),
            Duration::from_secs(120),
        );
        timed_retry(&f, "InvalidCloudWatchLogsRoleArnException", 6).await;
        let text = String::from_utf8(out.0.lock().unwrap().clone()).unwrap();
        let lines: Vec<&str> = text.lines().collect();
        assert_eq!(lines.len(), 6, "{text}");
        assert!(
            lines.iter().all(|l| l.contains("remediate::progress")),
            "{text}"
        );
        assert!(
            lines[0].contains(
                "waiting for IAM to propagate role remediate-cloudtrail-to-logs (0 s of 120 s): UpdateTrail says InvalidCloudWatchLogsRoleArnException"
            ),
            "{text}"
        );
        assert!(lines[5].contains("(15 s of 120 s)"), "{text}");
    }

    #[test]
    fn the_progress_line_names_what_is_not_visible_yet() {
        let op = |v: Value| -> Op { serde_json::from_value(v).unwrap() };
        let msg = |o: &Op, code: &str| {
            propagation_message(
                o,
                "CreateFlowLogs",
                code,
                Duration::from_secs(12),
                Duration::from_secs(120),
            )
        };
        let flow = op(
            json!({"op": "create_flow_logs", "vpc_ids": ["vpc-1"], "traffic_type": "REJECT",
            "destination_type": "cloud-watch-logs", "destination": "g",
            "role_arn": "arn:aws:iam::1:role/flow"}),
        );
        assert_eq!(
            msg(&flow, "InvalidParameter"),
            "waiting for IAM to propagate role flow (12 s of 120 s): CreateFlowLogs says InvalidParameter"
        );
        let trail = op(json!({"op": "create_trail", "name": "t", "bucket": "b"}));
        assert!(msg(&trail, "InsufficientS3BucketPolicyException").contains("the bucket policy"));
        assert!(msg(&trail, "InsufficientEncryptionPolicyException").contains("the key policy"));
        let policy = op(json!({"op": "put_bucket_policy", "bucket": "b", "policy": {}}));
        assert!(msg(&policy, "MalformedPolicy").contains("the principals of the policy"));
    }

    /// The CLI may spawn the run on a multi-threaded runtime.
    #[allow(dead_code)]
    fn execute_future_is_send(aws: &Aws, actions: &[Action], opts: &ExecOptions) {
        fn is_send<T: Send>(_: &T) {}
        let f = crate::execute::execute(aws, actions, opts, &|_| {});
        is_send(&f);
    }
}
