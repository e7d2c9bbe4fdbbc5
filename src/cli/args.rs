//! Raw command-line arguments (clap). They are resolved into one
//! [`super::Run`] before anything talks to AWS.

use clap::{Args, Parser, Subcommand, ValueEnum};
use std::path::PathBuf;

use crate::aws::RetryMode;
use crate::render::Format;

/// Find and fix drift from the Logging controls of the CIS AWS Foundations Benchmark
/// (v1.2 §2.1–2.9 by default; every version from 1.2 to 7.0 with --benchmark).
///
/// Exit codes: 0 nothing to fix (or applied), 2 `plan` found drift, 1 error,
/// a failed action or a usage error.
#[derive(Debug, Parser)]
#[command(name = "remediate", version, about, long_about = None)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Command,
    #[command(flatten)]
    pub global: GlobalArgs,
}

#[derive(Debug, Args, Clone)]
pub struct GlobalArgs {
    /// Named profile from the AWS config files.
    #[arg(long, global = true, env = "AWS_PROFILE")]
    pub profile: Option<String>,
    /// Home region: where account-wide resources are created and looked up.
    #[arg(long, global = true)]
    pub region: Option<String>,
    /// Only scan these regions (comma separated). Default: every enabled region.
    #[arg(long, global = true, value_delimiter = ',')]
    pub regions: Vec<String>,
    /// Only these controls (comma separated), by the ids of the benchmark, e.g. 2.1,2.8.
    #[arg(long = "control", global = true, value_delimiter = ',')]
    pub controls: Vec<String>,
    /// Benchmark version whose ids, titles and audit text apply: cis-1.2 (default),
    /// cis-1.4, cis-1.5, cis-2.0, cis-3.0, cis-4.0, cis-5.0, cis-6.0, cis-7.0.
    #[arg(long, global = true, env = "REMEDIATE_BENCHMARK")]
    pub benchmark: Option<String>,
    /// AWS endpoint (e.g. a local emulator); S3 then uses path-style URLs.
    #[arg(long, global = true)]
    pub endpoint_url: Option<String>,
    /// Settings file (default: ./remediate.toml when it exists).
    #[arg(long, global = true)]
    pub config: Option<PathBuf>,
    /// Concurrent AWS calls / actions (at least 1).
    #[arg(long, global = true, default_value_t = 16, value_parser = at_least_one)]
    pub concurrency: usize,
    /// SDK retry mode (default: settings, else standard). `adaptive` rate-limits the client after a throttle
    /// (seconds per call): for heavily throttled, unhurried jobs only.
    #[arg(long, global = true, value_enum)]
    pub retry_mode: Option<RetryModeArg>,
    /// SDK attempts per call, 1 (no retries) to 20 (default: settings, else 5).
    #[arg(long, global = true, value_parser = attempts)]
    pub max_attempts: Option<u32>,
    /// How long to keep retrying a write that fails because a role or policy
    /// just made is not visible yet (IAM is eventually consistent), 0 to 3600
    /// (default: settings, else 120).
    #[arg(long, global = true, value_name = "SECONDS", value_parser = propagation_seconds)]
    pub iam_propagation_seconds: Option<u64>,
    /// Print API call counts per service on stderr (and in JSON output).
    #[arg(long, global = true)]
    pub stats: bool,
    /// More logs on stderr (-v info, -vv debug, -vvv trace); RUST_LOG overrides.
    #[arg(short, long, global = true, action = clap::ArgAction::Count)]
    pub verbose: u8,
    /// Colour: auto (a terminal without NO_COLOR), always, never.
    #[arg(long, global = true, value_enum, default_value = "auto")]
    pub color: ColorArg,
    #[command(flatten)]
    pub organization: OrgArgs,
}

fn at_least_one(s: &str) -> Result<usize, String> {
    match s.parse::<usize>() {
        Ok(0) => Err("must be at least 1".into()),
        Ok(n) => Ok(n),
        Err(_) => Err("not a whole number".into()),
    }
}

fn attempts(s: &str) -> Result<u32, String> {
    match s.parse::<u32>() {
        Ok(n) if crate::settings::MAX_ATTEMPTS.contains(&n) => Ok(n),
        Ok(_) => Err("must be between 1 and 20".into()),
        Err(_) => Err("not a whole number".into()),
    }
}

fn propagation_seconds(s: &str) -> Result<u64, String> {
    match s.parse::<u64>() {
        Ok(n) if crate::settings::IAM_PROPAGATION_SECONDS.contains(&n) => Ok(n),
        Ok(_) => Err("must be between 0 and 3600".into()),
        Err(_) => Err("not a whole number of seconds".into()),
    }
}

#[derive(Debug, Clone, Copy, ValueEnum)]
pub enum RetryModeArg {
    Standard,
    Adaptive,
}

impl From<RetryModeArg> for RetryMode {
    fn from(r: RetryModeArg) -> Self {
        match r {
            RetryModeArg::Standard => RetryMode::Standard,
            RetryModeArg::Adaptive => RetryMode::Adaptive,
        }
    }
}

#[derive(Debug, Clone, Copy, ValueEnum, PartialEq)]
pub enum ColorArg {
    Auto,
    Always,
    Never,
}

/// Organization runs (docs/organizations.md).
#[derive(Debug, Args, Clone)]
#[command(next_help_heading = "Organization")]
pub struct OrgArgs {
    /// Every ACTIVE account of the AWS Organization (run from the management
    /// account or a delegated administrator).
    #[arg(long, global = true)]
    pub org: bool,
    /// Only the accounts under this organizational unit and its children (implies --org).
    #[arg(long, global = true, value_name = "OU_ID")]
    pub ou: Option<String>,
    /// Only these accounts (comma separated); without --org, exactly these.
    #[arg(long, global = true, value_delimiter = ',', value_name = "IDS")]
    pub accounts: Vec<String>,
    /// Leave these accounts out (comma separated).
    #[arg(long, global = true, value_delimiter = ',', value_name = "IDS")]
    pub exclude_accounts: Vec<String>,
    /// Role assumed in each account but the caller's (default: settings, else OrganizationAccountAccessRole).
    #[arg(long, global = true, value_name = "NAME")]
    pub role: Option<String>,
    /// External id for assuming the role.
    #[arg(long, global = true, value_name = "ID")]
    pub external_id: Option<String>,
    /// Only the K-th of N parts of the selected accounts (by a hash of the
    /// account id: stable when accounts are added), e.g. 2/4.
    #[arg(long, global = true, value_name = "K/N")]
    pub shard: Option<crate::org::Shard>,
    /// One organization trail from the management account covers every
    /// member (CloudTrail in all regions, S3 data events) instead of a trail
    /// per account (`[org] trail = "organization"`).
    #[arg(long, global = true)]
    pub org_trail: bool,
    /// Accounts read or changed at once (default: settings, else 4).
    #[arg(long, global = true, value_name = "N", value_parser = at_least_one)]
    pub account_concurrency: Option<usize>,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Scan the account and show what would change (never writes).
    Plan {
        #[arg(long, value_enum, default_value = "text")]
        format: Format,
        /// Save the plan for `remediate apply FILE`.
        #[arg(long)]
        out: Option<PathBuf>,
        /// Sign the saved plan with this AWS KMS asymmetric key (ARN or alias;
        /// RSA or ECC_NIST_P256), for `apply --verify-with` (default: `[plan] sign_with`).
        #[arg(long, value_name = "KEY", requires = "out")]
        sign_with: Option<String>,
    },
    /// Apply a fresh plan, or a saved one after checking it is still current.
    Apply {
        /// A plan saved with `plan --out`.
        file: Option<PathBuf>,
        /// Apply without asking.
        #[arg(long)]
        yes: bool,
        /// Ask for each action (yes / skip / quit).
        #[arg(long, conflicts_with = "yes")]
        step: bool,
        /// Journal file (default: .remediate/journal-<time>.jsonl in the working directory).
        #[arg(long)]
        journal: Option<PathBuf>,
        #[command(flatten)]
        verify: VerifyArgs,
        /// Apply a saved plan with the settings it was made with, when they
        /// differ from this run's (remediate.toml, flags).
        #[arg(long, requires = "file")]
        settings_from_plan: bool,
    },
    /// Render a saved plan, with its signature status.
    Show {
        file: PathBuf,
        #[arg(long, value_enum, default_value = "text")]
        format: Format,
        #[command(flatten)]
        verify: VerifyArgs,
    },
    /// Plan the reversal of an apply from its journal, show it, apply after approval.
    Undo {
        journal: PathBuf,
        #[arg(long)]
        yes: bool,
    },
    /// Sign a saved plan (one account's or an organization's) with an AWS KMS
    /// asymmetric key: the approval step of a CI pipeline, after review.
    Sign {
        file: PathBuf,
        /// The key (ARN or alias; RSA or ECC_NIST_P256). Default: `[plan] sign_with`.
        #[arg(long, value_name = "KEY")]
        key: Option<String>,
    },
    /// Print the IAM policy a command needs (what AWS checks implicitly included).
    Permissions {
        #[arg(long = "for", value_enum)]
        for_: PermissionsFor,
        /// `json`: the policy; `cloudformation`: a template of the member-account
        /// role with that policy, to deploy as a StackSet.
        #[arg(long, value_enum, default_value = "json")]
        format: PermissionsFormat,
    },
    /// Reports of several runs (e.g. the shards of an organization).
    Report {
        #[command(subcommand)]
        command: ReportCommand,
    },
    /// Shell completions.
    Completions {
        #[arg(value_enum)]
        shell: clap_complete::Shell,
    },
}

/// Who must have signed a saved plan.
#[derive(Debug, Args, Clone, Default)]
pub struct VerifyArgs {
    /// Require a signature by this AWS KMS key (ARN or alias), checked with
    /// kms:Verify (default: `[plan] verify_with`).
    #[arg(long, value_name = "KEY")]
    pub verify_with: Option<String>,
    /// Require a signature by the key whose public key this file holds
    /// (PEM or DER, as GetPublicKey gives it): checked offline.
    #[arg(long, value_name = "FILE.pem", conflicts_with = "verify_with")]
    pub verify_with_public_key: Option<PathBuf>,
}

pub use crate::permissions::For as PermissionsFor;

#[derive(Debug, Clone, Copy, ValueEnum, PartialEq)]
pub enum PermissionsFormat {
    Json,
    Cloudformation,
}

#[derive(Debug, Subcommand)]
pub enum ReportCommand {
    /// Combine the JSON outputs of `plan --format json` (shards of an
    /// organization, or single accounts) into one organization report.
    /// Exit code as `plan`: 2 if any account drifts, 1 if any errored.
    Merge {
        #[arg(required = true)]
        files: Vec<PathBuf>,
        #[arg(long, value_enum, default_value = "text")]
        format: Format,
    },
}
