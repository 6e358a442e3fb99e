"""Uploads: per-user and per-center quotas on unattached files, a per-user rate, and orphaned
uploads cleaned by the sweeper's tick and by ``govhall materials clean``."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone
from typing import Any

import pytest

from core.plumbing.models import Blob, Material
from core.plumbing.settings import Settings, UploadLimits
from core.services.upload_limits import clean_orphans
from tests.helpers import PASSWORD, TEST_PASSWORD_HASHING, make_center, make_user

pytestmark = pytest.mark.anyio

LIMITS = UploadLimits(user_bytes=1000, user_files=3, center_bytes=10_000, center_files=2, per_minute=5, orphan_hours=1)


@pytest.fixture
def settings(database_url: str) -> Settings:
    return Settings(database_url=database_url, token_hours=1, sweep_seconds=0, password_hashing=TEST_PASSWORD_HASHING,
                    upload_limits=LIMITS)


def pdf(n: int, size: int = 100) -> bytes:
    head = f"%PDF-1.4\n% file {n}\n".encode()
    return head + b"x" * (size - len(head))


async def upload(client: Any, token: str, content: bytes, **fields: str) -> Any:
    return await client.post("/materials", data=fields, files={"file": ("材料.pdf", content, "application/pdf")},
                             headers={"Authorization": f"Bearer {token}"})


async def test_per_user_quota_counts_files_not_yet_attached(app: Any, gql: Any, client: Any) -> None:
    await make_user("u1")
    token = await gql.login("u1", PASSWORD)
    for i in range(3):
        assert (await upload(client, token, pdf(i))).status_code == 201
    refused = await upload(client, token, pdf(9))
    assert refused.status_code == 413
    (error,) = refused.json()["errors"]
    assert error["code"] == "quota.user_files" and "达到上限 3 个" in error["message"]
    await Material.filter(owner__username="u1").limit(1).update(case_id=None)  # still pending: still refused
    assert (await upload(client, token, pdf(9))).status_code == 413
    assert await Material.filter(owner__username="u1").count() == 3

    await Material.all().delete()
    big = await upload(client, token, pdf(1, 900))
    assert big.status_code == 201
    over = await upload(client, token, pdf(2, 200))
    assert over.status_code == 413 and over.json()["errors"][0]["code"] == "quota.user_bytes"
    assert "个人上限" in over.json()["errors"][0]["message"]


async def test_per_center_quota_and_unknown_centers(app: Any, gql: Any, client: Any) -> None:
    await make_center(code="c1")
    tokens = []
    for name in ("a1", "a2", "a3"):
        await make_user(name)
        tokens.append(await gql.login(name, PASSWORD))
    assert (await upload(client, tokens[0], pdf(1), center="c1")).status_code == 201
    assert (await upload(client, tokens[1], pdf(2), center="c1")).status_code == 201
    full = await upload(client, tokens[2], pdf(3), center="c1")
    assert full.status_code == 413 and full.json()["errors"][0]["code"] == "quota.center"
    assert "存储空间已满" in full.json()["errors"][0]["message"]
    unknown = await upload(client, tokens[2], pdf(3), center="nosuch")
    assert unknown.status_code == 400 and unknown.json()["errors"][0] == {
        "code": "unknown_center", "message": "中心“nosuch”不存在", "path": "/center"}
    assert await Material.filter(center__code="c1").count() == 2


async def test_uploads_per_minute_are_limited(app: Any, gql: Any, client: Any) -> None:
    user = await make_user("quick")
    token = await gql.login("quick", PASSWORD)
    blob = await Blob.create(sha256="0" * 64, size=1, content_type="application/pdf", content=b"%PDF-")
    for _ in range(5):  # five uploads this minute, already attached elsewhere (no quota involved)
        await Material.create(owner=user, blob=blob, case_id=None)
    await Material.filter(owner=user).update(created_at=datetime.now(timezone.utc) - timedelta(seconds=30))
    refused = await upload(client, token, pdf(1))
    assert refused.status_code == 429
    assert refused.json()["errors"][0]["code"] == "rate_limited" and "每分钟最多上传 5 个文件" in refused.json()["errors"][0]["message"]
    await Material.filter(owner=user).update(created_at=datetime.now(timezone.utc) - timedelta(seconds=61))
    await Material.filter(owner=user).delete()
    assert (await upload(client, token, pdf(1))).status_code == 201


async def test_orphaned_uploads_are_cleaned_with_their_unused_content(app: Any, gql: Any, client: Any, govhall: Any) -> None:
    await make_user("owner")
    token = await gql.login("owner", PASSWORD)
    public = [(await upload(client, token, pdf(i))).json()["id"] for i in range(3)]  # the random public ids
    ids = [(await Material.get(public_id=p)).id for p in public]
    old_id, shared_id, fresh_id = ids
    hours_ago = datetime.now(timezone.utc) - timedelta(hours=2)
    await Material.filter(id__in=[old_id, shared_id]).update(created_at=hours_ago)
    shared_blob = (await Material.get(id=shared_id)).blob_id  # type: ignore[attr-defined]
    keeper = await make_user("keeper")
    await Material.create(owner=keeper, blob_id=shared_blob, created_at=datetime.now(timezone.utc))  # same bytes, recent
    old_blob = (await Material.get(id=old_id)).blob_id  # type: ignore[attr-defined]

    assert await clean_orphans(govhall.settings.upload_limits) == 2
    assert set(await Material.all().values_list("id", flat=True)) >= {fresh_id}
    assert not await Material.filter(id__in=[old_id, shared_id]).exists()
    assert not await Blob.filter(id=old_blob).exists()  # nobody uses it any more
    assert await Blob.filter(id=shared_blob).exists()  # the recent upload still does
    assert await clean_orphans(govhall.settings.upload_limits) == 0


def test_materials_clean_command(upgraded_db: str) -> None:
    from tests.cli import run

    done = run(["materials", "clean", "--hours", "1"], upgraded_db)
    assert done.returncode == 0, done.stderr
    assert "已删除 0 个超过 1 小时仍未提交的上传文件" in done.stdout
    bad = run(["materials", "clean", "--hours", "0"], upgraded_db)
    assert bad.returncode == 2 and "--hours 应为正数" in bad.stdout
