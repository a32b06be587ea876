"""Numbers from users never reach the database beyond what its columns hold: the shared
fields and parsers of venture/forms.py, which every form and view uses (checked here)."""

from __future__ import annotations

import importlib
import pkgutil

import pytest
from flask_babel import gettext
from werkzeug.datastructures import MultiDict

import venture
from venture import forms as bounded
from venture.security import MAX_JSON_DEPTH, TooDeep, json_depth, loads_json

HUGE = [str(2**63), str(10**30), str(-(2**63) - 1), "9" * 5000]  # beyond any column
BEYOND_INTEGER = [str(2**31), str(-(2**31) - 1), *HUGE]  # beyond PostgreSQL's INTEGER


@pytest.fixture(scope="module")
def bare_app(tmp_path_factory):
    from tests.conftest import test_config
    from venture import create_app

    folder = tmp_path_factory.mktemp("numbers")
    return create_app(test_config(folder, f"sqlite:///{folder / 'n.db'}"))


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("12", 12),
        (" 7 ", 7),
        ("+5", 5),
        ("-1", -1),
        (str(2**63 - 1), 2**63 - 1),
        (12, 12),
        ("", None),
        ("abc", None),
        ("1.5", None),
        ("²", None),
        ("١٢", None),
        ("1_000", None),
        ("0x10", None),
        ("1e3", None),
        ("NaN", None),
        (True, None),
        (None, None),
        (1.5, None),
        (float("inf"), None),
        *[(h, None) for h in HUGE],
    ],
)
def test_whole_number_takes_plain_digits_within_64_bits(text, expected):
    assert bounded.whole_number(text) == expected


def test_ids_and_pages_are_positive_and_bounded():
    assert bounded.record_id("3") == 3 and bounded.record_id(str(2**31 - 1)) == 2**31 - 1
    assert (
        bounded.record_id("0") is None
        and bounded.record_id("-3") is None
        and bounded.record_id(str(2**31)) is None
    )
    assert bounded.record_ids(["3", "x", "3", str(10**30), "²", "4"]) == [3, 4]
    assert bounded.coerce_optional_id("") is None
    for bad in ("x", "-1", str(2**63), "²"):
        with pytest.raises(ValueError):
            bounded.coerce_id(bad)
        with pytest.raises(ValueError):
            bounded.page_number(bad)
    assert bounded.page_number("2") == 2
    with pytest.raises(ValueError):
        bounded.page_number(str(bounded.MAX_PAGE + 1))


def _form(bare_app, **fields):
    from wtforms import Form

    form_class = type("F", (Form,), fields)
    return form_class


def test_integer_field_refuses_what_no_column_holds_with_a_message(bare_app):
    from wtforms.validators import NumberRange, Optional

    form_class = _form(
        bare_app,
        n=bounded.IntegerField("n", validators=[Optional()]),
        k=bounded.IntegerField("k", validators=[Optional(), NumberRange(min=1)]),
    )
    with bare_app.test_request_context():
        for value in BEYOND_INTEGER:
            form = form_class(MultiDict({"n": value, "k": value}))
            assert not form.validate()
            assert str(form.errors["n"][0]) == gettext("This number is too large.")
            assert form.n.data is None and form.k.data is None
        for value in ("abc", "1.5", "²", "١٢"):
            form = form_class(MultiDict({"n": value}))
            assert not form.validate() and str(form.errors["n"][0]) == gettext(
                "Enter a whole number."
            )
        form = form_class(MultiDict({"n": "", "k": str(2**31 - 1)}))
        assert form.validate() and form.n.data is None and form.k.data == 2**31 - 1


def test_hidden_integer_field_is_hidden_and_bounded(bare_app):
    form_class = _form(bare_app, version=bounded.HiddenIntegerField())
    with bare_app.test_request_context():
        form = form_class(MultiDict({"version": str(2**63)}))
        assert not form.validate()
        assert 'type="hidden"' in form.version()
        assert form_class(MultiDict({"version": "3"})).version.data == 3


def test_decimal_field_refuses_nan_infinity_and_huge(bare_app):
    from wtforms.validators import Optional

    form_class = _form(bare_app, d=bounded.DecimalField("d", validators=[Optional()]))
    with bare_app.test_request_context():
        for value in ("NaN", "Infinity", "-inf", "1e309", "sNaN", "abc"):
            form = form_class(MultiDict({"d": value}))
            assert not form.validate(), value
        assert str(form_class(MultiDict({"d": "1e20"})).d.process_errors[0]) == gettext(
            "This number is too large."
        )
        form = form_class(MultiDict({"d": "12.5"}))
        assert form.validate() and str(form.d.data) == "12.5"


def _form_classes():
    from wtforms import Form

    for module in pkgutil.walk_packages(venture.__path__, "venture."):
        if module.name.endswith(".forms"):
            importlib.import_module(module.name)
    seen, todo = set(), [Form]
    while todo:
        for sub in todo.pop().__subclasses__():
            if sub not in seen:
                seen.add(sub)
                todo.append(sub)
    return [c for c in seen if c.__module__.startswith("venture.")]


def test_every_form_takes_its_numbers_through_the_bounded_fields(bare_app):
    """No form of the app uses wtforms' own IntegerField/DecimalField (unbounded: 10**30
    passes them) or coerces a choice with a bare int()."""
    import wtforms

    problems, numbers = [], 0
    for form_class in _form_classes():
        for name in dir(form_class):
            unbound = getattr(form_class, name, None)
            if not isinstance(unbound, wtforms.fields.core.UnboundField):
                continue
            field_class = unbound.field_class
            if issubclass(field_class, (wtforms.IntegerField, wtforms.DecimalField)):
                numbers += 1
                if not issubclass(field_class, (bounded.IntegerField, bounded.DecimalField)):
                    problems.append(
                        f"{form_class.__module__}.{form_class.__name__}.{name}: {field_class.__name__}"
                    )
            if unbound.kwargs.get("coerce") is int:
                problems.append(f"{form_class.__module__}.{form_class.__name__}.{name}: coerce=int")
    assert numbers > 30
    assert not problems, "unbounded numbers in forms:\n" + "\n".join(problems)


def test_ids_in_urls_stop_where_id_columns_do(bare_app):
    from werkzeug.exceptions import NotFound

    adapter = bare_app.url_map.bind("localhost")
    assert adapter.match(f"/applications/{2**31 - 1}")[1] == {"application_id": 2**31 - 1}
    for huge in (2**31, 2**63, 10**30):
        with pytest.raises(NotFound):
            adapter.match(f"/applications/{huge}")


def test_json_nesting_is_measured_without_recursion():
    deep = "[" * 100_000 + "]" * 100_000
    with pytest.raises(TooDeep):
        loads_json(deep)
    with pytest.raises(TooDeep):
        loads_json("[" * (MAX_JSON_DEPTH + 1) + "]" * (MAX_JSON_DEPTH + 1))
    assert loads_json('{"fields": {"a": [1, 2]}}') == {"fields": {"a": [1, 2]}}
    value: list = []
    for _ in range(50_000):
        value = [value]
    assert (
        json_depth(value) > MAX_JSON_DEPTH
    )  # a value built in Python, deeper than json.loads would go
    with pytest.raises(ValueError):
        loads_json("not json")
