"""parliament (Duo Labs' IAM policy linter, which reads AWS's tables of
actions, resource types and condition keys) over every IAM-style document
the tool writes or prints.

    <python from scripts/ensure-linters> tests/lint/check_policies.py DOCS.json

DOCS.json is a list of {"name", "kind", "document"}; kind is
- "identity": a role's inline policy or a printed `permissions` policy;
- "resource": a bucket or key policy (a Principal, a Resource);
- "trust": a role's trust policy, with "resource": the role's ARN.

A trust policy is the role's resource policy, so it has no Resource element
by design (IAM refuses one there), and parliament stops at the first
statement without one (MALFORMED, "neither Resource nor NotResource") before
it reads the actions and conditions. It is checked with the role's ARN as
each statement's Resource, which is what `sts:AssumeRole` acts on: the
actions, the principals and the condition keys are then read as for any
other policy.

Prints every finding, then one line `parliament: <n> documents; findings
by kind: KIND=n ...; blocking: n`, and exits 1 when a blocking finding is
among them (the kinds that mean AWS would refuse the document or that it
does not grant what it says). Informational kinds (RESOURCE_STAR and the
like) are printed and counted, not blocking.
"""

import json
import sys
import warnings
from collections import Counter

# parliament 1.6.4 imports pkg_resources, which warns that it is deprecated.
warnings.filterwarnings("ignore", message="pkg_resources is deprecated")
import parliament  # noqa: E402

# The kinds that mean the document is wrong: AWS refuses it, or an action,
# principal, condition key or resource in it is not what AWS knows.
BLOCKING = {
    "MALFORMED",
    "UNKNOWN_ACTION",
    "UNKNOWN_PREFIX",
    "UNKNOWN_PRINCIPAL",
    "UNKNOWN_CONDITION_FOR_ACTION",
    "MISMATCHED_TYPE",
    "RESOURCE_MISMATCH",
}

KINDS = {"identity", "resource", "trust"}


def as_checked(entry):
    doc = entry["document"]
    if entry["kind"] != "trust":
        return doc
    doc = json.loads(json.dumps(doc))
    statements = doc["Statement"]
    if isinstance(statements, dict):
        statements = [statements]
    for s in statements:
        assert "Resource" not in s and "NotResource" not in s, (
            f"{entry['name']}: a trust policy with a Resource (IAM refuses it)"
        )
        s["Resource"] = entry["resource"]
    return doc


def main(path):
    with open(path) as f:
        entries = json.load(f)
    counts = Counter()
    blocking = 0
    for e in entries:
        assert e["kind"] in KINDS, e
        policy = parliament.analyze_policy_string(
            json.dumps(as_checked(e)), include_community_auditors=False
        )
        for finding in policy.findings:
            counts[finding.issue] += 1
            mark = "BLOCKING" if finding.issue in BLOCKING else "info"
            if finding.issue in BLOCKING:
                blocking += 1
            print(f"{mark} {finding.issue} in {e['name']} ({e['kind']}): {finding.detail}")
    summary = " ".join(f"{k}={v}" for k, v in sorted(counts.items())) or "none"
    print(f"parliament: {len(entries)} documents; findings by kind: {summary}; blocking: {blocking}")
    return 1 if blocking else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1]))
