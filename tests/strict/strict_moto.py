"""moto's server, made as strict as AWS where remediate's writes are concerned.

    python3 tests/strict/strict_moto.py -H 127.0.0.1 -p 5000            # strict
    python3 tests/strict/strict_moto.py --lenient -H 127.0.0.1 -p 5000  # plain moto

moto (https://github.com/getmoto/moto, checked with 5.2.1) accepts documents
and calls that AWS refuses. This module patches moto's backends, before the
server starts, so that the calls remediate makes are refused the way AWS
refuses them: same error code, HTTP status and, where AWS's wording is known,
the same message. Everything else is moto's own behaviour.

Each rule cites the AWS page it encodes. Where AWS's exact message is not
published, the message says so in a comment ("message: ours").
docs/safety.md ("The strict emulator") lists the rules and what is not
enforced.

One policy evaluator (``allows``) answers every "does this policy let that
principal do that" question: the service-delivery checks of CloudTrail,
Config, S3 server access logging, load balancer access logs, CloudWatch Logs
vended-log deliveries, and role trust policies.

A few things moto lacks are added in lenient mode too (``install_missing``).
"""

from __future__ import annotations

import json
import re
import sys
from collections.abc import Callable, Iterable
from typing import Any
from urllib.parse import unquote

from werkzeug.exceptions import HTTPException

import strict_kms  # noqa: E402 (beside this file)

# ---------------------------------------------------------------------------
# Errors, in each service's wire format
# ---------------------------------------------------------------------------


class S3Refusal(HTTPException):
    """An S3 REST-XML error with its own HTTP status.

    moto serializes its S3 errors with status 400 unless botocore's model
    knows the code; S3's model knows almost none, so 403 answers need this.
    """

    def __init__(self, status: int, code: str, message: str, **extra: str):
        super().__init__()
        self.code = status
        self.s3_code = code
        self.message = message
        self.extra = extra

    def get_headers(self, *args: Any, **kwargs: Any) -> list[tuple[str, str]]:
        return [("Content-Type", "application/xml")]

    def get_body(self, *args: Any, **kwargs: Any) -> str:
        from xml.sax.saxutils import escape

        fields = "".join(
            f"<{k}>{escape(str(v))}</{k}>" for k, v in self.extra.items()
        )
        return (
            '<?xml version="1.0" encoding="UTF-8"?>\n'
            f"<Error><Code>{escape(self.s3_code)}</Code>"
            f"<Message>{escape(self.message)}</Message>{fields}"
            "<RequestId>STRICTMOTO0000000</RequestId></Error>"
        )


def json_refusal(code: str, message: str, status: int = 400) -> HTTPException:
    """An error of a JSON-protocol service (CloudTrail, Config)."""
    from moto.core.exceptions import JsonRESTError

    err = JsonRESTError(code, message)
    err.code = status
    return err


def iam_limit_exceeded(message: str) -> Exception:
    # botocore's IAM model: LimitExceeded is HTTP 409, MalformedPolicyDocument 400.
    from moto.iam.exceptions import LimitExceededException

    return LimitExceededException(message)


def iam_malformed(message: str) -> Exception:
    from moto.iam.exceptions import MalformedPolicyDocument

    return MalformedPolicyDocument(message)


def ec2_refusal(code: str, message: str) -> Exception:
    from moto.ec2.exceptions import EC2ClientError

    return EC2ClientError(code, message)


# ---------------------------------------------------------------------------
# The policy evaluator
# ---------------------------------------------------------------------------
#
# Enough of IAM's evaluation logic to answer whether a resource policy, trust
# policy or identity policy grants one request:
# https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_evaluation-logic.html
# - an explicit Deny whose conditions certainly hold wins; otherwise an Allow
#   whose conditions may hold grants;
# - Principal / NotPrincipal, Action / NotAction, Resource / NotResource, with
#   the `*` and `?` wildcards (actions case-insensitive, resources not);
#   `"*"` and `{"AWS": "*"}` are the same principal, everyone, services
#   included (reference_policies_elements_principal.html);
# - conditions: String{Equals,NotEquals,EqualsIgnoreCase,NotEqualsIgnoreCase,
#   Like,NotLike}, Arn{Equals,Like,NotEquals,NotLike}, Null, IfExists, and
#   ForAnyValue/ForAllValues over the single-valued keys below
#   (reference_policies_elements_condition_operators.html). Only the keys in
#   MODELLED_KEYS are evaluated; a key that is modelled but absent from the
#   request does not match, as on AWS. Any other key, or another operator, is
#   "unknown": it may hold for an Allow and does not hold for a Deny.

MODELLED_KEYS = {
    "aws:sourcearn",
    "aws:sourceaccount",
    "s3:x-amz-acl",
    "kms:encryptioncontext:aws:cloudtrail:arn",
}

UNKNOWN = None  # third truth value


def _as_list(value: Any) -> list[Any]:
    if value is None:
        return []
    return value if isinstance(value, list) else [value]


def _glob(pattern: str, value: str, ignore_case: bool = False) -> bool:
    regex = "".join(
        ".*" if c == "*" else "." if c == "?" else re.escape(c) for c in pattern
    )
    flags = re.DOTALL | (re.IGNORECASE if ignore_case else 0)
    return re.fullmatch(regex, value, flags) is not None


def _arn_like(pattern: str, value: str) -> bool:
    # ArnEquals/ArnLike: each of the six colon-separated parts is matched on
    # its own, with wildcards; the last part keeps its colons.
    p, v = pattern.split(":", 5), value.split(":", 5)
    if len(p) != 6 or len(v) != 6:
        return False
    return all(_glob(a, b) for a, b in zip(p, v))


def _principal_matches(stmt: dict[str, Any], principal: tuple[str, str] | None) -> bool:
    if principal is None:  # identity policy: no Principal element
        return True
    kind, name = principal

    def listed(block: Any) -> bool:
        if block == "*":
            return True
        if not isinstance(block, dict):
            return False
        if "*" in _as_list(block.get("AWS")):
            return True
        for value in _as_list(block.get(kind)):
            if kind == "Service" and str(value).lower() == name.lower():
                return True
            if kind == "AWS" and _glob(str(value), name):
                return True
        return False

    if "Principal" in stmt:
        return listed(stmt["Principal"])
    if "NotPrincipal" in stmt:
        return not listed(stmt["NotPrincipal"])
    return False


def _action_matches(stmt: dict[str, Any], action: str) -> bool:
    if "Action" in stmt:
        return any(_glob(str(a), action, ignore_case=True) for a in _as_list(stmt["Action"]))
    if "NotAction" in stmt:
        return not any(
            _glob(str(a), action, ignore_case=True) for a in _as_list(stmt["NotAction"])
        )
    return False


def _resource_matches(stmt: dict[str, Any], resource: str | None) -> bool:
    if resource is None:  # trust policies name no resource
        return True
    if "Resource" in stmt:
        return any(_glob(str(r), resource) for r in _as_list(stmt["Resource"]))
    if "NotResource" in stmt:
        return not any(_glob(str(r), resource) for r in _as_list(stmt["NotResource"]))
    return False


_OPERATORS: dict[str, Callable[[str, str], bool]] = {
    "stringequals": lambda p, v: p == v,
    "stringequalsignorecase": lambda p, v: p.lower() == v.lower(),
    "stringlike": lambda p, v: _glob(p, v),
    "arnequals": _arn_like,
    "arnlike": _arn_like,
}
_NEGATED = {
    "stringnotequals": "stringequals",
    "stringnotequalsignorecase": "stringequalsignorecase",
    "stringnotlike": "stringlike",
    "arnnotequals": "arnequals",
    "arnnotlike": "arnlike",
}


def _condition_holds(operator: str, key: str, values: Any, context: dict[str, str]) -> bool | None:
    op = operator.lower()
    for prefix in ("foranyvalue:", "forallvalues:"):
        if op.startswith(prefix):
            op = op[len(prefix) :]
    if_exists = op.endswith("ifexists")
    if if_exists:
        op = op[: -len("ifexists")]
    key = key.lower()
    if key not in MODELLED_KEYS:
        return UNKNOWN
    present = key in context
    wanted = [str(v) for v in _as_list(values)]
    if op == "null":
        # "true": the key must be absent; "false": present.
        return any((w.lower() == "true") != present for w in wanted)
    if op in _OPERATORS:
        if not present:
            return if_exists
        return any(_OPERATORS[op](w, context[key]) for w in wanted)
    if op in _NEGATED:
        if not present:
            return True
        return not any(_OPERATORS[_NEGATED[op]](w, context[key]) for w in wanted)
    return UNKNOWN


def _conditions_hold(stmt: dict[str, Any], context: dict[str, str]) -> bool | None:
    block = stmt.get("Condition") or {}
    if not isinstance(block, dict):
        return UNKNOWN
    result: bool | None = True
    for operator, pairs in block.items():
        if not isinstance(pairs, dict):
            return UNKNOWN
        for key, values in pairs.items():
            holds = _condition_holds(operator, key, values, context)
            if holds is False:
                return False
            if holds is UNKNOWN:
                result = UNKNOWN
    return result


def parse_policy(document: Any) -> dict[str, Any] | None:
    """A policy document as a dict (moto keeps bytes, str or URL-encoded str)."""
    if document is None:
        return None
    if isinstance(document, dict):
        return document
    if isinstance(document, bytes):
        document = document.decode("utf-8", "replace")
    text = str(document).strip()
    if text.startswith("%7B") or text.startswith("%7b"):
        text = unquote(text)
    try:
        parsed = json.loads(text)
    except ValueError:
        return None
    return parsed if isinstance(parsed, dict) else None


def statements(policy: dict[str, Any] | None) -> list[dict[str, Any]]:
    if not policy:
        return []
    return [s for s in _as_list(policy.get("Statement")) if isinstance(s, dict)]


def allows(
    policies: Iterable[Any],
    principal: tuple[str, str] | None,
    action: str,
    resource: str | None,
    context: dict[str, str],
) -> bool:
    """Whether `policies` (documents, read together) grant the request.

    `principal` is ("Service", "cloudtrail.amazonaws.com") or ("AWS", arn),
    or None for identity policies; `resource` None for trust policies;
    `context` maps condition keys (any case) to the request's values.
    """
    ctx = {k.lower(): v for k, v in context.items()}
    allowed = False
    for document in policies:
        for stmt in statements(parse_policy(document)):
            if not (
                _principal_matches(stmt, principal)
                and _action_matches(stmt, action)
                and _resource_matches(stmt, resource)
            ):
                continue
            holds = _conditions_hold(stmt, ctx)
            effect = stmt.get("Effect")
            if effect == "Deny" and holds is True:
                return False
            if effect == "Allow" and holds is not False:
                allowed = True
    return allowed


# ---------------------------------------------------------------------------
# Small helpers over moto's state
# ---------------------------------------------------------------------------


def partition_of(region: str) -> str:
    if region.startswith("cn-"):
        return "aws-cn"
    if region.startswith("us-gov-"):
        return "aws-us-gov"
    return "aws"


def find_bucket(account_id: str, partition: str, name: str) -> Any | None:
    from moto.s3.models import s3_backends

    try:
        return s3_backends[account_id][partition].get_bucket(name)
    except Exception:
        return None


def find_role(account_id: str, partition: str, arn: str) -> Any | None:
    from moto.iam.models import iam_backends

    try:
        return iam_backends[account_id][partition].get_role_by_arn(arn)
    except Exception:
        return None


def role_identity_policies(role: Any) -> list[Any]:
    """A role's inline policies and the default versions of its managed ones."""
    docs: list[Any] = list(role.policies.values())
    for managed in role.managed_policies.values():
        for version in getattr(managed, "versions", []):
            if version.version_id == managed.default_version_id:
                docs.append(version.document)
    return docs


def trusts(role: Any, service: str, context: dict[str, str]) -> bool:
    return allows(
        [role.assume_role_policy_document],
        ("Service", service),
        "sts:AssumeRole",
        None,
        context,
    )


def without_whitespace(document: str) -> int:
    # "IAM does not count white space when calculating the size of a policy"
    return len(re.sub(r"\s", "", document))


# ---------------------------------------------------------------------------
# S3
# ---------------------------------------------------------------------------

OWNER_ENFORCED = "BucketOwnerEnforced"
ALL_USERS = "http://acs.amazonaws.com/groups/global/AllUsers"
AUTHENTICATED_USERS = "http://acs.amazonaws.com/groups/global/AuthenticatedUsers"
LOG_DELIVERY = "http://acs.amazonaws.com/groups/s3/LogDelivery"

# Keys whose fixed values make an Allow-* statement non-public:
# https://docs.aws.amazon.com/AmazonS3/latest/userguide/access-control-block-public-access.html#access-control-block-public-access-policy-status
NON_PUBLIC_KEYS = {
    "aws:sourcearn",
    "aws:sourcevpc",
    "aws:sourcevpce",
    "aws:sourceaccount",
    "aws:sourceowner",
    "aws:sourceorgid",
    "aws:sourceorgpaths",
    "aws:principalaccount",
    "aws:principalarn",
    "aws:principalorgid",
    "aws:principalorgpaths",
    "aws:userid",
    "aws:sourceip",
    "s3:dataaccesspointarn",
    "s3:dataaccesspointaccount",
}


def _grantee_uris(acl: Any) -> set[str]:
    return {g.uri for grant in (acl.grants if acl else []) for g in grant.grantees if g.uri}


def _acl_is_owner_only(acl: Any) -> bool:
    from moto.s3.models import OWNER

    if acl is None:
        return True
    for grant in acl.grants:
        for grantee in grant.grantees:
            if grantee.uri or (grantee.id and grantee.id != OWNER):
                return False
    return True


def _acl_is_public(acl: Any) -> bool:
    return bool(_grantee_uris(acl) & {ALL_USERS, AUTHENTICATED_USERS})


def policy_is_public(policy: dict[str, Any]) -> bool:
    for stmt in statements(policy):
        if stmt.get("Effect") != "Allow":
            continue
        principal = stmt.get("Principal")
        wildcard = principal == "*" or (
            isinstance(principal, dict) and "*" in _as_list(principal.get("AWS"))
        )
        if not wildcard:
            continue
        keys = {
            k.lower()
            for pairs in (stmt.get("Condition") or {}).values()
            if isinstance(pairs, dict)
            for k in pairs
        }
        if not keys & NON_PUBLIC_KEYS:
            return True
    return False


def _malformed_policy(message: str) -> S3Refusal:
    return S3Refusal(400, "MalformedPolicy", message)


def validate_bucket_policy(bucket: Any, body: bytes | str) -> dict[str, Any]:
    """PutBucketPolicy's document checks; returns the parsed policy.

    https://docs.aws.amazon.com/AmazonS3/latest/userguide/add-bucket-policy.html
    ("Bucket policies are limited to 20 KB in size") and
    https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_grammar.html
    (required elements, Effect Allow|Deny). Error: MalformedPolicy, HTTP 400
    (https://docs.aws.amazon.com/AmazonS3/latest/API/ErrorResponses.html).
    """
    text = body.decode("utf-8", "replace") if isinstance(body, bytes) else str(body)
    try:
        policy = json.loads(text)
    except ValueError:
        policy = None
    if not isinstance(policy, dict):
        raise _malformed_policy("Policies must be valid JSON and the first byte must be '{'")
    normalized = json.dumps(policy, separators=(",", ":"), ensure_ascii=False)
    if len(normalized.encode("utf-8")) > 20480:
        raise _malformed_policy(
            "Normalized policy document exceeds the maximum allowed size of 20480 bytes"
        )
    if "Statement" not in policy:
        raise _malformed_policy("Missing required field Statement")
    stmts = _as_list(policy["Statement"])
    if not stmts:
        # message: as reported for S3 by versitygw's compatibility catalogue
        raise _malformed_policy("Could not parse the policy: Statement is empty!")
    bucket_arn = f"arn:{bucket.partition}:s3:::{bucket.name}"
    for stmt in stmts:
        if not isinstance(stmt, dict):
            raise _malformed_policy("Invalid policy syntax.")
        effect = stmt.get("Effect")
        if effect is None:
            raise _malformed_policy("Missing required field Effect")  # message: ours
        if effect not in ("Allow", "Deny"):
            raise _malformed_policy(f"Invalid effect: {effect}")
        if "Principal" not in stmt and "NotPrincipal" not in stmt:
            raise _malformed_policy("Missing required field Principal")  # message: ours
        if "Action" not in stmt and "NotAction" not in stmt:
            raise _malformed_policy("Missing required field Action")  # message: ours
        if "Resource" not in stmt and "NotResource" not in stmt:
            raise _malformed_policy("Missing required field Resource")  # message: ours
        for resource in _as_list(stmt.get("Resource")):
            r = str(resource)
            if not (r == bucket_arn or r.startswith(bucket_arn + "/") or _glob(r, bucket_arn)):
                raise _malformed_policy("Policy has invalid resource")
    return policy


def install_s3() -> None:
    from moto.s3 import models as s3m
    from moto.s3 import responses as s3r

    backend = s3m.S3Backend

    # New buckets: ACLs disabled (BucketOwnerEnforced) and Block Public Access
    # on, as on AWS since April 2023:
    # https://docs.aws.amazon.com/AmazonS3/latest/userguide/create-bucket-overview.html
    # https://aws.amazon.com/about-aws/whats-new/2022/12/amazon-s3-automatically-enable-block-public-access-disable-access-control-lists-buckets-april-2023/
    original_create = backend.create_bucket

    def create_bucket(self: Any, bucket_name: str, region_name: str, *args: Any, **kwargs: Any) -> Any:
        bucket = original_create(self, bucket_name, region_name, *args, **kwargs)
        bucket.ownership_rule = OWNER_ENFORCED
        bucket.public_access_block = s3m.PublicAccessBlock(True, True, True, True)
        return bucket

    backend.create_bucket = create_bucket

    # CreateBucket with an ACL header: refused while ACLs are disabled (the
    # default, or x-amz-object-ownership: BucketOwnerEnforced).
    # https://docs.aws.amazon.com/AmazonS3/latest/userguide/ensure-object-ownership.html
    original_put = s3r.S3Response._bucket_response_put

    def bucket_response_put(self: Any, request: Any, bucket_name: str, querystring: dict[str, Any]) -> Any:
        if not querystring:
            acl = request.headers.get("x-amz-acl")
            grants = [h for h in request.headers.keys() if h.lower().startswith("x-amz-grant-")]
            ownership = request.headers.get("x-amz-object-ownership", OWNER_ENFORCED)
            if ownership == OWNER_ENFORCED and (
                grants or (acl and acl not in ("private", "bucket-owner-full-control"))
            ):
                raise S3Refusal(
                    400,
                    "InvalidBucketAclWithObjectOwnership",
                    "Bucket cannot have ACLs set with ObjectOwnership's BucketOwnerEnforced setting",
                )
            if acl in ("public-read", "public-read-write", "authenticated-read"):
                # Block Public Access is on for every new bucket.
                raise S3Refusal(403, "AccessDenied", "Access Denied")
        return original_put(self, request, bucket_name, querystring)

    s3r.S3Response._bucket_response_put = bucket_response_put

    # PutBucketAcl: AccessControlListNotSupported while ACLs are disabled;
    # AccessDenied for a public ACL while BlockPublicAcls is on.
    # https://docs.aws.amazon.com/AmazonS3/latest/API/API_PutBucketAcl.html
    # https://docs.aws.amazon.com/AmazonS3/latest/userguide/access-control-block-public-access.html
    original_put_acl = backend.put_bucket_acl

    def put_bucket_acl(self: Any, bucket_name: str, acl: Any) -> None:
        bucket = self.get_bucket(bucket_name)
        if bucket.ownership_rule == OWNER_ENFORCED and not _acl_is_owner_only(acl):
            raise S3Refusal(400, "AccessControlListNotSupported", "The bucket does not allow ACLs")
        pab = bucket.public_access_block
        if pab is not None and pab.block_public_acls and _acl_is_public(acl):
            raise S3Refusal(403, "AccessDenied", "Access Denied")
        original_put_acl(self, bucket_name, acl)

    backend.put_bucket_acl = put_bucket_acl

    # PutBucketOwnershipControls BucketOwnerEnforced: refused while the ACL
    # grants anyone but the owner.
    # https://docs.aws.amazon.com/AmazonS3/latest/userguide/object-ownership-migrating-acls-prerequisites.html
    original_put_ownership = backend.put_bucket_ownership_controls

    def put_bucket_ownership_controls(self: Any, bucket_name: str, ownership: Any) -> None:
        bucket = self.get_bucket(bucket_name)
        if ownership == OWNER_ENFORCED and not _acl_is_owner_only(bucket.acl):
            raise S3Refusal(
                400,
                "InvalidBucketAclWithObjectOwnership",
                "Bucket cannot have ACLs set with ObjectOwnership's BucketOwnerEnforced setting",
            )
        original_put_ownership(self, bucket_name, ownership)

    backend.put_bucket_ownership_controls = put_bucket_ownership_controls

    # PutBucketPolicy: document checks, then Block Public Access.
    original_put_policy = backend.put_bucket_policy

    def put_bucket_policy(self: Any, bucket_name: str, policy: bytes) -> None:
        bucket = self.get_bucket(bucket_name)
        parsed = validate_bucket_policy(bucket, policy)
        pab = bucket.public_access_block
        if pab is not None and pab.block_public_policy and policy_is_public(parsed):
            raise S3Refusal(403, "AccessDenied", "Access Denied")
        original_put_policy(self, bucket_name, policy)

    backend.put_bucket_policy = put_bucket_policy

    # PutBucketLogging: the target must exist, be in the source's region and
    # let the logging service write (bucket policy for
    # logging.s3.amazonaws.com, or the LogDelivery group's ACL grant when ACLs
    # are enabled).
    # https://docs.aws.amazon.com/AmazonS3/latest/userguide/enable-server-access-logging.html
    # https://docs.aws.amazon.com/AmazonS3/latest/userguide/ServerLogs.html#server-access-logging-overview
    # Errors: https://docs.aws.amazon.com/AmazonS3/latest/API/ErrorResponses.html
    # (CrossLocationLoggingProhibitted, 403, spelt so in botocore's S3 model;
    # InvalidTargetBucketForLogging, 400).
    def set_logging(self: Any, logging_config: dict[str, Any] | None, bucket_backend: Any) -> None:
        if not logging_config:
            self.logging = {}
            return
        target_name = logging_config["TargetBucket"]
        target = bucket_backend.buckets.get(target_name)
        if target is None:
            raise S3Refusal(
                400,
                "InvalidTargetBucketForLogging",
                "The target bucket for logging does not exist",
                TargetBucket=target_name,
            )
        if target.region_name != self.region_name:
            raise S3Refusal(
                403,
                "CrossLocationLoggingProhibitted",
                "Cross S3 location logging not allowed. ",
                SourceBucketLocation=self.region_name,
                TargetBucketLocation=target.region_name,
            )
        if logging_config.get("TargetGrants") and target.ownership_rule == OWNER_ENFORCED:
            # https://docs.aws.amazon.com/AmazonS3/latest/userguide/enable-server-access-logging.html#grant-log-delivery-permissions-general
            raise S3Refusal(
                400,
                "InvalidTargetBucketForLogging",
                "The owner for the bucket to be logged and the target bucket must be the same.",  # message: ours
                TargetBucket=target_name,
            )
        prefix = logging_config.get("TargetPrefix") or ""
        resource = f"arn:{target.partition}:s3:::{target.name}/{prefix}2024-01-01-00-00-00-0000000000000000"
        context = {
            "aws:SourceArn": f"arn:{self.partition}:s3:::{self.name}",
            "aws:SourceAccount": self.account_id,
        }
        by_policy = allows(
            [target.policy],
            ("Service", "logging.s3.amazonaws.com"),
            "s3:PutObject",
            resource,
            context,
        )
        by_acl = False
        if target.ownership_rule != OWNER_ENFORCED and target.acl is not None:
            perms = {
                p
                for grant in target.acl.grants
                if any(g.uri == LOG_DELIVERY for g in grant.grantees)
                for p in grant.permissions
            }
            by_acl = "FULL_CONTROL" in perms or {"WRITE", "READ_ACP"} <= perms
        if not (by_policy or by_acl):
            raise S3Refusal(
                400,
                "InvalidTargetBucketForLogging",
                "You must either provide the necessary permissions to the logging service using a "
                "bucket policy or give the log-delivery group WRITE and READ_ACP permissions to "
                "the target bucket",
                TargetBucket=target_name,
            )
        self.logging = logging_config

    s3m.FakeBucket.set_logging = set_logging


# ---------------------------------------------------------------------------
# IAM
# ---------------------------------------------------------------------------

# https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_iam-quotas.html
# "Role trust policy length: 2,048 characters"; "Inline policy size ... for a
# role: 10,240 characters" (all of a role's inline policies together); "IAM
# does not count white space when calculating the size of a policy".
# LimitExceeded is HTTP 409 (botocore's IAM model). Messages: as IAM answers
# them (reported in aws/aws-cdk#18531 and kubeflow/kubeflow#6687).
TRUST_POLICY_LIMIT = 2048
INLINE_AGGREGATE_LIMIT = 10240


def _check_iam_document(document: Any) -> None:
    # An empty Statement grants nothing and IAM refuses it:
    # https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_grammar.html
    # (statement_block holds at least one statement). Message: IAM's generic one.
    policy = parse_policy(document)
    if policy is not None and "Statement" in policy and not _as_list(policy["Statement"]):
        raise iam_malformed("Syntax errors in policy.")


def _check_trust_size(document: Any) -> None:
    if without_whitespace(str(document)) > TRUST_POLICY_LIMIT:
        raise iam_limit_exceeded(f"Cannot exceed quota for ACLSizePerRole: {TRUST_POLICY_LIMIT}")


def install_iam() -> None:
    from moto.iam import models as iamm

    backend = iamm.IAMBackend

    original_create_role = backend.create_role

    def create_role(self: Any, role_name: str, assume_role_policy_document: str, *args: Any, **kwargs: Any) -> Any:
        _check_iam_document(assume_role_policy_document)
        _check_trust_size(assume_role_policy_document)
        return original_create_role(self, role_name, assume_role_policy_document, *args, **kwargs)

    backend.create_role = create_role

    original_update_trust = backend.update_assume_role_policy

    def update_assume_role_policy(self: Any, role_name: str, policy_document: str) -> None:
        _check_iam_document(policy_document)
        _check_trust_size(policy_document)
        original_update_trust(self, role_name, policy_document)

    backend.update_assume_role_policy = update_assume_role_policy

    original_put_role_policy = backend.put_role_policy

    def put_role_policy(self: Any, role_name: str, policy_name: str, policy_json: str) -> None:
        role = self.get_role(role_name)
        _check_iam_document(policy_json)
        others = sum(
            without_whitespace(str(doc)) for name, doc in role.policies.items() if name != policy_name
        )
        if others + without_whitespace(str(policy_json)) > INLINE_AGGREGATE_LIMIT:
            raise iam_limit_exceeded(
                f"Maximum policy size of {INLINE_AGGREGATE_LIMIT} bytes exceeded for role {role_name}"
            )
        original_put_role_policy(self, role_name, policy_name, policy_json)

    backend.put_role_policy = put_role_policy


# ---------------------------------------------------------------------------
# CloudTrail
# ---------------------------------------------------------------------------

CLOUDTRAIL = "cloudtrail.amazonaws.com"


def check_trail_bucket(account_id: str, region: str, trail_arn: str, bucket_name: str, prefix: str | None) -> None:
    """InsufficientS3BucketPolicyException unless CloudTrail may write.

    https://docs.aws.amazon.com/awscloudtrail/latest/userguide/create-s3-bucket-policy-for-cloudtrail.html
    (s3:GetBucketAcl on the bucket, s3:PutObject on
    bucket[/prefix]/AWSLogs/<account>/* with s3:x-amz-acl
    bucket-owner-full-control; aws:SourceArn is the trail's ARN).
    Message as CloudTrail answers it (hashicorp/terraform#29991).
    """
    partition = partition_of(region)
    bucket = find_bucket(account_id, partition, bucket_name)
    if bucket is None:
        raise json_refusal(
            "S3BucketDoesNotExistException", f"S3 bucket {bucket_name} does not exist!"
        )
    key_prefix = f"{prefix.strip('/')}/" if prefix else ""
    context = {"aws:SourceArn": trail_arn, "aws:SourceAccount": account_id}
    bucket_arn = f"arn:{partition}:s3:::{bucket_name}"
    object_arn = f"{bucket_arn}/{key_prefix}AWSLogs/{account_id}/CloudTrail/{region}/2024/01/01/x.json.gz"
    ok = allows([bucket.policy], ("Service", CLOUDTRAIL), "s3:GetBucketAcl", bucket_arn, context) and allows(
        [bucket.policy],
        ("Service", CLOUDTRAIL),
        "s3:PutObject",
        object_arn,
        {**context, "s3:x-amz-acl": "bucket-owner-full-control"},
    )
    if not ok:
        raise json_refusal(
            "InsufficientS3BucketPolicyException",
            f"Incorrect S3 bucket policy is detected for bucket: {bucket_name}",
        )


def check_trail_key(account_id: str, region: str, trail_arn: str, bucket_name: str, key_id: str) -> None:
    """The trail's KMS key: exists in the bucket's region, usable, policy lets CloudTrail encrypt.

    https://docs.aws.amazon.com/awscloudtrail/latest/userguide/create-kms-key-policy-for-cloudtrail.html
    (kms:GenerateDataKey* for cloudtrail.amazonaws.com, conditions
    kms:EncryptionContext:aws:cloudtrail:arn and aws:SourceArn);
    https://docs.aws.amazon.com/awscloudtrail/latest/APIReference/API_CreateTrail.html#API_CreateTrail_Errors
    (KmsKeyNotFoundException also "when the S3 bucket and the KMS key are not
    in the same Region"). InsufficientEncryptionPolicyException's message as
    CloudTrail answers it (trussworks/terraform-aws-cloudtrail#186).
    """
    from moto.kms.models import kms_backends

    key_region = key_id.split(":")[3] if key_id.startswith("arn:") else region
    partition = partition_of(region)
    bucket = find_bucket(account_id, partition, bucket_name)
    try:
        key = kms_backends[account_id][key_region].describe_key(key_id)
    except Exception:
        key = None
    if key is None or (bucket is not None and bucket.region_name != key_region):
        raise json_refusal(
            "KmsKeyNotFoundException",
            f"KMS key {key_id} does not exist, or is not in the region of bucket {bucket_name}.",  # message: ours
        )
    if key.key_state != "Enabled":
        raise json_refusal("KmsException", f"KMS key {key.arn} is {key.key_state}.")  # message: ours
    context = {
        "aws:SourceArn": trail_arn,
        "aws:SourceAccount": account_id,
        "kms:EncryptionContext:aws:cloudtrail:arn": trail_arn,
    }
    if not allows([key.policy], ("Service", CLOUDTRAIL), "kms:GenerateDataKey", key.arn, context):
        raise json_refusal(
            "InsufficientEncryptionPolicyException",
            f"Insufficient permissions to access S3 bucket {bucket_name} or KMS key {key.arn}.",
        )


def check_trail_cloudwatch(account_id: str, region: str, trail_arn: str, group_arn: str | None, role_arn: str | None) -> None:
    """The CloudWatch Logs log group and role of a trail.

    https://docs.aws.amazon.com/awscloudtrail/latest/userguide/send-cloudtrail-events-to-cloudwatch-logs.html
    https://docs.aws.amazon.com/awscloudtrail/latest/userguide/cloudtrail-required-policy-for-cloudwatch-logs.html
    (a role CloudTrail can assume, allowed logs:CreateLogStream and
    logs:PutLogEvents on <group>:log-stream:<account>_CloudTrail_<region>*).
    Messages as CloudTrail answers them (cloudposse/terraform-aws-cloudtrail-cloudwatch-alarms#2,
    aws/aws-cli#5098, pulumi/docs#5117).
    """
    from moto.logs.models import logs_backends

    if bool(group_arn) != bool(role_arn):
        raise json_refusal(
            "InvalidCloudWatchLogsRoleArnException"
            if group_arn
            else "InvalidCloudWatchLogsLogGroupArnException",
            "You must specify a role ARN as well as a log group.",
        )
    if not group_arn or not role_arn:
        return
    parts = group_arn.split(":")
    group_region = parts[3] if len(parts) > 6 else ""
    group_name = parts[6] if len(parts) > 6 else ""
    groups = logs_backends[account_id][group_region].groups if group_region else {}
    if group_region != region or group_name not in groups:
        raise json_refusal(
            "InvalidCloudWatchLogsLogGroupArnException",
            "CloudWatch Logs log group ARN is invalid or does not exist in the trail's region.",  # message: ours
        )
    role = find_role(account_id, partition_of(region), role_arn)
    if role is None or not trusts(role, CLOUDTRAIL, {"aws:SourceArn": trail_arn, "aws:SourceAccount": account_id}):
        raise json_refusal(
            "InvalidCloudWatchLogsRoleArnException",
            "Access denied. Check the trust relationships for your role.",
        )
    base = group_arn[: -len(":*")] if group_arn.endswith(":*") else group_arn
    stream = f"{base}:log-stream:{account_id}_CloudTrail_{region}"
    policies = role_identity_policies(role)
    for action in ("logs:CreateLogStream", "logs:PutLogEvents"):
        if not allows(policies, None, action, stream, {}):
            raise json_refusal(
                "InvalidCloudWatchLogsLogGroupArnException",
                "Access denied. Check the permissions for your role.",
            )


def check_cloudtrail_trusted_access(account_id: str, region: str) -> None:
    """An organization trail needs CloudTrail's trusted access in Organizations.

    CreateTrail / UpdateTrail with IsOrganizationTrail=true fail with
    CloudTrailAccessNotEnabledException "when trusted access has not been
    enabled between CloudTrail and Organizations":
    https://docs.aws.amazon.com/awscloudtrail/latest/APIReference/API_CreateTrail.html#API_CreateTrail_Errors
    https://docs.aws.amazon.com/awscloudtrail/latest/userguide/creating-an-organizational-trail-prepare.html
    (message: ours).
    """
    from moto.organizations.models import organizations_backends

    backend = organizations_backends[account_id][partition_of(region)]
    enabled = {s.get("ServicePrincipal") for s in getattr(backend, "services", [])}
    if CLOUDTRAIL not in enabled:
        raise json_refusal(
            "CloudTrailAccessNotEnabledException",
            "Trusted access between CloudTrail and Organizations is not enabled for this organization.",
        )


def check_organization_all_features(account_id: str, region: str) -> None:
    """An organization trail needs an organization with all features.

    CreateTrail / UpdateTrail with IsOrganizationTrail=true fail with
    OrganizationNotInAllFeaturesModeException: "All features must be enabled
    in Organizations to support creating an organization trail":
    https://docs.aws.amazon.com/awscloudtrail/latest/APIReference/API_CreateTrail.html#API_CreateTrail_Errors
    https://docs.aws.amazon.com/awscloudtrail/latest/APIReference/API_UpdateTrail.html#API_UpdateTrail_Errors
    (message: ours). Checked before trusted access: without all features
    trusted access cannot be turned on at all.
    """
    if _feature_set_of(account_id, partition_of(region)) == "CONSOLIDATED_BILLING":
        raise json_refusal(
            "OrganizationNotInAllFeaturesModeException",
            "This operation requires that all features are enabled in AWS Organizations.",
        )


# The conditions of an advanced field selector, whose values count towards
# the 500 of a trail.
# https://docs.aws.amazon.com/awscloudtrail/latest/APIReference/API_AdvancedFieldSelector.html
ADVANCED_OPERATORS = ("Equals", "StartsWith", "EndsWith", "NotEquals", "NotStartsWith", "NotEndsWith")


def install_cloudtrail() -> None:
    from moto.cloudtrail import models as ctm

    backend = ctm.CloudTrailBackend

    def trail_arn(self: Any, name: str) -> str:
        return f"arn:{partition_of(self.region_name)}:cloudtrail:{self.region_name}:{self.account_id}:trail/{name}"

    original_create = backend.create_trail

    def create_trail(
        self: Any,
        name: str,
        bucket_name: str,
        s3_key_prefix: str,
        sns_topic_name: str,
        is_global: bool,
        is_multi_region: bool,
        log_validation: bool,
        is_org_trail: bool,
        cw_log_group_arn: str,
        cw_role_arn: str,
        kms_key_id: str,
        tags_list: list[dict[str, str]],
    ) -> Any:
        arn = trail_arn(self, name)
        if is_org_trail:
            check_organization_all_features(self.account_id, self.region_name)
            check_cloudtrail_trusted_access(self.account_id, self.region_name)
        check_trail_bucket(self.account_id, self.region_name, arn, bucket_name, s3_key_prefix)
        if kms_key_id:
            check_trail_key(self.account_id, self.region_name, arn, bucket_name, kms_key_id)
        check_trail_cloudwatch(self.account_id, self.region_name, arn, cw_log_group_arn, cw_role_arn)
        return original_create(
            self,
            name,
            bucket_name,
            s3_key_prefix,
            sns_topic_name,
            is_global,
            is_multi_region,
            log_validation,
            is_org_trail,
            cw_log_group_arn,
            cw_role_arn,
            kms_key_id,
            tags_list,
        )

    backend.create_trail = create_trail

    # UpdateTrail checks what the request changes: the bucket (or prefix),
    # the key, the CloudWatch Logs pair.
    # https://docs.aws.amazon.com/awscloudtrail/latest/APIReference/API_UpdateTrail.html
    original_update = backend.update_trail

    def update_trail(self: Any, name: str, s3_bucket_name: str | None, s3_key_prefix: str | None, **kwargs: Any) -> Any:
        trail = self.get_trail(name_or_arn=name)
        arn = trail.arn
        if kwargs.get("is_organization_trail") and not getattr(trail, "is_org_trail", False):
            check_organization_all_features(self.account_id, trail.region_name)
            check_cloudtrail_trusted_access(self.account_id, trail.region_name)
        bucket = s3_bucket_name if s3_bucket_name is not None else trail.bucket_name
        prefix = s3_key_prefix if s3_key_prefix is not None else trail.s3_key_prefix
        if s3_bucket_name is not None or s3_key_prefix is not None:
            check_trail_bucket(self.account_id, trail.region_name, arn, bucket, prefix)
        kms_key_id = kwargs.get("kms_key_id")
        if kms_key_id:
            check_trail_key(self.account_id, trail.region_name, arn, bucket, kms_key_id)
        group = kwargs.get("cw_log_group_arn")
        role = kwargs.get("cw_role_arn")
        if group is not None or role is not None:
            check_trail_cloudwatch(self.account_id, trail.region_name, arn, group, role)
        return original_update(self, name=name, s3_bucket_name=s3_bucket_name, s3_key_prefix=s3_key_prefix, **kwargs)

    backend.update_trail = update_trail

    # PutEventSelectors: the limits and value rules AWS enforces.
    # https://docs.aws.amazon.com/awscloudtrail/latest/APIReference/API_PutEventSelectors.html
    # ("You can configure up to five event selectors for each trail";
    # EventSelectors and AdvancedEventSelectors exclude each other: error
    # InvalidParameterCombinationException "Either EventSelectors or
    # AdvancedEventSelectors must be specified, but not both";
    # InvalidEventSelectorsException for a data resource outside its type.)
    # https://docs.aws.amazon.com/awscloudtrail/latest/userguide/logging-data-events-with-cloudtrail.html
    # (up to 250 data resources across a trail's basic selectors; an S3
    # object resource is `arn:<partition>:s3` for every bucket or a bucket
    # ARN prefix `arn:<partition>:s3:::bucket/...`).
    original_put_selectors = backend.put_event_selectors

    def put_event_selectors(
        self: Any,
        trail_name: str,
        event_selectors: list[dict[str, Any]],
        advanced_event_selectors: list[dict[str, Any]],
    ) -> Any:
        if event_selectors and advanced_event_selectors:
            raise json_refusal(
                "InvalidParameterCombinationException",
                "Either EventSelectors or AdvancedEventSelectors must be specified, but not both.",
            )
        if event_selectors and len(event_selectors) > 5:
            raise json_refusal(
                "InvalidEventSelectorsException",
                f"Event selectors are limited to 5 per trail; {len(event_selectors)} were given.",  # message: ours
            )
        partition = partition_of(self.region_name)
        values = [
            (r.get("Type"), v)
            for sel in event_selectors or []
            for r in sel.get("DataResources") or []
            for v in r.get("Values") or []
        ]
        if len(values) > 250:
            raise json_refusal(
                "InvalidEventSelectorsException",
                f"A trail is limited to 250 data resources; {len(values)} were given.",  # message: ours
            )
        # "a maximum of 500 total values for all conditions in all advanced
        # event selectors on a trail":
        # https://docs.aws.amazon.com/awscloudtrail/latest/userguide/logging-data-events-with-cloudtrail.html
        advanced_values = sum(
            len(fs.get(op) or [])
            for sel in advanced_event_selectors or []
            for fs in sel.get("FieldSelectors") or []
            for op in ADVANCED_OPERATORS
        )
        if advanced_values > 500:
            raise json_refusal(
                "InvalidEventSelectorsException",
                f"Advanced event selectors are limited to 500 values per trail; {advanced_values} were given.",  # message: ours
            )
        for kind, value in values:
            if kind == "AWS::S3::Object" and not value.startswith(f"arn:{partition}:s3"):
                raise json_refusal(
                    "InvalidEventSelectorsException",
                    f"Value {value} for key DataResources.Values is invalid for type AWS::S3::Object.",  # message: ours
                )
        return original_put_selectors(self, trail_name, event_selectors, advanced_event_selectors)

    backend.put_event_selectors = put_event_selectors

    # An organization trail of the management account shows in every member
    # account (DescribeTrails, GetTrailStatus and GetEventSelectors by its
    # ARN), read only: moto keeps accounts apart.
    # https://docs.aws.amazon.com/awscloudtrail/latest/userguide/creating-trail-organization.html
    # ("Member accounts can see the organization trail, but cannot modify or delete it")
    def org_trails_for(account_id: str, region: str) -> list[Any]:
        management = _management_account_of(account_id)
        if management is None or management == account_id:
            return []
        out = []
        for regional in ctm.cloudtrail_backends[management].values():
            for trail in regional.trails.values():
                if getattr(trail, "is_org_trail", False) and (trail.is_multi_region or trail.region_name == region):
                    out.append(trail)
        return out

    original_describe = backend.describe_trails

    def describe_trails(self: Any, include_shadow_trails: bool) -> Any:
        own = list(original_describe(self, include_shadow_trails))
        return own + org_trails_for(self.account_id, self.region_name)

    backend.describe_trails = describe_trails

    original_get_trail = backend.get_trail

    def get_trail(self: Any, name_or_arn: str) -> Any:
        for trail in org_trails_for(self.account_id, self.region_name):
            if trail.arn == name_or_arn:
                return trail
        return original_get_trail(self, name_or_arn)

    backend.get_trail = get_trail


# ---------------------------------------------------------------------------
# Config
# ---------------------------------------------------------------------------

CONFIG = "config.amazonaws.com"


def install_config() -> None:
    """PutDeliveryChannel: the bucket must exist and let Config write.

    https://docs.aws.amazon.com/config/latest/developerguide/s3-bucket-policy.html
    With the service-linked role (or a bucket of another account) Config
    writes as config.amazonaws.com, so the bucket policy must allow it
    s3:GetBucketAcl on the bucket and s3:PutObject on
    bucket[/prefix]/AWSLogs/<account>/Config/* (x-amz-acl
    bucket-owner-full-control; aws:SourceAccount is the account, aws:SourceArn
    arn:<p>:config:<region>:<account>:*). With a customer role of the same
    account, that role's own policies may grant it instead.
    Messages as Config answers them (hashicorp/terraform-provider-aws#8655,
    awslabs/landing-zone-accelerator-on-aws#127).
    """
    from moto.config import models as cm

    backend = cm.ConfigBackend
    original = backend.put_delivery_channel

    def put_delivery_channel(self: Any, delivery_channel: dict[str, Any]) -> None:
        name = delivery_channel.get("s3BucketName")
        recorders = [r for r in self.recorders.values() if not r.name.startswith("AWSConfigurationRecorderFor")]
        if name and recorders:
            partition = partition_of(self.region_name)
            bucket = find_bucket(self.account_id, partition, name)
            if bucket is None:
                raise json_refusal("NoSuchBucketException", f"Cannot find a S3 bucket with name {name}.")  # message: ours
            prefix = delivery_channel.get("s3KeyPrefix")
            key_prefix = f"{prefix.strip('/')}/" if prefix else ""
            bucket_arn = f"arn:{partition}:s3:::{name}"
            object_arn = f"{bucket_arn}/{key_prefix}AWSLogs/{self.account_id}/Config/{self.region_name}/x.json.gz"
            context = {
                "aws:SourceAccount": self.account_id,
                "aws:SourceArn": f"arn:{partition}:config:{self.region_name}:{self.account_id}:*",
            }
            role_arn = recorders[0].role_arn or ""
            role = None
            if ":role/aws-service-role/" not in role_arn and bucket.account_id == self.account_id:
                role = find_role(self.account_id, partition, role_arn)

            def granted(action: str, resource: str, extra: dict[str, str]) -> bool:
                if allows([bucket.policy], ("Service", CONFIG), action, resource, {**context, **extra}):
                    return True
                return role is not None and allows(role_identity_policies(role), None, action, resource, extra)

            if not granted("s3:GetBucketAcl", bucket_arn, {}):
                raise json_refusal(
                    "InsufficientDeliveryPolicyException",
                    f"Insufficient delivery policy to s3 bucket: {name}, unable to get s3 bucket acl.",
                )
            if not granted("s3:PutObject", object_arn, {"s3:x-amz-acl": "bucket-owner-full-control"}):
                shown = prefix if prefix else "null"
                raise json_refusal(
                    "InsufficientDeliveryPolicyException",
                    f"Insufficient delivery policy to s3 bucket: {name}, unable to write to bucket, "
                    f"provided s3 key prefix is '{shown}', provided kms key is "
                    f"'{delivery_channel.get('s3KmsKeyArn') or 'null'}'.",
                )
        original(self, delivery_channel)

    backend.put_delivery_channel = put_delivery_channel


# ---------------------------------------------------------------------------
# EC2 flow logs
# ---------------------------------------------------------------------------

FLOW_LOGS = "vpc-flow-logs.amazonaws.com"


def install_ec2() -> None:
    """CreateFlowLogs: the delivery role must be one VPC Flow Logs can assume.

    https://docs.aws.amazon.com/vpc/latest/userguide/flow-logs-iam-role.html
    (trust vpc-flow-logs.amazonaws.com; aws:SourceAccount is the flow log's
    owner, aws:SourceArn arn:<p>:ec2:<region>:<account>:vpc-flow-log/<id>).
    AWS refuses the whole call: InvalidParameter, "Unable to assume given
    IAM role: '<arn>'" (hashicorp/terraform-provider-aws#29323). A role with
    delivery to S3: "DeliverLogsPermissionArn is not applicable for s3
    delivery" (aws-samples/aws-secure-environment-accelerator#1111).
    """
    from moto.ec2.models import flow_logs as flm

    cls = flm.FlowLogsBackend
    original = cls.create_flow_logs

    def create_flow_logs(
        self: Any,
        resource_type: str,
        resource_ids: list[str],
        traffic_type: str,
        deliver_logs_permission_arn: str,
        log_destination_type: str,
        log_destination: str,
        log_group_name: str,
        log_format: str,
        max_aggregation_interval: int,
    ) -> Any:
        destination = log_destination_type or "cloud-watch-logs"
        if destination == "s3" and deliver_logs_permission_arn:
            raise ec2_refusal("InvalidParameter", "DeliverLogsPermissionArn is not applicable for s3 delivery")
        if destination == "cloud-watch-logs" and deliver_logs_permission_arn:
            partition = partition_of(self.region_name)
            role = find_role(self.account_id, partition, deliver_logs_permission_arn)
            context = {
                "aws:SourceAccount": self.account_id,
                "aws:SourceArn": f"arn:{partition}:ec2:{self.region_name}:{self.account_id}:vpc-flow-log/fl-00000000000000000",
            }
            if role is None or not trusts(role, FLOW_LOGS, context):
                raise ec2_refusal(
                    "InvalidParameter",
                    f"Unable to assume given IAM role: '{deliver_logs_permission_arn}'",
                )
        return original(
            self,
            resource_type,
            resource_ids,
            traffic_type,
            deliver_logs_permission_arn,
            log_destination_type,
            log_destination,
            log_group_name,
            log_format,
            max_aggregation_interval,
        )

    cls.create_flow_logs = create_flow_logs


# ---------------------------------------------------------------------------
# Entry point
# ---------------------------------------------------------------------------


# ---------------------------------------------------------------------------
# STS
# ---------------------------------------------------------------------------


def _management_account_of(account_id: str) -> str | None:
    """The management account of the organization `account_id` is in."""
    from moto.organizations.models import organizations_backends

    for by_partition in organizations_backends.values():
        for backend in by_partition.values():
            org = getattr(backend, "org", None)
            if org is not None and any(a.id == account_id for a in getattr(backend, "accounts", [])):
                return org.master_account_id
    return None


def _in_an_organization(account_id: str) -> bool:
    from moto.organizations.models import organizations_backends

    for by_partition in organizations_backends.values():
        for backend in by_partition.values():
            if any(a.id == account_id for a in getattr(backend, "accounts", [])):
                return True
    return False


def _feature_set_of(account_id: str, partition: str) -> str | None:
    """FeatureSet of the organization `account_id` manages (None: none)."""
    from moto.organizations.models import organizations_backends

    org = getattr(organizations_backends[account_id][partition], "org", None)
    return getattr(org, "feature_set", None) if org is not None else None


def install_organizations() -> None:
    """Organizations as AWS answers it today.

    - An `Account` has `State` and no `Status`: AWS retired `Status` on
      2026-09-09 (DescribeAccount, ListAccounts, ListAccountsForParent):
      https://docs.aws.amazon.com/organizations/latest/APIReference/API_Account.html
      moto 5.2.1 still sends both.
    - EnableAWSServiceAccess needs all features: an organization with
      consolidated billing only refuses it with ConstraintViolationException
      (reason ORGANIZATION_NOT_IN_ALL_FEATURES_MODE):
      https://docs.aws.amazon.com/organizations/latest/APIReference/API_EnableAWSServiceAccess.html#API_EnableAWSServiceAccess_Errors
      https://docs.aws.amazon.com/organizations/latest/userguide/orgs_integrate_services.html
      ("you must enable all features in your organization"); message: ours.
    """
    from moto.organizations import models as om
    from moto.organizations.exceptions import ConstraintViolationException

    original_describe = om.FakeAccount.describe

    def describe(self: Any) -> dict[str, Any]:
        out = dict(original_describe(self))
        out.pop("Status", None)
        return out

    om.FakeAccount.describe = describe

    original_enable = om.OrganizationsBackend.enable_aws_service_access

    def enable_aws_service_access(self: Any, **kwargs: str) -> None:
        org = getattr(self, "org", None)
        if org is not None and org.feature_set != "ALL":
            raise ConstraintViolationException(
                "ORGANIZATION_NOT_IN_ALL_FEATURES_MODE: this operation requires that all features are enabled in the organization."
            )
        return original_enable(self, **kwargs)

    om.OrganizationsBackend.enable_aws_service_access = enable_aws_service_access


def install_sts() -> None:
    """AssumeRole: the role must exist and its trust policy admit the caller.

    moto lets any role ARN be assumed, existing or not ("the role does not
    need to exist"); AWS refuses with AccessDenied (403), "User: <caller> is
    not authorized to perform: sts:AssumeRole on resource: <role>":
    https://docs.aws.amazon.com/IAM/latest/UserGuide/troubleshoot_roles.html#troubleshoot_roles_cant-assume-role
    The caller is taken as its account's root (the trust of the role that
    Organizations creates names the management account's root). Only for
    accounts of an organization: the tests also use moto's switch into a
    bare account id (a "foreign" account with no IAM at all) to act as
    another account, which no real account could be.
    """
    from moto.core.exceptions import ServiceException
    from moto.sts import models as stm

    class AccessDenied(ServiceException):
        code = "AccessDenied"

    backend = stm.STSBackend
    original = backend.assume_role

    def assume_role(self: Any, region_name: str, role_session_name: str, role_arn: str, *args: Any, **kwargs: Any) -> Any:
        partition = partition_of(region_name)
        parts = role_arn.split(":")
        target = parts[4] if len(parts) > 5 else ""
        caller = f"arn:{partition}:iam::{self.account_id}:root"
        if not _in_an_organization(target):
            return original(self, region_name, role_session_name, role_arn, *args, **kwargs)
        role = find_role(target, partition, role_arn)
        if role is None or not allows([role.assume_role_policy_document], ("AWS", caller), "sts:AssumeRole", None, {}):
            raise AccessDenied(f"User: {caller} is not authorized to perform: sts:AssumeRole on resource: {role_arn}")
        return original(self, region_name, role_session_name, role_arn, *args, **kwargs)

    backend.assume_role = assume_role


# ---------------------------------------------------------------------------
# Elastic Load Balancing (v2) access logs
# ---------------------------------------------------------------------------

# The Elastic Load Balancing account of each Region that predates August 2022,
# for the legacy bucket policy (Principal arn:<p>:iam::<id>:root). "Regions
# that are not in this list do not support the legacy policy."
# https://docs.aws.amazon.com/elasticloadbalancing/latest/application/enable-access-logging.html
# (the same table is src/elb_accounts.rs)
ELB_ACCOUNTS = {
    "af-south-1": "098369216593",
    "ap-east-1": "754344448648",
    "ap-northeast-1": "582318560864",
    "ap-northeast-2": "600734575887",
    "ap-northeast-3": "383597477331",
    "ap-south-1": "718504428378",
    "ap-southeast-1": "114774131450",
    "ap-southeast-2": "783225319266",
    "ap-southeast-3": "589379963580",
    "ca-central-1": "985666609251",
    "cn-north-1": "638102146993",
    "cn-northwest-1": "037604701340",
    "eu-central-1": "054676820928",
    "eu-north-1": "897822967062",
    "eu-south-1": "635631232127",
    "eu-west-1": "156460612806",
    "eu-west-2": "652711504416",
    "eu-west-3": "009996457667",
    "me-south-1": "076674570225",
    "sa-east-1": "507241528517",
    "us-east-1": "127311923021",
    "us-east-2": "033677994240",
    "us-gov-east-1": "190560391635",
    "us-gov-west-1": "048591011584",
    "us-west-1": "027434742980",
    "us-west-2": "797873946194",
}
ELB_LOG_DELIVERY = "logdelivery.elasticloadbalancing.amazonaws.com"
VENDED_LOGS = "delivery.logs.amazonaws.com"


def _bucket_uses_kms(bucket: Any) -> bool:
    return "aws:kms" in json.dumps(getattr(bucket, "encryption", None) or {})


def check_lb_access_logs(account_id: str, region: str, balancer: Any, attrs: dict[str, Any]) -> None:
    """ModifyLoadBalancerAttributes turning access logs on: ELB writes a test
    file first, so the bucket must exist, be in the load balancer's Region and
    let ELB write `bucket/[prefix/]AWSLogs/<account>/…`.

    Application Load Balancer:
    https://docs.aws.amazon.com/elasticloadbalancing/latest/application/enable-access-logging.html
    (s3:PutObject for the Region's ELB account root in the Regions of
    ELB_ACCOUNTS, which is then the only principal admitted, and
    logdelivery.elasticloadbalancing.amazonaws.com in the Regions without
    one; "The only
    server-side encryption option that's supported is Amazon S3-managed keys
    (SSE-S3)"; the prefix "must not include the string AWSLogs").
    Network Load Balancer:
    https://docs.aws.amazon.com/elasticloadbalancing/latest/network/enable-access-logs.html
    (s3:PutObject for delivery.logs.amazonaws.com with x-amz-acl
    bucket-owner-full-control, aws:SourceAccount the account, aws:SourceArn
    arn:<p>:logs:<region>:<account>:*; SSE-KMS with a customer managed key is
    allowed).
    The refusal, as the pages' troubleshooting sections word it:
    InvalidConfigurationRequest, "Access Denied for bucket: <bucket>. Please
    check S3bucket permission" (HTTP 400, botocore's ELBv2 model).
    """
    from moto.elbv2.exceptions import InvalidConfigurationRequest, ValidationError

    if not any(key.startswith("access_logs.s3.") for key in attrs):
        return  # other attributes: the bucket is not checked again
    merged = {**balancer.attrs, **attrs}
    if str(merged.get("access_logs.s3.enabled", "false")).lower() != "true":
        return
    kind = getattr(balancer, "type", "application")
    if kind not in ("application", "network"):
        return
    name = merged.get("access_logs.s3.bucket") or ""
    prefix = merged.get("access_logs.s3.prefix") or ""
    if "AWSLogs" in prefix:
        raise ValidationError("The prefix can't include the string 'AWSLogs'")  # message: ours (the pages' rule)
    denied = InvalidConfigurationRequest(f"Access Denied for bucket: {name}. Please check S3bucket permission")
    partition = partition_of(region)
    bucket = find_bucket(account_id, partition, name) if name else None
    if bucket is None or bucket.region_name != region:
        raise denied
    key_prefix = f"{prefix.strip('/')}/" if prefix.strip("/") else ""
    bucket_arn = f"arn:{partition}:s3:::{name}"
    if kind == "application":
        if _bucket_uses_kms(bucket):
            raise denied
        resource = f"{bucket_arn}/{key_prefix}AWSLogs/{account_id}/ELBAccessLogTestFile"
        context = {
            "aws:SourceAccount": account_id,
            "aws:SourceArn": balancer.arn,
            "s3:x-amz-acl": "bucket-owner-full-control",
        }
        # In a Region with an ELB account, that account writes the logs and
        # only its principal is admitted; elsewhere the service principal.
        elb_account = ELB_ACCOUNTS.get(region)
        if elb_account:
            principals = [("AWS", f"arn:{partition}:iam::{elb_account}:root"), ("AWS", elb_account)]
        else:
            principals = [("Service", ELB_LOG_DELIVERY)]
        ok = any(allows([bucket.policy], p, "s3:PutObject", resource, context) for p in principals)
    else:
        resource = f"{bucket_arn}/{key_prefix}AWSLogs/{account_id}/elasticloadbalancing/{region}/x.log.gz"
        context = {
            "aws:SourceAccount": account_id,
            "aws:SourceArn": f"arn:{partition}:logs:{region}:{account_id}:*",
            "s3:x-amz-acl": "bucket-owner-full-control",
        }
        ok = allows([bucket.policy], ("Service", VENDED_LOGS), "s3:PutObject", resource, context)
    if not ok:
        raise denied


def check_classic_access_log(account_id: str, region: str, name: str, access_log: dict[str, Any]) -> None:
    """ModifyLoadBalancerAttributes of a Classic Load Balancer turning its
    AccessLog on: the same rules as an Application Load Balancer's (the
    bucket in the Region, SSE-S3 at most, the Region's ELB account, or
    logdelivery.elasticloadbalancing.amazonaws.com where there is none,
    allowed s3:PutObject on bucket/[prefix/]AWSLogs/<account>/*).
    https://docs.aws.amazon.com/elasticloadbalancing/latest/classic/enable-access-logs.html
    (InvalidConfigurationRequest "Access Denied for bucket: <bucket>. Please
    check S3bucket permission", its troubleshooting section).
    """
    from moto.elb.exceptions import ELBClientError

    def value(key: str) -> Any:
        return access_log.get(key, access_log.get(key[0].lower() + key[1:]))

    if str(value("Enabled")).lower() != "true":
        return
    name_ = value("S3BucketName") or ""
    prefix = value("S3BucketPrefix") or ""
    denied = ELBClientError("InvalidConfigurationRequest", f"Access Denied for bucket: {name_}. Please check S3bucket permission")
    partition = partition_of(region)
    bucket = find_bucket(account_id, partition, name_) if name_ else None
    if bucket is None or bucket.region_name != region or _bucket_uses_kms(bucket):
        raise denied
    key_prefix = f"{prefix.strip('/')}/" if prefix.strip("/") else ""
    resource = f"arn:{partition}:s3:::{name_}/{key_prefix}AWSLogs/{account_id}/ELBAccessLogTestFile"
    context = {
        "aws:SourceAccount": account_id,
        "aws:SourceArn": f"arn:{partition}:elasticloadbalancing:{region}:{account_id}:loadbalancer/{name}",
    }
    elb_account = ELB_ACCOUNTS.get(region)
    if elb_account:
        principals = [("AWS", f"arn:{partition}:iam::{elb_account}:root"), ("AWS", elb_account)]
    else:
        principals = [("Service", ELB_LOG_DELIVERY)]
    if not any(allows([bucket.policy], p, "s3:PutObject", resource, context) for p in principals):
        raise denied


def install_elb() -> None:
    from moto.elb import models as elbm

    backend = elbm.ELBBackend
    original = backend.modify_load_balancer_attributes

    def modify_load_balancer_attributes(self: Any, load_balancer_name: str, *args: Any, **kwargs: Any) -> Any:
        access_log = kwargs.get("access_log")
        if access_log:
            check_classic_access_log(self.account_id, self.region_name, load_balancer_name, access_log)
        return original(self, load_balancer_name, *args, **kwargs)

    backend.modify_load_balancer_attributes = modify_load_balancer_attributes


def install_elbv2() -> None:
    from moto.elbv2 import models as elbm

    backend = elbm.ELBv2Backend
    original = backend.modify_load_balancer_attributes

    def modify_load_balancer_attributes(self: Any, arn: str, attrs: dict[str, Any]) -> dict[str, Any]:
        balancer = self.load_balancers.get(arn)
        if balancer is not None:
            check_lb_access_logs(self.account_id, self.region_name, balancer, attrs)
        return original(self, arn, attrs)

    backend.modify_load_balancer_attributes = modify_load_balancer_attributes


# ---------------------------------------------------------------------------
# API Gateway (REST APIs, and the account settings WebSocket APIs share)
# ---------------------------------------------------------------------------

APIGATEWAY = "apigateway.amazonaws.com"
_LOG_GROUP_ARN = re.compile(r"arn:(aws|aws-cn|aws-us-gov):logs:([a-z0-9-]+):(\d{12}):log-group:([^:*]+)")


def _apigw_bad_request(message: str) -> Exception:
    from moto.apigateway.exceptions import BadRequestException

    return BadRequestException(message)


def _log_group_exists(account_id: str, region: str, name: str) -> bool:
    from moto.logs.models import logs_backends

    try:
        return name in logs_backends[account_id][region].groups
    except Exception:
        return False


def _account_role_arn(account_id: str, region: str) -> str | None:
    from moto.apigateway.models import apigateway_backends

    try:
        return apigateway_backends[account_id][region].account.cloudwatch_role_arn or None
    except Exception:
        return None


def check_access_log_destination(account_id: str, region: str, destination: str, need_role: bool, bad: Callable[[str], Exception]) -> None:
    """An access-log destination of an API Gateway stage.

    https://docs.aws.amazon.com/apigateway/latest/developerguide/set-up-logging.html
    (the destination is a log group ARN, arn:<p>:logs:<region>:<account>:log-group:<name>,
    of the API's Region; logging to CloudWatch needs the account's CloudWatch
    Logs role "for each Region"). Messages as API Gateway answers them:
    "CloudWatch Logs role ARN must be set in account settings to enable
    logging" (aws-solutions/virtual-waiting-room-on-aws#74, aws/aws-cdk#33977
    for WebSocket APIs); "Invalid ARN specified in the request"
    (aws/aws-sdk-js#868). Firehose destinations are not checked.
    """
    if destination.startswith("arn:") and destination.split(":")[2:3] == ["firehose"]:
        return
    if need_role and not _account_role_arn(account_id, region):
        raise bad("CloudWatch Logs role ARN must be set in account settings to enable logging")
    m = _LOG_GROUP_ARN.fullmatch(destination or "")
    if m is None or m.group(1) != partition_of(region) or m.group(2) != region or m.group(3) != account_id:
        raise bad("Invalid ARN specified in the request")
    if not _log_group_exists(account_id, region, m.group(4)):
        raise bad(f"Log group {m.group(4)} does not exist")  # message: ours


def install_apigateway() -> None:
    """UpdateAccount and UpdateStage (REST APIs).

    UpdateAccount `/cloudwatchRoleArn`: the role must exist and trust
    apigateway.amazonaws.com
    (https://docs.aws.amazon.com/apigateway/latest/developerguide/set-up-logging.html#set-up-access-logging-permissions);
    message as API Gateway answers it (aws-cloudformation/rain#163).
    UpdateStage: the stage must exist (moto creates it; AWS answers
    NotFoundException "Invalid stage identifier specified",
    https://docs.aws.amazon.com/apigateway/latest/api/API_UpdateStage.html),
    and `/accessLogSettings/destinationArn` is checked by
    check_access_log_destination.
    """
    from moto.apigateway import models as agm
    from moto.apigateway.exceptions import StageNotFoundException

    backend = agm.APIGatewayBackend
    original_account = backend.update_account

    def update_account(self: Any, patch_operations: list[dict[str, Any]]) -> Any:
        partition = partition_of(self.region_name)
        for op in patch_operations:
            if op.get("path") == "/cloudwatchRoleArn" and op.get("op") in ("replace", "add") and op.get("value"):
                role = find_role(self.account_id, partition, op["value"])
                context = {"aws:SourceAccount": self.account_id}
                if role is None or not trusts(role, APIGATEWAY, context):
                    raise _apigw_bad_request(
                        "The role ARN does not have required permissions configured. "
                        "Please grant trust permission for API Gateway and add the required role policy."
                    )
        return original_account(self, patch_operations)

    backend.update_account = update_account

    original_stage = backend.update_stage

    def update_stage(self: Any, function_id: str, stage_name: str, patch_operations: Any) -> Any:
        api = self.get_rest_api(function_id)
        if stage_name not in api.stages:
            raise StageNotFoundException()
        for op in patch_operations or []:
            if op.get("op") in ("replace", "add") and op.get("path") == "/accessLogSettings/destinationArn":
                check_access_log_destination(
                    self.account_id, self.region_name, str(op.get("value") or ""), True, _apigw_bad_request
                )
            # Execution logging (`/{resource}/{method}/logging/loglevel` ERROR
            # or INFO) writes through the account's role too.
            # https://docs.aws.amazon.com/apigateway/latest/developerguide/set-up-logging.html
            if (
                op.get("op") in ("replace", "add")
                and str(op.get("path") or "").endswith("/logging/loglevel")
                and str(op.get("value") or "OFF").upper() != "OFF"
                and not _account_role_arn(self.account_id, self.region_name)
            ):
                raise _apigw_bad_request("CloudWatch Logs role ARN must be set in account settings to enable logging")
        return original_stage(self, function_id, stage_name, patch_operations)

    backend.update_stage = update_stage


# ---------------------------------------------------------------------------
# API Gateway v2 (HTTP and WebSocket APIs)
# ---------------------------------------------------------------------------


def _apigwv2_bad_request(message: str) -> Exception:
    from moto.apigatewayv2.exceptions import BadRequestException

    return BadRequestException(message)


def install_cloudtrail_event_data_stores() -> None:
    """CloudTrail ListEventDataStores, which moto 5.2.1 lacks: the emulator
    holds no CloudTrail Lake event data store, so the answer is the empty
    list AWS gives an account without one.
    https://docs.aws.amazon.com/awscloudtrail/latest/APIReference/API_ListEventDataStores.html
    """
    from moto.cloudtrail import responses as ctr

    def list_event_data_stores(self: Any) -> str:
        return json.dumps({"EventDataStores": []})

    ctr.CloudTrailResponse.list_event_data_stores = list_event_data_stores


def install_apigatewayv2_update_stage() -> None:
    """UpdateStage (PATCH /v2/apis/{apiId}/stages/{stageName}), which moto
    5.2.1 lacks; installed in lenient mode too. Fields as
    https://docs.aws.amazon.com/apigatewayv2/latest/api-reference/apis-apiid-stages-stagename.html
    describes them; `accessLogSettings` set to `{}` (or null) clears access
    logging, as the Terraform AWS provider does to turn it off.
    """
    from datetime import datetime

    from moto.apigatewayv2 import models as agv2m
    from moto.apigatewayv2 import responses as agv2r

    fields = {
        "autoDeploy": "auto_deploy",
        "clientCertificateId": "client_certificate_id",
        "defaultRouteSettings": "default_route_settings",
        "description": "description",
        "routeSettings": "route_settings",
        "stageVariables": "stage_variables",
    }

    def update_stage(self: Any, api_id: str, stage_name: str, body: dict[str, Any]) -> Any:
        stage = self.get_stage(api_id, stage_name)
        if "accessLogSettings" in body:
            settings = body["accessLogSettings"] or {}
            stage.access_log_settings = {k: v for k, v in settings.items() if v} or None
        for key, attr in fields.items():
            if key in body:
                setattr(stage, attr, body[key])
        if "deploymentId" in body:
            stage.config["deploymentId"] = body["deploymentId"]
        stage.updated = datetime.now()
        return stage

    agv2m.ApiGatewayV2Backend.update_stage = update_stage

    def update_stage_response(self: Any) -> Any:
        parts = self.path.split("/")
        api_id, stage_name = parts[-3], unquote(parts[-1])
        body = json.loads(self.body or "{}")
        stage = self.apigatewayv2_backend.update_stage(api_id, stage_name, body)
        return 200, {}, json.dumps(stage.to_json())

    agv2r.ApiGatewayV2Response.update_stage = update_stage_response


# Items per page of an apigatewayv2 list when the caller gives no maxResults.
V2_PAGE = 25


def install_apigatewayv2_get_stages() -> None:
    """GetStages (GET /v2/apis/{apiId}/stages) is paginated: `maxResults`
    and `nextToken` in, `nextToken` out while more remain
    (https://docs.aws.amazon.com/apigatewayv2/latest/api-reference/apis-apiid-stages.html).
    moto 5.2.1 returns every stage at once; here a page holds maxResults
    items, or V2_PAGE when none is given (AWS's own page size is not
    documented), so a reader that ignores nextToken misses stages.
    """
    from moto.apigatewayv2 import responses as agv2r

    def get_stages(self: Any) -> Any:
        api_id = self.path.split("?")[0].split("/")[-2]
        stages = self.apigatewayv2_backend.get_stages(api_id)
        size = int(self._get_param("maxResults") or V2_PAGE)
        start = int(self._get_param("nextToken") or 0)
        page = stages[start : start + size]
        body: dict[str, Any] = {"items": [st.to_json() for st in page]}
        if start + size < len(stages):
            body["nextToken"] = str(start + size)
        return 200, {}, json.dumps(body)

    agv2r.ApiGatewayV2Response.get_stages = get_stages


def install_apigatewayv2() -> None:
    """UpdateStage `accessLogSettings.destinationArn`: a log group ARN of the
    API's Region (check_access_log_destination). HTTP APIs need no account
    role; WebSocket APIs do (aws/aws-cdk#33977:
    https://docs.aws.amazon.com/apigateway/latest/developerguide/http-api-logging.html,
    https://docs.aws.amazon.com/apigateway/latest/developerguide/websocket-api-logging.html).
    """
    from moto.apigatewayv2 import models as agv2m

    backend = agv2m.ApiGatewayV2Backend
    original = backend.update_stage

    def update_stage(self: Any, api_id: str, stage_name: str, body: dict[str, Any]) -> Any:
        api = self.get_api(api_id)
        api.get_stage(stage_name)
        destination = (body.get("accessLogSettings") or {}).get("destinationArn")
        if destination:
            check_access_log_destination(
                self.account_id,
                self.region_name,
                str(destination),
                api.protocol_type == "WEBSOCKET",
                _apigwv2_bad_request,
            )
        return original(self, api_id, stage_name, body)

    backend.update_stage = update_stage


# ---------------------------------------------------------------------------
# CloudWatch Logs vended-log deliveries (CloudFront standard logging v2)
# ---------------------------------------------------------------------------


def _find_distribution(account_id: str, distribution_id: str) -> Any | None:
    from moto.cloudfront.models import cloudfront_backends

    try:
        for backend in cloudfront_backends[account_id].values():
            if distribution_id in backend.distributions:
                return backend.distributions[distribution_id]
    except Exception:
        return None
    return None


_DELIVERY_NAME = re.compile(r"[\w-]{1,60}")


def _check_delivery_name(name: str) -> None:
    """Delivery source and destination names: 1 to 60 characters of `[\w-]`.

    https://docs.aws.amazon.com/AmazonCloudWatchLogs/latest/APIReference/API_PutDeliverySource.html
    https://docs.aws.amazon.com/AmazonCloudWatchLogs/latest/APIReference/API_PutDeliveryDestination.html
    (Length Constraints: 1 to 60; Pattern: [\w-]*). ValidationException, message ours.
    """
    from moto.logs.exceptions import ValidationException

    if not _DELIVERY_NAME.fullmatch(name or ""):
        raise ValidationException(f"1 validation error detected: Value '{name}' at 'name' failed to satisfy constraint")


def install_logs() -> None:
    """PutDeliverySource for a CloudFront distribution, and CreateDelivery to S3.

    PutDeliverySource: a CloudFront distribution is a source only in
    us-east-1, only for a distribution of the caller's account that exists,
    and only with logType ACCESS_LOGS:
    https://docs.aws.amazon.com/AmazonCloudFront/latest/DeveloperGuide/standard-logging.html
    ("you must use the US East (N. Virginia) Region"),
    https://docs.aws.amazon.com/AmazonCloudWatchLogs/latest/APIReference/API_PutDeliverySource.html
    (CloudFront: ACCESS_LOGS). ValidationException, messages ours.

    CreateDelivery to an S3 destination: the bucket policy must let
    delivery.logs.amazonaws.com s3:PutObject `bucket/[path/]AWSLogs/<account>/…`
    (x-amz-acl bucket-owner-full-control, aws:SourceAccount, aws:SourceArn the
    delivery source). When it does not, AWS appends its own AWSLogDeliveryWrite
    statement to the bucket policy (or creates the policy, Id
    AWSLogDeliveryWrite20150319) — the caller holding s3:GetBucketPolicy and
    s3:PutBucketPolicy, which moto does not check:
    https://docs.aws.amazon.com/AmazonCloudWatch/latest/logs/AWS-logs-infrastructure-V2-S3.html
    A policy with NotAction or NotPrincipal cannot be amended, and the
    delivery fails:
    https://docs.aws.amazon.com/AmazonCloudWatch/latest/logs/AWS-logs-infrastructure-S3.html
    (AccessDeniedException, message ours); so does a bucket that does not
    exist (ResourceNotFoundException, message ours).
    """
    from moto.logs import models as lgm
    from moto.logs.exceptions import ResourceNotFoundException, ValidationException

    backend = lgm.LogsBackend
    original_source = backend.put_delivery_source

    def put_delivery_source(self: Any, name: str, resource_arn: str, log_type: str, tags: dict[str, str]) -> Any:
        _check_delivery_name(name)
        parts = (resource_arn or "").split(":", 5)
        if len(parts) == 6 and parts[2] == "cloudfront":
            if self.region_name != "us-east-1":
                raise ValidationException(
                    "CloudFront distributions can be delivery sources only in us-east-1."  # message: ours
                )
            if log_type != "ACCESS_LOGS":
                raise ValidationException(
                    f"Log type {log_type} is not supported for CloudFront; use ACCESS_LOGS."  # message: ours
                )
            distribution_id = parts[5].split("/", 1)[1] if parts[5].startswith("distribution/") else ""
            if parts[4] != self.account_id or _find_distribution(self.account_id, distribution_id) is None:
                raise ValidationException(
                    f"Resource {resource_arn} does not exist or is not in this account."  # message: ours
                )
        return original_source(self, name, resource_arn, log_type, tags)

    backend.put_delivery_source = put_delivery_source

    original_destination = backend.put_delivery_destination

    def put_delivery_destination(self: Any, name: str, *args: Any, **kwargs: Any) -> Any:
        _check_delivery_name(name)
        return original_destination(self, name, *args, **kwargs)

    backend.put_delivery_destination = put_delivery_destination

    original_delivery = backend.create_delivery

    def create_delivery(
        self: Any,
        delivery_source_name: str,
        delivery_destination_arn: str,
        record_fields: list[str] | None,
        field_delimiter: str | None,
        s3_delivery_configuration: dict[str, Any] | None,
        tags: dict[str, str] | None,
    ) -> Any:
        source = self.delivery_sources.get(delivery_source_name)
        destination = next(
            (d for d in self.delivery_destinations.values() if d.arn == delivery_destination_arn), None
        )
        if source is not None and destination is not None and destination.delivery_destination_type == "S3":
            target = destination.delivery_destination_configuration["destinationResourceArn"]
            bucket_name, _, path = target.split(":::", 1)[-1].partition("/")
            partition = partition_of(self.region_name)
            bucket = find_bucket(self.account_id, partition, bucket_name)
            if bucket is None:
                raise ResourceNotFoundException(msg=f"The S3 bucket {bucket_name} does not exist.")  # message: ours
            key_prefix = f"{path.strip('/')}/" if path.strip("/") else ""
            bucket_arn = f"arn:{partition}:s3:::{bucket_name}"
            context = {
                "aws:SourceAccount": self.account_id,
                "aws:SourceArn": source.arn,
                "s3:x-amz-acl": "bucket-owner-full-control",
            }
            resource = f"{bucket_arn}/{key_prefix}AWSLogs/{self.account_id}/{source.service}/x.log.gz"
            if not allows([bucket.policy], ("Service", VENDED_LOGS), "s3:PutObject", resource, context):
                policy = parse_policy(bucket.policy)
                if policy is not None and any(
                    "NotAction" in s or "NotPrincipal" in s for s in statements(policy)
                ):
                    raise json_refusal(
                        "AccessDeniedException",
                        f"Could not add log delivery permissions to the policy of bucket {bucket_name}.",  # message: ours
                    )
                if policy is None:
                    policy = {"Version": "2012-10-17", "Id": "AWSLogDeliveryWrite20150319", "Statement": []}
                stmts = _as_list(policy.get("Statement"))
                sids = {s.get("Sid") for s in stmts if isinstance(s, dict)}
                sid, n = "AWSLogDeliveryWrite", 1
                while sid in sids:
                    sid, n = f"AWSLogDeliveryWrite{n}", n + 1
                stmts.append(
                    {
                        "Sid": sid,
                        "Effect": "Allow",
                        "Principal": {"Service": VENDED_LOGS},
                        "Action": "s3:PutObject",
                        "Resource": f"{bucket_arn}/{key_prefix}AWSLogs/{self.account_id}/*",
                        "Condition": {
                            "StringEquals": {
                                "s3:x-amz-acl": "bucket-owner-full-control",
                                "aws:SourceAccount": [self.account_id],
                            },
                            "ArnLike": {
                                "aws:SourceArn": [
                                    f"arn:{partition}:logs:{self.region_name}:{self.account_id}:delivery-source:*"
                                ]
                            },
                        },
                    }
                )
                policy["Statement"] = stmts
                bucket.policy = json.dumps(policy).encode("utf-8")
        return original_delivery(
            self,
            delivery_source_name,
            delivery_destination_arn,
            record_fields,
            field_delimiter,
            s3_delivery_configuration,
            tags,
        )

    backend.create_delivery = create_delivery


# ---------------------------------------------------------------------------
# What moto lacks (installed in lenient mode too)
# ---------------------------------------------------------------------------


def install_missing() -> None:
    """Features moto 5.2.1 lacks, which AWS has: not strictness rules.

    - apigatewayv2 UpdateStage (install_apigatewayv2_update_stage);
    - KMS Sign and Verify as AWS signs (strict_kms.py: message bytes,
      MessageType DIGEST, the PSS salt, KMSInvalidSignatureException);
    - apigateway UpdateAccount `replace /cloudwatchRoleArn` with an empty
      value clears the role (moto kept ""; AWS leaves the field out);
    - apigatewayv2 GetStages pages its items (install_apigatewayv2_get_stages);
    - a CloudFront distribution's ARN as AWS writes it,
      arn:<p>:cloudfront::<account>:distribution/<id> (moto 5.2.1 leaves out
      the empty Region field):
      https://docs.aws.amazon.com/service-authorization/latest/reference/list_amazoncloudfront.html#amazoncloudfront-resources-for-iam-policies
    """
    from moto.apigateway import models as agm
    from moto.cloudfront import models as cfm

    install_apigatewayv2_update_stage()
    install_cloudtrail_event_data_stores()
    strict_kms.install()
    install_apigatewayv2_get_stages()

    original_distribution = cfm.Distribution.__init__

    def distribution_init(self: Any, account_id: str, region_name: str, config: dict[str, Any]) -> None:
        original_distribution(self, account_id, region_name, config)
        self.arn = f"arn:{partition_of(region_name)}:cloudfront::{account_id}:distribution/{self.distribution_id}"

    cfm.Distribution.__init__ = distribution_init

    original = agm.Account.apply_patch_operations

    def apply_patch_operations(self: Any, patch_operations: list[dict[str, Any]]) -> Any:
        result = original(self, patch_operations)
        if not self.cloudwatch_role_arn:
            self.cloudwatch_role_arn = None
        return result

    agm.Account.apply_patch_operations = apply_patch_operations


def install() -> None:
    """Patch moto's backends (idempotent per process: call once)."""
    install_s3()
    install_iam()
    install_cloudtrail()
    install_config()
    install_ec2()
    install_sts()
    install_organizations()
    install_elbv2()
    install_elb()
    install_apigateway()
    install_apigatewayv2()
    install_logs()


def main(argv: list[str]) -> None:
    lenient = "--lenient" in argv
    argv = [a for a in argv if a != "--lenient"]
    try:
        install_missing()
        if not lenient:
            install()
    except (AttributeError, ImportError) as err:
        import moto

        sys.exit(
            f"strict_moto: cannot patch moto {moto.__version__} ({err}); "
            "it was written against moto 5.2.1 (scripts/ensure-moto installs it)"
        )
    from moto.server import main as moto_main

    moto_main(argv)


if __name__ == "__main__":
    main(sys.argv[1:])
