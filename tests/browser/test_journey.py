"""The whole lifecycle of one competition in a real browser, with its people each in a
browser context of their own: the organizer, an applicant, judges on phones, a visitor
and the host community's liaison.

The organizer (desktop) sets up and opens a competition; an applicant signs up, registers
an organization, fills in the application over two sittings, is returned for amendment
and re-submits; judges score on phones (one declares a conflict and is replaced); the
worker computes the scores while the organizer's page shows the progress; the roadshow
runs live; results go on public notice, a visitor objects, the organizer answers and
finalizes; the funded project reports, the liaison confirms, the mid-term evaluation
passes and the money is released.

Where a step would only repeat what the browser already did once, the test uses the
services directly (each such place says so). Time passing (a stage ending, the 7 days
of the public notice) is simulated by moving dates through services.
"""

from __future__ import annotations

import re
from datetime import UTC, date, datetime, timedelta

import pytest
import sqlalchemy as sa
from playwright.sync_api import expect

from tests.browser.helpers import PASSWORD, Browsing, zh

pytestmark = pytest.mark.browser

COMPETITION = "澧阳市2027年社区公益微创投"
PREFIX = "WC2027"
PROJECT = "银龄互助·东湖邻里守望计划"
ORG = "澧阳市东湖长者关爱服务中心"
ORGANIZER = ("zhou.minghua@mzj.liyang.example", "周明华")
APPLICANT = ("li.chunmei@donghu-care.example", "李春梅")
LIAISON = ("zheng.hongxia@donghu.example", "郑红霞")
VISITOR = ("王建平", "13907310000", "wang.jianping@example.org")
PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
PNG = bytes.fromhex(
    "89504e470d0a1a0a0000000d4948445200000001000000010806000000"
    "1f15c4890000000d49444154789c6300010000050001a5f645400000000049454e44ae426082"
)


def local(dt: datetime) -> str:
    """A UTC datetime as the datetime-local value a person in Beijing types."""
    from venture.templating import LOCAL_TZ

    return dt.astimezone(LOCAL_TZ).strftime("%Y-%m-%dT%H:%M")


def now() -> datetime:
    return datetime.now(UTC).replace(second=0, microsecond=0)


# The stages and their days from the opening of the application window.
STAGE_PLAN = [
    ("Application window", 0, 21),
    ("Eligibility screening", 21, 28),
    ("Online expert review", 28, 42),
    ("Roadshow", 42, 46),
    ("Public notice", 46, 53),
    ("Agreement", 53, 60),
    ("Implementation", 58, 420),
    ("Mid-term evaluation", 230, 240),
    ("Final evaluation", 420, 450),
]


class Counting(Browsing):
    """A person whose clicks are counted: every click that loads a page, and the others
    made through ``tap`` (a checkbox, a button that adds a row)."""

    def __init__(self, *args, **kw):
        super().__init__(*args, **kw)
        self.clicks = 0

    def click(self, locator, *, status: int | None = None):
        self.clicks += 1
        return super().click(locator, status=status)

    def menu(self, top: str, item: str):
        self.clicks += 1  # the dropdown opens first
        return super().menu(top, item)

    def tap(self, locator):
        self.clicks += 1
        locator.click()

    def tick(self, locator):
        """Check a box (a click only when it is not checked yet)."""
        if not locator.is_checked():
            self.tap(locator)


# Clicks of the clerk's two longest errands, counted on this journey before the stage
# controls (2026-12-07): creating a competition (from the menu to "open") and deciding,
# approving and publishing (from the rankings to the public notice). They may only go down.
CLICKS_BEFORE = {"create a competition": 21, "decide, approve and publish": 7}
CLICKS: dict[str, int] = {}


class Journey:
    """What the journey remembers between its phases."""

    def __init__(self, server, desktop, phone, check_page, shot, readme_shot):
        self.server, self.desktop_, self.phone_ = server, desktop, phone
        self.check_page, self.shot, self.readme_shot = check_page, shot, readme_shot
        self.ids: dict[str, int] = {}

    def person(self, name: str, *, on_phone: bool = False) -> Counting:
        context = self.phone_() if on_phone else self.desktop_()
        return Counting(context.new_page(), self.check_page, self.shot, name)


# --- the story, phase by phase ------------------------------------------------------------------


def test_the_whole_journey(live_server, desktop, phone, check_page, shot, readme_shot):
    j = Journey(live_server, desktop, phone, check_page, shot, readme_shot)
    prepare_city(j)
    organizer_sets_up_the_competition(j)
    applicant_signs_up_and_registers(j)
    applicant_applies_in_two_sittings(j)
    organizer_returns_and_passes(j)
    judges_score_online(j)
    organizer_computes(j, "Online expert review", watch_progress=True)
    roadshow_runs_live(j)
    results_published(j)
    visitor_objects(j)
    organizer_answers_and_finalizes(j)
    project_is_followed(j)
    print("clicks (before → now):", {k: f"{CLICKS_BEFORE[k]} → {n}" for k, n in CLICKS.items()})
    for errand, clicks in CLICKS.items():
        assert clicks <= CLICKS_BEFORE[errand], (
            f"{errand}: {clicks} clicks, {CLICKS_BEFORE[errand]} before"
        )


def prepare_city(j: Journey) -> None:
    """Before the story: the first organizer account is made with the `venture
    create-organizer` service; the city's communities are data the bureau imported
    (the services stand in for the import)."""
    from tests import factories
    from venture.accounts.services import create_organizer

    with j.server.ctx():
        create_organizer(ORGANIZER[0], PASSWORD, ORGANIZER[1])
        places = factories.area_tree(
            "城东区", {"东湖街道": ["东湖社区", "望湖社区"], "丹桂街道": ["丹桂社区"]}
        )
        j.ids["community"] = places["东湖社区"].id


def organizer_sets_up_the_competition(j: Journey) -> None:
    o = j.organizer = j.person("organizer")
    o.log_in(ORGANIZER[0])
    o.shot("home")
    o.clicks = 0
    o.nav(zh("Competitions"))
    o.link(zh("New competition"))
    o.fill(zh("Name of the competition"), COMPETITION)
    o.fill(zh("Code prefix"), PREFIX)
    o.fill(zh("Theme"), "三社联动，邻里守望")
    o.fill(
        zh("Description"), "面向城东区登记的社会组织，资助落地社区的为老服务与儿童青少年服务项目。"
    )
    o.button(zh("Create the draft"))
    o.flash(zh("The competition has been created as a draft. Continue with its stages."))
    j.ids["competition"] = int(re.search(r"/competitions/(\d+)/", o.page.url).group(1))

    # Stages: the application window is open now; the rest follows (Beijing time).
    start = now() - timedelta(days=1)
    for stage, begin, end in STAGE_PLAN:
        o.fill(f"{zh(stage)} · {zh('Starts')}", local(start + timedelta(days=begin)))
        o.fill(f"{zh(stage)} · {zh('Ends')}", local(start + timedelta(days=end)))
    o.shot("setup-stages")
    o.button(zh("Save the dates"))
    o.flash(zh("The stage dates have been saved."))

    # Two categories with budgets that cannot fund every good project (a draft's setup
    # leads from one section to the next).
    expect(o.page.locator("h2")).to_contain_text(zh("Categories and budgets"))
    for name, budget, description in (
        ("为老服务", "100000", "高龄、独居、失能老人的关爱与互助"),
        ("儿童青少年", "80000", "困境儿童、留守儿童的陪伴与成长"),
    ):
        o.fill(zh("Name of the category"), name)
        o.fill(zh("Budget (yuan)"), budget)
        o.fill(zh("Description"), description)
        o.button(zh("Add"))
        o.flash(zh("The category %(name)s has been added.", name=name))

    # Money rules: at most 60,000 yuan and 60 % of the budget; management costs ≤ 10 %.
    o.link(zh("Money rules"))
    o.fill(zh("Maximum amount per project (yuan)"), "60000")
    o.fill(zh("Maximum share of the project budget that may be requested (%)"), "60")
    o.fill(zh("Management costs: at most (% of the budget)"), "10")
    o.fill(zh("Forbidden items"), "固定资产购置\n直接发放给服务对象的现金")
    o.button(zh("Save"))
    o.flash(zh("The money rules have been saved."))

    # The usual lines (宣传费, 活动物料费, 人员补贴 ≤ 40 %, 管理费 …) come with every new
    # competition; this one adds volunteers' training.
    o.select(zh("Group"), zh("Activity costs"))
    o.fill(zh("Budget line"), "志愿者培训费")
    o.button(zh("Add"))
    o.flash(zh("The budget line %(name)s has been added.", name="志愿者培训费"))

    o.link(zh("Eligibility and files"))
    o.tick(o.page.get_by_label(zh("Registration certificate"), exact=True))
    o.button(zh("Save"))
    o.flash(zh("The eligibility rules have been saved."))

    # The online review's rubric, criterion by criterion, adding up to 100.
    o.fill(zh("Name of the rubric"), "专家评审评分表")
    o.select(zh("Stage"), zh("Online expert review"))
    o.button(zh("Create and add criteria"))
    o.tap(o.page.get_by_role("button", name=zh("Add a criterion")))
    rows = o.page.locator("tbody [data-row]")
    expect(rows).to_have_count(4)
    for i, (name, maximum) in enumerate(
        (("需求分析", 25), ("项目设计", 30), ("可行性", 25), ("社会效益", 20))
    ):
        rows.nth(i).get_by_label(zh("Criterion"), exact=True).fill(name)
        rows.nth(i).get_by_label(zh("Maximum"), exact=True).fill(str(maximum))
    expect(o.page.locator("[data-sum]")).to_have_text("100.00")
    o.button(zh("Save the rubric"))
    o.flash(zh("The rubric has been saved."))
    o.shot("setup-rubric")

    # The roadshow's and the evaluations' rubrics are the same kind of form again: services.
    from tests import factories
    from venture.competitions.models import Competition

    with j.server.ctx():
        from venture.extensions import db

        comp = db.session.get(Competition, j.ids["competition"])
        factories.rubric(
            comp,
            "roadshow",
            [("路演表现", 30), ("项目设计", 40), ("团队能力", 30)],
            name="路演评分表",
        )
        factories.rubric(
            comp,
            "midterm",
            [("项目实施", 30), ("人力物资投入", 20), ("财务管理", 20), ("项目成效", 30)],
            name="中期评估评分表",
        )

    o.link(zh("Scoring stages"))
    for stage, rubric, weight in (
        ("Online expert review", "专家评审评分表 · v1", "0.4"),
        ("Roadshow", "路演评分表 · v1", "0.6"),
        ("Mid-term evaluation", "中期评估评分表 · v1", "0"),
    ):
        group = o.page.get_by_role("group", name=zh(stage), exact=True)
        o.select(zh("Rubric"), rubric, within=group)
        o.fill(zh("Weight in the final score"), weight, within=group)
    o.button(zh("Save"))
    o.flash(zh("The scoring settings have been saved."))

    o.link(zh("Open to applicants"), exact_name=False)  # the link carries a "ready" badge
    expect(o.page.get_by_role("status")).to_contain_text(
        zh(
            "The setup is complete."
            " Once open, the competition is listed for applicants and "
            "they can apply during the application window."
        )
    )
    o.button(zh("Open the competition"))
    o.flash(zh("The competition is open: applicants can see it and apply."))
    CLICKS["create a competition"] = o.clicks
    o.shot("competition-open")


def applicant_signs_up_and_registers(j: Journey) -> None:
    a = j.applicant = j.person("applicant")
    a.go("/")
    a.shot("home-visitor")
    a.link(zh("Register your organization"))
    a.fill(zh("Your name"), APPLICANT[1])
    a.fill(zh("Email"), APPLICANT[0])
    a.fill(zh("Password"), PASSWORD)
    a.fill(zh("Repeat the password"), PASSWORD)
    a.click(a.page.locator("main").get_by_role("button", name=zh("Sign up")))
    # The verification link, from the notice the app queued for the email (which the
    # worker delivers: without MAIL_SERVER, to instance/mail.log).
    link = j.server.latest_link(APPLICANT[0], "verify_email")
    j.server.wait_for_tasks()
    assert link in j.server.mail_log()
    a.go(link.removeprefix(j.server.url), status=None)
    a.flash(zh("Your email address is verified. You can log in now."))
    a.log_in(APPLICANT[0])

    from venture.orgs.uscc import make_uscc

    code = make_uscc("52439901MJY1234560"[:17])
    a.nav(zh("My organizations"))
    a.link(zh("Register an organization"))
    a.fill(zh("Organization name"), ORG)
    a.fill(zh("Unified social credit code"), code)
    a.fill(zh("Registration authority"), "澧阳市民政局")
    a.fill(zh("Registration date"), "2019-03-15")
    a.fill(zh("Legal representative"), "李春梅")
    a.fill(zh("Contact person"), "李春梅")
    a.fill(zh("Contact phone"), "0736-7123456")
    a.fill(zh("Contact email"), APPLICANT[0])
    a.fill(zh("Address"), "澧阳市城东区东湖街道东湖路18号")
    a.fill(
        zh("Business scope in the charter"),
        "为老年人提供社会工作服务、居家养老服务、志愿服务组织与培训。",
    )
    a.button(zh("Register"))
    a.flash(zh("%(name)s is registered. The organizer will verify its data.", name=ORG))
    j.ids["org"] = int(re.search(r"/orgs/(\d+)", a.page.url).group(1))
    a.shot("organization-registered")

    o = j.organizer
    o.nav(zh("Organizations"))
    o.link(ORG)
    o.button(zh("Verify"))
    a.go(f"/orgs/{j.ids['org']}")
    expect(a.page.locator("main")).to_contain_text(zh("Verified"))


def applicant_applies_in_two_sittings(j: Journey) -> None:
    a = j.applicant
    a.nav(zh("Competitions"))
    a.link(COMPETITION)
    a.button(zh("Start an application"))
    a.flash(zh("Your application has been started. It saves itself while you type."))
    j.ids["application"] = int(re.search(r"/applications/(\d+)/", a.page.url).group(1))

    # First sitting: the project, its beneficiaries, and the need half written.
    a.fill(zh("Project name"), PROJECT)
    a.select(zh("Category"), "为老服务")
    a.fill(zh("Period (months)"), "10")
    a.page.get_by_label("东湖社区", exact=True).check()
    a.button(zh("Save and continue"))
    a.fill(zh("Direct beneficiaries (people)"), "180")
    a.fill(zh("Indirect beneficiaries (people)"), "600")
    a.fill(zh("Who they are"), "东湖社区80岁以上高龄、独居及空巢老人，以及其家庭照顾者。")
    a.button(zh("Save and continue"))
    summary = "组织低龄老人与社区志愿者结对，为高龄独居老人提供每周探访、助餐陪诊与应急联络。"
    a.page.get_by_label(zh("Summary"), exact=True).press_sequentially(summary[:12], delay=10)
    a.page.get_by_label(zh("Summary"), exact=True).fill(summary)
    a.fill(
        zh("Need analysis"),
        "东湖社区60岁以上老人占户籍人口27%，独居高龄老人112人，子女多在外地工作，日常照料与应急求助缺口明显。",
    )
    # Nothing is clicked: the page saves what is typed by itself, then the page is closed.
    expect(a.page.locator("[data-autosave-status]")).to_contain_text(
        zh("All changes saved at {time}.").split("{time}")[0].strip(), timeout=10_000
    )
    a.shot("application-autosaved")
    a.page.close()

    # Second sitting, later: the draft is where it was left.
    a.page = a.page.context.new_page()
    a.go("/")
    a.nav(zh("My applications"))
    a.link(PROJECT)
    a.go(f"/applications/{j.ids['application']}/edit/need")
    expect(a.page.get_by_label(zh("Summary"), exact=True)).to_have_value(summary)
    a.button(zh("Save and continue"))
    a.fill(zh("Overall goal"), "建立以社区为依托、邻里互助为主体的高龄老人关爱网络。")
    a.fill(
        zh("Specific goals"),
        "1. 结对探访独居高龄老人100户；\n2. 培训助老志愿者40名；\n3. 开展健康讲座与义诊10场。",
    )
    a.button(zh("Save and continue"))
    a.fill(
        zh("Implementation plan"),
        "第一阶段（1–2月）需求调研与志愿者招募；第二阶段（3–8月）结对探访与助餐陪诊；"
        "第三阶段（9–10月）总结评估与经验推广。",
    )
    rows = a.page.locator("tbody [data-row]")
    for i, (name, month, deliverable) in enumerate(
        (("志愿者招募与培训", "2", "培训40名志愿者"), ("结对探访全面开展", "6", "中期报告"))
    ):
        a.fill(zh("Milestone"), name, within=rows.nth(i))
        a.fill(zh("Month"), month, within=rows.nth(i))
        a.fill(zh("Deliverable"), deliverable, within=rows.nth(i))
    a.button(zh("Save and continue"))
    a.fill(
        zh("Features (innovation, replicability)"), "以老助老、时间银行积分激励，可在其他社区复制。"
    )
    a.fill(
        zh("Risks and controls"),
        "志愿者流失：建立积分激励与督导机制；老人安全：购买意外险、双人探访。",
    )
    a.button(zh("Save and continue"))
    row = a.page.locator("tbody [data-row]").first
    a.fill(zh("Name"), "刘晓燕", within=row)
    a.fill(zh("Education"), "本科", within=row)
    a.select(zh("Social-work qualification"), zh("Social worker"), within=row)
    a.fill(zh("Role in the project"), "项目负责人", within=row)
    a.button(zh("Save and continue"))

    # The budget: management costs above the 10 % cap are refused with the reason.
    add_line = a.page.get_by_role("button", name=zh("Add a line"))
    add_line.click()
    add_line.click()
    lines = a.page.locator("tbody [data-row]")
    budget = (
        ("宣传费", "宣传折页与横幅", "5000"),
        ("活动物料费", "助餐与探访物资", "30000"),
        ("人员补贴", "社工与督导补贴", "35000"),
        ("管理费", "机构管理分摊", "30000"),
    )
    for i, (line, item, amount) in enumerate(budget):
        a.select(
            zh("Budget line"),
            f"{zh('Activity costs') if line != '管理费' else zh('Management costs')} · {line}",
            within=lines.nth(i),
        )
        a.fill(zh("Item"), item, within=lines.nth(i))
        a.fill(zh("Amount (yuan)"), amount, within=lines.nth(i))
    a.fill(zh("Amount requested (yuan)"), "50000")
    a.fill(zh("Co-funding (yuan)"), "50000")
    money = a.page.locator("[data-money-messages]")
    expect(money).to_contain_text(zh("Management costs"))  # the live check, before saving
    a.button(zh("Save"))
    expect(money.locator("li.text-danger")).to_contain_text(zh("Management costs"))
    a.shot("application-over-cap")
    j.readme_shot(a.page, "application-budget-zh", full_page=True)
    a.fill(zh("Amount (yuan)"), "8000", within=lines.nth(3))
    a.fill(zh("Amount (yuan)"), "52000", within=lines.nth(1))
    expect(money).to_contain_text(zh("The budget keeps every money rule."))
    a.button(zh("Save and continue"))

    for kind, name in (
        ("Registration certificate", "民办非企业单位登记证书.pdf"),
        ("Charter", "机构章程.pdf"),
    ):
        a.select(zh("Kind"), zh(kind))
        a.page.get_by_label(zh("File"), exact=True).set_input_files(
            {"name": name, "mimeType": "application/pdf", "buffer": PDF}
        )
        a.button(zh("Upload"))
        a.flash(zh("The file has been attached."))
    a.link(f"10. {zh('Pledge and submission')}", exact_name=False)
    expect(a.page.get_by_role("status").first).to_contain_text(
        zh("Everything is filled in and within the rules.")
    )
    a.page.get_by_label(
        re.compile(
            re.escape(
                zh(
                    "We pledge that everything in this application is true and complete, "
                    "and accept the rules of the competition."
                )[:12]
            )
        )
    ).check()
    a.button(zh("Submit the application"))
    a.flash(
        zh(
            "Your application %(code)s has been submitted (revision %(n)d).",
            code=f"{PREFIX}-001",
            n=1,
        )
    )
    a.shot("application-submitted")


def organizer_returns_and_passes(j: Journey) -> None:
    o, a = j.organizer, j.applicant
    o.nav(zh("Competitions"))
    o.link(
        zh("Applications"),
        within=o.page.get_by_role("row", name=re.compile(re.escape(COMPETITION))),
    )
    o.link(PROJECT)
    o.fill(zh("What needs to be amended"), "请在实施计划中补充志愿者培训与督导安排。")
    o.fill(zh("Re-submit by (Beijing time)"), local(now() + timedelta(days=5)))
    o.button(zh("Return for amendment"))
    o.shot("screening-returned")

    a.go(f"/applications/{j.ids['application']}")
    expect(a.page.locator("main")).to_contain_text("请在实施计划中补充志愿者培训与督导安排。")
    a.go(f"/applications/{j.ids['application']}/edit/plan")
    plan = a.page.get_by_label(zh("Implementation plan"), exact=True)
    plan.fill(plan.input_value() + "\n志愿者培训：岗前培训8学时，每月一次督导会，由持证社工带领。")
    a.button(zh("Save"))
    a.go(f"/applications/{j.ids['application']}/edit/submit")
    a.button(zh("Re-submit the application"))
    a.flash(
        zh(
            "Your application %(code)s has been submitted (revision %(n)d).",
            code=f"{PREFIX}-001",
            n=2,
        )
    )

    o.page.reload()
    o.check_page(o.page)
    o.link(zh("What changed since revision %(n)d", n=1))
    expect(o.page.locator("main")).to_contain_text("志愿者培训：岗前培训8学时")
    o.shot("screening-diff")
    j.readme_shot(o.page, "revision-diff-zh")
    o.page.go_back()
    o.check_page(o.page)
    o.button(zh("Pass the screening"))
    expect(o.page.locator("main")).to_contain_text(zh("Passed screening"))


# --- background: the other applicants and the judges, through services -------------------------

OTHERS = [  # organization, applicant, project, category, requested yuan
    (
        "澧阳市望湖社会工作服务中心",
        ("zhang.weidong@wanghu-sw.example", "张卫东"),
        "望湖长者助餐与陪诊服务",
        "为老服务",
        60000,
    ),
    (
        "澧阳市丹桂青少年发展中心",
        ("wu.xiuying@dangui-youth.example", "吴秀英"),
        "丹桂留守儿童四点半课堂",
        "儿童青少年",
        40000,
    ),
]
JUDGES = [  # the first is invited through the browser; the others come from the expert pool
    ("chen.liqun@lyu.example", "陈立群", "澧阳学院社会工作系"),
    ("liu.wenjing@lyu.example", "刘文静", "澧阳市社会工作协会"),
    ("wang.jianguo@lyu.example", "王建国", "澧阳市老年学学会"),
    ("yang.xiaoyan@lyu.example", "杨晓燕", "澧阳市城东区民政局"),
]


def other_applications(j: Journey) -> None:
    """Two more organizations apply and pass the screening (as the first one did in the browser)."""
    from flask import current_app

    from tests import factories
    from venture.accounts.models import User
    from venture.applications.models import Application, BudgetLine, PlanMilestone, TeamMember
    from venture.applications.services import add_attachment, pass_application, submit_application
    from venture.competitions.models import Competition
    from venture.extensions import db
    from venture.orgs.models import Area

    with j.server.ctx(), current_app.test_request_context():
        comp = db.session.get(Competition, j.ids["competition"])
        organizer = db.session.scalar(sa.select(User).where(User.email == ORGANIZER[0]))
        rules = {r.name: r for r in comp.budget_rules}
        categories = {c.name: c for c in comp.categories}
        community = db.session.get(Area, j.ids["community"])
        for n, (org_name, (email, name), project, category, requested) in enumerate(
            OTHERS, start=1
        ):
            member = factories.applicant(email=email, name=name, password=PASSWORD)
            org = factories.organization(
                members=[member],
                name=org_name,
                registration_date=date(2017, 6, n),
                uscc=factories.uscc("2", 7000 + n, region="439901"),
            )
            app = Application(
                competition_id=comp.id,
                organization_id=org.id,
                category_id=categories[category].id,
                project_name=project,
                period_months=10,
                direct_beneficiaries=150,
                indirect_beneficiaries=500,
                summary=f"{project}：服务社区有需要的居民。",
                need_analysis="社区调研显示需求明显。",
                overall_goal="提升服务对象的生活质量。",
                specific_goals="服务150人次以上。",
                implementation_plan="分三个阶段实施。",
                features="社区志愿者共同参与。",
                risks="安全风险：购买保险。",
                pledge=True,
                requested_fen=requested * 100,
                cofunding_fen=requested * 100,
                created_by_id=member.id,
            )
            app.communities.append(community)
            app.milestones.append(
                PlanMilestone(position=0, name="启动", month=1, deliverable="启动会")
            )
            app.team.append(
                TeamMember(position=0, name=f"{name[0]}社工", education="本科", role="项目负责人")
            )
            total = requested * 2 * 100
            for i, (line, share) in enumerate(
                (
                    ("宣传费", 10),
                    ("活动物料费", 40),
                    ("人员补贴", 35),
                    ("专家劳务费", 7),
                    ("管理费", 8),
                )
            ):
                app.budget_lines.append(
                    BudgetLine(
                        position=i,
                        rule_id=rules[line].id,
                        item=line,
                        amount_fen=total * share // 100,
                    )
                )
            db.session.add(app)
            db.session.flush()
            for kind in ("registration", "charter"):
                add_attachment(app, factories.pdf_upload(f"{kind}.pdf"), kind=kind, actor=member)
            submit_application(app, actor=member)
            pass_application(app, actor=organizer)
            j.ids[f"other{n}"] = app.id


def time_passes(j: Journey, stage_name: str, *, days_into: float = 0.5) -> None:
    """Simulate time passing: move every stage so that ``stage_name`` began ``days_into``
    days ago (through the competition service, as the organizer's dates page would)."""
    from venture.accounts.models import User
    from venture.competitions.models import Competition, StageKind
    from venture.competitions.services import update_stage_dates
    from venture.extensions import db

    begin = dict((name, b) for name, b, _e in STAGE_PLAN)[stage_name]
    base = now() - timedelta(days=begin + days_into)
    with j.server.ctx():
        comp = db.session.get(Competition, j.ids["competition"])
        organizer = db.session.scalar(sa.select(User).where(User.email == ORGANIZER[0]))
        kinds = dict(zip((name for name, _b, _e in STAGE_PLAN), StageKind, strict=True))
        update_stage_dates(
            comp,
            {
                kinds[name]: (base + timedelta(days=b), base + timedelta(days=e))
                for name, b, e in STAGE_PLAN
            },
            actor=organizer,
        )


STAGE_LABELS = {
    "application": "Application window",
    "online_review": "Online expert review",
    "roadshow": "Roadshow",
    "publicity": "Public notice",
    "midterm": "Mid-term evaluation",
}


def control_stage(j: Journey, kind: str, action: str, reason: str) -> None:
    """The organizer opens, closes or extends a stage on its control page, with a reason
    (the people it affects are told; the audit log keeps it)."""
    o = j.organizer
    o.go(f"/competitions/{j.ids['competition']}/stage-controls")
    o.link(zh("Control"), within=o.page.locator(f'tr[data-stage="{kind}"]'), exact_name=False)
    o.fill(zh("Reason"), reason)
    o.button(zh(action))
    done = {
        "Open now": "%(stage)s is open now.",
        "Close now": "%(stage)s has been closed.",
        "Extend": "%(stage)s has been extended.",
    }[action]
    o.flash(zh(done, stage=zh(STAGE_LABELS[kind])))
    o.shot(f"stage-{kind}-{action.lower().replace(' ', '-')}")


def score_by_service(
    j: Journey, stage_kind: str, application_key: str, judge_email: str, scores: list
) -> None:
    """A judge's sheet submitted through the services (what the phone page does)."""
    from venture.accounts.models import User
    from venture.applications.models import Application
    from venture.extensions import db
    from venture.judging import policies
    from venture.judging.services.conflicts import confirm_no_conflict
    from venture.judging.services.sheets import save_sheet

    with j.server.ctx():
        app = db.session.get(Application, j.ids[application_key])
        stage = app.competition.stage(stage_kind)
        judge = db.session.scalar(sa.select(User).where(User.email == judge_email))
        confirm_no_conflict(judge, policies.active_assignment(judge, stage.id, app.id))
        data = {f"score-{c.id}": str(s) for c, s in zip(stage.rubric.criteria, scores, strict=True)}
        save_sheet(
            judge,
            stage,
            app,
            {**data, "confidence": "4", "recommendation": "fund"},
            version=0,
            submit=True,
        )


def judges_of(j: Journey, stage_kind: str, application_key: str) -> list[str]:
    from venture.applications.models import Application
    from venture.extensions import db
    from venture.judging.models import Assignment, AssignmentStatus

    with j.server.ctx():
        app = db.session.get(Application, j.ids[application_key])
        stage = app.competition.stage(stage_kind)
        rows = db.session.scalars(
            sa.select(Assignment)
            .where(
                Assignment.stage_id == stage.id,
                Assignment.application_id == app.id,
                Assignment.status == AssignmentStatus.ACTIVE,
            )
            .order_by(Assignment.id)
        )
        return [a.judge.email for a in rows]


def phone_sheet(p: Browsing, scores: list, *, recommendation: str = "Fund") -> None:
    """Fill in and submit the score sheet shown on a judge's phone."""
    for criterion, score in zip(
        p.page.locator("fieldset[data-criterion]").all(), scores, strict=True
    ):
        criterion.get_by_role("spinbutton").fill(str(score))
    p.select(zh("Your confidence in this assessment"), "4")
    p.page.get_by_label(zh(recommendation), exact=True).check()
    p.button(zh("Submit"))


def judges_score_online(j: Journey) -> None:
    o = j.organizer
    other_applications(j)
    # One judge joins through the organizer's invitation; the other three were imported
    # from the city's expert pool (services: the same form three more times).
    from tests import factories

    o.menu(zh("Judging"), zh("Judge pool"))
    o.link(zh("Invite a judge"))
    email, name, employer = JUDGES[0]
    o.fill(zh("Name"), name)
    o.fill(zh("Email"), email)
    o.fill(zh("Title"), "副教授")
    o.fill(zh("Employer"), employer)
    o.fill(zh("Expertise"), "为老服务、社区治理")
    o.button(zh("Send the invitation"))
    with j.server.ctx():
        for email_, name_, employer_ in JUDGES[1:]:
            factories.judge_with_profile(
                email=email_, name=name_, employer=employer_, password=PASSWORD
            )

    j.judges = {}
    first = j.judges[email] = j.person("judge-chen", on_phone=True)
    first.go(j.server.latest_link(email, "invitation").removeprefix(j.server.url))
    first.fill(zh("New password"), PASSWORD)
    first.fill(zh("Repeat the password"), PASSWORD)
    first.button(zh("Create my account"))
    first.flash(zh("Welcome! Your account is ready."))

    # The applications are screened: the bureau closes the application window and opens
    # the online review now, weeks before its planned date (the judges are told).
    control_stage(j, "application", "Close now", "全部申报已完成资格审查，提前截止申报。")
    control_stage(
        j, "online_review", "Open now", "资格审查提前完成，经局务会同意提前开始专家评审。"
    )
    o.menu(zh("Judging"), zh("Scoring stages"))
    o.link(
        zh("Online expert review"),
        within=o.page.get_by_role("row").filter(has_text=zh("Online expert review")),
    )
    o.fill(zh("Judges per application"), "3")
    o.button(zh("Save the settings"))
    o.flash(zh("The settings have been saved."))
    o.button(zh("Assign judges automatically"))
    expect(o.page.locator("main")).to_contain_text(PROJECT)
    o.shot("assignments")

    # On their phones, the three judges of our project; the first has a conflict.
    assigned = judges_of(j, "online_review", "application")
    spare = next(e for e, _n, _w in JUDGES if e not in assigned)
    for n, judge_email in enumerate(assigned):
        p = j.judges.get(judge_email) or j.person(f"judge-{n}", on_phone=True)
        if judge_email not in j.judges:
            j.judges[judge_email] = p
            p.log_in(judge_email)
        p.nav(zh("My reviews"))
        p.link(zh("Score now"), within=p.page.get_by_role("row").filter(has_text=PROJECT))
        if n == 0:
            p.shot("declare-conflict")
            p.fill(zh("Reason"), "本人曾担任该机构的督导顾问，需回避。")
            p.button(zh("Declare the conflict"))
            p.flash(
                zh(
                    "Your conflict of interest has been recorded; another judge has been assigned in your "
                    "place."
                )
            )
            continue
        p.button(zh("I confirm I have no conflict of interest"))
        phone_sheet(p, [22, 26, 21, 17] if n == 1 else [21, 27, 22, 18])
        p.flash(zh("Your sheet has been submitted. Thank you."))
    assert spare in judges_of(j, "online_review", "application"), (
        "the declared conflict was not replaced"
    )

    # The replacement judge gets the application and scores it on the phone.
    p = j.judges.get(spare) or j.person("judge-replacement", on_phone=True)
    if spare not in j.judges:
        j.judges[spare] = p
        p.log_in(spare)
    p.nav(zh("My reviews"))
    p.link(zh("Score now"), within=p.page.get_by_role("row").filter(has_text=PROJECT))
    p.button(zh("I confirm I have no conflict of interest"))
    p.shot("sheet-phone")
    phone_sheet(p, [23, 25, 22, 18])
    p.flash(zh("Your sheet has been submitted. Thank you."))

    # The other applications' sheets come through the services.
    for key, scores in (("other1", [18, 22, 18, 14]), ("other2", [20, 24, 20, 16])):
        for judge_email in judges_of(j, "online_review", key):
            score_by_service(j, "online_review", key, judge_email, scores)


def organizer_computes(j: Journey, stage: str, *, watch_progress: bool) -> None:
    """The organizer asks for a stage's computation; the worker runs it while the page
    shows the progress, and the page reloads itself when the job is done."""
    o = j.organizer
    o.nav(zh("Rankings"))
    o.link(zh("Open"), within=o.page.get_by_role("row").filter(has_text=COMPETITION))
    card = o.page.get_by_role("region", name=zh(stage), exact=True)
    with j.server.hold("venture.compute_stage") as worker:
        o.button(zh("Compute now"), within=card)
        o.flash(zh("The computation has started. This page shows its progress."))
        expect(card.locator("[data-job-url]")).to_be_visible()
        if watch_progress:
            o.shot(f"compute-{stage}-progress")
        worker.set()  # the worker takes the job; the page polls and reloads when it is done
    expect(card.get_by_role("link", name=zh("View the ranking"))).to_be_visible(timeout=30_000)
    o.page.wait_for_load_state("load")
    o.check_page(o.page)
    o.link(zh("View the ranking"), within=o.page.get_by_role("region", name=zh(stage), exact=True))
    expect(o.page.locator("main")).to_contain_text(PROJECT)
    o.shot(f"ranking-{stage}")


def roadshow_runs_live(j: Journey) -> None:
    control_stage(j, "online_review", "Close now", "全部评审表已提交，专家评审提前结束。")
    control_stage(j, "roadshow", "Open now", "路演场地已落实，提前举行路演。")
    _roadshow_session_started(j)

    # The judges open the live page on their phones, before the first project starts.
    for p in j.judges.values():
        p.go("/")
        p.link(zh("Roadshow live: %(name)s", name="城东区专场路演"))
        expect(p.page.locator("main")).to_contain_text(zh("Waiting for the next project…"))

    slots = (("application", [27, 36, 26]), ("other1", [22, 30, 21]), ("other2", [24, 33, 24]))
    for position, (key, scores) in enumerate(slots, start=1):
        _roadshow_project_scored(j, position, key, scores)
    o = j.organizer
    o.button(zh("End the session"))
    expect(o.page.locator("main")).to_contain_text(zh("This session has ended."))
    for p in j.judges.values():
        expect(p.page.locator("main")).to_contain_text(
            zh("The session has ended. Thank you."), timeout=15_000
        )


def _roadshow_session_started(j: Journey) -> None:
    """The organizer creates the session with three projects, assigns judges, starts it."""
    o = j.organizer
    o.menu(zh("Judging"), zh("Scoring stages"))
    o.link(zh("Roadshow sessions"))
    o.fill(zh("Name of the session"), "城东区专场路演")
    o.fill(zh("Venue"), "澧阳市社会组织孵化基地报告厅")
    o.fill(zh("Date and time (Beijing time)"), local(now() + timedelta(minutes=30)))
    o.button(zh("Create the session"))
    pick = o.page.get_by_label(zh("Application"), exact=True)
    for key in ("application", "other1", "other2"):
        pick.select_option(value=str(j.ids[key]))
        o.button(zh("Add"))
    o.link(zh("Assign judges"))
    o.fill(zh("Judges per application"), "3")
    o.button(zh("Save the settings"))
    o.button(zh("Assign judges automatically"))

    o.link(zh("Roadshow sessions"))
    o.link(zh("Control room"))
    o.button(zh("Start the session"))
    o.shot("roadshow-control-started")


def _roadshow_project_scored(j: Journey, position: int, key: str, scores: list[int]) -> None:
    """The organizer moves to the next project; its judges score it on their phones (the last
    project's sheets by services, to keep the run short); the control room closes it."""
    o = j.organizer
    with j.server.ctx():
        from venture.applications.models import Application
        from venture.extensions import db

        code = db.session.get(Application, j.ids[key]).code
    o.button(zh("Next: %(code)s", code=code))
    scorers = judges_of(j, "roadshow", key)
    for email, p in j.judges.items():
        # Each phone follows the pointer by itself (it polls the session's state).
        if email in scorers and key != "other2":
            _phone_scores(j, p, code, scores, first=position == 1 and email == scorers[0])
        elif email not in scorers:
            expect(p.page.locator("main")).to_contain_text(code, timeout=15_000)
            p.check_page(p.page)
    if key == "other2":  # the last project's sheets: services, to keep the run short
        for email in scorers:
            score_by_service(j, "roadshow", key, email, scores)
    # The control room shows who has submitted, then closes the project.
    judge_list = o.page.locator("[data-judge-list]")
    expect(judge_list.locator(".text-success")).to_have_count(len(scorers), timeout=15_000)
    if position == 1:
        o.shot("roadshow-control-submitted")
        j.readme_shot(o.page, "roadshow-control-zh")
    o.button(zh("Close this project and show its scores"))


def _phone_scores(j: Journey, p, code: str, scores: list[int], *, first: bool) -> None:
    """A judge's phone shows the project; the judge confirms no conflict and scores it."""
    heading = p.page.get_by_role("heading", name=re.compile(re.escape(code)))
    expect(heading).to_be_visible(timeout=15_000)
    p.check_page(p.page)
    p.button(zh("I confirm I have no conflict of interest"))
    if first:
        p.shot("roadshow-live-phone")
        j.readme_shot(p.page, "roadshow-live-phone-zh")
    phone_sheet(p, scores)
    p.flash(zh("Your sheet has been submitted. Thank you."))


def results_published(j: Journey) -> None:
    """The roadshow's scores and the final ranking, then proposals approved for public notice."""
    o = j.organizer
    organizer_computes(j, "Roadshow", watch_progress=False)
    o.clicks = 0
    o.nav(zh("Rankings"))
    o.link(zh("Open"), within=o.page.get_by_role("row").filter(has_text=COMPETITION))
    o.button(zh("Combine the stages and draw the funding line"))
    o.flash(zh("The final ranking and the funding line are computed."))
    expect(o.page.locator("main")).to_contain_text(PROJECT)
    o.shot("final-ranking")

    o.link(zh("Next: the proposed decisions"))
    o.button(zh("Generate proposed decisions"))
    o.flash(zh("Proposed decisions generated from the latest final ranking."))
    ours = o.page.get_by_role("row").filter(has_text=PROJECT)
    expect(ours).to_contain_text(zh("Funded"))
    # 为老服务's budget (100,000) cannot fund the second project (60,000) after ours (50,000).
    expect(o.page.get_by_role("row").filter(has_text=OTHERS[0][2])).not_to_contain_text(
        zh("Funded")
    )
    o.fill(
        zh("How to object (shown on the public page)"),
        "书面异议请加盖公章，寄送澧阳市民政局社会组织管理科；咨询电话 0736-7000000。",
    )
    # The 公示 was planned weeks ahead; the selection finished early, so it opens now.
    o.tick(
        o.page.get_by_label(
            zh("Open the public notice now instead of on its planned dates"), exact=True
        )
    )
    o.button(zh("Approve and open the public notice"))
    o.flash(zh("The results are on public notice now."))
    CLICKS["decide, approve and publish"] = o.clicks
    o.shot("decisions-approved")


def visitor_objects(j: Journey) -> None:
    v = j.visitor = j.person("visitor")
    v.go("/results")
    v.link(COMPETITION, exact_name=False)
    expect(v.page.locator("main")).to_contain_text(PROJECT)
    v.shot("public-notice")
    j.readme_shot(v.page, "public-notice-zh")
    v.link(zh("File an objection"))
    v.select(zh("Project objected to"), f"{PREFIX}-002 · {OTHERS[0][2]}（{OTHERS[0][0]}）")
    v.fill(zh("Your real name"), VISITOR[0])
    v.fill(zh("Phone"), VISITOR[1])
    v.fill(zh("Email (optional)"), VISITOR[2])
    v.fill(
        zh("Your objection and its grounds"),
        "望湖长者助餐与陪诊服务在路演中得分明显偏低，本人作为望湖社区居民，了解该项目已服务多年，"
        "请复核路演评分是否存在计分错误。",
    )
    v.button(zh("Submit the objection"))
    j.receipt = v.page.get_by_test_id("receipt-code").inner_text().strip()
    v.shot("objection-filed")


def organizer_answers_and_finalizes(j: Journey) -> None:
    o, v = j.organizer, j.visitor
    o.go("/")  # the home page says an objection waits for an answer
    o.link(zh("Answer"))
    o.link(zh("Answer"))
    o.page.get_by_label(zh("Dismiss"), exact=True).check()
    o.fill(
        zh("Reply to the objector"),
        "经复核，路演评分记录完整、计分无误：该项目在“为老服务”类别排名第二，"
        "因类别预算所限未获资助，已列入候补。感谢您的监督。",
    )
    o.button(zh("Send the answer"))
    o.flash(zh("The objection has been answered."))

    v.go("/results/objections/lookup")
    v.fill(zh("Receipt code"), j.receipt)
    v.fill(zh("Phone given with the objection"), VISITOR[1])
    v.button(zh("Look up"))
    expect(v.page.locator("main")).to_contain_text("经复核，路演评分记录完整")

    # Before its legal minimum the 公示 cannot close early: the page says from when it can.
    o.go(f"/competitions/{j.ids['competition']}/stage-controls/publicity")
    expect(o.page.locator("main")).to_contain_text(zh("Legal minimum"))
    expect(o.page.get_by_role("button", name=zh("Close now"))).to_be_disabled()
    # The legal minimum passes (the only wait the journey simulates: its start moves back),
    # and the bureau closes the 公示 now instead of waiting for its planned end.
    from venture.competitions.models import MIN_PUBLICITY_DAYS, Stage, StageKind
    from venture.extensions import db
    from venture.results.models import Publication

    with j.server.ctx():
        publication = db.session.scalar(
            sa.select(Publication).where(Publication.competition_id == j.ids["competition"])
        )
        stage = db.session.scalar(
            sa.select(Stage).where(
                Stage.competition_id == j.ids["competition"], Stage.kind == StageKind.PUBLICITY
            )
        )
        publication.publicity_starts_at -= timedelta(days=MIN_PUBLICITY_DAYS, hours=1)
        stage.actual_opens_at = publication.publicity_starts_at
        db.session.commit()
    control_stage(j, "publicity", "Close now", "公示已满法定最短期限，异议均已答复，提前结束公示。")
    expect(o.page.get_by_test_id("stage-state")).to_contain_text(zh("closed"))
    # The agreement months pass: the implementation began 100 days ago.
    time_passes(j, "Implementation", days_into=100)

    o.nav(zh("Results"))
    o.link(zh("Open"), within=o.page.get_by_role("row").filter(has_text=COMPETITION))
    o.button(zh("Finalize the results"))
    o.flash(zh("The results are final. Nothing that feeds them can change any more."))
    o.shot("results-final")


def today() -> str:
    from venture.templating import LOCAL_TZ

    return datetime.now(LOCAL_TZ).date().isoformat()


def project_is_followed(j: Journey) -> None:
    o, a = j.organizer, j.applicant
    # The host community's liaison joins through the organizer's invitation.
    o.nav(zh("Communities"))
    o.link("东湖社区")
    o.fill(zh("Name"), LIAISON[1])
    o.fill(zh("Email"), LIAISON[0])
    o.button(zh("Send the invitation"))
    li = j.liaison = j.person("liaison")
    li.go(j.server.latest_link(LIAISON[0], "invitation").removeprefix(j.server.url))
    li.fill(zh("New password"), PASSWORD)
    li.fill(zh("Repeat the password"), PASSWORD)
    li.button(zh("Create my account"))

    # The agreement: signed, uploaded by the organization, confirmed by the organizer.
    a.go("/")
    a.nav(zh("Funded projects"))
    a.link(PROJECT)
    j.ids["project"] = int(re.search(r"/projects/(\d+)", a.page.url).group(1))
    a.link(zh("Upload the signed agreement"))
    a.fill(zh("Signed on"), today())
    a.page.get_by_label(zh("Signed agreement (PDF or image)"), exact=True).set_input_files(
        {"name": "项目资助协议（盖章）.pdf", "mimeType": "application/pdf", "buffer": PDF}
    )
    a.button(zh("Save the agreement"))
    a.flash(zh("The agreement has been saved. The organizer will confirm it."))

    o.nav(zh("Follow-up"))
    o.link(PROJECT)
    o.link(zh("Open the agreement"))
    o.button(zh("Confirm the agreement"))
    o.button(zh("Release"), within=o.page.get_by_test_id("tranche-1"))
    expect(o.page.get_by_test_id("tranche-1")).to_contain_text(zh("Released"))

    # A progress report with an activity in the host community, with a photo.
    a.go(f"/followup/projects/{j.ids['project']}")
    a.page.get_by_role("region", name=zh("Progress reports")).get_by_role("link").first.click()
    a.page.wait_for_load_state()
    a.check_page(a.page)
    a.link(zh("Add an activity"))
    a.fill(zh("Type of activity"), "入户探访")
    a.fill(zh("Participants"), "26")
    a.fill(zh("Of whom residents of the community"), "22")
    a.fill(zh("Description"), "志愿者两人一组走访独居高龄老人22户，测量血压并登记助餐需求。")
    a.page.get_by_label(zh("Photos"), exact=True).set_input_files(
        {"name": "探访现场.png", "mimeType": "image/png", "buffer": PNG}
    )
    a.button(zh("Add to the report"))
    a.page.get_by_role("textbox", name=zh("Summary of the period")).fill(
        "本季度完成志愿者招募培训40人，结对探访独居高龄老人22户，建立助餐需求台账。"
    )
    a.button(zh("Submit the report"))
    a.shot("report-submitted")

    li.nav(zh("Projects in my communities"))
    li.link(zh("Confirm or dispute"))
    li.select(zh("Your review"), zh("Confirm"))
    li.fill(zh("Note (required to dispute)"), "活动属实，社区工作人员全程参与。")
    li.button(zh("Send the review"))
    expect(li.page.locator("main")).to_contain_text(zh("Confirmed by the community"))
    li.shot("activity-confirmed")

    # The mid-term evaluation: the self-assessment first, then the evaluators.
    a.go(f"/followup/projects/{j.ids['project']}")
    a.link(zh("Mid-term evaluation"))
    a.fill(
        zh("Self-assessment"), "项目按计划推进：探访、助餐、陪诊均达到中期目标，资金使用符合预算。"
    )
    a.fill(zh("Self score (0–100)"), "86")
    a.page.get_by_label(zh("Report (PDF or Word)"), exact=True).set_input_files(
        {"name": "中期自评报告.pdf", "mimeType": "application/pdf", "buffer": PDF}
    )
    a.page.get_by_label(zh("Spending ledger (Excel or PDF)"), exact=True).set_input_files(
        {"name": "资金使用台账.pdf", "mimeType": "application/pdf", "buffer": PDF}
    )
    a.button(zh("Submit the self-assessment"))
    a.flash(zh("The self-assessment has been submitted; evaluators will now score the project."))

    control_stage(j, "midterm", "Open now", "项目进展顺利，提前开展中期评估。")
    o.go(f"/followup/projects/{j.ids['project']}")
    o.link(zh("Mid-term evaluation"))
    o.fill(zh("Number of evaluators"), "3")
    o.button(zh("Assign evaluators"))
    o.flash(zh("%(n)d evaluator(s) assigned.", n=3))

    evaluators = judges_of(j, "midterm", "application")
    p = j.judges[evaluators[0]]  # one evaluator scores on the phone, the others through services
    p.go("/")
    p.nav(zh("My reviews"))
    p.link(zh("Score now"), within=p.page.get_by_role("row").filter(has_text=PROJECT))
    p.button(zh("I confirm I have no conflict of interest"))
    phone_sheet(p, [26, 17, 17, 26])
    p.flash(zh("Your sheet has been submitted. Thank you."))
    for email, scores in zip(evaluators[1:], ([25, 16, 18, 25], [27, 17, 16, 26]), strict=True):
        score_by_service(j, "midterm", "application", email, scores)

    o.page.reload()
    o.check_page(o.page)
    expect(o.page.locator("main")).to_contain_text(zh("Passed"))
    o.shot("midterm-passed")
    o.go(f"/followup/projects/{j.ids['project']}")
    o.button(zh("Release"), within=o.page.get_by_test_id("tranche-2"))
    expect(o.page.get_by_test_id("tranche-2")).to_contain_text(zh("Released"))
    o.shot("project-tranche-released")
    j.readme_shot(o.page, "project-zh")
