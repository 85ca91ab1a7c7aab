"""The codebook page on the sample project (AppTest): the counts table, edit, merge, delete with its confirm, memos."""

from qualbench import codebook, store
from ui import show

from .conftest import visible

CODER = "Signe Holm"


def open_page(app, sample_path, *, coder: str | None = CODER):
    if coder:
        app.session_state["coder"] = coder  # AppTest drops the sidebar under st.navigation: sign in directly
    else:
        del app.session_state["coder_choice"]  # the fixture's choice would sign Signe Holm in
    app.run()
    app.switch_page("pages/codebook.py").run()
    assert not app.exception
    return app


def fresh(sample_path):
    return store.open_project(sample_path, create=False)


def choose(app, sample_path, path: str):
    app.selectbox(key="cb_code").set_value(path).run()
    assert not app.exception and not app.error, [e.value for e in app.error]
    return codebook.resolve(fresh(sample_path), path)


def button(app, label: str):
    found = [b for b in app.button if b.label == label]
    assert found, f"no button {label!r}: {[b.label for b in app.button]}"
    return found[0]


def test_the_page_shows_the_tree_with_counts(app, sample_path):
    open_page(app, sample_path)
    assert app.title[0].value == "Codebook" and not app.warning
    table = app.dataframe[0].value
    counts = codebook.counts(fresh(sample_path))
    assert len(table) == len(counts) > 0
    assert table["codings"].tolist() == counts["codings"].tolist()
    assert table["codings with sub-codes"].tolist() == counts["codings_total"].tolist()
    assert table["documents with sub-codes"].tolist() == counts["documents_total"].tolist()
    assert table["colour"].tolist() == [c["color"] for c in codebook.codes(fresh(sample_path))]
    assert table["code"].iloc[0] == "Cross-pressure" and table["code"].iloc[1].endswith("Citizen expectations")


def test_without_a_coder_the_page_asks_to_sign_in_and_disables_the_actions(app, sample_path):
    open_page(app, sample_path, coder=None)
    assert "Sign in" in app.warning[0].value
    app.selectbox(key="cb_code").set_value("Unlearning").run()
    assert button(app, "Save").disabled and button(app, "Add the code").disabled


def test_renaming_a_code_in_the_form_changes_the_database(app, sample_path):
    open_page(app, sample_path)
    code = choose(app, sample_path, "Unlearning/Old routines")
    app.text_input(key=f"cb_name_{code['id']}").set_value("Old habits")
    app.text_area(key=f"cb_description_{code['id']}").set_value("Routines that no longer fit.")
    button(app, "Save").click().run()
    assert not app.exception and not app.error
    row = store.rows(fresh(sample_path), "SELECT name, description FROM codes WHERE id = ?", [code["id"]])[0]
    assert row == {"name": "Old habits", "description": "Routines that no longer fit."}
    assert "Saved “Old habits”" in app.success[0].value
    assert app.selectbox(key="cb_code").value == "Unlearning/Old habits"  # the renamed code stays chosen
    event = store.rows(fresh(sample_path), "SELECT who, action FROM events WHERE entity = 'code' ORDER BY id DESC LIMIT 1")[0]
    assert event == {"who": CODER, "action": "update"}


def test_merge_moves_the_codings_to_the_target(app, sample_path):
    open_page(app, sample_path)
    db = fresh(sample_path)
    source, target = codebook.resolve(db, "Unlearning/Old routines"), codebook.resolve(db, "Unlearning/Professional identity")
    n_source, n_target = (store.rows(db, "SELECT count(*) AS n FROM codings WHERE code_id = ?", [c["id"]])[0]["n"] for c in (source, target))
    source_ids = [r["id"] for r in store.rows(db, "SELECT id FROM codings WHERE code_id = ?", [source["id"]])]
    same = store.rows(db, """SELECT count(*) AS n FROM codings s JOIN codings t ON t.code_id = ? AND t.document_id = s.document_id
                              AND t.start = s.start AND t."end" = s."end" AND t.coder = s.coder WHERE s.code_id = ?""",
                      [target["id"], source["id"]])[0]["n"]  # identical codings collapse into the target's
    assert n_source > 0
    choose(app, sample_path, source["path"])
    app.selectbox(key=f"cb_merge_{source['id']}").set_value(target["path"]).run()  # the button opens once a target is chosen
    button(app, "Merge").click().run()
    assert not app.exception and not app.error
    db = fresh(sample_path)
    assert not store.rows(db, "SELECT 1 FROM codes WHERE id = ?", [source["id"]])
    merged = store.rows(db, "SELECT count(*) AS n FROM codings WHERE code_id = ?", [target["id"]])[0]["n"]
    assert merged == n_source + n_target - same
    left = store.rows(db, f"SELECT DISTINCT code_id FROM codings WHERE id IN ({','.join(map(str, source_ids))})")
    assert [r["code_id"] for r in left] == [target["id"]]
    assert "Merged" in app.success[0].value
    assert app.selectbox(key="cb_code").value == target["path"]


def test_deleting_a_code_with_codings_needs_the_confirm(app, sample_path):
    open_page(app, sample_path)
    code = choose(app, sample_path, "Privacy distance/Seeing personal data")
    n = store.rows(fresh(sample_path), "SELECT count(*) AS n FROM codings WHERE code_id = ?", [code["id"]])[0]["n"]
    confirm = app.checkbox(key=f"cb_delete_ok_{code['id']}")
    assert f"its {n} codings" in confirm.label and n > 0
    assert button(app, "Delete").disabled  # AppTest, like a browser, cannot click it now
    assert store.rows(fresh(sample_path), "SELECT 1 FROM codes WHERE id = ?", [code["id"]])
    app.checkbox(key=f"cb_delete_ok_{code['id']}").check().run()
    assert not button(app, "Delete").disabled
    button(app, "Delete").click().run()
    assert not app.exception and not app.error
    db = fresh(sample_path)
    assert not store.rows(db, "SELECT 1 FROM codes WHERE id = ?", [code["id"]])
    assert store.rows(db, "SELECT count(*) AS n FROM codings WHERE code_id = ?", [code["id"]])[0]["n"] == 0
    assert f"{n} coding(s)" in visible(app.success[0].value)
    assert app.selectbox(key="cb_code").value is None


def test_a_memo_added_on_a_code_is_shown(app, sample_path):
    open_page(app, sample_path)
    code = choose(app, sample_path, "Co-service")
    app.text_area(key=f"cb_memo_{code['id']}").set_value("Check *this* against the Jobcenter notes.")
    button(app, "Add memo").click().run()
    assert not app.exception and not app.error
    memos = codebook.code_memos(fresh(sample_path), code["id"])
    assert [(m["author"], m["text"]) for m in memos] == [(CODER, "Check *this* against the Jobcenter notes.")]
    assert CODER in "\n".join(visible(m.value) for m in app.markdown)
    assert any(show.html("Check *this* against the Jobcenter notes.") in h.proto.body for h in app.get("html"))  # as text, not Markdown


def test_adding_a_code_and_a_refused_name_shows_the_error(app, sample_path):
    open_page(app, sample_path)
    app.text_input(key="cb_add_name").set_value("Waiting")
    app.selectbox(key="cb_add_parent").set_value("Co-service")
    button(app, "Add the code").click().run()
    assert not app.exception and not app.error
    assert codebook.resolve(fresh(sample_path), "Co-service/Waiting")["parent_id"] == codebook.resolve(fresh(sample_path), "Co-service")["id"]
    app.text_input(key="cb_add_name").set_value("Unlearning")
    button(app, "Add the code").click().run()
    assert "already a code “Unlearning”" in app.error[0].value


def test_split_and_move(app, sample_path):
    open_page(app, sample_path)
    db = fresh(sample_path)
    code = choose(app, sample_path, "Co-service/Help to self-help")
    ids = [r["id"] for r in store.rows(db, "SELECT id FROM codings WHERE code_id = ? ORDER BY id LIMIT 2", [code["id"]])]
    app.multiselect(key=f"cb_split_{code['id']}").set_value(ids)
    app.text_input(key=f"cb_split_name_{code['id']}").set_value("Showing how")
    button(app, "Split").click().run()
    assert not app.exception and not app.error
    new = codebook.resolve(fresh(sample_path), "Co-service/Showing how")
    assert [r["code_id"] for r in store.rows(fresh(sample_path), f"SELECT code_id FROM codings WHERE id IN ({ids[0]}, {ids[1]})")] == [new["id"]] * 2
    # move the new code to the top level, first
    choose(app, sample_path, "Co-service/Showing how")
    app.selectbox(key=f"cb_parent_{new['id']}").set_value("(top level)")
    app.number_input(key=f"cb_position_{new['id']}").set_value(0)
    button(app, "Move").click().run()
    assert not app.exception and not app.error
    assert codebook.codes(fresh(sample_path))[0]["path"] == "Showing how"
    assert app.selectbox(key="cb_code").value == "Showing how"

