//! IAM policy documents (bucket, key, role policies): normalise, merge, compare.
//!
//! The one rule: a policy is merged, never replaced. [`merge`] keeps every
//! statement that exists, adds a missing statement by `Sid`, and when the Sid
//! already exists widens that statement's `aws:SourceArn` / `aws:SourceAccount`
//! values rather than overwriting it. Only [`remove_public_allows`] takes
//! statements away, and only the `Allow` + `Principal: *` ones control 2.3
//! exists to remove.

use serde_json::{Map, Value, json};

/// An empty policy document.
pub fn empty() -> Value {
    json!({"Version": "2012-10-17", "Statement": []})
}

/// `Statement` as a list (a single statement object is allowed by IAM).
pub fn statements(doc: &Value) -> Vec<Value> {
    match doc.get("Statement") {
        Some(Value::Array(a)) => a.clone(),
        Some(v @ Value::Object(_)) => vec![v.clone()],
        _ => vec![],
    }
}

fn with_statements(doc: Option<&Value>, stmts: Vec<Value>) -> Value {
    let mut out = match doc {
        Some(Value::Object(m)) => m.clone(),
        _ => Map::new(),
    };
    out.entry("Version").or_insert(json!("2012-10-17"));
    out.insert("Statement".into(), Value::Array(stmts));
    Value::Object(out)
}

/// A policy field that may be one value or a list of them, as a list.
pub fn as_list(v: &Value) -> Vec<Value> {
    match v {
        Value::Array(a) => a.clone(),
        Value::Null => vec![],
        other => vec![other.clone()],
    }
}

/// True for a principal that is everyone: `"*"`, `{"AWS": "*"}` or `{"AWS": ["*"]}`.
pub fn is_everyone(principal: &Value) -> bool {
    match principal {
        Value::String(s) => s == "*",
        Value::Object(m) => m
            .get("AWS")
            .map(|v| as_list(v).iter().any(|p| p == "*"))
            .unwrap_or(false),
        _ => false,
    }
}

/// An `Allow` statement whose principal is everyone (what 2.3 fails on).
/// `Deny` statements with `*` (deny non-TLS, say) are protective and pass.
pub fn is_public_allow(stmt: &Value) -> bool {
    stmt.get("Effect").and_then(Value::as_str) == Some("Allow")
        && stmt.get("Principal").map(is_everyone).unwrap_or(false)
}

/// The document without the statements `drop` picks (all else kept).
pub fn remove_statements(doc: &Value, drop: impl Fn(&Value) -> bool) -> Value {
    let kept = statements(doc).into_iter().filter(|s| !drop(s)).collect();
    with_statements(Some(doc), kept)
}

/// Remove the public `Allow` statements; returns the new document and the
/// removed statements (for the reviewer).
pub fn remove_public_allows(doc: &Value) -> (Value, Vec<Value>) {
    let (removed, kept): (Vec<Value>, Vec<Value>) =
        statements(doc).into_iter().partition(is_public_allow);
    (with_statements(Some(doc), kept), removed)
}

/// Condition keys whose values are widened (unioned) on a Sid collision.
const WIDENED_KEYS: &[&str] = &[
    "aws:SourceArn",
    "aws:SourceAccount",
    "kms:EncryptionContext:aws:cloudtrail:arn",
];

/// Merge `additions` into `existing`. See the module doc for the rules.
pub fn merge(existing: Option<&Value>, additions: &[Value]) -> Value {
    let mut stmts = existing.map(statements).unwrap_or_default();
    for add in additions {
        let sid = add.get("Sid").and_then(Value::as_str);
        let same_sid = sid.and_then(|sid| {
            stmts
                .iter()
                .position(|s| s.get("Sid").and_then(Value::as_str) == Some(sid))
        });
        // Already said (by any statement, under any Sid): nothing to do.
        // Checking this first makes merging idempotent: after a merge every
        // addition is covered, and widening only ever adds coverage.
        if stmts.iter().any(|s| covers(s, add)) {
            continue;
        }
        match same_sid {
            // The same grant under the same Sid: widen its source condition.
            Some(i) if shape(&stmts[i]) == shape(add) => stmts[i] = widen(&stmts[i], add),
            // The Sid names a different statement: keep it as it is, add ours
            // beside it under a free Sid.
            Some(_) => {
                let mut add = add.clone();
                add["Sid"] = Value::String(free_sid(&stmts, sid.unwrap_or("Remediate")));
                stmts.push(add);
            }
            None => stmts.push(add.clone()),
        }
    }
    with_statements(existing, stmts)
}

/// A Sid not used in `stmts`, derived from `sid`.
fn free_sid(stmts: &[Value], sid: &str) -> String {
    let taken = |c: &str| {
        stmts
            .iter()
            .any(|s| s.get("Sid").and_then(Value::as_str) == Some(c))
    };
    (1..)
        .map(|n| format!("{sid}Remediate{n}"))
        .find(|c| !taken(c))
        .expect("some Sid is free")
}

/// A statement without its Sid and without the widened condition values:
/// two statements of one shape grant the same thing to different sources.
fn shape(v: &Value) -> String {
    let shape = |v: &Value| {
        let mut v = v.clone();
        if let Some(m) = v.as_object_mut() {
            m.remove("Sid");
            if let Some(Value::Object(cond)) = m.get_mut("Condition") {
                for kv in cond.values_mut() {
                    if let Some(kv) = kv.as_object_mut() {
                        kv.retain(|k, _| !WIDENED_KEYS.contains(&k.as_str()));
                    }
                }
                cond.retain(|_, kv| kv.as_object().is_none_or(|o| !o.is_empty()));
            }
            if m.get("Condition")
                .is_some_and(|c| c.as_object().is_some_and(|o| o.is_empty()))
            {
                m.remove("Condition");
            }
        }
        canonical(&v)
    };
    shape(v)
}

/// `existing` already says what `add` says: the same statement but for the
/// Sid, with widened condition values that include `add`'s.
fn covers(existing: &Value, add: &Value) -> bool {
    shape(existing) == shape(add) && canonical(&widen(existing, add)) == canonical(existing)
}

/// Union the widened condition values of `add` into `existing`, keeping all
/// else of `existing` as it is. A statement without such a condition is
/// already broader than ours and is left alone.
fn widen(existing: &Value, add: &Value) -> Value {
    let mut out = existing.clone();
    let Some(add_cond) = add.get("Condition").and_then(Value::as_object) else {
        return out;
    };
    let Some(cond) = out.get_mut("Condition").and_then(Value::as_object_mut) else {
        return out;
    };
    for add_kv in add_cond.values() {
        let Some(add_kv) = add_kv.as_object() else {
            continue;
        };
        for (key, add_vals) in add_kv {
            if !WIDENED_KEYS.contains(&key.as_str()) {
                continue;
            }
            // The key may sit under another operator in the existing statement
            // (StringEquals vs ArnLike); widen it where it is.
            let target_op = cond
                .iter()
                .find(|(_, kv)| kv.get(key).is_some())
                .map(|(o, _)| o.clone());
            let Some(target_op) = target_op else { continue };
            let slot = cond
                .get_mut(&target_op)
                .and_then(Value::as_object_mut)
                .and_then(|kv| kv.get_mut(key));
            if let Some(slot) = slot {
                let mut vals = as_list(slot);
                for v in as_list(add_vals) {
                    if !vals.contains(&v) {
                        vals.push(v);
                    }
                }
                *slot = if vals.len() == 1 {
                    vals.remove(0)
                } else {
                    Value::Array(vals)
                };
            }
        }
    }
    out
}

/// Canonical JSON text (object keys sorted) for hashing and comparison.
pub fn canonical(v: &Value) -> String {
    fn sort(v: &Value) -> Value {
        match v {
            Value::Object(m) => {
                let mut keys: Vec<_> = m.keys().collect();
                keys.sort();
                let mut out = Map::new();
                for k in keys {
                    out.insert(k.clone(), sort(&m[k]));
                }
                Value::Object(out)
            }
            Value::Array(a) => Value::Array(a.iter().map(sort).collect()),
            other => other.clone(),
        }
    }
    serde_json::to_string(&sort(v)).unwrap_or_default()
}

/// Who a statement is evaluated for in [`allows`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Caller<'a> {
    /// An AWS service principal, e.g. `cloudtrail.amazonaws.com`.
    Service(&'a str),
    /// An identity policy (a role's own policy): no `Principal` element.
    Identity,
}

/// True when some `Allow` statement of `doc` grants `caller` every action
/// of `actions` on `resource`, reading `*`/`?` wildcards in actions and
/// resources. Conditions are not evaluated: a conditioned statement counts
/// as granting (the caller is the service we write the condition for), and
/// `Deny` statements are not considered. Used to tell whether a service
/// still has the access it delivers with once public statements go, and
/// whether a role already covers a region — not as an authorizer.
pub fn allows(doc: &Value, caller: Caller<'_>, actions: &[&str], resource: &str) -> bool {
    actions.iter().all(|action| {
        statements(doc).iter().any(|s| {
            s.get("Effect").and_then(Value::as_str) == Some("Allow")
                && principal_matches(s.get("Principal"), caller)
                && s.get("NotAction").is_none()
                && s.get("NotResource").is_none()
                && s.get("Action")
                    .map(as_list)
                    .unwrap_or_default()
                    .iter()
                    .filter_map(Value::as_str)
                    .any(|a| wildcard_match(&a.to_ascii_lowercase(), &action.to_ascii_lowercase()))
                && s.get("Resource")
                    .map(as_list)
                    .unwrap_or_default()
                    .iter()
                    .filter_map(Value::as_str)
                    .any(|r| wildcard_match(r, resource))
        })
    })
}

/// True when `have` (an identity policy) already grants every action on
/// every resource that the `Allow` statements of `want` grant.
pub fn grants_all(have: &Value, want: &Value) -> bool {
    statements(want).iter().all(|w| {
        let strings = |k: &str| {
            w.get(k)
                .map(as_list)
                .unwrap_or_default()
                .iter()
                .filter_map(|v| v.as_str().map(str::to_string))
                .collect::<Vec<_>>()
        };
        let actions = strings("Action");
        let actions: Vec<&str> = actions.iter().map(String::as_str).collect();
        strings("Resource")
            .iter()
            .all(|r| allows(have, Caller::Identity, &actions, r))
    })
}

fn principal_matches(principal: Option<&Value>, caller: Caller<'_>) -> bool {
    match (caller, principal) {
        (Caller::Identity, None) => true,
        (Caller::Identity, Some(_)) => false,
        (Caller::Service(_), None) => false,
        (Caller::Service(svc), Some(p)) => {
            is_everyone(p)
                || p.get("Service")
                    .map(as_list)
                    .unwrap_or_default()
                    .iter()
                    .any(|v| v == svc)
        }
    }
}

/// IAM's glob: `*` any run of characters, `?` any one character.
pub fn wildcard_match(pattern: &str, text: &str) -> bool {
    let (p, t): (Vec<char>, Vec<char>) = (pattern.chars().collect(), text.chars().collect());
    let (mut pi, mut ti, mut star, mut mark) = (0, 0, None, 0);
    while ti < t.len() {
        if pi < p.len() && (p[pi] == '?' || p[pi] == t[ti]) {
            pi += 1;
            ti += 1;
        } else if pi < p.len() && p[pi] == '*' {
            star = Some(pi);
            mark = ti;
            pi += 1;
        } else if let Some(s) = star {
            pi = s + 1;
            mark += 1;
            ti = mark;
        } else {
            return false;
        }
    }
    p[pi..].iter().all(|c| *c == '*')
}

/// The condition keys of a statement (`aws:PrincipalOrgID`, …), sorted.
pub fn condition_keys(stmt: &Value) -> Vec<String> {
    let mut keys: Vec<String> = stmt
        .get("Condition")
        .and_then(Value::as_object)
        .map(|c| {
            c.values()
                .filter_map(Value::as_object)
                .flat_map(|kv| kv.keys().cloned())
                .collect()
        })
        .unwrap_or_default();
    keys.sort();
    keys.dedup();
    keys
}

/// One line that says what a statement grants, for a reviewer:
/// `Sid X: Allow s3:GetObject on arn:…/* to anyone with aws:SourceVpce`.
pub fn describe(stmt: &Value) -> String {
    let list = |k: &str| {
        stmt.get(k)
            .map(as_list)
            .unwrap_or_default()
            .iter()
            .map(|v| {
                v.as_str()
                    .map(str::to_string)
                    .unwrap_or_else(|| v.to_string())
            })
            .collect::<Vec<_>>()
            .join(",")
    };
    let sid = stmt
        .get("Sid")
        .and_then(Value::as_str)
        .unwrap_or("(no Sid)");
    let who = match condition_keys(stmt).as_slice() {
        [] => "anyone".to_string(),
        keys => format!("anyone matching {}", keys.join(", ")),
    };
    format!(
        "{sid}: Allow {} on {} to {who}",
        list("Action"),
        list("Resource")
    )
}

/// Size of a document as IAM counts it against its limits: characters of
/// the compact JSON text, whitespace not counted.
/// <https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_iam-quotas.html>
pub fn iam_size(doc: &Value) -> usize {
    serde_json::to_string(doc)
        .unwrap_or_default()
        .chars()
        .filter(|c| !c.is_whitespace())
        .count()
}

/// Size in bytes of the compact JSON text (S3 and KMS count bytes).
pub fn byte_size(doc: &Value) -> usize {
    serde_json::to_string(doc).map(|t| t.len()).unwrap_or(0)
}

/// True when `doc` has a statement with this Sid.
pub fn has_sid(doc: Option<&Value>, sid: &str) -> bool {
    doc.map(statements)
        .unwrap_or_default()
        .iter()
        .any(|s| s.get("Sid").and_then(Value::as_str) == Some(sid))
}

/// What undo does to a policy document: the statements apply added,
/// removed or changed are reverted against the live document, and nothing
/// else is touched (see [`revert`]).
#[derive(Debug, Clone, PartialEq)]
pub struct Revert {
    /// The document to write; `None`: no statement is left (delete it).
    pub doc: Option<Value>,
    /// Apply's changes put back, one line each (`removed Sid X`, `restored Sid Y`).
    pub reverted: Vec<String>,
    /// Statements apply wrote that read differently now: left as they are.
    pub changed: Vec<String>,
    /// Statements added since apply: kept.
    pub added_since: Vec<String>,
}

/// A statement's name for a person: its Sid, or what it grants.
fn label(stmt: &Value) -> String {
    match stmt.get("Sid").and_then(Value::as_str) {
        Some(s) if !s.is_empty() => format!("Sid {s}"),
        _ => format!("statement \"{}\"", describe(stmt)),
    }
}

fn sid_of(stmt: &Value) -> Option<&str> {
    stmt.get("Sid")
        .and_then(Value::as_str)
        .filter(|s| !s.is_empty())
}

fn same(a: &Value, b: &Value) -> bool {
    equivalent(a, b)
}

/// Three-way undo of a policy write. `prior` is the document before apply
/// (`None`: there was none), `wrote` what apply wrote, `live` the document
/// now (`None`: none now).
///
/// - a statement apply added is removed, if it still reads as apply wrote it;
/// - a statement apply removed is put back, unless a statement of that Sid
///   is there again;
/// - a statement apply changed (same Sid, new content) goes back to its
///   prior form, if it still reads as apply wrote it;
/// - a statement apply wrote that reads differently now is left as it is
///   and named in `changed`;
/// - everything else in `live` (statements added since apply) is kept.
pub fn revert(prior: Option<&Value>, wrote: &Value, live: Option<&Value>) -> Revert {
    let p = prior.map(statements).unwrap_or_default();
    let w = statements(wrote);
    let mut out = live.map(statements).unwrap_or_default();
    let mut r = Revert {
        doc: None,
        reverted: vec![],
        changed: vec![],
        added_since: vec![],
    };
    let in_list = |list: &[Value], s: &Value| list.iter().any(|x| same(x, s));
    // What apply wrote that was not there before: added, or a Sid changed.
    for ws in w.iter().filter(|ws| !in_list(&p, ws)) {
        let before = sid_of(ws).and_then(|sid| p.iter().find(|ps| sid_of(ps) == Some(sid)));
        let at = out.iter().position(|ls| same(ls, ws));
        match (at, before) {
            (Some(i), Some(old)) => {
                out[i] = old.clone();
                r.reverted.push(format!("restored {}", label(old)));
            }
            (Some(i), None) => {
                out.remove(i);
                r.reverted.push(format!("removed {}", label(ws)));
            }
            (None, _) => {
                let now = sid_of(ws).and_then(|sid| out.iter().find(|ls| sid_of(ls) == Some(sid)));
                match now {
                    // Already back as it was before apply.
                    Some(ls) if before.is_some_and(|b| same(b, ls)) => {}
                    Some(_) => r.changed.push(label(ws)),
                    // Removed since apply (by a person, or an earlier undo).
                    None => {}
                }
            }
        }
    }
    // What was there before and apply took away (not by changing its Sid).
    for ps in p.iter().filter(|ps| !in_list(&w, ps)) {
        let changed_sid = sid_of(ps).is_some_and(|sid| w.iter().any(|ws| sid_of(ws) == Some(sid)));
        if changed_sid || in_list(&out, ps) {
            continue;
        }
        if sid_of(ps).is_some_and(|sid| out.iter().any(|ls| sid_of(ls) == Some(sid))) {
            // A statement of that Sid was written since: it stays.
            r.changed.push(label(ps));
            continue;
        }
        out.push(ps.clone());
        r.reverted.push(format!("put back {}", label(ps)));
    }
    for ls in &out {
        // Named once: a statement under a Sid apply wrote or removed is
        // "changed since apply", not "added since".
        if !in_list(&w, ls) && !in_list(&p, ls) && !r.changed.contains(&label(ls)) {
            r.added_since.push(label(ls));
        }
    }
    if !out.is_empty() {
        // The document's own fields (Version, Id) as they are now.
        r.doc = Some(with_statements(live.or(prior), out));
    }
    r
}

/// Parses a policy document as AWS returns it (IAM URL-encodes them).
pub fn parse(text: &str) -> Result<Value, String> {
    serde_json::from_str(text).or_else(|first| {
        let decoded = urlencoding::decode(text).map_err(|_| first.to_string())?;
        serde_json::from_str(&decoded).map_err(|e| format!("not a JSON policy document: {e}"))
    })
}

/// Policy documents are equal as JSON values, or equal once the forms IAM
/// treats as the same are normalised (a single string vs a one-element list,
/// list order, a single statement object vs a list of one).
pub fn equivalent(a: &Value, b: &Value) -> bool {
    a == b || normalise_policy(a, "") == normalise_policy(b, "")
}

fn normalise_policy(v: &Value, key: &str) -> Value {
    const SCALAR_KEYS: &[&str] = &["Version", "Id", "Sid", "Effect"];
    match v {
        Value::Object(m) => {
            let mut out = Map::new();
            for (k, v) in m {
                let mut n = normalise_policy(v, k);
                if k == "Statement" && n.is_object() {
                    n = Value::Array(vec![n]);
                }
                out.insert(k.clone(), n);
            }
            Value::Object(out)
        }
        Value::Array(items) => {
            // Items of a list stay scalars; objects in it are normalised.
            let mut items: Vec<Value> = items
                .iter()
                .map(|i| match i {
                    Value::Object(_) | Value::Array(_) => normalise_policy(i, key),
                    Value::String(s) => Value::String(s.clone()),
                    other => Value::String(other.to_string()),
                })
                .collect();
            items.sort_by_key(|i| i.to_string());
            items.dedup();
            Value::Array(items)
        }
        Value::String(_) | Value::Bool(_) | Value::Number(_) if !SCALAR_KEYS.contains(&key) => {
            let s = match v {
                Value::String(s) => s.clone(),
                other => other.to_string(),
            };
            Value::Array(vec![Value::String(s)])
        }
        other => other.clone(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn stmt(sid: &str, arn: &str) -> Value {
        json!({"Sid": sid, "Effect": "Allow", "Principal": {"Service": "cloudtrail.amazonaws.com"},
               "Action": "s3:PutObject", "Resource": "arn:aws:s3:::b/*",
               "Condition": {"StringEquals": {"aws:SourceArn": arn}}})
    }

    #[test]
    fn sid_collision_widens_source_arn_instead_of_overwriting() {
        let existing = json!({"Version": "2012-10-17", "Statement": [stmt("W", "arn:1")]});
        let merged = merge(Some(&existing), &[stmt("W", "arn:2")]);
        let s = &statements(&merged)[0];
        assert_eq!(
            s["Condition"]["StringEquals"]["aws:SourceArn"],
            json!(["arn:1", "arn:2"])
        );
        assert_eq!(statements(&merged).len(), 1);
    }

    #[test]
    fn a_sid_taken_by_a_different_statement_is_kept_and_ours_added_beside_it() {
        let theirs = json!({"Sid": "W", "Effect": "Allow", "Principal": {"AWS": "arn:aws:iam::1:role/x"},
                            "Action": "s3:GetObject", "Resource": "*"});
        let doc = json!({"Version": "2012-10-17", "Statement": [theirs.clone()]});
        let merged = merge(Some(&doc), &[stmt("W", "arn:2")]);
        let out = statements(&merged);
        assert_eq!(out[0], theirs);
        assert_eq!(out[1]["Sid"], "WRemediate1");
        assert_eq!(merge(Some(&merged), &[stmt("W", "arn:2")]), merged);
    }

    #[test]
    fn an_older_unconditioned_statement_under_our_sid_is_left_as_it_is() {
        let old = json!({"Sid": "W", "Effect": "Allow", "Principal": {"Service": "cloudtrail.amazonaws.com"},
                         "Action": "s3:PutObject", "Resource": "arn:aws:s3:::b/*"});
        let doc = json!({"Version": "2012-10-17", "Statement": [old.clone()]});
        assert_eq!(
            statements(&merge(Some(&doc), &[stmt("W", "arn:2")])),
            vec![old]
        );
    }

    #[test]
    fn deny_star_is_not_public_but_allow_star_is() {
        let deny = json!({"Effect": "Deny", "Principal": "*", "Action": "s3:*"});
        let allow =
            json!({"Effect": "Allow", "Principal": {"AWS": ["*"]}, "Action": "s3:GetObject"});
        assert!(!is_public_allow(&deny));
        assert!(is_public_allow(&allow));
        let (doc, removed) = remove_public_allows(
            &json!({"Version": "2012-10-17", "Statement": [deny.clone(), allow]}),
        );
        assert_eq!(statements(&doc), vec![deny]);
        assert_eq!(removed.len(), 1);
    }

    #[test]
    fn wildcards_match_like_iam() {
        assert!(wildcard_match(
            "arn:aws:s3:::b/AWSLogs/1/*",
            "arn:aws:s3:::b/AWSLogs/1/x/y"
        ));
        assert!(wildcard_match("s3:*", "s3:PutObject"));
        assert!(wildcard_match("s3:Get?ucketAcl", "s3:GetBucketAcl"));
        assert!(!wildcard_match(
            "arn:aws:s3:::b/AWSLogs/1/*",
            "arn:aws:s3:::b/other"
        ));
        assert!(wildcard_match("*", ""));
    }

    #[test]
    fn allows_reads_principals_actions_and_resources() {
        let public = json!({"Statement": [{"Effect": "Allow", "Principal": "*", "Action": "s3:*", "Resource": "arn:aws:s3:::b/*"}]});
        assert!(allows(
            &public,
            Caller::Service("cloudtrail.amazonaws.com"),
            &["s3:PutObject"],
            "arn:aws:s3:::b/AWSLogs/1/x"
        ));
        assert!(!allows(
            &public,
            Caller::Service("cloudtrail.amazonaws.com"),
            &["s3:GetBucketAcl"],
            "arn:aws:s3:::b"
        ));
        assert!(!allows(
            &public,
            Caller::Identity,
            &["s3:PutObject"],
            "arn:aws:s3:::b/x"
        ));
        let role = json!({"Statement": [{"Effect": "Allow", "Action": ["logs:CreateLogStream", "logs:PutLogEvents"], "Resource": "arn:aws:logs:*:1:log-group:g:*"}]});
        assert!(allows(
            &role,
            Caller::Identity,
            &["logs:CreateLogStream", "logs:PutLogEvents"],
            "arn:aws:logs:eu-west-1:1:log-group:g:log-stream:x"
        ));
        assert!(!allows(
            &role,
            Caller::Identity,
            &["logs:DescribeLogGroups"],
            "arn:aws:logs:eu-west-1:1:log-group:g:*"
        ));
    }

    #[test]
    fn iam_size_does_not_count_whitespace() {
        let doc = json!({"Statement": [{"Sid": "A B", "Effect": "Allow"}]});
        assert_eq!(
            iam_size(&doc),
            serde_json::to_string(&doc).unwrap().len() - 1
        );
    }

    #[test]
    fn single_statement_object_is_read_as_a_list() {
        let doc = json!({"Statement": stmt("A", "x")});
        assert_eq!(statements(&doc).len(), 1);
        let merged = merge(Some(&doc), &[stmt("B", "y")]);
        assert_eq!(statements(&merged).len(), 2);
    }

    #[test]
    fn policies_equal_up_to_iam_normal_forms() {
        let a = json!({"Version": "2012-10-17", "Statement": {"Effect": "Allow",
            "Principal": {"Service": "cloudtrail.amazonaws.com"}, "Action": "s3:GetBucketAcl",
            "Resource": "arn:aws:s3:::b"}});
        let b = json!({"Version": "2012-10-17", "Statement": [{"Effect": "Allow",
            "Principal": {"Service": ["cloudtrail.amazonaws.com"]}, "Action": ["s3:GetBucketAcl"],
            "Resource": "arn:aws:s3:::b"}]});
        assert!(equivalent(&a, &b));
        let c = json!({"Version": "2012-10-17", "Statement": [{"Effect": "Deny",
            "Principal": {"Service": ["cloudtrail.amazonaws.com"]}, "Action": ["s3:GetBucketAcl"],
            "Resource": "arn:aws:s3:::b"}]});
        assert!(!equivalent(&a, &c));
    }

    #[test]
    fn iam_url_encoded_documents_parse() {
        let v = parse("%7B%22Version%22%3A%222012-10-17%22%7D").unwrap();
        assert_eq!(v, json!({"Version": "2012-10-17"}));
    }
}
