"""Filters shared by retrieval, analysis and agreement: which documents and codings count.

A :class:`Filters` narrows by document (ids), document kind, case attributes
(name -> allowed values; several names combine with AND, values of one name with
OR) and coder. ``documents_sql``/``codings_sql`` give a WHERE fragment and its
parameters, so every query applies the filters the same way.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import sqlite_utils

from . import store
from .errors import NotFound


@dataclass
class Filters:
    documents: list[int] | None = None
    kinds: list[str] | None = None
    attributes: dict[str, list[str]] = field(default_factory=dict)
    coders: list[str] | None = None

    def check(self, db: sqlite_utils.Database) -> "Filters":
        """Raise NotFound for an unknown coder or attribute name, naming it."""
        if self.coders:
            known = {r["name"] for r in store.rows(db, "SELECT name FROM coders")}
            missing = [c for c in self.coders if c not in known]
            if missing:
                raise NotFound(f"No coder {', '.join(map(repr, missing))} in this project (known: {', '.join(sorted(known)) or 'none'}).")
        if self.attributes:
            known = {r["name"] for r in store.rows(db, "SELECT DISTINCT name FROM document_attributes")}
            missing = [a for a in self.attributes if a not in known]
            if missing:
                raise NotFound(f"No attribute {', '.join(map(repr, missing))} on any document (known: {', '.join(sorted(known)) or 'none'}).")
        return self

    def documents_sql(self, alias: str = "d") -> tuple[str, list]:
        """``(where, params)`` restricting documents ``alias``; where is "1" when nothing filters."""
        clauses, params = [], []
        if self.documents is not None:
            clauses.append(f"{alias}.id IN ({','.join('?' * len(self.documents)) or 'NULL'})")
            params += list(self.documents)
        if self.kinds:
            clauses.append(f"{alias}.kind IN ({','.join('?' * len(self.kinds))})")
            params += list(self.kinds)
        for name, values in (self.attributes or {}).items():
            values = [values] if isinstance(values, str) else list(values)
            clauses.append(
                f"EXISTS (SELECT 1 FROM document_attributes fa WHERE fa.document_id = {alias}.id "
                f"AND fa.name = ? AND fa.value IN ({','.join('?' * len(values)) or 'NULL'}))")
            params += [name, *values]
        return (" AND ".join(clauses) or "1"), params

    def codings_sql(self, alias: str = "c") -> tuple[str, list]:
        """``(where, params)`` restricting codings ``alias`` by coder and by their document."""
        doc_where, params = self.documents_sql("fd")
        clauses = [] if doc_where == "1" else [f"{alias}.document_id IN (SELECT fd.id FROM documents fd WHERE {doc_where})"]
        if self.coders:
            clauses.append(f"{alias}.coder IN ({','.join('?' * len(self.coders))})")
            params = params + list(self.coders)
        return (" AND ".join(clauses) or "1"), params


def parse_where(pairs: list[str] | None) -> dict[str, list[str]]:
    """``["area=Jobcenter", "area=Borgerservice", "role=Caseworker"]`` -> {area: [...], role: [...]} (CLI --where)."""
    from .errors import QualbenchError

    out: dict[str, list[str]] = {}
    for pair in pairs or []:
        name, sep, value = pair.partition("=")
        if not sep or not name.strip():
            raise QualbenchError(f"--where {pair!r}: write it as ATTRIBUTE=VALUE, e.g. --where area=Jobcenter.")
        out.setdefault(name.strip(), []).append(value.strip())
    return out
