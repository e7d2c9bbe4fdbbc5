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
