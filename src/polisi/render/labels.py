"""polisi's own words on every output, in each language it publishes: read from one table.

The documents' text is the author's; everything polisi adds around it (the
document control table, banners, registers, the bundle's cover and contents,
the site's pages and navigation, dates and intervals) comes from
``labels.toml`` beside this module, so a Welsh page, PDF, bundle or Word copy
never mixes in English, and a label cannot exist in one language only (loading
refuses a table that lacks one, and a test compares every entry). Templates and
``review.js`` never hold a label of their own. The Welsh is polisi's own and
needs reading by a fluent speaker like any draft translation.
"""

from __future__ import annotations

import re
import tomllib
from collections.abc import Mapping
from datetime import date, datetime
from functools import cache
from importlib import resources
from types import MappingProxyType

LANGUAGES = ("en", "cy")
"""The languages polisi has labels in; a handbook in another language gets English labels."""

SCRIPT_KEYS = ("overdue", "due", "in_date", "none", "offline_search")
"""The labels ``review.js`` needs, written into each page that shows review state."""

class LabelTableError(Exception):
    """``labels.toml`` is inconsistent (a programming error in polisi, caught by its tests)."""


@cache
def table() -> Mapping[str, Mapping[str, str]]:
    """Every label: key -> {language code -> text}, as ``labels.toml`` writes it."""
    text = (resources.files("polisi.render") / "labels.toml").read_text("utf-8")
    found: dict[str, Mapping[str, str]] = {}
    _flatten(tomllib.loads(text), "", found)
    return MappingProxyType(found)


def _flatten(node: dict[str, object], prefix: str, into: dict[str, Mapping[str, str]]) -> None:
    """``[a.b]`` tables become key ``a.b``; a table may be a label and hold more specific ones."""
    texts = {code: value for code, value in node.items() if isinstance(value, str)}
    if texts:
        missing = [code for code in LANGUAGES if not texts.get(code)]
        if missing or set(texts) - set(LANGUAGES):
            raise LabelTableError(f"labels.toml [{prefix}]: needs exactly {', '.join(LANGUAGES)}")
        into[prefix] = MappingProxyType(texts)
    for key, value in node.items():
        if isinstance(value, dict):
            _flatten(value, f"{prefix}.{key}" if prefix else key, into)


@cache
def _language_table(code: str) -> Mapping[str, str]:
    return MappingProxyType({key: texts[code] for key, texts in table().items()})


def primary(language: str | None) -> str:
    """``cy`` for ``cy``, ``cy-GB`` or ``CY``; English for a language polisi has no labels in."""
    code = (language or "en").split("-")[0].lower()
    return code if code in LANGUAGES else "en"


def labels(language: str | None) -> Mapping[str, str]:
    """polisi's labels in ``language`` (a code such as ``cy``, or a tag such as ``en-GB``)."""
    return _language_table(primary(language))


def script_labels(labels: Mapping[str, str]) -> dict[str, str | list[str]]:
    """What ``review.js`` writes on a page: the review states' names, the offline notice, the months."""
    return {**{key: labels[key] for key in SCRIPT_KEYS}, "months": [labels[f"month.{m}"] for m in range(1, 13)]}


def long_date(value: date | datetime | None, language: str | None = None) -> str:
    """``1 April 2026`` / ``1 Ebrill 2026``: the form people in Wales read without ambiguity."""
    if value is None:
        return ""
    return f"{value.day} {labels(language)[f'month.{value.month}']} {value.year}"


_INTERVAL = re.compile(r"^(\d+)\s+(week|month|year)s?$")


def interval_text(interval: str | None, language: str | None = None) -> str:
    """A review interval as written in front matter (``12 months``) in ``language`` (``12 mis``)."""
    if not interval:
        return ""
    match = _INTERVAL.match(interval.strip())
    if match is None:
        return interval
    count, unit = match.group(1), match.group(2) + "s"
    t = labels(language)
    return t.get(f"interval.{unit}.{int(count)}") or t[f"interval.{unit}"].format(n=int(count))


def capitalised(text: str) -> str:
    """The first letter in capitals (``wedi'i chymeradwyo`` -> ``Wedi'i chymeradwyo``), for badges and headings."""
    return text[:1].upper() + text[1:]
