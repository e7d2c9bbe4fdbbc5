//! `start_configuration_recorder`: start a recorder; undone by stopping it if
//! it was stopped.

use crate::cost::PriceKey;
use serde::{Deserialize, Serialize};

use super::StopConfigurationRecorder;
use super::config;
use super::config::Recording;
use super::ctx::{Ctx, Done, Fail};
use super::{Change, Kind, Past, Reversal};
use crate::snapshot::Snapshot;

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, schemars::JsonSchema)]
#[schemars(inline)]
pub struct StartConfigurationRecorder {
    pub name: String,
}

impl Kind for StartConfigurationRecorder {
    const NAME: &'static str = "start_configuration_recorder";
    const RANK: u8 = 17;
    const CHANGE: Change = Change::Update;
    const IN_APPLY: bool = true;
    const IN_UNDO: bool = true;
    const SHARED_CALLS: &'static [&'static str] = config::READ_RECORDER;
    const CALLS: &'static [&'static str] = &["config:StartConfigurationRecorder"];
    const SERIAL_UNDO: bool = true;
    type Prior = Recording;

    fn prices(&self) -> Vec<PriceKey> {
        vec![PriceKey::ConfigItemContinuous]
    }

    fn reverse(&self, past: &Past<'_, Self::Prior>) -> Option<Reversal> {
        let name = &self.name;
        let was = past.prior.as_ref()?.recording;
        let why = format!("stop recorder {name} again, as before");
        Reversal::switch_back(
            was,
            true,
            StopConfigurationRecorder { name: name.clone() },
            why,
            past,
        )
    }

    fn simulate(&self, s: &mut Snapshot, region: &str, _target: &str) {
        let StartConfigurationRecorder { name } = self;
        if let Some(r) = s
            .config
            .entry(region.to_string())
            .or_default()
            .recorders
            .iter_mut()
            .find(|r| &r.name == name)
        {
            r.recording = true;
            r.last_status = Some("PENDING".into());
        }
    }
}

impl StartConfigurationRecorder {
    /// Reads the live value, journals it, writes, reads back.
    pub(crate) async fn run(&self, cx: &Ctx<'_>) -> Result<Done, Fail> {
        let StartConfigurationRecorder { name } = self;
        config::set_recording(cx, name, true).await
    }
}
