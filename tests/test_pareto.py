"""80/20 figures on a hand-built book whose answers were worked out on paper, and the CLI."""

from datetime import date

import pandas as pd
import pytest

from analytics import pareto, sql
from analytics.__main__ import main as cli_main
from analytics.filters import Filters
from tests.conftest import insert

MARCH = Filters(start=date(2025, 3, 1), end=date(2025, 3, 31))  # whole month: order_months
EARLY_MARCH = Filters(start=date(2025, 3, 1), end=date(2025, 3, 15))  # part of a month: order_days
SETTINGS = {"abc": {"a_share": 0.80, "b_share": 0.95}}


def order(customer, day, amount, product="P1", quantity=1.0, cost=None, order_id=None):
    return {
        "order_id": order_id or f"{customer}-{day}-{product}-{amount}",
        "customer_id": customer,
        "order_date": day,
        "product": product,
        "quantity": quantity,
        "amount": amount,
        "cost": cost,
    }


@pytest.fixture
def book(con):
    """March 2025 (amount): a 500, b 200, c 150, d 100, e 50; h returns more than it buys (−20);
    g is open and buys nothing; f is closed. February: g 600, b 300, a 60, c 40."""
    insert(
        con,
        "managers",
        [
            {"manager_id": "M1", "manager_name": "王伟", "team": "East", "region": "R1"},
            {"manager_id": "M2", "manager_name": "李娜", "team": "West", "region": "R2"},
        ],
    )
    insert(
        con,
        "customers",
        [
            {
                "customer_id": "a",
                "customer_name": "A店",
                "manager_id": "M1",
                "region": "R1",
                "customer_class": "core",
                "market_type": "city",
                "status": "active",
            },
            {
                "customer_id": "b",
                "customer_name": "B店",
                "manager_id": "M1",
                "region": "R1",
                "customer_class": "potential",
                "market_type": "town",
                "status": "active",
            },
            {
                "customer_id": "c",
                "customer_name": "C店",
                "manager_id": "M1",
                "region": "R1",
                "customer_class": "regular",
                "market_type": "town",
                "status": "active",
            },
            {
                "customer_id": "d",
                "customer_name": "D店",
                "manager_id": "M2",
                "region": "R2",
                "customer_class": "regular",
                "market_type": "rural",
                "status": "active",
            },
            {
                "customer_id": "e",
                "customer_name": "E店",
                "manager_id": "M2",
                "region": "R2",
                "customer_class": "assist",
                "market_type": "rural",
                "status": "active",
            },
            {
                "customer_id": "f",
                "customer_name": "F店",
                "manager_id": "M2",
                "region": "R2",
                "customer_class": "regular",
                "status": "closed",
            },
            {
                "customer_id": "g",
                "customer_name": "G店",
                "manager_id": "M2",
                "region": "R2",
                "customer_class": "regular",
                "status": "active",
            },
            {
                "customer_id": "h",
                "customer_name": "H店",
                "manager_id": "M1",
                "region": "R1",
                "customer_class": "regular",
                "status": None,
            },
        ],
    )
    insert(
        con,
        "orders",
        [
            order("a", date(2025, 3, 3), 300.0, "P1", 1.0, cost=270.0),
            order("a", date(2025, 3, 3), 200.0, "P2", 1.0, cost=180.0),
            order("b", date(2025, 3, 10), 200.0, "P1", 5.0),
            order("c", date(2025, 3, 20), 150.0, "P3", 1.0, cost=120.0),
            order("d", date(2025, 3, 25), 100.0, "P2", 1.0),
            order("e", date(2025, 3, 31), 50.0, "P3", 1.0),
            order("h", date(2025, 3, 5), 30.0, "P1", 1.0),
            order("h", date(2025, 3, 6), -50.0, "P1", 0.0),
            order("g", date(2025, 2, 3), 600.0, "P1", 2.0),
            order("b", date(2025, 2, 10), 300.0, "P1", 1.0),
            order("a", date(2025, 2, 11), 60.0, "P2", 1.0),
            order("c", date(2025, 2, 12), 40.0, "P3", 1.0),
        ],
    )
    return con


# ------------------------------------------------------------------ customers and summary


def test_customer_ranking_by_hand(book):
    values = pareto.customer_values(book, MARCH, settings=SETTINGS)
    assert values["customer_id"].tolist() == ["a", "b", "c", "d", "e"]  # h (−20) is not a buyer
    assert values["rank"].tolist() == [1, 2, 3, 4, 5]
    assert values["value"].tolist() == [500.0, 200.0, 150.0, 100.0, 50.0]
    assert values["share"].tolist() == pytest.approx([0.5, 0.2, 0.15, 0.1, 0.05])
    assert values["cum_share"].tolist() == pytest.approx([0.5, 0.7, 0.85, 0.95, 1.0])
    # before: 0, .5, .7 -> A; .85 -> B; .95 is not < .95 -> C
    assert values["abc"].tolist() == ["A", "A", "A", "B", "C"]
    assert values["manager_name"].tolist()[:2] == ["王伟", "王伟"]


def test_summary_by_hand(book):
    summary = pareto.pareto_summary(book, MARCH, settings=SETTINGS)
    assert summary.buyers == 5
    assert summary.total_value == 1000.0
    assert summary.top20_share == pytest.approx(0.5)  # ceil(0.2 * 5) = 1 customer: 500
    assert summary.pct_customers_for_80 == pytest.approx(0.6)  # a, b, c reach 85%
    # ascending 50, 100, 150, 200, 500 with weights -4, -2, 0, 2, 4: 2000 / (5 * 1000)
    assert summary.gini == pytest.approx(0.4)
    assert (summary.a_count, summary.b_count, summary.c_count) == (3, 1, 1)
    assert summary.non_buyers == 2  # g and h (open, NULL status); f is closed


def test_day_aggregate_for_part_of_a_month(book):
    summary = pareto.pareto_summary(book, EARLY_MARCH, settings=SETTINGS)
    assert summary.buyers == 2  # a 500, b 200; h net −20
    assert summary.top20_share == pytest.approx(500 / 700)
    assert summary.gini == pytest.approx((-200 + 500) / (2 * 700))
    assert summary.non_buyers == 5  # c, d, e, g, h (open, no positive value)
    assert not pareto.whole_months(EARLY_MARCH.start, EARLY_MARCH.end)  # reads order_days
    assert pareto.whole_months(MARCH.start, MARCH.end)  # reads order_months


def test_value_in_range_reads_months_for_whole_months():
    months = sql.render("pareto/customer_values", filters=MARCH, months=True, metric="profit")
    days = sql.render("pareto/customer_values", filters=EARLY_MARCH, months=False)
    assert "FROM order_months o WHERE o.month BETWEEN $start AND $end" in months
    assert "sum(o.amount - o.cost)" in months and "order_days" not in months
    assert "FROM order_days o WHERE o.order_date BETWEEN $start AND $end" in days
    assert "sum(o.amount)" in days and "order_months" not in days


def test_ties_are_broken_by_customer_id_and_exact_80_percent(con):
    insert(con, "customers", [{"customer_id": cid, "status": "active"} for cid in ("z", "y", "x", "w")])
    # 0.7 + 0.1 is 0.7999999999999999 in floating point: the 80% line must still count as reached.
    insert(
        con,
        "orders",
        [
            order("z", date(2025, 3, 2), 0.7),
            order("y", date(2025, 3, 2), 0.1),
            order("x", date(2025, 3, 2), 0.1),
            order("w", date(2025, 3, 2), 0.1),
        ],
    )
    values = pareto.customer_values(con, MARCH, settings=SETTINGS)
    assert values["customer_id"].tolist() == ["z", "w", "x", "y"]
    assert values["abc"].tolist() == ["A", "A", "B", "B"]  # before .8 is not < .8; .9 < .95
    summary = pareto.pareto_summary(con, MARCH, settings=SETTINGS)
    assert summary.pct_customers_for_80 == pytest.approx(0.5)
    assert summary.top20_share == pytest.approx(0.7)


def test_single_customer(con):
    insert(con, "customers", [{"customer_id": "solo", "status": "active"}])
    insert(con, "orders", [order("solo", date(2025, 3, 9), 80.0)])
    summary = pareto.pareto_summary(con, MARCH, settings=SETTINGS)
    assert (summary.buyers, summary.total_value) == (1, 80.0)
    assert summary.top20_share == 1.0 and summary.pct_customers_for_80 == 1.0
    assert summary.gini == 0.0
    assert (summary.a_count, summary.b_count, summary.c_count, summary.non_buyers) == (1, 0, 0, 0)


def test_empty_period(book):
    empty = Filters(start=date(2030, 1, 1), end=date(2030, 1, 31))
    summary = pareto.pareto_summary(book, empty, settings=SETTINGS)
    assert summary == pareto.ParetoSummary(0, 0.0, None, None, None, 0, 0, 0, 7)  # every open customer
    assert pareto.customer_values(book, empty, settings=SETTINGS).empty


def test_empty_database(con):
    summary = pareto.pareto_summary(con, MARCH, settings=SETTINGS)
    assert summary == pareto.ParetoSummary(0, 0.0, None, None, None, 0, 0, 0, 0)


def test_quantity_with_ties(book):
    # b 5; a 2 (two lines); c, d, e 1 each (tie -> id); h 1 + 0
    values = pareto.customer_values(book, MARCH, "quantity", settings=SETTINGS)
    assert values["customer_id"].tolist() == ["b", "a", "c", "d", "e", "h"]
    assert values["value"].tolist() == [5.0, 2.0, 1.0, 1.0, 1.0, 1.0]
    summary = pareto.pareto_summary(book, MARCH, "quantity", settings=SETTINGS)
    assert summary.buyers == 6 and summary.total_value == 11.0
    assert summary.top20_share == pytest.approx(7 / 11)  # ceil(1.2) = 2: b + a
    assert summary.pct_customers_for_80 == pytest.approx(4 / 6)  # 5, 7, 8, 9 of 11 -> 9/11 at rank 4
    # ascending 1,1,1,1,2,5 with weights -5,-3,-1,1,3,5: -5-3-1+1+6+25 = 23
    assert summary.gini == pytest.approx(23 / (6 * 11))


def test_profit_counts_only_orders_with_cost(book):
    values = pareto.customer_values(book, MARCH, "profit", settings=SETTINGS)
    assert values["customer_id"].tolist() == ["a", "c"]
    assert values["value"].tolist() == pytest.approx([50.0, 30.0])
    assert pareto.available_metrics(book) == ("amount", "quantity", "profit")


def test_profit_not_offered_without_cost(con):
    insert(con, "customers", [{"customer_id": "a"}])
    insert(con, "orders", [order("a", date(2025, 3, 9), 80.0)])
    assert pareto.available_metrics(con) == ("amount", "quantity")
    with pytest.raises(ValueError):
        pareto.customer_values(con, MARCH, "margin")


def test_scope_filter(book):
    west = Filters(start=MARCH.start, end=MARCH.end, teams=("West",))
    summary = pareto.pareto_summary(book, west, settings=SETTINGS)
    assert (summary.buyers, summary.total_value) == (2, 150.0)
    assert summary.top20_share == pytest.approx(100 / 150)
    assert summary.pct_customers_for_80 == 1.0
    assert summary.gini == pytest.approx(50 / 300)
    assert (summary.a_count, summary.non_buyers) == (2, 1)  # d before 0, e before 2/3; g


def test_customers_missing_from_the_customers_table_are_left_out(book):
    insert(book, "orders", [order("stranger", date(2025, 3, 4), 10_000.0)])
    assert pareto.pareto_summary(book, MARCH, settings=SETTINGS).total_value == 1000.0


# ------------------------------------------------------------------ groups and months


def test_concentration_by_team(book):
    frame = pareto.concentration_by_group(book, MARCH, "team", settings=SETTINGS).set_index("group")
    east, west = frame.loc["East"], frame.loc["West"]
    assert (east["buyers"], east["total_value"]) == (3, 850.0)
    assert east["top20_share"] == pytest.approx(500 / 850)
    assert east["pct_customers_for_80"] == pytest.approx(2 / 3)  # 500, 700 of 850 = 82%
    assert east["gini"] == pytest.approx(700 / (3 * 850))  # -2*150 + 0 + 2*500
    assert (east["a_count"], east["b_count"], east["c_count"], east["non_buyers"]) == (2, 1, 0, 1)
    assert (west["buyers"], west["total_value"], west["a_count"], west["non_buyers"]) == (2, 150.0, 2, 1)
    assert frame.index.tolist() == ["East", "West"]  # by total value


def test_concentration_by_class_and_manager(book):
    by_class = pareto.concentration_by_group(book, MARCH, "customer_class", settings=SETTINGS).set_index(
        "group"
    )
    regular = by_class.loc["regular"]
    assert (regular["buyers"], regular["total_value"]) == (2, 250.0)  # c 150, d 100
    assert regular["non_buyers"] == 2  # g and h; f closed
    assert by_class.loc["core", "gini"] == 0.0
    by_manager = pareto.concentration_by_group(book, MARCH, "manager", settings=SETTINGS)
    assert dict(zip(by_manager["group"], by_manager["group_name"], strict=True)) == {
        "M1": "王伟",
        "M2": "李娜",
    }


def test_concentration_by_group_keeps_groups_without_buyers(book):
    frame = pareto.concentration_by_group(book, MARCH, "market_type", settings=SETTINGS)
    unknown = frame[frame["group"].isna()].iloc[0]
    assert unknown["buyers"] == 0 and pd.isna(unknown["gini"]) and unknown["non_buyers"] == 2  # g, h


def test_monthly_concentration(book):
    frame = pareto.monthly_concentration(book, MARCH, months=3, settings=SETTINGS)
    assert frame["month"].dt.strftime("%Y-%m").tolist() == ["2025-01", "2025-02", "2025-03"]
    assert frame["buyers"].tolist() == [0, 4, 5]
    assert pd.isna(frame.loc[0, "gini"])
    february = frame.iloc[1]
    assert february["top20_share"] == pytest.approx(0.6)  # ceil(0.8) = 1: g 600 of 1000
    # ascending 40, 60, 300, 600 with weights -3, -1, 1, 3: 1920 / (4 * 1000)
    assert february["gini"] == pytest.approx(0.48)
    assert frame.iloc[2]["gini"] == pytest.approx(0.4)


# ------------------------------------------------------------------ ABC migration


def test_abc_migration_from_the_previous_period(book):
    # previous period of March = February: g 600 (A), b 300 (A), a 60 (B), c 40 (C)
    moves = pareto.abc_transitions(book, MARCH, settings=SETTINGS).set_index("customer_id")
    assert moves["previous_abc"].to_dict() == {
        "a": "B",
        "b": "A",
        "c": "C",
        "d": "none",
        "e": "none",
        "g": "A",
    }
    assert moves["current_abc"].to_dict() == {"a": "A", "b": "A", "c": "A", "d": "B", "e": "C", "g": "none"}
    assert moves.loc["g", "change"] == -600.0
    matrix = pareto.abc_migration(book, MARCH, settings=SETTINGS)
    cells = {(r.previous_abc, r.current_abc): r.customers for r in matrix.itertuples()}
    assert cells == {
        ("A", "A"): 1,
        ("A", "none"): 1,
        ("B", "A"): 1,
        ("C", "A"): 1,
        ("none", "B"): 1,
        ("none", "C"): 1,
    }
    assert matrix["lost_value"].sum() == 600.0  # only g fell from A


def test_lost_value_of_a_customer_falling_from_a_to_b(con):
    insert(con, "customers", [{"customer_id": cid} for cid in ("p", "q")])
    insert(
        con,
        "orders",
        [
            order("p", date(2025, 2, 10), 100.0),
            order("q", date(2025, 2, 10), 100.0),  # both A
            order("p", date(2025, 3, 10), 900.0),
            order("q", date(2025, 3, 10), 40.0),  # q: before 900/940 -> C
        ],
    )
    matrix = pareto.abc_migration(con, MARCH, settings=SETTINGS).set_index(["previous_abc", "current_abc"])
    assert matrix.loc[("A", "C"), "lost_value"] == 60.0
    assert matrix.loc[("A", "A"), "lost_value"] == 0.0


def test_migration_overview_grid_and_cell(book):
    overview = pareto.migration_overview(book, MARCH, settings=SETTINGS)
    assert (overview.lost_value, overview.fell_from_a) == (600.0, 1)  # g: A -> none
    counts = overview.counts
    assert counts.index.tolist() == counts.columns.tolist() == ["A", "B", "C", "none"]
    assert counts.loc["A", "none"] == 1 and counts.loc["C", "A"] == 1 and counts.loc["B", "B"] == 0
    assert int(counts.to_numpy().sum()) == 6 and counts.dtypes.eq(int).all()
    assert pareto.cell_transitions(book, MARCH, "A", "none", settings=SETTINGS)["customer_id"].tolist() == [
        "g"
    ]
    assert pareto.cell_transitions(book, MARCH, "B", "B", settings=SETTINGS).empty


def test_migration_counts_of_no_cells():
    empty = pd.DataFrame({"previous_abc": [], "current_abc": [], "customers": []})
    assert pareto.migration_counts(empty).to_numpy().sum() == 0


# ------------------------------------------------------------------ products


def test_products_pareto(book):
    # P1 300 + 200 + 30 - 50 = 480, P2 200 + 100 = 300, P3 150 + 50 = 200
    products = pareto.product_values(book, MARCH, settings=SETTINGS)
    assert products["product"].tolist() == ["P1", "P2", "P3"]
    assert products["value"].tolist() == [480.0, 300.0, 200.0]
    assert products["cum_share"].tolist() == pytest.approx([480 / 980, 780 / 980, 1.0])
    assert products["abc"].tolist() == ["A", "A", "A"]
    assert products["customers"].tolist() == [3, 2, 2]
    summary = pareto.product_summary(book, MARCH, settings=SETTINGS)
    assert (summary.buyers, summary.total_value, summary.non_buyers) == (3, 980.0, None)
    assert summary.top20_share == pytest.approx(480 / 980)
    assert summary.pct_customers_for_80 == 1.0
    assert summary.gini == pytest.approx(560 / (3 * 980))


# ------------------------------------------------------------------ big customers


@pytest.fixture
def year_book(con):
    insert(
        con,
        "customers",
        [{"customer_id": cid, "customer_name": cid.upper()} for cid in ("big", "edge", "over")],
    )
    rows = []
    for month in range(1, 13):
        rows.append(order("big", date(2024, month, 5), 1.0, quantity=8000 / 12))
        rows.append(order("edge", date(2024, month, 5), 1.0, quantity=650.0))  # exactly 130,000 sticks
        rows.append(order("over", date(2024, month, 5), 1.0, quantity=650.0))
    rows.append(order("over", date(2024, 12, 20), 1.0, quantity=1.0))  # 7,801 cartons a year
    rows.append(order("big", date(2025, 1, 5), 1.0, quantity=99_999.0))  # not the previous year
    insert(con, "orders", rows)
    return con


def test_big_customers_previous_calendar_year(year_book):
    settings = {"big_customer": {"threshold": 130000, "unit": "sticks", "sticks_per_carton": 200}}
    frame = pareto.big_customers(year_book, MARCH, settings=settings)
    assert frame["customer_id"].tolist() == ["big", "over"]  # "edge" is not *above* the threshold
    assert frame["monthly_average"].tolist() == pytest.approx([8000 / 12 * 200, 7801 / 12 * 200])
    assert frame["monthly_cartons"].iloc[0] == pytest.approx(8000 / 12)
    assert frame["months_with_orders"].tolist() == [12, 12]
    in_cartons = pareto.big_customers(year_book, MARCH, threshold=650, unit="cartons", settings=settings)
    assert in_cartons["customer_id"].tolist() == ["big", "over"]
    lower = pareto.big_customers(year_book, MARCH, threshold=100_000, settings=settings)
    assert lower["customer_id"].tolist() == ["big", "over", "edge"]


def test_big_customer_year_is_the_year_before_the_period_ends():
    assert pareto.big_customer_year(MARCH) == 2024
    assert pareto.big_customer_year(Filters()) == date.today().year - 1


# ------------------------------------------------------------------ detail and chart helpers


def test_customer_history_and_detail(book):
    history = pareto.customer_history(book, MARCH, "a", months=3, settings=SETTINGS)
    assert history["value"].tolist() == [0.0, 60.0, 500.0]
    assert history["abc"].tolist() == ["none", "B", "A"]
    assert history["rank"].tolist()[1:] == [3, 1]
    assert pareto.customer_orders(book, MARCH, "a")["amount"].sum() == 500.0
    assert pareto.customer_visits(book, MARCH, "a").empty
    assert pareto.customer_profile(book, "a")["team"].tolist() == ["East"]


def test_chart_points_keep_first_and_last():
    values = pd.DataFrame({"rank": range(1, 5001), "value": range(5000, 0, -1)})
    points = pareto.chart_points(values, max_bars=2000)
    assert len(points) <= 2001 and points["rank"].iloc[0] == 1 and points["rank"].iloc[-1] == 5000
    assert len(pareto.chart_points(values.head(10), max_bars=2000)) == 10


# ------------------------------------------------------------------ command line


def test_cli_summary_equals_the_function_the_page_uses(book, tmp_path, capsys):
    path = str(tmp_path / "test.duckdb")
    assert (
        cli_main(
            [
                "pareto",
                "--db",
                path,
                "--start",
                "2025-03-01",
                "--end",
                "2025-03-31",
                "--team",
                "East",
                "--summary",
            ]
        )
        == 0
    )
    out = capsys.readouterr().out
    expected = pareto.pareto_summary(book, Filters(start=MARCH.start, end=MARCH.end, teams=("East",)))
    assert out.splitlines()[0] == (
        "buyers,total_value,top20_share,pct_customers_for_80,gini,a_count,b_count,c_count,non_buyers"
    )
    assert out == expected.as_frame().to_csv(index=False)
    assert out.splitlines()[1].startswith("3,850.0,")


def test_cli_rows_per_buyer(book, tmp_path, capsys):
    path = str(tmp_path / "test.duckdb")
    assert cli_main(["pareto", "--db", path, "--metric", "amount"]) == 0  # whole data: Feb + March
    frame = pd.read_csv(__import__("io").StringIO(capsys.readouterr().out))
    assert frame.columns.tolist() == pareto.CUSTOMER_COLUMNS
    assert frame["customer_id"].tolist()[:3] == ["g", "a", "b"]  # 600, 560, 500
