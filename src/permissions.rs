//! The IAM permissions the tool needs, for `plan` (reads), `apply` (reads +
//! the writes a plan can hold) and `undo` (the reversals undo can run).
//!
//! Two tables, and the printed policies are derived from both:
//!
//! - [`OPS`]: for every [`Op`](crate::plan::Op) the executor runs, the IAM
//!   actions of the SDK calls it makes, as its kind file in `src/actions/`
//!   states them (the live read before the write, the
//!   write, the read-back). [`iam_action`] maps an SDK call, as the call
//!   counter names it, to its action; an e2e test runs plan, apply and undo
//!   against the emulator and fails if any call made is missing from the
//!   policy printed for that command.
//! - [`IMPLICIT`]: what AWS evaluates (each kind file states it for its calls) on top of the action named after the
//!   call (`iam:PassRole` for a role handed to a service, `kms:Decrypt` for a
//!   trail on an S3 Bucket Key bucket, log delivery for flow logs to S3, …),
//!   each with the AWS page that documents it. No call counter sees these.
//!
//! Which ops each command runs is checked by `tests/pure/permissions.rs`:
//! every op the planner makes is in [`APPLY_OPS`]; exactly the ops
//! [`crate::execute::plan_undo`] makes from any journal are [`UNDO_OPS`].

use std::collections::BTreeSet;

use serde_json::json;

/// Which command's policy to print.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum For {
    Plan,
    Apply,
    Undo,
}

/// IAM actions `remediate plan` needs (every read the collector makes).
/// `apply` scans (and verifies) with the same reads.
pub const PLAN: &[&str] = &[
    "sts:GetCallerIdentity",
    // Only when the account owns an organization trail (its log streams
    // are named after the organization).
    "organizations:DescribeOrganization",
    // Only the management account of an organization-trail run: whether
    // CloudTrail has trusted access (an organization trail needs it).
    "organizations:ListAWSServiceAccessForOrganization",
    "ec2:DescribeRegions",
    "ec2:DescribeVpcs",
    "ec2:DescribeFlowLogs",
    "cloudtrail:DescribeTrails",
    "cloudtrail:GetTrail",
    "cloudtrail:GetTrailStatus",
    "cloudtrail:GetEventSelectors",
    "config:DescribeConfigurationRecorders",
    "config:DescribeConfigurationRecorderStatus",
    "config:DescribeDeliveryChannels",
    "kms:ListKeys",
    "kms:ListAliases",
    "kms:DescribeKey",
    "kms:GetKeyRotationStatus",
    "kms:GetKeyPolicy",
    "logs:DescribeLogGroups",
    "iam:GetRole",
    "iam:ListRoles",
    "iam:ListRolePolicies",
    "iam:GetRolePolicy",
    // Web front ends: the role API Gateway's account names, checked for
    // what it trusts and may do (its attached managed policies too).
    "iam:ListAttachedRolePolicies",
    "iam:GetPolicy",
    "iam:GetPolicyVersion",
    "s3:ListAllMyBuckets",
    // HeadBucket (existence checks); the emulator also authorizes several
    // bucket-configuration reads with it. Read-only: lists object names.
    "s3:ListBucket",
    "s3:GetBucketLocation",
    "s3:GetBucketAcl",
    "s3:GetBucketPolicy",
    "s3:GetBucketLogging",
    "s3:GetBucketPublicAccessBlock",
    "s3:GetBucketObjectLockConfiguration",
    "s3:GetBucketRequestPayment",
    "s3:GetEncryptionConfiguration",
    // Web front ends: read only when the benchmark has a control on their
    // access logs (CIS 7.0 4.10).
    "elasticloadbalancing:DescribeLoadBalancers",
    "elasticloadbalancing:DescribeLoadBalancerAttributes",
    // A Network Load Balancer's listeners (access logs record TLS only).
    "elasticloadbalancing:DescribeListeners",
    // GetRestApis, GetStages, GetAccount (REST) and GetApis, GetStages (v2).
    "apigateway:GET",
    "cloudfront:ListDistributions",
    "cloudfront:GetDistributionConfig",
    "logs:DescribeDeliverySources",
    "logs:DescribeDeliveries",
];

/// `plan --out FILE --sign-with KEY`: KMS signs the file's digest
/// (DescribeKey, to choose the algorithm, is among the plan reads).
pub const SIGN_PLAN: &[&str] = &["kms:Sign"];

/// `apply FILE --verify-with KEY`: KMS verifies the signature; offline
/// verification needs the public key once (`GetPublicKey`).
pub const VERIFY_PLAN: &[&str] = &["kms:GetPublicKey", "kms:Verify"];

/// Reads `undo` makes besides its ops (it does not scan the account).
pub const UNDO_READS: &[&str] = &["sts:GetCallerIdentity"];

/// Op (as [`Op::name`](crate::plan::Op::name) spells it) → the IAM actions
/// of every SDK call its executor makes: each kind's `CALLS` (`src/actions/`).
pub const OPS: &[(&str, &[&str])] = crate::actions::CALLS;

/// The ops a plan can hold (what the planner makes): each kind's `IN_APPLY`.
pub const APPLY_OPS: &[&str] = crate::actions::IN_APPLY;

/// The ops `undo` can run: a setting put back as it was, or what the apply
/// created removed (each kind's `reverse`), as each kind's `IN_UNDO` says. An undo journal can itself be
/// undone, so the reversals of reversals are here too.
pub const UNDO_OPS: &[&str] = crate::actions::IN_UNDO;

pub use crate::actions::Implicit;

/// What AWS checks implicitly, per call: each kind's `IMPLICIT`. Every
/// action here is printed in the policy of each command whose ops make that
/// call.
pub const IMPLICIT: &[Implicit] = crate::actions::IMPLICIT;

/// Services a role may be passed to (`iam:PassedToService`).
pub const PASSED_TO: &[&str] = &[
    "apigateway.amazonaws.com",
    "cloudtrail.amazonaws.com",
    "config.amazonaws.com",
    "vpc-flow-logs.amazonaws.com",
];

/// The IAM action that authorizes an SDK operation, as the call counter
/// names it (`service` lower-case, `Operation`).
pub fn iam_action(service: &str, operation: &str) -> String {
    let prefix = match service {
        "cloudwatchlogs" | "cloudwatch logs" | "logs" => "logs",
        "config service" | "configservice" | "config" => "config",
        "elasticloadbalancingv2"
        | "elastic load balancing v2"
        | "elasticloadbalancing"
        | "elastic load balancing" => "elasticloadbalancing",
        "apigateway" | "apigatewayv2" | "api gateway" | "apigatewayv2 " => {
            // API Gateway's IAM actions are the HTTP methods of its REST API.
            let method = match operation {
                o if o.starts_with("Get") => "GET",
                o if o.starts_with("Update") => "PATCH",
                o if o.starts_with("Delete") => "DELETE",
                o if o.starts_with("Put") => "PUT",
                _ => "POST",
            };
            return format!("apigateway:{method}");
        }
        other => other,
    };
    let op = match (prefix, operation) {
        ("s3", "ListBuckets") => "ListAllMyBuckets",
        ("s3", "HeadBucket") => "ListBucket",
        ("s3", "ListObjectsV2") => "ListBucket",
        ("s3", "GetPublicAccessBlock") => "GetBucketPublicAccessBlock",
        ("s3", "PutPublicAccessBlock") => "PutBucketPublicAccessBlock",
        ("s3", "DeletePublicAccessBlock") => "PutBucketPublicAccessBlock",
        ("s3", "GetObjectLockConfiguration") => "GetBucketObjectLockConfiguration",
        ("s3", "GetBucketEncryption") => "GetEncryptionConfiguration",
        (_, op) => op,
    };
    format!("{prefix}:{op}")
}

/// The IAM actions of the calls an op makes (empty for an unknown op).
pub fn op_actions(op: &str) -> &'static [&'static str] {
    OPS.iter()
        .find(|(name, _)| *name == op)
        .map(|(_, a)| *a)
        .unwrap_or(&[])
}

/// The actions named after the calls a command makes.
pub fn explicit(for_: For) -> BTreeSet<&'static str> {
    let (reads, ops): (&[&str], &[&str]) = match for_ {
        For::Plan => (PLAN, &[]),
        For::Apply => (PLAN, APPLY_OPS),
        For::Undo => (UNDO_READS, UNDO_OPS),
    };
    reads
        .iter()
        .copied()
        .chain(ops.iter().flat_map(|op| op_actions(op).iter().copied()))
        .collect()
}

/// The actions AWS evaluates implicitly for those calls (not among them).
pub fn implicit(for_: For) -> BTreeSet<&'static str> {
    let calls = explicit(for_);
    IMPLICIT
        .iter()
        .filter(|i| calls.contains(i.call))
        .flat_map(|i| i.actions.iter().copied())
        .filter(|a| !calls.contains(a))
        // Undo only turns off and removes: what AWS checks when a call
        // creates something (a log delivery for an HTTP API stage's access
        // logs) never applies to it.
        .filter(|a| for_ != For::Undo || !a.contains(":Create"))
        .collect()
}

/// The actions of signed plans a command may need (`plan --sign-with`,
/// `apply --verify-with`).
pub fn signing(for_: For) -> &'static [&'static str] {
    match for_ {
        For::Plan => SIGN_PLAN,
        For::Apply => VERIFY_PLAN,
        For::Undo => &[],
    }
}

/// Every action a command needs, sorted.
pub fn actions(for_: For) -> Vec<&'static str> {
    let mut all = explicit(for_);
    all.extend(implicit(for_));
    all.extend(signing(for_));
    all.into_iter().collect()
}

/// The policy `remediate permissions --for …` prints: the actions named
/// after the calls, then what AWS checks implicitly (`iam:PassRole` only
/// towards the services the tool hands roles to).
pub fn policy_json(for_: For) -> String {
    let name = match for_ {
        For::Plan => "RemediatePlanReadOnly",
        For::Apply => "RemediateApply",
        For::Undo => "RemediateUndo",
    };
    let mut statements = vec![json!({
        "Sid": name,
        "Effect": "Allow",
        "Action": explicit(for_).into_iter().collect::<Vec<_>>(),
        "Resource": "*"
    })];
    let implicit = implicit(for_);
    let (pass, other): (Vec<&str>, Vec<&str>) =
        implicit.into_iter().partition(|a| *a == "iam:PassRole");
    if !other.is_empty() {
        statements.push(json!({
            "Sid": format!("{name}CheckedImplicitly"),
            "Effect": "Allow",
            "Action": other,
            "Resource": "*"
        }));
    }
    if !pass.is_empty() {
        statements.push(json!({
            "Sid": format!("{name}PassRole"),
            "Effect": "Allow",
            "Action": pass,
            "Resource": "*",
            "Condition": {"StringEquals": {"iam:PassedToService": PASSED_TO}}
        }));
    }
    // Signed plans (docs/ci.md): only with `plan --sign-with` and
    // `apply --verify-with`; the StackSet template scopes them to its key.
    let sid = if for_ == For::Plan {
        "SignPlan"
    } else {
        "VerifyPlan"
    };
    let signing = signing(for_);
    if !signing.is_empty() {
        statements.push(json!({
            "Sid": format!("{name}{sid}"),
            "Effect": "Allow",
            "Action": signing,
            "Resource": "*"
        }));
    }
    let doc = json!({"Version": "2012-10-17", "Statement": statements});
    let mut s = serde_json::to_string_pretty(&doc).unwrap();
    s.push('\n');
    s
}
