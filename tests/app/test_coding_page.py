"""The coding page opens a document at a passage given in the address (AppTest)."""

from qualbench import agreement, coding, documents, store


def test_opens_at_the_passage_from_the_query(app, sample_path):
    db = store.open_project(sample_path, create=False)
    doc = documents.resolve(db, "Interview: digital ambassador, Borgerservice Havnstrup")
    offset = doc["text"].index("Det er en slags bordtennis")
    app.query_params["document"] = str(doc["id"])
    app.query_params["offset"] = str(offset)
    app.run()
    app.switch_page("pages/coding.py").run()
    assert not app.exception and not app.error
    assert app.selectbox[0].value == doc["id"]
    assert [s.value for s in app.subheader] == ["The passage", "The whole document"]


def test_agreement_disagreements_link_to_the_coding_page(app, sample_path):
    app.run()
    app.switch_page("pages/agreement.py").run()
    listing = app.dataframe[1].value
    db = store.open_project(sample_path, create=False)
    found = agreement.disagreements(db, ["Tobias Berg", "Signe Holm"])
    assert list(listing["open"]) == [coding.passage_link(d, s) for d, s in zip(found["document_id"], found["start"])]
