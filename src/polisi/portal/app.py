"""The portal's routes, in one table: two open before sign-in, everything else behind it."""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import Engine
from starlette.applications import Starlette
from starlette.routing import Route

from polisi.portal import access, manage, reading
from polisi.portal.state import Portal


def create_app(root: Path, engine: Engine | None = None) -> Starlette:
    """The portal for the handbook at ``root`` (its ledger must exist: ``polisi portal init``)."""
    routes = [
        Route("/_portal/sign-in", access.sign_in_page, methods=["GET", "POST"]),
        Route("/_portal/invitation/{token}", access.invitation_page, methods=["GET", "POST"]),
        Route("/_portal/sign-out", access.sign_out_page, methods=["POST"]),
        Route("/_portal/reading", reading.my_reading),
        Route("/_portal/acknowledge/{document_id}", reading.acknowledge_page, methods=["POST"]),
        Route("/_portal/manage", manage.overview),
        Route("/_portal/manage/documents/{document_id}", manage.document_detail),
        Route("/_portal/manage/staff/{email}", manage.person_detail),
        Route("/_portal/manage/report.{fmt:str}", manage.export),
        Route("/_portal/manage/invite", manage.invite_page, methods=["POST"]),
        Route("/_portal/manage/leaver", manage.leaver_page, methods=["POST"]),
        Route("/_portal/manage/record", manage.on_behalf_page, methods=["POST"]),
        Route("/{path:path}", reading.site_page),
    ]
    app = Starlette(routes=routes)
    app.state.portal = Portal(root, engine)
    return app
