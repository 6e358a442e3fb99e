"""Several `govhall serve` worker processes on one PostgreSQL: concurrent transitions on one case
still have exactly one winner, and case numbers stay unique across processes."""

from __future__ import annotations

import asyncio
import json
import os
import subprocess
import time

import httpx
import pytest

from tests.hall import GOOD_DATA, PERMIT
from tests.cli import GOVHALL, ROOT, free_port, run

pytestmark = [pytest.mark.postgres_only, pytest.mark.slow]

LOGIN = "mutation($u: String!, $p: String!) { login(username: $u, password: $p) { ... on LoginSuccess { token } } }"
# four rounds of the same application, each confirmed (allowDuplicate) while the one before is open
SUBMIT = """mutation($d: JSON!) { submitCase(center: "lianzhou", item: "test-permit", data: $d, allowDuplicate: true) {
  __typename ... on Case { id number version } ... on UserErrors { errors { code message } } } }"""
FIRE = """mutation($id: ID!, $a: String!, $c: String, $d: JSON, $v: Int) {
  transitionCase(id: $id, action: $a, comment: $c, data: $d, expectedVersion: $v) {
    __typename ... on Case { state version } ... on UserErrors { errors { code message } } } }"""


@pytest.fixture
def server(upgraded_db, tmp_path):
    assert run(["demo"], upgraded_db).returncode == 0
    items = tmp_path / "items"
    items.mkdir()
    (items / "test-permit.json").write_text(json.dumps(PERMIT, ensure_ascii=False), "utf-8")
    loaded = run(["items", "load", str(items), "--center", "lianzhou"], upgraded_db)
    assert loaded.returncode == 0, loaded.stderr
    port = free_port()
    env = {**os.environ, "GOVHALL_DATABASE_URL": upgraded_db, "GOVHALL_SWEEP_SECONDS": "0"}
    process = subprocess.Popen(GOVHALL + ["serve", "--port", str(port), "--workers", "3", "--log-level", "warning"],
                               cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    base = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 90
    while True:
        try:
            if httpx.get(f"{base}/healthz", timeout=5).status_code == 200:
                break
        except httpx.TransportError:
            pass
        if process.poll() is not None or time.monotonic() > deadline:
            process.kill()
            raise AssertionError(f"server did not start: {process.stderr.read() if process.stderr else ''}")
        time.sleep(0.3)
    yield base
    process.terminate()
    process.wait(timeout=30)


async def gql(base: str, query: str, variables: dict, token: str | None = None) -> dict:
    headers = {"Authorization": f"Bearer {token}"} if token else {}
    async with httpx.AsyncClient(timeout=60) as http:  # a connection of its own: any worker may answer
        body = (await http.post(f"{base}/graphql", json={"query": query, "variables": variables}, headers=headers)).json()
    assert not body.get("errors"), body
    return body["data"]


def test_one_winner_across_worker_processes(server):
    async def scenario() -> None:
        tokens = {u: (await gql(server, LOGIN, {"u": u, "p": "demo1234"}))["login"]["token"]
                  for u in ("zhangsan", "lz-clerk", "lz-head")}
        numbers = set()
        for _ in range(4):
            case = (await gql(server, SUBMIT, {"d": GOOD_DATA}, tokens["zhangsan"]))["submitCase"]
            assert case["__typename"] == "Case", case
            numbers.add(case["number"])
            shots = [
                gql(server, FIRE, {"id": case["id"], "a": "return", "c": "主件缺失", "v": case["version"]}, tokens["lz-clerk"]),
                gql(server, FIRE, {"id": case["id"], "a": "reply", "c": "不属本中心职责", "v": case["version"]}, tokens["lz-head"]),
                gql(server, FIRE, {"id": case["id"], "a": "request_materials", "d": {"missing": [{"name": "申请书"}]},
                                   "v": case["version"]}, tokens["lz-clerk"]),
                gql(server, FIRE, {"id": case["id"], "a": "mark_urgent", "v": case["version"]}, tokens["lz-head"]),
            ]
            results = [r["transitionCase"] for r in await asyncio.gather(*shots)]
            winners = [r for r in results if r["__typename"] == "Case"]
            losers = [r["errors"][0]["code"] for r in results if r["__typename"] == "UserErrors"]
            assert len(winners) == 1, results
            assert losers == ["conflict"] * 3, results
            assert winners[0]["version"] == 2
        assert len(numbers) == 4

    asyncio.run(scenario())
