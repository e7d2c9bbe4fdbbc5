//! AWS Config is enabled in all regions.
//!
//! Passes: every scanned region has a customer recorder (service-linked
//!         `AWSConfigurationRecorderFor...` ones do not count) with
//!         allSupported=true, recording=true, lastStatus=SUCCESS, and a
//!         delivery channel; and some region records global resource types.
//! Pending: all set but lastStatus is still PENDING (right after a start).
//! Skips:  nothing; regions whose Config calls failed are `error`.
//! Fix:    the Config service-linked role if missing; a delivery bucket in
//!         the home region whose merged policy lets config.amazonaws.com
//!         (source account conditioned) check and write; then per region
//!         PutConfigurationRecorder (reusing the customer recorder's name and
//!         role), PutDeliveryChannel (reused if one exists), and
//!         StartConfigurationRecorder — in that order.
//! Safety: needs review — Config bills per recorded item.

use serde_json::{Value, json};

use super::shared::{bucket_arn, ensure_bucket};
use super::{Check, Control};
use crate::actions::{
    CreateServiceLinkedRole, PutConfigurationRecorder, PutDeliveryChannel, SetRecording,
};
use crate::finding::{Finding, Status};
use crate::plan::builder::{Draft, Planner};
use crate::plan::{Op, Safety};
use crate::settings::{FileSettings, fill};
use crate::snapshot::{Recorder, Service, Snapshot};

pub const CHECK: Check = Check {
    key: "config-all-regions",
    fix: "recorder, delivery channel (bucket), start recording, per region",
    detect,
    plan,
    resource_security_hub: None,
};

const SLR: &str = "AWSServiceRoleForConfig";

fn customer(snap: &Snapshot, region: &str) -> Option<Recorder> {
    snap.config
        .get(region)?
        .recorders
        .iter()
        .find(|r| !r.service_linked)
        .cloned()
}

pub use crate::regions::{NO_IAM_GLOBAL_TYPES, can_record_global};

/// The region that should record global resource types: the settings'
/// choice, else the partition's first region (us-east-1, us-gov-west-1,
/// cn-north-1), else the home region, else the first scanned region that
/// can record them.
pub fn global_region(snap: &Snapshot, s: &FileSettings) -> String {
    let default = match snap.partition.as_str() {
        "aws-us-gov" => "us-gov-west-1",
        "aws-cn" => "cn-north-1",
        _ => "us-east-1",
    };
    let scanned = |r: &String| snap.regions.contains(r) && can_record_global(r);
    s.global_resources_region
        .iter()
        .chain([&default.to_string(), &snap.home_region])
        .chain(&snap.regions)
        .find(|r| scanned(r))
        .cloned()
        .unwrap_or_else(|| default.to_string())
}

fn someone_records_global(snap: &Snapshot) -> bool {
    snap.regions.iter().any(|r| {
        can_record_global(r)
            && customer(snap, r).is_some_and(|c| c.include_global_resource_types && c.all_supported)
    })
}

fn resource(snap: &Snapshot, region: &str) -> String {
    snap.arn("config", region, "configuration-recorder")
}

fn detect(snap: &Snapshot, s: &FileSettings, c: &Control) -> Vec<Finding> {
    let id = c.id;
    let global = global_region(snap, s);
    let needs_global = !someone_records_global(snap);
    snap.regions
        .iter()
        .map(|region| {
            let f =
                |status, why: String| Finding::new(id, region, resource(snap, region), status, why);
            if let Some(e) = snap.read_failed(region, Service::Config) {
                return f(
                    Status::Error,
                    format!("cannot read Config: {} {}", e.operation, e.message),
                );
            }
            let mut gaps = vec![];
            let rec = customer(snap, region);
            match &rec {
                None => gaps.push("no customer configuration recorder".to_string()),
                Some(r) => {
                    if !r.all_supported {
                        gaps.push("allSupported=false".into());
                    }
                    if !r.recording {
                        gaps.push("recording=false".into());
                    }
                    if r.last_status.as_deref() == Some("FAILURE") {
                        gaps.push("lastStatus=FAILURE".into());
                    }
                }
            }
            if snap
                .config
                .get(region)
                .is_none_or(|c| c.channels.is_empty())
            {
                gaps.push("no delivery channel".into());
            }
            if needs_global && *region == global {
                gaps.push(
                    "no region records global resource types (includeGlobalResourceTypes=false)"
                        .into(),
                );
            }
            if !gaps.is_empty() {
                return f(Status::Fail, gaps.join(", "));
            }
            match rec.and_then(|r| r.last_status) {
                Some(s) if s == "SUCCESS" => {
                    f(Status::Pass, "recording all resources, delivering".into())
                }
                other => f(
                    Status::Pending,
                    format!(
                        "recorder started, lastStatus={} (expect SUCCESS after the first delivery)",
                        other.unwrap_or_else(|| "none".into())
                    ),
                ),
            }
        })
        .collect()
}

fn recorder_doc(r: Option<&Recorder>) -> Value {
    match r {
        None => Value::Null,
        Some(r) => {
            let mut group = json!({"allSupported": r.all_supported, "includeGlobalResourceTypes": r.include_global_resource_types});
            if let Some(s) = &r.recording_strategy {
                group["recordingStrategy"] = json!(s);
            }
            if !r.exclusion_resource_types.is_empty() {
                group["exclusionByResourceTypes"] = json!(r.exclusion_resource_types);
            }
            if !r.resource_types.is_empty() {
                group["resourceTypes"] = json!(r.resource_types);
            }
            let mut doc = json!({"name": r.name, "roleARN": r.role_arn, "recordingGroup": group, "recording": r.recording});
            if let Some(f) = &r.recording_frequency {
                doc["recordingMode"] = json!({"recordingFrequency": f});
            }
            doc
        }
    }
}

fn plan(p: &mut Planner, id: &str, findings: &[Finding]) {
    let snap = p.snap;
    let home = snap.home_region.clone();
    let global = global_region(snap, p.settings);
    let needs_global = !someone_records_global(snap);
    let slr_arn = snap
        .roles
        .get(SLR)
        .map(|r| r.arn.clone())
        .unwrap_or_else(|| {
            format!(
                "arn:{}:iam::{}:role/aws-service-role/config.amazonaws.com/{SLR}",
                snap.partition, snap.account_id
            )
        });
    let all_fixes: Vec<String> = findings.iter().map(|f| f.id()).collect();

    for f in findings {
        let region = f.region.clone();
        let fixes = [f.id()];
        let rec = customer(snap, &region);
        let mut deps = vec![];
        let role = match rec.as_ref().and_then(|r| r.role_arn.clone()) {
            Some(r) => r,
            None => {
                if !snap.roles.contains_key(SLR) {
                    deps.push(p.add(
                        id,
                        &all_fixes,
                        Draft {
                            op: Op::CreateServiceLinkedRole(CreateServiceLinkedRole {
                                service: "config.amazonaws.com".into(),
                            }),
                            region: home.clone(),
                            target: slr_arn.clone(),
                            before: Value::Null,
                            after: json!({"AWSServiceName": "config.amazonaws.com"}),
                            reason: "the role AWS Config records with".into(),
                            safety: Safety::NeedsReview,
                            depends_on: vec![],
                            observes: vec![format!("roles/{SLR}")],
                        },
                    ));
                }
                slr_arn.clone()
            }
        };
        let name = rec
            .as_ref()
            .map(|r| r.name.clone())
            .unwrap_or_else(|| fill(&p.settings.names.recorder, &snap.account_id, &region));
        let include_global = rec
            .as_ref()
            .is_some_and(|r| r.include_global_resource_types)
            || (needs_global && region == global);
        let target = resource(snap, &region);
        let observes = vec![format!("config/{region}")];
        let recorder_ok = rec
            .as_ref()
            .is_some_and(|r| r.all_supported && r.include_global_resource_types == include_global);
        let mut start_deps = vec![];
        if !recorder_ok {
            // The recording mode is kept as it is (the executor sends the
            // recorder's own); an exclusion list cannot stand beside
            // allSupported=true, so it goes, as the diff shows.
            let mut after = json!({
                "name": name, "roleARN": role,
                "recordingGroup": {"allSupported": true, "includeGlobalResourceTypes": include_global},
                "recording": rec.as_ref().is_some_and(|r| r.recording),
            });
            if let Some(f) = rec.as_ref().and_then(|r| r.recording_frequency.as_ref()) {
                after["recordingMode"] = json!({"recordingFrequency": f});
            }
            let id = p.add(
                id,
                &fixes,
                Draft {
                    op: Op::PutConfigurationRecorder(PutConfigurationRecorder::all_supported(
                        name.clone(),
                        role.clone(),
                        include_global,
                    )),
                    region: region.clone(),
                    target: target.clone(),
                    before: recorder_doc(rec.as_ref()),
                    after,
                    reason: if rec.is_some() {
                        "record all supported resource types".into()
                    } else {
                        "create the configuration recorder".into()
                    },
                    safety: Safety::NeedsReview,
                    depends_on: deps.clone(),
                    observes: observes.clone(),
                },
            );
            start_deps.push(id);
        }
        if snap
            .config
            .get(&region)
            .is_none_or(|c| c.channels.is_empty())
        {
            // In aws-cn, a delivery channel in cn-north-1 needs a bucket in
            // cn-north-1; elsewhere one bucket in the home region serves all.
            // https://docs.amazonaws.cn/en_us/config/latest/developerguide/s3-bucket-policy.html
            let bucket_region = if snap.partition == "aws-cn" && region == "cn-north-1" {
                region.clone()
            } else {
                home.clone()
            };
            let mut bucket = fill(
                &p.settings.names.config_bucket,
                &snap.account_id,
                &bucket_region,
            );
            if bucket_region != home && !p.settings.names.config_bucket.contains("{region}") {
                bucket = format!("{bucket}-{bucket_region}");
            }
            let mut cdeps = ensure_bucket(
                p,
                id,
                &all_fixes,
                &bucket,
                &bucket_region,
                "receives AWS Config snapshots and history",
            );
            let stmts = config_bucket_statements(snap, &bucket);
            let pol = p.edit_bucket_policy(id, &all_fixes, &bucket, &bucket_region,
                "lets AWS Config check and write to its delivery bucket (source account conditioned)",
                Safety::NeedsReview, cdeps.clone(), |doc| crate::policy::merge(Some(doc), &stmts));
            cdeps.push(pol);
            cdeps.extend(start_deps.clone());
            let channel = fill(
                &p.settings.names.delivery_channel,
                &snap.account_id,
                &region,
            );
            start_deps.push(p.add(
                id,
                &fixes,
                Draft {
                    op: Op::PutDeliveryChannel(PutDeliveryChannel {
                        name: channel.clone(),
                        bucket: bucket.clone(),
                        prefix: None,
                    }),
                    region: region.clone(),
                    target: format!("{target}/delivery-channel/{channel}"),
                    before: Value::Null,
                    after: json!({"name": channel, "s3BucketName": bucket}),
                    reason: "deliver configuration history to S3".into(),
                    safety: Safety::NeedsReview,
                    depends_on: cdeps,
                    observes: observes.clone(),
                },
            ));
        }
        if !rec.as_ref().is_some_and(|r| r.recording) {
            p.add(
                id,
                &fixes,
                Draft {
                    op: Op::SetRecording(SetRecording {
                        name: name.clone(),
                        recording: true,
                    }),
                    region: region.clone(),
                    target: target.clone(),
                    before: json!({"recording": false}),
                    after: json!({"recording": true}),
                    reason: "start recording".into(),
                    safety: Safety::Safe,
                    depends_on: start_deps,
                    observes,
                },
            );
        }
    }
}

/// REFERENCE 2.5: what config.amazonaws.com needs on its delivery bucket.
pub fn config_bucket_statements(snap: &Snapshot, bucket: &str) -> Vec<Value> {
    let arn = bucket_arn(snap, bucket);
    let cond = json!({"StringEquals": {"aws:SourceAccount": snap.account_id}});
    vec![
        json!({"Sid": "AWSConfigBucketPermissionsCheck", "Effect": "Allow", "Principal": {"Service": "config.amazonaws.com"},
               "Action": "s3:GetBucketAcl", "Resource": arn, "Condition": cond}),
        json!({"Sid": "AWSConfigBucketExistenceCheck", "Effect": "Allow", "Principal": {"Service": "config.amazonaws.com"},
               "Action": "s3:ListBucket", "Resource": arn, "Condition": cond}),
        json!({"Sid": "AWSConfigBucketDelivery", "Effect": "Allow", "Principal": {"Service": "config.amazonaws.com"},
               "Action": "s3:PutObject", "Resource": format!("{arn}/AWSLogs/{}/Config/*", snap.account_id),
               "Condition": {"StringEquals": {"s3:x-amz-acl": "bucket-owner-full-control", "aws:SourceAccount": snap.account_id}}}),
    ]
}
