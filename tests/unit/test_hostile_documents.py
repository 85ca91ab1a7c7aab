"""Hostile documents (issue 19): small files that would take the server down, and damaged ones in an upload.

Every bound must hold before the memory is spent: a file is refused while it is being
inflated or read, never after. Each test below reproduced a failure of the importers
before they had these bounds (a huge document, a traceback, a slow import).
"""

import io
import tracemalloc
import zipfile

import pytest

from qualbench import documents
from qualbench.errors import ImportProblem

from ..guards import no_hang
from ..conftest import DATA

ODF_CONTENT = ('<?xml version="1.0" encoding="UTF-8"?>'
               '<office:document-content xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" '
               'xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0" office:version="1.3">'
               '<office:body><office:text>{}</office:text></office:body></office:document-content>')
WORD_NS = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"


def odt(body: str) -> bytes:
    """A minimal OpenDocument text whose office:text holds ``body``."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr(zipfile.ZipInfo("mimetype"), "application/vnd.oasis.opendocument.text")
        archive.writestr("content.xml", ODF_CONTENT.format(body))
    return buffer.getvalue()


def docx_with_body(body: bytes) -> bytes:
    """The fixture interview.docx with its word/document.xml body replaced by ``body`` (raw WordprocessingML)."""
    source = zipfile.ZipFile(DATA / "interview.docx")
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for info in source.infolist():
            data = source.read(info)
            if info.filename == "word/document.xml":
                data = (f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?><w:document xmlns:w="{WORD_NS}"><w:body>'
                        .encode() + body + b"</w:body></w:document>")
            archive.writestr(info.filename, data)
    return buffer.getvalue()


def patched(data: bytes, member: str, **changes) -> bytes:
    """Rewrite an archive with one member's central-directory entry changed (CRC, flag_bits, file_size)."""
    source = zipfile.ZipFile(io.BytesIO(data))
    buffer = io.BytesIO()
    archive = zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED)
    for info in source.infolist():
        archive.writestr(info.filename, source.read(info))
    for info in archive.filelist:
        if info.filename == member:
            for key, value in changes.items():
                setattr(info, key, value)
    archive.close()
    return buffer.getvalue()


def with_broken_deflate(data: bytes, member: str) -> bytes:
    """The archive with garbage in the middle of one member's compressed bytes."""
    info = zipfile.ZipFile(io.BytesIO(data)).getinfo(member)
    start = info.header_offset + 30 + len(info.filename.encode()) + len(info.extra)
    middle = start + info.compress_size // 2
    return data[:middle] + b"\xff\xfe\xfd\xfc\xfb\xfa" + data[middle + 6:]


def parse_bounded(data: bytes, name: str):
    """documents.parse, stopped if it hangs (tests/guards.py; not a timing assertion)."""
    with no_hang():
        return documents.parse(data, name)


# --- ODT space counts --------------------------------------------------------------------------


def test_an_odt_space_count_of_300_million_is_capped():
    data = odt('<text:p>Interviewer: før<text:s text:c="300000000"/>efter</text:p>')
    assert len(data) < 1000
    parsed = parse_bounded(data, "spaces.odt")
    assert parsed.text.startswith("Interviewer: før ") and parsed.text.endswith("efter")
    assert len(parsed.text) <= len("Interviewer: førefter") + documents.MAX_ODT_SPACES


@pytest.mark.parametrize("count", ["abc", "-5", "0", "1.5", "", " "])
def test_a_bad_odt_space_count_is_one_space_not_a_traceback(count):
    parsed = documents.parse(odt(f'<text:p>før<text:s text:c="{count}"/>efter</text:p>'), "bad.odt")
    assert parsed.text == "før efter"


def test_a_space_count_with_thousands_of_digits_is_capped_not_a_traceback():
    parsed = documents.parse(odt(f'<text:p>før<text:s text:c="{"9" * 5000}"/>efter</text:p>'), "digits.odt")
    assert parsed.text == "før" + " " * documents.MAX_ODT_SPACES + "efter"


def test_odt_space_counts_in_range_are_kept():
    assert documents.parse(odt('<text:p>a<text:s text:c="3"/>b<text:s/>c</text:p>'), "ok.odt").text == "a   b c"


def test_many_capped_space_runs_still_stop_at_the_character_limit():
    runs = '<text:s text:c="1000"/>' * 6000  # 6 million spaces from about 140 KB of XML
    with pytest.raises(ImportProblem, match="many.odt: .*more than 5,000,000 characters"):
        parse_bounded(odt(f"<text:p>a{runs}b</text:p>"), "many.odt")


# --- archives that lie, or are damaged -----------------------------------------------------------


def lying_bomb(size: int) -> bytes:
    """A .docx whose word/document.xml inflates to ``size`` bytes while its directory says 3,069."""
    source = zipfile.ZipFile(DATA / "interview.docx")
    buffer = io.BytesIO()
    archive = zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED)
    for info in source.infolist():
        if info.filename != "word/document.xml":
            archive.writestr(info.filename, source.read(info))
    with archive.open("word/document.xml", "w") as member:
        block = b"<w:p/>" * (1 << 16)
        for _ in range(size // len(block)):
            member.write(block)
    archive.filelist[-1].file_size = 3069  # the lie, written into the central directory
    archive.close()
    return buffer.getvalue()


def test_a_docx_whose_directory_lies_about_sizes_is_refused_without_inflating_it():
    data = lying_bomb(128 * 1024 * 1024)
    assert len(data) < 2_000_000
    tracemalloc.start()
    try:
        with pytest.raises(ImportProblem, match="liar.docx: "):
            parse_bounded(data, "liar.docx")
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert peak < 64 * 1024 * 1024, f"{peak // (1024 * 1024)} MB were spent on a {len(data) // 1024} KB file"


def test_an_honest_archive_is_refused_as_soon_as_it_inflates_past_the_cap(monkeypatch):
    monkeypatch.setattr(documents, "MAX_UNZIPPED_BYTES", 4 * 1024 * 1024)
    body = b"<w:p><w:r><w:t>" + b"x" * 2_000_000 + b"</w:t></w:r></w:p>"
    data = docx_with_body(body * 3)  # 6 MB of XML, directory telling the truth
    monkeypatch.setattr(documents, "_directory_check", lambda *args: None)  # the up-front check sees nothing wrong
    with pytest.raises(ImportProblem, match="big.docx: refused: it unpacks to more than 4 MB"):
        documents.parse(data, "big.docx")


@pytest.mark.parametrize("fixture, member", [("interview.odt", "content.xml"), ("interview.docx", "word/document.xml")])
@pytest.mark.parametrize("damage, reason", [
    ("crc", "damaged"),
    ("encrypted", "password-protected"),
    ("deflate", "damaged"),
])
def test_a_damaged_archive_gets_one_clear_message(fixture, member, damage, reason):
    data = (DATA / fixture).read_bytes()
    info = zipfile.ZipFile(io.BytesIO(data)).getinfo(member)
    if damage == "crc":
        data = patched(data, member, CRC=info.CRC ^ 0xFFFF)
    elif damage == "encrypted":
        data = patched(data, member, flag_bits=info.flag_bits | 0x1)
    else:
        data = with_broken_deflate(data, member)
    name = "damaged" + fixture[-5:]
    with pytest.raises(ImportProblem) as caught:
        documents.parse(data, name)
    assert str(caught.value).startswith(f"{name}: ") and reason in str(caught.value)


# --- paragraphs and characters -------------------------------------------------------------------


def test_a_small_docx_with_hundreds_of_thousands_of_paragraphs_is_refused_quickly():
    data = docx_with_body(b"<w:p><w:r><w:t>x</w:t></w:r></w:p>" * 250_000)
    assert len(data) < 1_000_000
    with pytest.raises(ImportProblem, match="paragraphs.docx: .*more than 200,000 paragraphs"):
        parse_bounded(data, "paragraphs.docx")


def test_a_docx_with_too_many_characters_is_refused():
    data = docx_with_body(b"<w:p><w:r><w:t>" + b"ord " * 1_600_000 + b"</w:t></w:r></w:p>")
    with pytest.raises(ImportProblem, match="long.docx: .*more than 5,000,000 characters"):
        parse_bounded(data, "long.docx")


def test_a_merged_table_cell_is_read_once_not_once_per_row_or_column():
    # python-docx gives a merged cell once per grid cell it covers: 1 MB of text merged down 20 rows,
    # and a cell spanning three million columns, became 20 MB and 3 million copies
    first = (b"<w:tr><w:tc><w:tcPr><w:vMerge w:val=\"restart\"/></w:tcPr><w:p><w:r><w:t>" + b"a" * 1_000_000
             + b"</w:t></w:r></w:p></w:tc></w:tr>")
    rest = b"<w:tr><w:tc><w:tcPr><w:vMerge/></w:tcPr><w:p/></w:tc></w:tr>" * 19
    wide = b'<w:tr><w:tc><w:tcPr><w:gridSpan w:val="3000000"/></w:tcPr><w:p><w:r><w:t>ab</w:t></w:r></w:p></w:tc></w:tr>'
    data = docx_with_body(b"<w:tbl><w:tblGrid><w:gridCol/></w:tblGrid>" + first + rest + wide + b"</w:tbl>")
    text = parse_bounded(data, "merged.docx").text
    assert text.count("a" * 1_000_000) == 1 and len(text) < 1_000_100 and text.endswith("ab")


def test_a_text_file_with_too_many_characters_or_lines_is_refused():
    with pytest.raises(ImportProblem, match="long.txt: .*more than 5,000,000 characters"):
        parse_bounded(b"ord " * 1_500_000, "long.txt")
    with pytest.raises(ImportProblem, match="lines.txt: .*more than 500,000 lines"):
        parse_bounded(b"a\n" * 600_000, "lines.txt")
    with pytest.raises(ImportProblem, match="paragraphs.md: .*more than 200,000 paragraphs"):
        parse_bounded(b"a\n\n" * 210_000, "paragraphs.md")


def test_limits_are_beside_the_file_size_limit():
    assert documents.MAX_CHARACTERS == 5_000_000 and documents.MAX_PARAGRAPHS == 200_000
    assert documents.MAX_LINES == 500_000 and documents.MAX_FILE_BYTES == 50 * 1024 * 1024


def test_a_long_real_document_stays_well_within_the_limits():
    # 2,000 turns of a transcript (about 60 hours of talk) import without a note about limits
    turns = "\n\n".join(f"{'Interviewer' if i % 2 else 'Lone'}: Sætning nummer {i} om skranken og MitID." for i in range(2000))
    parsed = documents.parse(turns.encode(), "long interview.txt")
    assert parsed.is_transcript and len(parsed.turns) == 2000


# --- mixed UTF-8 and cp1252 ------------------------------------------------------------------------


def test_mixed_utf8_and_cp1252_lines_are_read_line_by_line_and_the_message_says_so(db):
    utf8 = "Interviewer: Hvordan går det med MitID på skærmen?\n\nLone: Det er svært for de ældre.\n\n".encode()
    cp1252 = "Interviewer: Og når de beder dig logge på?\n\nLone: Så siger jeg nej – pænt.\n\n".encode("cp1252")
    tail = "Interviewer: Tak for det, Åse.\n".encode()
    parsed = documents.parse(utf8 + cp1252 + tail, "mixed.txt")
    assert "går det" in parsed.text and "ældre" in parsed.text and "nej – pænt" in parsed.text and "Åse" in parsed.text
    assert "Ã" not in parsed.text and parsed.cp1252_lines == [5, 7]
    result = documents.import_bytes(db, utf8 + cp1252 + tail, "mixed.txt", who="t")
    assert result.status == "imported"
    assert "mixed encodings: 2 lines read as cp1252 (lines 5, 7)" in result.message


def test_a_file_all_in_cp1252_is_cp1252_not_mixed():
    parsed = documents.parse((DATA / "interview_cp1252.txt").read_bytes(), "interview_cp1252.txt")
    assert parsed.encoding == "cp1252" and parsed.cp1252_lines == []


# --- one bad file never stops an upload ------------------------------------------------------------


def test_an_upload_with_a_damaged_odt_between_good_files_imports_both_good_files(db):
    damaged = patched((DATA / "interview.odt").read_bytes(), "content.xml", CRC=0)
    upload = [("good1.docx", (DATA / "interview.docx").read_bytes()), ("damaged.odt", damaged),
              ("spaces.odt", odt('<text:p>a<text:s text:c="x"/>b</text:p>')), ("good2.txt", (DATA / "timestamps.txt").read_bytes())]
    results = documents.import_many(db, upload, who="t")
    assert [r.status for r in results] == ["imported", "failed", "imported", "imported"]
    assert results[1].message.startswith("damaged.odt: ") and "damaged" in results[1].message
    assert db["documents"].count == 3


def test_an_unexpected_exception_in_an_importer_is_that_files_failure(db, monkeypatch):
    def broken(data, name):
        raise KeyError("word/document.xml")

    monkeypatch.setattr(documents, "read_odt", broken)
    upload = [("a.txt", b"Kl. 10 kommer en borger."), ("b.odt", (DATA / "interview.odt").read_bytes()), ("c.txt", b"Kl. 11 en til.")]
    results = documents.import_many(db, upload, who="t")
    assert [r.status for r in results] == ["imported", "failed", "imported"]
    assert results[1].message == "b.odt: this file could not be read (KeyError)."
