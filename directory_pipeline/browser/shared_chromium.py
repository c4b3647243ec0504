"""One Chromium for a whole run, shared by every worker thread.

Until issue 12 each worker launched a Chromium of its own (about 1.4 GB per worker). Here the
run starts one Chromium itself, with DevTools on a loopback port, and the run's one
Playwright connection (`hub()`, a `PlaywrightHub`) opens every worker's contexts in it: the
browser, GPU and network processes and the Playwright driver are paid once, and each
directory adds only its renderer.

One worker's hung page must never take the others down (a context killed mid-submission
would turn an honest `submitted` into `needs_review`). The watchdog therefore disposes of
that one context through a DevTools connection of its own, which the browser process
serves even while the page's renderer spins.
"""

from __future__ import annotations

import contextlib
import json
import os
import shutil
import signal
import subprocess
import tempfile
import threading
import time
import uuid
from pathlib import Path
from typing import Self

from websockets.sync.client import connect as websocket_connect

from directory_pipeline.browser.launch import (
    CHROMIUM_ARGS,
    SESSION_SWITCH,
    browser_environment,
    chromium_executable,
)
from directory_pipeline.browser.playwright_hub import PlaywrightHub

# What Playwright's own launch would add that matters when many pages share one browser:
# no timer throttling or backgrounding of pages that are not in front, no dialogs, no
# extensions, stable colours in screenshots.
SHARED_ARGS = [
    "--headless",
    "--remote-debugging-address=127.0.0.1",
    "--remote-debugging-port=0",
    "--disable-background-timer-throttling",
    "--disable-backgrounding-occluded-windows",
    "--disable-renderer-backgrounding",
    "--disable-hang-monitor",
    "--disable-popup-blocking",
    "--disable-prompt-on-repost",
    "--disable-extensions",
    "--disable-default-apps",
    "--disable-client-side-phishing-detection",
    "--metrics-recording-only",
    "--password-store=basic",
    "--use-mock-keychain",
    "--mute-audio",
    "--hide-scrollbars",
    "--force-color-profile=srgb",
]

START_TIMEOUT_S = 30.0


class ChromiumDidNotStart(RuntimeError):
    """Chromium exited or never announced its DevTools port."""


class SharedChromium:
    """The run's Chromium. Use as a context manager; `endpoint()` (re)starts it if needed."""

    def __init__(self, executable_path: str | None = None) -> None:
        self.executable_path = executable_path
        self.tag = uuid.uuid4().hex
        self._lock = threading.Lock()
        self._hub: PlaywrightHub | None = None
        self._process: subprocess.Popen[bytes] | None = None
        self._profile: Path | None = None
        self._port: int | None = None
        self._browser_path: str | None = None
        self.launches = 0

    def __enter__(self) -> Self:
        self.endpoint()
        return self

    def __exit__(self, *exc: object) -> None:
        with self._lock:
            hub, self._hub = self._hub, None
        if hub is not None:
            hub.stop()
        with self._lock:
            self._stop()

    def hub(self) -> PlaywrightHub:
        """The run's one Playwright connection to this Chromium, started on first use and
        again if its driver died."""
        with self._lock:
            if self._hub is None or not self._hub.running:
                if self._hub is not None:
                    self._hub.stop()
                self._hub = PlaywrightHub(self.endpoint).start()
            return self._hub

    @property
    def pid(self) -> int | None:
        return self._process.pid if self._process is not None else None

    def running(self) -> bool:
        return self._process is not None and self._process.poll() is None

    def endpoint(self) -> str:
        """The CDP endpoint (http://127.0.0.1:port) of a running Chromium."""
        with self._lock:
            if not self.running():
                self._stop()
                self._start()
            return f"http://127.0.0.1:{self._port}"

    def dispose_context(self, browser_context_id: str, timeout_s: float = 10.0) -> bool:
        """Close one context and its pages from any thread, whatever its renderer is doing.
        False if the browser could not be reached or did not know the context."""
        if not self.running() or self._browser_path is None:
            return False
        url = f"ws://127.0.0.1:{self._port}{self._browser_path}"
        request = {
            "id": 1,
            "method": "Target.disposeBrowserContext",
            "params": {"browserContextId": browser_context_id},
        }
        try:
            with websocket_connect(url, open_timeout=timeout_s, max_size=None) as socket:
                socket.send(json.dumps(request))
                deadline = time.monotonic() + timeout_s
                while (left := deadline - time.monotonic()) > 0:
                    answer = json.loads(socket.recv(timeout=left))
                    if answer.get("id") == 1:
                        return "error" not in answer
        except (OSError, TimeoutError, ValueError):
            return False
        return False

    def kill(self) -> None:
        """Kill the whole browser (every context of every worker): only for tests and for
        a browser that no longer answers DevTools at all."""
        with self._lock:
            self._stop()

    def _start(self) -> None:
        executable = chromium_executable(self.executable_path)
        if executable is None:
            raise ChromiumDidNotStart("no Chromium found (set CHROMIUM_EXECUTABLE_PATH)")
        self._profile = Path(tempfile.mkdtemp(prefix="directory-pipeline-chromium-"))
        command = [
            executable,
            *CHROMIUM_ARGS,
            *SHARED_ARGS,
            f"{SESSION_SWITCH}={self.tag}",
            f"--user-data-dir={self._profile}",
            "about:blank",
        ]
        self._process = subprocess.Popen(
            command,
            env=browser_environment(),
            stdin=subprocess.DEVNULL,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            start_new_session=True,  # its own process group: stopped as one
        )
        self.launches += 1
        self._port, self._browser_path = self._announced_port(self._profile / "DevToolsActivePort")

    def _announced_port(self, announcement: Path) -> tuple[int, str]:
        deadline = time.monotonic() + START_TIMEOUT_S
        while time.monotonic() < deadline:
            if self._process is None or self._process.poll() is not None:
                raise ChromiumDidNotStart("Chromium exited while starting")
            with contextlib.suppress(OSError):
                lines = announcement.read_text().split()
                if len(lines) >= 2:
                    return int(lines[0]), lines[1]
            time.sleep(0.05)
        self._stop()
        raise ChromiumDidNotStart(f"Chromium announced no DevTools port in {START_TIMEOUT_S} s")

    def _stop(self) -> None:
        process, self._process = self._process, None
        if process is not None and process.poll() is None:
            with contextlib.suppress(ProcessLookupError, PermissionError):
                os.killpg(process.pid, signal.SIGKILL)
            with contextlib.suppress(subprocess.TimeoutExpired):
                process.wait(timeout=10)
        if self._profile is not None:
            shutil.rmtree(self._profile, ignore_errors=True)
            self._profile = None
        self._port = self._browser_path = None
