//! One planned change, as plain data.
//!
//! Everything the executor needs is in [`Op`]; everything a reviewer needs is
//! in `before` / `after` / `reason` / `safety`. Nothing is recomputed later:
//! rendering, fingerprinting, ordering, saving and applying read this value.

use serde::{Deserialize, Serialize};
use serde_json::Value;

use crate::snapshot::{Grant, PublicAccessBlock};

#[derive(
    Debug, Clone, Copy, Serialize, Deserialize, PartialEq, Eq, PartialOrd, Ord, schemars::JsonSchema,
)]
#[serde(rename_all = "snake_case")]
pub enum Safety {
    /// No access changes, nothing moved or exposed (e.g. turn on rotation).
    Safe,
    /// Changes access, creates billed resources or rewrites a policy: read the diff.
    NeedsReview,
}

#[derive(
    Debug, Clone, Copy, Serialize, Deserialize, PartialEq, Eq, PartialOrd, Ord, schemars::JsonSchema,
)]
#[serde(rename_all = "snake_case")]
pub enum Change {
    Create,
    Update,
    /// Only in undo plans: removing what an apply created.
    Delete,
}

/// The write to make. Every op is idempotent: "already exists" is success.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, schemars::JsonSchema)]
#[serde(tag = "op", rename_all = "snake_case")]
pub enum Op {
    CreateBucket {
        bucket: String,
    },
    PutPublicAccessBlock {
        bucket: String,
        config: PublicAccessBlock,
    },
    /// Rewrite the ACL with exactly these grants (the public ones removed).
    PutBucketAcl {
        bucket: String,
        owner_id: String,
        owner_display_name: Option<String>,
        grants: Vec<Grant>,
    },
    /// Put the merged policy (the `after` document).
    PutBucketPolicy {
        bucket: String,
        policy: Value,
    },
    PutBucketLogging {
        bucket: String,
        target_bucket: String,
        target_prefix: String,
    },
    /// Create a symmetric key with this policy and give it `alias`.
    CreateKey {
        alias: String,
        description: String,
        policy: Value,
    },
    /// Put the merged key policy (`default`).
    PutKeyPolicy {
        key_id: String,
        policy: Value,
    },
    EnableKeyRotation {
        key_id: String,
    },
    CreateLogGroup {
        name: String,
        retention_days: i32,
    },
    CreateRole {
        name: String,
        trust_policy: Value,
        policy_name: String,
        policy: Value,
    },
    CreateServiceLinkedRole {
        service: String,
    },
    CreateTrail {
        name: String,
        bucket: String,
        prefix: Option<String>,
        kms_key_id: Option<String>,
        cloudwatch_log_group_arn: Option<String>,
        cloudwatch_role_arn: Option<String>,
    },
    /// Only the `Some` fields are changed.
    UpdateTrail {
        name: String,
        is_multi_region: Option<bool>,
        include_global_service_events: Option<bool>,
        log_file_validation: Option<bool>,
        kms_key_id: Option<String>,
        cloudwatch_log_group_arn: Option<String>,
        cloudwatch_role_arn: Option<String>,
    },
    /// Replace the basic event selectors with management events, ReadWriteType=All,
    /// keeping every data resource selector the trail had.
    PutEventSelectors {
        trail: String,
        selectors: Value,
    },
    StartLogging {
        trail: String,
    },
    PutConfigurationRecorder {
        name: String,
        role_arn: String,
        include_global_resource_types: bool,
    },
    PutDeliveryChannel {
        name: String,
        bucket: String,
        prefix: Option<String>,
    },
    StartConfigurationRecorder {
        name: String,
    },
    CreateFlowLogs {
        vpc_ids: Vec<String>,
        traffic_type: String,
        /// `cloud-watch-logs` or `s3`.
        destination_type: String,
        /// Log group name or bucket ARN.
        destination: String,
        role_arn: Option<String>,
    },
    // ---- Reversal ops: what `undo` plans from a journal. ----
    DeleteBucketPolicy {
        bucket: String,
    },
    DeletePublicAccessBlock {
        bucket: String,
    },
    DisableBucketLogging {
        bucket: String,
    },
    DisableKeyRotation {
        key_id: String,
    },
    /// Delete `alias` (only when it still points at the key) and schedule the
    /// key's deletion after `pending_days` (7..=30). `key_id` is the key the
    /// run created; without it the alias's current target is used.
    ScheduleKeyDeletion {
        alias: String,
        key_id: Option<String>,
        pending_days: i32,
    },
    DeleteLogGroup {
        name: String,
    },
    /// Delete these inline policies, then the role. Fails (and keeps the
    /// role) when anything else is attached to it.
    DeleteRole {
        name: String,
        inline_policies: Vec<String>,
    },
    DeleteServiceLinkedRole {
        role_name: String,
    },
    DeleteTrail {
        name: String,
    },
    StopLogging {
        trail: String,
    },
    /// Replace the trail's selectors with these advanced event selectors
    /// (array of `{Name, FieldSelectors: [{Field, Equals, StartsWith, ...}]}`).
    PutAdvancedEventSelectors {
        trail: String,
        selectors: Value,
    },
    /// Put a recorder back exactly as it was (`recording_group` as
    /// DescribeConfigurationRecorders shows it: `allSupported`,
    /// `includeGlobalResourceTypes`, `resourceTypes`).
    RestoreConfigurationRecorder {
        name: String,
        role_arn: String,
        recording_group: Value,
        /// `{recordingFrequency, recordingModeOverrides}` as it was; absent
        /// in journals of older versions (the current mode is then kept).
        #[serde(default, skip_serializing_if = "Option::is_none")]
        recording_mode: Option<Value>,
    },
    StopConfigurationRecorder {
        name: String,
    },
    DeleteDeliveryChannel {
        name: String,
    },
    DeleteConfigurationRecorder {
        name: String,
    },
    DeleteFlowLogs {
        flow_log_ids: Vec<String>,
    },
    /// Only an empty bucket is deleted; one that holds objects is kept.
    DeleteBucket {
        bucket: String,
    },
}

impl Op {
    /// Snake-case name of the operation (`put_bucket_policy`).
    pub fn name(&self) -> &'static str {
        match self {
            Op::CreateBucket { .. } => "create_bucket",
            Op::PutPublicAccessBlock { .. } => "put_public_access_block",
            Op::PutBucketAcl { .. } => "put_bucket_acl",
            Op::PutBucketPolicy { .. } => "put_bucket_policy",
            Op::PutBucketLogging { .. } => "put_bucket_logging",
            Op::CreateKey { .. } => "create_key",
            Op::PutKeyPolicy { .. } => "put_key_policy",
            Op::EnableKeyRotation { .. } => "enable_key_rotation",
            Op::CreateLogGroup { .. } => "create_log_group",
            Op::CreateRole { .. } => "create_role",
            Op::CreateServiceLinkedRole { .. } => "create_service_linked_role",
            Op::CreateTrail { .. } => "create_trail",
            Op::UpdateTrail { .. } => "update_trail",
            Op::PutEventSelectors { .. } => "put_event_selectors",
            Op::StartLogging { .. } => "start_logging",
            Op::PutConfigurationRecorder { .. } => "put_configuration_recorder",
            Op::PutDeliveryChannel { .. } => "put_delivery_channel",
            Op::StartConfigurationRecorder { .. } => "start_configuration_recorder",
            Op::CreateFlowLogs { .. } => "create_flow_logs",
            Op::DeleteBucketPolicy { .. } => "delete_bucket_policy",
            Op::DeletePublicAccessBlock { .. } => "delete_public_access_block",
            Op::DisableBucketLogging { .. } => "disable_bucket_logging",
            Op::DisableKeyRotation { .. } => "disable_key_rotation",
            Op::ScheduleKeyDeletion { .. } => "schedule_key_deletion",
            Op::DeleteLogGroup { .. } => "delete_log_group",
            Op::DeleteRole { .. } => "delete_role",
            Op::DeleteServiceLinkedRole { .. } => "delete_service_linked_role",
            Op::DeleteTrail { .. } => "delete_trail",
            Op::StopLogging { .. } => "stop_logging",
            Op::PutAdvancedEventSelectors { .. } => "put_advanced_event_selectors",
            Op::RestoreConfigurationRecorder { .. } => "restore_configuration_recorder",
            Op::StopConfigurationRecorder { .. } => "stop_configuration_recorder",
            Op::DeleteDeliveryChannel { .. } => "delete_delivery_channel",
            Op::DeleteConfigurationRecorder { .. } => "delete_configuration_recorder",
            Op::DeleteFlowLogs { .. } => "delete_flow_logs",
            Op::DeleteBucket { .. } => "delete_bucket",
        }
    }

    /// Tie-break rank for ordering: prerequisites first.
    pub fn rank(&self) -> u8 {
        match self {
            Op::CreateServiceLinkedRole { .. } => 0,
            Op::CreateRole { .. } => 1,
            Op::CreateBucket { .. } => 2,
            Op::PutBucketAcl { .. } => 3,
            Op::PutBucketPolicy { .. } => 4,
            Op::PutPublicAccessBlock { .. } => 5,
            Op::PutBucketLogging { .. } => 6,
            Op::CreateKey { .. } => 7,
            Op::PutKeyPolicy { .. } => 8,
            Op::EnableKeyRotation { .. } => 9,
            Op::CreateLogGroup { .. } => 10,
            Op::CreateTrail { .. } => 11,
            Op::UpdateTrail { .. } => 12,
            Op::PutEventSelectors { .. } => 13,
            Op::StartLogging { .. } => 14,
            Op::PutConfigurationRecorder { .. } => 15,
            Op::PutDeliveryChannel { .. } => 16,
            Op::StartConfigurationRecorder { .. } => 17,
            Op::CreateFlowLogs { .. } => 18,
            // Reversals run dependents first: the reverse of the above.
            Op::DeleteFlowLogs { .. } => 19,
            Op::StopConfigurationRecorder { .. } => 20,
            Op::DeleteDeliveryChannel { .. } => 21,
            Op::RestoreConfigurationRecorder { .. } => 22,
            Op::DeleteConfigurationRecorder { .. } => 23,
            Op::StopLogging { .. } => 24,
            Op::PutAdvancedEventSelectors { .. } => 25,
            Op::DeleteTrail { .. } => 26,
            Op::DeleteLogGroup { .. } => 27,
            Op::DisableKeyRotation { .. } => 28,
            Op::ScheduleKeyDeletion { .. } => 29,
            Op::DisableBucketLogging { .. } => 30,
            Op::DeletePublicAccessBlock { .. } => 31,
            Op::DeleteBucketPolicy { .. } => 32,
            Op::DeleteBucket { .. } => 33,
            Op::DeleteRole { .. } => 34,
            Op::DeleteServiceLinkedRole { .. } => 35,
        }
    }

    pub fn change(&self) -> Change {
        match self {
            Op::CreateBucket { .. }
            | Op::CreateKey { .. }
            | Op::CreateLogGroup { .. }
            | Op::CreateRole { .. }
            | Op::CreateServiceLinkedRole { .. }
            | Op::CreateTrail { .. }
            | Op::CreateFlowLogs { .. } => Change::Create,
            Op::DeleteBucketPolicy { .. }
            | Op::DeletePublicAccessBlock { .. }
            | Op::DeleteLogGroup { .. }
            | Op::DeleteRole { .. }
            | Op::DeleteServiceLinkedRole { .. }
            | Op::DeleteTrail { .. }
            | Op::DeleteDeliveryChannel { .. }
            | Op::DeleteConfigurationRecorder { .. }
            | Op::DeleteFlowLogs { .. }
            | Op::DeleteBucket { .. }
            | Op::ScheduleKeyDeletion { .. } => Change::Delete,
            Op::PutPublicAccessBlock { .. }
            | Op::PutBucketAcl { .. }
            | Op::PutBucketPolicy { .. }
            | Op::PutBucketLogging { .. }
            | Op::PutKeyPolicy { .. }
            | Op::EnableKeyRotation { .. }
            | Op::UpdateTrail { .. }
            | Op::PutEventSelectors { .. }
            | Op::StartLogging { .. }
            | Op::PutConfigurationRecorder { .. }
            | Op::PutDeliveryChannel { .. }
            | Op::StartConfigurationRecorder { .. }
            | Op::DisableBucketLogging { .. }
            | Op::DisableKeyRotation { .. }
            | Op::StopLogging { .. }
            | Op::PutAdvancedEventSelectors { .. }
            | Op::RestoreConfigurationRecorder { .. }
            | Op::StopConfigurationRecorder { .. } => Change::Update,
        }
    }
}

/// An attribute of the account the action relies on, as observed at plan
/// time. `apply FILE` reads the account again and refuses when any differs.
#[derive(
    Debug, Clone, Serialize, Deserialize, PartialEq, Eq, PartialOrd, Ord, schemars::JsonSchema,
)]
pub struct Observed {
    /// Human path, e.g. `bucket/my-logs/policy`.
    pub path: String,
    /// SHA-256 (hex) of the canonical JSON of the value.
    pub sha256: String,
}

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, schemars::JsonSchema)]
pub struct Action {
    /// Stable id: `<op>:<region>:<target>`.
    pub id: String,
    pub region: String,
    /// ARN or name of what is changed.
    pub target: String,
    pub change: Change,
    pub op: Op,
    /// The document or settings before (`null` when created).
    pub before: Value,
    /// The document or settings after.
    pub after: Value,
    /// Ids of the findings this action fixes (directly or as a prerequisite).
    pub fixes: Vec<String>,
    /// Controls it serves.
    pub controls: Vec<String>,
    /// One sentence: why.
    pub reason: String,
    pub safety: Safety,
    /// Ids of actions that must succeed first.
    pub depends_on: Vec<String>,
    pub observed: Vec<Observed>,
}
