"""Demo data: a plausible tobacco-retail district with managers, customers, visits, orders and targets.

The data is made to exercise every page: a heavy-tailed customer value (the 80/20 rule holds),
a Spring-Festival peak, customers who slip away (with precursors: longer gaps, smaller baskets,
fewer visits), closed shops, newly opened shops, class assignments that sometimes disagree with
the class rules, recent violations, and managers of uneven diligence.

Everything is vectorised with numpy and made in batches of customers that stream into one
INSERT per table, all inside one transaction, so the province scale (300,000 customers,
~50 million order lines) runs in bounded memory.
The same seed and the same end date always give identical tables.
"""

from __future__ import annotations

import argparse
import resource
import time
from collections.abc import Callable
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date, timedelta
from statistics import NormalDist

import numpy as np
import pandas as pd

from analytics import db

BATCH_CUSTOMERS = 10_000
GENERATION_MEMORY_LIMIT = "1500MB"
VALUE_SIGMA = 1.3  # spread of log customer value: top 20% of buyers bring about two thirds
EPOCH = date(1970, 1, 1)

CLASSES = ("core", "potential", "regular", "assist")
CORE, POTENTIAL, REGULAR, ASSIST = range(4)
CLASS_SHARES = (0.05, 0.25, 0.63, 0.07)  # assigned classes, exact counts
CLASS_INTERVAL_DAYS = np.array([14, 30, 60, 14])
CLASS_MINUTES = np.array([[15, 20], [15, 20], [10, 15], [5, 30]])

MARKETS = ("city", "town", "rural")
FORMATS = ("mall", "supermarket", "tobacco_liquor", "convenience", "grocery", "other")
TERMINALS = ("built", "building", "potential", "none")
CITY, TOWN, RURAL = range(3)
MALL, SUPERMARKET, TOBACCO_LIQUOR, CONVENIENCE, GROCERY, OTHER = range(6)
BUILT, BUILDING, POTENTIAL_TERMINAL, NO_TERMINAL = range(4)

METHODS = ("onsite", "online", "phone")

# Price per carton (条) in yuan, popularity weight, cost as a share of price.
PRODUCTS = (
    ("中华(硬)", 450.0, 0.6, 0.90),
    ("玉溪(软)", 230.0, 1.0, 0.89),
    ("芙蓉王(硬)", 250.0, 0.9, 0.90),
    ("黄鹤楼(软蓝)", 190.0, 0.7, 0.91),
    ("利群(新版)", 160.0, 1.0, 0.90),
    ("云烟(紫)", 100.0, 1.1, 0.92),
    ("红塔山(经典)", 95.0, 1.2, 0.91),
    ("白沙(精品)", 90.0, 1.2, 0.92),
    ("南京(炫赫门)", 170.0, 0.8, 0.89),
    ("娇子(宽窄)", 200.0, 0.6, 0.88),
    ("真龙(起源)", 260.0, 0.5, 0.90),
    ("七匹狼(通仙)", 300.0, 0.5, 0.88),
)
PRODUCT_NAMES = [p[0] for p in PRODUCTS]
PRICES = np.array([p[1] for p in PRODUCTS])
POPULARITY = np.log(np.array([p[2] for p in PRODUCTS]))
COST_RATIO = np.array([p[3] for p in PRODUCTS])

SPRING_FESTIVAL = [
    date.fromisoformat(d)
    for d in (
        "2019-02-05",
        "2020-01-25",
        "2021-02-12",
        "2022-02-01",
        "2023-01-22",
        "2024-02-10",
        "2025-01-29",
        "2026-02-17",
        "2027-02-06",
        "2028-01-26",
        "2029-02-13",
        "2030-02-03",
    )
]

TEAM_BASES = ("城东", "城西", "城南", "乡镇", "城北", "中心", "新区", "滨江", "高新", "东郊", "西郊", "南郊")
REGION_NAMES = (
    "主城区",
    "开发区",
    "东山县",
    "西河县",
    "南湖区",
    "北岭县",
    "青山县",
    "白水县",
    "清河县",
    "临江县",
    "高新区",
    "滨江区",
)
SURNAMES = list(
    "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁任沈姚卢姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛闫段雷侯龙史黎贺顾毛郝龚邵万钱严覃武戴莫孔向汤"
)
GIVEN_NAMES = (
    "伟",
    "芳",
    "娜",
    "敏",
    "静",
    "丽",
    "强",
    "磊",
    "军",
    "洋",
    "勇",
    "艳",
    "杰",
    "娟",
    "涛",
    "明",
    "超",
    "秀英",
    "霞",
    "平",
    "刚",
    "桂英",
    "建华",
    "志强",
    "海燕",
    "晓东",
    "春梅",
    "国平",
    "文斌",
    "红梅",
    "立新",
    "建军",
    "丽华",
    "晓燕",
    "玉兰",
    "志刚",
    "德明",
    "永红",
    "小龙",
    "雪梅",
    "宏伟",
    "佳怡",
    "子涵",
    "浩然",
    "欣怡",
    "俊杰",
    "婷婷",
    "思远",
    "梓轩",
    "雨欣",
    "晨阳",
    "嘉豪",
    "诗琪",
    "宇航",
    "梦琪",
    "鹏飞",
    "海涛",
    "瑞",
    "琳",
    "斌",
)
PLACES = (
    "解放路",
    "人民路",
    "中山路",
    "建设路",
    "和平街",
    "新华路",
    "东风路",
    "文化路",
    "胜利街",
    "青年路",
    "朝阳路",
    "幸福里",
    "柳树村",
    "桃园村",
    "李家庄",
    "王家坝",
    "石桥镇",
    "河口镇",
    "龙泉镇",
    "白沙镇",
    "红星路",
    "滨河路",
    "光明街",
    "健康路",
    "长江路",
    "黄河路",
    "凤凰路",
    "金桥路",
    "花园街",
    "北门",
)
SHOP_TEMPLATES = {
    MALL: ("{p}百货商场", "{p}购物中心", "{s}氏商厦"),
    SUPERMARKET: ("联华超市{p}店", "{p}{s}家超市", "惠民超市{p}店", "{p}万家福超市"),
    TOBACCO_LIQUOR: ("{s}记烟酒店", "{p}烟酒商行", "{s}{g}名烟名酒", "{p}烟酒专卖"),
    CONVENIENCE: ("{p}便利店", "{s}氏便利店", "美宜家{p}店", "{p}24小时便利"),
    GROCERY: ("{s}家便民食杂店", "{p}食杂店", "{s}{g}小卖部", "{p}日杂批发部"),
    OTHER: ("{p}加油站便利店", "{p}宾馆商务部", "{s}{g}报刊亭", "{p}茶楼"),
}
VISIT_NOTES = (
    "宣传新品规",
    "检查明码标价",
    "了解库存情况",
    "协助整理陈列",
    "反馈货源需求",
    "宣传法律法规",
    "解决订货问题",
    "指导经营数据分析",
    "收集消费者反馈",
    "帮扶解决经营困难",
)

# Customer fates (exclusive), as shares of all customers.
# Churners stop 6-18 months before the end, on any day of the last 18 months, or 3-8 weeks
# before the end (about 9.5% in all).
NORMAL, CHURN_OLD, CHURN_MID, CHURN_RECENT, DECLINER, CLOSED, NEW = range(7)
# Order size by ordering interval in weeks: fewer orders, bigger baskets.
ORDER_SIZE = np.array([0.0, 1.0, 1.8, 0.0, 3.2])
FATE_SHARES = {
    CHURN_OLD: 0.015,
    CHURN_MID: 0.05,
    CHURN_RECENT: 0.03,
    CLOSED: 0.025,
    DECLINER: 0.05,
    NEW: 0.06,
}


@dataclass
class GenerateStats:
    """What generate_demo wrote: row counts (orders = order lines) and the time it took."""

    customers: int
    managers: int
    orders: int
    visits: int
    targets: int
    seconds: float


# ------------------------------------------------------------------ calendar


def _default_end(today: date | None = None) -> date:
    """The last day of last month."""
    return (today or date.today()).replace(day=1) - timedelta(days=1)


def _period_start(end: date, months: int) -> date:
    """First day of the first of `months` calendar months that end with end's month."""
    index = end.year * 12 + end.month - 1 - (months - 1)
    return date(index // 12, index % 12 + 1, 1)


def _day(d: date) -> int:
    return (d - EPOCH).days


def _weekday(days: np.ndarray) -> np.ndarray:
    """Monday = 0 (1970-01-01 was a Thursday)."""
    return (days + 3) % 7


def _season(days: np.ndarray) -> np.ndarray:
    """Spring-Festival effect: stocking up in the 4 weeks before, a dip in the 2 weeks after."""
    factor = np.ones(days.shape)
    for festival in SPRING_FESTIVAL:
        before = _day(festival) - days
        factor = np.where((before > 0) & (before <= 28), 1.5 + 0.1 * (28 - before) / 28, factor)
        factor = np.where((before <= 0) & (before > -7), 0.55, factor)
        factor = np.where((before <= -7) & (before > -14), 0.85, factor)
    return factor


# ------------------------------------------------------------------ managers


@dataclass
class _Managers:
    frame: pd.DataFrame
    region: np.ndarray  # region index per manager
    diligence: np.ndarray  # 0.5 (sloppy) .. 1.1 (diligent)
    leave_day: np.ndarray  # last working day (inactive managers), else far future
    next_field_day: np.ndarray  # [manager, weekday] -> days to the next field day


def _team_name(i: int) -> str:
    base = TEAM_BASES[i % len(TEAM_BASES)]
    round_no = i // len(TEAM_BASES)
    return f"{base}{round_no + 1 if round_no else ''}班组"


def _region_name(i: int) -> str:
    base = REGION_NAMES[i % len(REGION_NAMES)]
    round_no = i // len(REGION_NAMES)
    return f"{base[:-1]}{round_no + 1}{base[-1]}" if round_no else base


def _make_managers(rng: np.random.Generator, count: int, end_day: int) -> _Managers:
    n_teams = max(1, count // 6)
    n_regions = min(n_teams, max(3, n_teams // 4))
    team = np.arange(count) * n_teams // count
    team_region = np.arange(n_teams) * n_regions // n_teams
    region = team_region[team]
    names = rng.choice(
        len(SURNAMES) * len(GIVEN_NAMES), size=count, replace=count > len(SURNAMES) * len(GIVEN_NAMES)
    )
    diligence = rng.uniform(0.5, 1.1, count)
    inactive = np.zeros(count, dtype=bool)
    n_inactive = int(round(count * 0.04))
    if n_inactive:
        inactive[rng.choice(count, n_inactive, replace=False)] = True
    leave_day = np.where(inactive, end_day - rng.integers(30, 91, count), 10**6)
    width = max(3, len(str(count)))
    frame = pd.DataFrame(
        {
            "manager_id": [f"M{i + 1:0{width}d}" for i in range(count)],
            "manager_name": [
                SURNAMES[n // len(GIVEN_NAMES)] + GIVEN_NAMES[n % len(GIVEN_NAMES)] for n in names
            ],
            "team": [_team_name(t) for t in team],
            "region": [_region_name(r) for r in region],
            "active": ~inactive,
        }
    )
    return _Managers(frame, region, diligence, leave_day, _field_days(rng, diligence))


def _field_days(rng: np.random.Generator, diligence: np.ndarray) -> np.ndarray:
    """Days from each weekday to the manager's next field day.

    Diligent managers go out on the suggested Mon/Wed/Thu (some also Tue); others pick 2-3
    weekdays of their own."""
    count = len(diligence)
    field = np.zeros((count, 7), dtype=bool)
    good = diligence >= 0.8
    field[good, 0] = field[good, 2] = field[good, 3] = True
    field[good, 1] = rng.random(count)[good] < 0.3
    keys = rng.random((count, 5))
    n_days = rng.integers(2, 4, count)
    ranks = keys.argsort(axis=1).argsort(axis=1)
    field[~good, :5] = (ranks < n_days[:, None])[~good]
    offsets = np.full((count, 7), 7)
    for weekday in range(7):
        for ahead in range(6, -1, -1):
            hit = field[:, (weekday + ahead) % 7]
            offsets[hit, weekday] = ahead
    return offsets


# ------------------------------------------------------------------ customers


@dataclass
class _Customers:
    frame: pd.DataFrame
    code: np.ndarray  # numeric customer id (12-digit licence number)
    manager: np.ndarray
    cls: np.ndarray
    open_day: np.ndarray  # first possible order / visit day
    stop_day: np.ndarray  # no orders from this day on
    visit_stop_day: np.ndarray  # no visits from this day on (closure)
    decline_start: np.ndarray  # orders fade from here to stop_day / the end
    decline_floor: np.ndarray  # value multiplier reached at the end of the decline
    weekday: np.ndarray
    every: np.ndarray  # orders every 1, 2 or 4 weeks
    parity: np.ndarray  # which of those weeks
    skip: np.ndarray  # chance to skip an ordering week
    value: np.ndarray  # typical order value (yuan)
    value_rank: np.ndarray  # 0..1 percentile of value
    premium: np.ndarray  # taste for expensive brands


def _exact_labels(rng: np.random.Generator, count: int, shares: dict[int, float], rest: int) -> np.ndarray:
    """Labels with exact counts (round(share x count)), the remaining ones `rest`, shuffled."""
    labels = np.full(count, rest, dtype=np.int8)
    start = 0
    for label, share in shares.items():
        n = int(round(share * count))
        labels[start : start + n] = label
        start += n
    return rng.permutation(labels)


def _choice(rng: np.random.Generator, n: int, probs: tuple) -> np.ndarray:
    return rng.choice(len(probs), size=n, p=np.array(probs) / sum(probs)).astype(np.int8)


def _class_attributes(rng: np.random.Generator, cls: np.ndarray) -> dict[str, np.ndarray]:
    """Market type, format, tier and modern terminal that satisfy each class's rules."""
    n = len(cls)
    market = _choice(rng, n, (0.45, 0.30, 0.25))
    fmt = _choice(rng, n, (0.01, 0.08, 0.20, 0.20, 0.45, 0.06))
    tier = np.clip(np.round(rng.gamma(2.5, 3.0, n)), 1, 14).astype(np.int16)
    terminal = np.where(rng.random(n) < 0.75, NO_TERMINAL, _choice(rng, n, (0.2, 0.3, 0.5)))

    core = cls == CORE
    market[core] = CITY
    fmt[core] = _choice(rng, n, (0.05, 0.30, 0.45, 0.20))[core]
    tier[core] = rng.integers(25, 31, n)[core]
    terminal[core] = np.where(rng.random(n) < 0.7, BUILT, BUILDING)[core]

    potential = cls == POTENTIAL
    market[potential] = np.where(rng.random(n) < 0.55, TOWN, RURAL)[potential]
    fmt[potential] = _choice(rng, n, (0.03, 0.17, 0.25, 0.25, 0.30))[potential]
    tier[potential] = np.clip(15 + np.round(rng.gamma(2.0, 3.0, n)), 15, 30)[potential]
    terminal[potential] = np.where(rng.random(n) < 0.4, BUILT, POTENTIAL_TERMINAL)[potential]

    # Regular and assist: a bigger regular shop without a modern terminal is still regular.
    bigger = (cls >= REGULAR) & (terminal == NO_TERMINAL) & (rng.random(n) < 0.2)
    tier[bigger] = rng.integers(15, 25, n)[bigger]
    return {"market": market, "format": fmt, "tier": tier, "terminal": terminal}


def _assist_reasons(rng, cls, end_day) -> dict[str, np.ndarray]:
    """Low income, disability and violations: every assist customer has at least one reason."""
    n = len(cls)
    assist = cls == ASSIST
    reason = rng.random(n)
    low_income = assist & (reason < 0.45)
    disabled = assist & (reason >= 0.45) & (reason < 0.70)
    violated_recently = assist & (reason >= 0.70)
    disabled |= assist & (rng.random(n) < 0.05)
    violation = np.full(n, -1)
    violation[violated_recently] = end_day - rng.integers(5, 85, n)[violated_recently]
    old = (violation < 0) & (rng.random(n) < 0.04)
    violation[old] = end_day - rng.integers(120, 700, n)[old]
    return {"low_income": low_income, "disabled": disabled, "violation": violation}


def _pick(rng, mask: np.ndarray, share: float) -> np.ndarray:
    """Exactly round(share x len(mask)) (at least one) customers drawn from `mask`."""
    candidates = np.flatnonzero(mask)
    n = min(len(candidates), max(1, int(round(share * len(mask)))))
    chosen = np.zeros(len(mask), dtype=bool)
    chosen[rng.choice(candidates, n, replace=False)] = True
    return chosen


def _plant_disagreements(rng, cls, attrs, reasons, end_day) -> None:
    """About 4% of customers whose assigned class disagrees with the class rules."""
    n = len(cls)
    regular = cls == REGULAR
    as_core = _pick(rng, regular, 0.01)
    attrs["market"][as_core] = CITY
    attrs["format"][as_core] = TOBACCO_LIQUOR
    attrs["tier"][as_core] = rng.integers(25, 31, n)[as_core]
    attrs["terminal"][as_core] = BUILT
    as_potential = _pick(rng, regular & ~as_core, 0.012)
    attrs["market"][as_potential] = TOWN
    attrs["format"][as_potential] = GROCERY
    attrs["tier"][as_potential] = rng.integers(15, 25, n)[as_potential]
    attrs["terminal"][as_potential] = POTENTIAL_TERMINAL
    as_regular = _pick(rng, cls == POTENTIAL, 0.006)
    attrs["terminal"][as_regular] = NO_TERMINAL
    weak_core = _pick(rng, cls == CORE, 0.004)
    attrs["tier"][weak_core] = rng.integers(18, 25, n)[weak_core]
    # Recent violations and subsidies the class does not reflect yet.
    not_assist = cls != ASSIST
    violated = _pick(rng, not_assist, 0.008)
    reasons["violation"][violated] = end_day - rng.integers(5, 85, n)[violated]
    subsidised = _pick(rng, not_assist & ~violated, 0.003)
    reasons["low_income"][subsidised] = True


def _fates(rng, count, start_day, end_day) -> dict[str, np.ndarray]:
    """Who churns, declines, closes or opens during the period, and when."""
    fate = _exact_labels(rng, count, FATE_SHARES, NORMAL)
    span = end_day - start_day
    open_day = start_day - rng.integers(30, 15 * 365, count)
    new = fate == NEW
    open_day[new] = (start_day + rng.integers(30, max(31, span - 60), count))[new]
    first_order = open_day + np.where(new, rng.integers(0, 22, count), 0)
    stop = np.full(count, end_day + 1)
    visit_stop = np.full(count, end_day + 1)
    old = fate == CHURN_OLD
    stop[old] = np.maximum(end_day - rng.integers(183, 549, count), start_day + 60)[old]
    mid = fate == CHURN_MID
    # Churn goes on all the time: these stop on any day of the last 18 months (down to 60 days
    # before the end), so every as-of date has customers fading just before they stop.
    stop[mid] = np.maximum(end_day - rng.integers(60, 549, count), start_day + 60)[mid]
    recent = fate == CHURN_RECENT
    stop[recent] = (end_day - rng.integers(21, 57, count))[recent]
    closed = fate == CLOSED
    stop[closed] = (start_day + rng.integers(30, max(31, span - 14), count))[closed]
    visit_stop[closed] = stop[closed]

    decline_start = np.full(count, end_day + 1)
    floor = np.ones(count)
    churner = old | mid | recent
    decline_start[churner] = (stop - 7 * rng.integers(8, 18, count))[churner]
    floor[churner] = rng.uniform(0.3, 0.5, count)[churner]
    decliner = fate == DECLINER
    decline_start[decliner] = end_day - 182
    floor[decliner] = rng.uniform(0.4, 0.6, count)[decliner]
    return {
        "fate": fate,
        "open_day": open_day,
        "first_order": first_order,
        "stop": stop,
        "visit_stop": visit_stop,
        "decline_start": decline_start,
        "floor": floor,
    }


def _shop_names(rng, fmt: np.ndarray) -> list[str]:
    n = len(fmt)
    surname = rng.integers(0, len(SURNAMES), n)
    given = rng.integers(0, len(GIVEN_NAMES), n)
    place = rng.integers(0, len(PLACES), n)
    template = rng.integers(0, 12, n)
    names = []
    columns = (fmt.tolist(), surname.tolist(), given.tolist(), place.tolist(), template.tolist())
    for f, s, g, p, t in zip(*columns, strict=True):
        options = SHOP_TEMPLATES[f]
        names.append(options[t % len(options)].format(s=SURNAMES[s], g=GIVEN_NAMES[g], p=PLACES[p]))
    return names


def _make_customers(rng, count, managers: _Managers, start_day, end_day) -> _Customers:
    n_managers = len(managers.diligence)
    manager = (np.arange(count) * n_managers // count).astype(np.int32)
    region = managers.region[manager]
    code = (330100 + 2 * (region.astype(np.int64) + 1)) * 1_000_000 + np.arange(1, count + 1)
    cls = _exact_labels(
        rng, count, {CORE: CLASS_SHARES[0], POTENTIAL: CLASS_SHARES[1], ASSIST: CLASS_SHARES[3]}, REGULAR
    )
    attrs = _class_attributes(rng, cls)
    reasons = _assist_reasons(rng, cls, end_day)
    _plant_disagreements(rng, cls, attrs, reasons, end_day)
    fates = _fates(rng, count, start_day, end_day)

    # Class and tier set each customer's rank; the value itself is the lognormal quantile of
    # that rank, so the 80/20 shape holds even for a few hundred customers.
    scores = _normal_scores(count)
    base = np.array([2.0, 1.0, 0.0, -0.3])[cls]
    standing = base + 0.05 * (attrs["tier"] - 10) + rng.permutation(scores)
    value_rank = standing.argsort().argsort()
    value = np.exp(6.6 + VALUE_SIGMA * scores[value_rank])
    value_rank = value_rank / max(1, count - 1)
    # Most shops order weekly; smaller ones every two weeks, a few rural ones every four, so
    # "days since the last order" means different things for different customers.
    every = np.where(rng.random(count) < np.array([0.02, 0.10, 0.35, 0.40])[cls], 2, 1)
    every[rng.random(count) < np.array([0.0, 0.02, 0.12, 0.15])[cls]] = 4
    frame = pd.DataFrame(
        {
            "customer_id": code.astype(str),
            "customer_name": _shop_names(rng, attrs["format"]),
            "manager_id": managers.frame["manager_id"].to_numpy()[manager],
            "region": managers.frame["region"].to_numpy()[manager],
            "market_type": pd.Categorical.from_codes(attrs["market"], MARKETS),
            "retail_format": pd.Categorical.from_codes(attrs["format"], FORMATS),
            "tier": attrs["tier"].astype(np.int32),
            "modern_terminal": pd.Categorical.from_codes(attrs["terminal"], TERMINALS),
            "customer_class": pd.Categorical.from_codes(cls, CLASSES),
            "violation_date": _dates(reasons["violation"]),
            "low_income": reasons["low_income"],
            "disabled": reasons["disabled"],
            "open_date": _dates(fates["open_day"]),
            "status": pd.Categorical.from_codes(
                (fates["fate"] == CLOSED).astype(np.int8), ("active", "closed")
            ),
        }
    )
    return _Customers(
        frame=frame,
        code=code,
        manager=manager,
        cls=cls,
        open_day=fates["first_order"],
        stop_day=fates["stop"],
        visit_stop_day=fates["visit_stop"],
        decline_start=fates["decline_start"],
        decline_floor=fates["floor"],
        weekday=_choice(rng, count, (0.2, 0.2, 0.2, 0.2, 0.15, 0.05)),
        every=every,
        parity=rng.integers(0, 4, count) % every,
        skip=rng.uniform(0.02, 0.12, count),
        value=value,
        value_rank=value_rank,
        premium=np.clip(-1.2 + 2.4 * value_rank + rng.normal(0, 0.4, count), -1.5, 1.5),
    )


def _normal_scores(count: int) -> np.ndarray:
    """Standard normal quantiles at (i + 0.5) / count."""
    inverse = NormalDist().inv_cdf
    return np.array([inverse((i + 0.5) / count) for i in range(count)])


def _dates(days: np.ndarray) -> np.ndarray:
    """Day numbers to datetime64 (negative = missing)."""
    out = days.astype("datetime64[D]").astype("datetime64[s]")
    out[days < 0] = np.datetime64("NaT")
    return out


# ------------------------------------------------------------------ orders


def _fade(days, decline_start, stop, floor, end_day) -> np.ndarray:
    """Value multiplier: 1 before the decline starts, falling linearly to `floor`."""
    finish = np.minimum(stop, end_day + 1)
    length = np.maximum(finish - decline_start, 1)
    progress = np.clip((days - decline_start) / length, 0.0, 1.0)
    return 1.0 - (1.0 - floor) * progress


def _order_lines(rng, c: _Customers, sl: slice, start_day, end_day, first_monday) -> pd.DataFrame:
    """Every order line of a batch of customers: weekly (or fortnightly) orders, split by brand."""
    n = sl.stop - sl.start
    n_weeks = (end_day - first_monday) // 7 + 1
    week = np.arange(n_weeks)
    days = first_monday + 7 * week[None, :] + c.weekday[sl, None]
    fade = _fade(days, c.decline_start[sl, None], c.stop_day[sl, None], c.decline_floor[sl, None], end_day)
    skip = c.skip[sl, None] + 0.5 * (1.0 - fade)  # orders thin out while a customer slips away
    ordered = (
        (days >= start_day)
        & (days <= end_day)
        & (days >= c.open_day[sl, None])
        & (days < c.stop_day[sl, None])
        & (rng.random((n, n_weeks)) >= skip)
    )
    ordered &= week[None, :] % c.every[sl, None] == c.parity[sl, None]
    cust, wk = np.nonzero(ordered)
    day = days[cust, wk]
    growth = 1.04 ** ((day - start_day) / 365.0)
    value = (
        c.value[sl][cust]
        * ORDER_SIZE[c.every[sl][cust]]
        * fade[cust, wk]
        * _season(day)
        * growth
        * rng.lognormal(0.0, 0.3, len(cust))
    )

    rank = c.value_rank[sl][cust]
    n_lines = 1 + rng.binomial(5, 0.06 + 0.3 * rank)
    # Distinct brands per order: Gumbel top-k over popularity and the customer's taste.
    taste = POPULARITY[None, :] + c.premium[sl][cust, None] * (np.log(PRICES) - np.log(200.0))[None, :]
    keys = taste - np.log(-np.log(rng.random((len(cust), len(PRODUCTS)))))
    order_rank = np.argsort(-keys, axis=1).astype(np.int8)
    line_order = np.repeat(np.arange(len(cust)), n_lines)
    line_pos = np.arange(len(line_order)) - np.repeat(np.cumsum(n_lines) - n_lines, n_lines)
    product = order_rank[line_order, line_pos]
    share = rng.exponential(1.0, len(line_order))
    share /= np.bincount(line_order, weights=share)[line_order]
    quantity = np.maximum(1.0, np.round(value[line_order] * share / PRICES[product]))
    amount = quantity * PRICES[product]
    return pd.DataFrame(
        {
            "order_no": (cust + sl.start).astype(np.int32)[line_order],
            "customer_code": c.code[sl][cust][line_order],
            "order_date": day[line_order].astype(np.int32),
            "product": pd.Categorical.from_codes(product, PRODUCT_NAMES),
            "quantity": quantity,
            "amount": amount,
            "cost": np.round(amount * COST_RATIO[product], 2),
        }
    )


# ------------------------------------------------------------------ visits


def _visits(rng, c: _Customers, m: _Managers, sl: slice, start_day, end_day) -> pd.DataFrame:
    """Visits of a batch of customers: the class interval stretched by the manager's diligence,
    snapped to the manager's field days, with method, length and appointment habits."""
    n = sl.stop - sl.start
    cls = c.cls[sl]
    manager = c.manager[sl]
    diligence = m.diligence[manager]
    # A diligence of about 0.8 meets the standard interval; 0.5 stretches it by 60%.
    pace = 1.3 * diligence
    interval = np.clip(CLASS_INTERVAL_DAYS[cls] / pace * rng.lognormal(0.0, 0.2, n), 5, 240)
    first = np.maximum(start_day, c.open_day[sl] - 7) + rng.uniform(0, interval)
    last = np.minimum.reduce([np.full(n, end_day), c.visit_stop_day[sl] - 1, m.leave_day[manager]])
    columns = int(np.ceil((end_day - start_day) / interval.min() * 1.6)) + 3
    gaps = interval[:, None] * rng.gamma(6.0, 1.0 / 6.0, (n, columns))
    gaps[:, 0] = 0.0
    raw = (first[:, None] + np.cumsum(gaps, axis=1)).astype(np.int64)
    day = raw + m.next_field_day[manager[:, None], _weekday(raw)]
    keep = (day <= last[:, None]) & (raw <= last[:, None])
    # Customers slipping away see their manager less often.
    fading = day >= c.decline_start[sl, None]
    keep &= ~fading | (rng.random((n, columns)) < 0.5)
    cust, col = np.nonzero(keep)
    day = day[cust, col]
    k = cls[cust]
    d = diligence[cust]
    count = len(cust)
    good = (d - 0.5) / 0.6  # 0 sloppy .. 1 diligent

    onsite = 0.6 + 0.33 * good
    u = rng.random(count)
    method = np.where(u < onsite, 0, np.where(u < onsite + (1 - onsite) * 0.4, 1, 2)).astype(np.int8)
    minute = 510 + rng.integers(0, 510, count)
    lo, hi = CLASS_MINUTES[k, 0], CLASS_MINUTES[k, 1]
    in_range = rng.random(count) < 0.5 + 0.45 * good
    duration = np.where(in_range, rng.uniform(lo, hi + 0.999), rng.uniform(3, lo))
    duration = np.where(method == 0, duration, rng.uniform(3, 12, count))
    duration = np.where((k == ASSIST) & ~in_range & (method == 0), rng.uniform(31, 45, count), duration)

    visit_at = day * 86400 + minute * 60
    keeps_rule = rng.random(count) < 0.6 + 0.38 * good
    same_day = visit_at - rng.integers(30, 180, count) * 60
    day_before = (day - rng.integers(1, 3, count)) * 86400 + (540 + rng.integers(0, 480, count)) * 60
    appointment = np.full(count, -1, dtype=np.int64)
    core = k == CORE
    appointment[core] = np.where(keeps_rule, day_before, same_day)[core]
    same_day_classes = (k == POTENTIAL) | (k == ASSIST)
    appointment[same_day_classes & keeps_rule] = same_day[same_day_classes & keeps_rule]
    booked_regular = (k == REGULAR) & (rng.random(count) < 0.1)
    appointment[booked_regular] = same_day[booked_regular]
    appointment_ts = appointment.astype("datetime64[s]")
    appointment_ts[appointment < 0] = np.datetime64("NaT")

    note = np.where(rng.random(count) < 0.35, rng.integers(0, len(VISIT_NOTES), count), -1)
    note = np.where((k == ASSIST) & (note >= 0) & (rng.random(count) < 0.5), len(VISIT_NOTES) - 1, note)
    frame = pd.DataFrame(
        {
            "customer_code": c.code[sl][cust],
            "manager_id": pd.Categorical.from_codes(manager[cust], m.frame["manager_id"].tolist()),
            "visit_date": visit_at.astype("datetime64[s]"),
            "duration_min": np.round(duration, 0),
            "method": pd.Categorical.from_codes(method, METHODS),
            "appointment_date": appointment_ts,
            "notes": pd.Categorical.from_codes(note, VISIT_NOTES),
        }
    )
    return frame.sort_values(["visit_date", "customer_code"], kind="stable", ignore_index=True)


# ------------------------------------------------------------------ writing


def _insert(cur, table: str, rows, select_sql: str) -> None:
    """INSERT INTO table from a frame or an Arrow stream registered as `demo_batch`."""
    cur.register("demo_batch", rows)
    try:
        cur.execute(f"INSERT INTO {table} {select_sql}")  # table and SQL are constants of this module
    finally:
        cur.unregister("demo_batch")


class _Stream:
    """Frames made batch by batch, fed to DuckDB as one Arrow stream.

    One INSERT per table instead of one per batch: inside a single transaction DuckDB keeps
    memory for every appending statement until the commit, so many statements would grow
    the process by ~50 bytes per row at province scale."""

    def __init__(self, make_frame: Callable[[int, slice], pd.DataFrame], batches: list[slice]):
        self.make_frame = make_frame
        self.batches = batches
        self.rows = 0

    def reader(self):
        import pyarrow as pa

        frames = (self.make_frame(number, sl) for number, sl in enumerate(self.batches))
        first = pa.Table.from_pandas(next(frames), preserve_index=False)

        def batches():
            table = first
            while table is not None:
                self.rows += table.num_rows
                yield from table.to_batches()
                frame = next(frames, None)
                table = None if frame is None else pa.Table.from_pandas(frame, preserve_index=False)

        return pa.RecordBatchReader.from_batches(first.schema, batches())


_ORDERS_SQL = """(order_id, customer_id, order_date, product, quantity, amount, import_id, cost)
    SELECT 'D' || strftime(day, '%Y%m%d') || lpad(CAST(order_no AS VARCHAR), 7, '0'),
           CAST(customer_code AS VARCHAR), day, CAST(product AS VARCHAR), quantity, amount, NULL, cost
    FROM (SELECT *, DATE '1970-01-01' + order_date AS day FROM demo_batch)"""

_VISITS_SQL = """(visit_id, customer_id, manager_id, visit_date, duration_min, method,
                  appointment_date, notes, import_id)
    SELECT 'V' || lpad(CAST(visit_no AS VARCHAR), 8, '0'),
           CAST(customer_code AS VARCHAR), CAST(manager_id AS VARCHAR), CAST(visit_date AS TIMESTAMP),
           duration_min, CAST(method AS VARCHAR), CAST(appointment_date AS TIMESTAMP),
           CAST(notes AS VARCHAR), NULL
    FROM demo_batch"""


def _write_targets(cur, rng, managers: _Managers) -> int:
    """Monthly sales targets: each manager's actual sales of the month x 1.00-1.10, in thousands."""
    actual = cur.execute(
        """SELECT c.manager_id, strftime(m.month, '%Y-%m') AS month, sum(m.amount) AS sales
           FROM order_months m JOIN customers c USING (customer_id)
           GROUP BY ALL ORDER BY c.manager_id, month"""
    ).df()
    factor = rng.uniform(1.0, 1.1, len(actual))
    targets = pd.DataFrame(
        {
            "manager_id": actual["manager_id"],
            "month": actual["month"],
            "sales_target": np.maximum(
                1000.0, np.round(actual["sales"].to_numpy() * factor / 1000.0) * 1000.0
            ),
        }
    )
    _insert(cur, "targets", targets, "SELECT manager_id, month, sales_target, NULL FROM demo_batch")
    return len(targets)


@contextmanager
def _memory_cap(con):
    """Keep DuckDB's buffer pool small while generating: the whole district is one transaction,
    and without a cap the pool would grow towards 80% of RAM at province scale."""
    cur = con.cursor()
    try:
        before = cur.execute("SELECT current_setting('memory_limit')").fetchall()[0][0]
        cur.execute("SET memory_limit = ?", [GENERATION_MEMORY_LIMIT])
        yield
    finally:
        cur.execute("RESET memory_limit")
        if cur.execute("SELECT current_setting('memory_limit')").fetchall()[0][0] != before:
            cur.execute("SET memory_limit = ?", [before])
        cur.close()


_CLEARED_TABLES = (
    "managers",
    "customers",
    "visits",
    "orders",
    "targets",
    "import_log",
    "import_undo",
    "warning_followups",
    "customer_keys",
)


def generate_demo(
    con,
    customers: int = 3000,
    managers: int = 24,
    months: int = 24,
    seed: int = 7,
    end: date | None = None,
    progress: Callable[[float, str], None] | None = None,
) -> GenerateStats:
    """Replace all data with a generated demo district and mark the store as demo data.

    `end` is the last day of data (default: the last day of last month); the data covers
    `months` full calendar months ending there. Same seed and end give identical tables."""
    began = time.perf_counter()
    report = progress or (lambda fraction, message: None)
    customers, managers, months = max(1, int(customers)), max(1, int(managers)), max(1, int(months))
    end = end or _default_end()
    start = _period_start(end, months)
    start_day, end_day = _day(start), _day(end)
    first_monday = start_day - int(_weekday(np.array(start_day)))

    rng = np.random.default_rng(seed)
    staff = _make_managers(rng, managers, end_day)
    book = _make_customers(rng, customers, staff, start_day, end_day)
    batches = [
        slice(first, min(customers, first + BATCH_CUSTOMERS))
        for first in range(0, customers, BATCH_CUSTOMERS)
    ]

    def order_frame(number: int, sl: slice) -> pd.DataFrame:
        batch_rng = np.random.default_rng([seed, number, 0])
        return _order_lines(batch_rng, book, sl, start_day, end_day, first_monday)

    visit_count = 0

    def visit_frame(number: int, sl: slice) -> pd.DataFrame:
        nonlocal visit_count
        frame = _visits(np.random.default_rng([seed, number, 1]), book, staff, sl, start_day, end_day)
        frame["visit_no"] = np.arange(visit_count + 1, visit_count + len(frame) + 1, dtype=np.int64)
        visit_count += len(frame)
        return frame

    orders, visits = _Stream(order_frame, batches), _Stream(visit_frame, batches)
    with _memory_cap(con), db.transaction(con) as cur:
        report(0.02, "clearing")
        for table in _CLEARED_TABLES:
            cur.execute(f"DELETE FROM {table}")  # constant table names
        _insert(cur, "managers", staff.frame, "SELECT * FROM demo_batch")
        _insert(cur, "customers", book.frame, "SELECT * FROM demo_batch")
        report(0.05, "orders")
        _insert(cur, "orders", orders.reader(), _ORDERS_SQL)
        report(0.6, "visits")
        _insert(cur, "visits", visits.reader(), _VISITS_SQL)
        db.number_visits(cur)
        report(0.7, "aggregates")
        db.refresh_aggregates(cur)
        report(0.95, "targets")
        n_targets = _write_targets(cur, rng, staff)
        db.set_meta(cur, "demo", "1")
        db.set_meta(cur, "demo_declined", None)
    report(1.0, "done")
    return GenerateStats(
        customers=customers,
        managers=managers,
        orders=orders.rows,
        visits=visits.rows,
        targets=n_targets,
        seconds=time.perf_counter() - began,
    )


# ------------------------------------------------------------------ command line


def add_commands(subparsers, parents) -> None:
    cmd = subparsers.add_parser(
        "init-demo", parents=[parents["db"]], help="replace all data with generated demo data"
    )
    cmd.add_argument("--customers", type=int, default=3000)
    cmd.add_argument("--managers", type=int, default=24)
    cmd.add_argument("--months", type=int, default=24)
    cmd.add_argument("--seed", type=int, default=7)
    cmd.add_argument("--end", type=date.fromisoformat, help="last day of data, YYYY-MM-DD")
    cmd.set_defaults(handler=_cmd_init_demo)


def _cmd_init_demo(args: argparse.Namespace) -> int:
    con = db.connect(args.db)
    stats = generate_demo(
        con,
        customers=args.customers,
        managers=args.managers,
        months=args.months,
        seed=args.seed,
        end=args.end,
    )
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # Linux: kilobytes
    print(
        f"demo data: {stats.managers} managers, {stats.customers} customers, {stats.orders} order lines, "
        f"{stats.visits} visits, {stats.targets} targets in {stats.seconds:.1f} s "
        f"(peak memory {peak_mb:.0f} MB)"
    )
    return 0
