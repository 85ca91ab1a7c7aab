"""Whole-project figures are computed once per project state (ui/cache.py; issue 18)."""

from qualbench import analysis, coding, documents, store


def test_a_rerun_that_changed_nothing_recomputes_nothing_and_a_change_anywhere_does(app, sample_path, monkeypatch):
    calls = []
    real = analysis.cooccurrence

    def counting(db, **options):
        calls.append(options)
        return real(db, **options)

    monkeypatch.setattr(analysis, "cooccurrence", counting)
    app.run()
    app.switch_page("pages/charts.py").run()
    assert not app.exception
    first = len(calls)
    assert first >= 1
    app.run()  # a rerun: nothing changed in the project
    app.run()
    assert len(calls) == first
    other = store.open_project(sample_path, create=False)  # another program codes (the CLI, another session)
    doc = documents.list_documents(other).iloc[0]
    text = documents.resolve(other, int(doc["id"]))["text"]
    start = text.index(" ") + 1
    coding.apply(other, int(doc["id"]), "Unlearning", start, text.index(" ", start), coder="Another Program")
    other.close()
    app.run()
    assert len(calls) == first + 1
    heading = [h.value for h in app.title]
    assert heading == ["Charts"]
