//! AWS-managed web front-end services have access logging enabled.
//!
//! Passes: nothing yet: this version of remediate does not read CloudFront
//!         distributions, Elastic Load Balancing load balancers or API
//!         Gateway stages.
//! Skips:  nothing; one account-wide `manual` finding (in the home region)
//!         naming what to check and the Security Hub controls that cover
//!         each part (CloudFront.5, ELB.5, APIGateway.1, APIGateway.9).
//! Fix:    none planned (CIS marks the control Manual).
//! Safety: nothing is changed.

use super::{Check, Control};
use crate::finding::{Finding, Status};
use crate::plan::builder::Planner;
use crate::settings::FileSettings;
use crate::snapshot::Snapshot;

pub const CHECK: Check = Check {
    key: "web-frontend-access-logging",
    fix: "none (manual): access logs for CloudFront, load balancers and API Gateway stages",
    detect,
    plan,
};

fn detect(snap: &Snapshot, _s: &FileSettings, c: &Control) -> Vec<Finding> {
    vec![Finding::new(
        c.id,
        &snap.home_region,
        format!("arn:{}::{}:*", snap.partition, snap.account_id),
        Status::Manual,
        "not read by this tool: check access logging of every CloudFront distribution (Security Hub CloudFront.5), load balancer (ELB.5) and API Gateway stage (APIGateway.1, APIGateway.9)",
    )]
}

fn plan(_p: &mut Planner, _id: &str, _f: &[Finding]) {}
