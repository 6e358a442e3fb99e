"""Helpers every service of the zone shares: the center with the plugin checked, an item's code."""

from __future__ import annotations

from core.api import Case, Center, ItemVersion, UserErrorsException, get_center, require_plugin

PLUGIN = "enterprise_zone"
INTERNAL_ITEM = "内部事项"  # the item type of the center's own forms (core.services.cases.INTERNAL_ITEM)
# Roles that see every request, booking and gift pack of their center.
ZONE_STAFF = ("clerk", "head", "supervisor", "pickup", "admin")


async def zone_center(code: str) -> Center:
    """The center, refused (Forbidden) when it has not enabled the enterprise zone."""
    center = await get_center(code)
    require_plugin(center, PLUGIN)
    return center


def public_item(item: ItemVersion) -> ItemVersion:
    """The item, refused when it is one of the center's 内部事项 (the staff leave form…): an enterprise
    neither books nor asks an agent for those (the core refuses filing them the same way)."""
    if (item.definition or {}).get("itemType") == INTERNAL_ITEM:
        raise UserErrorsException.single("internal_item", f"“{item.name}”是中心内部事项，不对外办理", "/item")
    return item


async def case_item_code(case: Case) -> str:
    """The item code of a case, without loading the item version when it is already there."""
    loaded = case.__dict__.get("_item_version")  # set by select_related or by assignment
    if isinstance(loaded, ItemVersion):
        return loaded.code
    code = await ItemVersion.filter(id=case.item_version_id).values_list("code", flat=True)  # type: ignore[attr-defined]
    return str(code[0]) if code else ""
