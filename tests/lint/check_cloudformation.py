"""cfn-lint (AWS's CloudFormation linter: the resource schemas of every
region, and its IAM policy rules) over the member-account role templates
that `remediate permissions --format cloudformation` prints.

    <python from scripts/ensure-linters> tests/lint/check_cloudformation.py TEMPLATE...

Every rule cfn-lint has runs, in every region it knows: errors, warnings,
and the informational and experimental rules too (cfn-lint's `lint_all`),
because a StackSet deploys the template into accounts and regions we do not
see. Prints every finding, then one line `cfn-lint: <n> templates; findings
by rule: RULE=n ...; total: n`, and exits 1 when there is any.
"""

import sys
from collections import Counter

from cfnlint.api import lint_all


def main(paths):
    counts = Counter()
    for path in paths:
        with open(path) as f:
            template = f.read()
        for m in lint_all(template):
            counts[m.rule.id] += 1
            print(f"{m.rule.id} in {path} line {m.linenumber}: {m.message}")
    summary = " ".join(f"{k}={v}" for k, v in sorted(counts.items())) or "none"
    total = sum(counts.values())
    print(f"cfn-lint: {len(paths)} templates; findings by rule: {summary}; total: {total}")
    return 1 if total else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
