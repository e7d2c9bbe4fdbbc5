//! The dispatch from an action's op to the service file that runs it.

use super::ctx::{Ctx, Done, Fail};
use super::{cloudtrail, config, ec2, iam, kms, logs, s3};
use crate::actions::{
    CreateBucket, CreateFlowLogs, CreateKey, CreateLogGroup, CreateRole, CreateServiceLinkedRole,
    CreateTrail, DeleteBucket, DeleteBucketPolicy, DeleteConfigurationRecorder,
    DeleteDeliveryChannel, DeleteFlowLogs, DeleteLogGroup, DeletePublicAccessBlock, DeleteRole,
    DeleteServiceLinkedRole, DeleteTrail, DisableBucketLogging, DisableKeyRotation,
    EnableKeyRotation, PutAdvancedEventSelectors, PutBucketAcl, PutBucketLogging, PutBucketPolicy,
    PutConfigurationRecorder, PutDeliveryChannel, PutEventSelectors, PutKeyPolicy,
    PutPublicAccessBlock, RestoreConfigurationRecorder, ScheduleKeyDeletion,
    StartConfigurationRecorder, StartLogging, StopConfigurationRecorder, StopLogging,
};
use crate::plan::Op;

/// Runs the action's op with the service file that knows it.
pub(crate) async fn run(cx: &Ctx<'_>) -> Result<Done, Fail> {
    match &cx.action.op {
        Op::CreateBucket(CreateBucket { bucket }) => s3::create_bucket(cx, bucket).await,
        Op::PutPublicAccessBlock(PutPublicAccessBlock { bucket, config }) => {
            s3::put_public_access_block(cx, bucket, config).await
        }
        Op::PutBucketAcl(PutBucketAcl {
            bucket,
            owner_id,
            owner_display_name,
            grants,
        }) => s3::put_bucket_acl(cx, bucket, owner_id, owner_display_name.as_deref(), grants).await,
        Op::PutBucketPolicy(PutBucketPolicy { bucket, policy }) => {
            s3::put_bucket_policy(cx, bucket, policy).await
        }
        Op::PutBucketLogging(PutBucketLogging {
            bucket,
            target_bucket,
            target_prefix,
        }) => s3::put_bucket_logging(cx, bucket, Some((target_bucket, target_prefix))).await,
        Op::CreateKey(CreateKey {
            alias,
            description,
            policy,
        }) => kms::create_key(cx, alias, description, policy).await,
        Op::PutKeyPolicy(PutKeyPolicy { key_id, policy }) => {
            kms::put_key_policy(cx, key_id, policy).await
        }
        Op::EnableKeyRotation(EnableKeyRotation { key_id }) => {
            kms::set_rotation(cx, key_id, true).await
        }
        Op::CreateLogGroup(CreateLogGroup {
            name,
            retention_days,
        }) => logs::create_log_group(cx, name, *retention_days).await,
        Op::CreateRole(CreateRole {
            name,
            trust_policy,
            policy_name,
            policy,
        }) => iam::create_role(cx, name, trust_policy, policy_name, policy).await,
        Op::CreateServiceLinkedRole(CreateServiceLinkedRole { service }) => {
            iam::create_service_linked_role(cx, service).await
        }
        Op::CreateTrail(CreateTrail {
            name,
            bucket,
            prefix,
            kms_key_id,
            cloudwatch_log_group_arn,
            cloudwatch_role_arn,
        }) => {
            cloudtrail::create_trail(
                cx,
                cloudtrail::NewTrail {
                    name,
                    bucket,
                    prefix: prefix.as_deref(),
                    kms_key_id: kms_key_id.as_deref(),
                    cw_group: cloudwatch_log_group_arn.as_deref(),
                    cw_role: cloudwatch_role_arn.as_deref(),
                },
            )
            .await
        }
        Op::UpdateTrail(_) => cloudtrail::update_trail(cx, &cx.action.op).await,
        Op::PutEventSelectors(PutEventSelectors { trail, selectors }) => {
            cloudtrail::put_event_selectors(cx, trail, selectors, false).await
        }
        Op::PutAdvancedEventSelectors(PutAdvancedEventSelectors { trail, selectors }) => {
            cloudtrail::put_event_selectors(cx, trail, selectors, true).await
        }
        Op::StartLogging(StartLogging { trail }) => cloudtrail::set_logging(cx, trail, true).await,
        Op::StopLogging(StopLogging { trail }) => cloudtrail::set_logging(cx, trail, false).await,
        Op::DeleteTrail(DeleteTrail { name }) => cloudtrail::delete_trail(cx, name).await,
        Op::PutConfigurationRecorder(PutConfigurationRecorder {
            name,
            role_arn,
            include_global_resource_types,
        }) => {
            let group = serde_json::json!({
                "allSupported": true,
                "includeGlobalResourceTypes": include_global_resource_types,
            });
            config::put_recorder(cx, name, role_arn, &group, None).await
        }
        Op::RestoreConfigurationRecorder(RestoreConfigurationRecorder {
            name,
            role_arn,
            recording_group,
            recording_mode,
        }) => {
            config::put_recorder(cx, name, role_arn, recording_group, recording_mode.as_ref()).await
        }
        Op::PutDeliveryChannel(PutDeliveryChannel {
            name,
            bucket,
            prefix,
        }) => config::put_delivery_channel(cx, name, bucket, prefix.as_deref()).await,
        Op::StartConfigurationRecorder(StartConfigurationRecorder { name }) => {
            config::set_recording(cx, name, true).await
        }
        Op::StopConfigurationRecorder(StopConfigurationRecorder { name }) => {
            config::set_recording(cx, name, false).await
        }
        Op::DeleteDeliveryChannel(DeleteDeliveryChannel { name }) => {
            config::delete_delivery_channel(cx, name).await
        }
        Op::DeleteConfigurationRecorder(DeleteConfigurationRecorder { name }) => {
            config::delete_recorder(cx, name).await
        }
        Op::CreateFlowLogs(CreateFlowLogs {
            vpc_ids,
            traffic_type,
            destination_type,
            destination,
            role_arn,
        }) => {
            ec2::create_flow_logs(
                cx,
                vpc_ids,
                traffic_type,
                destination_type,
                destination,
                role_arn.as_deref(),
            )
            .await
        }
        Op::DeleteFlowLogs(DeleteFlowLogs { flow_log_ids }) => {
            ec2::delete_flow_logs(cx, flow_log_ids).await
        }
        Op::DeleteBucketPolicy(DeleteBucketPolicy { bucket }) => {
            s3::delete_bucket_policy(cx, bucket).await
        }
        Op::DeletePublicAccessBlock(DeletePublicAccessBlock { bucket }) => {
            s3::delete_public_access_block(cx, bucket).await
        }
        Op::DisableBucketLogging(DisableBucketLogging { bucket }) => {
            s3::put_bucket_logging(cx, bucket, None).await
        }
        Op::DeleteBucket(DeleteBucket { bucket }) => s3::delete_bucket(cx, bucket).await,
        Op::DisableKeyRotation(DisableKeyRotation { key_id }) => {
            kms::set_rotation(cx, key_id, false).await
        }
        Op::ScheduleKeyDeletion(ScheduleKeyDeletion {
            alias,
            key_id,
            pending_days,
        }) => kms::schedule_key_deletion(cx, alias, key_id.as_deref(), *pending_days).await,
        Op::DeleteLogGroup(DeleteLogGroup { name }) => logs::delete_log_group(cx, name).await,
        Op::DeleteRole(DeleteRole {
            name,
            inline_policies,
        }) => iam::delete_role(cx, name, inline_policies).await,
        Op::DeleteServiceLinkedRole(DeleteServiceLinkedRole { role_name }) => {
            iam::delete_service_linked_role(cx, role_name).await
        }
    }
}
