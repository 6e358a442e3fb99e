from __future__ import annotations

from datetime import datetime, timedelta, timezone

import pytest

from core.services import accounts
from core.plumbing.models import Token
from tests.helpers import PASSWORD, TEST_PASSWORD_HASHING, make_center, make_user, notified, sessions_epoch

pytestmark = pytest.mark.anyio

LOGIN = """mutation($u: String!, $p: String!) { login(username: $u, password: $p) {
  __typename
  ... on LoginSuccess { token user { username roles { center role department } } }
  ... on UserErrors { errors { path code message } } } }"""
ME = "{ me { username roles { center role department } } }"


async def test_password_hash_is_a_salted_kdf():
    hashing = TEST_PASSWORD_HASHING
    h1, h2 = await accounts.hash_password("密码-123456", hashing), await accounts.hash_password("密码-123456", hashing)
    assert h1 != h2 and h1.startswith("$argon2id$")
    assert await accounts.verify_password("密码-123456", h1, hashing)
    assert not await accounts.verify_password("密码-123457", h1, hashing)
    assert not await accounts.verify_password("x", "garbage", hashing)


async def test_login_me_and_roles(app, gql):
    center = await make_center()
    await make_user("clerk1", center, "clerk")
    await make_user("clerk1", center, "reviewer", "scjg")
    data = await gql(LOGIN, {"u": "clerk1", "p": PASSWORD})
    success = data["login"]
    assert success["__typename"] == "LoginSuccess"
    assert {(r["role"], r["department"]) for r in success["user"]["roles"]} == {("clerk", None), ("reviewer", "scjg")}
    me = await gql(ME, token=success["token"])
    assert me["me"]["username"] == "clerk1"
    assert (await gql(ME))["me"] is None


async def test_wrong_password_and_unknown_user_get_the_same_answer(app, gql):
    await make_user("known")
    wrong = (await gql(LOGIN, {"u": "known", "p": "nope-nope"}))["login"]
    unknown = (await gql(LOGIN, {"u": "nobody", "p": "nope-nope"}))["login"]
    assert wrong == unknown
    assert wrong["__typename"] == "UserErrors"
    assert wrong["errors"] == [{"path": None, "code": "login_failed", "message": "用户名或密码错误"}]


async def test_tokens_expire_and_can_be_revoked(app, govhall, gql):
    await make_user("u1")
    token = (await gql(LOGIN, {"u": "u1", "p": PASSWORD}))["login"]["token"]
    assert (await gql(ME, token=token))["me"]["username"] == "u1"
    # only the hash is stored
    assert not await Token.exists(token_hash=token)
    epoch = sessions_epoch(govhall)
    await Token.all().update(expires_at=datetime.now(timezone.utc) - timedelta(seconds=1))  # as by hand, in SQL
    await notified(govhall, epoch)  # PostgreSQL: a kept sign-in is dropped once the change is notified
    assert (await gql(ME, token=token))["me"] is None

    token = (await gql(LOGIN, {"u": "u1", "p": PASSWORD}))["login"]["token"]
    assert (await gql("mutation { logout { ok } }", token=token))["logout"]["ok"] is True
    assert (await gql(ME, token=token))["me"] is None


async def test_a_login_no_longer_accepted_is_told_apart_from_nobody_logged_in(app, govhall, gql):
    """A page still showing the user signed in learns the login lapsed (FORBIDDEN as any refusal, with
    the reason LOGIN_EXPIRED and 登录已失效)
    rather than 请先登录, in queries and in mutations; a caller who sent no token is told 请先登录."""
    center = await make_center()
    await make_user("u1", center, "applicant")
    mine = "{ myCases(first: 5) { edges { node { id } } } }"
    submit = 'mutation { submitCase(center: "testc", item: "x", data: {}) { __typename ... on UserErrors { errors { code message } } } }'
    token = (await gql(LOGIN, {"u": "u1", "p": PASSWORD}))["login"]["token"]
    assert (await gql.raw(mine, token=token)).get("errors") is None
    assert (await gql("mutation { logout { ok } }", token=token))["logout"]["ok"] is True
    for sent in (token, "never-issued"):
        (lapsed,) = (await gql.raw(mine, token=sent))["errors"]
        assert lapsed["message"] == "登录已失效，请重新登录"
        assert lapsed["extensions"] == {"code": "FORBIDDEN", "reason": "LOGIN_EXPIRED"}
        refused = (await gql(submit, token=sent))["submitCase"]
        assert refused["errors"] == [{"code": "forbidden", "message": "登录已失效，请重新登录"}]
    (anonymous,) = (await gql.raw(mine))["errors"]
    assert (anonymous["message"], anonymous["extensions"]["code"]) == ("请先登录", "FORBIDDEN")
    assert (await gql(submit))["submitCase"]["errors"] == [{"code": "forbidden", "message": "请先登录"}]


async def test_add_user_rejects_bad_input_all_at_once(app):
    from core.plumbing.errors import UserErrorsException

    await make_user("taken")
    with pytest.raises(UserErrorsException) as info:
        await accounts.add_user("taken", "short", phone="0763-1234567")
    assert {e.code for e in info.value.errors} == {"password.too_short", "duplicate", "format.mobile"}
    assert await accounts.add_user("fresh", "a-good-password", phone="13900139000", hashing=TEST_PASSWORD_HASHING)


async def test_the_sign_in_and_signing_out_everywhere_find_a_user_through_indexes(app):
    """The roles are read by user on every request the process does not keep: an index, not a scan
    of every role of every center (nor of every token, to sign a user out everywhere)."""
    from tortoise.connection import get_connection

    conn = get_connection("default")
    if conn.capabilities.dialect == "postgres":
        rows = await conn.execute_query_dict(
            "SELECT tablename, indexdef FROM pg_indexes WHERE tablename IN ('role_assignment', 'token')")
        by_user = {r["tablename"] for r in rows if r["indexdef"].endswith("(user_id)")}
        assert by_user == {"role_assignment", "token"}, rows
    else:
        plan = await conn.execute_query_dict("EXPLAIN QUERY PLAN " + accounts._auth_sql(False), ["0" * 64])
        steps = " | ".join(r["detail"] for r in plan)
        assert "SEARCH ra USING INDEX" in steps and "SCAN ra" not in steps, steps
        plan = await conn.execute_query_dict("EXPLAIN QUERY PLAN SELECT id FROM token WHERE user_id = ? AND revoked_at IS NULL", [1])
        assert "USING INDEX" in plan[0]["detail"], plan
