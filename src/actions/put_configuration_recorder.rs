//! `put_configuration_recorder` / `restore_configuration_recorder`: put a
//! recorder recording all supported types (a plan), or put one back exactly
//! as it was (undo); undone by putting back (or deleting) the old one.

use crate::cost::PriceKey;
use serde::{Deserialize, Serialize};
use serde_json::{Value, json};

use super::config;
use super::config::RecorderState;
use super::ctx::{Ctx, Done, Fail};
use super::{Change, Implicit, Kind, Past, Reversal, Way};
use crate::snapshot::{Recorder, Snapshot};

/// `recording_group` as DescribeConfigurationRecorders shows it
/// (`allSupported`, `includeGlobalResourceTypes`, `resourceTypes`).
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, schemars::JsonSchema)]
#[schemars(inline)]
pub struct PutConfigurationRecorder {
    pub name: String,
    pub role_arn: String,
    pub recording_group: Value,
    /// `{recordingFrequency, recordingModeOverrides}` to put back; absent:
    /// the current mode is kept.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub recording_mode: Option<Value>,
    /// Puts back the recorder as it was (undo).
    pub restore: bool,
}

impl PutConfigurationRecorder {
    /// A recorder of every supported resource type.
    pub fn all_supported(name: String, role_arn: String, include_global: bool) -> Self {
        PutConfigurationRecorder {
            name,
            role_arn,
            recording_group: json!({
                "allSupported": true,
                "includeGlobalResourceTypes": include_global,
            }),
            recording_mode: None,
            restore: false,
        }
    }
}

const CALLS: &[&str] = &["config:PutConfigurationRecorder"];

impl Kind for PutConfigurationRecorder {
    const NAME: &'static str = "put_configuration_recorder";
    const RANK: u8 = 15;
    const CHANGE: Change = Change::Update;
    const IN_APPLY: bool = true;
    const IN_UNDO: bool = false;
    const SHARED_CALLS: &'static [&'static str] = config::READ_RECORDER;
    const CALLS: &'static [&'static str] = CALLS;
    const IMPLICIT: &'static [Implicit] = &[Implicit {
        call: "config:PutConfigurationRecorder",
        when: "the recorder's role is passed to config.amazonaws.com",
        actions: &["iam:PassRole"],
        doc: "https://docs.aws.amazon.com/config/latest/developerguide/iamrole-permissions.html; https://docs.aws.amazon.com/IAM/latest/UserGuide/id_roles_use_passrole.html",
    }];
    const SERIAL_UNDO: bool = true;
    const SECOND: Option<Way> = Some(Way {
        name: "restore_configuration_recorder",
        rank: 22,
        in_apply: false,
        in_undo: true,
        calls: CALLS,
    });
    type Prior = RecorderState;

    const PASSED_TO: Option<&'static str> = Some("config.amazonaws.com");

    fn passed_role(&self) -> Option<&str> {
        Some(&self.role_arn)
    }

    fn second(&self) -> bool {
        self.restore
    }

    fn prices(&self) -> Vec<PriceKey> {
        vec![PriceKey::ConfigItemContinuous]
    }

    fn reverse(&self, past: &Past<'_, Self::Prior>) -> Option<Reversal> {
        config::recorder_back(&self.name, past)
    }

    fn simulate(&self, s: &mut Snapshot, region: &str, _target: &str) {
        let PutConfigurationRecorder {
            name,
            role_arn,
            recording_group,
            ..
        } = self;
        let all_supported = recording_group["allSupported"].as_bool() == Some(true);
        let include_global = recording_group["includeGlobalResourceTypes"].as_bool() == Some(true);
        let c = s.config.entry(region.to_string()).or_default();
        match c.recorders.iter_mut().find(|r| &r.name == name) {
            Some(r) => {
                r.all_supported = all_supported;
                r.include_global_resource_types = include_global;
                r.role_arn = Some(role_arn.clone());
            }
            None => c.recorders.push(Recorder {
                name: name.clone(),
                role_arn: Some(role_arn.clone()),
                all_supported,
                include_global_resource_types: include_global,
                ..Default::default()
            }),
        }
    }
}

impl PutConfigurationRecorder {
    /// Reads the live value, journals it, writes, reads back.
    pub(crate) async fn run(&self, cx: &Ctx<'_>) -> Result<Done, Fail> {
        let PutConfigurationRecorder {
            name,
            role_arn,
            recording_group,
            recording_mode,
            ..
        } = self;
        config::put_recorder(cx, name, role_arn, recording_group, recording_mode.as_ref()).await
    }
}
