"""What `govhall serve` loads before its first answer: only what answering needs.

The PDF renderer (WeasyPrint, Jinja2, segno), spreadsheets (openpyxl) and the exchange plugin's HTTP
client (httpx) load where they are used; the command line's parser loads no plugin, ORM or GraphQL
module; the check that the database is up to date loads no migration (nor Tortoise's migration
code) unless there is one to apply. Checked in a fresh interpreter (this test process has imported everything already), then the
lazy modules are imported there too, so an import error in them still fails here.
"""

from __future__ import annotations

import gc
import json
import os
import subprocess
import sys

from core.faces.serving import YOUNG_OBJECTS_PER_COLLECTION, collector_paused, freeze_startup_objects
from tests.test_cli import ROOT

LAZY = ("weasyprint", "openpyxl", "httpx", "jinja2", "segno", "core.services.documents.render")
HEAVY_FOR_A_PARSER = ("tortoise", "strawberry", "graphql", "jsonschema", "plugins", "core.services.runtime")

PROBE = """
import json, sys

def loaded(names):
    return sorted(n for n in names if n in sys.modules)

from core.faces.cli import make_parser
make_parser().parse_args(["serve"])
parser_loaded = loaded(HEAVY)

from core.faces.app import create_app
app = create_app()
app_loaded = loaded(LAZY)

# serve's start-up check of the migrations reads the applied ones without loading any migration
import asyncio, tempfile
from core.plumbing.db import is_up_to_date, tortoise_config
with tempfile.TemporaryDirectory() as folder:
    assert not asyncio.run(is_up_to_date(tortoise_config(f"sqlite://{folder}/new.sqlite3")))
migrations_loaded = sorted(n for n in sys.modules if ".migrations" in n)

# the lazy names still resolve (an import error in them must fail this test)
from core.services.documents import DocumentRenderer, cn_date, seal_svg
from core.services.documents.render import DocumentError as RenderError
from core.services.documents.kinds import DocumentError
from core.faces.routes.documents import verify_page_template
import plugins.exchange.delivery as delivery
import httpx
assert RenderError is DocumentError and cn_date("2026-11-26") == "2026年11月26日"
assert "<svg" in seal_svg("连州市政务服务中心") and DocumentRenderer.__name__ == "DocumentRenderer"
assert "政务服务文书核验" in verify_page_template().render(doc=None, code="X")
assert delivery.client.__module__ == "plugins.exchange.delivery"
print(json.dumps({"parser": parser_loaded, "app": app_loaded, "migrations": migrations_loaded, "after": loaded(LAZY)}))
"""


def probe() -> dict[str, list[str]]:
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    env.pop("GOVHALL_PLUGINS", None)  # every built-in plugin, as a server loads them
    code = f"HEAVY = {HEAVY_FOR_A_PARSER!r}\nLAZY = {LAZY!r}\n{PROBE}"
    done = subprocess.run([sys.executable, "-c", code], cwd=ROOT, env=env, capture_output=True, text=True, timeout=300, check=False)
    assert done.returncode == 0, done.stderr[-3000:]
    return json.loads(done.stdout.strip().splitlines()[-1])


def test_serving_loads_no_renderer_spreadsheet_or_http_client_and_the_parser_no_core():
    found = probe()
    assert found["parser"] == [], "building the command line's parser loaded " + ", ".join(found["parser"])
    assert found["app"] == [], "building the app loaded " + ", ".join(found["app"])
    assert found["migrations"] == [], "checking the migrations at start loaded " + ", ".join(found["migrations"])
    assert set(found["after"]) >= {"jinja2", "segno", "httpx", "core.services.documents.render"}


def test_the_collector_paused_for_start_up_comes_back_on():
    assert gc.isenabled()
    with collector_paused():
        assert not gc.isenabled()
    assert gc.isenabled()
    try:
        with collector_paused():
            raise KeyError("start-up failed")
    except KeyError:
        pass
    assert gc.isenabled()
    gc.disable()
    try:
        with collector_paused():
            pass
        assert not gc.isenabled(), "a collector that was off stays off"
    finally:
        gc.enable()


def test_a_server_collects_its_young_objects_less_often_after_freezing_what_start_up_made():
    before = gc.get_threshold()
    try:
        freeze_startup_objects()
        assert gc.isenabled() and gc.get_freeze_count() > 0
        assert gc.get_threshold() == (YOUNG_OBJECTS_PER_COLLECTION, *before[1:])
    finally:
        gc.unfreeze()
        gc.set_threshold(*before)
