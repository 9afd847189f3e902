"""Pages in the browser: every page of the dashboard timed in Chromium at each benchmark size.

    .venv/bin/python benchmarks/pages.py --sizes small city province [--loads 3] [--pages pareto ...]

For each size the store is copied to a temporary folder (the originals are never written), the
dashboard is started on the copy (`streamlit run dashboard.py`, DASHBOARD_DB), and every page
dashboard.py lists is opened `--loads` times, each in a new tab (a new Streamlit session): the
first load is *cold* (that page's metrics not yet cached), the others *warm*. A load is timed from
navigation until the app says its script is not running and nothing on screen is stale (the
browser tests' wait, tests/e2e/harness.wait_idle, polled more often). The first page of a fresh
start is the root page opened right after the server became healthy. The server's peak resident
memory is its VmHWM. The results go into a "Pages in the browser" section of results.md (between
markers, so the metric benchmark's own rewrite can keep it), compared with the previous run there.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import asdict, dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from benchmarks.pages_report import write_section  # noqa: E402
from tests.e2e import harness  # noqa: E402

STORES = Path("/work/bench_db")
SIZES = ("small", "city", "province")
TARGETS = {"small": 1.5, "city": 1.5, "province": 3.0}  # warm median, seconds
FIRST_PAGE_TARGET = 5.0
LOAD_TIMEOUT_MS = 300_000  # a cold province page may take long; it is measured, not failed
POLL_MS = 50

IDLE = """(status) => {
    const app = document.querySelector('[data-testid="stApp"]');
    const state = app && app.getAttribute('data-test-script-state');
    const indicator = document.querySelector(status);
    const shown = indicator && indicator.offsetParent !== null;
    const running = state !== 'notRunning' || (shown && /running/i.test(indicator.innerText || ''));
    const busy = document.querySelector('[data-stale="true"], [data-testid="stSkeleton"]');
    return !running && !busy;
}"""


@dataclass
class PageTiming:
    page: str
    loads: list[float] = field(default_factory=list)
    kilobytes: list[float] = field(default_factory=list)
    error: str = ""

    @property
    def cold(self) -> float | None:
        return self.loads[0] if self.loads else None

    @property
    def warm(self) -> list[float]:
        return self.loads[1:]

    @property
    def warm_median(self) -> float | None:
        return statistics.median(self.warm) if self.warm else None


@dataclass
class SizeRun:
    size: str
    date: str
    load_average: list[float]
    label: str = ""
    first_page: float | None = None
    peak_rss_mb: float | None = None
    pages: list[PageTiming] = field(default_factory=list)

    def as_dict(self) -> dict:
        data = asdict(self)
        for page, timing in zip(data["pages"], self.pages, strict=True):
            page["warm_median"] = timing.warm_median
        return data


def peak_rss_mb(pid: int) -> float | None:
    """The process's high-water resident memory (VmHWM), in MB."""
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    except OSError:
        pass
    return None


def start_dashboard(tree: Path, store: Path, folder: Path) -> harness.Server:
    """`streamlit run dashboard.py` of the code in `tree` on `store` (harness.start_server, any tree)."""
    if tree.resolve() == harness.ROOT:
        return harness.start_server(store, folder)
    port = harness.free_port()
    env = {
        **os.environ,
        "DASHBOARD_DB": str(store),
        "DASHBOARD_SETTINGS": str(folder / "settings.toml"),
        "STREAMLIT_BROWSER_GATHER_USAGE_STATS": "false",
    }
    log_path = folder / "server.log"
    command = [sys.executable, "-m", "streamlit", "run", "dashboard.py", "--server.port", str(port)]
    command += ["--server.headless", "true", "--server.address", "127.0.0.1"]
    command += ["--server.fileWatcherType", "none", "--server.runOnSave", "false"]
    with log_path.open("wb") as log:
        process = subprocess.Popen(
            command, cwd=tree, env=env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True
        )
    server = harness.Server(process, port, log_path)
    try:
        harness.wait_healthy(server)
    except BaseException:
        server.stop()
        raise
    return server


def timed_load(context, url: str) -> tuple[float, str, float]:
    """Seconds from navigation until the page settled, the text of an exception if one shows, and
    the kilobytes the server sent over the websocket (what the page ships to the browser)."""
    page = context.new_page()
    received = [0]

    def count(payload: str | bytes) -> None:
        received[0] += len(payload)

    page.on("websocket", lambda socket: socket.on("framereceived", count))
    try:
        started = time.perf_counter()
        page.goto(url, wait_until="domcontentloaded", timeout=LOAD_TIMEOUT_MS)
        page.locator(f"h1, {harness.EXCEPTION}").first.wait_for(state="visible", timeout=LOAD_TIMEOUT_MS)
        page.wait_for_function(IDLE, arg=harness.STATUS, timeout=LOAD_TIMEOUT_MS, polling=POLL_MS)
        seconds = time.perf_counter() - started
        error = ""
        if page.locator(harness.EXCEPTION).count():
            error = page.locator(harness.EXCEPTION).first.inner_text()[:200].replace("\n", " ")
        return seconds, error, received[0] / 1024
    finally:
        page.close()


def run_size(
    browser, size: str, pages: list[harness.PageInfo], loads: int, lang: str, trees: dict[str, Path]
) -> dict[str, SizeRun]:
    """Every page `loads` times on a server of each tree (label -> code folder), the trees' loads
    interleaved so that both see the same load of the machine."""
    source = STORES / f"{size}.duckdb"
    stamp = time.strftime("%Y-%m-%d %H:%M %Z")
    runs = {
        label: SizeRun(size, stamp, [round(x, 2) for x in os.getloadavg()], label=label) for label in trees
    }
    with tempfile.TemporaryDirectory(prefix=f"pages-{size}-") as folder, contextlib.ExitStack() as stack:
        servers = {}
        for label, tree in trees.items():
            place = Path(folder) / (label or "run")
            place.mkdir()
            store = place / f"{size}.duckdb"
            shutil.copyfile(source, store)
            servers[label] = start_dashboard(tree, store, place)
            stack.callback(servers[label].stop)
        context = browser.new_context(viewport=harness.VIEWPORT)
        stack.callback(context.close)
        context.set_default_timeout(LOAD_TIMEOUT_MS)
        root = harness.PageInfo(harness.DEFAULT_PAGE, "overview.title")
        for label, server in servers.items():
            runs[label].first_page, *_ = timed_load(context, root.url(server.base_url, lang))
            print(f"{size} {label}: first page {runs[label].first_page:.2f} s", flush=True)
        for info in pages:
            timings = {label: PageTiming(info.name) for label in trees}
            for _ in range(loads):
                for label, server in servers.items():
                    if not (trees[label] / info.file).exists():
                        continue  # a page the earlier code did not have
                    seconds, error, kilobytes = timed_load(context, info.url(server.base_url, lang))
                    timings[label].loads.append(round(seconds, 3))
                    timings[label].kilobytes.append(round(kilobytes, 1))
                    timings[label].error = timings[label].error or error
            for label, timing in timings.items():
                shown = " ".join(f"{x:.2f}" for x in timing.loads)
                shown += f"  ({max(timing.kilobytes):,.0f} KB)" if timing.kilobytes else "  (no such page)"
                problem = f"  ERROR {timing.error}" if timing.error else ""
                print(f"{size} {label}: {info.name:12} {shown}{problem}", flush=True)
                if timing.loads:
                    runs[label].pages.append(timing)
        for label, server in servers.items():
            runs[label].peak_rss_mb = peak_rss_mb(server.process.pid)
    return runs


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", nargs="+", choices=SIZES, default=["small", "city"])
    parser.add_argument("--loads", type=int, default=3, help="loads per page: one cold, the rest warm")
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
