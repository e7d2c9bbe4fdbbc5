//! `create_flow_logs`.

use serde::{Deserialize, Serialize};

use super::{Change, Implicit, Kind};

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, schemars::JsonSchema)]
#[schemars(inline)]
pub struct CreateFlowLogs {
    pub vpc_ids: Vec<String>,
    pub traffic_type: String,
    /// `cloud-watch-logs` or `s3`.
    pub destination_type: String,
    /// Log group name or bucket ARN.
    pub destination: String,
    pub role_arn: Option<String>,
}

impl Kind for CreateFlowLogs {
    const NAME: &'static str = "create_flow_logs";
    const RANK: u8 = 18;
    const CHANGE: Change = Change::Create;
    const CALLS: &'static [&'static str] = &[
        "ec2:DescribeFlowLogs",
        "ec2:CreateFlowLogs",
    ];
    const IMPLICIT: &'static [Implicit] = &[
        Implicit {
            call: "ec2:CreateFlowLogs",
            when: "flow logs to S3 (flow_logs.destination = \"s3\"): the log delivery is created for the caller",
            actions: &["logs:CreateLogDelivery"],
            doc: "https://docs.aws.amazon.com/vpc/latest/userguide/flow-logs-s3.html (IAM permissions for IAM principals that publish flow logs to Amazon S3); https://docs.aws.amazon.com/AmazonCloudWatch/latest/logs/AWS-logs-infrastructure-S3.html",
        },
        Implicit {
            call: "ec2:CreateFlowLogs",
            when: "flow logs to CloudWatch Logs: the delivery role is passed to vpc-flow-logs.amazonaws.com",
            actions: &["iam:PassRole"],
            doc: "https://docs.aws.amazon.com/vpc/latest/userguide/flow-logs-iam-role.html (IAM role for publishing flow logs to CloudWatch Logs: iam:PassRole)",
        },
    ];
}
