//! The benchmark registry and the S3 object-level logging checks, on
//! hand-built snapshots: what each version asks, what passes, what the fix
//! writes, and that every version's plan converges.

use remediate::controls::{self, BENCHMARKS};
use remediate::finding::{Finding, Status};
use remediate::plan::Op;
use remediate::plan::simulate::simulate;
use remediate::settings::FileSettings;
use remediate::snapshot::{
    AdvancedEventSelector, DataResource, EventSelector, FieldSelector, Snapshot,
};
use serde_json::json;

use crate::fixtures::*;

fn settings(key: &str) -> FileSettings {
    FileSettings {
        benchmark: Some(key.into()),
        ..Default::default()
    }
}

fn findings(s: &Snapshot, key: &str, id: &str) -> Vec<Finding> {
    let st = settings(key);
    controls::detect(s, &st, &controls::selected(&[id.to_string()], &st))
}

fn status(s: &Snapshot, key: &str, id: &str) -> (Status, String) {
    let f = findings(s, key, id);
    assert_eq!(f.len(), 1, "{f:#?}");
    (f[0].status, f[0].reason.clone())
}

fn main_trail(s: &mut Snapshot) -> &mut remediate::snapshot::Trail {
    s.trails.values_mut().next().unwrap()
}

fn s3(values: &[&str], rw: &str) -> EventSelector {
    EventSelector {
        read_write_type: rw.into(),
        include_management_events: false,
        data_resources: vec![DataResource {
            r#type: "AWS::S3::Object".into(),
            values: values.iter().map(|v| v.to_string()).collect(),
        }],
        ..Default::default()
    }
}

fn field(name: &str, equals: &[&str]) -> FieldSelector {
    FieldSelector {
        field: name.into(),
        equals: equals.iter().map(|v| v.to_string()).collect(),
        ..Default::default()
    }
}

#[test]
fn every_version_numbers_its_logging_section_and_drops_what_it_dropped() {
    let ids = |k: &str| controls::benchmark(k).unwrap().ids();
    assert_eq!(
        ids("cis-1.2"),
        [
            "2.1", "2.2", "2.3", "2.4", "2.5", "2.6", "2.7", "2.8", "2.9"
        ]
    );
    for k in ["cis-1.4", "cis-1.5", "cis-2.0"] {
        assert_eq!(ids(k).len(), 11, "{k}");
        assert_eq!(
            controls::benchmark(k)
                .unwrap()
                .get("3.10")
                .unwrap()
                .check
                .key,
            "s3-object-write-events"
        );
    }
    for k in ["cis-3.0", "cis-4.0", "cis-5.0", "cis-6.0", "cis-7.0"] {
        let b = controls::benchmark(k).unwrap();
        assert!(
            b.by_check("trail-bucket-private").is_none(),
            "{k} dropped the public-bucket control"
        );
        assert!(
            b.by_check("cloudwatch-logs").is_none(),
            "{k} dropped the CloudWatch Logs control"
        );
        let s = if b.edition >= (6, 0) { "4" } else { "3" };
        assert_eq!(
            b.by_check("s3-object-read-events").unwrap().id,
            format!("{s}.9")
        );
    }
    // one Security Hub id per check, whatever the version
    for b in BENCHMARKS {
        for c in b.controls {
            let first = BENCHMARKS
                .iter()
                .find_map(|x| x.by_check(c.check.key))
                .unwrap();
            assert_eq!(c.security_hub, first.security_hub, "{} {}", b.key, c.id);
        }
    }
}

#[test]
fn a_settings_file_names_the_benchmark_and_its_ids() {
    let s =
        controls::parse_settings("benchmark = \"cis-3.0\"\nskip_controls = [\"3.8\"]\n").unwrap();
    assert_eq!(controls::of(&s).key, "cis-3.0");
    let e = controls::parse_settings("benchmark = \"cis-3.0\"\nskip_controls = [\"3.10\"]\n")
        .unwrap_err();
    assert!(e.contains("line 2: unknown control \"3.10\""), "{e}");
    let e = controls::parse_settings("benchmark = \"cis-8.0\"\n").unwrap_err();
    assert!(
        e.starts_with("unknown benchmark \"cis-8.0\": use one of cis-1.2, cis-1.4"),
        "{e}"
    );
    // the command line wins over the file, and the file's ids must be its
    let text = "benchmark = \"cis-3.0\"\nskip_controls = [\"3.8\"]\n";
    assert_eq!(
        controls::resolve(Some("cis-1.4"), &s, text).unwrap().key,
        "cis-1.4"
    );
    let e = controls::resolve(Some("cis-1.2"), &s, text).unwrap_err();
    assert!(e.contains("unknown control \"3.8\""), "{e}");
}

#[test]
fn the_same_check_reports_under_each_versions_id() {
    let s = non_compliant();
    for (key, id) in [
        ("cis-1.2", "2.2"),
        ("cis-1.4", "3.2"),
        ("cis-3.0", "3.2"),
        ("cis-7.0", "4.2"),
    ] {
        let f = findings(&s, key, id);
        assert!(
            !f.is_empty() && f.iter().all(|f| f.control == id),
            "{key}: {f:#?}"
        );
    }
}

#[test]
fn object_level_logging_passes_with_all_buckets_or_every_owned_bucket() {
    let mut s = compliant();
    s.owned_buckets = vec!["ct-main".into(), "data".into()];
    // management events only: both fail
    assert_eq!(status(&s, "cis-3.0", "3.8").0, Status::Fail);
    assert_eq!(status(&s, "cis-3.0", "3.9").0, Status::Fail);
    // all buckets, write only: write passes, read fails
    main_trail(&mut s)
        .event_selectors
        .push(s3(&["arn:aws:s3"], "WriteOnly"));
    assert_eq!(status(&s, "cis-3.0", "3.8").0, Status::Pass);
    assert_eq!(status(&s, "cis-3.0", "3.9").0, Status::Fail);
    // every owned bucket listed, read and write
    main_trail(&mut s).event_selectors[1] =
        s3(&["arn:aws:s3:::ct-main/", "arn:aws:s3:::data/"], "All");
    assert_eq!(status(&s, "cis-1.4", "3.10").0, Status::Pass);
    assert_eq!(status(&s, "cis-1.4", "3.11").0, Status::Pass);
    // one bucket missing from the list: fails
    main_trail(&mut s).event_selectors[1] = s3(&["arn:aws:s3:::ct-main/"], "All");
    assert_eq!(status(&s, "cis-1.4", "3.10").0, Status::Fail);
    // ... unless the settings scope the check to that bucket (and say so)
    let mut st = settings("cis-1.4");
    st.s3_data_events.buckets = vec!["ct-main".into()];
    let f = controls::detect(&s, &st, &controls::selected(&["3.10".into()], &st));
    assert_eq!(f[0].status, Status::Pass);
    assert!(
        f[0].reason.contains("CIS asks for every bucket"),
        "{}",
        f[0].reason
    );
}

#[test]
fn a_trail_that_is_not_multi_region_or_not_logging_does_not_count() {
    let mut s = compliant();
    main_trail(&mut s)
        .event_selectors
        .push(s3(&["arn:aws:s3"], "All"));
    assert_eq!(status(&s, "cis-5.0", "3.8").0, Status::Pass);
    main_trail(&mut s).is_multi_region = false;
    assert_eq!(status(&s, "cis-5.0", "3.8").0, Status::Fail);
    main_trail(&mut s).is_multi_region = true;
    main_trail(&mut s).is_logging = Some(false);
    let (st, why) = status(&s, "cis-5.0", "3.8");
    assert_eq!(st, Status::Fail);
    assert!(why.contains("no multi-region, logging trail"), "{why}");
}

#[test]
fn advanced_selectors_pass_unless_a_field_narrows_them() {
    let mut s = compliant();
    let data = |extra: Vec<FieldSelector>| {
        let mut f = vec![
            field("eventCategory", &["Data"]),
            field("resources.type", &["AWS::S3::Object"]),
        ];
        f.extend(extra);
        AdvancedEventSelector {
            name: Some("s3".into()),
            field_selectors: f,
        }
    };
    let t = main_trail(&mut s);
    t.event_selectors.clear();
    t.advanced_event_selectors = vec![
        AdvancedEventSelector {
            name: None,
            field_selectors: vec![field("eventCategory", &["Management"])],
        },
        data(vec![]),
    ];
    assert_eq!(status(&s, "cis-6.0", "4.8").0, Status::Pass);
    assert_eq!(status(&s, "cis-6.0", "4.9").0, Status::Pass);
    // readOnly=true records reads only
    main_trail(&mut s).advanced_event_selectors[1] = data(vec![field("readOnly", &["true"])]);
    assert_eq!(status(&s, "cis-6.0", "4.8").0, Status::Fail);
    assert_eq!(status(&s, "cis-6.0", "4.9").0, Status::Pass);
    // an eventName filter narrows it: neither passes
    main_trail(&mut s).advanced_event_selectors[1] = data(vec![field("eventName", &["PutObject"])]);
    assert_eq!(status(&s, "cis-6.0", "4.8").0, Status::Fail);
    // resources.ARN StartsWith all of S3 still covers every bucket
    let mut arn = field("resources.ARN", &[]);
    arn.starts_with = vec!["arn:aws:s3".into()];
    main_trail(&mut s).advanced_event_selectors[1] = data(vec![arn]);
    assert_eq!(status(&s, "cis-6.0", "4.8").0, Status::Pass);
}

fn data_action(p: &remediate::plan::Plan) -> &remediate::plan::Action {
    let found: Vec<_> = p
        .actions
        .iter()
        .filter(|a| a.reason.contains("S3 object-level"))
        .collect();
    assert_eq!(found.len(), 1, "one selector action: {:#?}", p.actions);
    found[0]
}

#[test]
fn write_and_read_become_one_basic_selector_and_every_selector_is_kept() {
    let mut s = compliant();
    main_trail(&mut s)
        .event_selectors
        .push(s3(&["arn:aws:lambda"], "All"));
    main_trail(&mut s).event_selectors[1].data_resources[0].r#type = "AWS::Lambda::Function".into();
    let p = remediate::pipeline::make(&s, &settings("cis-3.0"), &[]);
    let a = data_action(&p);
    let Op::PutEventSelectors(remediate::actions::PutEventSelectors { selectors, .. }) = &a.op
    else {
        panic!("basic selectors stay basic: {:?}", a.op)
    };
    let list = selectors["EventSelectors"].as_array().unwrap();
    assert_eq!(
        list.len(),
        3,
        "management, lambda and one S3 selector: {list:#?}"
    );
    assert_eq!(list[2]["ReadWriteType"], "All");
    assert_eq!(
        list[2]["DataResources"],
        json!([{"Type": "AWS::S3::Object", "Values": ["arn:aws:s3"]}])
    );
    assert_eq!(
        list[..2],
        a.before["EventSelectors"].as_array().unwrap()[..]
    );
    assert_eq!(a.controls, ["3.8", "3.9"]);
    // and the result passes both, with nothing more to plan
    let after = simulate(&s, &p.actions);
    assert!(
        remediate::pipeline::make(&after, &settings("cis-3.0"), &[])
            .actions
            .is_empty()
    );
}

#[test]
fn a_trail_with_advanced_selectors_gets_an_advanced_one() {
    let mut s = compliant();
    let t = main_trail(&mut s);
    t.event_selectors.clear();
    t.advanced_event_selectors = vec![AdvancedEventSelector {
        name: None,
        field_selectors: vec![field("eventCategory", &["Management"])],
    }];
    let p = remediate::pipeline::make(&s, &settings("cis-2.0"), &["3.10".into()]);
    let a = data_action(&p);
    let Op::PutEventSelectors(remediate::actions::PutEventSelectors { selectors, .. }) = &a.op
    else {
        panic!("advanced stays advanced: {:?}", a.op)
    };
    let list = selectors["AdvancedEventSelectors"].as_array().unwrap();
    assert_eq!(list.len(), 2);
    assert_eq!(list[1]["name"], "S3 object-level write events");
    assert!(
        list[1]["field_selectors"]
            .as_array()
            .unwrap()
            .contains(&json!({"field": "readOnly", "equals": ["false"]}))
    );
    let after = simulate(&s, &p.actions);
    assert_eq!(status(&after, "cis-2.0", "3.10").0, Status::Pass);
    assert_eq!(
        status(&after, "cis-2.0", "3.11").0,
        Status::Fail,
        "only write was selected"
    );
}

#[test]
fn five_basic_selectors_is_the_limit_and_the_finding_says_so() {
    let mut s = compliant();
    for i in 0..4 {
        let mut sel = s3(&[&format!("arn:aws:s3:::b{i}/")], "All");
        sel.data_resources[0].r#type = "AWS::Lambda::Function".into();
        main_trail(&mut s).event_selectors.push(sel);
    }
    let p = remediate::pipeline::make(&s, &settings("cis-3.0"), &["3.8".into()]);
    assert!(p.actions.is_empty(), "{:#?}", p.actions);
    let f = p.findings.iter().find(|f| f.control == "3.8").unwrap();
    assert_eq!(f.status, Status::Fail);
    assert!(f.reason.contains("AWS's limit"), "{}", f.reason);
}

#[test]
fn a_new_trail_records_data_events_in_the_same_selector_action() {
    let mut s = base();
    s.owned_buckets = vec!["data".into()];
    let p = remediate::pipeline::make(&s, &settings("cis-1.4"), &[]);
    let a = data_action(&p);
    assert!(a.before.is_null(), "the trail is new");
    assert!(a.controls.contains(&"3.1".to_string()) && a.controls.contains(&"3.10".to_string()));
    let after = simulate(&s, &p.actions);
    for id in ["3.1", "3.10", "3.11"] {
        assert_eq!(status(&after, "cis-1.4", id).0, Status::Pass, "{id}");
    }
}

#[test]
fn without_a_trail_to_extend_the_finding_says_what_to_fix_first() {
    let s = base();
    let p = remediate::pipeline::make(&s, &settings("cis-3.0"), &["3.8".into()]);
    assert!(p.actions.is_empty());
    assert!(
        p.findings[0]
            .reason
            .contains("fix the 'CloudTrail is enabled in all regions' control first"),
        "{}",
        p.findings[0].reason
    );
}

#[test]
fn every_version_converges_on_the_non_compliant_account() {
    for b in BENCHMARKS {
        let st = settings(b.key);
        let s = non_compliant();
        let p = remediate::pipeline::make(&s, &st, &[]);
        let after = simulate(&s, &p.actions);
        let left: Vec<_> = controls::detect(&after, &st, &controls::selected(&[], &st))
            .into_iter()
            .filter(|f| f.status == Status::Fail)
            .collect();
        assert!(left.is_empty(), "{}: {left:#?}", b.key);
        assert!(
            remediate::pipeline::make(&after, &st, &[])
                .actions
                .is_empty(),
            "{}",
            b.key
        );
    }
}
