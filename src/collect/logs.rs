//! CloudWatch Logs: the tool's own log groups (exact names), per region.

use std::collections::{BTreeMap, BTreeSet};

use super::Cx;
use crate::settings::Names;
use crate::snapshot::{LogGroup, Service};

/// `None` when a listing failed (recorded).
pub(super) async fn read_region(
    cx: &Cx<'_>,
    region: &str,
    names: &Names,
    web: bool,
) -> Option<BTreeMap<String, LogGroup>> {
    let client = cx.aws.logs(region);
    let wanted: BTreeSet<&str> = [
        names.cloudtrail_log_group.as_str(),
        names.flow_log_group.as_str(),
        if web {
            names.api_access_log_group.as_str()
        } else {
            ""
        },
    ]
    .into_iter()
    .filter(|n| !n.is_empty())
    .collect();
    let lists = wanted.iter().map(|name| {
        let client = &client;
        async move {
            let mut found = Vec::new();
            let mut token: Option<String> = None;
            loop {
                let out = cx
                    .read(
                        region,
                        Service::Logs,
                        "DescribeLogGroups",
                        None,
                        client
                            .describe_log_groups()
                            .log_group_name_prefix(*name)
                            .limit(50)
                            .set_next_token(token.clone())
                            .send(),
                    )
                    .await?;
                for g in out.log_groups() {
                    if g.log_group_name() == Some(*name) {
                        found.push(LogGroup {
                            name: name.to_string(),
                            arn: g
                                .arn()
                                .or(g.log_group_arn())
                                .unwrap_or_default()
                                .to_string(),
                            retention_days: g.retention_in_days(),
                        });
                    }
                }
                // Names come back in order, so the exact name is the first match.
                if !found.is_empty() {
                    break;
                }
                match out.next_token().filter(|t| !t.is_empty()) {
                    Some(t) if Some(t) != token.as_deref() => token = Some(t.to_string()),
                    _ => break,
                }
            }
            Some(found)
        }
    });
    let mut groups = BTreeMap::new();
    for found in futures::future::join_all(lists).await {
        for g in found? {
            groups.insert(g.name.clone(), g);
        }
    }
    Some(groups)
}
