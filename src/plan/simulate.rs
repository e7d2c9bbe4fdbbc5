//! Apply a plan to a snapshot in memory: what the account would look like if
//! every action succeeded. Tests use it to prove a plan converges (detect
//! finds nothing left to fix); nothing here talks to AWS. Each kind of
//! action plays itself (`Kind::simulate` in `src/actions/`).

use super::Action;
use crate::snapshot::Snapshot;

pub fn simulate(snap: &Snapshot, actions: &[Action]) -> Snapshot {
    let mut s = snap.clone();
    for a in actions {
        a.op.simulate(&mut s, &a.region, &a.target);
    }
    s
}
