"""What the browser benchmarks share: the benchmark stores, a served Streamlit app on a copy of
one, the signal that a page has settled, and the server's memory.

Used by benchmarks/pages.py (each page timed alone), benchmarks/load.py (many sessions at
once) and benchmarks/profile_pages.py; the profilers' common options (profile_parser) by
profile_pages.py and profile_script.py too."""

from __future__ import annotations

import argparse
import contextlib
import os
import shutil
import subprocess
import sys
import tempfile
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from tests.e2e import harness  # noqa: E402

STORES = Path("/work/bench_db")
SIZES = ("small", "city", "province")
LOAD_TIMEOUT_MS = 300_000  # a cold province page may take long; it is measured, not failed
FLOOR_APP = Path(__file__).resolve().with_name("floor_app.py")

# The page has settled: the app says its script is not running (Streamlit talks over a websocket,
# so a network-idle wait returns too early), the status widget does not say "running", and
# nothing drawn by the previous run is stale and no widget is still loading (as the browser
# tests wait, tests/e2e/harness.wait_idle).
IDLE = """(status) => {
    const app = document.querySelector('[data-testid="stApp"]');
    const state = app && app.getAttribute('data-test-script-state');
    const indicator = document.querySelector(status);
    const shown = indicator && indicator.offsetParent !== null;
    const running = state !== 'notRunning' || (shown && /running/i.test(indicator.innerText || ''));
    const busy = document.querySelector('[data-stale="true"], [data-testid="stSkeleton"]');
    return !running && !busy;
}"""


def profile_parser(doc: str, top: int) -> argparse.ArgumentParser:
    """The options both profilers take (--size, --pages, --top, --lang); each adds its own."""
    parser = argparse.ArgumentParser(description=doc.splitlines()[0])
    parser.add_argument("--size", default="city", choices=SIZES)
    parser.add_argument("--pages", nargs="+", required=True, help="page names (file stems)")
    parser.add_argument("--top", type=int, default=top)
    parser.add_argument("--lang", default="zh")
    return parser


def copy_store(size: str, folder: Path) -> Path:
    """A copy of the benchmark store of `size` in `folder` (the original is never written)."""
    source = STORES / f"{size}.duckdb"
    if not source.exists():
        raise SystemExit(f"no benchmark store {source}")
    target = folder / source.name
    shutil.copyfile(source, target)
    wal = source.with_name(source.name + ".wal")
    if wal.exists():
        shutil.copyfile(wal, target.with_name(target.name + ".wal"))
    return target


def data_month(store: Path) -> dict[str, str]:
    """The link parameters of the store's latest full month of data, the period a supervisor
    reads when the data reaches last month. The benchmark stores end on a fixed day, so the
    sidebar's default (last month of the calendar) would show most pages empty. Read before the
    server opens the store (DuckDB lets one process hold the file)."""
    import duckdb

    from analytics.filters import latest_full_month

    con = duckdb.connect(str(store), read_only=True)
    try:
        (last,) = con.execute("SELECT max(order_date) FROM orders").fetchone()
    finally:
        con.close()
    if last is None:
        return {}
    start, end = latest_full_month(last)
    return {"period": "custom", "start": start.isoformat(), "end": end.isoformat()}


@contextlib.contextmanager
def served_dashboard(size: str, prefix: str) -> Iterator[tuple[Any, Callable[..., str], harness.Server]]:
    """A Chromium context and the dashboard served on a copy of the benchmark store of `size`;
    yields the context, `link(page_info, lang)` (the page's link on the store's latest month) and
    the server."""
    from playwright.sync_api import sync_playwright

    with tempfile.TemporaryDirectory(prefix=prefix) as folder, sync_playwright() as playwright:
        store = copy_store(size, Path(folder))
        month = data_month(store)
        server = start_app(ROOT, store, Path(folder))
        browser = harness.launch_browser(playwright)
        context = browser.new_context(viewport=harness.VIEWPORT)
        try:
            yield context, lambda info, lang: info.url(server.base_url, lang, **month), server
        finally:
            context.close()
            browser.close()
            server.stop()


def start_app(tree: Path, store: Path | None, folder: Path, script: str = "dashboard.py") -> harness.Server:
    """`streamlit run <script>` of the code in `tree` on `store`, settings in `folder`, on a free
    local port; returns once the server answers its health check (stop() ends it)."""
    port = harness.free_port()
    env = {
        **os.environ,
        "DASHBOARD_SETTINGS": str(folder / "settings.toml"),
        "STREAMLIT_BROWSER_GATHER_USAGE_STATS": "false",
    }
    if store is not None:
        env["DASHBOARD_DB"] = str(store)
    log_path = folder / f"{Path(script).stem}.log"
    command = [sys.executable, "-m", "streamlit", "run", script, "--server.port", str(port)]
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


def start_floor(folder: Path) -> harness.Server:
    """The bare Streamlit app of benchmarks/floor_app.py: what any page costs at least."""
    return start_app(FLOOR_APP.parent, None, folder, FLOOR_APP.name)


def status_mb(pid: int, key: str) -> float | None:
    """A memory line of /proc/<pid>/status ("VmHWM:", "VmRSS:"), in MB."""
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith(key):
                return int(line.split()[1]) / 1024
    except OSError:
        pass
    return None


def peak_rss_mb(pid: int) -> float | None:
    """The process's high-water resident memory (VmHWM), in MB."""
    return status_mb(pid, "VmHWM:")
