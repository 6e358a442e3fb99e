"""The command line as an administrator uses it: real processes, real exit codes."""

from __future__ import annotations

import argparse
import json
import re

import httpx
import pytest

from core.faces.cli import make_parser
from tests.cli import ROOT, free_port, run, serving
from tests.helpers import center_doc


def test_db_upgrade_is_idempotent(cli_db):
    first = run(["db", "upgrade"], cli_db)
    assert first.returncode == 0, first.stderr
    assert "core.0001_initial" in first.stdout
    second = run(["db", "upgrade"], cli_db)
    assert second.returncode == 0 and "最新" in second.stdout
    replayed = run(["db", "upgrade", "--replay"], cli_db)  # on an up-to-date database: nothing to replay
    assert replayed.returncode == 0 and "最新" in replayed.stdout


def test_center_load_lists_every_problem_and_writes_nothing(upgraded_db, tmp_path):
    bad = center_doc("bad", plugins=["no_such_plugin"])
    bad["shortName"] = "lowercase"
    bad["departments"].append({"code": "scjg", "name": "重复部门"})
    del bad["name"]
    path = tmp_path / "bad.json"
    path.write_text(json.dumps(bad, ensure_ascii=False), "utf-8")
    result = run(["center", "load", str(path)], upgraded_db)
    assert result.returncode == 2
    assert "Traceback" not in result.stderr
    assert "/shortName" in result.stderr and "/name" in result.stderr
    assert "未写入" in result.stderr
    listed = run(["center", "load", str(path)], upgraded_db)
    assert listed.returncode == 2

    good = tmp_path / "good.json"
    good.write_text(json.dumps(center_doc("good", plugins=[]), ensure_ascii=False), "utf-8")
    ok = run(["center", "load", str(good)], upgraded_db)
    assert ok.returncode == 0, ok.stderr
    assert "good" in ok.stdout


def test_unknown_plugin_names_the_installed_ones(upgraded_db, tmp_path):
    path = tmp_path / "c.json"
    path.write_text(json.dumps(center_doc("c1", plugins=["nope"]), ensure_ascii=False), "utf-8")
    result = run(["center", "load", str(path)], upgraded_db)
    assert result.returncode == 2
    assert "/plugins/0" in result.stderr and "未知插件" in result.stderr


def test_bad_files_are_one_line_errors(upgraded_db, tmp_path):
    missing = run(["center", "load", str(tmp_path / "missing.json")], upgraded_db)
    assert missing.returncode == 2 and "不存在" in missing.stderr and "Traceback" not in missing.stderr
    broken = tmp_path / "broken.json"
    broken.write_text("{ 'not': json", "utf-8")
    result = run(["center", "load", str(broken)], upgraded_db)
    assert result.returncode == 2 and "JSON" in result.stderr and "Traceback" not in result.stderr


def test_schema_to_a_path_that_cannot_be_written_is_bad_input(upgraded_db, tmp_path):
    result = run(["schema", "-o", str(tmp_path / "no-such-folder" / "schema.graphql")], upgraded_db)
    assert result.returncode == 2 and "无法写入" in result.stderr and "Traceback" not in result.stderr


def test_user_add_with_password_from_stdin(upgraded_db, tmp_path):
    path = tmp_path / "c.json"
    path.write_text(json.dumps(center_doc("uc"), ensure_ascii=False), "utf-8")
    assert run(["center", "load", str(path)], upgraded_db).returncode == 0
    ok = run(["user", "add", "--center", "uc", "--role", "reviewer", "--department", "scjg", "--password-stdin", "rev1"], upgraded_db, "a-good-password\n")
    assert ok.returncode == 0, ok.stderr
    again = run(["user", "add", "--center", "uc", "--role", "reviewer", "--password-stdin", "rev1"], upgraded_db, "a-good-password\n")
    assert again.returncode == 2 and "已存在" in again.stderr
    bad_role = run(["user", "add", "--center", "uc", "--role", "wizard", "--password-stdin", "rev2"], upgraded_db, "a-good-password\n")
    assert bad_role.returncode == 2 and "未知角色" in bad_role.stderr
    bad_center = run(["user", "add", "--center", "nowhere", "--role", "clerk", "--password-stdin", "rev3"], upgraded_db, "a-good-password\n")
    assert bad_center.returncode == 2 and "nowhere" in bad_center.stderr
    no_department = run(["user", "add", "--center", "uc", "--role", "reviewer", "--password-stdin", "rev4"], upgraded_db, "a-good-password\n")
    assert no_department.returncode == 2 and "后台审批岗位须指定所在部门" in no_department.stderr
    as_clerk = run(["user", "add", "--center", "uc", "--role", "clerk", "--password-stdin", "rev4"], upgraded_db, "a-good-password\n")
    assert as_clerk.returncode == 0, as_clerk.stderr  # the refused reviewer left no account behind
    # another post for the account: reviewing in the market regulator's back office too
    granted = run(["user", "grant", "--center", "uc", "--role", "reviewer", "--department", "scjg", "rev4"], upgraded_db)
    assert granted.returncode == 0 and "已授予 rev4" in granted.stdout, granted.stderr
    no_one = run(["user", "grant", "--center", "uc", "--role", "clerk", "nobody"], upgraded_db)
    assert no_one.returncode == 2 and "不存在" in no_one.stderr and "Traceback" not in no_one.stderr
    bad_phone = run(["user", "add", "--center", "uc", "--role", "clerk", "--phone", "12345", "--password-stdin", "rev5"], upgraded_db,
                    "a-good-password\n")
    assert bad_phone.returncode == 2 and "手机号码应为11位数字，以1开头" in bad_phone.stderr
    no_dept = run(["user", "grant", "--center", "uc", "--role", "reviewer", "rev4"], upgraded_db)
    assert no_dept.returncode == 2 and "后台审批岗位须指定所在部门" in no_dept.stderr


@pytest.mark.slow
def test_serve_answers_centers_over_tcp(cli_db):
    """A real `govhall demo --cases` then `govhall serve` process, asked over TCP: the demo's morning
    of cases is where each role finds it."""
    demo = run(["demo", "--cases"], cli_db)
    assert demo.returncode == 0, demo.stderr
    assert "lianzhou：示例办件 6 件" in demo.stdout
    again = run(["demo", "--cases"], cli_db)
    assert again.returncode == 0 and "已有办件，未再添加示例办件" in again.stdout
    with serving(cli_db) as port:
        response = httpx.post(f"http://127.0.0.1:{port}/graphql", json={"query": "{ centers { code name plugins } }"}, timeout=5)
        assert response.status_code == 200
        centers = {c["code"]: c for c in response.json()["data"]["centers"]}
        assert "lianzhou" in centers and "wengyuan" in centers
        assert "one_window" in centers["wengyuan"]["plugins"] or centers["wengyuan"]["plugins"] == []

        def ask(user: str, query: str) -> dict:
            login = httpx.post(f"http://127.0.0.1:{port}/graphql", timeout=10, json={
                "query": 'mutation($u: String!) { login(username: $u, password: "demo1234") { ... on LoginSuccess { token } } }',
                "variables": {"u": user}}).json()
            token = login["data"]["login"]["token"]
            body = httpx.post(f"http://127.0.0.1:{port}/graphql", json={"query": query}, timeout=10,
                              headers={"Authorization": f"Bearer {token}"}).json()
            assert not body.get("errors"), body
            return body["data"]

        listed = ask("lz-clerk", '{ cases(center: "lianzhou", first: 20) { edges { node { state applicantName } } } }')
        states = sorted(e["node"]["state"] for e in listed["cases"]["edges"])
        assert states == ["approved", "delivered", "submitted", "supplementing", "under_review", "under_review"], states
        mine = ask("lisi", "{ myCases(first: 20) { edges { node { id state availableActions } } } }")
        waiting = [e["node"] for e in mine["myCases"]["edges"] if e["node"]["state"] == "supplementing"]
        assert "supply" in waiting[0]["availableActions"]
        # the one-time notice names the applicant's unsealed scan: marked on that file, to be replaced (更换)
        listed = ask("lisi", f'{{ caseMaterials(id: "{waiting[0]["id"]}") {{ code files {{ filename problem }} }} }}')
        flagged = [(s["code"], f["filename"], f["problem"]) for s in listed["caseMaterials"] for f in s["files"] if f["problem"]]
        assert flagged == [("m05", "清税证明.pdf", "上传的清税证明未加盖税务机关印章")]


def test_serve_upgrades_a_new_database_before_answering(cli_db):
    """A database the start-up check finds out of date (here: empty) is upgraded before the first answer."""
    with serving(cli_db):
        pass
    upgrade = run(["db", "upgrade"], cli_db)
    assert upgrade.returncode == 0, upgrade.stderr
    assert "无（数据库已是最新）" in upgrade.stdout


def test_serve_reports_an_unreachable_database_in_one_line():
    """The check's error is reported by the command in one line, with status 3."""
    closed = f"postgres://postgres@127.0.0.1:{free_port()}/nowhere"
    result = run(["serve", "--port", str(free_port())], closed)
    assert result.returncode == 3, result.stderr
    assert "Traceback" not in result.stderr and len(result.stderr.strip().splitlines()) == 1


def _subparser(parser: argparse.ArgumentParser, words: list[str]) -> argparse.ArgumentParser:
    for word in words:
        choices = next(a.choices for a in parser._actions if isinstance(a, argparse._SubParsersAction))
        parser = choices[word]
    return parser


def test_the_readme_command_lines_show_which_options_are_required():
    """README "The command line": an option shown without brackets is one the command requires."""
    readme = (ROOT / "README.md").read_text("utf-8")
    block = readme.split("### The command line", 1)[1].split("```", 2)[1]
    parser = make_parser()
    checked = 0
    for line in block.splitlines():
        if not line.startswith("govhall "):
            continue
        usage = line.split("#", 1)[0].split()[1:]
        words = [w for w in usage[:2] if re.fullmatch(r"[a-z]+", w)]
        command = _subparser(parser, words)
        depth = 0
        for token in usage[len(words):]:
            depth += token.count("[")
            name = token.strip("[]")
            if name.startswith("--"):
                action = next(a for a in command._actions if name in a.option_strings)
                assert action.required == (depth == 0), f"README: {line.strip()} ({name})"
                checked += 1
            depth -= token.count("]")
    assert checked >= 10


def test_items_load_names_the_file_of_an_item_that_cannot_be_published(upgraded_db, tmp_path):
    """What keeps an item from being published (no window, a field without a name) is found with
    everything else before anything is stored, and each problem names its file."""
    import copy

    from tests.hall import PERMIT

    center = tmp_path / "c.json"
    center.write_text(json.dumps(center_doc("c1", plugins=[]), ensure_ascii=False), "utf-8")
    assert run(["center", "load", str(center)], upgraded_db).returncode == 0
    items = tmp_path / "items"
    items.mkdir()
    (items / "a-permit.json").write_text(json.dumps(PERMIT, ensure_ascii=False), "utf-8")
    stall = copy.deepcopy(PERMIT)
    stall["code"], stall["name"] = "gtgsh", "个体工商户设立登记"
    del stall["place"]
    stall["form"]["properties"]["capital"]["title"] = ""
    (items / "b-stall.json").write_text(json.dumps(stall, ensure_ascii=False), "utf-8")
    refused = run(["items", "load", str(items), "--center", "c1"], upgraded_db)
    assert refused.returncode == 2, refused.stdout
    assert "b-stall.json/place：尚未填写办理窗口" in refused.stderr
    assert "b-stall.json/form/properties/capital/title：字段“capital”尚未填写名称" in refused.stderr
    assert "a-permit.json" not in refused.stderr and "未导入任何事项" in refused.stdout
    assert run(["items", "load", str(items), "--center", "c1", "--no-publish"], upgraded_db).returncode == 0  # drafts may lack them


def test_a_second_center_may_not_take_another_centers_case_number_prefix(upgraded_db, tmp_path):
    """Case numbers are unique in the deployment: a center file whose shortName another center
    already uses is refused (its first case would otherwise fail on a duplicate number)."""
    first, second = center_doc("yangshan", plugins=[]), center_doc("yangshan2", plugins=[])
    first["shortName"] = second["shortName"] = "YS"
    for doc in (first, second):
        (tmp_path / f"{doc['code']}.json").write_text(json.dumps(doc, ensure_ascii=False), "utf-8")
    assert run(["center", "load", str(tmp_path / "yangshan.json")], upgraded_db).returncode == 0
    refused = run(["center", "load", str(tmp_path / "yangshan2.json")], upgraded_db)
    assert refused.returncode == 2, refused.stdout
    assert "/shortName" in refused.stderr and "“YS”已由中心“yangshan县政务服务中心”（yangshan）使用" in refused.stderr
    assert "未写入" in refused.stderr and "Traceback" not in refused.stderr
    assert run(["center", "load", str(tmp_path / "yangshan.json")], upgraded_db).returncode == 0  # its own prefix again
    second["shortName"] = "YSE"
    (tmp_path / "yangshan2.json").write_text(json.dumps(second, ensure_ascii=False), "utf-8")
    assert run(["center", "load", str(tmp_path / "yangshan2.json")], upgraded_db).returncode == 0


def test_documents_served_on_another_port_print_that_port_in_their_verification_link(upgraded_db, tmp_path):
    """Without GOVHALL_PUBLIC_URL, `govhall serve --port P` on this machine prints http://127.0.0.1:P
    in the QR codes and links of the documents it issues (not the default port 8000)."""
    import os

    from tests.hall import GOOD_DATA, PERMIT
    from tests.helpers import pdf_text

    (tmp_path / "c.json").write_text(json.dumps(center_doc("qr", plugins=[]), ensure_ascii=False), "utf-8")
    (tmp_path / "items").mkdir()
    (tmp_path / "items" / "permit.json").write_text(json.dumps(PERMIT, ensure_ascii=False), "utf-8")
    assert run(["center", "load", str(tmp_path / "c.json")], upgraded_db).returncode == 0
    for user, role in (("app1", "applicant"), ("clerk1", "clerk")):
        added = run(["user", "add", "--center", "qr", "--role", role, "--password-stdin", user], upgraded_db, "a-good-password\n")
        assert added.returncode == 0, added.stderr
    assert run(["items", "load", str(tmp_path / "items"), "--center", "qr"], upgraded_db).returncode == 0
    env = {k: v for k, v in os.environ.items() if k != "GOVHALL_PUBLIC_URL"}
    with serving(upgraded_db, env=env) as port:
        base = f"http://127.0.0.1:{port}"

        def ask(user: str, query: str, **variables: object) -> dict:
            login = httpx.post(f"{base}/graphql", timeout=30, json={
                "query": 'mutation($u: String!) { login(username: $u, password: "a-good-password") { ... on LoginSuccess { token } } }',
                "variables": {"u": user}}).json()
            body = httpx.post(f"{base}/graphql", json={"query": query, "variables": variables}, timeout=30,
                              headers={"Authorization": f"Bearer {login['data']['login']['token']}"}).json()
            assert not body.get("errors"), body
            return body["data"]

        case = ask("app1", 'mutation($d: JSON!) { submitCase(center: "qr", item: "test-permit", data: $d) { ... on Case { id } } }',
                   d=GOOD_DATA)["submitCase"]
        accepted = ask("clerk1", """mutation($id: ID!, $d: JSON) { transitionCase(id: $id, action: "accept", data: $d) {
            ... on Case { documents { kind downloadUrl } } ... on UserErrors { errors { message } } } }""",
                       id=case["id"], d={"received": [{"material": "m1", "form": "original", "count": 1}]})["transitionCase"]
        notice = next(d for d in accepted["documents"] if d["kind"] == "acceptance_notice")
        pdf = httpx.get(base + notice["downloadUrl"], timeout=60)
        assert pdf.status_code == 200
        assert f"127.0.0.1:{port}/verify/" in pdf_text(pdf.content)


def test_commands_on_a_database_not_yet_set_up_say_to_run_db_upgrade(cli_db, tmp_path):
    """A new county's first command before `govhall db upgrade` (or on a database that does not
    exist) is told what to do, not given the database's own words alone."""
    from tests.conftest import IS_POSTGRES

    path = tmp_path / "c.json"
    path.write_text(json.dumps(center_doc("fresh", plugins=[]), ensure_ascii=False), "utf-8")
    for args in (["center", "load", str(path)], ["stats", "rebuild"]):
        result = run(args, cli_db)
        assert result.returncode == 3, result.stderr
        assert "数据库尚未建立或不是最新版本" in result.stderr and "govhall db upgrade" in result.stderr
        assert "Traceback" not in result.stderr and len(result.stderr.strip().splitlines()) == 1
    if IS_POSTGRES:
        missing = run(["db", "upgrade"], cli_db.rsplit("/", 1)[0] + "/no_such_database_here")
        assert missing.returncode == 3 and "数据库不存在" in missing.stderr and "no_such_database_here" in missing.stderr


def test_items_load_into_every_center_stores_nothing_when_one_center_refuses_a_file(upgraded_db, tmp_path):
    """Without --center every center takes the folder: a file the last center cannot take (its
    department is missing there) is reported with that center's code, and the first center got
    nothing either (the README: all checked first)."""
    from tests.hall import PERMIT

    small = center_doc("small", plugins=[])
    small["departments"] = [d for d in small["departments"] if d["code"] != "scjg"]
    small["windows"][0]["serves"] = ["zjj"]
    for doc in (center_doc("big", plugins=[]), small):
        (tmp_path / f"{doc['code']}.json").write_text(json.dumps(doc, ensure_ascii=False), "utf-8")
        assert run(["center", "load", str(tmp_path / f"{doc['code']}.json")], upgraded_db).returncode == 0
    (tmp_path / "items").mkdir()
    (tmp_path / "items" / "permit.json").write_text(json.dumps(PERMIT, ensure_ascii=False), "utf-8")
    refused = run(["items", "load", str(tmp_path / "items")], upgraded_db)
    assert refused.returncode == 2, refused.stdout
    assert "中心 small：permit.json/department" in refused.stderr and "未导入任何事项" in refused.stdout
    first = run(["items", "load", str(tmp_path / "items"), "--center", "big"], upgraded_db)
    assert first.returncode == 0 and "已发布 test-permit 第1版" in first.stdout, first.stdout  # not stored before


def test_files_saved_by_a_windows_editor_load_and_other_encodings_are_named(upgraded_db, tmp_path):
    """A center, calendar or item file saved with the UTF-8 byte-order mark (Windows editors) loads;
    one saved as GBK is refused in one Chinese line that says what to do."""
    from tests.hall import PERMIT

    bom = b"\xef\xbb\xbf"
    center = tmp_path / "c.json"
    center.write_bytes(bom + json.dumps(center_doc("win", plugins=[]), ensure_ascii=False).encode("utf-8"))
    loaded = run(["center", "load", str(center)], upgraded_db)
    assert loaded.returncode == 0, loaded.stderr
    (tmp_path / "items").mkdir()
    (tmp_path / "items" / "permit.json").write_bytes(bom + json.dumps(PERMIT, ensure_ascii=False).encode("utf-8"))
    items = run(["items", "load", str(tmp_path / "items"), "--center", "win"], upgraded_db)
    assert items.returncode == 0 and "已发布 test-permit" in items.stdout, items.stderr
    calendar = tmp_path / "calendar.json"
    calendar.write_bytes(bom + json.dumps({"year": 2027, "source": "国务院办公厅通知", "holidays": [
        {"date": "2027-01-01", "name": "元旦"}]}, ensure_ascii=False).encode("utf-8"))
    assert run(["calendar", "import", str(calendar), "--center", "win"], upgraded_db).returncode == 0
    gbk = tmp_path / "gbk.json"
    gbk.write_bytes(json.dumps(center_doc("gbk", plugins=[]), ensure_ascii=False).encode("gbk"))
    refused = run(["center", "load", str(gbk)], upgraded_db)
    assert refused.returncode == 2 and "不是 UTF-8 编码" in refused.stderr and "另存为 UTF-8" in refused.stderr
    assert len(refused.stderr.strip().splitlines()) == 1
    (tmp_path / "items" / "permit.json").write_bytes(json.dumps(PERMIT, ensure_ascii=False).encode("gbk"))
    refused = run(["items", "load", str(tmp_path / "items"), "--center", "win"], upgraded_db)
    assert refused.returncode == 2 and "permit.json：不是 UTF-8 编码" in refused.stderr and "另存为 UTF-8" in refused.stderr


def test_a_setting_govhall_cannot_use_is_bad_input_naming_the_variable(tmp_path):
    """A database URL of another kind (mysql://), or a word where a number belongs: status 2 and the
    variable's name, before anything is opened (was an 'unexpected error', status 1)."""
    import os
    import subprocess
    import sys

    for name, value in (("GOVHALL_DATABASE_URL", "mysql://hall:secret@db/hall"), ("GOVHALL_DATABASE_URL", "var/hall.sqlite3"),
                        ("GOVHALL_TOKEN_HOURS", "twelve"), ("GOVHALL_SWEEP_SECONDS", "1m")):
        env = {**os.environ, "GOVHALL_DATABASE_URL": f"sqlite://{tmp_path / 'x.sqlite3'}", name: value}
        done = subprocess.run([sys.executable, "-m", "core.faces.cli", "db", "upgrade"], capture_output=True, text=True,
                              env=env, cwd=ROOT, timeout=120)
        assert done.returncode == 2, (name, value, done.stderr)
        assert name in done.stderr and "Traceback" not in done.stderr and "secret" not in done.stderr
    assert not (tmp_path / "x.sqlite3").exists()


def test_the_remedy_a_refusal_names_is_part_of_the_center_file(upgraded_db, tmp_path):
    """settings.remedy (the README: the authorities a refusal or return names) is checked like the
    rest of the center file: a misspelt key is refused, not silently replaced by the generic wording."""
    doc = center_doc("remedy", plugins=[], settings={"remedy": {"reconsidertion": "阳山县人民政府", "court": "阳山县人民法院"}})
    path = tmp_path / "c.json"
    path.write_text(json.dumps(doc, ensure_ascii=False), "utf-8")
    refused = run(["center", "load", str(path)], upgraded_db)
    assert refused.returncode == 2 and "/settings/remedy/reconsidertion" in refused.stderr, refused.stderr
    doc["settings"]["remedy"] = {"reconsideration": "阳山县人民政府", "court": "阳山县人民法院", "review": "阳山县政务服务中心督查科"}
    path.write_text(json.dumps(doc, ensure_ascii=False), "utf-8")
    loaded = run(["center", "load", str(path)], upgraded_db)
    assert loaded.returncode == 0, loaded.stderr


def test_calendar_import_for_every_center_keeps_each_centers_office_hours(upgraded_db, tmp_path):
    """``govhall calendar import`` without ``--center`` enters the year for every center, but the
    sample file's officeHours replace no center's own hours unless ``--office-hours`` asks."""
    for code, hours in (("oha", ["08:30-12:00", "14:30-17:30"]), ("ohb", ["09:00-12:00", "13:30-17:00"])):
        path = tmp_path / f"{code}.json"
        path.write_text(json.dumps(center_doc(code, plugins=[], officeHours=hours), ensure_ascii=False), "utf-8")
        assert run(["center", "load", str(path)], upgraded_db).returncode == 0
    sample = json.loads((ROOT / "tests" / "data" / "calendar-2027-sample.json").read_text("utf-8"))
    del sample["center"]
    calendar = tmp_path / "calendar.json"
    calendar.write_text(json.dumps(sample, ensure_ascii=False), "utf-8")
    done = run(["calendar", "import", str(calendar)], upgraded_db)
    assert done.returncode == 0, done.stderr
    assert "中心“oha”保留自己的办公时间（08:30-12:00、14:30-17:30）" in done.stdout
    assert "ohb”保留" not in done.stdout  # the same hours: nothing to say
    forced = run(["calendar", "import", str(calendar), "--center", "oha", "--office-hours"], upgraded_db)
    assert forced.returncode == 0 and "已按日历文件设置中心“oha”的办公时间：09:00-12:00、13:30-17:00" in forced.stdout
