//! What every op shares: the context it runs in, its result types, the
//! eventual-consistency retry, JSON helpers, and the dispatch to the
//! per-service files.

use std::future::Future;
use std::time::Duration;

use aws_sdk_s3::error::ProvideErrorMetadata;
use aws_smithy_runtime_api::client::orchestrator::HttpResponse;
use aws_smithy_runtime_api::client::result::SdkError;
use serde_json::Value;

use super::journal::{Journal, Phase};
use super::{ExecOptions, cloudtrail, config, ec2, iam, kms, logs, s3};
use crate::aws::{Aws, AwsError, classify};
use crate::plan::{Action, Op};

/// A finished op: a one-line detail for the user and the value read back.
pub(crate) struct Done {
    pub detail: String,
    pub result: Value,
}

impl Done {
    pub fn new(detail: impl Into<String>, result: Value) -> Done {
        Done {
            detail: detail.into(),
            result,
        }
    }
}

/// A failed op; `result` is what was written anyway (null when nothing).
#[derive(Debug)]
pub(crate) struct Fail {
    pub code: String,
    pub message: String,
    pub result: Value,
}

impl Fail {
    pub fn new(code: impl Into<String>, message: impl Into<String>) -> Fail {
        Fail {
            code: code.into(),
            message: message.into(),
            result: Value::Null,
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
        }
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
    pub fn before(&self, prior: Value) -> Result<(), Fail> {
        self.journal
            .append(self.action, Phase::Before { prior })
            .map_err(|e| {
                Fail::new(
                    "JournalError",
                    format!("cannot write the journal, nothing changed: {e}"),
                )
            })
    }

    /// Journals what a multi-step op has made so far (best effort).
    pub fn progress(&self, result: Value) {
        let _ = self.journal.append(self.action, Phase::Progress { result });
    }

    /// Sends a request, retrying the errors that mean "what you just made in
    /// IAM (a role, a policy) is not visible to this service yet".
    pub async fn retry<T, E, F, Fut>(&self, what: &str, mut send: F) -> Result<T, AwsError>
    where
        F: FnMut() -> Fut,
        Fut: Future<Output = Result<T, SdkError<E, HttpResponse>>>,
        E: ProvideErrorMetadata + std::error::Error + 'static,
    {
        let base = self.opts.retry_base_delay;
        let mut delay = base;
        let mut waited = Duration::ZERO;
        let budget = base * 60;
        loop {
            match send().await {
                Ok(v) => return Ok(v),
                Err(err) => {
                    let e = classify(&err);
                    if !eventually_consistent(&e) || waited + delay > budget {
                        return Err(e);
                    }
                    tracing::info!(
                        action = %self.action.id, call = what, code = %e.code,
                        "not visible yet; retrying in {delay:?}"
                    );
                    tokio::time::sleep(delay).await;
                    waited += delay;
                    delay = (delay * 2).min(base * 16);
                }
            }
        }
    }
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
        _ => false,
    }
}

pub(crate) async fn run(cx: &Ctx<'_>) -> Result<Done, Fail> {
    match &cx.action.op {
        Op::CreateBucket { bucket } => s3::create_bucket(cx, bucket).await,
        Op::PutPublicAccessBlock { bucket, config } => {
            s3::put_public_access_block(cx, bucket, config).await
        }
        Op::PutBucketAcl {
            bucket,
            owner_id,
            owner_display_name,
            grants,
        } => s3::put_bucket_acl(cx, bucket, owner_id, owner_display_name.as_deref(), grants).await,
        Op::PutBucketPolicy { bucket, policy } => s3::put_bucket_policy(cx, bucket, policy).await,
        Op::PutBucketLogging {
            bucket,
            target_bucket,
            target_prefix,
        } => s3::put_bucket_logging(cx, bucket, Some((target_bucket, target_prefix))).await,
        Op::CreateKey {
            alias,
            description,
            policy,
        } => kms::create_key(cx, alias, description, policy).await,
        Op::PutKeyPolicy { key_id, policy } => kms::put_key_policy(cx, key_id, policy).await,
        Op::EnableKeyRotation { key_id } => kms::set_rotation(cx, key_id, true).await,
        Op::CreateLogGroup {
            name,
            retention_days,
        } => logs::create_log_group(cx, name, *retention_days).await,
        Op::CreateRole {
            name,
            trust_policy,
            policy_name,
            policy,
        } => iam::create_role(cx, name, trust_policy, policy_name, policy).await,
        Op::CreateServiceLinkedRole { service } => {
            iam::create_service_linked_role(cx, service).await
        }
        Op::CreateTrail {
            name,
            bucket,
            prefix,
            kms_key_id,
            cloudwatch_log_group_arn,
            cloudwatch_role_arn,
        } => {
            cloudtrail::create_trail(
                cx,
                cloudtrail::NewTrail {
                    name,
                    bucket,
                    prefix: prefix.as_deref(),
                    kms_key_id: kms_key_id.as_deref(),
                    cw_group: cloudwatch_log_group_arn.as_deref(),
                    cw_role: cloudwatch_role_arn.as_deref(),
                },
            )
            .await
        }
        Op::UpdateTrail { .. } => cloudtrail::update_trail(cx, &cx.action.op).await,
        Op::PutEventSelectors { trail, selectors } => {
            cloudtrail::put_event_selectors(cx, trail, selectors, false).await
        }
        Op::PutAdvancedEventSelectors { trail, selectors } => {
            cloudtrail::put_event_selectors(cx, trail, selectors, true).await
        }
        Op::StartLogging { trail } => cloudtrail::set_logging(cx, trail, true).await,
        Op::StopLogging { trail } => cloudtrail::set_logging(cx, trail, false).await,
        Op::DeleteTrail { name } => cloudtrail::delete_trail(cx, name).await,
        Op::PutConfigurationRecorder {
            name,
            role_arn,
            include_global_resource_types,
        } => {
            let group = serde_json::json!({
                "allSupported": true,
                "includeGlobalResourceTypes": include_global_resource_types,
            });
            config::put_recorder(cx, name, role_arn, &group, None).await
        }
        Op::RestoreConfigurationRecorder {
            name,
            role_arn,
            recording_group,
            recording_mode,
        } => {
            config::put_recorder(cx, name, role_arn, recording_group, recording_mode.as_ref()).await
        }
        Op::PutDeliveryChannel {
            name,
            bucket,
            prefix,
        } => config::put_delivery_channel(cx, name, bucket, prefix.as_deref()).await,
        Op::StartConfigurationRecorder { name } => config::set_recording(cx, name, true).await,
        Op::StopConfigurationRecorder { name } => config::set_recording(cx, name, false).await,
        Op::DeleteDeliveryChannel { name } => config::delete_delivery_channel(cx, name).await,
        Op::DeleteConfigurationRecorder { name } => config::delete_recorder(cx, name).await,
        Op::CreateFlowLogs {
            vpc_ids,
            traffic_type,
            destination_type,
            destination,
            role_arn,
        } => {
            ec2::create_flow_logs(
                cx,
                vpc_ids,
                traffic_type,
                destination_type,
                destination,
                role_arn.as_deref(),
            )
            .await
        }
        Op::DeleteFlowLogs { flow_log_ids } => ec2::delete_flow_logs(cx, flow_log_ids).await,
        Op::DeleteBucketPolicy { bucket } => s3::delete_bucket_policy(cx, bucket).await,
        Op::DeletePublicAccessBlock { bucket } => s3::delete_public_access_block(cx, bucket).await,
        Op::DisableBucketLogging { bucket } => s3::put_bucket_logging(cx, bucket, None).await,
        Op::DeleteBucket { bucket } => s3::delete_bucket(cx, bucket).await,
        Op::DisableKeyRotation { key_id } => kms::set_rotation(cx, key_id, false).await,
        Op::ScheduleKeyDeletion {
            alias,
            key_id,
            pending_days,
        } => kms::schedule_key_deletion(cx, alias, key_id.as_deref(), *pending_days).await,
        Op::DeleteLogGroup { name } => logs::delete_log_group(cx, name).await,
        Op::DeleteRole {
            name,
            inline_policies,
        } => iam::delete_role(cx, name, inline_policies).await,
        Op::DeleteServiceLinkedRole { role_name } => {
            iam::delete_service_linked_role(cx, role_name).await
        }
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

    #[tokio::test]
    async fn retry_waits_out_iam_propagation_and_gives_up_on_other_errors() {
        use std::sync::atomic::{AtomicUsize, Ordering};
        let aws = Aws {
            config: aws_config::SdkConfig::builder().build(),
            endpoint_url: None,
            calls: Default::default(),
        };
        let dir = std::env::temp_dir().join(format!("remediate-retry-{}", std::process::id()));
        let opts = ExecOptions {
            journal_path: dir.join("j.jsonl"),
            retry_base_delay: Duration::from_millis(1),
            ..Default::default()
        };
        let journal = Journal::open(&opts.journal_path).unwrap();
        let action: Action = serde_json::from_value(json!({
            "id": "a", "region": "us-east-1", "target": "t", "change": "create",
            "op": {"op": "start_logging", "trail": "t"}, "before": null, "after": null,
            "fixes": [], "controls": [], "reason": "", "safety": "safe",
            "depends_on": [], "observed": []
        }))
        .unwrap();
        let cx = Ctx::new(&aws, &opts, &journal, &action);

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
        let _ = std::fs::remove_dir_all(&dir);
    }

    /// The CLI may spawn the run on a multi-threaded runtime.
    #[allow(dead_code)]
    fn execute_future_is_send(aws: &Aws, actions: &[Action], opts: &ExecOptions) {
        fn is_send<T: Send>(_: &T) {}
        let f = super::super::execute(aws, actions, opts, &|_| {});
        is_send(&f);
    }
}
