//! IAM (global): the tool's roles with their inline policies, and the AWS
//! Config service-linked role (found by path, whatever its exact name).

use std::collections::BTreeMap;

use serde_json::Value;

use super::Cx;
use crate::settings::Names;
use crate::snapshot::{ErrorKind, Role, Service};

/// Key under which the Config service-linked role is stored in `Snapshot::roles`.
pub const CONFIG_SERVICE_ROLE: &str = "AWSServiceRoleForConfig";
const CONFIG_SERVICE_ROLE_PATH: &str = "/aws-service-role/config.amazonaws.com/";

pub(super) async fn read_roles(cx: &Cx<'_>, home: &str, names: &Names) -> BTreeMap<String, Role> {
    let client = cx.aws.iam(home);
    let mut wanted: Vec<&str> = vec![names.cloudtrail_role.as_str(), names.flow_log_role.as_str()];
    wanted.retain(|n| !n.is_empty());
    wanted.sort();
    wanted.dedup();
    let own = futures::future::join_all(wanted.iter().map(|n| read_role(cx, &client, n)));
    let (own, slr) = tokio::join!(own, config_service_role(cx, &client));
    let mut roles = BTreeMap::new();
    for r in own.into_iter().flatten() {
        roles.insert(r.name.clone(), r);
    }
    if let Some(r) = slr {
        roles.insert(CONFIG_SERVICE_ROLE.to_string(), r);
    }
    roles
}

async fn read_role(cx: &Cx<'_>, client: &aws_sdk_iam::Client, name: &str) -> Option<Role> {
    let resource = format!("role {name}");
    let out = match cx.call(client.get_role().role_name(name).send()).await {
        Ok(o) => o,
        Err(e) if e.is("NoSuchEntity") || e.kind == ErrorKind::NotFound => return None,
        Err(e) => {
            cx.record("*", Service::Iam, "GetRole", Some(&resource), &e);
            return None;
        }
    };
    let role = out.role()?;
    let mut r = Role {
        name: role.role_name().to_string(),
        arn: role.arn().to_string(),
        trust_policy: role
            .assume_role_policy_document()
            .and_then(|d| document(cx, "GetRole", &resource, d)),
        inline_policies: BTreeMap::new(),
    };
    // Inline policies: list (paginated), then read each.
    let mut policy_names: Vec<String> = Vec::new();
    let mut marker: Option<String> = None;
    loop {
        let Some(out) = cx
            .read(
                "*",
                Service::Iam,
                "ListRolePolicies",
                Some(&resource),
                client
                    .list_role_policies()
                    .role_name(name)
                    .max_items(1000)
                    .set_marker(marker.clone())
                    .send(),
            )
            .await
        else {
            break;
        };
        policy_names.extend(out.policy_names().iter().cloned());
        match out.marker().filter(|m| out.is_truncated() && !m.is_empty()) {
            Some(m) if Some(m) != marker.as_deref() => marker = Some(m.to_string()),
            _ => break,
        }
    }
    let reads = policy_names.iter().map(|p| {
        let resource = format!("role {name} policy {p}");
        async move {
            let out = cx
                .read(
                    "*",
                    Service::Iam,
                    "GetRolePolicy",
                    Some(&resource),
                    client
                        .get_role_policy()
                        .role_name(name)
                        .policy_name(p)
                        .send(),
                )
                .await?;
            let doc = document(cx, "GetRolePolicy", &resource, out.policy_document())?;
            Some((p.clone(), doc))
        }
    });
    r.inline_policies = futures::future::join_all(reads)
        .await
        .into_iter()
        .flatten()
        .collect();
    Some(r)
}

async fn config_service_role(cx: &Cx<'_>, client: &aws_sdk_iam::Client) -> Option<Role> {
    let mut found: Vec<Role> = Vec::new();
    let mut marker: Option<String> = None;
    loop {
        let out = cx
            .read(
                "*",
                Service::Iam,
                "ListRoles",
                None,
                client
                    .list_roles()
                    .path_prefix(CONFIG_SERVICE_ROLE_PATH)
                    .max_items(1000)
                    .set_marker(marker.clone())
                    .send(),
            )
            .await?;
        for role in out.roles() {
            let resource = format!("role {}", role.role_name());
            found.push(Role {
                name: role.role_name().to_string(),
                arn: role.arn().to_string(),
                trust_policy: role
                    .assume_role_policy_document()
                    .and_then(|d| document(cx, "ListRoles", &resource, d)),
                inline_policies: BTreeMap::new(),
            });
        }
        match out.marker().filter(|m| out.is_truncated() && !m.is_empty()) {
            Some(m) if Some(m) != marker.as_deref() => marker = Some(m.to_string()),
            _ => break,
        }
    }
    // Prefer the canonical name (any case) when several roles live on the path.
    found.sort_by_key(|r| {
        (
            !r.name.eq_ignore_ascii_case(CONFIG_SERVICE_ROLE),
            r.name.clone(),
        )
    });
    found.into_iter().next()
}

/// An IAM policy document: URL-encoded JSON (plain JSON is accepted too).
fn document(cx: &Cx<'_>, operation: &str, resource: &str, text: &str) -> Option<Value> {
    let parsed = crate::policy::parse(text).ok();
    if parsed.is_none() {
        cx.record_other(
            "*",
            Service::Iam,
            operation,
            format!("{resource}: policy document is not JSON"),
        );
    }
    parsed
}
