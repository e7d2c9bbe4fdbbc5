//! `plan` over the accounts of an organization.
//!
//! Accounts are processed as a stream with at most `account_concurrency`
//! in flight: each is reached, read, planned, and its snapshot dropped, so
//! memory holds the plans (the report) and the snapshots in flight, not
//! every account's snapshot. An account that cannot be reached or read is
//! an error row; the others go on.

use anyhow::{Context, Result};
use futures::StreamExt;
use std::path::PathBuf;
use std::sync::atomic::{AtomicUsize, Ordering};

use super::{Run, build_plan, timestamp};
use crate::aws::Aws;
use crate::collect::{self, CollectOptions};
use crate::org::{self, Account};
use crate::render::{self, Format};
use crate::report::{self, AccountPart, OrgPlan};

/// The accounts of the run: listed from Organizations when asked (a failure
/// to list is fatal: there is nothing to run on), then narrowed.
pub async fn accounts(run: &Run, aws: &Aws) -> Result<Vec<Account>> {
    let o = run.org.as_ref().expect("an organization run");
    let listed = if o.selection.org {
        Some(
            org::list_accounts(aws, o.selection.ou.as_deref())
                .await
                .context("cannot list the organization's accounts (run from the management account or a delegated administrator)")?,
        )
    } else {
        None
    };
    Ok(org::select(listed, &o.selection))
}

/// Reach, read and plan one account; any failure is its error row.
async fn plan_account(run: &Run, base: &Aws, caller: &str, a: &Account) -> AccountPart {
    let o = run.org.as_ref().expect("an organization run");
    let mut part = AccountPart {
        account_id: a.id.clone(),
        name: a.name.clone(),
        plan: None,
        error: None,
        api_calls: 0,
    };
    let aws = match org::reach(base, caller, &a.id, &o.reach).await {
        Ok(aws) => aws,
        Err(e) => {
            part.error = Some(format!("cannot assume {} in {}: {e}", o.reach.role, a.id));
            return part;
        }
    };
    let opts = CollectOptions {
        regions: run.regions.clone(),
        concurrency: run.concurrency,
        names: run.file.names.clone(),
        global_resources_region: run.file.global_resources_region.clone(),
    };
    let started = super::now_unix();
    let result = collect::collect(&aws, &opts, &|_| {}).await;
    part.api_calls = aws.calls.total();
    let mut snap = match result {
        Ok(s) => s,
        Err(e) => {
            part.error = Some(format!("cannot read account {}: {e}", a.id));
            return part;
        }
    };
    snap.collected_at = started;
    for e in &snap.read_errors {
        eprintln!(
            "warning: account {}: {} {} failed in {}: {}",
            a.id,
            e.service.as_str(),
            e.operation,
            e.region,
            e.message
        );
    }
    match build_plan(run, &snap) {
        Ok((_, plan)) => part.plan = Some(plan),
        Err(e) => part.error = Some(format!("{e:#}")),
    }
    part
}

/// Every selected account's part, sorted by account id; progress on stderr.
pub async fn plan_accounts(
    run: &Run,
    aws: &Aws,
    caller: &str,
    list: &[Account],
) -> Vec<AccountPart> {
    let o = run.org.as_ref().expect("an organization run");
    let done = AtomicUsize::new(0);
    let total = list.len();
    let mut parts: Vec<AccountPart> = futures::stream::iter(list)
        .map(|a| async {
            let part = plan_account(run, aws, caller, a).await;
            let n = done.fetch_add(1, Ordering::Relaxed) + 1;
            eprintln!(
                "accounts {n}/{total}: {} {}",
                a.id,
                part.error.as_deref().map(|_| "error").unwrap_or("read")
            );
            part
        })
        .buffer_unordered(o.account_concurrency)
        .collect()
        .await;
    parts.sort_by(|a, b| a.account_id.cmp(&b.account_id));
    parts
}

pub async fn cmd_plan(run: &Run, aws: &Aws, format: Format, out: Option<PathBuf>) -> Result<i32> {
    let (caller, _) = collect::identity(aws).await?;
    let list = accounts(run, aws).await?;
    if list.is_empty() {
        // Still a report: an empty shard merges like any other.
        eprintln!("No account selected.");
    }
    let parts = plan_accounts(run, aws, &caller, &list).await;
    let org = OrgPlan {
        kind: report::KIND.into(),
        format_version: report::ORG_FORMAT_VERSION,
        tool_version: env!("CARGO_PKG_VERSION").into(),
        caller_account: caller,
        benchmark: crate::controls::of(&run.file).key.into(),
        shard: run
            .org
            .as_ref()
            .and_then(|o| o.selection.shard)
            .map(|s| s.to_string()),
        accounts: parts,
    };
    print!("{}", render::org::render_org(&org, format, run.out_style));
    if let Some(path) = out {
        report::write_file(&path, &org, timestamp())
            .with_context(|| format!("saving the plan to {}", path.display()))?;
        eprintln!(
            "Plan saved to {}; apply it with: remediate apply {}",
            path.display(),
            path.display()
        );
    }
    for a in org.accounts.iter().filter(|a| a.error.is_some()) {
        eprintln!(
            "error: account {}: {}",
            a.account_id,
            a.error.as_deref().unwrap_or("")
        );
    }
    Ok(org.exit_code())
}
