//! `put_configuration_recorder`.

use serde::{Deserialize, Serialize};

use super::ctx::{Ctx, Done, Fail};
use super::config;
use super::{Change, Implicit, Kind};

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
    const CALLS: &'static [&'static str] = &[
        "config:DescribeConfigurationRecorders",
        "config:DescribeConfigurationRecorderStatus",
        "config:PutConfigurationRecorder",
    ];
    const IMPLICIT: &'static [Implicit] = &[
        Implicit {
            call: "config:PutConfigurationRecorder",
            when: "the recorder's role is passed to config.amazonaws.com",
            actions: &["iam:PassRole"],
            doc: "https://docs.aws.amazon.com/config/latest/developerguide/iamrole-permissions.html; https://docs.aws.amazon.com/IAM/latest/UserGuide/id_roles_use_passrole.html",
        },
    ];
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
