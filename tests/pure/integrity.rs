//! What makes a saved plan safe to apply beyond its seal: re-derivation,
//! the settings it carries, the documents it writes, and its signature
//! checked offline. Pure: hand-built snapshots and fixed test vectors.

use remediate::plan::file;
use remediate::plan::integrity::{self, Trusted};
use remediate::settings::FileSettings;
use remediate::signing;
use serde_json::json;

use crate::fixtures::*;

fn plan_of(settings: &FileSettings) -> remediate::plan::Plan {
    remediate::pipeline::make(&non_compliant(), settings, &[])
}

#[test]
fn a_saved_plan_of_every_benchmark_re_derives_equal_from_the_same_account() {
    for key in remediate::controls::BENCHMARKS.iter().map(|b| b.key) {
        let settings = FileSettings {
            benchmark: Some(key.into()),
            ..Default::default()
        };
        let snap = non_compliant();
        let p = remediate::pipeline::make(&snap, &settings, &[]);
        assert!(!p.actions.is_empty(), "{key}");
        let text = file::to_text(&p, "2026-12-07T00:00:00Z".into(), None);
        let saved = file::parse("p.json", &text).unwrap();
        remediate::pipeline::check_saved("p.json", &saved.plan, &snap, &settings)
            .unwrap_or_else(|e| panic!("{key}: {e}"));
        // Byte for byte, twice.
        let again = file::to_text(
            &remediate::pipeline::make(&snap, &settings, &[]),
            "2026-12-07T00:00:00Z".into(),
            None,
        );
        assert_eq!(text, again, "{key}");
    }
}

#[test]
fn the_first_differing_action_is_named_with_what_differs() {
    let fresh = plan_of(&FileSettings::default()).actions;
    assert_eq!(integrity::first_difference(&fresh, &fresh), None);

    let mut swapped = fresh.clone();
    swapped.swap(0, 1);
    let d = integrity::first_difference(&swapped, &fresh).unwrap();
    assert!(
        d.starts_with(&format!(
            "action 1 {} differs from what remediate plans",
            swapped[0].id
        )) && d.contains("remediate plans it as action 2"),
        "{d}"
    );

    let mut deps = fresh.clone();
    let i = deps.iter().position(|a| !a.depends_on.is_empty()).unwrap();
    deps[i].depends_on.clear();
    let d = integrity::first_difference(&deps, &fresh).unwrap();
    assert!(
        d.contains(&format!("action {} ", i + 1)) && d.ends_with("(its dependencies)"),
        "{d}"
    );

    let mut shown = fresh.clone();
    shown[0].after = json!({"nothing": "to see"});
    let d = integrity::first_difference(&shown, &fresh).unwrap();
    assert!(d.ends_with("(its before or after)"), "{d}");

    let extra = [fresh.clone(), vec![fresh[0].clone()]].concat();
    let d = integrity::first_difference(&extra, &fresh).unwrap();
    assert!(
        d.starts_with(&format!("action {} ", fresh.len() + 1)),
        "{d}"
    );
    let d = integrity::first_difference(&fresh[..2], &fresh).unwrap();
    assert!(d.contains("remediate plans more for this account"), "{d}");
}

#[test]
fn settings_that_shape_a_plan_are_compared_and_how_a_run_goes_is_not() {
    let plan = FileSettings::default();
    let mut run = FileSettings::default();
    run.aws.max_attempts = 9;
    run.org.account_concurrency = 32;
    run.plan.verify_with = Some("alias/approvers".into());
    assert_eq!(
        integrity::settings_differences(&plan, &run),
        Vec::<String>::new()
    );
    run.log_retention_days = 400;
    run.names.trail = "audit".into();
    assert_eq!(
        integrity::settings_differences(&plan, &run),
        vec!["log_retention_days".to_string(), "names.trail".to_string()]
    );
    let text = integrity::settings_diff_text(&plan, &run);
    assert!(text.contains("-  \"log_retention_days\": 365,"), "{text}");
    assert!(text.contains("+  \"log_retention_days\": 400,"), "{text}");
}

/// The put_bucket_policy action of a fresh plan, with one more statement.
fn with_statement(stmt: serde_json::Value) -> Vec<remediate::plan::Action> {
    let mut actions = plan_of(&FileSettings::default()).actions;
    let i = actions
        .iter()
        .position(|a| a.op.name() == "put_bucket_policy")
        .unwrap();
    let mut op = serde_json::to_value(&actions[i].op).unwrap();
    op["policy"]["Statement"].as_array_mut().unwrap().push(stmt);
    actions[i].op = serde_json::from_value(op).unwrap();
    actions
}

#[test]
fn a_document_granting_everyone_or_a_stranger_is_refused_unless_the_settings_name_it() {
    let settings = FileSettings::default();
    let account = non_compliant().account_id;
    let trusted = Trusted::new(&account, &settings);
    assert_eq!(
        integrity::check_documents(&plan_of(&settings).actions, &trusted),
        Ok(())
    );
    let stranger = json!({"Sid": "Audit", "Effect": "Allow",
        "Principal": {"AWS": "arn:aws:iam::999999999999:root"},
        "Action": "s3:GetObject", "Resource": "arn:aws:s3:::ct-west/*"});
    let e = integrity::check_documents(&with_statement(stranger.clone()), &trusted).unwrap_err();
    assert!(
        e.contains("an Allow for arn:aws:iam::999999999999:root, outside this account"),
        "{e}"
    );
    let everyone = json!({"Effect": "Allow", "Principal": "*",
        "Action": "s3:GetObject", "Resource": "arn:aws:s3:::ct-west/*"});
    let e = integrity::check_documents(&with_statement(everyone), &trusted).unwrap_err();
    assert!(e.contains("Principal *"), "{e}");
    // A Deny for everyone is not a grant.
    let deny = json!({"Effect": "Deny", "Principal": "*", "Action": "s3:*",
        "Resource": "arn:aws:s3:::ct-west/*",
        "Condition": {"Bool": {"aws:SecureTransport": "false"}}});
    assert_eq!(
        integrity::check_documents(&with_statement(deny), &trusted),
        Ok(())
    );
    // Named in the settings (here: an exemption's reason), it is meant.
    let mut named = settings.clone();
    named.exemptions.push(remediate::settings::Exemption {
        control: "2.3".into(),
        resource: "ct-west".into(),
        statement: None,
        reason: "auditors in 999999999999 read the logs".into(),
    });
    let trusted = Trusted::new(&account, &named);
    assert_eq!(
        integrity::check_documents(&with_statement(stranger), &trusted),
        Ok(())
    );
}

#[test]
fn a_statement_already_live_is_kept_whoever_it_names() {
    let account = non_compliant().account_id;
    let trusted = Trusted::new(&account, &FileSettings::default());
    let stmt = json!({"Sid": "Partner", "Effect": "Allow",
        "Principal": {"AWS": "arn:aws:iam::999999999999:root"},
        "Action": "s3:GetObject", "Resource": "arn:aws:s3:::ct-west/*"});
    let mut actions = with_statement(stmt.clone());
    let i = actions
        .iter()
        .position(|a| a.op.name() == "put_bucket_policy")
        .unwrap();
    actions[i].before = json!({"Version": "2012-10-17", "Statement": [stmt]});
    assert_eq!(integrity::check_documents(&actions, &trusted), Ok(()));
}

const DIGEST: &str = "7e11ca8bf583f23fd3fac5eef95263b4093f24055800873d6a7495e3726607e7";

// Made with Python's cryptography: RSA-2048, RSASSA-PSS (MGF1-SHA-256,
// 32-byte salt) over the prehashed digest, as KMS signs a DIGEST.
const RSA_PEM: &str = "-----BEGIN PUBLIC KEY-----
MIIBIjANBgkqhkiG9w0BAQEFAAOCAQ8AMIIBCgKCAQEAwQAXvC79bHHq9ACX6T7p
xFmWvgZZ3+9QkxV2dsEURXekmpan14BZQDL49abGm2c0AREJwGGaMeSdQaWGQySz
HEW/UfINuPCJVMPigXWwHMrFTSnltIISC6oPlWKphNmbKiq+ClNsS/GpgKQtvUA9
kIZmyoNcVEOKMTXN65W6FlNfkW2IISIHd1pcp15PUK5WiZGDjgruYGiPTvJiu1zq
o4UxHzESg/U88WcocQstPnQrYPbN/R5Qu9pgN19TZPMZpL6gcWOFZqtqDVLih6bF
MsR0J9ngCD+7ljav5kt1X19wJ25nJTiEFOyMbB54FVNZK0hpN8KqZ5Vc0Z12JPOv
nwIDAQAB
-----END PUBLIC KEY-----
";
const RSA_SIG: &str = "wJeEsRMbjFljlUFt74F/kJtyhkHh4r9cesIjcXKyEDZdzIaXUEMfVewciIwJ+7cBmLk9S3zNZ3ey385Jh0qZrbYRyopSL8PwYLFOFnD3JE6nHDb3gDwnyClb4eS6Itbnygc5SR9Q3DSJCuIBeTtETHuQgfSyaw0UEtty94GaY9NOKhEsOcUiVtcSKwsxpkuZ7NaqAfqNsKxslThAIHKlDoqKmf20PW1TMWD01AOHO3rePsZ5ql71MC2Pb3chusOUi6BfAC5ztLgjx81s4DihyDL9E+PRpY4S/zl0vi7MARp8tcqblrN59zTwT7JpfbDJ8uIXumEpr1tfnCaMNSOreA==";
// P-256, ECDSA over the prehashed digest, DER-encoded.
const EC_PEM: &str = "-----BEGIN PUBLIC KEY-----
MFkwEwYHKoZIzj0CAQYIKoZIzj0DAQcDQgAELmbnUcdizqvQb3UBymq7+Swf3pQ5
J75HmrLyJYtUQMgplGegRldeI19uwDUNeOVMFbPQ/A54DL5Kt2V5E1v4/g==
-----END PUBLIC KEY-----
";
const EC_SIG: &str = "MEUCIB40xO/eQR/bZ5kV3Ijm5xvInoktmKOW3HLO/kuQgF4fAiEAzcT9oAMjaUdkwcUBIkNGtDQeQnJi0Dnvl8HZBjGMkcI=";

fn digest() -> [u8; 32] {
    hex::decode(DIGEST).unwrap().try_into().unwrap()
}

#[test]
fn kms_style_signatures_verify_offline_and_any_change_does_not() {
    let b64 = |s: &str| aws_smithy_types::base64::decode(s).unwrap();
    let d = digest();
    let cases = [
        (RSA_PEM, signing::RSA_PSS, RSA_SIG),
        (EC_PEM, signing::ECDSA, EC_SIG),
    ];
    for (pem, alg, sig) in cases {
        assert_eq!(
            signing::verify_offline(pem.as_bytes(), alg, &b64(sig), &d),
            Ok(()),
            "{alg}"
        );
        let mut other = d;
        other[0] ^= 1;
        let e = signing::verify_offline(pem.as_bytes(), alg, &b64(sig), &other).unwrap_err();
        assert!(e.contains("does not match"), "{alg}: {e}");
    }
    // A signature checked with the other kind of key is refused, not panicked on.
    let e = signing::verify_offline(EC_PEM.as_bytes(), signing::RSA_PSS, &b64(RSA_SIG), &d)
        .unwrap_err();
    assert!(e.contains("not an RSA public key"), "{e}");
}

#[test]
fn a_signature_travels_in_the_header_and_is_covered_by_the_same_digest() {
    let p = plan_of(&FileSettings::default());
    let sig = file::Signature {
        key_arn: "arn:aws:kms:us-east-1:111122223333:key/k".into(),
        algorithm: signing::ECDSA.into(),
        value: EC_SIG.into(),
    };
    let text = file::to_text(&p, "2026-12-07T00:00:00Z".into(), Some(sig.clone()));
    let f = file::parse("p.json", &text).unwrap();
    assert_eq!(f.signature, Some(sig));
    assert_eq!(hex::encode(file::digest(&f.created_at, &f.plan)), f.sha256);
    // Unsigned files read as before.
    let f = file::parse(
        "p.json",
        &file::to_text(&p, "2026-12-07T00:00:00Z".into(), None),
    )
    .unwrap();
    assert_eq!(f.signature, None);
}
