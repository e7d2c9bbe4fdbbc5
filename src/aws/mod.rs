//! AWS access: one place that builds SDK clients, counts calls and classifies
//! SDK errors. Only `collect` (reads) and `execute` (writes) use it.
//!
//! Clients are built from one `SdkConfig` (the standard credential chain,
//! `--profile`, `--endpoint-url` / `AWS_ENDPOINT_URL`) with the call counter
//! attached as an interceptor, so every request any module makes is counted
//! per service and operation without the callers having to remember to.

use aws_config::retry::RetryConfig;
use aws_config::{BehaviorVersion, SdkConfig};
use aws_sdk_s3::error::ProvideErrorMetadata;
use aws_smithy_runtime_api::client::interceptors::Intercept;
use aws_smithy_runtime_api::client::interceptors::context::BeforeSerializationInterceptorContextRef;
use aws_smithy_runtime_api::client::orchestrator::{HttpResponse, Metadata};
use aws_smithy_runtime_api::client::result::SdkError;
use aws_smithy_types::config_bag::ConfigBag;
use aws_types::region::Region;
use std::collections::BTreeMap;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use crate::snapshot::ErrorKind;

pub use crate::settings::RetryMode;

#[derive(Debug, Clone)]
pub struct AwsOptions {
    pub profile: Option<String>,
    /// Home region; falls back to the SDK chain, then `us-east-1`.
    pub region: Option<String>,
    pub endpoint_url: Option<String>,
    pub retry_mode: RetryMode,
    pub max_attempts: u32,
}

impl Default for AwsOptions {
    fn default() -> Self {
        AwsOptions {
            profile: None,
            region: None,
            endpoint_url: None,
            retry_mode: RetryMode::Standard,
            max_attempts: 5,
        }
    }
}

/// API calls made in this run, by `service` then `Operation`.
#[derive(Debug, Clone, Default)]
pub struct CallCounter(Arc<Mutex<BTreeMap<String, BTreeMap<String, u64>>>>);

impl CallCounter {
    pub fn record(&self, service: &str, operation: &str) {
        // The SDK's service names ("CloudWatch Logs", "Config Service") as IAM prefixes.
        let service = match service.to_ascii_lowercase().as_str() {
            "cloudwatch logs" => "logs".to_string(),
            "config service" => "config".to_string(),
            other => other.to_string(),
        };
        let mut m = self.0.lock().unwrap();
        *m.entry(service)
            .or_default()
            .entry(operation.to_string())
            .or_default() += 1;
    }
    pub fn snapshot(&self) -> BTreeMap<String, BTreeMap<String, u64>> {
        self.0.lock().unwrap().clone()
    }
    pub fn total(&self) -> u64 {
        self.0
            .lock()
            .unwrap()
            .values()
            .flat_map(|m| m.values())
            .sum()
    }
    /// Calls whose operation does not start with a read verb.
    pub fn writes(&self) -> u64 {
        self.0
            .lock()
            .unwrap()
            .values()
            .flat_map(|m| m.iter())
            .filter(|(op, _)| !is_read_operation(op))
            .map(|(_, n)| n)
            .sum()
    }
}

pub fn is_read_operation(op: &str) -> bool {
    ["Get", "List", "Describe", "Head", "Lookup"]
        .iter()
        .any(|p| op.starts_with(p))
}

#[derive(Debug)]
struct CountCalls(CallCounter);

// Counted in `read_before_serialization`, once per call (not per retry):
// client interceptors' `read_before_execution` runs before the operation's
// `Metadata` is in the config bag.
impl Intercept for CountCalls {
    fn name(&self) -> &'static str {
        "CountCalls"
    }
    fn read_before_serialization(
        &self,
        _ctx: &BeforeSerializationInterceptorContextRef<'_>,
        _rc: &aws_smithy_runtime_api::client::runtime_components::RuntimeComponents,
        cfg: &mut ConfigBag,
    ) -> Result<(), aws_smithy_runtime_api::box_error::BoxError> {
        if let Some(m) = cfg.load::<Metadata>() {
            self.0.record(m.service(), m.name());
        }
        Ok(())
    }
}

/// Builds clients for any region; cheap to clone.
#[derive(Clone)]
pub struct Aws {
    pub config: SdkConfig,
    pub endpoint_url: Option<String>,
    pub calls: CallCounter,
}

impl Aws {
    pub async fn new(opts: &AwsOptions) -> Self {
        let mut loader = aws_config::defaults(BehaviorVersion::latest());
        if let Some(p) = &opts.profile {
            loader = loader.profile_name(p);
        }
        if let Some(r) = &opts.region {
            loader = loader.region(Region::new(r.clone()));
        }
        if let Some(u) = &opts.endpoint_url {
            loader = loader.endpoint_url(u);
        }
        let retry = match opts.retry_mode {
            RetryMode::Standard => RetryConfig::standard(),
            RetryMode::Adaptive => RetryConfig::adaptive(),
        }
        .with_max_attempts(opts.max_attempts.max(1))
        .with_initial_backoff(Duration::from_millis(100));
        loader = loader.retry_config(retry);
        let mut config = loader.load().await;
        if config.region().is_none() {
            config = config
                .into_builder()
                .region(Region::new("us-east-1"))
                .build();
        }
        // The SDK reads AWS_ENDPOINT_URL itself; we only need to know that a
        // custom endpoint is in use so S3 can use path-style addressing.
        let endpoint_url = opts.endpoint_url.clone().or_else(|| {
            std::env::var("AWS_ENDPOINT_URL")
                .ok()
                .filter(|s| !s.is_empty())
        });
        Aws {
            config,
            endpoint_url,
            calls: CallCounter::default(),
        }
    }

    /// From an already built SDK config (tests, embedding).
    pub fn from_config(config: SdkConfig, endpoint_url: Option<String>) -> Self {
        Aws {
            config,
            endpoint_url,
            calls: CallCounter::default(),
        }
    }

    /// The same endpoint and settings with another account's credentials
    /// (`config`), and a call counter of its own (calls per account).
    pub fn for_account(&self, config: SdkConfig) -> Self {
        Aws {
            config,
            endpoint_url: self.endpoint_url.clone(),
            calls: CallCounter::default(),
        }
    }

    /// The partition of the home region (`aws`, `aws-cn`, `aws-us-gov`),
    /// for ARNs built before any call has said so.
    pub fn partition_hint(&self) -> &'static str {
        crate::regions::partition_of(&self.home_region())
    }

    pub fn home_region(&self) -> String {
        self.config
            .region()
            .map(|r| r.to_string())
            .unwrap_or_else(|| "us-east-1".into())
    }

    fn counter(&self) -> CountCalls {
        CountCalls(self.calls.clone())
    }

    pub fn s3(&self, region: &str) -> aws_sdk_s3::Client {
        let conf = aws_sdk_s3::config::Builder::from(&self.config)
            .region(Region::new(region.to_string()))
            .force_path_style(self.endpoint_url.is_some())
            .interceptor(self.counter())
            .build();
        aws_sdk_s3::Client::from_conf(conf)
    }
}

macro_rules! client {
    ($fn:ident, $krate:ident) => {
        impl Aws {
            pub fn $fn(&self, region: &str) -> $krate::Client {
                let conf = $krate::config::Builder::from(&self.config)
                    .region(Region::new(region.to_string()))
                    .interceptor(self.counter())
                    .build();
                $krate::Client::from_conf(conf)
            }
        }
    };
}
client!(cloudtrail, aws_sdk_cloudtrail);
client!(configservice, aws_sdk_config);
client!(kms, aws_sdk_kms);
client!(ec2, aws_sdk_ec2);
client!(iam, aws_sdk_iam);
client!(logs, aws_sdk_cloudwatchlogs);
client!(sts, aws_sdk_sts);
client!(organizations, aws_sdk_organizations);
client!(elbv2, aws_sdk_elasticloadbalancingv2);
client!(elb, aws_sdk_elasticloadbalancing);
client!(apigateway, aws_sdk_apigateway);
client!(apigatewayv2, aws_sdk_apigatewayv2);
client!(cloudfront, aws_sdk_cloudfront);

/// An SDK error reduced to what callers branch on, plus the AWS code and message.
#[derive(Debug, Clone, thiserror::Error)]
#[error("{code}: {message}")]
pub struct AwsError {
    pub kind: ErrorKind,
    pub code: String,
    pub message: String,
}

impl AwsError {
    pub fn is(&self, code: &str) -> bool {
        self.code == code
    }
}

/// Classify any SDK error. A 403 is "denied" whatever its body says: some
/// services answer a denial with a body the SDK cannot parse.
pub fn classify<E>(err: &SdkError<E, HttpResponse>) -> AwsError
where
    E: ProvideErrorMetadata + std::error::Error + 'static,
{
    let status = err.raw_response().map(|r| r.status().as_u16());
    // Some answers (a 403 from a JSON-protocol service, say) carry an XML
    // body the SDK cannot parse: read <Code> and <Message> from it ourselves.
    let body = err
        .raw_response()
        .and_then(|r| r.body().bytes())
        .map(|b| String::from_utf8_lossy(b).to_string())
        .unwrap_or_default();
    let tag = |t: &str| {
        let open = format!("<{t}>");
        let start = body.find(&open)? + open.len();
        let end = body[start..].find(&format!("</{t}>"))? + start;
        Some(body[start..end].to_string())
    };
    let code = err
        .code()
        .map(str::to_string)
        .or_else(|| tag("Code"))
        .unwrap_or_default();
    // A dispatch failure is either the endpoint (I/O, timeout) or the
    // credential chain failing before any request was sent.
    let no_credentials = match err {
        SdkError::DispatchFailure(e) => {
            tracing::debug!("dispatch failure: {e:?}");
            !e.as_connector_error()
                .is_some_and(|c| c.is_io() || c.is_timeout())
                && ["ProviderError", "redential", "FailedToLoadToken"]
                    .iter()
                    .any(|k| format!("{e:?}").contains(k))
        }
        _ => false,
    };
    let message = err.message().map(str::to_string).or_else(|| tag("Message")).unwrap_or_else(|| {
        if no_credentials {
            "no usable AWS credentials (set AWS_PROFILE / --profile, AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY, or SSO)".into()
        } else if let SdkError::TimeoutError(_) = err {
            "request timed out".into()
        } else if let SdkError::DispatchFailure(_) = err {
            // The innermost cause says it best ("Connection refused").
            let mut cause: &dyn std::error::Error = err;
            while let Some(next) = cause.source() {
                cause = next;
            }
            format!("cannot reach the AWS endpoint: {cause}")
        } else if let Some(s) = status.filter(|_| matches!(err, SdkError::ServiceError(_))) {
            format!("HTTP {s} with no error details")
        } else {
            format!("{}", aws_smithy_types::error::display::DisplayErrorContext(err))
        }
    });
    let kind = if no_credentials {
        ErrorKind::Other
    } else if status == Some(403)
        || code.contains("AccessDenied")
        || code == "UnauthorizedOperation"
        || code == "AuthorizationError"
    {
        ErrorKind::Denied
    } else if code.contains("Throttl") || code == "SlowDown" || code == "RequestLimitExceeded" {
        ErrorKind::Throttled
    } else if matches!(
        err,
        SdkError::DispatchFailure(_) | SdkError::TimeoutError(_)
    ) {
        ErrorKind::Unreachable
    } else if code.contains("NotFound") || code.starts_with("NoSuch") || status == Some(404) {
        ErrorKind::NotFound
    } else {
        ErrorKind::Other
    };
    let code = if no_credentials {
        "NoCredentials".to_string()
    } else {
        code
    };
    let code = if code.is_empty() {
        match (kind, status) {
            (ErrorKind::Denied, _) => "AccessDenied".to_string(),
            (ErrorKind::Unreachable, _) => "EndpointUnreachable".to_string(),
            (_, Some(s)) => format!("HTTP{s}"),
            _ => "Unknown".to_string(),
        }
    } else {
        code
    };
    AwsError {
        kind,
        code,
        message: message.replace('\n', " "),
    }
}

/// `?`-friendly: map any SDK error into an [`AwsError`].
pub trait Classify<T> {
    fn aws(self) -> Result<T, AwsError>;
}

impl<T, E> Classify<T> for Result<T, SdkError<E, HttpResponse>>
where
    E: ProvideErrorMetadata + std::error::Error + 'static,
{
    fn aws(self) -> Result<T, AwsError> {
        self.map_err(|e| classify(&e))
    }
}
