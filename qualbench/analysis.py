"""Counts and matrices over codings (SQL first, pandas out)."""

from __future__ import annotations

import sqlite_utils

from . import store


def summary(db: sqlite_utils.Database) -> dict:
    """Headline counts of a project: documents, words, codes, codings, coders, coded documents."""
    row = store.rows(db, """
        SELECT (SELECT count(*) FROM documents) AS documents,
               (SELECT count(*) FROM codes) AS codes,
               (SELECT count(*) FROM codings) AS codings,
               (SELECT count(DISTINCT coder) FROM codings) AS coders,
               (SELECT count(DISTINCT document_id) FROM codings) AS coded_documents""")[0]
    row["project"] = store.get_setting(db, "project_name") or "Untitled project"
    return row
