"""Attacks on what the signatures promise, by someone who can write the build folder.

The build folder is published and copied, so it holds no secret; ``verify`` trusts
nothing in it; the manifest is signed inside the bundle, so a swapped PDF with an
edited hash, a deleted, incomplete or hostile manifest each fail with one line; a
single-output build that leaves the bundle stale says so; and every page signed
with the demonstration certificate says that too.
"""

from __future__ import annotations

import hashlib
import json
import shutil
import subprocess
from datetime import UTC, datetime
from pathlib import Path

import pytest

from polisi.handbook.model import load_handbook
from polisi.signing.identity import demo_folder, ensure_demo_identity
from polisi.signing.manifest import check_manifest, embed_manifest
from polisi.signing.sign import sign_pdf
from polisi.signing.signer import signer_for

from .pdf_handbook import AS_OF, pdftotext, run

ORG = "Example Care Ltd"


def outputs(root: Path) -> list[Path]:
    build = root / "build"
    return [build / "bundle" / "inspector-bundle.pdf", *sorted((build / "pdf").glob("*.pdf"))]


@pytest.fixture
def copy(built: Path, tmp_path: Path) -> Path:
    root = tmp_path / "handbook"
    shutil.copytree(built, root)
    return root


def verify(capsys: pytest.CaptureFixture[str], *args: str | Path) -> tuple[int, list[str]]:
    capsys.readouterr()
    status = run("verify", *map(str, args))
    return status, capsys.readouterr().out.splitlines()


def test_nothing_under_build_is_secret(built: Path) -> None:
    build = built / "build"
    assert not (build / "signing").exists()
    for path in (p for p in build.rglob("*") if p.is_file()):
        data = path.read_bytes()
        assert b"PRIVATE KEY" not in data and not path.name.endswith((".p12", ".pfx", ".passphrase")), path
    key = demo_folder(ORG) / "demo-signing.p12"
    assert key.is_file() and not key.resolve().is_relative_to(built.resolve())
    assert key.read_bytes() not in b"".join(p.read_bytes() for p in build.rglob("*.pdf"))


def test_every_page_signed_by_the_demonstration_certificate_says_so(built: Path) -> None:
    for path in outputs(built):
        pages = pdftotext(path).split("\f")[:-1]
        assert pages and all("DEMONSTRATION SIGNATURE" in page for page in pages), path.name
        assert all("Not for real use." in page for page in pages), path.name


def test_a_ca_planted_in_the_build_folder_is_not_trusted(copy: Path, tmp_path: Path,
                                                        capsys: pytest.CaptureFixture[str]) -> None:
    rogue = ensure_demo_identity(tmp_path / "rogue", ORG)  # same name, another key
    (copy / "build" / "signing").mkdir()
    shutil.copy(tmp_path / "rogue" / "ca.pem", copy / "build" / "signing" / "ca.pem")
    policy = copy / "build" / "pdf" / "POL-SAF-01.pdf"
    policy.write_bytes(sign_pdf(_first_revision(policy), rogue, reason="forged", location=None, timestamp_url=None))
    status, lines = verify(capsys, "--handbook", copy, policy)
    assert status == 1
    # the forger's CA copies the real one's name, so the chain is found and its signature fails
    assert lines == [f"{policy}: FAILED: signer {ORG} (DEMONSTRATION signing) is not trusted "
                     "(CERTIFICATE_CHAIN_GENERAL_FAILURE)"]


def _first_revision(path: Path) -> bytes:
    """The unsigned PDF the signature was appended to: everything up to its first %%EOF."""
    data = path.read_bytes()
    return data[: data.index(b"%%EOF") + len(b"%%EOF\n")]


def test_a_swapped_pdf_with_an_edited_hash_fails(copy: Path, capsys: pytest.CaptureFixture[str]) -> None:
    build = copy / "build"
    policy = build / "pdf" / "POL-SAF-01.pdf"
    policy.write_bytes(_first_revision(policy))  # the unsigned original
    manifest = json.loads((build / "bundle" / "manifest.json").read_text(encoding="utf-8"))
    for entry in manifest["files"]:
        if entry["path"] == "pdf/POL-SAF-01.pdf":
            entry["sha256"] = hashlib.sha256(policy.read_bytes()).hexdigest()
            entry["bytes"] = policy.stat().st_size
    (build / "bundle" / "manifest.json").write_text(json.dumps(manifest, indent=2) + "\n", encoding="utf-8")
    status, lines = verify(capsys, "--handbook", copy, build / "bundle" / "inspector-bundle.pdf", policy)
    assert status == 1
    assert lines[0] == (
        f"{build / 'bundle' / 'inspector-bundle.pdf'}: FAILED: pdf/POL-SAF-01.pdf does not match the manifest "
        "signed into the bundle (changed or rebuilt after the bundle: run polisi build bundle); manifest.json "
        "beside the bundle is not the manifest the bundle signed")
    assert lines[1] == f"{policy}: FAILED: no signature found"


def test_incomplete_or_missing_files_fail_and_a_deleted_copy_beside_is_harmless(
        copy: Path, capsys: pytest.CaptureFixture[str]) -> None:
    build = copy / "build"
    bundle = build / "bundle" / "inspector-bundle.pdf"
    (build / "bundle" / "manifest.json").unlink()
    status, lines = verify(capsys, "--handbook", copy, bundle)
    assert status == 0 and lines[0].endswith("manifest manifest.json: every file matches")  # the signed copy rules
    shutil.copy(build / "pdf" / "SOP-01.pdf", build / "pdf" / "POL-NEW-01.pdf")
    (build / "docx" / "SOP-01.docx").unlink()
    status, lines = verify(capsys, "--handbook", copy, bundle)
    assert status == 1
    assert lines == [f"{bundle}: FAILED: docx/SOP-01.docx is listed in the signed manifest but missing; "
                     "pdf/POL-NEW-01.pdf is not in the signed manifest (built after the bundle: run polisi "
                     "build bundle)"]


def test_a_signed_file_posing_as_the_bundle_without_a_manifest_fails(copy: Path,
                                                                     capsys: pytest.CaptureFixture[str]) -> None:
    bundle = copy / "build" / "bundle" / "inspector-bundle.pdf"
    shutil.copy(copy / "build" / "pdf" / "SOP-01.pdf", bundle)
    status, lines = verify(capsys, "--handbook", copy, bundle)
    assert status == 1
    assert lines == [f"{bundle}: FAILED: the bundle carries no signed manifest "
                     "(built by an older polisi: run polisi build bundle)"]


@pytest.mark.parametrize(("manifest", "problem"), [
    (b'{"files": [{"path": "../../etc/passwd", "sha256": "0"}]}',
     "the signed manifest names a path outside the output folder: ../../etc/passwd"),
    (b'{"files": [{"path": "/etc/passwd", "sha256": "0"}]}',
     "the signed manifest names a path outside the output folder: /etc/passwd"),
    (b'{"files": [{"path": "pdf/SOP-01.pdf"}]}', "the signed manifest is malformed (KeyError)"),
    (b'{"files": 3}', "the signed manifest is malformed (TypeError)"),
    (b"not json", "the signed manifest is malformed (JSONDecodeError)"),
])
def test_a_hostile_signed_manifest_fails_with_one_line(copy: Path, manifest: bytes, problem: str,
                                                       capsys: pytest.CaptureFixture[str]) -> None:
    bundle = copy / "build" / "bundle" / "inspector-bundle.pdf"
    assert check_manifest(manifest, copy / "build") == [problem]
    signer = signer_for(load_handbook(copy))
    hostile = embed_manifest(_first_revision(bundle), manifest, datetime(2026, 1, 1, tzinfo=UTC))
    bundle.write_bytes(signer.sign(hostile, "hostile"))
    (copy / "build" / "bundle" / "manifest.json").write_bytes(manifest)
    status, lines = verify(capsys, "--handbook", copy, bundle)
    assert status == 1 and lines == [f"{bundle}: FAILED: {problem}"]


def test_a_pdf_only_build_after_the_bundle_says_the_bundle_is_stale(copy: Path,
                                                                     capsys: pytest.CaptureFixture[str]) -> None:
    policy = copy / "policies" / "POL-SAF-01.md"
    policy.write_text(policy.read_text(encoding="utf-8") + "\nA new paragraph.\n", encoding="utf-8")
    capsys.readouterr()
    assert run("build", "pdf", str(copy), "--as-of", AS_OF) == 0
    err = capsys.readouterr().err
    assert err.splitlines() == [
        "polisi: Signed PDFs: 3/4", "polisi: Signed PDFs: 4/4 done",  # the three unchanged PDFs are reused
        f"polisi: note: {copy / 'build' / 'bundle' / 'inspector-bundle.pdf'} no longer matches the files beside "
        "it (its signed manifest is out of date); run 'polisi build bundle' or 'polisi build all' before handing "
        "it to an inspector"]
    status, lines = verify(capsys, "--handbook", copy, copy / "build" / "bundle" / "inspector-bundle.pdf")
    assert status == 1 and "pdf/POL-SAF-01.pdf does not match the manifest signed into the bundle" in lines[0]


def test_a_fingerprint_committed_in_polisi_yml_is_the_trust_anchor(copy: Path,
                                                                    capsys: pytest.CaptureFixture[str]) -> None:
    from cryptography import x509
    from cryptography.hazmat.primitives import hashes

    ca = x509.load_pem_x509_certificate((demo_folder(ORG) / "ca.pem").read_bytes())
    pin = ca.fingerprint(hashes.SHA256()).hex(":").upper()
    config = copy / "polisi.yml"
    base = config.read_text(encoding="utf-8")
    # a configured key (never opened by verify) means the demonstration CA is not trusted by default
    config.write_text(base + f"signing:\n  pkcs12: /nonexistent/org.p12\n  fingerprints: ['{pin}']\n",
                      encoding="utf-8")
    status, lines = verify(capsys, "--handbook", copy, *outputs(copy))
    assert status == 0 and all(": OK signed by" in line for line in lines)
    wrong = "00" * 32
    config.write_text(base + f"signing:\n  pkcs12: /nonexistent/org.p12\n  fingerprints: ['{wrong}']\n",
                      encoding="utf-8")
    status, lines = verify(capsys, "--handbook", copy, *outputs(copy))
    assert status == 1 and all("does not chain to a trusted root" in line for line in lines)


def test_a_key_inside_the_build_folder_is_refused(copy: Path, capsys: pytest.CaptureFixture[str]) -> None:
    shutil.copy(demo_folder(ORG) / "demo-signing.p12", copy / "build" / "org.p12")
    config = copy / "polisi.yml"
    config.write_text(config.read_text(encoding="utf-8") + "signing:\n  pkcs12: build/org.p12\n", encoding="utf-8")
    capsys.readouterr()
    assert run("build", "pdf", str(copy), "--as-of", AS_OF) == 2
    assert capsys.readouterr().err.splitlines()[-1] == (
        "polisi: error: signing.pkcs12 build/org.p12 is inside the build folder, which is published and copied; "
        "keep keys and passphrases outside it (see README, 'Keeping the signing key')")


def test_pdfsig_accepts_every_output(built: Path) -> None:
    if shutil.which("pdfsig") is None:
        pytest.skip("poppler's pdfsig is not installed")
    for path in outputs(built):
        out = subprocess.run(["pdfsig", str(path)], capture_output=True, text=True, check=False).stdout
        assert "Signature Validation: Signature is Valid." in out and "Total document signed" in out, path


def test_an_internal_error_has_its_own_exit_status(base_handbook: Path, monkeypatch: pytest.MonkeyPatch,
                                                   capsys: pytest.CaptureFixture[str]) -> None:
    def broken(*args: object, **kwargs: object) -> None:
        raise ZeroDivisionError("division by zero")

    monkeypatch.setattr("polisi.check.rules.check", broken)
    assert run("check", str(base_handbook), "--as-of", AS_OF) == 3
    assert capsys.readouterr().err == (
        "polisi: internal error: ZeroDivisionError: division by zero (run with --debug for details)\n")
