"""What one portal process holds: the ledger, the signing keys, and the handbook as last built.

The handbook (documents, versions, who must read them) is reloaded whenever the built site is
replaced, so publishing a new version needs no restart; every portal process sees the same
ledger, so any of them can answer any request.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from jinja2 import Environment, PackageLoader, select_autoescape
from sqlalchemy import Engine

from polisi.errors import UsageError
from polisi.handbook.config import PortalSettings
from polisi.handbook.model import Handbook, load_handbook
from polisi.history.git import load_history
from polisi.ledger.coverage import Coverage, coverage
from polisi.ledger.database import open_ledger, settings_of
from polisi.ledger.rules import Requirement, requirements
from polisi.ledger.store import secret_key
from polisi.portal.auth import Keys
from polisi.render.site import site_folder


@dataclass(frozen=True)
class Published:
    """The handbook and the site built from it, as of one build."""

    handbook: Handbook
    requirements: tuple[Requirement, ...]
    site: Path
    stamp: tuple[int, int]

    def requirement(self, document_id: str) -> Requirement | None:
        return next((r for r in self.requirements if r.document_id == document_id), None)

    def for_page(self, page: str) -> Requirement | None:
        return next((r for r in self.requirements if r.page == page), None)


class Portal:
    """Shared by every request of one process."""

    def __init__(self, root: Path, engine: Engine | None = None) -> None:
        self.root = root.resolve()
        first = load_handbook(self.root)
        self.engine = engine or open_ledger(first)
        self.keys = Keys.from_secret(secret_key(self.engine))
        self.templates = Environment(
            loader=PackageLoader("polisi.portal", "templates"), autoescape=select_autoescape(["j2"]),
            trim_blocks=True, lstrip_blocks=True)
        self._lock = threading.Lock()
        self._published = self._load(first)

    @property
    def settings(self) -> PortalSettings:
        return settings_of(self.published.handbook)

    @property
    def published(self) -> Published:
        """The handbook as last built, reloaded when ``build/site`` has been replaced."""
        current = self._published
        if _stamp(current.site) != current.stamp:
            with self._lock:
                if _stamp(self._published.site) != self._published.stamp:
                    self._published = self._load(load_handbook(self.root))
                current = self._published
        return current

    def _load(self, handbook: Handbook) -> Published:
        site = site_folder(handbook)
        if not (site / "index.html").is_file():
            raise UsageError(f"{site}: no staff site built yet; run 'polisi build all' first")
        return Published(handbook, requirements(handbook, load_history(self.root)), site, _stamp(site))

    def coverage(self, as_of: date | None = None) -> Coverage:
        return coverage(self.engine, self.published.requirements, self.settings, as_of or date.today())

    def render(self, template: str, **context: object) -> str:
        return self.templates.get_template(template).render(
            service=self.published.handbook.config.service, **context)


def _stamp(site: Path) -> tuple[int, int]:
    """Changes whenever a build publishes: every build writes the site as a new folder (its files
    may be links to the same files as before, when they did not change)."""
    try:
        info = site.stat()
    except OSError:
        return (0, 0)
    return (info.st_ino, info.st_mtime_ns)
