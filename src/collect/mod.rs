//! The collector: reads the account into a [`Snapshot`]. Reads only — no
//! write API is ever called from here.
//!
//! Shape of a run (calls grow with regions + resources, never their product):
//!
//! 1. STS `GetCallerIdentity` (account, partition), EC2 `DescribeRegions`.
//! 2. Phase 1, every region concurrently and, inside a region, every service
//!    concurrently: CloudTrail, Config, KMS, EC2, Logs. Global reads (S3
//!    `ListBuckets`, IAM) run beside them. `on_region_done` fires as each
//!    region's phase 1 ends.
//! 3. Phase 2, small and global: status of trails whose home region was not
//!    scanned, key policies of the keys the tool may edit (known only once
//!    every trail is), and the buckets of interest (trail buckets and the
//!    tool's own).
//!
//! Every SDK call goes through [`Cx::call`], which holds a permit of one
//! semaphore of `concurrency` permits while the request is in flight: that
//! bounds the in-flight calls of the whole run, whatever the number of
//! regions or resources. A failing call becomes a [`ReadError`] and the run
//! goes on; only identity and region listing are fatal.

mod cloudtrail;
mod config;
mod ec2;
mod iam;
mod kms;
mod logs;
mod s3;
mod web;

pub use crate::regions::cloudfront_region;
pub use iam::CONFIG_SERVICE_ROLE;
pub use kms::rotation_in_scope;
pub use s3::{acl_of, location_to_region, logging_of, pab_of};
pub use web::{classic_access_log, classic_arn, elb_access_logs};

use std::collections::{BTreeMap, BTreeSet};
use std::future::Future;
use std::sync::Mutex;

use aws_sdk_s3::error::ProvideErrorMetadata;
use aws_smithy_runtime_api::client::orchestrator::HttpResponse;
use aws_smithy_runtime_api::client::result::SdkError;
use tokio::sync::Semaphore;

use crate::aws::{Aws, AwsError, Classify};
use crate::settings::{Names, fill};
use crate::snapshot::{
    ErrorKind, FlowLog, Key, LogGroup, ReadError, RegionConfig, Service, Snapshot, Trail, Vpc, Web,
};

pub struct CollectOptions {
    /// `--regions`; `None` = every enabled region of the caller's partition.
    pub regions: Option<Vec<String>>,
    /// Bound on concurrent in-flight calls (default 16).
    pub concurrency: usize,
    /// To find the tool's own resources for reuse.
    pub names: Names,
    /// Region whose recorder records global resource types (default: home).
    /// AWS Config is also read there when it is not among the scanned regions.
    pub global_resources_region: Option<String>,
    /// Read the organization (id, management account) whatever the trails:
    /// an organization-trail run plans from it.
    pub organization: bool,
    /// Read the web front ends (load balancers, API Gateway, CloudFront):
    /// only the benchmarks with a control on their access logs need them.
    pub web: bool,
}

impl CollectOptions {
    /// What a run with these settings reads: the tool's own names, the
    /// global-types region, the organization in an organization-trail run.
    pub fn for_settings(
        regions: Option<Vec<String>>,
        concurrency: usize,
        s: &crate::settings::FileSettings,
    ) -> Self {
        CollectOptions {
            regions,
            concurrency,
            names: s.names.clone(),
            global_resources_region: s.global_resources_region.clone(),
            organization: s.org.trail == crate::settings::OrgTrail::Organization,
            // Set by `controls::collect_options`, which knows the controls.
            web: false,
        }
    }
}

impl Default for CollectOptions {
    fn default() -> Self {
        CollectOptions {
            regions: None,
            concurrency: 16,
            names: Names::default(),
            global_resources_region: None,
            organization: false,
            web: false,
        }
    }
}

/// Typed errors the CLI branches on (exit 1 with this one-line message).
#[derive(Debug, thiserror::Error)]
pub enum CollectError {
    #[error("cannot identify the caller: {0}")]
    Identity(String),
    #[error("unknown or disabled region {0:?} (enabled: {1})")]
    UnknownRegion(String, String),
    #[error("cannot list regions: {0}")]
    Regions(String),
}

/// Longest `ReadError::message` kept, in characters.
const MAX_MESSAGE: usize = 300;

/// The organization's id, read only when the account owns an organization
/// trail (whose CloudWatch Logs streams are named `o-<id>_*`). Optional: when
/// it cannot be read, plans fall back to `o-*` and say so.
/// In an organization-trail run (`trail_run`) the management account also
/// reads whether CloudTrail's trusted access is on: an organization trail
/// cannot be made without it. The feature set comes with the organization
/// (an organization trail needs all features).
async fn organization_id(cx: &Cx<'_>, home: &str, wanted: bool, trail_run: bool) -> Organization {
    if !wanted {
        return (None, None, None, None);
    }
    match cx
        .call(cx.aws.organizations(home).describe_organization().send())
        .await
    {
        Ok(out) => {
            let o = out.organization();
            let id = o.and_then(|o| o.id()).map(str::to_string);
            let management = o.and_then(|o| o.master_account_id()).map(str::to_string);
            let features = o
                .and_then(|o| o.feature_set())
                .map(|f| f.as_str().to_string());
            // Without all features trusted access cannot be on (nor turned on).
            let all_features = features.as_deref().is_none_or(|f| f == "ALL");
            let trusted = if trail_run
                && all_features
                && management.as_deref() == Some(cx.account.as_str())
            {
                cloudtrail_trusted_access(cx, home).await
            } else {
                None
            };
            (id, management, trusted, features)
        }
        Err(e) => {
            tracing::warn!(
                "cannot read the organization id ({e}); the CloudTrail log role will allow o-*_* streams"
            );
            (None, None, None, None)
        }
    }
}

/// What DescribeOrganization (and the trusted services) tell a run: the
/// organization id, its management account, CloudTrail's trusted access,
/// the feature set.
type Organization = (Option<String>, Option<String>, Option<bool>, Option<String>);

/// Whether `cloudtrail.amazonaws.com` has trusted access in the
/// organization (management account only); `None` when it cannot be read.
async fn cloudtrail_trusted_access(cx: &Cx<'_>, home: &str) -> Option<bool> {
    let org = cx.aws.organizations(home);
    let mut token: Option<String> = None;
    loop {
        let out = match cx
            .call(
                org.list_aws_service_access_for_organization()
                    .set_next_token(token.clone())
                    .send(),
            )
            .await
        {
            Ok(out) => out,
            Err(e) => {
                tracing::warn!("cannot read the organization's trusted services ({e})");
                return None;
            }
        };
        if out
            .enabled_service_principals()
            .iter()
            .any(|s| s.service_principal() == Some("cloudtrail.amazonaws.com"))
        {
            return Some(true);
        }
        match out.next_token().filter(|t| !t.is_empty()) {
            Some(t) if Some(t) != token.as_deref() => token = Some(t.to_string()),
            _ => return Some(false),
        }
    }
}

/// Shared state of one collection run.
pub(crate) struct Cx<'a> {
    aws: &'a Aws,
    sem: Semaphore,
    errors: Mutex<Vec<ReadError>>,
    account: String,
    partition: String,
}

impl<'a> Cx<'a> {
    fn new(aws: &'a Aws, concurrency: usize, account: String, partition: String) -> Self {
        Cx {
            aws,
            sem: Semaphore::new(concurrency.max(1)),
            errors: Mutex::new(Vec::new()),
            account,
            partition,
        }
    }

    /// A concurrency permit, for a request whose raw answer is needed.
    async fn permit(&self) -> tokio::sync::SemaphorePermit<'_> {
        self.sem
            .acquire()
            .await
            .expect("collector semaphore is never closed")
    }

    /// Run one SDK request while holding a concurrency permit.
    ///
    /// Not an `async fn` on purpose: SDK request futures are large (tens of
    /// KB in debug builds), so the request is boxed right here and the
    /// returned future only holds the box — the collector's own futures stay
    /// small enough for any thread stack.
    fn call<T, E, F>(&self, fut: F) -> impl Future<Output = Result<T, AwsError>> + use<'_, T, E, F>
    where
        F: Future<Output = Result<T, SdkError<E, HttpResponse>>>,
        E: ProvideErrorMetadata + std::error::Error + 'static,
    {
        let fut = Box::pin(fut);
        async move {
            let _permit = self
                .sem
                .acquire()
                .await
                .expect("collector semaphore is never closed");
            fut.await.aws()
        }
    }

    /// Like [`Cx::call`], recording a failure as a [`ReadError`].
    fn read<'s, T, E, F>(
        &'s self,
        region: &'s str,
        service: Service,
        operation: &'s str,
        resource: Option<&'s str>,
        fut: F,
    ) -> impl Future<Output = Option<T>> + use<'s, 'a, T, E, F>
    where
        F: Future<Output = Result<T, SdkError<E, HttpResponse>>>,
        E: ProvideErrorMetadata + std::error::Error + 'static,
    {
        let call = self.call(fut);
        async move {
            match call.await {
                Ok(v) => Some(v),
                Err(e) => {
                    self.record(region, service, operation, resource, &e);
                    None
                }
            }
        }
    }

    fn record(
        &self,
        region: &str,
        service: Service,
        operation: &str,
        resource: Option<&str>,
        e: &AwsError,
    ) {
        // A denial some services send with a body the SDK cannot parse.
        let detail = if e.kind == ErrorKind::Denied && e.message.contains("unhandled error") {
            "access denied (HTTP 403)"
        } else {
            e.message.as_str()
        };
        let mut message = match resource {
            Some(r) => format!("{r}: {}: {detail}", e.code),
            None => format!("{}: {detail}", e.code),
        };
        // Unparseable answers carry the whole raw response: keep one short line.
        if message.chars().count() > MAX_MESSAGE {
            message = message.chars().take(MAX_MESSAGE).collect::<String>() + "…";
        }
        tracing::debug!(region, service = service.as_str(), operation, %message, "read failed");
        self.errors.lock().unwrap().push(ReadError {
            region: region.to_string(),
            service,
            operation: operation.to_string(),
            kind: e.kind,
            message,
        });
    }

    fn arn(&self, service: &str, region: &str, resource: &str) -> String {
        format!(
            "arn:{}:{}:{}:{}:{}",
            self.partition, service, region, self.account, resource
        )
    }

    /// Record a failure that is not an SDK error (e.g. an unparseable document).
    fn record_other(&self, region: &str, service: Service, operation: &str, message: String) {
        self.errors.lock().unwrap().push(ReadError {
            region: region.to_string(),
            service,
            operation: operation.to_string(),
            kind: ErrorKind::Other,
            message,
        });
    }
}

/// The partition a region name belongs to.
pub fn region_partition(region: &str) -> &'static str {
    if region.starts_with("cn-") {
        "aws-cn"
    } else if region.starts_with("us-gov-") {
        "aws-us-gov"
    } else if region.starts_with("us-isob-") {
        "aws-iso-b"
    } else if region.starts_with("us-isof-") {
        "aws-iso-f"
    } else if region.starts_with("eu-isoe-") {
        "aws-iso-e"
    } else if region.starts_with("us-iso-") {
        "aws-iso"
    } else {
        "aws"
    }
}

/// Enabled regions (opt-in status not `not-opted-in`) of `partition`, sorted.
/// EC2 `DescribeRegions` in the home region, without `AllRegions`.
pub async fn enabled_regions(aws: &Aws, partition: &str) -> Result<Vec<String>, CollectError> {
    let out = Box::pin(aws.ec2(&aws.home_region()).describe_regions().send())
        .await
        .aws()
        .map_err(|e| CollectError::Regions(e.to_string()))?;
    let mut regions: Vec<String> = out
        .regions()
        .iter()
        .filter(|r| r.opt_in_status() != Some("not-opted-in"))
        .filter_map(|r| r.region_name())
        .filter(|name| region_partition(name) == partition)
        .map(str::to_string)
        .collect();
    regions.sort();
    regions.dedup();
    if regions.is_empty() {
        return Err(CollectError::Regions(format!(
            "no enabled region in partition {partition}"
        )));
    }
    Ok(regions)
}

/// What one region's phase 1 found.
#[derive(Default)]
struct RegionData {
    region: String,
    /// `None` when DescribeTrails failed.
    trails: Option<Vec<Trail>>,
    config: Option<RegionConfig>,
    keys: Vec<Key>,
    aliases: Option<BTreeMap<String, String>>,
    vpcs: Vec<Vpc>,
    flow_logs: Vec<FlowLog>,
    log_groups: Option<BTreeMap<String, LogGroup>>,
    web: Option<web::RegionWeb>,
}

async fn region_pass(cx: &Cx<'_>, region: &str, names: &Names, read_web: bool) -> RegionData {
    let web = async {
        if read_web {
            Some(web::read_region(cx, region).await)
        } else {
            None
        }
    };
    let (trails, config, (keys, aliases), (vpcs, flow_logs), log_groups, web) = tokio::join!(
        cloudtrail::read_region(cx, region),
        config::read_region(cx, region),
        kms::read_region(cx, region),
        ec2::read_region(cx, region),
        logs::read_region(cx, region, names, read_web),
        web,
    );
    RegionData {
        region: region.to_string(),
        trails,
        config,
        keys,
        aliases,
        vpcs,
        flow_logs,
        log_groups,
        web,
    }
}

/// Account id and partition of the caller (STS GetCallerIdentity).
pub async fn identity(aws: &Aws) -> Result<(String, String), CollectError> {
    let ident = Box::pin(aws.sts(&aws.home_region()).get_caller_identity().send())
        .await
        .aws()
        .map_err(|e| CollectError::Identity(e.to_string()))?;
    let account = ident.account().unwrap_or_default().to_string();
    let caller_arn = ident.arn().unwrap_or_default();
    let partition = caller_arn.split(':').nth(1).unwrap_or_default().to_string();
    if account.is_empty() || partition.is_empty() {
        return Err(CollectError::Identity(format!(
            "GetCallerIdentity returned account {account:?} and ARN {caller_arn:?}"
        )));
    }
    Ok((account, partition))
}

/// Read the account. Only identity and region listing failures are fatal;
/// any other failing call is recorded in `read_errors` and the run goes on.
pub async fn collect(
    aws: &Aws,
    opts: &CollectOptions,
    on_region_done: &(dyn Fn(&str) + Send + Sync),
) -> Result<Snapshot, CollectError> {
    let home = aws.home_region();
    let (account, partition) = Box::pin(identity(aws)).await?;

    let enabled = Box::pin(enabled_regions(aws, &partition)).await?;
    let check = |r: &String| {
        if enabled.contains(r) {
            Ok(())
        } else {
            Err(CollectError::UnknownRegion(r.clone(), enabled.join(", ")))
        }
    };
    let regions: Vec<String> = match &opts.regions {
        // An empty list (e.g. `--regions ""`) means every enabled region.
        Some(list) if list.iter().any(|r| !r.trim().is_empty()) => {
            let set: BTreeSet<String> = list
                .iter()
                .map(|r| r.trim().to_string())
                .filter(|r| !r.is_empty())
                .collect();
            for r in &set {
                check(r)?;
            }
            set.into_iter().collect()
        }
        _ => enabled.clone(),
    };
    // AWS Config is also read in the global-resources region (default: home)
    // when it is not scanned, so that 2.5 can see where global types are recorded.
    let extra_config_region = match &opts.global_resources_region {
        Some(r) => {
            check(r)?;
            Some(r.clone())
        }
        None => enabled.contains(&home).then(|| home.clone()),
    }
    .filter(|r| !regions.contains(r));

    let cx = Cx::new(aws, opts.concurrency, account.clone(), partition.clone());
    let names = &opts.names;

    // Phase 1: every region, plus the global listings.
    let region_futs = regions.iter().map(|r| {
        let cx = &cx;
        async move {
            let d = region_pass(cx, r, names, opts.web).await;
            on_region_done(r);
            d
        }
    });
    let extra_config = async {
        match &extra_config_region {
            Some(r) => config::read_region(&cx, r).await.map(|c| (r.clone(), c)),
            None => None,
        }
    };
    let web_global = async {
        if opts.web {
            Some(web::read_global(&cx, &partition).await)
        } else {
            None
        }
    };
    let (region_data, extra_config, listing, roles, web_global) = tokio::join!(
        futures::future::join_all(region_futs),
        extra_config,
        s3::list_buckets(&cx),
        iam::read_roles(&cx, &home, names),
        web_global,
    );

    let mut snap = Snapshot {
        account_id: account.clone(),
        partition: partition.clone(),
        home_region: home.clone(),
        regions: regions.clone(),
        roles,
        web: web_global.map(|(distributions, delivery_sources)| Web {
            distributions,
            delivery_sources,
            ..Default::default()
        }),
        ..Default::default()
    };
    let mut describe_failed: BTreeSet<String> = BTreeSet::new();
    let mut shadows: BTreeMap<String, Trail> = BTreeMap::new();
    for d in region_data {
        match d.trails {
            Some(trails) => {
                for t in trails {
                    if t.home_region == d.region {
                        shadows.remove(&t.arn);
                        snap.trails.insert(t.arn.clone(), t);
                    } else if !snap.trails.contains_key(&t.arn) {
                        shadows.entry(t.arn.clone()).or_insert(t);
                    }
                }
            }
            None => {
                describe_failed.insert(d.region.clone());
            }
        }
        if let Some(c) = d.config {
            snap.config.insert(d.region.clone(), c);
        }
        for k in d.keys {
            snap.keys.insert(k.arn.clone(), k);
        }
        if let Some(a) = d.aliases {
            snap.aliases.insert(d.region.clone(), a);
        }
        for v in d.vpcs {
            snap.vpcs.insert(v.vpc_id.clone(), v);
        }
        for f in d.flow_logs {
            snap.flow_logs.insert(f.flow_log_id.clone(), f);
        }
        if let Some(g) = d.log_groups {
            snap.log_groups.insert(d.region.clone(), g);
        }
        if let (Some(w), Some(web)) = (d.web, snap.web.as_mut()) {
            for lb in w.load_balancers {
                web.load_balancers.insert(lb.arn.clone(), lb);
            }
            for s in w.stages {
                web.api_stages.insert(s.arn(&snap.partition), s);
            }
            if let Some(a) = w.account {
                web.api_accounts.insert(d.region.clone(), a);
            }
        }
    }
    if let Some((r, c)) = extra_config {
        snap.config.insert(r, c);
    }

    // Phase 2: trails seen only as shadow copies (home region not scanned)
    // get their status read once, from their home region; key policies and
    // buckets are read now that every trail (and its key and bucket) is known.
    let mut orphans: Vec<Trail> = Vec::new();
    for (arn, t) in shadows {
        if describe_failed.contains(&t.home_region) {
            snap.trails.insert(arn, t);
        } else {
            orphans.push(t);
        }
    }
    for t in &orphans {
        snap.trails.insert(t.arn.clone(), t.clone());
    }
    let policy_keys = keys_to_read_policy(&snap, names);
    let bucket_names = buckets_of_interest(&snap, listing.as_ref(), names, opts.web);
    let orphan_reads = futures::future::join_all(orphans.iter_mut().map(|t| {
        let cx = &cx;
        async move {
            let region = t.home_region.clone();
            cloudtrail::read_status(cx, &region, t).await;
        }
    }));
    let owns_org_trail = snap
        .trails
        .values()
        .any(|t| t.is_organization && t.owner_account() == account);
    let (_, policies, buckets, organization_id, account_roles) = tokio::join!(
        orphan_reads,
        kms::read_policies(&cx, &snap, &policy_keys),
        s3::read_buckets(&cx, &bucket_names, listing.as_ref()),
        organization_id(
            &cx,
            &home,
            owns_org_trail || opts.organization,
            opts.organization
        ),
        web::read_account_roles(&cx, &home, snap.web.as_ref()),
    );
    if let Some(w) = snap.web.as_mut() {
        w.account_roles = account_roles;
    }
    (
        snap.organization_id,
        snap.management_account,
        snap.cloudtrail_trusted_access,
        snap.organization_feature_set,
    ) = organization_id;
    for t in orphans {
        snap.trails.insert(t.arn.clone(), t);
    }
    for (arn, policy) in policies {
        if let Some(k) = snap.keys.get_mut(&arn) {
            k.policy = Some(policy);
        }
    }
    snap.buckets = buckets;
    snap.owned_buckets = listing.map(|l| l.names).unwrap_or_default();

    let mut errors = std::mem::take(&mut *cx.errors.lock().unwrap());
    errors.sort_by(|a, b| {
        (&a.region, a.service, &a.operation, &a.message).cmp(&(
            &b.region,
            b.service,
            &b.operation,
            &b.message,
        ))
    });
    errors.dedup();
    snap.read_errors = errors;
    Ok(snap)
}

/// The key a trail's `KmsKeyId` (or any key reference: key ARN, key id, alias
/// name, alias ARN) designates. A bare id or alias name is looked up in
/// `default_region` (the trail's home region).
pub fn resolve_key<'s>(snap: &'s Snapshot, key_ref: &str, default_region: &str) -> Option<&'s Key> {
    let (region, resource) = if let Some(rest) = key_ref.strip_prefix("arn:") {
        // arn:<partition>:kms:<region>:<account>:key/<id> | alias/<name>
        let parts: Vec<&str> = rest.splitn(5, ':').collect();
        if parts.len() < 5 {
            return None;
        }
        (parts[2], parts[4])
    } else {
        (default_region, key_ref)
    };
    let key_id = if resource.starts_with("alias/") {
        snap.aliases.get(region)?.get(resource)?.as_str()
    } else {
        resource.strip_prefix("key/").unwrap_or(resource)
    };
    snap.keys
        .values()
        .find(|k| k.region == region && k.key_id == key_id)
}

/// Keys whose policy the tool may edit: the customer keys referenced by a
/// trail and the key behind the tool's own alias in any region. By ARN.
fn keys_to_read_policy(snap: &Snapshot, names: &Names) -> BTreeSet<String> {
    let mut arns = BTreeSet::new();
    for t in snap.trails.values() {
        if let Some(k) = t
            .kms_key_id
            .as_deref()
            .and_then(|r| resolve_key(snap, r, &t.home_region))
        {
            arns.insert(k.arn.clone());
        }
    }
    for (region, aliases) in &snap.aliases {
        if let Some(id) = aliases.get(&names.kms_alias)
            && let Some(k) = snap
                .keys
                .values()
                .find(|k| &k.region == region && &k.key_id == id)
        {
            arns.insert(k.arn.clone());
        }
    }
    arns.retain(|arn| snap.keys.get(arn).is_some_and(|k| k.manager == "CUSTOMER"));
    arns
}

/// Buckets the controls look at: every trail's bucket, plus the tool's own
/// buckets when the account owns them.
fn buckets_of_interest(
    snap: &Snapshot,
    listing: Option<&s3::Listing>,
    names: &Names,
    web: bool,
) -> BTreeSet<String> {
    let mut set: BTreeSet<String> = snap
        .trails
        .values()
        .filter_map(|t| t.s3_bucket.clone())
        .filter(|b| !b.is_empty())
        .collect();
    let owned: &[String] = listing.map(|l| l.names.as_slice()).unwrap_or_default();
    let mut own = Vec::new();
    for r in &snap.regions {
        own.push(fill(&names.access_log_bucket, &snap.account_id, r));
        own.push(fill(&names.flow_log_bucket, &snap.account_id, r));
        if web {
            own.push(fill(&names.web_log_bucket, &snap.account_id, r));
        }
    }
    if web {
        let cf = cloudfront_region(&snap.partition);
        own.push(fill(&names.web_log_bucket, &snap.account_id, cf));
    }
    own.push(fill(
        &names.config_bucket,
        &snap.account_id,
        &snap.home_region,
    ));
    own.push(fill(
        &names.trail_bucket,
        &snap.account_id,
        &snap.home_region,
    ));
    for b in own {
        if owned.binary_search(&b).is_ok() {
            set.insert(b);
        }
    }
    set
}

/// Region from an ARN (`arn:<p>:<service>:<region>:...`).
pub use crate::snapshot::arn_region;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn partitions() {
        assert_eq!(region_partition("us-east-1"), "aws");
        assert_eq!(region_partition("cn-north-1"), "aws-cn");
        assert_eq!(region_partition("us-gov-west-1"), "aws-us-gov");
        assert_eq!(region_partition("us-iso-east-1"), "aws-iso");
        assert_eq!(region_partition("us-isob-east-1"), "aws-iso-b");
    }

    #[test]
    fn resolves_key_references() {
        let mut snap = Snapshot::default();
        let k = Key {
            region: "eu-west-1".into(),
            key_id: "abcd".into(),
            arn: "arn:aws:kms:eu-west-1:123456789012:key/abcd".into(),
            manager: "CUSTOMER".into(),
            ..Default::default()
        };
        snap.keys.insert(k.arn.clone(), k);
        snap.aliases
            .entry("eu-west-1".into())
            .or_default()
            .insert("alias/x".into(), "abcd".into());
        for r in [
            "arn:aws:kms:eu-west-1:123456789012:key/abcd",
            "arn:aws:kms:eu-west-1:123456789012:alias/x",
            "abcd",
            "alias/x",
        ] {
            assert_eq!(
                resolve_key(&snap, r, "eu-west-1").map(|k| k.key_id.as_str()),
                Some("abcd"),
                "{r}"
            );
        }
        assert!(resolve_key(&snap, "abcd", "us-east-1").is_none());
        assert!(resolve_key(&snap, "alias/y", "eu-west-1").is_none());
    }

    #[test]
    fn arn_regions() {
        assert_eq!(
            arn_region("arn:aws:cloudtrail:eu-west-1:123456789012:trail/t"),
            Some("eu-west-1")
        );
        assert_eq!(arn_region("arn:aws:iam::123456789012:role/r"), None);
        // a key given by alias ARN is read in the alias's region
        assert_eq!(
            arn_region("arn:aws:kms:eu-west-1:123456789012:alias/remediate-cloudtrail"),
            Some("eu-west-1")
        );
        assert_eq!(arn_region("alias/remediate-cloudtrail"), None);
    }
}
