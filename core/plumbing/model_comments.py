"""Faster model definitions: Tortoise reads ``#:`` comments above model fields as their
descriptions, finding each model class in its module's source (``inspect.getsource`` parses the
whole file again for every model: most of a second for :mod:`core.plumbing.models` at every start). A
module with no ``#:`` comment has none to find, so the search is skipped there; any other module
still goes through Tortoise's own reader, so descriptions come out exactly the same.

Nothing changes on import: :func:`install` puts the reader in place. Tortoise reads the comments
when a model class is defined, so an entry point calls it before it imports the models (the CLI's
``main``, ``create_app`` for the plugins' models, the tests' ``conftest``)."""

from __future__ import annotations

import linecache
import sys
from typing import Any

import tortoise.models as _models

_tortoise_get_comments = _models._get_comments


def _get_comments(cls: Any) -> dict[str, str]:
    filename = getattr(sys.modules.get(cls.__module__), "__file__", None)
    if filename:
        lines = linecache.getlines(filename)
        if lines and not any("#:" in line for line in lines):
            return {}
    return _tortoise_get_comments(cls)


def install() -> None:
    """Make Tortoise use the faster reader from now on (once per process; calling again does nothing)."""
    _models._get_comments = _get_comments
