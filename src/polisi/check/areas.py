"""The area codes in document ids must be the ones ``polisi.yml`` names.

The area code (``SAF`` in ``POL-SAF-01``) groups documents on the site and in
the bundle under the area's name; a code ``polisi.yml`` does not name has no
name to show, and is usually a typing slip (``SAFE`` for ``SAF``), so it is
reported with the codes that are declared. A handbook whose ``polisi.yml``
names no areas at all has not taken up area names, and is not told about each
code (the site still never shows a bare code).
"""

from __future__ import annotations

from collections.abc import Iterator

from polisi.findings import Finding, Severity
from polisi.handbook.model import Handbook, Kind


def undeclared_areas(handbook: Handbook, _options: object) -> Iterator[Finding]:
    declared = handbook.config.areas
    if not declared:
        return
    known = ", ".join(sorted(declared))
    for doc in handbook:
        if doc.kind is Kind.STATEMENT or doc.area in declared or len(doc.id.split("-")) != 3:
            continue
        yield doc.finding(
            ("id",),
            Severity.WARNING,
            "UNDECLARED_AREA",
            f"area {doc.area} in {doc.id} is not declared under 'areas' in polisi.yml "
            f"(declared: {known})",
        )
