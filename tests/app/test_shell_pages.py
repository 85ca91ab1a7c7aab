"""The workbench starts on the sample project and its project pages load (AppTest)."""

from qualbench import documents, store


def test_overview_shows_the_sample_project(app):
    app.run()
    assert not app.exception
    assert app.title[0].value == "Digital citizen service at the front line (sample project)"
    metrics = {m.label: m.value for m in app.metric}
    assert int(metrics["Documents"]) >= 10 and int(metrics["Coders"]) == 2 and int(metrics["Codings"]) > 300


def test_coder_picker_lists_coders_and_remembers_the_choice(app):
    app.session_state["coder"] = None
    app.run()
    picker = app.sidebar.selectbox(key="coder_choice")
    assert "Signe Holm" in picker.options and "Tobias Berg" in picker.options
    picker.select("Tobias Berg").run()
    assert app.session_state["coder"] == "Tobias Berg"
    assert not app.exception


def test_a_new_coder_can_sign_in(app, sample_path):
    app.session_state["coder"] = None
    app.run()
    app.sidebar.selectbox(key="coder_choice").select("Someone else…").run()
    app.sidebar.text_input(key="coder_new").input("Karen Østergaard").run()
    assert app.session_state["coder"] == "Karen Østergaard"
    db = store.open_project(sample_path, create=False)
    assert store.rows(db, "SELECT role FROM coders WHERE name = 'Karen Østergaard'") == [{"role": "coder"}]


def test_documents_page_lists_the_documents(app, sample_path):
    app.run()
    app.switch_page("pages/documents.py").run()
    assert not app.exception
    assert app.title[0].value == "Documents"
    db = store.open_project(sample_path, create=False)
    table = app.dataframe[0].value
    assert len(table) == db["documents"].count
    assert {"title", "kind", "area", "site", "role", "words", "codings"} <= set(table.columns)
    assert list(table["words"]) == list(documents.table(db)["words"])


def test_undo_in_the_sidebar_reverses_the_coders_last_change(app, sample_path):
    db = store.open_project(sample_path, create=False)
    before = documents.attributes_by_document(db)[1]
    documents.set_attributes(db, 1, {"site": "Et andet sted"}, who="Signe Holm")
    app.run()
    undo = app.sidebar.button(key="undo")
    assert undo.label.startswith("Undo: set-attributes")
    undo.click().run()
    assert documents.attributes_by_document(db)[1] == before
    assert not app.exception
