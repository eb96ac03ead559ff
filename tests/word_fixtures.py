"""Word documents and small handbooks made by the tests themselves (python-docx and pandoc).

Nothing here is a stored binary: every .docx is built at test time, so what
each test feeds to ``polisi import`` is visible in this file.
"""

from __future__ import annotations

import re
import struct
import subprocess
import zipfile
import zlib
from pathlib import Path

import docx
from docx.oxml import parse_xml

from polisi.edit.record_only import record_stated_approvals
from polisi.handbook.markdown import render_markdown
from polisi.word.pandoc import pandoc_path

W = 'xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"'

CLAUSES = """\
instrument:
  id: SPRI-2017
  kind: legislation
  title: The Regulated Services (Service Providers and Responsible Individuals) (Wales) Regulations 2017
  short_title: SI 2017/1264
  citation: SI 2017/1264
  url: https://www.legislation.gov.uk/wsi/2017/1264/contents
  provenance: primary
  source: https://www.legislation.gov.uk/wsi/2017/1264/contents
clauses:
  - {locator: reg-27, title: Safeguarding policies and procedures, provenance: primary, source: test}
  - {locator: reg-64, title: Staff fitness, provenance: primary, source: test}
  - {locator: reg-80, title: Quality of care review, provenance: primary, source: test}
"""
ACT = """\
instrument:
  id: SSWBA-2014
  kind: legislation
  title: Social Services and Well-being (Wales) Act 2014
  short_title: SSWBA 2014
  citation: Social Services and Well-being (Wales) Act 2014 (2014 anaw 4)
  url: https://www.legislation.gov.uk/anaw/2014/4/contents
  provenance: primary
  source: https://www.legislation.gov.uk/anaw/2014/4/contents
clauses:
  - {locator: s-130, title: Duty to report adults at risk, provenance: primary, source: test}
"""
"""The clauses the tests cite, declared in the handbook so the tests do not depend on the shipped data."""

CONFIG = """\
organisation: Test Provider Ltd
service: Test family centre
areas:
  SAF: Safeguarding
  MED: Medicines management
"""

STATEMENT = """\
---
id: SOP-01
title: Statement of purpose
version: "1.0"
status: approved
owner: Responsible Individual
approved_by: Board
approved_on: 2026-01-10
last_reviewed: 2026-01-10
review_interval: 12 months
---

## Our aims

We help families stay together safely.
"""


def make_handbook(root: Path, policy_procedures: tuple[str, ...] = ()) -> Path:
    """A valid handbook: statement of purpose, one approved safeguarding policy (approvals recorded), test clauses."""
    (root / "references").mkdir(parents=True)
    (root / "references" / "spri.yaml").write_text(CLAUSES, encoding="utf-8")
    (root / "references" / "sswba.yaml").write_text(ACT, encoding="utf-8")
    (root / "polisi.yml").write_text(CONFIG, encoding="utf-8")
    (root / "statement_of_purpose").mkdir()
    (root / "statement_of_purpose" / "SOP-01.md").write_text(STATEMENT, encoding="utf-8")
    (root / "policies").mkdir()
    procedures = f"procedures: [{', '.join(policy_procedures)}]\n" if policy_procedures else ""
    (root / "policies" / "POL-SAF-01.md").write_text(
        "---\nid: POL-SAF-01\ntitle: Safeguarding\nversion: \"2.0\"\nstatus: approved\nowner: Registered Manager\n"
        "approved_by: Responsible Individual\napproved_on: 2026-02-01\nlast_reviewed: 2026-02-01\n"
        f"review_interval: 12 months\nlegislation: [SPRI-2017:reg-27]\n{procedures}---\n\n"
        "## Purpose\n\nHow we keep people safe.\n",
        encoding="utf-8",
    )
    (root / "procedures").mkdir()
    record_stated_approvals(root)
    return root


def png(width: int = 12, height: int = 8) -> bytes:
    """A small solid red PNG, written by hand so no imaging library is needed."""
    raw = b"".join(b"\x00" + b"\xc0\x10\x10" * width for _ in range(height))

    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)

    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", zlib.compress(raw)) + chunk(b"IEND", b"")


MEDICINES_MARKDOWN = """\
# Medicines administration procedure

# Purpose

This procedure meets Regulation 27, reg. 64 and regulation 80(2), and section 130 of the 2014 Act. \
Regulation 11 also applies.

# Steps

1. Check the chart
    1. Check the **name**
    2. Check the *dose*[^1]
        - at the right time
2. Give the dose

- Record it
    - in the MAR chart

| Who | Does what |
|-----|-----------|
| Staff | Gives the **dose** |
| Manager | Audits the chart |

![Red warning box](box.png)

Read the [CIW guidance](https://www.careinspectorate.wales) first.

[^1]: As prescribed by the GP.
"""


def medicines_docx(folder: Path) -> Path:
    """A procedure written in Word's usual way: Heading 1 sections, real numbered lists, a picture,
    a footnote, a table, a title in File > Properties, and tracked changes not yet accepted."""
    (folder / "box.png").write_bytes(png())
    (folder / "medicines.md").write_text(MEDICINES_MARKDOWN, encoding="utf-8")
    path = folder / "Medicines procedure.docx"
    # Made by pandoc directly: polisi's own runs are sandboxed and would not read the picture.
    subprocess.run([pandoc_path(), "medicines.md", "-o", path.name], cwd=folder, check=True, capture_output=True)
    document = docx.Document(str(path))
    document.core_properties.title = "Medicines administration procedure"
    paragraph = document.add_paragraph("Doses are checked by ")
    paragraph._p.append(parse_xml(
        f'<w:ins {W} w:id="901" w:author="Reviewer" w:date="2026-03-01T10:00:00Z">'
        '<w:r><w:t xml:space="preserve">two members of staff</w:t></w:r></w:ins>'
    ))
    paragraph._p.append(parse_xml(
        f'<w:del {W} w:id="902" w:author="Reviewer" w:date="2026-03-01T10:00:00Z">'
        '<w:r><w:delText xml:space="preserve">one member of staff</w:delText></w:r></w:del>'
    ))
    paragraph.add_run(".")
    document.save(str(path))
    return path


def native_docx(path: Path) -> Path:
    """A document made with python-docx alone: one Heading 1 title, a control table, a picture without alt text."""
    document = docx.Document()
    document.core_properties.title = ""
    document.add_heading("Safeguarding adults at risk", 1)
    table = document.add_table(rows=2, cols=2)
    for row, (label, value) in zip(table.rows, [("Policy owner", "Deputy Manager"), ("Version", "3.2")], strict=True):
        row.cells[0].text, row.cells[1].text = label, value
    document.add_heading("Purpose", 2)
    document.add_paragraph(
        "Staff report concerns under section 130 of the Social Services and Well-being (Wales) Act 2014."
    )
    picture = path.parent / "native.png"
    picture.write_bytes(png(20, 10))
    document.add_picture(str(picture))
    document.save(str(path))
    return path


def corrupt_docx(path: Path, good: Path) -> Path:
    """The first half of a real .docx, as left by an interrupted copy."""
    data = good.read_bytes()
    path.write_bytes(data[: len(data) // 2])
    return path


def encrypted_lookalike(path: Path) -> Path:
    """What Word writes for a password-protected .docx: an OLE compound file holding an EncryptedPackage stream."""
    header = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 504
    directory = "EncryptedPackage".encode("utf-16-le") + b"\x00" * 40 + "EncryptionInfo".encode("utf-16-le")
    path.write_bytes(header + directory + b"\x00" * 1024)
    return path


def zip_not_word(path: Path) -> Path:
    """A zip archive (as a spreadsheet or ODF file is) with no Word document inside."""
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("content.xml", "<office:document/>")
    return path


TEMPLATE_POLICY = """\
# Document control

| Document control | |
|---|---|
| Policy owner | Deputy Manager |
| Version | 2.3 |
| Review date | March 2027 |

# Infection prevention and control

## Purpose

[Definitions]{#Definitions} of the words used are in this paragraph; see
[the definitions](#Definitions) and
[after an exposure](#after-an-exposure-to-blood-or-body-fluids-at-work-including-needlestick-injuries).

First aid follows the Health and Safety (First Aid) Regulations 1981 and regulation 27.

## Who does what

a. the shift leader checks the cleaning rota;
b. the Deputy Manager audits it monthly;
c. see (b) for the audit record.

## After an exposure to blood or body fluids at work, including needlestick injuries

Wash the wound and report it.
"""
CONTROL_BLOCK_POLICY = """\
# Lone working

**Policy owner:** Registered Manager\\
**Version:** 4\\
**Review date:** 1 May 2027

## Purpose

Staff who work alone carry a phone.
"""


def template_docx(path: Path, markdown: str = TEMPLATE_POLICY, *, stale_title: str | None = None,
                  numbered_headings: bool = False) -> Path:
    """A provider's Word policy as template vendors ship them, made by pandoc from ``markdown``:
    optionally a title property left over from the template, and Heading 2 numbered by Word."""
    source = path.with_suffix(".md")
    source.write_text(markdown, encoding="utf-8")
    subprocess.run([pandoc_path(), "-f", "markdown", "-t", "docx", "-o", str(path), str(source)], check=True,
                   capture_output=True)
    document = docx.Document(str(path))
    if stale_title is not None:
        document.core_properties.title = stale_title
    if numbered_headings:
        numbering = document.part.numbering_part.element
        numbering.append(parse_xml(
            f'<w:abstractNum {W} w:abstractNumId="90"><w:lvl w:ilvl="0"><w:start w:val="1"/>'
            '<w:numFmt w:val="decimal"/><w:lvlText w:val="%1."/></w:lvl></w:abstractNum>'))
        numbering.append(parse_xml(f'<w:num {W} w:numId="90"><w:abstractNumId w:val="90"/></w:num>'))
        style = document.styles["Heading 2"].element.get_or_add_pPr()
        style.append(parse_xml(f'<w:numPr {W}><w:numId w:val="90"/></w:numPr>'))
    document.save(str(path))
    return path


def structure(body: str) -> str:
    """The rendered body with layout whitespace gone: what staff read, and its structure."""
    html = re.sub(r"\s+", " ", re.sub(r">\s+<", "><", render_markdown(body))).strip()
    # A list item's text with or without <p> (a loose or tight list) reads the same.
    return re.sub(r"<li><p>(.*?)</p>(?=</li>|<ul>|<ol)", r"<li>\1", html)
