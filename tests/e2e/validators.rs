//! Validators made by others: parliament (Duo Labs' IAM policy linter, which
//! reads AWS's tables of actions, resource types and condition keys) over
//! every IAM-style document the tool writes or prints, and cfn-lint (AWS's
//! CloudFormation linter) over its StackSet templates.
//!
//! The linters run in the Python `scripts/ensure-linters` answers (pinned
//! versions, installed into `.venv` when missing). Without them these tests
//! fail, naming that script: they never pass without having linted.
//!
//! The documents come from plans of the seeded non-compliant account: every
//! benchmark version (flow logs to CloudWatch Logs, and to S3 under a
//! `remediate.toml` that asks for it), and an organization-trail run.

use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

use serde_json::{Value, json};

use crate::common::{self, Moto};
use crate::{TWO, plan_json};

/// The install script, named by every failure that lacks the linters.
const ENSURE: &str = "scripts/ensure-linters";

/// The Python with the pinned parliament and cfn-lint: the answer of
/// `scripts/ensure-linters` (which honours `REMEDIATE_LINT_PYTHON` and
/// installs the pins into `.venv` when no Python has them). Panics, naming
/// the script, when it finds none.
fn lint_python() -> PathBuf {
    let script = Path::new(env!("CARGO_MANIFEST_DIR")).join(ENSURE);
    let out = Command::new(&script)
        .stdin(Stdio::null())
        .output()
        .unwrap_or_else(|e| panic!("run {ENSURE} ({}): {e}", script.display()));
    let answer = String::from_utf8_lossy(&out.stdout).trim().to_owned();
    assert!(
        out.status.success() && !answer.is_empty(),
        "no Python with the pinned parliament and cfn-lint: run {ENSURE} (it installs them \
         from PyPI into .venv), or set REMEDIATE_LINT_PYTHON to a Python that has them; \
         {ENSURE} said ({}):\n{}",
        out.status,
        String::from_utf8_lossy(&out.stderr)
    );
    PathBuf::from(answer)
}

/// Runs `tests/lint/<script>` with `args` in the linters' Python; returns
/// (success, stdout).
fn run_checker(script: &str, args: &[&Path]) -> (bool, String) {
    let path = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/lint")
        .join(script);
    let out = Command::new(lint_python())
        .arg(&path)
        .args(args)
        .output()
        .unwrap_or_else(|e| panic!("run {}: {e}", path.display()));
    let stdout = String::from_utf8_lossy(&out.stdout).to_string();
    let stderr = String::from_utf8_lossy(&out.stderr);
    // A checker that could not run (an import error, a crash) is a failure
    // of the test, never a pass: its summary line is what proves it ran.
    let ran = stdout
        .lines()
        .any(|l| l.starts_with("parliament: ") || l.starts_with("cfn-lint: "));
    assert!(
        ran,
        "{script} did not finish ({}); is the Python of {ENSURE} complete?\n{stdout}\n{stderr}",
        out.status
    );
    (out.status.success(), stdout)
}

/// One document for tests/lint/check_policies.py.
fn doc(name: String, kind: &str, document: &Value, resource: Option<&str>) -> Value {
    let mut d = json!({"name": name, "kind": kind, "document": document});
    if let Some(r) = resource {
        d["resource"] = json!(r);
    }
    d
}

/// Every policy document in a plan's actions (`plan` of an account), with
/// what kind of policy it is: a role's `trust_policy` (checked with the
/// role's ARN, the action's target, as its resource), a role's inline
/// `policy` (an identity policy), and any other document (a bucket or key
/// policy, a log resource policy: a resource policy). Found by shape (an
/// object with a `Statement`), so a kind of action added later is read too.
fn plan_documents(label: &str, plan: &Value, out: &mut Vec<Value>) {
    fn walk(v: &Value, field: &str, action: &Value, label: &str, out: &mut Vec<Value>) {
        match v {
            Value::Object(m) if m.contains_key("Statement") => {
                let op = action["op"]["op"].as_str().unwrap_or_default();
                let target = action["target"].as_str().unwrap_or_default();
                let name = format!("{label} {op} {target} {field}");
                let (kind, resource) = match (op, field) {
                    ("create_role", "trust_policy") => ("trust", Some(target)),
                    ("create_role", "policy") => ("identity", None),
                    _ => ("resource", None),
                };
                out.push(doc(name, kind, v, resource));
            }
            Value::Object(m) => {
                for (k, x) in m {
                    walk(x, k, action, label, out);
                }
            }
            Value::Array(a) => {
                for x in a {
                    walk(x, field, action, label, out);
                }
            }
            _ => {}
        }
    }
    let actions = plan["actions"]
        .as_array()
        .unwrap_or_else(|| panic!("{label}: a plan without actions: {plan}"));
    for a in actions {
        walk(&a["op"], "", a, label, out);
    }
}

/// Writes `docs` and runs parliament over them; panics on a blocking
/// finding. Returns the checker's output.
fn parliament(moto_dir: &Path, docs: &[Value]) -> String {
    let file = moto_dir.join("documents.json");
    std::fs::write(&file, serde_json::to_vec_pretty(docs).unwrap()).unwrap();
    let (ok, stdout) = run_checker("check_policies.py", &[&file]);
    assert!(ok, "parliament: blocking findings\n{stdout}");
    eprintln!("{}", stdout.lines().last().unwrap_or_default());
    stdout
}

fn kinds(docs: &[Value]) -> std::collections::BTreeMap<String, usize> {
    let mut m = std::collections::BTreeMap::new();
    for d in docs {
        *m.entry(d["kind"].as_str().unwrap().to_string())
            .or_default() += 1;
    }
    m
}

/// The permissions the tool prints (no account needed).
fn printed(args: &[&str]) -> String {
    let out = assert_cmd::Command::new(env!("CARGO_BIN_EXE_remediate"))
        .arg("permissions")
        .args(args)
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "permissions {args:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8_lossy(&out.stdout).to_string()
}

/// Every document in the plans of every benchmark version over the seeded
/// non-compliant account (two regions), flow logs to CloudWatch Logs and
/// then to S3: parliament finds no blocking kind in any of them.
#[test]
fn parliament_finds_nothing_wrong_in_the_documents_of_every_benchmark_versions_plan() {
    let moto = Moto::start();
    common::seed_non_compliant(&moto);
    let mut docs = vec![];
    let plan_all = |extra: &[&str], label: &str, docs: &mut Vec<Value>| {
        for b in remediate::controls::BENCHMARKS {
            let (code, plan, err) = plan_json(
                &moto,
                &[&["--regions", TWO, "--benchmark", b.key], extra].concat(),
            );
            assert_eq!(code, 2, "{} {label}: {err}", b.key);
            plan_documents(&format!("{} {label}", b.key), &plan, docs);
        }
    };
    plan_all(&[], "flow logs to CloudWatch Logs", &mut docs);
    let toml = moto.dir().join("flow-logs-to-s3.toml");
    std::fs::write(&toml, "[flow_logs]\ndestination = \"s3\"\n").unwrap();
    plan_all(
        &["--config", toml.to_str().unwrap()],
        "flow logs to S3",
        &mut docs,
    );
    let by_kind = kinds(&docs);
    // Each kind is there: trust and inline policies of the tool's roles,
    // bucket and key policies.
    for k in ["trust", "identity", "resource"] {
        assert!(
            by_kind.get(k).copied().unwrap_or(0) >= 9,
            "{k}: {by_kind:?}"
        );
    }
    parliament(moto.dir(), &docs);
}

/// The documents of an organization-trail run (the organization trail's
/// bucket, key and log role admit the organization; the members' plans):
/// parliament finds no blocking kind.
#[test]
fn parliament_finds_nothing_wrong_in_the_documents_of_an_organization_trail_run() {
    let moto = Moto::start();
    let org = crate::org::organization(&moto);
    let (code, report, err) = plan_json(
        &moto,
        &[
            "--regions",
            "us-east-1",
            "--benchmark",
            "cis-7.0",
            "--org",
            "--org-trail",
            "--exclude-accounts",
            org.roleless.as_str(),
        ],
    );
    assert_eq!(code, 2, "{err}");
    let mut docs = vec![];
    let accounts = report["accounts"].as_array().unwrap();
    assert_eq!(accounts.len(), 3, "{report}");
    for a in accounts {
        let id = a["account_id"].as_str().unwrap();
        plan_documents(&format!("account {id}"), &a["plan"], &mut docs);
    }
    // What only an organization trail writes is among them: the bucket
    // statement for every member's logs, the log role's organization streams.
    let text: Vec<String> = docs.iter().map(|d| d["document"].to_string()).collect();
    assert!(
        text.iter()
            .any(|t| t.contains("AWSCloudTrailOrganizationWrite20150319")),
        "no organization bucket statement: {docs:#?}"
    );
    assert!(
        text.iter()
            .any(|t| t.contains("log-stream:o-") && t.contains("logs:PutLogEvents")),
        "no log role for the organization's streams: {docs:#?}"
    );
    parliament(moto.dir(), &docs);
}

/// The policies `permissions` prints for each command, alone and for an
/// organization run's caller: parliament finds no blocking kind.
#[test]
fn parliament_finds_nothing_wrong_in_the_printed_permissions() {
    let dir = tempfile::tempdir().unwrap();
    let mut docs = vec![];
    for for_ in ["plan", "apply", "undo"] {
        for org in [&[][..], &["--org"][..]] {
            let text = printed(&[&["--for", for_][..], org].concat());
            let v: Value = serde_json::from_str(&text).unwrap();
            docs.push(doc(
                format!("permissions --for {for_} {}", org.join(" ")),
                "identity",
                &v,
                None,
            ));
        }
    }
    parliament(dir.path(), &docs);
}

/// The StackSet template `permissions --format cloudformation` prints for
/// each command: cfn-lint, every rule in every region, finds no error and no
/// warning (its informational rules are printed and counted).
#[test]
fn cfn_lint_finds_no_error_or_warning_in_the_member_role_templates() {
    let dir = tempfile::tempdir().unwrap();
    let mut files = vec![];
    for for_ in ["plan", "apply", "undo"] {
        let file = dir.path().join(format!("remediate-{for_}.json"));
        std::fs::write(
            &file,
            printed(&["--for", for_, "--format", "cloudformation"]),
        )
        .unwrap();
        files.push(file);
    }
    let refs: Vec<&Path> = files.iter().map(PathBuf::as_path).collect();
    let (ok, stdout) = run_checker("check_cloudformation.py", &refs);
    assert!(ok, "cfn-lint: findings\n{stdout}");
    assert!(stdout.contains("cfn-lint: 3 templates;"), "{stdout}");
    eprintln!("{}", stdout.lines().last().unwrap_or_default());
}

/// The checkers themselves: what they are for is refused (parliament's
/// RESOURCE_MISMATCH for the flow-log role's reads scoped to one group, as
/// the tool wrote them before; a trust policy with a Resource, which IAM
/// refuses; an unknown action; cfn-lint's error on a bad template), and the
/// informational Resource "*" is not. So a green run above means linted.
#[test]
fn the_checkers_block_what_they_are_for_and_let_informational_kinds_pass() {
    let dir = tempfile::tempdir().unwrap();
    let bad = |name: &str, d: Value| -> String {
        let file = dir.path().join(format!("{name}.json"));
        std::fs::write(&file, serde_json::to_vec(&vec![d]).unwrap()).unwrap();
        let (ok, stdout) = run_checker("check_policies.py", &[&file]);
        assert!(!ok, "{name}: not blocked\n{stdout}");
        stdout
    };
    let group = "arn:aws:logs:*:111122223333:log-group:remediate/vpc-flow-logs";
    let old_flow_log_policy = json!({"Version": "2012-10-17", "Statement": [{
        "Effect": "Allow",
        "Action": ["logs:CreateLogStream", "logs:PutLogEvents", "logs:DescribeLogGroups", "logs:DescribeLogStreams"],
        "Resource": [format!("{group}:*"), group]
    }]});
    let out = bad(
        "old-flow-log-policy",
        doc("old".into(), "identity", &old_flow_log_policy, None),
    );
    assert!(
        out.contains("BLOCKING RESOURCE_MISMATCH") && out.contains("logs:DescribeLogGroups"),
        "{out}"
    );
    let out = bad(
        "unknown-action",
        doc(
            "typo".into(),
            "identity",
            &json!({"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "logs:PutLogEvent", "Resource": "*"}]}),
            None,
        ),
    );
    assert!(out.contains("BLOCKING UNKNOWN_ACTION"), "{out}");
    let file = dir.path().join("trust-with-resource.json");
    std::fs::write(
        &file,
        serde_json::to_vec(&vec![doc(
            "trust".into(),
            "trust",
            &json!({"Version": "2012-10-17", "Statement": [{"Effect": "Allow",
                "Principal": {"Service": "vpc-flow-logs.amazonaws.com"},
                "Action": "sts:AssumeRole", "Resource": "*"}]}),
            Some("arn:aws:iam::111122223333:role/r"),
        )])
        .unwrap(),
    )
    .unwrap();
    let out = Command::new(lint_python())
        .arg(Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/lint/check_policies.py"))
        .arg(&file)
        .output()
        .unwrap();
    assert!(!out.status.success());
    assert!(
        String::from_utf8_lossy(&out.stderr).contains("a trust policy with a Resource"),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );

    // Informational: counted, not blocking.
    let file = dir.path().join("star.json");
    std::fs::write(
        &file,
        serde_json::to_vec(&vec![doc(
            "star".into(),
            "identity",
            &json!({"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "logs:PutLogEvents", "Resource": "*"}]}),
            None,
        )])
        .unwrap(),
    )
    .unwrap();
    let (ok, out) = run_checker("check_policies.py", &[&file]);
    assert!(ok && out.contains("RESOURCE_STAR=1; blocking: 0"), "{out}");

    let template = dir.path().join("bad-template.json");
    std::fs::write(
        &template,
        r#"{"AWSTemplateFormatVersion": "2010-09-09", "Resources": {"R": {"Type": "AWS::IAM::Role", "Properties": {"RoleName": "r"}}}}"#,
    )
    .unwrap();
    let (ok, out) = run_checker("check_cloudformation.py", &[&template]);
    assert!(!ok && out.contains("E3003"), "{out}");
}
