"""The agreement page on the sample project's two coders (AppTest)."""


def test_agreement_page_shows_a_row_per_code_and_the_pooled_row(app):
    app.run()
    app.switch_page("pages/agreement.py").run()
    assert not app.exception and not app.error
    table = app.dataframe[0].value
    assert table.iloc[-1]["code"] == "(all codes)"
    assert {"both", "first_only", "second_only", "neither", "kappa", "verdict"} <= set(table.columns)
    assert set(app.multiselect(key="agreement_coders").value) == {"Signe Holm", "Tobias Berg"}


def test_switching_level_changes_the_figures(app):
    app.run()
    app.switch_page("pages/agreement.py").run()
    app.radio(key="agreement_level").set_value("unit").run()
    assert not app.exception
    assert "alpha" in app.dataframe[0].value.columns
    app.radio(key="agreement_level").set_value("segment").run()
    assert "matched_Signe Holm" in app.dataframe[0].value.columns


def test_one_coder_gives_a_clear_message(app):
    app.run()
    app.switch_page("pages/agreement.py").run()
    app.multiselect(key="agreement_coders").set_value(["Signe Holm"]).run()
    assert not app.exception
    assert "at least two coders" in app.error[0].value


def test_the_columns_are_explained_in_a_caption(app):
    # issue 12: no raw column name such as first_only without a caption saying what it means
    app.run()
    app.switch_page("pages/agreement.py").run()
    table = app.dataframe[0].value
    legend = next(c.value for c in app.caption if "first\\_only" in c.value)
    assert "only Signe Holm coded" in legend and "only Tobias Berg coded" in legend
    for column in ("both", "neither", "kappa", "nvivo\\_kappa", "verdict"):
        assert f"**{column}**" in legend
    assert {"nvivo_kappa", "nvivo_agreement_percent"} <= set(table.columns)


def test_per_document_rows_with_their_size(app):
    app.run()
    app.switch_page("pages/agreement.py").run()
    app.checkbox(key="agreement_by_document").check().run()
    assert not app.exception and not app.error
    table = app.dataframe[0].value
    assert list(table.columns[:3]) == ["code", "document", "characters"] and "(all codes)" not in set(table["code"])
