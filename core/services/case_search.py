"""Finding a case the way a clerk is asked for it: by its number, the applicant's name, or an
identity in the application (resident ID, unified social credit code, mobile number)."""

from __future__ import annotations

from core.plumbing.sql import rows

MAX_LENGTH = 64
LIMIT = 500

# The application is searched as text: identity codes are ASCII, so they read the same in SQLite's
# JSON text and PostgreSQL's jsonb cast to text. Case numbers and names are matched in their columns.
SEARCH_SQL = (
    'SELECT id FROM gh_case WHERE center_id = ? AND ('
    'UPPER(number) LIKE ? OR applicant_name LIKE ? OR UPPER(CAST(data AS TEXT)) LIKE ?'
    ') ORDER BY id DESC LIMIT ' + str(LIMIT)
)


# A complete case number (what the receipt's QR code and the window's scanner give) is found through
# the number's unique index, without reading the center's cases.
EXACT_SQL = "SELECT id FROM gh_case WHERE number = ? AND center_id = ?"


def _like(text: str) -> str:
    escaped = text.replace("\\", "").replace("%", "").replace("_", "")
    return f"%{escaped}%"


async def matching_case_ids(center_id: int, text: str) -> list[int]:
    """Ids of the center's cases (newest first, at most ``LIMIT``) whose number, applicant name or
    application text contains ``text`` (letters compared in upper case: ID numbers end in X); a
    complete case number gives that case alone. Other text reads every case of the center (a
    substring match has no index here): at a million cases that takes seconds on PostgreSQL."""
    text = text.strip()[:MAX_LENGTH]
    if not text or not _like(text).strip("%"):
        return []
    exact = await rows(EXACT_SQL, [text.upper(), center_id])
    if exact:
        return [int(r["id"]) for r in exact]
    found = await rows(SEARCH_SQL, [center_id, _like(text.upper()), _like(text), _like(text.upper())])
    return [int(r["id"]) for r in found]
