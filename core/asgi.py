"""The ASGI entry point for uvicorn workers: ``uvicorn core.asgi:app``."""

from __future__ import annotations

from .app import create_app

app = create_app()
