"""The "Pages in the browser" section of results.md (written by benchmarks/pages.py).

The section sits between two markers and carries its raw data in a comment, so a later run
compares with it and keeps the sizes it did not measure again."""

from __future__ import annotations

import json
import re
from pathlib import Path

START = "<!-- pages-section:start -->"
END = "<!-- pages-section:end -->"
DATA_MARK = "pages-data"
ORDER = ("small", "city", "province")

HOW_TO_READ = (
    "Written by `python benchmarks/pages.py`. Each page is opened in a new Chromium tab (a new "
    "Streamlit session) on a copy of the benchmark store and timed from navigation until the app "
    "reports its script not running and nothing stale is left (`data-test-script-state`, as the "
    "browser tests wait). *cold* = the first load of the page on that server (its metrics not yet "
    "cached), *warm* = the further loads (caches filled); *first page* = the root page of a freshly "
    "started server. *shipped* = the most one load received over the websocket (the page's elements "
    "and data). *peak RSS* = the server's high-water resident memory after all pages. Default "
    "filters (last full month), Chinese. The machine has 2 cores shared with other work: the load "
    "average at the start is given, and the spread shows the noise."
)


def _s(seconds: float | None) -> str:
    return "–" if seconds is None else f"{seconds:.2f} s"


def _kb(now: list[float] | None, old: list[float] | None) -> str:
    """The most a load of the page shipped over the websocket (and before, when known)."""
    if not now:
        return "–"
    text = f"{max(now):,.0f} KB"
    return f"{text} (was {max(old):,.0f} KB)" if old else text


def read_data(path: Path) -> dict:
    """The raw data of the previous run's section ({} when there is none)."""
    if not path.exists():
        return {}
    match = re.search(rf"<!-- {DATA_MARK}\n(.*?)\n-->", path.read_text(encoding="utf-8"), re.S)
    if not match:
        return {}
    try:
        return json.loads(match.group(1))
    except json.JSONDecodeError:
        return {}


def _change(new: float | None, old: float | None) -> str:
    if new is None or old is None or old <= 0:
        return "–"
    return f"{(new - old) / old * 100:+.0f} %"


def _size_lines(
    run: dict, previous: dict | None, target: float, first_target: float, before: bool = False
) -> list[str]:
    """One size's table; `previous` is the earlier run, or the earlier code timed in turn (`before`)."""
    old_pages = {p["page"]: p for p in (previous or {}).get("pages", [])}
    rss = run.get("peak_rss_mb")
    against = "before (same run, loads in turn)" if before else "previous warm median"
    lines = [
        f"### {run['size']}",
        "",
        f"Run {run['date']}; load average at the start {', '.join(str(x) for x in run['load_average'])}; "
        f"first page of a fresh start **{_s(run['first_page'])}** (target < {first_target:.0f} s: "
        f"{'met' if run['first_page'] and run['first_page'] < first_target else '**missed**'}); "
        f"server peak RSS {'–' if rss is None else f'{rss:,.0f} MB'}.",
        "",
        *_before_line(previous if before else None, first_target),
        f"| page | cold | warm median | warm min–max | target | {against} | change | shipped |",
        "|---|--:|--:|--:|---|--:|--:|--:|",
    ]
    for page in run["pages"]:
        warm = page["loads"][1:]
        median = page.get("warm_median")
        old = old_pages.get(page["page"], {}).get("warm_median")
        verdict = "–" if median is None else ("met" if median < target else "**missed**")
        if page.get("error"):
            verdict += " (exception on the page)"
        spread = f"{min(warm):.2f}–{max(warm):.2f} s" if warm else "–"
        lines.append(
            f"| {page['page']} | {_s(page['loads'][0] if page['loads'] else None)} | {_s(median)} | "
            f"{spread} | < {target:.1f} s: {verdict} | {_s(old)} | {_change(median, old)} | "
            f"{_kb(page.get('kilobytes'), old_pages.get(page['page'], {}).get('kilobytes'))} |"
        )
    return [*lines, ""]


def _before_line(before: dict | None, first_target: float) -> list[str]:
    if not before:
        return []
    rss = before.get("peak_rss_mb")
    return [
        f"Before (the earlier code, timed in turn with these pages): first page {_s(before['first_page'])}, "
        f"peak RSS {'–' if rss is None else f'{rss:,.0f} MB'}.",
        "",
    ]


def section(
    runs: list[dict], previous: dict, targets: dict, first_target: float, before: list[dict] | None = None
) -> str:
    measured = {r["size"] for r in runs}
    kept = [r for r in previous.get("runs", []) if r["size"] not in measured]
    all_runs = sorted([*runs, *kept], key=lambda r: ORDER.index(r["size"]))
    old_by_size = {r["size"]: r for r in previous.get("runs", [])}
    kept_before = [r for r in previous.get("before", []) if r["size"] not in measured]
    before_by_size = {r["size"]: r for r in [*(before or []), *kept_before]}
    lines = [START, "## Pages in the browser", "", HOW_TO_READ, ""]
    for run in all_runs:
        if run in kept:
            lines += [f"(from an earlier run, {run['date']})", ""]
        if run["size"] in before_by_size:
            lines += _size_lines(run, before_by_size[run["size"]], targets[run["size"]], first_target, True)
        else:
            old = None if run in kept else old_by_size.get(run["size"])
            lines += _size_lines(run, old, targets[run["size"]], first_target)
    data = {"runs": all_runs, "before": [*(before or []), *kept_before], "previous": previous.get("runs", [])}
    lines += [f"<!-- {DATA_MARK}", json.dumps(data, ensure_ascii=False, default=str), "-->", END]
    return "\n".join(lines)


def write_section(
    path: Path, runs: list[dict], targets: dict, first_target: float, before: list[dict] | None = None
) -> None:
    """Put the section into results.md, replacing the previous one (or appending it)."""
    previous = read_data(path)
    text = path.read_text(encoding="utf-8") if path.exists() else "# Benchmark results\n"
    block = section(runs, previous, targets, first_target, before)
    if START in text and END in text:
        head, rest = text.split(START, 1)
        text = head + block + rest.split(END, 1)[1]
    else:
        text = text.rstrip("\n") + "\n\n" + block + "\n"
    path.write_text(text, encoding="utf-8")
