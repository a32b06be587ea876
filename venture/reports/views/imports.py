"""Spreadsheet imports: the list of them, and the organizations import (the others live
with their domains and share the same reader, template and error report)."""

from __future__ import annotations

import io

from flask import flash, redirect, render_template, request, send_file, url_for
from flask_babel import gettext as _
from flask_login import current_user

from venture.i18n import current_locale_code
from venture.policy import organizer_only, require
from venture.reports import imports as org_import
from venture.reports import policies, queries
from venture.reports.exports import XLSX
from venture.reports.forms import ImportUploadForm
from venture.reports.views import bp
from venture.web import attempt


@bp.route("/imports")
@organizer_only
def imports():
    require(policies.can_view_reports(current_user))
    sessions = queries.recent_roadshow_sessions(limit=20)
    return render_template("reports/imports.html", sessions=sessions)


@bp.route("/imports/organizations", methods=["GET", "POST"])
@organizer_only
def import_organizations():
    require(policies.can_view_reports(current_user))
    form = ImportUploadForm()
    errors, warnings = [], []
    status = 422 if request.method == "POST" else 200
    if form.validate_on_submit():
        outcome = attempt(
            form,
            org_import.import_organizations,
            form.file.data,
            actor=current_user,
            locale=current_locale_code(),
        )
        if outcome:
            summary = outcome.value
            flash(
                _(
                    "%(n)d organizations imported as verified; %(invited)d members invited.",
                    n=len(summary.organizations),
                    invited=summary.invited,
                ),
                "success",
            )
            for warning in summary.warnings:
                flash(warning, "warning")
            return redirect(url_for("orgs.admin_list"))
        status = outcome.status  # a rejected sheet (ImportRejected) lists its rows' errors too
        errors = getattr(outcome.error, "errors", [])
        warnings = getattr(outcome.error, "warnings", [])
    return render_template(
        "reports/import_organizations.html",
        form=form,
        errors=errors,
        import_warnings=warnings,
        columns=org_import.COLUMNS,
    ), status


@bp.route("/imports/organizations/template.xlsx")
@organizer_only
def organizations_template():
    require(policies.can_view_reports(current_user))
    return send_file(
        io.BytesIO(org_import.template_bytes()),
        mimetype=XLSX,
        as_attachment=True,
        download_name="organizations-template.xlsx",
        max_age=0,
    )
