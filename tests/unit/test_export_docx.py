"""The Word report of excerpts and the Word codebook: opened again with python-docx, converted by LibreOffice."""

import io
import shutil
import subprocess
from pathlib import Path

import docx
import pytest
from docx.enum.text import WD_COLOR_INDEX
from docx.oxml.ns import qn

from qualbench import codebook, coding, documents, export, retrieval
from qualbench.export import docx as docx_export, tables
from qualbench.filters import Filters

from .test_retrieval import BORGER, build

SOFFICE = Path("/usr/bin/soffice")


@pytest.fixture
def project(db):
    return db, build(db)


def blocks(data: bytes) -> list[dict]:
    """The report's excerpts in order: each with its quotation paragraph, citation and memos."""
    found = []
    for paragraph in docx.Document(io.BytesIO(data)).paragraphs:
        style = paragraph.style.name
        if style == "Excerpt":
            found.append({"paragraph": paragraph, "text": paragraph.text, "citation": None, "memos": []})
        elif style == "Citation" and found and found[-1]["citation"] is None and paragraph.text.startswith("— "):
            found[-1]["citation"] = paragraph.text
        elif style == "Memo" and found:
            found[-1]["memos"].append(paragraph.text)
    return found


def highlighted(paragraph) -> str:
    return "".join(run.text for run in paragraph.runs if run.font.highlight_color == WD_COLOR_INDEX.YELLOW)


def all_text(data: bytes) -> str:
    document = docx.Document(io.BytesIO(data))
    cells = [cell.text for table in document.tables for row in table.rows for cell in row.cells]
    return "\n".join([p.text for p in document.paragraphs] + cells)


def test_every_excerpt_citation_and_memo_in_codebook_order(project):
    db, p = project
    frame = retrieval.excerpts(db, codes=["A", "B"])
    data = docx_export.excerpts_docx(db, frame, group_by="code", context=False)
    found = blocks(data)
    order = {path: i for i, path in enumerate(c["path"] for c in codebook.codes(db))}
    expected = frame.assign(rank=frame["code"].map(order)).sort_values(["rank", "document_id", "start"], kind="stable")
    assert [b["text"] for b in found] == [f"“{e}”" for e in expected["excerpt"]]
    for block, row in zip(found, expected.to_dict("records")):
        citation = block["citation"]
        assert citation.startswith(f"— {row['document']}, Respondent, turn {row['turn']}")
        assert f"area: {row['area']}; role: {row['role']}" in citation and citation.endswith(f"coded by {row['coder']}")
        assert block["memos"] == ([f"Memo ({row['coder']}): {row['memo']}"] if row["memo"] else [])
    headings = [p.text for p in docx.Document(io.BytesIO(data)).paragraphs if p.style.name.startswith("Heading")]
    assert headings[headings.index("A"):] == ["A", "A1", "B"]
    assert "Codes of A." in all_text(data)  # the code's definition under its heading


def test_grouping_by_document_puts_excerpts_in_text_order_and_cites_the_code(project):
    db, p = project
    frame = retrieval.excerpts(db, codes=["A", "B", "C"])
    found = blocks(docx_export.excerpts_docx(db, frame, group_by="document", context=False))
    expected = frame.sort_values(["document_id", "start", "end"], kind="stable")
    assert [b["text"] for b in found] == [f"“{e}”" for e in expected["excerpt"]]
    assert all(f"coded “{code}” by {coder}" in b["citation"] for b, code, coder in zip(found, expected["code"], expected["coder"]))


def test_context_is_shown_with_the_coded_words_highlighted(project):
    db, _ = project
    frame = retrieval.excerpts(db, codes=["C"], context=12)
    block = blocks(docx_export.excerpts_docx(db, frame))[0]
    assert highlighted(block["paragraph"]) == "nobody helps them"
    assert block["text"] == "… fails, and nobody helps them with …"
    turn = retrieval.excerpts(db, codes=["C"], context="turn")
    block = blocks(docx_export.excerpts_docx(db, turn))[0]
    assert block["text"] == "Because MitID fails, and nobody helps them with borgeren's kode."
    assert highlighted(block["paragraph"]) == "nobody helps them"


def test_an_and_row_cites_both_codes_and_both_memos(project):
    db, _ = project
    frame = retrieval.excerpts(db, codes=["A"], combine="and", other=["B"])
    frame.loc[0, "other_memo"] = "Signe's note on B."
    block = blocks(docx_export.excerpts_docx(db, frame, context=False))[0]
    assert block["text"] == "“counter closes”"  # Signe's A_noon x her B_closes
    assert "coded “A” and “B” by Signe" in block["citation"]
    assert block["memos"] == ["Memo on “A” (Signe): Opening hours as a limit.", "Memo on “B” (Signe): Signe's note on B."]


TEXT = "Respondent: The queue is long and the screen says no.\n\nInterviewer: And then?"


@pytest.fixture
def two_coders(db):
    """Signe and Tobias both coded "The queue is long" with A (a memo each); Tobias alone coded "the screen says no"."""
    doc = documents.import_bytes(db, TEXT.encode(), "q.txt", title="Queue", kind="interview", who="t").document_id
    codebook.add_code(db, "A", who="t")
    codebook.add_code(db, "B", who="t")
    start = TEXT.index("The queue is long")
    for coder, memo in (("Signe", "Waiting."), ("Tobias", "Queues again.")):
        coding.apply(db, doc, "A", start, start + len("The queue is long"), coder=coder, memo=memo)
        coding.apply(db, doc, "B", start + 4, start + 9, coder=coder)  # "queue"
    screen = TEXT.index("the screen says no")
    coding.apply(db, doc, "A", screen, screen + len("the screen says no"), coder="Tobias")
    return db


def test_a_passage_several_coders_coded_is_quoted_once_naming_them_all(two_coders):
    db = two_coders
    frame = retrieval.excerpts(db, codes=["A"])
    assert len(frame) == 3  # OR: one row per coding
    data = docx_export.excerpts_docx(db, frame, context=False)
    found = blocks(data)
    # By hand: two quotations under A, the shared passage once with both coders and both memos
    assert [b["text"] for b in found] == ["“The queue is long”", "“the screen says no”"]
    assert found[0]["citation"].endswith("coded by Signe and Tobias")
    assert found[0]["memos"] == ["Memo (Signe): Waiting.", "Memo (Tobias): Queues again."]
    assert found[1]["citation"].endswith("coded by Tobias") and found[1]["memos"] == []
    text = all_text(data)
    assert "3 excerpts from 1 document, quoted as 2 passages from 1 document" in text
    per_code = docx.Document(io.BytesIO(data)).tables[1]
    assert [[c.text for c in row.cells] for row in per_code.rows] == [["Code", "Passages", "Documents"], ["A", "2", "1"]]
    by_document = blocks(docx_export.excerpts_docx(db, retrieval.excerpts(db, codes=["A", "B"]), group_by="document", context=False))
    # in text order: A "The queue is long" (both), B "queue" (both), A "the screen says no" (Tobias)
    assert [b["text"] for b in by_document] == ["“The queue is long”", "“queue”", "“the screen says no”"]
    assert [b["citation"].split(" · ")[-1] for b in by_document] == [
        "coded “A” by Signe and Tobias", "coded “B” by Signe and Tobias", "coded “A” by Tobias"]


def test_an_and_stretch_two_coders_coded_is_one_quotation_naming_both(two_coders):
    db = two_coders
    frame = retrieval.excerpts(db, codes=["A"], combine="and", other=["B"])
    found = blocks(docx_export.excerpts_docx(db, frame, context=False))
    assert [b["text"] for b in found] == ["“queue”"]
    assert "coded “A” and “B” by Signe and Tobias" in found[0]["citation"]
    assert found[0]["memos"] == ["Memo on “A”: Signe: Waiting.\nTobias: Queues again."]


def test_danish_and_emoji_excerpts_and_memos_survive(project):
    db, _ = project
    frame = retrieval.excerpts(db, codes=["A", "B"], filters=Filters(attributes={"area": ["Borgerservice"]}))
    data = docx_export.excerpts_docx(db, frame, context=False)
    texts = [b["text"] for b in blocks(data)]
    assert "“Borgerne står i kø”" in texts and "“skærmen siger kode forkert. 👍🏽”" in texts
    assert "Memo (Signe): Køen 😅" in [m for b in blocks(data) for m in b["memos"]]
    assert "skærmen siger kode forkert. 👍🏽" in BORGER


def test_title_page_names_the_project_filters_date_and_counts(project):
    db, _ = project
    frame = retrieval.excerpts(db, codes=["A"], filters=Filters(attributes={"area": ["Jobcenter"]}, coders=["Signe"]))
    text = all_text(docx_export.excerpts_docx(db, frame, title="Front-line study"))
    assert "Front-line study" in text and "3 excerpts from 1 document" in text
    assert "Jobcenter" in text and "Signe" in text and "“A” with its 1 sub-code" in text
    assert "Exported on 20" in text


def test_an_empty_result_gives_an_honest_empty_report(project):
    db, _ = project
    frame = retrieval.excerpts(db, codes=["C"], combine="and", other=["B"])
    data = docx_export.excerpts_docx(db, frame)
    assert blocks(data) == []
    text = all_text(data)
    assert "0 excerpts from 0 documents" in text and "No excerpts match this query" in text


def test_characters_word_cannot_hold_are_dropped_not_fatal(project):
    db, _ = project
    frame = retrieval.excerpts(db, codes=["C"])
    frame.loc[0, "excerpt"] = "nobody\x0b helps\x00 them"
    assert blocks(docx_export.excerpts_docx(db, frame, context=False))[0]["text"] == "“nobody helps them”"


def test_codebook_appendix_and_the_word_codebook(project):
    db, _ = project
    frame = retrieval.excerpts(db, codes=["A"])
    text = all_text(docx_export.excerpts_docx(db, frame, codebook_appendix=True))
    assert "Appendix: the codebook" in text
    book = docx.Document(io.BytesIO(docx_export.codebook_docx(db)))
    assert len(book.tables) == 3  # one per theme: A, B, C
    a_table = book.tables[0]
    assert [c.text for c in a_table.rows[0].cells] == docx_export.CODEBOOK_HEADER
    assert [row.cells[0].text for row in a_table.rows[1:]] == ["A", "A1"]
    # A's row counts its own codings and its child's: 4 of A + 1 of A1 in 2 documents, and says what is A's own
    counts = codebook.counts(db).set_index("path")
    own_docs = counts.loc["A", "documents"]
    assert [c.text for c in a_table.rows[1].cells][1] == "Codes of A."
    assert [c.text for c in a_table.rows[1].cells][-2:] == ["5\n4 own", f"2\n{own_docs} own"]
    assert [c.text for c in a_table.rows[2].cells][-2:] == ["1", str(counts.loc["A/A1", "documents"])]  # a leaf: one number
    for table in book.tables:  # every row's counts are the rolled-up counts of codebook.counts
        for row in table.rows[1:]:
            name = row.cells[0].text
            path = next(p for p in counts.index if p.split("/")[-1] == name)
            assert [c.text.split("\n")[0] for c in row.cells[-2:]] == [str(counts.loc[path, "codings_total"]),
                                                                       str(counts.loc[path, "documents_total"])]
    assert docx_export.COUNTS_NOTE in [p.text for p in book.paragraphs]
    swatch = a_table.rows[1].cells[0]._tc.tcPr.find(qn("w:tcBorders")).find(qn("w:left"))
    assert swatch.get(qn("w:color")) == codebook.resolve(db, "A")["color"][1:].upper()


def test_codebook_dump_to_docx_uses_the_word_codebook(project, tmp_path):
    db, _ = project
    out = codebook.dump(db, tmp_path / "codebook.docx")
    assert docx.Document(out).tables[1].rows[1].cells[0].text == "B"


def test_the_export_helpers_choose_the_format_and_place(project, tmp_path):
    db, _ = project
    frame = retrieval.excerpts(db, codes=["A"])
    assert export.output_path("x.docx") == Path("exports/x.docx")
    assert export.output_path(str(tmp_path / "x.csv")) == tmp_path / "x.csv"
    assert export.check_format(Path("x.XLSX")) == ".xlsx"
    with pytest.raises(export.QualbenchError, match="write it as .docx, .csv or .xlsx"):
        export.check_format(Path("x.pdf"))
    with pytest.raises(export.QualbenchError, match="cannot be written"):
        export.write_bytes(Path("/proc/no/such/x.csv"), b"x")
    assert export.excerpts_file(db, frame, ".csv") == tables.to_csv(frame)


def test_libreoffice_converts_the_report(project, tmp_path):
    if not SOFFICE.exists():
        pytest.fail(f"{SOFFICE} is missing: install LibreOffice (Debian: apt-get install libreoffice-writer) to check that "
                    "exported reports open outside Word.")
    db, _ = project
    frame = retrieval.excerpts(db, codes=["A", "B"], context="turn")
    source = tmp_path / "report.docx"
    source.write_bytes(docx_export.excerpts_docx(db, frame, codebook_appendix=True))
    profile = tmp_path / "profile"  # a private LibreOffice profile, so a running soffice does not interfere
    result = subprocess.run([str(SOFFICE), f"-env:UserInstallation={profile.as_uri()}", "--headless", "--convert-to", "pdf",
                             "--outdir", str(tmp_path), str(source)], capture_output=True, text=True, timeout=180)
    pdf = tmp_path / "report.pdf"
    assert result.returncode == 0 and pdf.exists() and pdf.stat().st_size > 1000, result.stderr
    if shutil.which("pdftotext"):
        text = subprocess.run(["pdftotext", str(pdf), "-"], capture_output=True, text=True).stdout
        assert "Borgerne står i kø" in text and "closes at noon" in text
