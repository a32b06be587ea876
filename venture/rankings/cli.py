"""`venture scores compute --stage ID`: compute a stage in this process, with a progress bar.

The same code path as the worker's task; the snapshot is recorded with no user (the
command line is the operator's), and the refusals are the same (locked results, no
submitted sheets, a split panel for bias).
"""

from __future__ import annotations

import click
from flask.cli import with_appcontext


@click.group("scores")
def scores_group():
    """Scores and rankings of a competition's stages."""


@scores_group.command("compute")
@click.option("--stage", "stage_id", type=int, required=True, help="Id of the scoring stage.")
@with_appcontext
def compute_command(stage_id: int):
    """Compute a stage's ranking now and store a results snapshot."""
    from venture.errors import DomainError
    from venture.extensions import db
    from venture.rankings.compute import compute_stage_snapshot
    from venture.rankings.models import ResultSnapshot

    with click.progressbar(length=100, label="Computing", show_percent=True) as bar:
        done = [0]

        def progress(percent, message):
            bar.label = str(message)
            bar.update(max(0, int(percent) - done[0]))
            done[0] = max(done[0], int(percent))

        try:
            snapshot_id = compute_stage_snapshot(stage_id, progress=progress)
        except DomainError as error:
            raise click.ClickException(str(error.message)) from None
        bar.update(100 - done[0])
    snapshot = db.session.get(ResultSnapshot, snapshot_id)
    click.echo(
        f"Snapshot {snapshot.id}: method {snapshot.method}, {len(snapshot.entries)} applications, "
        f"{snapshot.sheet_count} sheets, input digest {snapshot.input_digest}"
    )
