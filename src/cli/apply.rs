//! `remediate apply` and `remediate undo`: approval, execution, summary and
//! verification. A plan is built (or loaded and checked) first; a declined
//! or interrupted approval returns before the executor is ever called.

use anyhow::{Context, Result, bail};
use std::collections::{BTreeMap, BTreeSet};
use std::io::IsTerminal;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};

use super::{EXIT_ERROR, EXIT_OK, Run, build_plan, scan, timestamp};
use crate::aws::Aws;
use crate::controls::{self, Benchmark};
use crate::execute::{self, ExecEvent, ExecOptions, ExecReport};
use crate::plan::{self, Action, Plan};
use crate::render::{self, Format, Held, Verb};
use crate::settings::FileSettings;

#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Approval {
    Ask,
    Step,
    Yes,
}

impl Approval {
    pub fn from_flags(yes: bool, step: bool) -> Self {
        match (yes, step) {
            (true, _) => Approval::Yes,
            (false, true) => Approval::Step,
            _ => Approval::Ask,
        }
    }
}

/// What the user decided: the actions held back (and why), or `None` = do
/// nothing at all.
type Decision = Option<BTreeMap<String, Held>>;

/// How a saved plan is checked beyond its seal: who must have signed it,
/// and whether its own settings may stand in for this run's.
#[derive(Debug, Clone, Default)]
pub struct Saved {
    pub verifier: Option<crate::signing::Verifier>,
    pub settings_from_plan: bool,
}

/// The run's settings as they would shape a plan like `planned`: the
/// benchmark and who gets the trail follow the plan unless this run names
/// them (a saved plan is applied without repeating its `plan` flags).
pub(super) fn run_settings_for(run: &Run, planned: &FileSettings) -> FileSettings {
    let mut s = run.file.clone();
    if !run.benchmark_named {
        s.benchmark = planned.benchmark.clone();
    }
    if !run.org_trail_named {
        s.org.trail = planned.org.trail;
    }
    s
}

/// Refuse a saved plan made with other settings than this run's, after
/// showing the difference, unless `--settings-from-plan` says to use the
/// plan's.
pub(super) fn check_settings(
    run: &Run,
    name: &str,
    planned: &FileSettings,
    saved: &Saved,
) -> Result<()> {
    let now = run_settings_for(run, planned);
    let diff = plan::integrity::settings_differences(planned, &now);
    if diff.is_empty() {
        return Ok(());
    }
    eprintln!("The plan was made with settings that differ from this run's:");
    eprint!("{}", plan::integrity::settings_diff_text(planned, &now));
    if saved.settings_from_plan {
        eprintln!("Applying with the plan's settings (--settings-from-plan).");
        return Ok(());
    }
    bail!(
        "{name} was made with other settings than this run's ({}): apply it with --settings-from-plan to use the plan's, or plan again",
        diff.join(", ")
    )
}

pub async fn cmd_apply(
    run: &Run,
    aws: &Aws,
    file: Option<PathBuf>,
    approval: Approval,
    journal: PathBuf,
    saved: &Saved,
) -> Result<i32> {
    let (plan, settings_run_regions) = match &file {
        Some(path) => {
            let name = path.display().to_string();
            let f = plan::file::read(path)?;
            super::check_signature(
                aws,
                saved.verifier.as_ref(),
                &name,
                f.signature.as_ref(),
                &plan::file::digest(&f.created_at, &f.plan),
            )
            .await?;
            if let Some(b) = &run.benchmark_arg
                && *b != f.plan.benchmark
            {
                bail!(
                    "{name} was planned for {}, not {b}: plan again with --benchmark {b}, or apply it without --benchmark",
                    f.plan.benchmark
                );
            }
            check_settings(run, &name, &f.plan.settings, saved)?;
            let snap = scan(run, aws, Some(f.plan.regions.clone()), &f.plan.settings).await?;
            let trust = run_settings_for(run, &f.plan.settings);
            crate::pipeline::check_saved(&name, &f.plan, &snap, &trust)?;
            let regions = f.plan.regions.clone();
            (f.plan, regions)
        }
        None => {
            let snap = scan(run, aws, run.regions.clone(), &run.file).await?;
            let (_, plan) = build_plan(run, &snap)?;
            let regions = plan.regions.clone();
            (plan, regions)
        }
    };
    print!("{}", render::render(&plan, Format::Text, run.out_style));
    if plan.actions.is_empty() {
        eprintln!("Nothing to apply.");
        return Ok(EXIT_OK);
    }
    let Some(held) = approve_guarded(controls::of(&plan.settings), &plan.actions, approval, run)?
    else {
        eprintln!("Apply cancelled; nothing was changed.");
        return Ok(EXIT_ERROR);
    };
    ensure_state_dir(&journal)?;
    let report =
        execute_with_progress(run, aws, &plan, &plan.actions, &held, &journal, None).await?;
    eprint!(
        "{}",
        render::summary(Verb::Apply, &plan.actions, &report, &held, run.err_style)
    );
    eprintln!(
        "Journal: {} (undo with: remediate undo {})",
        journal.display(),
        journal.display()
    );
    let delivering = verify(run, aws, &plan, settings_run_regions).await?;
    Ok(if report.ok() && delivering {
        EXIT_OK
    } else {
        EXIT_ERROR
    })
}

/// The state directory journals go to by default, in the working directory.
pub const STATE_DIR: &str = ".remediate";

/// `.remediate/journal-<time>.jsonl`; the directory is made when the first
/// write is about to be journaled ([`ensure_state_dir`]).
pub(super) fn default_journal() -> PathBuf {
    let t = timestamp().replace([':', '-'], "");
    Path::new(STATE_DIR).join(format!("journal-{t}.jsonl"))
}

/// Make `.remediate/` (for a journal inside it) with a `.gitignore` of `*`:
/// running `apply` in a repository leaves nothing untracked in its root
/// (the way `.pytest_cache` does it).
pub(super) fn ensure_state_dir(journal: &Path) -> Result<()> {
    let dir = Path::new(STATE_DIR);
    if journal.parent() != Some(dir) || dir.is_dir() {
        return Ok(());
    }
    std::fs::create_dir_all(dir)
        .with_context(|| format!("cannot create the state directory {STATE_DIR}"))?;
    std::fs::write(
        dir.join(".gitignore"),
        "# Created by remediate: journals of apply and undo runs.\n*\n",
    )
    .with_context(|| format!("cannot write {STATE_DIR}/.gitignore"))
}

/// Where `undo JOURNAL` journals its own writes.
pub(super) fn undo_journal(journal: &Path) -> PathBuf {
    journal.with_extension("undo.jsonl")
}

/// [`approve`] with Ctrl-C handled: a SIGINT while the prompt waits (the
/// terminal may be in line mode, where it is a signal rather than a key)
/// restores the cursor and exits 130 before anything is written.
pub(super) fn approve_guarded(
    bench: &Benchmark,
    actions: &[Action],
    approval: Approval,
    run: &Run,
) -> Result<Decision> {
    let guard = tokio::spawn(async {
        if tokio::signal::ctrl_c().await.is_ok() {
            let _ = console::Term::stderr().show_cursor();
            eprintln!("\nInterrupted; nothing was changed.");
            std::process::exit(130);
        }
    });
    let decision = tokio::task::block_in_place(|| approve(bench, actions, approval, run));
    guard.abort();
    decision
}

/// Ask for approval. Returns the actions the user held back (with why), or
/// `None` when nothing is to be done.
fn approve(
    bench: &Benchmark,
    actions: &[Action],
    approval: Approval,
    run: &Run,
) -> Result<Decision> {
    if approval == Approval::Yes {
        return Ok(Some(BTreeMap::new()));
    }
    if !std::io::stdin().is_terminal() {
        bail!(
            "refusing to apply: no terminal to ask for approval (stdin); review the plan and pass --yes to apply unattended"
        );
    }
    let theme = dialoguer::theme::SimpleTheme;
    match approval {
        Approval::Ask => {
            eprintln!(
                "Do you want to perform these actions? Only 'yes' will be accepted to approve."
            );
            let answer: String = interrupted_is_nothing(
                dialoguer::Input::with_theme(&theme)
                    .with_prompt("Enter a value")
                    .allow_empty(true)
                    .interact_text(),
            );
            Ok((answer.trim() == "yes").then(BTreeMap::new))
        }
        Approval::Step => {
            let mut held = BTreeMap::new();
            let mut any = false;
            for (i, a) in actions.iter().enumerate() {
                if let Some(d) = a.depends_on.iter().find(|d| held.contains_key(*d)) {
                    eprintln!("Skipping {}: it depends on {d}, which is skipped.", a.id);
                    held.insert(a.id.clone(), Held::Dependent(d.clone()));
                    continue;
                }
                eprint!("{}", render::action_text(bench, i + 1, a, run.err_style));
                let choice = interrupted_is_nothing(
                    dialoguer::Select::with_theme(&theme)
                        .with_prompt(format!("Apply {}?", a.id))
                        .items(["yes", "skip", "quit"])
                        .default(0)
                        .interact(),
                );
                match choice {
                    0 => any = true,
                    1 => {
                        held.insert(a.id.clone(), Held::Skipped);
                    }
                    _ => {
                        for rest in &actions[i..] {
                            held.entry(rest.id.clone()).or_insert(Held::Quit);
                        }
                        break;
                    }
                }
            }
            Ok(any.then_some(held))
        }
        Approval::Yes => unreachable!(),
    }
}

/// Ctrl-C (or a closed terminal) at a prompt: restore the terminal, say
/// nothing changed, exit 130. Nothing has been written at this point.
fn interrupted_is_nothing<T>(r: dialoguer::Result<T>) -> T {
    match r {
        Ok(v) => v,
        Err(_) => {
            let _ = console::Term::stderr().show_cursor();
            eprintln!("\nInterrupted; nothing was changed.");
            std::process::exit(130);
        }
    }
}

/// Runs the actions, one progress line each on stderr, starting with
/// `[label] ` when given (accounts of an organization applied side by side).
pub(super) async fn execute_with_progress(
    run: &Run,
    aws: &Aws,
    plan: &Plan,
    actions: &[Action],
    held: &BTreeMap<String, Held>,
    journal: &Path,
    label: Option<&str>,
) -> Result<ExecReport> {
    let tag = label.map(|l| format!("[{l}] ")).unwrap_or_default();
    let cancel = Arc::new(AtomicBool::new(false));
    let flag = cancel.clone();
    // First Ctrl-C: start nothing new, let in-flight actions finish and the
    // journal be written; a second one stops at once.
    tokio::spawn(async move {
        if tokio::signal::ctrl_c().await.is_ok() {
            flag.store(true, Ordering::SeqCst);
            eprintln!(
                "\nInterrupted: finishing the actions in flight, starting no new ones (Ctrl-C again to stop now)."
            );
            if tokio::signal::ctrl_c().await.is_ok() {
                std::process::exit(130);
            }
        }
    });
    eprintln!(
        "{tag}Applying {} action(s); journal: {}",
        actions.len(),
        journal.display()
    );
    let opts = ExecOptions {
        concurrency: run.concurrency,
        journal_path: journal.to_path_buf(),
        skip: held
            .iter()
            .map(|(id, h)| (id.clone(), h.reason()))
            .collect(),
        cancel: cancel.clone(),
        account_id: plan.account_id.clone(),
        partition: plan.partition.clone(),
        iam_propagation: run.iam_propagation,
        ..Default::default()
    };
    let st = run.err_style;
    let on_event = move |e: ExecEvent| match e {
        ExecEvent::Started(a) => tracing::info!("start {}", a.id),
        ExecEvent::Finished(a, o) => {
            if let Some(line) = render::progress(a, o, st) {
                let lines: String = line.lines().map(|l| format!("{tag}{l}\n")).collect();
                eprint!("{lines}");
            }
        }
    };
    execute::execute(aws, actions, &opts, &on_event).await
}

/// Re-read the account and show the touched controls before and after.
/// False when a trail the plan touched reports a delivery error it did not
/// report when planned: the change may have cut CloudTrail off.
async fn verify(run: &Run, aws: &Aws, plan: &Plan, regions: Vec<String>) -> Result<bool> {
    let touched: BTreeSet<&str> = plan
        .actions
        .iter()
        .flat_map(|a| a.controls.iter().map(String::as_str))
        .collect();
    let bench = controls::of(&plan.settings);
    let selected: Vec<&controls::Control> = bench
        .controls
        .iter()
        .filter(|c| touched.contains(c.id))
        .collect();
    let ids: Vec<String> = selected.iter().map(|c| c.id.to_string()).collect();
    let snap = scan(run, aws, Some(regions), &plan.settings).await?;
    let after = controls::detect(&snap, &plan.settings, &selected);
    let before_summary = render::summarize(bench, &ids, &plan.findings);
    let after_summary = render::summarize(bench, &ids, &after);
    eprintln!("\nVerification (account read again):");
    eprint!(
        "{}",
        render::before_after(&before_summary, &after_summary, run.err_style)
    );
    for f in after
        .iter()
        .filter(|f| f.status == crate::finding::Status::Pending)
    {
        eprintln!(
            "  pending {} {} {}: {}",
            f.control, f.region, f.resource, f.reason
        );
    }
    let appeared = render::new_delivery_errors(plan, &snap);
    for line in &appeared {
        eprintln!("  error: {line}");
    }
    Ok(appeared.is_empty())
}

pub async fn cmd_undo(run: &Run, aws: &Aws, journal: &Path, yes: bool) -> Result<i32> {
    let entries = execute::read_journal(journal)?;
    super::check_writable(&undo_journal(journal), "the undo journal")?;
    let actions = execute::plan_undo(&entries);
    if actions.is_empty() {
        eprintln!("Nothing to undo in {}.", journal.display());
        return Ok(EXIT_OK);
    }
    let c = render::counts(&actions);
    println!(
        "Undo of {}: {} to restore, {} to destroy (only what that apply created). Actions in the order they run:\n",
        journal.display(),
        c.change,
        c.destroy
    );
    for (i, a) in actions.iter().enumerate() {
        print!(
            "{}",
            render::action_text(controls::of(&run.file), i + 1, a, run.out_style)
        );
    }
    let approval = if yes { Approval::Yes } else { Approval::Ask };
    let Some(held) = approve_guarded(controls::of(&run.file), &actions, approval, run)? else {
        eprintln!("Undo cancelled; nothing was changed.");
        return Ok(EXIT_ERROR);
    };
    let (account_id, partition) = crate::collect::identity(aws).await?;
    let plan = Plan {
        format_version: plan::FORMAT_VERSION,
        tool_version: env!("CARGO_PKG_VERSION").into(),
        account_id,
        partition,
        home_region: aws.home_region(),
        regions: vec![],
        benchmark: controls::of(&run.file).key.to_string(),
        controls: vec![],
        settings: run.file.clone(),
        findings: vec![],
        actions: actions.clone(),
    };
    let undo_journal = undo_journal(journal);
    let report =
        execute_with_progress(run, aws, &plan, &actions, &held, &undo_journal, None).await?;
    eprint!(
        "{}",
        render::summary(Verb::Undo, &actions, &report, &held, run.err_style)
    );
    Ok(if report.ok() { EXIT_OK } else { EXIT_ERROR })
}
