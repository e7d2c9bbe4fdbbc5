//! Pure tests: detection, planning, rendering, policy merging, plan files and
//! settings over hand-built snapshots. No emulator, no network.

mod detect;
mod fixtures;
mod plan;
mod plan_file;
mod policy_props;
mod settings;
