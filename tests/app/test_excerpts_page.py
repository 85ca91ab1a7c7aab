"""The excerpts page on the sample project (AppTest): query, filters, counts, the Word report behind the download."""

import io

import docx

from qualbench import codebook, retrieval
from qualbench.filters import Filters


def open_page(app):
    app.run()
    app.switch_page("pages/excerpts.py").run()
    assert not app.exception
    return app


def excerpts_in(report: bytes) -> list[str]:
    return [p.text for p in docx.Document(io.BytesIO(report)).paragraphs if p.style.name == "Excerpt"]


def test_without_codes_the_page_asks_for_one(app):
    open_page(app)
    assert "Choose one or more codes" in app.info[0].value
    assert not app.dataframe


def test_codes_give_the_table_counts_and_the_report(app, sample_db):
    open_page(app)
    app.multiselect(key="ex_codes").set_value(["Cross-pressure"]).run()
    assert not app.exception and not app.error
    expected = retrieval.excerpts(sample_db, codes=["Cross-pressure"], context=200)
    table = app.dataframe[0].value
    assert len(table) == len(expected) > 0
    assert table["link"].tolist() == expected["link"].tolist()
    assert table.columns[0] == "link" and "excerpt" in table.columns
    assert retrieval.counts_text(expected) in app.subheader[0].value
    report = app.session_state["ex_docx"]  # written at once for a result this size
    # a passage both coders coded with one code is quoted once (one row per coding in the table)
    assert len(excerpts_in(report)) == len(expected.drop_duplicates(["code_id", "document_id", "start", "end"]))


def test_and_not_and_the_sub_code_switch(app, sample_db):
    open_page(app)
    app.multiselect(key="ex_codes").set_value(["Cross-pressure"])
    app.radio(key="ex_combine").set_value("and").run()  # the second codes open for AND and NOT
    app.multiselect(key="ex_other").set_value(["Boundary confusion"]).run()
    both = retrieval.excerpts(sample_db, codes=["Cross-pressure"], combine="and", other=["Boundary confusion"])
    assert len(app.dataframe[0].value) == len(both) > 0
    assert "other_code" in app.dataframe[0].value.columns
    app.radio(key="ex_combine").set_value("not").run()
    assert len(app.dataframe[0].value) == len(retrieval.excerpts(sample_db, codes=["Cross-pressure"], combine="not", other=["Boundary confusion"]))
    app.radio(key="ex_combine").set_value("or")  # the (now disabled) second codes no longer count
    app.toggle(key="ex_children").set_value(False).run()
    own = retrieval.excerpts(sample_db, codes=["Cross-pressure"], children=False)
    assert len(app.dataframe[0].value) == len(own) > 0
    assert set(app.dataframe[0].value["code"]) == {"Cross-pressure"}


def test_filters_by_attribute_and_coder(app, sample_db):
    open_page(app)
    app.multiselect(key="ex_codes").set_value(["Competence gaps"])
    app.multiselect(key="ex_attr_area").set_value(["Jobcenter"])
    app.multiselect(key="ex_coders").set_value(["Tobias Berg"]).run()
    expected = retrieval.excerpts(sample_db, codes=["Competence gaps"], filters=Filters(attributes={"area": ["Jobcenter"]}, coders=["Tobias Berg"]))
    table = app.dataframe[0].value
    assert len(table) == len(expected) > 0
    assert set(table["coder"]) == {"Tobias Berg"} and all("Jobcenter" in d for d in table["document"])
    assert "area" in app.caption[1].value and "Jobcenter" in app.caption[1].value


def test_no_match_is_an_honest_empty_result_and_a_missing_second_code_a_clear_message(app):
    open_page(app)
    app.multiselect(key="ex_codes").set_value(["Cross-pressure"])
    app.text_input(key="ex_words").set_value("zyzzyva").run()
    assert not app.exception
    assert app.subheader[0].value == "0 excerpts from 0 documents"
    assert "No excerpts match" in "\n".join(p.text for p in docx.Document(io.BytesIO(app.session_state["ex_docx"])).paragraphs)
    app.text_input(key="ex_words").set_value("")
    app.radio(key="ex_combine").set_value("and").run()
    assert "needs a second code" in app.error[0].value


def test_a_long_report_is_written_on_request(app, sample_db):
    open_page(app)
    themes = [c["path"] for c in codebook.codes(sample_db) if c["depth"] == 0]
    app.multiselect(key="ex_codes").set_value(themes).run()
    rows = len(app.dataframe[0].value)
    assert rows > 500  # more than the page writes at once
    assert "ex_docx_for" not in app.session_state
    prepare = [b for b in app.button if b.label == "Prepare the Word report"]
    assert prepare, "the page offers to write a long report"
    prepare[0].click().run()
    assert not app.exception
    frame = retrieval.excerpts(sample_db, codes=themes, context=200)
    assert len(frame) == rows
    # one quotation per passage and code: rows of one code and stretch by both coders are quoted once
    passages = len(frame.drop_duplicates(["code_id", "document_id", "start", "end"]))
    assert passages < rows and len(excerpts_in(app.session_state["ex_docx"])) == passages


def test_an_and_query_shows_each_stretch_once_with_its_coders(app, sample_db):
    # The sample's two coders, Signe Holm and Tobias Berg: Boundary confusion AND Privacy distance
    open_page(app)
    app.multiselect(key="ex_codes").set_value(["Boundary confusion"])
    app.radio(key="ex_combine").set_value("and").run()
    app.multiselect(key="ex_other").set_value(["Privacy distance"]).run()
    assert not app.exception and not app.error
    expected = retrieval.excerpts(sample_db, codes=["Boundary confusion"], combine="and", other=["Privacy distance"])
    table = app.dataframe[0].value
    assert {"coders", "pairs", "other_code"} <= set(table.columns) and "coder" not in table.columns
    assert table["coders"].tolist() == expected["coders"].tolist()
    assert "Signe Holm, Tobias Berg" in set(table["coders"])  # a stretch both coded is one row naming both
    assert not expected.duplicated(["document_id", "start", "end"]).any()
    assert table["pairs"].sum() > len(table)
    assert any("a row is one stretch" in c.value for c in app.caption)
    assert len(excerpts_in(app.session_state["ex_docx"])) == len(expected)
