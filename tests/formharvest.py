"""Read the POST forms of an HTML page as a browser would submit them.

Used by the fuzzer to learn, from the pages themselves, which fields each route takes,
which of them carry numbers or hidden state, and what a plausible submission looks like.
Only the standard library: the test suite must not depend on an HTML parser package.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from html.parser import HTMLParser
from urllib.parse import urljoin, urlsplit

NUMERIC = re.compile(r"^-?\d+$")


@dataclass
class Field:
    name: str
    tag: str  # input, select or textarea
    type: str = "text"  # the input's type ("select", "select-multiple" or "textarea" otherwise)
    value: str = ""  # what the browser would send as the page stands
    checked: bool = False
    options: list[str] = field(default_factory=list)
    required: bool = False
    attrs: dict = field(default_factory=dict)

    @property
    def numeric(self) -> bool:
        """A field that carries a number or an id: fuzzed with non-numbers, huge numbers,
        negatives and empties."""
        if self.type in ("number", "range"):
            return True
        if self.tag == "select":
            values = [o for o in self.options if o]
            return bool(values) and all(NUMERIC.match(o) for o in values)
        if self.type in ("checkbox", "radio"):
            return bool(NUMERIC.match(self.value or ""))
        return self.name == "version" or self.name.endswith(("_id", "_ids")) or self.name == "id"

    @property
    def hidden(self) -> bool:
        return self.type == "hidden"


@dataclass
class Form:
    action: str  # path only
    fields: list[Field] = field(default_factory=list)
    multipart: bool = False
    submitters: list[tuple[str, str]] = field(default_factory=list)  # named submit buttons
    json_url: str | None = None  # where the page's script also sends the fields as JSON (autosave)
    json_wrapped: bool = (
        False  # the script sends {"fields": {...}} rather than the fields themselves
    )

    def baseline(self) -> list[tuple[str, str]]:
        """The (name, value) pairs a user pressing the first button would send, with empty
        required fields given a plausible value."""
        pairs = []
        radios_done = set()
        for f in self.fields:
            if f.type in ("checkbox", "radio"):
                if f.checked or (f.type == "radio" and f.required and f.name not in radios_done):
                    pairs.append((f.name, f.value or "on"))
                    radios_done.add(f.name)
                continue
            if f.type == "file":
                continue
            pairs.append((f.name, f.value or _plausible(f)))
        if self.submitters:
            pairs.append(self.submitters[0])
        return pairs

    def names(self) -> list[str]:
        return list(dict.fromkeys(f.name for f in self.fields if f.type != "file"))


def _plausible(f: Field) -> str:
    if f.value:
        return f.value
    if f.tag == "select":
        return next((o for o in f.options if o), "")
    if not f.required:
        return ""
    return {
        "number": f.attrs.get("min") or "1",
        "date": "2026-06-01",
        "datetime-local": "2026-06-01T10:00",
        "email": "fuzz@example.org",
        "tel": "13800000000",
        "password": "Fuzz-password-2026!",
        "url": "https://example.org/",
    }.get(f.type, "测试内容：这是一段足够长的说明文字，用于通过长度校验。")


class _Parser(HTMLParser):
    def __init__(self, base: str):
        super().__init__(convert_charrefs=True)
        self.base = base
        self.forms: list[Form] = []
        self.current: Form | None = None
        self.select: Field | None = None
        self.option_value: str | None = None
        self.option_text: list[str] = []
        self.option_selected = False
        self.in_option = False
        self.textarea: Field | None = None
        self.owned: dict[str, Form] = {}  # form id -> Form (for inputs with form="...")
        self.orphans: list[tuple[str, Field]] = []

    def handle_starttag(self, tag, attrs):
        a = {k: (v if v is not None else "") for k, v in attrs}
        if tag == "form":
            if a.get("method", "get").lower() != "post":
                self.current = None
                return
            action = urlsplit(urljoin(self.base, a.get("action") or self.base)).path
            self.current = Form(action=action, multipart="multipart" in a.get("enctype", ""))
            # The scripts' autosave: applications.js posts {"fields": {...}} to data-autosave,
            # judging.js posts the fields themselves to data-autosave-url.
            autosave = a.get("data-autosave") or a.get("data-autosave-url")
            if autosave:
                self.current.json_url = urlsplit(urljoin(self.base, autosave)).path
                self.current.json_wrapped = bool(a.get("data-autosave"))
            self.forms.append(self.current)
            if a.get("id"):
                self.owned[a["id"]] = self.current
            return
        if tag in ("input", "button", "select", "textarea") and "name" in a:
            self._field(tag, a)
        elif tag == "option" and self.select is not None:
            self._close_option()  # the end tag of an option is optional
            self.in_option = True
            self.option_value = a.get("value")
            self.option_text = []
            self.option_selected = "selected" in a

    def _field(self, tag, a):
        name = a["name"]
        target = self.owned.get(a.get("form", "")) if a.get("form") else self.current
        if tag == "button" or (
            tag == "input" and a.get("type", "text").lower() in ("submit", "image")
        ):
            if target is not None:
                target.submitters.append((name, a.get("value", "")))
            return
        kind = a.get("type", "text").lower() if tag == "input" else tag
        if tag == "select":
            kind = "select-multiple" if "multiple" in a else "select"
        f = Field(
            name=name,
            tag=tag,
            type=kind,
            value=a.get("value", ""),
            checked="checked" in a,
            required="required" in a,
            attrs=a,
        )
        if tag == "select":
            self.select = f
        if tag == "textarea":
            self.textarea = f
        if target is not None:
            target.fields.append(f)
        elif a.get("form"):
            self.orphans.append((a["form"], f))

    def handle_endtag(self, tag):
        if tag == "form":
            self.current = None
        elif tag == "option" and self.select is not None:
            self._close_option()
        elif tag == "select" and self.select is not None:
            self._close_option()
            self.select = None
        elif tag == "textarea":
            self.textarea = None

    def _close_option(self):
        if not self.in_option:
            return
        self.in_option = False
        value = (
            self.option_value
            if self.option_value is not None
            else "".join(self.option_text).strip()
        )
        self.select.options.append(value)
        if self.option_selected or (not self.select.value and len(self.select.options) == 1):
            self.select.value = value
        self.option_value, self.option_text, self.option_selected = None, [], False

    def handle_data(self, data):
        if self.textarea is not None:
            self.textarea.value += data
        elif self.in_option and self.option_value is None:
            self.option_text.append(data)


def post_forms(html: str, url: str) -> list[Form]:
    """The POST forms of a page (GET forms are searches, not state changes)."""
    parser = _Parser(url)
    parser.feed(html)
    parser.close()
    for form_id, f in parser.orphans:  # inputs placed before their form
        if form_id in parser.owned:
            parser.owned[form_id].fields.append(f)
    return parser.forms
