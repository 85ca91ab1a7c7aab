"""The codebook page in Chromium: sign in, choose a code, rename it in the form, and the project has the new name."""

import pytest

from qualbench import codebook, store

from .support import choose, screenshot, sign_in, wait_for_app

pytestmark = pytest.mark.browser


def test_rename_a_code_on_the_codebook_page(page, fresh_server):
    db = store.open_project(fresh_server.db_path, create=False)
    code = codebook.resolve(db, "Unlearning/Old routines")
    page.goto(fresh_server.url + "/codebook")
    wait_for_app(page)
    assert page.get_by_text("Sign in with your name").count() == 1  # before signing in the page only shows
    sign_in(page, "Browser Codebook")
    assert page.get_by_text("Sign in with your name").count() == 0
    page.locator('[data-testid="stDataFrame"]').wait_for()
    choose(page, "Code to edit", "Unlearning/Old routines")
    form = page.locator('[data-testid="stForm"]').first
    form.get_by_label("Name", exact=True).fill("Old habits")
    form.get_by_label("Description", exact=True).fill("Routines from before the self-service systems that no longer fit.")
    screenshot(page, "codebook_edit")
    form.get_by_role("button", name="Save").click()
    page.get_by_text("Saved “Old habits”.").wait_for()
    wait_for_app(page)
    row = store.rows(db, "SELECT name, description, parent_id FROM codes WHERE id = ?", [code["id"]])[0]
    assert row == {"name": "Old habits", "description": "Routines from before the self-service systems that no longer fit.",
                   "parent_id": code["parent_id"]}
    event = store.rows(db, "SELECT who, action FROM events WHERE entity = 'code' ORDER BY id DESC LIMIT 1")[0]
    assert event == {"who": "Browser Codebook", "action": "update"}
    screenshot(page, "codebook")
