"""Deployment settings, read from the environment once per app (never a module global)."""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path

from core.plumbing.passwords import PasswordHashing

ENVIRONMENTS = ("development", "production")
DATABASE_SCHEMES = ("sqlite://", "postgres://", "postgresql://", "asyncpg://")


class SettingsError(ValueError):
    """An environment variable has a value GovHall cannot use."""


@dataclass(frozen=True)
class LoginLimits:
    """Login throttling (see docs/security.md): ``account_failures`` wrong passwords for one username,
    or ``address_failures`` from one client address, within ``window_minutes`` lock further attempts
    for ``lock_minutes``, doubled at each new lockout up to ``max_lock_minutes``."""

    account_failures: int = 5
    address_failures: int = 30
    window_minutes: int = 15
    lock_minutes: int = 1
    max_lock_minutes: int = 60


@dataclass(frozen=True)
class GuessLimits:
    """Guesses of a short secret (``core.services.throttle.guarded``): ``failures`` wrong ones within
    ``window_minutes`` on one key lock further attempts for ``lock_minutes``, doubled at each new
    lockout up to ``max_lock_minutes``."""

    failures: int = 5
    window_minutes: int = 15
    lock_minutes: int = 1
    max_lock_minutes: int = 15


@dataclass(frozen=True)
class ProgressLimits:
    """Wrong checks at 办件进度查询 (``caseProgress``, see docs/security.md), counted three ways.

    ``client``: from one client address, at any case numbers: 10 in 15 minutes lock the address for
    1 minute, doubled up to 15 (a hall kiosk is one address shared by everyone at it).

    ``client_case``: from one client address at one case number: 5 in a day lock that pair for 15
    minutes, doubled at each lockout up to a day. This is what stops one guesser, and it locks the
    guesser only, never the applicant asking from another address. Its window is a day, not 15
    minutes, so that 4 tries every quarter of an hour do not go on unlocked.

    ``case``: at one case number from every address together: 60 in a day lock the number for an
    hour, doubled up to a day; the applicant is then told to come to the hall or call. One address
    alone cannot reach it: its ``client_case`` locks (15, 30, 60, 120, 240, 480, 960 minutes) leave
    it fewer than 40 wrong checks in any day (7 runs of 5, plus at most 4 left from the day before),
    so only many addresses together lock a case number. All addresses together get fewer than 60
    tries a day at one number without locking it, and 60 per lock once they do, the locks growing to
    a day: even a 4-digit mobile tail (10,000 values) takes months."""

    client: GuessLimits = GuessLimits(failures=10, window_minutes=15, lock_minutes=1, max_lock_minutes=15)
    client_case: GuessLimits = GuessLimits(failures=5, window_minutes=24 * 60, lock_minutes=15, max_lock_minutes=24 * 60)
    case: GuessLimits = GuessLimits(failures=60, window_minutes=24 * 60, lock_minutes=60, max_lock_minutes=24 * 60)



@dataclass(frozen=True)
class ClaimLimits:
    """Wrong tries at 认领 (``claimCase``, and ``sendClaimCode``'s ``no_match``, see docs/security.md): a
    wrong SMS code, or an ID number and case number that do not go together, counted as :class:`ProgressLimits` counts wrong checks and
    with the same figures.

    ``client``: from one client address, at any case numbers: 10 in 15 minutes lock the address for
    1 minute, doubled up to 15.

    ``client_case``: from one client address at one case number: 5 in a day lock that pair for 15
    minutes, doubled at each lockout up to a day. It locks the guesser only, never the applicant
    claiming from another address.

    ``case``: at one case number from every address together: 60 in a day lock the number's 认领
    for an hour, doubled up to a day. One address alone cannot reach it (fewer than 40 a day under
    ``client_case``, as for the progress lookup).

    ``code_failures``: wrong tries one code allows from every address together, after which it is
    spent. Above ``client_case.failures`` with room to spare, so that one address's wrong codes never
    spend the code the applicant holds: a pair locked for 15 minutes or more outlives a code (10
    minutes), so one address gets at most 5 tries at a code, 9 where a day's window ends inside it.

    ``sends``: codes sent (``sendClaimCode`` answered, an SMS gone out) from one client address, at
    any cases: 20 in an hour, then the address is sent none for an hour. Generous for a hall's kiosk
    shared by many applicants; it stops one address from spending case after case's codes (each case
    allows 5 an hour) and so flooding applicants' phones with SMS."""

    client: GuessLimits = GuessLimits(failures=10, window_minutes=15, lock_minutes=1, max_lock_minutes=15)
    client_case: GuessLimits = GuessLimits(failures=5, window_minutes=24 * 60, lock_minutes=15, max_lock_minutes=24 * 60)
    case: GuessLimits = GuessLimits(failures=60, window_minutes=24 * 60, lock_minutes=60, max_lock_minutes=24 * 60)
    code_failures: int = 10
    sends: GuessLimits = GuessLimits(failures=20, window_minutes=60, lock_minutes=60, max_lock_minutes=60)

@dataclass(frozen=True)
class UploadLimits:
    """Uploaded materials: quotas on files not yet attached to a case (per user, and per center when
    the upload names one), a per-user rate, and how long an unattached upload is kept."""

    user_bytes: int = 200 * 1024 * 1024
    user_files: int = 100
    center_bytes: int = 5 * 1024 * 1024 * 1024
    center_files: int = 5000
    per_minute: int = 20
    orphan_hours: float = 72.0


UPLOAD_ENV = {
    "user_bytes": "GOVHALL_UPLOAD_USER_BYTES", "user_files": "GOVHALL_UPLOAD_USER_FILES",
    "center_bytes": "GOVHALL_UPLOAD_CENTER_BYTES", "center_files": "GOVHALL_UPLOAD_CENTER_FILES",
    "per_minute": "GOVHALL_UPLOADS_PER_MINUTE", "orphan_hours": "GOVHALL_ORPHAN_UPLOAD_HOURS",
}

def home_dir() -> Path:
    """Where a deployment keeps its files: ``GOVHALL_HOME``, else the working directory (never the
    installed package's folder)."""
    return Path(os.environ.get("GOVHALL_HOME") or Path.cwd()).resolve()


def default_sqlite_path() -> Path:
    return home_dir() / "var" / "govhall.sqlite3"


@dataclass(frozen=True)
class Settings:
    """What one GovHall deployment needs to know.

    ``database_url``: ``sqlite:///path/file.sqlite3`` (default: ``var/govhall.sqlite3`` under
    ``GOVHALL_HOME`` or the working directory) or
    ``postgres://user:pass@host:5432/db`` (production, many app processes).
    ``plugins``: if set, only these built-in/outside plugins are loaded (``GOVHALL_PLUGINS``); an
    unknown name stops the start-up (:func:`core.services.plugins.check_wanted`).
    ``environment``: ``development`` (the demo: GraphiQL and introspection for everyone) or
    ``production`` (``GOVHALL_ENV``): anonymous callers get neither GraphiQL, introspection nor
    field suggestions. Every setting is listed in the README's "Settings" table.
    """

    database_url: str = field(default_factory=lambda: f"sqlite://{default_sqlite_path()}")
    token_hours: int = 12
    public_url: str = "http://127.0.0.1:8000"
    plugins: tuple[str, ...] | None = None
    sweep_seconds: float = 60.0  # 0 turns the in-process deadline sweeper off (tests, `govhall sweep` elsewhere)
    render_seconds: float = 5.0  # the in-process document renderer's poll; 0 turns it off (downloads still render)
    outbox_seconds: float = 2.0  # how often serve's outbox dispatcher polls; 0 turns it off (`govhall dispatch` elsewhere)
    debug: bool = False
    # Signs short-lived download links. Unset: a random key kept in the database (shared by every
    # process of one deployment); set GOVHALL_SECRET_KEY to rotate it or to share it otherwise.
    secret_key: str | None = None
    download_link_seconds: int = 300
    password_hashing: PasswordHashing = field(default_factory=PasswordHashing)
    login_limits: LoginLimits = field(default_factory=LoginLimits)
    upload_limits: UploadLimits = field(default_factory=UploadLimits)
    progress_limits: ProgressLimits = field(default_factory=ProgressLimits)  # 办件进度查询's wrong checks; only code sets it
    claim_limits: ClaimLimits = field(default_factory=ClaimLimits)  # 认领's wrong codes; only code sets it
    environment: str = "development"
    public_url_set: bool = False  # GOVHALL_PUBLIC_URL given: required to serve on a non-loopback address
    max_request_bytes: int = 2 * 1024 * 1024  # a signed-in caller's /graphql body; anonymous callers get less
    log_requests: bool = True  # one JSON line per request on the ``govhall.access`` logger
    session_cache_seconds: float = 30.0  # PostgreSQL: how long a process may keep a sign-in (core.services.sessions); 0: off

    @classmethod
    def from_env(cls, **overrides: object) -> "Settings":
        env = os.environ
        values: dict[str, object] = {}
        if url := env.get("GOVHALL_DATABASE_URL"):
            if not url.startswith(DATABASE_SCHEMES):
                raise SettingsError(
                    f"GOVHALL_DATABASE_URL 应为 sqlite://文件路径 或 postgres://用户:密码@主机:5432/数据库名，"
                    f"不是 {url.split('://', 1)[0] + '://…' if '://' in url else '缺少 sqlite:// 或 postgres:// 前缀的地址'}"
                    " / must be sqlite://PATH or postgres://user:password@host:5432/db")
            values["database_url"] = url
        if hours := env.get("GOVHALL_TOKEN_HOURS"):
            values["token_hours"] = _number("GOVHALL_TOKEN_HOURS", hours, int)
        if public := env.get("GOVHALL_PUBLIC_URL"):
            values["public_url"] = public.rstrip("/")
            values["public_url_set"] = True
        if names := env.get("GOVHALL_PLUGINS"):
            values["plugins"] = tuple(n.strip() for n in names.split(",") if n.strip())
        if sweep := env.get("GOVHALL_SWEEP_SECONDS"):
            values["sweep_seconds"] = _number("GOVHALL_SWEEP_SECONDS", sweep, float)
        if render := env.get("GOVHALL_RENDER_SECONDS"):
            values["render_seconds"] = _number("GOVHALL_RENDER_SECONDS", render, float)
        if outbox := env.get("GOVHALL_OUTBOX_SECONDS"):
            values["outbox_seconds"] = _number("GOVHALL_OUTBOX_SECONDS", outbox, float)
        values["debug"] = env.get("GOVHALL_DEBUG", "") not in ("", "0", "false")
        if secret := env.get("GOVHALL_SECRET_KEY"):
            values["secret_key"] = secret
        uploads = {name: _number(key, env[key], float if name == "orphan_hours" else int)
                   for name, key in UPLOAD_ENV.items() if env.get(key)}
        if uploads:
            values["upload_limits"] = UploadLimits(**uploads)  # type: ignore[arg-type]
        if environment := env.get("GOVHALL_ENV"):
            if environment not in ENVIRONMENTS:
                raise SettingsError(f"GOVHALL_ENV 应为 {'、'.join(ENVIRONMENTS)} 之一，不是 {environment!r}"
                                    f" / must be one of {', '.join(ENVIRONMENTS)}")
            values["environment"] = environment
        if max_bytes := env.get("GOVHALL_MAX_REQUEST_BYTES"):
            if not max_bytes.isdigit():
                raise SettingsError(f"GOVHALL_MAX_REQUEST_BYTES 应为字节数，不是 {max_bytes!r} / must be a number of bytes")
            values["max_request_bytes"] = int(max_bytes)
        if sessions := env.get("GOVHALL_SESSION_CACHE_SECONDS"):
            values["session_cache_seconds"] = _number("GOVHALL_SESSION_CACHE_SECONDS", sessions, float)
        if log_requests := env.get("GOVHALL_LOG_REQUESTS"):
            values["log_requests"] = log_requests not in ("0", "false")
        values.update(overrides)
        return cls(**values)  # type: ignore[arg-type]

    @property
    def is_production(self) -> bool:
        return self.environment == "production"

    @property
    def is_postgres(self) -> bool:
        return self.database_url.startswith(("postgres://", "postgresql://", "asyncpg://"))


def _number(name: str, text: str, kind: type) -> float | int:
    """A numeric environment variable, or a :class:`SettingsError` naming it."""
    try:
        value = kind(text)
    except ValueError:
        raise SettingsError(f"{name} 应为数字，不是 {text!r} / must be a number") from None
    if value < 0:
        raise SettingsError(f"{name} 不能为负数，不是 {text!r} / must not be negative")
    return value
