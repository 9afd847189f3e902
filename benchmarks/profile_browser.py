"""Where a page's time goes in the browser: a JavaScript CPU profile of a warm new-tab load.

    .venv/bin/python benchmarks/profile_browser.py --size city --pages warnings pareto [--loads 2]

The server runs on a copy of the benchmark store and every page is opened on the store's latest
full month (as benchmarks/pages.py opens it). Each page is opened `--loads` times (filling the
server's caches and the browser's HTTP cache), then once more in a new tab under Chromium's
profiler (DevTools protocol, 0.5 ms samples). The summary gives the renderer's time by script
(Streamlit's chunks: PlotlyChart = the Plotly library and its drawing, DataFrame = the table grid,
react-dom = React's rendering) and by function, self and inclusive. "(program)" is the browser's
own work outside JavaScript (parsing, style, layout); "(idle)" is waiting (for the server)."""

from __future__ import annotations

import collections
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from benchmarks.pages import settle, timed_load  # noqa: E402
from benchmarks.server import profile_parser, served_dashboard  # noqa: E402
from tests.e2e import harness  # noqa: E402

SAMPLE_MICROSECONDS = 500


def profiled_load(context, url: str) -> tuple[float, dict]:
    """Seconds until the page settled in a new tab, and the profile the renderer took meanwhile."""
    page = context.new_page()
    session = context.new_cdp_session(page)
    try:
        session.send("Profiler.enable")
        session.send("Profiler.setSamplingInterval", {"interval": SAMPLE_MICROSECONDS})
        session.send("Profiler.start")
        seconds = settle(page, url)
        return seconds, session.send("Profiler.stop")["profile"]
    finally:
        page.close()


def _script(frame: dict) -> str:
    return frame["url"].rsplit("/", 1)[-1] or frame["functionName"] or "(anonymous)"


def summarise(profile: dict, top: int) -> str:
    """Self time by script and function, and inclusive time by function, in milliseconds."""
    nodes = {node["id"]: node for node in profile["nodes"]}
    parent = {child: node["id"] for node in profile["nodes"] for child in node.get("children", [])}
    own: collections.Counter = collections.Counter()
    for node_id, delta in zip(profile["samples"], profile["timeDeltas"], strict=True):
        own[node_id] += delta
    total = sum(own.values())
    by_script: collections.Counter = collections.Counter()
    by_function: collections.Counter = collections.Counter()
    inclusive: collections.Counter = collections.Counter()
    for node_id, spent in own.items():
        frame = nodes[node_id]["callFrame"]
        by_script[_script(frame)] += spent
        by_function[(_script(frame), frame["functionName"] or "(top level)")] += spent
        seen, current = set(), node_id
        while current is not None:
            outer = nodes[current]["callFrame"]
            key = (_script(outer), outer["functionName"] or "(top level)")
            if key not in seen:
                inclusive[key] += spent
                seen.add(key)
            current = parent.get(current)
    lines = [f"renderer main thread sampled: {total / 1000:,.0f} ms", "", "self, by script:"]
    lines += [f"  {spent / 1000:7,.0f} ms  {name}" for name, spent in by_script.most_common(top)]
    lines += ["", "self, by function:"]
    lines += [f"  {spent / 1000:7,.0f} ms  {s} {f}" for (s, f), spent in by_function.most_common(top)]
    lines += ["", "inclusive, by function:"]
    lines += [f"  {spent / 1000:7,.0f} ms  {s} {f}" for (s, f), spent in inclusive.most_common(top)]
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> None:
    parser = profile_parser(__doc__, 20)
    parser.add_argument("--loads", type=int, default=2, help="unprofiled loads first (warming)")
    args = parser.parse_args(argv)
    pages = [p for p in harness.existing_pages() if p.name in args.pages]

    with served_dashboard(args.size, "profile-browser-") as (context, link, _):
        for info in pages:
            url = link(info, args.lang)
            warming = [timed_load(context, url).seconds for _ in range(args.loads)]
            seconds, profile = profiled_load(context, url)
            shown = " ".join(f"{s:.2f}" for s in warming)
            print(f"== {info.name}: loads {shown} s, profiled {seconds:.2f} s")
            print(summarise(profile, args.top), flush=True)


if __name__ == "__main__":
    main()
