//! `delete_service_linked_role`: delete a service-linked role (undo); final.

use serde::{Deserialize, Serialize};

use super::ctx::{Ctx, Done, Fail};
use super::iam::*;
use super::{Change, Kind, Past, Reversal};
use crate::aws::Classify;
use crate::snapshot::ErrorKind;
use serde_json::{Value, json};

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, schemars::JsonSchema)]
#[schemars(inline)]
pub struct DeleteServiceLinkedRole {
    pub role_name: String,
}

impl Kind for DeleteServiceLinkedRole {
    const NAME: &'static str = "delete_service_linked_role";
    const RANK: u8 = 35;
    const CHANGE: Change = Change::Delete;
    const IN_APPLY: bool = false;
    const IN_UNDO: bool = true;
    const SHARED_CALLS: &'static [&'static str] = GET_ROLE;
    const CALLS: &'static [&'static str] = &[
        "iam:DeleteServiceLinkedRole",
        "iam:GetServiceLinkedRoleDeletionStatus",
    ];
    type Prior = Value;

    fn reverse(&self, _past: &Past<'_, Self::Prior>) -> Option<Reversal> {
        // A deletion cannot be undone by recreating: nothing to plan.
        None
    }
}

impl DeleteServiceLinkedRole {
    /// Reads the live value, journals it, writes, reads back.
    pub(crate) async fn run(&self, cx: &Ctx<'_>) -> Result<Done, Fail> {
        let DeleteServiceLinkedRole { role_name } = self;
        delete_service_linked_role(cx, role_name).await
    }
}

async fn delete_service_linked_role(cx: &Ctx<'_>, role_name: &str) -> Result<Done, Fail> {
    let existing = get_role(cx, role_name)
        .await
        .map_err(|e| Fail::reading("role", e))?;
    let Some(prior) = existing else {
        cx.before(Value::Null)?;
        return Ok(Done::new(
            format!("role {role_name} is already gone"),
            json!({"deleted": false}),
        ));
    };
    cx.before(prior)?;
    let iam = cx.aws.iam(cx.region());
    let task = match iam
        .delete_service_linked_role()
        .role_name(role_name)
        .send()
        .await
        .aws()
    {
        Ok(out) => out.deletion_task_id().to_string(),
        Err(e) if e.kind == ErrorKind::NotFound => {
            return Ok(Done::new(
                format!("role {role_name} is already gone"),
                json!({"deleted": false}),
            ));
        }
        Err(e) => return Err(e.into()),
    };
    // Deletion is asynchronous: AWS refuses it while a resource still uses the role.
    let mut status = String::from("NOT_STARTED");
    let mut delay = cx.opts.retry_base_delay;
    for _ in 0..6 {
        let out = iam
            .get_service_linked_role_deletion_status()
            .deletion_task_id(&task)
            .send()
            .await
            .aws()?;
        status = out.status().as_str().to_string();
        match status.as_str() {
            "SUCCEEDED" => {
                return Ok(Done::new(
                    format!("deleted service-linked role {role_name}"),
                    json!({"deleted": true, "deletion_task_id": task}),
                ));
            }
            "FAILED" => {
                let why = out
                    .reason()
                    .and_then(|r| r.reason())
                    .unwrap_or("a resource still uses it")
                    .to_string();
                return Err(Fail::new(
                    "DeletionTaskFailed",
                    format!("kept service-linked role {role_name}: {why}"),
                ));
            }
            _ => {
                tokio::time::sleep(delay).await;
                delay *= 2;
            }
        }
    }
    Ok(Done::new(
        format!("deletion of service-linked role {role_name} submitted (task {task}, {status})"),
        json!({"deleted": true, "deletion_task_id": task, "status": status}),
    ))
}
