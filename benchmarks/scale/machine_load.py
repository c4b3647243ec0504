"""Background load on the machine while a benchmark measures: the load average and the CPU
that processes outside the benchmark's own process tree burn (another benchmark, a build).

A `LoadMonitor` samples once a second in a thread; `window(t0, t1)` summarises the samples
taken between two wall-clock times, so every timing can carry the load it was measured under.
"""

from __future__ import annotations

import os
import statistics
import threading
import time
from dataclasses import dataclass

import psutil


@dataclass(frozen=True)
class Sample:
    at: float
    load1: float
    cpu_busy_pct: float  # whole machine, 100 = one core
    others_pct: float  # processes outside our tree, 100 = one core


def _our_pids(root: int) -> set[int]:
    try:
        parent = psutil.Process(root)
        return {root, *(p.pid for p in parent.children(recursive=True))}
    except psutil.Error:
        return {root}


def _cpu_seconds(proc: psutil.Process) -> float:
    times = proc.cpu_times()
    return times.user + times.system


class LoadMonitor:
    """Samples the machine's load every `interval` seconds until stopped."""

    def __init__(self, interval: float = 1.0, root_pid: int | None = None) -> None:
        self.interval = interval
        self.root_pid = root_pid or os.getpid()
        self.samples: list[Sample] = []
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._loop, daemon=True)
        self._previous: dict[tuple[int, float], float] = {}

    def __enter__(self) -> LoadMonitor:
        self._thread.start()
        return self

    def __exit__(self, *_: object) -> None:
        self._stop.set()
        self._thread.join(5)

    def _others_cpu(self) -> float:
        """CPU seconds of processes outside our tree since the last call."""
        ours = _our_pids(self.root_pid)
        current: dict[tuple[int, float], float] = {}
        spent = 0.0
        for proc in psutil.process_iter(["create_time"]):
            if proc.pid in ours:
                continue
            try:
                key = (proc.pid, proc.info["create_time"])
                current[key] = _cpu_seconds(proc)
            except psutil.Error:
                continue
            spent += current[key] - self._previous.get(key, current[key])
        self._previous = current
        return spent

    def _loop(self) -> None:
        psutil.cpu_percent(None)
        self._others_cpu()
        last = time.monotonic()
        while not self._stop.wait(self.interval):
            now = time.monotonic()
            others = self._others_cpu() / max(now - last, 1e-3) * 100
            last = now
            busy = psutil.cpu_percent(None) * (psutil.cpu_count() or 1)
            self.samples.append(Sample(time.time(), os.getloadavg()[0], busy, others))

    def window(self, start: float, end: float) -> dict[str, float | int]:
        """Mean and max of the samples between two `time.time()` stamps."""
        chosen = [s for s in self.samples if start <= s.at <= end + self.interval]
        if not chosen:
            return {"samples": 0}
        return {
            "samples": len(chosen),
            "load1_mean": round(statistics.fmean(s.load1 for s in chosen), 2),
            "cpu_busy_pct_mean": round(statistics.fmean(s.cpu_busy_pct for s in chosen), 1),
            "others_cpu_pct_mean": round(statistics.fmean(s.others_pct for s in chosen), 1),
            "others_cpu_pct_max": round(max(s.others_pct for s in chosen), 1),
        }


def load_note(window: dict[str, float | int]) -> str:
    """One short cell for a results table."""
    if not window.get("samples"):
        return "-"
    return (
        f"load {window['load1_mean']}, others {window['others_cpu_pct_mean']}% "
        f"(max {window['others_cpu_pct_max']}%)"
    )
