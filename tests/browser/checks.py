"""Checks run on every page the browser tests visit.

``PageWatch`` collects console errors, uncaught exceptions and CSP violations of one
page; ``page_problems`` finds the accessibility basics (one h1, labelled inputs,
landmarks); ``axe_problems`` runs axe-core when it is installed (npm, see package.json).
"""

from __future__ import annotations

import re
from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parents[2]
AXE_PATH = PROJECT_ROOT / "node_modules" / "axe-core" / "axe.min.js"

# Registered before any page script runs (CDP, so the CSP does not apply to it):
# CSP violations are counted in the page, whatever the console says.
CSP_LISTENER = """
window.__cspViolations = [];
document.addEventListener("securitypolicyviolation", function (e) {
  window.__cspViolations.push(e.violatedDirective + " " + (e.blockedURI || "inline") +
                              " at " + (e.sourceFile || "") + ":" + (e.lineNumber || 0));
});
"""

# The basics, checked in the page: one h1, an accessible name for every form control,
# a header or nav landmark and a main landmark, nothing wider than the window.
BASICS_JS = """
() => {
  const problems = [];
  const visible = (el) => !!(el.offsetWidth || el.offsetHeight || el.getClientRects().length);
  const h1s = document.querySelectorAll("h1");
  if (h1s.length !== 1) problems.push(`expected exactly one <h1>, found ${h1s.length}`);
  const controls = document.querySelectorAll(
    "input:not([type=hidden]):not([type=submit]):not([type=button]):not([type=reset]):not([type=image]), select, textarea");
  for (const el of controls) {
    const named = (el.labels && el.labels.length) || el.getAttribute("aria-label") ||
                  el.getAttribute("aria-labelledby") || el.getAttribute("title");
    if (!named) {
      problems.push(`form control without a label: <${el.tagName.toLowerCase()} name="${el.name || ""}" id="${el.id || ""}">`);
    }
  }
  if (!document.querySelector("header, nav, [role=banner], [role=navigation]")) problems.push("no header/nav landmark");
  if (document.querySelectorAll("main, [role=main]").length !== 1) problems.push("expected exactly one <main> landmark");
  const overflow = document.documentElement.scrollWidth - window.innerWidth;
  if (overflow > 1) problems.push(`the page is ${overflow}px wider than the window (it scrolls sideways)`);
  return problems;
}
"""

# Rules that fail the test whatever impact axe gives them; any other rule fails when
# its impact is serious or critical.
AXE_ALWAYS = {
    "label",
    "landmark-one-main",
    "page-has-heading-one",
    "color-contrast",
    "region",
    "duplicate-id-aria",
    "button-name",
    "link-name",
    "image-alt",
    "select-name",
}


def axe_source() -> str | None:
    return AXE_PATH.read_text(encoding="utf-8") if AXE_PATH.exists() else None


# Chromium reports every 4xx/5xx response as a console error; a page that answers a bad
# form with 422 on purpose is not an error of the page.
STATUS_ERROR = re.compile(r"Failed to load resource: the server responded with a status of (\d{3})")


class PageWatch:
    """Console errors, page errors and CSP violations of one page (over navigations)."""

    def __init__(self, page, allowed_statuses=frozenset({422})):
        self.page = page
        self.errors: list[str] = []
        self.allowed_statuses = set(allowed_statuses)
        page.add_init_script(CSP_LISTENER)
        page.on("console", self._console)
        page.on("pageerror", lambda exc: self.errors.append(f"page error: {exc}"))

    def _console(self, message) -> None:
        if message.type not in ("error", "assert"):
            return
        text = message.text
        status = STATUS_ERROR.search(text)
        if status and int(status.group(1)) in self.allowed_statuses:
            return
        self.errors.append(f"console {message.type}: {text} ({message.location.get('url', '')})")

    def take(self) -> list[str]:
        errors, self.errors = self.errors, []
        return errors


def page_problems(page) -> list[str]:
    problems = list(page.evaluate(BASICS_JS))
    problems += [f"CSP violation: {v}" for v in page.evaluate("window.__cspViolations || []")]
    return problems


def axe_problems(page, source: str) -> list[str]:
    if not page.evaluate("typeof window.axe !== 'undefined'"):
        page.evaluate(source)
    result = page.evaluate(
        """async () => {
          const r = await axe.run(document, {resultTypes: ["violations"],
                                             runOnly: {type: "tag", values: ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "best-practice"]}});
          return r.violations.map(v => ({id: v.id, impact: v.impact, help: v.help,
                                         nodes: v.nodes.slice(0, 5).map(n => n.target.join(" ") + " — " + (n.failureSummary || "").split("\\n").slice(1, 2).join(""))}));
        }"""
    )
    problems = []
    for v in result:
        if v["id"] in AXE_ALWAYS or v["impact"] in ("serious", "critical"):
            problems.append(f"axe {v['id']} ({v['impact']}): {v['help']}: " + "; ".join(v["nodes"]))
    return problems
