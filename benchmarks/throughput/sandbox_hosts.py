"""The project's sandbox sites under many host names, so one run can hold 100 directories.

    python sandbox_hosts.py --port P --copies N --state-dir DIR [--latency-ms 300,1500]

The sandbox routes a request by the first label of its Host that is a site slug, so
`c03.metro-biz-index.localhost` already reaches metro-biz-index. But one sandbox app keeps
one memory per site: the same business sent to two aliases of a site would meet the site's
duplicate check and its "first try" faults only once. So this serves N independent copies
of the unchanged sandbox app (`directory_pipeline.sandbox.create_app`), each with its own
ledger and memory, and picks the copy by the `cNN` label of the Host:

    <slug>.localhost:P          copy 0 (the sandbox's own host names)
    cNN.<slug>.localhost:P      copy NN (subdomains too, e.g. the `forms.` widget frame)

On the bare host, besides copy 0's own admin API:

    POST /__bench/reset         every copy forgets its ledger and memory (knobs stay)
    GET  /__bench/counts        accepted / refused submissions and requests, all copies
"""

from __future__ import annotations

import argparse
import json
import re
from pathlib import Path
from typing import Any

import uvicorn
from starlette.applications import Starlette
from starlette.datastructures import Headers
from starlette.responses import JSONResponse
from starlette.types import ASGIApp, Receive, Scope, Send

from directory_pipeline.sandbox import SiteKnobs, create_app

COPY_LABEL = re.compile(r"^c(\d{2})$")
ADMIN_PREFIX = "/__bench/"


def copy_of_host(host: str) -> int:
    """Which copy a Host header (port included or not) addresses."""
    name = host.rsplit(":", 1)[0].lower()
    for label in name.split("."):
        match = COPY_LABEL.match(label)
        if match:
            return int(match.group(1))
    return 0


class AliasDispatcher:
    """Sends each request to the sandbox copy its Host names; answers `/__bench/` itself."""

    def __init__(self, copies: list[Starlette]) -> None:
        self.copies = copies

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.copies[0](scope, receive, send)
            return
        host = Headers(scope=scope).get("host", "")
        if scope["path"].startswith(ADMIN_PREFIX):
            await self._admin(scope)(scope, receive, send)
            return
        copy = copy_of_host(host)
        app: ASGIApp = self.copies[copy] if copy < len(self.copies) else self.copies[0]
        await app(scope, receive, send)

    def _admin(self, scope: Scope) -> JSONResponse:
        path = scope["path"][len(ADMIN_PREFIX) :]
        if path == "health":
            return JSONResponse({"ok": True, "copies": len(self.copies)})
        if path == "reset" and scope["method"] == "POST":
            for app in self.copies:
                app.state.sandbox.reset()
            return JSONResponse({"ok": True})
        if path == "counts":
            return JSONResponse(self.counts())
        return JSONResponse({"error": "unknown"}, status_code=404)

    def counts(self) -> dict[str, Any]:
        """Ledger and request counters summed over every copy."""
        accepted = refused = requests = 0
        by_site: dict[str, int] = {}
        for app in self.copies:
            state = app.state.sandbox
            for entry in state.ledger.entries():
                if entry.accepted:
                    accepted += 1
                    by_site[entry.site] = by_site.get(entry.site, 0) + 1
                else:
                    refused += 1
            requests += sum(n for (_, event), n in state.stats.items() if event == "requests")
        return {
            "accepted": accepted,
            "refused": refused,
            "requests": requests,
            "accepted_by_site": by_site,
        }


def build_app(state_dir: Path, copies: int, latency_ms: tuple[int, int]) -> AliasDispatcher:
    knobs = {"*": SiteKnobs(latency_ms_min=latency_ms[0], latency_ms_max=latency_ms[1])}
    return AliasDispatcher(
        [create_app(state_dir / f"ledger-{n:02d}.sqlite3", knobs, seed=n) for n in range(copies)]
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--copies", type=int, default=1)
    parser.add_argument("--state-dir", type=Path, required=True)
    parser.add_argument("--latency-ms", default="300,1500")
    args = parser.parse_args()
    low, high = (int(v) for v in args.latency_ms.split(","))
    args.state_dir.mkdir(parents=True, exist_ok=True)
    app = build_app(args.state_dir, args.copies, (low, high))
    print(json.dumps({"copies": args.copies, "port": args.port}), flush=True)
    uvicorn.run(
        app,
        host="127.0.0.1",
        port=args.port,
        log_level="warning",
        access_log=False,
        lifespan="off",
    )


if __name__ == "__main__":
    main()
