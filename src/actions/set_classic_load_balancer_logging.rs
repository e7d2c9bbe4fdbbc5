//! `enable_classic_load_balancer_access_logs` /
//! `disable_classic_load_balancer_access_logs`: turn a Classic Load
//! Balancer's `AccessLog` attribute on (a plan) or off (undo); undone by
//! putting back what it was (off, with the bucket, prefix and interval it
//! named).

use serde::{Deserialize, Serialize};
use serde_json::json;

use super::ctx::{Ctx, Done, Fail};
use super::{Change, Kind, Past, Reversal, Way, billed_when};
use crate::aws::{AwsError, Classify};
use crate::cost::PriceKey;
use crate::snapshot::{S3Target, Snapshot};
use aws_sdk_elasticloadbalancing::types::{AccessLog, LoadBalancerAttributes};

/// `access_logs`: where the logs go; `None`: off.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, schemars::JsonSchema)]
#[schemars(inline)]
pub struct SetClassicLoadBalancerLogging {
    pub load_balancer_name: String,
    pub access_logs: Option<S3Target>,
    /// Turning logs off (undo): the bucket and prefix to put back, as they
    /// were before the apply.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub put_back: Option<S3Target>,
}

/// The `AccessLog` attribute as read.
#[derive(Debug, Clone, Default, Serialize, Deserialize, PartialEq)]
#[serde(default)]
pub struct ClassicAccessLog {
    pub enabled: bool,
    pub bucket: String,
    pub prefix: String,
    /// Minutes between log files (5 or 60); `None`: not set.
    pub emit_interval: Option<i32>,
}

/// The interval AWS uses when none is given.
/// https://docs.aws.amazon.com/elasticloadbalancing/2012-06-01/APIReference/API_AccessLog.html
const DEFAULT_INTERVAL: i32 = 60;

const CALLS: &[&str] = &[
    "elasticloadbalancing:DescribeLoadBalancerAttributes",
    "elasticloadbalancing:ModifyLoadBalancerAttributes",
];

impl Kind for SetClassicLoadBalancerLogging {
    const NAME: &'static str = "enable_classic_load_balancer_access_logs";
    const RANK: u8 = 18;
    const CHANGE: Change = Change::Update;
    const IN_APPLY: bool = true;
    const IN_UNDO: bool = false;
    const CALLS: &'static [&'static str] = CALLS;
    const SECOND: Option<Way> = Some(Way {
        name: "disable_classic_load_balancer_access_logs",
        rank: 20,
        in_apply: false,
        in_undo: true,
        calls: CALLS,
    });
    type Prior = ClassicAccessLog;

    fn second(&self) -> bool {
        self.access_logs.is_none()
    }

    fn prices(&self) -> Vec<PriceKey> {
        billed_when(
            self.access_logs.is_some(),
            &[PriceKey::ElbAccessLogDelivery, PriceKey::S3Storage],
        )
    }

    /// Only turning logs on is undone (to off, with the bucket and prefix
    /// put back): an enable never changes logs that were on.
    fn reverse(&self, past: &Past<'_, Self::Prior>) -> Option<Reversal> {
        let was = past.prior.as_ref()?;
        if was.enabled || self.access_logs.is_none() {
            return None;
        }
        let name = &self.load_balancer_name;
        Reversal::restore(
            SetClassicLoadBalancerLogging {
                load_balancer_name: name.clone(),
                access_logs: None,
                put_back: Some(S3Target {
                    bucket: was.bucket.clone(),
                    prefix: was.prefix.clone(),
                }),
            },
            format!("turn access logs of Classic Load Balancer {name} off: they were off before"),
            past,
        )
    }

    fn touches(&self, region: &str) -> Option<String> {
        Some(format!(
            "classic-load-balancer:{region}:{}",
            self.load_balancer_name
        ))
    }

    fn simulate(&self, s: &mut Snapshot, region: &str, _target: &str) {
        let arn = crate::collect::classic_arn(
            &s.partition,
            region,
            &s.account_id,
            &self.load_balancer_name,
        );
        if let Some(lb) = s.web.as_mut().and_then(|w| w.load_balancers.get_mut(&arn)) {
            lb.access_logs = self.access_logs.clone();
        }
    }
}

async fn read(cx: &Ctx<'_>, name: &str) -> Result<ClassicAccessLog, AwsError> {
    let out = Box::pin(
        cx.aws
            .elb(cx.region())
            .describe_load_balancer_attributes()
            .load_balancer_name(name)
            .send(),
    )
    .await
    .aws()?;
    let a = out.load_balancer_attributes().and_then(|a| a.access_log());
    Ok(ClassicAccessLog {
        enabled: a.is_some_and(|a| a.enabled()),
        bucket: a
            .and_then(|a| a.s3_bucket_name())
            .unwrap_or_default()
            .to_string(),
        prefix: a
            .and_then(|a| a.s3_bucket_prefix())
            .unwrap_or_default()
            .to_string(),
        emit_interval: a.and_then(|a| a.emit_interval()),
    })
}

impl SetClassicLoadBalancerLogging {
    /// Reads the live attribute, journals it, writes, reads back.
    pub(crate) async fn run(&self, cx: &Ctx<'_>) -> Result<Done, Fail> {
        let name = &self.load_balancer_name;
        let prior = read(cx, name)
            .await
            .map_err(|e| Fail::reading("Classic Load Balancer attributes", e))?;
        cx.before(&prior)?;
        let want = match (&self.access_logs, &self.put_back) {
            (Some(t), _) => ClassicAccessLog {
                enabled: true,
                bucket: t.bucket.clone(),
                prefix: t.prefix.clone(),
                emit_interval: Some(prior.emit_interval.unwrap_or(DEFAULT_INTERVAL)),
            },
            (None, Some(t)) => ClassicAccessLog {
                enabled: false,
                bucket: t.bucket.clone(),
                prefix: t.prefix.clone(),
                emit_interval: prior.emit_interval,
            },
            (None, None) => ClassicAccessLog {
                enabled: false,
                ..prior.clone()
            },
        };
        // Logs someone turned on since the plan, to any bucket, stay.
        if prior.enabled && want.enabled {
            return Ok(Done::new(
                format!(
                    "access logs already on (to s3://{}/{}): kept",
                    prior.bucket, prior.prefix
                ),
                json!(prior),
            ));
        }
        if prior == want {
            return Ok(Done::new("access logs already off", json!(prior)));
        }
        let log = AccessLog::builder()
            .enabled(want.enabled)
            .s3_bucket_name(&want.bucket)
            .s3_bucket_prefix(&want.prefix)
            .set_emit_interval(want.emit_interval)
            .build();
        let attrs = LoadBalancerAttributes::builder().access_log(log).build();
        let elb = cx.aws.elb(cx.region());
        cx.retry("ModifyLoadBalancerAttributes", || {
            elb.modify_load_balancer_attributes()
                .load_balancer_name(name)
                .load_balancer_attributes(attrs.clone())
                .send()
        })
        .await?;
        let now = read(cx, name)
            .await
            .map_err(|e| Fail::from(e).with(json!(want)))?;
        let same =
            now.enabled == want.enabled && now.bucket == want.bucket && now.prefix == want.prefix;
        if !same {
            return Err(Fail::mismatch(
                format!("access logs read back as {now:?}, not {want:?}"),
                json!(now),
            ));
        }
        Ok(Done::new(
            if want.enabled {
                format!(
                    "access logs of Classic Load Balancer {name} to s3://{}/{}",
                    want.bucket, want.prefix
                )
            } else {
                format!("access logs of Classic Load Balancer {name} off")
            },
            json!(now),
        ))
    }
}
