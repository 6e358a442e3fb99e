"""The ASGI entry point for uvicorn workers: ``uvicorn core.faces.asgi:app``."""

from __future__ import annotations

from core.services.runtime import install_tortoise_extensions

install_tortoise_extensions()  # before the app's imports define the models, as the CLI's main does

from core.faces.app import create_app  # noqa: E402

app = create_app()
