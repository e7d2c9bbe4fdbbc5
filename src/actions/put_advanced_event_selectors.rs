//! `put_advanced_event_selectors`: put advanced event selectors on a trail
//! (undo); undone by putting back the old selectors.

use crate::cost::PriceKey;
use serde::{Deserialize, Serialize};
use serde_json::Value;

use super::TrailState;
use super::cloudtrail;
use super::cloudtrail::selectors_before;
use super::cloudtrail::{parse_selectors, trail_mut};
use super::ctx::{Ctx, Done, Fail};
use super::{Change, Kind, Past, Reversal};
use crate::snapshot::Snapshot;

/// Replace the trail's selectors with these advanced event selectors
/// (array of `{Name, FieldSelectors: [{Field, Equals, StartsWith, ...}]}`).
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, schemars::JsonSchema)]
#[schemars(inline)]
pub struct PutAdvancedEventSelectors {
    pub trail: String,
    pub selectors: Value,
}

impl Kind for PutAdvancedEventSelectors {
    const NAME: &'static str = "put_advanced_event_selectors";
    const RANK: u8 = 25;
    const CHANGE: Change = Change::Update;
    const IN_APPLY: bool = true;
    const IN_UNDO: bool = true;
    const SHARED_CALLS: &'static [&'static str] = cloudtrail::READ_TRAIL;
    const CALLS: &'static [&'static str] = &["cloudtrail:PutEventSelectors"];
    type Prior = TrailState;

    fn prices(&self) -> Vec<PriceKey> {
        super::cloudtrail::selector_prices(&self.selectors)
    }

    fn reverse(&self, past: &Past<'_, Self::Prior>) -> Option<Reversal> {
        selectors_before(&self.trail, past)
    }

    fn simulate(&self, s: &mut Snapshot, region: &str, _target: &str) {
        let PutAdvancedEventSelectors { trail, selectors } = self;
        let (basic, advanced) = parse_selectors(selectors);
        if let Some(t) = trail_mut(s, region, trail) {
            t.event_selectors = basic;
            t.advanced_event_selectors = advanced;
        }
    }
}

impl PutAdvancedEventSelectors {
    /// Reads the live value, journals it, writes, reads back.
    pub(crate) async fn run(&self, cx: &Ctx<'_>) -> Result<Done, Fail> {
        let PutAdvancedEventSelectors { trail, selectors } = self;
        cloudtrail::put_event_selectors(cx, trail, selectors, true).await
    }
}
