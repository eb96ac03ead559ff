"""The only routes open before sign-in: the sign-in form and the one-time invitation link."""

from __future__ import annotations

from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import HTMLResponse, RedirectResponse, Response

from polisi.ledger.store import accept_invitation, invitation_member
from polisi.portal.auth import (
    MIN_PASSWORD,
    PRE_SIGN_IN_COOKIE,
    Session,
    client_address,
    form_token,
    hash_password,
    pre_sign_in_key,
    sign_in,
    sign_out,
    throttled,
)
from polisi.portal.guard import SIGN_IN, form_is_genuine, portal_of, set_session_cookie, signed_in


def _safe_next(target: str | None) -> str:
    """Only a path on this portal, never another site (``//evil`` or ``https://...``)."""
    if not target or not target.startswith("/") or target.startswith("//") or "\\" in target:
        return "/"
    return target


def _anonymous_form(request: Request, template: str, status: int = 200, **context: object) -> Response:
    portal = portal_of(request)
    key, fresh = pre_sign_in_key(request)
    html = portal.render(template, csrf=lambda: form_token(portal.keys, key), **context)
    response = HTMLResponse(html, status_code=status)
    if fresh:
        response.set_cookie(PRE_SIGN_IN_COOKIE, fresh, httponly=True, samesite="lax",
                            secure=request.url.scheme == "https", path="/_portal/")
    return response


async def sign_in_page(request: Request) -> Response:
    nxt = _safe_next(request.query_params.get("next"))
    if request.method == "GET":
        return _anonymous_form(request, "sign_in.html.j2", next=nxt, message=None)
    portal = portal_of(request)
    if not await form_is_genuine(request, pre_sign_in_key(request)[0]):
        return _anonymous_form(request, "sign_in.html.j2", 403, next=nxt,
                               message="That form had expired. Please sign in again.")
    form = await request.form()
    email, password = str(form.get("email", "")), str(form.get("password", ""))
    nxt = _safe_next(str(form.get("next", "/")))
    address = client_address(request)
    if await run_in_threadpool(throttled, portal.engine, email, address):
        return _anonymous_form(request, "sign_in.html.j2", 429, next=nxt,
                               message="Too many attempts. Wait 15 minutes, then try again.")
    opened = await run_in_threadpool(sign_in, portal.engine, portal.keys, email, password, address)
    if opened is None:
        return _anonymous_form(request, "sign_in.html.j2", 401, next=nxt,
                               message="That email and password do not match.")
    response = RedirectResponse(nxt, status_code=303)
    set_session_cookie(request, response, opened[1])
    return response


async def invitation_page(request: Request) -> Response:
    portal = portal_of(request)
    token = request.path_params["token"]
    member = await run_in_threadpool(invitation_member, portal.engine, token)
    if member is None:
        return HTMLResponse(portal.render("message.html.j2", title="Invitation not valid",
                                          text="This invitation has been used or has expired. Ask your manager "
                                               "for a new one."), status_code=404)
    if request.method == "GET":
        return _anonymous_form(request, "invitation.html.j2", member=member, message=None, minimum=MIN_PASSWORD)
    if not await form_is_genuine(request, pre_sign_in_key(request)[0]):
        return _anonymous_form(request, "invitation.html.j2", 403, member=member, minimum=MIN_PASSWORD,
                               message="That form had expired. Please try again.")
    form = await request.form()
    password, again = str(form.get("password", "")), str(form.get("again", ""))
    problem = (f"Choose a password of at least {MIN_PASSWORD} characters." if len(password) < MIN_PASSWORD
               else "The two passwords differ." if password != again else None)
    if problem:
        return _anonymous_form(request, "invitation.html.j2", 400, member=member, minimum=MIN_PASSWORD,
                               message=problem)
    accepted = await run_in_threadpool(accept_invitation, portal.engine, token, hash_password(password))
    if accepted is None:
        return HTMLResponse(portal.render("message.html.j2", title="Invitation not valid",
                                          text="This invitation has just been used."), status_code=404)
    return RedirectResponse(f"{SIGN_IN}?next=/_portal/reading", status_code=303)


@signed_in(post=True)
async def sign_out_page(request: Request, session: Session) -> Response:
    await run_in_threadpool(sign_out, portal_of(request).engine, session)
    response = RedirectResponse(SIGN_IN, status_code=303)
    response.delete_cookie("polisi_session", path="/")
    return response
