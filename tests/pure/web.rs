//! CIS 7.0 4.10 (web front-end access logging) on hand-built snapshots:
//! each load balancer, API Gateway stage and CloudFront distribution is
//! judged on its own, read errors never pass, and the plan fixes every
//! failing one without replacing what the account already has.

use remediate::controls;
use remediate::finding::{Finding, Status};
use remediate::pipeline;
use remediate::plan::Op;
use remediate::plan::simulate::simulate;
use remediate::settings::FileSettings;
use remediate::snapshot::*;
use serde_json::{Value, json};

use crate::fixtures::*;

const ID: &str = "4.10";

fn cis7() -> FileSettings {
    FileSettings {
        benchmark: Some("cis-7.0".into()),
        ..Default::default()
    }
}

fn findings(s: &Snapshot) -> Vec<Finding> {
    let settings = cis7();
    controls::detect(s, &settings, &controls::selected(&[ID.into()], &settings))
}

fn status(s: &Snapshot, resource: &str) -> (Status, String) {
    let f = findings(s)
        .into_iter()
        .find(|f| f.resource == resource)
        .unwrap_or_else(|| panic!("no finding for {resource}: {:#?}", findings(s)));
    (f.status, f.reason)
}

fn lb_arn(region: &str, kind: &str, name: &str) -> String {
    format!(
        "arn:aws:elasticloadbalancing:{region}:{ACCOUNT}:loadbalancer/{kind}/{name}/0123456789abcdef"
    )
}

fn lb(region: &str, lb_type: &str, name: &str, logs: Option<&str>) -> LoadBalancer {
    let kind = match lb_type {
        "application" => "app",
        "network" => "net",
        _ => "gwy",
    };
    LoadBalancer {
        region: region.into(),
        arn: lb_arn(region, kind, name),
        name: name.into(),
        lb_type: lb_type.into(),
        scheme: "internet-facing".into(),
        access_logs: logs.map(|b| S3Target {
            bucket: b.into(),
            prefix: String::new(),
        }),
        unread: false,
        listeners: (lb_type == "network").then(|| vec!["TLS".to_string()]),
    }
}

fn stage(region: &str, protocol: &str, api: &str, name: &str, dest: Option<&str>) -> ApiStage {
    ApiStage {
        region: region.into(),
        api_id: api.into(),
        api_name: format!("{api}-name"),
        stage_name: name.into(),
        protocol: protocol.into(),
        access_log_destination: dest.map(str::to_string),
        access_log_format: dest.map(|_| "$context.requestId".to_string()),
        private: false,
        execution_logging: None,
    }
}

fn dist(id: &str, legacy: Option<&str>) -> Distribution {
    Distribution {
        id: id.into(),
        arn: format!("arn:aws:cloudfront::{ACCOUNT}:distribution/{id}"),
        domain_name: format!("{}.cloudfront.net", id.to_lowercase()),
        legacy_logging: legacy.map(|b| S3Target {
            bucket: b.into(),
            prefix: "cf/".into(),
        }),
        unread: false,
    }
}

/// An account whose every kind of front end exists once with logs and once without.
fn mixed() -> Snapshot {
    let mut s = base();
    let mut w = Web::default();
    for l in [
        lb("us-east-1", "application", "alb-off", None),
        lb("us-east-1", "application", "alb-on", Some("my-logs")),
        lb("eu-west-1", "network", "nlb-off", None),
        lb("eu-west-1", "gateway", "gwlb", None),
    ] {
        w.load_balancers.insert(l.arn.clone(), l);
    }
    for st in [
        stage("us-east-1", "REST", "rest1", "prod", None),
        stage(
            "us-east-1",
            "HTTP",
            "http1",
            "$default",
            Some("arn:aws:logs:us-east-1:111122223333:log-group:mine"),
        ),
        stage("eu-west-1", "HTTP", "http2", "live", None),
        stage("eu-west-1", "WEBSOCKET", "ws1", "chat", None),
        ApiStage {
            private: true,
            ..stage("eu-west-1", "REST", "priv1", "internal", None)
        },
    ] {
        w.api_stages.insert(st.arn("aws"), st);
    }
    for d in [
        dist("ELEGACY", Some("cf-logs.s3.amazonaws.com")),
        dist("EV2", None),
        dist("ENONE", None),
    ] {
        w.distributions.insert(d.arn.clone(), d);
    }
    w.delivery_sources.insert(
        "cf-ev2".into(),
        DeliverySource {
            name: "cf-ev2".into(),
            resource_arns: vec![format!("arn:aws:cloudfront::{ACCOUNT}:distribution/EV2")],
            log_type: "ACCESS_LOGS".into(),
            destinations: vec![
                "arn:aws:logs:us-east-1:111122223333:delivery-destination:s3".into(),
            ],
        },
    );
    for r in ["us-east-1", "eu-west-1"] {
        w.api_accounts.insert(r.into(), ApiAccount::default());
    }
    s.web = Some(w);
    s
}

fn stage_arn(region: &str, protocol: &str, api: &str, name: &str) -> String {
    stage(region, protocol, api, name, None).arn("aws")
}

fn dist_arn(id: &str) -> String {
    format!("arn:aws:cloudfront::{ACCOUNT}:distribution/{id}")
}

#[test]
fn without_the_front_ends_read_4_10_is_one_manual_finding() {
    let f = findings(&base());
    assert_eq!(f.len(), 1, "{f:#?}");
    assert_eq!(f[0].status, Status::Manual);
    assert!(f[0].reason.contains("CloudFront.5"), "{}", f[0].reason);
}

#[test]
fn an_account_without_front_ends_passes_once() {
    let mut s = base();
    s.web = Some(Web::default());
    let f = findings(&s);
    assert_eq!(f.len(), 1, "{f:#?}");
    assert_eq!(f[0].status, Status::Pass);
}

#[test]
fn each_front_end_is_judged_on_its_own() {
    let s = mixed();
    let cases = [
        (
            lb_arn("us-east-1", "app", "alb-off"),
            Status::Fail,
            "access logs off",
        ),
        (
            lb_arn("us-east-1", "app", "alb-on"),
            Status::Pass,
            "s3://my-logs/",
        ),
        (
            lb_arn("eu-west-1", "gwy", "gwlb"),
            Status::Skipped,
            "no access logs",
        ),
        (
            stage_arn("us-east-1", "REST", "rest1", "prod"),
            Status::Fail,
            "REST API",
        ),
        (
            stage_arn("us-east-1", "HTTP", "http1", "$default"),
            Status::Pass,
            "log-group:mine",
        ),
        (
            stage_arn("eu-west-1", "HTTP", "http2", "live"),
            Status::Fail,
            "HTTP API",
        ),
        (
            stage_arn("eu-west-1", "WEBSOCKET", "ws1", "chat"),
            Status::Fail,
            "WebSocket API",
        ),
        (
            stage_arn("eu-west-1", "REST", "priv1", "internal"),
            Status::Skipped,
            "private REST API priv1-name stage internal: 4.10 asks for stages with public endpoints",
        ),
        (
            lb_arn("eu-west-1", "net", "nlb-off"),
            Status::Fail,
            "internet-facing network load balancer nlb-off: access logs off (they record TLS listeners only)",
        ),
        (dist_arn("ELEGACY"), Status::Pass, "legacy"),
        (dist_arn("EV2"), Status::Pass, "delivery-destination:s3"),
        (dist_arn("ENONE"), Status::Fail, "no access log destination"),
    ];
    for (arn, want, why) in &cases {
        let (got, reason) = status(&s, arn);
        assert_eq!(got, *want, "{arn}: {reason}");
        assert!(reason.contains(why), "{arn}: {reason}");
    }
    assert_eq!(findings(&s).len(), cases.len());
    // REST and HTTP stage ARNs are AWS's own forms.
    assert!(stage_arn("us-east-1", "REST", "a", "b").ends_with("::/restapis/a/stages/b"));
    assert!(stage_arn("us-east-1", "HTTP", "a", "b").ends_with("::/apis/a/stages/b"));
}

#[test]
fn what_could_not_be_read_is_an_error_never_a_pass() {
    let mut s = mixed();
    s.read_errors.push(ReadError {
        region: "eu-west-1".into(),
        service: Service::Elbv2,
        operation: "DescribeLoadBalancers".into(),
        kind: ErrorKind::Denied,
        message: "AccessDenied".into(),
    });
    s.read_errors.push(ReadError {
        region: "us-east-1".into(),
        service: Service::Logs,
        operation: "DescribeDeliverySources".into(),
        kind: ErrorKind::Denied,
        message: "AccessDenied".into(),
    });
    let w = s.web.as_mut().unwrap();
    w.load_balancers
        .get_mut(&lb_arn("us-east-1", "app", "alb-off"))
        .unwrap()
        .unread = true;
    let f = findings(&s);
    assert!(
        f.iter().any(|f| f.status == Status::Error
            && f.region == "eu-west-1"
            && f.reason.contains("Elastic Load Balancing")),
        "{f:#?}"
    );
    assert_eq!(
        status(&s, &lb_arn("us-east-1", "app", "alb-off")).0,
        Status::Error
    );
    // A distribution without legacy logging whose deliveries are unreadable
    // is unknown, not failing; one with legacy logging still passes.
    assert_eq!(status(&s, &dist_arn("ENONE")).0, Status::Error);
    assert_eq!(status(&s, &dist_arn("ELEGACY")).0, Status::Pass);
    // Nothing is planned for what is unknown.
    let p = pipeline::make(&s, &cis7(), &[ID.into()]);
    assert!(
        !p.actions
            .iter()
            .any(|a| a.target == lb_arn("us-east-1", "app", "alb-off")
                || a.target == dist_arn("ENONE")),
        "{:#?}",
        p.actions.iter().map(|a| &a.id).collect::<Vec<_>>()
    );
}

fn plan_of(s: &Snapshot) -> remediate::plan::Plan {
    pipeline::make(s, &cis7(), &[ID.into()])
}

fn names(p: &remediate::plan::Plan) -> Vec<&'static str> {
    p.actions.iter().map(|a| a.op.name()).collect()
}

#[test]
fn the_plan_fixes_every_failing_front_end_and_converges() {
    let s = mixed();
    let p = plan_of(&s);
    let n = names(&p);
    let count = |op: &str| n.iter().filter(|x| **x == op).count();
    assert_eq!(count("enable_load_balancer_access_logs"), 2, "{n:?}");
    assert_eq!(count("enable_stage_access_logging"), 3, "{n:?}");
    assert_eq!(count("create_log_delivery"), 1, "{n:?}");
    // REST (us-east-1) and WebSocket (eu-west-1) stages log through the
    // account's role: AWS refuses their access logs without it.
    assert_eq!(count("set_api_gateway_log_role"), 2, "{n:?}");
    let regions: Vec<&str> = p
        .actions
        .iter()
        .filter(|a| a.op.name() == "set_api_gateway_log_role")
        .map(|a| a.region.as_str())
        .collect();
    assert_eq!(regions, ["eu-west-1", "us-east-1"]);
    let ws = p
        .actions
        .iter()
        .find(|a| a.target == stage_arn("eu-west-1", "WEBSOCKET", "ws1", "chat"))
        .unwrap();
    assert!(
        ws.depends_on
            .iter()
            .any(|d| d.starts_with("set_api_gateway_log_role:eu-west-1")),
        "{:?}",
        ws.depends_on
    );
    // Every failing finding is fixed by some action; nothing passing is touched.
    let failing: Vec<String> = p
        .findings
        .iter()
        .filter(|f| f.status == Status::Fail)
        .map(|f| f.id())
        .collect();
    for f in &failing {
        assert!(
            p.actions.iter().any(|a| a.fixes.contains(f)),
            "{f} not fixed"
        );
    }
    for a in &p.actions {
        assert!(
            !a.target.contains("alb-on")
                && !a.target.contains("ELEGACY")
                && !a.target.contains("EV2"),
            "{}",
            a.id
        );
    }
    // Stage logging waits for its log group, REST also for the account role.
    let rest = p
        .actions
        .iter()
        .find(|a| a.target == stage_arn("us-east-1", "REST", "rest1", "prod"))
        .unwrap();
    assert!(
        rest.depends_on
            .iter()
            .any(|d| d.starts_with("create_log_group:us-east-1")),
        "{:?}",
        rest.depends_on
    );
    assert!(
        rest.depends_on
            .iter()
            .any(|d| d.starts_with("set_api_gateway_log_role:us-east-1")),
        "{:?}",
        rest.depends_on
    );
    // Converges: the account as the plan leaves it passes 4.10.
    let after = simulate(&s, &p.actions);
    let again = findings(&after);
    assert!(
        !again.iter().any(|f| f.status == Status::Fail),
        "{again:#?}"
    );
    assert!(plan_of(&after).actions.is_empty());
}

fn policy_of(p: &remediate::plan::Plan, bucket_region: &str) -> Value {
    let bucket = format!("remediate-web-logs-{ACCOUNT}-{bucket_region}");
    p.actions
        .iter()
        .find(|a| a.op.name() == "put_bucket_policy" && a.target == bucket)
        .unwrap_or_else(|| panic!("no policy for {bucket}"))
        .after
        .clone()
}

fn principals(policy: &Value) -> Vec<String> {
    policy["Statement"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s["Principal"].to_string())
        .collect()
}

#[test]
fn the_log_bucket_admits_each_load_balancer_type_and_cloudfront_delivery() {
    let p = plan_of(&mixed());
    // us-east-1: an ALB (the region's ELB account, AWS's table) and
    // CloudFront's delivery (delivery.logs).
    let east = principals(&policy_of(&p, "us-east-1"));
    assert!(
        east.iter()
            .any(|x| x.contains("arn:aws:iam::127311923021:root")),
        "{east:?}"
    );
    assert!(
        east.iter()
            .any(|x| x.contains("delivery.logs.amazonaws.com")),
        "{east:?}"
    );
    // eu-west-1: only an NLB, delivered by delivery.logs.
    let west = principals(&policy_of(&p, "eu-west-1"));
    assert!(
        west.iter()
            .all(|x| x.contains("delivery.logs.amazonaws.com")),
        "{west:?}"
    );
    // A region AWS gives no ELB account to: the service principal.
    let stmt =
        remediate::controls::web_access_logging::elb_log_statement(&base(), "b", "mx-central-1");
    assert_eq!(
        stmt["Principal"],
        json!({"Service": "logdelivery.elasticloadbalancing.amazonaws.com"})
    );
    assert_eq!(
        stmt["Resource"],
        json!(format!("arn:aws:s3:::b/AWSLogs/{ACCOUNT}/*"))
    );
}

#[test]
fn an_existing_log_bucket_policy_is_merged_not_replaced() {
    let mut s = mixed();
    let bucket = format!("remediate-web-logs-{ACCOUNT}-us-east-1");
    let mut b = crate::fixtures::bucket(&bucket, "us-east-1");
    let mine = json!({"Sid": "Mine", "Effect": "Deny", "Principal": "*", "Action": "s3:*",
                      "Resource": format!("arn:aws:s3:::{bucket}/*"),
                      "Condition": {"Bool": {"aws:SecureTransport": "false"}}});
    b.policy = Some(json!({"Version": "2012-10-17", "Statement": [mine.clone()]}));
    add_bucket(&mut s, b);
    let p = plan_of(&s);
    assert!(
        !names(&p).contains(&"create_bucket")
            || p.actions
                .iter()
                .all(|a| a.target != bucket || a.op.name() != "create_bucket")
    );
    let after = policy_of(&p, "us-east-1");
    let stmts = after["Statement"].as_array().unwrap();
    assert!(stmts.contains(&mine), "{after}");
    assert!(stmts.len() > 1, "{after}");
}

fn theirs() -> String {
    format!("arn:aws:iam::{ACCOUNT}:role/service-role/theirs")
}

/// A role as AWS's guide makes it: trusting API Gateway, with
/// AmazonAPIGatewayPushToCloudWatchLogs attached.
fn usable_role() -> AccountRole {
    AccountRole {
        exists: true,
        trust_policy: Some(json!({"Version": "2012-10-17", "Statement": [{
            "Effect": "Allow", "Principal": {"Service": "apigateway.amazonaws.com"},
            "Action": "sts:AssumeRole"}]})),
        policies: [(
            "arn:aws:iam::aws:policy/service-role/AmazonAPIGatewayPushToCloudWatchLogs".to_string(),
            json!({"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": [
                "logs:CreateLogGroup", "logs:CreateLogStream", "logs:DescribeLogGroups",
                "logs:DescribeLogStreams", "logs:PutLogEvents", "logs:GetLogEvents",
                "logs:FilterLogEvents"], "Resource": "*"}]}),
        )]
        .into(),
    }
}

/// `mixed()` with both regions' API Gateway account naming `role`.
fn with_account_role(role: AccountRole) -> Snapshot {
    let mut s = mixed();
    let w = s.web.as_mut().unwrap();
    for r in ["us-east-1", "eu-west-1"] {
        w.api_accounts.insert(
            r.into(),
            ApiAccount {
                cloudwatch_role_arn: Some(theirs()),
            },
        );
    }
    w.account_roles.insert(theirs(), role);
    s
}

#[test]
fn an_api_gateway_role_the_account_has_is_kept() {
    let s = with_account_role(usable_role());
    let p = plan_of(&s);
    assert!(
        !names(&p).contains(&"set_api_gateway_log_role"),
        "{:?}",
        names(&p)
    );
    assert!(
        !p.actions
            .iter()
            .any(|a| a.target.ends_with("role/remediate-apigateway-cloudwatch"))
    );
    // The REST stage is still fixed.
    assert!(
        p.actions
            .iter()
            .any(|a| a.target == stage_arn("us-east-1", "REST", "rest1", "prod"))
    );
}

/// The API Gateway log role writes to this account's log groups only, and
/// reads them (DescribeLogGroups) on "*": IAM's table gives that action no
/// resource type, so scoped it matched nothing (parliament's
/// RESOURCE_MISMATCH, `e2e validators`).
#[test]
fn the_api_gateway_log_role_describes_log_groups_on_star_and_writes_in_the_account() {
    let p = plan_of(&mixed());
    let role = p
        .actions
        .iter()
        .find(|a| a.target.ends_with("role/remediate-apigateway-cloudwatch"))
        .expect("a role for API Gateway's account");
    let Op::CreateRole(r) = &role.op else {
        panic!("{:?}", role.op)
    };
    let stmts = remediate::policy::statements(&r.policy);
    let on = |action: &str| -> Vec<Value> {
        stmts
            .iter()
            .filter(|s| {
                s["Action"] == action
                    || s["Action"]
                        .as_array()
                        .is_some_and(|a| a.iter().any(|x| x == action))
            })
            .map(|s| s["Resource"].clone())
            .collect()
    };
    assert_eq!(
        on("logs:DescribeLogGroups"),
        vec![json!("*")],
        "{:#}",
        r.policy
    );
    for write in [
        "logs:CreateLogGroup",
        "logs:CreateLogStream",
        "logs:PutLogEvents",
    ] {
        assert_eq!(
            on(write),
            vec![json!(format!("arn:aws:logs:*:{ACCOUNT}:*"))],
            "{write}: {:#}",
            r.policy
        );
    }
}

#[test]
fn a_websocket_only_region_gets_the_account_role_before_its_stage() {
    let mut s = base();
    let mut w = Web::default();
    let st = stage("eu-west-1", "WEBSOCKET", "ws1", "chat", None);
    w.api_stages.insert(st.arn("aws"), st);
    w.api_accounts
        .insert("eu-west-1".into(), ApiAccount::default());
    s.web = Some(w);
    let p = plan_of(&s);
    let role = p
        .actions
        .iter()
        .find(|a| a.op.name() == "set_api_gateway_log_role")
        .unwrap_or_else(|| panic!("no account role: {:?}", names(&p)));
    assert_eq!(role.region, "eu-west-1");
    let stage = p
        .actions
        .iter()
        .find(|a| a.op.name() == "enable_stage_access_logging")
        .unwrap();
    assert!(
        stage.depends_on.contains(&role.id),
        "{:?}",
        stage.depends_on
    );
}

#[test]
fn an_account_role_api_gateway_cannot_use_fails_its_stages_and_is_replaced_not_edited() {
    let untrusting = AccountRole {
        trust_policy: Some(json!({"Version": "2012-10-17", "Statement": [{
            "Effect": "Allow", "Principal": {"Service": "ec2.amazonaws.com"},
            "Action": "sts:AssumeRole"}]})),
        ..usable_role()
    };
    let unable = AccountRole {
        policies: [(
            "logs".to_string(),
            json!({"Version": "2012-10-17", "Statement": [{"Effect": "Allow",
                "Action": ["logs:CreateLogStream", "logs:PutLogEvents"], "Resource": "*"}]}),
        )]
        .into(),
        ..usable_role()
    };
    for (role, why) in [
        (
            AccountRole::default(),
            "theirs (account setting) does not exist",
        ),
        (untrusting, "theirs does not trust apigateway.amazonaws.com"),
        (
            unable,
            "theirs may not logs:CreateLogGroup, logs:DescribeLogGroups",
        ),
    ] {
        let mut s = with_account_role(role);
        // A REST stage that logs already: API Gateway writes none for it.
        let logging = stage(
            "us-east-1",
            "REST",
            "rest2",
            "live",
            Some("arn:aws:logs:us-east-1:111122223333:log-group:mine"),
        );
        let logging_arn = logging.arn("aws");
        s.web
            .as_mut()
            .unwrap()
            .api_stages
            .insert(logging_arn.clone(), logging);
        for arn in [
            stage_arn("us-east-1", "REST", "rest1", "prod"),
            stage_arn("eu-west-1", "WEBSOCKET", "ws1", "chat"),
            logging_arn.clone(),
        ] {
            let (st, reason) = status(&s, &arn);
            assert_eq!(st, Status::Fail, "{arn}: {reason}");
            assert!(reason.contains(why), "{arn}: {reason}");
        }
        // HTTP APIs do not use the account's role.
        let (st, reason) = status(&s, &stage_arn("us-east-1", "HTTP", "http1", "$default"));
        assert_eq!(st, Status::Pass, "{reason}");

        let p = plan_of(&s);
        let sets: Vec<&remediate::plan::Action> = p
            .actions
            .iter()
            .filter(|a| a.op.name() == "set_api_gateway_log_role")
            .collect();
        assert_eq!(sets.len(), 2, "{:?}", names(&p));
        for a in &sets {
            let Op::SetApiGatewayAccount(op) = &a.op else {
                unreachable!()
            };
            assert_eq!(op.replaces.as_deref(), Some(theirs().as_str()));
            assert_eq!(
                op.cloudwatch_role_arn.as_deref(),
                Some(
                    format!("arn:aws:iam::{ACCOUNT}:role/remediate-apigateway-cloudwatch").as_str()
                )
            );
            assert!(a.reason.contains(why), "{}", a.reason);
        }
        // The user's role is never edited.
        assert!(
            !p.actions
                .iter()
                .any(|a| a.target.contains("role/service-role/theirs")
                    || serde_json::to_string(&a.op)
                        .unwrap()
                        .contains("\"name\":\"theirs\"")),
            "{:#?}",
            p.actions
        );
        // The stage that logs already is fixed by the account setting alone.
        assert!(
            !p.actions
                .iter()
                .any(|a| a.op.name() == "enable_stage_access_logging" && a.target == logging_arn)
        );
        let fid = p
            .findings
            .iter()
            .find(|f| f.resource == logging_arn)
            .unwrap()
            .id();
        assert!(sets.iter().any(|a| a.fixes.contains(&fid)));
        let after = simulate(&s, &p.actions);
        assert!(
            !findings(&after).iter().any(|f| f.status == Status::Fail),
            "{why}: {:#?}",
            findings(&after)
        );
    }
}

#[test]
fn stages_get_the_fields_cis_names_in_their_access_log_format() {
    let p = plan_of(&mixed());
    for a in &p.actions {
        if let Op::SetStageAccessLogging(k) = &a.op {
            let l = k.access_log.as_ref().unwrap();
            let f: Value = serde_json::from_str(l.format.as_deref().unwrap()).unwrap();
            if k.protocol == "WEBSOCKET" {
                for field in [
                    "$context.requestId",
                    "$context.identity.sourceIp",
                    "$context.routeKey",
                    "$context.connectionId",
                ] {
                    assert!(
                        f.as_object().unwrap().values().any(|v| v == field),
                        "{field}"
                    );
                }
                assert!(!f.to_string().contains("$context.httpMethod"), "{f}");
                continue;
            }
            for field in [
                "$context.requestId",
                "$context.identity.sourceIp",
                "$context.requestTime",
                "$context.httpMethod",
                "$context.path",
                "$context.status",
                "$context.responseLength",
                "$context.identity.userAgent",
            ] {
                assert!(
                    f.as_object().unwrap().values().any(|v| v == field),
                    "{field}"
                );
            }
            let d = l.destination_arn.as_deref().unwrap();
            assert!(
                d.starts_with(&format!("arn:aws:logs:{}:{ACCOUNT}:log-group:", a.region))
                    && !d.ends_with(":*"),
                "{d}"
            );
        }
    }
}

#[test]
fn cloudfront_outside_the_aws_partition_is_left_with_the_reason() {
    let mut s = mixed();
    s.partition = "aws-cn".into();
    let p = plan_of(&s);
    assert!(!names(&p).contains(&"create_log_delivery"));
    let f = p
        .findings
        .iter()
        .find(|f| f.resource == dist_arn("ENONE"))
        .unwrap();
    assert!(
        f.reason.contains("not fixed automatically") && f.reason.contains("aws-cn"),
        "{}",
        f.reason
    );
}

#[test]
fn only_7_0_reads_the_front_ends_and_not_when_4_10_is_skipped() {
    for key in ["cis-1.2", "cis-1.4", "cis-3.0", "cis-5.0", "cis-6.0"] {
        let s = FileSettings {
            benchmark: Some(key.into()),
            ..Default::default()
        };
        assert!(!controls::collect_options(None, 4, &s).web, "{key}");
    }
    assert!(controls::collect_options(None, 4, &cis7()).web);
    let skipped = FileSettings {
        skip_controls: vec![ID.into()],
        ..cis7()
    };
    assert!(!controls::collect_options(None, 4, &skipped).web);
}

#[test]
fn delivery_names_fit_what_cloudwatch_logs_accepts() {
    use remediate::controls::web_access_logging::delivery_name;
    assert_eq!(delivery_name("my.logs.bucket"), "my-logs-bucket");
    assert_eq!(delivery_name(&"x".repeat(80)).len(), 60);
    let p = plan_of(&mixed());
    for a in &p.actions {
        if let Op::CreateLogDelivery(k) = &a.op {
            for n in [&k.source_name, &k.destination_name] {
                assert!(
                    n.len() <= 60
                        && n.chars()
                            .all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-'),
                    "{n}"
                );
            }
        }
    }
}

#[test]
fn each_front_end_carries_the_security_hub_control_that_checks_its_kind() {
    let bench = controls::benchmark("cis-7.0").unwrap();
    let c = bench.get(ID).unwrap();
    assert_eq!(
        c.security_hub, None,
        "no Security Hub control covers all of 4.10"
    );
    for (arn, want) in [
        (lb_arn("us-east-1", "app", "a"), Some("ELB.5")),
        (lb_arn("us-east-1", "net", "n"), None),
        (dist_arn("E1"), Some("CloudFront.5")),
        (
            stage_arn("us-east-1", "HTTP", "h", "live"),
            Some("APIGateway.9"),
        ),
        (
            stage_arn("us-east-1", "WEBSOCKET", "w", "chat"),
            Some("APIGateway.9"),
        ),
        (stage_arn("us-east-1", "REST", "r", "prod"), None),
    ] {
        assert_eq!(c.security_hub_for(&arn), want, "{arn}");
    }
    // Other controls keep their one id whatever the resource.
    let c41 = bench.get("4.1").unwrap();
    assert_eq!(c41.security_hub_for(&dist_arn("E1")), Some("CloudTrail.1"));
    // The JSON plan puts the resource's id beside each 4.10 finding.
    let p = plan_of(&mixed());
    let v: Value = serde_json::from_str(&remediate::render::plan_json(&p, None)).unwrap();
    let f = v["findings"]
        .as_array()
        .unwrap()
        .iter()
        .find(|f| f["resource"] == json!(lb_arn("us-east-1", "app", "alb-off")))
        .unwrap();
    assert_eq!(f["security_hub"], "ELB.5");
    let a = v["actions"]
        .as_array()
        .unwrap()
        .iter()
        .find(|a| a["target"] == json!(dist_arn("ENONE")))
        .unwrap();
    assert_eq!(a["security_hub"], json!(["CloudFront.5"]));
}

#[test]
fn findings_say_where_security_hub_and_prowler_judge_otherwise() {
    let mut s = mixed();
    let w = s.web.as_mut().unwrap();
    // A REST stage with access logs but no execution logging, and one with
    // execution logging but no access logs.
    let logged = stage(
        "us-east-1",
        "REST",
        "rest3",
        "v1",
        Some("arn:aws:logs:us-east-1:111122223333:log-group:mine"),
    );
    let executed = ApiStage {
        execution_logging: Some("INFO".into()),
        ..stage("us-east-1", "REST", "rest4", "v1", None)
    };
    for st in [logged, executed] {
        w.api_stages.insert(st.arn("aws"), st);
    }
    let (st, reason) = status(&s, &dist_arn("EV2"));
    assert_eq!(st, Status::Pass);
    assert!(
        reason.contains("Security Hub CloudFront.5 counts only legacy")
            && reason.contains("stays FAILED there"),
        "{reason}"
    );
    let (_, reason) = status(&s, &dist_arn("ELEGACY"));
    assert!(!reason.contains("CloudFront.5"), "{reason}");
    let (st, reason) = status(&s, &stage_arn("us-east-1", "REST", "rest3", "v1"));
    assert_eq!(st, Status::Pass);
    assert!(
        reason.contains("Prowler's apigateway_restapi_logging_enabled reads execution logging (OFF here): it reports FAIL"),
        "{reason}"
    );
    let (st, reason) = status(&s, &stage_arn("us-east-1", "REST", "rest4", "v1"));
    assert_eq!(st, Status::Fail);
    assert!(reason.contains("(INFO here): it reports PASS"), "{reason}");
    // HTTP stages: no such note.
    let (_, reason) = status(&s, &stage_arn("us-east-1", "HTTP", "http1", "$default"));
    assert!(!reason.contains("Prowler"), "{reason}");
}

#[test]
fn cloudfront_in_govcloud_is_skipped_with_the_reason_not_an_error() {
    let mut s = base();
    s.partition = "aws-us-gov".into();
    s.home_region = "us-gov-west-1".into();
    s.regions = vec!["us-gov-west-1".into()];
    s.web = Some(Web::default());
    let f = findings(&s);
    assert_eq!(f.len(), 1, "{f:#?}");
    assert_eq!(f[0].status, Status::Skipped);
    assert!(
        f[0].reason
            .contains("CloudFront is not available in aws-us-gov"),
        "{}",
        f[0].reason
    );
    assert!(f[0].resource.starts_with("arn:aws-us-gov:cloudfront::"));
}

#[test]
fn an_nlb_without_a_tls_listener_is_skipped_and_gets_no_action() {
    let mut s = mixed();
    let w = s.web.as_mut().unwrap();
    let mut tcp = lb("eu-west-1", "network", "nlb-tcp", None);
    tcp.listeners = Some(vec!["TCP".into(), "UDP".into()]);
    let arn = tcp.arn.clone();
    w.load_balancers.insert(arn.clone(), tcp);
    let (st, reason) = status(&s, &arn);
    assert_eq!(st, Status::Skipped, "{reason}");
    assert!(
        reason.contains("no TLS listener (listeners: TCP, UDP)")
            && reason.contains("TLS listeners only"),
        "{reason}"
    );
    assert!(!plan_of(&s).actions.iter().any(|a| a.target == arn));
}

#[test]
fn a_classic_load_balancer_is_judged_and_fixed_with_the_regions_elb_account() {
    let mut s = base();
    let mut w = Web::default();
    let arn = remediate::collect::classic_arn("aws", "eu-west-1", ACCOUNT, "clb");
    w.load_balancers.insert(
        arn.clone(),
        LoadBalancer {
            region: "eu-west-1".into(),
            arn: arn.clone(),
            name: "clb".into(),
            lb_type: "classic".into(),
            scheme: "internet-facing".into(),
            access_logs: None,
            unread: false,
            listeners: None,
        },
    );
    s.web = Some(w);
    let (st, _) = status(&s, &arn);
    assert_eq!(st, Status::Fail);
    let f = findings(&s);
    assert_eq!(
        remediate::controls::web_access_logging::security_hub_of(&f[0].resource),
        Some("ELB.5")
    );
    let p = plan_of(&s);
    assert!(
        names(&p).contains(&"enable_classic_load_balancer_access_logs"),
        "{:?}",
        names(&p)
    );
    let west = principals(&policy_of(&p, "eu-west-1"));
    assert!(
        west.iter()
            .any(|x| x.contains("arn:aws:iam::156460612806:root")),
        "{west:?}"
    );
    let after = simulate(&s, &p.actions);
    assert_eq!(status(&after, &arn).0, Status::Pass);
}

#[test]
fn china_regions_name_their_elb_accounts() {
    let mut s = base();
    s.partition = "aws-cn".into();
    let stmt = remediate::controls::web_access_logging::elb_log_statement(&s, "b", "cn-north-1");
    assert_eq!(
        stmt["Principal"],
        json!({"AWS": "arn:aws-cn:iam::638102146993:root"})
    );
    let stmt =
        remediate::controls::web_access_logging::elb_log_statement(&s, "b", "cn-northwest-1");
    assert_eq!(
        stmt["Principal"],
        json!({"AWS": "arn:aws-cn:iam::037604701340:root"})
    );
}

#[test]
fn rest_execution_logging_is_asked_by_the_web_settings_and_planned() {
    let settings =
        FileSettings::parse("benchmark = \"cis-7.0\"\n[web]\nrest_execution_logging = \"ERROR\"\n")
            .unwrap();
    assert_eq!(
        settings.web.rest_execution_logging.as_deref(),
        Some("ERROR")
    );
    let err = FileSettings::parse("[web]\nrest_execution_logging = \"DEBUG\"\n").unwrap_err();
    assert!(err.contains("must be ERROR or INFO"), "{err}");

    let mut s = mixed();
    let logged = stage(
        "us-east-1",
        "REST",
        "rest3",
        "v1",
        Some("arn:aws:logs:us-east-1:111122223333:log-group:mine"),
    );
    let arn = logged.arn("aws");
    s.web
        .as_mut()
        .unwrap()
        .api_stages
        .insert(arn.clone(), logged);
    let selected = controls::selected(&[ID.into()], &settings);
    let f = controls::detect(&s, &settings, &selected);
    let finding = f.iter().find(|f| f.resource == arn).unwrap();
    assert_eq!(finding.status, Status::Fail, "{}", finding.reason);
    assert!(
        finding
            .reason
            .contains("[web] rest_execution_logging asks for ERROR"),
        "{}",
        finding.reason
    );
    // HTTP stages are not asked.
    let http = stage_arn("us-east-1", "HTTP", "http1", "$default");
    assert_eq!(
        f.iter().find(|f| f.resource == http).unwrap().status,
        Status::Pass
    );
    let p = pipeline::make(&s, &settings, &[ID.into()]);
    let exec: Vec<_> = p
        .actions
        .iter()
        .filter(|a| a.op.name() == "enable_stage_execution_logging")
        .collect();
    // rest1 (no access logs either) and rest3; not the private REST stage.
    assert_eq!(exec.len(), 2, "{:?}", names(&p));
    assert!(exec.iter().all(|a| {
        a.depends_on
            .iter()
            .any(|d| d.starts_with("set_api_gateway_log_role:us-east-1"))
    }));
    // The stage with access logs gets no second access-log action.
    assert!(
        !p.actions
            .iter()
            .any(|a| a.op.name() == "enable_stage_access_logging" && a.target == arn)
    );
    let after = simulate(&s, &p.actions);
    let again = controls::detect(&after, &settings, &selected);
    assert!(
        !again.iter().any(|f| f.status == Status::Fail),
        "{again:#?}"
    );
}
