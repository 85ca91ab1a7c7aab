"""The workbench starts on the sample project and its project pages load (AppTest)."""

from qualbench import documents, store

from .conftest import visible


def test_overview_shows_the_sample_project(app):
    app.run()
    assert not app.exception
    assert visible(app.title[0].value) == "Digital citizen service at the front line (sample project)"
    metrics = {m.label: m.value for m in app.metric}
    assert int(metrics["Documents"]) >= 10 and int(metrics["Coders"]) == 2 and int(metrics["Codings"]) > 300


# AppTest (Streamlit 1.67) drops sidebar widgets from its element tree on every run after the first
# when the app uses st.navigation (a browser keeps them). Sidebar checks here therefore look at the
# first run, with widget state set beforehand; tests/browser/test_pages_browser.py drives the
# sidebar across reruns in Chromium.


def test_coder_picker_lists_coders_and_takes_the_choice(app):
    app.session_state["coder_choice"] = "Tobias Berg"
    app.run()
    picker = app.sidebar.selectbox(key="coder_choice")
    assert {"Signe Holm", "Tobias Berg", "Karen Østergaard", "Someone else…"} <= set(picker.options)
    assert "sample" not in picker.options
    assert app.session_state["coder"] == "Tobias Berg"
    assert not app.exception


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


def test_undo_button_names_the_coders_last_change(app, sample_path):
    db = store.open_project(sample_path, create=False)
    documents.set_attributes(db, 1, {"site": "Et andet sted"}, who="Signe Holm")
    app.run()
    assert app.sidebar.button(key="undo").label == "Undo: set-attributes document"
    assert not app.sidebar.button(key="undo").disabled
