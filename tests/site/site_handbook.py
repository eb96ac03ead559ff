"""A small handbook in a real git repository, for the site tests.

Citations use ids from the shipped catalogue. Dates are fixed, and every build
passes an explicit as-of date, so the tests do not depend on today's date.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from polisi.handbook.approvals import content_digest, record_path

AS_OF = date(2026, 6, 1)
NEXT_REVIEW = "2027-03-01"
"""POL-SAF-01's next review: last reviewed 2026-03-01 + 12 months."""
SEARCH_TERM = "Kingfisher"
"""A word that appears in one procedure only, for the search test."""

FILES = {
    "polisi.yml": """\
organisation: Example Care Ltd
service: Example family centre
whats_new_days: 110
service_type: residential_family_centre
not_applicable:
  SPRI-2017:reg-10: Example Care Ltd is an organisation, not an individual provider.
areas:
  SAF: Safeguarding
  WB: Whistleblowing
""",
    "statement_of_purpose/SOP-01.md": """\
---
id: SOP-01
title: Statement of purpose
version: "1.0"
status: approved
owner: Responsible Individual
approved_by: Board
approved_on: 2026-03-01
last_reviewed: 2026-03-01
review_interval: 12 months
legislation: [SPRI-2017:reg-27]
---

## Our aims

We help families stay together safely.
""",
    "policies/POL-SAF-01.md": """\
---
id: POL-SAF-01
title: Safeguarding children and adults at risk
version: "2.0"
status: approved
owner: Registered Manager
approved_by: Responsible Individual
approved_on: 2026-03-01
last_reviewed: 2026-03-01
review_interval: 12 months
summary: How we keep children and adults at risk safe.
legislation: [SPRI-2017:reg-27, SSWBA-2014:s-130]
statutory_guidance: [SG-SPRI-2019:reg-27]
code_of_practice: [CoPP-W-2026]
guidance: [WSP:chi-s2]
procedures: [PRO-SAF-01, PRO-SAF-02]
---

## Purpose

Everyone at the centre keeps children and adults safe.

## What to do

Report a worry at once under [reporting a concern](../procedures/PRO-SAF-01.md#reporting-a-concern).
Allegations about staff follow [allegations against staff](../procedures/PRO-SAF-02.md).
""",
    "procedures/PRO-SAF-01.md": """\
---
id: PRO-SAF-01
title: Responding to a safeguarding concern
version: "1.1"
status: approved
owner: Deputy Manager
approved_by: Registered Manager
approved_on: 2026-03-01
last_reviewed: 2026-03-01
review_interval: 6 months
policy: POL-SAF-01
legislation: [SPRI-2017:reg-27]
---

This procedure carries out the [safeguarding policy](../policies/POL-SAF-01.md).

## Reporting a concern

Tell the shift leader, then meet in the Kingfisher room to write the record.
""",
    "procedures/PRO-SAF-02.md": """\
---
id: PRO-SAF-02
title: Allegations against staff
version: "0.3"
status: draft
owner: Registered Manager
policy: POL-SAF-01
---

## Steps

A draft: not yet approved.
""",
    "policies/POL-WB-01.md": """\
---
id: POL-WB-01
title: Whistleblowing
version: "1.0"
status: withdrawn
owner: Responsible Individual
---

## Purpose

Replaced by the new arrangements.
""",
}

RECORDS = {
    "SOP-01": [
        ("approved", "1.0", "Board", "2026-03-01", "First statement of purpose of the centre",
         "Board minutes 2026-03-01, item 2"),
    ],
    "POL-SAF-01": [
        ("approved", "1.0", "Responsible Individual", "2026-02-01", "First safeguarding policy of the centre", None),
        ("reviewed", "1.0", "Registered Manager", "2026-02-15",
         "Checked against the new regional procedures; nothing needed changing", None),
        ("approved", "2.0", "Responsible Individual", "2026-03-01",
         "Names the procedure for allegations against staff", "Board minutes 2026-03-01, item 4"),
    ],
    "PRO-SAF-01": [
        ("approved", "1.1", "Registered Manager", "2026-03-01", "Tell the shift leader first, then write the record",
         None),
    ],
}
"""Each approved document's approval record: (event, version, by, date, summary, evidence), oldest first."""

WHATS_NEW_DAYS = 110
"""The handbook's ``whats_new_days``: on AS_OF the window reaches back to 11 February 2026, so the review of
15 February is in it and the first approval (1 February) is not."""

GUIDE = {
    "docs/index.md": """\
# How to use this site

Start with the [safeguarding policy](../policies/POL-SAF-01.md). Read [who to ask](who-to-ask.md) when
something is unclear.

<script>alert("not on the staff site")</script>
""",
    "docs/who-to-ask.md": """\
# Who to ask

| Question | Ask |
| --- | --- |
| A policy | The shift leader |
""",
}
"""The handbook's guide pages (``docs/``), which the site publishes under ``guide/``."""

MINIMAL_PDF = (
    b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n"
    b"2 0 obj<</Type/Pages/Kids[3 0 R]/Count 1>>endobj\n"
    b"3 0 obj<</Type/Page/Parent 2 0 R/MediaBox[0 0 200 200]>>endobj\n"
    b"trailer<</Root 1 0 R>>\n%%EOF\n"
)


def _git(root: Path, *args: str, when: str) -> None:
    env = {
        **os.environ,
        "GIT_AUTHOR_DATE": when,
        "GIT_COMMITTER_DATE": when,
        "GIT_AUTHOR_NAME": "Policy Lead",
        "GIT_AUTHOR_EMAIL": "lead@example.org",
        "GIT_COMMITTER_NAME": "Policy Lead",
        "GIT_COMMITTER_EMAIL": "lead@example.org",
    }
    subprocess.run(["git", *args], cwd=root, env=env, check=True, capture_output=True)


def write_handbook(root: Path) -> Path:
    """Write the handbook, commit it on fixed dates (two revisions of POL-SAF-01), add a PDF."""
    root.mkdir(parents=True, exist_ok=True)
    _git(root, "init", "-q", "-b", "main", when="2026-02-01T10:00:00+00:00")
    for name, text in {**FILES, **GUIDE}.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text.replace('version: "2.0"', 'version: "1.0"'), encoding="utf-8")
    _git(root, "add", "-A", when="2026-02-01T10:00:00+00:00")
    _git(root, "commit", "-q", "-m", "First handbook", when="2026-02-01T10:00:00+00:00")
    (root / "policies/POL-SAF-01.md").write_text(FILES["policies/POL-SAF-01.md"], encoding="utf-8")
    write_records(root)
    _git(root, "add", "-A", when="2026-03-01T10:00:00+00:00")
    _git(
        root,
        "commit",
        "-q",
        "-m",
        "Safeguarding policy version 2.0 approved",
        when="2026-03-01T10:00:00+00:00",
    )
    (root / "build" / "pdf").mkdir(parents=True)
    (root / "build" / "pdf" / "POL-SAF-01.pdf").write_bytes(MINIMAL_PDF)
    return root


def write_records(root: Path) -> None:
    """``approvals/<ID>.yml`` for :data:`RECORDS`, each entry holding the digest of the current text."""
    for doc_id, entries in RECORDS.items():
        path = next(p for p in FILES if p.endswith(f"/{doc_id}.md"))
        digest = content_digest(path, FILES[path])
        lines = [f"id: {doc_id}", "entries:"]
        for event, version, by, on, summary, evidence in entries:
            lines += [f"  - event: {event}", f'    version: "{version}"', f"    by: {by}", f"    date: {on}",
                      f"    sha256: {digest}", f"    summary: {summary}"]
            lines += [f"    evidence: {evidence}"] if evidence else []
        file = root / record_path(doc_id)
        file.parent.mkdir(exist_ok=True)
        file.write_text("\n".join(lines) + "\n", encoding="utf-8")


def run_polisi(*args: str, cwd: Path | None = None) -> subprocess.CompletedProcess[str]:
    src = Path(__file__).resolve().parents[2] / "src"
    env = {**os.environ, "PYTHONPATH": str(src)}
    return subprocess.run(
        [sys.executable, "-m", "polisi", *args],
        cwd=cwd,
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )


def site_files(site: Path) -> dict[str, object]:
    """Every built file's bytes; the search index as its sorted entries (order does not matter)."""
    files: dict[str, object] = {}
    for path in sorted(site.rglob("*")):
        rel = path.relative_to(site).as_posix()
        if rel == "search/search_index.json":
            index = json.loads(path.read_text("utf-8"))
            files[rel] = (index["config"], sorted(index["docs"], key=lambda d: json.dumps(d, sort_keys=True)))
        elif path.is_file():
            files[rel] = path.read_bytes()
    return files


@dataclass(frozen=True)
class BuiltSite:
    handbook: Path
    staff: Path
    """The default build: approved documents only."""
    preview: Path
    """The --include-drafts build."""
