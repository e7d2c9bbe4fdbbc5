//! `delete_role`: delete a role and its inline policies (undo of create_role);
//! final.

use serde::{Deserialize, Serialize};

use super::ctx::{Ctx, Done, Fail};
use super::iam::*;
use super::{Change, Kind, Past, Reversal};
use crate::aws::Classify;
use crate::snapshot::ErrorKind;
use serde_json::{Value, json};

/// Delete these inline policies, then the role. Fails (and keeps the
/// role) when anything else is attached to it.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, schemars::JsonSchema)]
#[schemars(inline)]
pub struct DeleteRole {
    pub name: String,
    pub inline_policies: Vec<String>,
}

impl Kind for DeleteRole {
    const NAME: &'static str = "delete_role";
    const RANK: u8 = 34;
    const CHANGE: Change = Change::Delete;
    const IN_APPLY: bool = false;
    const IN_UNDO: bool = true;
    const SHARED_CALLS: &'static [&'static str] = GET_ROLE;
    const CALLS: &'static [&'static str] = &[
        "iam:GetRolePolicy",
        "iam:DeleteRolePolicy",
        "iam:DeleteRole",
    ];
    type Prior = Value;

    fn reverse(&self, _past: &Past<'_, Self::Prior>) -> Option<Reversal> {
        // A deletion cannot be undone by recreating: nothing to plan.
        None
    }
}

impl DeleteRole {
    /// Reads the live value, journals it, writes, reads back.
    pub(crate) async fn run(&self, cx: &Ctx<'_>) -> Result<Done, Fail> {
        let DeleteRole {
            name,
            inline_policies,
        } = self;
        delete_role(cx, name, inline_policies).await
    }
}

/// Deletes the listed inline policies, then the role. Anything else still
/// attached makes DeleteRole fail, and the role is kept.
async fn delete_role(cx: &Ctx<'_>, name: &str, inline_policies: &[String]) -> Result<Done, Fail> {
    let existing = get_role(cx, name)
        .await
        .map_err(|e| Fail::reading("role", e))?;
    let Some(mut prior) = existing else {
        cx.before(Value::Null)?;
        return Ok(Done::new(
            format!("role {name} is already gone"),
            json!({"deleted": false}),
        ));
    };
    let mut docs = serde_json::Map::new();
    for p in inline_policies {
        if let Some(doc) = get_inline(cx, name, p)
            .await
            .map_err(|e| Fail::reading("role policy", e))?
        {
            docs.insert(p.clone(), doc);
        }
    }
    prior["inline_policy_documents"] = Value::Object(docs);
    cx.before(prior)?;
    let iam = cx.aws.iam(cx.region());
    for p in inline_policies {
        match iam
            .delete_role_policy()
            .role_name(name)
            .policy_name(p)
            .send()
            .await
            .aws()
        {
            Ok(_) => {}
            Err(e) if e.kind == ErrorKind::NotFound => {}
            Err(e) => return Err(e.into()),
        }
    }
    match iam.delete_role().role_name(name).send().await.aws() {
        Ok(_) => {}
        Err(e) if e.kind == ErrorKind::NotFound => {}
        Err(e) if e.code == "DeleteConflict" => {
            return Err(Fail::new(
                e.code,
                format!(
                    "kept role {name}: something else was attached to it after it was made ({})",
                    e.message
                ),
            ));
        }
        Err(e) => return Err(e.into()),
    }
    match get_role(cx, name).await? {
        None => Ok(Done::new(
            format!("deleted role {name}"),
            json!({"deleted": true}),
        )),
        Some(r) => Err(Fail::mismatch(format!("role {name} still exists"), r)),
    }
}
