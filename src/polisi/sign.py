"""Signing and verifying PDFs: the only module that imports pyHanko.

Every published PDF carries an invisible PAdES signature so that an inspector
can tell that a policy is exactly what the organisation approved. The
human-readable approval record is rendered in the document itself; the
signature only proves integrity and origin, so it has no visible stamp (a
pyHanko stamp would break PDF/A and PDF/UA).

pyHanko and ``cryptography`` are imported inside the functions that need them,
so ``import polisi`` (and ``polisi --help``) stays fast.

Verification returns a :class:`Verdict` instead of raising: ``polisi verify``
reports every file, and a broken or tampered file is a result, not a crash.
Exceptions (:class:`~polisi.errors.PolisiError`) are kept for "could not run":
a missing certificate, a wrong passphrase, an unreadable trust root.
"""

from __future__ import annotations

import functools
import os
import secrets
import shutil
import tempfile
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from io import BytesIO
from pathlib import Path
from typing import TYPE_CHECKING, Any

from .errors import PolisiError

if TYPE_CHECKING:
    from .config import SigningSettings

SIGNATURE_FIELD = "PolisiSignature"
"""Name of the signature field; stable so that tools and tests can find it."""

DEMO_DIR = "signing"
"""Folder under the build folder holding the demonstration identity."""
DEMO_PKCS12 = "demo-signing.p12"
DEMO_PASSPHRASE = "demo-signing.passphrase"
DEMO_CA = "ca.pem"

_SIGNATURE_SIZE = 32_768
"""Bytes reserved for the CMS blob: room for a certificate chain and a timestamp token."""


def _quiet_library_logs() -> None:
    """Stop pyHanko's validation warnings (with tracebacks) reaching stderr by default.

    Python prints records of loggers without handlers through its "last resort"
    handler; an untrusted signer would then dump a traceback on every
    ``polisi verify``. A NullHandler keeps the records available to a root
    handler the CLI installs for ``--debug``.
    """
    import logging

    for name in ("pyhanko", "pyhanko_certvalidator"):
        logger = logging.getLogger(name)
        if not any(isinstance(h, logging.NullHandler) for h in logger.handlers):
            logger.addHandler(logging.NullHandler())


class SigningError(PolisiError):
    """The signing identity cannot be loaded or a PDF cannot be signed."""


@dataclass(frozen=True)
class SigningIdentity:
    """A PKCS#12 signing identity, checked to open with its passphrase."""

    pkcs12: Path
    """The PKCS#12 file holding the signing key and certificate (and usually its chain)."""
    passphrase: bytes = field(repr=False)
    """Passphrase of the PKCS#12 file; kept out of ``repr`` so it never reaches a log."""
    subject: str
    """Common name of the signing certificate, for messages."""
    demonstration: bool = False
    """True for the locally generated demonstration identity (not for real use)."""


@dataclass(frozen=True)
class Verdict:
    """What verifying one PDF found. ``ok`` is the only field a caller must read."""

    path: Path
    """The file that was checked."""
    ok: bool
    """Intact, valid, trusted and covering the whole file: the file is what was signed."""
    intact: bool
    """The signed bytes hash to the value in the signature (no byte changed)."""
    valid: bool
    """The signature itself is cryptographically valid for the signer's key."""
    trusted: bool
    """The signer's certificate chains to one of the trust roots."""
    covers_whole_file: bool
    """Nothing was appended after signing (no later incremental revision)."""
    signer: str | None = None
    """Common name of the signer's certificate, when a signature was found."""
    signed_at: datetime | None = None
    """Time from the timestamp token (B-T) or, failing that, the signer's own claim."""
    problems: tuple[str, ...] = ()
    """One sentence per reason the file failed; empty when ``ok``."""

    def summary(self) -> str:
        """One line for a report: ``path: OK signed by ... at ...`` or the problems."""
        if self.ok:
            when = f" at {self.signed_at.isoformat(timespec='seconds')}" if self.signed_at else ""
            return f"{self.path}: OK signed by {self.signer}{when}"
        return f"{self.path}: FAILED: " + "; ".join(self.problems)


# --------------------------------------------------------------------------- identities


def ensure_demo_identity(build_dir: Path, organisation: str) -> SigningIdentity:
    """Create (once) and return a local demonstration CA and signing certificate.

    A fresh checkout must build signed PDFs without anyone owning a certificate,
    so the build makes its own CA under ``build_dir/signing/``: the PKCS#12 file,
    a random passphrase beside it and ``ca.pem`` for verification. Every name
    says DEMONSTRATION so nobody mistakes the output for a real signature. The
    CA key is not kept: this CA signs exactly one certificate. Later builds
    reuse the folder, so earlier PDFs keep verifying against the same ``ca.pem``
    (the organisation name is therefore only read when the folder is created).
    """
    folder = build_dir / DEMO_DIR
    files = [folder / DEMO_PKCS12, folder / DEMO_PASSPHRASE, folder / DEMO_CA]
    if not folder.exists():
        build_dir.mkdir(parents=True, exist_ok=True)
        staging = Path(tempfile.mkdtemp(prefix=".signing-", dir=build_dir))
        try:
            _write_demo_identity(staging, organisation)
            # Atomic: a parallel build either wins the rename or reuses the winner's folder.
            os.rename(staging, folder)
        except OSError:
            if not folder.is_dir():
                raise
        finally:
            shutil.rmtree(staging, ignore_errors=True)
    missing = [p.name for p in files if not p.is_file()]
    if missing:
        raise SigningError(
            f"{folder} is incomplete (missing {', '.join(missing)}); "
            "delete it to create a new demonstration certificate"
        )
    passphrase = files[1].read_text(encoding="ascii").strip().encode()
    return _open_pkcs12(files[0], passphrase, demonstration=True)


def _write_demo_identity(folder: Path, organisation: str) -> None:
    """Generate the demonstration CA and signing certificate into ``folder``."""
    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import rsa
    from cryptography.hazmat.primitives.serialization import pkcs12
    from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID

    now = datetime.now(UTC).replace(microsecond=0)
    start = now - timedelta(days=1)  # tolerate a verifier whose clock is a little behind

    org = " ".join(organisation.split()) or "polisi"

    def name(label: str) -> x509.Name:
        # X.509 caps a common name at 64 characters; the organisation gives way, not the warning.
        suffix = f" (DEMONSTRATION {label})"
        return x509.Name(
            [
                x509.NameAttribute(NameOID.COMMON_NAME, org[: 64 - len(suffix)].rstrip() + suffix),
                x509.NameAttribute(NameOID.ORGANIZATION_NAME, org[:64]),
                x509.NameAttribute(
                    NameOID.ORGANIZATIONAL_UNIT_NAME, f"DEMONSTRATION {label} - not for real use"
                ),
            ]
        )

    ca_key = rsa.generate_private_key(public_exponent=65537, key_size=3072)
    ca_name = name("CA")
    ca_cert = (
        x509.CertificateBuilder()
        .subject_name(ca_name)
        .issuer_name(ca_name)
        .public_key(ca_key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(start)
        .not_valid_after(now + timedelta(days=3650))
        .add_extension(x509.BasicConstraints(ca=True, path_length=0), critical=True)
        .add_extension(_key_usage(cert_sign=True), critical=True)
        .add_extension(
            x509.SubjectKeyIdentifier.from_public_key(ca_key.public_key()), critical=False
        )
        .sign(ca_key, hashes.SHA256())
    )

    key = rsa.generate_private_key(public_exponent=65537, key_size=3072)
    cert = (
        x509.CertificateBuilder()
        .subject_name(name("signing"))
        .issuer_name(ca_name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(start)
        .not_valid_after(now + timedelta(days=1825))
        .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
        # pyHanko's validator requires non-repudiation (content commitment) by default.
        .add_extension(_key_usage(cert_sign=False), critical=True)
        .add_extension(
            x509.ExtendedKeyUsage([ExtendedKeyUsageOID.EMAIL_PROTECTION]), critical=False
        )
        .add_extension(x509.SubjectKeyIdentifier.from_public_key(key.public_key()), critical=False)
        .add_extension(
            x509.AuthorityKeyIdentifier.from_issuer_public_key(ca_key.public_key()), critical=False
        )
        .sign(ca_key, hashes.SHA256())
    )

    passphrase = secrets.token_urlsafe(24)
    p12 = pkcs12.serialize_key_and_certificates(
        name=b"polisi demonstration signing key",
        key=key,
        cert=cert,
        cas=[ca_cert],
        encryption_algorithm=serialization.BestAvailableEncryption(passphrase.encode()),
    )
    _write_private(folder / DEMO_PKCS12, p12)
    _write_private(folder / DEMO_PASSPHRASE, passphrase.encode() + b"\n")
    (folder / DEMO_CA).write_bytes(ca_cert.public_bytes(serialization.Encoding.PEM))


def _key_usage(*, cert_sign: bool) -> Any:
    from cryptography import x509

    return x509.KeyUsage(
        digital_signature=not cert_sign,
        content_commitment=not cert_sign,
        key_encipherment=False,
        data_encipherment=False,
        key_agreement=False,
        key_cert_sign=cert_sign,
        crl_sign=cert_sign,
        encipher_only=False,
        decipher_only=False,
    )


def _write_private(path: Path, data: bytes) -> None:
    """Write a secret readable by its owner only."""
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "wb") as handle:
        handle.write(data)


def load_identity(
    root: Path, settings: SigningSettings, build_dir: Path, organisation: str
) -> SigningIdentity:
    """The organisation's configured PKCS#12 identity, or the demonstration one.

    The passphrase comes from the environment variable named in the settings,
    else from ``passphrase_file``; it is never read from the configuration
    itself, which is committed. The file is opened here, once, so that a wrong
    passphrase stops the build before any rendering work is done.
    """
    if settings.pkcs12 is None:
        return ensure_demo_identity(build_dir, organisation)
    path = root / settings.pkcs12
    if not path.is_file():
        raise SigningError(f"signing certificate {settings.pkcs12} not found (signing.pkcs12)")
    passphrase = os.environ.get(settings.passphrase_env)
    if passphrase is None and settings.passphrase_file:
        pfile = root / settings.passphrase_file
        try:
            passphrase = pfile.read_text(encoding="utf-8").rstrip("\r\n")
        except (OSError, UnicodeDecodeError) as exc:
            raise SigningError(
                f"cannot read passphrase file {settings.passphrase_file}: "
                f"{getattr(exc, 'strerror', None) or exc}"
            ) from None
    if passphrase is None:
        hint = (
            f" or signing.passphrase_file ({settings.passphrase_file})"
            if settings.passphrase_file
            else ""
        )
        raise SigningError(
            f"no passphrase for {settings.pkcs12}: set the environment variable "
            f"{settings.passphrase_env}{hint}"
        )
    return _open_pkcs12(path, passphrase.encode(), demonstration=False, shown=settings.pkcs12)


def _open_pkcs12(
    path: Path, passphrase: bytes, *, demonstration: bool, shown: str | None = None
) -> SigningIdentity:
    """Open the PKCS#12 file now, turning every failure into one clear line."""
    from cryptography.hazmat.primitives.serialization import pkcs12
    from cryptography.x509.oid import NameOID

    shown = shown or str(path)
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise SigningError(f"cannot read signing certificate {shown}: {exc.strerror}") from None
    try:
        key, cert, _chain = pkcs12.load_key_and_certificates(data, passphrase)
    except ValueError:
        # cryptography says "Invalid password or PKCS12 data" for both causes.
        raise SigningError(
            f"cannot open signing certificate {shown}: wrong passphrase or not a PKCS#12 file"
        ) from None
    except Exception as exc:  # e.g. a legacy cipher this OpenSSL build refuses
        raise SigningError(f"cannot open signing certificate {shown}: {_one_line(exc)}") from None
    if key is None or cert is None:
        raise SigningError(f"signing certificate {shown} holds no private key and certificate")
    cns = cert.subject.get_attributes_for_oid(NameOID.COMMON_NAME)
    subject = str(cns[0].value) if cns else cert.subject.rfc4514_string()
    return SigningIdentity(path, passphrase, subject, demonstration)


def trust_roots_for(root: Path, settings: SigningSettings, build_dir: Path) -> list[Path]:
    """Certificates ``polisi verify`` trusts: the configured ones, then the demo CA if present."""
    roots: list[Path] = []
    for entry in settings.trust_roots:
        path = root / entry
        if not path.is_file():
            raise SigningError(f"trust root {entry} not found (signing.trust_roots)")
        roots.append(path)
    demo = build_dir / DEMO_DIR / DEMO_CA
    if demo.is_file():
        roots.append(demo)
    return roots


# --------------------------------------------------------------------------- signing


def sign_pdf(
    data: bytes,
    identity: SigningIdentity,
    *,
    reason: str,
    location: str | None,
    timestamp_url: str | None,
) -> bytes:
    """Return ``data`` with an invisible PAdES signature appended as an incremental update.

    PAdES B-B, or B-T when ``timestamp_url`` names an RFC 3161 server. The
    original bytes are kept unchanged in front of the signature, so the
    PDF/A and PDF/UA identifiers in the document's XMP survive.
    """
    from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
    from pyhanko.sign import fields, signers
    from pyhanko.sign.timestamps import HTTPTimeStamper

    _quiet_library_logs()
    try:
        stat = identity.pkcs12.stat()
        signer = _loaded_signer(identity.pkcs12, stat.st_mtime_ns, stat.st_size, identity.passphrase)
    except (OSError, ValueError) as exc:
        raise SigningError(f"cannot open signing certificate {identity.pkcs12}: {exc}") from None
    meta = signers.PdfSignatureMetadata(
        field_name=SIGNATURE_FIELD,
        reason=reason,
        location=location,
        name=identity.subject,
        md_algorithm="sha256",
        # pyHanko's default is adbe.pkcs7.detached; PAdES needs ETSI.CAdES.detached.
        subfilter=fields.SigSeedSubFilter.PADES,
    )
    timestamper = HTTPTimeStamper(timestamp_url) if timestamp_url else None
    try:
        writer = IncrementalPdfFileWriter(BytesIO(data))
        _align_producer(writer)
        out = signers.sign_pdf(
            writer, meta, signer=signer, timestamper=timestamper, bytes_reserved=_SIGNATURE_SIZE
        )
    except Exception as exc:  # pyHanko raises many types; the build needs one line
        raise SigningError(f"cannot sign PDF: {type(exc).__name__}: {exc}") from None
    return out.getvalue()


@functools.lru_cache(maxsize=4)
def _loaded_signer(path: Path, mtime_ns: int, size: int, passphrase: bytes) -> Any:
    """The decrypted signer, kept per process: decrypting the PKCS#12 file took about half the
    time of each signature. The file's modification time and size are in the key, so a replaced
    certificate is read again."""
    from pyhanko.sign import signers

    return signers.SimpleSigner.load_pkcs12_data(path.read_bytes(), other_certs=[], passphrase=passphrase)


def _align_producer(writer: Any) -> None:
    """Make the Info dictionary's /Producer match what pyHanko writes into the XMP.

    When signing, pyHanko 0.38 sets the XMP ``pdf:Producer`` to exactly
    "pyHanko 0.38.0" but *appends* "; pyHanko 0.38.0" to the Info /Producer.
    PDF/A requires the two to be equivalent, so we set the Info entry to the
    same value in the signature's own revision. Documents without XMP are left
    alone (pyHanko then only edits the Info dictionary, consistently).
    """
    from pyhanko.pdf_utils import generic
    from pyhanko.pdf_utils.metadata.model import VENDOR

    if "/Metadata" not in writer.root or "/Info" not in writer.trailer:
        return
    info_ref = writer.trailer.raw_get("/Info")
    if not isinstance(info_ref, generic.IndirectObject):
        return
    info = info_ref.get_object()
    info["/Producer"] = generic.TextStringObject(VENDOR)
    writer.mark_update(info_ref)


# --------------------------------------------------------------------------- verifying


def verify_pdf(path: Path, trust_roots: list[Path]) -> Verdict:
    """Check every signature in ``path`` offline against ``trust_roots``.

    Never raises for a bad file: an unreadable file, a non-PDF, an unsigned
    PDF, a changed byte, a revision appended after signing and an untrusted
    signer each give ``ok=False`` with a sentence in ``problems``. Only a
    trust root that cannot be read raises (that is a set-up problem, not a
    verdict on the file).
    """
    from pyhanko.pdf_utils.reader import PdfFileReader
    from pyhanko.sign.validation import SignatureCoverageLevel, validate_pdf_signature
    from pyhanko_certvalidator import ValidationContext

    _quiet_library_logs()
    roots = _load_certificates(trust_roots)

    def failed(problem: str) -> Verdict:
        return Verdict(path, False, False, False, False, False, problems=(problem,))

    try:
        data = path.read_bytes()
    except OSError as exc:
        return failed(f"cannot read file: {exc.strerror}")
    if b"%PDF-" not in data[:1024]:  # the header may follow up to 1 KiB of junk
        return failed("not a PDF file")
    try:
        reader = PdfFileReader(BytesIO(data), strict=False)
        signatures = list(reader.embedded_regular_signatures)
    except Exception as exc:  # a damaged PDF can fail in many ways inside pyHanko
        return failed(f"not a readable PDF: {_one_line(exc)}")
    if not signatures:
        return failed("no signature found")

    problems: list[str] = []
    intact = valid = trusted = True
    signer: str | None = None
    signed_at: datetime | None = None
    for sig in signatures:
        label = f"signature {sig.field_name}: " if len(signatures) > 1 else ""
        context = ValidationContext(trust_roots=roots, allow_fetching=False)
        try:
            status = validate_pdf_signature(sig, context)
        except Exception as exc:
            problems.append(f"{label}cannot be validated: {_one_line(exc)}")
            intact = valid = trusted = False
            continue
        signer = _common_name(status.signing_cert)
        ts = status.timestamp_validity
        signed_at = ts.timestamp if ts is not None else status.signer_reported_dt
        if not status.intact:
            problems.append(f"{label}the signed content was changed (digest mismatch)")
        elif not status.valid:
            problems.append(f"{label}the signature value is not valid for the signer's key")
        elif not status.trusted:
            indic = status.trust_problem_indic
            if indic is None or indic.name == "NO_CERTIFICATE_CHAIN_FOUND":
                problems.append(f"{label}signer {signer} does not chain to a trusted root")
            else:  # e.g. an expired or revoked certificate, or the wrong key usage
                problems.append(f"{label}signer {signer} is not trusted ({indic.name})")
        elif ts is not None and not (ts.intact and ts.valid and ts.trusted):
            problems.append(f"{label}the timestamp token is not valid or not trusted")
        intact &= status.intact
        valid &= status.valid
        trusted &= status.trusted

    last = signatures[-1]
    try:
        covers = last.evaluate_signature_coverage() == SignatureCoverageLevel.ENTIRE_FILE
        later = reader.xrefs.total_revisions - 1 - last.signed_revision
    except Exception:
        covers, later = False, 0
    if not covers:
        problems.append(
            f"the file was changed after signing ({later} later revision(s) not covered)"
            if later > 0
            else "the signature does not cover the whole file"
        )
    ok = intact and valid and trusted and covers and not problems
    return Verdict(path, ok, intact, valid, trusted, covers, signer, signed_at, tuple(problems))


def _load_certificates(paths: list[Path]) -> list[Any]:
    """Read PEM or DER certificates as asn1crypto objects (what pyHanko wants)."""
    from asn1crypto import pem, x509

    certs = []
    for path in paths:
        try:
            data = path.read_bytes()
            ders = (
                [der for _, _, der in pem.unarmor(data, multiple=True)]
                if pem.detect(data)
                else [data]
            )
            loaded = [x509.Certificate.load(der) for der in ders]
            for cert in loaded:
                cert.native  # noqa: B018 -- asn1crypto parses lazily; fail here, not mid-validation
        except Exception as exc:
            raise SigningError(f"cannot read trust root {path}: {_one_line(exc)}") from None
        if not loaded:
            raise SigningError(f"cannot read trust root {path}: no certificate in it")
        certs.extend(loaded)
    return certs


def _common_name(cert: Any) -> str:
    """The signer's common name, or the whole subject when it has none."""
    name = cert.subject.native
    return str(name.get("common_name") or cert.subject.human_friendly)


def _one_line(exc: BaseException) -> str:
    text = " ".join(str(exc).split())
    return f"{type(exc).__name__}: {text}" if text else type(exc).__name__
