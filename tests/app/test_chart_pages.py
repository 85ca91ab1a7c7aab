"""Dashboard and Charts pages on the sample project (AppTest)."""


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
