"""The portal served by uvicorn from a thread of the test process, on 127.0.0.1."""

from __future__ import annotations

import threading
import time
from pathlib import Path

from postgres import free_port


class Running:
    """A portal served by uvicorn from a thread, as ``polisi portal serve`` serves it."""

    def __init__(self, root: Path) -> None:
        import uvicorn

        from polisi.portal.app import create_app
        from polisi.portal.serve import server_config

        self.app = create_app(root)
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.server = uvicorn.Server(server_config(self.app, "127.0.0.1", self.port))
        self.thread = threading.Thread(target=self.server.run, daemon=True)
        self.thread.start()
        deadline = time.monotonic() + 20
        while not self.server.started:
            assert time.monotonic() < deadline, "the portal did not start"
            time.sleep(0.02)

    @property
    def engine(self):  # type: ignore[no-untyped-def]
        return self.app.state.portal.engine

    def stop(self) -> None:
        self.server.should_exit = True
        self.server.force_exit = True  # do not wait for idle keep-alive connections
        self.thread.join(timeout=20)
        self.engine.dispose()
