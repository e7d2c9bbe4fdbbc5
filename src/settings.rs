//! `remediate.toml`: what the tool creates and how.
//!
//! Every key is optional; [`FileSettings::default`] documents the defaults.
//! Names may hold `{account}` and `{region}`, filled in per account and region
//! so that bucket names (global) never collide between accounts or regions.
//! Unknown keys are errors: a misspelt `retention_day` silently ignored would
//! make a plan differ from what the reviewer believes it says.

use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, schemars::JsonSchema)]
#[serde(deny_unknown_fields, default)]
pub struct FileSettings {
    pub names: Names,
    /// Retention of every log group the tool creates (CIS suggests >= 365).
    pub log_retention_days: i32,
    pub flow_logs: FlowLogSettings,
    /// The one region whose recorder records global resource types
    /// (default: the home region).
    pub global_resources_region: Option<String>,
    /// Controls not checked nor fixed (e.g. ["2.9"]).
    pub skip_controls: Vec<String>,
    /// Resources exempted from a control, shown as skipped with the reason.
    pub exemptions: Vec<Exemption>,
    /// How the SDK retries (`--retry-mode` / `--max-attempts` win).
    pub aws: AwsSettings,
    /// The benchmark version whose ids and audit text apply (`cis-3.0`;
    /// `--benchmark` wins; default `cis-1.2`).
    pub benchmark: Option<String>,
    /// Which buckets the S3 object-level logging fix records.
    pub s3_data_events: DataEventSettings,
    /// `[org]`: the accounts of an organization run and how they are reached.
    pub org: OrgSettings,
    /// `[web]`: what CIS 7.0 4.10 asks of web front ends beyond access logs
    /// (left out of a plan's settings while unset).
    #[serde(skip_serializing_if = "WebSettings::is_unset")]
    pub web: WebSettings,
    /// `[plan]`: signing saved plans and checking their signatures. Never
    /// saved in a plan: it says who approves a file, not what it does.
    #[serde(skip_serializing)]
    #[schemars(skip)]
    pub plan: PlanSettings,
}

/// `[plan]` (`--sign-with` / `--verify-with` win).
#[derive(Debug, Clone, Default, Serialize, Deserialize, PartialEq, schemars::JsonSchema)]
#[serde(deny_unknown_fields, default)]
pub struct PlanSettings {
    /// KMS key (ARN or alias) that `plan --out` signs saved plans with.
    pub sign_with: Option<String>,
    /// KMS key (ARN or alias) whose signature `apply FILE` requires.
    pub verify_with: Option<String>,
}

/// `[web]`: for whoever is judged by scanners that read other logs than
/// CIS 4.10's access logs.
#[derive(Debug, Clone, Default, Serialize, Deserialize, PartialEq, schemars::JsonSchema)]
#[serde(deny_unknown_fields, default)]
pub struct WebSettings {
    /// `ERROR` or `INFO`: REST API stages also need execution logging at
    /// that level (what Prowler's apigateway_restapi_logging_enabled and
    /// Security Hub APIGateway.1 read); a stage without it fails 4.10 and
    /// the plan turns it on. Unset: access logs only, as CIS reads it.
    pub rest_execution_logging: Option<String>,
}

impl WebSettings {
    fn is_unset(&self) -> bool {
        *self == WebSettings::default()
    }
}

/// The role Organizations creates in the accounts it creates.
pub const DEFAULT_ORG_ROLE: &str = "OrganizationAccountAccessRole";

/// `[org]` (the command line's `--org`, `--ou`, `--accounts`,
/// `--exclude-accounts`, `--role`, `--external-id` win).
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, schemars::JsonSchema)]
#[serde(deny_unknown_fields, default)]
pub struct OrgSettings {
    /// Every ACTIVE account of the organization (as `--org`).
    pub all_accounts: bool,
    /// Only the accounts under this organizational unit and its children.
    pub ou: Option<String>,
    pub accounts: Vec<String>,
    pub exclude_accounts: Vec<String>,
    /// Assumed in every account but the caller's.
    pub role: String,
    pub external_id: Option<String>,
    /// Accounts read or changed at once (each with `--concurrency` calls).
    pub account_concurrency: usize,
    /// `account` (default): every account gets its own trail fixes;
    /// `organization`: the management account gets one organization trail
    /// that covers every member (`--org-trail`).
    pub trail: OrgTrail,
}

/// Who gets the trail that passes "CloudTrail in all regions".
#[derive(
    Debug, Clone, Copy, Default, Serialize, Deserialize, PartialEq, Eq, schemars::JsonSchema,
)]
#[serde(rename_all = "lowercase")]
pub enum OrgTrail {
    #[default]
    Account,
    Organization,
}

impl Default for OrgSettings {
    fn default() -> Self {
        OrgSettings {
            all_accounts: false,
            ou: None,
            accounts: vec![],
            exclude_accounts: vec![],
            role: DEFAULT_ORG_ROLE.into(),
            external_id: None,
            account_concurrency: 4,
            trail: OrgTrail::Account,
        }
    }
}

/// `[s3_data_events]`: the buckets whose object-level events are recorded;
/// empty (the default) means every bucket, as CIS asks.
#[derive(Debug, Clone, Default, Serialize, Deserialize, PartialEq, schemars::JsonSchema)]
#[serde(deny_unknown_fields, default)]
pub struct DataEventSettings {
    pub buckets: Vec<String>,
}

/// How the SDK retries (`--retry-mode`, `--max-attempts`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(rename_all = "lowercase")]
pub enum RetryMode {
    Standard,
    Adaptive,
}

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, schemars::JsonSchema)]
#[serde(deny_unknown_fields, default)]
pub struct AwsSettings {
    /// `standard` or `adaptive`.
    pub retry_mode: RetryMode,
    /// Attempts per call (1 = no retries).
    pub max_attempts: u32,
    /// How long a write that fails because a role or policy just made is not
    /// visible yet (IAM is eventually consistent) keeps being retried, with
    /// exponential backoff; 0 = do not wait.
    pub iam_propagation_seconds: u64,
}

/// Accepted `max_attempts` (and `--max-attempts`).
pub const MAX_ATTEMPTS: std::ops::RangeInclusive<u32> = 1..=20;
/// Accepted `iam_propagation_seconds` (and `--iam-propagation-seconds`).
pub const IAM_PROPAGATION_SECONDS: std::ops::RangeInclusive<u64> = 0..=3600;

impl Default for AwsSettings {
    fn default() -> Self {
        AwsSettings {
            retry_mode: RetryMode::Standard,
            max_attempts: 5,
            // IAM changes usually show everywhere within seconds, but AWS
            // documents no bound; two minutes covers the slow cases seen.
            iam_propagation_seconds: 120,
        }
    }
}

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, schemars::JsonSchema)]
#[serde(deny_unknown_fields, default)]
pub struct Names {
    pub trail: String,
    /// The organization trail (`[org] trail = "organization"`).
    pub org_trail: String,
    pub trail_bucket: String,
    pub access_log_bucket: String,
    pub config_bucket: String,
    pub cloudtrail_log_group: String,
    pub cloudtrail_role: String,
    pub flow_log_group: String,
    pub flow_log_role: String,
    pub flow_log_bucket: String,
    /// Per region: access logs of load balancers, and (us-east-1) CloudFront.
    pub web_log_bucket: String,
    /// Per region: API Gateway stage access logs.
    pub api_access_log_group: String,
    /// The role API Gateway writes REST access logs with (account setting).
    pub api_gateway_role: String,
    pub kms_alias: String,
    pub recorder: String,
    pub delivery_channel: String,
}

impl Default for Names {
    fn default() -> Self {
        Names {
            trail: "remediate-trail".into(),
            org_trail: "remediate-org-trail".into(),
            trail_bucket: "remediate-cloudtrail-{account}-{region}".into(),
            access_log_bucket: "remediate-access-logs-{account}-{region}".into(),
            config_bucket: "remediate-config-{account}-{region}".into(),
            cloudtrail_log_group: "remediate/cloudtrail".into(),
            cloudtrail_role: "remediate-cloudtrail-to-logs".into(),
            flow_log_group: "remediate/vpc-flow-logs".into(),
            flow_log_role: "remediate-vpc-flow-logs".into(),
            flow_log_bucket: "remediate-flow-logs-{account}-{region}".into(),
            web_log_bucket: "remediate-web-logs-{account}-{region}".into(),
            api_access_log_group: "remediate/apigateway-access-logs".into(),
            api_gateway_role: "remediate-apigateway-cloudwatch".into(),
            kms_alias: "alias/remediate-cloudtrail".into(),
            recorder: "default".into(),
            delivery_channel: "default".into(),
        }
    }
}

#[derive(Debug, Clone, Copy, Serialize, Deserialize, PartialEq, Eq, schemars::JsonSchema)]
#[serde(rename_all = "kebab-case")]
pub enum FlowLogDestination {
    CloudWatchLogs,
    S3,
}

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, schemars::JsonSchema)]
#[serde(deny_unknown_fields, default)]
pub struct FlowLogSettings {
    pub destination: FlowLogDestination,
    /// `ACCEPT`, `REJECT` or `ALL`; CIS suggests REJECT.
    pub traffic_type: String,
}

impl Default for FlowLogSettings {
    fn default() -> Self {
        FlowLogSettings {
            destination: FlowLogDestination::CloudWatchLogs,
            traffic_type: "REJECT".into(),
        }
    }
}

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Exemption {
    pub control: String,
    /// ARN, id or name of the resource as the findings show it.
    pub resource: String,
    /// With a statement Sid, only that bucket-policy statement is exempted
    /// (2.3: a `Principal *` statement narrowed by a condition such as
    /// `aws:PrincipalOrgID` or `aws:SourceVpce` that the owner keeps on
    /// purpose); the rest of the resource is still judged.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub statement: Option<String>,
    pub reason: String,
}

impl Default for FileSettings {
    fn default() -> Self {
        FileSettings {
            names: Names::default(),
            log_retention_days: 365,
            flow_logs: FlowLogSettings::default(),
            global_resources_region: None,
            skip_controls: vec![],
            exemptions: vec![],
            aws: AwsSettings::default(),
            benchmark: None,
            s3_data_events: DataEventSettings::default(),
            org: OrgSettings::default(),
            plan: PlanSettings::default(),
            web: WebSettings::default(),
        }
    }
}

/// Retention values CloudWatch Logs accepts.
const RETENTIONS: &[i32] = &[
    1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922,
    3288, 3653,
];

impl FileSettings {
    /// Parse and validate all but the control ids (see
    /// `controls::parse_settings`, which checks those too); the message
    /// names the key and line of the problem.
    pub fn parse(text: &str) -> Result<Self, String> {
        let s: FileSettings = toml::from_str(text).map_err(|e| one_line_toml_error(&e, text))?;
        s.validate(text)?;
        Ok(s)
    }

    fn validate(&self, text: &str) -> Result<(), String> {
        let line_of = |key: &str| {
            text.lines()
                .position(|l| l.trim_start().starts_with(key))
                .map(|n| format!("line {}: ", n + 1))
                .unwrap_or_default()
        };
        if !RETENTIONS.contains(&self.log_retention_days) {
            return Err(format!(
                "{}log_retention_days = {} is not a CloudWatch Logs retention (use one of {:?})",
                line_of("log_retention_days"),
                self.log_retention_days,
                RETENTIONS
            ));
        }
        if !MAX_ATTEMPTS.contains(&self.aws.max_attempts) {
            return Err(format!(
                "{}aws.max_attempts = {} must be between 1 and 20",
                line_of("max_attempts"),
                self.aws.max_attempts
            ));
        }
        if !IAM_PROPAGATION_SECONDS.contains(&self.aws.iam_propagation_seconds) {
            return Err(format!(
                "{}aws.iam_propagation_seconds = {} must be between 0 and 3600",
                line_of("iam_propagation_seconds"),
                self.aws.iam_propagation_seconds
            ));
        }
        if let Some(l) = &self.web.rest_execution_logging
            && l != "ERROR"
            && l != "INFO"
        {
            return Err(format!(
                "{}web.rest_execution_logging = {l:?} must be ERROR or INFO",
                line_of("rest_execution_logging")
            ));
        }
        if !["ACCEPT", "REJECT", "ALL"].contains(&self.flow_logs.traffic_type.as_str()) {
            return Err(format!(
                "{}flow_logs.traffic_type = {:?} must be ACCEPT, REJECT or ALL",
                line_of("traffic_type"),
                self.flow_logs.traffic_type
            ));
        }
        if let Some(r) = &self.global_resources_region
            && !crate::regions::can_record_global(r)
        {
            return Err(format!(
                "{}global_resources_region = {r:?} cannot record IAM global resource types (AWS Config came to it after February 2022); use us-east-1 or another older region",
                line_of("global_resources_region")
            ));
        }
        if !self.names.kms_alias.starts_with("alias/")
            || self.names.kms_alias.starts_with("alias/aws/")
        {
            return Err(format!(
                "{}names.kms_alias = {:?} must start with alias/ and not alias/aws/",
                line_of("kms_alias"),
                self.names.kms_alias
            ));
        }
        Ok(())
    }

    /// The exemption of one policy statement (by Sid) of `resource`.
    pub fn exempt_statement(&self, control: &str, resource: &str, sid: &str) -> Option<&Exemption> {
        self.exemptions.iter().find(|e| {
            e.control == control
                && e.statement.as_deref() == Some(sid)
                && (e.resource == resource || resource.ends_with(&format!(":::{}", e.resource)))
        })
    }

    /// Every control id the settings name (skip list, exemptions) is one
    /// `is_known` accepts; the error names the line. The registry lives in
    /// `controls`, which calls this: settings know no control.
    pub fn check_controls(
        &self,
        text: &str,
        is_known: impl Fn(&str) -> bool,
        known: &str,
    ) -> Result<(), String> {
        for c in self
            .skip_controls
            .iter()
            .chain(self.exemptions.iter().map(|e| &e.control))
        {
            if !is_known(c) {
                let key = if self.skip_controls.contains(c) {
                    "skip_controls"
                } else {
                    "control"
                };
                let line = text
                    .lines()
                    .position(|l| l.trim_start().starts_with(key))
                    .map(|n| format!("line {}: ", n + 1))
                    .unwrap_or_default();
                return Err(format!("{line}unknown control {c:?} (known: {known})"));
            }
        }
        Ok(())
    }

    pub fn is_exempt(&self, control: &str, resource: &str) -> Option<&Exemption> {
        self.exemptions.iter().find(|e| {
            e.control == control
                && e.statement.is_none()
                && (e.resource == resource
                    || resource.ends_with(&format!("/{}", e.resource))
                    || resource.ends_with(&format!(":{}", e.resource)))
        })
    }
}

fn one_line_toml_error(e: &toml::de::Error, text: &str) -> String {
    let msg = e.message().replace('\n', " ");
    // For an unknown key, point at the line that holds it (toml's span is the
    // enclosing table); otherwise at the start of the span.
    let unknown = msg
        .strip_prefix("unknown field `")
        .and_then(|r| r.split('`').next());
    let line = unknown
        .and_then(|k| {
            text.lines().position(|l| {
                let l = l.trim_start();
                l.strip_prefix(k)
                    .is_some_and(|r| r.trim_start().starts_with('=') || r.starts_with(']'))
            })
        })
        .map(|n| n + 1)
        .or_else(|| {
            e.span()
                .map(|s| text[..s.start.min(text.len())].lines().count().max(1))
        });
    // A bad value: name its key (`aws.max_attempts: invalid type …`).
    let key = line
        .filter(|_| unknown.is_none())
        .and_then(|n| key_at(text, n))
        .filter(|k| !msg.contains(k.rsplit('.').next().unwrap_or(k)));
    match (line, key) {
        (Some(n), Some(k)) => format!("line {n}: {k}: {}", msg.trim()),
        (Some(n), None) => format!("line {n}: {}", msg.trim()),
        _ => msg.trim().to_string(),
    }
}

/// The dotted key set on line `n` (1-based), e.g. `aws.max_attempts`.
fn key_at(text: &str, n: usize) -> Option<String> {
    let lines: Vec<&str> = text.lines().collect();
    let (key, _) = lines.get(n - 1)?.split_once('=')?;
    let key = key.trim();
    if key.is_empty() || key.starts_with('[') {
        return None;
    }
    let table = lines[..n - 1]
        .iter()
        .rev()
        .map(|l| l.trim())
        .find(|l| l.starts_with('['))
        .map(|l| l.trim_matches(['[', ']', ' ']).to_string());
    Some(match table {
        Some(t) => format!("{t}.{key}"),
        None => key.to_string(),
    })
}

/// Fill `{account}` and `{region}` in a configured name.
pub fn fill(template: &str, account: &str, region: &str) -> String {
    template
        .replace("{account}", account)
        .replace("{region}", region)
}
