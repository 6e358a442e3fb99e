"""acall / acall_first call hooks through pluggy, so hook wrappers, tracing and ``firstresult``
apply, and await what ``async def`` implementations return."""

from __future__ import annotations

import pytest

from core.api import acall, acall_first, hookimpl
from core.services.plugins import make_plugin_manager
from core.plumbing.settings import Settings

pytestmark = pytest.mark.anyio

CALLS: list[str] = []


class AsyncRules:
    @hookimpl
    async def validate_case(self, center, item, data, action):
        CALLS.append("async")
        return ["async problem"]


class SyncRules:
    @hookimpl
    def validate_case(self, center, item, data, action):
        CALLS.append("sync")
        return None


class Wrapper:
    @hookimpl(wrapper=True)
    def validate_case(self, center, item, data, action):
        CALLS.append("wrapper before")
        results = yield
        CALLS.append(f"wrapper after {len(results)}")
        return results


class Declines:
    @hookimpl
    def send_notification(self, center, recipient, text, case):
        return None  # a first-result implementation that may decline does so from a plain def


class Sends:
    @hookimpl
    async def send_notification(self, center, recipient, text, case):
        return f"gateway:{recipient}"


def bare_manager():
    return make_plugin_manager(Settings(plugins=()), load_entrypoints=False)


async def test_acall_goes_through_wrappers_and_awaits_results():
    pm = bare_manager()
    for plugin in (AsyncRules(), SyncRules(), Wrapper()):
        pm.register(plugin)
    CALLS.clear()
    results = await acall(pm.hook.validate_case, center=None, item=None, data={}, action="submit")
    assert results == [["async problem"]]  # one list per implementation that answered
    assert CALLS == ["wrapper before", "sync", "wrapper after 1", "async"]


async def test_acall_first_takes_pluggys_first_result_and_awaits_it():
    pm = bare_manager()
    pm.register(Sends())
    pm.register(Declines())  # registered last: called first, declines
    assert await acall_first(pm.hook.send_notification, center=None, recipient="138", text="t", case=None) == "gateway:138"


async def test_hook_calls_are_traced():
    pm = bare_manager()
    pm.register(AsyncRules())
    lines: list[str] = []
    pm.trace.root.setwriter(lines.append)
    undo = pm.enable_tracing()
    try:
        await acall(pm.hook.validate_case, center=None, item=None, data={}, action="submit")
    finally:
        undo()
    assert any("validate_case" in line for line in lines)
