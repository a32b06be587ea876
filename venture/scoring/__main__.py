"""`python -m venture.scoring SHEETS ...`: the `rank` command, without the Flask app."""

from venture.scoring.cli import rank_command

rank_command(prog_name="python -m venture.scoring")
