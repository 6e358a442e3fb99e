"""Telling who now decides: when a waiting leave request's step is decided by another post because
its own post fell vacant (:func:`.approvers.deciding_post`), the people holding that post are not
looking for it. The ``sweep_tick`` round (every few minutes in ``govhall serve``, and ``govhall
sweep``) finds such requests and sends each holder of the deciding post, and the person asking,
one 站内消息 saying whose request waits, for which post, and why.

``LeaveRequest.acting_post_told`` keeps the post last told, so each change is told once: a request
is told again only when its deciding post changes again (the deputy's post falls vacant too, or the
request reaches another step, see :func:`.leave.decide_leave`, which clears the mark). Once the
step's own post is filled again nothing is sent, but the mark is cleared, so a later vacancy is told.
Several sweepers may run at once: the mark is claimed with a conditional update in the transaction
that writes the messages.
"""

from __future__ import annotations

from datetime import date, datetime

from tortoise.transactions import in_transaction

from core.api import Center, local_today, send_staff_message

from .approvers import ADMIN, POST_LABELS, Vacancies, deciding_post, holders
from .models import LEAVE_KINDS, LeaveRequest

TAG = "【请假审批】"


async def tell_acting_posts(center: Center, now: datetime) -> int:
    """Tell the center's waiting requests' new deciders (and the people asking) once, and clear
    the mark of those whose own post is held again. Returns the number of requests told."""
    told = 0
    vacancies = Vacancies(center)
    today = local_today(now)
    for leave in await LeaveRequest.filter(center_id=center.id, status="pending").select_related("user").order_by("id"):
        step = str(leave.route[leave.step])
        post = await deciding_post(center, leave, vacancies)
        if post == step:
            if leave.acting_post_told is not None:  # the post is held again: a later vacancy is told anew
                await _claim(leave, None)
            continue
        if post == leave.acting_post_told:
            continue
        async with in_transaction():  # the mark and the messages, or neither
            if not await _claim(leave, post):
                continue  # another sweeper told it, or the request moved on meanwhile
            deciders = await holders(center, leave, post)
            if deciders:
                await send_staff_message(center, deciders, decider_text(leave, post, today))
            await send_staff_message(center, [leave.user], requester_text(leave, post, today))
        told += 1
    return told


async def _claim(leave: LeaveRequest, post: str | None) -> bool:
    """Set the mark from what this sweep read to ``post``, if nobody changed the request since."""
    return bool(await LeaveRequest.filter(id=leave.id, status="pending", step=leave.step,
                                          acting_post_told=leave.acting_post_told).update(acting_post_told=post))


def decider_text(leave: LeaveRequest, post: str, today: date) -> str:
    """张三的请假申请（事假，3月9日）原由窗口负责人审批，该岗位现空缺，改由您（中心办公室）审批…"""
    name = leave.user.display_name or leave.user.username
    return (f"{TAG}{name}的请假申请（{_what(leave, today)}）{_why(leave, post)}，改由您（{POST_LABELS[post]}）审批，"
            "请到“请假”页审批。")


def requester_text(leave: LeaveRequest, post: str, today: date) -> str:
    """您的请假申请（…）原由窗口负责人审批，该岗位现空缺，改由中心办公室审批。"""
    return f"{TAG}您的请假申请（{_what(leave, today)}）{_why(leave, post)}，改由{POST_LABELS[post]}审批。"


def _why(leave: LeaveRequest, post: str) -> str:
    """Which post the step was for and which posts are vacant on the way to ``post``."""
    rest = [str(s) for s in leave.route[leave.step:]]
    vacant = rest if post == ADMIN else rest[:rest.index(post)]
    if len(vacant) == 1:
        return f"原由{POST_LABELS[vacant[0]]}审批，该岗位现空缺"
    return f"原由{POST_LABELS[vacant[0]]}审批，{'、'.join(POST_LABELS[s] for s in vacant)}现均空缺"


def _what(leave: LeaveRequest, today: date) -> str:
    """事假，3月9日 / 病假，3月9日下午至3月11日上午 (the year only when it is not this year's)."""
    def day(d: date) -> str:
        return f"{d.year}年{d.month}月{d.day}日" if d.year != today.year else f"{d.month}月{d.day}日"

    halves = {"am": "上午", "pm": "下午"}
    if leave.start == leave.end:
        when = day(leave.start) + ("" if (leave.start_half, leave.end_half) == ("am", "pm") else halves[leave.start_half])
    else:
        when = (day(leave.start) + ("下午" if leave.start_half == "pm" else "") + "至"
                + day(leave.end) + ("上午" if leave.end_half == "am" else ""))
    return f"{LEAVE_KINDS[leave.kind].split('（')[0]}，{when}"
