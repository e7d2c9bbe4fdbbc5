//! `put_role_policy`: undo of the statements `create_role` merged into the
//! inline policy of a role that already existed: only apply's own
//! statements are reverted against the live document (statements added
//! since apply stay; one apply wrote that was changed since is left and
//! named); an inline policy apply added to the role is deleted once nothing
//! else is in it. Undo only.

use serde::{Deserialize, Serialize};

use super::ctx::{Ctx, Done, Fail};
use super::iam::*;
use super::{Change, Kind, Past, Reversal};
use crate::aws::Classify;
use crate::snapshot::ErrorKind;
use serde_json::{Value, json};

/// Put the role's inline policy back (`policy`: the document before apply;
/// null: it had none, so it is deleted).
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, schemars::JsonSchema)]
#[schemars(inline)]
pub struct PutRolePolicy {
    pub role: String,
    pub policy_name: String,
    pub policy: Value,
}

impl Kind for PutRolePolicy {
    const NAME: &'static str = "put_role_policy";
    const RANK: u8 = 33;
    const CHANGE: Change = Change::Update;
    const IN_APPLY: bool = false;
    const IN_UNDO: bool = true;
    const CALLS: &'static [&'static str] = &[
        "iam:GetRolePolicy",
        "iam:PutRolePolicy",
        "iam:DeleteRolePolicy",
    ];
    type Prior = Value;

    fn reverse(&self, _past: &Past<'_, Self::Prior>) -> Option<Reversal> {
        // Undo only: what it reverts is apply's, and apply runs it never.
        None
    }
}

impl PutRolePolicy {
    /// Reads the live document, journals it, writes what the guard leaves
    /// of apply's statements, reads back.
    pub(crate) async fn run(&self, cx: &Ctx<'_>) -> Result<Done, Fail> {
        let PutRolePolicy {
            role,
            policy_name,
            policy,
        } = self;
        let live = get_inline(cx, role, policy_name)
            .await
            .map_err(|e| Fail::reading("role policy", e))?;
        cx.before(live.clone().unwrap_or(Value::Null))?;
        let w = cx.policy_to_write(live.as_ref(), policy);
        let iam = cx.aws.iam(cx.region());
        let same = match (&live, &w.doc) {
            (Some(a), Some(b)) => crate::policy::equivalent(a, b),
            (None, None) => true,
            _ => false,
        };
        let wrote = match &w.doc {
            // Nothing of apply's is left to revert: nothing is written.
            _ if same => {
                format!("the inline policy {policy_name} of role {role} holds nothing of apply's")
            }
            Some(doc) => {
                let text = serde_json::to_string(doc).map_err(|e| Fail::invalid(e.to_string()))?;
                iam.put_role_policy()
                    .role_name(role)
                    .policy_name(policy_name)
                    .policy_document(text)
                    .send()
                    .await
                    .aws()?;
                format!("put back the inline policy {policy_name} of role {role}")
            }
            None => {
                match iam
                    .delete_role_policy()
                    .role_name(role)
                    .policy_name(policy_name)
                    .send()
                    .await
                    .aws()
                {
                    Ok(_) => {}
                    Err(e) if e.kind == ErrorKind::NotFound => {}
                    Err(e) => return Err(e.into()),
                }
                format!(
                    "deleted the inline policy {policy_name} of role {role}: it had none before"
                )
            }
        };
        let now = get_inline(cx, role, policy_name).await?;
        let result = json!({"policy": now});
        let detail = if w.note.is_empty() {
            wrote
        } else {
            format!("{wrote} ({})", w.note)
        };
        Ok(match w.left {
            Some(why) => Done::left(why, detail, result),
            None => Done::new(detail, result),
        })
    }
}
