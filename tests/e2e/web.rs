//! CIS 7.0 4.10 against the emulator (its strict layer refuses the writes
//! AWS would refuse: a log bucket ELB cannot write to, a REST stage without
//! the account's CloudWatch Logs role, …): every front end is found, fixed,
//! verified through the SDK, and undone; a saved plan is refused once a
//! front end it relies on changed; every call is in the printed policies.

use aws_config::Region;
use serde_json::Value;

use crate::common::{self, Moto, fixtures};
use crate::permissions_cmd::assert_allowed;
use crate::{findings, plan_json};
use remediate::permissions::For;

const US: &str = "us-east-1";
const SCOPE: [&str; 6] = [
    "--regions",
    US,
    "--benchmark",
    "cis-7.0",
    "--control",
    "4.10",
];

fn run(moto: &Moto, args: &[&str]) -> (i32, String, String) {
    let out = common::remediate_cmd(moto).args(args).output().unwrap();
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&out.stdout).to_string(),
        String::from_utf8_lossy(&out.stderr).to_string(),
    )
}

fn rt() -> tokio::runtime::Runtime {
    tokio::runtime::Runtime::new().unwrap()
}

fn seed(moto: &Moto) -> fixtures::SeededWeb {
    rt().block_on(async {
        let cfg = common::sdk_config(&moto.url).await;
        fixtures::web_frontends(&cfg, US, "w").await.unwrap()
    })
}

/// What the account says about each front end's access logs, read with the SDK.
#[derive(Debug, PartialEq)]
struct Live {
    alb: Option<String>,
    nlb: Option<String>,
    rest: Option<String>,
    http: Option<String>,
    deliveries: usize,
    api_role: Option<String>,
    bucket_policy: Option<Value>,
}

fn live(moto: &Moto, w: &fixtures::SeededWeb, account: &str) -> Live {
    rt().block_on(async {
        let cfg = common::sdk_config(&moto.url).await;
        let cfg = cfg.to_builder().region(Region::new(US)).build();
        let elb = aws_sdk_elasticloadbalancingv2::Client::new(&cfg);
        let logs_of = |arn: String| {
            let elb = elb.clone();
            async move {
                let out = elb
                    .describe_load_balancer_attributes()
                    .load_balancer_arn(arn)
                    .send()
                    .await
                    .unwrap();
                let get = |k: &str| {
                    out.attributes()
                        .iter()
                        .find(|a| a.key() == Some(k))
                        .and_then(|a| a.value())
                        .unwrap_or_default()
                        .to_string()
                };
                (get("access_logs.s3.enabled") == "true").then(|| get("access_logs.s3.bucket"))
            }
        };
        let api = aws_sdk_apigateway::Client::new(&cfg);
        let rest = api
            .get_stage()
            .rest_api_id(&w.rest_api_id)
            .stage_name("prod")
            .send()
            .await
            .unwrap()
            .access_log_settings()
            .and_then(|l| l.destination_arn().map(str::to_string));
        let v2 = aws_sdk_apigatewayv2::Client::new(&cfg);
        let http = v2
            .get_stage()
            .api_id(&w.http_api_id)
            .stage_name("live")
            .send()
            .await
            .unwrap()
            .access_log_settings()
            .and_then(|l| l.destination_arn().map(str::to_string));
        let logs = aws_sdk_cloudwatchlogs::Client::new(&cfg);
        let deliveries = logs
            .describe_deliveries()
            .send()
            .await
            .unwrap()
            .deliveries()
            .len();
        let api_role = api
            .get_account()
            .send()
            .await
            .unwrap()
            .cloudwatch_role_arn()
            .filter(|r| !r.is_empty())
            .map(str::to_string);
        let s3 = common::fixtures::Clients::new(&cfg, US).s3;
        let bucket = format!("remediate-web-logs-{account}-{US}");
        let bucket_policy = s3
            .get_bucket_policy()
            .bucket(&bucket)
            .send()
            .await
            .ok()
            .and_then(|p| p.policy().map(|p| serde_json::from_str(p).unwrap()));
        Live {
            alb: logs_of(w.alb_arn.clone()).await,
            nlb: logs_of(w.nlb_arn.clone()).await,
            rest,
            http,
            deliveries,
            api_role,
            bucket_policy,
        }
    })
}

#[test]
fn every_front_end_is_fixed_verified_and_undone() {
    let moto = Moto::start();
    let w = seed(&moto);
    let account = "123456789012";
    let before = live(&moto, &w, account);
    assert_eq!(before.alb, None);
    assert_eq!(before.api_role, None);

    let (code, plan, err) = plan_json(&moto, &SCOPE);
    assert_eq!(code, 2, "{err}");
    let failing: Vec<&str> = findings(&plan, "4.10")
        .iter()
        .filter(|f| f["status"] == "fail")
        .map(|f| f["resource"].as_str().unwrap())
        .collect();
    assert_eq!(failing.len(), 5, "{failing:?}");
    for r in [&w.alb_arn, &w.nlb_arn, &w.distribution_arn] {
        assert!(
            failing.contains(&r.as_str()),
            "{r} not failing: {failing:?}"
        );
    }
    assert!(
        failing
            .iter()
            .any(|r| r.ends_with(&format!("/restapis/{}/stages/prod", w.rest_api_id)))
    );
    assert!(
        failing
            .iter()
            .any(|r| r.ends_with(&format!("/apis/{}/stages/live", w.http_api_id)))
    );
    // The plan the bucket policy is written from is the one in force after
    // the apply: CloudWatch Logs found its statements there and added none.
    let planned_policy = plan["actions"]
        .as_array()
        .unwrap()
        .iter()
        .find(|a| a["op"]["op"] == "put_bucket_policy")
        .map(|a| a["after"].clone())
        .expect("a bucket policy action");

    let (code, _, err) = run(
        &moto,
        &[
            &["apply", "--yes", "--journal", "j.jsonl", "--stats"][..],
            &SCOPE[..],
        ]
        .concat(),
    );
    assert_eq!(code, 0, "{err}");
    assert_allowed(&err, For::Apply);
    let after = live(&moto, &w, account);
    let bucket = format!("remediate-web-logs-{account}-{US}");
    assert_eq!(after.alb.as_deref(), Some(bucket.as_str()));
    assert_eq!(after.nlb.as_deref(), Some(bucket.as_str()));
    let group = format!("arn:aws:logs:{US}:{account}:log-group:remediate/apigateway-access-logs");
    assert_eq!(after.rest.as_deref(), Some(group.as_str()));
    assert_eq!(after.http.as_deref(), Some(group.as_str()));
    assert_eq!(after.deliveries, 1);
    assert_eq!(
        after.api_role.as_deref(),
        Some(format!("arn:aws:iam::{account}:role/remediate-apigateway-cloudwatch").as_str())
    );
    assert_eq!(after.bucket_policy.as_ref(), Some(&planned_policy));

    let (code, plan, err) = plan_json(&moto, &SCOPE);
    assert_eq!(code, 0, "{err}");
    let f = findings(&plan, "4.10");
    assert!(
        f.len() == 5 && f.iter().all(|f| f["status"] == "pass"),
        "{f:#?}"
    );

    let (code, out, err) = run(&moto, &["undo", "--yes", "j.jsonl", "--stats"]);
    assert_eq!(code, 0, "{out}\n{err}");
    assert_allowed(&err, For::Undo);
    let undone = live(&moto, &w, account);
    assert_eq!(
        (
            undone.alb,
            undone.nlb,
            undone.rest,
            undone.http,
            undone.deliveries,
            undone.api_role
        ),
        (None, None, None, None, 0, None),
        "{err}"
    );
}

#[test]
fn a_saved_plan_is_refused_once_a_front_end_it_relies_on_changed() {
    let moto = Moto::start();
    let w = seed(&moto);
    let (code, _, err) = run(
        &moto,
        &[&["plan", "--out", "p.json"][..], &SCOPE[..]].concat(),
    );
    assert_eq!(code, 2, "{err}");
    // Someone turns on the HTTP stage's access logs in the meantime.
    rt().block_on(async {
        let cfg = common::sdk_config(&moto.url).await;
        let cfg = cfg.to_builder().region(Region::new(US)).build();
        let logs = aws_sdk_cloudwatchlogs::Client::new(&cfg);
        logs.create_log_group()
            .log_group_name("theirs")
            .send()
            .await
            .unwrap();
        aws_sdk_apigatewayv2::Client::new(&cfg)
            .update_stage()
            .api_id(&w.http_api_id)
            .stage_name("live")
            .access_log_settings(
                aws_sdk_apigatewayv2::types::AccessLogSettings::builder()
                    .destination_arn("arn:aws:logs:us-east-1:123456789012:log-group:theirs")
                    .format("$context.requestId")
                    .build(),
            )
            .send()
            .await
            .unwrap();
    });
    let (code, _, err) = run(&moto, &["apply", "--yes", "p.json"]);
    assert_eq!(code, 1, "{err}");
    assert!(
        err.contains("stale") && err.contains("web/api_stages/"),
        "{err}"
    );
    // Nothing was written: the ALB still has no access logs.
    assert_eq!(live(&moto, &w, "123456789012").alb, None);
}

/// A role `name` trusting API Gateway, with `inline` as its inline policy
/// `logs` when given, named in the account settings of `US`: its ARN.
fn their_account_role(moto: &Moto, name: &str, inline: Option<Value>) -> String {
    rt().block_on(async {
        let cfg = common::sdk_config(&moto.url).await;
        let c = fixtures::Clients::new(&cfg, US);
        let arn = fixtures::ensure_role(
            &c,
            name,
            &fixtures::trust_policy("apigateway.amazonaws.com", None),
        )
        .await
        .unwrap();
        if let Some(doc) = inline {
            c.iam
                .put_role_policy()
                .role_name(name)
                .policy_name("logs")
                .policy_document(doc.to_string())
                .send()
                .await
                .unwrap();
        }
        let cfg = cfg.to_builder().region(Region::new(US)).build();
        aws_sdk_apigateway::Client::new(&cfg)
            .update_account()
            .patch_operations(
                aws_sdk_apigateway::types::PatchOperation::builder()
                    .op(aws_sdk_apigateway::types::Op::Replace)
                    .path("/cloudwatchRoleArn")
                    .value(&arn)
                    .build(),
            )
            .send()
            .await
            .unwrap();
        arn
    })
}

fn ops(plan: &Value) -> Vec<&str> {
    plan["actions"]
        .as_array()
        .unwrap()
        .iter()
        .map(|a| a["op"]["op"].as_str().unwrap())
        .collect()
}

#[test]
fn an_api_gateway_role_the_account_set_is_kept() {
    let moto = Moto::start();
    let w = seed(&moto);
    let logs = serde_json::json!({"Version": "2012-10-17", "Statement": [{"Effect": "Allow",
        "Action": ["logs:CreateLogGroup", "logs:CreateLogStream", "logs:DescribeLogGroups",
                   "logs:DescribeLogStreams", "logs:PutLogEvents"], "Resource": "*"}]});
    let theirs = their_account_role(&moto, "their-apigw-role", Some(logs));
    let (code, plan, err) = plan_json(&moto, &SCOPE);
    assert_eq!(code, 2, "{err}");
    assert!(
        !ops(&plan).contains(&"set_api_gateway_account"),
        "{:?}",
        ops(&plan)
    );
    let (code, _, err) = run(
        &moto,
        &[&["apply", "--yes", "--stats"][..], &SCOPE[..]].concat(),
    );
    assert_eq!(code, 0, "{err}");
    assert_allowed(&err, For::Apply);
    let after = live(&moto, &w, "123456789012");
    assert_eq!(after.api_role.as_deref(), Some(theirs.as_str()));
    assert!(after.rest.is_some());
}

/// A role the account names that may not write logs: the REST stage fails
/// naming why; apply points the account at the tool's role and leaves the
/// user's role as it was; undo points the account back at it.
#[test]
fn an_account_role_api_gateway_cannot_use_is_replaced_not_edited() {
    let moto = Moto::start();
    let w = seed(&moto);
    let theirs = their_account_role(&moto, "their-bare-role", None);
    let (code, plan, err) = plan_json(&moto, &SCOPE);
    assert_eq!(code, 2, "{err}");
    let rest = findings(&plan, "4.10")
        .into_iter()
        .find(|f| {
            f["resource"]
                .as_str()
                .unwrap()
                .ends_with(&format!("/restapis/{}/stages/prod", w.rest_api_id))
        })
        .unwrap();
    assert_eq!(rest["status"], "fail");
    let why = rest["reason"].as_str().unwrap();
    assert!(
        why.contains("their-bare-role may not logs:CreateLogGroup, logs:CreateLogStream, logs:PutLogEvents, logs:DescribeLogGroups"),
        "{why}"
    );
    let set = plan["actions"]
        .as_array()
        .unwrap()
        .iter()
        .find(|a| a["op"]["op"] == "set_api_gateway_account")
        .expect("the account is pointed at the tool's role");
    assert_eq!(set["op"]["replaces"], theirs.as_str());

    let (code, _, err) = run(
        &moto,
        &[
            &["apply", "--yes", "--journal", "j.jsonl", "--stats"][..],
            &SCOPE[..],
        ]
        .concat(),
    );
    assert_eq!(code, 0, "{err}");
    assert_allowed(&err, For::Apply);
    let after = live(&moto, &w, "123456789012");
    assert_eq!(
        after.api_role.as_deref(),
        Some("arn:aws:iam::123456789012:role/remediate-apigateway-cloudwatch")
    );
    assert!(after.rest.is_some());
    let (inline, attached) = rt().block_on(async {
        let cfg = common::sdk_config(&moto.url).await;
        let iam = fixtures::Clients::new(&cfg, US).iam;
        let inline = iam
            .list_role_policies()
            .role_name("their-bare-role")
            .send()
            .await
            .unwrap()
            .policy_names()
            .len();
        let attached = iam
            .list_attached_role_policies()
            .role_name("their-bare-role")
            .send()
            .await
            .unwrap()
            .attached_policies()
            .len();
        (inline, attached)
    });
    assert_eq!((inline, attached), (0, 0), "the user's role was edited");

    let (code, out, err) = run(&moto, &["undo", "--yes", "j.jsonl", "--stats"]);
    assert_eq!(code, 0, "{out}\n{err}");
    assert_allowed(&err, For::Undo);
    assert_eq!(
        live(&moto, &w, "123456789012").api_role.as_deref(),
        Some(theirs.as_str())
    );
}

/// AWS refuses a WebSocket stage's access logs until the region's API
/// Gateway account has a CloudWatch Logs role: the plan sets it first, and
/// apply succeeds without waiting.
#[test]
fn a_region_whose_only_api_is_a_websocket_api_gets_the_account_role() {
    let moto = Moto::start();
    let api = rt().block_on(async {
        let cfg = common::sdk_config(&moto.url).await;
        let cfg = cfg.to_builder().region(Region::new(US)).build();
        let v2 = aws_sdk_apigatewayv2::Client::new(&cfg);
        let api = v2
            .create_api()
            .name("chat")
            .protocol_type(aws_sdk_apigatewayv2::types::ProtocolType::Websocket)
            .route_selection_expression("$request.body.action")
            .send()
            .await
            .unwrap()
            .api_id()
            .unwrap()
            .to_string();
        v2.create_stage()
            .api_id(&api)
            .stage_name("prod")
            .send()
            .await
            .unwrap();
        api
    });
    let (code, plan, err) = plan_json(&moto, &SCOPE);
    assert_eq!(code, 2, "{err}");
    assert!(
        ops(&plan).contains(&"set_api_gateway_account"),
        "{:?}",
        ops(&plan)
    );
    let started = std::time::Instant::now();
    let (code, _, err) = run(&moto, &[&["apply", "--yes"][..], &SCOPE[..]].concat());
    assert_eq!(code, 0, "{err}");
    assert!(started.elapsed().as_secs() < 60, "{err}");
    let dest = rt().block_on(async {
        let cfg = common::sdk_config(&moto.url).await;
        let cfg = cfg.to_builder().region(Region::new(US)).build();
        aws_sdk_apigatewayv2::Client::new(&cfg)
            .get_stage()
            .api_id(&api)
            .stage_name("prod")
            .send()
            .await
            .unwrap()
            .access_log_settings()
            .and_then(|l| l.destination_arn().map(str::to_string))
    });
    assert_eq!(
        dest.as_deref(),
        Some("arn:aws:logs:us-east-1:123456789012:log-group:remediate/apigateway-access-logs")
    );
}

/// What a load balancer's access-log attributes say: (enabled, bucket, prefix).
fn lb_logs(moto: &Moto, alb_arn: &str, classic: &str) -> [(bool, String, String); 2] {
    rt().block_on(async {
        let cfg = common::sdk_config(&moto.url).await;
        let cfg = cfg.to_builder().region(Region::new(US)).build();
        let out = aws_sdk_elasticloadbalancingv2::Client::new(&cfg)
            .describe_load_balancer_attributes()
            .load_balancer_arn(alb_arn)
            .send()
            .await
            .unwrap();
        let (on, t) = remediate::collect::elb_access_logs(out.attributes());
        let c = aws_sdk_elasticloadbalancing::Client::new(&cfg)
            .describe_load_balancer_attributes()
            .load_balancer_name(classic)
            .send()
            .await
            .unwrap();
        let a = c
            .load_balancer_attributes()
            .and_then(|a| a.access_log())
            .unwrap();
        [
            (on, t.bucket, t.prefix),
            (
                a.enabled(),
                a.s3_bucket_name().unwrap_or_default().to_string(),
                a.s3_bucket_prefix().unwrap_or_default().to_string(),
            ),
        ]
    })
}

/// An NLB without a TLS listener is skipped (AWS writes no access logs for
/// it); a Classic Load Balancer is judged and fixed; undo puts back the
/// bucket and prefix both named before the apply, not only "off".
#[test]
fn load_balancers_tcp_nlb_skipped_classic_fixed_and_undo_puts_back_bucket_and_prefix() {
    let moto = Moto::start();
    let w = seed(&moto);
    let tcp = rt().block_on(async {
        let cfg = common::sdk_config(&moto.url).await;
        let tcp = fixtures::tcp_only_nlb(&cfg, US, "w-tcp").await.unwrap();
        fixtures::classic_load_balancer(&cfg, US, "w-clb")
            .await
            .unwrap();
        // Off, but naming a bucket and prefix from an earlier setup.
        let cfg = cfg.to_builder().region(Region::new(US)).build();
        let attr = |k: &str, v: &str| {
            aws_sdk_elasticloadbalancingv2::types::LoadBalancerAttribute::builder()
                .key(k)
                .value(v)
                .build()
        };
        aws_sdk_elasticloadbalancingv2::Client::new(&cfg)
            .modify_load_balancer_attributes()
            .load_balancer_arn(&w.alb_arn)
            .attributes(attr("access_logs.s3.enabled", "false"))
            .attributes(attr("access_logs.s3.bucket", "old-logs"))
            .attributes(attr("access_logs.s3.prefix", "old"))
            .send()
            .await
            .unwrap();
        aws_sdk_elasticloadbalancing::Client::new(&cfg)
            .modify_load_balancer_attributes()
            .load_balancer_name("w-clb")
            .load_balancer_attributes(
                aws_sdk_elasticloadbalancing::types::LoadBalancerAttributes::builder()
                    .access_log(
                        aws_sdk_elasticloadbalancing::types::AccessLog::builder()
                            .enabled(false)
                            .s3_bucket_name("old-logs")
                            .s3_bucket_prefix("old")
                            .emit_interval(5)
                            .build(),
                    )
                    .build(),
            )
            .send()
            .await
            .unwrap();
        tcp
    });
    let before = lb_logs(&moto, &w.alb_arn, "w-clb");
    let old = (false, "old-logs".to_string(), "old".to_string());
    assert_eq!(before, [old.clone(), old.clone()]);

    let (code, plan, err) = plan_json(&moto, &SCOPE);
    assert_eq!(code, 2, "{err}");
    let f = findings(&plan, "4.10");
    let of = |arn: &str| {
        f.iter()
            .find(|f| f["resource"] == arn)
            .unwrap_or_else(|| panic!("no finding for {arn}: {f:#?}"))
    };
    let skipped = of(&tcp);
    assert_eq!(skipped["status"], "skipped", "{skipped}");
    assert!(
        skipped["reason"]
            .as_str()
            .unwrap()
            .contains("no TLS listener (listeners: TCP)"),
        "{skipped}"
    );
    assert_eq!(of(&w.nlb_arn)["status"], "fail");
    let clb = "arn:aws:elasticloadbalancing:us-east-1:123456789012:loadbalancer/w-clb";
    assert_eq!(of(clb)["status"], "fail");
    let targets: Vec<&str> = plan["actions"]
        .as_array()
        .unwrap()
        .iter()
        .map(|a| a["target"].as_str().unwrap())
        .collect();
    assert!(!targets.contains(&tcp.as_str()), "{targets:?}");
    assert!(
        ops(&plan).contains(&"set_classic_load_balancer_logging"),
        "{:?}",
        ops(&plan)
    );

    let (code, _, err) = run(
        &moto,
        &[
            &["apply", "--yes", "--journal", "j.jsonl", "--stats"][..],
            &SCOPE[..],
        ]
        .concat(),
    );
    assert_eq!(code, 0, "{err}");
    assert_allowed(&err, For::Apply);
    let bucket = "remediate-web-logs-123456789012-us-east-1".to_string();
    let on = (true, bucket, String::new());
    assert_eq!(lb_logs(&moto, &w.alb_arn, "w-clb"), [on.clone(), on]);
    let (code, plan, err) = plan_json(&moto, &SCOPE);
    assert_eq!(code, 0, "{err}");
    assert_eq!(of_status(&plan, clb), "pass");

    let (code, out, err) = run(&moto, &["undo", "--yes", "j.jsonl", "--stats"]);
    assert_eq!(code, 0, "{out}\n{err}");
    assert_allowed(&err, For::Undo);
    assert_eq!(lb_logs(&moto, &w.alb_arn, "w-clb"), [old.clone(), old]);
}

fn of_status(plan: &Value, arn: &str) -> String {
    findings(plan, "4.10")
        .into_iter()
        .find(|f| f["resource"] == arn)
        .map(|f| f["status"].as_str().unwrap().to_string())
        .unwrap_or_default()
}

#[test]
fn a_private_rest_api_is_skipped_with_the_reason() {
    let moto = Moto::start();
    let id = rt().block_on(async {
        let cfg = common::sdk_config(&moto.url).await;
        let cfg = cfg.to_builder().region(Region::new(US)).build();
        let api = aws_sdk_apigateway::Client::new(&cfg);
        let made = api
            .create_rest_api()
            .name("private-one")
            .endpoint_configuration(
                aws_sdk_apigateway::types::EndpointConfiguration::builder()
                    .types(aws_sdk_apigateway::types::EndpointType::Private)
                    .build(),
            )
            .send()
            .await
            .unwrap();
        let id = made.id().unwrap().to_string();
        let root = api
            .get_resources()
            .rest_api_id(&id)
            .send()
            .await
            .unwrap()
            .items()[0]
            .id()
            .unwrap()
            .to_string();
        api.put_method()
            .rest_api_id(&id)
            .resource_id(&root)
            .http_method("GET")
            .authorization_type("NONE")
            .send()
            .await
            .unwrap();
        api.put_integration()
            .rest_api_id(&id)
            .resource_id(&root)
            .http_method("GET")
            .r#type(aws_sdk_apigateway::types::IntegrationType::Mock)
            .send()
            .await
            .unwrap();
        api.create_deployment()
            .rest_api_id(&id)
            .stage_name("internal")
            .send()
            .await
            .unwrap();
        id
    });
    let (code, plan, err) = plan_json(&moto, &SCOPE);
    assert_eq!(code, 0, "{err}");
    let f = findings(&plan, "4.10");
    assert_eq!(f.len(), 1, "{f:#?}");
    assert_eq!(f[0]["status"], "skipped");
    assert!(
        f[0]["resource"]
            .as_str()
            .unwrap()
            .ends_with(&format!("/restapis/{id}/stages/internal"))
    );
    assert!(
        f[0]["reason"]
            .as_str()
            .unwrap()
            .contains("public endpoints"),
        "{}",
        f[0]["reason"]
    );
}

/// A refusal that reads like IAM propagation ("role" in a
/// BadRequestException) when this run made or changed nothing the call
/// depends on: the account's role was cleared after the plan. The apply
/// fails at once with AWS's code and message instead of waiting out the
/// whole IAM-propagation budget.
#[test]
fn a_refusal_with_no_fresh_role_fails_at_once_with_aws_message() {
    let moto = Moto::start();
    seed(&moto);
    let logs = serde_json::json!({"Version": "2012-10-17", "Statement": [{"Effect": "Allow",
        "Action": ["logs:CreateLogGroup", "logs:CreateLogStream", "logs:DescribeLogGroups",
                   "logs:PutLogEvents"], "Resource": "*"}]});
    their_account_role(&moto, "their-apigw-role", Some(logs));
    let (code, _, err) = run(
        &moto,
        &[&["plan", "--out", "p.json"][..], &SCOPE[..]].concat(),
    );
    assert_eq!(code, 2, "{err}");
    // Someone clears the account's role after the plan was made.
    rt().block_on(async {
        let cfg = common::sdk_config(&moto.url).await;
        let cfg = cfg.to_builder().region(Region::new(US)).build();
        aws_sdk_apigateway::Client::new(&cfg)
            .update_account()
            .patch_operations(
                aws_sdk_apigateway::types::PatchOperation::builder()
                    .op(aws_sdk_apigateway::types::Op::Replace)
                    .path("/cloudwatchRoleArn")
                    .value("")
                    .build(),
            )
            .send()
            .await
            .unwrap();
    });
    // Through the binary the changed basis is refused before any write
    // (stale, or a fresh plan that would set the role again)...
    let (code, _, err) = run(&moto, &["apply", "--yes", "p.json"]);
    assert_eq!(code, 1, "{err}");
    assert!(
        err.contains("differs from what remediate plans") || err.contains("stale"),
        "{err}"
    );
    // ...so the saved actions go to the executor as they are, as a run
    // racing the change would send them.
    let saved = remediate::plan::file::read(&moto.dir().join("p.json")).unwrap();
    let started = std::time::Instant::now();
    let report = rt().block_on(async {
        let aws = common::product_aws(&moto.url, 5).await;
        let opts = remediate::execute::ExecOptions {
            concurrency: 4,
            journal_path: moto.dir().join("j.jsonl"),
            account_id: saved.plan.account_id.clone(),
            partition: saved.plan.partition.clone(),
            iam_propagation: std::time::Duration::from_secs(120),
            ..Default::default()
        };
        remediate::execute::execute(&aws, &saved.plan.actions, &opts, &|_| {})
            .await
            .unwrap()
    });
    let took = started.elapsed().as_secs();
    let failed: Vec<String> = report
        .results
        .iter()
        .filter_map(|r| match &r.outcome {
            remediate::execute::Outcome::Failed { code, message } => {
                Some(format!("{code}: {message}"))
            }
            _ => None,
        })
        .collect();
    let all = failed.join("\n");
    assert!(
        all.contains("BadRequestException")
            && all.contains("CloudWatch Logs role ARN must be set in account settings"),
        "{all}"
    );
    assert!(!all.contains("waiting for IAM to propagate"), "{all}");
    assert!(took < 30, "took {took} s: {all}");
}

/// GetStages of the v2 API is paginated: every stage of an HTTP API with
/// more stages than one page holds is found.
#[test]
fn every_stage_of_an_http_api_is_read_across_pages() {
    let moto = Moto::start();
    rt().block_on(async {
        let cfg = common::sdk_config(&moto.url).await;
        let cfg = cfg.to_builder().region(Region::new(US)).build();
        let v2 = aws_sdk_apigatewayv2::Client::new(&cfg);
        let api = v2
            .create_api()
            .name("many")
            .protocol_type(aws_sdk_apigatewayv2::types::ProtocolType::Http)
            .send()
            .await
            .unwrap()
            .api_id()
            .unwrap()
            .to_string();
        for i in 0..30 {
            v2.create_stage()
                .api_id(&api)
                .stage_name(format!("s{i}"))
                .send()
                .await
                .unwrap();
        }
    });
    let (code, plan, err) = plan_json(&moto, &SCOPE);
    assert_eq!(code, 2, "{err}");
    let stages = findings(&plan, "4.10")
        .into_iter()
        .filter(|f| f["resource"].as_str().unwrap().contains("/stages/"))
        .count();
    assert_eq!(stages, 30, "{err}");
}

/// A CreateDelivery AWS refuses leaves no delivery source or destination
/// the action made behind: both are removed, and the journal names them.
#[test]
fn a_failed_create_delivery_removes_the_source_and_destination_it_made() {
    let moto = Moto::start();
    let bucket = "cf-logs-notprincipal";
    let (dist_arn, report, journal) = rt().block_on(async {
        let cfg = common::sdk_config(&moto.url).await;
        let (_, dist_arn) = fixtures::distribution(&cfg, "d").await.unwrap();
        fixtures::create_bucket(&cfg, US, bucket).await.unwrap();
        // AWS cannot add its statement next to a NotPrincipal one.
        let deny = serde_json::json!({"Version": "2012-10-17", "Statement": [{"Sid": "DenyOthers",
            "Effect": "Deny", "NotPrincipal": {"AWS": "arn:aws:iam::123456789012:root"},
            "Action": "s3:DeleteObject", "Resource": format!("arn:aws:s3:::{bucket}/*")}]});
        fixtures::Clients::new(&cfg, US)
            .s3
            .put_bucket_policy()
            .bucket(bucket)
            .policy(deny.to_string())
            .send()
            .await
            .unwrap();
        let aws = common::product_aws(&moto.url, 2).await;
        let action: remediate::plan::Action = serde_json::from_value(serde_json::json!({
            "id": "create_log_delivery:us-east-1:d", "region": US, "target": dist_arn,
            "change": "create",
            "op": {"op": "create_log_delivery", "resource_arn": dist_arn, "log_type": "ACCESS_LOGS",
                   "source_name": "remediate-cloudfront-d", "destination_name": "cf-logs-notprincipal",
                   "destination_resource_arn": format!("arn:aws:s3:::{bucket}")},
            "before": null, "after": null, "fixes": [], "controls": [], "reason": "",
            "safety": "needs_review", "depends_on": [], "observed": []
        }))
        .unwrap();
        let journal = moto.dir().join("delivery.jsonl");
        let opts = remediate::execute::ExecOptions {
            journal_path: journal.clone(),
            account_id: "123456789012".into(),
            ..Default::default()
        };
        let report = remediate::execute::execute(&aws, &[action], &opts, &|_| {})
            .await
            .unwrap();
        (dist_arn, report, journal)
    });
    let _ = dist_arn;
    let remediate::execute::Outcome::Failed { code, message } = &report.results[0].outcome else {
        panic!("{:?}", report.results[0]);
    };
    assert_eq!(code, "AccessDeniedException", "{message}");
    assert!(
        message.contains("removed the delivery destination cf-logs-notprincipal and source remediate-cloudfront-d"),
        "{message}"
    );
    let (sources, destinations) = rt().block_on(async {
        let cfg = common::sdk_config(&moto.url).await;
        let cfg = cfg.to_builder().region(Region::new(US)).build();
        let logs = aws_sdk_cloudwatchlogs::Client::new(&cfg);
        (
            logs.describe_delivery_sources()
                .send()
                .await
                .unwrap()
                .delivery_sources()
                .len(),
            logs.describe_delivery_destinations()
                .send()
                .await
                .unwrap()
                .delivery_destinations()
                .len(),
        )
    });
    assert_eq!((sources, destinations), (0, 0));
    let text = std::fs::read_to_string(&journal).unwrap();
    assert!(
        text.contains("\"removed\"") && text.contains("remediate-cloudfront-d"),
        "{text}"
    );
}

/// `[web] rest_execution_logging` asks for REST execution logging (what
/// Prowler reads): apply turns it on at that level, undo turns it off.
#[test]
fn rest_execution_logging_asked_by_the_settings_is_applied_and_undone() {
    let moto = Moto::start();
    let w = seed(&moto);
    std::fs::write(
        moto.dir().join("remediate.toml"),
        "[web]\nrest_execution_logging = \"ERROR\"\n",
    )
    .unwrap();
    let level = |moto: &Moto| {
        rt().block_on(async {
            let cfg = common::sdk_config(&moto.url).await;
            let cfg = cfg.to_builder().region(Region::new(US)).build();
            aws_sdk_apigateway::Client::new(&cfg)
                .get_stage()
                .rest_api_id(&w.rest_api_id)
                .stage_name("prod")
                .send()
                .await
                .unwrap()
                .method_settings()
                .and_then(|m| m.get("*/*"))
                .and_then(|m| m.logging_level())
                .map(str::to_string)
        })
    };
    assert_ne!(level(&moto).as_deref(), Some("ERROR"));
    let (code, _, err) = run(
        &moto,
        &[
            &["apply", "--yes", "--journal", "j.jsonl", "--stats"][..],
            &SCOPE[..],
        ]
        .concat(),
    );
    assert_eq!(code, 0, "{err}");
    assert_allowed(&err, For::Apply);
    assert_eq!(level(&moto).as_deref(), Some("ERROR"));
    let (code, plan, err) = plan_json(&moto, &SCOPE);
    assert_eq!(code, 0, "{err}");
    assert!(
        findings(&plan, "4.10")
            .iter()
            .all(|f| f["status"] == "pass")
    );
    let (code, out, err) = run(&moto, &["undo", "--yes", "j.jsonl", "--stats"]);
    assert_eq!(code, 0, "{out}\n{err}");
    assert_allowed(&err, For::Undo);
    assert!(matches!(level(&moto).as_deref(), None | Some("OFF")));
}
