"""Centers (tenants): loading a center document, and switching its plugins on and off."""

from __future__ import annotations

import uuid
from collections.abc import Iterable, Iterator, Mapping
from typing import TYPE_CHECKING, Any

from tortoise.transactions import in_transaction

from core.plumbing.errors import UserError, UserErrorsException
from core.plumbing.models import DEPARTMENT_ORDER, Center, Department, Window
from core.services import clock
from core.services.defaults import category_problem
from core.services.remedy import DEPARTMENT_FIELDS, authority_errors
from core.services.calendar import check_periods, parse_period
from core.services.schema_files import load_schema, schema_errors
from core.services.config_cache import cache_for
from core.services.plugins import acall
from core.plumbing.sql import one_model

if TYPE_CHECKING:
    from core.services.plugins import PluginHub
    from core.services.runtime import GovHall

DEFAULT_OFFICE_HOURS = ["09:00-12:00", "13:30-17:00"]
SEAL_MIN = 2
"""The fewest characters of a department's ``sealName`` (as on the 中心管理 screen); ``""`` clears it."""


def check_center_document(doc: Any, installed_plugins: Iterable[str]) -> list[UserError]:
    """All problems of a center document: its schema, unknown plugins, dangling references."""
    errors = schema_errors("center", doc)
    if errors or not isinstance(doc, Mapping):
        return errors
    installed = sorted(installed_plugins)
    for i, name in enumerate(doc.get("plugins", [])):
        if name not in installed:
            errors.append(
                UserError("unknown_plugin", f"未知插件“{name}”，可用插件：{'、'.join(installed) or '（无）'}", f"/plugins/{i}")
            )
    remedy = (doc.get("settings") or {}).get("remedy") or {}
    for field, value in remedy.items():
        errors.extend(authority_errors(field, value, f"/settings/remedy/{field}"))
    errors.extend(_period_errors(doc))
    errors.extend(_blank_name_errors(doc["name"], "中心名称", "/name"))
    codes: set[str] = set()
    for i, department in enumerate(doc.get("departments", [])):
        if department["code"] in codes:
            errors.append(UserError("duplicate", f"部门代码“{department['code']}”重复", f"/departments/{i}/code"))
        codes.add(department["code"])
        errors.extend(_blank_name_errors(department["name"], "部门名称", f"/departments/{i}/name"))
        if 0 < len(department.get("sealName", "")) < SEAL_MIN:  # "": cleared, the department's name + 审批专用章
            errors.append(UserError("too_short", f"审批专用章印文至少{SEAL_MIN}个字", f"/departments/{i}/sealName"))
        for field, value in department.get("remedy", {}).items():
            errors.extend(authority_errors(field, value, f"/departments/{i}/remedy/{field}"))
        problem = category_problem(department.get("category", "").strip())
        if problem:
            errors.append(UserError("unknown_category", problem, f"/departments/{i}/category"))
    window_codes: dict[str, str] = {}  # casefolded: W01 and w01 are one window to the hall's staff
    for i, window in enumerate(doc.get("windows", [])):
        same = window_codes.get(window["code"].casefold())
        if same is not None:
            twin = "重复" if same == window["code"] else f"与“{same}”只差大小写，视为重复"
            errors.append(UserError("duplicate", f"窗口编号“{window['code']}”{twin}", f"/windows/{i}/code"))
        window_codes.setdefault(window["code"].casefold(), window["code"])
        errors.extend(_blank_name_errors(window["name"], "窗口名称", f"/windows/{i}/name"))
        if window.get("department") and window["department"] not in codes:
            errors.append(
                UserError("unknown_department", f"窗口“{window['name']}”所属部门“{window['department']}”不存在", f"/windows/{i}/department")
            )
        for j, served in enumerate(window.get("serves", [])):
            if served not in codes:
                errors.append(UserError("unknown_department", f"窗口“{window['name']}”服务的部门“{served}”不存在", f"/windows/{i}/serves/{j}"))
    return errors


NAME_MIN = 2
"""Fewest characters of a center's, department's or window's name once spaces around it are left out (as the
中心管理 screen counts them); the schema's ``minLength`` counts the spaces too."""


def _blank_name_errors(name: str, label: str, path: str) -> list[UserError]:
    """A name that is (almost) only spaces, full-width ones too (``"　　"``), is refused as the screen
    refuses it; the name is stored without the spaces around it."""
    if len(name) >= NAME_MIN and len(name.strip()) < NAME_MIN:  # shorter ones: the schema's minLength said it
        return [UserError("too_short", f"{label}至少{NAME_MIN}个字（前后的空格不算）", path)]
    return []


PERIOD_PATTERN = "^([01][0-9]|2[0-3]):[0-5][0-9]-([01][0-9]|2[0-3]):[0-5][0-9]$"
"""The pattern of a period (``09:00-12:00``) in the center schema: a list of them is a day's periods."""


def _period_errors(doc: Mapping[str, Any]) -> list[UserError]:
    """Every list of periods in the center document (its office hours, and whatever a plugin's settings
    keep as periods, found by the schema's period pattern) in order and not overlapping, which the
    pattern of each item cannot say. A refusal names the list by its schema title (预约时段…); its code
    is ``office_hours.*`` for the office hours, ``periods.*`` for any other list."""
    errors = []
    for path, texts, title in _period_lists(load_schema("center"), doc, ""):
        label = title if title.endswith("时段") else title.removesuffix("时间") + "时段"  # 预约时段; 办公时间: 办公时段
        # the office hours keep the codes clients know (office_hours.order); any other list: periods.order
        prefix = "office_hours" if path == "/officeHours" else "periods"
        for i, code, message in check_periods([parse_period(t) for t in texts], label=label, code=prefix):
            errors.append(UserError(code, message, f"{path}/{i}"))
    return errors


def _period_lists(schema: Any, value: Any, path: str) -> Iterator[tuple[str, list[str], str]]:
    """(JSON pointer, list, its schema title) of each list of periods in ``value``, walking it beside
    its ``schema``."""
    if not isinstance(schema, Mapping):
        return
    if isinstance(value, Mapping):
        for key, sub in (schema.get("properties") or {}).items():
            if key in value:
                yield from _period_lists(sub, value[key], f"{path}/{key}")
    elif isinstance(value, list):
        items = schema.get("items")
        if isinstance(items, Mapping) and items.get("pattern") == PERIOD_PATTERN:
            if value and all(isinstance(t, str) for t in value):
                yield path, value, str(schema.get("title") or "")
        else:
            for i, item in enumerate(value):
                yield from _period_lists(items, item, f"{path}/{i}")


async def load_center(doc: Any, hub: PluginHub | None) -> Center:
    """Create or update a center from its document, in one transaction; nothing is written when
    the document has any problem (all of them are raised at once). ``hub`` is the app's plugins: the
    ones a center may enable, and the ones it enables asked before the file closes a window
    (``window_closing``); None where no plugin is installed (benchmarks, bare test centers)."""
    errors = check_center_document(doc, hub.installed if hub is not None else ())
    parent = None
    if not errors and doc.get("parent"):
        parent = await Center.get_or_none(code=doc["parent"])
        if parent is None:
            errors.append(UserError("unknown_center", f"上级中心“{doc['parent']}”不存在，请先导入", "/parent"))
    if not errors:
        errors.extend(await _short_name_taken(doc))
        errors.extend(await _window_case_twins(doc))
    if errors:
        raise UserErrorsException(errors)
    async with in_transaction():
        name = doc["name"].strip()  # as the departments' and windows' names below
        values = {
            "name": name,
            "short_name": doc["shortName"],
            "doc_prefix": doc.get("docPrefix") or name[:2] + "政服",
            "parent": parent,
            "plugins": list(doc.get("plugins", [])),
            "office_hours": list(doc.get("officeHours", DEFAULT_OFFICE_HOURS)),
            "settings": dict(doc.get("settings", {})),
            "address": doc.get("address", ""),
            "phone": doc.get("phone", ""),
        }
        # a new center gets its calendar fingerprint now, so its calendar is cached from the start
        values["settings"].setdefault("calendarVersion", uuid.uuid4().hex)
        center, created = await Center.get_or_create(code=doc["code"], defaults=values)
        if not created:
            # the calendar fingerprint belongs to the calendar import, not to the center file
            if "calendarVersion" in (center.settings or {}):
                values["settings"]["calendarVersion"] = center.settings["calendarVersion"]
            await center.update_from_dict(values).save()
        departments: dict[str, Department] = {}
        for position, d in enumerate(doc.get("departments", []), start=1):
            department, added = await Department.update_or_create(
                center=center, code=d["code"], defaults={**department_values(d), "position": position})
            if added and not created:  # added to a center that was running: assessed from now on
                department.created_at = clock.now()
                await department.save(update_fields=["created_at"])
            departments[d["code"]] = department
        await _place_unlisted(center, len(departments), listed=list(departments))
        closing: list[tuple[int, Window]] = []
        for i, w in enumerate(doc.get("windows", [])):
            window, _ = await Window.update_or_create(
                center=center,
                code=w["code"],
                defaults={
                    "name": w["name"].strip(),
                    "kind": w.get("kind", "special"),
                    "department": departments.get(w.get("department", "")) if w.get("department") else None,
                    "serves": list(w.get("serves", [])),
                },
            )
            if "closed" in w and w["closed"] != (window.closed_at is not None):
                window.closed_at = clock.now() if w["closed"] else None  # the product clock, as closeWindow
                await window.save(update_fields=["closed_at"])
                if w["closed"]:
                    closing.append((i, window))
        # raising inside the load's transaction writes nothing
        refused = await _closing_the_last_pickup(center, closing) + await _closing_windows_in_use(hub, center, closing)
        if refused:
            raise UserErrorsException(refused)
    return center


async def _closing_the_last_pickup(center: Center, closing: list[tuple[int, Window]]) -> list[UserError]:
    """A file that closes (``"closed": true``) the center's last open pickup window (出件窗口) is
    refused, as ``closeWindow`` refuses it: results would have nowhere to be handed out."""
    pickup = [(i, w) for i, w in closing if w.kind == "pickup"]
    if not pickup or await Window.filter(center_id=center.id, kind="pickup", closed_at__isnull=True).exists():
        return []
    names = "、".join(f"“{w.name}”" for _, w in pickup)
    return [UserError("last_pickup_window", f"{names}是本中心的出件窗口，请先把另一个窗口设为出件窗口再撤销",
                      f"/windows/{pickup[0][0]}/closed")]


async def _closing_windows_in_use(hub: PluginHub | None, center: Center, closing: list[tuple[int, Window]]) -> list[UserError]:
    """A window the file closes that a plugin the center enables still needs (``window_closing``, as
    ``closeWindow`` asks it) is refused, ``window_in_use`` at its ``closed`` entry. The plugins see
    the center as the file leaves it: its settings (the hall floor's queues) are the file's."""
    if hub is None:
        return []
    return [error for i, window in closing if (error := await window_in_use(hub, center, window, f"/windows/{i}/closed"))]


async def window_in_use(hub: PluginHub, center: Center, window: Window, path: str) -> UserError | None:
    """The refusal (``window_in_use``, at ``path``) of closing ``window`` while plugins ``center``
    enables still need it, their reasons joined (the ``window_closing`` hook); None when none does."""
    reasons = await acall(hub.for_center(center).window_closing, center=center, window=window)
    reason = "；".join(dict.fromkeys(r for r in reasons if r))
    return UserError("window_in_use", f"“{window.name}”不能撤销：{reason}", path) if reason else None


async def _place_unlisted(center: Center, after: int, *, listed: list[str]) -> None:
    """The center's order is the file's: its departments take places 1… in the order it lists them
    (a file loaded again with its departments reordered reorders them everywhere); those it does not
    list (added on the 中心管理 screen) follow, in the order they had."""
    others = await Department.filter(center_id=center.id).exclude(code__in=listed).order_by(*DEPARTMENT_ORDER)
    for position, department in enumerate(others, start=after + 1):
        if department.position != position:
            await Department.filter(id=department.id).update(position=position)


DEPARTMENT_KEYS: dict[str, str] = {"category": "category", "backOffice": "back_office", "abbreviation": "abbreviation",
                                   "sealName": "seal_name"}
"""A department's optional keys in the center file and the columns they set."""


def department_values(d: Mapping[str, Any]) -> dict[str, str]:
    """The columns a department of the center file sets: its name, and only the optional keys it has
    (``remedy``'s too). A key left out keeps what is stored (set on the 中心管理 screen, or by an
    earlier file; a new department gets ``""``), so reloading a file that never named a department's
    seal or 行政复议机关 does not clear the ones set on screen; a key given, ``""`` included, sets it."""
    values = {"name": d["name"].strip()}
    values.update({column: d[key].strip() for key, column in DEPARTMENT_KEYS.items() if key in d})
    remedy = d.get("remedy") or {}
    values.update({field: remedy[field] for field in DEPARTMENT_FIELDS if field in remedy})
    return values


async def _short_name_taken(doc: Mapping[str, Any]) -> list[UserError]:
    """Case numbers are unique across the deployment and begin with the center's ``shortName``
    (counted per center and day): two centers with one prefix would number cases alike."""
    other = await Center.filter(short_name=doc["shortName"]).exclude(code=doc["code"]).first()
    if other is None:
        return []
    return [UserError("duplicate", f"办件编号前缀“{doc['shortName']}”已由中心“{other.name}”（{other.code}）使用；"
                                   "各中心的前缀必须不同，否则办件编号会重复", "/shortName")]


async def _window_case_twins(doc: Mapping[str, Any]) -> list[UserError]:
    """A window code of the file that the center does not hold but that differs from one it holds
    only in case (``W01`` beside the stored ``w01``) is refused as ``duplicate``, as ``saveWindow``
    refuses such a new code: codes are looked up as written, so the file names a second window,
    which the hall's staff and the applicants reading the notices would take for the first. (A code
    in full-width letters never gets this far: the schema's pattern allows ASCII only.)"""
    stored = await Window.filter(center__code=doc["code"]).values_list("code", flat=True)
    if not stored:
        return []
    folded = {str(code).casefold(): str(code) for code in stored}
    errors: list[UserError] = []
    for i, window in enumerate(doc.get("windows", [])):
        twin = folded.get(window["code"].casefold())
        if window["code"] not in stored and twin is not None:
            errors.append(UserError("duplicate", f"窗口编号“{window['code']}”与本中心已有的“{twin}”只差大小写，视为同一窗口："
                                                 f"要修改该窗口请写“{twin}”，要新增窗口请换一个编号", f"/windows/{i}/code"))
    return errors


async def set_plugin_enabled(center: Center, name: str, enabled: bool, installed_plugins: Iterable[str]) -> Center:
    """Enable or disable a plugin for one center: a data change, effective on the next hook call."""
    installed = sorted(installed_plugins)
    if name not in installed:
        raise UserErrorsException.single("unknown_plugin", f"未知插件“{name}”，可用插件：{'、'.join(installed)}", "/plugin")
    async with in_transaction():
        fresh = await Center.select_for_update().get(id=center.id)
        plugins = [p for p in fresh.plugins if p != name]
        if enabled:
            plugins.append(name)
        fresh.plugins = plugins
        await fresh.save(update_fields=["plugins"])
    center.plugins = fresh.plugins
    return fresh


CENTER_CODE_CHARS: int = Center._meta.fields_map["code"].max_length  # type: ignore[attr-defined]


async def get_center(code: str) -> Center:
    """A center by code; read on every request (plugins and settings are data that can change).
    An unknown one is ``unknown_center``; a code longer than any center's is said to be so, never
    echoed (as the ORM's lookups of other codes are: :func:`core.plumbing.errors.unstorable_value`)."""
    if len(code) > CENTER_CODE_CHARS:
        message = f"中心编码过长：至多{CENTER_CODE_CHARS}个字符（现有{len(code)}个），请检查后重试"
        raise UserErrorsException.single("maxLength", message, "/center")
    center = await one_model(Center, 'SELECT * FROM "center" WHERE "code" = ? LIMIT 1', [code])
    if center is None:
        raise UserErrorsException.single("unknown_center", f"中心“{code}”不存在", "/center")
    return center


async def cached_center_by_id(govhall: GovHall, generation: int | None, center_id: int) -> Center:
    """The center ``center_id``, kept by the app as :func:`cached_center` keeps it. Callers must not
    change the returned row."""
    cache = cache_for(govhall, generation)
    center = cache.centers_by_id.get(center_id) if cache is not None else None
    if center is None:
        center = await one_model(Center, 'SELECT * FROM "center" WHERE "id" = ? LIMIT 1', [center_id])
        if center is None:
            raise UserErrorsException.single("unknown_center", "中心不存在", "/center")
        if cache is not None:
            cache.centers_by_id[center_id] = center
    return center


async def cached_center(govhall: GovHall | None, generation: int | None, code: str) -> Center:
    """:func:`get_center`, kept by the app while the configuration generation the request read
    (``Actor.config_generation``) is current: see :mod:`core.services.config_cache`. Callers must not
    change the returned row."""
    cache = cache_for(govhall, generation)
    if cache is None:
        return await get_center(code)
    center = cache.centers.get(code)
    if center is None:
        center = cache.centers[code] = await get_center(code)
    return center
