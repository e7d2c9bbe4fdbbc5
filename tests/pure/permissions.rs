//! The printed IAM policies: every op has its calls, the ops each command
//! runs are the ones the planner and undo really make, and what AWS checks
//! implicitly is printed for the command whose calls trigger it.

use std::collections::BTreeSet;

use remediate::execute::{JournalEntry, Phase, plan_undo};
use remediate::permissions::{
    self, APPLY_OPS, For, IMPLICIT, OPS, UNDO_OPS, actions, explicit, op_actions, policy_json,
};
use remediate::plan::Op;
use serde_json::{Value, json};

/// Two values of every `Op` variant, every field filled in, from the
/// schema: booleans true, options set and documents `{}`; then booleans
/// false, options `None` and documents of advanced selectors. A kind with
/// two directions (`set_key_rotation`: enable, disable) shows both.
fn every_op() -> Vec<Op> {
    let schema = serde_json::to_value(schemars::schema_for!(Op)).unwrap();
    let defs = schema
        .get("$defs")
        .or_else(|| schema.get("definitions"))
        .cloned()
        .unwrap_or(Value::Null);
    let variants = schema["oneOf"].as_array().expect("Op is a oneOf");
    variants
        .iter()
        .flat_map(|v| [false, true].map(|second| (v, second)))
        .map(|(v, second)| {
            serde_json::from_value(sample(v, &defs, second)).unwrap_or_else(|e| panic!("{e}: {v}"))
        })
        .collect()
}

fn sample(s: &Value, defs: &Value, second: bool) -> Value {
    if let Some(r) = s.get("$ref").and_then(Value::as_str) {
        return sample(&defs[r.rsplit('/').next().unwrap()], defs, second);
    }
    if let Some(c) = s.get("const") {
        return c.clone();
    }
    if let Some(e) = s.get("enum").and_then(Value::as_array) {
        return e[0].clone();
    }
    for k in ["oneOf", "anyOf"] {
        if let Some(alts) = s.get(k).and_then(Value::as_array) {
            let is_null = |a: &&Value| a.get("type") == Some(&json!("null"));
            let alt = match alts.iter().find(is_null) {
                Some(_) if second => return Value::Null,
                _ => alts.iter().find(|a| !is_null(a)).unwrap_or(&alts[0]),
            };
            return sample(alt, defs, second);
        }
    }
    let ty = match s.get("type") {
        Some(Value::Array(t)) if second && t.contains(&json!("null")) => return Value::Null,
        Some(Value::Array(t)) => t.iter().find(|t| *t != "null").cloned().unwrap_or_default(),
        Some(t) => t.clone(),
        None if second => return json!({"AdvancedEventSelectors": []}),
        None => return json!({}),
    };
    match ty.as_str().unwrap_or("") {
        "string" => json!("x"),
        "boolean" => json!(!second),
        "integer" => json!(7),
        "number" => json!(1.0),
        "array" => json!([]),
        "object" => {
            let mut o = serde_json::Map::new();
            if let Some(props) = s.get("properties").and_then(Value::as_object) {
                for (k, p) in props {
                    o.insert(k.clone(), sample(p, defs, second));
                }
            }
            Value::Object(o)
        }
        _ => Value::Null,
    }
}

fn op_names() -> BTreeSet<&'static str> {
    every_op().iter().map(Op::name).collect()
}

#[test]
fn both_directions_of_a_two_way_kind_are_ops() {
    let names = op_names();
    for pair in [
        ["enable_key_rotation", "disable_key_rotation"],
        ["start_logging", "stop_logging"],
        [
            "start_configuration_recorder",
            "stop_configuration_recorder",
        ],
        [
            "put_configuration_recorder",
            "restore_configuration_recorder",
        ],
        ["put_bucket_logging", "disable_bucket_logging"],
        ["put_event_selectors", "put_advanced_event_selectors"],
    ] {
        for name in pair {
            assert!(names.contains(name), "{name} not among {names:?}");
        }
    }
}

/// The op tag (`set_key_rotation`) → the names its values show (each
/// direction's).
fn names_by_tag() -> std::collections::BTreeMap<String, BTreeSet<&'static str>> {
    let mut out = std::collections::BTreeMap::<String, BTreeSet<&str>>::new();
    for op in every_op() {
        let tag = serde_json::to_value(&op).unwrap()["op"]
            .as_str()
            .unwrap()
            .to_string();
        out.entry(tag).or_default().insert(op.name());
    }
    out
}

#[test]
fn every_op_has_the_actions_of_its_calls_and_only_real_ops_are_listed() {
    let names = op_names();
    let listed: BTreeSet<&str> = OPS.iter().map(|(n, _)| *n).collect();
    assert_eq!(listed.len(), OPS.len(), "an op is listed twice");
    assert_eq!(listed, names, "src/permissions.rs OPS vs the Op variants");
    for (op, actions) in OPS {
        assert!(!actions.is_empty(), "{op}");
        for a in *actions {
            let (service, action) = a.split_once(':').unwrap();
            assert!(
                [
                    "s3",
                    "kms",
                    "iam",
                    "logs",
                    "cloudtrail",
                    "config",
                    "ec2",
                    "elasticloadbalancing",
                    "apigateway",
                    "cloudfront",
                    "organizations"
                ]
                .contains(&service)
                    && action.chars().next().unwrap().is_ascii_uppercase(),
                "{op}: {a}"
            );
        }
    }
    for op in APPLY_OPS.iter().chain(UNDO_OPS) {
        assert!(names.contains(op), "{op} is not an op");
    }
}

/// `Op::CamelCase` mentioned in these source files, as snake_case names.
fn ops_in_sources(dirs: &[&str], skip: &[&str]) -> BTreeSet<String> {
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
    let mut out = BTreeSet::new();
    for d in dirs {
        for e in std::fs::read_dir(root.join(d)).unwrap() {
            let p = e.unwrap().path();
            let file = p.file_name().unwrap().to_string_lossy().to_string();
            if !file.ends_with(".rs") || skip.contains(&file.as_str()) {
                continue;
            }
            let src = std::fs::read_to_string(&p).unwrap();
            for (i, _) in src.match_indices("Op::") {
                let name: String = src[i + 4..]
                    .chars()
                    .take_while(char::is_ascii_alphanumeric)
                    .collect();
                if !name.starts_with(|c: char| c.is_ascii_uppercase()) {
                    continue;
                }
                let mut snake = String::new();
                for (j, c) in name.chars().enumerate() {
                    if c.is_ascii_uppercase() && j > 0 {
                        snake.push('_');
                    }
                    snake.push(c.to_ascii_lowercase());
                }
                out.insert(snake);
            }
        }
    }
    out
}

#[test]
fn every_op_the_planner_makes_is_in_the_apply_policy() {
    // The planner builds actions in src/controls and src/plan; the kinds
    // themselves are declared (and simulated) in src/actions, not scanned.
    // A kind with two directions is made in one of them at least; which
    // one, the plan of the non-compliant account below says.
    let made = ops_in_sources(&["src/controls", "src/plan"], &[]);
    assert!(made.contains("create_trail"), "{made:?}");
    let by_tag = names_by_tag();
    for tag in &made {
        let names = by_tag
            .get(tag)
            .unwrap_or_else(|| panic!("{tag} is not an op"));
        assert!(
            names.iter().any(|n| APPLY_OPS.contains(n)),
            "the planner makes {tag} ({names:?}): set IN_APPLY of its kind"
        );
    }
    let plan = remediate::pipeline::make(
        &crate::fixtures::non_compliant(),
        &remediate::settings::FileSettings::default(),
        &[],
    );
    let planned: BTreeSet<&str> = plan.actions.iter().map(|a| a.op.name()).collect();
    assert!(planned.contains("enable_key_rotation"), "{planned:?}");
    for name in planned {
        assert!(
            APPLY_OPS.contains(&name),
            "the planner makes {name}: set IN_APPLY (or the second way's in_apply) of its kind"
        );
    }
}

/// A prior value every reversal can read (`flag` for every on/off setting).
fn prior(flag: bool) -> Value {
    let selectors = json!([{"ReadWriteType": "All", "IncludeManagementEvents": true}]);
    json!({
        "block_public_acls": flag, "ignore_public_acls": flag,
        "block_public_policy": flag, "restrict_public_buckets": flag,
        "owner_id": "o", "grants": [],
        "target_bucket": "t", "target_prefix": "p",
        "key_id": "k", "rotation_enabled": flag,
        "name": "n", "arn": "arn:aws:cloudtrail:us-east-1:1:trail/n",
        "is_multi_region": flag, "include_global_service_events": flag,
        "log_file_validation": flag, "is_organization": false, "is_logging": flag,
        "event_selectors": if flag { json!([]) } else { selectors.clone() },
        "advanced_event_selectors": if flag { selectors } else { json!([]) },
        "role_arn": "arn:aws:iam::1:role/r", "recording_group": {}, "recording": flag,
        "s3_bucket": "b", "s3_prefix": "p",
        "enabled": flag, "bucket": "b", "prefix": "p",
        "destination_arn": if flag { json!("arn:aws:logs:us-east-1:1:log-group:g") } else { Value::Null },
        "cloudwatch_role_arn": if flag { json!("arn:aws:iam::1:role/r") } else { Value::Null },
        "deliveries": [], "source_existed": flag, "destination_existed": flag,
        "Version": "2012-10-17", "Statement": []
    })
}

fn journal(op: &Op, prior: Value, result: Value) -> Vec<JournalEntry> {
    let entry = |seq, phase| JournalEntry {
        seq,
        time: "2026-01-01T00:00:00Z".into(),
        action_id: format!("{}:us-east-1:x", op.name()),
        region: "us-east-1".into(),
        target: "x".into(),
        op: op.clone(),
        phase,
        depends_on: vec![],
        controls: vec![],
    };
    vec![
        entry(1, Phase::Before { prior }),
        entry(2, Phase::After { result }),
    ]
}

#[test]
fn the_undo_policy_covers_exactly_the_ops_undo_plans_from_any_journal() {
    let mut made = BTreeSet::new();
    // Every op (undo journals can be undone too), as created by the run, and
    // as a change of a setting that was on, or off, before.
    for op in every_op() {
        let created = json!({"created": ["fl-1"], "role_name": "AWSServiceRoleForConfig", "key_id": "k",
                   "delivery_id": "d", "delivery_created": true});
        for (p, r) in [
            (Value::Null, created),
            (prior(true), json!({"changed": true})),
            (prior(false), json!({"changed": true})),
        ] {
            for a in plan_undo(&journal(&op, p, r)) {
                made.insert(a.op.name());
            }
        }
    }
    // The replacement of an account role API Gateway could not use is
    // undone by naming that role again.
    let replaced: Op = serde_json::from_value(json!({"op": "set_api_gateway_account",
        "cloudwatch_role_arn": "arn:aws:iam::1:role/mine", "replaces": "arn:aws:iam::1:role/r"}))
    .unwrap();
    for a in plan_undo(&journal(&replaced, prior(true), json!({"changed": true}))) {
        made.insert(a.op.name());
    }
    // A role that existed, whose inline policy apply merged statements
    // into, gets only those statements taken out again.
    let merged: Op = serde_json::from_value(json!({"op": "create_role", "name": "r",
        "trust_policy": {}, "policy_name": "p",
        "policy": {"Version": "2012-10-17", "Statement": [{"Sid": "New"}]}}))
    .unwrap();
    let docs = |statements: Value| json!({"role_name": "r", "inline_policy_documents": {"p": {"Version": "2012-10-17", "Statement": statements}}});
    for a in plan_undo(&journal(
        &merged,
        docs(json!([{"Sid": "Old"}])),
        docs(json!([{"Sid": "Old"}, {"Sid": "New"}])),
    )) {
        made.insert(a.op.name());
    }
    let listed: BTreeSet<&str> = UNDO_OPS.iter().copied().collect();
    assert_eq!(
        made, listed,
        "UNDO_OPS in src/permissions.rs vs what plan_undo makes"
    );
}

fn printed(for_: For) -> BTreeSet<String> {
    let doc: Value = serde_json::from_str(&policy_json(for_)).unwrap();
    doc["Statement"]
        .as_array()
        .unwrap()
        .iter()
        .flat_map(|s| s["Action"].as_array().unwrap().iter())
        .map(|a| a.as_str().unwrap().to_string())
        .collect()
}

#[test]
fn what_aws_checks_implicitly_is_printed_for_the_commands_that_trigger_it() {
    for i in IMPLICIT {
        assert!(i.doc.starts_with("https://docs.aws.amazon.com/"), "{i:?}");
        for f in [For::Plan, For::Apply, For::Undo] {
            let policy = printed(f);
            if explicit(f).contains(i.call) {
                for a in i.actions {
                    // Undo never creates (see `permissions::implicit`).
                    if f == For::Undo && a.contains(":Create") {
                        assert!(!policy.contains(*a), "undo holds {a}");
                        continue;
                    }
                    assert!(policy.contains(*a), "{f:?} lacks {a} ({})", i.when);
                }
            }
        }
    }
    let apply = printed(For::Apply);
    for a in [
        "logs:CreateLogDelivery",
        "iam:PassRole",
        "kms:Decrypt",
        "kms:TagResource",
        "ec2:CreateFlowLogs",
        "cloudtrail:CreateTrail",
    ] {
        assert!(apply.contains(a), "apply lacks {a}");
    }
    let undo = printed(For::Undo);
    for a in ["logs:DeleteLogDelivery", "iam:PassRole", "kms:Decrypt"] {
        assert!(undo.contains(a), "undo lacks {a}");
    }
    // plan is read-only: nothing implicit, no write
    let plan = printed(For::Plan);
    assert!(permissions::implicit(For::Plan).is_empty());
    for a in &plan {
        let verb = a.split_once(':').unwrap().1;
        // Signing a saved plan (--sign-with) changes nothing in the account.
        if *a == "kms:Sign" {
            continue;
        }
        assert!(
            // API Gateway's read action is its HTTP method.
            ["Get", "List", "Describe", "GET"]
                .iter()
                .any(|v| verb.starts_with(v)),
            "{a} in the plan policy"
        );
    }
    for f in [For::Plan, For::Apply, For::Undo] {
        let want: BTreeSet<String> = actions(f).iter().map(|s| s.to_string()).collect();
        assert_eq!(printed(f), want, "{f:?}");
    }
}

#[test]
fn the_undo_policy_holds_every_reversing_write_and_no_create() {
    let undo = printed(For::Undo);
    for op in UNDO_OPS {
        for a in op_actions(op) {
            assert!(undo.contains(*a), "undo lacks {a} ({op})");
        }
    }
    for a in [
        "iam:DeleteServiceLinkedRole",
        "iam:GetServiceLinkedRoleDeletionStatus",
        "iam:DeleteRole",
        "cloudtrail:DeleteTrail",
        "kms:ScheduleKeyDeletion",
        "ec2:DeleteFlowLogs",
        "s3:DeleteBucket",
        "sts:GetCallerIdentity",
    ] {
        assert!(undo.contains(a), "undo lacks {a}");
    }
    for a in &undo {
        assert!(!a.contains(":Create"), "undo never creates: {a}");
    }
    // apply holds no deletion it never plans
    let apply = printed(For::Apply);
    for a in [
        "cloudtrail:DeleteTrail",
        "iam:DeleteRole",
        "ec2:DeleteFlowLogs",
    ] {
        assert!(!apply.contains(a), "apply holds {a}");
    }
}

#[test]
fn pass_role_is_limited_to_the_services_given_a_role() {
    let doc: Value = serde_json::from_str(&policy_json(For::Apply)).unwrap();
    let pass = doc["Statement"]
        .as_array()
        .unwrap()
        .iter()
        .find(|s| s["Action"] == json!(["iam:PassRole"]))
        .expect("a PassRole statement");
    assert_eq!(
        pass["Condition"]["StringEquals"]["iam:PassedToService"],
        json!([
            "apigateway.amazonaws.com",
            "cloudtrail.amazonaws.com",
            "config.amazonaws.com",
            "vpc-flow-logs.amazonaws.com"
        ])
    );
}

/// Every op of the apply policy that hands a role to a service names that
/// service, and the `iam:PassedToService` condition admits it (else AWS
/// refuses the write with AccessDenied: API Gateway's account role was
/// missing).
#[test]
fn each_kind_that_passes_a_role_has_its_service_in_the_pass_role_condition() {
    let doc: Value = serde_json::from_str(&policy_json(For::Apply)).unwrap();
    let admitted: Vec<String> = doc["Statement"]
        .as_array()
        .unwrap()
        .iter()
        .find(|s| s["Action"] == json!(["iam:PassRole"]))
        .expect("a PassRole statement")["Condition"]["StringEquals"]["iam:PassedToService"]
        .as_array()
        .unwrap()
        .iter()
        .map(|v| v.as_str().unwrap().to_string())
        .collect();
    let mut seen = BTreeSet::new();
    for op in every_op() {
        if op.passed_role().is_none() || !APPLY_OPS.contains(&op.name()) {
            continue;
        }
        let svc = op
            .passed_to()
            .unwrap_or_else(|| panic!("{} passes a role but names no service", op.name()));
        assert!(
            admitted.iter().any(|a| a == svc),
            "{} passes its role to {svc}, not admitted by {admitted:?}",
            op.name()
        );
        seen.insert(svc);
    }
    assert!(seen.contains("apigateway.amazonaws.com"), "{seen:?}");
}

/// The StackSet template's role carries exactly the policy `permissions`
/// prints (its plan-signing statement scoped to the template's signing key,
/// and only when one is given), within IAM's inline-policy limit, and
/// trusts the tooling account (with the external id only when one is given).
#[test]
fn the_cloudformation_role_has_exactly_the_printed_policy() {
    use remediate::permissions::{For, policy_json};
    for f in [For::Plan, For::Apply, For::Undo] {
        let t: serde_json::Value =
            serde_json::from_str(&remediate::cloudformation::template(f)).unwrap();
        let role = &t["Resources"]["RemediateRole"]["Properties"];
        let mut policy: serde_json::Value = serde_json::from_str(&policy_json(f)).unwrap();
        let mut signing = 0;
        for st in policy["Statement"].as_array_mut().unwrap() {
            let sid = st["Sid"].as_str().unwrap().to_string();
            if sid.ends_with("SignPlan") || sid.ends_with("VerifyPlan") {
                signing += 1;
                let mut scoped = st.clone();
                scoped["Resource"] = serde_json::json!({"Ref": "PlanSigningKeyArn"});
                *st = serde_json::json!({"Fn::If": ["HasSigningKey", scoped, {"Ref": "AWS::NoValue"}]});
            }
        }
        assert_eq!(signing, usize::from(f != For::Undo), "{f:?}");
        assert_eq!(role["Policies"][0]["PolicyDocument"], policy, "{f:?}");
        let size = remediate::policy::iam_size(&policy);
        assert!(size <= 10_240, "{f:?}: {size} characters");
        let trust = &role["AssumeRolePolicyDocument"]["Statement"][0];
        assert_eq!(
            trust["Principal"]["AWS"]["Fn::Sub"],
            "arn:${AWS::Partition}:iam::${TrustedAccountId}:root"
        );
        assert_eq!(trust["Condition"]["Fn::If"][0], "HasExternalId");
        assert_eq!(t["AWSTemplateFormatVersion"], "2010-09-09");
    }
}

#[test]
fn undo_of_a_two_way_kind_is_the_same_kind_the_other_way() {
    use remediate::actions::{
        PutConfigurationRecorder, PutEventSelectors, SetBucketLogging, SetKeyRotation, SetLogging,
        SetRecording,
    };
    let tag = |op: &Op| serde_json::to_value(op).unwrap()["op"].clone();
    let selectors = json!({"EventSelectors": [{"ReadWriteType": "All"}]});
    let cases: Vec<(Op, Value, &str)> = vec![
        (
            SetKeyRotation {
                key_id: "k".into(),
                enabled: true,
            }
            .into(),
            prior(false),
            "disable_key_rotation",
        ),
        (
            SetLogging {
                trail: "n".into(),
                logging: true,
            }
            .into(),
            prior(false),
            "stop_logging",
        ),
        (
            SetRecording {
                name: "n".into(),
                recording: true,
            }
            .into(),
            prior(false),
            "stop_configuration_recorder",
        ),
        (
            PutConfigurationRecorder::all_supported("n".into(), "r".into(), true).into(),
            prior(false),
            "restore_configuration_recorder",
        ),
        (
            SetBucketLogging {
                bucket: "b".into(),
                logging: None,
            }
            .into(),
            prior(true),
            "put_bucket_logging",
        ),
        (
            PutEventSelectors {
                trail: "n".into(),
                selectors,
            }
            .into(),
            prior(true),
            "put_advanced_event_selectors",
        ),
    ];
    for (op, before, back) in cases {
        let undo = plan_undo(&journal(&op, before, json!({"changed": true})));
        let [a] = &undo[..] else {
            panic!("{}: {undo:#?}", op.name())
        };
        assert_eq!(a.op.name(), back, "undo of {}", op.name());
        assert_eq!(tag(&a.op), tag(&op), "undo of {}", op.name());
        assert!(
            a.id.starts_with(&format!("undo:{}:", op.name())),
            "{}",
            a.id
        );
    }
    // turning rotation back off is the same op with `enabled` false
    let on = Op::from(SetKeyRotation {
        key_id: "k".into(),
        enabled: true,
    });
    let undo = plan_undo(&journal(&on, prior(false), json!({"changed": true})));
    assert_eq!(
        undo[0].op,
        Op::from(SetKeyRotation {
            key_id: "k".into(),
            enabled: false
        })
    );
}

/// Signed plans: `plan --sign-with` needs kms:Sign, `apply --verify-with`
/// kms:Verify (and kms:GetPublicKey for the public key), each in a
/// statement of its own that the StackSet template can scope to its key.
#[test]
fn plan_signing_and_verifying_are_in_the_printed_policies() {
    use remediate::permissions::{For, policy_json};
    let actions_of = |f: For, sid: &str| -> Vec<String> {
        let p: serde_json::Value = serde_json::from_str(&policy_json(f)).unwrap();
        p["Statement"]
            .as_array()
            .unwrap()
            .iter()
            .find(|s| s["Sid"].as_str().unwrap().ends_with(sid))
            .map(|s| serde_json::from_value(s["Action"].clone()).unwrap())
            .unwrap_or_default()
    };
    assert_eq!(actions_of(For::Plan, "SignPlan"), vec!["kms:Sign"]);
    assert_eq!(
        actions_of(For::Apply, "VerifyPlan"),
        vec!["kms:GetPublicKey", "kms:Verify"]
    );
    assert!(actions_of(For::Undo, "SignPlan").is_empty());
    // The verifier reads the key it is told to trust: DescribeKey is a plan read.
    assert!(remediate::permissions::PLAN.contains(&"kms:DescribeKey"));
}
