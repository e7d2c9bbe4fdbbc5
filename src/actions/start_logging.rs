//! `start_logging`: start a trail's logging; undone by stopping it if it was
//! stopped.

use crate::cost::PriceKey;
use serde::{Deserialize, Serialize};

use super::StopLogging;
use super::TrailState;
use super::cloudtrail;
use super::cloudtrail::trail_mut;
use super::ctx::{Ctx, Done, Fail};
use super::{Change, Kind, Past, Reversal, trail_resource};
use crate::snapshot::Snapshot;

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, schemars::JsonSchema)]
#[schemars(inline)]
pub struct StartLogging {
    pub trail: String,
}

impl Kind for StartLogging {
    const NAME: &'static str = "start_logging";
    const RANK: u8 = 14;
    const CHANGE: Change = Change::Update;
    const IN_APPLY: bool = true;
    const IN_UNDO: bool = true;
    const SHARED_CALLS: &'static [&'static str] = cloudtrail::READ_TRAIL;
    const CALLS: &'static [&'static str] = &["cloudtrail:StartLogging"];
    type Prior = TrailState;

    fn prices(&self) -> Vec<PriceKey> {
        vec![PriceKey::TrailManagementFirstCopy]
    }

    fn reverse(&self, past: &Past<'_, Self::Prior>) -> Option<Reversal> {
        let trail = &self.trail;
        let was = past.prior.as_ref()?.is_logging?;
        let why = format!("stop logging on trail {trail} again, as before");
        Reversal::switch_back(
            was,
            true,
            StopLogging {
                trail: trail.clone(),
            },
            why,
            past,
        )
    }

    fn touches(&self, region: &str) -> Option<String> {
        Some(trail_resource(region, &self.trail))
    }

    fn simulate(&self, s: &mut Snapshot, region: &str, _target: &str) {
        let StartLogging { trail } = self;
        if let Some(t) = trail_mut(s, region, trail) {
            t.is_logging = Some(true);
        }
    }
}

impl StartLogging {
    /// Reads the live value, journals it, writes, reads back.
    pub(crate) async fn run(&self, cx: &Ctx<'_>) -> Result<Done, Fail> {
        let StartLogging { trail } = self;
        cloudtrail::set_logging(cx, trail, true).await
    }
}
