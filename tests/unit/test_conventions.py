"""Conventions the whole code base keeps: every route has a policy, every string a
translation, every notice kind a template in both languages."""

from __future__ import annotations

import pytest

from venture.policy import policy_of


@pytest.fixture(scope="module")
def bare_app(tmp_path_factory):
    from tests.conftest import test_config
    from venture import create_app

    folder = tmp_path_factory.mktemp("conventions")
    return create_app(test_config(folder, f"sqlite:///{folder / 'c.db'}"))


def test_every_route_declares_its_policy(bare_app):
    missing = []
    for rule in bare_app.url_map.iter_rules():
        if rule.endpoint == "static" or rule.endpoint.startswith("bootstrap."):
            continue
        view = bare_app.view_functions[rule.endpoint]
        if policy_of(view) is None:
            missing.append(f"{rule.endpoint} {rule.rule}")
    assert not missing, "routes without a policy decorator:\n" + "\n".join(missing)


def test_every_string_has_a_chinese_translation():
    from venture.i18n_catalogs import missing_translations

    problems = missing_translations("zh_CN")
    assert not problems, "untranslated (run `venture i18n update`, then translate):\n" + "\n".join(
        f"[{part}] {msgid}" for part, msgid in problems[:50]
    )


def test_catalog_placeholders_match_their_source():
    """A translation that drops or renames a %(name)s placeholder would crash at runtime."""
    import re

    from babel.messages.pofile import read_po

    from venture.i18n import catalog_files

    placeholder = re.compile(r"%\((\w+)\)[sd]")
    bad = []
    for path in catalog_files("zh_CN"):
        with path.open("rb") as f:
            for m in read_po(f):
                if (
                    m.id
                    and m.string
                    and isinstance(m.id, str)
                    and set(placeholder.findall(m.id)) != set(placeholder.findall(m.string))
                ):
                    bad.append(f"{path.parent.parent.parent.name}: {m.id!r} -> {m.string!r}")
    assert not bad, "\n".join(bad)


def test_every_notice_kind_renders_in_both_languages(bare_app):
    from types import SimpleNamespace

    from venture.notices import kinds
    from venture.notices.services import render_notice

    class Anything(SimpleNamespace):
        """Stands in for any context object a template may use."""

        def __getattr__(self, name):
            return Anything()

        def __str__(self):
            return "x"

        def __iter__(self):
            return iter(())

        def __bool__(self):
            return True

    with bare_app.test_request_context():
        for name in kinds.KINDS:
            context = _sample_context(bare_app, name, Anything)
            zh_subject, _ = render_notice(name, "zh_CN", context)
            en_subject, en_body = render_notice(name, "en", context)
            assert zh_subject and en_subject and en_body, name
            assert zh_subject != en_subject, f"{name}: the Chinese subject is not translated"


def _sample_context(app, kind, anything):
    """Every variable the template uses, as a stand-in; a few with real types."""
    from jinja2 import meta

    from venture.accounts.models import Role

    env = app.jinja_env
    source = env.loader.get_source(env, f"notices/email/{kind}.txt")[0]
    names = meta.find_undeclared_variables(env.parse(source))
    context = {name: anything() for name in names}
    context.update({"link": "http://localhost/x", "role": Role.JUDGE, "valid_for": 7200})
    return context


def test_each_string_has_one_translation_across_parts():
    """The catalogs are merged: two parts translating the same English differently would
    silently change one part's interface. Use a more specific English string instead."""
    from babel.messages.pofile import read_po

    from venture.i18n import catalog_files

    seen: dict[str, dict[str, list[str]]] = {}
    for path in catalog_files("zh_CN"):
        part = path.parent.parent.parent.name
        with path.open("rb") as f:
            for m in read_po(f):
                if m.id and m.string and isinstance(m.id, str):
                    seen.setdefault(m.id, {}).setdefault(m.string, []).append(part)
    clashes = {k: v for k, v in seen.items() if len(v) > 1}
    assert not clashes, "\n".join(f"{k!r}: {v}" for k, v in clashes.items())


def test_templates_carry_no_inline_script_style_or_handlers():
    """The Content-Security-Policy allows only our own files: an inline script, a style
    attribute or an on* handler in a template would be blocked in the browser."""
    import re

    from venture.config import TEMPLATE_DIR

    inline_script = re.compile(r"<script(?![^>]*\bsrc=)[^>]*>", re.I)
    style_attr = re.compile(r"\sstyle\s*=", re.I)
    handler = re.compile(r"\son[a-z]+\s*=\s*[\"']", re.I)
    problems = []
    for path in TEMPLATE_DIR.rglob("*.html"):
        text = path.read_text(encoding="utf-8")
        for name, pattern in (
            ("inline script", inline_script),
            ("style attribute", style_attr),
            ("event handler", handler),
        ):
            for match in pattern.finditer(text):
                line = text.count("\n", 0, match.start()) + 1
                problems.append(f"{path.relative_to(TEMPLATE_DIR)}:{line}: {name}")
    assert not problems, "\n".join(problems)
