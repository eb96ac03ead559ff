"""Edit a document's front matter in place, keeping what the author wrote.

ruamel.yaml's round-trip mode keeps comments, key order, quoting and the
author's list indentation; only the keys a command sets change. Every command
that writes front matter (``approve``, ``translated``) goes through here.
"""

from __future__ import annotations

import io
import re
from collections.abc import Callable
from typing import Any

_SEQUENCE_INDENT = re.compile(r"^[^\s#][^:\n]*:[ \t]*(?:#.*)?\n( *)- ", re.MULTILINE)


def edit_front_matter(text: str, change: Callable[[Any], None]) -> str:
    """``text`` with ``change`` applied to its front matter (a round-trip mapping); the body untouched."""
    from ruamel.yaml import YAML

    lines = text.splitlines(keepends=True)
    end = next(i for i in range(1, len(lines)) if lines[i].rstrip("\r\n").rstrip() in ("---", "..."))
    front = "".join(lines[1:end]).replace("\r\n", "\n")
    yaml = YAML(typ="rt")
    yaml.preserve_quotes = True
    yaml.width = 4096
    match = _SEQUENCE_INDENT.search(front)
    offset = len(match.group(1)) if match else 0
    yaml.indent(mapping=2, sequence=offset + 2, offset=offset)
    data = yaml.load(front)
    change(data)
    out = io.StringIO()
    yaml.dump(data, out)
    dumped = out.getvalue()
    if lines[0].endswith("\r\n"):
        dumped = dumped.replace("\n", "\r\n")
    return lines[0] + dumped + "".join(lines[end:])
