"""core.api.hand_over_open_cases (AB岗 顶岗): the partner becomes responsible for the person's open
cases, each with a ``hand_over`` audit event; completed and ended cases, and other people's, stay."""

from __future__ import annotations

import pytest

from core.services.accounts import Actor, load_grants
from core.api import UserErrorsException, hand_over_open_cases
from core.plumbing.models import Case, CaseEvent
from tests.hall import CaseDriver, build_hall

pytestmark = pytest.mark.anyio


async def test_open_cases_move_to_the_partner(app, govhall, gql):
    hall = await build_hall(govhall, gql)
    drive = CaseDriver(gql, hall)
    open_case = await drive.ok("clerk1", await drive.submit("app1"), "accept")
    finished = await drive.ok("clerk1", await drive.submit("app2", item="test-quick"), "finish_on_spot")
    withdrawn = await drive.submit("app1", allow_duplicate=True)
    await Case.filter(id=withdrawn["id"]).update(responsible_id=hall.users["clerk1"].id, state="withdrawn")
    someone_else = await drive.ok("head1", await drive.submit("app2"), "accept")
    head = hall.users["head1"]
    actor = Actor(user=head, grants=await load_grants(head))
    moved = await hand_over_open_cases(govhall, actor, hall.center, hall.users["clerk1"], hall.users["pick1"],
                                       reason="病假，工作移交顶岗人员")
    assert [c.id for c in moved] == [int(open_case["id"])]
    responsible = dict(await Case.filter(id__in=[open_case["id"], finished["id"], withdrawn["id"], someone_else["id"]])
                       .values_list("id", "responsible__username"))
    assert responsible == {int(open_case["id"]): "pick1", int(finished["id"]): "clerk1", int(withdrawn["id"]): "clerk1",
                           int(someone_else["id"]): "head1"}
    event = await CaseEvent.filter(case_id=open_case["id"]).order_by("-seq").first()
    assert (event.action, event.comment, event.changes, event.actor_id) == (
        "hand_over", "病假，工作移交顶岗人员", {"responsible": "pick1", "from": "clerk1", "responsibleName": "pick1"}, head.id)
    assert (await Case.get(id=open_case["id"])).version == open_case["version"] + 1
    with pytest.raises(UserErrorsException) as refused:
        await hand_over_open_cases(govhall, actor, hall.center, hall.users["pick1"], hall.users["pick1"], reason="")
    assert refused.value.errors[0].code == "same_person"
