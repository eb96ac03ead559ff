"""The gate every portal route passes: a signed-in session (a manager's for managers' pages) and,
for a post, a same-site request carrying an unused form token."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from functools import wraps
from urllib.parse import quote

from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import PlainTextResponse, RedirectResponse, Response

from polisi.ledger.rules import is_manager
from polisi.portal.auth import (
    SESSION_COOKIE,
    SESSION_HOURS,
    Session,
    client_address,
    current_session,
    same_origin,
    sign_in_trusted,
    use_form_token,
)
from polisi.portal.state import Portal

Handler = Callable[[Request, Session], Awaitable[Response]]
Route = Callable[[Request], Awaitable[Response]]
SIGN_IN = "/_portal/sign-in"


def portal_of(request: Request) -> Portal:
    return request.app.state.portal  # type: ignore[no-any-return]


def set_session_cookie(request: Request, response: Response, value: str) -> None:
    """HttpOnly, SameSite=Lax, and Secure whenever the browser reached us over HTTPS."""
    response.set_cookie(SESSION_COOKIE, value, max_age=SESSION_HOURS * 3600, httponly=True, samesite="lax",
                        secure=request.url.scheme == "https", path="/")


async def session_of(request: Request) -> tuple[Session | None, str | None]:
    """The request's session, and a new cookie value when the single sign-on header just opened one."""
    portal = portal_of(request)
    session = await run_in_threadpool(current_session, portal.engine, portal.keys, request)
    header = portal.settings.trusted_header
    vouched = request.headers.get(header) if header else None
    if not vouched or (session and session.member.email == vouched.strip().lower()):
        return session, None
    opened = await run_in_threadpool(sign_in_trusted, portal.engine, portal.keys, vouched, client_address(request))
    if opened is None:
        return None, None
    request.cookies[SESSION_COOKIE] = opened[1]
    session = await run_in_threadpool(current_session, portal.engine, portal.keys, request)
    return session, opened[1]


def signed_in(*, manager: bool = False, post: bool = False) -> Callable[[Handler], Route]:
    """Wrap a route: anonymous requests are sent to sign in (pages) or refused (posts, exports)."""

    def wrap(handler: Handler) -> Route:
        @wraps(handler)
        async def route(request: Request) -> Response:
            portal = portal_of(request)
            session, cookie = await session_of(request)
            if session is None:
                if request.method == "GET" and not request.url.path.endswith((".csv", ".json")):
                    target = quote(request.url.path + (f"?{request.url.query}" if request.url.query else ""))
                    return RedirectResponse(f"{SIGN_IN}?next={target}", status_code=303)
                return PlainTextResponse("sign in first", status_code=401)
            if manager and not is_manager(session.member, portal.settings):
                return PlainTextResponse("managers only", status_code=403)
            if post and not await form_is_genuine(request, session.key):
                return PlainTextResponse("this form has expired or was not sent from this portal", status_code=403)
            response = await handler(request, session)
            if cookie:
                set_session_cookie(request, response, cookie)
            return response

        return route

    return wrap


async def form_is_genuine(request: Request, bound_to: str) -> bool:
    """A same-site post whose form token is genuine, bound to ``bound_to`` and not used before."""
    if not same_origin(request):
        return False
    form = await request.form()
    token = form.get("csrf")
    if not isinstance(token, str):
        return False
    portal = portal_of(request)
    return await run_in_threadpool(use_form_token, portal.engine, portal.keys, token, bound_to)
