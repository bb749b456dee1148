"""Optional: a signed C2PA manifest ("Content Credentials") with a locally generated key.

C2PA binds a signed claim to the file's bytes: who made it, with what action
(``c2pa.created`` with the IPTC digital source type ``trainedAlgorithmicMedia``, i.e.
AI-generated), plus genlab's own record as an ``org.genlab.provenance`` assertion. Unlike text
chunks, a changed file fails validation, and unlike the watermark, the claim carries the whole
record. Like all metadata it is lost when the file is re-encoded without a C2PA-aware tool.

The key is genlab's own: on first use a local certificate authority and a signing certificate
(ECDSA P-256, ES256) are generated with ``cryptography`` into ``credentials_dir()`` (default
``~/.cache/genlab/c2pa``, or ``$GENLAB_C2PA_DIR``). A reader validates the signature ("Valid");
a reader that also trusts that local CA (``read_manifest(..., trust_local_ca=True)``) reports
"Trusted". Nobody else trusts this CA: it proves "this file is unchanged since this machine's
genlab signed it", not who the machine belongs to.

Needs the ``c2pa`` extra: ``pip install -c constraints.txt -e ".[c2pa]"``.
"""

from __future__ import annotations

import datetime as _dt
import io
import json
import os
from pathlib import Path

MIME = {".png": "image/png", ".jpg": "image/jpeg", ".jpeg": "image/jpeg", ".wav": "audio/wav"}
AI_SOURCE_TYPE = "http://cv.iptc.org/newscodes/digitalsourcetype/trainedAlgorithmicMedia"
ASSERTION = "org.genlab.provenance"


def available() -> bool:
    try:
        import c2pa  # noqa: F401
        import cryptography  # noqa: F401
    except ImportError:
        return False
    return True


def credentials_dir() -> Path:
    return Path(os.environ.get("GENLAB_C2PA_DIR") or Path.home() / ".cache" / "genlab" / "c2pa")


def _name(common_name: str):
    from cryptography import x509
    from cryptography.x509.oid import NameOID

    return x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, common_name),
                      x509.NameAttribute(NameOID.ORGANIZATION_NAME, "genlab (local)")])


def _key_usage(sign: bool):
    from cryptography import x509

    return x509.KeyUsage(digital_signature=sign, content_commitment=False, key_encipherment=False,
                         data_encipherment=False, key_agreement=False, key_cert_sign=not sign,
                         crl_sign=not sign, encipher_only=False, decipher_only=False)


def make_credentials(folder: Path) -> None:
    """Write ``ca.pem``, ``signer_chain.pem`` (signer + CA) and ``signer_key.pem`` (mode 0600).

    C2PA rejects self-signed signing certificates, so the signer is issued by a local CA; the
    signer has the profile C2PA asks for (digitalSignature, emailProtection EKU, not a CA).
    """
    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import ec
    from cryptography.x509.oid import ExtendedKeyUsageOID

    folder.mkdir(parents=True, exist_ok=True)
    now = _dt.datetime.now(_dt.timezone.utc)
    ca_key = ec.generate_private_key(ec.SECP256R1())
    ca = (x509.CertificateBuilder().subject_name(_name("genlab local CA"))
          .issuer_name(_name("genlab local CA")).public_key(ca_key.public_key())
          .serial_number(x509.random_serial_number())
          .not_valid_before(now - _dt.timedelta(days=1))
          .not_valid_after(now + _dt.timedelta(days=3650))
          .add_extension(x509.BasicConstraints(ca=True, path_length=0), critical=True)
          .add_extension(_key_usage(sign=False), critical=True)
          .add_extension(x509.SubjectKeyIdentifier.from_public_key(ca_key.public_key()), critical=False)
          .sign(ca_key, hashes.SHA256()))
    key = ec.generate_private_key(ec.SECP256R1())
    signer = (x509.CertificateBuilder().subject_name(_name("genlab signer")).issuer_name(ca.subject)
              .public_key(key.public_key()).serial_number(x509.random_serial_number())
              .not_valid_before(now - _dt.timedelta(days=1))
              .not_valid_after(now + _dt.timedelta(days=3650))
              .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
              .add_extension(_key_usage(sign=True), critical=True)
              .add_extension(x509.ExtendedKeyUsage([ExtendedKeyUsageOID.EMAIL_PROTECTION]), critical=False)
              .add_extension(x509.SubjectKeyIdentifier.from_public_key(key.public_key()), critical=False)
              .add_extension(x509.AuthorityKeyIdentifier.from_issuer_public_key(ca_key.public_key()),
                             critical=False)
              .sign(ca_key, hashes.SHA256()))
    pem = serialization.Encoding.PEM
    (folder / "ca.pem").write_bytes(ca.public_bytes(pem))
    (folder / "signer_chain.pem").write_bytes(signer.public_bytes(pem) + ca.public_bytes(pem))
    key_path = folder / "signer_key.pem"
    key_path.write_bytes(key.private_bytes(pem, serialization.PrivateFormat.PKCS8,
                                           serialization.NoEncryption()))
    key_path.chmod(0o600)


def _credentials(folder: Path | None):
    folder = Path(folder) if folder else credentials_dir()
    if not (folder / "signer_key.pem").is_file():
        make_credentials(folder)
    return folder


def sign(path: str | Path, rec: dict, *, folder: str | Path | None = None) -> Path:
    """Embed a signed C2PA manifest carrying ``rec`` into the PNG/JPEG/WAV file at ``path``
    (rewritten in place; its existing metadata and watermark are kept)."""
    import c2pa

    path = Path(path)
    mime = MIME.get(path.suffix.lower())
    if mime is None:
        raise ValueError(f"file: C2PA signing supports {', '.join(MIME)}, not {path.suffix}")
    creds = _credentials(folder)
    info = c2pa.C2paSignerInfo(c2pa.C2paSigningAlg.ES256, (creds / "signer_chain.pem").read_bytes(),
                               (creds / "signer_key.pem").read_bytes(), None)
    manifest = {
        "claim_generator_info": [{"name": "genlab", "version": str(rec.get("genlab_version", ""))}],
        "title": path.name,
        "assertions": [
            {"label": "c2pa.actions",
             "data": {"actions": [{"action": "c2pa.created", "digitalSourceType": AI_SOURCE_TYPE}]}},
            {"label": ASSERTION, "data": rec},
        ],
    }
    out = io.BytesIO()
    with open(path, "rb") as source:
        c2pa.Builder(json.dumps(manifest)).sign(c2pa.Signer.from_info(info), mime, source, out)
    path.write_bytes(out.getvalue())
    return path


def read_manifest(path: str | Path, *, trust_local_ca: bool = False,
                  folder: str | Path | None = None) -> dict:
    """``{"checked", "found", "validation_state", "ai_generated", "record", "failures"}``.

    ``validation_state`` is c2pa's: "Invalid", "Valid" (signature and hashes check out) or
    "Trusted" (and the signer chains to a trusted root: with ``trust_local_ca``, this machine's
    genlab CA).
    """
    path = Path(path)
    mime = MIME.get(path.suffix.lower())
    if mime is None:
        return {"checked": False, "found": False, "note": "C2PA is not read for this kind of file"}
    if not available():
        return {"checked": False, "found": False,
                "note": "c2pa-python is not installed (pip install genlab[c2pa])"}
    import c2pa

    context = None
    ca = (Path(folder) if folder else credentials_dir()) / "ca.pem"
    if trust_local_ca and ca.is_file():
        settings = c2pa.Settings.from_dict({"verify": {"verify_trust": True},
                                            "trust": {"trust_anchors": ca.read_text()}})
        context = c2pa.Context(settings)
    try:
        with open(path, "rb") as f:
            reader = c2pa.Reader(mime, f, context=context) if context else c2pa.Reader(mime, f)
            state = reader.get_validation_state()
            store = json.loads(reader.json())
            results = reader.get_validation_results() or {}
    except c2pa.C2paError as err:
        if "ManifestNotFound" in type(err).__name__ or "not found" in str(err).lower() \
                or "JumbfNotFound" in str(err):
            return {"checked": True, "found": False}
        return {"checked": True, "found": True, "validation_state": "Invalid", "failures": [str(err)]}
    active = store.get("manifests", {}).get(store.get("active_manifest"), {})
    record, ai = None, False
    for assertion in active.get("assertions", []):
        if assertion.get("label") == ASSERTION:
            record = assertion.get("data")
        if assertion.get("label", "").startswith("c2pa.actions"):
            ai = ai or any(a.get("digitalSourceType") == AI_SOURCE_TYPE
                           for a in assertion.get("data", {}).get("actions", []))
    failures = [f"{e.get('code')}: {e.get('explanation', '')}"  # e.g. "untrusted" when only Valid
                for e in results.get("activeManifest", {}).get("failure", [])]
    return {"checked": True, "found": True, "validation_state": state, "ai_generated": ai,
            "claim_generator": [g.get("name") for g in active.get("claim_generator_info", [])],
            "record": record, "failures": failures}
