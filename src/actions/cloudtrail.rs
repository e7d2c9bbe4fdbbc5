//! CloudTrail: make a trail, repair one (settings, selectors, logging),
//! and delete one a run made. Trails are changed from their home region only.
//!
//! Prior / result: a [`TrailState`] (settings, selectors, logging) / null.
//! Selectors are kept in the shape `PutEventSelectors` takes:
//! `[{ReadWriteType, IncludeManagementEvents, ExcludeManagementEventSources,
//! DataResources: [{Type, Values}]}]`, advanced ones as
//! `[{Name, FieldSelectors: [{Field, Equals, StartsWith, …}]}]`.

use aws_sdk_cloudtrail::types::{
    AdvancedEventSelector, AdvancedFieldSelector, DataResource, EventSelector, ReadWriteType,
};
use serde::{Deserialize, Serialize};
use serde_json::{Value, json};

use super::ctx::{Ctx, Done, Fail, unset_empty};
use super::{Past, PutEventSelectors, Reversal};
use crate::aws::{AwsError, Classify};
use crate::snapshot::{self as snap, ErrorKind, Snapshot, Trail};

/// The IAM actions of read_trail: GetTrail, GetTrailStatus, GetEventSelectors.
pub(super) const READ_TRAIL: &[&str] = &[
    "cloudtrail:GetTrail",
    "cloudtrail:GetTrailStatus",
    "cloudtrail:GetEventSelectors",
];

/// Everything about a trail an op may change.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct TrailState {
    pub name: String,
    pub arn: String,
    pub home_region: Option<String>,
    pub s3_bucket: Option<String>,
    pub s3_prefix: Option<String>,
    pub is_multi_region: bool,
    pub include_global_service_events: bool,
    pub log_file_validation: bool,
    pub is_organization: bool,
    pub kms_key_id: Option<String>,
    pub cloudwatch_log_group_arn: Option<String>,
    pub cloudwatch_role_arn: Option<String>,
    pub is_logging: Option<bool>,
    #[serde(default)]
    pub event_selectors: Value,
    #[serde(default)]
    pub advanced_event_selectors: Value,
}

pub(super) fn is_not_found(e: &AwsError) -> bool {
    e.kind == ErrorKind::NotFound || e.code == "TrailNotFoundException"
}

/// `arn:…:trail/name` or `name` -> `name`.
pub(crate) fn trail_name(name_or_arn: &str) -> &str {
    name_or_arn
        .rsplit_once(":trail/")
        .map_or(name_or_arn, |(_, n)| n)
}

pub(super) async fn read_trail(cx: &Ctx<'_>, name: &str) -> Result<Option<TrailState>, AwsError> {
    let ct = cx.aws.cloudtrail(cx.region());
    let t = match ct.get_trail().name(name).send().await.aws() {
        Ok(out) => match out.trail() {
            Some(t) => t.clone(),
            None => return Ok(None),
        },
        Err(e) if is_not_found(&e) => return Ok(None),
        Err(e) => return Err(e),
    };
    let arn = t.trail_arn().unwrap_or_default().to_string();
    // Calls name the trail as the plan does (name or ARN), from its home region.
    let key = name;
    let status = ct.get_trail_status().name(key).send().await.aws()?;
    let sel = ct
        .get_event_selectors()
        .trail_name(key)
        .send()
        .await
        .aws()?;
    Ok(Some(TrailState {
        name: t.name().unwrap_or(name).to_string(),
        arn,
        home_region: unset_empty(t.home_region()),
        s3_bucket: unset_empty(t.s3_bucket_name()),
        s3_prefix: unset_empty(t.s3_key_prefix()),
        is_multi_region: t.is_multi_region_trail().unwrap_or(false),
        include_global_service_events: t.include_global_service_events().unwrap_or(false),
        log_file_validation: t.log_file_validation_enabled().unwrap_or(false),
        is_organization: t.is_organization_trail().unwrap_or(false),
        kms_key_id: unset_empty(t.kms_key_id()),
        cloudwatch_log_group_arn: unset_empty(t.cloud_watch_logs_log_group_arn()),
        cloudwatch_role_arn: unset_empty(t.cloud_watch_logs_role_arn()),
        is_logging: status.is_logging(),
        event_selectors: selectors_json(sel.event_selectors()),
        advanced_event_selectors: advanced_json(sel.advanced_event_selectors()),
    }))
}

pub(super) fn state_json(s: &TrailState) -> Value {
    serde_json::to_value(s).unwrap_or_default()
}

/// Refuses to change a trail from outside its home region.
pub(super) fn check_home(cx: &Ctx<'_>, t: &TrailState) -> Result<(), Fail> {
    match &t.home_region {
        Some(home) if home != cx.region() => Err(Fail::new(
            "NotHomeRegion",
            format!(
                "trail {} lives in {home}; it can only be changed there, not from {}",
                t.name,
                cx.region()
            ),
        )),
        _ => Ok(()),
    }
}

/// The key the trail reports is the key that was asked for: AWS reports the
/// ARN of a key given by id or alias; an alias is resolved to compare.
pub(super) async fn kms_matches(cx: &Ctx<'_>, asked: Option<&str>, got: Option<&str>) -> bool {
    let (asked, got) = (
        asked.filter(|s| !s.is_empty()),
        got.filter(|s| !s.is_empty()),
    );
    match (asked, got) {
        (None, None) => true,
        (None, Some(_)) | (Some(_), None) => false,
        (Some(a), Some(g)) => {
            if a == g || g.ends_with(&format!("/{a}")) || a.ends_with(&format!("/{g}")) {
                return true;
            }
            // A key lives in the region of its ARN (the trail bucket's
            // region), not necessarily the trail's home region.
            let region = crate::snapshot::arn_region(a).unwrap_or(cx.region());
            match cx
                .aws
                .kms(region)
                .describe_key()
                .key_id(a)
                .send()
                .await
                .aws()
            {
                Ok(out) => out.key_metadata().is_some_and(|m| {
                    m.key_id() == g
                        || m.arn() == Some(g)
                        || g.ends_with(&format!("/{}", m.key_id()))
                }),
                Err(_) => false,
            }
        }
    }
}

pub(super) struct NewTrail<'a> {
    pub name: &'a str,
    pub bucket: &'a str,
    pub prefix: Option<&'a str>,
    pub kms_key_id: Option<&'a str>,
    pub cw_group: Option<&'a str>,
    pub cw_role: Option<&'a str>,
    /// An organization trail.
    pub organization: bool,
}

pub(super) async fn put_event_selectors(
    cx: &Ctx<'_>,
    trail: &str,
    selectors: &Value,
    advanced: bool,
) -> Result<Done, Fail> {
    let list = selector_list(selectors, advanced);
    let prior = read_trail(cx, trail)
        .await
        .map_err(|e| Fail::reading("trail", e))?
        .ok_or_else(|| {
            Fail::new(
                "TrailNotFoundException",
                format!("trail {trail} does not exist in {}", cx.region()),
            )
        })?;
    check_home(cx, &prior)?;
    let key = trail.to_string();
    let ct = cx.aws.cloudtrail(cx.region());
    let req = if advanced {
        let built = list
            .iter()
            .map(advanced_from_json)
            .collect::<Result<Vec<_>, _>>()
            .map_err(Fail::invalid)?;
        ct.put_event_selectors()
            .trail_name(&key)
            .set_advanced_event_selectors(Some(built))
    } else {
        let built = list
            .iter()
            .map(selector_from_json)
            .collect::<Result<Vec<_>, _>>()
            .map_err(Fail::invalid)?;
        ct.put_event_selectors()
            .trail_name(&key)
            .set_event_selectors(Some(built))
    };
    cx.before(state_json(&prior))?;
    req.send().await.aws()?;
    let now = read_trail(cx, trail)
        .await?
        .ok_or_else(|| Fail::mismatch(format!("trail {trail} cannot be found"), Value::Null))?;
    let result = state_json(&now);
    let (want, got) = if advanced {
        (
            normalise_advanced(&Value::Array(list.clone())),
            normalise_advanced(&now.advanced_event_selectors),
        )
    } else {
        (
            normalise_selectors(&Value::Array(list.clone())),
            normalise_selectors(&now.event_selectors),
        )
    };
    if want != got {
        return Err(Fail::mismatch(
            format!("the event selectors of {trail} read back as {got}"),
            result,
        ));
    }
    Ok(Done::new(
        format!(
            "put {} {}event selector(s) on {trail}",
            list.len(),
            if advanced { "advanced " } else { "" }
        ),
        result,
    ))
}

pub(super) async fn set_logging(cx: &Ctx<'_>, trail: &str, on: bool) -> Result<Done, Fail> {
    let prior = read_trail(cx, trail)
        .await
        .map_err(|e| Fail::reading("trail", e))?
        .ok_or_else(|| {
            Fail::new(
                "TrailNotFoundException",
                format!("trail {trail} does not exist in {}", cx.region()),
            )
        })?;
    check_home(cx, &prior)?;
    let key = trail.to_string();
    cx.before(state_json(&prior))?;
    let ct = cx.aws.cloudtrail(cx.region());
    if on {
        cx.retry("StartLogging", || ct.start_logging().name(&key).send())
            .await?;
    } else {
        ct.stop_logging().name(&key).send().await.aws()?;
    }
    let now = read_trail(cx, trail)
        .await?
        .ok_or_else(|| Fail::mismatch(format!("trail {trail} cannot be found"), Value::Null))?;
    let result = state_json(&now);
    if now.is_logging != Some(on) {
        return Err(Fail::mismatch(
            format!("trail {trail} logging reads back as {:?}", now.is_logging),
            result,
        ));
    }
    Ok(Done::new(
        format!(
            "{} logging on trail {trail}",
            if on { "started" } else { "stopped" }
        ),
        result,
    ))
}

// ---------------------------------------------------------------------------
// Selector JSON <-> SDK types
// ---------------------------------------------------------------------------

/// Looks a field up by its API name or its snake_case twin.
pub(super) fn field<'v>(v: &'v Value, api: &str, snake: &str) -> Option<&'v Value> {
    v.get(api).or_else(|| v.get(snake)).filter(|x| !x.is_null())
}

pub(super) fn strings(v: Option<&Value>) -> Vec<String> {
    match v {
        Some(Value::Array(a)) => a
            .iter()
            .filter_map(|s| s.as_str().map(str::to_string))
            .collect(),
        Some(Value::String(s)) => vec![s.clone()],
        _ => vec![],
    }
}

/// The list of selectors: a bare array, or `{"EventSelectors": [...]}` /
/// `{"AdvancedEventSelectors": [...]}`.
pub(super) fn selector_list(v: &Value, advanced: bool) -> Vec<Value> {
    let inner = if advanced {
        field(v, "AdvancedEventSelectors", "advanced_event_selectors")
    } else {
        field(v, "EventSelectors", "event_selectors")
    };
    match inner.unwrap_or(v) {
        Value::Array(a) => a.clone(),
        Value::Object(_) => vec![v.clone()],
        _ => vec![],
    }
}

pub(super) fn selector_from_json(v: &Value) -> Result<EventSelector, String> {
    let mut b = EventSelector::builder();
    if let Some(rw) = field(v, "ReadWriteType", "read_write_type").and_then(Value::as_str) {
        b = b.read_write_type(ReadWriteType::from(rw));
    }
    if let Some(m) = field(v, "IncludeManagementEvents", "include_management_events") {
        b = b.include_management_events(
            m.as_bool()
                .ok_or("IncludeManagementEvents must be true or false")?,
        );
    }
    for s in strings(field(
        v,
        "ExcludeManagementEventSources",
        "exclude_management_event_sources",
    )) {
        b = b.exclude_management_event_sources(s);
    }
    if let Some(Value::Array(drs)) = field(v, "DataResources", "data_resources") {
        for dr in drs {
            let t = field(dr, "Type", "type")
                .and_then(Value::as_str)
                .ok_or("a data resource needs a Type")?;
            b = b.data_resources(
                DataResource::builder()
                    .r#type(t)
                    .set_values(Some(strings(field(dr, "Values", "values"))))
                    .build(),
            );
        }
    }
    Ok(b.build())
}

pub(super) fn selectors_json(sel: &[EventSelector]) -> Value {
    Value::Array(
        sel.iter()
            .map(|s| {
                json!({
                    "ReadWriteType": s.read_write_type().map(|r| r.as_str()).unwrap_or("All"),
                    "IncludeManagementEvents": s.include_management_events().unwrap_or(true),
                    "ExcludeManagementEventSources": s.exclude_management_event_sources(),
                    "DataResources": s.data_resources().iter().map(|d| json!({
                        "Type": d.r#type(),
                        "Values": d.values(),
                    })).collect::<Vec<_>>(),
                })
            })
            .collect(),
    )
}

/// Fills in the defaults so that two ways of saying the same compare equal.
pub(super) fn normalise_selectors(v: &Value) -> Value {
    let list = match v {
        Value::Array(a) => a.clone(),
        _ => vec![],
    };
    Value::Array(
        list.iter()
            .map(|s| {
                let mut drs: Vec<Value> = match field(s, "DataResources", "data_resources") {
                    Some(Value::Array(d)) => d
                        .iter()
                        .map(|dr| {
                            let mut vals = strings(field(dr, "Values", "values"));
                            vals.sort();
                            json!({"Type": field(dr, "Type", "type"), "Values": vals})
                        })
                        .collect(),
                    _ => vec![],
                };
                drs.sort_by_key(|d| d.to_string());
                let mut ex = strings(field(s, "ExcludeManagementEventSources", "exclude_management_event_sources"));
                ex.sort();
                json!({
                    "ReadWriteType": field(s, "ReadWriteType", "read_write_type").and_then(Value::as_str).unwrap_or("All"),
                    "IncludeManagementEvents": field(s, "IncludeManagementEvents", "include_management_events").and_then(Value::as_bool).unwrap_or(true),
                    "ExcludeManagementEventSources": ex,
                    "DataResources": drs,
                })
            })
            .collect(),
    )
}

pub(super) const FIELD_OPS: [(&str, &str); 6] = [
    ("Equals", "equals"),
    ("StartsWith", "starts_with"),
    ("EndsWith", "ends_with"),
    ("NotEquals", "not_equals"),
    ("NotStartsWith", "not_starts_with"),
    ("NotEndsWith", "not_ends_with"),
];

pub(super) fn advanced_from_json(v: &Value) -> Result<AdvancedEventSelector, String> {
    let mut b = AdvancedEventSelector::builder().set_name(
        field(v, "Name", "name")
            .and_then(Value::as_str)
            .map(str::to_string),
    );
    if let Some(Value::Array(fs)) = field(v, "FieldSelectors", "field_selectors") {
        for f in fs {
            let name = field(f, "Field", "field")
                .and_then(Value::as_str)
                .ok_or("a field selector needs a Field")?;
            let mut fb = AdvancedFieldSelector::builder().field(name);
            let vals = |i: usize| {
                Some(strings(field(f, FIELD_OPS[i].0, FIELD_OPS[i].1))).filter(|v| !v.is_empty())
            };
            fb = fb
                .set_equals(vals(0))
                .set_starts_with(vals(1))
                .set_ends_with(vals(2))
                .set_not_equals(vals(3))
                .set_not_starts_with(vals(4))
                .set_not_ends_with(vals(5));
            b = b.field_selectors(fb.build().map_err(|e| e.to_string())?);
        }
    }
    b.build().map_err(|e| e.to_string())
}

pub(super) fn advanced_json(sel: &[AdvancedEventSelector]) -> Value {
    Value::Array(
        sel.iter()
            .map(|s| {
                let fields: Vec<Value> = s
                    .field_selectors()
                    .iter()
                    .map(|f| {
                        let mut m = serde_json::Map::new();
                        m.insert("Field".into(), json!(f.field()));
                        for (key, vals) in [
                            ("Equals", f.equals()),
                            ("StartsWith", f.starts_with()),
                            ("EndsWith", f.ends_with()),
                            ("NotEquals", f.not_equals()),
                            ("NotStartsWith", f.not_starts_with()),
                            ("NotEndsWith", f.not_ends_with()),
                        ] {
                            if !vals.is_empty() {
                                m.insert(key.into(), json!(vals));
                            }
                        }
                        Value::Object(m)
                    })
                    .collect();
                json!({"Name": s.name(), "FieldSelectors": fields})
            })
            .collect(),
    )
}

pub(super) fn normalise_advanced(v: &Value) -> Value {
    let list = match v {
        Value::Array(a) => a.clone(),
        _ => vec![],
    };
    Value::Array(
        list.iter()
            .map(|s| {
                let mut fields: Vec<Value> = match field(s, "FieldSelectors", "field_selectors") {
                    Some(Value::Array(fs)) => fs
                        .iter()
                        .map(|f| {
                            let mut m = serde_json::Map::new();
                            m.insert("Field".into(), json!(field(f, "Field", "field")));
                            for (api, snake) in FIELD_OPS {
                                let mut vals = strings(field(f, api, snake));
                                vals.sort();
                                if !vals.is_empty() {
                                    m.insert(api.into(), json!(vals));
                                }
                            }
                            Value::Object(m)
                        })
                        .collect(),
                    _ => vec![],
                };
                fields.sort_by_key(|f| f.to_string());
                json!({"Name": field(s, "Name", "name"), "FieldSelectors": fields})
            })
            .collect(),
    )
}

/// The selectors document holds advanced event selectors (else basic ones).
pub(super) fn is_advanced(selectors: &Value) -> bool {
    field(
        selectors,
        "AdvancedEventSelectors",
        "advanced_event_selectors",
    )
    .is_some()
}

/// The fields of a trail a selectors change writes.
const SELECTORS: &[&str] = &["/event_selectors", "/advanced_event_selectors"];

/// Undo of a selectors change: the selectors the trail had before,
/// advanced ones first. A trail cannot be set to "no selectors": then
/// nothing is put back.
pub(super) fn selectors_before(trail: &str, past: &Past<'_, TrailState>) -> Option<Reversal> {
    let t = past.prior.as_ref()?;
    let non_empty = |v: &Value| v.as_array().is_some_and(|a| !a.is_empty());
    if non_empty(&t.advanced_event_selectors) {
        Reversal::restore(
            PutEventSelectors {
                trail: trail.to_string(),
                selectors: json!({"AdvancedEventSelectors": t.advanced_event_selectors}),
            },
            format!("put back the advanced event selectors trail {trail} had before"),
            past,
        )
        .map(|r| r.watching(SELECTORS))
    } else if non_empty(&t.event_selectors) {
        Reversal::restore(
            PutEventSelectors {
                trail: trail.to_string(),
                selectors: json!({"EventSelectors": t.event_selectors}),
            },
            format!("put back the event selectors trail {trail} had before"),
            past,
        )
        .map(|r| r.watching(SELECTORS))
    } else {
        None
    }
}

/// The trail `name` homed in `region` of a simulated snapshot.
pub(super) fn trail_mut<'a>(
    s: &'a mut Snapshot,
    region: &str,
    name: &str,
) -> Option<&'a mut Trail> {
    s.trails
        .values_mut()
        .find(|t| t.home_region == region && t.name == name)
}

/// The selectors document of a `PutEventSelectors` op, as snapshot types.
pub(super) fn parse_selectors(
    v: &Value,
) -> (Vec<snap::EventSelector>, Vec<snap::AdvancedEventSelector>) {
    let basic = v
        .get("EventSelectors")
        .and_then(Value::as_array)
        .map(|a| {
            a.iter()
                .map(|s| snap::EventSelector {
                    read_write_type: s["ReadWriteType"].as_str().unwrap_or("All").to_string(),
                    include_management_events: s["IncludeManagementEvents"]
                        .as_bool()
                        .unwrap_or(false),
                    exclude_management_event_sources: sim_strings(
                        &s["ExcludeManagementEventSources"],
                    ),
                    data_resources: s["DataResources"]
                        .as_array()
                        .map(|d| {
                            d.iter()
                                .map(|d| snap::DataResource {
                                    r#type: d["Type"].as_str().unwrap_or_default().to_string(),
                                    values: sim_strings(&d["Values"]),
                                })
                                .collect()
                        })
                        .unwrap_or_default(),
                })
                .collect()
        })
        .unwrap_or_default();
    let advanced = v
        .get("AdvancedEventSelectors")
        .and_then(|a| serde_json::from_value(a.clone()).ok())
        .unwrap_or_default();
    (basic, advanced)
}

pub(super) fn sim_strings(v: &Value) -> Vec<String> {
    v.as_array()
        .map(|a| {
            a.iter()
                .filter_map(|x| x.as_str().map(String::from))
                .collect()
        })
        .unwrap_or_default()
}

/// What a trail with these selectors bills: management events (the first
/// copy free), and data events when any selector records them.
pub(super) fn selector_prices(selectors: &Value) -> Vec<crate::cost::PriceKey> {
    use crate::cost::PriceKey;
    let list = |k: &str| {
        selectors
            .get(k)
            .and_then(Value::as_array)
            .cloned()
            .unwrap_or_default()
    };
    let basic = list("EventSelectors").iter().any(|s| {
        field(s, "DataResources", "data_resources")
            .and_then(Value::as_array)
            .is_some_and(|d| !d.is_empty())
    });
    let advanced = list("AdvancedEventSelectors").iter().any(|s| {
        field(s, "FieldSelectors", "field_selectors")
            .and_then(Value::as_array)
            .into_iter()
            .flatten()
            .any(|f| {
                field(f, "Field", "field").and_then(Value::as_str) == Some("eventCategory")
                    && field(f, "Equals", "equals")
                        .and_then(Value::as_array)
                        .is_some_and(|e| e.iter().any(|v| v == "Data"))
            })
    });
    let mut p = vec![PriceKey::TrailManagementFirstCopy];
    if basic || advanced {
        p.push(PriceKey::TrailDataEvents);
    }
    p
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn selectors_round_trip_through_sdk_types_with_defaults_filled() {
        let asked = json!([{"ReadWriteType": "All", "IncludeManagementEvents": true,
            "DataResources": [{"Type": "AWS::S3::Object", "Values": ["arn:aws:s3:::b/"]}]}]);
        let built: Vec<EventSelector> = selector_list(&asked, false)
            .iter()
            .map(|v| selector_from_json(v).unwrap())
            .collect();
        assert_eq!(
            normalise_selectors(&selectors_json(&built)),
            normalise_selectors(&asked)
        );
        // snake_case (the snapshot's form) reads the same.
        let snake = json!({"event_selectors": [{"read_write_type": "All", "include_management_events": true,
            "exclude_management_event_sources": [], "data_resources": [{"type": "AWS::S3::Object", "values": ["arn:aws:s3:::b/"]}]}]});
        assert_eq!(
            normalise_selectors(&Value::Array(selector_list(&snake, false))),
            normalise_selectors(&asked)
        );
    }

    #[test]
    fn trail_names_come_out_of_arns() {
        assert_eq!(
            trail_name("arn:aws:cloudtrail:us-east-1:123456789012:trail/main"),
            "main"
        );
        assert_eq!(trail_name("main"), "main");
    }
}
