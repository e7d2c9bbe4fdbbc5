//! `enable_stage_execution_logging` / `disable_stage_execution_logging`:
//! turn a REST API stage's execution logging (`methodSettings."*/*"
//! .loggingLevel`) on at a level (a plan, when `[web]
//! rest_execution_logging` asks for it) or off (undo); undone by putting
//! back what it was.

use serde::{Deserialize, Serialize};
use serde_json::json;

use super::ctx::{Ctx, Done, Fail};
use super::{Change, Kind, Past, Reversal, Way, billed_when};
use crate::aws::{AwsError, Classify};
use crate::cost::PriceKey;
use crate::snapshot::Snapshot;
use aws_sdk_apigateway::types::{Op as PatchOp, PatchOperation};

/// `level`: `ERROR` or `INFO`; `None`: off.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, schemars::JsonSchema)]
#[schemars(inline)]
pub struct SetStageExecutionLogging {
    pub api_id: String,
    pub stage_name: String,
    pub level: Option<String>,
}

/// The stage's execution logging level as read (`None`: not set or `OFF`).
#[derive(Debug, Clone, Default, Serialize, Deserialize, PartialEq)]
#[serde(default)]
pub struct ExecutionLogging {
    pub level: Option<String>,
}

const CALLS: &[&str] = &["apigateway:GET", "apigateway:PATCH"];

/// Every method of the stage.
/// https://docs.aws.amazon.com/apigateway/latest/api/patch-operations.html#UpdateStage-Patch
const PATH: &str = "/*/*/logging/loglevel";

impl Kind for SetStageExecutionLogging {
    const NAME: &'static str = "enable_stage_execution_logging";
    const RANK: u8 = 18;
    const CHANGE: Change = Change::Update;
    const IN_APPLY: bool = true;
    const IN_UNDO: bool = false;
    const CALLS: &'static [&'static str] = CALLS;
    const SECOND: Option<Way> = Some(Way {
        name: "disable_stage_execution_logging",
        rank: 20,
        in_apply: false,
        in_undo: true,
        calls: CALLS,
    });
    type Prior = ExecutionLogging;

    fn second(&self) -> bool {
        self.level.is_none()
    }

    fn prices(&self) -> Vec<PriceKey> {
        billed_when(
            self.level.is_some(),
            &[PriceKey::LogsIngestion, PriceKey::LogsStorage],
        )
    }

    /// Only turning it on is undone (to off): an enable never changes a
    /// level that was set.
    fn reverse(&self, past: &Past<'_, Self::Prior>) -> Option<Reversal> {
        let was = past.prior.as_ref()?;
        if was.level.is_some() || self.level.is_none() {
            return None;
        }
        Reversal::restore(
            SetStageExecutionLogging {
                level: None,
                ..self.clone()
            },
            format!(
                "turn execution logging of stage {}/{} off: it was off before",
                self.api_id, self.stage_name
            ),
            past,
        )
    }

    fn touches(&self, region: &str) -> Option<String> {
        Some(format!(
            "api-stage-execution-logging:{region}:{}/{}",
            self.api_id, self.stage_name
        ))
    }

    fn simulate(&self, s: &mut Snapshot, _region: &str, _target: &str) {
        if let Some(st) = s.web.as_mut().and_then(|w| {
            w.api_stages.values_mut().find(|st| {
                st.protocol == "REST"
                    && st.api_id == self.api_id
                    && st.stage_name == self.stage_name
            })
        }) {
            st.execution_logging = self.level.clone();
        }
    }
}

impl SetStageExecutionLogging {
    async fn read(&self, cx: &Ctx<'_>) -> Result<ExecutionLogging, AwsError> {
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
        Ok(ExecutionLogging {
            level: out
                .method_settings()
                .and_then(|m| m.get("*/*"))
                .and_then(|m| m.logging_level())
                .filter(|l| !l.is_empty() && *l != "OFF")
                .map(str::to_string),
        })
    }

    /// Reads the live level, journals it, writes, reads back.
    pub(crate) async fn run(&self, cx: &Ctx<'_>) -> Result<Done, Fail> {
        let stage = format!("{}/{}", self.api_id, self.stage_name);
        let prior = self
            .read(cx)
            .await
            .map_err(|e| Fail::reading("stage execution logging", e))?;
        cx.before(&prior)?;
        // A level someone set since the plan stays as it is.
        if let (Some(have), Some(_)) = (&prior.level, &self.level) {
            return Ok(Done::unchanged(
                format!("execution logging of stage {stage} already at {have}: kept"),
                json!(prior),
            ));
        }
        if prior.level.is_none() && self.level.is_none() {
            return Ok(Done::unchanged(
                "execution logging already off",
                json!(prior),
            ));
        }
        let value = self.level.clone().unwrap_or_else(|| "OFF".into());
        let api = cx.aws.apigateway(cx.region());
        // Execution logging, like access logging, needs the account's
        // CloudWatch Logs role, which may have been set seconds ago.
        cx.retry("UpdateStage", || {
            api.update_stage()
                .rest_api_id(&self.api_id)
                .stage_name(&self.stage_name)
                .patch_operations(
                    PatchOperation::builder()
                        .op(PatchOp::Replace)
                        .path(PATH)
                        .value(value.clone())
                        .build(),
                )
                .send()
        })
        .await?;
        let now = self
            .read(cx)
            .await
            .map_err(|e| Fail::from(e).with(json!({"level": value})))?;
        if now.level != self.level {
            return Err(Fail::mismatch(
                format!(
                    "execution logging of stage {stage} reads back as {:?}",
                    now.level
                ),
                json!(now),
            ));
        }
        Ok(Done::new(
            match &now.level {
                Some(l) => format!("execution logging of stage {stage} at {l}"),
                None => format!("execution logging of stage {stage} off"),
            },
            json!(now),
        ))
    }
}
