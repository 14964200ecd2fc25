"""HTML reports: every template renders with autoescaping on, so markup in an id, a label or a
count can never come out live (``select_autoescape()`` does not match ``*.html.j2``)."""

from __future__ import annotations

from typing import Any

from jinja2 import Environment, PackageLoader


def render_html(package: str, template: str, **context: Any) -> str:
    """Render ``template`` from ``package``'s ``templates/`` folder with every value escaped."""
    return Environment(loader=PackageLoader(package), autoescape=True).get_template(template).render(**context)
