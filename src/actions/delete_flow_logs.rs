//! `delete_flow_logs`.

use serde::{Deserialize, Serialize};

use super::{Change, Implicit, Kind};

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, schemars::JsonSchema)]
#[schemars(inline)]
pub struct DeleteFlowLogs {
    pub flow_log_ids: Vec<String>,
}

impl Kind for DeleteFlowLogs {
    const NAME: &'static str = "delete_flow_logs";
    const RANK: u8 = 19;
    const CHANGE: Change = Change::Delete;
    const CALLS: &'static [&'static str] = &[
        "ec2:DescribeFlowLogs",
        "ec2:DeleteFlowLogs",
    ];
    const IMPLICIT: &'static [Implicit] = &[
        Implicit {
            call: "ec2:DeleteFlowLogs",
            when: "deleting a flow log to S3 deletes its log delivery",
            actions: &["logs:DeleteLogDelivery"],
            doc: "https://docs.aws.amazon.com/vpc/latest/userguide/flow-logs-s3.html (IAM permissions for IAM principals that publish flow logs to Amazon S3)",
        },
    ];
}
