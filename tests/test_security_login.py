"""Brute force: logins throttled per account and per address (in the database), audited; argon2id
hashing off the event loop, old hashes replaced at login."""

from __future__ import annotations

import asyncio
import base64
import hashlib
import threading
from datetime import datetime, timedelta, timezone
from typing import Any

import httpx
import pytest

from core.faces.app import create_app
from core.plumbing.models import LoginThrottle, SecurityEvent, User
from core.plumbing.passwords import PasswordHashing
from core.plumbing.settings import LoginLimits, Settings
from tests.helpers import PASSWORD, TEST_PASSWORD_HASHING, make_user

pytestmark = pytest.mark.anyio

LOGIN = """mutation($u: String!, $p: String!) { login(username: $u, password: $p) {
  __typename ... on LoginSuccess { token } ... on UserErrors { errors { path code message } } } }"""
LOCKED = "登录失败次数过多，请 {} 分钟后再试"


@pytest.fixture
def settings(database_url: str) -> Settings:
    return Settings(database_url=database_url, token_hours=1, sweep_seconds=0, password_hashing=TEST_PASSWORD_HASHING,
                    login_limits=LoginLimits(account_failures=5, address_failures=8, lock_minutes=1, max_lock_minutes=4))


async def attempt(gql: Any, username: str, password: str) -> dict[str, Any]:
    return (await gql(LOGIN, {"u": username, "p": password}))["login"]


def error(result: dict[str, Any]) -> tuple[str, str]:
    assert result["__typename"] == "UserErrors", result
    (e,) = result["errors"]
    return e["code"], e["message"]


async def unlock_all() -> None:
    """Time passes: every lock has run out (the counters stay)."""
    await LoginThrottle.all().update(locked_until=datetime.now(timezone.utc) - timedelta(seconds=1))


async def test_five_failures_lock_the_account_even_against_the_right_password(app: Any, gql: Any) -> None:
    await make_user("alice")
    for _ in range(4):
        assert error(await attempt(gql, "alice", "wrong-pass")) == ("login_failed", "用户名或密码错误")
    assert error(await attempt(gql, "alice", "wrong-pass")) == ("login_locked", LOCKED.format(1))
    assert error(await attempt(gql, "alice", PASSWORD)) == ("login_locked", LOCKED.format(1))

    kinds = [e.kind for e in await SecurityEvent.all().order_by("id")]
    assert kinds == ["login_failed"] * 5 + ["login_locked", "login_refused_locked"]
    failed = await SecurityEvent.filter(kind="login_failed").first()
    assert failed.username == "alice" and failed.address == "127.0.0.1" and failed.user_id is not None
    assert await LoginThrottle.filter(key="account:alice").exists()  # in the database: every process sees it

    await unlock_all()
    assert (await attempt(gql, "alice", PASSWORD))["__typename"] == "LoginSuccess"
    row = await LoginThrottle.get(key="account:alice")
    assert (row.failures, row.lockouts, row.locked_until) == (0, 0, None)


async def test_each_new_lockout_lasts_twice_as_long_up_to_the_maximum(app: Any, gql: Any) -> None:
    for minutes in (1, 2, 4, 4):
        for _ in range(5):
            result = await attempt(gql, "nobody", "wrong-pass")  # unknown users are throttled alike
        assert error(result) == ("login_locked", LOCKED.format(minutes))
        await unlock_all()
        await LoginThrottle.filter(key__startswith="address:").delete()


async def test_one_address_guessing_many_accounts_is_locked(app: Any, gql: Any) -> None:
    await make_user("bob")
    for i in range(7):
        assert error(await attempt(gql, f"user{i}", "wrong-pass"))[0] == "login_failed"
    assert error(await attempt(gql, "user7", "wrong-pass")) == ("login_locked", LOCKED.format(1))
    assert error(await attempt(gql, "bob", PASSWORD))[0] == "login_locked"  # the address is locked
    # another address may still log in to bob's account
    transport = httpx.ASGITransport(app=app, client=("10.0.0.9", 4321))
    async with httpx.AsyncClient(transport=transport, base_url="http://testserver") as other:
        body = (await other.post("/graphql", json={"query": LOGIN, "variables": {"u": "bob", "p": PASSWORD}})).json()
    assert body["data"]["login"]["__typename"] == "LoginSuccess"


async def test_aliases_and_parallel_requests_cannot_outrun_the_limit(app: Any, gql: Any, client: Any) -> None:
    await make_user("carol")
    aliases = " ".join(f'a{i}: login(username: "carol", password: "guess-{i}") {{ __typename }}' for i in range(20))
    body = await gql.raw(f"mutation {{ {aliases} }}")
    assert body["data"] is None  # one login per request: the whole request is refused before any guess
    assert "login" in {e["extensions"].get("limit") for e in body["errors"]}
    assert await SecurityEvent.filter(kind="login_failed").count() == 0

    await make_user("dave")
    await unlock_all()
    await LoginThrottle.all().delete()
    replies = await asyncio.gather(*(
        client.post("/graphql", json={"query": LOGIN, "variables": {"u": "dave", "p": f"guess-{i}"}}) for i in range(20)
    ))
    codes = [r.json()["data"]["login"]["errors"][0]["code"] for r in replies]
    assert set(codes) <= {"login_failed", "login_locked"}
    assert await SecurityEvent.filter(kind="login_failed", username="dave").count() <= 5


async def test_old_and_weaker_hashes_are_replaced_at_login(app: Any, gql: Any) -> None:
    salt = b"0123456789abcdef"
    digest = hashlib.scrypt(PASSWORD.encode(), salt=salt, n=1024, r=8, p=1, dklen=32)
    legacy = f"scrypt$1024$8$1${base64.b64encode(salt).decode()}${base64.b64encode(digest).decode()}"
    await User.create(username="old", password_hash=legacy, display_name="old")
    assert error(await attempt(gql, "old", "wrong-pass"))[0] == "login_failed"
    assert (await User.get(username="old")).password_hash == legacy
    assert (await attempt(gql, "old", PASSWORD))["__typename"] == "LoginSuccess"
    rehashed = (await User.get(username="old")).password_hash
    assert rehashed.startswith("$argon2id$v=19$m=8,t=1,p=1$")
    assert (await attempt(gql, "old", PASSWORD))["__typename"] == "LoginSuccess"
    assert (await User.get(username="old")).password_hash == rehashed  # current parameters: kept


async def test_hashing_runs_off_the_event_loop(app: Any, gql: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    await make_user("erin")
    threads: list[str] = []
    original = PasswordHashing.verify

    def spy(self: PasswordHashing, password: str, encoded: str) -> bool:
        threads.append(threading.current_thread().name)
        return original(self, password, encoded)

    monkeypatch.setattr(PasswordHashing, "verify", spy)
    assert (await attempt(gql, "erin", PASSWORD))["__typename"] == "LoginSuccess"
    assert threads and threading.main_thread().name not in threads


def test_production_parameters_are_owasps_and_no_environment_variable_weakens_them(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("GOVHALL_SCRYPT_N", "2")
    monkeypatch.setenv("GOVHALL_ARGON2_MEMORY", "8")
    hashing = Settings.from_env().password_hashing
    assert (hashing.memory_cost, hashing.time_cost, hashing.parallelism) == (19456, 2, 1)
    encoded = hashing.hash("密码-123456")
    assert encoded.startswith("$argon2id$v=19$m=19456,t=2,p=1$") and hashing.verify("密码-123456", encoded)
    assert hashing.needs_rehash(TEST_PASSWORD_HASHING.hash("x")) and not hashing.needs_rehash(encoded)


async def test_a_second_app_on_the_same_database_sees_the_lock(app: Any, gql: Any, settings: Settings) -> None:
    await make_user("frank")
    for _ in range(5):
        await attempt(gql, "frank", "wrong-pass")
    other = create_app(settings)  # another process's app: only the database is shared
    transport = httpx.ASGITransport(app=other, client=("10.1.1.1", 1))
    other.state.govhall.memo.clear()
    async with httpx.AsyncClient(transport=transport, base_url="http://testserver") as http:
        body = (await http.post("/graphql", json={"query": LOGIN, "variables": {"u": "frank", "p": PASSWORD}})).json()
    assert body["data"]["login"]["errors"][0]["code"] == "login_locked"


async def test_a_username_typed_full_width_or_with_spaces_logs_in_and_counts_against_the_same_account(
        app: Any, gql: Any) -> None:
    await make_user("zhangsan")
    assert (await attempt(gql, "ｚｈａｎｇｓａｎ", PASSWORD))["__typename"] == "LoginSuccess"  # a Chinese keyboard's
    assert (await attempt(gql, " zhangsan\u3000", PASSWORD))["__typename"] == "LoginSuccess"
    for typed in ("zhangsan", "ｚｈａｎｇｓａｎ", "zhangsan ", "ｚｈａｎｇ ｓａｎ"):
        assert error(await attempt(gql, typed, "wrong-pass")) == ("login_failed", "用户名或密码错误")
    assert error(await attempt(gql, "ｚｈａｎｇｓａｎ", "wrong-pass")) == ("login_locked", LOCKED.format(1))
    assert error(await attempt(gql, "zhangsan", PASSWORD)) == ("login_locked", LOCKED.format(1))  # one account, one count
    assert [row.key async for row in LoginThrottle.filter(key__startswith="account:")] == ["account:zhangsan"]
    assert (await SecurityEvent.filter(kind="login_failed").first()).username == "zhangsan"
    assert await SecurityEvent.filter(kind="login_failed", username="ｚｈａｎｇｓａｎ").exists()  # the audit keeps it as typed
