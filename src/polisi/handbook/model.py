"""Stage 2: the handbook model: validated documents and the lookups every later stage uses.

``load_handbook`` turns source files into :class:`Document` objects, recording a
finding (never raising) for each file or key that does not fit the schema. A
file that fails is left out of ``documents`` but its name is remembered, so a
link to it is not also reported as a link to nothing.
"""

from __future__ import annotations

import difflib
from collections.abc import Iterator
from dataclasses import dataclass, field, replace
from datetime import date
from enum import StrEnum
from functools import cached_property
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from polisi.errors import UsageError
from polisi.findings import Finding, Severity
from polisi.handbook.approvals import ApprovalRecord, load_records
from polisi.handbook.catalogue import Catalogue, load_catalogue
from polisi.handbook.config import Config, load_config
from polisi.handbook.load import SourceFile, decode_source, discover, read_source
from polisi.handbook.review_dates import ReviewStatus, add_interval, review_status
from polisi.handbook.schema import CITATION_KEYS, FIELD_NAMES, STATUSES, FrontMatter, TranslationFrontMatter
from polisi.handbook.translation import Translation, split_stem
from polisi.handbook.yamlpos import Loc


class Kind(StrEnum):
    """The three kinds of handbook document, each with its own folder and id prefix."""

    STATEMENT = "statement_of_purpose"
    POLICY = "policy"
    PROCEDURE = "procedure"

    @property
    def folder(self) -> str:
        return {"statement_of_purpose": "statement_of_purpose", "policy": "policies", "procedure": "procedures"}[
            self.value
        ]

    @property
    def prefix(self) -> str:
        return {"statement_of_purpose": "SOP", "policy": "POL", "procedure": "PRO"}[self.value]

    @property
    def label(self) -> str:
        return {"statement_of_purpose": "Statement of Purpose", "policy": "Policy", "procedure": "Procedure"}[
            self.value
        ]

    @classmethod
    def for_folder(cls, folder: str) -> Kind:
        return next(k for k in cls if k.folder == folder)


@dataclass(frozen=True)
class Document:
    """One validated handbook document."""

    kind: Kind
    meta: FrontMatter
    source: SourceFile
    translations: tuple[Translation, ...] = ()
    """Its translations (``ID.<lang>.md`` beside it), in file order."""
    language: str | None = None
    """``None`` for the document as written; a language code for :meth:`in_language`'s view."""

    @property
    def id(self) -> str:
        return self.meta.id

    @property
    def title(self) -> str:
        return self.meta.title

    @property
    def status(self) -> str:
        return self.meta.status

    @property
    def path(self) -> str:
        return self.source.path

    @property
    def body(self) -> str:
        return self.source.body

    @property
    def citations(self) -> tuple[tuple[str, str], ...]:
        """Every ``(key, clause id)`` the document cites, in display order."""
        return tuple((key, clause_id) for key in CITATION_KEYS for clause_id in getattr(self.meta, key))

    @property
    def area(self) -> str:
        """The area code in the id (``SAF`` in ``POL-SAF-01``); ``SOP`` for the statement of purpose."""
        parts = self.id.split("-")
        return parts[1] if len(parts) == 3 else parts[0]

    @property
    def approved(self) -> bool:
        return self.meta.status == "approved"

    @property
    def next_review(self) -> date | None:
        if self.meta.last_reviewed is None or self.meta.review_interval is None:
            return None
        return add_interval(self.meta.last_reviewed, self.meta.review_interval)

    def review(self, as_of: date, warning_days: int) -> ReviewStatus | None:
        """Review status on ``as_of``; ``None`` when the document has no review dates."""
        if self.meta.last_reviewed is None or self.meta.review_interval is None:
            return None
        return review_status(self.meta.last_reviewed, self.meta.review_interval, as_of, warning_days)

    def translation(self, language: str) -> Translation | None:
        return next((t for t in self.translations if t.language == language), None)

    def in_language(self, language: str) -> Document:
        """The document as its translation into ``language`` reads: the source's shared front matter
        with the translated title, summary and audience, and the translated body (for rendering)."""
        found = self.translation(language)
        if found is None:
            raise KeyError(f"{self.id} has no translation into {language}")
        meta = self.meta.model_copy(
            update={"title": found.meta.title, "summary": found.meta.summary or self.meta.summary,
                    "audience": found.meta.audience or self.meta.audience}
        )
        return Document(self.kind, meta, found.source, (), language)

    def at(self, *loc: str | int) -> tuple[int, int]:
        """Line and column of a front-matter value (or the nearest thing that exists)."""
        return self.source.front.position(tuple(loc))

    def finding(self, loc: Loc, severity: Severity, code: str, message: str) -> Finding:
        line, col = self.source.front.position(loc)
        return Finding(self.path, line, col, severity, code, message)


@dataclass(frozen=True)
class Handbook:
    """Every document of one handbook, with its configuration and catalogue."""

    root: Path
    config: Config
    catalogue: Catalogue
    documents: tuple[Document, ...]
    load_findings: tuple[Finding, ...] = ()
    unreadable: frozenset[str] = field(default_factory=frozenset)
    """Relative paths of document files that exist but could not be loaded."""
    records: dict[str, ApprovalRecord] = field(default_factory=dict)
    """The approval record of each document that has one (``approvals/<ID>.yml``), by id."""
    orphan_translations: tuple[Translation, ...] = ()
    """Translation files with no source document beside them (``check`` reports them)."""

    @cached_property
    def by_id(self) -> dict[str, Document]:
        found: dict[str, Document] = {}
        for doc in self.documents:
            found.setdefault(doc.id, doc)
        return found

    @cached_property
    def by_path(self) -> dict[str, Document]:
        return {doc.path: doc for doc in self.documents}

    @cached_property
    def translated_paths(self) -> dict[str, tuple[Document, str]]:
        """Path of every translation file -> (its source document, its language)."""
        return {t.path: (doc, t.language) for doc in self.documents for t in doc.translations}

    @property
    def build_dir(self) -> Path:
        """Where every output of this handbook is written."""
        return self.root / self.config.build_dir

    def get(self, doc_id: str) -> Document | None:
        return self.by_id.get(doc_id)

    def __iter__(self) -> Iterator[Document]:
        return iter(self.documents)

    def bodies(self) -> Iterator[Document | Translation]:
        """Every document and, after each, its translations: every body an output prints, so every
        rule about what a body says or how it renders reads each of them, at its own file's lines."""
        for doc in self.documents:
            yield doc
            yield from doc.translations

    def of_kind(self, kind: Kind) -> tuple[Document, ...]:
        return tuple(d for d in self.documents if d.kind is kind)

    @property
    def statement(self) -> Document | None:
        return next(iter(self.of_kind(Kind.STATEMENT)), None)

    def procedures_of(self, policy: Document) -> tuple[Document, ...]:
        return tuple(d for pid in policy.meta.procedures if (d := self.get(pid)) is not None)

    def area_name(self, area: str) -> str:
        return self.config.areas.get(area, area)

    @cached_property
    def not_applicable(self) -> dict[str, str]:
        """Catalogue clause id -> why it cannot apply to this service; these are not gaps in coverage."""
        return self.catalogue.not_applicable(self.config.service_type, self.config.not_applicable)


LoadMemo = dict[str, tuple[bytes, tuple[Document | Translation | None, tuple[Finding, ...]]]]
"""Handbook-relative path -> (the file's bytes, its document or translation and its load findings)."""


def load_handbook(root: Path, memo: LoadMemo | None = None) -> Handbook:
    """Load every document under ``root``; problems become ``load_findings``, never exceptions.

    ``memo`` (kept by a caller that loads the same handbook again and again: ``polisi serve``)
    remembers each file's document and findings by its bytes, which are all they depend on, so
    only files whose bytes changed are parsed and validated again."""
    if not root.is_dir():
        raise UsageError(f"{root}: no such handbook folder")
    root = root.resolve()  # outputs are handed to subprocesses that resolve relative paths differently
    config = load_config(root)
    catalogue, findings = load_catalogue(root, config.references)
    records, record_findings = load_records(root)
    findings.extend(record_findings)
    documents: list[Document] = []
    translations: list[Translation] = []
    unreadable: set[str] = set()
    for file in discover(root):
        item, problems = _load(root, file, memo)
        findings.extend(problems)
        if item is None:
            unreadable.add(file.relative_to(root).as_posix())
        elif isinstance(item, Translation):
            translations.append(item)
        else:
            documents.append(item)
    documents, orphans = _attach(documents, translations)
    return Handbook(root, config, catalogue, tuple(documents), tuple(findings), frozenset(unreadable),
                    records=records, orphan_translations=orphans)


def _load(root: Path, file: Path, memo: LoadMemo | None) -> tuple[Document | Translation | None, tuple[Finding, ...]]:
    if memo is None:
        return _validated(read_source(root, file))
    rel = file.relative_to(root).as_posix()
    try:
        raw = file.read_bytes()
    except OSError:
        return _validated(read_source(root, file))  # says why it cannot be read; not remembered
    kept = memo.get(rel)
    if kept is None or kept[0] != raw:
        kept = memo[rel] = (raw, _validated(decode_source(rel, file.parent.name, file.stem, raw)))
    return kept[1]


def _validated(
    read: tuple[SourceFile | None, list[Finding]],
) -> tuple[Document | Translation | None, tuple[Finding, ...]]:
    source, findings = read
    if source is None:
        return None, tuple(findings)
    item, problems = _validate(source)
    return item, (*findings, *problems)


def _attach(
    documents: list[Document], translations: list[Translation]
) -> tuple[list[Document], tuple[Translation, ...]]:
    """Each source document with its translations; the translations whose source file is not there."""
    by_file: dict[str, list[Translation]] = {doc.path.removesuffix(".md"): [] for doc in documents}
    orphans: list[Translation] = []
    for found in translations:
        stem = found.path.removesuffix(".md").rpartition(".")[0]
        by_file.get(stem, orphans).append(found)
    attached = [
        replace(doc, translations=tuple(by_file[doc.path.removesuffix(".md")])) for doc in documents
    ]
    return attached, tuple(orphans)


def _validate(source: SourceFile) -> tuple[Document | Translation | None, list[Finding]]:
    """A source document or, for ``ID.<lang>.md``, a translation; ``None`` when the file cannot be used."""
    language = split_stem(source.stem)[1]
    schema = FrontMatter if language is None else TranslationFrontMatter
    meta, findings = _validate_meta(source, schema)
    if meta is None:
        return None, findings
    if language is not None:
        return Translation(language, meta, source), findings
    return Document(Kind.for_folder(source.folder), meta, source), findings


def _validate_meta(source: SourceFile, schema: type[Any]) -> tuple[Any, list[Finding]]:
    """Validate front matter; a bad optional key is reported and left out, so the rest is still checked."""
    try:
        meta = schema.model_validate(source.front.value)
    except ValidationError as exc:
        errors = exc.errors()
        findings = [_finding_for(source, err) for err in errors]
        kept = dict(source.front.value)
        bad: set[str] = set()
        for err in errors:
            loc = tuple(err["loc"])
            scalar = source.front.scalars.get(loc)
            if err["type"] == "string_type" and len(loc) == 1 and scalar is not None:
                kept[str(loc[0])] = scalar.text  # carry on with the text as written
            elif loc:
                bad.add(str(loc[0]))
        required = {name for name, f in schema.model_fields.items() if f.is_required()}
        if bad & required or any(not err["loc"] for err in errors):
            return None, findings
        kept = {k: v for k, v in kept.items() if k not in bad}
        try:
            meta = schema.model_validate(kept)
        except ValidationError:
            return None, findings
        return meta, findings
    return meta, []


def _finding_for(source: SourceFile, err: dict) -> Finding:  # type: ignore[type-arg]
    """Translate one pydantic error into a positioned finding with a helpful message."""
    front = source.front
    loc: Loc = tuple(err["loc"])
    kind = err["type"]
    key = str(loc[0]) if loc else "front matter"
    where = key + "".join(f"[{p}]" for p in loc[1:])
    line, col = front.position(loc)
    if kind == "missing":
        code, message = "MISSING_KEY", f"required key '{key}' is missing"
        line, col = 1, 1
    elif kind == "extra_forbidden":
        line, col = front.key_position(loc)
        close = difflib.get_close_matches(key, FIELD_NAMES, n=1, cutoff=0.7)
        hint = f" (did you mean '{close[0]}'?)" if close else ""
        code, message = "UNKNOWN_KEY", f"unknown key '{key}'{hint}"
    elif kind in ("INVALID_DATE", "INVALID_INTERVAL"):
        code, message = kind, f"{where}: {err['msg']}"
    elif kind == "string_pattern_mismatch":
        code, message = _pattern_message(where, key, err["input"])
    elif kind == "literal_error":
        close = difflib.get_close_matches(str(err["input"]), STATUSES, n=1, cutoff=0.6)
        hint = f" (did you mean '{close[0]}'?)" if close else ""
        code = "INVALID_VALUE"
        message = f"{where} must be one of {', '.join(STATUSES)}, not '{err['input']}'{hint}"
        scalar = front.scalars.get(loc)
        if scalar and scalar.tag == "bool":
            message = f"{where}: '{scalar.text}' is read by YAML as true/false; use one of {', '.join(STATUSES)}"
    elif kind in ("string_type", "list_type", "date_type", "int_type"):
        code, message = "WRONG_TYPE", _type_message(source, loc, where, kind)
    else:
        code, message = "INVALID_VALUE", f"{where}: {err['msg']}"
    return Finding(source.path, line, col, Severity.ERROR, code, message)


def _pattern_message(where: str, key: str, value: object) -> tuple[str, str]:
    if key == "version":
        return "INVALID_VERSION", f"version must be MAJOR.MINOR in quotes, like \"2.0\"; got '{value}'"
    return (
        "INVALID_ID",
        f"{where}: '{value}' is not a document id (POL-/PRO- + 2-4 capitals + two digits, e.g. POL-SAF-01, "
        "or SOP-01)",
    )


def _type_message(source: SourceFile, loc: Loc, where: str, kind: str) -> str:
    scalar = source.front.scalars.get(loc)
    if kind == "list_type":
        return f"{where} must be a list, e.g. [A, B]"
    if scalar is not None and not scalar.quoted and scalar.tag in ("float", "int", "bool", "null"):
        readings = {"float": "a number", "int": "a number", "bool": "true/false", "null": "empty"}
        return (
            f"{where}: {scalar.text} is read by YAML as {readings[scalar.tag]}, not text; "
            f"quote it: {loc[-1] if isinstance(loc[-1], str) else where}: \"{scalar.text}\""
        )
    return f"{where} must be text"
