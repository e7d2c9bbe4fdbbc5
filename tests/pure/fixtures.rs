//! Hand-built snapshots for the pure tests: no emulator, no network.

use remediate::snapshot::*;
use serde_json::json;

pub const ACCOUNT: &str = "111122223333";
pub const NOW: i64 = 1_800_000_000;

pub fn base() -> Snapshot {
    Snapshot {
        account_id: ACCOUNT.into(),
        collected_at: NOW,
        partition: "aws".into(),
        home_region: "us-east-1".into(),
        regions: vec!["eu-west-1".into(), "us-east-1".into()],
        ..Default::default()
    }
}

pub fn trail_arn(region: &str, name: &str) -> String {
    format!("arn:aws:cloudtrail:{region}:{ACCOUNT}:trail/{name}")
}

pub fn trail(region: &str, name: &str, bucket: &str) -> Trail {
    Trail {
        name: name.into(),
        arn: trail_arn(region, name),
        home_region: region.into(),
        s3_bucket: Some(bucket.into()),
        is_logging: Some(false),
        ..Default::default()
    }
}

pub fn good_selectors() -> Vec<EventSelector> {
    vec![EventSelector {
        read_write_type: "All".into(),
        include_management_events: true,
        ..Default::default()
    }]
}

pub fn bucket(name: &str, region: &str) -> Bucket {
    Bucket {
        name: name.into(),
        region: Some(region.into()),
        owned: true,
        acl: Some(Acl {
            owner_id: "owner-canonical-id".into(),
            owner_display_name: None,
            grants: vec![Grant {
                grantee_type: "CanonicalUser".into(),
                id: Some("owner-canonical-id".into()),
                permission: "FULL_CONTROL".into(),
                ..Default::default()
            }],
        }),
        ..Default::default()
    }
}

pub fn add_bucket(s: &mut Snapshot, b: Bucket) {
    s.owned_buckets.push(b.name.clone());
    s.owned_buckets.sort();
    s.buckets.insert(b.name.clone(), b);
}

pub fn key(region: &str, id: &str) -> Key {
    Key {
        region: region.into(),
        key_id: id.into(),
        arn: format!("arn:aws:kms:{region}:{ACCOUNT}:key/{id}"),
        manager: "CUSTOMER".into(),
        state: "Enabled".into(),
        spec: "SYMMETRIC_DEFAULT".into(),
        origin: "AWS_KMS".into(),
        rotation_enabled: Some(false),
        ..Default::default()
    }
}

pub fn add_key(s: &mut Snapshot, k: Key) {
    s.keys.insert(k.arn.clone(), k);
}

pub fn vpc(region: &str, id: &str) -> Vpc {
    Vpc {
        region: region.into(),
        vpc_id: id.into(),
        owner_id: ACCOUNT.into(),
        is_default: false,
    }
}

pub fn add_vpc(s: &mut Snapshot, v: Vpc) {
    s.vpcs.insert(v.vpc_id.clone(), v);
}

pub fn flow_log(region: &str, vpc: &str, status: &str) -> FlowLog {
    FlowLog {
        region: region.into(),
        flow_log_id: format!("fl-{vpc}"),
        resource_id: vpc.into(),
        status: status.into(),
        traffic_type: "REJECT".into(),
        destination_type: "cloud-watch-logs".into(),
        destination: Some("flows".into()),
    }
}

/// Every control failing, in two regions.
pub fn non_compliant() -> Snapshot {
    let mut s = base();
    let east = trail("us-east-1", "east-trail", "ct-east");
    let west = trail("eu-west-1", "west-trail", "ct-west");
    s.trails.insert(east.arn.clone(), east);
    s.trails.insert(west.arn.clone(), west);
    let mut b = bucket("ct-east", "us-east-1");
    b.acl.as_mut().unwrap().grants.push(Grant {
        grantee_type: "Group".into(),
        uri: Some(ALL_USERS.into()),
        permission: "READ".into(),
        ..Default::default()
    });
    add_bucket(&mut s, b);
    let mut b = bucket("ct-west", "eu-west-1");
    b.policy = Some(json!({"Version": "2012-10-17", "Statement": [
        {"Sid": "PublicRead", "Effect": "Allow", "Principal": "*", "Action": "s3:GetObject", "Resource": "arn:aws:s3:::ct-west/*"},
        {"Sid": "DenyInsecure", "Effect": "Deny", "Principal": "*", "Action": "s3:*", "Resource": "arn:aws:s3:::ct-west/*",
         "Condition": {"Bool": {"aws:SecureTransport": "false"}}}
    ]}));
    add_bucket(&mut s, b);
    add_key(&mut s, key("us-east-1", "k-east"));
    add_key(&mut s, key("eu-west-1", "k-west"));
    add_vpc(&mut s, vpc("us-east-1", "vpc-east"));
    add_vpc(&mut s, vpc("eu-west-1", "vpc-west"));
    s
}

/// Every control passing.
pub fn compliant() -> Snapshot {
    let mut s = base();
    let mut t = trail("us-east-1", "main", "ct-main");
    t.is_multi_region = true;
    t.include_global_service_events = true;
    t.is_logging = Some(true);
    t.log_file_validation = true;
    t.kms_key_id = Some(format!("arn:aws:kms:us-east-1:{ACCOUNT}:key/k-ct"));
    t.cloudwatch_log_group_arn = Some(format!("arn:aws:logs:us-east-1:{ACCOUNT}:log-group:ct:*"));
    t.cloudwatch_role_arn = Some(format!("arn:aws:iam::{ACCOUNT}:role/ct"));
    t.latest_cloudwatch_delivery = Some(NOW - 600);
    t.event_selectors = good_selectors();
    s.trails.insert(t.arn.clone(), t);
    let mut b = bucket("ct-main", "us-east-1");
    b.logging = Some(BucketLogging {
        target_bucket: "access-logs".into(),
        target_prefix: "ct-main/".into(),
    });
    add_bucket(&mut s, b);
    for r in ["eu-west-1", "us-east-1"] {
        s.config.insert(
            r.into(),
            RegionConfig {
                recorders: vec![Recorder {
                    name: "default".into(),
                    role_arn: Some("arn:aws:iam::111122223333:role/config".into()),
                    all_supported: true,
                    include_global_resource_types: r == "us-east-1",
                    recording: true,
                    last_status: Some("SUCCESS".into()),
                    ..Default::default()
                }],
                channels: vec![DeliveryChannel {
                    name: "default".into(),
                    s3_bucket: Some("config-bucket".into()),
                    ..Default::default()
                }],
            },
        );
        let mut k = key(r, &format!("k-{r}"));
        k.rotation_enabled = Some(true);
        add_key(&mut s, k);
        let v = format!("vpc-{r}");
        add_vpc(&mut s, vpc(r, &v));
        let f = flow_log(r, &v, "ACTIVE");
        s.flow_logs.insert(f.flow_log_id.clone(), f);
    }
    s
}
