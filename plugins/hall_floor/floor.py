"""The center's hall-floor settings (``settings.hallFloor`` in its center file) and shared helpers.

``queues``: ``[{"code": "A", "name": "综合", "windows": ["ZH01"]}, ...]``: the queue's code is the
ticket number's prefix; a window calls only the queues that list it. Without any, one queue ``A``
综合 is served by every comprehensive window. ``roster``: the duty roster of bookable periods, see
:mod:`.roster`. ``nearAhead``: the SMS "前面还有 N 人" goes out when N reaches this (default 3).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from core.api import Center, UserErrorsException, Window, get_center, require_plugin

PLUGIN = "hall_floor"
STAFF = ("clerk", "head", "supervisor", "admin")
BAD_REASONS = ("等候时间过长", "服务态度不好", "一次性告知不清", "办事效率低", "材料要求过多", "环境设施不便", "其他")


@dataclass(frozen=True)
class Queue:
    code: str
    name: str
    windows: tuple[str, ...]


def conf(center: Center) -> Mapping[str, Any]:
    return (center.settings or {}).get("hallFloor") or {}


async def floor_center(code: str) -> Center:
    """The center, refused (Forbidden) when it has not enabled the hall floor."""
    center = await get_center(code)
    require_plugin(center, PLUGIN)
    return center


async def queues(center: Center) -> list[Queue]:
    configured = conf(center).get("queues")
    if configured:
        return [Queue(str(q["code"]), str(q["name"]), tuple(q.get("windows", ()))) for q in configured]
    windows = await Window.filter(center=center, kind="comprehensive", closed_at__isnull=True).order_by("code").values_list("code", flat=True)
    return [Queue("A", "综合", tuple(str(w) for w in windows))]  # a closed window (撤销) calls nothing


def window_in_use(center: Center, window: Window) -> str | None:
    """Why ``window`` cannot be closed (撤销) while the hall floor still needs it: a queue of the
    center file (``settings.hallFloor.queues``) still lists it, so its numbers would wait for a
    window nobody staffs. The default queue (no ``queues``) is served by the open comprehensive
    windows, whichever they are, and needs nothing."""
    using = [q for q in conf(center).get("queues") or () if window.code in (q.get("windows") or ())]
    if not using:
        return None
    names = "、".join(f"“{q['code']} {q['name']}”" for q in using)
    return (f"大厅现场服务的排队业务{names}仍由该窗口叫号，请先在中心配置文件（settings.hallFloor.queues）中"
            "改由其他窗口叫号并重新导入")


async def queue(center: Center, code: str) -> Queue:
    found = {q.code: q for q in await queues(center)}
    if code not in found:
        names = "、".join(f"{q.code} {q.name}" for q in found.values())
        raise UserErrorsException.single("unknown_queue", f"没有“{code}”类业务，可选：{names}", "/queue")
    return found[code]


async def window(center: Center, code: str) -> Window:
    found = await Window.get_or_none(center=center, code=code)
    if found is None:
        raise UserErrorsException.single("unknown_window", f"本中心没有窗口“{code}”", "/window")
    return found


def near_ahead(center: Center) -> int:
    return int(conf(center).get("nearAhead", 3))
