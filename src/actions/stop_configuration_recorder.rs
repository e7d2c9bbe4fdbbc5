//! `stop_configuration_recorder`: stop a recorder (undo); undone by starting it
//! again.

use serde::{Deserialize, Serialize};

use super::StartConfigurationRecorder;
use super::config;
use super::config::Recording;
use super::ctx::{Ctx, Done, Fail};
use super::{Change, Kind, Past, Reversal};

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, schemars::JsonSchema)]
#[schemars(inline)]
pub struct StopConfigurationRecorder {
    pub name: String,
}

impl Kind for StopConfigurationRecorder {
    const NAME: &'static str = "stop_configuration_recorder";
    const RANK: u8 = 20;
    const CHANGE: Change = Change::Update;
    const IN_APPLY: bool = false;
    const IN_UNDO: bool = true;
    const SHARED_CALLS: &'static [&'static str] = config::READ_RECORDER;
    const CALLS: &'static [&'static str] = &["config:StopConfigurationRecorder"];
    const SERIAL_UNDO: bool = true;
    type Prior = Recording;

    fn reverse(&self, past: &Past<'_, Self::Prior>) -> Option<Reversal> {
        let name = &self.name;
        let was = past.prior.as_ref()?.recording;
        let why = format!("start recorder {name} again, as before");
        Reversal::switch_back(
            was,
            false,
            StartConfigurationRecorder { name: name.clone() },
            why,
            past,
        )
    }
}

impl StopConfigurationRecorder {
    /// Reads the live value, journals it, writes, reads back.
    pub(crate) async fn run(&self, cx: &Ctx<'_>) -> Result<Done, Fail> {
        let StopConfigurationRecorder { name } = self;
        config::set_recording(cx, name, false).await
    }
}
