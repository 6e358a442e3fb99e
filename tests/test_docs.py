"""Every hook is documented (as Datasette's test_docs does)."""

from __future__ import annotations

import inspect
import re
from pathlib import Path

import pytest

from core.services import hookspecs

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
