"""The core's fixtures (a fresh app and database per test, GraphQL over HTTP), ``today`` and ``drive``."""

from tests.conftest import *  # noqa: F401,F403

import pytest

from tests.hall import build_hall

from .drive import AssessmentDriver, add_department_windows, today  # noqa: F401


@pytest.fixture
async def drive(app, govhall, gql):
    """A hall with the assessment plugin and a window per department, driven as its people would."""
    hall = await build_hall(govhall, gql, plugins=["assessment"])
    await add_department_windows(govhall, hall)
    return AssessmentDriver(gql, hall)
