"""The front desk in the browser: a 补办件 from upload to acceptance with the counter receipt.

The applicant applies with the application form uploaded; the clerk issues a one-time notice; the
applicant uploads the missing articles and supplies; the case is back in the clerk's queue
(已补齐待核验); the clerk sees the item's material list with the uploaded ones marked, ticks the
paper received at the counter (original/copy, how many) and accepts. The case's material list and
the acceptance notice show exactly that. And a correction of an unclear scan: the clerk names the file,
the applicant replaces it (更换), the clerk sees what was replaced. Runs against the demo server of
``tests/test_web.py``.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest

from tests.helpers import pdf_text
from tests.test_materials import make_pdf
from tests.test_web import at, browser_page, fill_company_registration, login, logout, web_server  # noqa: F401

pytestmark = [pytest.mark.browser, pytest.mark.slow]


def _company_pdfs(tmp_path: Path) -> tuple[Path, Path]:
    """The application form and the articles of association, as the applicant's PDF files."""
    application = tmp_path / "公司登记申请书.pdf"
    application.write_bytes(make_pdf("公司登记申请书"))
    articles = tmp_path / "公司章程.pdf"
    articles.write_bytes(make_pdf("公司章程"))
    return application, articles


def _applied(page: Any, base: str, files: dict[str, Path]) -> tuple[str, str]:
    """zhangsan applies for company registration with ``files`` by material code; the case page's
    address and the case number."""
    from playwright.sync_api import expect

    login(page, base, "zhangsan")
    page.goto(f"{base}/web/#/hall/lianzhou/item/scjg-gssldj/apply")
    expect(page.locator("form.apply-form")).to_be_visible()
    fill_company_registration(page)
    for code, path in files.items():
        page.set_input_files(f".material-row[data-material={code}] input[type=file]", str(path))
        expect(page.locator(f".material-row[data-material={code}] .chip-file")).to_contain_text(path.name)
    page.click("button:has-text('提交申请')")
    # an earlier story of this module may have left zhangsan's same application open (您已有该事项的
    # 在办件): each story needs a case of its own, so it confirms the further filing
    answer = page.locator(".success-box .case-number, #confirm-duplicate")
    expect(answer).to_be_visible()
    if answer.get_attribute("id") == "confirm-duplicate":
        answer.click()
    number = page.locator(".success-box .case-number").inner_text().strip()
    page.click("a:has-text('查看办件')")
    expect(page.locator("#case-state")).to_have_text("待受理")
    return page.url, number


def test_supplied_case_is_accepted_with_the_counter_receipt(web_server: str, browser_page: Any, tmp_path: Path) -> None:
    from playwright.sync_api import expect

    base, page = web_server, browser_page
    application, articles = _company_pdfs(tmp_path)

    # --- the applicant applies with the application form uploaded (the articles are forgotten)
    case_url, number = _applied(page, base, {"m01": application})

    # --- the clerk: a one-time notice for the articles of association
    logout(page)
    login(page, base, "lz-clerk")
    page.goto(case_url)
    page.click("button[data-action=request_materials]")
    page.select_option(".param-form select[aria-label='从申报材料目录中添加']", label="公司章程")
    # picked from the list, the entry names its material by code
    expect(page.locator(f".param-form {at('/missing/0/code')} select option:checked")).to_have_text("公司章程")
    # a typed entry: the clerk is told which material it is taken for, or warned that none is
    page.click(".param-form button.add-row")
    name = page.locator(f".param-form {at('/missing/1/name')} input")
    name.fill("公司章程副本")
    check = page.locator(".param-form .notice-check")
    expect(check.locator("li.notice-matched")).to_have_text("第2项“公司章程副本”按名称对应事项材料“公司章程”，申请人补齐时须上传该材料")
    name.fill("股东会决议复印件")
    expect(check.locator("li")).to_have_text(
        "第2项“股东会决议复印件”：该材料不在事项材料清单中，申请人补齐时无法核对上传，请注明是否到窗口提交纸质材料")
    page.check(f".param-form {at('/missing/1/paper')} input[type=checkbox]")  # to the window on paper: nothing to warn of
    expect(check).to_be_hidden()
    page.uncheck(f".param-form {at('/missing/1/paper')} input[type=checkbox]")  # issued as it is: a warning, not a refusal
    expect(check.locator("li.notice-unlisted")).to_have_count(1)
    page.screenshot(path=str(tmp_path / "notice-unlisted-warning.png"), full_page=True)
    page.click("button[data-confirm=request_materials]")
    expect(page.locator("#case-state")).to_have_text("待补齐材料")
    expect(page.locator("#correction-due li", has_text="股东会决议复印件")).to_contain_text("不在事项材料清单中，补齐时不核对上传")

    # --- the applicant: supplying without the articles the notice names is refused, a form edit alone
    # too, saying what is still to upload; uploading the articles and supplying works
    logout(page)
    login(page, base, "zhangsan")
    page.goto(case_url)
    expect(page.locator("#correction-due li", has_text="股东会决议复印件")).not_to_contain_text("不核对上传")
    page.click("button[data-action=supply]")
    page.click("button[data-confirm=supply]")
    summary = page.locator(".action-panel .error-summary")
    expect(summary).to_contain_text("请先上传通知书列明的材料：公司章程。")  # 股东会决议复印件, on no list, holds nothing back
    # a correction typed in the open form, then the missing file sent: the page is drawn again with the
    # file, and the form comes back with what was typed (it came back with the application as filed)
    capital = page.locator(f".param-form {at('/registeredCapital')} input")
    capital.fill("120")
    expect(page.locator(".param-form #edits-kept")).to_contain_text("本设备暂存，未提交")
    page.reload()  # a reload (a phone's browser that dropped the tab): the correction is kept on this device
    expect(capital).to_have_value("120")
    page.click("button[data-confirm=supply]")
    expect(summary).to_contain_text("请先上传通知书列明的材料：公司章程")
    expect(page.locator("#case-state")).to_have_text("待补齐材料")
    attach = page.locator(".attach-box")
    attach.locator(".material-row[data-material=m02] input[type=file]").set_input_files(str(articles))
    expect(attach.locator(".material-row[data-material=m02] .chip-file")).to_contain_text("公司章程.pdf")
    attach.locator("button:has-text('提交补充的材料')").click()
    expect(page.locator("#case-materials .material-row.provided", has_text="公司章程")).to_be_visible()
    expect(capital).to_have_value("120")
    page.click("button[data-action=supply]")
    expect(capital).to_have_value("120")
    page.click("button[data-confirm=supply]")
    expect(page.locator("#case-state")).to_have_text("已补齐，待窗口核验受理")
    expect(page.locator(".data-view dd", has_text="120")).to_have_count(1)
    assert page.evaluate("Object.keys(localStorage).filter((k) => k.startsWith('govhall.caseEdits.'))") == []  # sent: gone

    # --- the clerk: the supplied case is back in the front desk's queue; receipt, checklist, accept
    logout(page)
    login(page, base, "lz-clerk")
    page.goto(f"{base}/web/#/work/lianzhou")
    page.click("a.chip:has-text('已补齐待核验')")
    row = page.locator(f'tr[data-case="{number}"]')
    expect(row).to_be_visible()
    row.locator("a.case-link").click()
    # what the applicant changed is named, so the clerk checks that answer again (and so does the record)
    expect(page.locator("#resubmission")).to_contain_text("已补充：公司章程.pdf")
    expect(page.locator("#resubmission")).to_contain_text("修改了申报内容：“注册资本（万元）”")
    expect(page.locator(".timeline .event-supply")).to_contain_text("修改了申报内容：“注册资本（万元）”")
    # 公司设立登记 is an immediate item (即办件): once complete it is finished on the spot
    page.click("button[data-action=finish_on_spot]")
    receipt = page.locator(".counter-receipt")
    expect(receipt.locator(".receipt-row")).to_have_count(7)  # the item's list, uploaded ones marked
    expect(receipt.locator(".receipt-row[data-material=m01] .uploaded-mark")).to_contain_text("已上传1份")
    expect(receipt.locator(".receipt-row[data-material=m02] .uploaded-mark")).to_contain_text("已上传1份")
    expect(receipt.locator(".receipt-row[data-material=m03] .uploaded-mark")).to_contain_text("未上传")
    # paper handed over at the counter: two copies of the shareholder's ID, the original appointment
    receipt.locator(".receipt-row[data-material=m03] input[data-form=copy]").check()
    receipt.locator(".receipt-row[data-material=m03] input.count:not([disabled])").fill("2")
    receipt.locator(".receipt-row[data-material=m04] input[data-form=original]").check()
    points = page.locator(f".param-form {at('/checklist')} input[type=checkbox]")
    for i in range(points.count()):
        points.nth(i).check()
    page.check(f".param-form {at('/originalsChecked')} input[type=checkbox]")
    page.screenshot(path=str(tmp_path / "counter-receipt.png"), full_page=True)
    page.click("button[data-confirm=finish_on_spot]")
    # finishing issues two PDFs (the acceptance notice and the licence): give a loaded machine time
    expect(page.locator("#case-state")).to_have_text("已办结，待出件", timeout=60_000)

    # the case's material list and the acceptance notice say what was received and how
    materials = page.locator("#case-materials")
    expect(materials.locator(".material-row", has_text="股东主体资格文件")).to_contain_text("复印件2份")
    expect(materials.locator(".material-row", has_text="任职文件")).to_contain_text("原件1份")
    expect(materials.locator(".material-row", has_text="公司章程")).to_contain_text("电子件1份")
    notice = page.locator("li[data-kind=acceptance_notice] a.doc-link")
    pdf = page.request.get(base + (notice.get_attribute("href") or ""))
    assert pdf.status == 200
    text = pdf_text(pdf.body())
    assert "股东主体资格文件或自然人身份证件复印件2份" in text
    assert "法定代表人、董事、监事、经理的任职文件原件1份" in text
    assert "公司章程电子件1份" in text and "住所" not in text  # never the item's whole list
    page.screenshot(path=str(tmp_path / "supplied-accepted.png"), full_page=True)


def test_a_clerk_files_at_the_counter_as_window_acceptance(web_server: str, browser_page: Any, tmp_path: Path) -> None:
    """A clerk files for the applicant in front of the window (from 现场申请人 or 代为申报, ``?for=``):
    the case page says 窗口受理, and the acceptance notice names the applicant and no 代办人 (the clerk,
    陈敏, took the case in)."""
    from playwright.sync_api import expect

    base, page = web_server, browser_page
    application, articles = _company_pdfs(tmp_path)
    login(page, base, "lz-clerk")
    # come to the item's page directly: the applicant is asked for, and left empty it is the clerk's own
    page.goto(f"{base}/web/#/hall/lianzhou/item/scjg-gssldj/apply")
    help_text = page.locator(f"form.apply-form {at('/onBehalfOf')} .help")
    expect(help_text).to_contain_text("窗口受理")
    expect(help_text).to_contain_text("现场申请人")
    expect(help_text).to_contain_text("为您本人申报请留空")
    page.goto(f"{base}/web/#/hall/lianzhou/item/scjg-gssldj/apply?for=zhangsan&forName=%E5%BC%A0%E4%B8%89")
    expect(help_text).not_to_contain_text("为您本人申报请留空")
    expect(page.locator("form.apply-form")).to_be_visible()
    expect(page.locator(f"form.apply-form {at('/onBehalfOf')} .help")).to_contain_text("窗口受理")
    fill_company_registration(page)
    page.set_input_files(".material-row[data-material=m01] input[type=file]", str(application))
    expect(page.locator(".material-row[data-material=m01] .chip-file")).to_contain_text("公司登记申请书.pdf")
    page.set_input_files(".material-row[data-material=m02] input[type=file]", str(articles))
    expect(page.locator(".material-row[data-material=m02] .chip-file")).to_contain_text("公司章程.pdf")
    page.click("button:has-text('提交申请')")
    expect(page.locator(".success-box .case-number")).to_be_visible()
    page.click("a:has-text('查看办件')")
    expect(page.locator("#case-state")).to_have_text("待受理")
    expect(page.locator("dt:has-text('申报渠道') + dd")).to_have_text("窗口受理")

    page.click("button[data-action=finish_on_spot]")
    expect(page.locator(".counter-receipt .receipt-row[data-material=m01] .uploaded-mark")).to_contain_text("已上传1份")
    points = page.locator(f".param-form {at('/checklist')} input[type=checkbox]")
    expect(points).to_have_count(5)
    for i in range(points.count()):
        points.nth(i).check()
    page.check(f".param-form {at('/originalsChecked')} input[type=checkbox]")
    page.click("button[data-confirm=finish_on_spot]")
    expect(page.locator("#case-state")).to_have_text("已办结，待出件", timeout=60_000)
    notice = page.locator("li[data-kind=acceptance_notice] a.doc-link")
    pdf = page.request.get(base + (notice.get_attribute("href") or ""))
    assert pdf.status == 200
    text = pdf_text(pdf.body())
    assert "连州市示例科技有限公司" in text
    assert "代办人" not in text and "陈敏" not in text
    page.screenshot(path=str(tmp_path / "counter-filing.png"), full_page=True)


def test_a_clerk_who_typed_an_applicant_but_picked_none_is_stopped_not_filed_as_their_own(
    web_server: str, browser_page: Any
) -> None:
    """At the counter the clerk types the applicant's name in 查找申请人 and presses 提交申请 without
    clicking the person found: the case must not be filed as the clerk's own (it was, silently). The
    screen asks to pick the person; once picked, the case is the applicant's, taken in at the window."""
    from playwright.sync_api import expect

    base, page = web_server, browser_page
    login(page, base, "lz-clerk")
    page.goto(f"{base}/web/#/hall/lianzhou/item/scjg-gssldj/apply")
    expect(page.locator("form.apply-form")).to_be_visible()
    fill_company_registration(page)
    page.fill("#on-behalf-of", "张三")
    expect(page.locator(".person-results button[data-person=zhangsan]")).to_be_visible()
    page.click("button:has-text('提交申请')")
    error = page.locator(f"form.apply-form {at('/onBehalfOf')} .field-error")
    expect(error).to_contain_text("请在查找结果中点选申请人")
    expect(page.locator(".success-box")).to_have_count(0)
    page.click(".person-results button[data-person=zhangsan]")
    expect(page.locator(".person-picked")).to_contain_text("张三")
    page.click("button:has-text('提交申请')")
    expect(page.locator(".success-box .case-number")).to_be_visible()
    page.click("a:has-text('查看办件')")
    expect(page.locator("dt:has-text('申报渠道') + dd")).to_have_text("窗口受理")
    expect(page.locator("dt:has-text('申请人') + dd")).to_have_text("连州市示例科技有限公司")


def test_a_walk_in_applicants_unsent_form_never_fills_the_next_ones(web_server: str, browser_page: Any) -> None:
    """The counter's computer keeps the unsent form per applicant filed for (``?for=``): the next
    walk-in's form opens empty, not with the previous applicant's answers; and a clerk who has not
    named the applicant yet gets no earlier answers either."""
    from playwright.sync_api import expect

    base, page = web_server, browser_page
    login(page, base, "lz-clerk")
    name = page.locator(at("/enterpriseName") + " input")
    restored = page.locator("form.apply-form .note-info", has_text="已恢复")
    page.goto(f"{base}/web/#/hall/lianzhou/item/scjg-gssldj/apply?for=zhangsan&forName=%E5%BC%A0%E4%B8%89")
    name.fill("连州市张三的公司")
    page.wait_for_timeout(800)  # the draft is kept half a second after typing
    page.goto(f"{base}/web/#/hall/lianzhou/item/scjg-gssldj/apply?for=lisi&forName=%E6%9D%8E%E5%9B%9B")
    expect(page.locator(".person-picked")).to_contain_text("李四")
    expect(name).to_have_value("")
    expect(restored).to_have_count(0)
    page.goto(f"{base}/web/#/hall/lianzhou/item/scjg-gssldj/apply")
    expect(page.locator("form.apply-form")).to_be_visible()
    expect(name).to_have_value("")
    page.goto(f"{base}/web/#/hall/lianzhou/item/scjg-gssldj/apply?for=zhangsan&forName=%E5%BC%A0%E4%B8%89")
    expect(name).to_have_value("连州市张三的公司")  # the same applicant's form comes back
    expect(restored).to_be_visible()


def test_an_unclear_attachment_is_replaced_during_the_correction(web_server: str, browser_page: Any, tmp_path: Path) -> None:
    """补正 of an unclear scan: the clerk's one-time notice names the applicant's unreadable articles
    of association; the applicant replaces that very file on the case page (更换) and supplies; the
    clerk sees what was replaced (本次补正提交的内容, 已替换 under the material, the new file counted
    alone at the counter receipt)."""
    from playwright.sync_api import expect

    base, page = web_server, browser_page
    application, _ = _company_pdfs(tmp_path)
    unclear = tmp_path / "公司章程-模糊.pdf"
    unclear.write_bytes(make_pdf("公司章程（模糊）"))
    clear = tmp_path / "公司章程-清晰.pdf"
    clear.write_bytes(make_pdf("公司章程（重新扫描）"))

    case_url, _ = _applied(page, base, {"m01": application, "m02": unclear})

    # --- the clerk marks the unreadable scan in the one-time notice
    logout(page)
    login(page, base, "lz-clerk")
    page.goto(case_url)
    page.click("button[data-action=request_materials]")
    page.select_option(".param-form select[aria-label='标注不清晰或有误的文件']", label="公司章程：公司章程-模糊.pdf")
    page.fill(f".param-form {at('/missing/0/reason')} input", "扫描件不清晰，请重新扫描")
    page.click("button[data-confirm=request_materials]")
    expect(page.locator("#case-state")).to_have_text("待补齐材料")

    # --- the applicant replaces exactly that file and supplies
    logout(page)
    login(page, base, "zhangsan")
    page.goto(case_url)
    expect(page.locator("#correction-due")).to_contain_text("扫描件不清晰")
    actions, facts = page.locator("#actions").bounding_box(), page.locator(".case-side > section").first.bounding_box()
    assert actions and facts and actions["x"] + actions["width"] <= facts["x"], "the desktop keeps its two columns"
    row = page.locator("#case-materials .material-row[data-material=m02]")
    marked = row.locator(".chip-file.problem")
    expect(marked).to_contain_text("窗口指出：扫描件不清晰，请重新扫描")
    page.screenshot(path=str(tmp_path / "correction-marked-file.png"), full_page=True)
    marked.locator("input[type=file]").set_input_files(str(clear))
    expect(row.locator(".chips .chip-file")).to_have_text(re.compile("公司章程-清晰.pdf"))
    expect(row.locator(".history-file.replaced")).to_contain_text("已替换")
    expect(row.locator(".history-file.replaced")).to_contain_text("公司章程-模糊.pdf")
    expect(page.locator("#correction-due")).to_contain_text("已更换：公司章程“公司章程-模糊.pdf”→“公司章程-清晰.pdf”")
    # replacing the new scan by the same bytes is refused beside the file, in words only
    row.locator(".chips .chip-file input[type=file]").set_input_files(str(clear))
    expect(row.locator(".change-errors .error-summary")).to_contain_text("内容完全相同")
    expect(row.locator(".change-errors code.path")).to_have_count(0)
    # the replaced scan cannot come back through 补充材料: the refusal is on that file
    attach = page.locator(".attach-box")
    attach.locator(".material-row[data-material=m02] input[type=file]").set_input_files(str(unclear))
    expect(attach.locator(".material-row[data-material=m02] .chip-file")).to_contain_text("公司章程-模糊.pdf")
    attach.locator("button:has-text('提交补充的材料')").click()
    expect(attach.locator(".chip-file .field-error")).to_contain_text("与本办件补正时已被替换的“公司章程-模糊.pdf”内容完全相同")
    # a refusal of the case itself (`/id`) shows by the button: here the counter's computer was signed
    # in as the clerk in another tab meanwhile, and the clerk may not add the applicant's materials
    page.evaluate("""async () => {
      const query = 'mutation { login(username: "lz-clerk", password: "demo1234") { ... on LoginSuccess { token } } }';
      const answer = await (await fetch("/graphql", { method: "POST", headers: { "Content-Type": "application/json" },
                                                    body: JSON.stringify({ query }) })).json();
      localStorage.setItem("govhall.token", answer.data.login.token);
    }""")
    attach.locator("button:has-text('提交补充的材料')").click()
    expect(attach.locator(".attach-send .field-error")).to_have_text("只有本办件的申请人或代办人可以补充材料")
    expect(attach.locator(".error-summary code.path")).to_have_count(0)  # said in words, no JSON pointer
    login(page, base, "zhangsan")
    page.goto(case_url)
    expect(page.locator("#case-materials .material-row[data-material=m02] .chips .chip-file")).to_have_count(1)
    # on a phone, the connection drops while the answer to 确认补齐材料 comes back: the supply went
    # through; tapped again, the phone says it is done already (not 他人处理, no 版本) and shows the case so
    desktop = page.viewport_size
    page.set_viewport_size({"width": 390, "height": 844})
    lost = {"answers": 0}

    def lose_the_answer(route: Any) -> None:
        if "transitionCase" in (route.request.post_data or "") and not lost["answers"]:
            lost["answers"] += 1
            route.fetch()  # the server takes it...
            route.abort("connectionreset")  # ...and the answer never reaches the phone
        else:
            route.continue_()

    # 我可以 (补齐材料) right under the notice that asks to tap it, before 办理信息 and 文书
    notice, actions = page.locator("#correction-due").bounding_box(), page.locator("#actions").bounding_box()
    facts = page.locator(".case-side > section").first.bounding_box()
    assert notice and actions and facts
    assert notice["y"] + notice["height"] <= actions["y"] < facts["y"], (notice, actions, facts)
    assert actions["y"] - (notice["y"] + notice["height"]) < 40, (notice, actions)
    page.screenshot(path=str(tmp_path / "phone-supply.png"), full_page=True)
    # an iPhone's photo (HEIC) is refused with the way to send one that is taken
    heic = {"name": "IMG_0001.HEIC", "mimeType": "image/heic", "buffer": b"\x00\x00\x00\x18ftypheic\x00\x00\x00\x00mif1heic" + bytes(64)}
    extra = page.locator(".attach-box .material-row[data-material=m02]")
    extra.locator("input[type=file]").set_input_files(heic)
    expect(extra.locator(".field-error")).to_contain_text("IMG_0001.HEIC：不支持HEIC格式的照片")
    expect(extra.locator(".field-error")).to_contain_text("在iPhone“设置→相机→格式”中选择“兼容性最佳”")
    page.route("**/graphql", lose_the_answer)
    page.click("button[data-action=supply]")
    page.click("button[data-confirm=supply]")
    expect(page.locator(".action-result")).to_contain_text("无法连接服务器")
    page.click("button[data-confirm=supply]")
    expect(page.locator("#banner")).to_have_text(re.compile("^您已提交（补齐材料），无需重复提交"))
    expect(page.locator("#case-state")).to_have_text("已补齐，待窗口核验受理")
    expect(page.locator("#resubmission")).to_be_visible()
    assert lost["answers"] == 1
    page.unroute("**/graphql")
    page.set_viewport_size(desktop)

    # --- the clerk sees what was replaced, and only the new file counts
    logout(page)
    login(page, base, "lz-clerk")
    page.goto(case_url)
    expect(page.locator("#resubmission")).to_contain_text("已更换：公司章程“公司章程-模糊.pdf”→“公司章程-清晰.pdf”")
    row = page.locator("#case-materials .material-row[data-material=m02]")
    expect(row.locator(".badge.material-changed")).to_have_text("补正时已更换")
    expect(row.locator(".chips .chip-file")).to_contain_text("替换“公司章程-模糊.pdf”")
    expect(row.locator(".history-file.replaced")).to_contain_text("张三")
    expect(row.locator(".chips .chip-file button[data-withdraw]")).to_have_count(0)  # the clerk changes no file
    page.click("button[data-action=finish_on_spot]")
    expect(page.locator(".counter-receipt .receipt-row[data-material=m02] .uploaded-mark")).to_contain_text("已上传1份")
    page.screenshot(path=str(tmp_path / "replaced-attachment.png"), full_page=True)


def test_a_clerk_in_a_center_without_the_hall_floor_registers_a_walk_in_and_files_for_them(
    web_server: str, browser_page: Any, tmp_path: Path
) -> None:
    """Wengyuan enables no hall floor: its clerk registers the person at the counter, who has no
    online account, on the 工作台 (现场申请人), picks the item by its name and files the case for them
    as 窗口受理; the person is found again by the ID number, typed in lower case."""
    from playwright.sync_api import expect

    base, page = web_server, browser_page
    login(page, base, "wy-clerk")
    page.goto(f"{base}/web/#/work/wengyuan")
    expect(page.locator("#nav a", has_text="叫号")).to_have_count(0)  # no hall floor here
    page.click("#walk-in summary")
    walk_in = page.locator("form.walk-in")
    walk_in.locator("[name=idNumber]").fill("110105194912310021")
    walk_in.locator("[name=name]").fill("王现场")
    walk_in.locator("[name=mobile]").fill("13800138123")
    walk_in.locator("button[type=submit]").click()
    expect(walk_in.locator(f"{at('/idNumber')} .field-error")).to_contain_text("校验位")
    walk_in.locator("[name=idNumber]").fill("11010519491231002X")
    walk_in.locator("button[type=submit]").click()
    expect(walk_in.locator(".walk-in-result")).to_contain_text("已登记：王现场（11010519491231002X）")
    page.screenshot(path=str(tmp_path / "walk-in-registered.png"), full_page=True)
    page.select_option("#walk-in-item", label="有限责任公司设立登记")
    walk_in.locator(".walk-in-result button:has-text('代为申报')").click()
    expect(page).to_have_url(re.compile(r"#/hall/wengyuan/item/scjg-gssldj/apply\?for=party-\d+-[0-9a-f]{12}&"))
    expect(page.locator("form.apply-form .person-picked")).to_have_text("申请人：王现场")
    expect(page.locator(f"form.apply-form {at('/onBehalfOf')} .help")).to_contain_text("窗口受理")
    fill_company_registration(page)
    page.click("button:has-text('提交申请')")
    expect(page.locator(".success-box .case-number")).to_be_visible()
    page.click("a:has-text('查看办件')")
    expect(page.locator("#case-state")).to_have_text("待受理")
    expect(page.locator("dt:has-text('申报渠道') + dd")).to_have_text("窗口受理")
    expect(page.locator("dt:has-text('申请人') + dd")).to_have_text("连州市示例科技有限公司")

    # the next visit: found by the ID number (lower case x), not registered twice
    page.goto(f"{base}/web/#/work/wengyuan?walkin=1")
    walk_in.locator("[name=idNumber]").fill("11010519491231002x")
    walk_in.locator("button:has-text('按证件号码查找')").click()
    expect(walk_in.locator(".walk-in-result")).to_contain_text("已登记：王现场（11010519491231002X）")


def test_the_application_opened_for_a_walk_in_comes_with_its_name_and_id_number(web_server: str, browser_page: Any) -> None:
    """The name, ID number and mobile the clerk typed at 现场申请人 are in the item's form opened for the
    party (申请人名称或姓名, 身份证号码或统一社会信用代码, 联系手机), never typed twice; what the clerk changed in the form
    stays (the unsent form comes back as left, the registered name does not overwrite it)."""
    from playwright.sync_api import expect

    base, page = web_server, browser_page
    login(page, base, "wy-clerk")
    page.goto(f"{base}/web/#/work/wengyuan?walkin=1")
    walk_in = page.locator("form.walk-in")
    walk_in.locator("[name=idNumber]").fill("650102198503150031")
    walk_in.locator("[name=name]").fill("阿卜杜·热合曼")
    walk_in.locator("[name=mobile]").fill("13800138124")
    walk_in.locator("button[type=submit]").click()
    expect(walk_in.locator(".walk-in-result")).to_contain_text("已登记：阿卜杜·热合曼（650102198503150031）")
    page.select_option("#walk-in-item", value="lyj-lmcfxk")
    walk_in.locator(".walk-in-result button:has-text('代为申报')").click()
    name, number = page.locator(at("/applicantName") + " input"), page.locator(at("/applicantId") + " input")
    expect(name).to_have_value("阿卜杜·热合曼")
    expect(number).to_have_value("650102198503150031")
    expect(page.locator(at("/contactMobile") + " input")).to_have_value("13800138124")
    name.fill("阿卜杜·热合曼（林场）")
    page.wait_for_timeout(800)  # the draft is kept half a second after typing
    page.reload()
    expect(page.locator("#draft-restored")).to_be_visible()
    expect(name).to_have_value("阿卜杜·热合曼（林场）")
    expect(number).to_have_value("650102198503150031")
