"""HTML reports: every template renders with autoescaping on, so markup in an id, a label or a
count can never come out live (``select_autoescape()`` does not match ``*.html.j2``)."""

from __future__ import annotations

from typing import Any

from jinja2 import Environment, PackageLoader


def render_html(package: str, template: str, **context: Any) -> str:
    """Render ``template`` from ``package``'s ``templates/`` folder with every value escaped."""
    return Environment(loader=PackageLoader(package), autoescape=True).get_template(template).render(**context)


def stacked_bars(rows: dict[str, dict[str, int]], colours: dict[str, str], width: float, each_full: bool = False) -> list[dict[str, Any]]:
    """SVG geometry of one horizontal stacked bar per row: its non-zero parts in ``colours`` order as
    segments (name, count, x, width, colour). Bars scale to the largest row, or each to ``width``."""
    largest = max((sum(parts.values()) for parts in rows.values()), default=0)
    bars = []
    for label, parts in rows.items():
        unit = width / max(sum(parts.values()) if each_full else largest, 1)
        x, segments = 0.0, []
        for name, colour in colours.items():
            if parts.get(name):
                segments.append({"name": name, "count": parts[name], "x": round(x, 1), "width": round(unit * parts[name], 1), "colour": colour})
                x += unit * parts[name]
        bars.append({"label": label, "segments": segments})
    return bars
