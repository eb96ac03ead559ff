"""Provisions that cannot apply to this kind of service: declared ones must exist, and none is cited.

``polisi.yml`` names the kind of service (``service_type``) and may declare more clauses not
applicable (``not_applicable``); the catalogue limits some provisions to other kinds of service.
A document that relies on a provision that cannot apply to the service states the law wrongly.
"""

from __future__ import annotations

from collections.abc import Iterator

from polisi.findings import Finding, Severity
from polisi.handbook.config import CONFIG_FILE
from polisi.handbook.model import Handbook
from polisi.handbook.schema import CITATION_KEYS
from polisi.handbook.yamlpos import parse_yaml


def applicability(handbook: Handbook) -> Iterator[Finding]:
    yield from _declared_clauses_exist(handbook)
    not_applicable = handbook.not_applicable
    for doc in handbook:
        for key in CITATION_KEYS:
            for index, clause_id in enumerate(getattr(doc.meta, key)):
                if clause_id in not_applicable:
                    yield doc.finding((key, index), Severity.WARNING, "CITES_NOT_APPLICABLE",
                                      f"{clause_id} does not apply to this service. {not_applicable[clause_id]}")


def _declared_clauses_exist(handbook: Handbook) -> Iterator[Finding]:
    unknown = [c for c in handbook.config.not_applicable if c not in handbook.catalogue]
    if not unknown:
        return
    parsed = parse_yaml((handbook.root / CONFIG_FILE).read_text(encoding="utf-8"), CONFIG_FILE)
    for clause_id in unknown:
        line, col = parsed.key_position(("not_applicable", clause_id))
        near = handbook.catalogue.nearest(clause_id)
        hint = f" (did you mean {near}?)" if near else ""
        yield Finding(CONFIG_FILE, line, col, Severity.ERROR, "UNKNOWN_CLAUSE",
                      f"not_applicable names {clause_id}, which is not in the catalogue{hint}")
