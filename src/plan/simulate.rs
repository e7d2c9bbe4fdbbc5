//! Apply a plan to a snapshot in memory: what the account would look like if
//! every action succeeded. Tests use it to prove a plan converges (detect
//! finds nothing left to fix); nothing here talks to AWS.

use serde_json::Value;

use super::{Action, Op};
use crate::actions::{
    CreateBucket, CreateFlowLogs, CreateKey, CreateLogGroup, CreateRole, CreateTrail,
    DeleteBucketPolicy, EnableKeyRotation, PutAdvancedEventSelectors, PutBucketAcl,
    PutBucketLogging, PutBucketPolicy, PutConfigurationRecorder, PutDeliveryChannel,
    PutEventSelectors, PutKeyPolicy, PutPublicAccessBlock, StartConfigurationRecorder,
    StartLogging, UpdateTrail,
};
use crate::snapshot::{
    Acl, AdvancedEventSelector, Bucket, BucketLogging, DataResource, EventSelector, FlowLog, Key,
    LogGroup, Recorder, Role, Snapshot, Trail,
};

pub fn simulate(snap: &Snapshot, actions: &[Action]) -> Snapshot {
    let mut s = snap.clone();
    for a in actions {
        apply(&mut s, a);
    }
    s
}

fn trail_mut<'a>(s: &'a mut Snapshot, region: &str, name: &str) -> Option<&'a mut Trail> {
    s.trails
        .values_mut()
        .find(|t| t.home_region == region && t.name == name)
}

fn apply(s: &mut Snapshot, a: &Action) {
    let region = a.region.clone();
    match &a.op {
        Op::CreateBucket(CreateBucket { bucket }) => {
            if !s.owned_buckets.contains(bucket) {
                s.owned_buckets.push(bucket.clone());
                s.owned_buckets.sort();
            }
            s.buckets.entry(bucket.clone()).or_insert_with(|| Bucket {
                name: bucket.clone(),
                region: Some(region.clone()),
                owned: true,
                acl: Some(Acl {
                    owner_id: "owner".into(),
                    ..Default::default()
                }),
                ..Default::default()
            });
        }
        Op::PutPublicAccessBlock(PutPublicAccessBlock { bucket, config }) => {
            if let Some(b) = s.buckets.get_mut(bucket) {
                b.public_access_block = Some(config.clone());
            }
        }
        Op::PutBucketAcl(PutBucketAcl { bucket, grants, .. }) => {
            if let Some(acl) = s.buckets.get_mut(bucket).and_then(|b| b.acl.as_mut()) {
                acl.grants = grants.clone();
            }
        }
        Op::PutBucketPolicy(PutBucketPolicy { bucket, policy }) => {
            if let Some(b) = s.buckets.get_mut(bucket) {
                b.policy = Some(policy.clone());
            }
        }
        Op::DeleteBucketPolicy(DeleteBucketPolicy { bucket }) => {
            if let Some(b) = s.buckets.get_mut(bucket) {
                b.policy = None;
            }
        }
        Op::PutBucketLogging(PutBucketLogging {
            bucket,
            target_bucket,
            target_prefix,
        }) => {
            if let Some(b) = s.buckets.get_mut(bucket) {
                b.logging = Some(BucketLogging {
                    target_bucket: target_bucket.clone(),
                    target_prefix: target_prefix.clone(),
                });
            }
        }
        Op::CreateKey(CreateKey { alias, policy, .. }) => {
            let key_id = format!("sim-{}", alias.trim_start_matches("alias/"));
            let arn = s.arn("kms", &region, &format!("key/{key_id}"));
            s.keys.insert(
                arn.clone(),
                Key {
                    region: region.clone(),
                    key_id: key_id.clone(),
                    arn,
                    manager: "CUSTOMER".into(),
                    state: "Enabled".into(),
                    spec: "SYMMETRIC_DEFAULT".into(),
                    origin: "AWS_KMS".into(),
                    rotation_enabled: Some(true),
                    policy: Some(policy.clone()),
                    ..Default::default()
                },
            );
            s.aliases
                .entry(region)
                .or_default()
                .insert(alias.clone(), key_id);
        }
        Op::PutKeyPolicy(PutKeyPolicy { key_id, policy }) => {
            if let Some(k) = s
                .keys
                .values_mut()
                .find(|k| &k.arn == key_id || &k.key_id == key_id)
            {
                k.policy = Some(policy.clone());
            }
        }
        Op::EnableKeyRotation(EnableKeyRotation { key_id }) => {
            let alias = key_id.rsplit(':').next().unwrap_or_default();
            let via_alias = s.aliases.get(&region).and_then(|m| m.get(alias)).cloned();
            let key_id = via_alias.as_ref().unwrap_or(key_id);
            if let Some(k) = s
                .keys
                .values_mut()
                .find(|k| &k.arn == key_id || &k.key_id == key_id)
            {
                k.rotation_enabled = Some(true);
            }
        }
        Op::CreateLogGroup(CreateLogGroup {
            name,
            retention_days,
        }) => {
            let arn = s.arn("logs", &region, &format!("log-group:{name}"));
            s.log_groups.entry(region).or_default().insert(
                name.clone(),
                LogGroup {
                    name: name.clone(),
                    arn,
                    retention_days: Some(*retention_days),
                },
            );
        }
        Op::CreateRole(CreateRole {
            name,
            trust_policy,
            policy_name,
            policy,
        }) => {
            s.roles.insert(
                name.clone(),
                Role {
                    name: name.clone(),
                    arn: a.target.clone(),
                    trust_policy: Some(trust_policy.clone()),
                    inline_policies: [(policy_name.clone(), policy.clone())].into(),
                },
            );
        }
        Op::CreateServiceLinkedRole(_) => {
            s.roles.insert(
                "AWSServiceRoleForConfig".into(),
                Role {
                    name: "AWSServiceRoleForConfig".into(),
                    arn: a.target.clone(),
                    ..Default::default()
                },
            );
        }
        Op::CreateTrail(CreateTrail {
            name,
            bucket,
            prefix,
            kms_key_id,
            cloudwatch_log_group_arn,
            cloudwatch_role_arn,
        }) => {
            s.trails.insert(
                a.target.clone(),
                Trail {
                    name: name.clone(),
                    arn: a.target.clone(),
                    home_region: region,
                    is_multi_region: true,
                    include_global_service_events: true,
                    s3_bucket: Some(bucket.clone()),
                    s3_prefix: prefix.clone(),
                    log_file_validation: true,
                    kms_key_id: kms_key_id.clone(),
                    cloudwatch_log_group_arn: cloudwatch_log_group_arn.clone(),
                    cloudwatch_role_arn: cloudwatch_role_arn.clone(),
                    is_logging: Some(false),
                    ..Default::default()
                },
            );
        }
        Op::UpdateTrail(UpdateTrail {
            name,
            is_multi_region,
            include_global_service_events,
            log_file_validation,
            kms_key_id,
            cloudwatch_log_group_arn,
            cloudwatch_role_arn,
        }) => {
            if let Some(t) = trail_mut(s, &region, name) {
                if let Some(v) = is_multi_region {
                    t.is_multi_region = *v;
                }
                if let Some(v) = include_global_service_events {
                    t.include_global_service_events = *v;
                }
                if let Some(v) = log_file_validation {
                    t.log_file_validation = *v;
                }
                if kms_key_id.is_some() {
                    t.kms_key_id = kms_key_id.clone();
                }
                if cloudwatch_log_group_arn.is_some() {
                    t.cloudwatch_log_group_arn = cloudwatch_log_group_arn.clone();
                    t.cloudwatch_role_arn = cloudwatch_role_arn.clone();
                }
            }
        }
        Op::PutEventSelectors(PutEventSelectors { trail, selectors })
        | Op::PutAdvancedEventSelectors(PutAdvancedEventSelectors { trail, selectors }) => {
            let (basic, advanced) = parse_selectors(selectors);
            if let Some(t) = trail_mut(s, &region, trail) {
                t.event_selectors = basic;
                t.advanced_event_selectors = advanced;
            }
        }
        Op::StartLogging(StartLogging { trail }) => {
            if let Some(t) = trail_mut(s, &region, trail) {
                t.is_logging = Some(true);
            }
        }
        Op::PutConfigurationRecorder(PutConfigurationRecorder {
            name,
            role_arn,
            include_global_resource_types,
        }) => {
            let c = s.config.entry(region).or_default();
            match c.recorders.iter_mut().find(|r| &r.name == name) {
                Some(r) => {
                    r.all_supported = true;
                    r.include_global_resource_types = *include_global_resource_types;
                    r.role_arn = Some(role_arn.clone());
                }
                None => c.recorders.push(Recorder {
                    name: name.clone(),
                    role_arn: Some(role_arn.clone()),
                    all_supported: true,
                    include_global_resource_types: *include_global_resource_types,
                    ..Default::default()
                }),
            }
        }
        Op::PutDeliveryChannel(PutDeliveryChannel {
            name,
            bucket,
            prefix,
        }) => {
            let c = s.config.entry(region).or_default();
            c.channels.retain(|ch| &ch.name != name);
            c.channels.push(crate::snapshot::DeliveryChannel {
                name: name.clone(),
                s3_bucket: Some(bucket.clone()),
                s3_prefix: prefix.clone(),
                sns_topic_arn: None,
            });
        }
        Op::StartConfigurationRecorder(StartConfigurationRecorder { name }) => {
            if let Some(r) = s
                .config
                .entry(region)
                .or_default()
                .recorders
                .iter_mut()
                .find(|r| &r.name == name)
            {
                r.recording = true;
                r.last_status = Some("PENDING".into());
            }
        }
        Op::CreateFlowLogs(CreateFlowLogs {
            vpc_ids,
            traffic_type,
            destination_type,
            destination,
            ..
        }) => {
            for v in vpc_ids {
                let id = format!("fl-sim-{v}");
                s.flow_logs.insert(
                    id.clone(),
                    FlowLog {
                        region: region.clone(),
                        flow_log_id: id,
                        resource_id: v.clone(),
                        status: "ACTIVE".into(),
                        traffic_type: traffic_type.clone(),
                        destination_type: destination_type.clone(),
                        destination: Some(destination.clone()),
                    },
                );
            }
        }
        // Undo's reversals: plans never hold them, and the convergence
        // tests simulate plans only.
        Op::DeleteBucket(_)
        | Op::DeleteConfigurationRecorder(_)
        | Op::DeleteDeliveryChannel(_)
        | Op::DeleteFlowLogs(_)
        | Op::DeleteLogGroup(_)
        | Op::DeletePublicAccessBlock(_)
        | Op::DeleteRole(_)
        | Op::DeleteServiceLinkedRole(_)
        | Op::DeleteTrail(_)
        | Op::DisableBucketLogging(_)
        | Op::DisableKeyRotation(_)
        | Op::RestoreConfigurationRecorder(_)
        | Op::ScheduleKeyDeletion(_)
        | Op::StopConfigurationRecorder(_)
        | Op::StopLogging(_) => {}
    }
}

/// The selectors document of a `PutEventSelectors` op, as snapshot types.
pub fn parse_selectors(v: &Value) -> (Vec<EventSelector>, Vec<AdvancedEventSelector>) {
    let basic = v
        .get("EventSelectors")
        .and_then(Value::as_array)
        .map(|a| {
            a.iter()
                .map(|s| EventSelector {
                    read_write_type: s["ReadWriteType"].as_str().unwrap_or("All").to_string(),
                    include_management_events: s["IncludeManagementEvents"]
                        .as_bool()
                        .unwrap_or(false),
                    exclude_management_event_sources: strings(&s["ExcludeManagementEventSources"]),
                    data_resources: s["DataResources"]
                        .as_array()
                        .map(|d| {
                            d.iter()
                                .map(|d| DataResource {
                                    r#type: d["Type"].as_str().unwrap_or_default().to_string(),
                                    values: strings(&d["Values"]),
                                })
                                .collect()
                        })
                        .unwrap_or_default(),
                })
                .collect()
        })
        .unwrap_or_default();
    let advanced = v
        .get("AdvancedEventSelectors")
        .and_then(|a| serde_json::from_value(a.clone()).ok())
        .unwrap_or_default();
    (basic, advanced)
}

fn strings(v: &Value) -> Vec<String> {
    v.as_array()
        .map(|a| {
            a.iter()
                .filter_map(|x| x.as_str().map(String::from))
                .collect()
        })
        .unwrap_or_default()
}
