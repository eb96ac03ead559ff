"""Names for new documents: the next free id in an area, and a title written as safe YAML.

Shared by ``polisi new`` and ``polisi import``, so both number documents the same way.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

from polisi.errors import UsageError
from polisi.handbook.model import Handbook, Kind

_PLAIN_YAML = re.compile(r"^[A-Za-z][\w ,'()/&.-]*$")
_YAML_WORDS = {"yes", "no", "true", "false", "on", "off", "null", "y", "n"}


def next_free_id(root: Path, handbook: Handbook, kind: Kind, area: str) -> str:
    """The first ``<PREFIX>-<AREA>-NN`` neither loaded, nor unreadable, nor present as a file."""
    used = set(handbook.by_id) | {Path(p).stem for p in handbook.unreadable}
    for number in range(1, 100):
        doc_id = f"{kind.prefix}-{area}-{number:02d}"
        taken = any((root / k.folder / f"{doc_id}.md").exists() for k in Kind)
        if doc_id not in used and not taken:
            return doc_id
    raise UsageError(f"every {kind.prefix}-{area}-NN id is taken; give one with --id")


def yaml_text(value: str) -> str:
    """A YAML scalar that reads back as exactly ``value`` (JSON strings are valid YAML)."""
    if _PLAIN_YAML.match(value) and value.lower() not in _YAML_WORDS and not value.endswith(":"):
        return value
    return json.dumps(value, ensure_ascii=False)
