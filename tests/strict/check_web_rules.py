"""Exercise the strict emulator's rules for CIS 4.10 (web front-end access logs).

    python3 tests/strict/check_web_rules.py

Starts `strict_moto.py` (strict, then lenient) on 127.0.0.1 on a free port,
drives it with boto3, prints PASS/FAIL per case and exits non-zero on any
failure. Each rule has a refused case and an accepted case.
"""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Callable
from pathlib import Path
from typing import Any

import boto3
from botocore.config import Config
from botocore.exceptions import ClientError

HERE = Path(__file__).resolve().parent
ACCOUNT = "123456789012"
FAILURES: list[str] = []


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Server:
    def __init__(self, lenient: bool = False):
        self.port = free_port()
        args = [sys.executable, str(HERE / "strict_moto.py"), "-H", "127.0.0.1", "-p", str(self.port)]
        if lenient:
            args.append("--lenient")
        self.proc = subprocess.Popen(args, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
        self.url = f"http://127.0.0.1:{self.port}"
        deadline = time.time() + 30
        while time.time() < deadline:
            if self.proc.poll() is not None:
                raise SystemExit(f"server exited: {self.proc.stderr.read().decode() if self.proc.stderr else ''}")
            try:
                urllib.request.urlopen(self.url + "/moto-api/", timeout=1)
                return
            except Exception:
                time.sleep(0.2)
        raise SystemExit("server did not start")

    def client(self, service: str, region: str = "us-east-1") -> Any:
        return boto3.client(
            service,
            region_name=region,
            endpoint_url=self.url,
            aws_access_key_id="testing",
            aws_secret_access_key="testing",
            config=Config(retries={"max_attempts": 1}),
        )

    def stop(self) -> None:
        self.proc.terminate()
        try:
            self.proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.proc.kill()


def report(name: str, ok: bool, detail: str = "") -> None:
    print(f"{'PASS' if ok else 'FAIL'}  {name}{'  -- ' + detail if detail and not ok else ''}")
    if not ok:
        FAILURES.append(name)


def refused(name: str, call: Callable[[], Any], code: str, status: int = 400, message: str | None = None) -> None:
    try:
        call()
    except ClientError as err:
        got_code = err.response["Error"]["Code"]
        got_status = err.response["ResponseMetadata"]["HTTPStatusCode"]
        got_message = err.response["Error"].get("Message", "")
        ok = got_code == code and got_status == status and (message is None or got_message == message)
        report(f"refused: {name}", ok, f"got {got_code} {got_status} {got_message!r}")
        return
    report(f"refused: {name}", False, "call was accepted")


def accepted(name: str, call: Callable[[], Any], check: Callable[[Any], bool] | None = None) -> Any:
    try:
        result = call()
    except ClientError as err:
        report(f"accepted: {name}", False, f"{err.response['Error']['Code']}: {err.response['Error'].get('Message')}")
        return None
    ok = True if check is None else bool(check(result))
    report(f"accepted: {name}", ok, f"check failed on {result!r}"[:400])
    return result


def policy(*stmts: dict[str, Any]) -> str:
    return json.dumps({"Version": "2012-10-17", "Statement": list(stmts)})


def bucket(s3: Any, name: str, region: str, doc: str | None = None) -> None:
    if region == "us-east-1":
        s3.create_bucket(Bucket=name)
    else:
        s3.create_bucket(Bucket=name, CreateBucketConfiguration={"LocationConstraint": region})
    if doc:
        s3.put_bucket_policy(Bucket=name, Policy=doc)


# ---------------------------------------------------------------------------


def check_elb(srv: Server) -> None:
    ec2 = srv.client("ec2")
    elb = srv.client("elbv2")
    s3 = srv.client("s3")
    vpc = ec2.create_vpc(CidrBlock="10.0.0.0/16")["Vpc"]["VpcId"]
    subnets = [
        ec2.create_subnet(VpcId=vpc, CidrBlock=f"10.0.{i}.0/24", AvailabilityZone=az)["Subnet"]["SubnetId"]
        for i, az in enumerate(["us-east-1a", "us-east-1b"])
    ]
    alb = elb.create_load_balancer(Name="alb", Subnets=subnets, Type="application")["LoadBalancers"][0]["LoadBalancerArn"]
    nlb = elb.create_load_balancer(Name="nlb", Subnets=subnets, Type="network")["LoadBalancers"][0]["LoadBalancerArn"]

    def enable(arn: str, name: str, prefix: str | None = None) -> Callable[[], Any]:
        attrs = [
            {"Key": "access_logs.s3.enabled", "Value": "true"},
            {"Key": "access_logs.s3.bucket", "Value": name},
        ]
        if prefix is not None:
            attrs.append({"Key": "access_logs.s3.prefix", "Value": prefix})
        return lambda: elb.modify_load_balancer_attributes(LoadBalancerArn=arn, Attributes=attrs)

    def denied(name: str) -> str:
        return f"Access Denied for bucket: {name}. Please check S3bucket permission"

    def alb_stmt(name: str, prefix: str = "", principal: dict[str, Any] | None = None) -> dict[str, Any]:
        # us-east-1 has an ELB account (127311923021): only it is admitted.
        return {
            "Effect": "Allow",
            "Principal": principal or {"AWS": "arn:aws:iam::127311923021:root"},
            "Action": "s3:PutObject",
            "Resource": f"arn:aws:s3:::{name}/{prefix}AWSLogs/{ACCOUNT}/*",
        }

    bucket(s3, "alb-nopolicy", "us-east-1")
    refused("ELB ALB: bucket policy missing", enable(alb, "alb-nopolicy"), "InvalidConfigurationRequest", 400, denied("alb-nopolicy"))
    refused("ELB ALB: bucket does not exist", enable(alb, "alb-missing"), "InvalidConfigurationRequest", 400, denied("alb-missing"))
    bucket(s3, "alb-eu", "eu-west-1", policy(alb_stmt("alb-eu")))
    refused("ELB ALB: bucket in another Region", enable(alb, "alb-eu"), "InvalidConfigurationRequest", 400, denied("alb-eu"))
    bucket(s3, "alb-good", "us-east-1", policy(alb_stmt("alb-good", "lb/")))
    refused("ELB ALB: policy for another prefix", enable(alb, "alb-good", "other"), "InvalidConfigurationRequest", 400, denied("alb-good"))
    refused("ELB: prefix containing AWSLogs", enable(alb, "alb-good", "lb/AWSLogs"), "ValidationError", 400)
    service = {"Service": "logdelivery.elasticloadbalancing.amazonaws.com"}
    bucket(s3, "alb-service", "us-east-1", policy(alb_stmt("alb-service", "", service)))
    refused("ELB ALB: service principal in a Region with an ELB account", enable(alb, "alb-service", ""),
            "InvalidConfigurationRequest", 400, denied("alb-service"))
    accepted(
        "ELB ALB: the Region's ELB account policy, prefix lb",
        enable(alb, "alb-good", "lb"),
        lambda r: {a["Key"]: a["Value"] for a in r["Attributes"]}.get("access_logs.s3.enabled") == "true",
    )
    legacy = {
        "Effect": "Allow",
        "Principal": {"AWS": "arn:aws:iam::127311923021:root"},
        "Action": "s3:PutObject",
        "Resource": f"arn:aws:s3:::alb-legacy/AWSLogs/{ACCOUNT}/*",
    }
    bucket(s3, "alb-legacy", "us-east-1", policy(legacy))
    # The prefix is an attribute like the others: "" replaces the earlier "lb".
    accepted("ELB ALB: legacy ELB-account policy (us-east-1 127311923021)", enable(alb, "alb-legacy", ""))
    wrong_account = dict(legacy, Principal={"AWS": "arn:aws:iam::797873946194:root"},
                         Resource=f"arn:aws:s3:::alb-legacy-wrong/AWSLogs/{ACCOUNT}/*")
    bucket(s3, "alb-legacy-wrong", "us-east-1", policy(wrong_account))
    refused("ELB ALB: legacy policy naming another Region's ELB account", enable(alb, "alb-legacy-wrong", ""),
            "InvalidConfigurationRequest", 400, denied("alb-legacy-wrong"))
    bucket(s3, "alb-kms", "us-east-1", policy(alb_stmt("alb-kms")))
    s3.put_bucket_encryption(
        Bucket="alb-kms",
        ServerSideEncryptionConfiguration={"Rules": [{"ApplyServerSideEncryptionByDefault": {"SSEAlgorithm": "aws:kms"}}]},
    )
    refused("ELB ALB: bucket default encryption SSE-KMS", enable(alb, "alb-kms", ""), "InvalidConfigurationRequest", 400, denied("alb-kms"))
    accepted(
        "ELB ALB: disabling needs no bucket",
        lambda: elb.modify_load_balancer_attributes(
            LoadBalancerArn=alb, Attributes=[{"Key": "access_logs.s3.enabled", "Value": "false"}]
        ),
    )

    # A Region without an ELB account: the service principal.
    region = "eu-central-2"
    ec2_z = srv.client("ec2", region)
    elb_z = srv.client("elbv2", region)
    s3_z = srv.client("s3", region)
    vpc_z = ec2_z.create_vpc(CidrBlock="10.2.0.0/16")["Vpc"]["VpcId"]
    azs = [z["ZoneName"] for z in ec2_z.describe_availability_zones()["AvailabilityZones"]][:2]
    subnets_z = [ec2_z.create_subnet(VpcId=vpc_z, CidrBlock=f"10.2.{i}.0/24", AvailabilityZone=az)["Subnet"]["SubnetId"]
                 for i, az in enumerate(azs)]
    alb_z = elb_z.create_load_balancer(Name="alb-z", Subnets=subnets_z, Type="application")["LoadBalancers"][0]["LoadBalancerArn"]
    bucket(s3_z, "alb-zurich", region, policy(alb_stmt("alb-zurich", "", service)))
    accepted("ELB ALB: service principal in a Region without an ELB account (eu-central-2)",
             lambda: elb_z.modify_load_balancer_attributes(LoadBalancerArn=alb_z, Attributes=[
                 {"Key": "access_logs.s3.enabled", "Value": "true"}, {"Key": "access_logs.s3.bucket", "Value": "alb-zurich"}]))
    bucket(s3_z, "alb-zurich-legacy", region, policy(alb_stmt("alb-zurich-legacy")))
    refused("ELB ALB: an ELB account policy in a Region without one (eu-central-2)",
            lambda: elb_z.modify_load_balancer_attributes(LoadBalancerArn=alb_z, Attributes=[
                {"Key": "access_logs.s3.enabled", "Value": "true"}, {"Key": "access_logs.s3.bucket", "Value": "alb-zurich-legacy"}]),
            "InvalidConfigurationRequest", 400, denied("alb-zurich-legacy"))

    # Classic Load Balancers: the ALB rules, through the AccessLog attribute.
    clb_api = srv.client("elb")
    clb_api.create_load_balancer(LoadBalancerName="clb", AvailabilityZones=["us-east-1a"],
                                 Listeners=[{"Protocol": "HTTP", "LoadBalancerPort": 80, "InstancePort": 80}])

    def clb_enable(name: str) -> Callable[[], Any]:
        return lambda: clb_api.modify_load_balancer_attributes(
            LoadBalancerName="clb",
            LoadBalancerAttributes={"AccessLog": {"Enabled": True, "S3BucketName": name, "S3BucketPrefix": "", "EmitInterval": 60}})

    # The Classic API answers InvalidConfigurationRequest with HTTP 409
    # (https://docs.aws.amazon.com/elasticloadbalancing/2012-06-01/APIReference/API_ModifyLoadBalancerAttributes.html).
    refused("ELB Classic: bucket policy missing", clb_enable("alb-nopolicy"), "InvalidConfigurationRequest", 409, denied("alb-nopolicy"))
    refused("ELB Classic: service principal in a Region with an ELB account", clb_enable("alb-service"),
            "InvalidConfigurationRequest", 409, denied("alb-service"))
    accepted("ELB Classic: the Region's ELB account policy", clb_enable("alb-legacy"))

    bucket(s3, "nlb-albpolicy", "us-east-1", policy(alb_stmt("nlb-albpolicy")))
    refused("ELB NLB: ALB-style policy only", enable(nlb, "nlb-albpolicy"), "InvalidConfigurationRequest", 400, denied("nlb-albpolicy"))
    nlb_stmt = {
        "Sid": "AWSLogDeliveryWrite",
        "Effect": "Allow",
        "Principal": {"Service": "delivery.logs.amazonaws.com"},
        "Action": "s3:PutObject",
        "Resource": f"arn:aws:s3:::nlb-good/AWSLogs/{ACCOUNT}/*",
        "Condition": {
            "StringEquals": {"s3:x-amz-acl": "bucket-owner-full-control", "aws:SourceAccount": [ACCOUNT]},
            "ArnLike": {"aws:SourceArn": [f"arn:aws:logs:us-east-1:{ACCOUNT}:*"]},
        },
    }
    bucket(s3, "nlb-good", "us-east-1", policy(nlb_stmt))
    accepted("ELB NLB: delivery.logs.amazonaws.com policy", enable(nlb, "nlb-good"))
    s3.delete_bucket_policy(Bucket="nlb-good")
    accepted(
        "ELB: another attribute, access-log bucket not rechecked",
        lambda: elb.modify_load_balancer_attributes(
            LoadBalancerArn=nlb, Attributes=[{"Key": "deletion_protection.enabled", "Value": "false"}]
        ),
    )
    refused("ELB NLB: re-enabling after the policy was removed", enable(nlb, "nlb-good"),
            "InvalidConfigurationRequest", 400, denied("nlb-good"))
    other = dict(nlb_stmt, Resource="arn:aws:s3:::nlb-otheracct/AWSLogs/*",
                 Condition={"StringEquals": {"aws:SourceAccount": ["111111111111"]}})
    bucket(s3, "nlb-otheracct", "us-east-1", policy(other))
    refused("ELB NLB: aws:SourceAccount of another account", enable(nlb, "nlb-otheracct"), "InvalidConfigurationRequest", 400)


def check_apigateway(srv: Server) -> None:
    agw = srv.client("apigateway")
    iam = srv.client("iam")
    logs = srv.client("logs")
    api = agw.create_rest_api(name="api")["id"]
    root = agw.get_resources(restApiId=api)["items"][0]["id"]
    agw.put_method(restApiId=api, resourceId=root, httpMethod="GET", authorizationType="NONE")
    agw.put_integration(restApiId=api, resourceId=root, httpMethod="GET", type="MOCK")
    agw.create_deployment(restApiId=api, stageName="prod")
    logs.create_log_group(logGroupName="api-access")
    group = f"arn:aws:logs:us-east-1:{ACCOUNT}:log-group:api-access"

    def set_dest(dest: str, stage: str = "prod") -> Callable[[], Any]:
        return lambda: agw.update_stage(
            restApiId=api,
            stageName=stage,
            patchOperations=[
                {"op": "replace", "path": "/accessLogSettings/destinationArn", "value": dest},
                {"op": "replace", "path": "/accessLogSettings/format", "value": "$context.requestId"},
            ],
        )

    refused(
        "APIGW UpdateStage: no CloudWatch role in account settings",
        set_dest(group),
        "BadRequestException",
        400,
        "CloudWatch Logs role ARN must be set in account settings to enable logging",
    )

    refused(
        "APIGW UpdateStage: execution logging without a CloudWatch role in account settings",
        lambda: agw.update_stage(restApiId=api, stageName="prod",
                                 patchOperations=[{"op": "replace", "path": "/*/*/logging/loglevel", "value": "ERROR"}]),
        "BadRequestException",
        400,
        "CloudWatch Logs role ARN must be set in account settings to enable logging",
    )

    def set_role(arn: str) -> Callable[[], Any]:
        return lambda: agw.update_account(patchOperations=[{"op": "replace", "path": "/cloudwatchRoleArn", "value": arn}])

    role_message = (
        "The role ARN does not have required permissions configured. "
        "Please grant trust permission for API Gateway and add the required role policy."
    )
    refused("APIGW UpdateAccount: role does not exist", set_role(f"arn:aws:iam::{ACCOUNT}:role/nope"), "BadRequestException", 400, role_message)
    trust = lambda svc: json.dumps(  # noqa: E731
        {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Principal": {"Service": svc}, "Action": "sts:AssumeRole"}]}
    )
    wrong = iam.create_role(RoleName="ec2-role", AssumeRolePolicyDocument=trust("ec2.amazonaws.com"))["Role"]["Arn"]
    refused("APIGW UpdateAccount: role not trusting apigateway", set_role(wrong), "BadRequestException", 400, role_message)
    good = iam.create_role(RoleName="apigw-cw", AssumeRolePolicyDocument=trust("apigateway.amazonaws.com"))["Role"]["Arn"]
    accepted("APIGW UpdateAccount: role trusting apigateway", set_role(good), lambda r: r.get("cloudwatchRoleArn") == good)

    refused("APIGW UpdateStage: destination with trailing :*", set_dest(group + ":*"), "BadRequestException", 400,
            "Invalid ARN specified in the request")
    refused("APIGW UpdateStage: destination in another Region",
            set_dest(f"arn:aws:logs:eu-west-1:{ACCOUNT}:log-group:api-access"), "BadRequestException", 400,
            "Invalid ARN specified in the request")
    refused("APIGW UpdateStage: destination not a log group", set_dest("arn:aws:s3:::bucket"), "BadRequestException", 400,
            "Invalid ARN specified in the request")
    refused("APIGW UpdateStage: log group does not exist",
            set_dest(f"arn:aws:logs:us-east-1:{ACCOUNT}:log-group:missing"), "BadRequestException", 400)
    refused("APIGW UpdateStage: stage does not exist", set_dest(group, "nostage"), "NotFoundException", 404,
            "Invalid stage identifier specified")
    accepted("APIGW UpdateStage: execution logging ERROR, role set",
             lambda: agw.update_stage(restApiId=api, stageName="prod",
                                      patchOperations=[{"op": "replace", "path": "/*/*/logging/loglevel", "value": "ERROR"}]),
             lambda r: r.get("methodSettings", {}).get("*/*", {}).get("loggingLevel") == "ERROR")
    accepted("APIGW UpdateStage: log group of the Region, role set", set_dest(group),
             lambda r: r.get("accessLogSettings", {}).get("destinationArn") == group)
    accepted(
        "APIGW UpdateStage: remove /accessLogSettings (undo)",
        lambda: agw.update_stage(restApiId=api, stageName="prod", patchOperations=[{"op": "remove", "path": "/accessLogSettings"}]),
        lambda r: not r.get("accessLogSettings"),
    )
    accepted(
        "APIGW GetStage after remove: no accessLogSettings",
        lambda: agw.get_stage(restApiId=api, stageName="prod"),
        lambda r: not r.get("accessLogSettings"),
    )
    accepted("APIGW UpdateAccount: replace /cloudwatchRoleArn with empty value", set_role(""),
             lambda r: not r.get("cloudwatchRoleArn"))
    accepted("APIGW GetAccount after clearing: no cloudwatchRoleArn", lambda: agw.get_account(),
             lambda r: not r.get("cloudwatchRoleArn"))


def check_apigatewayv2(srv: Server) -> None:
    region = "us-west-2"  # no API Gateway account role set here
    v2 = srv.client("apigatewayv2", region)
    logs = srv.client("logs", region)
    logs.create_log_group(logGroupName="http-access")
    group = f"arn:aws:logs:{region}:{ACCOUNT}:log-group:http-access"
    http = v2.create_api(Name="http", ProtocolType="HTTP")["ApiId"]
    v2.create_stage(ApiId=http, StageName="prod")

    def set_dest(api: str, dest: str) -> Callable[[], Any]:
        return lambda: v2.update_stage(
            ApiId=api, StageName="prod", AccessLogSettings={"DestinationArn": dest, "Format": "$context.requestId"}
        )

    refused("APIGWv2 UpdateStage: destination not a log group ARN", set_dest(http, "arn:aws:s3:::bucket"),
            "BadRequestException", 400, "Invalid ARN specified in the request")
    refused("APIGWv2 UpdateStage: destination with trailing :*", set_dest(http, group + ":*"), "BadRequestException", 400)
    accepted("APIGWv2 UpdateStage (HTTP API, no account role needed)", set_dest(http, group),
             lambda r: r.get("AccessLogSettings", {}).get("DestinationArn") == group)
    accepted("APIGWv2 GetStage shows accessLogSettings", lambda: v2.get_stage(ApiId=http, StageName="prod"),
             lambda r: r.get("AccessLogSettings", {}).get("Format") == "$context.requestId")
    accepted("APIGWv2 UpdateStage: accessLogSettings {} clears",
             lambda: v2.update_stage(ApiId=http, StageName="prod", AccessLogSettings={}),
             lambda r: "AccessLogSettings" not in r)
    accepted("APIGWv2 GetStage after clearing", lambda: v2.get_stage(ApiId=http, StageName="prod"),
             lambda r: "AccessLogSettings" not in r)
    ws = v2.create_api(Name="ws", ProtocolType="WEBSOCKET", RouteSelectionExpression="$request.body.action")["ApiId"]
    v2.create_stage(ApiId=ws, StageName="prod")
    refused("APIGWv2 UpdateStage (WebSocket API) without account role", set_dest(ws, group), "BadRequestException", 400,
            "CloudWatch Logs role ARN must be set in account settings to enable logging")


def check_logs(srv: Server) -> None:
    cf = srv.client("cloudfront")
    logs = srv.client("logs")
    logs_eu = srv.client("logs", "eu-west-1")
    s3 = srv.client("s3")

    def distribution(ref: str) -> tuple[str, str]:
        config = {
            "CallerReference": ref,
            "Origins": {"Quantity": 1, "Items": [{"Id": "o", "DomainName": "example.com",
                                                  "CustomOriginConfig": {"HTTPPort": 80, "HTTPSPort": 443,
                                                                         "OriginProtocolPolicy": "https-only"}}]},
            "DefaultCacheBehavior": {"TargetOriginId": "o", "ViewerProtocolPolicy": "allow-all",
                                     "MinTTL": 0, "ForwardedValues": {"QueryString": False, "Cookies": {"Forward": "none"}}},
            "Comment": "", "Enabled": True,
        }
        d = cf.create_distribution(DistributionConfig=config)["Distribution"]
        return d["Id"], d["ARN"]

    _, arn = distribution("a")
    report("accepted: CloudFront distribution ARN as AWS writes it (arn:aws:cloudfront::<account>:...)",
           arn.startswith(f"arn:aws:cloudfront::{ACCOUNT}:distribution/"), arn)
    refused("Logs PutDeliverySource: CloudFront source outside us-east-1",
            lambda: logs_eu.put_delivery_source(name="cf-eu", resourceArn=arn, logType="ACCESS_LOGS"), "ValidationException", 400)
    refused("Logs PutDeliverySource: distribution does not exist",
            lambda: logs.put_delivery_source(name="cf-missing", resourceArn=f"arn:aws:cloudfront::{ACCOUNT}:distribution/EDFDVBD6EXAMPLE",
                                             logType="ACCESS_LOGS"), "ValidationException", 400)
    refused("Logs PutDeliverySource: logType other than ACCESS_LOGS",
            lambda: logs.put_delivery_source(name="cf-type", resourceArn=arn, logType="CONNECTION_LOGS"), "ValidationException", 400)
    refused("Logs PutDeliverySource: a name outside [\\w-]{1,60}",
            lambda: logs.put_delivery_source(name="cf.dotted", resourceArn=arn, logType="ACCESS_LOGS"), "ValidationException", 400)
    refused("Logs PutDeliveryDestination: a name outside [\\w-]{1,60}",
            lambda: logs.put_delivery_destination(name="my.bucket",
                                                  deliveryDestinationConfiguration={"destinationResourceArn": "arn:aws:s3:::my.bucket"}),
            "ValidationException", 400)

    cases = {}
    for case in ("nopolicy", "merge", "notprincipal", "already"):
        _, darn = distribution(case)
        cases[case] = darn
    accepted("Logs PutDeliverySource: CloudFront distribution in us-east-1",
             lambda: logs.put_delivery_source(name="cf-nopolicy", resourceArn=cases["nopolicy"], logType="ACCESS_LOGS"),
             lambda r: r["deliverySource"]["service"] == "cloudfront")

    def destination(name: str) -> str:
        return logs.put_delivery_destination(
            name=f"dest-{name}", outputFormat="w3c",
            deliveryDestinationConfiguration={"destinationResourceArn": f"arn:aws:s3:::cf-{name}"},
        )["deliveryDestination"]["arn"]

    def get_policy(name: str) -> dict[str, Any]:
        return json.loads(s3.get_bucket_policy(Bucket=name)["Policy"])

    # No bucket policy: AWS creates one.
    bucket(s3, "cf-nopolicy", "us-east-1")
    d = destination("nopolicy")
    delivery = accepted("Logs CreateDelivery: S3 bucket without policy (AWS writes one)",
                        lambda: logs.create_delivery(deliverySourceName="cf-nopolicy", deliveryDestinationArn=d))
    p = get_policy("cf-nopolicy")
    report("accepted: Logs CreateDelivery wrote AWSLogDeliveryWrite20150319 policy",
           p.get("Id") == "AWSLogDeliveryWrite20150319" and p["Statement"][0]["Sid"] == "AWSLogDeliveryWrite"
           and p["Statement"][0]["Resource"] == f"arn:aws:s3:::cf-nopolicy/AWSLogs/{ACCOUNT}/*", json.dumps(p))

    # A policy without the statement: AWS appends it, keeping the rest.
    own = {"Sid": "ServerAccessLogs", "Effect": "Allow", "Principal": {"Service": "logging.s3.amazonaws.com"},
           "Action": "s3:PutObject", "Resource": "arn:aws:s3:::cf-merge/s3/*",
           "Condition": {"StringEquals": {"aws:SourceAccount": ACCOUNT}}}
    bucket(s3, "cf-merge", "us-east-1", policy(own))
    logs.put_delivery_source(name="cf-merge", resourceArn=cases["merge"], logType="ACCESS_LOGS")
    d = destination("merge")
    accepted("Logs CreateDelivery: policy lacking the statement (AWS appends)",
             lambda: logs.create_delivery(deliverySourceName="cf-merge", deliveryDestinationArn=d))
    p = get_policy("cf-merge")
    sids = [s.get("Sid") for s in p["Statement"]]
    report("accepted: Logs CreateDelivery appended, kept existing statement", sids == ["ServerAccessLogs", "AWSLogDeliveryWrite"], json.dumps(p))

    # NotPrincipal: AWS cannot amend; the delivery fails.
    deny = {"Sid": "DenyOthers", "Effect": "Deny", "NotPrincipal": {"AWS": f"arn:aws:iam::{ACCOUNT}:root"},
            "Action": "s3:DeleteObject", "Resource": "arn:aws:s3:::cf-notprincipal/*"}
    bucket(s3, "cf-notprincipal", "us-east-1", policy(deny))
    logs.put_delivery_source(name="cf-notprincipal", resourceArn=cases["notprincipal"], logType="ACCESS_LOGS")
    d = destination("notprincipal")
    refused("Logs CreateDelivery: bucket policy with NotPrincipal, no delivery statement",
            lambda: logs.create_delivery(deliverySourceName="cf-notprincipal", deliveryDestinationArn=d), "AccessDeniedException", 400)
    report("refused: Logs CreateDelivery left the NotPrincipal policy unchanged", len(get_policy("cf-notprincipal")["Statement"]) == 1)

    # Already allowed: the policy is left as it is.
    ok_stmt = {"Sid": "Mine", "Effect": "Allow", "Principal": {"Service": "delivery.logs.amazonaws.com"},
               "Action": "s3:PutObject", "Resource": f"arn:aws:s3:::cf-already/AWSLogs/{ACCOUNT}/*",
               "Condition": {"StringEquals": {"aws:SourceAccount": ACCOUNT, "s3:x-amz-acl": "bucket-owner-full-control"},
                             "ArnLike": {"aws:SourceArn": f"arn:aws:logs:us-east-1:{ACCOUNT}:delivery-source:*"}}}
    bucket(s3, "cf-already", "us-east-1", policy(ok_stmt))
    logs.put_delivery_source(name="cf-already", resourceArn=cases["already"], logType="ACCESS_LOGS")
    d = destination("already")
    accepted("Logs CreateDelivery: policy already allowing",
             lambda: logs.create_delivery(deliverySourceName="cf-already", deliveryDestinationArn=d))
    report("accepted: Logs CreateDelivery left an allowing policy unchanged",
           [s["Sid"] for s in get_policy("cf-already")["Statement"]] == ["Mine"])

    # The rest of the delivery API, as moto has it.
    accepted("Logs DescribeDeliverySources", lambda: logs.describe_delivery_sources(), lambda r: len(r["deliverySources"]) == 4)
    accepted("Logs DescribeDeliveryDestinations", lambda: logs.describe_delivery_destinations(),
             lambda r: len(r["deliveryDestinations"]) == 4)
    accepted("Logs DescribeDeliveries", lambda: logs.describe_deliveries(), lambda r: len(r["deliveries"]) == 3)
    accepted("Logs GetDeliverySource", lambda: logs.get_delivery_source(name="cf-nopolicy"),
             lambda r: r["deliverySource"]["resourceArns"] == [cases["nopolicy"]])
    if delivery:
        accepted("Logs DeleteDelivery", lambda: logs.delete_delivery(id=delivery["delivery"]["id"]))
    accepted("Logs DeleteDeliverySource", lambda: logs.delete_delivery_source(name="cf-nopolicy"))
    accepted("Logs DeleteDeliveryDestination", lambda: logs.delete_delivery_destination(name="dest-nopolicy"))


def check_lenient(srv: Server) -> None:
    v2 = srv.client("apigatewayv2")
    api = v2.create_api(Name="http", ProtocolType="HTTP")["ApiId"]
    v2.create_stage(ApiId=api, StageName="prod")
    accepted("lenient: APIGWv2 UpdateStage exists (no checks)",
             lambda: v2.update_stage(ApiId=api, StageName="prod",
                                     AccessLogSettings={"DestinationArn": "arn:aws:s3:::anything", "Format": "x"}),
             lambda r: r["AccessLogSettings"]["DestinationArn"] == "arn:aws:s3:::anything")
    elb_ok = True
    try:
        ec2 = srv.client("ec2")
        elb = srv.client("elbv2")
        vpc = ec2.create_vpc(CidrBlock="10.1.0.0/16")["Vpc"]["VpcId"]
        subnets = [ec2.create_subnet(VpcId=vpc, CidrBlock=f"10.1.{i}.0/24", AvailabilityZone=az)["Subnet"]["SubnetId"]
                   for i, az in enumerate(["us-east-1a", "us-east-1b"])]
        alb = elb.create_load_balancer(Name="alb", Subnets=subnets)["LoadBalancers"][0]["LoadBalancerArn"]
        elb.modify_load_balancer_attributes(LoadBalancerArn=alb, Attributes=[
            {"Key": "access_logs.s3.enabled", "Value": "true"}, {"Key": "access_logs.s3.bucket", "Value": "nowhere"}])
    except ClientError:
        elb_ok = False
    report("lenient: ELB access logs to a missing bucket accepted (plain moto)", elb_ok)


def main() -> int:
    os.environ.pop("AWS_PROFILE", None)
    srv = Server()
    try:
        for part in (check_elb, check_apigateway, check_apigatewayv2, check_logs):
            try:
                part(srv)
            except Exception as err:  # a setup step failed
                report(f"{part.__name__} setup", False, repr(err))
    finally:
        srv.stop()
    srv = Server(lenient=True)
    try:
        check_lenient(srv)
    except Exception as err:
        report("check_lenient setup", False, repr(err))
    finally:
        srv.stop()
    print(f"\n{len(FAILURES)} failure(s)" if FAILURES else "\nall passed")
    return 1 if FAILURES else 0


if __name__ == "__main__":
    sys.exit(main())
