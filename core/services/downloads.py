"""Short-lived signed download links, so that no session token ever travels in a URL.

A link is ``<path>?sig=<signature>``: itsdangerous signs the user's id with the path as salt and a
timestamp, so the link opens only that file, only for a few minutes
(``Settings.download_link_seconds``), and with the permissions its user has when it is opened. The
key is ``GOVHALL_SECRET_KEY`` or, unset, a random key kept in the database (``app_secret``) that every
process of the deployment shares. Downloads also accept ``Authorization: Bearer <token>``; a
``?token=`` query parameter is refused.
"""

from __future__ import annotations

import re
import secrets
from typing import Any

from itsdangerous import BadSignature, SignatureExpired, URLSafeTimedSerializer
from starlette.requests import Request
from tortoise.exceptions import IntegrityError

from core.services.accounts import Actor, authenticate, load_grants
from core.services.accounts import bearer_token
from core.plumbing.errors import UserErrorsException
from core.plumbing.models import AppSecret, User

SECRET_NAME = "download-links"
SALT = "govhall-download:"
TOKEN_IN_URL = "网址中不接受登录令牌：请使用页面提供的下载链接，或在请求头 Authorization 中携带令牌"
LINK_EXPIRED = "下载链接已过期或无效，请回到页面重新打开"


async def signing_key(govhall: Any) -> str:
    """The deployment's key for download links (created once, then shared through the database)."""
    if govhall.settings.secret_key:
        return govhall.settings.secret_key
    memo_key = ("secret", SECRET_NAME)
    if memo_key not in govhall.memo:
        row = await AppSecret.get_or_none(name=SECRET_NAME)
        if row is None:
            try:
                row = await AppSecret.create(name=SECRET_NAME, value=secrets.token_urlsafe(48))
            except IntegrityError:  # another process made it first
                row = await AppSecret.get(name=SECRET_NAME)
        govhall.memo[memo_key] = row.value
    return govhall.memo[memo_key]


def _serializer(key: str, path: str) -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(key, salt=SALT + path)


async def signed_url(govhall: Any, path: str, user_id: int) -> str:
    """``path?sig=…``: opens ``path`` as ``user_id`` for ``download_link_seconds``."""
    return f"{path}?sig={_serializer(await signing_key(govhall), path).dumps(user_id)}"


# The paths a link is given for: an issued document's PDF, an uploaded material.
SIGNABLE = re.compile(r"/(?:documents/[0-9a-f]{32}\.pdf|materials/[0-9a-f]{32})")
MAX_FRESH_LINKS = 200


async def fresh_links(govhall: Any, user_id: int | None, urls: list[str]) -> list[str]:
    """New links, in order, for download links a page has shown for a while (they last only
    ``download_link_seconds``): each of ``urls`` whose path is a document's or a material's, with or
    without its old ``sig``, signed again for ``user_id``; anything else comes back unchanged. A new
    link opens no more than the user's own token would: the download checks who may read at opening."""
    if len(urls) > MAX_FRESH_LINKS:
        raise UserErrorsException.single("limit.links", f"一次最多更新{MAX_FRESH_LINKS}个下载链接", "/urls")
    fresh = []
    for url in urls:
        path = url.split("?", 1)[0]
        signable = user_id is not None and SIGNABLE.fullmatch(path) is not None
        fresh.append(await signed_url(govhall, path, user_id) if signable else url)  # type: ignore[arg-type]
    return fresh


async def link_for(info: Any, path: str) -> str:
    """The signed link of ``path`` for the GraphQL caller (the bare path when nobody is logged in)."""
    ctx = info.context
    if ctx.actor.user is None:
        return path
    return await signed_url(ctx.govhall, path, ctx.actor.user.id)


class DownloadRefused(Exception):
    def __init__(self, status: int, code: str, message: str) -> None:
        super().__init__(message)
        self.status, self.code, self.message = status, code, message


async def download_actor(request: Request) -> Actor:
    """Who opens a download: the bearer token's user, or the user a valid ``sig`` names.

    Raises :class:`DownloadRefused` for a token in the query string, an expired or forged link, or
    nobody at all."""
    if "token" in request.query_params:
        raise DownloadRefused(400, "token_in_url", TOKEN_IN_URL)
    token = bearer_token(request)
    if token:
        actor = await authenticate(token)
        if actor.is_anonymous:
            raise DownloadRefused(401, "not_logged_in", "登录已失效，请重新登录")
        return actor
    sig = request.query_params.get("sig")
    if not sig:
        raise DownloadRefused(401, "not_logged_in", "请先登录")
    govhall = request.app.state.govhall
    try:
        user_id = _serializer(await signing_key(govhall), request.url.path).loads(
            sig, max_age=govhall.settings.download_link_seconds
        )
    except (SignatureExpired, BadSignature):
        raise DownloadRefused(403, "link_expired", LINK_EXPIRED) from None
    user = await User.get_or_none(id=user_id, active=True) if isinstance(user_id, int) else None
    if user is None:
        raise DownloadRefused(403, "link_expired", LINK_EXPIRED)
    return Actor(user=user, grants=await load_grants(user))
