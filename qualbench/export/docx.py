"""Word reports (python-docx): coded excerpts to hand on, and the codebook.

:func:`excerpts_docx` turns a frame from :func:`qualbench.retrieval.excerpts` into a
report: a title page (project, the query and its filters, the date, the counts and the
excerpts per code), then the excerpts grouped by code (a heading per code following the
codebook's hierarchy, with its definition) or by document, each as a quotation with its
citation (document, speaker, turn, case attributes, coders) and its memos; with context the
coded words are highlighted inside it. A passage is quoted once under a code: the rows of
one code, document, start and end by different coders (an OR query gives one row per
coding) become one quotation whose citation names every one of them (DESIGN.md,
"Co-occurrence"). An optional appendix holds the codebook.
:func:`codebook_docx` writes the codebook alone: a table per theme.
"""

from __future__ import annotations

import io
import numbers
import re
from collections.abc import Callable
from datetime import date

import docx
import pandas as pd
import sqlite_utils
from docx.enum.section import WD_ORIENT, WD_SECTION
from docx.enum.style import WD_STYLE_TYPE
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_COLOR_INDEX
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Cm, Pt, RGBColor
from docx.text.paragraph import Paragraph
from docx.text.run import Run

from .. import codebook, retrieval, store
from ..errors import QualbenchError

GROUPINGS = ("code", "document")
GREY = RGBColor(0x59, 0x59, 0x59)
ACCENT = RGBColor(0x1F, 0x3A, 0x5F)
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")
_BLANK_LINES = re.compile(r"\n[ \t]*(?:\n[ \t]*)+")


def _clean(text) -> str:
    """Text Word can hold: characters XML 1.0 forbids are dropped."""
    if text is None or (isinstance(text, float) and pd.isna(text)):
        return ""
    return _NOT_XML.sub("", str(text))


def _lines(text) -> str:
    """Cleaned text with blank lines between turns closed up (a line break each in Word)."""
    return _BLANK_LINES.sub("\n", _clean(text))


# --- the document and its styles ----------------------------------------------------------


def _new_document(title: str, *, landscape: bool = False) -> docx.Document:
    """An A4 document with the report's paragraph styles and a footer with the title and page number."""
    document = docx.Document()
    section = document.sections[0]
    section.page_width, section.page_height = Cm(21), Cm(29.7)
    if landscape:
        _landscape(section)
    section.left_margin = section.right_margin = Cm(2.2 if not landscape else 1.5)
    normal = document.styles["Normal"]
    normal.font.name = "Calibri"
    normal.font.size = Pt(10.5)
    styles = document.styles
    excerpt = styles.add_style("Excerpt", WD_STYLE_TYPE.PARAGRAPH)
    excerpt.base_style = normal
    excerpt.font.size = Pt(10.5)
    excerpt.paragraph_format.left_indent = Cm(1)
    excerpt.paragraph_format.right_indent = Cm(0.5)
    excerpt.paragraph_format.space_before = Pt(12)
    excerpt.paragraph_format.space_after = Pt(3)
    excerpt.paragraph_format.keep_with_next = True
    _left_border(excerpt)
    citation = styles.add_style("Citation", WD_STYLE_TYPE.PARAGRAPH)
    citation.base_style = normal
    citation.font.size = Pt(8.5)
    citation.font.color.rgb = GREY
    citation.paragraph_format.left_indent = Cm(1)
    citation.paragraph_format.space_after = Pt(2)
    memo = styles.add_style("Memo", WD_STYLE_TYPE.PARAGRAPH)
    memo.base_style = normal
    memo.font.size = Pt(9)
    memo.font.color.rgb = ACCENT
    memo.paragraph_format.left_indent = Cm(1)
    memo.paragraph_format.space_after = Pt(2)
    definition = styles.add_style("Definition", WD_STYLE_TYPE.PARAGRAPH)
    definition.base_style = normal
    definition.font.italic = True
    definition.font.size = Pt(9.5)
    _footer(section, title)
    return document


def _left_border(style) -> None:
    """A thin rule left of the paragraph, the way quotations are set off in reports."""
    borders = OxmlElement("w:pBdr")
    left = OxmlElement("w:left")
    for key, value in (("w:val", "single"), ("w:sz", "12"), ("w:space", "8"), ("w:color", "A6B8CC")):
        left.set(qn(key), value)
    borders.append(left)
    style.element.get_or_add_pPr().append(borders)


def _landscape(section) -> None:
    section.orientation = WD_ORIENT.LANDSCAPE
    if section.page_width < section.page_height:
        section.page_width, section.page_height = section.page_height, section.page_width


def _footer(section, title: str) -> None:
    """Footer: the title, then "page N" as a PAGE field (Word and LibreOffice fill it in)."""
    paragraph = section.footer.paragraphs[0]
    run = paragraph.add_run(f"{_clean(title)} · page ")
    run.font.size = Pt(8)
    run.font.color.rgb = GREY
    field = OxmlElement("w:fldSimple")
    field.set(qn("w:instr"), "PAGE")
    number = OxmlElement("w:r")
    properties = OxmlElement("w:rPr")
    size = OxmlElement("w:sz")
    size.set(qn("w:val"), "16")  # half-points: 8 pt like the title beside it
    properties.append(size)
    number.append(properties)
    text = OxmlElement("w:t")
    text.text = "1"
    number.append(text)
    field.append(number)
    paragraph._p.append(field)


class _Body:
    """Appends styled paragraphs to a document quickly.

    python-docx's ``add_paragraph`` looks the style up by name and searches the whole body
    for the place to insert, which grows slow over thousands of excerpts; here the style is
    set by its id and the paragraph goes straight before the body's closing section mark.
    """

    def __init__(self, document):
        self.document = document
        self._end = document.element.body.sectPr
        self._ids = {name: document.styles[name].style_id for name in ("Excerpt", "Citation", "Memo", "Definition")}

    def paragraph(self, style: str, text: str = "") -> Paragraph:
        p = OxmlElement("w:p")
        self._end.addprevious(p)
        p.style = self._ids[style]
        paragraph = Paragraph(p, self.document._body)
        if text:
            _run(paragraph, text)
        return paragraph


def _run(paragraph, text: str) -> Run:
    """A run of ``text`` with line breaks and tabs, built directly (python-docx adds text one character at a time)."""
    r = paragraph._p.add_r()
    for i, line in enumerate(text.split("\n")):
        if i:
            r.add_br()
        for j, piece in enumerate(line.split("\t")):
            if j:
                r.add_tab()
            if piece:
                r.add_t(piece)
    return Run(r, paragraph)


def _to_bytes(document) -> bytes:
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def _row_property(row, name: str) -> None:
    flag = OxmlElement(name)
    flag.set(qn("w:val"), "true")
    row._tr.get_or_add_trPr().append(flag)


def _table(document, header: list[str], rows: list[list], widths: list, *, size: float = 9, style: str = "Light List Accent 1"):
    """A table with its header row repeated on every page and rows kept whole; numbers align right."""
    table = document.add_table(rows=1, cols=len(header))
    table.style = style
    table.autofit = False
    for cell, name in zip(table.rows[0].cells, header):
        cell.text = name
    _row_property(table.rows[0], "w:tblHeader")
    for values in rows:
        row = table.add_row()
        _row_property(row, "w:cantSplit")
        for cell, value in zip(row.cells, values):
            cell.text = _clean(value)
            if isinstance(value, numbers.Integral):
                cell.paragraphs[0].alignment = WD_ALIGN_PARAGRAPH.RIGHT
    for column, width in zip(table.columns, widths):
        column.width = width  # the grid LibreOffice follows
    for row in table.rows:
        for cell, width in zip(row.cells, widths):
            cell.width = width  # the cell widths Word follows
            for paragraph in cell.paragraphs:
                paragraph.paragraph_format.space_after = Pt(0)
                for run in paragraph.runs:
                    run.font.size = Pt(size)
    return table


# --- the excerpt report -----------------------------------------------------------------------


def _names(names: list[str]) -> str:
    """"Signe", "Signe and Tobias", "Ann, Signe and Tobias"."""
    return names[0] if len(names) == 1 else ", ".join(names[:-1]) + " and " + names[-1]


def _quotations(frame: pd.DataFrame) -> pd.DataFrame:
    """One row per quotation: the rows of one code, document, start and end become one, in the frame's order.

    Each quotation keeps its first row's columns and adds ``names`` (every coder who coded it
    there, in the order met; an AND row brings its ``coders``) and ``memos`` ((coder, memo) of
    each row).
    """
    keys = ["code_id", "document_id", "start", "end"]
    group = frame.groupby(keys, sort=False).ngroup().to_numpy() if len(frame) else []
    coders = frame["coders"] if "coders" in frame.columns else frame["coder"]
    names: list[list[str]] = [[] for _ in range(len(set(group)) if len(frame) else 0)]
    memos: list[list[tuple]] = [[] for _ in names]
    for g, coder, listed, memo in zip(group, frame["coder"], coders, frame["memo"]):
        names[g] += [c for c in str(listed).split(", ") if c not in names[g]]
        memos[g].append((coder, memo))
    out = frame[~frame.duplicated(keys)].reset_index(drop=True)  # groups are numbered in order of appearance
    out["names"], out["memos"] = pd.Series(names, dtype=object), pd.Series(memos, dtype=object)
    out.attrs.update(frame.attrs)
    return out


def _citation(row, attribute_columns: list[str], *, with_code: bool) -> str:
    """The citation line under an excerpt, naming every coder who coded it."""
    pieces = [retrieval.source(row)]
    attributes = "; ".join(f"{name}: {row[name]}" for name in attribute_columns if row.get(name))
    if attributes:
        pieces.append(attributes)
    coders = _names(row["names"])
    if row.get("other_code"):
        pieces.append(f"coded “{row['code']}” and “{row['other_code']}” by {coders}")
    else:
        pieces.append((f"coded “{row['code']}” by " if with_code else "coded by ") + coders)
    return "— " + " · ".join(pieces)


def _add_excerpt(body: _Body, row, *, attribute_columns: list[str], context, with_code: bool) -> None:
    """One quotation: the excerpt (in its context, coded words highlighted), citation and memo(s)."""
    paragraph = body.paragraph("Excerpt")
    before, after = (row.get("context_before") or "", row.get("context_after") or "") if context else ("", "")
    cut = isinstance(context, int) and not isinstance(context, bool)
    if before:
        _run(paragraph, ("… " if cut else "") + _lines(before)).font.color.rgb = GREY
    quoted = _run(paragraph, _lines(row["excerpt"]) if (before or after) else f"“{_lines(row['excerpt'])}”")
    if before or after:
        quoted.font.highlight_color = WD_COLOR_INDEX.YELLOW
    if after:
        _run(paragraph, _lines(after) + (" …" if cut else "")).font.color.rgb = GREY
    body.paragraph("Citation", _clean(_citation(row, attribute_columns, with_code=with_code)))
    if row.get("other_code"):  # an AND row: the memos on its codings of each code (with their coders' names)
        one = len(row["names"]) == 1
        memos = [(f"Memo on “{code}” ({row['names'][0]}): " if one else f"Memo on “{code}”: ", memo)
                 for code, memo in ((row["code"], row.get("memo")), (row["other_code"], row.get("other_memo")))]
    else:
        memos = [(f"Memo ({coder}): ", memo) for coder, memo in row["memos"]]
    for label, memo in memos:
        if memo and not pd.isna(memo):
            paragraph = body.paragraph("Memo")
            _run(paragraph, _clean(label)).bold = True
            _run(paragraph, _clean(memo))


def _passages_text(quotes: pd.DataFrame) -> str:
    """"4 passages from 2 documents": the quotations of a section."""
    n, docs = len(quotes), int(quotes["document_id"].nunique()) if len(quotes) else 0
    return f"{n:,} passage{'s' * (n != 1)} from {docs:,} document{'s' * (docs != 1)}"


def _title_page(document, db, frame: pd.DataFrame, quotes: pd.DataFrame, *, title: str, description: list,
                group_by: str, context) -> None:
    document.add_paragraph(_clean(title), style="Title")
    document.add_paragraph("Coded excerpts", style="Subtitle")
    counts = document.add_paragraph()
    counts.add_run(retrieval.counts_text(frame)).bold = True
    if len(quotes) < len(frame):
        counts.add_run(f", quoted as {_passages_text(quotes)}: a passage that several coders coded with the same code "
                       "is quoted once, naming them all.")
    document.add_paragraph(f"Exported on {date.today().isoformat()} by Qualbench, grouped by {group_by}.")
    document.add_heading("The query", level=2)
    rows = [[label, value] for label, value in description] or [["Query", "not recorded"]]
    _table(document, ["Filter", "Value"], rows, [Cm(4), Cm(12.6)], size=9.5)
    if frame.empty:
        empty = document.add_paragraph("No excerpts match this query: no coded passage meets all of the conditions above. "
                                       "Widen the query (more codes, fewer filters) to retrieve excerpts.")
        empty.paragraph_format.space_before = Pt(10)
        empty.runs[0].bold = True
        return
    note = ("Each excerpt is quoted exactly as coded. "
            + ("Its context is shown in grey, the coded words highlighted. " if context else "")
            + "Below it: the document, speaker and turn (paragraph in field notes and observations), "
              "the document's case attributes, and every coder who coded it; then the coders' memos, where there are any.")
    document.add_paragraph(note).paragraph_format.space_before = Pt(10)
    if group_by == "code":
        document.add_heading("Excerpts per code", level=2)
        per = quotes.groupby("code", sort=False).agg(passages=("coding_id", "size"), documents=("document_id", "nunique"))
        order = [c["path"] for c in codebook.codes(db) if c["path"] in per.index]
        _table(document, ["Code", "Passages", "Documents"], [[p, per.at[p, "passages"], per.at[p, "documents"]] for p in order],
               [Cm(11.6), Cm(2.5), Cm(2.5)], size=9)
    else:
        document.add_heading("Excerpts per document", level=2)
        per = quotes.groupby(["document_id", "document"]).size()
        _table(document, ["Document", "Passages"], [[d, n] for (_, d), n in per.items()], [Cm(14.1), Cm(2.5)], size=9)


def _sections(db, frame: pd.DataFrame, group_by: str):
    """(heading, level, definition, rows) in the report's order: codes in codebook order, or documents."""
    if group_by == "document":
        for doc_id, rows in frame.groupby("document_id", sort=True):
            first = rows.iloc[0]
            attributes = "; ".join(f"{n}: {first[n]}" for n in frame.attrs.get("attributes", []) if first.get(n))
            yield first["document"], 1, f"{first['kind'].capitalize()}. {attributes}".strip(), rows
        return
    codes = codebook.codes(db)
    by_code = dict(tuple(frame.groupby("code_id", sort=False)))
    holding = set()  # codes with excerpts in them or below them
    for code in reversed(codes):  # children come after their parent in tree order
        if code["id"] in by_code or code["id"] in holding:
            holding.add(code["id"])
            if code["parent_id"] is not None:
                holding.add(code["parent_id"])
    for code in codes:
        if code["id"] in holding:
            yield code["name"], min(code["depth"] + 1, 9), code["description"], by_code.get(code["id"], frame.iloc[0:0])


def excerpts_docx(db: sqlite_utils.Database, frame: pd.DataFrame, *, group_by: str = "code", context: bool = True,
                  codebook_appendix: bool = False, title: str | None = None,
                  progress: Callable[[int, int], None] | None = None) -> bytes:
    """The excerpts of ``frame`` (from :func:`qualbench.retrieval.excerpts`) as a Word report.

    ``group_by``: "code" (a heading per code in codebook order, nested as in the codebook,
    with its definition; excerpts in document order under their own code) or "document"
    (a heading per document; excerpts in text order, each citing its code). ``context``
    shows the frame's context around each excerpt with the coded words highlighted. A
    passage several coders coded with one code is quoted once, citing them all.
    ``progress(done, total)`` is called as quotations are written. An empty frame gives a
    report that says plainly that nothing matched.
    """
    if group_by not in GROUPINGS:
        raise QualbenchError(f"Group the report by code or by document, not {group_by!r}.")
    project = store.get_setting(db, "project_name") or "Qualbench project"
    title = title or project
    document = _new_document(f"{title} — coded excerpts")
    attribute_columns = frame.attrs.get("attributes", [])
    context_kind = frame.attrs.get("context", 0) if context else 0
    quotes = _quotations(frame)
    _title_page(document, db, frame, quotes, title=title, description=frame.attrs.get("description", []),
                group_by=group_by, context=context_kind)
    total, done = len(quotes), 0
    if total:
        body = _Body(document)
        for k, (heading, level, definition, rows) in enumerate(_sections(db, quotes, group_by)):
            document.add_heading(_clean(heading), level=level).paragraph_format.page_break_before = k == 0
            if definition:
                body.paragraph("Definition", _clean(definition))
            if len(rows):
                body.paragraph("Citation", _passages_text(rows))
            for row in rows.to_dict("records"):
                _add_excerpt(body, row, attribute_columns=attribute_columns, context=context_kind,
                             with_code=group_by == "document")
                done += 1
                if progress and (done % 100 == 0 or done == total):
                    progress(done, total)
    if codebook_appendix:
        section = document.add_section(WD_SECTION.NEW_PAGE)
        _landscape(section)
        section.left_margin = section.right_margin = Cm(1.5)
        document.add_heading("Appendix: the codebook", level=1)
        _codebook_body(document, db, level=2)
    if progress and not total:
        progress(0, 0)
    return _to_bytes(document)


# --- the codebook ---------------------------------------------------------------------------------

CODEBOOK_HEADER = ["Code", "Definition", "Inclusion", "Exclusion", "Example", "Codings", "Documents"]
CODEBOOK_WIDTHS = [Cm(3.4), Cm(5.4), Cm(4.4), Cm(4.4), Cm(4.7), Cm(2.0), Cm(2.4)]


def _swatch(cell, color: str | None) -> None:
    """The code's colour as a thick left border of its cell."""
    if not color or not codebook.COLOR.match(color):
        return
    borders = OxmlElement("w:tcBorders")
    left = OxmlElement("w:left")
    for key, value in (("w:val", "single"), ("w:sz", "36"), ("w:space", "0"), ("w:color", color[1:].upper())):
        left.set(qn(key), value)
    borders.append(left)
    cell._tc.get_or_add_tcPr().append(borders)


COUNTS_NOTE = ("Codings and Documents count the work of all coders. The row of a code with sub-codes counts the code and "
               "every code below it; “own” is the part coded with the code itself.")


def _codebook_body(document, db: sqlite_utils.Database, *, level: int) -> None:
    """A heading, then a table of its codes with their counts for every theme."""
    codes = codebook.codes(db)
    if not codes:
        document.add_paragraph("The codebook is empty: no codes have been defined yet.")
        return
    counts = codebook.counts(db).set_index("id")
    parents = {c["parent_id"] for c in codes}
    note = document.add_paragraph(COUNTS_NOTE)
    note.runs[0].font.size = Pt(8)
    note.runs[0].font.color.rgb = GREY
    themes = [c for c in codes if c["parent_id"] is None]
    for theme in themes:
        members = [theme]
        prefix = theme["path"] + "/"
        members += [c for c in codes if c["path"].startswith(prefix)]
        document.add_heading(_clean(theme["name"]), level=level)
        rows = [[c["name"], c["description"], c["inclusion"], c["exclusion"], c["example"],
                 int(counts.loc[c["id"], "codings_total"]), int(counts.loc[c["id"], "documents_total"])] for c in members]
        table = _table(document, CODEBOOK_HEADER, rows, CODEBOOK_WIDTHS, size=8)
        for row, code in zip(table.rows[1:], members):  # the theme in bold, codes below it indented by depth
            name = row.cells[0].paragraphs[0]
            name.paragraph_format.left_indent = Cm(0.35 * code["depth"])
            _swatch(row.cells[0], code["color"])
            for run in name.runs:
                run.bold = code["depth"] == 0
            if code["id"] in parents:  # rolled up: say how much of it is the code's own
                for cell, column in zip(row.cells[-2:], ("codings", "documents")):
                    cell.paragraphs[0].runs[0].bold = True
                    own = cell.add_paragraph()
                    own.alignment = WD_ALIGN_PARAGRAPH.RIGHT
                    own.paragraph_format.space_after = Pt(0)
                    run = own.add_run(f"{int(counts.loc[code['id'], column])} own")
                    run.font.size = Pt(7)
                    run.font.color.rgb = GREY
        document.add_paragraph()


def codebook_docx(db: sqlite_utils.Database) -> bytes:
    """The codebook in Word (landscape A4): a table per theme with each code's name, definition,
    inclusion and exclusion criteria, example, and its codings and documents."""
    project = store.get_setting(db, "project_name") or "Qualbench project"
    name = store.get_setting(db, "codebook_title") or "Codebook"
    document = _new_document(f"{name} — codebook", landscape=True)
    document.add_paragraph(_clean(name), style="Title")
    document.add_paragraph("Codebook", style="Subtitle")
    codes = codebook.codes(db)
    themes = sum(c["parent_id"] is None for c in codes)
    document.add_paragraph(_clean(f"Codebook of {project}: {len(codes)} codes in {themes} themes. "
                                  f"Written on {date.today().isoformat()} by Qualbench."))
    _codebook_body(document, db, level=1)
    return _to_bytes(document)
