"""Errors a user can act on, and the exceptions that carry them through the services.

A service that rejects input raises :class:`UserErrorsException` with *every* problem it found
(一次性告知: tell the applicant everything at once). GraphQL turns it into the ``UserErrors`` union
member; the CLI prints each line and exits 2.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any


@dataclass(frozen=True)
class UserError:
    """One problem with the caller's input.

    ``path`` is a JSON pointer into the submitted document (``/applicant/uscc``) or ``None``;
    ``code`` a stable English identifier (``required``, ``format.uscc``, ``conflict``...);
    ``message`` Chinese text the applicant or clerk can act on; ``case_id`` and ``case_number``
    the other case the problem is about (``duplicate_case``: the open one), for a link to it.
    """

    code: str
    message: str
    path: str | None = None
    case_id: int | None = None
    case_number: str | None = None


@dataclass
class UserErrorsException(Exception):
    """Raised by services when the input cannot be accepted; nothing has been written."""

    errors: list[UserError] = field(default_factory=list)

    def __post_init__(self) -> None:
        super().__init__("; ".join(f"{e.path or ''} {e.code}: {e.message}" for e in self.errors))

    @classmethod
    def single(cls, code: str, message: str, path: str | None = None) -> "UserErrorsException":
        return cls([UserError(code=code, message=message, path=path)])


class Forbidden(Exception):
    """The caller may not do or see this. GraphQL reports it with ``extensions.code = FORBIDDEN``."""

    def __init__(self, message: str = "无权执行此操作") -> None:
        super().__init__(message)
        self.message = message


class LoginExpired(Forbidden):
    """The caller sent a login token the server no longer accepts (expired, revoked, or the account
    was disabled): GraphQL reports it as any refusal (``FORBIDDEN``; a mutation's UserError
    ``forbidden``) with its own message, and a query's error also with ``extensions.reason =
    LOGIN_EXPIRED``, so a page that still shows the user as signed in sends them to log in again
    instead of saying 请先登录."""

    MESSAGE = "登录已失效，请重新登录"

    def __init__(self) -> None:
        super().__init__(self.MESSAGE)


class NotFound(Exception):
    """The object does not exist, or the caller may not know that it exists."""

    def __init__(self, message: str = "未找到") -> None:
        super().__init__(message)
        self.message = message


_TOO_LONG = re.compile(r"^(\w+): Length of .* (\d+) > (\d+)$", re.DOTALL)
_COLUMN_LABELS = {
    "code": "编码", "username": "用户名", "display_name": "姓名", "name": "名称", "phone": "电话号码",
    "id_number": "证件号码", "title": "标题", "abbreviation": "简称", "seal_name": "印章名称", "state": "状态",
    "kind": "类别", "role": "角色", "number": "编号",
}


def unstorable_value(message: str) -> UserError:
    """A value no column can hold, as the ORM's validation reports it (``str`` of Tortoise's
    ``ValidationError``, raised before any SQL for a write and for a lookup alike: a code longer than
    its column names nothing that exists), said for the person who typed it; never echoing the value."""
    found = _TOO_LONG.match(message)
    if found is None:
        return UserError("invalid", "输入的内容不符合要求，请检查后重试")
    column, length, limit = found.groups()
    label = _COLUMN_LABELS.get(column, "输入的内容")
    return UserError("maxLength", f"{label}过长：至多{limit}个字符（现有{length}个），请检查后重试")


def one_of(labels: Mapping[str, str] | Iterable[str]) -> str:
    """The choices a message offers, by their Chinese labels only (窗口领取、自助打印、快递送达): the
    English codes are the API's, never shown in a message (``{code: label}`` gives its labels)."""
    return "、".join(labels.values() if isinstance(labels, Mapping) else labels)


def pointer(*parts: object) -> str:
    """Build a JSON pointer (RFC 6901) from path parts."""
    if not parts:
        return ""
    return "".join("/" + str(p).replace("~", "~0").replace("/", "~1") for p in parts)


def pointer_parts(json_pointer: str) -> list[str]:
    """The unescaped tokens of a JSON pointer (RFC 6901): ``/a~1b/0`` is ``["a/b", "0"]``."""
    return [raw.replace("~1", "/").replace("~0", "~") for raw in json_pointer.split("/")[1:]] if json_pointer else []


_MISSING = object()


def resolve(document: Any, json_pointer: str, default: Any = _MISSING) -> Any:
    """The value at a JSON pointer (RFC 6901); ``KeyError`` (or ``default``) when there is none."""
    value = document
    for token in pointer_parts(json_pointer):
        if isinstance(value, Mapping) and token in value:
            value = value[token]
        elif isinstance(value, list) and token.isdigit() and int(token) < len(value):
            value = value[int(token)]
        elif default is _MISSING:
            raise KeyError(json_pointer)
        else:
            return default
    return value
