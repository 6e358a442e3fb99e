"""Items (事项): drafts a configurator edits, and immutable published versions cases point to.

A configurator defines an item with a JSON document (``schemas/item.schema.json``): no code. Every
problem is reported at once and nothing is stored until the document is clean. Publishing copies the
draft into a new version; a published version never changes, and a case keeps the version it was
submitted under forever.
"""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path
from typing import TYPE_CHECKING, Any

from tortoise.transactions import in_transaction

from core.services import clock
from core.services.accounts import Actor
from core.plumbing.errors import UserError, UserErrorsException, pointer
from core.services.form_validation import ITEM_MAX_BYTES, check_size
from core.services.item_changes import describe_changes
from core.services.item_definitions import load_item_files, search_folded, trimmed_names, validate_item_document
from core.plumbing.models import Center, Department, Item, ItemVersion

if TYPE_CHECKING:
    from core.services.runtime import GovHall  # the app builds this module's services, not the reverse

CONFIGURATOR_ROLES = ("configurator", "admin")


async def check_definition(govhall: GovHall, center: Center, definition: Any) -> list[UserError]:
    """Every problem of an item document in the context of this center: its processes, the
    document kinds that have templates, and the center's departments."""
    check_size(definition, ITEM_MAX_BYTES, "事项定义")
    departments = set(await Department.filter(center=center).values_list("code", flat=True))
    return validate_item_document(
        definition,
        known_processes=set(govhall.processes.processes),
        known_documents=set(govhall.renderer.kinds()),
        departments=departments,
    )


def _taken(code: str) -> UserError:
    return UserError("duplicate", f"事项编码“{code}”已存在：请换一个编码，或在“修改已有事项”中打开这个事项修改", "/code")


async def define_item(
    govhall: GovHall, actor: Actor, center: Center, definition: Any, *, update: bool = False
) -> Item:
    """Create an item's draft, or (``update=True``) replace the draft of an existing item."""
    actor.require(center.id, *CONFIGURATOR_ROLES)
    definition = trimmed_names(definition)  # names typed with spaces around them, as 中心管理's are
    errors = await check_definition(govhall, center, definition)
    if errors:
        code = definition.get("code") if isinstance(definition, dict) else None
        if not update and isinstance(code, str) and code and await Item.exists(center=center, code=code):
            errors = [_taken(code), *errors]  # told at once with the rest, not after they are fixed
        raise UserErrorsException(errors)
    code = definition["code"]
    async with in_transaction():
        item = await Item.select_for_update().get_or_none(center=center, code=code)
        if item is not None and not update:
            raise UserErrorsException([_taken(code)])
        if item is None and update:
            raise UserErrorsException.single("unknown_item", f"事项“{code}”不存在，无法更新", "/code")
        if item is None:
            item = await Item.create(center=center, code=code, draft=definition)
        else:
            item.draft = definition
            await item.save(update_fields=["draft", "updated_at"])
    return item


async def publish_item(govhall: GovHall, actor: Actor, center: Center, code: str) -> ItemVersion:
    """Publish the draft as a new immutable version."""
    user = actor.require(center.id, *CONFIGURATOR_ROLES)
    return await _publish(govhall, center, code, user.username)


async def _publish(govhall: GovHall, center: Center, code: str, by: str) -> ItemVersion:
    async with in_transaction():
        item = await Item.select_for_update().get_or_none(center=center, code=code)
        if item is None or item.draft is None:
            raise UserErrorsException.single("unknown_item", f"事项“{code}”没有可发布的草稿", "/code")
        # Check again: departments or processes may have changed since the draft was saved.
        errors = await check_definition(govhall, center, item.draft) + publication_gaps(item.draft)
        if errors:
            raise UserErrorsException(errors)
        if item.latest_version:
            current = await ItemVersion.get(item_id=item.id, version=item.latest_version)
            if current.definition == item.draft:
                raise UserErrorsException.single("unchanged", f"草稿与已发布的第{current.version}版相同，无需重新发布", "/code")
        item.latest_version += 1
        await item.save(update_fields=["latest_version", "updated_at"])
        return await ItemVersion.create(
            item=item, center=center, code=code, version=item.latest_version, name=item.draft["name"],
            definition=item.draft, published_by=by, published_at=clock.now(),
        )


def publication_gaps(definition: Any) -> list[UserError]:
    """What an item still lacks before the public may apply: where to go (the window), what to bring
    (the material list) and what the window checks (the review checklist). A draft may lack them."""
    if not isinstance(definition, dict):
        return []
    gaps = []
    place = definition.get("place")
    if not isinstance(place, str) or not place.strip():
        gaps.append(UserError("no_window", "尚未填写办理窗口（办理地点），申请人不知道到哪里办理，不能发布", "/place"))
    if not definition.get("materials"):
        gaps.append(UserError("no_materials", "尚未列出申请材料，不能发布", "/materials"))
    if not definition.get("checklist"):
        gaps.append(UserError("no_checklist", "尚未填写审查要点，窗口无法核对受理，不能发布", "/checklist"))
    return gaps + _untitled_fields(definition.get("form"), "/form")


def _untitled_fields(schema: Any, where: str) -> list[UserError]:
    """Fields the applicant would see without a name (the form and every message would show the
    bare key instead): the fields of the form, its sections and its tables' rows."""
    if not isinstance(schema, dict):
        return []
    gaps = []
    props = schema.get("properties")
    for name, sub in (props.items() if isinstance(props, dict) else ()):
        here = where + pointer("properties", name)
        title = sub.get("title") if isinstance(sub, dict) else None
        if isinstance(sub, dict) and not (isinstance(title, str) and title.strip()):
            gaps.append(UserError("untitled_field", f"字段“{name}”尚未填写名称，申请人不知道该填什么，不能发布", here + "/title"))
        gaps += _untitled_fields(sub, here)
    return gaps + _untitled_fields(schema.get("items"), where + "/items")


async def discard_draft(actor: Actor, center: Center, code: str) -> ItemVersion | None:
    """Throw the draft away: back to the latest published version, or (never published) the item is
    removed. Returns the version the item is back at, or None when nothing remains."""
    actor.require(center.id, *CONFIGURATOR_ROLES)
    async with in_transaction():
        item = await Item.select_for_update().get_or_none(center=center, code=code)
        if item is None:
            raise UserErrorsException.single("unknown_item", f"事项“{code}”不存在", "/code")
        if item.latest_version == 0:
            await item.delete()
            return None
        current = await ItemVersion.get(item_id=item.id, version=item.latest_version)
        if item.draft == current.definition:
            raise UserErrorsException.single("unchanged", f"草稿与已发布的第{current.version}版相同，没有可放弃的修改", "/code")
        item.draft = current.definition
        await item.save(update_fields=["draft", "updated_at"])
        return current


async def draft_items(center: Center) -> list[Item]:
    """Items of the center whose draft is not (yet) the latest published version, by code."""
    items = await Item.filter(center=center).order_by("code")
    latest = {
        (v.item_id, v.version): v.definition  # type: ignore[attr-defined]
        for v in await ItemVersion.filter(item_id__in=[i.id for i in items])
    }
    return [i for i in items if i.draft is not None and latest.get((i.id, i.latest_version)) != i.draft]


async def published_items(center: Center, search: str | None = None) -> list[ItemVersion]:
    """The latest published version of each item of the center, by code.

    ``search``: the items having every word typed in their name or code, by code, then those having
    some of them only in their keywords (俗称: 开饭店 finds 食品经营许可), by code."""
    items = await Item.filter(center=center, latest_version__gt=0).order_by("code").values_list("id", "latest_version")
    if not items:
        return []
    wanted = {(item_id, version) for item_id, version in items}
    versions = await ItemVersion.filter(item_id__in=[i for i, _ in items]).order_by("code")
    found = [v for v in versions if (v.item_id, v.version) in wanted]  # type: ignore[attr-defined]
    terms = search_folded(search or "").split()  # every word typed, in any order: 食品 许可 finds 食品经营许可
    if not terms:
        return found
    by_name: list[ItemVersion] = []
    by_keyword: list[ItemVersion] = []
    for v in found:
        if all(_term_in(t, f"{v.name}\n{v.code}") for t in terms):
            by_name.append(v)
        elif all(_term_in(t, _searched_text(v)) for t in terms):
            by_keyword.append(v)
    return by_name + by_keyword


def _searched_text(version: ItemVersion) -> str:
    """The name, the code and the keywords, one a line: a word typed is found in one of them, never
    across two."""
    words = version.definition.get("keywords")
    keywords = [w for w in words if isinstance(w, str)] if isinstance(words, list) else []
    return "\n".join([version.name, version.code, *keywords])


# What people add to an item's name when they search for it: the certificate (食品经营许可证 for 食品经营许可（新办）),
# or what they want to do with it (食品经营许可办理, 卫生许可申请, 取水许可怎么办). Longest first.
_SEARCH_SUFFIXES = ("怎么办理", "如何办理", "怎么办", "办理", "申请", "手续", "业务", "证书", "证照", "证件", "证")


def _term_in(term: str, text: str) -> bool:
    """A searched word is in an item's name, code or keywords, as typed or without the words people add to a
    name (:data:`_SEARCH_SUFFIXES`); full-width letters and digits as half-width ones."""
    text = search_folded(text)
    while True:
        if term in text:
            return True
        suffix = next((s for s in _SEARCH_SUFFIXES if term.endswith(s) and len(term) - len(s) >= 2), None)
        if suffix is None:
            return False
        term = term[: -len(suffix)]


async def get_version(center: Center, code: str, version: int | None = None) -> ItemVersion | None:
    item = await Item.get_or_none(center=center, code=code)
    if item is None or item.latest_version == 0:
        return None
    if version is not None and not 1 <= version <= item.latest_version:  # versions count from 1
        return None
    return await ItemVersion.get_or_none(item_id=item.id, version=item.latest_version if version is None else version)


async def draft_changes(center: Center, code: str) -> list[dict[str, Any]]:
    """What publishing the draft would change compared with the latest published version, in words
    (see :mod:`core.services.item_changes`)."""
    item = await Item.get_or_none(center=center, code=code)
    if item is None:
        raise UserErrorsException.single("unknown_item", f"事项“{code}”不存在", "/code")
    published = await ItemVersion.get_or_none(item_id=item.id, version=item.latest_version)
    return describe_changes(published.definition if published else {}, item.draft or {})


async def load_items_dir(
    govhall: GovHall, center: Center, folder: Path, *, publish: bool = True, actor_name: str = "cli"
) -> list[ItemVersion]:
    """Load every item file of a folder into a center (``govhall items load``, ``govhall demo``).

    All files are checked first: any problem in any file and nothing is stored. Unchanged items
    are skipped, changed ones get a new version. Names are trimmed as ``define_item`` trims them."""
    if not folder.is_dir():
        return []
    files = [(path, trimmed_names(doc)) for path, doc in load_item_files(folder)]
    errors: list[UserError] = []
    codes: dict[str, str] = {}
    for path, doc in files:
        gaps = publication_gaps(doc) if publish else []  # checked here too, so they name their file
        for e in await check_definition(govhall, center, doc) + gaps:
            errors.append(UserError(e.code, f"{path.name}{e.path or ''}：{e.message}", e.path))
        code = doc.get("code")
        if isinstance(code, str):
            if code in codes:
                errors.append(UserError("duplicate", f"{path.name}：事项编码“{code}”与 {codes[code]} 重复", "/code"))
            codes[code] = path.name
    if errors:
        raise UserErrorsException(errors)
    published: list[ItemVersion] = []
    async with in_transaction():
        for _, doc in files:
            item, created = await Item.get_or_create(center=center, code=doc["code"], defaults={"draft": doc})
            if not created and item.draft != doc:
                item.draft = doc
                await item.save(update_fields=["draft", "updated_at"])
            if publish:
                latest = await ItemVersion.get_or_none(item_id=item.id, version=item.latest_version)
                if latest is None or latest.definition != doc:
                    published.append(await _publish(govhall, center, doc["code"], actor_name))
    return published


async def item_documents(center: Center, codes: Iterable[str] = ()) -> list[dict[str, Any]]:
    """The document of each item (its draft, else its latest published version) as an item file
    holds it (``govhall items export``), by code: the given codes, or every item of the center.

    Raises UserErrorsException naming every code the center does not have."""
    wanted = list(dict.fromkeys(codes))
    items = await Item.filter(center=center, **({"code__in": wanted} if wanted else {})).order_by("code")
    found = {i.code for i in items}
    missing = [UserError("not_found", f"中心 {center.code} 没有事项“{c}”", "/code") for c in wanted if c not in found]
    if missing:
        raise UserErrorsException(missing)
    versions = {
        (v.item_id, v.version): v.definition  # type: ignore[attr-defined]
        for v in await ItemVersion.filter(item_id__in=[i.id for i in items if i.draft is None])
    }
    docs = [i.draft if i.draft is not None else versions.get((i.id, i.latest_version)) for i in items]
    return [d for d in docs if d is not None]


def elements_of(definition: dict[str, Any]) -> dict[str, Any]:
    """The published elements (六公开/九公开): everything except the form and process internals."""
    hidden: Iterable[str] = ("form", "process")
    return {k: v for k, v in definition.items() if k not in hidden}
