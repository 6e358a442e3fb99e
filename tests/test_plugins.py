from __future__ import annotations

import copy

import pytest

from core.api import hookimpl
from core.services.accounts import Actor, load_grants
from core.services.centers import load_center, set_plugin_enabled
from core.services.demo import build_demo
from core.services.items import define_item, publish_item
from core.plumbing.models import Center, User
from core.services.plugins import BUILTIN_PLUGINS, PluginLoadError, installed_plugins, make_plugin_manager
from tests import example_plugin, example_process_plugin
from tests.hall import QUICK, CaseDriver, build_hall

pytestmark = pytest.mark.anyio


def center_doc(code: str, plugins: list[str]) -> dict:
    return {
        "code": code, "name": f"{code}政务服务中心", "shortName": code.upper()[:4], "plugins": plugins,
        "departments": [{"code": "scjg", "name": "市场监督管理局"}],
    }


@pytest.fixture
def with_example(plugin_manager):
    plugin_manager.register(example_plugin, name="example")
    return plugin_manager


async def test_hook_runs_only_for_centers_that_enable_the_plugin(with_example, app, govhall):
    hub = govhall.hub
    a = await load_center(center_doc("aaa", ["example"]), hub)
    b = await load_center(center_doc("bbb", []), hub)
    example_plugin.SEEN.clear()

    results_a = hub.for_center(a).validate_case(center=a, item=None, data={"name": "测试公司"}, action="submit")
    results_b = hub.for_center(b).validate_case(center=b, item=None, data={"name": "测试公司"}, action="submit")
    assert [e.code for group in results_a for e in group] == ["example.name"]
    assert results_b == []
    assert example_plugin.SEEN == ["aaa"]

    # Enabling it for b is a data change: the next call sees it, no restart.
    b = await set_plugin_enabled(b, "example", True, hub.installed)
    assert (await Center.get(code="bbb")).plugins == ["example"]
    results_b = hub.for_center(b).validate_case(center=b, item=None, data={"name": "测试公司"}, action="submit")
    assert [e.code for group in results_b for e in group] == ["example.name"]
    assert example_plugin.SEEN == ["aaa", "bbb"]

    # And disabling it again turns it off.
    b = await set_plugin_enabled(b, "example", False, hub.installed)
    assert hub.for_center(b).validate_case(center=b, item=None, data={"name": "测试"}, action="submit") == []


def test_plugin_manager_is_per_app_and_lists_builtins(settings):
    pm1 = make_plugin_manager(settings)
    pm2 = make_plugin_manager(settings)
    pm1.register(example_plugin, name="example")
    assert "example" in installed_plugins(pm1)
    assert "example" not in installed_plugins(pm2)
    present = {m.rsplit(".", 1)[-1] for m in BUILTIN_PLUGINS}
    assert set(installed_plugins(pm2)) <= present


def test_outside_plugins_are_called_first_then_the_builtins_from_the_end(settings):
    """docs/plugins.md: pluggy calls the plugin registered last first."""

    class Outside:
        @hookimpl
        def register_models(self):
            return "outside.models"

    pm = make_plugin_manager(settings, load_entrypoints=False)
    pm.register(Outside(), name="outside")
    answered = [module.split(".")[-2] for module in pm.hook.register_models()]
    builtin = [name for name in reversed([m.rsplit(".", 1)[-1] for m in BUILTIN_PLUGINS]) if name in answered]
    assert answered == ["outside", *builtin] and len(builtin) >= 3


def test_an_outside_plugin_that_fails_to_import_is_named(settings, monkeypatch, tmp_path, capsys):
    """A new plugin that imports a name core.api lacks: the error says which plugin it is."""
    (tmp_path / "broken_fees.py").write_text("from core.api import IssuedDocument\n", "utf-8")
    info = tmp_path / "broken_fees-0.1.dist-info"
    info.mkdir()
    (info / "METADATA").write_text("Metadata-Version: 2.1\nName: broken-fees\nVersion: 0.1\n", "utf-8")
    (info / "entry_points.txt").write_text("[govhall]\nbroken_fees = broken_fees\n", "utf-8")
    monkeypatch.syspath_prepend(str(tmp_path))
    with pytest.raises(PluginLoadError) as caught:
        make_plugin_manager(settings)
    assert "broken_fees" in str(caught.value) and "IssuedDocument" in str(caught.value)
    from core.faces.cli import main

    monkeypatch.setenv("GOVHALL_DATABASE_URL", settings.database_url)
    capsys.readouterr()
    assert main(["db", "upgrade"]) == 2
    said = capsys.readouterr().err
    assert "broken_fees" in said and "意外错误" not in said and len(said.strip().splitlines()) == 1, said
    make_plugin_manager(type(settings)(database_url=settings.database_url, plugins=("one_window",)))  # not loaded


def test_plugins_env_narrows_what_loads(settings):
    narrowed = type(settings)(database_url=settings.database_url, plugins=("one_window",))
    names = installed_plugins(make_plugin_manager(narrowed))
    assert names in ([], ["one_window"])


async def test_unknown_plugin_in_center_file_is_rejected_with_names(app, govhall):
    from core.plumbing.errors import UserErrorsException

    with pytest.raises(UserErrorsException) as info:
        await load_center(center_doc("ccc", ["no_such_plugin"]), govhall.hub)
    (error,) = info.value.errors
    assert error.code == "unknown_plugin" and error.path == "/plugins/0"
    assert "no_such_plugin" in error.message
    for name in govhall.hub.installed:
        assert name in error.message
    assert not await Center.exists(code="ccc")


@pytest.fixture
def with_fee_example(plugin_manager):
    plugin_manager.register(example_process_plugin, name="example_fee")
    return plugin_manager


async def test_a_plugin_process_with_its_guard_and_effect(with_fee_example, app, govhall, gql):
    """docs/plugins.md's register_processes, register_guards and register_effects, as written there."""
    hall = await build_hall(govhall, gql, plugins=["example_fee"])
    config = await User.get(username="config1")
    actor = Actor(user=config, grants=await load_grants(config))
    await define_item(govhall, actor, hall.center, {**copy.deepcopy(QUICK), "code": "test-fee", "process": "example.fee"})
    await publish_item(govhall, actor, hall.center, "test-fee")
    drive = CaseDriver(gql, hall)
    case = await drive.submit("app1", item="test-fee")
    assert case["availableActions"] == [] and case["state"] == "submitted"

    refused = await drive.act("clerk1", case, "charge", data={})
    assert refused["errors"] == [{"path": "/amount", "code": "example.amount", "message": "请填写收费金额（元）"}]
    charged = await drive.ok("clerk1", case, "charge", data={"amount": 30})
    assert charged["state"] == "charged" and charged["completedAt"]
    assert charged["events"][-1]["changes"]["fee"] == {"amount": 30, "note": "窗口收费"}


@pytest.mark.slow
async def test_the_demo_keeps_an_outside_plugin_enabled_and_runs_its_demo_data(with_fee_example, app, govhall):
    """An administrator enables an installed plugin on a demo center; running ``govhall demo`` again
    keeps it there (the demo's files name built-in plugins only) and calls its ``demo_data``."""
    example_process_plugin.DEMO_SEEN.clear()
    await build_demo(govhall)
    assert example_process_plugin.DEMO_SEEN == []
    await set_plugin_enabled(await Center.get(code="lianzhou"), "example_fee", True, govhall.hub.installed)
    lines = await build_demo(govhall)
    assert "example_fee" in (await Center.get(code="lianzhou")).plugins
    assert "example_fee" not in (await Center.get(code="kunshan")).plugins
    assert "  lianzhou：收费标准 1 项（admin）" in lines
    assert example_process_plugin.DEMO_SEEN == ["lianzhou"]
