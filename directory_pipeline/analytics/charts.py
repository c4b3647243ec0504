"""Charts of the submission outcomes, drawn with matplotlib: a frame in, PNG bytes out.

Pure (no Dagster, no files): `defs/analytics.py` reads the frames and publishes the PNGs.
Every chart is small enough to inline in an asset's metadata (a 64-colour palette PNG,
typically 10-40 KB) and says so in a picture when there is nothing to draw yet.
"""

from __future__ import annotations

import io
from collections.abc import Callable
from typing import Any

import pandas as pd

from directory_pipeline.domain.outcome import SubmissionStatus
from directory_pipeline.domain.tiers import Package

NO_OUTCOMES = "no outcomes yet"
DPI = 100
# The 64 most used colours of the rendered figure: flat fills, text and anti-aliasing all
# survive it, and the PNG shrinks to a third of matplotlib's RGBA output.
PALETTE_COLOURS = 64
STATUS_COLOURS = {
    SubmissionStatus.SUBMITTED.value: "#3b7dd8",
    SubmissionStatus.LIVE.value: "#2e9e6a",
    SubmissionStatus.NEEDS_REVIEW.value: "#e8a317",
    SubmissionStatus.REJECTED.value: "#c4453c",
    SubmissionStatus.SKIPPED.value: "#a7adb4",
    SubmissionStatus.FAILED.value: "#5d4a7a",
}
_SUCCESS = [SubmissionStatus.SUBMITTED.value, SubmissionStatus.LIVE.value]
# Up to this many days of outcomes one column per day; beyond, one per week (the last
# `_MAX_WEEKS` of them).
_MAX_DAYS = 31
_MAX_WEEKS = 26


def _pyplot() -> Any:
    import matplotlib

    matplotlib.use("Agg")
    from matplotlib import pyplot as plt

    return plt


def _figure(width: float, height: float) -> tuple[Any, Any]:
    return _pyplot().subplots(figsize=(width, height))


def figure_png(figure: Any) -> bytes:
    """The figure (then closed) as a palette PNG."""
    from PIL import Image

    figure.tight_layout()
    figure.canvas.draw()
    rgba = Image.frombuffer(
        "RGBA", figure.canvas.get_width_height(), figure.canvas.buffer_rgba(), "raw", "RGBA", 0, 1
    )
    _pyplot().close(figure)
    small = rgba.convert("RGB").quantize(PALETTE_COLOURS, method=Image.Quantize.MEDIANCUT)
    out = io.BytesIO()
    small.save(out, format="PNG", optimize=True)
    return out.getvalue()


def message_png(text: str) -> bytes:
    """A small picture saying `text` (e.g. that there is nothing to draw yet)."""
    figure, axis = _figure(6, 1.6)
    axis.text(0.5, 0.5, text, ha="center", va="center", fontsize=13, color="#555555")
    axis.set_axis_off()
    return figure_png(figure)


def _bars(count: int, width: float = 8) -> tuple[Any, Any]:
    """A figure tall enough for `count` horizontal bars."""
    return _figure(width, max(2.5, 0.3 * count + 1.2))


# -- per directory: success rate and live rate (from the analyst tables) -----------------


def success_rate_png(rates: pd.DataFrame) -> bytes:
    """Bars of `success_rate` per `directory_slug` (the `directory_success_rates` table),
    worst at the bottom, each labelled with its outcome count."""
    if rates.empty:
        return message_png(NO_OUTCOMES)
    ordered = rates.sort_values("success_rate")
    figure, axis = _bars(len(ordered))
    bars = axis.barh(ordered["directory_slug"], ordered["success_rate"], color="#3b7dd8")
    labels = [
        f"{r:.0%} of {n}" for r, n in zip(ordered["success_rate"], ordered["outcomes"], strict=True)
    ]
    axis.bar_label(bars, labels=labels, padding=3, fontsize=8)
    axis.set_xlim(0, 1.2)
    axis.set_xticks([0, 0.25, 0.5, 0.75, 1])
    axis.xaxis.set_major_formatter(_percent())
    axis.set_xlabel("submitted or live / all outcomes")
    _tidy(axis)
    return figure_png(figure)


def live_rate_png(rates: pd.DataFrame) -> bytes:
    """Bars of the live rate per directory (the `live_rates` table's `directory` rows with
    a rate), labelled with the median hours to live."""
    if not rates.empty:
        wanted = (rates["grouping"] == "directory") & rates["live_rate"].notna()
        rates = pd.DataFrame(rates.loc[wanted])
    if rates.empty:
        return message_png("no listing followed to the end yet")
    ordered = rates.sort_values("live_rate")
    figure, axis = _bars(len(ordered))
    bars = axis.barh(ordered["key"], ordered["live_rate"], color="#2e9e6a")
    labels = [f"{h:g} h" if pd.notna(h) else "" for h in ordered["median_hours_to_live"]]
    axis.bar_label(bars, labels=labels, padding=3, fontsize=8)
    axis.set_xlim(0, 1.15)
    axis.xaxis.set_major_formatter(_percent())
    axis.set_xlabel("live / followed to the end (label: median hours to live)")
    _tidy(axis)
    return figure_png(figure)


# -- from the outcome rows themselves ------------------------------------------------------


def success_rate_history_png(outcomes: pd.DataFrame) -> bytes:
    """A heatmap of the success rate (submitted or live over all outcomes) per directory
    (rows) and day (columns; weeks beyond a month of data). An outcome counts on the day it
    was submitted, else the day it was recorded. Grey cells: no outcome that day."""
    if outcomes.empty:
        return message_png(NO_OUTCOMES)
    frame = pd.DataFrame(
        {
            "directory": outcomes["directory_slug"].astype(str),
            "success": outcomes["status"].isin(_SUCCESS).astype(float),
            "when": _moment(outcomes),
        }
    )
    days = frame["when"].dt.floor("D")
    weekly = (days.max() - days.min()).days + 1 > _MAX_DAYS
    if weekly:
        frame["period"] = days - pd.to_timedelta(days.dt.weekday, unit="D")
        frame = frame[frame["period"] >= frame["period"].max() - pd.Timedelta(weeks=_MAX_WEEKS - 1)]
    else:
        frame["period"] = days
    rates = frame.pivot_table(
        index="directory", columns="period", values="success", aggfunc="mean", sort=True
    )
    counts = frame.pivot_table(
        index="directory", columns="period", values="success", aggfunc="count", sort=True
    )
    successes = frame.pivot_table(
        index="directory", columns="period", values="success", aggfunc="sum", sort=True
    )
    overall = frame.groupby("directory")["success"].agg(["mean", "count"]).loc[rates.index]
    rows, columns = rates.shape
    figure, axis = _figure(min(13.0, max(6.5, 3.2 + 0.5 * columns)), max(2.6, 0.3 * rows + 1.6))
    image = axis.imshow(
        rates.to_numpy(dtype=float),
        aspect="auto",
        cmap=_pyplot().get_cmap("RdYlGn").with_extremes(bad="#e6e6e6"),
        vmin=0,
        vmax=1,
        interpolation="nearest",
    )
    axis.set_yticks(range(rows))
    axis.set_yticklabels(
        [
            f"{d}  ({m:.0%} of {int(n)})"
            for d, m, n in zip(rates.index, overall["mean"], overall["count"], strict=True)
        ],
        fontsize=8,
    )
    axis.set_xticks(range(columns))
    axis.set_xticklabels(
        [f"wk {p:%b %d}" if weekly else f"{p:%b %d}" for p in rates.columns],
        rotation=45 if columns > 3 else 0,
        ha="right" if columns > 3 else "center",
        fontsize=8,
    )
    if columns <= 16 and rows <= 40:
        for (row, column), n in _cells(counts):
            done = int(successes.iat[row, column])
            axis.text(column, row, f"{done}/{int(n)}", ha="center", va="center", fontsize=7)
    colourbar = figure.colorbar(image, ax=axis, fraction=0.04, pad=0.02)
    colourbar.ax.yaxis.set_major_formatter(_percent())
    colourbar.set_label("submitted or live / outcomes", fontsize=8)
    axis.set_title(
        f"Success rate per directory and {'week' if weekly else 'day'} (cell: successes/outcomes)",
        fontsize=10,
    )
    return figure_png(figure)


def outcome_mix_png(outcomes: pd.DataFrame) -> bytes:
    """One stacked bar per package: the share of its outcomes in each status, labelled with
    the count where the segment has room."""
    if outcomes.empty:
        return message_png(NO_OUTCOMES)
    counts = outcomes.groupby(["package", "status"]).size().unstack(fill_value=0).astype(int)
    statuses = [s.value for s in SubmissionStatus if s.value in counts.columns]
    statuses += sorted(c for c in counts.columns if c not in statuses)
    known = [p.value for p in Package]
    packages = [p for p in known if p in counts.index]
    packages += sorted(p for p in counts.index if p not in known)
    counts = counts.loc[list(reversed(packages)), statuses]  # smallest package on top
    totals = counts.sum(axis=1)
    shares = counts.div(totals, axis=0)
    figure, axis = _figure(8, max(2.4, 0.55 * len(packages) + 1.6))
    labels = [f"{p}  (n={n})" for p, n in zip(counts.index, totals, strict=True)]
    left = pd.Series(0.0, index=counts.index)
    for status in statuses:
        bars = axis.barh(
            labels,
            shares[status],
            left=left,
            color=STATUS_COLOURS.get(status, "#cccccc"),
            label=status.replace("_", " "),
            height=0.7,
        )
        texts = [
            (f"{n}" if share < 0.12 else f"{n} ({share:.0%})") if share >= 0.05 else ""
            for n, share in zip(counts[status], shares[status], strict=True)
        ]
        axis.bar_label(bars, labels=texts, label_type="center", fontsize=8, color="white")
        left += shares[status]
    axis.set_xlim(0, 1)
    axis.xaxis.set_major_formatter(_percent())
    axis.set_xlabel("share of the package's outcomes (label: count)")
    axis.legend(
        loc="lower center",
        bbox_to_anchor=(0.5, 1.0),
        ncol=min(6, len(statuses)),
        fontsize=8,
        frameon=False,
    )
    _tidy(axis)
    return figure_png(figure)


def submission_time_png(outcomes: pd.DataFrame) -> bytes:
    """How long one directory's attempt takes (`duration_s`, every status): a box per
    directory (quartiles, whiskers at p10 and p90), slowest median on top, labelled with
    the median, p90 and the number of attempts."""
    timed = outcomes.dropna(subset=["duration_s"]) if not outcomes.empty else outcomes
    if timed.empty:
        return message_png(NO_OUTCOMES)
    groups = {
        str(slug): pd.Series(group["duration_s"], dtype=float)
        for slug, group in timed.groupby("directory_slug", sort=True)
    }
    order = sorted(groups, key=lambda slug: groups[slug].median())
    return _box_chart(
        groups,
        order,
        colours=("#cfe0f7", "#3b7dd8", "#1d4f91"),
        unit=_seconds,
        xlabel="seconds per attempt (box: quartiles, whiskers: p10-p90)",
        label_size=8,
        room=1.45,
    )


def hours_to_submission(outcomes: pd.DataFrame, paid_at: dict[str, Any]) -> pd.DataFrame:
    """One row per listing the directory confirmed (`submitted` or `live`): its package and
    the hours from the job being paid for (`paid_at`, by job id) to that confirmation."""
    if outcomes.empty or not paid_at:
        return pd.DataFrame(columns=pd.Index(["package", "hours"]))
    confirmed = outcomes.loc[outcomes["status"].isin(_SUCCESS) & outcomes["submitted_at"].notna()]
    paid = pd.to_datetime(confirmed["job_id"].astype(str).map(paid_at), utc=True)
    hours = (pd.to_datetime(confirmed["submitted_at"], utc=True) - paid).dt.total_seconds() / 3600
    frame = pd.DataFrame({"package": confirmed["package"].astype(str), "hours": hours})
    return frame.dropna().loc[lambda f: f["hours"] >= 0]


def time_to_submission_png(hours: pd.DataFrame) -> bytes:
    """What a customer waits: hours from payment to each directory's confirmation, a box per
    package (quartiles, whiskers at p10 and p90), labelled with the median, p90 and count."""
    if hours.empty:
        return message_png("no confirmed submissions yet")
    present = set(hours["package"])
    order = [p.value for p in Package if p.value in present]
    order += sorted(present - set(order))
    groups = {p: hours.loc[hours["package"] == p, "hours"].astype(float) for p in order}
    return _box_chart(
        groups,
        order,
        colours=("#d9f0e3", "#2e9e6a", "#1f6e49"),
        unit=_hours,
        xlabel="hours from payment to the directory's confirmation",
        label_size=9,
        room=1.5,
    )


# -- helpers -------------------------------------------------------------------------------


def _box_chart(
    groups: dict[str, pd.Series],
    order: list[str],
    *,
    colours: tuple[str, str, str],
    unit: Callable[[float], str],
    xlabel: str,
    label_size: int,
    room: float,
) -> bytes:
    """A horizontal box per group in `order` (quartiles, whiskers at p10 and p90), each
    labelled with its median, p90 and count in `unit`. `colours`: fill, edge, median line;
    `room`: the x range beyond the largest p90 that holds the labels."""
    fill, edge, middle = colours
    figure, axis = _bars(len(order), width=9)
    axis.boxplot(
        [groups[name].to_numpy() for name in order],
        orientation="horizontal",
        whis=(10, 90),
        showfliers=False,
        widths=0.6,
        patch_artist=True,
        boxprops={"facecolor": fill, "edgecolor": edge},
        medianprops={"color": middle, "linewidth": 2},
        whiskerprops={"color": edge},
        capprops={"color": edge},
    )
    axis.set_yticks(range(1, len(order) + 1))
    axis.set_yticklabels(order, fontsize=label_size)
    top = max(float(groups[name].quantile(0.9)) for name in order)
    axis.set_xlim(0, top * room if top > 0 else 1)
    for row, name in enumerate(order, start=1):
        values = groups[name]
        median, p90 = float(values.median()), float(values.quantile(0.9))
        axis.text(
            top * 1.02 if top > 0 else 0.5,
            row,
            f"median {unit(median)} · p90 {unit(p90)} · n {len(values)}",
            va="center",
            fontsize=7,
            color="#333333",
        )
    axis.set_xlabel(xlabel)
    _tidy(axis)
    return figure_png(figure)


def _hours(value: float) -> str:
    return f"{value * 60:.0f} min" if value < 1 else f"{value:.1f} h"


def _moment(outcomes: pd.DataFrame) -> pd.Series:
    submitted = pd.to_datetime(outcomes["submitted_at"], utc=True)
    recorded = pd.to_datetime(outcomes["recorded_at"], utc=True)
    return submitted.fillna(recorded)


def _cells(counts: pd.DataFrame) -> list[tuple[tuple[int, int], float]]:
    values = counts.to_numpy(dtype=float)
    return [
        ((row, column), float(values[row, column]))
        for row in range(values.shape[0])
        for column in range(values.shape[1])
        if values[row, column] > 0
    ]


def _seconds(value: float) -> str:
    return f"{value:.0f} s" if value >= 10 else f"{value:.1f} s"


def _percent() -> Any:
    from matplotlib.ticker import PercentFormatter

    return PercentFormatter(xmax=1, decimals=0)


def _tidy(axis: Any) -> None:
    for side in ("top", "right"):
        axis.spines[side].set_visible(False)
