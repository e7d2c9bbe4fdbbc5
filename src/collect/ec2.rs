//! EC2: VPCs and flow logs, one paginated listing each per region.

use super::Cx;
use crate::snapshot::{FlowLog, Service, Vpc};

pub(super) async fn read_region(cx: &Cx<'_>, region: &str) -> (Vec<Vpc>, Vec<FlowLog>) {
    let client = cx.aws.ec2(region);
    let vpcs = async {
        let mut vpcs = Vec::new();
        let mut token: Option<String> = None;
        loop {
            let Some(out) = cx
                .read(
                    region,
                    Service::Ec2,
                    "DescribeVpcs",
                    None,
                    client
                        .describe_vpcs()
                        .max_results(1000)
                        .set_next_token(token.clone())
                        .send(),
                )
                .await
            else {
                break;
            };
            vpcs.extend(out.vpcs().iter().filter_map(|v| {
                Some(Vpc {
                    region: region.to_string(),
                    vpc_id: v.vpc_id()?.to_string(),
                    owner_id: v.owner_id().unwrap_or_default().to_string(),
                    is_default: v.is_default().unwrap_or(false),
                })
            }));
            match out.next_token().filter(|t| !t.is_empty()) {
                Some(t) if Some(t) != token.as_deref() => token = Some(t.to_string()),
                _ => break,
            }
        }
        vpcs.sort_by(|a, b| a.vpc_id.cmp(&b.vpc_id));
        vpcs
    };
    let flow_logs = async {
        let mut logs = Vec::new();
        let mut token: Option<String> = None;
        loop {
            let Some(out) = cx
                .read(
                    region,
                    Service::Ec2,
                    "DescribeFlowLogs",
                    None,
                    client
                        .describe_flow_logs()
                        .max_results(1000)
                        .set_next_token(token.clone())
                        .send(),
                )
                .await
            else {
                break;
            };
            logs.extend(out.flow_logs().iter().filter_map(|f| {
                let opt = |s: Option<&str>| s.filter(|s| !s.is_empty()).map(str::to_string);
                Some(FlowLog {
                    region: region.to_string(),
                    flow_log_id: f.flow_log_id()?.to_string(),
                    resource_id: f.resource_id().unwrap_or_default().to_string(),
                    status: f.flow_log_status().unwrap_or_default().to_string(),
                    traffic_type: f
                        .traffic_type()
                        .map(|t| t.as_str().to_string())
                        .unwrap_or_default(),
                    destination_type: f
                        .log_destination_type()
                        .map(|t| t.as_str().to_string())
                        .unwrap_or_default(),
                    destination: opt(f.log_destination()).or_else(|| opt(f.log_group_name())),
                })
            }));
            match out.next_token().filter(|t| !t.is_empty()) {
                Some(t) if Some(t) != token.as_deref() => token = Some(t.to_string()),
                _ => break,
            }
        }
        logs.sort_by(|a, b| a.flow_log_id.cmp(&b.flow_log_id));
        logs
    };
    tokio::join!(vpcs, flow_logs)
}
