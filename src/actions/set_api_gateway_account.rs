//! `set_api_gateway_log_role` / `clear_api_gateway_log_role`: set the role
//! API Gateway writes REST and WebSocket API logs to CloudWatch Logs with (a
//! region's account setting, which access logging of those stages needs);
//! undone by putting back what it was.

use serde::{Deserialize, Serialize};
use serde_json::json;

use super::ctx::{Ctx, Done, Fail, unset_empty};
use super::{Change, Kind, Past, Reversal, Way};
use crate::aws::{AwsError, Classify};
use crate::snapshot::{ApiAccount, Snapshot};
use aws_sdk_apigateway::types::{Op as PatchOp, PatchOperation};

/// `cloudwatch_role_arn`: the role to set; `None`: clear it.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, schemars::JsonSchema)]
#[schemars(inline)]
pub struct SetApiGatewayAccount {
    pub cloudwatch_role_arn: Option<String>,
    /// The role the account named when the plan was made, which API Gateway
    /// cannot write logs with (missing, not trusting it, without the
    /// permissions): replaced only while the account still names it. `None`:
    /// set only where no role is set. The role itself is never edited.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub replaces: Option<String>,
}

const CALLS: &[&str] = &["apigateway:GET", "apigateway:PATCH"];

impl Kind for SetApiGatewayAccount {
    const NAME: &'static str = "set_api_gateway_log_role";
    const RANK: u8 = 16;
    const CHANGE: Change = Change::Update;
    const IN_APPLY: bool = true;
    // Undo of a replacement points the account back at the role it named.
    const IN_UNDO: bool = true;
    const PROPAGATES: bool = true;
    const CALLS: &'static [&'static str] = CALLS;
    const IMPLICIT: &'static [super::Implicit] = &[super::Implicit {
        call: "apigateway:PATCH",
        when: "setting the account's CloudWatch Logs role: the role is passed to apigateway.amazonaws.com",
        actions: &["iam:PassRole"],
        doc: "https://docs.aws.amazon.com/apigateway/latest/developerguide/set-up-logging.html (Permissions for CloudWatch logging)",
    }];
    const SECOND: Option<Way> = Some(Way {
        name: "clear_api_gateway_log_role",
        rank: 22,
        in_apply: false,
        in_undo: true,
        calls: CALLS,
    });
    type Prior = ApiAccount;

    fn second(&self) -> bool {
        self.cloudwatch_role_arn.is_none()
    }

    const PASSED_TO: Option<&'static str> = Some("apigateway.amazonaws.com");

    fn passed_role(&self) -> Option<&str> {
        self.cloudwatch_role_arn.as_deref()
    }

    /// Setting a role where there was none is undone by clearing it; a
    /// replacement of the role the plan found unusable, by naming that role
    /// again. A role someone set since the plan was kept: nothing to undo.
    fn reverse(&self, past: &Past<'_, Self::Prior>) -> Option<Reversal> {
        let was = past.prior.as_ref()?;
        let set = self.cloudwatch_role_arn.as_ref()?;
        match &was.cloudwatch_role_arn {
            None => Reversal::restore(
                SetApiGatewayAccount {
                    cloudwatch_role_arn: None,
                    replaces: None,
                },
                "clear API Gateway's CloudWatch Logs role: it was not set before",
                past,
            ),
            Some(old) if Some(old) == self.replaces.as_ref() && old != set => Reversal::restore(
                SetApiGatewayAccount {
                    cloudwatch_role_arn: Some(old.clone()),
                    replaces: Some(set.clone()),
                },
                format!("point API Gateway's CloudWatch Logs role back at {old}"),
                past,
            ),
            Some(_) => None,
        }
        .map(|r| r.watching(&["/cloudwatch_role_arn"]))
    }

    fn touches(&self, region: &str) -> Option<String> {
        Some(format!("apigateway-account:{region}"))
    }

    fn simulate(&self, s: &mut Snapshot, region: &str, _target: &str) {
        if let Some(w) = s.web.as_mut() {
            w.api_accounts.insert(
                region.to_string(),
                ApiAccount {
                    cloudwatch_role_arn: self.cloudwatch_role_arn.clone(),
                },
            );
            // The plan's own role, as the plan makes it (trusting API
            // Gateway, with the logs permissions): not the role read before.
            if let Some(r) = &self.cloudwatch_role_arn {
                w.account_roles.remove(r);
            }
        }
    }
}

async fn read(cx: &Ctx<'_>) -> Result<ApiAccount, AwsError> {
    let out = Box::pin(cx.aws.apigateway(cx.region()).get_account().send())
        .await
        .aws()?;
    Ok(ApiAccount {
        cloudwatch_role_arn: unset_empty(out.cloudwatch_role_arn()),
    })
}

impl SetApiGatewayAccount {
    /// Reads the live setting, journals it, writes, reads back.
    pub(crate) async fn run(&self, cx: &Ctx<'_>) -> Result<Done, Fail> {
        let prior = read(cx)
            .await
            .map_err(|e| Fail::reading("API Gateway account settings", e))?;
        cx.before(&prior)?;
        // A role someone set since the plan stays: it is the account's.
        // Only the role the plan found unusable is replaced.
        if let (Some(have), Some(want)) = (&prior.cloudwatch_role_arn, &self.cloudwatch_role_arn)
            && (have == want || Some(have) != self.replaces.as_ref())
        {
            return Ok(Done::unchanged(
                format!("API Gateway already writes logs with {have}: kept"),
                json!(prior),
            ));
        }
        if prior.cloudwatch_role_arn == self.cloudwatch_role_arn {
            return Ok(Done::unchanged("already clear", json!(prior)));
        }
        let value = self.cloudwatch_role_arn.clone().unwrap_or_default();
        let api = cx.aws.apigateway(cx.region());
        // API Gateway checks that it can assume the role: a role made
        // seconds ago may not be visible to it yet (see `eventually_consistent`).
        cx.retry("UpdateAccount", || {
            api.update_account()
                .patch_operations(
                    PatchOperation::builder()
                        .op(PatchOp::Replace)
                        .path("/cloudwatchRoleArn")
                        .value(value.clone())
                        .build(),
                )
                .send()
        })
        .await?;
        let now = read(cx)
            .await
            .map_err(|e| Fail::from(e).with(json!({"cloudwatch_role_arn": value})))?;
        if now.cloudwatch_role_arn != self.cloudwatch_role_arn {
            return Err(Fail::mismatch(
                format!(
                    "API Gateway's CloudWatch Logs role reads back as {:?}",
                    now.cloudwatch_role_arn
                ),
                json!(now),
            ));
        }
        Ok(Done::new(
            match &now.cloudwatch_role_arn {
                Some(r) => format!("API Gateway writes logs with {r}"),
                None => "API Gateway's CloudWatch Logs role cleared".to_string(),
            },
            json!(now),
        ))
    }
}
