//! `start_logging` / `stop_logging`: start a trail's logging (a plan) or
//! stop it (undo); undone by switching it back if it was the other way.

use crate::cost::PriceKey;
use serde::{Deserialize, Serialize};

use super::TrailState;
use super::cloudtrail;
use super::cloudtrail::trail_mut;
use super::ctx::{Ctx, Done, Fail};
use super::{Change, Kind, Past, Reversal, Way, billed_when, trail_resource};
use crate::snapshot::Snapshot;

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, schemars::JsonSchema)]
#[schemars(inline)]
pub struct SetLogging {
    pub trail: String,
    pub logging: bool,
}

impl Kind for SetLogging {
    const NAME: &'static str = "start_logging";
    const RANK: u8 = 14;
    const CHANGE: Change = Change::Update;
    const IN_APPLY: bool = true;
    const IN_UNDO: bool = true;
    const SHARED_CALLS: &'static [&'static str] = cloudtrail::READ_TRAIL;
    const CALLS: &'static [&'static str] = &["cloudtrail:StartLogging"];
    const SECOND: Option<Way> = Some(Way {
        name: "stop_logging",
        rank: 24,
        in_apply: false,
        in_undo: true,
        calls: &["cloudtrail:StopLogging"],
    });
    type Prior = TrailState;

    fn second(&self) -> bool {
        !self.logging
    }

    fn prices(&self) -> Vec<PriceKey> {
        billed_when(self.logging, &[PriceKey::TrailManagementFirstCopy])
    }

    fn reverse(&self, past: &Past<'_, Self::Prior>) -> Option<Reversal> {
        let trail = &self.trail;
        let was = past.prior.as_ref()?.is_logging?;
        let verb = if was { "start" } else { "stop" };
        let why = format!("{verb} logging on trail {trail} again, as before");
        let back = SetLogging {
            trail: trail.clone(),
            logging: was,
        };
        Reversal::switch_back(was, self.logging, back, why, past)
            .map(|r| r.watching(&["/is_logging"]))
    }

    fn touches(&self, region: &str) -> Option<String> {
        Some(trail_resource(region, &self.trail))
    }

    fn simulate(&self, s: &mut Snapshot, region: &str, _target: &str) {
        let SetLogging { trail, logging } = self;
        if let Some(t) = trail_mut(s, region, trail) {
            t.is_logging = Some(*logging);
        }
    }
}

impl SetLogging {
    /// Reads the live value, journals it, writes, reads back.
    pub(crate) async fn run(&self, cx: &Ctx<'_>) -> Result<Done, Fail> {
        let SetLogging { trail, logging } = self;
        cloudtrail::set_logging(cx, trail, *logging).await
    }
}
