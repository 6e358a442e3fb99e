"""Every hook is documented (as Datasette's test_docs does)."""

from __future__ import annotations

import inspect
import re
from pathlib import Path

import pytest

from core.services import hookspecs
from tests import example_process_plugin

DOCS = (Path(__file__).resolve().parent.parent / "docs" / "plugins.md").read_text("utf-8")
HOOKS = [name for name, obj in inspect.getmembers(hookspecs, inspect.isfunction) if hasattr(obj, "govhall_spec")]


def test_there_are_hooks():
    assert len(HOOKS) >= 10


@pytest.mark.parametrize("hook", HOOKS)
def test_hook_is_documented(hook):
    assert re.search(rf"^### `{hook}\(", DOCS, re.M), f"docs/plugins.md has no section for {hook}"


@pytest.mark.parametrize("hook", HOOKS)
def test_hook_has_a_docstring(hook):
    doc = getattr(hookspecs, hook).__doc__ or ""
    assert "Called" in doc and "eturn" in doc


def _example(hook: str) -> str:
    """The Python example of ``hook``'s section in docs/plugins.md."""
    section = DOCS.split(f"### `{hook}(", 1)[1].split("\n### ", 1)[0]
    return re.search(r"```python\n(.*?)```", section, re.S).group(1)


def test_registration_examples_are_the_example_plugin_that_runs():
    """The process, guard and effect examples are ``tests/example_process_plugin.py``, which
    ``tests/test_plugins.py`` runs: the docs cannot show code that does not work."""
    source = inspect.getsource(example_process_plugin)
    for hook in ("register_guards", "register_effects"):
        for line in _example(hook).splitlines():
            code = line.split("  #", 1)[0].rstrip()
            assert code in source, f"docs/plugins.md {hook}: {code!r} is not in tests/example_process_plugin.py"
    namespace: dict = {"hookimpl": lambda f: f}
    exec(_example("register_processes"), namespace)
    assert namespace["FEE_PROCESS"] == example_process_plugin.FEE_PROCESS
