"""The core's fixtures (a fresh app and database per test, GraphQL over HTTP) and a receiver."""

from tests.conftest import *  # noqa: F401,F403

import pytest

from .receiver import Receiver


@pytest.fixture
def receiver():
    found = Receiver().start()
    yield found
    found.stop()
