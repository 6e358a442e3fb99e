"""The demo's staff register (人员名册): the demo centers' window staff, reviewers, head and
supervisor on the register, with their windows, AB岗 partners and attendance cards, so that the
register, attendance and leave screens have people in them from the first start."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace
from datetime import date

from core.api import Actor, Center, User

from .register import RecordInput, record_of, save_record

# center -> entries. The center's own people (department ``zwb``) have no minimum term; those the
# departments post to the center take the center's (``settings.staff.minTermMonths``).
DEMO_REGISTER: dict[str, Sequence[RecordInput]] = {
    "lianzhou": (
        RecordInput("lz-clerk", "window_staff", date(2025, 3, 1), department="zwb", window="ZH01", min_term_months=0,
                    partner="lz-pickup", card="LZ0001"),
        RecordInput("lz-pickup", "window_staff", date(2025, 3, 1), department="zwb", window="CJ01", min_term_months=0,
                    partner="lz-clerk", card="LZ0002"),
        RecordInput("lz-scjg", "window_staff", date(2025, 6, 1), department="scjg", window="W05", partner="lz-gaj",
                    card="LZ0005"),
        RecordInput("lz-gaj", "window_staff", date(2025, 6, 1), department="gaj", window="ZH01", partner="lz-scjg",
                    card="LZ0006"),
        RecordInput("lz-zjj", "window_staff", date(2025, 9, 1), department="zjj", window="W04", partner="lz-fgj",
                    card="LZ0007"),
        RecordInput("lz-fgj", "window_staff", date(2025, 9, 1), department="fgj", window="W01", partner="lz-zjj",
                    card="LZ0008"),
        RecordInput("lz-hbj", "window_staff", date(2026, 1, 5), department="hbj", window="W03", partner="lz-fgj",
                    card="LZ0009"),
        # the leader of the comprehensive window signs its staff's leave, the office reviews it (请假单 of up
        # to one day go through to the supervision office; the demo has no center leadership for longer ones)
        RecordInput("lz-head", "window_leader", date(2024, 9, 1), department="zwb", window="ZH01", min_term_months=0,
                    partner="lz-super", card="LZ0010"),
        RecordInput("lz-super", "supervision", date(2024, 9, 1), department="zwb", min_term_months=0,
                    partner="lz-head", card="LZ0011"),
        RecordInput("lz-config", "office", date(2024, 9, 1), department="zwb", min_term_months=0,
                    partner="lz-super", card="LZ0012"),
    ),
    "kunshan": (
        RecordInput("ks-clerk", "window_staff", date(2025, 4, 1), department="zwb", window="ZH01", partner="ks-fgj",
                    card="KS0001"),
        RecordInput("ks-fgj", "window_staff", date(2025, 4, 1), department="fgj", window="W02", partner="ks-clerk",
                    card="KS0002"),
        RecordInput("ks-head", "window_leader", date(2024, 10, 8), department="zwb", partner="ks-super", card="KS0003"),
        RecordInput("ks-super", "supervision", date(2024, 10, 8), department="zwb", partner="ks-head", card="KS0004"),
    ),
}


async def add_demo_register(center: Center, actor: Actor) -> list[str]:
    """Save the center's demo entries (as the register's keeper would: every check applies); saving
    again changes the same entries."""
    entries = DEMO_REGISTER.get(center.code, ())
    for entry in entries:  # first everyone, so that AB岗 partners (named both ways) are on the register
        if await record_of(center, (await User.get(username=entry.username)).id) is None:
            await save_record(actor, center.code, replace(entry, partner=None))
    for entry in entries:
        await save_record(actor, center.code, entry)
    return [f"人员名册 {len(entries)} 人（考勤卡号 {entries[0].card} 起）"] if entries else []
