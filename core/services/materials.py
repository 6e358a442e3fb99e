"""Application materials (申请材料): uploads stored once by content hash, attached to cases,
listed against the item's material list, and reused by later cases (材料共享, the enterprise service sub-center's rules).

A :class:`~core.plumbing.models.Blob` holds the bytes, one row per SHA-256 whoever uploads them. A
:class:`~core.plumbing.models.Material` is one person's file: ``case`` is null until it is attached. Attaching
a material that already belongs to an earlier case makes a new row on the same blob for the new case,
so nothing is uploaded twice. Reuse goes by what the material is — its catalogue code (营业执照
``yyzz``), see :mod:`core.services.catalogue` — never by the slot code another item's list gave it.

Clients see a material's random ``public_id``, never its integer key (ids cannot be walked).

A file replaced or withdrawn during a correction (补正, :mod:`core.services.material_changes`) keeps
its row on the case (``withdrawn_at`` set) and is listed as the slot's ``history``; it no longer
counts: not as provided, not among the files a new attachment is compared with, and not for reuse:
it is neither offered (:func:`reusable_materials`) nor attached by its id, to its own case or another
(``material.withdrawn``); nor may its very content come back to the slot it left in its case.
"""

from __future__ import annotations

import hashlib
import io
import re
import zipfile
from collections.abc import Collection, Sequence
from typing import Any

from tortoise.exceptions import IntegrityError
from tortoise.transactions import in_transaction

from core.services.accounts import Actor
from core.services.catalogue import POWER_OF_ATTORNEY, catalogue, slot_for
from core.services.notice_names import entry_material
from core.plumbing.errors import UserError, UserErrorsException
from core.plumbing.models import Blob, Case, CaseEvent, Material, User

MAX_BYTES = 20 * 1024 * 1024
MAX_ATTACH = 100
ALLOWED_TYPES: dict[str, str] = {
    "application/pdf": "PDF",
    "image/jpeg": "JPEG 图片",
    "image/png": "PNG 图片",
    "image/tiff": "TIFF 图片",
    "application/ofd": "OFD 版式文件",
}
EXTENSIONS = {"application/pdf": "pdf", "image/jpeg": "jpg", "image/png": "png", "image/tiff": "tif",
              "application/ofd": "ofd"}
CORRECTING_STATES = ("supplementing", "supplied")
"""A one-time notice (一次性告知) was sent and the case awaits, or has brought, the correction."""
SUPPLY_ACTIONS = ("attach_materials", "replace_material", "withdraw_material")
"""Audit events that change a case's files: any of them since the one-time notice is something supplied."""
_UNSAFE = re.compile(r"[\x00-\x1f\x7f\"<>|:*?\u202a-\u202e\u2066-\u2069]")  # and text-direction overrides


def sniff(content: bytes) -> str | None:
    """The real type of ``content`` from its first bytes, or None when it is none we accept.

    An OFD file is a zip package (GB/T 33190) whose root holds ``OFD.xml``; other zips are refused."""
    if content.startswith(b"%PDF-"):
        return "application/pdf"
    if content.startswith(b"\xff\xd8\xff"):
        return "image/jpeg"
    if content.startswith(b"\x89PNG\r\n\x1a\n"):
        return "image/png"
    if content.startswith((b"II*\x00", b"MM\x00*")):
        return "image/tiff"
    if content.startswith(b"PK\x03\x04") and _is_ofd(content):
        return "application/ofd"
    return None


HEIF_BRANDS = frozenset({b"heic", b"heix", b"hevc", b"hevx", b"heim", b"heis", b"mif1", b"msf1"})
"""The ``ftyp`` brands of HEIF/HEIC photos (an iPhone's camera default): refused with the way round."""
HEIC_REMEDY = "在iPhone“设置→相机→格式”中选择“兼容性最佳”后重新拍照，或截图后上传截图"


def is_heic(content: bytes) -> bool:
    """An ISO base media file whose brand is a HEIF image's (``ftyp`` box first)."""
    return content[4:8] == b"ftyp" and content[8:12] in HEIF_BRANDS


def _is_ofd(content: bytes) -> bool:
    try:
        with zipfile.ZipFile(io.BytesIO(content)) as package:
            return any(name.lower() == "ofd.xml" for name in package.namelist())
    except (zipfile.BadZipFile, ValueError, OSError):
        return False


def clean_filename(filename: str, content_type: str) -> str:
    """The last path component, without control, shell-special or text-direction characters (a
    printed name reads as typed), at most 200 characters."""
    name = _UNSAFE.sub("", re.split(r"[\\/]", filename or "")[-1]).strip(" .")
    if not name:
        name = f"材料.{EXTENSIONS[content_type]}"
    return name[-200:]


def check_upload(content: bytes, code: str, catalogue_code: str = "") -> str:
    """The sniffed content type; every problem of the upload at once otherwise."""
    if len(content) > MAX_BYTES:
        raise UserErrorsException.single(
            "too_large", f"文件过大：单个材料不能超过 {MAX_BYTES / 1024 / 1024:g} MB，请压缩或分拆后上传", "/file"
        )
    if not content:
        raise UserErrorsException.single("empty", "文件为空，请重新选择要上传的材料", "/file")
    content_type = sniff(content)
    errors = []
    if content_type is None:
        names = "、".join(ALLOWED_TYPES.values())
        if is_heic(content):  # what a phone's photo library sends by default: say how to send one we take
            message = f"不支持HEIC格式的照片（苹果手机默认的拍照格式）：请{HEIC_REMEDY}；材料只能是 {names}"
        else:
            message = f"不支持的文件类型：材料只能是 {names}（按文件内容判断，不看扩展名）"
        errors.append(UserError("unsupported_type", message, "/file"))
    if len(code) > 64:
        errors.append(UserError("too_long", "材料编码不能超过64个字符", "/code"))
    if catalogue_code and catalogue_code not in catalogue():
        errors.append(UserError("unknown_catalogue", f"材料目录中没有编码“{catalogue_code[:64]}”", "/catalogue"))
    if errors:
        raise UserErrorsException(errors)
    assert content_type is not None
    return content_type


async def blob_for(content: bytes, content_type: str) -> Blob:
    """The blob of these bytes, created on first sight; a concurrent twin loses the unique race."""
    digest = hashlib.sha256(content).hexdigest()
    fields = ("id", "sha256", "size", "content_type")
    found = await Blob.filter(sha256=digest).only(*fields).first()
    if found is not None:
        return found
    try:
        async with in_transaction():
            return await Blob.create(sha256=digest, size=len(content), content_type=content_type, content=content)
    except IntegrityError:
        return await Blob.filter(sha256=digest).only(*fields).get()


async def store_upload(actor: Actor, content: bytes, filename: str, code: str = "", catalogue_code: str = "") -> Material:
    """Store an upload for the logged-in caller: a new Material (no case yet) on a shared Blob.
    ``code`` is the slot of the item it is meant for, ``catalogue_code`` what it is (optional)."""
    user = actor.require_login()
    code, catalogue_code = (code or "").strip(), (catalogue_code or "").strip()
    content_type = check_upload(content, code, catalogue_code)
    blob = await blob_for(content, content_type)
    material = await Material.create(owner_id=user.id, blob_id=blob.id, code=code, catalogue=catalogue_code,
                                     filename=clean_filename(filename, content_type))
    material.blob = blob
    return material


# --- attaching ------------------------------------------------------------------------------------


UNKNOWN_MATERIAL = "第{n}份材料不存在或不属于申请人，请重新上传"
UNLISTED_CODE = "第{n}份材料的材料编码“{code}”不在本事项的申请材料清单中（清单：{listed}），请按清单重新上传"


async def owned_materials(
    material_ids: Sequence[str], owners: Collection[int], *, case_id: int | None = None
) -> list[Material]:
    """The materials behind these public ids, each owned by one of ``owners``. An id that is
    unknown and one that belongs to somebody else get the same error (nothing tells them apart).
    A file replaced or withdrawn during a correction is refused (``material.withdrawn``) for its
    own case (``case_id``, the case being attached to) as for any other: it is not offered for
    reuse either (:func:`reusable_materials`). Every refused id is reported at once, path
    ``/materials/<i>``."""
    if len(material_ids) > MAX_ATTACH:
        raise UserErrorsException.single("too_many", f"一次最多附加{MAX_ATTACH}份材料", "/materials")
    keys = [str(k) for k in material_ids]
    rows = {m.public_id: m for m in await Material.filter(public_id__in=keys, owner_id__in=list(owners))}
    taken_back = {m.case_id for m in rows.values() if m.withdrawn_at is not None}  # type: ignore[attr-defined]
    numbers = dict(await Case.filter(id__in=list(taken_back)).values_list("id", "number")) if taken_back else {}
    errors, seen = [], set()
    for i, key in enumerate(keys):
        if key not in rows:
            errors.append(UserError("material.unknown", UNKNOWN_MATERIAL.format(n=i + 1), f"/materials/{i}"))
        elif key in seen:
            errors.append(UserError("material.duplicate", f"第{i + 1}份材料重复提交", f"/materials/{i}"))
        elif rows[key].withdrawn_at is not None:
            errors.append(UserError("material.withdrawn", _taken_back(i, rows[key], numbers, case_id), f"/materials/{i}"))
        seen.add(key)
    if errors:
        raise UserErrorsException(errors)
    return [rows[k] for k in keys]


def _taken_back(i: int, material: Material, numbers: dict[int, str], case_id: int | None) -> str:
    """Why the i-th file, replaced or withdrawn during a correction, cannot be attached."""
    what = f"第{i + 1}份材料“{material.filename}”"
    done = "被替换" if material.replaced_by_id else "撤回"  # type: ignore[attr-defined]
    if material.case_id == case_id:  # type: ignore[attr-defined]
        return f"{what}已在本办件补正时{done}，不再计入，不能再次提交；请上传更正后的文件"
    number = numbers.get(material.case_id, "")  # type: ignore[attr-defined]
    return f"{what}已在办件{number}补正时{done}，不再用于材料共享；如仍需使用，请重新上传"


def withdrawn_twin_problem(twin: Material, what: str) -> str:
    """Why a file with the very content of ``twin`` (replaced or withdrawn from this case during a
    correction, in the slot the new one would take) cannot be attached there: ``what`` names it."""
    done = "被替换" if twin.replaced_by_id else "撤回"  # type: ignore[attr-defined]
    return f"{what}与本办件补正时已{done}的“{twin.filename}”内容完全相同，不能再作为该项材料提交；请上传更正后的文件"


async def withdrawn_twin(case: Case, blob_id: int, code: str) -> Material | None:
    """The file with this content that ``case`` had in slot ``code`` and replaced or withdrawn, if
    none with it counts there now: attaching the same content there again would undo the correction."""
    rows = await Material.filter(case_id=case.id, blob_id=blob_id, code=code).order_by("id")
    if any(m.withdrawn_at is None for m in rows):
        return None
    return rows[-1] if rows else None


def place(definition: dict[str, Any], material: Material) -> tuple[str, str]:
    """The (slot code, catalogue code) a material takes in a case of this item.

    A fresh upload (no case yet) keeps the slot it was uploaded for when this item lists it; any
    material whose catalogue code the item lists takes that material's slot (材料共享 across
    items); otherwise a fresh upload keeps its code (:func:`refuse_unlisted` refuses it unless empty:
    an extra, 其他材料) and a reused one has none."""
    listed = {m["code"]: m for m in definition.get("materials", [])}
    fresh = material.case_id is None  # type: ignore[attr-defined]
    if fresh and material.code in listed:
        return material.code, listed[material.code].get("catalogue") or material.catalogue
    slot = slot_for(definition, material.catalogue)
    if slot is not None:
        return slot["code"], material.catalogue
    return (material.code if fresh else ""), material.catalogue


def is_power_of_attorney(definition: dict[str, Any], material: Material) -> bool:
    """A 授权委托书: by its own catalogue code, or the slot it takes in this item."""
    code, catalogue_code = place(definition, material)
    listed = {m["code"]: m for m in definition.get("materials", [])}
    return POWER_OF_ATTORNEY in (catalogue_code, listed.get(code, {}).get("catalogue"))


async def attach_materials(
    owner: User, case: Case, material_ids: Sequence[str], *, owners: Collection[int] | None = None
) -> list[Material]:
    """Attach the owner's materials to ``case`` (call inside the case's transaction).

    A material must belong to ``owner``, the case's applicant or its agent (or to one of ``owners``
    when given: an applicant attaching by themselves may not use their agent's other files). One not
    yet attached is attached in place; one attached to another case is shared: a new row on the same
    blob for this case (材料共享), in the slot of this item that has its catalogue code."""
    if owners is None:
        owners = {owner.id, case.applicant_id, case.agent_id} - {None}  # type: ignore[attr-defined]
    if not hasattr(case.item_version, "definition"):
        await case.fetch_related("item_version")
    rows, slots = await placed(case.item_version.definition, material_ids, owners, case_id=case.id)
    attached, taken_back = await _case_files(case)
    refused = [
        UserError("material.withdrawn", withdrawn_twin_problem(taken_back[key], f"第{i + 1}份材料“{m.filename}”"),
                  f"/materials/{i}")
        for i, (m, (code, _)) in enumerate(zip(rows, slots))
        if (key := (m.blob_id, code)) in taken_back and key not in attached  # type: ignore[attr-defined]
    ]
    if refused:
        raise UserErrorsException(refused)
    result = []
    for material, slot in zip(rows, slots):
        result.append(await _attach_one(case, material, slot, attached))
    return result


async def _case_files(case: Case) -> tuple[dict[tuple[int, str], Material], dict[tuple[int, str], Material]]:
    """The files of ``case`` by (blob, slot code): those that count (attaching one of them again is
    a no-op), and those replaced or withdrawn during a correction (the latest of each)."""
    counted: dict[tuple[int, str], Material] = {}
    taken_back: dict[tuple[int, str], Material] = {}
    for m in await Material.filter(case_id=case.id).order_by("id"):
        (counted if m.withdrawn_at is None else taken_back)[(m.blob_id, m.code)] = m  # type: ignore[attr-defined]
    return counted, taken_back


async def attach_in_slot(case: Case, material: Material, slot: tuple[str, str]) -> Material:
    """Attach one material (already checked as the caller's) to ``case`` in ``slot`` (code,
    catalogue code), as :func:`attach_materials` would: a file that already counts there is kept."""
    return await _attach_one(case, material, slot, (await _case_files(case))[0])


async def placed(
    definition: dict[str, Any], material_ids: Sequence[str], owners: Collection[int], *, case_id: int | None = None
) -> tuple[list[Material], list[tuple[str, str]]]:
    """The materials behind these ids (each one of ``owners``'), with the slot each takes in a case
    of this item (:func:`place`); refused as :func:`owned_materials` (attaching to ``case_id``)
    and :func:`refuse_unlisted` do."""
    rows = await owned_materials(material_ids, owners, case_id=case_id)
    slots = [place(definition, m) for m in rows]
    refuse_unlisted(definition, [code for code, _ in slots])
    return rows, slots


async def material_problems(definition: dict[str, Any], material_ids: Sequence[str], owners: Collection[int]) -> list[UserError]:
    """What attaching these materials to a new case of this item would refuse (unknown, somebody
    else's, repeated, replaced or withdrawn ids, then codes the item does not list), as errors instead of raised: a
    submission whose form already has errors reports these with them (一次性告知)."""
    try:
        await placed(definition, material_ids, owners)
    except UserErrorsException as refused:
        return list(refused.errors)
    return []


def refuse_unlisted(definition: dict[str, Any], codes: Sequence[str]) -> None:
    """Refuse materials uploaded for a slot (material code) the item does not list, each named at
    ``/materials/<i>``: filed, it would sit under 其他材料 while the slot the applicant meant stays
    empty. A file uploaded without a code is an extra (其他材料) and passes."""
    listed = {m["code"]: m for m in definition.get("materials", [])}
    errors = [
        UserError("material.unknown_code", UNLISTED_CODE.format(
            n=i + 1, code=code[:64], listed="、".join(f"{c} {m.get('name', '')}".strip() for c, m in listed.items()) or "无"),
            f"/materials/{i}")
        for i, code in enumerate(codes) if code and code not in listed
    ]
    if errors:
        raise UserErrorsException(errors)


async def _attach_one(case: Case, material: Material, slot: tuple[str, str],
                      attached: dict[tuple[int, str], Material]) -> Material:
    code, catalogue_code = slot
    same = attached.get((material.blob_id, code))  # type: ignore[attr-defined]
    if same is not None:
        return same
    loose = material.case_id is None  # type: ignore[attr-defined]
    if loose and await Material.filter(id=material.id, case_id=None).update(case_id=case.id, code=code,
                                                                            catalogue=catalogue_code):
        material.case_id, material.code, material.catalogue = case.id, code, catalogue_code  # type: ignore[attr-defined]
        copy = material
    else:  # attached elsewhere (perhaps a moment ago): share its blob with this case
        copy = await Material.create(
            owner_id=material.owner_id, case_id=case.id, blob_id=material.blob_id,  # type: ignore[attr-defined]
            code=code, catalogue=catalogue_code, filename=material.filename,
        )
    attached[(copy.blob_id, copy.code)] = copy  # type: ignore[attr-defined]
    return copy


# --- listing --------------------------------------------------------------------------------------

FILE_FIELDS = {"sha256": "blob__sha256", "size": "blob__size", "contentType": "blob__content_type"}


def _file(row: dict[str, Any]) -> dict[str, Any]:
    return {
        "id": row["public_id"], "code": row["code"], "catalogue": row["catalogue"], "filename": row["filename"],
        "size": row["size"], "sha256": row["sha256"], "contentType": row["contentType"],
        "createdAt": row["created_at"], "url": f"/materials/{row['public_id']}",
    }


HISTORY_FIELDS = ("id", "withdrawn_at", "withdrawn_by_id", "replaced_by_id")


async def _files(case: Case) -> tuple[dict[str, list[dict[str, Any]]], dict[str, list[dict[str, Any]]]]:
    """The case's files by slot code: those that count, and those replaced or withdrawn (with
    ``status``, ``withdrawnAt``, ``withdrawnBy`` (a name), ``replacedBy`` (the new file's id)); each
    with ``problem``, what the latest one-time notice said of that very file (while the case awaits
    or has brought its correction, and for the files replaced or withdrawn then)."""
    rows = await Material.filter(case_id=case.id).order_by("id").values(
        "public_id", "code", "catalogue", "filename", "created_at", *HISTORY_FIELDS, **FILE_FIELDS
    )
    public = {row["id"]: row["public_id"] for row in rows}
    people = {row["withdrawn_by_id"] for row in rows if row["withdrawn_by_id"]}
    names = {u["id"]: u["display_name"] or u["username"]
             for u in await User.filter(id__in=list(people)).values("id", "display_name", "username")} if people else {}
    # the notice's words matter while the correction runs and beside what it replaced; a case never
    # sent back costs no statement (the counter receipt's list, at every acceptance)
    asked = case.state in CORRECTING_STATES or any(row["withdrawn_at"] for row in rows)
    problems = await flagged_files(case.id) if asked and rows else {}
    current: dict[str, list[dict[str, Any]]] = {}
    history: dict[str, list[dict[str, Any]]] = {}
    for row in rows:
        file = _file(row)
        file["problem"] = problems.get(row["public_id"])
        if row["withdrawn_at"] is None:
            current.setdefault(row["code"], []).append(file)
            continue
        replaced = row["replaced_by_id"]
        file.update(status="replaced" if replaced else "withdrawn", withdrawnAt=row["withdrawn_at"],
                    withdrawnBy=names.get(row["withdrawn_by_id"], ""), replacedBy=public.get(replaced))
        history.setdefault(row["code"], []).append(file)
    return current, history


def notice_entries(changes: Any) -> list[dict[str, Any]]:
    """The entries of a one-time notice's list (``missing``) as its audit event keeps them
    (``params.missing``; ``missing`` in older events)."""
    if not isinstance(changes, dict):
        return []
    params = changes.get("params")
    missing = params.get("missing") if isinstance(params, dict) else changes.get("missing")
    return [entry for entry in missing if isinstance(entry, dict)] if isinstance(missing, list) else []


async def flagged_files(case_id: int) -> dict[str, str]:
    """What the latest one-time notice (一次性告知) said of each file it named (``missing[].file``,
    a file of the case the clerk found unclear or wrong): its reason, else its material's name."""
    found = await CaseEvent.filter(case_id=case_id, action="request_materials").order_by("-seq").limit(1).values_list(
        "changes", flat=True)
    flagged: dict[str, str] = {}
    for entry in notice_entries(found[0] if found else None):
        if isinstance(entry.get("file"), str) and entry["file"]:
            flagged[entry["file"]] = str(entry.get("reason") or "").strip() or str(entry.get("name") or "").strip()
    return flagged


async def unsupplied_materials(case: Case, definition: dict[str, Any], notice: CaseEvent) -> list[str]:
    """The materials the one-time notice ``notice`` asked to be uploaded (补正) that have no new
    file since: their names, in the notice's order. An entry asks for an upload when it names a
    file of the case (``file``: a new file must take that file's slot) or a material of the item's
    list (by its ``code``, else by its name: :func:`core.services.notice_names.entry_material`),
    unless it is to be handed in on paper at the window (``paper``). Other entries (a field of the
    form, a paper the item does not list: ``unlisted``) are for the front desk to check. A new file is one attached, or put in a file's place,
    since the notice that still counts."""
    listed = definition.get("materials", [])
    names = {m["code"]: m["name"] for m in listed}
    entries = [e for e in notice_entries(notice.changes) if e.get("paper") is not True]
    files = [e["file"] for e in entries if isinstance(e.get("file"), str) and e["file"]]
    slots = dict(await Material.filter(case_id=case.id, public_id__in=files).values_list("public_id", "code")) if files else {}
    wanted: dict[str, str] = {}
    for entry in entries:
        file = entry.get("file")
        code = slots.get(file) if isinstance(file, str) and file else None
        if code is None:
            code = entry_material(entry, listed)
        if code is not None:
            wanted.setdefault(code, names.get(code) or str(entry.get("name") or "").strip() or "其他材料")
    if not wanted:
        return []
    new: list[str] = []
    for action, changes in await CaseEvent.filter(case_id=case.id, action__in=SUPPLY_ACTIONS, seq__gt=notice.seq) \
            .values_list("action", "changes"):
        changes = changes if isinstance(changes, dict) else {}
        if action == "attach_materials" and isinstance(changes.get("materials"), list):
            new += [str(m.get("id")) for m in changes["materials"] if isinstance(m, dict)]
        elif action == "replace_material" and isinstance(changes.get("replacement"), dict):
            new.append(str(changes["replacement"].get("id")))
    have = set(await Material.filter(case_id=case.id, withdrawn_at=None, public_id__in=new, code__in=list(wanted))
               .values_list("code", flat=True)) if new else set()
    return [name for code, name in wanted.items() if code not in have]


async def case_materials(case: Case, provided_only: bool = False) -> list[dict[str, Any]]:
    """The item version's material list, each with the files attached to ``case`` that count
    (``files``), those replaced or withdrawn during a correction (``history``), the paper the
    counter received (``received``, ``how``) and ``provided``; then attached files whose code is on
    no list, grouped by code (``listed`` false). ``provided_only``: only what the case has."""
    from core.services.receipt import case_receipt

    if not hasattr(case.item_version, "definition"):
        await case.fetch_related("item_version")
    by_code, history = await _files(case)
    receipt = await case_receipt(case)
    slots = []
    empty = {"received": {}, "how": ""}
    for m in case.item_version.definition.get("materials", []):
        files = by_code.pop(m["code"], [])
        got = receipt.get(m["code"], empty)
        slots.append({"code": m["code"], "catalogue": m.get("catalogue", ""), "name": m["name"], "role": m.get("role"),
                      "required": bool(m.get("required", True)), "listed": True, "originals": int(m.get("originals") or 0),
                      "copies": int(m.get("copies") or 0), "provided": bool(files or got["received"]), "files": files,
                      "history": history.pop(m["code"], []), "received": got["received"], "how": got["how"]})
    for code in [*by_code, *(c for c in history if c not in by_code)]:
        files, got = by_code.get(code, []), receipt.get(code, empty)
        old = history.get(code, [])
        slots.append({"code": code, "catalogue": (files or old)[0]["catalogue"], "name": "其他材料" if not code else f"其他材料（{code}）",
                      "role": None, "required": False, "listed": False, "originals": 0, "copies": 0,
                      "provided": bool(files or got["received"]), "files": files, "history": old,
                      "received": got["received"], "how": got["how"]})
    return [s for s in slots if s["provided"]] if provided_only else slots


async def reusable_materials(actor: Actor, limit: int = 200) -> list[Material]:
    """The caller's own materials, newest first, one per blob and what it is (catalogue code, else
    slot code), their blob without bytes."""
    user = actor.require_login()
    result, seen = [], set()
    for m in await Material.filter(owner_id=user.id, withdrawn_at=None).order_by("-id").limit(limit * 5):
        key = (m.blob_id, m.catalogue or m.code)  # type: ignore[attr-defined]
        if key not in seen:
            seen.add(key)
            result.append(m)
        if len(result) >= limit:
            break
    ids = list({m.blob_id for m in result})  # type: ignore[attr-defined]
    blobs = {b.id: b for b in await Blob.filter(id__in=ids).only("id", "sha256", "size", "content_type")}
    for m in result:
        m.blob = blobs[m.blob_id]  # type: ignore[attr-defined]
    return result


def material_file(material: Material) -> dict[str, Any]:
    """The same shape as a case's files, for a Material whose blob is loaded."""
    blob = material.blob
    return {
        "id": material.public_id, "code": material.code, "catalogue": material.catalogue, "filename": material.filename,
        "size": blob.size, "sha256": blob.sha256, "contentType": blob.content_type, "createdAt": material.created_at,
        "url": f"/materials/{material.public_id}",
    }
