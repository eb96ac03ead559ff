"""A small handbook with a portal section, in a real git repository, for the portal tests.

Five approved documents: three for everyone (one with a question to answer), one for managers,
one for night staff. Dates are fixed; commits carry fixed dates.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from tests.gitbook import git as shared_git

SRC = Path(__file__).resolve().parents[2] / "src"
COMMITTED = "2026-03-01T10:00:00+00:00"

POLISI_YML = """\
organisation: Example Care Ltd
service: Example family centre
areas:
  SAF: Safeguarding
  WB: Whistleblowing
  REC: Safer recruitment
  INC: Incidents
portal:
  database: ledger/portal.sqlite3
  url: http://127.0.0.1:8000
  managers: [Registered Manager]
  due_days: 14
  roles:
    Registered Manager: [Managers]
    Night worker: [Night staff]
"""

FRONT = """\
---
id: {id}
title: {title}
version: "{version}"
status: approved
owner: Registered Manager
approved_by: Responsible Individual
approved_on: 2026-03-01
last_reviewed: 2026-03-01
review_interval: 12 months
{extra}---

## Purpose

{body}
"""

DOCUMENTS = {
    "statement_of_purpose/SOP-01.md": dict(id="SOP-01", title="Statement of purpose", version="1.0",
                                            extra="legislation: [SPRI-2017:reg-27]\n",
                                            body="We help families stay together safely."),
    "policies/POL-SAF-01.md": dict(
        id="POL-SAF-01", title="Safeguarding children and adults at risk", version="2.0",
        extra=("audience: [All staff]\nprocedures: [PRO-SAF-01]\nquestions:\n"
               "  - question: Who do you tell first about a worry?\n"
               "    choices: [A friend, The shift leader, Nobody]\n"
               "    answer: The shift leader\n"),
        body="Everyone at the centre keeps children and adults safe. Tell the shift leader at once."),
    "procedures/PRO-SAF-01.md": dict(id="PRO-SAF-01", title="Responding to a safeguarding concern", version="1.1",
                                     extra="policy: POL-SAF-01\n",
                                     body="Tell the shift leader, then write the record in the Kingfisher room."),
    "policies/POL-REC-01.md": dict(id="POL-REC-01", title="Safer recruitment", version="1.0",
                                   extra="audience: [Managers]\n", body="How managers recruit safely."),
    "policies/POL-INC-01.md": dict(id="POL-INC-01", title="Incidents at night", version="1.0",
                                   extra="audience: [Night staff]\n", body="What night staff do after an incident."),
}

STAFF_CSV = """\
name,email,roles,start_date
Rhian Manager,rhian@example.org,Registered Manager,2025-01-06
Owen Worker,owen@example.org,Family support worker,2025-09-01
Nia Night,nia@example.org,Night worker;Family support worker,2026-04-01
"""


def write_document(root: Path, path: str, **changes: str) -> None:
    fields = {**DOCUMENTS[path], **changes}
    (root / path).parent.mkdir(parents=True, exist_ok=True)
    (root / path).write_text(FRONT.format(**fields), encoding="utf-8")


def git(root: Path, *args: str, when: str = COMMITTED) -> None:
    """Git with a fixed identity, and commits dated ``when`` (1 March 2026 unless told)."""
    shared_git(root, *args, when=when)


def write_handbook(root: Path) -> Path:
    root.mkdir(parents=True, exist_ok=True)
    (root / "polisi.yml").write_text(POLISI_YML, encoding="utf-8")
    (root / ".gitignore").write_text("build/\nledger/\n", encoding="utf-8")
    for path in DOCUMENTS:
        write_document(root, path)
    git(root, "init", "-q", "-b", "main")
    git(root, "add", "-A")
    git(root, "commit", "-q", "-m", "Handbook approved")
    return root


def run_polisi(
    *args: str, env: dict[str, str] | None = None, cwd: Path | None = None
) -> subprocess.CompletedProcess[str]:
    full = {**os.environ, "PYTHONPATH": str(SRC), **(env or {})}
    return subprocess.run([sys.executable, "-m", "polisi", *args], env=full, cwd=cwd, capture_output=True,
                          text=True, check=False, timeout=120)
