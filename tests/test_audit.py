"""The audit log (issue 17): entries written and read back, their filters, and the entries that
signing in and changing accounts leave — never a password, never a name that matched no account."""

from __future__ import annotations

import json
from datetime import datetime, timedelta

import pytest
from argon2 import PasswordHasher

from analytics import accounts, audit, db

T0 = datetime(2025, 3, 3, 9, 0, 0)


@pytest.fixture(autouse=True)
def fast_hashing(monkeypatch):
    monkeypatch.setattr(accounts, "_HASHER", PasswordHasher(time_cost=1, memory_cost=1024, parallelism=1))


def _entries(con, **filters):
    """(recorded_at, user_name, action, detail) of the entries read, newest first; NULL as None."""
    log = audit.read(con, **filters).astype(object).where(lambda f: f.notna(), None)
    return [
        (
            row.recorded_at.to_pydatetime(),
            row.user_name,
            row.action,
            json.loads(row.detail) if row.detail else None,
        )
        for row in log.itertuples(index=False)
    ]


def test_record_and_read_back_with_filters(con):
    audit.record(con, "boss", "export", {"table": "pareto", "filters": {"teams": ["城东班组"]}}, at=T0)
    audit.record(con, "li", audit.AuditAction.IMPORT, "orders_2025-02.csv", at=T0 + timedelta(minutes=1))
    audit.record(
        con,
        "boss",
        "setting_changed",
        {"key": "warnings.lost_after_days", "old": 90, "new": 60},
        at=T0 + timedelta(minutes=2),
    )
    audit.record(con, "boss", "sign_out", at=T0 + timedelta(minutes=3))

    assert _entries(con) == [
        (T0 + timedelta(minutes=3), "boss", "sign_out", None),
        (
            T0 + timedelta(minutes=2),
            "boss",
            "setting_changed",
            {"key": "warnings.lost_after_days", "new": 60, "old": 90},
        ),
        (T0 + timedelta(minutes=1), "li", "import", "orders_2025-02.csv"),
        (T0, "boss", "export", {"filters": {"teams": ["城东班组"]}, "table": "pareto"}),
    ]
    assert [e[2] for e in _entries(con, user="boss")] == ["sign_out", "setting_changed", "export"]
    assert [e[2] for e in _entries(con, action="import")] == ["import"]
    assert [e[2] for e in _entries(con, since=T0 + timedelta(minutes=2))] == ["sign_out", "setting_changed"]
    assert [e[2] for e in _entries(con, user="boss", limit=2)] == ["sign_out", "setting_changed"]
    assert _entries(con, user="nobody") == []
    assert list(audit.read(con).columns) == ["recorded_at", "user_name", "action", "detail"]


def test_unknown_actions_are_refused(con):
    with pytest.raises(ValueError, match="unknown audit action"):
        audit.record(con, "boss", "deleted_everything")
    assert set(audit.ACTIONS) == {
        "sign_in",
        "sign_in_failed",
        "sign_out",
        "import",
        "undo_import",
        "export",
        "setting_changed",
        "followup",
        "clear_demo",
        "backup",
        "restore",
        "account_changed",
    }


def test_entries_leave_the_data_version_alone(con):
    before = db.data_version(con)
    audit.record(con, "boss", "sign_out", at=T0)
    assert db.data_version(con) == before
    assert db.data_version(con, audit.AUDIT_VERSION) == 1


def test_record_from_inside_a_transaction(con):
    audit.record(con, "boss", "sign_out", at=T0)  # the tables exist from here on
    with db.transaction(con) as cur:
        audit.record(cur, "boss", "followup", {"customer_id": "C001", "status": "contacted"}, at=T0)
    assert [e[2] for e in _entries(con)] == ["followup", "sign_out"]


def test_failed_sign_ins_and_the_lock_out_are_recorded(con):
    accounts.add_user(con, "boss", "admin", "Correct-Horse-42")
    for i in range(5):
        accounts.authenticate(con, "boss", "Wrong-Guess-77", now=T0 + timedelta(seconds=i))
    accounts.authenticate(con, "boss", "Correct-Horse-42", now=T0 + timedelta(minutes=1))  # still locked
    accounts.authenticate(con, "Correct-Horse-42", "boss", now=T0 + timedelta(minutes=2))  # fields swapped
    accounts.authenticate(con, "boss", "Correct-Horse-42", now=T0 + timedelta(minutes=16))

    entries = [e for e in _entries(con) if e[0] < T0 + timedelta(days=1)]  # not the account's creation
    assert entries == [
        (T0 + timedelta(minutes=16), "boss", "sign_in", None),
        (T0 + timedelta(minutes=2), None, "sign_in_failed", {"reason": "unknown_user"}),
        (T0 + timedelta(minutes=1), "boss", "sign_in_failed", {"reason": "locked"}),
        *[
            (
                T0 + timedelta(seconds=4),
                "boss",
                "account_changed",
                {"account": "boss", "change": "locked", "until": "2025-03-03 09:15:04"},
            ),
            (
                T0 + timedelta(seconds=4),
                "boss",
                "sign_in_failed",
                {"reason": "wrong_password", "failed_attempts": 5, "locked_until": "2025-03-03 09:15:04"},
            ),
        ],
        *[
            (
                T0 + timedelta(seconds=i),
                "boss",
                "sign_in_failed",
                {"reason": "wrong_password", "failed_attempts": i + 1},
            )
            for i in (3, 2, 1, 0)
        ],
    ]
    text = audit.read(con).to_csv()
    assert "Correct-Horse-42" not in text and "Wrong-Guess-77" not in text and "argon2" not in text


def test_account_changes_are_recorded_with_who_made_them(con):
    accounts.add_user(con, "boss", "admin", "Correct-Horse-42", by="cli:root")
    accounts.add_user(con, "li", "supervisor", "Supervisor-1", teams=["城东班组"], by="boss")
    accounts.disable_user(con, "li", by="boss")
    accounts.enable_user(con, "li", by="boss")
    accounts.set_password(con, "li", "Supervisor-2", by="boss")
    changes = [(e[1], e[3]) for e in reversed(_entries(con, action="account_changed"))]
    assert changes == [
        (
            "cli:root",
            {"account": "boss", "change": "added", "role": "admin", "teams": [], "manager_id": None},
        ),
        (
            "boss",
            {
                "account": "li",
                "change": "added",
                "role": "supervisor",
                "teams": ["城东班组"],
                "manager_id": None,
            },
        ),
        ("boss", {"account": "li", "change": "disabled"}),
        ("boss", {"account": "li", "change": "enabled"}),
        ("boss", {"account": "li", "change": "password"}),
    ]
    assert "Supervisor-" not in audit.read(con).to_csv()


def test_cli_user_names_the_login():
    assert audit.cli_user().startswith("cli")
