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
