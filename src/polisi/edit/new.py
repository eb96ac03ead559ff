"""``polisi new``: a new draft policy or procedure that passes ``polisi check`` as written.

The id is the next free one in the area; owner, review interval and the house
headings come from ``polisi.yml`` (``new:``), so every new document starts the way
the organisation writes them. A procedure is linked both ways: it names its
policy, and the policy's ``procedures`` list gains it (a bookkeeping key, so an
approved policy keeps its approval). Nothing is committed: the policy lead writes
the text, then checks, previews and approves it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

from polisi.edit.approve import find_document, set_front_matter
from polisi.edit.staging import staged_files
from polisi.errors import UsageError
from polisi.handbook.model import Kind, load_handbook
from polisi.handbook.naming import next_free_id, yaml_text


@dataclass(frozen=True)
class Created:
    doc_id: str
    path: str
    linked: str | None
    """The policy file that now lists the new procedure."""


def new_document(root: Path, kind: Kind, area: str, title: str, policy: str | None = None) -> Created:
    """Write a draft ``kind`` document in ``area`` titled ``title``; return where it went."""
    handbook = load_handbook(root)
    area = area.upper()
    if not re.fullmatch(r"[A-Z]{2,4}", area):
        raise UsageError(f"{area} is not an area code (2-4 capital letters, e.g. SAF)")
    areas = handbook.config.areas
    if areas and area not in areas:
        raise UsageError(f"area {area} is not in polisi.yml areas ({', '.join(a for a in areas if a != 'SOP')}); "
                         "add it there first")
    if not title.strip() or "\n" in title:
        raise UsageError("the title must be one non-empty line")
    if kind is Kind.PROCEDURE and policy is None:
        raise UsageError("a procedure belongs to a policy: give it with --policy POL-...")
    if kind is not Kind.PROCEDURE and policy is not None:
        raise UsageError("--policy is for procedures only")
    parent = find_document(handbook, policy) if policy else None
    if parent is not None and parent.kind is not Kind.POLICY:
        raise UsageError(f"{parent.id} is not a policy")
    doc_id = next_free_id(root, handbook, kind, area)
    path = f"{kind.folder}/{doc_id}.md"
    settings = handbook.config.new
    front = [
        "---", f"id: {doc_id}", f"title: {yaml_text(title.strip())}", 'version: "1.0"', "status: draft",
        f"owner: {yaml_text(settings.owner)}", f"review_interval: {settings.review_interval}",
        "summary: One sentence saying what this document is for.",
    ]
    if parent is not None:
        front.append(f"policy: {parent.id}")
    front += ["# polisi approve fills in approved_by, approved_on and last_reviewed.", "---", ""]
    headings = settings.procedure_headings if kind is Kind.PROCEDURE else settings.policy_headings
    body = []
    for number, heading in enumerate(headings):
        body += [f"## {heading}", "", _starter(heading, number, parent.title if parent else None,
                                               parent.path if parent else None), ""]
    with staged_files(root) as write:
        write(path, "\n".join(front + body))
        if parent is not None:
            write(parent.path, set_front_matter(parent.source.text, {"procedures": _flow([*parent.meta.procedures,
                                                                                           doc_id])}))
    return Created(doc_id, path, parent.path if parent else None)


def _flow(items: list[str]) -> object:
    """A YAML list written inline, ``[A, B]``, as the house style writes ``procedures``."""
    from ruamel.yaml.comments import CommentedSeq

    seq = CommentedSeq(items)
    seq.fa.set_flow_style()
    return seq


def _starter(heading: str, number: int, policy_title: str | None, policy_path: str | None) -> str:
    if number == 0 and policy_title and policy_path:
        return f"This procedure carries out [{policy_title.lower()}](../{policy_path})."
    return f"Write the {heading.lower()} here."
