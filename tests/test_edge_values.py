"""The second line of defence: whatever a store already holds — a date at the edges of DuckDB's
range, a customer of NULLs, nothing at all — every command and page answers with figures or a
clear message, never a traceback."""

from __future__ import annotations

from datetime import date, datetime
from pathlib import Path

import pytest

from analytics import db
from analytics.__main__ import main
from analytics.filters import clamp_period
from analytics.i18n import t
from tests.conftest import app_test, insert

PAGES = (
    "pages/overview.py",
    "pages/pareto.py",
    "pages/warnings.py",
    "pages/retention.py",
    "pages/scorecards.py",
    "pages/visits.py",
    "pages/import_data.py",
    "pages/settings.py",
)
COMMANDS = (
    ["pareto", "--summary"],
    ["pareto"],
    ["classes"],
    ["retention"],
    ["scorecard"],
    ["overdue", "--manager", "M001"],
    ["warnings"],
    ["export", "--table", "orders", "--out", "{tmp}/orders.csv"],
)


@pytest.fixture(scope="module")
def edge_store(tmp_path_factory) -> Path:
    """A small demo book plus orders and visits on 0001-01-01 and 9999-12-31 and a customer
    whose every field but the id is NULL."""
    from analytics.generator import generate_demo

    path = tmp_path_factory.mktemp("edge") / "edge.duckdb"
    con = db.connect(path)
    generate_demo(con, customers=150, managers=4, months=13, seed=5)
    insert(con, "customers", [{"customer_id": "NULLS"}])
    orders = [
        {"order_id": "E1", "customer_id": "NULLS", "order_date": date(9999, 12, 31), "amount": 5.0},
        {"order_id": "E2", "customer_id": "NULLS", "order_date": date(1, 1, 1), "amount": 7.0},
        {"order_id": "E3", "customer_id": "330102000001", "order_date": date(9999, 12, 31), "amount": 1.0},
    ]
    insert(con, "orders", orders)
    visits = [
        {
            "visit_id": "V9",
            "customer_id": "NULLS",
            "manager_id": "M001",
            "visit_date": datetime(9999, 12, 31, 23),
        },
        {
            "visit_id": "V0",
            "customer_id": "330102000001",
            "manager_id": "M001",
            "visit_date": datetime(1, 1, 1),
        },
    ]
    insert(con, "visits", visits)
    db.close_all()
    return path


def test_the_default_period_never_reaches_an_impossible_date(edge_store):
    con = db.connect(edge_store)
    first, last = db.data_range(con)
    assert db.PLAUSIBLE_DATES[0] <= first <= last <= db.PLAUSIBLE_DATES[1]
    assert last.year < 2100
    assert db.scalar(con, "SELECT max(order_date) FROM orders") == date(9999, 12, 31)
    db.close_all()


@pytest.mark.parametrize("argv", COMMANDS, ids=lambda argv: " ".join(argv[:2]))
def test_every_command_answers_on_a_store_with_edge_values(edge_store, argv, tmp_path, capsys):
    code = main([a.format(tmp=tmp_path) for a in argv] + ["--db", str(edge_store)])
    out, err = capsys.readouterr()
    db.close_all()
    assert code == 0, err
    assert "Traceback" not in err
    if argv[0] != "export":
        assert out.count("\n") >= 1  # at least the header


@pytest.mark.parametrize("argv", COMMANDS, ids=lambda argv: " ".join(argv[:2]))
def test_every_command_answers_on_an_empty_store(empty_db_path, argv, tmp_path, capsys):
    code = main([a.format(tmp=tmp_path) for a in argv] + ["--db", str(empty_db_path)])
    err = capsys.readouterr().err
    db.close_all()
    assert code == 0, err


@pytest.mark.parametrize("bound", ["0001-01-01", "9999-12-31"])
def test_an_impossible_date_on_the_command_line_is_a_usage_error(edge_store, bound, capsys):
    with pytest.raises(SystemExit) as stop:
        main(["retention", "--start", bound, "--db", str(edge_store)])
    assert stop.value.code == 2
    assert "outside 1900-01-01" in capsys.readouterr().err


def test_an_unexpected_failure_is_a_message_with_exit_status_2(edge_store, monkeypatch, capsys):
    from analytics import pareto

    def broken(*args, **kwargs):
        raise OverflowError("date value out of range")

    monkeypatch.setattr(pareto, "pareto_summary", broken)
    assert main(["pareto", "--summary", "--db", str(edge_store)]) == 2
    err = capsys.readouterr().err
    db.close_all()
    assert "unexpected error (OverflowError: date value out of range)" in err
    assert "Traceback" not in err


@pytest.mark.parametrize("page", PAGES)
def test_every_page_shows_a_store_with_edge_values(edge_store, page):
    at = app_test(page, edge_store)
    db.close_all()
    assert not at.exception, [e.message for e in at.exception]


# Pages whose sections are tabs drawn only when opened: each tab is opened in turn.
LAZY_TABS = {
    "pages/visits.py": ("visits-section", ("tab_never", "tab_calendar", "tab_methods"), "visits"),
    "pages/warnings.py": (
        "warnings-section",
        ("tab_list", "tab_model", "tab_effect", "tab_counts"),
        "warnings",
    ),
    "pages/scorecards.py": (
        "scorecard-chart-tab",
        ("tab_teams", "compare", "col_score", "trend"),
        "scorecard",
    ),
}


@pytest.mark.parametrize("page", LAZY_TABS)
def test_every_tab_shows_a_store_with_edge_values(edge_store, page):
    key, labels, area = LAZY_TABS[page]
    at = app_test(page, edge_store, "en")
    for label in labels:
        at.session_state[key] = t(f"{area}.{label}", "en")
        at.run()
        assert not at.exception, (label, [e.message for e in at.exception])
    db.close_all()


# ------------------------------------------------------------------ a period from a saved link

SPAN = (date(2024, 3, 5), date(2025, 12, 20))


@pytest.mark.parametrize(
    ("start", "end", "expected"),
    [
        # wholly after the data (a saved link from the future): the latest full month
        (date(2030, 1, 1), date(2030, 1, 31), (date(2025, 11, 1), date(2025, 11, 30))),
        # wholly before: the same
        (date(2020, 1, 1), date(2020, 2, 1), (date(2025, 11, 1), date(2025, 11, 30))),
        # overlapping either end: the part inside
        (date(2025, 12, 1), date(2026, 1, 5), (date(2025, 12, 1), date(2025, 12, 20))),
        (date(2024, 1, 1), date(2024, 4, 1), (date(2024, 3, 5), date(2024, 4, 1))),
        # inside: unchanged; the wrong way round: swapped
        (date(2025, 2, 1), date(2025, 2, 28), (date(2025, 2, 1), date(2025, 2, 28))),
        (date(2025, 2, 28), date(2025, 2, 1), (date(2025, 2, 1), date(2025, 2, 28))),
    ],
)
def test_a_period_is_made_to_fit_the_data(start, end, expected):
    assert clamp_period(start, end, SPAN) == expected


def test_a_period_fits_data_shorter_than_a_month():
    short = (date(2025, 12, 10), date(2025, 12, 20))
    assert clamp_period(date(2030, 1, 1), date(2030, 1, 2), short) == short


def test_without_data_a_period_is_kept():
    assert clamp_period(date(2030, 1, 1), date(2030, 1, 31), None) == (date(2030, 1, 1), date(2030, 1, 31))


def _open_saved_link_for_january_2030(store):
    """dashboard.py under AppTest on `store`, opened by a saved link with a custom period of
    January 2030 (in English)."""
    import os

    from streamlit.testing.v1 import AppTest

    from tests.conftest import ROOT

    os.environ["DASHBOARD_DB"] = str(store)
    at = AppTest.from_file(str(ROOT / "dashboard.py"), default_timeout=120)
    at.session_state["lang"] = "en"
    at.query_params["period"] = "custom"
    at.query_params["start"] = "2030-01-01"
    at.query_params["end"] = "2030-01-31"
    at.run()
    db.close_all()
    return at


def test_a_saved_link_with_a_period_outside_the_data_shows_the_page(edge_store):
    at = _open_saved_link_for_january_2030(edge_store)
    assert not at.exception, [e.message for e in at.exception]


def test_a_saved_link_with_a_period_after_the_data_shows_the_latest_full_month(demo_db_path):
    """The link of the issue on an ordinary book (data ending well before 2030): the page shows,
    with the latest full month of the data and a note, not `StreamlitValueBelowMinError`."""
    from analytics.filters import latest_full_month

    span = db.data_range(db.connect(demo_db_path))
    db.close_all()
    at = _open_saved_link_for_january_2030(demo_db_path)
    assert span[1] < date(2030, 1, 1)
    assert not at.exception, [e.message for e in at.exception]
    assert tuple(at.sidebar.date_input[0].value) == latest_full_month(span[1])
    assert any("2030-01-01" in str(c.value) for c in at.sidebar.caption)  # says what the link asked
