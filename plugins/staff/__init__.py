"""人员管理 (staff administration): the staff register with AB岗 partners, 刷卡考勤, leave routed by
its length, and the attendance rules' bonus consequences (seeds 000, 001).

A plugin of its own, apart from the assessment plugin: a center may run its staff rules without
the assessment's scoring. Thin hook implementations; the register lives in :mod:`.register`,
clock-ins and the monthly sheet in :mod:`.attendance`, leave in :mod:`.leave` (who decides in
:mod:`.approvers`, telling a vacant post's deputy in :mod:`.acting`), the thresholds in
:mod:`.standing`, the GraphQL fields in :mod:`.graphql`.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import datetime
from types import ModuleType

from core.api import Actor, Center, GovHall, hookimpl

from . import hookspecs
from .acting import tell_acting_posts
from .demo import add_demo_register
from .graphql import Mutation, Query


@hookimpl
def register_title() -> str:
    return "人员名册"


@hookimpl
def register_models() -> str:
    """The register, clock devices, clock-ins and leave requests (app label ``staff``)."""
    return "plugins.staff.models"


@hookimpl
def register_hookspecs() -> ModuleType:
    """``staff_hand_over``: other plugins move their own work to the AB岗 partner."""
    return hookspecs


@hookimpl
def register_graphql() -> Mapping[str, Sequence[type]]:
    return {"query": [Query], "mutation": [Mutation]}


@hookimpl
async def demo_data(center: Center, actor: Actor) -> list[str]:
    """The demo's staff register (:mod:`.demo`)."""
    return await add_demo_register(center, actor)


@hookimpl
async def sweep_tick(govhall: GovHall, center: Center, now: datetime) -> None:
    """请假: tell once whoever now decides a waiting request because its step's post fell vacant."""
    await tell_acting_posts(center, now)
