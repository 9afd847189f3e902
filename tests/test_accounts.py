"""Accounts (issue 17): hashing, sign-in with lock-out, disabled accounts, role rules, scope and
permissions, and the `users` commands. Times are passed in (`now=`), so every lock is worked out
by hand: the 5th wrong password at 09:00:04 locks the account until 09:15:04."""

from __future__ import annotations

import io
import re
from datetime import datetime, timedelta
from pathlib import Path

import pytest
from argon2 import PasswordHasher

from analytics import accounts, db
from analytics.accounts import Account, AccountError, Scope
from analytics.i18n import LANGUAGES, catalog, t

ROOT = Path(__file__).resolve().parent.parent
T0 = datetime(2025, 3, 3, 9, 0, 0)
PASSWORD = "Correct-Horse-42"


@pytest.fixture(autouse=True)
def fast_hashing(monkeypatch):
    """Cheap argon2 parameters (the defaults take ~0.2 s a hash); test_rehash… uses the real ones."""
    monkeypatch.setattr(accounts, "_HASHER", PasswordHasher(time_cost=1, memory_cost=1024, parallelism=1))


@pytest.fixture
def admin(con):
    return accounts.add_user(con, "boss", "admin", PASSWORD, display_name="王经理")


def _state(con, name):
    """(failed_attempts, locked_until) of an account."""
    return db.rows(con, "SELECT failed_attempts, locked_until FROM users WHERE user_name = ?", [name])[0]


# ------------------------------------------------------------------------------------ hashing


def test_password_is_stored_only_as_an_argon2_hash(con, admin, tmp_path):
    stored = db.scalar(con, "SELECT password_hash FROM users WHERE user_name = 'boss'")
    assert stored != PASSWORD and stored.startswith("$argon2id$")
    assert PasswordHasher().verify(stored, PASSWORD)
    assert accounts.authenticate(con, "boss", PASSWORD, now=T0) == admin
    assert accounts.authenticate(con, "boss", "Wrong-Guess-77", now=T0) is None
    db.rows(con, "CHECKPOINT")
    files = [tmp_path / "test.duckdb", tmp_path / "test.duckdb.wal"]
    data = b"".join(f.read_bytes() for f in files if f.exists())
    assert b"$argon2id$" in data  # strings of the users table are readable in the file ...
    for secret in (PASSWORD, "Wrong-Guess-77"):  # ... but no password, right or wrong, is there
        assert secret.encode() not in data
        assert secret.encode("utf-16-le") not in data


def test_a_hash_made_with_weaker_parameters_is_upgraded_at_sign_in(con, admin, monkeypatch):
    weak = db.scalar(con, "SELECT password_hash FROM users WHERE user_name = 'boss'")
    assert "m=1024,t=1,p=1" in weak
    monkeypatch.setattr(accounts, "_HASHER", PasswordHasher())  # the production parameters
    assert accounts.authenticate(con, "boss", PASSWORD, now=T0) == admin
    strong = db.scalar(con, "SELECT password_hash FROM users WHERE user_name = 'boss'")
    assert strong != weak and "m=65536,t=3,p=4" in strong
    assert accounts.authenticate(con, "boss", PASSWORD, now=T0) == admin


def test_list_users_has_no_hashes(con, admin):
    accounts.add_user(con, "li", "supervisor", "Supervisor-1", teams=["城东班组", "城西班组", "城东班组"])
    users = accounts.list_users(con)
    assert list(users.columns) == [
        "user_name",
        "display_name",
        "role",
        "teams",
        "manager_id",
        "active",
        "failed_attempts",
        "locked_until",
        "created_at",
        "updated_at",
    ]
    assert users["user_name"].tolist() == ["boss", "li"]
    assert users["teams"].tolist() == ["", "城东班组, 城西班组"]  # duplicates dropped, order kept
    assert users["display_name"].tolist() == ["王经理", "li"]
    assert not users.astype(str).apply(lambda c: c.str.contains("argon2")).any().any()


# ----------------------------------------------------------------------------------- lock-out


def test_five_wrong_passwords_lock_for_15_minutes_then_unlock(con, admin):
    for i in range(4):
        result = accounts.sign_in(con, "boss", "nope-nope", now=T0 + timedelta(seconds=i))
        assert (result.account, result.reason, result.message) == (
            None,
            "wrong_password",
            "accounts.error_sign_in",
        )
    assert _state(con, "boss") == (4, None)

    fifth = accounts.sign_in(con, "boss", "nope-nope", now=T0 + timedelta(seconds=4))
    assert fifth.reason == "locked" and fifth.message == "accounts.error_locked"
    assert fifth.locked_until == datetime(2025, 3, 3, 9, 15, 4) and fifth.minutes == 15

    # Locked: even the right password is refused until 09:15:04.
    early = accounts.sign_in(con, "boss", PASSWORD, now=datetime(2025, 3, 3, 9, 15, 3))
    assert early.account is None and early.reason == "locked" and early.minutes == 1
    assert accounts.authenticate(con, "boss", PASSWORD, now=datetime(2025, 3, 3, 9, 10, 0)) is None
    assert accounts.sign_in(con, "boss", PASSWORD, now=datetime(2025, 3, 3, 9, 4, 5)).minutes == 11
    # Attempts while locked do not extend the lock.
    assert _state(con, "boss")[1] == datetime(2025, 3, 3, 9, 15, 4)

    assert accounts.authenticate(con, "boss", PASSWORD, now=datetime(2025, 3, 3, 9, 15, 4)) == admin
    assert _state(con, "boss") == (0, None)


def test_a_success_resets_the_count(con, admin):
    for i in range(4):
        accounts.authenticate(con, "boss", "nope-nope", now=T0 + timedelta(seconds=i))
    assert accounts.authenticate(con, "boss", PASSWORD, now=T0 + timedelta(seconds=5)) == admin
    assert _state(con, "boss")[0] == 0
    for i in range(4):
        accounts.authenticate(con, "boss", "nope-nope", now=T0 + timedelta(seconds=10 + i))
    assert _state(con, "boss")[0] == 4  # 4 + 4 wrong around a success: never 5 in a row
    assert accounts.authenticate(con, "boss", PASSWORD, now=T0 + timedelta(seconds=20)) == admin


def test_after_a_lock_ends_the_count_starts_again(con, admin):
    for i in range(5):
        accounts.authenticate(con, "boss", "nope-nope", now=T0 + timedelta(seconds=i))
    later = T0 + timedelta(minutes=20)
    result = accounts.sign_in(con, "boss", "nope-nope", now=later)
    assert result.reason == "wrong_password"  # 1 wrong after the lock, not a 6th
    assert _state(con, "boss")[0] == 1


def test_lock_rules_are_configurable(con, admin):
    rules = {"max_attempts": 2, "lock_minutes": 1}
    assert accounts.sign_in(con, "boss", "nope-nope", now=T0, **rules).reason == "wrong_password"
    second = accounts.sign_in(con, "boss", "nope-nope", now=T0, **rules)
    assert second.reason == "locked" and second.locked_until == T0 + timedelta(minutes=1)
    assert accounts.authenticate(con, "boss", PASSWORD, now=T0 + timedelta(seconds=59), **rules) is None
    assert accounts.authenticate(con, "boss", PASSWORD, now=T0 + timedelta(seconds=60), **rules) == admin


def test_unknown_user_gets_the_same_message_as_a_wrong_password(con, admin):
    unknown = accounts.sign_in(con, "nobody", PASSWORD, now=T0)
    wrong = accounts.sign_in(con, "boss", "nope-nope", now=T0)
    assert unknown.account is None and unknown.reason == "unknown_user"
    assert unknown.message == wrong.message == "accounts.error_sign_in"
    assert accounts.sign_in(con, "", PASSWORD, now=T0).reason == "unknown_user"


# ---------------------------------------------------------------------------- disable, enable


def test_disabled_account_never_signs_in(con, admin):
    accounts.add_user(con, "li", "supervisor", "Supervisor-1", teams=["城东班组"])
    accounts.disable_user(con, "li")
    result = accounts.sign_in(con, "li", "Supervisor-1", now=T0)
    assert (
        result.account is None and result.reason == "disabled" and result.message == "accounts.error_disabled"
    )
    # A wrong password on a disabled account says nothing about the account, and is not counted.
    wrong = accounts.sign_in(con, "li", "nope-nope", now=T0)
    assert wrong.message == "accounts.error_sign_in" and _state(con, "li")[0] == 0
    assert accounts.get_account(con, "li").role == "supervisor"  # kept, with its history
    assert not accounts.list_users(con).set_index("user_name").loc["li", "active"]

    accounts.enable_user(con, "li")
    assert accounts.authenticate(con, "li", "Supervisor-1", now=T0).teams == ("城东班组",)


def test_enable_and_new_password_lift_a_lock(con, admin):
    accounts.add_user(con, "li", "supervisor", "Supervisor-1", teams=["城东班组"])
    for _ in range(5):
        accounts.authenticate(con, "li", "nope-nope", now=T0)
    accounts.enable_user(con, "li")
    assert accounts.authenticate(con, "li", "Supervisor-1", now=T0) is not None
    for _ in range(5):
        accounts.authenticate(con, "li", "nope-nope", now=T0)
    accounts.set_password(con, "li", "Brand-New-Pass")
    assert accounts.authenticate(con, "li", "Supervisor-1", now=T0) is None
    assert accounts.authenticate(con, "li", "Brand-New-Pass", now=T0) is not None


def test_the_last_active_admin_cannot_be_disabled(con, admin):
    with pytest.raises(AccountError) as refused:
        accounts.disable_user(con, "boss")
    assert refused.value.key == "accounts.error_last_admin"
    accounts.add_user(con, "deputy", "admin", "Deputy-Admin-1")
    accounts.disable_user(con, "boss")
    with pytest.raises(AccountError, match=r"accounts\.error_last_admin"):
        accounts.disable_user(con, "deputy")


def test_changes_of_an_unknown_account_are_refused(con, admin):
    for change in (accounts.disable_user, accounts.enable_user):
        with pytest.raises(AccountError, match=r"accounts\.error_unknown_user"):
            change(con, "ghost")
    with pytest.raises(AccountError, match=r"accounts\.error_unknown_user"):
        accounts.set_password(con, "ghost", "Long-Enough-1")


# -------------------------------------------------------------------------------- validation


@pytest.mark.parametrize(
    "name, role, password, options, key",
    [
        ("x", "owner", "Long-Enough-1", {}, "accounts.error_unknown_role"),
        ("x", "supervisor", "Long-Enough-1", {}, "accounts.error_no_team"),
        ("x", "supervisor", "Long-Enough-1", {"teams": [" ", ""]}, "accounts.error_no_team"),
        ("x", "manager", "Long-Enough-1", {}, "accounts.error_no_manager"),
        ("x", "manager", "Long-Enough-1", {"teams": ["城东班组"]}, "accounts.error_no_manager"),
        ("", "admin", "Long-Enough-1", {}, "accounts.error_empty_name"),
        ("   ", "admin", "Long-Enough-1", {}, "accounts.error_empty_name"),
        ("two words", "admin", "Long-Enough-1", {}, "accounts.error_bad_name"),
        ("x" * 65, "admin", "Long-Enough-1", {}, "accounts.error_bad_name"),
        ("x", "admin", "7-chars", {}, "accounts.error_short_password"),
        ("x", "admin", "", {}, "accounts.error_short_password"),
        ("boss", "admin", "Long-Enough-1", {}, "accounts.error_name_taken"),
    ],
)
def test_invalid_accounts_are_refused_with_a_message_key(con, admin, name, role, password, options, key):
    with pytest.raises(AccountError) as refused:
        accounts.add_user(con, name, role, password, **options)
    assert isinstance(refused.value, ValueError)
    assert refused.value.key == key
    for lang in LANGUAGES:
        assert refused.value.message(lang)  # every error has its text, placeholders filled
    assert accounts.list_users(con)["user_name"].tolist() == ["boss"]


def test_eight_characters_are_enough_and_names_are_trimmed(con, admin):
    account = accounts.add_user(con, "  zhang  ", "manager", "8-chars!", manager_id=" M001 ")
    assert account == Account("zhang", "zhang", "manager", (), "M001")
    assert accounts.get_account(con, "zhang") == account


def test_the_first_account_must_be_an_admin(con):
    assert not accounts.any_accounts(con)
    with pytest.raises(AccountError, match=r"accounts\.error_first_admin"):
        accounts.add_user(con, "li", "supervisor", "Supervisor-1", teams=["城东班组"])
    assert not accounts.any_accounts(con)
    accounts.add_user(con, "boss", "admin", PASSWORD)
    assert accounts.any_accounts(con)


def test_a_disabled_account_still_means_login_is_on(con, admin):
    accounts.add_user(con, "deputy", "admin", "Deputy-Admin-1")
    accounts.disable_user(con, "boss")
    assert accounts.any_accounts(con)


# --------------------------------------------------------------------- scope and permissions


def test_scope_and_permissions_by_role(con, admin):
    supervisor = accounts.add_user(con, "li", "supervisor", "Supervisor-1", teams=["城东班组", "城西班组"])
    manager = accounts.add_user(con, "zhang", "manager", "Manager-1", manager_id="M001", teams=["ignored"])
    assert admin.scope() is None
    assert supervisor.scope() == Scope(teams=("城东班组", "城西班组"))
    assert manager.scope() == Scope(managers=("M001",))
    assert manager.teams == ()  # a manager's scope is their manager_id alone
    table = {
        a.role: (a.can_edit_settings, a.can_manage_accounts, a.can_clear_data, a.can_import)
        for a in (admin, supervisor, manager)
    }
    assert table == {
        "admin": (True, True, True, True),
        "supervisor": (False, False, False, True),
        "manager": (False, False, False, False),
    }
    assert accounts.get_account(con, "li") == supervisor
    assert accounts.get_account(con, "nobody") is None


def test_signing_in_leaves_the_data_version_alone(con, admin):
    before = db.data_version(con)
    accounts.authenticate(con, "boss", PASSWORD, now=T0)
    accounts.authenticate(con, "boss", "nope-nope", now=T0)
    assert db.data_version(con) == before
    assert db.data_version(con, accounts.ACCOUNTS_VERSION) > 0


def test_every_message_key_used_by_the_accounts_code_exists():
    pattern = re.compile(r"""["'](accounts\.[a-z0-9_]+)["']""")
    files = [
        ROOT / "analytics" / "accounts.py",
        ROOT / "analytics" / "audit.py",
        ROOT / "analytics" / "backup.py",
        ROOT / "analytics" / "commands" / "users.py",
        ROOT / "analytics" / "commands" / "backup.py",
    ]
    used = {key for path in files for key in pattern.findall(path.read_text(encoding="utf-8"))}
    assert "accounts.error_locked" in used
    assert sorted(used - set(catalog())) == []
    assert t("accounts.error_locked", "en", minutes=15).endswith("try again in 15 minutes")


# ------------------------------------------------------------------------------ command line


def _run(monkeypatch, argv, stdin=""):
    from analytics.__main__ import main

    monkeypatch.setattr("sys.stdin", io.StringIO(stdin))
    return main(argv)


@pytest.fixture
def cli_db(tmp_path, monkeypatch):
    monkeypatch.setenv("LANG", "en_US.UTF-8")
    monkeypatch.delenv("LC_ALL", raising=False)
    yield str(tmp_path / "cli.duckdb")
    db.close_all()


def test_users_commands(monkeypatch, capsys, cli_db):
    path = ["--db", cli_db]
    assert (
        _run(
            monkeypatch,
            ["users", "add", "boss", "--role", "admin", "--password-stdin", *path],
            "Admin-Pass-1\n",
        )
        == 0
    )
    add_supervisor = [
        "users",
        "add",
        "li",
        "--role",
        "supervisor",
        "--team",
        "城东班组",
        "--team",
        "城西班组",
    ]
    assert _run(monkeypatch, [*add_supervisor, "--password-stdin", *path], "Super-Pass-1\r\n") == 0
    add_manager = ["users", "add", "zhang", "--role", "manager", "--manager", "M001", "--password-stdin"]
    assert _run(monkeypatch, [*add_manager, *path], "Manager-Pass-1\n") == 0
    capsys.readouterr()

    assert _run(monkeypatch, ["users", "list", *path]) == 0
    listed = capsys.readouterr().out
    assert listed.splitlines()[0].startswith("user_name,display_name,role,teams,manager_id,active")
    assert '\nli,li,supervisor,"城东班组, 城西班组",,True,0,' in listed
    assert "\nzhang,zhang,manager,,M001,True,0," in listed
    assert "argon2" not in listed and "Pass-1" not in listed
    assert re.search(r"\nboss,boss,admin,,,True,0,,\d{4}-\d\d-\d\d \d\d:\d\d:\d\d,", listed)

    con = db.connect(cli_db)
    assert accounts.authenticate(con, "li", "Super-Pass-1", now=T0).teams == ("城东班组", "城西班组")
    assert _run(monkeypatch, ["users", "disable", "li", *path]) == 0
    assert accounts.authenticate(con, "li", "Super-Pass-1", now=T0) is None
    assert _run(monkeypatch, ["users", "enable", "li", *path]) == 0
    assert _run(monkeypatch, ["users", "passwd", "li", "--password-stdin", *path], "Changed-Pass-2\n") == 0
    assert accounts.authenticate(con, "li", "Super-Pass-1", now=T0) is None
    assert accounts.authenticate(con, "li", "Changed-Pass-2", now=T0).user_name == "li"
    out = capsys.readouterr()
    assert "Pass" not in out.out + out.err  # no password is ever echoed


def test_users_command_errors_exit_2_with_a_clear_message(monkeypatch, capsys, cli_db):
    path = ["--db", cli_db]
    assert (
        _run(monkeypatch, ["users", "add", "boss", "--role", "admin", "--password-stdin", *path], "short\n")
        == 2
    )
    assert capsys.readouterr().err.strip() == "error: A password needs at least 8 characters"
    assert _run(monkeypatch, ["users", "add", "boss", "--role", "admin", "--password-stdin", *path], "") == 2
    assert (
        _run(
            monkeypatch,
            ["users", "add", "boss", "--role", "admin", "--password-stdin", *path],
            "Admin-Pass-1\n",
        )
        == 0
    )
    supervisor = ["users", "add", "li", "--role", "supervisor", "--password-stdin", *path]
    assert _run(monkeypatch, supervisor, "Super-Pass-1\n") == 2
    assert "needs at least one team" in capsys.readouterr().err
    assert _run(monkeypatch, ["users", "disable", "ghost", *path]) == 2
    assert capsys.readouterr().err.strip() == 'error: There is no account called "ghost"'
    assert _run(monkeypatch, ["users", "passwd", "ghost", "--password-stdin", *path], "Long-Enough-1\n") == 2
    assert _run(monkeypatch, ["users", "disable", "boss", *path]) == 2
    assert "last active admin" in capsys.readouterr().err
    # The password never goes on the command line: --password-stdin is required, a role must be known.
    with pytest.raises(SystemExit) as usage:
        _run(monkeypatch, ["users", "add", "x", "--role", "admin", *path], "Admin-Pass-1\n")
    assert usage.value.code == 2
    with pytest.raises(SystemExit):
        _run(
            monkeypatch, ["users", "add", "x", "--role", "owner", "--password-stdin", *path], "Admin-Pass-1\n"
        )


def test_role_choices_are_the_roles():
    from analytics.__main__ import build_parser

    users = build_parser()._subparsers._group_actions[0].choices["users"]
    add = users._subparsers._group_actions[0].choices["add"]
    role = next(a for a in add._actions if a.dest == "role")
    assert tuple(role.choices) == accounts.ROLES


def test_users_command_messages_follow_the_terminal_language(monkeypatch, capsys, cli_db):
    monkeypatch.setenv("LANG", "zh_CN.UTF-8")
    argv = ["users", "add", "boss", "--role", "admin", "--password-stdin", "--db", cli_db]
    assert _run(monkeypatch, argv, "short\n") == 2
    assert capsys.readouterr().err.strip() == "error: 密码至少需要 8 个字符"
