"""Excerpts as tables: CSV and XLSX (openpyxl), one row per excerpt.

Columns: document, kind, turn, speaker, code (its path), coder, created_at, excerpt,
context before and after, memo, the second coding's code, coder and memo, the stretch's
coders and its number of coding pairs for an AND query, then every case attribute of
the project, and last the ids and offsets (document_id, coding_id, start, end) that tie
a row back to the project. CSV is
UTF-8 without BOM with ``\\n`` line ends (DESIGN.md, "Interchange"). In XLSX every text
cell is stored as text, so an excerpt beginning with "=" is never taken for a formula.
"""

from __future__ import annotations

import io
import re

import pandas as pd
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Alignment, Font

LEADING = ["document", "kind", "turn", "speaker", "code", "coder", "created_at", "excerpt", "context_before", "context_after", "memo",
           "other_code", "other_coder", "other_memo", "coders", "pairs"]
TRAILING = ["document_id", "coding_id", "other_coding_id", "start", "end"]
WIDTHS = {"document": 36, "excerpt": 70, "context_before": 40, "context_after": 40, "memo": 40, "other_memo": 40, "code": 32,
          "other_code": 32, "created_at": 20}
_NOT_IN_XLSX = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f]")


def excerpt_table(frame: pd.DataFrame) -> pd.DataFrame:
    """The columns of an excerpt export, in order (the coding page link and code id are left out)."""
    attributes = frame.attrs.get("attributes", [])
    columns = [c for c in LEADING if c in frame.columns] + [c for c in attributes if c in frame.columns]
    columns += [c for c in TRAILING if c in frame.columns]
    return frame[columns]


def to_csv(frame: pd.DataFrame) -> bytes:
    """The excerpts as CSV (UTF-8, no BOM, ``\\n`` line ends)."""
    return excerpt_table(frame).to_csv(index=False, lineterminator="\n").encode("utf-8")


def _value(value):
    if value is None or value is pd.NA or (isinstance(value, float) and pd.isna(value)):
        return None
    if isinstance(value, str):
        return _NOT_IN_XLSX.sub("", value)
    return value.item() if hasattr(value, "item") else value


def to_xlsx(frame: pd.DataFrame, *, sheet: str = "Excerpts") -> bytes:
    """The excerpts as an Excel workbook: a bold, frozen header row with filters, wrapped excerpt columns."""
    table = excerpt_table(frame)
    book = Workbook(write_only=True)
    ws = book.create_sheet(sheet[:31])
    for k, name in enumerate(table.columns):
        ws.column_dimensions[_letter(k)].width = WIDTHS.get(name, 14)
    ws.freeze_panes = "A2"
    ws.auto_filter.ref = f"A1:{_letter(len(table.columns) - 1)}{len(table) + 1}"
    bold, wrap = Font(bold=True), Alignment(wrap_text=True, vertical="top")
    header = []
    for name in table.columns:
        cell = WriteOnlyCell(ws, value=name)
        cell.font = bold
        header.append(cell)
    ws.append(header)
    wrapped = {k for k, name in enumerate(table.columns) if WIDTHS.get(name, 0) >= 40}
    for values in table.itertuples(index=False, name=None):
        row = []
        for k, value in enumerate(values):
            value = _value(value)
            if isinstance(value, str) and (value.startswith("=") or k in wrapped):
                cell = WriteOnlyCell(ws, value=value)
                cell.data_type = "s"  # text, even when it starts with "="
                if k in wrapped:
                    cell.alignment = wrap
                value = cell
            row.append(value)
        ws.append(row)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def _letter(index: int) -> str:
    from openpyxl.utils import get_column_letter

    return get_column_letter(index + 1)
