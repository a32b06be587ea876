"""`venture demo`: one city's 三社联动 competition, from call to closed projects.

Each domain contributes a seeder (in order). A seeder checks for its own data first,
so running the demo twice adds nothing. The names are invented.
"""

from __future__ import annotations

from importlib import import_module

from venture.extensions import db

DEMO_PASSWORD = "venture-demo"

# Seeders in the order the story needs them ("package.module:function").
SEEDERS = [
    "venture.demo.people:seed",
    "venture.demo.places:seed",        # communities, organizations, social workers
    "venture.demo.competition:seed",   # the competition and its applications in every status
    "venture.demo.judging:seed",       # a finished online review and roadshow
    "venture.demo.rankings:seed",      # computed snapshots and the funding line
    "venture.demo.results:seed",       # decisions, public notice, objections, final results
    "venture.demo.followup:seed",      # projects in every follow-up state
]

# (role, email, what to try first) — filled by the seeders as they run.
LOGINS: list[tuple[str, str, str]] = []


def seed_demo() -> bool:
    """Seed everything that is missing. Returns True when anything was added."""
    created = False
    for spec in SEEDERS:
        module_name, _, attribute = spec.partition(":")
        seeder = getattr(import_module(module_name), attribute)
        created = bool(seeder()) or created
        db.session.commit()
    return created


def print_logins(echo) -> None:
    from venture.demo.people import login_table

    echo(f"\nDemo logins (password for all: {DEMO_PASSWORD}); emails go to instance/mail.log\n")
    for role, email, hint in login_table():
        echo(f"  {role:<22} {email:<34} {hint}")
