"""A small service hall for case tests: one center, its staff in every role, three items
(a promised permit, a joint construction item over three departments, an immediate item)."""

from __future__ import annotations

import copy
from dataclasses import dataclass, field
from typing import Any

from core.services.accounts import Actor, issue_token, load_grants
from core.services.items import define_item, publish_item
from core.plumbing.models import Center, User
from tests.helpers import make_center, make_user, pdf_text

FORM: dict[str, Any] = {
    "type": "object",
    "title": "申请表",
    "x-order": ["companyName", "uscc", "contactMobile", "capital"],
    "required": ["companyName", "uscc", "contactMobile"],
    "properties": {
        "companyName": {"type": "string", "title": "企业名称", "minLength": 2},
        "uscc": {"type": "string", "title": "统一社会信用代码", "format": "uscc"},
        "contactMobile": {"type": "string", "title": "联系电话", "format": "mobile-cn"},
        "capital": {"type": "number", "title": "注册资本（万元）", "minimum": 0},
    },
}

PERMIT: dict[str, Any] = {
    "code": "test-permit",
    "name": "测试经营许可",
    "itemType": "行政许可",
    "department": "scjg",
    "legalDays": 20,
    "promisedDays": 10,
    "caseKind": "promised",
    "materials": [
        {"code": "m1", "name": "申请书", "issuer": "申请人", "originals": 1, "copies": 0, "required": True, "role": "main"},
        {"code": "m2", "catalogue": "yyzz", "name": "营业执照复印件", "issuer": "市场监管部门", "originals": 0, "copies": 1,
         "required": True, "role": "secondary"},
    ],
    "checklist": [{"code": "c1", "text": "申请书已签字"}, {"code": "c2", "text": "复印件与原件一致"}],
    "place": "政务服务中心一楼综合受理窗口",
    "process": "standard",
    "documents": ["acceptance_notice", "correction_notice", "return_notice", "promise_notice", "approval_decision",
                  "refusal_decision", "certificate", "reply_notice"],
    "certificate": {"title": "测试经营许可证", "numberPattern": "CS{year}{seq:05d}", "validYears": 5, "fields": [{"label": "企业名称", "pointer": "/companyName"},
                                                       {"label": "统一社会信用代码", "pointer": "/uscc"}]},
    "form": FORM,
}

JOINT: dict[str, Any] = {
    **copy.deepcopy(PERMIT),
    "code": "test-joint",
    "name": "测试建设项目联合审批",
    "department": "zjj",
    "jointDepartments": ["fgj", "hbj"],
    "category": "建设项目",
    "legalDays": 45,
    "promisedDays": 15,
    "certificate": None,
}
del JOINT["certificate"]

QUICK: dict[str, Any] = {**copy.deepcopy(PERMIT), "code": "test-quick", "name": "测试即办事项", "caseKind": "immediate",
                         "legalDays": 0, "promisedDays": 0}

GOOD_DATA = {"companyName": "连州市测试贸易有限公司", "uscc": "91310115591693856A", "contactMobile": "13800138000"}

ROLES: dict[str, tuple[str, str | None]] = {
    "app1": ("applicant", None),
    "app2": ("applicant", None),
    "agent1": ("agent", None),
    "clerk1": ("clerk", None),
    "rev-scjg": ("reviewer", "scjg"),
    "rev-zjj": ("reviewer", "zjj"),
    "rev-fgj": ("reviewer", "fgj"),
    "rev-hbj": ("reviewer", "hbj"),
    "rev-gaj": ("reviewer", "gaj"),
    "head1": ("head", None),
    "pick1": ("pickup", None),
    "sup1": ("supervisor", None),
    "config1": ("configurator", None),
    "admin1": ("admin", None),
}


def permit_with_form(code: str, form: dict[str, Any], company: str = "/companyName") -> dict[str, Any]:
    """The test permit as item ``code`` with its own ``form``, whose field ``company`` (a pointer)
    the certificate prints as 企业名称."""
    item = {**copy.deepcopy(PERMIT), "code": code, "form": form}
    item["certificate"]["fields"] = [{"label": "企业名称", "pointer": company}]
    return item


@dataclass
class Hall:
    center: Center
    other: Center
    users: dict[str, User] = field(default_factory=dict)
    tokens: dict[str, str] = field(default_factory=dict)


async def configurator(hall: "Hall") -> Actor:
    """The hall's configurator (``config1``) as the services see a signed-in user."""
    return Actor(user=hall.users["config1"], grants=await load_grants(hall.users["config1"]))


async def refused_then_published(govhall: Any, hall: "Hall", item: dict[str, Any], bad: dict[str, Any]) -> list[Any]:
    """The configurator defines ``bad`` (a wrong copy of ``item``), which is refused: its errors;
    then defines and publishes ``item``."""
    from core.plumbing.errors import UserErrorsException

    actor = await configurator(hall)
    try:
        await define_item(govhall, actor, hall.center, bad)
    except UserErrorsException as refused:
        errors = list(refused.errors)
    else:
        raise AssertionError(f"{bad['code']} was not refused")
    await define_item(govhall, actor, hall.center, item)
    await publish_item(govhall, actor, hall.center, item["code"])
    return errors


async def build_hall(govhall: Any, gql: Any, plugins: list[str] | None = None) -> Hall:
    center = await make_center(govhall.hub, code="hall", plugins=plugins or [])
    other = await make_center(govhall.hub, code="other", plugins=plugins or [])
    hall = Hall(center=center, other=other)
    for username, (role, department) in ROLES.items():
        hall.users[username] = await make_user(username, center, role, department)
    hall.users["clerk-other"] = await make_user("clerk-other", other, "clerk")
    config = await make_user("config1")
    actor = Actor(user=config, grants=await load_grants(config))
    for doc in (PERMIT, JOINT, QUICK):
        await define_item(govhall, actor, center, copy.deepcopy(doc))
        await publish_item(govhall, actor, center, doc["code"])
    # sessions straight from the accounts service: the login itself (throttle, audit) has its own tests
    for username in [*ROLES, "clerk-other"]:
        hall.tokens[username] = await issue_token(hall.users[username], settings=govhall.settings)
    return hall


CASE_FIELDS = """id number state stateLabel kind version urgent alert acceptedAt completedAt promisedDue legalDue
  deadlineProvisional availableActions item { code name version } data
  documents { kind number url title } events { seq action actor role comment fromState toState changes }
  tasks { department lead state due stateLabel partName comment basis }"""

SUBMIT = f"""mutation($center: String!, $item: String!, $data: JSON!, $behalf: String, $materials: [ID!], $dup: Boolean) {{
  submitCase(center: $center, item: $item, data: $data, onBehalfOf: $behalf, materials: $materials, allowDuplicate: $dup) {{
    __typename ... on Case {{ {CASE_FIELDS} }} ... on UserErrors {{ errors {{ path code message }} }} }} }}"""

TRANSITION = f"""mutation($id: ID!, $action: String!, $comment: String, $data: JSON, $v: Int) {{
  transitionCase(id: $id, action: $action, comment: $comment, data: $data, expectedVersion: $v) {{
    __typename ... on Case {{ {CASE_FIELDS} }} ... on UserErrors {{ errors {{ path code message }} }} }} }}"""

GET = f"query($id: ID!) {{ case(id: $id) {{ {CASE_FIELDS} }} }}"

MISSING_MAIN = "query($id: ID!) { caseMaterials(id: $id) { code role required provided } }"
RECEIVING_ACTIONS = ("accept", "finish_on_spot")
# What a decider writes when a test does not care: decisions need an opinion (意见), a refusal its
# legal basis. Pass ``comment=""`` or ``data={}`` to send none.
OPINIONS: dict[str, str] = {
    "approve": "经审查，申请材料齐全，符合法定条件，同意准予许可",
    "approve_task": "经审查，符合本部门审批条件，同意",
    "refuse": "经现场核查，经营场所不符合法定条件",
    "refuse_task": "经审查，不符合本部门审批条件",
    "return": "申请材料主件缺失，不予受理",
    "uphold_return": "经复核，维持退回决定",
}
REFUSAL_BASIS = "《中华人民共和国行政许可法》第三十八条第二款"


class CaseDriver:
    """Drives cases through GraphQL as the named users."""

    def __init__(self, gql: Any, hall: Hall) -> None:
        self.gql = gql
        self.hall = hall

    async def submit(self, user: str, item: str = "test-permit", data: dict | None = None, behalf: str | None = None,
                     center: str = "hall", materials: list[str] | None = None, allow_duplicate: bool = False) -> dict[str, Any]:
        """File a case as ``user``; ``allow_duplicate``: a confirmed further filing while the applicant has an
        open case of the item (``allowDuplicate``), as a test that needs several such cases files them."""
        result = await self.gql(SUBMIT, {"center": center, "item": item, "data": data if data is not None else dict(GOOD_DATA),
                                         "behalf": behalf, "materials": materials, "dup": allow_duplicate or None},
                                token=self.hall.tokens[user])
        return result["submitCase"]

    async def power_of_attorney(self, user: str) -> str:
        """Upload a power of attorney (委托书, catalogue code ``wts``) as ``user``; its public id."""
        pdf = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"
        response = await self.gql.http.post(
            "/materials", files={"file": ("授权委托书.pdf", pdf, "application/pdf")}, data={"catalogue": "wts"},
            headers={"Authorization": f"Bearer {self.hall.tokens[user]}"},
        )
        assert response.status_code == 201, response.text
        return str(response.json()["id"])

    async def counter_receipt(self, user: str, case: dict[str, Any]) -> list[dict[str, Any]]:
        """柜台收件 as a clerk would record it: the original of every required main material the
        applicant has not uploaded (what lets the case be accepted)."""
        slots = (await self.gql(MISSING_MAIN, {"id": case["id"]}, token=self.hall.tokens[user]))["caseMaterials"]
        return [{"material": s["code"], "form": "original", "count": 1}
                for s in slots if s["role"] == "main" and s["required"] and not s["provided"]]

    async def act(self, user: str, case: dict[str, Any], action: str, comment: str | None = None,
                  data: dict | None = None, version: int | None = None) -> dict[str, Any]:
        """Fire ``action`` as ``user``. An acceptance without ``received`` in its data gets the counter
        receipt of the missing main materials (pass ``received: []`` to record none). A decision without
        ``comment`` gets a default opinion, a refusal without ``data`` its legal basis (pass ``comment=""``
        or ``data={}`` to send none)."""
        if comment is None:
            comment = OPINIONS.get(action)
        if data is None and action in ("refuse", "refuse_task"):
            data = {"basis": REFUSAL_BASIS}
        if action in RECEIVING_ACTIONS and "received" not in (data or {}):
            try:
                receipt = await self.counter_receipt(user, case)
            except AssertionError:  # the user may not see the case: let the transition say so
                receipt = []
            data = {**(data or {}), "received": receipt}
        result = await self.gql(TRANSITION, {"id": case["id"], "action": action, "comment": comment, "data": data,
                                             "v": version}, token=self.hall.tokens[user])
        return result["transitionCase"]

    async def ok(self, user: str, case: dict[str, Any], action: str, **kw: Any) -> dict[str, Any]:
        result = await self.act(user, case, action, **kw)
        assert result["__typename"] == "Case", result
        return result

    async def get(self, user: str, case: dict[str, Any]) -> dict[str, Any]:
        return (await self.gql(GET, {"id": case["id"]}, token=self.hall.tokens[user]))["case"]

    async def query(self, user: str | None, query: str, **variables: Any) -> dict[str, Any]:
        """Any query as ``user`` (None: anonymous); fails the test on a GraphQL error."""
        return await self.gql(query, variables, token=self.hall.tokens[user] if user else None)

    async def refused(self, user: str | None, query: str, **variables: Any) -> dict[str, Any]:
        """A query that must fail with one GraphQL error; returns it."""
        body = await self.gql.raw(query, variables, token=self.hall.tokens[user] if user else None)
        (error,) = body["errors"]
        return error

    async def pdf_bytes(self, user: str, url: str) -> bytes:
        response = await self.gql.http.get(url, headers={"Authorization": f"Bearer {self.hall.tokens[user]}"})
        assert response.status_code == 200, response.text
        return response.content

    async def pdf(self, user: str, url: str) -> str:
        """A document's text as pdftotext reads it (see tests.helpers.pdf_text)."""
        return pdf_text(await self.pdf_bytes(user, url))


def codes(result: dict[str, Any]) -> list[str]:
    """The error codes of a ``UserErrors`` result (fails when it is not one)."""
    assert result["__typename"] == "UserErrors", result
    return [e["code"] for e in result["errors"]]
