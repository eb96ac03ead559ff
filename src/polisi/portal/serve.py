"""``polisi portal serve``: the portal under uvicorn, on 127.0.0.1 unless told otherwise.

Forwarded headers (``X-Forwarded-Proto``, ``X-Forwarded-For``) are trusted from 127.0.0.1 only,
which is where the TLS reverse proxy the README describes runs; with them the portal knows a
request came over HTTPS and marks its cookies Secure.
"""

from __future__ import annotations

from pathlib import Path

import uvicorn
from starlette.applications import Starlette

from polisi.portal.app import create_app

DEFAULT_HOST = "127.0.0.1"
DEFAULT_PORT = 8000


def server_config(app: Starlette, host: str = DEFAULT_HOST, port: int = DEFAULT_PORT) -> uvicorn.Config:
    """How the portal is served: forwarded headers trusted from 127.0.0.1 only, no server banner."""
    return uvicorn.Config(app, host=host, port=port, proxy_headers=True, forwarded_allow_ips="127.0.0.1",
                          log_level="warning", server_header=False, lifespan="off")


def serve(root: Path, host: str = DEFAULT_HOST, port: int = DEFAULT_PORT) -> None:
    """Serve until interrupted (Ctrl+C or SIGTERM)."""
    uvicorn.Server(server_config(create_app(root), host, port)).run()
