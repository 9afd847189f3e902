"""Load: several browser sessions browsing every page of one dashboard at the same time.

    .venv/bin/python benchmarks/load.py --size city --sessions 10 [--rounds 2] [--json out.json]

The benchmark store (/work/bench_db/<size>.duckdb) is copied to a temporary folder (the original
is never written) and the dashboard started on the copy (`streamlit run dashboard.py`, localhost
only, a free port). Then `--sessions` Chromium contexts (separate cookies and Streamlit sessions)
each open every page dashboard.py lists, `--rounds` times, all at once; each session starts at a
different page, so every page is being drawn for someone at any moment. A load is timed from
navigation until the app says its script is not running and nothing on screen is stale
(tests/e2e/harness's wait). Round 1 meets cold caches; later rounds are what a busy morning looks
like. Reported: p50 / p95 / max per page and per round, pages that showed an exception, and the
server's peak resident memory (VmHWM, and the largest RSS sampled every 0.2 s).

Bounded: a fixed number of loads (sessions x pages x rounds), each with a timeout, the whole run
with a deadline; the server and the browser are stopped at the end, whatever happens.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import statistics
import sys
import tempfile
import threading
import time
from dataclasses import asdict, dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from benchmarks import server as served  # noqa: E402
from tests.e2e import harness  # noqa: E402

POLL_MS = 100


@dataclass
class Load:
    session: int
    round: int
    page: str
    seconds: float | None  # None: timed out or failed to load
    error: str = ""


@dataclass
class Memory:
    """The server's resident memory, sampled while the load runs."""

    pid: int
    peak_sampled_mb: float = 0.0
    samples: int = 0
    _stop: threading.Event = field(default_factory=threading.Event, repr=False)

    def watch(self) -> threading.Thread:
        thread = threading.Thread(target=self._sample, daemon=True)
        thread.start()
        return thread

    def _sample(self) -> None:
        while not self._stop.is_set():
            rss = served.status_mb(self.pid, "VmRSS:")
            if rss is not None:
                self.peak_sampled_mb = max(self.peak_sampled_mb, rss)
                self.samples += 1
            self._stop.wait(0.2)

    def stop(self) -> None:
        self._stop.set()

    def high_water_mb(self) -> float | None:
        return served.status_mb(self.pid, "VmHWM:")


def server_errors(log: str, limit: int = 3) -> str:
    """The last `limit` tracebacks of the server's log (what a redacted exception on a page was)."""
    blocks, current = [], []
    for line in log.splitlines():
        if line.startswith("Traceback") or (current and (line.startswith(" ") or not blocks or current)):
            current.append(line)
            if not line.startswith((" ", "Traceback")):
                blocks.append("\n".join(current[-12:]))
                current = []
    return "\n\n".join(blocks[-limit:])


async def timed_load(page, url: str) -> tuple[float | None, str]:
    started = time.perf_counter()
    try:
        await page.goto(url, wait_until="domcontentloaded", timeout=served.LOAD_TIMEOUT_MS)
        await page.locator(f"h1, {harness.EXCEPTION}").first.wait_for(
            state="visible", timeout=served.LOAD_TIMEOUT_MS
        )
        await page.wait_for_function(
            served.IDLE, arg=harness.STATUS, timeout=served.LOAD_TIMEOUT_MS, polling=POLL_MS
        )
    except Exception as error:  # a timeout or a closed page: counted, not fatal
        return None, f"{type(error).__name__}: {str(error).splitlines()[0][:160]}"
    seconds = time.perf_counter() - started
    error = ""
    if await page.locator(harness.EXCEPTION).count():
        error = (await page.locator(harness.EXCEPTION).first.inner_text())[:200].replace("\n", " ")
    return seconds, error


async def browse(browser, session: int, pages: list[harness.PageInfo], args, base: str) -> list[Load]:
    """One supervisor: every page in turn, starting at page number `session`, `rounds` times."""
    context = await browser.new_context(viewport=harness.VIEWPORT)
    loads: list[Load] = []
    try:
        tab = await context.new_page()
        order = pages[session % len(pages) :] + pages[: session % len(pages)]
        for round_no in range(1, args.rounds + 1):
            for info in order:
                seconds, error = await timed_load(tab, info.url(base, args.lang, **args.month))
                loads.append(Load(session, round_no, info.name, seconds, error))
    finally:
        await context.close()
    return loads


async def run_load(base: str, pages: list[harness.PageInfo], args) -> list[Load]:
    from playwright.async_api import async_playwright

    async with async_playwright() as playwright:
        browser = await playwright.chromium.launch(
            executable_path=harness.CHROMIUM, args=harness.BROWSER_ARGS, headless=True
        )
        try:
            sessions = [browse(browser, n, pages, args, base) for n in range(args.sessions)]
            results = await asyncio.wait_for(asyncio.gather(*sessions), timeout=args.deadline)
        finally:
            await browser.close()
    return [load for loads in results for load in loads]


def percentile(values: list[float], share: float) -> float | None:
    """Nearest-rank percentile (no interpolation: p95 of 10 loads is the slowest but none)."""
    if not values:
        return None
    ordered = sorted(values)
    rank = max(1, round(share * len(ordered) + 0.5 - 1e-9))
    return ordered[min(rank, len(ordered)) - 1]


def summary(loads: list[Load], key) -> list[dict]:
    groups: dict = {}
    for load in loads:
        groups.setdefault(key(load), []).append(load)
    rows = []
    for name, group in groups.items():
        times = [x.seconds for x in group if x.seconds is not None]
        rows.append(
            {
                "group": name,
                "loads": len(group),
                "p50": statistics.median(times) if times else None,
                "p95": percentile(times, 0.95),
                "max": max(times) if times else None,
                "failed": sum(x.seconds is None for x in group),
                "exceptions": sum(bool(x.error) and x.seconds is not None for x in group),
            }
        )
    return rows


def table(rows: list[dict], title: str) -> str:
    def sec(value: float | None) -> str:
        return "—" if value is None else f"{value:.2f}"

    lines = [
        f"| {title} | loads | p50 s | p95 s | max s | failed | exceptions |",
        "|---|---:|---:|---:|---:|---:|---:|",
    ]
    for row in rows:
        lines.append(
            f"| {row['group']} | {row['loads']} | {sec(row['p50'])} | {sec(row['p95'])} | {sec(row['max'])} "
            f"| {row['failed']} | {row['exceptions']} |"
        )
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--size", choices=served.SIZES, default="city")
    parser.add_argument("--sessions", type=int, default=10)
    parser.add_argument("--rounds", type=int, default=2, help="passes over every page per session")
    parser.add_argument("--lang", choices=("zh", "en"), default="zh")
    parser.add_argument("--pages", nargs="*", help="page names (default: every page)")
    parser.add_argument("--deadline", type=float, default=3600, help="seconds for the whole load")
    parser.add_argument("--json", type=Path, help="write the loads and the summary here")
    args = parser.parse_args(argv)
    if not 1 <= args.sessions <= 50 or not 1 <= args.rounds <= 10:
        parser.error("--sessions 1..50 and --rounds 1..10")

    pages = [p for p in harness.existing_pages() if not args.pages or p.name in args.pages]
    with tempfile.TemporaryDirectory(prefix="dashboard-load-") as tmp:
        folder = Path(tmp)
        store = served.copy_store(args.size, folder)
        args.month = served.data_month(store)
        server = served.start_app(ROOT, store, folder)
        memory = Memory(server.process.pid)
        memory.watch()
        load_before = os.getloadavg()[0]
        began = time.monotonic()
        try:
            loads = asyncio.run(run_load(server.base_url, pages, args))
        finally:
            memory.stop()
            high_water = memory.high_water_mb()
            server.stop()
            errors = server_errors(server.log())
        wall = time.monotonic() - began

    by_page = summary(loads, lambda x: x.page)
    by_round = summary(loads, lambda x: f"round {x.round}")
    overall = summary(loads, lambda x: "all")
    shape = f"{args.sessions} sessions x {len(pages)} pages x {args.rounds} rounds"
    load_after = os.getloadavg()[0]
    loads_avg = f"load average {load_before:.1f} before, {load_after:.1f} after"
    print(f"\n{shape} at {args.size} ({wall:.0f} s; {loads_avg})")
    print(table(by_page, "page"))
    print()
    print(table(by_round + overall, "round"))
    sampled = memory.peak_sampled_mb
    print(f"\nserver peak memory: VmHWM {high_water or 0:.0f} MB; largest sampled RSS {sampled:.0f} MB")
    if errors:
        print("\nerrors in the server's log (last ones):\n" + errors)
    for load in loads:
        if load.error:
            print(f"  session {load.session} round {load.round} {load.page}: {load.error}")
    if args.json:
        report = {
            "size": args.size,
            "sessions": args.sessions,
            "rounds": args.rounds,
            "wall_seconds": wall,
            "peak_rss_mb": high_water,
            "peak_sampled_rss_mb": memory.peak_sampled_mb,
            "by_page": by_page,
            "by_round": by_round + overall,
            "loads": [asdict(load) for load in loads],
        }
        args.json.write_text(json.dumps(report, indent=1), encoding="utf-8")
    return 1 if any(load.seconds is None for load in loads) else 0


if __name__ == "__main__":
    sys.exit(main())
