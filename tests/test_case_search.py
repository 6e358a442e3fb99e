"""The clerk's search (``cases(search: ...)``): by case number, applicant name, USCC, mobile or ID
number, combined with the other filters, limited to what the user may see."""

from __future__ import annotations

import pytest
from tortoise.connection import get_connection

from core.plumbing.models import Case
from core.plumbing.search_index import SEARCH_EXPRESSIONS, has_search_indexes, install_search_indexes
from core.services import case_search
from core.services.case_search import forget_search_indexes
from tests.conftest import IS_POSTGRES
from tests.hall import GOOD_DATA, CaseDriver, build_hall

pytestmark = pytest.mark.anyio

SEARCH = """query($s: String, $st: String) { cases(center: "hall", search: $s, state: $st, first: 50) {
  edges { node { number applicantName } } } }"""
OTHER_USCC = "91310110666007217T"


@pytest.fixture
async def setup(app, govhall, gql):
    drive = CaseDriver(gql, await build_hall(govhall, gql))
    first = await drive.submit("app1")
    second = await drive.submit("app2", data={**GOOD_DATA, "uscc": OTHER_USCC, "contactMobile": "13900139000",
                                              "companyName": "连州市另一家有限公司"})
    assert first["__typename"] == second["__typename"] == "Case"
    return drive, first, second


async def numbers(drive, user, text, state=None):
    found = await drive.query(user, SEARCH, s=text, st=state)
    return [e["node"]["number"] for e in found["cases"]["edges"]]


async def test_search_by_number_name_and_identities(setup):
    drive, first, second = setup
    assert await numbers(drive, "clerk1", first["number"]) == [first["number"]]
    assert await numbers(drive, "clerk1", first["number"][-4:].lower()) == [first["number"]]
    assert await numbers(drive, "clerk1", OTHER_USCC.lower()) == [second["number"]]
    assert await numbers(drive, "clerk1", "13900139000") == [second["number"]]
    assert await numbers(drive, "clerk1", GOOD_DATA["uscc"]) == [first["number"]]
    name = (await drive.query("clerk1", SEARCH, s=second["number"]))["cases"]["edges"][0]["node"]["applicantName"]
    assert name and await numbers(drive, "clerk1", name) == [second["number"]]
    assert await numbers(drive, "clerk1", "no-such-thing") == []
    # combined with the other filters; blank means no search
    assert await numbers(drive, "clerk1", "13900139000", state="approved") == []
    assert len(await numbers(drive, "clerk1", "  ")) == 2
    # wildcards are text, not patterns
    assert await numbers(drive, "clerk1", "%") == []


async def test_search_keeps_to_what_the_user_may_see(setup):
    drive, first, second = setup
    assert await numbers(drive, "app1", OTHER_USCC) == []
    assert await numbers(drive, "app1", GOOD_DATA["uscc"]) == [first["number"]]


# applicant names set on four cases, newest last: Chinese names of two characters and longer, and
# one with LIKE's wildcards, which must match themselves
NAMES = ["王芳", "欧阳王芳华", "张三_50%", "张三x50y"]
TERMS = ["王芳", "欧阳王芳", "王芳华", "芳", "三_50%", "三_5", "_", "%", "x50", "三x", "无此人"]


async def named_cases(drive) -> list[dict]:
    cases = [await drive.submit("app1", allow_duplicate=True) for _ in NAMES]
    for case, name in zip(cases, NAMES):
        await Case.filter(number=case["number"]).update(applicant_name=name)
    return cases


async def search_results(drive, terms) -> dict[str, list[str]]:
    return {term: sorted(await numbers(drive, "clerk1", term)) for term in terms}


async def test_chinese_names_partial_numbers_and_wildcards(app, govhall, gql):
    drive = CaseDriver(gql, await build_hall(govhall, gql))
    cases = await named_cases(drive)
    by_name = {name: case["number"] for name, case in zip(NAMES, cases)}
    found = await search_results(drive, TERMS)
    assert found["王芳"] == sorted([by_name["王芳"], by_name["欧阳王芳华"]])
    assert found["欧阳王芳"] == found["王芳华"] == [by_name["欧阳王芳华"]]
    assert found["芳"] == found["王芳"]
    # % and _ are the characters themselves, not wildcards
    assert found["三_50%"] == found["三_5"] == found["_"] == found["%"] == [by_name["张三_50%"]]
    assert found["x50"] == found["三x"] == [by_name["张三x50y"]]
    assert found["无此人"] == []
    # partial case numbers: the tail and the middle of one number
    number = cases[1]["number"]
    assert await numbers(drive, "clerk1", number[-4:]) == [number]
    assert number in await numbers(drive, "clerk1", number[2:-2].lower())
    assert number in await numbers(drive, "clerk1", number[-2:])
    if IS_POSTGRES:
        assert await has_search_indexes()  # the conftest installs them as the migration does
        # the same answers from the scan the search falls back to without pg_trgm
        conn = get_connection("default")
        for name in SEARCH_EXPRESSIONS:
            await conn.execute_script(f"DROP INDEX {name}")
        forget_search_indexes()
        try:
            assert await search_results(drive, TERMS) == found
        finally:
            await install_search_indexes()
            forget_search_indexes()


@pytest.mark.postgres_only
async def test_a_short_term_reads_only_the_newest_cases_except_a_whole_name(app, govhall, gql, monkeypatch):
    drive = CaseDriver(gql, await build_hall(govhall, gql))
    cases = await named_cases(drive)
    monkeypatch.setattr(case_search, "SHORT_WINDOW", 2)
    # 王芳 is the whole name of the oldest case (found through the index) and part of the second
    # (older than the two newest: not read); 王芳华 has trigrams and is found anywhere
    assert await numbers(drive, "clerk1", "王芳") == [cases[0]["number"]]
    assert await numbers(drive, "clerk1", "王芳华") == [cases[1]["number"]]
    assert await numbers(drive, "clerk1", "三x") == [cases[3]["number"]]


def test_a_term_without_cased_letters_is_matched_with_like():
    """Such a term (digits, Chinese, ASCII punctuation) is searched with LIKE, which finds what
    ILIKE finds; any letter with a case, or a character that folds like one, keeps ILIKE."""
    for term in ("1000000", "13900139000", "王芳", "三_50%", "-0042", "2026 05"):
        assert case_search._caseless(term), term
        assert " LIKE " in case_search._trigram_sql(case_search.TRIGRAM_SQL, term)
    for term in ("x50", "1693856a", "ⓐ", "ß", "Ⅻ", "ǅ", "Ａ"):
        assert not case_search._caseless(term), term
        assert " ILIKE " in case_search._trigram_sql(case_search.TRIGRAM_SQL, term)


async def search_row_version(number: str) -> str | None:
    """The transaction that last wrote the case's row of the search table (PostgreSQL's ``xmin``)."""
    found = await get_connection("default").execute_query_dict(
        "SELECT s.xmin::text AS x FROM gh_case_search s JOIN gh_case c ON c.id = s.case_id WHERE c.number = $1", [number])
    return found[0]["x"] if found else None


@pytest.mark.postgres_only
async def test_the_search_table_follows_the_application_and_transitions_leave_it_alone(setup):
    """The search table is written when a case is filed and when its application changes (补齐材料
    with a corrected field); accepting it, which changes neither, does not write it again."""
    drive, first, _ = setup
    assert await numbers(drive, "clerk1", "13800138000") == [first["number"]]
    case = await drive.ok("clerk1", first, "request_materials", data={"missing": [{"name": "营业执照复印件", "reason": "未提供", "paper": True}]})
    filed = await search_row_version(first["number"])
    assert filed is not None
    case = await drive.ok("app1", case, "supply", data={"contactMobile": "13700137000"})
    assert await numbers(drive, "clerk1", "13700137000") == [first["number"]]
    assert await numbers(drive, "clerk1", "13800138000") == []
    supplied = await search_row_version(first["number"])
    assert supplied != filed
    case = await drive.ok("clerk1", case, "accept")
    assert case["state"] == "under_review"
    assert await search_row_version(first["number"]) == supplied, "the accept wrote the search table again"


async def test_chinese_in_the_application_is_found_and_a_backslash_matches_only_itself(setup):
    """SQLite keeps the application as JSON text with every Chinese character escaped (连 is \\u8fde):
    a Chinese term in a field other than the applicant's name was never found there, and a
    backslash found every case. Both databases answer alike."""
    drive, first, second = setup
    await Case.filter(number=first["number"]).update(data={**GOOD_DATA, "address": "连州市中山南路1号"})
    assert await numbers(drive, "clerk1", "中山南路") == [first["number"]]
    assert await numbers(drive, "clerk1", "\\") == []
    await Case.filter(number=second["number"]).update(data={**GOOD_DATA, "address": "连州市\\北门巷"})
    assert await numbers(drive, "clerk1", "\\") == [second["number"]]


# 阿卜杜·热合曼 as the ID card writes it (U+00B7), typed with the dots other keyboards give
DOTTED = "阿卜杜·热合曼"
OTHER_DOTS = ["阿卜杜•热合曼", "阿卜杜・热合曼", "阿卜杜‧热合曼", "阿卜杜･热合曼", "阿卜杜．热合曼", "杜•热"]


async def test_a_middle_dot_typed_with_another_keyboard_finds_the_name(setup):
    """The clerk's keyboard gives •, ・, ‧ or ･ for the dot of a transcribed name: the search finds
    the name stored with the ID card's ·, as the applicant's name and inside the application
    (a 法定代表人), on the scan and through the search table's trigram indexes; a dot typed as
    stored, and a full stop meant as one (an e-mail address), are still found as typed."""
    drive, first, second = setup
    await Case.filter(number=first["number"]).update(applicant_name=DOTTED)
    await Case.filter(number=second["number"]).update(
        data={**GOOD_DATA, "legalRepName": "阿依古丽·买买提", "email": "a.b@lianzhou.cn"})

    async def found() -> dict[str, list[str]]:
        return await search_results(drive, [*OTHER_DOTS, DOTTED, "阿依古丽•买买提", "a.b@lian", "a•b@lian"])

    expected = {**{term: [first["number"]] for term in [*OTHER_DOTS, DOTTED]},
                "阿依古丽•买买提": [second["number"]], "a.b@lian": [second["number"]], "a•b@lian": []}
    assert await found() == expected
    if IS_POSTGRES:
        assert await has_search_indexes()
        conn = get_connection("default")
        for name in SEARCH_EXPRESSIONS:
            await conn.execute_script(f"DROP INDEX {name}")
        forget_search_indexes()
        try:
            assert await found() == expected
        finally:
            await install_search_indexes()
            forget_search_indexes()
