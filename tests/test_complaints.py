"""Complaints within their deadlines: working days across a weekend and configured holidays, per
manager compliance and the open complaints past due (answers worked out on paper)."""

from __future__ import annotations

from datetime import date, datetime

import pytest

from analytics import complaints
from analytics.complaints import add_working_days, working_days_between
from analytics.filters import Filters
from tests.conftest import insert, insert_customers, insert_managers

HOLIDAYS = [date(2026, 10, 1), date(2026, 10, 2)]  # Thursday and Friday
SETTINGS = {"complaints": {"holidays": [d.isoformat() for d in HOLIDAYS]}}
AS_OF = date(2026, 12, 4)  # a Friday


def test_working_days_across_a_weekend():
    assert add_working_days(date(2026, 11, 27), 1) == date(2026, 11, 30)  # Friday -> Monday
    assert add_working_days(date(2026, 11, 28), 1) == date(2026, 11, 30)  # Saturday -> Monday
    assert add_working_days(date(2026, 11, 27), 7) == date(2026, 12, 8)
    assert working_days_between(date(2026, 11, 27), date(2026, 11, 30)) == 1
    assert working_days_between(date(2026, 11, 30), date(2026, 11, 30)) == 0


def test_working_days_across_holidays():
    assert add_working_days(date(2026, 9, 30), 1) == date(2026, 10, 1)
    assert add_working_days(date(2026, 9, 30), 1, HOLIDAYS) == date(2026, 10, 5)
    assert add_working_days(date(2026, 9, 30), 7, HOLIDAYS) == date(2026, 10, 13)
    assert add_working_days(date(2026, 10, 1), 1, HOLIDAYS) == date(2026, 10, 5)  # received on a holiday
    assert working_days_between(date(2026, 9, 30), date(2026, 10, 5), HOLIDAYS) == 1


def _complaint(
    cid: str, customer: str, received: str, contact: str | None = None, reply: str | None = None
) -> dict:
    def stamp(text: str | None) -> datetime | None:
        return datetime.fromisoformat(text) if text else None

    return {
        "complaint_id": cid,
        "customer_id": customer,
        "received_at": stamp(received),
        "first_contact_at": stamp(contact),
        "replied_at": stamp(reply),
        "category": "配送服务",
    }


@pytest.fixture
def book(optional_con):
    con = optional_con
    insert_managers(con, {"M1": "甲", "M2": "乙"})
    insert_customers(con, {"A1": "M1", "A2": "M1", "B1": "M2"})
    insert(
        con,
        "complaints",
        [
            _complaint("c1", "A1", "2026-11-27 10:00", "2026-11-30 15:00", "2026-12-04 09:00"),
            _complaint("c2", "A1", "2026-11-27 10:00", "2026-12-01 09:00"),  # contact late, reply not due yet
            _complaint("c3", "A2", "2026-09-30 16:00", "2026-10-05 09:00", "2026-10-14 09:00"),  # holidays
            _complaint("c4", "B1", "2026-11-16 09:00"),  # never contacted: past due
            _complaint("c5", "B1", "2026-12-03 18:00"),  # contact deadline is today: not due
            _complaint("c6", "B1", "2026-12-05 09:00"),  # after as_of
        ],
    )
    return con


def test_per_manager_compliance(book):
    frame = complaints.manager_compliance(book, Filters(), AS_OF, SETTINGS).set_index("manager_id")
    m1, m2 = frame.loc["M1"], frame.loc["M2"]
    assert (m1["complaints"], m1["contacted_in_time"], m1["replied_in_time"], m1["open_past_due"]) == (
        3,
        2,
        1,
        0,
    )
    assert m1["contact_rate"] == pytest.approx(2 / 3) and m1["reply_rate"] == pytest.approx(0.5)
    assert (m2["complaints"], m2["contacted_in_time"], m2["replied_in_time"], m2["open_past_due"]) == (
        2,
        0,
        0,
        1,
    )
    assert (m2["contact_rate"], m2["reply_rate"]) == (0, 0)


def test_without_the_holidays_the_contact_is_late(book):
    frame = complaints.manager_compliance(book, Filters(), AS_OF).set_index("manager_id")
    assert frame.loc["M1", "contacted_in_time"] == 1


def test_open_past_due(book):
    frame = complaints.past_due(book, Filters(), AS_OF, SETTINGS)
    assert frame[["complaint_id", "late_step", "deadline", "working_days_late"]].values.tolist() == [
        ["c4", "contact", date(2026, 11, 17), 13]
    ]


def test_scorecard_item(book):
    scores = complaints.manager_complaint_scores(book, Filters(end=AS_OF), SETTINGS).set_index("manager_id")
    assert scores["complaint_score"].to_dict() == pytest.approx({"M1": (2 / 3 + 0.5) * 50, "M2": 0.0})


def test_store_without_the_table(con):
    frame = complaints.manager_compliance(con, Filters(), AS_OF)
    assert frame.empty and list(frame.columns) == complaints.MANAGER_COLUMNS
    assert complaints.past_due(con, Filters(), AS_OF).empty
