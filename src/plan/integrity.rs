//! What makes a saved plan safe to apply beyond its seal (which anyone can
//! recompute): the file's actions are exactly what remediate plans now for
//! that account and settings ([`first_difference`]), the settings it carries
//! are the ones the run would use ([`settings_differences`]), and no
//! document it writes opens access to everyone or to a stranger
//! ([`check_documents`], applied to fresh plans too). All pure.

use serde_json::Value;
use std::collections::BTreeSet;

use super::Action;
use crate::policy::{as_list, is_public_allow, statements};
use crate::settings::FileSettings;

/// The first way the saved actions differ from the ones planned afresh, as
/// one sentence, or `None` when they are the same (ops, targets, documents,
/// before/after, order and dependencies: the whole action).
pub fn first_difference(saved: &[Action], fresh: &[Action]) -> Option<String> {
    let n = saved.len().max(fresh.len());
    for i in 0..n {
        let what = match (saved.get(i), fresh.get(i)) {
            (Some(a), Some(b)) if a == b => continue,
            (Some(a), Some(b)) => {
                let part = if a.id != b.id {
                    match fresh.iter().position(|f| f.id == a.id) {
                        Some(j) => format!("remediate plans it as action {}", j + 1),
                        None => "remediate plans no such action".into(),
                    }
                } else if a.op != b.op {
                    "its operation's data".into()
                } else if a.depends_on != b.depends_on {
                    "its dependencies".into()
                } else if a.before != b.before || a.after != b.after {
                    "its before or after".into()
                } else {
                    "its description".into()
                };
                format!(
                    "action {} {} differs from what remediate plans for this account ({part})",
                    i + 1,
                    a.id
                )
            }
            (Some(a), None) => format!(
                "action {} {} differs from what remediate plans for this account (remediate plans {} action(s))",
                i + 1,
                a.id,
                fresh.len()
            ),
            (None, Some(b)) => format!(
                "the plan file has {} action(s); remediate plans more for this account, the next being {}",
                saved.len(),
                b.id
            ),
            (None, None) => unreachable!("i < max(len)"),
        };
        return Some(what);
    }
    None
}

/// The settings that shape a plan, as JSON: all but how the SDK retries
/// (`[aws]`), where plans are signed (`[plan]`, never saved) and which
/// accounts an organization run reaches and how (`[org]` but its `trail`):
/// those change how a run goes, not what it writes.
pub fn plan_shaping(s: &FileSettings) -> Value {
    let mut v = serde_json::to_value(s).expect("settings serialize");
    if let Some(o) = v.as_object_mut() {
        o.remove("aws");
        o.remove("plan");
        let trail = o.get("org").and_then(|org| org.get("trail")).cloned();
        o.insert("org".into(), serde_json::json!({ "trail": trail }));
    }
    v
}

/// The settings keys (dotted paths) whose values differ between the plan's
/// settings and the run's, sorted; empty when they agree.
pub fn settings_differences(plan: &FileSettings, run: &FileSettings) -> Vec<String> {
    let mut out = BTreeSet::new();
    diff_paths("", &plan_shaping(plan), &plan_shaping(run), &mut out);
    out.into_iter().collect()
}

fn diff_paths(at: &str, a: &Value, b: &Value, out: &mut BTreeSet<String>) {
    match (a, b) {
        (Value::Object(x), Value::Object(y)) => {
            let keys: BTreeSet<&String> = x.keys().chain(y.keys()).collect();
            for k in keys {
                let path = if at.is_empty() {
                    k.clone()
                } else {
                    format!("{at}.{k}")
                };
                diff_paths(
                    &path,
                    x.get(k).unwrap_or(&Value::Null),
                    y.get(k).unwrap_or(&Value::Null),
                    out,
                );
            }
        }
        _ if a != b => {
            out.insert(at.to_string());
        }
        _ => {}
    }
}

/// A unified diff of the plan-shaping settings: the plan's (`-`) against
/// the run's (`+`), for a reviewer to read.
pub fn settings_diff_text(plan: &FileSettings, run: &FileSettings) -> String {
    let pretty = |s: &FileSettings| {
        let mut t = serde_json::to_string_pretty(&plan_shaping(s)).expect("json");
        t.push('\n');
        t
    };
    let (a, b) = (pretty(plan), pretty(run));
    similar::TextDiff::from_lines(&a, &b)
        .unified_diff()
        .context_radius(1)
        .header("settings in the plan", "settings of this run")
        .to_string()
}

/// Who a document may grant to without a reviewer having to name them.
pub struct Trusted<'a> {
    /// The account the plan is for.
    pub account: &'a str,
    /// Other accounts the settings name (anywhere in them).
    pub named: BTreeSet<String>,
}

impl<'a> Trusted<'a> {
    pub fn new(account: &'a str, settings: &FileSettings) -> Self {
        let mut named = BTreeSet::new();
        collect_account_ids(&plan_shaping(settings), &mut named);
        Trusted { account, named }
    }

    fn admits(&self, id: &str) -> bool {
        id == self.account
            || self.named.contains(id)
            // The regional Elastic Load Balancing accounts, which write
            // load balancer access logs (the legacy bucket policy).
            || crate::elb_accounts::ELB_ACCOUNTS.iter().any(|(_, a)| *a == id)
    }
}

fn collect_account_ids(v: &Value, out: &mut BTreeSet<String>) {
    match v {
        Value::String(s) => {
            for word in s.split(|c: char| !c.is_ascii_digit()) {
                if word.len() == 12 {
                    out.insert(word.to_string());
                }
            }
        }
        Value::Array(a) => a.iter().for_each(|x| collect_account_ids(x, out)),
        Value::Object(o) => o.values().for_each(|x| collect_account_ids(x, out)),
        _ => {}
    }
}

/// Every policy document (an object with a `Statement`, or a string holding
/// one) anywhere in `v`.
fn documents(v: &Value, out: &mut Vec<Value>) {
    match v {
        Value::Object(o) if o.contains_key("Statement") => out.push(v.clone()),
        Value::Object(o) => o.values().for_each(|x| documents(x, out)),
        Value::Array(a) => a.iter().for_each(|x| documents(x, out)),
        Value::String(s) if s.contains("Statement") => {
            if let Ok(inner) = serde_json::from_str::<Value>(s) {
                documents(&inner, out);
            }
        }
        _ => {}
    }
}

/// Why an `Allow` statement opens access it should not, if it does.
fn stranger(stmt: &Value, trusted: &Trusted) -> Option<String> {
    if stmt.get("Effect").and_then(Value::as_str) != Some("Allow") {
        return None;
    }
    if stmt.get("NotPrincipal").is_some() {
        return Some("an Allow with NotPrincipal (everyone but the named)".into());
    }
    if is_public_allow(stmt) {
        return Some("an Allow for everyone (Principal *)".into());
    }
    let principal = stmt.get("Principal")?;
    let Value::Object(kinds) = principal else {
        return Some(format!("an Allow for the principal {principal}"));
    };
    for (kind, who) in kinds {
        for p in as_list(who) {
            let p = p.as_str().unwrap_or_default();
            match kind.as_str() {
                "Service" => {}
                "AWS" => {
                    let account = account_of(p);
                    if !account.is_some_and(|a| trusted.admits(a)) {
                        return Some(format!("an Allow for {p}, outside this account"));
                    }
                }
                _ => return Some(format!("an Allow for the {kind} principal {p}")),
            }
        }
    }
    None
}

/// The account of an AWS principal: `123456789012` or an ARN naming it.
fn account_of(p: &str) -> Option<&str> {
    if p.len() == 12 && p.bytes().all(|b| b.is_ascii_digit()) {
        return Some(p);
    }
    let mut parts = p.split(':');
    (parts.next() == Some("arn")).then_some(())?;
    parts
        .nth(3)
        .filter(|a| a.len() == 12 && a.bytes().all(|b| b.is_ascii_digit()))
}

/// ACL grants to everyone or to every AWS account.
const PUBLIC_GROUPS: &[&str] = &[
    "http://acs.amazonaws.com/groups/global/AllUsers",
    "http://acs.amazonaws.com/groups/global/AuthenticatedUsers",
];

/// Refuses an action whose documents hold a statement (or grant) that
/// opens access to everyone or to an account neither this one nor named in
/// the settings, unless the same statement is already live (`before`):
/// the tool merges, and keeps what the user had. The first offence, named.
pub fn check_documents(actions: &[Action], trusted: &Trusted) -> Result<(), String> {
    for (i, a) in actions.iter().enumerate() {
        let op = serde_json::to_value(&a.op).expect("op serializes");
        let (mut written, mut live) = (vec![], vec![]);
        documents(&op, &mut written);
        documents(&a.before, &mut live);
        let kept: Vec<Value> = live.iter().flat_map(statements).collect();
        for stmt in written.iter().flat_map(statements) {
            if kept.contains(&stmt) {
                continue;
            }
            if let Some(why) = stranger(&stmt, trusted) {
                return Err(format!(
                    "action {} {} would write {why}: refused (name the account in the settings if it is meant)",
                    i + 1,
                    a.id
                ));
            }
        }
        let uris = grant_uris(&op);
        let before = grant_uris(&a.before);
        if let Some(u) = uris
            .iter()
            .find(|u| PUBLIC_GROUPS.contains(&u.as_str()) && !before.contains(*u))
        {
            return Err(format!(
                "action {} {} would grant access to {u}: refused",
                i + 1,
                a.id
            ));
        }
    }
    Ok(())
}

fn grant_uris(v: &Value) -> BTreeSet<String> {
    let mut out = BTreeSet::new();
    fn walk(v: &Value, out: &mut BTreeSet<String>) {
        match v {
            Value::Object(o) => {
                for (k, x) in o {
                    match (k.as_str(), x) {
                        ("uri" | "URI", Value::String(s)) => {
                            out.insert(s.clone());
                        }
                        _ => walk(x, out),
                    }
                }
            }
            Value::Array(a) => a.iter().for_each(|x| walk(x, out)),
            _ => {}
        }
    }
    walk(v, &mut out);
    out
}
