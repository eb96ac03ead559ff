"""Who signs: the organisation's PKCS#12 identity or PKCS#11 token, or a local demonstration one.

A fresh checkout must build signed PDFs without anyone owning a certificate, so
with no certificate configured polisi makes a demonstration CA in a per-user
folder (:func:`keys_home`), never under the build folder: outputs are copied,
served and handed to inspectors, so nothing beside them may be secret. A
configured key or passphrase file inside the build folder is refused. Only
``cryptography`` is used here (imported inside the functions, so ``import
polisi`` stays fast); signing itself is in :mod:`polisi.signing.sign`.
Failures to load an identity are "could not run" errors: one line each.
"""

from __future__ import annotations

import hashlib
import os
import secrets
import shutil
import tempfile
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import TYPE_CHECKING, Any

from polisi.errors import PolisiError, one_line

if TYPE_CHECKING:
    from polisi.handbook.config import SigningSettings, TokenSettings

KEYS_ENV = "POLISI_KEYS_DIR"
"""Environment variable naming the per-user folder for demonstration identities."""
LEGACY_DEMO_DIR = "signing"
"""Where versions before 0.2 kept the demonstration identity: under the build folder."""
DEMO_PKCS12 = "demo-signing.p12"
DEMO_PASSPHRASE = "demo-signing.passphrase"
DEMO_CA = "ca.pem"

class SigningError(PolisiError):
    """The signing identity cannot be loaded or a PDF cannot be signed: the build could not run (2)."""

    exit_status = 2


@dataclass(frozen=True)
class TokenKey:
    """A signing key on a PKCS#11 token, and what opens it."""

    library: str
    """The token's PKCS#11 module."""
    token: str
    """The token's label."""
    key_label: str | None
    key_id: bytes | None
    pin: str = field(repr=False)
    """The user PIN, from the environment; kept out of ``repr`` so it never reaches a log."""
    certificate: bytes = b""
    """The signing certificate (DER) as read from the token once it has been opened."""


@dataclass(frozen=True)
class SigningIdentity:
    """A signing identity: a PKCS#12 file checked to open with its passphrase, or a key on a token."""

    pkcs12: Path | None
    """The PKCS#12 file holding the signing key and certificate (and usually its chain); ``None`` for a token."""
    passphrase: bytes = field(repr=False)
    """Passphrase of the PKCS#12 file; kept out of ``repr`` so it never reaches a log."""
    subject: str
    """Common name of the signing certificate, for messages."""
    demonstration: bool = False
    """True for the locally generated demonstration identity (not for real use)."""
    token: TokenKey | None = None
    """The PKCS#11 key that signs instead of a PKCS#12 file."""

    def fingerprint_source(self) -> bytes:
        """Bytes that change whenever the signing key or certificate does."""
        if self.token is not None:
            return self.token.certificate + self.token.token.encode()
        assert self.pkcs12 is not None
        return self.pkcs12.read_bytes()


def keys_home() -> Path:
    """The per-user folder for demonstration identities: ``$POLISI_KEYS_DIR``, else
    ``$XDG_DATA_HOME/polisi/keys``, else ``~/.local/share/polisi/keys``."""
    if os.environ.get(KEYS_ENV):
        return Path(os.environ[KEYS_ENV]).expanduser()
    data = os.environ.get("XDG_DATA_HOME") or str(Path.home() / ".local" / "share")
    return Path(data) / "polisi" / "keys"


def demo_folder(organisation: str) -> Path:
    """This organisation's demonstration identity, one per user and organisation name."""
    digest = hashlib.sha256(" ".join(organisation.split()).encode()).hexdigest()[:16]
    return keys_home() / f"demonstration-{digest}"


def ensure_demo_identity(folder: Path, organisation: str) -> SigningIdentity:
    """Create (once) and return a local demonstration CA and signing certificate in ``folder``.

    A fresh checkout must build signed PDFs without anyone owning a certificate,
    so polisi makes its own CA: the PKCS#12 file, a random passphrase beside it
    (both readable by their owner only) and ``ca.pem`` for verification. Every
    name says DEMONSTRATION so nobody mistakes the output for a real signature. The
    CA key is not kept: this CA signs exactly one certificate. Later builds
    reuse the folder, so earlier PDFs keep verifying against the same ``ca.pem``.
    """
    files = [folder / DEMO_PKCS12, folder / DEMO_PASSPHRASE, folder / DEMO_CA]
    if not folder.exists():
        folder.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
        staging = Path(tempfile.mkdtemp(prefix=".signing-", dir=folder.parent))
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


def remove_legacy_demo_identity(build_dir: Path) -> None:
    """Delete a demonstration key an older polisi left under the build folder (it must not be published)."""
    legacy = build_dir / LEGACY_DEMO_DIR
    if (legacy / DEMO_PKCS12).is_file() or (legacy / DEMO_PASSPHRASE).is_file():
        shutil.rmtree(legacy, ignore_errors=True)


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


def _outside_build(root: Path, build_dir: Path, entry: str, key: str) -> Path:
    """``entry`` (relative to the handbook, absolute, or ``~/...``) as a path that is not in the build folder."""
    path = (root / Path(entry).expanduser()).resolve()
    if path.is_relative_to(build_dir.resolve()):
        raise SigningError(
            f"{key} {entry} is inside the build folder, which is published and copied; "
            "keep keys and passphrases outside it (see README, 'Keeping the signing key')"
        )
    return path


def load_identity(
    root: Path, settings: SigningSettings, build_dir: Path, organisation: str
) -> SigningIdentity:
    """The organisation's configured PKCS#12 identity, or the demonstration one.

    The passphrase comes from the environment variable named in the settings,
    else from ``passphrase_file``; it is never read from the configuration
    itself, which is committed. The file is opened here, once, so that a wrong
    passphrase stops the build before any rendering work is done.
    """
    remove_legacy_demo_identity(build_dir)
    if settings.pkcs11 is not None:
        return token_identity(settings.pkcs11)
    if settings.pkcs12 is None:
        return ensure_demo_identity(demo_folder(organisation), organisation)
    path = _outside_build(root, build_dir, settings.pkcs12, "signing.pkcs12")
    if not path.is_file():
        raise SigningError(f"signing certificate {settings.pkcs12} not found (signing.pkcs12)")
    passphrase = os.environ.get(settings.passphrase_env)
    if passphrase is None and settings.passphrase_file:
        pfile = _outside_build(root, build_dir, settings.passphrase_file, "signing.passphrase_file")
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


def token_identity(settings: TokenSettings) -> SigningIdentity:
    """The token's key, with its PIN from the environment (never from ``polisi.yml``, which is
    committed); :func:`polisi.signing.sign.open_token` opens the token and reads its certificate."""
    pin = os.environ.get(settings.pin_env)
    if not pin:
        raise SigningError(f"no PIN for the PKCS#11 token {settings.token}: set the environment variable "
                           f"{settings.pin_env}")
    key_id = bytes.fromhex(settings.key_id) if settings.key_id else None
    key = TokenKey(settings.library, settings.token, settings.key_label, key_id, pin)
    return SigningIdentity(None, b"", settings.key_label or settings.token, token=key)


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
        raise SigningError(f"cannot open signing certificate {shown}: {one_line(exc)}") from None
    if key is None or cert is None:
        raise SigningError(f"signing certificate {shown} holds no private key and certificate")
    cns = cert.subject.get_attributes_for_oid(NameOID.COMMON_NAME)
    subject = str(cns[0].value) if cns else cert.subject.rfc4514_string()
    return SigningIdentity(path, passphrase, subject, demonstration)


def trust_roots_for(root: Path, settings: SigningSettings, build_dir: Path, organisation: str) -> list[Path]:
    """Certificates ``polisi verify`` trusts: the configured ones (committed with the handbook, never
    in the build folder, which anyone who can publish can change), then this user's demonstration CA
    when the handbook has no certificate of its own."""
    roots: list[Path] = []
    for entry in settings.trust_roots:
        path = _outside_build(root, build_dir, entry, "signing.trust_roots")
        if not path.is_file():
            raise SigningError(f"trust root {entry} not found (signing.trust_roots)")
        roots.append(path)
    demo = demo_folder(organisation) / DEMO_CA
    if not settings.configured and demo.is_file():
        roots.append(demo)
    return roots
