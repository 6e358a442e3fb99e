"""The faster model-comment reader (core.plumbing.model_comments): the same descriptions as
Tortoise's own reader, and Tortoise's base ``Model`` defined without reading its source. Checked in a
fresh interpreter, where that module is the first to import Tortoise (as in ``govhall serve``)."""

from __future__ import annotations

import json
import subprocess
import sys

from tests.test_cli import ROOT

PROBE = '''
import inspect, json, linecache, sys, tempfile, pathlib
getsource = inspect.getsource
from core.plumbing import model_comments
import tortoise.models
restored = inspect.getsource is getsource
source_read = tortoise.models.__file__ in linecache.cache  # what reading the base Model's comments leaves
model_comments.install()
folder = tempfile.mkdtemp()
pathlib.Path(folder, "commented_models.py").write_text("""
from tortoise import fields
from tortoise.models import Model


class Commented(Model):
    id = fields.IntField(primary_key=True)
    #: the name shown at the window
    name = fields.CharField(max_length=20)
""", "utf-8")
sys.path.insert(0, folder)
from commented_models import Commented
print(json.dumps({"restored": restored, "source_read": source_read, "base_fields": sorted(tortoise.models.Model._meta.fields_map),
                  "description": Commented._meta.fields_map["name"].description}))
'''


def test_base_model_skipped_and_comments_still_read():
    result = subprocess.run([sys.executable, "-c", PROBE], capture_output=True, text=True, cwd=ROOT, timeout=120,
                            env={"PYTHONPATH": str(ROOT), "PATH": "/usr/bin:/bin"})
    assert result.returncode == 0, result.stderr
    found = json.loads(result.stdout)
    assert found == {"restored": True, "source_read": False, "base_fields": [], "description": "the name shown at the window"}
