"""Exports: Word, REFI-QDA and tables.

This package's helpers decide where a command writes and write it safely; the formats
live in ``docx.py`` (Word reports), ``tables.py`` (CSV/XLSX), ``refi.py`` (REFI-QDA)
and ``methods.py`` (the agreement table). python-docx and openpyxl are imported only
when a Word or Excel file is made.
"""

from __future__ import annotations

import os
from pathlib import Path

from ..errors import QualbenchError

EXPORTS = Path("exports")
EXCERPT_FORMATS = (".docx", ".csv", ".xlsx")


def output_path(out: str | Path) -> Path:
    """Where to write ``out``: a bare file name (no folder in it) goes into ``exports/`` of the working folder;
    anything with a folder (``./x.docx``, ``reports/x.docx``, an absolute path) stays as given."""
    text = str(out)
    path = Path(out)
    if not path.name or text.endswith(("/", os.sep)) or path.name in (".", ".."):
        raise QualbenchError(f"{text or 'The output'}: give a file name to write, e.g. excerpts.docx.")
    return path if "/" in text or os.sep in text else EXPORTS / path


def check_format(out: Path, formats: tuple[str, ...] = EXCERPT_FORMATS) -> str:
    """The file's extension, if it is one of ``formats``; else a clear error naming them."""
    suffix = out.suffix.lower()
    if suffix not in formats:
        raise QualbenchError(f"{out.name}: write it as {', '.join(formats[:-1])} or {formats[-1]} "
                             f"(the extension chooses the format).")
    return suffix


def write_bytes(out: Path, data: bytes) -> Path:
    """Write ``data`` to ``out`` (making its folder); a path that cannot be written is a QualbenchError."""
    try:
        out.parent.mkdir(parents=True, exist_ok=True)
        out.write_bytes(data)
    except OSError as exc:
        raise QualbenchError(f"{out}: cannot be written ({exc.strerror or exc}); choose another folder or file name.") from exc
    return out


def excerpts_file(db, frame, suffix: str, **report_options) -> bytes:
    """The excerpts of ``frame`` as the bytes of a .docx (with ``report_options``), .csv or .xlsx file."""
    if suffix == ".docx":
        from .docx import excerpts_docx

        return excerpts_docx(db, frame, **report_options)
    from . import tables

    return tables.to_csv(frame) if suffix == ".csv" else tables.to_xlsx(frame)
