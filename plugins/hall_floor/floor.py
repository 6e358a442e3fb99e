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
    windows = await Window.filter(center=center, kind="comprehensive").order_by("code").values_list("code", flat=True)
    return [Queue("A", "综合", tuple(str(w) for w in windows))]


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
