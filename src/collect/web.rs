//! Web front ends (CIS 7.0 4.10): load balancers, API Gateway stages and the
//! API Gateway account per region; CloudFront distributions and the
//! CloudWatch Logs delivery sources of their standard logging (v2) once,
//! from the partition's CloudFront region. Read only when a selected control
//! needs them (`CollectOptions::web`).

use std::collections::BTreeMap;

use super::Cx;
use crate::snapshot::{
    AccountRole, ApiAccount, ApiStage, DeliverySource, Distribution, ErrorKind, LoadBalancer,
    S3Target, Service,
};

/// What one region holds.
#[derive(Default)]
pub(super) struct RegionWeb {
    pub load_balancers: Vec<LoadBalancer>,
    pub stages: Vec<ApiStage>,
    pub account: Option<ApiAccount>,
}

pub(super) async fn read_region(cx: &Cx<'_>, region: &str) -> RegionWeb {
    let (load_balancers, rest, http, account) = tokio::join!(
        load_balancers(cx, region),
        rest_stages(cx, region),
        http_stages(cx, region),
        api_account(cx, region),
    );
    let mut stages = rest;
    stages.extend(http);
    RegionWeb {
        load_balancers,
        stages,
        account,
    }
}

async fn load_balancers(cx: &Cx<'_>, region: &str) -> Vec<LoadBalancer> {
    let client = cx.aws.elbv2(region);
    let mut lbs = Vec::new();
    let mut marker: Option<String> = None;
    loop {
        let Some(out) = cx
            .read(
                region,
                Service::Elbv2,
                "DescribeLoadBalancers",
                None,
                client
                    .describe_load_balancers()
                    .page_size(400)
                    .set_marker(marker.clone())
                    .send(),
            )
            .await
        else {
            break;
        };
        for lb in out.load_balancers() {
            let Some(arn) = lb.load_balancer_arn() else {
                continue;
            };
            lbs.push(LoadBalancer {
                region: region.to_string(),
                arn: arn.to_string(),
                name: lb.load_balancer_name().unwrap_or_default().to_string(),
                lb_type: lb
                    .r#type()
                    .map(|t| t.as_str().to_string())
                    .unwrap_or_default(),
                scheme: lb
                    .scheme()
                    .map(|s| s.as_str().to_string())
                    .unwrap_or_default(),
                access_logs: None,
                unread: false,
                listeners: None,
            });
        }
        match out.next_marker().filter(|t| !t.is_empty()) {
            Some(t) if Some(t) != marker.as_deref() => marker = Some(t.to_string()),
            _ => break,
        }
    }
    // Gateway Load Balancers have no access logs: nothing to read.
    let reads = lbs
        .iter_mut()
        .filter(|lb| lb.lb_type != "gateway")
        .map(|lb| {
            let client = &client;
            async move {
                match cx
                    .read(
                        region,
                        Service::Elbv2,
                        "DescribeLoadBalancerAttributes",
                        Some(&lb.name),
                        client
                            .describe_load_balancer_attributes()
                            .load_balancer_arn(&lb.arn)
                            .send(),
                    )
                    .await
                {
                    Some(out) => {
                        let (enabled, target) = elb_access_logs(out.attributes());
                        lb.access_logs = enabled.then_some(target);
                    }
                    None => lb.unread = true,
                }
            }
        });
    futures::future::join_all(reads).await;
    // A Network Load Balancer writes access logs for its TLS listeners
    // only: which it has decides whether 4.10 applies to it.
    let reads = lbs
        .iter_mut()
        .filter(|lb| lb.lb_type == "network")
        .map(|lb| {
            let client = &client;
            async move { lb.listeners = listener_protocols(cx, client, region, lb).await }
        });
    futures::future::join_all(reads).await;
    lbs.extend(classic_load_balancers(cx, region).await);
    lbs.sort_by(|a, b| a.arn.cmp(&b.arn));
    lbs
}

/// The protocols of a load balancer's listeners (paginated); `None` when
/// the read failed (recorded).
async fn listener_protocols(
    cx: &Cx<'_>,
    client: &aws_sdk_elasticloadbalancingv2::Client,
    region: &str,
    lb: &LoadBalancer,
) -> Option<Vec<String>> {
    let mut out = Vec::new();
    let mut marker: Option<String> = None;
    loop {
        let page = cx
            .read(
                region,
                Service::Elbv2,
                "DescribeListeners",
                Some(&lb.name),
                client
                    .describe_listeners()
                    .load_balancer_arn(&lb.arn)
                    .page_size(400)
                    .set_marker(marker.clone())
                    .send(),
            )
            .await?;
        out.extend(
            page.listeners()
                .iter()
                .filter_map(|l| l.protocol().map(|p| p.as_str().to_string())),
        );
        match page.next_marker().filter(|t| !t.is_empty()) {
            Some(t) if Some(t) != marker.as_deref() => marker = Some(t.to_string()),
            _ => break,
        }
    }
    out.sort();
    out.dedup();
    Some(out)
}

/// Classic Load Balancers (the `elasticloadbalancing` API) with their
/// `AccessLog` attribute, as [`LoadBalancer`]s of type `classic`.
async fn classic_load_balancers(cx: &Cx<'_>, region: &str) -> Vec<LoadBalancer> {
    let client = cx.aws.elb(region);
    let mut lbs = Vec::new();
    let mut marker: Option<String> = None;
    loop {
        let Some(out) = cx
            .read(
                region,
                Service::Elbv2,
                "DescribeLoadBalancers (Classic)",
                None,
                client
                    .describe_load_balancers()
                    .page_size(400)
                    .set_marker(marker.clone())
                    .send(),
            )
            .await
        else {
            break;
        };
        for lb in out.load_balancer_descriptions() {
            let Some(name) = lb.load_balancer_name() else {
                continue;
            };
            lbs.push(LoadBalancer {
                region: region.to_string(),
                arn: classic_arn(&cx.partition, region, &cx.account, name),
                name: name.to_string(),
                lb_type: "classic".into(),
                scheme: lb.scheme().unwrap_or_default().to_string(),
                access_logs: None,
                unread: false,
                listeners: None,
            });
        }
        match out.next_marker().filter(|t| !t.is_empty()) {
            Some(t) if Some(t) != marker.as_deref() => marker = Some(t.to_string()),
            _ => break,
        }
    }
    let reads = lbs.iter_mut().map(|lb| {
        let client = &client;
        async move {
            match cx
                .read(
                    region,
                    Service::Elbv2,
                    "DescribeLoadBalancerAttributes (Classic)",
                    Some(&lb.name),
                    client
                        .describe_load_balancer_attributes()
                        .load_balancer_name(&lb.name)
                        .send(),
                )
                .await
            {
                Some(out) => {
                    lb.access_logs = out
                        .load_balancer_attributes()
                        .and_then(|a| a.access_log())
                        .and_then(classic_access_log);
                }
                None => lb.unread = true,
            }
        }
    });
    futures::future::join_all(reads).await;
    lbs
}

/// A Classic Load Balancer's ARN (the API names them by name only).
/// https://docs.aws.amazon.com/service-authorization/latest/reference/list_awselasticloadbalancing.html#awselasticloadbalancing-resources-for-iam-policies
pub fn classic_arn(partition: &str, region: &str, account: &str, name: &str) -> String {
    format!("arn:{partition}:elasticloadbalancing:{region}:{account}:loadbalancer/{name}")
}

/// A Classic Load Balancer's `AccessLog`, when enabled.
pub fn classic_access_log(a: &aws_sdk_elasticloadbalancing::types::AccessLog) -> Option<S3Target> {
    a.enabled().then(|| S3Target {
        bucket: a.s3_bucket_name().unwrap_or_default().to_string(),
        prefix: a.s3_bucket_prefix().unwrap_or_default().to_string(),
    })
}

async fn rest_stages(cx: &Cx<'_>, region: &str) -> Vec<ApiStage> {
    let client = cx.aws.apigateway(region);
    let mut apis: Vec<Api> = Vec::new();
    let mut position: Option<String> = None;
    loop {
        let Some(out) = cx
            .read(
                region,
                Service::Apigateway,
                "GetRestApis",
                None,
                client
                    .get_rest_apis()
                    .limit(500)
                    .set_position(position.clone())
                    .send(),
            )
            .await
        else {
            break;
        };
        apis.extend(out.items().iter().filter_map(|a| {
            let types = a
                .endpoint_configuration()
                .map(|e| e.types())
                .unwrap_or_default();
            let private = !types.is_empty()
                && types
                    .iter()
                    .all(|t| *t == aws_sdk_apigateway::types::EndpointType::Private);
            Some(Api {
                id: a.id()?.to_string(),
                name: a.name().unwrap_or_default().to_string(),
                protocol: "REST".into(),
                private,
            })
        }));
        match out.position().filter(|t| !t.is_empty()) {
            Some(t) if Some(t) != position.as_deref() => position = Some(t.to_string()),
            _ => break,
        }
    }
    stages_of(&apis, |api| {
        let client = &client;
        async move {
            let out = cx
                .read(
                    region,
                    Service::Apigateway,
                    "GetStages",
                    Some(&api.id),
                    client.get_stages().rest_api_id(&api.id).send(),
                )
                .await?;
            Some(
                out.item()
                    .iter()
                    .filter_map(|s| {
                        let logs = s.access_log_settings();
                        let mut st = api.stage(
                            region,
                            s.stage_name()?,
                            logs.and_then(|l| l.destination_arn()),
                            logs.and_then(|l| l.format()),
                        );
                        st.execution_logging = s
                            .method_settings()
                            .and_then(|m| m.get("*/*"))
                            .and_then(|m| m.logging_level())
                            .filter(|l| !l.is_empty())
                            .map(str::to_string);
                        Some(st)
                    })
                    .collect(),
            )
        }
    })
    .await
}

async fn http_stages(cx: &Cx<'_>, region: &str) -> Vec<ApiStage> {
    let client = cx.aws.apigatewayv2(region);
    let mut apis: Vec<Api> = Vec::new();
    let mut token: Option<String> = None;
    loop {
        let Some(out) = cx
            .read(
                region,
                Service::Apigateway,
                "GetApis",
                None,
                client.get_apis().set_next_token(token.clone()).send(),
            )
            .await
        else {
            break;
        };
        apis.extend(out.items().iter().filter_map(|a| {
            Some(Api {
                id: a.api_id()?.to_string(),
                name: a.name().unwrap_or_default().to_string(),
                protocol: a
                    .protocol_type()
                    .map(|p| p.as_str().to_string())
                    .unwrap_or_else(|| "HTTP".into()),
                private: false,
            })
        }));
        match out.next_token().filter(|t| !t.is_empty()) {
            Some(t) if Some(t) != token.as_deref() => token = Some(t.to_string()),
            _ => break,
        }
    }
    stages_of(&apis, |api| {
        let client = &client;
        async move {
            // GetStages is paginated (nextToken), unlike REST's.
            let mut stages = Vec::new();
            let mut token: Option<String> = None;
            loop {
                let out = cx
                    .read(
                        region,
                        Service::Apigateway,
                        "GetStages",
                        Some(&api.id),
                        client
                            .get_stages()
                            .api_id(&api.id)
                            .set_next_token(token.clone())
                            .send(),
                    )
                    .await?;
                stages.extend(out.items().iter().filter_map(|s| {
                    let logs = s.access_log_settings();
                    Some(api.stage(
                        region,
                        s.stage_name()?,
                        logs.and_then(|l| l.destination_arn()),
                        logs.and_then(|l| l.format()),
                    ))
                }));
                match out.next_token().filter(|t| !t.is_empty()) {
                    Some(t) if Some(t) != token.as_deref() => token = Some(t.to_string()),
                    _ => break,
                }
            }
            Some(stages)
        }
    })
    .await
}

/// An API as listed (REST, or HTTP / WebSocket).
struct Api {
    id: String,
    name: String,
    protocol: String,
    private: bool,
}

impl Api {
    fn stage(
        &self,
        region: &str,
        stage_name: &str,
        destination: Option<&str>,
        format: Option<&str>,
    ) -> ApiStage {
        ApiStage {
            region: region.to_string(),
            api_id: self.id.clone(),
            api_name: self.name.clone(),
            stage_name: stage_name.to_string(),
            protocol: self.protocol.clone(),
            access_log_destination: nonempty(destination),
            access_log_format: nonempty(format),
            private: self.private,
            execution_logging: None,
        }
    }
}

/// Every API's stages, read concurrently (`read` gives `None` when the
/// call failed, recorded).
async fn stages_of<'a, F, Fut>(apis: &'a [Api], read: F) -> Vec<ApiStage>
where
    F: Fn(&'a Api) -> Fut,
    Fut: std::future::Future<Output = Option<Vec<ApiStage>>>,
{
    futures::future::join_all(apis.iter().map(read))
        .await
        .into_iter()
        .flatten()
        .flatten()
        .collect()
}

async fn api_account(cx: &Cx<'_>, region: &str) -> Option<ApiAccount> {
    let out = cx
        .read(
            region,
            Service::Apigateway,
            "GetAccount",
            None,
            cx.aws.apigateway(region).get_account().send(),
        )
        .await?;
    Some(ApiAccount {
        cloudwatch_role_arn: nonempty(out.cloudwatch_role_arn()),
    })
}

/// CloudFront distributions with their legacy logging setting, and the
/// delivery sources (standard logging v2) of the CloudFront region.
pub(super) async fn read_global(
    cx: &Cx<'_>,
    partition: &str,
) -> (
    BTreeMap<String, Distribution>,
    BTreeMap<String, DeliverySource>,
) {
    // AWS GovCloud (US) has no CloudFront: nothing to read there.
    // https://docs.aws.amazon.com/govcloud-us/latest/UserGuide/using-services.html
    if !crate::regions::has_cloudfront(partition) {
        return (BTreeMap::new(), BTreeMap::new());
    }
    let region = crate::regions::cloudfront_region(partition);
    let (dists, sources) = tokio::join!(distributions(cx, region), delivery_sources(cx, region));
    (dists, sources)
}

async fn distributions(cx: &Cx<'_>, region: &str) -> BTreeMap<String, Distribution> {
    let client = cx.aws.cloudfront(region);
    let mut dists = Vec::new();
    let mut marker: Option<String> = None;
    loop {
        let Some(out) = cx
            .read(
                "*",
                Service::Cloudfront,
                "ListDistributions",
                None,
                client
                    .list_distributions()
                    .max_items(100)
                    .set_marker(marker.clone())
                    .send(),
            )
            .await
        else {
            break;
        };
        let Some(list) = out.distribution_list() else {
            break;
        };
        for d in list.items() {
            dists.push(Distribution {
                id: d.id().to_string(),
                arn: d.arn().to_string(),
                domain_name: d.domain_name().to_string(),
                legacy_logging: None,
                unread: false,
            });
        }
        match list.next_marker().filter(|t| !t.is_empty()) {
            Some(t) if list.is_truncated() && Some(t) != marker.as_deref() => {
                marker = Some(t.to_string())
            }
            _ => break,
        }
    }
    // The list's summaries do not hold the logging setting.
    let reads = dists.iter_mut().map(|d| {
        let client = &client;
        async move {
            match cx
                .read(
                    "*",
                    Service::Cloudfront,
                    "GetDistributionConfig",
                    Some(&d.id),
                    client.get_distribution_config().id(&d.id).send(),
                )
                .await
            {
                Some(out) => {
                    d.legacy_logging = out
                        .distribution_config()
                        .and_then(|c| c.logging())
                        .filter(|l| l.enabled() && !l.bucket().is_empty())
                        .map(|l| S3Target {
                            bucket: l.bucket().to_string(),
                            prefix: l.prefix().to_string(),
                        });
                }
                None => d.unread = true,
            }
        }
    });
    futures::future::join_all(reads).await;
    dists.into_iter().map(|d| (d.arn.clone(), d)).collect()
}

async fn delivery_sources(cx: &Cx<'_>, region: &str) -> BTreeMap<String, DeliverySource> {
    let client = cx.aws.logs(region);
    let mut sources = BTreeMap::new();
    let mut token: Option<String> = None;
    loop {
        let Some(out) = cx
            .read(
                region,
                Service::Logs,
                "DescribeDeliverySources",
                None,
                client
                    .describe_delivery_sources()
                    .set_next_token(token.clone())
                    .send(),
            )
            .await
        else {
            return sources;
        };
        for s in out.delivery_sources() {
            let Some(name) = s.name() else { continue };
            sources.insert(
                name.to_string(),
                DeliverySource {
                    name: name.to_string(),
                    resource_arns: s.resource_arns().to_vec(),
                    log_type: s.log_type().unwrap_or_default().to_string(),
                    destinations: vec![],
                },
            );
        }
        match out.next_token().filter(|t| !t.is_empty()) {
            Some(t) if Some(t) != token.as_deref() => token = Some(t.to_string()),
            _ => break,
        }
    }
    if sources.is_empty() {
        return sources;
    }
    let mut token: Option<String> = None;
    loop {
        let Some(out) = cx
            .read(
                region,
                Service::Logs,
                "DescribeDeliveries",
                None,
                client
                    .describe_deliveries()
                    .set_next_token(token.clone())
                    .send(),
            )
            .await
        else {
            break;
        };
        for d in out.deliveries() {
            if let (Some(src), Some(dest)) =
                (d.delivery_source_name(), d.delivery_destination_arn())
                && let Some(s) = sources.get_mut(src)
            {
                s.destinations.push(dest.to_string());
            }
        }
        match out.next_token().filter(|t| !t.is_empty()) {
            Some(t) if Some(t) != token.as_deref() => token = Some(t.to_string()),
            _ => break,
        }
    }
    for s in sources.values_mut() {
        s.destinations.sort();
        s.destinations.dedup();
    }
    sources
}

/// The `access_logs.s3.*` attributes of a load balancer: on, and where to.
pub fn elb_access_logs(
    attrs: &[aws_sdk_elasticloadbalancingv2::types::LoadBalancerAttribute],
) -> (bool, S3Target) {
    let attr = |k: &str| {
        attrs
            .iter()
            .find(|a| a.key() == Some(k))
            .and_then(|a| a.value())
            .unwrap_or_default()
            .to_string()
    };
    (
        attr("access_logs.s3.enabled") == "true",
        S3Target {
            bucket: attr("access_logs.s3.bucket"),
            prefix: attr("access_logs.s3.prefix"),
        },
    )
}

fn nonempty(s: Option<&str>) -> Option<String> {
    s.filter(|s| !s.is_empty()).map(str::to_string)
}

/// The roles API Gateway's accounts name (`cloudwatchRoleArn`), read once
/// each, by ARN: whether it exists, what it trusts, its inline and attached
/// managed policies. Roles of another account are not read. A role whose
/// reads failed is left out (recorded): it is not judged.
pub(super) async fn read_account_roles(
    cx: &Cx<'_>,
    home: &str,
    web: Option<&crate::snapshot::Web>,
) -> BTreeMap<String, AccountRole> {
    let Some(web) = web else {
        return BTreeMap::new();
    };
    let own = format!(":iam::{}:role/", cx.account);
    let mut arns: Vec<&String> = web
        .api_accounts
        .values()
        .filter_map(|a| a.cloudwatch_role_arn.as_ref())
        .filter(|a| a.contains(&own))
        .collect();
    arns.sort();
    arns.dedup();
    let client = cx.aws.iam(home);
    let reads = arns.into_iter().map(|arn| {
        let client = &client;
        async move { Some((arn.clone(), account_role(cx, client, arn).await?)) }
    });
    futures::future::join_all(reads)
        .await
        .into_iter()
        .flatten()
        .collect()
}

async fn account_role(cx: &Cx<'_>, client: &aws_sdk_iam::Client, arn: &str) -> Option<AccountRole> {
    // A role's name is the last part of its ARN (after any path).
    let name = arn.rsplit('/').next().unwrap_or(arn);
    let resource = format!("role {name}");
    let out = match cx.call(client.get_role().role_name(name).send()).await {
        Ok(o) => o,
        Err(e) if e.is("NoSuchEntity") || e.kind == ErrorKind::NotFound => {
            return Some(AccountRole::default());
        }
        Err(e) => {
            cx.record("*", Service::Iam, "GetRole", Some(&resource), &e);
            return None;
        }
    };
    let mut role = AccountRole {
        exists: true,
        trust_policy: out
            .role()
            .and_then(|r| r.assume_role_policy_document())
            .and_then(|d| crate::policy::parse(d).ok()),
        policies: BTreeMap::new(),
    };
    let inline = cx
        .read(
            "*",
            Service::Iam,
            "ListRolePolicies",
            Some(&resource),
            client
                .list_role_policies()
                .role_name(name)
                .max_items(1000)
                .send(),
        )
        .await?;
    for p in inline.policy_names() {
        let out = cx
            .read(
                "*",
                Service::Iam,
                "GetRolePolicy",
                Some(&resource),
                client
                    .get_role_policy()
                    .role_name(name)
                    .policy_name(p)
                    .send(),
            )
            .await?;
        if let Ok(doc) = crate::policy::parse(out.policy_document()) {
            role.policies.insert(p.clone(), doc);
        }
    }
    let attached = cx
        .read(
            "*",
            Service::Iam,
            "ListAttachedRolePolicies",
            Some(&resource),
            client
                .list_attached_role_policies()
                .role_name(name)
                .max_items(1000)
                .send(),
        )
        .await?;
    for p in attached.attached_policies() {
        let Some(policy_arn) = p.policy_arn() else {
            continue;
        };
        let policy = cx
            .read(
                "*",
                Service::Iam,
                "GetPolicy",
                Some(policy_arn),
                client.get_policy().policy_arn(policy_arn).send(),
            )
            .await?;
        let Some(version) = policy.policy().and_then(|p| p.default_version_id()) else {
            continue;
        };
        let out = cx
            .read(
                "*",
                Service::Iam,
                "GetPolicyVersion",
                Some(policy_arn),
                client
                    .get_policy_version()
                    .policy_arn(policy_arn)
                    .version_id(version)
                    .send(),
            )
            .await?;
        if let Some(doc) = out
            .policy_version()
            .and_then(|v| v.document())
            .and_then(|d| crate::policy::parse(d).ok())
        {
            role.policies.insert(policy_arn.to_string(), doc);
        }
    }
    Some(role)
}
