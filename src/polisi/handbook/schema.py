"""The front-matter model: what each key means and what values it accepts.

Per-field shape lives here (types, patterns, dates); rules that need the whole
handbook or the document's kind and status live in ``check``. Field docstrings
are the reference documentation for the keys.
"""

from __future__ import annotations

import re
from datetime import date
from typing import Annotated, Any, Literal

from pydantic import BaseModel, BeforeValidator, ConfigDict, Field, StrictStr, create_model, model_validator
from pydantic_core import PydanticCustomError

ID_PATTERN = r"^(?:(?:POL|PRO)-[A-Z]{2,4}-\d{2}|SOP-\d{2})$"
VERSION_PATTERN = r"^\d+\.\d+$"
INTERVAL_PATTERN = re.compile(r"^\s*(\d+)\s+(week|month|year)s?\s*$")
_DATE_PATTERN = re.compile(r"^\d{4}-\d{2}-\d{2}$")


def parse_date(value: Any) -> date:
    """Accept ``YYYY-MM-DD`` text (how the loader keeps dates) or a ``date``."""
    if isinstance(value, date):
        return value
    if not isinstance(value, str) or not _DATE_PATTERN.match(value):
        raise PydanticCustomError("INVALID_DATE", "must be a date written YYYY-MM-DD, got '{got}'", {"got": value})
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise PydanticCustomError("INVALID_DATE", "{got} is not a real date", {"got": value}) from None


def _check_interval(value: Any) -> str:
    if not isinstance(value, str) or not INTERVAL_PATTERN.match(value) or int(value.split()[0]) < 1:
        raise PydanticCustomError(
            "INVALID_INTERVAL",
            "must be 'N weeks', 'N months' or 'N years', got '{got}'",
            {"got": value},
        )
    return value.strip()


Date = Annotated[date, BeforeValidator(parse_date)]
Interval = Annotated[str, BeforeValidator(_check_interval)]
DocId = Annotated[StrictStr, Field(pattern=ID_PATTERN)]
Citation = StrictStr
Status = Literal["draft", "approved", "withdrawn"]
STATUSES: tuple[str, ...] = ("draft", "approved", "withdrawn")


class Question(BaseModel):
    """One question staff answer before acknowledging a document in the portal."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    question: Annotated[StrictStr, Field(min_length=1)]
    choices: Annotated[list[StrictStr], Field(min_length=2)]
    answer: StrictStr

    @model_validator(mode="after")
    def _answer_is_a_choice(self) -> Question:
        if self.answer not in self.choices:
            raise ValueError(f"answer '{self.answer}' is not one of the choices")
        return self


class FrontMatter(BaseModel):
    """Front matter of a policy, procedure or statement of purpose."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    id: DocId
    """``POL-``/``PRO-`` + area code of 2-4 capitals + two digits (``POL-SAF-01``); ``SOP-01`` for the
    statement of purpose. Must equal the file name without ``.md``."""
    title: Annotated[StrictStr, Field(min_length=1)]
    """The document's title as staff and inspectors see it."""
    version: Annotated[StrictStr, Field(pattern=VERSION_PATTERN)]
    """``MAJOR.MINOR`` as a quoted string (``"2.0"``); unquoted, YAML reads ``1.10`` as the number 1.1."""
    status: Status
    """``draft`` (awaiting approval), ``approved`` (in force) or ``withdrawn`` (no longer in force)."""
    owner: Annotated[StrictStr, Field(min_length=1)]
    """The role that keeps the document up to date (a role, not a person)."""
    approved_by: StrictStr | None = None
    """The role or body that approved this version. Required when approved."""
    approved_on: Date | None = None
    """Date of approval of this version. Required when approved."""
    last_reviewed: Date | None = None
    """Date of the last full review. Required when approved."""
    review_interval: Interval | None = None
    """How often it must be reviewed: ``N weeks``, ``N months`` or ``N years``. Required when approved."""
    summary: StrictStr | None = None
    """One sentence saying what the document is for; shown in lists and search results."""
    legislation: list[Citation] = []
    """Clauses of Acts and regulations it implements, as catalogue ids (``SPRI-2017:reg-27``)."""
    statutory_guidance: list[Citation] = []
    """Statutory guidance it follows, as catalogue ids (``SG-SPRI-2019:reg-27``)."""
    code_of_practice: list[Citation] = []
    """Code of Professional Practice sections it reflects (``CoPP-W-2026``)."""
    guidance: list[Citation] = []
    """Other national procedures and inspectorate guidance it follows (``WSP:chi-s2``)."""
    procedures: list[DocId] = []
    """Policies only: the procedures that carry the policy out."""
    policy: DocId | None = None
    """Procedures only: the policy the procedure belongs to."""
    audience: list[StrictStr] = []
    """Who must read it (roles or teams), e.g. ``[All staff, Night staff]``."""
    supersedes: list[DocId] = []
    """Ids of documents this one replaces (they may no longer exist)."""
    effective_from: Date | None = None
    """Date this version takes effect, when that is later than its approval."""
    reacknowledge: bool = False
    """Ask staff to acknowledge this version again although it is a minor version."""
    questions: list[Question] = []
    """Questions staff answer correctly before the portal records their acknowledgement."""
    ciw_notified_on: Date | None = None
    """Statement of purpose only: the date CIW was notified of this revision (at least 28 days
    before ``effective_from``, Schedule 3 paragraph 1 of SI 2017/1264)."""


CITATION_KEYS: tuple[str, ...] = ("legislation", "statutory_guidance", "code_of_practice", "guidance")
"""Front-matter keys that hold catalogue citations, in display order."""

CITATION_LABELS: dict[str, str] = {
    "legislation": "Legislation",
    "statutory_guidance": "Statutory guidance",
    "code_of_practice": "Code of Professional Practice",
    "guidance": "Guidance",
}
"""How each citation key is headed wherever citations are shown (site, PDFs, Word)."""

FIELD_NAMES: tuple[str, ...] = tuple(FrontMatter.model_fields)

TRANSLATED_KEYS: tuple[str, ...] = ("title", "summary", "audience")
"""Front-matter keys a translation writes in its own language; every other key is shared with the source."""
SHARED_KEYS: tuple[str, ...] = tuple(k for k in FIELD_NAMES if k not in TRANSLATED_KEYS and k != "id")
"""Keys a translation takes from its source; written in a translation, each must equal the source's."""
TRANSLATION_STATES: tuple[str, ...] = ("draft", "reviewed")
SHA256_PATTERN = r"^[0-9a-f]{64}$"


class TranslationRecord(BaseModel):
    """The ``translation`` block of ``ID.<lang>.md``: which source content it translates, and its state."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    state: Literal["draft", "reviewed"] = "draft"
    """``draft`` until a fluent speaker has reviewed it against the source, then ``reviewed``."""
    source_version: Annotated[StrictStr, Field(pattern=VERSION_PATTERN)] | None = None
    """The source version it was synchronised with (written by ``polisi translated``)."""
    source_sha256: Annotated[StrictStr, Field(pattern=SHA256_PATTERN)] | None = None
    """SHA-256 of the source content it translates, the same content approvals are recorded for."""
    translated_by: StrictStr | None = None
    """The role that translated it (or last brought it up to date)."""
    reviewed_by: StrictStr | None = None
    """The role that reviewed it; required when ``state`` is ``reviewed``."""
    reviewed_on: Date | None = None
    """When it was reviewed; required when ``state`` is ``reviewed``."""


def _optional(name: str) -> Any:
    return FrontMatter.model_fields[name].rebuild_annotation() | None


TranslationFrontMatter = create_model(  # type: ignore[call-overload]
    "TranslationFrontMatter",
    __config__=ConfigDict(extra="forbid", frozen=True),
    __doc__="Front matter of a translation: its own title (and summary, audience), the record, any shared key.",
    id=(DocId, ...),
    title=(Annotated[StrictStr, Field(min_length=1)], ...),
    summary=(StrictStr | None, None),
    audience=(list[StrictStr], []),
    translation=(TranslationRecord, ...),
    **{name: (_optional(name), None) for name in SHARED_KEYS},
)
"""Front matter of ``ID.<lang>.md``. Shared keys left out are the source's; written, they must match it."""
