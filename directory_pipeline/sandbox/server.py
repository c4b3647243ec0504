"""Running the sandbox app with uvicorn: in a background thread, or in the foreground."""

from __future__ import annotations

import signal
import socket
import threading
import time
from collections.abc import Callable, Mapping
from pathlib import Path
from types import FrameType, TracebackType
from typing import Self

import uvicorn
from starlette.applications import Starlette

from .app import create_app
from .knobs import SiteKnobs
from .site_registry import site_url
from .state import DEFAULT_OUTSIDE_URL

_START_TIMEOUT_S = 20.0


class SandboxServer:
    """The sandbox served by uvicorn on a background thread; use it as a context manager.

    With `port=0` the OS picks a free port; `.port` tells which one once started.
    `outside_url` is where the hostile pages try to lead (e.g. an `OutsideServer`'s url);
    `smtp_host`/`smtp_port` where verifying sites send their mail (none: no mail is sent).
    """

    def __init__(
        self,
        ledger_path: Path | str,
        host: str = "127.0.0.1",
        port: int = 0,
        *,
        knobs: Mapping[str, SiteKnobs] | None = None,
        seed: int = 0,
        outside_url: str = DEFAULT_OUTSIDE_URL,
        smtp_host: str | None = None,
        smtp_port: int = 25,
    ) -> None:
        self.host = host
        self.outside_url = outside_url
        self.app: Starlette = create_app(
            Path(ledger_path),
            knobs,
            seed=seed,
            outside_url=outside_url,
            smtp_host=smtp_host,
            smtp_port=smtp_port,
        )
        self._requested_port = port
        self._socket: socket.socket | None = None
        self._server: uvicorn.Server | None = None
        self._thread: threading.Thread | None = None

    @property
    def port(self) -> int:
        """The port the server listens on."""
        if self._socket is None:
            raise RuntimeError("the sandbox server is not running")
        return self._socket.getsockname()[1]

    @property
    def url(self) -> str:
        """Base URL of the bare admin host."""
        host = f"[{self.host}]" if ":" in self.host else self.host
        return f"http://{host}:{self.port}"

    def url_for(self, slug: str) -> str:
        """URL of a site's form page on this server."""
        return site_url(slug, self.port)

    def start(self) -> Self:
        """Bind, start serving on a daemon thread, and return once requests are answered."""
        family = socket.AF_INET6 if ":" in self.host else socket.AF_INET
        sock = socket.socket(family, socket.SOCK_STREAM)
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            sock.bind((self.host, self._requested_port))
        except OSError:
            sock.close()
            raise
        sock.listen(128)
        self._socket = sock
        config = uvicorn.Config(
            self.app,
            log_level="warning",
            access_log=False,
            lifespan="off",
            timeout_graceful_shutdown=3,
        )
        server = uvicorn.Server(config)
        self._server = server
        thread = threading.Thread(
            target=server.run, kwargs={"sockets": [sock]}, name="sandbox-server", daemon=True
        )
        self._thread = thread
        thread.start()
        deadline = time.monotonic() + _START_TIMEOUT_S
        while not server.started:
            if not thread.is_alive() or time.monotonic() > deadline:
                self.stop()
                raise RuntimeError("the sandbox server did not start")
            time.sleep(0.01)
        return self

    def stop(self) -> None:
        """Stop serving and release the port."""
        if self._server is not None:
            self._server.should_exit = True
        if self._thread is not None:
            self._thread.join(timeout=10)
        if self._socket is not None:
            self._socket.close()
        self._server = self._thread = self._socket = None

    def __enter__(self) -> Self:
        return self.start()

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        self.stop()


def serve_forever(
    host: str,
    port: int,
    ledger_path: Path | str,
    *,
    knobs: Mapping[str, SiteKnobs] | None = None,
    seed: int = 0,
    outside_url: str = DEFAULT_OUTSIDE_URL,
    smtp_host: str | None = None,
    smtp_port: int = 25,
    on_ready: Callable[[SandboxServer], None] | None = None,
) -> None:
    """Serve the sandbox in the foreground until SIGINT or SIGTERM.

    `on_ready` is called once the server answers requests.
    """
    stop = threading.Event()

    def request_stop(signum: int, frame: FrameType | None) -> None:
        stop.set()

    handled = (signal.SIGINT, signal.SIGTERM)
    previous = {sig: signal.signal(sig, request_stop) for sig in handled}
    try:
        with SandboxServer(
            ledger_path,
            host,
            port,
            knobs=knobs,
            seed=seed,
            outside_url=outside_url,
            smtp_host=smtp_host,
            smtp_port=smtp_port,
        ) as server:
            if on_ready is not None:
                on_ready(server)
            while not stop.wait(0.5):
                pass
    finally:
        for sig, handler in previous.items():
            signal.signal(sig, handler)
