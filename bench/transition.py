"""Accepting a case: GovHall's transitionCase(accept) through GraphQL vs a bare Starlette endpoint
that inserts one row with Tortoise, in one run, on the same database (the pattern of
bench/submit.py). An accept numbers and records two notices; their PDFs are laid out after commit,
so the request no longer pays for WeasyPrint. The render cost is then measured on its own.

    .venv/bin/python bench/transition.py                 # SQLite, 100 accepts
    GOVHALL_BENCH_DATABASE=postgres://postgres@127.0.0.1:5432/test .venv/bin/python bench/transition.py
    .venv/bin/python bench/transition.py --worker        # with the render worker running alongside

Target: accept ≤ 3× the bare insert.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import httpx  # noqa: E402

from bench.schema import delivering, fresh_schema  # noqa: E402
from bench.submit import SUBMIT_LEAN, Gql, bare_route, first_filing  # noqa: E402
from core.faces.app import create_app  # noqa: E402
from core.services.documents.rendering import render_due  # noqa: E402
from core.plumbing.models import Center, Document, ItemVersion, User  # noqa: E402
from core.plumbing.settings import Settings  # noqa: E402
from tests.hall import GOOD_DATA, MISSING_MAIN, build_hall  # noqa: E402
from tests.helpers import TEST_PASSWORD_HASHING  # noqa: E402

ACCEPT_LEAN = """mutation($id: ID!, $v: Int, $data: JSON) {
  transitionCase(id: $id, action: "accept", expectedVersion: $v, data: $data) {
    __typename ... on Case { id state version } ... on UserErrors { errors { code message } } } }"""


async def prepare(gql: Gql, applicant: str, clerk: str, n: int) -> list[tuple[dict[str, Any], list[dict[str, Any]]]]:
    """n submitted cases, each with the counter receipt the clerk records when accepting (not timed)."""
    out = []
    for _ in range(n):
        case = (await gql(SUBMIT_LEAN, {"center": "hall", "item": "test-permit", "data": first_filing()}, token=applicant))["submitCase"]
        slots = (await gql(MISSING_MAIN, {"id": case["id"]}, token=clerk))["caseMaterials"]
        received = [{"material": s["code"], "form": "original", "count": 1}
                    for s in slots if s["role"] == "main" and s["required"] and not s["provided"]]
        out.append((case, received))
    return out


async def measure(gql: Gql, http: httpx.AsyncClient, applicant: str, clerk: str, ids: dict[str, int], n: int) -> dict[str, float]:
    cases = await prepare(gql, applicant, clerk, n)

    async def bare() -> None:
        r = await http.post("/bare", json={**ids, "data": GOOD_DATA})
        assert r.status_code == 200, r.text

    async def accept(i: int) -> None:
        case, received = cases[i]
        result = (await gql(ACCEPT_LEAN, {"id": case["id"], "v": case["version"], "data": {"received": received}}, token=clerk))["transitionCase"]
        assert result["__typename"] == "Case" and result["state"] != "submitted", result

    bare_t: list[float] = []
    accept_t: list[float] = []
    rounds = 5
    per = n // rounds
    for r in range(rounds):  # interleaved, so machine noise hits both alike
        for _ in range(per):
            t0 = time.perf_counter()
            await bare()
            bare_t.append(time.perf_counter() - t0)
        for i in range(r * per, (r + 1) * per):
            t0 = time.perf_counter()
            await accept(i)
            accept_t.append(time.perf_counter() - t0)
    return {"bare": statistics.median(bare_t) * 1000, "accept": statistics.median(accept_t) * 1000,
            "accept_p90": sorted(accept_t)[int(len(accept_t) * 0.9)] * 1000}


async def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("-n", type=int, default=100, help="accepts measured")
    parser.add_argument("--worker", action="store_true", help="run the render worker during the measurement")
    args = parser.parse_args()
    url = os.environ.get("GOVHALL_BENCH_DATABASE") or f"sqlite://{tempfile.mkdtemp()}/bench.sqlite3"
    settings = Settings(database_url=url, token_hours=2, password_hashing=TEST_PASSWORD_HASHING, sweep_seconds=0, outbox_seconds=0,
                        render_seconds=5 if args.worker else 0, log_requests=False)
    app = create_app(settings)
    app.router.routes.append(bare_route())
    async with app.router.lifespan_context(app):
        await fresh_schema(app.state.govhall)
        async with delivering(app.state.govhall), httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://bench") as http:
            gql = Gql(http)
            govhall = app.state.govhall
            hall = await build_hall(govhall, gql)
            center = await Center.get(code="hall")
            item = await ItemVersion.get(center=center, code="test-permit")
            ids = {"center_id": center.id, "item_version_id": item.id, "applicant_id": (await User.get(username="app1")).id}
            applicant, clerk = hall.tokens["app1"], hall.tokens["clerk1"]
            await measure(gql, http, applicant, clerk, ids, 20)  # warm up
            await render_due(govhall)
            result = await measure(gql, http, applicant, clerk, ids, args.n)
            pending = await Document.filter(state="pending").count()
            t0 = time.perf_counter()
            summary = await render_due(govhall)
            render_s = time.perf_counter() - t0
    db = "PostgreSQL" if url.startswith("postgres") else "SQLite"
    print(f"database: {db}; median per request, in-process HTTP (httpx ASGITransport); worker {'on' if args.worker else 'off'}")
    print(f"  bare Starlette + Tortoise insert : {result['bare']:.2f} ms")
    print(f"  transitionCase(accept)           : {result['accept']:.2f} ms (p90 {result['accept_p90']:.2f})"
          f"   ratio {result['accept'] / result['bare']:.2f}x (target <= 3x)")
    if summary.rendered:
        print(f"  after commit: {summary.rendered} of {pending} pending PDFs rendered, "
              f"{render_s / summary.rendered * 1000:.0f} ms each (outside any transaction)")


if __name__ == "__main__":
    asyncio.run(main())
