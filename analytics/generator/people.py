"""The demo district's managers and customers: teams and regions, field days, classes that
(mostly) follow the class rules, assist reasons, fates and typical order values."""

from __future__ import annotations

from dataclasses import dataclass
from statistics import NormalDist

import numpy as np
import pandas as pd

from analytics.generator.vocabulary import (
    ASSIST,
    BUILDING,
    BUILT,
    CHURN_MID,
    CHURN_OLD,
    CHURN_RECENT,
    CITY,
    CLASS_SHARES,
    CLASSES,
    CLOSED,
    CORE,
    DECLINER,
    FATE_SHARES,
    FORMATS,
    GIVEN_NAMES,
    GROCERY,
    MARKETS,
    NEW,
    NO_TERMINAL,
    NORMAL,
    PLACES,
    POTENTIAL,
    POTENTIAL_TERMINAL,
    REGION_NAMES,
    REGULAR,
    RURAL,
    SHOP_TEMPLATES,
    SURNAMES,
    TEAM_BASES,
    TERMINALS,
    TOBACCO_LIQUOR,
    TOWN,
    VALUE_SIGMA,
)


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
    n_inactive = round(count * 0.04)
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
        n = round(share * count)
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


def _assist_reasons(rng: np.random.Generator, cls: np.ndarray, end_day: int) -> dict[str, np.ndarray]:
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


def _pick(rng: np.random.Generator, mask: np.ndarray, share: float) -> np.ndarray:
    """Exactly round(share x len(mask)) (at least one) customers drawn from `mask`."""
    candidates = np.flatnonzero(mask)
    n = min(len(candidates), max(1, round(share * len(mask))))
    chosen = np.zeros(len(mask), dtype=bool)
    chosen[rng.choice(candidates, n, replace=False)] = True
    return chosen


def _plant_disagreements(
    rng: np.random.Generator,
    cls: np.ndarray,
    attrs: dict[str, np.ndarray],
    reasons: dict[str, np.ndarray],
    end_day: int,
) -> None:
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


def _fates(rng: np.random.Generator, count: int, start_day: int, end_day: int) -> dict[str, np.ndarray]:
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


def _shop_names(rng: np.random.Generator, fmt: np.ndarray) -> list[str]:
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


def _make_customers(
    rng: np.random.Generator, count: int, managers: _Managers, start_day: int, end_day: int
) -> _Customers:
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
