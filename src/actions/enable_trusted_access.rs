//! `enable_trusted_access` / `disable_trusted_access`: let a service (here
//! CloudTrail, for an organization trail) act across the organization
//! (AWS Organizations trusted access, management account only); undone by
//! turning it back off when this run turned it on.

use serde::{Deserialize, Serialize};
use serde_json::json;

use super::ctx::{Ctx, Done, Fail};
use super::{Change, Implicit, Kind, Left, Past, Reversal, Way};
use crate::aws::{AwsError, Classify};

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, schemars::JsonSchema)]
#[schemars(inline)]
pub struct EnableTrustedAccess {
    /// `cloudtrail.amazonaws.com`.
    pub service_principal: String,
    /// On (a plan) or off (undo).
    pub enabled: bool,
}

/// Whether the service had trusted access, as journaled.
#[derive(Debug, Clone, Copy, Default, Serialize, Deserialize, PartialEq)]
#[serde(default)]
pub struct TrustedAccess {
    pub enabled: bool,
}

const READ: &str = "organizations:ListAWSServiceAccessForOrganization";

impl Kind for EnableTrustedAccess {
    const NAME: &'static str = "enable_trusted_access";
    // Before the organization trail (11) is made.
    const RANK: u8 = 10;
    const CHANGE: Change = Change::Update;
    const IN_APPLY: bool = true;
    const IN_UNDO: bool = false;
    const CALLS: &'static [&'static str] = &[READ, "organizations:EnableAWSServiceAccess"];
    const IMPLICIT: &'static [Implicit] = &[Implicit {
        call: "organizations:EnableAWSServiceAccess",
        when: "trusted access for CloudTrail: CloudTrail's service-linked role is made for the organization trail",
        actions: &["iam:CreateServiceLinkedRole"],
        doc: "https://docs.aws.amazon.com/awscloudtrail/latest/userguide/creating-an-organizational-trail-prepare.html; https://docs.aws.amazon.com/organizations/latest/userguide/orgs_integrate_services.html",
    }];
    // After the organization trail is deleted (26).
    const SECOND: Option<Way> = Some(Way {
        name: "disable_trusted_access",
        rank: 36,
        in_apply: false,
        in_undo: true,
        calls: &[
            READ,
            "cloudtrail:DescribeTrails",
            "cloudtrail:ListEventDataStores",
            "cloudtrail:GetEventDataStore",
            "organizations:DisableAWSServiceAccess",
        ],
    });
    type Prior = TrustedAccess;

    fn second(&self) -> bool {
        !self.enabled
    }

    /// Only turning it on is undone, and only when it was off before.
    fn reverse(&self, past: &Past<'_, Self::Prior>) -> Option<Reversal> {
        let was = past.prior.as_ref()?.enabled;
        if was || !self.enabled {
            return None;
        }
        Reversal::restore(
            EnableTrustedAccess {
                service_principal: self.service_principal.clone(),
                enabled: false,
            },
            format!(
                "turn trusted access of {} off: it was off before",
                self.service_principal
            ),
            past,
        )
        .map(|r| r.watching(&["/enabled"]))
    }

    fn touches(&self, _region: &str) -> Option<String> {
        Some(format!("trusted-access:{}", self.service_principal))
    }

    fn simulate(&self, s: &mut crate::snapshot::Snapshot, _region: &str, _target: &str) {
        if self.service_principal == "cloudtrail.amazonaws.com" {
            s.cloudtrail_trusted_access = Some(self.enabled);
        }
    }
}

async fn read(cx: &Ctx<'_>, principal: &str) -> Result<bool, AwsError> {
    let org = cx.aws.organizations(cx.region());
    let mut token: Option<String> = None;
    loop {
        let out = Box::pin(
            org.list_aws_service_access_for_organization()
                .set_next_token(token.clone())
                .send(),
        )
        .await
        .aws()?;
        if out
            .enabled_service_principals()
            .iter()
            .any(|s| s.service_principal() == Some(principal))
        {
            return Ok(true);
        }
        match out.next_token().filter(|t| !t.is_empty()) {
            Some(t) if Some(t) != token.as_deref() => token = Some(t.to_string()),
            _ => return Ok(false),
        }
    }
}

impl EnableTrustedAccess {
    /// Reads the live setting, journals it, writes, reads back.
    pub(crate) async fn run(&self, cx: &Ctx<'_>) -> Result<Done, Fail> {
        let sp = &self.service_principal;
        let prior = read(cx, sp)
            .await
            .map_err(|e| Fail::reading("the organization's trusted services", e))?;
        cx.before(TrustedAccess { enabled: prior })?;
        if prior == self.enabled {
            return Ok(Done::new(
                format!("trusted access of {sp} already {}", on_off(prior)),
                json!({"enabled": prior}),
            ));
        }
        if !self.enabled && sp == CLOUDTRAIL {
            let users = relying_on_cloudtrail(cx)
                .await
                .map_err(|e| Fail::reading("organization trails and event data stores", e))?;
            if !users.is_empty() {
                return Ok(Done::left(
                    Left::HoldsData,
                    format!(
                        "kept trusted access of {sp} on: {} rel{} on it",
                        users.join(", "),
                        if users.len() == 1 { "ies" } else { "y" }
                    ),
                    json!({"enabled": prior, "kept": users}),
                ));
            }
        }
        let org = cx.aws.organizations(cx.region());
        if self.enabled {
            Box::pin(org.enable_aws_service_access().service_principal(sp).send())
                .await
                .aws()?;
        } else {
            Box::pin(
                org.disable_aws_service_access()
                    .service_principal(sp)
                    .send(),
            )
            .await
            .aws()?;
        }
        let now = read(cx, sp)
            .await
            .map_err(|e| Fail::from(e).with(json!({"enabled": self.enabled})))?;
        if now != self.enabled {
            return Err(Fail::mismatch(
                format!("trusted access of {sp} reads back {}", on_off(now)),
                json!({"enabled": now}),
            ));
        }
        Ok(Done::new(
            format!("trusted access of {sp} {}", on_off(now)),
            json!({"enabled": now}),
        ))
    }
}

const CLOUDTRAIL: &str = "cloudtrail.amazonaws.com";

/// The organization trails and organization event data stores of this
/// region, which rely on CloudTrail's trusted access (AWS: disabling it
/// stops organization trails and organization event data stores from
/// recording member accounts,
/// <https://docs.aws.amazon.com/organizations/latest/userguide/services-that-can-integrate-cloudtrail.html>):
/// undo keeps it on for them.
async fn relying_on_cloudtrail(cx: &Ctx<'_>) -> Result<Vec<String>, AwsError> {
    let ct = cx.aws.cloudtrail(cx.region());
    let mut out = vec![];
    let trails = ct
        .describe_trails()
        .include_shadow_trails(true)
        .send()
        .await
        .aws()?;
    for t in trails.trail_list() {
        if t.is_organization_trail() == Some(true) {
            out.push(format!(
                "organization trail {}",
                t.name().unwrap_or_default()
            ));
        }
    }
    let mut token: Option<String> = None;
    loop {
        let page = ct
            .list_event_data_stores()
            .set_next_token(token.clone())
            .send()
            .await
            .aws()?;
        for store in page.event_data_stores() {
            let Some(arn) = store.event_data_store_arn() else {
                continue;
            };
            let got = ct
                .get_event_data_store()
                .event_data_store(arn)
                .send()
                .await
                .aws()?;
            if got.organization_enabled() == Some(true) {
                out.push(format!(
                    "organization event data store {}",
                    got.name().unwrap_or(arn)
                ));
            }
        }
        match page.next_token().filter(|t| !t.is_empty()) {
            Some(t) if Some(t) != token.as_deref() => token = Some(t.to_string()),
            _ => return Ok(out),
        }
    }
}

fn on_off(b: bool) -> &'static str {
    if b { "on" } else { "off" }
}
