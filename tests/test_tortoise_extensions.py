"""What the core adds to Tortoise is installed by an explicit call, never by importing a module:
importing the models and services changes nothing, ``install_tortoise_extensions`` (called by
``GovHall.create`` and the CLI's ``main``) puts in the faster comment reader and the config
cache's signals, once however often it is called."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

PROBE = """
import json, sys
import tortoise.models
from tortoise.signals import Signals
original = tortoise.models._get_comments
from core.plumbing.models import Center, ItemVersion
import core.services.config_cache, core.services.runtime, core.api  # everything a plugin or the app imports

def state():
    return {"reader_replaced": tortoise.models._get_comments is not original,
            "center_listeners": len(Center._listeners[Signals.post_save].get(Center, [])),
            "version_listeners": len(ItemVersion._listeners[Signals.post_save].get(ItemVersion, []))}

before = state()
from core.services.runtime import GovHall, install_tortoise_extensions
install_tortoise_extensions()
install_tortoise_extensions()
twice = state()
from core.plumbing.settings import Settings
GovHall.create(Settings(plugins=()))
print(json.dumps({"before": before, "twice": twice, "after_create": state()}))
"""


def test_imports_install_nothing_and_the_install_call_installs_once() -> None:
    done = subprocess.run([sys.executable, "-c", PROBE], cwd=ROOT, env={"PYTHONPATH": str(ROOT), "PATH": "/usr/bin:/bin"},
                          capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    found = json.loads(done.stdout.strip().splitlines()[-1])
    assert found["before"] == {"reader_replaced": False, "center_listeners": 0, "version_listeners": 0}
    installed = {"reader_replaced": True, "center_listeners": 1, "version_listeners": 1}
    assert found["twice"] == installed and found["after_create"] == installed
