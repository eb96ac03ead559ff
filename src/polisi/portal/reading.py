"""What a member of staff does: read the site, acknowledge a version, see what is outstanding.

Document pages of the built site are served with an acknowledgement panel added at the top of
the article. Opening a page records that this version was opened; the acknowledgement form is
only accepted after that, and only for the version now published, for the signed-in member
themselves, and (when the document sets ``questions``) with every answer right.
"""

from __future__ import annotations

import json
import re
from datetime import date
from pathlib import Path

from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import FileResponse, HTMLResponse, PlainTextResponse, RedirectResponse, Response

from polisi.ledger.coverage import outstanding_of
from polisi.ledger.rules import Requirement, is_manager, must_read
from polisi.ledger.store import acknowledge, all_acknowledgements, has_viewed, record_view
from polisi.portal.auth import Session, form_token
from polisi.portal.guard import portal_of, signed_in

_ARTICLE = re.compile(r"<article\b[^>]*>")
_BODY = re.compile(r"<body\b[^>]*>")


def site_file(site: Path, path: str) -> Path | None:
    """The built file a URL path names, never anything outside the site folder."""
    target = (site / path).resolve()
    if not target.is_relative_to(site.resolve()):
        return None
    if target.is_dir():
        target = target / "index.html"
    return target if target.is_file() else None


@signed_in()
async def site_page(request: Request, session: Session) -> Response:
    portal = portal_of(request)
    published = portal.published
    path = request.path_params.get("path", "")
    file = site_file(published.site, path)
    if file is None:
        return PlainTextResponse("not found", status_code=404)
    if file.suffix != ".html":
        return FileResponse(file)
    page = file.relative_to(published.site.resolve()).as_posix()
    requirement = published.for_page(page)
    panel = await run_in_threadpool(_panel, request, session, requirement)
    html = file.read_text(encoding="utf-8")
    spot = _ARTICLE.search(html) or _BODY.search(html)
    if spot is not None:
        html = html[: spot.end()] + panel + html[spot.end():]
    return HTMLResponse(html)


def _panel(request: Request, session: Session, requirement: Requirement | None, message: str | None = None) -> str:
    portal = portal_of(request)
    member, settings = session.member, portal.settings
    state = None
    if requirement is not None and must_read(requirement, member, settings):
        record_view(portal.engine, member, requirement.document_id, requirement.version)
        with portal.engine.connect() as conn:
            mine = all_acknowledgements(conn, member, requirement.document_id)
        done = next((a for a in reversed(mine) if requirement.covered_by(a.version)), None)
        state = {"done": done, "earlier": mine[-1] if mine and done is None else None}
    return portal.render(
        "panel.html.j2", member=member, manager=is_manager(member, settings), requirement=requirement,
        state=state, message=message, csrf=lambda: form_token(portal.keys, session.key))


@signed_in(post=True)
async def acknowledge_page(request: Request, session: Session) -> Response:
    portal = portal_of(request)
    requirement = portal.published.requirement(request.path_params["document_id"])
    form = await request.form()
    if requirement is None:
        return PlainTextResponse("no such published document", status_code=404)
    if str(form.get("version", "")) != requirement.version:
        return PlainTextResponse(f"version {form.get('version')} is not the version now published "
                                 f"({requirement.version}); open the page again", status_code=409)
    if str(form.get("staff", session.member.email)).strip().lower() != session.member.email:
        return PlainTextResponse("you can only acknowledge for yourself", status_code=403)
    if not must_read(requirement, session.member, portal.settings):
        return PlainTextResponse("this document is not one you are asked to acknowledge", status_code=403)
    wrong = [q.question for i, q in enumerate(requirement.questions) if form.get(f"q{i}") != q.answer]
    answers = json.dumps({q.question: form.get(f"q{i}") for i, q in enumerate(requirement.questions)},
                         ensure_ascii=False) if requirement.questions else None
    return await run_in_threadpool(_record, request, session, requirement, wrong, answers)


def _record(request: Request, session: Session, requirement: Requirement, wrong: list[str],
            answers: str | None) -> Response:
    portal = portal_of(request)
    with portal.engine.connect() as conn:
        opened = has_viewed(conn, session.member, requirement.document_id, requirement.version)
    if not opened:
        return PlainTextResponse("open the document before acknowledging it", status_code=409)
    if wrong:
        message = "Not quite: read the document again, then answer: " + "; ".join(wrong)
        return HTMLResponse(portal.render("message.html.j2", title="Not recorded yet", text=message,
                                          back="/" + requirement.page), status_code=422)
    acknowledge(portal.engine, session.member, requirement.document_id, requirement.version,
                on=date.today(), recorded_by=session.member.email, answers=answers)
    return RedirectResponse("/" + requirement.page, status_code=303)


@signed_in()
async def my_reading(request: Request, session: Session) -> Response:
    portal = portal_of(request)
    report = await run_in_threadpool(portal.coverage)
    outstanding = outstanding_of(report, session.member.id)
    with portal.engine.connect() as conn:
        mine = all_acknowledgements(conn, session.member)
    html = portal.render("reading.html.j2", member=session.member, outstanding=outstanding, today=report.as_of,
                         acknowledged=mine, titles={r.document_id: r.title for r in portal.published.requirements},
                         manager=is_manager(session.member, portal.settings),
                         csrf=lambda: form_token(portal.keys, session.key))
    return HTMLResponse(html)
