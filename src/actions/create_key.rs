//! `create_key`: make a symmetric KMS key with a policy and an alias; undone by
//! deleting the alias and scheduling the key's deletion.

use crate::cost::PriceKey;
use serde::{Deserialize, Serialize};

use super::ScheduleKeyDeletion;
use super::ctx::{Ctx, Done, Fail};
use super::kms::*;
use super::{Change, Implicit, KEY_PENDING_DAYS, Kind, Past, Reversal, key_resource};
use crate::aws::{AwsError, Classify};
use crate::snapshot::{Key, Snapshot};
use aws_sdk_kms::types::{KeySpec, KeyState};
use serde_json::{Value, json};

/// Create a symmetric key with this policy and give it `alias`.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, schemars::JsonSchema)]
#[schemars(inline)]
pub struct CreateKey {
    pub alias: String,
    pub description: String,
    pub policy: Value,
}

/// The key an alias already pointed at (journaled; `null`: none, made now).
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct KeyRef {
    pub key_id: String,
    pub arn: String,
}

impl Kind for CreateKey {
    const NAME: &'static str = "create_key";
    const RANK: u8 = 7;
    const CHANGE: Change = Change::Create;
    const IN_APPLY: bool = true;
    const IN_UNDO: bool = false;
    const SHARED_CALLS: &'static [&'static str] = RESOLVE_KEY;
    const PROPAGATES: bool = true;
    const CALLS: &'static [&'static str] = &[
        "kms:ListKeys",
        "kms:ListResourceTags",
        "kms:GetKeyPolicy",
        "kms:CreateKey",
        "kms:CreateAlias",
    ];
    const IMPLICIT: &'static [Implicit] = &[Implicit {
        call: "kms:CreateKey",
        when: "the key is created with a tag (the tool finds its keys by it)",
        actions: &["kms:TagResource"],
        doc: "https://docs.aws.amazon.com/kms/latest/APIReference/API_CreateKey.html (Tags: \"you must have kms:TagResource permission in an IAM policy\")",
    }];
    type Prior = KeyRef;

    fn prices(&self) -> Vec<PriceKey> {
        vec![PriceKey::KmsKey, PriceKey::KmsRequests]
    }

    fn reverse(&self, past: &Past<'_, Self::Prior>) -> Option<Reversal> {
        let alias = &self.alias;
        if !past.created {
            return None;
        }
        let key_id = past
            .result
            .and_then(|v| v.get("key_id"))
            .and_then(Value::as_str)
            .filter(|k| !k.is_empty())
            .map(str::to_string);
        Reversal::remove(
            ScheduleKeyDeletion {
                alias: alias.clone(),
                key_id: key_id.clone(),
                pending_days: KEY_PENDING_DAYS,
            },
            format!(
                "delete {alias} and schedule key {} (made by this run) for deletion in {KEY_PENDING_DAYS} days",
                key_id.as_deref().unwrap_or("it points at")
            ),
        )
    }

    fn creates(&self, region: &str, result: Option<&Value>) -> Vec<String> {
        let alias = if self.alias.starts_with("alias/") {
            self.alias.clone()
        } else {
            format!("alias/{}", self.alias)
        };
        let mut v = vec![key_resource(region, &alias)];
        for k in ["key_id", "arn"] {
            if let Some(id) = result.and_then(|x| x.get(k)).and_then(Value::as_str) {
                v.push(format!("key:{region}:{id}"));
            }
        }
        v
    }

    fn simulate(&self, s: &mut Snapshot, region: &str, _target: &str) {
        let CreateKey { alias, policy, .. } = self;
        let key_id = format!("sim-{}", alias.trim_start_matches("alias/"));
        let arn = s.arn("kms", region, &format!("key/{key_id}"));
        s.keys.insert(
            arn.clone(),
            Key {
                region: region.to_string(),
                key_id: key_id.clone(),
                arn,
                manager: "CUSTOMER".into(),
                state: "Enabled".into(),
                spec: "SYMMETRIC_DEFAULT".into(),
                origin: "AWS_KMS".into(),
                rotation_enabled: Some(true),
                policy: Some(policy.clone()),
                ..Default::default()
            },
        );
        s.aliases
            .entry(region.to_string())
            .or_default()
            .insert(alias.clone(), key_id);
    }
}

impl CreateKey {
    /// Reads the live value, journals it, writes, reads back.
    pub(crate) async fn run(&self, cx: &Ctx<'_>) -> Result<Done, Fail> {
        let CreateKey {
            alias,
            description,
            policy,
        } = self;
        create_key(cx, alias, description, policy).await
    }
}

async fn create_key(
    cx: &Ctx<'_>,
    alias: &str,
    description: &str,
    policy: &Value,
) -> Result<Done, Fail> {
    let alias = alias_name(alias);
    let policy_text = serde_json::to_string(policy).map_err(|e| Fail::invalid(e.to_string()))?;
    let existing = alias_target(cx, &alias)
        .await
        .map_err(|e| Fail::reading("key aliases", e))?;
    if let Some(target) = existing {
        let key = resolve(cx, &target).await?;
        cx.before(KeyRef {
            key_id: key.key_id.clone(),
            arn: key.arn.clone(),
        })?;
        let result =
            json!({"alias": alias, "key_id": key.key_id, "arn": key.arn, "created": false});
        if key.state != "Enabled" {
            return Err(Fail::new(
                "KeyNotUsable",
                format!(
                    "{alias} already points at key {} which is {}: enable it or move the alias",
                    key.key_id, key.state
                ),
            )
            .with(result));
        }
        return Ok(Done::new(
            format!(
                "{alias} already exists (key {}); left unchanged",
                key.key_id
            ),
            result,
        ));
    }
    cx.before(Value::Null)?;
    let kms = cx.aws.kms(cx.region());
    let (key_id, arn) = create_key_once(cx, &alias, description, &policy_text).await?;
    let result = json!({"alias": alias, "key_id": key_id, "arn": arn, "created": true});
    cx.progress(result.clone());
    if let Err(e) = kms
        .create_alias()
        .alias_name(&alias)
        .target_key_id(&key_id)
        .send()
        .await
        .aws()
        // A lost answer, retried: the alias is there and names our key.
        && !(e.code == "AlreadyExistsException"
            && alias_target(cx, &alias).await.ok().flatten().as_deref() == Some(key_id.as_str()))
    {
        return Err(Fail::new(
            e.code,
            format!(
                "made key {key_id} but could not name it {alias}: {} (undo schedules the key's deletion)",
                e.message
            ),
        )
        .with(result));
    }
    // Read back: the alias names the new key, which is an enabled symmetric
    // key with the policy that was asked for.
    let check = async {
        let target = alias_target(cx, &alias).await?;
        let key = describe(cx, &key_id).await?;
        let now_policy = get_policy(cx, &key_id).await?;
        Ok::<_, AwsError>((target, key, now_policy))
    };
    let (target, key, now_policy) = check
        .await
        .map_err(|e| Fail::from(e).with(result.clone()))?;
    let mut wrong = vec![];
    if target.as_deref() != Some(key_id.as_str()) {
        wrong.push(format!("{alias} points at {target:?}"));
    }
    match &key {
        Some(k)
            if k.state == KeyState::Enabled.as_str()
                && k.spec == KeySpec::SymmetricDefault.as_str() => {}
        Some(k) => wrong.push(format!("key is {} / {}", k.state, k.spec)),
        None => wrong.push("key cannot be found".into()),
    }
    if !crate::policy::equivalent(&now_policy, policy) {
        wrong.push("key policy differs from the one asked for".into());
    }
    if !wrong.is_empty() {
        return Err(Fail::mismatch(
            format!("key {key_id}: {}", wrong.join("; ")),
            result,
        ));
    }
    Ok(Done::new(
        format!("created key {key_id} as {alias}"),
        result,
    ))
}
