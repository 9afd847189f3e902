"""Pages in the browser: every page of the dashboard timed in Chromium at each benchmark size,
opened in a new tab and reached from another page of an open session, beside the floor.

    .venv/bin/python benchmarks/pages.py --sizes small city province [--loads 3] [--pages pareto ...]

For each size the store is copied to a temporary folder (the originals are never written), the
dashboard is started on the copy (`streamlit run dashboard.py`, DASHBOARD_DB), and every page
dashboard.py lists is timed two ways:

- *new tab*: opened `--loads` times, each in a new tab (a new Streamlit session): the first load
  is *cold* (that page's metrics not yet cached), the others *warm*;
- *in-app*: in one open session, the page's link in the sidebar's navigation is clicked while
  another page is shown (`--loads` - 1 rounds over every page, caches warm): what a supervisor
  waits for most of the time.

Either is timed until the app says its script is not running and nothing on screen is stale (the
browser tests' wait, tests/e2e/harness.wait_idle, polled more often; in-app also until the
page's title is shown). The *floor* is a bare Streamlit app (benchmarks/floor_app.py: navigation,
a sidebar select box, a title) served and timed the same way in the same run: no page can be
faster on this machine and browser. The first page of a fresh start is the root page opened
right after the server became healthy. The server's peak resident memory is its VmHWM. The
results go into a "Pages in the browser" section of results.md (between markers, so the metric
benchmark's own rewrite can keep it), compared with the previous run there.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import statistics
import sys
import tempfile
import time
from dataclasses import asdict, dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from benchmarks.pages_report import write_section  # noqa: E402
from benchmarks.server import (  # noqa: E402
    IDLE,
    LOAD_TIMEOUT_MS,
    SIZES,
    copy_store,
    data_month,
    peak_rss_mb,
    start_app,
    start_floor,
)
from tests.e2e import harness  # noqa: E402

TARGETS = {"small": 1.5, "city": 1.5, "province": 3.0}  # warm median, seconds
FIRST_PAGE_TARGET = 5.0
POLL_MS = 50
NAV_LINK = '[data-testid="stSidebarNav"] a'

# IDLE, and the page's title is the one asked for (in-app: the old page stays until replaced).
SHOWN = """([status, title]) => {
    const heading = document.querySelector('[data-testid="stMain"] h1');
    return !!heading && heading.innerText.trim() === title && (IDLE)(status);
}""".replace("IDLE", IDLE)


@dataclass
class PageTiming:
    page: str
    loads: list[float] = field(default_factory=list)  # new tab: the first cold, the others warm
    kilobytes: list[float] = field(default_factory=list)
    in_app: list[float] = field(default_factory=list)  # reached by the sidebar's link, warm
    error: str = ""
    charts: int = 0  # Plotly charts a new-tab load drew (at the most)

    @property
    def cold(self) -> float | None:
        return self.loads[0] if self.loads else None

    @property
    def warm(self) -> list[float]:
        return self.loads[1:]

    @property
    def warm_median(self) -> float | None:
        return statistics.median(self.warm) if self.warm else None

    @property
    def in_app_median(self) -> float | None:
        return statistics.median(self.in_app) if self.in_app else None


@dataclass
class SizeRun:
    size: str
    date: str
    load_average: list[float]
    label: str = ""
    first_page: float | None = None
    peak_rss_mb: float | None = None
    floor: PageTiming | None = None
    chart_floor: PageTiming | None = None
    pages: list[PageTiming] = field(default_factory=list)

    def as_dict(self) -> dict:
        data = asdict(self)
        floors = [name for name in ("floor", "chart_floor") if getattr(self, name)]
        timings = [*self.pages, *(getattr(self, name) for name in floors)]
        shown = [*data["pages"], *(data[name] for name in floors)]
        for page, timing in zip(shown, timings, strict=True):
            page["warm_median"] = timing.warm_median
            page["in_app_median"] = timing.in_app_median
        return data


@dataclass
class Load:
    seconds: float
    error: str
    kilobytes: float  # what the server sent over the websocket: what the page ships
    charts: int  # the Plotly charts drawn


def settle(page, url: str) -> float:
    """Seconds from navigating `page` to `url` until the page settled (its title or an exception
    shown, then IDLE)."""
    started = time.perf_counter()
    page.goto(url, wait_until="domcontentloaded", timeout=LOAD_TIMEOUT_MS)
    page.locator(f"h1, {harness.EXCEPTION}").first.wait_for(state="visible", timeout=LOAD_TIMEOUT_MS)
    page.wait_for_function(IDLE, arg=harness.STATUS, timeout=LOAD_TIMEOUT_MS, polling=POLL_MS)
    return time.perf_counter() - started


def timed_load(context, url: str) -> Load:
    """Seconds from navigation in a new tab until the page settled, the text of an exception if
    one shows, the kilobytes the server sent and the Plotly charts the page drew."""
    page = context.new_page()
    received = [0]

    def count(payload: str | bytes) -> None:
        received[0] += len(payload)

    page.on("websocket", lambda socket: socket.on("framereceived", count))
    try:
        seconds = settle(page, url)
        charts = page.locator('[data-testid="stPlotlyChart"]').count()
        return Load(seconds, page_error(page), received[0] / 1024, charts)
    finally:
        page.close()


def page_error(page) -> str:
    if page.locator(harness.EXCEPTION).count():
        return page.locator(harness.EXCEPTION).first.inner_text()[:200].replace("\n", " ")
    return ""


def nav_link(tab, path: str):
    """The sidebar navigation's link to the page at URL path `path` ("" = the default page)."""
    links = tab.locator(NAV_LINK)
    for index in range(links.count()):
        href = links.nth(index).get_attribute("href") or ""
        if href.split("?")[0].rstrip("/").rsplit("/", 1)[-1] == path or (not path and href.endswith("/")):
            return links.nth(index)
    raise LookupError(f"no link to /{path} in the sidebar's navigation")


def timed_click(tab, path: str, title: str) -> float:
    """Seconds from clicking the sidebar's link to the page at `path` until it settled with
    `title` shown (the tab is an open, settled session on another page)."""
    link = nav_link(tab, path)
    started = time.perf_counter()
    link.click()
    tab.wait_for_function(SHOWN, arg=[harness.STATUS, title], timeout=LOAD_TIMEOUT_MS, polling=POLL_MS)
    return time.perf_counter() - started


def in_app_rounds(context, start_url: str, stops: list[tuple[str, str, PageTiming]], rounds: int) -> None:
    """`rounds` passes over `stops` (URL path, title, timing) in one session, each reached by the
    sidebar's link from the one before; the session opens on `start_url` (not timed)."""
    tab = context.new_page()
    try:
        tab.goto(start_url, wait_until="domcontentloaded", timeout=LOAD_TIMEOUT_MS)
        harness.wait_idle(tab, timeout=LOAD_TIMEOUT_MS)
        for _ in range(rounds):
            for path, title, timing in stops:
                timing.in_app.append(round(timed_click(tab, path, title), 3))
                timing.error = timing.error or page_error(tab)
    finally:
        tab.close()


def add_load(timing: PageTiming, load: Load) -> None:
    timing.loads.append(round(load.seconds, 3))
    timing.kilobytes.append(round(load.kilobytes, 1))
    timing.error = timing.error or load.error
    timing.charts = max(timing.charts, load.charts)


def time_floors(context, folder: Path, loads: int) -> tuple[PageTiming, PageTiming]:
    """The bare app's page and its page with a chart and a table, new tab and in-app (from its
    second page), as the dashboard's pages."""
    place = folder / "floor"
    place.mkdir()
    server = start_floor(place)
    try:
        floor, chart = PageTiming("floor"), PageTiming("floor with a chart")
        for _ in range(loads):
            add_load(floor, timed_load(context, f"{server.base_url}/"))
            add_load(chart, timed_load(context, f"{server.base_url}/chart"))
        second = PageTiming("second")
        stops = [
            ("second", "Floor, second page", second),
            ("", "Floor", floor),
            ("chart", "Floor with a chart", chart),
        ]
        in_app_rounds(context, f"{server.base_url}/", stops, max(loads - 1, 1))
        return floor, chart
    finally:
        server.stop()


def show(size: str, label: str, timing: PageTiming) -> None:
    shown = " ".join(f"{x:.2f}" for x in timing.loads)
    shown += f"  ({max(timing.kilobytes):,.0f} KB)" if timing.kilobytes else "  (no such page)"
    if timing.in_app:
        shown += "  in-app " + " ".join(f"{x:.2f}" for x in timing.in_app)
    problem = f"  ERROR {timing.error}" if timing.error else ""
    print(f"{size} {label}: {timing.page:12} {shown}{problem}", flush=True)


def run_size(
    browser, size: str, pages: list[harness.PageInfo], loads: int, lang: str, trees: dict[str, Path]
) -> dict[str, SizeRun]:
    """Every page `loads` times in new tabs, then in-app, on a server of each tree (label -> code
    folder), the trees' loads interleaved so that both see the same load of the machine; and the
    floor, in the same run."""
    stamp = time.strftime("%Y-%m-%d %H:%M %Z")
    runs = {
        label: SizeRun(size, stamp, [round(x, 2) for x in os.getloadavg()], label=label) for label in trees
    }
    with tempfile.TemporaryDirectory(prefix=f"pages-{size}-") as folder, contextlib.ExitStack() as stack:
        servers = {}
        for label, tree in trees.items():
            place = Path(folder) / (label or "run")
            place.mkdir()
            store = copy_store(size, place)
            month = data_month(store)
            servers[label] = start_app(tree, store, place)
            stack.callback(servers[label].stop)
        context = browser.new_context(viewport=harness.VIEWPORT)
        stack.callback(context.close)
        context.set_default_timeout(LOAD_TIMEOUT_MS)
        root = harness.PageInfo(harness.DEFAULT_PAGE, "overview.title")
        for label, server in servers.items():
            runs[label].first_page = timed_load(context, root.url(server.base_url, lang, **month)).seconds
            print(f"{size} {label}: first page {runs[label].first_page:.2f} s", flush=True)
        timings = {label: {} for label in trees}
        for info in pages:
            for label in trees:
                timings[label][info.name] = PageTiming(info.name)
            for _ in range(loads):
                for label, server in servers.items():
                    if not (trees[label] / info.file).exists():
                        continue  # a page the earlier code did not have
                    add_load(
                        timings[label][info.name],
                        timed_load(context, info.url(server.base_url, lang, **month)),
                    )
        for label, server in servers.items():
            stops = [
                (info.path, info.title(lang), timings[label][info.name])
                for info in pages
                if (trees[label] / info.file).exists()
            ]
            # Start elsewhere than the first stop, so that every stop is reached by a click.
            start = pages[-1] if len(pages) > 1 else harness.PageInfo("pages/settings.py", "standards.title")
            in_app_rounds(context, start.url(server.base_url, lang, **month), stops, max(loads - 1, 1))
            for info in pages:
                timing = timings[label][info.name]
                show(size, label, timing)
                if timing.loads:
                    runs[label].pages.append(timing)
        for label, server in servers.items():
            runs[label].peak_rss_mb = peak_rss_mb(server.process.pid)
        floor, chart_floor = time_floors(context, Path(folder), loads)
        show(size, "", floor)
        show(size, "", chart_floor)
        for run in runs.values():
            run.floor, run.chart_floor = floor, chart_floor
    return runs


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", nargs="+", choices=SIZES, default=["small", "city"])
    parser.add_argument("--loads", type=int, default=3, help="new-tab loads per page: 1 cold, the rest warm")
    parser.add_argument("--pages", nargs="*", help="page names (file stems) to time; default every page")
    parser.add_argument("--lang", default="zh", choices=("zh", "en"))
    parser.add_argument("--results", type=Path, default=ROOT / "benchmarks" / "results.md")
    parser.add_argument("--no-write", action="store_true", help="print only, leave results.md alone")
    parser.add_argument(
        "--before",
        type=Path,
        help="a folder with the earlier code (e.g. `git archive HEAD | tar -x -C /tmp/before`): its pages "
        "are timed in turn with these, and the section compares with them",
    )
    args = parser.parse_args(argv)
    pages = [p for p in harness.existing_pages() if not args.pages or p.name in args.pages]
    trees = {"after": ROOT} if args.before else {"": ROOT}
    if args.before:
        trees["before"] = args.before

    from playwright.sync_api import sync_playwright

    runs, before = [], []
    with sync_playwright() as playwright:
        browser = harness.launch_browser(playwright)
        try:
            for size in args.sizes:
                measured = run_size(browser, size, pages, max(args.loads, 2), args.lang, trees)
                runs.append(measured["after" if args.before else ""].as_dict())
                if args.before:
                    before.append(measured["before"].as_dict())
        finally:
            browser.close()
    if not args.no_write:
        write_section(args.results, runs, TARGETS, FIRST_PAGE_TARGET, before=before or None)
        print(f"written: {args.results}")
    print(json.dumps({"runs": runs, "before": before}, ensure_ascii=False, default=str))


if __name__ == "__main__":
    main()
