"""The plugin manager, made once per app (never a process-wide global).

Built-in plugins are an explicit tuple of module names; outside plugins come from the ``govhall``
entry-point group (``pm.load_setuptools_entrypoints``). ``GOVHALL_PLUGINS`` narrows what loads, ``GOVHALL_TRACE_PLUGINS=1`` prints every
hook call. Per-center calls go through :meth:`PluginHub.for_center`, which leaves out the plugins
a center has not enabled.
"""

from __future__ import annotations

import importlib
import importlib.metadata
import inspect
import os
import sys
from collections.abc import Iterable
from functools import lru_cache
from typing import TYPE_CHECKING, Any

import pluggy

from core.services import hookspecs
from core.plumbing.errors import Forbidden
from core.plumbing.settings import SettingsError

if TYPE_CHECKING:
    from core.plumbing.models import Center
    from core.plumbing.settings import Settings

# Plugins every center has: the core's overridable defaults.
CORE_PLUGINS: tuple[str, ...] = ("core.services.defaults",)

# Center plugins shipped with GovHall, in the order they are registered: pluggy calls the last
# registered first (outside plugins, then these from the end), the core's defaults last.
BUILTIN_PLUGINS: tuple[str, ...] = (
    "plugins.one_window",
    "plugins.enterprise_zone",
    "plugins.green_channel",
    "plugins.assessment",
    "plugins.staff",
    "plugins.hall_floor",
    "plugins.exchange",
)


def plugin_name(module_name: str) -> str:
    """``plugins.one_window`` → ``one_window``: the name a center file uses."""
    return module_name.rsplit(".", 1)[-1] if module_name.startswith("plugins.") else module_name


def make_plugin_manager(settings: Settings | None = None, *, load_entrypoints: bool = True) -> pluggy.PluginManager:
    """A fresh manager with the core defaults, the built-in plugins and outside plugins (the
    ``govhall`` entry-point group), then the hookspecs plugins add for each other."""
    pm = pluggy.PluginManager("govhall")
    pm.add_hookspecs(hookspecs)
    wanted = settings.plugins if settings else None
    if wanted is not None:
        check_wanted(wanted)
    for module_name in CORE_PLUGINS:
        pm.register(importlib.import_module(module_name), name=module_name)
    for module_name in BUILTIN_PLUGINS:
        name = plugin_name(module_name)
        if wanted is None or name in wanted:
            pm.register(importlib.import_module(module_name), name=name)
    if load_entrypoints:
        load_outside_plugins(pm, wanted)
    add_plugin_hookspecs(pm)
    if os.environ.get("GOVHALL_TRACE_PLUGINS"):
        pm.trace.root.setwriter(lambda message: sys.stderr.write(message))
        pm.enable_tracing()
    pm.check_pending()
    return pm


def check_wanted(wanted: Iterable[str]) -> None:
    """``GOVHALL_PLUGINS`` names only plugins there are (built-in or ``govhall`` entry points): a
    misspelt name would otherwise switch a plugin off without a word."""
    known = sorted({plugin_name(m) for m in BUILTIN_PLUGINS} | {e.name for e in importlib.metadata.entry_points(group="govhall")})
    unknown = [name for name in wanted if name not in known]
    if unknown:
        raise SettingsError(
            f"GOVHALL_PLUGINS 中有未知的插件：{'、'.join(unknown)}；可用的插件：{'、'.join(known)}"
            f" / unknown plugin(s) in GOVHALL_PLUGINS: {', '.join(unknown)}; known plugins: {', '.join(known)}")


class PluginLoadError(SettingsError):
    """An outside plugin's entry point could not be loaded; the message names it. A deployment
    error like a bad setting: the command line reports it in one line and exits with 2."""


def load_outside_plugins(pm: pluggy.PluginManager, wanted: Iterable[str] | None) -> None:
    """The ``govhall`` entry points (only the ``wanted`` ones when set), one at a time through
    pluggy, so that one that fails to import is named: its own error alone names a module at best."""
    for entry_point in importlib.metadata.entry_points(group="govhall"):
        if wanted is not None and entry_point.name not in wanted:
            continue
        try:
            pm.load_setuptools_entrypoints("govhall", name=entry_point.name)
        except Exception as exc:
            raise PluginLoadError(
                f"插件“{entry_point.name}”（{entry_point.value}）无法加载 / plugin {entry_point.name} "
                f"({entry_point.value}) failed to load: {type(exc).__name__}: {exc}"
            ) from exc


def add_plugin_hookspecs(pm: pluggy.PluginManager) -> None:
    """Add the hookspecs plugins declare (``register_hookspecs``), so that other plugins, and
    plugins registered later, can implement them."""
    for specs in pm.hook.register_hookspecs():
        pm.add_hookspecs(specs)


def installed_plugins(pm: pluggy.PluginManager) -> list[str]:
    """Names a center may enable: everything registered except the core's own defaults."""
    return sorted(name for name, _ in pm.list_name_plugin() if name not in CORE_PLUGINS)


def plugin_model_apps(pm: pluggy.PluginManager) -> list[tuple[str, str]]:
    """(app label, models module) for each plugin that declares Tortoise models."""
    apps = []
    for name, plugin in pm.list_name_plugin():
        impl = getattr(plugin, "register_models", None)
        if impl is not None and (module := impl()):
            apps.append((name.replace(".", "_"), module))
    return apps


class PluginHub:
    """The app's plugins, and per-center hook callers that include only the enabled ones."""

    def __init__(self, pm: pluggy.PluginManager) -> None:
        self.pm = pm
        self.installed = frozenset(installed_plugins(pm))
        self.titles = plugin_titles(pm)
        self._subset = lru_cache(maxsize=256)(self._make_subset)

    @property
    def hook(self) -> Any:
        """All plugins: for registration hooks."""
        return self.pm.hook

    def for_center(self, center: Center | Iterable[str]) -> "CenterHooks":
        """Hook callers for one center: ``hub.for_center(center).validate_case(...)``."""
        names = center.plugins if hasattr(center, "plugins") else center
        return self._subset(frozenset(names or ()))

    def _make_subset(self, enabled: frozenset[str]) -> "CenterHooks":
        disabled = [p for n, p in self.pm.list_name_plugin() if n in self.installed and n not in enabled]
        return CenterHooks(self.pm, disabled)


class CenterHooks:
    """Attribute access to hook callers that skip the plugins a center has not enabled."""

    def __init__(self, pm: pluggy.PluginManager, disabled: list[object]) -> None:
        self._pm = pm
        self._disabled = disabled
        self._callers: dict[str, Any] = {}

    def __getattr__(self, name: str) -> Any:
        caller = self._callers.get(name)
        if caller is None:
            caller = self._pm.subset_hook_caller(name, self._disabled) if self._disabled else getattr(self._pm.hook, name)
            self._callers[name] = caller
        return caller


_titles: dict[str, str] = {}
"""Each plugin's name for people, by its code (``register_title``), gathered as plugin managers are
built. A plugin's title is a fact of its code, the same in every app of the process, so a
plugin's refusal (:func:`require_plugin`), which has no app at hand, can read it here."""


def plugin_titles(pm: pluggy.PluginManager) -> dict[str, str]:
    """Installed plugin → its title (``register_title``), or its code when it declares none."""
    titles = {}
    for name, plugin in pm.list_name_plugin():
        if name in CORE_PLUGINS:
            continue
        impl = getattr(plugin, "register_title", None)
        titles[name] = (impl() if impl is not None else None) or name
    _titles.update(titles)
    return titles


def require_plugin(center: Center, name: str) -> None:
    """Refuse a plugin's GraphQL call for a center that has not enabled that plugin."""
    if name not in (center.plugins or []):
        raise Forbidden(f"本中心（{center.name}）未启用“{_titles.get(name, name)}”功能")


async def await_me_maybe(value: Any) -> Any:
    """``value``, awaited first if it is awaitable: hook implementations may be ``async def``."""
    if inspect.isawaitable(value):
        value = await value
    return value


def _is_firstresult(caller: Any) -> bool:
    spec = getattr(caller, "spec", None)
    return bool(spec and spec.opts.get("firstresult"))


async def acall(caller: Any, **kwargs: Any) -> list[Any]:
    """Call a hook through pluggy (so tracing, wrappers and ``firstresult`` apply) and await what
    ``async def`` implementations return; the results that are not ``None``, in pluggy's order."""
    returned = caller(**kwargs)
    if _is_firstresult(caller):
        returned = [] if returned is None else [returned]
    results = []
    for value in returned:
        value = await await_me_maybe(value)
        if value is not None:
            results.append(value)
    return results


async def acall_first(caller: Any, **kwargs: Any) -> Any:
    """Call a first-result hook through pluggy and await its answer. pluggy stops at the first
    implementation that returns something other than ``None``, so an ``async def`` implementation
    always answers: one that may decline returns ``None`` from a plain ``def`` (or returns an
    awaitable only when it handles the call), as in Datasette."""
    results = await acall(caller, **kwargs)
    return results[0] if results else None
