"""Class rules (each rule and the precedence), reasons in both languages, class shares, the CLI."""

from datetime import date

import pandas as pd
import pytest

from analytics import classes, config
from analytics.__main__ import main as cli_main
from analytics.filters import Filters
from tests.conftest import insert

AS_OF = date(2025, 9, 30)  # 3 months before: 2025-06-30
CORE = {"market_type": "city", "retail_format": "supermarket", "tier": 27, "modern_terminal": "built"}
POTENTIAL = {"market_type": "town", "retail_format": "grocery", "tier": 15, "modern_terminal": "potential"}


def customer(cid, assigned, **facts):
    return {
        "customer_id": cid,
        "customer_name": cid.upper(),
        "manager_id": "M1",
        "customer_class": assigned,
        "status": "active",
        **facts,
    }


@pytest.fixture
def book(con):
    insert(con, "managers", [{"manager_id": "M1", "manager_name": "王伟", "team": "East", "region": "R1"}])
    insert(
        con,
        "customers",
        [
            customer("k01", "core", violation_date=date(2025, 8, 3), **CORE),  # violation beats core
            customer("k02", "core", violation_date=date(2025, 6, 29), **CORE),  # too old: core
            customer("k03", "assist", violation_date=date(2025, 6, 30), **CORE),  # exactly 3 months: assist
            customer("k04", "potential", low_income=True, **POTENTIAL),  # low income: assist
            customer("k05", "assist", disabled=True),  # disabled: assist
            customer("k06", "core", **CORE),  # core, agrees
            customer("k07", "core", **{**CORE, "tier": 24}),  # tier too low, city: regular
            customer("k08", "regular", **POTENTIAL),  # potential
            customer("k09", "potential", **{**POTENTIAL, "retail_format": "other"}),  # regular
            customer("k10", "assist"),  # nothing: regular
            customer(
                "k11",
                None,
                **{**CORE, "retail_format": "convenience", "tier": 30, "modern_terminal": "building"},
            ),  # unassigned, core
            customer("k12", "regular", violation_date=date(2025, 10, 5)),  # after as-of: not counted
        ],
    )
    return con


def recommended(frame) -> dict:
    return dict(zip(frame["customer_id"], frame["recommended_class"], strict=True))


def test_each_rule_and_the_precedence(book):
    frame = classes.recommend_classes(book, as_of=AS_OF, settings=config.defaults())
    assert recommended(frame) == {
        "k01": "assist",
        "k02": "core",
        "k03": "assist",
        "k04": "assist",
        "k05": "assist",
        "k06": "core",
        "k07": "regular",
        "k08": "potential",
        "k09": "regular",
        "k10": "regular",
        "k11": "core",
        "k12": "regular",
    }
    assert frame.set_index("customer_id")["matches"].to_dict() == {
        "k01": False,
        "k02": True,
        "k03": True,
        "k04": False,
        "k05": True,
        "k06": True,
        "k07": False,
        "k08": False,
        "k09": False,
        "k10": False,
        "k11": False,
        "k12": True,
    }


def test_core_beats_potential_when_both_fit(book):
    settings = config.defaults()
    settings["class_rules"]["potential_market_types"] = ["city", "town"]
    frame = classes.recommend_classes(book, as_of=AS_OF, settings=settings)
    assert recommended(frame)["k06"] == "core"
    assert recommended(frame)["k07"] == "potential"  # city now allowed for potential, tier 24 >= 15


def test_violation_window_follows_the_setting(book):
    settings = config.defaults()
    settings["class_rules"]["assist_violation_months"] = 1  # cutoff 2025-08-30
    assert recommended(classes.recommend_classes(book, as_of=AS_OF, settings=settings))["k01"] == "core"


def test_reasons_in_english_and_chinese(book):
    en = classes.class_mismatches(book, as_of=AS_OF, settings=config.defaults()).set_index("customer_id")
    zh = classes.class_mismatches(book, as_of=AS_OF, settings=config.defaults(), lang="zh").set_index(
        "customer_id"
    )
    assert en.index.tolist() == ["k01", "k04", "k07", "k08", "k09", "k10", "k11"]
    assert en.loc["k01", "reasons"] == "violation on 2025-08-03: must be assist"
    assert zh.loc["k01", "reasons"] == "2025-08-03 有违规记录：应为帮扶客户"
    assert en.loc["k04", "reasons"] == "low-income subsidy: must be assist"
    assert en.loc["k07", "reasons"] == "does not meet the core criteria: tier 24 is below 25"
    assert zh.loc["k07", "reasons"] == "不符合核心客户条件：档位 24 低于 25"
    assert en.loc["k08", "reasons"] == (
        "meets the potential criteria (Town, Grocery, tier 15, modern terminal: potential)"
    )
    assert en.loc["k09", "reasons"] == "does not meet the potential criteria: retail format is Other"
    assert en.loc["k10", "reasons"].endswith("assist not required")
    assert en.loc["k11", "reasons"].endswith("no class assigned")


def test_months_before_clamps_to_the_month_end():
    assert classes.months_before(date(2025, 5, 31), 3) == date(2025, 2, 28)
    assert classes.months_before(date(2025, 1, 15), 3) == date(2024, 10, 15)


def test_scope_filter_applies(book):
    insert(book, "managers", [{"manager_id": "M2", "team": "West"}])
    insert(book, "customers", [{"customer_id": "w1", "manager_id": "M2", "customer_class": "regular"}])
    west = classes.recommend_classes(book, Filters(teams=("West",)), as_of=AS_OF, settings=config.defaults())
    assert west["customer_id"].tolist() == ["w1"]


# ------------------------------------------------------------------ class shares


@pytest.fixture
def share_book(con):
    insert(con, "managers", [{"manager_id": "E", "team": "East"}, {"manager_id": "W", "team": "West"}])
    east = ["core"] * 1 + ["assist"] * 2 + ["potential"] * 2 + ["regular"] * 15
    west = ["core"] * 2 + ["potential"] * 5 + ["regular"] * 2 + [None]
    rows = [
        {"customer_id": f"e{i:02}", "manager_id": "E", "customer_class": c, "status": "active"}
        for i, c in enumerate(east)
    ]
    rows += [
        {"customer_id": f"w{i:02}", "manager_id": "W", "customer_class": c, "status": "active"}
        for i, c in enumerate(west)
    ]
    rows.append({"customer_id": "w-closed", "manager_id": "W", "customer_class": "core", "status": "closed"})
    insert(con, "customers", rows)
    return con


def test_class_share_check_by_team(share_book):
    frame = classes.class_share_check(share_book, group_by="team", settings=config.defaults())
    cells = {
        (r.group, None if pd.isna(r.customer_class) else r.customer_class): r for r in frame.itertuples()
    }
    assert cells[("East", "core")].share == pytest.approx(0.05) and cells[("East", "core")].status == "within"
    assert cells[("East", "assist")].status == "within"  # 10%
    assert cells[("East", "potential")].status == "below"  # 2 < floor(0.15 * 20) = 3
    assert cells[("East", "regular")].customers == 15
    west_core = cells[("West", "core")]
    assert (west_core.customers, west_core.group_customers) == (2, 10)  # the closed one is left out
    assert west_core.status == "above"  # 2 > ceil(0.05 * 10) = 1
    assert cells[("West", "potential")].status == "above"  # 5 > ceil(3.5) = 4
    assert cells[("West", "assist")].customers == 0 and cells[("West", "assist")].status == "within"
    assert pd.isna(cells[("West", None)].status) and cells[("West", None)].customers == 1
    assert len(frame) == 9


# ------------------------------------------------------------------ command line


def test_cli_prints_every_customer(book, tmp_path, capsys):
    assert cli_main(["classes", "--db", str(tmp_path / "test.duckdb"), "--as-of", "2025-09-30"]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert lines[0] == "customer_id,assigned_class,recommended_class,reasons"
    assert len(lines) == 13
    assert lines[1] == "k01,core,assist,violation on 2025-08-03: must be assist"
    assert (
        cli_main(
            [
                "classes",
                "--db",
                str(tmp_path / "test.duckdb"),
                "--as-of",
                "2025-09-30",
                "--mismatches",
                "--lang",
                "zh",
            ]
        )
        == 0
    )
    lines = capsys.readouterr().out.splitlines()
    assert len(lines) == 8 and lines[1] == "k01,core,assist,2025-08-03 有违规记录：应为帮扶客户"
