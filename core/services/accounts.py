"""Users, passwords, bearer tokens and the roles a user holds per center and department.

Passwords are hashed with argon2id (:mod:`core.plumbing.passwords`), logins are throttled per account and
address (:mod:`core.services.throttle`); tokens are random, only their SHA-256 is stored, they expire and can
be revoked. Permission checks live in the services and use :class:`Actor`.
"""

from __future__ import annotations

import hashlib
import secrets
import unicodedata
from dataclasses import dataclass, field
from datetime import datetime, timedelta, timezone
from functools import cache
from typing import TYPE_CHECKING

from tortoise.connection import get_connection

from core.plumbing import passwords

from core.services import throttle
from core.services.formats import is_valid_mobile
from core.services.config_cache import GENERATION_SQL
from core.plumbing.errors import Forbidden, LoginExpired, UserError, UserErrorsException
from core.plumbing.models import Center, Department, RoleAssignment, Token, User, Window
from core.plumbing.passwords import PasswordHashing
from core.plumbing.settings import Settings
from core.plumbing.sql import bounded_read, for_dialect
from core.services.sessions import SessionCache, forget_sign_ins

if TYPE_CHECKING:
    from starlette.requests import Request

ROLES: dict[str, str] = {
    "applicant": "申请人",
    "agent": "代办员",
    "clerk": "综合窗口受理人员",
    "reviewer": "后台审批人员",
    "head": "首席代表/窗口负责人",
    "pickup": "出件窗口人员",
    "supervisor": "督查人员",
    "configurator": "配置员",
    "admin": "管理员",
}

# Roles that work for a center (see every case of it, within their department if they have one).
STAFF_ROLES = frozenset({"clerk", "reviewer", "head", "pickup", "supervisor", "admin"})

_DUMMY_HASHES: dict[PasswordHashing, str] = {}


async def hash_password(password: str, hashing: PasswordHashing) -> str:
    """The argon2id hash of ``password`` (computed in a worker thread)."""
    return await passwords.hash_async(hashing, password)


async def verify_password(password: str, encoded: str, hashing: PasswordHashing) -> bool:
    return await passwords.verify_async(hashing, password, encoded)


def _token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


@dataclass(frozen=True)
class Grant:
    """One role in one center (and maybe one department or window)."""

    role: str
    center_id: int
    center_code: str
    department_id: int | None = None
    department_code: str | None = None
    window_id: int | None = None


@dataclass
class Actor:
    """Who is calling: a user with their grants, or an anonymous visitor (``user is None``)."""

    user: User | None = None
    grants: list[Grant] = field(default_factory=list)
    config_generation: int | None = None  # read with the token: see core.services.config_cache
    token_refused: bool = False  # a token was sent but is expired, revoked or of a disabled account

    @property
    def is_anonymous(self) -> bool:
        return self.user is None

    @property
    def name(self) -> str:
        if self.user is None:
            return "匿名访客"
        return self.user.display_name or self.user.username

    def roles_in(self, center_id: int) -> set[str]:
        return {g.role for g in self.grants if g.center_id == center_id}

    def has(self, center_id: int, *roles: str, department_id: int | None = None) -> bool:
        """True when the actor holds one of ``roles`` in the center; with ``department_id``, the
        grant must be for that department or for the whole center."""
        for g in self.grants:
            if g.center_id == center_id and g.role in roles:
                if department_id is None or g.department_id in (None, department_id):
                    return True
        return False

    def departments_for(self, center_id: int, *roles: str) -> set[int | None]:
        return {g.department_id for g in self.grants if g.center_id == center_id and g.role in roles}

    def require_login(self) -> User:
        if self.user is None:
            raise LoginExpired() if self.token_refused else Forbidden("请先登录")
        return self.user

    def require(self, center_id: int, *roles: str, department_id: int | None = None) -> User:
        user = self.require_login()
        if not self.has(center_id, *roles, department_id=department_id):
            names = "、".join(ROLES.get(r, r) for r in roles)
            raise Forbidden(f"需要以下角色之一：{names}")
        return user


async def load_grants(user: User) -> list[Grant]:
    rows = await RoleAssignment.filter(user=user).select_related("center", "department")
    return [
        Grant(
            role=r.role,
            center_id=r.center_id,  # type: ignore[attr-defined]
            center_code=r.center.code,
            department_id=r.department_id,  # type: ignore[attr-defined]
            department_code=r.department.code if r.department else None,
            window_id=r.window_id,  # type: ignore[attr-defined]
        )
        for r in rows
    ]


def fold_username(typed: str) -> str:
    """The username as looked up and throttled: full-width and other compatibility forms folded (NFKC:
    ``ｚｈａｎｇｓａｎ`` as a Chinese keyboard may type it is ``zhangsan``), spaces dropped (a name holds none)."""
    return "".join(unicodedata.normalize("NFKC", typed or "").split())


LOGIN_FAILED = UserError(code="login_failed", message="用户名或密码错误", path=None)
ACCOUNT_INACTIVE = UserError(code="account_inactive", message="该账号已停用，请联系本中心管理员", path=None)


async def login(username: str, password: str, *, settings: Settings, address: str | None = None) -> tuple[str, User]:
    """Check the password and issue a token.

    The same error for an unknown user and a wrong password, and the same work (a dummy hash), so
    neither answer nor timing tells them apart. A deactivated account's right password is told
    ``account_inactive`` (so a clerk whose post ended knows why), a wrong one ``login_failed``. Throttled per account and per client ``address``
    (:mod:`core.services.throttle`): a locked account or address is refused without checking the password.
    Every failure and every lockout is written to the security audit log. A hash made with other
    parameters (or by scrypt) is replaced by one with the current parameters. ``username`` is read as
    :func:`fold_username` folds it, for the lookup and the throttle alike (the audit log keeps it as typed)."""
    hashing, limits = settings.password_hashing, settings.login_limits
    where = address or ""
    typed, username = username, fold_username(username)
    reservation = await throttle.reserve(username, address, limits)
    if not isinstance(reservation, throttle.Reservation):  # locked: the time the lock ends
        await throttle.audit("login_refused_locked", username=typed, address=where)
        raise UserErrorsException([throttle.lockout_error(reservation, throttle.now_utc())])
    user = await User.get_or_none(username=username)
    if user is None:
        if hashing not in _DUMMY_HASHES:
            _DUMMY_HASHES[hashing] = await hash_password("dummy", hashing)
        ok, user_id = False, None
        await verify_password(password, _DUMMY_HASHES[hashing], hashing)
    else:
        ok, user_id = await verify_password(password, user.password_hash, hashing), user.id
    if ok and user is not None and not user.active:  # only the password's holder learns it is deactivated
        await throttle.audit("login_refused_inactive", username=typed, user_id=user_id, address=where)
        await throttle.failed(reservation, limits)
        raise UserErrorsException([ACCOUNT_INACTIVE])
    if not ok:
        await throttle.audit("login_failed", username=typed, user_id=user_id, address=where)
        until = await throttle.failed(reservation, limits)
        if until is not None:
            await throttle.audit("login_locked", username=typed, user_id=user_id, address=where,
                                 until=until.isoformat())
            raise UserErrorsException([throttle.lockout_error(until, throttle.now_utc())])
        raise UserErrorsException([LOGIN_FAILED])
    assert user is not None
    await throttle.succeeded(reservation)
    if hashing.needs_rehash(user.password_hash):
        user.password_hash = await hash_password(password, hashing)
        await User.filter(id=user.id).update(password_hash=user.password_hash)
    return await issue_token(user, settings=settings), user


async def issue_token(user: User, *, settings: Settings) -> str:
    """A new session token for ``user``, valid for ``settings.token_hours``: only its hash is stored.
    Called once the user has proved who they are (:func:`login`)."""
    token = secrets.token_urlsafe(32)
    await Token.create(
        token_hash=_token_hash(token), user=user,
        expires_at=datetime.now(timezone.utc) + timedelta(hours=settings.token_hours),
    )
    return token


_AUTH_SQL = """
SELECT u.id, u.username, u.password_hash, u.display_name, u.phone, u.id_number, u.active, u.created_at,
       t.expires_at AS token_expires_at, t.revoked_at AS token_revoked_at,
       ra.role, ra.center_id, c.code AS center_code, ra.department_id, d.code AS department_code, ra.window_id,
       {generation} AS config_generation
FROM token t
JOIN user_account u ON u.id = t.user_id
LEFT JOIN role_assignment ra ON ra.user_id = u.id
LEFT JOIN center c ON c.id = ra.center_id
LEFT JOIN department d ON d.id = ra.department_id
WHERE t.token_hash = ?
"""


@cache
def _auth_sql(postgres: bool) -> str:
    return for_dialect(_AUTH_SQL.format(generation=GENERATION_SQL), postgres)


_USER_COLUMNS = ("id", "username", "password_hash", "display_name", "phone", "id_number", "active", "created_at")


async def authenticate(token: str | None, sessions: SessionCache | None = None) -> Actor:
    """The actor for a bearer token; anonymous when the token is missing, unknown, expired or revoked.

    One query for the token, its user and all their roles: it runs on every request, unless
    ``sessions`` (:mod:`core.services.sessions`) still holds what it read for this token."""
    if not token:
        return Actor()
    key = _token_hash(token)
    rows = sessions.get(key) if sessions is not None else None
    if rows is None:
        epoch = sessions.epoch() if sessions is not None else None
        conn = get_connection("default")
        rows = await bounded_read(conn, _auth_sql(conn.capabilities.dialect == "postgres"), [key])
        if rows and sessions is not None:
            sessions.keep(key, rows, epoch)
    if not rows:
        return Actor(token_refused=True)
    first = rows[0]
    to_datetime = Token._meta.fields_map["expires_at"].to_python_value
    expires_at = to_datetime(first["token_expires_at"])
    if first["token_revoked_at"] is not None or expires_at <= datetime.now(timezone.utc) or not first["active"]:
        return Actor(token_refused=True)
    user = User._init_from_db(**{k: first[k] for k in _USER_COLUMNS})
    grants = [
        Grant(role=r["role"], center_id=r["center_id"], center_code=r["center_code"], department_id=r["department_id"],
              department_code=r["department_code"], window_id=r["window_id"])
        for r in rows if r["role"] is not None
    ]
    return Actor(user=user, grants=grants, config_generation=first["config_generation"])


async def revoke(token: str) -> bool:
    updated = await Token.filter(token_hash=_token_hash(token), revoked_at=None).update(
        revoked_at=datetime.now(timezone.utc)
    )
    forget_sign_ins()
    return bool(updated)


MAX_DISPLAY_NAME = 64
MAX_ID_NUMBER = 32
"""The account columns' widths (``User.display_name``, ``User.id_number``): longer is refused by name."""


async def add_user(
    username: str,
    password: str,
    *,
    display_name: str = "",
    phone: str = "",
    id_number: str = "",
    hashing: PasswordHashing | None = None,
) -> User:
    """A new active user; ``hashing`` defaults to the production parameters (OWASP)."""
    errors = []
    username_ok = bool(username) and len(username) <= 64 and username.replace("_", "").replace("-", "").replace(".", "").isalnum()
    if not username_ok:
        errors.append(UserError("format.username", "用户名只能包含字母、数字、下划线、连字符和点，最长64位", "/username"))
    if len(password) < 8:
        errors.append(UserError("password.too_short", "密码至少8位", "/password"))
    if len(display_name) > MAX_DISPLAY_NAME:
        errors.append(UserError("maxLength", f"姓名不能超过{MAX_DISPLAY_NAME}个字（现有{len(display_name)}个）", "/displayName"))
    if phone and not is_valid_mobile(phone):  # the number SMS notices go to
        errors.append(UserError("format.mobile", "手机号码应为11位数字，以1开头", "/phone"))
    if len(id_number) > MAX_ID_NUMBER:
        errors.append(UserError("maxLength", f"证件号码不能超过{MAX_ID_NUMBER}位", "/idNumber"))
    if username_ok and await User.exists(username=username):  # a name the column cannot hold is never taken
        errors.append(UserError("duplicate", f"用户名“{username}”已存在", "/username"))
    if errors:
        raise UserErrorsException(errors)
    return await User.create(
        username=username,
        password_hash=await hash_password(password, hashing or PasswordHashing()),
        display_name=display_name or username,
        phone=phone,
        id_number=id_number,
    )


async def grant_role(
    user: User, center: Center, role: str, *, department_code: str | None = None, window_code: str | None = None
) -> RoleAssignment:
    if role not in ROLES:
        raise UserErrorsException.single(
            "unknown_role", f"未知角色“{role}”，可用角色：{'、'.join(ROLES)}", "/role"
        )
    if role == "reviewer" and not department_code:
        raise UserErrorsException.single("required", "后台审批岗位须指定所在部门（--department 部门代码）", "/department")
    department = None
    if department_code:
        department = await Department.get_or_none(center=center, code=department_code)
        if department is None:
            raise UserErrorsException.single(
                "unknown_department", f"中心“{center.code}”没有部门“{department_code}”", "/department"
            )
    window = None
    if window_code:
        window = await Window.get_or_none(center=center, code=window_code)
        if window is None:
            raise UserErrorsException.single("unknown_window", f"中心“{center.code}”没有窗口“{window_code}”", "/window")
        closed = closed_window_error(window, "/window")
        if closed is not None:
            raise UserErrorsException([closed])
    existing = await RoleAssignment.get_or_none(user=user, center=center, role=role, department=department)
    if existing:
        return existing
    assignment = await RoleAssignment.create(user=user, center=center, role=role, department=department, window=window)
    forget_sign_ins()
    return assignment


def closed_window_error(window: Window, path: str, *, doing: str = "安排岗位") -> UserError | None:
    """The refusal of anything new bound to ``window`` once it is closed (撤销, ``closeWindow``), at
    ``path``; None while it is open. ``doing`` names what is refused (a post by default; a plugin's
    binding, as 登记考勤设备). Granting a role, the staff register's entries and devices, and the hall
    floor's duty-Saturday windows share it; a binding that already names the window is the caller's to
    keep."""
    if window.closed_at is None:
        return None
    return UserError("window_closed", f"窗口“{window.name}”已撤销，不能再{doing}", path)


def bearer_token(request: Request) -> str | None:
    """The token of an ``Authorization: Bearer …`` header (GraphQL, PDFs, uploads), or None."""
    header = request.headers.get("authorization", "")
    scheme, _, value = header.partition(" ")
    if scheme.lower() == "bearer" and value.strip():
        return value.strip()
    return None
