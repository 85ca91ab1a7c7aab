"""No user text reaches Streamlit's Markdown raw, on any page (issue 19).

Each page runs under AppTest on a project full of hostile names and text (tests/hostile.py).
Streamlit renders Markdown in nearly every string it sends to the browser: bodies of
markdown, captions, headings, alerts and toasts, and every label, ``help=`` tooltip, tab,
expander and radio option. So the test walks every string field of every element the
page sent and requires that no hostile string stands in it as written: it must come
through ``ui.show`` (escaped), or sit in a field Streamlit shows as plain text (the
allowlist below, checked in Chromium by tests/browser/test_show_browser.py). The test also
requires that each hostile string the page is meant to show is shown, escaped.
"""

import json

import pytest
from streamlit.testing.v1 import AppTest

from qualbench import codebook, store
from ui import show

from .. import hostile
from ..conftest import ROOT

# (element type, field) pairs Streamlit shows as plain text, never as Markdown.
PLAIN = {
    ("*", "id"), ("*", "form_id"), ("*", "default"), ("*", "value"), ("*", "raw_value"), ("*", "raw_values"),
    ("*", "placeholder"),
    ("Selectbox", "options"), ("MultiSelect", "options"), ("Slider", "options"),
    ("Text", "body"), ("Metric", "body"), ("Code", "code_text"),
    ("BidiComponent", "json"), ("BidiComponent", "data"),
}


def _strings(message, path=""):
    """Every (field path, string) of a protobuf message, nested messages and repeated fields too."""
    for field, value in message.ListFields():
        name = f"{path}.{field.name}" if path else field.name
        values = value if field.is_repeated else [value]
        for item in values:
            if isinstance(item, str):
                yield field.name, name, item
            elif hasattr(item, "ListFields"):
                yield from _strings(item, name)


def _elements(node):
    proto = getattr(node, "proto", None)
    if proto is not None:
        yield type(proto).__name__, proto
    for child in getattr(node, "children", {}).values():
        yield from _elements(child)


def raw_hostile_strings(at: AppTest) -> list[tuple[str, str, str]]:
    """(element, field, hostile string) wherever a hostile string reaches a Markdown field unescaped."""
    found = []
    for kind, proto in _elements(at._tree):
        for field, path, value in _strings(proto):
            if kind == "Html" and field == "body":
                if "<img" in value or "<a " in value or "href" in value:
                    found.append((kind, path, value[:80]))
                continue
            if kind == "Dataframe" and field == "columns":  # column config: only help= renders Markdown
                value = " ".join(str(c.get("help", "")) for c in json.loads(value or "{}").values())
            elif ("*", field) in PLAIN or (kind, field) in PLAIN or (kind, path) in PLAIN:
                continue
            found += [(kind, path, name) for name, text in _all_hostile() if text in value]
    return found


def shown(at: AppTest, text: str) -> bool:
    """Whether ``text`` reaches the page escaped by ``ui.show`` (for Markdown or for HTML)."""
    wanted = {show.md(text), show.html(text)}
    return any(any(w in value for w in wanted) for _, proto in _elements(at._tree) for _, _, value in _strings(proto))


def _all_hostile():
    return list(hostile.ALL.items()) + [("code description", hostile.CODE_DESCRIPTION), ("tricks", hostile.TRICKS)]


@pytest.fixture
def project(sample_path):
    db = store.open_project(sample_path, create=False)
    ids = hostile.build(db)
    ids["path"] = codebook.paths(db)[ids["code"]]
    db.close()
    return ids


@pytest.fixture
def hostile_app(sample_path, project, monkeypatch):
    monkeypatch.setenv("QUALBENCH_DB", str(sample_path))
    monkeypatch.chdir(ROOT)
    at = AppTest.from_file(str(ROOT / "workbench.py"), default_timeout=60)
    at.session_state["coder_choice"] = hostile.CODER
    return at


def _visit(at: AppTest, page: str, **state) -> AppTest:
    """Run the workbench, then open ``page`` with ``state`` in the session (the first run would consume a flash)."""
    at.run()
    for key, value in state.items():
        at.session_state[key] = value
    at.switch_page(f"pages/{page}.py").run()
    assert not at.exception, at.exception
    return at


def test_overview(hostile_app):
    at = _visit(hostile_app, "overview")
    assert raw_hostile_strings(at) == []
    assert shown(at, hostile.PROJECT)


def test_sidebar_flash_and_undo(hostile_app):
    at = _visit(hostile_app, "documents", flash=f"Saved “{hostile.TITLE}”.")
    assert raw_hostile_strings(at) == []
    assert shown(at, f"Saved “{hostile.TITLE}”.")


def test_documents_read_and_attributes(hostile_app, project):
    at = _visit(hostile_app, "documents", open_document=project["document"])
    assert raw_hostile_strings(at) == []
    assert shown(at, hostile.TITLE) and shown(at, hostile.ATTRIBUTE) and shown(at, hostile.EXCERPT)


def test_codebook_with_the_hostile_code_open(hostile_app, project):
    at = _visit(hostile_app, "codebook", cb_code=project["path"], flash=f"Saved “{hostile.CODE}”.")
    assert raw_hostile_strings(at) == []
    assert shown(at, project["path"]) and shown(at, hostile.MEMO.splitlines()[0])


def test_codebook_error_quotes_the_name_escaped(hostile_app, project):
    at = _visit(hostile_app, "codebook")
    at.text_input(key="cb_add_name").set_value(hostile.CODE)
    at.button[[b.label for b in at.button].index("Add the code")].click().run()
    assert at.error, "adding a code of the same name should be refused"
    assert raw_hostile_strings(at) == []


def test_coding_with_the_inspector_open(hostile_app, project):
    hostile_app.query_params["document"] = str(project["document"])
    at = _visit(hostile_app, "coding", inspect=[project["coding"]], flash=f"Coded with {project['path']}.")
    assert raw_hostile_strings(at) == []
    assert shown(at, hostile.CODE) and shown(at, hostile.CODER) and shown(at, hostile.EXCERPT)  # the inspector's card
    assert at.text_area(key=f"memo_{project['coding']}").value == hostile.MEMO


def test_dashboard(hostile_app):
    at = _visit(hostile_app, "dashboard")
    assert raw_hostile_strings(at) == []
    assert shown(at, hostile.PROJECT)


def test_excerpts_of_the_hostile_code(hostile_app, project):
    at = _visit(hostile_app, "excerpts", ex_codes=[project["path"]])
    assert raw_hostile_strings(at) == []
    assert shown(at, hostile.ATTRIBUTE)


def test_charts_with_the_hostile_view(hostile_app, project):
    at = _visit(hostile_app, "charts", chart_kind="Codes by attribute")
    at.selectbox(key="view_to_open").set_value(hostile.VIEW).run()
    assert not at.exception
    assert raw_hostile_strings(at) == []
    assert shown(at, hostile.VIEW) and shown(at, hostile.CODER)


def test_agreement_between_the_hostile_coder_and_another(hostile_app):
    at = _visit(hostile_app, "agreement", agreement_coders=[hostile.CODER, "Signe Holm"])
    assert raw_hostile_strings(at) == []
    assert shown(at, hostile.TITLE)
