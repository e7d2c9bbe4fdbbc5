//! The account as plain data.
//!
//! The collector fills a [`Snapshot`] with every attribute the nine controls
//! read; detection, planning and rendering are pure functions over it. It is
//! serializable so that tests can build fixtures by hand and so that a saved
//! plan can fingerprint exactly what it relied on.
//!
//! Collections are `BTreeMap`s / sorted `Vec`s so that the same account always
//! serializes (and therefore plans and renders) byte for byte the same.

use serde::{Deserialize, Serialize};
use serde_json::Value;
use std::collections::BTreeMap;

pub const SNAPSHOT_VERSION: u32 = 1;

#[derive(Debug, Clone, Default, Serialize, Deserialize, PartialEq)]
pub struct Snapshot {
    pub account_id: String,
    /// Unix seconds when the collection started ("within the last 24 h" is judged against it).
    pub collected_at: i64,
    /// `aws`, `aws-cn` or `aws-us-gov`; every ARN the tool writes uses it.
    pub partition: String,
    /// Region the tool's own account-wide resources (and global recording) live in.
    pub home_region: String,
    /// Regions that were scanned, sorted.
    pub regions: Vec<String>,
    /// Calls that failed; the controls that needed them report `error` there.
    pub read_errors: Vec<ReadError>,
    /// Every trail, once, keyed by ARN (shadow copies of multi-region trails folded).
    pub trails: BTreeMap<String, Trail>,
    /// Buckets the controls look at (trail buckets, and the tool's own), by name.
    pub buckets: BTreeMap<String, Bucket>,
    /// Names of every bucket the account owns (ListBuckets).
    pub owned_buckets: Vec<String>,
    /// AWS Config per region.
    pub config: BTreeMap<String, RegionConfig>,
    /// KMS keys by ARN.
    pub keys: BTreeMap<String, Key>,
    /// KMS aliases per region: alias name -> target key id.
    pub aliases: BTreeMap<String, BTreeMap<String, String>>,
    /// VPCs by id.
    pub vpcs: BTreeMap<String, Vpc>,
    /// Flow logs by id.
    pub flow_logs: BTreeMap<String, FlowLog>,
    /// CloudWatch log groups the tool may reuse, per region, by name.
    pub log_groups: BTreeMap<String, BTreeMap<String, LogGroup>>,
    /// IAM roles the tool may reuse, by name.
    pub roles: BTreeMap<String, Role>,
    /// The AWS Organization's id (`o-…`), read when the account owns an
    /// organization trail (its CloudWatch Logs streams are named after it).
    #[serde(default)]
    pub organization_id: Option<String>,
    /// The organization's management account, read in an
    /// organization-trail run (DescribeOrganization, which members may call).
    #[serde(default)]
    pub management_account: Option<String>,
}

impl Snapshot {
    /// True when `service` could not be read in `region` (or globally, region "*").
    pub fn read_failed(&self, region: &str, service: Service) -> Option<&ReadError> {
        self.read_errors
            .iter()
            .find(|e| e.service == service && (e.region == region || e.region == "*"))
    }

    pub fn arn(&self, service: &str, region: &str, resource: &str) -> String {
        format!(
            "arn:{}:{}:{}:{}:{}",
            self.partition, service, region, self.account_id, resource
        )
    }
}

/// The region of an ARN (`arn:aws:kms:eu-west-1:…` → `eu-west-1`); `None`
/// for a global resource (IAM) or a text that is not an ARN.
pub fn arn_region(arn: &str) -> Option<&str> {
    arn.strip_prefix("arn:")?
        .split(':')
        .nth(2)
        .filter(|r| !r.is_empty())
}

#[derive(Debug, Clone, Copy, Serialize, Deserialize, PartialEq, Eq, PartialOrd, Ord, Hash)]
#[serde(rename_all = "lowercase")]
pub enum Service {
    Cloudtrail,
    S3,
    Config,
    Kms,
    Ec2,
    Iam,
    Logs,
    Sts,
}

impl Service {
    pub fn as_str(self) -> &'static str {
        match self {
            Service::Cloudtrail => "cloudtrail",
            Service::S3 => "s3",
            Service::Config => "config",
            Service::Kms => "kms",
            Service::Ec2 => "ec2",
            Service::Iam => "iam",
            Service::Logs => "logs",
            Service::Sts => "sts",
        }
    }
}

#[derive(Debug, Clone, Copy, Serialize, Deserialize, PartialEq, Eq)]
#[serde(rename_all = "snake_case")]
pub enum ErrorKind {
    Denied,
    Throttled,
    NotFound,
    Unreachable,
    Other,
}

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct ReadError {
    /// Region, or `*` for a global service.
    pub region: String,
    pub service: Service,
    pub operation: String,
    pub kind: ErrorKind,
    pub message: String,
}

#[derive(Debug, Clone, Default, Serialize, Deserialize, PartialEq)]
pub struct Trail {
    pub name: String,
    pub arn: String,
    pub home_region: String,
    pub is_multi_region: bool,
    pub is_organization: bool,
    pub include_global_service_events: bool,
    pub s3_bucket: Option<String>,
    pub s3_prefix: Option<String>,
    pub log_file_validation: bool,
    pub cloudwatch_log_group_arn: Option<String>,
    pub cloudwatch_role_arn: Option<String>,
    pub kms_key_id: Option<String>,
    /// From GetTrailStatus; `None` when the status could not be read.
    pub is_logging: Option<bool>,
    pub latest_delivery_error: Option<String>,
    /// Unix seconds of the last CloudWatch Logs delivery.
    pub latest_cloudwatch_delivery: Option<i64>,
    /// `LatestCloudWatchLogsDeliveryError` from GetTrailStatus.
    #[serde(default)]
    pub latest_cloudwatch_delivery_error: Option<String>,
    pub event_selectors: Vec<EventSelector>,
    pub advanced_event_selectors: Vec<AdvancedEventSelector>,
}

impl Trail {
    /// Account that owns the trail (from its ARN).
    pub fn owner_account(&self) -> &str {
        self.arn.split(':').nth(4).unwrap_or("")
    }
}

#[derive(Debug, Clone, Default, Serialize, Deserialize, PartialEq)]
pub struct EventSelector {
    pub read_write_type: String,
    pub include_management_events: bool,
    pub exclude_management_event_sources: Vec<String>,
    pub data_resources: Vec<DataResource>,
}

#[derive(Debug, Clone, Default, Serialize, Deserialize, PartialEq)]
pub struct DataResource {
    pub r#type: String,
    pub values: Vec<String>,
}

#[derive(Debug, Clone, Default, Serialize, Deserialize, PartialEq)]
pub struct AdvancedEventSelector {
    pub name: Option<String>,
    pub field_selectors: Vec<FieldSelector>,
}

#[derive(Debug, Clone, Default, Serialize, Deserialize, PartialEq)]
pub struct FieldSelector {
    pub field: String,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub equals: Vec<String>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub not_equals: Vec<String>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub starts_with: Vec<String>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub not_starts_with: Vec<String>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub ends_with: Vec<String>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub not_ends_with: Vec<String>,
}

#[derive(Debug, Clone, Default, Serialize, Deserialize, PartialEq)]
pub struct Bucket {
    pub name: String,
    /// Region from GetBucketLocation (`us-east-1` for an empty constraint).
    pub region: Option<String>,
    /// Owned by this account (listed by ListBuckets).
    pub owned: bool,
    pub acl: Option<Acl>,
    /// Parsed bucket policy; `None` when the bucket has none.
    pub policy: Option<Value>,
    pub logging: Option<BucketLogging>,
    pub public_access_block: Option<PublicAccessBlock>,
    pub object_lock: bool,
    pub requester_pays: bool,
    /// Default encryption algorithm (`AES256`, `aws:kms`, ...), if any.
    pub encryption: Option<String>,
}

#[derive(Debug, Clone, Default, Serialize, Deserialize, PartialEq)]
pub struct Acl {
    pub owner_id: String,
    pub owner_display_name: Option<String>,
    pub grants: Vec<Grant>,
}

#[derive(
    Debug,
    Clone,
    Default,
    Serialize,
    Deserialize,
    PartialEq,
    Eq,
    PartialOrd,
    Ord,
    schemars::JsonSchema,
)]
pub struct Grant {
    /// `CanonicalUser`, `Group` or `AmazonCustomerByEmail`.
    pub grantee_type: String,
    pub id: Option<String>,
    pub uri: Option<String>,
    pub email: Option<String>,
    pub display_name: Option<String>,
    pub permission: String,
}

pub const ALL_USERS: &str = "http://acs.amazonaws.com/groups/global/AllUsers";
pub const AUTHENTICATED_USERS: &str = "http://acs.amazonaws.com/groups/global/AuthenticatedUsers";

impl Grant {
    pub fn is_public(&self) -> bool {
        matches!(
            self.uri.as_deref(),
            Some(ALL_USERS) | Some(AUTHENTICATED_USERS)
        )
    }
}

#[derive(Debug, Clone, Default, Serialize, Deserialize, PartialEq, schemars::JsonSchema)]
pub struct BucketLogging {
    pub target_bucket: String,
    pub target_prefix: String,
}

#[derive(Debug, Clone, Default, Serialize, Deserialize, PartialEq, schemars::JsonSchema)]
pub struct PublicAccessBlock {
    pub block_public_acls: bool,
    pub ignore_public_acls: bool,
    pub block_public_policy: bool,
    pub restrict_public_buckets: bool,
}

impl PublicAccessBlock {
    pub fn all() -> Self {
        PublicAccessBlock {
            block_public_acls: true,
            ignore_public_acls: true,
            block_public_policy: true,
            restrict_public_buckets: true,
        }
    }
    pub fn is_all(&self) -> bool {
        *self == Self::all()
    }
}

#[derive(Debug, Clone, Default, Serialize, Deserialize, PartialEq)]
pub struct RegionConfig {
    pub recorders: Vec<Recorder>,
    pub channels: Vec<DeliveryChannel>,
}

#[derive(Debug, Clone, Default, Serialize, Deserialize, PartialEq)]
pub struct Recorder {
    pub name: String,
    pub role_arn: Option<String>,
    pub all_supported: bool,
    pub include_global_resource_types: bool,
    pub resource_types: Vec<String>,
    /// `recordingStrategy.useOnly`, when set.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub recording_strategy: Option<String>,
    /// `exclusionByResourceTypes.resourceTypes`, sorted.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub exclusion_resource_types: Vec<String>,
    /// `recordingMode.recordingFrequency` (`CONTINUOUS` / `DAILY`), when set.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub recording_frequency: Option<String>,
    /// From DescribeConfigurationRecorderStatus.
    pub recording: bool,
    pub last_status: Option<String>,
    /// A service-linked recorder (`AWSConfigurationRecorderFor...`), not the customer one.
    pub service_linked: bool,
}

#[derive(Debug, Clone, Default, Serialize, Deserialize, PartialEq)]
pub struct DeliveryChannel {
    pub name: String,
    pub s3_bucket: Option<String>,
    pub s3_prefix: Option<String>,
    pub sns_topic_arn: Option<String>,
}

#[derive(Debug, Clone, Default, Serialize, Deserialize, PartialEq)]
pub struct Key {
    pub region: String,
    pub key_id: String,
    pub arn: String,
    /// `CUSTOMER` or `AWS`.
    pub manager: String,
    /// `Enabled`, `Disabled`, `PendingDeletion`, ...
    pub state: String,
    /// `SYMMETRIC_DEFAULT`, `RSA_2048`, `HMAC_256`, ...
    pub spec: String,
    /// `AWS_KMS`, `EXTERNAL`, `AWS_CLOUDHSM`, `EXTERNAL_KEY_STORE`.
    pub origin: String,
    pub custom_key_store_id: Option<String>,
    /// `PRIMARY` or `REPLICA` for multi-Region keys.
    pub multi_region_role: Option<String>,
    /// `None` when not read (out of scope) or unreadable.
    pub rotation_enabled: Option<bool>,
    /// Key policy (`default`), read only for keys the tool may edit.
    pub policy: Option<Value>,
}

#[derive(Debug, Clone, Default, Serialize, Deserialize, PartialEq)]
pub struct Vpc {
    pub region: String,
    pub vpc_id: String,
    pub owner_id: String,
    pub is_default: bool,
}

#[derive(Debug, Clone, Default, Serialize, Deserialize, PartialEq)]
pub struct FlowLog {
    pub region: String,
    pub flow_log_id: String,
    pub resource_id: String,
    pub status: String,
    pub traffic_type: String,
    /// `cloud-watch-logs`, `s3` or `kinesis-data-firehose`.
    pub destination_type: String,
    pub destination: Option<String>,
}

#[derive(Debug, Clone, Default, Serialize, Deserialize, PartialEq)]
pub struct LogGroup {
    pub name: String,
    pub arn: String,
    pub retention_days: Option<i32>,
}

#[derive(Debug, Clone, Default, Serialize, Deserialize, PartialEq)]
pub struct Role {
    pub name: String,
    pub arn: String,
    pub trust_policy: Option<Value>,
    /// Inline policies by name.
    pub inline_policies: BTreeMap<String, Value>,
}
