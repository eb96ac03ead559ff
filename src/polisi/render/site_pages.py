"""Remembering which staged document pages are still what a build would write, so they are not rendered again.

Rendering a document page through its template is most of the cost of staging
the site (about 1 ms a page), and an edit changes one page. Each document page
is therefore given a key: a digest of everything its template reads. That is
the document's own source text (front matter and body; for a translation, the
source document's text and translation record too), how its related
documents are linked (id, title, status, page), its revisions and uncommitted
state in git and its approval record, whether its signed PDF is copied, and, shared by every page of
one build, :func:`build_digest`: the code and templates of polisi itself, the
configuration, the catalogue, the build date and language, the sanitiser's
nonce, the set of published documents and which paths are documents or
translations (which decides how each body's links are rewritten). When the
key equals the one recorded for the page that the staging folder holds, that
file is already exactly what rendering would write, so it is kept.

The pages that list documents (the home page, the indexes, the register and
the review schedule, :data:`LISTINGS`) read only front matter, so editing a
body keeps them too; every other page is rendered on every build.

A document page also has effects beyond its own file (the unpublished documents it
links to get a stub page; the images it links to are copied), so the record
keeps those and a kept page repeats them. The record is removed when a build
starts and written only when it has finished, so a build that fails or is
killed part-way never leaves a record that vouches for files it did not finish.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, field
from functools import cache
from importlib import resources
from pathlib import Path

from polisi.handbook.model import Document
from polisi.render.site_plan import SitePlan

LISTINGS = frozenset({"kind.md.j2", "areas.md.j2", "register.md.j2", "schedule.md.j2", "home.md.j2"})
"""Templates of pages that list documents and read only their front matter, their approval records
and what :func:`build_digest` covers (never a body, never git history), so their pages are kept
while none of that changes. A template not listed here is rendered on every build: that is the
safe default for a new page."""


@dataclass(frozen=True)
class PageRecord:
    """What rendering one document page wrote and did, under the key it was rendered for."""

    key: str
    unpublished: tuple[str, ...] = ()
    """Ids of unpublished documents its body links to."""
    files: tuple[str, ...] = ()
    """Handbook-relative paths of the files its body links to, copied beside it."""


@dataclass
class PageCache:
    """Staged page path -> :class:`PageRecord`, kept in memory (``polisi serve``) or in a file."""

    records: dict[str, PageRecord] = field(default_factory=dict)

    @classmethod
    def take(cls, path: Path) -> PageCache:
        """The record a finished build left at ``path``, removing it until this build finishes."""
        try:
            raw = json.loads(path.read_text(encoding="utf-8"))
            records = {page: PageRecord(r["key"], tuple(r["unpublished"]), tuple(r["files"]))
                       for page, r in raw.items()}
        except (OSError, ValueError, KeyError, TypeError, AttributeError):
            records = {}
        path.unlink(missing_ok=True)
        return cls(records)

    def save(self, path: Path) -> None:
        raw = {page: {"key": r.key, "unpublished": list(r.unpublished), "files": list(r.files)}
               for page, r in sorted(self.records.items())}
        path.write_text(json.dumps(raw), encoding="utf-8")

    def hit(self, page: str, key: str) -> PageRecord | None:
        record = self.records.get(page)
        return record if record is not None and record.key == key else None


def page_key(plan: SitePlan, doc: Document, shared: str) -> str:
    """The key of ``doc``'s page in ``plan``: see the module's docstring for what goes in."""
    related = plan.related(doc)
    parts: list[object] = [
        shared, doc.language, doc.source.path, _text_digest(doc.source.text), doc.id in plan.pdfs,
        plan.history.is_dirty(doc.path), [repr(r) for r in plan.revisions(doc)],
        None if related is None else [related[0], *((plan.page(d), d.id, d.title, d.status) for d in related[1])],
    ]
    parts.append(repr(plan.handbook.records.get(doc.id)))
    if doc.language is not None:
        found = plan.handbook.get(doc.id)
        translation = found.translation(doc.language) if found else None
        parts += [_text_digest(found.source.text) if found else None, repr(translation.record) if translation else None]
    return _digest(parts)


def listing_key(shared: str, front_matter: str, template: str, page: str) -> str:
    """The key of a page listing documents (:data:`LISTINGS`), from :func:`front_matter_digest`."""
    return _digest([shared, front_matter, template, page])


def front_matter_digest(plan: SitePlan) -> str:
    """Every document's and translation's front matter and approval record, and whether the bundle
    is copied: what the listing pages read besides :func:`build_digest`."""
    handbook = plan.handbook
    sources = [source for doc in handbook.documents for source in (doc.source, *(t.source for t in doc.translations))]
    return _digest([
        [(s.path, s.text[: len(s.text) - len(s.body)]) for s in sources],
        sorted((doc_id, repr(record)) for doc_id, record in handbook.records.items()), plan.bundle,
    ])


def build_digest(plan: SitePlan) -> str:
    """What every document page of one build depends on besides its own document (not where the
    build folder is: each build writes into a new generation of it)."""
    handbook = plan.handbook
    catalogue = handbook.catalogue
    return _digest([
        code_fingerprint(), plan.as_of.isoformat(), plan.include_drafts, plan.language, plan.nonce,
        handbook.config.model_dump_json(exclude={"build_dir"}), repr(sorted(catalogue.clauses.items())),
        repr(sorted(catalogue.instruments.items())), sorted(plan.published_ids),
        sorted((path, doc.id) for path, doc in handbook.by_path.items()),
        sorted((path, source.path, language) for path, (source, language) in handbook.translated_paths.items()),
        plan.history.note, sorted(plan.pdfs),
    ])


@cache
def code_fingerprint() -> str:
    """polisi's own modules, templates and assets: a change to any of them renders every page again."""
    digest = hashlib.sha256()
    package = Path(str(resources.files("polisi")))
    for path in sorted(package.rglob("*")):
        if path.is_file() and "__pycache__" not in path.parts:
            digest.update(path.relative_to(package).as_posix().encode() + b"\0" + path.read_bytes())
    return digest.hexdigest()


def _text_digest(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def _digest(parts: list[object]) -> str:
    return hashlib.sha256(json.dumps(parts, default=str, ensure_ascii=False).encode("utf-8")).hexdigest()
