//! `put_configuration_recorder`: put a recorder recording all supported types;
//! undone by putting back (or deleting) the old one.

use crate::cost::PriceKey;
use serde::{Deserialize, Serialize};

use super::config;
use super::config::RecorderState;
use super::ctx::{Ctx, Done, Fail};
use super::{Change, Implicit, Kind, Past, Reversal};
use crate::snapshot::{Recorder, Snapshot};

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, schemars::JsonSchema)]
#[schemars(inline)]
pub struct PutConfigurationRecorder {
    pub name: String,
    pub role_arn: String,
    pub include_global_resource_types: bool,
}

impl Kind for PutConfigurationRecorder {
    const NAME: &'static str = "put_configuration_recorder";
    const RANK: u8 = 15;
    const CHANGE: Change = Change::Update;
    const IN_APPLY: bool = true;
    const IN_UNDO: bool = false;
    const SHARED_CALLS: &'static [&'static str] = config::READ_RECORDER;
    const CALLS: &'static [&'static str] = &["config:PutConfigurationRecorder"];
    const IMPLICIT: &'static [Implicit] = &[Implicit {
        call: "config:PutConfigurationRecorder",
        when: "the recorder's role is passed to config.amazonaws.com",
        actions: &["iam:PassRole"],
        doc: "https://docs.aws.amazon.com/config/latest/developerguide/iamrole-permissions.html; https://docs.aws.amazon.com/IAM/latest/UserGuide/id_roles_use_passrole.html",
    }];
    const SERIAL_UNDO: bool = true;
    type Prior = RecorderState;

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
            include_global_resource_types,
        } = self;
        let c = s.config.entry(region.to_string()).or_default();
        match c.recorders.iter_mut().find(|r| &r.name == name) {
            Some(r) => {
                r.all_supported = true;
                r.include_global_resource_types = *include_global_resource_types;
                r.role_arn = Some(role_arn.clone());
            }
            None => c.recorders.push(Recorder {
                name: name.clone(),
                role_arn: Some(role_arn.clone()),
                all_supported: true,
                include_global_resource_types: *include_global_resource_types,
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
            include_global_resource_types,
        } = self;
        {
            let group = serde_json::json!({
                "allSupported": true,
                "includeGlobalResourceTypes": include_global_resource_types,
            });
            config::put_recorder(cx, name, role_arn, &group, None).await
        }
    }
}
