"""The score report of one trainee as a one- or two-page PDF summary for the trainer's
file (ReportLab). The screen version (HTML, in either language) shows the same items."""

from __future__ import annotations

import io
from xml.sax.saxutils import escape

from reportlab.lib import colors
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import getSampleStyleSheet
from reportlab.lib.units import mm
from reportlab.platypus import Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle

#: What each kind of model-answer item is about.
ITEM_KINDS = {
    "conflict": "Conflict pair",
    "group": "Competing claims decided together",
    "outcome": "Outcome",
    "appeal": "Appeal",
    "deadline": "Deadline",
    "letter": "Letter",
}


def item_title(item: dict) -> str:
    """E.g. "Conflict pair: family-a ~ family-b"."""
    return f"{ITEM_KINDS.get(item['kind'], item['kind'])}: {' ~ '.join(item['refs'])}"


def report_pdf(seat, scenario, report: dict) -> bytes:
    """Trainee, scenario, score, and each model-answer item: passed or missed, and why a
    missed one matters. Deterministic for the same report (no creation date)."""
    styles = getSampleStyleSheet()
    buffer = io.BytesIO()
    document = SimpleDocTemplate(
        buffer,
        pagesize=A4,
        title=f"Training report {seat.id}",
        leftMargin=18 * mm,
        rightMargin=18 * mm,
        topMargin=18 * mm,
        bottomMargin=18 * mm,
        invariant=1,
    )
    story = [
        Paragraph("TRAINING REPORT — NOT A LEGAL DOCUMENT", styles["Title"]),
        Paragraph(escape(scenario.title.en), styles["Heading2"]),
        Paragraph(escape(scenario.lesson.en), styles["BodyText"]),
        Spacer(1, 4 * mm),
        Paragraph(
            f"Trainee: {escape(seat.trainee.full_name)} ({escape(seat.trainee.username)}) · "
            f"run {seat.run_id} · score <b>{report['percent']}%</b>",
            styles["BodyText"],
        ),
        Spacer(1, 4 * mm),
    ]
    rows = [["Item", "Points", "Result"]]
    for item in report["items"]:
        rows.append(
            [
                Paragraph(escape(item_title(item)), styles["BodyText"]),
                f"{item['points']} / {item['max_points']}",
                "passed" if item["passed"] else "MISSED",
            ]
        )
    table = Table(rows, colWidths=[110 * mm, 25 * mm, 25 * mm], repeatRows=1)
    table.setStyle(
        TableStyle(
            [
                ("BACKGROUND", (0, 0), (-1, 0), colors.HexColor("#0f5132")),
                ("TEXTCOLOR", (0, 0), (-1, 0), colors.white),
                ("GRID", (0, 0), (-1, -1), 0.25, colors.grey),
                ("VALIGN", (0, 0), (-1, -1), "TOP"),
            ]
        )
    )
    story.append(table)
    missed = [item for item in report["items"] if not item["passed"]]
    if missed:
        story += [
            Spacer(1, 6 * mm),
            Paragraph("What was missed, and why it matters", styles["Heading2"]),
        ]
        for item in missed:
            story.append(Paragraph(f"<b>{escape(item_title(item))}</b>", styles["BodyText"]))
            story.append(
                Paragraph(
                    f"Expected: {escape(item['expected'])}. Done: {escape(item['did'])}.",
                    styles["BodyText"],
                )
            )
            story.append(Paragraph(escape(item["why"]["en"]), styles["BodyText"]))
            story.append(Spacer(1, 3 * mm))
    document.build(story)
    return buffer.getvalue()
