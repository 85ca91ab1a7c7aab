"""The sample project meets what issue 3 promises a newcomer, and builds all or nothing."""

import re
import shutil

import pytest
import yaml

from qualbench import codebook, coding, documents, sample, store
from qualbench.errors import QualbenchError

from ..conftest import ROOT


def test_the_corpus_is_what_the_issue_asks_for(sample_db):
    table = documents.table(sample_db)
    assert len(table) >= 10
    assert (table["kind"] == "interview").sum() >= 4 and (table["kind"] == "observation").sum() >= 4
    assert set(table["language"]) == {"da", "en"}
    assert table["words"].between(1500, 4000).all(), table[["title", "words"]]
    assert {"Borgerservice", "Jobcenter", "Hjemmepleje", "Socialforvaltning"} <= set(table["area"])
    for column in ("site", "area", "role"):
        assert (table[column].str.len() > 0).all(), column
    danish = documents.resolve(sample_db, int(table[table["language"] == "da"].iloc[0]["id"]))["text"]
    assert re.search("[æøå]", danish)


def test_interviews_have_speaker_turns(sample_db):
    table = documents.table(sample_db)
    for doc_id in table[table["kind"] == "interview"]["id"]:
        speakers = {t["speaker"] for t in documents.turns(sample_db, int(doc_id))}
        assert len(speakers - {None}) >= 2, documents.resolve(sample_db, int(doc_id))["title"]


def test_the_codebook_has_the_three_themes_and_full_definitions(sample_db):
    codes = codebook.codes(sample_db)
    tops = {c["name"]: c for c in codes if c["depth"] == 0}
    for theme in ("Cross-pressure", "Boundary confusion", "Generalist knowledge"):
        children = [c for c in codes if c["parent_id"] == tops[theme]["id"]]
        assert 2 <= len(children) <= 5, theme
    for code in codes:
        assert re.fullmatch(r"#[0-9a-f]{6}", code["color"])
        for field in ("description", "inclusion", "exclusion", "example"):
            assert code[field].strip(), (code["path"], field)


def test_two_coders_have_coded_most_documents(sample_db):
    frame = coding.codings(sample_db)
    coders = {"Signe Holm", "Tobias Berg"}
    assert set(frame["coder"]) == coders
    per_document = frame.groupby("document_id")["coder"].nunique()
    assert (per_document == 2).sum() >= len(documents.table(sample_db)) * 0.6
    assert (frame["end"] > frame["start"]).all()
    assert (frame["excerpt"].str.strip().str.len() > 0).all()


def test_every_sample_coding_is_the_quoted_passage(sample_db):
    text = {d: documents.resolve(sample_db, d)["text"] for d in coding.codings(sample_db)["document_id"].unique()}
    quotes = []
    for path in sorted((ROOT / "corpus" / "codings").glob("*.yaml")):
        quotes += [c["quote"] for c in yaml.safe_load(path.read_text(encoding="utf-8"))["codings"]]
    excerpts = [text[r.document_id][r.start:r.end] for r in coding.codings(sample_db).itertuples()]
    assert sorted(excerpts) == sorted(quotes)


def test_a_broken_sample_leaves_the_project_empty(db, tmp_path):
    corpus = tmp_path / "corpus"
    shutil.copytree(ROOT / "corpus", corpus)
    victim = sorted((corpus / "codings").glob("*.yaml"))[-1]
    victim.write_text(victim.read_text(encoding="utf-8").replace('quote: "', 'quote: "NOT IN THE TEXT ', 1), encoding="utf-8")
    with pytest.raises(QualbenchError, match="Sample quote not found"):
        sample.build(db, corpus=corpus)
    assert [db[t].count for t in ("documents", "codes", "codings", "coders", "events")] == [0, 0, 0, 0, 0]


def test_the_sample_loads_only_into_an_empty_project(sample_db, tmp_path):
    with pytest.raises(QualbenchError, match="empty project"):
        sample.build(sample_db)
    again = sample.open_sample(tmp_path / "fresh.db")
    count = again["codings"].count
    again.close()
    assert sample.open_sample(tmp_path / "fresh.db")["codings"].count == count  # not loaded twice
    assert store.get_setting(sample_db, "project_name").endswith("(sample project)")


def test_codings_for_an_unlisted_document_are_a_clear_error(db, tmp_path):
    corpus = tmp_path / "corpus"
    shutil.copytree(ROOT / "corpus", corpus, ignore=shutil.ignore_patterns("_manifest_parts"))
    (corpus / "codings" / "stray.yaml").write_text("document: not_listed.txt\ncodings: []\n", encoding="utf-8")
    with pytest.raises(QualbenchError, match="stray.yaml name the document 'not_listed.txt'"):
        sample.build(db, corpus=corpus)
    assert db["documents"].count == 0


def test_the_shipped_codebook_loads_and_dumps_to_the_same_bytes(db):
    """Issue 5: load then dump is stable. The shipped file is written in the dump's own layout."""
    shipped = (ROOT / "codebook.yaml").read_text(encoding="utf-8")
    codebook.load(db, ROOT / "codebook.yaml", who="t")
    assert codebook.dump_yaml(db) == shipped
