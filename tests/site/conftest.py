"""Fixtures for the site tests: the handbook built into a site once per session, and served."""

from __future__ import annotations

import functools
import http.server
import threading
from collections.abc import Iterator

import pytest
from site_handbook import AS_OF, BuiltSite, run_polisi, write_handbook


@pytest.fixture(scope="session")
def built_site(tmp_path_factory: pytest.TempPathFactory) -> BuiltSite:
    root = write_handbook(tmp_path_factory.mktemp("site") / "handbook")
    preview = run_polisi(
        "build", "site", str(root), "--as-of", AS_OF.isoformat(), "--include-drafts"
    )
    assert preview.returncode == 0, preview.stderr
    assert not (root / "build" / "site").exists(), "the draft preview touched the staff site"
    staff = run_polisi("build", "site", str(root), "--as-of", AS_OF.isoformat())
    assert staff.returncode == 0, staff.stderr
    return BuiltSite(root, root / "build" / "site", root / "build" / "preview")


class _QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: object) -> None:  # noqa: A002 - the stdlib's name
        pass


@pytest.fixture(scope="session")
def site_url(built_site: BuiltSite) -> Iterator[str]:
    """The staff site served on 127.0.0.1 from a thread, as an intranet server would."""
    handler = functools.partial(_QuietHandler, directory=str(built_site.staff))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}/"
    server.shutdown()
    server.server_close()
