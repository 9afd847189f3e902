"""The demo data generator: determinism, the shapes the pages rely on, and the CLI."""

from __future__ import annotations

import math
from datetime import date, timedelta

import pytest

from analytics import db
from analytics.__main__ import main
from analytics.generator import GenerateStats, generate_demo
from tests.test_store import assert_customer_numbers_hold

END = date(2025, 12, 31)


def _fingerprint(con) -> tuple:
    """Order-independent digest of every generated table."""
    return tuple(
        db.scalar(con, sql)
        for sql in (
            "SELECT sum(hash(manager_id, manager_name, team, region, active)) FROM managers",
            """SELECT sum(hash(customer_id, customer_name, manager_id, customer_class, tier, status,
                               open_date, violation_date)) FROM customers""",
            "SELECT sum(hash(order_id, product, quantity, amount, cost)) FROM orders",
            """SELECT sum(hash(visit_id, customer_id, visit_date, duration_min, method, appointment_date,
                               notes)) FROM visits""",
            "SELECT sum(hash(manager_id, month, sales_target)) FROM targets",
        )
    )


@pytest.fixture(scope="module")
def generated(tmp_path_factory):
    """One generated district shared by the shape tests (read-only)."""
    path = tmp_path_factory.mktemp("gen") / "demo.duckdb"
    seen = []
    stats = generate_demo(
        db.connect(path),
        customers=600,
        managers=12,
        months=24,
        seed=3,
        end=END,
        progress=lambda fraction, message: seen.append(fraction),
    )
    return path, stats, seen


@pytest.fixture
def demo(generated):
    """(connection, stats, progress fractions); other tests may close cached connections."""
    path, stats, seen = generated
    return db.connect(path), stats, seen


def test_stats_and_progress(demo):
    con, stats, seen = demo
    assert isinstance(stats, GenerateStats)
    assert (stats.customers, stats.managers) == (600, 12)
    assert stats.orders == db.scalar(con, "SELECT count(*) FROM orders")
    assert stats.visits == db.scalar(con, "SELECT count(*) FROM visits")
    assert stats.targets == db.scalar(con, "SELECT count(*) FROM targets")
    assert db.scalar(con, "SELECT count(*) FROM customers") == 600
    assert seen[-1] == 1.0 and seen == sorted(seen)
    assert db.get_meta(con, "demo") == "1"
    assert db.scalar(con, "SELECT count(*) FROM customer_keys") == db.scalar(
        con,
        "SELECT count(DISTINCT customer_id) FROM "
        "(SELECT customer_id FROM orders UNION ALL SELECT customer_id FROM visits)",
    )
    assert_customer_numbers_hold(con)


def test_period_is_full_months_ending_at_end(demo):
    con, _, _ = demo
    first, last = db.rows(con, "SELECT min(order_date), max(order_date) FROM orders")[0]
    assert first >= date(2024, 1, 1) and first < date(2024, 1, 8)
    assert last <= END and last > END - timedelta(days=7)
    visit_first, visit_last = db.rows(con, "SELECT min(visit_date), max(visit_date) FROM visits")[0]
    assert visit_first.date() >= date(2024, 1, 1) and visit_last.date() <= END


def test_managers_teams_and_regions(demo):
    con, _, _ = demo
    teams, regions = db.rows(con, "SELECT count(DISTINCT team), count(DISTINCT region) FROM managers")[0]
    assert (teams, regions) == (2, 2)
    # A customer's region is its manager's region.
    assert (
        db.scalar(
            con,
            """SELECT count(*) FROM customers c JOIN managers m USING (manager_id)
                              WHERE c.region <> m.region""",
        )
        == 0
    )
    assert (
        db.scalar(
            con, "SELECT count(*) FROM customers WHERE manager_id NOT IN (SELECT manager_id FROM managers)"
        )
        == 0
    )


def test_default_team_names_are_readable(tmp_path):
    con = db.connect(tmp_path / "small.duckdb")
    try:
        generate_demo(con, customers=60, managers=24, months=2, seed=1, end=END)
        teams = {r[0] for r in db.rows(con, "SELECT DISTINCT team FROM managers")}
        assert teams == {"城东班组", "城西班组", "城南班组", "乡镇班组"}
        assert db.scalar(con, "SELECT count(DISTINCT region) FROM managers") == 3
    finally:
        db.close_all()


def test_class_shares_within_bands(demo):
    con, _, _ = demo
    shares = dict(
        db.rows(
            con,
            """SELECT customer_class, count(*) / (SELECT count(*) FROM customers)
                                   FROM customers GROUP BY 1""",
        )
    )
    assert 0.03 <= shares["core"] <= 0.07
    assert 0.15 <= shares["potential"] <= 0.35
    assert 0.05 <= shares["assist"] <= 0.10
    assert shares["regular"] == pytest.approx(1 - shares["core"] - shares["potential"] - shares["assist"])


def test_top_fifth_of_buyers_brings_60_to_75_percent(demo):
    con, _, _ = demo
    values = [
        r[0]
        for r in db.rows(
            con,
            """SELECT sum(amount) AS v FROM orders GROUP BY customer_id
                                             HAVING v > 0 ORDER BY v DESC""",
        )
    ]
    top = math.ceil(0.2 * len(values))
    assert 0.60 <= sum(values[:top]) / sum(values) <= 0.75


def _recommended_class_sql() -> str:
    """Domain §3 rules as of END, precedence assist > core > potential > regular."""
    return """CASE
        WHEN low_income OR disabled OR violation_date > DATE '2025-09-30' THEN 'assist'
        WHEN market_type = 'city'
             AND retail_format IN ('mall', 'supermarket', 'tobacco_liquor', 'convenience')
             AND tier >= 25 AND modern_terminal IN ('built', 'building') THEN 'core'
        WHEN market_type IN ('town', 'rural')
             AND retail_format IN ('mall', 'supermarket', 'tobacco_liquor', 'convenience', 'grocery')
             AND tier >= 15 AND modern_terminal IN ('built', 'potential') THEN 'potential'
        ELSE 'regular' END"""


def test_class_rules_mostly_agree_with_some_planted_disagreements(demo):
    con, _, _ = demo
    disagree = db.scalar(
        con,
        f"""SELECT avg(CASE WHEN {_recommended_class_sql()} <> customer_class
                                              THEN 1 ELSE 0 END) FROM customers""",
    )
    assert 0.02 <= disagree <= 0.08


def test_recent_violations_some_outside_assist(demo):
    con, _, _ = demo
    recent = db.rows(
        con,
        """SELECT customer_class FROM customers
                              WHERE violation_date > DATE '2025-09-30' AND violation_date <= ?""",
        [END],
    )
    classes = [r[0] for r in recent]
    assert "assist" in classes
    assert any(c != "assist" for c in classes)


def test_closed_shops_stop_ordering(demo):
    con, _, _ = demo
    closed = db.scalar(con, "SELECT avg(CASE WHEN status = 'closed' THEN 1 ELSE 0 END) FROM customers")
    assert 0.01 <= closed <= 0.04
    assert db.scalar(con, "SELECT count(DISTINCT status) FROM customers") == 2
    # Closed in the period: their last order is well before the end.
    late = db.scalar(
        con,
        """SELECT count(*) FROM customers c JOIN order_days o USING (customer_id)
                              WHERE c.status = 'closed' AND o.order_date > ? - INTERVAL 14 DAY""",
        [END],
    )
    assert late == 0


def test_planted_churners_and_new_customers(demo):
    con, _, _ = demo
    last = dict(db.rows(con, "SELECT customer_id, max(order_date) FROM order_days GROUP BY 1"))
    open_ids = {r[0] for r in db.rows(con, "SELECT customer_id FROM customers WHERE status = 'active'")}
    weeks_ago = {cid: (END - d).days / 7 for cid, d in last.items() if cid in open_ids}
    assert sum(3 <= w <= 8 for w in weeks_ago.values()) >= 5
    assert sum(w > 26 for w in weeks_ago.values()) >= 5
    new = db.scalar(con, "SELECT count(*) FROM customers WHERE open_date >= DATE '2024-01-01'")
    assert new >= 10
    # A new shop orders only after it opened.
    assert (
        db.scalar(
            con,
            """SELECT count(*) FROM customers c JOIN order_days o USING (customer_id)
                              WHERE o.order_date < c.open_date""",
        )
        == 0
    )


def test_recent_churners_fade_before_they_stop(demo):
    """Precursors: the last 8 weeks before the final order are worth less than the same customers'
    earlier weekly average."""
    con, _, _ = demo
    ratio = db.scalar(
        con,
        """
        WITH last AS (SELECT customer_id, max(order_date) AS last_day FROM order_days GROUP BY 1),
        churners AS (SELECT customer_id, last_day FROM last JOIN customers USING (customer_id)
                     WHERE status = 'active'
                       AND last_day BETWEEN ? - INTERVAL 56 DAY AND ? - INTERVAL 28 DAY),
        phases AS (SELECT sum(o.amount) FILTER (WHERE o.order_date > c.last_day - INTERVAL 56 DAY) / 8
                              AS late,
                          sum(o.amount) FILTER (WHERE o.order_date <= c.last_day - INTERVAL 168 DAY)
                            / ((max(c.last_day) - DATE '2024-01-01' - 168) / 7) AS early
                   FROM churners c JOIN order_days o USING (customer_id))
        SELECT late / early FROM phases""",
        [END, END],
    )
    assert ratio < 0.8


def test_orders_are_consistent(demo):
    con, _, _ = demo
    bad = db.rows(
        con,
        """SELECT count(*) FILTER (WHERE quantity < 1 OR quantity <> round(quantity)),
                                 count(*) FILTER (WHERE amount <= 0 OR cost <= 0 OR cost >= amount),
                                 count(DISTINCT product)
                          FROM orders""",
    )[0]
    assert bad[:2] == (0, 0)
    assert bad[2] == 15  # 12 brands and the 3 new products of the service-standard extras
    # amount = quantity x the brand's one price
    assert (
        db.scalar(
            con,
            """SELECT count(*) FROM (SELECT product FROM orders GROUP BY product
                                                 HAVING min(amount / quantity) <> max(amount / quantity))""",
        )
        == 0
    )
    # one line per brand in an order, and an order is one customer on one day
    assert db.scalar(con, "SELECT count(*) - count(DISTINCT (order_id, product)) FROM orders") == 0
    assert (
        db.scalar(
            con,
            """SELECT count(*) FROM (SELECT order_id FROM orders GROUP BY order_id
                                 HAVING count(DISTINCT customer_id) > 1 OR count(DISTINCT order_date) > 1)""",
        )
        == 0
    )
    totals = db.rows(con, "SELECT sum(amount), sum(quantity) FROM orders")[0]
    agg = db.rows(con, "SELECT sum(amount), sum(quantity) FROM order_months")[0]
    assert agg == pytest.approx(totals)


def test_spring_festival_month_above_average(demo):
    con, _, _ = demo
    months = dict(db.rows(con, "SELECT strftime(month, '%Y-%m'), sum(amount) FROM order_months GROUP BY 1"))
    average = sum(months.values()) / len(months)
    assert months["2025-01"] > 1.15 * average  # festival 2025-01-29: stocking up all January
    assert months["2024-01"] > 1.05 * average  # festival 2024-02-10


def test_visits_methods_lengths_and_appointments(demo):
    con, _, _ = demo
    methods = {r[0] for r in db.rows(con, "SELECT DISTINCT method FROM visits")}
    assert methods == {"onsite", "online", "phone"}
    hours = db.rows(con, "SELECT min(hour(visit_date)), max(hour(visit_date)) FROM visits")[0]
    assert hours[0] >= 8 and hours[1] <= 17
    assert db.scalar(con, "SELECT count(*) FROM visits WHERE appointment_date > visit_date") == 0
    per_customer = db.scalar(con, "SELECT count(*) / (SELECT count(*) FROM customers) FROM visits")
    assert 10 <= per_customer <= 30
    # Core customers are visited more often than regular ones.
    core, regular = (
        db.scalar(
            con,
            """SELECT count(*) / count(DISTINCT c.customer_id) FROM visits v
                                        JOIN customers c USING (customer_id) WHERE c.customer_class = ?""",
            [k],
        )
        for k in ("core", "regular")
    )
    assert core > 2 * regular
    assert db.scalar(con, "SELECT count(DISTINCT visit_id) = count(*) FROM visits")


def test_targets_for_every_manager_and_month(demo):
    con, _, _ = demo
    rows = db.rows(con, "SELECT count(DISTINCT manager_id), count(DISTINCT month), count(*) FROM targets")[0]
    assert rows == (12, 24, 12 * 24)
    ratio = db.scalar(
        con,
        """WITH actual AS (SELECT c.manager_id, strftime(m.month, '%Y-%m') AS month,
                                                    sum(m.amount) AS sales
                                             FROM order_months m JOIN customers c USING (customer_id)
                                             GROUP BY ALL)
                              SELECT sum(t.sales_target) / sum(a.sales) FROM targets t JOIN actual a
                              USING (manager_id, month)""",
    )
    assert 1.0 <= ratio <= 1.1


def test_same_seed_same_data_other_seed_other_data(tmp_path):
    prints = []
    for name, seed in (("a", 5), ("b", 5), ("c", 6)):
        con = db.connect(tmp_path / f"{name}.duckdb")
        generate_demo(con, customers=300, managers=6, months=12, seed=seed, end=END)
        prints.append(_fingerprint(con))
    db.close_all()
    assert prints[0] == prints[1]
    assert all(a != c for a, c in zip(prints[0], prints[2], strict=True))


def test_replaces_existing_data_and_clears_declined_flag(tmp_path):
    con = db.connect(tmp_path / "again.duckdb")
    try:
        with db.transaction(con) as cur:
            db.set_meta(cur, "demo_declined", "1")
            cur.execute(
                "INSERT INTO warning_followups (customer_id, status, note, warned_on, updated_at) "
                "VALUES ('X', 'open', NULL, NULL, now())"
            )
        generate_demo(con, customers=200, managers=6, months=6, seed=1, end=END)
        stats = generate_demo(con, customers=100, managers=6, months=6, seed=2, end=END)
        assert db.scalar(con, "SELECT count(*) FROM customers") == 100
        assert db.scalar(con, "SELECT count(*) FROM orders") == stats.orders
        assert db.scalar(con, "SELECT count(*) FROM warning_followups") == 0
        assert db.get_meta(con, "demo_declined") is None
        assert db.get_meta(con, "demo") == "1"
    finally:
        db.close_all()


def test_default_end_is_last_day_of_last_month(tmp_path):
    con = db.connect(tmp_path / "today.duckdb")
    try:
        generate_demo(con, customers=50, managers=2, months=3, seed=1)
        last = db.scalar(con, "SELECT max(visit_date)::DATE FROM visits")
        month_start = date.today().replace(day=1)
        assert month_start - timedelta(days=31) < last < month_start
    finally:
        db.close_all()


def test_cli_init_demo(tmp_path, capsys):
    path = tmp_path / "cli.duckdb"
    code = main(
        [
            "init-demo",
            "--db",
            str(path),
            "--customers",
            "120",
            "--managers",
            "6",
            "--months",
            "4",
            "--seed",
            "2",
            "--end",
            "2025-06-30",
        ]
    )
    assert code == 0
    out = capsys.readouterr().out
    assert "120 customers" in out and "order lines" in out and "MB" in out
    con = db.connect(path)
    try:
        assert db.scalar(con, "SELECT count(*) FROM customers") == 120
        assert db.scalar(con, "SELECT max(order_date) FROM orders") <= date(2025, 6, 30)
        assert db.get_meta(con, "demo") == "1"
    finally:
        db.close_all()
