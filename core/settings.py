"""Deployment settings, read from the environment once per app (never a module global)."""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path


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
    ``plugins``: if set, only these built-in/outside plugins are loaded (``GOVHALL_PLUGINS``).
    """

    database_url: str = field(default_factory=lambda: f"sqlite://{default_sqlite_path()}")
    token_hours: int = 12
    public_url: str = "http://127.0.0.1:8000"
    plugins: tuple[str, ...] | None = None
    sweep_seconds: float = 60.0  # 0 turns the in-process deadline sweeper off (tests, `govhall sweep` elsewhere)
    debug: bool = False

    @classmethod
    def from_env(cls, **overrides: object) -> "Settings":
        env = os.environ
        values: dict[str, object] = {}
        if url := env.get("GOVHALL_DATABASE_URL"):
            values["database_url"] = url
        if hours := env.get("GOVHALL_TOKEN_HOURS"):
            values["token_hours"] = int(hours)
        if public := env.get("GOVHALL_PUBLIC_URL"):
            values["public_url"] = public.rstrip("/")
        if names := env.get("GOVHALL_PLUGINS"):
            values["plugins"] = tuple(n.strip() for n in names.split(",") if n.strip())
        if sweep := env.get("GOVHALL_SWEEP_SECONDS"):
            values["sweep_seconds"] = float(sweep)
        values["debug"] = env.get("GOVHALL_DEBUG", "") not in ("", "0", "false")
        values.update(overrides)
        return cls(**values)  # type: ignore[arg-type]

    @property
    def is_postgres(self) -> bool:
        return self.database_url.startswith(("postgres://", "postgresql://", "asyncpg://"))
