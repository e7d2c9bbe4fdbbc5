//! CloudTrail is enabled in all regions.
//!
//! Passes: at least one trail is multi-region, logging (GetTrailStatus), and
//!         records all management events: a basic selector with
//!         IncludeManagementEvents=true, ReadWriteType=All and no excluded
//!         sources, or an advanced selector on eventCategory=Management with
//!         no readOnly and no eventSource filter; and CloudTrail reports no
//!         LatestDeliveryError (a trail that logs but cannot deliver to S3
//!         records nothing an auditor can read). An organization trail of
//!         the management account counts in a member account. In an
//!         organization-trail run the management account itself passes only
//!         with such an organization trail (its members rely on it).
//! Skips:  nothing; one account-wide finding (in the home region).
//! Fix:    reuse before create — repair the best existing trail of this
//!         account (make it multi-region, start logging, add a management
//!         selector keeping its data selectors); only when the account has no
//!         trail, create one (bucket with policy, private, access logged; KMS;
//!         CloudWatch Logs), so one new trail passes every trail control.
//!         A delivery error gets the CloudTrail statements the bucket (or
//!         key) policy lacks; when they are there, it is reported instead.
//!         An added advanced selector is named `Management events selector`.
//!         An organization trail is preceded by CloudTrail's trusted access
//!         in Organizations when it is not on (AWS refuses the trail without);
//!         the trail an earlier run of this tool made becomes it (UpdateTrail
//!         IsOrganizationTrail) instead of a second trail; a user's trail is
//!         never repurposed. An organization without all features gets no
//!         organization trail (AWS makes none there): trails per account,
//!         the findings say why.
//! Safety: needs review — a multi-region trail bills for extra events and a
//!         new trail creates a bucket, a key and a role.

use serde_json::{Value, json};

use super::shared::{self, trail_out_of_reach};
use super::{Check, Control};
use crate::actions::{
    CreateTrail, EnableTrustedAccess, PutEventSelectors, SetLogging, UpdateTrail,
};
use crate::finding::{Finding, Status};
use crate::plan::builder::{Draft, Planner, trail_settings};
use crate::plan::{Op, Safety};
use crate::policy;
use crate::settings::{FileSettings, fill};
use crate::snapshot::{Service, Snapshot, Trail};

pub const CHECK: Check = Check {
    key: "cloudtrail-all-regions",
    fix: "repair the best trail (multi-region, logging, management selector), or create one",
    detect,
    plan,
    resource_security_hub: None,
};

/// Why this trail does not satisfy 2.1 (empty when it does).
pub fn gaps(t: &Trail) -> Vec<String> {
    let mut g = vec![];
    if !t.is_multi_region {
        g.push("IsMultiRegionTrail=false".to_string());
    }
    match t.is_logging {
        Some(true) => {}
        Some(false) => g.push("IsLogging=false".into()),
        None => g.push("IsLogging unknown".into()),
    }
    if !records_all_management_events(t) {
        g.push(management_gap(t));
    }
    // A trail that logs but cannot deliver records nothing an auditor can read.
    if let Some(e) = &t.latest_delivery_error {
        g.push(format!(
            "LatestDeliveryError={e} (logs are not reaching S3)"
        ));
    }
    g
}

pub fn records_all_management_events(t: &Trail) -> bool {
    let basic = t.event_selectors.iter().any(|s| {
        s.include_management_events
            && s.read_write_type == "All"
            && s.exclude_management_event_sources.is_empty()
    });
    let advanced = t.advanced_event_selectors.iter().any(|s| {
        let is_mgmt = s
            .field_selectors
            .iter()
            .any(|f| f.field == "eventCategory" && f.equals.iter().any(|v| v == "Management"));
        let narrowed = s
            .field_selectors
            .iter()
            .any(|f| f.field == "readOnly" || f.field == "eventSource");
        is_mgmt && !narrowed
    });
    basic || advanced
}

fn management_gap(t: &Trail) -> String {
    if t.event_selectors.is_empty() && t.advanced_event_selectors.is_empty() {
        return "no event selectors (management events not recorded)".into();
    }
    if t.event_selectors
        .iter()
        .any(|s| !s.exclude_management_event_sources.is_empty())
    {
        return "ExcludeManagementEventSources is not empty".into();
    }
    if let Some(s) = t
        .event_selectors
        .iter()
        .find(|s| s.include_management_events)
    {
        return format!("management events ReadWriteType={}", s.read_write_type);
    }
    if !t.advanced_event_selectors.is_empty() {
        return "no advanced selector records all management events (readOnly/eventSource filter or none)".into();
    }
    "IncludeManagementEvents=false".into()
}

fn detect(snap: &Snapshot, s: &FileSettings, c: &Control) -> Vec<Finding> {
    let id = c.id;
    let home = &snap.home_region;
    let account = shared::all_trails_arn(snap);
    if let Some(f) = shared::cloudtrail_unreadable(snap, id) {
        return vec![f];
    }
    // The management account of an organization-trail run passes only with
    // an organization trail: the members' parts rely on it (their own
    // trails are not planned), so a per-account trail that passes here
    // would leave every member uncovered.
    if wants_organization_trail(snap, s)
        && snap.management_account.as_deref() == Some(snap.account_id.as_str())
    {
        let own = snap
            .trails
            .values()
            .filter(|t| t.is_organization && t.owner_account() == snap.account_id)
            .min_by_key(|t| (gaps(t).len(), t.arn.clone()));
        return vec![match own {
            Some(t) if gaps(t).is_empty() => Finding::new(
                id,
                &t.home_region,
                &t.arn,
                Status::Pass,
                "organization trail: multi-region, logging, all management events",
            ),
            Some(t) => Finding::new(
                id,
                &t.home_region,
                &t.arn,
                Status::Fail,
                format!("the organization trail lacks: {}", gaps(t).join(", ")),
            ),
            None => Finding::new(
                id,
                home,
                account,
                Status::Fail,
                "organization-trail run: the management account has no organization trail, which every member relies on",
            ),
        }];
    }
    if let Some(t) = snap.trails.values().find(|t| gaps(t).is_empty()) {
        return vec![Finding::new(
            id,
            &t.home_region,
            &t.arn,
            Status::Pass,
            "multi-region, logging, all management events",
        )];
    }
    match candidate(snap) {
        Some(t) => vec![Finding::new(
            id,
            &t.home_region,
            &t.arn,
            Status::Fail,
            format!("no trail passes; best candidate: {}", gaps(t).join(", ")),
        )],
        None => {
            let other = snap
                .trails
                .values()
                .find(|t| t.owner_account() != snap.account_id);
            match other {
                Some(t) => vec![trail_out_of_reach(snap, id, t).unwrap_or_else(|| {
                    Finding::new(
                        id,
                        &t.home_region,
                        &t.arn,
                        Status::Fail,
                        format!(
                            "no trail passes; the organization trail lacks: {}",
                            gaps(t).join(", ")
                        ),
                    )
                })],
                None => vec![Finding::new(
                    id,
                    home,
                    account,
                    Status::Fail,
                    "the account has no trail",
                )],
            }
        }
    }
}

/// The trail to repair: this account's own, fewest gaps first (multi-region,
/// then logging), then one in the home region, then by ARN so the choice is stable.
pub fn candidate(snap: &Snapshot) -> Option<&Trail> {
    snap.trails
        .values()
        .filter(|t| {
            t.owner_account() == snap.account_id
                && snap
                    .read_failed(&t.home_region, Service::Cloudtrail)
                    .is_none()
        })
        .min_by_key(|t| {
            (
                !t.is_multi_region,
                t.is_logging != Some(true),
                gaps(t).len(),
                t.home_region != snap.home_region,
                t.arn.clone(),
            )
        })
}

fn plan(p: &mut Planner, id: &str, findings: &[Finding]) {
    let fixes: Vec<String> = findings.iter().map(|f| f.id()).collect();
    if let Some(org) = organization_trail_run(p) {
        // One organization trail for every account: repair this account's
        // own organization trail, or create it (its per-account trails are
        // left to the other trail controls).
        let own = p
            .snap
            .trails
            .values()
            .filter(|t| t.is_organization && t.owner_account() == p.snap.account_id)
            .min_by_key(|t| (gaps(t).len(), t.arn.clone()))
            .cloned();
        match own {
            Some(t) => repair(p, id, &fixes, &t),
            None => match own_trail_to_convert(p).cloned() {
                Some(t) => convert(p, id, &fixes, &t, &org),
                None => create(p, id, &fixes, Some(&org)),
            },
        }
        return;
    }
    match candidate(p.snap).cloned() {
        Some(t) => repair(p, id, &fixes, &t),
        None => create(p, id, &fixes, None),
    }
}

/// An organization-trail run (`[org] trail = "organization"`) in an
/// organization that can have one: AWS makes an organization trail (and
/// turns on trusted access) only with all features, so without them the
/// run falls back to trails per account ([`needs_all_features`] says why).
pub fn wants_organization_trail(snap: &Snapshot, s: &FileSettings) -> bool {
    s.org.trail == crate::settings::OrgTrail::Organization
        && !snap.organization_lacks_all_features()
}

/// Why an organization-trail run plans trails per account in this
/// organization (`None` when it does not): it lacks all features.
pub fn needs_all_features(snap: &Snapshot, s: &FileSettings) -> Option<String> {
    (s.org.trail == crate::settings::OrgTrail::Organization
        && snap.organization_lacks_all_features())
    .then(|| {
        format!(
            "no organization trail: the organization needs all features (FeatureSet={}; AWS makes an organization trail and turns on trusted access only with all features), so trails per account",
            snap.organization_feature_set.as_deref().unwrap_or_default()
        )
    })
}

/// The organization id when this plan is the management account's part of
/// an organization-trail run (`[org] trail = "organization"`).
pub fn organization_trail_run(p: &Planner) -> Option<String> {
    let s = p.snap;
    (wants_organization_trail(s, p.settings)
        && s.management_account.as_deref() == Some(s.account_id.as_str()))
    .then(|| s.organization_id.clone())
    .flatten()
}

fn repair(p: &mut Planner, id: &str, fixes: &[String], t: &Trail) {
    let observes = vec![format!("trails/{}", t.arn)];
    let mut update = vec![];
    if !t.is_multi_region {
        let mut after = trail_settings(t);
        after["IsMultiRegionTrail"] = json!(true);
        after["IncludeGlobalServiceEvents"] = json!(true);
        update.push(p.add(
            id,
            fixes,
            Draft {
                op: Op::UpdateTrail(UpdateTrail {
                    is_organization: None,
                    name: t.name.clone(),
                    is_multi_region: Some(true),
                    include_global_service_events: Some(true),
                    log_file_validation: None,
                    kms_key_id: None,
                    cloudwatch_log_group_arn: None,
                    cloudwatch_role_arn: None,
                }),
                region: t.home_region.clone(),
                target: t.arn.clone(),
                before: trail_settings(t),
                after,
                reason: "make the trail record every region (IsMultiRegionTrail=true)".into(),
                safety: Safety::NeedsReview,
                depends_on: vec![],
                observes: observes.clone(),
            },
        ));
    }
    if !records_all_management_events(t) {
        let (before, selectors) = management_selectors(t);
        // Advanced and basic selectors exclude each other: `selectors` stays
        // with the kind the trail uses.
        let op = Op::PutEventSelectors(PutEventSelectors {
            trail: t.name.clone(),
            selectors: selectors.clone(),
        });
        update.push(p.add(id, fixes, Draft {
            op,
            region: t.home_region.clone(),
            target: t.arn.clone(),
            before,
            after: selectors,
            reason: "record all management events (read and write, no excluded sources); data selectors kept".into(),
            safety: Safety::NeedsReview,
            depends_on: update.clone(),
            observes: observes.clone(),
        }));
    }
    if let Some(err) = &t.latest_delivery_error {
        repair_delivery(p, id, fixes, t, err);
    }
    if t.is_logging != Some(true) {
        p.add(
            id,
            fixes,
            Draft {
                op: Op::SetLogging(SetLogging {
                    trail: t.name.clone(),
                    logging: true,
                }),
                region: t.home_region.clone(),
                target: t.arn.clone(),
                before: json!({"IsLogging": t.is_logging}),
                after: json!({"IsLogging": true}),
                reason: "start logging".into(),
                safety: Safety::Safe,
                depends_on: update,
                observes: vec![format!("trails/{}#is_logging", t.arn)],
            },
        );
    }
}

/// CloudTrail reports that it cannot deliver: give the bucket, then the key,
/// the statements CloudTrail needs when they lack them; when both already
/// admit CloudTrail, say so rather than plan a change that fixes nothing.
fn repair_delivery(p: &mut Planner, id: &str, fixes: &[String], t: &Trail, err: &str) {
    let snap = p.snap;
    let svc = policy::Caller::Service("cloudtrail.amazonaws.com");
    if let Some(bucket) = t.s3_bucket.as_deref()
        && snap.owned_buckets.iter().any(|b| b == bucket)
    {
        let doc = snap
            .buckets
            .get(bucket)
            .and_then(|b| b.policy.clone())
            .unwrap_or_else(policy::empty);
        if !shared::admits_cloudtrail(snap, &doc, bucket, t) {
            let prefix = t.s3_prefix.as_deref().filter(|x| !x.is_empty());
            let stmts = shared::cloudtrail_bucket_statements(snap, bucket, prefix, &t.arn);
            let region = shared::bucket_region(snap, bucket, &t.home_region);
            p.edit_bucket_policy(
                id,
                fixes,
                bucket,
                &region,
                &format!("CloudTrail cannot deliver ({err}): let it write the trail's logs (conditioned on the trail ARN)"),
                Safety::NeedsReview,
                vec![],
                |d| policy::merge(Some(d), &stmts),
            );
            return;
        }
    }
    if let Some(key) = t.kms_key_id.as_deref().and_then(|k| {
        snap.keys
            .values()
            .find(|x| x.arn == k || x.key_id == k || k.ends_with(&format!("/{}", x.key_id)))
    }) && let Some(doc) = &key.policy
        && !policy::allows(doc, svc, &["kms:GenerateDataKey"], "*")
    {
        let stmts = shared::cloudtrail_key_statements(snap, &t.arn);
        p.edit_key_policy(
            id,
            fixes,
            &key.arn,
            &key.region,
            &format!("CloudTrail cannot deliver ({err}): let it encrypt the trail's logs"),
            &stmts,
        );
        return;
    }
    for f in fixes {
        p.cannot_fix(
            f,
            format!("CloudTrail reports LatestDeliveryError={err}, but the bucket and key policies already admit CloudTrail: check that the bucket exists and the key is enabled; the error clears after the next successful delivery"),
        );
    }
}

/// The name scanners and auditors look for on the advanced selector that
/// records management events (read and write: no `readOnly` field).
pub const MANAGEMENT_SELECTOR_NAME: &str = "Management events selector";

/// The selectors after the fix, and before. Basic selectors: keep each one's
/// data resources, move management events into one All selector. Advanced
/// selectors: keep the data ones, add one Management selector.
pub fn management_selectors(t: &Trail) -> (Value, Value) {
    let before = current_selectors(t);
    if !t.advanced_event_selectors.is_empty() {
        let mut kept: Vec<Value> = t
            .advanced_event_selectors
            .iter()
            .filter(|s| {
                !s.field_selectors.iter().any(|f| {
                    f.field == "eventCategory" && f.equals.iter().any(|v| v == "Management")
                })
            })
            .map(|s| serde_json::to_value(s).unwrap())
            .collect();
        kept.insert(0, json!({"name": MANAGEMENT_SELECTOR_NAME, "field_selectors": [{"field": "eventCategory", "equals": ["Management"]}]}));
        return (before, json!({"AdvancedEventSelectors": kept}));
    }
    let mut after = vec![
        json!({"ReadWriteType": "All", "IncludeManagementEvents": true, "ExcludeManagementEventSources": [], "DataResources": []}),
    ];
    for s in t
        .event_selectors
        .iter()
        .filter(|s| !s.data_resources.is_empty())
    {
        let mut s = s.clone();
        s.include_management_events = false;
        s.exclude_management_event_sources.clear();
        after.push(basic_selector(&s));
    }
    (before, json!({"EventSelectors": after}))
}

/// The trail's selectors as the selector ops take them: advanced when it
/// has any (the two kinds exclude each other), basic otherwise.
pub fn current_selectors(t: &Trail) -> Value {
    if !t.advanced_event_selectors.is_empty() {
        return json!({"AdvancedEventSelectors": t.advanced_event_selectors});
    }
    json!({"EventSelectors": t.event_selectors.iter().map(basic_selector).collect::<Vec<_>>()})
}

fn basic_selector(s: &crate::snapshot::EventSelector) -> Value {
    json!({
        "ReadWriteType": s.read_write_type,
        "IncludeManagementEvents": s.include_management_events,
        "ExcludeManagementEventSources": s.exclude_management_event_sources,
        "DataResources": s.data_resources.iter().map(|d| json!({"Type": d.r#type, "Values": d.values})).collect::<Vec<_>>(),
    })
}

/// CloudTrail's trusted access in Organizations, which an organization
/// trail needs (CreateTrail and UpdateTrail refuse one without it): the
/// action that turns it on, unless it is known to be on.
fn ensure_trusted_access(
    p: &mut Planner,
    id: &str,
    fixes: &[String],
    region: &str,
    org: &str,
) -> Option<String> {
    let snap = p.snap;
    if snap.cloudtrail_trusted_access == Some(true) {
        return None;
    }
    Some(p.add(
        id,
        fixes,
        Draft {
            op: Op::EnableTrustedAccess(EnableTrustedAccess {
                service_principal: "cloudtrail.amazonaws.com".into(),
                enabled: true,
            }),
            region: region.to_string(),
            target: format!(
                "arn:{}:organizations::{}:organization/{org}",
                snap.partition, snap.account_id
            ),
            before: json!({"TrustedAccess": {"cloudtrail.amazonaws.com": snap.cloudtrail_trusted_access}}),
            after: json!({"TrustedAccess": {"cloudtrail.amazonaws.com": true}}),
            reason: "an organization trail needs CloudTrail's trusted access in AWS Organizations (CloudTrail refuses it otherwise)".into(),
            safety: Safety::NeedsReview,
            depends_on: vec![],
            observes: vec!["cloudtrail_trusted_access".into()],
        },
    ))
}

/// The trail this tool made in an earlier, per-account run, when it can
/// become the organization trail as it is: owned here, and with no
/// CloudWatch Logs or the tool's own log group and role (whose policy the
/// plan extends to the organization's streams). A trail the user made is
/// never repurposed.
pub fn own_trail_to_convert<'s>(p: &Planner<'s>) -> Option<&'s Trail> {
    let snap = p.snap;
    let names = &p.settings.names;
    let region = &snap.home_region;
    let name = fill(&names.trail, &snap.account_id, region);
    let group = fill(&names.cloudtrail_log_group, &snap.account_id, region);
    let role = shared::role_arn(
        snap,
        &fill(&names.cloudtrail_role, &snap.account_id, region),
    );
    snap.trails.values().find(|t| {
        t.name == name
            && t.owner_account() == snap.account_id
            && !t.is_organization
            && match (&t.cloudwatch_log_group_arn, &t.cloudwatch_role_arn) {
                (None, None) => true,
                (Some(g), Some(r)) => {
                    g.trim_end_matches(":*")
                        == shared::log_group_arn(snap, &t.home_region, &group)
                            .trim_end_matches(":*")
                        && *r == role
                }
                _ => false,
            }
    })
}

/// Make the tool's own trail the organization trail: the trail's other gaps
/// repaired as for any trail, its bucket policy extended to the
/// organization's log paths, its log role to the organization's streams,
/// trusted access first; one `UpdateTrail` with `IsOrganizationTrail`.
fn convert(p: &mut Planner, id: &str, fixes: &[String], t: &Trail, org: &str) {
    repair(p, id, fixes, t);
    let snap = p.snap;
    let mut deps: Vec<String> = ensure_trusted_access(p, id, fixes, &t.home_region, org)
        .into_iter()
        .collect();
    if let Some(bucket) = t.s3_bucket.clone() {
        let stmt = shared::cloudtrail_organization_statement(snap, &bucket, org, &t.arn);
        let region = snap
            .buckets
            .get(&bucket)
            .and_then(|b| b.region.clone())
            .unwrap_or_else(|| t.home_region.clone());
        deps.push(p.edit_bucket_policy(
            id,
            fixes,
            &bucket,
            &region,
            "lets CloudTrail write the organization's logs (AWSLogs/<organization id>/…)",
            Safety::NeedsReview,
            vec![],
            |doc| crate::policy::merge(Some(doc), std::slice::from_ref(&stmt)),
        ));
    }
    if t.cloudwatch_log_group_arn.is_some() {
        let (_, _, cw) = shared::ensure_cloudtrail_logs(p, id, fixes, &t.home_region, true);
        deps.extend(cw);
    }
    let mut after = trail_settings(t);
    after["IsOrganizationTrail"] = json!(true);
    let mut before = trail_settings(t);
    before["IsOrganizationTrail"] = json!(false);
    p.add(
        id,
        fixes,
        Draft {
            op: Op::UpdateTrail(UpdateTrail {
                name: t.name.clone(),
                is_multi_region: None,
                include_global_service_events: None,
                log_file_validation: None,
                kms_key_id: None,
                cloudwatch_log_group_arn: None,
                cloudwatch_role_arn: None,
                is_organization: Some(true),
            }),
            region: t.home_region.clone(),
            target: t.arn.clone(),
            before,
            after,
            reason: format!(
                "make trail {}, which this tool made for this account, the organization trail of {org} (no second trail: no second copy of management events)",
                t.name
            ),
            safety: Safety::NeedsReview,
            depends_on: deps,
            observes: vec![format!("trails/{}", t.arn)],
        },
    );
}

fn create(p: &mut Planner, id: &str, fixes: &[String], org: Option<&str>) {
    let snap = p.snap;
    let region = snap.home_region.clone();
    let template = match org {
        Some(_) => &p.settings.names.org_trail,
        None => &p.settings.names.trail,
    };
    let name = fill(template, &snap.account_id, &region);
    let bucket = fill(&p.settings.names.trail_bucket, &snap.account_id, &region);
    let arn = shared::trail_arn(snap, &region, &name);
    let mut deps = shared::ensure_bucket(
        p,
        id,
        fixes,
        &bucket,
        &region,
        "receives the new trail's logs",
    );
    let mut stmts = shared::cloudtrail_bucket_statements(snap, &bucket, None, &arn);
    if let Some(org) = org {
        stmts.push(shared::cloudtrail_organization_statement(
            snap, &bucket, org, &arn,
        ));
    }
    deps.push(p.edit_bucket_policy(
        id,
        fixes,
        &bucket,
        &region,
        "lets CloudTrail write the trail's logs (conditioned on the trail ARN)",
        Safety::NeedsReview,
        deps.clone(),
        |doc| crate::policy::merge(Some(doc), &stmts),
    ));
    if let Ok(logging) = shared::ensure_access_logging(p, id, fixes, &bucket, &region) {
        deps.push(logging);
    }
    let key = match shared::ensure_trail_key(p, id, fixes, &region, &arn) {
        Ok((key, key_deps)) => {
            deps.extend(key_deps);
            Some(key)
        }
        Err(why) => {
            for f in fixes {
                p.cannot_fix(
                    f,
                    format!("the new trail is created without KMS encryption: {why}"),
                );
            }
            None
        }
    };
    let (group_arn, role_arn, cw_deps) =
        shared::ensure_cloudtrail_logs(p, id, fixes, &region, org.is_some());
    deps.extend(cw_deps);
    if let Some(o) = org {
        deps.extend(ensure_trusted_access(p, id, fixes, &region, o));
    }
    let after = json!({
        "Name": name, "S3BucketName": bucket, "IsMultiRegionTrail": true, "IncludeGlobalServiceEvents": true,
        "LogFileValidationEnabled": true, "KmsKeyId": key,
        "CloudWatchLogsLogGroupArn": group_arn, "CloudWatchLogsRoleArn": role_arn,
    });
    let create = p.add(
        id,
        fixes,
        Draft {
            op: Op::CreateTrail(CreateTrail {
                name: name.clone(),
                bucket: bucket.clone(),
                prefix: None,
                kms_key_id: key,
                cloudwatch_log_group_arn: Some(group_arn),
                cloudwatch_role_arn: Some(role_arn),
                is_organization: org.is_some(),
            }),
            region: region.clone(),
            target: arn.clone(),
            before: Value::Null,
            after,
            reason: match (org, needs_all_features(snap, p.settings)) {
                (Some(o), _) => format!("one organization trail for every account of {o}, multi-region, passing every trail control"),
                (None, Some(why)) => format!("the account has no trail: create one multi-region trail that passes every trail control ({why})"),
                (None, None) => "the account has no trail: create one multi-region trail that passes every trail control".into(),
            },
            safety: Safety::NeedsReview,
            depends_on: deps,
            observes: vec![format!("trails/{arn}")],
        },
    );
    let selectors = json!({"EventSelectors": [{"ReadWriteType": "All", "IncludeManagementEvents": true, "ExcludeManagementEventSources": [], "DataResources": []}]});
    let sel = p.add(
        id,
        fixes,
        Draft {
            op: Op::PutEventSelectors(PutEventSelectors {
                trail: name.clone(),
                selectors: selectors.clone(),
            }),
            region: region.clone(),
            target: arn.clone(),
            before: Value::Null,
            after: selectors,
            reason: "record all management events".into(),
            safety: Safety::Safe,
            depends_on: vec![create.clone()],
            observes: vec![],
        },
    );
    p.add(
        id,
        fixes,
        Draft {
            op: Op::SetLogging(SetLogging {
                trail: name,
                logging: true,
            }),
            region,
            target: arn,
            before: Value::Null,
            after: json!({"IsLogging": true}),
            reason: "start logging".into(),
            safety: Safety::Safe,
            depends_on: vec![create, sel],
            observes: vec![],
        },
    );
}
