"""Managers' pages: coverage per document and per person, exports, invitations, leavers, and
acknowledgements recorded on someone's behalf (a paper form, a supervision session)."""

from __future__ import annotations

from datetime import date

from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import HTMLResponse, PlainTextResponse, RedirectResponse, Response

from polisi.ledger.coverage import format_report, outstanding_of
from polisi.ledger.rules import must_read
from polisi.ledger.store import StaffError, acknowledge, find_member, invite, mark_leaver
from polisi.portal.auth import Session, form_token
from polisi.portal.guard import portal_of, signed_in

MANAGE = "/_portal/manage"


def _page(request: Request, session: Session, template: str, status: int = 200, **context: object) -> Response:
    portal = portal_of(request)
    html = portal.render(template, member=session.member, manager=True,
                         csrf=lambda: form_token(portal.keys, session.key), **context)
    return HTMLResponse(html, status_code=status)


@signed_in(manager=True)
async def overview(request: Request, session: Session) -> Response:
    portal = portal_of(request)
    report = await run_in_threadpool(portal.coverage)
    return _page(request, session, "manage.html.j2", report=report, notice=request.query_params.get("notice"))


@signed_in(manager=True)
async def document_detail(request: Request, session: Session) -> Response:
    portal = portal_of(request)
    report = await run_in_threadpool(portal.coverage)
    found = next((d for d in report.documents if d.requirement.document_id == request.path_params["document_id"]),
                 None)
    if found is None:
        return PlainTextResponse("no such published document", status_code=404)
    return _page(request, session, "manage_document.html.j2", doc=found, report=report)


@signed_in(manager=True)
async def person_detail(request: Request, session: Session) -> Response:
    portal = portal_of(request)
    report = await run_in_threadpool(portal.coverage)
    email = request.path_params["email"].lower()
    person = next((m for m, _ in report.staff if m.email == email), None)
    if person is None:
        return PlainTextResponse("no such member of staff in post", status_code=404)
    return _page(request, session, "manage_person.html.j2", person=person, report=report,
                 outstanding=outstanding_of(report, person.id))


@signed_in(manager=True)
async def export(request: Request, session: Session) -> Response:
    portal = portal_of(request)
    fmt = request.path_params["fmt"]
    if fmt not in ("csv", "json"):
        return PlainTextResponse("exports are report.csv and report.json", status_code=404)
    report = await run_in_threadpool(portal.coverage)
    media = {"csv": "text/csv; charset=utf-8", "json": "application/json"}[fmt]
    name = f"acknowledgements-{report.as_of.isoformat()}.{fmt}"
    return Response(format_report(report, fmt) + "\n", media_type=media,
                    headers={"Content-Disposition": f'attachment; filename="{name}"'})


@signed_in(manager=True, post=True)
async def invite_page(request: Request, session: Session) -> Response:
    portal = portal_of(request)
    email = str((await request.form()).get("email", ""))
    try:
        token = await run_in_threadpool(invite, portal.engine, email, session.member.email)
    except StaffError as exc:
        return _page(request, session, "message.html.j2", 400, title="Not invited", text=str(exc), back=MANAGE)
    link = f"{portal.settings.url.rstrip('/')}/_portal/invitation/{token}"
    return _page(request, session, "message.html.j2", title="Invitation made",
                 text=f"Send this one-time link to {email.strip().lower()} (valid for 7 days):", link=link, back=MANAGE)


@signed_in(manager=True, post=True)
async def leaver_page(request: Request, session: Session) -> Response:
    portal = portal_of(request)
    form = await request.form()
    try:
        on = date.fromisoformat(str(form.get("on", "")))
        member = await run_in_threadpool(mark_leaver, portal.engine, str(form.get("email", "")), on,
                                         session.member.email)
    except (ValueError, StaffError) as exc:
        return _page(request, session, "message.html.j2", 400, title="Not marked", text=str(exc), back=MANAGE)
    return RedirectResponse(f"{MANAGE}?notice={member.email} marked as left", status_code=303)


@signed_in(manager=True, post=True)
async def on_behalf_page(request: Request, session: Session) -> Response:
    portal = portal_of(request)
    form = await request.form()
    requirement = portal.published.requirement(str(form.get("document", "")))
    how = str(form.get("how", "")).strip()
    with portal.engine.connect() as conn:
        member = find_member(conn, str(form.get("email", "")))
    try:
        on = date.fromisoformat(str(form.get("on", "")))
    except ValueError:
        on = None
    problem = ("no such published document" if requirement is None
               else "no such member of staff" if member is None or member.left_on is not None
               else "say how it was done (for example: paper form, supervision)" if not how
               else "give the date it was done, YYYY-MM-DD" if on is None
               else "that date is in the future" if on > date.today()
               else "that document is not for this member" if not must_read(requirement, member, portal.settings)
               else None)
    if problem or requirement is None or member is None or on is None:
        return _page(request, session, "message.html.j2", 400, title="Not recorded", text=problem, back=MANAGE)
    await run_in_threadpool(lambda: acknowledge(portal.engine, member, requirement.document_id, requirement.version,
                                                on=on, recorded_by=session.member.email, how=how))
    return RedirectResponse(f"{MANAGE}?notice=recorded {requirement.document_id} for {member.email}", status_code=303)
