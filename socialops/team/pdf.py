"""Render the team's one-page PDFs (WeasyPrint) and their charts (matplotlib SVG)."""

from __future__ import annotations

import io
from typing import Any

from django.http import HttpRequest
from django.template.loader import render_to_string
from django.utils.dates import WEEKDAYS_ABBR
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _

from socialops.team.staffing_case import StaffingCase


def staffing_chart_svg(case: StaffingCase) -> SafeString:
    """Return an SVG bar chart of the staff needed per hour of the week."""
    import matplotlib

    matplotlib.use("Agg")
    from matplotlib import pyplot as plt

    figure, axes = plt.subplots(figsize=(7.2, 2.2), dpi=100)
    try:
        axes.bar(range(len(case.agents)), case.agents, width=1.0, color="#0d6efd")
        axes.set_xticks([day * 24 + 12 for day in range(7)],
                        [str(WEEKDAYS_ABBR[day]) for day in range(7)])
        for day in range(1, 7):
            axes.axvline(day * 24 - 0.5, color="#adb5bd", linewidth=0.5)
        axes.set_xlim(-0.5, len(case.agents) - 0.5)
        axes.set_ylabel(_("People answering"))
        axes.spines[["top", "right"]].set_visible(False)
        figure.tight_layout()
        buffer = io.StringIO()
        figure.savefig(buffer, format="svg")
    finally:
        plt.close(figure)
    svg = buffer.getvalue()
    # The SVG is generated here from numbers and translated labels (escaped by
    # matplotlib); nothing from the public reaches it.
    return mark_safe(svg[svg.index("<svg"):])  # noqa: S308


def render_pdf(request: HttpRequest, template: str, context: dict[str, Any]) -> bytes:
    """Render a template to PDF bytes."""
    from weasyprint import HTML

    html = render_to_string(template, context, request=request)
    # No base URL: the document references nothing outside itself.
    return bytes(HTML(string=html).write_pdf())
