"""Finding a case the way a clerk is asked for it: by its number, the applicant's name, or an
identity in the application (resident ID, unified social credit code, mobile number).

On PostgreSQL with ``pg_trgm`` (see :mod:`core.plumbing.search_index`) a term with three letters
or digits in a row is found through the search table's trigram indexes on the number, the name
and the application text, at a million cases as fast as at a thousand. A shorter term (a two-character
Chinese name, a surname, two digits) has no trigram to look up: it finds the cases whose
applicant's name or number is exactly that term (through the same indexes, over the whole
history) and the cases that contain it among the center's newest ``SHORT_WINDOW`` cases, so it
never reads the whole history. On SQLite, and on PostgreSQL without ``pg_trgm``, the search reads
the center's cases newest first until ``LIMIT`` match."""

from __future__ import annotations

import json
import re
import unicodedata
from typing import Any

from tortoise.connection import get_connection
from tortoise.transactions import in_transaction

from core.plumbing.search_index import has_search_indexes
from core.plumbing.sql import for_dialect, rows
from core.services.formats import one_dot

MAX_LENGTH = 64
LIMIT = 500
TRIGRAM = re.compile(r"\w{3}")  # a term without this has no trigram the index could look up
SHORT_WINDOW = 2000

# The application is searched as text: identity codes are ASCII, so they read the same in SQLite's
# JSON text and PostgreSQL's jsonb cast to text. Case numbers and names are matched in their columns.
# ``%``, ``_`` and ``\`` in a term are escaped (backslash): they match themselves.
SCAN_MATCH = "(UPPER(number) LIKE ?{e} OR applicant_name LIKE ?{e} OR UPPER(CAST(data AS TEXT)) LIKE ?{e})"
SCAN_SQL = "SELECT id FROM gh_case WHERE center_id = ? AND {match} ORDER BY id DESC LIMIT " + str(LIMIT)
SQLITE_SQL = SCAN_SQL.format(match=SCAN_MATCH.format(e=" ESCAPE '\\'"))
POSTGRES_SCAN_SQL = SCAN_SQL.format(match=SCAN_MATCH.format(e=""))  # backslash is PostgreSQL's default escape

# The search table's columns (core.plumbing.search_index), which its trigram indexes cover.
# ``{like}`` is ILIKE, or LIKE for a term without letters that have a case (digits, Chinese): the
# same matches, and the recheck of each row the index proposes is about twice as fast without the
# case folding.
TRIGRAM_MATCH = "(number {like} ? OR applicant_name {like} ? OR text {like} ?)"
SEARCH_TABLE_SQL = ("SELECT case_id AS id FROM gh_case_search WHERE center_id = ? AND {match} "
                    f"ORDER BY case_id DESC LIMIT {LIMIT}")
TRIGRAM_SQL = SEARCH_TABLE_SQL.format(match=TRIGRAM_MATCH)
RECENT = ("SELECT case_id AS id FROM (SELECT case_id, number, applicant_name, text FROM gh_case_search "
          f"WHERE center_id = ? ORDER BY case_id DESC LIMIT ?) recent WHERE {TRIGRAM_MATCH}")
RECENT_SQL = f"{RECENT} ORDER BY id DESC LIMIT {LIMIT}"
# The term without wildcards: the whole value. Only a term with a letter or digit: the index has no
# trigram for one of punctuation alone.
WHOLE_MATCH = "(number {like} ? OR applicant_name {like} ?)"
SHORT_SQL = f"SELECT case_id AS id FROM gh_case_search WHERE center_id = ? AND {WHOLE_MATCH} UNION {RECENT_SQL}"

# A complete case number (what the receipt's QR code and the window's scanner give) is found through
# the number's unique index, without reading the center's cases.
EXACT_SQL = "SELECT id FROM gh_case WHERE number = ? AND center_id = ?"

_indexed: dict[tuple[str, str, str], bool] = {}


def _as_code(text: str) -> str:
    """A code read out or copied in groups (``138 0013 8000``, ``9144 1882 MA4W …``) is the code:
    a term of ASCII letters and digits, mostly digits, loses its spaces. Names keep theirs."""
    compact = re.sub(r"\s+", "", text)
    if compact != text and compact.isascii() and compact.isalnum() and 2 * sum(c.isdigit() for c in compact) >= len(compact):
        return compact
    return text


def _as_stored(text: str) -> str:
    """``text`` as SQLite's application text holds it: JSON with every character beyond ASCII escaped
    (连 is ``\u8fde``), so Chinese is found in it and a ``\`` matches a backslash typed, not every
    escape."""
    return json.dumps(text)[1:-1]


def _escaped(text: str) -> str:
    return text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


def _contains(text: str) -> str:
    return f"%{_escaped(text)}%"


def _caseless(text: str) -> bool:
    """Whether ``text`` has no character that case folding could match with another: decimal
    digits, letters without case (Chinese), ASCII punctuation and spaces. No other character
    lower- or upper-cases to one of these, so LIKE finds what ILIKE finds."""
    return all(unicodedata.category(c) in ("Nd", "Lo") or (c.isascii() and not c.isalpha()) for c in text)


def _trigram_sql(sql: str, text: str) -> str:
    return sql.format(like="LIKE" if _caseless(text) else "ILIKE")


async def _trigram_indexes() -> bool:
    """Whether the search table and its trigram indexes exist in this database (asked once per
    database)."""
    conn = get_connection("default")
    if conn.capabilities.dialect != "postgres":
        return False
    key = (str(getattr(conn, "host", "")), str(getattr(conn, "port", "")), str(getattr(conn, "database", "")))
    if key not in _indexed:
        _indexed[key] = await has_search_indexes(conn)
    return _indexed[key]


async def _planned_for_the_term(sql: str, args: list[Any]) -> list[dict[str, Any]]:
    """``sql`` planned for these values. A prepared statement run often enough gets a generic plan,
    made without the term: it reads the newest cases until ``LIMIT`` match (right for a term most
    cases contain), and for a rare term that reads the whole history. Whether the index or that
    scan is the quicker depends on how many cases contain the term, so each search is planned
    for its own term."""
    async with in_transaction() as tx:
        await tx.execute_script("SET LOCAL plan_cache_mode = force_custom_plan")
        return await tx.execute_query_dict(for_dialect(sql, postgres=True), args)


def forget_search_indexes() -> None:
    """Ask the database again at the next search (after the indexes were created or dropped)."""
    _indexed.clear()


async def matching_case_ids(center_id: int, text: str) -> list[int]:
    """Ids of the center's cases (newest first, at most ``LIMIT``) whose number, applicant name or
    application text contains ``text`` (letters compared case-insensitively: ID numbers end in
    X, a name's middle dot typed as any of :data:`~core.services.formats.NAME_DOTS` as the ID card's
    ``·``); a complete case number gives that case alone. See the module's docstring for terms
    without three letters or digits in a row on PostgreSQL."""
    text = _as_code(text.strip()[:MAX_LENGTH])
    if not text:
        return []
    exact = await rows(EXACT_SQL, [text.upper(), center_id])
    if exact:
        return [int(r["id"]) for r in exact]
    found = await _containing(center_id, text)
    dotted = one_dot(text)
    if dotted == text:
        return found
    # 阿卜杜•热合曼 typed with another dot is the 阿卜杜·热合曼 of the ID card; the term as typed is
    # searched too (a full stop in an e-mail address or a name stored with the bullet)
    return sorted(set(found) | set(await _containing(center_id, dotted)), reverse=True)[:LIMIT]


async def _containing(center_id: int, text: str) -> list[int]:
    """Ids of the center's cases whose number, applicant name or application text contains ``text``
    (not a complete case number), newest first."""
    if not await _trigram_indexes():
        postgres = get_connection("default").capabilities.dialect == "postgres"
        sql = POSTGRES_SCAN_SQL if postgres else SQLITE_SQL
        in_data = text if postgres else _as_stored(text)
        found = await rows(sql, [center_id, _contains(text.upper()), _contains(text), _contains(in_data.upper())])
    elif TRIGRAM.search(text):
        found = await _planned_for_the_term(_trigram_sql(TRIGRAM_SQL, text), [center_id, *[_contains(text)] * 3])
    else:
        recent = [center_id, SHORT_WINDOW, *[_contains(text)] * 3]
        if re.search(r"\w", text):
            found = await _planned_for_the_term(_trigram_sql(SHORT_SQL, text), [center_id, *[_escaped(text)] * 2, *recent])
        else:
            found = await _planned_for_the_term(_trigram_sql(RECENT_SQL, text), recent)
    return [int(r["id"]) for r in found]
