"""The account's scope (issue 17) is enforced where the figures are made: Filters.allowed_teams /
allowed_managers are intersected with the sidebar's lists in shared/scope.sql, and every page a
supervisor or manager opens shows nothing of another team (ids, manager names), nor does a
link naming another team."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from argon2 import PasswordHasher
from google.protobuf import text_format
from streamlit.testing.v1 import AppTest

from analytics import accounts, customer, db, sql
from analytics.filters import Filters
from analytics.generator import generate_demo
from tests.conftest import app_test, insert

ROOT = Path(__file__).resolve().parent.parent
PASSWORD = "Correct-Horse-42"
PAGES = [
    "pages/overview.py",
    "pages/pareto.py",
    "pages/retention.py",
    "pages/scorecards.py",
    "pages/visits.py",
    "pages/warnings.py",
]

# ------------------------------------------------------------------ the SQL intersection


@pytest.fixture
def book(con):
    insert(
        con,
        "managers",
        [
            {"manager_id": "M1", "team": "A"},
            {"manager_id": "M2", "team": "A"},
            {"manager_id": "M3", "team": "B"},
        ],
    )
    insert(
        con,
        "customers",
        [
            {"customer_id": "C1", "manager_id": "M1", "region": "north"},
            {"customer_id": "C2", "manager_id": "M2", "region": "south"},
            {"customer_id": "C3", "manager_id": "M3", "region": "north"},
        ],
    )
    return con


def customers_in(con, filters: Filters) -> set[str]:
    return set(sql.query(con, "shared/customers_in_scope", filters=filters)["customer_id"])


def managers_in(con, filters: Filters) -> set[str]:
    template = (
        '{% import "shared/scope.sql" as scope %}'
        'SELECT m.manager_id FROM managers m WHERE {{ scope.managers(filters, "m") }}'
    )
    text = sql._ENV.from_string(template).render(filters=filters)
    return {row[0] for row in con.execute(text, sql.bind(text, sql.filter_values(filters))).fetchall()}


@pytest.mark.parametrize(
    "filters, customers, managers",
    [
        (Filters(), {"C1", "C2", "C3"}, {"M1", "M2", "M3"}),
        (Filters(allowed_teams=("A",)), {"C1", "C2"}, {"M1", "M2"}),
        (Filters(allowed_teams=()), set(), set()),
        (Filters(teams=("B",), allowed_teams=("A",)), set(), set()),
        (Filters(teams=("A", "B"), allowed_teams=("A",)), {"C1", "C2"}, {"M1", "M2"}),
        (Filters(regions=("north",), allowed_teams=("A",)), {"C1"}, set()),
        (Filters(allowed_managers=("M2",)), {"C2"}, {"M2"}),
        (Filters(managers=("M1",), allowed_managers=("M2",)), set(), set()),
        (Filters(allowed_managers=()), set(), set()),
        (Filters(teams=("A",), allowed_managers=("M2", "M3")), {"C2"}, {"M2"}),
    ],
)
def test_account_scope_intersects_the_sidebar(book, filters, customers, managers):
    assert customers_in(book, filters) == customers
    assert managers_in(book, filters) == managers


def test_scoped_and_restricted():
    assert not Filters().scoped and not Filters().restricted
    assert Filters(allowed_teams=()).scoped and Filters(allowed_teams=()).restricted
    assert Filters(allowed_managers=("M1",)).restricted
    assert Filters(teams=("A",)).scoped and not Filters(teams=("A",)).restricted
    # Part of the value: cached figures are kept apart per scope.
    assert Filters(allowed_teams=("A",)) != Filters(allowed_teams=("B",))


# ------------------------------------------------------------------ the demo, per role


@pytest.fixture(scope="module")
def store(tmp_path_factory) -> Path:
    patch = pytest.MonkeyPatch()
    patch.setattr(accounts, "_HASHER", PasswordHasher(time_cost=1, memory_cost=1024, parallelism=1))
    path = tmp_path_factory.mktemp("scope") / "scope.duckdb"
    con = db.connect(path)
    generate_demo(con, customers=300, managers=12, months=14, seed=9)
    teams = [r[0] for r in db.rows(con, "SELECT DISTINCT team FROM managers ORDER BY team")]
    assert len(teams) >= 2
    manager = db.rows(con, "SELECT manager_id FROM managers WHERE team = ? ORDER BY 1 LIMIT 1", [teams[0]])[
        0
    ][0]
    accounts.add_user(con, "boss", "admin", PASSWORD)
    accounts.add_user(con, "sup", "supervisor", PASSWORD, teams=[teams[0]])
    accounts.add_user(con, "mgr", "manager", PASSWORD, manager_id=manager)
    patch.undo()
    return path


@pytest.fixture
def con_of(store, monkeypatch, tmp_path):
    monkeypatch.setenv("DASHBOARD_DB", str(store))
    monkeypatch.setenv("DASHBOARD_SETTINGS", str(tmp_path / "settings.toml"))
    return db.connect(store)


def outsiders(con, account) -> dict[str, set[str]]:
    """What `account` must never see: other customers' ids, other managers' ids and names
    (names that an insider also has are left out: they say nothing)."""
    scope = account.scope()
    if scope.teams:
        inside = "m.team IN (SELECT unnest(CAST(? AS VARCHAR[])))"
        values = [list(scope.teams)]
    else:
        inside = "m.manager_id IN (SELECT unnest(CAST(? AS VARCHAR[])))"
        values = [list(scope.managers)]
    rows = db.rows(
        con,
        f"SELECT c.customer_id, m.manager_id, m.manager_name, {inside} "
        "FROM customers c JOIN managers m USING (manager_id)",
        values,
    )
    staff = db.rows(con, f"SELECT manager_id, manager_name, {inside} FROM managers m", values)
    inside_names = {name for _, name, mine in staff if mine}
    return {
        "customers": {c for c, _, _, mine in rows if not mine},
        "managers": {m for m, _, mine in staff if not mine},
        "names": {name for _, name, mine in staff if not mine and name not in inside_names},
        "insiders": {c for c, _, _, mine in rows if mine} | {m for m, _, mine in staff if mine},
    }


def page_text(at: AppTest) -> str:
    """Everything drawn: widget labels and options, texts, tables (every cell), chart data."""
    parts: list[str] = []

    def walk(node) -> None:
        for child in getattr(node, "children", {}).values():
            walk(child)
        kind = type(node).__name__
        if kind == "Dataframe":
            parts.append(node.value.to_csv())
        elif getattr(node, "proto", None) is not None:
            proto = node.proto
            if proto.DESCRIPTOR.name == "PlotlyChart":
                parts.append(json.dumps(json.loads(proto.spec or "{}"), ensure_ascii=False))
            else:
                parts.append(text_format.MessageToString(proto, as_utf8=True))

    for root in at._tree.children.values():
        walk(root)
    return "\n".join(parts)


def found(text: str, words: set[str]) -> set[str]:
    return {w for w in words if re.search(rf"(?<![0-9A-Za-z]){re.escape(w)}(?![0-9A-Za-z])", text)}


def dashboard(store: Path, account, page: str | None = None, **query) -> AppTest:
    return app_test(page, store, timeout=180, account=account, **query)


@pytest.mark.parametrize("user", ["sup", "mgr"])
@pytest.mark.parametrize("page", PAGES)
def test_pages_show_nothing_of_another_team(con_of, store, user, page):
    account = accounts.get_account(con_of, user)
    at = dashboard(store, account, page)
    assert not at.exception, at.exception
    text = page_text(at)
    hidden = outsiders(con_of, account)
    assert not found(text, hidden["customers"])
    assert not found(text, hidden["managers"])
    assert not found(text, hidden["names"])
    if page in ("pages/overview.py", "pages/pareto.py", "pages/scorecards.py"):
        assert found(text, hidden["insiders"])  # it does show the account's own


def test_the_admin_sees_every_team(con_of, store):
    at = dashboard(store, accounts.get_account(con_of, "boss"), "pages/scorecards.py")
    managers = {r[0] for r in db.rows(con_of, "SELECT manager_id FROM managers")}
    assert found(page_text(at), managers) == managers


def test_a_link_naming_another_team_shows_nothing_of_it_and_says_so(con_of, store):
    account = accounts.get_account(con_of, "sup")
    other = db.rows(con_of, "SELECT min(team) FROM managers WHERE team <> ?", [account.teams[0]])[0][0]
    at = dashboard(store, account, team=other)
    assert not at.exception
    assert [w.value for w in at.warning] == [f"Outside what your account may see, so not shown: {other}"]
    assert at.session_state["filters"].teams == ()
    assert at.session_state["filters"].allowed_teams == account.teams
    text = page_text(at)
    hidden = outsiders(con_of, account)
    assert not found(text, hidden["customers"] | hidden["managers"] | hidden["names"])
    assert at.sidebar.multiselect(key="f_team").options == list(account.teams)


def test_sidebar_offers_only_the_account_s_managers(con_of, store):
    account = accounts.get_account(con_of, "mgr")
    at = dashboard(store, account)
    offered = at.sidebar.multiselect(key="f_manager").options
    assert len(offered) == 1 and f"({account.manager_id})" in offered[0]


def test_customer_detail_outside_the_scope_returns_nothing(con_of):
    account = accounts.get_account(con_of, "sup")
    hidden = sorted(outsiders(con_of, account)["customers"])[0]
    mine = Filters(allowed_teams=account.teams)
    everything = Filters()
    assert not customer.customer_profile(con_of, hidden).empty
    assert customer.customer_profile(con_of, hidden, mine).empty
    span = db.data_range(con_of)
    period = everything.with_period(span[0], span[1])
    scoped = Filters(span[0], span[1], allowed_teams=account.teams)
    assert not customer.customer_orders(con_of, period, hidden).empty
    assert customer.customer_orders(con_of, scoped, hidden).empty
    assert customer.customer_visits(con_of, scoped, hidden).empty
    assert not customer.customer_visits(con_of, period, hidden).empty
    assert customer.customer_history(con_of, scoped, hidden).empty
    assert not customer.customer_history(con_of, period, hidden).empty


def test_followups_outside_the_filters_are_refused_and_not_read(book):
    from analytics import warnings

    team_a = Filters(allowed_teams=("A",))
    warnings.record_followup(book, "C1", "contacted", "called", filters=team_a)
    with pytest.raises(PermissionError):
        warnings.record_followup(book, "C3", "contacted", "not mine", filters=team_a)
    warnings.record_followup(book, "C3", "lost", None)  # the command line: the whole book
    assert set(warnings.followups(book)["customer_id"]) == {"C1", "C3"}
    assert warnings.followups(book, filters=team_a)["customer_id"].tolist() == ["C1"]
    assert warnings.followups(book, ("C3",), history=True, filters=team_a).empty
    assert warnings.followups(book, ("C3",), history=True, filters=Filters(allowed_teams=("B",)))[
        "status"
    ].tolist() == ["lost"]
