"""Regenerate src/polisi/render/templates/reference.docx, the house styles of Word export.

Run once, when the styles change:

    .venv/bin/python scripts/make_reference_docx.py

It starts from pandoc's own default reference document (so every style pandoc
uses exists) and adjusts fonts, colours, table borders and the two styles the
export's Lua filter gives admonitions ("Admonition", "Admonition Title").
An organisation replaces the result with its own: see README "Word copies".
"""

from __future__ import annotations

import sys
import tempfile
from pathlib import Path

import docx
from docx.enum.style import WD_STYLE_TYPE
from docx.oxml import parse_xml
from docx.shared import Pt, RGBColor

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "src"))

from polisi.word.pandoc import run_pandoc  # noqa: E402

TARGET = Path(__file__).resolve().parents[1] / "src/polisi/render/templates/reference.docx"
FONT = "Arial"
INK = RGBColor(0x1A, 0x1A, 0x1A)
ACCENT = RGBColor(0x0B, 0x4F, 0x6C)
NS = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
W = f'xmlns:w="{NS}"'


def main() -> None:
    with tempfile.TemporaryDirectory() as tmp:
        start = Path(tmp) / "default.docx"
        run_pandoc(["-o", start, "--print-default-data-file", "reference.docx"])
        document = docx.Document(str(start))
    styles = document.styles
    for name in ("Normal", "Body Text", "First Paragraph", "Compact"):
        font = styles[name].font
        font.name, font.size, font.color.rgb = FONT, Pt(11), INK
    for level, size in ((1, 18), (2, 14), (3, 12), (4, 11)):
        font = styles[f"Heading {level}"].font
        font.name, font.size, font.color.rgb, font.bold = FONT, Pt(size), ACCENT, True
    title = styles["Title"].font
    title.name, title.size, title.color.rgb = FONT, Pt(24), ACCENT
    _table_borders(styles["Table"])
    admonition = _paragraph_style(styles, "Admonition")
    admonition.font.name = FONT
    _shade(admonition, "FFF4E5", "E8A33D")
    heading = _paragraph_style(styles, "Admonition Title", base=admonition)
    heading.font.bold = True
    document.core_properties.title = "polisi house styles"
    document.core_properties.author = "polisi"
    document.save(str(TARGET))
    print(f"wrote {TARGET}")


def _paragraph_style(styles, name: str, base=None):  # type: ignore[no-untyped-def]
    style = styles[name] if name in [s.name for s in styles] else styles.add_style(name, WD_STYLE_TYPE.PARAGRAPH)
    style.base_style = base or styles["Body Text"]
    style.quick_style = True
    return style


def _shade(style, fill: str, border: str) -> None:  # type: ignore[no-untyped-def]
    """A tinted box with a coloured bar on the left, the way the site shows a warning."""
    ppr = style.element.get_or_add_pPr()
    ppr.append(parse_xml(
        f'<w:pBdr {W}><w:left w:val="single" w:sz="24" w:space="8" w:color="{border}"/></w:pBdr>'
    ))
    ppr.append(parse_xml(f'<w:shd {W} w:val="clear" w:color="auto" w:fill="{fill}"/>'))
    ppr.append(parse_xml(f'<w:ind {W} w:left="284" w:right="284"/>'))


def _table_borders(style) -> None:  # type: ignore[no-untyped-def]
    """Thin grey borders on every cell, so tables read as tables in Word."""
    tblpr = style.element.find(f"{{{NS}}}tblPr")
    if tblpr is None:
        tblpr = parse_xml(f"<w:tblPr {W}/>")
        style.element.append(tblpr)
    edges = "".join(
        f'<w:{edge} w:val="single" w:sz="4" w:space="0" w:color="A0A0A0"/>'
        for edge in ("top", "left", "bottom", "right", "insideH", "insideV")
    )
    borders = parse_xml(f"<w:tblBorders {W}>{edges}</w:tblBorders>")
    after = tblpr.find(f"{{{NS}}}tblCellMar")  # the schema puts borders before cell margins
    if after is None:
        tblpr.append(borders)
    else:
        after.addprevious(borders)


if __name__ == "__main__":
    main()
