"""Signing and verification, with real PDFs, real certificates and poppler's pdfsig.

Nothing is mocked: WeasyPrint renders a small PDF/A document, ``polisi.signing.sign``
creates a demonstration CA and signs it, and the result is checked both by
``verify_pdf`` (pyHanko) and independently by ``pdfsig``. Tampered copies are
made the way an attacker or a careless editor would: a changed byte, a
revision appended by another PDF library, a different CA.
"""

from __future__ import annotations

import shutil
import subprocess
import sys
import threading
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from http.server import BaseHTTPRequestHandler, HTTPServer
from io import BytesIO
from pathlib import Path

import pikepdf
import pytest
from pypdf import PdfWriter

from polisi.errors import PolisiError
from polisi.handbook.config import SigningSettings
from polisi.signing.identity import (
    SigningIdentity,
    demo_folder,
    ensure_demo_identity,
    load_identity,
    trust_roots_for,
)
from polisi.signing.sign import SIGNATURE_FIELD, Verdict, sign_pdf, verify_pdf

ORG = "Gofal Enghraifft Cyf"
HTML = """<!doctype html><html lang="cy"><head><meta charset="utf-8">
<title>POL-SAF-01 Diogelu / Safeguarding</title></head>
<body><h1>Polisi diogelu</h1><p>Mae'r gwasanaeth yn diogelu pobl. Ŵyn a ŷd.</p>
<p>The service safeguards the people it supports.</p></body></html>"""


# --------------------------------------------------------------------------- fixtures


@pytest.fixture(scope="session")
def unsigned_pdf() -> bytes:
    """A real PDF/A-3b document rendered by WeasyPrint, as the PDF renderer will make them."""
    import weasyprint

    return weasyprint.HTML(string=HTML).write_pdf(pdf_variant="pdf/a-3b")


@pytest.fixture(scope="session")
def demo_build(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A folder holding a demonstration identity (made once per session)."""
    folder = tmp_path_factory.mktemp("keys") / "demonstration"
    ensure_demo_identity(folder, ORG)
    return folder


@pytest.fixture(scope="session")
def demo_identity(demo_build: Path) -> SigningIdentity:
    return ensure_demo_identity(demo_build, ORG)


@pytest.fixture(scope="session")
def demo_ca(demo_build: Path) -> Path:
    return demo_build / "ca.pem"


@pytest.fixture(scope="session")
def signed_pdf(
    tmp_path_factory: pytest.TempPathFactory, unsigned_pdf: bytes, demo_identity: SigningIdentity
) -> Path:
    data = sign_pdf(
        unsigned_pdf,
        demo_identity,
        reason="Approved policy POL-SAF-01",
        location="Caerdydd",
        timestamp_url=None,
    )
    path = tmp_path_factory.mktemp("out") / "POL-SAF-01.pdf"
    path.write_bytes(data)
    return path


@pytest.fixture(scope="session")
def other_ca(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The CA of a different (demonstration) organisation: must not be trusted for ours."""
    folder = tmp_path_factory.mktemp("other") / "demonstration"
    ensure_demo_identity(folder, "Another Provider Ltd")
    return folder / "ca.pem"


def copy_with(tmp_path: Path, data: bytes, name: str = "copy.pdf") -> Path:
    target = tmp_path / name
    target.write_bytes(data)
    return target


def run_pdfsig(path: Path) -> str:
    if shutil.which("pdfsig") is None:
        pytest.skip("poppler's pdfsig is not installed (apt-get install poppler-utils)")
    proc = subprocess.run(
        ["pdfsig", str(path)], capture_output=True, text=True, timeout=60, check=False
    )
    return proc.stdout + proc.stderr


# --------------------------------------------------------------------------- the demo identity


def test_demo_identity_is_created_once_and_reused(tmp_path: Path) -> None:
    keys = tmp_path / "keys"
    first = ensure_demo_identity(keys / "demonstration", ORG)
    p12_bytes = first.pkcs12.read_bytes()
    ca_bytes = (keys / "demonstration" / "ca.pem").read_bytes()

    second = ensure_demo_identity(keys / "demonstration", ORG)

    assert second.pkcs12 == first.pkcs12
    assert second.pkcs12.read_bytes() == p12_bytes
    assert (keys / "demonstration" / "ca.pem").read_bytes() == ca_bytes
    assert second.passphrase == first.passphrase
    assert [p.name for p in keys.iterdir()] == ["demonstration"]  # no staging folders left behind


def test_demo_identity_says_demonstration_everywhere(demo_build: Path, demo_identity) -> None:
    from cryptography import x509

    assert demo_identity.demonstration
    assert "DEMONSTRATION" in demo_identity.subject
    assert ORG in demo_identity.subject
    ca = x509.load_pem_x509_certificate((demo_build / "ca.pem").read_bytes())
    assert "DEMONSTRATION" in ca.subject.rfc4514_string()
    assert demo_identity.passphrase.decode() not in repr(demo_identity)


def test_demo_secrets_are_private(demo_build: Path) -> None:
    folder = demo_build
    for name in ("demo-signing.p12", "demo-signing.passphrase"):
        assert (folder / name).stat().st_mode & 0o077 == 0, name


def test_long_organisation_name_still_fits_a_certificate(tmp_path: Path) -> None:
    name = "The Very Long Registered Name of a Domiciliary Care Provider in Gwynedd Limited"
    identity = ensure_demo_identity(tmp_path / "demonstration", name)
    assert identity.subject.endswith("(DEMONSTRATION signing)")
    assert len(identity.subject) <= 64


def test_incomplete_demo_folder_is_a_clear_error(tmp_path: Path) -> None:
    (tmp_path / "demonstration").mkdir(parents=True)
    with pytest.raises(PolisiError, match="incomplete.*delete it"):
        ensure_demo_identity(tmp_path / "demonstration", ORG)


# --------------------------------------------------------------------------- a good signature


def test_signed_pdf_verifies(signed_pdf: Path, demo_ca: Path) -> None:
    verdict = verify_pdf(signed_pdf, [demo_ca])

    assert verdict == Verdict(
        path=signed_pdf,
        ok=True,
        intact=True,
        valid=True,
        trusted=True,
        covers_whole_file=True,
        signer=verdict.signer,
        signed_at=verdict.signed_at,
        problems=(),
    )
    assert verdict.signer is not None and "DEMONSTRATION" in verdict.signer
    assert verdict.signed_at is not None
    assert abs(datetime.now(UTC) - verdict.signed_at) < timedelta(hours=1)
    assert verdict.summary().startswith(f"{signed_pdf}: OK signed by {verdict.signer} at ")


def test_pdfsig_independently_finds_the_signature_valid(signed_pdf: Path) -> None:
    out = run_pdfsig(signed_pdf)

    assert f"Signature Field Name: {SIGNATURE_FIELD}" in out
    assert "Signature is Valid" in out
    assert "Total document signed" in out
    assert "ETSI.CAdES.detached" in out  # PAdES, not the legacy adbe.pkcs7.detached
    # pdfsig does not know our demonstration CA; anything else would be a real failure.
    assert "Certificate is Trusted" in out or "Certificate issuer isn't Trusted" in out, out


def test_signing_is_an_incremental_update_keeping_pdfa(unsigned_pdf: bytes, signed_pdf: Path):
    signed = signed_pdf.read_bytes()
    assert signed.startswith(unsigned_pdf)  # the rendered bytes are untouched

    with pikepdf.open(signed_pdf) as pdf:
        meta = pdf.open_metadata()
        assert meta["pdfaid:part"] == "3"
        assert meta["pdfaid:conformance"] == "B"
        # PDF/A wants the Info dictionary and the XMP to agree.
        assert str(pdf.docinfo["/Producer"]) == meta["pdf:Producer"]
        assert str(pdf.docinfo["/Title"]) == meta["dc:title"]
        assert "/Annots" not in pdf.pages[0] or all(
            list(annot.get("/Rect", [0, 0, 0, 0])) == [0, 0, 0, 0] for annot in pdf.pages[0].Annots
        )  # invisible: no widget with an area


# --------------------------------------------------------------------------- failures


def test_one_flipped_byte_fails(signed_pdf: Path, demo_ca: Path, tmp_path: Path) -> None:
    data = bytearray(signed_pdf.read_bytes())
    inside = data.index(b"stream\n") + 40  # inside the first (signed) content stream
    data[inside] ^= 0x01
    copy = copy_with(tmp_path, bytes(data))

    verdict = verify_pdf(copy, [demo_ca])

    assert not verdict.ok
    assert not verdict.intact
    assert any("changed" in p for p in verdict.problems)
    assert "FAILED" in verdict.summary() and str(copy) in verdict.summary()
    assert "Signature is Valid" not in run_pdfsig(copy)


def test_appended_revision_fails(signed_pdf: Path, demo_ca: Path, tmp_path: Path) -> None:
    writer = PdfWriter(BytesIO(signed_pdf.read_bytes()), incremental=True)
    writer.add_metadata({"/Subject": "edited after approval"})
    buffer = BytesIO()
    writer.write(buffer)
    assert buffer.getvalue().startswith(signed_pdf.read_bytes())
    copy = copy_with(tmp_path, buffer.getvalue())

    verdict = verify_pdf(copy, [demo_ca])

    assert not verdict.ok
    assert verdict.intact and verdict.valid  # the signed revision itself is fine...
    assert not verdict.covers_whole_file  # ...but something was added after it
    assert any("after signing" in p for p in verdict.problems)
    assert "Not total document signed" in run_pdfsig(copy)


def test_wrong_trust_root_fails(signed_pdf: Path, other_ca: Path) -> None:
    verdict = verify_pdf(signed_pdf, [other_ca])

    assert not verdict.ok
    assert verdict.intact and verdict.valid and verdict.covers_whole_file
    assert not verdict.trusted
    assert any("trusted root" in p for p in verdict.problems)


def test_no_trust_roots_trusts_nothing(signed_pdf: Path) -> None:
    """An empty list must not fall back to the operating system's trust store."""
    verdict = verify_pdf(signed_pdf, [])
    assert not verdict.ok and not verdict.trusted


def test_unsigned_pdf_fails(unsigned_pdf: bytes, demo_ca: Path, tmp_path: Path) -> None:
    path = tmp_path / "unsigned.pdf"
    path.write_bytes(unsigned_pdf)

    verdict = verify_pdf(path, [demo_ca])

    assert not verdict.ok
    assert verdict.problems == ("no signature found",)
    assert verdict.signer is None


@pytest.mark.parametrize(
    "content",
    [
        b"",
        b"not a pdf at all\n" * 50,
        b"%PDF-1.7\n" + b"\x00\xffjunk" * 200,
        b"%PDF-1.7\n1 0 obj\n<<",
    ],
    ids=["empty", "text", "pdf-header-then-junk", "truncated"],
)
def test_garbage_fails_without_raising(content: bytes, demo_ca: Path, tmp_path: Path) -> None:
    path = tmp_path / "garbage.pdf"
    path.write_bytes(content)

    verdict = verify_pdf(path, [demo_ca])

    assert not verdict.ok
    assert len(verdict.problems) == 1 and "\n" not in verdict.problems[0]


def test_truncated_signed_pdf_fails(signed_pdf: Path, demo_ca: Path, tmp_path: Path) -> None:
    data = signed_pdf.read_bytes()
    copy = copy_with(tmp_path, data[: len(data) // 2])
    assert not verify_pdf(copy, [demo_ca]).ok


def test_missing_file_fails(tmp_path: Path, demo_ca: Path) -> None:
    verdict = verify_pdf(tmp_path / "nowhere.pdf", [demo_ca])
    assert not verdict.ok and verdict.problems[0].startswith("cannot read file")


def test_unreadable_trust_root_is_an_error(signed_pdf: Path, tmp_path: Path) -> None:
    bad = tmp_path / "root.pem"
    bad.write_text("not a certificate")
    with pytest.raises(PolisiError, match="cannot read trust root"):
        verify_pdf(signed_pdf, [bad])


# --------------------------------------------------------------------------- configured identity


@pytest.fixture
def handbook(tmp_path: Path, demo_build: Path) -> Path:
    """A handbook with the organisation's own PKCS#12 file and CA certificate in certs/."""
    root = tmp_path / "handbook"
    (root / "certs").mkdir(parents=True)
    shutil.copy(demo_build / "demo-signing.p12", root / "certs" / "org.p12")
    shutil.copy(demo_build / "ca.pem", root / "certs" / "org-ca.pem")
    return root


def demo_passphrase(demo_build: Path) -> str:
    return (demo_build / "demo-signing.passphrase").read_text().strip()


def test_configured_pkcs12_with_passphrase_from_environment(
    handbook: Path, demo_build: Path, unsigned_pdf: bytes, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("ORG_SIGNING_PASS", demo_passphrase(demo_build))
    settings = SigningSettings(
        pkcs12="certs/org.p12", passphrase_env="ORG_SIGNING_PASS", trust_roots=["certs/org-ca.pem"]
    )
    build = handbook / "build"

    identity = load_identity(handbook, settings, build, ORG)
    signed = sign_pdf(unsigned_pdf, identity, reason="Approved", location=None, timestamp_url=None)
    out = build / "policy.pdf"
    build.mkdir()
    out.write_bytes(signed)

    assert identity.pkcs12 == handbook / "certs" / "org.p12"
    assert not identity.demonstration
    roots = trust_roots_for(handbook, settings, build, ORG)
    assert roots == [handbook / "certs" / "org-ca.pem"]  # the demonstration CA is not trusted as well
    assert verify_pdf(out, roots).ok


def test_passphrase_file_is_used_when_the_variable_is_unset(
    handbook: Path, demo_build: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("POLISI_SIGNING_PASSPHRASE", raising=False)
    (handbook / "secret.txt").write_text(demo_passphrase(demo_build) + "\n")
    settings = SigningSettings(pkcs12="certs/org.p12", passphrase_file="secret.txt")

    identity = load_identity(handbook, settings, handbook / "build", ORG)

    assert identity.subject.startswith(ORG)


def test_wrong_passphrase_is_a_one_line_error(
    handbook: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("POLISI_SIGNING_PASSPHRASE", "not the passphrase")
    settings = SigningSettings(pkcs12="certs/org.p12")

    with pytest.raises(PolisiError) as caught:
        load_identity(handbook, settings, handbook / "build", ORG)

    message = str(caught.value)
    assert "\n" not in message
    assert "certs/org.p12" in message and "wrong passphrase" in message
    assert "not the passphrase" not in message


def test_missing_passphrase_names_the_variable(
    handbook: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("ORG_SIGNING_PASS", raising=False)
    settings = SigningSettings(pkcs12="certs/org.p12", passphrase_env="ORG_SIGNING_PASS")

    with pytest.raises(PolisiError, match="ORG_SIGNING_PASS") as caught:
        load_identity(handbook, settings, handbook / "build", ORG)
    assert "\n" not in str(caught.value)


def test_missing_pkcs12_file_is_a_one_line_error(handbook: Path) -> None:
    settings = SigningSettings(pkcs12="certs/missing.p12")
    with pytest.raises(PolisiError, match=r"certs/missing\.p12 not found") as caught:
        load_identity(handbook, settings, handbook / "build", ORG)
    assert "\n" not in str(caught.value)


def test_no_configured_certificate_uses_the_demo_identity(tmp_path: Path) -> None:
    build = tmp_path / "build"
    identity = load_identity(tmp_path, SigningSettings(), build, ORG)
    assert identity.demonstration
    assert identity.pkcs12.parent == demo_folder(ORG) and not demo_folder(ORG).is_relative_to(tmp_path)
    assert trust_roots_for(tmp_path, SigningSettings(), build, ORG) == [demo_folder(ORG) / "ca.pem"]
    assert not build.exists()  # nothing secret, and nothing at all, beside the outputs


def test_missing_configured_trust_root_is_an_error(tmp_path: Path) -> None:
    settings = SigningSettings(trust_roots=["certs/nope.pem"])
    with pytest.raises(PolisiError, match="nope.pem"):
        trust_roots_for(tmp_path, settings, tmp_path / "build", ORG)


# --------------------------------------------------------------------------- PAdES B-T


@pytest.fixture(scope="session")
def timestamp_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, Path]]:
    """A local RFC 3161 server (pyHanko's DummyTimeStamper behind HTTP) and its CA certificate.

    A real TSA is out of reach offline; this one speaks the real protocol over a
    real socket, so the client side of B-T signing is exercised end to end.
    """
    from asn1crypto import keys, tsp
    from asn1crypto import x509 as asn1_x509
    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import rsa
    from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID
    from pyhanko.sign.timestamps import DummyTimeStamper

    now = datetime.now(UTC)
    ca_key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    ca_name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "Test TSA root")])
    ca_cert = (
        x509.CertificateBuilder()
        .subject_name(ca_name)
        .issuer_name(ca_name)
        .public_key(ca_key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - timedelta(days=1))
        .not_valid_after(now + timedelta(days=30))
        .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
        .sign(ca_key, hashes.SHA256())
    )
    tsa_key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    tsa_cert = (
        x509.CertificateBuilder()
        .subject_name(x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "Test TSA")]))
        .issuer_name(ca_name)
        .public_key(tsa_key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - timedelta(days=1))
        .not_valid_after(now + timedelta(days=30))
        .add_extension(x509.ExtendedKeyUsage([ExtendedKeyUsageOID.TIME_STAMPING]), critical=True)
        .sign(ca_key, hashes.SHA256())
    )
    stamper = DummyTimeStamper(
        tsa_cert=asn1_x509.Certificate.load(tsa_cert.public_bytes(serialization.Encoding.DER)),
        tsa_key=keys.PrivateKeyInfo.load(
            tsa_key.private_bytes(
                serialization.Encoding.DER,
                serialization.PrivateFormat.PKCS8,
                serialization.NoEncryption(),
            )
        ),
    )

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:  # noqa: N802 -- http.server's naming
            body = self.rfile.read(int(self.headers["Content-Length"]))
            reply = stamper.request_tsa_response(tsp.TimeStampReq.load(body)).dump()
            self.send_response(200)
            self.send_header("Content-Type", "application/timestamp-reply")
            self.send_header("Content-Length", str(len(reply)))
            self.end_headers()
            self.wfile.write(reply)

        def log_message(self, *args: object) -> None:
            pass

    server = HTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    ca_path = tmp_path_factory.mktemp("tsa") / "tsa-ca.pem"
    ca_path.write_bytes(ca_cert.public_bytes(serialization.Encoding.PEM))
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/", ca_path
    finally:
        server.shutdown()
        server.server_close()


def test_timestamp_url_gives_pades_b_t(
    unsigned_pdf: bytes,
    demo_identity: SigningIdentity,
    demo_ca: Path,
    timestamp_server: tuple[str, Path],
    tmp_path: Path,
) -> None:
    url, tsa_ca = timestamp_server
    signed = sign_pdf(
        unsigned_pdf, demo_identity, reason="Approved", location=None, timestamp_url=url
    )
    path = tmp_path / "b-t.pdf"
    path.write_bytes(signed)

    verdict = verify_pdf(path, [demo_ca, tsa_ca])
    assert verdict.ok, verdict.problems
    assert verdict.signed_at is not None

    # Without the TSA's root the signature is still trusted but the timestamp is not.
    untrusted_ts = verify_pdf(path, [demo_ca])
    assert not untrusted_ts.ok
    assert any("timestamp" in p for p in untrusted_ts.problems)
    assert "Signature is Valid" in run_pdfsig(path)


def test_unreachable_timestamp_server_is_a_signing_error(
    unsigned_pdf: bytes, demo_identity: SigningIdentity
) -> None:
    with pytest.raises(PolisiError, match="cannot sign PDF") as caught:
        sign_pdf(
            unsigned_pdf,
            demo_identity,
            reason="Approved",
            location=None,
            timestamp_url="http://127.0.0.1:9/",
        )
    assert "\n" not in str(caught.value)


# --------------------------------------------------------------------------- import cost


def test_importing_polisi_sign_does_not_import_pyhanko() -> None:
    code = "import sys, polisi, polisi.signing.sign; sys.exit('pyhanko' in sys.modules)"
    proc = subprocess.run([sys.executable, "-c", code], check=False, timeout=60)
    assert proc.returncode == 0


def test_an_ordinary_organisation_name_is_kept_whole(tmp_path: Path) -> None:
    identity = ensure_demo_identity(tmp_path / "demonstration", "Partnerships for Progress")
    assert identity.subject == "Partnerships for Progress (DEMONSTRATION signing)"
