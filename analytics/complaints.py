"""Complaints (domain guide §4, seed 004:360), optional table ``complaints``. A complaint meets
the standard when the first contact is within ``complaints.contact_working_days`` (1) working
day of receipt and the reply within ``complaints.reply_working_days`` (7). Working days are
Monday to Friday less ``complaints.holidays``.

A deadline of n working days is the n-th working day after the day of receipt (a complaint
received on a Saturday or a holiday counts from the working day before, so its 1-day deadline is
the next working day); an event on the deadline day is in time. As of a day d a complaint is
*due* for contact when its contact deadline is before d or it has been contacted (likewise for
the reply); the in-time rates are over the due complaints, so one received yesterday is not yet
late. Open past due = not contacted or not replied, with that deadline before d.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date

import duckdb
import numpy as np
import pandas as pd

from analytics import config, db, sql
from analytics.filters import Filters
from analytics.optional_tables import empty, has_table
from analytics.settings import Settings

TABLE = "complaints"
STEPS = ("contact", "reply")
EVENT = {"contact": "first_contact_at", "reply": "replied_at"}
MANAGER_COLUMNS = [
    "manager_id",
    "manager_name",
    "complaints",
    "contacted_in_time",
    "contact_rate",
    "replied_in_time",
    "reply_rate",
    "open_past_due",
]
PAST_DUE_COLUMNS = [
    "complaint_id",
    "customer_id",
    "customer_name",
    "manager_id",
    "manager_name",
    "received_at",
    "category",
    "late_step",
    "deadline",
    "working_days_late",
]


def _calendar(holidays: Iterable[date]) -> np.busdaycalendar:
    return np.busdaycalendar(weekmask="1111100", holidays=np.array(sorted(holidays), dtype="datetime64[D]"))


def add_working_days(day: date, n: int, holidays: Iterable[date] = ()) -> date:
    """The n-th working day after `day` (a non-working day counts from the working day before)."""
    offset = np.busday_offset(np.datetime64(day, "D"), n, roll="backward", busdaycal=_calendar(holidays))
    return offset.astype(object)


def working_days_between(start: date, end: date, holidays: Iterable[date] = ()) -> int:
    """Working days after `start` up to and including `end` (0 when end <= start)."""
    if end <= start:
        return 0
    first = np.datetime64(start, "D") + 1
    return int(np.busday_count(first, np.datetime64(end, "D") + 1, busdaycal=_calendar(holidays)))


def _days(values: pd.Series) -> np.ndarray:
    """Timestamps as datetime64[D] (NaT stays NaT)."""
    return pd.to_datetime(values).to_numpy(dtype="datetime64[D]")


def with_deadlines(frame: pd.DataFrame, as_of: date, settings: Settings | dict | None = None) -> pd.DataFrame:
    """`frame` (complaint rows) with, per step (contact, reply): <step>_deadline, <step>_done (the
    event happened by as_of), <step>_in_time, <step>_due and <step>_past_due."""
    s = config.as_settings(settings).complaints
    calendar = _calendar(s.holidays)
    received = _days(frame["received_at"])
    today = np.datetime64(as_of, "D")
    out = frame.copy()
    for step, n in (("contact", s.contact_working_days), ("reply", s.reply_working_days)):
        deadline = np.busday_offset(received, n, roll="backward", busdaycal=calendar)
        event = _days(frame[EVENT[step]])
        done = ~np.isnat(event) & (event <= today)
        out[f"{step}_deadline"] = pd.Series(deadline, index=frame.index).dt.date
        out[f"{step}_done"] = done
        out[f"{step}_in_time"] = done & (event <= deadline)
        out[f"{step}_due"] = done | (deadline < today)
        out[f"{step}_past_due"] = ~done & (deadline < today)
    return out


def complaint_rows(
    con: duckdb.DuckDBPyConnection,
    filters: Filters,
    as_of: date | None = None,
    settings: Settings | dict | None = None,
    since: date | None = None,
) -> pd.DataFrame:
    """Every complaint received from `since` up to as_of in scope, with its deadlines
    (``with_deadlines``); empty without the table."""
    as_of = as_of or filters.end or db.last_data_date(con)
    if as_of is None or not has_table(con, TABLE):
        return pd.DataFrame()
    frame = sql.query(
        con,
        "complaints/complaints",
        {"as_of": as_of, "since": since},
        filters=filters,
        since=since is not None,
    )
    return with_deadlines(frame, as_of, settings)


def _rate(hits: int, base: int) -> float:
    return hits / base if base else np.nan


def manager_compliance(
    con: duckdb.DuckDBPyConnection,
    filters: Filters,
    as_of: date | None = None,
    settings: Settings | dict | None = None,
    since: date | None = None,
) -> pd.DataFrame:
    """MANAGER_COLUMNS per manager with complaints: complaints received, contacted in time and its
    share of the complaints due for contact, replied in time and its share of those due for a
    reply, open past due (a complaint late on either step counts once). Rates NaN without a base."""
    rows = complaint_rows(con, filters, as_of, settings, since)
    if rows.empty:
        return empty(MANAGER_COLUMNS)
    records = []
    for (manager_id, manager_name), group in rows.groupby(["manager_id", "manager_name"], dropna=False):
        records.append(
            {
                "manager_id": manager_id,
                "manager_name": manager_name,
                "complaints": len(group),
                "contacted_in_time": int(group["contact_in_time"].sum()),
                "contact_rate": _rate(int(group["contact_in_time"].sum()), int(group["contact_due"].sum())),
                "replied_in_time": int(group["reply_in_time"].sum()),
                "reply_rate": _rate(int(group["reply_in_time"].sum()), int(group["reply_due"].sum())),
                "open_past_due": int((group["contact_past_due"] | group["reply_past_due"]).sum()),
            }
        )
    return pd.DataFrame(records, columns=MANAGER_COLUMNS).sort_values("manager_id", ignore_index=True)


def past_due(
    con: duckdb.DuckDBPyConnection,
    filters: Filters,
    as_of: date | None = None,
    settings: Settings | dict | None = None,
) -> pd.DataFrame:
    """Open complaints past a deadline as of as_of (PAST_DUE_COLUMNS), the longest late first:
    late_step is contact when the customer was never contacted, else reply; working_days_late
    counts the working days after the deadline up to as_of."""
    as_of = as_of or filters.end or db.last_data_date(con)
    rows = complaint_rows(con, filters, as_of, settings)
    if rows.empty:
        return empty(PAST_DUE_COLUMNS)
    s = config.as_settings(settings).complaints
    late = rows[rows["contact_past_due"] | rows["reply_past_due"]].copy()
    late["late_step"] = np.where(late["contact_past_due"], "contact", "reply")
    late["deadline"] = np.where(late["contact_past_due"], late["contact_deadline"], late["reply_deadline"])
    late["working_days_late"] = [working_days_between(d, as_of, s.holidays) for d in late["deadline"]]
    late = late.sort_values(["working_days_late", "complaint_id"], ascending=[False, True], kind="stable")
    return late[PAST_DUE_COLUMNS].reset_index(drop=True)


def manager_complaint_scores(
    con: duckdb.DuckDBPyConnection,
    filters: Filters,
    settings: Settings | dict | None = None,
) -> pd.DataFrame:
    """manager_id, complaint_score (0-100): the mean of the contact and reply in-time rates × 100
    for the complaints received in the filters' period, as of its end; a rate without a base is
    left out, and a manager without any due complaint gets NaN (the scorecard item is skipped)."""
    frame = manager_compliance(con, filters, filters.end, settings, since=filters.start)
    if frame.empty:
        return pd.DataFrame({"manager_id": [], "complaint_score": []})
    score = frame[["contact_rate", "reply_rate"]].mean(axis=1, skipna=True) * 100
    return pd.DataFrame({"manager_id": frame["manager_id"], "complaint_score": score})
