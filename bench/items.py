"""Defining and publishing an item with a 100-field form (target: <= 200 ms), against the
reference of storing the same document with one plain Tortoise insert, in one run.

    .venv/bin/python bench/items.py
"""

from __future__ import annotations

import asyncio
import copy
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from tortoise import Tortoise  # noqa: E402

from core.services.accounts import Actor, load_grants  # noqa: E402
from core.faces.app import create_app  # noqa: E402
from core.services.items import define_item, publish_item  # noqa: E402
from core.plumbing.models import Item  # noqa: E402
from core.plumbing.settings import Settings  # noqa: E402
from tests.hall import PERMIT  # noqa: E402
from tests.helpers import make_center, make_user  # noqa: E402

FORMATS = [None, "uscc", "resident-id", "mobile-cn", "date", "email", "postcode-cn"]


def hundred_field_item(code: str) -> dict:
    doc = copy.deepcopy(PERMIT)
    doc["code"] = code
    properties = {}
    for i in range(100):
        field: dict = {"type": "string", "title": f"字段{i + 1}", "maxLength": 200}
        if FORMATS[i % len(FORMATS)]:
            field["format"] = FORMATS[i % len(FORMATS)]
        if i % 10 == 9:
            field = {"type": "number", "title": f"金额{i + 1}", "minimum": 0}
        properties[f"f{i:03d}"] = field
    doc["form"] = {"type": "object", "required": list(properties)[:30], "x-order": list(properties), "properties": properties}
    doc.pop("certificate", None)
    doc["documents"] = ["acceptance_notice", "approval_decision"]
    return doc


async def main(rounds: int = 30) -> None:
    app = create_app(Settings(database_url=f"sqlite://{tempfile.mkdtemp()}/items.sqlite3", sweep_seconds=0))
    async with app.router.lifespan_context(app):
        await Tortoise.generate_schemas()
        govhall = app.state.govhall
        center = await make_center(govhall.hub, code="bench")
        user = await make_user("config", center, "configurator")
        actor = Actor(user=user, grants=await load_grants(user))
        await define_item(govhall, actor, center, hundred_field_item("warmup"))
        ours, reference = [], []
        for i in range(rounds):
            doc = hundred_field_item(f"item-{i}")
            t0 = time.perf_counter()
            await Item.create(center=center, code=f"ref-{i}", draft=doc)
            reference.append(time.perf_counter() - t0)
            t0 = time.perf_counter()
            await define_item(govhall, actor, center, doc)
            await publish_item(govhall, actor, center, doc["code"])
            ours.append(time.perf_counter() - t0)
    ours_ms, ref_ms = statistics.median(ours) * 1000, statistics.median(reference) * 1000
    print(f"plain insert of the document     : {ref_ms:.1f} ms")
    print(f"defineItem + publishItem (100 fields, validated twice): {ours_ms:.1f} ms   ratio {ours_ms / ref_ms:.1f}x")
    print(f"target <= 200 ms: {'met' if ours_ms <= 200 else 'MISSED'}")


if __name__ == "__main__":
    asyncio.run(main())
