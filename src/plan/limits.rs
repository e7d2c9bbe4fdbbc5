//! AWS's size limits on the documents a plan writes, checked when the plan
//! is made: a plan that AWS would refuse half-way through apply is refused
//! up front, with one line naming the document, its size and the limit.
//!
//! The limits, and how each service counts:
//! - S3 bucket policy: 20 KB (bytes of the document).
//!   <https://docs.aws.amazon.com/AmazonS3/latest/userguide/bucket-policies.html>
//! - KMS key policy: 32 KB (bytes).
//!   <https://docs.aws.amazon.com/kms/latest/developerguide/resource-limits.html>
//! - IAM role: inline policies 10,240 characters in aggregate, trust policy
//!   2,048 characters (the default quota), whitespace not counted.
//!   <https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_iam-quotas.html>
//! - CloudTrail event selectors of a trail: 500 values across every
//!   condition of its advanced selectors; 250 data resources (values)
//!   across its basic selectors.
//!   <https://docs.aws.amazon.com/awscloudtrail/latest/userguide/logging-data-events-with-cloudtrail.html>

use super::{Action, Op};
use crate::actions::{CreateKey, CreateRole, PutBucketPolicy, PutEventSelectors, PutKeyPolicy};
use crate::policy::{byte_size, iam_size};
use crate::snapshot::Snapshot;

pub const BUCKET_POLICY_BYTES: usize = 20 * 1024;
pub const KEY_POLICY_BYTES: usize = 32 * 1024;
pub const ROLE_INLINE_CHARS: usize = 10_240;
pub const ROLE_TRUST_CHARS: usize = 2_048;
pub const ADVANCED_SELECTOR_VALUES: usize = 500;
pub const DATA_RESOURCES: usize = 250;

/// The conditions of an advanced field selector (each value counts).
/// <https://docs.aws.amazon.com/awscloudtrail/latest/APIReference/API_AdvancedFieldSelector.html>
const ADVANCED_OPERATORS: &[&str] = &[
    "Equals",
    "StartsWith",
    "EndsWith",
    "NotEquals",
    "NotStartsWith",
    "NotEndsWith",
];

fn array<'v>(v: &'v serde_json::Value, key: &str) -> &'v [serde_json::Value] {
    v.get(key)
        .and_then(serde_json::Value::as_array)
        .map_or(&[], Vec::as_slice)
}

/// The values of every condition of a selectors document's
/// `AdvancedEventSelectors`.
pub fn advanced_selector_values(selectors: &serde_json::Value) -> usize {
    array(selectors, "AdvancedEventSelectors")
        .iter()
        .flat_map(|s| array(s, "FieldSelectors"))
        .flat_map(|f| ADVANCED_OPERATORS.iter().map(move |op| array(f, op).len()))
        .sum()
}

/// The data resource values of a selectors document's `EventSelectors`.
pub fn data_resources(selectors: &serde_json::Value) -> usize {
    array(selectors, "EventSelectors")
        .iter()
        .flat_map(|s| array(s, "DataResources"))
        .map(|r| array(r, "Values").len())
        .sum()
}

/// A document of the plan that AWS would refuse for its size.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error(
    "the plan would write {what} of {size} {unit}, over AWS's limit of {limit} ({action}); nothing was changed"
)]
pub struct LimitExceeded {
    pub action: String,
    pub what: String,
    pub size: usize,
    pub limit: usize,
    pub unit: &'static str,
}

/// Every document `actions` would write, against its limit. `snap` gives
/// what a role already holds (its other inline policies count too).
pub fn check(actions: &[Action], snap: &Snapshot) -> Result<(), LimitExceeded> {
    for a in actions {
        let over = |what: String, size: usize, limit: usize, unit: &'static str| {
            (size > limit).then(|| LimitExceeded {
                action: a.id.clone(),
                what,
                size,
                limit,
                unit,
            })
        };
        let found = match &a.op {
            Op::PutBucketPolicy(PutBucketPolicy { bucket, policy }) => over(
                format!("the bucket policy of {bucket}"),
                byte_size(policy),
                BUCKET_POLICY_BYTES,
                "bytes",
            ),
            Op::PutKeyPolicy(PutKeyPolicy { key_id, policy }) => over(
                format!("the key policy of {key_id}"),
                byte_size(policy),
                KEY_POLICY_BYTES,
                "bytes",
            ),
            Op::CreateKey(CreateKey { alias, policy, .. }) => over(
                format!("the key policy of {alias}"),
                byte_size(policy),
                KEY_POLICY_BYTES,
                "bytes",
            ),
            Op::CreateRole(CreateRole {
                name,
                trust_policy,
                policy_name,
                policy,
            }) => {
                let others: usize = snap
                    .roles
                    .get(name)
                    .map(|r| {
                        r.inline_policies
                            .iter()
                            .filter(|(n, _)| *n != policy_name)
                            .map(|(_, d)| iam_size(d))
                            .sum()
                    })
                    .unwrap_or(0);
                over(
                    format!("inline policies of role {name}"),
                    others + iam_size(policy),
                    ROLE_INLINE_CHARS,
                    "characters",
                )
                .or_else(|| {
                    over(
                        format!("the trust policy of role {name}"),
                        if trust_policy.is_null() {
                            0
                        } else {
                            iam_size(trust_policy)
                        },
                        ROLE_TRUST_CHARS,
                        "characters",
                    )
                })
            }
            Op::PutEventSelectors(PutEventSelectors { trail, selectors }) => over(
                format!("the advanced event selectors of trail {trail}"),
                advanced_selector_values(selectors),
                ADVANCED_SELECTOR_VALUES,
                "values",
            )
            .or_else(|| {
                over(
                    format!("the event selectors of trail {trail}"),
                    data_resources(selectors),
                    DATA_RESOURCES,
                    "data resources",
                )
            }),
            _ => None,
        };
        if let Some(e) = found {
            return Err(e);
        }
    }
    Ok(())
}
