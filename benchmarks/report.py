"""benchmarks/results.md: the machine, one table per size, the targets and the change since last time.

The raw figures are kept in the file itself (a JSON block in an HTML comment at the end), so the
next run can compare against them; the previous file is kept as results.previous.md.
"""

from __future__ import annotations

import os
import platform
import shutil
import time
from pathlib import Path

SLOWDOWN_FLAG = 1.25
DATA_MARK = "bench-data"
TARGETS_S = {"city": 1.0, "province": 3.0}
IMPORT_TARGET = 500_000
PEER_TARGET = 5.0
FLOOR_TARGET = 3.0
MEMORY_TARGET_MB = 4096
NOT_TIMED = ("floor", "floor_order_days", "csv_import")
# Long work, not a view: runs once per data version behind a progress indicator (the guide's
# "long work (imports, model training, big exports) shows progress"); reported, not held to
# the interactive limit.
LONG_WORK = ("risk_training",)


# ------------------------------------------------------------------ machine


def _cpu_model() -> str:
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or "unknown"


def _ram_gb() -> float:
    try:
        for line in Path("/proc/meminfo").read_text().splitlines():
            if line.startswith("MemTotal"):
                return int(line.split()[1]) / 2**20
    except OSError:
        pass
    return float("nan")


def machine() -> dict:
    import duckdb
    import numpy
    import pandas

    return {
        "cpu": _cpu_model(),
        "cores": os.cpu_count(),
        "ram_gb": round(_ram_gb(), 1),
        "python": platform.python_version(),
        "duckdb": duckdb.__version__,
        "pandas": pandas.__version__,
        "numpy": numpy.__version__,
        "os": platform.platform(),
        "date": time.strftime("%Y-%m-%d %H:%M %Z"),
        "load_average": [round(x, 2) for x in os.getloadavg()],
    }


# ------------------------------------------------------------------ previous results


def read_previous(path: Path) -> dict:
    """The raw data of the existing results file ({} when there is none); it is kept as
    results.previous.md beside it."""
    from pages_report import embedded_data

    if not path.exists():
        return {}
    text = path.read_text(encoding="utf-8")
    shutil.copyfile(path, path.with_name("results.previous.md"))
    return embedded_data(text, DATA_MARK)


def _medians(record: dict) -> dict:
    return {(m["metric"], m["period"]): m["median"] for m in record.get("ours", {}).get("metrics", [])}


def compare(records: list[dict], previous: dict) -> list[str]:
    """Lines for every metric slower than SLOWDOWN_FLAG x its previous median (same size)."""
    old_by_size = {r["size"]: _medians(r) for r in previous.get("records", [])}
    lines = []
    for record in records:
        old = old_by_size.get(record["size"], {})
        for key, median in _medians(record).items():
            before = old.get(key)
            if before and median > SLOWDOWN_FLAG * before:
                lines.append(
                    f"- **slower**: {record['size']} · {key[0]} · {key[1]}: {_s(before)} → {_s(median)} "
                    f"(+{100 * (median / before - 1):.0f} %)"
                )
    return lines


# ------------------------------------------------------------------ formatting


def _s(seconds: float | None) -> str:
    if seconds is None:
        return "–"
    if seconds < 0.01:
        return f"{seconds * 1000:.1f} ms"
    if seconds < 1:
        return f"{seconds * 1000:.0f} ms"
    return f"{seconds:.2f} s"


def _x(ratio: float | None) -> str:
    return "–" if ratio is None else f"{ratio:.1f}×"


def _agree(ours: dict | None, peer: dict | None) -> str:
    if not ours or not peer:
        return "–"
    differ = [k for k in peer if not _same(ours.get(k), peer.get(k))]
    return "yes" if not differ else "no: " + ", ".join(differ[:4])


def _same(a, b) -> bool:
    if isinstance(a, int | float) and isinstance(b, int | float):
        return abs(a - b) <= 1e-6 * max(1.0, abs(a), abs(b))
    return a == b


def _by_key(metrics: list[dict]) -> dict:
    return {(m["metric"], m["period"]): m for m in metrics}


def _size_section(record: dict, previous_medians: dict) -> list[str]:
    counts = record["counts"]
    lines = [
        f"## {record['size']}: {counts['customers']:,} customers, {counts['managers']:,} managers, "
        f"{counts['orders']:,} order lines, {counts['visits']:,} visits",
        "",
        f"Run {record['date']}, {record['repeat']} timed runs after the first (peer: up to 3); "
        f"database file {record['db_mb']:,.0f} MB; aggregates: {counts['order_days']:,} customer-days, "
        f"{counts['order_months']:,} customer-months.",
        "",
    ]
    ours = record["ours"]
    if "dnf" in ours:
        return [*lines, f"Our worker {ours['dnf']}.", ""]
    periods = ", ".join(f"{k} = {v[0]} … {v[1]}" for k, v in ours["periods"].items())
    lines += [f"Periods: {periods}; as of = {ours['as_of']}.", ""]
    peer = record["peer"]
    peer_metrics = _by_key(peer.get("metrics", []))
    floors = _by_key([m for m in ours["metrics"] if m["metric"] == "floor"])
    lines += [
        "| metric | period | first | median | min–max | RSS Δ | peer | peer + read | peer ÷ ours "
        "| (peer + read) ÷ ours | ours ÷ floor | same figures | vs previous |",
        "|---|---|--:|--:|--:|--:|--:|--:|--:|--:|--:|---|--:|",
    ]
    for m in ours["metrics"]:
        key = (m["metric"], m["period"])
        p = peer_metrics.get(key)
        floor = floors.get(("floor", m["period"]))
        before = previous_medians.get(key)
        change = f"{100 * (m['median'] / before - 1):+.0f} %" if before else "–"
        if before and m["median"] > SLOWDOWN_FLAG * before:
            change = f"**{change}**"
        label = m["metric"] if "rows_per_s" not in m else f"{m['metric']} ({m['rows_per_s']:,.0f} rows/s)"
        peer_cell = (
            _s(p["median"])
            if p
            else ("did not finish" if "dnf" in peer and m["metric"] in _peer_names() else "–")
        )
        lines.append(
            f"| {label} | {m['period']} | {_s(m['first'])} | {_s(m['median'])} "
            f"| {_s(m['min'])}–{_s(m['max'])} "
            f"| {m['rss_delta_mb']:.0f} MB | {peer_cell} | {_s(p['with_load']) if p else '–'} "
            f"| {_x(p['median'] / m['median']) if p else '–'} "
            f"| {_x(p['with_load'] / m['median']) if p else '–'} "
            f"| {_x(m['median'] / floor['median']) if floor and m['metric'] not in NOT_TIMED else '–'} "
            f"| {_agree(m.get('figures'), p.get('figures')) if p else '–'} | {change} |"
        )
    lines.append("")
    lines.append(f"Our process: peak memory (ru_maxrss) **{ours['peak_rss_mb']:,.0f} MB**.")
    if "dnf" in peer:
        lines.append(f"pandas peer: {peer['dnf']}.")
    else:
        reads = ", ".join(f"{t} {_s(s)}" for t, s in peer["load_seconds"].items())
        lines.append(
            "pandas peer: tables read with `SELECT <needed columns> … .df()` in "
            f"{_s(peer['load_total'])} ({reads}); "
            f"memory after reading {peer['rss_after_load_mb']:,.0f} MB, peak {peer['peak_rss_mb']:,.0f} MB."
        )
    for name, note in ours.get("skipped", {}).items():
        lines.append(f"- skipped **{name}**: {note}")
    return [*lines, ""]


def _peer_names() -> set[str]:
    return {
        "pareto_summary",
        "pareto_detail",
        "abc_migration",
        "overview_tiles",
        "scorecard",
        "retention_table",
        "warnings_rules",
    }


# ------------------------------------------------------------------ targets


def targets(records: list[dict]) -> list[str]:
    by_size = {r["size"]: r for r in records}
    lines = ["| target | where it stands |", "|---|---|"]
    for size, limit in TARGETS_S.items():
        record = by_size.get(size)
        if not record or "dnf" in record["ours"]:
            lines.append(f"| {size}: every metric under {limit:g} s | not measured |")
            continue
        timed = [m for m in record["ours"]["metrics"] if m["metric"] not in (*NOT_TIMED, *LONG_WORK)]
        over = [f"{m['metric']} ({m['period']}) {_s(m['median'])}" for m in timed if m["median"] >= limit]
        worst = max(timed, key=lambda m: m["median"])
        verdict = "**met**" if not over else "**missed**: " + "; ".join(over)
        lines.append(
            f"| {size}: every metric under {limit:g} s (median) | {verdict} "
            f"(slowest {worst['metric']} {worst['period']} {_s(worst['median'])}) |"
        )
        for m in record["ours"]["metrics"]:
            if m["metric"] in LONG_WORK:
                lines.append(
                    f"| {size}: {m['metric']} (long work, once per data version, with progress) | "
                    f"reported: first {_s(m['first'])}, median {_s(m['median'])} |"
                )
    for record in records:
        for m in record["ours"].get("metrics", []):
            if m["metric"] == "csv_import":
                ok = m["rows_per_s"] >= IMPORT_TARGET
                lines.append(
                    f"| {record['size']}: import ≥ {IMPORT_TARGET:,} rows/s | "
                    f"{'**met**' if ok else '**missed**'}: {m['rows_per_s']:,.0f} rows/s |"
                )
        if "csv_import" in record["ours"].get("skipped", {}):
            lines.append(
                f"| {record['size']}: import ≥ {IMPORT_TARGET:,} rows/s | not measured: "
                f"{record['ours']['skipped']['csv_import']} |"
            )
    lines += [
        _peer_target(by_size.get("province")),
        *_floor_targets(records),
        _memory_target(by_size.get("province")),
    ]
    return lines


def _peer_target(record: dict | None) -> str:
    if not record or "dnf" in record["ours"]:
        return f"| province: ≥ {PEER_TARGET:g}× faster than the pandas peer | not measured |"
    if "dnf" in record["peer"]:
        return (
            f"| province: ≥ {PEER_TARGET:g}× faster than the pandas peer | **met**: the peer "
            f"{record['peer']['dnf']} |"
        )
    peer = _by_key(record["peer"]["metrics"])
    ratios = [
        (peer[(m["metric"], m["period"])]["median"] / m["median"], m)
        for m in record["ours"]["metrics"]
        if (m["metric"], m["period"]) in peer
    ]
    worst, metric = min(ratios, key=lambda r: r[0])
    verdict = "**met**" if worst >= PEER_TARGET else "**missed**"
    return (
        f"| province: ≥ {PEER_TARGET:g}× faster than the pandas peer | {verdict}: lowest ratio "
        f"{_x(worst)} ({metric['metric']} {metric['period']}, peer without reading the tables) |"
    )


def _floor_targets(records: list[dict]) -> list[str]:
    lines = []
    for record in records:
        if record["size"] not in TARGETS_S:  # small: a scan of a few ms, fixed costs dominate any ratio
            continue
        metrics = _by_key(record["ours"].get("metrics", []))
        for (name, period), m in metrics.items():
            floor = metrics.get(("floor", period))
            if name == "pareto_summary" and floor:
                ratio = m["median"] / floor["median"]
                verdict = "**met**" if ratio <= FLOOR_TARGET else "**missed**"
                lines.append(
                    f"| {record['size']}: 80/20 summary within {FLOOR_TARGET:g}× of the scan floor "
                    f"({period}) | {verdict}: {_x(ratio)} ({_s(m['median'])} vs {_s(floor['median'])}) |"
                )
    return lines


def _memory_target(record: dict | None) -> str:
    if not record or "dnf" in record["ours"]:
        return f"| province: peak memory under {MEMORY_TARGET_MB // 1024} GB | not measured |"
    peak = record["ours"]["peak_rss_mb"]
    verdict = "**met**" if peak < MEMORY_TARGET_MB else "**missed**"
    return f"| province: peak memory under {MEMORY_TARGET_MB // 1024} GB | {verdict}: {peak:,.0f} MB |"


# ------------------------------------------------------------------ the file


HOW_TO_READ = """\
How to read: every time is wall-clock seconds of one call of the analytics function, with no
Streamlit cache. *first* = the first call on a fresh DuckDB connection (DuckDB's buffer pool
cold, the operating system's file cache warm); *median* and *min–max* = the further calls in the
same process. *RSS Δ* = the highest resident memory seen during the first call minus the memory
before it. *peer* = the same figures in pandas on tables already read (a dashboard's
`st.cache_data` hit: what each filter change costs); *peer + read* adds the
`SELECT <needed columns> … .df()` of the tables that figure needs (a cache miss: the first view
after a data change). *floor* = one
DuckDB scan of the order lines grouped by customer for the period (`floor_order_days`: the same
on the pre-aggregated customer-days). *same figures* compares a few figures of ours and of the
peer (counts, sums, shares). As-of metrics (warnings, risk, overdue) use the last data day.
The machine is shared: the load average at the start is given, and spreads show the noise."""


def write(path: Path, machine_info: dict, records: list[dict], previous: dict) -> None:
    from pages_report import data_comment

    kept = [r for r in previous.get("records", []) if r["size"] not in {x["size"] for x in records}]
    all_records = sorted([*records, *kept], key=lambda r: ["small", "city", "province"].index(r["size"]))
    previous_by_size = {r["size"]: _medians(r) for r in previous.get("records", [])}
    m = machine_info
    lines = [
        "# Benchmark results",
        "",
        f"Written by `python benchmarks/run.py` on {m['date']}.",
        "",
        "## Machine",
        "",
        f"- CPU: {m['cpu']}, {m['cores']} cores; RAM {m['ram_gb']} GB; {m['os']}",
        f"- Python {m['python']}, DuckDB {m['duckdb']}, pandas {m['pandas']}, numpy {m['numpy']}",
        f"- load average at the start: {', '.join(str(x) for x in m['load_average'])} "
        "(the machine is shared with other work)",
        "",
        HOW_TO_READ,
        "",
        "## Targets",
        "",
        *targets(all_records),
        "",
    ]
    slower = compare(records, previous)
    lines += ["## Change since the previous results", ""]
    if not previous:
        lines.append("No previous results to compare with.")
    elif slower:
        lines += [
            f"Metrics more than {100 * (SLOWDOWN_FLAG - 1):.0f} % slower (median) than in "
            "results.previous.md:",
            "",
            *slower,
        ]
    else:
        lines.append(
            f"No metric is more than {100 * (SLOWDOWN_FLAG - 1):.0f} % slower than in results.previous.md."
        )
    lines.append("")
    for record in all_records:
        if record in kept:
            lines += [f"(from an earlier run, {record['date']})", ""]
        lines += _size_section(record, previous_by_size.get(record["size"], {}) if record not in kept else {})
    lines += _pages_section(path)
    data = {"machine": machine_info, "records": all_records}
    lines += [*data_comment(DATA_MARK, data), ""]
    path.write_text("\n".join(lines), encoding="utf-8")


def _pages_section(path: Path) -> list[str]:
    """The browser timings (benchmarks/pages.py) as they stand in the file: another run's section,
    carried over when the metric timings are written."""
    from pages_report import END, START

    text = path.read_text(encoding="utf-8") if path.exists() else ""
    if START not in text or END not in text:
        return []
    section = text[text.index(START) : text.index(END) + len(END)]
    return [*section.splitlines(), ""]
