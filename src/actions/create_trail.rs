//! `create_trail`: make a trail; undone by deleting it.

use crate::cost::PriceKey;
use serde::{Deserialize, Serialize};

use super::DeleteTrail;
use super::TrailState;
use super::cloudtrail::*;
use super::ctx::{Ctx, Done, Fail, with_created};
use super::{Change, Implicit, Kind, Past, Reversal};
use crate::snapshot::{Snapshot, Trail};
use serde_json::{Value, json};

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, schemars::JsonSchema)]
#[schemars(inline)]
pub struct CreateTrail {
    pub name: String,
    pub bucket: String,
    pub prefix: Option<String>,
    pub kms_key_id: Option<String>,
    pub cloudwatch_log_group_arn: Option<String>,
    pub cloudwatch_role_arn: Option<String>,
    /// An organization trail (from the management account): every member
    /// account's events, under `AWSLogs/<organization id>/`.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub is_organization: bool,
}

impl Kind for CreateTrail {
    const NAME: &'static str = "create_trail";
    const RANK: u8 = 11;
    const CHANGE: Change = Change::Create;
    const IN_APPLY: bool = true;
    const IN_UNDO: bool = false;
    const SHARED_CALLS: &'static [&'static str] = READ_TRAIL;
    const CALLS: &'static [&'static str] = &["kms:DescribeKey", "cloudtrail:CreateTrail"];
    const IMPLICIT: &'static [Implicit] = &[
        Implicit {
            call: "cloudtrail:CreateTrail",
            when: "a trail with CloudWatch Logs: its role is passed to cloudtrail.amazonaws.com",
            actions: &["iam:PassRole"],
            doc: "https://docs.aws.amazon.com/awscloudtrail/latest/userguide/send-cloudtrail-events-to-cloudwatch-logs.html; https://docs.aws.amazon.com/awscloudtrail/latest/userguide/security_iam_id-based-policy-examples.html",
        },
        Implicit {
            call: "cloudtrail:CreateTrail",
            when: "SSE-KMS on a trail whose bucket uses an S3 Bucket Key: the caller needs kms:Decrypt on the key",
            actions: &["kms:Decrypt"],
            doc: "https://docs.aws.amazon.com/awscloudtrail/latest/userguide/create-kms-key-policy-for-cloudtrail.html (\"kms:Decrypt permissions are required to create or update a trail with SSE-KMS encryption enabled\" on an existing bucket with an S3 Bucket Key)",
        },
    ];
    type Prior = TrailState;

    const PASSED_TO: Option<&'static str> = Some("cloudtrail.amazonaws.com");

    fn passed_role(&self) -> Option<&str> {
        self.cloudwatch_role_arn.as_deref()
    }

    fn prices(&self) -> Vec<PriceKey> {
        let mut p = vec![PriceKey::TrailManagementFirstCopy, PriceKey::S3Storage];
        if self.kms_key_id.is_some() {
            p.push(PriceKey::KmsRequests);
        }
        if self.cloudwatch_log_group_arn.is_some() {
            p.push(PriceKey::LogsIngestion);
        }
        p
    }

    fn reverse(&self, past: &Past<'_, Self::Prior>) -> Option<Reversal> {
        let name = &self.name;
        Reversal::remove_created(
            past,
            DeleteTrail { name: name.clone() },
            format!("delete trail {name}, which this run created"),
        )
    }

    fn creates(&self, region: &str, _result: Option<&Value>) -> Vec<String> {
        vec![format!("trail:{region}:{}", self.name)]
    }

    fn simulate(&self, s: &mut Snapshot, region: &str, target: &str) {
        let CreateTrail {
            name,
            bucket,
            prefix,
            kms_key_id,
            cloudwatch_log_group_arn,
            cloudwatch_role_arn,
            is_organization,
        } = self;
        s.trails.insert(
            target.to_string(),
            Trail {
                name: name.clone(),
                arn: target.to_string(),
                home_region: region.to_string(),
                is_multi_region: true,
                include_global_service_events: true,
                s3_bucket: Some(bucket.clone()),
                s3_prefix: prefix.clone(),
                log_file_validation: true,
                kms_key_id: kms_key_id.clone(),
                cloudwatch_log_group_arn: cloudwatch_log_group_arn.clone(),
                cloudwatch_role_arn: cloudwatch_role_arn.clone(),
                is_organization: *is_organization,
                is_logging: Some(false),
                ..Default::default()
            },
        );
    }
}

impl CreateTrail {
    /// Reads the live value, journals it, writes, reads back.
    pub(crate) async fn run(&self, cx: &Ctx<'_>) -> Result<Done, Fail> {
        create_trail(
            cx,
            NewTrail {
                name: &self.name,
                bucket: &self.bucket,
                prefix: self.prefix.as_deref(),
                kms_key_id: self.kms_key_id.as_deref(),
                cw_group: self.cloudwatch_log_group_arn.as_deref(),
                cw_role: self.cloudwatch_role_arn.as_deref(),
                organization: self.is_organization,
            },
        )
        .await
    }
}

async fn create_trail(cx: &Ctx<'_>, t: NewTrail<'_>) -> Result<Done, Fail> {
    let name = t.name;
    if t.cw_group.is_some() != t.cw_role.is_some() {
        return Err(Fail::invalid(
            "the CloudWatch Logs group and role must be given together",
        ));
    }
    let existing = read_trail(cx, name)
        .await
        .map_err(|e| Fail::reading("trail", e))?;
    if let Some(s) = existing {
        cx.before(state_json(&s))?;
        let mut differs = vec![];
        if s.s3_bucket.as_deref() != Some(t.bucket) {
            differs.push("bucket");
        }
        if !s.is_multi_region {
            differs.push("multi-region");
        }
        if !s.log_file_validation {
            differs.push("log file validation");
        }
        if !kms_matches(cx, t.kms_key_id, s.kms_key_id.as_deref()).await {
            differs.push("KMS key");
        }
        if s.cloudwatch_log_group_arn.as_deref() != t.cw_group {
            differs.push("CloudWatch Logs");
        }
        let note = if differs.is_empty() {
            String::new()
        } else {
            format!(" (differs from the plan in: {})", differs.join(", "))
        };
        return Ok(Done::new(
            format!("trail {name} already exists; left unchanged{note}"),
            with_created(state_json(&s), false),
        ));
    }
    cx.before(Value::Null)?;
    let ct = cx.aws.cloudtrail(cx.region());
    let created = match cx
        .retry("CreateTrail", || {
            ct.create_trail()
                .name(name)
                .s3_bucket_name(t.bucket)
                .set_s3_key_prefix(t.prefix.map(str::to_string))
                .set_kms_key_id(t.kms_key_id.map(str::to_string))
                .set_cloud_watch_logs_log_group_arn(t.cw_group.map(str::to_string))
                .set_cloud_watch_logs_role_arn(t.cw_role.map(str::to_string))
                .is_multi_region_trail(true)
                .set_is_organization_trail(t.organization.then_some(true))
                .include_global_service_events(true)
                .enable_log_file_validation(true)
                .send()
        })
        .await
    {
        Ok(_) => true,
        Err(e) if e.code == "TrailAlreadyExistsException" => false,
        Err(e) => return Err(e.into()),
    };
    let made = json!({"name": name, "created": created});
    if created {
        cx.progress(made.clone());
    }
    let now = read_trail(cx, name)
        .await
        .map_err(|e| Fail::from(e).with(made.clone()))?
        .ok_or_else(|| Fail::mismatch(format!("trail {name} cannot be found"), made.clone()))?;
    let result = with_created(state_json(&now), created);
    if !created {
        return Ok(Done::new(
            format!("trail {name} already exists; left unchanged"),
            result,
        ));
    }
    let mut wrong = vec![];
    if now.s3_bucket.as_deref() != Some(t.bucket) {
        wrong.push(format!("bucket {:?}", now.s3_bucket));
    }
    if now.s3_prefix.as_deref() != t.prefix.filter(|p| !p.is_empty()) {
        wrong.push(format!("prefix {:?}", now.s3_prefix));
    }
    if !now.is_multi_region || !now.include_global_service_events || !now.log_file_validation {
        wrong.push("multi-region / global events / validation not all on".into());
    }
    if !kms_matches(cx, t.kms_key_id, now.kms_key_id.as_deref()).await {
        wrong.push(format!("KMS key {:?}", now.kms_key_id));
    }
    if now.cloudwatch_log_group_arn.as_deref() != t.cw_group
        || now.cloudwatch_role_arn.as_deref() != t.cw_role
    {
        wrong.push("CloudWatch Logs group / role".into());
    }
    if !wrong.is_empty() {
        return Err(Fail::mismatch(
            format!("trail {name} reads back with {}", wrong.join("; ")),
            result,
        ));
    }
    Ok(Done::new(
        format!("created multi-region trail {name} in {}", cx.region()),
        result,
    ))
}
