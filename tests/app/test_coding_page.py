"""The coding page (AppTest): opened at a passage, filtered, and coding through the codebook panel.

Selecting text happens in the browser (tests/browser/test_text_coder_browser.py); here the
component's selection state is set the way the component sets it.
"""

from qualbench import agreement, codebook, coding, documents, store

from .conftest import visible

CODER = "Signe Holm"  # signed in by the app fixture


def _new(db, before):
    """The codings added since ``before`` (a set of ids)."""
    now = coding.codings(db)
    return now[~now["id"].isin(before)]


def _open(app, doc_id, selection=None):
    if selection:
        app.session_state["text_coder"] = {"selection": dict(selection, document=doc_id)}
    app.query_params["document"] = str(doc_id)
    app.run()
    app.switch_page("pages/coding.py").run()
    assert not app.exception, app.exception
    return app


def test_opens_at_the_passage_from_the_query(app, sample_path):
    db = store.open_project(sample_path, create=False)
    doc = documents.resolve(db, "Interview: digital ambassador, Borgerservice Havnstrup")
    offset = doc["text"].index("Det er en slags bordtennis")
    app.query_params["offset"] = str(offset)
    _open(app, doc["id"])
    assert not app.error
    assert app.selectbox[0].value == doc["id"]
    shown = len(coding.codings(db, document=doc["id"]))
    assert any(c.value.startswith(f"{shown} coding(s) shown") for c in app.caption)


def test_the_document_picker_filters_by_kind_and_attribute(app, sample_path):
    db = store.open_project(sample_path, create=False)
    app.run()
    app.switch_page("pages/coding.py").run()
    app.multiselect(key="cd_kinds").set_value(["observation"]).run()
    wanted = coding.document_choices(db, kinds=["observation"])
    assert 0 < len(wanted) < len(documents.list_documents(db))
    assert app.selectbox[0].options == list(wanted.values())


def test_a_code_button_codes_the_selection_and_undo_takes_it_back(app, sample_path):
    db = store.open_project(sample_path, create=False)
    doc = documents.resolve(db, "Interview: digital ambassador, Borgerservice Havnstrup")
    start = doc["text"].index("Det er en slags bordtennis")
    end = start + len("Det er en slags bordtennis")
    before = set(coding.codings(db)["id"])
    _open(app, doc["id"], {"start": start + 2, "end": end - 3})  # mid-word: snapped to whole words
    code = codebook.resolve(db, "Boundary confusion")
    app.button(key=f"apply_{code['id']}").click().run()
    assert not app.exception
    mine = _new(db, before)
    assert list(zip(mine["start"], mine["end"], mine["code"], mine["coder"])) == [(start, end, "Boundary confusion", CODER)]
    assert any("Coded with Boundary confusion." in visible(s.value) for s in app.success)
    assert coding.undo(db, who=CODER) == "removed the coding just added"
    assert _new(db, before).empty


def test_without_a_selection_coding_says_so_and_writes_nothing(app, sample_path):
    db = store.open_project(sample_path, create=False)
    doc = documents.resolve(db, "Interview: digital ambassador, Borgerservice Havnstrup")
    before = set(coding.codings(db)["id"])
    _open(app, doc["id"])
    code = codebook.resolve(db, "Cross-pressure")
    app.button(key=f"apply_{code['id']}").click().run()
    assert [visible(e.value) for e in app.error] == ["Select a passage in the text first."]
    assert _new(db, before).empty


def test_in_vivo_makes_a_code_of_the_selected_words(app, sample_path):
    db = store.open_project(sample_path, create=False)
    doc = documents.resolve(db, "Interview: digital ambassador, Borgerservice Havnstrup")
    start = doc["text"].index("bordtennis")
    before = set(coding.codings(db)["id"])
    _open(app, doc["id"], {"start": start, "end": start + len("bordtennis")})
    app.button(key="in_vivo").click().run()
    mine = _new(db, before)
    assert list(mine["code"]) == ["bordtennis"] and list(mine["excerpt"]) == ["bordtennis"]


def test_agreement_disagreements_link_to_the_coding_page(app, sample_path):
    app.run()
    app.switch_page("pages/agreement.py").run()
    listing = app.dataframe[1].value
    db = store.open_project(sample_path, create=False)
    found = agreement.disagreements(db, ["Tobias Berg", "Signe Holm"])
    assert list(listing["open"]) == [coding.passage_link(d, s) for d, s in zip(found["document_id"], found["start"])]


def test_the_codings_under_a_click_can_be_given_a_memo_refitted_and_removed(app, sample_path):
    db = store.open_project(sample_path, create=False)
    doc = documents.resolve(db, "Interview: digital ambassador, Borgerservice Havnstrup")
    start = doc["text"].index("bordtennis")
    mine = coding.apply(db, doc["id"], "Cross-pressure", start, start + len("bordtennis"), coder=CODER)
    app.session_state["inspect"] = [mine]
    wider = doc["text"].index("Det er en slags bordtennis")
    _open(app, doc["id"], {"start": wider, "end": start + len("bordtennis")})
    app.text_area(key=f"memo_{mine}").set_value("Ping-pong as the citizen's experience")
    app.button(key=f"save_{mine}").click().run()
    assert coding.coding_details(db, [mine]).iloc[0]["memo"] == "Ping-pong as the citizen's experience"
    app.button(key=f"fit_{mine}").click().run()
    row = coding.coding_details(db, [mine]).iloc[0]
    assert (int(row["start"]), int(row["end"])) == (wider, start + len("bordtennis"))
    app.button(key=f"remove_{mine}").click().run()
    assert coding.coding_details(db, [mine]).empty
    assert coding.undo(db, who=CODER) == "put back the removed coding"
    assert coding.coding_details(db, [mine]).iloc[0]["memo"] == "Ping-pong as the citizen's experience"


def test_selected_shows_the_passage_exactly_as_it_will_be_stored(app, sample_path):
    """A drag that starts and ends mid-word is snapped; the panel shows the snapped words (issue 12)."""
    db = store.open_project(sample_path, create=False)
    doc = documents.resolve(db, "Interview: digital ambassador, Borgerservice Havnstrup")
    word = doc["text"].index("bordtennis")
    _open(app, doc["id"], {"start": word + 2, "end": word + 7})  # "rdten"
    note = [m.value for m in app.markdown if m.value.startswith("**Selected**")]
    assert note == [f"**Selected** ({word}–{word + 10}): “bordtennis”"]
    before = set(coding.codings(db)["id"])
    app.button(key=f"apply_{codebook.resolve(db, 'Cross-pressure')['id']}").click().run()
    assert list(_new(db, before)["excerpt"]) == ["bordtennis"]


def test_an_inspector_card_whose_coding_changed_meanwhile_refuses_the_action(app, sample_path):
    db = store.open_project(sample_path, create=False)
    doc = documents.resolve(db, "Interview: digital ambassador, Borgerservice Havnstrup")
    start = doc["text"].index("bordtennis")
    mine = coding.apply(db, doc["id"], "Cross-pressure", start, start + len("bordtennis"), coder=CODER)
    app.session_state["inspect"] = [mine]
    _open(app, doc["id"])
    coding.update(db, mine, who="Tobias Berg", memo="Tobias was here first")  # from another session, after the card was drawn
    app.button(key=f"remove_{mine}").click().run()
    assert not app.exception
    assert any("has changed since it was shown" in e.value and "Tobias Berg" in e.value for e in app.error)
    assert coding.coding_details(db, [mine]).iloc[0]["memo"] == "Tobias was here first"


def test_hostile_numbers_in_the_address_open_the_page_without_an_error(app, sample_path):
    db = store.open_project(sample_path, create=False)
    doc = documents.resolve(db, "Interview: digital ambassador, Borgerservice Havnstrup")
    for offset in ["9" * 5000, str(2 ** 64), "-5", "²"]:
        app.query_params["offset"] = offset
        _open(app, doc["id"])
        assert not app.error, [e.value for e in app.error]
    app.query_params["document"] = "9" * 5000
    app.run()
    app.switch_page("pages/coding.py").run()
    assert not app.exception
