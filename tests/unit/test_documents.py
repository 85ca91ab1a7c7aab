"""Importers, read from real files made by python-docx and LibreOffice (tests/data/make_fixtures.py)."""

import io
import unicodedata
import zipfile

import pytest

from qualbench import documents, store
from qualbench.errors import ImportProblem, NotFound, QualbenchError

from ..conftest import DATA

TURNS = [
    ("Interviewer", "Hvordan hjælper du borgerne med MitID?"),
    ("Jens", "Jeg sidder ved siden af dem. Det er svært for de ældre, især når brevene i Digital Post fylder skærmen."),
    ("Interviewer", "And when they ask you to log in for them?"),
    ("Jens", "Then I say no, nicely. Café au lait ☕ helps — and the word “naïve” keeps its accents."),
]


def spoken(parsed):
    return [(t.speaker, " ".join(parsed.text[t.start:t.end].split())) for t in parsed.turns if t.speaker]


@pytest.mark.parametrize("name", ["interview.docx", "interview.odt", "interview.rtf", "interview.pdf"])
def test_office_formats_give_the_speaker_turns_in_order(name):
    parsed = documents.parse((DATA / name).read_bytes(), name)
    assert parsed.is_transcript
    turns = spoken(parsed)
    expected = TURNS
    if name.endswith(".pdf"):  # pypdf places the ☕ glyph (a fallback font) elsewhere on the line
        turns = [(s, " ".join(t.replace("☕", "").split())) for s, t in turns]
        expected = [(s, " ".join(t.replace("☕", "").split())) for s, t in TURNS]
    assert turns[:3] == expected[:3]
    # paragraphs without a label continue the turn before them: here the table and the closing line
    assert turns[3][0] == "Jens" and turns[3][1].startswith(expected[3][1])
    assert turns[3][1].endswith("Slut på interviewet.")
    assert parsed.text.startswith("Interview med Jens Møller-Ærø")
    assert unicodedata.is_normalized("NFC", parsed.text) and "\r" not in parsed.text


@pytest.mark.parametrize("name", ["interview.docx", "interview.odt"])
def test_tables_come_through_as_text(name):
    text = documents.parse((DATA / name).read_bytes(), name).text
    assert "Åse\tBoligstøtte" in text and "Ølund\tSundhedskort" in text
    assert text.rstrip().endswith("Slut på interviewet.")


@pytest.mark.parametrize("name, encoding", [("interview_cp1252.txt", "cp1252"), ("interview_utf16.txt", "utf-16"),
                                            ("interview_utf8bom.md", "utf-8")])
def test_encodings_keep_danish_letters(name, encoding):
    parsed = documents.parse((DATA / name).read_bytes(), name)
    assert parsed.encoding == encoding
    assert "hjælper" in parsed.text and "svært" in parsed.text and "\ufeff" not in parsed.text
    assert [s for s, _ in spoken(parsed)] == ["Interviewer", "Jens", "Interviewer", "Jens"]


def test_utf16_without_bom_is_recognised():
    parsed = documents.parse("Interviewer: Går det?\n\nÅse: Ja.\n\nInterviewer: Godt.".encode("utf-16-le"), "x.txt")
    assert parsed.text.startswith("Interviewer: Går det?")


def test_typed_timestamps_become_turn_timestamps_and_lines_continue_a_turn():
    parsed = documents.parse((DATA / "timestamps.txt").read_bytes(), "timestamps.txt")
    assert [(t.speaker, t.timestamp) for t in parsed.turns] == [
        ("Interviewer", "00:00:05"), ("Birthe", "00:00:09"), ("Interviewer", "00:01:15"), ("Birthe", "00:01:20")]
    second = parsed.turns[1]
    assert parsed.text[second.start:second.end] == "Jeg kører rundt til borgerne.\nOg jeg hjælper med e-Boks."


def test_vtt_voices_cue_times_and_merged_cues():
    parsed = documents.parse((DATA / "interview.vtt").read_bytes(), "interview.vtt")
    assert [(t.speaker, t.timestamp) for t in parsed.turns] == [
        ("Interviewer", "00:00:01"), ("Henrik Dahl", "00:00:04"), ("Interviewer", "00:00:12")]
    henrik = parsed.turns[1]
    assert parsed.text[henrik.start:henrik.end] == "Mostly jobnet & the CV. Sometimes MitID, which is not ours."


def test_srt_speaker_prefixes():
    parsed = documents.parse((DATA / "interview.srt").read_bytes(), "interview.srt")
    assert [(t.speaker, t.timestamp) for t in parsed.turns] == [("Interviewer", "00:00:01"), ("Åse", "00:00:04"), ("Interviewer", "00:01:02")]
    assert parsed.text[parsed.turns[1].start:parsed.turns[1].end] == "Min datter. Hun har min kode."


def test_field_notes_get_paragraphs_as_turns():
    note = "Kl. 9.10 åbner skranken.\r\n\r\nRefleksion: der er kø.\r\n\r\nEn mand spørger efter MitID.\r\n"
    parsed = documents.parse(note.encode("cp1252"), "note.txt")
    assert not parsed.is_transcript
    assert [parsed.text[t.start:t.end] for t in parsed.turns] == ["Kl. 9.10 åbner skranken.", "Refleksion: der er kø.", "En mand spørger efter MitID."]
    assert all(t.speaker is None for t in parsed.turns)


def test_text_is_nfc_with_unix_newlines():
    decomposed = "Cafe\u0301 og A\u030ase\r\nnæste linje"
    parsed = documents.parse(decomposed.encode("utf-8"), "x.txt")
    assert parsed.text == "Café og Åse\nnæste linje"


def test_import_stores_title_kind_attributes_turns(db):
    result = documents.import_path(db, DATA / "interview.docx", attributes={"area": "Borgerservice", "site": "Havnstrup"}, who="Signe")
    assert result.status == "imported"
    doc = documents.resolve(db, "interview")  # the title comes from the file name
    assert doc["kind"] == "interview" and doc["source_format"] == "docx" and doc["imported_by"] == "Signe"
    assert documents.attributes_by_document(db)[doc["id"]] == {"area": "Borgerservice", "site": "Havnstrup"}
    assert len(documents.turns(db, doc["id"])) == 5
    table = documents.table(db)
    assert list(table.loc[0, ["title", "area", "site", "words", "codings"]]) == ["interview", "Borgerservice", "Havnstrup", documents.word_count(doc["text"]), 0]


def test_same_text_twice_is_recognised(db):
    first = documents.import_path(db, DATA / "interview_cp1252.txt", who="t")
    again = documents.import_bytes(db, (DATA / "interview_cp1252.txt").read_bytes(), "copy.txt", who="t")
    assert (first.status, again.status, again.document_id) == ("imported", "duplicate", first.document_id)
    assert "already in the project" in again.message
    assert db["documents"].count == 1


def test_kind_and_attributes_can_be_changed_later(db):
    doc_id = documents.import_path(db, DATA / "timestamps.txt", who="t").document_id
    documents.update_document(db, doc_id, kind="observation", title="Birthe, hjemmeplejen", who="t")
    documents.set_attributes(db, doc_id, {"role": "SOSU-assistent", "area": "Hjemmepleje"}, who="t")
    documents.set_attributes(db, doc_id, {"role": ""}, who="t")  # an empty value removes the attribute
    doc = documents.resolve(db, "Birthe, hjemmeplejen")
    assert doc["kind"] == "observation"
    assert documents.attributes_by_document(db)[doc_id] == {"area": "Hjemmepleje"}
    with pytest.raises(QualbenchError, match="Unknown document kind"):
        documents.update_document(db, doc_id, kind="survey", who="t")


def test_delete_keeps_everything_in_the_event_and_restores(db):
    from qualbench import coding, codebook

    doc_id = documents.import_path(db, DATA / "interview.docx", attributes={"area": "Jobcenter"}, who="t").document_id
    code_id = codebook.add_code(db, "Help to self-help", who="t")
    coding.apply(db, doc_id, code_id, 60, 90, coder="Signe", memo="vigtigt")
    other = documents.import_path(db, DATA / "timestamps.txt", who="t").document_id
    documents.delete_document(db, doc_id, who="Signe")
    assert db["codings"].count == 0 and db["turns"].count == len(documents.turns(db, other))
    event = store.events(db, limit=1)[0]
    assert event["action"] == "delete" and event["before"]["codings"][0]["memo"] == "vigtigt"
    assert coding.undo(db, who="Signe").startswith("restored document")
    assert documents.attributes_by_document(db)[doc_id] == {"area": "Jobcenter"}
    assert coding.codings(db).loc[0, "memo"] == "vigtigt"
    with pytest.raises(NotFound):
        documents.resolve(db, 999)


# --- bad input: one clear message naming the file; nothing written ------------------------------


def zip_bomb() -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        with archive.open("word/document.xml", "w", force_zip64=True) as member:
            block = b"\0" * (1 << 20)
            for _ in range(300):  # 300 MB of zeros, a few hundred KB packed
                member.write(block)
    return buffer.getvalue()


@pytest.mark.parametrize("name, data, reason", [
    ("empty.txt", b"", "the file is empty"),
    ("blank.md", b"   \n\n  ", "the file is empty"),
    ("photo.txt", bytes(range(256)) * 40, "not readable text"),
    ("fake.docx", b"Interviewer: this is plain text", "not a Word (.docx) file"),
    ("fake.odt", b"PK\x03\x04 broken", "not a OpenDocument (.odt) file"),
    ("fake.pdf", b"Interviewer: hello", "not a PDF file"),
    ("fake.rtf", b"hello", "not an RTF file"),
    ("captions.vtt", b"no header here", "not a WebVTT file"),
    ("captions.srt", b"just words", "no cues found"),
    ("archive.zip", b"PK", "cannot import .zip files"),
])
def test_bad_files_get_one_clear_message(name, data, reason):
    with pytest.raises(ImportProblem) as info:
        documents.parse(data, name)
    assert str(info.value).startswith(name + ":") and reason in str(info.value)


def test_a_zip_bomb_disguised_as_docx_is_refused_before_inflating():
    data = zip_bomb()
    assert len(data) < 2_000_000
    with pytest.raises(ImportProblem, match="bomb.docx: refused: it would unpack to 300 MB"):
        documents.parse(data, "bomb.docx")


def test_a_scanned_pdf_without_text_says_so():
    with pytest.raises(ImportProblem, match="no text layer .* OCR"):
        documents.parse((DATA / "scanned.pdf").read_bytes(), "scanned.pdf")


def test_a_300_mb_file_is_refused_without_reading_it(tmp_path, db):
    huge = tmp_path / "huge.txt"
    with open(huge, "wb") as fh:
        fh.truncate(300 * 1024 * 1024)  # sparse: takes no disk
    with pytest.raises(ImportProblem, match="huge.txt: too large \\(300 MB; the limit is 50 MB"):
        documents.import_path(db, huge, who="t")


def test_one_bad_file_in_an_upload_leaves_the_others_and_the_database_alone(db):
    good = [("a.txt", (DATA / "timestamps.txt").read_bytes()), ("b.docx", (DATA / "interview.docx").read_bytes())]
    upload = [good[0], ("broken.docx", b"not a zip"), ("bomb.docx", zip_bomb()), good[1]]
    seen = []
    results = documents.import_many(db, upload, who="t", progress=lambda i, n, name: seen.append((i, n, name)))
    assert [r.status for r in results] == ["imported", "failed", "failed", "imported"]
    assert "broken.docx" in results[1].message and "bomb.docx" in results[2].message
    assert seen == [(0, 4, "a.txt"), (1, 4, "broken.docx"), (2, 4, "bomb.docx"), (3, 4, "b.docx")]
    assert db["documents"].count == 2
    assert [e["action"] for e in store.events(db)] == ["import", "import"]


def test_html_in_text_is_kept_as_text(db):
    hostile = "Interviewer: <script>alert(1)</script>\n\nR: <img src=x onerror=alert(1)>\n\nInterviewer: ok"
    doc_id = documents.import_bytes(db, hostile.encode(), "hostile.txt", who="t").document_id
    assert "<script>alert(1)</script>" in documents.resolve(db, doc_id)["text"]


# --- metadata headers are not speakers (issue 12) -----------------------------------------------

HEADER = ("Interview med borgerservicemedarbejder\n\n"
          "Dato: 12. marts 2026\n\nSted: Borgerservice Havnstrup\n\nVarighed: 52 min\n\n")
EXCHANGE = ("Interviewer: Hvordan ser en dag ud?\n\n"
            "Lone: Jeg sidder i skranken.\n\nOg en dag om ugen på telefonen.\n\n"
            "Interviewer: Og MitID?\n\n"
            "Lone: Det fylder.")


def said(text, turns):
    return [(t.speaker, text[t.start:t.end]) for t in turns]


def test_a_metadata_header_is_one_heading_unit_and_not_speakers():
    text = HEADER + EXCHANGE
    parsed = documents.parse(text.encode(), "lone.txt")
    assert parsed.is_transcript
    assert said(text, parsed.turns) == [
        (None, HEADER.strip()),  # title and Dato/Sted/Varighed: one unit without a speaker
        ("Interviewer", "Hvordan ser en dag ud?"),
        ("Lone", "Jeg sidder i skranken.\n\nOg en dag om ugen på telefonen."),
        ("Interviewer", "Og MitID?"),
        ("Lone", "Det fylder."),
    ]
    assert documents.turn_numbers(parsed.turns) == [None, 1, 2, 3, 4]  # the first spoken turn is turn 1


def test_a_header_without_blank_lines_and_i_r_labels():
    # "Interviewer:" occurs once, in the header, while the exchange uses I: and R:
    header = "Date: 3 March 2026\nInterviewer: Signe Holm\nRespondent: reception officer"
    text = header + "\n\nI: What does a morning look like?\n\nR: We open at half past eight.\n\nI: And then?\n\nR: A queue."
    parsed = documents.parse(text.encode(), "reception.txt")
    assert said(text, parsed.turns)[0] == (None, header)
    assert [t.speaker for t in parsed.turns] == [None, "I", "R", "I", "R"]
    assert documents.turn_numbers(parsed.turns) == [None, 1, 2, 3, 4]


def test_a_header_in_a_text_without_any_blank_lines():
    # PDF and RTF text: every line its own; the header lines still make one heading unit
    text = ("Dato: 12. marts 2026\nSted: Borgerservice Havnstrup\n"
            "Interviewer: Hvordan går det?\nLone: Godt. Der er kø\nved skranken i dag.\nInterviewer: Tak.\nLone: Selv tak.")
    parsed = documents.parse(text.encode(), "lone.txt")
    assert said(text, parsed.turns) == [
        (None, "Dato: 12. marts 2026\nSted: Borgerservice Havnstrup"),
        ("Interviewer", "Hvordan går det?"), ("Lone", "Godt. Der er kø\nved skranken i dag."),
        ("Interviewer", "Tak."), ("Lone", "Selv tak.")]


def test_typed_timestamps_after_a_header():
    text = "Varighed: 52 min\n\n[00:00:05] Interviewer: Hvad laver du?\n\n[00:00:09] Birthe: Jeg kører.\n\n[00:01:15] Interviewer: Også MitID?"
    parsed = documents.parse(text.encode(), "birthe.txt")
    assert [(t.speaker, t.timestamp) for t in parsed.turns] == [
        (None, None), ("Interviewer", "00:00:05"), ("Birthe", "00:00:09"), ("Interviewer", "00:01:15")]
    assert documents.turn_numbers(parsed.turns) == [None, 1, 2, 3]


def test_an_interviewee_who_answers_once_is_a_speaker():
    text = "Interviewer: Fortæl om dit arbejde.\n\nLone: Jeg sidder i skranken, og det har jeg gjort i fjorten år.\n\nInterviewer: Tak."
    parsed = documents.parse(text.encode(), "kort.txt")
    assert parsed.is_transcript
    assert [t.speaker for t in parsed.turns] == ["Interviewer", "Lone", "Interviewer"]


def test_a_focus_group_participant_who_speaks_once_is_a_speaker():
    text = ("Sted: Socialcenter Nordby\n\n"
            "Moderator: Hvem hjælper med MitID?\n\nAnna: Det gør jeg.\n\nBo: Jeg sender dem videre.\n\n"
            "Karen: Jeg siger nej.\n\nModerator: Hvorfor?\n\nAnna: Fordi ingen andre gør det.\n\nBo: Tiden.")
    parsed = documents.parse(text.encode(), "fokusgruppe.txt")
    assert [t.speaker for t in parsed.turns] == [None, "Moderator", "Anna", "Bo", "Karen", "Moderator", "Anna", "Bo"]
    assert documents.turn_numbers(parsed.turns) == [None, 1, 2, 3, 4, 5, 6, 7]


def test_a_once_only_label_after_the_exchange_is_a_speaker():
    # after the last turn of a recurring speaker nothing tells a footer from a last speaker: kept as a speaker
    text = "Interviewer: Hvad laver du?\n\nInterviewer: Altså til daglig?\n\nLone: Jeg sidder i skranken."
    parsed = documents.parse(text.encode(), "sidst.txt")
    assert parsed.is_transcript and [t.speaker for t in parsed.turns] == ["Interviewer", "Interviewer", "Lone"]


def test_metadata_labels_do_not_make_notes_a_transcript():
    # Dato, Sted and Observatør once each, Refleksion twice: one speaker, so these are notes
    text = ("Dato: 12. marts 2026\n\nSted: Borgerservice Havnstrup\n\nObservatør: Signe Holm\n\n"
            "Kl. 9.10 åbner skranken.\n\nRefleksion: der er kø.\n\nEn mand spørger efter MitID.\n\nRefleksion: ingen hjælper ham.")
    parsed = documents.parse(text.encode(), "note.txt")
    assert not parsed.is_transcript
    assert len(parsed.turns) == 7 and all(t.speaker is None for t in parsed.turns)
    assert documents.turn_numbers(parsed.turns) == [1, 2, 3, 4, 5, 6, 7]  # notes: paragraphs 1..n
    only_header = "Dato: 12. marts 2026\n\nSted: Havnstrup\n\nVarighed: 52 min\n\nKl. 9.10 åbner skranken."
    assert not documents.parse(only_header.encode(), "header.txt").is_transcript


def test_cues_are_numbered_from_one_and_a_cue_without_a_voice_is_a_turn():
    vtt = ("WEBVTT\n\n00:00:01.000 --> 00:00:03.000\n<v Interviewer>Hvad laver du?\n\n"
           "00:00:04.000 --> 00:00:06.000\n(utydeligt)\n\n"
           "00:00:07.000 --> 00:00:09.000\n<v Åse>Jeg hjælper.\n\n00:00:10.000 --> 00:00:12.000\n<v Interviewer>Tak.")
    parsed = documents.parse(vtt.encode(), "cues.vtt")
    assert [t.speaker for t in parsed.turns] == ["Interviewer", None, "Åse", "Interviewer"]
    assert documents.turn_numbers(parsed.turns) == [1, 2, 3, 4]  # a cue has a time, so it is spoken, not a heading
    for name in ("interview.vtt", "interview.srt"):
        turns = documents.parse((DATA / name).read_bytes(), name).turns
        assert documents.turn_numbers(turns) == list(range(1, len(turns) + 1))


def test_turn_numbers_read_stored_rows_too(db):
    doc_id = documents.import_bytes(db, (HEADER + EXCHANGE).encode(), "lone.txt", who="t").document_id
    rows = documents.turns(db, doc_id)
    assert documents.turn_numbers(rows) == [None, 1, 2, 3, 4]
    assert documents.turn_numbers([]) == []


def test_excerpts_and_the_word_report_cite_the_spoken_turn(db):
    import docx

    from qualbench import codebook, coding, retrieval
    from qualbench.export import docx as docx_export

    text = HEADER + EXCHANGE
    doc_id = documents.import_bytes(db, text.encode(), "lone.txt", title="Lone", who="t").document_id
    codebook.add_code(db, "Telefon", who="t")
    start = text.index("en dag om ugen")
    coding.apply(db, doc_id, "Telefon", start, start + len("en dag om ugen"), coder="Signe")
    coding.apply(db, doc_id, "Telefon", text.index("Sted"), text.index("Sted") + 4, coder="Signe")  # in the heading
    frame = retrieval.excerpts(db, codes=["Telefon"])
    assert frame["turn"].isna().tolist() == [True, False]  # the heading has no number ...
    assert frame["turn"].iloc[1] == 2  # ... and Lone's first answer is the second spoken turn
    assert list(frame["speaker"]) == ["", "Lone"]
    report = docx.Document(io.BytesIO(docx_export.excerpts_docx(db, frame, group_by="code", context=False)))
    citations = [p.text for p in report.paragraphs if p.style.name == "Citation" and p.text.startswith("— ")]
    assert any(c.startswith("— Lone, Lone, turn 2") for c in citations), citations
    assert any(c.startswith("— Lone") and "turn" not in c.split("coded by")[0] for c in citations), citations


# --- control characters are removed, once, before anything is read (issue 12) --------------------

LONG = "\n\n".join(["Interviewer: Hvordan går det ved skranken i dag, synes du selv?",
                    "Lone: Der er kø, og skærmen siger kode forkert, så jeg hjælper alligevel."] * 30)


def test_control_characters_are_removed_and_the_message_says_how_many(db):
    dirty = LONG.replace("skranken", "skran\x00ken", 1).replace("kø,", "kø\x1b,", 1).replace("alligevel.", "alligevel.\x7f", 1)
    result = documents.import_bytes(db, dirty.encode(), "dirty.txt", who="t")
    assert result.status == "imported" and "3 control characters removed" in result.message
    doc = documents.resolve(db, result.document_id)
    assert doc["text"] == LONG and doc["sha256"] == documents.sha256(LONG)
    assert db.execute("SELECT length(text) FROM documents WHERE id = ?", [doc["id"]]).fetchone()[0] == len(LONG)
    turns = documents.turns(db, doc["id"])  # offsets are into the cleaned text
    assert LONG[turns[0]["start"]:turns[0]["end"]] == "Hvordan går det ved skranken i dag, synes du selv?"
    assert LONG[turns[1]["start"]:turns[1]["end"]] == "Der er kø, og skærmen siger kode forkert, så jeg hjælper alligevel."
    clean = documents.import_bytes(db, LONG.encode(), "clean.txt", who="t")
    assert (clean.status, clean.document_id) == ("duplicate", doc["id"])  # same text after the removal
    one = documents.import_bytes(db, (LONG + "\n\nInterviewer: Tak\x00.").encode(), "one.txt", who="t")
    assert "1 control character removed" in one.message
    assert "control" not in documents.import_bytes(db, b"Interviewer: Hej\n\nLone: Hej\n\nInterviewer: Tak", "ok.txt", who="t").message


def test_tab_newline_cr_form_feed_and_vertical_tab_are_not_removed():
    parsed = documents.parse(b"Kl. 9.10\tskranken\r\nlinje\x0bny linje\x0cside to", "n.txt")
    assert parsed.text == "Kl. 9.10\tskranken\nlinje\nny linje\n\nside to" and parsed.controls_removed == 0


def test_every_importer_removes_control_characters():
    rtf = rb"{\rtf1\ansi\ansicpg1252 Interviewer: Hvad\'00 laver du?\par\par Lone: Jeg\'1b hj\'e6lper.\par\par Interviewer: Tak.}"
    parsed = documents.parse(rtf, "x.rtf")
    assert parsed.text == "Interviewer: Hvad laver du?\n\nLone: Jeg hjælper.\n\nInterviewer: Tak." and parsed.controls_removed == 2
    assert [parsed.text[t.start:t.end] for t in parsed.turns] == ["Hvad laver du?", "Jeg hjælper.", "Tak."]
    cues = "WEBVTT\n\n" + "\n\n".join(f"00:00:{i:02d}.000 --> 00:00:{i:02d}.900\n<v {'Interviewer' if i % 2 else 'Åse'}>Sætning nummer {i} i samtalen her." for i in range(1, 40))
    cues = cues.replace("nummer 3 ", "nummer\x00 3 ")
    parsed = documents.parse(cues.encode(), "x.vtt")
    assert parsed.controls_removed == 1 and "\x00" not in parsed.text
    assert all(parsed.text[t.start:t.end].startswith("Sætning nummer") for t in parsed.turns)


def test_a_binary_file_is_still_refused_not_cleaned():
    with pytest.raises(ImportProblem, match="not readable text"):
        documents.parse(b"Interviewer: Hej\x00\x01\x02\x03\x04 " * 50, "binary.txt")
