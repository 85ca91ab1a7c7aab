"""Word tables for a methods appendix (python-docx): the agreement figures as a table."""

from __future__ import annotations

import io
from datetime import date

import docx
import pandas as pd
from docx.enum.section import WD_ORIENT
from docx.shared import Inches, Pt

from .. import agreement_stats as stats
from ..agreement import column_meanings

# places in the Word table, each figure rounded once from the exact value compare() keeps
COEFFICIENT_PLACES = 3  # kappa, alpha: 0.687
PERCENT_PLACES = 2  # 85.00
COEFFICIENTS = {"kappa", "alpha", "nvivo_kappa"}
PERCENTS = {"agreement_percent", "nvivo_agreement_percent"}


def _cell(column: str, value) -> str:
    if value is None or value is pd.NA or (isinstance(value, float) and pd.isna(value)):
        return "–"
    if column in COEFFICIENTS or column in PERCENTS:
        places = COEFFICIENT_PLACES if column in COEFFICIENTS else PERCENT_PLACES
        figure = stats.shown(float(value), places)
        return "–" if figure is None else f"{figure:.{places}f}"
    if isinstance(value, float):
        return f"{stats.shown(value, COEFFICIENT_PLACES):g}"
    return str(value)


def agreement_docx(frame: pd.DataFrame, *, project: str) -> bytes:
    """The agreement table of :func:`qualbench.agreement.compare` as a Word document."""
    attrs = frame.attrs
    frame = frame[[c for c in frame.columns if not (frame[c].astype(str).str.strip().isin(["", "None", "nan", "<NA>"])).all()]]
    document = docx.Document()
    section = document.sections[0]
    section.orientation = WD_ORIENT.LANDSCAPE
    section.page_width, section.page_height = section.page_height, section.page_width
    section.left_margin = section.right_margin = Inches(0.7)
    document.add_heading("Inter-coder agreement", level=1)
    names = list(attrs.get("coders", []))
    coders = " and ".join([", ".join(names[:-1]), names[-1]] if len(names) > 2 else names)
    level = attrs.get("level", "")
    intro = (f"{project}. Coders: {coders}. Level: {level}"
             + (f" (segments matched at {attrs.get('min_overlap', 0.9):.0%} overlap)" if level == "segment" else "")
             + f". Documents compared: {len(attrs.get('documents', []))}"
             + ("; a coder's units are missing on the documents they did not code" if level == "unit"
                and any(len(c) < len(attrs.get("coders", [])) for c in attrs.get("coded_by", {}).values()) else "")
             + f". Computed by Qualbench on {date.today().isoformat()}.")
    document.add_paragraph(intro)
    table = document.add_table(rows=1, cols=len(frame.columns))
    table.style = "Light Grid Accent 1"
    for cell, name in zip(table.rows[0].cells, frame.columns):
        cell.text = str(name).replace("_", " ")
    for row in frame.itertuples(index=False):
        cells = table.add_row().cells
        for cell, column, value in zip(cells, frame.columns, row):
            cell.text = _cell(column, value)
    usable = section.page_width - section.left_margin - section.right_margin
    first = int(usable * (0.3 if len(frame.columns) <= 8 else 0.18))  # the code's path; narrower when many figures follow
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
    notes = document.add_paragraph()
    for column, meaning in column_meanings(frame).items():
        notes.add_run(str(column).replace("_", " ")).bold = True
        notes.add_run(f": {meaning}. ")
    for run in notes.runs:
        run.font.size = Pt(8)
    document.add_paragraph(
        "Percent agreement and Cohen's kappa count units (characters or turns) coded by both, by one, or by neither coder; "
        "Krippendorff's alpha is nominal with missing data allowed; see the Qualbench README for the exact definitions.")
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()
