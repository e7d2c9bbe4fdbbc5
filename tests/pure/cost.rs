//! Every action carries a cost note from the price table (src/cost.rs):
//! no action without one, billed kinds priced with their own keys, data
//! events flagged before anyone approves, other regions caveated.

use remediate::controls::BENCHMARKS;
use remediate::cost::PriceKey;
use remediate::plan::Op;
use remediate::render::{self, Format, Style, cost_note};
use remediate::settings::{FileSettings, FlowLogDestination};

use crate::fixtures::*;

fn plans() -> Vec<remediate::plan::Plan> {
    let mut out = vec![];
    for b in BENCHMARKS {
        for s in [non_compliant(), base()] {
            let mut settings = FileSettings {
                benchmark: Some(b.key.into()),
                ..Default::default()
            };
            out.push(remediate::pipeline::make(&s, &settings, &[]));
            settings.flow_logs.destination = FlowLogDestination::S3;
            out.push(remediate::pipeline::make(&s, &settings, &[]));
        }
    }
    out
}

#[test]
fn no_action_without_a_cost_note_and_billed_kinds_name_their_price() {
    let mut seen = std::collections::BTreeSet::new();
    for p in plans() {
        for a in &p.actions {
            let note = cost_note(a);
            assert!(!note.text.is_empty(), "{}", a.id);
            let keys = a.op.prices();
            let must: &[PriceKey] = match &a.op {
                Op::CreateKey(_) => &[PriceKey::KmsKey],
                Op::CreateTrail(_) => &[PriceKey::TrailManagementFirstCopy],
                Op::CreateLogGroup(_) => &[PriceKey::LogsStorage],
                Op::PutConfigurationRecorder(_) | Op::SetRecording(_) => {
                    &[PriceKey::ConfigItemContinuous]
                }
                Op::SetKeyRotation(_) => &[PriceKey::KmsRotation],
                Op::CreateFlowLogs(f) if f.destination_type == "s3" => &[PriceKey::VendedLogsToS3],
                Op::CreateFlowLogs(_) => &[PriceKey::VendedLogsToLogs],
                _ => &[],
            };
            for k in must {
                assert!(keys.contains(k), "{}: {keys:?} lacks {k:?}", a.id);
            }
            seen.insert(a.op.name());
        }
    }
    assert!(
        seen.contains("create_key") && seen.contains("create_flow_logs"),
        "{seen:?}"
    );
}

#[test]
fn data_events_are_priced_and_flagged_before_approval() {
    let mut s = compliant();
    s.owned_buckets = vec!["data".into()];
    let settings = FileSettings {
        benchmark: Some("cis-3.0".into()),
        ..Default::default()
    };
    let p = remediate::pipeline::make(&s, &settings, &[]);
    let a = p
        .actions
        .iter()
        .find(|a| a.reason.contains("S3 object-level"))
        .expect("a data-event action");
    assert!(a.op.prices().contains(&PriceKey::TrailDataEvents));
    let text = render::render(&p, Format::Text, Style { color: false });
    assert!(text.contains("can be expensive on busy buckets"), "{text}");
    assert!(
        text.lines()
            .any(|l| l.starts_with("Cost: fixed: $") && l.contains("data events")),
        "{text}"
    );
}

#[test]
fn a_fixed_cost_is_summed_and_other_regions_are_caveated() {
    let p = remediate::pipeline::make(&base(), &FileSettings::default(), &[]);
    let json: serde_json::Value =
        serde_json::from_str(&render::render(&p, Format::Json, Style { color: false })).unwrap();
    // one new key for the trail: $1.00 a month
    assert!(
        json["cost"]["monthly_usd"].as_f64().unwrap() >= 1.0,
        "{}",
        json["cost"]
    );
    for a in json["actions"].as_array().unwrap() {
        let text = a["cost"]["text"].as_str().unwrap();
        if a["region"] != "us-east-1" && !a["cost"]["usage"].as_array().unwrap().is_empty() {
            assert!(
                text.contains(&format!(
                    "prices differ in {}",
                    a["region"].as_str().unwrap()
                )),
                "{text}"
            );
        }
    }
}
