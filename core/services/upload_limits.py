"""Limits on uploaded materials (``Settings.upload_limits``): quotas on files not yet attached to a
case, per user and per center, a per-user upload rate, and cleaning uploads never attached.

Counts come from the ``material`` table, so every process sees the same numbers. A quota counts
*pending* uploads (``case`` null): attaching a file to a case frees its place, and an upload left
unattached for ``orphan_hours`` is deleted (:func:`clean_orphans`, run by the sweeper and by
``govhall materials clean``). The checks run before the body is read, and again with the real size.
"""

from __future__ import annotations

import logging
from datetime import datetime, timedelta, timezone

from core.plumbing.errors import UserError, UserErrorsException
from core.plumbing.models import Blob, Center, Material
from core.plumbing.settings import UploadLimits

log = logging.getLogger("govhall.materials")


def _mb(n: float) -> str:
    return f"{n / 1024 / 1024:g} MB"


async def _pending(**filters: object) -> tuple[int, int]:
    """(files, bytes) of pending uploads matching ``filters`` (at most a quota's worth of rows)."""
    sizes = await Material.filter(case_id=None, **filters).values_list("blob__size", flat=True)
    return len(sizes), sum(int(size or 0) for size in sizes)


async def check_rate(user_id: int, limits: UploadLimits, *, now: datetime | None = None) -> None:
    """At most ``per_minute`` uploads by one user in any minute."""
    now = now or datetime.now(timezone.utc)
    recent = await Material.filter(owner_id=user_id, created_at__gte=now - timedelta(minutes=1)).count()
    if recent >= limits.per_minute:
        raise UserErrorsException.single(
            "rate_limited", f"上传过于频繁：每分钟最多上传 {limits.per_minute} 个文件，请稍后再试", "/file"
        )


async def check_user_quota(user_id: int, size: int, limits: UploadLimits) -> None:
    """The user's pending uploads plus ``size`` bytes stay within the per-user quota."""
    files, used = await _pending(owner_id=user_id)
    if files + 1 > limits.user_files:
        raise UserErrorsException.single(
            "quota.user_files",
            f"您已上传 {files} 个尚未提交的文件，达到上限 {limits.user_files} 个：请先提交办件或等待未使用的文件被清理",
            "/file",
        )
    if used + size > limits.user_bytes:
        raise UserErrorsException.single(
            "quota.user_bytes",
            f"尚未提交的文件共 {_mb(used)}，再上传将超过个人上限 {_mb(limits.user_bytes)}：请先提交办件后再上传",
            "/file",
        )


async def check_center_quota(center: Center, size: int, limits: UploadLimits) -> None:
    """The center's pending uploads plus ``size`` bytes stay within the per-center quota."""
    files, used = await _pending(center_id=center.id)
    if files + 1 > limits.center_files or used + size > limits.center_bytes:
        raise UserErrorsException.single(
            "quota.center",
            f"“{center.name}”待提交材料的存储空间已满（上限 {limits.center_files} 个文件、{_mb(limits.center_bytes)}），"
            "请稍后再试或联系中心管理员",
            "/file",
        )


async def upload_center(code: str) -> Center | None:
    """The center an upload names (optional form field ``center``); unknown codes are refused."""
    code = code.strip()
    if not code:
        return None
    center = await Center.get_or_none(code=code[:32])
    if center is None:
        raise UserErrorsException([UserError("unknown_center", f"中心“{code[:32]}”不存在", "/center")])
    return center


async def clean_orphans(limits: UploadLimits, *, now: datetime | None = None, batch: int = 500) -> int:
    """Delete uploads never attached to a case and older than ``orphan_hours``, and the file
    contents no material uses any more. Returns the number of uploads deleted."""
    now = now or datetime.now(timezone.utc)
    cutoff = now - timedelta(hours=limits.orphan_hours)
    deleted = 0
    while True:
        rows = await Material.filter(case_id=None, created_at__lt=cutoff).limit(batch).values("id", "blob_id")
        if not rows:
            break
        await Material.filter(id__in=[r["id"] for r in rows], case_id=None).delete()
        blob_ids = sorted({r["blob_id"] for r in rows})
        used = set(await Material.filter(blob_id__in=blob_ids).values_list("blob_id", flat=True))
        unused = [b for b in blob_ids if b not in used]
        if unused:
            await Blob.filter(id__in=unused).delete()
        deleted += len(rows)
        if len(rows) < batch:
            break
    if deleted:
        log.info("cleaned %d upload(s) never attached to a case", deleted)
    return deleted
