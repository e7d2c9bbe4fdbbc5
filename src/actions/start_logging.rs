//! `start_logging`.

use serde::{Deserialize, Serialize};

use super::ctx::{Ctx, Done, Fail};
use super::cloudtrail;
use super::{Change, Kind};

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, schemars::JsonSchema)]
#[schemars(inline)]
pub struct StartLogging {
    pub trail: String,
}

impl Kind for StartLogging {
    const NAME: &'static str = "start_logging";
    const RANK: u8 = 14;
    const CHANGE: Change = Change::Update;
    const CALLS: &'static [&'static str] = &[
        "cloudtrail:GetTrail",
        "cloudtrail:GetTrailStatus",
        "cloudtrail:GetEventSelectors",
        "cloudtrail:StartLogging",
    ];
}

impl StartLogging {
    /// Reads the live value, journals it, writes, reads back.
    pub(crate) async fn run(&self, cx: &Ctx<'_>) -> Result<Done, Fail> {
        let StartLogging { trail } = self;
        cloudtrail::set_logging(cx, trail, true).await
    }
}
