"""KMS Sign and Verify as AWS does them, for signed plan files.

moto 5.2.1 signs the base64 text of the message instead of its bytes,
ignores MessageType (a DIGEST is hashed again), pads RSASSA-PSS with the
largest salt instead of one as long as the digest, and answers a signature
that does not verify with ``SignatureValid: false``. Each difference would
let a test pass that fails on AWS (or the other way round), so Sign and
Verify are replaced here, in lenient mode too (they are features moto lacks,
not strictness rules):

- the request's ``Message`` is a blob: its bytes are signed, not its base64;
- ``MessageType`` ``RAW`` (default) is hashed with the algorithm's hash and
  is at most 4,096 bytes; ``DIGEST`` is the hash itself and must be as long
  as it (ValidationException):
  https://docs.aws.amazon.com/kms/latest/APIReference/API_Sign.html#KMS-Sign-request-MessageType
- RSASSA-PSS uses MGF1 with the same hash and a salt as long as the digest
  (RSASSA_PSS_SHA_256: 32 bytes):
  https://docs.aws.amazon.com/kms/latest/developerguide/symm-asymm-choose-key-spec.html#key-spec-rsa-sign
- ECDSA signatures are DER-encoded (RFC 3279):
  https://docs.aws.amazon.com/kms/latest/APIReference/API_Sign.html#KMS-Sign-response-Signature
- a key whose KeyUsage is not SIGN_VERIFY is refused with
  InvalidKeyUsageException, an algorithm the key does not offer with
  ValidationException:
  https://docs.aws.amazon.com/kms/latest/APIReference/API_Sign.html#API_Sign_Errors
- Verify of a signature that does not match raises
  KMSInvalidSignatureException (HTTP 400); ``SignatureValid`` is only ever
  true:
  https://docs.aws.amazon.com/kms/latest/APIReference/API_Verify.html#API_Verify_Errors
"""

from __future__ import annotations

import base64
import json
from typing import Any

RAW_LIMIT = 4096


def _refusal(code: str, message: str) -> Exception:
    from moto.core.exceptions import JsonRESTError

    err = JsonRESTError(code, message)
    err.code = 400
    return err


def _hash_of(algorithm: str) -> Any:
    from cryptography.hazmat.primitives import hashes

    for bits, h in (("256", hashes.SHA256), ("384", hashes.SHA384), ("512", hashes.SHA512)):
        if algorithm.endswith(bits):
            return h()
    raise _refusal("ValidationException", f"unknown signing algorithm {algorithm}")


def _blob(value: Any, name: str) -> bytes:
    if not value:
        raise _refusal(
            "ValidationException",
            f"1 validation error detected: Value at '{name}' failed to satisfy constraint: "
            "Member must have length greater than or equal to 1",
        )
    # moto's parser decodes blobs from the service model where it knows it.
    if isinstance(value, (bytes, bytearray)):
        return bytes(value)
    return base64.b64decode(value)


def _prepare(backend: Any, params: dict[str, Any]) -> tuple[Any, bytes, str, Any]:
    """The key, the message bytes, the algorithm and the hash argument."""
    from cryptography.hazmat.primitives.asymmetric import utils

    key = backend.describe_key(params.get("KeyId", ""))
    if key.key_usage != "SIGN_VERIFY":
        raise _refusal(
            "InvalidKeyUsageException",
            f"{key.arn} key usage is {key.key_usage} which is not valid for {params['_op']}.",
        )
    algorithm = params.get("SigningAlgorithm") or ""
    if algorithm not in key.signing_algorithms:
        raise _refusal(
            "ValidationException",
            f"1 validation error detected: Value '{algorithm}' at 'SigningAlgorithm' failed to "
            f"satisfy constraint: Member must satisfy enum value set: {key.signing_algorithms}",
        )
    message = _blob(params.get("Message"), "message")
    digest = _hash_of(algorithm)
    kind = params.get("MessageType") or "RAW"
    if kind == "DIGEST":
        if len(message) != digest.digest_size:
            raise _refusal(
                "ValidationException",
                f"Digest is invalid length for algorithm {algorithm}.",  # message: ours
            )
        hashing = utils.Prehashed(digest)
    elif kind == "RAW":
        if len(message) > RAW_LIMIT:
            raise _refusal(
                "ValidationException",
                "1 validation error detected: Value at 'message' failed to satisfy constraint: "
                f"Member must have length less than or equal to {RAW_LIMIT}",
            )
        hashing = digest
    else:
        raise _refusal("ValidationException", f"MessageType {kind} is not RAW or DIGEST")
    return key, message, algorithm, hashing


def _padding(algorithm: str) -> Any:
    from cryptography.hazmat.primitives.asymmetric import padding

    digest = _hash_of(algorithm)
    if algorithm.startswith("RSASSA_PSS"):
        return padding.PSS(mgf=padding.MGF1(digest), salt_length=digest.digest_size)
    return padding.PKCS1v15()


def _sign(key: Any, message: bytes, algorithm: str, hashing: Any) -> bytes:
    from cryptography.hazmat.primitives.asymmetric import ec

    private = key.private_key.private_key
    if algorithm.startswith("ECDSA"):
        return private.sign(message, ec.ECDSA(hashing))
    return private.sign(message, _padding(algorithm), hashing)


def _verifies(key: Any, message: bytes, signature: bytes, algorithm: str, hashing: Any) -> bool:
    from cryptography.exceptions import InvalidSignature
    from cryptography.hazmat.primitives.asymmetric import ec

    public = key.private_key.private_key.public_key()
    try:
        if algorithm.startswith("ECDSA"):
            public.verify(signature, message, ec.ECDSA(hashing))
        else:
            public.verify(signature, message, _padding(algorithm), hashing)
        return True
    except (InvalidSignature, ValueError):
        return False


def _params(response: Any, op: str) -> dict[str, Any]:
    names = ("KeyId", "Message", "MessageType", "Signature", "SigningAlgorithm")
    return dict({n: response._get_param(n) for n in names}, _op=op)


def install() -> None:
    from moto.kms import responses as kr

    def sign(self: Any) -> str:
        params = _params(self, "Sign")
        key, message, algorithm, hashing = _prepare(self.kms_backend, params)
        signature = _sign(key, message, algorithm, hashing)
        return json.dumps(
            {
                "KeyId": key.arn,
                "Signature": base64.b64encode(signature).decode(),
                "SigningAlgorithm": algorithm,
            }
        )

    def verify(self: Any) -> str:
        params = _params(self, "Verify")
        key, message, algorithm, hashing = _prepare(self.kms_backend, params)
        signature = _blob(params.get("Signature"), "signature")
        if not _verifies(key, message, signature, algorithm, hashing):
            raise _refusal("KMSInvalidSignatureException", "")
        return json.dumps({"KeyId": key.arn, "SignatureValid": True, "SigningAlgorithm": algorithm})

    kr.KmsResponse.sign = sign
    kr.KmsResponse.verify = verify
