"""The codebook page in Chromium: sign in, choose a code, rename it in the form, and the project has the new name."""

import pytest

from qualbench import codebook, store

from .support import choose, download, screenshot, sign_in, wait_for_app

pytestmark = pytest.mark.browser


def test_rename_a_code_on_the_codebook_page(page, fresh_server):
    db = store.open_project(fresh_server.db_path, create=False)
    code = codebook.resolve(db, "Unlearning/Old routines")
    page.goto(fresh_server.url + "/codebook")
    wait_for_app(page)
    assert page.get_by_text("Sign in with your name").count() == 1  # before signing in the page only shows
    sign_in(page, "Browser Codebook")
    assert page.get_by_text("Sign in with your name").count() == 0
    page.locator('[data-testid="stDataFrame"]').first.wait_for()  # a rerun may briefly show the old table beside the new
    choose(page, "Code to edit", "Unlearning/Old routines")
    form = page.locator('[data-testid="stForm"]').first
    form.get_by_label("Name", exact=True).fill("Old habits")
    form.get_by_label("Description", exact=True).fill("Routines from before the self-service systems that no longer fit.")
    screenshot(page, "codebook_edit")
    form.get_by_role("button", name="Save").click()
    page.get_by_text("Saved “Old habits”.").first.wait_for()  # in the success box and the toast
    wait_for_app(page)
    row = store.rows(db, "SELECT name, description, parent_id FROM codes WHERE id = ?", [code["id"]])[0]
    assert row == {"name": "Old habits", "description": "Routines from before the self-service systems that no longer fit.",
                   "parent_id": code["parent_id"]}
    event = store.rows(db, "SELECT who, action FROM events WHERE entity = 'code' ORDER BY id DESC LIMIT 1")[0]
    assert event == {"who": "Browser Codebook", "action": "update"}
    screenshot(page, "codebook")


def test_load_a_codebook_file_after_its_plan_and_download_the_word_codebook(page, fresh_server, tmp_path):
    import docx

    db = store.open_project(fresh_server.db_path, create=False)
    source = tmp_path / "extra.yaml"
    source.write_text("codes:\n  - name: Waiting\n    color: \"#336699\"\n    description: Citizens waiting for an answer.\n",
                      encoding="utf-8")
    page.goto(fresh_server.url + "/codebook")
    wait_for_app(page)
    sign_in(page, "Browser Loader")
    page.get_by_text("Load a codebook file", exact=False).click()
    page.locator('[data-testid="stFileUploader"] input[type="file"]').set_input_files(str(source))
    page.get_by_text("add Waiting", exact=True).wait_for()
    wait_for_app(page)
    assert not store.rows(db, "SELECT 1 FROM codes WHERE name = 'Waiting'")  # the plan alone writes nothing
    assert page.locator('[data-testid="stFileUploader"]').get_by_text("extra.yaml").count() == 1
    screenshot(page, "codebook_load_plan")
    page.get_by_role("button", name="Apply this plan").click()
    page.get_by_text("Loaded extra.yaml").first.wait_for()
    wait_for_app(page)
    row = store.rows(db, "SELECT color, description, parent_id FROM codes WHERE name = 'Waiting'")
    assert row == [{"color": "#336699", "description": "Citizens waiting for an answer.", "parent_id": None}]
    assert page.locator('[data-testid="stFileUploader"]').get_by_text("extra.yaml").count() == 0  # the loaded file is cleared from the uploader

    screenshot(page, "codebook_loaded")
    target = download(page, "Codebook in Word", tmp_path)
    assert target.name == "codebook.docx"
    book = docx.Document(target)
    counts = codebook.counts(db).set_index("path")
    first = [c.text for c in book.tables[0].rows[1].cells]
    assert first[0] == "Cross-pressure" and first[-2].split("\n")[0] == str(counts.loc["Cross-pressure", "codings_total"])
    assert "Waiting" in [t.rows[1].cells[0].text for t in book.tables]
