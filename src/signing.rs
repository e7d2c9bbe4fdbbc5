//! Signed plan files: `plan --out FILE --sign-with KEY` signs the file's
//! digest with an AWS KMS asymmetric key; `apply FILE --verify-with KEY`
//! (or `--verify-with-public-key FILE.pem`, offline) refuses a file that is
//! unsigned, signed by another key, or whose content no longer matches.
//!
//! What is signed is the 32-byte SHA-256 the seal spells in hex
//! ([`crate::plan::file::digest`]), with KMS's `MessageType=DIGEST` (a RAW
//! message is limited to 4 KiB; a plan is larger). Two algorithms, both
//! offered by the key specs KMS signs with and both checkable offline:
//! `RSASSA_PSS_SHA_256` (RSA keys; PSS with MGF1-SHA-256 and a 32-byte
//! salt) and `ECDSA_SHA_256` (`ECC_NIST_P256`; DER-encoded).
//! <https://docs.aws.amazon.com/kms/latest/developerguide/symm-asymm-choose-key-spec.html>
//!
//! The verifier trusts only the key it is given: the file's `key_arn` is
//! compared with it, to name a file signed by another key, but never used
//! to verify.

use anyhow::{Context, Result, bail};
use aws_smithy_types::Blob;
use std::path::{Path, PathBuf};

use crate::aws::{Aws, classify};
use crate::plan::file::Signature;

pub const RSA_PSS: &str = "RSASSA_PSS_SHA_256";
pub const ECDSA: &str = "ECDSA_SHA_256";
pub const ALGORITHMS: &[&str] = &[RSA_PSS, ECDSA];

/// Whom a run trusts to have approved a plan file.
#[derive(Debug, Clone, PartialEq)]
pub enum Verifier {
    /// A KMS key (ARN, id or alias), asked with `kms:Verify`.
    Kms(String),
    /// The public key of the signing key, PEM (or DER) SubjectPublicKeyInfo
    /// as `GetPublicKey` gives it: verified without calling AWS.
    PublicKey(PathBuf),
}

/// The region a key lives in: its ARN's, else the home region.
fn key_region(aws: &Aws, key: &str) -> String {
    crate::snapshot::arn_region(key)
        .map(str::to_string)
        .unwrap_or_else(|| aws.home_region())
}

/// Sign a plan file's digest with `key`.
pub async fn sign(aws: &Aws, key: &str, digest: &[u8; 32]) -> Result<Signature> {
    let kms = aws.kms(&key_region(aws, key));
    let described = kms
        .describe_key()
        .key_id(key)
        .send()
        .await
        .map_err(|e| anyhow::anyhow!("cannot read the signing key {key}: {}", classify(&e)))?;
    let meta = described
        .key_metadata()
        .with_context(|| format!("KMS described no key {key}"))?;
    let spec = meta
        .key_spec()
        .map(|s| s.as_str().to_string())
        .unwrap_or_default();
    let offered: Vec<String> = meta
        .signing_algorithms()
        .iter()
        .map(|a| a.as_str().to_string())
        .collect();
    let usage = meta.key_usage().map(|u| u.as_str()).unwrap_or_default();
    let algorithm = ALGORITHMS
        .iter()
        .find(|a| offered.iter().any(|o| o == *a))
        .copied();
    let (true, Some(algorithm)) = (usage == "SIGN_VERIFY", algorithm) else {
        bail!(
            "the signing key {key} ({spec}, {usage}) cannot sign with {RSA_PSS} or {ECDSA}: use an asymmetric SIGN_VERIFY key of spec RSA_2048/3072/4096 or ECC_NIST_P256"
        );
    };
    let out = kms
        .sign()
        .key_id(meta.arn().unwrap_or(key))
        .message(Blob::new(digest.to_vec()))
        .message_type(aws_sdk_kms::types::MessageType::Digest)
        .signing_algorithm(algorithm.into())
        .send()
        .await
        .map_err(|e| anyhow::anyhow!("KMS refused to sign with {key}: {}", classify(&e)))?;
    let value = out
        .signature()
        .map(|b| aws_smithy_types::base64::encode(b.as_ref()))
        .context("KMS answered Sign without a signature")?;
    Ok(Signature {
        key_arn: out.key_id().or(meta.arn()).unwrap_or(key).to_string(),
        algorithm: algorithm.to_string(),
        value,
    })
}

/// One line for `show`: who signed, with what.
pub fn describe(signature: Option<&Signature>) -> String {
    match signature {
        None => "unsigned".into(),
        Some(s) => format!("signed by {} ({})", s.key_arn, s.algorithm),
    }
}

/// Refuse `name` unless it carries a signature of `digest` by the key the
/// verifier trusts. The error is one sentence naming the file.
pub async fn verify(
    aws: &Aws,
    verifier: &Verifier,
    name: &str,
    signature: Option<&Signature>,
    digest: &[u8; 32],
) -> Result<()> {
    let Some(sig) = signature else {
        bail!(
            "plan file {name} is not signed; {} accepts only a plan signed by that key: sign it with `remediate plan --out FILE --sign-with KEY`",
            verifier_flag(verifier)
        );
    };
    if !ALGORITHMS.contains(&sig.algorithm.as_str()) {
        bail!(
            "plan file {name} is signed with {}, which remediate does not accept ({RSA_PSS} or {ECDSA})",
            sig.algorithm
        );
    }
    let bytes = aws_smithy_types::base64::decode(&sig.value)
        .map_err(|_| anyhow::anyhow!("plan file {name} has a signature that is not base64"))?;
    match verifier {
        Verifier::PublicKey(path) => {
            let key = std::fs::read(path)
                .with_context(|| format!("cannot read the public key {}", path.display()))?;
            verify_offline(&key, &sig.algorithm, &bytes, digest).map_err(|why| {
                anyhow::anyhow!(
                    "plan file {name} does not verify with the public key {}: {why}",
                    path.display()
                )
            })
        }
        Verifier::Kms(key) => verify_kms(aws, key, name, sig, &bytes, digest).await,
    }
}

fn verifier_flag(v: &Verifier) -> String {
    match v {
        Verifier::Kms(k) => format!("--verify-with {k}"),
        Verifier::PublicKey(p) => format!("--verify-with-public-key {}", p.display()),
    }
}

async fn verify_kms(
    aws: &Aws,
    key: &str,
    name: &str,
    sig: &Signature,
    bytes: &[u8],
    digest: &[u8; 32],
) -> Result<()> {
    let kms = aws.kms(&key_region(aws, key));
    // The trusted key's own ARN, to tell "another key" from "edited".
    let arn = kms
        .describe_key()
        .key_id(key)
        .send()
        .await
        .map_err(|e| anyhow::anyhow!("cannot read the verifying key {key}: {}", classify(&e)))?
        .key_metadata()
        .and_then(|m| m.arn())
        .unwrap_or(key)
        .to_string();
    if sig.key_arn != arn {
        bail!(
            "plan file {name} is signed by {}, not by {key} ({arn}): refused",
            sig.key_arn
        );
    }
    let answer = kms
        .verify()
        .key_id(&arn)
        .message(Blob::new(digest.to_vec()))
        .message_type(aws_sdk_kms::types::MessageType::Digest)
        .signature(Blob::new(bytes.to_vec()))
        .signing_algorithm(sig.algorithm.as_str().into())
        .send()
        .await;
    match answer {
        Ok(v) if v.signature_valid() => Ok(()),
        Ok(_) => bail!("plan file {name} does not match its signature by {arn}: refused"),
        Err(e) => {
            let e = classify(&e);
            if e.is("KMSInvalidSignatureException") {
                bail!(
                    "plan file {name} does not match its signature by {arn} (changed after it was signed): refused"
                )
            }
            bail!("cannot verify plan file {name} with {arn}: {e}")
        }
    }
}

/// Verify a signature of `digest` with a public key (PEM or DER
/// SubjectPublicKeyInfo). The reason it does not verify, if it does not.
pub fn verify_offline(
    public_key: &[u8],
    algorithm: &str,
    signature: &[u8],
    digest: &[u8; 32],
) -> Result<(), String> {
    use rsa::pkcs8::DecodePublicKey;
    use rsa::signature::hazmat::PrehashVerifier;

    let text = std::str::from_utf8(public_key).ok().map(str::trim);
    let pem = text.filter(|t| t.starts_with("-----BEGIN"));
    match algorithm {
        RSA_PSS => {
            let key = match pem {
                Some(t) => rsa::PublicKey::from_public_key_pem(t),
                None => rsa::PublicKey::from_public_key_der(public_key),
            }
            .map_err(|e| format!("not an RSA public key ({e})"))?;
            let verifier = rsa::pss::VerifyingKey::<sha2::Sha256>::new(key);
            let sig = rsa::pss::Signature::try_from(signature)
                .map_err(|e| format!("not an RSASSA-PSS signature ({e})"))?;
            verifier
                .verify_prehash(digest, &sig)
                .map_err(|_| "the signature does not match the content".into())
        }
        ECDSA => {
            let key = match pem {
                Some(t) => p256::ecdsa::VerifyingKey::from_public_key_pem(t),
                None => p256::ecdsa::VerifyingKey::from_public_key_der(public_key),
            }
            .map_err(|e| format!("not a P-256 public key ({e})"))?;
            let sig = p256::ecdsa::Signature::from_der(signature)
                .map_err(|e| format!("not a DER ECDSA signature ({e})"))?;
            key.verify_prehash(digest, &sig)
                .map_err(|_| "the signature does not match the content".into())
        }
        other => Err(format!("unsupported algorithm {other}")),
    }
}

/// The verifier a run uses: `--verify-with-public-key`, else
/// `--verify-with`, else `[plan] verify_with`.
pub fn verifier(
    public_key: Option<&Path>,
    key: Option<&str>,
    settings: Option<&str>,
) -> Option<Verifier> {
    public_key
        .map(|p| Verifier::PublicKey(p.to_path_buf()))
        .or_else(|| key.or(settings).map(|k| Verifier::Kms(k.to_string())))
}
