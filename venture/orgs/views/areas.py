"""The organizer's community tree: edit, import from xlsx, attach liaisons."""

from __future__ import annotations

import io

from flask import flash, redirect, render_template, request, send_file, url_for
from flask_babel import gettext as _
from flask_login import current_user

from venture.accounts.models import User
from venture.db import get_or_404
from venture.errors import NotFound
from venture.forms import record_id
from venture.orgs import forms, services
from venture.orgs.models import Area, AreaLevel
from venture.orgs.views import bp
from venture.policy import organizer_only
from venture.web import attempt, render_form

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


@bp.route("/admin/areas/")
@organizer_only
def areas():
    return render_template("orgs/areas.html", tree=services.area_tree())


def _parent_from(value) -> Area | None:
    if value in (None, "", "0"):
        return None
    parent_id = record_id(value)
    if parent_id is None:
        raise NotFound()
    return get_or_404(Area, parent_id)


@bp.route("/admin/areas/new", methods=["GET", "POST"])
@organizer_only
def add_area():
    form = forms.AreaForm()
    if request.method == "GET":
        form.parent_id.data = request.args.get("parent_id", "")
    parent = _parent_from(form.parent_id.data)
    if form.validate_on_submit():
        added = attempt(
            form,
            services.add_area,
            actor=current_user,
            parent=parent,
            name=form.name.data,
            code=form.code.data or "",
        )
        if not added:
            return render_form(
                "orgs/area_form.html", form, status=added.status, parent=parent, area=None
            )
        area = added.value
        flash(_("“%(name)s” has been added.", name=area.name), "success")
        return redirect(url_for("orgs.areas") + f"#area-{area.id}")
    return render_form("orgs/area_form.html", form, parent=parent, area=None)


@bp.route("/admin/areas/<int:area_id>")
@organizer_only
def area(area_id: int):
    node = get_or_404(Area, area_id)
    return _area_page(node)


def _area_page(node: Area, status: int = 200, **forms_):
    context = {"area": node, "usage": services.area_usage(node)}
    if node.level == AreaLevel.COMMUNITY:
        attach_form = forms_.pop("attach_form", None) or forms.AttachLiaisonForm(formdata=None)
        attached = {u.id for u in node.liaisons}
        attach_form.user_id.choices = [
            (u.id, f"{u.display_name} <{u.email}>")
            for u in services.liaison_candidates()
            if u.id not in attached
        ]
        context.update(
            attach_form=attach_form,
            invite_form=forms_.pop("invite_form", None) or forms.InviteLiaisonForm(formdata=None),
        )
    return render_template("orgs/area.html", **context), status


@bp.route("/admin/areas/<int:area_id>/edit", methods=["GET", "POST"])
@organizer_only
def edit_area(area_id: int):
    node = get_or_404(Area, area_id)
    form = forms.AreaForm(obj=node)
    if form.validate_on_submit():
        renamed = attempt(
            form,
            services.rename_area,
            node,
            actor=current_user,
            name=form.name.data,
            code=form.code.data or "",
        )
        if not renamed:
            return render_form(
                "orgs/area_form.html", form, status=renamed.status, parent=node.parent, area=node
            )
        flash(_("Saved."), "success")
        return redirect(url_for("orgs.areas") + f"#area-{node.id}")
    return render_form("orgs/area_form.html", form, parent=node.parent, area=node)


@bp.route("/admin/areas/<int:area_id>/delete", methods=["POST"])
@organizer_only
def delete_area(area_id: int):
    node = get_or_404(Area, area_id)
    name = node.name
    services.delete_area(node, actor=current_user)
    flash(_("“%(name)s” has been deleted.", name=name), "success")
    return redirect(url_for("orgs.areas"))


@bp.route("/admin/areas/<int:area_id>/liaisons", methods=["POST"])
@organizer_only
def attach_liaison(area_id: int):
    node = get_or_404(Area, area_id)
    form = forms.AttachLiaisonForm()
    form.user_id.choices = [(u.id, u.email) for u in services.liaison_candidates()]
    if form.validate_on_submit():
        user = get_or_404(User, form.user_id.data)
        attached = attempt(form, services.attach_liaison, node, user, actor=current_user)
        if not attached:
            return _area_page(node, attached.status, attach_form=form)
        flash(
            _(
                "%(name)s is now a liaison of %(community)s.",
                name=user.display_name,
                community=node.name,
            ),
            "success",
        )
        return redirect(url_for("orgs.area", area_id=node.id))
    return _area_page(node, 422, attach_form=form)


@bp.route("/admin/areas/<int:area_id>/liaisons/<int:user_id>/detach", methods=["POST"])
@organizer_only
def detach_liaison(area_id: int, user_id: int):
    node = get_or_404(Area, area_id)
    user = get_or_404(User, user_id)
    services.detach_liaison(node, user, actor=current_user)
    flash(
        _(
            "%(name)s is no longer a liaison of %(community)s.",
            name=user.display_name,
            community=node.name,
        ),
        "success",
    )
    return redirect(url_for("orgs.area", area_id=node.id))


@bp.route("/admin/areas/<int:area_id>/liaisons/invite", methods=["POST"])
@organizer_only
def invite_liaison(area_id: int):
    node = get_or_404(Area, area_id)
    form = forms.InviteLiaisonForm()
    if form.validate_on_submit():
        invited = attempt(
            form,
            services.invite_liaison,
            node,
            actor=current_user,
            email=form.email.data,
            name=form.name.data,
            locale=form.locale.data,
        )
        if not invited:
            return _area_page(node, invited.status, invite_form=form)
        user = invited.value
        if user.has_password:
            flash(
                _(
                    "%(name)s is now a liaison of %(community)s.",
                    name=user.display_name,
                    community=node.name,
                ),
                "success",
            )
        else:
            flash(
                _(
                    "The invitation has been sent to %(email)s. The liaison is attached to %(community)s "
                    "on accepting it.",
                    email=user.email,
                    community=node.name,
                ),
                "success",
            )
        return redirect(url_for("orgs.area", area_id=node.id))
    return _area_page(node, 422, invite_form=form)


@bp.route("/admin/areas/import", methods=["GET", "POST"])
@organizer_only
def import_areas():
    form = forms.ImportForm()
    if form.validate_on_submit():
        imported = attempt(form, services.import_areas, form.file.data, actor=current_user)
        if not imported:  # a rejected sheet (AreaImportRejected) lists its rows' errors too
            return render_form(
                "orgs/area_import.html",
                form,
                status=imported.status,
                errors=getattr(imported.error, "errors", []),
                import_warnings=getattr(imported.error, "warnings", []),
            )
        summary = imported.value
        if summary.unchanged:
            flash(_("All %(n)d rows exist already; nothing was changed.", n=summary.rows), "info")
        else:
            flash(
                _(
                    "Imported %(rows)d rows: %(d)d new districts, %(s)d new streets, %(c)d new communities.",
                    rows=summary.rows,
                    d=summary.created[AreaLevel.DISTRICT],
                    s=summary.created[AreaLevel.STREET],
                    c=summary.created[AreaLevel.COMMUNITY],
                ),
                "success",
            )
        for warning in summary.warnings:
            flash(warning, "warning")
        return redirect(url_for("orgs.areas"))
    return render_form("orgs/area_import.html", form, errors=[])


@bp.route("/admin/areas/template.xlsx")
@organizer_only
def area_template():
    return send_file(
        io.BytesIO(services.template_bytes()),
        mimetype=XLSX,
        as_attachment=True,
        download_name="communities-template.xlsx",
        max_age=0,
    )
