//! `plan` over the accounts of an organization.
//!
//! Accounts are processed as a stream with at most `account_concurrency`
//! in flight: each is reached, read, planned, and its snapshot dropped, so
//! memory holds the plans (the report) and the snapshots in flight, not
//! every account's snapshot. An account that cannot be reached or read is
//! an error row; the others go on.

use anyhow::{Context, Result, bail};
use futures::StreamExt;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicUsize, Ordering};

use super::apply::{Approval, approve_guarded, ensure_state_dir, execute_with_progress};
use super::apply::{Saved, check_settings};
use super::{EXIT_ERROR, EXIT_OK, Run, SaveAs, build_plan, timestamp};
use crate::aws::Aws;
use crate::collect;
use crate::org::{self, Account};
use crate::plan::{Action, Plan};
use crate::render::Verb;
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
    if let Some(why) = org::nothing_selected(listed.as_deref(), &o.selection) {
        bail!("{why}");
    }
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
    let opts = crate::controls::collect_options(run.regions.clone(), run.concurrency, &run.file);
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

/// A fresh organization plan: the selected accounts, each planned.
async fn fresh_plan(run: &Run, aws: &Aws) -> Result<OrgPlan> {
    let (caller, _) = collect::identity(aws).await?;
    let list = accounts(run, aws).await?;
    if list.is_empty() {
        // Still a report: an empty shard merges like any other (an empty
        // selection was refused above).
        eprintln!("No account of the selection is in this shard.");
    }
    let parts = plan_accounts(run, aws, &caller, &list).await;
    Ok(OrgPlan {
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
    })
}

pub async fn cmd_plan(run: &Run, aws: &Aws, format: Format, out: Option<SaveAs>) -> Result<i32> {
    let org = fresh_plan(run, aws).await?;
    print!("{}", render::org::render_org(&org, format, run.out_style));
    if let Some(save) = out {
        let created_at = timestamp();
        let signature = save
            .signature(aws, &report::digest(&created_at, &org))
            .await?;
        report::write_file(&save.path, &org, created_at, signature.clone())
            .with_context(|| format!("saving the plan to {}", save.path.display()))?;
        save.saved_line(signature.as_ref());
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

/// Where an organization run journals: a directory (the journal path
/// without its extension) holding one journal per account, `<id>.jsonl`.
pub fn journal_dir(journal: &Path) -> PathBuf {
    journal.with_extension("")
}

/// The organization plan to apply: a saved one (sealed; its benchmark must
/// match `--benchmark` when given) or a fresh one.
async fn org_plan(run: &Run, aws: &Aws, file: Option<&Path>, saved: &Saved) -> Result<OrgPlan> {
    if let Some(path) = file {
        let name = path.display().to_string();
        let text = std::fs::read_to_string(path)
            .map_err(|e| anyhow::anyhow!("cannot read plan file {name}: {e}"))?;
        let f = report::parse_file(&name, &text).map_err(anyhow::Error::msg)?;
        // One signature covers every account's part: checked before any
        // account is read.
        super::check_signature(
            aws,
            saved.verifier.as_ref(),
            &name,
            f.signature.as_ref(),
            &report::digest(&f.created_at, &f.plan),
        )
        .await?;
        for part in &f.plan.accounts {
            if let Some(p) = &part.plan {
                check_settings(
                    run,
                    &format!("{name} (account {})", part.account_id),
                    &p.settings,
                    saved,
                )?;
            }
        }
        if let Some(b) = &run.benchmark_arg
            && *b != f.plan.benchmark
        {
            bail!(
                "{name} was planned for {}, not {b}: plan again with --benchmark {b}, or apply it without --benchmark",
                f.plan.benchmark
            );
        }
        return Ok(f.plan);
    }
    fresh_plan(run, aws).await
}

/// How one account's part of an apply ended.
enum Outcome {
    Applied(crate::execute::ExecReport, Vec<Action>),
    /// Not applied, with why (stale, unreachable, declined).
    Refused(String),
}

/// A saved part is applied only while the account still is as planned:
/// read again, the same account, nothing it relies on changed, within
/// AWS's document limits. One stale account refuses its own part only.
async fn check_part(run: &Run, aws: &Aws, name: &str, plan: &Plan) -> Result<()> {
    let opts = crate::controls::collect_options(
        Some(plan.regions.clone()),
        run.concurrency,
        &plan.settings,
    );
    let snap = collect::collect(aws, &opts, &|_| {}).await?;
    let trust = super::apply::run_settings_for(run, &plan.settings);
    crate::pipeline::check_saved(name, plan, &snap, &trust)
}

pub async fn cmd_apply(
    run: &Run,
    aws: &Aws,
    file: Option<PathBuf>,
    approval: Approval,
    journal: PathBuf,
    saved: &Saved,
) -> Result<i32> {
    let org = org_plan(run, aws, file.as_deref(), saved).await?;
    print!(
        "{}",
        render::org::render_org(&org, Format::Text, run.out_style)
    );
    let unread: Vec<&AccountPart> = org.accounts.iter().filter(|a| a.plan.is_none()).collect();
    let todo: Vec<&AccountPart> = org
        .accounts
        .iter()
        .filter(|a| a.plan.as_ref().is_some_and(|p| !p.actions.is_empty()))
        .collect();
    for a in &unread {
        eprintln!(
            "error: account {} is not applied: {}",
            a.account_id,
            a.error.as_deref().unwrap_or("not read")
        );
    }
    if todo.is_empty() {
        eprintln!("Nothing to apply.");
        return Ok(if unread.is_empty() {
            EXIT_OK
        } else {
            EXIT_ERROR
        });
    }
    let bench = crate::controls::benchmark(&org.benchmark).map_err(anyhow::Error::msg)?;
    let total: usize = todo
        .iter()
        .map(|a| a.plan.as_ref().map_or(0, |p| p.actions.len()))
        .sum();
    // One approval for the whole run, or one per account with --step.
    let mut approved: Vec<&AccountPart> = vec![];
    match approval {
        Approval::Yes => approved = todo.clone(),
        Approval::Ask => {
            eprintln!("{total} action(s) in {} account(s).", todo.len());
            let all: Vec<Action> = todo
                .iter()
                .flat_map(|a| a.plan.as_ref().unwrap().actions.clone())
                .collect();
            if approve_guarded(bench, &all, Approval::Ask, run)?.is_some() {
                approved = todo.clone();
            }
        }
        Approval::Step => {
            for a in &todo {
                let p = a.plan.as_ref().unwrap();
                eprintln!(
                    "\nAccount {} {}: {} action(s).",
                    a.account_id,
                    a.name,
                    p.actions.len()
                );
                if approve_guarded(bench, &p.actions, Approval::Ask, run)?.is_some() {
                    approved.push(a);
                }
            }
        }
    }
    if approved.is_empty() {
        eprintln!("Apply cancelled; nothing was changed.");
        return Ok(EXIT_ERROR);
    }
    // A fresh plan was just made with these credentials: its caller is
    // ours. A saved one may come from anyone: ask who we are.
    let caller = match file {
        None => org.caller_account.clone(),
        Some(_) => collect::identity(aws).await?.0,
    };
    let o = run.org.clone().unwrap_or_else(super::OrgRun::from_plan);
    let dir = journal_dir(&journal);
    ensure_state_dir(&dir)?;
    std::fs::create_dir_all(&dir)
        .with_context(|| format!("cannot create the journal directory {}", dir.display()))?;
    // The caller's (management) account first and alone: an organization
    // trail made there is what the members' plans rely on. Then the
    // members, `account_concurrency` at a time, each line of progress
    // tagged with its account when several run at once.
    let mut outcomes: Vec<(&AccountPart, Outcome)> = vec![];
    if let Some(m) = todo.iter().find(|a| a.account_id == caller) {
        let ok = approved.iter().any(|x| x.account_id == m.account_id);
        let outcome = apply_account(run, aws, &caller, &o, &dir, file.as_deref(), ok, m, false);
        outcomes.push((m, outcome.await));
    }
    let members: Vec<&AccountPart> = todo
        .iter()
        .copied()
        .filter(|a| a.account_id != caller)
        .collect();
    let side_by_side = o.account_concurrency > 1 && members.len() > 1;
    let mut rest: Vec<(&AccountPart, Outcome)> = futures::stream::iter(members)
        .map(|a| {
            let ok = approved.iter().any(|x| x.account_id == a.account_id);
            let (caller, o, dir, file) = (&caller, &o, &dir, file.as_deref());
            async move {
                let outcome = apply_account(run, aws, caller, o, dir, file, ok, a, side_by_side);
                (a, outcome.await)
            }
        })
        .buffer_unordered(o.account_concurrency.max(1))
        .collect()
        .await;
    rest.sort_by(|x, y| x.0.account_id.cmp(&y.0.account_id));
    outcomes.extend(rest);
    eprintln!("\nOrganization apply:");
    let mut ok = unread.is_empty();
    for (a, outcome) in &outcomes {
        match outcome {
            Outcome::Applied(report, actions) => {
                let line = render::summary(
                    Verb::Apply,
                    actions,
                    report,
                    &Default::default(),
                    run.err_style,
                );
                let last = line.lines().last().unwrap_or_default().to_string();
                eprintln!("  account {}: {last}", a.account_id);
                ok &= report.ok();
            }
            Outcome::Refused(why) => {
                eprintln!("  account {}: not applied: {why}", a.account_id);
                ok = false;
            }
        }
    }
    eprintln!(
        "Journals: {} (undo with: remediate undo {})",
        dir.display(),
        dir.display()
    );
    Ok(if ok { EXIT_OK } else { EXIT_ERROR })
}

/// Applies one account's part (`approved`: said yes to it): reached with
/// the run's role, checked against the saved plan when there is one, its
/// journal `<dir>/<account>.jsonl`. `label`: progress lines tagged with the
/// account (several accounts at once).
#[allow(clippy::too_many_arguments)]
async fn apply_account(
    run: &Run,
    aws: &Aws,
    caller: &str,
    o: &super::OrgRun,
    dir: &Path,
    file: Option<&Path>,
    approved: bool,
    a: &AccountPart,
    label: bool,
) -> Outcome {
    if !approved {
        return Outcome::Refused("declined at the prompt".into());
    }
    let p = a.plan.as_ref().expect("only planned accounts are applied");
    let member = match org::reach(aws, caller, &a.account_id, &o.reach).await {
        Ok(m) => m,
        Err(e) => {
            return Outcome::Refused(format!(
                "cannot assume {} in {}: {e}",
                o.reach.role, a.account_id
            ));
        }
    };
    if let Some(f) = file {
        let name = format!("{} (account {})", f.display(), a.account_id);
        if let Err(e) = check_part(run, &member, &name, p).await {
            return Outcome::Refused(format!("{e:#}"));
        }
    }
    let label = label.then_some(a.account_id.as_str());
    match label {
        Some(l) => eprintln!("[{l}] Account {} {}:", a.account_id, a.name),
        None => eprintln!("\nAccount {} {}:", a.account_id, a.name),
    }
    let path = dir.join(format!("{}.jsonl", a.account_id));
    match execute_with_progress(
        run,
        &member,
        p,
        &p.actions,
        &Default::default(),
        &path,
        label,
    )
    .await
    {
        Ok(report) => Outcome::Applied(report, p.actions.clone()),
        // One account's journal or executor failing stops that account only.
        Err(e) => Outcome::Refused(format!("{e:#}")),
    }
}

/// `undo DIR`: the organization journal's accounts, each undone in its own
/// account (reached as the apply reached it).
pub async fn cmd_undo(run: &Run, aws: &Aws, dir: &Path, yes: bool) -> Result<i32> {
    let mut journals: Vec<PathBuf> = std::fs::read_dir(dir)
        .with_context(|| format!("cannot read the organization journal {}", dir.display()))?
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| {
            p.extension().is_some_and(|x| x == "jsonl")
                && !p.to_string_lossy().ends_with(".undo.jsonl")
        })
        .collect();
    journals.sort();
    if journals.is_empty() {
        bail!(
            "{} holds no account journal (<account id>.jsonl)",
            dir.display()
        );
    }
    let (caller, _) = collect::identity(aws).await?;
    let o = run.org.clone().unwrap_or_else(super::OrgRun::from_plan);
    let mut code = EXIT_OK;
    for j in journals {
        let account = j
            .file_stem()
            .unwrap_or_default()
            .to_string_lossy()
            .to_string();
        eprintln!("\nAccount {account}:");
        let c = match org::reach(aws, &caller, &account, &o.reach).await {
            Ok(member) => super::apply::cmd_undo(run, &member, &j, yes).await?,
            Err(e) => {
                eprintln!("error: cannot assume {} in {account}: {e}", o.reach.role);
                EXIT_ERROR
            }
        };
        if c != EXIT_OK {
            code = EXIT_ERROR;
        }
    }
    Ok(code)
}
