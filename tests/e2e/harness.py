"""The pieces the browser tests and the screenshot script share.

A demo database in a temporary folder, the dashboard served from it on a free local
port, Debian's Chromium driven by Playwright, the list of pages that exist, and the
waits that tell when Streamlit has finished drawing a page."""

from __future__ import annotations

import ast
import os
import re
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from dataclasses import dataclass
from datetime import date
from pathlib import Path

import duckdb

from analytics import db
from analytics.filters import latest_full_month
from analytics.i18n import catalog, t

ROOT = Path(__file__).resolve().parents[2]
CHROMIUM = "/usr/bin/chromium"
BROWSER_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-dev-shm-usage",
]
VIEWPORT = {"width": 1440, "height": 900}

# A small demo keeps the whole browser suite to a few minutes on two shared cores.
DEMO = {"customers": 400, "managers": 8, "seed": 3}

# Generous: the machine is shared, and the first run of a page fills the metric caches.
LOAD_TIMEOUT_MS = 90_000
EXPECT_TIMEOUT_MS = 30_000
SERVER_START_SECONDS = 120

EXCEPTION = '[data-testid="stException"]'
STATUS = '[data-testid="stStatusWidget"]'
PLOTLY = '[data-testid="stPlotlyChart"] .js-plotly-plot'
METRIC_VALUE = '[data-testid="stMetricValue"]'
MAIN = '[data-testid="stMain"]'
SIDEBAR = '[data-testid="stSidebar"]'
DEFAULT_PAGE = "pages/overview.py"  # dashboard.py: st.Page(..., default=(path == "pages/overview.py"))


# ------------------------------------------------------------------ pages


@dataclass(frozen=True)
class PageInfo:
    """One page of the dashboard: its file, URL path and title message."""

    file: str  # "pages/pareto.py"
    title_key: str  # "pareto.title"

    @property
    def name(self) -> str:
        return Path(self.file).stem

    @property
    def path(self) -> str:
        """The URL path: st.navigation derives it from the file name; the default page is "/"
        (its own name, e.g. /overview, answers "page not found")."""
        return "" if self.file == DEFAULT_PAGE else self.name

    def url(self, base: str, lang: str, **query: str) -> str:
        params = "&".join(f"{k}={v}" for k, v in {"lang": lang, **query}.items())
        return f"{base}/{self.path}?{params}"

    def title(self, lang: str) -> str:
        return t(self.title_key, lang)


def declared_pages() -> list[PageInfo]:
    """Every page dashboard.py lists (its SECTIONS table), whether the file exists yet or not."""
    tree = ast.parse((ROOT / "dashboard.py").read_text(encoding="utf-8"))
    for node in tree.body:
        if isinstance(node, ast.Assign) and any(
            getattr(tgt, "id", None) == "SECTIONS" for tgt in node.targets
        ):
            sections = ast.literal_eval(node.value)
            return [PageInfo(path, title) for entries in sections.values() for path, title, _ in entries]
    raise LookupError("dashboard.py has no SECTIONS table")


def existing_pages() -> list[PageInfo]:
    """The declared pages whose file is in pages/ (colleagues add them one by one)."""
    return [page for page in declared_pages() if (ROOT / page.file).exists()]


def catalog_keys() -> set[str]:
    """Every message key; one showing up on screen is an untranslated label."""
    return set(catalog())


def untranslated_keys(text: str) -> list[str]:
    """Message keys that appear verbatim in the text on screen."""
    words = set(re.findall(r"\b[a-z_]+\.[a-z0-9_]+\b", text))
    return sorted(words & catalog_keys())


# ------------------------------------------------------------------ server


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def make_demo_db(folder: Path, **overrides) -> Path:
    """A fresh demo database in `folder`, through the command line the README documents."""
    options = {**DEMO, **overrides}
    path = folder / "demo.duckdb"
    command = [sys.executable, "-m", "analytics", "init-demo", "--db", str(path)]
    for name, value in options.items():
        command += [f"--{name}", str(value)]
    subprocess.run(command, cwd=ROOT, check=True, capture_output=True, timeout=300)
    return path


@dataclass(frozen=True)
class DemoFacts:
    """What the tests need to know about the demo data, read before the server opens it
    (DuckDB lets only one process hold the file)."""

    customer_ids: tuple[str, ...]  # open customers who ordered in `month`
    month: tuple[date, date]  # the period the sidebar shows by default ("last month")


def demo_facts(db_path: Path) -> DemoFacts:
    con = duckdb.connect(str(db_path), read_only=True)
    try:
        span = db.data_range(con)
        month = latest_full_month(span[1])
        ids = [
            row[0]
            for row in db.rows(
                con,
                """SELECT DISTINCT c.customer_id FROM customers c JOIN orders o USING (customer_id)
               WHERE coalesce(c.status, 'active') <> 'closed' AND o.order_date BETWEEN ? AND ?
               ORDER BY c.customer_id LIMIT 3""",
                [month[0], month[1]],
            )
        ]
    finally:
        con.close()
    return DemoFacts(tuple(ids), month)


@dataclass
class Server:
    """A running `streamlit run dashboard.py`; stop() ends it and everything it started."""

    process: subprocess.Popen
    port: int
    log_path: Path

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def log(self) -> str:
        return self.log_path.read_text(encoding="utf-8", errors="replace")

    def stop(self) -> None:
        if self.process.poll() is not None:
            return
        os.killpg(self.process.pid, signal.SIGTERM)
        try:
            self.process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            os.killpg(self.process.pid, signal.SIGKILL)
            self.process.wait(timeout=15)


def start_server(db_path: Path, folder: Path) -> Server:
    """Serve the dashboard on `db_path` with settings in a temporary file; wait until healthy."""
    port = free_port()
    env = {
        **os.environ,
        "DASHBOARD_DB": str(db_path),
        "DASHBOARD_SETTINGS": str(folder / "settings.toml"),
        "STREAMLIT_BROWSER_GATHER_USAGE_STATS": "false",
    }
    log_path = folder / "server.log"
    command = [
        sys.executable,
        "-m",
        "streamlit",
        "run",
        "dashboard.py",
        "--server.port",
        str(port),
        "--server.headless",
        "true",
        "--server.address",
        "127.0.0.1",
        "--server.fileWatcherType",
        "none",
        "--server.runOnSave",
        "false",
    ]
    with log_path.open("wb") as log:
        process = subprocess.Popen(
            command, cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True
        )
    server = Server(process, port, log_path)
    try:
        wait_healthy(server)
    except BaseException:
        server.stop()
        raise
    return server


def wait_healthy(server: Server) -> None:
    deadline = time.monotonic() + SERVER_START_SECONDS
    while time.monotonic() < deadline:
        if server.process.poll() is not None:
            raise RuntimeError(f"the dashboard exited with {server.process.returncode}:\n{server.log()}")
        try:
            with urllib.request.urlopen(f"{server.base_url}/_stcore/health", timeout=5) as response:
                if response.read().decode().strip() == "ok":
                    return
        except OSError:
            pass
        time.sleep(0.5)
    raise TimeoutError(f"the dashboard did not become healthy:\n{server.log()}")


# ------------------------------------------------------------------ browser


def launch_browser(playwright):
    """Debian's Chromium (Playwright cannot download its own browser here)."""
    return playwright.chromium.launch(executable_path=CHROMIUM, args=BROWSER_ARGS, headless=True)


def wait_idle(page, timeout: float = LOAD_TIMEOUT_MS) -> None:
    """Until the script run is over and drawn: the app says its script is not running, a title
    (or an exception) is shown, nothing is stale and no widget is still loading."""
    page.locator(f"h1, {EXCEPTION}").first.wait_for(state="visible", timeout=timeout)
    page.wait_for_function(
        """(status) => {
            const app = document.querySelector('[data-testid="stApp"]');
            const state = app && app.getAttribute('data-test-script-state');
            const indicator = document.querySelector(status);
            const shown = indicator && indicator.offsetParent !== null;
            const running = state !== 'notRunning'
                || (shown && /running/i.test(indicator.innerText || ''));
            // Stale: drawn by the previous run. Skeleton: a widget whose script is still loading.
            const busy = document.querySelector('[data-stale="true"], [data-testid="stSkeleton"]');
            return !running && !busy;
        }""",
        arg=STATUS,
        timeout=timeout,
        polling=200,
    )


def open_page(page, url: str) -> None:
    page.goto(url, wait_until="domcontentloaded")
    wait_idle(page)


def main_text(page) -> str:
    return page.locator(MAIN).inner_text()


def full_page_screenshot(page, path: Path) -> None:
    """The whole page, not just the first screen: Streamlit scrolls inside its main area and
    sidebar, so the window is made as tall as their content before the shot."""
    height = page.evaluate(
        """() => Math.max(window.innerHeight, ...['stMain', 'stSidebarContent']
            .map(id => document.querySelector(`[data-testid="${id}"]`))
            .filter(Boolean).map(element => element.scrollHeight))"""
    )
    window = page.viewport_size or VIEWPORT  # a phone's width stays a phone's
    page.set_viewport_size({"width": window["width"], "height": min(int(height) + 40, 12_000)})
    wait_charts_drawn(page)
    page.screenshot(path=str(path), full_page=True)
    page.set_viewport_size(window)


def wait_charts_drawn(page) -> None:
    """Plotly redraws on resize; wait until every chart has its plotting area."""
    page.wait_for_function(
        """() => [...document.querySelectorAll('.js-plotly-plot')]
                .every(chart => chart.querySelector('.main-svg'))""",
        timeout=LOAD_TIMEOUT_MS,
        polling=200,
    )
    # Plotly redraws in an animation frame after the resize; let two frames pass.
    page.evaluate("() => new Promise(done => requestAnimationFrame(() => requestAnimationFrame(done)))")


def warm_up(browser, server: Server) -> None:
    """Open the dashboard once before the tests, so the first test does not pay for filling
    the metric caches (test_fresh_server_link.py covers a link opened on a cold server)."""
    context = browser.new_context(viewport=VIEWPORT)
    try:
        page = context.new_page()
        open_page(page, f"{server.base_url}/?lang=zh")
    finally:
        context.close()
