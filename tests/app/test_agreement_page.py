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
