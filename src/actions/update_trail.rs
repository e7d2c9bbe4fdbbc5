//! `update_trail`: change the given settings of a trail; undone by putting back
//! those settings.

use crate::cost::PriceKey;
use serde::{Deserialize, Serialize};

use super::TrailState;
use super::cloudtrail::trail_mut;
use super::cloudtrail::*;
use super::ctx::{Ctx, Done, Fail, unset_empty};
use super::{Change, Implicit, Kind, Left, Past, Reversal, trail_resource};
use crate::snapshot::Snapshot;
use serde_json::Value;

/// Only the `Some` fields are changed.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, schemars::JsonSchema)]
#[schemars(inline)]
pub struct UpdateTrail {
    pub name: String,
    pub is_multi_region: Option<bool>,
    pub include_global_service_events: Option<bool>,
    pub log_file_validation: Option<bool>,
    pub kms_key_id: Option<String>,
    pub cloudwatch_log_group_arn: Option<String>,
    pub cloudwatch_role_arn: Option<String>,
    /// Make it (or stop it being) an organization trail.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub is_organization: Option<bool>,
}

impl Kind for UpdateTrail {
    const NAME: &'static str = "update_trail";
    const RANK: u8 = 12;
    const CHANGE: Change = Change::Update;
    const IN_APPLY: bool = true;
    const IN_UNDO: bool = true;
    const SHARED_CALLS: &'static [&'static str] = READ_TRAIL;
    const CALLS: &'static [&'static str] = &["kms:DescribeKey", "cloudtrail:UpdateTrail"];
    const IMPLICIT: &'static [Implicit] = &[
        Implicit {
            call: "cloudtrail:UpdateTrail",
            when: "setting the trail's CloudWatch Logs role passes it to cloudtrail.amazonaws.com",
            actions: &["iam:PassRole"],
            doc: "https://docs.aws.amazon.com/awscloudtrail/latest/userguide/send-cloudtrail-events-to-cloudwatch-logs.html; https://docs.aws.amazon.com/awscloudtrail/latest/userguide/security_iam_id-based-policy-examples.html",
        },
        Implicit {
            call: "cloudtrail:UpdateTrail",
            when: "SSE-KMS on a trail whose bucket uses an S3 Bucket Key: the caller needs kms:Decrypt on the key",
            actions: &["kms:Decrypt"],
            doc: "https://docs.aws.amazon.com/awscloudtrail/latest/userguide/create-kms-key-policy-for-cloudtrail.html",
        },
    ];
    type Prior = TrailState;

    const PASSED_TO: Option<&'static str> = Some("cloudtrail.amazonaws.com");

    fn passed_role(&self) -> Option<&str> {
        self.cloudwatch_role_arn.as_deref()
    }

    fn prices(&self) -> Vec<PriceKey> {
        let mut p = vec![];
        if self.is_multi_region == Some(true) {
            // Regions where another trail already records management
            // events get a second, billed copy.
            p.extend([
                PriceKey::TrailManagementFirstCopy,
                PriceKey::TrailManagementExtraCopy,
            ]);
        }
        if self.kms_key_id.is_some() {
            p.push(PriceKey::KmsRequests);
        }
        if self.cloudwatch_log_group_arn.is_some() {
            p.push(PriceKey::LogsIngestion);
        }
        p
    }

    fn reverse(&self, past: &Past<'_, Self::Prior>) -> Option<Reversal> {
        let t = past.prior.as_ref()?;
        let name = &self.name;
        let cw = self.cloudwatch_log_group_arn.is_some() || self.cloudwatch_role_arn.is_some();
        let op = UpdateTrail {
            name: name.clone(),
            is_multi_region: self.is_multi_region.map(|_| t.is_multi_region),
            include_global_service_events: self
                .include_global_service_events
                .map(|_| t.include_global_service_events),
            log_file_validation: self.log_file_validation.map(|_| t.log_file_validation),
            // "" unsets a string setting.
            kms_key_id: self
                .kms_key_id
                .as_ref()
                .map(|_| t.kms_key_id.clone().unwrap_or_default()),
            cloudwatch_log_group_arn: cw
                .then(|| t.cloudwatch_log_group_arn.clone().unwrap_or_default()),
            cloudwatch_role_arn: cw.then(|| t.cloudwatch_role_arn.clone().unwrap_or_default()),
            is_organization: self.is_organization.map(|_| t.is_organization),
        };
        // Only the settings this op wrote are compared with the live trail.
        let mut fields = vec![];
        for (set, field) in [
            (self.is_multi_region.is_some(), "/is_multi_region"),
            (
                self.include_global_service_events.is_some(),
                "/include_global_service_events",
            ),
            (self.log_file_validation.is_some(), "/log_file_validation"),
            (self.kms_key_id.is_some(), "/kms_key_id"),
            (cw, "/cloudwatch_log_group_arn"),
            (cw, "/cloudwatch_role_arn"),
            (self.is_organization.is_some(), "/is_organization"),
        ] {
            if set {
                fields.push(field);
            }
        }
        Reversal::restore(
            op,
            format!("put back the settings trail {name} had before"),
            past,
        )
        .map(|r| r.watching(&fields))
    }

    fn touches(&self, region: &str) -> Option<String> {
        Some(trail_resource(region, &self.name))
    }

    fn simulate(&self, s: &mut Snapshot, region: &str, _target: &str) {
        let UpdateTrail {
            name,
            is_multi_region,
            include_global_service_events,
            log_file_validation,
            kms_key_id,
            cloudwatch_log_group_arn,
            cloudwatch_role_arn,
            is_organization,
        } = self;
        if let Some(t) = trail_mut(s, region, name) {
            if let Some(v) = is_organization {
                t.is_organization = *v;
            }
            if let Some(v) = is_multi_region {
                t.is_multi_region = *v;
            }
            if let Some(v) = include_global_service_events {
                t.include_global_service_events = *v;
            }
            if let Some(v) = log_file_validation {
                t.log_file_validation = *v;
            }
            if kms_key_id.is_some() {
                t.kms_key_id = kms_key_id.clone();
            }
            if cloudwatch_log_group_arn.is_some() {
                t.cloudwatch_log_group_arn = cloudwatch_log_group_arn.clone();
                t.cloudwatch_role_arn = cloudwatch_role_arn.clone();
            }
        }
    }
}

impl UpdateTrail {
    /// Reads the live value, journals it, writes, reads back. Undo: a
    /// setting changed since apply is left out of the write (the others
    /// are put back) and named.
    pub(crate) async fn run(&self, cx: &Ctx<'_>) -> Result<Done, Fail> {
        if cx.action.guard.is_none() {
            return update_trail(cx, self, &[]).await;
        }
        let live = read_trail(cx, &self.name)
            .await
            .map_err(|e| Fail::reading("trail", e))?;
        let changed = live
            .map(|t| cx.action.guard.changed_fields(&state_json(&t)))
            .unwrap_or_default();
        let mut op = self.clone();
        for f in &changed {
            match f.as_str() {
                "/is_multi_region" => op.is_multi_region = None,
                "/include_global_service_events" => op.include_global_service_events = None,
                "/log_file_validation" => op.log_file_validation = None,
                "/kms_key_id" => op.kms_key_id = None,
                // CloudTrail takes the two together.
                "/cloudwatch_log_group_arn" | "/cloudwatch_role_arn" => {
                    op.cloudwatch_log_group_arn = None;
                    op.cloudwatch_role_arn = None;
                }
                "/is_organization" => op.is_organization = None,
                _ => {}
            }
        }
        let nothing_left = op.is_multi_region.is_none()
            && op.include_global_service_events.is_none()
            && op.log_file_validation.is_none()
            && op.kms_key_id.is_none()
            && op.cloudwatch_log_group_arn.is_none()
            && op.is_organization.is_none();
        if changed.is_empty() || nothing_left {
            // Nothing changed, or everything did (then `before` refuses).
            return update_trail(cx, self, &[]).await;
        }
        update_trail(cx, &op, &changed).await
    }
}

/// `left`: the settings undo leaves out, changed since apply (the op no
/// longer sets them).
async fn update_trail(cx: &Ctx<'_>, op: &UpdateTrail, left: &[String]) -> Result<Done, Fail> {
    let UpdateTrail {
        name,
        is_multi_region,
        include_global_service_events,
        log_file_validation,
        kms_key_id,
        cloudwatch_log_group_arn,
        cloudwatch_role_arn,
        is_organization,
    } = op;
    let prior = read_trail(cx, name)
        .await
        .map_err(|e| Fail::reading("trail", e))?
        .ok_or_else(|| {
            Fail::new(
                "TrailNotFoundException",
                format!("trail {name} does not exist in {}", cx.region()),
            )
        })?;
    check_home(cx, &prior)?;
    // CloudTrail takes the log group and the role together: fill in the one
    // not being changed from the trail as it is.
    let (cw_group, cw_role) = match (cloudwatch_log_group_arn, cloudwatch_role_arn) {
        (None, None) => (None, None),
        (g, r) => {
            let g = g.clone().or_else(|| prior.cloudwatch_log_group_arn.clone());
            let r = r.clone().or_else(|| prior.cloudwatch_role_arn.clone());
            match (g, r) {
                (Some(g), Some(r)) => (Some(g), Some(r)),
                _ => {
                    return Err(Fail::invalid(
                        "the CloudWatch Logs group and role must be set together",
                    ));
                }
            }
        }
    };
    cx.before_except(state_json(&prior), left)?;
    let ct = cx.aws.cloudtrail(cx.region());
    let key = name.to_string();
    cx.retry("UpdateTrail", || {
        ct.update_trail()
            .name(&key)
            .set_is_multi_region_trail(*is_multi_region)
            .set_include_global_service_events(*include_global_service_events)
            .set_enable_log_file_validation(*log_file_validation)
            .set_kms_key_id(kms_key_id.clone())
            .set_cloud_watch_logs_log_group_arn(cw_group.clone())
            .set_cloud_watch_logs_role_arn(cw_role.clone())
            .set_is_organization_trail(*is_organization)
            .send()
    })
    .await?;
    let now = read_trail(cx, name)
        .await?
        .ok_or_else(|| Fail::mismatch(format!("trail {name} cannot be found"), Value::Null))?;
    let result = state_json(&now);
    let mut wrong = vec![];
    let mut changed = vec![];
    for (asked, got, what) in [
        (is_multi_region, now.is_multi_region, "multi-region"),
        (
            include_global_service_events,
            now.include_global_service_events,
            "global service events",
        ),
        (
            log_file_validation,
            now.log_file_validation,
            "log file validation",
        ),
        (is_organization, now.is_organization, "organization trail"),
    ] {
        if let Some(a) = asked {
            changed.push(format!("{what} {}", if *a { "on" } else { "off" }));
            if *a != got {
                wrong.push(what);
            }
        }
    }
    if let Some(k) = kms_key_id {
        changed.push(if k.is_empty() {
            "no KMS key".into()
        } else {
            format!("KMS key {k}")
        });
        if !kms_matches(cx, Some(k), now.kms_key_id.as_deref()).await {
            wrong.push("KMS key");
        }
    }
    if let (Some(g), Some(r)) = (&cw_group, &cw_role) {
        changed.push(if g.is_empty() {
            "no CloudWatch Logs".into()
        } else {
            format!("CloudWatch Logs {g}")
        });
        if now.cloudwatch_log_group_arn != unset_empty(Some(g))
            || now.cloudwatch_role_arn != unset_empty(Some(r))
        {
            wrong.push("CloudWatch Logs group / role");
        }
    }
    if !wrong.is_empty() {
        return Err(Fail::mismatch(
            format!(
                "trail {name} reads back with a different {}",
                wrong.join(", ")
            ),
            result,
        ));
    }
    let detail = format!("updated trail {name}: {}", changed.join(", "));
    if left.is_empty() {
        return Ok(Done::new(detail, result));
    }
    Ok(Done::left(
        Left::ChangedSinceApply,
        format!(
            "{detail}; left {} as it is: changed since apply",
            super::ctx::field_names(left)
        ),
        result,
    ))
}
