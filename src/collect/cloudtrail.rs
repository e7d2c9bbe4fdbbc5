//! CloudTrail: DescribeTrails (with shadow trails) per region; status and
//! event selectors once per trail, in its home region.

use aws_sdk_cloudtrail::types as ct;

use super::{Cx, arn_region};
use crate::snapshot::{
    AdvancedEventSelector, DataResource, ErrorKind, EventSelector, FieldSelector, Service, Trail,
};

/// Every trail visible in `region` (home copies fully read, shadow copies of
/// trails homed elsewhere as described). `None` when DescribeTrails failed.
pub(super) async fn read_region(cx: &Cx<'_>, region: &str) -> Option<Vec<Trail>> {
    let client = cx.aws.cloudtrail(region);
    let out = cx
        .read(
            region,
            Service::Cloudtrail,
            "DescribeTrails",
            None,
            client.describe_trails().include_shadow_trails(true).send(),
        )
        .await?;
    let mut trails: Vec<Trail> = out
        .trail_list()
        .iter()
        .filter_map(|t| from_sdk(t, region))
        .collect();
    trails.sort_by(|a, b| a.arn.cmp(&b.arn));
    trails.dedup_by(|a, b| a.arn == b.arn);
    futures::future::join_all(
        trails
            .iter_mut()
            .filter(|t| t.home_region == region)
            .map(|t| read_status(cx, region, t)),
    )
    .await;
    Some(trails)
}

fn from_sdk(t: &ct::Trail, region: &str) -> Option<Trail> {
    let arn = t.trail_arn()?.to_string();
    let home_region = arn_region(&arn)
        .or(t.home_region())
        .unwrap_or(region)
        .to_string();
    let name = t
        .name()
        .map(str::to_string)
        .unwrap_or_else(|| arn.rsplit('/').next().unwrap_or_default().to_string());
    let opt = |s: Option<&str>| s.filter(|s| !s.is_empty()).map(str::to_string);
    Some(Trail {
        name,
        home_region,
        is_multi_region: t.is_multi_region_trail().unwrap_or(false),
        is_organization: t.is_organization_trail().unwrap_or(false),
        include_global_service_events: t.include_global_service_events().unwrap_or(false),
        s3_bucket: opt(t.s3_bucket_name()),
        s3_prefix: opt(t.s3_key_prefix()),
        log_file_validation: t.log_file_validation_enabled().unwrap_or(false),
        cloudwatch_log_group_arn: opt(t.cloud_watch_logs_log_group_arn()),
        cloudwatch_role_arn: opt(t.cloud_watch_logs_role_arn()),
        kms_key_id: opt(t.kms_key_id()),
        arn,
        ..Default::default()
    })
}

/// GetTrailStatus and GetEventSelectors for one trail, with a client in
/// `region` (the trail's home region). A trail owned by another account (an
/// organization trail seen from a member) may refuse these: that is not an error.
pub(super) async fn read_status(cx: &Cx<'_>, region: &str, t: &mut Trail) {
    let client = cx.aws.cloudtrail(region);
    let foreign = t.owner_account() != cx.account;
    let (status, selectors) = tokio::join!(
        cx.call(client.get_trail_status().name(&t.arn).send()),
        cx.call(client.get_event_selectors().trail_name(&t.arn).send()),
    );
    let resource = format!("trail {}", t.arn);
    let tolerated =
        |kind: ErrorKind| foreign && matches!(kind, ErrorKind::Denied | ErrorKind::NotFound);
    match status {
        Ok(s) => {
            t.is_logging = s.is_logging();
            t.latest_delivery_error = s
                .latest_delivery_error()
                .filter(|e| !e.is_empty())
                .map(str::to_string);
            t.latest_cloudwatch_delivery =
                s.latest_cloud_watch_logs_delivery_time().map(|d| d.secs());
            t.latest_cloudwatch_delivery_error = s
                .latest_cloud_watch_logs_delivery_error()
                .filter(|e| !e.is_empty())
                .map(str::to_string);
        }
        Err(e) if tolerated(e.kind) => {
            tracing::debug!(trail = %t.arn, error = %e, "status of another account's trail not readable");
        }
        Err(e) => cx.record(
            region,
            Service::Cloudtrail,
            "GetTrailStatus",
            Some(&resource),
            &e,
        ),
    }
    match selectors {
        Ok(s) => {
            t.event_selectors = s.event_selectors().iter().map(event_selector).collect();
            t.advanced_event_selectors = s
                .advanced_event_selectors()
                .iter()
                .map(advanced_selector)
                .collect();
        }
        Err(e) if tolerated(e.kind) => {
            tracing::debug!(trail = %t.arn, error = %e, "selectors of another account's trail not readable");
        }
        Err(e) => cx.record(
            region,
            Service::Cloudtrail,
            "GetEventSelectors",
            Some(&resource),
            &e,
        ),
    }
}

fn event_selector(s: &ct::EventSelector) -> EventSelector {
    EventSelector {
        // Documented defaults when the field is absent: All, true.
        read_write_type: s
            .read_write_type()
            .map(|r| r.as_str().to_string())
            .unwrap_or_else(|| "All".into()),
        include_management_events: s.include_management_events().unwrap_or(true),
        exclude_management_event_sources: s.exclude_management_event_sources().to_vec(),
        data_resources: s
            .data_resources()
            .iter()
            .map(|d| DataResource {
                r#type: d.r#type().unwrap_or_default().to_string(),
                values: d.values().to_vec(),
            })
            .collect(),
    }
}

fn advanced_selector(s: &ct::AdvancedEventSelector) -> AdvancedEventSelector {
    AdvancedEventSelector {
        name: s.name().map(str::to_string),
        field_selectors: s
            .field_selectors()
            .iter()
            .map(|f| FieldSelector {
                field: f.field().to_string(),
                equals: f.equals().to_vec(),
                not_equals: f.not_equals().to_vec(),
                starts_with: f.starts_with().to_vec(),
                not_starts_with: f.not_starts_with().to_vec(),
                ends_with: f.ends_with().to_vec(),
                not_ends_with: f.not_ends_with().to_vec(),
            })
            .collect(),
    }
}
