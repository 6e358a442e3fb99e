"""registerWalkInParty and walkInParty: the front desk registers and finds 现场申请人 (clerks and
heads of the center), in every center; sendClaimCode and claimCase: a logged-in person claims a case
filed for a party into their 我的办件 (认领). The services are :mod:`core.services.walk_ins` and
:mod:`core.services.walk_in_claims`."""

from __future__ import annotations

from typing import Annotated

import strawberry
from strawberry.scalars import JSON

from core.faces.graphql.context import Info, client_address
from core.faces.graphql.types import UserErrors, mutation_result
from core.plumbing.models import WalkInParty as WalkInPartyRow
from core.services import walk_in_claims, walk_ins


@strawberry.type(name="WalkInParty", description="现场申请人（无网上账号）：个人凭身份证，企业凭统一社会信用代码")
class WalkInParty:
    id: strawberry.ID
    kind: str = strawberry.field(description="person 个人，enterprise 企业")
    id_number: str
    name: str
    contact_name: str
    mobile: str
    username: str = strawberry.field(description="代为申请时作 submitCase 的 onBehalfOf")
    row: strawberry.Private[WalkInPartyRow]

    @strawberry.field(description="该事项申请表中写明申请人的栏目（申请人名称及其身份证号码或统一社会信用代码）"
                                  "和联系方式栏目（企业的经办联系人及手机号码，个人的手机号码），"
                                  "为该申请人窗口受理时填入尚未填写的栏目；中心未发布该事项时为 {}")
    async def form_answers(self, item: str) -> JSON:
        return await walk_ins.form_answers(self.row, item)


def walk_in_type(row: WalkInPartyRow) -> WalkInParty:
    return WalkInParty(id=strawberry.ID(str(row.id)), kind=row.kind, id_number=row.id_number, name=row.name,
                       contact_name=row.contact_name, mobile=row.mobile, username=row.account.username, row=row)


@strawberry.type(name="ClaimCodeSent", description="认领验证码已发送到登记的手机（已脱敏）")
class ClaimCodeSentType:
    mobile: str


@strawberry.type(name="ClaimedCase", description="认领成功的办件：已归入本人的“我的办件”")
class ClaimedCaseType:
    id: strawberry.ID
    number: str
    applicant_name: str


WalkInPartyResult = Annotated[WalkInParty | UserErrors, strawberry.union("WalkInPartyResult")]
ClaimCodeResult = Annotated[ClaimCodeSentType | UserErrors, strawberry.union("ClaimCodeResult")]
ClaimResult = Annotated[ClaimedCaseType | UserErrors, strawberry.union("ClaimCaseResult")]


@strawberry.type
class Query:
    @strawberry.field(description="按证件号码（或代为申报页面的申请人账号 account，即 WalkInParty.username）"
                                  "查找已登记的现场申请人（窗口人员、首席代表）")
    async def walk_in_party(self, info: Info, center: str, id_number: str | None = None,
                            account: str | None = None) -> WalkInParty | None:
        found = await walk_ins.find_walk_in(info.context.actor, center, id_number, account)
        return walk_in_type(found) if found else None


@strawberry.type
class Mutation:
    @strawberry.mutation(description="窗口登记现场申请人（个人：身份证号码和姓名；企业：统一社会信用代码、名称和经办人）；"
                                     "已登记的证件号码则更新联系方式。代为申报时以返回的 username 作 submitCase 的 onBehalfOf（窗口受理）")
    async def register_walk_in_party(
        self, info: Info, center: str, kind: str, id_number: str, name: str, mobile: str, contact_name: str | None = None,
    ) -> WalkInPartyResult:
        ctx = info.context
        given = walk_ins.WalkInInput(kind=kind, id_number=id_number, name=name, mobile=mobile, contact_name=contact_name or "")
        return await mutation_result(lambda: walk_ins.register_walk_in(ctx.govhall, ctx.actor, center, given), walk_in_type)

    @strawberry.mutation(description="认领窗口代为申请的办件：向登记的手机发送验证码。证件号码与办件编号不符（no_match）"
                                     "与 claimCase 的错误一并按客户端地址计数，次数过多暂停该地址的认领（too_many_attempts）")
    async def send_claim_code(self, info: Info, center: str, case_number: str, id_number: str) -> ClaimCodeResult:
        ctx = info.context
        return await mutation_result(
            lambda: walk_in_claims.send_claim_code(
                govhall=ctx.govhall, actor=ctx.actor, center_code=center, case_number=case_number, id_number=id_number,
                address=client_address(ctx.request)),
            lambda mobile: ClaimCodeSentType(mobile=mobile),
        )

    @strawberry.mutation(description="凭证件号码、办件编号和短信验证码认领办件，归入本人的“我的办件”。验证码错误（或证件号码与办件编号不符）"
                                     "按客户端地址、客户端地址与办件编号计数，次数过多暂停该地址的认领（too_many_attempts，说明需等待的分钟数），"
                                     "不影响他人；同一办件编号从众多地址错误次数过多时暂停该办件的网上认领")
    async def claim_case(self, info: Info, center: str, case_number: str, id_number: str, code: str) -> ClaimResult:
        ctx = info.context
        return await mutation_result(
            lambda: walk_in_claims.claim_case(govhall=ctx.govhall, actor=ctx.actor, center_code=center,
                                                   case_number=case_number, id_number=id_number, code=code,
                                                   address=client_address(ctx.request)),
            lambda c: ClaimedCaseType(id=strawberry.ID(str(c.id)), number=c.number, applicant_name=c.applicant_name),
        )
