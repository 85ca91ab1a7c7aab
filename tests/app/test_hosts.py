"""The workbench answers only under the names it serves (issue 19: DNS rebinding).

The check itself (ui/hosts.py) on Host headers, and the workbench under AppTest with the
request's headers replaced where Streamlit keeps them for ``st.context.headers``.
tests/browser/test_hostile_browser.py does the same through Chromium with a rebound name.
"""

from types import SimpleNamespace

import pytest

from ui import hosts

LOOP = hosts.allowed_names([])


@pytest.mark.parametrize("host, ok", [
    ("127.0.0.1:8501", True), ("localhost:8501", True), ("LOCALHOST:8501", True), ("localhost.:8501", True), ("[::1]:8501", True),
    ("127.0.0.1:9999", False),  # another port of this machine: not the workbench's address
    ("localhost", False),  # no port: the browser would be at port 80
    ("attacker.example:8501", False), ("attacker.example", False), ("127.0.0.1.attacker.example:8501", False),
    ("localhost.attacker.example:8501", False), ("user@127.0.0.1:8501", False), ("127.0.0.1:8501/x", False),
    ("127.0.0.1:99999", False), ("", False), (None, False),
])
def test_solo_mode_answers_to_this_machine_at_its_port_only(host, ok):
    assert hosts.host_allowed(host, LOOP, port=8501) is ok


def test_a_team_server_answers_to_its_configured_name():
    names = hosts.allowed_names(["Qualbench.Example.org.", "*.lab.example.org"])
    assert names == ["qualbench.example.org", "*.lab.example.org"]
    assert hosts.host_allowed("qualbench.example.org", names, port=8501)  # behind a proxy on 443: any port
    assert hosts.host_allowed("qualbench.example.org:443", names, port=8501)
    assert hosts.host_allowed("pc7.lab.example.org:8501", names, port=8501)
    assert not hosts.host_allowed("127.0.0.1:8501", names, port=8501)  # not listed there
    assert not hosts.host_allowed("qualbench.example.org.attacker.example", names, port=8501)
    assert not hosts.host_allowed("lab.example.org.attacker.example", names, port=8501)


def test_any_host_is_never_taken_for_an_answer():
    assert hosts.allowed_names(["*"]) == LOOP == ["localhost", "127.0.0.1", "::1"]
    assert not hosts.host_allowed("attacker.example:8501", hosts.allowed_names(["*"]), port=8501)


def _request_with(monkeypatch, host: str) -> None:
    """Make every script run see a request whose Host header is ``host`` (where st.context.headers reads it)."""
    import streamlit.runtime.context as context

    monkeypatch.setattr(context, "_get_client_context",
                        lambda: SimpleNamespace(headers=[("Host", host), ("Origin", f"http://{host}")], cookies={}))


def test_a_page_reached_under_another_name_shows_nothing_of_the_project(app, monkeypatch):
    _request_with(monkeypatch, "attacker.example:8501")
    app.run()
    assert not app.exception
    assert [e.value for e in app.error] and "attacker" in app.error[0].value and "nothing here" in app.error[0].value
    assert not app.title and not app.metric and not app.dataframe and not app.sidebar.selectbox
    assert "_qb_db" not in app.session_state  # the project was never opened
    app.switch_page("pages/documents.py").run()
    assert not app.dataframe and "_qb_db" not in app.session_state


def test_a_page_script_run_on_its_own_is_refused_too(sample_path, monkeypatch):
    """ui.project refuses as well: a page script that Streamlit runs without workbench.py cannot open the project."""
    from streamlit.testing.v1 import AppTest

    from ..conftest import ROOT

    monkeypatch.setenv("QUALBENCH_DB", str(sample_path))
    monkeypatch.chdir(ROOT)
    _request_with(monkeypatch, "attacker.example:8501")
    at = AppTest.from_file(str(ROOT / "pages" / "documents.py"), default_timeout=60)
    at.run()
    assert not at.exception
    assert at.error and "attacker" in at.error[0].value
    assert not at.dataframe and "_qb_db" not in at.session_state


def test_the_workbench_own_address_works(app, monkeypatch):
    _request_with(monkeypatch, "127.0.0.1:8501")  # .streamlit/config.toml serves on 8501
    app.run()
    assert not app.exception and not app.error
    assert app.title and app.metric and app.dataframe
