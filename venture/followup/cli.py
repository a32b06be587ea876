"""`venture followup ...`: the beat jobs of the follow-up, on demand."""

from __future__ import annotations

import click
from flask.cli import with_appcontext


@click.group("followup")
def followup_group():
    """Project follow-up: reminders and evaluation deadlines."""


@followup_group.command("remind")
@with_appcontext
def remind_command():
    """Send the due and overdue progress-report reminders (each once per report and window)."""
    from venture.followup.reminders import due_report_reminders

    click.echo(f"{due_report_reminders()} reminder(s) written.")


@followup_group.command("evaluations")
@with_appcontext
def evaluations_command():
    """Fail evaluations without a self-assessment past the deadline; decide complete ones."""
    from venture.followup.services import decide_ready_evaluations, expire_overdue_evaluations

    failed = expire_overdue_evaluations()
    decided = decide_ready_evaluations()
    click.echo(f"{failed} evaluation(s) failed for a missing self-assessment; {decided} decided.")


@followup_group.command("create-projects")
@click.argument("code_prefix")
@with_appcontext
def create_projects_command(code_prefix: str):
    """Create the projects of a competition (by its code prefix) whose results are final."""
    import sqlalchemy as sa

    from venture.competitions.models import Competition
    from venture.errors import DomainError
    from venture.extensions import db
    from venture.followup.services import create_projects_from_results

    competition = db.session.scalar(
        sa.select(Competition).where(Competition.code_prefix == code_prefix)
    )
    if competition is None:
        raise click.ClickException(f"no competition with the code prefix {code_prefix!r}")
    try:
        created = create_projects_from_results(competition)
    except DomainError as error:
        raise click.ClickException(str(error.message)) from None
    click.echo(f"{len(created)} project(s) created.")
