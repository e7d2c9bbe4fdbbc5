//! IAM: the roles CloudTrail and flow logs assume, and the AWS Config
//! service-linked role. A role that already exists is never changed.
//!
//! Prior / result: `{role_name, arn, trust_policy, inline_policies}` / null.

use serde_json::{Value, json};

use super::ctx::{Ctx, Done, Fail, with_created};
use crate::aws::{AwsError, Classify};
use crate::snapshot::ErrorKind;

async fn get_role(cx: &Ctx<'_>, name: &str) -> Result<Option<Value>, AwsError> {
    let iam = cx.aws.iam(cx.region());
    let role = match iam.get_role().role_name(name).send().await.aws() {
        Ok(out) => match out.role() {
            Some(r) => r.clone(),
            None => return Ok(None),
        },
        Err(e) if e.kind == ErrorKind::NotFound => return Ok(None),
        Err(e) => return Err(e),
    };
    let mut inline = vec![];
    let mut marker: Option<String> = None;
    loop {
        let out = iam
            .list_role_policies()
            .role_name(name)
            .set_marker(marker.clone())
            .send()
            .await
            .aws()?;
        inline.extend(out.policy_names().iter().cloned());
        match out.marker() {
            Some(m) if out.is_truncated() => marker = Some(m.to_string()),
            _ => break,
        }
    }
    Ok(Some(json!({
        "role_name": role.role_name(),
        "arn": role.arn(),
        "path": role.path(),
        "trust_policy": role.assume_role_policy_document().and_then(|d| crate::policy::parse(d).ok()),
        "inline_policies": inline,
    })))
}

async fn get_inline(
    cx: &Ctx<'_>,
    role: &str,
    policy_name: &str,
) -> Result<Option<Value>, AwsError> {
    match cx
        .aws
        .iam(cx.region())
        .get_role_policy()
        .role_name(role)
        .policy_name(policy_name)
        .send()
        .await
        .aws()
    {
        Ok(out) => Ok(crate::policy::parse(out.policy_document()).ok()),
        Err(e) if e.kind == ErrorKind::NotFound => Ok(None),
        Err(e) => Err(e),
    }
}

/// Ensure the role exists with `policy`'s statements in its inline policy
/// `policy_name`. A role made here gets `trust`; an existing role keeps its
/// trust policy, and its inline policy is merged (statements added by Sid,
/// none removed) — which also completes a role whose first run was cut off
/// between CreateRole and PutRolePolicy, or whose CreateRole answer was lost.
pub(super) async fn create_role(
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
            cx.before(r.clone())?;
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
    let result = with_created(now.clone(), created);
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
    Ok(Done::new(detail, result))
}

/// Service-linked roles live at `/aws-service-role/<service>/`.
async fn find_service_linked(cx: &Ctx<'_>, service: &str) -> Result<Option<Value>, AwsError> {
    let out = cx
        .aws
        .iam(cx.region())
        .list_roles()
        .path_prefix(format!("/aws-service-role/{service}/"))
        .send()
        .await
        .aws()?;
    Ok(out
        .roles()
        .iter()
        .find(|r| r.role_name().starts_with("AWSServiceRoleFor"))
        .map(|r| json!({"role_name": r.role_name(), "arn": r.arn(), "path": r.path()})))
}

pub(super) async fn create_service_linked_role(cx: &Ctx<'_>, service: &str) -> Result<Done, Fail> {
    let existing = find_service_linked(cx, service)
        .await
        .map_err(|e| Fail::reading("service-linked roles", e))?;
    if let Some(r) = existing {
        cx.before(r.clone())?;
        return Ok(Done::new(
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

/// Deletes the listed inline policies, then the role. Anything else still
/// attached makes DeleteRole fail, and the role is kept.
pub(super) async fn delete_role(
    cx: &Ctx<'_>,
    name: &str,
    inline_policies: &[String],
) -> Result<Done, Fail> {
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

pub(super) async fn delete_service_linked_role(
    cx: &Ctx<'_>,
    role_name: &str,
) -> Result<Done, Fail> {
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
