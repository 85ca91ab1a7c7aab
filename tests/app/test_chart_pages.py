"""Dashboard and Charts pages on the sample project (AppTest)."""

from .conftest import visible


def test_dashboard_loads_with_counts_and_two_charts(app):
    app.run()
    app.switch_page("pages/dashboard.py").run()
    assert not app.exception and not app.error
    assert {m.label for m in app.metric} >= {"Documents", "Codings", "Coders"}
    assert len(app.get("vega_lite_chart")) == 2


def test_charts_page_switches_chart_scope_and_filters(app):
    app.run()
    app.switch_page("pages/charts.py").run()
    assert not app.exception and not app.error
    app.radio(key="chart_scope").set_value("turn").run()
    app.radio(key="chart_measure").set_value("c").run()
    assert not app.exception and not app.error
    app.multiselect(key="charts_coders").set_value(["Tobias Berg"]).run()
    assert not app.exception and not app.error
    for kind in ("Codes by document", "Codes by attribute", "Code frequencies"):
        app.radio(key="chart_kind").set_value(kind).run()
        assert not app.exception and not app.error, kind
    assert len(app.get("vega_lite_chart")) == 1


def test_save_a_view_and_reopen_it(app, sample_path):
    from qualbench import store, views

    app.run()
    app.switch_page("pages/charts.py").run()
    app.radio(key="chart_scope").set_value("document").run()
    app.text_input(key="view_name").input("Per document").run()
    save = [b for b in app.button if b.label == "Save view"][0]
    save.click().run()
    db = store.open_project(sample_path, create=False)
    assert views.open_view(db, "Per document")[1]["chart_scope"] == "document"
    app.radio(key="chart_scope").set_value("overlap").run()
    app.selectbox(key="view_to_open").select("Per document").run()
    assert app.radio(key="chart_scope").value == "document"
    assert any("shows the data as they are now" in i.value for i in app.info)
    assert not app.exception


def test_network_view(app):
    app.run()
    app.switch_page("pages/charts.py").run()
    app.toggle(key="chart_network").set_value(True).run()
    assert not app.exception and not app.error
    assert len(app.get("vega_lite_chart")) == 1


def add_region_document(sample_path) -> None:
    """A document imported with an attribute the sample does not have ("region"), as `import --attr region=Nord` does."""
    from qualbench import documents, store

    db = store.open_project(sample_path, create=False)
    documents.import_bytes(db, "Interviewer: Hvad nu?\n\nRespondent: Det ved jeg ikke.".encode(), "nord.txt",
                           kind="interview", attributes={"region": "Nord"}, who="t")
    db.close()


def test_every_case_attribute_is_offered_dates_and_new_ones_included(app, sample_path):
    add_region_document(sample_path)
    app.run()
    app.switch_page("pages/charts.py").run()
    names = {"area", "date", "language", "role", "site", "region"}  # the sample's five and the one typed at import
    for name in names:
        assert app.multiselect(key=f"charts_attr_{name}").options, name
    app.radio(key="chart_kind").set_value("Codes by attribute").run()
    assert set(app.selectbox(key="chart_attribute").options) == names
    app.selectbox(key="chart_attribute").select("date").run()
    assert not app.exception and not app.error
    assert len(app.get("vega_lite_chart")) == 1


def test_a_saved_view_keeps_a_filter_on_any_attribute(app, sample_path):
    from qualbench import store, views

    add_region_document(sample_path)
    app.run()
    app.switch_page("pages/charts.py").run()
    first_date = app.multiselect(key="charts_attr_date").options[0]
    app.multiselect(key="charts_attr_date").set_value([first_date]).run()
    app.multiselect(key="charts_attr_region").set_value(["Nord"]).run()
    assert not app.exception and not app.error
    app.text_input(key="view_name").input("Dated").run()
    [b for b in app.button if b.label == "Save view"][0].click().run()
    db = store.open_project(sample_path, create=False)
    assert views.open_view(db, "Dated")[1]["attributes"] == {"date": [first_date], "region": ["Nord"]}
    app.multiselect(key="charts_attr_date").set_value([]).run()
    app.multiselect(key="charts_attr_region").set_value([]).run()
    app.selectbox(key="view_to_open").select("Dated").run()
    assert app.multiselect(key="charts_attr_date").value == [first_date]
    assert app.multiselect(key="charts_attr_region").value == ["Nord"]
    assert not app.exception


def test_undefined_c_cells_are_explained(app, sample_path):
    from qualbench import analysis, codebook, coding, store

    # By hand: one coder's two long X codings (0-200, 10-210) each overlap both short Y codings (50-60, 100-110):
    # n_X = n_Y = 2, n_XY = 4, so c = 4 / (2 + 2 - 4) is undefined
    db = store.open_project(sample_path, create=False)
    for name in ("X", "Y"):
        codebook.add_code(db, name, who="t")
    for start, end in ((0, 200), (10, 210)):
        coding.apply(db, 1, "X", start, end, coder="Karen Test")
    for start, end in ((50, 60), (100, 110)):
        coding.apply(db, 1, "Y", start, end, coder="Karen Test")
    assert analysis.cooccurrence(db, measure="c").isna().to_numpy().sum() == 2
    db.close()
    app.run()
    app.switch_page("pages/charts.py").run()
    assert not any("have no c" in visible(i.value) or "has no c" in visible(i.value) for i in app.info)  # count: nothing undefined
    assert any("same coder applied both" in c.value for c in app.caption)
    app.radio(key="chart_measure").set_value("c").run()
    assert not app.exception and not app.error
    note = [visible(i.value) for i in app.info if "has no c" in visible(i.value)]
    assert note and "n_A + n_B − n_AB is 0 or less" in note[0] and "blank in the CSV" in note[0]
