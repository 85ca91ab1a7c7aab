"""A hostile project: the sample project plus names and text that try to become Markdown, HTML,
links, remote images and spreadsheet formulas (issue 19).

Every string points at ``tracker.invalid`` (a name that can never resolve, RFC 6761), so a
browser test can tell a request made because of user text from the workbench's own.
"""

from __future__ import annotations

from qualbench import codebook, coding, documents, store, views

HOST = "tracker.invalid"

# One line of each trick; every hostile name below contains all of them.
TRICKS = (f"![px](http://{HOST}/px.png) [klik her](http://{HOST}/phish) <img src=\"http://{HOST}/i.png\"> "
          f"<b>fed</b> :red[rød] **fed** _kursiv_ \\ $x^2$ `kode` www.{HOST} post@{HOST} https://{HOST}/auto "
          ":material/home: :smile: 😀 æøå ÆØÅ &amp;")
TITLE = "Interview " + TRICKS
# A coder's name is at most 200 characters (qualbench/names.py), so it carries the tricks that fit
CODER = (f"Coder ![px](http://{HOST}/px.png) [klik](http://{HOST}/p) <img src=\"http://{HOST}/i.png\"> <b>f</b> "
         f":red[r] **f** `k` $x$ www.{HOST} :material/home: æøå")
CODE = ("Kode ![px](https:" + HOST + ") www." + HOST + " post@" + HOST + " <img src=https:" + HOST + "> :red[rød] **fed** <b>b $x$ `k` æøå")  # no "/" in a code name
CODE_DESCRIPTION = "Beskrivelse " + TRICKS + "\n\n# Overskrift\n- punkt"
ATTRIBUTE = "Attribut " + TRICKS
VALUE = "Værdi " + TRICKS
VIEW = "Visning " + TRICKS
MEMO = "Memo " + TRICKS + "\nanden linje"
PROJECT = "Projekt " + TRICKS
SPEAKER_A, SPEAKER_B = "Lone", "Interviewer"
# A transcript whose lines must read exactly as written; the coded passage is EXCERPT.
EXCERPT = "Se ![px](http://" + HOST + "/ex.png) og [klik her](http://" + HOST + "/ex) :red[nu] *straks*"
TEXT = (f"{TITLE}\n\n"
        f"{SPEAKER_B}: Hvad skete der? {TRICKS}\n\n"
        f"{SPEAKER_A}: {EXCERPT}, sagde hun.\n\n"
        f"{SPEAKER_B}: Og så?   Tre  mellemrum \\* stjerne\n\n"
        f"{SPEAKER_A}: `kode` og $x$ og <i>html</i> og 1. ikke en liste\n# ikke en overskrift")
# Spreadsheet formulas (OWASP "CSV injection") in names and values
FORMULA_ATTRIBUTE = "=HYPERLINK(\"http://" + HOST + "\",\"klik\")"
FORMULA_VALUE = "+cmd|' /C calc'!A0"
FORMULA_TITLE = "@SUM(1+1)*cmd|' /C calc'!A0"
FORMULA_CODE = "=1+2"
FORMULA_MEMO = "-2+3+cmd|' /C calc'!A0"

ALL = {"title": TITLE, "coder": CODER, "code": CODE, "attribute": ATTRIBUTE, "value": VALUE, "view": VIEW,
       "memo": MEMO, "project": PROJECT, "excerpt": EXCERPT}


def build(db) -> dict:
    """Add the hostile document, coder, code, attributes, coding, memos, view and project name; returns their ids."""
    store.set_setting(db, "project_name", PROJECT, who="sample")
    coder = store.ensure_coder(db, CODER)
    result = documents.import_bytes(db, TEXT.encode("utf-8"), "hostile.txt", title=TITLE, kind="interview",
                                    attributes={ATTRIBUTE: VALUE, "site": VALUE}, who=coder)
    doc_id = result.document_id
    code_id = codebook.add_code(db, CODE, who=coder, description=CODE_DESCRIPTION)
    text = documents.resolve(db, doc_id)["text"]
    start = text.index(EXCERPT)
    coding_id = coding.apply(db, doc_id, code_id, start, start + len(EXCERPT), coder=coder, memo=MEMO)
    other = [c["id"] for c in codebook.codes(db) if c["id"] != code_id][0]
    coding.apply(db, doc_id, other, start, start + len(EXCERPT), coder=coder)  # the hostile code co-occurs
    coding.apply(db, doc_id, code_id, start, start + 10, coder="Signe Holm")  # a second coder: agreement lists the document
    codebook.add_code_memo(db, code_id, MEMO, who=coder)
    views.save(db, VIEW, kind="chart", settings={"chart_kind": "Co-occurrence", "coders": [CODER], "attributes": {ATTRIBUTE: [VALUE]}},
               who=coder)
    return {"document": doc_id, "code": code_id, "coding": coding_id, "coder": coder}


def build_formulas(db) -> dict:
    """Add names and values that a spreadsheet would run as formulas; returns their ids."""
    coder = store.ensure_coder(db, "=Formel Koder")
    result = documents.import_bytes(db, ("Lone: " + FORMULA_MEMO + "\n\nI: @SUM(A1)\n\nLone: =1+1\n").encode("utf-8"), "formula.txt",
                                    title=FORMULA_TITLE, attributes={FORMULA_ATTRIBUTE: FORMULA_VALUE}, who=coder)
    doc_id = result.document_id
    code_id = codebook.add_code(db, FORMULA_CODE, who=coder)
    text = documents.resolve(db, doc_id)["text"]
    start = text.index(FORMULA_MEMO)
    coding_id = coding.apply(db, doc_id, code_id, start, start + len(FORMULA_MEMO), coder=coder, memo=FORMULA_MEMO)
    return {"document": doc_id, "code": code_id, "coding": coding_id, "coder": coder}
