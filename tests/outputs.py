"""Reading every published output back as text, to hold it word for word against its source.

The source's words are those of its one rendering (``render_markdown``) with the markup gone,
so Markdown syntax is not counted as words; each output must hold each word at least as often
as the source does (outputs add headers, footers and front blocks, never fewer words).
"""

from __future__ import annotations

import html
import re
import subprocess
import zipfile
from collections import Counter
from pathlib import Path

import docx
import pikepdf

from polisi.handbook.markdown import render_markdown

WORD = re.compile(r"\w+")
_TAG = re.compile(r"<[^>]+>")
_FOOTNOTE_BACKREF = re.compile(r'<a class="footnote-backref"[^>]*>.*?</a>', re.DOTALL)
_ALT = re.compile(r'<img[^>]*\balt="([^"]*)"')
_ARTICLE = re.compile(r'<article class="md-content__inner[^>]*>(.*?)</article>', re.DOTALL)


def words(text: str) -> Counter[str]:
    return Counter(w.lower() for w in WORD.findall(text))


def html_text(fragment: str) -> str:
    """The visible text of an HTML fragment (pictures' alt texts are not visible text)."""
    return html.unescape(_TAG.sub(" ", _FOOTNOTE_BACKREF.sub("", fragment)))


def source_words(body: str) -> Counter[str]:
    """The words a reader of the rendered body sees."""
    return words(html_text(render_markdown(body)))


def alt_texts(body: str) -> list[str]:
    return [html.unescape(alt) for alt in _ALT.findall(render_markdown(body))]


def pdf_alt_texts(path: Path) -> list[str]:
    """Every /Alt of the PDF's structure tree: what a screen reader says for each picture."""
    with pikepdf.open(path) as pdf:
        return [str(obj.Alt) for obj in pdf.objects
                if isinstance(obj, pikepdf.Dictionary) and "/Alt" in obj]


def word_alt_texts(path: Path) -> list[str]:
    with zipfile.ZipFile(path) as package:
        return [html.unescape(d) for d in re.findall(r'<wp:docPr [^>]*descr="([^"]*)"',
                                                      package.read("word/document.xml").decode("utf-8"))]


def pdf_text(path: Path) -> str:
    return subprocess.run(["pdftotext", str(path), "-"], capture_output=True, text=True, check=True).stdout


def site_text(page: Path) -> str:
    article = _ARTICLE.search(page.read_text(encoding="utf-8"))
    assert article, f"{page} has no article"
    return html_text(article.group(1))


def word_text(path: Path) -> str:
    """Paragraphs, table cells and footnotes of a .docx."""
    document = docx.Document(str(path))
    parts = [p.text for p in document.paragraphs]
    parts += [cell.text for table in document.tables for row in table.rows for cell in row.cells]
    with zipfile.ZipFile(path) as package:
        if "word/footnotes.xml" in package.namelist():
            parts.append(html_text(package.read("word/footnotes.xml").decode("utf-8")))
    return "\n".join(parts)


def missing(source: Counter[str], output: str) -> dict[str, int]:
    """Each source word the output holds fewer times than the source, with how many are short."""
    have = words(output)
    return {word: count - have[word] for word, count in source.items() if have[word] < count}


def word_list_format(path: Path, item: str) -> tuple[str, str, int]:
    """How Word numbers the list paragraph that starts with ``item``: its format (``lowerLetter``),
    its marker text (``%1)``) and its first number, read from the numbering part it points at."""
    document = docx.Document(str(path))
    paragraph = next(p for p in document.paragraphs if p.text.startswith(item))
    number = paragraph._p.pPr.numPr
    num_id, level = number.numId.val, number.ilvl.val if number.ilvl is not None else 0
    numbering = document.part.numbering_part.element
    w = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
    (num,) = numbering.xpath(f'w:num[@w:numId="{num_id}"]')
    abstract = num.find(f"{w}abstractNumId").get(f"{w}val")
    (lvl,) = numbering.xpath(f'w:abstractNum[@w:abstractNumId="{abstract}"]/w:lvl[@w:ilvl="{level}"]')
    start = lvl.find(f"{w}start")
    return (lvl.find(f"{w}numFmt").get(f"{w}val"), lvl.find(f"{w}lvlText").get(f"{w}val"),
            int(start.get(f"{w}val")) if start is not None else 1)


def pdf_pages(path: Path) -> list[tuple[float, float, str]]:
    """Each page's width and height in points and its text (``pdftotext``, headers and footers included)."""
    with pikepdf.open(path) as pdf:
        sizes = [(float(p.mediabox[2] - p.mediabox[0]), float(p.mediabox[3] - p.mediabox[1])) for p in pdf.pages]
    return [(width, height, subprocess.run(["pdftotext", "-f", str(n), "-l", str(n), str(path), "-"],
                                           capture_output=True, text=True, check=True).stdout)
            for n, (width, height) in enumerate(sizes, start=1)]
