//! `create_service_linked_role`: make a service-linked role (AWS Config's);
//! undone by deleting it.

use serde::{Deserialize, Serialize};

use super::DeleteServiceLinkedRole;
use super::ctx::{Ctx, Done, Fail, with_created};
use super::iam::*;
use super::{Change, Kind, Past, Reversal};
use crate::aws::Classify;
use crate::snapshot::{Role, Snapshot};
use serde_json::{Value, json};

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, schemars::JsonSchema)]
#[schemars(inline)]
pub struct CreateServiceLinkedRole {
    pub service: String,
}

impl Kind for CreateServiceLinkedRole {
    const NAME: &'static str = "create_service_linked_role";
    const RANK: u8 = 0;
    const CHANGE: Change = Change::Create;
    const IN_APPLY: bool = true;
    const IN_UNDO: bool = false;
    const PROPAGATES: bool = true;
    const CALLS: &'static [&'static str] = &["iam:ListRoles", "iam:CreateServiceLinkedRole"];
    type Prior = Value;

    fn reverse(&self, past: &Past<'_, Self::Prior>) -> Option<Reversal> {
        let service = &self.service;
        let role_name = past
            .result
            .and_then(|v| v.get("role_name"))
            .and_then(Value::as_str)
            .filter(|r| !r.is_empty())?;
        if !past.created {
            return None;
        }
        Reversal::remove(
            DeleteServiceLinkedRole {
                role_name: role_name.to_string(),
            },
            format!(
                "delete the service-linked role {role_name} for {service}, which this run created"
            ),
        )
    }

    fn simulate(&self, s: &mut Snapshot, _region: &str, target: &str) {
        s.roles.insert(
            "AWSServiceRoleForConfig".into(),
            Role {
                name: "AWSServiceRoleForConfig".into(),
                arn: target.to_string(),
                ..Default::default()
            },
        );
    }
}

impl CreateServiceLinkedRole {
    /// Reads the live value, journals it, writes, reads back.
    pub(crate) async fn run(&self, cx: &Ctx<'_>) -> Result<Done, Fail> {
        let CreateServiceLinkedRole { service } = self;
        create_service_linked_role(cx, service).await
    }
}

async fn create_service_linked_role(cx: &Ctx<'_>, service: &str) -> Result<Done, Fail> {
    let existing = find_service_linked(cx, service)
        .await
        .map_err(|e| Fail::reading("service-linked roles", e))?;
    if let Some(r) = existing {
        cx.before(r.clone())?;
        return Ok(Done::unchanged(
            format!(
                "the service-linked role for {service} ({}) already exists",
                r["role_name"].as_str().unwrap_or("?")
            ),
            with_created(r, false),
        ));
    }
    cx.before(Value::Null)?;
    let created = match cx
        .aws
        .iam(cx.region())
        .create_service_linked_role()
        .aws_service_name(service)
        .send()
        .await
        .aws()
    {
        Ok(_) => true,
        // "Already there" in either form (a lost answer retried, or a role
        // made by someone else) is success; find_service_linked confirms it.
        Err(e)
            if e.code == "EntityAlreadyExists"
                || (e.code == "InvalidInput"
                    && (e.message.contains("has been taken")
                        || e.message.contains("already exists"))) =>
        {
            false
        }
        Err(e) => return Err(e.into()),
    };
    match find_service_linked(cx, service).await? {
        Some(r) => Ok(Done::new(
            format!(
                "{} the service-linked role for {service} ({})",
                if created { "created" } else { "found" },
                r["role_name"].as_str().unwrap_or("?")
            ),
            with_created(r, created),
        )),
        None => Err(Fail::mismatch(
            format!("no service-linked role for {service} after creating it"),
            json!({"created": created}),
        )),
    }
}
