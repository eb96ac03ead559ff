"""YAML parsing that remembers where every key, value and list item came from.

PyYAML's composer (the C one when available) gives a node tree with marks; we
build plain Python values from it ourselves so that:

* every value's ``(line, column)`` is known, for ``path:line:col`` findings;
* dates stay strings, so an impossible date (``2026-02-30``) becomes a finding
  at its own position instead of a loader crash;
* each scalar keeps its original text, so ``version: 1.10`` can be reported as
  "read as the number 1.1; quote it" rather than silently becoming ``1.1``;
* duplicate keys are reported, not silently overwritten;
* the work is bounded whatever the input: aliases (``*name``, the "billion laughs"
  and ``a: &a [*a]``) are refused and nesting deeper than :data:`MAX_DEPTH` is an
  error, both found in one pass over the parser's events, before any tree is built.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import yaml

from polisi.findings import Finding, Severity

try:
    _Loader: type = yaml.CSafeLoader
except AttributeError:  # pragma: no cover - libyaml is in the PyYAML wheels
    _Loader = yaml.SafeLoader

Loc = tuple[str | int, ...]
"""A path into a YAML document: mapping keys and list indices, e.g. ``("legislation", 2)``."""

MAX_DEPTH = 20
"""Deepest nesting of lists and mappings accepted; front matter and polisi.yml need four or five."""

_TIMESTAMP = "tag:yaml.org,2002:timestamp"
_STR = "tag:yaml.org,2002:str"


@dataclass(frozen=True)
class Scalar:
    """How a scalar was written in the source."""

    text: str
    """The scalar's text exactly as written (without quotes)."""
    tag: str
    """What YAML resolved it to: ``str``, ``int``, ``float``, ``bool``, ``null`` or ``timestamp``."""
    quoted: bool


@dataclass
class Parsed:
    """A parsed YAML document: its value plus where everything in it stands."""

    value: Any = None
    values: dict[Loc, tuple[int, int]] = field(default_factory=dict)
    """Position of each value (mapping value, list item, or the whole document at ``()``)."""
    keys: dict[Loc, tuple[int, int]] = field(default_factory=dict)
    """Position of each mapping key, addressed by the same loc as its value."""
    scalars: dict[Loc, Scalar] = field(default_factory=dict)
    findings: list[Finding] = field(default_factory=list)

    def position(self, loc: Loc) -> tuple[int, int]:
        """Best position for ``loc``: its value, else its key, else its nearest parent."""
        while True:
            if loc in self.values:
                return self.values[loc]
            if loc in self.keys:
                return self.keys[loc]
            if not loc:
                return (1, 1)
            loc = loc[:-1]

    def key_position(self, loc: Loc) -> tuple[int, int]:
        return self.keys.get(loc) or self.position(loc)


_constructor = yaml.constructor.SafeConstructor()


def parse_yaml(text: str, path: str, first_line: int = 1) -> Parsed:
    """Parse ``text`` (which starts at line ``first_line`` of ``path``) into a :class:`Parsed`.

    YAML syntax errors become a single ``YAML_SYNTAX`` finding and a ``None`` value.
    """
    parsed = Parsed()
    try:
        refused = unbounded(text, path, first_line)
        if refused is not None:
            parsed.findings.append(refused)
            return parsed
        root = yaml.compose(text, Loader=_Loader)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line, col = (mark.line + first_line, mark.column + 1) if mark else (first_line, 1)
        problem = exc.problem or exc.context or "invalid YAML"
        parsed.findings.append(
            Finding(path, line, col, Severity.ERROR, "YAML_SYNTAX", f"YAML does not parse: {problem}")
        )
        return parsed
    except yaml.reader.ReaderError as exc:
        before = text[: exc.position]
        line, col = first_line + before.count("\n"), exc.position - (before.rfind("\n") + 1) + 1
        parsed.findings.append(
            Finding(path, line, col, Severity.ERROR, "YAML_SYNTAX",
                    f"YAML does not allow the control character {exc.character!r} here")
        )
        return parsed
    except yaml.YAMLError as exc:
        parsed.findings.append(
            Finding(path, first_line, 1, Severity.ERROR, "YAML_SYNTAX", f"YAML does not parse: {exc}")
        )
        return parsed
    if root is None:
        return parsed
    builder = _Builder(parsed, path, first_line)
    parsed.value = builder.build(root, ())
    return parsed


def unbounded(text: str, path: str, first_line: int = 1) -> Finding | None:
    """An alias or too deep a nesting, as a finding at its position; ``None`` when the document is bounded."""
    depth = 0
    for event in yaml.parse(text, Loader=_Loader):
        mark = event.start_mark
        where = (mark.line + first_line, mark.column + 1)
        if isinstance(event, yaml.AliasEvent):
            return Finding(path, *where, Severity.ERROR, "YAML_ALIAS",
                           f"YAML aliases (*{event.anchor}) are not allowed here; write the value out")
        if isinstance(event, yaml.CollectionStartEvent):
            depth += 1
            if depth > MAX_DEPTH:
                return Finding(path, *where, Severity.ERROR, "YAML_TOO_DEEP",
                               f"lists and mappings are nested more than {MAX_DEPTH} deep")
        elif isinstance(event, yaml.CollectionEndEvent):
            depth -= 1
    return None


class _Builder:
    def __init__(self, parsed: Parsed, path: str, first_line: int) -> None:
        self.parsed = parsed
        self.path = path
        self.offset = first_line

    def _pos(self, node: yaml.Node) -> tuple[int, int]:
        return (node.start_mark.line + self.offset, node.start_mark.column + 1)

    def build(self, node: yaml.Node, loc: Loc) -> Any:
        self.parsed.values[loc] = self._pos(node)
        if isinstance(node, yaml.MappingNode):
            return self._mapping(node, loc)
        if isinstance(node, yaml.SequenceNode):
            return [self.build(item, (*loc, i)) for i, item in enumerate(node.value)]
        return self._scalar(node, loc)

    def _scalar(self, node: yaml.ScalarNode, loc: Loc) -> Any:
        tag = node.tag
        self.parsed.scalars[loc] = Scalar(
            text=node.value, tag=tag.rsplit(":", 1)[-1], quoted=node.style in ("'", '"')
        )
        if tag in (_STR, _TIMESTAMP):
            return node.value
        try:
            return _constructor.construct_object(node)
        except yaml.YAMLError:
            return node.value

    def _mapping(self, node: yaml.MappingNode, loc: Loc) -> dict[Any, Any]:
        result: dict[Any, Any] = {}
        for key_node, value_node in node.value:
            if not isinstance(key_node, yaml.ScalarNode):
                line, col = self._pos(key_node)
                self.parsed.findings.append(
                    Finding(self.path, line, col, Severity.ERROR, "INVALID_KEY", "keys must be plain names")
                )
                continue
            key = key_node.value
            if key in result:
                line, col = self._pos(key_node)
                first = self.parsed.keys[(*loc, key)][0]
                self.parsed.findings.append(
                    Finding(
                        self.path, line, col, Severity.ERROR, "DUPLICATE_KEY",
                        f"'{key}' is given twice (first on line {first}); only one value can count",
                    )
                )
                continue
            self.parsed.keys[(*loc, key)] = self._pos(key_node)
            result[key] = self.build(value_node, (*loc, key))
        return result
