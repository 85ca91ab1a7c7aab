"""Tables as CSV and XLSX: every table the project writes goes through :func:`csv_bytes` or :func:`to_xlsx`.

No cell a spreadsheet opens may run as a formula (OWASP "CSV injection"): a document
title, code, attribute name or value, memo or excerpt that starts with ``=``, ``+``,
``-``, ``@``, a tab or a carriage return gets a leading ``'`` (:func:`defuse`), in every
cell, header and row label, of every CSV and XLSX file. Text that starts with ``'``
gets one too, so the rule reads back without doubt: a text cell that starts with ``'``
has one ``'`` more than the project's text (:func:`undefuse`). Numbers stay numbers:
only text is changed, so a kappa of -0.25 is still the number -0.25.

The excerpt export, one row per excerpt:

Columns: document, kind, turn, speaker, code (its path), coder, created_at, excerpt,
context before and after, memo, the second coding's code, coder and memo, the stretch's
coders and its number of coding pairs for an AND query, then every case attribute of
the project, and last the ids and offsets (document_id, coding_id, start, end) that tie
a row back to the project. CSV is
UTF-8 without BOM with ``\\n`` line ends (DESIGN.md, "Interchange"). In XLSX every text
cell is stored as text as well.
"""

from __future__ import annotations

import io
import re

import pandas as pd

LEADING = ["document", "kind", "turn", "speaker", "code", "coder", "created_at", "excerpt", "context_before", "context_after", "memo",
           "other_code", "other_coder", "other_memo", "coders", "pairs"]
TRAILING = ["document_id", "coding_id", "other_coding_id", "start", "end"]
WIDTHS = {"document": 36, "excerpt": 70, "context_before": 40, "context_after": 40, "memo": 40, "other_memo": 40, "code": 32,
          "other_code": 32, "created_at": 20}
_NOT_IN_XLSX = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f]")
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")  # what a spreadsheet runs as a formula (OWASP)
_DEFUSED_START = re.compile("[=+\\-@\t\r']")


def defuse(value):
    """``value`` as a spreadsheet cell that never runs: text starting with = + - @ tab CR (or ') gets a leading '."""
    if isinstance(value, str) and value.startswith((*FORMULA_START, "'")):
        return "'" + value
    return value


def undefuse(cell: str) -> str:
    """The project's text of a cell that :func:`defuse` wrote (for scripts that read our CSV back)."""
    return cell[1:] if cell.startswith("'") else cell


def defused(frame: pd.DataFrame, *, index: bool = False) -> pd.DataFrame:
    """A copy of ``frame`` with every text cell and column name defused (and the row labels, with ``index``)."""
    out = frame.copy()
    for k in range(out.shape[1]):
        column = out.iloc[:, k]
        if pd.api.types.is_numeric_dtype(column.dtype) or pd.api.types.is_datetime64_any_dtype(column.dtype):
            continue  # numbers stay numbers
        try:  # vectorised where pandas can (text columns); only text can match
            hit = column.str.match(_DEFUSED_START, na=False).astype(bool)
        except (AttributeError, TypeError):
            out.isetitem(k, column.map(defuse))
            continue
        if hit.any():
            column = column.astype(object)
            column[hit] = "'" + column[hit].astype(str)
            out.isetitem(k, column)
    out.columns = pd.Index([defuse(c) for c in out.columns], name=defuse(out.columns.name))
    if index:
        out.index = pd.Index([defuse(i) for i in out.index], name=defuse(out.index.name))
    return out


def csv_bytes(frame: pd.DataFrame, *, index: bool = False, index_label: str | None = None,
              float_format: str | None = None) -> bytes:
    """Any table as CSV (UTF-8, no BOM, ``\\n`` line ends), formulas defused; blank for a missing value."""
    label = defuse(index_label) if index_label is not None else None
    return defused(frame, index=index).to_csv(index=index, index_label=label, float_format=float_format,
                                              lineterminator="\n").encode("utf-8")


def excerpt_table(frame: pd.DataFrame) -> pd.DataFrame:
    """The columns of an excerpt export, in order (the coding page link and code id are left out)."""
    attributes = frame.attrs.get("attributes", [])
    columns = [c for c in LEADING if c in frame.columns] + [c for c in attributes if c in frame.columns]
    columns += [c for c in TRAILING if c in frame.columns]
    return frame[columns]


def to_csv(frame: pd.DataFrame) -> bytes:
    """The excerpts as CSV (UTF-8, no BOM, ``\\n`` line ends), formulas defused."""
    return csv_bytes(excerpt_table(frame))


def _value(value):
    if value is None or value is pd.NA or (isinstance(value, float) and pd.isna(value)):
        return None
    if isinstance(value, str):
        return defuse(_NOT_IN_XLSX.sub("", value))
    return value.item() if hasattr(value, "item") else value


def to_xlsx(frame: pd.DataFrame, *, sheet: str = "Excerpts") -> bytes:
    """The excerpts as an Excel workbook: a bold, frozen header row with filters, wrapped excerpt columns.

    Every text cell, header cells too, is defused, so openpyxl stores it as text (never as a formula).
    """
    from openpyxl import Workbook
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.styles import Alignment, Font

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
        cell = WriteOnlyCell(ws, value=_value(name))
        cell.font = bold
        header.append(cell)
    ws.append(header)
    wrapped = {k for k, name in enumerate(table.columns) if WIDTHS.get(name, 0) >= 40}
    for values in table.itertuples(index=False, name=None):
        row = []
        for k, value in enumerate(values):
            value = _value(value)
            if isinstance(value, str) and k in wrapped:  # defused: no text starts with "=", so none is a formula
                cell = WriteOnlyCell(ws, value=value)
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
