"""Where a page's script spends CPU: cProfile of a warm run of dashboard.py + the page (AppTest).

    .venv/bin/python benchmarks/profile_script.py --size city --pages warnings scorecards [--top 25]

The benchmark store is copied to a temporary folder (the original is never written). Each page
is run once through AppTest (dashboard.py, then the page: the metrics' caches fill), then run
`--runs` more times timed by the script thread's CPU clock (reliable when the machine is busy),
then `--runs` more with cProfile switched on inside that thread. Printed: the CPU seconds of the
runs, and the functions with the most cumulative time in the profiled ones."""

from __future__ import annotations

import cProfile
import io
import os
import pstats
import shutil
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from benchmarks.server import STORES, profile_parser  # noqa: E402


def profiled_runs(
    page: str, store: Path, runs: int, lang: str
) -> tuple[list[float], list[float], list[float], pstats.Stats]:
    """CPU seconds of `runs` warm runs of `page` without the profiler, then of `runs` more with it
    (cProfile's own cost inflates calls of small functions: read the first for the time, the
    profile for where it goes), their wall seconds (DuckDB's own threads are not in the CPU
    clock of the script's thread), and the joined profile."""
    from streamlit.runtime.scriptrunner import exec_code
    from streamlit.testing.v1 import AppTest

    os.environ["DASHBOARD_DB"] = str(store)
    profile = cProfile.Profile(time.thread_time)
    seconds: list[float] = []
    plain: list[float] = []
    wall: list[float] = []
    active = [False]
    original = exec_code.exec_func_with_error_handling

    def measured(func, ctx):  # Streamlit's own signature
        if not active[0]:
            return original(func, ctx)
        if active[0] == "plain":
            started, clock = time.thread_time(), time.perf_counter()
            try:
                return original(func, ctx)
            finally:
                plain.append(time.thread_time() - started)
                wall.append(time.perf_counter() - clock)
        started = time.thread_time()
        profile.enable()
        try:
            return original(func, ctx)
        finally:
            profile.disable()
            seconds.append(time.thread_time() - started)

    exec_code.exec_func_with_error_handling = measured
    from streamlit.runtime.scriptrunner import script_runner

    script_runner.exec_func_with_error_handling = measured
    try:
        at = AppTest.from_file(str(ROOT / "dashboard.py"), default_timeout=600)
        at.session_state["lang"] = lang
        at.run()
        at.switch_page(page)
        at.run()  # cold: caches fill
        if at.exception:
            print(f"{page}: exception {at.exception[0].value}", file=sys.stderr)
        active[0] = "plain"
        for _ in range(runs):
            at.run()
        active[0] = "profiled"
        for _ in range(runs):
            at.run()
    finally:
        exec_code.exec_func_with_error_handling = original
        script_runner.exec_func_with_error_handling = original
    return plain, wall, seconds, pstats.Stats(profile)


def main(argv: list[str] | None = None) -> None:
    parser = profile_parser(__doc__, top=30)
    parser.add_argument("--runs", type=int, default=2)
    parser.add_argument("--store", type=Path, help="a copy of the store to use (default: copy it here)")
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory(prefix="profile-script-") as folder:
        store = args.store
        if store is None:
            store = Path(folder) / f"{args.size}.duckdb"
            shutil.copyfile(STORES / f"{args.size}.duckdb", store)
        os.environ["DASHBOARD_SETTINGS"] = str(Path(folder) / "settings.toml")
        for name in args.pages:
            plain, wall, seconds, stats = profiled_runs(f"pages/{name}.py", store, args.runs, args.lang)
            shown = " ".join(f"{s:.2f}" for s in plain)
            profiled = " ".join(f"{s:.2f}" for s in seconds)
            print(f"\n== {args.size} {name}: CPU seconds of the script per warm run: {shown}")
            print(f"   wall seconds of the same runs: {' '.join(f'{s:.2f}' for s in wall)}")
            print(f"   (with the profiler on: {profiled}; AppTest compiles the page each run, a server once)")
            out = io.StringIO()
            stats.stream = out
            stats.sort_stats("cumulative").print_stats(args.top)
            print(out.getvalue().split("Ordered by")[1] if "Ordered by" in out.getvalue() else out.getvalue())


if __name__ == "__main__":
    main()
