//! KMS: the trail key (made once, found again by its alias), key policies,
//! rotation, and scheduling deletion of a key a run made.
//!
//! A key can be named by id, ARN, alias name or alias ARN: ops that need the
//! key id resolve it with DescribeKey first.
//!
//! Priors: create `{key_id, arn}` / null; policy = the policy document;
//! rotation `{key_id, rotation_enabled}`; deletion `{key_id, arn, state,
//! alias_target}` / null.

use aws_sdk_kms::types::{KeySpec, KeyState, KeyUsageType};
use serde::{Deserialize, Serialize};
use serde_json::{Value, json};

use super::ctx::{Ctx, Done, Fail};
use super::{Past, Reversal, SetKeyRotation};
use crate::aws::{AwsError, Classify};
use crate::snapshot::ErrorKind;

/// The IAM actions of describe / alias_target: the key and the alias pointing at it.
pub(super) const RESOLVE_KEY: &[&str] = &["kms:DescribeKey", "kms:ListAliases"];

/// A key's rotation as journaled before it is turned on or off.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct Rotation {
    #[serde(default)]
    pub key_id: String,
    pub rotation_enabled: bool,
}

/// Undo of turning rotation `to` on or off: turn it back.
pub(super) fn rotation_back(key_id: &str, to: bool, past: &Past<'_, Rotation>) -> Option<Reversal> {
    let was = past.prior.as_ref()?;
    let key_id = Some(was.key_id.clone())
        .filter(|k| !k.is_empty())
        .unwrap_or_else(|| key_id.to_string());
    let why = format!(
        "turn rotation of key {key_id} back {}",
        if was.rotation_enabled { "on" } else { "off" }
    );
    let enabled = was.rotation_enabled;
    Reversal::switch_back(enabled, to, SetKeyRotation { key_id, enabled }, why, past)
        .map(|r| r.watching(&["/rotation_enabled"]))
}

pub(super) struct KeyInfo {
    pub(super) key_id: String,
    pub(super) arn: String,
    pub(super) state: String,
    pub(super) spec: String,
}

pub(super) fn alias_name(alias: &str) -> String {
    if alias.starts_with("alias/") {
        alias.to_string()
    } else {
        format!("alias/{alias}")
    }
}

pub(super) async fn describe(cx: &Ctx<'_>, key_ref: &str) -> Result<Option<KeyInfo>, AwsError> {
    match cx
        .aws
        .kms(cx.region())
        .describe_key()
        .key_id(key_ref)
        .send()
        .await
        .aws()
    {
        Ok(out) => Ok(out.key_metadata().map(|m| KeyInfo {
            key_id: m.key_id().to_string(),
            arn: m.arn().unwrap_or_default().to_string(),
            state: m
                .key_state()
                .map(|s| s.as_str())
                .unwrap_or_default()
                .to_string(),
            spec: m
                .key_spec()
                .map(|s| s.as_str())
                .unwrap_or_default()
                .to_string(),
        })),
        Err(e) if e.kind == ErrorKind::NotFound => Ok(None),
        Err(e) => Err(e),
    }
}

pub(super) async fn resolve(cx: &Ctx<'_>, key_ref: &str) -> Result<KeyInfo, Fail> {
    match describe(cx, key_ref).await {
        Ok(Some(k)) => Ok(k),
        Ok(None) => Err(Fail::new(
            "NotFoundException",
            format!("key {key_ref} does not exist in {}", cx.region()),
        )),
        Err(e) => Err(Fail::reading("key", e)),
    }
}

/// The key id an alias points at, if the alias exists.
pub(super) async fn alias_target(cx: &Ctx<'_>, alias: &str) -> Result<Option<String>, AwsError> {
    let kms = cx.aws.kms(cx.region());
    let mut marker: Option<String> = None;
    loop {
        let out = kms
            .list_aliases()
            .set_marker(marker.clone())
            .send()
            .await
            .aws()?;
        if let Some(a) = out.aliases().iter().find(|a| a.alias_name() == Some(alias)) {
            return Ok(a.target_key_id().map(str::to_string));
        }
        match out.next_marker() {
            Some(m) if out.truncated() && !m.is_empty() => marker = Some(m.to_string()),
            _ => return Ok(None),
        }
    }
}

pub(super) async fn get_policy(cx: &Ctx<'_>, key_id: &str) -> Result<Value, AwsError> {
    let out = cx
        .aws
        .kms(cx.region())
        .get_key_policy()
        .key_id(key_id)
        .policy_name("default")
        .send()
        .await
        .aws()?;
    crate::policy::parse(out.policy().unwrap_or_default()).map_err(|m| AwsError {
        kind: ErrorKind::Other,
        code: "UnreadablePolicy".into(),
        message: format!("the policy of key {key_id}: {m}"),
    })
}

/// Tag that marks a key this tool made for `alias`, so a key whose CreateKey
/// answer was lost (or whose run was killed before CreateAlias) is found
/// and reused instead of made twice: CreateKey has no idempotency token.
pub(super) const ALIAS_TAG: &str = "remediate:alias";

/// CreateKey at most once per alias: SDK retries are off for this one call
/// (a retried CreateKey whose first answer was lost makes a second key); on
/// a transient failure, look for the tagged key before trying again.
pub(super) async fn create_key_once(
    cx: &Ctx<'_>,
    alias: &str,
    description: &str,
    policy_text: &str,
) -> Result<(String, String), Fail> {
    let kms = cx.aws.kms(cx.region());
    let no_retry = aws_sdk_kms::config::Builder::default()
        .retry_config(aws_config::retry::RetryConfig::disabled());
    let mut delay = cx.opts.retry_base_delay;
    for attempt in 0..6 {
        if let Some(found) = tagged_key(cx, alias)
            .await
            .map_err(|e| Fail::reading("keys", e))?
        {
            tracing::info!(alias, key = %found.0, "reusing the key made for this alias earlier");
            return Ok(found);
        }
        let sent = kms
            .create_key()
            .key_spec(KeySpec::SymmetricDefault)
            .key_usage(KeyUsageType::EncryptDecrypt)
            .policy(policy_text)
            .description(description)
            .tags(
                aws_sdk_kms::types::Tag::builder()
                    .tag_key(ALIAS_TAG)
                    .tag_value(alias)
                    .build()
                    .map_err(|e| Fail::invalid(e.to_string()))?,
            )
            .customize()
            .config_override(no_retry.clone())
            .send()
            .await
            .aws();
        match sent {
            Ok(out) => {
                let meta = out.key_metadata().ok_or_else(|| {
                    Fail::new("EmptyResponse", "CreateKey returned no key metadata")
                })?;
                return Ok((
                    meta.key_id().to_string(),
                    meta.arn().unwrap_or_default().to_string(),
                ));
            }
            Err(e) if transient(&e) && attempt < 5 => {
                tracing::info!(alias, code = %e.code, "CreateKey did not answer; checking before retrying in {delay:?}");
                tokio::time::sleep(delay).await;
                delay *= 2;
            }
            Err(e) => return Err(e.into()),
        }
    }
    Err(Fail::new(
        "CreateKeyFailed",
        format!("could not create a key for {alias}"),
    ))
}

pub(super) fn transient(e: &AwsError) -> bool {
    matches!(e.kind, ErrorKind::Throttled | ErrorKind::Unreachable)
        || e.code.starts_with("HTTP5")
        || [
            "InternalFailure",
            "KMSInternalException",
            "ServiceUnavailable",
            "DependencyTimeoutException",
            "InternalError",
        ]
        .contains(&e.code.as_str())
}

/// An enabled key in this region tagged as made for `alias`: (key id, ARN).
/// The tag reads run concurrently (a region may hold hundreds of keys).
pub(super) async fn tagged_key(
    cx: &Ctx<'_>,
    alias: &str,
) -> Result<Option<(String, String)>, AwsError> {
    use futures::StreamExt;
    let kms = cx.aws.kms(cx.region());
    let mut keys: Vec<(String, String)> = vec![];
    let mut marker: Option<String> = None;
    loop {
        let page = kms
            .list_keys()
            .limit(1000)
            .set_marker(marker.clone())
            .send()
            .await
            .aws()?;
        keys.extend(page.keys().iter().filter_map(|k| {
            Some((
                k.key_id()?.to_string(),
                k.key_arn().unwrap_or_default().to_string(),
            ))
        }));
        match page.next_marker().filter(|_| page.truncated()) {
            Some(m) => marker = Some(m.to_string()),
            None => break,
        }
    }
    let tagged = futures::stream::iter(keys)
        .map(|(id, arn)| {
            let kms = kms.clone();
            async move {
                match kms.list_resource_tags().key_id(&id).send().await.aws() {
                    Ok(t) => Ok(t
                        .tags()
                        .iter()
                        .any(|t| t.tag_key() == ALIAS_TAG && t.tag_value() == alias)
                        .then_some((id, arn))),
                    // AWS-managed keys and keys we may not read are not ours.
                    Err(e) if matches!(e.kind, ErrorKind::Denied | ErrorKind::NotFound) => Ok(None),
                    Err(e) => Err(e),
                }
            }
        })
        .buffer_unordered(8)
        .collect::<Vec<_>>()
        .await;
    let mut candidates = vec![];
    for t in tagged {
        if let Some(k) = t? {
            candidates.push(k);
        }
    }
    candidates.sort();
    for (id, arn) in candidates {
        if describe(cx, &id)
            .await?
            .is_some_and(|d| d.state == KeyState::Enabled.as_str())
        {
            return Ok(Some((id, arn)));
        }
    }
    Ok(None)
}

pub(super) async fn rotation(cx: &Ctx<'_>, key_id: &str) -> Result<bool, AwsError> {
    Ok(cx
        .aws
        .kms(cx.region())
        .get_key_rotation_status()
        .key_id(key_id)
        .send()
        .await
        .aws()?
        .key_rotation_enabled())
}

pub(super) async fn set_rotation(cx: &Ctx<'_>, key_ref: &str, enable: bool) -> Result<Done, Fail> {
    let key = resolve(cx, key_ref).await?;
    let prior = rotation(cx, &key.key_id)
        .await
        .map_err(|e| Fail::reading("key rotation status", e))?;
    cx.before(Rotation {
        key_id: key.key_id.clone(),
        rotation_enabled: prior,
    })?;
    let kms = cx.aws.kms(cx.region());
    if enable {
        kms.enable_key_rotation()
            .key_id(&key.key_id)
            .send()
            .await
            .aws()?;
    } else {
        kms.disable_key_rotation()
            .key_id(&key.key_id)
            .send()
            .await
            .aws()?;
    }
    let now = rotation(cx, &key.key_id).await?;
    let result = json!({"key_id": key.key_id, "rotation_enabled": now});
    if now != enable {
        return Err(Fail::mismatch(
            format!("rotation of key {} reads back as {now}", key.key_id),
            result,
        ));
    }
    Ok(Done::new(
        format!(
            "rotation of key {} is {}{}",
            key.key_id,
            if enable { "on" } else { "off" },
            if prior == enable {
                " (it already was)"
            } else {
                ""
            }
        ),
        result,
    ))
}
