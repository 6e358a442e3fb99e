"""Hand-written JSON read by ``core.plumbing.json_files``: a repeated key is refused with its place."""

from __future__ import annotations

from pathlib import Path

import pytest

from core.plumbing import json_files

ROOT = Path(__file__).resolve().parent.parent


def test_a_repeated_key_is_named_with_its_objects_path_and_line():
    with pytest.raises(json_files.RepeatedKeyError) as refused:
        json_files.loads('{"settings": {},\n "items": [{"a/b": {"k": 1,\n   "k": 2}}]}')
    assert (refused.value.key, refused.value.path, refused.value.line, refused.value.column) == ("k", "/items/0/a~1b", 3, 4)
    assert json_files.loads('{"a": [1, {"b": {}}], "c": "a"}') == {"a": [1, {"b": {}}], "c": "a"}


def test_no_shipped_json_file_gives_a_key_twice():
    shipped = [*ROOT.glob("forms/*.json"), *ROOT.glob("plugins/*/forms/*.json"), *ROOT.glob("core/services/demo/**/*.json")]
    assert len(shipped) > 15
    for path in shipped:
        json_files.loads(path.read_text("utf-8"))  # raises RepeatedKeyError naming the key and its place


def test_a_calendar_file_giving_a_key_twice_is_refused_with_its_place(tmp_path):
    from core.plumbing.errors import UserErrorsException
    from core.services.calendar_files import load_calendar_file

    path = tmp_path / "calendar.json"
    path.write_text('{"year": 2027, "year": 2028, "source": "国务院办公厅通知", "holidays": []}', "utf-8")
    with pytest.raises(UserErrorsException) as refused:
        load_calendar_file(path)
    [error] = refused.value.errors
    assert error.code == "repeated_key" and "对象 / 中的键“year”写了两次" in error.message and str(path) in error.message
