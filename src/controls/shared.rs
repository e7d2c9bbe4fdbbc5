//! What several controls need: scope rules for trails and buckets, the
//! documents REFERENCE prescribes, and "ensure" helpers that plan a shared
//! prerequisite once (reuse what exists, create only when nothing fits).

use serde_json::{Value, json};

use crate::actions::{
    CreateBucket, CreateKey, CreateLogGroup, CreateRole, PutPublicAccessBlock, SetBucketLogging,
    SetKeyRotation,
};
use crate::finding::{Finding, Status};
use crate::plan::builder::{Draft, Planner};
use crate::plan::{Op, Safety};
use crate::settings::fill;
use crate::snapshot::{BucketLogging, PublicAccessBlock, Service, Snapshot, Trail};

/// A finding that says the trail cannot be judged here, or `None` when it can.
///
/// An organization trail of another account (seen from a member account) is
/// judged like any trail: its settings are readable here, and an auditor of
/// the member account reads them. [`super::detect`] turns its failures into
/// `manual` (fixed in the management account, never from here).
pub fn trail_out_of_reach(snap: &Snapshot, control: &str, t: &Trail) -> Option<Finding> {
    if t.owner_account() != snap.account_id && !t.is_organization {
        return Some(Finding::new(
            control,
            &t.home_region,
            &t.arn,
            Status::Manual,
            format!(
                "trail belongs to account {} (organization trail): fix it there",
                t.owner_account()
            ),
        ));
    }
    if let Some(e) = snap.read_failed(&t.home_region, Service::Cloudtrail) {
        return Some(Finding::new(
            control,
            &t.home_region,
            &t.arn,
            Status::Error,
            format!("cannot read CloudTrail: {} {}", e.operation, e.message),
        ));
    }
    None
}

/// "Every trail of the account", as an ARN pattern (account-wide findings).
pub fn all_trails_arn(snap: &Snapshot) -> String {
    format!(
        "arn:{}:cloudtrail:*:{}:trail/*",
        snap.partition, snap.account_id
    )
}

/// The account-wide `error` finding of a check that needs CloudTrail when
/// the home region's CloudTrail could not be read.
pub fn cloudtrail_unreadable(snap: &Snapshot, control: &str) -> Option<Finding> {
    let home = &snap.home_region;
    snap.read_failed(home, Service::Cloudtrail).map(|e| {
        Finding::new(
            control,
            home,
            all_trails_arn(snap),
            Status::Error,
            format!("cannot read CloudTrail: {}", e.message),
        )
    })
}

/// Trail buckets, each once, with the trails that write to it.
pub fn trail_buckets(snap: &Snapshot) -> Vec<(String, Vec<&Trail>)> {
    let mut m: std::collections::BTreeMap<String, Vec<&Trail>> = Default::default();
    for t in snap.trails.values() {
        if let Some(b) = &t.s3_bucket {
            m.entry(b.clone()).or_default().push(t);
        }
    }
    m.into_iter().collect()
}

/// A finding when the bucket cannot be judged or fixed from this account.
pub fn bucket_out_of_reach(
    snap: &Snapshot,
    control: &str,
    bucket: &str,
    region: &str,
) -> Option<Finding> {
    let arn = bucket_arn(snap, bucket);
    if let Some(e) = snap.read_failed("*", Service::S3) {
        return Some(Finding::new(
            control,
            region,
            arn,
            Status::Error,
            format!("cannot read S3: {} {}", e.operation, e.message),
        ));
    }
    let owned = snap.buckets.get(bucket).map(|b| b.owned).unwrap_or(false)
        && snap.owned_buckets.iter().any(|b| b == bucket);
    if !owned {
        return Some(Finding::new(
            control,
            region,
            arn,
            Status::Manual,
            "bucket is not owned by this account (or does not exist): check it in the account that owns it",
        ));
    }
    None
}

pub fn bucket_region(snap: &Snapshot, bucket: &str, fallback: &str) -> String {
    snap.buckets
        .get(bucket)
        .and_then(|b| b.region.clone())
        .unwrap_or_else(|| fallback.to_string())
}

pub fn bucket_arn(snap: &Snapshot, bucket: &str) -> String {
    format!("arn:{}:s3:::{bucket}", snap.partition)
}

pub fn role_arn(snap: &Snapshot, name: &str) -> String {
    format!(
        "arn:{}:iam::{}:role/{name}",
        snap.partition, snap.account_id
    )
}

pub fn trail_arn(snap: &Snapshot, region: &str, name: &str) -> String {
    snap.arn("cloudtrail", region, &format!("trail/{name}"))
}

pub fn log_group_arn(snap: &Snapshot, region: &str, name: &str) -> String {
    snap.arn("logs", region, &format!("log-group:{name}:*"))
}

/// Create the bucket (private: Public Access Block on) unless the account
/// already owns it. Returns the ids to depend on.
pub fn ensure_bucket(
    p: &mut Planner,
    control: &str,
    fixes: &[String],
    bucket: &str,
    region: &str,
    why: &str,
) -> Vec<String> {
    if p.snap.owned_buckets.iter().any(|b| b == bucket) {
        return vec![];
    }
    let create = p.add(
        control,
        fixes,
        Draft {
            op: Op::CreateBucket(CreateBucket {
                bucket: bucket.into(),
            }),
            region: region.into(),
            target: bucket.into(),
            before: Value::Null,
            after: json!({"Bucket": bucket, "Region": region}),
            reason: format!("create bucket {bucket}: {why}"),
            safety: Safety::NeedsReview,
            depends_on: vec![],
            observes: vec![format!("buckets/{bucket}")],
        },
    );
    let pab = ensure_public_access_block(
        p,
        control,
        fixes,
        bucket,
        region,
        vec![create.clone()],
        "a new bucket is private",
    );
    vec![create, pab]
}

/// A private bucket that a delivery service writes to: created when
/// missing (with its Public Access Block), then `stmts` merged into its
/// policy. Returns what a delivery must wait for (the policy last).
#[allow(clippy::too_many_arguments)]
pub fn ensure_delivery_bucket(
    p: &mut Planner,
    control: &str,
    fixes: &[String],
    bucket: &str,
    region: &str,
    why: &str,
    policy_why: &str,
    stmts: &[Value],
) -> Vec<String> {
    let mut deps = ensure_bucket(p, control, fixes, bucket, region, why);
    deps.push(p.edit_bucket_policy(
        control,
        fixes,
        bucket,
        region,
        policy_why,
        Safety::NeedsReview,
        deps.clone(),
        |doc| crate::policy::merge(Some(doc), stmts),
    ));
    deps
}

pub fn ensure_public_access_block(
    p: &mut Planner,
    control: &str,
    fixes: &[String],
    bucket: &str,
    region: &str,
    depends_on: Vec<String>,
    why: &str,
) -> String {
    let before = p
        .snap
        .buckets
        .get(bucket)
        .and_then(|b| b.public_access_block.clone())
        .map(|x| serde_json::to_value(x).unwrap())
        .unwrap_or(Value::Null);
    p.add(
        control,
        fixes,
        Draft {
            op: Op::PutPublicAccessBlock(PutPublicAccessBlock {
                bucket: bucket.into(),
                config: PublicAccessBlock::all(),
            }),
            region: region.into(),
            target: bucket.into(),
            before,
            after: serde_json::to_value(PublicAccessBlock::all()).unwrap(),
            reason: format!("block public access on {bucket}: {why}"),
            safety: Safety::NeedsReview,
            depends_on,
            observes: vec![format!("buckets/{bucket}/public_access_block")],
        },
    )
}

/// REFERENCE: the two statements CloudTrail needs on its bucket.
pub fn cloudtrail_bucket_statements(
    snap: &Snapshot,
    bucket: &str,
    prefix: Option<&str>,
    trail_arn: &str,
) -> Vec<Value> {
    let p = &snap.partition;
    let path = match prefix.filter(|s| !s.is_empty()) {
        Some(pre) => format!("{bucket}/{pre}"),
        None => bucket.to_string(),
    };
    vec![
        json!({
            "Sid": "AWSCloudTrailAclCheck20150319",
            "Effect": "Allow",
            "Principal": {"Service": "cloudtrail.amazonaws.com"},
            "Action": "s3:GetBucketAcl",
            "Resource": format!("arn:{p}:s3:::{bucket}"),
            "Condition": {"StringEquals": {"aws:SourceArn": trail_arn}}
        }),
        json!({
            "Sid": "AWSCloudTrailWrite20150319",
            "Effect": "Allow",
            "Principal": {"Service": "cloudtrail.amazonaws.com"},
            "Action": "s3:PutObject",
            "Resource": format!("arn:{p}:s3:::{path}/AWSLogs/{}/*", snap.account_id),
            "Condition": {"StringEquals": {
                "s3:x-amz-acl": "bucket-owner-full-control",
                "aws:SourceArn": trail_arn
            }}
        }),
    ]
}

/// The statement an organization trail needs besides the account's: it
/// writes every member's logs under `AWSLogs/<organization id>/`
/// (https://docs.aws.amazon.com/awscloudtrail/latest/userguide/create-s3-bucket-policy-for-cloudtrail.html#org-trail-bucket-policy).
pub fn cloudtrail_organization_statement(
    snap: &Snapshot,
    bucket: &str,
    org: &str,
    trail_arn: &str,
) -> Value {
    json!({
        "Sid": "AWSCloudTrailOrganizationWrite20150319",
        "Effect": "Allow",
        "Principal": {"Service": "cloudtrail.amazonaws.com"},
        "Action": "s3:PutObject",
        "Resource": format!("arn:{}:s3:::{bucket}/AWSLogs/{org}/*", snap.partition),
        "Condition": {"StringEquals": {
            "s3:x-amz-acl": "bucket-owner-full-control",
            "aws:SourceArn": trail_arn
        }}
    })
}

/// True when `doc` (a bucket policy) lets CloudTrail deliver `trail`'s logs
/// to `bucket`: `s3:GetBucketAcl` on the bucket and `s3:PutObject` under
/// `[prefix/]AWSLogs/<account>/`.
pub fn admits_cloudtrail(snap: &Snapshot, doc: &Value, bucket: &str, trail: &Trail) -> bool {
    let arn = bucket_arn(snap, bucket);
    let logs = match trail.s3_prefix.as_deref().filter(|x| !x.is_empty()) {
        Some(pre) => format!("{arn}/{pre}/AWSLogs/{}/x", snap.account_id),
        None => format!("{arn}/AWSLogs/{}/x", snap.account_id),
    };
    let svc = crate::policy::Caller::Service("cloudtrail.amazonaws.com");
    crate::policy::allows(doc, svc, &["s3:GetBucketAcl"], &arn)
        && crate::policy::allows(doc, svc, &["s3:PutObject"], &logs)
}

/// REFERENCE 2.4: log group + role CloudTrail delivers through, in the
/// trail's home region. Returns (log group ARN for UpdateTrail, role ARN, deps).
pub fn ensure_cloudtrail_logs(
    p: &mut Planner,
    control: &str,
    fixes: &[String],
    region: &str,
    organization: bool,
) -> (String, String, Vec<String>) {
    let snap = p.snap;
    let names = &p.settings.names;
    let group = fill(&names.cloudtrail_log_group, &snap.account_id, region);
    let role = fill(&names.cloudtrail_role, &snap.account_id, region);
    let mut deps = vec![];
    deps.extend(ensure_log_group(
        p,
        control,
        fixes,
        region,
        &group,
        "CloudTrail delivers events to it",
    ));
    let role_arn = role_arn(snap, &role);
    {
        let stream = |prefix: &str| {
            snap.arn(
                "logs",
                region,
                &format!("log-group:{group}:log-stream:{prefix}"),
            )
        };
        // An organization trail also writes the member accounts' events,
        // to streams named `o-<orgid>_*` (REFERENCE; AWS: "Role policy
        // document for CloudTrail to use CloudWatch Logs for monitoring",
        // https://docs.aws.amazon.com/awscloudtrail/latest/userguide/cloudtrail-required-policy-for-cloudwatch-logs.html).
        let mut streams = vec![stream(&format!("{}_CloudTrail_{region}*", snap.account_id))];
        if organization {
            let org = snap.organization_id.as_deref().unwrap_or("o-*");
            streams.push(stream(&format!("{org}_*")));
        }
        // The trust AWS documents for this role: CloudTrail, no condition.
        // AWS documents no source condition for it (unlike VPC Flow Logs'),
        // so none is added: an undocumented one could stop delivery.
        // https://docs.aws.amazon.com/awscloudtrail/latest/userguide/send-cloudtrail-events-to-cloudwatch-logs.html
        let trust = json!({"Version": "2012-10-17", "Statement": [{
            "Effect": "Allow",
            "Principal": {"Service": "cloudtrail.amazonaws.com"},
            "Action": "sts:AssumeRole"
        }]});
        let policy = json!({"Version": "2012-10-17", "Statement": [{
            "Sid": format!("CloudTrailLogs{}", region.replace('-', "")),
            "Effect": "Allow",
            "Action": ["logs:CreateLogStream", "logs:PutLogEvents"],
            "Resource": if streams.len() == 1 { streams[0].clone().into() } else { json!(streams) }
        }]});
        deps.extend(ensure_role(
            p,
            control,
            fixes,
            &role,
            trust,
            "cloudtrail-to-cloudwatch-logs",
            policy,
            "a role CloudTrail assumes to write to CloudWatch Logs",
        ));
    }
    (log_group_arn(snap, region, &group), role_arn, deps)
}

/// Ensure a role with `policy`'s statements in its inline policy: create it
/// when missing; when it exists, merge what its inline policy lacks (a role
/// made for one region gains the next region's statement) and never touch
/// its trust policy. `None` when the role already has everything.
#[allow(clippy::too_many_arguments)]
pub fn ensure_role(
    p: &mut Planner,
    control: &str,
    fixes: &[String],
    name: &str,
    trust: Value,
    policy_name: &str,
    policy: Value,
    why: &str,
) -> Option<String> {
    let region = p.snap.home_region.clone();
    let target = role_arn(p.snap, name);
    let probe = Op::CreateRole(CreateRole {
        name: name.into(),
        trust_policy: Value::Null,
        policy_name: String::new(),
        policy: Value::Null,
    });
    let id = crate::plan::builder::action_id(&probe, &region, &target);
    let existing = p.snap.roles.get(name).cloned();
    let existing_inline = existing
        .as_ref()
        .and_then(|r| r.inline_policies.get(policy_name).cloned());
    // One role serves every region: fold this region's statements into
    // what is already planned for it, or into what the role already has.
    let base = match p.pending_op(&id) {
        Some(Op::CreateRole(CreateRole { policy: prev, .. })) => Some(prev.clone()),
        _ => existing_inline.clone(),
    };
    // Already allowed by what the role has (a broader or older statement):
    // nothing to add.
    if existing.is_some()
        && !p.has(&id)
        && existing_inline
            .as_ref()
            .is_some_and(|have| crate::policy::grants_all(have, &policy))
    {
        return None;
    }
    let merged = crate::policy::merge(base.as_ref(), &crate::policy::statements(&policy));
    if existing.is_some() && !p.has(&id) && existing_inline.as_ref() == Some(&merged) {
        return None;
    }
    let (before, trust, reason) = match &existing {
        Some(r) => (
            json!({"AssumeRolePolicyDocument": r.trust_policy, "InlinePolicies": {policy_name: existing_inline}}),
            r.trust_policy.clone().unwrap_or(Value::Null),
            format!(
                "add the missing statements to role {name}'s inline policy {policy_name}: {why}"
            ),
        ),
        None => (Value::Null, trust, format!("create role {name}: {why}")),
    };
    Some(p.add(
        control,
        fixes,
        Draft {
            op: Op::CreateRole(CreateRole {
                name: name.into(),
                trust_policy: trust.clone(),
                policy_name: policy_name.into(),
                policy: merged.clone(),
            }),
            region,
            target,
            before,
            after: json!({"AssumeRolePolicyDocument": trust, "InlinePolicies": {policy_name: merged}}),
            reason,
            safety: Safety::NeedsReview,
            depends_on: vec![],
            observes: vec![format!("roles/{name}")],
        },
    ))
}

pub fn ensure_log_group(
    p: &mut Planner,
    control: &str,
    fixes: &[String],
    region: &str,
    name: &str,
    why: &str,
) -> Vec<String> {
    if p.snap
        .log_groups
        .get(region)
        .is_some_and(|m| m.contains_key(name))
    {
        return vec![];
    }
    let days = p.settings.log_retention_days;
    vec![
        p.add(
            control,
            fixes,
            Draft {
                op: Op::CreateLogGroup(CreateLogGroup {
                    name: name.into(),
                    retention_days: days,
                }),
                region: region.into(),
                target: log_group_arn(p.snap, region, name)
                    .trim_end_matches(":*")
                    .to_string(),
                before: Value::Null,
                after: json!({"LogGroupName": name, "RetentionInDays": days}),
                reason: format!("create log group {name} with {days} days retention: {why}"),
                safety: Safety::NeedsReview,
                depends_on: vec![],
                observes: vec![format!("log_groups/{region}/{name}")],
            },
        ),
    ]
}

/// REFERENCE 2.7: the key policy statements CloudTrail needs for `trail_arn`.
pub fn cloudtrail_key_statements(snap: &Snapshot, trail_arn: &str) -> Vec<Value> {
    vec![
        json!({
            "Sid": "AllowCloudTrailEncryptLogs",
            "Effect": "Allow",
            "Principal": {"Service": "cloudtrail.amazonaws.com"},
            "Action": "kms:GenerateDataKey*",
            "Resource": "*",
            "Condition": {
                "StringLike": {"kms:EncryptionContext:aws:cloudtrail:arn": format!("arn:{}:cloudtrail:*:{}:trail/*", snap.partition, snap.account_id)},
                "StringEquals": {"aws:SourceArn": trail_arn}
            }
        }),
        json!({
            "Sid": "AllowCloudTrailDescribeKey",
            "Effect": "Allow",
            "Principal": {"Service": "cloudtrail.amazonaws.com"},
            "Action": "kms:DescribeKey",
            "Resource": "*",
            "Condition": {"StringEquals": {"aws:SourceArn": trail_arn}}
        }),
    ]
}

/// REFERENCE 2.7: the tool's trail key in `region` (reused through its alias
/// when it exists, its policy merged; else created). Returns the KmsKeyId to
/// give the trail and the ids to depend on.
pub fn ensure_trail_key(
    p: &mut Planner,
    control: &str,
    fixes: &[String],
    region: &str,
    trail_arn: &str,
) -> Result<(String, Vec<String>), String> {
    let snap = p.snap;
    let alias = p.settings.names.kms_alias.clone();
    let alias_arn = snap.arn("kms", region, &alias);
    let target = snap.aliases.get(region).and_then(|m| m.get(&alias));
    let existing = target.and_then(|key_id| {
        snap.keys
            .values()
            .find(|k| k.region == region && (&k.key_id == key_id || &k.arn == key_id))
    });
    // Only a key that can encrypt is reused: CloudTrail refuses a disabled
    // or pending-deletion key, and re-enabling one is the owner's call.
    if let Some(k) = existing {
        if k.state != "Enabled" || k.spec != "SYMMETRIC_DEFAULT" || k.manager != "CUSTOMER" {
            return Err(format!(
                "{alias} in {region} points at key {} which is {} ({}, {}-managed): it is not used; enable it, or point the alias (names.kms_alias) at an enabled symmetric customer key",
                k.key_id,
                k.state,
                k.spec,
                k.manager.to_lowercase()
            ));
        }
    } else if let Some(key_id) = target {
        return Err(format!(
            "{alias} in {region} points at key {key_id}, which could not be read: it is not used"
        ));
    }
    let why = "lets CloudTrail encrypt this trail's logs (log readers also need kms:Decrypt on it)";
    if let Some(key) = existing {
        let arn = key.arn.clone();
        let id = p.edit_key_policy(
            control,
            fixes,
            &arn,
            region,
            why,
            &cloudtrail_key_statements(snap, trail_arn),
        );
        return Ok((alias_arn, vec![id]));
    }
    let root = json!({
        "Sid": "EnableIamUserPermissions",
        "Effect": "Allow",
        "Principal": {"AWS": format!("arn:{}:iam::{}:root", snap.partition, snap.account_id)},
        "Action": "kms:*",
        "Resource": "*"
    });
    let mut stmts = vec![root];
    stmts.extend(cloudtrail_key_statements(snap, trail_arn));
    let draft_policy = crate::policy::merge(None, &stmts);
    // Several trails in one region share the key: fold their statements in.
    let id = crate::plan::builder::action_id(
        &Op::CreateKey(CreateKey {
            alias: alias.clone(),
            description: String::new(),
            policy: Value::Null,
        }),
        region,
        &alias_arn,
    );
    let policy = match p.created_key_policy(&id) {
        Some(prev) => crate::policy::merge(Some(&prev), &stmts),
        None => draft_policy,
    };
    let id = p.add(
        control,
        fixes,
        Draft {
            op: Op::CreateKey(CreateKey {
                alias: alias.clone(),
                description: "CloudTrail log encryption (created by remediate)".into(),
                policy: policy.clone(),
            }),
            region: region.into(),
            target: alias_arn.clone(),
            before: Value::Null,
            after: json!({"KeySpec": "SYMMETRIC_DEFAULT", "KeyRotationEnabled": true, "Alias": alias, "Policy": policy}),
            reason: format!("create a customer key with yearly rotation: {why}"),
            safety: Safety::NeedsReview,
            depends_on: vec![],
            observes: vec![format!("aliases/{region}/{alias}")],
        },
    );
    // A key this tool makes passes 2.8 from the start.
    let rotate = p.add(
        control,
        fixes,
        Draft {
            op: Op::SetKeyRotation(SetKeyRotation {
                key_id: alias_arn.clone(),
                enabled: true,
            }),
            region: region.into(),
            target: alias_arn.clone(),
            before: Value::Null,
            after: json!({"KeyRotationEnabled": true}),
            reason: "turn on yearly rotation of the new key".into(),
            safety: Safety::Safe,
            depends_on: vec![id.clone()],
            observes: vec![],
        },
    );
    Ok((alias_arn, vec![id, rotate]))
}

/// REFERENCE 2.6: the statement that lets S3 log delivery write `source`'s
/// access logs under `target/prefix`, conditioned on the source bucket and
/// account (the documented form for buckets with ACLs disabled).
pub fn access_log_statement(snap: &Snapshot, source: &str, target: &str, prefix: &str) -> Value {
    let sid: String = format!("S3ServerAccessLogs{source}")
        .chars()
        .filter(|c| c.is_ascii_alphanumeric())
        .collect();
    json!({
        "Sid": sid,
        "Effect": "Allow",
        "Principal": {"Service": "logging.s3.amazonaws.com"},
        "Action": "s3:PutObject",
        "Resource": format!("arn:{}:s3:::{target}/{prefix}*", snap.partition),
        "Condition": {
            "ArnLike": {"aws:SourceArn": bucket_arn(snap, source)},
            "StringEquals": {"aws:SourceAccount": snap.account_id}
        }
    })
}

/// REFERENCE 2.6: server access logging for `bucket` into the region's
/// access-log bucket. Returns the id of the PutBucketLogging action, or an
/// error text when the target cannot take logs.
pub fn ensure_access_logging(
    p: &mut Planner,
    control: &str,
    fixes: &[String],
    bucket: &str,
    region: &str,
) -> Result<String, String> {
    let snap = p.snap;
    let target = fill(
        &p.settings.names.access_log_bucket,
        &snap.account_id,
        region,
    );
    if target == bucket {
        return Err(format!(
            "{bucket} is the access-log bucket itself: a bucket must not log to itself"
        ));
    }
    if let Some(t) = snap
        .buckets
        .get(&target)
        .filter(|_| snap.owned_buckets.contains(&target))
    {
        if t.region.as_deref().is_some_and(|r| r != region) {
            return Err(format!("access-log bucket {target} is in another region"));
        }
        if t.object_lock
            || t.requester_pays
            || t.encryption.as_deref().is_some_and(|e| e != "AES256")
        {
            return Err(format!(
                "access-log bucket {target} has Object Lock, Requester Pays or KMS encryption: S3 cannot deliver logs to it"
            ));
        }
    }
    let mut deps = ensure_bucket(
        p,
        control,
        fixes,
        &target,
        region,
        "receives S3 server access logs",
    );
    // One statement per source bucket, on exactly its prefix (REFERENCE:
    // `target/prefix*`), so each source can write only its own logs.
    let target_prefix = format!("s3-access-logs/{bucket}/");
    let stmt = access_log_statement(snap, bucket, &target, &target_prefix);
    deps.push(p.edit_bucket_policy(
        control,
        fixes,
        &target,
        region,
        "lets S3 log delivery write access logs (source bucket and account conditioned)",
        Safety::NeedsReview,
        deps.clone(),
        |doc| crate::policy::merge(Some(doc), &[stmt]),
    ));
    let before = snap
        .buckets
        .get(bucket)
        .and_then(|b| b.logging.clone())
        .map(|l| serde_json::to_value(l).unwrap())
        .unwrap_or(Value::Null);
    Ok(p.add(
        control,
        fixes,
        Draft {
            op: Op::SetBucketLogging(SetBucketLogging {
                bucket: bucket.into(),
                logging: Some(BucketLogging {
                    target_bucket: target.clone(),
                    target_prefix: target_prefix.clone(),
                }),
            }),
            region: region.into(),
            target: bucket.into(),
            before,
            after: json!({"target_bucket": target, "target_prefix": target_prefix}),
            reason: format!("turn on server access logging of {bucket}"),
            safety: Safety::Safe,
            depends_on: deps,
            observes: vec![format!("buckets/{bucket}/logging")],
        },
    ))
}
