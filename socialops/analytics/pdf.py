"""Render a report as a PDF: WeasyPrint for the pages, matplotlib SVG for the charts."""

from __future__ import annotations

import base64
import io
from datetime import date
from typing import Any

from django.template.loader import render_to_string
from django.utils import translation

from socialops.analytics.definitions import DEFINITIONS
from socialops.analytics.models import ReportDefinition, ReportSection

CHART_SIZE = (7.2, 2.6)  # inches, the width of an A4 page's text block


def _svg_data_uri(figure: Any) -> str:
    out = io.StringIO()
    figure.savefig(out, format="svg", bbox_inches="tight")
    return "data:image/svg+xml;base64," + base64.b64encode(out.getvalue().encode()).decode()


def daily_chart(series: list[dict[str, Any]], labels: dict[str, str]) -> str | None:
    """Return the impressions/engagements-per-day chart as an SVG data URI (None if empty)."""
    if not any(row.get("impressions") for row in series):
        return None
    import matplotlib

    matplotlib.use("Agg")  # no display: render to files only
    from matplotlib.figure import Figure

    matplotlib.rcParams["svg.fonttype"] = "none"  # keep text as text in the SVG
    matplotlib.rcParams["font.family"] = "DejaVu Sans"
    figure = Figure(figsize=CHART_SIZE)
    axes = figure.add_subplot()
    days = [row["day"][5:] for row in series]
    axes.plot(days, [row.get("impressions") or 0 for row in series], color="#0d6efd",
              label=labels["impressions"])
    other = axes.twinx()
    other.plot(days, [row.get("engagements") or 0 for row in series], color="#d63384",
               label=labels["engagements"])
    step = max(1, len(days) // 8)
    axes.set_xticks(range(0, len(days), step), [days[i] for i in range(0, len(days), step)])
    axes.tick_params(labelsize=7)
    other.tick_params(labelsize=7)
    figure.legend(loc="upper left", fontsize=7, frameon=False)
    return _svg_data_uri(figure)


def render_pdf(definition: ReportDefinition, data: dict[str, Any], summary: list[str],
               organization_name: str) -> bytes:
    """Return the PDF bytes of a report, written in the report's language."""
    from weasyprint import HTML

    from socialops.analytics.logos import logo_data_uri

    with translation.override(definition.language):
        labels = {key: str(d.label) for key, d in DEFINITIONS.items()}
        html = render_to_string("analytics/report_pdf.html", {
            "definition": definition, "data": data, "summary": summary,
            "organization_name": organization_name,
            "logo": logo_data_uri(definition.organization_id),
            "monogram": "".join(w[0] for w in organization_name.split()[:2]).upper(),
            "sections": set(definition.sections or ReportSection.values),
            "labels": labels, "definitions": DEFINITIONS,
            "chart": daily_chart(data["series"], labels),
            "language": definition.language,
            "period_start": date.fromisoformat(data["period"]["start"]),
            "period_end": date.fromisoformat(data["period"]["end"]),
        })
    return bytes(HTML(string=html).write_pdf())
