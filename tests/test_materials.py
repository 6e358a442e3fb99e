"""Materials: uploads stored by content hash, checked by their real type, listed against the item's
material list, reused by a later case without uploading again (材料共享), downloaded with the case's
permissions."""

from __future__ import annotations

import asyncio
import hashlib
import io
import struct
import zipfile
import zlib
from typing import Any

import pytest

from core.services import materials
from core.plumbing.models import Blob, Case, CaseEvent, Material
from core.faces.cli.demo_cases import scanned_pdf
from tests.hall import GOOD_DATA, build_hall

pytestmark = pytest.mark.anyio


def make_pdf(text: str = "申请书") -> bytes:
    """A minimal valid PDF 1.4: one empty page, a correct xref table (the demo's sample scan)."""
    return scanned_pdf(text)


def make_png() -> bytes:
    """A 2x2 RGB PNG."""
    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))

    raw = b"".join(b"\x00" + b"\xc0\x17\x1d" * 2 for _ in range(2))
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", 2, 2, 8, 2, 0, 0, 0))
            + chunk(b"IDAT", zlib.compress(raw)) + chunk(b"IEND", b""))


def make_zip(names: list[str]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as package:
        for name in names:
            package.writestr(name, "<ofd:OFD xmlns:ofd=\"http://www.ofdspec.org/2016\"/>")
    return buffer.getvalue()


PDF = make_pdf()
PNG = make_png()

SUBMIT = """mutation($item: String!, $data: JSON!, $materials: [ID!], $behalf: String, $dup: Boolean) {
  submitCase(center: "hall", item: $item, data: $data, materials: $materials, onBehalfOf: $behalf, allowDuplicate: $dup) {
    __typename ... on Case { id state version } ... on UserErrors { errors { path code message } } } }"""
SLOTS = "code name role required listed provided files { id code filename size sha256 contentType url }"
SLOT_FILE = "id code catalogue filename size sha256 contentType url"
CASE_MATERIALS = f"query($id: ID!) {{ caseMaterials(id: $id) {{ {SLOTS} }} }}"
ATTACH = f"""mutation($id: ID!, $materials: [ID!]!) {{ attachMaterials(id: $id, materials: $materials) {{
  __typename ... on CaseMaterials {{ caseId slots {{ {SLOTS} }} }} ... on UserErrors {{ errors {{ path code message }} }} }} }}"""
MINE = "query { myMaterials { id code filename size sha256 contentType url } }"


@pytest.fixture
async def hall(govhall, gql):
    return await build_hall(govhall, gql)


async def upload(client, token: str | None, content: bytes, filename: str = "申请书.pdf",
                 declared: str = "application/pdf", code: str | None = "m1") -> Any:
    headers = {"Authorization": f"Bearer {token}"} if token else {}
    data = {"code": code} if code is not None else {}
    return await client.post("/materials", files={"file": (filename, content, declared)}, data=data, headers=headers)


async def uploaded(client, token: str, content: bytes = PDF, **kw: Any) -> dict[str, Any]:
    response = await upload(client, token, content, **kw)
    assert response.status_code == 201, response.text
    return response.json()


async def submit(gql, hall, user: str, ids: list[int] | None, behalf: str | None = None,
                 allow_duplicate: bool = False) -> dict[str, Any]:
    variables = {"item": "test-permit", "data": dict(GOOD_DATA), "materials": ids, "behalf": behalf, "dup": allow_duplicate or None}
    return (await gql(SUBMIT, variables, token=hall.tokens[user]))["submitCase"]


def by_code(slots: list[dict[str, Any]]) -> dict[str, dict[str, Any]]:
    return {s["code"]: s for s in slots}


# --- uploading ------------------------------------------------------------------------------------


async def test_upload_stores_each_content_once(client, hall):
    pdf = await uploaded(client, hall.tokens["app1"])
    assert pdf["sha256"] == hashlib.sha256(PDF).hexdigest()
    assert (pdf["size"], pdf["contentType"], pdf["filename"], pdf["code"]) == (len(PDF), "application/pdf", "申请书.pdf", "m1")
    assert pdf["url"] == f"/materials/{pdf['id']}"
    png = await uploaded(client, hall.tokens["app1"], PNG, filename="..\\..\\营业执照.png", declared="image/png", code=None)
    assert (png["contentType"], png["filename"], png["code"]) == ("image/png", "营业执照.png", "")
    # the same bytes again, by someone else and declared as something else: one blob, two materials
    again = await uploaded(client, hall.tokens["app2"], PDF, filename="copy.bin", declared="application/octet-stream")
    assert again["sha256"] == pdf["sha256"] and again["id"] != pdf["id"]
    assert await Blob.all().count() == 2
    assert await Material.filter(blob__sha256=pdf["sha256"]).count() == 2
    assert {m.owner_id for m in await Material.filter(blob__sha256=pdf["sha256"])} == {hall.users["app1"].id, hall.users["app2"].id}
    assert await Material.filter(case_id=None).count() == 3


async def test_real_type_is_sniffed_whatever_was_declared(client, hall):
    token = hall.tokens["app1"]
    for content in (b"MZ\x90\x00\x03\x00\x00\x00" + bytes(100), "这是一段纯文本，不是PDF".encode(), b"<html><script>alert(1)</script>",
                    make_zip(["word/document.xml"])):
        response = await upload(client, token, content, filename="申请书.pdf", declared="application/pdf")
        assert response.status_code == 415, response.text
        (error,) = response.json()["errors"]
        assert error["code"] == "unsupported_type" and error["path"] == "/file" and "PDF" in error["message"]
    assert await Blob.all().count() == 0 and await Material.all().count() == 0
    # an iPhone photo (HEIC), whatever it is called: refused with the way to send one we take
    for brand in (b"heic", b"mif1"):
        heic = b"\x00\x00\x00\x18ftyp" + brand + b"\x00\x00\x00\x00mif1heic" + bytes(64)
        response = await upload(client, token, heic, filename="IMG_0001.HEIC", declared="image/heic")
        assert response.status_code == 415, response.text
        (error,) = response.json()["errors"]
        assert error["code"] == "unsupported_type" and error["path"] == "/file", error
        assert "HEIC" in error["message"] and "设置→相机→格式" in error["message"] and "兼容性最佳" in error["message"], error
        assert "截图后上传截图" in error["message"], error
    assert await Blob.all().count() == 0
    accepted = {
        "image/jpeg": b"\xff\xd8\xff\xe0\x00\x10JFIF\x00" + bytes(32),
        "image/tiff": b"II*\x00\x08\x00\x00\x00" + bytes(32),
        "application/ofd": make_zip(["OFD.xml", "Doc_0/Document.xml"]),
    }
    for kind, content in accepted.items():
        assert (await uploaded(client, token, content, filename="scan", declared="text/plain"))["contentType"] == kind
    assert (await uploaded(client, token, b"MM\x00*" + bytes(16), filename="scan.tif"))["contentType"] == "image/tiff"


async def test_size_login_and_form_are_checked(client, hall, monkeypatch):
    token = hall.tokens["app1"]
    monkeypatch.setattr(materials, "MAX_BYTES", 1024)
    big = PDF + b"%" + b"x" * 2048 + b"\n"
    response = await upload(client, token, big)
    assert response.status_code == 413
    (error,) = response.json()["errors"]
    assert error["code"] == "too_large" and error["path"] == "/file" and "MB" in error["message"]
    assert response.status_code == 413
    monkeypatch.setattr(materials, "MAX_BYTES", 1024 * 1024)
    small = await upload(client, token, big)
    assert small.status_code == 201
    anonymous = await upload(client, None, PDF)
    assert anonymous.status_code == 401 and anonymous.json()["errors"][0]["message"].startswith("请先登录")
    expired = await upload(client, "not-a-token", PDF)
    assert expired.status_code == 401
    empty = await upload(client, token, b"")
    assert empty.status_code == 400 and empty.json()["errors"][0]["code"] == "empty"
    raw = await client.post("/materials", content=PDF, headers={"Authorization": f"Bearer {token}", "Content-Type": "application/pdf"})
    assert raw.status_code == 400 and "multipart" in raw.json()["errors"][0]["message"]
    missing = await client.post("/materials", data={"code": "m1"}, files={"other": ("a.pdf", PDF)},
                                headers={"Authorization": f"Bearer {token}"})
    assert missing.status_code == 400 and missing.json()["errors"][0]["path"] == "/file"
    assert await Material.all().count() == 1


async def test_concurrent_uploads_of_the_same_bytes_share_one_blob(hall):
    from core.services.accounts import Actor

    content = make_pdf("并发")
    actors = [Actor(user=hall.users[name]) for name in ("app1", "app2", "agent1", "app1")]
    rows = await asyncio.gather(*(materials.store_upload(a, content, "同一文件.pdf", "m1") for a in actors))
    assert len({r.id for r in rows}) == 4 and len({r.blob_id for r in rows}) == 1
    assert await Blob.filter(sha256=hashlib.sha256(content).hexdigest()).count() == 1


# --- cases ----------------------------------------------------------------------------------------


async def test_case_lists_materials_against_the_item(client, gql, hall):
    main = await uploaded(client, hall.tokens["app1"], code="m1")
    extra = await uploaded(client, hall.tokens["app1"], PNG, filename="现场照片.png", code=None)
    case = await submit(gql, hall, "app1", [main["id"], extra["id"]])
    assert case["__typename"] == "Case", case
    slots = (await gql(CASE_MATERIALS, {"id": case["id"]}, token=hall.tokens["app1"]))["caseMaterials"]
    assert [s["code"] for s in slots] == ["m1", "m2", ""]
    m1, m2, photo = slots
    assert (m1["name"], m1["role"], m1["required"], m1["listed"], m1["provided"]) == ("申请书", "main", True, True, True)
    assert m1["files"] == [{"id": main["id"], "code": "m1", "filename": "申请书.pdf", "size": len(PDF),
                            "sha256": main["sha256"], "contentType": "application/pdf", "url": main["url"]}]
    assert (m2["role"], m2["required"], m2["provided"], m2["files"]) == ("secondary", True, False, [])
    assert (photo["listed"], photo["provided"], photo["role"]) == (False, True, None)
    assert "其他材料" in photo["name"]
    # the clerk sees the same list; another applicant may not
    clerk = (await gql(CASE_MATERIALS, {"id": case["id"]}, token=hall.tokens["clerk1"]))["caseMaterials"]
    assert clerk == slots
    denied = await gql.raw(CASE_MATERIALS, {"id": case["id"]}, token=hall.tokens["app2"])
    assert denied["errors"][0]["extensions"]["code"] == "FORBIDDEN"


async def test_a_material_code_the_item_does_not_list_is_refused_by_name(client, gql, hall):
    """An upload meant for a slot the item has not (``m99``) is refused with the code and the item's
    list, at the material, and nothing is filed; also when added to a filed case."""
    main = await uploaded(client, hall.tokens["app1"], code="m1")
    stray = await uploaded(client, hall.tokens["app1"], PNG, filename="附件.png", code="m99")
    refused = await submit(gql, hall, "app1", [main["id"], stray["id"]])
    assert [(e["code"], e["path"]) for e in refused["errors"]] == [("material.unknown_code", "/materials/1")]
    assert refused["errors"][0]["message"] == (
        "第2份材料的材料编码“m99”不在本事项的申请材料清单中（清单：m1 申请书、m2 营业执照复印件），请按清单重新上传")
    assert await Case.all().count() == 0
    assert await Material.filter(case_id__not_isnull=True).count() == 0
    case = await submit(gql, hall, "app1", [main["id"]])
    assert case["__typename"] == "Case", case
    later = (await gql(ATTACH, {"id": case["id"], "materials": [stray["id"]]}, token=hall.tokens["app1"]))["attachMaterials"]
    assert [(e["code"], e["path"]) for e in later["errors"]] == [("material.unknown_code", "/materials/0")]
    slots = (await gql(CASE_MATERIALS, {"id": case["id"]}, token=hall.tokens["app1"]))["caseMaterials"]
    assert [s["code"] for s in slots] == ["m1", "m2"]


async def test_a_bad_form_and_a_stray_material_are_told_in_one_answer(client, gql, hall):
    """一次性告知: a submission whose form has errors also hears what is wrong with its uploads
    (a code the item does not list, an id that is not the applicant's), not on a second try."""
    stray = await uploaded(client, hall.tokens["app1"], PNG, filename="附件.png", code="m99")
    others = await uploaded(client, hall.tokens["app2"], code="m1")
    data = {**GOOD_DATA, "uscc": "123"}
    refused = (await gql(SUBMIT, {"item": "test-permit", "data": data, "materials": [stray["id"], others["id"]], "behalf": None},
                         token=hall.tokens["app1"]))["submitCase"]
    found = {(e["code"], e["path"]) for e in refused["errors"]}
    assert ("material.unknown", "/materials/1") in found, found
    assert any(path == "/uscc" for _, path in found), found
    refused = (await gql(SUBMIT, {"item": "test-permit", "data": data, "materials": [stray["id"]], "behalf": None},
                         token=hall.tokens["app1"]))["submitCase"]
    found = {(e["code"], e["path"]) for e in refused["errors"]}
    assert ("material.unknown_code", "/materials/0") in found and any(path == "/uscc" for _, path in found), found
    assert await Case.all().count() == 0


async def test_a_later_case_reuses_an_earlier_material(client, gql, hall):
    first_upload = await uploaded(client, hall.tokens["app1"], PNG, filename="营业执照.png", code="m2")
    first = await submit(gql, hall, "app1", [first_upload["id"]])
    mine = (await gql(MINE, token=hall.tokens["app1"]))["myMaterials"]
    assert [m["id"] for m in mine] == [first_upload["id"]]
    second = await submit(gql, hall, "app1", [mine[0]["id"]], allow_duplicate=True)  # no new upload: 材料共享
    assert second["__typename"] == "Case", second
    rows = await Material.filter(blob__sha256=first_upload["sha256"]).order_by("id")
    assert [r.case_id for r in rows] == [int(first["id"]), int(second["id"])]
    assert rows[0].blob_id == rows[1].blob_id and rows[1].owner_id == hall.users["app1"].id
    assert [r.catalogue for r in rows] == ["yyzz", "yyzz"]  # what it is, taken from the item's list
    assert await Blob.all().count() == 1
    slots = by_code((await gql(CASE_MATERIALS, {"id": second["id"]}, token=hall.tokens["app1"]))["caseMaterials"])
    assert slots["m2"]["provided"] and slots["m2"]["files"][0]["id"] == rows[1].public_id
    assert slots["m2"]["files"][0]["sha256"] == first_upload["sha256"]
    first_slots = by_code((await gql(CASE_MATERIALS, {"id": first["id"]}, token=hall.tokens["app1"]))["caseMaterials"])
    assert first_slots["m2"]["files"][0]["id"] == first_upload["id"]
    # still one entry per file and catalogue code in the applicant's library
    assert [m["sha256"] for m in (await gql(MINE, token=hall.tokens["app1"]))["myMaterials"]] == [first_upload["sha256"]]


async def test_another_applicants_material_cannot_be_attached(client, gql, hall):
    theirs = await uploaded(client, hall.tokens["app1"])
    own = await uploaded(client, hall.tokens["app2"], PNG, code="m2")
    result = await submit(gql, hall, "app2", [own["id"], theirs["id"], "999999", own["id"]])
    assert result["__typename"] == "UserErrors"
    errors = {e["path"]: e for e in result["errors"]}
    assert set(errors) == {"/materials/1", "/materials/2", "/materials/3"}
    assert errors["/materials/1"]["code"] == "material.unknown" and "不属于申请人" in errors["/materials/1"]["message"]
    # a foreign id and an unknown one get the same answer
    assert errors["/materials/2"]["code"] == "material.unknown"
    assert errors["/materials/1"]["message"].replace("第2份", "") == errors["/materials/2"]["message"].replace("第3份", "")
    assert errors["/materials/3"]["code"] == "material.duplicate"
    alone = await submit(gql, hall, "app2", [theirs["id"]])
    assert [(e["path"], e["code"]) for e in alone["errors"]] == [("/materials/0", "material.unknown")]
    assert await Case.all().count() == 0  # nothing was filed
    assert await Material.filter(case_id__not_isnull=True).count() == 0


async def test_an_agent_attaches_what_they_uploaded(client, gql, hall):
    upload_ = await uploaded(client, hall.tokens["agent1"])
    attorney = await uploaded(client, hall.tokens["agent1"], make_pdf("授权委托书"), filename="委托书.pdf", code="")
    assert (await submit(gql, hall, "agent1", [upload_["id"]], behalf="app1"))["errors"][0]["code"] == "agency.required"
    power = await client.post("/materials", files={"file": ("委托书.pdf", make_pdf("委托"), "application/pdf")},
                              data={"catalogue": "wts"}, headers={"Authorization": f"Bearer {hall.tokens['agent1']}"})
    assert power.status_code == 201 and power.json()["catalogue"] == "wts"
    assert attorney["catalogue"] == ""
    case = await submit(gql, hall, "agent1", [upload_["id"], power.json()["id"]], behalf="app1")
    assert case["__typename"] == "Case", case
    slots = by_code((await gql(CASE_MATERIALS, {"id": case["id"]}, token=hall.tokens["app1"]))["caseMaterials"])
    assert slots["m1"]["provided"]
    seen = await client.get(f"/materials/{upload_['id']}", headers={"Authorization": f"Bearer {hall.tokens['app1']}"})
    assert seen.status_code == 200 and seen.content == PDF
    # the applicant may not pick the agent's other files; the agent may add the applicant's own
    for_someone_else = await uploaded(client, hall.tokens["agent1"], PNG, code="m2")
    refused = (await gql(ATTACH, {"id": case["id"], "materials": [for_someone_else["id"]]}, token=hall.tokens["app1"]))
    assert [(e["path"], e["code"]) for e in refused["attachMaterials"]["errors"]] == [("/materials/0", "material.unknown")]
    own = await uploaded(client, hall.tokens["app1"], PNG, filename="营业执照.png", code="m2")
    added = (await gql(ATTACH, {"id": case["id"], "materials": [own["id"]]}, token=hall.tokens["agent1"]))["attachMaterials"]
    assert [s["provided"] for s in added["slots"]] == [True, True, True]  # m1, m2 and the power of attorney
    event = await CaseEvent.filter(case_id=int(case["id"])).order_by("-seq").first()
    assert (event.action, event.role) == ("attach_materials", "agent")


async def test_attach_materials_while_at_the_front_desk(client, gql, hall):
    case = await submit(gql, hall, "app1", None)
    m1 = await uploaded(client, hall.tokens["app1"], code="m1")
    result = (await gql(ATTACH, {"id": case["id"], "materials": [m1["id"]]}, token=hall.tokens["app1"]))["attachMaterials"]
    assert result["__typename"] == "CaseMaterials" and result["caseId"] == case["id"]
    assert [s["provided"] for s in result["slots"]] == [True, False]
    event = await CaseEvent.filter(case_id=int(case["id"])).order_by("-seq").first()
    assert (event.action, event.seq, event.role) == ("attach_materials", 2, "applicant")
    assert event.changes["materials"][0]["id"] == m1["id"]
    assert (await Case.get(id=int(case["id"]))).version == 2
    # refused at the case's id, as replaceMaterial and withdrawMaterial are: the clerk, another applicant, no such case
    clerk = (await gql(ATTACH, {"id": case["id"], "materials": [m1["id"]]}, token=hall.tokens["clerk1"]))["attachMaterials"]
    assert [(e["code"], e["path"]) for e in clerk["errors"]] == [("forbidden", "/id")]
    assert "申请人或代办人" in clerk["errors"][0]["message"]
    stranger = (await gql(ATTACH, {"id": case["id"], "materials": []}, token=hall.tokens["app2"]))["attachMaterials"]
    assert [(e["code"], e["path"]) for e in stranger["errors"]] == [("forbidden", "/id")]
    nowhere = (await gql(ATTACH, {"id": "999999", "materials": [m1["id"]]}, token=hall.tokens["app1"]))["attachMaterials"]
    assert [(e["code"], e["path"]) for e in nowhere["errors"]] == [("not_found", "/id")]
    # asked for corrections: the applicant supplies the missing secondary material
    request = """mutation($id: ID!, $data: JSON) { transitionCase(id: $id, action: "request_materials", data: $data) {
      __typename ... on Case { state } } }"""
    missing = {"missing": [{"name": "营业执照复印件", "reason": "未提供"}]}
    moved = await gql(request, {"id": case["id"], "data": missing}, token=hall.tokens["clerk1"])
    assert moved["transitionCase"]["state"] == "supplementing"
    m2 = await uploaded(client, hall.tokens["app1"], PNG, code="m2")
    result = (await gql(ATTACH, {"id": case["id"], "materials": [m2["id"]]}, token=hall.tokens["app1"]))["attachMaterials"]
    assert [s["provided"] for s in result["slots"]] == [True, True]
    # supplied, the case is back at the front desk; once accepted (under review), the list is closed
    supply = 'mutation($id: ID!) { transitionCase(id: $id, action: "supply") { __typename ... on Case { state } } }'
    assert (await gql(supply, {"id": case["id"]}, token=hall.tokens["app1"]))["transitionCase"]["state"] == "supplied"
    accept = 'mutation($id: ID!) { transitionCase(id: $id, action: "accept") { __typename ... on Case { state } } }'
    assert (await gql(accept, {"id": case["id"]}, token=hall.tokens["clerk1"]))["transitionCase"]["state"] == "under_review"
    late = (await gql(ATTACH, {"id": case["id"], "materials": [m1["id"]]}, token=hall.tokens["app1"]))["attachMaterials"]
    assert [(e["code"], e["path"]) for e in late["errors"]] == [("state", "/id")] and "不能再补充材料" in late["errors"][0]["message"]


# --- downloading ----------------------------------------------------------------------------------


async def test_download_follows_the_case_permissions(client, gql, hall):
    m1 = await uploaded(client, hall.tokens["app1"])
    loose = await uploaded(client, hall.tokens["app1"], PNG, code="m2")
    url = m1["url"]

    def bearer(user: str) -> dict[str, str]:
        return {"Authorization": f"Bearer {hall.tokens[user]}"}

    own = await client.get(url, headers=bearer("app1"))
    assert own.status_code == 200 and own.content == PDF
    assert own.headers["content-type"] == "application/pdf" and own.headers["x-content-type-options"] == "nosniff"
    assert "filename*=UTF-8''%E7%94%B3%E8%AF%B7%E4%B9%A6.pdf" in own.headers["content-disposition"]
    in_url = await client.get(url, params={"token": hall.tokens["app1"]})  # tokens never travel in URLs
    assert in_url.status_code == 400 and in_url.json()["errors"][0]["code"] == "token_in_url"
    assert (await client.get(url, headers=bearer("clerk1"))).status_code == 404  # not attached to any case yet
    await submit(gql, hall, "app1", [m1["id"]])
    clerk = await client.get(url, headers=bearer("clerk1"))
    assert clerk.status_code == 200 and clerk.content == PDF
    assert (await client.get(url, headers=bearer("rev-scjg"))).status_code == 200
    other = await client.get(url, headers=bearer("app2"))
    assert other.status_code == 403 and other.json()["errors"][0]["message"] == "无权查看该材料"
    assert (await client.get(url, headers=bearer("clerk-other"))).status_code == 403
    assert (await client.get(url)).status_code == 401
    assert (await client.get(loose["url"], headers=bearer("app2"))).status_code == 404
    assert (await client.get("/materials/999999", headers=bearer("app1"))).status_code == 404
    assert (await client.get("/materials/1", headers=bearer("app1"))).status_code == 404  # integer keys are not ids
