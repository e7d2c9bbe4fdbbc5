//! `enable_load_balancer_access_logs` / `disable_load_balancer_access_logs`:
//! turn an Application or Network Load Balancer's access logs on (a plan)
//! or off (undo); undone by putting back what the attributes were (off,
//! and the bucket and prefix they named).

use serde::{Deserialize, Serialize};
use serde_json::json;

use super::ctx::{Ctx, Done, Fail};
use super::{Change, Kind, Past, Reversal, Way, billed_when};
use crate::aws::{AwsError, Classify};
use crate::cost::PriceKey;
use crate::snapshot::{S3Target, Snapshot};
use aws_sdk_elasticloadbalancingv2::types::LoadBalancerAttribute;

/// `access_logs`: where the logs go; `None`: off.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, schemars::JsonSchema)]
#[schemars(inline)]
pub struct SetLoadBalancerLogging {
    pub load_balancer_arn: String,
    pub access_logs: Option<S3Target>,
    /// Turning logs off (undo): the `access_logs.s3.bucket` and `.prefix`
    /// to put back, as they were before the apply.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub put_back: Option<S3Target>,
}

/// The three `access_logs.s3.*` attributes as read.
#[derive(Debug, Clone, Default, Serialize, Deserialize, PartialEq)]
#[serde(default)]
pub struct AccessLogAttributes {
    pub enabled: bool,
    pub bucket: String,
    pub prefix: String,
}

const CALLS: &[&str] = &[
    "elasticloadbalancing:DescribeLoadBalancerAttributes",
    "elasticloadbalancing:ModifyLoadBalancerAttributes",
];

impl Kind for SetLoadBalancerLogging {
    const NAME: &'static str = "enable_load_balancer_access_logs";
    const RANK: u8 = 18;
    const CHANGE: Change = Change::Update;
    const IN_APPLY: bool = true;
    const IN_UNDO: bool = false;
    const CALLS: &'static [&'static str] = CALLS;
    const SECOND: Option<Way> = Some(Way {
        name: "disable_load_balancer_access_logs",
        rank: 20,
        in_apply: false,
        in_undo: true,
        calls: CALLS,
    });
    type Prior = AccessLogAttributes;

    fn second(&self) -> bool {
        self.access_logs.is_none()
    }

    fn prices(&self) -> Vec<PriceKey> {
        billed_when(
            self.access_logs.is_some(),
            &[PriceKey::ElbAccessLogDelivery, PriceKey::S3Storage],
        )
    }

    /// Only turning logs on is undone (to off): an enable never changes
    /// logs that were on, and undo never turns logs back on.
    fn reverse(&self, past: &Past<'_, Self::Prior>) -> Option<Reversal> {
        let was = past.prior.as_ref()?;
        if was.enabled || self.access_logs.is_none() {
            return None;
        }
        let arn = &self.load_balancer_arn;
        Reversal::restore(
            SetLoadBalancerLogging {
                load_balancer_arn: arn.clone(),
                access_logs: None,
                put_back: Some(S3Target {
                    bucket: was.bucket.clone(),
                    prefix: was.prefix.clone(),
                }),
            },
            format!("turn access logs of {arn} off: they were off before"),
            past,
        )
    }

    fn touches(&self, _region: &str) -> Option<String> {
        Some(format!("load-balancer:{}", self.load_balancer_arn))
    }

    fn simulate(&self, s: &mut Snapshot, _region: &str, _target: &str) {
        if let Some(lb) = s
            .web
            .as_mut()
            .and_then(|w| w.load_balancers.get_mut(&self.load_balancer_arn))
        {
            lb.access_logs = self.access_logs.clone();
        }
    }
}

async fn read(cx: &Ctx<'_>, arn: &str) -> Result<AccessLogAttributes, AwsError> {
    let out = Box::pin(
        cx.aws
            .elbv2(cx.region())
            .describe_load_balancer_attributes()
            .load_balancer_arn(arn)
            .send(),
    )
    .await
    .aws()?;
    let (enabled, t) = crate::collect::elb_access_logs(out.attributes());
    Ok(AccessLogAttributes {
        enabled,
        bucket: t.bucket,
        prefix: t.prefix,
    })
}

impl SetLoadBalancerLogging {
    /// Reads the live attributes, journals them, writes, reads back.
    pub(crate) async fn run(&self, cx: &Ctx<'_>) -> Result<Done, Fail> {
        let arn = &self.load_balancer_arn;
        let prior = read(cx, arn)
            .await
            .map_err(|e| Fail::reading("load balancer attributes", e))?;
        let want = match &self.access_logs {
            Some(t) => AccessLogAttributes {
                enabled: true,
                bucket: t.bucket.clone(),
                prefix: t.prefix.clone(),
            },
            None => match &self.put_back {
                Some(t) => AccessLogAttributes {
                    enabled: false,
                    bucket: t.bucket.clone(),
                    prefix: t.prefix.clone(),
                },
                None => AccessLogAttributes {
                    enabled: false,
                    ..prior.clone()
                },
            },
        };
        cx.before(&prior)?;
        if prior.enabled == want.enabled && (prior == want || want.enabled) {
            // Logs someone turned on since the plan, to any bucket, stay as
            // they are.
            return Ok(Done::new(
                if prior.enabled {
                    format!(
                        "access logs already on (to s3://{}/{}): kept",
                        prior.bucket, prior.prefix
                    )
                } else {
                    "access logs already off".to_string()
                },
                json!(prior),
            ));
        }
        let attr = |k: &str, v: &str| LoadBalancerAttribute::builder().key(k).value(v).build();
        let mut attrs = vec![attr(
            "access_logs.s3.enabled",
            if want.enabled { "true" } else { "false" },
        )];
        if want.enabled || self.put_back.is_some() {
            attrs.push(attr("access_logs.s3.bucket", &want.bucket));
            attrs.push(attr("access_logs.s3.prefix", &want.prefix));
        }
        let elb = cx.aws.elbv2(cx.region());
        cx.retry("ModifyLoadBalancerAttributes", || {
            elb.modify_load_balancer_attributes()
                .load_balancer_arn(arn)
                .set_attributes(Some(attrs.clone()))
                .send()
        })
        .await?;
        let now = read(cx, arn)
            .await
            .map_err(|e| Fail::from(e).with(json!(want)))?;
        if now.enabled != want.enabled || ((want.enabled || self.put_back.is_some()) && now != want)
        {
            return Err(Fail::mismatch(
                format!("access logs read back as {now:?}, not {want:?}"),
                json!(now),
            ));
        }
        Ok(Done::new(
            if want.enabled {
                format!(
                    "access logs of {arn} to s3://{}/{}",
                    want.bucket, want.prefix
                )
            } else {
                format!("access logs of {arn} off")
            },
            json!(now),
        ))
    }
}
