//! The one printer: a plan (or a report) as text, JSON, markdown or OCSF
//! Compliance Finding events (`ocsf.rs`), and what `apply` and `undo` print
//! about their results (`results.rs`).
//!
//! Everything here is a pure function from data to a `String`; the caller
//! decides where it goes (stdout for data). Colour is a parameter, decided
//! once from the terminal and `NO_COLOR`, so tests see plain text.

use serde::Serialize;
use serde_json::{Value, json};
use similar::TextDiff;
use std::collections::BTreeMap;
use std::fmt::Write;

use crate::controls::{self, Benchmark};
use crate::cost;
use crate::finding::{Finding, Status};
use crate::plan::{Action, Change, Plan, Safety};

pub mod ocsf;
pub mod org;
mod results;
pub use results::{End, Held, Verb, ends, progress, short, summary};

#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Format {
    Text,
    Json,
    Markdown,
    /// The findings as OCSF Compliance Finding events (a JSON array).
    Ocsf,
}

/// Terminal styles, all no-ops when colour is off.
#[derive(Clone, Copy)]
pub struct Style {
    pub color: bool,
}

impl Style {
    fn paint(&self, s: &str, f: fn(console::Style) -> console::Style) -> String {
        if self.color {
            f(console::Style::new())
                .force_styling(true)
                .apply_to(s)
                .to_string()
        } else {
            s.to_string()
        }
    }
    pub fn green(&self, s: &str) -> String {
        self.paint(s, |x| x.green())
    }
    pub fn red(&self, s: &str) -> String {
        self.paint(s, |x| x.red())
    }
    pub fn yellow(&self, s: &str) -> String {
        self.paint(s, |x| x.yellow())
    }
    pub fn bold(&self, s: &str) -> String {
        self.paint(s, |x| x.bold())
    }
    pub fn dim(&self, s: &str) -> String {
        self.paint(s, |x| x.dim())
    }
}

/// Counts per control and status.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct ControlSummary {
    pub control: String,
    pub title: String,
    /// The AWS Security Hub control that checks the same thing.
    pub security_hub: Option<String>,
    pub pass: usize,
    pub fail: usize,
    pub pending: usize,
    pub skipped: usize,
    pub manual: usize,
    pub error: usize,
}

pub fn summarize(
    bench: &Benchmark,
    controls_run: &[String],
    findings: &[Finding],
) -> Vec<ControlSummary> {
    controls_run
        .iter()
        .map(|id| {
            let count = |s: Status| {
                findings
                    .iter()
                    .filter(|f| &f.control == id && f.status == s)
                    .count()
            };
            ControlSummary {
                control: id.clone(),
                title: bench.get(id).map(|c| c.title).unwrap_or("").to_string(),
                security_hub: bench
                    .get(id)
                    .and_then(|c| c.security_hub)
                    .map(str::to_string),
                pass: count(Status::Pass),
                fail: count(Status::Fail),
                pending: count(Status::Pending),
                skipped: count(Status::Skipped),
                manual: count(Status::Manual),
                error: count(Status::Error),
            }
        })
        .collect()
}

/// A summary row's cells: control, Security Hub id, title, then the counts
/// of pass, fail, pending, skipped, manual and error.
fn cells(s: &ControlSummary) -> [String; 9] {
    [
        s.control.clone(),
        s.security_hub.clone().unwrap_or_else(|| "-".into()),
        s.title.clone(),
        s.pass.to_string(),
        s.fail.to_string(),
        s.pending.to_string(),
        s.skipped.to_string(),
        s.manual.to_string(),
        s.error.to_string(),
    ]
}

pub fn verdict(s: &ControlSummary) -> &'static str {
    if s.fail > 0 {
        "FAIL"
    } else if s.error > 0 {
        "ERROR"
    } else if s.manual > 0 {
        "MANUAL"
    } else if s.pending > 0 {
        "PENDING"
    } else {
        "PASS"
    }
}

pub struct Counts {
    pub create: usize,
    pub change: usize,
    pub destroy: usize,
}

pub fn counts(actions: &[Action]) -> Counts {
    Counts {
        create: actions
            .iter()
            .filter(|a| a.change == Change::Create)
            .count(),
        change: actions
            .iter()
            .filter(|a| a.change == Change::Update)
            .count(),
        destroy: actions
            .iter()
            .filter(|a| a.change == Change::Delete)
            .count(),
    }
}

/// JSON of a plan: the plan itself plus the per-control summary.
pub fn plan_json(plan: &Plan, extra: Option<(&str, Value)>) -> String {
    let bench = controls::of(&plan.settings);
    let mut v = serde_json::to_value(plan).expect("plan serializes");
    v["benchmark_name"] = json!(bench.name);
    v["benchmark_version"] = json!(bench.version);
    v["benchmark_section"] = json!(bench.section);
    // Security Hub ids beside every finding and action, for the scanners'
    // side of a review.
    let hub = |id: &str, resource: &str| bench.get(id).and_then(|c| c.security_hub_for(resource));
    for f in v["findings"].as_array_mut().into_iter().flatten() {
        let id = f["control"].as_str().unwrap_or("").to_string();
        let resource = f["resource"].as_str().unwrap_or("").to_string();
        f["security_hub"] = json!(hub(&id, &resource));
    }
    for (a, action) in v["actions"]
        .as_array_mut()
        .into_iter()
        .flatten()
        .zip(&plan.actions)
    {
        a["cost"] = json!(cost_note(action));
        let ids: Vec<&str> = a["controls"]
            .as_array()
            .into_iter()
            .flatten()
            .filter_map(|c| c.as_str().and_then(|c| hub(c, &action.target)))
            .collect();
        a["security_hub"] = json!(ids);
    }
    v["summary"] = json!(summarize(bench, &plan.controls, &plan.findings));
    let cost = cost_summary(&plan.actions);
    v["cost"] = json!({
        "text": cost.text(), "monthly_usd": cost.monthly_usd, "usage": cost.usage,
        "caveats": cost.caveats, "prices_region": cost::REGION, "prices_read": cost::READ_ON,
    });
    let c = counts(&plan.actions);
    v["totals"] = json!({"create": c.create, "change": c.change, "destroy": c.destroy});
    if let Some((k, x)) = extra {
        v[k] = x;
    }
    let mut s = serde_json::to_string_pretty(&v).expect("json");
    s.push('\n');
    s
}

pub fn render(plan: &Plan, format: Format, style: Style) -> String {
    let now = time::OffsetDateTime::now_utc().unix_timestamp_nanos() / 1_000_000;
    render_at(plan, format, style, now as i64)
}

/// [`render`] with the time OCSF events carry (ms since the epoch).
pub fn render_at(plan: &Plan, format: Format, style: Style, time_ms: i64) -> String {
    match format {
        Format::Json => plan_json(plan, None),
        Format::Text => text(plan, style),
        Format::Markdown => markdown(plan),
        Format::Ocsf => ocsf::render(&plan.findings, &ocsf::Context::for_plan(plan, time_ms)),
    }
}

fn status_mark(s: Status, st: Style) -> String {
    match s {
        Status::Pass => st.green("✓ pass"),
        Status::Fail => st.red("✗ fail"),
        Status::Pending => st.yellow("… pending"),
        Status::Skipped => st.dim("- skipped"),
        Status::Manual => st.yellow("! manual"),
        Status::Error => st.red("! error"),
    }
}

pub fn compliance_table(summary: &[ControlSummary], st: Style) -> String {
    let mut out = String::new();
    let w = summary
        .iter()
        .map(|s| s.title.chars().count())
        .max()
        .unwrap_or(0)
        .max(5)
        + 2;
    let _ = writeln!(
        out,
        "{}",
        st.bold(&format!(
            "{:<8}{:<14}{:<w$}{:>6}{:>6}{:>9}{:>9}{:>8}{:>7}  {}",
            "control",
            "security hub",
            "title",
            "pass",
            "fail",
            "pending",
            "skipped",
            "manual",
            "error",
            "verdict"
        ))
    );
    for s in summary {
        let v = verdict(s);
        let v = match v {
            "PASS" => st.green(v),
            "FAIL" | "ERROR" => st.red(v),
            _ => st.yellow(v),
        };
        let [control, hub, title, n @ ..] = cells(s);
        let _ = writeln!(
            out,
            "{control:<8}{hub:<14}{title:<w$}{:>6}{:>6}{:>9}{:>9}{:>8}{:>7}  {v}",
            n[0], n[1], n[2], n[3], n[4], n[5]
        );
    }
    out
}

fn text(plan: &Plan, st: Style) -> String {
    let mut out = String::new();
    let _ = writeln!(
        out,
        "{} account {} ({}), {} region(s): {}",
        st.bold("remediate plan:"),
        plan.account_id,
        plan.partition,
        plan.regions.len(),
        plan.regions.join(", ")
    );
    let bench = controls::of(&plan.settings);
    let _ = writeln!(out, "{}\n", benchmark_line(bench));
    out.push_str(&compliance_table(
        &summarize(controls::of(&plan.settings), &plan.controls, &plan.findings),
        st,
    ));
    let attention: Vec<&Finding> = plan
        .findings
        .iter()
        .filter(|f| f.status != Status::Pass)
        .collect();
    if !attention.is_empty() {
        let _ = writeln!(out, "\n{}", st.bold("Resources that do not pass:"));
        for f in attention {
            let _ = writeln!(
                out,
                "  {:<12} {} {:<10} {}",
                status_mark(f.status, st),
                f.control,
                f.region,
                f.resource
            );
            let _ = writeln!(out, "  {:<12}          {}", "", st.dim(&f.reason));
        }
    }
    out.push('\n');
    if plan.actions.is_empty() {
        let _ = writeln!(out, "{}", no_changes(plan, st));
        return out;
    }
    let c = counts(&plan.actions);
    let _ = writeln!(
        out,
        "{} {} to create, {} to change, {} to destroy. Actions in the order they run:\n",
        st.bold("Plan:"),
        c.create,
        c.change,
        c.destroy
    );
    for (i, a) in plan.actions.iter().enumerate() {
        out.push_str(&action_text(bench, i + 1, a, st));
    }
    let _ = writeln!(
        out,
        "{} {}",
        st.bold("Cost:"),
        cost_summary(&plan.actions).text()
    );
    out
}

/// The cost note of an action: what its kind makes AWS bill, priced in
/// its region; every action has one.
pub fn cost_note(a: &Action) -> cost::CostNote {
    let keys = a.op.prices();
    let mut note = cost::note(&keys, &a.region, crate::regions::partition_of(&a.region));
    if keys.is_empty() {
        note.text = match a.change {
            Change::Delete => "no charge; stops the charges of what it removes".into(),
            _ => "no charge (configuration only)".into(),
        };
    }
    note
}

/// The plan's cost line: fixed monthly costs summed, usage-based prices
/// listed once.
pub fn cost_summary(actions: &[Action]) -> cost::PlanCost {
    cost::plan_summary(&actions.iter().map(cost_note).collect::<Vec<_>>())
}

/// `CIS Amazon Web Services Foundations Benchmark v3.0.0 (cis-3.0), section 3 Logging`.
pub fn benchmark_line(b: &Benchmark) -> String {
    format!("{} ({}), section {}", b.title(), b.key, b.section)
}

/// `3.1 (CloudTrail.1), 3.2 (CloudTrail.4)`: a plan's control ids with
/// the Security Hub control of each.
fn with_hub(b: &Benchmark, ids: &[String]) -> String {
    ids.iter()
        .map(|id| match b.get(id).and_then(|c| c.security_hub) {
            Some(h) => format!("{id} ({h})"),
            None => id.clone(),
        })
        .collect::<Vec<_>>()
        .join(", ")
}

/// The line an empty plan ends with: clean, or failing with no safe fix.
fn no_changes(plan: &Plan, st: Style) -> String {
    let failing = plan
        .findings
        .iter()
        .filter(|f| f.status == Status::Fail)
        .count();
    if failing == 0 {
        st.green("No changes. The account matches the selected controls.")
    } else {
        st.yellow(&format!(
            "No changes planned, but {failing} resource(s) above still fail: there is no safe automatic fix for them; they need an operator."
        ))
    }
}

pub fn action_text(bench: &Benchmark, n: usize, a: &Action, st: Style) -> String {
    let mut out = String::new();
    let sym = match a.change {
        Change::Create => st.green("+"),
        Change::Update => st.yellow("~"),
        Change::Delete => st.red("-"),
    };
    let safety = match a.safety {
        Safety::Safe => st.green("safe"),
        Safety::NeedsReview => st.yellow("needs review"),
    };
    let _ = writeln!(
        out,
        "{sym} {n:>3}. {} {} ({})",
        st.bold(a.op.name()),
        a.target,
        a.region
    );
    let _ = writeln!(out, "        why:     {}", a.reason);
    let _ = writeln!(
        out,
        "        fixes:   {} ({} finding(s))",
        with_hub(bench, &a.controls),
        a.fixes.len()
    );
    let _ = writeln!(out, "        safety:  {safety}");
    let _ = writeln!(out, "        cost:    {}", cost_note(a).text);
    if !a.depends_on.is_empty() {
        let _ = writeln!(out, "        after:   {}", a.depends_on.join(", "));
    }
    let diff = diff(&a.before, &a.after);
    for line in diff.lines() {
        let colored = if line.starts_with('+') && !line.starts_with("+++") {
            st.green(line)
        } else if line.starts_with('-') && !line.starts_with("---") {
            st.red(line)
        } else {
            st.dim(line)
        };
        let _ = writeln!(out, "        {colored}");
    }
    out.push('\n');
    out
}

/// Unified diff of two documents, pretty-printed with sorted keys.
pub fn diff(before: &Value, after: &Value) -> String {
    let pretty = |v: &Value| {
        if v.is_null() {
            String::new()
        } else {
            let sorted: Value =
                serde_json::from_str(&crate::policy::canonical(v)).unwrap_or(Value::Null);
            let mut s = serde_json::to_string_pretty(&sorted).unwrap_or_default();
            s.push('\n');
            s
        }
    };
    let (b, a) = (pretty(before), pretty(after));
    TextDiff::from_lines(&b, &a)
        .unified_diff()
        .context_radius(3)
        .header("before", "after")
        .to_string()
}

fn markdown(plan: &Plan) -> String {
    let mut out = String::new();
    let _ = writeln!(
        out,
        "## remediate plan — account `{}` ({})\n\nBenchmark: {}\n\nRegions: {}\n",
        plan.account_id,
        plan.partition,
        benchmark_line(controls::of(&plan.settings)),
        plan.regions
            .iter()
            .map(|r| format!("`{r}`"))
            .collect::<Vec<_>>()
            .join(", ")
    );
    let _ = writeln!(
        out,
        "| control | Security Hub | title | pass | fail | pending | skipped | manual | error | verdict |"
    );
    let _ = writeln!(out, "|---|---|---|---:|---:|---:|---:|---:|---:|---|");
    for s in summarize(controls::of(&plan.settings), &plan.controls, &plan.findings) {
        let _ = writeln!(out, "| {} | **{}** |", cells(&s).join(" | "), verdict(&s));
    }
    let attention: Vec<&Finding> = plan
        .findings
        .iter()
        .filter(|f| f.status != Status::Pass)
        .collect();
    if !attention.is_empty() {
        let _ = writeln!(out, "\n### Resources that do not pass\n");
        let _ = writeln!(out, "| status | control | region | resource | reason |");
        let _ = writeln!(out, "|---|---|---|---|---|");
        for f in attention {
            let _ = writeln!(
                out,
                "| {} | {} | {} | `{}` | {} |",
                f.status.as_str(),
                f.control,
                f.region,
                f.resource,
                f.reason.replace('|', "\\|")
            );
        }
    }
    if plan.actions.is_empty() {
        let _ = writeln!(out, "\n**{}**", no_changes(plan, Style { color: false }));
        return out;
    }
    let c = counts(&plan.actions);
    let _ = writeln!(
        out,
        "\n### Plan: {} to create, {} to change, {} to destroy\n\nCost: {}\n",
        c.create,
        c.change,
        c.destroy,
        cost_summary(&plan.actions).text()
    );
    for (i, a) in plan.actions.iter().enumerate() {
        let sym = match a.change {
            Change::Create => "+",
            Change::Update => "~",
            Change::Delete => "-",
        };
        let safety = if a.safety == Safety::Safe {
            "safe"
        } else {
            "needs review"
        };
        let _ = writeln!(
            out,
            "{}. `{sym}` **{}** `{}` ({}) — {} — fixes {} — *{safety}* — cost: {}",
            i + 1,
            a.op.name(),
            a.target,
            a.region,
            a.reason,
            with_hub(controls::of(&plan.settings), &a.controls),
            cost_note(a).text
        );
        let d = diff(&a.before, &a.after);
        if !d.is_empty() {
            let _ = writeln!(
                out,
                "\n   <details><summary>diff</summary>\n\n```diff\n{}```\n   </details>\n",
                d
            );
        }
    }
    out
}

/// Before/after compliance of the controls an apply touched.
/// Delivery errors CloudTrail reports now for the trails `plan` touched,
/// that the plan's findings did not already name: one line each.
pub fn new_delivery_errors(plan: &Plan, snap: &crate::snapshot::Snapshot) -> Vec<String> {
    let touched: std::collections::BTreeSet<&str> = plan
        .actions
        .iter()
        .filter(|a| a.target.contains(":cloudtrail:"))
        .map(|a| a.target.as_str())
        .collect();
    let known = |arn: &str, err: &str| {
        plan.findings
            .iter()
            .any(|f| f.resource == arn && f.reason.contains(err))
    };
    let mut out = vec![];
    for t in snap
        .trails
        .values()
        .filter(|t| touched.contains(t.arn.as_str()))
    {
        let errors = [
            (
                &t.latest_delivery_error,
                "LatestDeliveryError",
                "its logs are not reaching S3 (check the bucket and key policies)",
            ),
            (
                &t.latest_cloudwatch_delivery_error,
                "LatestCloudWatchLogsDeliveryError",
                "events are not reaching CloudWatch Logs (check the role and log group)",
            ),
        ];
        for (error, name, meaning) in errors {
            if let Some(e) = error.as_deref().filter(|e| !known(&t.arn, e)) {
                out.push(format!("trail {} now reports {name}={e}: {meaning}", t.arn));
            }
        }
    }
    out
}

pub fn before_after(before: &[ControlSummary], after: &[ControlSummary], st: Style) -> String {
    let mut out = String::new();
    let _ = writeln!(
        out,
        "{}",
        st.bold(&format!(
            "{:<8}{:<62}{:>10}  {:<10}",
            "control", "title", "before", "after"
        ))
    );
    let by_id: BTreeMap<&str, &ControlSummary> =
        after.iter().map(|s| (s.control.as_str(), s)).collect();
    for b in before {
        let a = by_id
            .get(b.control.as_str())
            .map(|a| verdict(a))
            .unwrap_or("-");
        let painted = match a {
            "PASS" => st.green(a),
            "FAIL" | "ERROR" => st.red(a),
            _ => st.yellow(a),
        };
        let _ = writeln!(
            out,
            "{:<8}{:<62}{:>10}  {}",
            b.control,
            b.title,
            verdict(b),
            painted
        );
    }
    out
}
