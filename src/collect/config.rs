//! AWS Config: recorders, their status and delivery channels, per region.

use super::Cx;
use crate::snapshot::{DeliveryChannel, Recorder, RegionConfig, Service};

/// `None` when any of the three calls failed (the failure is recorded): a
/// partial view could pass for "no recorder".
pub(super) async fn read_region(cx: &Cx<'_>, region: &str) -> Option<RegionConfig> {
    let client = cx.aws.configservice(region);
    let (recorders, statuses, channels) = tokio::join!(
        cx.read(
            region,
            Service::Config,
            "DescribeConfigurationRecorders",
            None,
            client.describe_configuration_recorders().send(),
        ),
        cx.read(
            region,
            Service::Config,
            "DescribeConfigurationRecorderStatus",
            None,
            client.describe_configuration_recorder_status().send(),
        ),
        cx.read(
            region,
            Service::Config,
            "DescribeDeliveryChannels",
            None,
            client.describe_delivery_channels().send(),
        ),
    );
    let (recorders, statuses, channels) = (recorders?, statuses?, channels?);
    let recorders = recorders
        .configuration_recorders()
        .iter()
        .map(|r| {
            let name = r.name().unwrap_or_default().to_string();
            let status = statuses
                .configuration_recorders_status()
                .iter()
                .find(|s| s.name() == Some(name.as_str()));
            let group = r.recording_group();
            let mut resource_types: Vec<String> = group
                .map(|g| {
                    g.resource_types()
                        .iter()
                        .map(|t| t.as_str().to_string())
                        .collect()
                })
                .unwrap_or_default();
            resource_types.sort();
            let mut exclusion_resource_types: Vec<String> = group
                .and_then(|g| g.exclusion_by_resource_types())
                .map(|e| {
                    e.resource_types()
                        .iter()
                        .map(|t| t.as_str().to_string())
                        .collect()
                })
                .unwrap_or_default();
            exclusion_resource_types.sort();
            Recorder {
                recording_strategy: group
                    .and_then(|g| g.recording_strategy())
                    .and_then(|s| s.use_only())
                    .map(|s| s.as_str().to_string()),
                exclusion_resource_types,
                recording_frequency: r
                    .recording_mode()
                    .map(|m| m.recording_frequency().as_str().to_string()),
                service_linked: name.starts_with("AWSConfigurationRecorderFor")
                    || r.service_principal().is_some_and(|p| !p.is_empty()),
                role_arn: r.role_arn().filter(|s| !s.is_empty()).map(str::to_string),
                all_supported: group.is_some_and(|g| g.all_supported()),
                include_global_resource_types: group
                    .is_some_and(|g| g.include_global_resource_types()),
                resource_types,
                recording: status.is_some_and(|s| s.recording()),
                last_status: status
                    .and_then(|s| s.last_status())
                    .map(|s| s.as_str().to_string()),
                name,
            }
        })
        .collect();
    let channels = channels
        .delivery_channels()
        .iter()
        .map(|c| DeliveryChannel {
            name: c.name().unwrap_or_default().to_string(),
            s3_bucket: c
                .s3_bucket_name()
                .filter(|s| !s.is_empty())
                .map(str::to_string),
            s3_prefix: c
                .s3_key_prefix()
                .filter(|s| !s.is_empty())
                .map(str::to_string),
            sns_topic_arn: c
                .sns_topic_arn()
                .filter(|s| !s.is_empty())
                .map(str::to_string),
        })
        .collect();
    Some(RegionConfig {
        recorders,
        channels,
    })
}
