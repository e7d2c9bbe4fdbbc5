//! IAM: the roles CloudTrail and flow logs assume, and the AWS Config
//! service-linked role. A role that already exists is never changed.
//!
//! Prior / result: `{role_name, arn, trust_policy, inline_policies}` / null.

use serde_json::{Value, json};

use super::ctx::Ctx;
use crate::aws::{AwsError, Classify};
use crate::snapshot::ErrorKind;

/// The IAM actions of get_role: the role and the names of its inline policies.
pub(super) const GET_ROLE: &[&str] = &["iam:GetRole", "iam:ListRolePolicies"];

pub(super) async fn get_role(cx: &Ctx<'_>, name: &str) -> Result<Option<Value>, AwsError> {
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

pub(super) async fn get_inline(
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

/// Service-linked roles live at `/aws-service-role/<service>/`.
pub(super) async fn find_service_linked(
    cx: &Ctx<'_>,
    service: &str,
) -> Result<Option<Value>, AwsError> {
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
