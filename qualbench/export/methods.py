"""Word tables for a methods appendix (python-docx): the agreement figures as a table."""

from __future__ import annotations

import io
from datetime import date

import docx
import pandas as pd
from docx.enum.section import WD_ORIENT
from docx.shared import Inches, Pt


def _cell(value) -> str:
    if value is None or (isinstance(value, float) and pd.isna(value)):
        return "–"
    if isinstance(value, float):
        return f"{value:.3f}".rstrip("0").rstrip(".") if abs(value) < 1 else f"{value:.2f}"
    return str(value)


def agreement_docx(frame: pd.DataFrame, *, project: str) -> bytes:
    """The agreement table of :func:`qualbench.agreement.compare` as a Word document."""
    attrs = frame.attrs
    frame = frame[[c for c in frame.columns if not (frame[c].astype(str).str.strip().isin(["", "None", "nan"])).all()]]
    document = docx.Document()
    section = document.sections[0]
    section.orientation = WD_ORIENT.LANDSCAPE
    section.page_width, section.page_height = section.page_height, section.page_width
    section.left_margin = section.right_margin = Inches(0.7)
    document.add_heading("Inter-coder agreement", level=1)
    coders = " and ".join(attrs.get("coders", []))
    level = attrs.get("level", "")
    intro = (f"{project}. Coders: {coders}. Level: {level}"
             + (f" (segments matched at {attrs.get('min_overlap', 0.9):.0%} overlap)" if level == "segment" else "")
             + f". Documents compared: {len(attrs.get('documents', []))}. Computed by Qualbench on {date.today().isoformat()}.")
    document.add_paragraph(intro)
    table = document.add_table(rows=1, cols=len(frame.columns))
    table.style = "Light Grid Accent 1"
    for cell, name in zip(table.rows[0].cells, frame.columns):
        cell.text = str(name).replace("_", " ")
    for row in frame.itertuples(index=False):
        cells = table.add_row().cells
        for cell, value in zip(cells, row):
            cell.text = _cell(value)
    usable = section.page_width - section.left_margin - section.right_margin
    first = int(usable * 0.3)
    rest = int((usable - first) / max(1, len(frame.columns) - 1))
    table.autofit = False
    for i, column in enumerate(table.columns):
        column.width = first if i == 0 else rest
    for row in table.rows:
        for i, cell in enumerate(row.cells):
            cell.width = first if i == 0 else rest
        for cell in row.cells:
            for paragraph in cell.paragraphs:
                for run in paragraph.runs:
                    run.font.size = Pt(8)
    document.add_paragraph(
        "Percent agreement and Cohen's kappa count units (characters or turns) coded by both, by one, or by neither coder; "
        "Krippendorff's alpha is nominal with missing data allowed; see the Qualbench README for the exact definitions.")
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()
