"""Saved views reopen on current data and say what no longer fits."""

import pytest

from qualbench import codebook, documents, store, views
from qualbench.errors import NotFound, QualbenchError


def test_save_reopen_and_replace(sample_db):
    settings = {"kind": "Co-occurrence", "scope": "turn", "measure": "c", "coders": ["Signe Holm"],
                "attributes": {"area": ["Jobcenter"]}, "cell": ["Boundary confusion/Acting on behalf", "Privacy distance/Credentials and screens"]}
    views.save(sample_db, "Mandate x privacy", kind="cooccurrence", settings=settings, who="Karen")
    view, again, problems = views.open_view(sample_db, "Mandate x privacy")
    assert again == settings and problems == [] and view["created_by"] == "Karen"
    views.save(sample_db, "Mandate x privacy", kind="cooccurrence", settings=dict(settings, scope="overlap"), who="Karen")
    assert len(views.listing(sample_db)) == 1
    assert views.open_view(sample_db, "Mandate x privacy")[1]["scope"] == "overlap"
    assert store.events(sample_db, limit=1)[0]["action"] == "save"


def test_a_view_that_no_longer_fits_names_what_is_gone(sample_db):
    settings = {"coders": ["Signe Holm", "Ghost"], "attributes": {"region": ["Nord"], "area": ["Jobcenter"]},
                "cell": ["Cross-pressure", "Gone code"]}
    views.save(sample_db, "Old view", kind="cooccurrence", settings=settings, who="Karen")
    _, fitted, problems = views.open_view(sample_db, "Old view")
    assert fitted["coders"] == ["Signe Holm"] and fitted["attributes"] == {"area": ["Jobcenter"]} and "cell" not in fitted
    assert len(problems) == 3 and "Ghost" in problems[0] and "region" in problems[1] and "Gone code" in problems[2]


def test_bad_names(sample_db):
    with pytest.raises(QualbenchError, match="needs a name"):
        views.save(sample_db, "  ", kind="x", settings={}, who="K")
    with pytest.raises(NotFound):
        views.open_view(sample_db, "Nope")
