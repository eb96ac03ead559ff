"""A small bilingual handbook (English source, Welsh translations) in a real git repository."""

from __future__ import annotations

from pathlib import Path

from polisi.edit.record_only import record_stated_approvals

from .gitbook import commit, document, init, polisi, write

POLISI_YML = """organisation: Test provider
service: Test centre
language: en-GB
languages: [en, cy]
source_language: en
bilingual:
  ids: [POL-SAF-01]
terms:
  cy:
    Test centre: Canolfan brawf
    Registered Manager: Rheolwr Cofrestredig
    Responsible Individual: Unigolyn Cyfrifol
    Board: Y Bwrdd
"""

SAF_BODY = """## Purpose

We keep children safe, as regulation 27 requires.

- Report the same day.
- Write down what you saw.

| Who | When |
| --- | --- |
| Manager | Same day |

See [missing persons](POL-MIS-01.md), [reporting](#purpose) and the
[statement of purpose](../statement_of_purpose/SOP-01.md).
"""

SAF_BODY_CY = """## Diben

Rydym yn cadw plant yn ddiogel, fel y mae rheoliad 27 yn ei ofyn.

- Rhoi gwybod yr un diwrnod.
- Ysgrifennu'r hyn a welsoch.

| Pwy | Pryd |
| --- | --- |
| Rheolwr | Yr un diwrnod |

Gweler [pobl ar goll](POL-MIS-01.cy.md), [rhoi gwybod](#diben) a'r
[datganiad o ddiben](../statement_of_purpose/SOP-01.md).
"""

MIS_BODY_CY = "## Ar goll\n\nBeth mae staff yn ei wneud.\n"


def welsh(doc_id: str, title: str, body: str, record: str = "", extra: str = "") -> str:
    lines = ["---", f"id: {doc_id}", f"title: {title}"]
    lines += [extra] if extra else []
    lines += ["translation:", "  state: draft"] + ([record] if record else [])
    return "\n".join(lines + ["---", "", body])


def bilingual_handbook(root: Path) -> Path:
    """SOP-01 (English only), POL-SAF-01 (must be bilingual) and POL-MIS-01 (may be), each in Welsh
    except SOP-01, recorded with ``polisi translated`` on 2026-02-01."""
    init(root)
    write(root, "polisi.yml", POLISI_YML)
    write(root, "statement_of_purpose/SOP-01.md",
          document("SOP-01", "Statement of purpose", approved_on="2026-01-05", owner="Responsible Individual"))
    write(root, "policies/POL-SAF-01.md",
          document("POL-SAF-01", "Safeguarding", approved_on="2026-01-10",
                   extra="legislation: [SPRI-2017:reg-27]", body=SAF_BODY))
    write(root, "policies/POL-MIS-01.md",
          document("POL-MIS-01", "Missing persons", approved_on="2026-01-10",
                   extra="legislation: [SPRI-2017:reg-64]", body="## Missing\n\nWhat staff do.\n"))
    write(root, "policies/POL-SAF-01.cy.md", welsh("POL-SAF-01", "Diogelu", SAF_BODY_CY))
    write(root, "policies/POL-MIS-01.cy.md", welsh("POL-MIS-01", "Pobl ar goll", MIS_BODY_CY))
    record_stated_approvals(root)
    commit(root, "Handbook in English and Welsh", "2026-01-20")
    for doc_id in ("POL-SAF-01", "POL-MIS-01"):
        done = polisi("translated", doc_id, str(root), "--by", "Translator", "--on", "2026-02-01",
                      when="2026-02-01")
        assert done.returncode == 0, done.stdout + done.stderr
    return root
