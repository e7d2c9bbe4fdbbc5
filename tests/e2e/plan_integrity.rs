//! A saved plan is applied only as remediate would plan it now for that
//! account and settings, and, with `--verify-with`, only as a holder of the
//! signing key approved it. Through the binary, on the strict emulator
//! (whose KMS signs and verifies as AWS does: tests/strict/strict_kms.py).

use aws_sdk_kms::types::{KeySpec, KeyUsageType};
use remediate::plan::Action;
use remediate::plan::file::{self, PlanFile};
use serde_json::json;

use crate::apply_cmd::{read_all, run};
use crate::common::{self, Moto};
use crate::{TWO, rt};

/// The tamper of the issue: the first put_bucket_policy of `actions` also
/// lets account 999999999999 read the audit logs. Returns its index.
fn grant_to_a_stranger(actions: &mut [Action]) -> usize {
    let i = actions
        .iter()
        .position(|a| a.op.name() == "put_bucket_policy")
        .expect("a put_bucket_policy action");
    let mut op = serde_json::to_value(&actions[i].op).unwrap();
    let bucket = op["bucket"].as_str().unwrap().to_string();
    op["policy"]["Statement"]
        .as_array_mut()
        .unwrap()
        .push(json!({
            "Sid": "Audit",
            "Effect": "Allow",
            "Principal": {"AWS": "arn:aws:iam::999999999999:root"},
            "Action": "s3:GetObject",
            "Resource": format!("arn:aws:s3:::{bucket}/*")
        }));
    actions[i].op = serde_json::from_value(op).unwrap();
    i
}

/// A SIGN_VERIFY key in us-east-1; returns its ARN.
fn signing_key(moto: &Moto, spec: KeySpec) -> String {
    rt().block_on(async {
        let cfg = moto.sdk_config().await;
        let kms = aws_sdk_kms::Client::new(&cfg);
        let k = kms
            .create_key()
            .key_spec(spec)
            .key_usage(KeyUsageType::SignVerify)
            .description("remediate plan signing (test)")
            .send()
            .await
            .unwrap();
        k.key_metadata().unwrap().arn().unwrap().to_string()
    })
}

/// The public key of `key` as PEM, as a user would save GetPublicKey's answer.
fn public_key_pem(moto: &Moto, key: &str) -> String {
    rt().block_on(async {
        let cfg = moto.sdk_config().await;
        let der = aws_sdk_kms::Client::new(&cfg)
            .get_public_key()
            .key_id(key)
            .send()
            .await
            .unwrap()
            .public_key()
            .unwrap()
            .as_ref()
            .to_vec();
        let b64 = aws_smithy_types::base64::encode(&der);
        let lines: Vec<&str> = b64
            .as_bytes()
            .chunks(64)
            .map(|c| std::str::from_utf8(c).unwrap())
            .collect();
        format!(
            "-----BEGIN PUBLIC KEY-----\n{}\n-----END PUBLIC KEY-----\n",
            lines.join("\n")
        )
    })
}

/// Sign `f` with `key` as an attacker holding a key would: through KMS,
/// over the digest the tool signs.
fn sign_as(moto: &Moto, f: &PlanFile, key: &str) -> file::Signature {
    let digest = file::digest(&f.created_at, &f.plan);
    rt().block_on(async {
        let aws = common::product_aws(&moto.url, 5).await;
        remediate::signing::sign(&aws, key, &digest).await.unwrap()
    })
}

fn load(moto: &Moto, name: &str) -> PlanFile {
    file::read(&moto.dir().join(name)).unwrap()
}

/// Save `f` under `name` with its seal recomputed as the tool computes it
/// (and the signature given), as someone who edits plan files would.
fn save(moto: &Moto, name: &str, f: &PlanFile, signature: Option<file::Signature>) {
    let text = file::to_text(&f.plan, f.created_at.clone(), signature);
    std::fs::write(moto.dir().join(name), text).unwrap();
}

/// The write calls `--stats` counted (it prints even when the run fails):
/// its lines are `  <service> <n>  Op 1, Op 2`; operations are the
/// capitalised words followed by a count.
fn writes_counted(stderr: &str) -> Vec<String> {
    assert!(stderr.contains("API calls:"), "no --stats in:\n{stderr}");
    let mut out = vec![];
    for line in stderr
        .lines()
        .skip_while(|l| !l.starts_with("API calls:"))
        .skip(1)
    {
        let words: Vec<&str> = line.split_whitespace().collect();
        for w in words.windows(2) {
            let counted = w[1].trim_end_matches(',').parse::<u64>().is_ok();
            if counted
                && w[0].starts_with(|c: char| c.is_ascii_uppercase())
                && !remediate::aws::is_read_operation(w[0])
            {
                out.push(w[0].to_string());
            }
        }
    }
    out
}

/// Index of the first action of `op` in the file.
fn first_of(f: &PlanFile, op: &str) -> usize {
    f.plan
        .actions
        .iter()
        .position(|a| a.op.name() == op)
        .unwrap_or_else(|| panic!("no {op} in the plan"))
}

#[test]
fn a_recomputed_seal_over_an_added_grant_is_refused_and_nothing_is_written() {
    let moto = Moto::start();
    common::seed_non_compliant(&moto);
    let (code, _, err) = run(&moto, &["plan", "--regions", TWO, "--out", "plan.json"]);
    assert_eq!(code, 2, "{err}");
    let mut f = load(&moto, "plan.json");
    // The tamper of the issue: another account may read the audit logs.
    let i = grant_to_a_stranger(&mut f.plan.actions);
    save(&moto, "plan.json", &f, None);

    let before = read_all(&moto);
    let (code, _, err) = run(&moto, &["apply", "--yes", "--stats", "plan.json"]);
    assert_eq!(code, 1, "{err}");
    let id = &f.plan.actions[i].id;
    assert!(
        err.contains(&format!(
            "action {} {id} differs from what remediate plans for this account",
            i + 1
        )),
        "{err}"
    );
    assert_eq!(writes_counted(&err), Vec::<String>::new(), "{err}");
    assert_eq!(before, read_all(&moto), "the refused plan wrote");
    // `show` still renders it (it is sealed); only apply re-derives.
    let (code, _, err) = run(&moto, &["show", "plan.json"]);
    assert_eq!(code, 0, "{err}");
    assert!(err.contains("Signature: unsigned"), "{err}");
}

#[test]
fn edits_to_a_target_an_order_or_a_dependency_are_refused_signed_or_not() {
    let moto = Moto::start();
    common::seed_non_compliant(&moto);
    let key = signing_key(&moto, KeySpec::Rsa2048);
    let (code, _, err) = run(
        &moto,
        &[
            "plan",
            "--regions",
            TWO,
            "--out",
            "plan.json",
            "--sign-with",
            &key,
        ],
    );
    assert_eq!(code, 2, "{err}");
    let original = load(&moto, "plan.json");
    assert!(original.signature.is_some());

    type Edit = fn(&mut PlanFile) -> String;
    let edits: [(&str, Edit); 3] = [
        ("target", |f| {
            let i = first_of(f, "put_bucket_logging");
            let mut op = serde_json::to_value(&f.plan.actions[i].op).unwrap();
            op["bucket"] = json!("someone-elses-bucket");
            f.plan.actions[i].op = serde_json::from_value(op).unwrap();
            format!("action {} ", i + 1)
        }),
        ("order", |f| {
            // Two neighbours with no dependency between them, swapped.
            let i = (0..f.plan.actions.len() - 1)
                .find(|&i| {
                    let (a, b) = (&f.plan.actions[i], &f.plan.actions[i + 1]);
                    !b.depends_on.contains(&a.id)
                })
                .unwrap();
            f.plan.actions.swap(i, i + 1);
            format!("action {} ", i + 1)
        }),
        ("dependency", |f| {
            let i = f
                .plan
                .actions
                .iter()
                .position(|a| !a.depends_on.is_empty())
                .unwrap();
            f.plan.actions[i].depends_on.clear();
            format!("action {} ", i + 1)
        }),
    ];
    let before = read_all(&moto);
    for (what, edit) in edits {
        let mut f = load(&moto, "plan.json");
        let expect = edit(&mut f);
        // Unsigned: the seal is recomputed, nothing else stops it.
        save(&moto, "edited.json", &f, None);
        let (code, _, err) = run(&moto, &["apply", "--yes", "edited.json"]);
        assert_eq!(code, 1, "{what}: {err}");
        assert!(
            err.contains(&expect) && err.contains("differs from what remediate plans"),
            "{what}: {err}"
        );
        // Signed by a key holder after the edit: still not what remediate plans.
        let signature = sign_as(&moto, &f, &key);
        save(&moto, "edited.json", &f, Some(signature));
        let (code, _, err) = run(
            &moto,
            &["apply", "--yes", "edited.json", "--verify-with", &key],
        );
        assert_eq!(code, 1, "{what} (signed): {err}");
        assert!(err.contains("verified"), "{what} (signed): {err}");
        assert!(
            err.contains(&expect) && err.contains("differs from what remediate plans"),
            "{what} (signed): {err}"
        );
    }
    assert_eq!(before, read_all(&moto), "a refused plan wrote");

    // The honest file, signed, applies.
    let (code, _, err) = run(
        &moto,
        &["apply", "--yes", "plan.json", "--verify-with", &key],
    );
    assert_eq!(code, 0, "{err}");
    assert!(err.contains("Signature: signed by"), "{err}");
}

#[test]
fn settings_that_differ_from_the_runs_are_shown_and_refused_unless_taken_from_the_plan() {
    let moto = Moto::start();
    common::seed_non_compliant(&moto);
    let key = signing_key(&moto, KeySpec::EccNistP256);
    let config = moto.dir().join("retention.toml");
    std::fs::write(&config, "log_retention_days = 400\n").unwrap();
    let config = config.to_str().unwrap();
    let (code, _, err) = run(
        &moto,
        &[
            "plan",
            "--regions",
            TWO,
            "--config",
            config,
            "--out",
            "plan.json",
        ],
    );
    assert_eq!(code, 2, "{err}");
    // The actions match the settings the file carries: only the settings
    // check tells this run (no remediate.toml) from the plan's.
    let before = read_all(&moto);
    let (code, _, err) = run(&moto, &["apply", "--yes", "plan.json"]);
    assert_eq!(code, 1, "{err}");
    assert!(
        err.lines().last().unwrap().contains("log_retention_days")
            && err.contains("--settings-from-plan"),
        "{err}"
    );
    assert!(err.contains("-  \"log_retention_days\": 400"), "{err}");
    assert_eq!(before, read_all(&moto));
    let (code, _, err) = run(&moto, &["show", "plan.json"]);
    assert_eq!(code, 0, "{err}");
    assert!(
        err.contains("Settings: the plan was made with settings that differ"),
        "{err}"
    );
    // Signed by the key holder, the other settings are still refused.
    let (code, _, err) = run(
        &moto,
        &[
            "plan",
            "--regions",
            TWO,
            "--config",
            config,
            "--out",
            "signed.json",
            "--sign-with",
            &key,
        ],
    );
    assert_eq!(code, 2, "{err}");
    let (code, _, err) = run(
        &moto,
        &["apply", "--yes", "signed.json", "--verify-with", &key],
    );
    assert_eq!(code, 1, "{err}");
    assert!(
        err.contains("verified") && err.contains("--settings-from-plan"),
        "{err}"
    );
    assert_eq!(before, read_all(&moto));
    // With the same settings it needs no flag; with the flag, the plan's apply.
    let (code, _, err) = run(
        &moto,
        &["apply", "--yes", "plan.json", "--settings-from-plan"],
    );
    assert_eq!(code, 0, "{err}");
}

#[test]
fn a_signed_plan_applies_and_any_other_is_refused_under_verify_with() {
    let moto = Moto::start();
    common::seed_non_compliant(&moto);
    let rsa = signing_key(&moto, KeySpec::Rsa2048);
    let ecc = signing_key(&moto, KeySpec::EccNistP256);
    rt().block_on(async {
        let cfg = moto.sdk_config().await;
        aws_sdk_kms::Client::new(&cfg)
            .create_alias()
            .alias_name("alias/remediate-plans")
            .target_key_id(&ecc)
            .send()
            .await
            .unwrap();
    });
    let (code, _, err) = run(&moto, &["plan", "--regions", TWO, "--out", "unsigned.json"]);
    assert_eq!(code, 2, "{err}");
    let (code, _, err) = run(
        &moto,
        &[
            "plan",
            "--regions",
            TWO,
            "--out",
            "ecc.json",
            "--sign-with",
            &ecc,
        ],
    );
    assert_eq!(code, 2, "{err}");
    assert!(err.contains("ECDSA_SHA_256"), "{err}");
    let signed = load(&moto, "ecc.json");
    let sig = signed.signature.clone().unwrap();
    assert_eq!(
        (sig.key_arn.as_str(), sig.algorithm.as_str()),
        (ecc.as_str(), "ECDSA_SHA_256")
    );
    let before = read_all(&moto);

    // Unsigned, under --verify-with.
    let (code, _, err) = run(
        &moto,
        &["apply", "--yes", "unsigned.json", "--verify-with", &ecc],
    );
    assert_eq!(code, 1, "{err}");
    assert!(err.contains("is not signed"), "{err}");
    // Signed by another key.
    let (code, _, err) = run(
        &moto,
        &["apply", "--yes", "ecc.json", "--verify-with", &rsa],
    );
    assert_eq!(code, 1, "{err}");
    assert!(
        err.contains(&format!("is signed by {ecc}, not by {rsa}")),
        "{err}"
    );
    // One byte changed, the seal recomputed, the signature kept.
    let mut edited = load(&moto, "ecc.json");
    edited.created_at = edited.created_at.replacen('2', "3", 1);
    save(&moto, "edited.json", &edited, Some(sig.clone()));
    let (code, _, err) = run(
        &moto,
        &["apply", "--yes", "edited.json", "--verify-with", &ecc],
    );
    assert_eq!(code, 1, "{err}");
    assert!(err.contains("does not match its signature"), "{err}");
    // The same, verified offline with the signing key's public key.
    let pem = moto.dir().join("ecc.pem");
    std::fs::write(&pem, public_key_pem(&moto, &ecc)).unwrap();
    let pem = pem.to_str().unwrap();
    let (code, _, err) = run(
        &moto,
        &[
            "apply",
            "--yes",
            "edited.json",
            "--verify-with-public-key",
            pem,
        ],
    );
    assert_eq!(code, 1, "{err}");
    assert!(err.contains("does not verify with the public key"), "{err}");
    // `[plan] verify_with` in the settings asks the same as the flag.
    let config = moto.dir().join("verify.toml");
    std::fs::write(&config, format!("[plan]\nverify_with = \"{rsa}\"\n")).unwrap();
    let (code, _, err) = run(
        &moto,
        &[
            "apply",
            "--yes",
            "ecc.json",
            "--config",
            config.to_str().unwrap(),
        ],
    );
    assert_eq!(code, 1, "{err}");
    assert!(err.contains("is signed by"), "{err}");
    assert_eq!(before, read_all(&moto), "a refused plan wrote");

    // show: the status, and verified when asked.
    let (code, _, err) = run(&moto, &["show", "ecc.json"]);
    assert_eq!(code, 0, "{err}");
    assert!(
        err.contains(&format!(
            "Signature: signed by {ecc} (ECDSA_SHA_256) (not verified"
        )),
        "{err}"
    );
    let (code, _, err) = run(
        &moto,
        &["show", "ecc.json", "--verify-with-public-key", pem],
    );
    assert_eq!(code, 0, "{err}");
    assert!(err.contains("verified"), "{err}");

    // A key named by its alias is the same key.
    let (code, _, err) = run(
        &moto,
        &["show", "ecc.json", "--verify-with", "alias/remediate-plans"],
    );
    assert_eq!(code, 0, "{err}");
    assert!(
        err.contains(&format!(
            "Signature: signed by {ecc} (ECDSA_SHA_256), verified"
        )),
        "{err}"
    );
    // The honest signed file applies, checked offline.
    let (code, _, err) = run(
        &moto,
        &[
            "apply",
            "--yes",
            "ecc.json",
            "--verify-with-public-key",
            pem,
        ],
    );
    assert_eq!(code, 0, "{err}");
}

#[test]
fn a_plan_signed_with_an_rsa_key_verifies_with_kms_and_offline() {
    let moto = Moto::start();
    common::seed_non_compliant(&moto);
    let rsa = signing_key(&moto, KeySpec::Rsa3072);
    let (code, _, err) = run(
        &moto,
        &[
            "plan",
            "--regions",
            TWO,
            "--control",
            "2.8",
            "--out",
            "p.json",
            "--sign-with",
            &rsa,
        ],
    );
    assert_eq!(code, 2, "{err}");
    let f = load(&moto, "p.json");
    assert_eq!(
        f.signature.as_ref().unwrap().algorithm,
        "RSASSA_PSS_SHA_256"
    );
    let pem = moto.dir().join("rsa.pem");
    std::fs::write(&pem, public_key_pem(&moto, &rsa)).unwrap();
    let (code, _, err) = run(
        &moto,
        &[
            "show",
            "p.json",
            "--verify-with-public-key",
            pem.to_str().unwrap(),
        ],
    );
    assert_eq!(code, 0, "{err}");
    let (code, _, err) = run(&moto, &["apply", "--yes", "p.json", "--verify-with", &rsa]);
    assert_eq!(code, 0, "{err}");
    // A symmetric key cannot sign: one line, nothing saved.
    let symmetric = rt().block_on(async {
        let cfg = moto.sdk_config().await;
        let k = aws_sdk_kms::Client::new(&cfg)
            .create_key()
            .send()
            .await
            .unwrap();
        k.key_metadata().unwrap().arn().unwrap().to_string()
    });
    let (code, _, err) = run(
        &moto,
        &[
            "plan",
            "--regions",
            TWO,
            "--out",
            "q.json",
            "--sign-with",
            &symmetric,
        ],
    );
    assert_eq!(code, 1, "{err}");
    assert!(
        err.contains("cannot sign with RSASSA_PSS_SHA_256 or ECDSA_SHA_256"),
        "{err}"
    );
    assert!(!moto.dir().join("q.json").exists());
}

/// An organization plan file: one signature over every account's part,
/// checked before any account is read; each part re-derived in its own
/// account, so an edited part is refused alone even with its seal redone.
#[test]
fn an_organization_plan_file_is_signed_as_a_whole_and_each_part_re_derived() {
    use remediate::report;
    let moto = Moto::start();
    let org = crate::org::organization(&moto);
    let key = signing_key(&moto, KeySpec::EccNistP256);
    let scope = [
        "--org",
        "--exclude-accounts",
        org.roleless.as_str(),
        "--regions",
        "us-east-1",
    ];
    let (code, _, err) = run(
        &moto,
        &[
            &["plan", "--out", "org.json", "--sign-with", &key][..],
            &scope[..],
        ]
        .concat(),
    );
    assert_eq!(code, 2, "{err}");
    let path = moto.dir().join("org.json");
    let mut f = report::parse_file("org.json", &std::fs::read_to_string(&path).unwrap()).unwrap();
    let signature = f.signature.clone().unwrap();
    assert_eq!(signature.key_arn, key);

    // The tamper of the issue, in one member's part, the seal recomputed.
    let victim = org.members[0].clone();
    let part = f
        .plan
        .accounts
        .iter_mut()
        .find(|a| a.account_id == victim)
        .unwrap();
    grant_to_a_stranger(&mut part.plan.as_mut().unwrap().actions);
    let edited = moto.dir().join("edited.json");
    report::write_file(&edited, &f.plan, f.created_at.clone(), Some(signature)).unwrap();

    // Under --verify-with, the whole file is refused before any account.
    let (code, _, err) = run(
        &moto,
        &["apply", "--yes", "edited.json", "--verify-with", &key],
    );
    assert_eq!(code, 1, "{err}");
    assert!(err.contains("does not match its signature"), "{err}");
    assert!(!err.contains("Apply complete"), "{err}");
    // Without it, the edited part is refused alone; the others apply.
    let (code, _, err) = run(&moto, &["apply", "--yes", "edited.json"]);
    assert_eq!(code, 1, "{err}");
    assert!(
        err.contains(&format!("account {victim}: not applied:"))
            && err.contains("differs from what remediate plans for this account"),
        "{err}"
    );
    assert!(
        err.contains(&format!("account {}: Apply complete", org.members[1])),
        "{err}"
    );
}

/// `sign FILE`: the approval step signs the reviewed file as it is; apply
/// then accepts exactly that file under `--verify-with`, and an edit made
/// after signing is refused. Without a key it is one line, exit 1.
#[test]
fn sign_signs_a_reviewed_plan_in_place() {
    let moto = Moto::start();
    common::seed_non_compliant(&moto);
    let key = signing_key(&moto, KeySpec::EccNistP256);
    let (code, _, err) = run(
        &moto,
        &[
            "plan",
            "--regions",
            TWO,
            "--control",
            "2.8",
            "--out",
            "p.json",
        ],
    );
    assert_eq!(code, 2, "{err}");
    let (code, _, err) = run(&moto, &["sign", "p.json"]);
    assert_eq!(code, 1, "{err}");
    assert!(err.contains("sign needs a key"), "{err}");
    assert_eq!(load(&moto, "p.json").signature, None);
    let (code, _, err) = run(&moto, &["sign", "p.json", "--key", &key]);
    assert_eq!(code, 0, "{err}");
    assert!(
        err.contains(&format!("Signed p.json: signed by {key}")),
        "{err}"
    );
    let f = load(&moto, "p.json");
    assert_eq!(f.signature.as_ref().unwrap().key_arn, key);
    // Edited after signing (seal recomputed, signature kept): refused.
    let mut edited = load(&moto, "p.json");
    edited.created_at = edited.created_at.replacen('2', "3", 1);
    save(&moto, "edited.json", &edited, f.signature.clone());
    let (code, _, err) = run(
        &moto,
        &["apply", "--yes", "edited.json", "--verify-with", &key],
    );
    assert_eq!(code, 1, "{err}");
    assert!(err.contains("does not match its signature"), "{err}");
    let (code, _, err) = run(&moto, &["apply", "--yes", "p.json", "--verify-with", &key]);
    assert_eq!(code, 0, "{err}");
}
