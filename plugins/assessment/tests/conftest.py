"""The core's fixtures (a fresh app and database per test, GraphQL over HTTP), and ``today``."""

from tests.conftest import *  # noqa: F401,F403

from .drive import today  # noqa: F401
