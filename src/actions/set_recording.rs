//! `start_configuration_recorder` / `stop_configuration_recorder`: start a
//! recorder (a plan) or stop it (undo); undone by switching it back if it
//! was the other way.

use crate::cost::PriceKey;
use serde::{Deserialize, Serialize};

use super::config;
use super::config::Recording;
use super::ctx::{Ctx, Done, Fail};
use super::{Change, Kind, Past, Reversal, Way, billed_when};
use crate::snapshot::Snapshot;

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, schemars::JsonSchema)]
#[schemars(inline)]
pub struct SetRecording {
    pub name: String,
    pub recording: bool,
}

impl Kind for SetRecording {
    const NAME: &'static str = "start_configuration_recorder";
    const RANK: u8 = 17;
    const CHANGE: Change = Change::Update;
    const IN_APPLY: bool = true;
    const IN_UNDO: bool = true;
    const SHARED_CALLS: &'static [&'static str] = config::READ_RECORDER;
    const CALLS: &'static [&'static str] = &["config:StartConfigurationRecorder"];
    const SERIAL_UNDO: bool = true;
    const SECOND: Option<Way> = Some(Way {
        name: "stop_configuration_recorder",
        rank: 20,
        in_apply: false,
        in_undo: true,
        calls: &["config:StopConfigurationRecorder"],
    });
    type Prior = Recording;

    fn second(&self) -> bool {
        !self.recording
    }

    fn prices(&self) -> Vec<PriceKey> {
        billed_when(self.recording, &[PriceKey::ConfigItemContinuous])
    }

    fn reverse(&self, past: &Past<'_, Self::Prior>) -> Option<Reversal> {
        let name = &self.name;
        let was = past.prior.as_ref()?.recording;
        let verb = if was { "start" } else { "stop" };
        let why = format!("{verb} recorder {name} again, as before");
        let back = SetRecording {
            name: name.clone(),
            recording: was,
        };
        Reversal::switch_back(was, self.recording, back, why, past)
            .map(|r| r.watching(&["/recording"]))
    }

    fn simulate(&self, s: &mut Snapshot, region: &str, _target: &str) {
        let SetRecording { name, recording } = self;
        if let Some(r) = s
            .config
            .entry(region.to_string())
            .or_default()
            .recorders
            .iter_mut()
            .find(|r| &r.name == name)
        {
            r.recording = *recording;
            if *recording {
                r.last_status = Some("PENDING".into());
            }
        }
    }
}

impl SetRecording {
    /// Reads the live value, journals it, writes, reads back.
    pub(crate) async fn run(&self, cx: &Ctx<'_>) -> Result<Done, Fail> {
        let SetRecording { name, recording } = self;
        config::set_recording(cx, name, *recording).await
    }
}
