"""Opening a competition to applicants once its setup is complete, and archiving it."""

from __future__ import annotations

from flask import flash, redirect, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from venture.competitions import services
from venture.competitions.views import setup_bp as bp
from venture.competitions.views.helpers import managed_competition, page
from venture.policy import organizer_only
from venture.web import attempt


@bp.route("/<int:competition_id>/setup/open", methods=["GET", "POST"])
@organizer_only
def open_(competition_id: int):
    comp = managed_competition(competition_id)
    if request.method != "POST":
        return page("competitions/setup_open.html", comp, "open")
    opened = attempt(None, services.open_competition, comp, actor=current_user)
    if not opened:  # the page again, with why not above it and the refusal's status
        return page("competitions/setup_open.html", comp, "open", status=opened.status)
    flash(_("The competition is open: applicants can see it and apply."), "success")
    return redirect(url_for("competitions.overview", competition_id=comp.id))


@bp.route("/<int:competition_id>/archive", methods=["POST"])
@organizer_only
def archive(competition_id: int):
    comp = managed_competition(competition_id)
    services.archive_competition(comp, actor=current_user)
    flash(_("The competition has been archived."), "success")
    return redirect(url_for("competitions.manage"))
