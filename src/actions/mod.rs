//! The kinds of action: one file per write the tool can make.
//!
//! Each file holds the action's data (a serde struct, one variant of [`Op`])
//! and its plan-facing facts as a [`Kind`]: the name shown in plans and
//! action ids, the ordering rank, whether it creates, updates or deletes,
//! and the IAM actions its SDK calls need plus what AWS checks implicitly
//! (`crate::permissions` is derived from these); a kind with two directions
//! states the second as a [`Way`]. [`Op`] and its methods are
//! generated from the one list at the bottom of this file: adding a kind is
//! one new file, its `mod` line and its line in that list.
//!
//! Beside the kinds: `action.rs` (the [`Action`] value a plan holds),
//! `ctx.rs` (what a running op sees: context, outcomes, the IAM-propagation
//! retry), `journal.rs` (the journal it writes), and one file per service
//! (`s3.rs`, `kms.rs`, `iam.rs`, `logs.rs`, `cloudtrail.rs`, `config.rs`,
//! `ec2.rs`) with the reads and writes several kinds share.

use serde::de::DeserializeOwned;
use serde::{Deserialize, Serialize};
use serde_json::Value;

use crate::cost::PriceKey;
use crate::snapshot::Snapshot;

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
pub use cloudtrail::TrailState;
pub(crate) use cloudtrail::trail_name;
pub use config::{ChannelState, RecorderState, Recording};
pub use kms::Rotation;
pub use set_stage_access_logging::AccessLog;

/// Days a created key waits before KMS deletes it when undone (the maximum).
pub const KEY_PENDING_DAYS: i32 = 30;

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

/// The second direction of a kind that has two (rotation turned on, or
/// off): what `NAME`, `RANK`, `IN_APPLY`, `IN_UNDO` and `CALLS` state for
/// the first.
#[derive(Debug, Clone, Copy)]
pub struct Way {
    pub name: &'static str,
    pub rank: u8,
    pub in_apply: bool,
    pub in_undo: bool,
    pub calls: &'static [&'static str],
}

/// What every kind of action states about itself.
pub trait Kind {
    /// Snake-case name (`put_bucket_policy`): the `op` tag, the start of the
    /// action id. A kind with two directions: its first one's name (the
    /// `op` tag is the kind's own).
    const NAME: &'static str;
    /// Tie-break rank for ordering: prerequisites first; reversals run
    /// dependents first.
    const RANK: u8;
    const CHANGE: Change;
    /// The planner makes it: its calls are in the `apply` policy.
    const IN_APPLY: bool;
    /// Undo makes it (a reversal of some kind, reversals' own reversals
    /// included): its calls are in the `undo` policy.
    const IN_UNDO: bool;
    /// The IAM actions of every SDK call its executor makes (the live read
    /// before the write, the write, the read-back), besides `SHARED_CALLS`.
    const CALLS: &'static [&'static str];
    /// The IAM actions of the shared reader it uses (a service file's, e.g.
    /// `cloudtrail::READ_TRAIL`).
    const SHARED_CALLS: &'static [&'static str] = &[];
    /// What AWS evaluates on top of those calls, with the page that says so.
    /// Listed once, by the kind that owns the call.
    const IMPLICIT: &'static [Implicit] = &[];
    /// Undo runs the reversals of these kinds one after another in a region
    /// (AWS Config: stop recording, then the channel, then the recorder).
    const SERIAL_UNDO: bool = false;
    /// A kind with two directions: its second one (see [`Way`]).
    const SECOND: Option<Way> = None;

    /// This op goes the [`Kind::SECOND`] way.
    fn second(&self) -> bool {
        false
    }

    /// The live value the run journals right before its first write (the
    /// journal's `prior`), read back by [`Kind::reverse`].
    type Prior: Serialize + DeserializeOwned;

    /// The action that puts back what this one changed, if any: a setting
    /// back to its prior, or what the run created removed.
    fn reverse(&self, past: &Past<'_, Self::Prior>) -> Option<Reversal>;

    /// What this action made, when it made it (`past.created`), as undo names
    /// resources (see [`bucket_resource`], [`key_resource`],
    /// [`trail_resource`]): changes to them are not undone one by one.
    fn creates(&self, _region: &str, _result: Option<&Value>) -> Vec<String> {
        vec![]
    }

    /// What the account looks like after the action succeeded, in memory
    /// (the plan convergence tests). Undo's reversals keep the default: plans
    /// never hold them; a forward kind that kept it would fail those tests.
    fn simulate(&self, _snap: &mut Snapshot, _region: &str, _target: &str) {}

    /// The resource this action changes, named as in [`Kind::creates`].
    fn touches(&self, _region: &str) -> Option<String> {
        None
    }

    /// The role the call passes to a service (IAM propagation messages).
    fn passed_role(&self) -> Option<&str> {
        None
    }

    /// The service [`Kind::passed_role`] hands its role to: what the
    /// `iam:PassedToService` condition of the apply policy must admit.
    const PASSED_TO: Option<&'static str> = None;

    /// What it writes reaches other services only as IAM propagates it (a
    /// role, a key or bucket policy, the role an account setting names): a
    /// dependent's refusal right after such a write is waited out
    /// (`Ctx::retry`); after any other write, or none, it is final.
    const PROPAGATES: bool = false;

    /// What the change makes AWS bill, as keys of the price table
    /// (`crate::cost`): none for a change of configuration only.
    fn prices(&self) -> Vec<PriceKey> {
        vec![]
    }
}

/// What a run journaled for one action, as its kind reads it for undo.
pub struct Past<'a, P> {
    /// The live value right before the write; `None`: it did not exist.
    pub prior: Option<P>,
    /// The prior as journaled: what a restore puts back (its `after`).
    pub raw: &'a Value,
    /// The value read back, or what was written before a failure or a kill.
    pub result: Option<&'a Value>,
    /// This run made the thing (absent right before, not "already existed").
    pub created: bool,
}

impl<P> Past<'_, P> {
    /// The guard of a restore: apply's result, when the run read one back.
    fn unchanged(&self, fields: Vec<String>) -> Guard {
        match self.result {
            Some(wrote) if !wrote.is_null() => Guard::Unchanged {
                wrote: wrote.clone(),
                prior: self.raw.clone(),
                fields,
            },
            // The run stopped before it knew what it wrote: nothing to compare.
            _ => Guard::None,
        }
    }
}

impl<'a, P: DeserializeOwned> Past<'a, P> {
    /// `None` when a prior is journaled but is not this kind's type.
    fn read(raw: &'a Value, result: Option<&'a Value>, created: bool) -> Option<Self> {
        let prior = match raw {
            Value::Null => None,
            v => Some(serde_json::from_value(v.clone()).ok()?),
        };
        Some(Past {
            prior,
            raw,
            result,
            created,
        })
    }
}

/// Why undo left something as it is: a typed outcome, not a failure.
#[derive(Debug, Clone, Copy, Serialize, Deserialize, PartialEq, Eq, PartialOrd, Ord)]
#[serde(rename_all = "snake_case")]
pub enum Left {
    /// Its live value is no longer what apply wrote: someone changed it since.
    ChangedSinceApply,
    /// What apply created holds something a user needs (log events,
    /// objects, an organization trail that relies on it).
    HoldsData,
}

/// What undo checks against the live value before a reversal writes: the
/// one mechanism by which undo never loses what happened since apply.
#[derive(Debug, Clone, Default, Serialize, Deserialize, PartialEq)]
#[serde(tag = "guard", rename_all = "snake_case")]
pub enum Guard {
    /// Nothing to check (a forward action; a removal, whose kind checks
    /// that what it removes holds nothing a user needs).
    #[default]
    None,
    /// A setting: written only while each of `fields` (JSON pointers into
    /// the live value as the reversal's kind journals it; none: the whole
    /// value) still reads as apply left it (`wrote`) or already as before
    /// apply (`prior`). Anything else was changed since apply.
    Unchanged {
        wrote: Value,
        prior: Value,
        #[serde(default, skip_serializing_if = "Vec::is_empty")]
        fields: Vec<String>,
    },
    /// A policy document: only the statements apply added, removed or
    /// changed are reverted, against the live document
    /// ([`crate::policy::revert`]).
    Statements { prior: Value, wrote: Value },
}

impl Guard {
    pub fn is_none(&self) -> bool {
        matches!(self, Guard::None)
    }

    /// The fields (`""`: the whole value) of `live` that are neither as
    /// apply left them nor as they were before: changed since apply.
    pub fn changed_fields(&self, live: &Value) -> Vec<String> {
        let Guard::Unchanged {
            wrote,
            prior,
            fields,
        } = self
        else {
            return vec![];
        };
        let all = [String::new()];
        let fields: &[String] = if fields.is_empty() { &all } else { fields };
        let at = |v: &Value, f: &str| bookkeeping_free(v.pointer(f).unwrap_or(&Value::Null));
        fields
            .iter()
            // A field apply's journal does not hold (an older journal) cannot
            // be compared: it is not counted as changed.
            .filter(|f| wrote.pointer(f).is_some())
            .filter(|f| {
                let now = at(live, f);
                now != at(wrote, f) && now != at(prior, f)
            })
            .cloned()
            .collect()
    }
}

/// A value without the executor's bookkeeping (`created`, `deleted`, `kept`).
fn bookkeeping_free(v: &Value) -> Value {
    match v {
        Value::Object(m) => Value::Object(
            m.iter()
                .filter(|(k, _)| !matches!(k.as_str(), "created" | "deleted" | "kept"))
                .map(|(k, v)| (k.clone(), v.clone()))
                .collect(),
        ),
        v => v.clone(),
    }
}

/// A reversal: the op, why, the value it puts back (null: removed), and
/// what it checks against the live value first.
pub struct Reversal {
    pub op: Op,
    pub why: String,
    pub after: Value,
    pub guard: Guard,
}

impl Reversal {
    /// Puts back the journaled prior, only while the live value is still
    /// what apply wrote (narrow it to some fields with [`Reversal::watching`]).
    pub fn restore<P>(
        op: impl Into<Op>,
        why: impl Into<String>,
        past: &Past<'_, P>,
    ) -> Option<Self> {
        Some(Reversal {
            op: op.into(),
            why: why.into(),
            after: past.raw.clone(),
            guard: past.unchanged(vec![]),
        })
    }

    /// Puts back (or removes) a policy document: only apply's own
    /// statements are reverted. `planned`: what apply set out to write,
    /// used when the run stopped before it read the result back.
    pub fn policy<P>(
        op: impl Into<Op>,
        why: impl Into<String>,
        past: &Past<'_, P>,
        planned: &Value,
    ) -> Option<Self> {
        let wrote = past
            .result
            .filter(|v| !v.is_null())
            .unwrap_or(planned)
            .clone();
        Some(Reversal {
            op: op.into(),
            why: why.into(),
            after: past.raw.clone(),
            guard: Guard::Statements {
                prior: past.raw.clone(),
                wrote,
            },
        })
    }

    /// A removal of what apply made, only while these fields of it (JSON
    /// pointers into the live value) still read as apply left them.
    pub fn unless_changed<P>(mut self, past: &Past<'_, P>, fields: &[&str]) -> Self {
        self.guard = past.unchanged(fields.iter().map(|s| s.to_string()).collect());
        self
    }

    /// Only these fields of the live value (JSON pointers) are checked.
    pub fn watching(mut self, fields: &[&str]) -> Self {
        if let Guard::Unchanged { fields: f, .. } = &mut self.guard {
            *f = fields.iter().map(|s| s.to_string()).collect();
        }
        self
    }

    /// Undo of a switch turned `to` on or off: `back` when it `was` the
    /// other way, else nothing.
    pub fn switch_back<P>(
        was: bool,
        to: bool,
        back: impl Into<Op>,
        why: impl Into<String>,
        past: &Past<'_, P>,
    ) -> Option<Self> {
        if was == to {
            return None;
        }
        Reversal::restore(back, why, past)
    }

    /// Undo of a get-or-create: remove what the run made, nothing when it
    /// already existed.
    pub fn remove_created<P>(
        past: &Past<'_, P>,
        op: impl Into<Op>,
        why: impl Into<String>,
    ) -> Option<Self> {
        if !past.created {
            return None;
        }
        Reversal::remove(op, why)
    }

    /// Removes what the run made.
    pub fn remove(op: impl Into<Op>, why: impl Into<String>) -> Option<Self> {
        Some(Reversal {
            op: op.into(),
            why: why.into(),
            after: Value::Null,
            guard: Guard::None,
        })
    }
}

/// What a switch makes AWS bill: `keys` when turned on, nothing when off.
pub fn billed_when(on: bool, keys: &[PriceKey]) -> Vec<PriceKey> {
    if on { keys.to_vec() } else { vec![] }
}

/// Undo's name of a bucket.
pub fn bucket_resource(bucket: &str) -> String {
    format!("bucket:{bucket}")
}

/// Undo's name of a key, by alias (`alias/x` from an alias ARN too), id or ARN.
pub fn key_resource(region: &str, key_ref: &str) -> String {
    let k = key_ref
        .rsplit_once(":alias/")
        .map_or(key_ref.to_string(), |(_, a)| format!("alias/{a}"));
    format!("key:{region}:{k}")
}

/// Undo's name of a trail, by name or ARN.
pub fn trail_resource(region: &str, name_or_arn: &str) -> String {
    format!("trail:{region}:{}", trail_name(name_or_arn))
}

/// The name (with rank) an op of kind `K` shows: its direction's.
fn way<K: Kind>(k: &K) -> (&'static str, u8) {
    match K::SECOND {
        Some(w) if k.second() => (w.name, w.rank),
        _ => (K::NAME, K::RANK),
    }
}

/// The second direction's name ("" for a one-way kind).
const fn second_name(w: Option<Way>) -> &'static str {
    match w {
        Some(w) => w.name,
        None => "",
    }
}

/// The second direction is in the undo (else the apply) policy.
const fn second_in(w: Option<Way>, undo: bool) -> bool {
    match w {
        Some(w) if undo => w.in_undo,
        Some(w) => w.in_apply,
        None => false,
    }
}

/// The second direction's calls, besides the kind's `SHARED_CALLS`.
const fn second_calls(w: Option<Way>) -> &'static [&'static str] {
    match w {
        Some(w) => w.calls,
        None => &[],
    }
}

/// The entries of `all` that have a name, as one constant array.
const fn named<const N: usize>(
    all: &[(&'static str, &'static [&'static str])],
) -> [(&'static str, &'static [&'static str]); N] {
    let mut out: [(&'static str, &'static [&'static str]); N] = [("", &[]); N];
    let (mut i, mut n) = (0, 0);
    while i < all.len() {
        if !all[i].0.is_empty() {
            out[n] = all[i];
            n += 1;
        }
        i += 1;
    }
    assert!(n == N);
    out
}

/// How many entries of `all` have a name.
const fn count_named(all: &[(&'static str, &'static [&'static str])]) -> usize {
    let (mut i, mut n) = (0, 0);
    while i < all.len() {
        if !all[i].0.is_empty() {
            n += 1;
        }
        i += 1;
    }
    n
}

/// `a` then `b`, as one constant array.
const fn concat<const N: usize>(a: &[&'static str], b: &[&'static str]) -> [&'static str; N] {
    let mut out = [""; N];
    let mut i = 0;
    while i < a.len() {
        out[i] = a[i];
        i += 1;
    }
    while i < N {
        out[i] = b[i - a.len()];
        i += 1;
    }
    out
}

/// The names of the kinds whose flag is set, as one constant array.
const fn names_where<const N: usize>(all: &[(&'static str, bool)]) -> [&'static str; N] {
    let mut out = [""; N];
    let (mut i, mut n) = (0, 0);
    while i < all.len() {
        if all[i].1 {
            out[n] = all[i].0;
            n += 1;
        }
        i += 1;
    }
    assert!(n == N);
    out
}

/// How many of `all` have their flag set.
const fn count_where(all: &[(&'static str, bool)]) -> usize {
    let (mut i, mut n) = (0, 0);
    while i < all.len() {
        if all[i].1 {
            n += 1;
        }
        i += 1;
    }
    n
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
        $(pub use $module::$Kind;)*

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
                    $(Op::$Kind(k) => way(k).0,)*
                }
            }

            /// Tie-break rank for ordering: prerequisites first.
            pub fn rank(&self) -> u8 {
                match self {
                    $(Op::$Kind(k) => way(k).1,)*
                }
            }

            pub fn change(&self) -> Change {
                match self {
                    $(Op::$Kind(_) => <$Kind as Kind>::CHANGE,)*
                }
            }

            /// The reversal of this op from what the run journaled for it.
            pub fn reverse(&self, prior: &Value, result: Option<&Value>, created: bool) -> Option<Reversal> {
                match self {
                    $(Op::$Kind(k) => k.reverse(&Past::read(prior, result, created)?),)*
                }
            }

            /// What this op made (see [`Kind::creates`]).
            pub fn creates(&self, region: &str, result: Option<&Value>) -> Vec<String> {
                match self {
                    $(Op::$Kind(k) => k.creates(region, result),)*
                }
            }

            /// The resource this op changes (see [`Kind::touches`]).
            pub fn touches(&self, region: &str) -> Option<String> {
                match self {
                    $(Op::$Kind(k) => k.touches(region),)*
                }
            }

            /// The role the op passes to a service (see [`Kind::passed_role`]).
            pub fn passed_role(&self) -> Option<&str> {
                match self {
                    $(Op::$Kind(k) => k.passed_role(),)*
                }
            }

            /// The service the op passes its role to (see [`Kind::PASSED_TO`]).
            pub fn passed_to(&self) -> Option<&'static str> {
                match self {
                    $(Op::$Kind(_) => <$Kind as Kind>::PASSED_TO,)*
                }
            }

            /// See [`Kind::PROPAGATES`].
            pub fn propagates(&self) -> bool {
                match self {
                    $(Op::$Kind(_) => <$Kind as Kind>::PROPAGATES,)*
                }
            }

            /// What the op makes AWS bill (see [`Kind::prices`]).
            pub fn prices(&self) -> Vec<PriceKey> {
                match self {
                    $(Op::$Kind(k) => k.prices(),)*
                }
            }

            /// See [`Kind::SERIAL_UNDO`].
            pub fn serial_undo(&self) -> bool {
                match self {
                    $(Op::$Kind(_) => <$Kind as Kind>::SERIAL_UNDO,)*
                }
            }

            /// Plays the op on a snapshot in memory (see [`Kind::simulate`]).
            pub fn simulate(&self, snap: &mut Snapshot, region: &str, target: &str) {
                match self {
                    $(Op::$Kind(k) => k.simulate(snap, region, target),)*
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

        /// Op name (each direction's) → the IAM actions of every SDK call its
        /// executor makes.
        pub const CALLS: &[(&str, &[&str])] = &{
            const ALL: &[(&str, &[&str])] = &[$(
                (
                    <$Kind as Kind>::NAME,
                    &concat::<{ <$Kind as Kind>::SHARED_CALLS.len() + <$Kind as Kind>::CALLS.len() }>(
                        <$Kind as Kind>::SHARED_CALLS,
                        <$Kind as Kind>::CALLS,
                    ),
                ),
                (
                    second_name(<$Kind as Kind>::SECOND),
                    &concat::<{
                        <$Kind as Kind>::SHARED_CALLS.len()
                            + second_calls(<$Kind as Kind>::SECOND).len()
                    }>(
                        <$Kind as Kind>::SHARED_CALLS,
                        second_calls(<$Kind as Kind>::SECOND),
                    ),
                ),
            )*];
            named::<{ count_named(ALL) }>(ALL)
        };

        /// The ops a plan can hold.
        pub const IN_APPLY: &[&str] = &{
            const ALL: &[(&str, bool)] = &[$(
                (<$Kind as Kind>::NAME, <$Kind as Kind>::IN_APPLY),
                (second_name(<$Kind as Kind>::SECOND), second_in(<$Kind as Kind>::SECOND, false)),
            )*];
            names_where::<{ count_where(ALL) }>(ALL)
        };

        /// The ops undo can make.
        pub const IN_UNDO: &[&str] = &{
            const ALL: &[(&str, bool)] = &[$(
                (<$Kind as Kind>::NAME, <$Kind as Kind>::IN_UNDO),
                (second_name(<$Kind as Kind>::SECOND), second_in(<$Kind as Kind>::SECOND, true)),
            )*];
            names_where::<{ count_where(ALL) }>(ALL)
        };

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

// The kinds: one file each, declared here (so that rustfmt reaches them)
// and listed once below, in the order of the JSON schema.
mod create_bucket;
mod create_flow_logs;
mod create_key;
mod create_log_delivery;
mod create_log_group;
mod create_role;
mod create_service_linked_role;
mod create_trail;
mod delete_bucket;
mod delete_bucket_policy;
mod delete_configuration_recorder;
mod delete_delivery_channel;
mod delete_flow_logs;
mod delete_log_delivery;
mod delete_log_group;
mod delete_public_access_block;
mod delete_role;
mod delete_service_linked_role;
mod delete_trail;
mod enable_trusted_access;
mod put_bucket_acl;
mod put_bucket_policy;
mod put_configuration_recorder;
mod put_delivery_channel;
mod put_event_selectors;
mod put_key_policy;
mod put_public_access_block;
mod put_role_policy;
mod schedule_key_deletion;
mod set_api_gateway_account;
mod set_bucket_logging;
mod set_classic_load_balancer_logging;
mod set_key_rotation;
mod set_load_balancer_logging;
mod set_logging;
mod set_recording;
mod set_stage_access_logging;
mod set_stage_execution_logging;
mod update_trail;

kinds! {
    create_bucket::CreateBucket,
    put_public_access_block::PutPublicAccessBlock,
    put_bucket_acl::PutBucketAcl,
    put_bucket_policy::PutBucketPolicy,
    set_bucket_logging::SetBucketLogging,
    create_key::CreateKey,
    put_key_policy::PutKeyPolicy,
    set_key_rotation::SetKeyRotation,
    create_log_group::CreateLogGroup,
    create_role::CreateRole,
    create_service_linked_role::CreateServiceLinkedRole,
    enable_trusted_access::EnableTrustedAccess,
    create_trail::CreateTrail,
    update_trail::UpdateTrail,
    put_event_selectors::PutEventSelectors,
    set_logging::SetLogging,
    put_configuration_recorder::PutConfigurationRecorder,
    put_delivery_channel::PutDeliveryChannel,
    set_recording::SetRecording,
    create_flow_logs::CreateFlowLogs,
    set_load_balancer_logging::SetLoadBalancerLogging,
    set_classic_load_balancer_logging::SetClassicLoadBalancerLogging,
    set_api_gateway_account::SetApiGatewayAccount,
    set_stage_access_logging::SetStageAccessLogging,
    set_stage_execution_logging::SetStageExecutionLogging,
    create_log_delivery::CreateLogDelivery,
    delete_bucket_policy::DeleteBucketPolicy,
    delete_public_access_block::DeletePublicAccessBlock,
    schedule_key_deletion::ScheduleKeyDeletion,
    delete_log_group::DeleteLogGroup,
    put_role_policy::PutRolePolicy,
    delete_role::DeleteRole,
    delete_service_linked_role::DeleteServiceLinkedRole,
    delete_trail::DeleteTrail,
    delete_delivery_channel::DeleteDeliveryChannel,
    delete_configuration_recorder::DeleteConfigurationRecorder,
    delete_flow_logs::DeleteFlowLogs,
    delete_log_delivery::DeleteLogDelivery,
    delete_bucket::DeleteBucket,
}
