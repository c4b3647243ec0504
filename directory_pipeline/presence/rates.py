"""Live rate and time to live, per directory and per package, from the presence records.
Pure (a frame in, a frame out)."""

from __future__ import annotations

import pandas as pd

COLUMNS = [
    "grouping",
    "key",
    "followed",
    "live",
    "not_found",
    "checking",
    "live_rate",
    "median_hours_to_live",
    "mean_hours_to_live",
]


def live_rates(presence: pd.DataFrame) -> pd.DataFrame:
    """One row per directory and one per package (`grouping`): listings followed, how many
    went live, were not found in the review period or are still checked; `live_rate` is
    live over the listings whose following has ended (live or not found; None before any
    has), and the hours from submission to first seen live."""
    if presence.empty:
        return pd.DataFrame(columns=pd.Index(COLUMNS))
    frame = presence.copy()
    seen = pd.to_datetime(frame["first_seen_live_at"], utc=True)
    frame["hours_to_live"] = (
        seen - pd.to_datetime(frame["submitted_at"], utc=True)
    ).dt.total_seconds() / 3600
    rows = []
    for grouping, column in (("directory", "directory_slug"), ("package", "package")):
        for key, group in frame.groupby(column, sort=True):
            live = int((group["state"] == "live").sum())
            not_found = int((group["state"] == "not_found").sum())
            ended = live + not_found
            hours = group["hours_to_live"].dropna()
            rows.append(
                {
                    "grouping": grouping,
                    "key": str(key),
                    "followed": len(group),
                    "live": live,
                    "not_found": not_found,
                    "checking": int((group["state"] == "checking").sum()),
                    "live_rate": round(live / ended, 3) if ended else None,
                    "median_hours_to_live": round(float(hours.median()), 1) if len(hours) else None,
                    "mean_hours_to_live": round(float(hours.mean()), 1) if len(hours) else None,
                }
            )
    return pd.DataFrame(rows, columns=pd.Index(COLUMNS))
