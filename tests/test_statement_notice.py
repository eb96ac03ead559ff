"""SOP_NOTICE_TOO_SHORT: a revised statement of purpose takes effect 28 days or more after CIW is told
(Schedule 3, paragraph 1 of SI 2017/1264)."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from polisi.check.rules import check
from polisi.edit.record_only import record_stated_approvals
from polisi.handbook.model import load_handbook

from .gitbook import document, small_handbook, write

SOP = "statement_of_purpose/SOP-01.md"


def notice_findings(root: Path, extra: str, path: str = SOP, doc_id: str = "SOP-01") -> list[str]:
    write(
        root,
        path,
        document(
            doc_id,
            "Statement of purpose",
            approved_on="2026-01-05",
            owner="Responsible Individual",
            extra=extra,
        ),
    )
    record_stated_approvals(root)  # the document as written is the approved one: only the notice rules speak
    report = check(load_handbook(root), date(2026, 6, 1))
    return [f.format() for f in report if f.path == path]


@pytest.fixture
def root(tmp_path: Path) -> Path:
    return small_handbook(tmp_path / "handbook")


@pytest.mark.parametrize(
    ("notified", "effective", "days"),
    [
        ("2026-03-01", "2026-03-28", 27),
        ("2026-03-01", "2026-03-01", 0),
        ("2026-03-20", "2026-03-01", -19),
    ],
)
def test_less_than_28_days_notice_is_an_error(
    root: Path, notified: str, effective: str, days: int
) -> None:
    assert notice_findings(root, f"ciw_notified_on: {notified}\neffective_from: {effective}") == [
        f"{SOP}:12:17: error: SOP_NOTICE_TOO_SHORT takes effect {days} days after CIW was notified on {notified}; "
        "Schedule 3 paragraph 1 of SI 2017/1264 requires 28"
    ]


@pytest.mark.parametrize(
    "extra",
    [
        "ciw_notified_on: 2026-03-01\neffective_from: 2026-03-29",  # exactly 28 days
        "ciw_notified_on: 2026-03-01\neffective_from: 2026-05-01",
        "ciw_notified_on: 2026-03-01",  # no effective date: nothing to compare
        "effective_from: 2026-03-01",
    ],
)
def test_enough_notice_or_nothing_to_compare_is_fine(root: Path, extra: str) -> None:
    assert notice_findings(root, extra) == []


def test_only_the_statement_of_purpose_carries_a_notification_date(root: Path) -> None:
    found = notice_findings(
        root,
        "ciw_notified_on: 2026-03-01\neffective_from: 2026-03-02",
        path="policies/POL-SAF-01.md",
        doc_id="POL-SAF-01",
    )
    assert found == [
        "policies/POL-SAF-01.md:11:18: error: KEY_NOT_ALLOWED ciw_notified_on belongs to the statement of "
        "purpose only"
    ]
