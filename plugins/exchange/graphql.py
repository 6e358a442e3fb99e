"""What an administrator sees of the center's connections to the platforms above the county:
each connector as the center file configures it, what is wrong with it, and what became of the
attempts to deliver to it (``exchangeConnectors``)."""

from __future__ import annotations

import os
from datetime import datetime

import strawberry

from core.api import Info, get_center, outbox_target_records, require_plugin

from .connectors import PLUGIN, TYPE_LABELS, connectors as configured

ADMIN_ROLES = ("admin",)


@strawberry.type(name="ExchangeConnector", description="本中心配置的一个上级平台连接（中心文件 settings.exchange.connectors）")
class ConnectorType:
    name: str
    type: str = strawberry.field(description="webhook、haochaping（好差评）或 supervision（电子监察）")
    type_label: str
    url: str
    events: list[str] = strawberry.field(description="订阅的事件种类（可含 prefix.* 通配）")
    signed: bool = strawberry.field(description="请求带 HMAC-SHA256 签名")
    problems: list[str] = strawberry.field(description="配置问题（中文），如密钥环境变量未设置")
    acknowledged: int = strawberry.field(description="已确认送达的投递次数（保留期内的事件）")
    failed: int = strawberry.field(description="失败的投递次数（保留期内的事件）")
    last_attempt_at: datetime | None
    last_ok: bool | None
    last_error: str


@strawberry.type
class Query:
    @strawberry.field(description="本中心的上级平台连接及其投递情况（管理员）")
    async def exchange_connectors(self, info: Info, center: str) -> list[ConnectorType]:
        found = await get_center(center)
        require_plugin(found, PLUGIN)
        info.context.actor.require(found.id, *ADMIN_ROLES)
        connectors = configured(found)
        records = await outbox_target_records(found, [c.target for c in connectors])
        out = []
        for c in connectors:
            record = records[c.target]
            problems = []
            if c.secret_env and not os.environ.get(c.secret_env):
                problems.append(f"密钥环境变量 {c.secret_env} 未设置：请求不带签名，接收方可能拒收")
            out.append(ConnectorType(
                name=c.name, type=c.type, type_label=TYPE_LABELS[c.type], url=c.url, events=list(c.events),
                signed=bool(c.secret), problems=problems, acknowledged=record.acknowledged, failed=record.failed,
                last_attempt_at=record.last_at, last_ok=record.last_ok, last_error=record.last_error,
            ))
        return out
