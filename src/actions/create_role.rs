//! `create_role`: make an IAM role with a trust policy and one inline policy;
//! undone by deleting both.

use serde::{Deserialize, Serialize};

use super::ctx::{Ctx, Done, Fail, with_created};
use super::iam::*;
use super::{Change, Kind, Past, Reversal};
use super::{DeleteRole, Guard, PutRolePolicy};
use crate::aws::Classify;
use crate::snapshot::{Role, Snapshot};
use serde_json::{Value, json};

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, schemars::JsonSchema)]
#[schemars(inline)]
pub struct CreateRole {
    pub name: String,
    pub trust_policy: Value,
    pub policy_name: String,
    pub policy: Value,
}

impl Kind for CreateRole {
    const NAME: &'static str = "create_role";
    const RANK: u8 = 1;
    const CHANGE: Change = Change::Create;
    const IN_APPLY: bool = true;
    const IN_UNDO: bool = false;
    const SHARED_CALLS: &'static [&'static str] = GET_ROLE;
    const PROPAGATES: bool = true;
    const CALLS: &'static [&'static str] =
        &["iam:GetRolePolicy", "iam:CreateRole", "iam:PutRolePolicy"];
    type Prior = Value;

    fn reverse(&self, past: &Past<'_, Self::Prior>) -> Option<Reversal> {
        let (name, policy_name) = (&self.name, &self.policy_name);
        if !past.created && past.prior.as_ref().is_some_and(|p| !p.is_null()) {
            return merged_back(name, policy_name, past);
        }
        Reversal::remove_created(
            past,
            DeleteRole {
                name: name.clone(),
                inline_policies: vec![policy_name.clone()],
            },
            format!(
                "delete role {name} (and its inline policy {policy_name}), which this run created"
            ),
        )
        // A trust, an inline policy or a statement added since apply: kept.
        .map(|r| {
            r.unless_changed(
                past,
                &[
                    "/trust_policy",
                    "/inline_policies",
                    "/inline_policy_documents",
                ],
            )
        })
    }

    fn simulate(&self, s: &mut Snapshot, _region: &str, target: &str) {
        let CreateRole {
            name,
            trust_policy,
            policy_name,
            policy,
        } = self;
        s.roles.insert(
            name.clone(),
            Role {
                name: name.clone(),
                arn: target.to_string(),
                trust_policy: Some(trust_policy.clone()),
                inline_policies: [(policy_name.clone(), policy.clone())].into(),
            },
        );
    }
}

/// The role existed: only the statements apply merged into its inline
/// policy are reverted (`put_role_policy`), against the live document. The
/// journal's prior and result hold the inline document; an older journal,
/// which did not journal the prior one, has nothing to revert by.
fn merged_back(name: &str, policy_name: &str, past: &Past<'_, Value>) -> Option<Reversal> {
    let doc = |v: &Value| {
        v.pointer(&format!("/inline_policy_documents/{policy_name}"))
            .cloned()
    };
    let prior = doc(past.raw)?;
    let wrote = past.result.and_then(doc).filter(|w| !w.is_null())?;
    if crate::policy::equivalent(&prior, &wrote) {
        return None;
    }
    Some(Reversal {
        op: PutRolePolicy {
            role: name.to_string(),
            policy_name: policy_name.to_string(),
            policy: prior.clone(),
        }
        .into(),
        why: format!(
            "take out of role {name}'s inline policy {policy_name} the statements this run merged into it (the role existed before)"
        ),
        after: prior.clone(),
        guard: Guard::Statements { prior, wrote },
    })
}

impl CreateRole {
    /// Reads the live value, journals it, writes, reads back.
    pub(crate) async fn run(&self, cx: &Ctx<'_>) -> Result<Done, Fail> {
        let CreateRole {
            name,
            trust_policy,
            policy_name,
            policy,
        } = self;
        create_role(cx, name, trust_policy, policy_name, policy).await
    }
}

/// Ensure the role exists with `policy`'s statements in its inline policy
/// `policy_name`. A role made here gets `trust`; an existing role keeps its
/// trust policy, and its inline policy is merged (statements added by Sid,
/// none removed) — which also completes a role whose first run was cut off
/// between CreateRole and PutRolePolicy, or whose CreateRole answer was lost.
async fn create_role(
    cx: &Ctx<'_>,
    name: &str,
    trust: &Value,
    policy_name: &str,
    policy: &Value,
) -> Result<Done, Fail> {
    let trust_text = serde_json::to_string(trust).map_err(|e| Fail::invalid(e.to_string()))?;
    let existing = get_role(cx, name)
        .await
        .map_err(|e| Fail::reading("role", e))?;
    let iam = cx.aws.iam(cx.region());
    let created = match &existing {
        Some(r) => {
            // The inline document as it was, for undo to take out only
            // what this run merges into it.
            let was = get_inline(cx, name, policy_name)
                .await
                .map_err(|e| Fail::reading("role policy", e))?;
            let mut prior = r.clone();
            prior["inline_policy_documents"] = json!({ policy_name: was.unwrap_or(Value::Null) });
            cx.before(prior)?;
            false
        }
        None => {
            cx.before(Value::Null)?;
            match iam
                .create_role()
                .role_name(name)
                .assume_role_policy_document(trust_text)
                .description("Made by remediate (CIS AWS Foundations 2.4 / 2.9)")
                .send()
                .await
                .aws()
            {
                Ok(_) => true,
                // A lost answer, retried: the first attempt made it.
                Err(e) if e.code == "EntityAlreadyExists" => false,
                Err(e) => return Err(e.into()),
            }
        }
    };
    let made = json!({"role_name": name, "created": created, "inline_policies": [policy_name]});
    if created {
        cx.progress(made.clone());
    }
    let current = get_inline(cx, name, policy_name)
        .await
        .map_err(|e| Fail::from(e).with(made.clone()))?;
    let want = crate::policy::merge(current.as_ref(), &crate::policy::statements(policy));
    let changed = !current
        .as_ref()
        .is_some_and(|c| crate::policy::equivalent(c, &want));
    if changed {
        let text = serde_json::to_string(&want).map_err(|e| Fail::invalid(e.to_string()))?;
        iam.put_role_policy()
            .role_name(name)
            .policy_name(policy_name)
            .policy_document(text)
            .send()
            .await
            .aws()
            .map_err(|e| Fail::from(e).with(made.clone()))?;
    }
    let now = get_role(cx, name)
        .await
        .map_err(|e| Fail::from(e).with(made.clone()))?;
    let inline = get_inline(cx, name, policy_name)
        .await
        .map_err(|e| Fail::from(e).with(made.clone()))?;
    let Some(now) = now else {
        return Err(Fail::mismatch(format!("role {name} cannot be found"), made));
    };
    let mut result = with_created(now.clone(), created);
    // What undo compares before it deletes the role (see `DeleteRole`).
    let mut docs = serde_json::Map::new();
    docs.insert(
        policy_name.to_string(),
        inline.clone().unwrap_or(Value::Null),
    );
    result["inline_policy_documents"] = Value::Object(docs);
    if created
        && !now["trust_policy"].is_null()
        && !crate::policy::equivalent(&now["trust_policy"], trust)
    {
        return Err(Fail::mismatch(
            format!("role {name}: trust policy differs"),
            result,
        ));
    }
    if !inline.is_some_and(|p| crate::policy::equivalent(&p, &want)) {
        return Err(Fail::mismatch(
            format!("role {name}: inline policy {policy_name} differs"),
            result,
        ));
    }
    let detail = match (created, changed) {
        (true, _) => format!("created role {name} with inline policy {policy_name}"),
        (false, true) => format!("role {name} exists; merged statements into {policy_name}"),
        (false, false) => format!("role {name} already has what it needs; left unchanged"),
    };
    if !created && !changed {
        return Ok(Done::unchanged(detail, result));
    }
    Ok(Done::new(detail, result))
}
