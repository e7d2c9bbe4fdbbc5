//! `remediate` finds and fixes drift from the Logging controls of the CIS
//! AWS Foundations Benchmark (every version from 1.2 to 7.0) across every
//! region of an account, or of every account of an AWS Organization.
//!
//! Data flows one way; only `collect` and `execute` talk to AWS:
//!
//! ```text
//! Settings ─► collect (reads) ─► Snapshot ─► controls::detect ─► Findings
//!                                    └──────► controls::plan ◄──────┘
//!                                  (pipeline::make: the two, pure)
//!                                                    │
//!                          render (text / json / markdown / ocsf)   execute (writes) ─► journal
//! ```
//!
//! An organization run does the same per account (`org` selects and
//! reaches them, `report` holds one part per account).
//!
//! - [`actions`]   one file per kind of action: data, facts, IAM, run, undo, simulate.
//! - [`settings`]  `remediate.toml`: names, retention, flow-log options, exemptions.
//! - [`aws`]       client factory, call counter, SDK error classification.
//! - [`snapshot`]  the account as plain serializable data.
//! - [`collect`]   fills a snapshot: every region concurrently, reads only.
//! - [`finding`]   pass / fail / pending / skipped / manual / error per resource.
//! - [`controls`]  one file per check (detect + plan); a registry maps each benchmark version's ids to checks.
//! - [`pipeline`]  snapshot → findings → plan: the pure middle of every command.
//! - [`cost`]      the price table (us-east-1) and cost notes for actions and plans.
//! - [`policy`]    IAM policy documents: parse, compare, merge, evaluate, size.
//! - [`regions`]   facts about AWS regions (where global types can be recorded).
//! - [`elb_accounts`] the Elastic Load Balancing account of each region (load balancer log buckets).
//! - [`plan`]      the planner, ordering, fingerprints, the plan file, what makes a saved plan safe to apply.
//! - [`render`]    the one printer: text with diffs, JSON, markdown, OCSF events.
//! - [`execute`]   runs a plan's actions through their kinds; plans undo.
//! - [`permissions`] the IAM policies of plan / apply / undo, derived from the kinds.
//! - [`cloudformation`] the member-account role as a StackSet template.
//! - [`org`]       an organization run's accounts: listing, narrowing, shards, AssumeRole.
//! - [`report`]    an organization plan: one part per account, its sealed file, merging shards.
//! - [`signing`]   signed plan files: KMS Sign, KMS Verify, offline verification with a public key.
//! - [`cli`]       clap definitions resolved into one `Run` value.

pub mod actions;
pub mod aws;
pub mod cli;
pub mod cloudformation;
pub mod collect;
pub mod controls;
pub mod cost;
pub mod elb_accounts;
pub mod execute;
pub mod finding;
pub mod org;
pub mod permissions;
pub mod pipeline;
pub mod plan;
pub mod policy;
pub mod regions;
pub mod render;
pub mod report;
pub mod settings;
pub mod signing;
pub mod snapshot;
