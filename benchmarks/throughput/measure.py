"""CPU and memory of a process tree, sampled while it runs.

CPU: every process ever seen in the tree is remembered by (pid, start time) with the last
CPU time read for it, so children that exit during the run (Chromium renderers close with
their browser context) still count, up to the one sampling period before they exit.

Memory: the tree's RSS and PSS (proportional set size: each shared page divided among the
processes sharing it) are summed and the peak of each sum is kept. RSS counts a page shared
by N Chromium processes N times, so its sum overstates the footprint; PSS adds up to what
the tree really holds. RSS is cheap to read and is read every sample. PSS is not: the kernel
walks every mapping of the process for /proc/PID/smaps_rollup (about 3 ms per Chromium
process here, so 50 processes every 200 ms would keep most of a core busy measuring). It is
read whenever the tree's RSS sum passes its high-water mark at the last PSS reading by 2 %,
and at least every `pss_every_s`.
"""

from __future__ import annotations

import threading
import time
from dataclasses import dataclass, field
from pathlib import Path

import psutil

ProcessKey = tuple[int, float]


@dataclass
class TreeUsage:
    """What a sampled tree used between `start()` and `stop()`."""

    cpu_s: float = 0.0
    machine_cpu_s: float = 0.0
    peak_pss_bytes: int = 0
    peak_rss_bytes: int = 0
    max_processes: int = 0
    samples: int = 0
    pss_samples: int = 0
    sampler_cpu_s: float = 0.0
    cpu_s_by_kind: dict[str, float] = field(default_factory=dict)


@dataclass
class _Seen:
    first_cpu_s: float
    last_cpu_s: float
    kind: str


def process_kind(cmdline: list[str]) -> str:
    """What a process of the tree is: python, the Playwright driver (node), or which of
    Chromium's processes (the browser process has no --type)."""
    if not cmdline:
        return "other"
    program = Path(cmdline[0]).name
    if "python" in program:
        return "python"
    if program == "node" or any("playwright" in part and "cli.js" in part for part in cmdline):
        return "playwright driver"
    if "chrom" in program or "headless_shell" in program:
        for part in cmdline[1:]:
            if part.startswith("--type="):
                kind = part.removeprefix("--type=")
                if kind == "utility":
                    sub = next((p for p in cmdline if p.startswith("--utility-sub-type=")), "")
                    return f"chromium utility {sub.rsplit('.', 1)[-1][:24]}".rstrip()
                return "chromium " + kind
        return "chromium browser"
    return program


def _cpu_s(proc: psutil.Process) -> float:
    times = proc.cpu_times()
    return times.user + times.system


def _key(proc: psutil.Process) -> ProcessKey:
    return (proc.pid, proc.create_time())


def machine_busy_cpu_s() -> float:
    """CPU seconds every core of the machine has spent not idle so far."""
    times = psutil.cpu_times()
    busy = ("user", "nice", "system", "irq", "softirq", "steal")  # guest time is in user
    return sum(getattr(times, name, 0.0) for name in busy)


@dataclass
class TreeSampler:
    """Samples `root` and all its descendants every `period_s` on a background thread.

    CPU that a process used before `start()` is not counted (the root's imports, say); a
    process born after `start()` counts from zero.
    """

    root: psutil.Process
    period_s: float = 0.2
    pss_every_s: float = 2.0
    _seen: dict[ProcessKey, _Seen] = field(default_factory=dict)
    _usage: TreeUsage = field(default_factory=TreeUsage)
    _stop: threading.Event = field(default_factory=threading.Event)
    _thread: threading.Thread | None = None
    _started_at: float = 0.0
    _own_cpu_start: float = 0.0
    _machine_start: float = 0.0
    _pss_rss_mark: int = 0
    _pss_at: float = 0.0

    def start(self) -> None:
        self._started_at = time.time()
        self._own_cpu_start = _cpu_s(psutil.Process())
        self._machine_start = machine_busy_cpu_s()
        self.sample()
        self._thread = threading.Thread(target=self._run, name="tree-sampler", daemon=True)
        self._thread.start()

    def stop(self) -> TreeUsage:
        """One last sample, then the totals."""
        self._stop.set()
        if self._thread is not None:
            self._thread.join()
        self.sample(pss=False)
        usage = self._usage
        usage.machine_cpu_s = machine_busy_cpu_s() - self._machine_start
        usage.cpu_s = sum(s.last_cpu_s - s.first_cpu_s for s in self._seen.values())
        by_kind: dict[str, float] = {}
        for seen in self._seen.values():
            by_kind[seen.kind] = by_kind.get(seen.kind, 0.0) + seen.last_cpu_s - seen.first_cpu_s
        usage.cpu_s_by_kind = dict(sorted(by_kind.items(), key=lambda kv: -kv[1]))
        usage.sampler_cpu_s = _cpu_s(psutil.Process()) - self._own_cpu_start
        return usage

    def _run(self) -> None:
        while not self._stop.wait(self.period_s):
            self.sample()

    def _tree(self) -> list[psutil.Process]:
        try:
            return [self.root, *self.root.children(recursive=True)]
        except psutil.Error:
            return []

    def sample(self, *, pss: bool = True) -> None:
        rss = 0
        alive = []
        for proc in self._tree():
            try:
                with proc.oneshot():
                    key = _key(proc)
                    cpu = _cpu_s(proc)
                    rss += proc.memory_info().rss
                    known = self._seen.get(key)
                    # a process read in its first instants may not show its command line yet
                    kind = (
                        process_kind(proc.cmdline())
                        if known is None or known.kind == "other"
                        else None
                    )
            except psutil.Error:
                continue
            alive.append(proc)
            seen = self._seen.get(key)
            if seen is None:
                born_before = key[1] < self._started_at
                self._seen[key] = _Seen(
                    first_cpu_s=cpu if born_before else 0.0, last_cpu_s=cpu, kind=kind or "other"
                )
            else:
                seen.last_cpu_s = cpu
                if kind is not None:
                    seen.kind = kind
        usage = self._usage
        usage.samples += 1
        usage.peak_rss_bytes = max(usage.peak_rss_bytes, rss)
        usage.max_processes = max(usage.max_processes, len(alive))
        now = time.monotonic()
        if pss and (rss > self._pss_rss_mark * 1.02 or now - self._pss_at >= self.pss_every_s):
            self._sample_pss(alive, rss, now)

    def _sample_pss(self, alive: list[psutil.Process], rss: int, now: float) -> None:
        total = 0
        for proc in alive:
            try:
                total += proc.memory_full_info().pss
            except psutil.Error:
                continue
        usage = self._usage
        usage.pss_samples += 1
        usage.peak_pss_bytes = max(usage.peak_pss_bytes, total)
        self._pss_rss_mark = max(self._pss_rss_mark, rss)
        self._pss_at = now


def wait_for_quiet(max_wait_s: float, below_cores: float, window_s: float = 3.0) -> dict:
    """Wait until the machine's busy CPU over `window_s` is under `below_cores` (anything
    else running on it skews every number), at most `max_wait_s`. What was seen."""
    started = time.monotonic()
    while True:
        before = machine_busy_cpu_s()
        time.sleep(window_s)
        busy_cores = (machine_busy_cpu_s() - before) / window_s
        waited = time.monotonic() - started
        if busy_cores < below_cores or waited >= max_wait_s:
            return {"waited_s": round(waited, 1), "busy_cores_before": round(busy_cores, 2)}


def process_cpu_s(pid: int) -> float:
    """CPU seconds of one process, itself only (0 when it is gone)."""
    try:
        return _cpu_s(psutil.Process(pid))
    except psutil.Error:
        return 0.0


def postgres_cpu_s(data_dir: Path) -> float:
    """CPU seconds used so far by a Postgres cluster: the postmaster, the backends it has
    reaped (its children's times) and the backends alive now."""
    pid_file = data_dir / "postmaster.pid"
    try:
        postmaster = psutil.Process(int(pid_file.read_text().split()[0]))
        times = postmaster.cpu_times()
        total = times.user + times.system + times.children_user + times.children_system
        for child in postmaster.children():
            try:
                total += _cpu_s(child)
            except psutil.Error:
                continue
        return total
    except (OSError, ValueError, psutil.Error):
        return 0.0
