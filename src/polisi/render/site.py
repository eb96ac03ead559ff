"""The staff intranet site: stage the pages as Markdown, then run MkDocs on them.

The only module that runs MkDocs, and only as a subprocess on a staging folder,
so the site step stays portable (no MkDocs plugin or hook of ours) and an
MkDocs failure cannot take polisi down with it. The site is written through
``replace_folder``: a failed build leaves the previous ``build/site/`` as it was.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

from polisi.check.gate import Checked
from polisi.errors import BuildError
from polisi.findings import Finding, Report
from polisi.handbook.model import Handbook
from polisi.history.git import History
from polisi.processes import run
from polisi.publish import replace_folder
from polisi.render.failures import OutputFailed, failure
from polisi.render.labels import labels
from polisi.render.site_config import (
    CONFIG_FILE,
    NavEntry,
    derive_site_config,
    read_site_config,
    site_config_text,
)
from polisi.render.site_incremental import MKDOCS_YML, build_incrementally, cache_paths, publish_copy
from polisi.render.site_pages import PageCache
from polisi.render.site_plan import ASSETS, SitePlan
from polisi.render.site_stage import OVERRIDES, stage_site
from polisi.render.site_tree import StagedTree

_ANSI = re.compile(r"\x1b\[[0-9;]*m")
_DIRTY_NOTICE = "A 'dirty' build is being performed"
MKDOCS_SECONDS = 1800
"""How long one MkDocs build may run: ``check`` refuses markup that would keep it busy, and this
bounds whatever else could (a handbook of thousands of documents builds in a small part of it)."""


@dataclass(frozen=True)
class SiteBuilt:
    """What a site build produced, for the command to report."""

    path: Path
    documents: int
    include_drafts: bool


def site_folder(handbook: Handbook, include_drafts: bool = False) -> Path:
    """``build/site`` for the staff site; ``build/preview`` for the draft preview, so a preview
    can never be mistaken for, or overwrite, what staff are shown."""
    return handbook.build_dir / ("preview" if include_drafts else "site")


def plan_site(
    checked: Checked, history: History, as_of: date, include_drafts: bool = False, language: str | None = None,
) -> SitePlan:
    """Decide what the site (or one translation language's tree) holds, including the signed PDFs and
    bundle already built in that language."""
    handbook = checked.handbook
    build = handbook.build_dir
    probe = SitePlan(handbook, history, as_of, include_drafts, language=language)
    folder = language or ""
    pdfs = frozenset(d.id for d in probe.published if not probe.untranslated(d)
                     and (build / "pdf" / folder / f"{d.id}.pdf").is_file())
    bundle = (build / "bundle" / folder / "inspector-bundle.pdf").is_file()
    return SitePlan(handbook, history, as_of, include_drafts, pdfs, bundle, language=language)


def render_site(
    checked: Checked,
    history: History,
    as_of: date,
    *,
    include_drafts: bool = False,
    target: Path | None = None,
) -> SiteBuilt:
    """Build the site into ``target`` (default :func:`site_folder`); :class:`BuildError` on failure."""
    target = target or site_folder(checked.handbook, include_drafts)
    documents = 0
    with replace_folder(target) as out:  # the source language at the root, each translation in <code>/
        for code in (None, *checked.handbook.config.translation_languages):
            # resolved: inside a generation, build/cache is reached through a link whose path changes per build
            caches = (checked.handbook.build_dir / "cache").resolve()
            cache = caches / (f"site-{target.name}" + (f"-{code}" if code else ""))
            plan = plan_site(checked, history, as_of, include_drafts, language=code)
            _build_tree(plan, cache, out / code if code else out, target / code if code else target)
            documents = documents or len(plan.published)  # the source tree's count
    return SiteBuilt(target, documents, include_drafts)


def _build_tree(plan: SitePlan, cache: Path, out: Path, previous: Path) -> None:
    """Stage one language's pages and run MkDocs on them (incrementally) into ``out``; ``previous``
    is where the last build of this tree was published."""
    staging, cached_site = cache_paths(cache)

    def stage(tree: StagedTree, pages: PageCache) -> None:
        nav = stage_site(plan, tree, pages)
        tree.write_text(MKDOCS_YML, site_config_text(site_config(plan, nav, staging, cached_site)))

    try:
        built = build_incrementally(cache, stage, run_mkdocs)
    except MkDocsFailed as exc:
        raise SiteFailed(Report.of([site_failure(plan, exc.problem)], len(plan.published))) from None
    publish_copy(built, out, previous)


class MkDocsFailed(BuildError):
    """MkDocs failed or warned; ``problem`` is the first thing it said, on one line."""

    def __init__(self, problem: str) -> None:
        super().__init__(f"site not built: MkDocs: {problem}")
        self.problem = problem


class SiteFailed(OutputFailed):
    """MkDocs could not build the site; ``report`` has its reason, at the document it names."""

    def __init__(self, report: Report) -> None:
        super().__init__("site not built: MkDocs refused it (the previous site is unchanged)", report)


_PAGE = re.compile(r"(?:Doc file|page) '([^']+\.md)'")


def site_failure(plan: SitePlan, problem: str) -> Finding:
    """MkDocs' reason as one finding: in the document whose page it names (in a translation's tree,
    the translation's file), at what it quotes from it; else in the site's ``mkdocs.yml``."""
    named = _PAGE.search(problem)
    doc = plan.handbook.by_path.get(named.group(1)) if named else None
    body = doc.translation(plan.language) if doc is not None and plan.language else doc
    if body is not None:
        return failure(body.path, body.source.text, "SITE_BUILD", f"MkDocs: {problem}")
    config = plan.handbook.root / CONFIG_FILE
    text = config.read_text(encoding="utf-8", errors="replace") if config.is_file() else ""
    return failure(CONFIG_FILE, text, "SITE_BUILD", f"MkDocs: {problem}")


def site_config(
    plan: SitePlan, nav: list[NavEntry], staging: Path, site_dir: Path
) -> dict[str, Any]:
    """The MkDocs configuration for pages staged in ``staging`` by :func:`stage_site`."""
    handbook = plan.handbook
    config = derive_site_config(
        read_site_config(handbook.root),
        site_name=handbook.config.service,
        language=handbook.config.lang_tag(plan.lang),
        docs_dir=staging / "docs",
        overrides=staging / OVERRIDES,
        site_dir=site_dir,
        nav=nav,
        extra_css=[f"{ASSETS}/polisi.css"],
        extra_javascript=[f"{ASSETS}/review.js"],
    )
    if plan.language:  # a translation tree is in its own language, whatever mkdocs.yml says
        config["theme"]["language"] = plan.language
        config["site_name"] = translated_site_name(plan, str(config["site_name"]))
        config["markdown_extensions"] = [_titled_permalinks(e, plan.labels["permalink"])
                                         for e in config["markdown_extensions"]]
    if plan.pairs():  # Material's language menu in the header: each tree's home page
        prefix = dict(plan.pairs())
        config["extra"]["alternate"] = [
            {"name": labels(code)[f"language.{code}"], "link": prefix.get(code, "") + "index.html", "lang": code}
            for code in handbook.config.published_languages
        ]
    return config


def translated_site_name(plan: SitePlan, name: str) -> str:
    """The site's name in a translation tree: its name in ``polisi.yml`` ``terms``, or polisi's own
    default name in that language."""
    if name == labels(plan.handbook.config.source_lang)["site_name"]:
        return plan.labels["site_name"]
    return plan.term(name)


def _titled_permalinks(extension: Any, title: str) -> Any:
    """The ``toc`` extension with its heading links' tooltip in the tree's language (MkDocs: "Permanent link")."""
    if extension == "toc":
        return {"toc": {"permalink_title": title}}
    if isinstance(extension, dict) and "toc" in extension:
        return {"toc": {**(extension["toc"] or {}), "permalink_title": title}}
    return extension


def mkdocs_command(args: list[str]) -> list[str]:
    return [sys.executable, "-m", "mkdocs", *args]


def mkdocs_environment() -> dict[str, str]:
    """The environment for MkDocs, without Material's end-of-life banner on every build."""
    return {**os.environ, "NO_MKDOCS_2_WARNING": "1"}


def run_mkdocs(args: list[str]) -> None:
    """Run MkDocs; its first warning or error becomes a one-line :class:`BuildError`.

    Warnings are read from its output rather than left to ``--strict``, because a dirty build
    always warns that it is one (the only warning that is not a problem here)."""
    try:
        result = run(mkdocs_command(args), capture_output=True, text=True, env=mkdocs_environment(), check=False,
                     timeout=MKDOCS_SECONDS)
    except subprocess.TimeoutExpired:
        raise BuildError(f"site not built: MkDocs took longer than {MKDOCS_SECONDS} s and was stopped") from None
    output = "\n".join(
        line for line in (result.stderr + result.stdout).splitlines() if _DIRTY_NOTICE not in line
    )
    problems = [line for line in output.splitlines() if _ANSI.sub("", line).startswith(("ERROR", "WARNING"))]
    if result.returncode != 0 or problems:
        raise MkDocsFailed(first_problem(output))


def first_problem(output: str) -> str:
    """The first WARNING or ERROR line MkDocs printed, without colour codes."""
    lines = [_ANSI.sub("", line).strip() for line in output.splitlines()]
    for line in lines:
        if line.startswith(("ERROR", "WARNING")):
            return re.sub(r"\s+", " ", line.split("-", 1)[-1].strip())
    meaningful = [line for line in lines if line]
    return meaningful[-1] if meaningful else "it failed without saying why"
