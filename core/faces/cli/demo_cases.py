"""``govhall demo --cases``: a hall that has been working for a morning.

The demo's people file and move a few cases in Lianzhou through the app's own GraphQL API, as the
web front end would (in process, over ASGI): so every check, plugin guard, notice and event applies,
and the work queues, the pickup window, 我的办件, the outbox and the day's figures have something in
them. All of it happens today (the sweeper may card a case due soon). Run once: a center that
already has cases gets none.
"""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

import httpx

from core.plumbing.settings import Settings

CENTER = "lianzhou"
PASSWORD = "demo1234"
RESIDENT_ID = "11010519491231002X"
MOBILE = "13800138000"
CASE = "__typename ... on Case { id number version state stateLabel } ... on UserErrors { errors { path code message } }"
CHECKLIST = ["c01", "c02", "c03", "c04", "c05"]
RECEIVED = [{"material": "m01", "form": "original", "count": 1}]


def company(name: str, declaration: str) -> dict[str, Any]:
    """A 公司设立登记 application (decided on the spot at the front desk)."""
    due = (date.today() + timedelta(days=3 * 365)).isoformat()
    person = {"name": "张三", "idNumber": RESIDENT_ID}
    return {
        "enterpriseName": name, "nameDeclarationNo": declaration, "companyType": "有限责任公司（自然人投资或控股）",
        "address": "广东省清远市连州市连州镇中山路1号", "registeredCapital": 100, "businessScope": "一般项目：技术服务。",
        "operatingTerm": "长期", "legalRepresentative": {**person, "position": "执行公司事务的董事", "mobile": MOBILE},
        "officers": [{**person, "position": "执行董事", "appointment": "选举"}],
        "shareholders": [{**person, "holderType": "自然人", "subscribed": 100, "method": "货币", "ratio": 100, "dueDate": due}],
        "liaison": {"name": "李四", "idNumber": "440524188001010014", "mobile": MOBILE}, "phone": MOBILE,
    }


def scanned_pdf(title: str) -> bytes:
    """A sample scan: a one-page PDF 1.4 whose document title is ``title`` (the demo's uploads)."""
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] >>",
        b"<< /Title <FEFF" + title.encode("utf-16-be").hex().upper().encode() + b"> >>",
    ]
    out, offsets = bytearray(b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n"), []  # the comment marks the file as binary
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += b"%d 0 obj\n%s\nendobj\n" % (number, body)
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % o for o in offsets)
    out += b"trailer\n<< /Size %d /Root 1 0 R /Info 4 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objects) + 1, xref)
    return bytes(out)


def cancellation(name: str, uscc: str) -> dict[str, Any]:
    """A 企业注销登记 application (a promised case, decided by the market regulator's back office)."""
    return {
        "uscc": uscc, "enterpriseName": name, "cancellationType": "强制清算终结", "reason": "股东会决议解散",
        "investmentsCleared": True, "branchesCancelled": True, "taxStatus": "已清税", "licenceReturn": "缴回正本和全部副本",
        "designatedRepresentative": {"name": "张三", "idNumber": RESIDENT_ID, "mobile": MOBILE},
    }


class DemoClient:
    """GraphQL as the demo's users; any error stops the story with what went wrong."""

    def __init__(self, http: httpx.AsyncClient) -> None:
        self.http = http
        self.tokens: dict[str, str] = {}

    async def __call__(self, user: str, query: str, **variables: Any) -> dict[str, Any]:
        return await self._post(await self.token(user), query, variables)

    async def token(self, user: str) -> str:
        """``user``'s login token (signed in once)."""
        if user not in self.tokens:
            login = await self._post(None, "mutation($u: String!, $p: String!) { login(username: $u, password: $p) { "
                                           "... on LoginSuccess { token } } }", {"u": user, "p": PASSWORD})
            self.tokens[user] = login["login"]["token"]
        return self.tokens[user]

    async def _post(self, token: str | None, query: str, variables: dict[str, Any]) -> dict[str, Any]:
        headers = {"Authorization": f"Bearer {token}"} if token else {}
        body = (await self.http.post("/graphql", json={"query": query, "variables": variables}, headers=headers)).json()
        if body.get("errors"):
            raise RuntimeError(f"示例办件未能办理：{body['errors'][0].get('message')}")
        return body["data"]

    async def ok(self, user: str, query: str, field: str, **variables: Any) -> dict[str, Any]:
        result = (await self(user, query, **variables))[field]
        if result.get("__typename") == "UserErrors":
            raise RuntimeError(f"示例办件未能办理：{'；'.join(e['message'] for e in result['errors'])}")
        return result

    async def upload(self, user: str, filename: str, code: str) -> str:
        """Upload a sample scan for the item's material ``code`` as ``user`` (``POST /materials``); its id."""
        response = await self.http.post(
            "/materials", files={"file": (filename, scanned_pdf(filename.rsplit(".", 1)[0]), "application/pdf")},
            data={"code": code, "center": CENTER}, headers={"Authorization": f"Bearer {await self.token(user)}"})
        if response.status_code != 201:
            raise RuntimeError(f"示例材料未能上传：{response.text[:200]}")
        return str(response.json()["id"])

    async def submit(self, user: str, item: str, data: dict[str, Any], materials: list[str] | None = None) -> dict[str, Any]:
        query = (f"mutation($c: String!, $i: String!, $d: JSON!, $m: [ID!]) {{ submitCase(center: $c, item: $i, data: $d, "
                 f"materials: $m) {{ {CASE} }} }}")
        return await self.ok(user, query, "submitCase", c=CENTER, i=item, d=data, m=materials)

    async def act(self, user: str, case: dict[str, Any], action: str, *, comment: str | None = None,
                  data: dict[str, Any] | None = None) -> dict[str, Any]:
        query = (f"mutation($id: ID!, $a: String!, $c: String, $d: JSON) {{ transitionCase(id: $id, action: $a, comment: $c, "
                 f"data: $d) {{ {CASE} }} }}")
        return await self.ok(user, query, "transitionCase", id=case["id"], a=action, c=comment, d=data)

    async def hand_over(self, user: str, case: dict[str, Any], *, department: str | None = None, pickup: bool = False) -> str:
        query = """mutation($id: ID!, $d: String, $p: Boolean) { handOverCase(id: $id, toDepartment: $d, toPickup: $p) {
          __typename ... on HandOver { id } ... on UserErrors { errors { path code message } } } }"""
        return (await self.ok(user, query, "handOverCase", id=case["id"], d=department, p=pickup))["id"]

    async def receive(self, user: str, handover: str) -> None:
        query = "mutation($id: ID!) { receiveHandover(id: $id) { __typename ... on UserErrors { errors { path code message } } } }"
        await self.ok(user, query, "receiveHandover", id=handover)


async def story(client: DemoClient) -> list[str]:
    """The morning's cases, each left where a role will find it; returns what each one is waiting for."""
    lines = []

    async def accepted(user: str, name: str, uscc: str) -> dict[str, Any]:
        case = await client.submit(user, "scjg-qyzxdj", cancellation(name, uscc))
        await client.act("lz-clerk", case, "accept", data={"checklist": CHECKLIST, "originalsChecked": True, "received": RECEIVED})
        return case

    waiting = await client.submit("zhangsan", "scjg-gssldj", company("连州市晨光文化传播有限公司", "LZ2026001001"))
    lines.append(f"{waiting['number']} 待受理（综合窗口 lz-clerk 的工作台）")

    handed = await accepted("lisi", "连州市旧城五金有限公司", "91441882MA4W1234XN")
    await client.hand_over("lz-clerk", handed, department="scjg")
    lines.append(f"{handed['number']} 已受理，已移交市场监管局待签收（lz-scjg）")

    reviewing = await accepted("zhangsan", "连州市北湖餐饮有限公司", "91441882MA4W2345XC")
    await client.receive("lz-scjg", await client.hand_over("lz-clerk", reviewing, department="scjg"))
    lines.append(f"{reviewing['number']} 市场监管局审查中（lz-scjg）")

    approved = await accepted("lisi", "连州市湟川物流有限公司", "91441882MA4W3456X2")
    await client.receive("lz-scjg", await client.hand_over("lz-clerk", approved, department="scjg"))
    await client.act("lz-scjg", approved, "approve", comment="符合条件，准予注销登记")
    await client.hand_over("lz-scjg", approved, pickup=True)
    lines.append(f"{approved['number']} 已准予，结果已送出件窗口待签收（lz-pickup）")

    done = await accepted("zhangsan", "连州市东陂腊味有限公司", "91441882MA4W4567XP")
    await client.receive("lz-scjg", await client.hand_over("lz-clerk", done, department="scjg"))
    await client.act("lz-scjg", done, "approve", comment="符合条件，准予注销登记")
    await client.receive("lz-pickup", await client.hand_over("lz-scjg", done, pickup=True))
    await client.act("lz-pickup", done, "deliver", data={"method": "in_person", "receiver": "张三", "idNumber": RESIDENT_ID})
    rate = """mutation($id: ID!, $l: Int!, $c: String) { rateCase(id: $id, level: $l, comment: $c) { __typename
      ... on UserErrors { errors { path code message } } } }"""
    await client.ok("zhangsan", rate, "rateCase", id=done["id"], l=5, c="窗口服务热情，一次办好")
    lines.append(f"{done['number']} 已出件办结，申请人评价“非常满意”")

    # filed online with scans; the tax clearance scan has no seal: the notice names that very file,
    # which the applicant replaces (更换) on the case page
    scans = [await client.upload("lisi", "注销登记申请书.pdf", "m01"), await client.upload("lisi", "清税证明.pdf", "m05")]
    short = await client.submit("lisi", "scjg-qyzxdj", cancellation("连州市保安果蔬有限公司", "91441882MA4W5678XD"), scans)
    await client.act("lz-clerk", short, "request_materials", comment="清税证明未加盖税务机关印章",
                     data={"missing": [{"name": "清税证明（加盖税务机关印章）", "reason": "上传的清税证明未加盖税务机关印章",
                                        "file": scans[1]}]})
    lines.append(f"{short['number']} 已一次性告知补齐材料：窗口指出清税证明.pdf 未加盖印章，待申请人更换（lisi 的我的办件）")
    return lines


async def file_sample_cases(settings: Settings | None = None) -> list[str]:
    """Run the story on the configured database (already holding the demo) through the app."""
    from core.faces.app import create_app
    from core.plumbing.models import Case, Center

    settings = settings or Settings.from_env(sweep_seconds=0, outbox_seconds=0, render_seconds=0, log_requests=False)
    app = create_app(settings)
    async with app.router.lifespan_context(app):
        center = await Center.get_or_none(code=CENTER)
        if center is None:
            return []
        if await Case.filter(center_id=center.id).exists():
            return [f"{CENTER}：已有办件，未再添加示例办件"]
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://demo") as http:
            lines = await story(DemoClient(http))
    return [f"{CENTER}：示例办件 {len(lines)} 件（今天办理）", *(f"  {line}" for line in lines)]
