//! `stop_logging`: stop a trail's logging (undo); undone by starting it again.

use serde::{Deserialize, Serialize};

use super::StartLogging;
use super::TrailState;
use super::cloudtrail;
use super::ctx::{Ctx, Done, Fail};
use super::{Change, Kind, Past, Reversal};

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, schemars::JsonSchema)]
#[schemars(inline)]
pub struct StopLogging {
    pub trail: String,
}

impl Kind for StopLogging {
    const NAME: &'static str = "stop_logging";
    const RANK: u8 = 24;
    const CHANGE: Change = Change::Update;
    const IN_APPLY: bool = false;
    const IN_UNDO: bool = true;
    const SHARED_CALLS: &'static [&'static str] = cloudtrail::READ_TRAIL;
    const CALLS: &'static [&'static str] = &["cloudtrail:StopLogging"];
    type Prior = TrailState;

    fn reverse(&self, past: &Past<'_, Self::Prior>) -> Option<Reversal> {
        let trail = &self.trail;
        let was = past.prior.as_ref()?.is_logging?;
        let why = format!("start logging on trail {trail} again, as before");
        Reversal::switch_back(
            was,
            false,
            StartLogging {
                trail: trail.clone(),
            },
            why,
            past,
        )
    }
}

impl StopLogging {
    /// Reads the live value, journals it, writes, reads back.
    pub(crate) async fn run(&self, cx: &Ctx<'_>) -> Result<Done, Fail> {
        let StopLogging { trail } = self;
        cloudtrail::set_logging(cx, trail, false).await
    }
}
