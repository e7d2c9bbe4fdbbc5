//! `put_event_selectors` / `put_advanced_event_selectors`: put basic or
//! advanced event selectors on a trail, as the selectors document says
//! (`EventSelectors` or `AdvancedEventSelectors`); undone by putting back
//! the old selectors.

use crate::cost::PriceKey;
use serde::{Deserialize, Serialize};
use serde_json::Value;

use super::TrailState;
use super::cloudtrail;
use super::cloudtrail::selectors_before;
use super::cloudtrail::{is_advanced, parse_selectors, trail_mut};
use super::ctx::{Ctx, Done, Fail};
use super::{Change, Kind, Past, Reversal, Way, trail_resource};
use crate::snapshot::Snapshot;

/// Replace the trail's selectors: `{"EventSelectors": [...]}` (management
/// events, ReadWriteType=All, keeping every data resource selector the trail
/// had) or `{"AdvancedEventSelectors": [{Name, FieldSelectors: [{Field,
/// Equals, StartsWith, ...}]}]}`.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, schemars::JsonSchema)]
#[schemars(inline)]
pub struct PutEventSelectors {
    pub trail: String,
    pub selectors: Value,
}

const CALLS: &[&str] = &["cloudtrail:PutEventSelectors"];

impl Kind for PutEventSelectors {
    const NAME: &'static str = "put_event_selectors";
    const RANK: u8 = 13;
    const CHANGE: Change = Change::Update;
    const IN_APPLY: bool = true;
    const IN_UNDO: bool = true;
    const SHARED_CALLS: &'static [&'static str] = cloudtrail::READ_TRAIL;
    const CALLS: &'static [&'static str] = CALLS;
    const SECOND: Option<Way> = Some(Way {
        name: "put_advanced_event_selectors",
        rank: 25,
        in_apply: true,
        in_undo: true,
        calls: CALLS,
    });
    type Prior = TrailState;

    fn second(&self) -> bool {
        is_advanced(&self.selectors)
    }

    fn prices(&self) -> Vec<PriceKey> {
        super::cloudtrail::selector_prices(&self.selectors)
    }

    fn reverse(&self, past: &Past<'_, Self::Prior>) -> Option<Reversal> {
        selectors_before(&self.trail, past)
    }

    fn touches(&self, region: &str) -> Option<String> {
        Some(trail_resource(region, &self.trail))
    }

    fn simulate(&self, s: &mut Snapshot, region: &str, _target: &str) {
        let PutEventSelectors { trail, selectors } = self;
        let (basic, advanced) = parse_selectors(selectors);
        if let Some(t) = trail_mut(s, region, trail) {
            t.event_selectors = basic;
            t.advanced_event_selectors = advanced;
        }
    }
}

impl PutEventSelectors {
    /// Reads the live value, journals it, writes, reads back.
    pub(crate) async fn run(&self, cx: &Ctx<'_>) -> Result<Done, Fail> {
        let PutEventSelectors { trail, selectors } = self;
        cloudtrail::put_event_selectors(cx, trail, selectors, is_advanced(selectors)).await
    }
}
