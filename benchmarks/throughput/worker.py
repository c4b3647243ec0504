"""One measured variant in a process of its own: `python worker.py SPEC.json OUT.json`.

A fresh process per variant keeps each measurement clean: the raw baseline never carries
the pipeline's imports, and nothing one variant left behind (threads, browsers, caches in
memory) is counted in the next. The protocol with the orchestrator, on stdin/stdout:
the worker prints `ready` once its imports are done and waits for a line on stdin (the
orchestrator starts measuring then), runs, writes its rows to OUT.json, prints `done`.
"""

from __future__ import annotations

import json
import os
import sys
from pathlib import Path


def main() -> None:
    spec = json.loads(Path(sys.argv[1]).read_text())
    out = Path(sys.argv[2])
    if spec["kind"] == "raw":
        from raw_baseline import run_raw, target_from_json

        targets = [target_from_json(t) for t in spec["targets"]]

        def run() -> list[dict]:
            return run_raw(targets, spec["k"], spec["chromium"])
    else:
        os.environ.setdefault("CREWAI_DISABLE_TELEMETRY", "true")
        os.environ.setdefault("OTEL_SDK_DISABLED", "true")
        from directories import Directory
        from pipeline_adapter import PipelineEnv, run_pipeline

        sites = [Directory(**d) for d in spec["directories"]]
        env = PipelineEnv(**spec["pipeline"])

        def run() -> list[dict]:
            return run_pipeline(sites, spec["k"], env)

    print("ready", flush=True)
    sys.stdin.readline()
    rows = run()
    out.write_text(json.dumps(rows))
    print("done", flush=True)


if __name__ == "__main__":
    main()
