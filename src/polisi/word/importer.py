"""``polisi import``: turn existing Word policies into handbook documents.

A provider adopting polisi starts with a folder of Word files. Each becomes a
draft Markdown document in the right folder, with its pictures beside it and
as much front matter as can be found; everything polisi had to guess is
returned as a :class:`Guess` so the command can list it, and anything the
policy lead must look at as an attention note. Nothing existing is overwritten.
"""

from __future__ import annotations

import os
import re
import shutil
import tempfile
from collections.abc import Sequence
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path

from polisi.errors import PolisiError, UsageError
from polisi.handbook.model import Handbook, Kind, load_handbook
from polisi.handbook.naming import next_free_id, yaml_text
from polisi.handbook.schema import ID_PATTERN, VERSION_PATTERN
from polisi.processes import is_alive
from polisi.word.control import take_control
from polisi.word.docxfile import check_word_file, core_properties, custom_properties
from polisi.word.legalrefs import Mention, find_mentions, proposed_citations
from polisi.word.pandoc import run_pandoc
from polisi.word.premark import premarked
from polisi.word.roundtrip import ADMONITIONS, EXPORT_MARK, restore_export
from polisi.word.tidy import first_heading, indent_lists, letter_lists, level_headings, unbracket_lists
from polisi.word.wordmarks import relink_bookmarks, word_marks

BODY_MARK = "<!-- polisi: body follows -->"
MEDIA_STAGING = "polisi-media"
DEFAULT_OWNER = "Registered Manager"
DEFAULT_VERSION = "1.0"
REVIEW_KEYS = ("approved_by", "approved_on", "last_reviewed", "review_interval")
_TEMPLATES = resources.files("polisi") / "render" / "templates"


@dataclass(frozen=True)
class ImportOptions:
    """What the policy lead told the command; anything left ``None`` is guessed."""

    kind: Kind | None = None
    doc_id: str | None = None
    area: str | None = None
    owner: str | None = None
    policy: str | None = None
    """Procedures only: the policy the procedure belongs to."""


@dataclass(frozen=True)
class Guess:
    """A front-matter value polisi chose itself, and why."""

    key: str
    value: str
    why: str


@dataclass(frozen=True)
class Imported:
    """One Word document written into the handbook."""

    source: Path
    doc_id: str
    path: str
    """The new document, relative to the handbook root."""
    media: tuple[str, ...]
    guesses: tuple[Guess, ...]
    attention: tuple[str, ...]


@dataclass(frozen=True)
class Converted:
    """pandoc's reading of a Word file: tidy Markdown plus what it found on the way."""

    body: str
    word_title: str | None
    title_heading: str | None
    """The heading taken out of the body as the title: the only Heading 1, or one repeating the title."""
    first_heading: str | None
    media_dir: Path | None
    workdir: Path = field(repr=False)
    control: dict[str, str] = field(default_factory=dict)
    """Owner and version as the document's own control table or block gives them."""
    notes: tuple[str, ...] = ()


def import_word(root: Path, source: Path, options: ImportOptions, handbook: Handbook | None = None) -> Imported:
    """Convert ``source`` into a new draft document of the handbook at ``root``."""
    check_word_file(source)
    if options.policy and not re.match(ID_PATTERN, options.policy):
        raise UsageError(f"--policy {options.policy} is not a policy id (POL-AREA-NN)")
    handbook = handbook or load_handbook(root)
    remove_abandoned(Path(tempfile.gettempdir()), "polisi-import-*")
    workdir = Path(tempfile.mkdtemp(prefix=f"polisi-import-{os.getpid()}-"))
    try:
        properties = custom_properties(source)
        if EXPORT_MARK in properties:
            return _write_restored(root, source, workdir, properties, options)
        converted = convert_word(source, workdir)
        return _write_document(root, handbook, source, converted, options)
    finally:
        shutil.rmtree(workdir, ignore_errors=True)


def _pandoc_markdown(source: Path, workdir: Path, admonitions: Sequence[str] = ()) -> tuple[str | None, str]:
    """(Word's title, the body as Markdown with list indents and letters tidied for Python-Markdown).

    ``admonitions`` are the kinds of the file's admonitions, in order, when its properties say.
    """
    marked = premarked(source, workdir, admonitions)
    with resources.as_file(_TEMPLATES / "import.lua") as lua, resources.as_file(_TEMPLATES / "import.gfm") as tpl:
        out = run_pandoc(
            ["-f", "docx", "-t", "gfm", "--wrap=none", f"--extract-media={MEDIA_STAGING}",
             "--track-changes=accept", "--standalone", f"--template={tpl}", f"--lua-filter={lua}",
             marked.resolve()],
            cwd=workdir,
        )
    head, _, body = out.partition(BODY_MARK + "\n")
    return core_properties(source).title or head.strip() or None, letter_lists(indent_lists(body))


def _write_restored(root: Path, source: Path, workdir: Path, properties: dict[str, str],
                    options: ImportOptions) -> Imported:
    """A Word copy polisi exported goes back to the document it came from, front matter and all."""
    word_title, markdown = _pandoc_markdown(source, workdir, properties.get(ADMONITIONS, "").split(";"))
    markdown, bracketed = unbracket_lists(markdown)
    restored = restore_export(markdown, properties, word_title or source.stem)
    folder = root / restored.kind.folder
    target = folder / f"{restored.doc_id}.md"
    if target.exists():
        raise UsageError(f"{target.relative_to(root).as_posix()} already exists; polisi import never overwrites")
    media = workdir / MEDIA_STAGING
    converted = Converted(restored.body, word_title, None, None, media if media.is_dir() else None, workdir)
    body, pictures, dropped = pictures_of(converted, restored.doc_id)
    media_written = write_into_handbook(root, target, restored.front + "\n" + body, pictures)
    why = "from the document properties and front block of polisi's own Word copy"
    return Imported(source, restored.doc_id, target.relative_to(root).as_posix(), tuple(media_written),
                    (Guess("id", restored.doc_id, why),), (*_bracket_notes(bracketed), *dropped))


def _bracket_notes(bracketed: int) -> list[str]:
    """What the report says when Word numbered lists ``(a)``, written ``a)`` in the Markdown."""
    if not bracketed:
        return []
    return [f"Word numbers {bracketed} list(s) in brackets, \"(a)\"; they are written \"a)\" (Markdown has no "
            "opening bracket), so a reference such as \"see (b)\" may need rewording"]


def convert_word(source: Path, workdir: Path) -> Converted:
    """Run pandoc on ``source``; pictures are extracted under ``workdir``.

    Then the Markdown is tidied for Python-Markdown (list indents, letters), the control table or
    block is read and taken out, headings move to handbook levels, and links to headings'
    Word bookmarks are pointed at the headings' ids.
    """
    word_title, markdown = _pandoc_markdown(source, workdir)
    markdown, bracketed = unbracket_lists(markdown)
    control = take_control(markdown)
    levelled = level_headings(control.body, word_title)
    marks = word_marks(source)
    notes = [f"took {what} out of the body (its owner and version are in the front matter)"
             for what in control.removed]
    notes.extend(_bracket_notes(bracketed))
    if marks.numbered_headings:
        notes.append(f"Word numbers {marks.numbered_headings} heading(s) automatically; the numbers are not "
                     "carried over, so reword references such as \"see section 7.1\"")
    media = workdir / MEDIA_STAGING
    return Converted(
        body=relink_bookmarks(levelled.body, marks.heading_bookmarks),
        word_title=word_title,
        title_heading=levelled.title,
        first_heading=first_heading(levelled.body),
        media_dir=media if media.is_dir() else None,
        workdir=workdir,
        control=control.values,
        notes=tuple(notes),
    )


def _write_document(
    root: Path, handbook: Handbook, source: Path, converted: Converted, options: ImportOptions
) -> Imported:
    guesses: list[Guess] = []
    attention: list[str] = []
    title = _title(source, converted, guesses)
    kind = options.kind or _guess_kind(source, title, guesses)
    doc_id = _document_id(root, handbook, kind, title, options, guesses)
    folder = root / kind.folder
    target = folder / f"{doc_id}.md"
    if target.exists():
        raise UsageError(f"{target.relative_to(root).as_posix()} already exists; polisi import never overwrites")
    body, pictures, dropped = pictures_of(converted, doc_id)
    attention.extend(dropped)
    control = _control_values(converted.control)
    owner = options.owner or control.get("owner")
    if options.owner is None:
        why = "from the document's own control table" if owner else "no --owner given and none in the document"
        guesses.append(Guess("owner", owner or DEFAULT_OWNER, why))
    version = control.get("version")
    guesses.append(Guess("version", version or DEFAULT_VERSION,
                         "from the document's own control table" if version else "none found in the document"))
    mentions = find_mentions(body, handbook.catalogue)
    citations = proposed_citations(mentions)
    front = _front_matter(doc_id, title, version or DEFAULT_VERSION, owner or DEFAULT_OWNER,
                          citations, kind, options.policy)
    rel = target.relative_to(root).as_posix()
    first_body_line = front.count("\n") + 2
    for clause in citations:
        first = next(m for m in mentions if m.clause_id == clause)
        guesses.append(Guess("legislation", clause, f"{rel}:{first.line + first_body_line - 1} says \"{first.text}\""))
    attention.extend(_unresolved(mentions, rel, first_body_line))
    attention.extend(converted.notes)
    attention.extend(_body_notes(body, kind, options.policy))
    media = write_into_handbook(root, target, front + "\n" + body, pictures)
    return Imported(source, doc_id, rel, tuple(media), tuple(guesses), tuple(attention))


def _title(source: Path, converted: Converted, guesses: list[Guess]) -> str:
    """The only Heading 1 (or one repeating Word's title) beats Word's title property, which is
    often left over from a template; then the property, the first heading, the file name."""
    word_title, heading = converted.word_title, converted.title_heading
    if heading and (not word_title or word_title.strip().lower() != heading.strip().lower()):
        why = "from the document's only Heading 1" + (
            f" (Word's title property says \"{word_title}\")" if word_title else "")
        guesses.append(Guess("title", heading, why))
        return heading
    if converted.word_title:
        guesses.append(Guess("title", converted.word_title, "from the Word document's title"))
        return converted.word_title
    if converted.first_heading:
        guesses.append(Guess("title", converted.first_heading, "from the first heading"))
        return converted.first_heading
    name = re.sub(r"[_\s]+", " ", source.stem).strip()
    guesses.append(Guess("title", name, "from the file name (no title or heading in the document)"))
    return name


def _guess_kind(source: Path, title: str, guesses: list[Guess]) -> Kind:
    said = f"{title} {source.stem}".lower()
    if "procedure" in said:
        guesses.append(Guess("kind", "procedure", "the title or file name says procedure"))
        return Kind.PROCEDURE
    guesses.append(Guess("kind", "policy", "no --kind given and the title does not say procedure"))
    return Kind.POLICY


def _document_id(
    root: Path, handbook: Handbook, kind: Kind, title: str, options: ImportOptions, guesses: list[Guess]
) -> str:
    if options.doc_id:
        if not re.match(ID_PATTERN, options.doc_id) or not options.doc_id.startswith(kind.prefix + "-"):
            raise UsageError(f"--id {options.doc_id} is not a {kind.label.lower()} id ({kind.prefix}-AREA-NN)")
        return options.doc_id
    area, why = _area(handbook, title, options.area)
    doc_id = next_free_id(root, handbook, kind, area)
    guesses.append(Guess("id", doc_id, f"{why}; the first number not yet used"))
    return doc_id


def _area(handbook: Handbook, title: str, given: str | None) -> tuple[str, str]:
    """The area code whose name shares most words with the title."""
    if given:
        if not re.fullmatch(r"[A-Z]{2,4}", given):
            raise UsageError(f"--area {given} is not an area code (2-4 capital letters)")
        return given, f"area {given} as given"
    words = _stems(title)
    scored = [
        (len(words & _stems(name)), code, name)
        for code, name in handbook.config.areas.items() if code != "SOP"
    ]
    best = max(scored, default=(0, "", ""))
    if best[0] > 0:
        return best[1], f"area {best[1]} ({best[2]}) matches the title"
    first = next((w for w in re.findall(r"[A-Za-z]+", title) if _stems(w)), "general")
    code = first[:3].upper()
    return code, f"no area in polisi.yml matches the title, so {code} from its first word (add it to areas)"


def _stems(text: str) -> set[str]:
    """Significant words cut to five letters, so "safeguard" meets "safeguarding"."""
    return {w[:5] for w in re.findall(r"[a-z]+", text.lower()) if len(w) > 3 and w not in {"policy", "procedure"}}


MAX_PICTURE_BYTES = 20 * 2**20
"""A picture larger than this is left out (and noted): a screenshot or chart is well under it."""


def pictures_of(converted: Converted, doc_id: str) -> tuple[str, list[Path], list[str]]:
    """The extracted pictures to keep, the body pointing at ``media/<ID>/``, and a note per picture dropped."""
    body = converted.body
    if converted.media_dir is None:
        return body, [], []
    kept, notes = [], []
    for picture in sorted(p for p in converted.media_dir.rglob("*") if p.is_file()):
        staged = picture.relative_to(converted.workdir).as_posix()
        size = picture.stat().st_size
        if size > MAX_PICTURE_BYTES:
            notes.append(f"picture {picture.name} ({size // 2**20} MB) is larger than {MAX_PICTURE_BYTES // 2**20} "
                         "MB and was left out; its link now points at nothing until you add a smaller copy")
        else:
            kept.append(picture)
        body = body.replace(f"]({staged})", f"](media/{doc_id}/{picture.name})")
        body = body.replace(f'src="{staged}"', f'src="media/{doc_id}/{picture.name}"')
    return body, kept, notes


def write_into_handbook(root: Path, target: Path, text: str, pictures: list[Path]) -> list[str]:
    """Write the document and its pictures, or nothing: both are staged beside their places and
    renamed in only when complete, so a failed or killed import never blocks the next one."""
    folder = target.parent
    destination = folder / "media" / target.stem
    if destination.exists():
        raise UsageError(f"{destination.relative_to(root).as_posix()} already exists; polisi import never overwrites")
    remove_abandoned(folder, ".*.importing-*")
    remove_abandoned(folder / "media", ".*.importing-*")
    suffix = f".importing-{os.getpid()}"
    staged_text = folder / f".{target.name}{suffix}"
    staged_media = folder / "media" / f".{target.stem}{suffix}"
    try:
        if pictures:
            staged_media.mkdir(parents=True)
            for picture in pictures:
                shutil.copyfile(picture, staged_media / picture.name)
        folder.mkdir(parents=True, exist_ok=True)
        staged_text.write_text(text, encoding="utf-8")
        if pictures:
            staged_media.rename(destination)
        try:
            os.link(staged_text, target)  # fails, rather than overwrites, if the document appeared meanwhile
        except FileExistsError:
            shutil.rmtree(destination, ignore_errors=True)
            shown = target.relative_to(root).as_posix()
            raise UsageError(f"{shown} already exists; polisi import never overwrites") from None
    finally:
        staged_text.unlink(missing_ok=True)
        shutil.rmtree(staged_media, ignore_errors=True)
    return [(destination / p.name).relative_to(root).as_posix() for p in pictures]


def remove_abandoned(folder: Path, pattern: str) -> None:
    """Delete what an import that is no longer running left in ``folder`` (its process id is in the name)."""
    for path in folder.glob(pattern) if folder.is_dir() else []:
        pid = re.search(r"-(\d+)(?:-|$)", path.name)
        if pid is None or is_alive(int(pid.group(1))):
            continue
        if path.is_dir():
            shutil.rmtree(path, ignore_errors=True)
        else:
            path.unlink(missing_ok=True)


def _control_values(values: dict[str, str]) -> dict[str, str]:
    """Owner as written, and version as a MAJOR.MINOR string ("2" is "2.0"), from the control table."""
    found: dict[str, str] = {}
    if values.get("owner"):
        found["owner"] = values["owner"]
    number = re.search(r"\d+(?:\.\d+)?", values.get("version", ""))
    if number:
        text = number.group(0) if "." in number.group(0) else number.group(0) + ".0"
        if re.match(VERSION_PATTERN, text):
            found["version"] = text
    return found


def _front_matter(
    doc_id: str, title: str, version: str, owner: str, citations: list[str], kind: Kind, policy: str | None
) -> str:
    lines = ["---", f"id: {doc_id}", f"title: {yaml_text(title)}", f'version: "{version}"', "status: draft",
             f"owner: {yaml_text(owner)}"]
    if citations:
        lines.append(f"legislation: [{', '.join(citations)}]")
    if kind is Kind.PROCEDURE and policy:
        lines.append(f"policy: {policy}")
    lines.append("# For the policy lead to fill in before approval:")
    lines.extend(f"# {key}:" for key in REVIEW_KEYS)
    lines.append("---")
    return "\n".join(lines) + "\n"


def _unresolved(mentions: list[Mention], rel: str, first_body_line: int) -> list[str]:
    return [
        f"{rel}:{m.line + first_body_line - 1}: \"{m.text}\" not proposed: {m.reason}"
        for m in mentions if m.clause_id is None
    ]


def _body_notes(body: str, kind: Kind, policy: str | None) -> list[str]:
    notes = []
    if "<table" in body:
        notes.append("a table has merged cells or several paragraphs in a cell, so it was kept as HTML")
    untitled = body.count("![](")
    if untitled:
        notes.append(f"{untitled} picture(s) without alt text; describe each for screen readers")
    if kind is Kind.PROCEDURE:
        notes.append(f"list it in the procedures of {policy}" if policy else
                     "name the policy it belongs to (policy: POL-...) and list it in that policy's procedures")
    return notes


def import_folder(root: Path, folder: Path, options: ImportOptions) -> list[Imported | tuple[Path, PolisiError]]:
    """Import every .docx in ``folder`` (not sub-folders), carrying on past files that fail."""
    if options.doc_id:
        raise UsageError("--id names one document; it cannot be used when importing a folder")
    handbook = load_handbook(root)
    results: list[Imported | tuple[Path, PolisiError]] = []
    for source in sorted(p for p in folder.iterdir() if p.suffix.lower() == ".docx" and not p.name.startswith("~$")):
        try:
            results.append(import_word(root, source, options, handbook))
        except PolisiError as exc:
            results.append((source, exc))
    return results
