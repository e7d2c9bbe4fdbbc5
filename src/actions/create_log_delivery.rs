//! `create_log_delivery`: deliver a resource's vended logs (CloudFront
//! standard logging v2: `ACCESS_LOGS`) to an S3 bucket through CloudWatch
//! Logs' delivery source → destination → delivery; undone by deleting the
//! delivery and what this run made for it. A CreateDelivery that fails
//! removes the source and destination the action made (both journaled as
//! progress first).

use serde::{Deserialize, Serialize};
use serde_json::{Value, json};

use super::DeleteLogDelivery;
use super::ctx::{Ctx, Done, Fail};
use super::{Change, Implicit, Kind, Past, Reversal};
use crate::aws::{AwsError, Classify};
use crate::cost::PriceKey;
use crate::snapshot::{DeliverySource, Snapshot};
use aws_sdk_cloudwatchlogs::types::DeliveryDestinationConfiguration;

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, schemars::JsonSchema)]
#[schemars(inline)]
pub struct CreateLogDelivery {
    /// The resource whose logs are delivered (a CloudFront distribution ARN).
    pub resource_arn: String,
    /// `ACCESS_LOGS`.
    pub log_type: String,
    pub source_name: String,
    pub destination_name: String,
    /// Where the logs go: an S3 bucket ARN.
    pub destination_resource_arn: String,
}

/// What the run found before writing: the deliveries of the resource's
/// sources (destination ARNs) and whether its source and destination existed.
#[derive(Debug, Clone, Default, Serialize, Deserialize, PartialEq)]
#[serde(default)]
pub struct DeliveryState {
    pub deliveries: Vec<String>,
    pub source_existed: bool,
    pub destination_existed: bool,
}

impl Kind for CreateLogDelivery {
    const NAME: &'static str = "create_log_delivery";
    const RANK: u8 = 18;
    const CHANGE: Change = Change::Create;
    const IN_APPLY: bool = true;
    const IN_UNDO: bool = false;
    const CALLS: &'static [&'static str] = &[
        "logs:DescribeDeliverySources",
        "logs:DescribeDeliveryDestinations",
        "logs:DescribeDeliveries",
        "logs:PutDeliverySource",
        "logs:PutDeliveryDestination",
        "logs:CreateDelivery",
        // When CreateDelivery fails: what this action made is removed.
        "logs:DeleteDeliveryDestination",
        "logs:DeleteDeliverySource",
    ];
    const IMPLICIT: &'static [Implicit] = &[
        Implicit {
            call: "logs:PutDeliverySource",
            when: "a CloudFront distribution as the delivery source",
            actions: &["cloudfront:AllowVendedLogDeliveryForResource"],
            doc: "https://docs.aws.amazon.com/AmazonCloudFront/latest/DeveloperGuide/standard-logging.html (Permissions); https://docs.aws.amazon.com/AmazonCloudWatch/latest/logs/AWS-vended-logs-permissions-V2.html",
        },
        Implicit {
            call: "logs:CreateDelivery",
            when: "delivery to an S3 bucket: CloudWatch Logs reads the bucket policy (and adds its statements when they are missing)",
            actions: &["s3:GetBucketPolicy", "s3:PutBucketPolicy"],
            doc: "https://docs.aws.amazon.com/AmazonCloudWatch/latest/logs/AWS-vended-logs-permissions-V2.html (Logs sent to Amazon S3)",
        },
    ];
    type Prior = DeliveryState;

    fn prices(&self) -> Vec<PriceKey> {
        vec![PriceKey::VendedLogsToS3, PriceKey::S3Storage]
    }

    fn reverse(&self, past: &Past<'_, Self::Prior>) -> Option<Reversal> {
        let result = past.result?;
        let delivery_id = result.get("delivery_id").and_then(Value::as_str)?;
        if !result
            .get("delivery_created")
            .and_then(Value::as_bool)
            .unwrap_or(false)
        {
            return None;
        }
        let was = past.prior.clone().unwrap_or_default();
        Reversal::remove(
            DeleteLogDelivery {
                delivery_id: delivery_id.to_string(),
                source_name: (!was.source_existed).then(|| self.source_name.clone()),
                destination_name: (!was.destination_existed).then(|| self.destination_name.clone()),
            },
            format!(
                "stop delivering logs of {} (this run made the delivery)",
                self.resource_arn
            ),
        )
    }

    fn touches(&self, _region: &str) -> Option<String> {
        Some(format!("log-delivery:{}", self.resource_arn))
    }

    fn simulate(&self, s: &mut Snapshot, _region: &str, _target: &str) {
        if let Some(w) = s.web.as_mut() {
            let src = w
                .delivery_sources
                .entry(self.source_name.clone())
                .or_insert_with(|| DeliverySource {
                    name: self.source_name.clone(),
                    resource_arns: vec![self.resource_arn.clone()],
                    log_type: self.log_type.clone(),
                    destinations: vec![],
                });
            let dest = format!("sim:delivery-destination:{}", self.destination_name);
            if !src.destinations.contains(&dest) {
                src.destinations.push(dest);
            }
        }
    }
}

/// The sources of `resource` (by name) and every delivery (source name,
/// destination ARN, id), as read now.
pub(super) async fn read_state(
    cx: &Ctx<'_>,
    resource: &str,
) -> Result<(Vec<String>, Vec<(String, String, String)>), AwsError> {
    let logs = cx.aws.logs(cx.region());
    let mut sources = Vec::new();
    let mut token: Option<String> = None;
    loop {
        let out = Box::pin(
            logs.describe_delivery_sources()
                .set_next_token(token.clone())
                .send(),
        )
        .await
        .aws()?;
        for s in out.delivery_sources() {
            if s.resource_arns().iter().any(|r| r == resource)
                && let Some(n) = s.name()
            {
                sources.push(n.to_string());
            }
        }
        match out.next_token().filter(|t| !t.is_empty()) {
            Some(t) if Some(t) != token.as_deref() => token = Some(t.to_string()),
            _ => break,
        }
    }
    let mut deliveries = Vec::new();
    let mut token: Option<String> = None;
    loop {
        let out = Box::pin(
            logs.describe_deliveries()
                .set_next_token(token.clone())
                .send(),
        )
        .await
        .aws()?;
        for d in out.deliveries() {
            deliveries.push((
                d.delivery_source_name().unwrap_or_default().to_string(),
                d.delivery_destination_arn().unwrap_or_default().to_string(),
                d.id().unwrap_or_default().to_string(),
            ));
        }
        match out.next_token().filter(|t| !t.is_empty()) {
            Some(t) if Some(t) != token.as_deref() => token = Some(t.to_string()),
            _ => break,
        }
    }
    Ok((sources, deliveries))
}

async fn destination_exists(cx: &Ctx<'_>, name: &str) -> Result<bool, AwsError> {
    let logs = cx.aws.logs(cx.region());
    let mut token: Option<String> = None;
    loop {
        let out = Box::pin(
            logs.describe_delivery_destinations()
                .set_next_token(token.clone())
                .send(),
        )
        .await
        .aws()?;
        if out
            .delivery_destinations()
            .iter()
            .any(|d| d.name() == Some(name))
        {
            return Ok(true);
        }
        match out.next_token().filter(|t| !t.is_empty()) {
            Some(t) if Some(t) != token.as_deref() => token = Some(t.to_string()),
            _ => return Ok(false),
        }
    }
}

impl CreateLogDelivery {
    /// Reads what exists, journals it, makes the missing parts, reads back.
    pub(crate) async fn run(&self, cx: &Ctx<'_>) -> Result<Done, Fail> {
        let resource = &self.resource_arn;
        let (sources, deliveries) = read_state(cx, resource)
            .await
            .map_err(|e| Fail::reading("log deliveries", e))?;
        let existing: Vec<String> = deliveries
            .iter()
            .filter(|(s, _, _)| sources.contains(s))
            .map(|(_, d, _)| d.clone())
            .collect();
        let destination_existed = destination_exists(cx, &self.destination_name)
            .await
            .map_err(|e| Fail::reading("log delivery destinations", e))?;
        let prior = DeliveryState {
            deliveries: existing.clone(),
            source_existed: sources.contains(&self.source_name),
            destination_existed,
        };
        cx.before(&prior)?;
        if !existing.is_empty() {
            return Ok(Done::new(
                format!(
                    "{resource} already delivers its logs to {}",
                    existing.join(", ")
                ),
                json!({"deliveries": existing, "delivery_created": false}),
            ));
        }
        let logs = cx.aws.logs(cx.region());
        // PutDeliverySource and PutDeliveryDestination create or update:
        // running them again is harmless.
        Box::pin(
            logs.put_delivery_source()
                .name(&self.source_name)
                .resource_arn(resource)
                .log_type(&self.log_type)
                .send(),
        )
        .await
        .aws()?;
        cx.progress(json!({"source": self.source_name}));
        let config = DeliveryDestinationConfiguration::builder()
            .destination_resource_arn(&self.destination_resource_arn)
            .build()
            .map_err(|e| Fail::invalid(e.to_string()))?;
        let dest = Box::pin(
            logs.put_delivery_destination()
                .name(&self.destination_name)
                .delivery_destination_configuration(config)
                .send(),
        )
        .await
        .aws()?;
        let dest_arn = dest
            .delivery_destination()
            .and_then(|d| d.arn())
            .unwrap_or_default()
            .to_string();
        cx.progress(json!({"source": self.source_name, "destination_arn": dest_arn}));
        let created = match Box::pin(
            logs.create_delivery()
                .delivery_source_name(&self.source_name)
                .delivery_destination_arn(&dest_arn)
                .send(),
        )
        .await
        .aws()
        {
            Ok(out) => out.delivery().and_then(|d| d.id()).map(str::to_string),
            // A retried request meets the delivery its first attempt made.
            Err(e) if e.code == "ConflictException" => None,
            Err(e) => {
                // Nothing delivers through what this action just made: remove
                // the source and destination it created (the journal's
                // progress entries name them), keep what existed before.
                let mut removed = vec![];
                let mut left = vec![];
                if !prior.destination_existed {
                    match Box::pin(
                        logs.delete_delivery_destination()
                            .name(&self.destination_name)
                            .send(),
                    )
                    .await
                    .aws()
                    {
                        Ok(_) => removed.push(format!("destination {}", self.destination_name)),
                        Err(d) => left.push(format!(
                            "destination {} ({}: {})",
                            self.destination_name, d.code, d.message
                        )),
                    }
                }
                if !prior.source_existed {
                    match Box::pin(logs.delete_delivery_source().name(&self.source_name).send())
                        .await
                        .aws()
                    {
                        Ok(_) => removed.push(format!("source {}", self.source_name)),
                        Err(d) => left.push(format!(
                            "source {} ({}: {})",
                            self.source_name, d.code, d.message
                        )),
                    }
                }
                let result = json!({
                    "source": self.source_name,
                    "destination_arn": dest_arn,
                    "removed": removed,
                    "left": left,
                });
                cx.progress(result.clone());
                let mut fail = Fail::from(e).with(result);
                if !removed.is_empty() {
                    fail.message = format!(
                        "{} (removed the delivery {} this action made)",
                        fail.message,
                        removed.join(" and ")
                    );
                }
                if !left.is_empty() {
                    fail.message =
                        format!("{}; could not remove {}", fail.message, left.join(", "));
                }
                return Err(fail);
            }
        };
        let (_, now) = read_state(cx, resource)
            .await
            .map_err(|e| Fail::from(e).with(json!({"delivery_id": created})))?;
        let Some((_, _, id)) = now
            .iter()
            .find(|(s, d, _)| *s == self.source_name && *d == dest_arn)
        else {
            return Err(Fail::mismatch(
                format!(
                    "no delivery from {} to {dest_arn} after creating it",
                    self.source_name
                ),
                json!({"delivery_id": created}),
            ));
        };
        Ok(Done::new(
            format!(
                "logs of {resource} delivered to {}",
                self.destination_resource_arn
            ),
            json!({
                "delivery_id": id,
                "delivery_created": true,
                "source": self.source_name,
                "destination_arn": dest_arn,
            }),
        ))
    }
}
