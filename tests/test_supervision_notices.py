"""The supervision board per carded case (days overdue, the person responsible), and 催办 / 督办
(superviseCase): recorded on the case, sent to the responsible person and the department."""

from __future__ import annotations

from datetime import timedelta

import pytest

from core.services.clock import local_today
from core.plumbing.models import Case, Notification
from tests.hall import CaseDriver, build_hall

pytestmark = pytest.mark.anyio

BOARD = """query { supervision(center: "hall") { red cases { number alert responsible daysOverdue promisedDue } } }"""
SUPERVISE = """mutation($id: ID!, $k: String!, $t: String) { superviseCase(id: $id, kind: $k, text: $t) {
  __typename ... on SupervisionNotice { caseNumber kind kindLabel department recipients }
  ... on UserErrors { errors { path code message } } } }"""
EVENTS = "query($id: ID!) { case(id: $id) { version events { action comment changes } } }"


@pytest.fixture
async def overdue(app, govhall, gql):
    drive = CaseDriver(gql, await build_hall(govhall, gql))
    case = await drive.ok("clerk1", await drive.submit("app1"), "accept")
    # ten calendar days past its promised date: a red card
    await Case.filter(id=int(case["id"])).update(promised_due=local_today() - timedelta(days=10), alert="RED")
    return drive, case


async def test_board_shows_days_overdue_and_who_is_responsible(overdue):
    drive, case = overdue
    board = (await drive.query("sup1", BOARD))["supervision"]
    (row,) = [c for c in board["cases"] if c["number"] == case["number"]]
    assert row["responsible"] == "clerk1"
    # working days from the day after the promised date through today: 6 to 8 of 10 calendar days
    assert 5 <= row["daysOverdue"] <= 8


async def test_urge_and_supervise_are_recorded_and_sent(overdue):
    drive, case = overdue
    urged = (await drive.query("sup1", SUPERVISE, id=case["id"], k="urge", t=None))["superviseCase"]
    assert urged["__typename"] == "SupervisionNotice" and urged["kindLabel"] == "催办"
    assert "clerk1" in urged["recipients"] and "rev-scjg" in urged["recipients"]
    noticed = (await drive.query("head1", SUPERVISE, id=case["id"], k="supervise", t="请于两个工作日内办结并书面说明超期原因"))["superviseCase"]
    assert noticed["kind"] == "supervise" and noticed["department"]
    events = (await drive.query("sup1", EVENTS, id=case["id"]))["case"]["events"]
    assert [e["action"] for e in events[-2:]] == ["urge", "supervise"]
    assert events[-1]["comment"] == "请于两个工作日内办结并书面说明超期原因" and events[-1]["changes"]["notice"] == "督办"
    sent = await Notification.filter(channel="internal", recipient="rev-scjg").order_by("id")
    assert len(sent) == 2 and sent[1].text.startswith("【督办】办件" + case["number"])


async def test_refused_without_changing_anything(overdue):
    drive, case = overdue
    before = (await drive.query("sup1", EVENTS, id=case["id"]))["case"]["version"]
    bad = (await drive.query("sup1", SUPERVISE, id=case["id"], k="scold", t="x" * 501))["superviseCase"]
    assert sorted(e["code"] for e in bad["errors"]) == ["enum", "too_long"]
    empty = (await drive.query("sup1", SUPERVISE, id=case["id"], k="supervise", t="  "))["superviseCase"]
    assert [e["path"] for e in empty["errors"]] == ["/text"] and "督办" in empty["errors"][0]["message"]
    for user in ("clerk1", "rev-scjg", "app1"):
        refused = (await drive.query(user, SUPERVISE, id=case["id"], k="urge", t=None))["superviseCase"]
        assert [e["code"] for e in refused["errors"]] == ["forbidden"]
    assert [e["code"] for e in (await drive.query("sup1", SUPERVISE, id="999999", k="urge", t=None))["superviseCase"]["errors"]] == ["not_found"]
    assert (await drive.query("sup1", EVENTS, id=case["id"]))["case"]["version"] == before
    assert await Notification.filter(channel="internal").count() == 0


MESSAGES = "query($c: String!) { staffMessages(center: $c) { caseId caseNumber text } }"
ANSWER = """mutation($id: ID!, $t: String!) { answerSupervision(id: $id, text: $t) {
  __typename ... on SupervisionNotice { kind kindLabel recipients } ... on UserErrors { errors { path code message } } } }"""


async def test_the_department_reads_a_supervision_among_its_messages_and_answers_it(overdue):
    """督办 reaches the department as a message it can read (not only in the case's log), and the
    department's answer (督办反馈) goes on the case and back to whoever pressed."""
    drive, case = overdue
    nothing = (await drive.query("rev-scjg", ANSWER, id=case["id"], t="已办理"))["answerSupervision"]
    assert [(e["code"], e["message"]) for e in nothing["errors"]] == [("state", f"办件{case['number']}没有催办或督办，无需反馈")]
    await drive.query("head1", SUPERVISE, id=case["id"], k="supervise", t="请于两个工作日内办结")
    (message,) = (await drive.query("rev-scjg", MESSAGES, c="hall"))["staffMessages"]
    assert message["caseId"] == case["id"] and message["caseNumber"] == case["number"]
    assert message["text"].startswith(f"【督办】办件{case['number']}") and "请于两个工作日内办结" in message["text"]
    assert (await drive.query("sup1", MESSAGES, c="hall"))["staffMessages"] == []  # only the recipients'
    assert (await drive.query("app1", MESSAGES, c="hall"))["staffMessages"] == []  # whatever the role: one's own only

    empty = (await drive.query("rev-scjg", ANSWER, id=case["id"], t=" "))["answerSupervision"]
    assert [(e["code"], e["path"]) for e in empty["errors"]] == [("required", "/text")]
    assert [e["code"] for e in (await drive.query("app1", ANSWER, id=case["id"], t="好"))["answerSupervision"]["errors"]] == ["forbidden"]
    answered = (await drive.query("rev-scjg", ANSWER, id=case["id"], t="已现场核查，明日作出决定"))["answerSupervision"]
    assert answered["kind"] == "supervision_reply" and answered["kindLabel"] == "督办反馈" and answered["recipients"] == ["head1"]
    (back,) = (await drive.query("head1", MESSAGES, c="hall"))["staffMessages"]
    assert back["text"].startswith(f"【督办反馈】办件{case['number']}") and "已现场核查，明日作出决定" in back["text"]
    last = (await drive.query("sup1", EVENTS, id=case["id"]))["case"]["events"][-1]
    assert last["action"] == "supervision_reply" and last["comment"] == "已现场核查，明日作出决定"


async def test_the_supervisor_who_pressed_cannot_answer_his_own_notice(overdue):
    """The 催办 is answered by those it was sent to (the person responsible, the department), not by
    the supervisor who sent it, to himself."""
    drive, case = overdue
    await drive.query("sup1", SUPERVISE, id=case["id"], k="urge", t=None)
    own = (await drive.query("sup1", ANSWER, id=case["id"], t="x"))["answerSupervision"]
    assert [(e["code"], e["message"]) for e in own["errors"]] == [
        ("own_notice", "该催办是您本人发出的，应由办件的承办人员或承办部门反馈办理情况")]
    assert (await drive.query("sup1", EVENTS, id=case["id"]))["case"]["events"][-1]["action"] == "urge"
    assert (await drive.query("sup1", MESSAGES, c="hall"))["staffMessages"] == []
    # the person responsible answers it, and the answer goes back to the supervisor
    answered = (await drive.query("clerk1", ANSWER, id=case["id"], t="已通知申请人补正"))["answerSupervision"]
    assert answered["recipients"] == ["sup1"], answered
