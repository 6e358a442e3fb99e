"""Where a deployment's files are: the database under GOVHALL_HOME or the working directory, the
shipped folders (forms, schemas, web) in the checkout or the installed package."""

from __future__ import annotations

import pytest

from core.plumbing.resources import shipped_dir
from core.plumbing.settings import Settings


def test_default_database_is_under_govhall_home(monkeypatch, tmp_path):
    monkeypatch.setenv("GOVHALL_HOME", str(tmp_path / "home"))
    monkeypatch.delenv("GOVHALL_DATABASE_URL", raising=False)
    assert Settings.from_env().database_url == f"sqlite://{tmp_path / 'home' / 'var' / 'govhall.sqlite3'}"


def test_default_database_is_under_the_working_directory(monkeypatch, tmp_path):
    monkeypatch.delenv("GOVHALL_HOME", raising=False)
    monkeypatch.delenv("GOVHALL_DATABASE_URL", raising=False)
    monkeypatch.chdir(tmp_path)
    assert Settings().database_url == f"sqlite://{tmp_path.resolve() / 'var' / 'govhall.sqlite3'}"


def test_shipped_folders_are_found():
    assert (shipped_dir("schemas") / "item.schema.json").is_file()
    assert (shipped_dir("web") / "index.html").is_file()
    assert list(shipped_dir("forms").glob("*.json"))
    with pytest.raises(ValueError):
        shipped_dir("tests")
