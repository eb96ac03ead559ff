"""Signing with a key that never leaves a PKCS#11 token (SoftHSM2 stands in for a smart card or HSM).

The test makes a token with SoftHSM2, generates the signing key on it (it cannot be
read out), has a test CA certify that key, stores the certificate on the token, and
commits only the CA certificate with the handbook (``signing.trust_roots``). The
handbook's ``polisi.yml`` names the token's module, label and key; the PIN comes from
the environment. ``polisi build all`` must sign through the token, and the PDFs and the
bundle must verify with ``polisi verify`` (against the committed CA) and with poppler's
``pdfsig``, an independent verifier. A missing or wrong PIN, or a PIN written into
``polisi.yml``, stops the build with one line.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from .pdf_handbook import AS_OF, make_handbook

SRC = Path(__file__).resolve().parents[1] / "src"
LIBRARY = "/usr/lib/softhsm/libsofthsm2.so"
TOKEN, LABEL, PIN = "polisi-test", "board-signing", "402917"
SIGNER = "Example Care Ltd document signing"

pytestmark = pytest.mark.skipif(not Path(LIBRARY).is_file() or shutil.which("softhsm2-util") is None,
                                reason="SoftHSM2 is not installed (scripts/bootstrap installs softhsm2)")


@contextmanager
def _environment(name: str, value: str) -> Iterator[None]:
    """``name=value`` in this process's environment for the block only, so later tests never see it."""
    before = os.environ.get(name)
    os.environ[name] = value
    try:
        yield
    finally:
        if before is None:
            del os.environ[name]
        else:
            os.environ[name] = before


def make_token(folder: Path) -> tuple[dict[str, str], bytes]:
    """A SoftHSM2 token holding a key generated on it and its certificate; (environment, CA PEM)."""
    import pkcs11
    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import rsa
    from cryptography.x509.oid import NameOID
    from pkcs11 import Attribute, CertificateType, KeyType, ObjectClass

    (folder / "tokens").mkdir(parents=True)
    conf = folder / "softhsm2.conf"
    conf.write_text(f"directories.tokendir = {folder / 'tokens'}\nobjectstore.backend = file\nlog.level = ERROR\n",
                    encoding="utf-8")
    env = {**os.environ, "SOFTHSM2_CONF": str(conf)}
    subprocess.run(["softhsm2-util", "--init-token", "--free", "--label", TOKEN, "--pin", PIN, "--so-pin", "77341"],
                   env=env, check=True, capture_output=True)
    now = datetime.now(UTC)
    ca_key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    ca_name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "Example Care Ltd test CA")])
    ca = (x509.CertificateBuilder().subject_name(ca_name).issuer_name(ca_name).public_key(ca_key.public_key())
          .serial_number(x509.random_serial_number()).not_valid_before(now - timedelta(days=1))
          .not_valid_after(now + timedelta(days=30))
          .add_extension(x509.BasicConstraints(ca=True, path_length=0), critical=True)
          .add_extension(x509.KeyUsage(False, False, False, False, False, True, True, False, False), critical=True)
          .sign(ca_key, hashes.SHA256()))
    with _environment("SOFTHSM2_CONF", str(conf)):  # SoftHSM2 reads it when python-pkcs11 loads it here
        token = pkcs11.lib(LIBRARY).get_token(token_label=TOKEN)
    with token.open(rw=True, user_pin=PIN) as session:
        public, private = session.generate_keypair(KeyType.RSA, 2048, label=LABEL, id=b"\x42", store=True)
        assert private[Attribute.SENSITIVE] and not private[Attribute.EXTRACTABLE]  # it cannot leave the token
        numbers = rsa.RSAPublicNumbers(int.from_bytes(public[Attribute.PUBLIC_EXPONENT], "big"),
                                       int.from_bytes(public[Attribute.MODULUS], "big"))
        cert = (x509.CertificateBuilder()
                .subject_name(x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, SIGNER)]))
                .issuer_name(ca_name).public_key(numbers.public_key())
                .serial_number(x509.random_serial_number()).not_valid_before(now - timedelta(days=1))
                .not_valid_after(now + timedelta(days=30))
                .add_extension(x509.KeyUsage(True, True, False, False, False, False, False, False, False),
                               critical=True)
                .sign(ca_key, hashes.SHA256()))
        session.create_object({
            Attribute.CLASS: ObjectClass.CERTIFICATE, Attribute.CERTIFICATE_TYPE: CertificateType.X_509,
            Attribute.TOKEN: True, Attribute.LABEL: LABEL, Attribute.ID: b"\x42",
            Attribute.SUBJECT: cert.subject.public_bytes(),
            Attribute.VALUE: cert.public_bytes(serialization.Encoding.DER),
        })
    return env, ca.public_bytes(serialization.Encoding.PEM)


def polisi(env: dict[str, str], *args: str | Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "polisi", *map(str, args)], capture_output=True, text=True,
                          env={**env, "PYTHONPATH": str(SRC)}, check=False, timeout=300)


@pytest.fixture(scope="module")
def token_handbook(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, dict[str, str]]:
    folder = tmp_path_factory.mktemp("pkcs11")
    env, ca = make_token(folder / "hsm")
    root = make_handbook(folder / "handbook")
    (root / "signing").mkdir()
    (root / "signing" / "ca.pem").write_bytes(ca)
    with (root / "polisi.yml").open("a", encoding="utf-8") as config:
        config.write(f"signing:\n  pkcs11:\n    library: {LIBRARY}\n    token: {TOKEN}\n    key_label: {LABEL}\n"
                     "  trust_roots: [signing/ca.pem]\n")
    return root, env


def test_pdfs_are_signed_by_the_token_and_verify(token_handbook: tuple[Path, dict[str, str]]) -> None:
    root, env = token_handbook
    built = polisi({**env, "POLISI_SIGNING_PIN": PIN}, "build", "all", root, "--as-of", AS_OF)
    assert built.returncode == 0, built.stderr
    pdf, bundle = root / "build" / "pdf" / "POL-SAF-01.pdf", root / "build" / "bundle" / "inspector-bundle.pdf"
    verified = polisi(env, "verify", bundle, pdf, "--handbook", root)
    assert verified.returncode == 0, verified.stdout + verified.stderr
    lines = verified.stdout.splitlines()
    assert lines[0].startswith(f"{bundle}: OK signed by {SIGNER} at ")
    assert lines[0].endswith("manifest manifest.json: every file matches")
    assert lines[1].startswith(f"{pdf}: OK signed by {SIGNER} at ")
    if shutil.which("pdfsig") is None:
        pytest.skip("poppler's pdfsig is not installed")
    for path in (pdf, bundle):
        independent = subprocess.run(["pdfsig", str(path)], capture_output=True, text=True, check=False).stdout
        assert f"Signer Certificate Common Name: {SIGNER}" in independent
        assert "Signature Validation: Signature is Valid." in independent
        assert "Total document signed" in independent
    text = subprocess.run(["pdftotext", str(pdf), "-"], capture_output=True, text=True, check=True).stdout
    assert "DEMONSTRATION" not in text  # a configured key is the organisation's own


def test_the_pin_comes_from_the_environment_only(token_handbook: tuple[Path, dict[str, str]]) -> None:
    root, env = token_handbook
    missing = polisi({k: v for k, v in env.items() if k != "POLISI_SIGNING_PIN"}, "build", "pdf", root,
                     "--as-of", AS_OF)
    assert missing.returncode == 2
    assert missing.stderr == (f"polisi: error: no PIN for the PKCS#11 token {TOKEN}: set the environment "
                              "variable POLISI_SIGNING_PIN\n")
    wrong = polisi({**env, "POLISI_SIGNING_PIN": "111111"}, "build", "pdf", root, "--as-of", AS_OF)
    assert wrong.returncode == 2
    assert wrong.stderr.startswith(f"polisi: error: cannot open the PKCS#11 token {TOKEN} with {LIBRARY}: ")
    assert len(wrong.stderr.splitlines()) == 1 and "Traceback" not in wrong.stderr


def test_a_pin_written_in_polisi_yml_is_refused(token_handbook: tuple[Path, dict[str, str]], tmp_path: Path) -> None:
    root, env = token_handbook
    copy = tmp_path / "handbook"
    shutil.copytree(root, copy, ignore=shutil.ignore_patterns("build"))
    config = copy / "polisi.yml"
    config.write_text(config.read_text(encoding="utf-8").replace(f"    key_label: {LABEL}\n",
                                                                 f"    key_label: {LABEL}\n    pin: '{PIN}'\n"),
                      encoding="utf-8")
    result = polisi({**env, "POLISI_SIGNING_PIN": PIN}, "build", "pdf", copy, "--as-of", AS_OF)
    assert result.returncode == 2
    assert "pin" in result.stderr and PIN not in result.stderr
    assert len(result.stderr.splitlines()) == 1
