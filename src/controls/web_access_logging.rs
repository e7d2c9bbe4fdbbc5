//! AWS-managed web front-end services have access logging enabled.
//!
//! Passes: per resource, as CIS 7.0.0 4.10's audit reads it ("one or more
//!         access log destinations … S3 or CloudWatch log group"): every
//!         Application, Network and Classic Load Balancer has its access
//!         logs on (`access_logs.s3.enabled`, Classic `AccessLog`); every
//!         API Gateway stage (REST, HTTP and WebSocket APIs) has an access
//!         log destination (`accessLogSettings.destinationArn`), and REST
//!         and WebSocket stages an account CloudWatch Logs role API Gateway
//!         can use (it exists, trusts apigateway.amazonaws.com, may
//!         logs:CreateLogGroup/CreateLogStream/PutLogEvents/DescribeLogGroups);
//!         every CloudFront distribution has standard logging (legacy
//!         `Logging` enabled) or an `ACCESS_LOGS` delivery (standard logging
//!         v2). An account with none of them passes once. Where Security
//!         Hub (CloudFront.5: legacy logging only) or Prowler (REST stages:
//!         execution logging) will judge otherwise, the finding says so;
//!         `[web] rest_execution_logging` makes REST stages need execution
//!         logging too.
//! Skips:  Gateway Load Balancers (they have no access logs); Network Load
//!         Balancers without a TLS listener (AWS writes their access logs
//!         for TLS listeners only); stages of private REST APIs without
//!         access logs (4.10 names "API Gateway REST/HTTP API stages with
//!         public endpoints"); CloudFront in aws-us-gov (no CloudFront).
//! Fix:    load balancers: a private bucket per region whose merged policy
//!         lets Elastic Load Balancing write (the region's ELB account, or
//!         logdelivery.elasticloadbalancing.amazonaws.com where AWS has no
//!         such account, for Application and Classic Load Balancers;
//!         delivery.logs.amazonaws.com for Network Load Balancers), then
//!         `access_logs.s3.*` (Classic: `AccessLog`) on each. API Gateway
//!         stages: a log group per region with retention, and for REST and
//!         WebSocket APIs the account's CloudWatch Logs role (a role trusting
//!         apigateway.amazonaws.com) when the region has none or one API
//!         Gateway cannot use (the account is pointed at the tool's own
//!         role; a user's role is never edited), then the stage's access log
//!         destination and a JSON format with the fields CIS names (and
//!         execution logging at the asked level, when asked). CloudFront: a delivery (standard logging v2) of `ACCESS_LOGS` to
//!         a private bucket in us-east-1 whose merged policy lets
//!         delivery.logs.amazonaws.com write.
//! Safety: needs review — creates buckets, a role and a log group; access
//!         logs are billed as storage (and CloudWatch Logs ingestion).

use serde_json::{Value, json};
use std::collections::BTreeMap;

use super::shared::{
    bucket_arn, ensure_delivery_bucket, ensure_log_group, ensure_role, log_group_arn, role_arn,
};
use super::vpc_flow_logs::flow_log_bucket_statements;
use super::{Check, Control};
use crate::actions::{
    AccessLog, CreateLogDelivery, SetApiGatewayAccount, SetClassicLoadBalancerLogging,
    SetLoadBalancerLogging, SetStageAccessLogging, SetStageExecutionLogging,
};
use crate::collect::cloudfront_region;
use crate::finding::{Finding, Status};
use crate::plan::builder::{Draft, Planner};
use crate::plan::{Op, Safety};
use crate::settings::{FileSettings, fill};
use crate::snapshot::{S3Target, Service, Snapshot, Web};

pub const CHECK: Check = Check {
    key: "web-frontend-access-logging",
    fix: "access logs: load balancers to S3, API Gateway stages to CloudWatch Logs, CloudFront (standard logging v2) to S3",
    detect,
    plan,
    resource_security_hub: Some(security_hub_of),
};

/// The Security Hub control that checks a front end's access logs, by ARN:
/// ELB.5 (Application and Classic Load Balancers), CloudFront.5, and
/// APIGateway.9 (API Gateway V2 stages). REST stages' access logs and
/// Network Load Balancers have none (APIGateway.1 is execution logging).
/// https://docs.aws.amazon.com/securityhub/latest/userguide/elb-controls.html
/// https://docs.aws.amazon.com/securityhub/latest/userguide/cloudfront-controls.html
/// https://docs.aws.amazon.com/securityhub/latest/userguide/apigateway-controls.html
pub fn security_hub_of(arn: &str) -> Option<&'static str> {
    let rest = arn.splitn(6, ':').nth(5).unwrap_or("");
    let classic = rest.starts_with("loadbalancer/")
        && !["net/", "gwy/"]
            .iter()
            .any(|t| rest["loadbalancer/".len()..].starts_with(t));
    if arn.contains(":elasticloadbalancing:") && classic {
        Some("ELB.5")
    } else if arn.contains(":cloudfront:") && rest.starts_with("distribution/") {
        Some("CloudFront.5")
    } else if arn.contains(":apigateway:") && rest.starts_with("/apis/") {
        Some("APIGateway.9")
    } else {
        None
    }
}

/// The access log format written to REST and HTTP API stages: what CIS 7.0
/// 4.10 names (client IP, time, method, URI, status, bytes, user agent) and
/// the request id API Gateway requires in every format.
/// https://docs.aws.amazon.com/apigateway/latest/developerguide/api-gateway-variables-for-access-logging.html
pub const STAGE_LOG_FORMAT: &str = r#"{"requestId":"$context.requestId","ip":"$context.identity.sourceIp","requestTime":"$context.requestTime","httpMethod":"$context.httpMethod","path":"$context.path","status":"$context.status","protocol":"$context.protocol","responseLength":"$context.responseLength","userAgent":"$context.identity.userAgent"}"#;

/// WebSocket APIs have no HTTP method or path per message: the route and
/// event type and the connection instead.
/// https://docs.aws.amazon.com/apigateway/latest/developerguide/websocket-api-logging.html
pub const WEBSOCKET_LOG_FORMAT: &str = r#"{"requestId":"$context.requestId","ip":"$context.identity.sourceIp","requestTime":"$context.requestTime","eventType":"$context.eventType","routeKey":"$context.routeKey","status":"$context.status","connectionId":"$context.connectionId","userAgent":"$context.identity.userAgent"}"#;

/// The service API Gateway's account role must trust.
const APIGATEWAY: &str = "apigateway.amazonaws.com";

/// What API Gateway does with its account's CloudWatch Logs role: the
/// actions of AWS's AmazonAPIGatewayPushToCloudWatchLogs that writing logs
/// needs.
/// https://docs.aws.amazon.com/apigateway/latest/developerguide/set-up-logging.html#set-up-access-logging-permissions
pub const ACCOUNT_ROLE_ACTIONS: &[&str] = &[
    "logs:CreateLogGroup",
    "logs:CreateLogStream",
    "logs:PutLogEvents",
    "logs:DescribeLogGroups",
];

/// REST and WebSocket stages log through the account's CloudWatch Logs
/// role; HTTP APIs do not use it.
/// https://docs.aws.amazon.com/apigateway/latest/developerguide/websocket-api-logging.html
pub fn needs_account_role(protocol: &str) -> bool {
    protocol == "REST" || protocol == "WEBSOCKET"
}

/// Why API Gateway cannot write logs with the CloudWatch Logs role its
/// account names in `region` (the role as read into the snapshot): it does
/// not exist, does not trust apigateway.amazonaws.com, or may not do
/// [`ACCOUNT_ROLE_ACTIONS`] on `log_group` (an ARN ending in `:*`). `None`
/// when it can, when no role is set, or when the role was not read.
pub fn account_role_problem(web: &Web, region: &str, log_group: &str) -> Option<String> {
    let arn = web.api_accounts.get(region)?.cloudwatch_role_arn.as_ref()?;
    let role = web.account_roles.get(arn)?;
    let name = arn.rsplit('/').next().unwrap_or(arn);
    if !role.exists {
        return Some(format!(
            "API Gateway's CloudWatch Logs role {name} (account setting) does not exist"
        ));
    }
    let trusted = role.trust_policy.as_ref().is_some_and(|t| {
        crate::policy::statements(t).iter().any(|st| {
            let list = |v: Option<&Value>| -> Vec<String> {
                match v {
                    Some(Value::String(x)) => vec![x.clone()],
                    Some(Value::Array(a)) => a
                        .iter()
                        .filter_map(|x| x.as_str().map(str::to_string))
                        .collect(),
                    _ => vec![],
                }
            };
            st.get("Effect").and_then(Value::as_str) == Some("Allow")
                && st.get("Principal").is_some_and(|p| {
                    crate::policy::is_everyone(p)
                        || list(p.get("Service")).iter().any(|x| x == APIGATEWAY)
                })
                && list(st.get("Action")).iter().any(|a| {
                    crate::policy::wildcard_match(&a.to_ascii_lowercase(), "sts:assumerole")
                })
        })
    });
    if !trusted {
        return Some(format!(
            "API Gateway's CloudWatch Logs role {name} does not trust {APIGATEWAY}"
        ));
    }
    let missing: Vec<&str> = ACCOUNT_ROLE_ACTIONS
        .iter()
        .copied()
        .filter(|a| {
            !role.policies.values().any(|doc| {
                crate::policy::allows(doc, crate::policy::Caller::Identity, &[a], log_group)
            })
        })
        .collect();
    (!missing.is_empty()).then(|| {
        format!(
            "API Gateway's CloudWatch Logs role {name} may not {}",
            missing.join(", ")
        )
    })
}

/// The access log group of `region` (as the plan names it), `:*`.
fn access_log_group(snap: &Snapshot, s: &FileSettings, region: &str) -> String {
    log_group_arn(
        snap,
        region,
        &fill(&s.names.api_access_log_group, &snap.account_id, region),
    )
}

fn detect(snap: &Snapshot, s: &FileSettings, c: &Control) -> Vec<Finding> {
    let Some(web) = &snap.web else {
        return vec![Finding::new(
            c.id,
            &snap.home_region,
            format!("arn:{}::{}:*", snap.partition, snap.account_id),
            Status::Manual,
            "not read in this run: check access logging of every CloudFront distribution (Security Hub CloudFront.5), load balancer (ELB.5) and API Gateway stage (APIGateway.9 for HTTP and WebSocket APIs)",
        )];
    };
    let id = c.id;
    let mut out = vec![];
    let cf = cloudfront_region(&snap.partition);
    for r in &snap.regions {
        for (svc, what) in [
            (Service::Elbv2, "Elastic Load Balancing"),
            (Service::Apigateway, "API Gateway"),
        ] {
            if let Some(e) = snap.read_failed(r, svc) {
                out.push(Finding::new(
                    id,
                    r,
                    snap.arn(svc.as_str(), r, "*"),
                    Status::Error,
                    format!("cannot read {what}: {} {}", e.operation, e.message),
                ));
            }
        }
    }
    if let Some(e) = snap.read_failed("*", Service::Cloudfront) {
        out.push(Finding::new(
            id,
            cf,
            format!(
                "arn:{}:cloudfront::{}:distribution/*",
                snap.partition, snap.account_id
            ),
            Status::Error,
            format!("cannot read CloudFront: {} {}", e.operation, e.message),
        ));
    }
    let deliveries_unread = snap.read_errors.iter().find(|e| {
        e.service == Service::Logs && e.region == cf && e.operation.starts_with("DescribeDeliver")
    });
    for lb in web.load_balancers.values() {
        let f = |status, why: String| Finding::new(id, &lb.region, lb.arn.clone(), status, why);
        let no_tls = lb.lb_type == "network"
            && lb.access_logs.is_none()
            && lb
                .listeners
                .as_ref()
                .is_some_and(|l| !l.iter().any(|p| p == "TLS"));
        out.push(if lb.lb_type == "gateway" {
            f(
                Status::Skipped,
                "a Gateway Load Balancer has no access logs".into(),
            )
        } else if no_tls {
            // https://docs.aws.amazon.com/elasticloadbalancing/latest/network/load-balancer-access-logs.html
            // ("Access logs are created only if the load balancer has a TLS
            // listener and they contain information only about TLS requests").
            let listeners = lb.listeners.as_deref().unwrap_or_default();
            f(
                Status::Skipped,
                format!(
                    "network load balancer {} has no TLS listener ({}): AWS writes Network Load Balancer access logs for TLS listeners only",
                    lb.name,
                    if listeners.is_empty() {
                        "no listener".to_string()
                    } else {
                        format!("listeners: {}", listeners.join(", "))
                    }
                ),
            )
        } else if lb.unread {
            f(Status::Error, "cannot read its attributes".into())
        } else if let Some(t) = &lb.access_logs {
            f(
                Status::Pass,
                format!("access logs to s3://{}/{}", t.bucket, t.prefix),
            )
        } else {
            f(
                Status::Fail,
                format!(
                    "{} {} load balancer {}: access logs off{}",
                    lb.scheme,
                    lb.lb_type,
                    lb.name,
                    if lb.lb_type == "network" {
                        " (they record TLS listeners only)"
                    } else {
                        ""
                    }
                ),
            )
        });
    }
    for (arn, st) in &web.api_stages {
        let kind = match st.protocol.as_str() {
            "REST" => "REST API",
            "WEBSOCKET" => "WebSocket API",
            _ => "HTTP API",
        };
        if st.private && st.access_log_destination.is_none() {
            out.push(Finding::new(
                id,
                &st.region,
                arn.clone(),
                Status::Skipped,
                format!(
                    "private {kind} {} stage {}: 4.10 asks for stages with public endpoints",
                    st.api_name, st.stage_name
                ),
            ));
            continue;
        }
        // AWS refuses these stages' access logs (and writes none) while the
        // account's role is unusable.
        let role_problem = needs_account_role(&st.protocol)
            .then(|| account_role_problem(web, &st.region, &access_log_group(snap, s, &st.region)))
            .flatten();
        let what = match &st.access_log_destination {
            Some(d) => format!(
                "{kind} {} stage {}: access logs to {d}",
                st.api_name, st.stage_name
            ),
            None => format!(
                "{kind} {} stage {}: access logging off",
                st.api_name, st.stage_name
            ),
        };
        let wanted = execution_logging_wanted(s, st);
        let pass =
            st.access_log_destination.is_some() && role_problem.is_none() && wanted.is_none();
        let mut reason = match role_problem {
            Some(why) => format!("{what}; {why}, so API Gateway writes none"),
            None => what,
        };
        if let Some(level) = wanted {
            reason = format!(
                "{reason}; execution logging off, and [web] rest_execution_logging asks for {level} (what Prowler's apigateway_restapi_logging_enabled and Security Hub APIGateway.1 read)"
            );
        } else if let Some(note) = prowler_differs(st, pass) {
            reason = format!("{reason}. {note}");
        }
        out.push(Finding::new(
            id,
            &st.region,
            arn.clone(),
            if pass { Status::Pass } else { Status::Fail },
            reason,
        ));
    }
    for (arn, d) in &web.distributions {
        let f = |status, why: String| Finding::new(id, cf, arn.clone(), status, why);
        let v2 = web.access_log_deliveries(arn);
        out.push(if d.unread {
            f(Status::Error, "cannot read its configuration".into())
        } else if let Some(t) = &d.legacy_logging {
            f(
                Status::Pass,
                format!("standard logging (legacy) to {}{}", t.bucket, t.prefix),
            )
        } else if !v2.is_empty() {
            f(
                Status::Pass,
                format!(
                    "access log delivery to {} (standard logging v2). {CLOUDFRONT_5_DIFFERS}",
                    v2.join(", ")
                ),
            )
        } else if let Some(e) = deliveries_unread {
            f(
                Status::Error,
                format!(
                    "no legacy logging; cannot read log deliveries: {} {}",
                    e.operation, e.message
                ),
            )
        } else {
            f(
                Status::Fail,
                format!("distribution {}: no access log destination", d.domain_name),
            )
        });
    }
    if !crate::regions::has_cloudfront(&snap.partition) {
        out.push(Finding::new(
            id,
            &snap.home_region,
            format!(
                "arn:{}:cloudfront::{}:distribution/*",
                snap.partition, snap.account_id
            ),
            Status::Skipped,
            format!(
                "CloudFront is not available in {}: no distribution to judge",
                snap.partition
            ),
        ));
    }
    if out.is_empty() {
        out.push(Finding::new(
            id,
            &snap.home_region,
            format!("arn:{}::{}:*", snap.partition, snap.account_id),
            Status::Pass,
            "no CloudFront distribution, load balancer or API Gateway stage in the scanned regions",
        ));
    }
    out
}

/// Where Security Hub's verdict on a distribution differs from ours.
/// https://docs.aws.amazon.com/securityhub/latest/userguide/cloudfront-controls.html#cloudfront-5
pub const CLOUDFRONT_5_DIFFERS: &str = "Security Hub CloudFront.5 counts only legacy standard logging (DistributionConfig.Logging): this distribution stays FAILED there until legacy logging is on";

/// Where Prowler's verdict on a REST stage differs from ours: its
/// `apigateway_restapi_logging_enabled` reads execution logging
/// (`methodSettings."*/*".loggingLevel`), not access logs.
/// https://hub.prowler.com/check/apigateway_restapi_logging_enabled
fn prowler_differs(st: &crate::snapshot::ApiStage, pass: bool) -> Option<String> {
    if st.protocol != "REST" {
        return None;
    }
    let level = st.execution_logging.as_deref().unwrap_or("OFF");
    let on = level == "ERROR" || level == "INFO";
    match (pass, on) {
        (true, false) => Some(format!(
            "Prowler's apigateway_restapi_logging_enabled reads execution logging ({level} here): it reports FAIL for this stage"
        )),
        (false, true) => Some(format!(
            "Prowler's apigateway_restapi_logging_enabled reads execution logging ({level} here): it reports PASS for this stage"
        )),
        _ => None,
    }
}

/// The execution logging level `[web] rest_execution_logging` asks of a
/// REST stage that has none.
fn execution_logging_wanted<'s>(
    s: &'s FileSettings,
    st: &crate::snapshot::ApiStage,
) -> Option<&'s str> {
    let level = s.web.rest_execution_logging.as_deref()?;
    let on = matches!(st.execution_logging.as_deref(), Some("ERROR" | "INFO"));
    (st.protocol == "REST" && !on).then_some(level)
}

/// What a failing finding names.
enum Front<'a> {
    Lb(&'a crate::snapshot::LoadBalancer),
    Stage(&'a crate::snapshot::ApiStage),
    Dist(&'a crate::snapshot::Distribution),
}

fn front<'a>(web: &'a Web, resource: &str) -> Option<Front<'a>> {
    if let Some(lb) = web.load_balancers.get(resource) {
        return Some(Front::Lb(lb));
    }
    if let Some(s) = web.api_stages.get(resource) {
        return Some(Front::Stage(s));
    }
    web.distributions.get(resource).map(Front::Dist)
}

fn plan(p: &mut Planner, id: &str, findings: &[Finding]) {
    let snap = p.snap;
    let Some(web) = &snap.web else { return };
    let mut lbs: BTreeMap<String, Vec<(&crate::snapshot::LoadBalancer, String)>> = BTreeMap::new();
    let mut stages: BTreeMap<String, Vec<(&crate::snapshot::ApiStage, String, String)>> =
        BTreeMap::new();
    let mut dists = vec![];
    for f in findings {
        match front(web, &f.resource) {
            Some(Front::Lb(lb)) => lbs.entry(lb.region.clone()).or_default().push((lb, f.id())),
            Some(Front::Stage(s)) => {
                stages
                    .entry(s.region.clone())
                    .or_default()
                    .push((s, f.resource.clone(), f.id()))
            }
            Some(Front::Dist(d)) => dists.push((d, f.id())),
            None => p.cannot_fix(&f.id(), "not a resource this tool can change"),
        }
    }
    for (region, list) in lbs {
        plan_load_balancers(p, id, &region, &list);
    }
    for (region, list) in stages {
        plan_stages(p, id, &region, &list);
    }
    if !dists.is_empty() {
        plan_distributions(p, id, &dists);
    }
}

fn plan_load_balancers(
    p: &mut Planner,
    id: &str,
    region: &str,
    list: &[(&crate::snapshot::LoadBalancer, String)],
) {
    let snap = p.snap;
    let fixes: Vec<String> = list.iter().map(|(_, f)| f.clone()).collect();
    let bucket = fill(&p.settings.names.web_log_bucket, &snap.account_id, region);
    let mut stmts = vec![];
    // Classic Load Balancers write as Application Load Balancers do.
    // https://docs.aws.amazon.com/elasticloadbalancing/latest/classic/enable-access-logs.html
    if list
        .iter()
        .any(|(lb, _)| lb.lb_type == "application" || lb.lb_type == "classic")
    {
        stmts.push(elb_log_statement(snap, &bucket, region));
    }
    if list.iter().any(|(lb, _)| lb.lb_type == "network") {
        stmts.extend(flow_log_bucket_statements(snap, &bucket, region));
    }
    let deps = ensure_delivery_bucket(
        p,
        id,
        &fixes,
        &bucket,
        region,
        "receives load balancer access logs",
        "lets Elastic Load Balancing write access logs (merged into the policy)",
        &stmts,
    );
    for (lb, fid) in list {
        let target = S3Target {
            bucket: bucket.clone(),
            prefix: String::new(),
        };
        let classic = lb.lb_type == "classic";
        let op = if classic {
            Op::SetClassicLoadBalancerLogging(SetClassicLoadBalancerLogging {
                load_balancer_name: lb.name.clone(),
                access_logs: Some(target),
                put_back: None,
            })
        } else {
            Op::SetLoadBalancerLogging(SetLoadBalancerLogging {
                load_balancer_arn: lb.arn.clone(),
                access_logs: Some(target),
                put_back: None,
            })
        };
        p.add(
            id,
            std::slice::from_ref(fid),
            Draft {
                op,
                region: region.to_string(),
                target: lb.arn.clone(),
                before: if classic {
                    json!({"AccessLog": {"Enabled": false}})
                } else {
                    json!({"access_logs.s3.enabled": "false"})
                },
                after: if classic {
                    json!({"AccessLog": {"Enabled": true, "S3BucketName": bucket, "S3BucketPrefix": ""}})
                } else {
                    json!({"access_logs.s3.enabled": "true", "access_logs.s3.bucket": bucket, "access_logs.s3.prefix": ""})
                },
                reason: format!("turn on access logs of {} load balancer {}", lb.lb_type, lb.name),
                safety: Safety::NeedsReview,
                depends_on: deps.clone(),
                observes: vec![format!("web/load_balancers/{}", lb.arn)],
            },
        );
    }
}

/// The statement that lets Elastic Load Balancing write an Application Load
/// Balancer's access logs: to the region's ELB account where AWS has one,
/// else to its log-delivery service principal.
/// https://docs.aws.amazon.com/elasticloadbalancing/latest/application/enable-access-logging.html
pub fn elb_log_statement(snap: &Snapshot, bucket: &str, region: &str) -> Value {
    let principal = match crate::elb_accounts::elb_account(region) {
        Some(acct) => json!({"AWS": format!("arn:{}:iam::{acct}:root", snap.partition)}),
        None => json!({"Service": "logdelivery.elasticloadbalancing.amazonaws.com"}),
    };
    json!({
        "Sid": "ElbAccessLogsWrite",
        "Effect": "Allow",
        "Principal": principal,
        "Action": "s3:PutObject",
        "Resource": format!("{}/AWSLogs/{}/*", bucket_arn(snap, bucket), snap.account_id),
    })
}

fn plan_stages(
    p: &mut Planner,
    id: &str,
    region: &str,
    list: &[(&crate::snapshot::ApiStage, String, String)],
) {
    let snap = p.snap;
    let group = fill(
        &p.settings.names.api_access_log_group,
        &snap.account_id,
        region,
    );
    // Stages that log already (and fail for the account's role) need no group.
    let fixes: Vec<String> = list
        .iter()
        .filter(|(s, _, _)| s.access_log_destination.is_none())
        .map(|(_, _, f)| f.clone())
        .collect();
    let deps = if fixes.is_empty() {
        vec![]
    } else {
        ensure_log_group(
            p,
            id,
            &fixes,
            region,
            &group,
            "receives API Gateway access logs",
        )
    };
    let web = snap
        .web
        .as_ref()
        .expect("planned from a snapshot with web front ends");
    let current = web
        .api_accounts
        .get(region)
        .and_then(|a| a.cloudwatch_role_arn.clone());
    let problem = account_role_problem(web, region, &log_group_arn(snap, region, &group));
    let role_fixes: Vec<String> = list
        .iter()
        .filter(|(s, _, _)| needs_account_role(&s.protocol))
        .map(|(_, _, f)| f.clone())
        .collect();
    let mut account_dep = vec![];
    // A role the account has that API Gateway can use is kept; one it
    // cannot use is replaced by the tool's own in the account setting,
    // never edited (it is the user's; the tool's own is repaired).
    if !role_fixes.is_empty() && (current.is_none() || problem.is_some()) {
        let name = fill(&p.settings.names.api_gateway_role, &snap.account_id, region);
        let trust = json!({"Version": "2012-10-17", "Statement": [{
            "Effect": "Allow",
            "Principal": {"Service": APIGATEWAY},
            "Action": "sts:AssumeRole"
        }]});
        // The actions of AWS's AmazonAPIGatewayPushToCloudWatchLogs, on this
        // account's log groups only (execution logs go to groups API
        // Gateway names and creates itself), but DescribeLogGroups: IAM's
        // table for CloudWatch Logs gives it no resource type, so only "*"
        // matches it (it reads names and settings, no events).
        let policy = json!({"Version": "2012-10-17", "Statement": [{
            "Sid": "ApiGatewayLogs",
            "Effect": "Allow",
            "Action": ["logs:CreateLogGroup", "logs:CreateLogStream", "logs:DescribeLogStreams", "logs:PutLogEvents", "logs:GetLogEvents", "logs:FilterLogEvents"],
            "Resource": snap.arn("logs", "*", "*")
        }, {
            "Sid": "ApiGatewayDescribeLogGroups",
            "Effect": "Allow",
            "Action": "logs:DescribeLogGroups",
            "Resource": "*"
        }]});
        let role_deps: Vec<String> = ensure_role(
            p,
            id,
            &role_fixes,
            &name,
            trust,
            "apigateway-push-to-cloudwatch-logs",
            policy,
            "a role API Gateway writes REST and WebSocket API logs to CloudWatch Logs with",
        )
        .into_iter()
        .collect();
        let arn = role_arn(snap, &name);
        let reason = match (&current, &problem) {
            (Some(_), Some(why)) => format!(
                "{why}: point the account of {region} at this tool's role instead (the role itself is left as it is)"
            ),
            _ => format!(
                "REST and WebSocket API access logging needs API Gateway's CloudWatch Logs role, not set in {region}"
            ),
        };
        account_dep.push(p.add(
            id,
            &role_fixes,
            Draft {
                op: Op::SetApiGatewayAccount(SetApiGatewayAccount {
                    cloudwatch_role_arn: Some(arn.clone()),
                    replaces: current.clone(),
                }),
                region: region.to_string(),
                target: format!("arn:{}:apigateway:{region}::/account", snap.partition),
                before: json!({"cloudwatchRoleArn": current}),
                after: json!({"cloudwatchRoleArn": arn}),
                reason,
                safety: Safety::NeedsReview,
                depends_on: role_deps,
                observes: vec![format!("web/api_accounts/{region}")],
            },
        ));
    }
    let destination = log_group_arn(snap, region, &group)
        .trim_end_matches(":*")
        .to_string();
    for (st, arn, fid) in list {
        if let Some(level) = execution_logging_wanted(p.settings, st) {
            let mut depends_on = account_dep.clone();
            depends_on.sort();
            p.add(
                id,
                std::slice::from_ref(fid),
                Draft {
                    op: Op::SetStageExecutionLogging(SetStageExecutionLogging {
                        api_id: st.api_id.clone(),
                        stage_name: st.stage_name.clone(),
                        level: Some(level.to_string()),
                    }),
                    region: region.to_string(),
                    target: format!("{arn}/execution-logging"),
                    before: json!({"methodSettings": {"*/*": {"loggingLevel": st.execution_logging.clone().unwrap_or_else(|| "OFF".into())}}}),
                    after: json!({"methodSettings": {"*/*": {"loggingLevel": level}}}),
                    reason: format!(
                        "turn on execution logging ({level}) of stage {} of {}, as [web] rest_execution_logging asks",
                        st.stage_name, st.api_name
                    ),
                    safety: Safety::NeedsReview,
                    depends_on,
                    observes: vec![format!("web/api_stages/{arn}")],
                },
            );
        }
        // A stage that logs already failed only for the account's role (or
        // its execution logging).
        if st.access_log_destination.is_some() {
            continue;
        }
        let format = if st.protocol == "WEBSOCKET" {
            WEBSOCKET_LOG_FORMAT
        } else {
            STAGE_LOG_FORMAT
        };
        let mut depends_on = deps.clone();
        if needs_account_role(&st.protocol) {
            depends_on.extend(account_dep.iter().cloned());
        }
        p.add(
            id,
            std::slice::from_ref(fid),
            Draft {
                op: Op::SetStageAccessLogging(SetStageAccessLogging {
                    api_id: st.api_id.clone(),
                    stage_name: st.stage_name.clone(),
                    protocol: st.protocol.clone(),
                    access_log: Some(AccessLog {
                        destination_arn: Some(destination.clone()),
                        format: Some(format.to_string()),
                    }),
                }),
                region: region.to_string(),
                target: arn.clone(),
                before: json!({"accessLogSettings": null}),
                after: json!({"accessLogSettings": {"destinationArn": destination, "format": format}}),
                reason: format!("turn on access logging of stage {} of {} ({})", st.stage_name, st.api_name, st.protocol),
                safety: Safety::NeedsReview,
                depends_on,
                observes: vec![format!("web/api_stages/{arn}")],
            },
        );
    }
}

/// A CloudWatch Logs delivery source or destination name: 1 to 60 of
/// `[A-Za-z0-9_-]` (a bucket name may hold dots).
/// https://docs.aws.amazon.com/AmazonCloudWatchLogs/latest/APIReference/API_PutDeliveryDestination.html
pub fn delivery_name(s: &str) -> String {
    s.chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || c == '_' || c == '-' {
                c
            } else {
                '-'
            }
        })
        .take(60)
        .collect()
}

fn plan_distributions(
    p: &mut Planner,
    id: &str,
    list: &[(&crate::snapshot::Distribution, String)],
) {
    let snap = p.snap;
    if snap.partition != "aws" {
        for (_, f) in list {
            p.cannot_fix(f, format!("CloudFront standard logging v2 is planned only in the aws partition (this is {})", snap.partition));
        }
        return;
    }
    let region = cloudfront_region(&snap.partition);
    let fixes: Vec<String> = list.iter().map(|(_, f)| f.clone()).collect();
    let bucket = fill(&p.settings.names.web_log_bucket, &snap.account_id, region);
    let stmts = flow_log_bucket_statements(snap, &bucket, region);
    let deps = ensure_delivery_bucket(
        p,
        id,
        &fixes,
        &bucket,
        region,
        "receives CloudFront access logs",
        "lets CloudWatch Logs deliver CloudFront access logs (merged first: AWS would add its own statements)",
        &stmts,
    );
    let destination = bucket_arn(snap, &bucket);
    for (d, fid) in list {
        p.add(
            id,
            std::slice::from_ref(fid),
            Draft {
                op: Op::CreateLogDelivery(CreateLogDelivery {
                    resource_arn: d.arn.clone(),
                    log_type: "ACCESS_LOGS".into(),
                    source_name: delivery_name(&format!("remediate-cloudfront-{}", d.id)),
                    destination_name: delivery_name(&bucket),
                    destination_resource_arn: destination.clone(),
                }),
                region: region.to_string(),
                target: d.arn.clone(),
                before: Value::Null,
                after: json!({"AccessLogDestinations": [destination]}),
                reason: format!(
                    "deliver access logs of distribution {} (standard logging v2) to S3",
                    d.domain_name
                ),
                safety: Safety::NeedsReview,
                depends_on: deps.clone(),
                observes: vec![format!("web/distributions/{}", d.arn)],
            },
        );
    }
}
