//! KMS: keys (described by key id, never by alias), aliases, rotation of the
//! keys control 2.8 judges, and the policies of the keys the tool may edit.

use std::collections::{BTreeMap, BTreeSet};

use serde_json::Value;

use super::Cx;
use crate::snapshot::{Key, Service, Snapshot};

/// Keys and aliases of one region. Aliases are `None` when ListAliases failed.
pub(super) async fn read_region(
    cx: &Cx<'_>,
    region: &str,
) -> (Vec<Key>, Option<BTreeMap<String, String>>) {
    let client = cx.aws.kms(region);
    let list_keys = async {
        let mut ids: Vec<String> = Vec::new();
        let mut marker: Option<String> = None;
        loop {
            let out = cx
                .read(
                    region,
                    Service::Kms,
                    "ListKeys",
                    None,
                    client
                        .list_keys()
                        .limit(1000)
                        .set_marker(marker.clone())
                        .send(),
                )
                .await?;
            ids.extend(
                out.keys()
                    .iter()
                    .filter_map(|k| k.key_id())
                    .map(str::to_string),
            );
            match out
                .next_marker()
                .filter(|m| out.truncated() && !m.is_empty())
            {
                Some(m) if Some(m) != marker.as_deref() => marker = Some(m.to_string()),
                _ => break,
            }
        }
        Some(ids)
    };
    let list_aliases = async {
        let mut aliases = BTreeMap::new();
        let mut marker: Option<String> = None;
        loop {
            let out = cx
                .read(
                    region,
                    Service::Kms,
                    "ListAliases",
                    None,
                    client
                        .list_aliases()
                        .limit(100)
                        .set_marker(marker.clone())
                        .send(),
                )
                .await?;
            for a in out.aliases() {
                if let (Some(name), Some(target)) = (a.alias_name(), a.target_key_id()) {
                    aliases.insert(name.to_string(), target.to_string());
                }
            }
            match out
                .next_marker()
                .filter(|m| out.truncated() && !m.is_empty())
            {
                Some(m) if Some(m) != marker.as_deref() => marker = Some(m.to_string()),
                _ => break,
            }
        }
        Some(aliases)
    };
    let describe_keys = async {
        let Some(mut ids) = list_keys.await else {
            return Vec::new();
        };
        ids.sort();
        ids.dedup();
        let keys =
            futures::future::join_all(ids.iter().map(|id| describe(cx, &client, region, id))).await;
        keys.into_iter().flatten().collect::<Vec<Key>>()
    };
    let (mut keys, aliases) = tokio::join!(describe_keys, list_aliases);
    keys.sort_by(|a, b| a.arn.cmp(&b.arn));
    (keys, aliases)
}

async fn describe(
    cx: &Cx<'_>,
    client: &aws_sdk_kms::Client,
    region: &str,
    key_id: &str,
) -> Option<Key> {
    let resource = format!("key {key_id}");
    let out = cx
        .read(
            region,
            Service::Kms,
            "DescribeKey",
            Some(&resource),
            client.describe_key().key_id(key_id).send(),
        )
        .await?;
    let m = out.key_metadata()?;
    #[allow(deprecated)] // older endpoints only fill CustomerMasterKeySpec
    let legacy_spec = m.customer_master_key_spec().map(|x| x.as_str().to_string());
    let mut key = Key {
        region: region.to_string(),
        key_id: m.key_id().to_string(),
        arn: m
            .arn()
            .map(str::to_string)
            .unwrap_or_else(|| cx.arn("kms", region, &format!("key/{}", m.key_id()))),
        manager: m
            .key_manager()
            .map(|x| x.as_str().to_string())
            .unwrap_or_default(),
        state: m
            .key_state()
            .map(|x| x.as_str().to_string())
            .unwrap_or_default(),
        spec: m
            .key_spec()
            .map(|x| x.as_str().to_string())
            .or(legacy_spec)
            .unwrap_or_default(),
        origin: m
            .origin()
            .map(|x| x.as_str().to_string())
            .unwrap_or_default(),
        custom_key_store_id: m
            .custom_key_store_id()
            .filter(|s| !s.is_empty())
            .map(str::to_string),
        multi_region_role: m
            .multi_region_configuration()
            .and_then(|c| c.multi_region_key_type())
            .map(|t| t.as_str().to_string()),
        rotation_enabled: None,
        policy: None,
    };
    if rotation_in_scope(&key) {
        let out = cx
            .read(
                region,
                Service::Kms,
                "GetKeyRotationStatus",
                Some(&resource),
                client.get_key_rotation_status().key_id(&key.key_id).send(),
            )
            .await;
        key.rotation_enabled = out.map(|o| o.key_rotation_enabled());
    }
    Some(key)
}

/// Keys control 2.8 judges: customer-managed, enabled, symmetric, KMS-made
/// material, no custom key store, not a multi-Region replica.
pub fn rotation_in_scope(k: &Key) -> bool {
    k.manager == "CUSTOMER"
        && k.state == "Enabled"
        && k.spec == "SYMMETRIC_DEFAULT"
        && k.origin == "AWS_KMS"
        && k.custom_key_store_id.is_none()
        && k.multi_region_role.as_deref() != Some("REPLICA")
}

/// GetKeyPolicy (`default`) for the given keys, each in its region.
pub(super) async fn read_policies(
    cx: &Cx<'_>,
    snap: &Snapshot,
    arns: &BTreeSet<String>,
) -> Vec<(String, Value)> {
    let reads = arns
        .iter()
        .filter_map(|arn| snap.keys.get(arn))
        .map(|k| async move {
            let resource = format!("key {}", k.arn);
            let out = cx
                .read(
                    &k.region,
                    Service::Kms,
                    "GetKeyPolicy",
                    Some(&resource),
                    cx.aws
                        .kms(&k.region)
                        .get_key_policy()
                        .key_id(&k.key_id)
                        .policy_name("default")
                        .send(),
                )
                .await?;
            let text = out.policy()?;
            match serde_json::from_str::<Value>(text) {
                Ok(v) => Some((k.arn.clone(), v)),
                Err(e) => {
                    cx.record_other(
                        &k.region,
                        Service::Kms,
                        "GetKeyPolicy",
                        format!("{resource}: policy is not JSON: {e}"),
                    );
                    None
                }
            }
        });
    futures::future::join_all(reads)
        .await
        .into_iter()
        .flatten()
        .collect()
}
