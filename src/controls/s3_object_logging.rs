//! S3 object-level logging of write (and of read) events is enabled.
//!
//! Passes: a multi-region trail that is logging records S3 data events of
//!         that kind for every bucket: a basic selector (ReadWriteType All,
//!         or WriteOnly / ReadOnly for its kind) with an `AWS::S3::Object`
//!         data resource of `arn:<partition>:s3` (all buckets) or of every
//!         bucket the account owns; or an advanced selector on
//!         eventCategory=Data and resources.type=AWS::S3::Object whose
//!         only other field is readOnly of its kind (or resources.ARN
//!         StartsWith prefixes that cover every bucket). With a bucket list
//!         in `[s3_data_events] buckets`, those buckets are what must be
//!         covered (the finding says so: CIS asks for all).
//! Skips:  nothing; one account-wide finding (in the home region).
//! Fix:    add the data-event selector to the multi-region trail that
//!         passes (or that the CloudTrail control creates or repairs in the
//!         same plan): advanced when the trail uses advanced selectors,
//!         basic otherwise; every existing selector is kept; write and read
//!         on one trail become one selector of both. Basic selectors are
//!         limited to 5 per trail: past that, the finding says so.
//! Safety: needs review — S3 data events are billed per event ($0.10 per
//!         100,000 in us-east-1) and a busy bucket makes millions a day.

use serde_json::{Value, json};

use super::cloudtrail_all_regions::{
    candidate, current_selectors, gaps, organization_trail_run, own_trail_to_convert,
};
use super::{Check, Control};
use crate::actions::PutEventSelectors;
use crate::finding::{Finding, Status};
use crate::plan::builder::{Draft, Planner, action_id};
use crate::plan::{Op, Safety};
use crate::settings::FileSettings;
use crate::snapshot::{AdvancedEventSelector, Snapshot, Trail};

pub const WRITE: Check = Check {
    key: "s3-object-write-events",
    fix: "add a write data-event selector to the multi-region trail (billed per event)",
    detect: detect_write,
    plan: plan_write,
    resource_security_hub: None,
};

pub const READ: Check = Check {
    key: "s3-object-read-events",
    fix: "add a read data-event selector to the multi-region trail (billed per event)",
    detect: detect_read,
    plan: plan_read,
    resource_security_hub: None,
};

/// Which data events a control asks for.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub enum Kind {
    Write,
    Read,
}

impl Kind {
    fn word(self) -> &'static str {
        match self {
            Kind::Write => "write",
            Kind::Read => "read",
        }
    }
    /// The basic selector's ReadWriteType of this kind alone.
    fn read_write_type(self) -> &'static str {
        match self {
            Kind::Write => "WriteOnly",
            Kind::Read => "ReadOnly",
        }
    }
    /// The advanced selector's readOnly value of this kind alone.
    fn read_only(self) -> &'static str {
        match self {
            Kind::Write => "false",
            Kind::Read => "true",
        }
    }
    fn basic_covers(self, rw: &str) -> bool {
        rw == "All" || rw == self.read_write_type()
    }
}

fn detect_write(snap: &Snapshot, s: &FileSettings, c: &Control) -> Vec<Finding> {
    detect(snap, s, c, Kind::Write)
}
fn detect_read(snap: &Snapshot, s: &FileSettings, c: &Control) -> Vec<Finding> {
    detect(snap, s, c, Kind::Read)
}
fn plan_write(p: &mut Planner, id: &str, f: &[Finding]) {
    plan(p, id, f, Kind::Write)
}
fn plan_read(p: &mut Planner, id: &str, f: &[Finding]) {
    plan(p, id, f, Kind::Read)
}

/// The bucket ARN prefixes that must be covered: `None` for every bucket.
fn scope(snap: &Snapshot, s: &FileSettings) -> Option<Vec<String>> {
    (!s.s3_data_events.buckets.is_empty()).then(|| {
        s.s3_data_events
            .buckets
            .iter()
            .map(|b| format!("arn:{}:s3:::{b}/", snap.partition))
            .collect()
    })
}

/// Every bucket of `wanted` (or all the account owns) under one of `prefixes`.
fn prefixes_cover(snap: &Snapshot, wanted: &Option<Vec<String>>, prefixes: &[String]) -> bool {
    let all = format!("arn:{}:s3", snap.partition);
    if prefixes
        .iter()
        .any(|v| *v == all || *v == format!("{all}:::"))
    {
        return true;
    }
    let owned: Vec<String>;
    let buckets = match wanted {
        Some(w) => w,
        None => {
            owned = snap
                .owned_buckets
                .iter()
                .map(|b| format!("arn:{}:s3:::{b}/", snap.partition))
                .collect();
            if owned.is_empty() {
                return false;
            }
            &owned
        }
    };
    buckets.iter().all(|b| {
        prefixes
            .iter()
            .any(|v| !v.is_empty() && b.starts_with(v.as_str()))
    })
}

fn advanced_covers(
    snap: &Snapshot,
    wanted: &Option<Vec<String>>,
    s: &AdvancedEventSelector,
    kind: Kind,
) -> bool {
    let eq = |field: &str, v: &str| {
        s.field_selectors.iter().any(|f| {
            f.field == field
                && f.equals == [v.to_string()]
                && f.not_equals.is_empty()
                && f.starts_with.is_empty()
        })
    };
    if !eq("eventCategory", "Data") || !eq("resources.type", "AWS::S3::Object") {
        return false;
    }
    let mut arn_prefixes = None;
    for f in &s.field_selectors {
        match f.field.as_str() {
            "eventCategory" | "resources.type" => {}
            "readOnly" if eq("readOnly", kind.read_only()) => {}
            "resources.ARN"
                if f.equals.is_empty() && f.not_equals.is_empty() && !f.starts_with.is_empty() =>
            {
                arn_prefixes = Some(f.starts_with.clone());
            }
            // Any other field (or operator) narrows what is recorded.
            _ => return false,
        }
    }
    match arn_prefixes {
        None => true,
        Some(p) => prefixes_cover(snap, wanted, &p),
    }
}

/// Whether the trail records S3 object events of `kind` for the scope.
pub fn records(snap: &Snapshot, s: &FileSettings, t: &Trail, kind: Kind) -> bool {
    let wanted = scope(snap, s);
    let basic = t.event_selectors.iter().any(|sel| {
        kind.basic_covers(&sel.read_write_type)
            && sel
                .data_resources
                .iter()
                .any(|d| d.r#type == "AWS::S3::Object" && prefixes_cover(snap, &wanted, &d.values))
    });
    basic
        || t.advanced_event_selectors
            .iter()
            .any(|a| advanced_covers(snap, &wanted, a, kind))
}

fn logs_everywhere(t: &Trail) -> bool {
    t.is_multi_region && t.is_logging == Some(true)
}

fn detect(snap: &Snapshot, s: &FileSettings, c: &Control, kind: Kind) -> Vec<Finding> {
    let home = &snap.home_region;
    let account = super::shared::all_trails_arn(snap);
    if let Some(f) = super::shared::cloudtrail_unreadable(snap, c.id) {
        return vec![f];
    }
    let scoped = match &s.s3_data_events.buckets {
        b if b.is_empty() => "every bucket".to_string(),
        b => format!(
            "the {} bucket(s) of [s3_data_events] buckets (CIS asks for every bucket)",
            b.len()
        ),
    };
    let word = kind.word();
    if let Some(t) = snap
        .trails
        .values()
        .find(|t| logs_everywhere(t) && records(snap, s, t, kind))
    {
        return vec![Finding::new(
            c.id,
            &t.home_region,
            &t.arn,
            Status::Pass,
            format!(
                "multi-region, logging trail records S3 object-level {word} events for {scoped}"
            ),
        )];
    }
    let why = match snap.trails.values().find(|t| logs_everywhere(t)) {
        Some(t) => (
            t.arn.clone(),
            t.home_region.clone(),
            format!(
                "no multi-region, logging trail records S3 object-level {word} events for {scoped}"
            ),
        ),
        None => (
            account,
            home.clone(),
            format!(
                "no multi-region, logging trail (so no S3 object-level {word} events are recorded)"
            ),
        ),
    };
    vec![Finding::new(c.id, &why.1, why.0, Status::Fail, why.2)]
}

/// The trail that gets the selector: one that already passes the CloudTrail
/// control, else the one this plan creates or repairs for it.
fn target(p: &Planner) -> Option<(String, String, String)> {
    let snap = p.snap;
    if organization_trail_run(p).is_some() {
        // The organization trail records the members' data events too: the
        // one the account has, else the tool's own trail this plan makes
        // the organization trail (in the same run, so one run converges),
        // else the one it creates.
        return snap
            .trails
            .values()
            .filter(|t| t.is_organization && t.owner_account() == snap.account_id)
            .min_by_key(|t| (gaps(t).len(), t.arn.clone()))
            .or_else(|| own_trail_to_convert(p).filter(|t| p.touches(&t.arn)))
            .map(|t| (t.name.clone(), t.home_region.clone(), t.arn.clone()))
            .or_else(|| p.created_trail());
    }
    let own = |t: &&Trail| t.owner_account() == snap.account_id;
    if let Some(t) = snap
        .trails
        .values()
        .filter(own)
        .find(|t| gaps(t).is_empty())
    {
        return Some((t.name.clone(), t.home_region.clone(), t.arn.clone()));
    }
    if let Some(t) = candidate(snap)
        && p.touches(&t.arn)
    {
        return Some((t.name.clone(), t.home_region.clone(), t.arn.clone()));
    }
    p.created_trail()
}

fn plan(p: &mut Planner, id: &str, findings: &[Finding], kind: Kind) {
    let fixes: Vec<String> = findings.iter().map(|f| f.id()).collect();
    let Some((name, region, arn)) = target(p) else {
        for f in &fixes {
            p.cannot_fix(f, "no multi-region trail of this account records management events, and this plan makes none: fix the 'CloudTrail is enabled in all regions' control first");
        }
        return;
    };
    let wanted = scope(p.snap, p.settings);
    let trail = p.snap.trails.get(&arn);
    // What the selectors are once the earlier controls' actions ran: the
    // pending put on this trail, else the trail's own.
    // The id of a basic, or an advanced, put on this trail.
    let id_of = |key: &str| {
        let op = Op::PutEventSelectors(PutEventSelectors {
            trail: name.clone(),
            selectors: json!({ key: [] }),
        });
        action_id(&op, &region, &arn)
    };
    let pending = [id_of("EventSelectors"), id_of("AdvancedEventSelectors")]
        .iter()
        .find_map(|i| match p.pending_op(i) {
            Some(Op::PutEventSelectors(PutEventSelectors { selectors, .. })) => {
                Some(selectors.clone())
            }
            _ => None,
        });
    let before = trail.map(current_selectors).unwrap_or(Value::Null);
    let base = pending.clone().unwrap_or_else(|| before.clone());
    let after = match with_data_selector(&base, kind, p.snap, &wanted) {
        Ok(a) => a,
        Err(why) => {
            for f in &fixes {
                p.cannot_fix(f, why.clone());
            }
            return;
        }
    };
    let op = Op::PutEventSelectors(PutEventSelectors {
        trail: name,
        selectors: after.clone(),
    });
    let scoped = if wanted.is_some() {
        "the buckets of [s3_data_events] buckets"
    } else {
        "every bucket"
    };
    p.add(
        id,
        &fixes,
        Draft {
            op,
            region,
            target: arn.clone(),
            before: if trail.is_some() { before } else { Value::Null },
            after,
            reason: format!(
                "record S3 object-level {} events for {scoped}; every existing selector kept (billed per event: $0.10 per 100,000 in us-east-1)",
                kind.word()
            ),
            safety: Safety::NeedsReview,
            depends_on: vec![],
            observes: if trail.is_some() {
                vec![format!("trails/{arn}")]
            } else {
                vec![]
            },
        },
    );
}

/// AWS's limit on basic event selectors per trail:
/// <https://docs.aws.amazon.com/awscloudtrail/latest/userguide/logging-data-events-with-cloudtrail.html>
/// ("You can add up to five event selectors to a trail").
pub const MAX_BASIC_SELECTORS: usize = 5;

/// The selectors with one S3 object-level selector of `kind` added (or an
/// existing one of the other kind, with the same scope, widened to both).
pub fn with_data_selector(
    selectors: &Value,
    kind: Kind,
    snap: &Snapshot,
    wanted: &Option<Vec<String>>,
) -> Result<Value, String> {
    let values: Vec<String> = wanted
        .clone()
        .unwrap_or_else(|| vec![format!("arn:{}:s3", snap.partition)]);
    if let Some(list) = selectors
        .get("AdvancedEventSelectors")
        .and_then(Value::as_array)
    {
        let mut list = list.clone();
        let mut fields = vec![
            json!({"field": "eventCategory", "equals": ["Data"]}),
            json!({"field": "resources.type", "equals": ["AWS::S3::Object"]}),
        ];
        if wanted.is_some() {
            fields.push(json!({"field": "resources.ARN", "starts_with": values}));
        }
        let mut other = fields.clone();
        other.push(json!({"field": "readOnly", "equals": [if kind == Kind::Write { "true" } else { "false" }]}));
        if let Some(s) = list.iter_mut().find(|s| same_fields(s, &other)) {
            s["field_selectors"] = json!(fields);
            s["name"] = json!("S3 object-level events");
        } else {
            fields.push(json!({"field": "readOnly", "equals": [kind.read_only()]}));
            list.push(json!({"name": format!("S3 object-level {} events", kind.word()), "field_selectors": fields}));
        }
        return Ok(json!({"AdvancedEventSelectors": list}));
    }
    let mut list = selectors
        .get("EventSelectors")
        .and_then(Value::as_array)
        .cloned()
        .unwrap_or_default();
    let resources = json!([{"Type": "AWS::S3::Object", "Values": values}]);
    let other = match kind {
        Kind::Write => "ReadOnly",
        Kind::Read => "WriteOnly",
    };
    if let Some(s) = list.iter_mut().find(|s| {
        s["DataResources"] == resources
            && s["ReadWriteType"] == other
            && s["IncludeManagementEvents"] == false
    }) {
        s["ReadWriteType"] = json!("All");
        return Ok(json!({"EventSelectors": list}));
    }
    if list.len() >= MAX_BASIC_SELECTORS {
        return Err(format!(
            "the trail already has {} basic event selectors, AWS's limit: merge them or move the trail to advanced selectors",
            list.len()
        ));
    }
    list.push(json!({
        "ReadWriteType": kind.read_write_type(),
        "IncludeManagementEvents": false,
        "ExcludeManagementEventSources": [],
        "DataResources": resources,
    }));
    Ok(json!({"EventSelectors": list}))
}

fn same_fields(selector: &Value, fields: &[Value]) -> bool {
    let Some(have) = selector.get("field_selectors").and_then(Value::as_array) else {
        return false;
    };
    have.len() == fields.len() && fields.iter().all(|f| have.contains(f))
}
