"""Where a page's time goes: py-spy over the dashboard server while a page is loaded warm.

    .venv/bin/python benchmarks/profile_pages.py --size city --pages pareto retention [--loads 3]

The server runs on a copy of the benchmark store; each page is opened once (filling its caches),
then py-spy samples the server (every thread) while the page is opened `--loads` more times. The
summary lists the functions of the project (pages/, ui/, analytics/) and of the libraries with the
largest share of the samples, inclusive and self. py-spy must be installed (py-spy==0.4.3)."""

from __future__ import annotations

import collections
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from benchmarks.pages import timed_load  # noqa: E402
from benchmarks.server import profile_parser, served_dashboard  # noqa: E402
from tests.e2e import harness  # noqa: E402

OURS = ("pages/", "ui/", "analytics/", "dashboard.py")


def summarise(raw: Path, top: int) -> str:
    """Inclusive and self shares of the sampled frames (py-spy's collapsed 'raw' format)."""
    inclusive: collections.Counter = collections.Counter()
    own: collections.Counter = collections.Counter()
    total = 0
    for line in raw.read_text(encoding="utf-8", errors="replace").splitlines():
        stack, _, count = line.rpartition(" ")
        if not stack or not count.isdigit():
            continue
        samples = int(count)
        frames = stack.split(";")
        if not any("script_runner" in f or "exec_func_with_error_handling" in f for f in frames):
            continue  # only the script threads: the page's run
        total += samples
        for frame in set(frames):
            inclusive[frame] += samples
        own[frames[-1]] += samples
    if not total:
        return "no samples of a script run"
    lines = [f"{total} samples of script runs", "", "inclusive (project):"]
    ours = [(f, n) for f, n in inclusive.most_common() if any(o in f for o in OURS)]
    lines += [f"  {n / total:6.1%}  {f}" for f, n in ours[:top]]
    lines += ["", "self (any):"]
    lines += [f"  {n / total:6.1%}  {f}" for f, n in own.most_common(top)]
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> None:
    parser = profile_parser(__doc__, top=25)
    parser.add_argument("--loads", type=int, default=3)
    parser.add_argument("--out", type=Path, default=Path(tempfile.gettempdir()))
    args = parser.parse_args(argv)
    pages = [p for p in harness.existing_pages() if p.name in args.pages]

    with served_dashboard(args.size, "profile-pages-") as (context, link, server):
        timed_load(context, link(harness.PageInfo(harness.DEFAULT_PAGE, "overview.title"), args.lang))
        for info in pages:
            url = link(info, args.lang)
            print(f"{info.name}: cold {timed_load(context, url).seconds:.2f} s", flush=True)
            raw = args.out / f"profile-{args.size}-{info.name}.txt"
            spy = subprocess.Popen(
                ["py-spy", "record", "-p", str(server.process.pid), "-r", "200", "-f", "raw", "-o", str(raw)],
                stdout=subprocess.DEVNULL,
                stderr=subprocess.DEVNULL,
                executable=str(Path(sys.executable).with_name("py-spy")),
            )
            time.sleep(1.0)
            times = [timed_load(context, url).seconds for _ in range(args.loads)]
            spy.send_signal(signal.SIGINT)
            spy.wait(timeout=60)
            print(f"{info.name}: warm {' '.join(f'{t:.2f}' for t in times)} s; raw stacks in {raw}")
            print(summarise(raw, args.top), flush=True)


if __name__ == "__main__":
    main()
