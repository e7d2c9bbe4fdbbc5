//! The strict emulator (tests/strict/strict_moto.py) refuses what AWS
//! refuses, with AWS's error code and HTTP status, and accepts what AWS
//! accepts: one test per rule, through the AWS SDK for Rust. The rules and
//! the AWS pages they encode are listed in docs/safety.md ("The strict
//! emulator").

use std::fmt::Debug;

use crate::common::{ACCOUNT, Clients, Moto, fixtures};
use aws_sdk_cloudtrail::types::{
    AdvancedEventSelector, AdvancedFieldSelector, DataResource, EventSelector, ReadWriteType,
};
use aws_sdk_config::types::{ConfigurationRecorder, DeliveryChannel, RecordingGroup};
use aws_sdk_ec2::types::{FlowLogsResourceType, LogDestinationType, TrafficType};
use aws_sdk_s3::error::ProvideErrorMetadata;
use aws_sdk_s3::types::{
    BucketCannedAcl, BucketLoggingStatus, LoggingEnabled, ObjectOwnership, OwnershipControls,
    OwnershipControlsRule,
};
use aws_smithy_runtime_api::client::orchestrator::HttpResponse;
use aws_smithy_runtime_api::client::result::SdkError;
use serde_json::{Value, json};

const US: &str = "us-east-1";
const EU: &str = "eu-west-1";

/// A strict server and us-east-1 clients on it.
struct Env {
    _moto: Moto,
    cfg: aws_config::SdkConfig,
    c: Clients,
}

async fn env() -> Env {
    let moto = Moto::start();
    let cfg = moto.sdk_config().await;
    let c = Clients::new(&cfg, US);
    Env {
        _moto: moto,
        cfg,
        c,
    }
}

/// Asserts that `result` is AWS's refusal `code` with HTTP `status`;
/// returns its message.
#[track_caller]
fn refused<T: Debug, E: ProvideErrorMetadata + Debug>(
    result: Result<T, SdkError<E, HttpResponse>>,
    code: &str,
    status: u16,
) -> String {
    let err = result.expect_err(&format!("AWS refuses this with {code}"));
    assert_eq!(err.code(), Some(code), "{err:?}");
    let got = err.raw_response().map(|r| r.status().as_u16());
    assert_eq!(got, Some(status), "HTTP status of {code}");
    err.message().unwrap_or_default().to_owned()
}

async fn bucket(e: &Env, region: &str, name: &str) {
    fixtures::create_bucket(&e.cfg, region, name).await.unwrap();
}

async fn put_policy(
    e: &Env,
    bucket: &str,
    policy: &Value,
) -> Result<
    (),
    SdkError<aws_sdk_s3::operation::put_bucket_policy::PutBucketPolicyError, HttpResponse>,
> {
    e.c.s3
        .put_bucket_policy()
        .bucket(bucket)
        .policy(policy.to_string())
        .send()
        .await
        .map(|_| ())
}

fn get_object_by_root(bucket: &str) -> Value {
    json!({"Effect": "Allow", "Principal": {"AWS": format!("arn:aws:iam::{ACCOUNT}:root")},
           "Action": "s3:GetObject", "Resource": format!("arn:aws:s3:::{bucket}/*")})
}

fn policy_of(statements: Vec<Value>) -> Value {
    json!({"Version": "2012-10-17", "Statement": statements})
}

async fn set_ownership(
    e: &Env,
    bucket: &str,
    ownership: ObjectOwnership,
) -> Result<
    (),
    SdkError<
        aws_sdk_s3::operation::put_bucket_ownership_controls::PutBucketOwnershipControlsError,
        HttpResponse,
    >,
> {
    let rule = OwnershipControlsRule::builder()
        .object_ownership(ownership)
        .build()
        .unwrap();
    e.c.s3
        .put_bucket_ownership_controls()
        .bucket(bucket)
        .ownership_controls(OwnershipControls::builder().rules(rule).build().unwrap())
        .send()
        .await
        .map(|_| ())
}

async fn put_acl(
    e: &Env,
    bucket: &str,
    acl: BucketCannedAcl,
) -> Result<(), SdkError<aws_sdk_s3::operation::put_bucket_acl::PutBucketAclError, HttpResponse>> {
    e.c.s3
        .put_bucket_acl()
        .bucket(bucket)
        .acl(acl)
        .send()
        .await
        .map(|_| ())
}

// ---------------------------------------------------------------------------
// S3: defaults, bucket policies, ACLs
// ---------------------------------------------------------------------------

#[tokio::test]
async fn new_buckets_have_acls_disabled_and_block_public_access_on() {
    let e = env().await;
    bucket(&e, US, "fresh").await;
    let own =
        e.c.s3
            .get_bucket_ownership_controls()
            .bucket("fresh")
            .send()
            .await
            .unwrap();
    let rules = own.ownership_controls().unwrap().rules();
    assert_eq!(
        rules[0].object_ownership(),
        &ObjectOwnership::BucketOwnerEnforced
    );
    let pab =
        e.c.s3
            .get_public_access_block()
            .bucket("fresh")
            .send()
            .await
            .unwrap();
    let pab = pab.public_access_block_configuration().unwrap();
    assert_eq!(
        (
            pab.block_public_acls(),
            pab.ignore_public_acls(),
            pab.block_public_policy(),
            pab.restrict_public_buckets()
        ),
        (Some(true), Some(true), Some(true), Some(true))
    );
}

#[tokio::test]
async fn bucket_policy_with_an_empty_statement_is_refused_with_malformed_policy() {
    let e = env().await;
    bucket(&e, US, "bkt").await;
    let msg = refused(
        put_policy(&e, "bkt", &policy_of(vec![])).await,
        "MalformedPolicy",
        400,
    );
    assert!(msg.contains("Statement is empty"), "{msg}");
    put_policy(&e, "bkt", &policy_of(vec![get_object_by_root("bkt")]))
        .await
        .expect("one statement is a policy");
}

#[tokio::test]
async fn malformed_bucket_policies_are_refused_with_malformed_policy() {
    let e = env().await;
    bucket(&e, US, "bkt").await;
    let not_json =
        e.c.s3
            .put_bucket_policy()
            .bucket("bkt")
            .policy("Statement: allow")
            .send()
            .await;
    let msg = refused(not_json, "MalformedPolicy", 400);
    assert!(msg.contains("valid JSON"), "{msg}");
    refused(
        put_policy(&e, "bkt", &json!({"Version": "2012-10-17"})).await,
        "MalformedPolicy",
        400,
    );
    let good = get_object_by_root("bkt");
    for (element, broken) in [
        ("Effect", None),
        ("Effect", Some(json!("Permit"))),
        ("Principal", None),
        ("Action", None),
        ("Resource", None),
        ("Resource", Some(json!("arn:aws:s3:::another-bucket/*"))),
    ] {
        let mut stmt = good.clone();
        match broken.clone() {
            Some(v) => stmt[element] = v,
            None => {
                stmt.as_object_mut().unwrap().remove(element);
            }
        }
        let msg = refused(
            put_policy(&e, "bkt", &policy_of(vec![stmt])).await,
            "MalformedPolicy",
            400,
        );
        eprintln!("{element} {broken:?}: {msg}");
    }
    put_policy(&e, "bkt", &policy_of(vec![good]))
        .await
        .expect("a well-formed policy");
}

#[tokio::test]
async fn bucket_policy_over_20_kb_normalized_is_refused_with_malformed_policy() {
    let e = env().await;
    bucket(&e, US, "bkt").await;
    // 140 statements of ~150 bytes: over 20,480 bytes without whitespace.
    let many = |n: usize| {
        (0..n)
            .map(|i| {
                let mut s = get_object_by_root("bkt");
                s["Sid"] = json!(format!("S{i:04}"));
                s["Resource"] = json!(format!("arn:aws:s3:::bkt/prefix-{i:04}/*"));
                s
            })
            .collect::<Vec<_>>()
    };
    let big = policy_of(many(140));
    assert!(big.to_string().len() > 20_480);
    let msg = refused(put_policy(&e, "bkt", &big).await, "MalformedPolicy", 400);
    assert!(msg.contains("20480"), "{msg}");
    // Whitespace is not counted: the same size pretty-printed is fine when
    // its normalized form fits.
    let fits = policy_of(many(100));
    let pretty = serde_json::to_string_pretty(&fits).unwrap();
    assert!(pretty.len() > 20_480 && fits.to_string().len() < 20_480);
    e.c.s3
        .put_bucket_policy()
        .bucket("bkt")
        .policy(pretty)
        .send()
        .await
        .expect("fits normalized");
}

#[tokio::test]
async fn public_bucket_policy_is_refused_while_block_public_access_is_on() {
    let e = env().await;
    bucket(&e, US, "bkt").await;
    let public = policy_of(vec![json!({"Effect": "Allow", "Principal": "*",
        "Action": "s3:GetObject", "Resource": "arn:aws:s3:::bkt/*"})]);
    refused(put_policy(&e, "bkt", &public).await, "AccessDenied", 403);
    // Principal * narrowed to one account by aws:SourceAccount is not public.
    let narrowed = policy_of(vec![json!({"Effect": "Allow", "Principal": "*",
        "Action": "s3:GetObject", "Resource": "arn:aws:s3:::bkt/*",
        "Condition": {"StringEquals": {"aws:SourceAccount": ACCOUNT}}})]);
    put_policy(&e, "bkt", &narrowed).await.expect("not public");
    fixtures::open_to_public(&e.cfg, US, "bkt").await.unwrap();
    put_policy(&e, "bkt", &public)
        .await
        .expect("Block Public Access off");
}

#[tokio::test]
async fn bucket_acl_on_a_bucket_owner_enforced_bucket_is_refused_with_access_control_list_not_supported()
 {
    let e = env().await;
    bucket(&e, US, "bkt").await;
    refused(
        put_acl(&e, "bkt", BucketCannedAcl::from("log-delivery-write")).await,
        "AccessControlListNotSupported",
        400,
    );
    put_acl(&e, "bkt", BucketCannedAcl::Private)
        .await
        .expect("the default ACL is accepted");
    set_ownership(&e, "bkt", ObjectOwnership::ObjectWriter)
        .await
        .unwrap();
    put_acl(&e, "bkt", BucketCannedAcl::from("log-delivery-write"))
        .await
        .expect("ACLs enabled");
}

#[tokio::test]
async fn public_acl_is_refused_while_block_public_access_is_on() {
    let e = env().await;
    bucket(&e, US, "bkt").await;
    set_ownership(&e, "bkt", ObjectOwnership::ObjectWriter)
        .await
        .unwrap();
    refused(
        put_acl(&e, "bkt", BucketCannedAcl::PublicRead).await,
        "AccessDenied",
        403,
    );
    fixtures::open_to_public(&e.cfg, US, "bkt").await.unwrap();
    put_acl(&e, "bkt", BucketCannedAcl::PublicRead)
        .await
        .expect("Block Public Access off");
}

#[tokio::test]
async fn disabling_acls_while_the_acl_grants_others_is_refused_with_invalid_bucket_acl_with_object_ownership()
 {
    let e = env().await;
    bucket(&e, US, "bkt").await;
    set_ownership(&e, "bkt", ObjectOwnership::ObjectWriter)
        .await
        .unwrap();
    put_acl(&e, "bkt", BucketCannedAcl::from("log-delivery-write"))
        .await
        .unwrap();
    refused(
        set_ownership(&e, "bkt", ObjectOwnership::BucketOwnerEnforced).await,
        "InvalidBucketAclWithObjectOwnership",
        400,
    );
    put_acl(&e, "bkt", BucketCannedAcl::Private).await.unwrap();
    set_ownership(&e, "bkt", ObjectOwnership::BucketOwnerEnforced)
        .await
        .expect("owner-only ACL");
}

#[tokio::test]
async fn create_bucket_with_a_public_acl_is_refused_while_acls_are_disabled() {
    let e = env().await;
    let made =
        e.c.s3
            .create_bucket()
            .bucket("bkt")
            .acl(BucketCannedAcl::PublicRead)
            .send()
            .await;
    refused(made, "InvalidBucketAclWithObjectOwnership", 400);
    e.c.s3
        .create_bucket()
        .bucket("bkt")
        .acl(BucketCannedAcl::Private)
        .send()
        .await
        .expect("private ACL");
}

// ---------------------------------------------------------------------------
// S3: server access logging
// ---------------------------------------------------------------------------

fn log_to(target: &str) -> BucketLoggingStatus {
    BucketLoggingStatus::builder()
        .logging_enabled(
            LoggingEnabled::builder()
                .target_bucket(target)
                .target_prefix("src/")
                .build()
                .unwrap(),
        )
        .build()
}

#[tokio::test]
async fn access_logging_to_a_bucket_in_another_region_is_refused_with_cross_location_logging_prohibitted()
 {
    let e = env().await;
    bucket(&e, US, "src").await;
    bucket(&e, EU, "logs-eu").await;
    bucket(&e, US, "logs-us").await;
    // The EU bucket lets the logging service write for `src`: only its
    // region is wrong.
    let write = json!({"Effect": "Allow", "Principal": {"Service": "logging.s3.amazonaws.com"},
        "Action": "s3:PutObject", "Resource": "arn:aws:s3:::logs-eu/*",
        "Condition": {"ArnLike": {"aws:SourceArn": "arn:aws:s3:::src"}}});
    put_policy(&e, "logs-eu", &policy_of(vec![write]))
        .await
        .unwrap();
    let cross =
        e.c.s3
            .put_bucket_logging()
            .bucket("src")
            .bucket_logging_status(log_to("logs-eu"))
            .send()
            .await;
    refused(cross, "CrossLocationLoggingProhibitted", 403);
    fixtures::enable_access_logging(&e.cfg, US, "src", "logs-us", ACCOUNT)
        .await
        .expect("same region");
}

#[tokio::test]
async fn access_logging_to_a_target_the_logging_service_cannot_write_is_refused_with_invalid_target_bucket_for_logging()
 {
    let e = env().await;
    bucket(&e, US, "src").await;
    bucket(&e, US, "logs").await;
    let put = || {
        e.c.s3
            .put_bucket_logging()
            .bucket("src")
            .bucket_logging_status(log_to("logs"))
            .send()
    };
    refused(put().await, "InvalidTargetBucketForLogging", 400);
    // A logging statement for another source bucket does not do.
    let other = json!({"Effect": "Allow", "Principal": {"Service": "logging.s3.amazonaws.com"},
        "Action": "s3:PutObject", "Resource": "arn:aws:s3:::logs/*",
        "Condition": {"ArnLike": {"aws:SourceArn": "arn:aws:s3:::another-source"}}});
    put_policy(&e, "logs", &policy_of(vec![other]))
        .await
        .unwrap();
    refused(put().await, "InvalidTargetBucketForLogging", 400);
    fixtures::enable_access_logging(&e.cfg, US, "src", "logs", ACCOUNT)
        .await
        .expect("allowed by bucket policy");
    // The log-delivery group's ACL grant works too, where ACLs are enabled.
    bucket(&e, US, "src2").await;
    bucket(&e, US, "logs2").await;
    set_ownership(&e, "logs2", ObjectOwnership::ObjectWriter)
        .await
        .unwrap();
    put_acl(&e, "logs2", BucketCannedAcl::from("log-delivery-write"))
        .await
        .unwrap();
    e.c.s3
        .put_bucket_logging()
        .bucket("src2")
        .bucket_logging_status(log_to("logs2"))
        .send()
        .await
        .expect("allowed by ACL");
}

// ---------------------------------------------------------------------------
// IAM: document sizes and empty statements
// ---------------------------------------------------------------------------

/// A trust policy for ec2.amazonaws.com padded to `chars` characters
/// without whitespace, with as much whitespace again.
fn padded_trust(chars: usize) -> String {
    let base = fixtures::trust_policy("ec2.amazonaws.com", None);
    let mut doc = base.clone();
    doc["Statement"][0]["Sid"] = json!("");
    let pad = chars - doc.to_string().len();
    doc["Statement"][0]["Sid"] = json!("x".repeat(pad));
    let text = serde_json::to_string_pretty(&doc).unwrap();
    let spaced = text.replace(':', " : ").replace(',', " ,\n   ");
    assert_eq!(spaced.chars().filter(|c| !c.is_whitespace()).count(), chars);
    spaced
}

#[tokio::test]
async fn trust_policy_over_2048_characters_is_refused_with_limit_exceeded() {
    let e = env().await;
    let create = |name: &str, doc: String| {
        e.c.iam
            .create_role()
            .role_name(name)
            .assume_role_policy_document(doc)
            .send()
    };
    let msg = refused(
        create("big", padded_trust(2049)).await,
        "LimitExceeded",
        409,
    );
    assert!(msg.contains("2048"), "{msg}");
    create("fits", padded_trust(2048))
        .await
        .expect("whitespace is not counted");
    let update =
        e.c.iam
            .update_assume_role_policy()
            .role_name("fits")
            .policy_document(padded_trust(2049))
            .send()
            .await;
    refused(update, "LimitExceeded", 409);
}

#[tokio::test]
async fn inline_policies_past_10240_characters_per_role_are_refused_with_limit_exceeded() {
    let e = env().await;
    role_trusting(&e, "r", "ec2.amazonaws.com").await;
    // ~6,100 characters each: two do not fit in one role.
    let doc = |tag: &str| {
        json!({"Version": "2012-10-17", "Statement": [{"Sid": tag, "Effect": "Allow",
            "Action": "s3:GetObject", "Resource": format!("arn:aws:s3:::{}/*", "a".repeat(6000))}]})
    };
    let put = |name: &str, doc: &Value| {
        e.c.iam
            .put_role_policy()
            .role_name("r")
            .policy_name(name)
            .policy_document(doc.to_string())
            .send()
    };
    put("one", &doc("One")).await.expect("one fits");
    let msg = refused(put("two", &doc("Two")).await, "LimitExceeded", 409);
    assert!(msg.contains("10240") && msg.contains("role r"), "{msg}");
    put("one", &doc("OneAgain"))
        .await
        .expect("replacing a policy counts it once");
}

#[tokio::test]
async fn role_documents_with_an_empty_statement_are_refused_with_malformed_policy_document() {
    let e = env().await;
    let empty = json!({"Version": "2012-10-17", "Statement": []}).to_string();
    let made =
        e.c.iam
            .create_role()
            .role_name("r")
            .assume_role_policy_document(&empty)
            .send()
            .await;
    refused(made, "MalformedPolicyDocument", 400);
    role_trusting(&e, "r", "ec2.amazonaws.com").await;
    let put =
        e.c.iam
            .put_role_policy()
            .role_name("r")
            .policy_name("p")
            .policy_document(&empty)
            .send()
            .await;
    refused(put, "MalformedPolicyDocument", 400);
}

// ---------------------------------------------------------------------------
// CloudTrail
// ---------------------------------------------------------------------------

async fn create_trail(
    e: &Env,
    name: &str,
    bucket: &str,
    prefix: Option<&str>,
) -> Result<(), SdkError<aws_sdk_cloudtrail::operation::create_trail::CreateTrailError, HttpResponse>>
{
    e.c.cloudtrail
        .create_trail()
        .name(name)
        .s3_bucket_name(bucket)
        .set_s3_key_prefix(prefix.map(str::to_owned))
        .send()
        .await
        .map(|_| ())
}

fn trail(name: &str) -> String {
    fixtures::trail_arn(US, ACCOUNT, name)
}

/// Role `name` whose trust admits `service`; its ARN.
async fn role_trusting(e: &Env, name: &str, service: &str) -> String {
    fixtures::ensure_role(&e.c, name, &fixtures::trust_policy(service, None))
        .await
        .unwrap()
}

/// Bucket `trail-bucket`, its CloudTrail statements for trail `main`, and
/// that trail.
async fn main_trail(e: &Env) {
    bucket(e, US, "trail-bucket").await;
    fixtures::put_cloudtrail_bucket_policy(&e.cfg, US, "trail-bucket", ACCOUNT, &[trail("main")])
        .await
        .unwrap();
    create_trail(e, "main", "trail-bucket", None).await.unwrap();
}

#[tokio::test]
async fn create_trail_without_cloudtrail_bucket_policy_is_refused_with_insufficient_s3_bucket_policy()
 {
    let e = env().await;
    bucket(&e, US, "trail-bucket").await;
    let msg = refused(
        create_trail(&e, "main", "trail-bucket", None).await,
        "InsufficientS3BucketPolicyException",
        400,
    );
    assert!(msg.contains("trail-bucket"), "{msg}");
    // Statements for another trail (aws:SourceArn) do not do.
    fixtures::put_cloudtrail_bucket_policy(&e.cfg, US, "trail-bucket", ACCOUNT, &[trail("other")])
        .await
        .unwrap();
    refused(
        create_trail(&e, "main", "trail-bucket", None).await,
        "InsufficientS3BucketPolicyException",
        400,
    );
    fixtures::put_cloudtrail_bucket_policy(&e.cfg, US, "trail-bucket", ACCOUNT, &[trail("main")])
        .await
        .unwrap();
    // Writing under a prefix the policy does not cover is refused too.
    refused(
        create_trail(&e, "main", "trail-bucket", Some("logs")).await,
        "InsufficientS3BucketPolicyException",
        400,
    );
    create_trail(&e, "main", "trail-bucket", None)
        .await
        .expect("CloudTrail may write");
    // A public statement is, to AWS, also a grant to CloudTrail.
    bucket(&e, US, "public").await;
    fixtures::open_to_public(&e.cfg, US, "public")
        .await
        .unwrap();
    let everyone = json!({"Effect": "Allow", "Principal": "*",
        "Action": ["s3:GetBucketAcl", "s3:PutObject"], "Resource": ["arn:aws:s3:::public", "arn:aws:s3:::public/*"]});
    put_policy(&e, "public", &policy_of(vec![everyone]))
        .await
        .unwrap();
    create_trail(&e, "open", "public", None)
        .await
        .expect("allowed by Principal *");
}

#[tokio::test]
async fn update_trail_to_a_bucket_without_cloudtrail_policy_is_refused_with_insufficient_s3_bucket_policy()
 {
    let e = env().await;
    main_trail(&e).await;
    bucket(&e, US, "bare").await;
    let moved =
        e.c.cloudtrail
            .update_trail()
            .name("main")
            .s3_bucket_name("bare")
            .send()
            .await;
    refused(moved, "InsufficientS3BucketPolicyException", 400);
    // A change that does not touch the bucket is not checked against it.
    e.c.s3
        .delete_bucket_policy()
        .bucket("trail-bucket")
        .send()
        .await
        .unwrap();
    e.c.cloudtrail
        .update_trail()
        .name("main")
        .enable_log_file_validation(true)
        .send()
        .await
        .expect("validation on");
}

#[tokio::test]
async fn trail_key_that_does_not_let_cloudtrail_encrypt_is_refused_with_insufficient_encryption_policy()
 {
    let e = env().await;
    main_trail(&e).await;
    let key = fixtures::symmetric_key(&e.cfg, US, "trail key", true)
        .await
        .unwrap();
    let encrypt = || {
        e.c.cloudtrail
            .update_trail()
            .name("main")
            .kms_key_id(&key.arn)
            .send()
    };
    let msg = refused(
        encrypt().await,
        "InsufficientEncryptionPolicyException",
        400,
    );
    assert!(msg.contains(&key.arn), "{msg}");
    // A statement for another trail (aws:SourceArn) does not do.
    let other = fixtures::cloudtrail_key_policy(ACCOUNT, "aws", &[trail("other")]);
    e.c.kms
        .put_key_policy()
        .key_id(&key.key_id)
        .policy_name("default")
        .policy(other.to_string())
        .send()
        .await
        .unwrap();
    refused(
        encrypt().await,
        "InsufficientEncryptionPolicyException",
        400,
    );
    fixtures::let_cloudtrail_encrypt(&e.cfg, US, &key.key_id, ACCOUNT)
        .await
        .unwrap();
    encrypt().await.expect("CloudTrail may encrypt");
}

#[tokio::test]
async fn trail_key_not_in_the_bucket_region_or_not_enabled_is_refused() {
    let e = env().await;
    main_trail(&e).await;
    let eu_key = fixtures::symmetric_key(&e.cfg, EU, "eu key", true)
        .await
        .unwrap();
    fixtures::let_cloudtrail_encrypt(&e.cfg, EU, &eu_key.key_id, ACCOUNT)
        .await
        .unwrap();
    let with = |key: &str| {
        e.c.cloudtrail
            .update_trail()
            .name("main")
            .kms_key_id(key)
            .send()
    };
    refused(with(&eu_key.arn).await, "KmsKeyNotFoundException", 400);
    refused(
        with("alias/no-such-key").await,
        "KmsKeyNotFoundException",
        400,
    );
    let disabled = fixtures::disabled_key(&e.cfg, US).await.unwrap();
    fixtures::let_cloudtrail_encrypt(&e.cfg, US, &disabled.key_id, ACCOUNT)
        .await
        .unwrap();
    refused(with(&disabled.arn).await, "KmsException", 400);
    let key = fixtures::symmetric_key(&e.cfg, US, "us key", true)
        .await
        .unwrap();
    fixtures::let_cloudtrail_encrypt(&e.cfg, US, &key.key_id, ACCOUNT)
        .await
        .unwrap();
    with(&key.key_id)
        .await
        .expect("a key id resolves in the trail's region");
}

#[tokio::test]
async fn cloudwatch_logs_role_cloudtrail_cannot_assume_is_refused_with_invalid_cloudwatch_logs_role_arn()
 {
    let e = env().await;
    main_trail(&e).await;
    fixtures::ensure_log_group(&e.c, "ct-logs").await.unwrap();
    let group = format!("arn:aws:logs:{US}:{ACCOUNT}:log-group:ct-logs:*");
    let deliver = |role: &str| {
        e.c.cloudtrail
            .update_trail()
            .name("main")
            .cloud_watch_logs_log_group_arn(&group)
            .cloud_watch_logs_role_arn(role)
            .send()
    };
    let wrong = role_trusting(&e, "wrong-trust", "ec2.amazonaws.com").await;
    let msg = refused(
        deliver(&wrong).await,
        "InvalidCloudWatchLogsRoleArnException",
        400,
    );
    assert!(msg.contains("trust"), "{msg}");
    let missing = format!("arn:aws:iam::{ACCOUNT}:role/no-such-role");
    refused(
        deliver(&missing).await,
        "InvalidCloudWatchLogsRoleArnException",
        400,
    );
    let only_group =
        e.c.cloudtrail
            .update_trail()
            .name("main")
            .cloud_watch_logs_log_group_arn(&group)
            .send()
            .await;
    refused(only_group, "InvalidCloudWatchLogsRoleArnException", 400);
    let right = fixtures::cloudtrail_to_logs_role(&e.c, "ct-role", "ct-logs")
        .await
        .unwrap();
    deliver(&right)
        .await
        .expect("CloudTrail may assume the role");
}

#[tokio::test]
async fn cloudwatch_logs_role_without_permission_or_group_is_refused_with_invalid_cloudwatch_logs_log_group_arn()
 {
    let e = env().await;
    main_trail(&e).await;
    let deliver = |group: &str, role: &str| {
        e.c.cloudtrail
            .update_trail()
            .name("main")
            .cloud_watch_logs_log_group_arn(format!(
                "arn:aws:logs:{US}:{ACCOUNT}:log-group:{group}:*"
            ))
            .cloud_watch_logs_role_arn(role)
            .send()
    };
    // The role may write to another group only.
    let role = fixtures::cloudtrail_to_logs_role(&e.c, "ct-role", "other-group")
        .await
        .unwrap();
    fixtures::ensure_log_group(&e.c, "ct-logs").await.unwrap();
    let msg = refused(
        deliver("ct-logs", &role).await,
        "InvalidCloudWatchLogsLogGroupArnException",
        400,
    );
    assert!(msg.contains("permissions"), "{msg}");
    refused(
        deliver("no-such-group", &role).await,
        "InvalidCloudWatchLogsLogGroupArnException",
        400,
    );
    fixtures::ensure_log_group(&e.c, "other-group")
        .await
        .unwrap();
    deliver("other-group", &role)
        .await
        .expect("role allowed on its group");
}

#[tokio::test]
async fn a_trail_made_with_everything_aws_checks_is_accepted_and_logs() {
    let e = env().await;
    bucket(&e, US, "trail-bucket").await;
    fixtures::put_cloudtrail_bucket_policy(&e.cfg, US, "trail-bucket", ACCOUNT, &[trail("main")])
        .await
        .unwrap();
    let key = fixtures::symmetric_key(&e.cfg, US, "trail key", true)
        .await
        .unwrap();
    fixtures::let_cloudtrail_encrypt(&e.cfg, US, &key.key_id, ACCOUNT)
        .await
        .unwrap();
    fixtures::ensure_log_group(&e.c, "ct-logs").await.unwrap();
    let role = fixtures::cloudtrail_to_logs_role(&e.c, "ct-role", "ct-logs")
        .await
        .unwrap();
    e.c.cloudtrail
        .create_trail()
        .name("main")
        .s3_bucket_name("trail-bucket")
        .is_multi_region_trail(true)
        .kms_key_id(&key.arn)
        .cloud_watch_logs_log_group_arn(format!("arn:aws:logs:{US}:{ACCOUNT}:log-group:ct-logs:*"))
        .cloud_watch_logs_role_arn(role)
        .send()
        .await
        .expect("every check passes");
    e.c.cloudtrail
        .put_event_selectors()
        .trail_name("main")
        .event_selectors(
            EventSelector::builder()
                .include_management_events(true)
                .build(),
        )
        .send()
        .await
        .unwrap();
}

/// PutEventSelectors: five basic selectors at most, S3 object resources
/// under `arn:aws:s3`, basic and advanced not both; the data selector the
/// S3 object-level fix adds is accepted.
#[tokio::test]
async fn event_selectors_past_aws_limits_are_refused() {
    let e = env().await;
    bucket(&e, US, "trail-bucket").await;
    fixtures::put_cloudtrail_bucket_policy(&e.cfg, US, "trail-bucket", ACCOUNT, &[trail("main")])
        .await
        .unwrap();
    e.c.cloudtrail
        .create_trail()
        .name("main")
        .s3_bucket_name("trail-bucket")
        .send()
        .await
        .unwrap();
    let s3 = |value: &str, rw: ReadWriteType| {
        EventSelector::builder()
            .read_write_type(rw)
            .include_management_events(false)
            .data_resources(
                DataResource::builder()
                    .r#type("AWS::S3::Object")
                    .values(value)
                    .build(),
            )
            .build()
    };
    let put = |sels: Vec<EventSelector>| {
        e.c.cloudtrail
            .put_event_selectors()
            .trail_name("main")
            .set_event_selectors(Some(sels))
            .send()
    };
    let six: Vec<EventSelector> = (0..6)
        .map(|i| s3(&format!("arn:aws:s3:::b{i}/"), ReadWriteType::All))
        .collect();
    refused(put(six).await, "InvalidEventSelectorsException", 400);
    refused(
        put(vec![s3("arn:aws:lambda", ReadWriteType::All)]).await,
        "InvalidEventSelectorsException",
        400,
    );
    let both =
        e.c.cloudtrail
            .put_event_selectors()
            .trail_name("main")
            .event_selectors(s3("arn:aws:s3", ReadWriteType::All))
            .advanced_event_selectors(
                AdvancedEventSelector::builder()
                    .field_selectors(
                        AdvancedFieldSelector::builder()
                            .field("eventCategory")
                            .equals("Management")
                            .build()
                            .unwrap(),
                    )
                    .build()
                    .unwrap(),
            )
            .send()
            .await;
    refused(both, "InvalidParameterCombinationException", 400);
    let management = EventSelector::builder()
        .include_management_events(true)
        .read_write_type(ReadWriteType::All)
        .build();
    put(vec![management, s3("arn:aws:s3", ReadWriteType::WriteOnly)])
        .await
        .expect("the data selector the fix adds is accepted");
    // 500 values across a trail's advanced selectors at most.
    let advanced = |n: usize| {
        let field = AdvancedFieldSelector::builder()
            .field("resources.ARN")
            .set_starts_with(Some(
                (0..n).map(|i| format!("arn:aws:s3:::b{i}/")).collect(),
            ))
            .build()
            .unwrap();
        let category = AdvancedFieldSelector::builder()
            .field("eventCategory")
            .equals("Data")
            .build()
            .unwrap();
        let kind = AdvancedFieldSelector::builder()
            .field("resources.type")
            .equals("AWS::S3::Object")
            .build()
            .unwrap();
        e.c.cloudtrail
            .put_event_selectors()
            .trail_name("main")
            .advanced_event_selectors(
                AdvancedEventSelector::builder()
                    .field_selectors(category)
                    .field_selectors(kind)
                    .field_selectors(field)
                    .build()
                    .unwrap(),
            )
            .send()
    };
    refused(advanced(499).await, "InvalidEventSelectorsException", 400);
    advanced(498)
        .await
        .expect("500 values across the advanced selectors are accepted");
}

// ---------------------------------------------------------------------------
// Config
// ---------------------------------------------------------------------------

#[tokio::test]
async fn delivery_channel_to_a_bucket_config_cannot_write_is_refused_with_insufficient_delivery_policy()
 {
    let e = env().await;
    bucket(&e, US, "cfg").await;
    let slr = fixtures::ensure_service_linked_role(&e.c, "config.amazonaws.com")
        .await
        .unwrap();
    e.c.config
        .put_configuration_recorder()
        .configuration_recorder(
            ConfigurationRecorder::builder()
                .name("default")
                .role_arn(slr)
                .recording_group(RecordingGroup::builder().all_supported(true).build())
                .build(),
        )
        .send()
        .await
        .unwrap();
    let channel = |prefix: Option<&str>| {
        e.c.config
            .put_delivery_channel()
            .delivery_channel(
                DeliveryChannel::builder()
                    .name("default")
                    .s3_bucket_name("cfg")
                    .set_s3_key_prefix(prefix.map(str::to_owned))
                    .build(),
            )
            .send()
    };
    let msg = refused(
        channel(None).await,
        "InsufficientDeliveryPolicyException",
        400,
    );
    assert!(msg.contains("bucket acl"), "{msg}");
    fixtures::put_config_bucket_policy(&e.cfg, US, "cfg", ACCOUNT, None)
        .await
        .unwrap();
    let msg = refused(
        channel(Some("config")).await,
        "InsufficientDeliveryPolicyException",
        400,
    );
    assert!(msg.contains("'config'"), "the prefix is not covered: {msg}");
    channel(None).await.expect("Config may write");
    let missing =
        e.c.config
            .put_delivery_channel()
            .delivery_channel(
                DeliveryChannel::builder()
                    .name("default")
                    .s3_bucket_name("no-such-bucket")
                    .build(),
            )
            .send()
            .await;
    refused(missing, "NoSuchBucketException", 400);
}

// ---------------------------------------------------------------------------
// EC2 flow logs
// ---------------------------------------------------------------------------

#[tokio::test]
async fn flow_logs_with_a_role_vpc_flow_logs_cannot_assume_are_refused_with_invalid_parameter() {
    let e = env().await;
    let vpc = fixtures::default_vpc(&e.cfg, US).await.unwrap();
    fixtures::ensure_log_group(&e.c, "fl").await.unwrap();
    let create = |role: &str| {
        e.c.ec2
            .create_flow_logs()
            .resource_type(FlowLogsResourceType::Vpc)
            .resource_ids(&vpc)
            .traffic_type(TrafficType::Reject)
            .log_destination_type(LogDestinationType::CloudWatchLogs)
            .log_group_name("fl")
            .deliver_logs_permission_arn(role)
            .send()
    };
    let wrong = role_trusting(&e, "wrong", "cloudtrail.amazonaws.com").await;
    let msg = refused(create(&wrong).await, "InvalidParameter", 400);
    assert!(msg.contains("Unable to assume given IAM role"), "{msg}");
    // A trust narrowed to another account (aws:SourceAccount) does not do.
    let elsewhere = fixtures::trust_policy(
        "vpc-flow-logs.amazonaws.com",
        Some(json!({"StringEquals": {"aws:SourceAccount": "111122223333"}})),
    );
    let other = fixtures::ensure_role(&e.c, "other-account", &elsewhere)
        .await
        .unwrap();
    refused(create(&other).await, "InvalidParameter", 400);
    let ours = fixtures::trust_policy(
        "vpc-flow-logs.amazonaws.com",
        Some(json!({"StringEquals": {"aws:SourceAccount": ACCOUNT},
                    "ArnLike": {"aws:SourceArn": format!("arn:aws:ec2:{US}:{ACCOUNT}:vpc-flow-log/*")}})),
    );
    let right = fixtures::ensure_role(&e.c, "right", &ours).await.unwrap();
    create(&right)
        .await
        .expect("VPC Flow Logs may assume the role");
}

#[tokio::test]
async fn flow_logs_to_s3_with_a_delivery_role_are_refused_with_invalid_parameter() {
    let e = env().await;
    let vpc = fixtures::default_vpc(&e.cfg, US).await.unwrap();
    bucket(&e, US, "fl-bucket").await;
    let role = role_trusting(&e, "fl", "vpc-flow-logs.amazonaws.com").await;
    let create = |role: Option<&str>| {
        e.c.ec2
            .create_flow_logs()
            .resource_type(FlowLogsResourceType::Vpc)
            .resource_ids(&vpc)
            .traffic_type(TrafficType::Reject)
            .log_destination_type(LogDestinationType::S3)
            .log_destination("arn:aws:s3:::fl-bucket")
            .set_deliver_logs_permission_arn(role.map(str::to_owned))
            .send()
    };
    refused(create(Some(&role)).await, "InvalidParameter", 400);
    create(None).await.expect("S3 delivery needs no role");
}

// ---------------------------------------------------------------------------
// The lenient server
// ---------------------------------------------------------------------------

#[tokio::test]
async fn the_lenient_server_is_plain_moto() {
    let moto = Moto::start_lenient();
    let cfg = moto.sdk_config().await;
    let c = Clients::new(&cfg, US);
    fixtures::create_bucket(&cfg, US, "bkt").await.unwrap();
    assert!(
        c.s3.get_public_access_block()
            .bucket("bkt")
            .send()
            .await
            .is_err()
    );
    c.s3.put_bucket_policy()
        .bucket("bkt")
        .policy(policy_of(vec![]).to_string())
        .send()
        .await
        .expect("moto takes an empty Statement");
    c.cloudtrail
        .create_trail()
        .name("main")
        .s3_bucket_name("bkt")
        .send()
        .await
        .expect("moto checks no bucket policy");
}

// ---------------------------------------------------------------------------
// CIS 7.0 4.10: load balancers, API Gateway, CloudWatch Logs deliveries
// ---------------------------------------------------------------------------

/// The strict layer's web front-end rules, each refused and accepted once
/// with boto3 (tests/strict/check_web_rules.py starts its own servers on
/// 127.0.0.1): the product's own fixes pass them in `e2e web`, this keeps
/// the refusals themselves from drifting.
#[test]
fn web_front_end_rules_refuse_what_aws_refuses_and_accept_the_rest() {
    let script =
        std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/strict/check_web_rules.py");
    let out = std::process::Command::new(crate::common::moto_python())
        .arg(&script)
        .output()
        .unwrap();
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(
        out.status.success() && stdout.contains("all passed") && !stdout.contains("FAIL"),
        "{stdout}\n{}",
        String::from_utf8_lossy(&out.stderr)
    );
}
