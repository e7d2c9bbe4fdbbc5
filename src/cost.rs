//! What the resources a plan creates cost: a price table (us-east-1, USD),
//! a one-line note for an action, and a plan-wide summary that sums the
//! fixed monthly costs and lists the usage-based ones.
//!
//! Prices are data, read by hand from AWS's pricing pages (see [`SOURCES`],
//! [`READ_ON`]); they are estimates to show before an apply, never a bill.
//!
//! How they were read: the CloudTrail and KMS figures are in excerpts of
//! AWS's own pricing pages. The CloudWatch Logs (Standard and vended tiers),
//! AWS Config and S3 Standard figures come from 2026 summaries that quote
//! those pages (cloudburn.io, c3x.dev, vantage.sh, cloudgauge.app, the
//! aws-samples `sample-cfm-tips-mcp` calculator), not from the pages
//! themselves. The KMS rotation cap (only the first two rotations billed)
//! is AWS's April 2024 change as reported there; AWS's page excerpt seen
//! still read "each newly generated backing key costs an additional
//! $1/month". Check the pages before quoting a figure as final.

use serde::Serialize;

use Billing::{Monthly, Usage};
use PriceKey as K;

/// The region the prices are for.
pub const REGION: &str = "us-east-1";

/// When and how the prices were read.
pub const READ_ON: &str = "2026-12-04, from AWS pricing pages via search";

/// The pricing page of each service priced here.
pub const SOURCES: [(&str, &str); 5] = [
    ("AWS KMS", "https://aws.amazon.com/kms/pricing/"),
    (
        "AWS CloudTrail",
        "https://aws.amazon.com/cloudtrail/pricing/",
    ),
    (
        "Amazon CloudWatch Logs",
        "https://aws.amazon.com/cloudwatch/pricing/",
    ),
    ("AWS Config", "https://aws.amazon.com/config/pricing/"),
    ("Amazon S3", "https://aws.amazon.com/s3/pricing/"),
];

/// One priced thing.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum PriceKey {
    /// A customer managed KMS key.
    KmsKey,
    /// Rotated key material of a KMS key with rotation on.
    KmsRotation,
    /// KMS API requests (symmetric).
    KmsRequests,
    /// The first copy of management events in a region (free).
    TrailManagementFirstCopy,
    /// Each further copy of management events (a second trail).
    TrailManagementExtraCopy,
    /// CloudTrail data events (e.g. S3 object-level).
    TrailDataEvents,
    /// CloudWatch Logs ingestion, Standard class (e.g. CloudTrail → Logs).
    LogsIngestion,
    /// Vended logs (VPC flow logs) delivered to CloudWatch Logs.
    VendedLogsToLogs,
    /// Vended logs (VPC flow logs) delivered to S3.
    VendedLogsToS3,
    /// CloudWatch Logs storage.
    LogsStorage,
    /// AWS Config, continuous recording.
    ConfigItemContinuous,
    /// AWS Config, daily (periodic) recording.
    ConfigItemPeriodic,
    /// S3 Standard storage (trail, Config and access-log buckets).
    S3Storage,
    /// S3 server access log delivery (free; storage is S3Storage).
    S3AccessLogDelivery,
    /// Load balancer access log delivery (free; storage is S3Storage).
    ElbAccessLogDelivery,
}

/// Fixed per month, or proportional to use.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Billing {
    Monthly,
    Usage,
}

#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct Price {
    pub key: PriceKey,
    /// What is priced.
    pub what: &'static str,
    /// The unit the price is per, as printed after the amount.
    pub per: &'static str,
    /// USD in [`REGION`]; for tiered prices, the first tier.
    pub usd: f64,
    pub billing: Billing,
    /// Volume tiers after the first, as (from, USD) — empty if flat.
    pub tiers: &'static [(&'static str, f64)],
    /// Said with the price: free tiers, caveats.
    pub note: &'static str,
}

/// Vended log tiers per GB: up to 10 TB a month at `usd`, then from each
/// monthly volume on, these.
const VENDED_LOGS_TIERS: [(&str, f64); 3] = [("10 TB", 0.25), ("30 TB", 0.10), ("50 TB", 0.05)];
const VENDED_S3_TIERS: [(&str, f64); 3] = [("10 TB", 0.15), ("30 TB", 0.075), ("50 TB", 0.05)];

const fn price(
    key: PriceKey,
    what: &'static str,
    per: &'static str,
    usd: f64,
    billing: Billing,
    note: &'static str,
) -> Price {
    Price {
        key,
        what,
        per,
        usd,
        billing,
        tiers: &[],
        note,
    }
}

/// Free of charge, but worth saying (what it costs instead is in `note`).
const fn free(key: PriceKey, what: &'static str, note: &'static str) -> Price {
    price(key, what, "", 0.0, Usage, note)
}

/// The unit of a vended-log price, naming the delivery.
const fn what_per_gb(key: PriceKey) -> &'static str {
    match key {
        PriceKey::VendedLogsToS3 => "per GB of vended logs delivered to S3",
        _ => "per GB of vended logs delivered to CloudWatch Logs",
    }
}

/// Per GB, cheaper with volume: `usd` for the first 10 TB a month, then `tiers`.
const fn tiered(
    key: PriceKey,
    what: &'static str,
    usd: f64,
    tiers: &'static [(&'static str, f64)],
    note: &'static str,
) -> Price {
    Price {
        tiers,
        ..price(key, what, what_per_gb(key), usd, Usage, note)
    }
}

/// Every price, in us-east-1, USD.
#[rustfmt::skip]
pub const PRICES: [Price; 15] = [
    price(K::KmsKey, "customer managed KMS key", "per key", 1.00, Monthly, "until deleted; none while scheduled for deletion"),
    price(K::KmsRotation, "rotated key material", "per key per rotation, from the first rotation a year on", 1.00, Monthly, "only the first two rotations are billed (AWS, April 2024)"),
    price(K::KmsRequests, "KMS requests", "per 10,000 requests", 0.03, Usage, "20,000 requests a month free across regions"),
    free(K::TrailManagementFirstCopy, "first copy of management events", "one copy of management events per region is free"),
    price(K::TrailManagementExtraCopy, "additional copy of management events", "per 100,000 events", 2.00, Usage, "every trail after the first that logs the same management events"),
    price(K::TrailDataEvents, "CloudTrail data events", "per 100,000 data events", 0.10, Usage, "S3 data events can be expensive: every object read or write in every logged bucket is an event, and every copy is billed"),
    price(K::LogsIngestion, "CloudWatch Logs ingestion (Standard)", "per GB ingested into CloudWatch Logs", 0.50, Usage, "e.g. CloudTrail delivered to CloudWatch Logs"),
    tiered(K::VendedLogsToLogs, "vended logs (VPC flow logs) delivered to CloudWatch Logs", 0.50, &VENDED_LOGS_TIERS, "plus CloudWatch Logs storage"),
    tiered(K::VendedLogsToS3, "vended logs (VPC flow logs, CloudFront standard logging) delivered to S3", 0.25, &VENDED_S3_TIERS, "plus S3 storage"),
    price(K::LogsStorage, "CloudWatch Logs storage", "per GB-month stored in CloudWatch Logs", 0.03, Usage, "set a retention to bound it"),
    price(K::ConfigItemContinuous, "AWS Config continuous recording", "per configuration item recorded", 0.003, Usage, "one item per resource change, per region"),
    price(K::ConfigItemPeriodic, "AWS Config daily recording", "per configuration item recorded", 0.012, Usage, "one item per changed resource per day"),
    price(K::S3Storage, "S3 Standard storage", "per GB-month stored in S3", 0.023, Usage, "first 50 TB a month"),
    free(K::S3AccessLogDelivery, "S3 server access log delivery", "the logs cost S3 storage"),
    free(K::ElbAccessLogDelivery, "load balancer access log delivery", "the logs cost S3 storage"),
];

/// The price of `key`.
pub fn get(key: PriceKey) -> &'static Price {
    PRICES
        .iter()
        .find(|p| p.key == key)
        .expect("every key is priced")
}

/// A cost note for one action.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct CostNote {
    /// One line, e.g. `$1.00/month per key + $0.03 per 10,000 requests`.
    pub text: String,
    /// Fixed monthly USD (us-east-1) from now on: rotations, billed from
    /// a year on, are left out.
    pub monthly_usd: f64,
    /// The usage-based prices, for the plan summary.
    pub usage: Vec<PriceKey>,
    /// Why the figures may not apply (region, partition).
    pub caveat: Option<String>,
}

/// `$1.00`, `$0.03`, `$0.003`: at least two decimals, more when needed.
pub fn usd(v: f64) -> String {
    let mut s = format!("{v:.4}");
    while s.ends_with('0') && s.len() - s.find('.').unwrap_or(0) > 3 {
        s.pop();
    }
    format!("${s}")
}

fn phrase(p: &Price) -> String {
    if p.usd == 0.0 {
        return format!("free: {} ({})", p.what, p.note);
    }
    let mut out = match p.billing {
        Billing::Monthly => format!("{}/month {}", usd(p.usd), p.per),
        Billing::Usage => format!("{} {}", usd(p.usd), p.per),
    };
    if !p.tiers.is_empty() {
        let tiers: Vec<String> = p
            .tiers
            .iter()
            .map(|(from, v)| format!("{} from {from}", usd(*v)))
            .collect();
        out.push_str(&format!(" (then {} a month)", tiers.join(", ")));
    }
    out
}

/// Why the us-east-1 figures may not apply, if they may not.
pub fn caveat(region: &str, partition: &str) -> Option<String> {
    if partition != "aws" {
        Some(format!(
            "prices differ in the {partition} partition; figures are for {REGION}"
        ))
    } else if region != REGION {
        Some(format!(
            "prices differ in {region}; figures are for {REGION}"
        ))
    } else {
        None
    }
}

/// The note for an action whose resources bring the given prices, in
/// `region` of `partition`. Fixed costs first, then usage-based ones.
pub fn note(keys: &[PriceKey], region: &str, partition: &str) -> CostNote {
    let prices: Vec<&Price> = keys.iter().map(|k| get(*k)).collect();
    let fixed: Vec<String> = prices
        .iter()
        .filter(|p| p.billing == Billing::Monthly)
        .map(|p| phrase(p))
        .collect();
    let usage: Vec<&&Price> = prices
        .iter()
        .filter(|p| p.billing == Billing::Usage)
        .collect();
    let mut text = fixed.join(" + ");
    if !usage.is_empty() {
        let list: Vec<String> = usage.iter().map(|p| phrase(p)).collect();
        text = if text.is_empty() {
            format!("usage-based: {}", list.join(", "))
        } else {
            format!("{text} + {}", list.join(", "))
        };
    }
    if keys.contains(&PriceKey::TrailDataEvents) {
        text.push_str(" — S3 data events can be expensive on busy buckets");
    }
    let caveat = caveat(region, partition);
    if let Some(c) = &caveat {
        text.push_str(&format!(" ({c})"));
    }
    CostNote {
        text,
        monthly_usd: prices
            .iter()
            .filter(|p| p.billing == Billing::Monthly && p.key != PriceKey::KmsRotation)
            .map(|p| p.usd)
            .sum(),
        usage: usage.iter().map(|p| p.key).collect(),
        caveat,
    }
}

/// The cost of a whole plan: fixed monthly costs summed, usage-based
/// prices listed once each.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct PlanCost {
    pub monthly_usd: f64,
    pub usage: Vec<PriceKey>,
    /// The distinct caveats of the notes (regions, partitions).
    pub caveats: Vec<String>,
}

impl PlanCost {
    /// One line, e.g. `fixed: $3.00/month; usage-based: CloudTrail data
    /// events ($0.10 per 100,000 data events), …`.
    pub fn text(&self) -> String {
        let mut out = format!("fixed: {}/month", usd(self.monthly_usd));
        if !self.usage.is_empty() {
            // Short: what and the first-tier price; free items left out
            // (each action's note says them).
            let list: Vec<String> = self
                .usage
                .iter()
                .map(|k| get(*k))
                .filter(|p| p.usd > 0.0)
                .map(|p| format!("{} {} {}", p.what, usd(p.usd), p.per))
                .collect();
            out.push_str(&format!("; usage-based: {}", list.join(", ")));
        }
        for c in &self.caveats {
            out.push_str(&format!("; {c}"));
        }
        out
    }
}

/// Sums the notes of a plan's actions. The monthly figure counts keys
/// created now, not rotations billed from next year.
pub fn plan_summary(notes: &[CostNote]) -> PlanCost {
    let mut usage: Vec<PriceKey> = notes.iter().flat_map(|n| n.usage.clone()).collect();
    usage.sort();
    usage.dedup();
    let mut caveats: Vec<String> = notes.iter().filter_map(|n| n.caveat.clone()).collect();
    caveats.sort();
    caveats.dedup();
    PlanCost {
        monthly_usd: notes.iter().map(|n| n.monthly_usd).sum(),
        usage,
        caveats,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_key_has_one_price_and_a_page_per_service() {
        let mut keys: Vec<PriceKey> = PRICES.iter().map(|p| p.key).collect();
        keys.sort();
        keys.dedup();
        assert_eq!(keys.len(), PRICES.len());
        assert!(
            SOURCES
                .iter()
                .all(|(_, u)| u.starts_with("https://aws.amazon.com/"))
        );
        for p in &PRICES {
            assert!(!p.what.is_empty());
            assert_eq!(p.usd > 0.0, !p.per.is_empty(), "free items have no unit");
            assert!(p.tiers.iter().all(|(_, t)| *t < p.usd), "tiers get cheaper");
        }
    }

    #[test]
    fn a_key_note_gives_the_monthly_and_the_request_price() {
        let n = note(
            &[PriceKey::KmsKey, PriceKey::KmsRequests],
            "us-east-1",
            "aws",
        );
        assert_eq!(n.text, "$1.00/month per key + $0.03 per 10,000 requests");
        assert_eq!(n.monthly_usd, 1.0);
        assert_eq!(n.usage, vec![PriceKey::KmsRequests]);
        assert_eq!(n.caveat, None);
    }

    #[test]
    fn a_usage_only_note_says_so_and_warns_about_data_events() {
        let n = note(&[PriceKey::TrailDataEvents], "us-east-1", "aws");
        assert_eq!(
            n.text,
            "usage-based: $0.10 per 100,000 data events — S3 data events can be expensive on busy buckets"
        );
        assert_eq!(n.monthly_usd, 0.0);
    }

    #[test]
    fn outside_us_east_1_the_note_says_prices_differ() {
        let n = note(&[PriceKey::KmsKey], "eu-west-1", "aws");
        assert_eq!(
            n.text,
            "$1.00/month per key (prices differ in eu-west-1; figures are for us-east-1)"
        );
        let cn = note(&[PriceKey::KmsKey], "cn-north-1", "aws-cn");
        assert!(
            cn.text.contains("prices differ in the aws-cn partition"),
            "{}",
            cn.text
        );
        let gov = note(&[PriceKey::KmsKey], "us-east-1", "aws-us-gov");
        assert!(gov.caveat.unwrap().contains("aws-us-gov partition"));
    }

    #[test]
    fn free_items_are_called_free() {
        let n = note(&[PriceKey::TrailManagementFirstCopy], "us-east-1", "aws");
        assert!(
            n.text.starts_with("usage-based: free: first copy"),
            "{}",
            n.text
        );
        let n = note(
            &[PriceKey::S3AccessLogDelivery, PriceKey::S3Storage],
            "us-east-1",
            "aws",
        );
        assert!(
            n.text.contains("$0.023 per GB-month stored in S3"),
            "{}",
            n.text
        );
    }

    #[test]
    fn the_plan_summary_sums_fixed_costs_and_lists_usage_once() {
        let notes = [
            note(
                &[PriceKey::KmsKey, PriceKey::KmsRequests],
                "us-east-1",
                "aws",
            ),
            note(
                &[PriceKey::KmsKey, PriceKey::KmsRequests],
                "eu-west-1",
                "aws",
            ),
            note(&[PriceKey::KmsRotation], "us-east-1", "aws"),
            note(
                &[PriceKey::VendedLogsToLogs, PriceKey::LogsStorage],
                "eu-west-1",
                "aws",
            ),
        ];
        let s = plan_summary(&notes);
        assert_eq!(s.monthly_usd, 2.0);
        assert_eq!(
            s.usage,
            vec![
                PriceKey::KmsRequests,
                PriceKey::VendedLogsToLogs,
                PriceKey::LogsStorage
            ]
        );
        assert_eq!(
            s.caveats,
            vec!["prices differ in eu-west-1; figures are for us-east-1"]
        );
        assert_eq!(
            s.text(),
            "fixed: $2.00/month; usage-based: KMS requests $0.03 per 10,000 requests, \
             vended logs (VPC flow logs) delivered to CloudWatch Logs $0.50 per GB of vended logs delivered to CloudWatch Logs, \
             CloudWatch Logs storage $0.03 per GB-month stored in CloudWatch Logs; \
             prices differ in eu-west-1; figures are for us-east-1"
        );
    }

    #[test]
    fn amounts_keep_the_decimals_they_need() {
        assert_eq!(usd(1.0), "$1.00");
        assert_eq!(usd(0.5), "$0.50");
        assert_eq!(usd(0.003), "$0.003");
        assert_eq!(usd(0.075), "$0.075");
        assert_eq!(usd(12.345), "$12.345");
    }
}
