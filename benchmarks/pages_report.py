"""The "Pages in the browser" section of results.md (written by benchmarks/pages.py).

The section sits between two markers and carries its raw data in a comment, so a later run
compares with it and keeps the sizes it did not measure again."""

from __future__ import annotations

import json
import re
import statistics
from pathlib import Path

START = "<!-- pages-section:start -->"
END = "<!-- pages-section:end -->"
DATA_MARK = "pages-data"
ORDER = ("small", "city", "province")

HOW_TO_READ = (
    "Written by `python benchmarks/pages.py`. Each page is timed on a copy of the benchmark store "
    "until the app reports its script not running and nothing stale is left "
    "(`data-test-script-state`, as the browser tests wait), two ways. *New tab*: the page opened in "
    "a new Chromium tab (a new Streamlit session: the browser parses Streamlit's scripts and opens "
    "the websocket first); *cold* = the first load of the page on that server (its metrics not yet "
    "cached), *warm* = the further loads (caches filled). *In-app*: in one open session the page's "
    "link in the sidebar's navigation is clicked while another page is shown, caches warm: what a "
    "supervisor waits for most of the time. *Floor* = a bare Streamlit app (benchmarks/floor_app.py: "
    "navigation, a sidebar select box, a title) served and timed the same way in the same run: no "
    "page can settle faster on this machine and browser, so a target below the floor cannot be met "
    "by the page. *Floor with a chart* = the same app's page with one Plotly bar chart and a table "
    "of 200 rows: in a new tab the browser must first load and run Streamlit's Plotly module "
    "(4.7 MB), so a page that draws a chart is judged against it too (*charts* = the Plotly charts "
    "a new-tab load drew; *over its floor* = the warm median less the floor that applies). "
    "*First page* = the root page of a freshly started server. *shipped* = the most one "
    "new-tab load received over the websocket (the page's elements and data). *peak RSS* = the "
    "server's high-water resident memory after all pages. Targets judge the warm medians. Default "
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


def data_comment(mark: str, data: dict) -> list[str]:
    """The lines of the comment that carries a section's raw data (read back by embedded_data);
    benchmarks/report.py writes its own the same way."""
    return [f"<!-- {mark}", json.dumps(data, ensure_ascii=False, default=str), "-->"]


def embedded_data(text: str, mark: str) -> dict:
    """The raw data in the comment `mark` of `text` ({} when there is none or it does not parse)."""
    match = re.search(rf"<!-- {mark}\n(.*?)\n-->", text, re.S)
    if not match:
        return {}
    try:
        return json.loads(match.group(1))
    except json.JSONDecodeError:
        return {}


def read_data(path: Path) -> dict:
    """The raw data of the previous run's section ({} when there is none)."""
    return embedded_data(path.read_text(encoding="utf-8"), DATA_MARK) if path.exists() else {}


def _change(new: float | None, old: float | None) -> str:
    if new is None or old is None or old <= 0:
        return "–"
    return f"{(new - old) / old * 100:+.0f} %"


def _spread(values: list[float]) -> str:
    return f"{min(values):.2f}–{max(values):.2f} s" if values else "–"


def _verdict(median: float | None, target: float) -> str:
    return "–" if median is None else ("met" if median < target else "**missed**")


def _median(values: list[float]) -> float | None:
    return statistics.median(values) if values else None


def _floor_line(run: dict, target: float) -> list[str]:
    lines = []
    for key, name in (
        ("floor", "Floor (bare Streamlit app, same run)"),
        ("chart_floor", "Floor with a chart"),
    ):
        floor = run.get(key)
        if not floor:
            continue
        new_tab, in_app = _median(floor["loads"][1:]), _median(floor.get("in_app") or [])
        lines.append(
            f"{name}: new tab **{_s(new_tab)}** ({_spread(floor['loads'][1:])}), in-app **{_s(in_app)}** "
            f"({_spread(floor.get('in_app') or [])}); target < {target:.1f} s."
        )
    return [*lines, ""] if lines else []


def _over_floor(run: dict, page: dict) -> str:
    """The page's warm new-tab median less the floor that applies to it (with a chart or bare)."""
    floor = run.get("chart_floor") if page.get("charts") else run.get("floor")
    floor_median = _median(floor["loads"][1:]) if floor else None
    median = page.get("warm_median")
    if median is None or floor_median is None:
        return "–"
    return f"{median - floor_median:+.2f} s"


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
        *_floor_line(run, target),
        *_before_line(previous if before else None, first_target),
        f"| page | new tab cold | new tab warm median | warm min–max | in-app median | in-app min–max "
        f"| target < {target:.1f} s (new tab / in-app) | charts | over its floor | {against} | change "
        "| shipped |",
        "|---|--:|--:|--:|--:|--:|---|--:|--:|--:|--:|--:|",
    ]
    for page in run["pages"]:
        warm, in_app = page["loads"][1:], page.get("in_app") or []
        median, in_app_median = page.get("warm_median"), _median(in_app)
        old = old_pages.get(page["page"], {}).get("warm_median")
        verdict = f"{_verdict(median, target)} / {_verdict(in_app_median, target)}"
        if page.get("error"):
            verdict += " (exception on the page)"
        lines.append(
            f"| {page['page']} | {_s(page['loads'][0] if page['loads'] else None)} | {_s(median)} | "
            f"{_spread(warm)} | {_s(in_app_median)} | {_spread(in_app)} | {verdict} | "
            f"{page.get('charts', 0)} | {_over_floor(run, page)} | {_s(old)} | "
            f"{_change(median, old)} | "
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
    lines += [*data_comment(DATA_MARK, data), END]
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
