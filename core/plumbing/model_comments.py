"""Faster model definitions: Tortoise reads ``#:`` comments above model fields as their
descriptions, finding each model class in its module's source (``inspect.getsource`` parses the
whole file again for every model: most of a second for :mod:`core.plumbing.models` at every start). A
module with no ``#:`` comment has none to find, so the search is skipped there; any other module
still goes through Tortoise's own reader, so descriptions come out exactly the same.

Nothing changes on import: :func:`install` puts the reader in place. Tortoise reads the comments
when a model class is defined, so an entry point calls it before it imports the models (the CLI's
``main``, ``create_app`` for the plugins' models, the tests' ``conftest``).

Tortoise's own base class ``Model`` is a model class too: defining it (on importing Tortoise) made
Tortoise parse all of ``tortoise/models.py`` for the comments of a class with no fields (~0.07 s of
every start). When this module is the first to import Tortoise, that one search is skipped
(:func:`_import_tortoise_models`); every other class is read as before."""

from __future__ import annotations

import inspect
import linecache
import sys
from types import ModuleType
from typing import Any


def _import_tortoise_models() -> ModuleType:
    """``tortoise.models``, imported without reading the source of its base class ``Model``.

    Tortoise's reader calls ``inspect.getsource`` and reads no comment when it raises ``OSError``;
    ``Model`` has no fields, so its comments would describe nothing. Only that class is answered so,
    and only during this import (no other thread runs yet when the first import happens)."""
    if "tortoise.models" in sys.modules:
        return sys.modules["tortoise.models"]
    getsource = inspect.getsource

    def without_base_model(obj: Any) -> str:
        if isinstance(obj, type) and obj.__module__ == "tortoise.models" and obj.__qualname__ == "Model":
            raise OSError("the base Model has no fields whose comments to read")
        return getsource(obj)

    inspect.getsource = without_base_model
    try:
        import tortoise.models
    finally:
        inspect.getsource = getsource
    return tortoise.models


_models = _import_tortoise_models()

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
