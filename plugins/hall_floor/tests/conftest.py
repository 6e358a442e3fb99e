"""The core's fixtures (a fresh app and database per test, GraphQL over HTTP)."""

from tests.conftest import *  # noqa: F401,F403
