"""One GovHall app's shared, read-only state: settings, plugins and what they registered.

Made by :func:`core.faces.app.create_app` and kept on ``app.state.govhall``; nothing here is a
process-wide global, so two apps (two tests) never see each other's plugins.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path
from typing import Any

import pluggy

from core.services.plugins import PluginHub, make_plugin_manager, plugin_model_apps
from core.plumbing import model_comments
from core.plumbing.settings import Settings
from core.plumbing.db import tortoise_config


def __getattr__(name: str) -> Any:
    # ``tortoise -c core.services.runtime.TORTOISE_ORM makemigrations`` reads this: the core and every
    # plugin's models, computed on access so that importing this module has no side effects.
    if name == "TORTOISE_ORM":
        settings = Settings.from_env()
        return tortoise_config(settings.database_url, plugin_model_apps(make_plugin_manager(settings)))
    raise AttributeError(name)


def install_tortoise_extensions() -> None:
    """What the core adds to Tortoise, once per process (calling again does nothing): the config
    cache's ``post_save`` signals, without which a saved center or item version would not reach the
    other processes' caches, and the faster model-comment reader (it speeds up the definition of the
    model classes imported after it). :meth:`GovHall.create` calls it, so every app (``create_app``
    begins with it), CLI command, benchmark and test has both; the CLI's ``main`` calls it before
    anything imports the core's models."""
    model_comments.install()
    from core.services import config_cache  # it imports the core's models: only once the reader is in place

    config_cache.install()


@dataclass
class GovHall:
    settings: Settings
    pm: pluggy.PluginManager
    extras: dict[str, Any] = field(default_factory=dict)
    # Per-app memo of facts that never change within one database (department ids...): kept here,
    # not in module globals, so two apps on two databases in one process never mix them up.
    memo: dict[Any, Any] = field(default_factory=dict)
    instance: str = field(default_factory=lambda: uuid.uuid4().hex)
    sessions: Any = None  # a core.services.sessions.SessionCache while serving on PostgreSQL

    @classmethod
    def create(cls, settings: Settings | None = None, pm: pluggy.PluginManager | None = None) -> "GovHall":
        install_tortoise_extensions()
        settings = settings or Settings.from_env()
        return cls(settings=settings, pm=pm or make_plugin_manager(settings))

    @cached_property
    def hub(self) -> PluginHub:
        return PluginHub(self.pm)

    @cached_property
    def tortoise_config(self) -> dict[str, Any]:
        return tortoise_config(self.settings.database_url, plugin_model_apps(self.pm))

    @cached_property
    def item_dirs(self) -> list[Path]:
        return [Path(p) for group in self.pm.hook.register_item_dirs() for p in group]

    @cached_property
    def template_dirs(self) -> list[Path]:
        return [Path(p) for group in self.pm.hook.register_document_templates() for p in group]

    @cached_property
    def processes(self) -> Any:
        """The :class:`core.services.workflow.ProcessRegistry`: built (and checked) when the app is created."""
        from core.services.effects import EFFECTS, EFFECTS_TOGETHER
        from core.services.guards import GUARDS
        from core.services.workflow import ProcessRegistry

        return ProcessRegistry.build(self, core_guards=GUARDS, core_effects=EFFECTS, core_together=EFFECTS_TOGETHER)

    @cached_property
    def document_abbreviations(self) -> dict[str, str]:
        """文号 abbreviation per document kind: the core's, then what plugins declare."""
        from core.services.documents.issue import KIND_ABBREVIATIONS

        found = dict(KIND_ABBREVIATIONS)
        for group in self.pm.hook.register_document_kinds():
            for kind, info in group.items():
                if info.get("abbreviation"):
                    found.setdefault(kind, info["abbreviation"])
        return found

    @cached_property
    def document_titles(self) -> dict[str, str]:
        """The printed title of each document kind plugins declare (``register_document_kinds``):
        what a document of that kind is headed when its context gives no ``document.title``."""
        found: dict[str, str] = {}
        for group in self.pm.hook.register_document_kinds():
            for kind, info in group.items():
                if info.get("title"):
                    found.setdefault(kind, str(info["title"]))
        return found

    @cached_property
    def renderer(self) -> Any:
        """The :class:`core.services.documents.DocumentRenderer` with the plugins' template folders first."""
        from core.services.documents import DocumentRenderer

        return DocumentRenderer(self.template_dirs)
