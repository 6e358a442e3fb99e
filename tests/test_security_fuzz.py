"""Schemathesis against /graphql as an applicant and as an administrator: 0 server errors, 0 INTERNAL.

Bounded: ``GOVHALL_FUZZ_EXAMPLES`` generated requests per operation and role (default 20; the script
``python -m tests.fuzz.graphql_fuzz`` runs 50)."""

from __future__ import annotations

import logging
import os

import pytest

from core.plumbing.settings import Settings
from tests.conftest import IS_POSTGRES, _prepare_postgres
from tests.fuzz.graphql_fuzz import Report, demo_client, fuzz, poster

pytestmark = pytest.mark.slow


def test_graphql_fuzzing_finds_no_server_error(settings: Settings) -> None:
    from tortoise import Tortoise

    async def prepare() -> None:
        if IS_POSTGRES:
            await _prepare_postgres(settings.database_url)
        else:
            await Tortoise.generate_schemas(safe=True)

    logging.getLogger("govhall").setLevel(logging.CRITICAL)
    report = Report()
    with demo_client(settings, prepare) as (client, tokens):
        assert set(tokens) == {"applicant", "admin"}
        fuzz(poster(client), tokens, int(os.environ.get("GOVHALL_FUZZ_EXAMPLES", "20")), report)
    assert report.requests > 500
    assert not report.failed, "\n".join(report.lines())
