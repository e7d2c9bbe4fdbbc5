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
    /// CloudTrail's trusted access in Organizations (an organization trail
    /// needs it), read by the management account of an organization-trail
    /// run; `None` when not read.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub cloudtrail_trusted_access: Option<bool>,
    /// The organization's feature set as DescribeOrganization gives it
    /// (`ALL` or `CONSOLIDATED_BILLING`), read with the organization;
    /// `None` when not read.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub organization_feature_set: Option<String>,
    /// Web front ends (CIS 7.0 4.10): read only when a selected control
    /// needs them; `None` when not read.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub web: Option<Web>,
}

impl Snapshot {
    /// The organization is known to lack all features (consolidated billing
    /// only): AWS makes no organization trail and turns on no trusted
    /// access there.
    pub fn organization_lacks_all_features(&self) -> bool {
        self.organization_feature_set
            .as_deref()
            .is_some_and(|f| f != "ALL")
    }

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
    Elbv2,
    Apigateway,
    Cloudfront,
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
            Service::Elbv2 => "elbv2",
            Service::Apigateway => "apigateway",
            Service::Cloudfront => "cloudfront",
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

/// The AWS-managed web front ends whose access logs CIS 7.0 4.10 asks for.
#[derive(Debug, Clone, Default, Serialize, Deserialize, PartialEq)]
pub struct Web {
    /// Elastic Load Balancing load balancers (v2 and Classic), by ARN.
    pub load_balancers: BTreeMap<String, LoadBalancer>,
    /// API Gateway stages (REST, HTTP and WebSocket APIs), by stage ARN.
    pub api_stages: BTreeMap<String, ApiStage>,
    /// API Gateway account settings per region (REST access logging
    /// needs the account's CloudWatch Logs role).
    pub api_accounts: BTreeMap<String, ApiAccount>,
    /// CloudFront distributions (global), by ARN.
    pub distributions: BTreeMap<String, Distribution>,
    /// CloudWatch Logs delivery sources of the CloudFront region
    /// (standard logging v2), by name.
    pub delivery_sources: BTreeMap<String, DeliverySource>,
    /// The roles API Gateway accounts name as `cloudwatchRoleArn`, by ARN,
    /// as read (absent: not read, e.g. a role of another account).
    #[serde(default)]
    pub account_roles: BTreeMap<String, AccountRole>,
}

/// A role API Gateway writes logs with: what it trusts and may do.
#[derive(Debug, Clone, Default, Serialize, Deserialize, PartialEq)]
pub struct AccountRole {
    /// GetRole found it.
    pub exists: bool,
    pub trust_policy: Option<Value>,
    /// Its inline and attached managed policy documents, by name (inline)
    /// or policy ARN (managed).
    #[serde(default)]
    pub policies: BTreeMap<String, Value>,
}

/// An S3 destination of access logs.
#[derive(Debug, Clone, Default, Serialize, Deserialize, PartialEq, Eq, schemars::JsonSchema)]
pub struct S3Target {
    pub bucket: String,
    pub prefix: String,
}

#[derive(Debug, Clone, Default, Serialize, Deserialize, PartialEq)]
pub struct LoadBalancer {
    pub region: String,
    pub arn: String,
    pub name: String,
    /// `application`, `network` or `gateway` (Elastic Load Balancing v2),
    /// or `classic` (a Classic Load Balancer: its ARN is
    /// `…:loadbalancer/<name>`).
    pub lb_type: String,
    /// `internet-facing` or `internal`.
    pub scheme: String,
    /// `access_logs.s3.*` when enabled; `None`: off.
    pub access_logs: Option<S3Target>,
    /// The attributes could not be read (recorded in `read_errors`).
    #[serde(default)]
    pub unread: bool,
    /// The protocols of a Network Load Balancer's listeners (`TLS`, `TCP`,
    /// `UDP`, …), as DescribeListeners gives them; `None`: not read.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub listeners: Option<Vec<String>>,
}

#[derive(Debug, Clone, Default, Serialize, Deserialize, PartialEq)]
pub struct ApiStage {
    pub region: String,
    pub api_id: String,
    pub api_name: String,
    pub stage_name: String,
    /// `REST`, `HTTP` or `WEBSOCKET`.
    pub protocol: String,
    /// `accessLogSettings.destinationArn`, when set.
    pub access_log_destination: Option<String>,
    pub access_log_format: Option<String>,
    /// A REST API whose only endpoint type is `PRIVATE` (reachable from VPC
    /// endpoints only).
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub private: bool,
    /// A REST stage's execution logging (`methodSettings."*/*".loggingLevel`:
    /// `OFF`, `ERROR`, `INFO`), which some scanners read instead of access
    /// logs; `None`: not set (or not a REST stage).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub execution_logging: Option<String>,
}

impl ApiStage {
    /// `arn:<p>:apigateway:<region>::/restapis/<id>/stages/<name>` (REST),
    /// `…::/apis/<id>/stages/<name>` (HTTP, WebSocket).
    pub fn arn(&self, partition: &str) -> String {
        let kind = if self.protocol == "REST" {
            "restapis"
        } else {
            "apis"
        };
        format!(
            "arn:{partition}:apigateway:{}::/{kind}/{}/stages/{}",
            self.region, self.api_id, self.stage_name
        )
    }
}

#[derive(Debug, Clone, Default, Serialize, Deserialize, PartialEq)]
pub struct ApiAccount {
    /// `cloudwatchRoleArn` of API Gateway's account settings.
    pub cloudwatch_role_arn: Option<String>,
}

#[derive(Debug, Clone, Default, Serialize, Deserialize, PartialEq)]
pub struct Distribution {
    pub id: String,
    pub arn: String,
    pub domain_name: String,
    /// Legacy standard logging (`DistributionConfig.Logging`), when enabled.
    pub legacy_logging: Option<S3Target>,
    /// The configuration could not be read (recorded in `read_errors`).
    #[serde(default)]
    pub unread: bool,
}

#[derive(Debug, Clone, Default, Serialize, Deserialize, PartialEq)]
pub struct DeliverySource {
    pub name: String,
    pub resource_arns: Vec<String>,
    /// `ACCESS_LOGS`, ...
    pub log_type: String,
    /// Destination ARNs of the deliveries from this source, sorted.
    pub destinations: Vec<String>,
}

impl Web {
    /// The delivery destinations of `resource`'s access logs (standard
    /// logging v2), sorted.
    pub fn access_log_deliveries(&self, resource: &str) -> Vec<&str> {
        let mut out: Vec<&str> = self
            .delivery_sources
            .values()
            .filter(|s| {
                s.log_type == "ACCESS_LOGS" && s.resource_arns.iter().any(|r| r == resource)
            })
            .flat_map(|s| s.destinations.iter().map(String::as_str))
            .collect();
        out.sort();
        out.dedup();
        out
    }
}
