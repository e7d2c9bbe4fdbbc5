//! The kinds of action: one file per write the tool can make.
//!
//! Each file holds the action's data (a serde struct, one variant of [`Op`])
//! and its plan-facing facts as a [`Kind`]: the name shown in plans and
//! action ids, the ordering rank, whether it creates, updates or deletes,
//! and the IAM actions its SDK calls need plus what AWS checks implicitly
//! (`crate::permissions` is derived from these). [`Op`] and its methods are
//! generated from the one list at the bottom of this file: adding a kind is
//! one new file and one line there.
//!
//! Beside the kinds: `action.rs` (the [`Action`] value a plan holds),
//! `ctx.rs` (what a running op sees: context, outcomes, the IAM-propagation
//! retry), `journal.rs` (the journal it writes), and one file per service
//! (`s3.rs`, `kms.rs`, `iam.rs`, `logs.rs`, `cloudtrail.rs`, `config.rs`,
//! `ec2.rs`) with the reads and writes several kinds share.

use serde::{Deserialize, Serialize};

mod action;
mod cloudtrail;
mod config;
pub(crate) mod ctx;
mod ec2;
mod iam;
pub mod journal;
mod kms;
mod logs;
mod s3;

pub use action::{Action, Observed, Safety};
pub(crate) use cloudtrail::{TrailState, trail_name};

#[derive(
    Debug, Clone, Copy, Serialize, Deserialize, PartialEq, Eq, PartialOrd, Ord, schemars::JsonSchema,
)]
#[serde(rename_all = "snake_case")]
pub enum Change {
    Create,
    Update,
    /// Only in undo plans: removing what an apply created.
    Delete,
}

/// Actions AWS evaluates for a call beyond the one named after it.
#[derive(Debug, Clone, Copy)]
pub struct Implicit {
    /// The call's own action (`ec2:CreateFlowLogs`).
    pub call: &'static str,
    /// When AWS checks them.
    pub when: &'static str,
    pub actions: &'static [&'static str],
    /// The AWS page that says so.
    pub doc: &'static str,
}

/// What every kind of action states about itself.
pub trait Kind {
    /// Snake-case name (`put_bucket_policy`): the `op` tag, the start of the
    /// action id.
    const NAME: &'static str;
    /// Tie-break rank for ordering: prerequisites first; reversals run
    /// dependents first.
    const RANK: u8;
    const CHANGE: Change;
    /// The IAM actions of every SDK call its executor makes (the live read
    /// before the write, the write, the read-back).
    const CALLS: &'static [&'static str];
    /// What AWS evaluates on top of those calls, with the page that says so.
    /// Listed once, by the kind that owns the call.
    const IMPLICIT: &'static [Implicit] = &[];
}

/// `[a, b, ...]` of every kind's implicit actions, as one constant slice.
const fn implicit_all<const N: usize>(parts: &[&[Implicit]]) -> [Implicit; N] {
    let mut out = [Implicit {
        call: "",
        when: "",
        actions: &[],
        doc: "",
    }; N];
    let (mut i, mut n) = (0, 0);
    while i < parts.len() {
        let mut j = 0;
        while j < parts[i].len() {
            out[n] = parts[i][j];
            n += 1;
            j += 1;
        }
        i += 1;
    }
    assert!(n == N);
    out
}

macro_rules! kinds {
    ($($module:ident :: $Kind:ident,)*) => {
        $(mod $module; pub use $module::$Kind;)*

        /// The write to make. Every op is idempotent: "already exists" is success.
        #[derive(Debug, Clone, Serialize, Deserialize, PartialEq, schemars::JsonSchema)]
        #[serde(tag = "op", rename_all = "snake_case")]
        pub enum Op {
            $($Kind($Kind),)*
        }

        impl Op {
            /// Snake-case name of the operation (`put_bucket_policy`).
            pub fn name(&self) -> &'static str {
                match self {
                    $(Op::$Kind(_) => <$Kind as Kind>::NAME,)*
                }
            }

            /// Tie-break rank for ordering: prerequisites first.
            pub fn rank(&self) -> u8 {
                match self {
                    $(Op::$Kind(_) => <$Kind as Kind>::RANK,)*
                }
            }

            pub fn change(&self) -> Change {
                match self {
                    $(Op::$Kind(_) => <$Kind as Kind>::CHANGE,)*
                }
            }

            /// Runs the op with its kind's `run`.
            pub(crate) async fn run(&self, cx: &ctx::Ctx<'_>) -> Result<ctx::Done, ctx::Fail> {
                match self {
                    $(Op::$Kind(k) => k.run(cx).await,)*
                }
            }
        }

        $(impl From<$Kind> for Op {
            fn from(k: $Kind) -> Op {
                Op::$Kind(k)
            }
        })*

        /// Op name → the IAM actions of every SDK call its executor makes.
        pub const CALLS: &[(&str, &[&str])] = &[$((<$Kind as Kind>::NAME, <$Kind as Kind>::CALLS),)*];

        /// What AWS checks implicitly, per call, over every kind.
        pub const IMPLICIT: &[Implicit] = &{
            const PARTS: &[&[Implicit]] = &[$(<$Kind as Kind>::IMPLICIT,)*];
            const N: usize = {
                let (mut i, mut n) = (0, 0);
                while i < PARTS.len() {
                    n += PARTS[i].len();
                    i += 1;
                }
                n
            };
            implicit_all::<N>(PARTS)
        };
    };
}

kinds! {
    create_bucket::CreateBucket,
    put_public_access_block::PutPublicAccessBlock,
    put_bucket_acl::PutBucketAcl,
    put_bucket_policy::PutBucketPolicy,
    put_bucket_logging::PutBucketLogging,
    create_key::CreateKey,
    put_key_policy::PutKeyPolicy,
    enable_key_rotation::EnableKeyRotation,
    create_log_group::CreateLogGroup,
    create_role::CreateRole,
    create_service_linked_role::CreateServiceLinkedRole,
    create_trail::CreateTrail,
    update_trail::UpdateTrail,
    put_event_selectors::PutEventSelectors,
    start_logging::StartLogging,
    put_configuration_recorder::PutConfigurationRecorder,
    put_delivery_channel::PutDeliveryChannel,
    start_configuration_recorder::StartConfigurationRecorder,
    create_flow_logs::CreateFlowLogs,
    delete_bucket_policy::DeleteBucketPolicy,
    delete_public_access_block::DeletePublicAccessBlock,
    disable_bucket_logging::DisableBucketLogging,
    disable_key_rotation::DisableKeyRotation,
    schedule_key_deletion::ScheduleKeyDeletion,
    delete_log_group::DeleteLogGroup,
    delete_role::DeleteRole,
    delete_service_linked_role::DeleteServiceLinkedRole,
    delete_trail::DeleteTrail,
    stop_logging::StopLogging,
    put_advanced_event_selectors::PutAdvancedEventSelectors,
    restore_configuration_recorder::RestoreConfigurationRecorder,
    stop_configuration_recorder::StopConfigurationRecorder,
    delete_delivery_channel::DeleteDeliveryChannel,
    delete_configuration_recorder::DeleteConfigurationRecorder,
    delete_flow_logs::DeleteFlowLogs,
    delete_bucket::DeleteBucket,
}
