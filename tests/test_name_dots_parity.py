"""The pickup screen (web/views/pickup.js) folds a receiver's name as it is typed, before the server
is asked, with its own copy of the middle dots of core/services/formats.py (``NAME_DOTS``): the copy
must keep the server's list, or the screen says 领取人不是申请人 for a name the server accepts (or
the other way round)."""

from __future__ import annotations

import re
from pathlib import Path

from core.services.formats import NAME_DOTS

PICKUP = Path(__file__).resolve().parent.parent / "web" / "views" / "pickup.js"


def browser_dots() -> str:
    """The characters of the class in pickup.js's ``.replace(/[…]/g, "·")``, its ``\\uXXXX`` read."""
    found = re.findall(r'\.replace\(/\[([^\]]+)\]/g, "·"\)', PICKUP.read_text("utf-8"))
    assert len(found) == 1, "pickup.js should fold the name dots with one .replace(/[…]/g, \"·\")"
    return re.sub(r"\\u([0-9a-fA-F]{4})", lambda m: chr(int(m.group(1), 16)), found[0]).replace("\\.", ".")


def test_the_pickup_screen_folds_the_same_middle_dots_as_the_server() -> None:
    dots = browser_dots()
    assert len(dots) == len(set(dots))
    assert sorted(dots) == sorted(NAME_DOTS), (
        f"web/views/pickup.js folds {[f'U+{ord(c):04X}' for c in sorted(dots)]}, "
        f"core/services/formats.py NAME_DOTS {[f'U+{ord(c):04X}' for c in sorted(NAME_DOTS)]}")
