//! Properties of the policy merger: it never drops or weakens a statement,
//! merging twice equals merging once, and a Sid collision widens.

use proptest::prelude::*;
use remediate::policy::{self, merge, statements};
use serde_json::{Value, json};

fn arb_statement() -> impl Strategy<Value = Value> {
    (
        prop::sample::select(vec!["A", "B", "C", "D"]),
        prop::sample::select(vec!["Allow", "Deny"]),
        prop::sample::select(vec!["s3:GetObject", "s3:PutObject", "kms:*"]),
        prop::sample::select(vec!["arn:aws:cloudtrail:us-east-1:1:trail/a", "arn:aws:cloudtrail:eu-west-1:1:trail/b"]),
        any::<bool>(),
    )
        .prop_map(|(sid, effect, action, arn, cond)| {
            let mut s = json!({"Sid": sid, "Effect": effect, "Principal": {"Service": "cloudtrail.amazonaws.com"}, "Action": action, "Resource": "*"});
            if cond {
                s["Condition"] = json!({"StringEquals": {"aws:SourceArn": arn}});
            }
            s
        })
}

fn arb_doc() -> impl Strategy<Value = Value> {
    // IAM requires Sids to be unique within a policy.
    prop::collection::vec(arb_statement(), 0..5).prop_map(|mut st| {
        let mut seen = std::collections::BTreeSet::new();
        st.retain(|s| seen.insert(s["Sid"].to_string()));
        json!({"Version": "2012-10-17", "Statement": st})
    })
}

proptest! {
    #[test]
    fn merge_never_drops_an_existing_statement(doc in arb_doc(), add in prop::collection::vec(arb_statement(), 0..4)) {
        let merged = merge(Some(&doc), &add);
        let out = statements(&merged);
        for s in statements(&doc) {
            // the same statement is there, by Sid, with every field but the widened condition unchanged
            let sid = &s["Sid"];
            let m = out.iter().find(|o| &o["Sid"] == sid && o["Effect"] == s["Effect"] && o["Action"] == s["Action"] && o["Resource"] == s["Resource"]);
            prop_assert!(m.is_some(), "lost {s}");
            let m = m.unwrap();
            if let Some(v) = s["Condition"]["StringEquals"]["aws:SourceArn"].as_str() {
                prop_assert!(m["Condition"]["StringEquals"]["aws:SourceArn"].to_string().contains(v), "narrowed {s} into {m}");
            }
        }
    }

    #[test]
    fn merging_twice_equals_merging_once(doc in arb_doc(), add in prop::collection::vec(arb_statement(), 0..4)) {
        let once = merge(Some(&doc), &add);
        let twice = merge(Some(&once), &add);
        prop_assert_eq!(once, twice);
    }

    #[test]
    fn merge_and_remove_never_panic_on_any_json(v in any::<String>()) {
        let doc = json!({"Statement": v});
        let _ = merge(Some(&doc), &[json!({"Sid": "X"})]);
        let _ = policy::remove_public_allows(&doc);
    }
}

// ---------------------------------------------------------------------------
// Undo's three-way revert: only apply's own statements go back.
// ---------------------------------------------------------------------------

fn grant(sid: &str, action: &str) -> Value {
    json!({"Sid": sid, "Effect": "Allow", "Principal": {"Service": "cloudtrail.amazonaws.com"},
        "Action": action, "Resource": "arn:aws:s3:::b"})
}

fn doc(st: &[Value]) -> Value {
    json!({"Version": "2012-10-17", "Statement": st})
}

#[test]
fn undo_removes_the_statements_apply_added_and_keeps_one_added_since() {
    let prior = doc(&[grant("Keep", "s3:GetObject")]);
    let wrote = doc(&[
        grant("Keep", "s3:GetObject"),
        grant("AWSCloudTrailAclCheck20150319", "s3:GetBucketAcl"),
    ]);
    let since = grant("AddedLater", "s3:ListBucket");
    let live = doc(&[
        grant("Keep", "s3:GetObject"),
        grant("AWSCloudTrailAclCheck20150319", "s3:GetBucketAcl"),
        since.clone(),
    ]);
    let r = policy::revert(Some(&prior), &wrote, Some(&live));
    assert_eq!(
        r.doc,
        Some(doc(&[grant("Keep", "s3:GetObject"), since])),
        "{r:?}"
    );
    assert_eq!(r.reverted, ["removed Sid AWSCloudTrailAclCheck20150319"]);
    assert_eq!(r.added_since, ["Sid AddedLater"]);
    assert!(r.changed.is_empty());
}

#[test]
fn undo_leaves_a_statement_apply_wrote_that_was_changed_since_and_names_it() {
    let prior = doc(&[grant("Keep", "s3:GetObject")]);
    let ours = grant("AWSCloudTrailWrite20150319", "s3:PutObject");
    let wrote = doc(&[grant("Keep", "s3:GetObject"), ours]);
    let edited = grant("AWSCloudTrailWrite20150319", "s3:PutObjectAcl");
    let live = doc(&[grant("Keep", "s3:GetObject"), edited.clone()]);
    let r = policy::revert(Some(&prior), &wrote, Some(&live));
    assert_eq!(r.doc, Some(live.clone()), "nothing else to revert");
    assert_eq!(r.changed, ["Sid AWSCloudTrailWrite20150319"]);
    assert!(r.reverted.is_empty());
}

#[test]
fn undo_puts_back_a_statement_apply_removed_or_widened() {
    // 2.3 removed a public statement; a merge widened a Sid's SourceArn.
    let public = json!({"Sid": "Public", "Effect": "Allow", "Principal": "*",
        "Action": "s3:GetObject", "Resource": "arn:aws:s3:::b/*"});
    let narrow = json!({"Sid": "W", "Effect": "Allow", "Principal": {"Service": "cloudtrail.amazonaws.com"},
        "Action": "s3:PutObject", "Resource": "*",
        "Condition": {"StringEquals": {"aws:SourceArn": "arn:aws:cloudtrail:us-east-1:1:trail/a"}}});
    let prior = doc(&[public.clone(), narrow.clone()]);
    let wide = merge(
        Some(&doc(std::slice::from_ref(&narrow))),
        &[
            json!({"Sid": "W", "Effect": "Allow", "Principal": {"Service": "cloudtrail.amazonaws.com"},
            "Action": "s3:PutObject", "Resource": "*",
            "Condition": {"StringEquals": {"aws:SourceArn": "arn:aws:cloudtrail:us-east-1:1:trail/b"}}}),
        ],
    );
    let r = policy::revert(Some(&prior), &wide, Some(&wide));
    let out = r.doc.unwrap();
    assert!(policy::equivalent(&out, &doc(&[narrow, public])), "{out}");
    assert_eq!(r.reverted, ["restored Sid W", "put back Sid Public"]);
}

#[test]
fn undo_of_a_policy_apply_made_deletes_it_only_when_nothing_else_was_added() {
    let ours = doc(&[grant("AWSCloudTrailAclCheck20150319", "s3:GetBucketAcl")]);
    assert_eq!(policy::revert(None, &ours, Some(&ours)).doc, None);
    let live = doc(&[
        grant("AWSCloudTrailAclCheck20150319", "s3:GetBucketAcl"),
        grant("AddedLater", "s3:ListBucket"),
    ]);
    assert_eq!(
        policy::revert(None, &ours, Some(&live)).doc,
        Some(doc(&[grant("AddedLater", "s3:ListBucket")]))
    );
    // Undone already (or deleted since): nothing to do, twice over.
    let r = policy::revert(None, &ours, None);
    assert_eq!((r.doc, r.reverted.len(), r.changed.len()), (None, 0, 0));
}

proptest! {
    #[test]
    fn undo_of_an_untouched_merge_gives_back_the_prior_and_keeps_what_was_added_since(
        prior in arb_doc(),
        add in prop::collection::vec(arb_statement(), 0..4),
    ) {
        let wrote = merge(Some(&prior), &add);
        let r = policy::revert(Some(&prior), &wrote, Some(&wrote));
        let back = r.doc.unwrap_or_else(|| doc(&[]));
        prop_assert!(policy::equivalent(&back, &prior), "{back} is not {prior}");
        prop_assert!(r.changed.is_empty());
        // A statement someone added since apply survives.
        let since = grant("Since", "s3:ListBucket");
        let mut live = wrote.clone();
        live["Statement"].as_array_mut().unwrap().push(since.clone());
        let r = policy::revert(Some(&prior), &wrote, Some(&live));
        let out = statements(&r.doc.unwrap());
        prop_assert!(out.contains(&since));
        prop_assert_eq!(out.len(), statements(&prior).len() + 1);
        // Reverting what is already reverted changes nothing.
        let again = policy::revert(Some(&prior), &wrote, Some(&back));
        prop_assert!(again.reverted.is_empty() && again.changed.is_empty());
    }
}
