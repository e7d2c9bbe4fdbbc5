//! The journal: one JSON line per step, appended, flushed and synced.
//!
//! ```text
//! {"journal":"remediate","format":2}
//! {"seq":1,"time":"…","action_id":"put_bucket_policy:us-east-1:logs","region":"us-east-1",
//!  "target":"logs","op":{"op":"put_bucket_policy",…},"phase":"before","prior":{…}}
//! {"seq":2,…,"phase":"after","result":{…}}
//! ```
//!
//! `before` is written after the live read and right before the first write
//! (`prior: null` = the thing did not exist); `progress` records what a
//! multi-step op made so far (a new key id, new flow log ids); `after` holds
//! the value read back; `failed` the error (and `result` when something was
//! written anyway); `skipped` why an action never started. It holds what
//! was read and written — policies, names, settings — never credentials.
//!
//! The first line names the format ([`FORMAT`]). A `prior` is the serde
//! value of its kind's `Prior` type (`src/actions/<kind>.rs`), read back by
//! that kind's reversal; a journal of another format (or one written before
//! journals had a format line) is refused, not guessed at.

use std::fs::{File, OpenOptions};
use std::io::{BufRead, BufReader, Write};
use std::path::Path;
use std::sync::Mutex;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};

use anyhow::Context as _;
use serde::{Deserialize, Serialize};
use serde_json::Value;

use super::{Action, Op};

/// The journal format this version writes and reads. 2: the first line is
/// a [`Header`], and each kind's prior is its own serde type. 3: an action
/// with two directions is one op (`set_key_rotation`, …).
pub const FORMAT: u32 = 3;

/// The first line of a journal.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Header {
    /// Always `remediate`.
    pub journal: String,
    pub format: u32,
}

impl Header {
    fn current() -> Header {
        Header {
            journal: "remediate".into(),
            format: FORMAT,
        }
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct JournalEntry {
    pub seq: u64,
    /// RFC 3339, UTC.
    pub time: String,
    pub action_id: String,
    pub region: String,
    #[serde(default)]
    pub target: String,
    pub op: Op,
    #[serde(flatten)]
    pub phase: Phase,
    /// On `before` entries: the action's dependencies (undo reverses them).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub depends_on: Vec<String>,
    /// On `before` entries: the controls the action serves.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub controls: Vec<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "phase", rename_all = "snake_case")]
pub enum Phase {
    /// The live value right before the first write; `null` = did not exist.
    Before {
        #[serde(default)]
        prior: Value,
    },
    /// Partial result of a multi-step op (what exists so far).
    Progress {
        #[serde(default)]
        result: Value,
    },
    /// The value read back after the write (verified).
    After {
        #[serde(default)]
        result: Value,
    },
    Failed {
        code: String,
        message: String,
        /// What was written anyway (read back or made so far), else null.
        #[serde(default, skip_serializing_if = "Value::is_null")]
        result: Value,
    },
    Skipped {
        reason: String,
    },
}

/// Append-only journal file shared by the concurrently running actions.
pub(crate) struct Journal {
    file: Mutex<File>,
    seq: AtomicU64,
    broken: AtomicBool,
}

impl Journal {
    /// Opens (creating it and its directory) for appending; `seq` continues
    /// after the last entry already in the file.
    pub(crate) fn open(path: &Path) -> anyhow::Result<Journal> {
        if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
            std::fs::create_dir_all(dir).with_context(|| {
                format!("cannot create the journal directory {}", dir.display())
            })?;
        }
        let text = std::fs::read(path).unwrap_or_default();
        let fresh = text.iter().all(u8::is_ascii_whitespace);
        let last = if fresh {
            0
        } else {
            read_journal(path)?.iter().map(|e| e.seq).max().unwrap_or(0)
        };
        let mut file = OpenOptions::new()
            .create(true)
            .append(true)
            .open(path)
            .with_context(|| format!("cannot open the journal {} for writing", path.display()))?;
        // A line torn by a kill must not swallow the next entry.
        let mut head = if text.last().is_some_and(|b| *b != b'\n') {
            "\n".to_string()
        } else {
            String::new()
        };
        if fresh {
            head = serde_json::to_string(&Header::current())? + "\n";
        }
        if !head.is_empty() {
            file.write_all(head.as_bytes())
                .and_then(|()| file.sync_data())
                .with_context(|| format!("cannot write the journal {}", path.display()))?;
        }
        Ok(Journal {
            file: Mutex::new(file),
            seq: AtomicU64::new(last),
            broken: AtomicBool::new(false),
        })
    }

    /// True once a write failed: no new action may start.
    pub(crate) fn broken(&self) -> bool {
        self.broken.load(Ordering::SeqCst)
    }

    pub(crate) fn append(&self, action: &Action, phase: Phase) -> std::io::Result<()> {
        let is_before = matches!(phase, Phase::Before { .. });
        let mut file = self.file.lock().unwrap_or_else(|p| p.into_inner());
        let entry = JournalEntry {
            seq: self.seq.fetch_add(1, Ordering::SeqCst) + 1,
            time: now(),
            action_id: action.id.clone(),
            region: action.region.clone(),
            target: action.target.clone(),
            op: action.op.clone(),
            phase,
            depends_on: if is_before {
                action.depends_on.clone()
            } else {
                vec![]
            },
            controls: if is_before {
                action.controls.clone()
            } else {
                vec![]
            },
        };
        let mut line = serde_json::to_string(&entry).map_err(std::io::Error::other)?;
        line.push('\n');
        let res = file
            .write_all(line.as_bytes())
            .and_then(|()| file.flush())
            .and_then(|()| file.sync_data());
        if res.is_err() {
            self.broken.store(true, Ordering::SeqCst);
        }
        res
    }
}

/// Reads every entry of a journal. A torn line (the process was killed
/// mid-write) is ignored; any other unreadable line is an error, and so is a
/// journal of another format (its first line says which).
pub fn read_journal(path: impl AsRef<Path>) -> anyhow::Result<Vec<JournalEntry>> {
    let path = path.as_ref();
    let file =
        File::open(path).with_context(|| format!("cannot read the journal {}", path.display()))?;
    let lines: Vec<String> = BufReader::new(file)
        .lines()
        .collect::<Result<_, _>>()
        .with_context(|| format!("cannot read the journal {}", path.display()))?;
    let mut out = Vec::new();
    let mut header = false;
    for (i, line) in lines.iter().enumerate() {
        if line.trim().is_empty() {
            continue;
        }
        if !header {
            check_format(path, line)?;
            header = true;
            continue;
        }
        match serde_json::from_str::<JournalEntry>(line) {
            Ok(e) => out.push(e),
            // Cut short by a kill mid-write: the step it began is unknown.
            Err(e) if e.is_eof() => {
                tracing::warn!(line = i + 1, "ignoring a torn journal line");
            }
            Err(e) => anyhow::bail!(
                "{} line {}: not a journal entry ({e})",
                path.display(),
                i + 1
            ),
        }
    }
    Ok(out)
}

/// Refuses a journal whose first line is not this version's [`Header`].
fn check_format(path: &Path, first: &str) -> anyhow::Result<()> {
    let again = "undo it with the remediate version that wrote it";
    match serde_json::from_str::<Header>(first) {
        Ok(h) if h == Header::current() => Ok(()),
        Ok(h) => anyhow::bail!(
            "{} is journal format {} and this remediate reads format {FORMAT}: {again}",
            path.display(),
            h.format
        ),
        Err(_) => anyhow::bail!(
            "{} has no journal format line (written by an older remediate) and this remediate reads format {FORMAT}: {again}",
            path.display()
        ),
    }
}

fn now() -> String {
    time::OffsetDateTime::now_utc()
        .format(&time::format_description::well_known::Rfc3339)
        .unwrap_or_default()
}

/// Redacts anything shaped like an AWS access key id from an error message.
pub(crate) fn scrub(message: &str) -> String {
    let bytes = message.as_bytes();
    let mut out = String::with_capacity(message.len());
    let mut i = 0;
    while i < bytes.len() {
        let rest = &message[i..];
        let is_key = (rest.starts_with("AKIA") || rest.starts_with("ASIA"))
            && rest.len() >= 20
            && rest.as_bytes()[4..20]
                .iter()
                .all(|b| b.is_ascii_uppercase() || b.is_ascii_digit());
        if is_key {
            out.push_str("[redacted]");
            i += 20;
        } else {
            let ch = rest.chars().next().unwrap();
            out.push(ch);
            i += ch.len_utf8();
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn access_key_ids_are_redacted_from_messages() {
        assert_eq!(
            scrub("The key AKIAABCDEFGHIJKLMNOP is wrong, é"),
            "The key [redacted] is wrong, é"
        );
    }

    #[test]
    fn a_line_torn_by_a_kill_is_skipped_and_does_not_swallow_the_next_entry() {
        let dir = std::env::temp_dir().join(format!("remediate-journal-{}", std::process::id()));
        let path = dir.join("j.jsonl");
        let _ = std::fs::remove_dir_all(&dir);
        let a = Action {
            id: "a".into(),
            region: "us-east-1".into(),
            target: "b".into(),
            change: crate::plan::Change::Update,
            op: Op::DeleteBucket(crate::actions::DeleteBucket { bucket: "b".into() }),
            before: Value::Null,
            after: Value::Null,
            fixes: vec![],
            controls: vec![],
            reason: String::new(),
            safety: crate::plan::Safety::NeedsReview,
            depends_on: vec![],
            observed: vec![],
            guard: Default::default(),
        };
        Journal::open(&path)
            .unwrap()
            .append(&a, Phase::Before { prior: Value::Null })
            .unwrap();
        let mut text = std::fs::read_to_string(&path).unwrap();
        text.push_str(r#"{"seq":2,"time":"x","action_id":"a","#);
        std::fs::write(&path, text).unwrap();
        let j = Journal::open(&path).unwrap();
        j.append(
            &a,
            Phase::After {
                result: Value::Null,
            },
        )
        .unwrap();
        let entries = read_journal(&path).unwrap();
        assert_eq!(entries.iter().map(|e| e.seq).collect::<Vec<_>>(), [1, 2]);
        assert!(matches!(entries[1].phase, Phase::After { .. }));
        std::fs::write(&path, "{\"seq\": \"not a number\"}\n").unwrap();
        assert!(
            read_journal(&path).is_err(),
            "a complete bad line is an error"
        );
        let _ = std::fs::remove_dir_all(&dir);
    }

    #[test]
    fn entries_round_trip_with_a_null_prior() {
        let e = JournalEntry {
            seq: 3,
            time: now(),
            action_id: "x".into(),
            region: "us-east-1".into(),
            target: "b".into(),
            op: Op::DeleteBucket(crate::actions::DeleteBucket { bucket: "b".into() }),
            phase: Phase::Before { prior: Value::Null },
            depends_on: vec!["y".into()],
            controls: vec![],
        };
        let line = serde_json::to_string(&e).unwrap();
        assert!(line.contains(r#""phase":"before","prior":null"#), "{line}");
        assert_eq!(serde_json::from_str::<JournalEntry>(&line).unwrap(), e);
    }

    #[test]
    fn a_journal_of_another_format_or_without_one_is_refused_by_name() {
        let dir = std::env::temp_dir().join(format!("remediate-format-{}", std::process::id()));
        let _ = std::fs::create_dir_all(&dir);
        let path = dir.join("old.jsonl");
        let entry = r#"{"seq":1,"time":"x","action_id":"a","region":"us-east-1","op":{"op":"delete_bucket","bucket":"b"},"phase":"before","prior":null}"#;
        std::fs::write(&path, format!("{entry}\n")).unwrap();
        let e = read_journal(&path).unwrap_err().to_string();
        assert!(e.contains("no journal format line"), "{e}");
        assert!(Journal::open(&path).is_err(), "nothing is appended to it");
        for old in [1, 2] {
            std::fs::write(
                &path,
                format!("{{\"journal\":\"remediate\",\"format\":{old}}}\n{entry}\n"),
            )
            .unwrap();
            let e = read_journal(&path).unwrap_err().to_string();
            assert!(
                e.contains(&format!(
                    "is journal format {old} and this remediate reads format 3"
                )),
                "{e}"
            );
        }
        std::fs::write(
            &path,
            format!("{{\"journal\":\"remediate\",\"format\":3}}\n{entry}\n"),
        )
        .unwrap();
        assert_eq!(read_journal(&path).unwrap().len(), 1);
        let _ = std::fs::remove_dir_all(&dir);
    }
}
