"""Every route of the app, with every role, against the expected answer.

The table below names, for each endpoint, who may use it (its audience) and which
objects of a shared world fill its URL. A route without an entry fails the test, so no
new route escapes the role matrix.

GET requests are made by every role: the audience gets a page (2xx, or a redirect that
is not to the login page); everyone else gets 403 (or 404 where a resource is hidden),
and anonymous visitors are sent to the login page. POST requests are made only by those
outside the audience (they must be refused before anything happens), so the world stays
as it was for the next route.
"""

from __future__ import annotations

from dataclasses import dataclass

import pytest
import sqlalchemy as sa

from venture.extensions import db

ROLES = [
    "anon",
    "owner",
    "other",
    "judge_a",
    "judge_u",
    "judge_c",
    "liaison_h",
    "liaison_o",
    "organizer",
]
SIGNED = set(ROLES) - {"anon"}
JUDGES = {"judge_a", "judge_u", "judge_c"}

# who may use a route (GET): the audience
AUDIENCES: dict[str, set[str]] = {
    "public": set(ROLES),
    "signed": SIGNED,
    "organizer": {"organizer"},
    "applicant": {"owner", "other"},
    "judge": JUDGES,
    "liaison": {"liaison_h", "liaison_o"},
    "two_factor": JUDGES | {"organizer"},
    "org_member_or_organizer": {"owner", "organizer"},
    "org_member": {"owner"},
    "app_party": {"owner", "organizer"},
    "app_member": {"owner"},
    "assigned_judge": {"judge_a"},
    "assigned_judge_or_organizer": {"judge_a", "organizer"},
    "project_party": {"owner", "organizer", "liaison_h"},
    "project_member": {"owner"},
    "host_liaison": {"liaison_h"},
    "evaluation_party": {"owner", "organizer"},
    "notice_owner": {"owner"},
    "roadshow_party": {"judge_a", "organizer"},
    "nobody_extra": set(),
}


@dataclass(frozen=True)
class Route:
    audience: str
    context: str = "base"
    # a step of the login flow: without its earlier step it sends everyone to the login page
    login_flow: bool = False


# endpoint -> Route(audience, context)
MATRIX: dict[str, Route] = {
    # accounts
    "accounts.accept_invitation": Route("public"),
    "accounts.account": Route("signed"),
    "accounts.change_password": Route("signed"),
    "accounts.forgot_password": Route("public"),
    "accounts.login": Route("public"),
    "accounts.login_second_factor": Route("public", login_flow=True),
    "accounts.logout": Route("public"),
    "accounts.notice_preferences": Route("signed"),
    "accounts.resend_verification": Route("public"),
    "accounts.reset_password": Route("public"),
    "accounts.sign_out_everywhere": Route("signed"),
    "accounts.set_language": Route("public"),
    "accounts.signup": Route("public"),
    "accounts.two_factor_disable": Route("signed"),
    "accounts.two_factor_setup": Route("two_factor"),
    "accounts.verify_email": Route("public"),
    "admin_users.index": Route("organizer"),
    "admin_users.invite": Route("organizer"),
    "admin_users.set_active": Route("organizer"),
    "api.competitions": Route("public"),
    "api.openapi_json": Route("public"),
    "api.results": Route("public", "results"),
    "audit.index": Route("organizer"),
    "main.healthz": Route("public"),
    "main.index": Route("public"),
    "notices.delivery_log": Route("organizer"),
    "notices.inbox": Route("signed"),
    "notices.mark_all_read": Route("signed"),
    "notices.mark_read": Route("notice_owner"),
    "notices.open_notice": Route("notice_owner"),
    "notices.resend": Route("organizer"),
    "notices.show": Route("notice_owner"),
    # applications
    "applications.attachments": Route("app_member"),  # the members' upload page
    "applications.autosave": Route("app_member"),
    "applications.delete_attachment": Route("app_member"),
    "applications.diff": Route("app_party"),
    "applications.download": Route("app_party"),
    "applications.edit": Route("app_member"),
    "applications.mark_attachment": Route("app_member"),
    "applications.mine": Route("signed"),
    "applications.print_view": Route("app_party"),
    "applications.reuse_documents": Route("app_member"),
    "applications.revision": Route("app_party"),
    "applications.show": Route("app_party"),
    "applications.start": Route("applicant"),
    "applications.submit": Route("app_member"),
    "applications.withdraw": Route("app_member"),
    # competitions
    "competitions.index": Route("public"),
    "competitions.manage": Route("organizer"),
    "competitions.overview": Route("organizer"),
    "competitions.show": Route("public"),
    **{
        f"competition_setup.{name}": Route("organizer")
        for name in (
            "archive",
            "basics",
            "budget_line",
            "budget_lines",
            "categories",
            "category",
            "copy_rubric",
            "delete_budget_line",
            "delete_category",
            "delete_rubric",
            "eligibility",
            "followup",
            "money",
            "new",
            "open_",
            "rubric",
            "rubrics",
            "scoring",
            "setup",
            "stage_control",
            "stage_controls",
            "stages",
        )
    },
    **{
        f"screening.{name}": Route("organizer")
        for name in ("bulk_pass", "index", "pass_", "reject", "return_", "show")
    },
    # organizations and communities
    **{
        f"orgs.{name}": Route("organizer")
        for name in (
            "add_area",
            "add_flag",
            "admin_list",
            "area",
            "area_template",
            "areas",
            "attach_liaison",
            "delete_area",
            "detach_liaison",
            "edit_area",
            "end_flag",
            "import_areas",
            "invite_liaison",
            "reject",
            "verify",
        )
    },
    "orgs.add_worker": Route("org_member"),
    "orgs.edit": Route("org_member"),
    "orgs.edit_worker": Route("org_member"),
    "orgs.invite_member": Route("org_member"),
    "orgs.member_role": Route("org_member"),
    "orgs.members": Route("org_member_or_organizer"),
    "orgs.mine": Route("applicant"),
    "orgs.register": Route("applicant"),
    "orgs.remove_member": Route("org_member"),
    "orgs.show": Route("org_member_or_organizer"),
    "orgs.worker_active": Route("org_member"),
    "orgs.workers": Route("org_member_or_organizer"),
    # judging
    "judging.add_tie": Route("judge"),
    "judging.application_sheets": Route(
        "organizer"
    ),  # judges: only after the stage, if the setting says so
    "judging.application_view": Route("assigned_judge_or_organizer"),
    "judging.assignments": Route("organizer"),
    "judging.attachment": Route("assigned_judge_or_organizer", "judge_attachment"),
    "judging.autosave": Route("assigned_judge"),
    "judging.confirm_no_conflict": Route("assigned_judge"),
    "judging.conflicts": Route("organizer"),
    "judging.dashboard": Route("judge"),
    "judging.declare_conflict": Route("assigned_judge"),
    "judging.edit_judges": Route("organizer"),
    "judging.import_judges": Route("organizer"),
    "judging.import_template": Route("organizer"),
    "judging.invite": Route("organizer"),
    "judging.judge_detail": Route("organizer", "judge_detail"),
    "judging.judges": Route("organizer"),
    "judging.manage": Route("organizer"),
    "judging.panels": Route("organizer"),
    "judging.profile": Route("judge"),
    "judging.progress": Route("organizer"),
    "judging.ranking": Route("organizer"),
    "judging.remind": Route("organizer"),
    "judging.remove_tie": Route("judge"),
    "judging.reopen": Route("organizer"),
    "judging.roadshow_control": Route("organizer", "roadshow"),
    "judging.roadshow_edit": Route("organizer", "roadshow"),
    "judging.roadshow_live": Route("roadshow_party", "roadshow"),
    "judging.roadshow_paper": Route("organizer", "roadshow"),
    "judging.roadshow_paper_template": Route("organizer", "roadshow"),
    "judging.roadshow_results": Route(
        "nobody_extra", "roadshow"
    ),  # hidden until the project is closed
    "judging.roadshow_sessions": Route("organizer", "roadshow"),
    "judging.roadshow_slots": Route("organizer", "roadshow"),
    "judging.roadshow_state": Route("roadshow_party", "roadshow"),
    "judging.run_assignment": Route("organizer"),
    "judging.sheet": Route("assigned_judge"),
    "judging.sheet_json": Route("assigned_judge"),
    "judging.stage": Route("organizer"),
    # results
    **{
        f"results.{name}": Route("organizer", "results")
        for name in (
            "approve",
            "decision_edit",
            "decisions",
            "finalize",
            "generate",
            "manage_index",
            "objection_detail",
            "objection_file",
            "objections",
        )
    },
    "results.my_results": Route("signed", "results"),
    "results.objection_filed": Route("public", "results"),
    "results.objection_lookup": Route("public", "results"),
    "results.objection_new": Route("public", "results"),
    "results.public_index": Route("public", "results"),
    "results.public_notice": Route("public", "results"),
    "results.scorecard": Route("app_party", "results"),
    # rankings
    **{
        f"rankings.{name}": Route("organizer", "results")
        for name in (
            "build_final",
            "card",
            "compare",
            "competition",
            "compute",
            "export",
            "final_history",
            "history",
            "index",
            "job_status",
            "retry_job",
            "snapshot",
            "stage",
        )
    },
    "rankings.published_sheets": Route("public", "project"),  # only once the results are final
    "rankings.methods": Route("organizer", "stage_snapshot"),
    # reports
    **{
        f"reports.{name}": Route("organizer", "export")
        for name in (
            "download_export",
            "export",
            "export_job",
            "export_status",
            "exports",
            "followup",
            "import_organizations",
            "imports",
            "index",
            "judging",
            "organizations_template",
            "overview",
            "retry_export",
        )
    },
    # follow-up
    **{
        f"followup.{name}": Route("organizer", "project")
        for name in (
            "agreement_dates",
            "assign",
            "communities",
            "confirm_agreement",
            "create_projects",
            "dashboard",
            "decide",
            "disputes",
            "extend_evaluation",
            "extend_report",
            "recovery",
            "release_tranche",
            "run_checks",
            "terminate",
        )
    },
    "followup.activity_new": Route("project_member", "project"),
    "followup.activity_remove": Route("project_member", "project"),
    "followup.activity_review": Route("host_liaison", "project"),
    "followup.agreement": Route("project_party", "project"),
    "followup.dispute": Route("project_party", "project"),  # the two sides and those who decide
    "followup.dispute_answer": Route("project_member", "project"),
    "followup.dispute_decide": Route("organizer", "project"),
    "followup.dispute_respond": Route("host_liaison", "project"),
    "followup.evaluation": Route("evaluation_party", "project"),
    "followup.evaluation_file": Route("evaluation_party", "project"),
    "followup.expense_new": Route("project_member", "project"),
    "followup.liaison_home": Route("liaison", "project"),
    "followup.milestone_done": Route("project_member", "project"),
    "followup.my_projects": Route("applicant", "project"),
    "followup.project": Route("project_party", "project"),
    "followup.project_file": Route("project_party", "project"),
    "followup.report": Route("project_party", "project"),
    "followup.self_assessment": Route("project_member", "project"),
}

# Endpoints that belong to frameworks, not to us.
IGNORED = {"static", "bootstrap.static"}


@pytest.fixture
def world(app_ctx, make):
    """One of everything, shared by every route: users in every role and the objects
    their URLs point at."""
    from venture.competitions.models import StageKind
    from venture.judging.models import JudgeTie, RoadshowSession, RoadshowSlot, TieKind
    from venture.notices.models import Notice
    from venture.orgs.models import Membership
    from venture.results import services as results

    users = {role: None for role in ROLES}
    organizer = make.organizer()
    owner, other = make.applicant(), make.applicant()
    places = make.area_tree()
    host, elsewhere = places["芙蓉社区"], places["紫菱社区"]
    org = make.organization(members=[owner])
    make.organization(members=[other])  # "other" is a member elsewhere
    worker = make.social_worker(org)
    flag = make.org_flag(org)
    judge_a, judge_u, judge_c = (make.judge_with_profile() for _ in range(3))
    db.session.add(
        JudgeTie(judge_id=judge_c.id, organization_id=org.id, kind=TieKind.BOARD)
    )  # a conflict
    liaison_h, liaison_o = make.liaison_of(host), make.liaison_of(elsewhere)
    users.update(
        owner=owner,
        other=other,
        judge_a=judge_a,
        judge_u=judge_u,
        judge_c=judge_c,
        liaison_h=liaison_h,
        liaison_o=liaison_o,
        organizer=organizer,
    )

    comp = make.competition(organizer=organizer)
    app = make.submitted_application(comp, org, owner, communities=[host])
    from venture.applications.models import ApplicationStatus

    app.status = ApplicationStatus.PASSED  # screened: in the online review
    attachment = _attachment(app, owner)
    public_attachment, *more_public = _attachments_naming(app, owner, org.name)
    stage = make.review_stage(comp, open_now=True)
    make.confirmed_assignment(stage, app, judge_a)
    sheet = make.sheet(stage, app, judge_a, {}, submitted=False)
    roadshow_stage = comp.stage(StageKind.ROADSHOW)
    make.assignment(roadshow_stage, app, judge_a)
    session = RoadshowSession(stage_id=roadshow_stage.id, name="路演")
    session.slots.append(RoadshowSlot(application_id=app.id, position=1))
    db.session.add(session)
    membership = db.session.scalar(sa.select(Membership).where(Membership.user_id == owner.id))
    notice = Notice(user_id=owner.id, email=owner.email, kind="welcome", subject="s", body="b")
    db.session.add(notice)

    rcomp, rapps, snapshot = make.results_setup(organizer=organizer, members=[owner])
    from venture.jobs.models import Job

    job = Job(kind="compute_stage", created_by_id=organizer.id, competition_id=rcomp.id)
    db.session.add(job)
    stage_snapshot = _computed_stage_snapshot(make, rcomp, rapps, organizer)
    export_job = _finished_export(comp, organizer)
    results.generate_decisions(rcomp, organizer)
    results.approve(rcomp, organizer)
    decision = results.decisions_of(rcomp)[0]
    objection = results.file_objection(
        rcomp,
        application_id=rapps[0].id,
        objector_kind="person",
        real_name="张三",
        phone="13800000000",
        content="对该项目的评分有异议，请复核。" * 2,
        files=[make.pdf_upload("证据.pdf")],
    )
    project = make.project(org=org, members=(), communities=[host])
    report = project.reports[0]
    from venture.followup.models import Activity

    activity = Activity(
        report_id=report.id,
        community_id=host.id,
        held_on=report.period_start,
        activity_type="探访",
        participants=10,
        residents=8,
    )
    db.session.add(activity)
    from venture.followup.models import ActivityDispute, DisputeEntry, DisputeStep

    db.session.flush()
    dispute = ActivityDispute(
        activity_id=activity.id,
        steps=[DisputeEntry(step=DisputeStep.OPENED, author_id=liaison_h.id, text="当天无此活动")],
    )
    db.session.add(dispute)
    evaluation = project.evaluations[0]
    evaluation.report_file = _attachment(app, owner).file
    project.agreement.signed_copy = _attachment(app, owner).file
    db.session.commit()

    base = {
        "competition_id": comp.id,
        "application_id": app.id,
        "stage_id": stage.id,
        "attachment_id": attachment.id,
        "section_key": "project",
        "number": 1,
        "org_id": org.id,
        "worker_id": worker.id,
        "flag_id": flag.id,
        "membership_id": membership.id,
        "area_id": host.id,
        "user_id": liaison_h.id,
        "token": "not-a-token",
        "notice_id": notice.id,
        "sheet_id": sheet.id,
        "category_id": comp.categories[0].id,
        "rule_id": comp.budget_rules[0].id,
        "rubric_id": comp.rubrics[0].id,
        "tie_id": 999999,
        "stage_kind": "online_review",
    }
    contexts = {
        "base": base,
        "judge_detail": {**base, "user_id": judge_a.id},
        "judge_attachment": {**base, "attachment_id": public_attachment.id},
        # every file a judge may download in the blind stage, for the blind scan
        "judge_attachments": [
            {**base, "attachment_id": a.id} for a in (public_attachment, *more_public)
        ],
        "roadshow": {
            **base,
            "stage_id": roadshow_stage.id,
            "session_id": session.id,
            "slot_id": session.slots[0].id,
        },
        "results": {
            **base,
            "competition_id": rcomp.id,
            "application_id": rapps[0].id,
            "decision_id": decision.id,
            "objection_id": objection.id,
            "snapshot_id": snapshot.id,
            "job_id": job.id,
            "stage_id": rcomp.stage(StageKind.ONLINE_REVIEW).id,
            "file_id": objection.files[0].id,
        },
        "stage_snapshot": {**base, "snapshot_id": stage_snapshot.id},
        "export": {**base, "kind": "applications", "job_id": export_job.id},
        "project": {
            **base,
            "competition_id": project.competition_id,
            "project_id": project.id,
            "report_id": report.id,
            "activity_id": activity.id,
            "milestone_id": project.milestones[0].id,
            "tranche_id": project.tranches[0].id,
            "evaluation_id": evaluation.id,
            "dispute_id": dispute.id,
            "file_id": project.agreement.signed_copy_id,
            "which": "report",
        },
    }
    return users, contexts


def _finished_export(competition, organizer):
    """An applications export, run as a background job (eagerly here)."""
    from flask import current_app

    from venture.reports.exports import registry
    from venture.reports.services import export_request, start_export

    with current_app.test_request_context():
        job = start_export(
            registry()["applications"],
            export_request(competition.id),
            actor=organizer,
            locale="zh_CN",
        )
        db.session.commit()
    from venture.tasks import run_ready

    run_ready()
    return job


def _computed_stage_snapshot(make, competition, applications, organizer):
    """The online review of ``competition`` scored by three judges and computed."""
    from venture.competitions.models import StageKind
    from venture.rankings.services import latest_snapshot, request_computation

    stage = competition.stage(StageKind.ONLINE_REVIEW)
    judges = [make.judge_with_profile() for _ in range(3)]
    for i, app in enumerate(applications):
        for j, judge in enumerate(judges):
            make.sheet(
                stage,
                app,
                judge,
                {name: maximum - (i + j) % 5 for name, maximum in make.DEFAULT_CRITERIA},
            )
    request_computation(stage, organizer)
    return latest_snapshot(stage)


def _attachments_naming(app, owner, who: str):
    """Attachments not marked identifying whose file names and document properties name
    ``who`` anyway (the client's extension is wrong on the first: it is a PDF)."""
    from tests.blind_scan import jpeg_naming, pdf_naming, png_naming, xlsx_naming
    from tests.factories import pdf_upload

    files = [
        (f"{who}00号-plan.html", pdf_naming(who)),
        (f"{who}-预算.xlsx", xlsx_naming(who)),
        (f"{who}-合影.png", png_naming(who)),
        (f"{who}-活动.jpg", jpeg_naming(who)),
    ]
    return [
        _attachment(app, owner, identifying=False, upload=pdf_upload(name, data))
        for name, data in files
    ]


def _attachment(app, owner, identifying: bool = True, upload=None):
    from tests.factories import pdf_upload
    from venture.applications.models import Attachment, AttachmentKind
    from venture.files.services import store_upload

    stored = store_upload(upload or pdf_upload(), user=owner)
    attachment = Attachment(
        application_id=app.id,
        file=stored,
        kind=AttachmentKind.REGISTRATION,
        identifying=identifying,
    )
    db.session.add(attachment)
    db.session.commit()
    return attachment


def _is_login_redirect(response) -> bool:
    return response.status_code in (301, 302, 303) and "/login" in response.headers.get(
        "Location", ""
    )


def test_every_route_has_an_entry_in_the_matrix(app_ctx):
    endpoints = {rule.endpoint for rule in app_ctx.url_map.iter_rules()} - IGNORED
    missing = sorted(endpoints - MATRIX.keys())
    stale = sorted(MATRIX.keys() - endpoints)
    assert not missing, "routes without a permission entry: " + ", ".join(missing)
    assert not stale, "entries for routes that no longer exist: " + ", ".join(stale)


def test_every_route_answers_every_role_as_expected(app_ctx, world):
    users, contexts = world
    clients = {
        role: (app_ctx.test_client(user=users[role]) if users[role] else app_ctx.test_client())
        for role in ROLES
    }
    failures = []
    checked = 0
    for rule in sorted(app_ctx.url_map.iter_rules(), key=lambda r: r.endpoint):
        if rule.endpoint in IGNORED:
            continue
        entry = MATRIX[rule.endpoint]
        values = contexts[entry.context]
        args = {name: values[name] for name in rule.arguments}
        with app_ctx.test_request_context():
            from flask import url_for

            url = url_for(rule.endpoint, **args)
        audience = AUDIENCES[entry.audience]
        for method in ("GET", "POST"):
            if method not in rule.methods:
                continue
            for role in ROLES:
                allowed = role in audience
                if method == "POST" and allowed:
                    continue
                response = clients[role].open(url, method=method, data={})
                checked += 1
                if entry.login_flow and _is_login_redirect(response):
                    continue
                problem = _judge(response, role, allowed, method)
                if problem:
                    failures.append(f"{method} {url} ({rule.endpoint}) as {role}: {problem}")
    assert not failures, f"{len(failures)} of {checked} checks failed:\n" + "\n".join(failures)


def _judge(response, role: str, allowed: bool, method: str) -> str | None:
    status = response.status_code
    if status >= 500:
        return f"server error {status}"
    if allowed:
        if status in (401, 403) or _is_login_redirect(response):
            return f"refused ({status}) but should be allowed"
        if status == 404 and method == "GET":
            return "404 for an allowed user (the world is wrong, or the page is)"
        return None
    if role == "anon":
        if _is_login_redirect(response) or status in (401, 403, 404):
            return None
        return f"anonymous got {status}, expected the login page or 403"
    if status in (403, 404):
        return None
    return f"got {status}, expected 403"


# Pages that show a judge what they told us themselves: judge_c declared sitting on the
# applicant's board, and their profile lists that tie (they are never assigned to it).
OWN_KNOWLEDGE = {("judge_c", "judging.profile")}


def test_nothing_a_judge_can_fetch_in_a_blind_stage_identifies_the_applicant(app_ctx, world):
    """Every page, JSON and file a judge may GET (the roadshow aside: a public pitch) is
    scanned for the organization's name, code, contacts and the team's names: the body,
    every header (a download's file name) and the properties inside the files (a PDF's
    author and title and XMP, an Office file's creator and company, an image's EXIF and
    text chunks; tests/blind_scan.py). The attachments not marked identifying carry the
    organization's name in their file names and in all of those properties."""
    from tests.blind_scan import readable_texts
    from venture.applications.models import Application

    users, contexts = world
    app = db.session.get(Application, contexts["base"]["application_id"])
    org = app.organization
    secrets = {
        org.name,
        org.uscc,
        org.contact_phone,
        org.contact_email,
        org.legal_representative,
        *(m.name for m in app.team),
    } - {""}
    scanned = downloads = 0
    leaks = []
    for role in ("judge_a", "judge_u", "judge_c"):
        client = app_ctx.test_client(user=users[role])
        for rule in app_ctx.url_map.iter_rules():
            entry = MATRIX.get(rule.endpoint)
            if entry is None or "GET" not in rule.methods or entry.context == "roadshow":
                continue
            if role not in AUDIENCES[entry.audience] and entry.audience not in ("public", "signed"):
                continue
            if (role, rule.endpoint) in OWN_KNOWLEDGE:
                continue
            each = (
                contexts["judge_attachments"]
                if rule.endpoint == "judging.attachment"
                else [contexts[entry.context]]
            )
            for values in each:
                with app_ctx.test_request_context():
                    from flask import url_for

                    url = url_for(rule.endpoint, **{k: values[k] for k in rule.arguments})
                response = client.get(url)
                if response.status_code != 200:
                    continue
                scanned += 1
                downloads += response.headers.get("Content-Disposition", "").startswith(
                    "attachment"
                )
                texts = readable_texts(response)
                leaks += [
                    f"{role} {url}: {secret!r}"
                    for secret in secrets
                    if any(secret in t for t in texts)
                ]
    assert scanned >= 15
    assert downloads >= 4, "the judge downloaded none of the attachments: the scan proves nothing"
    assert not leaks, "\n".join(leaks)


def test_every_state_change_needs_the_csrf_token(app_ctx, world):
    """With CSRF on, a POST without the token is refused (400) before anything runs."""
    users, contexts = world
    app_ctx.config["WTF_CSRF_ENABLED"] = True
    try:
        refused = []
        for rule in app_ctx.url_map.iter_rules():
            entry = MATRIX.get(rule.endpoint)
            if entry is None or "POST" not in rule.methods or rule.endpoint.startswith("api."):
                continue
            role = next(iter(sorted(AUDIENCES[entry.audience] - {"anon"})), None) or "organizer"
            client = app_ctx.test_client(user=users[role]) if users[role] else app_ctx.test_client()
            values = contexts[entry.context]
            with app_ctx.test_request_context():
                from flask import url_for

                url = url_for(rule.endpoint, **{k: values[k] for k in rule.arguments})
            status = client.post(url, data={"x": "1"}).status_code
            if status != 400:
                refused.append(f"{url} as {role}: {status}")
        assert not refused, "POST accepted without a CSRF token:\n" + "\n".join(refused)
    finally:
        app_ctx.config["WTF_CSRF_ENABLED"] = False
