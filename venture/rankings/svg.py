"""Small charts drawn on the server as inline SVG (presentation attributes only: the
Content-Security-Policy forbids style attributes)."""

from __future__ import annotations

from markupsafe import Markup, escape

WIDTH, HEIGHT = 140, 16
HARSH, LENIENT, AXIS = "#b02a37", "#0a58ca", "#6c757d"


def severity_bar(value: float | None, scale: float, label: str) -> Markup:
    """A bar from the middle: left (red) for a harsher judge, right (blue) for a lenient one."""
    middle = WIDTH / 2
    parts = [
        f'<svg class="severity-bar" width="{WIDTH}" height="{HEIGHT}" viewBox="0 0 {WIDTH} {HEIGHT}" '
        f'role="img" aria-label="{escape(label)}"><title>{escape(label)}</title>'
    ]
    if value is not None and scale > 0:
        length = min(abs(value) / scale, 1.0) * (middle - 2)
        x = middle - length if value < 0 else middle
        color = HARSH if value < 0 else LENIENT
        parts.append(
            f'<rect x="{x:.1f}" y="3" width="{length:.1f}" height="{HEIGHT - 6}" fill="{color}"/>'
        )
    parts.append(
        f'<line x1="{middle}" y1="0" x2="{middle}" y2="{HEIGHT}" stroke="{AXIS}" stroke-width="1"/>'
    )
    parts.append("</svg>")
    return Markup("".join(parts))
