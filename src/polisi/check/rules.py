"""Stage 3: every rule over the handbook model, collected into one report.

Each rule is a generator of findings over the whole handbook, so one run
reports every problem. Rules never raise; the report is the only output.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from datetime import date, timedelta

from markdown.extensions.toc import slugify

from polisi.check.applicability import applicability
from polisi.check.approval_record import approval_record
from polisi.check.areas import undeclared_areas
from polisi.check.complexity import complexity
from polisi.check.containment import containment
from polisi.check.fidelity import fidelity
from polisi.check.guide import guide_links
from polisi.check.pictures import pictures
from polisi.check.translations import translation_findings
from polisi.check.word_reference import word_reference
from polisi.findings import Finding, Report, Severity
from polisi.handbook.catalogue import InstrumentKind, Provenance
from polisi.handbook.links import anchors, local_links
from polisi.handbook.model import Document, Handbook, Kind
from polisi.handbook.review_dates import ReviewState
from polisi.handbook.schema import CITATION_KEYS
from polisi.history.git import History

ERROR, WARNING = Severity.ERROR, Severity.WARNING
SOP_NOTICE_DAYS = 28
"""Schedule 3 paragraph 1 of SI 2017/1264: a revised statement of purpose is notified 28 days ahead."""

_KEY_KIND = {
    "legislation": InstrumentKind.LEGISLATION,
    "statutory_guidance": InstrumentKind.STATUTORY_GUIDANCE,
    "code_of_practice": InstrumentKind.CODE_OF_PRACTICE,
    "guidance": InstrumentKind.GUIDANCE,
}


@dataclass(frozen=True)
class CheckOptions:
    as_of: date
    warning_days: int


Rule = Callable[[Handbook, CheckOptions], Iterable[Finding]]


def check(
    handbook: Handbook, as_of: date, warning_days: int | None = None, history: History | None = None
) -> Report:
    """Run every rule; the report also carries the findings made while loading.

    The approval record is checked always; ``history`` (git) adds which commit changed a text.
    """
    days = handbook.config.review.warning_days if warning_days is None else warning_days
    options = CheckOptions(as_of, days)
    findings: list[Finding] = list(handbook.load_findings)
    for rule in RULES:
        findings.extend(rule(handbook, options))
    findings.extend(approval_record(handbook, history))
    findings.extend(translation_findings(handbook, history))
    return Report.of(findings, documents_checked=len(handbook.documents) + len(handbook.unreadable))


def ids(handbook: Handbook, _: CheckOptions) -> Iterator[Finding]:
    seen: dict[str, Document] = {}
    for doc in handbook:
        if doc.id != doc.source.stem:
            yield doc.finding(("id",), ERROR, "ID_FILENAME_MISMATCH",
                              f"id {doc.id} does not match the file name {doc.source.stem}.md")
        if not doc.id.startswith(doc.kind.prefix + "-"):
            yield doc.finding(("id",), ERROR, "ID_WRONG_KIND",
                              f"{doc.kind.folder}/ holds {doc.kind.label.lower()} documents, whose ids start "
                              f"with {doc.kind.prefix}-; {doc.id} does not")
        if doc.id in seen:
            yield doc.finding(("id",), ERROR, "DUPLICATE_ID", f"id {doc.id} is already used by {seen[doc.id].path}")
        else:
            seen[doc.id] = doc
    statements = handbook.of_kind(Kind.STATEMENT)
    if not statements and not any(p.startswith("statement_of_purpose/") for p in handbook.unreadable):
        yield Finding("statement_of_purpose", 1, 1, ERROR, "MISSING_STATEMENT_OF_PURPOSE",
                      "the handbook has no statement of purpose (statement_of_purpose/SOP-01.md)")


def citations(handbook: Handbook, options: CheckOptions) -> Iterator[Finding]:
    catalogue = handbook.catalogue
    for doc in handbook:
        cited: set[str] = set()
        for key in CITATION_KEYS:
            for index, clause_id in enumerate(getattr(doc.meta, key)):
                loc = (key, index)
                clause = catalogue.get(clause_id)
                if clause is None:
                    near = catalogue.nearest(clause_id)
                    hint = f" (did you mean {near}?)" if near else ""
                    yield doc.finding(loc, ERROR, "UNKNOWN_CLAUSE", f"{clause_id} is not in the catalogue{hint}")
                    continue
                if clause_id in cited:
                    yield doc.finding(loc, WARNING, "DUPLICATE_CITATION", f"{clause_id} is cited more than once")
                cited.add(clause_id)
                if clause.kind is not _KEY_KIND[key]:
                    yield doc.finding(loc, WARNING, "CITATION_KEY",
                                      f"{clause_id} is {clause.kind.value.replace('_', ' ')}; list it under "
                                      f"'{clause.kind.value}', not '{key}'")
                inst = clause.instrument
                if inst.superseded_at(options.as_of):
                    successor = f" by {inst.superseded_by}" if inst.superseded_by else ""
                    yield doc.finding(loc, WARNING, "SUPERSEDED_INSTRUMENT",
                                      f"{clause_id}: {inst.label} was superseded on {inst.superseded_on}{successor}")
                if clause.provenance is Provenance.UNVERIFIED:
                    message = f"{clause_id} is marked unverified in the catalogue; check it before relying on it"
                    yield doc.finding(loc, WARNING, "UNVERIFIED_CLAUSE", message)


def structure(handbook: Handbook, _: CheckOptions) -> Iterator[Finding]:
    """Policies list their procedures, and each procedure points back to its policy."""
    listed_by: dict[str, list[Document]] = {}
    for doc in handbook:
        if doc.kind is not Kind.POLICY and doc.meta.procedures:
            yield doc.finding(("procedures",), ERROR, "KEY_NOT_ALLOWED",
                              "only policies list procedures; a procedure names its 'policy' instead")
        if doc.kind is not Kind.PROCEDURE and doc.meta.policy:
            yield doc.finding(("policy",), ERROR, "KEY_NOT_ALLOWED", "only procedures name a parent 'policy'")
        if doc.kind is not Kind.STATEMENT and doc.meta.ciw_notified_on:
            yield doc.finding(("ciw_notified_on",), ERROR, "KEY_NOT_ALLOWED",
                              "ciw_notified_on belongs to the statement of purpose only")
        if doc.kind is Kind.POLICY:
            yield from _policy_procedures(handbook, doc, listed_by)
    for doc in handbook.of_kind(Kind.PROCEDURE):
        if doc.id.startswith(Kind.PROCEDURE.prefix + "-"):
            yield from _procedure_policy(handbook, doc, listed_by.get(doc.id, []))


def _policy_procedures(
    handbook: Handbook, policy: Document, listed_by: dict[str, list[Document]]
) -> Iterator[Finding]:
    for index, proc_id in enumerate(policy.meta.procedures):
        listed_by.setdefault(proc_id, []).append(policy)
        proc = handbook.get(proc_id)
        loc = ("procedures", index)
        if proc is None:
            if f"procedures/{proc_id}.md" not in handbook.unreadable:
                yield policy.finding(loc, ERROR, "UNKNOWN_PROCEDURE", f"procedure {proc_id} does not exist")
        elif proc.kind is not Kind.PROCEDURE:
            kind = proc.kind.label.lower()
            yield policy.finding(loc, ERROR, "NOT_A_PROCEDURE", f"{proc_id} is a {kind}, not a procedure")
        elif proc.meta.policy != policy.id:
            belongs = proc.meta.policy or "no policy"
            yield policy.finding(loc, ERROR, "PROCEDURE_POLICY_MISMATCH",
                                 f"{proc_id} says it belongs to {belongs}, not {policy.id}")


def _procedure_policy(handbook: Handbook, proc: Document, listed_by: list[Document]) -> Iterator[Finding]:
    parent_id = proc.meta.policy
    if parent_id is None:
        yield proc.finding((), ERROR, "MISSING_KEY", "a procedure must name its 'policy'")
    else:
        parent = handbook.get(parent_id)
        if parent is None:
            if f"policies/{parent_id}.md" not in handbook.unreadable:
                yield proc.finding(("policy",), ERROR, "UNKNOWN_POLICY", f"policy {parent_id} does not exist")
        elif parent.kind is not Kind.POLICY:
            yield proc.finding(("policy",), ERROR, "NOT_A_POLICY", f"{parent_id} is not a policy")
        elif proc.id not in parent.meta.procedures:
            yield proc.finding(("policy",), ERROR, "POLICY_DOES_NOT_LIST",
                               f"{parent_id} does not list {proc.id} in its procedures")
    parent_unreadable = f"policies/{parent_id}.md" in handbook.unreadable
    if not listed_by and proc.status != "withdrawn" and not parent_unreadable:
        yield proc.finding(("id",), ERROR, "ORPHAN_PROCEDURE", f"no policy lists {proc.id} in its procedures")


def body_links(handbook: Handbook, _: CheckOptions) -> Iterator[Finding]:
    """Relative links to documents and headings must resolve; approved documents link to nothing withdrawn."""
    heading_cache: dict[str, set[str]] = {}

    def anchors_of(doc: Document) -> set[str]:
        if doc.path not in heading_cache:
            heading_cache[doc.path] = anchors(doc.body)
        return heading_cache[doc.path]

    for doc in handbook:
        for link in local_links(doc.path, doc.body, doc.source.body_line):
            line, col, resolved, fragment = link.line, link.column, link.path, link.fragment
            if not resolved:
                if fragment and fragment not in anchors_of(doc):
                    yield Finding(doc.path, line, col, ERROR, "BROKEN_ANCHOR",
                                  f"#{fragment} is not a heading in this document{_hint(fragment, anchors_of(doc))}")
                continue
            target = handbook.by_path.get(resolved)
            if target is None:
                if resolved in handbook.unreadable:
                    continue
                if not resolved.endswith(".md") and (handbook.root / resolved).is_file():
                    continue
                yield Finding(doc.path, line, col, ERROR, "BROKEN_LINK", f"{link.target} does not exist")
                continue
            if fragment and fragment not in anchors_of(target):
                yield Finding(doc.path, line, col, ERROR, "BROKEN_ANCHOR",
                              f"#{fragment} is not a heading in {target.id}{_hint(fragment, anchors_of(target))}")
            if doc.approved and target.status == "withdrawn":
                yield Finding(doc.path, line, col, ERROR, "LINK_TO_WITHDRAWN",
                              f"links to {target.id}, which is withdrawn")
            elif doc.approved and target.status == "draft":
                yield Finding(doc.path, line, col, WARNING, "LINK_TO_DRAFT",
                              f"links to {target.id}, a draft that staff cannot see until it is approved")


def _hint(fragment: str, known: set[str]) -> str:
    """Suggest the id a heading really has when the link spells it as words (``#Evidence of abuse``)."""
    slug = slugify(fragment, "-")
    return f" (did you mean #{slug}?)" if slug != fragment and slug in known else ""


def approvals(handbook: Handbook, options: CheckOptions) -> Iterator[Finding]:
    for doc in handbook:
        meta = doc.meta
        if doc.approved:
            for key in ("approved_by", "approved_on"):
                if getattr(meta, key) is None:
                    yield doc.finding(("status",), ERROR, "MISSING_APPROVAL",
                                      f"approved documents need '{key}'")
        if meta.approved_on and meta.approved_on > options.as_of:
            yield doc.finding(("approved_on",), ERROR, "APPROVED_IN_FUTURE",
                              f"approved_on {meta.approved_on} is after {options.as_of}")


def reviews(handbook: Handbook, options: CheckOptions) -> Iterator[Finding]:
    for doc in handbook:
        meta = doc.meta
        if meta.last_reviewed and meta.last_reviewed > options.as_of:
            yield doc.finding(("last_reviewed",), ERROR, "REVIEWED_IN_FUTURE",
                              f"last_reviewed {meta.last_reviewed} is after {options.as_of}")
        if not doc.approved:
            continue
        missing = [k for k in ("last_reviewed", "review_interval") if getattr(meta, k) is None]
        for key in missing:
            yield doc.finding(("status",), ERROR, "MISSING_REVIEW", f"approved documents need '{key}'")
        status = doc.review(options.as_of, options.warning_days)
        if status is None:
            continue
        if status.state is ReviewState.OVERDUE:
            yield doc.finding(("last_reviewed",), ERROR, "REVIEW_OVERDUE",
                              f"review was due on {status.next_review} ({-status.days_left} days ago; "
                              f"{meta.review_interval} after {meta.last_reviewed}); owner: {meta.owner}")
        elif status.state is ReviewState.DUE:
            yield doc.finding(("last_reviewed",), WARNING, "REVIEW_DUE_SOON",
                              f"review falls due on {status.next_review} (in {status.days_left} days); "
                              f"owner: {meta.owner}")


def statement_notice(handbook: Handbook, _: CheckOptions) -> Iterator[Finding]:
    """A revised statement of purpose takes effect at least 28 days after CIW is notified."""
    for doc in handbook.of_kind(Kind.STATEMENT):
        notified, effective = doc.meta.ciw_notified_on, doc.meta.effective_from
        if notified and effective and effective < notified + timedelta(days=SOP_NOTICE_DAYS):
            yield doc.finding(("effective_from",), ERROR, "SOP_NOTICE_TOO_SHORT",
                              f"takes effect {(effective - notified).days} days after CIW was notified on "
                              f"{notified}; Schedule 3 paragraph 1 of SI 2017/1264 requires {SOP_NOTICE_DAYS}")


def not_applicable(handbook: Handbook, _: CheckOptions) -> Iterator[Finding]:
    return applicability(handbook)


RULES: tuple[Rule, ...] = (ids, citations, structure, body_links, approvals, reviews, statement_notice,
                           not_applicable, containment, undeclared_areas, fidelity, guide_links,
                           complexity, pictures, word_reference)
