//! AWS Config: the recorder, the delivery channel, and recording on/off.
//!
//! Prior / result: recorder `{name, role_arn, recording_group,
//! recording_mode, recording, last_status}` / null; channel `{name, s3_bucket, s3_prefix, s3_kms_key_arn,
//! sns_topic_arn, delivery_frequency}` / null; recording `{recording}`.
//! `recording_group` uses the API's names (`allSupported`,
//! `includeGlobalResourceTypes`, `resourceTypes`, `recordingStrategy`,
//! `exclusionResourceTypes`) so that it can be put back as it was.

use aws_sdk_config::types::{
    ConfigurationRecorder, DeliveryChannel, ExclusionByResourceTypes, RecordingFrequency,
    RecordingGroup, RecordingMode, RecordingModeOverride, RecordingStrategy, RecordingStrategyType,
    ResourceType,
};
use serde::{Deserialize, Serialize};
use serde_json::{Value, json};

use super::ctx::{Ctx, Done, Fail, unset_empty, with_created};
use super::{DeleteConfigurationRecorder, Past, PutConfigurationRecorder, Reversal};
use crate::aws::{AwsError, Classify};

/// The IAM actions of read_recorder: the recorder and its status.
pub(super) const READ_RECORDER: &[&str] = &[
    "config:DescribeConfigurationRecorders",
    "config:DescribeConfigurationRecorderStatus",
];

/// A recorder as journaled before it is changed (as
/// DescribeConfigurationRecorders shows it, with its status).
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct RecorderState {
    pub name: String,
    #[serde(default)]
    pub role_arn: String,
    /// `allSupported`, `includeGlobalResourceTypes`, `resourceTypes`, ...
    #[serde(default)]
    pub recording_group: Value,
    /// `{recordingFrequency, recordingModeOverrides}`.
    #[serde(default)]
    pub recording_mode: Option<Value>,
    #[serde(default)]
    pub recording: bool,
    #[serde(default)]
    pub last_status: Option<String>,
}

/// Undo of putting a recorder: put it back as it was, or delete the one
/// this run created.
pub(super) fn recorder_back(name: &str, past: &Past<'_, RecorderState>) -> Option<Reversal> {
    let Some(r) = &past.prior else {
        return Reversal::remove_created(
            past,
            DeleteConfigurationRecorder {
                name: name.to_string(),
            },
            format!("delete configuration recorder {name}, which this run created"),
        );
    };
    Reversal::restore(
        PutConfigurationRecorder {
            name: name.to_string(),
            role_arn: r.role_arn.clone(),
            recording_group: r.recording_group.clone(),
            recording_mode: r.recording_mode.clone(),
            restore: true,
        },
        format!("put back configuration recorder {name} as it was"),
        past,
    )
    // Its status (`last_status`) moves by itself: only what undo writes counts.
    .map(|r| r.watching(&["/role_arn", "/recording_group", "/recording_mode"]))
}

/// Whether a recorder was recording, journaled before it is started or stopped.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct Recording {
    pub recording: bool,
}

/// A delivery channel as journaled before it is changed.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct ChannelState {
    pub name: String,
    #[serde(default)]
    pub s3_bucket: Option<String>,
    #[serde(default)]
    pub s3_prefix: Option<String>,
    #[serde(default)]
    pub s3_kms_key_arn: Option<String>,
    #[serde(default)]
    pub sns_topic_arn: Option<String>,
    #[serde(default)]
    pub delivery_frequency: Option<String>,
}

pub(super) async fn read_recorder(cx: &Ctx<'_>, name: &str) -> Result<Option<Value>, AwsError> {
    let cfg = cx.aws.configservice(cx.region());
    let out = cfg.describe_configuration_recorders().send().await.aws()?;
    let Some(r) = out
        .configuration_recorders()
        .iter()
        .find(|r| r.name() == Some(name))
    else {
        return Ok(None);
    };
    let status = cfg
        .describe_configuration_recorder_status()
        .send()
        .await
        .aws()?;
    let st = status
        .configuration_recorders_status()
        .iter()
        .find(|s| s.name() == Some(name));
    let group = r.recording_group().map(|g| {
        let mut m = serde_json::Map::new();
        m.insert("allSupported".into(), json!(g.all_supported()));
        m.insert(
            "includeGlobalResourceTypes".into(),
            json!(g.include_global_resource_types()),
        );
        let types: Vec<&str> = g.resource_types().iter().map(|t| t.as_str()).collect();
        if !types.is_empty() {
            m.insert("resourceTypes".into(), json!(types));
        }
        if let Some(s) = g.recording_strategy().and_then(|s| s.use_only()) {
            m.insert("recordingStrategy".into(), json!(s.as_str()));
        }
        let excl: Vec<&str> = g
            .exclusion_by_resource_types()
            .map(|e| e.resource_types().iter().map(|t| t.as_str()).collect())
            .unwrap_or_default();
        if !excl.is_empty() {
            m.insert("exclusionResourceTypes".into(), json!(excl));
        }
        Value::Object(m)
    });
    Ok(Some(json!({
        "name": name,
        "role_arn": r.role_arn(),
        "recording_group": group,
        "recording_mode": r.recording_mode().map(mode_json),
        "recording": st.map(|s| s.recording()).unwrap_or(false),
        "last_status": st.and_then(|s| s.last_status()).map(|s| s.as_str()),
    })))
}

/// `RecordingMode` in the API's names, so it can be put back as it was.
pub(super) fn mode_json(m: &RecordingMode) -> Value {
    json!({
        "recordingFrequency": m.recording_frequency().as_str(),
        "recordingModeOverrides": m.recording_mode_overrides().iter().map(|o| json!({
            "description": o.description(),
            "resourceTypes": o.resource_types().iter().map(|t| t.as_str()).collect::<Vec<_>>(),
            "recordingFrequency": o.recording_frequency().as_str(),
        })).collect::<Vec<_>>(),
    })
}

/// The `RecordingMode` of [`mode_json`]'s form; `None` for null or a form
/// that does not read (then the put leaves AWS's default).
pub(crate) fn recording_mode(v: &Value) -> Option<RecordingMode> {
    let freq = |v: &Value| {
        v.get("recordingFrequency")
            .and_then(Value::as_str)
            .map(RecordingFrequency::from)
    };
    let overrides = v
        .get("recordingModeOverrides")
        .and_then(Value::as_array)
        .map(|a| {
            a.iter()
                .filter_map(|o| {
                    RecordingModeOverride::builder()
                        .set_description(
                            o.get("description")
                                .and_then(Value::as_str)
                                .map(str::to_string),
                        )
                        .set_resource_types(o.get("resourceTypes").and_then(Value::as_array).map(
                            |t| {
                                t.iter()
                                    .filter_map(Value::as_str)
                                    .map(ResourceType::from)
                                    .collect()
                            },
                        ))
                        .set_recording_frequency(freq(o))
                        .build()
                        .ok()
                })
                .collect::<Vec<_>>()
        })
        .filter(|o| !o.is_empty());
    RecordingMode::builder()
        .set_recording_frequency(freq(v))
        .set_recording_mode_overrides(overrides)
        .build()
        .ok()
}

pub(super) fn recording_group(v: &Value) -> RecordingGroup {
    let strs = |k: &str| -> Vec<String> {
        v.get(k)
            .and_then(Value::as_array)
            .map(|a| {
                a.iter()
                    .filter_map(|s| s.as_str().map(str::to_string))
                    .collect()
            })
            .unwrap_or_default()
    };
    let mut b = RecordingGroup::builder()
        .all_supported(
            v.get("allSupported")
                .and_then(Value::as_bool)
                .unwrap_or(false),
        )
        .include_global_resource_types(
            v.get("includeGlobalResourceTypes")
                .and_then(Value::as_bool)
                .unwrap_or(false),
        );
    for t in strs("resourceTypes") {
        b = b.resource_types(ResourceType::from(t.as_str()));
    }
    if let Some(s) = v.get("recordingStrategy").and_then(Value::as_str) {
        b = b.recording_strategy(
            RecordingStrategy::builder()
                .use_only(RecordingStrategyType::from(s))
                .build(),
        );
    }
    let excl = strs("exclusionResourceTypes");
    if !excl.is_empty() {
        b = b.exclusion_by_resource_types(
            ExclusionByResourceTypes::builder()
                .set_resource_types(Some(
                    excl.iter()
                        .map(|t| ResourceType::from(t.as_str()))
                        .collect(),
                ))
                .build(),
        );
    }
    b.build()
}

/// Puts the recorder (made or updated in place, by name).
pub(super) async fn put_recorder(
    cx: &Ctx<'_>,
    name: &str,
    role_arn: &str,
    group: &Value,
    mode: Option<&Value>,
) -> Result<Done, Fail> {
    let prior = read_recorder(cx, name)
        .await
        .map_err(|e| Fail::reading("configuration recorder", e))?;
    let created = prior.is_none();
    // PutConfigurationRecorder replaces the whole recorder: a recording mode
    // left out falls back to CONTINUOUS. Unless asked for one (undo), send
    // the mode the recorder has, so daily recording stays daily.
    let mode = match mode {
        Some(m) => m.clone(),
        None => prior
            .as_ref()
            .and_then(|p| p.get("recording_mode").cloned())
            .unwrap_or(Value::Null),
    };
    cx.before(prior.unwrap_or(Value::Null))?;
    let cfg = cx.aws.configservice(cx.region());
    let recorder = ConfigurationRecorder::builder()
        .name(name)
        .role_arn(role_arn)
        .recording_group(recording_group(group))
        .set_recording_mode(recording_mode(&mode))
        .build();
    cx.retry("PutConfigurationRecorder", || {
        cfg.put_configuration_recorder()
            .configuration_recorder(recorder.clone())
            .send()
    })
    .await?;
    let now = read_recorder(cx, name)
        .await?
        .ok_or_else(|| Fail::mismatch(format!("recorder {name} cannot be found"), Value::Null))?;
    let result = with_created(now.clone(), created);
    let mut wrong = vec![];
    if now["role_arn"].as_str() != Some(role_arn) {
        wrong.push("role");
    }
    let got = &now["recording_group"];
    for key in ["allSupported", "includeGlobalResourceTypes"] {
        let want = group.get(key).and_then(Value::as_bool).unwrap_or(false);
        if got.get(key).and_then(Value::as_bool).unwrap_or(false) != want {
            wrong.push(key);
        }
    }
    if !wrong.is_empty() {
        return Err(Fail::mismatch(
            format!(
                "recorder {name} reads back with a different {}",
                wrong.join(", ")
            ),
            result,
        ));
    }
    Ok(Done::new(
        format!(
            "{} configuration recorder {name} (all supported: {}, global types: {})",
            if created { "created" } else { "updated" },
            got["allSupported"],
            got["includeGlobalResourceTypes"]
        ),
        result,
    ))
}

pub(super) async fn set_recording(cx: &Ctx<'_>, name: &str, on: bool) -> Result<Done, Fail> {
    let prior = read_recorder(cx, name)
        .await
        .map_err(|e| Fail::reading("configuration recorder", e))?
        .ok_or_else(|| {
            Fail::new(
                "NoSuchConfigurationRecorderException",
                format!("recorder {name} does not exist in {}", cx.region()),
            )
        })?;
    cx.before(Recording {
        recording: prior["recording"].as_bool().unwrap_or(false),
    })?;
    let cfg = cx.aws.configservice(cx.region());
    if on {
        cx.retry("StartConfigurationRecorder", || {
            cfg.start_configuration_recorder()
                .configuration_recorder_name(name)
                .send()
        })
        .await?;
    } else {
        cfg.stop_configuration_recorder()
            .configuration_recorder_name(name)
            .send()
            .await
            .aws()?;
    }
    let now = read_recorder(cx, name)
        .await?
        .ok_or_else(|| Fail::mismatch(format!("recorder {name} cannot be found"), Value::Null))?;
    let result = json!({"recording": now["recording"], "last_status": now["last_status"]});
    if now["recording"].as_bool() != Some(on) {
        return Err(Fail::mismatch(
            format!(
                "recorder {name} recording reads back as {}",
                now["recording"]
            ),
            result,
        ));
    }
    Ok(Done::new(
        format!("{} recorder {name}", if on { "started" } else { "stopped" }),
        result,
    ))
}

pub(super) async fn read_channel(
    cx: &Ctx<'_>,
    name: &str,
) -> Result<Option<(Value, DeliveryChannel)>, AwsError> {
    let out = cx
        .aws
        .configservice(cx.region())
        .describe_delivery_channels()
        .send()
        .await
        .aws()?;
    Ok(out
        .delivery_channels()
        .iter()
        .find(|c| c.name() == Some(name))
        .map(|c| {
            (
                json!({
                    "name": name,
                    "s3_bucket": c.s3_bucket_name(),
                    "s3_prefix": unset_empty(c.s3_key_prefix()),
                    "s3_kms_key_arn": c.s3_kms_key_arn(),
                    "sns_topic_arn": c.sns_topic_arn(),
                    "delivery_frequency": c.config_snapshot_delivery_properties()
                        .and_then(|p| p.delivery_frequency()).map(|f| f.as_str()),
                }),
                c.clone(),
            )
        }))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_recording_mode_reads_back_as_it_was_put() {
        // PutConfigurationRecorder without a mode resets it to CONTINUOUS:
        // the mode read before the write must survive the round trip.
        let v = json!({"recordingFrequency": "DAILY", "recordingModeOverrides": [
            {"description": "hourly for SGs", "resourceTypes": ["AWS::EC2::SecurityGroup"], "recordingFrequency": "CONTINUOUS"}]});
        let m = recording_mode(&v).expect("a mode");
        assert_eq!(mode_json(&m), v);
        assert!(recording_mode(&Value::Null).is_none());
    }
}
