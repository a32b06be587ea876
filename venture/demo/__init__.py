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
    "venture.demo.places:seed",  # communities, organizations, social workers
    "venture.demo.competition:seed",  # the competition and its applications in every status
    "venture.demo.judging:seed",  # a finished online review and roadshow
    "venture.demo.rankings:seed",  # computed snapshots and the funding line
    "venture.demo.results:seed",  # decisions, public notice, objections, final results
    "venture.demo.followup:seed",  # projects in every follow-up state
]


def seed_demo() -> bool:
    """Seed everything that is missing. Returns True when anything was added."""
    created = False
    for spec in SEEDERS:
        module_name, _, attribute = spec.partition(":")
        seeder = getattr(import_module(module_name), attribute)
        created = bool(seeder()) or created
        db.session.commit()
    return created


def print_logins(echo, base_url: str = "") -> None:
    """Each demo login, what to try first with it (Chinese, then an English gloss) and
    the address of the page where that starts."""
    from venture.demo.people import login_table, other_accounts

    echo(
        f"\n演示账号 Demo logins — 密码均为 password for all: {DEMO_PASSWORD}; "
        "邮件写入 emails go to instance/mail.log\n"
    )
    for step, url in login_table(base_url):
        echo(f"  {step.role} · {step.email}" if step.email else f"  {step.role}")
        echo(f"      先试 {step.hint}")
        echo(f"      try: {step.gloss}")
        if url:
            echo(f"      → {url}")
    others = other_accounts()
    if others:
        echo("\n  其他演示账号 Other demo accounts (same password):")
        for account in others:
            covers = f" — {account.covers}" if account.covers else ""
            echo(f"  {account.role} · {account.email} · {account.name}{covers}")
