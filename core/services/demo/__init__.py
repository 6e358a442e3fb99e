"""``govhall demo``: the seed centers with their departments and windows, the shipped items, and
demo users (listed in the README). Safe to run again: it updates what exists."""

from __future__ import annotations

from pathlib import Path

from core.services.accounts import Actor, add_user, grant_role, load_grants
from core.services.centers import load_center
from core.services.plugins import BUILTIN_PLUGINS, acall, plugin_name
from core.plumbing import json_files
from core.plumbing.models import Center, User
from core.plumbing.resources import shipped_dir
from core.services.runtime import GovHall

CENTERS_DIR = Path(__file__).resolve().parent / "centers"
FORMS_DIR = shipped_dir("forms")
DEMO_PASSWORD = "demo1234"
CENTER_ORDER = ("lianzhou", "kunshan", "wushen", "wengyuan", "sanming")

# (username, name, [(center, role, department or None)]); "*" means every demo center.
DEMO_USERS: list[tuple[str, str, list[tuple[str, str, str | None]]]] = [
    ("admin", "系统管理员", [("*", "admin", None), ("*", "configurator", None)]),
    ("zhangsan", "张三（申请人）", [("*", "applicant", None)]),
    ("lisi", "李四（企业申请人）", [("*", "applicant", None)]),
    ("daiban", "王五（代办员）", [("lianzhou", "agent", None), ("wushen", "agent", None)]),
    ("lz-clerk", "陈敏（连州综合窗口）", [("lianzhou", "clerk", None)]),
    ("lz-scjg", "刘洋（连州市场监管局审批）", [("lianzhou", "reviewer", "scjg")]),
    ("lz-gaj", "黄海（连州公安局审批）", [("lianzhou", "reviewer", "gaj")]),
    ("lz-zjj", "周强（连州住建局审批）", [("lianzhou", "reviewer", "zjj")]),
    ("lz-fgj", "吴刚（连州发改局审批）", [("lianzhou", "reviewer", "fgj")]),
    ("lz-hbj", "郑丽（连州环保局审批）", [("lianzhou", "reviewer", "hbj")]),
    # the departments behind the enterprise zone's opening bundle (企业开办) besides market regulation and police
    ("lz-swj", "王磊（连州税务局审批）", [("lianzhou", "reviewer", "swj")]),
    ("lz-rsj", "林琳（连州人社局审批）", [("lianzhou", "reviewer", "rsj")]),
    ("lz-gjj", "何平（连州公积金管理部审批）", [("lianzhou", "reviewer", "gjj")]),
    ("lz-head", "赵军（连州首席代表）", [("lianzhou", "head", None)]),
    ("lz-pickup", "孙芳（连州出件窗口）", [("lianzhou", "pickup", None)]),
    ("lz-super", "钱伟（连州督查科）", [("lianzhou", "supervisor", None)]),
    ("lz-config", "冯静（连州配置员）", [("lianzhou", "configurator", None)]),
    ("wy-clerk", "梁燕（翁源综合窗口）", [("wengyuan", "clerk", None)]),
    ("wy-scjg", "邓超（翁源市场监管局审批）", [("wengyuan", "reviewer", "scjg")]),
    ("wy-head", "罗斌（翁源首席代表）", [("wengyuan", "head", None)]),
    ("wy-pickup", "谢婷（翁源统一出件窗口）", [("wengyuan", "pickup", None)]),
    ("wy-super", "何磊（翁源督查）", [("wengyuan", "supervisor", None)]),
    ("ks-clerk", "朱琳（昆山综合窗口）", [("kunshan", "clerk", None)]),
    ("ks-fgj", "唐亮（昆山发改委审批）", [("kunshan", "reviewer", "fgj")]),
    ("ks-head", "韩梅（昆山首席代表）", [("kunshan", "head", None)]),
    ("ks-super", "曹阳（昆山效能监察）", [("kunshan", "supervisor", None)]),
]


async def build_demo(govhall: GovHall) -> list[str]:
    lines: list[str] = []
    centers: dict[str, Center] = {}
    for code in CENTER_ORDER:
        path = CENTERS_DIR / f"{code}.json"
        if not path.exists():
            continue
        doc = json_files.loads(path.read_text("utf-8"))
        doc["plugins"] = [*doc.get("plugins", []), *await _outside_plugins_enabled(code, govhall.hub.installed)]
        center = await load_center(doc, govhall.hub)
        centers[code] = center
        lines.append(f"中心 {center.code}：{center.name}（插件：{'、'.join(center.plugins) or '无'}）")
    for username, name, grants in DEMO_USERS:
        user = await User.get_or_none(username=username)
        if user is None:
            user = await add_user(username, DEMO_PASSWORD, display_name=name, hashing=govhall.settings.password_hashing)
        for center_code, role, department in grants:
            for code in centers if center_code == "*" else [center_code]:
                if code in centers:
                    await grant_role(user, centers[code], role, department_code=department)
    lines.append(f"演示用户 {len(DEMO_USERS)} 个，密码均为 {DEMO_PASSWORD}（见 README）")
    lines.extend(await _demo_items(govhall, list(centers.values())))
    lines.extend(await _plugin_demo_data(govhall, list(centers.values())))
    return lines


async def _outside_plugins_enabled(code: str, installed: frozenset[str]) -> list[str]:
    """The outside plugins (not built in) enabled on the existing demo center ``code``: the demo's
    files name built-in plugins only, so running the demo again keeps what an administrator enabled
    (``setPluginEnabled``) and runs those plugins' items and ``demo_data`` there too."""
    center = await Center.get_or_none(code=code)
    builtin = {plugin_name(module) for module in BUILTIN_PLUGINS}
    return [name for name in (center.plugins or []) if name in installed and name not in builtin] if center else []


async def _plugin_demo_data(govhall: GovHall, centers: list[Center]) -> list[str]:
    """Each enabled plugin's own demo rows (its ``demo_data`` hook), added as the demo's administrator."""
    user = await User.get(username="admin")
    admin = Actor(user=user, grants=await load_grants(user))
    lines = []
    for center in centers:
        for group in await acall(govhall.hub.for_center(center).demo_data, center=center, actor=admin):
            lines.extend(f"  {center.code}：{line}" for line in group or ())
    return lines


async def _demo_items(govhall: GovHall, centers: list[Center]) -> list[str]:
    from core.services.items import load_items_dir

    lines = []
    for center in centers:
        published = []
        plugin_dirs = [Path(p) for group in govhall.hub.for_center(center).register_item_dirs() for p in group]
        for folder in [FORMS_DIR, *plugin_dirs]:  # a plugin's items only where the plugin is enabled
            published += await load_items_dir(govhall, center, folder, publish=True, actor_name="demo")
        lines.append(f"  {center.code}：发布事项 {len(published)} 个")
    return lines
