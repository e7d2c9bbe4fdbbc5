//! One planned change, as plain data: defined with the kinds of action in
//! [`crate::actions`], named here for the planner.

pub use crate::actions::{Action, Change, Observed, Op, Safety};
