"""Signing and verifying PDFs: the only module that imports pyHanko.

Every published PDF carries an invisible PAdES signature so that an inspector
can tell that a policy is exactly what the organisation approved. The
human-readable approval record is rendered in the document itself; the
signature only proves integrity and origin, so it has no visible stamp (a
pyHanko stamp would break PDF/A and PDF/UA).

pyHanko is imported inside the functions that need it, so ``import polisi``
(and ``polisi --help``) stays fast. Who signs (the organisation's certificate
or the demonstration one) is :mod:`polisi.signing.identity`.

Verification returns a :class:`Verdict` instead of raising: ``polisi verify``
reports every file, and a broken or tampered file is a result, not a crash.
Exceptions (:class:`~polisi.errors.PolisiError`) are kept for "could not run":
a missing certificate, a wrong passphrase, an unreadable trust root.
"""

from __future__ import annotations

import dataclasses
import functools
import os
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from io import BytesIO
from pathlib import Path
from typing import Any

from polisi.errors import one_line
from polisi.signing.identity import SigningError, SigningIdentity, TokenKey

SIGNATURE_FIELD = "PolisiSignature"
"""Name of the signature field; stable so that tools and tests can find it."""

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
    if identity.token is not None:
        signer = _token_signer(dataclasses.replace(identity.token, certificate=b""), os.getpid())
    else:
        assert identity.pkcs12 is not None
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
        raise SigningError(f"cannot sign PDF: {one_line(exc)}") from None
    return out.getvalue()


def open_token(identity: SigningIdentity) -> SigningIdentity:
    """``identity`` with its token opened now (so a wrong PIN or a missing key stops the build before
    any rendering), its certificate read and its signer's name filled in."""
    if identity.token is None:
        return identity
    _quiet_library_logs()
    signer = _token_signer(dataclasses.replace(identity.token, certificate=b""), os.getpid())
    try:
        certificate = signer.signing_cert
    except Exception as exc:  # python-pkcs11 and pyHanko raise many types, some without a message
        raise SigningError(f"PKCS#11 token {identity.token.token}: cannot find the signing key and certificate "
                           f"{identity.token.key_label or identity.token.key_id!r}: {_why(exc)}") from None
    if certificate is None:
        raise SigningError(f"PKCS#11 token {identity.token.token} holds no certificate for the signing key")
    token = dataclasses.replace(identity.token, certificate=certificate.dump())
    subject = certificate.subject.native.get("common_name") or certificate.subject.human_friendly
    return dataclasses.replace(identity, token=token, subject=str(subject))


@functools.lru_cache(maxsize=4)
def _token_signer(token: TokenKey, pid: int) -> Any:
    """The token's signer, one session per process (``pid`` is in the key: a PKCS#11 session is
    never shared with a forked child). Asked for with the certificate left out of ``token``: a
    second session would log in again, which a token refuses while the first is logged in."""
    from pyhanko.config.pkcs11 import TokenCriteria
    from pyhanko.sign.pkcs11 import PKCS11Signer, open_pkcs11_session

    try:
        session = open_pkcs11_session(token.library, token_criteria=TokenCriteria(label=token.token),
                                      user_pin=token.pin)
    except Exception as exc:
        raise SigningError(f"cannot open the PKCS#11 token {token.token} with {token.library}: {_why(exc)}") from None
    # other_certs_to_pull=None: the CA certificates kept on the token go into the signature too
    return PKCS11Signer(session, key_label=token.key_label, key_id=token.key_id, other_certs_to_pull=None)


def _why(exc: BaseException) -> str:
    """One line about ``exc``: its message, or its name when it has none (``PinIncorrect``)."""
    return one_line(exc) or type(exc).__name__


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




def fingerprint(text: str) -> str:
    """A SHA-256 fingerprint as lower-case hex without separators (``AB:CD:...`` -> ``abcd...``)."""
    return "".join(text.split()).replace(":", "").lower()


def _pinned(sig: Any, pins: frozenset[str]) -> list[Any]:
    """The certificates carried in the signature whose SHA-256 fingerprint is pinned: trusted like roots."""
    import hashlib

    certificates = sig.signed_data["certificates"] if pins else []
    chosen = [c.chosen for c in certificates if c.name == "certificate"]
    return [c for c in chosen if hashlib.sha256(c.dump()).hexdigest() in pins]


def verify_pdf(path: Path, trust_roots: list[Path], pins: Sequence[str] = ()) -> Verdict:
    """Check every signature in ``path`` offline against ``trust_roots`` and the pinned fingerprints.

    A pin (``signing.fingerprints``) names the SHA-256 of a certificate the
    organisation committed in its configuration: the signer's own, or its CA's.

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
    pinned = frozenset(fingerprint(p) for p in pins)

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
        return failed(f"not a readable PDF: {one_line(exc)}")
    if not signatures:
        return failed("no signature found")

    problems: list[str] = []
    intact = valid = trusted = True
    signer: str | None = None
    signed_at: datetime | None = None
    for sig in signatures:
        label = f"signature {sig.field_name}: " if len(signatures) > 1 else ""
        context = ValidationContext(trust_roots=roots + _pinned(sig, pinned), allow_fetching=False)
        try:
            status = validate_pdf_signature(sig, context)
        except Exception as exc:
            problems.append(f"{label}cannot be validated: {one_line(exc)}")
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
            raise SigningError(f"cannot read trust root {path}: {one_line(exc)}") from None
        if not loaded:
            raise SigningError(f"cannot read trust root {path}: no certificate in it")
        certs.extend(loaded)
    return certs


def _common_name(cert: Any) -> str:
    """The signer's common name, or the whole subject when it has none."""
    name = cert.subject.native
    return str(name.get("common_name") or cert.subject.human_friendly)
