"""Characters that make printed or displayed text read differently from what was typed.

Text-direction overrides and isolates (U+202A–U+202E, U+2066–U+2069) reorder what follows them:
“发票‮fdp.exe” shows as “发票exe.pdf”. The core refuses them in names and case data (a Chinese
:class:`~core.plumbing.errors.UserError`) and strips them from uploaded file names, so a printed name reads as
typed. A NUL character is refused too: PostgreSQL cannot store it in text.
"""

from __future__ import annotations

import re

BIDI_CONTROLS = re.compile("[\u202a-\u202e\u2066-\u2069]")
BIDI_MESSAGE = "包含不可见的文字方向控制字符（会使显示内容与实际输入不符），请删除后重新输入"


def has_bidi_controls(text: str) -> bool:
    return BIDI_CONTROLS.search(text) is not None


def strip_bidi_controls(text: str) -> str:
    """``text`` without direction overrides and isolates (for file names: neutralised, not refused)."""
    return BIDI_CONTROLS.sub("", text)
