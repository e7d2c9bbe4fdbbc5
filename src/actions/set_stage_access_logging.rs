//! `enable_stage_access_logging` / `disable_stage_access_logging`: turn an
//! API Gateway stage's access logging (REST, HTTP or WebSocket API) on (a
//! plan) or off (undo); undone by putting back what it was.

use serde::{Deserialize, Serialize};
use serde_json::json;

use super::ctx::{Ctx, Done, Fail, unset_empty};
use super::{Change, Kind, Past, Reversal, Way, billed_when};
use crate::aws::{AwsError, Classify};
use crate::cost::PriceKey;
use crate::snapshot::Snapshot;

/// A stage's `accessLogSettings`.
#[derive(Debug, Clone, Default, Serialize, Deserialize, PartialEq, Eq, schemars::JsonSchema)]
pub struct AccessLog {
    /// Log group ARN (without `:*`).
    pub destination_arn: Option<String>,
    pub format: Option<String>,
}

/// `access_log`: destination and format; `None`: logging off.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, schemars::JsonSchema)]
#[schemars(inline)]
pub struct SetStageAccessLogging {
    pub api_id: String,
    pub stage_name: String,
    /// `REST` (API Gateway), `HTTP` or `WEBSOCKET` (API Gateway v2).
    pub protocol: String,
    pub access_log: Option<AccessLog>,
}

const CALLS: &[&str] = &["apigateway:GET", "apigateway:PATCH"];

impl Kind for SetStageAccessLogging {
    const NAME: &'static str = "enable_stage_access_logging";
    const RANK: u8 = 18;
    const CHANGE: Change = Change::Update;
    const IN_APPLY: bool = true;
    const IN_UNDO: bool = false;
    const CALLS: &'static [&'static str] = CALLS;
    const IMPLICIT: &'static [super::Implicit] = &[super::Implicit {
        call: "apigateway:PATCH",
        when: "access logging of an HTTP or WebSocket API stage: API Gateway sets up the log delivery as the caller",
        actions: &[
            "logs:CreateLogDelivery",
            "logs:PutResourcePolicy",
            "logs:UpdateLogDelivery",
            "logs:GetLogDelivery",
            "logs:DeleteLogDelivery",
            "logs:ListLogDeliveries",
            "logs:DescribeResourcePolicies",
            "logs:DescribeLogGroups",
        ],
        doc: "https://docs.aws.amazon.com/apigateway/latest/developerguide/http-api-logging.html (Permissions to log to CloudWatch)",
    }];
    const SECOND: Option<Way> = Some(Way {
        name: "disable_stage_access_logging",
        rank: 20,
        in_apply: false,
        in_undo: true,
        calls: CALLS,
    });
    type Prior = AccessLog;

    fn second(&self) -> bool {
        self.access_log.is_none()
    }

    fn prices(&self) -> Vec<PriceKey> {
        billed_when(
            self.access_log.is_some(),
            &[PriceKey::LogsIngestion, PriceKey::LogsStorage],
        )
    }

    /// Only turning logging on is undone (to off): an enable never changes
    /// logging that was on, and undo never turns it back on.
    fn reverse(&self, past: &Past<'_, Self::Prior>) -> Option<Reversal> {
        let was = past.prior.as_ref()?;
        if was.destination_arn.is_some() || self.access_log.is_none() {
            return None;
        }
        let stage = format!("{}/{}", self.api_id, self.stage_name);
        Reversal::restore(
            SetStageAccessLogging {
                access_log: None,
                ..self.clone()
            },
            format!("turn access logging of stage {stage} off: it was off before"),
            past,
        )
    }

    fn touches(&self, region: &str) -> Option<String> {
        Some(format!(
            "api-stage:{region}:{}/{}",
            self.api_id, self.stage_name
        ))
    }

    fn simulate(&self, s: &mut Snapshot, _region: &str, _target: &str) {
        if let Some(st) = s.web.as_mut().and_then(|w| {
            w.api_stages
                .values_mut()
                .find(|st| st.api_id == self.api_id && st.stage_name == self.stage_name)
        }) {
            st.access_log_destination = self
                .access_log
                .as_ref()
                .and_then(|l| l.destination_arn.clone());
            st.access_log_format = self.access_log.as_ref().and_then(|l| l.format.clone());
        }
    }
}

/// `accessLogSettings` as read (either API's), empty strings unset.
fn access_log(destination: Option<&str>, format: Option<&str>) -> AccessLog {
    AccessLog {
        destination_arn: unset_empty(destination),
        format: unset_empty(format),
    }
}

impl SetStageAccessLogging {
    fn is_rest(&self) -> bool {
        self.protocol == "REST"
    }

    async fn read(&self, cx: &Ctx<'_>) -> Result<AccessLog, AwsError> {
        if self.is_rest() {
            let out = Box::pin(
                cx.aws
                    .apigateway(cx.region())
                    .get_stage()
                    .rest_api_id(&self.api_id)
                    .stage_name(&self.stage_name)
                    .send(),
            )
            .await
            .aws()?;
            let l = out.access_log_settings();
            Ok(access_log(
                l.and_then(|l| l.destination_arn()),
                l.and_then(|l| l.format()),
            ))
        } else {
            let out = Box::pin(
                cx.aws
                    .apigatewayv2(cx.region())
                    .get_stage()
                    .api_id(&self.api_id)
                    .stage_name(&self.stage_name)
                    .send(),
            )
            .await
            .aws()?;
            let l = out.access_log_settings();
            Ok(access_log(
                l.and_then(|l| l.destination_arn()),
                l.and_then(|l| l.format()),
            ))
        }
    }

    async fn write(&self, cx: &Ctx<'_>) -> Result<(), AwsError> {
        let want = self.access_log.clone().unwrap_or_default();
        if self.is_rest() {
            use aws_sdk_apigateway::types::{Op as PatchOp, PatchOperation};
            let ops: Vec<PatchOperation> = match (&want.destination_arn, &want.format) {
                (Some(d), f) => {
                    let mut ops = vec![
                        PatchOperation::builder()
                            .op(PatchOp::Replace)
                            .path("/accessLogSettings/destinationArn")
                            .value(d)
                            .build(),
                    ];
                    if let Some(f) = f {
                        ops.push(
                            PatchOperation::builder()
                                .op(PatchOp::Replace)
                                .path("/accessLogSettings/format")
                                .value(f)
                                .build(),
                        );
                    }
                    ops
                }
                (None, _) => vec![
                    PatchOperation::builder()
                        .op(PatchOp::Remove)
                        .path("/accessLogSettings")
                        .build(),
                ],
            };
            let api = cx.aws.apigateway(cx.region());
            // REST access logging needs the account's CloudWatch Logs role,
            // which may have been set seconds ago.
            cx.retry("UpdateStage", || {
                api.update_stage()
                    .rest_api_id(&self.api_id)
                    .stage_name(&self.stage_name)
                    .set_patch_operations(Some(ops.clone()))
                    .send()
            })
            .await?;
        } else {
            use aws_sdk_apigatewayv2::types::AccessLogSettings;
            let settings = AccessLogSettings::builder()
                .set_destination_arn(want.destination_arn.clone())
                .set_format(want.format.clone())
                .build();
            let api = cx.aws.apigatewayv2(cx.region());
            cx.retry("UpdateStage", || {
                api.update_stage()
                    .api_id(&self.api_id)
                    .stage_name(&self.stage_name)
                    .access_log_settings(settings.clone())
                    .send()
            })
            .await?;
        }
        Ok(())
    }

    /// Reads the live settings, journals them, writes, reads back.
    pub(crate) async fn run(&self, cx: &Ctx<'_>) -> Result<Done, Fail> {
        let stage = format!("{}/{}", self.api_id, self.stage_name);
        let prior = self
            .read(cx)
            .await
            .map_err(|e| Fail::reading("stage access log settings", e))?;
        cx.before(&prior)?;
        let want = self.access_log.clone().unwrap_or_default();
        // Logging someone turned on since the plan, to any destination,
        // stays as it is.
        if let (Some(have), Some(_)) = (&prior.destination_arn, &want.destination_arn) {
            return Ok(Done::new(
                format!("access logs of stage {stage} already go to {have}: kept"),
                json!(prior),
            ));
        }
        if prior.destination_arn.is_none() && want.destination_arn.is_none() {
            return Ok(Done::new("access logging already off", json!(prior)));
        }
        self.write(cx).await?;
        let now = self
            .read(cx)
            .await
            .map_err(|e| Fail::from(e).with(json!(want)))?;
        if now.destination_arn != want.destination_arn {
            return Err(Fail::mismatch(
                format!(
                    "access logs of stage {stage} read back as {:?}",
                    now.destination_arn
                ),
                json!(now),
            ));
        }
        Ok(Done::new(
            match &now.destination_arn {
                Some(d) => format!("access logs of stage {stage} to {d}"),
                None => format!("access logging of stage {stage} off"),
            },
            json!(now),
        ))
    }
}
