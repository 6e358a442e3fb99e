"""The SMS texts to the applicant (``core.api.applicant_recipient`` gives the number); ``core.api.send_sms``
sends them once the change is committed."""

from __future__ import annotations

from core.api import Case, Center


def ready_text(center: Center, case: Case, item_name: str) -> str:
    """办结通知: the result waits at the unified pickup window."""
    if case.state == "refused":
        return (f"【{center.name}】您的办件{case.number}（{item_name}）已办结（不予许可），"
                "请携带身份证到统一出件窗口领取决定书。")
    if case.state == "partly_approved":
        return (f"【{center.name}】您的办件{case.number}（{item_name}）已办结（部分准予），"
                "请携带身份证到统一出件窗口领取办理结果和不予许可决定书。")
    return f"【{center.name}】您的办件{case.number}（{item_name}）已办结，请携带身份证到统一出件窗口领取。"


def courier_text(center: Center, case: Case, item_name: str, tracking_number: str) -> str:
    return (f"【{center.name}】您的办件{case.number}（{item_name}）的办理结果已通过快递寄出，"
            f"快递单号：{tracking_number}，请注意查收。")
