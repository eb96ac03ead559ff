"""Incremental site builds and ``polisi serve``'s restaging: what they publish and report is exactly
what a build from nothing publishes and reports, after every kind of change.

Each step changes the handbook, builds it incrementally (the cache of the last build kept), then
builds the same handbook with no cache and compares the two sites file by file; the incremental
cache is put back, so the next step builds on it. The findings of a failing build are compared
with ``polisi check`` and with a build from nothing.
"""

from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path

from site_handbook import AS_OF, run_polisi, site_files, write_handbook
from tests.word_fixtures import png

from polisi.check.gate import CheckFailed
from polisi.handbook.approvals import content_digest
from polisi.handbook.model import LoadMemo
from polisi.output import format_report
from polisi.render.site_incremental import STAGED
from polisi.render.site_pages import PageCache
from polisi.render.site_serve import restage

BUILD = ("build", "site", "--as-of", AS_OF.isoformat())
FINDING = re.compile(r"^\S+:\d+:\d+: (error|warning): [A-Z_]+ ")
CHART, REDRAWN = png(12, 8), png(16, 8)
"""A picture, and the same picture drawn again (real PNGs: check refuses a picture it cannot read)."""
MEDICINES = """\
---
id: POL-MED-01
title: Medicines
version: "1.0"
status: approved
owner: Registered Manager
approved_by: Responsible Individual
approved_on: 2026-03-01
last_reviewed: 2026-03-01
review_interval: 12 months
legislation: [SPRI-2017:reg-27]
---

## Purpose

Medicines are stored locked and recorded every time they are given.
"""


def _build(root: Path) -> subprocess.CompletedProcess[str]:
    return run_polisi(*BUILD[:2], str(root), *BUILD[2:])


def _cold(root: Path) -> subprocess.CompletedProcess[str]:
    """Build with no cache, then put the incremental cache back for the next step."""
    cache, kept = root / "build/cache", root.parent / "kept-cache"
    shutil.rmtree(kept, ignore_errors=True)
    shutil.move(cache, kept)
    try:
        return _build(root)
    finally:
        shutil.rmtree(cache, ignore_errors=True)
        shutil.move(kept, cache)


def _same_as_cold(root: Path) -> dict[str, object]:
    """Build incrementally, check that a build from nothing makes exactly the same site, return it."""
    result = _build(root)
    assert result.returncode == 0, result.stderr
    incremental = site_files(root / "build/site")
    cold = _cold(root)
    assert cold.returncode == 0, cold.stderr
    assert site_files(root / "build/site") == incremental
    assert cold.stdout == result.stdout
    return incremental


def _edit(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text, f"{old!r} is not in {path}"
    path.write_text(text.replace(old, new), encoding="utf-8")


def _text(files: dict[str, object], rel: str) -> str:
    data = files[rel]
    assert isinstance(data, bytes)
    return data.decode("utf-8")


def test_incremental_site_equals_a_cold_build_after_each_kind_of_change(tmp_path: Path) -> None:
    root = write_handbook(tmp_path / "handbook")
    assert _build(root).returncode == 0
    policy, procedure = root / "policies/POL-SAF-01.md", root / "procedures/PRO-SAF-01.md"
    statement = root / "statement_of_purpose/SOP-01.md"

    # A title other pages show (its procedure's page, unchanged itself, and the lists), and a
    # body with a new image.
    _edit(statement, "stay together safely.", "stay together safely.\n\n![How we work](chart.png)")
    (root / "statement_of_purpose/chart.png").write_bytes(CHART)
    _edit(policy, "title: Safeguarding children and adults at risk", "title: Keeping children and adults safe")
    site = _same_as_cold(root)
    assert "Keeping children and adults safe" in _text(site, "procedures/PRO-SAF-01.html")
    assert "Keeping children and adults safe" in _text(site, "policies/index.html")
    assert site["statement_of_purpose/chart.png"] == CHART

    # Only a linked file's bytes change (the page linking to it is kept as it was staged), and
    # a body the image is not on.
    (root / "statement_of_purpose/chart.png").write_bytes(REDRAWN)
    _edit(policy, "Everyone at the centre keeps", "Everyone at the centre always keeps")
    site = _same_as_cold(root)
    assert site["statement_of_purpose/chart.png"] == REDRAWN
    assert "always keeps" in _text(site, "policies/POL-SAF-01.html")

    # Committed, a new document in an area polisi.yml does not name with its approval record (its
    # revision history), a procedure back to draft (links to it now point at the page saying it is
    # not published) and an image no longer linked.
    (root / "policies/POL-MED-01.md").write_text(MEDICINES, encoding="utf-8")
    (root / "approvals/POL-MED-01.yml").write_text(
        'id: POL-MED-01\nentries:\n  - event: approved\n    version: "1.0"\n    by: Responsible Individual\n'
        f"    date: 2026-03-01\n    sha256: {content_digest('policies/POL-MED-01.md', MEDICINES)}\n"
        "    summary: First medicines policy of the centre\n", encoding="utf-8")
    _edit(procedure, "status: approved", "status: draft")
    (root / "statement_of_purpose/chart.png").unlink()
    _edit(statement, "\n\n![How we work](chart.png)", "")
    subprocess.run(["git", "add", "-A"], cwd=root, check=True)
    subprocess.run(["git", "-c", "user.name=Lead", "-c", "user.email=l@example.org", "commit", "-qm",
                    "Medicines policy added"], cwd=root, check=True)
    site = _same_as_cold(root)
    assert "procedures/PRO-SAF-01.html" not in site and "statement_of_purpose/chart.png" not in site
    assert "unpublished/PRO-SAF-01.html" in site
    assert "First medicines policy of the centre" in _text(site, "policies/POL-MED-01.html")
    assert "Medicines policy added" not in _text(site, "policies/POL-MED-01.html")  # commit messages are not shown
    label = "Area MED (not named in polisi.yml)"
    for page in ("areas.html", "policies/index.html", "policies/POL-MED-01.html"):
        assert label in _text(site, page), page
        assert not re.search(r">\s*MED\s*<", _text(site, page)), f"{page} shows the bare code"
    assert '<h2 id="med">Area MED (not named in polisi.yml)' in _text(site, "areas.html")


def _findings(output: str) -> list[str]:
    return [line for line in output.splitlines() if FINDING.match(line)]


def _restage_findings(root: Path, live: Path, pages: PageCache, memo: LoadMemo) -> list[str]:
    """What ``polisi serve`` reports when it restages (what earlier restages left in memory kept)."""
    try:
        restage(root, AS_OF, False, live, pages, memo)
    except CheckFailed as failed:
        return _findings(format_report(failed.report, "text"))
    raise AssertionError("the restage passed its checks")


def _staged(folder: Path) -> dict[str, bytes]:
    return {p.relative_to(folder).as_posix(): p.read_bytes()
            for part in STAGED for p in sorted((folder / part).rglob("*")) if p.is_file()}


def test_incremental_paths_report_every_finding_a_cold_run_does(tmp_path: Path) -> None:
    """An error in the edited file, and one in an unchanged file that the edit broke, are
    reported by an incremental build and by ``polisi serve`` exactly as by a cold run."""
    root = write_handbook(tmp_path / "handbook")
    assert _build(root).returncode == 0
    live, pages = tmp_path / "live", PageCache()
    memo: LoadMemo = {}
    restage(root, AS_OF, False, live, pages, memo)
    procedure = root / "procedures/PRO-SAF-01.md"
    good = procedure.read_text(encoding="utf-8")

    def reported_alike(path: str, code: str) -> None:
        """Every finding alike, but the edited approved text's CHANGED_SINCE_APPROVAL: ``check`` calls it
        an error, a site build a warning (it builds previews of unapproved text)."""
        def found(output: str) -> list[str]:
            return [line for line in _findings(output) if " CHANGED_SINCE_APPROVAL " not in line]

        incremental, cold = _build(root), _cold(root)
        assert incremental.returncode == cold.returncode == 1
        check = run_polisi("check", str(root), "--as-of", AS_OF.isoformat())
        expected = found(check.stdout + check.stderr)
        assert [line for line in expected if line.startswith(f"{path}:") and f" {code} " in line], expected
        assert found(incremental.stderr + incremental.stdout) == expected
        assert found(cold.stderr + cold.stdout) == expected
        assert [line for line in _restage_findings(root, live, pages, memo)
                if " CHANGED_SINCE_APPROVAL " not in line] == expected

    _edit(procedure, "This procedure carries out", "See [the missing part](../policies/POL-SAF-01.md#no-such-part). "
          "This procedure carries out")
    reported_alike("procedures/PRO-SAF-01.md", "BROKEN_ANCHOR")
    procedure.write_text(good, encoding="utf-8")
    _edit(procedure, "## Reporting a concern", "## Raising a worry")  # the policy links to #reporting-a-concern
    reported_alike("policies/POL-SAF-01.md", "BROKEN_ANCHOR")
    procedure.write_text(good.replace('version: "1.1"', "version: 1.1"), encoding="utf-8")
    reported_alike("procedures/PRO-SAF-01.md", "WRONG_TYPE")  # found while loading, not by a rule

    procedure.write_text(good.replace("Kingfisher room", "Heron room"), encoding="utf-8")
    restage(root, AS_OF, False, live, pages, memo)
    fresh = tmp_path / "fresh"
    restage(root, AS_OF, False, fresh, PageCache())
    staged = {rel: data.replace(str(live).encode(), str(fresh).encode()) for rel, data in _staged(live).items()}
    assert staged == _staged(fresh)
    assert "Heron room" in (live / "docs/procedures/PRO-SAF-01.md").read_text(encoding="utf-8")
