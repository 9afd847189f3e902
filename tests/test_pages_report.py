"""The "Pages in the browser" section of results.md: new-tab and in-app medians per page, the
floor of the same run, the targets, and the comparison with the previous run."""

from benchmarks.pages import PageTiming, SizeRun
from benchmarks.pages_report import END, START, read_data, write_section


def city_run(warnings_loads: list[float]) -> dict:
    run = SizeRun("city", "2026-12-02 14:00 UTC", [1.0, 1.2, 1.5], first_page=2.6, peak_rss_mb=900.0)
    run.floor = PageTiming("floor", loads=[1.7, 1.5, 1.6], kilobytes=[1.0] * 3, in_app=[0.3, 0.5])
    run.chart_floor = PageTiming("floor with a chart", loads=[3.0, 2.4, 2.6], kilobytes=[9.0] * 3, charts=1)
    run.pages = [
        PageTiming(
            "warnings", loads=warnings_loads, kilobytes=[280.0, 281.0, 280.0], in_app=[0.9, 1.7], charts=2
        ),
        PageTiming("visits", loads=[1.9, 1.4, 1.5], kilobytes=[50.0] * 3, in_app=[0.4, 0.6]),
    ]
    return run.as_dict()


def row_of(text: str, page: str) -> list[str]:
    line = next(line for line in text.splitlines() if line.startswith(f"| {page} |"))
    return [cell.strip() for cell in line.strip("|").split("|")]


def test_section_shows_new_tab_in_app_and_floor(tmp_path):
    results = tmp_path / "results.md"
    results.write_text("# Benchmark results\n\nmetric tables\n", encoding="utf-8")
    write_section(results, [city_run([5.0, 3.0, 4.0])], {"city": 1.5}, 5.0)
    text = results.read_text(encoding="utf-8")
    assert text.startswith("# Benchmark results\n\nmetric tables\n") and START in text and END in text
    # The floor: medians of the warm new-tab loads (1.5, 1.6) and of the in-app clicks (0.3, 0.5).
    assert "new tab **1.55 s** (1.50–1.60 s), in-app **0.40 s** (0.30–0.50 s)" in text
    # cold, warm median, warm spread, in-app median, in-app spread, verdicts (new tab / in-app).
    assert row_of(text, "warnings")[1:7] == [
        "5.00 s",
        "3.50 s",
        "3.00–4.00 s",
        "1.30 s",
        "0.90–1.70 s",
        "**missed** / met",
    ]
    assert row_of(text, "visits")[6] == "met / met"
    # Warnings drew charts: over the chart floor's 2.5 s; visits drew none: over the bare 1.55 s.
    assert "Floor with a chart: new tab **2.50 s** (2.40–2.60 s)" in text
    assert row_of(text, "warnings")[7:9] == ["2", "+1.00 s"]
    assert row_of(text, "visits")[7:9] == ["0", "-0.10 s"]
    assert read_data(results)["runs"][0]["pages"][0]["in_app_median"] == 1.3


def test_second_run_compares_with_the_first(tmp_path):
    results = tmp_path / "results.md"
    write_section(results, [city_run([5.0, 3.0, 4.0])], {"city": 1.5}, 5.0)
    write_section(results, [city_run([4.0, 1.4, 1.4])], {"city": 1.5}, 5.0)
    text = results.read_text(encoding="utf-8")
    assert text.count(START) == 1
    warnings = row_of(text, "warnings")
    assert warnings[2] == "1.40 s" and warnings[6] == "met / met"
    assert warnings[9:11] == ["3.50 s", "-60 %"]  # the previous warm median and the change
