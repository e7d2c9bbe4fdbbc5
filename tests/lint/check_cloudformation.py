"""cfn-lint (AWS's CloudFormation linter: the resource schemas of every
region, and its IAM policy rules) over the member-account role templates
that `remediate permissions --format cloudformation` prints.

    <python from scripts/ensure-linters> tests/lint/check_cloudformation.py TEMPLATE...

Every rule cfn-lint has runs, in every region it knows: errors, warnings,
and the informational and experimental rules too (cfn-lint's `lint_all`),
because a StackSet deploys the template into accounts and regions we do not
see. Prints every finding, then one line `cfn-lint: <n> templates; findings
by rule: RULE=n ...; blocking: n`, and exits 1 when an error (E) or a
warning (W) is among them: the two levels cfn-lint reports by default.
Informational rules (I, which cfn-lint runs only when asked) are printed
and counted, not blocking, as parliament's informational kinds are.
"""

import sys
from collections import Counter

from cfnlint.api import lint_all


def main(paths):
    counts = Counter()
    blocking = 0
    for path in paths:
        with open(path) as f:
            template = f.read()
        for m in lint_all(template):
            counts[m.rule.id] += 1
            level = "BLOCKING" if m.rule.id[:1] in "EW" else "info"
            if level == "BLOCKING":
                blocking += 1
            print(f"{level} {m.rule.id} in {path} line {m.linenumber}: {m.message}")
    summary = " ".join(f"{k}={v}" for k, v in sorted(counts.items())) or "none"
    print(f"cfn-lint: {len(paths)} templates; findings by rule: {summary}; blocking: {blocking}")
    return 1 if blocking else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
