//! The test harness itself: moto starts, and the fixtures make what they say,
//! read back with the SDK directly (the product is not involved).

use crate::common;

use std::time::Instant;

use crate::common::fixtures::{self, Exposure, NotLogging};
use crate::common::{ACCOUNT, Clients, Moto};
use aws_sdk_cloudtrail::types::ReadWriteType;
use aws_sdk_ec2::types::Filter;
use aws_sdk_kms::types::{KeySpec, KeyState};
use aws_sdk_s3::types::{Permission, Type};
use serde_json::Value;

const REGIONS: [&str; 2] = ["us-east-1", "eu-west-1"];
const ALL_USERS: &str = "http://acs.amazonaws.com/groups/global/AllUsers";

fn start() -> Moto {
    let moto = Moto::start();
    eprintln!("moto started on {} in {:?}", moto.url, moto.startup);
    moto
}

async fn bucket_policy(c: &Clients, bucket: &str) -> Value {
    let out =
        c.s3.get_bucket_policy()
            .bucket(bucket)
            .send()
            .await
            .expect("get bucket policy");
    serde_json::from_str(out.policy().expect("policy text")).expect("policy is JSON")
}

fn statements(policy: &Value) -> Vec<Value> {
    match &policy["Statement"] {
        Value::Array(list) => list.clone(),
        other => vec![other.clone()],
    }
}

fn sids(policy: &Value) -> Vec<String> {
    statements(policy)
        .iter()
        .filter_map(|s| s["Sid"].as_str().map(str::to_owned))
        .collect()
}

fn has_public_allow(policy: &Value) -> bool {
    statements(policy)
        .iter()
        .any(|s| s["Effect"] == "Allow" && (s["Principal"] == "*" || s["Principal"]["AWS"] == "*"))
}

async fn all_users_grants(c: &Clients, bucket: &str) -> Vec<Permission> {
    let acl =
        c.s3.get_bucket_acl()
            .bucket(bucket)
            .send()
            .await
            .expect("get bucket acl");
    acl.grants()
        .iter()
        .filter(|g| {
            g.grantee()
                .is_some_and(|e| e.r#type() == &Type::Group && e.uri() == Some(ALL_USERS))
        })
        .filter_map(|g| g.permission().cloned())
        .collect()
}

async fn flow_logs_of(c: &Clients, vpc: &str) -> Vec<aws_sdk_ec2::types::FlowLog> {
    c.ec2
        .describe_flow_logs()
        .filter(Filter::builder().name("resource-id").values(vpc).build())
        .send()
        .await
        .expect("describe flow logs")
        .flow_logs()
        .to_vec()
}

async fn rotation(c: &Clients, key_id: &str) -> bool {
    c.kms
        .get_key_rotation_status()
        .key_id(key_id)
        .send()
        .await
        .expect("get key rotation status")
        .key_rotation_enabled()
}

#[test]
fn moto_starts_answers_and_resets() {
    let moto = start();
    assert!(moto.url.starts_with("http://127.0.0.1:"));
    let t = Instant::now();
    common::reset(&moto);
    eprintln!("reset took {:?}", t.elapsed());
    // A second server runs beside the first on another port.
    let other = start();
    assert_ne!(moto.port, other.port);
    let log = moto.log_tail(5);
    assert!(log.contains("/moto-api/reset"), "moto log: {log}");
}

#[tokio::test]
async fn non_compliant_fails_every_control_in_both_regions_and_reset_clears_it() {
    let moto = start();
    let cfg = moto.sdk_config().await;
    let t = Instant::now();
    let seeded = fixtures::non_compliant(&cfg, &REGIONS).await.expect("seed");
    eprintln!("non_compliant seeded in {:?}", t.elapsed());
    assert_eq!(seeded.account, ACCOUNT);
    assert_eq!(seeded.regions.len(), 2);
    assert_eq!(seeded.region("us-east-1").exposure, Exposure::PublicAcl);
    assert_eq!(seeded.region("eu-west-1").exposure, Exposure::PublicPolicy);

    for r in &seeded.regions {
        let c = Clients::new(&cfg, &r.region);

        // 2.1, 2.2, 2.4, 2.7: one single-region trail per region, nothing on.
        let trails = c
            .cloudtrail
            .describe_trails()
            .include_shadow_trails(true)
            .send()
            .await
            .unwrap();
        let trails = trails.trail_list();
        assert_eq!(trails.len(), 1, "{}: {trails:?}", r.region);
        let t = &trails[0];
        assert_eq!(t.name(), Some(r.trail.name.as_str()));
        assert_eq!(t.trail_arn(), Some(r.trail.arn.as_str()));
        assert_eq!(t.s3_bucket_name(), Some(r.trail.bucket.as_str()));
        assert_eq!(t.is_multi_region_trail(), Some(false));
        assert_eq!(t.log_file_validation_enabled(), Some(false));
        assert_eq!(t.cloud_watch_logs_log_group_arn(), None);
        assert_eq!(t.kms_key_id(), None);
        let status = c
            .cloudtrail
            .get_trail_status()
            .name(&r.trail.name)
            .send()
            .await
            .unwrap();
        assert_eq!(status.is_logging(), Some(false));
        assert_eq!(
            status.stop_logging_time().is_some(),
            r.not_logging == NotLogging::Stopped
        );
        let selectors = c
            .cloudtrail
            .get_event_selectors()
            .trail_name(&r.trail.name)
            .send()
            .await
            .unwrap();
        assert!(selectors.event_selectors().is_empty());
        assert!(selectors.advanced_event_selectors().is_empty());

        // 2.3: public by ACL or by policy; the CloudTrail statements are there.
        let grants = all_users_grants(&c, &r.trail.bucket).await;
        let policy = bucket_policy(&c, &r.trail.bucket).await;
        for sid in [
            "AWSCloudTrailAclCheck20150319",
            "AWSCloudTrailWrite20150319",
        ] {
            assert!(sids(&policy).contains(&sid.to_owned()), "{policy}");
        }
        match r.exposure {
            Exposure::PublicAcl => {
                assert_eq!(grants, vec![Permission::Read]);
                assert!(!has_public_allow(&policy), "{policy}");
            }
            Exposure::PublicPolicy => {
                assert!(grants.is_empty(), "{grants:?}");
                assert!(has_public_allow(&policy), "{policy}");
            }
        }

        // 2.6: no access logging.
        let logging =
            c.s3.get_bucket_logging()
                .bucket(&r.trail.bucket)
                .send()
                .await
                .unwrap();
        assert!(logging.logging_enabled().is_none());

        // 2.5: nothing, or a partial recorder that is not recording.
        let recorders = c
            .config
            .describe_configuration_recorders()
            .send()
            .await
            .unwrap();
        let status = c
            .config
            .describe_configuration_recorder_status()
            .send()
            .await
            .unwrap();
        let channels = c.config.describe_delivery_channels().send().await.unwrap();
        match &r.recorder {
            None => {
                assert!(recorders.configuration_recorders().is_empty());
                assert!(channels.delivery_channels().is_empty());
            }
            Some(name) => {
                let rec = &recorders.configuration_recorders()[0];
                assert_eq!(rec.name(), Some(name.as_str()));
                let group = rec.recording_group().unwrap();
                assert!(!group.all_supported());
                assert!(!status.configuration_recorders_status()[0].recording());
                assert_eq!(channels.delivery_channels().len(), 1);
            }
        }

        // 2.8: a customer symmetric key, rotation off.
        let key = c
            .kms
            .describe_key()
            .key_id(&r.key.key_id)
            .send()
            .await
            .unwrap();
        let meta = key.key_metadata().unwrap();
        assert_eq!(meta.key_spec(), Some(&KeySpec::SymmetricDefault));
        assert_eq!(meta.key_state(), Some(&KeyState::Enabled));
        assert!(!rotation(&c, &r.key.key_id).await);

        // 2.9: the default VPC and one more, no flow logs anywhere.
        let vpcs = fixtures::vpc_ids(&cfg, &r.region).await.unwrap();
        assert_eq!(vpcs.len(), 2, "{vpcs:?}");
        assert!(vpcs.contains(&r.default_vpc_id) && vpcs.contains(&r.extra_vpc_id));
        let all = c.ec2.describe_flow_logs().send().await.unwrap();
        assert!(all.flow_logs().is_empty());
    }

    // reset clears it all.
    let t = Instant::now();
    common::reset(&moto);
    eprintln!("reset of a seeded server took {:?}", t.elapsed());
    let c = Clients::new(&cfg, "eu-west-1");
    let trails = c.cloudtrail.describe_trails().send().await.unwrap();
    assert!(trails.trail_list().is_empty());
}

#[tokio::test]
async fn compliant_passes_every_control_in_both_regions() {
    let moto = start();
    let cfg = moto.sdk_config().await;
    let t = Instant::now();
    let seeded = fixtures::compliant(&cfg, &REGIONS).await.expect("seed");
    eprintln!("compliant seeded in {:?}", t.elapsed());
    assert_eq!(seeded.home_region, "us-east-1");
    let home = Clients::new(&cfg, "us-east-1");

    // 2.1, 2.2, 2.4, 2.7 on the one trail, seen from its home region.
    let trails = home
        .cloudtrail
        .describe_trails()
        .include_shadow_trails(false)
        .send()
        .await
        .unwrap();
    let trails = trails.trail_list();
    assert_eq!(trails.len(), 1);
    let t = &trails[0];
    assert_eq!(t.trail_arn(), Some(seeded.trail.arn.as_str()));
    assert_eq!(t.is_multi_region_trail(), Some(true));
    assert_eq!(t.include_global_service_events(), Some(true));
    assert_eq!(t.log_file_validation_enabled(), Some(true));
    assert_eq!(t.kms_key_id(), Some(seeded.trail_key.arn.as_str()));
    assert_eq!(
        t.cloud_watch_logs_log_group_arn(),
        Some(seeded.cloudtrail_log_group_arn.as_str())
    );
    assert_eq!(
        t.cloud_watch_logs_role_arn(),
        Some(seeded.cloudtrail_role_arn.as_str())
    );
    let status = home
        .cloudtrail
        .get_trail_status()
        .name(&seeded.trail.name)
        .send()
        .await
        .unwrap();
    assert_eq!(status.is_logging(), Some(true));
    let selectors = home
        .cloudtrail
        .get_event_selectors()
        .trail_name(&seeded.trail.name)
        .send()
        .await
        .unwrap();
    let s = &selectors.event_selectors()[0];
    assert_eq!(s.read_write_type(), Some(&ReadWriteType::All));
    assert_eq!(s.include_management_events(), Some(true));
    assert!(s.exclude_management_event_sources().is_empty());

    // 2.3, 2.6 on the trail bucket.
    assert!(
        all_users_grants(&home, &seeded.trail.bucket)
            .await
            .is_empty()
    );
    let policy = bucket_policy(&home, &seeded.trail.bucket).await;
    assert!(!has_public_allow(&policy), "{policy}");
    let logging = home
        .s3
        .get_bucket_logging()
        .bucket(&seeded.trail.bucket)
        .send()
        .await
        .unwrap();
    let le = logging.logging_enabled().expect("access logging on");
    assert_eq!(le.target_bucket(), seeded.access_log_bucket);
    let pab = home
        .s3
        .get_public_access_block()
        .bucket(&seeded.trail.bucket)
        .send()
        .await
        .unwrap();
    assert_eq!(
        pab.public_access_block_configuration()
            .and_then(|p| p.block_public_acls()),
        Some(true)
    );

    let log_groups = home
        .logs
        .describe_log_groups()
        .log_group_name_prefix(&seeded.cloudtrail_log_group)
        .send()
        .await
        .unwrap();
    assert_eq!(
        log_groups.log_groups()[0].retention_in_days(),
        Some(fixtures::LOG_RETENTION_DAYS)
    );

    for r in &seeded.regions {
        let c = Clients::new(&cfg, &r.region);

        // The multi-region trail shows up as a shadow copy everywhere.
        let everywhere = c
            .cloudtrail
            .describe_trails()
            .include_shadow_trails(true)
            .send()
            .await
            .unwrap();
        assert_eq!(everywhere.trail_list().len(), 1, "{}", r.region);

        // 2.5
        let recorders = c
            .config
            .describe_configuration_recorders()
            .send()
            .await
            .unwrap();
        let rec = &recorders.configuration_recorders()[0];
        assert_eq!(rec.role_arn(), Some(seeded.config_role_arn.as_str()));
        let group = rec.recording_group().unwrap();
        assert!(group.all_supported());
        assert_eq!(
            group.include_global_resource_types(),
            r.region == seeded.home_region
        );
        let status = c
            .config
            .describe_configuration_recorder_status()
            .send()
            .await
            .unwrap();
        assert!(status.configuration_recorders_status()[0].recording());
        let channels = c.config.describe_delivery_channels().send().await.unwrap();
        assert_eq!(
            channels.delivery_channels()[0].s3_bucket_name(),
            Some(seeded.config_bucket.as_str())
        );

        // 2.8: every customer key in the region rotates.
        let keys = c.kms.list_keys().send().await.unwrap();
        assert!(!keys.keys().is_empty());
        for k in keys.keys() {
            assert!(rotation(&c, k.key_id().unwrap()).await, "{k:?}");
        }
        assert!(rotation(&c, &r.data_key.key_id).await);

        // 2.9: one ACTIVE flow log per VPC.
        assert!(!r.vpc_ids.is_empty());
        assert_eq!(r.vpc_ids, fixtures::vpc_ids(&cfg, &r.region).await.unwrap());
        for vpc in &r.vpc_ids {
            let logs = flow_logs_of(&c, vpc).await;
            assert_eq!(logs.len(), 1, "{vpc}: {logs:?}");
            assert_eq!(logs[0].flow_log_status(), Some("ACTIVE"));
            assert_eq!(logs[0].deliver_logs_status(), Some("SUCCESS"));
        }
    }
}

#[tokio::test]
async fn edge_case_seeders_make_what_they_say() {
    let moto = start();
    let cfg = moto.sdk_config().await;
    let region = "eu-west-1";
    let c = Clients::new(&cfg, region);
    let t = Instant::now();

    let adv = fixtures::advanced_selectors_trail(&cfg, region, "edge-advanced")
        .await
        .unwrap();
    let excl = fixtures::excluded_sources_trail(&cfg, region, "edge-excluded")
        .await
        .unwrap();
    let stopped = fixtures::stopped_trail(&cfg, region, "edge-stopped")
        .await
        .unwrap();
    let multi = fixtures::multi_region_trail(&cfg, "us-east-1", "edge-multi")
        .await
        .unwrap();
    fixtures::add_deny_insecure_transport(&cfg, region, &adv.bucket)
        .await
        .unwrap();
    fixtures::make_acl_public(&cfg, region, &excl.bucket)
        .await
        .unwrap();
    fixtures::add_public_policy_statement(&cfg, region, &stopped.bucket)
        .await
        .unwrap();
    let asym = fixtures::asymmetric_key(&cfg, region).await.unwrap();
    let disabled = fixtures::disabled_key(&cfg, region).await.unwrap();
    let pending = fixtures::pending_deletion_key(&cfg, region).await.unwrap();
    let vpc = fixtures::vpc_without_flow_log(&cfg, region, "10.30.0.0/16", "edge")
        .await
        .unwrap();
    let failing = fixtures::flow_log_failing_delivery(&cfg, region, &vpc)
        .await
        .unwrap();
    eprintln!("edge cases seeded in {:?}", t.elapsed());

    // Trails: three homed here, plus the shadow of the us-east-1 one.
    let shadows = c
        .cloudtrail
        .describe_trails()
        .include_shadow_trails(true)
        .send()
        .await
        .unwrap();
    let mut names: Vec<_> = shadows
        .trail_list()
        .iter()
        .filter_map(|t| t.name())
        .collect();
    names.sort();
    assert_eq!(
        names,
        [
            "edge-advanced",
            "edge-excluded",
            "edge-multi",
            "edge-stopped"
        ]
    );
    assert_eq!(multi.home_region, "us-east-1");

    let sel = c
        .cloudtrail
        .get_event_selectors()
        .trail_name(&adv.name)
        .send()
        .await
        .unwrap();
    assert!(sel.event_selectors().is_empty());
    let fs = sel.advanced_event_selectors()[0].field_selectors();
    assert_eq!(fs.len(), 1);
    assert_eq!(fs[0].field(), "eventCategory");
    assert_eq!(fs[0].equals(), ["Management"]);

    let sel = c
        .cloudtrail
        .get_event_selectors()
        .trail_name(&excl.name)
        .send()
        .await
        .unwrap();
    assert_eq!(
        sel.event_selectors()[0].exclude_management_event_sources(),
        ["kms.amazonaws.com", "rdsdata.amazonaws.com"]
    );

    for (trail, logging) in [(&adv, true), (&excl, true), (&stopped, false)] {
        let st = c
            .cloudtrail
            .get_trail_status()
            .name(&trail.name)
            .send()
            .await
            .unwrap();
        assert_eq!(st.is_logging(), Some(logging), "{}", trail.name);
    }

    // Buckets: a harmless Deny *, a public ACL only, a public policy only.
    let policy = bucket_policy(&c, &adv.bucket).await;
    assert!(sids(&policy).contains(&"DenyInsecureTransport".to_owned()));
    assert!(sids(&policy).contains(&"AWSCloudTrailWrite20150319".to_owned()));
    assert!(!has_public_allow(&policy), "{policy}");
    assert_eq!(all_users_grants(&c, &excl.bucket).await, [Permission::Read]);
    assert!(!has_public_allow(&bucket_policy(&c, &excl.bucket).await));
    assert!(all_users_grants(&c, &stopped.bucket).await.is_empty());
    assert!(has_public_allow(&bucket_policy(&c, &stopped.bucket).await));

    // Keys.
    let describe = |id: String| {
        let c = c.clone();
        async move {
            c.kms
                .describe_key()
                .key_id(id)
                .send()
                .await
                .unwrap()
                .key_metadata()
                .cloned()
                .unwrap()
        }
    };
    let m = describe(asym.key_id.clone()).await;
    assert_eq!(m.key_spec(), Some(&KeySpec::Rsa2048));
    let m = describe(disabled.key_id.clone()).await;
    assert_eq!(m.key_state(), Some(&KeyState::Disabled));
    let m = describe(pending.key_id.clone()).await;
    assert_eq!(m.key_state(), Some(&KeyState::PendingDeletion));

    // A flow log that is ACTIVE but cannot deliver.
    let logs = flow_logs_of(&c, &vpc).await;
    assert_eq!(logs.len(), 1);
    assert_eq!(logs[0].flow_log_id(), Some(failing.as_str()));
    assert_eq!(logs[0].flow_log_status(), Some("ACTIVE"));
    assert_eq!(logs[0].deliver_logs_status(), Some("FAILED"));
}
