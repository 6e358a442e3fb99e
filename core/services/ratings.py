"""好差评: the applicant rates a finished case once; results feed the assessment rules.

Two ratings of one case sent at the same moment: the database's unique key on the case decides;
the one that loses gets the same ``duplicate`` error as a later second rating.
"""

from __future__ import annotations

from tortoise.exceptions import IntegrityError
from tortoise.transactions import in_transaction

from core.services import clock
from core.services.accounts import Actor
from core.services.cases import is_owner, load_visible_case
from core.plumbing.errors import Forbidden, UserError, UserErrorsException
from core.services.form_validation import bounds_errors
from core.plumbing.models import Case, Rating, User
from core.services.outbox import events as outbox_events

DUPLICATE = UserError("duplicate", "该办件已评价过", "/id")
LEVELS = {5: "非常满意", 4: "满意", 3: "基本满意", 2: "不满意", 1: "非常不满意"}
CHANNELS = {"online": "网上", "on_site": "现场"}


async def rate_case(actor: Actor, case_id: int | str, level: int, comment: str = "") -> Rating:
    case = await load_visible_case(actor, case_id)
    if not is_owner(actor, case):
        raise Forbidden("只有申请人或其代办员可以评价")
    return await record_rating(case, level, comment, actor.user)  # type: ignore[arg-type]


async def record_rating(
    case: Case, level: int, comment: str, user: User, *, reason_given: bool = False, channel: str = "online"
) -> Rating:
    """Store the case's one rating by ``user`` (its applicant, online or at a window's tablet).
    ``reason_given``: a bad rating's reason was chosen elsewhere (the tablet's fixed list)."""
    if channel not in CHANNELS:
        raise ValueError(f"rating channel must be one of {sorted(CHANNELS)}: {channel!r}")
    errors = []
    if level not in LEVELS:
        errors.append(UserError("range", "评价等级应为1至5：5 非常满意，4 满意，3 基本满意，2 不满意，1 非常不满意", "/level"))
    elif level <= 2 and not comment.strip() and not reason_given:
        errors.append(UserError("required", "差评请说明原因，以便改进", "/comment"))
    errors.extend(bounds_errors({"comment": comment}, lambda parts: "评价意见"))
    if case.completed_at is None:
        errors.append(UserError("not_completed", "办件办结后才能评价", "/id"))
    if await Rating.exists(case_id=case.id):
        errors.append(DUPLICATE)
    if errors:
        raise UserErrorsException(errors)
    try:
        async with in_transaction():  # on PostgreSQL a failed INSERT must not poison an outer transaction
            rating = await Rating.create(
                case=case, level=level, comment=comment.strip(), user=user, channel=channel, at=clock.now()
            )
            await outbox_events.rating_submitted(case, rating)
            return rating
    except IntegrityError:
        raise UserErrorsException([DUPLICATE])
