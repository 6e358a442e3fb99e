"""The ASGI entry point for uvicorn workers: ``uvicorn core.faces.asgi:app``."""

from __future__ import annotations

from core.faces.app import create_app

app = create_app()
