"""The core's fixtures (a fresh app and database per test, GraphQL over HTTP)."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from core.services.form_validation import clear_validator_cache
from tests.conftest import *  # noqa: F403


@pytest.fixture(autouse=True)
def fresh_validators() -> Iterator[None]:
    """Form validators are cached by item-version id, and every test's database reuses ids."""
    clear_validator_cache()
    yield
    clear_validator_cache()
