//! An organization plan or report: a summary per account × control, then
//! each account's plan as the single-account renderer prints it.

use serde_json::{Value, json};
use std::fmt::Write;

use super::{Format, Style, benchmark_line, plan_json, render, summarize, verdict};
use crate::controls;
use crate::report::{AccountPart, OrgPlan};

/// Verdict of each selected control for one account (`-` when unread).
fn row(a: &AccountPart, ids: &[String]) -> Vec<&'static str> {
    match &a.plan {
        None => ids.iter().map(|_| "-").collect(),
        Some(p) => {
            let bench = controls::of(&p.settings);
            let s = summarize(bench, &p.controls, &p.findings);
            ids.iter()
                .map(|id| {
                    s.iter()
                        .find(|x| &x.control == id)
                        .map(verdict)
                        .unwrap_or("-")
                })
                .collect()
        }
    }
}

/// The control ids of the run (the first readable account's).
fn ids(org: &OrgPlan) -> Vec<String> {
    org.accounts
        .iter()
        .find_map(|a| a.plan.as_ref().map(|p| p.controls.clone()))
        .unwrap_or_default()
}

fn header(org: &OrgPlan) -> String {
    let bench = controls::benchmark(&org.benchmark)
        .map(benchmark_line)
        .unwrap_or_else(|e| e);
    let drift = org
        .accounts
        .iter()
        .filter(|a| a.verdict() == "drift")
        .count();
    let errors = org
        .accounts
        .iter()
        .filter(|a| a.verdict() == "error")
        .count();
    format!(
        "{} account(s){}, run from account {}; {drift} drift, {errors} error\n{bench}",
        org.accounts.len(),
        org.shard
            .as_deref()
            .map(|s| format!(" (shard {s})"))
            .unwrap_or_default(),
        org.caller_account,
    )
}

pub fn render_org(org: &OrgPlan, format: Format, st: Style) -> String {
    match format {
        Format::Json => json_text(org),
        Format::Markdown => markdown(org),
        Format::Text => text(org, st),
        Format::Ocsf => ocsf_events(org),
    }
}

/// Every readable account's findings as one array of OCSF events (each
/// event names its own account).
fn ocsf_events(org: &OrgPlan) -> String {
    let now = (time::OffsetDateTime::now_utc().unix_timestamp_nanos() / 1_000_000) as i64;
    let events: Vec<Value> = org
        .accounts
        .iter()
        .filter_map(|a| a.plan.as_ref())
        .flat_map(|p| super::ocsf::events(&p.findings, &super::ocsf::Context::for_plan(p, now)))
        .collect();
    let mut s = serde_json::to_string_pretty(&events).expect("json");
    s.push('\n');
    s
}

fn text(org: &OrgPlan, st: Style) -> String {
    let ids = ids(org);
    let mut out = String::new();
    let _ = writeln!(
        out,
        "{} {}\n",
        st.bold("remediate organization plan:"),
        header(org)
    );
    let w = org
        .accounts
        .iter()
        .map(|a| a.name.chars().count())
        .max()
        .unwrap_or(0)
        .max(4)
        + 2;
    let _ = write!(
        out,
        "{}",
        st.bold(&format!("{:<14}{:<w$}", "account", "name"))
    );
    for id in &ids {
        let _ = write!(out, "{}", st.bold(&format!("{id:<9}")));
    }
    let _ = writeln!(out, "{}", st.bold(&format!("{:>8}  verdict", "actions")));
    for a in &org.accounts {
        let _ = write!(out, "{:<14}{:<w$}", a.account_id, a.name);
        for v in row(a, &ids) {
            let cell = format!("{v:<9}");
            let _ = write!(
                out,
                "{}",
                match v {
                    "PASS" => st.green(&cell),
                    "FAIL" | "ERROR" => st.red(&cell),
                    "-" => st.dim(&cell),
                    _ => st.yellow(&cell),
                }
            );
        }
        let n = a.plan.as_ref().map(|p| p.actions.len()).unwrap_or(0);
        let _ = writeln!(out, "{n:>8}  {}", a.verdict());
    }
    for a in &org.accounts {
        let _ = writeln!(
            out,
            "\n{}",
            st.bold(&format!("=== account {} {} ===", a.account_id, a.name))
        );
        match (&a.plan, &a.error) {
            (Some(p), _) => out.push_str(&render(p, Format::Text, st)),
            (None, e) => {
                let _ = writeln!(
                    out,
                    "{} {}",
                    st.red("error:"),
                    e.as_deref().unwrap_or("not read")
                );
            }
        }
    }
    out
}

fn markdown(org: &OrgPlan) -> String {
    let ids = ids(org);
    let mut out = String::new();
    let _ = writeln!(
        out,
        "## remediate organization plan\n\n{}\n",
        header(org).replace('\n', "\n\n")
    );
    let _ = write!(out, "| account | name |");
    for id in &ids {
        let _ = write!(out, " {id} |");
    }
    let _ = writeln!(out, " actions | verdict |");
    let _ = writeln!(out, "|---|---|{}---:|---|", "---|".repeat(ids.len()));
    for a in &org.accounts {
        let _ = write!(out, "| `{}` | {} |", a.account_id, a.name);
        for v in row(a, &ids) {
            let _ = write!(out, " {v} |");
        }
        let n = a.plan.as_ref().map(|p| p.actions.len()).unwrap_or(0);
        let _ = writeln!(out, " {n} | **{}** |", a.verdict());
    }
    for a in &org.accounts {
        let _ = writeln!(out, "\n### Account `{}` {}\n", a.account_id, a.name);
        match (&a.plan, &a.error) {
            (Some(p), _) => out.push_str(&render(p, Format::Markdown, Style { color: false })),
            (None, e) => {
                let _ = writeln!(out, "**error:** {}", e.as_deref().unwrap_or("not read"));
            }
        }
    }
    out
}

/// The organization JSON, built one account at a time: the report is
/// the only thing that grows with the number of accounts (no JSON tree
/// of the whole organization is held next to it).
fn json_text(org: &OrgPlan) -> String {
    let ids = ids(org);
    let indent = |text: String, by: &str| text.replace('\n', &format!("\n{by}"));
    let mut head = serde_json::to_value(OrgPlan {
        accounts: vec![],
        ..org.clone()
    })
    .expect("organization plan serializes");
    head["summary"] = json!(
        org.accounts
            .iter()
            .map(|a| json!({
                "account_id": a.account_id,
                "verdict": a.verdict(),
                "controls": ids.iter().cloned().zip(row(a, &ids)).collect::<std::collections::BTreeMap<_, _>>(),
            }))
            .collect::<Vec<_>>()
    );
    let head = serde_json::to_string_pretty(&head).expect("json");
    // `head` ends with `"accounts": [],` … `}`: put the accounts in its place.
    let (before, after) = head
        .split_once("\"accounts\": []")
        .expect("the accounts key");
    let mut out = String::from(before);
    out.push_str("\"accounts\": [");
    for (n, a) in org.accounts.iter().enumerate() {
        let mut v = serde_json::to_value(a.clone_without_plan()).expect("account serializes");
        v["verdict"] = json!(a.verdict());
        if let Some(p) = &a.plan {
            v["plan"] = serde_json::from_str::<Value>(&plan_json(p, None)).expect("plan JSON");
        }
        out.push_str(if n == 0 { "\n    " } else { ",\n    " });
        out.push_str(&indent(
            serde_json::to_string_pretty(&v).expect("json"),
            "    ",
        ));
    }
    out.push_str(if org.accounts.is_empty() {
        "]"
    } else {
        "\n  ]"
    });
    out.push_str(after);
    out.push('\n');
    out
}
