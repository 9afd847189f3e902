"""Server memory while supervisors upload big exports on the Import page (issue 18: "10 uploads of
80 MB in a row keep the server under 1.5 GB"), through a real server and a real browser.

    .venv/bin/python benchmarks/upload_memory.py [--uploads 10] [--mb 80] [--abandoned 3]

The city benchmark store is copied to a temporary folder (the original is never written) and the
dashboard started on the copy (tests/e2e/harness: `streamlit run dashboard.py`, localhost, a free
port). Ten distinct order files of ~80 MB each (the 1,000,000-line city import file, its order
numbers renamed per file and topped up to the size) are then, one after another in one tab:
chosen in the uploader, checked (the page's "Checked: …" or bad-row message), imported (the
"file → Orders: …" summary), and taken out of the uploader if the page left them there. Then
`--abandoned` more tabs each upload a file, see it checked, do NOT import, and are closed with the
file still in the uploader. The server's resident memory (/proc/PID/status VmRSS) is read after
each step, sampled every 0.2 s throughout, and its high-water mark (VmHWM) reported; after the
tabs close it is read again until Streamlit's disconnected-session TTL has passed.

Bounded: every wait has a timeout; the server and browser are stopped at the end whatever happens.
Exit 1 when the peak is over --limit-mb (1536) or a step failed.
"""

from __future__ import annotations

import argparse
import re
import shutil
import sys
import tempfile
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from tests.e2e import harness  # noqa: E402

STORES = Path("/work/bench_db")
SOURCE_CSV = STORES / "import_city_1000000.csv"
UPLOADER = '[data-testid="stFileUploaderDropzoneInput"]'
UPLOADED_FILE = '[data-testid="stFileChip"]'
DELETE_FILE = '[data-testid="stFileChipDeleteBtn"]'
STEP_TIMEOUT_MS = 900_000  # one 80 MB import on two shared cores
LANG = "en"
CHECKED = re.compile(r"Checked: all [\d,]+ rows can be imported|rows have problems|could not be imported")
SESSION_TTL_SECONDS = 120  # Streamlit's server.disconnectedSessionTTL default


def status_mb(pid: int, key: str) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith(key + ":"):
            return int(line.split()[1]) / 1024
    return float("nan")


class Sampler:
    """The server's RSS every 0.2 s in a thread; `peak` is the largest seen."""

    def __init__(self, pid: int) -> None:
        self.pid, self.peak = pid, 0.0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)
        self._thread.start()

    def _run(self) -> None:
        while not self._stop.is_set():
            try:
                self.peak = max(self.peak, status_mb(self.pid, "VmRSS"))
            except OSError:
                return
            self._stop.wait(0.2)

    def stop(self) -> None:
        self._stop.set()
        self._thread.join(timeout=2)


def order_files(folder: Path, count: int, megabytes: int) -> list[tuple[Path, int]]:
    """`count` distinct order exports of about `megabytes` MB each (Chinese headers, as the city
    import file) and their data-line counts: every order number gets a per-file prefix, and the
    file's first lines are repeated under a second prefix until the size is reached."""
    text = SOURCE_CSV.read_bytes()
    header, _, body = text.partition(b"\n")
    lines = body.splitlines(keepends=True)
    target = megabytes << 20
    files = []
    for n in range(count):
        path = folder / f"orders_upload_{n + 1:02d}.csv"
        size, rows = 0, 0
        with path.open("wb") as out:
            out.write(header + b"\n")
            for prefix in (b"U%da-" % n, b"U%db-" % n):
                for line in lines:
                    if size >= target:
                        break
                    row = prefix + line[3:]  # every line starts with "N0-"
                    out.write(row)
                    size += len(row)
                    rows += 1
        files.append((path, rows))
    return files


def copy_store(folder: Path) -> Path:
    target = folder / "city.duckdb"
    shutil.copy(STORES / "city.duckdb", target)
    return target


def choose_and_check(tab, path: Path) -> str:
    """Choose `path` in the uploader and wait until the page has checked it; the check message."""
    tab.locator(UPLOADER).set_input_files(str(path))
    message = tab.locator('[data-testid="stAlert"]').filter(has_text=CHECKED).first
    message.wait_for(state="visible", timeout=STEP_TIMEOUT_MS)
    harness.wait_idle(tab, timeout=STEP_TIMEOUT_MS)
    return message.inner_text().strip()


def import_checked(tab, name: str) -> str:
    """Press Import and wait for the file's summary."""
    tab.get_by_role("button", name="Import", exact=True).click()
    summary = tab.locator('[data-testid="stAlert"]').filter(has_text=f"{name} →").first
    summary.wait_for(state="visible", timeout=STEP_TIMEOUT_MS)
    harness.wait_idle(tab, timeout=STEP_TIMEOUT_MS)
    text = summary.inner_text()
    return text[text.find(name) :].strip()  # without the icon's name


def remove_from_uploader(tab) -> int:
    """Take every file out of the uploader, as a user who is done with it; how many there were."""
    listed = tab.locator(UPLOADED_FILE).count()
    for _ in range(listed):
        tab.locator(DELETE_FILE).first.click()
        harness.wait_idle(tab, timeout=STEP_TIMEOUT_MS)
    return listed


def line(step: str, pid: int, started: float, note: str = "") -> str:
    rss, hwm = status_mb(pid, "VmRSS"), status_mb(pid, "VmHWM")
    text = f"{step:<34} {time.monotonic() - started:6.0f} s  rss {rss:6.0f} MB  peak {hwm:6.0f} MB"
    print(text + (f"  {note}" if note else ""), flush=True)
    return text


def run(args: argparse.Namespace, folder: Path) -> int:
    from playwright.sync_api import sync_playwright

    files = order_files(folder, max(args.uploads, args.abandoned), args.mb)
    sizes = ", ".join(f"{p.stat().st_size / (1 << 20):.1f} MB / {rows:,} rows" for p, rows in files[:1])
    print(f"{len(files)} order files of {sizes} each in {folder}")
    server = harness.start_server(copy_store(folder), folder)
    pid, failures = server.process.pid, 0
    sampler = Sampler(pid)
    started = time.monotonic()
    import_page = next(p for p in harness.declared_pages() if p.name == "import_data")
    url = import_page.url(server.base_url, LANG)
    try:
        with sync_playwright() as playwright:
            browser = harness.launch_browser(playwright)
            line("server started", pid, started)
            context = browser.new_context(viewport=harness.VIEWPORT)
            tab = context.new_page()
            harness.open_page(tab, url)
            line("import page open", pid, started)
            for n, (path, _) in enumerate(files[: args.uploads], start=1):
                try:
                    checked = choose_and_check(tab, path)
                    line(f"upload {n}: checked", pid, started, checked[:70])
                    summary = import_checked(tab, path.name)
                    left = tab.locator(UPLOADED_FILE).count()
                    line(f"upload {n}: imported", pid, started, f"{summary[:90]}; left in uploader: {left}")
                    if left:
                        remove_from_uploader(tab)
                        line(f"upload {n}: removed by the user", pid, started)
                except Exception as error:  # counted; the next upload goes on
                    failures += 1
                    line(f"upload {n}: FAILED", pid, started, f"{type(error).__name__}: {error}"[:200])
                    harness.open_page(tab, url)
            context.close()
            line("import tab closed", pid, started)
            for n, (path, _) in enumerate(files[: args.abandoned], start=1):
                context = browser.new_context(viewport=harness.VIEWPORT)
                tab = context.new_page()
                try:
                    harness.open_page(tab, url)
                    checked = choose_and_check(tab, path)
                    line(f"abandoned {n}: checked, not imported", pid, started, checked[:70])
                except Exception as error:
                    failures += 1
                    line(f"abandoned {n}: FAILED", pid, started, f"{type(error).__name__}: {error}"[:200])
                context.close()
                line(f"abandoned {n}: tab closed", pid, started)
            browser.close()
        closed = time.monotonic()
        for wait in sorted({5, 30, SESSION_TTL_SECONDS + 30, args.wait_after_close}):
            if wait <= args.wait_after_close:
                time.sleep(max(0.0, closed + wait - time.monotonic()))
                line(f"{wait} s after the tabs closed", pid, started)
        after_close = status_mb(pid, "VmRSS")
    finally:
        sampler.stop()
        high_water = status_mb(pid, "VmHWM") if server.process.poll() is None else float("nan")
        server.stop()
    peak = max(high_water, sampler.peak)
    print(
        f"\nserver peak {peak:.0f} MB (VmHWM {high_water:.0f}, largest sampled RSS {sampler.peak:.0f});"
        f" RSS after the tabs closed {after_close:.0f} MB; limit {args.limit_mb} MB;"
        f" {args.uploads} imported + {args.abandoned} abandoned uploads of {args.mb} MB; {failures} failed"
    )
    tracebacks = [x for x in server.log().splitlines() if x.startswith("Traceback")]
    if tracebacks:
        print(f"{len(tracebacks)} tracebacks in the server log {server.log_path}")
    return 1 if failures or peak > args.limit_mb else 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--uploads", type=int, default=10, help="files checked and imported in one tab")
    parser.add_argument("--abandoned", type=int, default=3, help="files checked, not imported, tab closed")
    parser.add_argument("--mb", type=int, default=80, help="size of each file")
    parser.add_argument("--limit-mb", type=int, default=1536)
    parser.add_argument(
        "--wait-after-close", type=int, default=SESSION_TTL_SECONDS + 30, help="seconds to watch after"
    )
    parser.add_argument("--keep", action="store_true", help="keep the temporary folder (server log)")
    args = parser.parse_args(argv)
    folder = Path(tempfile.mkdtemp(prefix="upload-memory-"))
    try:
        return run(args, folder)
    finally:
        if args.keep:
            print(f"kept {folder}")
        else:
            shutil.rmtree(folder, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
