"""好差评: the applicant rates a finished case once; results feed the assessment rules."""

from __future__ import annotations

from .accounts import Actor
from .cases import is_owner, load_visible_case
from .errors import Forbidden, UserError, UserErrorsException
from .models import Rating

LEVELS = {5: "非常满意", 4: "满意", 3: "基本满意", 2: "不满意", 1: "非常不满意"}


async def rate_case(actor: Actor, case_id: int | str, level: int, comment: str = "") -> Rating:
    case = await load_visible_case(actor, case_id)
    if not is_owner(actor, case):
        raise Forbidden("只有申请人或其代办员可以评价")
    errors = []
    if level not in LEVELS:
        errors.append(UserError("range", "评价等级应为1至5：5 非常满意，4 满意，3 基本满意，2 不满意，1 非常不满意", "/level"))
    elif level <= 2 and not comment.strip():
        errors.append(UserError("required", "差评请说明原因，以便改进", "/comment"))
    if case.completed_at is None:
        errors.append(UserError("not_completed", "办件办结后才能评价", "/id"))
    if await Rating.exists(case_id=case.id):
        errors.append(UserError("duplicate", "该办件已评价过", "/id"))
    if errors:
        raise UserErrorsException(errors)
    return await Rating.create(case=case, level=level, comment=comment.strip(), user=actor.user)
